"""A journal issue: one EPUB and one PDF of three articles, with continuous page numbers
that every citation of every article agrees with."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from conftest import CASES, REPO, make_project
from imprint import build
from imprint.settings import Settings
from pdfread import note_links, page_count, page_text, structure_problems
from validators import ace, epubcheck

ARTICLES = ("polyglot-fixture", "apparatus-ru", "apparatus-en")
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}
XHTML = {"x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}


def folio(pdf: Path, page: int) -> str:
    """The page number printed at the foot of a page (poppler, the bottom 20 mm of A4)."""
    out = subprocess.run([shutil.which("pdftotext"), "-f", str(page), "-l", str(page), "-x", "0", "-y", "785",
                          "-W", "595", "-H", "57", "-enc", "UTF-8", str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout
    return out.strip()


def pages(record_page: str) -> tuple[int, int]:
    first, _, last = record_page.partition("-")
    return int(first), int(last or first)


def records(issue) -> dict[str, dict]:
    dist = issue.root / "dist"
    return {slug: json.loads((dist / slug / f"{slug}.json").read_text())[0] for slug in ARTICLES}


def test_page_ranges_follow_the_issue_pdf(issue):
    pdf = issue.file("pdf")
    found = records(issue)
    assert [found[s]["page"] for s in ARTICLES] == ["173-178", "179-185", "186-188"]
    # The issue's first two pages (title page, contents) carry no number.
    assert folio(pdf, 1) == "" and folio(pdf, 2) == ""
    index = 3
    for slug in ARTICLES:
        first, last = pages(found[slug]["page"])
        title = found[slug]["title"].split(":")[0]
        assert title.split()[0] in page_text(pdf, index), f"{slug} does not start on PDF page {index}"
        assert folio(pdf, index) == ""  # an article's first page has no running head or folio
        for number in range(first + 1, last + 1):
            assert folio(pdf, index + number - first) == str(number), (slug, number)
        index += last - first + 1
    assert page_count(pdf) == index - 1


def test_the_issue_is_made_of_the_articles_own_pages(issue):
    """The issue's pages are the standalone print editions' pages, and viewers show
    the printed numbers (page labels)."""
    import pikepdf

    pdf = issue.file("pdf")
    index = 3
    for slug in ARTICLES:
        own = issue.root / "dist" / slug / f"{slug}.pdf"
        for page in range(1, page_count(own) + 1):
            assert page_text(own, page) == page_text(pdf, index), (slug, page)
            index += 1
    with pikepdf.open(pdf) as document:
        nums = document.Root.PageLabels.Nums
        labels = [(int(nums[i]), str(nums[i + 1].S), int(nums[i + 1].get("/St", 1))) for i in range(0, len(nums), 2)]
        assert labels == [(0, "/r", 1), (2, "/D", 173), (8, "/D", 179), (15, "/D", 186)]
        kinds = [str(kid.S) for kid in document.Root.StructTreeRoot.K[0].K]
        assert kinds.count("/Art") == 3  # one structure tree: each article an Art of the issue's Document
    assert structure_problems(pdf) == []  # (its parent tree renumbered to match, pages joined by order.py)
    with pikepdf.open(issue.root / "dist" / "apparatus-ru" / "apparatus-ru.pdf") as document:
        assert int(document.Root.PageLabels.Nums[1].St) == 179


def test_each_note_call_in_the_issue_links_to_its_note_and_back(issue):
    """In the issue's one PDF (the articles' pages and trees joined, their named
    destinations merged), each note's call still goes to its note, on the page of
    the note, and each note's number back to the page of its call: the anchors'
    names are the articles' ids, prefixed with their slugs, unique in the issue."""
    import pikepdf

    with pikepdf.open(issue.file("pdf")) as pdf:
        links = note_links(pdf)
    assert len(links) >= 19 and len({link["note"] for link in links}) == len(links), links  # (12 and 7 notes, and more)
    assert {link["note"].split("--")[0] for link in links} >= {"polyglot-fixture", "apparatus-ru"}
    for link in links:
        assert link["to"] == link["on"] and link["back"] == link["call"], link
        assert link["says"].split()[0] in ("Сноска", "Note") and link["back says"] in ("Назад к тексту",
                                                                                       "Back to the text"), link


