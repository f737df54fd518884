"""Mathematics: Pandoc's MathML in every edition, drawn for print.

Pandoc reads `$...$` and `$$...$$` as formulas of TeX. One Pandoc run (texmath)
converts an article's formulas to MathML, each distinct one once (convert()); the
MathML keeps the TeX (`alttext`, and Pandoc's annotation) for readers and screen
readers without MathML, and a text form (k̂, α²) for outlines and records. The
e-reader edition and the site show the MathML.

WeasyPrint draws no MathML. For print, ziamath lays each formula out with STIX Two
Math (draw()), and its outlines become one TrueType glyph, its origin on the
baseline, sized in the text's em; editions/pdf/formulas.py sets the glyphs as a
font made for the document. A conversion and a drawing depend only on the TeX
(or MathML) and the code's version: both are kept in the project's cache
(.imprint-cache/formulas/), so that a formula is converted and drawn once, across
builds and articles.

A formula Pandoc cannot read, or ziamath cannot draw, is shown as its TeX in a
monospace box (class `math-tex`), with a warning at its line.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import logging
import math
import os
import re
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.etree import ElementTree

from lxml import etree

from ..errors import InternalError, Problem
from . import pandoc
from .ast import Node, annotate, note

MATHML = "http://www.w3.org/1998/Math/MathML"
SVG = "http://www.w3.org/2000/svg"
SIZE = 10.0  # ziamath draws at this size; the drawing is then sized in em (SIZE units = 1 em)
UNITS_PER_EM = 512  # a drawing's glyph units in the text's em: 0.002 em steps, room for 60 em (16-bit coordinates)
DRAWING = "12"  # the drawing code's version: a new one draws every formula again
CONVERSION = "12"  # the same for the conversion to MathML (_pandoc_mathml, _with_alttext, for_texmath)
CACHE = Path(".imprint-cache") / "formulas"  # under the project's root
TOO_WIDE = 34.0  # em: a display formula wider than this overflows the text block of A5 (and is shrunk to fit)
_MATH = re.compile(r"<math\b[^>]*>.*?</math>", re.S)


# -- TeX to MathML (Pandoc)

def convert(formulas: list[Node], file: str, deadline: float, cache: Path | None = None,
            drawn: bool = False, answers: Path | None = None, converting: Callable[[], None] | None = None) -> None:
    """Each formula (a Math node) annotated with its MathML and its text form: from
    the project's cache, or from one Pandoc run for all the others (then cached);
    one Pandoc cannot read is annotated `unreadable` (with Pandoc's reason, if it
    gives one), and shown as TeX. `drawn`: the formulas will be drawn, and what
    drawing needs is loaded while Pandoc converts. `answers`: the project's cache
    of Pandoc's answers (pandoc.cache_in), so that the two parts of a one-article
    build run the conversion once. `converting`: called before Pandoc converts
    some (formulas new to the cache, which will most likely be drawn). Raises PandocFailed."""
    distinct = list(dict.fromkeys((n["c"][0]["t"], n["c"][1]) for n in formulas))
    keys = {formula: hashlib.sha256(f"{CONVERSION}\n{pandoc.VERSION}\n{formula[0]}\n{formula[1]}".encode()).hexdigest()
            for formula in distinct}
    known: dict[tuple[str, str], dict[str, str]] = {}
    for formula in distinct:
        found = _load(cache / f"mathml-{keys[formula]}.json") if cache is not None else None
        if isinstance(found, dict):
            known[formula] = found
    missing = [formula for formula in distinct if formula not in known]
    if missing:
        if converting is not None:
            converting()
        converted = _pandoc_mathml(missing, file, deadline, drawn, answers)
        known.update(converted)
        if cache is not None:
            for formula, found in converted.items():
                _store(cache / f"mathml-{keys[formula]}.json", found)
    for node in formulas:
        annotate(node, **known[(node["c"][0]["t"], node["c"][1])])


def _pandoc_mathml(formulas: list[tuple[str, str]], file: str, deadline: float, drawn: bool = False,
                   answers: Path | None = None) -> dict[tuple[str, str], dict]:
    """The formulas (kind, TeX) through Pandoc: each as {"mathml", "text"}, or as
    {"unreadable": Pandoc's reason}. Two runs at once, one writing them as MathML,
    the other their text forms (Pandoc's plain writer: Unicode where it can, "k̂",
    "α² + β"; else the TeX), which the PDF outline, the EPUB navigation, the
    citation records and the text copied from print show: the text forms alone
    take as long as the MathML (250 formulas: 0.04 s each, 0.09 s in one run)."""
    plain = [{"t": "Plain", "c": [{"t": "Math", "c": [{"t": kind}, for_texmath(tex)]}]} for kind, tex in formulas]
    divided = [{"t": "Div", "c": [[f"imprint-math-{index}", [], []], [block]]} for index, block in enumerate(plain)]
    separated = [part for index, block in enumerate(plain) for part in ((_SEPARATOR, block) if index else (block,))]
    running = [pandoc.start(["-f", "json", "-t", writer, "--wrap=none", *options], pandoc.document(blocks),
                            what="the formulas", file=file, deadline=deadline, cache=answers,
                            large=len(formulas) >= pandoc.MANY_FORMULAS)
               for writer, options, blocks in (("html", ["--mathml"], divided), ("plain", [], separated))]
    try:
        if drawn:
            preload()
        (output, messages), (written, _) = (run.result() for run in running)
    except BaseException:
        for run in running:
            run.cancel()
        raise
    texts = written.decode("utf-8").split(_SEPARATOR["c"][1])
    if len(texts) != len(formulas):
        raise InternalError(f"Pandoc wrote {len(texts)} text forms of {len(formulas)} formulas")
    reasons: dict[str, str] = {}  # (the plain writer says it too, without a reason)
    for m in messages:
        if m.type == "CouldNotConvertTeXMath" and m.fields.get("message"):
            reasons.setdefault(str(m.fields.get("contents")), str(m.fields["message"]))
    converted: dict[tuple[str, str], dict] = {}
    pieces = re.split(r'<div id="imprint-math-(\d+)">', output.decode("utf-8"))
    for index, piece in zip(pieces[1::2], pieces[2::2]):
        found = _MATH.search(piece)
        if found:
            kind, tex = formulas[int(index)]
            text = " ".join(texts[int(index)].split())  # (Pandoc spaces operators with U+2005)
            text = text.replace(_DECIMAL_COMMA, "{,}")  # (a text form that is TeX: as written)
            text = _PRIMES.sub(r"\1", text)  # (X^(′)X, Pandoc's prime as a superscript: X′X)
            given, written = " ".join(for_texmath(tex).split()), " ".join(tex.split())
            if given != written and text.strip("$").strip() == given:
                # (the TeX texmath was given, changed (for_texmath), between dollars: the
                # TeX as written, which print then knows for no text: editions/pdf/formulas.tex_only)
                text = text.replace(given, written)
            converted[(kind, tex)] = {"mathml": _with_alttext(found.group(), tex, text), "text": text}
    for kind, tex in formulas:
        if (kind, tex) not in converted:
            reason = reasons.get(tex, "").strip().split("\n")[-1].strip()
            # (texmath's parser lists what it expected, dozens of tokens: not said)
            converted[(kind, tex)] = {"unreadable": "" if reason.startswith("expecting") else reason}
    return converted


_OVER = re.compile(r"\\over(?![A-Za-z])")
_BOUNDS = re.compile(r"\\left|\\right|\\begin|\\end|&|\\\\")  # (what a group search cannot see across)


_PRIMES = re.compile(r"\^\(([′″‴⁗]+)\)")
_SEPARATOR = {"t": "RawBlock", "c": ["plain", "\x1e"]}  # (ASCII's record separator, written as it is)


def for_texmath(tex: str) -> str:
    """A formula as texmath reads it right: plain TeX's `{a \\over b}` as `\\frac`
    (without_over()), and mathtools' `\\overbracket[0.65pt][-1]{X}` without the
    options (thickness, gap) texmath read as text: "[0.65pt][−1]X" under a bracket;
    plain TeX's `\\cr` as LaTeX's `\\\\` (a row's end: JOSS's template writes it in
    an array), which texmath does not read (the formula was shown as its TeX); the
    decimal comma `1{,}08` as `1\\mathord{,}08` (with_decimal_commas()); and
    without the text's size switches (`\\small`, `\\scriptsize`: MathJax applies
    them, texmath reads none, and the formula was shown as its TeX; LaTeX ignores
    them in math, with a warning, and so does this: an econometrics course's
    slides shrink their widest formulas with them); `\\mathbf` as texmath's bold
    sans-serif, made upright bold again (_upright_bold()); without its colours
    (`\\textcolor{teal}{x}`, `\\color{#008B45}`: texmath reads neither, and drops
    the colour of the `\\color{red}` it reads; report() says so)."""
    return _upright_bold(_COLOURS.sub(r"\1", _SIZES.sub(r"\1", _CR.sub(r"\1\\\\", _BRACKET_OPTIONS.sub(
        r"\1", with_decimal_commas(without_over(tex)))))))


# LaTeX's `\mathbf` is upright bold; texmath 0.13.1 (Pandoc 3.9) writes every bold
# identifier as bold italic (its fix of `\boldsymbol`, jgm/texmath#280), `\mathbf{V}`
# as `<mi mathvariant="bold-italic">𝑽</mi>`: slanted in both editions. texmath is
# given `\mathbfsfup` instead, which it writes as bold sans-serif, a style no other
# command gives, and _with_alttext() makes that bold (serif, upright) again; not in
# a formula that writes `\mathbfsfup` itself.
_BOLD = re.compile(r"\\(?:mathbf|mathbfup)(?![A-Za-z])")
_SANS_BOLD = re.compile(r"\\(?:mathbfsfup|mathsfbfup|mathbfsf|mathsfbf)(?![A-Za-z])")
_UPRIGHT_BOLD = {**{c: c - 0x1D4 for c in range(0x1D5D4, 0x1D608)},  # (Latin: bold sans-serif to bold)
                 **{c: c - 0xAE for c in range(0x1D756, 0x1D790)},  # (Greek, ∇, ∂ and the variants)
                 **{c: c - 0x1E for c in range(0x1D7EC, 0x1D7F6)}}  # (digits)


def _upright_bold(tex: str) -> str:
    return tex if _SANS_BOLD.search(tex) else _BOLD.sub(r"\\mathbfsfup", tex)


def _bold_made_upright(root: etree._Element, tex: str) -> None:
    """What texmath wrote bold sans-serif for `\\mathbf` (_upright_bold()) as bold."""
    if _SANS_BOLD.search(tex) or not _BOLD.search(tex):
        return
    for element in root.iter():
        if element.get("mathvariant") == "bold-sans-serif":
            element.set("mathvariant", "bold")
            element.text = (element.text or "").translate(_UPRIGHT_BOLD) or None


# `{,}` between digits: LaTeX's decimal comma (a comma in braces is an ordinary
# symbol, set without the space after a punctuation mark), in nearly every Russian
# formula with a number. texmath reads it as a bare comma, a separator (`<mo>,</mo>`:
# "1, 08" in print and in MathML renderers); as `\mathord{,}` it gives `<mi>,</mi>`,
# which _with_alttext() joins with the digits around it into one number.
_DECIMAL_COMMA = r"\mathord{,}"
_TEXT_OPENING = re.compile(r"\\(?:text[a-z]*|mbox|hbox)\s*\{")
_COMMAND = re.compile(r"\\(?:[A-Za-z]+|.)", re.S)


def with_decimal_commas(tex: str) -> str:
    """Each `{,}` between digits as `\\mathord{,}`, except in text (`\\text{...}`,
    where texmath reads no math command and the comma is no separator anyway).
    One pass over the formula, the braces it is in counted as it goes (a search
    for the group around each comma took time as the square of the formula's
    length: review)."""
    if "{,}" not in tex:
        return tex
    out: list[str] = []
    groups: list[bool] = []  # (each open brace: whether it opens a text command's argument)
    in_text = 0
    at = 0
    while at < len(tex):
        char = tex[at]
        if char == "\\":
            opening = _TEXT_OPENING.match(tex, at)
            if opening:
                groups.append(True)
                in_text += 1
                out.append(opening.group())
                at = opening.end()
            else:
                command = _COMMAND.match(tex, at)  # (an escaped brace is no group's)
                out.append(command.group() if command else char)
                at = command.end() if command else at + 1
            continue
        if char == "{":
            if tex.startswith("{,}", at) and not in_text and at > 0 and tex[at - 1].isdigit() \
                    and tex[at + 3:at + 4].isdigit():
                out.append(_DECIMAL_COMMA)
                at += 3
                continue
            groups.append(False)
        elif char == "}" and groups:
            in_text -= groups.pop()
        out.append(char)
        at += 1
    return "".join(out)


_BRACKET_OPTIONS = re.compile(r"(\\(?:over|under)bracket)\s*(?:\[[^\[\]{}]*\]\s*){1,2}(?=\{)")
# (each after the backslashes before it, kept: `\\\small` is a row's end and a size, review)
_CR = re.compile(r"(?<!\\)((?:\\\\)*)\\cr(?![A-Za-z])")
# A colour: `\textcolor[model]{colour}` before its argument (the group left), `\color{colour}`
_COLOURS = re.compile(r"(?<!\\)((?:\\\\)*)\\(?:textcolor|color)(?![A-Za-z])\s*(?:\[[^\[\]{}]*\]\s*)?\{[^{}]*\}\s*")
_SIZES = re.compile(r"(?<!\\)((?:\\\\)*)\\(?:tiny|scriptsize|footnotesize|small|normalsize|large|Large|LARGE|huge|Huge)"
                    r"(?![A-Za-z])\s*")


def without_over(tex: str) -> str:
    """Plain TeX's fraction `{a \\over b}`, which texmath does not read, as LaTeX's
    `\\frac{a}{b}` (in the group it stands in, or the whole formula; the innermost
    first; one beside `\\left`, `\\right`, an environment or a cell is left as it
    is). The TeX shown to readers stays as written."""
    for _ in range(tex.count("\\over")):
        found = None
        for match in _OVER.finditer(tex):  # (the first whose group holds no other)
            start, end = _group_around(tex, match.start(), match.end())
            if not _OVER.search(tex, match.end(), end) and not _OVER.search(tex, start, match.start()):
                found = match, start, end
                break
        if found is None:
            break
        match, start, end = found
        if _BOUNDS.search(tex, start, end):
            break
        tex = f"{tex[:start]}\\frac{{{tex[start:match.start()].strip()}}}{{{tex[match.end():end].strip()}}}{tex[end:]}"
    return tex


def _group_around(tex: str, before: int, after: int) -> tuple[int, int]:
    """Where the braces' group around tex[before:after] starts and ends (inside its
    braces), or the formula's start and end."""
    depth, start = 0, 0
    for index in range(before - 1, -1, -1):
        char = tex[index]
        if char == "}" and (index == 0 or tex[index - 1] != "\\"):
            depth += 1
        elif char == "{" and (index == 0 or tex[index - 1] != "\\"):
            if depth == 0:
                start = index + 1
                break
            depth -= 1
    depth, end = 0, len(tex)
    for index in range(after, len(tex)):
        char = tex[index]
        if char == "{" and tex[index - 1] != "\\":
            depth += 1
        elif char == "}" and tex[index - 1] != "\\":
            if depth == 0:
                end = index
                break
            depth -= 1
    return start, end


