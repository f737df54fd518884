"""The patches of dependencies (imprint/patches/): each one still fixes something
(the dependency, with the patch taken out for the test, still shows the fault;
with it, the fault is gone), a version mismatch is one clear error, and no module
outside imprint/patches/ assigns into another module."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pikepdf
import pydyf
import pytest

import imprint.editions.pdf.weasy  # noqa: F401 (WeasyPrint, patched)
from imprint import patches
from imprint.errors import InternalError
from imprint.patches import (cffi_type_names, pydyf_page_references, pyphen_patterns, rewrite, tinyhtml5_character_runs,
                             weasyprint_actual_text, weasyprint_char_wrap, weasyprint_footnote_rounding,
                             weasyprint_footnote_split, weasyprint_footnotes, weasyprint_line_ends,
                             weasyprint_link_boxes, weasyprint_margin_artifacts, weasyprint_narrowest, weasyprint_rewrap,
                             weasyprint_table_continued, weasyprint_tags, ziafont_outlines, ziamath_rows,
                             ziamath_sizes, ziamath_styles)
from imprint.editions.pdf.weasy import weasyprint
from pdfread import pages_text, rules, structure_elements, structure_problems, words

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "imprint"


# -- weasyprint_footnotes: a note stays on the page of its call

# A page of 10 lines: paragraph 1 (7 lines, a note called in its first) and the
# first line of paragraph 2 fit, with the note; the second line of paragraph 2
# does not. Orphans (2) forbid leaving one line of it on the page. WeasyPrint
# 70.0 moves the note to page 2 to make room for that second line.
def _notes_page(height: int, body: str) -> str:
    """A page of `height` px, lines of 10 px, notes at its foot (footnote-policy: line)."""
    return """<!DOCTYPE html>
<html lang="en">
<style>
  @page { size: 300px %dpx; margin: 0; @footnote { margin: 0; padding: 0 } }
  html { font: 10px/10px monospace }
  body { margin: 0; orphans: 2; widows: 2 }
  p { margin: 0 }
  .note { float: footnote; footnote-policy: line }
</style>
%s
""" % (height, body)


FOOTNOTE_PAGE = _notes_page(100, '<p>Text<span class="note">Note 1</span><br>a<br>b<br>c<br>d<br>e<br>f</p>\n'
                                 "<p>g<br>h<br>i<br>j</p>")


def _page_of(pdf: bytes, text: str, tmp_path: Path) -> int:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    return next(n for n, page in enumerate(pages_text(path), start=1) if text in page)


def test_footnote_stays_on_the_page_of_its_call(tmp_path, monkeypatch):
    from weasyprint.layout import block

    assert weasyprint_footnotes.applied()
    patched = weasyprint.HTML(string=FOOTNOTE_PAGE).write_pdf()
    assert _page_of(patched, "Text", tmp_path) == _page_of(patched, "Note 1", tmp_path) == 1
    assert _page_of(patched, "h", tmp_path) == 2  # (paragraph 2 moved whole, as orphans ask)

    # Without the patch, the note goes to page 2 and its call stays on page 1. (When
    # this fails, WeasyPrint has fixed it: drop the patch, docs/upstream.md.)
    monkeypatch.setattr(block, "_linebox_layout", weasyprint_footnotes.original())
    unpatched = weasyprint.HTML(string=FOOTNOTE_PAGE).write_pdf()
    assert (_page_of(unpatched, "Text", tmp_path), _page_of(unpatched, "Note 1", tmp_path)) == (1, 2)


# -- weasyprint_footnote_rounding: a note that fits is not moved by a rounding error

# A note called in a page's first line, which fits on the page: its area's
# lengths, added in two orders, differ by 2.3e-13 px in WeasyPrint 70.0, which
# took it for a note too long and moved it to page 2 (QA 24, finding 1).
ROUNDING_PAGE = """<!DOCTYPE html>
<html lang="ru"><style>
  @page { size: A4; margin: 20mm; @footnote { margin-top: 4mm; border-top: 0.5pt solid } }
  html { font: 10pt/1.5 "PT Serif", serif }
  body { margin: 0 }
  p { margin: 0 }
  .note { float: footnote; footnote-policy: line; font-size: 8.5pt; line-height: 1.3 }
</style>
<p>Текст<span class="note">Примечание %s</span> и дальше.</p>
""" % ("соответственно территориальный " * 112)


def test_a_note_that_fits_is_not_moved_by_a_rounding_error(tmp_path, monkeypatch):
    assert weasyprint_footnote_rounding.applied()
    patched = weasyprint.HTML(string=ROUNDING_PAGE).write_pdf()
    assert _page_of(patched, "Текст", tmp_path) == _page_of(patched, "Примечание", tmp_path) == 1

    # Without the patch, the note goes to page 2, its call on page 1. (When this
    # fails, WeasyPrint has fixed it: drop the patch, docs/upstream.md.)
    monkeypatch.setattr(*weasyprint_footnote_rounding.original())
    unpatched = weasyprint.HTML(string=ROUNDING_PAGE).write_pdf()
    assert (_page_of(unpatched, "Текст", tmp_path), _page_of(unpatched, "Примечание", tmp_path)) == (1, 2)


# -- weasyprint_footnote_split: a long note starts on the page of its call

# Pages of 20 lines; a paragraph of 30 (T01 to T30) calls in T12 a note of 12
# lines (N01 to N12), for which the 8 lines under T12 leave too little room.
SPLIT_PAGE = _notes_page(200, "<p>%s</p>" % "<br>".join(f"T{i:02}" + (f'<span class="note">{"<br>".join(f"N{j:02}" for j in range(1, 13))}</span>'
                               if i == 12 else "") for i in range(1, 31)))


def test_a_long_note_starts_on_the_page_of_its_call(tmp_path, monkeypatch):
    assert weasyprint_footnote_split.applied()
    pdf = weasyprint.HTML(string=SPLIT_PAGE).write_pdf()
    # The note's first lines under the text of page 1, filled (T13: the paragraph's
    # next line, so that its widows do not take T12 to page 2), the rest at the
    # foot of page 2.
    assert [_page_of(pdf, text, tmp_path) for text in ("T12", "N01", "N06", "T13")] == [1, 1, 1, 1]
    assert [_page_of(pdf, text, tmp_path) for text in ("N07", "N12", "T14")] == [2, 2, 2]

    # Without the patch (the other patches kept), page 1 ends at T11, 9 lines
    # empty, and the note is set whole on page 2 with its calling line. (When this
    # fails, WeasyPrint splits notes itself: see docs/upstream.md.)
    for each in weasyprint_footnote_split.original():
        monkeypatch.setattr(*each)
    unpatched = weasyprint.HTML(string=SPLIT_PAGE).write_pdf()
    assert [_page_of(unpatched, text, tmp_path) for text in ("T11", "T12", "N01", "N12")] == [1, 2, 2, 2]


# -- weasyprint_tags: /Lang on an element in another language, footnotes as /Note

TAGGED_PAGE = """<!DOCTYPE html>
<html lang="ru"><head><title>Проба</title></head>
<style>.footnote { float: footnote }</style>
<p>Текст статьи<span class="footnote" id="fn-1">Сноска</span>.</p>
<p lang="en">An abstract in English.</p>
"""


def _structure(pdf_bytes: bytes, tmp_path: Path) -> list[dict]:
    path = tmp_path / "tagged.pdf"
    path.write_bytes(pdf_bytes)
    found = []
    with pikepdf.open(path) as pdf:
        def walk(node):
            if isinstance(node, pikepdf.Array):
                for child in node:
                    walk(child)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                found.append({key: str(node[key]) for key in ("/S", "/Lang", "/ID") if key in node})
                if "/K" in node:
                    walk(node.K)

        walk(pdf.Root.StructTreeRoot.K)
    return found


def test_tagged_pdf_carries_lang_and_notes(tmp_path, monkeypatch):
    from weasyprint.pdf import tags

    assert weasyprint_tags.applied()
    document = weasyprint.HTML(string=TAGGED_PAGE).render()
    elements = _structure(document.write_pdf(pdf_variant="pdf/ua-1"), tmp_path)
    assert {"/S": "/P", "/Lang": "en"} in elements
    assert {"/S": "/Note", "/ID": "fn-1"} in elements

    # Without the patch: no element's language, the note a plain /Span. (When this
    # fails, WeasyPrint tags them itself: see docs/upstream.md.)
    monkeypatch.setattr(tags, "_build_box_tree", weasyprint_tags.original())
    elements = _structure(document.write_pdf(pdf_variant="pdf/ua-1"), tmp_path)
    assert not any("/Lang" in e for e in elements)
    assert not any(e["/S"] == "/Note" for e in elements)


# -- weasyprint_margin_artifacts: running heads and folios are pagination artifacts

MARGINS_PAGE = """<!DOCTYPE html>
<html lang="en"><head><title>Margins</title></head>
<style>
  @page { size: 300px 200px; margin: 40px;
          @top-right { content: "HEAD" } @bottom-center { content: counter(page) } @left-top { content: "SIDE" } }
