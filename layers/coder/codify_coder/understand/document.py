"""Document understanding: what kind of document a note is, and what kind of section each part is.

A coder reads an operative report differently from a case report: its diagnoses come from the pre- and
postoperative diagnosis, the indications and the findings, never from the description of what was done
or from the risks the patient consented to (issue 8). Both decisions are made here from headers and
phrasing, in English and Spanish, deterministically.

Document types (`Understanding.document_type`):
    operative_report      operative report ("PREOPERATIVE DIAGNOSIS", "brought to the operating room")
    procedure_note        bedside, endoscopic, interventional or delivery procedure ("PROCEDURE NOTE")
    consult               consultation ("REASON FOR CONSULTATION", "thank you for this referral")
    history_and_physical  admission history and physical ("HISTORY AND PHYSICAL", HPI + exam + A/P)
    progress_note         progress or SOAP note ("SUBJECTIVE/OBJECTIVE/ASSESSMENT/PLAN")
    discharge_summary     discharge summary ("HOSPITAL COURSE", "DISCHARGE DIAGNOSES")
    imaging_report        radiology report ("TECHNIQUE", "COMPARISON", "FINDINGS", "IMPRESSION")
    ed_note               emergency department note ("ED COURSE", "seen in the emergency department")
    case_report           published case report narrative ("we present", "caso clínico")
    unknown               none of the above stands out

Section kinds (`Sentence.kind`, `Mention.section_kind`) group the normalized section names of
sentences.py by what they say about the patient's conditions; SECTION_KIND_WEIGHT is the prior the
scorer sees (a diagnosis section names what is coded; a procedure narrative or a consent paragraph
names none).
"""

from __future__ import annotations

import re
from typing import cast

from ..types import DocumentType, SectionKind

# Normalized section name (sentences.py / lexicon.SECTION_HEADERS) -> section kind.
SECTION_KIND = {
    "assessment": "diagnostic",
    "diagnoses": "diagnostic",
    "indications": "diagnostic",
    "findings": "diagnostic",
    "complications": "diagnostic",  # a complication listed under its header happened
    "hpi": "hpi",
    "history": "history",
    "family_history": "family",
    "social_history": "social",
    "ros": "ros",
    "exam": "exam",
    "medications": "medications",
    "allergies": "allergies",
    "plan": "plan",
    "procedure": "procedure_narrative",
    "consent": "consent",
    "instructions": "instructions",
    "results": "results",
    "body": "body",
}
SECTION_KINDS = (
    "diagnostic",
    "hpi",
    "body",
    "results",
    "exam",
    "ros",
    "history",
    "plan",
    "family",
    "social",
    "medications",
    "allergies",
    "procedure_narrative",
    "consent",
    "instructions",
)
# How much a mention's place says that the note diagnoses it (0..1): a fixed, principled prior (the
# order a coder reads a document in), not fitted; the model learns what it is worth.
SECTION_KIND_WEIGHT = {
    "diagnostic": 1.0,
    "hpi": 0.7,
    "body": 0.7,
    "results": 0.6,
    "exam": 0.5,
    "history": 0.5,
    "ros": 0.4,
    "plan": 0.4,
    "family": 0.3,
    "social": 0.3,
    "medications": 0.2,
    "allergies": 0.2,
    "procedure_narrative": 0.1,
    "consent": 0.0,
    "instructions": 0.0,
}


# The fixed prior score.py multiplies a candidate's probability by in a structured document: the
# narrative of what was done, the risks consented to and the instructions for home name conditions the
# encounter does not diagnose (a finding there still reads as one, at three quarters of its probability).
SECTION_PRIOR = {"procedure_narrative": 0.75, "consent": 0.5, "instructions": 0.5}


def section_kind(section: str) -> SectionKind:
    return cast(SectionKind, SECTION_KIND.get(section, "body"))


DOCUMENT_TYPES = (
    "operative_report",
    "procedure_note",
    "consult",
    "history_and_physical",
    "progress_note",
    "discharge_summary",
    "imaging_report",
    "ed_note",
    "case_report",
    "unknown",
)

