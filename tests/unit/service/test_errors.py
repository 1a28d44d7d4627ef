import json

import pytest
from common import errors


def test_envelope_has_exactly_the_documented_keys():
    body = errors.envelope(errors.PayloadTooLarge("too big"), "req-1")
    assert body == {"error": {"code": "PAYLOAD_TOO_LARGE", "message": "too big", "request_id": "req-1"}}
    errors.ErrorResponse.model_validate(body)


@pytest.mark.parametrize(
    "status,code",
    [
        (400, "INVALID_REQUEST"),
        (401, "UNAUTHORIZED"),
        (403, "FORBIDDEN"),
        (404, "NOT_FOUND"),
        (409, "IDEMPOTENCY_CONFLICT"),
        (413, "PAYLOAD_TOO_LARGE"),
        (415, "UNSUPPORTED_MEDIA_TYPE"),
        (422, "UNPROCESSABLE_DOCUMENT"),
        (429, "RATE_LIMITED"),
        (500, "INTERNAL_ERROR"),
        (503, "SERVICE_UNAVAILABLE"),
    ],
)
def test_each_status_has_its_code(status, code):
    error = errors.ERRORS_BY_STATUS[status]()
    response = errors.error_response(error, "r")
    assert response.status_code == status
    assert response.body["error"]["code"] == code


def test_model_not_found_is_a_404_with_its_own_code():
    assert (errors.ModelNotFound.status, errors.ModelNotFound.code) == (404, "MODEL_NOT_FOUND")


def test_validation_errors_name_fields_and_never_carry_values():
    secret = "Patient Jane Roe, HIV positive"
    raw = [
        {
            "type": "extra_forbidden",
            "loc": ("body", "patient_name"),
            "msg": "Extra inputs are not permitted",
            "input": secret,
        },
        {
            "type": "json_invalid",
            "loc": ("body", 17),
            "msg": "JSON decode error",
            "input": {},
            "ctx": {"error": "Expecting value"},
        },
        {
            "type": "string_type",
            "loc": ("body", "codes", 3),
            "msg": "Input should be a valid string",
            "input": 5,
        },
    ]
    error = errors.from_validation_errors(raw)
    assert isinstance(error, errors.InvalidRequest)
    assert [(d.field, d.issue) for d in error.details] == [
        ("body.patient_name", "extra_forbidden"),
        ("body", "json_invalid"),
        ("body.codes", "string_type"),
    ]
    assert secret not in json.dumps(errors.envelope(error, "r"))


def test_a_too_large_field_makes_the_whole_error_413():
    error = errors.from_validation_errors(
        [
            {"type": "extra_forbidden", "loc": ("body", "x"), "msg": "Extra inputs are not permitted"},
            {"type": "payload_too_large", "loc": ("body", "text"), "msg": "text is over 51,200 UTF-8 bytes"},
        ]
    )
    assert isinstance(error, errors.PayloadTooLarge)
    assert error.message == "text is over 51,200 UTF-8 bytes"


@pytest.mark.parametrize(
    "value,ok",
    [
        (None, True),
        ("application/json", True),
        ("Application/JSON; charset=utf-8", True),
        ("application/vnd.api+json", True),
        ("text/plain", False),
        ("application/x-www-form-urlencoded", False),
        ("multipart/form-data; boundary=x", False),
    ],
)
def test_json_content_types(value, ok):
    assert errors.is_json_content_type(value) is ok


def test_openapi_error_responses_use_the_envelope_model():
    described = errors.openapi_errors(400, 413)
    assert set(described) == {400, 413}
    assert described[413]["content"]["application/json"]["model"] is errors.ErrorResponse


def test_unexpected_exceptions_are_logged_without_their_message(caplog):
    try:
        raise KeyError("Jane Roe has HIV")
    except KeyError as exc:
        errors.log_unexpected(exc)
    (logged,) = [r for r in caplog.records if r.getMessage() == "unhandled exception"]
    assert logged.error_type == "KeyError"
    assert logged.frames and "Jane Roe" not in str(vars(logged))


# ---------------------------------------------------------------- the domain errors' statuses


@pytest.mark.parametrize(
    "error,status,code",
    [
        ("NotPdf", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("PdfTooLarge", 413, "PAYLOAD_TOO_LARGE"),
        ("PdfCorrupt", 422, "UNPROCESSABLE_DOCUMENT"),
        ("PdfEncrypted", 422, "UNPROCESSABLE_DOCUMENT"),
        ("PdfTimeout", 422, "UNPROCESSABLE_DOCUMENT"),
        ("PdfNoText", 422, "UNPROCESSABLE_DOCUMENT"),
    ],
)
def test_refused_pdfs_map_to_their_status_keeping_message_and_reason(error, status, code):
    from codify_coder import extract

    mapped = errors.to_api_error(getattr(extract, error)("PDF has 5,000 pages.", reason="some_reason"))
    assert (mapped.status, mapped.code) == (status, code)
    assert (mapped.message, mapped.reason) == ("PDF has 5,000 pages.", "some_reason")


def test_the_coder_library_knows_no_http():
    from codify_coder import extract

    refused = extract.PdfTooLarge("too big", reason="too_large")
    assert not hasattr(refused, "status") and not hasattr(refused, "code")
    assert not hasattr(extract, "STATUS_OF")


def test_other_domain_errors_map_to_their_status():
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )
    from common.coder import CoderUnavailable

    assert errors.to_api_error(CoderUnavailable("ImportError")).status == 503
    conflict = errors.to_api_error(IdempotencyValidationError())
    in_progress = errors.to_api_error(IdempotencyAlreadyInProgressError())
    assert conflict.code == in_progress.code == "IDEMPOTENCY_CONFLICT"
    assert "still in progress" in in_progress.message and "different request body" in conflict.message


def test_an_unknown_exception_is_a_500_logged_by_type_only(caplog):
    mapped = errors.to_api_error(ValueError("Jane Roe has HIV"))
    assert (mapped.status, mapped.code) == (500, "INTERNAL_ERROR")
    assert "Jane Roe" not in mapped.message
    (logged,) = [r for r in caplog.records if r.getMessage() == "unhandled exception"]
    assert logged.error_type == "ValueError" and "Jane Roe" not in str(vars(logged))


def test_api_errors_pass_through_unchanged():
    error = errors.NotFound("No such run.")
    assert errors.to_api_error(error) is error
