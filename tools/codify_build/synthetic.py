"""Synthetic clinical notes for the default model, generated from the terminology alone.

Each note mentions a few ICD-10-CM terms (descriptions, inclusion terms, Spanish terms, lexicon
synonyms) the way notes do: shortened ("unspecified" dropped), reordered, abbreviated, with a word
missing, inside template sentences that carry assertion cues (negation, family, history, uncertainty,
hypothetical), between distractor sentences (vitals, labs, drugs, procedures, anatomy) and under
section headings or in narrative form, plus fragments of terms reported as findings. The intended
code of every mention is in the note's gold set (unless drawn as not reported, see UNREPORTED_RATE),
whatever its assertion: the default model answers "is
this the code of the condition the note names?", and rules.py decides what a negated, family or
history mention becomes (discarded `negated`, Z80.3 from a family breast cancer, I25.2 from an old MI),
using this probability as that decision's confidence. Everything else the candidate generator proposes
(parents, siblings, other codes sharing words, codes of the finding fragments) is a negative.

No CodiEsp text goes into these notes: the default model is built from the terminology only.
Deterministic: a seed and the terminology give the same notes.
"""

from __future__ import annotations

import random
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from codify_coder.score import TerminologyFacts

# Share of named conditions a coder leaves out (an assumption of the project, not a corpus statistic).
# It sets how far the model trusts a well-named condition. Chosen by reading calibration on CodiEsp train
# (never dev): 0.25 left the final assessments under-confident; 0.15 fit the coder of early November;
# once the rules discarded far more false positives (site, long-term, encounter and abnormal-finding
# conventions), finals at 20-60% were right 15 points more often than stated (ECE 0.11 en / 0.12 es),
# and 0.05 brings that to 0.10 / 0.08.
UNREPORTED_RATE = 0.05
ASSERTION_WEIGHTS = {
    "present": 0.58,
    "negated": 0.15,
    "family": 0.07,
    "historical": 0.09,
    "possible": 0.08,
    "hypothetical": 0.03,
}

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "present": (
            "The patient presents with {t}.",
            "Diagnosed with {t}.",
            "{T} was confirmed.",
            "Known {t}, on treatment.",
            "Findings consistent with {t}.",
            "Admitted for {t}.",
            "She has {t}.",
            "He was found to have {t}.",
            "Imaging showed {t}.",
            "{T}.",
            "Currently being treated for {t}.",
            "The final diagnosis was {t}.",
            "A {age}-year-old man with {t}.",
            "A {age}-year-old woman was admitted with {t}.",
            # Case-report phrasing.
            "A {age}-year-old patient consulted for {t}.",
            "He came to the emergency department because of {t}.",
            "She was referred to our hospital for {t}.",
            "On admission, he presented {t}.",
            "The study was completed with a diagnosis of {t}.",
            "The histological study confirmed {t}.",
            "During admission she developed {t}.",
            "Clinical picture of {t}.",
            "He reported {t} of {day} days' duration.",
            "Laboratory tests showed {t}.",
        ),
        "negated": (
            "No evidence of {t}.",
            "Denies {t}.",
            "{T} was ruled out.",
            "Negative for {t}.",
            "There is no {t}.",
            "Without signs of {t}.",
            "No {t} was found.",
        ),
        "family": (
            "Mother had {t}.",
            "Family history of {t}.",
            "His father died of {t}.",
            "Her sister was diagnosed with {t}.",
        ),
        "historical": (
            "History of {t}.",
            "Past medical history of {t}, resolved.",
            "Previously treated for {t}.",
            "History of {t} ten years ago.",
        ),
        "possible": (
            "Possible {t}.",
            "Suspected {t}.",
            "Rule out {t}.",
            "Findings suggestive of {t}.",
            "Probable {t}.",
        ),
        "hypothetical": (
            "Return if {t} develops.",
            "Counseled about the risk of {t}.",
            "Monitor for {t}.",
        ),
    },
    "es": {
        "present": (
            "El paciente presenta {t}.",
            "Diagnosticado de {t}.",
            "Se confirma {t}.",
            "Con {t} en tratamiento.",
            "Hallazgos compatibles con {t}.",
            "Ingresa por {t}.",
            "Presenta {t}.",
            "Se objetiva {t}.",
            "La prueba de imagen muestra {t}.",
            "{T}.",
            "En tratamiento por {t}.",
            "El diagnóstico final fue {t}.",
            "Varón de {age} años con {t}.",
            "Mujer de {age} años que ingresa por {t}.",
            # Estilo de caso clínico.
            "Paciente de {age} años que consulta por {t}.",
            "Acude a urgencias por {t}.",
            "Remitido a nuestro centro por {t}.",
            "Al ingreso presentaba {t}.",
            "Se completa el estudio con el diagnóstico de {t}.",
            "El estudio histológico confirmó {t}.",
            "Durante el ingreso desarrolla {t}.",
            "Cuadro de {t}.",
            "Refiere {t} de {day} días de evolución.",
            "En la analítica destaca {t}.",
        ),
        "negated": (
            "No hay evidencia de {t}.",
            "Niega {t}.",
            "Se descarta {t}.",
            "Negativo para {t}.",
            "Sin signos de {t}.",
            "No presenta {t}.",
            "Ausencia de {t}.",
        ),
        "family": (
            "Madre con {t}.",
            "Antecedentes familiares de {t}.",
            "Su padre falleció por {t}.",
            "Hermana diagnosticada de {t}.",
        ),
        "historical": (
            "Antecedentes personales de {t}.",
            "Antecedente de {t}, resuelto.",
            "Tratado previamente por {t}.",
            "Historia de {t} hace diez años.",
        ),
        "possible": (
            "Posible {t}.",
            "Sospecha de {t}.",
            "Probable {t}.",
            "Hallazgos sugestivos de {t}.",
            "A descartar {t}.",
        ),
        "hypothetical": (
            "Acudir si presenta {t}.",
            "Se informa del riesgo de {t}.",
            "Vigilar la aparición de {t}.",
        ),
    },
}

