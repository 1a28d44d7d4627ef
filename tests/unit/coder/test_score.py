"""The scorer: a model built in a tmp dir by the real training code, loaded and served by Scorer."""

from __future__ import annotations

import json
import random
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from codify_coder.score import (
    CUSTOM_FEATURE_NAMES,
    CUSTOM_FEATURE_NAMES_V1,
    FEATURE_NAMES,
    PROPOSAL_FEATURES,
    ModelLoadError,
    Priors,
    Scorer,
    chapter_index,
    extract_features,
    fold_tokens,
)
from codify_coder.types import Candidate, Mention, Sentence, Understanding

CODES = ("E11.9", "E11.22", "E11", "J18.9", "I10", "N18.31", "R05.9", "C50.911", "I21.9", "K35.80")


class DictFacts:
    """Code facts without the compiled terminology: billable = 4+ characters; the kind is in the term."""

    def billable(self, code: str) -> bool:
        return len(code.replace(".", "")) >= 4

    def term_kind(self, code: str, term: str) -> str:
        return term.split(":", 1)[0]

    def description(self, code: str) -> str:
        return {
            "E11.9": "Type 2 diabetes mellitus without complications",
            "J18.9": "Pneumonia, unspecified",
        }.get(code, "Other disorder")


def tiny_examples(n_notes: int = 160, seed: int = 7):
    """Notes where the right code is the best lexical match of a present mention; distractor codes
    match weakly; negated/family/historical mentions are never right (as the default model learns)."""
    from codify_coder.training.core import Example

    rng = random.Random(seed)
    examples = []
    for k in range(n_notes):
        sections = ("body", "diagnoses", "history", "family_history", "assessment")
        sentences, mentions, candidates, gold = [], [], [], set()
        for m in range(rng.randint(2, 5)):
            assertion = rng.choice(("present", "present", "present", "negated", "family", "historical"))
            section = "family_history" if assertion == "family" else rng.choice(sections)
            sentences.append(Sentence(m * 40, m * 40 + 39, section))
            mentions.append(Mention(m * 40, m * 40 + 20, "type two diabetes", m, assertion))
            right = rng.choice(CODES)
            if assertion == "present":
                gold.add(right)
            kind = rng.choice(("description", "inclusion", "spanish"))
            candidates.append(
                Candidate(right, m, f"{kind}:type two diabetes", round(rng.uniform(0.75, 1.0), 3))
            )
            for other in rng.sample([c for c in CODES if c != right], 3):
                candidates.append(Candidate(other, m, "synonym:diabetes", round(rng.uniform(0.3, 0.7), 3)))
        text = "x" * (40 * len(mentions))
        understanding = Understanding("en", tuple(sentences), tuple(mentions))
        examples.append(Example(f"note-{seed}-{k}", text, understanding, tuple(candidates), frozenset(gold)))
    return examples


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory) -> Path:
    from codify_coder.training.core import TrainConfig, train_and_write

    out = tmp_path_factory.mktemp("model")
    train_and_write(
        tiny_examples(),
        out,
        "tiny",
        DictFacts(),
        use_priors=False,
        data_sha256="0" * 64,
        config=TrainConfig(epochs=15, hidden=16),
    )
    return out


@pytest.fixture(scope="module")
def scorer(model_dir) -> Scorer:
    return Scorer.load(model_dir).with_facts(DictFacts())


def _note(assertions_sections_lexical):
    sentences, mentions, candidates = [], [], []
    for i, (assertion, section, lexical, kind) in enumerate(assertions_sections_lexical):
        sentences.append(Sentence(i * 40, i * 40 + 39, section))
        mentions.append(Mention(i * 40, i * 40 + 20, "pneumonia", i, assertion))
        candidates.append(Candidate("J18.9", i, f"{kind}:pneumonia", lexical))
    return "y" * 200, Understanding("en", tuple(sentences), tuple(mentions)), candidates


def test_load_reads_manifest_and_version(model_dir, scorer):
    manifest = json.loads((model_dir / "manifest.json").read_text())
    assert scorer.model_id == "tiny"
    assert scorer.version == manifest["sha256"][:12]
    assert scorer.manifest["feature_names"] == list(FEATURE_NAMES)
    assert 0.0 < scorer.threshold < 1.0


def test_probabilities_in_unit_interval_and_other_fields_kept(scorer):
    example = tiny_examples(3, seed=99)[0]
    scored = scorer.score(example.text, example.understanding, list(example.candidates))
    assert len(scored) == len(example.candidates)
    for before, after in zip(example.candidates, scored, strict=True):
        assert 0.0 <= after.probability <= 1.0
        assert replace(after, probability=0.0) == before


