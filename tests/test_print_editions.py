"""The print editions read back: tagged PDF/UA-1, PDF/A-3b with the citation files,
the handout with its QR code, booklets, crop marks, print typography."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile

import pikepdf
import pytest

from conftest import CASES, REPO, make_project
from imprint import build
from imprint.settings import Settings
from imprint.theme.typography import nbsp
from imprint.editions.pdf.booklet import booklet_order, impose
from pdfread import _poppler, fonts, page_count, page_text, pages_text, structure_elements, words

pytestmark = pytest.mark.slow  # (editions built and read back: seconds, out of the quick loop)

MM = 72 / 25.4


# -- tagged PDF/UA-1: what the Matterhorn Protocol's machine-checkable checkpoints ask

def test_print_edition_is_tagged_pdf_ua(editions):
    with pikepdf.open(editions.file("pdf")) as pdf:
        assert pdf.check_pdf_syntax() == []
        assert pdf.Root.MarkInfo.Marked is True  # 01-005: the file is marked as tagged
        assert pdf.Root.ViewerPreferences.DisplayDocTitle is True  # 07-001: title in the title bar
        assert str(pdf.Root.Lang) == "ru"  # 11-001: the document's language
        meta = pdf.open_metadata()
        assert meta["pdfuaid:part"] == "1"  # 06-002: the PDF/UA identifier
        assert meta["dc:title"].startswith("Военно-политическое сотрудничество")  # 06-003
        elements = structure_elements(pdf)
        kinds = [str(e.S) for e in elements]
        # 14-002/003: one H1, then no level skipped on the way down
        headings = [int(k[2]) for k in kinds if re.fullmatch(r"/H\d", k)]
        assert headings[0] == 1 and headings.count(1) == 1
        assert all(b <= a + 1 for a, b in zip(headings, headings[1:])), headings
        for kind in ("/P", "/L", "/LI", "/Table", "/TR", "/TH", "/TD", "/Figure", "/Link", "/Caption"):
            assert kind in kinds, kind
        # 13-004: figures carry their alternative text
        alts = [str(e.Alt) for e in elements if str(e.S) == "/Figure"]
        assert alts == ["Карта: река, две отметки боёв и высота в центре",
                        "Два прямоугольника, соединённые стрелкой слева направо"]
        # 19-003: footnotes are notes, each with an ID unique in the file
        ids = [str(e.ID) for e in elements if str(e.S) == "/Note"]
        assert len(ids) >= 12 and len(set(ids)) == len(ids)
        # ... one each, in order: a note of two paragraphs was a Note (fn-9.2) inside its Note
        assert ids == [f"fn-{n}" for n in range(1, len(ids) + 1)], ids
        # ... listed in the structure tree's IDTree (ISO 32000-1, 14.7.2)
        tree = pdf.Root.StructTreeRoot.IDTree.Names
        listed = {str(tree[i]): tree[i + 1] for i in range(0, len(tree), 2)}
        assert sorted(listed) == sorted(ids)
        assert all(str(element.S) == "/Note" and str(element.ID) == key for key, element in listed.items())
        # 11-006: a passage in another language says so
        assert any(str(e.S) == "/Sect" and str(e.get("/Lang")) == "en" for e in elements)
        # 28-002/011: links are annotations with a description, in tab order by structure
        for page in pdf.pages:
            annotations = [a for a in page.get("/Annots", []) if a.get("/Subtype") == "/Link"]
            if annotations:
                assert page.Tabs == "/S"
            assert all("/Contents" in a and "/StructParent" in a for a in annotations)
    # 31-009/027: every font embedded
    assert all(f["emb"] == "yes" for f in fonts(editions.file("pdf")))


# -- PDF/A-3b

def test_archival_edition_carries_the_citation_files(editions):
    with pikepdf.open(editions.file("archive")) as pdf:
        assert pdf.check_pdf_syntax() == []
        meta = pdf.open_metadata()
        assert (meta["pdfaid:part"], meta["pdfaid:conformance"]) == ("3", "B")
        assert pdf.Root.OutputIntents[0].S == "/GTS_PDFA1"
        assert pdf.Root.MarkInfo.Marked is True and "/StructTreeRoot" in pdf.Root  # tagged as well
        attached = {}
        for name, spec in pdf.attachments.items():
            attached[name] = (spec.get_file().read_bytes(), str(spec.obj.AFRelationship),
                              str(spec.get_file().mime_type))
        af = {str(entry.UF) for entry in pdf.Root.AF}
        prism = "{http://prismstandard.org/namespaces/basic/2.0/}"
        assert meta[f"{prism}doi"] == "10.5555/imprint-test-2"
        assert (meta[f"{prism}volume"], meta[f"{prism}number"]) == ("12", "3")
        assert (meta[f"{prism}startingPage"], meta[f"{prism}endingPage"]) == ("100", "130")
        assert meta[f"{prism}publicationName"].startswith("Вестник испытательного журнала")
    expected_types = {"json": "application/vnd.citationstyles.csl+json", "bib": "application/x-bibtex",
                      "ris": "application/x-research-info-systems"}
    assert af == set(attached) == {f"apparatus-ru.{ext}" for ext in expected_types}
    for ext, media_type in expected_types.items():
        data, relationship, mime = attached[f"apparatus-ru.{ext}"]
        assert data == editions.file(ext).read_bytes()  # byte-identical to dist/
        assert relationship == "/Data" and mime == media_type
    assert all(f["emb"] == "yes" for f in fonts(editions.file("archive")))


# -- the handout

def test_handout_qr_code_decodes_to_the_article(editions, tmp_path):
    zbarimg = shutil.which("zbarimg")
    if not zbarimg:
        pytest.fail("zbarimg (zbar-tools) is not installed: run ./test.sh")
    handout = editions.root / "dist" / "apparatus-ru" / "apparatus-ru-handout.pdf"
    subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(handout), str(tmp_path / "p")],
                   check=True)
    image = next(tmp_path.glob("p-*.png"))
    decoded = subprocess.run([zbarimg, "--quiet", "--raw", str(image)], capture_output=True, text=True)
    assert decoded.stdout.strip() == "https://doi.org/10.5555/imprint-test-2"
    first = " ".join(page_text(handout, 1).split())
    assert "https://doi.org/10.5555/imprint-test-2" in first  # printed beside it
    with pikepdf.open(handout) as pdf:  # vector: no square raster image for the code
        sizes = {(int(image.Width), int(image.Height)) for image in pdf.pages[0].get_images().values()}
    assert not [size for size in sizes if size[0] == size[1]]


def test_handout_repeats_the_citation_and_mirrors_its_margins(editions):
    handout = editions.root / "dist" / "apparatus-ru" / "apparatus-ru-handout.pdf"
    pages = page_count(handout)
    assert pages >= 4
    assert "Для цитирования" in page_text(handout, 1) and "Для цитирования" in page_text(handout, pages)
    assert "For citation" in page_text(handout, pages)  # a translated article: its second line too
    left = [w for w in words(handout, 2)[0] if w.text.strip()]  # a left-hand (even) page
    right = [w for w in words(handout, 3)[0] if w.text.strip()]
    assert round(min(w.x_min for w in left) / MM) == 14 and round(min(w.x_min for w in right) / MM) == 22
    _, width, height = words(handout, 2)
    folio_left = [w for w in words(handout, 2)[0] if w.y_min > height - 20 * MM]
    folio_right = [w for w in words(handout, 3)[0] if w.y_min > height - 20 * MM]
    assert folio_left[0].text == "2" and folio_left[0].x_max < width / 2  # outer corner
    assert folio_right[0].text == "3" and folio_right[0].x_min > width / 2


def test_handout_url_is_the_download_page_when_the_site_is_known(tmp_path):
    """One page, one URL: the handout's QR code and printed address, the citation
    files and the landing page's own tags all name the download page by its folder
    (the records said '.../index.html', the handout '.../': QA 25 Z9)."""
    import json

    from lxml import html

    root = make_project(tmp_path, REPO / "source")
    publication = root / "source" / "publication.yaml"
    publication.write_text(publication.read_text() + "base-url: https://journal.example.org/articles/\n")
    assert build(Settings.for_project(root, formats=("handout", "json", "ris", "bib", "site"), paper="Letter",
                                      environ={})).ok
    folder = root / "dist" / "batunaev-2019-khalkhin-gol"
    handout = folder / "batunaev-2019-khalkhin-gol-handout.pdf"
    url = "https://journal.example.org/articles/batunaev-2019-khalkhin-gol/"
    assert url in page_text(handout, 1, raw=True).replace("\n", "")
    assert json.loads((folder / "batunaev-2019-khalkhin-gol.json").read_text())[0]["URL"] == url
    assert f"UR  - {url}\r\n" in (folder / "batunaev-2019-khalkhin-gol.ris").read_bytes().decode()
    assert f"url = {{{url}}}" in (folder / "batunaev-2019-khalkhin-gol.bib").read_text()
    landing = html.parse(str(folder / "index.html")).getroot()
    assert landing.xpath("//link[@rel='canonical']/@href") == [url]
    assert landing.xpath("//meta[@name='citation_abstract_html_url']/@content") == [url]
    assert json.loads(landing.xpath("string(//script[@type='application/ld+json'])"))["url"] == url
    with pikepdf.open(handout) as pdf:
        assert [round(float(v)) for v in pdf.pages[0].MediaBox] == [0, 0, 612, 792]  # --paper Letter


# -- booklets

@pytest.mark.parametrize("pages, sides", [
    (4, [(3, 0), (1, 2)]),
    (6, [(None, 0), (1, None), (5, 2), (3, 4)]),
    (13, [(None, 0), (1, None), (None, 2), (3, 12), (11, 4), (5, 10), (9, 6), (7, 8)]),
])
def test_booklet_page_order(pages, sides):
    assert booklet_order(pages) == sides


def _numbered_pdf(pages: int) -> bytes:
    import weasyprint

    html = "".join(f'<p style="break-after: page; font-size: 40pt">PAGE{n}</p>' for n in range(1, pages + 1))
    return weasyprint.HTML(string=f"<style>@page {{ size: A5 }}</style>{html}").write_pdf()


@pytest.mark.parametrize("pages", [4, 6, 13])
def test_booklet_folds_in_order(pages, tmp_path):
    """Each sheet side holds the right pages on the right halves; blanks pad it."""
    imposed = tmp_path / "booklet.pdf"
    imposed.write_bytes(impose(_numbered_pdf(pages), (297 * MM, 210 * MM)))
    sides = booklet_order(pages)
    assert page_count(imposed) == len(sides) == 2 * ((pages + 3) // 4)
    for number, (left, right) in enumerate(sides, start=1):
        found, width, height = words(imposed, number)
        assert (round(width), round(height)) == (842, 595)  # A4, landscape
        on_left = [w.text for w in found if w.x_max <= width / 2]
        on_right = [w.text for w in found if w.x_min >= width / 2]
        assert on_left == ([f"PAGE{left + 1}"] if left is not None else [])
        assert on_right == ([f"PAGE{right + 1}"] if right is not None else [])


def test_booklets_of_every_print_edition(editions):
    dist = editions.root / "dist" / "apparatus-ru"
    for name in ("apparatus-ru-booklet.pdf", "apparatus-ru-archive-booklet.pdf", "apparatus-ru-handout-booklet.pdf"):
        with pikepdf.open(dist / name) as pdf:
            assert len(pdf.pages) % 2 == 0
            box = [round(float(v)) for v in pdf.pages[0].MediaBox]
            assert box == [0, 0, 842, 595], name
    # The booklet's pages are set on A5, not shrunk from A4: body text stays 10.5 pt.
    sizes = {round(w.y_max - w.y_min) for w in words(dist / "apparatus-ru-booklet.pdf", 3)[0]}
    assert max(sizes) >= 10


def test_a_booklet_of_pages_a_stylesheet_sized_says_how_much_they_shrink(tmp_path):
    """print.css's own `@page { size: letter }`: the booklet shrank the pages to 69 %
    (10 pt type printed at 6.9 pt), in silence (QA 22)."""
    root = make_project(tmp_path / "project", REPO / "source")
    (root / "styles" / "css").mkdir(parents=True, exist_ok=True)
    (root / "styles" / "css" / "print.css").write_text("@page { size: letter; }\n")
    report = build(Settings.for_project(root, formats=("pdf",), booklet=("pdf",), environ={}))
    assert report.ok
    [said] = [w.message for w in report.warnings if "booklet" in w.message]
    assert said.startswith("the pdf booklet prints the pages at 69% of their size"), said


def test_what_a_stylesheet_pushes_past_the_page_s_edge_is_told(tmp_path):
    """`white-space: nowrap` cut every paragraph at the paper's edge, in silence (QA 22)."""
    root = make_project(tmp_path / "project", REPO / "source")
    (root / "styles" / "css").mkdir(parents=True, exist_ok=True)
    (root / "styles" / "css" / "print.css").write_text(".abstract p, .body p { white-space: nowrap; }\n")
    report = build(Settings.for_project(root, formats=("pdf",), environ={}))
    assert report.ok
    [said] = [w.message for w in report.warnings if "edge" in w.message]
    assert said.startswith("the print edition runs past the page's edge, which cuts it off, on page 1"), said


