"""The download site: landing pages a reference manager can read, valid and
accessible pages, links that resolve, and an OPDS catalogue e-reader apps accept."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from lxml import etree, html

from opdscheck import opds_links, opds_problems
from sitecheck import axe_violations, html_problems

BASE = "https://journal.example.org/archive/"
ARTICLES = ("polyglot-fixture", "apparatus-ru", "apparatus-en")
ATOM = {"a": "http://www.w3.org/2005/Atom", "dcterms": "http://purl.org/dc/terms/"}


def plain_title(record) -> str:
    """A record's title as the pages' metadata carry it: without its CSL-JSON rich
    text (`<i>` of an emphasised word)."""
    return re.sub(r"</?[ib]>", "", record["title"])


def page(path: Path):
    return html.parse(str(path)).getroot()


def meta_tags(root, prefix: str) -> list[tuple[str, str]]:
    return [(m.get("name"), m.get("content")) for m in root.iter("meta") if (m.get("name") or "").startswith(prefix)]


def first_values(tags: list[tuple[str, str]]) -> dict[str, str]:
    """Each tag's first value: what Zotero and Scholar read (a translated article's
    title in its second language follows its own, marked with its language)."""
    values: dict[str, str] = {}
    for name, content in tags:
        values.setdefault(name, content)
    return values


def family(name: dict) -> str:
    return " ".join(p for p in (name.get("non-dropping-particle"), name["family"]) if p)


def record(dist: Path, slug: str) -> dict:
    return json.loads((dist / slug / f"{slug}.json").read_text())[0]


def served(dist: Path, url: str) -> Path:
    """The file of dist/ a web server at BASE sends for `url`: a folder's index.html."""
    path = dist / unquote(url[len(BASE):])
    return path / "index.html" if url.endswith("/") else path


def test_highwire_tags_match_the_metadata(issue):
    dist = issue.root / "dist"
    for slug in ARTICLES:
        rec = record(dist, slug)
        tags = meta_tags(page(dist / slug / "index.html"), "citation_")
        values = first_values(tags)
        assert values["citation_title"] == plain_title(rec)
        authors = [v for k, v in tags if k == "citation_author"]
        assert authors == [", ".join(p for p in (family(a), a.get("given")) if p) for a in rec["author"]]
        assert values["citation_journal_title"] == rec["container-title"]
        assert values["citation_issn"] == rec["ISSN"] == "1234-5679"
        assert (values["citation_volume"], values["citation_issue"]) == ("12", "3")
        first, last = rec["page"].split("-")
        assert (values["citation_firstpage"], values["citation_lastpage"]) == (first, last)
        parts = rec["issued"]["date-parts"][0]  # Scholar reads YYYY/MM/DD or YYYY, not YYYY/MM
        assert values["citation_publication_date"] == (
            f"{parts[0]}/{parts[1]:02d}/{parts[2]:02d}" if len(parts) == 3 else str(parts[0]))
        assert values["citation_language"] == rec["language"]
        assert values["citation_pdf_url"] == f"{BASE}{slug}/{slug}.pdf"
        assert values["citation_abstract_html_url"] == f"{BASE}{slug}/"  # (a page by its folder: address.py)
        assert values.get("citation_doi") == rec.get("DOI")
        if rec.get("abstract"):
            assert values["citation_abstract"] == rec["abstract"]
    # Each author is followed by their own institutions and ORCID iD (Scholar's order).
    tags = meta_tags(page(dist / "polyglot-fixture" / "index.html"), "citation_author")
    assert tags[:4] == [
        ("citation_author", "Иванов, Иван Петрович"),
        ("citation_author_institution", "Отдел истории, Институт испытаний, Улан-Удэ"),
        ("citation_author_orcid", "https://orcid.org/0000-0002-1825-0097"),
        ("citation_author_email", "ivanov@example.org"),
    ]
    keywords = dict(meta_tags(page(dist / "polyglot-fixture" / "index.html"), "citation_keywords"))
    assert keywords["citation_keywords"].startswith("история; сотрудничество; источники")


