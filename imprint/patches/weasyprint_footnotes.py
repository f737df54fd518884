"""WeasyPrint 70.0: keep every footnote on the page of its call.

Version: weasyprint 70.0 exactly (VERSION; check_versions() refuses another).

What goes wrong: GCPM 3, section 2.6: with `footnote-policy: line` (print.css
sets it) a note that does not fit makes the line that calls it move to the next
page, together with the note. WeasyPrint 70.0 honours that, but has a second
path (added, it seems, by WeasyPrint PR #2437, for issue #2432): when a text line overflows the
page and orphans forbid breaking just before it, it first moves the page's last
footnotes to the next page to make room, whatever their `footnote-policy`,
separating them from their calls. The patch disables that path (one line of
weasyprint.layout.block._linebox_layout), so the ordinary page break, which
respects orphans and widows, is taken instead.

Measured (2026-12-06, this version, styles/css/print.css): 12 generated Russian
articles (the generator of tests/test_pdf.py, seeds 1 to 12: 76 pages, 441
notes), built without the patch: 8 notes on the page after their call's and 2
missing from the PDF altogether (their calls printed), in 4 of the 12 articles;
with the patch, every note on its call's page. (2026-11-26, the same generator:
45 misplaced with the default `footnote-policy: auto`, 11 with `line` alone, 0
with `line` and this patch.)

Test that fails without it: tests/test_patches.py::test_footnote_stays_on_the_page_of_its_call
(a 2-paragraph page where WeasyPrint moves note 1 to page 2, its call on page 1).

Upstream: to be filed; docs/upstream.md#weasyprint-footnotes-moved-away-from-their-calls.
"""

from __future__ import annotations

import sys

from . import rewrite

DISTRIBUTION = "weasyprint"
VERSION = "70.0"
UPSTREAM = "docs/upstream.md#weasyprint-footnotes-moved-away-from-their-calls"

LINE = "report = not context.in_column and can_break_now and not could_break_before"
REPLACEMENT = "report = False  # Imprint (imprint/patches/weasyprint_footnotes.py): never move notes from their calls"


def apply() -> None:
    from weasyprint.layout import block

    if rewrite.is_rewritten(block._linebox_layout):
        return

    block._linebox_layout = rewrite.replacing(block._linebox_layout, LINE, REPLACEMENT, sys.modules[__name__])


def applied() -> bool:
    block = sys.modules.get("weasyprint.layout.block")
    return block is not None and rewrite.is_rewritten(block._linebox_layout)


def original():
    """The function as WeasyPrint defines it (for tests)."""
    from weasyprint.layout import block

    return rewrite.original(block._linebox_layout)
