"""Citations in the article's own language, and metadata reference managers and
e-readers can trust (issue 17, points 9-15).

The fixture tests/cases/house-ru is set up as the shipped source/ is (Russian, the
journal's house style) with English metadata, a base URL and a publisher: its
"For citation" lines, records, landing page and EPUB package are read back parsed.
"""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from conftest import CASES, REPO, Built, make_project
from imprint import build
from imprint.conformance import check
from imprint.settings import Settings
from pdfread import pages_text

SLUG = "house-ru"
BASE = "https://journal.example.org/archive/"
X = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OPF = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/"}


def plain(text: str) -> str:
    return " ".join(text.replace("\u2060", "").replace("\u00a0", " ").replace("\u202f", " ").split())


def golden(job: str) -> dict:
    """What citeproc-js renders for the fixture in the house style (scripts/citeproc_goldens.py)."""
    path = CASES / SLUG / "expected" / "citeproc-js" / "utmn-humanitates.json"
    return json.loads(path.read_text(encoding="utf-8"))["jobs"][job]


@pytest.fixture(scope="module")
def house(tmp_path_factory) -> Built:
    """The fixture with every reader's edition, the site, and booklets for a print shop."""
    root = make_project(tmp_path_factory.mktemp("house"), CASES / SLUG / "source")
    report = build(Settings.for_project(root, environ={}, booklet=True,
                                        formats=("epub", "pdf", "json", "bib", "ris", "site")))
    assert report.ok, [str(p) for p in report.problems]
    return Built(root, SLUG)


def xhtml(epub: Path, name: str):
    with zipfile.ZipFile(epub) as archive:
        return etree.fromstring(archive.read(f"EPUB/{name}"))


def opf(epub: Path):
    with zipfile.ZipFile(epub) as archive:
        return etree.fromstring(archive.read("EPUB/content.opf"))


def landing(built: Built):
    return html.parse(str(built.root / "dist" / built.slug / "index.html")).getroot()


# -- 10. citations in the article's own language ---------------------------------------------------

def test_a_russian_article_is_cited_in_russian_and_in_english(house):
    """«Для цитирования» in Russian words (Т., №, С., «ёлочки»), then the English
    line with the translated title and names, as the journal prints both."""
    front = xhtml(house.file("epub"), "front-matter.xhtml")
    lines = {p.get("id"): p for p in front.iter(f"{X}p") if "for-citation" in (p.get("class") or "")}
    russian = plain("".join(lines["for-citation"].itertext()))
    english = plain("".join(lines["for-citation-translated"].itertext()))
    assert russian == "Для цитирования: " + plain(golden(f"{SLUG}.reference")["bibliography"][0])
    assert russian == ("Для цитирования: Белозерская О. Д. 2019. «Уездная библиотека и её читатели: По формулярам "
                       "1890–1910 гг.» Вестник испытательного университета. Гуманитарные исследования, Т. 5, "
                       "№ 3 (19), С. 173–184. DOI: 10.5555/imprint-test-house")
    assert english == "For citation: " + plain(golden(f"{SLUG}.en.reference")["bibliography"][0])
    assert english == ("For citation: Belozerskaya O. D. 2019. “The District Library and Its Readers: From the lending "
                       "records, 1890–1910”. Вестник испытательного университета. Гуманитарные исследования, "
                       "vol. 5, no 3 (19), pp. 173–184. DOI: 10.5555/imprint-test-house")
    assert lines["for-citation-translated"].get(XML_LANG) == "en" == lines["for-citation-translated"].get("lang")
    # In print, both lines on the first page.
    first_page = plain(pages_text(house.file("pdf"))[0])
    assert "Для цитирования: Белозерская О. Д. 2019." in first_page
    assert "For citation: Belozerskaya O. D. 2019." in first_page


def test_the_reference_list_and_citations_read_as_a_russian_journal_prints_them(house):
    references = xhtml(house.file("epub"), "references.xhtml")
    entries = [plain("".join(li.itertext())) for li in references.iter(f"{X}li")]
    assert entries == [plain(e) for e in golden(f"{SLUG}.body")["bibliography"]]
    assert "Петрова А. И., Соколов А. В. 2015. «Читатели провинциальных библиотек». Вопросы испытаний, Т. 7, № 2, " \
           "С. 10–25." in entries
    assert any(e.endswith("96 с.") for e in entries)  # a book's pages: «с.», not "pp"
    assert any("Государственный архив испытательной области. Ф. 1. Оп. 1. Д. 1." in e for e in entries)
    chapter = plain("".join(xhtml(house.file("epub"), "chapter-1.xhtml").itertext()))
    for cited in ("(Петрова и Соколов 2015)", "(Петрова и Соколов 2015, 12–14)", "(1896, л. 4 об.)",
                  "(Harwood 2008, p. 120)"):
        assert cited in chapter, cited
    assert " and " not in chapter and "vol." not in " ".join(entries) and "pp." not in " ".join(entries)


