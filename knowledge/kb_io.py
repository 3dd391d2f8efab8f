"""The whole knowledge base as JSON or CSV, and back again, validated, swapped in at once."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

import sqlite_utils

from knowledge import archive, csv_cells, hsds_clean, import_changes, phone_rules, schema, staging
from knowledge.import_report import (
    BAD_PHONE,
    BAD_VALUE,
    DANGLING,
    DUPLICATE,
    MISSING,
    ImportFailed,
    ImportReport,
)

URL_FIELDS = {("organization", "url"), ("service", "url")}


def table_order(db: sqlite_utils.Database) -> list[str]:
    """The content tables, each after the tables its foreign keys point to."""
    pending, done = list(schema.CONTENT_TABLES), []
    while pending:
        for table in pending:
            parents = {fk.other_table for fk in db[table].foreign_keys} - {table}
            if parents <= set(done) | (parents - set(schema.CONTENT_TABLES)):
                done.append(table)
                pending.remove(table)
                break
        else:  # a cycle: keep the declared order for the rest
            done.extend(pending)
            break
    return done


def export_tables(db: sqlite_utils.Database) -> dict[str, list[dict]]:
    """Every content table's rows (directory, categories, rules, answers, templates)."""
    return {t: list(db[t].rows_where(order_by=_pk(db, t))) for t in schema.CONTENT_TABLES}


def export_json(db: sqlite_utils.Database) -> str:
    """The knowledge base as one JSON object: {table: [rows]}."""
    return json.dumps(export_tables(db), indent=2, ensure_ascii=False)


def csv_files(db: sqlite_utils.Database) -> dict[str, str]:
    """One CSV text per content table, named <table>.csv (formulas written as text)."""
    files = {}
    for table, rows in export_tables(db).items():
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=list(db[table].columns_dict))
        writer.writeheader()
        writer.writerows(csv_cells.safe_dict(row) for row in rows)
        files[f"{table}.csv"] = buffer.getvalue()
    return files


def export_csv(db: sqlite_utils.Database, directory: Path) -> list[Path]:
    """Write one CSV file per content table into directory; the paths written."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in csv_files(db).items():
        (directory / name).write_text(text, encoding="utf-8", newline="")
        written.append(directory / name)
    return written


def _pk(db: sqlite_utils.Database, table: str) -> str:
    return ", ".join(f"[{k}]" for k in db[table].pks)


def read_kb(path: Path, fmt: str) -> dict[str, list[dict]]:
    """Tables from this project's own export: 'kb-json', or 'kb-csv' (a folder or a zip)."""
    if fmt == "kb-json":
        if path.is_dir() or zipfile.is_zipfile(path):
            raise ImportFailed(f"Nothing was changed: {path.name} is not a kb-json file")
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise ImportFailed(f"Nothing was changed: {path.name} is not JSON") from exc
        if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
            raise ImportFailed("Nothing was changed: the JSON is not {table: [rows]}")
        for table, rows in data.items():
            number = next((n for n, r in enumerate(rows, 1) if not isinstance(r, dict)), 0)
            if number:
                raise ImportFailed(f"Nothing was changed: {table} row {number} is not an object")
        return data
    try:
        if path.is_dir():
            tables = {}
            for file in path.glob("*.csv"):
                with file.open("rb") as stream:
                    tables[file.stem] = _own_rows(archive.csv_rows(stream, file.name))
            return tables
        with archive.open_zip(path) as package:
            tables = {}
            for name in package.namelist():
                if name.endswith(".csv"):
                    with package.open(name) as stream:
                        rows = archive.csv_rows(stream, Path(name).name)
                        tables[Path(name).stem] = _own_rows(rows)
            return tables
    except archive.ArchiveRefused as exc:
        raise ImportFailed(f"Nothing was changed: {exc}") from exc


def _own_rows(rows: Iterable[dict]) -> list[dict]:
    """Rows of this project's CSV export, with the quotes that kept formulas as text undone."""
    return [csv_cells.restored_dict(row) for row in rows]


def _typed(value: object, kind: type) -> object:
    """A CSV string as the column's type (blank numbers are NULL); ValueError if it is not."""
    if isinstance(value, (dict, list)):
        raise ValueError("is a list or an object, not a single value")
    if not isinstance(value, str) or kind is str:
        return value
    if value.strip() == "":
        return None
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"{value[:40]!r} is not a {kind.__name__}") from None


def _row(raw: dict, columns: dict) -> tuple[dict, str]:
    """The row's known columns as their types, and a sentence on the first that is not."""
    row = {}
    for key, value in raw.items():
        if key in columns:
            try:
                row[key] = _typed(value, columns[key])
            except ValueError as exc:
                return row, f"{key} {exc}"
    return row, ""


def _phone_problem(row: dict, kinds: dict) -> tuple[str, str]:
    """(kind, sentence) of what is wrong with a phone row, or ("", ""); the number is
    stored in E.164 and an extension written after it moves to its own field."""
    number = str(row.get("number") or "")
    problem = phone_rules.n11_problem(number, kinds.get(row.get("service_id"), ""))
    if problem:
        return BAD_PHONE, problem
    extension = phone_rules.extension(row.get("extension"))
    if extension is None:
        return BAD_PHONE, f"extension {row.get('extension')!r} is not 1 to 8 digits"
    if number.isdigit() and len(number) <= 6:  # short codes such as 233733
        return "", ""
    try:
        row["number"], found, option = hsds_clean.phone(number)
    except hsds_clean.FieldError as exc:
        return (BAD_PHONE if "phone" in exc.args[0] else MISSING), exc.args[1]
    if option or (found and extension and found != extension):
        return BAD_PHONE, f"{number!r} ends in something other than its extension field"
    if found and not extension:
        row["extension"] = found
    return "", ""


