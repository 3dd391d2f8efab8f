"""The app refuses to start in production without real secrets, and says what to set."""

import os
import shutil
import subprocess
import sys

import pytest

from app import create_app
from bot import classify
from tests.conftest import BASE_CONFIG

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STRONG = "a-long-random-value-0123456789"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("SECRET_KEY", "PHONE_HASH_KEY", "ENVIRONMENT", "TESTING"):
        monkeypatch.delenv(name, raising=False)


def build(tmp_path, **config):
    return create_app({"DATABASE": str(tmp_path / "bot.db"), **config})


def test_production_without_a_phone_hash_key_refuses_to_start(tmp_path):
    with pytest.raises(SystemExit, match="PHONE_HASH_KEY") as refused:
        build(tmp_path, SECRET_KEY=STRONG)
    assert "SECRET_KEY" not in str(refused.value)


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    with pytest.raises(SystemExit, match="SECRET_KEY"):
        build(tmp_path, PHONE_HASH_KEY=STRONG)


def test_a_short_phone_hash_key_is_refused(tmp_path):
    with pytest.raises(SystemExit, match="PHONE_HASH_KEY"):
        build(tmp_path, SECRET_KEY=STRONG, PHONE_HASH_KEY="short")


def test_production_with_real_secrets_starts(tmp_path):
    app = build(tmp_path, SECRET_KEY=STRONG, PHONE_HASH_KEY=STRONG + "-other")
    assert app.config["ENVIRONMENT"] == "production"


def test_secrets_can_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", STRONG)
    monkeypatch.setenv("PHONE_HASH_KEY", STRONG + "-other")
    assert build(tmp_path).config["PHONE_HASH_KEY"] == STRONG + "-other"


@pytest.mark.parametrize("config", [{"ENVIRONMENT": "development"}, {"TESTING": True}])
def test_development_and_testing_allow_the_built_in_values(tmp_path, config):
    assert build(tmp_path, **config).config["PHONE_HASH_KEY"]


def test_the_cli_explains_the_refusal_in_one_sentence_without_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PHONE_HASH_KEY")}
    env["ENVIRONMENT"] = "production"  # as a production cron job sets it: .flaskenv yields
    env["DATABASE"] = str(tmp_path / "bot.db")
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "kb", "init"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "Refusing to start: set SECRET_KEY and PHONE_HASH_KEY" in done.stderr
    assert "Traceback" not in done.stderr


def test_flask_commands_in_the_checkout_need_no_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PHONE_HASH_KEY")}
    env.pop("ENVIRONMENT", None)
    env["DATABASE"] = str(tmp_path / "bot.db")
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", "kb", "export"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert '"service"' in done.stdout  # the checkout's .flaskenv says development


def test_gunicorn_never_reads_the_checkouts_flaskenv(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "PHONE_HASH_KEY")}
    env.pop("ENVIRONMENT", None)
    env.update(DATABASE=str(tmp_path / "bot.db"), BIND="127.0.0.1:0", TRAIN_AT_START="")
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    done = subprocess.run(
        [gunicorn, "-c", "gunicorn.conf.py", "app:app"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode != 0
    assert "Refusing to start: set SECRET_KEY and PHONE_HASH_KEY" in done.stderr


@pytest.mark.parametrize("warm_up, reads", [("1", True), ("", False)])
def test_warm_up_decides_whether_start_up_reads_examples(
    tmp_path, monkeypatch, seeded, warm_up, reads
):
    read = []
    monkeypatch.setattr(classify, "warm_up", lambda kb, *args: read.append(len(kb.examples)))
    shutil.copyfile(seeded, tmp_path / "bot.db")
    create_app({**BASE_CONFIG, "DATABASE": str(tmp_path / "bot.db"), "WARM_UP": warm_up})
    assert bool(read) is reads
    if reads:
        assert read[0] > 0  # the snapshot's own examples, after training
