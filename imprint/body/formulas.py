"""Mathematics: Pandoc's MathML in every edition, drawn for print.

Pandoc reads `$...$` and `$$...$$` as formulas of TeX. One Pandoc run (texmath)
converts an article's formulas to MathML, each distinct one once (convert()); the
MathML keeps the TeX (`alttext`, and Pandoc's annotation) for readers and screen
readers without MathML. The e-reader edition and the site show the MathML.

WeasyPrint draws no MathML. In the print HTML, each <math> is replaced by an SVG
that ziamath draws from the same MathML with STIX Two Math, the glyphs as
outlines (for_print()): sized in em, so that it takes the size of the text around
it, and set on its baseline; its TeX is its <title>, which the tagged PDF gives
the Formula as /Alt (writers/pdf_tags.py). A drawing depends only on the MathML
and the drawing code: it is kept in the project's cache (.imprint-cache/formulas/),
so that a formula is drawn once, across builds and articles.

A formula Pandoc cannot read, or ziamath cannot draw, is shown as its TeX in a
monospace box (class `math-tex`), with a warning at its line.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..errors import Problem
from . import pandoc
from .ast import Node, annotate, note

MATHML = "http://www.w3.org/1998/Math/MathML"
SVG = "http://www.w3.org/2000/svg"
SIZE = 10.0  # ziamath draws at this size; the drawing is then sized in em (SIZE units = 1 em)
DRAWING = "2"  # the drawing code's version: a new one draws every formula again
HERE = Path(__file__).parent
CACHE = Path(".imprint-cache") / "formulas"  # under the project's root
TOO_WIDE = 34.0  # em: a display formula wider than this overflows the text block of A5 (and is shrunk to fit)
_MATH = re.compile(r"<math\b[^>]*>.*?</math>", re.S)


# -- TeX to MathML (Pandoc)

def convert(formulas: list[Node], file: str, deadline: float) -> None:
    """Each formula (a Math node) annotated with its MathML and its text form, in
    one Pandoc run for all; one Pandoc cannot read is annotated `unreadable` (with
    Pandoc's reason), and shown as TeX. Raises PandocFailed."""
    distinct = list(dict.fromkeys((n["c"][0]["t"], n["c"][1]) for n in formulas))
    if not distinct:
        return
    blocks = [{"t": "Div", "c": [[f"imprint-math-{index}", [], []], [
        {"t": "Plain", "c": [{"t": "Math", "c": [{"t": kind}, tex]}]}]]} for index, (kind, tex) in enumerate(distinct)]
    document = {"pandoc-api-version": [1, 23, 1, 1], "meta": {}, "blocks": blocks}
    output, messages = pandoc.run(["-f", "json", "-t", "html", "--mathml", "--wrap=none",
                                   "--lua-filter=formulas.lua"],
                                  json.dumps(document).encode("utf-8"), what="the formulas", file=file,
                                  deadline=deadline, files={"formulas.lua": (HERE / "formulas.lua").read_bytes()})
    reasons: dict[str, str] = {}  # (the plain writer says it too, without a reason)
    for m in messages:
        if m.type == "CouldNotConvertTeXMath" and m.fields.get("message"):
            reasons.setdefault(str(m.fields.get("contents")), str(m.fields["message"]))
    converted: dict[tuple[str, str], dict[str, str]] = {}
    pieces = re.split(r'<div id="imprint-math-(\d+)"\s+data-text="([^"]*)">', output.decode("utf-8"))
    for index, text, piece in zip(pieces[1::3], pieces[2::3], pieces[3::3]):
        found = _MATH.search(piece)
        if found:
            kind, tex = distinct[int(index)]
            text = " ".join(html.unescape(text).split())  # (Pandoc spaces operators with U+2005)
            converted[(kind, tex)] = {"mathml": _with_alttext(found.group(), tex, text), "text": text}
    for node in formulas:
        kind, tex = node["c"][0]["t"], node["c"][1]
        if (kind, tex) in converted:
            annotate(node, **converted[(kind, tex)])
        else:
            reason = reasons.get(tex, "").strip().split("\n")[-1].strip()
            # (texmath's parser lists what it expected, dozens of tokens: not said)
            annotate(node, unreadable="" if reason.startswith("expecting") else reason)


def report(formulas: list[tuple[Node, int | None]], file: str, cache: Path | None, drawn: bool) -> list[Problem]:
    """A warning at its line for each formula that could not be read; if `drawn`
    (the print edition is made), each is drawn now, so that one that cannot be
    drawn, or is too wide, is said too (the print HTML then finds the drawings)."""
    problems = []
    for node, line in formulas:
        found, tex = note(node), _short(node["c"][1])
        if "unreadable" in found:
            problems.append(Problem(file, f"the formula ${tex}$ cannot be read as TeX"
                                    + (f" ({found['unreadable']})" if found["unreadable"] else "")
                                    + "; it is shown as written", line=line,
                                    hint="check its commands and braces: Pandoc reads LaTeX's math (with amsmath), "
                                         "not macros defined elsewhere"))
            continue
        if not drawn or "mathml" not in found:
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
                                    "text: it is printed smaller to fit", line=line,
                                    hint="break it over lines (\\begin{aligned} ... \\end{aligned})"))
    return problems


def _with_alttext(found: str, tex: str, text: str) -> str:
    """Pandoc's <math> as XML, with its TeX as `alttext` (EPUB 3 accessibility) and
    its text form as an annotation (document.plain_text() reads it)."""
    element = etree.fromstring(found)
    element.set("alttext", " ".join(tex.split()))
    semantics = element.find(f"{{{MATHML}}}semantics")
    if semantics is not None:
        etree.SubElement(semantics, f"{{{MATHML}}}annotation", encoding="text/plain").text = text
    return etree.tostring(element, encoding="unicode")