def test_a_font_without_the_text_s_letters_is_told(tmp_path):
    """A journal font without Cyrillic: every Russian word set in the machine's
    fallback font, in silence (QA 22)."""
    from fontTools import subset

    root = make_project(tmp_path / "project", CASES / "apparatus-ru" / "source")
    (root / "styles" / "fonts").mkdir(parents=True, exist_ok=True)
    subset.main(["/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf", "--unicodes=U+0000-024F,U+2000-206F",
                 f"--output-file={root / 'styles' / 'fonts' / 'LatinSerif.ttf'}"])
    (root / "styles" / "css").mkdir(parents=True, exist_ok=True)
    (root / "styles" / "css" / "print.css").write_text(
        '@font-face { font-family: "Latin Serif"; src: url(../fonts/LatinSerif.ttf); }\n'
        'html { font-family: "Latin Serif", serif; }\n')
    report = build(Settings.for_project(root, formats=("pdf",), environ={}))
    assert report.ok
    said = [w.message for w in report.warnings if "letters" in w.message]
    assert said == ["the font 'Latin Serif' has no Cyrillic letters: the print edition sets its Cyrillic text in "
                    "'DejaVu Serif' instead"], said


def test_notes_drawn_over_text_in_columns_are_told(tmp_path):
    """`columns: 2`: WeasyPrint keeps no room for the notes at the page's foot, and
    drew them over the text, in silence (QA 22)."""
    root = make_project(tmp_path / "project", CASES / "apparatus-ru" / "source")
    (root / "styles" / "css").mkdir(parents=True, exist_ok=True)
    (root / "styles" / "css" / "print.css").write_text(
        ".body { columns: 2; column-gap: 8mm; }\n.body h2 { column-span: all; }\n")
    report = build(Settings.for_project(root, formats=("pdf",), environ={}))
    assert report.ok
    [said] = [w for w in report.warnings if "drawn over" in w.message]
    assert said.message.startswith("the print edition's notes at the foot of the page are drawn over its text on "
                                   "page"), said.message
    assert "the text is set in columns" in said.hint  # (told only where the text is: QA 24 F2)


