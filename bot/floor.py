"""The safety floor: help every reply names, whatever the knowledge base holds.

The numbers and sentences here live in code, not in the database, so no staff edit,
import or damaged row can remove them. The engine passes every reply through
complete(); when the knowledge base cannot be read at all, the channels send reply().
"""

from __future__ import annotations

import re

from bot.types import Phone, Service

HOTLINE_CALL = "1-888-373-7888"
HOTLINE_TEXT = "233733"
CARELINE = "1-800-842-2288"
EMERGENCY = "911"
HOTLINE_ID = "nhth"
CARELINE_ID = "dcf-careline"
EMERGENCY_ID = "emergency-911"

# Each reply must carry the hotline; these are the digits a reply is checked for.
_HOTLINE_DIGITS = "8883737888"
_CARELINE_DIGITS = "8008422288"

LINES = {
    "hotline": {
        "en": f"The National Human Trafficking Hotline is there 24/7, free and confidential: "
        f"call {HOTLINE_CALL} or text {HOTLINE_TEXT}.",
        "es": f"La Línea Nacional contra la Trata de Personas ayuda las 24 horas, gratis y "
        f"confidencial: llame al {HOTLINE_CALL} o envíe un texto al {HOTLINE_TEXT}.",
    },
    "danger": {
        "en": f"If you are in danger now, call {EMERGENCY}.",
        "es": f"Si está en peligro ahora, llame al {EMERGENCY}.",
    },
    "minor": {
        "en": f"For anyone under 18 in Connecticut, the DCF Careline helps: call {CARELINE}.",
        "es": f"Para menores de 18 años en Connecticut, la Careline de DCF ayuda: llame al "
        f"{CARELINE}.",
    },
    # Keyword confirmations carry no trafficking word (DESIGN.md safety rule 7).
    "neutral_help": {
        "en": f"To talk to a person 24/7, call {HOTLINE_CALL} or text {HOTLINE_TEXT}. "
        f"Emergency: {EMERGENCY}.",
        "es": f"Para hablar con una persona, llame al {HOTLINE_CALL} o envíe un texto al "
        f"{HOTLINE_TEXT}. Emergencia: {EMERGENCY}.",
    },
    "opt_out": {
        "en": "{program}: you will get no more messages. Reply START to resume.",
        "es": "{program}: no recibirá más mensajes. Responda START para volver.",
    },
    "opt_in": {
        "en": "{program}: messages are back on. Reply HELP for help, STOP to stop.",
        "es": "{program}: mensajes activados de nuevo. Responda HELP para ayuda, STOP para parar.",
    },
}
# Confirmations a carrier requires: kept short and neutral, so the floor only makes
# sure they are there and does not add the hotline line to them.
CONFIRMATIONS = ("opt_out", "opt_in")


def line(key: str, lang: str) -> str:
    """One of the floor's sentences in lang (English when lang is not known)."""
    texts = LINES[key]
    return texts.get(lang) or texts["en"]


_NOT_DIGIT = re.compile(r"[^0-9]+")


def _digits(text: str) -> str:
    return _NOT_DIGIT.sub("", text)


_SENTENCE_END = re.compile(r"(?<=[.!?])\s|\n")


def _first_911(text: str) -> bool:
    """True when the first sentence of text gives 911."""
    return EMERGENCY in _SENTENCE_END.split(text, maxsplit=1)[0]


def names_hotline(text: str) -> bool:
    """True when text gives the hotline's number."""
    return _HOTLINE_DIGITS in _digits(text)


def complete(
    text: str,
    lang: str,
    intent: str,
    *,
    minor: bool = False,
    danger: bool = False,
    neutral: bool = False,
    program: str = "",
) -> str:
    """text with whatever help it lacks: 911 first in danger, the Careline for a minor,
    the hotline always (in neutral words when neutral is set, as on HELP or DELETE)."""
    text = (text or "").strip()
    if intent in CONFIRMATIONS:
        return text or line(intent, lang).format(program=program).strip(": ")
    if intent == "emergency" and EMERGENCY not in text or danger and not _first_911(text):
        text = f"{line('danger', lang)}\n{text}".strip()
    if minor and _CARELINE_DIGITS not in _digits(text):
        text = f"{text}\n{line('minor', lang)}".strip()
    if not names_hotline(text):
        extra = line("neutral_help" if neutral else "hotline", lang)
        if not neutral and intent != "emergency" and EMERGENCY not in text:
            extra += " " + (
                "¿En peligro ahora? Llame al 911." if lang == "es" else "In danger now? Call 911."
            )
        text = f"{text}\n{extra}".strip()
    return text


def reply(lang: str = "en", word: str = "", program: str = "") -> str:
    """The whole floor, for when the knowledge base cannot be read at all.

    word is the message's keyword (bot.keywords): STOP and START still get their
    confirmation, HELP its neutral answer.
    """
    if word in CONFIRMATIONS:
        return complete("", lang, word, program=program)
    if word == "help":
        return f"{program}: {line('neutral_help', lang)}".strip(": ")
    first = (
        "Lo siento, no puedo responder bien ahora."
        if lang == "es"
        else "Sorry, I cannot answer properly right now."
    )
    return "\n".join([first, line("danger", lang), line("hotline", lang), line("minor", lang)])


def _built_in() -> dict[str, Service]:
    hotline = Service(
        HOTLINE_ID,
        "National Human Trafficking Hotline",
        "Polaris Project",
        "hotline",
        {"en": "24/7, confidential, 200+ languages.", "es": "24 horas, confidencial."},
        (Phone("+18883737888", "voice"), Phone(HOTLINE_TEXT, "sms")),
    )
    careline = Service(
        CARELINE_ID,
        "DCF Careline",
        "Connecticut Department of Children and Families",
        "hotline",
        {"en": "Connecticut, for anyone under 18.", "es": "Connecticut, menores de 18 años."},
        (Phone("+18008422288", "voice"),),
        scope="state",
        state="CT",
    )
    emergency = Service(
        EMERGENCY_ID,
        "911",
        "Emergency services",
        "emergency",
        {"en": "Immediate danger.", "es": "Peligro inmediato."},
        (Phone(EMERGENCY, "voice"),),
    )
    return {s.id: s for s in (hotline, careline, emergency)}


def service(service_id: str) -> Service | None:
    """The built-in hotline, Careline or 911 entry, for when the knowledge base lost it."""
    return _SERVICES.get(service_id)


_SERVICES = _built_in()
