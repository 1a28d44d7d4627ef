"""Word lists of the understand stage in Catalan (ca), Galician (gl) and Basque (eu): the same tables as
lexicon.py has for English and Spanish (see its docstring for the directions "f", "b", "b1", "bi", ...).

Written from general clinical usage of each language, not from any evaluation note. Catalan and Galician
work like Spanish (the trigger precedes the noun: "sense febre", "non presenta febre"). Basque puts the
verb last and marks negated nouns with the partitive "-(r)ik": the negation comes before the noun with its
auxiliary ("ez du sukarrik", "ez zen hemorragiarik ikusi") or after it ("sukarrik gabe", "X baztertu
zen"), and a conjugated verb closes the clause (context.py ends every scope there); the partitive itself is
read by context.py (`basque_partitive`).

Phrases are plain text, tokenized like the note (lower case, accents folded): inflected forms are listed.
"""

from __future__ import annotations

# fmt: off

def _f(*phrases: str) -> list[tuple[str, str]]:
    return [(p, "f") for p in phrases]


def _d(direction: str, *phrases: str) -> list[tuple[str, str]]:
    return [(p, direction) for p in phrases]


# ================================================================ Catalan
NEGATED_CA = [
    *_f("no", "sense", "nega", "neguen", "negava", "va negar", "tampoc", "mai", "absència de", "lliure de",
        "lliures de", "sense evidència de", "sense signes de", "sense dades de", "sense indicis de",
        "sense antecedents de", "sense antecedents familiars de", "no hi ha", "no hi havia", "no presenta",
        "no presentava", "no va presentar", "no refereix", "no referia", "no mostra", "no mostrava",
        "no té", "no tenia", "no s'observa", "no s'observen", "no es va observar", "no es van observar",
        "no s'aprecia", "no s'aprecien", "no es va apreciar", "no s'objectiva", "no s'objectiven",
        "no es va objectivar", "no es van objectivar", "no es detecta", "no es detecten", "no es va detectar",
        "no es palpa", "no es palpen", "no s'identifica", "no s'identifiquen", "no es va identificar",
        "no es troba", "no es troben", "no es va trobar", "no es visualitza", "no es visualitzen",
        "no s'evidencia", "no s'evidencien", "no es va evidenciar", "es descarta", "es descarten",
        "es va descartar", "es van descartar", "després de descartar", "un cop descartat", "un cop descartada",
        "negatiu per a", "negativa per a", "negatius per a", "negatives per a", "cap", "no compatible amb",
        "ni", "ni s'observa", "ni presenta", "ni refereix", "no es", "no s'"),
    *_f("exempt de", "exempta de", "sense evidències de", "sense presència de", "sense clínica de",
        "que suggereixi", "que suggereixin", "que indiqui", "que indiquin", "no antecedents familiars de",
        "nega antecedents de", "nega antecedents familiars de", "no evidència de", "no signes de", "no dades de",
        "no existeix", "no existia", "no existeixen", "no va referir", "no va mostrar", "no van mostrar",
        "no s'observava", "no s'observaven", "no s'apreciava", "no es van apreciar", "no s'objectivava",
        "no s'evidenciava", "no es detectava", "no es palpava", "no es palpaven", "no es va palpar",
        "no es visualitzava", "no es va visualitzar", "no es demostra", "no es va demostrar", "no es constata",
        "no es va constatar", "no s'hi observen", "no s'hi aprecien", "no s'hi objectiven",
        "no hi havia signes de", "descartant", "negativitat de", "un cop descartats", "un cop descartades",
        "no compatibles amb", "ni s'observen", "ni s'aprecia", "ni s'aprecien", "ni es palpa", "ni es palpen",
        "ni s'objectiva", "ni s'objectiven", "ni s'evidencia", "ni tenia", "ni té", "ni hi havia", "ni hi ha",
        "ni presentava", "ni referia", "ni mostrava"),
    *_d("b1", "va ser normal", "era normal", "és normal", "va resultar normal", "dins de valors normals",
        "en rang normal"),
    *_d("b1", "negatiu", "negativa", "absent", "normal", "dins de la normalitat", "dins dels límits normals"),
    *_d("bpl", "negatius", "negatives", "absents", "normals"),
    *_d("adj", "descartat", "descartada", "descartats", "descartades"),
    *_d("b", "va ser descartat", "va ser descartada", "no visible", "no palpable", "no palpables"),
    *_d("b", "van ser descartats", "van ser descartades", "no visibles"),
    *_d("f1", "cap", "cap mena de"),
    *_d("bi", "improbable", "poc probable"),
]
POSSIBLE_CA = [
    *_f("possible", "possibles", "possiblement", "probable", "probables", "probablement", "sospita de",
        "sospita", "sospita clínica de", "davant la sospita de", "amb sospita de", "es sospita", "suggestiu de",
        "suggestiva de", "suggereix", "suggereixen", "suggestius de", "a descartar", "descartar", "per descartar",
        "no es pot descartar", "no es poden descartar", "no es va poder descartar", "no es descarta",
        "sense poder descartar", "diagnòstic diferencial", "diagnòstic diferencial amb", "presumpte",
        "presumpció de", "impressiona de",
        "presumpta", "podria tractar-se de", "pot tractar-se de", "probabilitat de"),
    *_f("sospites de", "sospita diagnòstica de", "sospitant", "es va sospitar", "suggerent de", "suggerents de",
        "suggeria", "suggerien", "que suggereix", "que suggereixen", "no es va descartar", "sense descartar",
        "presumptiu", "presumptiva", "podria correspondre a"),
    *_d("adj", "dubtós", "dubtosa", "dubtosos", "dubtoses"),
    *_d("b", "no descartat", "no descartada", "per confirmar", "pendent de confirmar", "no confirmat",
        "no confirmada"),
    *_d("bi", "vs", "versus"),
]
COMPAT_CA = ["compatible amb", "compatibles amb", "suggestiu de", "suggestiva de"]
HYPOTHETICAL_CA = [
    *_f("si", "en cas de", "si presenta", "si apareix", "si apareixen", "acudir si", "consultar si", "vigilar",
        "risc de", "prevenció de", "per prevenir", "profilaxi de", "profilaxi per a", "cribratge de",
        "per evitar", "evitar"),
]
HISTORICAL_CA = [
    *_f("antecedents de", "antecedent de", "antecedents personals de", "antecedents personals",
        "antecedents mèdics de", "antecedents patològics de", "antecedents quirúrgics de", "història de",
        "història prèvia de", "prèviament", "intervingut de", "intervinguda de", "operat de", "operada de",
        "episodi previ de", "episodis previs de"),
    *_d("b1", "previ", "prèvia", "previs", "prèvies", "resolt", "resolta", "antic", "antiga"),
    *_d("b", "resolts", "resoltes", "en la infància", "en el passat"),
]
FAMILY_CA = [
    *_f("antecedents familiars de", "antecedents familiars", "antecedent familiar de", "història familiar de",
        "història familiar", "familiar de primer grau amb", "familiars de primer grau amb"),
    *_d("bi1", "mare", "pare", "pares", "germà", "germana", "germans", "germanes", "avi", "àvia", "avis",
        "oncle", "tia", "oncles", "cosí", "cosina", "progenitor", "progenitora", "familiar de primer grau",
        "familiars de primer grau"),
]
PSEUDO_SPLIT_CA = [
    "no augment", "sense canvis", "no només", "sense dificultat", "previ a", "prèvia a", "història clínica",
    "malaltia actual", "la mare refereix", "el pare refereix", "els pares refereixen", "viu amb", "si bé",
    "sí", "no indicat", "no indicada", "no recomanable", "no va ser possible", "no és possible",
    "va confirmar la sospita de", "es confirma la sospita de", "factors de risc", "factor de risc",
    "si cal", "si escau", "bon estat general", "bon estat", "bona tolerància", "ben tolerat", "ben tolerada",
    "inestabilitat hemodinàmica", "índex de massa corporal", "efecte massa", "al més aviat possible",
    "la setmana prèvia", "els dies previs", "el dia previ", "els mesos previs", "les hores prèvies",
]
PSEUDO_KEEP_CA = [
    "gram negatiu", "gram negatius", "gramnegatiu", "gramnegatius", "triple negatiu", "triple negativa",
    "rh negatiu", "no hodgkin", "no microcític", "no insulinodependent", "no especificat", "no especificada",
    "sense especificar", "sense llar", "no esteroidal", "no esteroidals", "no invasiu", "no invasiva",
    "coagulasa negatiu", "coagulasa negativa", "pressió normal",
    # "cap" is "no/none" ("cap lesió"), but also "towards" ("cap al mediastí", "cap avall") and "head"
    "cap a", "cap al", "cap als", "cap a la", "cap a les", "cap a l'", "cap amunt", "cap avall", "cap enrere",
    "cap endavant", "cap endins", "cap enfora", "cap aquí", "mal de cap", "dolor de cap", "cap del pàncrees",
    "cap pancreàtic", "cap femoral", "cap humeral", "cap del fèmur", "cap de l'húmer", "cap de la mandíbula",
]
TERMINATE_ALL_CA = [
    "d'interès", "antecedents d'interès", "antecedents personals d'interès", "antecedents familiars d'interès",
    "interès", "fins que", "però", "tot i que", "encara que", "no obstant això", "tanmateix", "excepte",
    "llevat de", "a part de", "si bé", "mentre que", "malgrat",
]
TERMINATE_NEGATED_CA = [
    "perquè", "ja que", "atès que", "a causa de", "degut a", "sense focus aparent", "sense causa aparent",
    "sense tractament", "sense al·lèrgies conegudes", "sense al·lèrgies medicamentoses conegudes",
    "no al·lèrgies medicamentoses conegudes", ", amb", "que", "el qual", "la qual", "els quals", "les quals",
    "refereix", "presenta", "presentava", "va presentar", "positiu per a", "positiva per a", "destaca",
    "s'observa", "s'observen", "es va observar", "s'aprecia", "s'objectiva", "s'objectiven",
    "es va objectivar", "s'evidencia", "mostra", "mostrava", "té", "tenia", "només", "únicament", ", és",
]
TERMINATE_HISTORICAL_CA = ["acudeix", "va acudir", "consulta", "va consultar", "ingressa", "va ingressar",
                           "presenta", "va presentar", "actualment", "en l'actualitat", "avui"]
