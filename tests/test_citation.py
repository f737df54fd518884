"""The citation record, the "For citation" line and the exported files."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from lxml import etree

from conftest import CASES, REPO, make_project
from golden import check
from imprint import build
from imprint.settings import Settings
from imprint.editions.records import to_bibtex, to_ris
from pdfread import pages_text

# As the journal prints it (../shared/seed/README.md), with the en dash the editions give every
# page range (issue 17: the journal's web page types a hyphen).
JOURNAL_LINE = ("Batunaev E. V. 2019. “Khalkhin-Gol: Military and Political Cooperation of the USSR and the MNR "
                "(1939-1945)”. Tyumen State University Herald. Humanities Research. Humanitates, vol. 5, no 3 (19), "
                "pp. 173–184. DOI: 10.21684/2411-197X-2019-5-3-173-184")


def for_citation_in_epub(epub) -> str:
    with zipfile.ZipFile(epub) as archive:
        page = etree.fromstring(archive.read("EPUB/front-matter.xhtml"))
    block = page.find(".//{http://www.w3.org/1999/xhtml}p[@id='for-citation']")
    # (without the invisible word joiners typesetting puts after a range's dash)
    return " ".join("".join(block.itertext()).replace("\u2060", "").split())


def test_seed_reads_as_the_journal_prints_it(seed):
    assert for_citation_in_epub(seed.file("epub")) == f"For citation: {JOURNAL_LINE}"
    pdf_text = " ".join(pages_text(seed.file("pdf"))[0].split())
    assert f"For citation: {JOURNAL_LINE}" in pdf_text
    # The venue line above it in the style's words, not "Vol. 5, no. 3" against its "vol. 5, no 3" (QA 24 F9)
    assert pdf_text.startswith("Tyumen State University Herald. Humanities Research. Humanitates, vol. 5, no 3 (19), "
                               "2019, pp. 173–184 ")


def test_the_venue_line_takes_the_words_of_the_style_in_the_articles_language():
    """(references.venue_words: the style's own locale of the dialect, of the language,
    then for every language; what it leaves to CSL's locale files, the editions' words.)"""
    from imprint.body.references import venue_words

    house = (REPO / "styles" / "csl" / "utmn-humanitates.csl").read_bytes()
    assert venue_words(house, "en-GB") == {"venue_volume": "vol.", "venue_issue": "no", "venue_page": "p.",
                                           "venue_pages": "pp."}
    assert venue_words(house, "ru") == {"venue_volume": "Т.", "venue_issue": "№", "venue_page": "С.",
                                        "venue_pages": "С."}
    assert venue_words(house, "de") == {}
    ranked = house.replace(b'<locale xml:lang="en">', b'<locale xml:lang="en-US"><terms><term name="issue" '
                           b'form="short">No.</term></terms></locale><locale><terms><term name="volume" '
                           b'form="short">v.</term><term name="edition" form="short">ed.</term></terms></locale>'
                           b'<locale xml:lang="en">')
    assert venue_words(ranked, "en-US") == {"venue_volume": "vol.", "venue_issue": "No.", "venue_page": "p.",
                                            "venue_pages": "pp."}
    assert venue_words(ranked, "de") == {"venue_volume": "v."}


def test_seed_citation_files(seed):
    expected = REPO / "tests" / "cases" / "seed" / "expected"
    for ext in ("json", "bib", "ris"):
        check(expected / f"batunaev-2019-khalkhin-gol.{ext}", seed.file(ext).read_text(encoding="utf-8"))
    record = json.loads(seed.file("json").read_text())[0]
    assert record["DOI"] == "10.21684/2411-197X-2019-5-3-173-184"
    assert record["author"] == [{"family": "Batunaev", "given": "Eduard V."}]
    assert record["issued"] == {"date-parts": [[2019]]}
    assert (record["volume"], record["issue"], record["collection-number"], record["page"]) == ("5", "3", "19", "173-184")
    assert record["container-title"] == "Tyumen State University Herald. Humanities Research. Humanitates"
    assert record["ISSN"] == "2411-197X"
    assert "keyword" not in record and "license" not in record and "publisher" not in record  # unknown: left out


def test_bibtex_and_ris_carry_the_record(seed):
    bib = seed.file("bib").read_text()
    assert bib.startswith("@article{batunaev-2019-khalkhin-gol,\n")
    for field in ("author = {Batunaev, Eduard V.}", "year = {2019}", "volume = {5}", "number = {3}",
                  "pages = {173--184}", "issn = {2411-197X}", "doi = {10.21684/2411-197X-2019-5-3-173-184}",
                  "journal = {Tyumen State University Herald. Humanities Research. Humanitates}"):
        assert field in bib, field
    assert bib.count("{") == bib.count("}")
    ris = seed.file("ris").read_bytes().decode()
    lines = ris.split("\r\n")
    assert lines[0] == "TY  - JOUR" and lines[-2] == "ER  - " and lines[-1] == ""
    assert all(re.match(r"^[A-Z][A-Z0-9]  - ", line) for line in lines[:-1])
    assert "AU  - Batunaev, Eduard V." in lines and "SP  - 173" in lines and "EP  - 184" in lines
    assert "DO  - 10.21684/2411-197X-2019-5-3-173-184" in lines


def test_special_characters_are_escaped_for_tex_and_ris():
    record = {"id": "x", "type": "article-journal", "title": "Tom & Jerry: 100% {braces} $5 #1 a_b",
              "author": [{"literal": "Team & Co"}], "abstract": "Line one.\nLine two."}
    bib = to_bibtex(record)
    assert r"title = {{Tom \& Jerry: 100\% \{braces\} \$5 \#1 a\_b}}" in bib
    assert r"author = {{Team \& Co}}" in bib
    assert "AB  - Line one. Line two.\r\n" in to_ris(record)
    linked = {"id": "y", "type": "article-journal", "DOI": "10.1/a_b&c", "URL": "https://example.org/a_b?x=1&y=%20#f"}
    bib = to_bibtex(linked)
    assert "doi = {10.1/a_b&c}" in bib and "url = {https://example.org/a_b?x=1&y=%20#f}" in bib  # verbatim
    ris = to_ris({"id": "z", "type": "book"}, ("Mongolia, history of", "USSR"))
    assert "KW  - Mongolia, history of\r\nKW  - USSR\r\n" in ris


def test_bibtex_and_ris_carry_every_field_they_have_a_place_for():
    """Found by importing the files into reference managers (QA 15): the edition,
    ISBN, series, an article's number, a note, a thesis's school, a report's
    institution and a dropping particle were in the CSL-JSON only; `~` and `^`
    were accents over nothing; @misc-less types of biblatex's were @misc."""
    chapter = {"id": "c", "type": "chapter", "title": "On Archives", "container-title": "The Edited Volume",
               "collection-title": "Studies in Archives", "collection-number": "7", "edition": "2",
               "ISBN": "978-0-19-123456-7", "publisher": "Oxford University Press", "note": "Reprinted.",
               "author": [{"given": "Ludwig", "dropping-particle": "van", "family": "Beethoven"}]}
    bib, ris = to_bibtex(chapter), to_ris(chapter)
    for field in ("series = {Studies in Archives}", "number = {7}", "edition = {2}", "isbn = {978-0-19-123456-7}",
                  "note = {Reprinted.}", "author = {Beethoven, Ludwig van}"):
        assert field in bib, field
    for line in ("T3  - Studies in Archives", "ET  - 2", "SN  - 978-0-19-123456-7", "N1  - Reprinted.",
                 "AU  - Beethoven, Ludwig van"):
        assert line + "\r\n" in ris, line
    article = {"id": "a", "type": "article-journal", "title": "T", "container-title": "PLOS ONE", "volume": "15",
               "issue": "3", "number": "e0123456"}
    assert "number = {3}" in to_bibtex(article) and "eid = {e0123456}" in to_bibtex(article)
    assert "M1  - e0123456\r\n" in to_ris(article)
    assert "school = {Tyumen State University}" in to_bibtex(
        {"id": "t", "type": "thesis", "title": "T", "publisher": "Tyumen State University"})
    assert "institution = {WHO}" in to_bibtex({"id": "r", "type": "report", "title": "T", "publisher": "WHO"})
    assert to_bibtex({"id": "w", "type": "webpage", "title": "T"}).startswith("@online{w,")
    assert r"title = {{Approx \textasciitilde{}5 and x\textasciicircum{}2}}" in to_bibtex(
        {"id": "x", "type": "book", "title": "Approx ~5 and x^2"})