DISTRACTORS: dict[str, tuple[str, ...]] = {
    "en": (
        "Vital signs were stable.",
        "Blood pressure {n1}/{n2} mmHg, heart rate {n3} bpm.",
        "Temperature {temp} C.",
        "Laboratory tests showed hemoglobin {hb} g/dL and creatinine {cr} mg/dL.",
        "He was started on {drug} {dose} mg daily.",
        "She was discharged home on day {day}.",
        "Physical examination of the {organ} was unremarkable.",
        "A computed tomography scan of the {organ} was performed.",
        "An ultrasound of the {organ} was requested.",
        "Follow-up in the outpatient clinic in {day} weeks.",
        "The patient gave informed consent.",
        "Biopsy of the {organ} was obtained.",
        "Treatment with {drug} was continued.",
        "He is a retired teacher and lives with his wife.",
        "She works as a nurse.",
        "Surgery was performed without complications.",
        "The {organ} was normal in size.",
        "Blood cultures were drawn.",
        "He reports smoking {n3} cigarettes a day.",
        "Evolution was favorable.",
    ),
    "es": (
        "Constantes estables.",
        "Tensión arterial {n1}/{n2} mmHg, frecuencia cardiaca {n3} lpm.",
        "Temperatura {temp} ºC.",
        "Analítica con hemoglobina {hb} g/dL y creatinina {cr} mg/dL.",
        "Se inicia tratamiento con {drug} {dose} mg al día.",
        "Alta a domicilio el día {day}.",
        "La exploración del {organ} fue normal.",
        "Se realiza tomografía computarizada de {organ}.",
        "Se solicita ecografía de {organ}.",
        "Revisión en consultas externas en {day} semanas.",
        "El paciente firmó el consentimiento informado.",
        "Se obtiene biopsia de {organ}.",
        "Se mantiene el tratamiento con {drug}.",
        "Profesor jubilado, vive con su esposa.",
        "Trabaja como enfermera.",
        "Se realizó la intervención sin complicaciones.",
        "El {organ} era de tamaño normal.",
        "Se extraen hemocultivos.",
        "Fumador de {n3} cigarrillos al día.",
        "Evolución favorable.",
    ),
}
FILLERS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "drug": (
            "metformin",
            "amoxicillin",
            "enalapril",
            "omeprazole",
            "paracetamol",
            "prednisone",
            "heparin",
        ),
        "organ": ("abdomen", "chest", "liver", "kidney", "brain", "thyroid", "pelvis", "heart"),
    },
    "es": {
        "drug": (
            "metformina",
            "amoxicilina",
            "enalapril",
            "omeprazol",
            "paracetamol",
            "prednisona",
            "heparina",
        ),
        "organ": ("abdomen", "tórax", "hígado", "riñón", "cerebro", "tiroides", "pelvis", "corazón"),
    },
}
HEADINGS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "body": ("HISTORY OF PRESENT ILLNESS:", "Clinical case:"),
        "historical": ("PAST MEDICAL HISTORY:", "Past history:"),
        "family": ("FAMILY HISTORY:",),
        "present": ("ASSESSMENT:", "DIAGNOSES:", "DISCHARGE DIAGNOSES:", "Assessment and plan:"),
    },
    "es": {
        "body": ("ENFERMEDAD ACTUAL:", "Caso clínico:"),
        "historical": ("ANTECEDENTES PERSONALES:", "Antecedentes:"),
        "family": ("ANTECEDENTES FAMILIARES:",),
        "present": ("JUICIO CLÍNICO:", "DIAGNÓSTICO:", "DIAGNÓSTICOS AL ALTA:", "Impresión diagnóstica:"),
    },
}
MODIFIERS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "before": (
            "severe",
            "mild",
            "known",
            "extensive",
            "recurrent",
            "progressive",
            "longstanding",
            "moderate",
            "newly diagnosed",
            "symptomatic",
            "persistent",
        ),
        "after": (
            "of {day} years' duration",
            "with good response to treatment",
            "since childhood",
            "requiring admission",
            "diagnosed {day} years ago",
            "under follow-up",
        ),
    },
    "es": {
        "before": (),
        "after": (
            "severa",
            "leve",
            "conocida",
            "extensa",
            "recidivante",
            "progresiva",
            "de larga evolución",
            "moderada",
            "de reciente diagnóstico",
            "sintomática",
            "persistente",
            "de {day} años de evolución",
            "con buena respuesta al tratamiento",
            "desde la infancia",
            "que requirió ingreso",
            "en seguimiento",
        ),
    },
}
# Findings a note reports without them being coded (a fragment of a term: "mass", "lesion of the liver").
NOISE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "en": (
        "Imaging revealed {t} in the {organ}.",
        "The {organ} showed {t}.",
        "Ultrasound: {t}.",
        "A CT scan was performed to assess {t}.",
        "Biopsy to characterize the {t}.",
    ),
    "es": (
        "La prueba de imagen mostró {t} en {organ}.",
        "Se observa {t} en {organ}.",
        "Ecografía: {t}.",
        "Se realiza TC para valorar {t}.",
        "Se toma biopsia para caracterizar {t}.",
    ),
}
JOINERS = {
    "en": (" with ", " and ", ", ", " complicated by "),
    "es": (" con ", " y ", ", ", " complicada con "),
}
# How a note restates an ICD-10-CM combination ("X with Y"): as two conditions side by side, or as a
# cause ("Y due to X"); the combination code is still the right one.
COMBINATION_FORMS = {
    "en": ("{a} with {b}", "{a} and {b}", "{a}, {b}", "{b} due to {a}", "{b} secondary to {a}"),
    "es": ("{a} con {b}", "{a} y {b}", "{a}, {b}", "{b} secundaria a {a}", "{b} por {a}"),
}
_COMBINATION = {
    "en": re.compile(r"^(?P<a>.+?)\s+(?:with|due to)\s+(?P<b>.+)$", re.IGNORECASE),
    "es": re.compile(r"^(?P<a>.+?)\s+(?:con|debid[oa] a|por)\s+(?P<b>.+)$", re.IGNORECASE),
}
# Words of a combination's second part that a note does not repeat ("diabetic chronic kidney disease").
_ECHO = {
    "en": re.compile(r"^(diabetic|hypertensive|alcoholic|associated)\s+", re.IGNORECASE),
    "es": re.compile(r"\s+(diabética|diabético|hipertensiva|hipertensivo|asociad[oa])\b", re.IGNORECASE),
}
AND = {"en": " and ", "es": " y "}
_CONTENT = re.compile(r"[^\W\d_]{4,}", re.UNICODE)