def _short(tex: str) -> str:
    text = " ".join(tex.split())
    return text if len(text) <= 40 else text[:37] + "..."


# -- MathML drawn as SVG (ziamath)

@dataclass(frozen=True)
class Drawing:
    svg: str  # <svg> with its viewBox, to be sized in em
    width: float  # em
    height: float
    depth: float  # below the baseline, em
    notes: tuple[str, ...] = ()  # what ziamath said it could not draw


class Undrawable(Exception):
    pass


_drawn: dict[str, Drawing] = {}  # this process's drawings, by key (a watch draws each formula once)


def draw(mathml_text: str, cache: Path | None = None) -> Drawing:
    """The formula drawn: from memory, from the project's cache, or by ziamath
    (then kept in both). Raises Undrawable."""
    key = hashlib.sha256(f"{DRAWING}\n{_ziamath_version()}\n{mathml_text}".encode("utf-8")).hexdigest()
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


def _draw(mathml_text: str) -> Drawing:
    import ziamath

    ziamath.config.svg2 = False  # glyphs as paths, not <use> of ids (many formulas share one page)
    root = etree.fromstring(mathml_text)
    semantics = root.find(f"{{{MATHML}}}semantics")
    if semantics is not None:  # (ziamath draws the first child; the annotation is for readers)
        root.remove(semantics)
        root.extend(c for c in semantics if etree.QName(c).localname not in ("annotation", "annotation-xml"))
    _accents(root)
    said: list[str] = []
    handler = _Collect(said)
    logger = logging.getLogger()
    logger.addHandler(handler)  # (ziamath warns on the root logger: what it leaves out is said, not printed)
    try:
        math = ziamath.Math(etree.tostring(root, encoding="unicode"), size=SIZE)
        svg = etree.fromstring(math.svg())
        depth = -math.getyofst()
    except Exception as error:  # ziamath raises many kinds on what it cannot lay out
        raise Undrawable(f"{type(error).__name__}: {error}") from None
    finally:
        logger.removeHandler(handler)
    width, height = float(svg.get("width")), float(svg.get("height"))
    for name in ("width", "height"):
        del svg.attrib[name]
    _one_path(svg)
    return Drawing(etree.tostring(svg, encoding="unicode"), round(width / SIZE, 3), round(height / SIZE, 3),
                   round(depth / SIZE, 3), tuple(dict.fromkeys(said)))


def _one_path(svg: etree._Element) -> None:
    """The glyphs' outlines (one <path> each, all black) as one path: WeasyPrint
    draws an SVG node by node, and a formula's glyphs as one node take a quarter
    less time (measured: 250 formulas, 2.0 s against 1.5 s)."""
    paths = [p for p in svg if etree.QName(p).localname == "path" and set(p.attrib) <= {"d", "fill"}
             and p.get("fill", "black") == "black"]
    if len(paths) < 2:
        return
    paths[0].set("d", " ".join(p.get("d").strip() for p in paths))
    for extra in paths[1:]:
        svg.remove(extra)


# An accent over one letter (\hat{k}) as LaTeX sets it: Pandoc writes the combining
# character, which ziamath stretches over the letter as over a word (\widehat{ab}).
_SPACING_ACCENTS = {"\u0300": "\u0060", "\u0301": "\u00b4", "\u0302": "\u02c6", "\u0303": "\u02dc",
                    "\u0304": "\u00af", "\u203e": "\u00af", "\u0306": "\u02d8", "\u0307": "\u02d9",
                    "\u0308": "\u00a8", "\u030c": "\u02c7"}


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
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Drawing(data["svg"], data["width"], data["height"], data["depth"], tuple(data.get("notes", ())))
    except (OSError, ValueError, KeyError, TypeError):
        return None  # (not there, or unreadable: drawn again)


def _write(path: Path, drawing: Drawing) -> None:
    """Kept for the next build; a cache that cannot be written is no loss (drawn again)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {"svg": drawing.svg, "width": drawing.width, "height": drawing.height, "depth": drawing.depth,
                "notes": list(drawing.notes)}
        with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, suffix=".tmp",
                                         encoding="utf-8") as out:
            json.dump(data, out)
        os.replace(out.name, path)
    except OSError:
        pass


# -- the print HTML

def for_print(markup: str, cache: Path | None) -> str:
    """Every <math> of the print HTML replaced by its drawing (its TeX, in a box,
    where it cannot be drawn)."""
    return _MATH.sub(lambda m: _printed(m.group(), cache), markup) if "<math" in markup else markup


def _printed(mathml_text: str, cache: Path | None) -> str:
    display = re.search(r'\bdisplay="block"', mathml_text.split(">", 1)[0]) is not None
    tex = html.unescape(re.search(r'\balttext="([^"]*)"', mathml_text).group(1)) \
        if 'alttext="' in mathml_text else ""
    try:
        drawing = draw(mathml_text, cache)
    except Undrawable:
        return tex_box(tex)
    shape = "display" if display else "inline"
    style = f"width:{drawing.width}em;height:{drawing.height}em;vertical-align:{-drawing.depth}em"
    if display:
        style += ";max-width:100%"
    title = f"<title>{html.escape(tex, quote=False)}</title>"
    opening = drawing.svg.split(">", 1)
    return f'{opening[0]} class="formula {shape}" role="math" style="{style}">{title}{opening[1]}'


def tex_box(tex: str) -> str:
    """A formula that cannot be shown otherwise: its TeX, as written."""
    return f'<code class="math-tex">{html.escape(tex, quote=False)}</code>'


def cache_folder(root: Path) -> Path:
    return root / CACHE
