"""The e-reader edition: validators, package metadata, navigation, notes."""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from conftest import CASES
from golden import check
from validators import ace, epubcheck

NS = {
    "opf": "http://www.idpf.org/2007/opf",
    "dc": "http://purl.org/dc/elements/1.1/",
    "x": "http://www.w3.org/1999/xhtml",
    "epub": "http://www.idpf.org/2007/ops",
}
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def read(epub, name: str) -> etree._Element:
    with zipfile.ZipFile(epub) as archive:
        return etree.fromstring(archive.read(name))


def text_of(element) -> str:
    return " ".join("".join(element.itertext()).split())


@pytest.mark.slow  # (EPUBCheck and Ace: seconds each)
@pytest.mark.parametrize("case", ["seed", "full"])
def test_epubcheck_reports_nothing(case, request, tmp_path):
    built = request.getfixturevalue(case)
    messages = epubcheck(built.file("epub"), tmp_path)
    assert messages == [], messages


@pytest.mark.slow  # (EPUBCheck and Ace: seconds each)
@pytest.mark.parametrize("case", ["seed", "full"])
def test_ace_finds_no_violations(case, request, tmp_path):
    built = request.getfixturevalue(case)
    assert ace(built.file("epub"), tmp_path) == []


def test_zip_layout(full):
    with zipfile.ZipFile(full.file("epub")) as archive:
        infos = archive.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert {i.date_time for i in infos} == {(2024, 5, 17, 0, 0, 0)}  # the article's date, not the build's


def test_package_metadata(full):
    opf = read(full.file("epub"), "EPUB/content.opf")
    assert opf.get("{http://www.w3.org/XML/1998/namespace}lang") == "ru"
    meta = opf.find("opf:metadata", NS)
    lines = []
    for element in meta:
        tag = etree.QName(element).localname
        prefix = "dc:" if etree.QName(element).namespace == NS["dc"] else ""
        attrs = " ".join(f'{k}="{v}"' for k, v in sorted(element.attrib.items()))
        lines.append(f"{prefix}{tag} {attrs} | {(element.text or '').strip()}".rstrip())
    check(CASES / "full" / "expected" / "opf-metadata.txt", "\n".join(lines) + "\n")
    # The same facts, asserted so that a regenerated golden cannot hide their loss.
    assert meta.findtext("dc:identifier", namespaces=NS) == "urn:doi:10.5555/imprint-test-1"
    assert [c.text for c in meta.findall("dc:creator", NS)] == ["Иван Петрович Иванов", "Anna Smith", "Пётр Сидоров"]
    file_as = {m.get("refines"): m.text for m in meta.findall("opf:meta[@property='file-as']", NS)}
    assert file_as["#creator-1"] == "Иванов, Иван Петрович"
    assert meta.findtext("dc:title", namespaces=NS) == "Испытательная статья: сотрудничество и «кавычки» & <теги>"
    assert meta.findtext("dc:language", namespaces=NS) == "ru"
    assert meta.findtext("dc:type", namespaces=NS) == "article"  # (Zotero took a typeless EPUB for a book: QA 25)
    assert meta.findtext("dc:publisher", namespaces=NS) == "Издательство «Тест»"
    assert meta.findtext("dc:rights", namespaces=NS) == "CC BY 4.0"
    assert [s.text for s in meta.findall("dc:subject", NS)] == ["история", "сотрудничество", "источники"]
    assert meta.findtext("dc:description", namespaces=NS).startswith("Аннотация на русском языке с «кавычками»")
    assert meta.findtext("opf:meta[@property='dcterms:modified']", namespaces=NS) == "2024-05-17T00:00:00Z"
    collections = [m.text for m in meta.findall("opf:meta[@property='belongs-to-collection']", NS)]
    assert collections == ["Вестник испытательного журнала. Гуманитарные исследования, Т. 12, № 2, 2024",
                           "Вестник испытательного журнала. Гуманитарные исследования"]
    properties = {m.get("property") for m in meta.findall("opf:meta", NS)}
    assert {"schema:accessMode", "schema:accessModeSufficient", "schema:accessibilityFeature",
            "schema:accessibilityHazard", "schema:accessibilitySummary"} <= properties


