"""`flask --app app kb ...`: initialise, reload and export the knowledge base."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from knowledge import schema, seed
from knowledge.db import connect, prepare

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
    "--format", "fmt", type=click.Choice(["json", "csv"]), default="json", show_default=True
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="File (json) or directory (csv). JSON goes to standard output if omitted.",
)
def export_command(fmt: str, out: Path | None) -> None:
    """Export the directory, rules, answers and templates.

    Example: flask --app app kb export --format csv --out kb-export/
    """
    db = connect(current_app.config["DATABASE"])
    tables = {t: list(db[t].rows) for t in schema.CONTENT_TABLES}
    if fmt == "json":
        text = json.dumps(tables, indent=2, ensure_ascii=False)
        if out is None:
            click.echo(text)
        else:
            out.write_text(text + "\n", encoding="utf-8")
            click.echo(f"Wrote {out}.")
        return
    if out is None:
        raise click.UsageError("--out DIRECTORY is required for CSV.")
    out.mkdir(parents=True, exist_ok=True)
    for table, rows in tables.items():
        columns = list(db[table].columns_dict)
        with open(out / f"{table}.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    click.echo(f"Wrote {len(tables)} CSV files to {out}.")


def init_app(app) -> None:
    """Register the kb command group."""
    app.cli.add_command(kb)
