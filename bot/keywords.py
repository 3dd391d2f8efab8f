"""Literal keywords: opt-out, opt-in, HELP, MORE. Never fuzzy: STOP in a sentence is not STOP."""

from __future__ import annotations

import re

OPT_OUT = {"stop", "stopall", "unsubscribe", "cancel", "end", "quit", "revoke", "optout", "opt out"}
OPT_IN = {"start", "unstop"}
HELP = {"help", "info"}
MORE = {"more", "mas", "más"}
DELETE = {"delete", "borrar"}


def literal(text: str) -> str:
    """The message as a bare keyword: lower case, no punctuation, single spaces."""
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def keyword(text: str) -> str | None:
    """'opt_out', 'opt_in', 'help', 'more' or 'delete' when the message is only that word."""
    word = literal(text)
    if word in OPT_OUT:
        return "opt_out"
    if word in OPT_IN:
        return "opt_in"
    if word in HELP:
        return "help"
    if word in MORE:
        return "more"
    if word in DELETE:
        return "delete"
    return None
