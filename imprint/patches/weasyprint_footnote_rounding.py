"""WeasyPrint 70.0: a footnote that fits is not taken for one that overflows by a rounding error.

Version: weasyprint 70.0 exactly (VERSION; check_versions() refuses another).

What goes wrong: each time a note is added to a page, LayoutContext._update_footnote_area
lays the page's footnote area out again and asks whether its last note ends
below the area (`overflow = last_child_bottom > footnote_area_bottom`: true only
when the area's height is limited, by a `max-height` or a `height`). With the
area's height `auto`, the two are the same sum of the same lengths, added in
another order, and may differ in the last bit: on QA 24's ru1 (Imprint's
print.css, A4), note 6 (545 px) called in the first line of a page measured
2.3e-13 px lower than its area. WeasyPrint then took it for a note too long for
the page: a call in a page's first line cannot move, so the note alone went to
the next page, and the page of its call was printed with 8 lines of text and
80 % blank. Every other comparison of positions in WeasyPrint's layout allows
for rounding (LayoutContext.overflows, "a small fudge factor to avoid floating
numbers errors", 1e-9 of the length, from PEP 485); the patch makes this one use
it.

Measured (2026-12-07, this version, styles/css/print.css): QA 24's ru1 (A4):
without the patch, note 6 printed on the page after its call's, the call's page
(folio 48) 79 % empty, 17 pages; with it, note 6 on its call's page, 15 pages.
The seed and the test articles (A4, A5 booklets, the issue) and 13 generated
articles (tests/test_pdf.py's generator): the same bytes with and without it.

Test that fails without it: tests/test_patches.py::test_a_note_that_fits_is_not_moved_by_a_rounding_error
(a note whose lengths add up to 2.3e-13 px more in one order than in the other).

Upstream: to be filed; docs/upstream.md#weasyprint-a-note-that-fits-taken-for-one-that-overflows.
"""

from __future__ import annotations

from . import rewrite

DISTRIBUTION = "weasyprint"
VERSION = "70.0"
UPSTREAM = "docs/upstream.md#weasyprint-a-note-that-fits-taken-for-one-that-overflows"

LINE = "overflow = last_child_bottom > footnote_area_bottom"
REPLACEMENT = ("overflow = self.overflows(footnote_area_bottom, last_child_bottom)"
               "  # Imprint: imprint/patches/weasyprint_footnote_rounding.py")

_EDIT = rewrite.Edit("weasyprint.layout", "LayoutContext._update_footnote_area", ("weasyprint.layout",), LINE,
                     REPLACEMENT, __name__)
apply, applied = _EDIT.apply, _EDIT.applied


def original():
    """(LayoutContext, its method's name, the method with the other patches'
    changes but not this one's), for tests: monkeypatch.setattr(*original())."""
    return _EDIT.without()
