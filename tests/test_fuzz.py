"""Property tests: Hypothesis writes front matter and Markdown, Imprint builds it.

Whatever it is given, a build either makes an EPUB that EPUBCheck passes (with
every heading in its navigation) and a PDF, or stops with a clean user error
(exit 2, each line `error: file:line: ...`) - never any other exception. The
generator is seeded with markdown-it-py's and cmark's crash and pathological
cases. Derandomized: the same examples every run, in CI too."""

from __future__ import annotations

import re
import tempfile
import zipfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from lxml import etree

from conftest import make_project
from imprint.cli import main
from validators import epubcheck

WORDS = st.sampled_from(["history", "treaty", "граница", "договор", "Халхин-Гол", "1939", "A.", "e.g.", "«так»",
                         "\"so\"", "it's", "5 %", "—", "&", "<b>", "</title>", "x_y", "a*b", "\\", "`", "[", "]",
                         "{#id}", "a@b", "^", "~", "|", "ё", "Ǆ", "\u00ad", "\u200b", "🙂"])
# Any text a person could type (no control characters: those are tested on their own).
TYPED = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Co", "Cn")), max_size=20)
VALID_INLINE = st.one_of(
    WORDS, TYPED, WORDS.map(lambda w: f"*{w}*"), WORDS.map(lambda w: f"**{w}**"), WORDS.map(lambda w: f"`{w}`"),
    WORDS.map(lambda w: f"[{w}](https://example.org/{len(w)})"), st.just("^[an inline note]"),
    st.just("<script>alert(1)</script>"), st.just("<div onclick='x()'>"),
)
# What an editor must be told about: each one a user error.
MISTAKES = st.sampled_from(["[a link](#nowhere)", "[@smith2020]", "![an image](missing.png)", "[^9]", "\x01",
                            "[x](javascript:alert(1))", "![a](/etc/passwd)", "![a](https://example.org/a.png)"])

pytestmark = pytest.mark.slow  # (a minute or two: out of ./test.sh -m 'not slow')


@st.composite
def inline(draw) -> str:
    """A line of inline Markdown; one in ten has a mistake an editor must be told
    about (the highest value is the mistake: Hypothesis favours low ones)."""
    parts = draw(st.lists(VALID_INLINE, min_size=1, max_size=12))
    if draw(st.integers(0, 9)) == 9:
        parts.insert(draw(st.integers(0, len(parts))), draw(MISTAKES))
    return " ".join(parts)


INLINE = inline()


@st.composite
def blocks(draw) -> str:
    kind = draw(st.sampled_from(["heading", "heading", "paragraph", "paragraph", "paragraph", "list", "quote",
                                 "table", "code", "typed"]))
    text = draw(INLINE)
    if kind == "heading":
        return "#" * draw(st.integers(1, 6)) + " " + text
    if kind == "list":
        return "\n".join(("  " * min(i, 3)) + draw(st.sampled_from(["- ", "1. ", "* "])) + draw(INLINE)
                         for i in range(draw(st.integers(1, 5))))
    if kind == "quote":
        return "> " + text.replace("\n", "\n> ")
    if kind == "table":
        return f"| {draw(WORDS)} | {draw(WORDS)} |\n|---|--:|\n| {text.replace('|', '/')} | 1 |"
    if kind == "code":
        return f"```\n{text}\n```"
    if kind == "typed":
        return draw(TYPED)
    return text


FRONT = st.fixed_dictionaries(
    {"title": st.one_of(INLINE, TYPED.filter(str.strip)),
     "lang": st.sampled_from(["ru", "en", "en-GB", "de", "fr", "uk", "xx-invalid"])},
    optional={
        "subtitle": INLINE,
        "author": st.lists(st.fixed_dictionaries({"name": st.one_of(INLINE, TYPED.filter(str.strip))}), max_size=3),
        "abstract": INLINE,
        "keywords": st.lists(WORDS, max_size=4),
        "date": st.sampled_from(["2019", "2019-05-31", 2020, "2019-05-31", "2019-13-45"]),
        "doi": st.sampled_from(["10.1234/abc", "https://doi.org/10.5555/x.y", "10.1000/182", "not a doi"]),
        "number-sections": st.booleans(),
        "x-unknown-field": WORDS,
    },
)


