"""WeasyPrint 70.0: a formula's text form as the ActualText of the glyph that draws it
(and small capitals' own text as theirs: imprint.editions.pdf.tags.actual_text).

Version: weasyprint 70.0 exactly (VERSION; check_versions() refuses another).

What goes wrong: a formula is printed as one glyph of the document's formula
font (imprint/editions/pdf/formulas.py), a character of Unicode's Private Use
Area that means nothing to a reader of the PDF: copied, searched or extracted
(pdftotext), the formula is nothing, or a box. PDF gives the text such content
stands for as /ActualText in the properties of its marked content (ISO 32000-1,
14.9.4); WeasyPrint 70.0 writes only the /MCID there (weasyprint.pdf.stream.
Stream.marked), and a structure element's /ActualText (which the tagging patch
sets, weasyprint_tags.py) is not read by text extraction. Measured (2026-12-05,
this version, poppler 22.02): pdftotext gives the formulas of the 250-formula
benchmark article as nothing ("source  state" where the text reads "source
$x_8$ state"), and those of the test below as their Private Use Area characters
(U+E000); with the patch, as their text forms ("source x₈ state").

The patch wraps WeasyPrint's marked content of a formula's text in a marked
content of its own, a /Span whose properties hold the text form
(imprint.editions.pdf.tags.actual_text decides which boxes and what text).

Test that fails without it: tests/test_patches.py::test_a_formula_copies_as_its_text
(and ::test_small_capitals_copy_as_their_text).

Upstream: to be filed; docs/upstream.md#weasyprint-actual-text.
"""

from __future__ import annotations

from contextlib import contextmanager

from . import rewrite

DISTRIBUTION = "weasyprint"
VERSION = "70.0"
UPSTREAM = "docs/upstream.md#weasyprint-actual-text"


@contextmanager
def marked(self, box, tag):
    import pydyf

    from ..editions.pdf.tags import actual_text

    with rewrite.original(marked)(self, box, tag):
        text = actual_text(box) if self._tags is not None else None
        if text is None:
            yield
            return
        pydyf.Stream.begin_marked_content(self, "Span", pydyf.Dictionary({"ActualText": pydyf.String(text)}))
        try:
            yield
        finally:
            pydyf.Stream.end_marked_content(self)


_METHOD = rewrite.Method("weasyprint.pdf.stream", "Stream", "marked", marked)
apply, applied, original = _METHOD.apply, _METHOD.applied, _METHOD.original
