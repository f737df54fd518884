"""WeasyPrint 70.0: a link is one annotation a line, not one for every inline box inside it.

Version: weasyprint 70.0 exactly (VERSION; check_versions() refuses another).

What goes wrong: `gather_anchors` (anchors.py) gives every box inside a link that
is not text its own link annotation, over the area the link's own box already
covers: `<a href=...>text<span class="link-address">(address)</span></a>`, a
link's address on paper (imprint/body/addresses.py), made five annotations a
line (the link, the span, its ::before and ::after, the address's
`<span class="url">`), an autolink two. Each is an object of the PDF, an entry of the structure's parent tree and a
place a screen reader announces as a link. The patch leaves out the annotation
of an inline box (a span, a pseudo-element) whose link is only its ancestor's:
the ancestor's inline box holds it on its line. An image or a block in a link
(it may reach past the line's box) keeps its own, as does every box of a link
wrapped over lines (each line's part is a box of the link itself).

Measured (2026-12-07, this version): the links test article (tests/cases/links, as
it was that day), 69 link annotations without the patch, 28 with it; the same text
(pdftotext) and structure tree but for the annotations' object references, and no
problem in it (tests/pdfread.py's structure_problems).

Test that fails without it: tests/test_patches.py::test_a_link_is_one_annotation_a_line
(a link with its address after its text, wrapped over lines: one annotation a
line, more than four without the patch).

Upstream: to be filed; docs/upstream.md#weasyprint-an-annotation-for-each-box-in-a-link.
"""

from __future__ import annotations

from . import rewrite

DISTRIBUTION = "weasyprint"
VERSION = "70.0"
UPSTREAM = "docs/upstream.md#weasyprint-an-annotation-for-each-box-in-a-link"

LINES = """    has_link = link and not isinstance(box, (boxes.TextBox, boxes.LineBox))"""
REPLACEMENT = """    has_link = link and not isinstance(box, (boxes.TextBox, boxes.LineBox))
    if has_link and box.link is None and isinstance(box, boxes.InlineBox):  # Imprint: weasyprint_link_boxes.py
        has_link = False  # (inside its link's own inline box: that one's annotation covers it)"""

_EDIT = rewrite.Edit("weasyprint.anchors", "gather_anchors", ("weasyprint.anchors", "weasyprint.document"), LINES,
                     REPLACEMENT, __name__)
apply, applied, original = _EDIT.apply, _EDIT.applied, _EDIT.original
