"""WeasyPrint 70.0: a note too long for what is left of its call's page starts there and continues on the next page.

Version: weasyprint 70.0 exactly (VERSION; check_versions() refuses another).

What goes wrong: WeasyPrint lays each note out whole. A note taller than the
room left under the line that calls it cannot be set on that page: with
`footnote-policy: line` (print.css) the calling line moves to the next page with
its note, and the page it leaves ends early, with a hole above its notes as tall
as the room the note lacked; a note taller than a page is drawn up over the
text, its beginning cut off (Imprint refused such an article: no edition at
all). Scholarly print (Chicago's and GOST's practice, and LaTeX's) sets a long
note's beginning at the foot of its call's page and continues it at the foot of
the next page, before that page's own notes.

The patch splits a note that does not fit, as a block is split between pages:
- `_linebox_layout` (weasyprint.layout.block): where a note called in a line
  overflows, split() first tries to set the part that fits in the room under
  that line (less the room the paragraph's next lines need, so that its orphans
  and widows do not pull the calling line back: reserve()), and no more than
  the `@footnote` area's `max-height`. It keeps that when at least the note's
  `orphans` lines fit (and its `widows` are left); else WeasyPrint's own policy
  applies, as before. A note with `break-inside: avoid` is never split.
- LayoutContext._update_footnote_area and the area's last layout in
  weasyprint.layout.page.make_page lay the area out with lay_out_area(): up to
  that limit, and starting the page's first note where the previous page left it.
- At the end of the page (finish_area()), the split note is put first among
  the notes WeasyPrint carries to the next page (its `reported_footnotes`), so
  that its rest is set first there (on a page added after the text's last if
  need be). A note carried over is split again if the page's notes are then
  taller than the area may be (place_carried(), in make_page's loop over them),
  or if the block set first on the page (a figure) does not fit above them
  (yield_room(), in `_in_flow_layout`: WeasyPrint would set it over them).
- LayoutContext.unlayout_footnote and report_footnote (the calling line moved
  to the next page after all; the note moved whole) undo the split first.
One note at most is split on a page. Notes that fit are laid out as before.

Measured (2026-12-07, this version, styles/css/print.css: `orphans: 3; widows: 3`
on notes, `@footnote { max-height: 75% }`): QA 24's ru1 (A4, 19 notes, several of
10 to 40 lines), with weasyprint_footnote_rounding.py: without this patch, holes
above the notes of 19, 10, 9, 6 and 6 % of a page (11 lines on folio 47, under
the call of note 6); with it, three notes continued on the next page, each
starting on its call's page, and holes of 8 and 6 % (15 pages either way).
ru1 on A5, en1 (a 500-word note) on A5 and en1-longnote (728 words): refused by
Imprint without it ("too long to fit on a page"), built with it, every note
starting on its call's page. Six generated Russian articles (A4) with a note of 400 to
700 words every page or two: all refused without it (holes of up to 98 % of a
page in their layouts); built with it, 89 of 97 notes starting on their call's
page (the other 8 called on a page whose notes' area is filled by an earlier
note's rest: set after it, on the next page), holes of at most 19 %. The seed, the test articles (A4 and A5
booklets) and 13 generated articles with short notes (tests/test_pdf.py's
generator): the same bytes with and without the patch.

Test that fails without it: tests/test_patches.py::test_a_long_note_starts_on_the_page_of_its_call
(pages of 20 lines, a note of 12 called in line 12: without the patch page 1
ends at line 11 and the note is set whole on page 2).

Upstream: Kozea/WeasyPrint issue #1833 ("Long footnote does not get broken across
pages"); docs/upstream.md#weasyprint-long-notes-are-not-split.
"""

from __future__ import annotations

import math

from . import rewrite

DISTRIBUTION = "weasyprint"
VERSION = "70.0"
UPSTREAM = "docs/upstream.md#weasyprint-long-notes-are-not-split"

# (The texts are as rewrite.py sees them: a method's source dedented.)
_LINE_OLD = """                if overflow:
                    context.report_footnote(footnote)"""
_LINE_NEW = """                if overflow and not _imprint_split(  # Imprint: weasyprint_footnote_split.py
                        context, footnote, new_position_y + offset_y + bottom_space, line,
                        len(new_children), box):
                    context.report_footnote(footnote)"""

