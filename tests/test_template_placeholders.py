"""Templates are filled by plain {name} substitution: no format specs, conversions or attributes."""

import pytest
from admin_support import add_staff, post, sign_in, token_for

from bot.placeholders import PlaceholderError, check, fill

VALUES = {"program": "Resource Line", "hotline_call": "1-888-373-7888"}
HOSTILE = ["{program:>50000000}", "{program!r}", "{program.__class__}", "{hotline_call[0]}"]


@pytest.fixture
def viewer(app, client):
    add_staff(app, "viewer", "editor")
    sign_in(client, "viewer")
    return client


def test_known_placeholders_are_filled_and_doubled_braces_are_braces():
    assert fill("Call {hotline_call}. {{not one}}", VALUES) == "Call 1-888-373-7888. {not one}"
    assert fill("From {program}{place}.", VALUES) == "From Resource Line."  # unknown: empty


@pytest.mark.parametrize("text", HOSTILE)
def test_a_stored_template_with_a_spec_is_filled_without_obeying_it(text):
    assert fill(f"Hi {text} there", VALUES) == "Hi  there"


def test_a_lone_brace_in_a_stored_template_is_kept_instead_of_failing():
    assert fill("a } b { c {program", VALUES) == "a } b { c {program"


@pytest.mark.parametrize("text", HOSTILE)
def test_a_spec_conversion_or_attribute_is_refused_with_a_sentence(text):
    with pytest.raises(PlaceholderError, match="is not a plain placeholder"):
        check(f"Call {text}.")


@pytest.mark.parametrize("text", ["Call {hotline_call", "Call hotline_call}.", "{ {program}"])
def test_an_unmatched_brace_is_refused(text):
    with pytest.raises(PlaceholderError, match="unmatched"):
        check(text)


@pytest.mark.parametrize("text", HOSTILE)
def test_the_budget_endpoint_refuses_a_spec_without_formatting_it(viewer, text):
    token = token_for(viewer, "/admin/preview")
    response = viewer.post(
        "/admin/budget",
        json={"text": text, "kind": "template", "lang": "en"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
    assert len(response.data) < 5_000
    data = response.get_json()
    assert data["ok"] is False
    assert "is not a plain placeholder" in data["problems"][0]


def test_saving_a_template_with_a_format_spec_is_refused(app, client, database):
    add_staff(app, "editor")
    sign_in(client, "editor")
    before = database["reply_template"].get("greeting")["text_en"]
    form = {"text_en": "Hello from {program:>40}.", "text_es": ""}
    response = post(client, "/admin/reply_template/greeting", form)
    assert response.status_code == 400
    assert "is not a plain placeholder" in response.get_data(as_text=True)
    assert database["reply_template"].get("greeting")["text_en"] == before


def test_a_template_with_a_spec_written_behind_the_editor_still_gives_a_short_reply(database, chat):
    text = database["reply_template"].get("greeting")["text_en"]
    database["reply_template"].update("greeting", {"text_en": text + " {program:>50000000}"})
    reply = chat("hello")["reply"]
    assert len(reply) < 2_000
    assert "1-888-373-7888" in reply
