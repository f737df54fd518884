"""Same inputs, same bytes: two builds in separate processes are identical."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile

import pikepdf
import pytest

from conftest import CASES, REPO, make_project

FORMATS = ("epub", "pdf", "json", "bib", "ris")


def build_in_process(root, out, *options, **env):
    environment = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    environment.update(env)
    run = subprocess.run([sys.executable, str(REPO / "publish.py"), "build", "-q", "-C", str(root), "-o", str(out),
                          *options], capture_output=True, text=True, env=environment)
    assert run.returncode == 0, run.stderr
    # The build manifest (.imprint/) records when files were written: not an edition.
    return {p.relative_to(out): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()
            and ".imprint" not in p.relative_to(out).parts}


@pytest.mark.slow  # (seconds: out of the quick loop)
def test_two_builds_are_byte_identical(tmp_path):
    root = make_project(tmp_path / "project", CASES / "full" / "source")
    first = build_in_process(root, tmp_path / "one")
    second = build_in_process(root, tmp_path / "two")
    editions = [f"polyglot-fixture/polyglot-fixture.{f}" for f in FORMATS if f not in ("archive", "handout", "site")]
    site = ["index.html", "site.css", "opds/index.xml", "opds/articles.xml", "polyglot-fixture/index.html",
            "polyglot-fixture/cover.jpg", "polyglot-fixture/cover-thumbnail.jpg"]
    assert sorted(str(p) for p in first) == sorted(editions + site)
    assert first == second


@pytest.mark.slow
def test_every_edition_and_booklet_is_reproducible(tmp_path):
    root = make_project(tmp_path / "project", CASES / "apparatus-ru" / "source")
    options = ("-f", "epub,pdf,archive,handout,json,bib,ris", "--booklet", "--crop-marks")
    first = build_in_process(root, tmp_path / "one", *options)
    second = build_in_process(root, tmp_path / "two", *options)
    assert len(first) == 10 and first == second


def test_source_date_epoch_dates_what_the_metadata_does_not(tmp_path):
    """SOURCE_DATE_EPOCH dates the editions of an article without a date of its own;
    the editor's `date-modified`, else `date`, comes first (the epoch, which set-ups
    take from the last commit, re-dated every article at every commit: QA 20)."""
    root = make_project(tmp_path / "project", REPO / "source")
    article = root / "source" / "batunaev-2019-khalkhin-gol" / "article.md"
    article.write_text(article.read_text(encoding="utf-8").replace("date: 2019\n", ""), encoding="utf-8")
    build_in_process(root, tmp_path / "out", SOURCE_DATE_EPOCH="1700000000")  # 2023-11-14T22:13:20Z
    epub = tmp_path / "out" / "batunaev-2019-khalkhin-gol" / "batunaev-2019-khalkhin-gol.epub"
    with zipfile.ZipFile(epub) as archive:
        assert {i.date_time for i in archive.infolist()} == {(2023, 11, 14, 22, 13, 20)}
        assert b"<meta property=\"dcterms:modified\">2023-11-14T22:13:20Z</meta>" in archive.read("EPUB/content.opf")
    with pikepdf.open(epub.with_suffix(".pdf")) as pdf:
        assert str(pdf.docinfo["/ModDate"]).startswith("D:20231114221320")
        assert pdf.open_metadata()["xmp:ModifyDate"] == "2023-11-14T22:13:20Z"
    article.write_text(article.read_text(encoding="utf-8").replace("lang:", "date: 2019\ndate-modified: 2020-05-05\n"
                                                                   "lang:", 1), encoding="utf-8")
    build_in_process(root, tmp_path / "dated", SOURCE_DATE_EPOCH="1700000000")
    epub = tmp_path / "dated" / "batunaev-2019-khalkhin-gol" / "batunaev-2019-khalkhin-gol.epub"
    with zipfile.ZipFile(epub) as archive:
        assert b"<meta property=\"dcterms:modified\">2020-05-05T00:00:00Z</meta>" in archive.read("EPUB/content.opf")
    with pikepdf.open(epub.with_suffix(".pdf")) as pdf:
        assert str(pdf.docinfo["/ModDate"]).startswith("D:20200505")
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:2019")  # publication date, from the metadata


@pytest.mark.slow
def test_the_same_project_in_another_folder_gives_the_same_bytes(tmp_path):
    """Nothing of where the project lies reaches the files: WeasyPrint 70 names a
    PDF's images after their URL, which names the project's root, not its folder
    (files.file_url)."""
    first = make_project(tmp_path / "one", CASES / "issue" / "source")
    second = make_project(tmp_path / "elsewhere" / "two", CASES / "issue" / "source")
    build_in_process(first, first / "dist", SOURCE_DATE_EPOCH="1700000000")
    build_in_process(second, second / "dist", SOURCE_DATE_EPOCH="1700000000")
    made = sorted(p.relative_to(first / "dist") for p in (first / "dist").rglob("*")
                  if p.is_file() and ".imprint" not in p.parts)
    assert any(p.suffix == ".pdf" for p in made)
    assert [str(p) for p in made if (first / "dist" / p).read_bytes() != (second / "dist" / p).read_bytes()] == []


def test_a_template_printing_paths_gives_the_same_bytes_in_another_folder(tmp_path):
    """A designer's template that prints the paths it is given (the article's, its
    bibliography's, an image's) prints them from the project's folder: the same
    project built in two folders gives the same PDF and EPUB (QA 26, F4)."""
    from imprint import build
    from imprint.settings import Settings

    printed = ('<p class="paths">{{ doc.article.path }} {{ doc.article.bibliography[0] }} '
               '{{ doc.body.assets[0].image.path }}</p>\n')
    made = []
    for folder in (tmp_path / "one", tmp_path / "elsewhere" / "two"):
        root = make_project(folder, CASES / "apparatus-ru" / "source")
        template = root / "styles" / "templates" / "front-matter.html.j2"
        template.write_text(template.read_text(encoding="utf-8") + printed, encoding="utf-8")
        report = build(Settings.for_project(root, environ={"SOURCE_DATE_EPOCH": "1700000000"}, executor="inline",
                                            formats=("epub", "pdf")))
        assert report.ok, report.problems
        made.append({p.relative_to(root / "dist"): p.read_bytes() for p in sorted((root / "dist").rglob("*"))
                     if p.is_file() and ".imprint" not in p.parts})
    assert sorted(made[0]) == sorted(made[1]) and any(p.suffix == ".pdf" for p in made[0])
    assert [str(p) for p in made[0] if made[0][p] != made[1][p]] == []
    epub = next(p for p in made[0] if p.suffix == ".epub")
    with zipfile.ZipFile(tmp_path / "one" / "dist" / epub) as book:
        page = next(book.read(n).decode() for n in book.namelist() if b'class="paths"' in book.read(n))
    assert "source/apparatus-ru/article.md source/apparatus-ru/references.bib source/apparatus-ru/images/" in page
