"""WeasyPrint 70.0: a tagged PDF's running heads and folios drawn as pagination
artifacts, not as content left out of the structure tree.

Version: weasyprint 70.0 exactly (VERSION; check_versions() refuses another).

What goes wrong: WeasyPrint 70.0 draws the text of the @page margin boxes
(running heads, folios) as marked content with an /MCID, like the text's, and
tags it in structure elements that it leaves out of the tree
(weasyprint.pdf.tags._build_box_tree: "don't link it to main tree"; issue
#1836). The parent tree names them, the tree does not hold them: a PDF/UA checker
reads real content that no structure element of the document holds (ISO
14289-1, 7.1: content is either tagged or an artifact; Matterhorn 01-001 and
01-002), and a tool that follows the parent tree finds elements with no place in
the document. Measured (2026-12-07, this version): the print edition of
tests/cases/apparatus-ru (7 pages, heads and folio on the 6 after the first)
had 18 marked contents in elements outside the tree, and 0 artifacts for them;
with the patch, 0 outside the tree, and 18 marked contents
/Artifact <</Type /Pagination /Subtype /Header>> (or /Footer) instead.

The patch replaces the lines that tag a margin box's content with a call to
imprint.editions.pdf.tags.margin_artifacts(), which takes the box's marked
contents out of what WeasyPrint tags (no structure element is made for them, the
parent tree has null for their MCIDs) and makes each, in the page's content, an
/Artifact marked content whose properties say it is pagination, where on the
page (/Attached: /Top, /Bottom, ...) and, in PDF 2.0's words, a /Header or a
/Footer (ISO 32000-1, 14.8.2.2; ISO 32000-2, 14.8.2.2.2).

Test that fails without it: tests/test_patches.py::test_running_heads_and_folios_are_artifacts.

Upstream: to be filed; docs/upstream.md#weasyprint-running-heads-and-folios-as-content.
"""

from __future__ import annotations

import sys

from . import rewrite

DISTRIBUTION = "weasyprint"
VERSION = "70.0"
UPSTREAM = "docs/upstream.md#weasyprint-running-heads-and-folios-as-content"

# The lines of _build_box_tree's branch for a margin box (after its comment).
TAGGED = ("        for child in box.children:\n"
          "            tuple(_build_box_tree(\n"
          "                child, parent, pdf, page_number, nums, annotations, tags))\n"
          "        return\n")
ARTIFACTS = ("        _imprint_margin_artifacts(box, pdf, page_number, nums, tags)  "
             "# Imprint: imprint/patches/weasyprint_margin_artifacts.py\n"
             "        return\n")


def apply() -> None:
    from weasyprint.pdf import tags

    from ..editions.pdf.tags import margin_artifacts  # (here: it imports WeasyPrint's boxes)

    if rewrite.edited_by(tags._build_box_tree, sys.modules[__name__]):
        return
    # (With weasyprint_tags's change to the same function.)
    tags._build_box_tree = rewrite.replacing(tags._build_box_tree, TAGGED, ARTIFACTS, sys.modules[__name__],
                                             {"_imprint_margin_artifacts": margin_artifacts})


def applied() -> bool:
    tags = sys.modules.get("weasyprint.pdf.tags")
    return tags is not None and rewrite.edited_by(tags._build_box_tree, sys.modules[__name__])


def original():
    """The function with the other patches' changes but not this one's (for tests)."""
    from weasyprint.pdf import tags

    return rewrite.without(tags._build_box_tree, sys.modules[__name__])
