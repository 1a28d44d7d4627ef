"""Word lists of the understand stage, in English and Spanish: ConText triggers, pseudo-triggers,
terminators, chunk boundaries, section headers and sentence-splitting abbreviations.

Phrases are written as plain text; `context.py` tokenizes them with the same tokenizer as the note
(lower case, accents folded), so "no se observa" matches "No se observan" only if both forms are listed.

Trigger tuples are (phrase, direction): "f" forward (scope runs to the right until a terminator or the
end of the sentence), "b" backward (scope runs to the left, see context.py), "bi" both.
"""

from __future__ import annotations

# Data tables, kept compact: one phrase per line would make them unreadable.
# fmt: off

# ---------------------------------------------------------------- ConText triggers
# Categories map 1:1 onto types.Assertion (except "compat", resolved in context.py).

NEGATED_EN = [
    *[(p, "f") for p in (
        "no", "not", "denies", "denied", "deny", "denying", "without", "w/o", "absence of", "free of",
        "no evidence of", "no evidence for", "no signs of", "no sign of", "no signs or symptoms of",
        "no findings of", "no history of", "no complaints of", "no new", "negative for", "never",
        "never had", "none", "neither", "no longer", "does not have", "did not have", "doesn't have",
        "didn't have", "fails to reveal", "failed to reveal", "not demonstrate", "rather than",
        "unremarkable for", "resolution of", "did not", "does not", "do not", "has not", "have not", "had not", "showed no", "shows no", "revealed no",
        "reveals no", "demonstrated no", "no family history of", "no family hx of",
        "no fh of", "no known", "ruled out for", "rules out", "no suspicion of",
    )],
    # English adjectives go before or after the noun: "negative culture", "HIV negative" ("adj": the
    # chunk right after when there is one, else the chunk right before)
    *[(p, "adj") for p in ("negative", "absent")],
    # a normal finding states the absence of disease there: "normal cardiac silhouette", "bladder normal"
    *[(p, "adj") for p in ("normal",)],
    *[(p, "b") for p in (
        "is negative", "was negative", "were negative", "are negative",
        "not present", "not seen", "not identified", "not detected", "not found", "not observed",
        "not visualized", "not appreciated", "was excluded", "were excluded", "has been excluded",
        "is ruled out", "was ruled out", "were ruled out", "has been ruled out", "have been ruled out",
        "excluded", "not confirmed", "was not seen", "were not seen", "is not seen", "was not found",
        "were not found", "was not identified", "were not identified", "was not detected",
        "were not detected", "was not observed", "were not observed", "is not present", "was not present",
        "were not present", "are not present",
        "was normal", "were normal", "is normal", "are normal", "within normal limits", "within normal range",
        "within the normal range", "within the range of normal", "within normal values", "wnl",
    )],
    *[(p, "bi") for p in ("ruled out", "unlikely", "is unlikely", "was unlikely")],
]
NEGATED_ES = [
    *[(p, "f") for p in (
        "no", "sin", "niega", "niegan", "negó", "negaba", "negando", "tampoco", "nunca", "ausencia de", "libre de", "libres de", "exento de", "exenta de",
        "sin evidencia de", "sin evidencias de", "sin signos de", "sin datos de", "sin indicios de",
        "sin presencia de", "sin clínica de", "sin antecedentes de",
        "que sugiera", "que sugieran", "que indique", "que indiquen",
        "sin antecedentes familiares de", "no antecedentes familiares de", "niega antecedentes de",
        "niega antecedentes familiares de", "sin antecedentes personales ni familiares de", "no evidencia de",
        "no signos de", "no datos de", "no hay", "no había", "no existe", "no existía", "no existen",
        "no presenta", "no presentaba", "no presentó", "no refiere", "no refería", "no refirió",
        "no muestra", "no mostró", "no mostraba", "no tiene", "no tenía",
        "no se observa", "no se observan", "no se observó", "no se observaron",
        "no se aprecia", "no se aprecian", "no se apreció", "no se apreciaron",
        "no se objetiva", "no se objetivan", "no se objetivó", "no se objetivaron",
        "no se evidencia", "no se evidencian", "no se evidenció", "no se evidenciaron",
        "no se detecta", "no se detectan", "no se detectó", "no se detectaron",
        "no se palpa", "no se palpan", "no se palpó", "no se palparon",
        "no se identifica", "no se identifican", "no se identificó", "no se identificaron",
        "no se encuentra", "no se encuentran", "no se encontró", "no se encontraron",
        "no se visualiza", "no se visualizan", "no se visualizó", "no se visualizaron",
        "no se demostró", "no se demuestra", "no se constata", "no se constató",
        "se descarta", "se descartó", "se descartan", "se descartaron", "descartándose", "descartando",
        "negativo para", "negativa para", "negativos para", "negativas para",
        "negatividad de", "tras descartar", "después de descartar", "una vez descartado",
        "una vez descartada", "una vez descartados", "una vez descartadas", "no compatible con", "no compatibles con", "no se", "ni se observa",
        "ni se observan", "ni se aprecia", "ni se aprecian", "ni se palpa", "ni se palpan", "ni se objetiva",
        "ni se objetivan", "ni se evidencia", "ni se evidencian", "ni presenta", "ni refiere", "ni tenía", "ni tiene",
        "ni había", "ni hay", "ni existe", "ni existía", "ni presentaba", "ni refería", "ni mostraba",
    )],
    *[(p, "b1") for p in ("negativo", "negativa", "ausente")],
    *[(p, "bpl") for p in ("negativos", "negativas", "ausentes")],
    # a normal finding states the absence of disease there: "vejiga normal", "hígado y bazo normales"
    *[(p, "b1") for p in (
        "normal", "fue normal", "era normal", "es normal", "resultó normal", "dentro de la normalidad",
        "dentro de los límites normales", "dentro de límites normales", "dentro del rango de la normalidad",
        "en rango normal", "dentro de valores normales",
    )],
    # only the noun right before: "peritonitis ..., resto de intestino y colon normales" is no list of normals
    *[(p, "b1") for p in ("normales", "fueron normales", "eran normales", "son normales", "resultaron normales")],
    # "descartada patología tumoral" / "TVP descartada": before or after the noun
    *[(p, "adj") for p in ("descartado", "descartada", "descartados", "descartadas")],
    *[(p, "b") for p in (
        "fue descartado", "fue descartada",
        "fueron descartados", "fueron descartadas", "no visible", "no visibles", "no palpable",
        "no palpables",
    )],
    *[(p, "f1") for p in ("ningún", "ninguna", "ninguno", "ningunos", "ningunas")],
    *[(p, "bi") for p in ("improbable", "poco probable")],
]

