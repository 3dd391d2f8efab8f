"""Editing the knowledge base at /admin: checked before saving; the bot sees edits at once."""

import json

import pytest
from admin_support import add_staff, post, sign_in

from bot.classify import read_rules
from bot.message import Message
from knowledge import queries
from knowledge.db import connect

PHONE = "/admin/phone/ct-legal-services-phone-0"


def phone_form(number, **extra):
    return {"service_id": "ct-legal-services", "number": number, "type": "voice", **extra}


@pytest.fixture
def editor(app, client):
    add_staff(app, "admin", "editor")
    sign_in(client, "editor")
    return client


def test_changed_phone_number_is_in_the_bots_next_reply(editor, chat, database):
    assert "203-388-1720" in chat("i need a lawyer", session_id="before")["reply"]
    response = post(editor, PHONE, phone_form("(860) 555-0142", description="hotline"))
    assert response.status_code == 302
    assert database["phone"].get("ct-legal-services-phone-0")["number"] == "+18605550142"
    reply = chat("i need a lawyer", session_id="after")["reply"]
    assert "860-555-0142" in reply
    assert "203-388-1720" not in reply


def test_phone_number_is_shown_in_national_format(editor):
    html = editor.get(PHONE).get_data(as_text=True)
    assert 'value="(203) 388-1720"' in html


@pytest.mark.parametrize("number", ["555-0000", "12345678901234", "call us", "203-000-0000"])
def test_invalid_phone_number_is_refused_with_a_clear_message(editor, database, number):
    response = post(editor, PHONE, phone_form(number))
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "is not a valid phone number" in html
    assert "Nothing was saved" in html
    assert database["phone"].get("ct-legal-services-phone-0")["number"] == "+12033881720"


def test_short_codes_are_accepted_as_digits(editor, database):
    assert post(editor, PHONE, phone_form("233733")).status_code == 302
    assert database["phone"].get("ct-legal-services-phone-0")["number"] == "233733"


def test_missing_required_field_is_named(editor):
    response = post(editor, PHONE, phone_form(""))
    assert response.status_code == 400
    assert "Number is required." in response.get_data(as_text=True)


def test_reference_to_a_missing_service_is_refused(editor):
    response = post(editor, PHONE, {**phone_form("203-555-0123"), "service_id": "no-such"})
    assert response.status_code == 400
    assert "There is no service with the id" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["not a url", "ftp://example.org", "https://localhost", "www"])
def test_invalid_web_address_is_refused(editor, database, url):
    row = database["organization"].get("org-love146")
    response = post(editor, "/admin/organization/org-love146", {"name": row["name"], "url": url})
    assert response.status_code == 400
    assert "is not a web address" in response.get_data(as_text=True)


def test_template_over_three_segments_is_refused(editor, database):
    long_text = "You are not alone. " * 30
    response = post(
        editor, "/admin/reply_template/get_help", {"text_en": long_text, "text_es": "Hola."}
    )
    assert response.status_code == 400
    assert "segments; the most is 3" in response.get_data(as_text=True)
    assert database["reply_template"].get("get_help")["text_en"] != long_text


def test_english_template_with_a_curly_quote_is_refused(editor):
    form = {"text_en": "You\u2019re safe here.", "text_es": ""}
    response = post(editor, "/admin/reply_template/greeting", form)
    assert response.status_code == 400
    assert "plain characters (GSM-7)" in response.get_data(as_text=True)


def test_template_with_an_unknown_placeholder_is_refused(editor):
    response = post(
        editor, "/admin/reply_template/greeting", {"text_en": "Call {hotlne}.", "text_es": ""}
    )
    assert response.status_code == 400
    assert "{hotlne} is not a placeholder" in response.get_data(as_text=True)


def test_answer_counts_its_footer_in_the_budget(editor):
    answer = "x" * 440  # fits alone (3 x 153 = 459) but not with the footer the bot adds
    response = post(
        editor, "/admin/faq/hotline", {"topic": "Hotline", "answer_en": answer, "answer_es": ""}
    )
    assert response.status_code == 400
    assert "segments" in response.get_data(as_text=True)


