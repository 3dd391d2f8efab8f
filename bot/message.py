"""One message, read once: its words, numbers, language and place, passed down the bot."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from bot.language import detect
from bot.location import Place, locate
from bot.normalize import as_digits, clean, emoji_names, expand, pictographs, quantities


@dataclass
class Message:
    """What every layer reads of one message, computed once per turn."""

    text: str
    cleaned: list[str]  # lower case, no accents or punctuation (what towns are matched on)
    words: list[str]  # cleaned, shorthand expanded (what rules and FAQs are matched on)
    numbered: str  # the words with number words as digits (what ages are read from)
    lang: str | None
    _places: dict = field(default_factory=dict, repr=False)

    @classmethod
    def of(cls, text: str) -> Message:
        """Read a message's text."""
        cleaned = clean(text).split()
        words = expand(cleaned)
        return cls(text, cleaned, words, " ".join(as_digits(words)), detect(words))

    @property
    def learned(self) -> str:
        """What the learned reading reads: the numbered words, then each emoji as a word."""
        emoji = emoji_names(self.pictographs)
        return " ".join([*quantities(self.numbered.split()), *emoji]).strip()

    @cached_property
    def pictographs(self) -> list[str]:
        """The message's emoji and other pictographs, each as a word (clean() drops them)."""
        return pictographs(self.text)

    def place(self, states: Iterable[str] = ()) -> Place | None:
        """The town, ZIP or county named in the message (looked up once per set of states)."""
        key = tuple(sorted({s.upper() for s in states} - {"CT"}))  # Connecticut is always in
        if key not in self._places:
            self._places[key] = locate(self.cleaned, True, key)
        return self._places[key]