def test_records_put_each_field_where_zoteros_import_reads_it():
    """Found by reading the records with Zotero's own import translators (QA 19):
    a conference paper's T2 is the conference's name and C3 the proceedings'
    (the proceedings were imported as the conference); a report's number is its
    SN (M1 was "Extra", and a journal's ISSN the report's number); what HTML reads
    as a tag was dropped ("n<k and the <canvas> element": "n element"); "van der
    Berg" in the BibTeX was cited back as "Berg, J. van der"."""
    paper = {"id": "p", "type": "paper-conference", "title": "Nets for n<k & the <canvas> element",
             "container-title": "Proceedings of ICML", "event-title": "ICML", "event-place": "Baltimore",
             "abstract": "Where n<k holds.", "author": [{"given": "Jan", "non-dropping-particle": "van der",
                                                          "family": "Berg"}]}
    ris, bib = to_ris(paper, ("x<y", "AT&T")), to_bibtex(paper)
    for line in ("T2  - ICML", "C3  - Proceedings of ICML", "CY  - Baltimore", "KW  - x&lt;y", "KW  - AT&T",
                 "TI  - Nets for n&lt;k & the &lt;canvas> element", "AB  - Where n<k holds.", "AU  - van der Berg, Jan"):
        assert line + "\r\n" in ris, line
    for field in ("booktitle = {Proceedings of ICML}", "eventtitle = {ICML}", "venue = {Baltimore}",
                  "author = {van der Berg, Jan}", "options = {useprefix=true}"):
        assert field in bib, field
    assert "&amp;amp;" in to_ris({"id": "e", "type": "book", "title": "Writing &amp; in HTML"})
    report = to_ris({"id": "r", "type": "report", "title": "T", "number": "WHO/HSE/2023.1", "ISSN": "2411-197X"})
    assert "SN  - WHO/HSE/2023.1\r\n" in report and "M1" not in report and "2411-197X" not in report
    assert "options" not in to_bibtex({"id": "b", "type": "book", "author": [{"family": "Berg", "given": "J."}]})
    # (a book's series number, volumes, pages; a thesis's pages; a chapter's series number)
    book = {"id": "b", "type": "book", "collection-number": "42", "number-of-volumes": "4", "number-of-pages": "250"}
    for line in ("M1  - 42", "NV  - 4", "SP  - 250"):
        assert line + "\r\n" in to_ris(book), line
    assert "volumes = {4}" in to_bibtex(book) and "pagetotal = {250}" in to_bibtex(book)
    assert "SV  - 7\r\n" in to_ris({"id": "c", "type": "chapter", "collection-number": "7"})


