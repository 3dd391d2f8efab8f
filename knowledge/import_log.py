"""Imports in the change history: one entry each, with a summary people can read.

An import is logged as one `metadata` entry (resource type "knowledge_base", action
"import") whose new value is a JSON summary: the file, its source and format, the rows
added, changed and removed per table, and the rejected rows (the first REPORT_ROWS).
It cannot be reverted field by field: a JSON export taken before it undoes it.
"""

from __future__ import annotations

import json

import sqlite_utils

from knowledge import audit
from knowledge.import_report import ImportReport

RESOURCE = "knowledge_base"
ACTION = "import"
REPORT_ROWS = 500  # rejected rows kept with the entry, as the report page shows them
FORMAT_NAMES = {
    "kb-json": "knowledge-base JSON",
    "kb-csv": "knowledge-base CSV",
    "hsds-json": "HSDS JSON",
    "hsds-datapackage": "HSDS datapackage",
}


def log(db: sqlite_utils.Database, report: ImportReport, file_name: str, by: str) -> int:
    """Log a real import in the history; the entry's id."""
    summary = {
        "file": file_name,
        "source": report.source,
        "format": report.format,
        "seconds": round(report.seconds, 2),
        "counts": report.counts(),
        "changes": report.changes,
        "rejected_total": len(report.rejected),
        "rejected": [r.__dict__ for r in report.rejected[:REPORT_ROWS]],
        "warnings": len(report.warnings),
        "notes": list(report.notes),
    }
    text = json.dumps(summary, ensure_ascii=False)
    return audit.record(db, RESOURCE, report.source, ACTION, audit.WHOLE_ROW, None, text, by)


def is_import(entry: dict) -> bool:
    """Whether a history entry is an import."""
    return entry.get("resource_type") == RESOURCE and entry.get("last_action_type") == ACTION


def read(entry: dict) -> dict | None:
    """An import entry's summary, with every field present (older entries logged only the
    format and the counts); None for any other entry."""
    if not is_import(entry):
        return None
    try:
        found = json.loads(entry.get("replacement_value") or "{}")
    except ValueError:
        found = {}
    found = found if isinstance(found, dict) else {}
    counts = found.get("counts") if isinstance(found.get("counts"), dict) else {}
    rejected = sum(int(c.get("rejected", 0)) for c in counts.values() if isinstance(c, dict))
    fmt = str(found.get("format") or "")
    return {
        "file": str(found.get("file") or ""),
        "source": str(found.get("source") or entry.get("resource_id") or ""),
        "format": fmt,
        "format_name": FORMAT_NAMES.get(fmt, fmt),
        "seconds": found.get("seconds"),
        "counts": counts,
        "changes": found.get("changes") if isinstance(found.get("changes"), dict) else None,
        "rejected_total": int(found.get("rejected_total") or rejected),
        "rejected": found.get("rejected") if isinstance(found.get("rejected"), list) else [],
        "warnings": int(found.get("warnings") or 0),
        "notes": found.get("notes") if isinstance(found.get("notes"), list) else [],
        "who": entry.get("updated_by") or "",
        "when": entry.get("last_action_date") or "",
    }


def _totals(changes: dict) -> dict[str, int]:
    return {
        k: sum(int(c.get(k, 0)) for c in changes.values()) for k in ("added", "changed", "removed")
    }


def sentence(info: dict) -> str:
    """One line for the history: what the import did, in numbers."""
    rejected = f"{info['rejected_total']:,} rejected"
    if info["changes"] is None:  # logged before changes were counted
        imported = sum(int(c.get("imported", 0)) for c in info["counts"].values())
        return f"{imported:,} rows imported, {rejected}."
    totals = _totals(info["changes"])
    text = (
        f"{totals['added']:,} rows added, {totals['changed']:,} changed, "
        f"{totals['removed']:,} removed, {rejected}"
    )
    services = info["changes"].get("service")
    if services:
        text += (
            f" (services: {services['added']:,} added, {services['changed']:,} changed, "
            f"{services['removed']:,} removed)"
        )
    return text + "."


def title(info: dict) -> str:
    """How an import is named: its file, or its source when the file was not logged."""
    return info["file"] or info["source"]
