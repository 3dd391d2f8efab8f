"""Cues in a message: a minor's age, and who the situation is happening to."""

from __future__ import annotations

import re

from bot.normalize import COUNTED

# A number followed by one of these is not an age (COUNTED, and "am": "at 9 am"). A prefix
# is enough ("15 centimeters"); "tengo 15 amigos" is no age either.
_UNITS = r"(?! (?:" + "|".join(sorted(COUNTED | {"am"})) + r"))"
# "i am 15", "15 years old", "she is 13", "tengo 15 anos", "age 16", "a 16 year old".
_AGE_PATTERNS = [
    re.compile(p)
    for p in (
        r"\b(?:i am|iam|am) (?:only |just |a )?(\d{1,2})\b" + _UNITS,
        r"\b(\d{1,2}) (?:years?|yrs?) old\b",
        r"\b(\d{1,2}) year\b",
        r"\b(?:age|aged|edad de|de edad) (\d{1,2})\b",
        r"\b(?:is|are|was) (?:only |just )?(\d{1,2})(?=$| and| but| so| she| he| they| years)",
        r"\b(?:tengo|tiene|tienen) (\d{1,2})\b" + _UNITS,
        r"\b(\d{1,2}) anos\b",
        r"\b(?:grade|grado) (\d{1,2})\b",
        r"\b(?:looks?|looked|looking|about|around|maybe|barely|both|only|aged?|parece|like)"
        r" (?:about |like |around |maybe |only |de )?(\d{1,2})\b" + _UNITS,
        r"\b(?:girl|boy|student|kid|child|daughter|son|sister|brother|niece|nephew|friend|teen"
        r"|sobrina|sobrino|hija|hijo|nina|nino|chica|chico|hermana|hermano)s? (\d{1,2})\b" + _UNITS,
    )
]
# "una nina de 14", "mi sobrina de 13 anos": a Spanish person word, "de", an age.
_SPANISH_AGE = re.compile(
    r"\b(?:nina|nino|ninas|ninos|chica|chico|chicas|chicos|muchacha|muchacho|muchachas|muchachos"
    r"|chamaca|chamaco|jovencita|jovencito|joven|menor|hija|hijo|sobrina|sobrino|prima|primo"
    r"|hermana|hermano|nieta|nieto|morra|morrita|estudiante)s? de (\d{1,2})\b" + _UNITS
)
# Years counted as time, not as an age: "hace 5 anos", "llevo 10 anos", "for 3 years",
# "2 years ago", "5 anos atras".
_DURATION = re.compile(
    r"\b(?:hace|por|durante|llevo|lleva|llevamos|llevan|despues de|after|for|in|over|within)"
    r"(?: (?:como|unos|unas|mas de|casi|about|like|almost|nearly|over))? (\d{1,2})"
    r" (?:anos|years?|yrs?)\b"
    r"|\b(\d{1,2}) (?:anos|years?|yrs?) (?:atras|ago|later|before|despues)\b"
)
# School grades ("8th grade", "grade 8", "octavo grado", "va en octavo"): a grade of 12 or
# less is a child's, counted here as the youngest age in that grade (grade + 5).
_ORDINALS = dict(
    pair.split("=")
    for pair in """
first=1 second=2 third=3 fourth=4 fifth=5 sixth=6 seventh=7 eighth=8 ninth=9 tenth=10
eleventh=11 twelfth=12 primero=1 segundo=2 tercero=3 cuarto=4 quinto=5 sexto=6 septimo=7
octavo=8 noveno=9 decimo=10
""".split()
)
_GRADE = re.compile(
    r"\b(\d{1,2})(?:st|nd|rd|th|vo|no|mo|ro|o)? (?:grade|grader|graders|grado)\b"
    r"|\b(" + "|".join(_ORDINALS) + r") (?:grade|grader|graders|grado)\b"
    r"|\b(?:va|voy|vas|van|esta|estoy|iba|anda|ando) en (" + "|".join(_ORDINALS) + r")\b"
)
_THIRD_PERSON_AGE = re.compile(
    r"\b(?:a|an|the|this|that|un|una) (\d{1,2}) (?:years? old|year|anos?)\b"
    r"|\b(?:looks?|looked|parece) (?:about |like |around |de )?(\d{1,2})\b"
    r"|\b(?!am\b)(?:is|are|was) (?:only |just )?(\d{1,2})(?=$| and| but| so| years)"
    r"|\btiene (\d{1,2})\b"
)

