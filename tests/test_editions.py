"""The edition registry (imprint/editions.py): an edition declared once is
built, offered on the landing page, checked by `publish.py check` and accepted
by the command line, with nothing else changed. The proof is a plain-text
edition made here: its writer and check (below), its template and its words
(in the test project's styles/), and one register() call."""

from __future__ import annotations

from pathlib import Path

import pytest

from imprint.cli import main
from imprint.editions import DEFAULT, E_READER, EDITIONS, Edition, register
from test_incremental import small_project

TEMPLATE = """{{ doc.article.title }}
{% for author in doc.article.authors %}{{ author.name.display }}
{% endfor %}
{% for chapter in doc.body.chapters %}{{ chapter.epub_html|striptags }}
{% endfor %}
"""


def write_text(manuscript, theme, settings) -> bytes:
    """The plain-text edition's writer: its template, filled."""
    return theme.render("text/article.txt.j2", doc=manuscript).encode("utf-8")


def check_text(path: Path, dist: Path, work: Path, tools: bool):
    """The plain-text edition's check: UTF-8 text, not empty."""
    text = path.read_bytes().decode("utf-8")
    if not text.strip():
        yield "error", "the plain-text edition is empty"


TEXT = Edition("text", "{slug}.txt", "plain text", "text/plain", E_READER, f"{__name__}:write_text",
               f"{__name__}:check_text")


@pytest.fixture
def text_edition(tmp_path):
    register(TEXT)
    root = small_project(tmp_path, 2)
    (root / "styles" / "templates" / "text").mkdir(parents=True)
    (root / "styles" / "templates" / "text" / "article.txt.j2").write_text(TEMPLATE)
    (root / "styles" / "locales" / "en.yaml").write_text("file_text: Plain text\n")
    try:
        yield root
    finally:
        del EDITIONS["text"]


def test_a_registered_edition_is_built_offered_and_checked(text_edition, capsys):
    root = text_edition
    assert main(["build", "-q", "-C", str(root), "-f", "epub,text,site"]) == 0
    text = (root / "dist" / "a1" / "a1.txt").read_text(encoding="utf-8")
    assert text.startswith("Article 1\nAnn Example\n") and "The text of article 1." in text
    landing = (root / "dist" / "a1" / "index.html").read_text(encoding="utf-8")
    assert 'href="a1.txt"' in landing and "Plain text" in landing

    from imprint.conformance import check

    report = check(root / "dist", tools=False)
    assert "a1/a1.txt" in report.checked and not [f for f in report.findings if f.path == "a1/a1.txt"]
    (root / "dist" / "a1" / "a1.txt").write_text(" ")
    assert "the plain-text edition is empty" in \
        [f.message for f in check(root / "dist", tools=False).findings if f.path == "a1/a1.txt"]


def test_the_command_line_offers_the_registered_editions(text_edition, capsys):
    assert main(["build", "--help"]) == 0
    assert "text (plain text)" in " ".join(capsys.readouterr().out.split())
    assert main(["build", "-q", "-C", str(text_edition), "-f", "nonsense"]) == 2
    assert "choose from epub, pdf, archive, handout, json, bib, ris, site, text" in capsys.readouterr().err


def test_a_file_ending_in_xml_is_checked_as_its_edition_not_as_a_feed(tmp_path):
    register(Edition("jats", "{slug}.xml", "JATS", "application/xml", "citation record", f"{__name__}:write_text",
                     f"{__name__}:check_text"))
    try:
        from imprint.conformance import check_opds, checker_for

        assert checker_for(Path("a1/a1.xml")).__name__ == "check_text"
        assert checker_for(Path("opds/articles.xml")) is check_opds
    finally:
        del EDITIONS["jats"]


def test_every_default_edition_is_declared():
    assert set(DEFAULT) <= set(EDITIONS)
    assert all(edition.writer.count(":") == 1 for edition in EDITIONS.values())


def test_the_schema_lists_the_registered_editions(text_edition):
    from imprint.source.schema import publication_schema

    editions = publication_schema()["properties"]["editions"]
    assert editions["items"]["enum"][-1] == "text" and "text: plain text" in editions["description"]
    (text_edition / "source" / "publication.yaml").write_text(
        "citation:\n  container-title: The Test Journal\neditions: [epub, text]\n")
    assert main(["build", "-q", "-C", str(text_edition)]) == 0
    assert (text_edition / "dist" / "a2" / "a2.txt").is_file()