POSSIBLE_EN = [
    *[(p, "f") for p in (
        "possible", "possibly", "probable", "probably", "likely", "suspected", "suspect", "suspicion of",
        "suspicion for", "suspicious for", "questionable", "question of", "concern for", "concerning for",
        "worrisome for", "rule out", "r/o", "rule-out", "to rule out", "differential diagnosis",
        "differential includes", "ddx", "may be", "may have", "might be", "might have", "could be",
        "cannot exclude", "can not exclude", "cannot rule out", "can not rule out", "can't rule out",
        "could not rule out", "not ruled out", "not been ruled out", "not be ruled out", "suggestive of",
        "suggests", "suggesting", "suggest", "presumed", "presumptive", "equivocal for", "evaluate for",
        "evaluation for", "not certain whether", "not certain if", "uncertain if", "uncertain whether",
        "probable diagnosis of", "working diagnosis of", "would suggest", "which would suggest",
    )],
    *[(p, "b") for p in (
        "cannot be excluded", "can not be excluded", "cannot be ruled out", "can not be ruled out",
        "could not be excluded", "could not be ruled out", "not excluded", "is suspected",
        "was suspected", "were suspected", "is possible", "is probable", "is likely", "not ruled out", "not been ruled out",
    )],
    *[(p, "bi") for p in ("vs", "versus")],
]
POSSIBLE_ES = [
    *[(p, "f") for p in (
        "posible", "posibles", "posiblemente", "probable", "probables", "probablemente",
        "sospecha de", "sospecha", "sospechas de", "sospecha clínica de", "sospecha diagnóstica de",
        "ante la sospecha de", "con sospecha de", "se sospecha", "sospechándose", "sospechando",
        "sugestivo de", "sugestiva de", "sugestivos de", "sugestivas de", "sugerente de",
        "sugerentes de", "sugiere", "sugieren", "sugería", "sugerían", "que sugiere", "que sugieren", "impresiona de",
        "a descartar", "descartar", "para descartar", "no se puede descartar", "no se pueden descartar",
        "no se pudo descartar", "no se descarta", "no se descartó", "no pudiendo descartar",
        "sin poder descartar", "sin descartar", "diagnóstico diferencial", "diagnóstico diferencial con",
        "presunto", "presunta", "presuntivo", "presuntiva", "podría tratarse de", "puede tratarse de",
        "podría corresponder a", "probabilidad de",
    )],
    *[(p, "adj") for p in ("dudoso", "dudosa", "dudosos", "dudosas")],
    *[(p, "b") for p in (
        "no descartado", "no descartada", "a descartar",
        "sin descartar", "por confirmar", "pendiente de confirmar", "no confirmado", "no confirmada",
    )],
    *[(p, "bi") for p in ("vs", "versus")],
]
# "consistent with" / "compatible con": the ICD-10-CM guidelines (Section II.H/III.C) list them as
# uncertainty terms, but in case reports they mostly report what a test showed ("biopsia compatible
# con carcinoma" is the diagnosis). context.py makes them "possible" unless a test/result word
# precedes them in the sentence or the sentence sits in a results section; then they confirm.
COMPAT_EN = ["consistent with", "compatible with", "in keeping with", "suggestive of"]
COMPAT_ES = ["compatible con", "compatibles con", "sugestivo de", "sugestiva de", "sugestivos de",
             "sugestivas de"]
RESULT_WORDS = {
    # test / finding nouns after which "compatible con" reports a result, not a doubt
    "biopsia", "biopsias", "histologia", "histologico", "histologica", "histopatologico",
    "histopatologica", "anatomia", "patologica", "patologico", "anatomopatologico",
    "anatomopatologica", "citologia", "citologico", "citologica", "cultivo", "cultivos", "tac", "tc",
    "rm", "rmn", "resonancia", "ecografia", "radiografia", "rx", "gammagrafia", "pet", "imagen",
    "imagenes", "hallazgo", "hallazgos", "estudio", "estudios", "informe", "pieza", "muestra",
    "muestras", "puncion", "paaf", "analitica", "serologia", "inmunohistoquimica", "ecocardiograma",
    "endoscopia", "colonoscopia", "cistoscopia", "electrocardiograma", "ecg", "angiotac", "uro-tc",
    "biopsy", "biopsies", "histology", "histologic", "histological", "histopathology",
    "histopathological", "pathology", "pathologic", "pathological", "cytology", "culture", "cultures",
    "ct", "cat", "mri", "scan", "ultrasound", "ultrasonography", "x-ray", "radiograph", "imaging",
    "images", "finding", "findings", "study", "studies", "report", "specimen", "sample", "aspirate",
    "serology", "immunohistochemistry", "echocardiogram", "echocardiography", "endoscopy",
    "colonoscopy", "cystoscopy", "electrocardiogram", "ekg", "smear", "potenciales", "evocados",
    "electromiograma", "electromiografía", "emg", "electroneurograma", "eeg", "electroencefalograma",
    "espirometría", "evoked", "potentials", "electromyography", "spirometry",
    # "todo ello compatible con" / "all of which is consistent with" concludes a list of findings
    "ello", "which",
}

