"""Explain pydantic validation errors as plain-English findings, one per mistake.

Pydantic says "String should match pattern '^[A-Z]...'"; a registered manager needs
"owner: 'Meera' is not a person id" and a hint saying what one looks like. Hints
are keyed by field name, so every file type shares them.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from cqctrack.findings import Finding, Loc, dotted

# What a valid value of each constrained field looks like, by field name.
FORMATS: dict[str, str] = {
    "id": "an id such as MED-001 (action), MED-C1 (concern) or MED-M1 (measure)",
    "concern": "a concern id such as MED-C1",
    "owner": "a person id from cqctrack.yaml `people`, such as mpatel",
    "by": "a person id from cqctrack.yaml `people`",
    "added_by": "a person id from cqctrack.yaml `people`",
    "approved_by": "a person id from cqctrack.yaml `people`",
    "verified_by": "a person id from cqctrack.yaml `people`",
    "recorded_by": "a person id from cqctrack.yaml `people`",
    "raised_by": "a person id from cqctrack.yaml `people`",
    "registered_manager": "a person id from cqctrack.yaml `people`",
    "nominated_individual": "a person id from cqctrack.yaml `people`",
    "provider_representative": "a person id from cqctrack.yaml `people`",
    "people": "person ids are lower case, e.g. mpatel or j.okafor",
    "statements": "a statement id such as S8 or WL5, or one qualified by its set, "
    "e.g. kloe-adult-social-care:S4",
    "regulations": 'a regulation number from 9 to 20A, e.g. 12 or "9A"',
    "satisfies": "requirement ids from `evidence_required`, e.g. [R1]",
    "kinds": "evidence kinds such as audit or competency-assessment (see `cqctrack frameworks`)",
    "kind": "an evidence kind such as audit or competency-assessment (see `cqctrack frameworks`)",
    "period": "a period such as 2026-10 (monthly), 2026-W41 (weekly) or 2026-Q3 (quarterly)",
    "id_prefix": "capital letters and digits starting with a letter, e.g. MED",
    "role": "a lower-case role such as registered-manager or quality-lead",
    "framework": "a framework id such as saf-quality-statements (see `cqctrack frameworks`)",
    "location_id": "a CQC location ID such as 1-123456789",
    "emails": "an e-mail address such as name@example.org",
}


def findings_from(err: ValidationError, path: str, model: type[BaseModel]) -> list[Finding]:
    out = []
    for item in err.errors(include_url=False):
        loc = tuple(item["loc"])
        message, hint = _explain(item, loc, model)
        out.append(
            Finding(code=_code(item["type"]), message=message, hint=hint, path=path, loc=loc)
        )
    return out


def _code(kind: str) -> str:
    if kind == "missing":
        return "schema-missing-field"
    if kind == "extra_forbidden":
        return "schema-unknown-field"
    return "schema-invalid"


def _field_name(loc: Loc) -> str:
    for part in reversed(loc):
        if isinstance(part, str):
            return part
    return ""


def _explain(item: Any, loc: Loc, model: type[BaseModel]) -> tuple[str, str | None]:
    kind = item["type"]
    where = dotted(loc) or "the file"
    field = _field_name(loc)
    value = item.get("input")
    ctx = item.get("ctx") or {}
    shown = _show(value)
    parent = dotted(loc[:-1])
    within = f"{parent}: " if parent else ""
    if kind == "missing":
        description = _description(model, loc) or FORMATS.get(field)
        hint = f"add `{field}:`" + (f" ({description})" if description else "")
        return f"{within}required field '{field}' is missing", hint
    if kind == "extra_forbidden":
        known = _fields_at(model, loc[:-1])
        close = difflib.get_close_matches(str(field), known, n=1, cutoff=0.6)
        if close:
            return f"{within}unknown field '{field}'", f"did you mean '{close[0]}'?"
        return f"{within}unknown field '{field}'", "fields allowed here: " + ", ".join(known)
    if kind in ("enum", "literal_error"):
        expected = ctx.get("expected", "")
        return f"{where}: {shown} is not allowed", f"use one of: {_plain_choices(expected)}"
    if kind == "string_pattern_mismatch":
        fmt = FORMATS.get(field) or FORMATS.get(_parent_field(loc), "")
        return f"{where}: {shown} is not in the expected form", (f"expected {fmt}" if fmt else None)
    if kind in ("value_error", "assertion_error"):
        msg = str(item["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        return f"{where}: {msg}", None
    if kind == "too_short":
        if isinstance(value, list | dict):
            return f"{where}: needs at least one entry", _example_hint(field)
        return f"{where}: must not be empty", None
    if kind in ("string_type", "str_type"):
        quote = "put the value in quotes" if isinstance(value, int | float | bool) else None
        return f"{where}: {shown} should be text", quote
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"{where}: {shown} should be a whole number", _number_hint(value)
    if kind in ("float_parsing", "float_type", "finite_number"):
        return f"{where}: {shown} should be a number", _number_hint(value)
    if kind in ("bool_parsing", "bool_type"):
        hint = "write true or false; yes, no, on, off, 1 and 0 are not booleans in cqctrack files"
        return f"{where}: {shown} should be true or false", hint
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"{where}: {shown} is out of range ({item['msg'].lower()})", None
    if kind in ("list_type",):
        return f"{where}: should be a list", f"write it as `{field}: [A, B]` or as '- ' lines"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        if loc == ():
            return "the file should hold 'key: value' lines at the top level", None
        return f"{where}: should be a mapping of 'key: value' lines", None
    if kind == "literal_error":
        return f"{where}: {shown} is not allowed", None
    msg = str(item["msg"])
    return f"{where}: {msg[0].lower() + msg[1:] if msg else kind}", None


def _number_hint(value: Any) -> str | None:
    # Numbers and booleans are only what the YAML dialect reads as such (issue 13): a
    # quoted "95" is text, as it is to every editor and schema tool.
    if isinstance(value, str):
        return "write the number without quotes, as a plain decimal such as 95 or 82.5"
    if isinstance(value, bool):
        return "true and false are not numbers"
    return None


def _show(value: Any) -> str:
    if isinstance(value, dict | list):
        return "this value"
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 60 else text[:57] + "...'"


def _plain_choices(expected: str) -> str:
    return expected.replace("'", "")


def _parent_field(loc: Loc) -> str:
    names = [p for p in loc if isinstance(p, str)]
    return names[-2] if len(names) >= 2 else ""


def _example_hint(field: str) -> str | None:
    fmt = FORMATS.get(field)
    return f"expected {fmt}" if fmt else None


def _model_at(model: type[BaseModel], loc: Loc) -> type[BaseModel] | None:
    """Follow a field path through nested models (list indexes and dict keys skipped)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            # a dict keyed by free text (e.g. `people`): the key names no field
            continue
        field = _field_by_name(current, part)
        if field is None:
            continue
        current = _inner_model(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _field_by_name(model: type[BaseModel], name: str) -> Any:
    for key, field in model.model_fields.items():
        if key == name or field.alias == name:
            return field
    return None


def _inner_model(annotation: Any) -> Any:
    stack = [annotation]
    while stack:
        item = stack.pop()
        if isinstance(item, type) and issubclass(item, BaseModel):
            return item
        stack.extend(getattr(item, "__args__", ()))
    return None


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    found = _model_at(model, loc)
    if found is None:
        return []
    return [field.alias or key for key, field in found.model_fields.items()]


def _description(model: type[BaseModel], loc: Loc) -> str | None:
    parent = _model_at(model, loc[:-1])
    if parent is None or not isinstance(loc[-1], str):
        return None
    field = _field_by_name(parent, loc[-1])
    return field.description if field is not None else None