TERMINATE_CURRENT_CA = [
    "acudeix", "va acudir", "acudeix per", "va acudir per", "acudeix a urgències", "va acudir a urgències",
    "consulta per", "va consultar per", "ingressa per", "va ingressar per", "ingressa", "va ingressar",
    "presenta", "va presentar", "presentava", "refereix", "referia", "és remès", "és remesa", "remès per",
    "remesa per", "derivat per", "derivada per", "pateix", "patia", "va patir", "desenvolupa",
    "va desenvolupar", "inicia", "va iniciar", "comença", "va començar", "diagnosticat de",
    "diagnosticada de",
]
TERMINATE_CLAUSE_CA = ["es", "s'"]
TERMINATE_FAMILY_CA = ["el pacient", "la pacient", "el nostre pacient", "la nostra pacient", "el malalt",
                       "la malalta", "el nen", "la nena"]
CONJ_CA = ["i", "o", "ni", "i/o", "així com", "juntament amb"]
KEEP_CA = ["cap i coll", "nàusees i vòmits", "signes i símptomes", "mà, peu i boca", "e. coli"]
SPLIT_CA = [
    "que", "qui", "on", "quan", "és", "era", "va ser", "són", "eren", "van ser", "està", "estava", "estan",
    "estaven", "ha", "havia", "han", "havien", "hi ha", "hi havia", "va", "van", "per la qual cosa",
    "per això", "ja que", "perquè", "mitjançant", "tractat amb", "tractada amb", "en tractament amb",
    "com", "llavors", "també", "a més", "després", "posteriorment", "sent", "estant", "quedant", "es va",
    "es van", "s'ha", "s'han", "es realitza", "es va realitzar", "es van realitzar", "realitzant",
    "iniciant", "mostra", "mostren", "mostrava", "presenta", "presentava", "refereix", "referia",
    "s'observa", "s'observen", "s'aprecia", "s'objectiva", "s'evidencia", "es detecta", "es palpa",
    "es diagnostica", "es decideix", "es deriva", "va morir", "mort per", "corresponent a", "consistent en",
]
STRIP_CA = [
    "el", "la", "els", "les", "l'", "un", "una", "uns", "unes", "de", "d'", "del", "dels", "al", "als", "a",
    "en", "amb", "per", "pel", "pels", "per a", "seu", "seva", "seus", "seves", "aquest", "aquesta",
    "aquests", "aquestes", "aquell", "aquella", "molt", "pacient", "pacients", "i", "o", "fins", "des",
    "després", "sobre", "entre", "davant", "sota", "ja", "dit", "dita", "tot", "tota", "això", "es", "s'",
    "hi",
]
STRIP_LEADING_CA = ["quadre", "clínic", "clínica", "diagnòstic", "diagnosticat", "diagnosticada", "episodi",
                    "episodis", "signes", "símptomes", "dades", "troballes", "conegut", "coneguda", "presència",
                    "imatge", "imatges", "existència"]