def test_json_ld_and_dublin_core(issue):
    dist = issue.root / "dist"
    root = page(dist / "apparatus-ru" / "index.html")
    rec = record(dist, "apparatus-ru")
    data = json.loads(root.xpath("string(//script[@type='application/ld+json'])"))
    assert data["@type"] == "ScholarlyArticle" and data["@id"] == "https://doi.org/10.5555/imprint-test-2"
    assert data["name"] == plain_title(rec) and data["inLanguage"] == "ru"
    assert [a["familyName"] for a in data["author"]] == [family(a) for a in rec["author"]]
    assert data["author"][0]["sameAs"].startswith("https://orcid.org/")
    assert (data["pageStart"], data["pageEnd"]) == tuple(rec["page"].split("-"))
    issue_node = data["isPartOf"]
    assert issue_node["@type"] == "PublicationIssue" and issue_node["issueNumber"] == "3"
    assert issue_node["isPartOf"]["volumeNumber"] == "12"
    assert issue_node["isPartOf"]["isPartOf"] == {"@type": "Periodical", "name": rec["container-title"],
                                                  "issn": "1234-5679"}
    assert {e["encodingFormat"] for e in data["encoding"]} >= {"application/epub+zip", "application/pdf"}
    dc = first_values(meta_tags(root, "DC."))
    assert dc["DC.title"] == plain_title(rec) and dc["DC.identifier"] == "doi:10.5555/imprint-test-2"
    assert dc["DC.language"] == "ru" and dc["DC.publisher"] == "Издательство «Тест»"
    assert "DC.type" not in dc  # (Zotero's RDF import set a report's, a letter's... type fields to it: QA 25)
    issue_data = json.loads(page(dist / "2024-3" / "index.html").xpath("string(//script[@type='application/ld+json'])"))
    assert issue_data["@type"] == "PublicationIssue"
    assert [p["pagination"] for p in issue_data["hasPart"]] == ["173-178", "179-185", "186-188"]


def coins(root) -> dict[str, list[str]]:
    """Each COinS span's ContextObject by the slug of its article's page (its rft_id):
    key/encoded-value pairs (Z39.88-2004 part 2, KEV), which are what a form sends
    (application/x-www-form-urlencoded), read by the standard library's parser."""
    found = {}
    for span in root.xpath("//span[@class='Z3988']"):
        title = span.get("title")
        # (Zotero splits at every "&", then at every "=" and keeps the second part:
        # each must come once a pair, the rest percent-encoded)
        assert all(part.count("=") == 1 for part in title.split("&")), title
        values: dict[str, list[str]] = {}
        for key, value in parse_qsl(title, strict_parsing=True):
            values.setdefault(key, []).append(value)
        url = next(v for v in values["rft_id"] if v.startswith(BASE))
        found[url[len(BASE):].rstrip("/")] = values
    return found


def test_the_issue_page_and_the_index_offer_each_article_to_reference_managers(issue):
    """One COinS span an article, with what its records say: Zotero's COinS
    translator finds them and offers the page's articles in its dialog of several
    items (QA 25 Z8: no translator found anything on the issue page or the index)."""
    dist = issue.root / "dist"
    found = coins(page(dist / "2024-3" / "index.html"))
    assert sorted(found) == sorted(ARTICLES)
    for slug, values in found.items():
        rec = record(dist, slug)
        one = {key: value[0] for key, value in values.items() if len(value) == 1}
        assert (one["ctx_ver"], one["rft_val_fmt"], one["rft.genre"]) == (
            "Z39.88-2004", "info:ofi/fmt:kev:mtx:journal", "article")
        assert one["rft.atitle"] == plain_title(rec) and one["rft.jtitle"] == rec["container-title"]
        assert (one["rft.volume"], one["rft.issue"], one["rft.issn"]) == (rec["volume"], rec["issue"], rec["ISSN"])
        assert (one["rft.spage"], one["rft.epage"]) == tuple(rec["page"].split("-")) and one["rft.pages"] == rec["page"]
        assert one["rft.date"] == "-".join(f"{p:02d}" if i else str(p)
                                           for i, p in enumerate(rec["issued"]["date-parts"][0]))
        assert one["rft.language"] == rec["language"]
        assert values["rft_id"] == [f"info:doi/{rec['DOI']}", f"{BASE}{slug}/"] if rec.get("DOI") else \
            [f"{BASE}{slug}/"]
        # each author once: the first as its parts, the others "Family, Given" (without the
        # comma Zotero takes the last word for the family name)
        assert (one["rft.aulast"], one["rft.aufirst"]) == (family(rec["author"][0]), rec["author"][0]["given"])
        assert values.get("rft.au", []) == [f"{family(a)}, {a['given']}" for a in rec["author"][1:]]
    # (the polyglot fixture's title holds "&", "<" and quotation marks)
    assert found["polyglot-fixture"]["rft.atitle"][0].startswith("Испытательная статья: сотрудничество и «кавычки» & <")
    # The site's index offers every article the same way.
    assert coins(page(dist / "index.html")) == found