def article_text(front: dict, body: list[str], raw_front: str | None) -> str:
    head = raw_front if raw_front is not None else yaml.safe_dump(front, allow_unicode=True, sort_keys=False)
    return f"---\n{head}---\n\n" + "\n\n".join(body) + "\n"


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                 HealthCheck.data_too_large])
@given(front=FRONT, body=st.lists(blocks(), max_size=12),
       raw_front=st.tuples(st.integers(0, 19), st.text(max_size=40)).map(  # now and then, front matter of any text
           lambda chance: chance[1] if chance[0] == 19 else None))
# markdown-it-py's fuzzing crash cases and cmark's pathological ones, small
@example(front={"title": "T", "lang": "en"}, body=["> [!\n>"], raw_front=None)
@example(front={"title": "T", "lang": "en"}, body=["[]: <\n\n[]"], raw_front=None)
@example(front={"title": "T", "lang": "en"}, body=["- >\n  -\n>"], raw_front=None)
@example(front={"title": "T", "lang": "en"}, body=["|\n-|\n\t|"], raw_front=None)
@example(front={"title": "T", "lang": "en"}, body=["*a **a " * 50 + "b" + " a** a*" * 50], raw_front=None)
@example(front={"title": "T", "lang": "en"}, body=["[" * 100 + "a" + "]" * 100], raw_front=None)
@example(front={"title": "T", "lang": "en"}, body=["[a](<b" * 200, "a]" * 200, "_a " * 200], raw_front=None)
@example(front={"title": "# Heading? [^1]", "lang": "ru"}, body=["# \u0000"], raw_front=None)
@example(front={"title": "T"}, body=["# A\n\n###### F\n\n## B {#b}\n\n# A"], raw_front=None)
@example(front={"title": "T"}, body=[], raw_front="title: [unclosed\n")
def test_any_input_builds_or_fails_cleanly(front, body, raw_front, tmp_path_factory, capsys):
    where = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    (where / "src" / "a").mkdir(parents=True)
    (where / "src" / "a" / "article.md").write_text(article_text(front, body, raw_front), encoding="utf-8")
    root = make_project(where / "project", where / "src")
    code = main(["-q", "-C", str(root), "-f", "epub,pdf", "--jobs", "1", "--time-limit", "120"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    if code == 2:
        lines = [line for line in captured.err.split("\n")
                 if line and not line.startswith(("    ", "warning: "))]  # (warnings may come before)
        assert lines[-1].endswith("were left as they were."), captured.err
        assert all(line.startswith("error: ") for line in lines[:-1]), captured.err
        assert not (root / "dist" / "a").exists()
        event("a clean user error")  # (--hypothesis-show-statistics counts the outcomes)
        for line in lines[:-1]:
            event("error: " + re.sub(r"'[^']*'|\d+", "…", line.split(": ", 2)[-1])[:60])
        return
    assert code == 0, captured.err
    assert all(line.startswith(("warning: ", "    ")) for line in captured.err.split("\n") if line), captured.err
    event("built")
    epub, pdf = root / "dist" / "a" / "a.epub", root / "dist" / "a" / "a.pdf"
    assert pdf.read_bytes().startswith(b"%PDF-")
    problems = [m for m in epubcheck(epub, where) if m["severity"] in ("FATAL", "ERROR", "WARNING")]
    assert not problems, problems
    with zipfile.ZipFile(epub) as archive:
        names = archive.namelist()
        nav = etree.fromstring(archive.read(next(n for n in names if n.endswith("nav.xhtml"))))
        targets = {a.get("href").rsplit("/", 1)[-1] for a in nav.iter("{http://www.w3.org/1999/xhtml}a")}
        for name in names:
            if name.endswith(".xhtml") and "chapter" in name:
                page = etree.fromstring(archive.read(name))
                for heading in page.iter(*[f"{{http://www.w3.org/1999/xhtml}}h{n}" for n in range(1, 7)]):
                    if heading.get("id") and heading.getparent().get("class") != "notes":
                        assert f"{name.rsplit('/', 1)[-1]}#{heading.get('id')}" in targets or \
                            name.rsplit("/", 1)[-1] in targets, f"{heading.get('id')} of {name} is not in the nav"


# -- A project's templates and its front matter's URLs (issue 18) -------------------

# Pieces of Jinja, of what templates are given, and of escape attempts: joined at
# random, mostly nonsense that Jinja refuses, now and then a template that renders.
TEMPLATE_PIECES = st.sampled_from([
    "{{", "}}", "{%", "%}", "{#", "#}", "{{ ", " }}", "{% ", " %}", " ", "\n", "<p>", "</p>", "&", "<", "'", '"',
    "doc", "doc.article", ".", "title", "path", "read_text()", "parent", "a", "t", "t.doi", "x", "loop", "self",
    "(", ")", "[", "]", "()", ",", ":", "|", "=", "~", "+", "-", "*", "**", "/", "//", "%", "0", "1", "9", "99",
    "join", "length", "safe", "e", "upper", "random", "list", "map('string')", "format(1)", "typeset('ru')",
    "if", "elif", "else", "endif", "for", "in", "endfor", "set", "endset", "macro", "endmacro", "call", "endcall",
    "caller()", "include", "extends", "block", "endblock", "import", "from", "with", "endwith", "raw", "endraw",
    "filter", "endfilter", "is", "not", "and", "or", "none", "true", "defined", "range", "range(99)", "namespace()",
    "cycler", "lipsum()", "dict()", "__init__", "__globals__", "__class__", "__mro__", "__subclasses__()", "_x",
    "'front-matter.html.j2'", "'print/article.html.j2'", "'nope.j2'", "mro", "os", "popen('id')", "append(1)",
])
TEMPLATE_TEXT = st.lists(st.tuples(TEMPLATE_PIECES, st.sampled_from(["", "", " "])), max_size=40).map(
    lambda pieces: "".join(piece + gap for piece, gap in pieces))


def _assert_clean(code: int, captured, root: Path, slug: str) -> None:
    """Exit 0, or exit 2 with only `error: file:line: ...` lines: never a traceback, never exit 1."""
    assert "Traceback" not in captured.err + captured.out
    assert code in (0, 2), captured.err
    if code == 2:
        lines = [line for line in captured.err.split("\n") if line and not line.startswith(("    ", "warning: "))]
        assert lines[-1].endswith("were left as they were."), captured.err
        assert all(line.startswith("error: ") for line in lines[:-1]), captured.err
        assert not (root / "dist" / slug).exists()


@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(template=TEMPLATE_TEXT, keep=st.booleans())
@example(template="{{ cycler.__init__.__globals__.os.popen('id').read() }}", keep=True)
@example(template="{{ doc.article.path.read_text() }}", keep=True)
@example(template="{% include 'front-matter.html.j2' %}", keep=False)
@example(template="{% if 1 %}" * 3000 + "{% endif %}" * 3000, keep=False)
@example(template="{{ 'a'|truncate(-1) }}{{ 1 / 0 }}", keep=True)
def test_any_project_template_builds_or_fails_cleanly(template, keep, tmp_path_factory, capsys):
    """Any text in a project's styles/templates/front-matter.html.j2 (alone, or before
    the template's own text): exit 0 or a clean user error, never exit 1 or a traceback."""
    where = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    (where / "src" / "a").mkdir(parents=True)
    (where / "src" / "a" / "article.md").write_text("---\ntitle: T\nlang: en\n---\n\nText.\n", encoding="utf-8")
    root = make_project(where / "project", where / "src")
    front = root / "styles" / "templates" / "front-matter.html.j2"
    front.write_text(template + "\n" + (front.read_text(encoding="utf-8") if keep else ""), encoding="utf-8")
    code = main(["-q", "-C", str(root), "-f", "epub,pdf", "--jobs", "1", "--time-limit", "120"])
    _assert_clean(code, capsys.readouterr(), root, "a")
    event("built" if code == 0 else "a clean user error")
    if code == 0:  # and nothing a template could only have by running a command or reading a file
        with zipfile.ZipFile(root / "dist" / "a" / "a.epub") as epub:
            pages = b"".join(epub.read(name) for name in epub.namelist() if name.endswith(".xhtml"))
        assert b"gid=" not in pages and b"title: T" not in pages


# What an editor (or an attacker) may write where a web address goes.
URL_TEXT = st.one_of(
    TYPED,
    st.sampled_from(["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:x",
                     "data:text/html,<script>alert(1)</script>", "vbscript:x", "file:///etc/passwd", "//evil.org/",
                     "\\\\evil.org\\x", "ftp://example.org/", "mailto:a@example.org", "https://", "https://a b/",
                     "https://example.org/\n", "https://example.org/\"onmouseover=\"x", "https://example.org/}",
                     "https://example.org/a?b=<c>", "https://user@example.org/", "https://example.org/ok"]),
    TYPED.map(lambda text: "https://example.org/" + text),
    TYPED.map(lambda text: "http://" + text),
)
URL_FIELDS = ("license.url", "citation.url", "citation.pdf-url", "author.url", "author.affiliation-url",
              "affiliation.url", "affiliation.ror", "author.email", "base-url")


def _front_with(field: str, value: str) -> tuple[dict, dict]:
    """An article's front matter and the publication file's, `value` in `field`."""
    front = {"title": "T", "lang": "en", "author": [{"name": "A B", "corresponding": True,
                                                     "affiliations": [{"name": "Institute"}]}]}
    publication: dict = {}
    if field == "base-url":
        publication["base-url"] = value
    elif field.startswith("license."):
        front["license"] = {"text": "CC BY 4.0", "url": value}
    elif field.startswith("citation."):
        front["citation"] = {"container-title": "Journal", field.split(".")[1]: value}
    elif field.startswith("author."):
        front["author"][0][field.split(".")[1]] = value
    else:
        front["author"][0]["affiliations"][0][field.split(".")[1]] = value
    return front, publication


@settings(max_examples=30, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(field=st.sampled_from(URL_FIELDS), value=URL_TEXT)
@example(field="license.url", value="javascript:alert(5)")
@example(field="citation.url", value="javascript:alert(6)")
@example(field="author.email", value="javascript:alert(1)//@example.org")
def test_any_url_field_value_builds_or_fails_cleanly(field, value, tmp_path_factory, capsys):
    """Any text in a URL field: a clean user error, or a build in which the value
    is a web address (an e-mail address) and no script or file address is a link."""
    where = Path(tempfile.mkdtemp(dir=tmp_path_factory.getbasetemp()))
    (where / "src" / "a").mkdir(parents=True)
    front, publication = _front_with(field, value)
    (where / "src" / "a" / "article.md").write_text(article_text(front, ["Text."], None), encoding="utf-8")
    if publication:
        (where / "src" / "publication.yaml").write_text(yaml.safe_dump(publication, allow_unicode=True),
                                                        encoding="utf-8")
    root = make_project(where / "project", where / "src")
    code = main(["-q", "-C", str(root), "-f", "epub,json,bib,ris,site", "--jobs", "1", "--time-limit", "120"])
    _assert_clean(code, capsys.readouterr(), root, "a")
    if code == 2:
        event("a clean user error")
        return
    event("built")
    if field == "author.email":
        assert re.fullmatch(r"[^@\s:/]+@[^@\s:/]+\.[^@\s:/]+", value), value
    elif field == "affiliation.ror":
        assert re.fullmatch(r"(https://ror\.org/)?0[0-9a-z]{6}\d\d", value), value
    else:
        assert re.match(r"https?://[^\s/?#@]+", value), value
    schemes = re.compile(rb"(?:href|src)=[\"']\s*(?:javascript|vbscript|data|file):", re.I)
    for path in (root / "dist").rglob("*"):
        if path.suffix in (".html", ".epub"):
            data = path.read_bytes()
            texts = [data] if path.suffix == ".html" else [
                zipfile.ZipFile(path).read(name) for name in zipfile.ZipFile(path).namelist() if name.endswith("html")]
            assert not any(schemes.search(text) for text in texts), path