# ================================================================ Galician
NEGATED_GL = [
    *_f("non", "sen", "nega", "negan", "negou", "negaba", "tampouco", "nunca", "ausencia de", "libre de",
        "libres de", "sen evidencia de", "sen signos de", "sen datos de", "sen indicios de", "sen clínica de",
        "sen antecedentes de", "sen antecedentes familiares de", "non hai", "non había", "non existe",
        "non presenta", "non presentaba", "non presentou", "non refire", "non refería", "non referiu",
        "non mostra", "non mostrou", "non mostraba", "non ten", "non tiña", "non se observa", "non se observan",
        "non se observou", "non se observaron", "non se aprecia", "non se aprecian", "non se apreciou",
        "non se obxectiva", "non se obxectivan", "non se obxectivou", "non se evidencia", "non se evidencian",
        "non se evidenciou", "non se detecta", "non se detectan", "non se detectou", "non se palpa",
        "non se palpan", "non se identifica", "non se identifican", "non se identificou", "non se atopa",
        "non se atopan", "non se atopou", "non se visualiza", "non se visualizan", "non se demostrou",
        "descártase", "descartouse", "descártanse", "descartáronse", "tras descartar", "despois de descartar",
        "unha vez descartado", "unha vez descartada", "negativo para", "negativa para", "negativos para",
        "negativas para", "non compatible con", "non se", "nin", "nin se observa", "nin presenta", "nin refire"),
    *_f("exento de", "exenta de", "sen presenza de", "que suxira", "que suxiran", "que indique", "que indiquen",
        "non antecedentes familiares de", "nega antecedentes de", "nega antecedentes familiares de",
        "non evidencia de", "non signos de", "non datos de", "non existía", "non existen", "non se palparon",
        "non se constata", "non se constatou", "descartando", "descartándose", "negatividade de",
        "unha vez descartados", "unha vez descartadas", "non compatibles con", "nin se observan",
        "nin se aprecia", "nin se aprecian", "nin se palpa", "nin ten", "nin tiña", "nin había", "nin hai"),
    *_d("b1", "foi normal", "era normal", "é normal", "resultou normal", "dentro de valores normais"),
    *_d("b1", "negativo", "negativa", "ausente", "normal", "dentro da normalidade", "dentro dos límites normais"),
    *_d("bpl", "negativos", "negativas", "ausentes", "normais"),
    *_d("adj", "descartado", "descartada", "descartados", "descartadas"),
    *_d("b", "foi descartado", "foi descartada", "non visible", "non palpable", "non palpables"),
    *_d("f1", "ningún", "ningunha", "ningúns", "ningunhas"),
    *_d("bi", "improbable", "pouco probable"),
]
POSSIBLE_GL = [
    *_f("posible", "posibles", "posiblemente", "probable", "probables", "probablemente", "sospeita de",
        "sospeita", "sospeita clínica de", "ante a sospeita de", "con sospeita de", "sospéitase", "suxestivo de",
        "suxestiva de", "suxestivos de", "suxestivas de", "suxire", "suxiren", "a descartar", "descartar",
        "para descartar", "non se pode descartar", "non se poden descartar", "non se puido descartar",
        "non se descarta", "sen poder descartar", "diagnóstico diferencial", "diagnóstico diferencial con",
        "presunto", "presunta", "podería tratarse de", "pode tratarse de", "probabilidade de"),
    *_f("sospeitas de", "sospeita diagnóstica de", "sospeitándose", "suxerente de", "suxerentes de", "suxería",
        "que suxire", "que suxiren", "non se descartou", "sen descartar", "presuntivo", "presuntiva",
        "podería corresponder a"),
    *_d("adj", "dubidoso", "dubidosa", "dubidosos", "dubidosas"),
    *_d("b", "non descartado", "non descartada", "por confirmar", "pendente de confirmar", "non confirmado",
        "non confirmada"),
    *_d("bi", "vs", "versus"),
]
COMPAT_GL = ["compatible con", "compatibles con", "suxestivo de", "suxestiva de"]
HYPOTHETICAL_GL = [
    *_f("en caso de", "no caso de", "se aparece", "se aparecen", "acudir se",
        "consultar se", "vixiar", "risco de", "prevención de", "para previr", "profilaxe de", "profilaxe para",
        "cribado de", "para evitar", "evitar"),
]
HISTORICAL_GL = [
    *_f("antecedentes de", "antecedente de", "antecedentes persoais de", "antecedentes persoais",
        "antecedentes médicos de", "antecedentes patolóxicos de", "antecedentes cirúrxicos de", "historia de",
        "historia previa de", "previamente", "intervido de", "intervida de", "operado de", "operada de",
        "episodio previo de", "episodios previos de"),
    *_d("b1", "previo", "previa", "previos", "previas", "resolto", "resolta", "antigo", "antiga"),
    *_d("b", "resoltos", "resoltas", "na infancia", "no pasado"),
]
FAMILY_GL = [
    *_f("antecedentes familiares de", "antecedentes familiares", "antecedente familiar de",
        "historia familiar de", "historia familiar", "familiar de primeiro grao con",
        "familiares de primeiro grao con"),
    *_d("bi1", "nai", "pai", "pais", "irmán", "irmá", "irmáns", "irmás", "avó", "avoa", "avós", "tío", "tía",
        "tíos", "curmán", "curmá", "proxenitor", "proxenitora", "familiar de primeiro grao",
        "familiares de primeiro grao"),
]
PSEUDO_SPLIT_GL = [
    "non aumento", "sen cambios", "non só", "sen dificultade", "previo a", "previa a", "historia clínica",
    "enfermidade actual", "a nai refire", "o pai refire", "os pais refiren", "vive con", "se ben", "si",
    "non indicado", "non indicada", "non recomendable", "non foi posible", "non é posible",
    "confirmou a sospeita de", "confírmase a sospeita de", "factores de risco", "factor de risco",
    "se precisa", "se é necesario", "bo estado xeral", "bo estado", "boa tolerancia", "ben tolerado",
    "ben tolerada", "inestabilidade hemodinámica", "índice de masa corporal", "efecto masa",
    "canto antes", "a semana previa", "os días previos", "o día previo", "os meses previos",
]
PSEUDO_KEEP_GL = [
    "gram negativo", "gram negativos", "gramnegativo", "gramnegativos", "triplo negativo", "triple negativo",
    "rh negativo", "non hodgkin", "non microcítico", "non insulinodependente", "non especificado",
    "non especificada", "sen especificar", "sen fogar", "non esteroideo", "non esteroideos", "non invasivo",
    "non invasiva", "coagulase negativo", "presión normal",
]
TERMINATE_ALL_GL = [
    "de interese", "antecedentes de interese", "antecedentes persoais de interese",
    "antecedentes familiares de interese", "interese", "ata que", "pero", "mais", "aínda que", "porén",
    "non obstante", "agás", "excepto", "salvo", "á parte de", "se ben", "mentres que", "a pesar de",
]
TERMINATE_NEGATED_GL = [
    "porque", "xa que", "posto que", "debido a", "dado que", "a causa de", "sen foco aparente",
    "sen causa aparente", "sen tratamento", "sen alerxias coñecidas", "sen alerxias medicamentosas coñecidas",
    "non alerxias medicamentosas coñecidas", ", con", "que", "o cal", "a cal", "os cales", "as cales",
    "refire", "refería", "presenta", "presentaba", "presentou", "positivo para", "positiva para", "destaca",
    "obsérvase", "obsérvanse", "observouse", "apréciase", "obxectívase", "obxectivouse", "evidénciase",
    "mostra", "mostraba", "mostrou", "ten", "tiña", "só", "soamente", "unicamente", ", é", ", está",
]
TERMINATE_HISTORICAL_GL = ["acode", "acudiu", "consulta", "consultou", "ingresa", "ingresou", "presenta",
                           "presentou", "actualmente", "na actualidade", "hoxe"]
