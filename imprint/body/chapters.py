"""What the writers get of an article's body: chapters, notes, figures' files and
the reference list, each rendered in the dialects of the editions built.

Two dialects of one body: XHTML for the e-reader edition (`EPUB`: a note's
call links to the note, which its chapter lists at its end) and HTML for print
(`PRINT`: a note's text sits at its call, so that WeasyPrint floats it to the
foot of the page). A body is rendered only in the dialects of the editions
built; asking for another one is a fault of Imprint, said loudly.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markupsafe import Markup

from ..errors import InternalError
from ..source.images import Image

EPUB, PRINT = "epub", "print"
# Where the reference list stands in the body: a block of Imprint's own, rendered as
# nothing (the templates place the list), put where Pandoc's `::: {#refs}` was.
REFERENCES = "ImprintReferences"


def rendered(markup: Markup | None, dialect: str) -> Markup:
    if markup is None:
        raise InternalError(f"the text was not rendered for the {dialect} edition: prepare() was not asked for it")
    return markup


class InDialects:
    """Text rendered as XHTML for the e-reader edition (`epub`) and as HTML for
    print (`print`); a dataclass that has it gives the epub_html and print_html
    fields (None: not rendered)."""

    epub_html: Markup | None
    print_html: Markup | None

    @property
    def epub(self) -> Markup:
        return rendered(self.epub_html, EPUB)

    @property
    def print(self) -> Markup:
        return rendered(self.print_html, PRINT)


@dataclass(frozen=True)
class Heading:
    level: int  # 1 for the body's top level, whatever '#' count the author used
    id: str
    text: str
    number: str  # "2.1"; "" for an unnumbered heading
    listed: bool = True  # in the EPUB's contents and the PDF's outline (not for {.unlisted})


@dataclass(frozen=True)
class Note(InDialects):
    number: int
    id: str  # "fn-3"
    ref_id: str  # id of its first call: "fnref-3"
    line: int | None  # where it is written (or cited) in the source, for messages
    epub_html: Markup | None  # block XHTML
    print_html: Markup | None  # inline HTML that can sit inside a paragraph
    citation: bool = False  # made by a note style from a citation, not written by the author


@dataclass(frozen=True)
class Chapter(InDialects):
    """A part of the body that starts at a top-level heading (or the text before the first)."""

    index: int
    heading: Heading | None
    headings: tuple[Heading, ...]  # every heading in it, the first one included
    epub_html: Markup | None
    print_html: Markup | None
    notes: tuple[Note, ...]  # the notes first called in this chapter


@dataclass(frozen=True)
class Asset:
    image: Image
    name: str  # path inside the EPUB: images/map.png


@dataclass(frozen=True)
class Entry:
    """One work in the reference list, as the CSL style formats it."""

    key: str
    id: str  # "ref-smith2015", in both editions
    html: Markup
    lang: str | None = None  # the work's language, where its record gives one other than the article's


@dataclass(frozen=True)
class Body:
    chapters: tuple[Chapter, ...]
    notes: tuple[Note, ...]
    assets: tuple[Asset, ...] = ()
    references: tuple[Entry, ...] = ()
    references_position: int = 0  # how many chapters come before the reference list
    references_heading: Heading | None = None  # the author's own heading over the list
    hanging_indent: bool = False
    # CSL's entry-spacing and line-spacing, where the style gives them ("0", "2": in lines)
    entry_spacing: str | None = None
    line_spacing: str | None = None

    @property
    def print(self) -> Markup:
        return Markup("").join(c.print for c in self.chapters)


def plain_text(markup: str) -> str:
    """The text of an HTML fragment, for metadata: tags dropped, entities decoded, a
    formula as its text form (formulas.py), or its TeX; a superscript or subscript
    in Unicode's where it has them all (10³, H₂O), else marked as Pandoc's plain
    writer marks it, ^(...) or _(...): never "103"."""
    markup = _FORMULA.sub(lambda m: (_TEXT_FORM.search(m.group()) or m).group(1), str(markup))
    markup = _SCRIPT.sub(_scripted, markup)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", markup)).split())


_SCRIPT = re.compile(r"<(sup|sub)>([^<>]*)</\1>")
_SUPERSCRIPTS = dict(zip("0123456789+-=()ni\u2212", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ⁻"))
_SUBSCRIPTS = dict(zip("0123456789+-=()aehijklmnoprstuvx\u2212", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓ₋"))


def _scripted(match: re.Match) -> str:
    kind, text = match.groups()
    table, mark = (_SUPERSCRIPTS, "^") if kind == "sup" else (_SUBSCRIPTS, "_")
    plain = html.unescape(text)
    if plain and all(char in table for char in plain):
        return "".join(table[char] for char in plain)
    return f"{mark}({text})" if text.strip() else text


_FORMULA = re.compile(r'<math\b[^>]*?\balttext="([^"]*)"[^>]*>.*?</math>', re.S)
_TEXT_FORM = re.compile(r'<annotation encoding="text/plain">([^<]*)</annotation>')
