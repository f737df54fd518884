"""The schema check: JSON Schema's meaning of each keyword source/schema.py uses."""

from __future__ import annotations

import json

import pytest

from conftest import REPO
from imprint.source import schema
from imprint.source.issues import _page_past_printing
from imprint.source.frontmatter import load_yaml
from imprint.source.validation import ANNOTATIONS, KEYWORDS, drop_invalid, errors, validate


def _keywords(node, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for keyword, value in node.items():
            found.add(keyword)
            if keyword == "properties":
                for sub in value.values():
                    _keywords(sub, found)
            elif keyword in ("anyOf", "allOf"):
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
        [("articles[2]", "'a' is listed twice", 2)]


def test_what_the_schema_refuses_goes_and_no_more():
    """An author's bad e-mail address took the whole author list with it: the ORCID
    iD's check digit, checked after the schema, was told only on the next run (QA 23
    F15). A refused item of a list takes the list (the other items keep their
    places); a repeated item stays (the issue's other articles are looked for)."""
    located = load_yaml("title: T\nlang: en\nauthor:\n  - name: A\n    email: a.example.org\n"
                        "    orcid: 0000-0002-1825-0098\ncitation:\n  volume: [5]\n  issue: 3\n"
                        "keywords: [a, {b: c}]\n", "a.md")
    drop_invalid(located, schema.article_schema())
    assert located.data == {"title": "T", "lang": "en", "author": [{"name": "A", "orcid": "0000-0002-1825-0098"}],
                            "citation": {"issue": 3}}
    assert located.dropped == [("author", 0, "email"), ("citation", "volume"), ("keywords",)]
    assert ("author", 0, "email") not in located.lines and located.line_of(("author", 0, "orcid")) == 6
    assert not list(errors(located.data, schema.article_schema()))
    issue = load_yaml("articles: [a, a, b]\nfirst-page: 0\n", "issue.yaml")
    drop_invalid(issue, schema.issue_schema())
    assert issue.data == {"articles": ["a", "a", "b"]}


def test_a_value_with_underscores_for_hyphens_is_told_the_hyphened_one():
    """`lang: ru_RU` (a locale's name) was "not valid / write a language tag such as
    en, ru or en-GB" (QA 23 F22)."""
    located = load_yaml("title: T\nlang: ru_RU\ntranslation: {lang: en_us, title: T}\n", "a.md")
    assert [(p.field, p.message, p.hint) for p in validate(located, schema.article_schema())] == [
        ("lang", "'ru_RU' is not a language tag", "did you mean 'ru-RU'?"),
        ("translation.lang", "'en_us' is not a language tag", "did you mean 'en-us'?")]
    located = load_yaml("title: T\nlang: ru_Russian_Federation\n", "a.md")
    assert [p.hint for p in validate(located, schema.article_schema())] == [
        "write a language tag such as en, ru or en-GB"]


def test_a_pattern_s_end_is_the_end_of_the_text():
    """JSON Schema's `$` (ECMA-262) is the end of the text; Python's would let a
    last newline through ('https://example.org\\n', a language 'en\\n')."""
    assert [e.keyword for e in errors("en\n", schema.LANG)] == ["pattern"]
    assert not list(errors("en", schema.LANG))
    assert [e.keyword for e in errors("a\n", {"pattern": "^a$"})] == ["pattern"]
    assert not list(errors("$", {"pattern": "^[$]$"}))  # a `$` in a class is the character


def test_all_of_reports_each_branch_with_its_own_words():
    text = load_yaml("license: '  '\nother: ' javascript:x'\n", "f.yaml")
    found = validate(text, {"type": "object", "properties": {"license": schema.LICENSE, "other": schema.LICENSE}})
    assert [(p.field, p.message, p.hint) for p in found] == [
        ("license", "'  ' is not valid", "fill it in, or leave the field out"),
        ("other", "' javascript:x' starts like a script or a file's address, which a reader's software could "
                  "follow as a link", "write the text itself, or a web address that starts with https://"),
    ]


def _url_fields(node, path=()):
    """Every property of a schema named like a web address (url, URL, *-url), with its path."""
    if isinstance(node, dict):
        for key, value in node.get("properties", {}).items():
            if (key.lower() == "url" or key.endswith("-url")) and value != schema._IGNORED:  # (Quarto's own)
                yield path + (key,), value
            yield from _url_fields(value, path + (key,))
        for keyword in ("anyOf", "allOf"):
            for branch in node.get(keyword, []):
                yield from _url_fields(branch, path)
        if isinstance(node.get("items"), dict):
            yield from _url_fields(node["items"], path + ("[]",))


URLS_REFUSED = ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,x",
                "vbscript:x", "file:///etc/passwd", "ftp://example.org/", "//example.org/", "example.org",
                "https://", "https://exa mple.org/", "https://example.org/\n", "https://example.org/a\"b",
                "https://example.org/<script>", "https://user@example.org/", "mailto:a@example.org", ""]


