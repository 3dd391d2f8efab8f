"""Imported phones, opening hours and languages, each tied to a kept service."""

from __future__ import annotations

import re
from collections import defaultdict
from typing import TYPE_CHECKING

from knowledge import hsds_clean as clean
from knowledge import phone_rules
from knowledge.import_report import MISSING, UNKNOWN

if TYPE_CHECKING:
    from knowledge.hsds_convert import Converter

PHONE_TYPES = {"voice": "voice", "": "voice", "text": "sms", "sms": "sms", "fax": "fax"}


def phone_rows(conv: Converter) -> None:
    """Phones as E.164 numbers with their extension apart; a menu option goes in the label."""
    for rid, where, row in conv.rows("phone"):
        service = conv.service_for("phone", where, row)
        if service is None:
            continue
        if conv.record(rid):  # our own export: the number as we stored it (short codes too)
            fields = {"number": "", "extension": "", "type": "", "description": ""}
            conv.emit(
                "phone", rid, {"id": conv.key(rid), "service_id": conv.key(service), **fields}
            )
            continue
        try:
            number, extension, option = clean.phone(row.get("number"))
        except clean.FieldError as exc:
            conv.report.reject("phone", where, *exc.args)
            continue
        kind = str(row.get("type") or "").strip().lower()
        given = phone_rules.extension(row.get("extension"))
        if given is None:  # "OPT 2", "press 3": a menu option, not an extension
            option = option or clean.text(row.get("extension"))
        extension = given or extension
        label = clean.text(row.get("description"))
        if option:
            label = f"{label} (option {option})".strip()
        conv.emit(
            "phone",
            rid,
            {
                "id": conv.key(rid),
                "service_id": conv.key(service),
                "number": number,
                "extension": extension,
                "type": PHONE_TYPES.get(kind, kind),
                "description": label,
            },
        )


def schedule_rows(conv: Converter) -> None:
    """One opening-hours text per service, from every schedule row it has."""
    hours: dict[str, list[str]] = defaultdict(list)
    for rid, where, row in conv.rows("schedule", need_id=False):
        service = conv.service_for("schedule", where, row)
        if service is None:
            continue
        if conv.record(rid):  # our own export: one schedule row per service, kept as it is
            text = clean.text(row.get("description"))
            conv.emit(
                "schedule",
                rid,
                {"id": conv.key(rid), "service_id": conv.key(service), "description": text},
            )
            continue
        text = clean.text(row.get("description"))
        if not text and row.get("opens_at"):
            day = row.get("weekday") or row.get("byday") or ""
            text = f"{day} {row['opens_at']}-{row.get('closes_at') or ''}".strip()
        if text and text not in hours[service]:
            hours[service].append(text)
        conv.report.imported["schedule"] += 1
    for service, texts in hours.items():
        key = conv.key(f"{service}/hours")
        conv.out["schedule"].append(
            {"id": key, "service_id": conv.key(service), "description": "; ".join(texts)}
        )


def language_rows(conv: Converter) -> None:
    """ISO 639-1 codes per service, from codes or language names."""
    spoken: dict[str, set[str]] = defaultdict(set)
    for rid, where, row in conv.rows("language", need_id=False):
        service = conv.service_for("language", where, row)
        if service is None:
            continue
        if conv.record(rid):  # our own export: the code and id as we stored them
            conv.emit(
                "language", rid, {"id": conv.key(rid), "service_id": conv.key(service), "code": ""}
            )
            continue
        if not str(row.get("name") or row.get("code") or "").strip():
            conv.report.reject("language", where, MISSING, "language is empty")
            continue
        codes = language_codes(conv, row)
        if not codes:
            detail = f"{row.get('name')!r} names no language this importer knows"
            conv.report.reject("language", where, UNKNOWN, detail)
            continue
        conv.report.imported["language"] += 1
        for code in sorted(codes - spoken[service]):
            spoken[service].add(code)
            conv.out["language"].append(
                {
                    "id": conv.key(f"{service}/lang/{code}"),
                    "service_id": conv.key(service),
                    "code": code,
                }
            )


def language_codes(conv: Converter, row: dict) -> set[str]:
    """ISO codes named in a language field ("English and Spanish", "Creole translator")."""
    code = str(row.get("code") or "").strip().lower()
    if code:
        return {code}
    words = " " + " ".join(re.findall(r"[a-z]+", str(row.get("name") or "").lower())) + " "
    return {c for name, c in conv.mapping.languages.items() if f" {name} " in words}
