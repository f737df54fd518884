"""The scholarly apparatus: citations, references, figures, tables, cross-references,
the second language and the back matter, in both editions."""

from __future__ import annotations

import re
import io
import zipfile

import pikepdf
import pytest
from lxml import etree

from conftest import CASES, REPO, make_project
from golden import check
from imprint import build
from imprint.settings import Settings
from pdfread import artifact_text, fonts, page_text, pages_text, structure_problems, tag_tree, words
from validators import ace, epubcheck

X = "{http://www.w3.org/1999/xhtml}"
NS = {"x": "http://www.w3.org/1999/xhtml", "opf": "http://www.idpf.org/2007/opf",
      "dc": "http://purl.org/dc/elements/1.1/"}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def pages(epub) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as archive:
        return {n.removeprefix("EPUB/"): etree.fromstring(archive.read(n))
                for n in archive.namelist() if n.endswith(".xhtml")}


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def spine(epub) -> list[str]:
    with zipfile.ZipFile(epub) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
    items = {i.get("id"): i.get("href") for i in opf.iterfind(".//opf:item", NS)}
    return [items[r.get("idref")] for r in opf.iterfind(".//opf:itemref", NS) if r.get("linear") != "no"]


def citations_and_references(epub) -> str:
    """The golden view: every citation as printed, in reading order, then the reference list."""
    found = pages(epub)
    lines = []
    for name in spine(epub):
        for element in found[name].iter(f"{X}span", f"{X}aside"):
            if element.get("class") == "cite":
                lines.append(f"cite: {text(element)}")
            elif element.get("class") == "footnote":
                lines.append(f"note {element.get('id')}: {text(element)}")
    lines += [f"entry {li.get('id')}: {text(li)}" for li in found["references.xhtml"].iter(f"{X}li")]
    return "\n".join(lines) + "\n"


@pytest.mark.slow  # (EPUBCheck and Ace: seconds each)
@pytest.mark.parametrize("case", ["apparatus_ru", "apparatus_en"])
def test_validators_are_clean(case, request, tmp_path):
    built = request.getfixturevalue(case)
    assert epubcheck(built.file("epub"), tmp_path) == []
    assert ace(built.file("epub"), tmp_path) == []


@pytest.mark.parametrize("case", ["apparatus_ru", "apparatus_en"])
def test_citations_and_references_golden(case, request):
    built = request.getfixturevalue(case)
    name = case.replace("_", "-")
    check(CASES / name / "expected" / "citations.txt", citations_and_references(built.file("epub")))


def test_citation_forms_in_russian(apparatus_ru):
    lines = citations_and_references(apparatus_ru.file("epub"))
    for expected in ["cite: [Иванов, 2010a; Smith, Doe, 2015]",  # a group, in the style's order: Cyrillic first
                     "cite: Жуков [1969, с. 145]",  # narrative with a locator
                     "cite: [1985, p. 1089]",  # author suppressed ("p." is no Russian locator: a suffix)
                     # the style sorts a group's items, prefix or not, and writes every locator as a page
                     "cite: [Петров, Сидорова, 1985, с. 3; см. Сергеев, 2001, с. 12]",
                     "cite: [Петров, Сидорова, 1985, с. 50]",  # inside a footnote
                     "cite: [Иванов, 2010b]"]:  # two works of one author and year
        assert expected in lines, expected
    assert "entry ref-archive1940: 7. Штаб 1-й армейской группы." in lines  # nocite, with the Cyrillic works
    assert lines.count("\nentry ") == 10


def test_every_citation_and_cross_reference_links_to_its_target(apparatus_ru):
    found = pages(apparatus_ru.file("epub"))
    ids = {(name, el.get("id")) for name, tree in found.items() for el in tree.iter() if el.get("id")}
    links = 0
    for name, tree in found.items():
        for a in tree.iter(f"{X}a"):
            if a.get("class") in ("citation", "crossref"):
                target = a.get("href")
                page, _, anchor = target.rpartition("#")
                assert (page or name, anchor) in ids, f"{name}: {target}"
                links += 1
    assert links >= 20
    entries = found["references.xhtml"].find(".//x:section", NS)
    assert entries.get(EPUB_TYPE) == "bibliography" and entries.get("role") == "doc-bibliography"