def test_contents_list_the_pages(issue):
    contents = page_text(issue.file("pdf"), 2)
    found = records(issue)
    numbers = [int(n) for n in re.findall(r"^\s*(\d{3})\s*$", contents, re.M)] or \
        [int(n) for n in re.findall(r"(\d{3})\s*$", contents, re.M)]
    assert numbers == [pages(found[s]["page"])[0] for s in ARTICLES]
    # Each entry links to its article from its title, not only from its number.
    import pikepdf

    with pikepdf.open(issue.file("pdf")) as pdf:
        links = [(str(a.Dest), float(a.Rect[0])) for a in pdf.pages[1].Annots]
    for slug in ARTICLES:
        assert any(dest == f"{slug}--article" and left < 100 for dest, left in links), slug


def test_every_citation_agrees_with_the_issue(issue):
    dist = issue.root / "dist"
    for slug, record in records(issue).items():
        first, last = pages(record["page"])
        assert (record["volume"], record["issue"], record["collection-number"]) == ("12", "3", "40")
        assert record["issued"] == {"date-parts": [[2024, 5, 17]]} if slug == "polyglot-fixture" else True
        en_dash = f"{first}–{last}"
        # The "For citation" line in the EPUB and on the landing page.
        with zipfile.ZipFile(dist / slug / f"{slug}.epub") as epub:
            front = etree.fromstring(epub.read("EPUB/front-matter.xhtml"))
        line = "".join(front.xpath("//x:p[@class='for-citation']//text()", namespaces=XHTML)).replace("\u2060", "")
        assert en_dash in line, line
        page = html.parse(str(dist / slug / "index.html")).getroot()
        assert en_dash in page.xpath("string(//p[@class='for-citation'])").replace("\u2060", "")
        meta = {m.get("name"): m.get("content") for m in page.iter("meta") if m.get("name", "").startswith("citation_")}
        assert (meta["citation_firstpage"], meta["citation_lastpage"]) == (str(first), str(last))
        # The BibTeX and RIS files, and the standalone print edition's numbers.
        assert f"pages = {{{first}--{last}}}" in (dist / slug / f"{slug}.bib").read_text()
        ris = (dist / slug / f"{slug}.ris").read_text()
        assert f"SP  - {first}" in ris and f"EP  - {last}" in ris
        pdf = dist / slug / f"{slug}.pdf"
        assert page_count(pdf) == last - first + 1
        assert folio(pdf, 2) == str(first + 1)
        assert en_dash in page_text(pdf, 1)


@pytest.mark.slow  # (EPUBCheck and Ace: seconds each)
def test_issue_epub_is_valid_and_navigable(issue, tmp_path):
    epub = issue.file("epub")
    messages = epubcheck(epub, tmp_path)
    assert [m for m in messages if m["severity"] not in ("INFO", "USAGE")] == []
    assert ace(epub, tmp_path) == []
    with zipfile.ZipFile(epub) as archive:
        names = set(archive.namelist())
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
        nav = etree.fromstring(archive.read("EPUB/nav.xhtml"))
    for slug in ARTICLES:
        assert f"EPUB/{slug}/front-matter.xhtml" in names  # each article keeps its front matter
    toc = nav.xpath("//x:nav[@epub:type='toc']/x:ol/x:li", namespaces=XHTML)
    labels = ["".join(li.xpath("./*[1]//text()")) for li in toc]
    assert labels[0] == "Сведения о выпуске" and len(labels) == 4
    # Nested: each article's entry holds its own sections.
    assert all(li.xpath("./x:ol/x:li", namespaces=XHTML) for li in toc[1:])
    assert toc[1].xpath("string(./*[1]/@href)") == "polyglot-fixture/front-matter.xhtml"
    title = opf.xpath("string(//dc:title[@id='title'])", namespaces=OPF)
    assert title == ("Вестник испытательного журнала. Гуманитарные исследования, Т. 12, № 3 (40), 2024: "
                     "Архивы, карты и сноски")
    creators = opf.xpath("//dc:creator/text()", namespaces=OPF)
    assert "Иван Петрович Иванов" in creators and "Jane van der Berg" in creators
    assert opf.xpath("//dc:contributor/text()", namespaces=OPF) == ["Мария Ивановна Редакторова"]
    cover = opf.xpath("//opf:item[@properties='cover-image']", namespaces=OPF)
    assert len(cover) == 1 and cover[0].get("media-type") == "image/jpeg"