def report(formulas: list[tuple[Node, int | None]], file: str, cache: Path | None, drawn: bool) -> list[Problem]:
    """A warning at its line for each formula that could not be read; if `drawn`
    (the print edition is made), each is drawn now, so that one that cannot be
    drawn, or is too wide, is said too (the print HTML then finds the drawings)."""
    problems: list[Problem] = []
    for node, line in formulas:
        found, tex = note(node), _short(node["c"][1])
        if "unreadable" in found:
            problems.append(Problem(file, f"the formula ${tex}$ cannot be read as TeX"
                                    + (f" ({found['unreadable']})" if found["unreadable"] else "")
                                    + "; it is shown as written", line=line,
                                    hint="check its commands and braces: Pandoc reads LaTeX's math (with amsmath), "
                                         "not macros defined elsewhere"))
            continue
        if _COLOURS.search(node["c"][1]):
            problems.append(Problem(file, f"the formula ${tex}$ is shown without its colours (\\textcolor, "
                                    "\\color): Pandoc's conversion keeps none", line=line,
                                    hint="say in words what the colour marks, if it matters"))
        if drawn:
            problems += report_drawing([(node, line)], file, cache)
    return problems


def report_drawing(formulas: list[tuple[Node, int | None]], file: str, cache: Path | None) -> list[Problem]:
    """Each formula drawn (from memory, the cache, or now), with a warning at its
    line for one that cannot be drawn, or is too wide (report(), for those read)."""
    problems = []
    for node, line in formulas:
        found, tex = note(node), _short(node["c"][1])
        if "mathml" not in found:
            continue
        try:
            drawing = draw(found["mathml"], cache)
        except Undrawable as error:
            annotate(node, undrawable=True)
            problems.append(Problem(file, f"the formula ${tex}$ cannot be drawn for print ({error}); the print "
                                    "edition shows its TeX", line=line, hint="simplify the formula"))
            continue
        if drawing.notes:
            problems.append(Problem(file, f"the formula ${tex}$ is drawn without what ziamath cannot draw: "
                                    + "; ".join(drawing.notes), line=line))
        if node["c"][0]["t"] == "DisplayMath" and drawing.width > TOO_WIDE:
            problems.append(Problem(file, f"the formula ${tex}$ is {drawing.width:.0f} em wide, wider than the "
                                    "text of an A5 page: in print it is made smaller wherever it does not fit",
                                    line=line,
                                    hint="break it over lines (\\begin{aligned} ... \\end{aligned})"))
    return problems


