"""Idempotent replay is pinned to its first run: the same model version and the same file, and the staged
input is never written again (the use case with the in-memory fakes of test_codify_service)."""

from __future__ import annotations

import pytest
from common import errors

from tests.fixtures import pdfs
from tests.unit.service import test_codify_service as base

World, FakeCoder, FakeStaging, b64 = base.World, base.FakeCoder, base.FakeStaging, base.b64


class CountingStaging(FakeStaging):
    def __init__(self, uploads=None) -> None:
        super().__init__(uploads)
        self.writes = 0

    def stage_input(self, tenant, run_id, data):
        self.writes += 1
        return super().stage_input(tenant, run_id, data)


def test_a_replay_after_the_model_changed_is_409_and_audited_not_recoded():
    world = World()
    first = world.codify(key="k1")
    world.coder = FakeCoder(version="fake-2")  # a deploy replaced the default model
    with pytest.raises(errors.IdempotencyConflict) as info:
        world.codify(key="k1")
    assert info.value.reason == "model_changed" and "fake-1" in info.value.message
    assert world.coder.calls == 0
    conflict = next(r for r in world.runs.records if r.run_id != first.run_id)
    assert (conflict.http_status, conflict.error_reason) == (409, "model_changed")


def test_a_replay_of_an_overwritten_upload_is_409_and_the_staged_copy_is_untouched():
    original = pdfs.text_pdf()
    staging = CountingStaging({("clinic-a", "upl_1"): original})
    world = World(staging=staging)
    first = world.codify(key="k1", upload_id="upl_1")
    (staged_key,) = staging.staged
    assert world.runs.items[first.run_id].input_file_sha256  # the first run recorded the file's hash

    staging.uploads[("clinic-a", "upl_1")] = pdfs.mixed_pdf()  # same upload id, another file
    with pytest.raises(errors.IdempotencyConflict) as info:
        world.codify(key="k1", upload_id="upl_1")
    assert info.value.reason == "upload_changed"
    assert staging.staged == {staged_key: original} and staging.writes == 1
    assert world.coder.calls == 1


def test_a_replay_of_the_same_upload_codes_it_again_without_staging_it_again():
    staging = CountingStaging({("clinic-a", "upl_1"): pdfs.text_pdf()})
    world = World(staging=staging)
    first = world.codify(key="k1", upload_id="upl_1")
    second = world.codify(key="k1", upload_id="upl_1")
    assert (second.run_id, second.final_assessments) == (first.run_id, first.final_assessments)
    assert staging.writes == 1 and world.coder.calls == 2 and len(world.runs.records) == 1


def test_an_inline_pdf_replay_never_rewrites_the_staged_input():
    staging = CountingStaging()
    world = World(staging=staging)
    data = b64(pdfs.text_pdf())
    world.codify(key="k1", pdf=data)
    world.codify(key="k1", pdf=data)
    assert staging.writes == 1


def test_the_audit_record_keeps_each_codes_rule_and_evidence_offsets_not_its_words():
    from codify_coder.types import Analysis, Assessment, CodingResult, Evidence

    class RuledCoder(FakeCoder):
        def code(self, note, options=None, deadline=None):
            evidence = (Evidence("diabetes", 24, 32, 2),)
            final = Assessment("E11.9", "T2DM", 90, "stated", evidence, "present", True, "evidence.match", "I.A.19")
            return CodingResult("en", self.model, (final,), (), Analysis(1, 1, 1))

    world = World(coder=RuledCoder())
    world.codify()
    (code,) = world.runs.records[0].final_codes
    assert (code.rule, code.guideline) == ("evidence.match", "I.A.19")
    assert [(e.start, e.end, e.page) for e in code.evidence] == [(24, 32, 2)]
    assert "diabetes" not in world.runs.records[0].model_dump_json()
