"""Issue 11: Catalan (ca), Galician (gl) and Basque (eu) as first-class languages of the coder.

Specific notes with specific codes and non-codes in each language (negated, family history, history,
uncertain, the diabetes + chronic kidney disease combination), detection on short and mixed notes, Basque
suffixes, evidence offsets into the original note, and the dev sets' accuracy with floors per language.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import pytest
from codify_build.evaluation import evaluate
from codify_coder.terminology.wordforms import basque_bases, spanish_spellings
from codify_coder.training.codiesp import note_files, read_gold
from codify_coder.types import CodeOptions
from codify_coder.understand import analyze, detect_document_type, detect_language


# ------------------------------------------------------------------ detection
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # short notes
        ("Pacient amb febre i tos.", "ca"),
        ("Dona de 45 anys. Sense al·lèrgies.", "ca"),
        ("Pneumònia bilateral.", "ca"),
        ("Non presenta dor.", "gl"),
        ("Muller de 70 anos con dor abdominal.", "gl"),
        ("Dor no xeonllo esquerdo.", "gl"),
        ("Gaixoak sukarra du.", "eu"),
        ("Ez du minik.", "eu"),
        ("Paciente con fiebre y tos.", "es"),
        ("Patient with fever and cough.", "en"),
        # Spanish drug names and shared abbreviations do not pull a note towards Spanish
        ("Tractament amb omeprazol, paracetamol i enalapril.", "ca"),
        ("HTA, DM2 i MPOC. Pacient amb febre.", "ca"),
        ("En tratamento con metformina, enalapril e omeprazol; non refire dor.", "gl"),
        ("Metformina eta enalapril hartzen ditu; ez du minik.", "eu"),
        ("AAS 100 mg, atorvastatina 40 mg. Antecedentes persoais: HTA, DM tipo 2, unha cirurxía previa.", "gl"),
    ],
)
def test_detects_each_language_on_short_and_mixed_notes(text, expected):
    assert detect_language(text) == expected
    assert analyze(text).language == expected


def test_what_detection_does_when_it_cannot_tell():
    # Iberian Romance it cannot tell apart (Spanish and Galician write this alike): Spanish
    assert detect_language("Paciente con diabetes.") == "es"
    # no evidence of any language (numbers, codes, shared abbreviations): English, as before
    assert detect_language("12345") == "en"
    assert detect_language("HTA. DM2.") == "en"
    assert detect_language("") == "en"


def test_the_language_option_forces_the_language():
    for lang in ("ca", "gl", "eu"):
        assert analyze("Paciente con fiebre y tos.", lang).language == lang
    with pytest.raises(ValueError):
        analyze("x", "pt")  # type: ignore[arg-type]


# ------------------------------------------------------------------ ConText in each language
def _assertion(text: str, phrase: str, language: str) -> tuple[str, str | None]:
    found = [m for m in analyze(text, language).mentions if phrase.lower() in m.text.lower()]
    assert len(found) == 1, (phrase, [m.text for m in analyze(text, language).mentions])
    return found[0].assertion, found[0].trigger


@pytest.mark.parametrize(
    ("language", "text", "phrase", "expected"),
    [
        ("ca", "No presenta febre.", "febre", ("negated", "no presenta")),
        ("ca", "Sense dolor toràcic.", "dolor toràcic", ("negated", "sense")),
        ("ca", "Nega dispnea.", "dispnea", ("negated", "nega")),
        ("ca", "Es descarta pneumònia.", "pneumònia", ("negated", "es descarta")),
        ("ca", "No s'observen adenopaties.", "adenopaties", ("negated", "no s'observen")),
        ("ca", "Possible apendicitis.", "apendicitis", ("possible", "possible")),
        ("ca", "Antecedents de tuberculosi pulmonar.", "tuberculosi", ("historical", "antecedents de")),
        ("ca", "Antecedents familiars de càncer de colon.", "càncer de colon", ("family", "antecedents familiars de")),
        ("ca", "La mare té diabetis.", "diabetis", ("family", "mare")),
        ("ca", "Diabetis mellitus tipus 2.", "diabetis", ("present", None)),
        ("gl", "Non presenta febre.", "febre", ("negated", "non presenta")),
        ("gl", "Sen dor torácica.", "dor torácica", ("negated", "sen")),
        ("gl", "Descártase pneumonía.", "pneumonía", ("negated", "descártase")),
        ("gl", "Sospeita de apendicite.", "apendicite", ("possible", "sospeita de")),
        ("gl", "Antecedentes persoais de tuberculose.", "tuberculose", ("historical", "antecedentes persoais de")),
        ("gl", "A nai ten diabetes.", "diabetes", ("family", "nai")),
        # Galician "no" is "in the", not a negation
        ("gl", "Dor no xeonllo esquerdo.", "dor no xeonllo esquerdo", ("present", None)),
        ("eu", "Ez du sukarrik.", "sukarrik", ("negated", "ez du")),
        ("eu", "Sukarrik gabe.", "sukarrik", ("negated", "gabe")),
        ("eu", "Eztula ukatzen du.", "eztula", ("negated", "ukatzen du")),
        ("eu", "Pneumonia baztertu zen.", "pneumonia", ("negated", "baztertu zen")),
        ("eu", "Apendizitis susmoa.", "apendizitis", ("possible", "susmoa")),
        ("eu", "Amak bularreko minbizia izan zuen.", "minbizia", ("family", "amak")),
        ("eu", "Tuberkulosiaren aurrekariak.", "tuberkulosiaren", ("historical", "aurrekariak")),
        # the partitive marks the negated noun wherever the negation stands
        ("eu", "Hemorragiarik ez zen ikusi.", "hemorragiarik", ("negated", "ez zen ikusi")),
        ("eu", "Diabetesa du eta ez du sukarrik.", "diabetesa", ("present", None)),
    ],
)
def test_context_triggers_in_each_language(language, text, phrase, expected):
    assert _assertion(text, phrase, language) == expected


@pytest.mark.parametrize(
    ("language", "text", "section"),
    [
        ("ca", "Antecedents personals:\nHipertensió arterial.", "history"),
        ("ca", "Antecedents familiars:\nCàncer de mama.", "family_history"),
        ("gl", "Antecedentes persoais:\nHipertensión arterial.", "history"),
        ("gl", "Xuízo clínico:\nPneumonía.", "assessment"),
        ("eu", "Aurrekariak:\nHipertentsio arteriala.", "history"),
        ("eu", "Familia-aurrekariak:\nBularreko minbizia.", "family_history"),
    ],
)
def test_section_headers_in_each_language(language, text, section):
    u = analyze(text, language)
    assert u.sentences[-1].section == section
    assert u.mentions[-1].assertion in ("historical", "family", "present")


# ------------------------------------------------------------------ Basque suffixes
def test_basque_bases_take_case_and_number_suffixes_off():
    assert "gutxiegitasun" in basque_bases("gutxiegitasunarekin")
    assert "diabetes" in basque_bases("diabetesa")
    assert "sukar" in basque_bases("sukarrik")  # the doubled r of the partitive is undone
    assert "giltzurrun" in basque_bases("giltzurrunaren")
    assert basque_bases("min") == ()  # too short to carry a suffix


def test_regular_respellings_reach_the_spanish_cognate():
    assert spanish_spellings("hipertentsio", "eu") == ("hipertension",)
    assert spanish_spellings("apendizitis", "eu") == ("apendicitis",)
    assert spanish_spellings("hemorraxia", "gl") == ("hemorragia",)
    assert spanish_spellings("hepatite", "gl") == ("hepatitis",)
    assert spanish_spellings("trombosi", "ca")[0] == "trombosis"  # the regular respelling first
    assert spanish_spellings("diabetes", "es") == ()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Giltzurrun-gutxiegitasunarekin.", "N19"),  # comitative of "giltzurrun-gutxiegitasun"
        ("Giltzurrun-gutxiegitasun kronikoa.", "N18.9"),
        ("Diabetesa.", "E11.9"),
        ("Hipertentsio arteriala.", "I10"),
        ("Pneumoniarekin ospitaleratu zuten.", "J18.9"),
        ("Birikako tronboenbolismoa.", "I26.99"),
    ],
)
def test_basque_word_forms_match_their_terms(coder, text, expected):
    codes = {c.code for c in coder.candidates.generate(text, analyze(text, "eu"))}
    assert expected in codes


def test_sukarrik_gabe_is_fever_negated(coder):
    result = coder.code("Gaixoa sukarrik gabe dago.", CodeOptions(language="eu"))
    assert "R50.9" not in {a.code for a in result.final_assessments}
    fever = [d for d in result.discarded_assessments if d.code == "R50.9"]
    assert fever and fever[0].reason == "negated"
    assert fever[0].evidence[0].text == "sukarrik"


# ------------------------------------------------------------------ whole notes: codes and non-codes
NOTES = {
    "ca": (
        "Home de 67 anys amb diabetis mellitus tipus 2 i insuficiència renal crònica.\n"
        "Hipertensió arterial.\nNo presenta febre ni dolor toràcic.\n"
        "Antecedents familiars: mare amb càncer de mama.\n"
        "Antecedents personals: infart agut de miocardi l'any 2015.\nJudici clínic: possible pneumònia."
    ),
    "gl": (
        "Home de 67 anos con diabetes mellitus tipo 2 e insuficiencia renal crónica.\n"
        "Hipertensión arterial.\nNon presenta febre nin dor torácica.\n"
        "Antecedentes familiares: nai con cancro de mama.\n"
        "Antecedentes persoais: infarto agudo de miocardio no ano 2015.\nXuízo clínico: probable pneumonía."
    ),
    "eu": (
        "67 urteko gizona, 2 motako diabetes mellitusa eta giltzurrun-gutxiegitasun kronikoa dituena.\n"
        "Hipertentsio arteriala.\nEz du sukarrik ezta bularreko minik.\n"
        "Familia-aurrekariak: amak bularreko minbizia izan zuen.\n"
        "Aurrekari pertsonalak: miokardioko infartu akutua 2015ean.\nIritzi klinikoa: pneumonia susmoa."
    ),
}
# the same case in every language: the same decisions
FINAL = {"E11.22", "N18.9", "I12.9", "Z80.3", "I25.2"}
DISCARDED = {
    "E11.9": "superseded_by_more_specific",  # the combination code E11.22 replaces it
    "R50.9": "negated",
    "R07.9": "negated",
    "C50.919": "family_history",  # the mother's cancer: Z80.3 instead
    "I21.9": "history_of",  # a past infarction: I25.2 instead
    "J18.9": "uncertain",  # outpatient: a possible pneumonia is not coded
}
FEVER = {"ca": "febre", "gl": "febre", "eu": "sukarrik"}


@pytest.mark.parametrize("language", sorted(NOTES))
def test_a_case_codes_the_same_in_every_language(coder, language):
    note = NOTES[language]
    result = coder.code(note, CodeOptions(language="auto"))
    assert result.language == language
    finals = {a.code for a in result.final_assessments}
    assert FINAL <= finals, finals
    discarded = {d.code: d.reason for d in result.discarded_assessments}
    for code, reason in DISCARDED.items():
        assert code not in finals
        assert discarded.get(code) == reason, (code, discarded.get(code))
    # the justification names the note's own words, not the Spanish it was read through
    fever = next(d for d in result.discarded_assessments if d.code == "R50.9")
    assert f"'{FEVER[language]}'" in fever.justification


@pytest.mark.parametrize("language", sorted(NOTES))
def test_evidence_offsets_index_the_original_note(coder, language):
    # decomposed accents and a zero-width space: the matcher reads an NFC copy, evidence quotes the original
    note = unicodedata.normalize("NFD", NOTES[language]).replace("mellitus", "melli\u200btus")
    result = coder.code(note, CodeOptions(language=language))
    spans = [e for a in (*result.final_assessments, *result.discarded_assessments) for e in a.evidence]
    assert spans
    for e in spans:
        assert note[e.start : e.end] == e.text
    assert "E11.22" in {a.code for a in result.final_assessments}


def test_catalan_geminate_l_and_elisions(coder):
    note = "Fibril·lació auricular. Al·lèrgia a la penicil·lina. Antecedents d'hipertensió arterial."
    result = coder.code(note, CodeOptions(language="auto"))
    assert result.language == "ca"
    finals = {a.code for a in result.final_assessments}
    assert "I48.91" in finals
    assert "Z88.0" in finals or "Z88.0" in {d.code for d in result.discarded_assessments}
    (af,) = [a for a in result.final_assessments if a.code == "I48.91"]
    assert af.evidence[0].text == "Fibril·lació auricular"


def test_rules_read_the_note_through_its_gloss(coder):
    # R63.4 needs a weight word: Catalan "pes" and Basque "pisu" are read as "peso"
    for language, note in (
        ("ca", "Pèrdua de pes de 10 kg en tres mesos."),
        ("gl", "Perda de peso de 10 kg en tres meses."),
        ("eu", "Pisu-galera: 10 kg hiru hilabetetan."),
    ):
        finals = {a.code for a in coder.code(note, CodeOptions(language=language)).final_assessments}
        assert "R63.4" in finals, (language, finals)


# ------------------------------------------------------------------ the dev sets, with floors
DATA = Path(os.environ.get("CODIFY_SHARED_DATA", Path(__file__).resolve().parents[4] / "shared" / "data"))
ML = DATA / "codiesp-ml" / "dev"
# Measured on the 20 cases of each language when set (default model 2a317f7a9183): es MAP 0.401 F1 0.481;
# ca 0.399 / 0.467 (0.99x / 0.97x of Spanish; 0.351 / 0.430 before the Catalan error classes of issue 11);
# gl 0.398 / 0.465; eu 0.365 / 0.473. Floors a little under, and ratios to the Spanish originals on the same
# run: the 0.9 (ca, gl) and 0.8 (eu).
FLOORS = {"ca": (0.37, 0.44, 0.9), "gl": (0.37, 0.44, 0.9), "eu": (0.34, 0.45, 0.8)}


@pytest.fixture(scope="module")
def spanish_scores(coder):
    gold = read_gold(ML / "devD.tsv")
    notes = [p for p in note_files(ML / "es") if p.stem in gold]
    return evaluate(lambda text: coder.code(text, CodeOptions(language="es")), notes, gold).scores


@pytest.mark.skipif(not ML.is_dir(), reason="codiesp-ml dev is not beside the repository")
@pytest.mark.parametrize("language", sorted(FLOORS))
def test_codiesp_ml_dev_per_language(coder, spanish_scores, language):
    map_floor, f1_floor, ratio = FLOORS[language]
    gold = read_gold(ML / "devD.tsv")
    notes = [p for p in note_files(ML / language) if p.stem in gold]
    detected: list[str] = []

    def code(text: str):
        result = coder.code(text, CodeOptions(language="auto"))
        detected.append(result.language)
        return result

    report = evaluate(code, notes, gold)
    assert report.notes == 20
    assert set(detected) == {language}  # every note detected as its own language
    assert report.scores.map >= map_floor, report.scores
    assert report.scores.f1 >= f1_floor, report.scores
    assert report.scores.map >= ratio * spanish_scores.map, (report.scores, spanish_scores)
    assert report.scores.f1 >= ratio * spanish_scores.f1, (report.scores, spanish_scores)


# ------------------------------------------------------------------ Catalan and Galician error classes (issue 11)
def _finals(coder, text: str, language: str) -> set[str]:
    return {a.code for a in coder.code(text, CodeOptions(language=language)).final_assessments}


@pytest.mark.parametrize(
    ("language", "text", "absent"),
    [
        # "MIS-C" read as stems without function words would be the letter "c" of "ºC" or "Mitomicina-C"
        ("ca", "Temperatura 36,8 ºC. Tractament amb Mitomicina-C tòpica.", "M35.81"),
        ("gl", "Temperatura 36,8 ºC. Tratamento con Mitomicina-C tópica.", "M35.81"),
        # "FPI" is no stem of "FPIES"
        ("ca", "Fibrosi pulmonar idiopàtica (FPI).", "K52.21"),
    ],
)
def test_an_abbreviation_term_is_compared_as_spelled(coder, language, text, absent):
    assert absent not in _finals(coder, text, language)


def test_fpi_still_codes_the_fibrosis(coder):
    assert "J84.112" in _finals(coder, "Fibrosi pulmonar idiopàtica (FPI).", "ca")


@pytest.mark.parametrize(
    ("text", "phrase", "expected"),
    [
        # an elided "d'" is "de": the cue "antecedents de", "risc de", "sospita de", "sense signes de" is read
        ("Presenta antecedents d'hipertensió arterial.", "hipertensió arterial", ("historical", "antecedents de")),
        ("Risc d'infecció respiratòria.", "infecció respiratòria", ("hypothetical", "risc de")),
        ("Ingressa amb sospita d'apendicitis aguda.", "apendicitis aguda", ("possible", "amb sospita de")),
        ("Sense signes d'infecció.", "infecció", ("negated", "sense signes de")),
        # typographic apostrophes, and "l'existència" stripped off the mention
        ("Es descarta l’existència d’una neoplàsia.", "neoplàsia", ("negated", "es descarta")),
        ("No s'hi observen adenopaties.", "adenopaties", ("negated", "no s'hi observen")),
        # "cap" is "none" before a noun, "towards" in "cap al", "cap a", "cap avall"
        ("No s'observa cap lesió.", "lesió", ("negated", "cap")),
        ("Massa tiroïdal amb creixement cap al mediastí superior.", "mediastí superior", ("present", None)),
        ("Tumoració al cap del pàncrees.", "cap del pàncrees", ("present", None)),
        ("Exempt de febre.", "febre", ("negated", "exempt de")),
    ],
)
def test_catalan_elisions_and_cues(text, phrase, expected):
    assert _assertion(text, phrase, "ca") == expected


def test_catalan_elisions_leave_evidence_on_the_note(coder):
    note = "El pacient és remès a Cures Pal·liatives davant l'absència de possibilitats terapèutiques."
    result = coder.code(note, CodeOptions(language="ca"))
    (z515,) = [a for a in result.final_assessments if a.code == "Z51.5"]
    assert z515.evidence[0].text == "Cures Pal·liatives"
    for m in analyze(note, "ca").mentions:
        assert note[m.start : m.end] == m.text


def test_catalan_and_galician_endings_are_respelled():
    assert spanish_spellings("depressiu", "ca")[0] == "depresivo"  # -iu / -ivo
    assert spanish_spellings("croniques", "ca")[0] == "cronicas"  # -ques / -cas
    assert spanish_spellings("complicat", "ca")[0] == "complicado"  # -at / -ado
    assert spanish_spellings("massa", "ca")[0] == "masa"  # -ss- / -s-
    assert spanish_spellings("limfoma", "ca")[0] == "linfoma"  # -mf- / -nf-
    assert spanish_spellings("immunodeficiencia", "ca")[0] == "inmunodeficiencia"
    assert spanish_spellings("lluxacio", "ca")[0] == "luxacion"  # ll- / l-
    assert spanish_spellings("38a", "ca")[0] == "38"  # ordinal
    # endings folding makes ambiguous: alternatives after the regular respelling
    assert "infeccioso" in spanish_spellings("infeccios", "ca")  # -ós
    assert "mediastino" in spanish_spellings("mediasti", "ca")  # -í
    assert "cornea" in spanish_spellings("cornia", "ca")  # -ia / -ea
    assert "secuela" in spanish_spellings("sequela", "ca")  # qü
    assert "renales" in spanish_spellings("renais", "gl")  # Galician -ais / -ales


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        ("ca", "Trastorn depressiu major.", "F32.9"),
        # "infecció" shares its stem with the listed "infecciós": the regular respelling wins
        ("ca", "Infecció urinària.", "N39.0"),
        ("ca", "Nòdul tiroïdal dret de curta evolució.", "E04.1"),
        ("ca", "Carcinoma epidermoide del sòl de la boca.", "C04.9"),
        ("ca", "Limfoma no Hodgkin.", "C85.90"),
        ("ca", "Úlcera gàstrica perforada.", "K25.9"),
        ("ca", "Embaràs a la 38a setmana de gestació amb preeclàmpsia.", "Z3A.38"),
        ("ca", "Dona gestant a la setmana 38 de gestació, amb preeclàmpsia.", "Z3A.38"),
        ("gl", "Embarazada na semana 38 de xestación con preeclampsia.", "Z3A.38"),
        ("gl", "Adenopatías cervicais múltiples.", "R59.9"),
    ],
)
def test_catalan_and_galician_word_forms_code(coder, language, text, expected):
    assert expected in _finals(coder, text, language)


@pytest.mark.parametrize("language", ["ca", "gl"])
def test_plural_findings_are_no_exact_match_of_a_singular_term(coder, language):
    # "lesions nodulars ... pulmonars" is no "lesión pulmonar" (J98.4), as "lesiones ... pulmonares" in Spanish
    text = {
        "ca": "Lesions nodulars a tots dos camps pulmonars.",
        "gl": "Lesións nodulares en ambos os campos pulmonares.",
    }[language]
    assert "J98.4" not in _finals(coder, text, language)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INFORME D'ALTA\nDiagnòstic a l'alta: pneumònia adquirida a la comunitat.", "discharge_summary"),
        ("Diagnòstic postoperatori: apendicitis aguda.\nDescripció de la intervenció: apendicectomia.",
         "operative_report"),
        ("Curs a urgències: millora amb broncodilatadors.", "ed_note"),
        ("Curso en urxencias: mellora con broncodilatadores.", "ed_note"),
        ("Informe radiològic.\nTroballes: consolidació al lòbul inferior dret.", "imaging_report"),
    ],
)
def test_document_type_cues_in_catalan_and_galician(text, expected):
    assert detect_document_type(text) == expected


@pytest.mark.parametrize(
    ("language", "text", "section"),
    [
        ("ca", "Troballes:\nApendicitis aguda.", "findings"),
        ("ca", "Diagnòstic definitiu:\nApendicitis aguda.", "diagnoses"),
        ("gl", "Achados:\nApendicite aguda.", "findings"),
        ("gl", "Diagnóstico ao alta:\nApendicite aguda.", "diagnoses"),
    ],
)
def test_more_section_headers_in_catalan_and_galician(language, text, section):
    assert analyze(text, language).sentences[-1].section == section


def test_a_bridged_word_reads_as_the_spanish_word_listed_first(coder):
    # "ronyó"/"ril" bridge to "riñón" and "renal": a noun in the note reads as the noun, as "riñón" in Spanish
    assert coder.candidates.reader("ca")("massa al ronyó") == ("mas", "rinnon")
    assert coder.candidates.reader("gl")("masa no ril") == ("mas", "rinnon")
    assert coder.terminology.glosser("ca")("ronyó") == "rinnon"  # folded "riñón"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Pacient amb MPID.", "J84.9"),  # malaltia pulmonar intersticial difusa (Spanish EPID)
        ("Antecedents de MRC.", "N18.9"),  # malaltia renal crònica (Spanish ERC)
    ],
)
def test_catalan_abbreviations(coder, text, expected):
    assert expected in _finals(coder, text, "ca")


def test_catalan_mal_is_pain_but_poorly_before_a_participle(coder):
    assert "R51.9" in _finals(coder, "Presenta mal de cap des de fa tres dies.", "ca")  # headache
    assert "R51.9" in _finals(coder, "Dolor de cap intens.", "ca")
    finals = _finals(coder, "Cèl·lules fusiformes disposades en fascicles mal definits.", "ca")
    assert "R52" not in finals  # "mal definits": poorly defined, no pain


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Diabetis mellitus tipus 2 mal controlada.", "E11.65"),  # "mal controlada" is poorly controlled
        ("Síndrome d'apnea obstructiva del son.", "G47.33"),  # "del son": sleep, not "són" (are)
        ("Xoc sèptic.", "R65.21"),
        ("Traumatisme cranioencefàlic.", "S06.9X0A"),  # cranio- / craneo-
        ("Infecció per VIH.", "B20"),  # -ció read as Spanish -ción at full weight
        ("Cremada de segon grau a l'avantbraç.", "T30.0"),
    ],
)
def test_catalan_diagnoses_code_as_their_spanish_wording(coder, text, expected):
    assert expected in _finals(coder, text, "ca")