# Words a clinician leaves out of a term (ICD-10-CM qualifiers a note rarely spells out).
_DROP = {
    "en": re.compile(
        r",?\s*\b(unspecified|not elsewhere classified|NOS|without complication|of unspecified site)\b",
        re.IGNORECASE,
    ),
    "es": re.compile(
        r",?\s*\b(no especificad[oa]s?|sin especificar|no clasificad[oa] bajo otro concepto|sin complicaciones?)\b",
        re.IGNORECASE,
    ),
}
# "Other specified ..." / "Otros ..." name residual codes: a note names the condition, not the residue.
_RESIDUAL = re.compile(r"^(other|otr[oa]s?)\b", re.IGNORECASE)
_PAREN = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]")
_SPACES = re.compile(r"\s{2,}")


@dataclass(frozen=True)
class SyntheticNote:
    key: str
    language: str
    text: str
    gold: frozenset[str]  # the intended codes of all mentions (assertions are rules.py's business)
    mentions: tuple[tuple[str, str], ...]  # (intended code, assertion) in note order


def _category_weight(category: str) -> float:
    # A clinical prior, not a corpus statistic: notes name symptoms and findings (R00-R99) far more
    # often than their share of categories; external causes (V00-Y99) rarely stand alone; injuries have
    # thousands of near-identical categories; perinatal, pregnancy and congenital codes belong to
    # specific settings.
    first = category[0]
    if first == "R":
        return 2.5
    if first in "VWXY":
        return 0.1
    if first in "ST":
        return 0.4
    if first in "OPQ":
        return 0.4
    return 1.0