def test_accessibility_metadata_says_what_the_book_has(full, seed, apparatus_ru):
    """The summary named linked notes and references in every book, the seed's too,
    which has neither (QA 25); formulas add the MathML feature."""
    def metadata(built):
        meta = read(built.file("epub"), "EPUB/content.opf").find("opf:metadata", NS)
        summary = meta.findtext("opf:meta[@property='schema:accessibilitySummary']", namespaces=NS)
        features = [m.text for m in meta.findall("opf:meta[@property='schema:accessibilityFeature']", NS)]
        return summary, features

    summary, features = metadata(seed)
    assert summary == ("Reflowable text with structured navigation by headings and a table of contents. "
                       "Every image has a text alternative.") and "MathML" not in features
    summary, features = metadata(full)
    assert "Сноски связаны" in summary and "списком литературы" not in summary, summary
    summary, features = metadata(apparatus_ru)
    assert "Сноски связаны" in summary and "списком литературы" in summary, summary
    from imprint.editions.epub_metadata import accessibility
    words = {"accessibility_summary": "Text.", "accessibility_images": "Images.", "accessibility_math": "Math."}
    assert ("schema:accessibilityFeature", "MathML") in accessibility(words, [b"<p><math/></p>"])
    assert dict(accessibility(words, [b"<p><math/></p>"]))["schema:accessibilitySummary"] == "Text. Math. Images."


def test_navigation_follows_headings(full):
    nav = read(full.file("epub"), "EPUB/nav.xhtml")
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)

    def outline(ol, depth=0):
        lines = []
        for li in ol.findall("x:li", NS):
            link = li.find("x:a", NS)
            lines.append("  " * depth + f"{text_of(link)} -> {link.get('href')}")
            child = li.find("x:ol", NS)
            if child is not None:
                lines.extend(outline(child, depth + 1))
        return lines

    lines = outline(toc.find("x:ol", NS))
    check(CASES / "full" / "expected" / "nav.txt", "\n".join(lines) + "\n")
    assert [line.split(" -> ")[0].strip() for line in lines] == [
        "Сведения о статье", "Испытательная статья: сотрудничество и «кавычки» & <теги>",
        "Введение", "Источники и методы", "Ход событий", "Летние бои", "Заключение", "Дополнительные сведения",
    ]
    ncx = read(full.file("epub"), "EPUB/toc.ncx")
    assert len(ncx.findall(".//{http://www.daisy.org/z3986/2005/ncx/}navPoint")) == 8


def test_body_is_split_at_top_level_headings(full):
    with zipfile.ZipFile(full.file("epub")) as archive:
        names = sorted(n for n in archive.namelist() if n.startswith("EPUB/chapter-"))
    assert names == [f"EPUB/chapter-{i}.xhtml" for i in range(1, 5)]
    second = read(full.file("epub"), "EPUB/chapter-2.xhtml")
    assert [text_of(h) for h in second.iter("{%s}h1" % NS["x"])] == ["Введение"]
    assert [text_of(h) for h in second.iter("{%s}h2" % NS["x"])] == ["Источники и методы"]
    assert second.find(".//x:table/x:thead/x:tr/x:th", NS) is not None


def test_footnotes_pop_up(full):
    chapter = read(full.file("epub"), "EPUB/chapter-1.xhtml")
    ref = chapter.find(".//x:a[@role='doc-noteref']", NS)
    assert ref.get(EPUB_TYPE) == "noteref" and ref.get("href") == "#fn-1" and text_of(ref) == "1"
    note = chapter.find(".//x:aside[@id='fn-1']", NS)
    assert note.get(EPUB_TYPE) == "footnote" and note.get("role") == "doc-footnote"
    back = note.find(".//x:a[@role='doc-backlink']", NS)
    assert back.get("href") == f"#{ref.get('id')}"
    assert "Сноска NT1" in text_of(note)
    # Each note sits in the chapter that calls it; a two-paragraph note keeps both.
    third = read(full.file("epub"), "EPUB/chapter-3.xhtml")
    notes = {a.get("id"): a for a in third.iter("{%s}aside" % NS["x"])}
    assert set(notes) == {"fn-4", "fn-5", "fn-6"}
    assert len(notes["fn-4"].findall("x:p", NS)) == 3  # the number, then two paragraphs
    assert "Встроенная сноска NT6" in text_of(notes["fn-6"])


def test_front_matter_page(full):
    page = read(full.file("epub"), "EPUB/front-matter.xhtml")
    text = text_of(page.find(".//x:body", NS)).replace("\u2060", "")  # (no line break after a range's dash)
    for expected in ["Вестник испытательного журнала. Гуманитарные исследования, Т. 12, № 2, 2024, С. 45–67",
                     "Испытательная статья: сотрудничество и «кавычки» & <теги>",
                     "Подзаголовок для проверки", "Иван Петрович Иванов", "канд. ист. наук, научный сотрудник",
                     "ORCID: https://orcid.org/0000-0002-1825-0097", "ivanov@example.org",
                     "Отдел истории, Институт испытаний, Улан-Удэ", "https://doi.org/10.5555/imprint-test-1",
                     "CC BY 4.0", "Аннотация", "Ключевые слова: история, сотрудничество, источники",
                     "Для цитирования:"]:
        assert expected in text, expected
    links = {a.get("href") for a in page.iter("{%s}a" % NS["x"])}
    assert {"https://orcid.org/0000-0002-1825-0097", "https://doi.org/10.5555/imprint-test-1",
            "https://creativecommons.org/licenses/by/4.0/", "mailto:ivanov@example.org"} <= links
    # The corresponding author's e-mail only: the others have none printed.
    assert text.count("@example.org") == 1
    assert page.find(".//x:section[@role='doc-abstract']", NS).get("{http://www.w3.org/XML/1998/namespace}lang") is None


