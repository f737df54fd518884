"""Check parsed YAML against the schema; say what is wrong in the editor's words.

jsonschema finds every error; this module turns each into a Problem with the
file, line and field, and a sentence a production editor can act on.
"""

from __future__ import annotations

import difflib
import re
from typing import Any, Iterable

import jsonschema

from .errors import Problem
from .frontmatter import Located, format_path

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a set of fields",
    "null": "empty",
}


def describe(value: Any) -> str:
    if value is None:
        return "empty"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a set of fields"
    return type(value).__name__


def validate(located: Located, schema: dict) -> list[Problem]:
    validator = jsonschema.Draft202012Validator(schema)
    problems: list[Problem] = []
    for error in sorted(validator.iter_errors(located.data), key=lambda e: list(map(str, e.absolute_path))):
        problems.extend(_explain(error, located))
    # One sentence per place is enough: anyOf branches can repeat each other.
    unique: dict[tuple, Problem] = {}
    for problem in problems:
        unique.setdefault((problem.line, problem.field, problem.message), problem)
    return sorted(unique.values(), key=lambda p: (p.line or 0, p.field or ""))


def _type_names(schema: dict) -> list[str]:
    types = schema.get("type")
    if types is None:
        return []
    return [types] if isinstance(types, str) else list(types)


def _accepts_type(schema: dict, value: Any) -> bool:
    """Whether `schema` is meant for values of this JSON type (looking into anyOf)."""
    if "type" in schema:
        checker = jsonschema.Draft202012Validator.TYPE_CHECKER
        return any(checker.is_type(value, t) for t in _type_names(schema))
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        return any(_accepts_type(branch, value) for branch in branches)
    return True


def _explain(error: jsonschema.ValidationError, located: Located) -> Iterable[Problem]:
    path = tuple(error.absolute_path)
    field = format_path(path) or None
    line = located.line_of(path)
    value = error.instance
    schema = error.schema if isinstance(error.schema, dict) else {}

    def problem(message: str, hint: str | None = None, at: tuple = path) -> Problem:
        return Problem(located.file, message, line=located.line_of(at), field=format_path(at) or None, hint=hint)

    kind = error.validator
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        for key in sorted(set(value) - set(allowed)):
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "allowed here: " + ", ".join(allowed)
            yield problem(f"unknown field '{key}'", hint, at=path + (key,))
        return
    if kind == "required":
        for key in schema.get("required", []):
            if isinstance(value, dict) and key not in value:
                where = f" in {field}" if field else ""
                yield Problem(located.file, f"missing required field '{key}'", line=line, field=field,
                              hint=schema.get("properties", {}).get(key, {}).get("x-required-hint")
                              or f"add '{key}: ...'{where}")
        return
    if kind in ("anyOf", "oneOf"):
        # Report the branch meant for this kind of value (a string or a mapping).
        branches = [s for s in error.validator_value if _accepts_type(s, value)]
        if branches:
            matching = [e for e in error.context if error.validator_value[e.relative_schema_path[0]] in branches]
            if matching:
                for sub in matching:
                    yield from _explain(sub, located)
                return
        expected = [name for s in error.validator_value for name in _type_names(s)]
        names = " or ".join(dict.fromkeys(_TYPE_NAMES.get(t, t) for t in expected))
        yield problem(f"must be {names}, not {describe(value)}")
        return
    if kind == "type":
        names = " or ".join(_TYPE_NAMES.get(t, t) for t in _type_names(schema))
        yield problem(f"must be {names}, not {describe(value)}")
        return
    if kind == "enum":
        yield problem(f"'{value}' is not allowed", "use one of: " + ", ".join(map(str, error.validator_value)))
        return
    if kind in ("pattern", "minimum", "maximum"):
        yield problem(f"'{value}' is not valid", schema.get("x-hint"))
        return
    if kind == "uniqueItems":
        seen: set = set()
        twice = next((item for item in value if item in seen or seen.add(item)), None)
        yield problem(f"'{twice}' is listed twice", "list each once")
        return
    if kind in ("minLength", "minItems", "minProperties"):
        yield problem("must not be empty", "fill it in or remove the field")
        return
    yield problem(error.message)


def drop_invalid(located: Located, problems: list[Problem]) -> None:
    """Remove the top-level fields that have problems, so that the rest can be
    checked further (the file's article or issue is not written anyway)."""
    for problem in problems:
        if problem.field:
            key = re.split(r"[.\[]", problem.field, maxsplit=1)[0]
            located.data.pop(key, None)