HYPOTHETICAL_EN = [
    *[(p, "f") for p in (
        "if", "should", "in case of", "in the event of", "return if", "call if", "come back if",
        "return for", "seek care if", "watch for", "monitor for", "look out for", "at risk for",
        "at risk of", "risk of", "risk for", "to prevent", "prevention of",
        "prophylaxis of", "prophylaxis for", "prophylaxis against", "screening for", "screen for",
        "unless", "in order to avoid", "to avoid", "return sooner for", "return earlier for",
        "come back sooner for", "call sooner for",
    )],
    # a drug's aim: "aspirin for DVT prophylaxis", "statin for stroke prevention" (the chunk before)
    *[(p, "b1") for p in ("prophylaxis", "prevention")],
]
HYPOTHETICAL_ES = [
    *[(p, "f") for p in (
        "si", "en caso de", "en el caso de", "si presenta", "si aparece", "si aparecen", "si presentara",
        "acudir si", "consultar si", "vigilar", "vigilar la aparición de",
        "riesgo de", "prevención de", "para prevenir", "profilaxis de", "profilaxis para",
        "profilaxis frente a",
        "cribado de", "despistaje de", "para evitar", "evitar",
    )],
]

# Possible cues that introduce a list ("differential diagnosis: A, B, C"); other possible cues are
# adjectival and their forward scope ends at the next comma.
POSSIBLE_LIST_INTRO = frozenset({
    "differential diagnosis", "differential includes", "ddx", "rule out", "r/o", "rule-out", "to rule out",
    "evaluate for", "evaluation for", "diagnóstico diferencial", "diagnóstico diferencial con",
    "a descartar", "descartar", "para descartar",
})
# Hypothetical cues naming one risk or aim ("riesgo de X, ..."); "if"-type cues cover a whole list.
HYPOTHETICAL_NOUN = frozenset({
    "at risk for", "at risk of", "risk of", "risk for", "to prevent", "prevention of",
    "prophylaxis of", "prophylaxis for", "prophylaxis against", "screening for", "screen for",
    "in order to avoid", "to avoid", "riesgo de", "prevención de", "para prevenir", "profilaxis para",
    "profilaxis frente a", "profilaxis de", "cribado de", "despistaje de", "para evitar", "evitar",
})

HISTORICAL_EN = [
    *[(p, "f") for p in (
        "history of", "h/o", "hx of", "hx", "personal history of", "past history of",
        "past medical history of", "medical history of", "pmh of", "pmh significant for",
        "significant for a history of", "previous", "previously", "prior", "status post", "s/p",
        "remote", "former", "previous episode of", "prior episode of",
    )],
    *[(p, "adj") for p in ("resolved", "healed")],
    *[(p, "b") for p in ("in the past", "in childhood")],
]
HISTORICAL_ES = [
    *[(p, "f") for p in (
        "antecedentes de", "antecedente de", "antecedentes personales de", "antecedentes personales",
        "antecedentes médicos de", "antecedentes patológicos de", "antecedentes quirúrgicos de",
        "historia de", "historia previa de", "historia pasada de", "previamente", "intervenido de",
        "intervenida de", "operado de", "operada de", "episodio previo de", "episodios previos de",
    )],
    *[(p, "b1") for p in (
        "previo", "previa", "previos", "previas", "resuelto", "resuelta", "antiguo", "antigua",
    )],
    *[(p, "b") for p in ("resueltos", "resueltas", "en la infancia", "en el pasado")],
    # "cirugía previa de hernia inguinal": the next noun phrase too
    *[(p, "f1") for p in ("previa de", "previo de", "previas de", "previos de")],
]

FAMILY_EN = [
    *[(p, "f") for p in (
        "family history of", "family history", "fh of", "fhx", "fh", "family hx of", "family hx",
        "family member with", "runs in the family",
    )],
    # relatives: "mother had X" forward, "X in her mother" only the chunk right before. Children
    # ("son", "hijo") are left out: in case reports they are mostly the patient's obstetric history.
    *[(p, "bi1") for p in (
        "mother", "father", "mom", "dad", "sister", "sisters", "brother", "brothers", "sibling",
        "siblings", "aunt", "uncle", "grandmother", "grandfather", "grandparents", "grandparent",
        "cousin", "parents", "maternal", "paternal", "first-degree relative",
        "first degree relative", "relatives", "relative", "in the family",
    )],
]
FAMILY_ES = [
    *[(p, "f") for p in (
        "antecedentes familiares de", "antecedentes familiares", "antecedente familiar de",
        "historia familiar de", "historia familiar", "familiar de primer grado con",
        "familiares de primer grado con",
    )],
    *[(p, "bi1") for p in (
        "madre", "padre", "padres", "hermano", "hermana", "hermanos", "hermanas", "abuelo", "abuela",
        "abuelos", "tío", "tía", "tíos", "primo", "prima", "progenitor", "progenitora", "familiar de primer grado", "familiares de primer grado",
    )],
]

