"""A custom model: the center's vocabulary, code set and habits on top of the default coder's pipeline.

    examples (understand + terminology candidates, once per note)
      -> candidates mapped into the declared code set
      -> K folds by note: each fold's learned-vocabulary candidates come from a vocabulary learned on the
         other folds (a note never sees a phrase learned from itself, as a new note at serving time)
      -> features (CUSTOM_FEATURE_NAMES: the default's + what the learned vocabulary says), out-of-fold priors
         (code frequencies, and what the center coded of the candidates proposed in its other notes)
      -> K fold MLPs give out-of-fold logits: Platt calibration, the F1-maximizing threshold, the
         cross-validated MAP/F1/ECE and the center's habits all come from notes the model did not see
      -> the served MLP on all notes, int8 ONNX with that calibration; the vocabulary learned on all notes

Deterministic: folds by the sha256 of the note key, fixed seeds, sorted tables; the same data and seed
give the same bytes. Note text is never logged.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

from .. import rules
from ..score import CUSTOM_FEATURE_NAMES, FEATURE_SCHEMA, MANIFEST_FILE, MODEL_FILE, Priors, TerminologyFacts
from ..vocabulary import (
    CODE_SET_FILE,
    HABIT_ASSERTIONS,
    VOCABULARY_FILE,
    CenterKnowledge,
    CodeSet,
    LearnedVocabulary,
)
from . import calibration as cal
from .core import Example, TrainConfig, _key_hash, note_code_scores, out_of_fold_priors, prior_folds
from .mlp import fit_ensemble
from .vocabulary import VocabNote, VocabularyConfig, learn_vocabulary, project_spans

log = logging.getLogger(__name__)

# A center "codes" an assertion class when gold codes reached only through mentions of that class are
# coded at least this share as often as codes reached through present mentions, and at least MIN_HABIT times.
HABIT_RATIO = 0.5
MIN_HABIT = 3


def _fold_of(keys: Sequence[str], folds: int) -> dict[str, int]:
    ordered = sorted(set(keys), key=_key_hash)
    return {k: i % folds for i, k in enumerate(ordered)}


def _aligned(example: Example, code_set: CodeSet) -> tuple[tuple[str, str], ...]:
    """(declared gold code, mention text) of the best terminology match of each gold code of the note."""
    best: dict[str, tuple[float, int]] = {}
    for c in example.candidates:
        d = code_set.to_declared(c.code)
        if d is None or d not in example.gold:
            continue
        if c.lexical > best.get(d, (-1.0, 0))[0]:
            best[d] = (c.lexical, c.mention)
    mentions = example.understanding.mentions
    return tuple((d, mentions[m].text) for d, (_, m) in sorted(best.items()) if 0 <= m < len(mentions))


def habits(examples: Sequence[Example]) -> dict[str, Any]:
    """Which assertion classes the center codes: per class, of the codes a note's candidates reach only
    through mentions of that class, the share the center coded, against the same share for present mentions."""
    reached: dict[str, list[int]] = defaultdict(lambda: [0, 0])  # assertion -> [coded, reached]
    for e in examples:
        by_code: dict[str, set[str]] = defaultdict(set)
        for c in e.candidates:
            if 0 <= c.mention < len(e.understanding.mentions):
                by_code[c.code].add(e.understanding.mentions[c.mention].assertion)
        for code, assertions in by_code.items():
            if len(assertions) != 1:
                continue
            (a,) = assertions
            reached[a][0] += int(code in e.gold)
            reached[a][1] += 1
    present = reached["present"]
    present_rate = present[0] / present[1] if present[1] else 0.0
    stats = {a: {"coded": reached[a][0], "reached": reached[a][1],
                 "rate": round(reached[a][0] / reached[a][1], 4) if reached[a][1] else 0.0}
             for a in ("present", *HABIT_ASSERTIONS)}  # fmt: skip
    codes = [a for a in HABIT_ASSERTIONS
             if reached[a][0] >= MIN_HABIT and stats[a]["rate"] >= HABIT_RATIO * present_rate]  # fmt: skip
    return {"codes_assertions": codes, "by_assertion": stats, "rule": f">= {HABIT_RATIO} x the present rate, "
            f">= {MIN_HABIT} coded codes (out-of-fold candidates)"}  # fmt: skip


# Per-language thresholds on a finer grid than the single one: each language has thousands of out-of-fold
# codes, enough to place its F1 maximum to a hundredth (the 0.05 grid left up to 0.025 of it unexplored).
LANGUAGE_THRESHOLD_STEP = 0.01

# A custom model serves CUSTOM_MEMBERS MLPs averaged as one (mlp.fit_ensemble): on CodiEsp train, 4 folds,
# 3 members rank better than 1 (MAP after the rules en 0.611 -> 0.617, es 0.721 -> 0.728); 5 add nothing.
CUSTOM_MEMBERS = 3
# Weight decay of a custom model's MLPs: its features include the center's own (learned vocabulary, priors),
# fitted on a few hundred notes; 1e-3 against the default's 1e-4 is better in each of 2 seeds x 2 languages x
# (MAP, F1) on CodiEsp train, 4 folds after the rules (mean +0.002 MAP, +0.002 F1); 3e-3 is not.
CUSTOM_L2 = 1e-3


def custom_config(**overrides: Any) -> TrainConfig:
    """The training configuration of a custom model: the default model's, with CUSTOM_MEMBERS members and
    CUSTOM_L2 weight decay."""
    return replace(TrainConfig(members=CUSTOM_MEMBERS, l2=CUSTOM_L2), **overrides)


KEEP_PRECISION = 0.45  # a discarding convention is overridden when the center coded this share of its discards


def _through_rules(
    examples: Sequence[Example], oof: Sequence[Example], p_oof: np.ndarray, terminology: Any,
    code_sets: Sequence[CodeSet], thresholds: dict[str, float], codes_assertions: frozenset[str], keeps: frozenset[str],
) -> tuple[dict[str, tuple[int, int]], dict[str, Any]]:
    """Run the rules over the out-of-fold scored candidates: per discarding rule, (codes the center coded,
    codes discarded) above the threshold; and MAP / micro F1 in the code set as `codify eval` computes them."""
    from ..types import BELOW_THE_CUT, CodeOptions

    by_rule: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    aps: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # language -> tp, fp, fn, gold reached
    i = 0
    for e, o, code_set in zip(examples, oof, code_sets, strict=True):
        n = len(o.candidates)
        scored = [replace(c, probability=float(p)) for c, p in zip(o.candidates, p_oof[i : i + n], strict=True)]
        i += n
        options = CodeOptions(language=o.understanding.language)
        threshold = thresholds[o.understanding.language]
        decisions = rules.apply(o.text, o.understanding, scored, terminology, options, threshold=threshold,
                                center_codes=codes_assertions, center_keeps=keeps)  # fmt: skip
        finals: dict[str, float] = {}
        lows: dict[str, float] = {}
        counted: set[tuple[str, str]] = set()
        final_fy = {d.code for d in decisions if d.final}
        for d in decisions:
            code = code_set.to_declared(d.code)
            if code is None:
                continue
            if d.final:
                finals[code] = max(finals.get(code, 0.0), d.probability)
                continue
            if d.reason in BELOW_THE_CUT:
                lows[code] = max(lows.get(code, 0.0), d.probability)
            if d.probability >= threshold and d.code not in final_fy and (d.rule_id, code) not in counted:
                counted.add((d.rule_id, code))
                by_rule[d.rule_id][0] += int(code in e.gold)
                by_rule[d.rule_id][1] += 1
        ranked = sorted(finals, key=lambda c: (-finals[c], c))
        ranked += sorted((c for c in lows if c not in finals), key=lambda c: (-lows[c], c))
        lang = o.understanding.language
        if e.gold:
            aps[lang].append(cal.average_precision(ranked, e.gold))
        n_lang = counts[lang]
        n_lang[0] += len(set(finals) & e.gold)
        n_lang[1] += len(set(finals) - e.gold)
        n_lang[2] += len(e.gold - set(finals))
        n_lang[3] += len(set(ranked) & e.gold)
    after: dict[str, Any] = _after_rules([a for v in aps.values() for a in v],
                                         [sum(v[j] for v in counts.values()) for j in range(4)])  # fmt: skip
    if len(counts) > 1:  # a center writing in two languages: each language's own numbers
        after["by_language"] = {lang: _after_rules(aps[lang], counts[lang]) for lang in sorted(counts)}
    return {k: (v[0], v[1]) for k, v in by_rule.items()}, after


def _after_rules(aps: Sequence[float], counts: Sequence[int]) -> dict[str, float]:
    """MAP and micro precision/recall/F1 from per-note APs and (tp, fp, fn, gold codes ranked at all)."""
    tp, fp, fn, ranked = counts
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"map_after_rules": round(sum(aps) / len(aps), 6) if aps else 0.0,
            "f1_after_rules": round(2 * p * r / (p + r), 6) if p + r else 0.0,
            "precision_after_rules": round(p, 6), "recall_after_rules": round(r, 6),
            "gold_ranked_after_rules": round(ranked / (tp + fn), 6) if tp + fn else 0.0}  # fmt: skip


def train_custom(
    examples: Sequence[Example],
    spans: Sequence[tuple[tuple[str, tuple[tuple[int, int], ...]], ...]],
    out_dir: Path,
    model_id: str,
    terminology: Any,
    code_set: CodeSet,
    *,
    data_sha256: str,
    config: TrainConfig | None = None,
    vocab_config: VocabularyConfig | None = None,
    folds: int = 4,
    extra_manifest: dict[str, Any] | None = None,
    progress: Callable[[str], None] = lambda step: None,
) -> dict[str, Any]:
    """`examples`: the notes through understand + terminology candidates, gold in the code set's codes;
    `spans`: per example (same order), the coders' evidence spans per code."""
    from . import onnx_model  # build-time dependency

    config = config or custom_config()
    vocab_config = vocab_config or VocabularyConfig()
    t0 = time.perf_counter()
    facts = TerminologyFacts(terminology)
    folds = max(2, min(folds, len({e.key for e in examples})))
    fold_of = _fold_of([e.key for e in examples], folds)
    # Input order must not matter (the same notes in another order give the same bytes): notes in the order of
    # the sha256 of their key, as core.split_examples orders them.
    order = sorted(range(len(examples)), key=lambda i: (_key_hash(examples[i].key), examples[i].key,
                                                         examples[i].understanding.language))  # fmt: skip
    examples = [examples[i] for i in order]
    spans = [spans[i] for i in order]
    # A note without spans whose translation (same key, other language) has them gets them projected.
    projected = [False] * len(examples)
    with_spans = {(e.key, e.understanding.language): i for i, e in enumerate(examples) if spans[i]}
    dictionary = terminology.index.dictionary
    for i, e in enumerate(examples):
        if spans[i] or e.understanding.language != "en" or (e.key, "es") not in with_spans:
            continue
        j = with_spans[(e.key, "es")]
        spans[i] = project_spans(examples[j].text, spans[j], e.text, dictionary)
        projected[i] = bool(spans[i])
    vnotes = [
        VocabNote(e.key, e.understanding.language, e.text, e.gold, spans=sp, aligned=_aligned(e, code_set), projected=pr)
        for e, sp, pr in zip(examples, spans, projected, strict=True)
    ]
    progress("vocabulary")
    vocabs = [learn_vocabulary([v for v in vnotes if fold_of[v.key] != k], vocab_config) for k in range(folds)]
    final_vocab = learn_vocabulary(vnotes, vocab_config)

    # A declared code set is the codes of the notes a model was trained on: each fold's notes see the set of
    # the other folds' notes, so a code only their own fold used is new to them, as it is to a new note (with
    # the whole set the cross-validated numbers counted such codes as returnable, and overstated recall).
    if code_set.declared:
        fold_sets = [code_set.restricted_to(c for e in examples if fold_of[e.key] != k for c in e.gold)
                     for k in range(folds)]  # fmt: skip
    else:
        fold_sets = [code_set] * folds
    mappers = [CenterKnowledge(LearnedVocabulary(), cs) for cs in fold_sets]
    note_sets = [fold_sets[fold_of[e.key]] for e in examples]

    def rep(code: str, cs: CodeSet) -> str | None:
        return cs.representative(code, terminology) if cs.declared else code

    oof: list[Example] = []
    for e, cs in zip(examples, note_sets, strict=True):
        k = fold_of[e.key]
        cands = mappers[k].candidates(e.text, e.understanding, e.candidates, terminology, vocabulary=vocabs[k])
        gold = frozenset(r for r in (rep(c, cs) for c in e.gold) if r is not None)
        oof.append(replace(e, candidates=tuple(cands), gold=gold))
    t1 = time.perf_counter()
    if not any(c.code in e.gold for e in oof for c in e.candidates):
        raise ValueError("no positive training candidates: the notes' codes were never proposed")

    progress("features")
    priors = _with_proposals(oof, out_of_fold_priors(oof, config.prior_folds), config.prior_folds)
    x, y = _featurize(oof, facts, priors)
    note_fold = np.concatenate([np.full(len(e.candidates), fold_of[e.key]) for e in oof]) if oof else np.zeros(0)
    hyper = {"hidden": config.hidden, "epochs": config.epochs, "batch": config.batch, "lr": config.lr, "l2": config.l2}
    t_feat = time.perf_counter()
    progress("cross-validation")
    z_oof = np.zeros(len(y))
    for k in range(folds):
        tr, te = note_fold != k, note_fold == k
        if not te.any():
            continue
        if not y[tr].any():
            z_oof[te] = -10.0
            continue
        m = fit_ensemble(x[tr], y[tr], members=config.members, seed=config.seed, **hyper)
        z_oof[te] = m.logits(x[te])
    t_cv = time.perf_counter()
    code_z = note_code_scores(oof, z_oof, initial=-np.inf)
    a, b = cal.fit_platt(
        np.array([z for s in code_z for z in s.values()]),
        np.array([c in e.gold for s, e in zip(code_z, oof, strict=True) for c in s], dtype=float),
    )
    p_oof = cal.sigmoid(a * z_oof + b)
    golds = [e.gold for e in oof]
    scores = note_code_scores(oof, p_oof)
    fitted_threshold = cal.best_threshold(scores, golds)
    threshold = fitted_threshold if config.threshold is None else config.threshold
    # A center writing in two languages (CodiEsp: Spanish notes, English translations) gets a threshold per
    # language: its words reach the codes differently in each (no spans in the translations).
    by_language: dict[str, float] = {}
    languages = sorted({e.understanding.language for e in oof})
    if config.threshold is None and len(languages) > 1:
        for lang in languages:
            idx = [i for i, e in enumerate(oof) if e.understanding.language == lang]
            by_language[lang] = cal.best_threshold([scores[i] for i in idx], [golds[i] for i in idx],
                                                     step=LANGUAGE_THRESHOLD_STEP)
    level = cal.code_level(scores, golds, threshold)
    code_p = np.array([p for s in scores for p in s.values()])
    code_y = np.array([c in g for s, g in zip(scores, golds, strict=True) for c in s], dtype=np.float64)
    final = code_p >= threshold
    cross_validated = {
        "folds": folds,
        "map": round(float(level["map"]), 6),
        "f1": round(float(level["f1"]), 6),
        "precision": round(float(level["precision"]), 6),
        "recall": round(float(level["recall"]), 6),
        "ece": round(cal.expected_calibration_error(code_p[final], code_y[final]), 6),
        "level": "code level before the rules: a code's confidence is its best candidate's, out of fold",
    }
    center_habits = habits(oof)
    # Which discarding conventions the center does not follow, then the scores after the rules, as a coder
    # sees them (both out of fold).
    codes_assertions = frozenset(center_habits["codes_assertions"])
    thresholds: dict[str, float] = {str(lang): by_language.get(lang, threshold) for lang in languages}
    by_rule, _ = _through_rules(examples, oof, p_oof, terminology, note_sets, thresholds, codes_assertions, frozenset())
    keeps = sorted(r for r, (coded, total) in by_rule.items()
                   if r not in rules.NOT_OVERRIDABLE and coded >= MIN_HABIT and coded / total >= KEEP_PRECISION)
    center_habits["keeps"] = keeps
    center_habits["discarded_above_threshold"] = {r: {"coded": c, "discarded": t} for r, (c, t) in sorted(by_rule.items())}
    _, after = _through_rules(examples, oof, p_oof, terminology, note_sets, thresholds, codes_assertions, frozenset(keeps))
    cross_validated.update(after)
    t2 = time.perf_counter()

    progress("final model")
    mlp = fit_ensemble(x, y, members=config.members, seed=config.seed, **hyper)
    t_fit = time.perf_counter()
    fp32 = onnx_model.build_graph(mlp, CUSTOM_FEATURE_NAMES)
    step = max(1, len(x) // config.max_quant_rows)
    model = onnx_model.set_calibration(onnx_model.quantize(fp32, x[::step]), a, b)
    model_bytes = model.SerializeToString()
    t_q = time.perf_counter()
    log.info("custom model %s: features %.1fs, %d fold fits %.1fs, calibration+habits %.1fs, final fit %.1fs, "
             "quantization %.1fs", model_id, t_feat - t1, folds, t_cv - t_feat, t2 - t_cv, t_fit - t2, t_q - t_fit)
    sha = hashlib.sha256(model_bytes).hexdigest()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / MODEL_FILE).write_bytes(model_bytes)
    (out_dir / VOCABULARY_FILE).write_text(_dumps(final_vocab.to_json()), encoding="utf-8")
    if code_set.declared:
        (out_dir / CODE_SET_FILE).write_text(_dumps(code_set.to_json()), encoding="utf-8")
    elif (out_dir / CODE_SET_FILE).exists():
        (out_dir / CODE_SET_FILE).unlink()
    served_priors = Priors.from_gold(list({e.key: e.gold for e in oof}.values()))
    served_priors = served_priors.with_proposals((e.candidates, e.gold) for e in oof)
    manifest: dict[str, Any] = {
        "model_id": model_id,
        "version": "",
        "sha256": sha,
        "format": "onnx",
        "quantization": "int8 static QDQ (MatMul weights int8, activations uint8)",
        "opset": onnx_model.OPSET,
        "feature_schema": FEATURE_SCHEMA,
        "feature_names": list(CUSTOM_FEATURE_NAMES),
        "input": "features",
        "output": "probability",
        "calibration": {"method": "platt", "a": round(a, 8), "b": round(b, 8),
                        "fitted_on": f"{folds}-fold out-of-fold code-level logits"},
        "thresholds": {"final": threshold, "f1_max_cross_validated": fitted_threshold,
                       **({"by_language": by_language} if by_language else {})},
        "training_data_sha256": data_sha256,
        "code_system": code_set.system,
        "vocabulary": _vocab_summary(final_vocab),
        "habits": center_habits,
        "hyperparameters": {**hyper, "seed": config.seed, "members": config.members, "folds": folds,
                            "vocabulary": vars(vocab_config)},
        "metrics": {"cross_validated": cross_validated},
        "priors": served_priors.to_json(),
    }
    manifest.update(extra_manifest or {})
    manifest["version"] = _version(model_bytes, final_vocab, code_set, manifest)
    (out_dir / MANIFEST_FILE).write_text(_dumps(manifest), encoding="utf-8")
    log.info(
        "custom model %s: %d notes, %d candidates, vocabulary %d phrases; candidates+vocabulary %.1fs, "
        "cross-validation %.1fs, final model %.1fs; cv MAP %.3f F1 %.3f",
        model_id, len({e.key for e in oof}), len(y), len(final_vocab), t1 - t0, t2 - t1,
        time.perf_counter() - t2, cross_validated["map"], cross_validated["f1"],
    )  # fmt: skip
    return manifest


