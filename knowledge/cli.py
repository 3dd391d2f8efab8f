"""`flask --app app kb ...`: initialise, reload, import and export the knowledge base."""

from __future__ import annotations

import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

import settings
from knowledge import import_log, seed, transfer
from knowledge.db import connect, prepare
from knowledge.import_report import ImportFailed

kb = AppGroup("kb", help="Manage the knowledge base (the SQLite file in DATABASE).")


@kb.command("init")
def init_command() -> None:
    """Create the database if needed and load the curated data if it is empty.

    Example: flask --app app kb init
    """
    path = current_app.config["DATABASE"]
    prepare(path)
    click.echo(f"Knowledge base ready at {path}.")


@kb.command("reload")
def reload_command() -> None:
    """Replace the directory, rules, answers and templates with knowledge/data/*.yaml.

    Staff edits to those tables are overwritten (export first to keep them). Partners,
    staff users, the audit log and conversation state are kept. All or nothing.

    Example: flask --app app kb reload
    """
    db = connect(current_app.config["DATABASE"])
    try:
        counts = seed.load_all(db)
    except seed.SeedError as exc:
        raise click.ClickException(f"Nothing was changed: {exc}") from exc
    summary = ", ".join(f"{n} {table}" for table, n in counts.items())
    click.echo(f"Reloaded: {summary}.")


@kb.command("export")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(transfer.EXPORT_FORMATS),
    default="json",
    show_default=True,
    help="json/csv: this knowledge base's own tables; hsds-json: Open Referral HSDS 3.0 "
    "services; hsds-datapackage: HSDS 3.0 tabular (a zip).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="File (a folder for csv, unless it ends in .zip). JSON goes to standard output if "
    "omitted.",
)
def export_command(fmt: str, out: Path | None) -> None:
    """Export the directory, categories, rules, answers and templates.

    Example: flask --app app kb export --format hsds-datapackage --out directory.zip
    """
    db = connect(current_app.config["DATABASE"])
    if out is None:
        if fmt not in ("json", "hsds-json"):
            raise click.UsageError(f"--out is required for {fmt}.")
        click.echo(transfer.export_bytes(db, fmt)[0].decode())
        return
    transfer.export_to(db, fmt, out)
    click.echo(f"Wrote {out}.")


@kb.command("import")
@click.argument("path", type=click.Path(exists=True, path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(transfer.IMPORT_FORMATS),
    default=None,
    help="Detected from the contents if omitted.",
)
@click.option("--dry-run", is_flag=True, help="Check and count everything; change nothing.")
@click.option("--source", default=None, help='Source name for HSDS rows (default "hsds:<file>").')
@click.option(
    "--confirm-deletions",
    is_flag=True,
    help="Go ahead even if the import deletes at least RESTORE_CONFIRM_PERCENT of a table.",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Write the full report (every rejected row) to this JSON file.",
)
def import_command(
    path: Path,
    fmt: str | None,
    dry_run: bool,
    source: str | None,
    confirm_deletions: bool,
    report_path: Path | None,
) -> None:
    """Import an HSDS datapackage (zip or folder) or 3.0 JSON, or this project's own export.

    HSDS rows replace earlier rows from the same source; kb-json and kb-csv replace the
    whole knowledge base. All or nothing: a failed import changes nothing.

    Example: flask --app app kb import ../shared/hsds/miami-211/datapackage.zip --dry-run
    """
    db = connect(current_app.config["DATABASE"])
    percent = settings.integer(current_app.config, "RESTORE_CONFIRM_PERCENT")
    try:
        report = transfer.import_path(
            db,
            path,
            fmt,
            dry_run=dry_run,
            source=source,
            confirmed=confirm_deletions,
            confirm_percent=percent,
        )
    except ImportFailed as exc:
        hint = (
            " (add --confirm-deletions)" if exc.report and exc.report.needs_confirmation() else ""
        )
        raise click.ClickException(str(exc) + hint) from exc
    click.echo(report.summary())
    if not dry_run:
        with db.atomic():
            import_log.log(db, report, path.name, "command line")
    if report_path is not None:
        report_path.write_text(json.dumps(report.to_dict(), indent=2) + "\n", encoding="utf-8")
        click.echo(f"Wrote the full report to {report_path}.")


def init_app(app) -> None:
    """Register the kb command group."""
    app.cli.add_command(kb)