def test_quotation_marks_in_a_title_are_as_citeproc_js_prints_them():
    """citeproc-js reads the locale's marks in a title as a quotation, alternating
    inside the style's («Читая „Капитал“ сегодня»), and leaves others as they are
    (“great game” in a Russian article); Pandoc read only “ ” so (QA 19)."""
    from imprint.body.citeproc_js import for_pandoc

    record = {"id": "a", "type": "article-journal", "title": "Читая «Капитал» и “Капитал” сегодня",
              "container-title": "«Вопросы» философии", "language": "ru"}
    given = for_pandoc(record, "ru", "«»„“")
    assert given["title"] == ('Читая “Капитал” и <span class="nocase">“</span>Капитал<span class="nocase">”</span> '
                              "сегодня") and given["container-title"] == "“Вопросы” философии"
    assert for_pandoc(record, "en", "“”‘’")["title"] == record["title"]  # (the marks Pandoc reads: as they are)


def test_an_accented_dotless_i_of_bibtex_is_one_letter(tmp_path):
    """`{\\'\\i}` (BibTeX's í, as Google Scholar writes it): Pandoc reads a dotless ı and
    a combining accent, "Garcı́a", which a reader neither finds nor copies as "García"."""
    source = tmp_path / "source" / "b"
    source.mkdir(parents=True)
    (tmp_path / "source" / "publication.yaml").write_text("title: A journal\nlang: en\n", encoding="utf-8")
    (source / "refs.bib").write_text("@book{k, author={Garc{\\'\\i}a M{\\'a}rquez, Gabriel and Dvo{\\v{r}}{\\'a}k, "
                                     "Anton{\\'\\i}n}, title={Cien a{\\~n}os}, year={1967}}\n", encoding="utf-8")
    (source / "article.md").write_text("---\ntitle: B\nauthor:\n  - name: Ann Smith\nbibliography: refs.bib\n"
                                       "csl: apa\n---\n\nText [@k].\n", encoding="utf-8")
    assert build(Settings.for_project(tmp_path, environ={}, formats=("epub",))).ok
    with zipfile.ZipFile(tmp_path / "dist" / "b" / "b.epub") as epub:
        listed = re.sub(r"<[^>]+>", "", epub.read("EPUB/references.xhtml").decode())
    assert "García Márquez, G., &amp; Dvořák, A. (1967)" in listed and "ı" not in listed


def test_quartos_names_of_citation_variables_are_csls_in_the_record(tmp_path):
    """Quarto's citation schema spells some variables otherwise than CSL: copied as
    written, the CSL-JSON failed CSL's schema and no CSL processor read them (the
    "For citation" line lost a manuscript's shelf mark)."""
    from imprint.source.record import build_record
    from test_quarto_front_matter import load, project

    _, article = load(project(tmp_path, "---\ntitle: T\nlang: en\ndate: 1939\ncitation:\n  type: manuscript\n"
                                        "  archive: National Archives\n  archive-location: Box 4\n"
                                        "  archive-collection: Smith Papers\n  pmid: '123'\n  eissn: 1234-5679\n"
                                        "  publisher-location: London\n---\n"))
    record = build_record(article, "T", None)
    assert (record["archive_location"], record["archive_collection"], record["PMID"], record["ISSN"],
            record["publisher-place"]) == ("Box 4", "Smith Papers", "123", "1234-5679", "London")
    assert record["custom"] == {"eissn": "1234-5679"}
    assert not {"archive-location", "archive-collection", "pmid", "eissn", "publisher-location"} & set(record)


def test_a_records_text_keeps_superscripts_and_a_title_its_own_colon(tmp_path):
    """`10^3^` was "103" in every record, and "Archives:" with a subtitle "Archives:: A Subtitle"."""
    from test_quarto_front_matter import project

    project(tmp_path, '---\ntitle: "Archives: 10^3^ Ships and H~2~O:"\nsubtitle: A Subtitle\nlang: en\n'
                      "date: 2020\n---\n\nText.\n")
    report = build(Settings.for_project(tmp_path, formats=("json", "ris"), environ={}))
    assert report.ok, report.problems
    record = json.loads((tmp_path / "dist" / "a" / "a.json").read_text(encoding="utf-8"))[0]
    assert record["title"] == "Archives: 10³ Ships and H₂O: A Subtitle"


