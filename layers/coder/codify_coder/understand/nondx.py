"""ConText for what is not a diagnosis (issue 8), English and Spanish.

ConText (context.py) says whether a condition is negated, uncertain, historical, hypothetical or a
relative's. Real documents name many conditions that are none of those and still not the patient's
diagnoses: the risks of a procedure the patient consented to, complications that did not happen, steps
of the operation, instructions for home, screening questions, other people's illnesses. Each is a
trigger set here; each routes the mention onto an existing Assertion, so the rules keep working, and
sets the finer `Mention.context` label (types.MentionContext) the rules stage can explain:

    risk_discussed       "Risks of bleeding, infection and DVT were discussed"  -> hypothetical
                         scope: the rest of the sentence after "risks"/"complications" (a whole sentence
                         in a consent section), up to "wishes to proceed"/"consented to"
    complication_absent  "without complications", "no bleeding", "EBL minimal"  -> negated
    rule_out             "rule out", "r/o", "evaluate for", "descartar"          -> possible (ConText's)
    procedure_step       a sentence of a procedure narrative, unless it reports a finding ("findings",
                         "was found to have", "noted to be", "se objetiva")     -> hypothetical
                         (closest: like a plan, it states no condition of the patient; "negated" would
                         say the note denies it, "historical" would make a history code of it)
    instruction          "call if fever", "signs of infection were reviewed", an instructions section
                                                                                 -> hypothetical
    screening            a question ("Do you feel safe at home?"), "screening for"  -> hypothetical
    other_person         "his wife has breast cancer", "su marido padece ..."    -> family

A negated mention stays negated (it is not coded either way) and still gets the label that applies.
A relative's condition stays "family" and gets no label: the family history rules apply to it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from typing import Any, cast

from ..types import Assertion, Mention, MentionContext
from .document import section_kind
from .textutil import fold

# Trigger labels of context.py whose scope is a finer kind of its assertion.
RULE_OUT_TRIGGERS = frozenset({
    "rule out", "r/o", "rule-out", "to rule out", "evaluate for", "evaluation for", "ruled out for",
    "a descartar", "descartar", "para descartar",
})
INSTRUCTION_TRIGGERS = frozenset({
    "return if", "call if", "come back if", "return for", "seek care if", "watch for", "monitor for",
    "return sooner for", "return earlier for", "come back sooner for", "call sooner for",
    "look out for", "acudir si", "consultar si", "vigilar", "vigilar la aparición de",
})
SCREENING_TRIGGERS = frozenset({"screening for", "screen for", "cribado de", "despistaje de"})

_F = re.IGNORECASE  # patterns run over folded text (lower case, no accents): written without accents

# --- risks discussed or consented to
_RISK_NOUN = {
    "en": re.compile(
        r"(?<!high )(?<!low )(?<!intermediate )(?<!increased )(?<!moderate )(?<!high-)(?<!low-)"
        r"\b(?:risks?|potential risks|side effects?|adverse effects?)\b(?! factors?| stratification| score)", _F),
    "es": re.compile(r"(?<!factores de )(?<!factor de )\b(?:riesgos|efectos (?:secundarios|adversos))\b", _F),
    "ca": re.compile(r"(?<!factors de )(?<!factor de )\b(?:riscos|efectes (?:secundaris|adversos))\b", _F),
    "gl": re.compile(r"(?<!factores de )(?<!factor de )\b(?:riscos|efectos (?:secundarios|adversos))\b", _F),
    "eu": re.compile(r"\b(?:arriskuak|arriskuen|albo-ondorioak|albo ondorioak|ondorio kaltegarriak)\b", _F),
}
# A risk the note estimates, not a condition the patient has: "10-year probability of major osteoporotic
# fracture", "high risk for DVT", "elevated 10-year hip fracture risk", "fall risk" (English). The scope is what
# follows "probability/risk of", or the compound noun right before "risk" (at most three words, none a
# function word: "diabetes at increased risk" keeps its diabetes).
_RISK_ESTIMATE = re.compile(r"\b(?:probability|likelihood|chance|odds|risks?) (?:of|for)\b", _F)
_RISK_COMPOUND = re.compile(
    r"(?:(?!(?:at|is|are|was|were|be|with|of|for|the|a|an|and|or|has|have|had|to|in|on|no|not|his|her|"
    r"patient|low|high|moderate|increased|elevated)\b)[a-z0-9-]+ ){1,3}(?=risks?\b(?! factors?| stratification| "
    r"score| assessment| of\b| for\b))", _F)
_COMPLICATION_NOUN = {
    "en": re.compile(r"\b(?:possible |potential )?complications?\b", _F),
    "es": re.compile(r"\b(?:posibles )?complicaciones\b", _F),
    "ca": re.compile(r"\b(?:possibles )?complicacions\b", _F),
    "gl": re.compile(r"\b(?:posibles )?complicacions\b", _F),
    "eu": re.compile(r"\b(?:balizko )?konplikazioak\b", _F),
}
_DISCUSSED = {
    "en": re.compile(
        r"\b(?:discuss\w*|explain\w*|review\w*|understood|understands?|understanding|counsel\w*|consent\w*|"
        r"informed|aware|agree\w*|accept\w*|outlined|verbalized|acknowledged)\b", _F),
    "es": re.compile(
        r"\b(?:explic\w*|inform\w*|coment\w*|consentimiento|consiente|entiend\w*|entendi\w*|comprend\w*|"
        r"acept\w*|firm\w*|conoce|conocedor\w*)\b", _F),
    "ca": re.compile(r"\b(?:explic\w*|inform\w*|coment\w*|consentiment|consent\w*|entén|entes\w*|comprèn\w*|"
                     r"accept\w*|signa\w*|coneix\w*)\b", _F),
    "gl": re.compile(r"\b(?:explic\w*|inform\w*|coment\w*|consentimento|consente|entend\w*|comprend\w*|"
                     r"acept\w*|asina\w*|asino\w*|coñece\w*)\b", _F),
    "eu": re.compile(r"\b(?:azaldu\w*|azaltzen|informatu\w*|jakinarazi\w*|adostasun\w*|onartu\w*|onartzen|"
                     r"ulertu\w*|ulertzen|sinatu\w*)\b", _F),
}
_LISTS = {  # "risks include ...": enough for a risk noun, not for "complications" (a course lists them)
    "en": re.compile(r"\b(?:includ\w*|such as|namely)\b", _F),
    "es": re.compile(r"\b(?:incluy\w*|incluid\w*|tales como|entre ellos|entre ellas)\b", _F),
    "ca": re.compile(r"\b(?:inclo\w*|inclou\w*|com ara|entre els quals|entre les quals)\b", _F),
    "gl": re.compile(r"\b(?:inclú\w*|inclu\w*|tales como|como son|entre eles|entre elas)\b", _F),
    "eu": re.compile(r"\b(?:barne|besteak beste|hala nola)\b", _F),
}
_RISK_STOP = {  # what the patient agreed to and why: the indication, not a risk
    "en": re.compile(
        r"\b(?:wish\w* to|wants? to|elect\w* to|agree\w* to|decid\w* to|desires? to|proceed\w*|consent\w* (?:for|to)|"
        r"sign\w* (?:the )?consent|for (?:the )?(?:management|treatment) of)\b", _F),
    "es": re.compile(r"\b(?:desea|decide\w*|acepta\w* (?:la|el|ser)|firma\w*|proceder|para (?:el )?tratamiento de)\b", _F),
    "ca": re.compile(r"\b(?:desitja|decideix\w*|accepta\w* (?:la|el|ser)|signa\w*|procedir|per al tractament de)\b", _F),
    "gl": re.compile(r"\b(?:desexa|decide\w*|acepta\w* (?:a|o|ser)|asina\w*|proceder|para o tratamento de)\b", _F),
    "eu": re.compile(r"\b(?:nahi du|erabaki\w*|onartu\w*|sinatu\w*|tratatzeko)\b", _F),
}

# --- complications that did not happen
_COMPLICATION_WORDS = re.compile(
    r"\b(?:complications?|bleeding|blood loss|hemorrhag\w*|haemorrhag\w*|hematoma|leak\w*|perforation|"
    r"injur\w*|complicacion\w*|sangrado|hemorragia|perdida hematica|perdidas hematicas|incidencias)\b", _F)
_BLOOD_LOSS = re.compile(r"\b(?:blood loss|bleeding|ebl|perdida hematica|perdidas hematicas|sangrado)\b", _F)
_BLOOD_KEYS = ("blood", "bleed", "ebl", "sangr", "perdida")
_ESTIMATED = re.compile(r"\b(?:estimated|ebl|estimad[oa])\b", _F)  # a measured, reported blood loss
_MINIMAL = re.compile(  # in an operative report: "minimal bleeding", "blood loss less than 10 mL"
    r"\b(?:minimal|minimum|negligible|scant|less than|approximately|under|none|nil|"
    r"\d+\s*(?:ml|cc|cm3)|minim[oa]|escas[oa]|inferior a|menor de|menos de|nul[oa])\b|<", _F)

# --- procedure narrative: steps and, within them, findings
_FINDING = {
    "en": re.compile(
        r"\b(?:findings?|found|observed|noted to|was noted|were noted|revealed?|reveals|showed|shows|demonstrated|"
        r"demonstrates|consistent with|compatible with|evidence of|appeared to be|appears to be|"
        r"diagnos\w+|develop\w*|complicated by|postoperative\w*|(?:was|were|is|are) present|"
        r"there (?:was|were|is|are) (?:a|an|multiple|several|"
        r"extensive|dense|severe|moderate|mild)\b)", _F),
    "es": re.compile(
        r"\b(?:hallazgos?|se objetiv\w+|objetivandose|se observ\w+|observandose|se evidenci\w+|evidenciandose|"
        r"se encontr\w+|encontrandose|se aprecia\w*|apreciandose|mostr\w+|compatible\w*|diagnostic\w+|"
        r"desarroll\w+|present\w+|postoperatori\w+|complic\w+)\b", _F),
    "ca": re.compile(
        r"\b(?:troballes?|s'objectiv\w+|s'observ\w+|s'evidenci\w+|es troba\w*|s'aprecia\w*|mostr\w+|"
        r"compatible\w*|diagnostic\w+|desenvolup\w+|present\w+|postoperatori\w+|complic\w+)\b", _F),
    "gl": re.compile(
        r"\b(?:achados?|obxectiv\w+|observ\w+|evidenci\w+|atop\w+|aprecia\w*|mostr\w+|compatible\w*|"
        r"diagnostic\w+|desenvolv\w+|present\w+|postoperatori\w+|complic\w+)\b", _F),
    "eu": re.compile(
        r"\b(?:aurkikuntza\w*|ikusi\w*|ikusten|antzeman\w*|hauteman\w*|aurkitu\w*|erakutsi\w*|bateragarri\w*|"
        r"diagnostik\w+|garatu\w*|aurkeztu\w*|ebakuntza ondoko\w*|konplikazio\w*)\b", _F),
}
# --- instructions and precautions
_SIGNS_OF_WHAT = re.compile(r"(?:warning signs|signs and symptoms|precautions)\b", _F)
_INSTRUCTION = {
    "en": re.compile(
        r"\b(?:call|return|come back|go to the (?:er|ed|emergency\w*)|seek (?:medical |immediate )?"
        r"(?:care|attention|help)|notify|contact)\b[^.;]{0,60}?\b(?:if|should|in case|for any)\b|"
        r"\bcall\b[^.;,]{0,20}?\bfor\b|"
        r"\b(?:warning signs|signs and symptoms|signs of|symptoms of|precautions)\b"
        r"(?=[^.;]{0,100}\b(?:reviewed|discussed|explained|instructed|educated|counseled|counselled))|"
        r"\b(?:instructed|advised|told|asked|educated|counseled|counselled) to (?:call|return|come back|seek|watch|"
        r"monitor|report|"
        r"notify|look out)\b|\breturn precautions\b", _F),
    "es": re.compile(
        r"\b(?:acudir|acuda|consultar|consulte|volver|vuelva|regresar|regrese|avisar|avise|llamar|llame)\b"
        r"[^.;]{0,60}?\b(?:si(?! bien)|en caso de|ante)\b", _F),
    "ca": re.compile(
        r"\b(?:acudir|acudeixi|consultar|consulti|tornar|torni|avisar|avisi|trucar|truqui)\b"
        r"[^.;]{0,60}?\b(?:si(?! bé)|en cas de|davant)\b", _F),
    "gl": re.compile(
        r"\b(?:acudir|acuda|consultar|consulte|volver|volva|regresar|avisar|avise|chamar|chame)\b"
        r"[^.;]{0,60}?\b(?:se|en caso de|ante)\b", _F),
    "eu": re.compile(
        r"\b(?:\w+ (?:bada|badu|badago|agertzen bada)|\w+ izanez gero|\w+ agertuz gero)\b[^.;]{0,60}?"
        r"\b(?:etorri|kontsultatu|deitu|itzuli|joan)\w*\b", _F),
}

# --- other people (not blood relatives: spouse, partner, friends, coworkers)
_OTHER_PERSON = {
    "en": re.compile(
        r"\b(?:husband|wife|spouse|partner|boyfriend|girlfriend|fiancee?|roommate|room-mate|coworker|"
        r"co-worker|colleague|friend|neighbou?r|caregiver|classmate)s?\b(?: (?:also|recently|currently))? "
        r"(?:has|had|have|with|was diagnosed with|is diagnosed with|were diagnosed with|died (?:of|from)|"
        r"suffers from|suffered from|is being treated for|was treated for|tested positive for|"
        r"is sick with|was sick with|is ill with)\b", _F),
    "es": re.compile(
        r"\b(?:esposo|esposa|marido|pareja|novio|novia|companer[oa]s? de (?:trabajo|piso|habitacion|clase)|"
        r"amig[oa]s?|vecin[oa]s?|cuidador[a]?)\b (?:(?:tambien|recientemente) )?(?:tiene|tenia|padece|padecia|"
        r"presenta|presentaba|con|diagnosticad[oa]s? de|fallecid[oa]s? (?:de|por)|fallecio (?:de|por)|"
        r"ha sido diagnosticad[oa] de|murio (?:de|por))\b", _F),
    "ca": re.compile(
        r"\b(?:espos[oa]|marit|dona|parella|companys? de (?:feina|pis|classe)|amic|amiga|amics|veí|veïna|"
        r"cuidador[a]?)\b (?:(?:també|recentment) )?(?:té|tenia|pateix|patia|presenta|presentava|amb|"
        r"diagnosticad[ao] de|va morir de|mort per)\b", _F),
    "gl": re.compile(
        r"\b(?:espos[oa]|marido|muller|parella|compañeir[oa]s? de (?:traballo|piso|clase)|amig[oa]s?|"
        r"veciñ[oa]s?|coidador[a]?)\b (?:(?:tamén|recentemente) )?(?:ten|tiña|padece|padecía|presenta|"
        r"presentaba|con|diagnosticad[oa] de|faleceu de|finou de)\b", _F),
    "eu": re.compile(
        r"\b(?:senarrak?|emazteak?|bikotekideak?|lagunak?|bizilagunak?|zaintzaileak?|lankideak?)\b "
        r"(?:ere )?\w+ (?:du|zuen|dauka|zeukan|izan zuen|pairatzen du)\b", _F),
}
_OTHER_PERSON_END = re.compile(r";|\b(?:but|however|the patient|patient|he|she|pero|el paciente|la paciente)\b", _F)

# Substrings one of which each pattern needs: most sentences skip the regex searches.
_RISK_KEYS = ("risk", "riesgo", "effect", "efecto", "complica", "risc", "efecte", "arrisku", "ondorio", "konplika")
_INSTRUCTION_KEYS = {
    "en": ("call", "return", "come back", "go to", "seek", "notify", "contact", "signs", "symptoms", "precaution",
           "instructed", "advised", "told", "asked", "educated", "counsel"),
    "es": ("acud", "consult", "volver", "vuelva", "regres", "avis", "llam"),
    "ca": ("acud", "consult", "torn", "avis", "truc"),
    "gl": ("acud", "consult", "volv", "regres", "avis", "cham"),
    "eu": ("bada", "badu", "badago", "gero"),
}
_OTHER_PERSON_KEYS = {
    "en": ("husband", "wife", "spouse", "partner", "friend", "fianc", "mate", "worker", "colleague", "neighb",
           "caregiver"),
    "es": ("espos", "marido", "pareja", "novi", "compa", "amig", "vecin", "cuidador"),
    "ca": ("espos", "marit", "dona", "parella", "compan", "amic", "amiga", "vei", "cuidador"),
    "gl": ("espos", "marido", "muller", "parella", "compan", "amig", "vecin", "coidador"),
    "eu": ("senar", "emazte", "bikotekide", "lagun", "zaintzaile", "lankide"),
}

_BY_LANGUAGE = (_RISK_NOUN, _COMPLICATION_NOUN, _DISCUSSED, _LISTS, _RISK_STOP, _FINDING, _INSTRUCTION,
                _OTHER_PERSON, _INSTRUCTION_KEYS, _OTHER_PERSON_KEYS)


def _fold_patterns() -> None:
    """The Catalan, Galician and Basque patterns are written with their accents; the sentences they run over
    are folded, so they are folded too (their escapes are lower case: \\b, \\w)."""
    for table in _BY_LANGUAGE:
        patterns = cast(dict[str, Any], table)  # a table of patterns or of key tuples
        for lang in ("ca", "gl", "eu"):
            value = patterns[lang]
            if isinstance(value, re.Pattern):
                patterns[lang] = re.compile(fold(value.pattern), _F)
            else:
                patterns[lang] = tuple(fold(k) for k in value)


_fold_patterns()
_QUESTION_START = re.compile(r"^\W*(?:do|does|did|have|has|are|is|any|ever)\b", _F)


@dataclasses.dataclass(slots=True)
class _Scope:
    label: MentionContext
    assertion: Assertion
    start: int  # offsets relative to the sentence
    end: int


def _clause_end(f: str, start: int) -> int:
    """Where an estimate's clause ends: a semicolon or the sentence end (a comma is kept inside: the estimate
    may list several conditions, "risk of bleeding, infection or stroke")."""
    stop = f.find(";", start)
    return stop if stop >= 0 else len(f)


def _sentence_scopes(f: str, lang: str, kind: str, structured: bool) -> list[_Scope]:
    """Non-diagnosis scopes of one sentence (folded text `f`), first applicable wins per mention."""
    scopes: list[_Scope] = []
    n = len(f)
    stripped = f.rstrip()
    if stripped.endswith("?") or (stripped.endswith(("? no", "? yes", "? si")) and _QUESTION_START.match(f)):
        scopes.append(_Scope("screening", "hypothetical", 0, n))
    # risks discussed or consented to
    start = None
    if kind == "consent":
        start = 0
    elif any(k in f for k in _RISK_KEYS):
        risk = _RISK_NOUN[lang].search(f)
        discussed = _DISCUSSED[lang].search(f)
        if risk and (discussed or _LISTS[lang].search(f, risk.end())):
            start = risk.start()
        else:
            comp = _COMPLICATION_NOUN[lang].search(f)
            if comp and discussed:
                start = comp.start()
    if start is not None:
        stop = _RISK_STOP[lang].search(f, start)
        scopes.append(_Scope("risk_discussed", "hypothetical", start, stop.start() if stop else n))
    if lang == "en" and ("risk" in f or "probab" in f or "likel" in f or "chance" in f or "odds" in f):
        for estimate in _RISK_ESTIMATE.finditer(f):
            agreed = _RISK_STOP[lang].search(f, estimate.end())
            clause_end = _clause_end(f, estimate.end())
            scopes.append(_Scope("risk_discussed", "hypothetical", estimate.end(),
                                 min(clause_end, agreed.start()) if agreed else clause_end))
        for compound in _RISK_COMPOUND.finditer(f):
            scopes.append(_Scope("risk_discussed", "hypothetical", compound.start(), compound.end()))
    if kind == "instructions":
        scopes.append(_Scope("instruction", "hypothetical", 0, n))
    elif any(k in f for k in _INSTRUCTION_KEYS[lang]):
        m = _INSTRUCTION[lang].search(f)
        if m:
            start = m.start()
            if _SIGNS_OF_WHAT.match(f, start):
                # "preterm labor and preeclampsia warning signs reviewed": the signs are of what precedes them
                # in the clause
                start = max(f.rfind(c, 0, start) for c in ",;:") + 1
            scopes.append(_Scope("instruction", "hypothetical", start, n))
    m = _OTHER_PERSON[lang].search(f) if any(k in f for k in _OTHER_PERSON_KEYS[lang]) else None
    if m:
        end = _OTHER_PERSON_END.search(f, m.end())
        scopes.append(_Scope("other_person", "family", m.end(), end.start() if end else n))
    # Only a structured clinical document has a procedure narrative to set aside: a published case report
    # tells the operation and what it found in one story, and codes what it found.
    if structured and kind == "procedure_narrative" and not _FINDING[lang].search(f):
        scopes.append(_Scope("procedure_step", "hypothetical", 0, n))
    return scopes


def apply(
    text: str,
    language: str,
    document_type: str,
    sentences: Sequence[tuple[int, int, str]],
    mentions: list[Mention],
) -> list[Mention]:
    """The mentions with `section_kind` set and, where a trigger set applies, `context` and assertion."""
    operative = document_type in ("operative_report", "procedure_note")
    structured = document_type not in ("case_report", "unknown")
    lang = language if language in _RISK_NOUN else "en"
    out: list[Mention] = []
    cache: dict[int, tuple[str, list[_Scope], int]] = {}  # sentence -> (folded text, scopes, start)
    folded_text = fold(text) if mentions else ""
    if len(folded_text) != len(text):
        folded_text = ""  # a character that changes length when lowered ("İ"): fold sentence by sentence
    for m in mentions:
        s_start, s_end, section = sentences[m.sentence]
        kind = section_kind(section)
        entry = cache.get(m.sentence)
        if entry is None:
            folded = folded_text[s_start:s_end] if folded_text else fold(text[s_start:s_end])
            entry = cache[m.sentence] = (folded, _sentence_scopes(folded, lang, kind, structured), s_start)
        folded, scopes, base = entry
        context: MentionContext | None = None
        assertion = m.assertion
        rel_start, rel_end = m.start - base, m.end - base
        words = folded[rel_start:rel_end] if len(folded) == s_end - s_start else fold(m.text)
        if assertion == "possible" and m.trigger in RULE_OUT_TRIGGERS:
            context = "rule_out"
        elif assertion == "hypothetical" and m.trigger in INSTRUCTION_TRIGGERS:
            context = "instruction"
        elif assertion == "hypothetical" and m.trigger in SCREENING_TRIGGERS:
            context = "screening"
        if assertion == "negated" and _COMPLICATION_WORDS.search(words):
            context = "complication_absent"
        elif assertion != "family":
            if any(k in words for k in _BLOOD_KEYS) and _BLOOD_LOSS.search(words) and (
                _ESTIMATED.search(folded) or ((operative or kind == "procedure_narrative") and _MINIMAL.search(folded))
            ):
                # "EBL minimal", "estimated blood loss 50 mL", "minimal bleeding": nothing to code
                context, assertion = "complication_absent", "negated"
            else:
                for scope in scopes:
                    # a mention that runs into the scope counts: "reviewed the risks of infection"
                    if scope.start < rel_end and rel_start < scope.end:
                        context = scope.label
                        if assertion != "negated":
                            assertion = scope.assertion
                        break
        trigger = _LABEL_TRIGGER[context] if assertion != m.assertion and context is not None else m.trigger
        out.append(Mention(m.start, m.end, m.text, m.sentence, assertion, trigger, kind, context))
    return out


# The `trigger` a mention reports when a trigger set here changed its assertion (assemble.py quotes it).
_LABEL_TRIGGER = {
    "risk_discussed": "risks discussed",
    "complication_absent": "complication did not occur",
    "rule_out": "rule out",
    "procedure_step": "procedure narrative",
    "instruction": "instructions",
    "screening": "screening question",
    "other_person": "another person",
}