# -- for a print shop

def _marks(page: pikepdf.Page) -> list[tuple[float, float, float, float]]:
    """The segments (x0, y0, x1, y1) of the page's last artifact, drawn last, at
    the top level of its content: the crop marks."""
    blocks, current, start = [], None, None
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "BMC" and str(operands[0]) == "/Artifact":
            current = []
        elif op == "EMC" and current is not None:
            blocks.append(current)
            current = None
        elif current is not None and op == "m":
            start = tuple(float(v) for v in operands)
        elif current is not None and op == "l" and start:
            current.append((*start, *(float(v) for v in operands)))
    return blocks[-1] if blocks else []


def _check_marks(page: pikepdf.Page, least: int) -> None:
    trim = [float(v) for v in page.TrimBox]
    media = [float(v) for v in page.MediaBox]
    def outside(x, y):
        return max(trim[0] - x, x - trim[2], trim[1] - y, y - trim[3])

    segments = [s for s in _marks(page) if outside(*s[:2]) > 0 and outside(*s[2:]) > 0]  # (not the page's own)
    assert len(segments) >= least, segments
    for x0, y0, x1, y1 in segments:
        assert abs(x1 - x0) + abs(y1 - y0) >= 5 * MM - 0.01  # at least 5 mm long
        for x, y in ((x0, y0), (x1, y1)):  # at least 3 mm clear of the trim, inside the media box
            assert outside(x, y) >= 3 * MM, (x, y, trim)
            assert media[0] <= x <= media[2] and media[1] <= y <= media[3]


