"""The bot: one message and the session in, one Reply out."""

from __future__ import annotations

import time

from bot import compose, directory, floor
from bot.classify import GENERIC_TERMS, Reading, classify
from bot.keywords import keyword
from bot.language import switch_request
from bot.location import Place
from bot.message import Message
from bot.services import choose, served_states
from bot.sms import fits, paginate, to_gsm7
from bot.types import Knowledge, Reply, Service, Session

SESSION_TTL = 30 * 60  # seconds of silence after which a conversation starts afresh


def expired(session: Session, now: float) -> bool:
    """True when the session has been silent longer than SESSION_TTL."""
    return bool(session.updated_at) and now - session.updated_at > SESSION_TTL


def _resources(kb: Knowledge, *ids: str) -> list[Service]:
    # The built-in entries stand in for any the knowledge base has lost (the safety floor).
    return [s for s in (kb.service(i) or floor.service(i) for i in ids) if s is not None]


def _safety_resources(kb: Knowledge, danger: bool, minor: bool) -> list[Service]:
    ids = []
    if danger:
        ids.append(compose.EMERGENCY_ID)
    if minor:
        ids.append(compose.CARELINE_ID)
    ids.append(compose.HOTLINE_ID)
    return _resources(kb, *ids)


def _services_reply(
    kb: Knowledge, reading: Reading, session: Session, lang: str, place: Place | None
) -> tuple[str, list[Service]]:
    """Services for the need in the message, or a question asking where the person is."""
    terms = [t for t in reading.terms if t not in GENERIC_TERMS] or (
        [session.pending_term] if session.pending_term and place else []
    )
    if reading.named:
        named = [s for s in directory.of(kb).named(reading.named) if s.phones]
        if named:
            return compose.services_text(kb, lang, named[:2], None), named[:2]
    if place is None and not terms:
        session.awaiting, session.pending_term = "location", ""
        return compose.render(kb, "ask_location", lang), []
    chosen = choose(kb, terms, place)
    if place is None and not chosen:
        session.awaiting, session.pending_term = "location", terms[0]
        return compose.render(kb, "ask_location", lang), []
    # Answer now, and let a town or ZIP in the next message narrow it down.
    session.awaiting = "location" if place is None else ""
    session.pending_term = terms[0] if terms else ""
    return compose.services_text(kb, lang, chosen, place), chosen


def _child(reading: Reading) -> bool:
    """True when the reply should name the Careline: a minor, in anything but small talk.

    A service asked for a teenager ("a therapist for teens who went through this", "a
    youth shelter, I can't go home") may well be for a child who was exploited, though
    no sign of it is named.
    """
    return reading.minor and (reading.intent != "unknown" or reading.situation)


def _answer(
    kb: Knowledge, reading: Reading, session: Session, lang: str
) -> tuple[str, list[Service]]:
    """The reply text and the services it names, for a classified message."""
    intent = reading.intent
    child = _child(reading)
    safety = _safety_resources(kb, reading.danger, child)
    if intent in ("emergency", "get_help", "report_tip"):
        key = intent + ("_child" if child else "")
        return compose.render(kb, key, lang), safety
    if intent == "find_services":
        place = reading.message.place(served_states(kb))
        text, chosen = _services_reply(kb, reading, session, lang, place)
        if child:  # "mentor for my 15yo who was exploited": the Careline comes first
            text = compose.render(kb, "child_line", lang) + "\n" + text
        return text, chosen + safety
    if intent == "info":
        faq = next((f for f in kb.faqs if f.id == reading.faq), None)
        faq = faq or next((f for f in kb.faqs if f.id == "hotline"), None)
        answer = faq.answer.get(lang) or faq.answer.get("en", "") if faq else ""
        if child:  # "can a 16 year old be charged ...": the Careline comes first
            answer = compose.render(kb, "child_line", lang) + "\n" + answer
        return answer + "\n" + compose.render(kb, "info_footer", lang), safety
    key = reading.small_talk or "fallback"
    return compose.render(kb, key, lang), safety


def _location_answer(
    kb: Knowledge, message: Message, session: Session, lang: str
) -> tuple[str, list[Service]] | None:
    """The services near the town or ZIP the person sent after being asked for one."""
    place = message.place(served_states(kb))
    if place is None:
        return None
    terms = [session.pending_term] if session.pending_term else []
    chosen = choose(kb, terms, place)
    session.awaiting, session.pending_term = "", ""
    return compose.services_text(kb, lang, chosen, place), chosen + _resources(
        kb, compose.HOTLINE_ID
    )


