"""The formulas of a print HTML, as glyphs of a font made for it.

WeasyPrint draws no MathML, and draws SVG slowly (it parses path data at about
19 us a point, and a formula has hundreds: 250 formulas took 1.3 s). So each
formula that body/formulas.py drew (ziamath's outlines in STIX Two Math) becomes
one glyph of a TrueType font made for the document, mapped to a character of
Unicode's Private Use Area, and the <math> becomes that character: WeasyPrint
sets it as text (the same 250 formulas: 0.2 s), in the colour of the text
around it, and embeds the font's subset.

The glyph's units are the text's em (UNITS_PER_EM), its origin the formula's
baseline: a formula takes the size of its text and sits on its baseline. Each is
an inline span whose line height holds the formula's ink above and below the
baseline; a line with a tall formula grows, as with an image. The tagged PDF
makes the span a /Formula with its TeX as /Alt and its text form as /ActualText
(editions/pdf/tags.py), which also stands for the Private Use Area
character.

A display formula wider than formulas.TOO_WIDE (it must shrink to the column,
which only CSS knows), or a drawing that is more than black outlines (a boxed or
cancelled term, a colour), stays an SVG; one that cannot be drawn is its TeX in
a box.
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import os
import re
import struct
import tempfile
from pathlib import Path
from typing import Sequence

from ...body.formulas import TOO_WIDE, UNITS_PER_EM, Drawing, Undrawable, draw, tex_box
from ...files import file_url

FIRST = 0xE000  # the first character of the Private Use Area
FAMILY = "imprint-formulas"
NUMBER_MIDDLE = 0.35  # em above its baseline: the middle of a line number's box, in most text faces
ASCENT, DESCENT = 0.8, 0.2  # the font's own line metrics, in em (the line-height below depends on them)
# (a formula, with the numbers of its lines after it: body/html.py)
_MATH = re.compile(r'<math\b[^>]*>.*?</math>((?: <span class="equation-number" data-line="\d+" style="top: [\d.]+%"'
                   r'[^>]*>[^<]*</span>)*)', re.S)
_LINE_NUMBER = re.compile(r'(<span class="equation-number" data-line="(\d+)" style="top: )[\d.]+%')
_TEXT_FORM = re.compile(r'<annotation encoding="text/plain">([^<]*)</annotation>')
# A paragraph that is a display formula set as a glyph (with its numbers) and nothing else
# (body/html.py writes <p><span class="math display">...</span></p>)
_ALONE = re.compile(r'<p><span class="math display"((?: id="[^"]*")?)>(<span class="formula display [^"]*"[^>]*>[^<]*</span>'
                    r'(?: <span class="equation-number"[^>]*>[^<]*</span>)*)</span></p>')


def for_print(markup: str, cache: Path | None, roots: Sequence[Path] = ()) -> str:
    """Every <math> of the print HTML as a glyph of the document's formula font
    (added to its <head>), an SVG where a display formula must shrink to the
    column, or its TeX in a box where it cannot be drawn."""
    if "<math" not in markup:
        return markup
    glyphs: dict[str, int] = {}  # a drawing's key: its character's offset from FIRST
    drawings: list[Drawing] = []

    def printed(match: re.Match) -> str:
        mathml, numbers = match.group()[:match.start(1) - match.start()], match.group(1)
        display = 'display="block"' in mathml.split(">", 1)[0]
        tex = html.unescape(_attribute(mathml, "alttext"))
        try:
            drawing = draw(mathml, cache)
        except Undrawable:
            return tex_box(tex) + numbers
        if drawing.picture or display and drawing.width > TOO_WIDE:
            return _svg(drawing, tex, display) + numbers
        if drawing.key not in glyphs:
            glyphs[drawing.key] = len(drawings)
            drawings.append(drawing)
        text = html.unescape(found.group(1)) if (found := _TEXT_FORM.search(mathml)) else tex
        # (the span's line box spreads evenly from the font's own ascent and descent:
        # wide enough to hold the formula's ink above and below its baseline). A class
        # per line height, not a style attribute per formula: WeasyPrint then computes
        # one style for the formulas of a height (a style attribute is a style of its
        # own), 50 ms of the 250-formula benchmark article's layout.
        _, low, _, high = drawing.bounds()
        line = f"{1 + 2 * max(high / UNITS_PER_EM - ASCENT, -low / UNITS_PER_EM - DESCENT, 0):.2f}"
        height = heights.setdefault(line, "h" + line.replace(".", "-"))
        if numbers and len(drawing.lines) > max(int(at) for _, at in _LINE_NUMBER.findall(numbers)):
            numbers = _placed(numbers, drawing, float(line))
        # (no text form where it is only the TeX between dollars, which the tags leave
        # out: tags.actual_text; 97 of the benchmark's 250 formulas, 6 of the print HTML's
        # 92 kB, which WeasyPrint's parser reads a character at a time)
        written = "" if tex_only(text, tex) else f' data-text="{html.escape(text)}"'
        return (f'<span class="formula {"display" if display else "inline"} {height}" '
                f'data-tex="{html.escape(tex)}"{written}>'
                f'&#x{FIRST + glyphs[drawing.key]:X};</span>' + numbers)

    heights: dict[str, str] = {}  # line height (em) -> its class
    markup = _MATH.sub(printed, markup)
    # A paragraph that is only a display formula: the paragraph is the formula's block
    # (.math.display, print.css), not a block in it. The same page (the paragraph has no
    # margin, padding or indent of its own: the block's margins were its margins); one
    # box and one structure element less a formula (a /P holding the /Formula, not a /P
    # holding a /Span holding it); WeasyPrint's layout and writing of the 50 display
    # formulas of the benchmark's math article, 0.066e9 of its 7.2e9 instructions
    # (callgrind; 2026-12-07).
    markup = _ALONE.sub(r'<p class="math display"\1>\2</p>', markup)
    if drawings:
        face = (f'<style>@font-face {{ font-family: "{FAMILY}"; src: url({_font_url(drawings, cache, roots)}); }}\n'
                f'span.formula {{ font-family: "{FAMILY}"; font-size: 1em; font-style: normal; '
                'font-weight: normal; letter-spacing: 0; word-spacing: 0; white-space: nowrap; }\n'
                + "".join(f"span.formula.{heights[line]} {{ line-height: {line}em !important; }}\n"
                          for line in sorted(heights, key=float)) + '</style>')
        markup = markup.replace("</head>", face + "</head>", 1)
    return markup


def tex_only(text: str, tex: str) -> bool:
    """Whether a formula's text form is only its TeX between dollars ("$$\\frac{a}{b}$$"),
    not text a reader would want (a text form may start with a dollar: $\\$5 + x$
    is "$5 + x")."""
    return text.startswith("$") and text.strip("$").strip() == tex.strip()


def _placed(numbers: str, drawing: Drawing, line: float) -> str:
    """The numbers of a formula's lines (an align's), each with its middle a
    little above its line's baseline (NUMBER_MIDDLE), as a part of the height of
    the formula's line box (`line` em: the font's ascent and descent spread
    evenly), which is the box the numbers are placed in (print.css)."""
    baseline = ASCENT + (line - 1) / 2

    def top(found: re.Match) -> str:
        middle = baseline + drawing.lines[int(found.group(2))] - NUMBER_MIDDLE
        return f"{found.group(1)}{100 * middle / line:.1f}%"
    return _LINE_NUMBER.sub(top, numbers)


def _attribute(mathml: str, name: str) -> str:
    found = re.search(rf'\b{name}="([^"]*)"', mathml.split(">", 1)[0])
    return found.group(1) if found else ""


def _svg(drawing: Drawing, tex: str, display: bool) -> str:
    """A formula as an inline SVG, sized in em on the baseline (a display formula
    shrinks to the column); its TeX is its <title>, the tagged PDF's /Alt."""
    style = f"width:{drawing.width}em;height:{drawing.height}em;vertical-align:{-drawing.depth}em"
    if display:
        style += ";max-width:100%"
    opening = drawing.svg().split(">", 1)
    return (f'{opening[0]} class="formula {"display" if display else "inline"}" role="math" style="{style}">'
            f"<title>{html.escape(tex, quote=False)}</title>{opening[1]}")


