"""Import an Open Referral HSDS file: a dry run that reports, or a real run swapped in at once."""

from __future__ import annotations

import json
import re
import sqlite3
import time
from datetime import date
from pathlib import Path, PurePosixPath

import sqlite_utils

from knowledge import hsds_mapping, hsds_read, import_changes, kb_io, seed, staging
from knowledge.hsds_convert import ORDER, Converter
from knowledge.import_report import ImportFailed, ImportReport
from knowledge.seed import DIRECTORY_TABLES

GENERIC_STEMS = {"datapackage", "data", "export", "hsds", "csv", "json"}


def source_name(path: Path, package_name: str = "", file_name: str = "") -> str:
    """'hsds:<name>' from the file name, or its folder's when the file name says nothing.

    file_name is the name the file had before it was saved under another (an upload in
    the editor): it counts instead of path's, and path's folder is not looked at.
    """
    if file_name:
        stem = PurePosixPath(file_name.replace("\\", "/")).stem  # a Windows path too
    else:
        stem = path.stem if path.is_file() else path.name
        if stem.lower() in GENERIC_STEMS:
            stem = path.resolve().parent.name
    if stem.lower() in GENERIC_STEMS and package_name:
        stem = package_name
    return named(stem)


def named(name: str) -> str:
    """The source an admin typed ("Miami 211", "hsds:miami-211") as 'hsds:<slug>'."""
    name = name.strip()
    name = name[len("hsds:") :] if name.lower().startswith("hsds:") else name
    slug = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-.") or "import"
    return f"hsds:{slug}"


def read(path: Path, fmt: str, notes: list[str]) -> tuple[hsds_read.Tables, str]:
    """Rows per table and the package's own name, for 'hsds-datapackage' or 'hsds-json'."""
    if fmt == "hsds-json":
        return hsds_read.read_json(path, notes), ""
    return hsds_read.read_datapackage(path, notes)


def source_rows(db: sqlite_utils.Database, terms: bool = True) -> dict[str, str]:
    """Per directory table, the condition on :s that picks the rows a source left, child
    tables first. terms=False leaves the source's taxonomy terms (and links to them) out."""
    services = "SELECT id FROM service WHERE source = :s"
    locations = "SELECT id FROM location WHERE source = :s"
    of_terms = " OR taxonomy_term_id IN (SELECT id FROM taxonomy_term WHERE source = :s)"
    where = {
        "attribute": f"link_id IN ({services})" + (of_terms if terms else ""),
        "address": f"location_id IN ({locations})",
        "service_at_location": f"service_id IN ({services}) OR location_id IN ({locations})",
    }
    out = {}
    for table in DIRECTORY_TABLES:
        if table == "taxonomy_term" and not terms:
            continue
        out[table] = where.get(table) or (
            "source = :s" if "source" in db[table].columns_dict else f"service_id IN ({services})"
        )
    return out


def delete_source(db: sqlite_utils.Database, source: str, terms: bool = True) -> None:
    """Remove the rows an earlier import from this source left (in the caller's transaction).

    terms=False keeps the source's taxonomy terms (and the links other services have to them).
    """
    for table, condition in source_rows(db, terms).items():  # no foreign key trips
        db.execute(f"DELETE FROM [{table}] WHERE {condition}", {"s": source})


def _replaced(db: sqlite_utils.Database, source: str, carried: set[str]) -> dict:
    """The rows the import replaces: its source's, and those of the sources it carries."""
    before = import_changes.current(db, source_rows(db), {"s": source})
    for name in sorted(carried):
        for table, rows in import_changes.current(
            db, source_rows(db, terms=False), {"s": name}
        ).items():
            before[table].update(rows)
    return before


def _deletions(db: sqlite_utils.Database, source: str, rows: dict) -> tuple[dict, int]:
    """Services of this source the import would drop, against every service there now;
    and how many services the source has now."""
    ours = {r["id"] for r in db.query("SELECT id FROM service WHERE source = ?", [source])}
    coming = {r["id"] for r in rows.get("service", [])}
    return {"service": (len(ours - coming), db["service"].count)}, len(ours)