def _with_proposals(oof: Sequence[Example], priors: Sequence[Priors], folds: int) -> list[Priors]:
    """Each note's priors with the proposal counts of the notes of the other prior folds (as a new note sees
    the center's past notes: its own candidates and codes never count, which would leak its label)."""
    fold_of = prior_folds(oof, folds)
    tables: dict[int, Priors] = {}
    out = []
    for e, p in zip(oof, priors, strict=True):
        f = fold_of[e.key]
        if f not in tables:
            tables[f] = p.with_proposals((o.candidates, o.gold) for o in oof if fold_of[o.key] != f)
        out.append(tables[f])
    return out


def _featurize(examples: Sequence[Example], facts: Any, priors: Sequence[Priors]) -> tuple[np.ndarray, np.ndarray]:
    from ..score import extract_features
    from .core import labels

    xs = [extract_features(e.text, e.understanding, e.candidates, facts, p, learned=True)
          for e, p in zip(examples, priors, strict=True)]  # fmt: skip
    ys = [labels(e) for e in examples]
    if not xs:
        return np.zeros((0, len(CUSTOM_FEATURE_NAMES)), dtype=np.float32), np.zeros(0)
    return np.concatenate(xs), np.concatenate(ys)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def _version(model_bytes: bytes, vocab: LearnedVocabulary, code_set: CodeSet, manifest: dict[str, Any]) -> str:
    """The version names everything the model serves with: the ONNX bytes, the vocabulary, the code set, and
    what the manifest gives the scorer and the rules (priors, threshold, habits)."""
    digest = hashlib.sha256(model_bytes)
    digest.update(_dumps(vocab.to_json()).encode("utf-8"))
    digest.update(_dumps(code_set.to_json()).encode("utf-8"))
    digest.update(_dumps({k: manifest.get(k) for k in ("priors", "thresholds", "habits", "feature_names")}).encode())
    return digest.hexdigest()[:12]


def _vocab_summary(vocab: LearnedVocabulary) -> dict[str, Any]:
    by_source: dict[str, int] = defaultdict(int)
    for table in vocab.phrases.values():
        for _, _, entries in table.values():
            for e in entries:
                by_source[e.source] += 1
    return {"phrases": len(vocab), "entries_by_source": dict(sorted(by_source.items())),
            "languages": sorted(vocab.phrases)}  # fmt: skip


__all__ = ["CUSTOM_L2", "CUSTOM_MEMBERS", "VocabularyConfig", "custom_config", "train_custom"]
