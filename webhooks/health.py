"""GET /healthz: is this worker ready to answer (database, schema, knowledge loaded)?"""

from __future__ import annotations

import sqlite3

from flask import Blueprint, current_app, jsonify

from bot.training import learned_state
from knowledge import schema
from knowledge.db import get_db, read_only
from webhooks.conversation import knowledge

bp = Blueprint("health", __name__)
NEEDED_TEMPLATES = ("fallback",)  # the reply every unknown message falls back to


def configuration_warnings(config) -> list[str]:
    """Settings that leave part of the bot unable to work, in plain sentences."""
    warnings = []
    if not config.get("TWILIO_AUTH_TOKEN"):
        warnings.append(
            "TWILIO_AUTH_TOKEN is not set: every text to /sms is refused (403) until it is."
        )
    return warnings


def readiness() -> tuple[dict, bool]:
    """The checks /healthz reports, and whether all of them pass."""
    report: dict[str, object] = {"read_only": read_only(current_app.config)}
    # The webchat still answers, so a missing token is a warning, not "not ready".
    report["sms"] = "ready" if current_app.config.get("TWILIO_AUTH_TOKEN") else "refused"
    report["warnings"] = configuration_warnings(current_app.config)
    latest = max(number for number, _ in schema.MIGRATIONS)
    try:
        db = get_db()
        version = schema.version(db)
        report.update(database="reachable", schema_version=version, schema_expected=latest)
        if version < latest:
            report["problem"] = f"The schema is at version {version}; this code needs {latest}."
            return report, False
        kb = knowledge()
    except sqlite3.Error as exc:
        report.update(database="unreachable", problem=f"The database cannot be read: {exc}.")
        return report, False
    report["knowledge"] = {
        "revision": kb.revision,
        "services": len(kb.services),
        "rules": len(kb.rules),
        "templates": len(kb.templates),
        "examples": len(kb.examples),
        # The learned reading: "trained" for this content, "previous" while a retraining
        # runs, "rules only" before any model (the bot still answers, from the rules).
        "learned_reading": learned_state(kb),
    }
    missing = [key for key in NEEDED_TEMPLATES if key not in kb.templates]
    if not kb.services or not kb.rules or missing:
        report["problem"] = "The knowledge base is not loaded (no services, rules or templates)."
        return report, False
    return report, True


@bp.get("/healthz")
def healthz():
    """200 with the checks when ready, 503 with the same checks when not."""
    report, ready = readiness()
    report["status"] = "ready" if ready else "not ready"
    return jsonify(report), 200 if ready else 503