# -- 11. a journal is one identity ---------------------------------------------------------------

JOURNAL_DEFAULTS = """lang: en
csl: apa
citation:
  type: article-journal
  container-title: Default Journal
  issn: 1234-5679
  publisher: Default Press
  publisher-place: Tyumen
"""


def article_with(tmp_path: Path, citation: str, formats: tuple[str, ...] = ("json", "ris", "bib")) -> dict:
    """The CSL-JSON record of an article whose front matter has `citation`, built
    under JOURNAL_DEFAULTS."""
    root = tmp_path / "p"
    folder = root / "source" / "other"
    folder.mkdir(parents=True, exist_ok=True)
    (root / "source" / "publication.yaml").write_text(JOURNAL_DEFAULTS)
    (folder / "article.md").write_text(f"---\ntitle: An article\nauthor: Jane Doe\ndate: 2020\n{citation}---\n\nText.\n")
    report = build(Settings.for_project(root, formats=formats, environ={}))
    assert report.ok, [str(p) for p in report.problems]
    return json.loads((root / "dist" / "other" / "other.json").read_text())[0]


def test_an_article_in_another_journal_takes_none_of_the_default_journals_fields(tmp_path):
    record = article_with(tmp_path, "citation:\n  container-title: Another Journal\n  volume: 3\n")
    assert record["container-title"] == "Another Journal" and record["volume"] == "3"
    assert record["type"] == "article-journal"  # not a journal field: still the publication's
    for field in ("ISSN", "publisher", "publisher-place"):
        assert field not in record, field
    ris = (tmp_path / "p" / "dist" / "other" / "other.ris").read_text()
    assert "SN  - " not in ris and "PB  - " not in ris
    assert "issn" not in (tmp_path / "p" / "dist" / "other" / "other.bib").read_text()


def test_an_article_in_another_journal_keeps_what_it_says_of_it(tmp_path):
    record = article_with(tmp_path, "citation:\n  container-title: Another Journal\n  issn: 0317-8471\n")
    assert (record["ISSN"], "publisher" in record) == ("0317-8471", False)


def test_a_journal_is_named_with_its_fields_in_one_file(tmp_path):
    """Quarto's project metadata merges under the article field by field too: the
    journal the article names takes no ISSN from its _quarto.yml, and a journal its
    _quarto.yml names takes that file's fields, not the publication's."""
    quarto = tmp_path / "q1" / "p" / "source" / "other" / "_quarto.yml"
    quarto.parent.mkdir(parents=True)
    quarto.write_text("citation:\n  issn: 0317-8471\n  publisher: Project Press\n")
    record = article_with(tmp_path / "q1", "citation:\n  container-title: Another Journal\n")
    assert record["container-title"] == "Another Journal" and "ISSN" not in record and "publisher" not in record
    quarto = tmp_path / "q2" / "p" / "source" / "other" / "_quarto.yml"
    quarto.parent.mkdir(parents=True)
    quarto.write_text("citation:\n  container-title: Project Journal\n  issn: 0317-8471\n")
    record = article_with(tmp_path / "q2", "")
    assert (record["container-title"], record["ISSN"], "publisher" in record) == ("Project Journal", "0317-8471",
                                                                                  False)


def test_an_article_of_the_default_journal_takes_its_fields(tmp_path):
    record = article_with(tmp_path, "citation:\n  container-title: Default  Journal\n  volume: 3\n")
    assert (record["ISSN"], record["publisher"], record["publisher-place"]) == ("1234-5679", "Default Press",
                                                                                 "Tyumen")
    record = article_with(tmp_path / "2", "citation:\n  volume: 3\n")
    assert (record["container-title"], record["ISSN"]) == ("Default Journal", "1234-5679")


# -- 12. citation files ----------------------------------------------------------------------------