def _with_alttext(found: str, tex: str, text: str) -> str:
    """Pandoc's <math> as XML, with its TeX as `alttext` (EPUB 3 accessibility) and
    its text form as an annotation (document.plain_text() reads it); Pandoc's own
    annotation of the TeX holds it as written too (not as texmath was given it:
    for_texmath()). A decimal comma (`<mn>1</mn><mi>,</mi><mn>08</mn>`, from `1{,}08`)
    is one number, `<mn>1,08</mn>`."""
    element = etree.fromstring(found)
    element.set("alttext", " ".join(tex.split()))
    semantics = element.find(f"{{{MATHML}}}semantics")
    if semantics is not None:
        for annotation in semantics.iterfind(f"{{{MATHML}}}annotation[@encoding='application/x-tex']"):
            annotation.text = tex
        etree.SubElement(semantics, f"{{{MATHML}}}annotation", encoding="text/plain").text = text
    _join_decimal_commas(element)
    if "\\mathord" not in tex:  # (`\mathord{+}`, an ordinary sign asked for: texmath's `<mi>+</mi>` too)
        _binary_after_bars(element)
    _bold_made_upright(element, tex)
    return etree.tostring(element, encoding="unicode")


# What texmath writes as an ordinary `<mi>` where it takes it for a sign (after an
# opening fence, at a row's start: `(-x)`), and TeX sets as a binary operator or a
# relation after a closing bar
_OPERATORS = frozenset("+−=<>±∓×÷⋅≤≥≠≈≡∼")


