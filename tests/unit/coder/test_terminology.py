"""The compiled ICD-10-CM FY2026 terminology: lookups, hierarchy, conventions, reproducible build."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from codify_build.terminology import resolve_code_refs
from codify_coder.terminology import Terminology, TerminologyError, is_stale, normalize_code
from codify_coder.terminology.text import stem, term_stems


@pytest.fixture(scope="session")
def terminology(terminology_dir) -> Terminology:
    return Terminology.load(terminology_dir)


def test_code_forms_normalize():
    assert normalize_code("e1122") == "E11.22"
    assert normalize_code(" E11.22 ") == "E11.22"
    assert normalize_code("i10") == "I10"


def test_lookup_and_billable(terminology):
    info = terminology.get("e1122")
    assert info is not None and info.code == "E11.22"
    assert info.description == "Type 2 diabetes mellitus with diabetic chronic kidney disease"
    assert info.billable and info.parent == "E11.2"
    assert terminology.is_billable("E11.22")
    assert not terminology.is_billable("E11")
    assert terminology.get("E11").parent is None
    assert "E11.2" in terminology.get("E11").children
    assert "E1122" in terminology and "E11.99" not in terminology and "XYZ" not in terminology
    assert terminology.get("") is None
    assert terminology.name == "ICD-10-CM FY2026"


def test_hierarchy(terminology):
    assert terminology.ancestors("E11.22") == ["E11.2", "E11"]
    assert terminology.ancestors("S72.001A") == ["S72.001", "S72.00", "S72.0", "S72"]
    desc = terminology.descendants("N18.3")
    assert desc == ["N18.30", "N18.31", "N18.32"]
    assert "S72.001A" in terminology.descendants("S72.00")


def test_excludes1(terminology):
    assert terminology.excludes1_conflict("E11.9", "E10.9")
    assert terminology.excludes1_conflict("E10.9", "E11.65")  # E10 excludes E11.- and vice versa
    assert not terminology.excludes1_conflict("E11.22", "N18.31")  # "use additional code", not excluded
    assert any("E10" in note for note in terminology.get("E11").excludes1)
    assert ("E10", "E10") in terminology.get("E11").excludes1_ranges


def test_resolve_code_refs():
    assert resolve_code_refs("type 1 diabetes mellitus (E10.-)") == [["E10", "E10"]]
    assert resolve_code_refs("hypertensive disease complicating pregnancy (O10-O11, O13-O16)") == [
        ["O10", "O11"],
        ["O13", "O16"],
    ]
    assert resolve_code_refs("classified in subcategories S06.1- to S06.6-") == [["S061", "S066"]]


def test_seventh_characters(terminology):
    assert terminology.with_seventh("S72.001", "A") == "S72.001A"
    assert terminology.is_billable("S72.001A") and not terminology.is_billable("S72.001")
    assert terminology.get("S72.001A").description.endswith("initial encounter for closed fracture")
    # X placeholders up to the 6th character
    assert terminology.with_seventh("T14.8", "A") == "T14.8XXA"
    assert terminology.with_seventh("S06.0X0", "D") == "S06.0X0D"
    # not allowed: a character the code does not take, a code that needs more characters first
    assert terminology.with_seventh("S72.001", "Z") is None
    assert terminology.with_seventh("S06.0", "A") is None
    assert terminology.with_seventh("E11.22", "A") is None
    sev = terminology.seventh_characters("S72.001")
    assert sev["A"].startswith("initial encounter for closed fracture")
    assert terminology.seventh_characters("E11.22") == {}
    assert terminology.needs_seventh("T14.8") and not terminology.needs_seventh("E11.22")


def test_spanish_terms_are_mapped(terminology):
    assert any("neumon" in t.lower() for t in terminology.get("J18.9").spanish)
    assert any("insuficiencia renal" in t.lower() for t in terminology.get("N18").spanish)
    # WHO E11.0 ("con coma") means something else in ICD-10-CM (hyperosmolarity): not mapped
    assert not any("coma" in t.lower() for t in terminology.get("E11.0").spanish)


def test_spanish_description_falls_back_to_the_nearest_mapped_ancestor(terminology):
    term, owner = terminology.spanish_description("E11.22")
    assert owner == "E11.2" and "renal" in term.lower()
    assert terminology.spanish_description("J18.9")[1] == "J18.9"
    assert terminology.spanish_description("XYZ") is None


def test_iter_terms_has_both_languages_and_lexicons(terminology):
    en = set(terminology.iter_terms("en"))
    es = set(terminology.iter_terms("es"))
    assert ("E11.22", "Type 2 diabetes mellitus with diabetic chronic kidney disease") in en
    assert ("I21.9", "heart attack") in en
    assert ("C50.919", "cáncer de mama") in es
    assert all(code in terminology for code, _ in list(es)[:500])


def test_manifest_records_sources_and_hashes(terminology_dir, terminology):
    m = terminology.manifest
    assert m["sources"] == {"simple-icd-10-cm": "1.5.0", "cie": "0.208"}
    for name, meta in m["artifacts"].items():
        data = (terminology_dir / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == meta["sha256"]
    Terminology.load(terminology_dir, verify=True)


def test_missing_assets_raise(tmp_path):
    with pytest.raises(TerminologyError):
        Terminology.load(tmp_path)
    assert is_stale(tmp_path)


def test_staleness_follows_the_lexicons(terminology_dir, tmp_path):
    assert not is_stale(terminology_dir)
    lex = tmp_path / "lexicons"
    lex.mkdir()
    (lex / "synonyms_en.tsv").write_text("I10\thigh blood pressure\n", encoding="utf-8")
    assert is_stale(terminology_dir, lexicon_dir=lex)


def test_load_reads_the_compiled_index_without_rebuilding(terminology_dir):
    # Load time is measured by `make bench` (median of fresh processes), not asserted in a unit test.
    before = {p.name: p.stat().st_mtime_ns for p in terminology_dir.iterdir()}
    assert Terminology.load(terminology_dir).name
    assert {p.name: p.stat().st_mtime_ns for p in terminology_dir.iterdir()} == before


def test_stemmer_folds_number_and_gender():
    assert stem("renales") == stem("renal")
    assert stem("crónica".replace("ó", "o")) == stem("cronico")
    assert stem("fracturas") == stem("fractura") == stem("fracture")
    assert stem("diabetes") == stem("diabetic")
    assert stem("cicatrices") == stem("cicatriz") and stem("narices") == stem("nariz")
    assert stem("devices") == stem("device")
    assert term_stems("Type 2 diabetes mellitus without complications") == (
        ["2", "diabet", "mellitus"],
        ["typ", "complication"],
    )
    # an exclusion or an "unspecified whether" clause names nothing the note must say
    assert term_stems("Malignant neoplasm of right kidney, except renal pelvis")[0] == [
        "malignant",
        "neoplasm",
        "right",
        "kidney",
    ]
    assert "descend" not in term_stems("Malignant neoplasm of right testis, unspecified whether descended")[0]


def test_build_is_reproducible(tmp_path: Path):
    """Two builds in fresh processes with different hash seeds give byte-identical artifacts."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    for seed, name in (("1", "a"), ("2", "b")):
        subprocess.run(
            [sys.executable, "-m", "codify_build.terminology", "--out", str(tmp_path / name)],
            check=True,
            env={**env, "PYTHONHASHSEED": seed},
            capture_output=True,
        )
    for name in ("codes.json.gz", "index.json.gz", "index.bin", "manifest.json"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text())
    assert manifest["counts"]["codes"] > 40000
    assert set(manifest["artifacts"]) == {"codes.json.gz", "index.json.gz", "index.bin"}
