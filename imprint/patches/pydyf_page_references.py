"""pydyf 0.13.0: PDF.page_references made once per number of pages, not at every read.

Version: pydyf 0.13.0 exactly (VERSION; check_versions() refuses another).

What goes wrong: pydyf's `PDF.page_references` is a property that builds a new
tuple of every page's reference (b"12 0 R", ...) each time it is read, and
WeasyPrint 70.0's PDF/UA tagging (weasyprint.pdf.tags) reads it once per
structure element to take one entry: time quadratic in the pages. Measured
(2026-12-06, this version, 2 cores; write_pdf(pdf_variant="pdf/ua-1") of a laid-out
English text, median of 5): 85 pages, 6,466 reads, 0.852 s without the patch,
0.767 s with it; 169 pages, 12,929 reads, 2.953 s and 2.553 s. Same bytes.
The patch keeps the tuple on the PDF object with the number of pages it was made
for, and makes it again only when a page has been added (pages are only ever
added, by PDF.add_page). The same tuple, so the same bytes.

Test that fails without it: tests/test_patches.py::test_page_references_are_made_once_per_page_count
(and, with and without it, the same PDF bytes).

Upstream: to be filed; docs/upstream.md#pydyf-page-references.
"""

from __future__ import annotations

import sys

from . import rewrite

DISTRIBUTION = "pydyf"
VERSION = "0.13.0"
UPSTREAM = "docs/upstream.md#pydyf-page-references"

_KEPT = "_imprint_page_references"  # in the PDF object's __dict__: (number of pages, tuple)


def page_references(pdf) -> tuple[bytes, ...]:
    kids = pdf.pages["Kids"]  # (number, 0, "R") for each page
    kept = pdf.__dict__.get(_KEPT)
    if kept is None or kept[0] != len(kids):
        kept = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__[_KEPT] = kept
    return kept[1]


def apply() -> None:
    import pydyf

    if applied():
        return
    setattr(page_references, rewrite.ORIGINAL, pydyf.PDF.__dict__["page_references"])
    pydyf.PDF.page_references = property(page_references)


def applied() -> bool:
    pydyf = sys.modules.get("pydyf")
    return pydyf is not None and pydyf.PDF.__dict__["page_references"].fget is page_references


def original() -> property:
    """pydyf's own property (for tests)."""
    import pydyf

    return rewrite.original(page_references) if applied() else pydyf.PDF.__dict__["page_references"]