TERMINATE_CURRENT_GL = [
    "acode", "acudiu", "acode por", "acudiu por", "acode a urxencias", "acudiu a urxencias", "consulta por",
    "consultou por", "ingresa por", "ingresou por", "ingresa", "ingresou", "presenta", "presentou",
    "presentaba", "refire", "refería", "é remitido", "é remitida", "remitido por", "remitida por",
    "derivado por", "derivada por", "padece", "padecía", "sofre", "sufriu", "desenvolve", "desenvolveu",
    "inicia", "iniciou", "comeza", "comezou", "diagnosticado de", "diagnosticada de",
]
TERMINATE_CLAUSE_GL: list[str] = []
TERMINATE_FAMILY_GL = ["o paciente", "a paciente", "o noso paciente", "a nosa paciente", "o doente",
                       "a doente", "o neno", "a nena"]
CONJ_GL = ["e", "ou", "nin", "e/ou", "así como", "xunto con"]
KEEP_GL = ["cabeza e pescozo", "náuseas e vómitos", "signos e síntomas", "man, pé e boca", "e. coli"]
SPLIT_GL = [
    "que", "quen", "cal", "cales", "onde", "cando", "é", "foi", "era", "son", "foron", "eran", "está",
    "estaba", "están", "estaban", "ha", "había", "hai", "houbo", "tivo", "polo que", "por iso", "xa que",
    "porque", "mediante", "tratado con", "tratada con", "en tratamento con", "realízase", "realizouse",
    "realizáronse", "realizando", "iniciando", "como", "entón", "tamén", "ademais", "logo", "posteriormente",
    "sendo", "estando", "quedando", "obsérvase", "obsérvanse", "observouse", "apréciase", "obxectívase",
    "obxectivouse", "evidénciase", "evidenciouse", "detéctase", "detectouse", "pálpase", "diagnostícase",
    "diagnosticouse", "decídese", "decidiuse", "mostra", "mostraba", "mostrou", "falecido por",
    "falecida por", "faleceu", "correspondente a", "consistente en",
]
STRIP_GL = [
    "o", "a", "os", "as", "un", "unha", "uns", "unhas", "de", "do", "da", "dos", "das", "ao", "aos", "á",
    "ás", "en", "no", "na", "nos", "nas", "con", "co", "coa", "cos", "coas", "por", "polo", "pola", "polos",
    "polas", "para", "seu", "súa", "seus", "súas", "este", "esta", "estes", "estas", "ese", "esa", "moi",
    "paciente", "pacientes", "e", "ou", "dende", "desde", "ata", "tras", "sobre", "entre", "ante", "baixo",
    "xa", "dito", "dita", "todo", "iso", "dun", "dunha", "nun", "nunha", "cun", "cunha",
]
STRIP_LEADING_GL = ["cadro", "clínico", "clínica", "diagnóstico", "diagnosticado", "diagnosticada", "episodio",
                    "episodios", "signos", "síntomas", "datos", "achados", "coñecido", "coñecida", "presenza",
                    "imaxe", "imaxes", "existencia"]