def _font_url(drawings: list[Drawing], cache: Path | None, roots: Sequence[Path]) -> str:
    """The font's file in the project's cache (made once for the same formulas), or,
    without a cache, the font itself as a data: URL."""
    key = hashlib.sha256("".join(d.key for d in drawings).encode()).hexdigest()
    path = cache / f"font-{key}.ttf" if cache is not None else None
    if path is not None and path.is_file():
        return file_url(path, roots)
    data = _font(drawings)
    if path is not None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as out:
                out.write(data)
            os.replace(out.name, path)
            return file_url(path, roots)
        except OSError:
            pass  # (a cache that cannot be written: the font goes in the page)
    return "data:font/ttf;base64," + base64.b64encode(data).decode("ascii")


def _font(drawings: list[Drawing]) -> bytes:
    """A TrueType font of one glyph a drawing, the n-th at FIRST + n, made from
    the glyphs' bytes as they are (nothing recomputed): the same drawings give
    the same bytes."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable
    from fontTools.ttLib.tables._g_l_y_f import Glyph

    order = [".notdef"] + [f"formula{n}" for n in range(len(drawings))]
    glyphs = {".notdef": TTGlyphPen(None).glyph()} | {name: Glyph(d.glyph) for name, d in zip(order[1:], drawings)}
    bounds = [d.bounds() for d in drawings if d.glyph]
    font = FontBuilder(UNITS_PER_EM, isTTF=True)
    font.setupGlyphOrder(order)
    font.setupCharacterMap({FIRST + n: name for n, name in enumerate(order[1:])})
    glyf, font.font["loca"] = newTable("glyf"), newTable("loca")
    glyf.glyphs, glyf.glyphOrder = glyphs, order
    font.font["glyf"] = glyf
    font.setupHorizontalMetrics({".notdef": (0, 0)} | {
        name: (round(d.width * UNITS_PER_EM), d.bounds()[0]) for name, d in zip(order[1:], drawings)})
    ascent, descent = round(ASCENT * UNITS_PER_EM), round(DESCENT * UNITS_PER_EM)
    font.setupHorizontalHeader(ascent=ascent, descent=-descent,
                               advanceWidthMax=max(round(d.width * UNITS_PER_EM) for d in drawings))
    font.setupMaxp()
    points = [_points(d.glyph) for d in drawings]
    font.font["maxp"].maxPoints = max(p for p, _ in points)
    font.font["maxp"].maxContours = max(c for _, c in points)
    font.setupNameTable({"familyName": FAMILY, "styleName": "Regular"})
    font.setupOS2(sTypoAscender=ascent, sTypoDescender=-descent, sTypoLineGap=0, usWinAscent=ascent,
                  usWinDescent=descent)
    font.setupPost()
    font.setupHead(unitsPerEm=UNITS_PER_EM, created=0, modified=0,  # (no date: the same bytes every build)
                   xMin=min((b[0] for b in bounds), default=0), yMin=min((b[1] for b in bounds), default=0),
                   xMax=max((b[2] for b in bounds), default=0), yMax=max((b[3] for b in bounds), default=0))
    font.font.recalcBBoxes = False  # (they are set: recomputing them would decompile every glyph)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def _points(glyph: bytes) -> tuple[int, int]:
    """A glyph's number of points and of contours, from its bytes."""
    if not glyph:
        return 0, 0
    contours = struct.unpack(">h", glyph[:2])[0]
    last = struct.unpack(">H", glyph[10 + 2 * (contours - 1):12 + 2 * (contours - 1)])[0] if contours > 0 else -1
    return last + 1, max(contours, 0)