def test_user_text_is_escaped_never_markup(full):
    with zipfile.ZipFile(full.file("epub")) as archive:
        pages = {n: archive.read(n) for n in archive.namelist() if n.endswith((".xhtml", ".opf", ".ncx"))}
    for name, data in pages.items():
        tree = etree.fromstring(data)  # every file is well-formed XML
        assert not list(tree.iter("{%s}script" % NS["x"], "script")), name
        assert not list(tree.iter("{%s}b" % NS["x"])), name
    chapter = text_of(read(full.file("epub"), "EPUB/chapter-1.xhtml"))
    assert "сырой HTML <script>alert(„x“)</script> и <b>жирный</b> & амперсанд" in chapter


def test_stylesheet_comes_from_styles(full):
    with zipfile.ZipFile(full.file("epub")) as archive:
        css = archive.read("EPUB/css/epub.css")
    assert css == (full.root / "styles" / "css" / "epub.css").read_bytes()
    chapter = read(full.file("epub"), "EPUB/chapter-2.xhtml")
    assert chapter.find(".//x:link[@rel='stylesheet']", NS).get("href") == "css/epub.css"


def test_seed_package_identifies_the_article(seed):
    opf = read(seed.file("epub"), "EPUB/content.opf")
    meta = opf.find("opf:metadata", NS)
    assert meta.findtext("dc:identifier", namespaces=NS) == "urn:doi:10.21684/2411-197X-2019-5-3-173-184"
    assert meta.findtext("dc:language", namespaces=NS) == "en"
    assert meta.find("dc:publisher", NS) is None  # not known: left out
    assert meta.find("dc:rights", NS) is None
    assert meta.find("dc:subject", NS) is None


def test_a_figure_slow_to_rasterise_is_kept_for_the_next_build(tmp_path, monkeypatch):
    """A large SVG of Inkscape's or matplotlib's took 2.5 s to become the EPUB's
    PNG, at every build and at every edit under watch (QA 21): one that takes long
    is kept in .imprint-cache/raster/, by its bytes and Imprint's code. One that
    draws another file is made every time (what it draws is not all in its bytes)."""
    from imprint.editions import raster

    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
           '<rect width="40" height="20" fill="#c33"/></svg>')
    (tmp_path / "figure.svg").write_text(svg)
    (tmp_path / "linked.svg").write_text(svg.replace("</svg>", '<image href="figure.png" width="5" height="5"/></svg>'))
    monkeypatch.setattr(raster, "KEPT_AFTER", 0.0)
    made = raster.svg_to_png(tmp_path / "figure.svg", tmp_path)
    assert [p.read_bytes() for p in (tmp_path / raster.KEPT).iterdir()] == [made]
    monkeypatch.setattr(raster, "_svg_to_png", lambda *args: pytest.fail("made again"))
    assert raster.svg_to_png(tmp_path / "figure.svg", tmp_path) == made
    with pytest.raises(pytest.fail.Exception):
        raster.svg_to_png(tmp_path / "linked.svg", tmp_path)
    assert len(list((tmp_path / raster.KEPT).iterdir())) == 1


