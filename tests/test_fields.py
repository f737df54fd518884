"""A front matter field is declared once, on its model attribute (source/model.py,
schema.front_matter): the JSON Schema, the reading, the default and the
documentation all come from that declaration."""

from __future__ import annotations

import dataclasses
import json
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from conftest import REPO
from imprint import build
from imprint.source import schema
from imprint.cli import main
from imprint.settings import Settings
from imprint.source.metadata import ArticleBuilder
from imprint.source.model import Article, BackMatter, PartialDate, csl_variables, dcterms_values
from imprint.source.schema import FRONT_MATTER, FrontMatter, declared
from imprint.source.project import load_project
from pdfread import page_text
from validators import epubcheck

NBSP = "\u00a0"


def project(tmp_path: Path, front_matter: str, body: str = "Text.\n") -> Settings:
    folder = tmp_path / "source" / "a"
    folder.mkdir(parents=True)
    (folder / "article.md").write_text(f"---\n{front_matter}---\n\n{body}", encoding="utf-8")
    return Settings.for_project(tmp_path, environ={})


def declarations() -> dict[str, FrontMatter]:
    return {d.key: d for _, d in declared(Article)}


def test_the_article_schema_is_the_declarations():
    properties = schema.article_schema()["properties"]
    for key, declaration in declarations().items():
        assert properties[key]["description"] == declaration.doc
        assert {k: v for k, v in properties[key].items() if k not in ("description", "x-required-hint")} == \
            {k: v for k, v in declaration.values.items() if k != "description"}
        for alias in declaration.aliases:
            assert properties[alias]["description"].startswith(f"Same as `{key}`")
    assert schema.article_schema()["required"] == ["title"]
    assert properties["title"]["x-required-hint"] == "add 'title: ...' in the front matter"
    # Quarto's and Pandoc's other options: accepted and ignored.
    assert properties["format"] == {"description": "Setting for Quarto or Pandoc; Imprint ignores it."}


def test_the_publication_file_takes_the_shared_fields():
    properties = schema.publication_schema()["properties"]
    shared = {key for key, d in declarations().items() if d.shared}
    assert shared == {"lang", "license", "copyright", "csl", "paper", "citation", "bibliography", "links-as-notes"}
    assert shared <= set(properties) and "editions" in properties and "title" not in shared


def test_a_group_puts_its_fields_at_the_top_level():
    paths = {path: d.key for path, d in declared(Article)}
    assert paths[("back_matter", "funding")] == "funding"
    assert {f.name for f in dataclasses.fields(BackMatter)} == {p[1] for p in paths if p[0] == "back_matter"}


def test_every_field_read_by_its_own_reader_has_one(tmp_path):
    own = {d.key for d in declarations().values() if d.read == "own"}
    builder = ArticleBuilder.__new__(ArticleBuilder)
    assert set(builder.readers) == own


def test_the_model_defaults_are_the_declared_ones(tmp_path):
    loaded = load_project(project(tmp_path, "title: T\n"))
    article = loaded.project.articles[0]
    defaults = {f.name: f.default for f in dataclasses.fields(Article) if FRONT_MATTER in f.metadata
                and f.default is not dataclasses.MISSING}
    assert defaults["csl"] == article.csl == "chicago-author-date"
    assert defaults["lang"] == article.lang == "en" and defaults["paper"] == article.paper
    assert article.keywords == () and article.number_sections is False and article.back_matter == BackMatter()


def test_a_field_under_two_of_its_names_is_a_problem(tmp_path):
    loaded = load_project(project(tmp_path, "title: T\nlang: en\nacknowledgements: Thanks.\n"
                                            "acknowledgments: Thanks again.\n"))
    assert [str(p) for p in loaded.problems] == [
        "source/a/article.md:5: acknowledgments: give the acknowledgements under 'acknowledgements' or "
        "'acknowledgments', not both"]
    loaded = load_project(project(tmp_path / "one", "title: T\nlang: en\ncompeting-interests: None.\n"))
    assert not loaded.problems
    assert loaded.project.articles[0].back_matter.conflict_of_interest == "None."


# -- A field added with one declaration: date-received and date-accepted ---------

HISTORY_EN = """title: A history of the article
author: Jane Roe
lang: en
date: 2024-09-30
date-received: March 12, 2024
date-accepted: 2024-06-03
citation:
  container-title: Journal of Tests
"""
HISTORY_RU = """title: История статьи
author: Иван Петров
lang: ru
date: 2024
date-received: 2024-03-12
date-accepted: 2024-06
"""


def test_the_history_dates_are_read_as_date_is(tmp_path):
    loaded = load_project(project(tmp_path, HISTORY_EN))
    article = loaded.project.articles[0]
    assert not loaded.problems
    assert (article.date_received, article.date_accepted) == (PartialDate(2024, 3, 12), PartialDate(2024, 6, 3))
    properties = schema.article_schema()["properties"]
    assert properties["date-received"]["type"] == properties["date"]["type"] == ["string", "integer"]
    assert properties["date-received"]["description"].startswith("When the journal received the manuscript")
    assert csl_variables(article) == {"submitted": {"date-parts": [[2024, 3, 12]]}}
    assert dcterms_values(article) == [("dateSubmitted", "2024-03-12"), ("dateAccepted", "2024-06-03")]


