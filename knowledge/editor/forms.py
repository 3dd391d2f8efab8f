"""WTForms forms built from the entity specs, and the row values a valid form stands for."""

from __future__ import annotations

import json

import sqlite_utils
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import InputRequired, Length, Optional

from bot.types import Knowledge
from knowledge import audit, users
from knowledge.editor import checks
from knowledge.editor.entities import Entity, Field

MAX_TEXT = 2000


class SignInForm(FlaskForm):
    """Username and password."""

    username = StringField("Username", validators=[InputRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=200)])


class NewUserForm(FlaskForm):
    """An admin adds a member of staff."""

    username = StringField("Username", validators=[InputRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=200)])
    role = SelectField("Role", choices=[SelectChoice(r) for r in users.ROLES], default="viewer")


class PasswordForm(FlaskForm):
    """A new password for an account."""

    password = PasswordField("New password", validators=[InputRequired(), Length(max=200)])


class RecordForm(FlaskForm):
    """Base of the forms built for each entity; the view sets db, kb and program before use."""

    db: sqlite_utils.Database
    kb: Knowledge
    program: str = ""


def _required(spec: Field) -> list:
    message = f"{spec.label} is required."
    return [InputRequired(message)] if spec.required else [Optional()]


def _check(function):
    """A WTForms validator from a checks function that raises CheckError."""

    def validate(_form, field):
        if field.data and str(field.data).strip():
            try:
                function(str(field.data))
            except checks.CheckError as exc:
                raise ValidationError(str(exc)) from exc

    return validate


def service_kind(form: RecordForm) -> str:
    """The kind of the service a phone form names (the emergency entry may list 911)."""
    field = form._fields.get("service_id")
    key = str(field.data or "").strip() if field is not None else ""
    row = audit.get_row(form.db, "service", key) if key else None
    return str((row or {}).get("kind") or "")


def _phone(form, field):
    """The number is valid for its service; an extension written after it agrees with the
    Extension field."""
    if not (field.data and str(field.data).strip()):
        return
    try:
        _number, found = checks.phone_parts(str(field.data), service_kind(form))
    except checks.CheckError as exc:
        raise ValidationError(str(exc)) from exc
    typed = form._fields.get("extension")
    other = str(typed.data or "").strip() if typed is not None else ""
    if found and other and other != found:
        raise ValidationError(
            f"The number ends in extension {found}, but the Extension field says {other}. "
            "Keep one of them."
        )


def _number(spec: Field):
    def validate(_form, field):
        text = (field.data or "").strip()
        if not text:
            return
        try:
            value = float(text)
        except ValueError as exc:
            raise ValidationError(f"{spec.label} must be a number, such as 1.5.") from exc
        if (spec.low is not None and value < spec.low) or (
            spec.high is not None and value > spec.high
        ):
            raise ValidationError(f"{spec.label} must be between {spec.low:g} and {spec.high:g}.")

    return validate


def _ref(spec: Field):
    def validate(form, field):
        key = (field.data or "").strip()
        if key and audit.get_row(form.db, spec.ref, key) is None:
            raise ValidationError(f'There is no {spec.ref.replace("_", " ")} with the id "{key}".')

    return validate


def _sms(spec: Field):
    def validate(form, field):
        if not (field.data or "").strip():
            return
        result = checks.budget(field.data, form.kb, spec.lang, spec.sms, form.program)
        if not result["ok"]:
            raise ValidationError(" ".join(result["problems"]))

    return validate


def _form_field(spec: Field):
    validators = _required(spec)
    kw = {"description": spec.help}
    if spec.kind == "flag":
        return BooleanField(spec.label, **kw)
    if spec.kind == "choice":
        choices = [SelectChoice(v, label) for v, label in spec.choices]
        if not spec.required:
            choices.insert(0, SelectChoice("", "-"))
        return SelectField(spec.label, choices=choices, validators=validators, **kw)
    extra = {
        "phone": [_phone],
        "extension": [_check(checks.extension)],
        "url": [_check(checks.url)],
        "origins": [_check(checks.origins)],
        "exit": [_check(checks.exit_url)],
        "number": [_number(spec)],
        "ref": [_ref(spec)],
        "colour": [_check(checks.colour)],
        "sms": [_sms(spec)],
    }.get(spec.kind, [])
    validators = [*validators, Length(max=MAX_TEXT), *extra]
    if spec.kind in ("textarea", "lines", "origins", "sms"):
        return TextAreaField(spec.label, validators=validators, **kw)
    return StringField(spec.label, validators=validators, **kw)


def form_class(entity: Entity, creating: bool) -> type[RecordForm]:
    """A form class for editing (or, with creating, adding) a row of entity."""
    attrs = {}
    if creating and entity.key_kind == "slug":
        attrs["new_key"] = StringField(
            "Id",
            validators=[InputRequired("Id is required."), _check(checks.slug)],
            description="Short and permanent, e.g. new-haven-shelter.",
        )
    for spec in entity.fields:
        attrs[spec.name] = _form_field(spec)
    return type(f"{entity.table.title()}Form", (RecordForm,), attrs)


def to_form(entity: Entity, row: dict) -> dict:
    """A stored row as form data (JSON lists one item a line, numbers shown nationally)."""
    data = {}
    for spec in entity.fields:
        value = row.get(spec.name)
        if spec.kind in ("lines", "origins"):
            try:
                value = "\n".join(json.loads(value or "[]"))
            except (ValueError, TypeError):
                value = value or ""
        elif spec.kind == "phone":
            value = checks.phone_for_people(value or "")
        elif spec.kind == "flag":
            value = bool(value)
        elif spec.kind == "number":
            value = "" if value is None else f"{value:g}"
        elif spec.kind == "colour":
            value = checks.accent_of(value)
        data[spec.name] = "" if value is None else value
    return data


def to_row(entity: Entity, form: RecordForm) -> dict:
    """The column values a validated form stands for."""
    row = {}
    for spec in entity.fields:
        data = form[spec.name].data
        if spec.kind == "flag":
            row[spec.name] = int(bool(data))
            continue
        text = (data or "").strip()
        if spec.kind == "lines":
            row[spec.name] = json.dumps(
                [line.strip() for line in text.splitlines() if line.strip()], ensure_ascii=False
            )
        elif spec.kind == "origins":
            row[spec.name] = json.dumps(checks.origins(text))
        elif spec.kind == "phone":
            row[spec.name], written = (
                checks.phone_parts(text, service_kind(form)) if text else ("", "")
            )
            if written:  # "203-388-1720 ext. 12": the extension goes in its own field
                row.setdefault("extension", written)
        elif spec.kind == "extension":
            row[spec.name] = checks.extension(text) if text else row.get(spec.name, "")
        elif spec.kind == "number":
            row[spec.name] = float(text) if text else None
        elif spec.kind == "colour":
            row[spec.name] = json.dumps({"accent": checks.colour(text)} if text else {})
        elif spec.kind == "sms":
            row[spec.name] = (data or "").replace("\r\n", "\n").strip()
        else:
            row[spec.name] = text
    return row


def missing_spanish(entity: Entity, row: dict) -> list[str]:
    """Labels of Spanish fields left empty while their English is filled in."""
    out = []
    for spec in entity.fields:
        if spec.spanish_of:
            english, spanish = row.get(spec.spanish_of), row.get(spec.name)
            if english not in (None, "", "[]") and spanish in (None, "", "[]"):
                out.append(spec.label)
    return out
