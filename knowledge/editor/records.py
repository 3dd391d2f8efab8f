"""Listing, adding, editing, deleting and verifying rows of every editable table."""

from __future__ import annotations

import uuid
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from knowledge import audit, freshness, queries
from knowledge.db import get_db
from knowledge.editor import forms, labels
from knowledge.editor.auth import current_user, login_required, refuse
from knowledge.editor.blueprint import bp
from knowledge.editor.entities import ENTITIES, Entity, children
from knowledge.editor.history import shown

PAGE_SIZE = 50


def _entity(table: str) -> Entity:
    entity = ENTITIES.get(table)
    if entity is None:
        abort(404)
    return entity


def _may_change(entity: Entity):
    """None when the signed-in user may change entity, else the refusal to return."""
    user = current_user()
    if user.can(entity.role):
        return None
    return refuse(
        f"Your role ({user.role}) can look at {entity.title.lower()} but not change them. "
        f"This needs the {entity.role} role."
    )


def row_label(entity: Entity, row: dict) -> str:
    """How a row is named in lists, links and headings: never a raw id or code."""
    return labels.readable(get_db(), entity, row)


def _bound(entity: Entity, creating: bool, data: dict | None = None) -> forms.RecordForm:
    form = forms.form_class(entity, creating)(data=data or {})
    form.db = get_db()
    form.kb = queries.snapshot(form.db, current_app.config["DATABASE"])
    form.program = current_app.config.get("PROGRAM_NAME", "")
    return form


def _options(entity: Entity) -> dict[str, list[tuple[str, str]]]:
    """For each ref field, (id, name) of the rows it may point to (for a datalist)."""
    db = get_db()
    out = {}
    for spec in entity.fields:
        if spec.kind == "ref":
            target = ENTITIES[spec.ref]
            sql = f"SELECT * FROM [{spec.ref}] ORDER BY [{target.label}] LIMIT 1000"
            out[spec.ref] = [(str(r[target.key]), row_label(target, r)) for r in db.query(sql)]
    return out


@bp.get("/<table>/")
@login_required
def list_rows(table: str):
    """A page of rows, optionally searched by name or limited to one parent."""
    entity = _entity(table)
    db = get_db()
    query, page = request.args.get("q", "").strip(), request.args.get("page", 1, type=int)
    where, args = [], []
    if query:
        where.append(f"([{entity.label}] LIKE ? OR [{entity.key}] LIKE ?)")
        args += [f"%{query}%"] * 2
    parent = request.args.get("parent", "").strip()
    if parent and entity.parent:
        where.append(f"[{entity.parent}] = ?")
        args.append(parent)
    sql = f"FROM [{table}]" + (" WHERE " + " AND ".join(where) if where else "")
    total = db.execute(f"SELECT count(*) {sql}", args).fetchone()[0]
    offset = (max(page, 1) - 1) * PAGE_SIZE
    rows = list(
        db.query(
            f"SELECT * {sql} ORDER BY [{entity.label}], [{entity.key}] LIMIT ? OFFSET ?",
            [*args, PAGE_SIZE, offset],
        )
    )
    items = [
        {
            "key": str(r[entity.key]),
            "label": row_label(entity, r),
            "row": r,
            "spanish": forms.missing_spanish(entity, r),
        }
        for r in rows
    ]
    if entity.table == "service":
        extra = labels.service_columns(db, [item["key"] for item in items])
        for item in items:
            item.update(extra[item["key"]])
    return render_template(
        "admin/list.html",
        entity=entity,
        items=items,
        query=query,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        total=total,
        may_change=current_user().can(entity.role),
    )


