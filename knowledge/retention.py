"""Retention: delete what is no longer needed, keeping only the anonymous report events.

What is kept, and for how long (the README's "Privacy and retention" says why):
conversation state 30 minutes after its last message (its report counts are filed then as
an anonymous event); replies remembered for Twilio's retries 48 hours; delivery failures
30 days; rate-limit counters until their window ends; anonymous events until staff delete
them. Opt-outs are kept until the number sends START or DELETE.
"""

from __future__ import annotations

import random
import time

import click
import sqlite_utils
from flask import Flask, current_app
from flask.cli import AppGroup

from knowledge import events
from knowledge.db import connect
from knowledge.state import DELIVERY_RETENTION, session_of

CONVERSATION_RETENTION = 30 * 60
FAILURE_RETENTION = 30 * 24 * 3600
PERIODS = {
    "conversation": ("updated_at", CONVERSATION_RETENTION),
    "delivery": ("created_at", DELIVERY_RETENTION),
    "delivery_failure": ("created_at", FAILURE_RETENTION),
    "rate_count": ("expires_at", 0),
}


def purge(
    db: sqlite_utils.Database,
    now: float | None = None,
    events_before: str = "",
    dry_run: bool = False,
) -> dict[str, int]:
    """Delete rows past their retention period (in one transaction); rows per table."""
    now = time.time() if now is None else now
    removed = {}
    with db.atomic():
        if not dry_run:
            _file_ended(db, now - CONVERSATION_RETENTION)
        for table, (column, seconds) in PERIODS.items():
            where, args = f"[{column}] < ?", [now - seconds]
            removed[table] = db[table].count_where(where, args)
            if not dry_run:
                db.execute(f"DELETE FROM [{table}] WHERE {where}", args)
        if events_before:
            removed["event"] = db["event"].count_where("day < ?", [events_before])
            if not dry_run:
                db.execute("DELETE FROM event WHERE day < ?", [events_before])
    return removed


def _file_ended(db: sqlite_utils.Database, before: float) -> None:
    """File the report counts of conversations about to be deleted, in no telling order."""
    ended = [
        session_of(state).event
        for (state,) in db.execute("SELECT state FROM conversation WHERE updated_at < ?", [before])
    ]
    random.shuffle(ended)  # the rows' order must not follow the conversations'
    for event in ended:
        if event:
            events.file(db, event)


retention_cli = AppGroup("retention", help="Delete data past its retention period.")


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would be deleted; delete nothing.")
@click.option(
    "--events-before",
    default="",
    metavar="YYYY-MM-DD",
    help="Also delete anonymous report events dated before this day (kept by default).",
)
def run_command(dry_run: bool, events_before: str) -> None:
    """Delete expired conversation state, remembered replies and old delivery failures.

    Example, every 15 minutes from cron:  flask --app app retention run
    """
    if events_before:
        try:
            time.strptime(events_before, "%Y-%m-%d")
        except ValueError as error:
            raise click.BadParameter(
                "write the day as YYYY-MM-DD", param_hint="--events-before"
            ) from error
    db = connect(current_app.config["DATABASE"])
    try:
        removed = purge(db, events_before=events_before, dry_run=dry_run)
    finally:
        db.close()
    verb = "Would delete" if dry_run else "Deleted"
    for table, count in removed.items():
        click.echo(f"{verb} {count} row(s) from {table}.")


def init_app(app: Flask) -> None:
    """Register `flask retention run`."""
    app.cli.add_command(retention_cli)
