"""GET /healthz: is this worker ready to answer (database, schema, knowledge loaded)?

Three states: "ready" (200); "degraded" (200): the database answers but the knowledge
base lacks services, rules or templates, so every reply comes from the safety floor
(the hotline, 911, the Careline) and staff must restore it; "not ready" (503): the
database cannot be read or its schema is old. A degraded worker still helps people, so
a load balancer should keep sending it traffic; alert on "degraded" instead.
"""

from __future__ import annotations

import sqlite3

from flask import Blueprint, current_app, jsonify

from bot.training import learned_state
from knowledge import queries, schema
from knowledge.db import get_db, read_only
from webhooks import public_url
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
    elif not public_url.known(config):
        warnings.append(
            "PUBLIC_URL is not set: in production every text to /sms is refused (403), "
            "because a request's Host header cannot show which address Twilio signed."
        )
    return warnings


def readiness() -> tuple[dict, bool]:
    """The checks /healthz reports, and whether the worker can answer at all."""
    report: dict[str, object] = {"read_only": read_only(current_app.config)}
    # The webchat still answers, so a missing token is a warning, not "not ready".
    config = current_app.config
    sms_ready = config.get("TWILIO_AUTH_TOKEN") and public_url.known(config)
    report["sms"] = "ready" if sms_ready else "refused"
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
    except Exception as exc:  # noqa: BLE001 - damaged rows: the floor still answers
        report["problem"] = (
            f"The knowledge base cannot be read ({type(exc).__name__}); every reply comes "
            "from the built-in safety floor."
        )
        report["degraded"] = True
        return report, True
    report["knowledge"] = {
        "revision": kb.revision,
        "services": len(kb.services),
        "rules": len(kb.rules),
        "templates": len(kb.templates),
        "examples": len(kb.examples),
        # The learned reading: "trained" for this content, "previous" while a retraining
        # runs, "rules only" before any model (the bot still answers, from the rules).
        "learned_reading": learned_state(kb),
        # After an edit or an import: the new snapshot is being built while this one answers.
        "rebuilding": queries.rebuilding(current_app.config["DATABASE"]),
    }
    failed = queries.rebuild_problem(current_app.config["DATABASE"])
    if failed:
        report["problem"] = (
            f"The knowledge base changed but could not be read ({failed}); replies still come "
            f"from revision {kb.revision}. Undo the last change or restore an export."
        )
        report["degraded"] = True
    missing = [key for key in NEEDED_TEMPLATES if key not in kb.templates]
    if not kb.services or not kb.rules or missing:
        report["problem"] = (
            "The knowledge base is not loaded (no services, rules or templates); every reply "
            "comes from the built-in safety floor. Restore it from an export or run kb reload."
        )
        report["degraded"] = True
    return report, True


@bp.get("/healthz")
def healthz():
    """200 when ready or degraded (answering from the floor), 503 when it cannot answer."""
    report, answers = readiness()
    degraded = bool(report.pop("degraded", False))
    report["status"] = "not ready" if not answers else "degraded" if degraded else "ready"
    return jsonify(report), 200 if answers else 503