# ---------------------------------------------------------------- pseudo-triggers
# They contain a trigger word but are not one. "split" ones end a chunk (and are dropped from it);
# "keep" ones stay inside the chunk because they are part of a name ("gram negative bacilli").
PSEUDO_SPLIT_EN = [
    "no increase", "no significant increase", "no change", "no changes", "no significant change",
    "no interval change", "no definite change", "no suspicious change", "not only", "not necessarily",
    "not limited to", "but not limited to", "including but not limited to", "not extend", "not cause", "not drain", "without difficulty", "no doubt", "prior to",
    "history of present illness", "history and physical", "clinical history", "medical history",
    "mother reports", "mother states", "mother says", "father reports", "father states",
    "parents report", "per mother", "per father", "per parents", "lives with", "accompanied by",
    "brought in by", "infant of", "born to", "without correction", "not advisable", "not recommended",
    "not indicated", "not possible", "not feasible", "confirmed the suspicion of", "confirming the suspicion of",
    "confirmed the suspected", "confirmed the clinical suspicion of", "compared to prior", "compared with prior",
    "compared to previous", "compared with previous", "compared to the prior", "compared with the prior", "mother of", "father of", "if any", "if needed",
    "if necessary", "as needed", "if possible", "should be", "risk factors", "risk factor",
    # when the current problem began, not a past condition
    "previous day", "previous days", "previous week", "previous weeks", "previous month", "previous months",
    "previous year", "previous night", "previous hours", "prior day", "prior days", "prior week",
    "prior weeks", "prior month", "prior months",
    # statements of good health or tolerance, and a sign with no ICD-10-CM code of its own: they name no
    # condition ("good general condition" is not malaise, "hemodynamic instability" is not dizziness)
    "good general condition", "good general state", "good general status", "good condition",
    "good tolerance", "well tolerated", "hemodynamic instability", "hemodynamically unstable",
    "foveal depression", "body mass index", "mass effect",
    # "possible" as in "as soon as possible" expresses no doubt
    "as soon as possible", "whenever possible", "as much as possible", "where possible",
]
PSEUDO_KEEP_EN = [
    "gram negative", "gram-negative", "triple negative", "triple-negative", "rh negative",
    "rh-negative", "no reflow", "hormone receptor negative", "receptor negative", "coagulase negative",
    "coagulase-negative",
]
PSEUDO_SPLIT_ES = [
    "no aumento", "no cambios", "sin cambios", "sin cambios significativos", "no solo", "no sólo",
    "sin dificultad", "sin demora", "previo a", "previa a", "previamente a", "historia clínica",
    "enfermedad actual", "historia actual", "la madre refiere", "el padre refiere",
    "los padres refieren", "su madre refiere", "su padre refiere", "sus padres refieren",
    "madre refiere", "padre refiere", "según la madre", "según su madre", "según el padre",
    "según su padre", "según los padres", "según sus padres", "con su madre", "con su padre",
    "con sus padres", "por su madre", "por su padre", "por sus padres", "acompañado de su madre",
    "acompañada de su madre", "acompañado por su madre", "acompañada por su madre",
    "hijo de madre", "hija de madre", "recién nacido de madre", "madre de", "padre de", "vive con",
    "si bien", "sí", "sin corrección", "no indicado", "no indicada", "no recomendable", "no recomendado",
    "no recomendada", "no fue posible", "no es posible", "confirmó la sospecha de", "confirma la sospecha de", "se confirmó la sospecha de",
    "confirmándose la sospecha de", "confirmando la sospecha de", "confirmó el diagnóstico de sospecha de",
    "sin cita previa", "sin cita", "respecto al previo", "respecto a la previa", "respecto a previo",
    "con respecto al previo", "con respecto a la previa", "en comparación con el previo", "factores de riesgo", "factor de riesgo", "si precisa", "si es necesario",
    "si procede",
    # estados de buena salud o tolerancia, y un signo sin código propio: no nombran ninguna enfermedad
    # ("buen estado general" no es malestar; "inestabilidad hemodinámica" no es mareo)
    "buen estado general", "buen estado general y nutricional", "buen estado nutricional",
    "buen estado de salud", "buen estado", "buena tolerancia", "bien tolerado", "bien tolerada",
    "inestabilidad hemodinámica", "hemodinámicamente inestable",
    # una dosis de carga, no un estado de shock; la fóvea normal, no un trastorno del ánimo
    "dosis de choque", "depresión foveal",
    # una medida o un signo radiológico, no una masa
    "índice de masa corporal", "efecto masa", "efecto de masa",
    # "posible" sin duda diagnóstica
    "la mayor brevedad posible", "lo antes posible", "lo más pronto posible", "lo más rápido posible",
    "en lo posible", "en la medida de lo posible", "lo máximo posible",
    # cuándo empezó el problema actual, no un antecedente
    "la semana previa", "las semanas previas", "el día previo", "los días previos", "el mes previo",
    "los meses previos", "el año previo", "la noche previa", "las horas previas", "semanas previas",
    "días previos", "meses previos", "horas previas",
]
PSEUDO_KEEP_ES = [
    "gram negativo", "gram negativos", "gram negativa", "gram negativas", "gramnegativo",
    "gramnegativos", "triple negativo", "triple negativa", "rh negativo", "rh negativa",
    "receptores negativos", "hidrocefalia a presión normal", "hidrocefalia de presión normal",
    "hidrocefalia normotensiva", "glaucoma de presión normal", "glaucoma de tensión normal", "parto normal",
    "embarazo normal", "no hodgkin", "no hodgkiniano", "no microcítico", "no microcitico",
    "no insulinodependiente", "no insulino dependiente", "no filiado", "no filiada",
    "no especificado", "no especificada", "no clasificado", "no productiva", "no productivo",
    "sin especificar", "sin otra especificación", "sin hogar", "sin techo", "no esteroideo", "no esteroideos", "no esteroidea", "no esteroideas", "no invasivo", "no invasiva",
    "no reactivo", "no reactiva", "no dependiente", "coagulasa negativo", "coagulasa negativa",
    "coagulasa negativos", "coagulasa-negativo",
]
PSEUDO_KEEP_EN += ["normal pressure hydrocephalus", "normal-pressure hydrocephalus", "normal tension glaucoma",
                   "normal-tension glaucoma", "normal pressure glaucoma", "normal delivery", "normal pregnancy",
                   "without mention of", "not elsewhere classified", "nonsteroidal", "non-steroidal", "non-hodgkin", "non hodgkin", "non-small", "non small", "not otherwise specified",
                   "non-insulin-dependent", "non insulin dependent"]

