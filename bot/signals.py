"""What a conversation counts as in reports: the hotline's categories, with no personal data.

One conversation is one signal. Its primary reason is the most urgent one seen in it,
mapped the way the National Human Trafficking Hotline reports reasons for contacting.
"""

from __future__ import annotations

from bot.keywords import keyword
from bot.location import find_place
from bot.types import Reply

CRISIS = "Request Crisis Assistance"
REFERRALS = "Access Service Referrals"
TIP = "Report a Trafficking Tip"
INFORMATION = "Request General Information"
REASONS = [REFERRALS, TIP, CRISIS, INFORMATION]  # the hotline's report order
REASON_OF_INTENT = {
    "emergency": CRISIS,
    "get_help": REFERRALS,
    "find_services": REFERRALS,
    "report_tip": TIP,
    "info": INFORMATION,
}
URGENCY = [CRISIS, TIP, REFERRALS, INFORMATION]  # which reason wins when several are seen

SUBSTANTIVE, FALLBACK, NOISE = "substantive", "fallback", "noise"
KIND_ORDER = [SUBSTANTIVE, FALLBACK, NOISE]
CHANNELS = {"sms": "SMS", "chat": "Webchat"}


def kind_of(text: str, reply: Reply) -> str:
    """SUBSTANTIVE, FALLBACK (a message the bot could not place) or NOISE (small talk, keywords)."""
    if reply.intent in REASON_OF_INTENT and reply.rule != "more" and keyword(text) != "help":
        return SUBSTANTIVE
    if reply.intent == "unknown" and not reply.rule and reply.resources and text.strip():
        return FALLBACK
    return NOISE


def region_of(text: str, reply: Reply | None = None) -> str:
    """The county (and state) of a town or ZIP named in the message, or ""."""
    place = reply.message.place() if reply and reply.message else find_place(text)
    if place is None or not place.county:
        return ""
    return f"{place.county}, {place.state}" if place.state else place.county


def merge(event: dict, text: str, reply: Reply) -> dict:
    """The conversation's event updated with one more turn (event is changed and returned)."""
    if reply.intent == "opt_out":
        event["opt_out"] = 1
    elif reply.intent == "opt_in":
        event["opt_in"] = 1
    kind = kind_of(text, reply)
    current = event.get("kind")
    if not current or KIND_ORDER.index(kind) < KIND_ORDER.index(current):
        event["kind"] = kind
    if kind == SUBSTANTIVE:
        reason = REASON_OF_INTENT[reply.intent]
        current = event.get("reason") or ""
        if not current or URGENCY.index(reason) < URGENCY.index(current):
            event["reason"] = reason
        referred = [r for r in (event.get("resources") or "").split(",") if r]
        for service in reply.resources:
            if service.id not in referred:
                referred.append(service.id)
        event["resources"] = ",".join(referred)
    if kind == SUBSTANTIVE or not event.get("lang"):
        event["lang"] = reply.lang
    region = region_of(text, reply) if kind == SUBSTANTIVE else ""
    if region:
        event["region"] = region
    return event
