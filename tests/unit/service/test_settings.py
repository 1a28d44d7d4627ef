import pytest
from common.settings import SETTINGS_BY_HANDLER, AuthorizerSettings, CodifySettings, HealthSettings
from pydantic import ValidationError

CODIFY_ENV = {
    "RUNS_TABLE": "runs",
    "IDEMPOTENCY_TABLE": "idem",
    "STAGING_BUCKET": "stage",
    "MODELS_BUCKET": "models",
    "MODELS_TABLE": "models-table",
    "TRAINING_FUNCTION": "training",
}


def test_codify_settings_read_their_variables_and_defaults():
    s = CodifySettings.from_env({**CODIFY_ENV, "STAGE": "prod", "UNRELATED": "x"})
    assert (s.runs_table, s.idempotency_table, s.staging_bucket, s.models_bucket, s.stage) == (
        "runs",
        "idem",
        "stage",
        "models",
        "prod",
    )
    assert s.idempotency_ttl_seconds == 86_400


@pytest.mark.parametrize("missing", sorted(CODIFY_ENV))
def test_a_missing_required_variable_fails_fast(missing):
    env = {k: v for k, v in CODIFY_ENV.items() if k != missing}
    with pytest.raises(ValidationError) as info:
        CodifySettings.from_env(env)
    assert [e["loc"][0] for e in info.value.errors()] == [missing]


def test_typed_values_are_validated():
    with pytest.raises(ValidationError):
        CodifySettings.from_env({**CODIFY_ENV, "IDEMPOTENCY_TTL_SECONDS": "soon"})
    assert (
        CodifySettings.from_env({**CODIFY_ENV, "IDEMPOTENCY_TTL_SECONDS": "3600"}).idempotency_ttl_seconds
        == 3600
    )


def test_required_env_is_what_the_template_must_provide():
    assert CodifySettings.required_env() == set(CODIFY_ENV)
    assert AuthorizerSettings.required_env() == {"TOKENS_TABLE"}
    assert HealthSettings.required_env() == set()
    assert set(SETTINGS_BY_HANDLER) == {
        "codify/app.lambda_handler",
        "health/app.lambda_handler",
        "authorizer/app.lambda_handler",
        "training/app.lambda_handler",
    }


def test_settings_are_immutable():
    s = AuthorizerSettings.from_env({"TOKENS_TABLE": "t"})
    with pytest.raises(ValidationError):
        s.tokens_table = "other"