# ---------------------------------------------------------------- terminators
# End the scope of triggers (all categories, or the listed ones) and split chunks.
TERMINATE_ALL_EN = [
    "until", "but", "however", "although", "though", "yet", "except", "except for", "apart from", "aside from",
    "nevertheless", "nonetheless", "whereas", "other than", "despite", "in spite of", "instead",
    # "no personal history of interest, consulted for X": as "de interés" in Spanish ("no history of" takes
    # the "of", so "interest" ends the scope alone too)
    "of interest", "interest",
]
TERMINATE_ALL_ES = [
    "de interés", "de interes", "antecedentes de interés", "antecedentes personales de interés",
    "antecedentes médicos de interés", "antecedentes patológicos de interés",
    "antecedentes familiares de interés", "antecedentes quirúrgicos de interés",
    "antecedentes médico-quirúrgicos de interés", "antecedentes medicoquirúrgicos de interés",
    "otros antecedentes de interés", "antecedentes personales ni familiares de interés",
    "hasta que", "pero", "pero si", "pero sí", "aunque", "sin embargo", "no obstante", "excepto", "salvo",
    "a excepción de", "con excepción de", "aparte de", "si bien", "mientras que", "a pesar de", "excepto por",
    # "sin antecedentes familiares de interés": the trigger takes the "de"
    "interés",
]
TERMINATE_NEGATED_EN = [
    # the negated noun phrase ends at its passive verb: "no lesion was found in the CT affecting ..."
    "was found", "were found", "was seen", "were seen", "was observed", "were observed", "was detected",
    "were detected", "was identified", "were identified", "was noted", "were noted", "is seen", "are seen",
    "is noted", "are noted", "is identified", "are identified", "is observed", "are observed",
    "because", "since", "due to", "given that", "as it", "as they", "so", "therefore", "thus", "it was",
    "it is",
    "without apparent cause", "without a clear cause", "without an apparent cause", "without apparent source",
    "without a clear source", "without obvious cause", "untreated", "without treatment",
    "no known drug allergies", "no known allergies", "nkda",
    ", with", "which", "who", "whose",
    "only", "just", ", is", "reports", "reported", "reporting", "complains of", "complaining of", "complained of", "c/o",
    "presents with", "presented with", "presenting with", "positive for", "endorses", "endorsed",
    "admits", "admits to", "admitted to", "notes", "has", "now has", "shows", "showed", "revealed",
    "reveals", "demonstrated", "demonstrates", "developed",
]
TERMINATE_NEGATED_ES = [
    "porque", "ya que", "puesto que", "debido a", "debido al", "dado que", "a causa de", "a causa del",
    # negations of something that is not a condition: they end a negation's list
    "sin foco aparente", "sin foco", "sin causa aparente", "sin desencadenante aparente",
    "sin desencadenante", "sin motivo aparente", "sin otra sintomatología", "sin otros síntomas",
    "sin otra clínica", "sin tratamiento", "sin tratamiento específico", "sin tratar", "no tratado",
    "no tratada", "no tratados", "no tratadas", "no intervenido", "no intervenida", "sin alergias conocidas",
    "sin alergias medicamentosas conocidas", "no alergias medicamentosas conocidas",
    ", con", "que", "y que", "el cual", "la cual", "los cuales", "las cuales", "cuyo", "cuya", "cuyos",
    "cuyas",
    "refiere", "refería", "refirió", "refiriendo", "presenta", "presentaba", "presentó",
    "presentando", "aqueja", "consulta por", "acude por", "positivo para", "positiva para",
    "positivos para", "positivas para", "destaca", "destacando", "se observa", "se observan",
    "se observó", "se observaron", "se aprecia", "se aprecian", "se apreció", "se objetiva",
    "se objetivan", "se objetivó", "se evidencia", "se evidencian", "se evidenció", "se palpa",
    "se palpan", "se detecta", "se detectan", "se detectó", "muestra", "muestran", "mostraba",
    "mostró", "revela", "reveló", "objetivándose", "apreciándose", "evidenciándose", "tiene", "tenía",
    # "no hay antecedentes de fiebre, solo calambres": what is "only" there is present; ", es hipertensa"
    # after "no refiere alergias ni hábitos tóxicos" starts a new clause (the comma keeps "no es doloroso")
    "solo", "sólo", "únicamente", "unicamente", ", es", ", está", ", esta",
]
TERMINATE_HISTORICAL_EN = [
    "presents", "presented", "presenting", "now", "currently", "admitted", "comes in", "came in",
    "is admitted", "was admitted", "today", "at present",
]
TERMINATE_HISTORICAL_ES = [
    "acude", "acudió", "consulta", "consultó", "ingresa", "ingresó", "presenta", "presentó",
    "actualmente", "en la actualidad", "en el momento actual", "hoy",
]
# The patient's current problem starts here: ends negated and historical scopes
# ("history of HTN who presents with chest pain", "sin antecedentes de interés, acude por disnea").
TERMINATE_CURRENT_EN = [
    "presents with", "presented with", "presenting with", "presents to", "presented to", "admitted for",
    "admitted with", "was admitted for", "was admitted with", "comes in with", "came in with",
    "complains of", "complaining of", "presents", "presented", "presenting", "develops", "developed",
    "suffered", "suffers", "began", "started", "diagnosed with", "was diagnosed with",
    "consulted for", "consults for", "consulted", "consults", "suffering", "suffering from",
    "starts", "starts to", "begins", "begins to", "started to", "began to",
    # "with no significant past medical history was referred for a choroid melanoma"
    "was referred", "is referred", "referred to", "referred for", "was referred to", "was referred for",
]
TERMINATE_CURRENT_ES = [
    "acude", "acudió", "acude por", "acudió por", "acude a urgencias por", "acudió a urgencias por",
    "acude a urgencias", "acudió a urgencias", "acude al servicio de urgencias por",
    "acudió al servicio de urgencias por", "consulta por", "consultó por", "ingresa por", "ingresó por",
    "ingresa", "ingresó", "presenta", "presentó", "presentaba", "refiere", "refería",
    "es remitido por", "es remitida por", "remitido por", "remitida por", "derivado por", "derivada por",
    "presentar", "por presentar", "al presentar", "tras presentar", "sufre", "sufrió", "sufría",
    "padece", "padecía", "desarrolla", "desarrolló", "inicia", "inició", "comienza", "comenzó", "empieza",
    "empezó",
    "diagnosticado de", "diagnosticada de", "diagnosticados de", "diagnosticadas de",
    "es remitido", "es remitida", "fue remitido", "fue remitida", "remitido a", "remitida a",
    "es derivado", "es derivada", "fue derivado", "fue derivada", "derivado a", "derivada a",
]
TERMINATE_CLAUSE_ES = ["se"]
# A new subject ends every scope ("sin recibir ninguna dosis, la paciente persiste con disnea").
TERMINATE_FAMILY_EN = ["patient", "the patient", "pt", "he", "she", "our patient"]
TERMINATE_FAMILY_ES = [
    "el paciente", "la paciente", "nuestro paciente", "nuestra paciente", "el enfermo", "la enferma",
    "el niño", "la niña", "el lactante", "la lactante",
]

