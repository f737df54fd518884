"""A print edition as WeasyPrint's part of it needs it: plain data (the HTML, what
may be fetched, the XMP fields, the attachments' bytes, the notes by their ids),
which typeset.py hands to WeasyPrint. Nothing here loads WeasyPrint.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...errors import Problem


# The characters every machine's fonts have (DejaVu: Latin, Greek, Cyrillic, the
# common symbols; the Private Use Area: the formulas' glyphs), as a regular
# expression's class: only text with others is looked at glyph by glyph.
COMMON = "\u0000-\u052f\u2000-\u22ff\ue000-\uf8ff"


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes
    media_type: str
    description: str
    when: str  # ISO 8601


@dataclass(frozen=True)
class Job:
    html: str
    base_url: str
    roots: tuple[str, ...]  # what may be read (fetch.make_url_fetcher)
    file: str  # the article's, for messages
    variant: str  # WeasyPrint's pdf_variant
    xmp: bytes  # more rdf:Description for the XMP packet
    first_page: int = 1  # page labels start there
    notes: dict[str, tuple[int | None, int]] = field(default_factory=dict)  # id -> (line, number)
    # What the links of a note's call and of its number back say they are (their
    # annotations' /Contents): "Note {n}", "Back to the text", in the article's language.
    note_words: tuple[str, str] = ("", "")
    attachments: tuple[Attachment, ...] = ()
    expect_pages: int | None = None  # an issue's article: its pages in the issue
    slug: str = ""
    write: bool = True  # False: lay out only (how many pages?)
    # What the running heads say, and the field each comes from with its line:
    # a head cut to fit its margin box is reported against that field.
    running_heads: tuple[tuple[str, str, int | None], ...] = ()
    crop_marks: bool = False  # drawn by the finisher (marks.py); the HTML asks for the bleed
    # The HTML's formulas (MathML) are drawn as it is typeset, from the project's
    # cache of drawings in this folder (formulas.for_print): the part of a build
    # that typesets draws them itself, while the part that read the text hands it over.
    formula_cache: str | None = None
    # Which edition, on which paper, for messages ("the print edition on A5, for its booklet").
    edition: str = "the print edition"
    # The line of the article where each character not COMMON is first written: one no
    # font has is told there (QA 26 F14).
    written: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class Result:
    pdf: bytes | None
    pages: int
    problems: tuple[Problem, ...] = ()
    style_problem: bool = False  # the problems are the stylesheets', not the source's