def _binary_after_bars(root: etree._Element) -> None:
    """`|z| + 1`: texmath writes both bars as opening fences (`<mo form="prefix">|</mo>`),
    and so the `+` after the second as a sign, `<mi>+</mi>`, set without the spaces
    of an operator, "|z|+1", in print and in MathML readers (QA 29 F11: an
    econometrics course's absolute values). Bars pair in a row, as TeX reads them:
    an operator right after a closing one is an operator, `<mo>`."""
    bar, identifier = f"{{{MATHML}}}mo", f"{{{MATHML}}}mi"
    for row in root.iter():
        opened = False  # (whether a bar of this row is open: the next one closes it)
        for child in row:
            if child.tag == bar and child.get("form") in ("prefix", "postfix") and (child.text or "").strip() != "|":
                opened = False  # (another fence: a bar within it pairs anew, `\{x | -1 < x\}`, review)
            elif child.tag == bar and (child.text or "").strip() == "|":
                opened = not opened
                after = child.getnext()
                if not opened and after is not None and after.tag == identifier and not len(after) \
                        and (after.text or "").strip() in _OPERATORS and not after.attrib:
                    after.tag = bar


def _join_decimal_commas(root: etree._Element) -> None:
    """`<mn>`, `<mi>,</mi>`, `<mn>` side by side (texmath's reading of `\\mathord{,}`
    between digits: with_decimal_commas()) as one `<mn>`."""
    number, comma = f"{{{MATHML}}}mn", f"{{{MATHML}}}mi"
    for first in list(root.iter(number)):
        if first.getparent() is None:  # (joined into the number before it)
            continue
        while True:
            middle = first.getnext()
            last = middle.getnext() if middle is not None else None
            if last is None or middle.tag != comma or (middle.text or "").strip() != "," or last.tag != number \
                    or len(first) or len(middle) or len(last):
                break
            first.text = f"{first.text or ''},{last.text or ''}"
            first.tail = last.tail
            first.getparent().remove(middle)
            first.getparent().remove(last)


def _short(tex: str) -> str:
    text = " ".join(tex.split())
    return text if len(text) <= 40 else text[:37] + "..."


# -- MathML drawn by ziamath, as a glyph