def test_pdf_links_citations_to_entries(apparatus_ru):
    with pikepdf.open(apparatus_ru.file("pdf")) as pdf:
        names = {str(k) for k in pikepdf.NameTree(pdf.Root.Names.Dests).keys()}
        targets = set()
        for page in pdf.pages:
            for annotation in page.get("/Annots", []):
                action = annotation.get("/A")
                if action is not None and action.get("/S") == "/GoTo":
                    targets.add(str(action.D))
                elif annotation.get("/Dest") is not None:
                    targets.add(str(annotation.Dest))
    assert {"ref-ivanov2010", "ref-smith2015", "fig-map", "tbl-losses", "sec-sources"} <= targets
    assert targets <= names


def test_figures(apparatus_ru):
    epub = apparatus_ru.file("epub")
    with zipfile.ZipFile(epub) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
        images = {i.get("href"): i.get("media-type") for i in opf.iterfind(".//opf:item", NS)
                  if i.get("href").startswith("images/")}
        # The SVG figure is carried as a PNG rendering of it (Kindle shows no SVG).
        assert images == {"images/map.png": "image/png", "images/scheme.png": "image/png"}
        assert archive.read("EPUB/images/map.png") == (CASES / "apparatus-ru" / "source" / "apparatus-ru" /
                                                       "images" / "map.png").read_bytes()
        from PIL import Image

        with Image.open(io.BytesIO(archive.read("EPUB/images/scheme.png"))) as scheme:
            assert scheme.mode == "RGB" and scheme.width == 800  # twice its 400 px, and at least 800
            assert scheme.getpixel((0, 0)) == (255, 255, 255)  # on white, not transparent
            assert scheme.getpixel((140, 140)) != (255, 255, 255)  # the first box is drawn
    figure = pages(epub)["chapter-2.xhtml"].find(".//x:figure[@id='fig-map']", NS)
    assert figure.find("x:img", NS).get("alt") == "Карта: река, две отметки боёв и высота в центре"
    assert text(figure.find("x:figcaption", NS)) == "Рис. 1. Схема района боёв у реки Халхин-Гол, 1939 г."
    printed = " ".join(" ".join(pages_text(apparatus_ru.file("pdf"))).split())
    assert "Рис. 1. Схема района боёв" in printed and "Рис. 2. Схема связи между штабами" in printed
    with pikepdf.open(apparatus_ru.file("pdf")) as pdf:
        raster = {image.objgen for page in pdf.pages for image in page.get_images().values()}
    assert len(raster) == 1  # the PNG; the SVG is drawn as vectors


def test_long_table_repeats_its_header_on_every_page(apparatus_ru):
    texts = pages_text(apparatus_ru.file("pdf"))
    with_rows = [t for t in texts if re.search(r"Участок \d+", t)]
    assert len(with_rows) >= 2
    assert all("Численность" in t and "Потери" in t for t in with_rows)
    caption = pages(apparatus_ru.file("epub"))["chapter-3.xhtml"].find(".//x:table[@id='tbl-losses']/x:caption", NS)
    assert text(caption) == "Таблица 1. Численность и потери по участкам фронта"


def test_long_table_says_it_continues_on_each_later_page(apparatus_ru, tmp_path):
    """«Продолжение табл. 1» over each part of the table after the first (GOST 7.32),
    right of the header WeasyPrint repeats; an artifact with it, not read again."""
    path = apparatus_ru.file("pdf")
    with_rows = [n for n, t in enumerate(pages_text(path), start=1) if re.search(r"Участок \d+", t)]
    assert len(with_rows) >= 3
    first, *later = with_rows
    assert "Продолжение" not in page_text(path, first)  # (under its caption: nothing)
    for n in later:
        assert "Продолжение табл. 1" in artifact_text(path, n, tmp_path), n
    said = [text for tag in tag_tree(path).walk() for text in tag.kids if isinstance(text, str)]
    assert not any("Продолжение" in text for text in said)
    assert structure_problems(path) == []


def test_for_citation_stays_on_page_one_with_a_long_translation(tmp_path):
    """A Russian article's English abstract as long as the seed's (250 words) pushed
    «Для цитирования», printed after the English block, to page two. Print closes
    each language's block with its own line, the Russian one on page one, as the
    journal prints it; the EPUB keeps both lines after the English block."""
    root = make_project(tmp_path, CASES / "apparatus-ru" / "source")
    article = root / "source" / "apparatus-ru" / "article.md"
    sentence = "The article examines the questions of military and political cooperation in the archives. "
    article.write_text(article.read_text(encoding="utf-8").replace(
        'The article examines the "test" questions of cooperation. A second sentence.', sentence * 18),
        encoding="utf-8")
    report = build(Settings.for_project(root, formats=("pdf", "epub"), environ={}))
    assert report.ok, report.problems
    printed = pages_text(root / "dist" / "apparatus-ru" / "apparatus-ru.pdf")
    first = " ".join(printed[0].split())
    assert "Для цитирования: Иванов И. П., Петрова М." in first
    assert first.index("Для цитирования") < first.index("Military and Political Cooperation")
    rest = " ".join(" ".join(printed[:2]).split())
    assert rest.index("Keywords: history") < rest.index("For citation: Ivanov I. P.")
    front = pages(root / "dist" / "apparatus-ru" / "apparatus-ru.epub")["front-matter.xhtml"]
    order = [e.get("id") for e in front.iter(f"{X}section", f"{X}p") if e.get("id") in (
        "translation", "for-citation", "for-citation-translated")]
    assert order == ["translation", "for-citation", "for-citation-translated"]