@pytest.mark.parametrize("make", [schema.article_schema, schema.publication_schema, schema.issue_schema])
def test_every_url_field_takes_only_web_addresses(make):
    fields = dict(_url_fields(make()))
    if make is not schema.issue_schema:
        assert fields, "the walk found no URL field"
    for path, value in fields.items():
        for url in ("https://example.org/", "http://example.org/a/b?c=d#e", "https://doi.org/10.1000/182"):
            assert not list(errors(url, value)), (path, url)
        for url in URLS_REFUSED:
            assert list(errors(url, value)), (path, url)


def test_url_fields_of_the_article_are_all_found():
    """The fields the walk above checks: a new one named otherwise would need adding here."""
    paths = {".".join(k for k in path if k != "[]") for path, _ in _url_fields(schema.article_schema())}
    assert {"author.url", "author.affiliation-url", "author.affiliations.url", "author.affiliation.url",
            "affiliations.url", "license.url", "citation.url", "citation.URL", "citation.pdf-url"} <= paths


@pytest.mark.parametrize("value, ok", [("05qghxh33", True), ("https://ror.org/05qghxh33", True),
                                       ("javascript:alert(1)", False), ("http://evil.example/05qghxh33", False),
                                       ("05qghxh33\n", False)])
def test_a_ror_id_is_an_id_or_its_ror_org_address(value, ok):
    assert (not list(errors(value, schema.AFFILIATION_FIELDS["ror"]))) is ok


@pytest.mark.parametrize("value, ok", [("ada@example.org", True), ("a.b+c@d-e.co.uk", True),
                                       ("mailto:ada@example.org", False), ("javascript:x@y.z", False),
                                       ("a@b.c?subject=x", False), ("a b@c.d", False)])
def test_an_email_is_only_an_address(value, ok):
    email = schema.AUTHOR["anyOf"][1]["properties"]["email"]
    assert (not list(errors(value, email))) is ok


def test_a_value_s_line_breaks_are_shown_as_escapes():
    """A message stays one line and shows what is wrong: 'https://example.org/\\n'."""
    text = load_yaml('url: "https://example.org/\\n"\nlang: "e\\u2028n"\n', "f.yaml")
    found = validate(text, {"type": "object", "properties": {"url": schema._url("A page."), "lang": schema.LANG}})
    assert [p.message for p in found] == ["'https://example.org/\\n' is not a web address",
                                          "'e\\u2028n' is not a language tag"]


def test_the_published_schema_bounds_an_issue_s_first_page_as_the_loader_does():
    """Editors' tools read schema/issue.schema.json: it carries the loader's bound,
    in JSON Schema's own meaning (the loader says it in its own words:
    cases/errors/issue-first-page-too-large)."""
    published = json.loads((REPO / "schema" / "issue.schema.json").read_text())["properties"]["first-page"]
    assert published["maximum"] == schema.MAX_PAGE == 999_999
    assert not list(errors(schema.MAX_PAGE, published))
    assert [e.keyword for e in errors(schema.MAX_PAGE + 1, published)] == ["maximum"]
    located = load_yaml(f"articles: [a]\nfirst-page: {schema.MAX_PAGE + 1}\n", "source/vol-1/issue.yaml")
    problems = _page_past_printing(located) + validate(located, schema.issue_schema())
    assert [(p.line, p.field, p.message) for p in problems] == [
        (2, "first-page", "1,000,000 is more than a page number Imprint prints (999,999)")]
