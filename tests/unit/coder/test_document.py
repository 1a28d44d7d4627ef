"""Document understanding and ConText for what is not a diagnosis (issue 8): document types, section
kinds (flattened sections included) and the trigger sets of understand/nondx.py, in English and Spanish.
The notes are written for these tests (US transcription style and Spanish clinical style)."""

from __future__ import annotations

import pytest
from codify_coder.understand import analyze, detect_document_type


class _Mentions(dict):
    """Mentions by text; a phrase that is not a whole mention finds the one mention that contains it."""

    def __missing__(self, phrase):
        found = [m for text, m in self.items() if phrase in text]
        assert len(found) == 1, f"{phrase!r} in {list(self)}"
        return found[0]


def by_text(text: str, language="auto"):
    u = analyze(text, language)
    return u, _Mentions((m.text, m) for m in u.mentions)


FLATTENED_OP = (
    "PREOPERATIVE DIAGNOSIS: , Bladder cancer.,POSTOPERATIVE DIAGNOSIS: , Bladder cancer.,PROCEDURE: , "
    "Cystoscopy and transurethral resection of bladder tumor.,ANESTHESIA: , General.,ESTIMATED BLOOD LOSS: , "
    "Minimal.,INDICATIONS: , This 72-year-old man presented with gross hematuria.,DESCRIPTION OF PROCEDURE: , "
    "The patient was brought to the operating room and placed in the lithotomy position. Bleeding points were "
    "controlled with cautery. The omentum was lifted and the mesentery was divided. The wound was closed.,"
    "FINDINGS: , A 2 cm papillary tumor at the dome."
)


# ---------------------------------------------------------------- document types
@pytest.mark.parametrize(
    "text, expected",
    [
        (FLATTENED_OP, "operative_report"),
        ("PROCEDURE NOTE\n\nPROCEDURE: Paracentesis.\nINDICATION: Tense ascites.", "procedure_note"),
        ("REASON FOR CONSULTATION: Atrial fibrillation.\nThank you for this referral.", "consult"),
        (
            (
                "HISTORY AND PHYSICAL\nCHIEF COMPLAINT: Chest pain.\nHISTORY OF PRESENT ILLNESS: 60-year-old man.\n"
                "PHYSICAL EXAMINATION: Normal."
            ),
            "history_and_physical",
        ),
        (
            "SUBJECTIVE: Doing well.\nOBJECTIVE: Afebrile.\nASSESSMENT: Otitis media.\nPLAN: Amoxicillin.",
            "progress_note",
        ),
        (
            "DISCHARGE SUMMARY\nHOSPITAL COURSE: Treated for pneumonia.\nDISCHARGE DIAGNOSES: Pneumonia.",
            "discharge_summary",
        ),
        (
            (
                "EXAM: CT abdomen and pelvis with contrast.\nTECHNIQUE: Axial images.\nCOMPARISON: None.\n"
                "FINDINGS: Normal appendix.\nIMPRESSION: No acute process."
            ),
            "imaging_report",
        ),
        ("ED COURSE: The patient presented to the emergency department with a laceration.", "ed_note"),
        ("Varón de 45 años que acude por dolor torácico. Se realizó ecocardiograma.", "case_report"),
        (
            "DIAGNÓSTICO PREOPERATORIO: colelitiasis.\nDESCRIPCIÓN DE LA INTERVENCIÓN: se traslada a quirófano.",
            "operative_report",
        ),
        (
            "INFORME DE ALTA\nEVOLUCIÓN DURANTE EL INGRESO: favorable.\nDIAGNÓSTICO AL ALTA: neumonía.",
            "discharge_summary",
        ),
        ("Hypertension, stable.", "unknown"),
    ],
)
def test_document_type(text, expected):
    assert detect_document_type(text) == expected
    assert analyze(text).document_type == expected


# ---------------------------------------------------------------- sections, flattened included
def test_flattened_sections_start_new_sentences_with_their_kinds():
    u = analyze(FLATTENED_OP, "en")
    kinds = {FLATTENED_OP[s.start : s.end]: (s.section, s.kind) for s in u.sentences}
    assert kinds["POSTOPERATIVE DIAGNOSIS:"] == ("diagnoses", "diagnostic")
    assert kinds["Bladder cancer."] == ("diagnoses", "diagnostic")
    assert kinds["This 72-year-old man presented with gross hematuria."] == ("indications", "diagnostic")
    assert kinds["Bleeding points were controlled with cautery."] == ("procedure", "procedure_narrative")
    assert kinds["A 2 cm papillary tumor at the dome."] == ("findings", "diagnostic")
    # no sentence runs over a header
    assert not any(":" in FLATTENED_OP[s.start : s.end].rstrip(":") for s in u.sentences)