@dataclass(frozen=True)
class Drawing:
    """A formula drawn: its outlines as one TrueType glyph (the glyf table's bytes),
    in UNITS_PER_EM to the text's em, its origin on the baseline at the left of its
    box; the box's size in em. A drawing that is more than black outlines (a
    stroked box, a cancelling line, a colour) is kept as ziamath's SVG instead
    (`picture`, its viewBox in ziamath's units)."""

    glyph: bytes
    width: float  # em
    height: float
    depth: float  # below the baseline, em
    notes: tuple[str, ...] = ()  # what ziamath said it could not draw
    picture: str = ""
    lines: tuple[float, ...] = ()  # a table alone (an align): its lines' baselines, em below the formula's

    @property
    def key(self) -> str:
        return hashlib.sha256(self.glyph + self.picture.encode()
                              + f"{self.width} {self.height} {self.depth}".encode()).hexdigest()

    def bounds(self) -> tuple[int, int, int, int]:
        """xMin, yMin, xMax, yMax of the outlines, in font units (the glyph's header)."""
        return struct.unpack(">4h", self.glyph[2:10]) if self.glyph else (0, 0, 0, 0)

    def svg(self) -> str:
        """The drawing as an SVG of its box (its outlines: viewBox in font units, y down)."""
        if self.picture:
            return self.picture
        from fontTools.pens.svgPathPen import SVGPathPen
        from fontTools.ttLib.tables._g_l_y_f import Glyph

        pen = SVGPathPen(None, ntos=lambda n: f"{n:g}")
        if self.glyph:
            Glyph(self.glyph).draw(pen, None)
        top = round((self.height - self.depth) * UNITS_PER_EM)
        return (f'<svg xmlns="{SVG}" viewBox="0 {-top} {round(self.width * UNITS_PER_EM)} '
                f'{round(self.height * UNITS_PER_EM)}"><path transform="scale(1 -1)" d="{pen.getCommands()}"/></svg>')


class Undrawable(Exception):
    pass


# The tables of the print edition's font of the drawings (editions/pdf/formulas.py).
FONT_TABLES = ("head", "hhea", "maxp", "OS/2", "hmtx", "cmap", "name", "post", "glyf", "loca")
_drawn: dict[str, Drawing] = {}  # this process's drawings, by key (a watch draws each formula once)


def _key(mathml_text: str) -> str:
    return hashlib.sha256(f"{DRAWING}\n{_ziamath_version()}\n{mathml_text}".encode("utf-8")).hexdigest()


def draw(mathml_text: str, cache: Path | None = None) -> Drawing:
    """The formula drawn: from memory, from the project's cache, or by ziamath
    (then kept in both). Raises Undrawable."""
    key = _key(mathml_text)
    if key in _drawn:
        return _drawn[key]
    stored = cache / f"{key}.json" if cache is not None else None
    drawing = _read(stored) if stored is not None else None
    if drawing is None:
        drawing = _draw(mathml_text)
        if stored is not None:
            _write(stored, drawing)
    _drawn[key] = drawing
    return drawing


def draw_from_the_end(found: list[dict], cache: Path | None) -> None:
    """The formulas drawn into the cache from the last one back, skipping those
    already there: run by the e-reader part of a build while its print part draws
    them from the first (report()), which finds in the cache those drawn here, so
    that each part draws about half. What cannot be drawn is left to the print
    part, which reports it."""
    if cache is None:
        return
    for mathml in dict.fromkeys(f["mathml"] for f in reversed(found) if "mathml" in f):
        if not (cache / f"{_key(mathml)}.json").exists():
            try:
                draw(mathml, cache)
            except Undrawable:
                continue


def preload() -> None:
    """What drawing needs (ziamath and its font: 0.12 s), and what making the print
    edition's font of the drawings needs (fontTools' builder and the classes of
    its tables, which it loads when first used: 0.05 s), loaded now, while this
    process has nothing else to do."""
    from importlib import import_module

    from fontTools.ttLib import getTableClass

    from ..patches import import_ziamath

    import_ziamath()
    import_module("fontTools.fontBuilder")
    for tag in FONT_TABLES:
        getTableClass(tag)


def _draw(mathml_text: str) -> Drawing:
    from ..patches import import_ziamath, ziafont_outlines

    ziamath = import_ziamath()
    ziamath.config.svg2 = False  # glyphs as paths, not <use> of ids
    root = etree.fromstring(mathml_text)
    semantics = root.find(f"{{{MATHML}}}semantics")
    if semantics is not None:  # (ziamath draws the first child; the annotation is for readers)
        root.remove(semantics)
        root.extend(c for c in semantics if etree.QName(c).localname not in ("annotation", "annotation-xml"))
    _accents(root)
    _rows(root)
    _integrals(root)
    _double_bars(root)
    said: list[str] = []
    handler = _Collect(said)
    logger = logging.getLogger()
    logger.addHandler(handler)  # (ziamath warns on the root logger: what it leaves out is said, not printed)
    try:
        with ziafont_outlines.kept() as placed:  # (its glyphs' outlines as they are, not as SVG path text)
            # (as an element: given text, ziamath first runs its replacement of entity names
            # over it, which made the `&quot;` of an alttext (`\text{G\"odel}`) a quote
            # that ended the attribute, and the formula unreadable XML; the MathML holds
            # characters, not entity names)
            laid_out = ziamath.Math(ElementTree.fromstring(etree.tostring(root)), size=SIZE)
            svg = laid_out.svgxml()
            depth = -laid_out.getyofst()
            lines = _baselines(laid_out.node)
    except Exception as error:  # ziamath raises many kinds on what it cannot lay out
        raise Undrawable(f"{type(error).__name__}: {error}") from None
    finally:
        logger.removeHandler(handler)
    width, height = float(svg.get("width")), float(svg.get("height"))
    if height < 0 or abs(depth) > abs(height) + SIZE:  # (\hat{} of nothing: -2000 high, and a page lost)
        raise Undrawable(f"ziamath laid it out {height / SIZE:.0f} em high")
    if width / SIZE * UNITS_PER_EM > 32000:
        raise Undrawable(f"it is {width / SIZE:.0f} em wide: more than a line can hold at any size")
    if height / SIZE * UNITS_PER_EM > 32000:  # (a matrix of a hundred rows: was said to be too wide)
        raise Undrawable(f"it is {height / SIZE:.0f} em high: more than a page can hold")
    size = (round(width / SIZE, 3), round(height / SIZE, 3), round(depth / SIZE, 3))
    glyph = _glyph(svg, placed)
    if glyph == b"" and _visible(root):
        raise Undrawable("ziamath drew nothing of it")  # (never a blank where a formula is)
    if glyph is None:
        for element in placed:
            ziafont_outlines.write(element, placed)
        picture = etree.fromstring(ElementTree.tostring(svg, encoding="unicode"))
        for name in ("width", "height"):
            del picture.attrib[name]
        return Drawing(b"", *size, tuple(dict.fromkeys(said)), picture=etree.tostring(picture, encoding="unicode"),
                       lines=lines)
    return Drawing(glyph, *size, tuple(dict.fromkeys(said)), lines=lines)