def test_a_titles_emphasis_is_kept_where_a_record_can_hold_it(tmp_path):
    """"Reading *Capital* Today": the inner title's italics were lost in every record,
    and so in the "For citation" line (QA 19). CSL-JSON's rich text holds them, and
    BibTeX's \\textit (as Zotero writes and reads it); RIS has none."""
    from test_quarto_front_matter import project

    project(tmp_path, '---\ntitle: "Reading *Capital* Today"\nsubtitle: "On **Marx** & <Engels>"\n'
                      "author: Ann Author\nlang: en\ndate: 2020\ncsl: chicago-author-date\n---\n\nText.\n")
    report = build(Settings.for_project(tmp_path, formats=("json", "bib", "ris", "epub"), environ={}))
    assert report.ok, report.problems
    folder = tmp_path / "dist" / "a"
    assert json.loads((folder / "a.json").read_text(encoding="utf-8"))[0]["title"] == (
        "Reading <i>Capital</i> Today: On <b>Marx</b> & <Engels>")
    assert r"title = {{Reading \textit{Capital} Today: On \textbf{Marx} \& <Engels>}}" in (folder / "a.bib").read_text()
    assert "TI  - Reading Capital Today: On Marx & &lt;Engels>\r\n" in (folder / "a.ris").read_bytes().decode()
    with zipfile.ZipFile(folder / "a.epub") as epub:
        front = epub.read("EPUB/front-matter.xhtml").decode()
    # (with no journal, Chicago sets the title in italics: the inner title upright, epub.css's `em em`)
    assert "<em>Reading <em>Capital</em> Today: On <strong>Marx</strong> &amp; &lt;Engels&gt;</em>." in front


BLOCK_STYLE = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0" default-locale="en-US">
  <info><title>Blocks</title><id>blocks</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout prefix="[" suffix="]"><text variable="citation-number"/></layout></citation>
  <bibliography><layout>
    <text variable="title" font-weight="bold"/>
    <group display="block"><names variable="author"/></group>
    <group display="block"><text variable="container-title" font-style="italic"/></group>
  </layout></bibliography>
</style>
"""


def test_a_styles_blocks_are_lines_of_their_own(tmp_path):
    """A style's display="block" (Manubot's: title, authors, journal each on a line,
    with no punctuation between) ran together in one line (QA 21)."""
    source = tmp_path / "source" / "b"
    source.mkdir(parents=True)
    (tmp_path / "source" / "publication.yaml").write_text("title: A journal\nlang: en\n", encoding="utf-8")
    (source / "blocks.csl").write_text(BLOCK_STYLE, encoding="utf-8")
    (source / "refs.yaml").write_text("references:\n- id: s\n  type: article-journal\n  title: The history\n"
                                      "  author: [{family: Spier, given: Ray}]\n  container-title: Trends\n"
                                      "  issued: {date-parts: [[2002]]}\n", encoding="utf-8")
    (source / "article.md").write_text("---\ntitle: B\nauthor: Ann Smith\nbibliography: refs.yaml\n"
                                       "csl: blocks.csl\n---\n\nText [@s].\n", encoding="utf-8")
    assert build(Settings.for_project(tmp_path, environ={}, formats=("epub", "pdf"))).ok
    lines = [line.strip() for line in pages_text(tmp_path / "dist" / "b" / "b.pdf")[0].splitlines()]
    assert lines[lines.index("The history"):][:3] == ["The history", "Ray Spier", "Trends"]
    with zipfile.ZipFile(tmp_path / "dist" / "b" / "b.epub") as epub:
        assert "<strong>The history</strong><span class=\"csl-block\">Ray Spier</span>" in epub.read(
            "EPUB/references.xhtml").decode()
        assert ".csl-block { display: block; }" in epub.read("EPUB/css/epub.css").decode()


def test_a_notes_full_stop_goes_inside_the_quotation_a_linked_citation_ends_with():
    """Pandoc's citeproc, its citations linked, left a note's full stop after the
    link: "Fama, “Melancholic Remedies”." where the style (en-US) and citeproc-js
    print "…Remedies.”" (QA 21). Only where the style's language puts it there."""
    from imprint.body.citeproc_js import punctuation_in_quote, punctuation_into_quotes

    def note_of(*inlines):
        return [{"t": "Para", "c": [{"t": "Cite", "c": [[], [{"t": "Note", "c": [{"t": "Para", "c": [
            {"t": "Link", "c": [["", [], []], list(inlines), ["#ref-a", ""]]}, {"t": "Str", "c": "."}]}]}]]}]}]

    blocks = note_of({"t": "Str", "c": "Fama,"}, {"t": "Span", "c": [["", [], []], [
        {"t": "Str", "c": "“Remedies"}, {"t": "Str", "c": "”"}]]})
    punctuation_into_quotes(blocks)
    assert json.dumps(blocks, ensure_ascii=False).count('"”"') == 0 and '".”"' in json.dumps(blocks, ensure_ascii=False)
    unquoted = note_of({"t": "Str", "c": "Critics’"})
    punctuation_into_quotes(unquoted)
    assert '"Critics’"' in json.dumps(unquoted, ensure_ascii=False)  # (an apostrophe: as it was)
    style = (REPO / "styles" / "csl" / "utmn-humanitates.csl").read_bytes()
    assert not punctuation_in_quote(style, "en-US")  # (its own locale block says false)
    assert not punctuation_in_quote(b'<style xmlns="http://purl.org/net/xbiblio/csl"/>', "ru")
    assert punctuation_in_quote(b'<style xmlns="http://purl.org/net/xbiblio/csl"/>', "en")


