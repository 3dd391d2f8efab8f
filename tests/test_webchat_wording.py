"""The webchat does not tell people to delete a text thread it does not have."""

import pytest

from knowledge import schema

THREAD = "delete this thread"
CHAT_LINE = "close this tab"


def test_the_first_webchat_reply_says_to_close_the_tab_not_to_delete_a_thread(chat):
    first = chat("I need help", session_id="wording-1")["reply"]
    assert CHAT_LINE in first
    assert THREAD not in first.lower()


def test_the_first_spanish_webchat_reply_says_to_close_the_tab(chat):
    first = chat("necesito ayuda", session_id="wording-es")
    assert first["lang"] == "es"
    assert "cierre esta pestaña" in first["reply"]
    assert "borre esta conversación" not in first["reply"]


def test_the_first_text_message_reply_still_says_to_delete_the_thread(sms):
    assert THREAD in sms("I need help", sender="+12035550190")[0]


# Questions about the phone: a statement such as "he reads my texts" is read as the
# writer's own situation (help, whose reply carries the device line), as the curated
# examples label it ("he reads all my texts so if u reply say ur my cousin").
@pytest.mark.parametrize("message", ["can they see this", "is my phone safe"])
def test_the_phone_safety_answer_in_webchat_names_no_thread(chat, message):
    reply = chat(message, session_id="wording-faq")["reply"]
    assert "close this chat" in reply
    assert THREAD not in reply.lower()


def test_migration_15_gives_an_existing_knowledge_base_the_webchat_wording(database, chat):
    old_faq = "If someone may check your phone, delete this thread after reading."
    database.execute("DELETE FROM reply_template WHERE key = 'safety_line_chat'")
    database.execute(
        "UPDATE faq SET answer_en = ? || ' The hotline is confidential.' WHERE id = ?",
        [old_faq, "safety-phone"],
    )
    database.execute("DELETE FROM migrations WHERE version = 15")
    database.conn.commit()

    schema.migrate(database)

    assert database["reply_template"].get("safety_line_chat")["text_en"].startswith("If this")
    answer = database["faq"].get("safety-phone")["answer_en"]
    assert THREAD not in answer and answer.endswith("The hotline is confidential.")
    assert CHAT_LINE in chat("I need help", session_id="after-migration")["reply"]


def test_migration_15_leaves_a_rewritten_answer_alone(database):
    database.execute("UPDATE faq SET answer_en = 'Staff wrote this.' WHERE id = 'safety-phone'")
    database.execute("DELETE FROM migrations WHERE version = 15")
    database.conn.commit()
    schema.migrate(database)
    assert database["faq"].get("safety-phone")["answer_en"] == "Staff wrote this."
