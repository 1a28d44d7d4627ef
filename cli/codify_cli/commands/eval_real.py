"""`codify eval-real`: score the coder on the realistic English development set (tests/fixtures/realdocs).

Each note `notes/<id>.txt` has a reference `refs/<id>.json` written under the ICD-10-CM guidelines:
`required` codes (what a certified coder must report), `acceptable` ones (defensible alternatives or
extras: neither counted in recall nor counted wrong) and `must_not` ones (tempting wrong codes).

Reported: precision of final codes (final in required or acceptable, over all finals), recall of the
required codes, how many must_not codes came out final, and the same per document type. `--errors`
lists each false positive with its evidence and section, and each missed required code with the reason
it was discarded, if it was. Evidence is note text, printed only on request (as `codify code` does):
the set's notes are synthetic, written for it; mind PHI before pointing --dir at real documents.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ._common import INPUT, CliError, add_format, emit

DEFAULT_DIR = Path("tests/fixtures/realdocs")
DOC_TYPES = (
    "operative_report", "procedure_note", "imaging_report", "consult", "history_and_physical",
    "progress_note", "discharge_summary", "emergency_note",
)
SETTINGS = ("outpatient", "inpatient")


@dataclass(frozen=True)
class RealDoc:
    id: str
    text: str
    doc_type: str
    setting: str
    required: frozenset[str]
    acceptable: frozenset[str]
    must_not: frozenset[str]


@dataclass
class Tally:
    notes: int = 0
    finals: int = 0
    correct: int = 0  # finals in required or acceptable
    required: int = 0
    found: int = 0  # required codes returned final
    must_not: int = 0  # must_not codes returned final

    def add(self, other: Tally) -> None:
        for name in ("notes", "finals", "correct", "required", "found", "must_not"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> dict:
        return {
            "notes": self.notes,
            "final_codes": self.finals,
            "correct_finals": self.correct,
            "precision": round(self.correct / self.finals, 4) if self.finals else 1.0,
            "required_codes": self.required,
            "required_found": self.found,
            "recall": round(self.found / self.required, 4) if self.required else 1.0,
            "must_not_final": self.must_not,
        }


@dataclass
class NoteResult:
    doc: RealDoc
    tally: Tally
    false_positives: list[dict] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    must_not_hits: list[str] = field(default_factory=list)


def _codes(entries: list[dict]) -> frozenset[str]:
    return frozenset(str(e["code"]).strip().upper() for e in entries)


def load_set(directory: Path = DEFAULT_DIR) -> list[RealDoc]:
    """Every ref under refs/ (any id prefix) with its note; a ref without its note is an error."""
    docs = []
    for ref_path in sorted((directory / "refs").glob("*.json")):
        ref = json.loads(ref_path.read_text(encoding="utf-8"))
        note_path = directory / "notes" / f"{ref_path.stem}.txt"
        if ref.get("id") != ref_path.stem:
            raise ValueError(f"{ref_path}: id {ref.get('id')!r} differs from the file name")
        if not note_path.is_file():
            raise ValueError(f"{ref_path}: no note {note_path}")
        docs.append(RealDoc(
            id=ref_path.stem, text=note_path.read_text(encoding="utf-8"), doc_type=ref["doc_type"],
            setting=ref["setting"], required=_codes(ref.get("required", [])),
            acceptable=_codes(ref.get("acceptable", [])), must_not=_codes(ref.get("must_not", [])),
        ))
    return docs


def _section_of(understanding, offset: int) -> str:
    for sentence in understanding.sentences:
        if sentence.start <= offset < sentence.end:
            return sentence.section
    return "?"


def code_one(coder, doc: RealDoc) -> NoteResult:
    from codify_coder.types import CodeOptions
    from codify_coder.understand import analyze

    result = coder.code(doc.text, CodeOptions(language="en", setting=doc.setting))
    finals = {a.code.upper(): a for a in result.final_assessments}
    ok = doc.required | doc.acceptable
    tally = Tally(notes=1, finals=len(finals), correct=sum(c in ok for c in finals),
                  required=len(doc.required), found=sum(c in finals for c in doc.required),
                  must_not=sum(c in doc.must_not for c in finals))
    out = NoteResult(doc=doc, tally=tally, must_not_hits=sorted(c for c in finals if c in doc.must_not))
    wrong = [a for c, a in finals.items() if c not in ok]
    if wrong:
        understanding = analyze(doc.text, "en")  # only for the section of each false positive's evidence
        for a in wrong:
            ev = a.evidence[0] if a.evidence else None
            out.false_positives.append({
                "code": a.code, "description": a.description, "confidence": a.confidence,
                "must_not": a.code.upper() in doc.must_not,
                "evidence": ev.text if ev else "", "section": _section_of(understanding, ev.start) if ev else "?",
            })
    discarded = {d.code.upper(): d for d in result.discarded_assessments}
    for code in sorted(doc.required - finals.keys()):
        d = discarded.get(code)
        out.missed.append({"code": code, "discarded": d.reason if d else None})
    return out


def summarize(results: list[NoteResult]) -> dict:
    """Totals and per-document-type scores of some coded notes."""
    total = Tally()
    by_type: dict[str, Tally] = defaultdict(Tally)
    for r in results:
        total.add(r.tally)
        by_type[r.doc.doc_type].add(r.tally)
    return {**total.summary(), "by_doc_type": {t: by_type[t].summary() for t in sorted(by_type)}}


def evaluate_set(coder, docs: list[RealDoc]) -> tuple[dict, list[NoteResult]]:
    results = [code_one(coder, doc) for doc in docs]
    return summarize(results), results


def register(subparsers) -> None:
    p = subparsers.add_parser("eval-real", help="score the coder on the realistic English development set")
    p.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="folder with notes/ and refs/")
    p.add_argument("--prefix", default="", help="only ids starting with one of these, comma-separated (op,proc)")
    p.add_argument("--errors", action="store_true", help="list false positives and missed codes per note")
    add_format(p, "table", "json: the report object; jsonl: it on one line; table: per document type")
    p.add_argument("--model", default="default", help="'default' or a custom model directory")
    p.set_defaults(func=run)


def _print_table(report: dict, results: list[NoteResult], errors: bool) -> None:
    head = f"{'doc_type':<22}{'notes':>6}{'finals':>8}{'prec':>8}{'req':>6}{'recall':>8}{'must_not':>10}"
    print(head)

    def row(name: str, s: dict) -> None:
        print(f"{name:<22}{s['notes']:>6}{s['final_codes']:>8}{s['precision']:>8.3f}"
              f"{s['required_codes']:>6}{s['recall']:>8.3f}{s['must_not_final']:>10}")

    for name, s in report["by_doc_type"].items():
        row(name, s)
    row("ALL", report)
    if not errors:
        return
    for r in results:
        if not (r.false_positives or r.missed):
            continue
        print(f"\n# {r.doc.id} ({r.doc.doc_type}, {r.doc.setting})")
        for fp in r.false_positives:
            flag = " MUST_NOT" if fp["must_not"] else ""
            print(f"  FP {fp['code']:<9}{fp['confidence']:>4} [{fp['section']}] {fp['evidence']!r}"
                  f"  ({fp['description']}){flag}")
        for m in r.missed:
            why = f" (discarded: {m['discarded']})" if m["discarded"] else ""
            print(f"  MISSED {m['code']}{why}")


def run(args) -> int:
    from . import _coder

    docs = load_set(args.dir)
    prefixes = tuple(p.strip() for p in args.prefix.split(",") if p.strip())
    if prefixes:
        docs = [d for d in docs if d.id.startswith(prefixes)]
    if not docs:
        raise CliError(f"no refs under {args.dir / 'refs'} (prefix {args.prefix!r})", INPUT)
    coder = _coder.load(args.model)
    report, results = evaluate_set(coder, docs)
    if args.format in ("json", "jsonl"):
        if args.errors:
            report["errors"] = {
                r.doc.id: {"false_positives": r.false_positives, "missed": r.missed}
                for r in results if r.false_positives or r.missed
            }
        emit(args.format, [report], lambda _: [], single=True)
    else:
        _print_table(report, results, args.errors)
    sys.stdout.flush()
    return 0