def test_missing_spanish_is_flagged_but_saved(editor, database):
    form = {"text_en": "Hello. How can I help?", "text_es": ""}
    response = post(editor, "/admin/reply_template/greeting", form)
    assert response.status_code == 302
    html = editor.get("/admin/reply_template/greeting").get_data(as_text=True)
    assert "Missing Spanish: Text (Spanish) is empty" in html
    assert "missing Spanish" in editor.get("/admin/reply_template/").get_data(as_text=True)


def test_edited_answer_is_what_the_bot_says_next(editor, chat, database):
    row = database["faq"].get("hotline")
    text = "The hotline answers day and night. Call 1-888-373-7888."
    form = {
        "topic": row["topic"],
        "phrases_en": "\n".join(json.loads(row["phrases_en"])),
        "phrases_es": "\n".join(json.loads(row["phrases_es"])),
        "answer_en": text,
        "answer_es": row["answer_es"],
    }
    assert post(editor, "/admin/faq/hotline", form).status_code == 302
    assert json.loads(database["faq"].get("hotline")["phrases_en"]) == json.loads(row["phrases_en"])
    assert text in chat("what is the national human trafficking hotline")["reply"]


def test_new_rule_changes_how_the_bot_reads_a_message(editor, chat):
    assert chat("zorblax", session_id="one")["intent"] == "unknown"
    form = {"intent": "get_help", "lang": "en", "phrase": "zorblax", "weight": "2"}
    assert post(editor, "/admin/rule/new", form).status_code == 302
    assert chat("zorblax", session_id="two")["intent"] == "get_help"


def test_a_rule_can_carry_a_cue_such_as_not_literal(editor, app):
    def rules(text):
        kb = queries.snapshot(connect(app.config["DATABASE"]), app.config["DATABASE"])
        return read_rules(Message.of(text), kb).rule_intent

    assert rules("zorblax they locked me in") == "emergency"
    form = {"intent": "not_literal", "lang": "en", "phrase": "zorblax", "weight": "1"}
    assert post(editor, "/admin/rule/new", form).status_code == 302
    assert rules("zorblax they locked me in") != "emergency"
    assert rules("zorblox they locked me in") == "emergency"  # a typo is no cue
    page = editor.get("/admin/rule/new").get_data(as_text=True)
    assert "situation (a cue, not an intent)" in page


def test_rule_weight_out_of_range_is_refused(editor):
    form = {"intent": "get_help", "lang": "en", "phrase": "zorblax", "weight": "9"}
    response = post(editor, "/admin/rule/new", form)
    assert response.status_code == 400
    assert "Weight must be between 0.1 and 3." in response.get_data(as_text=True)


def test_rules_cannot_point_to_opt_out(editor):
    form = {"intent": "opt_out", "lang": "en", "phrase": "go away", "weight": "1"}
    assert post(editor, "/admin/rule/new", form).status_code == 400


def test_new_service_gets_staff_source_and_todays_date(editor, database):
    form = {
        "new_key": "test-shelter",
        "organization_id": "org-love146",
        "name": "Test shelter",
        "kind": "program",
        "description": "A place to stay.",
        "status": "active",
    }
    response = post(editor, "/admin/service/new", form)
    assert response.status_code == 302
    row = database["service"].get("test-shelter")
    assert row["source"] == "staff"
    assert row["last_verified"]


def test_new_service_id_must_be_a_slug(editor):
    form = {"new_key": "Test Shelter!", "organization_id": "org-love146", "name": "x"}
    response = post(editor, "/admin/service/new", form)
    assert response.status_code == 400
    assert "lower-case letters" in response.get_data(as_text=True)


def test_inactive_service_is_no_longer_offered(editor, chat, database):
    row = database["service"].get("ct-legal-services")
    form = {k: row[k] or "" for k in ("organization_id", "name", "kind", "description", "url")}
    form |= {"description_es": row["description_es"], "status": "inactive"}
    assert post(editor, "/admin/service/ct-legal-services", form).status_code == 302
    assert "Connecticut Legal Services" not in chat("i need a lawyer")["reply"]


def test_service_with_phones_cannot_be_deleted(editor, database):
    response = post(editor, "/admin/service/ct-legal-services/delete")
    assert response.status_code == 409
    assert "still used by other entries" in response.get_data(as_text=True)
    assert database["service"].get("ct-legal-services")