# ================================================================ Basque
# Auxiliaries and common conjugated verbs: they close a clause (context.py reads them as scope ends) and,
# after "ez", belong to the negation ("ez du", "ez zuen").
AUXILIARIES_EU = [
    "da", "zen", "dira", "ziren", "du", "zuen", "dute", "zuten", "ditu", "zituen", "dituzte", "zituzten",
    "dago", "zegoen", "daude", "zeuden", "dauka", "zeukan", "zaio", "zitzaion", "zaie", "zitzaien",
    "zaizkio", "zitzaizkion", "dio", "zion", "dizkio", "zizkion", "dela", "zela", "duela", "zuela",
    "dituela", "zituela", "den", "duen", "dituen", "zituen", "zeukala", "zegoela", "daitezke", "daiteke",
    "zitekeen", "dezake", "zezakeen", "liteke", "luke", "zuelarik", "zelarik", "baitzuen", "baitzen",
    "dugu", "genuen", "zaigu", "zitzaigun", "ziola", "diola", "bada", "balu", "bazen", "bazuen",
    "dituena", "zituena", "duena", "zuena", "dena", "zena", "dagoena", "zegoena", "dituzten", "zituzten",
]
# Common participles of clinical narrative (a bare "-tu" ending also ends nouns: "infartu", "akutu").
PARTICIPLES_EU = [
    "aurkitu", "ospitaleratu", "diagnostikatu", "tratatu", "operatu", "baieztatu", "egiaztatu", "berretsi",
    "erakutsi", "agertu", "garatu", "jaso", "amaitu", "eraman", "bidali", "deribatu", "kontsultatu",
    "aztertu", "behatu", "detektatu", "identifikatu", "konfirmatu", "sartu", "kendu", "erauzi", "sendatu",
    "hobetu", "okertu", "larriagotu", "konplikatu", "hautematu", "aurkeztu", "adierazi", "ebaki", "erabaki",
    "hasi", "jarraitu", "mantendu", "eskatu", "gomendatu", "preskribatu", "administratu", "erantsi",
]
NEGATED_EU = [
    *_f("ez", "ezta", "inolako", "inongo", "ez du", "ez zuen", "ez da", "ez zen", "ez dago", "ez zegoen",
        "ez dira", "ez ziren", "ez dute", "ez zuten", "ez ditu", "ez zituen", "ez dauka", "ez zeukan",
        "ez zaio", "ez zitzaion", "ez zaie", "ez zitzaien", "ez zegoela", "ez zuela", "ez zela", "ez duela",
        "ez dela", "ez zen ikusi", "ez da ikusten", "ez zen aurkitu", "ez zen antzeman", "ez zen hauteman",
        "ez zuen aurkeztu", "ez du aurkezten", "ez zuen erakutsi", "ez da antzematen", "ez da hautematen",
        "ez da nabaritzen", "ez zen nabaritu", "ez zegoen ebidentziarik", "ebidentziarik gabe",
        "zantzurik gabe", "ez zuen adierazi", "ez du adierazten"),
    *_d("b", "gabe", "gabeko", "gabekoa", "gaberik", "ukatzen du", "ukatzen zuen", "ukatu zuen", "ukatzen ditu",
        "ukatzen zituen", "baztertu zen", "baztertu ziren", "baztertu da", "baztertu dira", "baztertu egin zen",
        "baztertuta", "bazterturik", "baztertu zuten", "baztertu genuen", "ez zen ikusi", "ez ziren ikusi",
        "ez da ikusi", "ez zen aurkitu", "ez ziren aurkitu", "ez zen antzeman", "ez zen hauteman",
        "ez zen detektatu", "ez zen identifikatu", "ez dago", "ez zegoen", "ez zuen", "ez du"),
    *_d("b1", "negatiboa", "negatibo", "ezezkoa", "ezezko", "normala", "normal", "normaltasunean",
        "normaltasun barruan", "baztertua", "baztertuak", "falta", "ez-ohikoa"),
    *_d("bpl", "negatiboak", "ezezkoak", "normalak"),
    *_d("bi", "nekez", "ez da litekeena"),
]
POSSIBLE_EU = [
    *_f("baliteke", "ziurrenik", "seguruenik", "agian", "beharbada", "balizko", "diagnostiko diferentziala",
        "diagnostiko diferentzialean"),
    *_d("b", "susmoa", "susmoarekin", "susmoagatik", "susmagarria", "susmagarriak", "susmatu zen",
        "susmatzen da", "susmatu zuten", "baztertzeko", "baztertu beharra", "ezin da baztertu",
        "ezin izan zen baztertu", "ez da baztertzen", "ez zen baztertu", "posiblea", "probablea",
        "litekeena", "zalantzazkoa", "baieztatzeke", "baieztatu gabe", "baieztatzeko"),
    *_d("bi", "vs", "versus", "edo agian"),
]
COMPAT_EU: list[str] = []
HYPOTHETICAL_EU = [
    *_f("baldin", "baldin eta"),
    *_d("b", "bada", "badu", "baldin badago", "agertuz gero", "agertzen bada", "arriskua", "arrisku",
        "arriskuarekin", "prebenitzeko", "saihesteko", "ekiditeko", "profilaxia", "profilaxirako",
        "prebentzioa", "prebentziorako", "baheketa"),
]
HISTORICAL_EU = [
    *_f("aurrekari pertsonalak", "aurrekari pertsonal", "aurrekariak", "aurrekari"),
    *_d("b", "aurrekariak", "aurrekaria", "aurrekarien", "aurrekariekin", "aurrekari", "aurrekaririk",
        "iraganean", "haurtzaroan", "txikitan", "lehenago", "aurretik"),
    *_d("b1", "ohia", "ebakuntza egina", "sendatua", "sendatuta", "konpondua"),
]
FAMILY_EU = [
    *_f("familia-aurrekariak", "familia aurrekariak", "familiako aurrekariak", "familiaren aurrekariak",
        "familia-aurrekari", "familian"),
    *_d("bi1", "ama", "amak", "amaren", "amari", "aita", "aitak", "aitaren", "aitari", "gurasoak", "gurasoek",
        "gurasoen", "anaia", "anaiak", "anaiaren", "arreba", "arrebak", "arrebaren", "ahizpa", "ahizpak",
        "ahizparen", "neba", "nebak", "nebaren", "aitona", "aitonak", "aitonaren", "amona", "amonak",
        "amonaren", "osaba", "osabak", "osabaren", "izeba", "izebak", "izebaren", "lehengusua", "lehengusuak",
        "lehengusinak", "senideak", "senideek", "senide", "lehen mailako senide", "lehen mailako senideak"),
]
PSEUDO_SPLIT_EU = [
    "egoera orokor ona", "egoera ona", "tolerantzia ona", "ondo toleratu", "gorputz-masaren indizea",
    "gorputz masaren indizea", "masa-efektua", "arrisku-faktoreak", "arrisku faktoreak", "arrisku-faktore",
    "ahalik eta lasterren", "aldaketarik gabe", "zailtasunik gabe", "aurreko egunean", "aurreko egunetan",
    "aurreko asteetan", "aurreko hilabeteetan", "aurreko orduetan", "ez bakarrik", "arrazoi argirik gabe",
    "kausa argirik gabe", "tratamendurik gabe", "alergiarik ezagutu gabe", "botika-alergiarik ez",
    "alergia ezagunik gabe", "sendagaien alergia ezagunik gabe",
]
PSEUDO_KEEP_EU = [
    "gram negatiboa", "gram negatiboak", "gram-negatiboa", "hirukoitz negatiboa", "rh negatiboa",
    "ez-hodgkin", "ez hodgkin", "ez-zelula txikiko", "ez-intsulinomendeko", "ez-esteroideo", "ez-inbaditzaile",
    "presio normaleko", "koagulasa negatiboa",
]
TERMINATE_ALL_EU = [
    "interesekoak", "interesgarriak", "intereseko", "interesgarririk", "baina", "hala ere", "nahiz eta",
    "salbu", "izan ezik", "ezik", "aldiz", "berriz", "arren",
]
TERMINATE_NEGATED_EU = [
    "eta", "baizik", "bakarrik", "soilik", "agertu zen", "aurkeztu zuen", "aurkezten du", "ikusi zen",
    "ikusten da", "antzeman zen", "hauteman zen", "positiboa", "positiboak",
]
TERMINATE_HISTORICAL_EU = ["etorri zen", "dator", "kontsultatu zuen", "kontsultatzen du", "ospitaleratu zen",
                           "ospitaleratu zuten", "gaur egun", "gaur", "orain", "une honetan"]
