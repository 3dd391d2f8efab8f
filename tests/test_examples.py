"""Example messages: the curated corpus, the table, the editor, and Teach the bot."""

import json
from collections import Counter
from pathlib import Path

import pytest
from admin_support import add_staff, post, sign_in

from app import create_app
from bot import training
from bot.classify import classify, prepare, read_rules
from bot.message import Message
from bot.model import model_text
from knowledge import queries, seed
from knowledge.db import connect

EVAL = Path(__file__).resolve().parents[2] / "shared" / "eval"
DATA = Path(__file__).resolve().parent / "data"  # the project's own held-out conversations


@pytest.fixture(scope="module")
def corpus():
    return seed.example_rows()


def test_the_corpus_is_large_varied_and_bilingual(corpus):
    assert len(corpus) >= 4000
    langs = Counter(r["lang"] for r in corpus)
    assert langs["es"] / len(corpus) >= 0.30
    intents = Counter(r["intent"] for r in corpus)
    assert set(intents) == set(seed.EXAMPLE_INTENTS)
    assert all(r["group_name"] for r in corpus)
    assert sum(r["minor"] for r in corpus) >= 500
    assert all(r["danger_now"] == (r["intent"] == "emergency") for r in corpus)


def test_every_emergency_phrase_is_borne_out_by_the_examples(app):
    """A rule emergency is a ratchet no layer can clear, so its phrases must name danger now.

    A phrase that decides emergency on more of the curated examples without danger than with
    it names a topic ("cops", "gun"), not a situation, and would send 911 to people who are
    not in danger, with nothing able to correct it.
    """
    kb = queries.snapshot(connect(app.config["DATABASE"]), app.config["DATABASE"])
    fired: dict[str, list[int]] = {}
    for example in kb.examples:
        reading = read_rules(Message.of(example.text), kb, names=False)
        if reading.rule_intent == "emergency":
            fired.setdefault(reading.rule, [0, 0])[example.danger_now] += 1
    loose = {phrase: n for phrase, n in fired.items() if n[0] >= 4 and n[0] > n[1]}
    assert not loose, f"emergency phrases that mostly fire without danger: {loose}"


def test_laughter_hands_danger_only_to_a_reading_that_still_finds_it(app):
    """A not_literal cue hands an emergency phrase to the learned reading ("my mom is gonna
    kill me lol"). On the curated examples it must spare calm messages the 911 reply, and
    every person in danger it hands over ("lol he locked me in") must still be read as
    danger now by the trained reading: laughter is no sign of safety."""
    kb = queries.snapshot(connect(app.config["DATABASE"]), app.config["DATABASE"])
    prepare(kb, read=False)
    handed: dict[bool, list[str]] = {False: [], True: []}
    for example in kb.examples:
        message = Message.of(example.text)
        alone = read_rules(message, kb, names=False, weighed=False).rule_intent
        if alone == "emergency" and read_rules(message, kb, names=False).rule_intent != alone:
            handed[example.danger_now].append(example.text)
    assert handed[True], "no laughing person in danger among the examples"
    assert [text for text in handed[False] if not classify(text, kb).danger]
    assert [text for text in handed[True] if not classify(text, kb).danger] == []


def test_no_example_is_a_sentence_from_the_evaluation_sets(corpus):
    sets = [
        *sorted(DATA.glob("heldout*.jsonl")),
        DATA / "everyday.jsonl",
        DATA / "nonliteral.jsonl",
    ]
    if EVAL.is_dir():
        sets += [EVAL / "dev.jsonl", EVAL / "dev2.jsonl"]
    ours = {model_text(r["text"]) for r in corpus}
    for path in sets:
        for line in path.read_text(encoding="utf-8").splitlines():
            for turn in json.loads(line)["turns"]:
                if len(turn.split()) >= 4:  # "hi", "STOP" and town names may repeat
                    assert model_text(turn) not in ours, turn


def test_a_bad_example_entry_is_refused_with_a_sentence():
    with pytest.raises(seed.SeedError, match="intent 'panic' is not one of"):
        seed.example_row(
            {
                "text": "x",
                "lang": "en",
                "intent": "panic",
                "about": "self",
                "danger_now": False,
                "minor": False,
            },
            "here",
        )
    with pytest.raises(seed.SeedError, match="danger_now must be yes or no"):
        seed.example_row(
            {
                "text": "x",
                "lang": "en",
                "intent": "info",
                "about": "general",
                "danger_now": "maybe",
                "minor": False,
            },
            "here",
        )


def test_the_knowledge_base_holds_every_curated_example(database, corpus):
    assert database["example"].count == len(corpus)
    row = next(database.query("SELECT * FROM example LIMIT 1"))
    assert row["source"] == "staff" and row["last_verified"]


def test_examples_are_exported_and_reloaded(app, database, corpus):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["kb", "export"])
    assert result.exit_code == 0
    exported = json.loads(result.output)
    assert len(exported["example"]) == len(corpus)
    database.execute("DELETE FROM example")
    database.conn.commit()
    result = runner.invoke(args=["kb", "reload"])
    assert result.exit_code == 0, result.output
    assert f"{len(corpus)} example" in result.output
    assert database["example"].count == len(corpus)


@pytest.fixture
def staff(app, client):
    add_staff(app, "admin", "editor", "viewer")
    return client