def test_flattened_postoperative_diagnosis_is_a_present_diagnosis():
    u, m = by_text(FLATTENED_OP, "en")
    bladder = [x for x in u.mentions if x.text == "Bladder cancer"]
    assert len(bladder) == 2
    assert all(
        x.assertion == "present" and x.section_kind == "diagnostic" and x.context is None for x in bladder
    )
    assert m["2 cm papillary tumor at the dome"].assertion == "present"
    assert "gross hematuria" in " ".join(x.text for x in u.mentions if x.assertion == "present")


def test_procedure_narrative_states_no_condition():
    u, _ = by_text(FLATTENED_OP, "en")
    narrative = [m for m in u.mentions if m.section_kind == "procedure_narrative"]
    assert {"Bleeding points", "omentum", "mesentery", "wound"} <= {m.text for m in narrative}
    for m in narrative:
        assert (m.assertion, m.context) == ("hypothetical", "procedure_step"), m.text


def test_procedure_narrative_keeps_explicit_findings():
    text = (
        "PREOPERATIVE DIAGNOSIS: Right inguinal hernia.\n"
        "DESCRIPTION OF PROCEDURE: The patient was brought to the operating room. The cord was dissected. "
        "An indirect hernia sac was found and was ligated. The appendix was noted to be inflamed.\n"
    )
    u, m = by_text(text, "en")
    assert u.document_type == "operative_report"
    assert m["cord"].context == "procedure_step"
    assert m["indirect hernia sac"].assertion == "present" and m["indirect hernia sac"].context is None
    assert m["appendix"].assertion == "present"


def test_operative_narrative_opened_without_header():
    text = (
        "PREOPERATIVE DIAGNOSIS: Symptomatic cholelithiasis.\nPOSTOPERATIVE DIAGNOSIS: Same.\n\n"
        "The patient was brought to the operating room and placed in the supine position. "
        "Adhesions of the omentum were taken down with cautery. The wound was closed."
    )
    _, m = by_text(text, "en")
    assert m["Symptomatic cholelithiasis"].section_kind == "diagnostic"
    assert m["Adhesions of the omentum"].section_kind == "procedure_narrative"
    assert m["Adhesions of the omentum"].context == "procedure_step"


def test_spanish_operative_report_sections():
    text = (
        "DIAGNÓSTICO POSTOPERATORIO: Apendicitis aguda gangrenosa.\n"
        "DESCRIPCIÓN DE LA INTERVENCIÓN: Se traslada a quirófano. Se realiza hemostasia del mesoapéndice. "
        "Se cierra la herida por planos. Se objetiva apéndice perforado.\n"
    )
    u, m = by_text(text, "es")
    assert u.document_type == "operative_report"
    assert (m["Apendicitis aguda gangrenosa"].assertion, m["Apendicitis aguda gangrenosa"].section_kind) == (
        "present",
        "diagnostic",
    )
    step = [x for x in u.mentions if "mesoapéndice" in x.text]
    assert step and step[0].context == "procedure_step" and step[0].assertion == "hypothetical"
    found = [x for x in u.mentions if "apéndice perforado" in x.text]
    assert found and found[0].assertion == "present"


def test_case_report_surgery_story_keeps_its_findings():
    # a published case report tells the operation and codes what it found: no procedure_step there
    text = (
        "Varón de 60 años. Intervención quirúrgica\n"
        "Se realizó laparotomía. Se reseca el tumor de colon sigmoide y se cierra la pared."
    )
    u = analyze(text, "es")
    assert u.document_type == "case_report"
    assert all(m.context != "procedure_step" for m in u.mentions)


def test_review_of_systems_and_instructions_headers():
    text = "REVIEW OF SYSTEMS: Positive for fatigue.\nDISCHARGE INSTRUCTIONS: Low salt diet. Wound infection care.\n"
    _, m = by_text(text, "en")
    assert m["fatigue"].section_kind == "ros"
    assert m["Wound infection care"].section_kind == "instructions"
    assert (m["Wound infection care"].assertion, m["Wound infection care"].context) == (
        "hypothetical",
        "instruction",
    )


# ---------------------------------------------------------------- trigger sets, English
def test_consent_paragraph_risks_are_hypothetical():
    text = (
        "The risks of anesthesia, bleeding, infection, pain, MI, DVT and PE were discussed with the patient, "
        "who wished to proceed with laparoscopic cholecystectomy for symptomatic cholelithiasis."
    )
    u, m = by_text(text, "en")
    for word in ("bleeding", "infection", "pain", "MI", "DVT", "PE"):
        assert (m[word].assertion, m[word].context) == ("hypothetical", "risk_discussed"), word
    indication = [x for x in u.mentions if "symptomatic cholelithiasis" in x.text]
    assert indication and indication[0].assertion == "present" and indication[0].context is None