def _baselines(node) -> tuple[float, ...]:
    """The baselines of the lines of a formula that is a table alone (ziamath's
    nodes: rows of one node each down to an Mtable, its cells placed row by row,
    `nodexy` their origins, y down), in em below the formula's baseline."""
    below = 0.0
    while type(node).__name__ != "Mtable":
        placed = [(kid, xy) for kid, xy in zip(node.nodes, node.nodexy) if kid.bbox.ymin <= kid.bbox.ymax]
        if type(node).__name__ != "Mrow" or len(placed) != 1:
            return ()
        node, below = placed[0][0], below + placed[0][1][1]
    baselines, at = [], 0
    for row in node.element:
        if len(row) == 0 or at >= len(node.nodexy):
            return ()
        baselines.append(round((below + node.nodexy[at][1]) / SIZE, 3))
        at += len(row)
    return tuple(baselines)


def _glyph(svg: ElementTree.Element, placed: dict[ElementTree.Element, tuple]) -> bytes | None:
    """ziamath's drawing (as ElementTree: glyphs `placed` as outlines, paths of
    quadratic curves and lines, rectangles: a fraction's bar) as one TrueType
    glyph, origin at the baseline, left of the box; None if it has more than
    black shapes to fill."""
    left = float(svg.get("viewBox").split()[0])
    scale = UNITS_PER_EM / SIZE
    contours = _Contours()
    shift = -left * scale  # (SVG's y runs down; the baseline is 0)
    for element in svg.iter():
        kind = element.tag
        if kind in ("svg", "title", "g") and not set(element.attrib) - _FRAME \
                and element.get("fill", "black") == "black":
            continue
        if kind not in ("path", "rect") or set(element.attrib) - {"d", "x", "y", "width", "height", "fill"} \
                or element.get("fill", "black") != "black":
            return None  # (a stroke, an ellipse, a marker, a transform, a colour)
        try:
            if element in placed:
                _placed(*placed[element], contours, scale, shift)
            elif kind == "path":
                _outline(element.get("d"), contours, scale, shift)
            else:
                x, y, w, h = (float(element.get(a, 0)) for a in ("x", "y", "width", "height"))
                corners = [(cx * scale + shift, cy * -scale)
                           for cx, cy in ((x, y), (x, y + h), (x + w, y + h), (x + w, y))]
                contours.moveTo(corners[0])
                for corner in corners[1:]:
                    contours.lineTo(corner)
                contours.closePath()
        except _NotAGlyph:
            return None
    try:
        return contours.glyph()
    except _NotAGlyph:
        return None


# (ziamath's <svg> has its namespaces as attributes)
_FRAME = {"fill", "viewBox", "width", "height", "xmlns", "xmlns:xlink"}


def _placed(glyph, x0: float, y0: float, scale_factor: float, pen: _Contours, scale: float, shift: float) -> None:
    """A glyph that ziafont placed at (x0, y0) in the drawing, scaled, drawn on the
    pen from its outline (ziafont's operators, in font units, y up), as the path
    text ziafont writes for it would be: a contour closed before the next starts
    and after the last."""
    from ziafont.svgpath import Lineto, Moveto, Quad

    factor = glyph.funits_to_points(1, scale_factor) * scale
    dx, dy = x0 * scale + shift, -y0 * scale
    started = False
    for operator in glyph.operators:
        kind = type(operator)
        if kind is Quad:
            pen.qCurveTo((operator.p1.x * factor + dx, operator.p1.y * factor + dy),
                         (operator.p2.x * factor + dx, operator.p2.y * factor + dy))
        elif kind is Lineto:
            pen.lineTo((operator.p.x * factor + dx, operator.p.y * factor + dy))
        elif kind is Moveto:
            if started:
                pen.closePath()
            pen.moveTo((operator.p.x * factor + dx, operator.p.y * factor + dy))
            started = True
        else:  # (a cubic curve: a font of PostScript outlines)
            raise _NotAGlyph
    pen.closePath()


def _outline(data: str, pen: _Contours, scale: float, shift: float) -> None:
    """An SVG path drawn on the pen, scaled and shifted, by fontTools' parser of SVG
    paths: the few paths that come as text (ziamath's stretched delimiters, built
    from parts, write their own; placed glyphs come as outlines, _placed())."""
    from fontTools.pens.transformPen import TransformPen
    from fontTools.svgLib.path import parse_path

    parse_path(data, TransformPen(pen, (scale, 0, 0, -scale, shift, 0)))


class _NotAGlyph(Exception):
    """Outlines one TrueType glyph cannot hold: a cubic curve, a component, more
    points than 16 bits count, coordinates past 16 bits."""