def test_staff_list_and_search_examples(staff):
    sign_in(staff, "viewer")
    page = staff.get("/admin/example/?q=passport").get_data(as_text=True)
    assert "passport" in page.lower()
    assert "Examples" in page


def test_an_editor_adds_an_example_and_the_history_records_it(staff, database):
    sign_in(staff, "editor")
    response = post(
        staff,
        "/admin/example/new",
        {
            "text": "the orchard boss keeps our visas in his truck",
            "lang": "en",
            "intent": "get_help",
            "about": "self",
            "group_name": "staff-orchard",
        },
    )
    assert response.status_code == 302, response.data
    row = next(database.query("SELECT * FROM example WHERE group_name = 'staff-orchard'"))
    assert row["intent"] == "get_help" and row["danger_now"] == 0
    logged = list(database.query("SELECT * FROM metadata WHERE resource_type = 'example'"))
    assert logged and logged[-1]["updated_by"] == "editor"


def _teach(client, **labels):
    data = {"message": "the van driver keeps our wages for the rent", "lang": "en"}
    data.update({"intent": "get_help", "about": "self", "group": "staff-taught", **labels})
    return post(client, "/admin/preview/teach", data)


def test_teach_the_bot_saves_the_message_as_an_example_and_logs_it(staff, database):
    sign_in(staff, "editor")
    before = database["example"].count
    response = _teach(staff, minor="1")
    assert response.status_code == 302
    assert database["example"].count == before + 1
    row = next(database.query("SELECT * FROM example ORDER BY id DESC LIMIT 1"))
    assert (row["intent"], row["minor"], row["group_name"]) == ("get_help", 1, "staff-taught")
    logged = list(database.query("SELECT * FROM metadata WHERE resource_type = 'example'"))
    assert logged[-1]["updated_by"] == "editor"


def test_a_viewer_cannot_teach_the_bot(staff, database):
    sign_in(staff, "viewer")
    before = database["example"].count
    assert _teach(staff).status_code == 403
    assert database["example"].count == before


def test_teach_the_bot_without_a_csrf_token_is_refused(staff, database):
    sign_in(staff, "editor")
    before = database["example"].count
    response = staff.post("/admin/preview/teach", data={"message": "x", "intent": "info"})
    assert response.status_code == 400
    assert database["example"].count == before


def test_teach_the_bot_with_a_bad_label_is_a_400_sentence(staff, database):
    sign_in(staff, "editor")
    before = database["example"].count
    response = _teach(staff, intent="panic")
    assert response.status_code == 400
    assert "is not one of" in response.get_data(as_text=True)
    assert database["example"].count == before


def test_the_preview_shows_the_learned_reading_and_the_teach_form(staff):
    sign_in(staff, "editor")
    html = post(staff, "/admin/preview", {"message": "my boss keeps my passport"}).get_data(
        as_text=True
    )
    assert 'id="preview-learned"' in html and "get_help" in html
    assert 'id="preview-danger"' in html and "threshold" in html
    assert 'id="preview-danger-with-rules"' in html  # the safety model's reading beside it
    assert "Teach the bot" in html


def test_a_viewer_sees_the_reading_but_no_teach_form(staff):
    sign_in(staff, "viewer")
    html = post(staff, "/admin/preview", {"message": "hello"}).get_data(as_text=True)
    assert 'id="preview-layer"' in html
    assert "Teach the bot" not in html


def _ask(client, message, session="s"):
    return client.post("/api/chat", json={"session_id": session, "message": message}).get_json()


@pytest.mark.slow
@pytest.mark.parametrize("app_config", [{"RETRAIN_ON_CHANGE": "1"}])
def test_an_example_edit_reaches_the_next_reply_once_retrained(app, client, database):
    message = "zorblax quimble frandle"
    assert _ask(client, message, "a")["intent"] == "unknown"
    rows = [
        {
            "text": f"zorblax quimble {word}",
            "lang": "en",
            "intent": "find_services",
            "danger_now": 0,
            "minor": 0,
            "about": "general",
            "group_name": f"zorblax-{i % 5}",
            "source": "staff",
            "last_verified": "2026-12-02",
        }
        for i, word in enumerate("near me please now today here there soon".split() * 4)
    ]
    database["example"].insert_all(rows)
    database.conn.commit()
    db = connect(app.config["DATABASE"])
    kb = queries.snapshot(db, app.config["DATABASE"])
    assert training.trained(kb) is None  # not trained yet: replies use the previous model
    assert _ask(client, message, "b")["intent"] == "unknown"
    prepare(kb)  # wait for the background training this content started
    assert _ask(client, message, "c")["intent"] == "find_services"


def test_the_bot_answers_with_rules_alone_while_no_model_is_trained(app, database, tmp_path):
    database.execute("DELETE FROM example")  # nothing to learn from: the rules alone
    database.conn.commit()
    copy = tmp_path / "no-examples.db"
    database.conn.execute(f"VACUUM INTO '{copy}'")
    alone = create_app({**app.config, "DATABASE": str(copy)})
    kb = queries.snapshot(connect(str(copy)), str(copy))
    assert training.trained(kb) is None and "previous_model" not in kb.derived
    client = alone.test_client()
    danger = _ask(client, "he has a gun and wont let me leave", "g")
    assert danger["intent"] == "emergency"
    assert danger["reply"].startswith("If you are in danger now, call 911")
    assert "1-888-373-7888" in danger["reply"]
    hello = _ask(client, "hello", "h")
    assert "1-888-373-7888" in hello["reply"]