TERMINATE_CURRENT_EU = [
    "etorri zen", "dator", "kontsultatu zuen", "kontsultara etorri zen", "larrialdietara etorri zen",
    "ospitaleratu zen", "ospitaleratu zuten", "ospitaleratu", "aurkeztu zuen", "aurkezten du", "bideratu zuten",
    "bidali zuten", "garatu zuen", "hasi zen", "diagnostikatu zioten", "diagnostikatu zen",
]
TERMINATE_CLAUSE_EU: list[str] = []
TERMINATE_FAMILY_EU = ["gaixoa", "gaixoak", "pazientea", "pazienteak", "gure gaixoa", "gure pazientea",
                       "haurra", "haurrak"]
CONJ_EU = ["eta", "edo", "ezta", "eta/edo", "baita", "baita ere", "eta baita"]
KEEP_EU = ["buru eta lepo", "goragalea eta gorakoak", "zeinu eta sintomak", "e. coli"]
SPLIT_EU = [
    "zeina", "zeinak", "non", "noiz", "orduan", "ondoren", "gero", "geroago", "horregatik", "beraz", "bidez",
    "bitartez", "tratatu zen", "tratatu zuten", "tratamenduarekin", "egin zen", "egin zitzaion", "egin ziren",
    "egin zitzaizkion", "eman zen", "eman zitzaion", "ikusi zen", "ikusten da", "ikusi ziren",
    "antzeman zen", "hauteman zen", "aurkitu zen", "aurkitu ziren", "agertu zen", "agertzen da",
    "erakutsi zuen", "erakusten du", "adierazi zuen", "adierazten du", "izan zen", "izan zuen", "izan da",
    "izan du", "zegoen", "dago", "hil zen", "hil", "ikusi", "ikusten", "egin", "egiten", "eman", "ematen",
    "jarri", "hasi", "atera", "aurkitu", "agertu", "izan", "izaten", "zituela", "eta gero", "ere", "gainera",
    "hala", "bezala",
    *AUXILIARIES_EU,
    *PARTICIPLES_EU,
]
STRIP_EU = [
    "bat", "batean", "baten", "batek", "batzuk", "bere", "beren", "haren", "hau", "hori", "hura", "honen",
    "horren", "hauek", "horiek", "oso", "gaixoa", "gaixoak", "pazientea", "pazienteak", "eta", "edo", "ere",
    "ez", "-", "zuen", "zen", "du", "da", "izan", "egin", "ohi", "ondoren", "aurretik",
]
STRIP_LEADING_EU = ["koadro", "koadroa", "diagnostikoa", "diagnostiko", "diagnostikatua", "pasartea",
                    "zeinuak", "sintomak", "datuak", "aurkikuntzak", "ezaguna", "presentzia", "irudia",
                    "irudiak", "klinikoa"]