def test_consent_including_but_not_limited_to():
    text = "Risks include but are not limited to bleeding, infection, damage to surrounding structures and need for further surgery."
    _, m = by_text(text, "en")
    assert (m["bleeding"].assertion, m["bleeding"].context) == ("hypothetical", "risk_discussed")
    assert m["infection"].context == "risk_discussed"


def test_consent_section_without_risk_word():
    text = "CONSENT: Bleeding, infection and perforation were reviewed and written consent was obtained."
    _, m = by_text(text, "en")
    assert m["Bleeding"].section_kind == "consent"
    assert (m["perforation"].assertion, m["perforation"].context) == ("hypothetical", "risk_discussed")


def test_risk_factors_and_real_complications_are_not_risks_discussed():
    text = (
        "Cardiovascular risk factors include hypertension and diabetes. "
        "His course was complicated by pneumonia."
    )
    _, m = by_text(text, "en")
    assert m["hypertension"].assertion == "present" and m["hypertension"].context is None
    assert m["pneumonia"].assertion == "present" and m["pneumonia"].context is None


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("The procedure was performed without complications.", "complications"),
        ("There were no intraoperative complications.", "intraoperative complications"),
        ("No bleeding was seen at the end of the case.", "bleeding"),
        ("Estimated blood loss was minimal.", "Estimated blood loss"),
        ("EBL: minimal blood loss.", "minimal blood loss"),
    ],
)
def test_complications_that_did_not_happen(text, phrase):
    _, m = by_text(text, "en")
    assert (m[phrase].assertion, m[phrase].context) == ("negated", "complication_absent")


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("CT abdomen to rule out appendicitis.", "appendicitis"),
        ("Chest x-ray, r/o pneumonia.", "pneumonia"),
        ("Referred to evaluate for celiac disease.", "celiac disease"),
    ],
)
def test_rule_out(text, phrase):
    _, m = by_text(text, "en")
    assert (m[phrase].assertion, m[phrase].context) == ("possible", "rule_out")


@pytest.mark.parametrize(
    "text, phrase",
    [
        ("Call if fever or increasing redness.", "fever"),
        ("Return to the ER if chest pain recurs.", "chest pain"),
        ("Signs of wound infection were reviewed with the patient.", "wound infection"),
        ("She was instructed to call for any shortness of breath.", "shortness of breath"),
    ],
)
def test_instructions_and_precautions(text, phrase):
    _, m = by_text(text, "en")
    assert (m[phrase].assertion, m[phrase].context) == ("hypothetical", "instruction")


def test_screening_questions():
    _, m = by_text("Do you have any history of diabetes? Any chest pain?", "en")
    assert (m["diabetes"].assertion, m["diabetes"].context) == ("hypothetical", "screening")
    assert m["chest pain"].context == "screening"
    _, m = by_text("Screening for colon cancer.", "en")
    assert (m["colon cancer"].assertion, m["colon cancer"].context) == ("hypothetical", "screening")


def test_condition_of_another_person():
    _, m = by_text("Her husband has lung cancer. She has asthma.", "en")
    assert (m["lung cancer"].assertion, m["lung cancer"].context) == ("family", "other_person")
    assert m["asthma"].assertion == "present" and m["asthma"].context is None
    _, m = by_text("She lives with her husband. Hypertension.", "en")
    assert m["Hypertension"].assertion == "present"


# ---------------------------------------------------------------- trigger sets, Spanish
def test_spanish_risks_discussed():
    text = "Se explicaron los riesgos de sangrado, infección y trombosis venosa profunda, y la paciente desea continuar."
    _, m = by_text(text, "es")
    for word in ("infección", "trombosis venosa profunda"):
        assert (m[word].assertion, m[word].context) == ("hypothetical", "risk_discussed"), word


def test_spanish_cardiovascular_risk_factors_are_conditions():
    _, m = by_text("Factores de riesgo cardiovascular: hipertensión arterial y dislipemia.", "es")
    assert m["hipertensión arterial"].context is None and m["hipertensión arterial"].assertion == "present"


@pytest.mark.parametrize(
    "text, phrase, assertion, context",
    [
        ("Intervención sin complicaciones.", "complicaciones", "negated", "complication_absent"),
        (
            "No presentó sangrado tras la intervención.",
            "sangrado tras la intervención",
            "negated",
            "complication_absent",
        ),
        (
            "Sangrado estimado mínimo, pérdida hemática estimada de 50 ml.",
            "pérdida hemática estimada de 50 ml",
            "negated",
            "complication_absent",
        ),
        ("Se solicita TAC para descartar apendicitis.", "apendicitis", "possible", "rule_out"),
        ("Acudir a urgencias si fiebre o dolor abdominal.", "dolor abdominal", "hypothetical", "instruction"),
        ("¿Ha tenido alguna vez diabetes?", "diabetes", "hypothetical", "screening"),
        ("Su marido padece cáncer de pulmón.", "cáncer de pulmón", "family", "other_person"),
    ],
)
def test_spanish_trigger_sets(text, phrase, assertion, context):
    u, _ = by_text(text, "es")
    found = [x for x in u.mentions if phrase in x.text]
    assert found, [x.text for x in u.mentions]
    assert (found[0].assertion, found[0].context) == (assertion, context)


