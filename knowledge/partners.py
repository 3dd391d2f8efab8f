"""Partners who embed the webchat widget: reading, checking and storing their settings."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import sqlite_utils

LANGS = ("en", "es")
KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,63}")
HEX = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
# The widget's own accent: white text on it has a contrast of 8.1:1.
SAFE_ACCENT = "#1d4f91"
MIN_CONTRAST = 4.5  # WCAG 2.2 AA for normal text; the accent carries white text
BLANK_EXIT = "about:blank"


@dataclass(frozen=True)
class Partner:
    """One partner's widget settings, as the widget and the CORS checks use them."""

    key: str
    name: str = ""
    origins: tuple[str, ...] = ()
    greeting: dict[str, str] = field(default_factory=dict)
    default_lang: str = "en"
    accent: str = SAFE_ACCENT
    exit_url: str = BLANK_EXIT
    enabled: bool = True


class PartnerError(ValueError):
    """A partner entry holds a value the widget cannot use."""


def normalize_origin(origin: str) -> str | None:
    """scheme://host[:port] in lower case without a default port, or None if it is not one."""
    try:
        parts = urlsplit(origin.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username:
        return None
    host = parts.hostname.lower()
    if ":" in host:
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def _luminance(color: str) -> float:
    digits = color.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = []
    for i in (0, 2, 4):
        c = int(digits[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    r, g, b = channels
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(first: str, second: str) -> float:
    """The WCAG contrast ratio of two #rgb or #rrggbb colours (1 to 21)."""
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def safe_accent(color: object) -> str:
    """The partner's accent if white text on it is readable (4.5:1), otherwise the safe one."""
    if isinstance(color, str) and HEX.fullmatch(color.strip()):
        color = color.strip().lower()
        if contrast_ratio(color, "#ffffff") >= MIN_CONTRAST:
            return color
    return SAFE_ACCENT


def valid_exit_url(url: object) -> bool:
    """An absolute http(s) URL, or a path on the bot's own host (starting with one /)."""
    if not isinstance(url, str) or not url.strip() or any(c.isspace() for c in url.strip()):
        return False
    url = url.strip()
    if url.startswith("/"):
        return not url.startswith("//")
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _json(text: object, default: object) -> object:
    if not isinstance(text, str) or not text.strip():
        return default
    try:
        return json.loads(text)
    except ValueError:
        return text  # a plain value typed by a person: the readers below accept those too


def _origins(value: object) -> tuple[str, ...]:
    items = value.split() if isinstance(value, str) else value
    if not isinstance(items, list | tuple):
        return ()
    found = (normalize_origin(o) for o in items if isinstance(o, str))
    return tuple(o for o in found if o)


def _greeting(value: object) -> dict[str, str]:
    if isinstance(value, str):
        return {lang: value for lang in LANGS}
    if isinstance(value, dict):
        return {k: v for k, v in value.items() if k in LANGS and isinstance(v, str) and v.strip()}
    return {}


def from_row(row: dict) -> Partner:
    """A Partner from a partner table row, forgiving of hand-typed values."""
    colors = _json(row.get("colors"), {})
    accent = colors.get("accent") if isinstance(colors, dict) else colors
    exit_url = (row.get("exit_url") or "").strip()
    return Partner(
        key=row["key"],
        name=row.get("name") or "",
        origins=_origins(_json(row.get("origins"), [])),
        greeting=_greeting(_json(row.get("greeting"), {})),
        default_lang=row.get("default_lang") if row.get("default_lang") in LANGS else "en",
        accent=safe_accent(accent),
        exit_url=exit_url if valid_exit_url(exit_url) else BLANK_EXIT,
        enabled=bool(row.get("enabled")),
    )


def get(db: sqlite_utils.Database, key: str) -> Partner | None:
    """The partner with this key, or None."""
    rows = list(db.query("SELECT * FROM partner WHERE key = ?", [key]))
    return from_row(rows[0]) if rows else None


def enabled_for_origin(db: sqlite_utils.Database, origin: str) -> list[Partner]:
    """Every enabled partner that lists this origin."""
    wanted = normalize_origin(origin)
    found = (from_row(r) for r in db.query("SELECT * FROM partner WHERE enabled"))
    return [p for p in found if wanted and wanted in p.origins]


def refusal(partner: Partner | None, key: str, origin: str | None) -> str | None:
    """Why this partner is refused for this origin (None: allowed; origin None skips that check)."""
    if partner is None:
        return f"There is no partner with the key {key!r}; check the data-partner attribute."
    if not partner.enabled:
        return f"The chat for partner {key!r} is turned off; ask the hotline staff to enable it."
    if origin is not None and normalize_origin(origin) not in partner.origins:
        return (
            f"The website {origin} is not registered for partner {key!r}; "
            "ask the hotline staff to add it."
        )
    return None


def rows_from_entries(entries: object, where: str = "partners.yaml") -> list[dict]:
    """partner table rows from partners.yaml entries, every value checked."""
    if not isinstance(entries, list):
        raise PartnerError(f"{where}: expected a list of partners")
    rows = []
    for e in entries:
        key = e.get("key") if isinstance(e, dict) else None
        if not isinstance(key, str) or not KEY.fullmatch(key):
            raise PartnerError(f"{where}: {key!r} is not a key (lower-case letters, digits, -)")
        origins = e.get("origins") or []
        if not isinstance(origins, list) or any(
            not isinstance(o, str) or normalize_origin(o) is None for o in origins
        ):
            raise PartnerError(f"{where} {key}: origins must be scheme://host[:port] entries")
        lang = e.get("default_lang", "en")
        if lang not in LANGS:
            raise PartnerError(f"{where} {key}: default_lang must be en or es")
        colors = e.get("colors") or {}
        accent = colors.get("accent", SAFE_ACCENT) if isinstance(colors, dict) else None
        if not isinstance(accent, str) or not HEX.fullmatch(accent):
            raise PartnerError(f"{where} {key}: colors.accent must be a #rrggbb colour")
        if not valid_exit_url(e.get("exit_url")):
            raise PartnerError(f"{where} {key}: exit_url must be an http(s) URL or a /path")
        greeting = e.get("greeting") or {}
        if not isinstance(greeting, dict | str):
            raise PartnerError(f"{where} {key}: greeting must be text or {{en:, es:}}")
        rows.append(
            {
                "key": key,
                "name": str(e.get("name") or key),
                "origins": json.dumps([normalize_origin(o) for o in origins]),
                "greeting": json.dumps(_greeting(greeting), ensure_ascii=False),
                "default_lang": lang,
                "colors": json.dumps({"accent": accent.lower()}),
                "exit_url": e["exit_url"].strip(),
                "enabled": int(bool(e.get("enabled", True))),
            }
        )
    keys = [r["key"] for r in rows]
    duplicates = sorted({k for k in keys if keys.count(k) > 1})
    if duplicates:
        raise PartnerError(f"{where}: the key {duplicates[0]!r} is used more than once")
    return rows