def test_editor_cannot_change_partners_but_admin_can(app, editor, database):
    form = {"new_key": "demo-school", "name": "A school", "origins": "https://school.example.org"}
    assert post(editor, "/admin/partner/new", form).status_code == 403
    sign_in(editor, "admin")
    assert post(editor, "/admin/partner/new", form).status_code == 302
    assert json.loads(database["partner"].get("demo-school")["origins"]) == [
        "https://school.example.org"
    ]


def test_partner_origin_with_a_path_is_refused(app, editor):
    sign_in(editor, "admin")
    form = {"new_key": "demo", "name": "A", "origins": "https://school.example.org/page"}
    response = post(editor, "/admin/partner/new", form)
    assert response.status_code == 400
    assert "is not an origin" in response.get_data(as_text=True)


def test_unknown_table_is_a_404_sentence(editor):
    response = editor.get("/admin/conversation/")
    assert response.status_code == 404
    assert "no such page" in response.get_data(as_text=True)


def test_imported_entries_with_a_slash_in_their_id_can_be_edited(editor, database):
    database["phone"].insert(
        {"id": "miami-211/7", "service_id": "love146", "number": "+13055550100", "type": "voice"}
    )
    assert editor.get("/admin/phone/miami-211/7").status_code == 200
    form = {"service_id": "love146", "number": "305-555-0111", "type": "voice"}
    assert post(editor, "/admin/phone/miami-211/7", form).status_code == 302
    assert database["phone"].get("miami-211/7")["number"] == "+13055550111"
    assert post(editor, "/admin/phone/miami-211/7/delete").status_code == 302
    assert database["phone"].count_where("id = ?", ["miami-211/7"]) == 0


@pytest.mark.parametrize("number", ["911", "211", "311", "511", "9-1-1", "1 211"])
def test_dialling_codes_are_refused_as_a_providers_phone(editor, database, number):
    response = post(editor, PHONE, phone_form(number))
    assert response.status_code == 400
    assert "the dialling code for" in response.get_data(as_text=True)
    assert database["phone"].get("ct-legal-services-phone-0")["number"] == "+12033881720"


def test_the_emergency_entry_keeps_911(editor, database):
    form = {"service_id": "emergency-911", "number": "911", "type": "voice"}
    response = post(editor, "/admin/phone/emergency-911-phone-0", {**form, "description": "call"})
    assert response.status_code == 302
    assert database["phone"].get("emergency-911-phone-0")["number"] == "911"
    assert database["phone"].get("emergency-911-phone-0")["description"] == "call"


def test_an_extension_written_after_the_number_is_kept_and_in_the_reply(editor, chat, database):
    response = post(editor, PHONE, phone_form("(203) 388-1720 ext. 12", description="hotline"))
    assert response.status_code == 302
    row = database["phone"].get("ct-legal-services-phone-0")
    assert (row["number"], row["extension"]) == ("+12033881720", "12")
    assert "203-388-1720 ext. 12" in chat("i need a lawyer", session_id="ext")["reply"]
    html = editor.get(PHONE).get_data(as_text=True)
    assert 'value="(203) 388-1720"' in html and 'value="12"' in html


def test_an_extension_field_alone_is_kept(editor, database):
    assert post(editor, PHONE, phone_form("203-388-1720", extension="4410")).status_code == 302
    assert database["phone"].get("ct-legal-services-phone-0")["extension"] == "4410"


@pytest.mark.parametrize(
    "number, extension, sentence",
    [
        ("203-388-1720 x12", "34", "but the Extension field says 34"),
        ("203-388-1720", "twelve", '"twelve" is not an extension'),
        ("203-388-1720", "123456789", '"123456789" is not an extension'),
        ("305-891-8850 xOPT2", "", 'write "option 2" in the Label'),
    ],
)
def test_an_extension_that_cannot_be_dialled_is_refused_with_a_sentence(
    editor, database, number, extension, sentence
):
    response = post(editor, PHONE, phone_form(number, extension=extension))
    assert response.status_code == 400
    assert sentence in response.get_data(as_text=True).replace("&#34;", '"')
    row = database["phone"].get("ct-legal-services-phone-0")
    assert (row["number"], row["extension"]) == ("+12033881720", "")
