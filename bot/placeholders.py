"""Reply templates' {name} placeholders: filled by plain substitution, never by str.format.

str.format would obey whatever a template says: "{program:>50000000}" pads to 50 MB, and
"{program!r}" or "{program.__class__}" reach into Python. Here a placeholder is only a
known name between braces; "{{" and "}}" stand for a brace, as in str.format.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# The names the bot fills in; a template may use any of them and nothing else.
KNOWN = ("hotline_call", "hotline_text", "careline", "program", "services", "place")

_PART = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[{}]")
_NAME = re.compile(r"\w+")


class PlaceholderError(ValueError):
    """A template that cannot be filled as written, in a plain sentence."""


def _listing(known: Iterable[str]) -> str:
    return ", ".join("{" + name + "}" for name in known)


def fill(text: str, values: Mapping[str, str]) -> str:
    """The template with each {name} replaced by its value ("" when none is given).

    Anything else between braces (a format spec, a conversion, an attribute) is dropped,
    and a lone brace is kept, so a stored template that slipped past the checks still
    reads, in time proportional to its length.
    """

    def part(found: re.Match) -> str:
        token = found.group(0)
        if token in ("{{", "}}", "{", "}"):
            return token[0]
        name = found.group(1)
        return str(values.get(name, "")) if _NAME.fullmatch(name) else ""

    return _PART.sub(part, text)


def check(text: str, known: Iterable[str] = KNOWN) -> list[str]:
    """The placeholders a template uses; PlaceholderError with a sentence if one is not allowed."""
    known = tuple(known)
    names = []
    for found in _PART.finditer(text):
        token = found.group(0)
        if token in ("{{", "}}"):
            continue
        if token in ("{", "}"):
            raise PlaceholderError(
                f"A {token} is unmatched. Placeholders look like {{hotline_call}}; "
                f"the bot knows {_listing(known)}."
            )
        name = found.group(1)
        if not _NAME.fullmatch(name):
            raise PlaceholderError(
                f"{token} is not a plain placeholder: write only the name between braces, "
                f"with nothing after it (no :, ! or .), such as {_listing(known[:1])}."
            )
        if name not in known:
            raise PlaceholderError(
                f"{{{name}}} is not a placeholder the bot fills in; it knows {_listing(known)}."
            )
        names.append(name)
    return names