def parse_ris(text: str) -> list[tuple[str, str]]:
    lines = text.split("\r\n")
    assert lines[-1] == "" and lines[-2] == "ER  - "
    pairs = []
    for line in lines[:-1]:
        match = re.fullmatch(r"([A-Z][A-Z0-9])  - (.*)", line)
        assert match, line
        pairs.append((match.group(1), match.group(2)))
    return pairs


def parse_bibtex(text: str) -> tuple[str, dict[str, str]]:
    """One entry: its type and fields (values without their outer braces)."""
    match = re.fullmatch(r"@(\w+)\{([^,]+),\n(.*)\n\}\n", text, flags=re.S)
    assert match, text
    fields = {}
    for line in match.group(3).split(",\n"):
        name, value = re.fullmatch(r"  (\w+) = \{(.*)\}", line, flags=re.S).groups()
        fields[name] = value
    return match.group(1), fields


def test_a_chapter_carries_its_volumes_editors_and_its_translator_into_every_record(tmp_path):
    """CSL's name variables in `citation:` (Quarto's too): a name or a list, as
    `author` takes them; each record gives them where its importers read them."""
    record = article_with(tmp_path, "citation:\n  type: chapter\n  container-title: The Volume\n"
                                    "  editor:\n    - Mary Jones\n    - {family: van Dyke, given: Ann}\n"
                                    "  translator: Pierre Dupont\n  container-author: {literal: The Society}\n")
    assert record["editor"] == [{"family": "Jones", "given": "Mary"}, {"family": "van Dyke", "given": "Ann"}]
    assert record["translator"] == [{"family": "Dupont", "given": "Pierre"}]
    assert record["container-author"] == [{"literal": "The Society"}]
    dist = tmp_path / "p" / "dist" / "other"
    kind, bib = parse_bibtex((dist / "other.bib").read_text())
    assert kind == "incollection" and bib["editor"] == "Jones, Mary and van Dyke, Ann"
    assert (bib["translator"], bib["bookauthor"]) == ("Dupont, Pierre", "{The Society}")
    ris = parse_ris((dist / "other.ris").read_bytes().decode())
    # Zotero's RIS import: a chapter's editors are A2, translators A4, the book's author C2
    assert [(t, v) for t, v in ris if t in ("AU", "A2", "A3", "A4", "C2")] == [
        ("AU", "Doe, Jane"), ("A2", "Jones, Mary"), ("A2", "van Dyke, Ann"), ("A4", "Dupont, Pierre"),
        ("C2", "The Society")]
    assert "JO" not in dict(ris)  # (a book is no journal)


def test_citation_files_link_the_landing_page_and_the_pdf(house):
    page = f"{BASE}{SLUG}/"  # (a page by its folder, as the handout prints it: QA 25 Z9)
    pdf = f"{BASE}{SLUG}/{SLUG}.pdf"
    record = json.loads(house.file("json").read_text())[0]
    assert record["URL"] == page and record["collection-number"] == "19"
    ris = dict(parse_ris(house.file("ris").read_bytes().decode()))
    assert (ris["UR"], ris["L1"]) == (page, pdf)
    journal = "Вестник испытательного университета. Гуманитарные исследования"
    assert ris["T2"] == ris["JO"] == journal and ris["LA"] == "ru"
    # the translated title (RIS's TT, EndNote's Translated Title; Zotero's import drops it)
    assert ris["TT"] == "The District Library and Its Readers: From the lending records, 1890–1910"
    kind, bib = parse_bibtex(house.file("bib").read_text())
    assert kind == "article" and bib["url"] == page and bib["journal"] == journal
    # Zotero's BibTeX import copies `language` (translators/BibTeX.js): the code every
    # other record gives (QA 25 Z6: "russian" from BibTeX, "ru" from the rest);
    # biblatex takes its language key from `langid`.
    assert (bib["language"], bib["langid"]) == (ris["LA"], "russian") == ("ru", "russian")
    for path in (f"{SLUG}/index.html", f"{SLUG}/{SLUG}.pdf"):  # what they link was built
        assert (house.root / "dist" / path).is_file()


