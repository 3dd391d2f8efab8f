"""Text normalisation: case, accents, punctuation, repeated letters, texting shorthand."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from itertools import islice

from rapidfuzz.distance import OSA

from bot.language import detect

# Texting shorthand and frequent misspellings, expanded before matching, as
# "short=expansion" pairs. Both sides are normalised (lower case, no accents). "k" is
# "ok" in English texting and "que" in Spanish; it stays "ok", which both read safely.
# A short form that is a word of the other language is expanded only when the message
# does not read as that language (OTHER_LANGUAGE below).
_SHORTHAND_PAIRS = """
u=you, ya=you, yu=you, ur=your, youre=you are, r=are, plz=please, pls=please, pleez=please
plse=please, rn=right now, atm=right now, bf=boyfriend, gf=girlfriend, ppl=people
ned=need, nees=need, nd=need, hlp=help, halp=help, hep=help, im=i am, ima=i am going to
imma=i am going to, ive=i have, ill=i will, idk=i do not know, cant=can not
cannot=can not, cnt=can not, wont=will not, dont=do not, dnt=do not, didnt=did not
doesnt=does not, isnt=is not, arent=are not, wasnt=was not, havent=have not
wouldnt=would not, shouldnt=should not, couldnt=could not, aint=is not, gonna=going to
gotta=have to, wanna=want to, hes=he is, shes=she is, theyre=they are, theyve=they have
thats=that is, whats=what is, wheres=where is, hows=how is, n=and, b4=before
bc=because, cuz=because, coz=because, cause=because, tho=though, thx=thanks, ty=thanks
thnx=thanks, w=with, smth=something, sth=something, sumthin=something, somethin=something
some1=someone, sum1=someone, any1=anyone, no1=no one, every1=everyone, nobody=no one
yrs=years, yr=year, y/o=years old, yrold=year old, yoa=years old, 2day=today
2nite=tonight, tmrw=tomorrow, tmr=tomorrow, bday=birthday, gurl=girl, grl=girl, luv=love
kno=know, knw=know, wat=what, wut=what, wht=what, hw=how, whr=where, ther=there
thier=their, jst=just, abt=about, bout=about, mins=minutes, msg=message, txt=text
pic=picture, pics=pictures, nudes=nude pictures, addy=address, govt=government, okay=ok
k=ok, kk=ok, sry=sorry, srry=sorry, hi=hello, hey=hello, hiya=hello, sup=hello, q=que
ke=que, xq=porque, pq=porque, porq=porque, xk=porque, tb=tambien, tmb=tambien, x=por
xfa=por favor, xfavor=por favor, porfa=por favor, porfavor=por favor, d=de, toy=estoy
toi=estoy, stoy=estoy, nesecito=necesito, nesesito=necesito, nececito=necesito
aiuda=ayuda, ayuuda=ayuda, hai=hay, aki=aqui, aca=aqui, bn=bien, sta=esta, ta=esta
pa=para, pal=para el, tmbn=tambien
"""
SHORTHAND = dict(
    pair.strip().split("=")
    for pair in _SHORTHAND_PAIRS.replace("\n", ",").split(",")
    if pair.strip()
)
# Short forms that mean something else in one language, mapped to that language: Spanish
# "ya" (already, now) is not "you"; in English "toy", "pal", "pa" (dad), "ta" (thanks),
# "x" (a kiss), "hai" (hi) and "tb", "q", "d", "toi" (letters, initials) are not Spanish
# shorthand. Each is expanded unless the message reads as the language it maps to.
OTHER_LANGUAGE = {"ya": "es", **dict.fromkeys("toy toi pa pal ta hai tb q x d".split(), "en")}

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "´": "'"})
_NUMBER_WORDS = dict(
    pair.split("=")
    for pair in """
