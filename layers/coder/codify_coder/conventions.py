"""ICD-10-CM conventions as data: the tables a coder applies from the Official Guidelines.

Each table maps code *prefixes* (longest match wins) to the code the guideline asks for. Rules.py holds the
logic; this module holds only knowledge, so a coder can review it line by line. Codes are checked
against the terminology at run time: an entry whose target is not in ICD-10-CM FY2026 is ignored, and a
non-billable target is resolved to its unspecified/other leaf.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from .types import DiscardReason

_T = TypeVar("_T")

# Guideline I.C.21.c.4: family history -> Z80-Z84 ("mother had breast cancer" -> Z80.3).
FAMILY_HISTORY: dict[str, str] = {
    "C15": "Z80.0", "C16": "Z80.0", "C17": "Z80.0", "C18": "Z80.0", "C19": "Z80.0", "C20": "Z80.0",
    "C21": "Z80.0", "C22": "Z80.0", "C23": "Z80.0", "C24": "Z80.0", "C25": "Z80.0", "C26": "Z80.0",
    "C33": "Z80.1", "C34": "Z80.1",
    "C30": "Z80.2", "C31": "Z80.2", "C32": "Z80.2", "C37": "Z80.2", "C38": "Z80.2", "C39": "Z80.2",
    "C50": "Z80.3",
    "C51": "Z80.49", "C52": "Z80.49", "C53": "Z80.49", "C54": "Z80.49", "C55": "Z80.49",
    "C56": "Z80.41", "C57": "Z80.49", "C58": "Z80.49", "C60": "Z80.49", "C61": "Z80.42", "C62": "Z80.43",
    "C63": "Z80.49",
    "C64": "Z80.51", "C65": "Z80.59", "C66": "Z80.59", "C67": "Z80.52", "C68": "Z80.59",
    "C91": "Z80.6", "C92": "Z80.6", "C93": "Z80.6", "C94": "Z80.6", "C95": "Z80.6",
    "C81": "Z80.7", "C82": "Z80.7", "C83": "Z80.7", "C84": "Z80.7", "C85": "Z80.7", "C88": "Z80.7",
    "C90": "Z80.7", "C96": "Z80.7",
    "C": "Z80.8",
    "D0": "Z80.8",
    "D12": "Z83.719", "K63.5": "Z83.719",  # colonic polyps, of a kind the note does not say
    "E10": "Z83.3", "E11": "Z83.3", "E13": "Z83.3",
    "E78.0": "Z83.42", "E78": "Z83.438",
    "E": "Z83.49",
    "D5": "Z83.2", "D6": "Z83.2", "D7": "Z83.2", "D8": "Z83.2",
    "F": "Z81.8", "F10": "Z81.1", "F17": "Z81.2", "F11": "Z81.3", "F12": "Z81.3", "F13": "Z81.3",
    "F14": "Z81.3", "F15": "Z81.3", "F16": "Z81.3", "F18": "Z81.3", "F19": "Z81.3", "F7": "Z81.0",
    "F3": "Z81.8",
    "G40": "Z82.0", "G": "Z82.0",
    "H54": "Z82.1", "H90": "Z82.2", "H91": "Z82.2",
    "H40": "Z83.511", "H": "Z83.518",  # eye (H00-H59)
    "H6": "Z83.52", "H7": "Z83.52", "H8": "Z83.52", "H9": "Z83.52",  # ear (H60-H95)
    "I60": "Z82.3", "I61": "Z82.3", "I62": "Z82.3", "I63": "Z82.3", "I64": "Z82.3",
    "I46": "Z82.41", "I": "Z82.49",
    "J41": "Z82.5", "J42": "Z82.5", "J43": "Z82.5", "J44": "Z82.5", "J45": "Z82.5", "J47": "Z82.5",
    "J": "Z83.6",
    "K50": "Z83.79", "K51": "Z83.79", "K": "Z83.79",
    "L": "Z84.0",
    "M05": "Z82.61", "M06": "Z82.61", "M08": "Z82.61", "M1": "Z82.61",  # arthritis (M05-M19)
    "M80": "Z82.62", "M81": "Z82.62",  # osteoporosis
    "M": "Z82.69",
    "N0": "Z84.19", "N1": "Z84.19", "N2": "Z84.19", "N": "Z84.2",
    "Q61": "Z82.71", "Q": "Z82.79",
    "A": "Z83.1", "B": "Z83.1", "B20": "Z83.0",
    # a relative's symptom, injury, death or encounter is no family history of a disease: no code ("")
    "R": "", "S": "", "T": "", "V": "", "W": "", "X": "", "Y": "", "Z": "",
    "": "Z84.89",
}

# Guideline I.B.13 (laterality): the words that state a side next to a condition, folded (no accents,
# lower case), in every language the coder reads.
SIDE_WORDS: dict[str, tuple[str, ...]] = {
    "right": ("right", "rt", "derecho", "derecha", "drch", "dret", "dreta", "dereito", "dereita", "eskuin",
              "eskuineko", "eskuinean"),
    "left": ("left", "lt", "izquierdo", "izquierda", "izq", "izqdo", "izqda", "esquerre", "esquerra", "esquerdo",
             "esquerda", "ezker", "ezkerreko", "ezkerrean"),
    "bilateral": ("bilateral", "bilaterally", "both", "bilaterales", "ambos", "ambas", "ambdos", "ambdues",
                  "biak"),
}
# Guideline I.B.14 / I.C.21.c.3: a BMI is reported (Z68) with the associated diagnosis a provider documents
# (obesity, overweight, underweight, malnutrition), for adults only (Z68.5- children's percentiles are not read).
BMI_WITH_PREFIXES: tuple[str, ...] = ("E66", "E40", "E41", "E42", "E43", "E44", "E45", "E46", "R63.6")
BMI_ADULT_AGE = 20
# A paired organ named in the plural states both sides ("osteoarthritis of the knees", "bilateral" unsaid).
PAIRED_PLURALS: tuple[str, ...] = (
    "knees", "hips", "shoulders", "elbows", "wrists", "ankles", "feet", "hands", "eyes", "ears", "kidneys",
    "lungs", "breasts", "ovaries", "testes", "testicles", "rodillas", "caderas", "hombros", "ojos",
    "oidos", "rinones", "pulmones", "mamas",
)
# Words a sided code may add to the code without a side it replaces: the Index's defaults ("Osteoarthritis,
# knee, bilateral" is M17.0 "Bilateral primary osteoarthritis of knee"; right, M17.11 "Unilateral primary
# osteoarthritis, right knee").
SIDED_DEFAULT_WORDS: tuple[str, ...] = ("unilateral", "primary")
# The eye's own abbreviations (oculus dexter, sinister, uterque): only next to an eye code (H00-H59).
EYE_SIDE_WORDS: dict[str, tuple[str, ...]] = {
    "right": ("od",),
    "left": ("os",),
    "bilateral": ("ou",),
}

# Guideline I.C.21.c.4: personal history -> Z85-Z87 (and I25.2 for an old myocardial infarction).
PERSONAL_HISTORY: dict[str, str] = {
    "I21": "I25.2", "I22": "I25.2",
    "C50": "Z85.3", "C18": "Z85.038", "C19": "Z85.048", "C20": "Z85.048", "C16": "Z85.028",
    "C34": "Z85.118", "C61": "Z85.46", "C67": "Z85.51", "C64": "Z85.528", "C56": "Z85.43",
    "C53": "Z85.41", "C54": "Z85.42", "C73": "Z85.850", "C43": "Z85.820",
    "C91": "Z85.6", "C92": "Z85.6", "C81": "Z85.71", "C82": "Z85.72", "C83": "Z85.72", "C85": "Z85.72",
    "C": "Z85.9",
    "I63": "Z86.73", "G45": "Z86.73", "I26": "Z86.711", "I80": "Z86.718", "I82": "Z86.718",
    "A15": "Z86.11", "A16": "Z86.11",
    "D12": "Z86.010",
    "J18": "Z87.01", "J12": "Z87.01", "J13": "Z87.01", "J14": "Z87.01", "J15": "Z87.01",
    "N39.0": "Z87.440", "N30": "Z87.440", "N20": "Z87.442", "N21": "Z87.442",
    "K25": "Z87.11", "K26": "Z87.11", "K27": "Z87.11",
    "S02": "Z87.81", "S12": "Z87.81", "S22": "Z87.81", "S32": "Z87.81", "S42": "Z87.81", "S52": "Z87.81",
    "S62": "Z87.81", "S72": "Z87.81", "S82": "Z87.81", "S92": "Z87.81",
    "O14": "Z87.59", "O15": "Z87.59",
    # a former smoker: personal history of nicotine dependence (tobacco use is not chronic once stopped)
    "F17": "Z87.891", "Z72.0": "Z87.891",
}
# Statuses that end when the habit does, which CHRONIC_PREFIXES' "Z" would keep present when the note puts
# them in the past: "former tobacco use" is personal history (Index: History, personal, nicotine dependence
# Z87.891), not current Z72.0. (A drug in the history, "h/o DM2 on insulin", is still taken: Z79 stays, unless
# its clause says it was stopped, rules._STOPPED.)
ENDED_HABITS: tuple[str, ...] = ("Z72.0",)
# Only specific history codes: a chapter-wide "personal history of other diseases of the X system" says
# little a coder can use, so a past condition without a specific code is discarded `history_of` instead.

# Chronic conditions: "history of hypertension" means the patient has it, so it is coded as present.
CHRONIC_PREFIXES: tuple[str, ...] = (
    "E10", "E11", "E13", "E03", "E05", "E66", "E78", "I10", "I11", "I12", "I13", "I25", "I48", "I50",
    "I73", "N18", "J44", "J45", "J47", "K70", "K74", "B18", "B20", "M05", "M06", "M15", "M16", "M17",
    "M19", "M81", "G20", "G30", "G35", "G40", "F20", "F31", "F10", "D63", "Z",
    # lasting until treated: hyperuricemia, hiatal hernia, prostatic hyperplasia, hearing loss, chronic
    # pancreatitis, chronic bronchitis and emphysema, polycystic kidney, chronic venous insufficiency
    "E79", "K44", "N40", "H90", "H91", "K86.0", "K86.1", "J41", "J42", "J43", "Q61", "I87.2",
    # lifelong or progressive: heart disease, atherosclerosis, fatty liver, sleep apnea, intellectual
    # disability, cerebral palsy, inflammatory bowel disease
    "I51.9", "I70", "K76.0", "G47.3", "F7", "G80", "K50", "K51",
)
# Guideline I.C.2.d: a malignancy is history (Z85) only once excised or eradicated with no further treatment
# and no evidence of disease; metastases, a recurrence or ongoing treatment named in the same sentence make
# the cancer in the history current. Matched as word beginnings in the sentence, folded.
CURRENT_CANCER_CUES: tuple[str, ...] = (
    "metasta", "en tratamiento", "bajo tratamiento", "under treatment", "currently", "actualmente",
    "en la actualidad", "quimioterapia", "chemotherapy", "hormonoterapia", "hormone therapy",
    "hormonal therapy", "paliativ", "palliative", "recidiv", "recurren", "progresion", "progression",
    "persistent", "persistencia",
    # adjuvant therapy after a resection treats a current cancer (I.C.2.d: "s/p sigmoid colectomy 4 weeks
    # ago ... prior to adjuvant FOLFOX"); "chemo" is how notes shorten chemotherapy
    "adjuvant", "neoadjuvant", "adyuvante", "neoadyuvante", "chemo",
)
# A past condition the note itself calls chronic or long-standing is still present ("history of chronic
# prostatitis"). Matched as words in the mention, folded.
CHRONIC_WORDS: tuple[str, ...] = (
    "chronic", "chronically", "long-standing", "longstanding", "long standing", "cronico", "cronica",
    "cronicos", "cronicas", "de larga evolucion", "de larga data", "de larga duracion",
)

# Guideline I.B.5: signs and symptoms routinely associated with a confirmed diagnosis are not coded.
# symptom prefix -> diagnosis prefixes it is integral to.
# The gastrointestinal codes "with hemorrhage" / "with bleeding": ulcers (K25-K28 .0 .2 .4 .6), gastritis and
# duodenitis (K29.x1), diverticular disease (K57.x1, K57.x3), bleeding varices, angiodysplasia, rectal bleeding.
_BLEEDING_GI: tuple[str, ...] = (
    *(f"K2{k}.{x}" for k in "5678" for x in "0246"),
    *(f"K29.{x}1" for x in "02345679"), "K29.81", "K29.91",
    "K57.01", "K57.11", "K57.13", "K57.21", "K57.31", "K57.33", "K57.41", "K57.51", "K57.53", "K57.81",
    "K57.91", "K57.93",
    "I85.01", "I85.11", "K31.811", "K55.21", "K62.5",
)
_EYE_DISEASES: tuple[str, ...] = ("H25", "H26", "H28", "H33", "H34", "H35", "H40", "H43", "H44", "E08.3", "E09.3",
                                  "E10.3", "E11.3", "E13.3", "G45.3")
INTEGRAL_SYMPTOMS: dict[str, tuple[str, ...]] = {
    "R05": ("J0", "J1", "J2", "J4", "A15", "U07.1", "J81", "J84"),
    "R50": ("A", "B", "J0", "J1", "J2", "N10", "N30", "N39.0", "K35", "K65", "L03", "U07.1", "M86"),
    "R06.0": ("J1", "J4", "J8", "I50", "I26", "J9", "U07.1"),
    "R06.2": ("J44", "J45"),
    "R07": ("I20", "I21", "I24", "I26", "I30"),
    "R10": ("K35", "K80", "K81", "K85", "K56", "N20", "N23", "K25", "K26", "K29", "K57", "K50", "K51"),
    "R11": ("K29", "K52", "A09", "K56", "K85"),
    "R31": ("N20", "N21", "C67", "N30", "N02", "C64"),
    "N23": ("N20", "N21"),
    "R30": ("N30", "N39.0"),
    "R35": ("E10", "E11", "N40"),
    "R51": ("G43", "G44"),
    "R60": ("I50", "N04"),
    "R63.4": ("C",),
    "R59": ("C81", "C82", "C83", "C84", "C85"),
    "R53": ("C", "D6", "D5"),
    "R52": ("C",),
    "R19.7": ("A09", "K52", "A04"),
    "R21": ("B0", "L"),
    "R09.02": ("J9",),
    "R73": ("E10", "E11", "E13"),
    "R80": ("N04", "N18", "E11.2", "E10.2"),
    # a slow or fast rate is the arrhythmia's own sign: sick sinus syndrome, AV block; SVT, AFib/flutter
    "R00.1": ("I49.5", "I44.1", "I44.2"),
    "R00.0": ("I47", "I48", "I49.0"),
    # melena and hematemesis are the hemorrhage a bleeding lesion's code already says (K92.2 "GI hemorrhage"
    # yields to it through its Excludes1, "with ulcer - code to ulcer")
    "K92.0": _BLEEDING_GI, "K92.1": _BLEEDING_GI,
    # decreased or blurred vision is what a cataract, a retinal or macular disease, glaucoma or a vitreous
    # disorder does to sight; transient monocular loss is amaurosis fugax's own sign
    "H54": _EYE_DISEASES, "H53.8": _EYE_DISEASES, "H53.9": _EYE_DISEASES,
    # delirium (R41.0 "Delirium NOS") is the substance delirium's own sign
    "R41.0": ("F05", "F10.121", "F10.221", "F10.231", "F10.921", "F13.231", "F13.921", "F19.231", "F19.921"),
}

# Index: Pneumonia, in (due to) the organism (B95-B96 "as the cause of diseases classified elsewhere" ->
# the pneumonia's own code), pneumococcus first: its sepsis code A40.3 also makes J13 below
PNEUMONIA_BY_ORGANISM: dict[str, str] = {
    "B95.3": "J13", "B96.3": "J14", "B96.1": "J15.0", "B96.5": "J15.1", "B95.61": "J15.211", "B95.62": "J15.212",
    "B96.2": "J15.5", "B95.1": "J15.3", "B96.0": "J15.7",
}

# The "with" convention (Guideline I.A.15): conditions linked by "with" take a combination code even when
# the note does not state the link (diabetes + CKD, hypertension + heart failure or CKD).
# (required prefixes, combination code, prefixes the combination replaces)
# Coronary atherosclerosis of a native artery with each kind of angina (Guideline I.C.9.b, below)
CAD_WITH_ANGINA: dict[str, str] = {"I20.0": "I25.110", "I20.1": "I25.111", "I20.89": "I25.118", "I20.9": "I25.119"}
# The chronic (J32.0-J32.3) and acute (J01.00-J01.30, not recurrent) sinusitis of one named sinus.
_CHRONIC_SINUSES = ("J32.0", "J32.1", "J32.2", "J32.3")
_ACUTE_SINUSES = ("J01.00", "J01.10", "J01.20", "J01.30")
COMBINATIONS: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = (
    (("I10", "I50", "N18.5"), "I13.2", ("I10", "I11", "I12")),
    (("I10", "I50", "N18.6"), "I13.2", ("I10", "I11", "I12")),
    (("I10", "I50", "N18"), "I13.0", ("I10", "I11", "I12")),
    (("I10", "N18.5"), "I12.0", ("I10",)),
    (("I10", "N18.6"), "I12.0", ("I10",)),
    (("I10", "N18"), "I12.9", ("I10",)),
    (("I10", "I50"), "I11.0", ("I10",)),
    # the note names hypertensive heart disease or hypertensive CKD itself (Guideline I.C.9.a.1-3)
    (("I11", "I50", "N18.5"), "I13.2", ("I10", "I11", "I12")),
    (("I11", "I50", "N18.6"), "I13.2", ("I10", "I11", "I12")),
    (("I11", "I50", "N18"), "I13.0", ("I10", "I11", "I12")),
    (("I11.0", "N18.5"), "I13.2", ("I10", "I11", "I12")),
    (("I11.0", "N18.6"), "I13.2", ("I10", "I11", "I12")),
    (("I11.0", "N18"), "I13.0", ("I10", "I11", "I12")),
    (("I11", "N18.5"), "I13.11", ("I10", "I11", "I12")),
    (("I11", "N18.6"), "I13.11", ("I10", "I11", "I12")),
    (("I11", "N18"), "I13.10", ("I10", "I11", "I12")),
    (("I12.0", "I50"), "I13.2", ("I10", "I12")),
    (("I12.9", "I50"), "I13.0", ("I10", "I12")),
    (("I11.9", "I50"), "I11.0", ("I10", "I11.9")),
    (("E11", "N18"), "E11.22", ("E11.9", "E11.8", "E11.2")),
    # Index: Diabetes, with peripheral angiopathy (PVD) E11.51, with gangrene E11.52 (the angiopathy and the
    # gangrene are in the code), with foot ulcer E11.621 (+ L97.4-/L97.5- for the site), with gastroparesis
    # E11.43 (+ K31.84)
    (("E11", "I73.9", "I96"), "E11.52", ("E11.9", "E11.5", "I73.9", "I96")),
    (("E11", "I96"), "E11.52", ("E11.9", "E11.5", "I96")),
    (("E11", "I73.9"), "E11.51", ("E11.9", "I73.9")),
    (("E11", "L97.4"), "E11.621", ("E11.9",)),
    (("E11", "L97.5"), "E11.621", ("E11.9",)),
    (("E11", "K31.84"), "E11.43", ("E11.9",)),
    (("E10", "I73.9", "I96"), "E10.52", ("E10.9", "E10.5", "I73.9", "I96")),
    (("E10", "I96"), "E10.52", ("E10.9", "E10.5", "I96")),
    (("E10", "I73.9"), "E10.51", ("E10.9", "I73.9")),
    (("E10", "L97.4"), "E10.621", ("E10.9",)),
    (("E10", "L97.5"), "E10.621", ("E10.9",)),
    (("E10", "K31.84"), "E10.43", ("E10.9",)),
    (("E10", "N18"), "E10.22", ("E10.9", "E10.8", "E10.2")),
    (("E11", "G62.9"), "E11.42", ("E11.9", "E11.40", "G62.9")),  # the polyneuropathy is in the code
    (("E11", "H35.0"), "E11.319", ("E11.9", "E11.3", "H35.0")),
    (("E11", "R73.9"), "E11.65", ("E11.9", "R73.9")),
    (("E11", "E11.649"), "E11.649", ()),
    (("J44", "J18"), "J44.0", ("J44.9",)),
    (("J44", "J20"), "J44.0", ("J44.9",)),
    # Index: Sepsis, due to / Pneumonia, in (due to) the organism: its own code, not the unspecified one plus
    # B95-B96 (sepsis first: it keeps the organism code, which another infection's code may still need)
    (("A41.9", "B96.2"), "A41.51", ("A41.9",)),
    (("A41.9", "B95.61"), "A41.01", ("A41.9",)),
    (("A41.9", "B95.62"), "A41.02", ("A41.9",)),
    (("A41.9", "B95.3"), "A40.3", ("A41.9",)),
    (("A41.9", "B96.5"), "A41.52", ("A41.9",)),
    *((("J18", organism), pneumonia, ("J18", organism)) for organism, pneumonia in PNEUMONIA_BY_ORGANISM.items()),
    (("J18", "A40.3"), "J13", ("J18",)),
    # Guideline I.C.9.b: coronary atherosclerosis with angina is one code, the link presumed (Index:
    # Arteriosclerosis, coronary, native vessel, with angina pectoris: unstable I25.110, with documented spasm
    # I25.111, other forms (stable) I25.118, unspecified I25.119); the angina code is not reported with it
    # (and the unspecified angina a "with angina" phrase made, when the angina's kind is coded beside it)
    *(((cad, angina), combined, (cad, "I20")) for cad in ("I25.10", "I25.119")
      for angina, combined in CAD_WITH_ANGINA.items() if combined != cad),
    # Index: Varix, esophagus, in (due to) cirrhosis of liver, portal hypertension: secondary esophageal varices
    # I85.1- (bleeding I85.11), the liver disease coded first and kept
    *(((varix, liver), secondary, (varix,)) for varix, secondary in (("I85.00", "I85.10"), ("I85.01", "I85.11"))
      for liver in ("K70.3", "K70.4", "K74.6", "K76.6")),
    # Index: Sinusitis, chronic, involving more than one sinus but not pansinusitis J32.8 (acute: J01.80)
    *(((a, b), "J32.8", (a, b)) for i, a in enumerate(_CHRONIC_SINUSES) for b in _CHRONIC_SINUSES[i + 1:]),
    *(((a, b), "J01.80", (a, b)) for i, a in enumerate(_ACUTE_SINUSES) for b in _ACUTE_SINUSES[i + 1:]),
    # Index: Cholecystitis, with calculus (cholelithiasis), acute K80.00, chronic K80.10 (K81 Excludes1 K80)
    (("K81.0", "K80.2"), "K80.00", ("K81.0", "K80.2")),
    (("K81.1", "K80.2"), "K80.10", ("K81.1", "K80.2")),
    (("K81.2", "K80.2"), "K80.12", ("K81.2", "K80.2")),
    # Index: Hydronephrosis, with renal or ureteral calculus N13.2 (N20 Excludes1 it: "calculus with
    # hydronephrosis"); a hydroureter beside a ureteral stone is the same obstruction
    (("N20", "N13.3", "N13.4"), "N13.2", ("N20", "N13.3", "N13.4")),
    (("N20", "N13.3"), "N13.2", ("N20", "N13.3")),
    (("N20", "N13.4"), "N13.2", ("N20", "N13.4")),
    # Index: Obstruction, intestine, with adhesions K56.5- (partial K56.51, complete K56.52); K66.0 Excludes1 it
    (("K66.0", "K56.600"), "K56.51", ("K66.0", "K56.600")),
    (("K66.0", "K56.690"), "K56.51", ("K66.0", "K56.690")),
    (("K66.0", "K56.601"), "K56.52", ("K66.0", "K56.601")),
    (("K66.0", "K56.691"), "K56.52", ("K66.0", "K56.691")),
    (("K66.0", "K56.6"), "K56.50", ("K66.0", "K56.6")),
)
# Index: Radiculopathy, due to disc displacement - see Disorder, disc, with radiculopathy: a radiculopathy
# whose own phrase names the disc ("L4-L5 herniated nucleus pulposus with L5 radiculopathy") is the disc
# disorder's combination code, by region. Disc words matched in the mention, folded.
DISC_RADICULOPATHY: dict[str, str] = {"M54.14": "M51.14", "M54.15": "M51.15", "M54.16": "M51.16",
                                      "M54.17": "M51.17"}
DISC_WORDS: tuple[str, ...] = ("disc", "disk", "discal", "nucleus pulposus", "hnp", "herniat", "protrusion",
                               "extrusion", "hernia discal", "hernia de disco")

# Status after a procedure (Z95.1 aortocoronary bypass graft, Z95.5 coronary stent): coded when the note says
# the procedure was done before this encounter ("CAD s/p CABG x3", "PCI with stent to the LAD in 2019"), never
# for one done now. (procedure pattern, code), matched in a folded English sentence with a past cue.
STATUS_AFTER: tuple[tuple[str, str], ...] = (
    (r"\bcabg\b|\bcoronary artery bypass|\baortocoronary bypass|\bbypass graft(?:ing|s)?\b", "Z95.1"),
    ((r"\bstents?\b[^.;]{0,40}\b(?:lad|rca|lcx|circumflex|coronary|diagonal|obtuse marginal|om\d?)\b|"
      r"\b(?:lad|rca|lcx|circumflex|coronary|drug-eluting|des)\b[^.;]{0,40}\bstents?\b"), "Z95.5"),
)
STATUS_PAST_CUES = (r"\bs/p\b|\bstatus post\b|\bhistory of\b|\bh/o\b|\bprior\b|\bprevious(?:ly)?\b|\bremote\b|"
                    r"\bin (?:19|20)\d\d\b|\b\d+ (?:years?|months?) ago\b|\bunderwent\b")

# Alphabetic Index entries whose words no FY2026 title carries, as US notes write them: a final code of these
# prefixes whose phrase says the words becomes the Index's code (then the laterality and specificity stages
# refine it). (prefixes of the code the model proposed, pattern over the folded phrase, the Index's code)
INDEX_TERMS: tuple[tuple[tuple[str, ...], str, str], ...] = (
    # Anemia, blood loss, acute D62 (the title says "Acute posthemorrhagic anemia")
    (("D64.9", "D50.0", "D50.9"), r"\bacute blood[- ]loss\b|\bblood[- ]loss anemia\b[^.;]{0,20}\bacute\b|\babla\b",
     "D62"),
    # Cataract, senile, nuclear (sclerosis) H25.1- (the titles say "Age-related nuclear cataract")
    (("H26.9", "H25.9", "H25.8"), r"\bnuclear scleros|\bnuclear sclerotic\b|\bnuclear cataract", "H25.10"),
    # Prediabetes R73.03 (the model reads "pre-DM" as diabetes)
    (("E11.9", "E11.8", "E13.9", "R73.09", "R73.9"), r"\bpre-?dm\b|\bpre-?diabet", "R73.03"),
    # Delirium, alcoholic (acute) (tremens) (withdrawal) F10.231
    (("F05",), r"\balcohol(?:ic)?(?: withdrawal)? delirium\b|\bdelirium tremens\b|\bwithdrawal delirium\b", "F10.231"),
    # Coagulopathy, due to drugs: anticoagulant D68.32 (hemorrhagic disorder due to extrinsic anticoagulants)
    (("D68.9", "D68.4", "D68.8"), (r"\b(?:warfarin|coumadin|anticoagula\w*|heparin|apixaban|eliquis|rivaroxaban|"
                                  r"xarelto|dabigatran|enoxaparin)\b"), "D68.32"),
    # Anemia, in (due to) (with) chronic kidney disease D63.1 (the model reads "anemia of CKD" as D63.8 "... in
    # other chronic diseases")
    (("D63.8", "D64.9", "D63.0"), (r"\banemia (?:of|in|due to|secondary to|from|associated with) (?:\w+ )?"
                                  r"(?:chronic kidney|chronic renal|ckd|esrd|end[- ]stage renal)|\brenal anemia\b"), "D63.1"),
    # Hyperplasia, prostate, with lower urinary tract symptoms (LUTS) N40.1: the phrase names one of them
    # ("BPH with nocturia", "enlarged prostate with urinary retention"; "with LUTS", the title's words, is the
    # stated_with stage's)
    (("N40.0",), (r"\b(?:nocturia|urinary frequency|frequency|urgency|hesitancy|"
                  r"weak (?:urinary )?stream|incomplete (?:bladder )?emptying|urinary retention|retention|"
                  r"obstruct\w*|straining|dribbling|intermittency|boo)\b"), "N40.1"),
    # Lipoma, skin and subcutaneous tissue, trunk D17.1 (back, chest wall, abdominal wall, flank, shoulder girdle
    # are the trunk's; the model stops at D17.9 "of unspecified site")
    (("D17.9", "D17.30"), r"\b(?:back|trunk|chest wall|abdominal wall|flank|torso|scapula\w*|interscapular|paraspinal)\b",
     "D17.1"),
)

# The regions the titles use for a site a note names (English anatomy): cellulitis "of the left foot" is
# L03.116 "Cellulitis of left lower limb", gout "of the right first MTP" M10.071 "..., right ankle and foot".
# (a site word's stem -> the region words its titles may use)
SITE_REGIONS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("foot", "feet", "toe", "heel", "plantar", "metatarsal", "metatarsophalangeal", "mtp",
                     "hallux", "calcane", "forefoot", "midfoot", "hindfoot"), ("foot", "ankle", "lower limb")),
    "ankl": ("ankle", "foot", "lower limb"),
    **dict.fromkeys(("calf", "shin", "tibial", "pretibial"), ("lower leg", "leg", "lower limb")),
    **dict.fromkeys(("leg", "thigh", "kne", "knee"), ("lower limb",)),
    **dict.fromkeys(("finger", "thumb", "palm", "palmar", "metacarpal", "hand"), ("hand", "upper limb")),
    **dict.fromkeys(("wrist", "forearm", "elbow", "arm"), ("upper limb",)),
}

# A title "with X" whose "without X" sibling is the Index's default: the code "with X" only when the phrase says
# X (a laceration "with foreign body" needs the foreign body named). (X, the words that name it, folded)
WITH_ONLY_WHEN_SAID: dict[str, tuple[str, ...]] = {
    "foreign body": ("foreign body", "foreign bodies", "fb", "glass", "splinter", "gravel", "debris", "fragment",
                     "metal", "wood", "embedded"),
}

# Guideline I.C.19.e.5: a drug taken as prescribed that causes a condition the note codes is an adverse effect
# (the condition, then T36-T50 with 5th/6th character 5), and a drug the patient took less of than prescribed,
# whose condition then worsened, is underdosing (character 6, with Z91.12-/Z91.14- for the noncompliance).
# The Table of Drugs and Chemicals by class: (adverse-effect code without its 7th character, the words a US
# note uses for the drug, folded: generic names, common brands, the class). Underdosing is the same code with
# 6 where the adverse effect has 5 (T38.0X5 -> T38.0X6, T36.95X -> T36.96X). Poisoning (an overdose, a wrong
# drug) is left to the model and the coder: the rule does not code it.
DRUG_EFFECTS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("T38.0X5", ("steroid", "steroids", "corticosteroid", "corticosteroids", "glucocorticoid", "glucocorticoids",
                 "prednisone", "prednisolone", "methylprednisolone", "solu-medrol", "medrol", "dexamethasone",
                 "decadron", "hydrocortisone")),
    ("T38.3X5", ("insulin", "glargine", "lantus", "lispro", "humalog", "aspart", "novolog", "detemir", "degludec",
                 "metformin", "glipizide", "glyburide", "glimepiride", "sulfonylurea", "sulfonylureas")),
    ("T38.1X5", ("levothyroxine", "synthroid", "thyroid hormone")),
    ("T38.6X5", ("tamoxifen", "anastrozole", "letrozole", "exemestane", "aromatase inhibitor",
                 "aromatase inhibitors")),
    ("T39.015", ("aspirin", "asa")),
    ("T39.1X5", ("acetaminophen", "tylenol")),
    ("T39.315", ("ibuprofen", "motrin", "advil", "naproxen", "aleve", "naprosyn", "ketoprofen")),
    ("T39.395", ("nsaid", "nsaids", "ketorolac", "toradol", "diclofenac", "meloxicam", "indomethacin",
                 "celecoxib", "nabumetone", "anti-inflammatory", "anti-inflammatories")),
    ("T40.2X5", ("opioid", "opioids", "opiate", "opiates", "narcotic", "narcotics", "oxycodone", "percocet",
                 "hydrocodone", "norco", "vicodin", "morphine", "hydromorphone", "dilaudid", "codeine")),
    ("T40.415", ("fentanyl",)),
    ("T40.425", ("tramadol", "ultram")),
    ("T42.4X5", ("benzodiazepine", "benzodiazepines", "lorazepam", "ativan", "alprazolam", "xanax", "diazepam",
                 "valium", "clonazepam", "klonopin")),
    ("T42.0X5", ("phenytoin", "dilantin")),
    ("T42.6X5", ("levetiracetam", "keppra", "lamotrigine", "lamictal", "valproate", "valproic acid",
                 "depakote", "lacosamide", "antiepileptic", "antiepileptics", "anticonvulsant",
                 "anticonvulsants")),
    ("T43.225", ("sertraline", "zoloft", "fluoxetine", "prozac", "citalopram", "escitalopram", "lexapro",
                 "paroxetine", "ssri", "ssris")),
    ("T44.7X5", ("beta blocker", "beta-blocker", "beta blockers", "beta-blockers", "metoprolol", "atenolol",
                 "carvedilol", "propranolol", "labetalol", "bisoprolol")),
    ("T45.1X5", ("chemotherapy", "chemo", "antineoplastic", "cisplatin", "carboplatin", "oxaliplatin",
                 "doxorubicin", "paclitaxel", "docetaxel", "fluorouracil", "5-fu", "capecitabine", "gemcitabine",
                 "cyclophosphamide", "methotrexate", "tacrolimus", "cyclosporine", "mycophenolate")),
    ("T45.515", ("anticoagulant", "anticoagulants", "anticoagulation", "warfarin", "coumadin", "heparin",
                 "enoxaparin", "lovenox", "apixaban", "eliquis", "rivaroxaban", "xarelto", "dabigatran",
                 "pradaxa", "edoxaban", "doac", "noac")),
    ("T45.525", ("clopidogrel", "plavix", "ticagrelor", "brilinta", "prasugrel", "antiplatelet",
                 "antiplatelets")),
    ("T46.0X5", ("digoxin", "digitalis")),
    ("T46.1X5", ("amlodipine", "norvasc", "diltiazem", "verapamil", "nifedipine", "calcium channel blocker",
                 "calcium-channel blocker")),
    ("T46.2X5", ("amiodarone", "sotalol", "flecainide", "antiarrhythmic", "antiarrhythmics")),
    ("T46.4X5", ("lisinopril", "enalapril", "ramipril", "benazepril", "captopril", "ace inhibitor",
                 "ace inhibitors", "ace-inhibitor", "acei")),
    ("T46.5X5", ("losartan", "valsartan", "irbesartan", "olmesartan", "hydralazine", "clonidine", "arb")),
    ("T46.6X5", ("statin", "statins", "atorvastatin", "lipitor", "simvastatin", "rosuvastatin", "crestor",
                 "pravastatin")),
    ("T47.3X5", ("lactulose",)),
    ("T50.0X5", ("spironolactone", "eplerenone")),
    ("T50.1X5", ("furosemide", "lasix", "bumetanide", "bumex", "torsemide", "loop diuretic", "loop diuretics")),
    ("T50.2X5", ("hydrochlorothiazide", "hctz", "chlorthalidone", "thiazide", "thiazides")),
    ("T36.0X5", ("penicillin", "amoxicillin", "augmentin", "ampicillin", "piperacillin", "zosyn")),
    ("T36.1X5", ("cephalexin", "keflex", "cefazolin", "ceftriaxone", "cefepime", "cefdinir", "cephalosporin",
                 "cephalosporins")),
    ("T37.0X5", ("bactrim", "sulfamethoxazole", "trimethoprim-sulfamethoxazole", "tmp-smx")),
    ("T36.8X5", ("vancomycin", "clindamycin", "ciprofloxacin", "levofloxacin", "fluoroquinolone",
                 "fluoroquinolones")),
    ("T36.95X", ("antibiotic", "antibiotics")),
)
# What ties the drug to the condition, in the sentence that codes both. Adverse effect: before the drug
# ("hyperglycemia secondary to prednisone", "attributed to the corticosteroids") or after it ("steroid-induced",
# "digoxin toxicity"); underdosing: before ("ran out of furosemide", "rationing insulin") or after ("lactulose
# nonadherence"). Up to three filler words ("the", "his", "daily", "use of") may stand between cue and drug.
DRUG_FILLER = r"(?:(?:the|his|her|their|its|chronic|recent|daily|home|high[- ]dose|prolonged|long[- ]term|ongoing|use of|intake of|therapy with|treatment with|doses? of)\s+){0,3}"
ADVERSE_BEFORE = (r"\b(?:secondary to|due to|related to|caused by|induced by|attributed to|attributable to|from|"
                  r"adverse (?:effects?|reactions?) (?:of|to|from)|side effects? (?:of|from))\s+")
ADVERSE_AFTER = r"(?:[- ]?(?:induced|related|associated)\b| toxicity\b|[^.;]{0,30}\bcontribut(?:ing|ed|or) to\b)"
UNDERDOSING_BEFORE = (r"\b(?:ran out of|run out of|running out of|out of (?:his|her|their)|rationing|rationed|"
                      r"missed (?:doses? of|taking)|skipping|skipped|(?:unable to|could not|couldn't|cannot|can't) "
                      r"afford|non-?complian(?:t|ce) with|non-?adheren(?:t|ce) (?:to|with)|underdosing of|"
                      r"self[- ]discontinued)\s+")
UNDERDOSING_AFTER = r"(?:[- ](?:non-?adherence|non-?compliance|underdosing)\b|[^.;]{0,30}\(ran out\b)"
# A sentence that opens with one of these continues the one before it ("DKA. Precipitated by insulin
# underdosing due to cost."): it ties its drug to the conditions of that sentence.
DRUG_LINK_CONTINUES = r"^\W*(?:precipitated by|secondary to|due to|caused by|attributed to|likely from|from)\b"
# A class word ("NSAID", "opioid", "antibiotic") names the drug a coder reports by its class in the Table of
# Drugs when the note names no more; when the note names one drug of a narrower class of that family elsewhere
# ("ibuprofen 800 mg t.i.d."), that class is the one reported. (class word's code -> the narrower codes)
DRUG_CLASS_WORDS: frozenset[str] = frozenset({
    "nsaid", "nsaids", "anti-inflammatory", "anti-inflammatories", "opioid", "opioids", "opiate", "opiates",
    "narcotic", "narcotics", "antibiotic", "antibiotics"})
DRUG_CLASS_NARROWED: dict[str, tuple[str, ...]] = {
    "T39.395": ("T39.315",),  # not aspirin: a low dose for the heart is not what a note calls its "NSAID"
    "T40.2X5": ("T40.415", "T40.425"),
    "T36.95X": ("T36.0X5", "T36.1X5", "T37.0X5", "T36.8X5"),
}
# A sentence about an overdose, an ingestion or a wrong drug is a poisoning, not an adverse effect; a cue
# negated or doubted ("not felt to be steroid-induced", "rule out") states no link.
DRUG_POISONING = r"\b(?:overdose\w*|ingest\w*|suicid\w*|poison\w*|took (?:extra|too many|several|a handful))"
DRUG_LINK_DOUBTED = r"\b(?:no|not|denies|without|unlikely|rather than|ruled out|rule out|r/o|versus|vs)\W+(?:\w+\W+){0,3}$"
# Z91.120: the underdosing was the patient's choice because of cost (I.C.19.e.5.c).
UNDERDOSING_COST = r"\b(?:cost|costs|afford\w*|financial\w*|insurance|copay\w*|expensive)\b"

# Index: Smoker - see Dependence, drug, nicotine: a patient the note says smokes now is F17.21- (cigarettes, the
# default of a US note's "smoker", "1 ppd"), F17.29- for cigars, a pipe or an electronic cigarette, F17.22- for
# chewing tobacco. Patterns over a folded English sentence; one that names a former, quit or denied habit, a
# relative's smoking or cannabis alone states no current tobacco use.
CURRENT_SMOKER = (
    r"\bcurrent(?:ly)?(?: every ?day| daily| heavy| active)? (?:a )?(?:cigarette |tobacco )?smok(?:er|es|ing)\b|"
    r"\bactive (?:cigarette |tobacco )?smoker\b|\b(?:cigarette|tobacco) smoker\b|\b(?:is|a) (?:heavy |daily )?smoker\b|"
    r"\b(?:continues to|still) smoke|\bsmokes (?:about |approximately |roughly |~)?(?:\d|one|two|half|a pack|a half|"
    r"1/2|cigar|a pipe|pipe|\w+ cigarettes)|\b\d+(?:\.\d+)? ?ppd\b|"
    r"\b(?:\d|one|two|half|1/2)[\w/ .-]{0,8}packs? (?:of cigarettes )?(?:per|a|/|each) ?day\b|"
    r"\b\d+ cigarettes (?:per|a|/|each) ?day\b"
)
NOT_CURRENT_SMOKER = (
    r"\b(?:former|ex-?smoker|never|non-?smoker|no longer|used to|denies|previously|remote)\b|"
    r"\bquit(?: smoking)? (?:in|at|about|over|\d|one|two|three|four|five|ten|several|many|\w+ (?:years|months) ago)\b|"
    r"\b(?:grandmother|grandfather|mother|father|husband|wife|partner|parents?|brother|sister|son|daughter|"
    r"roommate|spouse)\b"
)
SMOKED_PRODUCTS: tuple[tuple[str, str], ...] = (
    (r"\bcigars?\b|\bpipe\b|\bvap(?:e|es|ing)\b|\be-?cig|\belectronic cigarette", "F17.290"),
    (r"\bchew(?:ing|s)? tobacco\b|\bsnuff\b|\bdip\b", "F17.220"),
)

# Index: Obstruction, intestine, due to hernia - see Hernia, by site, with obstruction: an intestinal
# obstruction code (prefix) is not reported beside a final code of these categories whose title says
# "with obstruction" (an incarcerated incisional hernia with a partial small bowel obstruction is K43.0).
INCLUDED_WITH: tuple[tuple[str, tuple[str, str], str], ...] = (
    ("K56.6", ("K40", "K46"), "with obstruction"),
)


def lookup(table: dict[str, _T], code: str) -> _T | None:
    """Longest prefix of `code` present in `table`."""
    for n in range(len(code), -1, -1):
        hit = table.get(code[:n])
        if hit is not None:
            return hit
    return None


# A substance use disorder in remission (Guideline I.C.5.b.1, DSM-5's early/sustained remission): words of the
# mention's sentence, folded. "Stopped drinking" and "quit drinking" say it of alcohol; "quit smoking" is a
# former smoker (personal history), which the history rules code, and is not listed.
REMISSION_CUES: tuple[str, ...] = (
    "in remission", "in early remission", "in sustained remission", "in full remission", "in partial remission",
    "sober", "sobriety", "abstinent", "stopped drinking", "quit drinking", "no alcohol since",
    "has not used", "has not had a drink", "clean and sober", "en remision",
)


# Excludes1 notes the source package lacks (simple-icd-10-cm has none on R03): the code's own title rules the
# other out. "Elevated blood-pressure reading, without diagnosis of hypertension" (R03.0) with hypertension
# coded; "Nonspecific low blood-pressure reading" (R03.1) with hypotension coded. (code prefix -> the prefixes
# of the codes that exclude it)
TITLE_EXCLUDES: dict[str, tuple[str, ...]] = {
    "R03.0": ("I10", "I11", "I12", "I13", "I15", "I16", "I1A", "O10", "O11", "O13", "O14", "O16"),
    "R03.1": ("I95",),
}


def lookup_prefix(table: dict, code: str):
    """The entry of the longest prefix of `code` in `table`, None when no prefix is listed."""
    for n in range(len(code), 0, -1):
        hit = table.get(code[:n])
        if hit is not None:
            return hit
    return None


def has_prefix(code: str, prefixes: tuple[str, ...]) -> bool:
    return any(code.startswith(p) for p in prefixes)

# Guideline I.C.21.c.3: Z79 (long-term drug therapy) is for continuous use of a prescribed drug, not a
# course given for a brief period; the note must say so. Cues are matched as words in the mention's
# sentence, folded (no accents, lower case).
LONG_TERM_PREFIXES: tuple[str, ...] = ("Z79",)
LONG_TERM_CUES: tuple[str, ...] = (
    "long-term", "long term", "longterm", "chronic", "chronically", "maintenance", "usual", "habitual",
    "habitually", "regular", "regularly", "daily", "at home", "home medication", "for years", "since",
    "lifelong", "permanent", "indefinitely",
    "cronico", "cronica", "cronicos", "cronicas", "habitualmente", "mantenimiento", "domiciliario",
    "domiciliaria", "de base", "desde hace", "diario", "diaria", "de forma continuada", "permanente",
    "indefinida", "indefinidamente", "de por vida", "annos",
)

# Guideline I.C.4.a.3: a diabetic's insulin, oral hypoglycemic or injectable non-insulin antidiabetic drug is
# its long-term treatment (Z79.4, Z79.84, Z79.85) without the note saying "long-term": the fact holds when the
# note codes diabetes (E08-E13), unless the drug's clause makes it temporary (a correction scale, insulin while
# inpatient or on steroids). Matched as words in the clause, folded.
DIABETES_DRUG_PREFIXES: tuple[str, ...] = ("Z79.4", "Z79.84", "Z79.85")
TEMPORARY_DIABETES_DRUG_CUES: tuple[str, ...] = (
    "sliding scale", "correction", "correctional", "while inpatient", "while in hospital", "while admitted",
    "during admission", "during hospitalization", "while on steroids", "temporarily", "temporary",
    "escala movil", "pauta de rescate", "durante el ingreso", "transitoria", "transitoriamente",
)

# Guideline I.C.2.e.2 / I.C.21.c.12: Z51.0 and Z51.1- are for an encounter solely to receive radiotherapy,
# chemotherapy or immunotherapy; a case that mentions the treatment it received is not such an encounter.
ENCOUNTER_PREFIXES: tuple[str, ...] = ("Z51.0", "Z51.1")
ENCOUNTER_CUES: tuple[str, ...] = (
    "encounter for", "admitted for", "admitted to receive", "admission for", "comes for", "came for",
    "presents for", "presented for", "scheduled for", "to receive", "ingresa para", "ingreso para",
    "ingresado para", "ingresada para", "acude para", "acudio para", "para recibir", "para administrar",
    "programado para", "programada para", "citado para", "citada para",
)

# Guideline I.C.20.b/c/k: Y92.9, Y93.9 and Y99.9 are not assigned when the place, activity or status is
# not stated; a vague word ("activity", "place") is not a statement.
NOT_ASSIGNED: tuple[str, ...] = ("Y92.9", "Y93.9", "Y99.9")
# Place, activity and status codes (Y92, Y93, Y99) only accompany an external cause code (V00-Y38) of the
# same note (Guideline I.C.20.b/c/k): "prothrombin activity" is no activity code.
WITH_EXTERNAL_CAUSE: tuple[str, ...] = ("Y92", "Y93", "Y99")
# Y83/Y84 (a procedure as the cause of an abnormal reaction or later complication) accompany the
# complication's own code (Guideline I.C.19.g, I.C.20): "bordes quirúrgicos" or "procedimiento quirúrgico"
# alone is no complication.
PROCEDURE_CAUSE_PREFIXES: tuple[str, ...] = ("Y83", "Y84")
COMPLICATION_PREFIXES: tuple[str, ...] = (
    "T80", "T81", "T82", "T83", "T84", "T85", "T86", "T87", "T88", "K91", "N99", "I97", "J95", "G97", "H59",
    "H95", "E89", "M96", "L76", "D78", "K94", "J98.0", "K68.11", "O",
)

# Guideline III.B: abnormal findings (laboratory, pathology and other results) are coded only when the
# note calls them abnormal: "alkaline phosphatase 162" or "fosfatasa alcalina" names a test, not a
# finding. The mention (with a few words around it, same sentence) must carry one of these word stems, or
# name the abnormality itself ("hypercalciuria", "bacteriemia", "hyperglycemia").
ABNORMAL_FINDING_PREFIXES: tuple[str, ...] = (
    "R70", "R71", "R72", "R74", "R75", "R76", "R77", "R78", "R79", "R82", "R83", "R84", "R85", "R86",
    "R87", "R88", "R89",
    # abnormal findings on diagnostic imaging and function studies: "ecocardiograma" names the test,
    # "mammogram" the study (R92: abnormal and inconclusive findings on imaging of the breast)
    "R92", "R93", "R94",
)
ABNORMAL_CUES: tuple[str, ...] = (
    "elevat", "elevad", "elevac", "high", "increas", "raised", "rais", "aument", "incremen", "alto", "alta",
    "altos", "altas", "abnormal", "anormal", "alterad", "alterac", "deranged", "low", "decreas", "reduc",
    "descen", "bajo", "baja", "bajos", "bajas", "disminu", "positiv", "reactiv", "detectab",
    "isolat", "aislad", "crecimient", "growth", "grew", "patolog", "patholog", "hyper", "hiper", "hypo",
    "hipo",
)
# A visual acuity or field measured is not visual loss: H54 needs the note to say vision is lost or low
# ("agudeza visual de 0,5" names a test; "pérdida de agudeza visual" a finding; blurred vision is H53.8).
VISION_LOSS_PREFIXES: tuple[str, ...] = ("H54", "H53.4")  # and a visual field examined is not a defect
VISION_LOSS_CUES: tuple[str, ...] = (
    "perdid", "disminu", "descen", "baja", "bajo", "mala", "malo", "escas", "reduc", "empeor", "deterior",
    "ceguera", "ciego", "ciega", "amaurosis", "dificultad", "loss", "lost", "decreas", "poor", "low",
    "impair", "worse", "blind", "diminish", "difficult", "cuenta dedos", "counting fingers",
    "movimiento de manos", "hand motion", "percepcion de luz", "light perception",
    "defect", "alterac", "alterad", "escotoma", "scotoma", "hemianop", "cuadrantanop", "quadrantanop",
    "constric", "contraccion", "restric", "amputac",
)

# Codes for an unspecified site or type (Guideline I.A.9: "unspecified" only when the record gives no
# more detail): when the note's final codes name the site or kind elsewhere, the unspecified one is
# redundant. Code prefix -> the 3-character range of codes that make it so.
SITE_UNSPECIFIED: dict[str, tuple[str, str]] = {
    "D49.9": ("C00", "D49"),  # neoplasm of unspecified behavior and site <- any neoplasm with a site/kind
    "D36.9": ("D10", "D36"),  # benign neoplasm of unspecified site <- a benign neoplasm with a site
    "C79.9": ("C77", "C79"),  # secondary malignancy of unspecified site <- one with a site
    "C80.1": ("C00", "C76"),  # malignant neoplasm, unspecified <- a primary site
    "C80.0": ("C00", "C76"),
    "T14": ("S00", "T13"),  # injury of unspecified body region <- an injury of a named region
    "R22.9": ("R22", "R22"),  # localized swelling/mass, unspecified <- one with a site
}

# Neoplasm table: D49 (unspecified behavior) is for a tumor or neoplasm whose behavior the note does not
# state; a named morphology states it ("carcinoma" is malignant, "adenoma" benign; Guideline I.C.2).
# Matched as parts of folded words ("adenocarcinoma", "hipernefroma").
UNSPECIFIED_BEHAVIOR_PREFIXES: tuple[str, ...] = ("D49",)
BEHAVIOR_STATED: tuple[str, ...] = (
    "carcinom", "cancer", "malign", "metasta", "sarcom", "linfom", "lymphom", "melanom", "leucemi",
    "leukemi", "mielom", "myelom", "blastom", "nefrom", "nephrom", "seminom", "benign", "adenom",
    "fibrom", "lipom", "papilom", "papillom", "angiom", "miom", "myom", "warthin", "schwannom", "neurinom",
    "meningiom",
)

# T14 (injury of unspecified body region) is for an injury the note does not place; a phrase that names a
# site or a kind ("hematoma retroperitoneal", "herida de arma de fuego en la nalga", "lesión nodular")
# asks for the specific code (Guideline I.C.19; "lesión" is also a nontraumatic lesion). Likewise R22.9
# (localized mass, unspecified): "masa renal" is indexed under the organ (Mass, kidney N28.89). A mention
# keeps such a code only when all its content words are among these (folded).
UNPLACED_INJURY_WORDS: frozenset[str] = frozenset(
    """
    traumatismo traumatismos trauma traumas traumatic traumatico traumatica politraumatismo politrauma
    polytrauma injury injuries injured lesion lesiones herida heridas wound wounds wounded herido herida
    hematoma hematomas contusion contusiones contusions contuso contusa blunt penetrating penetrante
    abierto abierta open grave severe leve mild minor menor moderate moderado moderada multiple multiples
    sufrir sufrio suffered suffer accidental accidentalmente casual reciente recent
    """.split()
)
UNPLACED_MASS_WORDS: frozenset[str] = frozenset(
    """
    masa masas mass masses bulto bultos lump lumps tumoracion tumoraciones tumefaccion tumefacciones
    swelling swellings palpable palpables dura duro hard blanda blando soft grande gran large big small
    pequenna pequenno indolora indoloro painless dolorosa doloroso painful localizada localizado localized
    firme firm movil mobile solida solido solid quistica quistico cystic consistencia consistency aspecto
    crecimiento growing progresivo progresiva voluminosa voluminoso
    """.split()
)
# sizes say nothing about the site: "masa palpable de unos 3 cm de diámetro"
MEASURE_WORDS: frozenset[str] = frozenset(
    "cm mm x diametro diameter aproximadamente approximately aprox unos unas about".split()
)
UNPLACED: dict[str, frozenset[str]] = {
    "T14": UNPLACED_INJURY_WORDS | MEASURE_WORDS, "R22.9": UNPLACED_MASS_WORDS | MEASURE_WORDS,
}

# Codes that name an organ or region: one of its words must be in the phrase coded ("testículo aumentado
# de tamaño" is no hepatomegaly; a mass with no neck word is no mass of the neck). Matched as parts of
# folded words ("hepatoesplenomegalia").
REQUIRED_SITE: dict[str, tuple[str, ...]] = {
    "R16.0": ("hepat", "higad", "liver"),
    "R16.1": ("esplen", "bazo", "splen", "spleen"),
    "R16.2": ("hepat", "higad", "liver"),
    "R22.1": ("cuell", "cervic", "neck", "submandib", "submaxil", "supraclav"),
}
# A diseases-of-the-skin code (Chapter 12, L) is not coded for a phrase that places the lesion in an internal
# organ or its mucosa ("mild antral erythema" on EGD is no L53.9 "Erythematous condition") unless the phrase
# also names the skin. Word beginnings, folded.
INTERNAL_SITE_WORDS: tuple[str, ...] = (
    "antr", "gastri", "stomach", "duoden", "esophag", "oesophag", "colon", "colonic", "rectal", "rectum",
    "sigmoid", "cecal", "cecum", "ileal", "ileum", "jejun", "mucos", "bladder", "bronch", "trache", "laryn",
    "pharyn", "estomag", "esofag", "vejiga", "recto",
)
SKIN_WORDS: tuple[str, ...] = ("skin", "cutane", "piel", "derm", "epiderm", "rash", "exantem")

# Abdominal and pelvic pain: the region alone ("incisión en fosa ilíaca derecha") is no pain; the pain word
# may stand just outside the phrase ("dolor ... en fosa ilíaca izquierda"), so a few words around count.
PAIN_PREFIXES: tuple[str, ...] = ("R10",)
PAIN_CUES: tuple[str, ...] = (
    "dolor", "pain", "algia", "colic", "colico", "tender", "sensib", "defensa", "guarding", "rigid",
    "molestia", "discomfort", "abdomen agudo", "acute abdomen", "peritonism", "irritacion peritoneal",
    "dyspeps", "dispeps", "ache",
)

# Codes whose own words must be in the phrase coded (Index: the main term is the condition, not the
# specimen, organ or measurement next to it): "orina" or "sistemático de orina" names a specimen, not a
# urinary tract infection; "elevación" alone (of the eye, of a bone table, of the PSAP) names no
# transaminase; "pulsos periféricos presentes" or "miembros inferiores" no edema; "adelgazamiento corneal"
# no weight; "lesión ósea" (Lesion, bone M89.9) no bone density disorder; "engrosamiento de la pared
# intestinal" no epidermal thickening; "embarazo" (a child's perinatal history, advice against pregnancy)
# no pregnant patient; "comes to" no coma; "height" no loss of it; "axis" (an eye's, a DSM axis) no C2
# fracture. At least one mention of the code must carry one of these, matched at the beginning of a folded
# word (entries of three letters or fewer, abbreviations, and entries ending in "$", as whole words).
REQUIRED_WORDS: dict[str, tuple[str, ...]] = {
    # NIH Stroke Scale scores (R29.7-): "CHA2DS2-VASc score 4", "pain score 4" or "Wells score" are other scores
    "R29.7": ("nihss", "nih stroke", "stroke scale", "national institutes of health", "escala nih", "ictus"),
    # dependence on a machine: a CPAP used for sleep apnea ("OSA on CPAP", "uses CPAP nightly") is treatment,
    # not dependence (Z99.89 is for a patient who depends on the device); Spanish keeps its treatment phrase
    "Z99.89": ("dependen", "depend on", "tratamiento", "dependien"),
    "N39.0": ("infec", "itu", "uti", "itus", "utis", "sepsis", "septic", "urosepsis", "bacteri", "positiv",
              "pielonefr", "pyelonephr"),
    "R74.0": ("transamin", "hipertransamin", "hypertransamin", "aminotransf", "enzimas hepat",
              "enzimas de funcion hepat", "liver enzym", "hepatic enzym", "got", "gpt", "ast", "alt", "alat",
              "asat", "sgot", "sgpt", "ldh", "lactato deshidrogen", "lactate dehydrogen", "lactic dehydrogen"),
    "R60": ("edem", "oedem", "swell", "swollen", "hinch", "tumefac", "anasarc", "fovea", "pitting",
            "abotarg", "infiltrac"),
    "R63.4": ("peso", "pesa", "ponder", "weight", "weigh", "kg", "kilo", "libra", "pound", "adelgaz", "caquex",
              "cachex", "emaciat", "slimm"),
    "R63.5": ("peso", "ponder", "weight", "kg", "kilo", "libra", "pound", "engord", "sobrepeso"),
    "M85.9": ("densid", "densit", "desmineraliz", "demineraliz", "mineraliz", "osteopen", "estructura osea",
              "bone structure", "osteoscler", "hiperostos", "hyperostos"),
    "L85.9": ("piel", "skin", "cutane", "cutis", "epiderm", "dermic", "dermal", "querat", "kerat", "hiperquerat",
              "hyperkerat", "palm", "plant"),
    "Z33.1": ("embarazad", "gestant", "pregnant", "gravid", "cursa", "semana", "week", "trimestre", "trimester",
              "mes de embarazo", "meses de embarazo", "month", "actual"),
    "R40.2": ("coma", "comat", "glasgow", "gcs", "inconscien", "unconscious", "unresponsive", "arreactiv"),
    "R29.890": ("perdid", "loss", "lost", "disminu", "decreas", "reduc"),
    "S12.1": ("fractur", "fract", "fx", "odontoid", "odontoides", "hangman", "ahorcado"),
    # a count or a level names a test, not a disorder: "leucocitos 10.670", "hemoglobina 11,8"
    "D72.9": ("trastorno", "disorder", "alterac", "alterad", "anomal", "abnormal", "enfermedad", "disease",
              "disfunc", "dysfunc"),
    "D58.2": ("hemoglobinopat", "haemoglobinopat", "variante", "variant", "inestable", "unstable", "hbs",
              "hbc", "hbe", "hbd", "anomal", "abnormal"),
    # a glomerular disorder (a manifestation of a systemic disease), not the glomeruli counted in a biopsy
    "N08": ("glomerulopat", "glomerulonef", "glomerulonep", "nefropat", "nephropat", "nefritis", "nephritis",
            "nefrotic", "nephrotic", "enfermedad glomerular", "glomerular disease", "afectacion glomerular",
            "glomerular involvement", "lesion glomerular", "glomerular lesion", "dano glomerular",
            "glomerular damage", "amiloid", "amyloid"),
    # sarcoidosis needs its name: a lymphadenectomy or lymph nodes are not it
    "D86": ("sarcoid", "besnier", "lofgren", "heerfordt", "schaumann"),
    # the organ named is no disorder of it: "adrenal gland" alone
    "E27.9": ("trastorno", "disorder", "insufic", "enfermedad", "disease", "disfunc", "dysfunc", "hiperplas",
              "hyperplas", "lesion", "nodul", "masa", "mass", "adenom", "incidentalom", "tumor", "hipofunc",
              "hypofunc", "hiperfunc", "hyperfunc", "alterac", "anomal", "abnormal"),
    # anesthesia of skin (numbness), not the anesthesia given for a procedure ("bajo anestesia general")
    "R20.0": ("piel", "skin", "cutane", "numb", "entumec", "acorch", "hipoest", "hypoesth", "sensib", "sensat",
              "sensit", "territor", "dermatom", "anestesia en", "anestesia de", "anesthesia of", "anesthesia in",
              "anaesthesia of", "anaesthesia in", "plantar", "palmar", "facial", "digital", "labi", "lip",
              "mentonian", "mental nerve", "lingual", "hemicar", "perioral", "perineal", "genital", "distal"),
    # a sensation examined or a drug sensitivity is no disturbance of skin sensation
    "R20.9": ("alterac", "alterad", "disminu", "perdid", "trastorno", "disturb", "loss", "lost", "decreas",
              "reduc", "abnormal", "anormal", "hipoest", "hiperest", "hypoesth", "hyperesth", "disest", "dysesth",
              "parest", "paresth", "anest", "anesth", "abolid", "absent", "ausen", "impair", "deficit"),
    # hypertensive kidney disease (I12) and hypertensive heart and kidney disease (I13) name the kidney: "setting
    # of hypertensive heart disease" is I11, not I13 (the combination from two phrases is built by rules.py)
    "I12": ("kidney", "renal", "ckd", "esrd", "nephr", "nefr", "rinon", "renal"),
    "I13": ("kidney", "renal", "ckd", "esrd", "nephr", "nefr", "rinon", "renal"),
    # a neoplasm of unspecified behavior is a neoplasm the note calls one, not a mass, nodule or lump (Index:
    # Mass, breast N63.-; Nodule, lung R91.1)
    "D49": ("neoplas", "tumor", "tumour", "neoplasia", "tumoracion", "tumoral", "cancer", "malign", "metasta",
            "carcinom", "adenocarcinom", "sarcom", "adenom", "lymphom", "linfom", "melanom", "blastom", "gliom",
            "leiomiom", "leiomyom", "lipom", "fibrom", "papilom", "papillom"),
    # diabetes "in remission" (FY2026 E11.A, E10.A, E13.A) only when the note says so
    "E10.A": ("remission", "remision"), "E11.A": ("remission", "remision"), "E13.A": ("remission", "remision"),
    # hepatitis A, not hepatitis B or C or "hepatitis" alone ("$": the whole word)
    "B15": ("vha", "hav", "hepatitis a$", "virus de la hepatitis a$", "hepatitis a virus", "hepatitis viral a$",
            "viral hepatitis a$", "hepatitis tipo a$", "type a hepatitis"),
}

# "Adelgazamiento" is weight loss on its own ("astenia, anorexia y adelgazamiento") and the thinning of a
# tissue when it names one ("adelgazamiento corneal", "de las corticales", "estromal"): a phrase whose
# weight word is only "adelgazamiento" keeps R63.4 when its other content words are among these.
THINNING_WORDS: tuple[str, ...] = ("adelgaz", "thinn")
WEIGHT_LOSS_ALONE_WORDS: frozenset[str] = frozenset(
    """
    adelgazamiento adelgazado adelgazada thinning importante marcado marcada significativo significativa
    notable progresivo progresiva severo severa llamativo llamativa rapido rapida reciente progressive
    significant marked severe rapid recent weight peso kg kilos no cuantificado cuantificada unquantified
    ultimos meses semanas last months weeks
    """.split()
) | MEASURE_WORDS

# R53.81 (malaise, general deterioration; Index: Deterioration, general physical) from the patient's
# general condition needs the note to call it poor or worse: "aceptable/excelente estado general" and
# "mejoría del estado general" state no malaise. Matched as word beginnings in the folded phrase.
GENERAL_STATE_PREFIXES: tuple[str, ...] = ("R53.8",)
GENERAL_STATE_WORDS: tuple[str, ...] = (
    "estado general", "general condition", "general state", "general status", "general health",
    "condicion general", "condiciones generales", "estado de salud",
)
GENERAL_STATE_WORSE: tuple[str, ...] = (
    "mal", "mala", "malo", "deterior", "empeor", "afect", "poor", "worse", "impair", "decaim", "postr",
    "compromet", "compromis", "alterad", "alterac", "quebrant", "declin", "bad", "regular", "grave",
    "severe", "serious", "affect",
)

# Z99.2 (dependence on renal dialysis) is a status: a patient on maintenance dialysis. A session given for
# acute kidney injury or a poisoning ("se realizó hemodiálisis urgente", "requirió varias sesiones") is a
# procedure, not dependence (Guideline I.C.21.c.3). The mention's sentence must say the dialysis is
# chronic, periodic, a program, at home, or ongoing. Matched as word beginnings, folded.
# Z99.81 dependence on supplemental oxygen is a status (I.C.21.c.3): home or chronic oxygen, not the oxygen an
# acute illness needs in hospital ("hypoxemia requiring supplemental oxygen").
OXYGEN_STATUS_PREFIXES: tuple[str, ...] = ("Z99.81",)
OXYGEN_STATUS_CUES: tuple[str, ...] = (
    "home", "chronic", "baseline", "dependen", "long-term", "long term", "continuous", "nocturnal", "at night",
    "domicili", "cronic", "oxigenoterapia domiciliaria", "ocd",
)
DIALYSIS_STATUS_PREFIXES: tuple[str, ...] = ("Z99.2",)
DIALYSIS_STATUS_CUES: tuple[str, ...] = (
    "cronic", "chronic", "periodic", "programa de", "dialysis program", "hemodialysis program", "mantenimiento", "maintenance", "regular",
    "desde", "since", "ambulator", "domicili", "at home", "home", "dpca", "capd", "dpa", "apd",
    "veces por semana", "times a week", "times per week", "semanal", "weekly", "terminal", "end-stage",
    "end stage", "esrd", "erc", "erca", "estadio 5", "stage 5", "en hemodialisis", "en dialisis",
    "on hemodialysis", "on dialysis", "on peritoneal", "en dialisis peritoneal", "dependien", "dependen",
    "actualmente", "currently", "lista de espera", "waiting list",
)

# Z89/Z90 (acquired absence) are statuses from an earlier surgery (Guideline I.C.21.c.3): a removal the
# note narrates as this case's treatment ("se realizó nefrectomía radical") is the procedure (ICD-10-PCS),
# not a diagnosis. The mention must be in the history, or its sentence must place the surgery before.
ACQUIRED_ABSENCE_PREFIXES: tuple[str, ...] = ("Z89", "Z90")
EARLIER_SURGERY_CUES: tuple[str, ...] = (
    "antecedente", "history", "historia", "previa", "previo", "previamente", "previous", "prior", "hace",
    "ago", "antes", "earlier", "before", "status post", "intervenido previamente", "anos atras",
    "years back", "en su infancia", "in childhood",
)

# Index: Vomiting R11.10; "without nausea" R11.11 only when the note says there was no nausea. Vomiting
# alone is coded R11.10 (code -> (what the note must say in the sentence, the code otherwise)).
_NAIL_WORDS: tuple[str, ...] = ("nail", "subungual", "ungue", "eponych", "lunula")
# Qualifiers a note states by denying them as often as by naming them ("the wound does not involve the nail")
DENIABLE_QUALIFIERS: tuple[str, ...] = ("S61.3", "S91.2")
STATED_QUALIFIER: dict[str, tuple[tuple[str, ...], str]] = {
    "R11.11": (("sin nause", "without nause", "no nause", "ni nause", "nor nause", "sin nausea"), "R11.10"),
    # An open wound of a finger (S61.3-) or toe (S91.2-) "with damage to nail" needs the nail named; a
    # "laceration of the left index finger" is the wound without it (S61.2-, S91.1-), same type, digit, encounter.
    **{f"{with_nail}{kind}{digit}{encounter}": (_NAIL_WORDS, f"{without}{kind}{digit}{encounter}")
       for with_nail, without, digits in (("S61.3", "S61.2", "0123456789"), ("S91.2", "S91.1", "0123459"))
       for kind in "012345" for digit in digits for encounter in "ADS"},
}

# Guideline I.C.21.c.5: screening codes for the screening the note names (a mention in a screening context).
SCREENING_PREFIXES: tuple[str, ...] = ("Z11", "Z12", "Z13")
# The screening that is this encounter's reason, in a procedure note's indications or an imaging report's exam
# line ("Screening colonoscopy", "INDICATION: Colorectal cancer screening", "DIGITAL SCREENING MAMMOGRAM"):
# (pattern over the folded English sentence, code). The condition screened for is not coded (I.C.21.c.5).
SCREENING_STATED: tuple[tuple[str, str], ...] = (
    ((r"\bscreening colonoscopy\b|\bcolo(?:n|rectal) (?:cancer )?screening\b|"
     r"\bscreening for colo(?:n|rectal) (?:cancer|neoplasia)\b"), "Z12.11"),
    ((r"\bscreening (?:(?:digital|bilateral|3d|2d)\s+)*mammogra\w*|\bbreast cancer screening\b|"
     r"\bscreening for breast cancer\b"), "Z12.31"),
    (r"\bscreening for osteoporosis\b|\bosteoporosis screening\b|\bscreening (?:dexa|dxa|bone density)\b", "Z13.820"),
    (r"\bcervical cancer screening\b|\bscreening pap\b|\bscreening for cervical cancer\b", "Z12.4"),
    ((r"\blung cancer screening\b|\bscreening for lung cancer\b|\blow[- ]dose (?:ct )?(?:lung cancer )?screening\b|"
     r"\bscreening low[- ]dose ct\b"), "Z12.2"),
    (r"\bprostate cancer screening\b|\bscreening for prostate cancer\b", "Z12.5"),
    (r"\b(?:aaa|abdominal aortic aneurysm) screening\b|\bscreening for (?:an )?abdominal aortic aneurysm\b", "Z13.6"),
)
# A screening the note only mentions: done before, due, recommended, declined, or the one that found what this
# encounter is about ("mass found on screening mammography", "recalled from screening").
SCREENING_NOT_THIS = (r"\b(?:prior|previous|previously|last|ago|due|overdue|up to date|utd|recommend\w*|declined|"
                      r"refused|deferred|referral|refer\w*|will|next|found on|detected on|seen on|on screening|"
                      r"from screening|recalled|callback|history|if|consider\w*|not|no|never|eligible)\b")
SCREENING_DOCUMENTS: tuple[str, ...] = ("procedure_note", "imaging_report", "operative_report")
# A delivery record states its outcome and its perineal lacerations in so many words (English): Z37.0 for a
# single live birth, Z37.2 for live twins (Guideline I.C.15.b.5), O70.- by the laceration's degree (Index:
# Laceration, perineum, obstetric, first degree O70.0 ...). (pattern over a folded sentence, code)
DELIVERED = r"\b(?:delivered|delivery of|delivering|born)\b"
LIVE_BIRTH_STATED: tuple[tuple[str, str], ...] = (
    (r"\b(?:live[- ]?born|live|viable)\s+twins\b|\btwins?\b[^.;]{0,40}\b(?:live[- ]?born|live|viable)\b", "Z37.2"),
    ((r"\b(?:single\s+)?(?:live[- ]?born|live|viable|living)\s+(?:(?:term|preterm|healthy|vigorous)\s+)?"
     r"(?:male|female)?\s*(?:infant|baby|neonate|newborn|boy|girl)\b"), "Z37.0"),
)
# a delivery discussed, planned or past (a previous pregnancy's) is not this record's
NOT_THIS_DELIVERY = r"\b(?:counsel\w*|discuss\w*|plan\w*|will|would|expect\w*|if|risks?|prior|previous|history)\b"
NOT_LIVE_SINGLE_BIRTH = r"\b(?:twins?|triplets?|stillb\w*|demise|iufd|nonviable|non-viable)\b"
PERINEAL_LACERATIONS: tuple[tuple[str, str], ...] = (
    (r"\b(?:first|1st)[- ]degree (?:perineal |vaginal )?(?:laceration|tear)", "O70.0"),
    (r"\b(?:second|2nd)[- ]degree (?:perineal |vaginal )?(?:laceration|tear)", "O70.1"),
    (r"\b(?:third|3rd)[- ]degree (?:perineal )?(?:laceration|tear)", "O70.20"),
    (r"\b(?:fourth|4th)[- ]degree (?:perineal )?(?:laceration|tear)", "O70.3"),
)
NOT_A_LACERATION = r"\b(?:no|without|denies|intact|risk|risks)\b"

# Guidelines II.H / IV.H: "consistent with", "compatible with" and their kin make the condition that follows
# them uncertain (English structured documents; the words end at most three words before the condition).
READ_AS_UNCERTAIN = (r"\b(?:consistent with|compatible with|suggestive of|suggesting|concerning for|worrisome for|"
                     r"suspicious for|may represent|could represent|favored to represent|in keeping with)"
                     r"(?:\W+\w+){0,3}\W*$")

# A relative "was diagnosed with" a condition: the relative's (ConText ends a family scope at "diagnosed with",
# which elsewhere starts the patient's own story). The relative starts the clause before the condition.
RELATIVE_DIAGNOSED = (r"(?:^|[,;:.]\s*|\band\s+)(?:(?:his|her|their|the patient's|a)\s+)?(?:maternal\s+|paternal\s+)?"
                      r"(?:mother|father|brother|sister|son|daughter|aunt|uncle|grandmother|grandfather|cousin|"
                      r"sibling|parent)s?\s+(?:was|were|is|had been|has been)?\s*diagnosed with\b[^,;.]*$")

# ... and "risk factors for", "high risk for", "evaluate for", "prophylaxis against" name a condition the
# patient may get or may have, not one found: hypothetical.
READ_AS_HYPOTHETICAL = (r"\b(?:risk factors? (?:for|of)|(?:high|higher|increased|elevated|low|lower) risk (?:for|of)|"
                        r"risk of developing|to prevent|prevention of|prophylaxis (?:for|against|of)|"
                        r"evaluat(?:e|ion) for|work-?up (?:for|of)|assess(?:ment)? for)(?:\W+\w+){0,3}\W*$")

# Guideline I.C.15.a/b: Z33.1 (pregnant state, incidental) and Z34 (supervision of normal pregnancy) are not
# reported with a Chapter 15 code.
PREGNANT_STATE_PREFIXES: tuple[str, ...] = ("Z33.1", "Z34")


# ------------------------------------------------------------------ the "stated fact" guards
@dataclass(frozen=True, slots=True)
class Guard:
    """A code the guidelines reserve for a fact the note must state. `fact` names the check in rules.py
    (True when the note states it); `reason` is the discard reason when it does not, `says` the words of
    the justification. Guards are tried in order; the first one a code fails discards it."""

    rule: str  # the registered rule id
    guideline: str | None
    codes: tuple[str, ...]  # code prefixes the guard applies to
    fact: str
    reason: DiscardReason
    says: str


# The disease chapters: a disease named as the object of a test or vaccine is not diagnosed. Not Chapter 18
# (R: abnormal findings, which are test results: R76.11 a positive tuberculin test) nor Z (screening,
# immunization and status codes, which are about the test or vaccine).
# Residual codes of one generic word ("Illness, unspecified", "Unspecified infectious disease", "Pain,
# unspecified", "Hemorrhage, not elsewhere classified"): coded only when the phrase says no more than that
# word and its degree. Inside a named condition ("coronary artery disease", "HIV infection", "postmenopausal
# bleeding", "INFECTIOUS DISEASE CLINIC") the generic word is part of another condition or of a service name.
# Applied to structured clinical documents (operative reports, consults, discharge summaries...): published
# case reports are coded by their corpus's convention (CodiEsp codes R69 for each "enfermedad" narrated).
GENERIC_CONDITION_PREFIXES: tuple[str, ...] = ("R69", "B99.9", "R52", "R58", "R68.89")
DEGREE_WORDS: tuple[str, ...] = (
    "acute", "chronic", "severe", "mild", "moderate", "intense", "persistent", "recurrent", "generalized",
    "general", "diffuse", "unspecified", "nos", "significant", "important", "new", "active", "ongoing", "current",
    "agudo", "aguda", "cronico", "cronica", "grave", "severo", "severa", "leve", "moderado", "moderada",
    "intenso", "intensa", "persistente", "recurrente", "generalizado", "generalizada", "difuso", "difusa",
    "importante", "nuevo", "nueva", "activo", "activa", "actual", "base",
)

# A title's "without X" against the phrase (rules._stated_with, English): the words a note uses for X beyond X's
# own stem (the title says hemorrhage, the note says bleeding), and the words that negate X before it.
WITHOUT_SYNONYMS: dict[str, tuple[str, ...]] = {
    "hemorrhag": ("bleed", "bloody", "hemorrhag", "haemorrhag"),
    "bleed": ("bleed", "bloody", "hemorrhag", "haemorrhag"),
    "obstruct": ("obstruct",),
    "perforat": ("perforat",),
    "angin": ("angina", "anginal"),
    "gangren": ("gangren",),
    "abscess": ("abscess",),
    "cholecystit": ("cholecystit",),
}
WITHOUT_NEGATORS: tuple[str, ...] = ("without", "no", "non", "not", "nor", "denies", "negative", "free", "absent")

# Weeks of gestation (Z3A) are coded for a pregnant patient only: "8 weeks of buttock pain" is a duration.
WEEKS_OF_GESTATION_PREFIXES: tuple[str, ...] = ("Z3A",)

# Tobacco (Index: "Dependence, drug, nicotine"; "Smoker - see Dependence, drug, nicotine"; "Use, tobacco"
# Z72.0): a phrase that says dependence, a disorder or a smoker is F17.2-, and F17 needs a tobacco or nicotine
# product (smoking cannabis is no nicotine dependence).
TOBACCO_PREFIXES: tuple[str, ...] = ("F17",)
TOBACCO_WORDS: tuple[str, ...] = (
    "tobac", "nicotin", "cigar", "smok", "vap", "e-cig", "chew", "snuff", "dip", "pack", "ppd", "pipe",
    "tabac", "tabaq", "fum", "cigarr", "nicot",
)
NOT_TOBACCO_WORDS: tuple[str, ...] = (
    "cannabis", "marijuana", "marihuana", "weed", "thc", "crack", "cocaine", "cocaina", "meth", "heroin", "heroina",
    "porros", "hachis", "hashish",
)
TOBACCO_USE_PREFIXES: tuple[str, ...] = ("Z72.0",)
TOBACCO_DEPENDENCE_WORDS: tuple[str, ...] = (
    "dependen", "disorder", "smoker", "addict", "trastorno", "fumador", "fumadora", "tabaquism",
)

DISEASE_CHAPTERS: tuple[str, ...] = tuple("ABCDEFGHIJKLMNOPQSTUVWXY")

GUARDS: tuple[Guard, ...] = (
    Guard("named.test_or_vaccine", None, DISEASE_CHAPTERS, "not_test_or_vaccine", "condition_not_named",
          "the condition names a test or vaccine ('flu vaccine', 'hepatitis B surface antigen', 'rapid "
          "influenza test'), not a diagnosis"),
    # A term the index writes as an acronym ("PIN", "MS", "ALL") is an abbreviation only when the note writes it
    # in capitals: "pin removal", "ms." and "all" are English words (English notes; Spanish writes "sida").
    Guard("named.acronym", None, DISEASE_CHAPTERS + ("R", "Z"), "acronym_written", "condition_not_named",
          "the index term is an acronym the note does not write as one ('pin removal' is no PIN)"),
    # A term's polarity or its letter/number must be the phrase's: "PR positive" is no "PR-", "vitamin D" no
    # "vitamin A", "hepatitis B" no "hepatitis C", "type 1" no "type 2".
    Guard("named.qualifier_agrees", None, DISEASE_CHAPTERS + ("R", "Z"), "qualifier_agrees", "condition_not_named",
          "the phrase states another value of the term's qualifier (positive/negative, vitamin or virus letter, "
          "type)"),
    Guard("stated.pregnancy", "I.C.15", WEEKS_OF_GESTATION_PREFIXES, "pregnancy", "fact_not_stated",
          "weeks are stated, but no pregnancy: a duration, not weeks of gestation (Guideline I.C.15)"),
    Guard("stated.long_term", "I.C.21.c.3", LONG_TERM_PREFIXES, "long_term", "fact_not_stated",
          "long-term use is not stated (Guideline I.C.21.c.3)"),
    Guard("stated.place_activity_status", "I.C.20", NOT_ASSIGNED, "never", "fact_not_stated",
          "not assigned when the place, activity or status is not stated (Guideline I.C.20)"),
    Guard("stated.encounter_for_treatment", "I.C.2.e.2", ENCOUNTER_PREFIXES, "encounter", "fact_not_stated",
          "the treatment is mentioned, not the reason for this encounter (Guideline I.C.2.e)"),
    Guard("stated.abnormal_result", "III.B", ABNORMAL_FINDING_PREFIXES, "abnormal", "fact_not_stated",
          "a test is named, not an abnormal result (Guideline III.B)"),
    Guard("stated.vision_loss", None, VISION_LOSS_PREFIXES, "vision_loss", "fact_not_stated",
          "visual acuity is measured, no loss of vision is stated"),
    Guard("stated.unplaced", "I.C.19", tuple(UNPLACED), "unplaced", "specified_in_note",
          "the note names the site or kind: this code is for an unspecified region "
          "(Guideline I.C.19, Index: the site's own entry)"),
    Guard("named.generic_condition", None, GENERIC_CONDITION_PREFIXES, "generic_alone", "condition_not_named",
          "the generic word stands inside another condition's or a service's name, not alone"),
    Guard("named.tobacco", None, TOBACCO_PREFIXES, "tobacco_product", "condition_not_named",
          "the phrase names no tobacco or nicotine product (cannabis is not tobacco)"),
    Guard("stated.tobacco_dependence", None, TOBACCO_USE_PREFIXES, "use_not_dependence", "superseded_by_more_specific",
          "the phrase says dependence, a disorder or a smoker: F17.2- (Index: Dependence, drug, nicotine)"),
    Guard("named.pain", None, PAIN_PREFIXES, "pain", "condition_not_named",
          "a region is named, no pain or tenderness there"),
    Guard("named.site", None, tuple(REQUIRED_SITE), "site_words", "condition_not_named",
          "the organ or region the code names is not in the phrase"),
    # A pain score ("Pain 7/10", "pain score 4", "Pain: 3 out of 10") is a vital sign, not a diagnosis: a
    # pain code needs the pain named as a complaint somewhere else than in its score.
    Guard("named.pain_score", None, ("R52", "G89"), "not_pain_score", "condition_not_named",
          "a pain score ('Pain 7/10') is a measurement, not a diagnosis"),
    Guard("named.skin_site", None, ("L",), "skin_site", "condition_not_named",
          "a skin code for what the phrase places in an internal organ's lining ('antral erythema')"),
    Guard("named.condition", None, tuple(REQUIRED_WORDS), "condition_words", "condition_not_named",
          "the phrase does not name the condition the code names (a specimen, organ or measurement is named)"),
    # A manifestation code (I.A.13) reached through a short inclusion term ("Polyneuropathy" under A69.22
    # "Other neurologic disorders in Lyme disease", "Pyelonephritis" under N16 "... in diseases classified
    # elsewhere"): the disease it is a manifestation of must be named in the note, or, for "in diseases
    # classified elsewhere", the phrase must tie it to a cause ("due to", "secondary to"). English notes; not
    # the obstetric and perinatal chapters, whose "in pregnancy", "in newborn" a gestation or a birth states.
    Guard("named.manifestation_of", "I.A.13", tuple(c for c in DISEASE_CHAPTERS if c not in "OP"),
          "manifestation_of", "condition_not_named",
          "a manifestation of a disease the note does not name, or ties to no cause"),
    # The condition a term names is its head noun ("cataract" of "Unspecified age-related cataract", "thrombosis"
    # of "venous thrombosis"): a phrase with only the term's qualifiers or site ("age-related osteoporosis",
    # "venous access", "thickened endometrial stripe") does not name it (English notes; Z codes name statuses
    # and encounters, not conditions).
    Guard("named.head_word", "I.B.1", DISEASE_CHAPTERS + ("R",), "head_word", "condition_not_named",
          "the phrase has the term's qualifiers or site but not the condition it names"),
    # the plain code is reported instead (rules.py); the qualified one is superseded by it
    Guard("stated.qualifier", None, tuple(STATED_QUALIFIER), "qualifier", "superseded_by_more_specific",
          "the code's qualifier is not stated: its plain code is reported"),
    Guard("stated.poor_general_state", None, GENERAL_STATE_PREFIXES, "poor_general_state", "fact_not_stated",
          "the general condition is described, not as poor or worse"),
    Guard("stated.oxygen_status", "I.C.21.c.3", OXYGEN_STATUS_PREFIXES, "oxygen_status", "fact_not_stated",
          "oxygen is given for this illness, not home or chronic oxygen: no dependence status (Guideline I.C.21.c.3)"),
    Guard("stated.dialysis_status", "I.C.21.c.3", DIALYSIS_STATUS_PREFIXES, "dialysis_status", "fact_not_stated",
          "dialysis is given, not maintenance dialysis: a procedure, not a status (Guideline I.C.21.c.3)"),
    Guard("stated.earlier_surgery", "I.C.21.c.3", ACQUIRED_ABSENCE_PREFIXES, "earlier_surgery", "fact_not_stated",
          "the removal is this case's procedure, not an earlier one: no acquired-absence status "
          "(Guideline I.C.21.c.3)"),
    Guard("stated.behavior", "I.C.2", UNSPECIFIED_BEHAVIOR_PREFIXES, "behavior_unstated", "specified_in_note",
          "the note names the neoplasm's morphology: its behavior is stated (Neoplasm table)"),
)