</style>
<p>Text of the page.</p>
"""


def _margins(pdf_bytes: bytes, tmp_path: Path) -> tuple[list[dict], int, list[str]]:
    """The properties of the page's artifacts (BDC), how many of its marked contents
    the parent tree names but no element of the tree holds, and the structure's problems."""
    path = tmp_path / "margins.pdf"
    path.write_bytes(pdf_bytes)
    with pikepdf.open(path) as pdf:
        artifacts = [{str(key): " ".join(map(str, value)) if isinstance(value, pikepdf.Array) else str(value)
                      for key, value in operands[1].items()}
                     for operands, operator in pikepdf.parse_content_stream(pdf.pages[0])
                     if str(operator) == "BDC" and str(operands[0]) == "/Artifact"]
        reached = set()

        def walk(node):
            if isinstance(node, pikepdf.Array):
                for child in node:
                    walk(child)
            elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
                reached.add(node.objgen)
                if "/K" in node:
                    walk(node.K)

        walk(pdf.Root.StructTreeRoot.K)
        named = pdf.Root.StructTreeRoot.ParentTree.Nums[1]
        outside = sum(isinstance(e, pikepdf.Dictionary) and e.objgen not in reached for e in named)
    return artifacts, outside, structure_problems(path)


def test_running_heads_and_folios_are_artifacts(tmp_path, monkeypatch):
    from weasyprint.pdf import tags

    assert weasyprint_margin_artifacts.applied() and weasyprint_tags.applied()
    document = weasyprint.HTML(string=MARGINS_PAGE).render()
    artifacts, outside, problems = _margins(document.write_pdf(pdf_variant="pdf/ua-1"), tmp_path)
    assert artifacts == [
        {"/Type": "/Pagination", "/Attached": "/Top", "/Subtype": "/Header"},
        {"/Type": "/Pagination", "/Attached": "/Bottom", "/Subtype": "/Footer"},
        {"/Type": "/Pagination", "/Attached": "/Left"}], artifacts
    assert (outside, problems) == (0, [])
    assert "HEAD" in pages_text(tmp_path / "margins.pdf")[0]  # (still printed and extracted)

    # Without the patch (the tagging patch kept): the three margin boxes' text is
    # marked content of elements out of the tree, and no artifact. (When this fails,
    # WeasyPrint makes them artifacts itself: see docs/upstream.md.)
    monkeypatch.setattr(tags, "_build_box_tree", weasyprint_margin_artifacts.original())
    artifacts, outside, problems = _margins(document.write_pdf(pdf_variant="pdf/ua-1"), tmp_path)
    assert (artifacts, outside) == ([], 3)
    assert any("not in the structure tree" in problem for problem in problems)


# -- weasyprint_actual_text: a formula set as a glyph copies as its text form

def test_a_formula_copies_as_its_text(tmp_path, monkeypatch):
    from weasyprint.pdf import stream

    from imprint.body import formulas
    from imprint.body.pandoc import deadline_in
    from imprint.editions.pdf.formulas import for_print

    nodes = [{"t": "Math", "c": [{"t": "InlineMath"}, tex]} for tex in (r"\alpha^2 + \beta", r"\frac{a}{b}")]
    formulas.convert(nodes, "article.md", deadline_in(30))
    mathml = [node["imprint"]["mathml"] for node in nodes]
    page = f'<html lang="en"><head></head><body><p>Before {mathml[0]} after, {mathml[1]} done.</p></body></html>'
    document = weasyprint.HTML(string=for_print(page, tmp_path)).render()
    pdf = tmp_path / "formula.pdf"
    assert weasyprint_actual_text.applied()
    pdf.write_bytes(document.write_pdf(pdf_variant="pdf/ua-1"))
    text = " ".join(pages_text(pdf)[0].split())
    # (its text form; a formula whose text form is its TeX copies as nothing, not as
    # its glyph's Private Use Area character)
    assert "Before α² + β after, done." in text, text

    # Without the patch: the formulas' Private Use Area characters, which mean nothing.
    monkeypatch.setattr(stream.Stream, "marked", weasyprint_actual_text.original())
    pdf.write_bytes(document.write_pdf(pdf_variant="pdf/ua-1"))
    text = pages_text(pdf)[0]
    assert "α" not in text and "\ue000" in text and "\ue001" in text, text


def test_small_capitals_copy_as_their_text(tmp_path, monkeypatch):
    """PT Serif has no small capitals: Pango draws a smaller capital for a small
    letter, and the capital's glyph then stood for both in the PDF's text (QA 18:
    "Sprl" read "sPrl", "acc" "aCC")."""
    from weasyprint.pdf import stream

    page = ('<html lang="en"><head><style>body { font-family: "PT Serif" } .sc { font-variant: small-caps }</style>'
            '</head><body><p>Glosses: <span class="sc">Pos Cmpr Sprl</span>, <span class="sc">nom acc</span>, '
            '<span class="sc">Sample Text</span>.</p></body></html>')
    document = weasyprint.HTML(string=page).render()
    pdf = tmp_path / "caps.pdf"
    pdf.write_bytes(document.write_pdf(pdf_variant="pdf/ua-1"))
    assert "Glosses: Pos Cmpr Sprl, nom acc, Sample Text." in " ".join(pages_text(pdf)[0].split())
    monkeypatch.setattr(stream.Stream, "marked", weasyprint_actual_text.original())
    pdf.write_bytes(document.write_pdf(pdf_variant="pdf/ua-1"))
    assert "Sprl" not in pages_text(pdf)[0]


