"""Formulas drawn for print (imprint/body/formulas.py) and set as glyphs of a font
made for the document (imprint/editions/pdf/formulas.py): sized in em on the
baseline, cached across builds, and what cannot be drawn said."""

from __future__ import annotations

import base64
import io
import re
import time
from xml.etree import ElementTree

import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from imprint.body import formulas
from imprint.body.pandoc import deadline_in
from imprint.editions.pdf.formulas import for_print

SVG = "{http://www.w3.org/2000/svg}"


def converted(tex: str, kind: str = "InlineMath") -> dict:
    node = {"t": "Math", "c": [{"t": kind}, tex]}
    formulas.convert([node], "article.md", deadline_in(30))
    return node


def page(*mathml: str) -> str:
    return f"<html><head></head><body><p>{' and '.join(mathml)}.</p></body></html>"


def font_of(printed: str) -> TTFont:
    url = re.search(r"@font-face \{[^}]*src: url\(([^)]+)\)", printed).group(1)
    if url.startswith("data:"):
        return TTFont(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    return TTFont(url.removeprefix("file://"))


def test_a_formula_is_a_glyph_of_the_documents_font_on_its_baseline(tmp_path):
    node = converted(r"\sum_{i=1}^{n} x_i^2")
    drawing = formulas.draw(node["imprint"]["mathml"], tmp_path)
    printed = for_print(page(node["imprint"]["mathml"], node["imprint"]["mathml"]), tmp_path)
    assert "<math" not in printed and "<svg" not in printed
    spans = re.findall(r'<span class="formula inline (h[\d-]+)" data-tex="([^"]*)"(?: data-text="([^"]*)")?>'
                       r'&#x([0-9A-F]+);</span>', printed)
    assert len(spans) == 2 and spans[0] == spans[1]  # (one glyph for the same formula)
    height, tex, text, character = spans[0]
    line_height = re.search(rf"span\.formula\.{height} {{ line-height: ([\d.]+)em !important; }}", printed).group(1)
    assert tex == r"\sum_{i=1}^{n} x_i^2" and text == ""  # (its text form is its TeX: none written)
    assert float(line_height) > 1.2  # (the line holds the sum's limits)
    font = font_of(printed)
    name = font.getBestCmap()[int(character, 16)]
    glyph = font["glyf"][name]
    units = font["head"].unitsPerEm
    assert glyph.numberOfContours > 5  # the outlines, not an empty box
    assert font["hmtx"][name][0] == round(drawing.width * units)
    assert glyph.yMin == pytest.approx(-drawing.depth * units, abs=units * 0.02)  # the sum's limit under the baseline
    assert units * 0.5 < glyph.yMax <= (drawing.height - drawing.depth) * units  # (within the box above it)


def test_the_font_is_the_same_every_build(tmp_path):
    nodes = [converted(tex) for tex in (r"\alpha", r"\frac{a}{b}", r"\sqrt{x}")]
    pages = [for_print(page(*(n["imprint"]["mathml"] for n in nodes)), tmp_path) for _ in range(2)]
    assert pages[0] == pages[1] and len(font_of(pages[0]).getGlyphOrder()) == 4


def test_a_display_formula_wider_than_the_text_stays_a_drawing_that_shrinks(tmp_path):
    wide = converted(" + ".join(f"a_{{{i}}} b_{{{i}}}" for i in range(12)), "DisplayMath")
    printed = for_print(page(wide["imprint"]["mathml"]), tmp_path)
    element = etree.fromstring(re.search(r"<svg\b.*</svg>", printed, re.S).group())
    assert element.get("class") == "formula display" and "max-width:100%" in element.get("style")
    assert element.find(f"{SVG}title").text.startswith("a_{0} b_{0} + a_{1}")
    assert element.find(f".//{SVG}path") is not None and not element.xpath("//@id")


def test_a_drawing_is_kept_and_not_drawn_again(tmp_path, monkeypatch):
    node = converted(r"\alpha + \beta = \gamma")
    first = for_print(page(node["imprint"]["mathml"]), tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1
    formulas._drawn.clear()  # (a new process: only the project's cache has it)

    def refused(_):
        raise AssertionError("drawn again")
    monkeypatch.setattr(formulas, "_draw", refused)
    assert for_print(page(node["imprint"]["mathml"]), tmp_path / "cache") == first


def test_the_e_reader_part_draws_from_the_last_formula_what_is_not_drawn_yet(tmp_path, monkeypatch):
    """In a build split in parts (one article, two workers), the print part draws
    the formulas from the first and the e-reader part from the last, each skipping
    what the cache already has: they meet in the middle."""
    nodes = [converted(tex) for tex in (r"a^2", r"b_1", r"\sqrt{c}", r"\frac{d}{e}")]
    cache = tmp_path / "cache"
    formulas.draw(nodes[3]["imprint"]["mathml"], cache)  # (drawn by the print part already)
    formulas._drawn.clear()
    drawn = []
    real = formulas._draw
    monkeypatch.setattr(formulas, "_draw", lambda mathml: drawn.append(mathml) or real(mathml))
    formulas.draw_from_the_end([n["imprint"] for n in nodes], cache)
    assert drawn == [nodes[i]["imprint"]["mathml"] for i in (2, 1, 0)]  # from the last, the cached one skipped
    assert len(list(cache.glob("*.json"))) == 4


def test_cyrillic_in_text_and_greek_are_drawn(tmp_path):
    node = converted(r"\hat{n} = \text{дворов} \times \alpha")
    drawing = formulas.draw(node["imprint"]["mathml"], tmp_path)
    assert drawing.notes == () and drawing.width > 4


@pytest.mark.parametrize("tex", [r'\text{G\"odel}', r'\text{"quoted"} = x', r"\text{A\&B} < x"])
def test_a_formula_whose_tex_has_a_double_quote_is_drawn(tex):
    """An umlaut (`\\"o`) or a quotation mark in the TeX: its alttext's `&quot;`
    was made a bare quote by ziamath's replacement of entity names, ending the
    attribute: the formula was unreadable XML, printed as its TeX in a box."""
    formulas._drawn.clear()
    drawing = formulas.draw(converted(tex)["imprint"]["mathml"])
    assert drawing.glyph and drawing.width > 1


def test_a_display_formula_too_wide_for_the_text_is_said_at_its_line(tmp_path):
    wide = " + ".join(f"a_{{{i}}} b_{{{i}}}" for i in range(12))
    endless = " + ".join(f"a_{{{i}}} b_{{{i}}}" for i in range(40))
    nodes = [converted(tex, "DisplayMath") for tex in (wide, "x = 1", endless)]
    found = formulas.report(list(zip(nodes, (12, 14, 16))), "article.md", tmp_path, drawn=True)
    assert [(p.line, p.message.split(" wide")[0]) for p in found] == [
        (12, f"the formula ${formulas._short(wide)}$ is {formulas.draw(nodes[0]['imprint']['mathml']).width:.0f} em"),
        (16, f"the formula ${formulas._short(endless)}$ cannot be drawn for print (it is 148 em")]
    assert "aligned" in found[0].hint


def test_a_formula_that_cannot_be_drawn_is_its_tex_in_a_box(tmp_path, monkeypatch):
    node = converted(r"x^2")

    def fails(_):
        raise formulas.Undrawable("ValueError: no glyph")
    formulas._drawn.clear()
    monkeypatch.setattr(formulas, "_draw", fails)
    found = formulas.report([(node, 7)], "article.md", None, drawn=True)
    assert [p.line for p in found] == [7] and "cannot be drawn for print" in found[0].message
    assert node["imprint"]["undrawable"] is True
    assert '<p><code class="math-tex">x^2</code>.</p>' in for_print(page(node["imprint"]["mathml"]), None)


@pytest.mark.parametrize("tex", [r"\begin{bmatrix} a & b \\ c & d \\ \end{bmatrix}",
                                 r"\begin{aligned} x &= 1 \\ y &= 2 \\ \end{aligned}",
                                 r"\begin{cases} 1 & x > 0 \\ 0 & x \le 0 \\ \end{cases}"])
def test_a_table_that_ends_with_a_line_break_is_drawn_whole(tex):
    """LaTeX's `\\\\` after the last line (common in JOSS papers): texmath makes an
    empty last row, and ziamath drew nothing of the formula, in silence: a blank
    in print. The same without it is the measure."""
    formulas._drawn.clear()
    drawn = formulas.draw(converted(tex, "DisplayMath")["imprint"]["mathml"])
    alone = formulas.draw(converted(tex.replace(r"\\ \end", r"\end"), "DisplayMath")["imprint"]["mathml"])
    assert drawn.glyph and (drawn.width, drawn.height) == (alone.width, alone.height)


def test_a_blank_line_in_a_table_keeps_its_height_and_a_drawing_of_nothing_is_refused(monkeypatch):
    formulas._drawn.clear()
    spaced = formulas.draw(converted(r"\begin{aligned} x &= 1 \\ \\ y &= 2 \end{aligned}", "DisplayMath")
                           ["imprint"]["mathml"])
    close = formulas.draw(converted(r"\begin{aligned} x &= 1 \\ y &= 2 \end{aligned}", "DisplayMath")
                          ["imprint"]["mathml"])
    assert spaced.glyph and spaced.height > close.height + 1
    monkeypatch.setattr(formulas, "_glyph", lambda svg, placed: b"")  # (as ziamath drew those tables)
    with pytest.raises(formulas.Undrawable, match="drew nothing"):
        formulas._draw('<math xmlns="http://www.w3.org/1998/Math/MathML"><mi>x</mi></math>')
    assert formulas._draw('<math xmlns="http://www.w3.org/1998/Math/MathML"><mtext> </mtext></math>').glyph == b""


@pytest.mark.parametrize("tex, text", [(r"\hat{k}", "k\u0302"), (r"\alpha^2 + \beta", "α² + β"),
                                       (r"\frac{a}{b}", r"$\frac{a}{b}$")])
def test_a_formula_has_a_text_form_for_outlines_and_records(tex, text):
    assert converted(tex)["imprint"]["text"] == text


def test_a_conversion_is_kept_and_pandoc_not_run_again(tmp_path, monkeypatch):
    """(And the build's print part is told when formulas are being converted, to ready
    their drawing: not when all are kept.)"""
    told = []
    first = [{"t": "Math", "c": [{"t": "InlineMath"}, tex]} for tex in (r"\alpha^2", r"\frac{1}")]
    formulas.convert(first, "article.md", deadline_in(30), tmp_path, converting=lambda: told.append("first"))

    def refused(*_, **__):
        raise AssertionError("Pandoc run again")
    monkeypatch.setattr(formulas.pandoc, "start", refused)
    again = [{"t": "Math", "c": [{"t": "InlineMath"}, tex]} for tex in (r"\alpha^2", r"\frac{1}")]
    formulas.convert(again, "article.md", deadline_in(30), tmp_path, converting=lambda: told.append("again"))
    assert told == ["first"]
    assert [n["imprint"] for n in again] == [n["imprint"] for n in first]
    assert "unreadable" in again[1]["imprint"] and again[0]["imprint"]["text"] == "α²"


def test_stretched_parts_are_in_the_glyph_and_strokes_stay_a_drawing(tmp_path):
    brace = formulas.draw(converted(r"\underbrace{a+b}_{x}")["imprint"]["mathml"], tmp_path)
    plain = formulas.draw(converted(r"a+b")["imprint"]["mathml"], tmp_path)
    assert not brace.picture and brace.bounds()[1] < plain.bounds()[1] - formulas.UNITS_PER_EM * 0.4  # (the brace)
    boxed = converted(r"\boxed{x}")
    drawing = formulas.draw(boxed["imprint"]["mathml"], tmp_path)
    assert drawing.picture and not drawing.glyph  # (a stroked frame is no glyph's outline)
    printed = for_print(page(boxed["imprint"]["mathml"]), tmp_path)
    element = etree.fromstring(re.search(r"<svg\b.*</svg>", printed, re.S).group())
    assert element.get("class") == "formula inline" and element.find(f"{SVG}title").text == r"\boxed{x}"
    assert "@font-face" not in printed  # (no glyph to set: no font)


class _FontToolsPen:
    """fontTools' own TrueType pen and glyph compiler, in place of formulas._Contours."""

    def __init__(self):
        from fontTools.pens.ttGlyphPen import TTGlyphPen

        self.pen = TTGlyphPen(None)
        for name in ("moveTo", "lineTo", "qCurveTo", "curveTo", "closePath", "endPath", "addComponent"):
            setattr(self, name, getattr(self.pen, name))

    def glyph(self) -> bytes:
        return self.pen.glyph().compile(None)


def _outlines(data: bytes) -> tuple:
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    glyph = Glyph(data)
    glyph.expand(None)
    if glyph.numberOfContours <= 0:
        return ()
    return (list(glyph.coordinates), [f & 1 for f in glyph.flags], list(glyph.endPtsOfContours),
            (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax))


@pytest.mark.parametrize("kind", ["InlineMath", "DisplayMath"])
def test_a_glyph_is_written_as_fonttools_would_write_it(monkeypatch, kind):
    """The glyph's bytes written directly (formulas._Contours) hold the outlines
    fontTools' pen and compiler give for the same drawings: every point, on or
    off the curve, every contour, the bounds."""
    from test_patches import FORMULAS

    nodes = [converted(tex, kind) for tex in FORMULAS + [r"\sqrt{\frac{\alpha}{\beta}}", r"\,"]]
    mathml = [node["imprint"]["mathml"] for node in nodes]
    own = [formulas._draw(m) for m in mathml]
    monkeypatch.setattr(formulas, "_Contours", _FontToolsPen)
    theirs = [formulas._draw(m) for m in mathml]
    assert sum(1 for d in own if d.glyph) >= len(FORMULAS) - 2  # (drawn as glyphs, not pictures)
    for mine, reference in zip(own, theirs):
        assert _outlines(mine.glyph) == _outlines(reference.glyph)
        assert (mine.width, mine.height, mine.depth, mine.picture) == \
            (reference.width, reference.height, reference.depth, reference.picture)


def test_outlines_one_glyph_cannot_hold_are_no_glyph():
    far = formulas._Contours()
    far.moveTo((0, 0))
    far.lineTo((30000, 0))
    far.lineTo((-30000, 10))  # (a step of 60,000 units: past a 16-bit delta)
    far.closePath()
    with pytest.raises(formulas._NotAGlyph):
        far.glyph()
    wide = formulas._Contours()
    for x in (0, 30000, 60000):  # (steps that fit, bounds that do not)
        (wide.lineTo if x else wide.moveTo)((x, 0))
    wide.lineTo((60000, 10))
    wide.closePath()
    with pytest.raises(formulas._NotAGlyph):
        wide.glyph()
    many = formulas._Contours()
    for n in range(0x10000 // 4 + 1):
        many.moveTo((n % 100, 0))
        many.lineTo((n % 100, 5))
        many.lineTo((n % 100 + 5, 5))
        many.lineTo((n % 100 + 5, 0))
        many.closePath()
    with pytest.raises(formulas._NotAGlyph):
        many.glyph()
    svg = ElementTree.fromstring('<svg viewBox="0 0 10 10" width="10" height="10"><path d="M 0 0 C 1 1 2 2 3 0 Z"/></svg>')
    assert formulas._glyph(svg, {}) is None  # (a cubic curve: the drawing stays a picture)


def test_a_formula_too_wide_is_said_when_the_article_is_built_in_two_parts(tmp_path):
    """With more workers than articles, an article's print editions are made
    beside its other files (units.split): what only the print part finds (a
    formula too wide to draw) is told too, and what both parts find once."""
    from imprint import build
    from imprint.settings import Settings

    source = tmp_path / "source" / "a"
    source.mkdir(parents=True)
    (tmp_path / "source" / "publication.yaml").write_text("title: A journal\nlang: en\n", encoding="utf-8")
    endless = " + ".join(f"a_{{{i}}} b_{{{i}}}" for i in range(40))
    (source / "article.md").write_text(
        "---\ntitle: Wide\nauthor:\n  - name: {given: Ann, family: Lee}\ndate: 2024\n---\n\n"
        f"Text <b>raw</b>.\n\n$$ {endless} $$\n", encoding="utf-8")
    report = build(Settings.for_project(tmp_path, environ={}, formats=("epub", "pdf"), jobs=2))
    assert report.ok and report.parallel == 2
    assert sorted((w.line, w.message.split(" (")[0].split(":")[0]) for w in report.warnings) == [
        (8, "raw HTML is printed as text, not passed through"),
        (10, f"the formula ${formulas._short(endless)}$ cannot be drawn for print")], report.warnings


def test_an_inline_integral_is_set_at_the_texts_size_and_a_display_one_at_its_own():
    """ziamath stretched an integral sign to its row, limits included: an inline
    `\\int_\\Omega f` was two lines tall (a JOSS paper's running text), where LaTeX
    sets it no taller than an inline sum."""
    formulas._drawn.clear()
    inline = formulas.draw(converted(r"\int_\Omega f \, d\Omega")["imprint"]["mathml"])
    summed = formulas.draw(converted(r"\sum_{i=1}^n f_i")["imprint"]["mathml"])
    shown = formulas.draw(converted(r"\int_\Omega f \, d\Omega", "DisplayMath")["imprint"]["mathml"])
    assert inline.height + inline.depth <= 1.3 * (summed.height + summed.depth), (inline, summed)
    assert shown.height + shown.depth > 1.5 * (inline.height + inline.depth), (shown, inline)


def test_the_numbers_of_an_aligns_lines_are_set_by_the_lines_baselines(tmp_path):
    """Each number's middle NUMBER_MIDDLE em above its line's baseline, as a part
    of the formula's line box (print.css places it there); the lines' baselines
    are the drawing's, kept with it in the cache."""
    from test_body import ALIGN, read

    from imprint.editions.pdf.formulas import ASCENT, NUMBER_MIDDLE

    html = str(read(ALIGN).body.chapters[0].print)
    assert re.findall(r'data-line="\d" style="top: ([\d.]+)%"', html) == ["12.5", "62.5", "87.5"]  # (evenly)
    printed = for_print(f"<html><head></head><body>{html}</body></html>", tmp_path)
    line = float(re.search(r'class="formula display h([\d-]+)"', printed).group(1).replace("-", "."))
    drawing = formulas.draw(re.search(r"<math.*?</math>", html, re.S).group(), tmp_path)
    assert len(drawing.lines) == 4 and drawing.lines == tuple(sorted(drawing.lines))
    expected = [f"{100 * (ASCENT + (line - 1) / 2 + drawing.lines[n] - NUMBER_MIDDLE) / line:.1f}" for n in (0, 2, 3)]
    assert re.findall(r'data-line="\d" style="top: ([\d.]+)%" id="eq-one">\(1\)</span> <span class="equation-number" '
                      r'data-line="\d" style="top: ([\d.]+)%" id="eq-two">\(2\)</span> <span class="equation-number" '
                      r'data-line="\d" style="top: ([\d.]+)%">\(A\)</span>', printed) == [tuple(expected)]
    formulas._write(tmp_path / "kept.json", drawing)
    assert formulas._read(tmp_path / "kept.json") == drawing  # (kept in the cache with the lines)


def test_a_decimal_comma_is_one_number_in_mathml_text_and_print():
    """`1{,}08`, LaTeX's decimal comma (nearly every Russian formula with a number):
    texmath read it as a separator, `<mn>1</mn><mo>,</mo><mn>08</mn>`, printed and
    copied as "1, 08" (QA 24 F3). A bare comma stays a separator; one in text is text."""
    formulas._drawn.clear()
    node = converted(r"\hat{k} \approx 1{,}08")
    mathml, text = node["imprint"]["mathml"], node["imprint"]["text"]
    assert "<mn>1,08</mn>" in mathml and text == "k\u0302 ≈ 1,08"
    assert 'alttext="\\hat{k} \\approx 1{,}08"' in mathml and "mathord" not in mathml
    joined = formulas.draw(converted("1{,}08")["imprint"]["mathml"])
    assert joined.width == formulas.draw(converted("1.08")["imprint"]["mathml"]).width
    assert joined.width < formulas.draw(converted("1,08")["imprint"]["mathml"]).width  # (a list: spaced)
    assert "<mn>1</mn><mo>,</mo><mn>5</mn>" in converted("1,5")["imprint"]["mathml"]
    assert converted(r"\text{a 1{,}5}")["imprint"]["text"] == "a 1,5"
    assert converted(r"\frac{1{,}5}{2}")["imprint"]["text"] == r"$\frac{1{,}5}{2}$"  # (TeX as written)
    assert formulas.with_decimal_commas(r"1{,}2 \mbox{3{,}4 {5{,}6}} {7{,}8} \{,\}9") == \
        r"1\mathord{,}2 \mbox{3{,}4 {5{,}6}} {7\mathord{,}8} \{,\}9"
    started = time.perf_counter()  # (one pass: a search for the group around each comma was quadratic)
    formulas.with_decimal_commas("1{,}" * 40_000)
    assert time.perf_counter() - started < 3


def test_a_formulas_text_form_starting_with_a_dollar_is_its_actual_text():
    """A text form is left out only where it is the formula's TeX between dollars:
    $\\$5 + x$ reads "$5 + x", which was taken for TeX and copied as nothing (review)."""
    from types import SimpleNamespace
    from xml.etree.ElementTree import Element

    from imprint.editions.pdf.tags import actual_text

    def box(tex, text):
        return SimpleNamespace(text=None, element_tag="span", style={},
                               element=Element("span", {"class": "formula inline", "data-tex": tex, "data-text": text}))

    assert actual_text(box(r"\$5 + x", "$5 + x")) == "$5 + x"
    assert actual_text(box(r"\frac{a}{b}", r"$$\frac{a}{b}$$")) == ""
    assert actual_text(box("x_8", "x₈")) == "x₈"


def test_a_paragraph_that_is_only_a_display_formula_is_its_block(tmp_path):
    """<p><span class="math display">, as body/html.py writes a paragraph that is a
    display formula, is printed as <p class="math display">: the same page, one box
    and one structure element less a formula for WeasyPrint to lay out and write
    (the /P holds the /Formula). A paragraph with more than the formula keeps its
    block, as does a formula that stays a drawing."""
    shown = converted(r"\int_0^1 f(x) \, dx = F(1) - F(0)", "DisplayMath")["imprint"]["mathml"]
    wide = converted(" + ".join(f"a_{{{i}}} b_{{{i}}}" for i in range(12)), "DisplayMath")["imprint"]["mathml"]
    number = ' <span class="equation-number">(1)</span>'
    html = (f'<html><head></head><body><p><span class="math display" id="eq-one">{shown}{number}</span></p>'
            f'<p><span class="math display">{shown}</span></p>'
            f'<p><span class="math display">{shown}</span><span class="after-display">where F is</span></p>'
            f'<p><span class="math display">{wide}</span></p></body></html>')
    printed = for_print(html, tmp_path)
    paragraphs = re.findall(r"<p\b[^>]*>.*?</p>", printed)
    assert re.fullmatch(r'<p class="math display" id="eq-one"><span class="formula display h[\d-]+" [^>]*>&#xE000;'
                        r'</span> <span class="equation-number">\(1\)</span></p>', paragraphs[0])
    assert re.fullmatch(r'<p class="math display"><span class="formula display [^>]*>&#xE000;</span></p>',
                        paragraphs[1])
    assert paragraphs[2].startswith('<p><span class="math display"><span class="formula display ')
    assert paragraphs[3].startswith('<p><span class="math display"><svg ')


def test_a_text_form_that_is_only_the_tex_is_not_written(tmp_path):
    """The tags leave out a text form that is the TeX between dollars (no /ActualText,
    the /Alt holds the TeX): print HTML does not carry it (6 of the benchmark's 92 kB,
    read by WeasyPrint's parser a character at a time). Another text form is written."""
    from xml.etree.ElementTree import Element

    from imprint.editions.pdf.tags import actual_text

    sub, root = converted("x_8"), converted(r"\sqrt{3}")
    assert sub["imprint"]["text"] == "x₈" and root["imprint"]["text"] == r"$\sqrt{3}$"
    printed = for_print(page(sub["imprint"]["mathml"], root["imprint"]["mathml"]), tmp_path)
    spans = re.findall(r'<span class="formula inline [^"]*"( [^>]*)>', printed)
    assert spans == [' data-tex="x_8" data-text="x₈"', r' data-tex="\sqrt{3}"']
    for attributes, text in zip(spans, ("x₈", "")):
        element = Element("span", {"class": "formula inline",
                                   **dict(re.findall(r' ([\w-]+)="([^"]*)"', attributes))})
        box = type("Box", (), {"text": None, "element_tag": "span", "style": {}, "element": element})()
        assert actual_text(box) == text