@pytest.mark.slow  # (two builds)
def test_crop_marks_and_bleed(tmp_path):
    root = make_project(tmp_path, REPO / "source")
    assert build(Settings.for_project(root, formats=("pdf",), crop_marks=True, booklet=True, environ={})).ok
    folder = root / "dist" / "batunaev-2019-khalkhin-gol"
    with pikepdf.open(folder / "batunaev-2019-khalkhin-gol.pdf") as pdf:
        page = pdf.pages[0]
        trim = [float(v) for v in page.TrimBox]
        bleed = [float(v) for v in page.BleedBox]
        assert round(trim[2] - trim[0]) == 595 and round(trim[3] - trim[1]) == 842  # the A4 page
        assert 3 * MM <= trim[0] - bleed[0] <= 4 * MM  # a print shop's 3 mm of bleed (10 pt)
        for page in pdf.pages:
            _check_marks(page, 8)  # two at each corner
    booklets = [p for p in folder.iterdir() if "booklet" in p.name]
    assert booklets, list(folder.iterdir())
    with pikepdf.open(booklets[0]) as pdf:
        for page in pdf.pages:
            _check_marks(page, 10)  # the corners, and the fold above and below


# -- typography

@pytest.mark.parametrize("text, lang, expected", [
    ("Batunaev E. V. 2019.", "en", "Batunaev~E.~V. 2019."),
    ("Э. В. Батунаев", "ru", "Э.~В.~Батунаев"),
    ("в 1939 г. в журнале № 3 — и т. д.", "ru", "в~1939~г. в~журнале №~3~— и~т.~д."),
    ("see p. 12, 45 km away - ok — yes", "en", "see p.~12, 45~km away - ok — yes"),
    # (QA 14: a century, thousands, a date, an archive's reference, a number's ending)
    ("в XX в. и XIX–XX вв.", "ru", "в~XX~в. и~XIX–XX~вв."),
    ("ок. 10 человек, 10 000 и 2 500 000, но 1939 100", "ru", "ок.~10 человек, 10~000 и~2~500~000, но 1939 100"),
    ("11 мая 1939 г.", "ru", "11~мая 1939~г."),
    ("ГАРФ. Оп. 1. Д. 12. Л. 3", "ru", "ГАРФ. Оп.~1. Д.~12. Л.~3"),
    ("57-го, 1920-х, 1-2", "ru", "57-^го, 1920-^х, 1-2"),
    ("the 57-th, 10 000", "en", "the 57-th, 10 000"),
    # (QA 24: "no" torn from its number in the house style's English line)
    ("Humanitates, vol. 10, no 3 (39), pp. 45", "en", "Humanitates, vol.~10, no~3 (39), pp.~45"),
    ("Vol. 5, No. 3, No 4, nos 5, piano 6", "en", "Vol.~5, No.~3, No~4, nos 5, piano 6"),
])
def test_non_breaking_spaces(text, lang, expected):
    assert nbsp(text, lang).replace("\u00a0", "~").replace("\u2060", "^") == expected