# -- weasyprint_line_ends: a hyphen the layout adds reads as a soft hyphen, a line
# break at a space as a space

# A narrow justified column of Russian hyphenated by the patterns, then a line of
# compounds that breaks after a hyphen of the text ("ru-" | "en").
LINE_ENDS_PAGE = """<!DOCTYPE html><html lang="ru"><head><title>t</title><style>
@page { size: 90mm 120mm; margin: 10mm }
body { font: 10pt/1.4 "PT Serif"; hyphens: auto; hyphenate-character: "-"; text-align: justify }
</style></head><body><p>Правительство Монгольской Народной Республики и правительство Советского Союза
подписали соглашение о взаимопомощи, интерпретация которого в историографии долгое время оставалась
предметом дискуссии.</p>
<p>Здесь компактное ru-en ru-en ru-en ru-en ru-en ru-en ru-en ru-en ru-en ru-en ru-en ru-en сочетание.</p>
</body></html>"""


def _tag_texts(pdf: Path) -> list[str]:
    """The texts of the marked contents, in the order of the structure tree, as
    poppler gives them to a tool that reads the tags."""
    out = subprocess.run(["pdfinfo", "-struct-text", str(pdf)], capture_output=True, text=True, check=True).stdout
    return re.findall(r'^\s*"(.*)"$', out, re.M)


def _pixels(pdf: Path) -> bytes:
    return subprocess.run(["pdftoppm", "-r", "100", "-gray", str(pdf)], capture_output=True, check=True).stdout


def test_line_ends_read_as_soft_hyphens_and_spaces(tmp_path, monkeypatch):
    assert weasyprint_line_ends.applied()
    document = weasyprint.HTML(string=LINE_ENDS_PAGE).render()
    pdf = tmp_path / "lines.pdf"
    pdf.write_bytes(document.write_pdf(pdf_variant="pdf/ua-1"))
    raw = pages_text(pdf, raw=True)[0]
    lines = raw.splitlines()
    # Each hyphen the layout added is U+00AD, which the tags leave out: the word
    # is whole where its two parts are read one after the other.
    added = [line for line in lines if line.endswith("\xad")]
    assert len(added) >= 3 and not [line for line in lines if re.search(r"[а-я]-$", line)], raw
    assert any(line.endswith("ru-") for line in lines), raw  # a hyphen of the text stays U+002D
    tagged = "".join(_tag_texts(pdf))
    assert "правительство Советского Союза" in tagged and "\xad" not in tagged, tagged
    # A break at a space reads as that space: no word runs into the next line's.
    words = set(re.findall(r"\w+", LINE_ENDS_PAGE.lower()))
    assert set(re.findall(r"\w+", tagged.lower())) <= words, set(re.findall(r"\w+", tagged.lower())) - words
    looks = _pixels(pdf)

    # Without the patch: the added hyphens are U+002D as the text's own, and words
    # at line ends run together in the tags; the pages look the same.
    for each in weasyprint_line_ends.original():
        monkeypatch.setattr(*each)
    pdf.write_bytes(document.write_pdf(pdf_variant="pdf/ua-1"))
    assert _pixels(pdf) == looks
    assert "\xad" not in pages_text(pdf, raw=True)[0]
    assert len([line for line in pages_text(pdf, raw=True)[0].splitlines() if re.search(r"[а-я]-$", line)]) >= 3
    tagged = "".join(_tag_texts(pdf))
    assert set(re.findall(r"\w+", tagged.lower())) - words


# -- pydyf_page_references: made once per number of pages, same bytes

def _pdf_with_pages(count: int) -> pydyf.PDF:
    pdf = pydyf.PDF()
    for _ in range(count):
        pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    return pdf


def test_page_references_are_made_once_per_page_count(monkeypatch):
    assert pydyf_page_references.applied()
    pdf = _pdf_with_pages(3)
    first = pdf.page_references
    assert pdf.page_references is first  # read again: not made again
    pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert len(pdf.page_references) == 4 and pdf.page_references[:3] == first

    # pydyf's own property makes a new tuple at every read (what WeasyPrint's
    # tagging does once per structure element), with the same values.
    monkeypatch.setattr(pydyf.PDF, "page_references", pydyf_page_references.original())
    again = _pdf_with_pages(4)
    assert again.page_references is not again.page_references
    assert again.page_references == pdf.page_references


def test_page_references_patch_changes_no_byte(monkeypatch):
    page = "<p>" + " word" * 400 + ' <a href="#top">link</a></p>'
    document = weasyprint.HTML(string=f"<html lang=en><title>t</title><h1 id=top>T</h1>{page * 6}").render()
    assert len(document.pages) > 1
    patched = document.write_pdf(pdf_variant="pdf/ua-1")
    monkeypatch.setattr(pydyf.PDF, "page_references", pydyf_page_references.original())
    assert document.write_pdf(pdf_variant="pdf/ua-1") == patched


# -- cffi_type_names: a type string parsed with the type names it uses

WEASYPRINT_TYPES = ("PangoRectangle *", "unsigned int *", "hb_tag_t[100]", "char[]", "PangoLogAttr[]", "FcResult *",
                    "FcChar8 **", "char[4]", "PangoFcFontMap *")


def test_cffi_parses_a_type_with_the_type_names_it_uses(monkeypatch):
    from cffi import cparser
    from weasyprint.text.ffi import ffi

    assert cffi_type_names.applied()
    parsed = []
    real = cparser._get_parser

    class Counting:
        def parse(self, source, *args, **kwargs):
            parsed.append(source.count("typedef int "))
            return real().parse(source, *args, **kwargs)

    monkeypatch.setitem(cparser.Parser._parse.__globals__, "_get_parser", Counting)  # (the patched one's)
    monkeypatch.setattr(cparser, "_get_parser", Counting)
    patched = [ffi._parser.parse_type(t) for t in WEASYPRINT_TYPES]
    assert max(parsed) <= 3  # (the names each type uses, and cffi's own line)
    parsed.clear()
    monkeypatch.setattr(cparser.Parser, "_parse", cffi_type_names.original())
    plain = [ffi._parser.parse_type(t) for t in WEASYPRINT_TYPES]
    assert min(parsed) > 50  # (cffi's own: every type name WeasyPrint declared, for each type)
    assert [str(t) for t in plain] == [str(t) for t in patched]


# -- pyphen_patterns: a dictionary's patterns read in one loop each

def test_pyphen_reads_plain_patterns_in_one_loop(monkeypatch):
    import pyphen

    assert pyphen_patterns.applied()
    expression = []
    real = pyphen.parse
    monkeypatch.setitem(pyphen.HyphDict.__init__.__globals__, "parse",
                        lambda pattern: expression.append(pattern) or real(pattern))
    english = pyphen.HyphDict(pyphen.LANGUAGES["en_US"])
    assert len(english.patterns) > 10_000 and expression == []  # (every English pattern is plain)
    # Pyphen's own: the expression for each pattern.
    monkeypatch.setattr(pyphen.HyphDict, "__init__", pyphen_patterns.original())
    monkeypatch.setattr(pyphen, "parse", lambda pattern: expression.append(pattern) or real(pattern))
    assert pyphen.HyphDict(pyphen.LANGUAGES["en_US"]).patterns == english.patterns
    assert len(expression) > 10_000