def _check(table: str, row: dict, report: ImportReport, where: str, kinds: dict) -> bool:
    """Phones and web addresses, validated as the editor and the curated files do.

    kinds: the kind of each service kept so far (only the emergency entry may list 911).
    """
    if table == "phone":
        kind, detail = _phone_problem(row, kinds)
        if kind:
            report.reject(table, where, kind, detail)
            return False
    for t, field in URL_FIELDS:
        if t == table and row.get(field):
            try:
                hsds_clean.url(row[field])
            except hsds_clean.FieldError as exc:
                report.reject(table, where, BAD_VALUE, exc.args[1])
                return False
    return True


def validate_kb(
    db: sqlite_utils.Database, tables: dict[str, list[dict]], report: ImportReport
) -> dict[str, list[dict]]:
    """The rows that can be loaded, by table; every other row rejected in report."""
    kept: dict[str, list[dict]] = {}
    keys: dict[str, set] = {}
    kinds: dict = {}  # service id -> kind, for the phones that follow
    for name in tables:
        if name not in schema.CONTENT_TABLES:
            report.notes.append(f"{name} is not a knowledge base table and was skipped")
    for table in table_order(db):
        columns, pks = db[table].columns_dict, db[table].pks
        fks = [fk for fk in db[table].foreign_keys if fk.other_table in schema.CONTENT_TABLES]
        kept[table], keys[table] = [], set()
        for number, raw in enumerate(tables.get(table, []), start=1):
            report.read[table] += 1
            row, problem = _row(raw, columns)
            if problem:
                report.reject(table, f"row {number}", BAD_VALUE, problem)
                continue
            key = tuple(row.get(k) for k in pks)
            where = "/".join(str(k) for k in key) if all(k not in (None, "") for k in key) else ""
            if not where:
                report.reject(table, f"row {number}", MISSING, f"{pks[0]} is empty")
                continue
            if where in keys[table]:
                report.reject(table, where, DUPLICATE, f"{where} appears more than once")
                continue
            missing = next(
                (
                    fk
                    for fk in fks
                    if row.get(fk.column) and row[fk.column] not in keys[fk.other_table]
                ),
                None,
            )
            if missing is not None:
                detail = f"{missing.column} {row[missing.column]} is not in {missing.other_table}"
                report.reject(table, where, DANGLING, detail)
                continue
            if not _check(table, row, report, where, kinds):
                continue
            keys[table].add(where)
            kept[table].append(row)
            if table == "service":
                kinds[row.get("id")] = row.get("kind") or ""
            report.imported[table] += 1
    return kept


def _key(row: dict, pks: list[str]) -> str:
    return "/".join(str(row.get(k)) for k in pks)


def deletions(db: sqlite_utils.Database, kept: dict[str, list[dict]]) -> dict:
    """Per content table: (rows there now that the restore would not keep, rows there now)."""
    out = {}
    for table in schema.CONTENT_TABLES:
        pks = db[table].pks
        there = {_key(r, pks) for r in db.query(f"SELECT {_pk(db, table)} FROM [{table}]")}
        keeping = {_key(r, pks) for r in kept.get(table, [])}
        out[table] = (len(there - keeping), len(there))
    return out


def confirmation_needed(report: ImportReport) -> ImportFailed:
    """The refusal of a real run that would delete most of a table without a confirmation."""
    return ImportFailed(
        f"Nothing was changed: {report.deletion_warning()} Confirm the deletions to go ahead.",
        report,
    )


def import_kb(
    db: sqlite_utils.Database,
    tables: dict[str, list[dict]],
    *,
    dry_run: bool = False,
    fmt: str = "kb-json",
    confirmed: bool = False,
    confirm_percent: int = 50,
) -> ImportReport:
    """Replace every content table with these rows (a restore), all or nothing.

    A real run that would delete at least confirm_percent of any table's rows is refused
    unless confirmed (the dry run says so first).
    """
    started = time.perf_counter()
    report = ImportReport(source="kb", format=fmt, dry_run=dry_run, confirm_percent=confirm_percent)
    kept = validate_kb(db, tables, report)
    report.deletions = deletions(db, kept)
    everything = import_changes.current(db, dict.fromkeys(schema.CONTENT_TABLES, ""))
    report.changes = import_changes.count(db, everything, kept)
    if not dry_run and report.needs_confirmation() and not confirmed:
        raise confirmation_needed(report)
    if not dry_run:
        order = table_order(db)

        def clear(db: sqlite_utils.Database) -> None:
            for table in reversed(order):
                db.execute(f"DELETE FROM [{table}]")

        try:
            # Built beside the database, then swapped in by one short transaction.
            staging.replace_rows(db, kept, order, clear)
        except sqlite3.Error as exc:
            raise ImportFailed(
                f"Nothing was changed: the database refused a row: {exc}", report
            ) from exc
    report.seconds = time.perf_counter() - started
    return report
