"""Cues in a message: a minor's age, who the message is about."""

from __future__ import annotations

import re

# "i am 15", "15 years old", "she is 13", "tengo 15 anos", "age 16", "a 16 year old".
_AGE_PATTERNS = [
    r"\b(?:i am|iam|am) (?:only |just |a )?(\d{1,2})\b"
    r"(?! (?:dollars|minutes|hours|days|weeks|months|miles|times|am|pm))",
    r"\b(\d{1,2}) (?:years?|yrs?) old\b",
    r"\b(\d{1,2}) year\b",
    r"\b(?:age|aged|edad de|de edad) (\d{1,2})\b",
    r"\b(?:she|he|they) (?:is|are) (?:only |just )?(\d{1,2})\b",
    r"\b(?:tengo|tiene|tienen) (\d{1,2})\b",
    r"\b(\d{1,2}) anos\b",
    r"\b(?:grade|grado) (\d{1,2})\b",
]
_OTHER_WORDS = {
    "she",
    "he",
    "her",
    "him",
    "hers",
    "his",
    "they",
    "them",
    "their",
    "someone",
    "somebody",
    "friend",
    "friends",
    "sister",
    "brother",
    "cousin",
    "neighbor",
    "neighbour",
    "neighbors",
    "coworker",
    "coworkers",
    "classmate",
    "student",
    "students",
    "girl",
    "girls",
    "boy",
    "boys",
    "woman",
    "women",
    "man",
    "men",
    "kid",
    "kids",
    "child",
    "children",
    "workers",
    "people",
    "person",
    "daughter",
    "son",
    "niece",
    "nephew",
    "ella",
    "ellas",
    "ellos",
    "alguien",
    "amiga",
    "amigo",
    "hermana",
    "hermano",
    "prima",
    "primo",
    "vecina",
    "vecino",
    "vecinos",
    "companera",
    "companero",
    "hija",
    "hijo",
    "trabajadores",
    "personas",
    "nina",
    "nino",
    "chica",
    "chico",
    "mujer",
    "mujeres",
    "muchacha",
    "muchacho",
}


def ages(normalized: str) -> list[int]:
    """Ages mentioned in a normalised message."""
    found = []
    for pattern in _AGE_PATTERNS:
        for m in re.finditer(pattern, normalized):
            found.append(int(m.group(1)))
    return found


def minor_age(normalized: str) -> bool:
    """True when the message gives an age under 18 (and old enough to be a person's age)."""
    return any(4 <= a < 18 for a in ages(normalized))


def about_other(words: list[str]) -> bool:
    """True when the writer talks about someone else."""
    return any(w in _OTHER_WORDS for w in words)


_THIRD_PERSON_AGE = re.compile(
    r"\b(?:a|an|the|this|that|un|una) (\d{1,2}) (?:years? old|year|anos?)\b"
    r"|\b(?:she|he|they) (?:is|are) (?:only |just )?(\d{1,2})\b"
    r"|\btiene (\d{1,2})\b"
)


def third_person_age(normalized: str) -> bool:
    """True when an age is given for someone other than the writer ("a 16 year old")."""
    return bool(_THIRD_PERSON_AGE.search(normalized))
