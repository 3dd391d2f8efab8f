"""What an import adds, changes and removes: the rows it replaces against the rows it brings."""

from __future__ import annotations

import sqlite_utils

from knowledge import audit

Rows = dict[str, dict[str, dict]]  # table -> row key -> row


def key_of(row: dict, pks: list[str]) -> str:
    """A row's primary key as one string."""
    return "/".join(str(row.get(k)) for k in pks)


def current(db: sqlite_utils.Database, where: dict[str, str], params: dict | None = None) -> Rows:
    """The rows there now that an import would replace: per table, those matching its
    condition ("" for every row)."""
    out: Rows = {}
    for table, condition in where.items():
        pks = db[table].pks
        sql = f"SELECT * FROM [{table}]" + (f" WHERE {condition}" if condition else "")
        out[table] = {key_of(r, pks): r for r in db.query(sql, params or {})}
    return out


def _same(old: dict, new: dict) -> bool:
    columns = set(old) | set(new)
    return all(audit.encode(old.get(c)) == audit.encode(new.get(c)) for c in columns)


def count(db: sqlite_utils.Database, before: Rows, after: dict[str, list[dict]]) -> dict:
    """Per table that differs: how many rows the import adds, changes and removes."""
    out = {}
    for table in dict.fromkeys([*before, *after]):
        pks = db[table].pks
        old = before.get(table, {})
        new = {key_of(r, pks): r for r in after.get(table, [])}
        added = sum(1 for k in new if k not in old)
        removed = sum(1 for k in old if k not in new)
        changed = sum(1 for k, r in new.items() if k in old and not _same(old[k], r))
        if added or changed or removed:
            out[table] = {"added": added, "changed": changed, "removed": removed}
    return out
