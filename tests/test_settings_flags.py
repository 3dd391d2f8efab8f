"""Yes-or-no settings are read strictly: TESTING=0 is off, and a value that is neither refuses."""

import pytest

import settings
from app import create_app
from settings import StartupError

FLAGS = [s.name for s in settings.SETTINGS if s.kind == "flag"]
STRONG = "a-long-random-value-0123456789"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("SECRET_KEY", "PHONE_HASH_KEY", "ENVIRONMENT", *FLAGS):
        monkeypatch.delenv(name, raising=False)


def test_testing_0_in_the_environment_does_not_skip_the_production_secret_check(
    tmp_path, monkeypatch
):
    monkeypatch.setenv("TESTING", "0")
    with pytest.raises(StartupError, match="set SECRET_KEY and PHONE_HASH_KEY"):
        create_app({"DATABASE": str(tmp_path / "bot.db")})


@pytest.mark.parametrize("text", ["0", "false", "No", "OFF", " off ", ""])
def test_every_spelling_of_no_reads_as_false(text):
    assert settings.read({name: text for name in FLAGS}) == {name: False for name in FLAGS}


@pytest.mark.parametrize("text", ["1", "true", "Yes", "ON", True, 1])
def test_every_spelling_of_yes_reads_as_true(text):
    assert settings.read({name: text for name in FLAGS}) == {name: True for name in FLAGS}


@pytest.mark.parametrize("name", FLAGS)
@pytest.mark.parametrize("text", ["2", "maybe", "tru", "y", "0.0"])
def test_anything_else_refuses_to_start_with_a_sentence(name, text):
    with pytest.raises(StartupError, match=f"{name} must be 1 or 0"):
        settings.read({name: text})


def test_the_app_refuses_a_flag_it_cannot_read(tmp_path):
    with pytest.raises(StartupError, match="TRAIN_AT_START must be 1 or 0"):
        create_app({"DATABASE": str(tmp_path / "bot.db"), "TRAIN_AT_START": "sometimes"})


@pytest.mark.parametrize(
    "text, expected", [("auto", "auto"), ("", "auto"), ("0", False), ("true", True)]
)
def test_secure_cookies_is_a_flag_or_auto(text, expected):
    assert settings.read({"SECURE_COOKIES": text}) == {"SECURE_COOKIES": expected}


def test_secure_cookies_refuses_anything_else():
    with pytest.raises(StartupError, match="SECURE_COOKIES must be 1 or 0"):
        settings.read({"SECURE_COOKIES": "sometimes"})


def test_an_unknown_environment_refuses_to_start(tmp_path):
    with pytest.raises(StartupError, match="ENVIRONMENT must be production or development"):
        create_app(
            {
                "DATABASE": str(tmp_path / "bot.db"),
                "ENVIRONMENT": "dev",
                "SECRET_KEY": STRONG,
                "PHONE_HASH_KEY": STRONG + "x",
            }
        )