one=1 two=2 three=3 four=4 five=5 six=6 seven=7 eight=8 nine=9 ten=10 eleven=11 twelve=12
thirteen=13 fourteen=14 fifteen=15 sixteen=16 seventeen=17 eighteen=18 uno=1 dos=2 tres=3
cuatro=4 cinco=5 seis=6 siete=7 ocho=8 nueve=9 diez=10 once=11 doce=12 trece=13 catorce=14
quince=15 dieciseis=16 diecisiete=17 dieciocho=18
""".split()
)


def strip_accents(text: str) -> str:
    """Remove diacritics: 'qué' -> 'que', 'niña' -> 'nina'."""
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_POSSESSIVE_NUMBER = re.compile(r"(\d)'s\b")  # "love146's number" -> "love146 number"
_CONTRACTION = re.compile(r"(\w)'(\w)")  # don't -> dont, i'm -> im
_AGE_SUFFIX = re.compile(r"(\d)\s*(?:yo|y/o|y\.o\.?|yrs?)\b")  # 15yo -> 15 years old
_NOT_WORD = re.compile(r"[^a-z0-9#]+")
_REPEATS = re.compile(r"([a-z])\1{2,}")  # 'pleeease' -> 'please'


def clean(text: str) -> str:
    """Lower case, no accents, no punctuation except inside numbers, single spaces."""
    text = strip_accents(text.translate(_APOSTROPHES).lower())
    text = _CONTRACTION.sub(r"\1\2", _POSSESSIVE_NUMBER.sub(r"\1", text))
    text = _AGE_SUFFIX.sub(r"\1 years old", text)
    text = _NOT_WORD.sub(" ", text)
    return " ".join(_REPEATS.sub(r"\1", text).split())


# Digits that stand for words between two words: "need 2 leave", "help 4 me".
_DIGIT_WORDS = {"2": "to", "4": "for"}


def tokens(text: str, numbers: bool = False) -> list[str]:
    """Normalised words with shorthand expanded; number words become digits if asked."""
    return expand(clean(text).split(), numbers)


def expand(words: list[str], numbers: bool = False) -> list[str]:
    """Cleaned words (see clean) with shorthand expanded, and number words as digits if asked."""
    lang = detect(words) if any(word in OTHER_LANGUAGE for word in words) else None
    out: list[str] = []
    for i, word in enumerate(words):
        between_words = 0 < i < len(words) - 1 and words[i - 1].isalpha()
        if word in _DIGIT_WORDS and between_words and words[i + 1].isalpha():
            word = _DIGIT_WORDS[word]
        if lang is None or OTHER_LANGUAGE.get(word) != lang:
            word = SHORTHAND.get(word, word)
        out.extend(word.split())
    return as_digits(out) if numbers else out


# The number words of a teenager's age, long enough that a letter off is still that word.
_TEEN_WORDS = {w: n for w, n in _NUMBER_WORDS.items() if 13 <= int(n) <= 17 and len(w) >= 6}


def as_digits(words: list[str]) -> list[str]:
    """The words with number words written as digits ("fifteen" -> "15")."""
    return [_NUMBER_WORDS.get(word) or _teen_age(word) for word in words]


@lru_cache(maxsize=20_000)
def _teen_age(word: str) -> str:
    """A teenager's age spelled as people write it ("diesisiete", "quinse", "sixten") as
    digits, else the word. Like a rule phrase's typo (bot/match.py): one letter off in a
    word of up to eight letters, two in a longer one, and the first and last letters kept
    ("quincy" is a town). No other word in the examples or the conversation sets is that
    close to one of these.
    """
    if len(word) < 5 or len(word) > 12 or not word.isalpha():
        return word
    for teen, digits in _TEEN_WORDS.items():
        allowed = 1 if len(teen) <= 8 else 2
        same_ends = word[0] == teen[0] and word[-1] == teen[-1]
        if same_ends and OSA.distance(teen, word, score_cutoff=allowed) <= allowed:
            return digits
    return word


# Words after a number that make it a count, an amount, a time, a measure or an address,
# never someone's age ("about 12 men", "in 15 minutes", "14 inches", "16 degrees", "15 main
# st"). Years are not among them: "16 years old" is an age.
COUNTED = frozenset(
    """
    minute minutes min mins minuto minutos hour hours hr hrs hora horas second seconds sec
    secs segundo segundos day days dia dias week weeks semana semanas month months mes meses
    times veces pm dollar dollars dolar dolares buck bucks peso pesos cent cents centavos
    inch inches foot feet ft mile miles milla millas degree degrees pound pounds lbs kilo
    kilos kg percent main st of more men women people persons guys workers girls boys kids
    hombres mujeres personas trabajadores
    """.split()
)


def quantities(words: list[str]) -> list[str]:
    """The words with each number that counts a unit written as "#" ("in 15 minutes" ->
    "in # minutes"), so that a quantity does not read as a teenager's age or anything else
    its digits happen to mean."""
    return [
        "#" if word.isdigit() and i + 1 < len(words) and words[i + 1] in COUNTED else word
        for i, word in enumerate(words)
    ]


# The emoji read per message: more add little (the models count a word's repeats on a log
# scale) and would make a wall of emoji slow to read.
MAX_EMOJI = 12


def pictographs(text: str) -> list[str]:
    """The emoji and other pictographs in text, in order (the first MAX_EMOJI)."""
    if text.isascii():
        return []
    return list(islice((ch for ch in text if unicodedata.category(ch) == "So"), MAX_EMOJI))


def emoji_words(text: str) -> list[str]:
    """Each pictograph in text as one word of its Unicode name ("🚨" is
    "emoji_police_cars_revolving_light"), so the learned reading learns what an emoji says
    as it learns words. clean() drops them: the rules see them only as pictographs.
    """
    return emoji_names(pictographs(text))


def emoji_names(found: list[str]) -> list[str]:
    """The words emoji_words makes of pictographs already found."""
    names = (unicodedata.name(ch, "") for ch in found)
    return ["emoji_" + "_".join(n.lower().replace("-", " ").split()) for n in names if n]


def normalize(text: str) -> str:
    """The matching form of a message: cleaned and shorthand expanded."""
    return " ".join(tokens(text))