def test_a_font_the_epub_stylesheet_names_is_carried_in_the_epub(tmp_path):
    """A font file an @font-face of epub.css named was refused ("only the stylesheet
    is copied into the EPUB"), and a data: URL font counts as no embedded font on
    RMSDK's readers (QA 22): the EPUB carries the files of styles/fonts/ it names."""
    import shutil

    from conftest import REPO, make_project
    from imprint import build
    from imprint.errors import StyleError
    from imprint.settings import Settings
    from imprint.theme import Theme

    root = make_project(tmp_path / "project", REPO / "source")
    (root / "styles" / "fonts").mkdir(parents=True, exist_ok=True)
    shutil.copy("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", root / "styles" / "fonts")
    (root / "styles" / "css").mkdir(parents=True, exist_ok=True)
    css = root / "styles" / "css" / "epub.css"
    css.write_text('@font-face { font-family: "Journal Serif"; src: url(../fonts/DejaVuSerif.ttf); }\n'
                   'body { font-family: "Journal Serif", serif; }\n')
    assert build(Settings.for_project(root, formats=("epub",), environ={})).ok
    epub = root / "dist" / "batunaev-2019-khalkhin-gol" / "batunaev-2019-khalkhin-gol.epub"
    with zipfile.ZipFile(epub) as archive:
        carried = archive.read("EPUB/fonts/DejaVuSerif.ttf")
        assert carried == (root / "styles" / "fonts" / "DejaVuSerif.ttf").read_bytes()
        opf = archive.read("EPUB/content.opf").decode()
    assert '<item href="fonts/DejaVuSerif.ttf" id="font-1" media-type="font/ttf"/>' in opf
    assert epubcheck(epub, tmp_path) == []
    css.write_text('@font-face { font-family: "J"; src: url(../images/DejaVuSerif.ttf); }\n')  # (not a font of fonts/)
    with pytest.raises(StyleError, match="would not be found"):
        Theme(root, root / "styles").stylesheet("epub.css")


def test_a_figure_is_made_as_e_readers_take_it(tmp_path):
    """An author's CMYK scan, transparent chart and 12-megapixel photograph went into
    the EPUB as they were, and the CMYK scan into the archival PDF/A with an sRGB
    output intent (QA 23): RGB, opaque on white, at most 5.6 million pixels; in print, RGB."""
    import io

    import pikepdf
    from PIL import Image

    from conftest import make_project
    from imprint import build
    from imprint.settings import Settings

    root = make_project(tmp_path / "project", CASES / "apparatus-en" / "source")
    folder = root / "source" / "apparatus-en"
    Image.new("CMYK", (80, 60), (0, 200, 200, 0)).save(folder / "cmyk.jpg")
    Image.new("RGBA", (60, 40), (0, 0, 0, 0)).save(folder / "clear.png")
    Image.new("RGB", (3000, 2000), (20, 120, 40)).save(folder / "large.jpg")
    article = folder / "article.md"
    article.write_text(article.read_text()
                       + "\n\n![A scan](cmyk.jpg)\n\n![A chart](clear.png)\n\n![A photograph](large.jpg)\n")
    assert build(Settings.for_project(root, formats=("epub", "archive"), environ={})).ok
    with zipfile.ZipFile(root / "dist" / "apparatus-en" / "apparatus-en.epub") as archive:
        shown = {n: Image.open(io.BytesIO(archive.read(n))) for n in archive.namelist()
                 if n.startswith("EPUB/images/") and n.rsplit("/", 1)[1] in ("cmyk.jpg", "clear.png", "large.jpg")}
    assert {n.rsplit("/", 1)[1]: (i.mode, i.width * i.height <= 5_600_000) for n, i in shown.items()} == {
        "cmyk.jpg": ("RGB", True), "clear.png": ("RGB", True), "large.jpg": ("RGB", True)}
    assert shown["EPUB/images/clear.png"].getpixel((0, 0)) == (255, 255, 255)  # (on white)
    with pikepdf.open(root / "dist" / "apparatus-en" / "apparatus-en-archive.pdf") as pdf:
        spaces = {str(o.get("/ColorSpace")) for o in pdf.objects
                  if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"}
    assert "/DeviceCMYK" not in spaces


def test_front_matter_facts_stand_beside_their_labels(full):
    """The floated labels of DOI, ISSN, date and licence each on its value's line:
    the general `dt` rule's top margin dropped each label further below its value,
    row by row, until a licence stood beside "Published" (QA 24), and the history
    line wrapped around the last label. Laid out by WeasyPrint with epub.css, as
    WebKit lays floats out."""
    from imprint.editions.pdf.weasy import weasyprint

    with zipfile.ZipFile(full.file("epub")) as archive:
        page = archive.read("EPUB/front-matter.xhtml").decode().replace('href="css/epub.css"', 'href="data:,"')
        css = archive.read("EPUB/css/epub.css").decode()
    document = weasyprint.HTML(string=page).render(stylesheets=[weasyprint.CSS(string=css)])

    def boxes(box):
        yield box
        for child in getattr(box, "children", ()):
            yield from boxes(child)

    placed = [b for b in boxes(document.pages[0]._page_box) if b.element_tag in ("dt", "dd")
              and type(b).__name__ == "BlockBox"]
    rows = [(dt, dd) for dt, dd in zip(placed, placed[1:]) if dt.element_tag == "dt" and dt.style["float"] == "left"]
    assert len(rows) >= 3 and all(dd.element_tag == "dd" for _, dd in rows), placed
    assert all(abs(dt.position_y - dd.position_y) < 1 for dt, dd in rows), \
        [(dt.position_y, dd.position_y) for dt, dd in rows]