def term_pools(terminology: Any, language: str) -> dict[str, list[tuple[str, str]]]:
    """Category -> [(code, term)] for codes a coder can report (billable, or needing a 7th character)."""
    pools: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for code, term in terminology.iter_terms(language):
        if len(term) > 90 or len(term) < 3 or _RESIDUAL.match(term):
            continue
        if not (terminology.is_billable(code) or terminology.needs_seventh(code)):
            continue
        pools[code[:3]].append((code, term))
    return {cat: sorted(set(items)) for cat, items in sorted(pools.items())}


def _abbreviation_map(terminology: Any, language: str) -> list[tuple[str, str]]:
    """(expansion, abbreviation) pairs of the terminology's abbreviation lexicon, longest first."""
    pairs = []
    abbreviations = getattr(getattr(terminology, "index", None), "abbreviations", {}) or {}
    for abbr, expansions in abbreviations.items():
        expansion = expansions.get(language) if isinstance(expansions, dict) else None
        if expansion and len(expansion) > len(abbr):
            pairs.append((expansion.casefold(), abbr))
    return sorted(pairs, key=lambda p: (-len(p[0]), p[0], p[1]))


def vary(term: str, language: str, rng: random.Random, abbreviations: list[tuple[str, str]]) -> str:
    """A surface form of a terminology term as a clinician might write it."""
    t = _PAREN.sub("", term)
    if rng.random() < 0.7:
        t = _DROP[language].sub("", t)
    t = _SPACES.sub(" ", t).strip(" ,;:")
    if "," in t and rng.random() < 0.4:  # "Pneumonia, bacterial" -> "bacterial pneumonia"
        head, _, rest = t.partition(",")
        t = f"{rest.strip()} {head.strip()}"
    lowered = t.casefold()
    if abbreviations and rng.random() < 0.35:
        for expansion, abbr in abbreviations:
            if re.search(rf"\b{re.escape(expansion)}\b", lowered):
                t = re.sub(rf"\b{re.escape(expansion)}\b", abbr, lowered, count=1)
                lowered = t.casefold()
                break
    if rng.random() < 0.85:
        t = t[:1].lower() + t[1:] if not t[:2].isupper() else t
    if rng.random() < 0.45:  # notes qualify what they name: extra words the term does not have
        if language == "en" and rng.random() < 0.5:
            t = f"{rng.choice(MODIFIERS[language]['before'])} {t}"
        else:
            t = f"{t} {_fill(rng.choice(MODIFIERS[language]['after']), language, rng)}"
    return t or term


