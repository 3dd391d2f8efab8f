"""The SMS budget: GSM-7 folding, segment counting, and paging long replies."""

from __future__ import annotations

import functools
import math
import unicodedata

GSM7_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXT = set("^{}\\[~]|€\f")
MAX_SEGMENTS = 3
_SUBSTITUTES = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u2022": "-",
    "\u00a0": " ",
    "\t": " ",
}


GSM7 = frozenset(GSM7_BASIC | GSM7_EXT)


def is_gsm7(text: str) -> bool:
    """True when every character fits the GSM-7 alphabet."""
    return GSM7.issuperset(text)


def to_gsm7(text: str) -> str:
    """Replace characters outside GSM-7 with the nearest ones inside it ('á' -> 'a')."""
    if is_gsm7(text):  # the usual case: nothing to fold
        return text
    return "".join(_fold(ch) for ch in text)


@functools.lru_cache(maxsize=4096)
def _fold(ch: str) -> str:
    """One character folded into GSM-7 ("" when nothing near it fits)."""
    ch = _SUBSTITUTES.get(ch, ch)
    if is_gsm7(ch):
        return ch
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if base and is_gsm7(base) else ""


def segments(text: str) -> tuple[int, str]:
    """Segments a carrier bills for text, and the encoding it needs."""
    if not text:
        return 0, "gsm7"
    if is_gsm7(text):
        units = len(text) + sum(text.count(ch) for ch in GSM7_EXT)  # extension: 2 units
        return (1 if units <= 160 else math.ceil(units / 153)), "gsm7"
    units = len(text.encode("utf-16-le")) // 2
    return (1 if units <= 70 else math.ceil(units / 67)), "ucs2"


def fits(text: str, max_segments: int = MAX_SEGMENTS) -> bool:
    """True when text costs at most max_segments."""
    return segments(text)[0] <= max_segments


def _pieces(text: str, room: int) -> list[str]:
    """Lines, sentences within lines, and words within over-long sentences: where a page
    may break. No piece is longer than room characters unless one word is."""
    out = []
    for line in text.split("\n"):
        sentence = ""
        for word in line.split(" "):
            if sentence and len(sentence) + 1 + len(word) > room:
                out.append(sentence)
                sentence = ""
            sentence = f"{sentence} {word}" if sentence else word
            if word.endswith((".", "?", "!", ":")):
                out.append(sentence)
                sentence = ""
        if sentence:
            out.append(sentence)
        out.append("\n")
    return out[:-1]


def paginate(text: str, more_prompt: str, max_segments: int = MAX_SEGMENTS) -> list[str]:
    """Split text into pages that each fit the budget; all but the last end with more_prompt."""
    if fits(text, max_segments):
        return [text]
    pages: list[str] = []
    current = ""
    room = 153 * max_segments - len(more_prompt) - 8  # GSM-7 units, with a margin
    for piece in _pieces(text, room if is_gsm7(text) else 67 * max_segments - len(more_prompt) - 8):
        joiner = "" if piece == "\n" or not current or current.endswith("\n") else " "
        candidate = current + joiner + piece
        if fits(candidate.strip() + "\n" + more_prompt, max_segments) or not current.strip():
            current = candidate
        else:
            pages.append(current.strip())
            current = "" if piece == "\n" else piece
    if current.strip():
        pages.append(current.strip())
    return [p + "\n" + more_prompt for p in pages[:-1]] + pages[-1:]