_AREA_OLD = ("""        footnote_area = block_level_layout(
            self, footnote_area, -inf, None,
            self.current_footnote_area.page)[0]""", """        return overflow
""")
_AREA_NEW = ("""        footnote_area = _imprint_lay_out_area(  # Imprint: imprint/patches/weasyprint_footnote_split.py
            self, footnote_area, [])""", """        return overflow or _imprint_cut(self)
""")

_PAGE_OLD = ("""        overflow = context.layout_footnote(reported_footnote)
""", """    footnote_area = block_level_layout(
        context, footnote_area, bottom_space=-inf, skip_stack=None,
        containing_block=footnote_area.page, page_is_empty=True,
        absolute_boxes=positioned_boxes, fixed_boxes=positioned_boxes)[0]""")
_PAGE_NEW = ("""        overflow = context.layout_footnote(reported_footnote)
        overflow = _imprint_place_carried(  # Imprint: imprint/patches/weasyprint_footnote_split.py
            context, reported_footnote, overflow)
""", """    footnote_area = _imprint_finish_area(  # Imprint: imprint/patches/weasyprint_footnote_split.py
        context, footnote_area, page_number, positioned_boxes)""")

_FLOW_OLD = """            border_page_overflow = context.overflows_page(bottom_space, new_position_y)
"""
_FLOW_NEW = """            border_page_overflow = context.overflows_page(bottom_space, new_position_y)
            if border_page_overflow and page_is_empty_with_no_children:  # Imprint: weasyprint_footnote_split.py
                _imprint_yield(context, new_position_y + bottom_space)
"""

_UNLAYOUT_OLD = """    if footnote not in self.footnotes:
        self.footnotes.append(footnote)"""
_UNLAYOUT_NEW = """    _imprint_unsplit(self, footnote)  # Imprint: imprint/patches/weasyprint_footnote_split.py
    if footnote not in self.footnotes:
        self.footnotes.append(footnote)"""
_REPORT_OLD = """    self.current_page_footnotes.remove(footnote)
    self.reported_footnotes.append(footnote)"""
_REPORT_NEW = """    _imprint_unsplit(self, footnote)  # Imprint: imprint/patches/weasyprint_footnote_split.py
    self.current_page_footnotes.remove(footnote)
    self.reported_footnotes.append(footnote)"""

# What the patch keeps, on WeasyPrint's objects (its own names, prefixed):
# - on the page's footnote area (LayoutContext.current_footnote_area, a new box
#   for each page): SPLIT, the note split on this page; LIMIT, the most its area
#   may take then (px, its margins included); LAID, the last layout's result
#   (the laid-out area, where it stopped), read by split() and cut(); CARRIED,
#   the notes carried over to it from the page before (set before its text);
# - on the layout context: CONTINUED, {page number: (note, where it resumes)},
#   for the page on which a split note continues.
SPLIT, LIMIT, LAID, CARRIED = "imprint_split", "imprint_limit", "imprint_laid", "imprint_carried"
CONTINUED = "imprint_continued"


def _continued(context) -> dict:
    return context.__dict__.setdefault(CONTINUED, {})


def lay_out_area(context, area, positioned: list):
    """The page's footnote area (`area`: a copy of LayoutContext.current_footnote_area
    with its notes) laid out: up to the page's limit when a note is split on it,
    its first note from where the previous page left it. Returns the laid-out
    box (WeasyPrint's block_level_layout, as the code it replaces did)."""
    from weasyprint.layout.block import block_level_layout

    page_area = context.current_footnote_area
    notes = context.current_page_footnotes
    continued = _continued(context).get(context.current_page)
    skip = {0: continued[1]} if continued and notes and notes[0] is continued[0] else None
    if skip is not None:  # (its rule and margin above it kept, as on the page of the call)
        area.style = area.style.copy()
        area.style["box_decoration_break"] = "clone"
    limit = page_area.__dict__.get(LIMIT)
    if limit is None:
        laid, resume_at = block_level_layout(context, area, -math.inf, skip, area.page, True,
                                             positioned, positioned)[:2]
    else:  # (page_is_empty False: the notes' orphans and widows are kept, nothing forced in)
        bottom_space = context.page_bottom - (area.position_y + limit)
        laid, resume_at = block_level_layout(context, area.deepcopy(), bottom_space, skip, area.page, False,
                                             positioned, positioned)[:2]
        if laid is None:  # (not even the first note's first lines: no split)
            page_area.__dict__[SPLIT] = page_area.__dict__[LIMIT] = None
            laid, resume_at = block_level_layout(context, area, -math.inf, skip, area.page, True,
                                                 positioned, positioned)[:2]
    page_area.__dict__[LAID] = (laid, resume_at)
    return laid