# ---------------------------------------------------------------- chunk boundaries
# Coordinators: end a chunk but not a trigger's scope ("denies fever and chills").
CONJ_EN = ["and", "or", "and/or", "nor", "as well as", "plus", "&"]
CONJ_ES = ["y", "e", "o", "u", "ni", "y/o", "así como", "junto con", "junto a"]
# Coordinated phrases that name one thing; never split.
KEEP_EN = [
    "head and neck", "nausea and vomiting", "nausea and/or vomiting", "signs and symptoms",
    "ear, nose and throat", "ear, nose, and throat", "hand, foot and mouth", "hand, foot, and mouth",
    "alcohol and drug", "drug and alcohol", "dilation and curettage", "dilatation and curettage",
    "e. coli", "liver and biliary", "coronary artery bypass", "pelvic and acetabular",
]
KEEP_ES = [
    "cabeza y cuello", "náuseas y vómitos", "nauseas y vomitos", "signos y síntomas",
    "mano, pie y boca", "cuerpo y cola", "cabeza y cola", "e. coli", "hígado y vías biliares",
    "legrado y dilatación", "dilatación y legrado", "oído, nariz y garganta",
]
# Plain boundaries: clause openers and verbs that separate noun phrases; no effect on scope.
SPLIT_EN = [
    "which", "who", "whom", "whose", "where", "when", "that", "then", "also", "is", "was", "were",
    "are", "been", "be", "being", "had", "have", "having", "because", "since", "due to the fact",
    "underwent", "received", "receiving", "started on", "treated with", "was treated with",
    "managed with", "found", "noted", "seen", "develops", "develop", "occurs", "occur", "worsens",
    "worsen", "persists", "persist", "appears", "appear", "recurs", "e.g", "i.e", "such as",
    "including", "includes", "so", "therefore", "thus", "after which", "did", "does", "do",
    "performed", "confirmed", "showed", "revealed", "observed", "demonstrated", "described", "describing",
    "showing", "revealing", "corresponded", "consulted", "treated", "continued", "required", "diagnosed",
    "died of", "died from", "died", "passed away from", "deceased from", "demonstrating", "allowing",
    "corresponding to", "indicating", "consisting of",
]
SPLIT_ES = [
    "que", "quien", "quienes", "cual", "cuales", "donde", "cuando", "es", "fue", "era", "son",
    "fueron", "eran", "está", "estaba", "están", "estaban", "ha", "había", "han", "habían", "hubo",
    "tuvo", "por lo que", "por ello", "por este motivo", "ya que", "porque", "puesto que",
    "mediante", "tratado con", "tratada con", "en tratamiento con", "realizándose", "realizando",
    "iniciándose", "iniciando", "p. ej", "por ejemplo", "como", "entonces", "también",
    "además", "luego", "posteriormente", "siendo", "estando", "quedando", "fallecido por",
    "fallecida por", "fallecido de", "fallecida de", "fallecido", "fallecida",
    "trata de", "tratarse de", "explica", "corresponde a", "correspondiente a", "consistente en",
]

# Punctuation tokens that end a chunk. ";" also ends every scope (ConText treats it as a clause end).
BOUNDARY_PUNCT = frozenset(",;:()[]{}\"“”«»|•*=<>–—/¿?¡!…")
SCOPE_END_PUNCT = frozenset(";")