def _bot_terms(db: sqlite_utils.Database) -> set[str]:
    """Ids of the bot's own categories (curated or added by an earlier import)."""
    rows = db.query("SELECT id FROM taxonomy_term WHERE coalesce(vocabulary, '') = ''")
    return {r["id"] for r in rows}


def _new_term_rows(mapping: hsds_mapping.Mapping, wanted: set[str]) -> list[dict]:
    """The categories hsds_mapping.yaml adds (food): curated content, dated like the
    curated files, not like the imported file's rows."""
    return [
        {
            "id": t["id"],
            "name": t["name"]["en"],
            "name_es": t["name"].get("es", ""),
            "words_en": json.dumps(t["words"].get("en", [])),
            "words_es": json.dumps(t["words"].get("es", [])),
            "source": "hsds-mapping",
            "last_verified": seed.CURATED_ON,
        }
        for t in mapping.new_terms
        if t["id"] in wanted
    ]


def _category_rows(mapping: hsds_mapping.Mapping) -> dict[str, dict]:
    """The curated categories with their words, by slug: the bot's own and the mapping's."""
    rows = {r["id"]: r for r in seed.term_rows(seed.read("terms"))}
    for row in _new_term_rows(mapping, {t["id"] for t in mapping.new_terms}):
        rows.setdefault(row["id"], row)
    return rows


def import_hsds(
    db: sqlite_utils.Database,
    path: str | Path,
    *,
    fmt: str = "hsds-datapackage",
    dry_run: bool = False,
    source: str | None = None,
    confirmed: bool = False,
    confirm_percent: int = 50,
    file_name: str = "",
) -> ImportReport:
    """Import an HSDS datapackage (zip or folder) or 3.0 JSON file; replaces that source's rows.

    The rows are built in a scratch file and swapped in by one short transaction (see
    knowledge.staging); a dry run does the same and rolls the swap back, so its counts and
    rejections are exactly those a real run would give. Raises ImportFailed (with nothing
    changed) when the file cannot be read or the database refuses the rows.
    """
    started = time.perf_counter()
    path = Path(path)
    report = ImportReport(source="", format=fmt, dry_run=dry_run, confirm_percent=confirm_percent)
    try:
        tables, package = read(path, fmt, report.notes)
    except (OSError, hsds_read.HsdsReadError, UnicodeDecodeError) as exc:
        raise ImportFailed(f"Nothing was changed: {exc}", report) from exc
    report.source = source or source_name(path, package, file_name)
    today = date.today().isoformat()
    mapping = hsds_mapping.load()
    conv = Converter(tables, report.source, report, mapping, today)
    existing = _bot_terms(db)
    conv.known_terms = existing | {t["id"] for t in mapping.new_terms}
    conv.existing_terms = set(existing)
    conv.category_rows = _category_rows(mapping)
    rows = conv.run()
    emitted = {t["id"] for t in rows.get("taxonomy_term", [])}
    added = _new_term_rows(mapping, conv.used_terms - existing - emitted)
    # Our own export names the source of each row: it replaces those sources' rows.
    carried = {r["source"] for r in conv.records.values() if r.get("source")} - {report.source}
    report.deletions, earlier = _deletions(db, report.source, rows)
    coming = {**rows, "taxonomy_term": [*rows.get("taxonomy_term", []), *added]}
    report.changes = import_changes.count(db, _replaced(db, report.source, carried), coming)
    if earlier:
        report.notes.append(
            f"replaces the {earlier:,} services of the earlier import from {report.source}"
        )
    if not dry_run and report.needs_confirmation() and not confirmed:
        raise kb_io.confirmation_needed(report)

    def clear(db: sqlite_utils.Database) -> None:
        delete_source(db, report.source)
        for name in sorted(carried):
            delete_source(db, name, terms=False)

    rows["taxonomy_term"] = added + rows.get("taxonomy_term", [])
    try:
        # Built beside the database, then swapped in by one short transaction (see staging).
        staging.replace_rows(db, rows, ORDER, clear, dry_run=dry_run)
    except sqlite3.Error as exc:
        message = f"Nothing was changed: the database refused a row: {exc}"
        raise ImportFailed(message, report) from exc
    if added:
        verb = "would add categories" if dry_run else "added categories"
        report.notes.append(f"{verb}: " + ", ".join(t["id"] for t in added))
    report.seconds = time.perf_counter() - started
    return report
