"""GET /openapi.json: the OpenAPI 3 description of the HTTP contract, kept as a data file."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import Blueprint, jsonify

bp = Blueprint("openapi", __name__)
DOCUMENT = Path(__file__).with_name("openapi.json")


@cache
def document() -> dict:
    """The OpenAPI document, read once."""
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI document."""
    return jsonify(document())