def test_coins_give_each_author_once_in_order_whatever_the_name(tmp_path):
    """Initials written close ("J.R.R."), a name of one part, an institution after
    the first author: Zotero's reader kept a first author given both as its parts and
    as rft.au twice when their clean-ups differed, and put every rft.aucorp first
    (review). Each name is written once, in its place: the first as its parts (an
    institution as rft.aucorp), the others as rft.au, an institution "Name,"."""
    from imprint import build
    from imprint.settings import Settings

    source = tmp_path / "source"
    (source / "a").mkdir(parents=True)
    (source / "b").mkdir()
    (source / "publication.yaml").write_text(
        "title: J\nlang: en\nbase-url: https://journal.example.org/\ncitation:\n  type: article-journal\n"
        "  container-title: J\n", encoding="utf-8")
    (source / "a" / "article.md").write_text(
        "---\ntitle: A\ndate: 2024\nauthor:\n  - name: {given: J.R.R., family: Tolkien}\n"
        "  - name: {family: Plato}\n  - name: {literal: World Health Organization}\n"
        "  - name: {given: Ludwig, dropping-particle: van, family: Beethoven}\n---\n\nText.\n", encoding="utf-8")
    (source / "b" / "article.md").write_text(
        "---\ntitle: B\ndate: 2024\nauthor:\n  - name: {literal: World Health Organization}\n"
        "  - name: {given: И.И., family: Иванов}\n---\n\nText.\n", encoding="utf-8")
    assert build(Settings.for_project(tmp_path, environ={}, formats=("site",))).ok
    authors = {}
    for span in page(tmp_path / "dist" / "index.html").xpath("//span[@class='Z3988']"):
        pairs = parse_qsl(span.get("title"))
        slug = next(v for k, v in pairs if k == "rft_id").rstrip("/").rsplit("/", 1)[1]
        authors[slug] = [(k, v) for k, v in pairs if k in ("rft.aulast", "rft.aufirst", "rft.au", "rft.aucorp")]
    assert authors == {
        "a": [("rft.aulast", "Tolkien"), ("rft.aufirst", "J.R.R."), ("rft.au", "Plato"),
              ("rft.au", "World Health Organization,"), ("rft.au", "Beethoven, Ludwig van")],
        "b": [("rft.aucorp", "World Health Organization"), ("rft.au", "Иванов, И.И.")]}


def test_user_text_is_escaped_everywhere(issue):
    dist = issue.root / "dist"
    text = (dist / "polyglot-fixture" / "index.html").read_text()
    assert "<script>alert" not in text and "<теги>" not in text
    ld = page(dist / "polyglot-fixture" / "index.html").xpath("string(//script[@type='application/ld+json'])")
    assert "<" not in ld and "</script" not in ld.lower()
    assert json.loads(ld)["name"].startswith("Испытательная статья: сотрудничество и «кавычки» & <теги>")


def test_landing_pages_list_every_file_with_its_size_and_cite_as(issue):
    dist = issue.root / "dist"
    for slug in ARTICLES:
        root = page(dist / slug / "index.html")
        links = root.xpath("//section[@class='downloads']//a")
        names = [a.get("href") for a in links]
        assert names == [f"{slug}.{ext}" for ext in ("epub", "pdf", "json", "bib", "ris")]
        for a in links:
            size = a.getparent().xpath("string(span[@class='size'])")
            actual = (dist / slug / a.get("href")).stat().st_size
            shown = float(re.match(r"[\d.]+", size).group())
            unit = {"B": 1, "kB": 1000, "MB": 1_000_000, "Б": 1, "КБ": 1000, "МБ": 1_000_000}[size.split()[-1]]
            assert abs(shown * unit - actual) <= unit / 2 + 1, (a.get("href"), size, actual)
        styles = [c.text_content() for c in root.xpath("//section[@class='cite-as']//figcaption")]
        assert styles[0].startswith("Russian GOST R 7.0.5-2008") and any("APA" in s for s in styles)
        assert any("MLA Handbook" in s for s in styles)
        if slug == "apparatus-ru":  # (the translation's line named by its language, not its tag "(en)")
            assert styles[1].endswith(" (English)"), styles
        house = root.xpath("string(//section[@class='cite-as']//blockquote)")
        for_citation = root.xpath("string(//p[@class='for-citation'])").split(":", 1)[1]
        assert " ".join(house.split()) == " ".join(for_citation.split())
    # The copy buttons are made by the script: without JavaScript there are none.
    assert b"<button" not in (dist / "apparatus-ru" / "index.html").read_bytes()


