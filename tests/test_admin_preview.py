"""The preview console shows what the bot reads and answers; the live SMS budget endpoint."""

import pytest
from admin_support import add_staff, post, sign_in, token_for


@pytest.fixture
def viewer(app, client):
    add_staff(app, "admin", "viewer")
    sign_in(client, "viewer")
    return client


def preview(client, message, **extra):
    response = post(client, "/admin/preview", {"message": message, **extra})
    assert response.status_code == 200, response.data
    return response.get_data(as_text=True)


def test_preview_shows_intent_rule_resources_and_both_replies(viewer):
    html = preview(viewer, "i need a lawyer")
    assert 'id="preview-intent">find_services<' in html
    assert "Rule matched" in html
    assert "Connecticut Legal Services" in html
    assert 'id="preview-chat"' in html
    assert 'id="preview-sms"' in html
    assert "segment" in html
    assert "GSM-7" in html


def test_preview_of_an_emergency_starts_with_911(viewer):
    html = preview(viewer, "he has a gun and wont let me leave")
    assert 'id="preview-intent">emergency<' in html
    assert 'id="preview-sms">If you are in danger now, call 911.' in html
    assert 'id="preview-911">yes: an emergency<' in html


def test_preview_says_when_911_does_not_come_first(viewer):
    html = preview(viewer, "i need a lawyer")
    assert 'id="preview-911">no<' in html


def test_preview_continues_a_conversation_until_started_over(viewer):
    preview(viewer, "find services")
    html = preview(viewer, "hartford")
    assert "Services for Hartford" in html
    post(viewer, "/admin/preview", {"action": "reset"})
    assert 'id="preview-intent">unknown<' in preview(viewer, "hartford")


def test_preview_of_an_empty_message_is_a_400_sentence(viewer):
    response = post(viewer, "/admin/preview", {"message": "  "})
    assert response.status_code == 400
    assert "Type a message to preview." in response.get_data(as_text=True)


def test_preview_never_saves_a_conversation_for_the_bot(viewer, database):
    before = database["conversation"].count
    preview(viewer, "find services")
    assert database["conversation"].count == before


def budget(client, **body):
    token = token_for(client, "/admin/preview")
    return client.post("/admin/budget", json=body, headers={"X-CSRFToken": token})


def test_budget_counts_segments_with_placeholders_filled(viewer):
    data = budget(viewer, text="Call {hotline_call}.", kind="template", lang="en").get_json()
    assert data["ok"] is True
    assert data["segments"] == 1
    assert data["encoding"] == "GSM-7"
    assert "1-888-373-7888" in data["sms"]


def test_budget_flags_a_text_over_three_segments(viewer):
    data = budget(viewer, text="word " * 120, kind="template", lang="en").get_json()
    assert data["ok"] is False
    assert data["segments"] == 4


def test_budget_folds_spanish_accents_as_the_bot_does(viewer):
    data = budget(viewer, text="Está a salvo.", kind="template", lang="es").get_json()
    assert data["encoding"] == "GSM-7"
    assert data["sms"] == "Esta a salvo."


def test_budget_without_csrf_token_is_refused(viewer):
    response = viewer.post("/admin/budget", json={"text": "hi"})
    assert response.status_code == 400


def test_budget_with_bad_body_is_a_400_sentence(viewer):
    token = token_for(viewer, "/admin/preview")
    response = viewer.post(
        "/admin/budget", data="nope", headers={"X-CSRFToken": token, "Content-Type": "text/plain"}
    )
    assert response.status_code == 400
    assert "JSON object" in response.get_json()["error"]
