"""Two things WeasyPrint 70.0's tagged PDF leaves out, which PDF/UA asks for:

- the language of an element that has its own (`lang` on the second language's
  front matter), as the structure element's /Lang (ISO 14289-1, 7.2; Matterhorn
  checkpoint 11-006);
- footnotes tagged as notes: a <span class="footnote"> becomes a /Note structure
  element with an /ID unique in the file (ISO 14289-1, 7.9; Matterhorn 19-003);
- formulas tagged as formulas (ISO 14289-1, 7.7): the span that sets a
  formula as a glyph (print_formulas.py) is a /Formula with its TeX as /Alt and its
  text form as /ActualText; an SVG formula is a /Formula, not a /Figure.

WeasyPrint builds the structure tree in weasyprint.pdf.tags._build_box_tree; one
line is added there, after each element is created, that calls annotate() below.
Refused on any other WeasyPrint version, where the line may differ.
"""

from __future__ import annotations

import inspect
import textwrap

import pydyf
from .weasy import weasyprint  # noqa: F401 (first: the quick import)
from weasyprint.formatting_structure import boxes  # noqa: E402
from weasyprint.pdf import tags  # noqa: E402

from ..errors import InternalError

VERSION = "70.0"
ANCHOR = "    # Create box element.\n"
CREATED = "    pdf.add_object(element)\n"
SVG = "http://www.w3.org/2000/svg"


def annotate(box, element: pydyf.Dictionary, pdf) -> None:
    html = box.element
    if html is None or box.element_tag in ("html", "body"):
        return
    lang = html.get("lang") or html.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        element["Lang"] = pydyf.String(lang)
    classes = (html.get("class") or "").split()
    if box.element_tag == f"{{{SVG}}}svg" and "formula" in classes:
        element["S"] = "/Formula"  # (a formula drawn as SVG; WeasyPrint then gives it its <title> as /Alt)
    elif box.element_tag == "span" and "formula" in classes and isinstance(box, boxes.InlineBox):
        # A formula set as a glyph (print_formulas.py): its TeX, and its text form
        # for the Private Use Area character that draws it.
        element["S"] = "/Formula"
        element["Alt"] = pydyf.String(html.get("data-tex") or "")
        element["ActualText"] = pydyf.String(html.get("data-text") or "")
    elif box.element_tag == "span" and "footnote" in (html.get("class") or "").split():
        element["S"] = "/Note"
        # Every Note needs an ID, unique in the file; a note laid out as several
        # boxes gets fn-3, fn-3.2, ...
        seen = pdf.__dict__.setdefault("_imprint_note_ids", {})
        note_id = html.get("id") or "note"
        seen[note_id] = seen.get(note_id, 0) + 1
        unique = note_id if seen[note_id] == 1 else f"{note_id}.{seen[note_id]}"
        element["ID"] = pydyf.String(unique)
        # pdf.finisher lists them in the structure tree's IDTree.
        pdf.__dict__.setdefault("_imprint_note_elements", []).append((unique, element))


def tag_languages_and_notes() -> None:
    if getattr(tags, "_imprint_annotated", False):
        return
    source = textwrap.dedent(inspect.getsource(tags._build_box_tree))
    start = source.find(ANCHOR)
    insert = source.find(CREATED, start)
    if weasyprint.__version__ != VERSION or start < 0 or insert < 0:
        raise InternalError(
            f"imprint/writers/pdf_tags.py was written for WeasyPrint {VERSION}, "
            f"not {weasyprint.__version__}: check that it still applies, then update it"
        )
    insert += len(CREATED)
    patched = source[:insert] + "    _imprint_annotate(box, element, pdf)\n" + source[insert:]
    namespace = vars(tags)
    namespace["_imprint_annotate"] = annotate
    exec(compile(patched, tags.__file__, "exec"), namespace)  # redefines _build_box_tree in place
    tags._imprint_annotated = True