def test_full_fixture_citation_files(full):
    for ext in ("json", "bib", "ris"):
        check(CASES / "full" / "expected" / f"polyglot-fixture.{ext}", full.file(ext).read_text(encoding="utf-8"))
    record = json.loads(full.file("json").read_text())[0]
    assert record["title"] == ("Испытательная статья: <i>сотрудничество</i> и «кавычки» & <теги>: "
                               "Подзаголовок для проверки")  # (its *emphasis* as CSL-JSON's rich text)
    assert record["author"][1] == {"family": "Smith", "given": "Anna"}
    assert record["license"] == "CC BY 4.0" and record["language"] == "ru"
    assert record["keyword"] == "история, сотрудничество, источники"
    assert record["issued"] == {"date-parts": [[2024, 5, 17]]}


def test_a_publication_can_choose_another_csl_style(tmp_path):
    root = make_project(tmp_path, REPO / "source")
    publication = root / "source" / "publication.yaml"
    publication.write_text(publication.read_text().replace("csl: utmn-humanitates", "csl: apa"))
    report = build(Settings.for_project(root, formats=("epub",), environ={}))
    assert report.ok, report.problems
    line = for_citation_in_epub(root / "dist" / "batunaev-2019-khalkhin-gol" / "batunaev-2019-khalkhin-gol.epub")
    assert line == ("For citation: Batunaev, E. V. (2019). Khalkhin-Gol: Military and Political Cooperation of the "
                    "USSR and the MNR (1939-1945). Tyumen State University Herald. Humanities Research. Humanitates, "
                    "5(3), 173–184. https://doi.org/10.21684/2411-197X-2019-5-3-173-184")


def test_a_journal_name_left_in_russian_is_not_title_cased_in_the_english_line(tmp_path):
    """CSL's title case is for English text: APA's English line of a Russian article
    printed "Вестник Испытательного Журнала. Гуманитарные Исследования" (QA 22)."""
    root = make_project(tmp_path, CASES / "apparatus-ru" / "source")
    publication = root / "source" / "publication.yaml"
    publication.write_text(publication.read_text().replace("csl: gost-r-7-0-5-2008", "csl: apa"))
    assert build(Settings.for_project(root, formats=("epub",), environ={})).ok
    with zipfile.ZipFile(root / "dist" / "apparatus-ru" / "apparatus-ru.epub") as archive:
        page = etree.fromstring(archive.read("EPUB/front-matter.xhtml"))
    line = " ".join("".join(page.find(".//{http://www.w3.org/1999/xhtml}p[@id='for-citation-translated']")
                            .itertext()).split())
    assert "Military and Political Cooperation" in line  # (the English title, title-cased)
    assert "Вестник испытательного журнала. Гуманитарные исследования, 12(3)" in line, line


def test_markup_characters_in_metadata_stay_text_in_the_reference(full):
    line = for_citation_in_epub(full.file("epub"))
    # The article's language localises the style (Pandoc's `lang`): Russian quotation marks,
    # those in the title alternating inside the style's, as citeproc-js prints them (QA 19).
    assert "«Испытательная статья: сотрудничество и „кавычки“ & <теги>: Подзаголовок для проверки»" in line


def test_a_short_title_is_read_as_markdown(tmp_path):
    """Quarto's ACS template: `title-short: An _achemso_ demo`. Its emphasis is
    Markdown, read as the title is: the running head, CSL-JSON's title-short,
    BibTeX's shorttitle and RIS's ST carry "An achemso demo", not the underscores."""
    root = make_project(tmp_path, REPO / "source")
    article = root / "source" / "batunaev-2019-khalkhin-gol" / "article.md"
    article.write_text(article.read_text().replace("lang: en\n", "lang: en\ntitle-short: An _achemso_ demo\n"))
    assert build(Settings.for_project(root, formats=("json", "bib", "ris"), environ={})).ok
    folder = root / "dist" / "batunaev-2019-khalkhin-gol"
    record = json.loads((folder / "batunaev-2019-khalkhin-gol.json").read_text())
    record = record[0] if isinstance(record, list) else record
    assert record["title-short"] == "An achemso demo"
    assert "An achemso demo" in (folder / "batunaev-2019-khalkhin-gol.bib").read_text()
    assert "ST  - An achemso demo" in (folder / "batunaev-2019-khalkhin-gol.ris").read_text()