@bp.route("/<table>/new", methods=["GET", "POST"])
@login_required(role="editor")
def new_row(table: str):
    """Add a row; parent fields may be filled in from the query string."""
    entity = _entity(table)
    refused = _may_change(entity)
    if refused:
        return refused
    prefill = {f.name: request.args[f.name] for f in entity.fields if f.name in request.args}
    form = _bound(entity, creating=True, data=prefill)
    if form.validate_on_submit():
        row = {**dict(entity.fixed), **forms.to_row(entity, form)}
        if entity.key_kind == "slug":
            row[entity.key] = form.new_key.data.strip()
        elif entity.key_kind == "uuid":
            row[entity.key] = str(uuid.uuid4())
        if "last_verified" in get_db()[table].columns_dict:
            row.update(source="staff", last_verified=date.today().isoformat())
        try:
            key = audit.insert(get_db(), table, row, current_user().username)
        except audit.AuditError as exc:
            form.form_errors.append(str(exc))
        else:
            flash(f"Added {entity.noun} {row_label(entity, row)}.")
            return redirect(url_for("editor.edit_row", table=table, key=key))
    status = 400 if request.method == "POST" else 200
    return _render_form(entity, form, None, status)


@bp.route("/<table>/<path:key>", methods=["GET", "POST"])
@login_required
def edit_row(table: str, key: str):
    """One row: its form (read-only for viewers), what belongs to it, and its history."""
    entity = _entity(table)
    db = get_db()
    row = audit.get_row(db, table, key)
    if row is None:
        return refuse(f"There is no {entity.noun} with the id {key}.", 404, "Not found")
    form = _bound(entity, creating=False, data=forms.to_form(entity, row))
    if request.method == "POST":
        refused = _may_change(entity)
        if refused:
            return refused
        if form.validate_on_submit():
            try:
                changed = audit.update(
                    db, table, key, forms.to_row(entity, form), current_user().username
                )
            except audit.AuditError as exc:
                form.form_errors.append(str(exc))
            else:
                flash(f"Saved: {', '.join(changed)}." if changed else "Nothing was changed.")
                return redirect(url_for("editor.edit_row", table=table, key=key))
    status = 400 if request.method == "POST" else 200
    return _render_form(entity, form, row, status)


def _render_form(entity: Entity, form, row: dict | None, status: int):
    db = get_db()
    kids = []
    if row is not None:
        key = str(row[entity.key])
        for child in children(entity.table):
            sql = f"SELECT * FROM [{child.table}] WHERE [{child.parent}] = ? ORDER BY rowid"
            found = [(str(r[child.key]), row_label(child, r)) for r in db.query(sql, [key])]
            kids.append((child, found))
    user = current_user()
    return render_template(
        "admin/edit.html",
        entity=entity,
        form=form,
        row=row,
        key=None if row is None else str(row[entity.key]),
        name=row_label(entity, row) if row else "",
        kids=kids,
        options=_options(entity),
        history=shown(db, audit.history(db, entity.table, str(row[entity.key]), 20)) if row else [],
        spanish=forms.missing_spanish(entity, row) if row else [],
        verifiable=entity.table in freshness.VERIFIED_TABLES,
        may_change=user.can(entity.role),
    ), status


@bp.post("/<table>/<path:key>/delete")
@login_required(role="editor")
def delete_row(table: str, key: str):
    """Delete one row (logged whole, so it can be restored from the history)."""
    entity = _entity(table)
    refused = _may_change(entity)
    if refused:
        return refused
    try:
        audit.delete(get_db(), table, key, current_user().username)
    except audit.AuditError as exc:
        return refuse(str(exc), 409, "Cannot delete")
    flash(f"Deleted {entity.noun} {key}. The history can restore it.")
    return redirect(url_for("editor.list_rows", table=table))


@bp.post("/<table>/<path:key>/verify")
@login_required(role="editor")
def verify_row(table: str, key: str):
    """Stamp an entry as checked today."""
    entity = _entity(table)
    refused = _may_change(entity)
    if refused:
        return refused
    try:
        freshness.verify(get_db(), table, key, current_user().username)
    except audit.AuditError as exc:
        return refuse(str(exc), 400, "Cannot verify")
    flash(f"Marked {entity.noun} {key} as verified today.")
    back = request.form.get("back", "")
    if not back.startswith("/admin/") or back.startswith("//"):
        back = url_for("editor.edit_row", table=table, key=key)
    return redirect(back)
