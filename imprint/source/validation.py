"""Check parsed YAML against the schema; say what is wrong in the editor's words.

The schema (source/schema.py) is JSON Schema 2020-12, published for editors' tools;
this module checks the keywords it uses (type, properties, additionalProperties,
required, anyOf, allOf, items, enum, pattern, minimum, maximum, minItems,
minProperties, uniqueItems) with their JSON Schema meaning, finds every error,
and turns each into a Problem with the file, line and field, and a sentence a
production editor can act on. (A general validator cost more to import than
checking an article takes.)
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from ..errors import Problem
from .frontmatter import Located, format_path, value_at

_TYPE_NAMES = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a set of fields",
    "null": "empty",
}
# The keywords checked; any other in the schema would be a mistake in source/schema.py.
KEYWORDS = frozenset({"type", "properties", "additionalProperties", "required", "anyOf", "allOf", "items", "enum",
                      "pattern", "minimum", "maximum", "minItems", "minProperties", "uniqueItems"})
ANNOTATIONS = frozenset({"$schema", "$id", "title", "description", "examples", "x-hint", "x-required-hint",
                         "x-problem", "x-type-hint"})


@dataclass
class SchemaError:
    """One keyword of the schema that a value does not satisfy."""

    keyword: str
    expected: Any  # the keyword's value in the schema
    value: Any  # the value checked
    schema: dict  # the schema holding the keyword
    path: tuple  # where the value is, from the file's top
    branches: list[tuple[int, "SchemaError"]] = field(default_factory=list)  # anyOf: each branch's errors


def describe(value: Any) -> str:
    """A value's JSON type in the editor's words (a whole number is "a number": what it is not matters)."""
    return next((_TYPE_NAMES[name] for name in ("null", "boolean", "number", "string", "array", "object")
                 if is_type(value, name)), type(value).__name__)


_PYTHON_TYPES = {"string": str, "object": dict, "array": list, "boolean": bool}


def is_type(value: Any, name: str) -> bool:
    """JSON Schema's types: true is no number, 2.0 is an integer."""
    if name in _PYTHON_TYPES:
        return isinstance(value, _PYTHON_TYPES[name])
    if name == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    return name == "number" and isinstance(value, (int, float))


def _key(value: Any) -> Any:
    """A value as JSON compares it, hashable: true is not 1, 1 is 1.0, keys unordered."""
    if isinstance(value, bool) or value is None:
        return ("literal", value)
    if isinstance(value, (int, float)):
        return ("number", value)
    if isinstance(value, list):
        return ("array", tuple(map(_key, value)))
    if isinstance(value, dict):
        return ("object", frozenset((name, _key(item)) for name, item in value.items()))
    return ("string", value)


def _first_repeated(values: list) -> Any:
    """The first item of `values` met a second time (by JSON equality; there
    is one). Linear: a list may hold thousands of items."""
    seen: set = set()
    for value in values:
        key = _key(value)
        if key in seen:
            return value
        seen.add(key)
    return None


@functools.lru_cache(maxsize=None)
def _pattern(pattern: str) -> re.Pattern:
    """A schema's pattern with its JSON Schema (ECMA-262) meaning: `$` is the end of
    the text, where Python's `$` also matches before a last newline (so that
    'https://example.org/\\n' would pass as a web address)."""
    python, in_class, escaped = [], False, False
    for char in pattern:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        elif char == "$" and not in_class:
            char = r"\Z"
        python.append(char)
    return re.compile("".join(python))