@pytest.mark.slow  # (a build: out of the quick loop)
def test_tex_math_in_bibtex_and_markdown_in_csl_yaml_are_read_as_pandoc_reads_them(tmp_path):
    """BibTeX's math ($H_2O$, $\\alpha$: JOSS papers' bibliographies are full of it)
    is printed as the text Pandoc's plain writer makes of it (H₂O, α), as Pandoc's
    citeproc prints it (it printed as written, dollars and all). Pandoc reads
    CSL-YAML's texts as Markdown: *x*, H~2~O, [x]{.nocase} and $x^2$ there are
    printed as it prints them (they printed as written, with a warning). CSL-JSON,
    which both engines read, has no math: $x$ there prints as written, so it is
    said at the work's line (once a work; an unlisted work says nothing)."""
    source = tmp_path / "source" / "b"
    source.mkdir(parents=True)
    (tmp_path / "source" / "publication.yaml").write_text("title: A journal\nlang: en\n", encoding="utf-8")
    (source / "refs.bib").write_text("@article{k, author={Doe, J.}, title={On {$H_2O$} and $\\alpha$}, journal={J},"
                                     " year={2020}}\n@book{other, title={Not $x$ cited}, year={2001}}\n",
                                     encoding="utf-8")
    (source / "more.yaml").write_text('references:\n- id: y\n  type: article-journal\n'
                                      '  title: "A *Markdown* title on H~2~O in [iPhone]{.nocase} cells"\n'
                                      "  container-title: Journal of **Things**\n  issued: {date-parts: [[2001]]}\n"
                                      "- id: z\n  type: book\n  title: On $x^2$\n  DOI: 10.1/a_b_c\n"
                                      "  issued: {date-parts: [[2002]]}\n", encoding="utf-8")
    (source / "more.json").write_text('[{"id": "j", "type": "book", "title": "Of $y^2$", "issued": '
                                      '{"date-parts": [[2003]]}}]', encoding="utf-8")
    (source / "article.md").write_text("---\ntitle: B\nauthor:\n  - name: Ann Smith\nbibliography: [refs.bib, "
                                       "more.yaml, more.json]\ncsl: apa\n---\n\nText [@k; @y; @z; @j].\n",
                                       encoding="utf-8")
    report = build(Settings.for_project(tmp_path, environ={}, formats=("epub",)))
    assert report.ok
    assert sorted((w.file, w.line, w.message) for w in report.warnings if "prints it as written" in w.message) == [
        ("source/b/more.json", 1, "the title of 'j' holds TeX math ($y^2$): the reference list prints it as written")]
    with zipfile.ZipFile(tmp_path / "dist" / "b" / "b.epub") as epub:
        written = epub.read("EPUB/references.xhtml").decode()
    listed = re.sub(r"<[^>]+>", "", written)
    assert "On H₂O and α" in listed and "On x²" in listed and "Of $y^2$" in listed
    # (APA sentence-cases titles, but not what nocase protects)
    assert "A <em>Markdown</em> title on H<sub>2</sub>O in iPhone cells" in written
    assert "<em>Journal of <strong>Things</strong></em>" in written and "10.1/a_b_c" in written
    assert "*" not in listed and "~" not in listed and "{" not in listed


def test_bibtex_titles_are_sentence_cased_only_for_english_as_pandoc_s_citeproc_does(tmp_path):
    """Pandoc's citeproc sentence-cases the title of an entry it takes as English:
    one whose `langid` is English, or without one in an English article. Imprint
    converts the .bib with Pandoc's BibTeX reader alone, which took every entry
    without one as English: a Russian article printed "in memory of VI zubov"."""
    from imprint.body import bibliography, pandoc

    bib = tmp_path / "refs.bib"
    bib.write_text("@inproceedings{a, title = {Modelling of Heart Valves in Memory of VI Zubov}, author = {Doe, J.},"
                   " year = 2015}\n@book{b, langid = {english}, title = {The Art of Valves}, year = 2015}\n"
                   "@book{c, langid = {russian}, title = {Клапаны Сердца}, year = 2015}\n", encoding="utf-8")

    def titles(lang):
        records, problems, _ = bibliography.load(tmp_path, (bib,), (), None, pandoc.deadline_in(60), lang)
        assert problems == []
        return {key: (r.csl["title"], r.csl.get("language")) for key, r in records.items()}

    assert titles("ru") == {"a": ("Modelling of Heart Valves in Memory of VI Zubov", None),
                            "b": ("The art of valves", "en-US"), "c": ("Клапаны Сердца", "ru-RU")}
    assert titles("en-US")["a"] == ("Modelling of heart valves in memory of VI zubov", None)


def test_references_written_in_the_front_matter_are_cited(tmp_path):
    """Pandoc's `references:` (CSL-YAML records in the front matter): ignored, then
    every citation of them was an unknown key; with a bibliography, both are used,
    these first (Pandoc: inline references take precedence)."""
    source = tmp_path / "src" / "a"
    source.mkdir(parents=True)
    (source / "refs.json").write_text('[{"id": "doe2020", "type": "book", "title": "From the file", '
                                      '"issued": {"date-parts": [[2020]]}}, {"id": "roe2019", "type": "book", '
                                      '"title": "Only in the file", "issued": {"date-parts": [[2019]]}}]')
    (source / "article.md").write_text(
        "---\ntitle: T\nlang: en\nbibliography: refs.json\nreferences:\n- id: un1948\n  type: book\n  author:\n"
        "  - literal: United Nations\n  title: Universal Declaration of Human Rights\n  issued: 1948\n"
        "- id: doe2020\n  type: book\n  title: From the *front* matter\n  issued: 2020\n---\n\n"
        "As declared [@un1948, art. 1], @doe2020 and @roe2019.\n", encoding="utf-8")
    root = make_project(tmp_path / "project", tmp_path / "src")
    report = build(Settings.for_project(root, formats=("epub",), environ={}))
    assert not report.problems, report.problems
    with zipfile.ZipFile(root / "dist" / "a" / "a.epub") as epub:
        text = " ".join(re.sub(r"<[^>]+>", " ", epub.read(n).decode()) for n in epub.namelist() if n.endswith(".xhtml"))
    assert "United Nations" in text and "Universal Declaration of Human Rights" in text and "*" not in text
    text = " ".join(text.lower().split())  # (the style title-cases titles; Markdown as Pandoc reads it: *front*)
    assert "from the front matter" in text and "only in the file" in text and "from the file" not in text