def test_good_candidate_scores_higher_than_poor_one(scorer):
    text, understanding, candidates = _note([("present", "diagnoses", 1.0, "description")])
    good = scorer.score(text, understanding, candidates)[0].probability
    text, understanding, candidates = _note([("negated", "body", 0.3, "synonym")])
    poor = scorer.score(text, understanding, candidates)[0].probability
    assert good > poor + 0.3


def test_score_is_independent_of_the_batch(scorer):
    # Static quantization: a row's probability must not depend on which other rows share the batch.
    example = tiny_examples(2, seed=5)[1]
    x = extract_features(example.text, example.understanding, example.candidates, DictFacts())
    batch = scorer.predict(x)
    single = np.concatenate([scorer.predict(x[i : i + 1]) for i in range(len(x))])
    np.testing.assert_allclose(batch, single, atol=1e-6)


def test_empty_candidates(scorer):
    assert scorer.score("text", Understanding("en", (), ()), []) == []


def test_unbound_scorer_refuses_to_score(model_dir):
    text, understanding, candidates = _note([("present", "diagnoses", 1.0, "description")])
    with pytest.raises(RuntimeError, match="bind"):
        Scorer.load(model_dir).score(text, understanding, candidates)


def test_tampered_model_is_rejected(model_dir, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(model_dir, bad)
    data = bytearray((bad / "model.onnx").read_bytes())
    data[-1] ^= 0xFF
    (bad / "model.onnx").write_bytes(bytes(data))
    with pytest.raises(ModelLoadError, match="sha256"):
        Scorer.load(bad)


def test_other_feature_schema_is_rejected(model_dir, tmp_path):
    other = tmp_path / "other"
    shutil.copytree(model_dir, other)
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["feature_names"] = manifest["feature_names"][:-1]
    (other / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ModelLoadError, match="feature schema"):
        Scorer.load(other)


def test_corrupt_manifest_or_graph_is_a_load_error(model_dir, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(model_dir, broken)
    (broken / "manifest.json").write_text("{not json")
    with pytest.raises(ModelLoadError, match="JSON"):
        Scorer.load(broken)
    garbage = tmp_path / "garbage"
    shutil.copytree(model_dir, garbage)
    (garbage / "model.onnx").write_bytes(b"not an onnx graph")
    with pytest.raises(ModelLoadError, match="onnxruntime"):
        Scorer.load(garbage, verify=False)


def test_missing_model_dir(tmp_path):
    with pytest.raises(ModelLoadError):
        Scorer.load(tmp_path / "nowhere")


def test_features_encode_assertion_section_support_and_specificity():
    text = "z" * 120
    understanding = Understanding(
        "es",
        (Sentence(0, 59, "diagnoses"), Sentence(60, 119, "family_history")),
        (Mention(0, 20, "diabetes tipo 2", 0, "present"), Mention(60, 80, "diabetes", 1, "family")),
    )
    candidates = [
        Candidate("E11.9", 0, "description:diabetes tipo 2", 1.0),
        Candidate("E11", 0, "inclusion:diabetes", 0.6),
        Candidate("E11.9", 1, "spanish:diabetes", 0.8),
    ]
    x = extract_features(text, understanding, candidates, DictFacts())
    col = {n: i for i, n in enumerate(FEATURE_NAMES)}
    assert x.shape == (3, len(FEATURE_NAMES)) and x.dtype == np.float32
    assert x[0, col["assertion_present"]] == 1 and x[2, col["assertion_family"]] == 1
    assert x[0, col["section_diagnoses"]] == 1 and x[2, col["section_family_history"]] == 1
    assert x[0, col["term_description"]] == 1 and x[1, col["term_inclusion"]] == 1
    assert x[0, col["support_mentions"]] > x[1, col["support_mentions"]]  # E11.9 has two mentions
    assert x[1, col["has_more_specific"]] == 1 and x[0, col["has_less_specific"]] == 1
    assert x[0, col["billable"]] == 1 and x[1, col["billable"]] == 0
    assert x[0, col["chapter_4"]] == 1  # E00-E89: endocrine
    assert x[0, col["language_es"]] == 1
    assert x[1, col["lexical_gap"]] == pytest.approx(0.4)
    assert x[0, col["has_priors"]] == 0


def test_priors_features():
    priors = Priors.from_gold([{"E11.9", "I10"}, {"E11.9"}, {"J18.9"}])
    assert priors.codes["E11.9"] == 2 and priors.categories["E11"] == 2 and priors.notes == 3
    understanding = Understanding("en", (Sentence(0, 10, "body"),), (Mention(0, 5, "dm", 0),))
    candidates = [Candidate("E11.9", 0, "description:dm", 1.0), Candidate("E11.65", 0, "description:dm", 1.0)]
    x = extract_features("dm xx", understanding, candidates, DictFacts(), priors)
    col = {n: i for i, n in enumerate(FEATURE_NAMES)}
    assert x[0, col["code_seen"]] == 1 and x[1, col["code_seen"]] == 0
    assert x[1, col["category_prior"]] > 0  # same category E11 was seen
    assert Priors.from_json(priors.to_json()) == priors


def test_proposal_features_read_what_the_center_coded_of_the_candidates_proposed():
    # Three notes proposed J18.9 (twice through "pneumonia", twice through "lung infection"); the center coded
    # it in one. R05.9 was proposed once and coded; I10 was never proposed.
    pneumonia, infection = Candidate("J18.9", 0, "pneumonia", 1.0), Candidate("J18.9", 0, "lung infection", 0.8)
    cough = Candidate("R05.9", 1, "cough", 1.0)
    priors = Priors.from_gold([{"J18.9"}, set(), {"R05.9"}]).with_proposals(
        [([pneumonia, pneumonia], {"J18.9"}), ([pneumonia, infection], set()), ([infection, cough], {"R05.9"})]
    )
    assert priors.proposals["J18.9"] == (3, 1) and priors.proposals["J18.9\tpneumonia"] == (2, 1)
    assert priors.proposals["J18.9\tlung infection"] == (2, 0) and priors.proposals["R05.9"] == (1, 1)
    assert Priors.from_json(priors.to_json()) == priors

    mentions = (Mention(0, 9, "pneumonia", 0), Mention(10, 15, "cough", 0))
    understanding = Understanding("en", (Sentence(0, 30, "body"),), mentions)
    candidates = [pneumonia, infection, cough, Candidate("I10", 1, "hypertension", 1.0)]
    text = "pneumonia cough" + " " * 15
    x = extract_features(text, understanding, candidates, DictFacts(), priors, learned=True)
    assert x.shape == (4, len(CUSTOM_FEATURE_NAMES))
    col = {n: i for i, n in enumerate(CUSTOM_FEATURE_NAMES)}
    assert x[0, col["code_proposal_precision"]] == pytest.approx(1.5 / 5)  # (coded + 0.5) / (proposed + 2)
    assert x[0, col["term_proposal_precision"]] == pytest.approx(1.5 / 4)
    assert x[1, col["term_proposal_precision"]] == pytest.approx(0.5 / 4)  # the term the center never coded
    assert x[2, col["code_proposal_precision"]] > x[0, col["code_proposal_precision"]]
    assert x[0, col["code_proposals"]] > x[2, col["code_proposals"]] > 0
    assert x[3, col["code_proposed_before"]] == 0 and x[3, col["code_proposal_precision"]] == 0.25
    # without the counts (the default model, or priors from before them) the columns are zeros
    bare = extract_features(text, understanding, candidates, DictFacts(), None, learned=True)
    assert not bare[:, len(CUSTOM_FEATURE_NAMES_V1) :].any()
    assert CUSTOM_FEATURE_NAMES[len(CUSTOM_FEATURE_NAMES_V1) :] == PROPOSAL_FEATURES


def test_text_helpers():
    assert fold_tokens("Diabétes  Mellitus, tipo-2") == ("diabetes", "mellitus", "tipo", "2")
    assert chapter_index("E11.22") == 3 and chapter_index("S72.001A") == 18 and chapter_index("Z80.3") == 20


def test_a_mention_naming_two_conditions_supports_both_codes():
    # "diabetes with kidney disease": what E11.9's term leaves out, N18.9's term explains, and v.v.
    text = "type 2 diabetes with chronic kidney disease. x"
    understanding = Understanding(
        "en", (Sentence(0, 44, "body"),), (Mention(0, 43, "type 2 diabetes with chronic kidney disease", 0),)
    )
    candidates = [
        Candidate("E11.9", 0, "description:type 2 diabetes", 0.7),
        Candidate("N18.9", 0, "description:chronic kidney disease", 0.7),
        Candidate("E11.9", 0, "synonym:diabetes", 0.5),
    ]
    x = extract_features(text, understanding, candidates, DictFacts())
    col = {n: i for i, n in enumerate(FEATURE_NAMES)}
    # E11.9's rest ("with chronic kidney disease") is mostly N18.9's words, and N18.9's rest E11.9's.
    assert x[0, col["mention_rest_explained"]] == pytest.approx(3 / 4)
    assert x[1, col["mention_rest_explained"]] == pytest.approx(3 / 4)
    assert x[2, col["mention_rest_explained"]] == pytest.approx(3 / 6)  # "diabetes" alone leaves "type 2"
    assert x[0, col["code_terms"]] > x[1, col["code_terms"]]  # E11.9 matched by two terms
    assert x[0, col["mention_rank"]] == 1.0 and x[2, col["mention_rank"]] == 0.5
    assert x[2, col["code_max_lexical"]] == pytest.approx(0.7)
    assert x[0, col["term_in_sentence"]] == pytest.approx(3 / 4)  # "description" is not in the note