@pytest.mark.slow  # (seconds: out of the quick loop)
def test_pyphen_patch_reads_every_dictionary_alike(monkeypatch):
    import pyphen

    paths = sorted(set(pyphen.LANGUAGES.values()))
    patched = {path.name: pyphen.HyphDict(path) for path in paths}
    monkeypatch.setattr(pyphen.HyphDict, "__init__", pyphen_patterns.original())
    for path in paths:  # (Hungarian and Dutch have nonstandard alternatives: read by Pyphen's own expression)
        plain = pyphen.HyphDict(path)
        assert plain.patterns == patched[path.name].patterns, path.name
        assert [type(v) for _, values in plain.patterns.values() for v in values] == \
            [type(v) for _, values in patched[path.name].patterns.values() for v in values], path.name
    assert pyphen_patterns.split("a1b2c") == (["a", "b", "c"], (0, 1, 2, 0))
    assert pyphen_patterns.split("a12b")[1] is None


# -- weasyprint_rewrap: a line Pango keeps whole but WeasyPrint measures too wide

@pytest.mark.slow  # (seconds: out of the quick loop)
def test_a_line_pango_keeps_whole_but_too_wide_is_wrapped(tmp_path, monkeypatch):
    """The seed with a paragraph of Quarto's ACM template after a heading: its
    first line was "A" alone (the text before the bold word measured 0.8 px too
    wide with its trailing space, which Pango lets hang)."""
    import importlib

    from conftest import REPO, make_project
    from imprint import build
    from imprint.settings import Settings

    assert weasyprint_rewrap.applied()
    root = make_project(tmp_path, REPO / "source")
    article = root / "source" / "batunaev-2019-khalkhin-gol" / "article.md"
    article.write_text(article.read_text() + "\n\n## H\n\nA formula that appears in the running text is called an "
                       "inline or in text formula. It is produced by the **math** environment, which can be invoked "
                       "with the usual more words here and there.\n")

    def first_line() -> str:
        assert build(Settings.for_project(root, formats=("pdf",), environ={}, force=True)).ok
        text = "\n".join(pages_text(root / "dist" / "batunaev-2019-khalkhin-gol" / "batunaev-2019-khalkhin-gol.pdf"))
        return text.split("\nH\n", 1)[1].split("\n", 1)[0]

    assert first_line().startswith("A formula that appears")
    for name in weasyprint_rewrap.MODULES:
        monkeypatch.setattr(importlib.import_module(name), "split_first_line", weasyprint_rewrap.original())
    assert first_line() == "A"  # (WeasyPrint's own: the fault is still there without the patch)


# -- weasyprint_char_wrap: a word broken anywhere looked for in a few characters

def _long_cell_laid_out(monkeypatch, out: Path) -> tuple[int, list[str]]:
    """A table whose cell holds 1,000 characters, cells broken anywhere (as
    print.css sets them), laid out: the characters given to Pango meanwhile, and
    the lines of the PDF's text."""
    from weasyprint.text import line_break

    given = []
    own = line_break.Layout.set_text

    def counted(self, text, *args, **kwargs):
        given.append(len(text))
        return own(self, text, *args, **kwargs)

    monkeypatch.setattr(line_break.Layout, "set_text", counted)
    words = " ".join(f"слово{n}" for n in range(125))  # (1,000 characters)
    page = (f'<html lang="ru"><style>@page {{ size: A5 }} th, td {{ overflow-wrap: anywhere }}</style>'
            f"<table><tr><td>{words}</td><td>B</td></tr></table></html>")
    out.write_bytes(weasyprint.HTML(string=page).write_pdf())
    lines = [line for text in pages_text(out) for line in text.splitlines()]
    monkeypatch.setattr(line_break.Layout, "set_text", own)
    return sum(given), lines


def test_a_word_broken_anywhere_is_looked_for_in_a_few_characters(monkeypatch, tmp_path):
    """A table's narrowest width, cells broken anywhere: one line per character,
    each found in the whole rest of the cell's text (a 300-word header cell took
    17 s to lay out; 900 words did not finish)."""
    import importlib

    from weasyprint.layout import preferred

    assert weasyprint_char_wrap.applied()
    # (as the narrowest widths are found without weasyprint_narrowest, and where it does not apply)
    monkeypatch.setattr(preferred, "inline_line_widths", weasyprint_narrowest.original())
    given, lines = _long_cell_laid_out(monkeypatch, tmp_path / "patched.pdf")
    assert given < 100_000
    for name in weasyprint_char_wrap.MODULES:
        monkeypatch.setattr(importlib.import_module(name), "split_first_line", weasyprint_char_wrap.original())
    unpatched, their_lines = _long_cell_laid_out(monkeypatch, tmp_path / "unpatched.pdf")
    assert unpatched > 400_000  # (WeasyPrint's own: about half the square of the cell's length)
    assert lines == their_lines and any("слово124" in line for line in lines)


# (cells of every kind of character that a narrowest width may meet)
CELLS = ["Иванов\u00a0И.\u00a0И.", "10\u00a0000", "a\u0301b\u0301c", "\ufb01nal \ufb02ow",
         "https://example.org/a/b?x=1", "e=mc²", "Ω≈∑", "word — dash", "«Ёлка»", "12,345,678", "x\u200by",
         "αβγ δεζ", "日本語テキスト",
         " ".join(f"слово{n}" for n in range(125))]


def test_a_table_cell_broken_anywhere_is_measured_once_a_character(monkeypatch):
    """A table of 14 columns (each squeezed towards its narrowest width, which
    then decides the layout): the Pango layouts made for it, and the PDF."""
    from weasyprint.layout import preferred
    from weasyprint.text import line_break

    made = []
    own = line_break.Layout.get_first_line

    def counted(self):
        made.append(1)
        return own(self)

    monkeypatch.setattr(line_break.Layout, "get_first_line", counted)
    row = "".join(f"<td>{cell}</td>" for cell in CELLS)
    page = (f'<html lang="ru"><style>@page {{ size: A5 }} body {{ hyphens: auto }} td {{ overflow-wrap: anywhere }}'
            f"</style><table><tr>{row}</tr></table></html>")

    def laid_out() -> tuple[int, bytes]:
        made.clear()
        document = weasyprint.HTML(string=page).render()
        return len(made), document.write_pdf()

    assert weasyprint_narrowest.applied()
    assert preferred.inline_line_widths.__globals__["split_first_line"] is line_break.split_first_line
    layouts, pdf = laid_out()
    monkeypatch.setattr(preferred, "inline_line_widths", weasyprint_narrowest.original())
    their_layouts, their_pdf = laid_out()
    assert pdf == their_pdf
    assert their_layouts > layouts + 2000, (layouts, their_layouts)  # (WeasyPrint's own: several a character)


# -- weasyprint_table_continued: a table's line over its later parts only