def test_cross_references_are_localised(apparatus_ru, apparatus_en):
    ru = {text(a) for tree in pages(apparatus_ru.file("epub")).values() for a in tree.iter(f"{X}a")
          if a.get("class") == "crossref"}
    assert {"рис. 1", "рис. 2", "табл. 1", "разд. 1"} <= ru  # running text: «на рис. 1», «в табл. 1»
    assert "2" in ru and "разд. 2" not in ru  # («в разделе @sec-sources»: «в разделе 2», not «в разделе разд. 2»)
    en = {text(a) for tree in pages(apparatus_en.file("epub")).values() for a in tree.iter(f"{X}a")
          if a.get("class") == "crossref"}
    assert {"Figure 1", "Table 1", "Section “Introduction”"} <= en  # sections unnumbered: by title


def test_second_language_in_both_editions(apparatus_ru):
    front = pages(apparatus_ru.file("epub"))["front-matter.xhtml"]
    translation = front.find(".//x:section[@id='translation']", NS)
    assert translation.get("lang") == "en" and translation.get(XML_LANG) == "en"
    block = text(translation)
    for expected in ["Military and Political Cooperation of the USSR and the MNR: a Test Essay", "Ivan P. Ivanov",
                     "Cand. Sci. (Hist.), Researcher", "Institute of Testing, Ulan-Ude", "Abstract",
                     "The article examines the “test” questions", "Keywords: history, Mongolia, Khalkhin Gol"]:
        assert expected in block, expected
    assert "статья рассматривает «испытательные» вопросы" in text(front.find(".//x:section[@id='abstract']", NS))
    with zipfile.ZipFile(apparatus_ru.file("epub")) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
    meta = opf.find("opf:metadata", NS)
    titles = meta.findall("dc:title", NS)
    assert ("Military and Political Cooperation of the USSR and the MNR: a Test Essay", "en") in [
        (t.text, t.get(XML_LANG)) for t in titles]
    assert titles[0].text == "Военно-политическое сотрудничество СССР и МНР: испытательный очерк"
    refines = {(m.get("refines"), m.get("property")): m for m in meta.iterfind("opf:meta", NS)}
    assert refines[("#title", "alternate-script")].get(XML_LANG) == "en"
    assert refines[("#title-translated", "title-type")].text == "06"
    assert refines[("#creator-1", "alternate-script")].text == "Ivan P. Ivanov"
    printed = " ".join(pages_text(apparatus_ru.file("pdf"))[0].split())
    assert "Military and Political Cooperation of the USSR and the MNR: a Test Essay" in printed


def test_back_matter(apparatus_ru, apparatus_en):
    back = pages(apparatus_ru.file("epub"))["back-matter.xhtml"]
    headings = [text(h) for h in back.iter(f"{X}h2")]
    assert headings == ["Благодарности", "Финансирование", "Конфликт интересов", "Доступность данных", "Об авторах"]
    about = text(back.find(".//x:section[@id='about-the-authors']", NS))
    for expected in ["Иван Петрович Иванов (Ivan P. Ivanov), канд. ист. наук, научный сотрудник; концептуализация, "
                     "написание текста", "Институт испытаний, Улан-Удэ", "ORCID: https://orcid.org/0000-0002-1825-0097",
                     "Эл. почта: ivanov@example.org", "Занимается историей Монголии XX века.", "Мария Петрова"]:
        assert expected in about, expected
    assert about.count("@") == 1  # only the corresponding author's e-mail
    assert spine(apparatus_ru.file("epub"))[-2:] == ["references.xhtml", "back-matter.xhtml"]
    en = pages(apparatus_en.file("epub"))["back-matter.xhtml"]
    assert [text(h) for h in en.iter(f"{X}h2")] == ["Data availability", "About the author"]  # (one: QA 24)


