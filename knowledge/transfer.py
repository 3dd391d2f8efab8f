"""One entry point for every import and export format, for the CLI and the staff editor."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import sqlite_utils

from knowledge import archive, hsds_export, hsds_import, kb_io, schema
from knowledge.import_report import ImportFailed, ImportReport

IMPORT_FORMATS = ("kb-json", "kb-csv", "hsds-json", "hsds-datapackage")
EXPORT_FORMATS = ("json", "csv", "hsds-json", "hsds-datapackage")


def _names_in(path: Path) -> set[str]:
    if path.is_dir():
        return {p.name for p in path.iterdir()}
    try:
        with archive.open_zip(path) as package:
            return {Path(n).name for n in package.namelist()}
    except archive.ArchiveRefused as exc:
        raise ImportFailed(f"Nothing was changed: {exc}") from exc


def detect_format(path: str | Path) -> str:
    """Which of IMPORT_FORMATS a file or folder holds, by its contents."""
    path = Path(path)
    if path.is_dir() or zipfile.is_zipfile(path):
        names = _names_in(path)
        if "datapackage.json" in names or "services.csv" in names:
            return "hsds-datapackage"
        if "service.csv" in names:
            return "kb-csv"
        if path.is_dir() and any(n.endswith(".json") for n in names):
            return "hsds-json"
        raise ImportFailed(f"Nothing was changed: {path.name} holds no known tables")
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise ImportFailed(f"Nothing was changed: {path.name} is not JSON or a zip") from exc
    if isinstance(data, dict) and "service" in data and set(data) <= set(schema.CONTENT_TABLES):
        return "kb-json"
    return "hsds-json"


def import_path(
    db: sqlite_utils.Database,
    path: str | Path,
    fmt: str | None = None,
    *,
    dry_run: bool = False,
    source: str | None = None,
    confirmed: bool = False,
    confirm_percent: int = 50,
    file_name: str = "",
) -> ImportReport:
    """Import a file or folder in any IMPORT_FORMATS (detected when fmt is None).

    file_name is the file's own name when path is a saved copy (an upload): an HSDS
    import's source is named from it, so importing the same file again replaces it.

    kb-json and kb-csv replace the whole knowledge base (a restore); HSDS formats replace
    only the rows of their source ("hsds:<name>"). A real run that would delete at least
    confirm_percent of a table needs confirmed. Raises ImportFailed, changing nothing.
    """
    guard = {"confirmed": confirmed, "confirm_percent": confirm_percent}
    path = Path(path)
    if not path.exists():
        raise ImportFailed(f"Nothing was changed: {path} does not exist")
    fmt = fmt or detect_format(path)
    if fmt not in IMPORT_FORMATS:
        raise ImportFailed(f"Nothing was changed: unknown format {fmt!r}")
    if fmt == "kb-csv" and not (path.is_dir() or zipfile.is_zipfile(path)):
        raise ImportFailed(f"Nothing was changed: {path.name} is not a folder or zip of CSV files")
    if fmt == "hsds-json" and not path.is_dir() and zipfile.is_zipfile(path):
        raise ImportFailed(f"Nothing was changed: {path.name} is a zip, not HSDS JSON")
    if fmt.startswith("kb-"):
        return kb_io.import_kb(db, kb_io.read_kb(path, fmt), dry_run=dry_run, fmt=fmt, **guard)
    return hsds_import.import_hsds(
        db, path, fmt=fmt, dry_run=dry_run, source=source, file_name=file_name, **guard
    )


def export_bytes(db: sqlite_utils.Database, fmt: str) -> tuple[bytes, str, str]:
    """(content, MIME type, file name) of an export in one of EXPORT_FORMATS, for a download."""
    if fmt == "json":
        return kb_io.export_json(db).encode(), "application/json", "knowledge-base.json"
    if fmt == "hsds-json":
        return hsds_export.export_json(db).encode(), "application/json", "hsds-services.json"
    buffer = io.BytesIO()
    if fmt == "hsds-datapackage":
        hsds_export.write_datapackage(db, buffer)
        return buffer.getvalue(), "application/zip", "hsds-datapackage.zip"
    if fmt == "csv":
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in kb_io.csv_files(db).items():
                archive.writestr(name, text)
        return buffer.getvalue(), "application/zip", "knowledge-base-csv.zip"
    raise ValueError(f"unknown export format {fmt!r}")


def export_to(db: sqlite_utils.Database, fmt: str, out: Path) -> Path:
    """Write an export to out (a folder for csv, a file otherwise); the path written."""
    if fmt == "csv" and out.suffix != ".zip":
        kb_io.export_csv(db, out)
        return out
    content, _mime, _name = export_bytes(db, fmt)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(content)
    return out
