"""GET /healthz: ready when the database is reachable, current and the knowledge is loaded."""

import os

from knowledge import schema


def test_a_fresh_app_is_ready_and_reports_its_checks(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    report = response.get_json()
    latest = max(number for number, _ in schema.MIGRATIONS)
    assert report["status"] == "ready"
    assert report["database"] == "reachable"
    assert report["schema_version"] == report["schema_expected"] == latest
    assert report["knowledge"]["services"] > 0
    assert report["knowledge"]["rules"] > 0
    assert report["read_only"] is False


def test_an_emptied_directory_is_degraded_but_still_answering(client, database):
    for table in ("service_at_location", "attribute", "phone", "schedule", "service_area"):
        database.execute(f"DELETE FROM [{table}]")
    database.execute("DELETE FROM language")
    database.execute("DELETE FROM service")
    database.conn.commit()
    response = client.get("/healthz")
    assert response.status_code == 200  # the safety floor still answers every message
    assert response.get_json()["status"] == "degraded"
    assert "not loaded" in response.get_json()["problem"]


def test_an_old_schema_is_not_ready(client, database):
    database.execute("DELETE FROM migrations WHERE version = (SELECT max(version) FROM migrations)")
    database.conn.commit()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "schema" in response.get_json()["problem"]


def test_a_database_file_removed_under_the_app_is_not_ready_and_not_recreated(app, client):
    path = app.config["DATABASE"]
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "unreachable"
    assert not os.path.exists(path)


def test_healthz_writes_nothing(client, database):
    before = database.execute("SELECT n FROM kb_revision").fetchone()[0]
    client.get("/healthz")
    assert database.execute("SELECT n FROM kb_revision").fetchone()[0] == before
    assert database.execute("SELECT count(*) FROM conversation").fetchone()[0] == 0


def test_healthz_says_the_learned_reading_is_trained(client):
    body = client.get("/healthz").get_json()
    assert body["knowledge"]["learned_reading"] == "trained"
    assert body["knowledge"]["examples"] >= 4000


def test_sms_is_ready_when_the_twilio_token_is_set(client):
    report = client.get("/healthz").get_json()
    assert report["sms"] == "ready"
    assert report["warnings"] == []


def test_without_a_twilio_token_start_up_warns_and_healthz_says_texts_are_refused(tmp_path, seeded):
    import json
    import logging
    import shutil

    from app import create_app
    from tests.conftest import BASE_CONFIG
    from webhooks.logs import logger

    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append((record.levelno, record.getMessage()))
    logger.addHandler(handler)
    shutil.copyfile(seeded, tmp_path / "bot.db")
    try:
        config = {**BASE_CONFIG, "DATABASE": str(tmp_path / "bot.db"), "TWILIO_AUTH_TOKEN": ""}
        app = create_app(config)
    finally:
        logger.removeHandler(handler)
    warnings = [json.loads(text) for level, text in lines if level == logging.WARNING]
    assert [w["event"] for w in warnings] == ["startup_warning"]
    assert "TWILIO_AUTH_TOKEN" in warnings[0]["problem"]
    response = app.test_client().get("/healthz")
    assert response.status_code == 200  # the webchat still answers
    report = response.get_json()
    assert report["sms"] == "refused"
    assert "TWILIO_AUTH_TOKEN is not set" in report["warnings"][0]