def test_non_breaking_spaces_reach_both_editions(editions, apparatus_ru):
    with zipfile.ZipFile(apparatus_ru.file("epub")) as archive:
        front = archive.read("EPUB/front-matter.xhtml").decode()
        chapter = archive.read("EPUB/chapter-2.xhtml").decode()
    assert "Иванов\u00a0И.\u00a0П., Петрова\u00a0М." in front
    assert "1939\u00a0г." in chapter
    printed = "".join(page_text(editions.file("pdf"), n) for n in range(1, page_count(editions.file("pdf")) + 1))
    assert "№\u00a000-00-00000" in printed or "№ 00-00-00000" in printed  # poppler may write it as a space


def test_the_date_of_publication_is_in_words(tmp_path):
    """In the language's words, as the history's dates are ("15 September 2019",
    not 2019-09-15 beside "Received 12 March 2024"); a year alone stays as it is."""
    root = make_project(tmp_path, REPO / "source")
    article = root / "source" / "batunaev-2019-khalkhin-gol" / "article.md"
    article.write_text(article.read_text().replace("date: 2019\n", "date: 2019-09-15\n"))
    assert build(Settings.for_project(root, formats=("pdf",), environ={})).ok
    pdf = root / "dist" / "batunaev-2019-khalkhin-gol" / "batunaev-2019-khalkhin-gol.pdf"
    assert "15 September 2019" in "\n".join(pages_text(pdf)).replace("\u00a0", " ")