def _cut(context) -> bool:
    """Whether the area's last layout left out a note, or part of one, other than
    the split one's rest: the note just added does not fit (LayoutContext.
    _update_footnote_area then says it overflows, as for a note too tall)."""
    page_area = context.current_footnote_area
    laid, resume_at = page_area.__dict__.get(LAID, (None, None))
    if resume_at is None:
        return False
    (index, inside), = resume_at.items()
    notes = context.current_page_footnotes
    return not (inside is not None and index == len(notes) - 1 and notes[-1] is page_area.__dict__.get(SPLIT))


def reserve(line, before: int, box) -> float:
    """The room the lines after a calling `line` need on its page, so that
    breaking the page after them keeps the paragraph's orphans and widows (else
    WeasyPrint takes the calling line back to the next page, and the split with
    it): none after a paragraph's last line; else the lines the orphans still
    ask for (`before` lines of the paragraph precede it on the page) and the
    widows' but one, each as tall as the calling line."""
    if line.resume_at is None:
        return 0
    lines = max(box.style["orphans"] - before - 1, 0) + box.style["widows"] - 1
    return lines * line.height


def split(context, footnote, text_bottom: float, line, before: int, box) -> bool:
    """Set the part of `footnote` that fits under its calling `line` (whose text
    must end above `text_bottom`) and carry the rest to the next page. False
    (nothing changed) where the note may not or cannot be split there: WeasyPrint's
    footnote policy then applies."""
    area = context.current_footnote_area
    notes = context.current_page_footnotes
    if (context.in_column or context.reported_footnotes or area.__dict__.get(SPLIT) is not None
            or not notes or notes[-1] is not footnote or area.height == "auto"
            or footnote.style["break_inside"] in ("avoid", "avoid-page") or not math.isfinite(text_bottom)):
        return False
    bottom = context.page_bottom + area.margin_height()  # (where the text could end without notes)
    limit = min(bottom - text_bottom - reserve(line, before, box), _most(area))
    return limit > 0 and _try_limit(context, footnote, limit)


def place_carried(context, footnote, overflow: bool) -> bool:
    """A note carried over to this page (set at its top, before the text: the rest
    of one split on the page before, or one WeasyPrint moved whole), just added to
    the page's notes: split if the notes are then taller than the area may be
    (WeasyPrint moved it on again whole, or, the first, let it run up over the
    text). Returns whether it still overflows (WeasyPrint's `overflow`)."""
    area = context.current_footnote_area
    notes = context.current_page_footnotes
    area.__dict__.setdefault(CARRIED, []).append(footnote)
    if not overflow and area.margin_height() <= _most(area):
        return False
    if (context.in_column or area.__dict__.get(SPLIT) is not None or not notes or notes[-1] is not footnote
            or footnote.style["break_inside"] in ("avoid", "avoid-page")):
        return overflow
    return not _try_limit(context, footnote, _most(area))


def _try_limit(context, footnote, limit: float) -> bool:
    """Lay the page's notes out with `footnote`, their last, split so that the
    area takes at most `limit`; keep that if the note's `orphans` lines at least
    are set here (True), else undo it (False)."""
    area = context.current_footnote_area
    area.__dict__[SPLIT], area.__dict__[LIMIT] = footnote, limit
    overflow = context._update_footnote_area()
    laid, resume_at = area.__dict__[LAID]
    if (not overflow and resume_at is not None and area.__dict__[LIMIT] is not None
            and _lines(laid.children[-1]) >= footnote.style["orphans"]):
        return True
    area.__dict__[SPLIT] = area.__dict__[LIMIT] = None
    context._update_footnote_area()
    return False