def rephrase_combination(surface: str, language: str, rng: random.Random) -> str:
    """ "type 2 diabetes mellitus with diabetic chronic kidney disease" -> "chronic kidney disease due to
    type 2 diabetes mellitus" or "type 2 diabetes mellitus and chronic kidney disease"."""
    match = _COMBINATION[language].match(surface)
    if not match:
        return surface
    a, b = match.group("a").strip(" ,"), _ECHO[language].sub("", match.group("b")).strip(" ,")
    if not a or not b:
        return surface
    return rng.choice(COMBINATION_FORMS[language]).format(a=a, b=b)


def _series(items: list[str], language: str) -> str:
    """ "fever, cough and dyspnea" """
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + AND[language] + items[-1]


def _short(term: str, language: str, rng: random.Random) -> str:
    t = _SPACES.sub(" ", _DROP[language].sub("", _PAREN.sub("", term))).strip(" ,;:")
    return (t[:1].lower() + t[1:]) if t and not t[:2].isupper() else (t or term)


def _fill(template: str, language: str, rng: random.Random, term: str = "") -> str:
    fillers = FILLERS[language]
    values = {
        "t": term,
        "T": term[:1].upper() + term[1:],
        "age": str(rng.randint(18, 90)),
        "n1": str(rng.randint(95, 180)),
        "n2": str(rng.randint(55, 100)),
        "n3": str(rng.randint(50, 120)),
        "temp": f"{rng.uniform(35.5, 39.5):.1f}",
        "hb": f"{rng.uniform(7.0, 16.0):.1f}",
        "cr": f"{rng.uniform(0.5, 3.0):.1f}",
        "dose": str(rng.choice((5, 10, 20, 40, 500, 850, 1000))),
        "day": str(rng.randint(2, 12)),
        "drug": rng.choice(fillers["drug"]),
        "organ": rng.choice(fillers["organ"]),
    }
    return template.format(**values)