@pytest.mark.slow  # (Chromium runs the page's script)
def test_each_copy_button_is_told_apart_and_says_what_it_did(issue):
    """Seven buttons all named "Копировать" could not be told apart in a screen
    reader's list, and "Скопировано" was never announced (QA 25): each button is
    described by its style's caption, and a status line says what was copied."""
    import shutil

    dom = subprocess.run([shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
                          (issue.root / "dist" / "apparatus-ru" / "index.html").as_uri()],
                         capture_output=True, text=True, timeout=120).stdout
    root = html.fromstring(dom)
    buttons = root.xpath("//section[@class='cite-as']//button[@class='copy']")
    captions = {c.get("id"): c.text_content() for c in root.xpath("//figcaption[@id]")}
    assert len(buttons) >= 4 and all(b.get("aria-describedby") in captions for b in buttons), \
        (len(buttons), captions)
    assert len({b.get("aria-describedby") for b in buttons}) == len(buttons)
    assert root.xpath("//section[@class='cite-as']//*[@role='status']")


def test_every_link_of_the_site_resolves(issue):
    dist = issue.root / "dist"
    pages = sorted(dist.rglob("*.html"))
    assert len(pages) == 5  # the index, three articles, the issue
    for path in pages:
        root = page(path)
        for element in root.iter("a", "link", "img", "script"):
            target = element.get("href") or element.get("src")
            if not target or target.startswith(("#", "mailto:")):
                continue
            if target.startswith(BASE):
                resolved = served(dist, target)
            elif urlsplit(target).scheme:
                continue  # DOIs, ORCID iDs, licences: the world's
            else:
                resolved = (path.parent / unquote(target.split("#")[0])).resolve()
            assert resolved.is_file(), f"{path.relative_to(dist)}: {target} leads nowhere"
    # Folders are never linked bare: opened from disk, a folder is not a page.
    index = page(dist / "index.html")
    hrefs = [a.get("href") for a in index.iter("a")]
    assert "2024-3/index.html" in hrefs and all(not h.endswith("/") for h in hrefs)


@pytest.mark.slow  # (the Nu checker and axe-core in Chromium)
def test_site_pages_are_valid_and_accessible(issue):
    dist = issue.root / "dist"
    pages = sorted(dist.rglob("*.html"))
    problems = [p for p in html_problems(pages + [dist / "site.css"]) if ": info: " not in p]
    assert problems == []
    assert axe_violations(pages) == []


def test_opds_catalogue_is_valid_and_complete(issue):
    dist = issue.root / "dist"
    feeds = sorted((dist / "opds").rglob("*.xml"))
    assert [str(f.relative_to(dist / "opds")) for f in feeds] == ["articles.xml", "index.xml", "issues/2024-3.xml"]
    for feed in feeds:
        assert opds_problems(feed) == []
        for rel, href in opds_links(feed):
            assert href.startswith(BASE), (feed.name, href)
            assert served(dist, href).is_file(), f"{feed.name}: {rel} {href} leads nowhere"
    articles = etree.parse(str(dist / "opds" / "articles.xml"))
    entries = articles.findall("a:entry", ATOM)
    assert len(entries) == 3
    for entry in entries:
        slug = re.fullmatch(r".*/archive/([^/]+)/", entry.xpath("string(a:link[@rel='alternate']/@href)",
                                                                 namespaces=ATOM)).group(1)
        rec = record(dist, slug)
        assert entry.findtext("a:title", namespaces=ATOM) == plain_title(rec)
        assert [a.findtext("a:name", namespaces=ATOM) for a in entry.findall("a:author", ATOM)] == \
            [" ".join(p for p in (a.get("given"), family(a)) if p) for a in rec["author"]]
        assert entry.findtext("dcterms:language", namespaces=ATOM) == rec["language"]
        types = {link.get("type") for link in entry.findall("a:link", ATOM)
                 if link.get("rel") == "http://opds-spec.org/acquisition/open-access"}
        assert types == {"application/epub+zip", "application/pdf"}
        assert entry.xpath("a:link[@rel='http://opds-spec.org/image/thumbnail']/@type", namespaces=ATOM) == \
            ["image/jpeg"]
    issue_feed = etree.parse(str(dist / "opds" / "issues" / "2024-3.xml"))
    first = issue_feed.find("a:entry", ATOM)
    assert first.xpath("string(a:link[@type='application/epub+zip']/@href)", namespaces=ATOM) == \
        f"{BASE}2024-3/2024-3.epub"


