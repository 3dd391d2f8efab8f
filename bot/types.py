"""Plain data the engine works with: the knowledge snapshot, sessions and replies."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.message import Message

INTENTS = (
    "emergency",
    "get_help",
    "report_tip",
    "find_services",
    "info",
    "opt_out",
    "opt_in",
    "unknown",
)
LANGS = ("en", "es")
# Labels a rule can carry besides an intent: cues the engine reads (bot/classify.py).
NOT_LITERAL = "not_literal"
RULE_CUES = ("situation", "minor", "greeting", "thanks", NOT_LITERAL)


@dataclass(frozen=True)
class Phone:
    """One way to reach a service."""

    number: str  # E.164, or a short code such as 233733 or 911
    type: str = "voice"  # voice | sms
    label: str = ""
    extension: str = ""  # digits to dial once connected ("12")


@dataclass(frozen=True)
class Service:
    """A service the bot can refer people to."""

    id: str
    name: str
    organization: str
    kind: str  # hotline | emergency | directory | program
    summary: dict[str, str]
    phones: tuple[Phone, ...] = ()
    url: str = ""
    hours: str = ""
    scope: str = "national"  # national | state | county | city
    state: str = ""
    counties: tuple[str, ...] = ()
    city: str = ""
    lat: float | None = None
    lon: float | None = None
    terms: tuple[str, ...] = ()


@dataclass(frozen=True)
class Rule:
    """A keyword or phrase that points to an intent."""

    intent: str
    lang: str
    phrase: str
    weight: float = 1.0
    id: int | None = None


@dataclass(frozen=True)
class Faq:
    """An answer to a general question."""

    id: str
    phrases: dict[str, tuple[str, ...]]
    answer: dict[str, str]


@dataclass(frozen=True)
class Term:
    """A service category and the words people use for it."""

    id: str
    name: dict[str, str]
    words: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Example:
    """A curated example message and how it should be read, for the learned reading."""

    text: str
    lang: str
    intent: str
    danger_now: bool = False
    minor: bool = False
    about: str = "general"  # self | other | general
    group: str = ""  # the voice or scenario it was written for; cross-validation holds groups out


@dataclass
class Knowledge:
    """Everything the engine needs from the knowledge base, as one snapshot."""

    rules: list[Rule]
    faqs: list[Faq]
    terms: list[Term]
    services: list[Service]
    templates: dict[str, dict[str, str]]
    examples: list[Example] = field(default_factory=list)
    revision: int = 0
    derived: dict = field(default_factory=dict)  # indexes the engine builds once per snapshot

    def service(self, service_id: str) -> Service | None:
        """The service with this id, if there is one."""
        by_id = self.derived.get("service_by_id")
        if by_id is None:
            by_id = self.derived["service_by_id"] = {s.id: s for s in self.services}
        return by_id.get(service_id)

    def template(self, key: str, lang: str) -> str:
        """The template text for a key in a language, falling back to English."""
        texts = self.templates.get(key, {})
        return texts.get(lang) or texts.get("en", "")


@dataclass
class Session:
    """What the bot remembers about one conversation (expires after 30 minutes)."""

    lang: str = ""
    awaiting: str = ""  # "location" while waiting for a town or ZIP
    pending_term: str = ""  # the service category the location is for
    more: list[str] = field(default_factory=list)  # pages still to send on MORE
    last_intent: str = ""
    minor: bool = False  # a child was named earlier: later turns are read as about one too
    turns: int = 0
    updated_at: float = 0.0
    # What this conversation counts as in reports so far; filed as an anonymous event, with
    # nothing linking it back, once the conversation ends.
    event: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        """A JSON-ready copy."""
        return {
            "lang": self.lang,
            "awaiting": self.awaiting,
            "pending_term": self.pending_term,
            "more": list(self.more),
            "last_intent": self.last_intent,
            "minor": self.minor,
            "turns": self.turns,
            "updated_at": self.updated_at,
            "event": dict(self.event),
        }

    @classmethod
    def from_dict(cls, data: dict) -> Session:
        """Rebuild a session from to_dict() output, ignoring unknown keys."""
        known = {k: data[k] for k in cls().to_dict() if k in data}
        return cls(**known)


@dataclass
class Reply:
    """What the bot answers: the text, the intent it read, and the resources named."""

    text: str
    intent: str
    lang: str
    resources: list[Service] = field(default_factory=list)
    more: list[str] = field(default_factory=list)
    rule: str = ""  # the rule or answer that decided the intent, for staff preview
    score: float = 0.0
    message: Message | None = None  # the message as read, when it was classified
    minor: bool = False  # a minor is involved: the reply names the DCF Careline
    danger: bool = False  # danger now, certain or possible: the reply gives 911 first
