"""The schema check: JSON Schema's meaning of each keyword source/schema.py uses."""

from __future__ import annotations

import pytest

from imprint.source import schema
from imprint.source.frontmatter import load_yaml
from imprint.source.validation import ANNOTATIONS, KEYWORDS, errors, validate


def _keywords(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for keyword, value in node.items():
            found.add(keyword)
            if keyword == "properties":
                for sub in value.values():
                    _keywords(sub, found)
            elif keyword == "anyOf":
                for sub in value:
                    _keywords(sub, found)
            elif keyword in ("items", "additionalProperties"):
                _keywords(value, found)
    return found


@pytest.mark.parametrize("make", [schema.article_schema, schema.publication_schema, schema.issue_schema])
def test_the_schema_uses_only_checked_keywords(make):
    used = _keywords(make(), set())
    assert used - KEYWORDS - ANNOTATIONS == set()
    assert {"type", "properties", "anyOf", "pattern", "items"} <= used  # the walk saw the schema


def test_unknown_keyword_is_a_mistake_of_ours():
    with pytest.raises(ValueError, match="not checked"):
        list(errors("x", {"maxLength": 3}))


@pytest.mark.parametrize("value, kind, ok", [
    (True, "integer", False), (True, "number", False), (2.0, "integer", True), (2.5, "integer", False),
    (3, "number", True), (None, "null", True), ("", "string", True), ([], "object", False), ({}, "object", True),
    (False, "boolean", True), (0, "boolean", False),
])
def test_types_mean_what_json_schema_says(value, kind, ok):
    assert (not list(errors(value, {"type": kind}))) is ok


def test_keywords_apply_to_their_own_types_only():
    assert not list(errors(5, {"pattern": "x", "minItems": 1, "minProperties": 1}))
    assert not list(errors("text", {"minimum": 10}))
    assert not list(errors(True, {"minimum": 10}))  # true is no number
    assert [e.keyword for e in errors(5, {"minimum": 10, "maximum": 1})] == ["minimum", "maximum"]


def test_enum_and_unique_items_tell_true_from_one():
    assert [e.keyword for e in errors(True, {"enum": [1, 2]})] == ["enum"]
    assert not list(errors([1, True, {"a": 1}, {"a": True}], {"uniqueItems": True}))
    assert [e.keyword for e in errors([{"a": 1}, {"a": 1}], {"uniqueItems": True})] == ["uniqueItems"]


def test_any_of_keeps_each_branch_errors_with_its_index():
    found = list(errors(5, {"anyOf": [{"type": "string"}, {"type": "array"}]}))
    assert [(e.keyword, [(i, b.keyword) for i, b in e.branches]) for e in found] == \
        [("anyOf", [(0, "type"), (1, "type")])]
    assert not list(errors("x", {"anyOf": [{"type": "string"}, {"type": "array"}]}))


def test_errors_say_where_in_the_editors_words():
    located = load_yaml("title: T\nlang: en\nauthor:\n  - name: {given: A, family: 7}\n"
                        "    corresponding: sometimes\nkeywords: [a]\ntitel: x\n", "a.md", 2)
    problems = [(p.line, p.field, p.message, p.hint) for p in validate(located, schema.article_schema())]
    assert problems == [
        (5, "author[0].name.family", "must be text, not a number", None),
        (6, "author[0].corresponding", "must be true or false, not text", None),
        (8, "titel", "unknown field 'titel'", "did you mean 'title'?"),
    ]


def test_a_long_list_is_checked_in_linear_time(monkeypatch):
    # uniqueItems compared every pair before: 19,000 items were 180 million comparisons.
    from imprint.source import validation

    calls = []
    key = validation._key
    monkeypatch.setattr(validation, "_key", lambda value: calls.append(1) or key(value))
    items = [f"item {n}" for n in range(19_000)] + ["item 5"]
    found = list(errors(items, {"uniqueItems": True, "items": {"type": "string"}}))
    assert [e.keyword for e in found] == ["uniqueItems"]
    assert len(calls) <= 2 * len(items)
    monkeypatch.undo()
    located = load_yaml("first-page: 1\narticles: [a, b, a]\n", "issue.yaml")
    assert [(p.field, p.message, p.line) for p in validate(located, schema.issue_schema())] == \
        [("articles", "'a' is listed twice", 2)]