def test_a_csl_yaml_date_written_as_year_and_month_is_read_as_pandoc_reads_it(tmp_path):
    """`issued: {year: 2012, month: 3}` (gostdown's references): refused ('not a date
    CSL-JSON knows'), and every citation of it then an unknown key."""
    listed = _reference_list(tmp_path, {"article.md": (
        "---\ntitle: T\nlang: en\ncsl: apa\nreferences:\n- id: fenner2012\n  type: article-magazine\n"
        "  author:\n  - {family: Fenner, given: Martin}\n  title: One-click science marketing\n"
        "  container-title: Nature Materials\n  issued:\n    year: 2012\n    month: 3\n---\n\nAs said [@fenner2012].\n")})
    text = re.sub(r"<[^>]+>", "", listed)
    assert "Fenner, M. (2012, March). One-click science marketing." in text, text


def test_what_bibtex_protects_keeps_its_case_as_pandoc_s_citeproc_keeps_it(tmp_path):
    """`{lenstronomy}: Multi-purpose...` and ADS's whole titles in braces: Pandoc's
    CSL-JSON writer drops the protection, and Chicago's title case printed
    "Lenstronomy: Multi-Purpose..." and "4.5 Μm" (27 of 38 titles of a JOSS paper)."""
    listed = _reference_list(tmp_path, {
        "refs.bib": "@article{a, title={{lenstronomy}: Multi-purpose lens modelling}, author={A, B}, year=2018, "
                    "journal={J}}\n@article{b, title={JWST observations at 4.5 {$\\mu$}m}, author={A, B}, year=2019, "
                    'journal={J}}\n@article{c, title="{A comprehensive reanalysis of phase curves}", author={A, B}, '
                    "year=2020, journal={J}}\n",
        "article.md": "---\ntitle: T\nlang: en\nbibliography: refs.bib\n---\n\n[@a; @b; @c]\n"})
    assert "“lenstronomy: Multi-Purpose Lens Modelling.”" in listed
    assert "“JWST Observations at 4.5 μm.”" in listed and "“A comprehensive reanalysis of phase curves.”" in listed
    assert "nocase" not in listed


def _reference_list(tmp_path, files: dict[str, str]) -> str:
    """The EPUB's reference list (its XHTML) of a one-article project of these files,
    built without a problem."""
    source = tmp_path / "src" / "a"
    source.mkdir(parents=True)
    for name, text in files.items():
        (source / name).write_text(text, encoding="utf-8")
    root = make_project(tmp_path / "project", tmp_path / "src")
    report = build(Settings.for_project(root, formats=("epub",), environ={}))
    assert not report.problems, report.problems
    with zipfile.ZipFile(root / "dist" / "a" / "a.epub") as epub:
        return epub.read("EPUB/references.xhtml").decode()


def test_csl_json_from_crossref_and_an_empty_date_are_read_as_pandoc_reads_them():
    """Crossref's CSL-JSON (doi.org, Manubot) has maps Pandoc leaves out (`indexed`,
    `created`, `content-domain`, `license` as a list of maps): each stopped the build
    ("not a CSL value"); so did `"issued": {}`, which Pandoc prints as "n.d.". A
    variable the reference list prints, written as a map, is still an error."""
    from imprint.body.bibliography import normalise

    record = {"id": "x", "type": "article-journal", "title": "T", "ISSN": ["1234-5678", "8765-4321"],
              "indexed": {"date-parts": [[2020, 1, 2]], "timestamp": 1}, "created": {"date-parts": [[2019]]},
              "content-domain": {"domain": [], "crossmark-restriction": False},
              "license": [{"URL": "https://creativecommons.org/licenses/by/4.0", "content-version": "vor"}],
              "issued": {}}
    assert normalise(record) == {"id": "x", "type": "article-journal", "title": "T", "ISSN": "1234-5678, 8765-4321"}
    with pytest.raises(ValueError, match="'title' of the record 'y' is not a CSL value"):
        normalise({"id": "y", "type": "book", "title": {"en": "T"}})


