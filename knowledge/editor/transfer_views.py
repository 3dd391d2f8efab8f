"""Import and export pages: downloads in every format; uploads dry-run before the real run."""

from __future__ import annotations

import secrets
import time
from pathlib import Path

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)

import settings
from knowledge import audit, hsds_import, import_log, transfer
from knowledge.db import get_db
from knowledge.editor.auth import current_user, login_required, refuse
from knowledge.editor.blueprint import bp
from knowledge.import_report import ImportFailed

SUFFIXES = (".zip", ".json")
KEY = "import_upload"  # the Flask-session key naming the file waiting for its real run


def _uploads() -> Path:
    """The folder of uploads waiting for their real run, without the abandoned ones."""
    folder = Path(current_app.config["DATABASE"]).parent / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    oldest = time.time() - settings.integer(current_app.config, "IMPORT_WAITING_SECONDS")
    for path in folder.iterdir():
        if path.is_file() and path.stat().st_mtime < oldest:
            path.unlink(missing_ok=True)
    return folder


def _waiting() -> Path | None:
    """The uploaded file this session dry-ran, if it is still there."""
    name = session.get(KEY, {}).get("file", "")
    path = _uploads() / name if name and "/" not in name else None
    return path if path and path.is_file() else None


@bp.get("/transfer")
@login_required
def transfer_page():
    """Exports to download, and the import form."""
    return render_template(
        "admin/transfer.html",
        exports=transfer.EXPORT_FORMATS,
        formats=transfer.IMPORT_FORMATS,
        waiting=session.get(KEY) if _waiting() else None,
    )


@bp.get("/transfer/export/<fmt>")
@login_required
def export(fmt: str):
    """Download the knowledge base in one of the export formats."""
    if fmt not in transfer.EXPORT_FORMATS:
        return refuse(f"There is no export format called {fmt}.", 404, "Not found")
    content, mime, name = transfer.export_bytes(get_db(), fmt)
    return Response(
        content, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


@bp.post("/transfer/import")
@login_required(role="admin")
def import_upload():
    """Dry-run an uploaded file: what would be imported and every row that would be rejected."""
    upload = request.files.get("file")
    fmt = request.form.get("format") or None
    if upload is None or not upload.filename:
        return refuse("Choose a file to import.", 400, "Nothing to import")
    suffix = Path(upload.filename).suffix.lower()
    if suffix not in SUFFIXES:
        return refuse("Import a .zip (datapackage or CSV) or a .json file.", 400, "Cannot import")
    if fmt is not None and fmt not in transfer.IMPORT_FORMATS:
        return refuse(f"There is no import format called {fmt}.", 400, "Cannot import")
    old = _waiting()
    if old:
        old.unlink()
    path = _uploads() / (secrets.token_hex(12) + suffix)
    try:
        upload.save(path)
    finally:
        upload.close()  # a large upload is spooled to a temporary file: release it now
    typed = request.form.get("source", "").strip()
    source = hsds_import.named(typed) if typed else ""
    session[KEY] = {
        "file": path.name,
        "name": upload.filename,
        "format": fmt or "",
        "source": source,
    }
    return _run(path, fmt, dry_run=True, name=upload.filename, source=source)


@bp.post("/transfer/import/run")
@login_required(role="admin")
def import_run():
    """Import the file that was dry-run, for real, in one transaction."""
    path = _waiting()
    if path is None:
        return refuse("Upload the file again: there is no dry run waiting.", 400, "Cannot import")
    held = session[KEY]
    confirmed = request.form.get("confirm_deletions") == "1"
    return _run(
        path,
        held["format"] or None,
        dry_run=False,
        name=held["name"],
        source=held.get("source", ""),
        confirmed=confirmed,
    )


def _run(
    path: Path, fmt: str | None, dry_run: bool, name: str, source: str = "", confirmed: bool = False
):
    db = get_db()
    percent = settings.integer(current_app.config, "RESTORE_CONFIRM_PERCENT")
    try:
        # The source comes from the uploaded file's own name (or the one the admin typed),
        # never the saved copy's random name: a second upload replaces the first.
        report = transfer.import_path(
            db,
            path,
            fmt,
            dry_run=dry_run,
            source=source or None,
            file_name=name,
            confirmed=confirmed,
            confirm_percent=percent,
        )
    except ImportFailed as exc:
        waiting = bool(exc.report and exc.report.needs_confirmation() and not confirmed)
        if not waiting:  # a refusal for want of a confirmation keeps the file for the retry
            session.pop(KEY, None)
            path.unlink(missing_ok=True)
        return render_template(
            "admin/import_report.html",
            failed=str(exc),
            report=exc.report,
            name=name,
            confirm=waiting,
            logged=None,
            rows=import_log.REPORT_ROWS,
        ), 400
    if not dry_run:
        session.pop(KEY, None)
        path.unlink(missing_ok=True)
    logged = None
    if not dry_run:
        with db.atomic():
            logged = import_log.log(db, report, name, current_user().username)
        flash(f"Imported {name}. The bot uses the new entries from the next message.")
    return render_template(
        "admin/import_report.html",
        failed="",
        report=report,
        name=name,
        confirm=dry_run,
        logged=logged,
        rows=import_log.REPORT_ROWS,
    )


@bp.get("/imports/<int:metadata_id>")
@login_required
def import_entry(metadata_id: int):
    """The report of an import in the history: file, who, when, what it changed, rejections."""
    entry = audit.entry(get_db(), metadata_id)
    info = import_log.read(entry) if entry else None
    if info is None:
        return refuse("There is no import with that number in the history.", 404, "Not found")
    return render_template(
        "admin/import_logged.html",
        info=info,
        title=import_log.title(info),
        sentence=import_log.sentence(info),
    )


@bp.post("/transfer/import/cancel")
@login_required(role="admin")
def import_cancel():
    """Forget the dry-run file without importing it."""
    path = _waiting()
    if path:
        path.unlink()
    session.pop(KEY, None)
    return redirect(url_for("editor.transfer_page"))


def limit_body() -> None:
    """Refuse a body over the limit from its Content-Length alone, before sign-in, the CSRF
    check or anything else reads it; the import upload alone may be IMPORT_MAX_UPLOAD."""
    if request.endpoint == "editor.import_upload":
        request.max_content_length = settings.integer(current_app.config, "IMPORT_MAX_UPLOAD")
    limit = request.max_content_length
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)
