"""Last-verified dates: stamping an entry as checked, and listing entries not checked lately."""

from __future__ import annotations

from datetime import date, timedelta

import sqlite_utils

from knowledge import audit

STALE_AFTER_DAYS = 180
# Tables whose rows carry `source` and `last_verified` (schema.CURATED), with the column
# that names each row for people.
VERIFIED_TABLES = {
    "organization": "name",
    "service": "name",
    "location": "name",
    "taxonomy_term": "name",
    "rule": "phrase",
    "faq": "topic",
    "reply_template": "key",
}
# Rows that are not checked with a provider: another directory's own vocabulary (the AIRS
# terms of a 211) classifies its services, and is the bot's content only through them.
NOT_CHECKED = {"taxonomy_term": "coalesce(vocabulary, '') <> ''"}


def verify(
    db: sqlite_utils.Database, table: str, resource_id: str, by: str, today: date | None = None
) -> bool:
    """Stamp an entry as checked today (logged as a "verify"); False if it already was."""
    if table not in VERIFIED_TABLES:
        raise audit.AuditError(f"Entries in {table} do not carry a last-verified date.")
    day = (today or date.today()).isoformat()
    changed = audit.update(db, table, resource_id, {"last_verified": day}, by, action="verify")
    return bool(changed)


def stale(
    db: sqlite_utils.Database, today: date | None = None, days: int = STALE_AFTER_DAYS
) -> list[dict]:
    """Entries last verified more than `days` ago (or never, as an import without dates
    leaves them), oldest first."""
    cutoff = ((today or date.today()) - timedelta(days=days)).isoformat()
    out = []
    for table, label in VERIFIED_TABLES.items():
        key = audit.pk_column(db, table)
        sql = (
            f"SELECT [{key}] AS id, [{label}] AS label, last_verified, source FROM [{table}] "
            "WHERE (last_verified IS NULL OR last_verified = '' OR last_verified < ?)"
        )
        if table in NOT_CHECKED:
            sql += f" AND NOT ({NOT_CHECKED[table]})"
        for row in db.query(sql, [cutoff]):
            out.append({"table": table, **row, "id": str(row["id"])})
    return sorted(out, key=lambda r: (r["last_verified"] or "", r["table"], r["id"]))