def test_spanish_case_report_symptoms_stay_present():
    # "acude ... ante" and "signos y síntomas de" tell the story, not instructions
    text = "Acude a urgencias ante la aparición de fiebre. Presenta signos y síntomas de dolor muscular."
    _, m = by_text(text, "es")
    assert m["fiebre"].assertion == "present" and m["fiebre"].context is None


# ---------------------------------------------------------------- the scorer's fixed section prior
def test_section_prior_weighs_narrative_below_diagnoses_in_structured_documents_only():
    from codify_coder.score import section_prior
    from codify_coder.types import Candidate

    text = (
        "POSTOPERATIVE DIAGNOSIS: Acute appendicitis.\n"
        "CONSENT: Risks of bleeding were discussed.\n"
        "DESCRIPTION OF PROCEDURE: The patient was brought to the operating room. The mesentery was divided.\n"
    )
    u = analyze(text, "en")
    index = {m.text: i for i, m in enumerate(u.mentions)}
    cands = [
        Candidate("K35.80", index["Acute appendicitis"], "acute appendicitis", 1.0),
        Candidate("R58", index["Risks of bleeding"], "bleeding", 1.0),
        Candidate("K66.8", index["mesentery"], "mesentery", 1.0),
    ]
    assert list(section_prior(u, cands)) == [1.0, 0.5, 0.75]
    case = analyze(
        "Varón de 60 años.\nIntervención quirúrgica\nSe realizó laparotomía y se secciona el mesenterio.",
        "es",
    )
    k = next(i for i, m in enumerate(case.mentions) if "mesenterio" in m.text)
    assert case.document_type == "case_report" and case.mentions[k].section_kind == "procedure_narrative"
    assert list(section_prior(case, [Candidate("K66.8", k, "mesenterio", 1.0)])) == [1.0]


def test_a_soap_note_has_subjective_objective_assessment_and_plan_sections():
    from codify_coder.understand import analyze

    note = ("S: 71 yo female returns for f/u of urinary urgency. Dry mouth on oxybutynin.\n"
            "O: BP 138/80, HR 70. Abdomen soft.\n"
            "A:\n1. Overactive bladder.\n"
            "P:\n1. Increase mirabegron.\n")
    u = analyze(note)
    assert u.document_type == "progress_note"
    by_text = {note[s.start:s.end].split()[0]: s.section for s in u.sentences if s.end > s.start}
    sections = {u.sentences[m.sentence].section for m in u.mentions if m.text.lower().startswith("dry mouth")}
    assert sections == {"hpi"}, (sections, by_text)
    assert {u.sentences[m.sentence].section for m in u.mentions if "bladder" in m.text.lower()} == {"assessment"}


def test_a_flattened_line_break_ends_a_sentence():
    text = ("RESULTS: , Lumbar spine L1-L4: T-score -2.8.,Left femoral neck: BMD 0.601 g/cm2, T-score -2.3.,"
            "Right total hip: T-score -1.8.,IMPRESSION: ,1. Osteoporosis.")
    u = analyze(text, "en")
    sentences = [text[s.start : s.end] for s in u.sentences]
    assert "Left femoral neck: BMD 0.601 g/cm2, T-score -2.3." in sentences, sentences
    assert "Right total hip: T-score -1.8." in sentences, sentences
    # a comma inside a sentence after an abbreviation or a number is no break
    assert len(analyze("Chibroxin (Thea S.A., Barcelona) was given.", "en").sentences) == 1


@pytest.mark.parametrize(("text", "risks", "kept"), [
    ("The 10-year probability of major osteoporotic fracture is 19% and of hip fracture is 3.4%.",
     ["osteoporotic fracture"], []),
    ("Elevated 10-year hip fracture risk; treatment is recommended. Osteoporosis of the spine.",
     ["hip fracture"], ["Osteoporosis"]),
    ("High risk for DVT given immobility.", ["DVT"], []),
    ("Patient with diabetes at increased risk of stroke.", ["stroke"], ["diabetes"]),
])
def test_an_estimated_risk_is_not_a_condition(text, risks, kept):
    _, m = by_text(text, "en")
    for phrase in risks:
        assert (m[phrase].assertion, m[phrase].context) == ("hypothetical", "risk_discussed"), phrase
    for phrase in kept:
        assert (m[phrase].assertion, m[phrase].context) == ("present", None), phrase