CONTINUED_TABLE = """<!DOCTYPE html>
<html lang="en"><style>
  @page { size: 300px 200px; margin: 0 } html { font: 10px/10px monospace } body { margin: 0 }
  table { border-collapse: collapse; width: 100% } td, th { padding: 0 }
  thead th { border-top: 2px solid black }
</style>
<p>Text</p>
<table><thead><tr class="table-continued"><td colspan="2">CONTINUED</td></tr><tr><th>HEAD</th><th>B</th></tr></thead>
<tbody>ROWS</tbody></table>
""".replace("ROWS", "".join(f"<tr><td>row {n}</td><td>{n}</td></tr>" for n in range(40)))


def test_a_table_says_it_continues_only_on_its_later_pages(tmp_path, monkeypatch):
    """The header's continuation row: over the second part, not the first (where
    the header's top rule stays at the header, not a row above it); the body's
    cells of the second part name the header cells of the first (tagged PDF)."""

    def laid_out():
        path = tmp_path / "table.pdf"
        path.write_bytes(weasyprint.HTML(string=CONTINUED_TABLE).write_pdf(pdf_tags=True))
        return path

    path = laid_out()
    shown = ["CONTINUED" in text for text in pages_text(path)]
    assert len(shown) >= 2 and shown == [False] + [True] * (len(shown) - 1)
    # The header's top rule (2px: 1.5pt), on each page: over the first part, above the header, below
    # the text before the table (the grid's rows taken without the line's: with them, the rule was
    # drawn under HEAD, where the line's row would have ended); over a later part, between the line
    # and the header (print.css: the line sits above the table's rule, as a caption does).
    for page, above in ((1, "Text"), (2, "CONTINUED")):
        found, _, _ = words(path, page)
        head, over = (next(w for w in found if w.text == text) for text in ("HEAD", above))
        drawn = {round(at, 2) for at, thick in rules(path, page) if thick == pytest.approx(1.5)}
        assert len(drawn) == 1, (page, drawn)
        assert (over.y_min + over.y_max) / 2 < drawn.pop() < (head.y_min + head.y_max) / 2, (page, head, over)
    with pikepdf.open(path) as pdf:
        elements = structure_elements(pdf)
    ids = {str(e.ID) for e in elements if e.S == "/TH"}
    # (each part's cells name the header cells of its own part: the same row, 0, on both)
    assert {str(h).split("-", 1)[1] for e in elements if e.S == "/TD" and "/Headers" in e.A for h in e.A.Headers} \
        == {"0-0", "0-1"} == {i.split("-", 1)[1] for i in ids}
    for holder, name, function in weasyprint_table_continued.original():
        monkeypatch.setattr(holder, name, function)
    assert all("CONTINUED" in text for text in pages_text(laid_out()))  # (the fault, still there)


# -- weasyprint_link_boxes: a link is one annotation a line

LINKED = ('<html lang="en"><style>@page { size: 80mm 60mm; margin: 5mm } .address::before { content: " (" } '
          '.address::after { content: ")" }</style><p style="width: 60mm">Words before the '
          '<a href="https://example.org/catalogue">archive catalogue<span class="address"><span class="url">'
          'https://example.org/catalogue</span></span></a> and after.</p>')


def test_a_link_is_one_annotation_a_line(tmp_path, monkeypatch):
    """A link wrapped over lines, its address in spans and pseudo-elements inside
    it: one annotation for each line's part of the link, not one for each box in it."""
    def annotations():
        path = tmp_path / "link.pdf"
        path.write_bytes(weasyprint.HTML(string=LINKED).write_pdf(pdf_tags=True))
        with pikepdf.open(path) as pdf:
            found = [[float(x) for x in a.Rect] for page in pdf.pages for a in page.get("/Annots", [])
                     if a.Subtype == "/Link"]
        assert structure_problems(path) == []
        return found

    found = annotations()
    tops = [rect[1] for rect in found]
    assert len(found) >= 2 and tops == sorted(set(tops), reverse=True)  # (one a line, from the first down)
    from weasyprint import anchors, document

    _, name, function = weasyprint_link_boxes._EDIT.without()
    for module in (anchors, document):  # (where gather_anchors is defined, and where it is called)
        monkeypatch.setattr(module, name, function)
    assert len(annotations()) > 4  # (the fault, still there: the spans' and pseudo-elements' own)


def test_two_patches_of_one_function_are_both_applied():
    from weasyprint.text import line_break

    assert rewrite.edited_by(line_break.split_first_line, weasyprint_rewrap)
    assert rewrite.edited_by(line_break.split_first_line, weasyprint_char_wrap)
    assert "_imprint_rewrap" in line_break.split_first_line.__globals__
    assert "_imprint_first_line_wrapped_anywhere" in line_break.split_first_line.__globals__


# -- tinyhtml5_character_runs: the expressions for runs of characters found again

HTML = ("<!DOCTYPE html><html lang=\"ru\"><head><title>Т</title></head><body>"
        "<!-- a comment --><p class=\"a b\" data-tex=\"\\frac{1}{2}\" id=x>Слово &amp; word &#x2014; "
        "<span style='line-height:1.2em'>&#xE000;</span> a&lt;b</p></body></html>")


def test_tinyhtml5_finds_its_expressions_again(monkeypatch):
    import tinyhtml5
    from tinyhtml5 import inputstream

    assert tinyhtml5_character_runs.applied()
    built = []
    real = inputstream.re.compile

    def counted(*args, **kwargs):
        built.append(args[0])
        return real(*args, **kwargs)

    monkeypatch.setattr(inputstream, "characters_until_regex", tinyhtml5_character_runs.Expressions())
    monkeypatch.setattr(tinyhtml5_character_runs.re, "compile", counted)
    patched = tinyhtml5.parse(HTML * 3)
    assert 0 < len(built) <= 8  # (one for each set of characters the tokenizer asks about)
    monkeypatch.setattr(inputstream, "characters_until_regex", tinyhtml5_character_runs.original())
    monkeypatch.setattr(inputstream.re, "compile", counted)
    built.clear()
    plain = tinyhtml5.parse(HTML * 3)
    assert len(built) > 30  # (tinyhtml5's own: made again for every run)
    from xml.etree import ElementTree
    assert ElementTree.tostring(plain) == ElementTree.tostring(patched)


# -- ziamath_rows and ziamath_sizes: formulas laid out without repeated work