# ---------------------------------------------------------------- shared extensions
POSSIBLE_LIST_INTRO = frozenset({
    "diagnòstic diferencial", "diagnòstic diferencial amb", "a descartar", "descartar", "per descartar",
    "diagnóstico diferencial", "diagnóstico diferencial con", "para descartar",
    "diagnostiko diferentziala", "diagnostiko diferentzialean",
})
HYPOTHETICAL_NOUN = frozenset({
    "risc de", "prevenció de", "per prevenir", "profilaxi de", "profilaxi per a", "cribratge de", "per evitar",
    "evitar", "risco de", "prevención de", "para previr", "profilaxe de", "profilaxe para", "cribado de",
    "para evitar", "arriskua", "prebentzioa", "profilaxia", "baheketa",
})
NEGATION_VERBS = frozenset({
    "presenta", "presentava", "mostra", "mostrava", "refereix", "referia", "te", "tenia", "observa", "observen",
    "aprecia", "objectiva", "evidencia", "palpa", "detecta", "identifica", "troba", "va", "van", "hi",
    "presentou", "mostrou", "refire", "ten", "tina", "hai", "habia", "existe", "obxectiva", "obxectivan",
    "atopa", "atopan",
    *AUXILIARIES_EU,
})
NEGATION_BARE = frozenset({"non", "nin", "tampouco", "tampoc", "mai", "ez", "ezta"})

