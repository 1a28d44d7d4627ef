"""GET /v1/runs: the audit trail a compliance officer reads. The tenant's runs only, newest first, by
patient, doctor or encounter, in a time range, paged with an opaque cursor that only works for its own
query; the records keep rule ids and evidence offsets, never text; retention is a TTL attribute."""

from __future__ import annotations

import base64
import json
import time
from datetime import UTC, datetime

import pytest

from tests.conftest import load_event
from tests.functional import test_service as base

env, fake = base.env, base.fake  # the functional fixtures: template environment, moto, a fake coder
codify, invoke, run_items, NOTE = base.codify, base.invoke, base.run_items, base.NOTE


def list_runs(tenant: str = "clinic-a", **query) -> tuple[int, dict, dict]:
    event = load_event("runs_list")
    event["queryStringParameters"] = {k: str(v) for k, v in query.items()} or None
    event["multiValueQueryStringParameters"] = {k: [str(v)] for k, v in query.items()} or None
    event["requestContext"]["authorizer"]["tenant"] = tenant
    return invoke("codify.app", event)


def coded(**headers) -> str:
    status, _, body = codify("codify_text", headers=headers)
    assert status == 200, body
    time.sleep(0.003)  # created_at has millisecond resolution: keep the order unambiguous
    return body["run_id"]


@pytest.fixture
def trail(env, fake):
    """Runs of two patients, two doctors, one encounter, and another tenant's run of the same patient id."""
    runs = {
        "a1": coded(**{"X-Patient-Id": "pt-1", "X-Doctor-Id": "dr-1", "X-Encounter-Id": "enc-1"}),
        "b1": coded(**{"X-Patient-Id": "pt-2", "X-Doctor-Id": "dr-1", "X-Encounter-Id": "enc-2"}),
        "a2": coded(**{"X-Patient-Id": "pt-1", "X-Doctor-Id": "dr-2", "X-Encounter-Id": "enc-1"}),
    }
    event = load_event("codify_text")
    event["requestContext"]["authorizer"]["tenant"] = "clinic-b"
    event["headers"]["X-Patient-Id"] = "pt-1"
    event["multiValueHeaders"]["X-Patient-Id"] = ["pt-1"]
    runs["other_tenant"] = invoke("codify.app", event)[2]["run_id"]
    return runs


def ids(body: dict) -> list[str]:
    return [r["run_id"] for r in body["runs"]]


def test_runs_by_patient_doctor_and_encounter_are_the_tenants_own_newest_first(trail):
    status, headers, body = list_runs(patient_id="pt-1")
    assert status == 200 and headers["cache-control"] == "no-store"
    assert ids(body) == [trail["a2"], trail["a1"]] and body.get("next_cursor") is None
    assert ids(list_runs(doctor_id="dr-1")[2]) == [trail["b1"], trail["a1"]]
    assert ids(list_runs(encounter_id="enc-1")[2]) == [trail["a2"], trail["a1"]]
    assert ids(list_runs()[2]) == [trail["a2"], trail["b1"], trail["a1"]]  # all of the tenant's
    assert ids(list_runs(tenant="clinic-b", patient_id="pt-1")[2]) == [trail["other_tenant"]]


def test_a_time_range_bounds_created_at(trail, env):
    items = {i["run_id"]: i["created_at"] for i in run_items(env)}
    status, _, body = list_runs(**{"from": items[trail["b1"]], "to": items[trail["a2"]]})
    assert status == 200 and ids(body) == [trail["a2"], trail["b1"]]
    assert ids(list_runs(to=items[trail["a1"]])[2]) == [trail["a1"]]
    naive = datetime.fromisoformat(items[trail["a2"]]).astimezone(UTC).replace(tzinfo=None).isoformat()
    assert ids(list_runs(**{"from": naive})[2]) == [trail["a2"]]  # no zone: UTC


def test_pages_follow_the_cursor_and_cover_every_run_once(trail):
    seen, cursor = [], None
    for _ in range(5):
        query = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        status, _, body = list_runs(**query)
        assert status == 200 and len(body["runs"]) <= 1
        seen += ids(body)
        cursor = body.get("next_cursor")
        if not cursor:
            break
    assert seen == [trail["a2"], trail["b1"], trail["a1"]]


def test_a_cursor_only_works_for_its_own_query_and_tenant(trail):
    cursor = list_runs(patient_id="pt-1", limit=1)[2]["next_cursor"]
    assert list_runs(patient_id="pt-1", limit=1, cursor=cursor)[0] == 200
    for status, _, body in (
        list_runs(doctor_id="dr-1", cursor=cursor),  # another index
        list_runs(patient_id="pt-2", cursor=cursor),  # another patient
        list_runs(tenant="clinic-b", patient_id="pt-1", cursor=cursor),  # another tenant
    ):
        assert (status, body["error"]["code"]) == (400, "INVALID_REQUEST")
        assert body["error"]["details"][0]["field"] == "query.cursor"
    key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    key["tenant_patient"] = "clinic-b#pt-1"  # forged: another tenant's partition
    forged = base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")
    assert list_runs(patient_id="pt-1", cursor=forged)[0] == 400


@pytest.mark.parametrize(
    "query, field",
    [
        ({"patient_id": "pt-1", "doctor_id": "dr-1"}, "query.patient_id"),
        ({"patient_id": "pt 1; drop"}, "query.patient_id"),
        ({"limit": 0}, "query.limit"),
        ({"limit": 101}, "query.limit"),
        ({"from": "yesterday"}, "query.from"),
        ({"cursor": "not a cursor!"}, "query.cursor"),
    ],
)
def test_bad_queries_are_400_naming_the_field(env, fake, query, field):
    status, _, body = list_runs(**query)
    assert (status, body["error"]["code"]) == (400, "INVALID_REQUEST")
    assert field in [d["field"] for d in body["error"]["details"]]
    assert "drop" not in json.dumps(body)


def test_the_record_keeps_offsets_and_retention_never_text(trail, env):
    (record,) = [r for r in list_runs(patient_id="pt-2")[2]["runs"]]
    (final,) = record["final_codes"]
    start = NOTE.lower().find("diabetes")
    assert final["evidence"] == [{"start": start, "end": start + 8, "page": None}]
    (discarded,) = record["discarded_codes"]
    assert discarded["reason"] == "negated" and discarded["evidence"][0]["start"] == NOTE.lower().find("pneumonia")
    assert "diabetes" not in json.dumps(record).lower()
    created = datetime.fromisoformat(record["created_at"]).timestamp()
    years = (record["expires_at"] - created) / (365.25 * 86400)
    assert years == pytest.approx(env.retention_years, abs=1e-6)
