"""Every setting the app reads, with its default and what it is for.

Each can be set in the environment under the same name, or passed to create_app().
Secrets have no usable default outside development and testing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str | None
    help: str
    secret: bool = False


SETTINGS = [
    Setting(
        "DATABASE",
        "instance/bot.db",
        "Path of the SQLite file; created and filled with the curated knowledge base if "
        "missing or empty.",
    ),
    Setting("SECRET_KEY", "dev-only-secret-key", "Flask's signing key.", secret=True),
    Setting(
        "TWILIO_AUTH_TOKEN", "", "Twilio auth token, used to check X-Twilio-Signature.", secret=True
    ),
    Setting(
        "PHONE_HASH_KEY",
        "dev-only-phone-hash-key",
        "Key for the HMAC-SHA256 that replaces phone numbers and chat ids in storage.",
        secret=True,
    ),
    Setting(
        "PROGRAM_NAME",
        "Resource Line",
        "The neutral program name used in STOP, START and HELP replies.",
    ),
    Setting(
        "PUBLIC_URL",
        "",
        "The public base URL Twilio calls (e.g. https://bot.example.org); used to check "
        "signatures behind a proxy. Empty: use the URL of the request.",
    ),
    Setting("TESTING", "", "Set by tests."),
]


def from_environment() -> dict[str, str]:
    """The settings that are set in the environment."""
    return {s.name: os.environ[s.name] for s in SETTINGS if s.name in os.environ}


def defaults() -> dict[str, str | None]:
    """Every setting's default."""
    return {s.name: s.default for s in SETTINGS}