def test_the_translation_reaches_reference_managers_in_fields_that_mean_it_and_in_notes(house):
    """The translated names in RIS's TA beside the title in TT (EndNote's Translated
    Author and Title). Zotero's RIS import drops both and nothing of Zotero's, CSL's
    or biblatex's is a translated title (CSL's original-title, biblatex's origtitle:
    the title of what a translation was made from, here the article's own), so the
    English "For citation" line and abstract come as RIS notes, which Zotero keeps as
    the item's notes (QA 25 Z5: they reached Zotero by no path)."""
    ris = parse_ris(house.file("ris").read_bytes().decode())
    assert [v for t, v in ris if t in ("AU", "TA")] == ["Белозерская, Ольга Дмитриевна", "Belozerskaya, Olga D."]
    front = xhtml(house.file("epub"), "front-matter.xhtml")
    english = next(p for p in front.iter(f"{X}p") if p.get("id") == "for-citation-translated")
    assert [plain(v) for t, v in ris if t == "N1"] == [
        plain("".join(english.itertext())), "Abstract: A fictional article for testing citations and metadata."]
    record = json.loads(house.file("json").read_text())[0]
    assert not {"original-title", "note"} & set(record)
    assert not {"origtitle", "note"} & set(parse_bibtex(house.file("bib").read_text())[1])


def test_the_journal_abbreviation_is_where_each_reader_looks_for_it(tmp_path):
    """Zotero files a journal's abbreviation as its Journal Abbr from RIS J2, BibTeX
    shortjournal, a page's citation_journal_abbrev and CSL-JSON journalAbbreviation:
    its CSL-JSON import has no container-title-short (QA 25 Z6: only RIS and BibTeX
    gave it). Citeproc-js and Pandoc read container-title-short."""
    record = article_with(tmp_path, "citation:\n  container-title-short: Def. J.\n",
                          formats=("json", "ris", "bib", "site"))
    assert record["container-title-short"] == record["journalAbbreviation"] == "Def. J."
    dist = tmp_path / "p" / "dist" / "other"
    assert dict(parse_ris((dist / "other.ris").read_bytes().decode()))["J2"] == "Def. J."
    assert parse_bibtex((dist / "other.bib").read_text())[1]["shortjournal"] == "Def. J."
    tags = [(m.get("name"), m.get("content")) for m in html.parse(str(dist / "index.html")).getroot().iter("meta")]
    assert ("citation_journal_abbrev", "Def. J.") in tags
    # (Zotero has the field for a journal article alone: a book's short title is no journal's)
    record = article_with(tmp_path / "chapter", "citation:\n  type: chapter\n  container-title: A Volume\n"
                          "  container-title-short: Vol.\n", formats=("json",))
    assert record["container-title-short"] == "Vol." and "journalAbbreviation" not in record


def test_citation_files_link_only_what_the_build_makes(tmp_path):
    root = make_project(tmp_path, CASES / SLUG / "source")
    report = build(Settings.for_project(root, formats=("json", "ris", "bib"), environ={}))
    assert report.ok, [str(p) for p in report.problems]
    dist = root / "dist" / SLUG
    assert "URL" not in json.loads((dist / f"{SLUG}.json").read_text())[0]
    tags = [tag for tag, _ in parse_ris((dist / f"{SLUG}.ris").read_bytes().decode())]
    assert "UR" not in tags and "L1" not in tags
    assert "url" not in parse_bibtex((dist / f"{SLUG}.bib").read_text())[1]


# -- 13. the second language's metadata, each text in its language --------------------------------

def test_the_landing_page_tags_carry_both_languages_apart(house):
    root = landing(house)
    metas = [(m.get("name"), m.get("content"), m.get("lang"), m.get(XML_LANG) or m.get("xml:lang"))
             for m in root.iter("meta") if m.get("name")]
    english_title = "The District Library and Its Readers: From the lending records, 1890–1910"
    russian_title = "Уездная библиотека и её читатели: По формулярам 1890–1910 гг."
    titles = [(c, lang) for name, c, lang, _ in metas if name == "citation_title"]
    assert titles == [(russian_title, "ru"), (english_title, "en")]  # readers take the first
    assert [(c, lang) for name, c, lang, _ in metas if name == "DC.title"] == [(russian_title, "ru"),
                                                                               (english_title, "en")]
    assert all(xml_lang == lang for _, _, lang, xml_lang in metas if lang)
    keywords = [(c, lang) for name, c, lang, _ in metas if name == "citation_keywords"]
    assert keywords == [("история чтения; библиотеки", "ru")]  # not mixed with the English ones
    subjects = [(c, lang) for name, c, lang, _ in metas if name == "DC.subject"]
    assert subjects == [("история чтения", "ru"), ("библиотеки", "ru"), ("history of reading", "en"),
                        ("libraries", "en")]
    descriptions = {lang: c for name, c, lang, _ in metas if name == "DC.description"}
    assert descriptions == {"ru": "Статья вымышлена и служит для проверки ссылок и метаданных.",
                            "en": "A fictional article for testing citations and metadata."}
    data = json.loads(root.xpath("string(//script[@type='application/ld+json'])"))
    assert data["inLanguage"] == "ru" and data["name"] == russian_title
    assert data["alternateName"] == [{"@value": english_title, "@language": "en"}]
    assert [(k["@value"], k["@language"]) for k in data["keywords"]] == [
        ("история чтения", "ru"), ("библиотеки", "ru"), ("history of reading", "en"), ("libraries", "en")]
    assert {a["@language"] for a in data["abstract"]} == {"ru", "en"}


