"""The read-only Open Referral HSDS 3.0 API under /hsds, for 211s and coalitions.

Off unless HSDS_API=1; rate-limited per client address (HSDS_RATE_LIMIT); open to other
websites only for the origins in HSDS_CORS_ORIGINS. It serves the directory only: never
conversation state, opt-outs, report events or staff data, never a confidential address.
"""

from __future__ import annotations

import re
from datetime import date

from flask import Blueprint, abort, current_app, jsonify, request
from limits import parse

import settings
from knowledge import hsds_api, state
from knowledge.db import get_db
from settings import StartupError

bp = Blueprint("hsds", __name__, url_prefix="/hsds")
PROFILE = "https://docs.openreferral.org/en/latest/hsds/"
SPEC_OPENAPI = (
    "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/openapi.json"
)
LARGEST_PAGE_NUMBER = 10**9  # keeps the SQL offset within SQLite's integers


class BadQuery(ValueError):
    """A query parameter that cannot be used; the message is the plain sentence to return."""


def init_app(app) -> None:
    """Check the API's settings at start (a bad rate stops the app with one sentence)."""
    try:
        app.extensions["hsds_limit"] = parse(app.config["HSDS_RATE_LIMIT"])
    except ValueError as error:
        raise StartupError(
            f"HSDS_RATE_LIMIT is not a rate such as 60/minute: {app.config['HSDS_RATE_LIMIT']!r}"
        ) from error
    for name in ("HSDS_PER_PAGE", "HSDS_MAX_PER_PAGE"):
        if not str(app.config[name]).isdigit() or int(app.config[name]) < 1:
            raise StartupError(f"{name} must be a whole number of 1 or more.")
    app.register_blueprint(bp)


def _error(status: int, sentence: str):
    response = jsonify({"error": sentence})
    response.status_code = status
    return response


@bp.before_request
def _gate():
    if not settings.flag("HSDS_API", current_app.config.get("HSDS_API")):
        return _error(404, "The HSDS API is not switched on for this service.")
    limiter = current_app.extensions["rate_limits"]["limiter"]  # counts shared by workers
    who = state.keyed_hash(current_app.config["PHONE_HASH_KEY"], "hsds", request.remote_addr or "")
    if not limiter.hit(current_app.extensions["hsds_limit"], "hsds", who):
        return _error(429, "Too many requests: please wait a minute and try again.")
    return None


@bp.after_request
def _cors(response):
    origins = [o.strip() for o in (current_app.config.get("HSDS_CORS_ORIGINS") or "").split(",")]
    origin = request.headers.get("Origin")
    response.vary.add("Origin")
    if origin and ("*" in origins or origin in origins):
        response.headers["Access-Control-Allow-Origin"] = "*" if "*" in origins else origin
    return response


@bp.errorhandler(BadQuery)
def _bad_query(error: BadQuery):
    return _error(400, str(error))


def _whole(name: str, default: int, largest: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not re.fullmatch(r"\s*\d{1,100}\s*", raw) or int(raw) < 1:
        raise BadQuery(f"{name} must be a whole number of 1 or more.")
    return min(int(raw), largest)


def _paging() -> tuple[int, int]:
    largest = int(current_app.config["HSDS_MAX_PER_PAGE"])
    per_page = _whole("per_page", min(int(current_app.config["HSDS_PER_PAGE"]), largest), largest)
    return _whole("page", 1, LARGEST_PAGE_NUMBER), per_page


def _day(raw: str) -> str:
    """The day a modified_after value names (a date or a date-time), as YYYY-MM-DD."""
    try:
        return date.fromisoformat(raw.strip()[:10]).isoformat()
    except ValueError:
        raise BadQuery("modified_after must be a date or date-time such as 2026-01-31.") from None


def _filters() -> hsds_api.Filters:
    args = request.args
    return hsds_api.Filters(
        search=args.get("search", "").strip(),
        taxonomy_term_id=args.get("taxonomy_term_id", "").strip(),
        taxonomy_id=args.get("taxonomy_id", "").strip(),
        organization_id=args.get("organization_id", "").strip(),
        modified_after=_day(args["modified_after"]) if args.get("modified_after") else "",
        postcode=args.get("postcode", "").strip(),
    )


def _page(total: int, contents: list[dict], page: int, per_page: int):
    pages = -(-total // per_page)
    return jsonify(
        {
            "total_items": total,
            "total_pages": pages,
            "page_number": page,
            "size": len(contents),
            "first_page": page == 1,
            "last_page": page >= pages,
            "empty": not contents,
            "contents": contents,
        }
    )


def _one(found: dict | None, kind: str):
    if found is None:
        abort(_error(404, f"No {kind} has that id."))
    return jsonify(found)


@bp.get("/")
def index():
    """What this API is."""
    return jsonify({"version": "3.0", "profile": PROFILE, "openapi_url": SPEC_OPENAPI})


@bp.get("/services")
def services():
    """A page of services, filtered."""
    page, per_page = _paging()
    total, found = hsds_api.services(get_db(), _filters(), page, per_page)
    return _page(total, found, page, per_page)


@bp.get("/services/<uid>")
def service(uid: str):
    """One service, fully nested."""
    return _one(hsds_api.service(get_db(), uid), "service")


@bp.get("/service_at_locations")
def service_at_locations():
    """A page of services at their locations, filtered."""
    page, per_page = _paging()
    total, found = hsds_api.service_at_locations(get_db(), _filters(), page, per_page)
    return _page(total, found, page, per_page)


@bp.get("/service_at_locations/<uid>")
def service_at_location(uid: str):
    """One service at one location, with both nested."""
    return _one(hsds_api.service_at_location(get_db(), uid), "service at a location")


@bp.get("/organizations")
def organizations():
    """A page of organizations."""
    page, per_page = _paging()
    search = request.args.get("search", "").strip()
    total, found = hsds_api.organizations(get_db(), search, page, per_page)
    return _page(total, found, page, per_page)


@bp.get("/organizations/<uid>")
def organization(uid: str):
    """One organization with its services."""
    return _one(hsds_api.organization(get_db(), uid), "organization")


@bp.get("/taxonomies")
def taxonomies():
    """A page of taxonomies."""
    page, per_page = _paging()
    search = request.args.get("search", "").strip()
    total, found = hsds_api.taxonomies(get_db(), search, page, per_page)
    return _page(total, found, page, per_page)


@bp.get("/taxonomies/<uid>")
def taxonomy(uid: str):
    """One taxonomy."""
    return _one(hsds_api.taxonomy(get_db(), uid), "taxonomy")


@bp.get("/taxonomy_terms")
def taxonomy_terms():
    """A page of taxonomy terms, of one taxonomy if asked."""
    page, per_page = _paging()
    args = request.args
    search, vocabulary = args.get("search", "").strip(), args.get("taxonomy_id", "").strip()
    total, found = hsds_api.taxonomy_terms(get_db(), search, vocabulary, page, per_page)
    return _page(total, found, page, per_page)


@bp.get("/taxonomy_terms/<uid>")
def taxonomy_term(uid: str):
    """One taxonomy term."""
    return _one(hsds_api.taxonomy_term(get_db(), uid), "taxonomy term")