# (document type, weight, pattern over the lower-case text). A header cue counts once however often it
# appears; the type with the highest total wins when it reaches _MIN_SCORE.
_CUES: tuple[tuple[str, float, str], ...] = (
    # operative / procedure report
    ("operative_report", 3.0, r"\b(?:pre|post)-?\s?op(?:erative)?\.? (?:diagnos[ie]s|dx)\b"),
    ("operative_report", 3.0, r"\bdiagn[oó]stico (?:pre|post)-?(?:operatorio|quir[uú]rgico)\b"),
    ("operative_report", 2.0, r"\b(?:pre|post)-?procedure diagnos[ie]s\b"),
    ("operative_report", 2.0, r"\b(?:procedures?|operations?) performed\s*:"),
    ("operative_report", 2.0, r"\b(?:description|details?) of (?:the )?(?:procedure|operation)\b|\bprocedure in detail\b"),
    ("operative_report", 2.0, r"\b(?:brought|taken|transferred) (?:back )?to the (?:operating|procedure|endoscopy) (?:room|suite)\b"),
    ("operative_report", 1.5, r"\bestimated blood loss\b|\bebl\s*:"),
    ("operative_report", 1.0, r"\bprepped and draped\b|\bsterile fashion\b"),
    ("operative_report", 1.0, r"\bspecimens?\s*:|\bdrains?\s*:|\bcomplications\s*:"),
    ("operative_report", 1.0, r"\banesthesia\s*:"),
    ("operative_report", 2.0, r"\bdescripci[oó]n (?:del procedimiento|de la intervenci[oó]n|quir[uú]rgica)\b|\bprotocolo quir[uú]rgico\b"),
    ("operative_report", 1.5, r"\b(?:se traslada|trasladad[oa]) a quir[oó]fano\b|\bprevia asepsia y antisepsia\b"),
    ("operative_report", 1.0, r"\bnota operatoria\b|\binforme quir[uú]rgico\b"),
    # procedure note (bedside, endoscopic, interventional, delivery)
    ("procedure_note", 3.0, r"\bprocedure note\b|\bdelivery (?:note|summary)\b|\bnota de procedimiento\b|\bnota de parto\b"),
    ("procedure_note", 2.0, r"^\W*procedures?(?: performed)?\s*:"),
    ("procedure_note", 1.0, r"\bindications?\s*:|\bindicaci[oó]n\s*:"),
    ("procedure_note", 1.0, r"\bconsent\s*:|\bconsentimiento\s*:"),
    ("procedure_note", 1.0, (
        r"\b(?:colonoscopy|endoscopy|egd|bronchoscopy|paracentesis|thoracentesis|lumbar puncture|"
        r"injection|cardioversion|catheterization|biopsy|delivery|colonoscopia|endoscopia|gastroscopia|"
        r"broncoscopia|paracentesis|toracocentesis|punci[oó]n lumbar|infiltraci[oó]n|parto)\b"
    )),
    # consult
    ("consult", 3.0, r"\breason for (?:consultation|consult|referral)\b"),
    ("consult", 2.0, r"\b(?:consultation|consult) (?:note|report)\b|\bthank you for (?:this|the) (?:kind )?(?:referral|consult)"),
    ("consult", 2.0, r"\b(?:asked|requested) to (?:see|evaluate)\b|\breferred by\b"),
    ("consult", 2.0, r"\binterconsulta\b|\bhoja de consulta\b|\bmotivo de (?:la )?interconsulta\b"),
    # history and physical
    ("history_and_physical", 3.0, r"\bhistory and physical\b|\bh\s?&\s?p\b|\badmission (?:history|note)\b"),
    ("history_and_physical", 1.0, r"\bchief complaint\s*:"),
    ("history_and_physical", 1.0, r"\bhistory of (?:the )?present illness\s*:"),
    ("history_and_physical", 1.0, r"\bphysical exam(?:ination)?\s*:"),
    ("history_and_physical", 1.0, r"\breview of systems\s*:"),
    ("history_and_physical", 2.0, r"\bhistoria cl[ií]nica de ingreso\b|\bnota de ingreso\b"),
    # progress / SOAP note
    ("progress_note", 3.0, r"\bprogress note\b|\bsoap note\b|\bnota de evoluci[oó]n\b"),
    ("progress_note", 1.5, r"(?:^|\n|[.,]\s*)subjective\s*:"),
    ("progress_note", 1.5, r"(?:^|\n|[.,]\s*)objective\s*:"),
    ("progress_note", 1.5, r"(?:^|\n)\s*s\s*:"),
    ("progress_note", 1.5, r"(?:^|\n)\s*o\s*:"),
    ("progress_note", 1.0, r"\binterval history\b|\bfollow[- ]up visit\b|\breturns? (?:today )?for (?:a )?follow[- ]up\b"),
    # discharge summary
    ("discharge_summary", 3.0, r"\bdischarge summary\b|\binforme de alta\b|\bepicrisis\b"),
    ("discharge_summary", 2.5, r"\bhospital course\b|\bevoluci[oó]n (?:durante el ingreso|en planta)\b"),
    ("discharge_summary", 2.0, r"\bdischarge diagnos[ie]s\b|\bdiagn[oó]sticos? (?:al|de) alta\b"),
    ("discharge_summary", 1.0, r"\bdate of (?:admission|discharge)\b|\bdischarge (?:medications|instructions|condition|disposition)\b"),
    ("discharge_summary", 1.0, r"\bfecha de (?:ingreso|alta)\b|\btratamiento al alta\b"),
    # imaging report
    ("imaging_report", 2.0, r"\btechnique\s*:"),
    ("imaging_report", 2.0, r"\bcomparison\s*:|\bcomparaci[oó]n\s*:"),
    ("imaging_report", 1.0, r"\bfindings\s*:|\bhallazgos\s*:"),
    ("imaging_report", 1.0, r"\bimpression\s*:"),
    ("imaging_report", 2.0, r"\b(?:ct|mri|mra|x-ray|xr|ultrasound|us|pet|cta) (?:of )?(?:the )?(?:abdomen|chest|head|brain|pelvis|spine|neck|[a-z]+)(?: and pelvis)? (?:with|without|w/o?)\b(?: and without)? ?(?:iv )?contrast\b"),
    ("imaging_report", 2.0, r"\bradiology report\b|\binforme radiol[oó]gico\b|\bexam(?:ination)?\s*:\s*(?:ct|mri|x-ray|ultrasound|chest)\b"),
    # ED note
    ("ed_note", 3.0, r"\bed course\b|\bemergency department course\b|\bcurso en urgencias\b"),
    ("ed_note", 1.5, r"\b(?:presents?|presented|came|arrived) to the (?:emergency (?:department|room)|ed|er)\b"),
    ("ed_note", 1.0, r"\btriage\b|\bmedical decision making\b"),
    ("ed_note", 1.0, r"\burgencias\b"),
    # case report (published narrative: CodiEsp)
    ("case_report", 3.0, r"\bcaso cl[ií]nico\b|\bpresentamos (?:el|un) caso\b|\bwe (?:present|report|describe) (?:the |a )?case\b|\bclinical case\b|\bcase report\b"),
    ("case_report", 2.0, r"\b(?:var[oó]n|mujer|paciente) de \d{1,3} a[nñ]os\b|\ba \d{1,3}-year-old\b"),
    # the same in Catalan, Galician and Basque
    ("case_report", 3.0, r"\bcas cl[ií]nic\b|\bpresentem (?:el|un) cas\b|\bpresentamos (?:o|un) caso\b|\bkasu kliniko"),
    ("case_report", 2.0, (
        r"\b(?:home|dona|pacient|var[oó]) de \d{1,3} anys\b|\b(?:home|muller|paciente|var[oó]n) de \d{1,3} anos\b|"
        r"\b\d{1,3} urteko (?:gizon|emakume|gaixo|paziente|haur|neska|mutil)"
    )),
    # the Spanish cues above as Catalan and Galician write them (where the words differ)
    ("operative_report", 3.0, r"\bdiagn[oò]stic (?:pre|post)-?(?:operatori|quir[uú]rgic)\b|\bdiagn[oó]stico (?:pre|post)-?cir[uú]rxico\b"),
    ("operative_report", 2.0, r"\bdescripci[oó] (?:del procediment|de la intervenci[oó])\b|\bprotocol quir[uú]rgic\b|\bdescrici[oó]n (?:do procedemento|da intervenci[oó]n)\b|\bprotocolo cir[uú]rxico\b"),
    ("history_and_physical", 2.0, r"\bhist[oò]ria cl[ií]nica d['’]ingr[eé]s\b|\bnota d['’]ingr[eé]s\b"),
    ("progress_note", 3.0, r"\bnota d['’]evoluci[oó]\b"),
    ("discharge_summary", 3.0, r"\binforme d['’]alta\b|\bepicrisi\b"),
    ("discharge_summary", 2.5, r"\bevoluci[oó] (?:durant l['’]ingr[eé]s|a planta)\b|\bevoluci[oó]n (?:durante o ingreso|na planta)\b"),
    ("discharge_summary", 2.0, r"\bdiagn[oò]stics? (?:a l['’]|de l['’])alta\b|\bdiagn[oó]sticos? (?:[aá]o|da) alta\b"),
    ("discharge_summary", 1.0, r"\bdata d['’](?:ingr[eé]s|alta)\b|\bdata de (?:ingreso|alta)\b|\btractament a l['’]alta\b|\btratamento [aá]o alta\b"),
    ("imaging_report", 1.0, r"\btroballes\s*:|\bachados\s*:"),
    ("imaging_report", 2.0, r"\binforme radiol[oò]gic\b|\binforme radiol[oó]xico\b"),
    ("ed_note", 3.0, r"\bcurs a urg[eè]ncies\b|\bcurso en urxencias\b"),
    ("ed_note", 1.0, r"\burg[eè]ncies\b|\burxencias\b"),
)
# Literal text one of which each cue needs (None: always searched), in _CUES order: a substring test
# spares most regex searches, which matter on a 4 KB note.
_KEYWORDS: tuple[tuple[str, ...] | None, ...] = (
    ('diagnos', 'dx'),
    ('diagn',),
    ('procedure diagnos',),
    ('performed',),
    ('of the procedure', 'of procedure', 'of operation', 'of the operation', 'procedure in detail'),
    ('room', 'suite'),
    ('blood loss', 'ebl'),
    ('prepped', 'sterile fashion'),
    ('specimen', 'drain', 'complications'),
    ('anesthesia',),
    ('descripci', 'protocolo'),
    ('quir', 'antisepsia'),
    ('nota operatoria', 'informe quir'),
    ('procedure note', 'delivery', 'nota de'),
    ('procedure',),
    ('indicac', 'indication'),
    ('consent',),
    ('scopy', 'egd', 'centesis', 'puncture', 'puncion', 'injection', 'infiltraci', 'cardioversion',
     'catheterization', 'biopsy', 'delivery', 'parto'),
    ('reason for',),
    ('consult',),
    ('to see', 'to evaluate', 'referred by'),
    ('consulta',),
    ('history and physical', '&', 'admission'),
    ('chief complaint',),
    ('present illness',),
    ('physical exam',),
    ('review of systems',),
    ('ingreso',),
    ('progress note', 'soap note', 'nota de evoluci'),
    ('subjective',),
    ('objective',),
    (':',),
    (':',),
    ('interval history', 'follow'),
    ('discharge summary', 'informe de alta', 'epicrisis'),
    ('hospital course', 'evoluci'),
    ('discharge diagnos', 'alta'),
    ('date of', 'discharge'),
    ('fecha de', 'al alta'),
    ('technique',),
    ('compara',),
    ('findings', 'hallazgos'),
    ('impression',),
    ('contrast',),
    ('radiology report', 'informe radiol', 'exam'),
    ('course', 'curso'),
    ('emergency', 'the ed', 'the er'),
    ('triage', 'medical decision'),
    ('urgencias',),
    ('caso cl', 'presentamos', 'case'),
    ('años', 'anos', 'year-old'),
    ('cas cl', 'presentem', 'presentamos', 'kasu klinik'),
    ('anys', 'anos', 'urteko'),
    ('diagn',),
    ('descripci', 'protocol', 'descrici'),
    ('ingr',),
    ('evoluci',),
    ('alta', 'epicrisi'),
    ('evoluci',),
    ('alta',),
    ('data d', 'data de', 'alta'),
    ('troballes', 'achados'),
    ('informe radiol',),
    ('curs a urg', 'curso en urx'),
    ('urgencies', 'urgències', 'urxencias'),
)
_COMPILED = tuple(
    (t, w, re.compile(p), k) for (t, w, p), k in zip(_CUES, _KEYWORDS, strict=True)
)
_MIN_SCORE = 2.0


def detect_document_type(text: str) -> DocumentType:
    """The document type whose cues weigh most in `text` (see module docstring), or "unknown"."""
    low = text.lower()
    scores: dict[str, float] = {}
    for dtype, weight, pattern, keywords in _COMPILED:
        if (keywords is None or any(k in low for k in keywords)) and pattern.search(low):
            scores[dtype] = scores.get(dtype, 0.0) + weight
    if not scores:
        return "unknown"
    # ties go to the earlier type of DOCUMENT_TYPES (an operative report that also has an H&P layout)
    best = max(DOCUMENT_TYPES[:-1], key=lambda t: (scores.get(t, 0.0), -DOCUMENT_TYPES.index(t)))
    return cast(DocumentType, best) if scores.get(best, 0.0) >= _MIN_SCORE else "unknown"
