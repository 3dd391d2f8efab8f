"""The staff editor's blueprint, mounted at /admin."""

from flask import Blueprint

bp = Blueprint(
    "editor",
    __name__,
    url_prefix="/admin",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)
