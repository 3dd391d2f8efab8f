"""Audited writes: every change lands in `metadata` (HSDS's shape) and can be reverted."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime

import sqlite_utils
from sqlite_utils.db import NotFoundError

WHOLE_ROW = "*"  # field_name of a create or delete; the value is the row as JSON


class AuditError(ValueError):
    """A change that cannot be made or undone, in a plain sentence."""


def stamp() -> str:
    """Now, as HSDS's last_action_date: an ISO 8601 date-time in UTC."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def encode(value: object) -> str | None:
    """A column value as the text stored in metadata (None stays NULL)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return str(int(value))
    return str(value)


def _decode(db: sqlite_utils.Database, table: str, column: str, text: str | None) -> object:
    """Text from metadata back to the column's type."""
    if text is None:
        return None
    kind = db[table].columns_dict.get(column, str)
    if kind is int:
        return int(float(text))
    if kind is float:
        return float(text)
    return text


def pk_column(db: sqlite_utils.Database, table: str) -> str:
    """The name of a table's single primary-key column."""
    return db[table].pks[0]


def pk_value(db: sqlite_utils.Database, table: str, resource_id: str) -> object:
    """A resource_id (always text in metadata) as the table's key type."""
    return _decode(db, table, pk_column(db, table), resource_id)


def get_row(db: sqlite_utils.Database, table: str, resource_id: str) -> dict | None:
    """The row with this key, or None."""
    try:
        return db[table].get(pk_value(db, table, resource_id))
    except (NotFoundError, ValueError):
        return None


def record(
    db: sqlite_utils.Database,
    table: str,
    resource_id: object,
    action: str,
    field: str,
    previous: object,
    replacement: object,
    by: str,
) -> int:
    """Append one entry to the audit log; its id."""
    return (
        db["metadata"]
        .insert(
            {
                "resource_id": str(resource_id),
                "resource_type": table,
                "last_action_date": stamp(),
                "last_action_type": action,
                "field_name": field,
                "previous_value": encode(previous),
                "replacement_value": encode(replacement),
                "updated_by": by,
            }
        )
        .last_pk
    )


def update(
    db: sqlite_utils.Database,
    table: str,
    resource_id: str,
    values: dict,
    by: str,
    action: str = "update",
) -> list[str]:
    """Change fields of one row, logging each field that really changed; their names."""
    with db.atomic():
        row = get_row(db, table, resource_id)
        if row is None:
            raise AuditError(f"There is no {table} {resource_id} any more.")
        changed = {k: v for k, v in values.items() if encode(row.get(k)) != encode(v)}
        if changed:
            db[table].update(pk_value(db, table, resource_id), changed)
            for name, value in changed.items():
                record(db, table, resource_id, action, name, row.get(name), value, by)
    return list(changed)


def insert(db: sqlite_utils.Database, table: str, row: dict, by: str, action="create") -> str:
    """Add one row and log it whole; its key as text."""
    with db.atomic():
        key = pk_column(db, table)
        if row.get(key) is not None and get_row(db, table, str(row[key])) is not None:
            raise AuditError(f"The id {row[key]} is already used; choose another.")
        try:
            rowid = db[table].insert(row).last_pk
            pk = row[key] if row.get(key) is not None else rowid  # rowid is the int key
        except sqlite3.IntegrityError as exc:  # a foreign key: a plain sentence, never a 500
            raise AuditError(
                f"This {table} cannot be added: it refers to an entry that does not exist."
            ) from exc
        stored = db[table].get(pk)
        record(db, table, pk, action, WHOLE_ROW, None, _as_json(stored), by)
    return str(pk)


def delete(db: sqlite_utils.Database, table: str, resource_id: str, by: str) -> None:
    """Remove one row, logging it whole so it can be put back."""
    with db.atomic():
        row = get_row(db, table, resource_id)
        if row is None:
            raise AuditError(f"There is no {table} {resource_id} any more.")
        try:
            db[table].delete(pk_value(db, table, resource_id))
        except sqlite3.IntegrityError as exc:
            raise AuditError(
                f"This {table} is still used by other entries; remove or move those first."
            ) from exc
        record(db, table, resource_id, "delete", WHOLE_ROW, _as_json(row), None, by)


def _as_json(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False, sort_keys=True)


def entry(db: sqlite_utils.Database, metadata_id: int) -> dict | None:
    """One audit-log entry, or None."""
    rows = list(db.query("SELECT * FROM metadata WHERE id = ?", [metadata_id]))
    return rows[0] if rows else None


def history(
    db: sqlite_utils.Database,
    table: str | None = None,
    resource_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[dict]:
    """Audit-log entries, newest first, optionally for one table or one row."""
    where, args = [], []
    if table:
        where.append("resource_type = ?")
        args.append(table)
    if resource_id:
        where.append("resource_id = ?")
        args.append(resource_id)
    sql = "SELECT * FROM metadata" + (" WHERE " + " AND ".join(where) if where else "")
    return list(db.query(sql + " ORDER BY id DESC LIMIT ? OFFSET ?", [*args, limit, offset]))


def revert(db: sqlite_utils.Database, metadata_id: int, by: str) -> str:
    """Undo one logged change (itself logged, so it can be undone too); what was done."""
    with db.atomic():
        item = entry(db, metadata_id)
        if item is None:
            raise AuditError("That change is not in the history.")
        table, rid = item["resource_type"], item["resource_id"]
        if table not in db.table_names():
            raise AuditError(
                f"Changes to {table} cannot be reverted one by one; "
                "import the export taken before it instead."
            )
        if item["field_name"] == WHOLE_ROW:
            return _revert_whole(db, item, by)
        row = get_row(db, table, rid)
        if row is None:
            raise AuditError(f"The {table} {rid} has been deleted since; restore it first.")
        field = item["field_name"]
        if encode(row.get(field)) != item["replacement_value"]:
            raise AuditError(
                f"The {field} of {table} {rid} has changed again since; "
                "revert the later change first."
            )
        value = _decode(db, table, field, item["previous_value"])
        update(db, table, rid, {field: value}, by, action="revert")
        return f"Set {field} of {table} {rid} back to {item['previous_value'] or '(empty)'}."


def _revert_whole(db: sqlite_utils.Database, item: dict, by: str) -> str:
    table, rid = item["resource_type"], item["resource_id"]
    if item["previous_value"] is None:  # a create: take the row away again
        if get_row(db, table, rid) is None:
            raise AuditError(f"The {table} {rid} is already gone.")
        delete(db, table, rid, by)
        return f"Removed {table} {rid} again."
    row = json.loads(item["previous_value"])
    columns = db[table].columns_dict
    insert(db, table, {k: v for k, v in row.items() if k in columns}, by, action="restore")
    return f"Restored {table} {rid}."
