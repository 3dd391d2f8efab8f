"""Rules every phone in the directory follows, wherever it comes from (editor, import, seed).

N11 dialling codes (211, 311, 511, 911, ...) reach a public line from any phone; they are
never a provider's own number. Only the emergency entry itself may list 911.
"""

from __future__ import annotations

import re

N11 = re.compile(r"1?([2-9]11)")
EMERGENCY_KIND = "emergency"  # the service kind whose phone may be 911
N11_LINES = {
    "211": "community information",
    "311": "city services",
    "411": "directory enquiries",
    "511": "traffic and travel",
    "611": "phone company repairs",
    "711": "the relay service",
    "811": "call before you dig",
    "911": "emergencies",
}


def dialling_code(raw: object) -> str:
    """The N11 code a number is ("911" for "9-1-1" or "1 911"), or "" when it is not one."""
    found = N11.fullmatch(re.sub(r"\D", "", str(raw or "")))
    return found.group(1) if found else ""


def n11_problem(raw: object, kind: str = "") -> str:
    """Why this number cannot be a phone of a service of this kind, or "" when it can."""
    code = dialling_code(raw)
    if not code or (code == "911" and kind == EMERGENCY_KIND):
        return ""
    typed = str(raw).strip()
    named = f'"{typed}"' if typed == code else f'"{typed}" is {code}, which'
    return (
        f"{named} is the dialling code for {N11_LINES[code]}, not a provider's own number. "
        "Enter the provider's number with its area code."
    )