# Section headers (normalized: lower case, accents folded), merged into lexicon.SECTION_HEADERS.
SECTION_HEADERS = {
    "history": [
        "antecedents", "antecedents personals", "antecedents medics", "antecedents patologics",
        "antecedents quirurgics", "antecedents medicoquirurgics", "antecedents d'interes",
        "antecedents personals d'interes", "antecedentes persoais", "antecedentes patoloxicos",
        "antecedentes cirurxicos", "antecedentes medico-cirurxicos", "antecedentes de interese",
        "antecedentes persoais de interese", "aurrekariak", "aurrekari pertsonalak", "aurrekari medikoak",
        "aurrekari kirurgikoak", "aurrekari patologikoak", "aurrekari interesgarriak",
    ],
    "family_history": [
        "antecedents familiars", "historia familiar", "antecedentes familiares", "familia-aurrekariak",
        "familia aurrekariak", "familiako aurrekariak", "aurrekari familiarrak",
    ],
    "social_history": ["habits toxics", "habitos toxicos", "ohitura toxikoak", "ohiturak"],
    "medications": [
        "tractament", "tractament habitual", "tractament actual", "medicacio", "medicacio habitual",
        "tractament a l'alta", "tratamento", "tratamento habitual", "tratamento actual", "medicacion habitual",
        "tratamento ao alta", "tratamendua", "ohiko tratamendua", "egungo tratamendua", "botikak",
        "medikazioa", "alta-tratamendua",
    ],
    "allergies": ["al·lergies", "alergies", "alerxias", "alerxia", "alergiak", "alergia"],
    "hpi": [
        "motiu de la consulta", "motivo da consulta",
        "malaltia actual", "motiu de consulta", "motiu d'ingres", "anamnesi", "enfermidade actual",
        "motivo de consulta", "motivo de ingreso", "anamnese", "egungo gaixotasuna", "kontsultaren arrazoia",
        "kontsulta-arrazoia", "ospitaleratzearen arrazoia", "anamnesia",
    ],
    "exam": [
        "exploracio fisica a l'ingres", "constants vitals", "exploracion fisica ao ingreso", "constantes vitais",
        "exploracio fisica", "exploracio", "exploracio general", "constants", "exploracion fisica",
        "exame fisico", "constantes", "esplorazio fisikoa", "azterketa fisikoa", "esplorazioa",
        "konstanteak",
    ],
    "results": [
        "proves d'imatge", "estudis complementaris", "informe anatomopatologic", "probas de imaxe", "estudos complementarios", "informe anatomopatoloxico",
        "proves complementaries", "exploracions complementaries", "analitica", "resultats", "laboratori",
        "estudis", "anatomia patologica", "probas complementarias", "exploracions complementarias",
        "analitica", "resultados", "laboratorio", "proba osagarriak", "azterketa osagarriak", "analitika",
        "emaitzak", "laborategia", "anatomia patologikoa",
    ],
    "assessment": [
        "impressio clinica", "impressio", "avaluacio", "avaliacion",
        "judici clinic", "judici diagnostic", "impressio diagnostica", "valoracio", "orientacio diagnostica",
        "xuizo clinico", "xuizo diagnostico", "impresion diagnostica", "valoracion", "iritzi klinikoa",
        "judizio klinikoa", "inpresio diagnostikoa", "balorazioa",
    ],
    "diagnoses": [
        "diagnostic definitiu", "diagnostics finals", "diagnostic preoperatori", "diagnostic postoperatori", "diagnostics a l'alta", "diagnostic de l'alta", "llista de problemes", "problemes actius", "diagnostico ao alta", "diagnosticos ao alta", "diagnosticos finais", "diagnostico posoperatorio", "diagnostico precirurxico", "diagnostico poscirurxico",
        "diagnostic", "diagnostics", "diagnostic principal", "diagnostics secundaris", "diagnostic a l'alta",
        "diagnostic final", "diagnostico", "diagnosticos", "diagnostico principal", "diagnostico ao alta",
        "diagnostico final", "diagnostikoa", "diagnostikoak", "diagnostiko nagusia", "alta-diagnostikoa",
        "azken diagnostikoa",
    ],
    "plan": [
        "pla de tractament", "plan de tratamento","pla", "recomanacions", "seguiment", "plan", "recomendacions", "seguimento", "plana",
             "gomendioak", "jarraipena"],
    "procedure": [
        "procediments", "procediment realitzat", "intervencio realitzada", "descripcio del procediment", "descripcio de la intervencio", "tecnica quirurgica", "protocol quirurgic", "tipus d'anestesia", "procedementos", "procedemento realizado", "descricion do procedemento", "descricion da intervencion", "tecnica cirurxica", "protocolo cirurxico","procediment", "intervencio", "intervencio quirurgica", "procedemento", "intervencion",
                  "prozedura", "ebakuntza", "esku-hartzea", "esku-hartze kirurgikoa"],
    "instructions": [
        "indicacions a l'alta", "instruccions", "indicacions ao alta", "instrucions", "coidados","recomanacions a l'alta", "recomendacions ao alta", "altako gomendioak"],
    "indications": ["indicacio", "indicacio quirurgica", "motiu de l'exploracio", "motiu de l'estudi", "indicacion cirurxica", "motivo da exploracion", "motivo do estudo"],
    "findings": ["troballes", "troballes operatories", "troballes intraoperatories", "troballes quirurgiques", "achados", "achados operatorios", "achados intraoperatorios", "achados cirurxicos"],
    "complications": ["complicacions", "incidencies"],
    "consent": ["consentiment", "consentiment informat", "consentimento", "consentimento informado"],
}
SECTION_KEYWORDS = [
    ("familiars", "family_history"), ("familia-aurrekari", "family_history"), ("famili", "family_history"),
    ("alergi", "allergies"), ("al·lergi", "allergies"), ("alerxi", "allergies"), ("malaltia actual", "hpi"),
    ("enfermidade actual", "hpi"), ("egungo gaixotasun", "hpi"), ("judici", "assessment"),
    ("xuizo", "assessment"), ("iritzi", "assessment"), ("diagnostik", "diagnoses"),
    ("exploracio", "exam"), ("esplorazio", "exam"), ("azterketa fisiko", "exam"), ("complementari", "results"),
    ("osagarri", "results"), ("tractament", "medications"), ("tratamento", "medications"),
    ("tratamendu", "medications"), ("antecedents", "history"), ("aurrekari", "history"),
]
# fmt: on