def errors(value: Any, schema: dict, path: tuple = ()) -> Iterator[SchemaError]:
    """Every error of `value` against `schema`, keyword by keyword in the schema's order."""
    for keyword, expected in schema.items():
        def error() -> SchemaError:
            return SchemaError(keyword, expected, value, schema, path)

        if keyword == "type":
            if not any(is_type(value, name) for name in ([expected] if isinstance(expected, str) else expected)):
                yield error()
        elif keyword == "properties":
            if isinstance(value, dict):
                for name, sub in expected.items():
                    if name in value:
                        yield from errors(value[name], sub, path + (name,))
        elif keyword == "additionalProperties":
            if isinstance(value, dict) and expected is False and set(value) - set(schema.get("properties", {})):
                yield error()
        elif keyword == "required":
            if isinstance(value, dict):
                yield from (error() for name in expected if name not in value)
        elif keyword == "anyOf":
            found: list[tuple[int, SchemaError]] = []
            for index, branch in enumerate(expected):
                branch_errors = list(errors(value, branch, path))
                if not branch_errors:
                    break
                found += [(index, e) for e in branch_errors]
            else:
                yield SchemaError(keyword, expected, value, schema, path, found)
        elif keyword == "allOf":
            for branch in expected:
                yield from errors(value, branch, path)
        elif keyword == "items":
            if isinstance(value, list):
                for index, item in enumerate(value):
                    yield from errors(item, expected, path + (index,))
        elif keyword == "enum":
            if _key(value) not in {_key(allowed) for allowed in expected}:
                yield error()
        elif keyword == "pattern":
            if isinstance(value, str) and not _pattern(expected).search(value):
                yield error()
        elif keyword in ("minimum", "maximum"):
            if is_type(value, "number") and (value < expected if keyword == "minimum" else value > expected):
                yield error()
        elif keyword in ("minItems", "minProperties"):
            if isinstance(value, list if keyword == "minItems" else dict) and len(value) < expected:
                yield error()
        elif keyword == "uniqueItems":
            if expected and isinstance(value, list) and len(value) > len({_key(item) for item in value}):
                yield error()
        elif keyword not in ANNOTATIONS:
            raise ValueError(f"schema keyword {keyword!r} is not checked by source/validation.py")


def validate(located: Located, schema: dict) -> list[Problem]:
    problems: list[Problem] = []
    for error in sorted(errors(located.data, schema), key=lambda e: list(map(str, e.path))):
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
        return any(is_type(value, t) for t in _type_names(schema))
    branches = schema.get("anyOf") or schema.get("oneOf")
    if branches:
        return any(_accepts_type(branch, value) for branch in branches)
    return True


def _explain(error: SchemaError, located: Located) -> Iterable[Problem]:
    path = error.path
    field = format_path(path) or None
    line = located.line_of(path)
    value = error.value
    schema = error.schema

    def problem(message: str, hint: str | None = None, at: tuple = path) -> Problem:
        return Problem(located.file, message, line=located.line_of(at), field=format_path(at) or None, hint=hint)

    kind = error.keyword
    if kind == "additionalProperties":
        allowed = sorted(schema.get("properties", {}))
        for key in sorted(set(value) - set(allowed)):
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"did you mean '{close[0]}'?" if close else "allowed here: " + ", ".join(allowed)
            yield problem(f"unknown field '{_quoted(key)}'", hint, at=path + (key,))
        return
    if kind == "required":
        for key in schema.get("required", []):
            if isinstance(value, dict) and key not in value:
                where = f" in {field}" if field else ""
                yield Problem(located.file, f"missing required field '{key}'", line=line, field=field,
                              hint=schema.get("properties", {}).get(key, {}).get("x-required-hint")
                              or f"add '{key}: ...'{where}")
        return
    if kind == "anyOf":
        # Report the branch meant for this kind of value (a string or a mapping).
        branches = [i for i, s in enumerate(error.expected) if _accepts_type(s, value)]
        if branches:
            matching = [e for i, e in error.branches if i in branches]
            if matching:
                for sub in matching:
                    yield from _explain(sub, located)
                return
        expected = [name for s in error.expected for name in _type_names(s)]
        names = " or ".join(dict.fromkeys(_TYPE_NAMES.get(t, t) for t in expected))
        yield problem(f"must be {names}, not {describe(value)}")
        return
    if kind == "type":
        names = " or ".join(_TYPE_NAMES.get(t, t) for t in _type_names(schema))
        yield problem(f"must be {names}, not {describe(value)}", schema.get("x-type-hint"))
        return
    if kind == "enum":
        yield problem(f"'{_quoted(value)}' is not allowed", "use one of: " + ", ".join(map(str, error.expected)))
        return
    if kind in ("pattern", "minimum", "maximum"):
        # x-problem: what the value is not, in the editor's words ("is not a web address").
        # A value that only its underscores keep from the pattern was written with them
        # for hyphens: a locale's ru_RU for the language tag ru-RU (QA 23 F22).
        hyphened = value.replace("_", "-") if kind == "pattern" and "_" in value else None
        hint = f"did you mean '{hyphened}'?" if hyphened and _pattern(error.expected).search(hyphened) \
            else schema.get("x-hint")
        yield problem(f"'{_quoted(value)}' {schema.get('x-problem', 'is not valid')}", hint)
        return
    if kind == "uniqueItems":  # (at the second's line: where to delete it)
        twice = _first_repeated(value)
        again = [i for i, item in enumerate(value) if _key(item) == _key(twice)][1]
        yield problem(f"'{_quoted(twice)}' is listed twice", "list each once", at=path + (again,))
        return
    assert kind in ("minItems", "minProperties"), kind  # errors() yields no other keyword
    yield problem("must not be empty", "fill it in or remove the field")