def respond(
    text: str,
    session: Session,
    kb: Knowledge,
    channel: str = "chat",
    lang_hint: str | None = None,
    program: str = "Resource Line",
    now: float | None = None,
) -> Reply:
    """Answer one message; updates session in place (language, pending questions, pages)."""
    now = time.time() if now is None else now
    if expired(session, now):
        session.__dict__.update(Session().__dict__)
    first = session.turns == 0
    reply = _reply(text, session, kb, channel, lang_hint, program)
    if first and reply.intent not in ("opt_out", "opt_in"):
        # Only a text thread can be deleted; a web chat is cleared by closing its tab.
        key = "safety_line" if channel == "sms" else "safety_line_chat"
        line = compose.render(kb, key, reply.lang)
        candidate = f"{reply.text}\n{line}"
        if line and (channel != "sms" or fits(to_gsm7(candidate))):
            reply.text = candidate
    if reply.rule != "more":  # a MORE page continues a reply that named the help
        reply.text = floor.complete(
            reply.text,
            reply.lang,
            reply.intent,
            minor=reply.minor,
            danger=reply.danger,
            neutral=reply.rule == "help",
            program=program,
        )
    if channel == "sms" and reply.rule != "more":  # a MORE page is already cut to size
        more = compose.render(kb, "more_prompt", reply.lang)
        pages = paginate(to_gsm7(reply.text), to_gsm7(more))
        reply.text, session.more = pages[0], pages[1:]
    session.turns += 1
    session.updated_at = now
    session.lang = reply.lang
    if reply.intent not in ("opt_out", "opt_in"):
        session.last_intent = reply.intent
    return reply


def _reply(
    text: str, session: Session, kb: Knowledge, channel: str, lang_hint: str | None, program: str
) -> Reply:
    word = keyword(text)
    lang = session.lang or lang_hint or "en"
    if word == "opt_out":
        return Reply(compose.render(kb, "opt_out", lang, program), "opt_out", lang)
    if word == "opt_in":
        return Reply(compose.render(kb, "opt_in", lang, program), "opt_in", lang)
    if word == "help" and channel == "sms":
        hotline = _resources(kb, compose.HOTLINE_ID, compose.EMERGENCY_ID)
        text_ = compose.render(kb, "sms_help", lang, program)
        return Reply(text_, "get_help", lang, hotline, rule="help")
    if word == "more":
        if session.more:
            page = session.more.pop(0)
            return Reply(page, session.last_intent or "unknown", lang, rule="more")
        return Reply(compose.render(kb, "more_none", lang), "unknown", lang)

    message = Message.of(text)
    switched = switch_request(" ".join(message.words))
    if switched:
        return Reply(compose.render(kb, "language_set", switched), "unknown", switched)

    reading = classify(message, kb, previous=session.last_intent)
    # "im 15", then "he wont let me out of the car": the age said once still counts. Like
    # danger, a minor only ever goes up within a conversation.
    reading.minor = session.minor = reading.minor or session.minor
    lang = reading.lang or lang_hint or session.lang or "en"
    if session.lang and reading.lang != session.lang and len(message.words) <= 2:
        lang = session.lang  # "ok" after a Spanish conversation stays Spanish
    if session.awaiting == "location" and reading.intent in ("unknown", "find_services"):
        found = _location_answer(kb, message, session, lang)
        if found:
            return Reply(
                found[0], "find_services", lang, found[1], rule="location", danger=reading.danger
            )
        if reading.intent == "unknown" and not reading.small_talk:
            session.awaiting = ""
            text_ = compose.render(kb, "location_unknown", lang)
            hotline = _resources(kb, compose.HOTLINE_ID)
            return Reply(text_, "find_services", lang, hotline, danger=reading.danger)
    if reading.intent != "find_services":
        session.awaiting, session.pending_term = "", ""
    body, resources = _answer(kb, reading, session, lang)
    return Reply(
        body,
        reading.intent,
        lang,
        resources,
        rule=reading.rule,
        score=reading.score,
        message=message,
        minor=_child(reading),
        danger=reading.danger,
    )
