"""The referral bot's Flask app: create_app() and a module-level app for `flask --app app`."""

from __future__ import annotations

import logging
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

import settings
from knowledge import cli, db, editor, queries, reports_page, retention, users_cli
from webhooks import (
    chat,
    errors,
    health,
    hsds,
    logs,
    openapi,
    page,
    ratelimit,
    security_headers,
    sms,
    widget,
)


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from defaults, the environment and test_config (in that order)."""
    app = Flask(__name__, instance_relative_config=False)
    app.config.update(settings.defaults())
    app.config.update(settings.from_environment())
    if test_config:
        app.config.update(test_config)
    app.config.update(settings.read(app.config))  # flags as True/False, or a sentence
    settings.check_startup(app.config)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    path = app.config["DATABASE"]
    if not os.path.isabs(path):
        path = os.path.join(app.root_path, path)
        app.config["DATABASE"] = path
    db.prepare(path, read_only=db.read_only(app.config))
    if app.config.get("TRAIN_AT_START"):
        warm = db.connect(path, read_only=True)
        try:
            queries.warm(
                warm,
                path,
                retrain=bool(app.config.get("RETRAIN_ON_CHANGE")),
                read=bool(app.config.get("WARM_UP")),
            )
        finally:
            warm.conn.close()
    proxies = settings.count(app.config, "TRUSTED_PROXIES")
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=0, x_host=0)
    db.init_app(app)
    logs.init_app(app)
    for warning in health.configuration_warnings(app.config):
        logs.event("startup_warning", level=logging.WARNING, problem=warning)
    errors.init_app(app)
    security_headers.init_app(app)
    ratelimit.init_app(app)
    app.register_blueprint(chat.bp)
    app.register_blueprint(sms.bp)
    app.register_blueprint(page.bp)
    app.register_blueprint(widget.bp)
    app.register_blueprint(health.bp)
    app.register_blueprint(openapi.bp)
    hsds.init_app(app)  # /hsds, the HSDS 3.0 read API (answers only when HSDS_API=1)
    editor.init_app(app, exempt=(chat.bp, sms.bp))  # /admin; CSRF on every browser form
    app.register_blueprint(reports_page.bp)
    cli.init_app(app)
    users_cli.init_app(app)
    retention.init_app(app)
    return app


def _cli_config() -> dict:
    """Under `flask` commands, train the learned reading in the background unless asked.

    kb, users and retention never read a message, so they should not wait for a model;
    gunicorn (which never sets FLASK_RUN_FROM_CLI) and `make run` train before serving.
    """
    if os.environ.get("FLASK_RUN_FROM_CLI") and "TRAIN_AT_START" not in os.environ:
        return {"TRAIN_AT_START": ""}
    return {}


def __getattr__(name: str) -> Flask:
    """The module-level `app`, built on first use so importing this module has no side effects."""
    if name != "app":
        raise AttributeError(name)
    try:
        built = create_app(_cli_config())
    except db.DatabaseError as exc:
        # flask run, flask kb ... and gunicorn print this one sentence instead of a traceback.
        raise SystemExit(f"Cannot start: {exc}") from None
    globals()["app"] = built
    return built
