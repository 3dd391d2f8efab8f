"""The editor's home page, the change history with revert, and entries not verified lately."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from knowledge import audit, freshness, import_log
from knowledge.db import get_db
from knowledge.editor import forms
from knowledge.editor.auth import current_user, login_required, refuse
from knowledge.editor.blueprint import bp
from knowledge.editor.entities import ENTITIES

PAGE_SIZE = 100


def shown(db, entries: list[dict]) -> list[dict]:
    """History entries as the pages show them: an import as a summary linking to its
    report, other entries linking to their row while it exists, and a Revert button only
    where a revert can work (an editable table; never an import)."""
    out = []
    for entry in entries:
        info = import_log.read(entry)
        table, key = entry["resource_type"], entry["resource_id"]
        editable = table in ENTITIES
        link = None
        if editable and audit.get_row(db, table, key) is not None:
            link = url_for("editor.edit_row", table=table, key=key)
        out.append(
            {
                **entry,
                "import_info": info,
                "import_title": import_log.title(info) if info else "",
                "import_sentence": import_log.sentence(info) if info else "",
                "link": link,
                "revertable": editable and info is None,
            }
        )
    return out


@bp.get("/")
@login_required
def home():
    """What can be edited, how many entries need checking, and the latest changes."""
    db = get_db()
    groups: dict[str, list] = {}
    missing = 0
    for entity in ENTITIES.values():
        count = db[entity.table].count
        groups.setdefault(entity.group, []).append((entity, count))
        if any(f.spanish_of for f in entity.fields):
            missing += sum(1 for row in db[entity.table].rows if forms.missing_spanish(entity, row))
    return render_template(
        "admin/home.html",
        groups=groups,
        stale=len(freshness.stale(db)),
        missing_spanish=missing,
        recent=shown(db, audit.history(db, limit=10)),
    )


@bp.get("/history")
@login_required
def history():
    """Every logged change, newest first; optionally for one table or one row."""
    table = request.args.get("table", "").strip() or None
    resource_id = request.args.get("id", "").strip() or None
    page = max(request.args.get("page", 1, type=int), 1)
    entries = audit.history(
        get_db(), table, resource_id, limit=PAGE_SIZE + 1, offset=(page - 1) * PAGE_SIZE
    )
    return render_template(
        "admin/history.html",
        entries=shown(get_db(), entries[:PAGE_SIZE]),
        more=len(entries) > PAGE_SIZE,
        page=page,
        table=table,
        resource_id=resource_id,
        entities=ENTITIES,
    )


@bp.post("/history/<int:metadata_id>/revert")
@login_required(role="editor")
def revert(metadata_id: int):
    """Undo one logged change; the undo is logged too."""
    db = get_db()
    item = audit.entry(db, metadata_id)
    if item is None:
        return refuse("That change is not in the history.", 404, "Not found")
    entity = ENTITIES.get(item["resource_type"])
    needed = entity.role if entity else "admin"
    user = current_user()
    if not user.can(needed):
        return refuse(f"Reverting a change to {item['resource_type']} needs the {needed} role.")
    try:
        done = audit.revert(db, metadata_id, user.username)
    except audit.AuditError as exc:
        return refuse(str(exc), 409, "Cannot revert")
    flash(f"Reverted: {done}")
    return redirect(url_for("editor.history", table=item["resource_type"], id=item["resource_id"]))


@bp.get("/stale")
@login_required
def stale():
    """Entries whose last-verified date is more than 180 days ago (or never), oldest first,
    a page at a time: an import without dates brings thousands."""
    rows = freshness.stale(get_db())
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    start = (page - 1) * PAGE_SIZE
    return render_template(
        "admin/stale.html",
        rows=rows[start : start + PAGE_SIZE],
        total=len(rows),
        page=page,
        pages=pages,
        back=url_for("editor.stale", page=page),
        days=freshness.STALE_AFTER_DAYS,
        entities=ENTITIES,
    )
