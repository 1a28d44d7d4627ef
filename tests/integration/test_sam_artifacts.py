"""The `sam build` output itself: built without a container, small enough for Lambda, and each function
run with its layers under the Lambda Runtime Interface Emulator that aws-sam-cli ships, invoked with the
events/ files against a moto server. As close to `sam local invoke` as a machine without Docker allows.

The function process gets only what Lambda gives it: the function folder, the layers, and a "runtime"
folder with awslambdaric and boto3 (which Lambda's python3.12 image provides), on `python -S` (no site
packages from this machine).
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import pytest
import requests

from tests.conftest import load_event
from tests.fixtures.network import free_port

pytestmark = [pytest.mark.slow, pytest.mark.enable_socket]

ROOT = Path(__file__).resolve().parents[2]
BUILD = ROOT / ".aws-sam" / "test-build"
CACHE = ROOT / ".aws-sam" / "test-cache"
SAMCLI_RAPID = Path(__import__("samcli").__file__).parent / "local" / "rapid"
FUNCTIONS = {"CodifyFunction": "codify/app.lambda_handler", "HealthFunction": "health/app.lambda_handler",
             "TokenAuthorizerFunction": "authorizer/app.lambda_handler",
             "ModelTrainingFunction": "training/app.lambda_handler"}  # fmt: skip
LAYERS = {"CodifyFunction": ["CoderLayer", "DepsLayer", "BaseLayer"],
          "HealthFunction": ["CoderLayer", "DepsLayer", "BaseLayer"],
          "TokenAuthorizerFunction": ["BaseLayer"],
          "ModelTrainingFunction": ["TrainingCoderLayer", "TrainingDepsLayer", "BaseLayer"]}  # fmt: skip
WHEEL_LAYERS = ("BaseLayer", "DepsLayer", "TrainingDepsLayer")  # rebuilt for the host when its architecture differs
CODER_LAYERS = ("CoderLayer", "TrainingCoderLayer")
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
RUNTIME_PACKAGES = ("awslambdaric", "simplejson", "snapshot_restore_py.py", "boto3", "botocore", "s3transfer",
                    "jmespath", "dateutil", "six.py", "urllib3")  # fmt: skip
TOKEN = "cdf_events-only-token-0123456789abcdefghijklmn"



def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


@pytest.fixture(scope="session")
def built(coder_assets) -> Path:
    sam = Path(sys.executable).with_name("sam")
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"  # the venv python3.12 first
    env = {**os.environ, "SAM_CLI_TELEMETRY": "0", "PATH": path}
    started = time.monotonic()
    result = subprocess.run(
        [str(sam), "build", "--build-dir", str(BUILD), "--cache-dir", str(CACHE), "--cached"],
        check=False, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1200,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    print(f"\nsam build (no container) took {time.monotonic() - started:.0f} s")
    return BUILD


def test_sam_build_output_is_far_below_the_lambda_size_limit(built):
    sizes = {name: du(built / name) for name in (*FUNCTIONS, *CODER_LAYERS, *WHEEL_LAYERS)}
    report = {fn: {"function": sizes[fn], "layers": {ly: sizes[ly] for ly in LAYERS[fn]},
                   "total": sizes[fn] + sum(sizes[ly] for ly in LAYERS[fn])} for fn in FUNCTIONS}  # fmt: skip
    (built / "sizes.json").write_text(json.dumps(report, indent=2))
    for fn, r in report.items():
        print(f"{fn}: function {r['function'] / 1e6:.1f} MB + layers "
              + ", ".join(f"{ly} {s / 1e6:.1f} MB" for ly, s in r["layers"].items())
              + f" = {r['total'] / 1e6:.1f} MB unzipped (Lambda limit: 250 MiB)")  # fmt: skip
        assert r["total"] < 0.8 * LAMBDA_UNZIPPED_LIMIT
    # The coder layer carries the built assets and no training code or tests.
    coder = built / "CoderLayer" / "python" / "codify_coder"
    assert (coder / "assets" / "models" / "default" / "model.onnx").is_file()
    assert (coder / "assets" / "terminology" / "manifest.json").is_file()
    assert not (coder / "training").exists() and not (coder / "tests").exists()
    assert not (coder / "lexicons").exists()  # build inputs, compiled into the terminology
    # Precompiled for the runtime's Python: the layer is read-only at /opt.
    assert list((coder / "__pycache__").glob("pipeline.cpython-312.pyc"))


# What only building, training or measuring needs: its packages, and the code that imports them.
BUILD_TIME_IMPORTS = re.compile(
    r"^\s*(?:from|import)\s+(?:onnx\b(?!runtime)|simple_icd_10_cm\b|cie\b|codify_build\b|\.+training\b|argparse\b)",
    re.MULTILINE,
)


def test_the_serving_layers_carry_no_build_time_code(built):
    """The terminology build, the default-model build, evaluation, the recall and understand scripts live
    in codify_build, and training in codify_coder.training: none of it is in a layer or a function."""
    coder = built / "CoderLayer" / "python"
    assert sorted(p.name for p in coder.iterdir()) == ["codify_coder"]
    sources = {p.relative_to(coder).as_posix(): p.read_text(encoding="utf-8") for p in coder.rglob("*.py")}
    assert "codify_coder/pipeline.py" in sources and "codify_coder/understand/context.py" in sources
    offenders = {name for name, text in sources.items() if BUILD_TIME_IMPORTS.search(text)}
    offenders |= {name for name, text in sources.items() if '__name__ == "__main__"' in text}
    offenders |= {name for name in sources if name.endswith("__main__.py")}
    assert not offenders, offenders
    for layer in ("BaseLayer", "DepsLayer"):
        names = {p.name.split("-")[0].lower() for p in (built / layer / "python").iterdir()}
        assert not names & {"onnx", "simple_icd_10_cm", "cie", "codify_build", "boto3", "botocore"}, names
    for fn in FUNCTIONS:
        assert not list((built / fn).rglob("codify_build")) and not list((built / fn).glob("*.egg-info"))
    code = sum(p.stat().st_size for p in coder.rglob("*.py"))
    print(f"CoderLayer: {du(coder) / 1e6:.1f} MB unzipped, of which {code / 1e3:.0f} kB of Python source")


@pytest.fixture(scope="session")
def layer_dirs(built, tmp_path_factory) -> dict[str, Path]:
    """The deployed wheel layers target x86_64; on another host architecture the same Makefile builds them
    for the host, so the emulated function can load them."""
    dirs = {name: built / name for name in (*CODER_LAYERS, *WHEEL_LAYERS)}
    if platform.machine() not in ("x86_64", "AMD64"):
        for name in WHEEL_LAYERS:
            out = tmp_path_factory.mktemp(name)
            subprocess.run(["make", "-f", str(ROOT / "layers" / "deps" / "Makefile"), f"build-{name}",
                            f"ARTIFACTS_DIR={out}", f"ARCH={platform.machine()}", f"PYTHON={sys.executable}"],
                           check=True, timeout=900)  # fmt: skip
            dirs[name] = out
    return dirs


def test_only_the_training_function_has_the_training_code_and_onnx(built):
    """Training stays out of the serving functions: their layers have neither codify_coder.training nor onnx
    nor onnxruntime's quantization tools; the training function's layers have all three."""
    training = built / "TrainingCoderLayer" / "python" / "codify_coder"
    assert (training / "training" / "train.py").is_file() and (training / "assets" / "terminology").is_dir()
    assert not (training / "lexicons").exists() and not (training / "tests").exists()
    deps = built / "TrainingDepsLayer" / "python"
    assert (deps / "onnx").is_dir() and (deps / "onnxruntime" / "quantization").is_dir()
    assert not (deps / "pydantic").exists()  # the base layer's
    assert not (built / "DepsLayer" / "python" / "onnxruntime" / "quantization").exists()
    assert not (built / "DepsLayer" / "python" / "onnx").exists()
    assert not (built / "CoderLayer" / "python" / "codify_coder" / "training").exists()


def test_the_authorizer_carries_no_machine_learning_dependencies(built):
    base = built / "BaseLayer" / "python"
    assert (base / "pydantic").is_dir() and (base / "aws_lambda_powertools").is_dir()
    assert not (base / "onnxruntime").exists() and not (base / "numpy").exists()
    assert not (built / "DepsLayer" / "python" / "pydantic").exists()  # one copy of each package


@pytest.fixture(scope="session")
def runtime_dir(tmp_path_factory) -> Path:
    """What Lambda's python3.12 runtime provides besides the standard library."""
    site = Path(sysconfig.get_paths()["purelib"])
    out = tmp_path_factory.mktemp("runtime")
    for name in RUNTIME_PACKAGES:
        (out / name).symlink_to(site / name)
    for so in site.glob("runtime_client*.so"):
        (out / so.name).symlink_to(so)
    return out