# Formulas of the kinds articles have, with operators that stretch (fences,
# \left...\right, \middle, arrows, bars, matrices, roots) at several depths and
# rows without any.
FORMULAS = [
    r"\hat{\beta} = (X^\top X)^{-1} X^\top y_{i}",
    r"\mathrm{Var}(\hat{y}_{i}) = \sigma^2 \left(1 + \frac{1}{n} + \frac{(x_{j} - \bar{x})^2}"
    r"{\sum_{k=1}^{n} (x_k - \bar{x})^2}\right)",
    r"L(\theta) = \prod_{i=1}^{n} f(x_i \mid \theta)^{2}",
    r"\begin{aligned} y_{i} &= \alpha + \beta x_{j} + \varepsilon \\ \varepsilon &\sim N(0, \sigma^2_{n})"
    r"\end{aligned}",
    r"\Sigma = \begin{pmatrix} \sigma_{i}^2 & \rho \\ \rho & \sigma_{j}^2 \end{pmatrix}",
    r"\int_0^\infty e^{-\lambda_{i} t} \, dt = \frac{1}{\lambda_{i}}",
    r"\left\{ \frac{a}{b} \,\middle|\, x \in \mathbb{R} \right\}",
    r"\sqrt[3]{\frac{x^2}{\left[ y + z \right]}} + \sqrt{\left( \frac{1}{2} \right)}",
    r"f \colon A \to B, \quad x \mapsto \overrightarrow{AB} + \overline{x + y}",
    r"\left| \sum_{i} a_i \right| \le \| a \|_1 + \Big( b \Big)",
    r"\binom{n}{k} = \frac{n!}{k!\,(n-k)!}",
    r"\bar{n}_v = \tfrac{1}{2}(n_v^{(1)} + n_v^{(2)})",
    r"\hat{n} = \text{дворов} \times \hat{k}",
    r"\lim_{x \to 0} \frac{\sin x}{x} = 1",
    r"\underbrace{a + \cdots + a}_{n} = n a",
    r"x^{y^{z^{w}}} + \left(\left(\left(a\right)\right)\right) + {\left(\frac{a}{b}\right)}^{2}",
    r"\frac{a}{b} + c",
]


def _mathml(kind: str) -> list[str]:
    from imprint.body import formulas
    from imprint.body.ast import note
    from imprint.body.pandoc import deadline_in

    nodes = [{"t": "Math", "c": [{"t": kind}, tex]} for tex in FORMULAS]
    formulas.convert(nodes, "article.md", deadline_in(30))
    return [note(node)["mathml"] for node in nodes]


def _unpatched(monkeypatch, kind: type, name: str, method) -> None:
    """ziamath's method as it was (`method`), and ziamath imported without its patches."""
    import ziamath

    monkeypatch.setattr(kind, name, method)
    monkeypatch.setattr(patches, "import_ziamath", lambda: ziamath)


def _drawn(mathml: list[str]) -> list:
    from imprint.body import formulas

    formulas._drawn.clear()
    return [formulas._draw(m) for m in mathml]


@pytest.mark.parametrize("kind", ["InlineMath", "DisplayMath"])
def test_ziamath_measures_a_row_again_only_to_stretch(monkeypatch, kind):
    from ziamath.nodes.mrow import Mrow

    mathml = _mathml(kind)
    patched = _drawn(mathml)
    assert ziamath_rows.applied()
    calls = []
    own = ziamath_rows.original()

    def counted(self, line, **kwargs):
        calls.append(len(line))
        return own(self, line, **kwargs)

    setattr(ziamath_rows.height_nostretch, rewrite.ORIGINAL, counted)
    try:
        _drawn(mathml[-1:])  # a fraction and a sum: nothing stretches, nothing measured twice
        assert calls == []
        _drawn(mathml)
        with_patch = len(calls)
        calls.clear()
        _unpatched(monkeypatch, Mrow, "_get_height_nostretch", counted)
        plain = _drawn(mathml)
    finally:
        setattr(ziamath_rows.height_nostretch, rewrite.ORIGINAL, own)
    assert with_patch < len(calls) / 4, (with_patch, len(calls))  # (ziamath's own: every row, at every depth)
    assert plain == patched  # the same drawings, byte for byte


def test_ziamath_converts_a_length_once(monkeypatch):
    from ziamath.nodes.mnode import Mnode

    mathml = _mathml("DisplayMath")
    patched = _drawn(mathml)
    assert ziamath_sizes.applied()
    calls = []
    own = ziamath_sizes.original()

    def counted(self, size, fontsize=None):
        calls.append(size)
        return own(self, size, fontsize)

    setattr(ziamath_sizes.size_px, rewrite.ORIGINAL, counted)
    try:
        _drawn(mathml)  # (the lengths of the first drawing are known)
        assert calls == []
        _unpatched(monkeypatch, Mnode, "size_px", counted)
        plain = _drawn(mathml)
    finally:
        setattr(ziamath_sizes.size_px, rewrite.ORIGINAL, own)
    assert len(calls) > 500  # (ziamath's own: at every use)
    assert plain == patched


def test_ziamath_reads_a_parents_style_without_copying_it(monkeypatch):
    import dataclasses

    from ziamath import styles
    from ziamath.nodes import mnode

    from imprint.patches import import_ziamath

    mathml = _mathml("InlineMath")
    import_ziamath()  # (as drawing does: the test passed only after another had drawn)
    assert ziamath_styles.applied()
    copies = []
    real = dataclasses.asdict

    def counted(instance, **kwargs):
        copies.append(type(instance).__name__)
        return real(instance, **kwargs)

    monkeypatch.setitem(styles.parse_style.__globals__, "asdict", counted)
    patched = _drawn(mathml)
    assert copies == []  # (the parent's fields read where they are)
    monkeypatch.setitem(ziamath_styles.original().__globals__, "asdict", counted)
    for module in ("ziamath.styles", "ziamath.nodes.mnode", "ziamath.nodes.mfrac", "ziamath.zmath"):
        monkeypatch.setattr(sys.modules[module], "parse_style", ziamath_styles.original())
    _unpatched(monkeypatch, mnode.Mnode, "size_px", mnode.Mnode.size_px)
    plain = _drawn(mathml)
    assert len(copies) > 500  # (ziamath's own: a deep copy for every node)
    assert plain == patched


def test_ziafont_places_a_glyph_as_its_outline(monkeypatch):
    from fontTools.ttLib.tables._g_l_y_f import Glyph
    from ziafont.glyph import SimpleGlyph

    mathml = _mathml("DisplayMath")
    written = []
    own = SimpleGlyph.svgpath

    def counted(self, *args, **kwargs):
        written.append(self.index)
        return own(self, *args, **kwargs)

    monkeypatch.setattr(SimpleGlyph, "svgpath", counted)
    kept = _drawn(mathml)
    assert ziafont_outlines.applied()
    assert len(written) < 20  # (only for the drawings kept as SVG: none here, or a stroke's few)
    _unpatched(monkeypatch, SimpleGlyph, "place", ziafont_outlines.original())
    plain = _drawn(mathml)
    assert len(written) > 200  # (ziafont's own: every glyph as path text)

    def points(drawing):
        glyph = Glyph(drawing.glyph)
        glyph.expand(None)
        return list(glyph.coordinates), list(glyph.endPtsOfContours)

    for mine, theirs in zip(kept, plain):
        assert (mine.width, mine.height, mine.depth, bool(mine.glyph)) == \
            (theirs.width, theirs.height, theirs.depth, bool(theirs.glyph))
        if mine.glyph:
            (ours, our_ends), (reference, ends) = points(mine), points(theirs)
            assert our_ends == ends  # the same contours, each point within a unit of
            assert all(abs(a - c) <= 1 and abs(b - d) <= 1 for (a, b), (c, d) in zip(ours, reference))  # (rounding)
        else:
            assert mine.picture == theirs.picture


# -- versions: declared, checked at start-up, one error listing every mismatch

# -- weasyprint_libraries: libraries opened by their file names

FIND_LIBRARY_CALLS = """
import ctypes.util, sys
calls = []
real = ctypes.util.find_library
def counted(name):
    calls.append(name)
    return real(name)
ctypes.util.find_library = counted  # (in this test's own process: counting, not patching Imprint)
{importing}
print(len(calls))
"""