def test_a_reference_s_name_written_as_one_text_is_taken_whole(tmp_path):
    """Pandoc's tests 7323, 7324: `author: John Smith` in `references:` is one
    literal name to Pandoc, "John Smith (2019)"; Imprint split it ("Smith, John"),
    and an organisation came out as "Organization, World Health". A record refused
    for want of a type is told once, not again as an unknown key at each citation."""
    source = tmp_path / "src" / "a"
    source.mkdir(parents=True)
    (source / "article.md").write_text(
        "---\ntitle: T\nlang: en\nreferences:\n- id: smith\n  type: book\n  author: John Smith\n  title: Insects\n"
        "  issued: 2019\n- id: who\n  type: report\n  author: World Health Organization\n  title: Report\n"
        "  issued: 2020\n---\n\nAs @smith [chap. 6] and @who say.\n", encoding="utf-8")
    root = make_project(tmp_path / "project", tmp_path / "src")
    report = build(Settings.for_project(root, formats=("epub",), environ={}))
    assert not report.problems, report.problems
    with zipfile.ZipFile(root / "dist" / "a" / "a.epub") as epub:
        text = " ".join(re.sub(r"<[^>]+>", " ", epub.read(n).decode()) for n in epub.namelist() if n.endswith(".xhtml"))
    text = " ".join(text.split())
    assert "John Smith ( 2019, chap. 6 )" in text and "John Smith. 2019. Insects" in text, text
    assert "World Health Organization" in text and "Organization, World" not in text and "Smith, John" not in text
    (source / "article.md").write_text("---\ntitle: T\nlang: en\nreferences:\n- id: x\n  title: No type\n---\n\n"
                                       "As @x says, and [@x].\n", encoding="utf-8")
    root = make_project(tmp_path / "again", tmp_path / "src")
    problems = build(Settings.for_project(root, formats=("epub",), environ={})).problems
    assert [p.message.split(" (")[0] for p in problems] == ["the record 'x' has no 'type'"]


def test_a_doi_is_linked_as_a_url_wherever_it_is_linked(tmp_path):
    """An old DOI (`<`, `>`) linked as it is by the formatted "For citation" line
    failed EPUBCheck (RSC-020), and `#` in one made its link another DOI's."""
    from test_quarto_front_matter import project

    project(tmp_path, "---\ntitle: T\nlang: en\ndate: 1998\nauthor: Jane Doe\n"
                      "doi: 10.1002/(SICI)1097-4571(199806)49:8<693::AID-ASI4>3.0.CO;2-O\n---\n\nText.\n")
    assert build(Settings.for_project(tmp_path, formats=("epub",), environ={})).ok
    with zipfile.ZipFile(tmp_path / "dist" / "a" / "a.epub") as epub:
        front = epub.read("EPUB/front-matter.xhtml").decode()
    links = re.findall(r'href="(https://doi\.org/[^"]*)"', front)
    assert len(links) >= 2 and set(links) == {
        "https://doi.org/10.1002/(SICI)1097-4571(199806)49:8%3C693::AID-ASI4%3E3.0.CO;2-O"}, links


def test_the_check_reads_a_bibtex_misc_entry_as_one(tmp_path):
    """Pandoc's biblatex reader gives @misc the type "": `publish.py check` said the
    build's own file had an entry without a type."""
    from imprint.conformance.records import check_bibtex

    bib = to_bibtex({"id": "s", "type": "speech", "title": "A Talk"})
    assert bib.startswith("@misc{s,")
    (tmp_path / "s.bib").write_text(bib, encoding="utf-8")
    assert list(check_bibtex(tmp_path / "s.bib", tmp_path, tmp_path, False)) == []


def test_a_per_cent_sign_a_bibtex_entry_loses_its_line_to_is_told(tmp_path):
    """`title = {50% потерь и 100% правды}` printed "50" (a % starts a comment in
    BibTeX, as Pandoc reads it), in silence (QA 23): told of the entries cited."""
    folder = tmp_path / "source" / "a"
    folder.mkdir(parents=True)
    (folder / "refs.bib").write_text("@book{a,\n  author = {Иванов, И.},\n  title = {Армия: 50% потерь},\n"
                                     "  year = {2010}\n}\n\n@book{b,\n  title = {Other: 10% of it},\n  year = {2011}\n}\n")
    (folder / "article.md").write_text("---\ntitle: T\nlang: ru\nbibliography: refs.bib\n---\n\nКак [@a].\n")
    report = build(Settings.for_project(tmp_path, formats=("epub",), environ={}))
    assert report.ok
    assert [(w.file, w.line, w.message) for w in report.warnings if "%" in w.message] == [
        ("source/a/refs.bib", 3, "a % in BibTeX starts a comment: the rest of its line ('потерь},') is left out of "
                                 "the reference")]


def test_a_bibliography_that_cannot_be_read_is_the_one_problem_told(tmp_path):
    """A .bib with an entry never closed: every key it holds was "no reference has
    the key ... add it to the bibliography", the real cause listed last (QA 23)."""
    folder = tmp_path / "source" / "a"
    folder.mkdir(parents=True)
    (folder / "refs.bib").write_text("@book{a,\n  title = {A},\n  year = {2010}\n\n@book{b,\n  title = {B}\n}\n")
    (folder / "article.md").write_text("---\ntitle: T\nlang: en\nbibliography: refs.bib\n---\n\nAs [@a] and [@b].\n")
    report = build(Settings.for_project(tmp_path, formats=("epub",), environ={}))
    assert [(p.file, p.line, p.message) for p in report.problems] == [
        ("source/a/refs.bib", 1, "the @book entry here is never closed")]
