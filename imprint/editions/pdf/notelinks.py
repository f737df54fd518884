"""A note's call a link to its note, and the note's number a link back to its call,
in the print edition: a reader of the PDF clicks the superscript number to read
the note at the foot of the page (or of the next, for a note continued there),
and its number to come back, as the e-reader edition's notes do (QA: "a note
call is not clickable").

WeasyPrint 70 makes links of <a href> alone; a note's call is its
::footnote-call, a pseudo-element, and its number at the page's foot its
::footnote-marker. Once the document is laid out, link_notes() gives each call a
link to its note's place (the note's own id, an anchor WeasyPrint already keeps:
the note's first part), and each note's number a link to an anchor made at its
call, in the pages' links and anchors, which WeasyPrint writes as Link
annotations with named destinations (/Dest) and tags as it tags the boxes'
(tags.py makes the call's element a /Link inside its /Reference, and the number's
a /Link: ISO 14289-1, 7.18.5).
"""

from __future__ import annotations

import re

from .weasy import descendants

CALL_ANCHOR = "{}-call"  # the anchor at a note's call, by the note's id ("fn-3-call")


def link_notes(document) -> None:
    """Each note's call linked to its note, and the note's number to its call
    (see the module's docstring). A note whose place is not an anchor (no id,
    or the id of something else first) is not linked; nor is its number linked
    back where the call's anchor would take a name already used."""
    from weasyprint.formatting_structure.boxes import InlineBox, MarginBox

    calls: dict[str, tuple] = {}  # note's id -> (page, call's box): its first call
    numbers: dict[str, tuple] = {}  # note's id -> (page, its number's box)
    anchors: set[str] = set()
    for page in document.pages:
        anchors.update(page.anchors)
        for box in descendants(page._page_box, skip=MarginBox):  # (RELIED_ON in imprint/patches)
            tag = getattr(box, "element_tag", None) or ""
            if isinstance(box, InlineBox) and box.element is not None and box.element.get("id"):
                if tag.endswith("::footnote-call"):
                    calls.setdefault(box.element.get("id"), (page, box))
                elif tag.endswith("::footnote-marker"):
                    numbers.setdefault(box.element.get("id"), (page, box))
    for note_id, (page, call) in calls.items():
        if note_id not in anchors:
            continue
        _link(page, call, note_id)
        back = CALL_ANCHOR.format(note_id)
        if note_id in numbers and back not in anchors:
            page.anchors[back] = area(call)
            anchors.add(back)
            _link(*numbers[note_id], back)


def link_note_marks(html: str) -> dict[str, str]:
    """The marks of the notes that hold links' addresses (links-as-notes: body/html.py),
    by their ids ("fn-link-3", or "<slug>--fn-link-3" in an issue), as print.css
    counts them: a, b, ... z, aa, ab (CSS's lower-alpha)."""
    return {found.group(1): _lower_alpha(int(found.group(2)))
            for found in re.finditer(r'\bid="((?:[^"]*--)?fn-link-(\d+))"', html)}


def _lower_alpha(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def area(box) -> tuple[float, float, float, float]:
    """Where a box is drawn, (x1, y1, x2, y2) in CSS pixels: its hit area and its
    text's, together. (A call's own box is 0 high: `line-height: 0` in print.css
    keeps it from opening its line; its text has the font's height.)"""
    found = [part.hit_area() for part in (box, *descendants(box))]
    drawn = [(x, y, width, height) for x, y, width, height in found if width > 0 and height > 0] or found[:1]
    return (min(x for x, _, _, _ in drawn), min(y for _, y, _, _ in drawn),
            max(x + width for x, _, width, _ in drawn), max(y + height for _, y, _, height in drawn))


def _link(page, box, anchor: str) -> None:
    """`box` a link to `anchor` on its page (in place of a link it has from an <a> around it)."""
    page.links[:] = [link for link in page.links if link[3] is not box]
    page.links.append(("internal", anchor, area(box), box))