@pytest.fixture(scope="session")
def moto_endpoint():
    from codify_cli.local import stack

    moto = stack.start_moto()
    env = stack.handler_environment(moto.endpoint_url)
    with pytest.MonkeyPatch.context() as mp:
        for k, v in env.items():
            mp.setenv(k, v)
        import boto3
        from authorizer.tokens import TokenRecord, hash_token
        from codify_cli.local.resources import create_resources

        create_resources(boto3.session.Session())
        table = boto3.resource("dynamodb").Table(env["TOKENS_TABLE"])
        table.put_item(Item=TokenRecord(hash_token(TOKEN), "clinic-a", "rie", ("codify",), "now").to_item())
    yield moto.endpoint_url
    moto.stop()


class Emulated:
    def __init__(self, function: str, built: Path, layers: dict[str, Path], runtime: Path, endpoint: str) -> None:
        from codify_cli.local import stack, template

        rie = (
            SAMCLI_RAPID
            / f"aws-lambda-rie-{'arm64' if platform.machine() in ('aarch64', 'arm64') else 'x86_64'}"
        )
        self.port, api_port = free_port(), free_port()
        task = built / function
        env = {
            "PATH": os.environ["PATH"],
            "LAMBDA_TASK_ROOT": str(task),
            "PYTHONPATH": os.pathsep.join([str(task), *(str(layers[ly] / "python") for ly in LAYERS[function]), str(runtime)]),
            "AWS_LAMBDA_FUNCTION_NAME": function,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "2048",
            "AWS_LAMBDA_FUNCTION_TIMEOUT": "29",
            "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
            **template.function_environment(function),
            **stack.LOCAL_CREDENTIALS,
            "AWS_ENDPOINT_URL": endpoint,
            "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon here
            "MODEL_CACHE_DIR": str(Path(os.environ.get("TMPDIR", "/tmp")) / f"codify-rie-{self.port}"),
        }
        python = getattr(sys, "_base_executable", sys.executable)
        self.proc = subprocess.Popen(
            [str(rie), "--log-level", "error", "--runtime-interface-emulator-address", f"127.0.0.1:{self.port}",
             "--runtime-api-address", f"127.0.0.1:{api_port}", python, "-S", "-m", "awslambdaric",
             FUNCTIONS[function]],
            cwd=task, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        self._wait_listening()

    def _wait_listening(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        raise AssertionError("the emulator did not start")

    def invoke(self, event: dict) -> dict:
        r = requests.post(f"http://127.0.0.1:{self.port}/2015-03-31/functions/function/invocations",
                          data=json.dumps(event), timeout=120)  # fmt: skip
        return r.json()

    def stop(self) -> str:
        self.proc.terminate()
        try:
            out, _ = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
        return out or ""


@pytest.fixture(scope="session")
def emulate(built, layer_dirs, runtime_dir, moto_endpoint):
    started: dict[str, Emulated] = {}

    def get(function: str) -> Emulated:
        if function not in started:
            started[function] = Emulated(function, built, layer_dirs, runtime_dir, moto_endpoint)
        return started[function]

    yield get
    for emulated in started.values():
        emulated.stop()


def body(response: dict) -> dict:
    assert "statusCode" in response, response  # a function error comes back as errorMessage/errorType
    return json.loads(response["body"])


def test_health_function_loads_the_model_from_its_layer(emulate):
    response = emulate("HealthFunction").invoke(load_event("health"))
    assert response["statusCode"] == 200, response
    assert body(response)["model"]["id"] == "default"


def test_codify_function_codes_a_note_and_audits_it(emulate):
    codify = emulate("CodifyFunction")
    response = codify.invoke(load_event("codify_text"))
    assert response["statusCode"] == 200, response
    result = body(response)
    assert any(a["code"].startswith("E11") for a in result["final_assessments"]), result["final_assessments"]
    lookup = load_event("runs_get")
    lookup["path"] = f"/v1/runs/{result['run_id']}"
    lookup["pathParameters"] = {"run_id": result["run_id"]}
    record = codify.invoke(lookup)
    assert record["statusCode"] == 200 and body(record)["patient_id"] == "pt-778"


@pytest.mark.parametrize(
    "event,status,code",
    [
        ("codify_too_large", 413, "PAYLOAD_TOO_LARGE"),
        ("codify_invalid_json", 400, "INVALID_REQUEST"),
        ("codify_wrong_content_type", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("codify_unknown_model", 404, "MODEL_NOT_FOUND"),
        ("codify_unauthenticated", 401, "UNAUTHORIZED"),
    ],
)
def test_codify_function_refuses_bad_requests_in_the_envelope(emulate, event, status, code):
    response = emulate("CodifyFunction").invoke(load_event(event))
    assert (response["statusCode"], body(response)["error"]["code"]) == (status, code)


def test_codify_function_serves_the_openapi_document(emulate):
    from openapi_spec_validator import validate

    response = emulate("CodifyFunction").invoke(load_event("openapi"))
    assert response["statusCode"] == 200
    validate(body(response))


def test_authorizer_function_allows_a_stored_token_and_rejects_an_unknown_one(emulate):
    authorizer = emulate("TokenAuthorizerFunction")
    allowed = authorizer.invoke(load_event("authorizer_valid"))
    assert allowed["context"]["tenant"] == "clinic-a"
    assert allowed["policyDocument"]["Statement"][0]["Effect"] == "Allow"
    rejected = authorizer.invoke(load_event("authorizer_unknown"))
    assert rejected.get("errorMessage") == "Unauthorized"


def test_rie_is_found_in_aws_sam_cli():
    assert any(SAMCLI_RAPID.glob("aws-lambda-rie-*")), SAMCLI_RAPID
    assert shutil.which("sam", path=str(Path(sys.executable).parent))


def test_training_function_trains_a_model_from_a_training_upload(emulate, moto_endpoint):
    """The training function with its own layers, on the event POST /v1/models sends: the model is written
    under the tenant's prefix, its status is ready, the training data is deleted."""
    from codify_cli.local import template

    from tests.fixtures.training_data import jsonl, synthetic_notes

    env = template.function_environment("ModelTrainingFunction")
    kwargs = {"endpoint_url": moto_endpoint, "region_name": "us-east-1", "aws_access_key_id": "testing",
              "aws_secret_access_key": "testing"}  # fmt: skip
    s3, table = boto3_client("s3", kwargs), boto3_table(env["MODELS_TABLE"], kwargs)
    job = load_event("training_job")
    key = f"tenants/{job['tenant']}/training-uploads/upl_rie"
    s3.put_object(Bucket=env["STAGING_BUCKET"], Key=key, Body=jsonl(synthetic_notes(30)))
    table.put_item(Item={"tenant": job["tenant"], "model_id": job["model_id"], "job_id": job["job_id"],
                         "status": "training", "training_upload_id": "upl_rie", "language": "en",
                         "created_at": "2026-11-25T12:00:00.000Z"})  # fmt: skip
    result = emulate("ModelTrainingFunction").invoke(job)
    assert result == {"model_id": job["model_id"], "status": "ready"}, result
    item = table.get_item(Key={"tenant": job["tenant"], "model_id": job["model_id"]})["Item"]
    assert item["status"] == "ready" and int(item["notes"]) == 30
    listed = s3.list_objects_v2(Bucket=env["MODELS_BUCKET"], Prefix=f"tenants/{job['tenant']}/models/{job['model_id']}/")
    assert sorted(o["Key"].rsplit("/", 1)[-1] for o in listed["Contents"]) == ["manifest.json", "model.onnx",
                                                                                "vocabulary.json"]  # fmt: skip
    assert s3.list_objects_v2(Bucket=env["STAGING_BUCKET"], Prefix=key)["KeyCount"] == 0


def boto3_client(service: str, kwargs: dict):
    import boto3

    return boto3.client(service, **kwargs)


def boto3_table(name: str, kwargs: dict):
    import boto3

    return boto3.resource("dynamodb", **kwargs).Table(name)