class _Contours:
    """A pen (fontTools' protocol: what its SVG path parser draws on) that keeps
    closed contours of points on and off the curve, and writes them as a TrueType
    simple glyph's bytes, as fontTools' TTGlyphPen and Glyph.compile() would give
    the same outlines (points rounded half up, a contour's last point dropped
    where it repeats its first, one-point contours dropped), without building
    their objects: a third of a formula's drawing time went there."""

    def __init__(self) -> None:
        self.points: list[tuple[float, float]] = []
        self.on: list[int] = []
        self.ends: list[int] = []

    def moveTo(self, point) -> None:
        if len(self.points) > (self.ends[-1] + 1 if self.ends else 0):
            self.closePath()  # (an open path: TrueType's contours are all closed)
        self.points.append(tuple(point))
        self.on.append(1)

    def lineTo(self, point) -> None:
        self.points.append(tuple(point))
        self.on.append(1)

    def qCurveTo(self, *points) -> None:
        for point in points[:-1]:
            self.points.append(tuple(point))
            self.on.append(0)
        if points[-1] is not None:  # (None: a contour of points off the curve only)
            self.points.append(tuple(points[-1]))
            self.on.append(1)

    def curveTo(self, *points) -> None:
        raise _NotAGlyph

    def closePath(self) -> None:
        start = self.ends[-1] + 1 if self.ends else 0
        last = len(self.points) - 1
        if last <= start:  # (one point, or none: no contour)
            del self.points[start:], self.on[start:]
            return
        if self.points[start] == self.points[last]:
            self.points.pop()
            self.on.pop()
            last -= 1
        self.ends.append(last)

    endPath = closePath

    def addComponent(self, name, transformation) -> None:
        raise _NotAGlyph

    def glyph(self) -> bytes:
        """The glyph's bytes (the glyf table's entry): header, contours' ends, no
        instructions, flags (runs repeated), x then y as deltas, each in a byte
        where it fits."""
        if len(self.points) > (self.ends[-1] + 1 if self.ends else 0):
            self.closePath()
        if not self.ends:
            return b""
        xs = [math.floor(x + 0.5) for x, _ in self.points]
        ys = [math.floor(y + 0.5) for _, y in self.points]
        if len(xs) > 0xFFFF or min(xs + ys) < -0x8000 or max(xs + ys) > 0x7FFF:
            raise _NotAGlyph  # (its contours' ends are counted, its bounds written, in 16 bits)
        flags, x_bytes, y_bytes = bytearray(), bytearray(), bytearray()
        last_flag, repeats, previous_x, previous_y = -1, 0, 0, 0
        for x, y, on in zip(xs, ys, self.on):
            flag = on
            flag |= _delta(x - previous_x, x_bytes, 0x02, 0x10)
            flag |= _delta(y - previous_y, y_bytes, 0x04, 0x20)
            previous_x, previous_y = x, y
            if flag == last_flag and repeats < 255:
                if repeats == 0:
                    flags[-1] |= 0x08
                    flags.append(1)
                else:
                    flags[-1] += 1
                repeats += 1
            else:
                flags.append(flag)
                last_flag, repeats = flag, 0
        if len(self.ends) > 1:  # (its contours may overlap: a stretched brace's parts do, 53 units of 512)
            flags[0] |= _OVERLAP_SIMPLE
        return (struct.pack(f">5h{len(self.ends)}HH", len(self.ends), min(xs), min(ys), max(xs), max(ys),
                            *self.ends, 0) + bytes(flags) + bytes(x_bytes) + bytes(y_bytes))


# TrueType's flag (glyf, bit 6 of the first point's) that a glyph's contours may overlap:
# FreeType (poppler, Evince, Okular, pdftoppm) then renders it oversampled; without it,
# where two contours overlap its anti-aliasing leaves a light seam, and a stretched
# \underbrace, built of overlapping parts, looked dashed on screen
_OVERLAP_SIMPLE = 0x40


def _delta(delta: int, out: bytearray, short: int, same_or_positive: int) -> int:
    """One coordinate's delta written to `out`: its flag bits."""
    if delta == 0:
        return same_or_positive
    if -255 <= delta <= 255:
        out.append(abs(delta))
        return short | (same_or_positive if delta > 0 else 0)
    if not -0x8000 <= delta <= 0x7FFF:
        raise _NotAGlyph
    out += struct.pack(">h", delta)
    return 0


# An accent over one letter (\hat{k}) as LaTeX sets it: Pandoc writes the combining
# character, which ziamath stretches over the letter as over a word (\widehat{ab}).
_SPACING_ACCENTS = {"\u0300": "\u0060", "\u0301": "\u00b4", "\u0302": "\u02c6", "\u0303": "\u02dc",
                    "\u0304": "\u00af", "\u203e": "\u00af", "\u0306": "\u02d8", "\u0307": "\u02d9",
                    "\u0308": "\u00a8", "\u030c": "\u02c7"}


def _rows(root: etree._Element) -> None:
    """A table's empty rows at its end left out: LaTeX's `\\\\` after the last line of
    a matrix, `aligned` or `cases` starts no row, but texmath makes one; an empty
    row within given a strut. ziamath draws nothing of a table with an empty row."""
    for table in root.iter(f"{{{MATHML}}}mtable"):
        rows = [row for row in table if etree.QName(row).localname in ("mtr", "mlabeledtr")]
        while len(rows) > 1 and _empty(rows[-1]):
            table.remove(rows.pop())
        for row in rows:  # (a blank line within: kept as LaTeX keeps it, a strut's height)
            if _empty(row) and len(row):
                etree.SubElement(row[0], f"{{{MATHML}}}mspace", height="0.7em", depth="0.3em")


def _visible(root: etree._Element) -> bool:
    """Whether a formula has text to show (not only a \\phantom's, which takes room unseen)."""
    phantom = f"{{{MATHML}}}mphantom"
    return any((e.text or "").strip() and e.tag != phantom and not any(a.tag == phantom for a in e.iterancestors())
               for e in root.iter())


def _empty(row: etree._Element) -> bool:
    return all(len(cell) == 0 and not (cell.text or "").strip() for cell in row)