def test_reference_heading_of_the_author_is_kept(apparatus_en):
    found = pages(apparatus_en.file("epub"))
    assert "chapter-3.xhtml" not in found  # "# References" and the marker made no chapter of their own
    heading = found["references.xhtml"].find(".//x:h1", NS)
    assert text(heading) == "References"


@pytest.mark.parametrize("style, in_text, note_count, entry_start", [
    ("apa", "Coox, 1985, p. 580", 1, "Coox, A. D. (1985)."),
    ("chicago-author-date", "Coox 1985, 580", 1, "Coox, Alvin D. 1985."),  # given names as written
    ("ieee", "[1, p. 580]", 1, "[1]"),
    ("chicago-notes-bibliography", None, 4, "Coox, Alvin D. Nomonhan"),
])
def test_switching_the_style_re_renders_everything(style, in_text, note_count, entry_start, tmp_path):
    root = make_project(tmp_path, CASES / "apparatus-en" / "source")
    publication = root / "source" / "publication.yaml"
    publication.write_text(publication.read_text().replace("csl: apa", f"csl: {style}"))
    assert build(Settings.for_project(root, formats=("epub",), environ={})).ok
    found = pages(root / "dist" / "apparatus-en" / "apparatus-en.epub")
    chapter = found["chapter-1.xhtml"]
    notes = chapter.findall(".//x:aside", NS)
    assert len(notes) == note_count
    cites = [text(s) for s in chapter.iter(f"{X}span") if s.get("class") == "cite"]
    if in_text:
        assert in_text in cites[0]
    else:  # a note style: the first citation became note 1
        assert "Coox" in text(notes[0]) and "580" in text(notes[0])
    first_entry = text(found["references.xhtml"].find(".//x:li", NS))
    assert first_entry.startswith(entry_start), first_entry


def test_jpeg_figure_and_sizes(apparatus_en):
    epub = apparatus_en.file("epub")
    with zipfile.ZipFile(epub) as archive:
        opf = etree.fromstring(archive.read("EPUB/content.opf"))
    media = {i.get("href"): i.get("media-type") for i in opf.iterfind(".//opf:item", NS)}
    assert media["images/railway.jpg"] == "image/jpeg" and media["images/front-line.png"] == "image/png"
    figure = pages(epub)["chapter-2.xhtml"].find(".//x:figure[@id='fig-railway']", NS)
    assert figure.find("x:img", NS).get("class") == "width-50" and figure.find("x:img", NS).get("style") is None
    assert text(figure.find("x:figcaption", NS)) == "Figure 2. The railway from Borzya"


def test_a_project_without_styles_uses_imprints_own(tmp_path):
    """Overrides by search path: a project's styles/ may hold only what it changes.
    A stylesheet adds to Imprint's of its name (after it: its rules win): a print.css
    of a designer's few rules replaced Imprint's, and the notes were run into the
    text, the folios and running heads gone, in silence (QA 22)."""
    import shutil

    root = tmp_path / "journal"
    shutil.copytree(CASES / "apparatus-en" / "source", root / "source")
    (root / "styles" / "css").mkdir(parents=True)
    (root / "styles" / "css" / "epub.css").write_text("p { color: #333; }\n")
    (root / "styles" / "css" / "print.css").write_text("a { color: #7a1f3d; }\n")
    assert build(Settings.for_project(root, formats=("epub", "pdf"), environ={})).ok
    pdf = root / "dist" / "apparatus-en" / "apparatus-en.pdf"
    text = pages_text(pdf)
    assert "Figure 1" in " ".join(text)
    with pikepdf.open(pdf) as document:  # (Imprint's layout kept: the headings' bookmarks, the notes at the foot)
        assert len(document.open_outline().root) > 0
    assert all(page.rstrip().splitlines()[-1].strip().isdigit() for page in text[1:]), text[1][-200:]
    imprints = (REPO / "styles" / "css" / "epub.css").read_bytes()
    with zipfile.ZipFile(root / "dist" / "apparatus-en" / "apparatus-en.epub") as archive:
        assert archive.read("EPUB/css/epub.css") == imprints + b"\np { color: #333; }\n"  # Imprint's, then its own


