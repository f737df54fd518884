"""WeasyPrint 70.0: let Imprint complete each structure element of a tagged PDF.

Version: weasyprint 70.0 exactly (VERSION; check_versions() refuses another).

What goes wrong: WeasyPrint 70.0's tagged PDF (pdf/ua-1, or pdf_tags=True)
leaves out what PDF/UA asks for and the HTML says:
- the language of an element that has its own `lang` (the second language's
  front matter), as the structure element's /Lang (ISO 14289-1, 7.2; Matterhorn
  checkpoint 11-006): WeasyPrint writes only the document's /Lang in the catalog;
- footnotes tagged as notes (ISO 14289-1, 7.9; Matterhorn 19-003): a footnote
  <span> becomes a /Span, not a /Note with an /ID;
- formulas tagged as formulas (ISO 14289-1, 7.7): a formula set as a glyph is a
  /Span, one drawn as SVG a /Figure.
Measured (2026-12-06, this version): the print edition of tests/cases/apparatus-ru
(961 structure elements) has 0 elements with /Lang and 0 /Note without the patch,
though its HTML marks 3 elements in English and 13 notes; with it, 3 and 13.

WeasyPrint builds the structure tree in weasyprint.pdf.tags._build_box_tree and
offers no hook. The patch adds one line there, after each element is created,
that calls imprint.editions.pdf.tags.annotate(box, element, pdf), which does the
above (what Imprint tags is decided there, not here).

Test that fails without it: tests/test_patches.py::test_tagged_pdf_carries_lang_and_notes.

Upstream: to be filed; docs/upstream.md#weasyprint-tagged-pdf-lang-and-notes.
"""

from __future__ import annotations

import sys

from . import rewrite

DISTRIBUTION = "weasyprint"
VERSION = "70.0"
UPSTREAM = "docs/upstream.md#weasyprint-tagged-pdf-lang-and-notes"

# (The line that adds each element WeasyPrint creates for a box: once in the function.)
CREATED = "    pdf.add_object(element)\n"
CALL = "    _imprint_annotate(box, element, pdf)  # Imprint: imprint/patches/weasyprint_tags.py\n"


def apply() -> None:
    from weasyprint.pdf import tags

    # (Imported here, not at the top: pdf_tags imports WeasyPrint's boxes, and this
    # runs while imprint.editions.pdf.weasy imports WeasyPrint.)
    from ..editions.pdf.tags import annotate

    if rewrite.edited_by(tags._build_box_tree, sys.modules[__name__]):
        return
    # (With the other patches' changes to the same function: weasyprint_margin_artifacts.
    # The function calls itself by its global name: in the rewritten function's
    # globals, that is the rewritten one.)
    tags._build_box_tree = rewrite.replacing(tags._build_box_tree, CREATED, CREATED + CALL, sys.modules[__name__],
                                             {"_imprint_annotate": annotate})


def applied() -> bool:
    tags = sys.modules.get("weasyprint.pdf.tags")
    return tags is not None and rewrite.edited_by(tags._build_box_tree, sys.modules[__name__])


def original():
    """The function as WeasyPrint defines it (for tests)."""
    from weasyprint.pdf import tags

    return rewrite.original(tags._build_box_tree)