INTEGRALS = frozenset("∫∬∭∮∯∰∱∲∳⨌")
# The other large operators ziamath's table of operators (MathML 2's) calls stretchy,
# as LaTeX sets them: at their own size, never a fence's
SUMS = frozenset("∑∏∐⋃⋂⋀⋁⊎")
_NOT_STRETCHED = INTEGRALS | SUMS


def _integrals(root: etree._Element) -> None:
    """An integral sign, a sum, a product, a union is no stretchy fence: ziamath
    stretched an integral to its row's height, limits included, so that an inline
    `\\int_\\Omega f` was two lines tall (LaTeX sets it at the text's size inline,
    at its display size in a display); and a fence around a stretchy operator is
    sized without it and what hangs on it, so that `\\left(\\sum_{i=1}^N x_i\\right)`
    had parentheses as high as x_i, its limits outside them (an econometrics course)."""
    for operator in root.iter(f"{{{MATHML}}}mo"):
        if (operator.text or "").strip() in _NOT_STRETCHED and "stretchy" not in operator.attrib:
            operator.set("stretchy", "false")


def _double_bars(root: etree._Element) -> None:
    """A norm's double bar (`\\lVert`, `\\rVert`, `\\|`: texmath writes U+2225 as a
    fence, form prefix or postfix) set close, as LaTeX sets it: ziamath's table
    has U+2225 only as the relation "parallel to", spaced a thick space each side,
    so that `\\left\\lVert X \\right\\rVert^2` (an econometrics lecture) was
    "‖ X ‖ ²" (`\\parallel`, infix, keeps its spaces)."""
    for operator in root.iter(f"{{{MATHML}}}mo"):
        if (operator.text or "").strip() == "\u2225" and operator.get("form") in ("prefix", "postfix"):
            for side in ("lspace", "rspace"):
                if side not in operator.attrib:
                    operator.set(side, "0em")


def _accents(root: etree._Element) -> None:
    for over in root.iter(f"{{{MATHML}}}mover"):
        if len(over) != 2:
            continue
        base, accent = over
        if etree.QName(base).localname in ("mi", "mn") and len((base.text or "").strip()) == 1 \
                and etree.QName(accent).localname == "mo" and accent.text in _SPACING_ACCENTS:
            accent.text = _SPACING_ACCENTS[accent.text]


class _Collect(logging.Handler):
    def __init__(self, said: list[str]):
        super().__init__(logging.WARNING)
        self.said = said

    def emit(self, record: logging.LogRecord) -> None:
        self.said.append(record.getMessage())


@functools.cache
def _ziamath_version() -> str:
    """(Read from its installed metadata once a process: every drawing's key has it.)"""
    from importlib.metadata import version

    return version("ziamath")


def _read(path: Path) -> Drawing | None:
    data = _load(path)
    try:
        return Drawing(base64.b64decode(data["glyph"]), data["width"], data["height"], data["depth"],
                       tuple(data.get("notes", ())), data.get("picture", ""), tuple(data.get("lines", ())))
    except (ValueError, KeyError, TypeError):
        return None  # (not there, or unreadable: drawn again)


def _write(path: Path, drawing: Drawing) -> None:
    _store(path, {"glyph": base64.b64encode(drawing.glyph).decode("ascii"), "width": drawing.width,
                  "height": drawing.height, "depth": drawing.depth, "notes": list(drawing.notes),
                  "picture": drawing.picture, "lines": list(drawing.lines)})


def _load(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _store(path: Path, data: object) -> None:
    """Kept for the next build, written whole or not at all; a cache that cannot
    be written is no loss (the work is done again)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp",
                                         encoding="utf-8") as out:
            json.dump(data, out, ensure_ascii=False)
        os.replace(out.name, path)
    except OSError:
        pass


# -- what the editions show

def tex_box(tex: str) -> str:
    """A formula that cannot be shown otherwise: its TeX, as written."""
    return f'<code class="math-tex">{html.escape(tex, quote=False)}</code>'


def table_rows(mathml: str) -> int | None:
    """How many lines the formula's table has (an `align`'s), when the formula is
    that table alone; None for another formula."""
    table = _table(etree.fromstring(mathml)) if mathml else None
    return None if table is None else len(_lines(table))


def numbered_lines(mathml: str, numbers: list) -> str:
    """The formula (a table alone: table_rows()) with a column more, each line's
    number at its right, "(2)", the text of the id its label refers to (the
    e-reader edition's: its reading system lays the lines out)."""
    root = etree.fromstring(mathml)
    for line, number in zip(_lines(_table(root)), numbers):
        cell = etree.SubElement(line, f"{{{MATHML}}}mtd", columnalign="right",
                                style="text-align: right; padding-left: 2em")
        if number is not None:
            etree.SubElement(cell, f"{{{MATHML}}}mtext", {"class": "line-number", **(
                {"id": number[1]} if number[1] else {})}).text = f"({number[0]})"
    return etree.tostring(root, encoding="unicode")


def _table(root: etree._Element) -> etree._Element | None:
    node = root
    while True:
        kids = [kid for kid in node if etree.QName(kid).localname not in ("annotation", "annotation-xml")]
        if len(kids) != 1:
            return None
        node = kids[0]
        if etree.QName(node).localname == "mtable":
            return node
        if etree.QName(node).localname not in ("semantics", "mrow", "mstyle"):
            return None


def _lines(table: etree._Element) -> list[etree._Element]:
    """A table's lines, without the empty ones at its end (_rows())."""
    lines = [row for row in table if etree.QName(row).localname in ("mtr", "mlabeledtr")]
    while len(lines) > 1 and _empty(lines[-1]):
        lines.pop()
    return lines


def cache_folder(root: Path) -> Path:
    return root / CACHE