# People a writer may be worried about (the possible victim, not the exploiter).
OTHER_PEOPLE = set(
    """
    friend friends sister sisters brother brothers cousin cousins neighbor neighbors neighbour
    neighbours coworker coworkers classmate classmates student students girl girls boy boys
    woman women kid kids child children worker workers people person daughter son niece
    nephew someone somebody teen teens teenager lady ladies guy guys employees roommate
    amiga amigas amigo amigos hermana hermano prima primo vecina vecino vecinos companera
    companero hija hijo nina nino ninas ninos chica chicas chico mujer mujeres muchacha
    muchacho trabajadores trabajadoras personas alguien sobrina sobrino patient patients
    client clients customer customers tenant tenants employee nanny paciente cliente sons
    daughters nieces nephews cousins hijas hijos sobrinas sobrinos primas primos
    """.split()
)
# Words after "i" that make the writer a witness, not the person it is happening to.
_WITNESS_VERBS = set(
    """
    think thought saw see seen noticed notice suspect heard hear believe know knew worry
    worried guess feel wonder met creo vi veo sospecho escuche oi se pienso
    """.split()
)
_OBJECT_SELF = {"me", "myself", "us", "we"}
_TELLING = {"told", "tells", "asked", "texted", "showed", "dijo", "conto", "pidio"}
# "she is being forced": she is the one it is happening to, not the one doing it.
_VICTIM_SUBJECT = re.compile(
    r"\b(?:she|he|they) (?:is|are|was|were|has|have|gets|got) (?:being |been |to |not )?"
    r"(?:forced|made|sold|trafficked|paid|allowed|locked|kept|being|working|scared)"
)
_OBJECT_OTHER = {"her", "him", "them", "la", "lo", "las", "los", "les", "le"}
_FIRST_PERSON_VERBS = {"estoy", "soy", "tengo", "trabajo", "vivo", "debo", "puedo", "quiero"}
# Spanish drops the pronoun: "le debemos", "trabajamos", "nos cobran" say "we" in the verb's
# ending or the object. Words ending so that are not verbs ("primos", "mismos") are excluded.
_WE = {"nos", "nosotros", "nosotras", "nuestro", "nuestra", "nuestros", "nuestras"}
_WE_ENDING = re.compile(r"^[a-zñ]{2,}(?:amos|emos|imos)$")
_NOT_WE = {"primos", "mismos", "ramos", "animos", "racimos", "extremos", "supremos", "legitimos"}


def first_person_spanish(word: str) -> bool:
    """True for a Spanish word that says "I" or "we" without a pronoun (debo, debemos, nos)."""
    if word in _FIRST_PERSON_VERBS or word in _WE:
        return True
    return bool(_WE_ENDING.match(word)) and word not in _NOT_WE


def ages(normalized: str) -> list[int]:
    """Ages mentioned in a normalised message (a school grade counts as its youngest age).

    A number of years that measures time ("hace 5 anos", "for 3 years", "2 years ago") is
    no one's age.
    """
    spans = [m.span(m.lastindex) for m in _DURATION.finditer(normalized)]
    found = [
        int(m.group(1))
        for p in (*_AGE_PATTERNS, _SPANISH_AGE)
        for m in p.finditer(normalized)
        if not any(low <= m.start(1) < high for low, high in spans)
    ]
    for m in _GRADE.finditer(normalized):
        grade = m.group(1) or _ORDINALS.get(m.group(2) or m.group(3), "")
        if str(grade).isdigit() and 1 <= int(grade) <= 12:
            found.append(int(grade) + 5)
    return found


def minor_age(normalized: str) -> bool:
    """True when the message gives an age under 18 (and old enough to be a person's age)."""
    return any(4 <= a < 18 for a in ages(normalized))


def third_person_age(normalized: str) -> bool:
    """True when an age is given for someone other than the writer ("a 16 year old")."""
    return bool(_THIRD_PERSON_AGE.search(normalized))


def about_other(words: list[str] | tuple[str, ...]) -> bool:
    """True when the words name someone else who may be affected (friend, workers, hija)."""
    return any(w in OTHER_PEOPLE for w in words)


def who(words: list[str], normalized: str) -> tuple[int, int]:
    """Evidence that the situation is the writer's own, and that it is someone else's."""
    own = other = 0
    for i, word in enumerate(words):
        after = words[i + 1] if i + 1 < len(words) else ""
        before = words[i - 1] if i else ""
        if word == "me" and before in _TELLING:
            other += 1  # "a patient told me ...": the writer is the one being told
        elif word in _OBJECT_SELF:
            own += 1
        elif word in ("i", "yo"):
            if after in _WITNESS_VERBS:
                other += 1
            elif after:
                own += 1
        elif word in ("my", "mi", "mis"):
            if after in OTHER_PEOPLE:
                other += 1
            else:
                own += 1  # my boss, my passport, mi patron
        elif first_person_spanish(word):
            own += 1
        elif word in OTHER_PEOPLE or word in _OBJECT_OTHER and i > 0:
            other += 1
    if third_person_age(normalized):
        other += 1
    other += len(_VICTIM_SUBJECT.findall(normalized))
    return own, other
