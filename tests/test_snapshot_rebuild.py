"""No message waits for a knowledge snapshot to be built.

At start the snapshot and every index are built before the first message; after an
edit or an import the new one is built on a thread while the old one keeps answering.
A build is held on an event here, so what a message gets during it is certain.
"""

import threading

import pytest

from bot import derived, index
from knowledge import queries

OLD, NEW = "203-772-4420", "203-555-0146"


@pytest.fixture
def app_config():
    return {"REBUILD_IN_BACKGROUND": "1"}


@pytest.fixture
def held(monkeypatch):
    """derived.build waits for release once started; started says a build is under way."""
    started, release = threading.Event(), threading.Event()
    build = derived.build

    def held_build(kb):
        started.set()
        assert release.wait(30), "the test never released the build"
        return build(kb)

    monkeypatch.setattr(derived, "build", held_build)
    yield started, release
    release.set()


def test_start_up_builds_the_snapshot_and_its_indexes_before_the_first_message(
    app, chat, monkeypatch
):
    def no_build(*_args):
        raise AssertionError("a message built an index")

    monkeypatch.setattr(index, "MatchIndex", no_build)
    monkeypatch.setattr(derived, "build", no_build)
    assert OLD in chat("love146 phone")["reply"]


def test_a_message_during_a_rebuild_is_answered_from_the_old_snapshot(
    app, chat, database, held, client
):
    started, release = held
    path = app.config["DATABASE"]
    assert OLD in chat("love146 phone", session_id="before")["reply"]
    database["phone"].update("love146-phone-0", {"number": "+12035550146"})

    during = chat("love146 phone", session_id="during")
    assert started.wait(30), "the edit did not start a rebuild"
    assert OLD in during["reply"] and NEW not in during["reply"]
    assert OLD in chat("love146 phone", session_id="still")["reply"]
    assert client.get("/healthz").get_json()["knowledge"]["rebuilding"] is True

    release.set()
    assert queries.wait_for_rebuild(path, timeout=60)
    assert NEW in chat("love146 phone", session_id="after")["reply"]
    assert client.get("/healthz").get_json()["knowledge"]["rebuilding"] is False


def test_changes_made_during_a_rebuild_are_built_next(app, chat, database, held):
    started, release = held
    path = app.config["DATABASE"]
    chat("love146 phone", session_id="first")
    database["phone"].update("love146-phone-0", {"number": "+12035550100"})
    chat("love146 phone", session_id="during")
    assert started.wait(30)
    database["phone"].update("love146-phone-0", {"number": "+12035550146"})
    chat("love146 phone", session_id="asks again")  # the running build reads the older edit
    release.set()
    assert queries.wait_for_rebuild(path, timeout=60)
    assert NEW in chat("love146 phone", session_id="after")["reply"]


def test_a_rebuild_that_fails_leaves_the_old_snapshot_answering(
    app, chat, database, client, monkeypatch
):
    path = app.config["DATABASE"]
    chat("love146 phone", session_id="before")

    def broken(_kb):
        raise ValueError("damaged row")

    monkeypatch.setattr(derived, "build", broken)
    database["phone"].update("love146-phone-0", {"number": "+12035550146"})
    chat("love146 phone", session_id="starts the rebuild")
    assert queries.wait_for_rebuild(path, timeout=60)
    assert OLD in chat("love146 phone", session_id="after")["reply"]
    health = client.get("/healthz").get_json()
    assert health["status"] == "degraded"
    assert "ValueError" in health["problem"]