def test_a_note_on_the_title_is_printed_on_its_marks_line(tmp_path):
    """`title: "...^[Funded by ...]"`: the mark and the note's text on one line,
    as small as a note (the text was a paragraph of its own under a lone "*")."""
    root = make_project(tmp_path, REPO / "source")
    article = root / "source" / "batunaev-2019-khalkhin-gol" / "article.md"
    article.write_text(article.read_text().replace('(1939-1945)"\n', '(1939-1945)^[Funded by the Foundation.]"\n', 1))
    assert build(Settings.for_project(root, formats=("pdf",), environ={})).ok
    pdf = root / "dist" / "batunaev-2019-khalkhin-gol" / "batunaev-2019-khalkhin-gol.pdf"
    boxes = subprocess.run([_poppler("pdftotext"), "-bbox", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', boxes)
    funded = next(w for w in words if w[4] == "Funded")
    mark = [w for w in words if w[4] == "*"][-1]  # (the title's own is the first)
    assert abs(float(funded[3]) - float(mark[3])) < 4 and 0 < float(funded[0]) - float(mark[2]) < 6, (mark, funded)


def test_characters_no_font_has_are_named_not_printed_as_boxes_in_silence(tmp_path):
    """Pandoc's markdown-reader-more.txt writes <http://测.com?测=测>: where no
    font on the machine has a character, WeasyPrint draws an empty box. The
    build names each such character (a warning: the EPUB shows it). The check is
    the machine's own: a character a font here has is not named."""
    root = make_project(tmp_path, REPO / "source")
    article = root / "source" / "batunaev-2019-khalkhin-gol" / "article.md"
    article.write_text(article.read_text() + "\n\nA hieroglyph \U00013000 and a Russian word, слово.\n")
    report = build(Settings.for_project(root, formats=("pdf",), environ={}))
    assert report.ok
    named = " ".join(w.message for w in report.warnings if "no font on this machine" in w.message)
    covered = subprocess.run(["fc-list", ":charset=13000", "family"], capture_output=True, text=True).stdout.strip()
    assert ("U+13000" in named) == (not covered), named
    assert "слово" not in named and "U+0441" not in named
    if not covered:  # (the script named, and Debian's package that has it: not fonts-noto-cjk, QA 23)
        warning = next(w for w in report.warnings if "no font on this machine" in w.message)
        assert "(Egyptian)" in warning.message and "fonts-noto-core" in warning.hint, warning


def test_a_page_size_in_print_css_wins_and_an_even_first_page_is_a_left_hand_one(tmp_path):
    """A designer's `@page { size: 170mm 240mm }` in print.css was ignored (the
    template's paper size came after it); an article printed from page 68 laid
    its first page out as a right-hand one, its binding margin and running heads
    on the wrong side, in its issue too (QA 16)."""
    root = make_project(tmp_path / "p", REPO / "source")
    article = next((root / "source").glob("*/article.md"))
    article.write_text(article.read_text().replace("page: 173-184", "page: 68-80"))
    css = root / "styles" / "css" / "print.css"
    css.write_text(css.read_text() + "\n@page { size: 170mm 240mm; }\n"
                   "@page :left { @bottom-left { content: \"LEFTHAND\"; } }\n"
                   "@page :right { @bottom-right { content: \"RIGHTHAND\"; } }\n")
    report = build(Settings.for_project(root, formats=("pdf",), environ={}))
    assert report.ok, [str(p) for p in report.problems]
    pdf = next((root / "dist").glob("*/*.pdf"))
    with pikepdf.open(pdf) as opened:
        width, height = (float(v) for v in opened.pages[0].MediaBox[2:])
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (170, 240)
    texts = pages_text(pdf)
    assert "LEFTHAND" in texts[0] and "RIGHTHAND" not in texts[0]  # page 68: a left-hand page
    assert "RIGHTHAND" in texts[1]