_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def _quoted(value: Any) -> str:
    """A value as a message shows it: a line break or another control character
    as its escape (\\n), so that the message stays one line and shows it."""
    return _INVISIBLE.sub(lambda match: repr(match.group())[1:-1], str(value))


def drop_invalid(located: Located, schema: dict) -> None:
    """Remove what `schema` refuses, and no more than that, so that the checks made
    after the schema's still see every value they can check (the file's article or
    issue is not written anyway): an author's bad e-mail address goes, the author
    stays, and its ORCID iD's check digit is checked (the whole author list went:
    the ORCID iD's error came on the next run, QA 23 F15). A refused item of a list
    takes its list with it, so that every other item keeps the place it was
    written at (author[2]: its messages name it so). What is left is valid but for
    a repeated item (told by the schema, left for the later checks: an issue's
    other articles are looked for) and a required top-level field (the model reads
    it as not given). The paths removed go to `located.dropped`."""
    while True:
        found = {_whole_list(path) for error in errors(located.data, schema) for path in _refused(error)}
        found = {path for path in found if path and _exists(located.data, path)}
        if not found:
            return
        found = {path for path in found if not any(path[:n] in found for n in range(1, len(path)))}
        for table in (located.lines, located.files, located.scalars):
            for path in [p for p in table if any(p[:n] in found for n in range(1, len(p) + 1))]:
                del table[path]
        for path in found:
            del value_at(located.data, path[:-1])[path[-1]]
        located.dropped.extend(sorted(found, key=str))


def _refused(error: SchemaError) -> Iterator[tuple]:
    """The parts of the data that `error` says are wrong: the value itself, but
    for a field the schema does not know (only that field), a list's repeated
    items (none) and a choice of forms (anyOf): the parts wrong in the form meant
    for this kind of value, as _explain tells them."""
    if error.keyword == "additionalProperties":
        yield from (error.path + (key,) for key in set(error.value) - set(error.schema.get("properties", {})))
    elif error.keyword == "anyOf":
        meant = [i for i, branch in enumerate(error.expected) if _accepts_type(branch, error.value)]
        parts = [part for i, sub in error.branches if i in meant for part in _refused(sub)]
        yield from parts if meant else [error.path]
    elif error.keyword != "uniqueItems":
        yield error.path


def _whole_list(path: tuple) -> tuple:
    while path and isinstance(path[-1], int):
        path = path[:-1]
    return path


def _exists(data: Any, path: tuple) -> bool:
    for part in path:
        if isinstance(data, dict) and part in data or isinstance(data, list) and isinstance(part, int) \
                and 0 <= part < len(data):
            data = data[part]
        else:
            return False
    return True