@pytest.mark.parametrize("fixture", ["seed", "full", "apparatus_ru", "apparatus_en", "issue"])
def test_every_epub_has_a_cover(fixture, request):
    built = request.getfixturevalue(fixture)
    with zipfile.ZipFile(built.file("epub")) as epub:
        opf = etree.fromstring(epub.read("EPUB/content.opf"))
        ns = {"opf": "http://www.idpf.org/2007/opf"}
        item, = opf.xpath("//opf:item[@properties='cover-image']", namespaces=ns)
        assert item.get("media-type") == "image/jpeg"
        data = epub.read(f"EPUB/{item.get('href')}")
        cover_page = etree.fromstring(epub.read("EPUB/cover.xhtml"))
    from PIL import Image
    import io

    with Image.open(io.BytesIO(data)) as image:
        assert image.size == (1600, 2560) and image.mode == "RGB"
    alt = cover_page.xpath("string(//*[local-name()='img']/@alt)")
    assert alt.startswith("Обложка: ") or alt.startswith("Cover: ")
    spine = opf.xpath("//opf:itemref/@idref", namespaces=ns)
    assert spine[0] == "cover"


def test_an_editors_cover_image_replaces_the_generated_one(tmp_path):
    from conftest import REPO, make_project
    from imprint import build
    from imprint.settings import Settings

    root = make_project(tmp_path / "p", REPO / "source")
    folder = root / "source" / "batunaev-2019-khalkhin-gol"
    from PIL import Image

    Image.new("RGB", (1000, 1600), (200, 40, 40)).save(folder / "cover.png")
    article = folder / "article.md"
    article.write_text(article.read_text().replace("\nlang: en\n", "\nlang: en\ncover-image: cover.png\n"))
    report = build(Settings.for_project(root, formats=("epub", "site"), environ={}))
    assert report.ok, report.problems
    dist = root / "dist" / "batunaev-2019-khalkhin-gol"
    with zipfile.ZipFile(dist / "batunaev-2019-khalkhin-gol.epub") as epub:
        assert epub.read("EPUB/cover.png") == (folder / "cover.png").read_bytes()
    assert (dist / "cover.png").read_bytes() == (folder / "cover.png").read_bytes()
    with Image.open(dist / "cover-thumbnail.jpg") as thumbnail:
        assert thumbnail.size == (200, 320)
    # An SVG cover is refused: e-readers show none in their library.
    (folder / "cover.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="16"/>')
    article.write_text(article.read_text().replace("cover-image: cover.png", "cover-image: cover.svg"))
    report = build(Settings.for_project(root, formats=("epub",), environ={}))
    assert [str(p) for p in report.problems] == [
        "source/batunaev-2019-khalkhin-gol/article.md:22: cover-image: a cover must be a PNG or JPEG image\n"
        "    e-readers show no SVG cover in their library: export it as PNG"]


def _seed(tmp_path: Path) -> Path:
    from conftest import REPO, make_project

    return make_project(tmp_path / "p", REPO / "source")


def test_without_a_base_url_the_site_is_relative_and_says_so(tmp_path):
    from imprint import build
    from imprint.settings import Settings

    root = _seed(tmp_path)
    report = build(Settings.for_project(root, environ={}))
    assert report.ok and any("base-url is not set" in note for note in report.notes)
    dist = root / "dist"
    slug = "batunaev-2019-khalkhin-gol"
    landing = page(dist / slug / "index.html")
    tags = dict(meta_tags(landing, "citation_"))
    # (the PDF beside the page by its name, not '../<slug>/<slug>.pdf': QA 25 Z9;
    # Zotero resolves it against the page's address)
    assert tags["citation_pdf_url"] == f"{slug}.pdf" and "citation_abstract_html_url" not in tags
    data = json.loads(landing.xpath("string(//script[@type='application/ld+json'])"))
    assert {e["contentUrl"] for e in data["encoding"]} >= {f"{slug}.pdf", f"{slug}.epub"}
    assert landing.find(".//link[@rel='canonical']") is None
    for feed in (dist / "opds").rglob("*.xml"):
        assert opds_problems(feed) == []
        for rel, href in opds_links(feed):
            assert not urlsplit(href).scheme, href
            assert (feed.parent / unquote(href)).resolve().is_file(), f"{feed.name}: {rel} {href}"


def test_a_landing_page_lists_what_the_build_made(tmp_path):
    from imprint import build
    from imprint.settings import Settings

    root = _seed(tmp_path)
    slug = "batunaev-2019-khalkhin-gol"
    report = build(Settings.for_project(root, dist_dir=tmp_path / "epub", formats=("epub", "site"), environ={}))
    assert report.ok, report.problems
    root_page = page(tmp_path / "epub" / slug / "index.html")
    assert [a.get("href") for a in root_page.xpath("//section[@class='downloads']//a")] == [f"{slug}.epub"]
    assert "citation_pdf_url" not in dict(meta_tags(root_page, "citation_"))
    # Only files: no OPDS catalogue offers nothing to download.
    report = build(Settings.for_project(root, dist_dir=tmp_path / "json", formats=("json", "site"), environ={}))
    assert report.ok and any("no OPDS catalogue" in note for note in report.notes)
    assert not page(tmp_path / "json" / slug / "index.html").xpath(
        "//section[@class='downloads']//a[contains(@href, '.pdf')]")
    # Into a dist/ that holds every edition: the landing page lists them all
    assert build(Settings.for_project(root, environ={})).ok
    assert build(Settings.for_project(root, formats=("epub", "site"), environ={})).up_to_date == [slug]
    assert len(page(root / "dist" / slug / "index.html").xpath("//section[@class='downloads']//a")) == 5


def test_an_unknown_cite_as_style_stops_the_build_before_anything_is_written(tmp_path):
    from imprint import build
    from imprint.settings import Settings

    root = _seed(tmp_path)
    publication = root / "source" / "publication.yaml"
    publication.write_text(publication.read_text() + "cite-as: [apa, no-such-style]\n")
    report = build(Settings.for_project(root, environ={}))
    assert [str(p).splitlines()[0] for p in report.problems] == [
        "source/publication.yaml:15: cite-as[1]: citation style 'no-such-style': there is no CSL style named "
        "'no-such-style'"]
    assert not (root / "dist").exists()


@pytest.mark.parametrize("mode, size, message", [
    ("CMYK", (1000, 1600), "the cover is CMYK (not RGB): e-readers want an opaque RGB image"),
    ("RGBA", (1000, 1600), "the cover is RGBA (transparent): e-readers want an opaque RGB image"),
    ("RGB", (1600, 1000), "the cover is 1600 x 1000 pixels: a cover is portrait, higher than wide"),
    ("RGB", (300, 480), "the cover is 300 x 480 pixels, less than 625 x 1000"),
])
def test_an_editors_cover_must_suit_e_readers(tmp_path, mode, size, message):
    from PIL import Image

    from imprint import build
    from imprint.settings import Settings

    root = _seed(tmp_path)
    folder = root / "source" / "batunaev-2019-khalkhin-gol"
    suffix = "jpg" if mode == "CMYK" else "png"
    Image.new(mode, size).save(folder / f"cover.{suffix}")
    article = folder / "article.md"
    article.write_text(article.read_text().replace("\nlang: en\n", f"\nlang: en\ncover-image: cover.{suffix}\n"))
    report = build(Settings.for_project(root, formats=("epub",), environ={}))
    assert [str(p).splitlines()[0] for p in report.problems] == [
        f"source/batunaev-2019-khalkhin-gol/article.md:22: cover-image: {message}"]


def test_a_folder_may_not_take_the_catalogues_name(tmp_path):
    from imprint import build
    from imprint.settings import Settings

    root = _seed(tmp_path)
    (root / "source" / "batunaev-2019-khalkhin-gol").rename(root / "source" / "opds")
    report = build(Settings.for_project(root, environ={}))
    assert [str(p).splitlines()[0] for p in report.problems] == [
        "source/opds: the folder name 'opds' is taken by the OPDS catalogue in dist/"]


def test_a_citation_in_the_abstract_is_text_on_the_landing_page_and_a_link_in_the_epub(tmp_path):
    """The abstract may cite; its citation links to the reference list, which the
    editions have and the landing page has not: there it is the citation's text,
    in a span of the same class (the page's links all resolve: `publish.py check`
    failed on it)."""
    import shutil

    from conftest import CASES
    from imprint import build
    from imprint.settings import Settings

    root = tmp_path / "project"
    shutil.copytree(CASES / "apparatus-en" / "source", root / "source")
    article = root / "source" / "apparatus-en" / "article.md"
    article.write_text(article.read_text().replace('an *emphasis*.', 'an *emphasis* [@coox1985, p. 12].', 1))
    report = build(Settings.for_project(root, formats=("epub", "site"), environ={}))
    assert report.ok, report.problems
    landing = page(root / "dist" / "apparatus-en" / "index.html")
    assert [s.text for s in landing.xpath("//span[@class='citation']")] == ["Coox, 1985, p.\u00a012"]
    ids = set(landing.xpath("//@id"))
    assert all(href[1:] in ids for href in landing.xpath("//a/@href") if href.startswith("#"))
    with zipfile.ZipFile(root / "dist" / "apparatus-en" / "apparatus-en.epub") as epub:
        front = epub.read("EPUB/front-matter.xhtml").decode()
    assert 'href="references.xhtml#ref-coox1985"' in front


def test_a_styles_title_is_shown_without_stress_marks():
    """The CSL repository's GOST title writes «Ру́сский» with a stress mark, which
    Russian text does not print."""
    from imprint.site.pages import _style_title
    from imprint.theme import Theme
    from conftest import REPO

    assert _style_title(Theme(REPO, REPO / "styles").csl_style("gost-r-7-0-5-2008")) == \
        "Russian GOST R 7.0.5-2008 (Русский)"


def test_the_feed_of_all_articles_comes_in_pages(tmp_path, monkeypatch):
    """One feed of every article: 20 MB for a back catalogue of 5,000, which an app
    on a phone reads whole before it shows one (QA 20). Pages of opds.PAGE articles,
    newest first, linked as RFC 5005 and OPDS 1.2 have it."""
    from imprint import build
    from imprint.settings import Settings
    from imprint.site import opds

    root = _seed(tmp_path)
    seed = root / "source" / "batunaev-2019-khalkhin-gol"
    for number in (2, 3):
        copy = root / "source" / f"copy-{number}"
        copy.mkdir()
        for path in seed.iterdir():
            (copy / path.name).write_bytes(path.read_bytes().replace(b"2019-5-3-173-184", f"copy-{number}".encode()))
    monkeypatch.setattr(opds, "PAGE", 2)
    assert build(Settings.for_project(root, formats=("epub", "site"), environ={})).ok
    dist = root / "dist"
    feeds = {name: etree.parse(str(dist / "opds" / name)) for name in ("articles.xml", "articles-2.xml")}
    assert sorted(p.name for p in (dist / "opds").glob("articles*.xml")) == sorted(feeds)
    links = {name: {rel: str((dist / "opds" / href).resolve().relative_to(dist / "opds"))
                    for rel, href in opds_links(dist / "opds" / name)
                    if rel in ("first", "previous", "next", "last")} for name in feeds}
    assert links == {"articles.xml": {"first": "articles.xml", "next": "articles-2.xml", "last": "articles-2.xml"},
                     "articles-2.xml": {"first": "articles.xml", "previous": "articles.xml",
                                        "last": "articles-2.xml"}}
    assert [len(feed.findall("a:entry", ATOM)) for feed in feeds.values()] == [2, 1]
    for name in feeds:
        assert opds_problems(dist / "opds" / name) == []
