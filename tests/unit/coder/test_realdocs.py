"""The realistic English development set (tests/fixtures/realdocs): its references are well formed, and
the coder's precision on it does not fall back (issue 8).

Floors sit just below what the coder scores when they were last set; raise them as the coder improves
(`codify eval-real` prints the numbers, `--errors` the wrong and missed codes).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from codify_cli.commands.eval_real import DOC_TYPES, SETTINGS, evaluate_set, load_set, summarize

REALDOCS = Path(__file__).resolve().parents[2] / "fixtures" / "realdocs"

# Each part of the set (by id prefix) has its own floors, so that adding notes to one part cannot
# break the other's: (prefixes, precision floor, recall floor, most must_not finals per note, least notes).
# Floors guard the precision the issue-8 work reached (`codify eval-real --prefix ...`), a little below it:
#   before (main d81592b): part A 69 notes P 0.267 R 0.442, must_not 3.90 per note; part B 49 notes P 0.423
#   R 0.601, 2.02 per note.
#   after (sections, non-diagnosis ConText, language fence, diagnostic-statement rules): part A P 0.658
#   R 0.436, 0.41 per note; part B P 0.662 R 0.642, 0.69 per note.
#   then (laterality, stated specificity, one reading per phrase, titles, residual codes, tobacco): part A
#   P 0.729 R 0.454, 0.28 per note; part B P 0.766 R 0.712, 0.49 per note.
#   then (acronyms, qualifier values, head words, specific over unspecified, tobacco product, diagnosis over
#   its symptom, stated current malignancy, short courses, oxygen status): part A P 0.735 R 0.460, 0.28 per
#   note; part B P 0.786 R 0.737, 0.47 per note (model 2a317f7a9183).
#   then (flattened line breaks, estimated risks, "with X" in the note's words, combination over component,
#   the code of the stated side, manifestations without their disease, negated lists, BMI): part A P 0.760
#   R 0.478, 0.22 per note; part B P 0.809 R 0.753, 0.43 per note; part C P 0.796 R 0.624, 0.33 per note
#   (model 338d824a8ccc; this pass read part C's errors too, so part C no longer measures it blind).
#   then (fifth pass: the site after a condition, organism and calculus combinations, diabetic drugs, integral
#   rates and bleeds, adjuvant therapy, Z23, Z95.1/Z95.5, disc radiculopathy): part A P 0.819 R 0.528, 0.17
#   per note; part B P 0.822 R 0.785, 0.37 per note; part C P 0.827 R 0.677, 0.29 per note (model 338d824a8ccc).
#   then (sixth pass, part D read: drug adverse effects and underdosing, the screening an encounter is for,
#   "Other"/unspecified siblings of the same phrase, combinations (sinuses, gallbladder, CAD with angina,
#   varices), named comorbidities, delivery records, "consistent with", current smokers, Index terms; model
#   338d824a8ccc): part A P 0.882 R 0.663, 0.13 per note; part B P 0.858 R 0.829, 0.31 per note; part C P 0.855
#   R 0.742, 0.25 per note.
# The margin covers the model's rebuild-to-rebuild variation on a set this small (about +-0.03).
PARTS = {
    "A (operative, procedure, imaging, obstetric)": (("op", "proc", "img", "ob"), 0.85, 0.63, 0.25, 69),
    "B (consult, H&P, SOAP, discharge, ED, eye)": (("cons", "hp", "soap", "dc", "ed", "eye"), 0.83, 0.80, 0.45, 49),
    # part C was written blind (its author read neither the coder nor its output) after the third pass and
    # measured once: P 0.778 R 0.613, 8 must_not (0.33 per note); the code of 2 December morning gave 0.757 / 0.613
    "C (written blind: all types)": (("blind_",), 0.80, 0.70, 0.4, 24),
    # part D was written blind after the fourth pass (30 notes, mostly operative and procedure notes) and
    # measured on main b77d666: P 0.667 R 0.607, 20 must_not (0.67 per note); after the fifth pass P 0.699
    # R 0.659, 17 (0.57 per note); its errors were read for the sixth pass: P 0.790 R 0.726, 11 (0.37 per note).
    "D (written blind: all types)": (("blind2_",), 0.78, 0.69, 0.45, 30),
    # part E was written blind after the fifth pass (30 notes of every type) and measured on main 9e9f911:
    # P 0.682 R 0.637, 24 must_not (0.8 per note); after the sixth pass (made from parts A-D) P 0.732 R 0.701,
    # 20 (0.67 per note); after the seventh's rules from parts A-D P 0.744 R 0.701, 20; its errors were then read
    # (R03.0 beside hypertension, substance use in remission, a finger wound's nail): P 0.762 R 0.713, 16 (0.53
    # per note).
    "E (written blind: all types)": (("blind3_",), 0.72, 0.68, 0.7, 30),
    # part F was written blind during the seventh pass (30 notes of every type: 8 operative reports, 5 procedure
    # notes) by an author who read neither the coder nor its output, and measured on 64264bf (the pass's start):
    # P 0.733 R 0.649, 15 must_not (0.5 per note); after the pass P 0.744 R 0.655, 15. Keep its errors unread
    # until the next pass is measured on it.
    "F (written blind: all types)": (("blind4_",), 0.71, 0.62, 0.6, 30),
}
MIN_NOTES = 50


def test_every_note_has_a_reference_and_every_reference_a_note():
    notes = {p.stem for p in (REALDOCS / "notes").glob("*.txt")}
    refs = {p.stem for p in (REALDOCS / "refs").glob("*.json")}
    assert notes == refs, f"notes without ref: {sorted(notes - refs)}; refs without note: {sorted(refs - notes)}"
    assert len(notes) >= MIN_NOTES
    prefixes = tuple(p for part in PARTS.values() for p in part[0])
    assert all(n.startswith(prefixes) for n in notes), "a note whose id prefix no floor guards"


def test_references_are_well_formed_billable_fy2026_codes(terminology_dir):
    from codify_coder.terminology import Terminology

    terminology = Terminology.load(terminology_dir)
    problems = []
    for path in sorted((REALDOCS / "refs").glob("*.json")):
        ref = json.loads(path.read_text(encoding="utf-8"))
        if ref["id"] != path.stem or ref["doc_type"] not in DOC_TYPES or ref["setting"] not in SETTINGS:
            problems.append(f"{path.stem}: id/doc_type/setting")
        if not ref["required"]:
            problems.append(f"{path.stem}: no required code")
        seen: set[str] = set()
        for kind in ("required", "acceptable", "must_not"):
            for entry in ref[kind]:
                code = entry["code"]
                if code != code.strip().upper() or not terminology.is_billable(code):
                    problems.append(f"{path.stem}: {kind} {code} is not a billable FY2026 code")
                if code in seen:
                    problems.append(f"{path.stem}: {code} listed twice")
                seen.add(code)
                if not entry.get("why") or (kind != "must_not" and not entry.get("guideline")):
                    problems.append(f"{path.stem}: {kind} {code} lacks its why/guideline")
    assert not problems, "\n".join(problems)


@pytest.fixture(scope="module")
def realdocs_results(coder):
    _, results = evaluate_set(coder, load_set(REALDOCS))
    return results


@pytest.mark.parametrize("part", sorted(PARTS))
def test_precision_recall_and_must_not_codes_do_not_regress(realdocs_results, part):
    prefixes, precision, recall, must_not_per_note, min_notes = PARTS[part]
    report = summarize([r for r in realdocs_results if r.doc.id.startswith(prefixes)])
    scores = {k: report[k] for k in ("notes", "precision", "recall", "must_not_final")}
    assert report["notes"] >= min_notes, scores
    assert report["precision"] >= precision, scores
    assert report["recall"] >= recall, scores
    assert report["must_not_final"] <= must_not_per_note * max(report["notes"], 1), scores


class _StubCoder:
    """Returns fixed final and discarded codes: the harness's arithmetic is checked without the model."""

    def __init__(self, finals: list[str], discarded: dict[str, str]):
        self.finals, self.discarded = finals, discarded

    def code(self, text, options):
        from codify_coder.types import (
            Analysis,
            Assessment,
            CodingResult,
            DiscardedAssessment,
            Evidence,
            ModelInfo,
        )

        ev = (Evidence(text=text[:8], start=0, end=8),)
        return CodingResult(
            language="en", model=ModelInfo(id="stub", version="0", terminology="ICD-10-CM FY2026"),
            final_assessments=tuple(Assessment(code=c, description=c, confidence=90, justification="", evidence=ev,
                                               assertion="present", billable=True) for c in self.finals),
            discarded_assessments=tuple(DiscardedAssessment(code=c, description=c, confidence=20, reason=why,
                                                            justification="") for c, why in self.discarded.items()),
            analysis=Analysis(sentences=1, mentions=1, candidates=1),
        )


