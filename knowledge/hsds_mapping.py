"""The data file that gives imported services the bot's categories, languages and states."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

MAPPING_FILE = Path(__file__).parent / "data" / "hsds_mapping.yaml"


@dataclass(frozen=True)
class Mapping:
    """Taxonomy codes and names per bot category; language names; state names."""

    terms: dict[str, tuple[tuple[str, ...], tuple[str, ...]]]
    new_terms: tuple[dict, ...]
    languages: dict[str, str]
    states: dict[str, str]

    def bot_terms(self, code: str, name: str) -> set[str]:
        """The bot's category ids for one taxonomy term, by its code and its name."""
        code, name = code.strip().upper(), f" {_words(name)} "
        found = set()
        for term, (codes, names) in self.terms.items():
            by_code = any(code.startswith(c) for c in codes)
            by_name = not code.startswith("Y") and any(f" {n} " in name for n in names)
            if by_code or by_name:
                found.add(term)
        return found


def _words(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@lru_cache(maxsize=4)
def load(path: Path = MAPPING_FILE) -> Mapping:
    """The mapping file, parsed (once)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    terms = {
        term: (
            tuple(str(c).upper() for c in spec.get("codes") or ()),
            tuple(_words(str(n)) for n in spec.get("names") or ()),
        )
        for term, spec in data["terms"].items()
    }
    return Mapping(
        terms=terms,
        new_terms=tuple(data.get("new_terms") or ()),
        languages={str(k).lower(): str(v) for k, v in data["languages"].items()},
        states={str(k).lower(): str(v) for k, v in data["states"].items()},
    )