def test_a_designer_s_text_face_is_the_running_heads_and_folios_face_too(tmp_path):
    """The margin boxes take the face from `html`: a print.css that sets another
    text face left the running heads and folios in PT Serif (QA 26 F6)."""
    import shutil

    root = tmp_path / "journal"
    shutil.copytree(CASES / "apparatus-en" / "source", root / "source")
    (root / "styles" / "css").mkdir(parents=True)
    (root / "styles" / "css" / "print.css").write_text('html { font-family: "DejaVu Serif", serif; }\n')
    assert build(Settings.for_project(root, formats=("pdf", "handout"), environ={})).ok
    for name in ("apparatus-en.pdf", "apparatus-en-handout.pdf"):
        used = {f["name"].split("+")[-1] for f in fonts(root / "dist" / "apparatus-en" / name)}
        assert not [face for face in used if face.startswith("PT-Serif")], (name, used)


def test_a_designer_s_print_css_holds_in_the_handout_over_imprints_handout_css(tmp_path):
    """Imprint's stylesheets first, then the project's: a project's print.css came
    before Imprint's handout.css, whose rules then won over the design's in the
    handout, in silence (QA 26 F5: the text's size, the margins)."""
    import shutil

    root = tmp_path / "journal"
    shutil.copytree(CASES / "apparatus-en" / "source", root / "source")
    (root / "styles" / "css").mkdir(parents=True)
    (root / "styles" / "css" / "print.css").write_text("html { font-size: 14pt; }\n")
    assert build(Settings.for_project(root, formats=("handout",), environ={})).ok
    found, _, _ = words(root / "dist" / "apparatus-en" / "apparatus-en-handout.pdf", 1)
    large = [w.text for w in found if w.y_max - w.y_min > 16]  # (14 pt: a word's box 18 pt high; 10 pt: 12)
    assert len(large) > 20, large


def test_hanging_indent_follows_the_style(apparatus_en, apparatus_ru):
    en = pages(apparatus_en.file("epub"))["references.xhtml"].find(".//x:section", NS)
    ru = pages(apparatus_ru.file("epub"))["references.xhtml"].find(".//x:section", NS)
    assert en.get("class") == "references hanging"  # APA asks for hanging indents
    assert ru.get("class") == "references"


def test_a_work_in_another_language_is_marked_in_the_reference_list(tmp_path):
    """A Russian work in an English article's list was read by a screen reader with
    the English voice (QA 24): its entry takes the language its record gives
    (a tag; a language written in words is not guessed at), in both editions."""
    root = make_project(tmp_path, CASES / "apparatus-en" / "source")
    folder = root / "source" / "apparatus-en"
    refs = (folder / "refs.json").read_text()
    (folder / "refs.json").write_text(refs.replace('"publisher": "Stanford University Press"',
                                                   '"language": "ru-RU", "publisher": "Stanford University Press"', 1)
                                      .replace('"publisher": "Naval Institute Press"',
                                               '"language": "Russian", "publisher": "Naval Institute Press"', 1))
    assert build(Settings.for_project(root, formats=("epub", "pdf"), environ={})).ok
    references = pages(root / "dist" / "apparatus-en" / "apparatus-en.epub")["references.xhtml"]
    marked = {e.get("id"): (e.get("lang"), e.get(XML_LANG)) for e in references.iterfind(".//x:li", NS)}
    assert marked["ref-coox1985"] == ("ru-RU", "ru-RU") and marked["ref-goldman2012"] == (None, None), marked
    with pikepdf.open(root / "dist" / "apparatus-en" / "apparatus-en.pdf") as pdf:
        langs = [str(e.Lang) for e in _structure(pdf.Root.StructTreeRoot) if "/Lang" in e]
    assert "ru-RU" in langs


def _structure(element):
    if isinstance(element, pikepdf.Dictionary):
        yield element
        kids = element.get("/K")
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
            yield from _structure(kid)


def test_the_csl_json_writes_a_names_particles_as_zotero_reads_them(apparatus_en):
    """Zotero's CSL-JSON import reads `family` and `given` alone: "van der Berg",
    written with a non-dropping-particle, was stored as "Berg" (QA 25)."""
    import json

    from imprint.editions.records import _particles_joined

    record = json.loads((apparatus_en.root / "dist" / "apparatus-en" / "apparatus-en.json").read_text())[0]
    assert record["author"][0] == {"family": "van der Berg", "given": "Jane"}, record["author"]
    assert _particles_joined({"family": "Beethoven", "given": "Ludwig", "dropping-particle": "van"}) == \
        {"family": "Beethoven", "given": "Ludwig van"}
    assert _particles_joined({"family": "Alembert", "given": "Jean", "non-dropping-particle": "d'"}) == \
        {"family": "d'Alembert", "given": "Jean"}  # (an elided particle: no space, review)