@pytest.mark.slow  # (seconds: out of the quick loop)
def test_weasyprint_opens_its_libraries_without_a_search():
    patched = _run(FIND_LIBRARY_CALLS.format(importing="import imprint.editions.pdf.weasy"))
    plain = _run(FIND_LIBRARY_CALLS.format(importing="import weasyprint"))
    assert patched.returncode == 0 and plain.returncode == 0, patched.stderr + plain.stderr
    assert int(patched.stdout) == 0
    assert int(plain.stdout) >= 16  # the fault, still there without the patch (22 on Debian 12)
    # And the libraries opened are the same ones.
    opened = _run("import imprint.editions.pdf.weasy\n"
                  "print(sorted(l.split()[-1] for l in open('/proc/self/maps') if '.so' in l and "
                  "any(n in l for n in ('pango', 'harfbuzz', 'fontconfig', 'gobject'))))")
    plainly = _run("import weasyprint\n"
                   "print(sorted(l.split()[-1] for l in open('/proc/self/maps') if '.so' in l and "
                   "any(n in l for n in ('pango', 'harfbuzz', 'fontconfig', 'gobject'))))")
    assert opened.stdout and set(eval(opened.stdout)) == set(eval(plainly.stdout))


def test_each_patch_declares_its_version_reason_test_and_upstream_report():
    constraints = (REPO / "constraints.txt").read_text(encoding="utf-8")
    upstream = (REPO / "docs" / "upstream.md").read_text(encoding="utf-8")
    anchors = {_anchor(h) for h in re.findall(r"^#+ (.+)$", upstream, re.M)}
    tests = set(re.findall(r"^def (test_\w+)", Path(__file__).read_text(encoding="utf-8"), re.M))
    for patch in patches.PATCHES:
        pin = re.search(rf"^{re.escape(patch.DISTRIBUTION)}==(\S+)$", constraints, re.M | re.I)
        assert pin and pin.group(1) == patch.VERSION, (patch.__name__, "not the version constraints.txt pins")
        doc = patch.__doc__
        assert f"Version: {patch.DISTRIBUTION} {patch.VERSION} exactly" in doc, patch.__name__
        assert "Measured" in doc and "What goes wrong" in doc, patch.__name__
        named = re.findall(r"tests/test_patches\.py::(test_\w+)", doc)
        assert named and set(named) <= tests, patch.__name__
        assert patch.UPSTREAM in doc and patch.UPSTREAM.split("#")[1] in anchors, patch.__name__
    for distribution, version, _ in patches.RELIED_ON:
        assert re.search(rf"^{re.escape(distribution)}=={re.escape(version)}$", constraints, re.M | re.I)


def _anchor(heading: str) -> str:
    """The anchor GitHub makes of a Markdown heading."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def test_the_installed_versions_are_those_of_the_patches():
    patches.check_versions()  # raises otherwise


def test_a_version_mismatch_is_one_error_listing_each(monkeypatch):
    installed = {"weasyprint": "71.0", "pydyf": "0.12.1", "pyphen": "0.18.1", "cffi": "2.1.1", "tinyhtml5": "2.1.0",
                 "ziamath": "0.13", "ziafont": "0.11"}
    monkeypatch.setattr(patches, "_installed", installed.get)
    with pytest.raises(InternalError) as raised:
        patches.check_versions()
    message = str(raised.value)
    assert raised.value.exit_code == 1
    for name in ("weasyprint_footnotes.py", "weasyprint_tags.py", "pydyf_page_references.py"):
        assert name in message
    assert "weasyprint 71.0 is installed" in message and "for weasyprint 70.0" in message
    assert "pydyf 0.12.1 is installed" in message and "for pydyf 0.13.0" in message
    assert "Page._page_box" in message  # (what Imprint reads of WeasyPrint's, unpatched)
    assert "scripts/setup.sh" in message and "docs/upstream.md" in message


def test_dependencies_not_installed_say_which_python_runs_imprint(monkeypatch):
    # ./publish.py run by the system's Python, not the set-up's .venv/
    monkeypatch.setattr(patches, "_installed", {"cffi": "2.1.1"}.get)
    with pytest.raises(InternalError) as raised:
        patches.check_versions()
    message = str(raised.value)
    assert message.startswith("pydyf, pyphen, tinyhtml5, weasyprint, ziafont, ziamath are not installed")
    assert sys.executable in message and "./build.sh" in message and ".venv/bin/python publish.py" in message


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)


def test_checking_versions_imports_neither_weasyprint_nor_pydyf():
    done = _run("import sys\nfrom imprint import patches\npatches.check_versions()\n"
                "print(sorted(m for m in ('weasyprint', 'pydyf') if m in sys.modules))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_no_patch_is_applied_to_another_version():
    # Another WeasyPrint installed (as its metadata says): importing it for use
    # fails with the one error, and nothing of WeasyPrint's is changed.
    done = _run("from imprint import patches\n"
                "real = patches._installed\n"
                "patches._installed = lambda name: '71.0' if name == 'weasyprint' else real(name)\n"
                "from imprint.errors import InternalError\n"
                "try:\n"
                "    import imprint.editions.pdf.weasy\n"
                "except InternalError as error:\n"
                "    print(error)\n"
                "from weasyprint.layout import block\n"
                "from weasyprint.pdf import tags\n"
                "from imprint.patches import rewrite\n"
                "print('rewritten:', rewrite.is_rewritten(block._linebox_layout), "
                "rewrite.is_rewritten(tags._build_box_tree))\n")
    assert done.returncode == 0, done.stderr
    assert "weasyprint 71.0 is installed" in done.stdout
    assert "rewritten: False False" in done.stdout


def test_applying_again_changes_nothing():
    from weasyprint.layout import block
    from weasyprint.pdf import tags

    before = (block._linebox_layout, tags._build_box_tree, pydyf.PDF.__dict__["page_references"])
    patches.apply()
    for patch in patches.PATCHES:
        patch.apply()
    assert (block._linebox_layout, tags._build_box_tree, pydyf.PDF.__dict__["page_references"]) == before


def test_what_imprint_reads_of_weasyprint_is_there():
    from weasyprint.formatting_structure.boxes import FootnoteAreaBox, InlineBox

    document = weasyprint.HTML(string=FOOTNOTE_PAGE).render()
    areas = [box for box in document.pages[0]._page_box.children if isinstance(box, FootnoteAreaBox)]
    assert len(areas) == 1 and areas[0].children
    # (notelinks.py: the call's and the note number's boxes, with their areas; the page's links and anchors)
    def walk(box):
        for child in getattr(box, "children", ()):
            yield child
            yield from walk(child)

    tags = {box.element_tag: box for box in walk(document.pages[0]._page_box) if isinstance(box, InlineBox)}
    assert {"span::footnote-call", "span::footnote-marker"} <= set(tags)
    assert len(tags["span::footnote-call"].hit_area()) == 4
    assert isinstance(document.pages[0].links, list) and isinstance(document.pages[0].anchors, dict)


# -- no assignment into another module outside imprint/patches/

# Documented settings of a library, set through the attribute its documentation
# names: not patches. (file, what is assigned) -> why it may stay.
SETTINGS = {
    ("imprint/body/formulas.py", "ziamath.config.svg2"):
        "ziamath's documented configuration object (ziamath.config); nothing but Imprint draws with ziamath",
    ("imprint/building/executor.py", "tempfile.tempdir"):
        "the standard library's documented setting of the default temporary folder, set in a local worker's "
        "own process as it starts (its temporary files then go in its pool's folder, removed at the end)",
    ("imprint/cli.py", "os.environ['SOURCE_DATE_EPOCH']"):
        "the process's environment: SOURCE_DATE_EPOCH exported empty is unset as the command starts (the "
        "specification leaves an empty value to the build), as fontTools and WeasyPrint read it themselves",
    ("imprint/editions/fonts.py", "os.environ[VARIABLE]"):
        "the environment's FONTCONFIG_FILE, fontconfig's documented way to name its configuration, set while "
        "WeasyPrint is imported and while it lays out a document, and as it was again after",
}

def _assignments_into_modules(path: Path) -> set[str]:
    """What a module assigns into, or deletes from, another module's namespace (or
    an object reached from one: a class, a submodule), and its exec() calls."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {(alias.asname or alias.name).split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported |= {alias.asname or alias.name for alias in node.names}

    def root(node):
        while isinstance(node, (ast.Attribute, ast.Subscript)):
            node = node.value
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "vars" and node.args:
            return root(node.args[0])  # vars(module)[...] = ...
        return node

    def foreign(node) -> bool:
        found = root(node)
        return isinstance(found, ast.Name) and found.id in imported

    found = set()
    for node in ast.walk(tree):
        targets = (node.targets if isinstance(node, (ast.Assign, ast.Delete)) else
                   [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else [])
        for target in targets:
            for one in target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]:
                if isinstance(one, (ast.Attribute, ast.Subscript)) and foreign(one):
                    found.add(ast.unparse(one))
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
            if name == "exec":
                found.add("exec()")
            elif name in ("setattr", "delattr") and node.args and foreign(node.args[0]):
                found.add(f"{name}({ast.unparse(node.args[0])}, ...)")
            elif name in ("update", "setdefault", "__setitem__") and isinstance(node.func, ast.Attribute) \
                    and isinstance(root(node.func.value), ast.Name) and foreign(node.func.value) \
                    and isinstance(node.func.value, ast.Call):
                found.add(ast.unparse(node.func))  # vars(module).update(...)
    return found


