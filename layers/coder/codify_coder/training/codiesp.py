"""CodiEsp's layout, read in one place (training on a split, `codify eval`, the recall measurement):
`*D.tsv` gold lines (note id, code) and one `<id>.txt` per note."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..terminology import normalize_code


def read_gold(tsv: Path) -> dict[str, set[str]]:
    """{note id: its gold codes, normalized}; lines without an id or a code are skipped."""
    gold: dict[str, set[str]] = defaultdict(set)
    for line in Path(tsv).read_text(encoding="utf-8").splitlines():
        parts = line.strip().split("\t")
        if len(parts) >= 2 and parts[0].strip() and parts[1].strip():
            gold[parts[0].strip()].add(normalize_code(parts[1]))
    return dict(gold)


def note_files(directory: Path) -> list[Path]:
    return sorted(p for p in Path(directory).iterdir() if p.suffix == ".txt")
