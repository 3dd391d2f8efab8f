"""What the engine derives from a knowledge snapshot, built once before it answers with it.

The match and FAQ indexes, the directory's lookups, the towns of the states it serves
and the learned reading to use are otherwise built by the first message that needs them
(3-4 s with a large directory). knowledge.queries calls build() when it reads a snapshot:
in gunicorn's master before the fork at start, and on a background thread after a change.
"""

from __future__ import annotations

from bot import classify, directory, faq, index, location
from bot.types import Knowledge


def build(kb: Knowledge) -> Knowledge:
    """Build every index of kb now (each is kept in kb.derived); returns kb."""
    index.of(kb)
    faq.index(kb)
    found = directory.of(kb)
    kb.service("")  # the by-id lookup templates use
    location.prepare(found.served_states)
    classify.model_for(kb)  # the trained model, or training started in the background
    return kb