def _findings() -> set[tuple[str, str]]:
    return {(str(path.relative_to(REPO)), what)
            for path in sorted(PACKAGE.rglob("*.py")) if "patches" not in path.relative_to(PACKAGE).parts
            for what in _assignments_into_modules(path)}


def test_no_module_outside_patches_assigns_into_another_module():
    unexplained = _findings() - SETTINGS.keys()
    assert not unexplained, (f"{sorted(unexplained)}: a change to another module belongs in imprint/patches/ "
                             "(with its version, reason, test and upstream report), not here")


def test_the_scan_finds_a_patch(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("import ctypes.util\nfrom weasyprint.pdf import tags\n"
                     "ctypes.util.find_library = None\ntags._x = 1\nvars(tags)['y'] = 2\nexec('1')\n"
                     "setattr(tags, 'z', 3)\nlocal = {}\nlocal['w'] = 4\n")
    assert _assignments_into_modules(probe) == {"ctypes.util.find_library", "tags._x", "vars(tags)['y']", "exec()",
                                                "setattr(tags, ...)"}


IMPORTS_SEEN = """
import json, sys
from imprint.body.formulas import _draw
{importing}
from imprint.patches import ziamath_imports
escapes, tex = sys.modules["ziamath.escapes"], sys.modules["ziamath.tex"]
drawn = _draw({mathml!r})
loaded = sorted({{*ziamath_imports._own, *("regex" for _ in [0] if "regex" in vars(escapes)),
                 *(m for m in ("latex2mathml", "ssl") if m in sys.modules)}})
import ziamath, latex2mathml.commands
print(json.dumps({{"stood_for": escapes.unescape is ziamath_imports.unescape and tex.tex2mml is ziamath_imports.tex2mml,
                  "loaded": loaded, "drawing": repr(drawn),
                  "latex": ziamath.Math.fromlatex(r"\\tg x + \\cotg y = \\frac{{a}}{{b}}").svg(),
                  "operators": latex2mathml.commands.FUNCTIONS}}))  # (after the conversion: tex.py loaded)
"""


def test_ziamath_loads_what_drawing_mathml_does_not_need_only_when_asked():
    """Drawing a formula of Pandoc's (given to ziamath as an element) compiles
    none of ziamath's expression of 2,079 names and imports no latex2mathml (nor
    the ssl it brings): without the patch, importing ziamath did both. The same
    drawing either way; a text given to `unescape` is replaced as ziamath
    replaces it; LaTeX is converted as ziamath converts it."""
    import json

    from imprint.patches import ziamath_imports

    from imprint.body import formulas
    from imprint.body.ast import note
    from imprint.body.pandoc import deadline_in

    node = {"t": "Math", "c": [{"t": "InlineMath"}, r"a < \hat{\beta}"]}  # (`&lt;` in the MathML written)
    formulas.convert([node], "article.md", deadline_in(30))
    mathml = note(node)["mathml"]
    runs = {}
    for way, importing in (("patched", "from imprint.patches import import_ziamath\nimport_ziamath()"),
                           ("plain", "import ziamath\nfrom imprint.patches import apply\napply('ziamath')")):
        done = _run(IMPORTS_SEEN.format(importing=importing, mathml=mathml))
        assert done.returncode == 0, done.stderr
        runs[way] = json.loads(done.stdout)
    assert runs["patched"]["stood_for"] and runs["patched"]["loaded"] == []
    assert not runs["plain"]["stood_for"] and runs["plain"]["loaded"] == ["latex2mathml", "regex", "ssl"]  # (the fault)
    for seen in ("drawing", "operators", "latex"):  # (LaTeX: with the operators ziamath declares as imported)
        assert runs["patched"][seen] == runs["plain"][seen], seen
    escapes = ziamath_imports.own("ziamath.escapes")
    for text in ("<mi>&alpha;</mi>", "<mo>!=</mo>", "<mo>a\\*=b</mo>", "<mi>x&InvisibleTimes;y</mi>", "<mn>1</mn>"):
        assert ziamath_imports.unescape(text) == escapes.unescape(text)
    assert ziamath_imports.tex2mml(r"\frac{a}{b}") == ziamath_imports.own("ziamath.tex").tex2mml(r"\frac{a}{b}")


def test_ziamaths_submodules_are_its_attributes_with_the_patch_as_without():
    """`import ziamath` then `ziamath.tex.tex2mml(...)`, `ziamath.escapes.unescape(...)`
    (the package's submodules are its attributes once imported): with the patch's
    modules standing for them, they were not (AttributeError)."""
    done = _run("from imprint.patches import import_ziamath\nimport_ziamath()\nimport ziamath\n"
                "print(ziamath.escapes.unescape('&alpha;'), ziamath.tex.tex2mml('x').startswith('<math'))")
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["α", "True"]
