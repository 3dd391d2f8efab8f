"""The official HSDS 3.0 schemas as a test oracle: validators with format checks on."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from functools import cache
from pathlib import Path

import jsonschema
import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared" / "hsds"
SPEC = SHARED / "spec-3.0-schema"
MIAMI = SHARED / "miami-211" / "datapackage.zip"

needs_spec = pytest.mark.skipif(not SPEC.exists(), reason="the HSDS 3.0 schemas are not here")
needs_miami = pytest.mark.skipif(not MIAMI.exists(), reason="the Miami 211 file is not here")


def inline(value: object, folder: Path = SPEC) -> object:
    """A schema with every reference to another schema file replaced by that file's content.

    The spec's files refer to each other by name ("taxonomy.json") and, in openapi.json, by
    their published address; both end in the file name, which is all that is needed here.
    """
    if isinstance(value, list):
        return [inline(v, folder) for v in value]
    if not isinstance(value, dict):
        return value
    ref = value.get("$ref")
    if isinstance(ref, str) and ref.endswith(".json"):
        parts = ref.split("/")
        sub = "compiled" if len(parts) > 1 and parts[-2] == "compiled" else ""
        path = (SPEC / sub / parts[-1]) if "://" in ref else (folder / ref)
        if not path.exists():  # the compiled files still name a few object schemas
            path = SPEC / parts[-1]
        return inline(json.loads(path.read_text()), path.parent)
    return {k: inline(v, folder) for k, v in value.items()}


@cache
def schema(name: str) -> dict:
    """A schema of the spec by its path under schema/ ("compiled/service.json"), inlined."""
    path = SPEC / name
    return inline(json.loads(path.read_text()), path.parent)


@cache
def validator(name: str) -> jsonschema.Draft202012Validator:
    """A Draft 2020-12 validator for one of the spec's schemas, checking formats (uuid, uri)."""
    cls = jsonschema.Draft202012Validator
    return cls(schema(name), format_checker=cls.FORMAT_CHECKER)


def errors(name: str, instance: object) -> list[str]:
    """Each way instance breaks the schema, as 'path: message'."""
    return [f"{e.json_path}: {e.message[:200]}" for e in validator(name).iter_errors(instance)]


def tabular(archive_path: Path) -> dict[str, list[dict]]:
    """A datapackage's CSV rows as tabular.json expects them: numbers typed, blanks left out."""
    spec = schema("compiled/tabular.json")["properties"]
    by_path = {table["items"]["path"]: name for name, table in spec.items()}
    out: dict[str, list[dict]] = {}
    with zipfile.ZipFile(archive_path) as archive:
        for member in archive.namelist():
            if member not in by_path:
                continue
            fields = spec[by_path[member]]["items"]["properties"]
            rows = []
            for row in csv.DictReader(io.StringIO(archive.read(member).decode("utf-8"))):
                typed = {}
                for key, value in row.items():
                    if value == "":
                        continue
                    kind = fields.get(key, {}).get("type")
                    typed[key] = float(value) if kind == "number" else value
                rows.append(typed)
            out[by_path[member]] = rows
    return out