def test_the_epub_package_carries_both_languages_and_its_place_in_the_journal(house):
    package = opf(house.file("epub"))
    metadata = package.find("opf:metadata", OPF)

    def dc(name):
        return [(e.text, e.get(XML_LANG)) for e in metadata.findall(f"dc:{name}", OPF)]

    assert ("The District Library and Its Readers", "en") in dc("title")
    assert dc("subject") == [("история чтения", "ru"), ("библиотеки", "ru"), ("history of reading", "en"),
                             ("libraries", "en")]
    assert [lang for _, lang in dc("description")] == ["ru", "en"]
    assert dc("publisher") == [("Издательство испытательного университета", None)]
    # 14: the journal is a series, this issue its 19th (calibre's series index).
    metas = metadata.findall("opf:meta", OPF)
    journal = next(m for m in metas if m.get("property") == "belongs-to-collection" and m.get("id") == "journal")
    refines = {m.get("property"): m.text for m in metas if m.get("refines") == "#journal"}
    assert journal.text == "Вестник испытательного университета. Гуманитарные исследования"
    # (and its ISSN identifies it: EPUB 3.3 lets dcterms:identifier refine a collection)
    assert refines == {"collection-type": "series", "group-position": "19", "dcterms:identifier": "urn:issn:0000-0000"}


def test_an_issue_number_orders_the_series_without_a_running_number(tmp_path):
    root = make_project(tmp_path, CASES / SLUG / "source")
    article = root / "source" / SLUG / "article.md"
    article.write_text(article.read_text(encoding="utf-8").replace("  collection-number: 19\n", ""),
                       encoding="utf-8")
    assert build(Settings.for_project(root, formats=("epub",), environ={})).ok
    metas = opf(root / "dist" / SLUG / f"{SLUG}.epub").findall("opf:metadata/opf:meta", OPF)
    assert [m.text for m in metas if m.get("refines") == "#journal" and m.get("property") == "group-position"] \
        == ["3"]


# -- 15. the site links only what was built ------------------------------------------------------

def test_a_site_without_e_reader_files_links_no_catalogue(tmp_path):
    root = make_project(tmp_path, REPO / "source")
    report = build(Settings.for_project(root, formats=("json", "site"), environ={}))
    assert report.ok, [str(p) for p in report.problems]
    dist = root / "dist"
    assert not (dist / "opds").exists()
    for page in dist.rglob("*.html"):
        assert "opds/" not in page.read_text(), page
    found = check(dist, tools=False)
    assert not found.findings, found.findings


def test_a_full_site_links_its_catalogue(house):
    root = landing(house)
    assert root.xpath("//link[@rel='alternate']/@href") == [f"{BASE}opds/index.xml"]
    assert (house.root / "dist" / "opds" / "index.xml").is_file()


# -- 9. the landing page on a phone ----------------------------------------------------------------

def test_downloads_and_cite_as_come_before_the_abstract_and_booklets_apart(house):
    root = landing(house)
    order = [e.get("class") for e in root.xpath("//main//section[@class] | //main//dl[@class='facts']")]
    assert order.index("downloads") < order.index("cite-as") < order.index("facts") < order.index("abstract")
    reader = root.xpath("//section[@class='downloads']//a/@href")
    assert reader == [f"{SLUG}.{ext}" for ext in ("epub", "pdf", "json", "bib", "ris")]
    shop = root.xpath("//section[@class='print-shop']//a/@href")
    assert shop == [f"{SLUG}-booklet.pdf"]
    assert root.xpath("//section[@class='print-shop']") == root.xpath("//main/section[last()]")
    # The article's style in both languages in view; the other styles a click away.
    figures = root.xpath("//section[@class='cite-as']/figure/blockquote")
    assert [b.get("lang") for b in figures] == ["ru", "en"]
    assert len(root.xpath("//section[@class='cite-as']/details/figure")) == 4