def yield_room(context, text_bottom: float) -> None:
    """A block too tall for what the notes carried over to its page leave of it,
    set first on the page (WeasyPrint sets it there anyway, over the notes: it
    must put something on each page): the first of those notes is cut so that
    the block ends above it, and continues on the next page (with the others
    behind it), if at least its `orphans` lines stay here."""
    area = context.current_footnote_area
    notes = context.current_page_footnotes
    carried = area.__dict__.get(CARRIED, [])
    if (context.in_column or not notes or any(note not in carried for note in notes)
            or area.__dict__.get(SPLIT) not in (None, notes[0]) or not math.isfinite(text_bottom)
            or notes[0].style["break_inside"] in ("avoid", "avoid-page")):
        return
    bottom = context.page_bottom + area.margin_height()
    limit = bottom - text_bottom
    if limit >= area.margin_height():
        return
    saved, behind = (area.__dict__.get(SPLIT), area.__dict__.get(LIMIT)), notes[1:]
    # (the notes carried over with it, now behind its rest: before those WeasyPrint carries on)
    del notes[1:]
    context.reported_footnotes[0:0] = behind
    area.__dict__[SPLIT], area.__dict__[LIMIT] = notes[0], limit
    context._update_footnote_area()
    laid, resume_at = area.__dict__[LAID]
    if (area.__dict__[LIMIT] is not None and resume_at is not None and laid is not None
            and _lines(laid.children[0]) >= notes[0].style["orphans"]):
        return
    # (not even that: as it was, the block over the notes, which typeset.py tells)
    area.__dict__[SPLIT], area.__dict__[LIMIT] = saved
    del context.reported_footnotes[:len(behind)]
    notes.extend(behind)
    context._update_footnote_area()


def unsplit(context, footnote) -> None:
    """Before `footnote` is taken off its page (its calling line moved to the
    next one) or moved whole: no split any more."""
    area = context.current_footnote_area
    if area is not None and area.__dict__.get(SPLIT) is footnote:
        area.__dict__[SPLIT] = area.__dict__[LIMIT] = None


def finish_area(context, area, page_number: int, positioned: list):
    """The page's footnote area as it is drawn (the last layout make_page does);
    the rest of a note split on it carried to the next page, first."""
    laid = lay_out_area(context, area, positioned)
    page_area = context.current_footnote_area
    _, resume_at = page_area.__dict__[LAID]
    continued = _continued(context)
    continued.pop(page_number + 1, None)
    note = page_area.__dict__.get(SPLIT)
    if note is not None and resume_at is not None and not _cut(context):
        (_, inside), = resume_at.items()
        continued[page_number + 1] = (note, inside)
        context.reported_footnotes.insert(0, note)
    return laid


def _most(area) -> float:
    """The most the footnote area may take of its page, margins included: its
    `max-height`; without one, the page's content less room for two lines of
    text (2 em of line height each, at the area's font size): a page that gave
    its text no room would have WeasyPrint set one line over the notes anyway
    ("put *something* on this page")."""
    extra = (area.margin_top + area.border_top_width + area.padding_top + area.padding_bottom
             + area.border_bottom_width + area.margin_bottom)
    content = area.position_y - area.page.content_box_y()
    return min(area.max_height + extra, content - 4 * area.style["font_size"])


def _lines(box) -> int:
    if type(box).__name__ == "LineBox":
        return 1
    return sum(_lines(child) for child in getattr(box, "children", ()) or ())


_NAMES = {"_imprint_split": split, "_imprint_lay_out_area": lay_out_area, "_imprint_cut": _cut,
          "_imprint_finish_area": finish_area, "_imprint_unsplit": unsplit, "_imprint_yield": yield_room,
          "_imprint_place_carried": place_carried}
_EDITS = rewrite.Edits((
    rewrite.Edit("weasyprint.layout.block", "_linebox_layout", ("weasyprint.layout.block",), _LINE_OLD, _LINE_NEW,
                 __name__, _NAMES),
    rewrite.Edit("weasyprint.layout.block", "_in_flow_layout", ("weasyprint.layout.block",), _FLOW_OLD, _FLOW_NEW,
                 __name__, _NAMES),
    rewrite.Edit("weasyprint.layout", "LayoutContext._update_footnote_area", ("weasyprint.layout",), _AREA_OLD,
                 _AREA_NEW, __name__, _NAMES),
    rewrite.Edit("weasyprint.layout.page", "make_page", ("weasyprint.layout.page",), _PAGE_OLD, _PAGE_NEW, __name__,
                 _NAMES),
    rewrite.Edit("weasyprint.layout", "LayoutContext.unlayout_footnote", ("weasyprint.layout",), _UNLAYOUT_OLD,
                 _UNLAYOUT_NEW, __name__, _NAMES),
    rewrite.Edit("weasyprint.layout", "LayoutContext.report_footnote", ("weasyprint.layout",), _REPORT_OLD,
                 _REPORT_NEW, __name__, _NAMES),
))

apply, applied, original = _EDITS.apply, _EDITS.applied, _EDITS.original