def test_issue_pdf_has_contents_bookmarks_and_metadata(issue):
    import pikepdf

    with pikepdf.open(issue.file("pdf")) as pdf:
        with pdf.open_outline() as outline:
            titles = [item.title for item in outline.root]
        meta = pdf.open_metadata()
        prism = "{http://prismstandard.org/namespaces/basic/2.0/}"
        assert (meta[f"{prism}startingPage"], meta[f"{prism}endingPage"]) == ("173", "188")
        assert (meta[f"{prism}volume"], meta[f"{prism}number"]) == ("12", "3")
        assert str(pdf.Root.Lang) == "ru" and "/StructTreeRoot" in pdf.Root
    assert titles[0].replace("\xa0", " ") == "Архивы, карты и сноски" and "Содержание" in titles
    assert any("Supply Lines" in t for t in titles)
    front = " ".join(page_text(issue.file("pdf"), 2).split() + page_text(issue.file("pdf"), 1).split())
    assert "Редактор: Мария" in front.replace("\xa0", " ") and "Редакторы" not in front  # one editor


def _issue_project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project", CASES / "issue" / "source")


def _problems(root: Path, *articles: str) -> list[str]:
    report = build(Settings.for_project(root, formats=("epub",), articles=articles, environ={}))
    return [str(p) for p in report.problems]


@pytest.mark.slow
def test_a_page_range_that_disagrees_with_the_issue_is_an_error(tmp_path):
    root = _issue_project(tmp_path)
    article = root / "source" / "apparatus-en" / "article.md"
    article.write_text(article.read_text().replace("\nlang: en-GB\n", "\nlang: en-GB\ncitation:\n  page: 1-20\n"))
    problems = _problems(root)
    assert problems == [
        "source/apparatus-en/article.md:7: citation.page: page is '1-20' here but the article is printed on "
        "pages 186-188 of issue 2024-3\n    leave `page:` out: Imprint takes it from the issue's layout"]
    assert not (root / "dist" / "2024-3").exists() and not (root / "dist" / "apparatus-en").exists()
    # The right pages are accepted.
    article.write_text(article.read_text().replace("page: 1-20", "page: 186–188"))
    assert _problems(root) == []


def test_an_issue_checks_its_list_and_its_articles_fields(tmp_path):
    root = _issue_project(tmp_path)
    issue_file = root / "source" / "2024-3" / "issue.yaml"
    issue_file.write_text(issue_file.read_text().replace("  - apparatus-en\n", "  - apparatus-en\n  - no-such\n"))
    article = root / "source" / "apparatus-ru" / "article.md"
    article.write_text(article.read_text().replace("\ndate: 2024-03-01\n", "\ndate: 2024-03-01\ncitation:\n  volume: 11\n"))
    problems = _problems(root)
    assert problems[0].startswith("source/2024-3/issue.yaml: the issue was not built, nor its articles")
    assert ("source/2024-3/issue.yaml:18: articles[3]: there is no article 'no-such' in source/\n"
            "    each article is a folder source/<slug>/article.md; check the spelling of 'no-such'") in problems
    assert any(p.startswith("source/apparatus-ru/article.md:65: citation.volume: volume is '11' here but '12' in "
                            "the issue it is printed in (source/2024-3/issue.yaml)") for p in problems)


@pytest.mark.slow  # (the issue laid out: 5 s)
def test_building_one_article_of_an_issue_lays_out_the_whole_issue(tmp_path):
    root = _issue_project(tmp_path)
    report = build(Settings.for_project(root, formats=("json", "site"), articles=("apparatus-en",), environ={}))
    assert report.ok, report.problems
    written = sorted(str(o.path.relative_to(root / "dist")) for o in report.outputs)
    assert written == ["apparatus-en/apparatus-en.json", "apparatus-en/cover-thumbnail.jpg", "apparatus-en/cover.jpg",
                       "apparatus-en/index.html", "site.css"]
    record = json.loads((root / "dist" / "apparatus-en" / "apparatus-en.json").read_text())[0]
    assert record["page"] == "186-188"
    assert report.notes and "not rebuilt" in report.notes[0]