def generate(
    terminology: Any, n_notes: int, seed: int = 0, languages: Iterable[str] = ("en", "es")
) -> list[SyntheticNote]:
    rng = random.Random(seed)
    langs = tuple(languages)
    pools = {lang: term_pools(terminology, lang) for lang in langs}
    cats = {lang: list(pools[lang]) for lang in langs}
    weights = {lang: [_category_weight(c) for c in cats[lang]] for lang in langs}
    abbreviations = {lang: _abbreviation_map(terminology, lang) for lang in langs}
    assertions, a_weights = zip(*ASSERTION_WEIGHTS.items(), strict=True)
    by_code: dict[str, dict[str, list[str]]] = {lang: defaultdict(list) for lang in langs}
    for lang in langs:
        for items in pools[lang].values():
            for code, term in items:
                by_code[lang][code].append(term)
    # Codes the project's lexicons give everyday synonyms for are the conditions notes name most.
    facts = TerminologyFacts(terminology)
    common = sorted({c for c, t in terminology.iter_terms("en") if facts.term_kind(c, t) == "synonym"})
    common_by_lang = {lang: [c for c in common if c in by_code[lang]] for lang in langs}

    # Symptom codes (R00-R69) with short terms: the items of a note's symptom list.
    symptom_pool = {
        lang: [
            (code, term)
            for cat, items in pools[lang].items()
            if cat[0] == "R" and cat[:3] <= "R69"
            for code, term in items
            if len(term.split()) <= 4
        ]
        for lang in langs
    }
    notes = []
    for i in range(n_notes):
        lang = langs[i % len(langs)]
        if not cats[lang]:
            continue
        n_mentions = rng.randint(2, 7)
        chosen = []
        for _ in range(n_mentions):
            if common_by_lang[lang] and rng.random() < 0.3:
                code = rng.choice(common_by_lang[lang])
                term = rng.choice(by_code[lang][code])
            else:
                cat = rng.choices(cats[lang], weights[lang])[0]
                code, term = rng.choice(pools[lang][cat])
            assertion = rng.choices(assertions, a_weights)[0]
            chosen.append((code, term, assertion))
        if symptom_pool[lang] and rng.random() < 0.4:
            # Symptoms come in lists ("fever, cough and dyspnea"): one phrase, one right code per item.
            listed = [rng.choice(symptom_pool[lang]) for _ in range(rng.randint(2, 4))]
            for code, term in listed:
                chosen.append((code, term, "present"))
            symptom_list = _series([_short(t, lang, rng) for _, t in listed], lang)
        else:
            symptom_list = ""
        structured = rng.random() < 0.5
        sentences: list[tuple[str, str]] = []  # (group, sentence)
        i_m = 0
        if symptom_list:
            sentences.append(("body", _fill(rng.choice(TEMPLATES[lang]["present"]), lang, rng, symptom_list)))
        n_named = len(chosen) - (len(listed) if symptom_list else 0)
        while i_m < n_named:
            code, term, assertion = chosen[i_m]
            surface = vary(term, lang, rng, abbreviations[lang])
            if rng.random() < 0.5:
                surface = rephrase_combination(surface, lang, rng)
            nxt = chosen[i_m + 1] if i_m + 1 < len(chosen) else None
            if assertion == "present" and nxt and nxt[2] == "present" and rng.random() < 0.45:
                # Two conditions in one phrase ("X with Y", "X y Y"): one mention, two right codes.
                joiner = rng.choice(JOINERS[lang])
                surface = f"{surface}{joiner}{vary(nxt[1], lang, rng, abbreviations[lang])}"
                i_m += 1
            i_m += 1
            template = rng.choice(TEMPLATES[lang][assertion])
            group = (
                assertion if assertion in ("historical", "family") else "present" if structured else "body"
            )
            sentences.append((group, _fill(template, lang, rng, surface)))
            if assertion == "present" and rng.random() < 0.2:  # restated in the assessment
                sentences.append(
                    ("present", _fill("{T}.", lang, rng, vary(term, lang, rng, abbreviations[lang])))
                )
        for _ in range(rng.randint(1, 6)):
            sentences.append(("body", _fill(rng.choice(DISTRACTORS[lang]), lang, rng)))
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            cat = rng.choices(cats[lang], weights[lang])[0]
            words = _CONTENT.findall(rng.choice(pools[lang][cat])[1])
            if words:
                start = rng.randrange(len(words))
                fragment = " ".join(words[start : start + rng.choice((1, 1, 2))]).lower()
                sentences.append(("body", _fill(rng.choice(NOISE_TEMPLATES[lang]), lang, rng, fragment)))
        if structured:
            order = ("body", "historical", "family", "present")
            parts = []
            for group in order:
                group_sentences = [s for g, s in sentences if g == group]
                if group_sentences:
                    parts.append(rng.choice(HEADINGS[lang][group]) + "\n" + " ".join(group_sentences))
            text = "\n\n".join(parts) + "\n"
        else:
            body = [s for _, s in sentences]
            rng.shuffle(body)
            text = " ".join(body) + "\n"
        # Not every condition a note names is reported (ICD-10-CM guidelines, Section III: additional
        # diagnoses are those that affect the encounter), so some named codes are not in the gold set:
        # this keeps the model from promising certainty that the note's words alone cannot give.
        gold = frozenset(code for code, _, _ in chosen if rng.random() >= UNREPORTED_RATE)
        notes.append(
            SyntheticNote(
                key=f"synthetic-{seed}-{i:06d}",
                language=lang,
                text=text,
                gold=gold,
                mentions=tuple((code, assertion) for code, _, assertion in chosen),
            )
        )
    return notes