# Tokens stripped from the edges of a chunk before it becomes a mention.
STRIP_EDGE = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "into", "as", "his",
    "her", "their", "its", "this", "these", "those", "some", "any", "very", "also", "patient",
    "patients", "pt", "he", "she", "it", "they", "we", "our", "was", "is", "were", "are", "has",
    "had", "have", "be", "been", "and", "or",
    "el", "la", "los", "las", "lo", "un", "una", "unos", "unas", "de", "del", "al", "en", "con",
    "por", "para", "sus", "su", "este", "esta", "estos", "estas", "ese", "esa", "esos", "esas",
    "muy", "paciente", "pacientes", "y", "o", "e", "u", "le", "les", "desde", "hasta", "tras",
    "sobre", "entre", "ante", "bajo", "ya", "dicho", "dicha", "nuestro", "nuestra", "todo", "ello",
})
# Only at the start of a chunk: filler heads of "a picture of X", "diagnosis of X", "signs of X".
STRIP_LEADING = STRIP_EDGE | frozenset({
    "picture", "clinical", "diagnosis", "diagnosed", "diagnoses", "episode", "episodes", "signs",
    "sign", "symptoms", "symptom", "evidence", "findings", "finding", "known", "cuadro", "clínico",
    "clinico", "clinica", "diagnóstico", "diagnostico", "diagnosticado", "diagnosticada",
    "diagnosticados", "episodio", "episodios", "signos", "síntomas", "sintomas", "datos",
    "hallazgos", "conocido", "conocida", "presencia", "imagen", "imágenes", "imagenes", "presence",
    "existence", "existencia", "all",
})
# After a bare negation ("no", "no se", "not", "did not"), one of these verbs belongs to the trigger
# ("did not report fever", "no mostraban alteraciones"); Spanish verb forms are also found by ending.
NEGATION_VERBS = frozenset({
    "report", "reports", "reported", "have", "has", "had", "show", "shows", "showed", "reveal", "revealed",
    "demonstrate", "demonstrated", "present", "complain", "exhibit", "experience", "develop", "developed",
    "note", "see", "find", "identify", "endorse", "include", "appear", "need", "require", "seem", "feel",
    "presenta", "presentan", "muestra", "muestran", "refiere", "refieren", "tiene", "tienen", "existe",
    "existen", "hay", "objetiva", "objetivan", "observa", "observan", "aprecia", "aprecian", "evidencia",
    "evidencian", "palpa", "palpan", "detecta", "detectan", "identifica", "identifican", "demuestra",
    "encuentra", "encuentran", "visualiza", "visualizan", "constata", "realiza", "precisa", "requiere",
    "asocia", "asocian", "ha", "han", "había", "habían", "hubo", "been",
})
# Auxiliaries after which a participle also joins the cue ("no ha desarrollado", "has not had").
NEGATION_AUX = frozenset({"ha", "han", "habia", "habian", "hubo", "has", "have", "had", "been"})
NEGATION_BARE = frozenset({"no", "se", "not", "never", "nunca", "tampoco", "ni", "did", "does", "do", "longer"})
# A chunk made only of these (plus numbers and punctuation) names nothing.
NON_CONTENT = frozenset({
    "mg", "g", "gr", "kg", "mcg", "ug", "ml", "l", "dl", "mmol", "mol", "meq", "u", "ui", "iu",
    "mmhg", "lpm", "bpm", "rpm", "mm", "cm", "m", "h", "hr", "hrs", "hours", "hour", "horas", "hora",
    "min", "minutes", "minutos", "s", "seg", "sec", "day", "days", "día", "dia", "días", "dias",
    "week", "weeks", "semana", "semanas", "month", "months", "mes", "meses", "year", "years", "año",
    "ano", "años", "anos", "old", "x", "mm3", "ng", "pg", "fl", "µl", "ul", "mEq", "c", "ºc", "%",
    "mg/dl", "mm/h", "ph", "po", "iv", "im", "bid", "tid", "qd", "cada", "vez", "veces",
})

# ---------------------------------------------------------------- sentence splitting
# A period after these is not a sentence end (compared lower case, without the period).
ABBREVIATIONS = frozenset({
    "dr", "dra", "drs", "sr", "sra", "srta", "mr", "mrs", "ms", "prof", "st", "vs", "approx", "aprox",
    "fig", "figs", "no", "nº", "núm", "num", "pág", "pag", "ej", "e.g", "i.e", "cf", "al", "etc.al",
    "ca", "aa", "dcha", "izda", "izq", "der", "ud", "uds", "vol", "ed", "eds", "p.ej", "resp", "ref",
    "inc", "ltd", "co", "jr", "sp", "spp", "gen", "var", "max", "mín", "min", "máx",
})