def test_a_wrong_history_date_is_reported_with_its_line_and_field(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = tmp_path / "p"
    project(root, "title: T\nlang: en\ndate-received: 2024-13-45\ndate-accepted: [2024]\n")
    shutil.copytree(REPO / "styles", root / "styles")
    code = main(["build", "-C", str(root)])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    # The value's check (values.parse_date) and the schema's (the declaration's type).
    assert "source/a/article.md:4: date-received: '2024-13-45' is not a date in the calendar" in err
    assert "source/a/article.md:5: date-accepted: must be text or a whole number, not a list" in err
    assert not (root / "dist" / "a").exists()


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """Two articles with their history, in every edition that prints or records it."""
    root = tmp_path_factory.mktemp("history")
    for slug, front_matter in (("history-en", HISTORY_EN), ("history-ru", HISTORY_RU)):
        folder = root / "source" / slug
        folder.mkdir(parents=True)
        (folder / "article.md").write_text(f"---\n{front_matter}---\n\nThe text.\n", encoding="utf-8")
    shutil.copytree(REPO / "styles", root / "styles")
    report = build(Settings.for_project(root, environ={}, formats=("epub", "pdf", "json", "bib", "ris", "site")))
    assert report.ok, report.problems
    return root / "dist"


EN = "Received 12 March 2024. Accepted 3 June 2024."
RU = f"Поступила в{NBSP}редакцию 12{NBSP}марта 2024{NBSP}г. Принята к{NBSP}публикации в{NBSP}июне 2024{NBSP}г."


def _text(element) -> str:
    return "".join(element.itertext())


def test_the_history_is_in_the_epub_front_matter_and_package(history):
    for slug, expected in (("history-en", EN), ("history-ru", RU)):
        with zipfile.ZipFile(history / slug / f"{slug}.epub") as epub:
            page = etree.fromstring(epub.read("EPUB/front-matter.xhtml"))
            opf = etree.fromstring(epub.read("EPUB/content.opf"))
        found = page.find(".//x:p[@id='history']", {"x": "http://www.w3.org/1999/xhtml"})
        assert _text(found) == expected
        meta = {m.get("property"): m.text for m in opf.iter("{http://www.idpf.org/2007/opf}meta") if m.get("property")}
        assert meta["dcterms:dateSubmitted"] == "2024-03-12"
        assert meta["dcterms:dateAccepted"] == ("2024-06-03" if slug == "history-en" else "2024-06")


@pytest.mark.slow  # (EPUBCheck: seconds)
def test_epubcheck_takes_the_dcterms_dates(history, tmp_path):
    for slug in ("history-en", "history-ru"):
        messages = epubcheck(history / slug / f"{slug}.epub", tmp_path)
        assert messages == [], messages


def test_the_history_is_printed_in_the_pdf_front_matter(history):
    for slug, expected in (("history-en", EN), ("history-ru", RU)):
        text = " ".join(page_text(history / slug / f"{slug}.pdf", 1).replace(NBSP, " ").split())
        assert expected.replace(NBSP, " ") in text


def test_the_received_date_is_csl_submitted_and_nothing_is_invented(history):
    record = json.loads((history / "history-en" / "history-en.json").read_text())[0]
    assert record["submitted"] == {"date-parts": [[2024, 3, 12]]}
    assert record["issued"] == {"date-parts": [[2024, 9, 30]]}
    assert not {"accepted", "date-accepted"} & set(record)  # CSL 1.0.2 has no variable for it
    # Neither BibTeX nor RIS has a standard field for either date.
    for name in ("history-en.bib", "history-en.ris"):
        text = (history / "history-en" / name).read_text()
        assert "2024-03-12" not in text and "2024/03/12" not in text and "2024-06-03" not in text


def test_the_landing_page_shows_and_declares_the_history(history):
    for slug, expected in (("history-en", EN), ("history-ru", RU)):
        page = html.parse(str(history / slug / "index.html")).getroot()
        assert _text(page.find(".//p[@id='history']")) == expected
        meta = {m.get("name"): m.get("content") for m in page.iter("meta") if m.get("name")}
        assert meta["DCTERMS.dateSubmitted"] == "2024-03-12"
        assert page.find(".//link[@rel='schema.DCTERMS']").get("href") == "http://purl.org/dc/terms/"


def test_every_authors_email_and_web_page_are_in_about_the_authors(tmp_path):
    """The PLOS and AGU templates give every author an email (Russian journals
    list them all under «Сведения об авторах»): only the corresponding author's
    was printed, the others' and every `url` nowhere."""
    import zipfile

    from conftest import REPO, make_project
    from imprint import build
    from imprint.settings import Settings

    root = make_project(tmp_path, REPO / "source")
    article = root / "source" / "batunaev-2019-khalkhin-gol" / "article.md"
    article.write_text(article.read_text().replace(
        "    orcid: 0000-0001-6641-4124\n",
        "    orcid: 0000-0001-6641-4124\n    email: batunaev@example.org\n    url: https://example.org/batunaev\n", 1))
    assert build(Settings.for_project(root, formats=("epub",), environ={})).ok
    with zipfile.ZipFile(root / "dist" / "batunaev-2019-khalkhin-gol" / "batunaev-2019-khalkhin-gol.epub") as epub:
        back = epub.read("EPUB/back-matter.xhtml").decode()
    assert 'href="mailto:batunaev@example.org"' in back and 'href="https://example.org/batunaev"' in back
