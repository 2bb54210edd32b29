"""The tutor itself: a small, deterministic English corrector.

There is no model here, only a few grammar rules and a glossary, so the same
sentence always gets the same answer. ``tutor(sentence)`` returns a dict with
two fields, in the order the API contract (contract/api.json) lists them:

- ``correction``: the learner's sentence, corrected, in English;
- ``spanish``: a Spanish gloss of the corrected sentence.

Rules, in the order they are applied:

1. ``i`` -> ``I``; days, months, languages and a few acronyms get capitals.
2. ``a`` / ``an`` agree with the sound of the next word (an apple, a university).
3. Subject-verb agreement: she go -> she goes, they plays -> they play,
   he have -> he has, we was -> we were, she don't -> she doesn't.
4. A past time marker (yesterday, last night, two days ago...) turns the verb
   after the subject into the past: she go ... yesterday -> she went.
   After don't / doesn't / didn't / can / will / to the verb stays in its base
   form (she didn't went -> she didn't go).
5. The sentence starts with a capital letter and ends with a full stop (a
   question or exclamation mark is kept).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

# --- glossary -----------------------------------------------------------------

PRONOUNS = {  # subject pronoun -> (person, Spanish, gender)
    "i": ("1s", "yo", "m"),
    "you": ("2s", "tú", "m"),
    "he": ("3s", "él", "m"),
    "she": ("3s", "ella", "f"),
    "it": ("3s", "", "m"),  # Spanish drops "it" as a subject
    "we": ("1p", "nosotros", "m"),
    "they": ("3p", "ellos", "m"),
}
PERSONS = ("1s", "2s", "3s", "1p", "3p")

# English verb -> its Spanish infinitive; irregular ones also carry their
# present and preterite forms (yo, tú, él/ella, nosotros, ellos/ellas).
VERBS: dict[str, str | tuple[str, str, str]] = {
    "arrive": ("llegar", "llego llegas llega llegamos llegan",
               "llegué llegaste llegó llegamos llegaron"),
    "buy": "comprar",
    "call": "llamar",
    "clean": "limpiar",
    "come": ("venir", "vengo vienes viene venimos vienen", "vine viniste vino vinimos vinieron"),
    "cook": "cocinar",
    "dance": "bailar",
    "drink": "beber",
    "eat": "comer",
    "go": ("ir", "voy vas va vamos van", "fui fuiste fue fuimos fueron"),
    "have": ("tener", "tengo tienes tiene tenemos tienen", "tuve tuviste tuvo tuvimos tuvieron"),
    "help": "ayudar",
    "learn": "aprender",
    "love": "amar",
    "need": "necesitar",
    "listen": "escuchar",
    "live": "vivir",
    "make": ("hacer", "hago haces hace hacemos hacen", "hice hiciste hizo hicimos hicieron"),
    "open": "abrir",
    "paint": "pintar",
    "play": ("jugar", "juego juegas juega jugamos juegan", "jugué jugaste jugó jugamos jugaron"),
    "read": ("leer", "leo lees lee leemos leen", "leí leíste leyó leímos leyeron"),
    "run": "correr",
    "see": ("ver", "veo ves ve vemos ven", "vi viste vio vimos vieron"),
    "sing": "cantar",
    "sleep": ("dormir", "duermo duermes duerme dormimos duermen",
              "dormí dormiste durmió dormimos durmieron"),
    "speak": "hablar",
    "study": "estudiar",
    "swim": "nadar",
    "take": "tomar",
    "teach": "enseñar",
    "travel": "viajar",
    "use": "usar",
    "visit": "visitar",
    "walk": "caminar",
    "want": ("querer", "quiero quieres quiere queremos quieren",
             "quise quisiste quiso quisimos quisieron"),
    "wash": "lavar",
    "work": "trabajar",
    "write": "escribir",
}
VERBS["do"] = VERBS["make"]
VERBS["watch"] = VERBS["see"]
SER = ("ser", "soy eres es somos son", "fui fuiste fue fuimos fueron")
ESTAR = ("estar", "estoy estás está estamos están", "estuve estuviste estuvo estuvimos estuvieron")

IRREGULAR_PAST = {
    "be": "was", "buy": "bought", "come": "came", "do": "did", "drink": "drank",
    "eat": "ate", "go": "went", "have": "had", "make": "made", "read": "read",
    "run": "ran", "see": "saw", "sing": "sang", "sleep": "slept", "speak": "spoke",
    "swim": "swam", "take": "took", "teach": "taught", "write": "wrote",
}

# English noun -> (Spanish, gender); "place" nouns take an article after "to".
NOUNS = {
    "apple": ("manzana", "f"), "book": ("libro", "m"), "breakfast": ("desayuno", "m"),
    "brother": ("hermano", "m"), "bus": ("autobús", "m"), "car": ("coche", "m"),
    "cat": ("gato", "m"), "city": ("ciudad", "f"), "class": ("clase", "f"),
    "coffee": ("café", "m"), "day": ("día", "m"), "dinner": ("cena", "f"),
    "dog": ("perro", "m"), "egg": ("huevo", "m"), "elephant": ("elefante", "m"),
    "english": ("inglés", "m"), "family": ("familia", "f"), "father": ("padre", "m"),
    "football": ("fútbol", "m"), "friend": ("amigo", "m"), "homework": ("tarea", "f"),
    "hour": ("hora", "f"), "house": ("casa", "f"), "idea": ("idea", "f"),
    "letter": ("carta", "f"), "lunch": ("almuerzo", "m"), "month": ("mes", "m"),
    "morning": ("mañana", "f"), "mother": ("madre", "f"), "movie": ("película", "f"),
    "music": ("música", "f"), "night": ("noche", "f"), "orange": ("naranja", "f"),
    "pizza": ("pizza", "f"), "place": ("lugar", "m"), "sister": ("hermana", "f"),
    "song": ("canción", "f"),
    "spanish": ("español", "m"), "story": ("historia", "f"), "tea": ("té", "m"),
    "teacher": ("profesor", "m"), "tennis": ("tenis", "m"), "tv": ("televisión", "f"),
    "umbrella": ("paraguas", "m"), "university": ("universidad", "f"),
    "week": ("semana", "f"), "weekend": ("fin de semana", "m"), "year": ("año", "m"),
    # places
    "beach": ("playa", "f"), "library": ("biblioteca", "f"), "market": ("mercado", "m"),
    "park": ("parque", "m"), "school": ("escuela", "f"), "work": ("trabajo", "m"),
}
PLACES = {"beach", "library", "market", "park", "school", "work", "university", "city"}
SPORTS = {"football", "tennis"}

ADJECTIVES = {  # masculine singular forms
    "beautiful": "bonito", "big": "grande", "black": "negro", "good": "bueno",
    "green": "verde", "happy": "feliz", "interesting": "interesante", "long": "largo",
    "new": "nuevo", "old": "viejo", "red": "rojo", "sad": "triste", "sick": "enfermo",
    "small": "pequeño", "tired": "cansado", "white": "blanco",
}
STATES = {"happy", "sad", "sick", "tired"}  # "be" + these -> estar

DETERMINERS = {  # -> (masc sg, fem sg, masc pl, fem pl)
    "the": ("el", "la", "los", "las"), "a": ("un", "una", "unos", "unas"),
    "an": ("un", "una", "unos", "unas"), "my": ("mi", "mi", "mis", "mis"),
    "your": ("tu", "tu", "tus", "tus"), "his": ("su", "su", "sus", "sus"),
    "her": ("su", "su", "sus", "sus"), "their": ("su", "su", "sus", "sus"),
    "our": ("nuestro", "nuestra", "nuestros", "nuestras"),
    "this": ("este", "esta", "estos", "estas"), "that": ("ese", "esa", "esos", "esas"),
    "every": ("cada", "cada", "todos los", "todas las"),
}
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DIAS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
NUMBERS = {"one": "un", "two": "dos", "three": "tres", "four": "cuatro", "five": "cinco"}
WORDS = {
    "and": "y", "or": "o", "but": "pero", "because": "porque", "with": "con",
    "at": "en", "in": "en", "on": "en", "from": "de", "for": "para", "of": "de",
    "very": "muy", "too": "también", "today": "hoy", "tomorrow": "mañana",
    "yesterday": "ayer", "now": "ahora", "here": "aquí", "there": "allí",
    "home": "casa", "not": "no", "can": "puede", "will": "va a", "to": "a",
}
PHRASES = [  # (English words, Spanish), longest first
    (("every", "day"), "todos los días"), (("last", "night"), "anoche"),
    (("last", "week"), "la semana pasada"), (("last", "month"), "el mes pasado"),
    (("last", "year"), "el año pasado"), (("last", "weekend"), "el fin de semana pasado"),
    (("in", "the", "morning"), "por la mañana"), (("at", "night"), "por la noche"),
    (("at", "home"), "en casa"),
]

CAPITALISED = {d: d.capitalize() for d in DAYS} | {
    "english": "English", "spanish": "Spanish", "i": "I", "tv": "TV",
}
VOWEL_SOUND_EXCEPTIONS = {"hour": True, "honest": True, "university": False,
                          "uniform": False, "european": False, "one": False}
PAST_MARKERS = {"yesterday", "ago"}
LAST_WHAT = {"night", "week", "month", "year", "weekend", "summer", *DAYS}
OPENERS = {",", ";", "and", "but", "because", "so", "when", "then", "also",
           "yesterday", "today", "now", "tomorrow", *LAST_WHAT, "day", "morning"}
BASE_AFTER = {"don't", "doesn't", "didn't", "can", "will", "to", "must", "should"}

# --- English forms ------------------------------------------------------------


def third_person(verb: str) -> str:
    if verb in ("have", "be"):
        return {"have": "has", "be": "is"}[verb]
    if verb.endswith(("s", "sh", "ch", "x", "z", "o")):
        return verb + "es"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def past_tense(verb: str) -> str:
    if verb in IRREGULAR_PAST:
        return IRREGULAR_PAST[verb]
    if verb.endswith("e"):
        return verb + "d"
    if verb.endswith("y") and verb[-2:-1] not in "aeiou":
        return verb[:-1] + "ied"
    return verb + "ed"


def _forms() -> dict[str, tuple[str, str]]:
    """Every known verb form -> (lemma, 'base' | 'present' | 'past')."""
    forms = {}
    for lemma in (*VERBS, "be"):
        forms[past_tense(lemma)] = (lemma, "past")
        forms[third_person(lemma)] = (lemma, "present")
        forms[lemma] = (lemma, "base")
    forms.update({"am": ("be", "present"), "are": ("be", "present"),
                  "were": ("be", "past"), "don't": ("do-not", "base"),
                  "doesn't": ("do-not", "present"), "didn't": ("do-not", "past")})
    return forms


VERB_FORMS = _forms()


@dataclass
class Word:
    text: str
    role: str = ""  # subject, verb, aux (don't...), question (do...?), infinitive
    lemma: str = ""
    person: str = ""
    gender: str = "m"
    tense: str = "present"

    @property
    def low(self) -> str:
        return self.text.lower()


def _tokenise(sentence: str) -> list[Word]:
    """Words (with their apostrophe, as in don't), numbers and punctuation."""
    sentence = sentence.replace("\u2019", "'")
    return [Word(t) for t in re.findall(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+|\S", sentence)]


def _plural_stem(word: str) -> str | None:
    for stem in (word[:-1], word[:-2], word[:-3] + "y"):
        if word.endswith("s") and stem in NOUNS:
            return stem
    return None


def _subject_at(words: list[Word], i: int) -> tuple[int, str, str] | None:
    """(words in the subject, person, gender) when a subject starts at i."""
    low = words[i].low
    if low in PRONOUNS:
        return 1, PRONOUNS[low][0], PRONOUNS[low][2]
    if low in DETERMINERS and i + 1 < len(words):
        noun = words[i + 1].low
        if noun in NOUNS:
            return 2, "3s", NOUNS[noun][1]
        stem = _plural_stem(noun)
        if stem:
            return 2, "3p", NOUNS[stem][1]
    return None


def _is_past(words: list[Word]) -> bool:
    lows = [w.low for w in words]
    if PAST_MARKERS & set(lows):
        return True
    return any(a == "last" and b in LAST_WHAT for a, b in zip(lows, lows[1:], strict=False))


def _agree(lemma: str, person: str, tense: str) -> str:
    if lemma == "be":
        if tense == "past":
            return "was" if person in ("1s", "3s") else "were"
        return {"1s": "am", "3s": "is"}.get(person, "are")
    if lemma == "do-not":
        if tense == "past":
            return "didn't"
        return "doesn't" if person == "3s" else "don't"
    if tense == "past":
        return past_tense(lemma)
    return third_person(lemma) if person == "3s" else lemma


def _analyse(sentence: str) -> list[Word]:
    """Tokenise a sentence, mark subjects and verbs, and apply the rules."""
    words = _tokenise(sentence.strip())
    past = _is_past(words)
    i = 0
    while i < len(words):
        opener = i == 0 or words[i - 1].low in OPENERS
        if opener and words[i].low in ("do", "does", "did") and i + 1 < len(words):
            _question(words, i, past)
        found = _subject_at(words, i) if opener else None
        if found and words[i].role != "subject":
            size, person, gender = found
            verb = words[i + size] if i + size < len(words) else None
            known = verb is not None and verb.low in VERB_FORMS
            if known or words[i].low in PRONOUNS:
                for w in words[i : i + size]:
                    w.role, w.person, w.gender = "subject", person, gender
                i += size
            if known:
                lemma, form = VERB_FORMS[verb.low]
                tense = "past" if past or form == "past" else "present"
                verb.text = _agree(lemma, person, tense)
                verb.role = "aux" if lemma == "do-not" else "verb"
                verb.lemma, verb.person, verb.tense = lemma, person, tense
            if i >= len(words):
                break
        # after an auxiliary, a modal or "to", the verb keeps its base form
        if words[i].low in BASE_AFTER and i + 1 < len(words):
            nxt = words[i + 1]
            if nxt.low in VERB_FORMS and nxt.low not in NOUNS:
                nxt.text = nxt.lemma = VERB_FORMS[nxt.low][0]
                if words[i].role == "aux":
                    nxt.role, nxt.person, nxt.tense = "verb", words[i].person, words[i].tense
                else:
                    nxt.role = "infinitive"
        i += 1
    for n, w in enumerate(words):
        if w.low in ("a", "an") and n + 1 < len(words):
            w.text = _article(words[n + 1].low, w.text)
        elif w.low in CAPITALISED:
            w.text = CAPITALISED[w.low]
    return words


def _question(words: list[Word], i: int, past: bool) -> None:
    """Do / does / did + subject + verb: the auxiliary agrees, the verb stays base."""
    found = _subject_at(words, i + 1)
    if not found or i + 1 + found[0] >= len(words):
        return
    size, person, _ = found
    tense = "past" if past or words[i].low == "did" else "present"
    aux = "did" if tense == "past" else ("does" if person == "3s" else "do")
    words[i].text = aux.capitalize() if words[i].text[0].isupper() else aux
    words[i].role = "question"
    verb = words[i + 1 + size]
    if verb.low in VERB_FORMS and verb.low not in ("do", "does", "did"):
        verb.text = verb.lemma = VERB_FORMS[verb.low][0]
        verb.role, verb.person, verb.tense = "verb", person, tense
    for w in words[i + 1 : i + 1 + size]:
        w.role, w.person, w.gender = "subject", person, found[2]


def _article(following: str, typed: str) -> str:
    vowel = VOWEL_SOUND_EXCEPTIONS.get(following, following[:1] in tuple("aeiou"))
    return ("an" if vowel else "a") if typed.islower() else ("An" if vowel else "A")


def _sentence(parts: list[str], question: bool = False, spanish: bool = False) -> str:
    text = " ".join(p for p in parts if p)
    text = re.sub(r" ([,.;:!?)])", r"\1", text).replace("( ", "(")
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    if text[-1] not in ".!?":
        text += "."
    if spanish and question and not text.startswith("¿"):
        text = "¿" + text
    return text


# --- Spanish gloss ------------------------------------------------------------


def _conjugate(lemma: str, person: str, tense: str, next_word: str) -> str:
    if lemma == "be":
        where = {"at", "in", "on", "home", "here", "there"}
        table = ESTAR if next_word in STATES | where else SER
    else:
        table = _table(lemma)
    return table[1 + (tense == "past")].split()[PERSONS.index(person or "3s")]


def _table(lemma: str) -> tuple[str, str, str]:
    """(infinitive, present forms, preterite forms) of a glossary verb."""
    entry = VERBS[lemma]
    if isinstance(entry, tuple):
        return entry
    stem, end = entry[:-2], entry[-2:]
    if end == "ar":
        present, past = "o as a amos an", "é aste ó amos aron"
    else:
        present = "o es e emos en" if end == "er" else "o es e imos en"
        past = "í iste ió imos ieron"
    forms = [" ".join(stem + e for e in endings.split()) for endings in (present, past)]
    return entry, forms[0], forms[1]


def _spanish_plural(word: str) -> str:
    if word.endswith("ión"):
        return word[:-3] + "iones"
    if word.endswith("ús"):
        return word[:-2] + "uses"
    if word.endswith("z"):
        return word[:-1] + "ces"
    return word + ("s" if word[-1] in "aeioué" else "es")


def _adjective(masc: str, gender: str, plural: bool) -> str:
    word = masc[:-1] + "a" if gender == "f" and masc.endswith("o") else masc
    return _spanish_plural(word) if plural else word


def _noun_phrase(lows: list[str], i: int) -> tuple[int, list[str], str] | None:
    """Translate [determiner] adjective* noun starting at i: (size, words, gender).

    Spanish puts the adjectives after the noun and makes them agree with it.
    """
    j = i + 1 if lows[i] in DETERMINERS else i
    adjectives = []
    while j < len(lows) and lows[j] in ADJECTIVES:
        adjectives.append(lows[j])
        j += 1
    if j >= len(lows):
        return None
    plural = lows[j] not in NOUNS
    stem = _plural_stem(lows[j]) if plural else lows[j]
    if stem is None:
        return None
    es, gender = NOUNS[stem]
    out = []
    if lows[i] in DETERMINERS:
        out.append(DETERMINERS[lows[i]][(gender == "f") + 2 * plural])
    out.append(_spanish_plural(es) if plural else es)
    out.extend(_adjective(ADJECTIVES[a], gender, plural) for a in adjectives)
    return j - i + 1, out, gender


def _phrase_at(lows: list[str], i: int) -> tuple[int, str] | None:
    for english, spanish in PHRASES:
        if tuple(lows[i : i + len(english)]) == english:
            return len(english), spanish
    if lows[i] in NUMBERS and lows[i + 2 : i + 3] == ["ago"]:  # two days ago
        unit = lows[i + 1]
        unit = unit if unit in NOUNS else _plural_stem(unit) or unit
        es = NOUNS.get(unit, (unit, "m"))[0]
        return 3, f"hace {NUMBERS[lows[i]]} {es if lows[i] == 'one' else _spanish_plural(es)}"
    if lows[i] == "on" and lows[i + 1 : i + 2] and lows[i + 1] in DAYS:  # on Sunday
        return 2, "el " + DIAS[DAYS.index(lows[i + 1])]
    return None


def _gloss(words: list[Word]) -> str:
    """A Spanish gloss of an analysed, already corrected sentence."""
    lows = [w.low for w in words]
    out: list[str] = []
    subject_gender, subject_plural = "m", False
    i = 0
    while i < len(words):
        w, low = words[i], lows[i]
        nxt = lows[i + 1] if i + 1 < len(lows) else ""
        size = 1
        phrase = _phrase_at(lows, i)
        noun_phrase = _noun_phrase(lows, i)
        if phrase:
            size, es = phrase
            out.append(es)
        elif w.role == "subject" and low in PRONOUNS:
            out.append(PRONOUNS[low][1])
            subject_gender, subject_plural = w.gender, w.person in ("1p", "3p")
        elif noun_phrase:
            size, es_words, gender = noun_phrase
            out.extend(es_words)
            if w.role == "subject":
                subject_gender, subject_plural = gender, w.person == "3p"
        elif w.role == "aux":
            out.append("no")
        elif w.role == "question":
            pass  # Spanish asks with intonation: ¿Tú hablas inglés?
        elif w.role == "verb" and (w.lemma in VERBS or w.lemma == "be"):
            out.append(_conjugate(w.lemma, w.person, w.tense, nxt))
            if w.lemma == "play" and nxt in SPORTS:
                out.append("al")
            elif w.lemma == "go" and nxt == "home":
                out.append("a")
            elif w.lemma == "be" and nxt in ADJECTIVES:
                out.append(_adjective(ADJECTIVES[nxt], subject_gender, subject_plural))
                size = 2
        elif w.role == "infinitive" and w.lemma in VERBS:
            out.append(_table(w.lemma)[0])
        elif low == "to" and nxt in PLACES:  # to school -> a la escuela
            out.extend(["a", "la" if NOUNS[nxt][1] == "f" else "el", NOUNS[nxt][0]])
            size = 2
        elif low == "to" and i + 1 < len(words) and words[i + 1].role == "infinitive":
            pass  # a Spanish infinitive needs no "to"
        elif low in DETERMINERS:
            out.append(DETERMINERS[low][0])
        else:
            out.append(ADJECTIVES.get(low) or WORDS.get(low, w.text))
        i += size
    text = " ".join(out)
    text = re.sub(r"\ba el\b", "al", text)
    text = re.sub(r"\bde el\b", "del", text)
    return _sentence(text.split(" "), question=lows[-1:] == ["?"], spanish=True)


# --- the tutor ----------------------------------------------------------------


def tutor(sentence: str) -> dict[str, str]:
    """Correct one English sentence and gloss the correction in Spanish."""
    fix_en = _sentence([w.text for w in _analyse(sentence)])
    fix_es = _gloss(_analyse(fix_en)) if fix_en else ""
    return {"correction": fix_en, "spanish": fix_es}


def to_json(result: dict[str, str]) -> str:
    """Serialise a result for the wire, keeping the tutor's own key order."""
    return json.dumps(result, ensure_ascii=False)