def test_harness_counts_precision_recall_and_must_not_codes():
    from codify_cli.commands.eval_real import RealDoc, code_one

    doc = RealDoc(id="x1", text="PREOPERATIVE DIAGNOSIS: Bladder cancer.", doc_type="operative_report",
                  setting="outpatient", required=frozenset({"C67.2", "I10"}), acceptable=frozenset({"Z87.891"}),
                  must_not=frozenset({"Z85.51", "R58"}))
    # C67.2 right, Z87.891 acceptable, Z85.51 a must_not, B99.9 plain wrong; I10 missed (discarded low_confidence).
    result = code_one(_StubCoder(["C67.2", "Z87.891", "Z85.51", "B99.9"], {"I10": "low_confidence"}), doc)
    report = summarize([result])
    assert (report["final_codes"], report["correct_finals"], report["precision"]) == (4, 2, 0.5)
    assert (report["required_codes"], report["required_found"], report["recall"]) == (2, 1, 0.5)
    assert report["must_not_final"] == 1 and result.must_not_hits == ["Z85.51"]
    assert {fp["code"]: fp["must_not"] for fp in result.false_positives} == {"Z85.51": True, "B99.9": False}
    assert result.false_positives[0]["section"] != "?"  # the evidence is placed in a section of the note
    assert result.missed == [{"code": "I10", "discarded": "low_confidence"}]
    assert report["by_doc_type"]["operative_report"]["precision"] == 0.5


def test_eval_real_command_reports_json_with_errors_for_a_prefix(coder, tmp_path, monkeypatch, capsys):
    import shutil

    from codify_cli.commands import _coder
    from codify_cli.main import main

    for sub, ext in (("notes", "txt"), ("refs", "json")):
        (tmp_path / sub).mkdir()
        for rid in ("op01", "img02"):
            shutil.copy(REALDOCS / sub / f"{rid}.{ext}", tmp_path / sub / f"{rid}.{ext}")
    monkeypatch.setattr(_coder, "load", lambda model="default": coder)  # the session's coder, not a second load
    assert main(["eval-real", "--dir", str(tmp_path), "--prefix", "op", "--format", "json", "--errors"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["notes"] == 1 and list(out["by_doc_type"]) == ["operative_report"]
    assert out["required_codes"] == 1 and 0.0 <= out["precision"] <= 1.0
    assert set(out["errors"]) <= {"op01"}
    assert main(["eval-real", "--dir", str(tmp_path), "--prefix", "zz"]) == 3  # input error, one line