@pytest.mark.slow
def test_the_issue_rebuilds_byte_identically(tmp_path):
    # The second time one article at a time (--jobs 1): pagination lays articles
    # out two at a time otherwise, with the same pages.
    root = _issue_project(tmp_path)
    outs = []
    for name, jobs in (("one", "2"), ("two", "1")):
        run = subprocess.run([sys.executable, str(REPO / "publish.py"), "-q", "-C", str(root), "-j", jobs,
                              "-o", str(tmp_path / name), "2024-3"], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        outs.append({p.relative_to(tmp_path / name): p.read_bytes() for p in (tmp_path / name).rglob("*")
                     if p.is_file() and ".imprint" not in p.parts})
    assert outs[0] == outs[1] and len(outs[0]) > 20


@pytest.mark.parametrize("content", [
    pytest.param(c, marks=pytest.mark.slow) for c in ("articles: [apparatus-en, apparatus-en]", "articles: apparatus-en",
                                                      "title: no articles", "articles: [unclosed")])
def test_a_broken_issue_file_writes_no_article(tmp_path, content):
    """An issue file that cannot be read may list any article: none is written, so
    that no article loses the pages its issue gives it."""
    root = _issue_project(tmp_path)
    assert _problems(root) == []
    before = {p: p.read_bytes() for p in (root / "dist").rglob("*") if p.is_file() and ".imprint" not in p.parts}
    (root / "source" / "2024-3" / "issue.yaml").write_text(content + "\n")
    problems = _problems(root)
    assert "source: no article was written, because an issue file has a problem" in problems[0]
    assert any(p.startswith("source/2024-3/issue.yaml:") for p in problems)
    assert {p: p.read_bytes() for p in (root / "dist").rglob("*") if p.is_file() and ".imprint" not in p.parts} == before


@pytest.mark.slow
def test_the_issue_decides_the_paper_and_the_pages(tmp_path):
    """Articles are laid out on the issue's paper; --paper changes neither the issue's
    pages nor the citations, only the editions that are not the issue's pages."""
    root = _issue_project(tmp_path)
    issue_file = root / "source" / "2024-3" / "issue.yaml"
    issue_file.write_text(issue_file.read_text().replace("first-page: 173\n", "paper: A5\n"))
    report = build(Settings.for_project(root, formats=("pdf", "handout", "json"), paper="Letter", environ={}))
    assert report.ok, report.problems
    dist = root / "dist"
    ranges = {slug: json.loads((dist / slug / f"{slug}.json").read_text())[0]["page"] for slug in ARTICLES}
    assert ranges["polyglot-fixture"].startswith("1-")  # first-page left out: the issue starts at 1
    for slug in ARTICLES:
        first, last = pages(ranges[slug])
        pdf = dist / slug / f"{slug}.pdf"
        assert page_count(pdf) == last - first + 1
        assert _page_size(pdf) == (420, 595)  # A5, as the issue, not the command line's Letter
        assert _page_size(dist / slug / f"{slug}-handout.pdf") == (612, 792)  # a handout follows --paper
    assert _page_size(dist / "2024-3" / "2024-3.pdf") == (420, 595)


def _page_size(pdf: Path) -> tuple[int, int]:
    import pikepdf

    with pikepdf.open(pdf) as document:
        box = [float(v) for v in document.pages[0].mediabox]
    return round(box[2] - box[0]), round(box[3] - box[1])


@pytest.mark.slow  # (an issue of three articles laid out)
def test_a_short_description_is_centred_on_the_issues_title_page(tmp_path):
    """A one-line description stood alone at the left between centred lines (QA 24)."""
    root = _issue_project(tmp_path)
    issue_file = root / "source" / "2024-3" / "issue.yaml"
    text = issue_file.read_text()
    issue_file.write_text(re.sub(r"^description: >-\n(?:  .*\n)+", "description: Выпуск об источниках.\n", text,
                                 flags=re.M))
    issue_only = Settings.for_project(root, formats=("pdf",), environ={})
    assert build(issue_only).ok
    pdf = root / "dist" / "2024-3" / "2024-3.pdf"
    boxes = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    words = {w: (float(a), float(b)) for a, b, w in re.findall(r'xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" '
                                                               r'yMax="[\d.]+">([^<]*)<', boxes)}
    left, right = words["Выпуск"][0], words["источниках."][1]
    assert abs((left + right) / 2 - _page_size(pdf)[0] / 2) < 3, (left, right)


@pytest.mark.slow  # (an issue of three articles laid out)
def test_a_link_in_the_issue_s_description_prints_its_address(tmp_path):
    """The description's link, on the issue's title page, as the articles' print
    theirs: its address after its text (body/addresses.py); the e-book's a link."""
    root = _issue_project(tmp_path)
    issue_file = root / "source" / "2024-3" / "issue.yaml"
    issue_file.write_text(re.sub(r"^description: >-\n(?:  .*\n)+",
                                 "description: Выпуск [об источниках](https://example.org/sources).\n",
                                 issue_file.read_text(), flags=re.M))
    assert build(Settings.for_project(root, formats=("pdf", "epub"), environ={})).ok
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(root / "dist" / "2024-3" / "2024-3.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "Выпуск об источниках (https://example.org/sources)." in " ".join(first.split())
    with zipfile.ZipFile(root / "dist" / "2024-3" / "2024-3.epub") as book:
        text = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert '<a href="https://example.org/sources">об источниках</a>' in text and "link-address" not in text