# ---------------------------------------------------------------- sections
# Normalized header text (lower case, accents folded, single spaces) -> section name.
SECTION_HEADERS = {
    "history": [
        "past medical history", "medical history", "pmh", "past history", "past medical hx",
        "past surgical history", "psh", "surgical history", "past medical and surgical history",
        "past medical/surgical history", "history", "hx", "medical hx", "pmhx",
        "antecedentes", "antecedentes personales", "antecedentes medicos", "antecedentes patologicos",
        "antecedentes quirurgicos", "antecedentes medico-quirurgicos", "antecedentes medicoquirurgicos",
        "antecedentes de interes", "antecedentes personales de interes", "ap", "historia pasada",
    ],
    "family_history": [
        "family history", "fh", "fhx", "family hx", "family medical history",
        "antecedentes familiares", "af", "historia familiar", "antecedentes heredofamiliares",
        "antecedentes heredo-familiares",
    ],
    "social_history": [
        "social history", "sh", "shx", "social hx", "habits", "substance use", "tobacco",
        "habitos toxicos", "habitos", "historia social", "antecedentes sociales", "situacion social",
        "situacion sociofuncional",
    ],
    "medications": [
        "medications", "medication", "meds", "current medications", "home medications",
        "medication list", "discharge medications", "outpatient medications", "current meds",
        "tratamiento", "tratamiento habitual", "tratamiento actual", "medicacion",
        "medicacion habitual", "medicacion actual", "farmacos", "tratamiento al alta",
        "tratamiento domiciliario",
    ],
    "allergies": [
        "allergies", "allergy", "drug allergies", "alergias", "alergia", "alergias medicamentosas",
        "ram", "reacciones adversas medicamentosas",
    ],
    "hpi": [
        "history of present illness", "hpi", "present illness", "chief complaint", "cc",
        "reason for visit", "reason for admission", "reason for consultation", "subjective",
        "history of the present illness", "interval history", "enfermedad actual", "motivo de consulta",
        "motivo de ingreso", "motivo de la consulta", "anamnesis", "historia actual",
        "s",  # a SOAP note's "S:" (subjective) line
    ],
    "ros": ["review of systems", "ros", "systems review", "revision por sistemas", "revision por aparatos"],
    "exam": [
        "physical exam", "physical examination", "exam", "examination", "pe", "vitals", "vital signs",
        "objective", "exploracion fisica", "exploracion", "examen fisico", "exploracion general",
        "constantes", "constantes vitales", "exploracion fisica al ingreso",
        "o",  # a SOAP note's "O:" (objective) line
    ],
    "results": [
        "labs", "lab", "laboratory", "laboratory results", "lab results", "laboratory data",
        "results", "imaging", "radiology", "studies", "diagnostic studies", "data", "pathology",
        "pruebas complementarias", "exploraciones complementarias", "examenes complementarios",
        "analitica", "resultados", "laboratorio", "estudios", "pruebas de imagen",
        "estudios complementarios", "pruebas complementarias realizadas", "anatomia patologica",
        "informe anatomopatologico",
    ],
    "assessment": [
        "assessment", "assessment and plan", "assessment/plan", "assessment & plan", "a/p", "a&p",
        "impression", "clinical impression", "impression and plan", "impression/plan", "a",
        "juicio clinico", "juicio diagnostico", "impresion diagnostica", "impresion clinica",
        "impresion", "valoracion", "evaluacion", "orientacion diagnostica",
    ],
    "diagnoses": [
        "diagnoses", "diagnosis", "discharge diagnoses", "discharge diagnosis", "final diagnosis",
        "final diagnoses", "principal diagnosis", "primary diagnosis", "secondary diagnoses",
        "secondary diagnosis", "admitting diagnosis", "admission diagnosis", "diagnoses at discharge",
        "problem list", "active problems", "problems", "dx", "discharge dx", "postoperative diagnosis",
        "preoperative diagnosis", "postoperative diagnoses", "preoperative diagnoses", "pre-operative diagnosis",
        "post-operative diagnosis", "preop diagnosis", "postop diagnosis", "preop dx", "postop dx",
        "pre-procedure diagnosis", "post-procedure diagnosis", "preprocedure diagnosis",
        "postprocedure diagnosis", "diagnostic impression",
        "diagnostico preoperatorio", "diagnostico postoperatorio", "diagnostico prequirurgico",
        "diagnostico posquirurgico", "diagnostico postquirurgico", "diagnostico", "diagnosticos", "diagnostico principal",
        "diagnosticos secundarios", "diagnostico secundario", "diagnostico al alta",
        "diagnosticos al alta", "diagnostico final", "diagnosticos finales", "diagnostico definitivo",
        "diagnosticos de alta", "diagnostico de alta", "lista de problemas", "problemas activos",
    ],
    "plan": [
        "plan", "recommendations", "follow-up", "follow up", "recomendaciones", "seguimiento",
        "plan de tratamiento", "p",
    ],
    # Sections of operative, procedure and discharge documents (issue 8): why it was done and what was
    # found are diagnostic; what was done, what was consented to and what to watch for at home are not.
    "indications": [
        "indications", "indication", "indications for procedure", "indication for procedure",
        "indications for surgery", "indication for surgery", "indications for operation",
        "reason for procedure", "reason for surgery", "reason for exam", "reason for study",
        "clinical indication", "clinical indications", "clinical history", "history of indications",
        "indicacion", "indicacion quirurgica", "indicaciones del procedimiento", "motivo de la exploracion",
        "motivo del estudio",
    ],
    "findings": [
        "findings", "operative findings", "intraoperative findings", "procedure findings", "finding",
        "hallazgos", "hallazgos operatorios", "hallazgos intraoperatorios", "hallazgos quirurgicos",
    ],
    "complications": ["complications", "complication", "complicaciones", "incidencias"],
    "procedure": [
        "procedure", "procedures", "procedure performed", "procedures performed", "operation", "description",
        "operation performed", "operations performed", "name of procedure", "name of operation",
        "title of procedure", "title of operation", "surgery", "surgery performed", "operative procedure",
        "operative procedures", "description of procedure", "description of the procedure",
        "description of operation", "description of the operation", "procedure in detail",
        "details of procedure", "details of the procedure", "procedure details", "procedure description",
        "operative technique", "technique", "operative note", "operative report", "operative description",
        "description of surgery", "procedure note", "anesthesia", "type of anesthesia", "anesthetic",
        "estimated blood loss", "ebl", "specimen", "specimens", "specimens removed", "drains", "implants",
        "tourniquet time", "sponge and needle counts", "assistant", "assistants", "surgeon",
        "anesthesiologist",
        "procedimiento", "procedimientos", "procedimiento realizado", "intervencion",
        "intervencion quirurgica", "intervencion realizada", "operacion", "operacion realizada",
        "descripcion del procedimiento", "descripcion de la intervencion", "descripcion quirurgica",
        "tecnica", "tecnica quirurgica", "protocolo quirurgico", "anestesia", "tipo de anestesia",
        "sangrado estimado", "perdida hematica", "muestras", "pieza quirurgica", "drenajes", "drenaje",
        "cirujano", "ayudante", "posicion",
    ],
    "consent": [
        "consent", "informed consent", "consents", "risks and benefits", "risks/benefits",
        "risks, benefits and alternatives", "consentimiento", "consentimiento informado",
    ],
    "instructions": [
        "discharge instructions", "instructions", "patient instructions", "disposition", "discharge plan",
        "return precautions", "precautions", "patient education", "education", "activity", "diet",
        "wound care", "discharge condition", "condition at discharge", "condition on discharge",
        "indicaciones", "indicaciones al alta", "recomendaciones al alta", "instrucciones",
        "instrucciones al alta", "cuidados", "destino", "dieta", "actividad",
    ],
}
# Fallback for header-like text not listed above: first keyword found (in this order) wins.
SECTION_KEYWORDS = [
    ("family", "family_history"), ("familiar", "family_history"), ("social", "social_history"),
    ("allerg", "allergies"), ("alergi", "allergies"), ("present illness", "hpi"),
    ("enfermedad actual", "hpi"), ("motivo de", "hpi"), ("complaint", "hpi"),
    ("assessment", "assessment"), ("impression", "assessment"), ("impresion", "assessment"),
    ("juicio", "assessment"), ("diagnostic stud", "results"), ("diagnos", "diagnoses"),
    ("indication", "indications"), ("finding", "findings"), ("hallazgo", "findings"),
    ("consent", "consent"), ("instruction", "instructions"), ("precaution", "instructions"),
    ("procedure", "procedure"), ("procedimiento", "procedure"), ("operation", "procedure"),
    ("operative note", "procedure"), ("operative report", "procedure"),
    ("intervencion", "procedure"), ("review of system", "ros"),
    ("medication", "medications"), ("medicacion", "medications"), ("tratamiento", "medications"),
    ("exam", "exam"), ("exploracion", "exam"), ("laborator", "results"), ("analitica", "results"),
    ("complementari", "results"), ("imag", "results"), ("radiolog", "results"), ("result", "results"),
    ("antecedentes", "history"), ("history", "history"), ("plan", "plan"),
]
# fmt: on