@pytest.mark.slow  # (Chromium)
def test_on_a_360_px_screen_the_downloads_are_on_the_first_screen(house, tmp_path):
    chromium = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None)
    if chromium is None:
        pytest.fail("Chromium is not installed: run ./test.sh (scripts/setup.sh installs it)")
    page = house.root / "dist" / SLUG / "index.html"
    probe = page.with_name("probe.html")
    # The page with a script that writes where the downloads and "Cite as" start.
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", """<script>
document.title = ["downloads", "cite-as"].map(function (c) {
  return Math.round(document.querySelector("section." + c).getBoundingClientRect().top);
}).join(" ");
</script></body>"""), encoding="utf-8")
    try:
        done = subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=360,740",
                               f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", probe.as_uri()],
                              capture_output=True, text=True, timeout=120)
    finally:
        probe.unlink()
    tops = [int(n) for n in re.search(r"<title>([\d -]+)</title>", done.stdout).group(1).split()]
    assert tops[0] < 740 * 0.6, tops  # the downloads start in the first screen's upper part
    assert tops[1] < 740 * 2, tops


@pytest.mark.slow  # (the Nu checker and axe-core in Chromium)
def test_the_bilingual_landing_page_is_valid_and_accessible(house):
    from sitecheck import axe_violations, html_problems

    page = house.root / "dist" / SLUG / "index.html"
    assert [p for p in html_problems([page]) if ": info: " not in p] == []
    assert axe_violations([page]) == []


def test_the_pdf_metadata_gives_the_title_in_both_languages(house):
    """XMP's dc:title is a language alternative: x-default (the document's title),
    then the title in the article's language and in its translation's."""
    import pikepdf

    with pikepdf.open(house.file("pdf")) as pdf:
        rdf = etree.fromstring(pdf.Root.Metadata.read_bytes())
    titles = rdf.findall(".//{http://purl.org/dc/elements/1.1/}title/*/*")
    russian = "Уездная библиотека и её читатели: По формулярам 1890–1910 гг."
    assert [(t.get(XML_LANG), t.text) for t in titles] == [
        ("x-default", russian), ("ru", russian), ("en", "The District Library and Its Readers: From the lending "
                                                        "records, 1890–1910")]
    assert len(rdf.findall(".//{http://purl.org/dc/elements/1.1/}title")) == 1


def test_the_translated_citation_names_the_journal_in_its_language(tmp_path):
    """`citation: translation:` (in the publication file, merged into each article)
    names the journal in the translation's language: the English "For citation"
    line of a Russian article cites the journal's English name, and the EPUB
    package gives it as the collection's alternate script."""
    root = make_project(tmp_path, CASES / SLUG / "source")
    publication = root / "source" / "publication.yaml"
    publication.write_text(publication.read_text() + "  translation:\n    container-title: Herald of the Test "
                                                      "University. Humanities Research\n", encoding="utf-8")
    report = build(Settings.for_project(root, formats=("epub", "json"), environ={}))
    assert report.ok, [str(p) for p in report.problems]
    epub = root / "dist" / SLUG / f"{SLUG}.epub"
    front = " ".join(etree.tostring(xhtml(epub, "front-matter.xhtml"), method="text", encoding="unicode").split())
    assert "“The District Library and Its Readers: From the lending records, 1890–1910”. Herald of the Test " \
           "University. Humanities Research, vol. 5" in front
    assert "гг.» Вестник испытательного университета. Гуманитарные исследования, Т. 5" in front  # (its own, as before)
    record = json.loads((root / "dist" / SLUG / f"{SLUG}.json").read_text())[0]
    assert record["container-title"] == "Вестник испытательного университета. Гуманитарные исследования"
    metas = opf(epub).findall("opf:metadata/opf:meta", OPF)
    assert [(m.text, m.get(XML_LANG)) for m in metas if m.get("refines") == "#journal"
            and m.get("property") == "alternate-script"] == [("Herald of the Test University. Humanities Research", "en")]
