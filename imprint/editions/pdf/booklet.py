"""Booklets: a print edition imposed two-up for saddle stitching.

The edition is typeset on half sheets (A5 for A4, half-Letter for Letter), padded
with blank pages to a multiple of four, and its pages placed two to a landscape
sheet side in folding order. Printed duplex with short-edge flip, then folded and
stapled along the middle, the sheets read in order.

For a booklet of n pages (n a multiple of 4), sheet k (from 0) carries:
    front: page n-2k (left) and page 2k+1 (right)
    back:  page 2k+2 (left) and page n-2k-1 (right)
(pages counted from 1); a short-edge flip keeps both sides upright.
"""

from __future__ import annotations

import io
from dataclasses import replace

import pikepdf

from ...errors import Problem, warn
from ...settings import Settings
from ...prepare.article import Manuscript
from ...source.model import PAPERS, Paper
from ...theme import Theme
from .article import EDITIONS, paper_for, render_pdf
from .marks import MEDIA, OFFSET, commands
from .merge import saved

MM = 72 / 25.4  # points
# A sheet's paper -> (the booklet's page, the sheet's size in points, landscape).
SHEETS: dict[str, tuple[Paper, tuple[float, float]]] = {
    "A4": (PAPERS["a5"], (297 * MM, 210 * MM)),
    "A5": (PAPERS["a5"], (297 * MM, 210 * MM)),  # an A5 edition is imposed on A4 too
    "Letter": (Paper("Half Letter", "5.5in 8.5in"), (11 * 72, 8.5 * 72)),
}


def booklet_order(pages: int) -> list[tuple[int | None, int | None]]:
    """The (left, right) pages of each sheet side in printing order, 0-based;
    None where a blank page pads the booklet to a multiple of four."""
    total = pages + (-pages) % 4
    sides = []
    for sheet in range(total // 4):
        sides.append((total - 1 - 2 * sheet, 2 * sheet))  # front
        sides.append((2 * sheet + 1, total - 2 - 2 * sheet))  # back
    return [tuple(p if p < pages else None for p in side) for side in sides]


def impose(data: bytes, sheet: tuple[float, float], crop_marks: bool = False) -> bytes:
    """Two pages of `data` on each side of a landscape sheet of `sheet` points;
    with `crop_marks`, the sheet is its trim box, with marks at its corners and
    its fold (marks.py) in a larger media box."""
    width, height = sheet
    with pikepdf.open(io.BytesIO(data)) as source, pikepdf.new() as booklet:
        for left, right in booklet_order(len(source.pages)):
            side = booklet.add_blank_page(page_size=(width, height))
            if crop_marks:
                side.TrimBox = pikepdf.Array([0, 0, width, height])
                side.BleedBox = pikepdf.Array([-OFFSET, -OFFSET, width + OFFSET, height + OFFSET])
                side.MediaBox = pikepdf.Array([-MEDIA, -MEDIA, width + MEDIA, height + MEDIA])
                side.contents_add(commands((0, 0, width, height), folds=(width / 2,)))
            for index, x in ((left, 0), (right, width / 2)):
                if index is None:
                    continue
                # Page.add_overlay names the resource at random (pikepdf 10): the
                # page is placed by hand under a fixed name, so rebuilds are identical.
                form = source.pages[index].as_form_xobject()
                name = pikepdf.Name(f"/Page{index + 1}")
                side.add_resource(form, pikepdf.Name.XObject, name=name)
                placement = side.calc_form_xobject_placement(
                    form, name, pikepdf.Rectangle(x, 0, x + width / 2, height), allow_shrink=True, allow_expand=True)
                side.contents_add(b"q\n" + placement + b"Q\n")
        for key in ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer",
                    "/CreationDate", "/ModDate"):
            if key in source.docinfo:
                booklet.docinfo[key] = source.docinfo[key]
        # What a booklet can carry of the edition's reading aids: its language, and
        # its title in the viewer's window. (Its pages are imposed for a print shop:
        # untagged, so it claims no PDF/UA.)
        if "/Title" not in booklet.docinfo:  # the edition keeps its title in XMP only
            with source.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
                title = str(xmp.get("dc:title", "") or "")
            if title:
                booklet.docinfo["/Title"] = title
        if "/Lang" in source.Root:
            booklet.Root.Lang = source.Root.Lang
        booklet.Root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        return saved(booklet)


def write_booklet(manuscript: Manuscript, theme: Theme, settings: Settings, edition: str) -> bytes:
    page, sheet = SHEETS[paper_for(manuscript, settings, "booklet").name]  # a booklet is not foliated
    # Its pages are typeset without marks: the sheet carries them, at its trim and fold.
    pages = render_pdf(manuscript, theme, replace(settings, crop_marks=False), EDITIONS[edition], paper=page)
    scale = _scale(pages, sheet)
    if scale < 0.98:  # (print.css gives its own page size: its pages are shrunk to the half sheet, QA 22)
        warn(Problem(manuscript.article.file, f"the {edition} booklet prints the pages at {scale:.0%} of their "
                     f"size: the print stylesheet gives its own page size (@page {{ size }}), larger than half the "
                     f"sheet ({sheet[0] / 2 / MM:.0f} x {sheet[1] / MM:.0f} mm), and the text shrinks with them",
                     hint="leave the page size to `paper:` in the publication file (a booklet is then set on "
                          "half the sheet, A5 on A4), or build no booklet"))
    return impose(pages, sheet, crop_marks=bool(settings.crop_marks))


def _scale(data: bytes, sheet: tuple[float, float]) -> float:
    """How much the pages are shrunk to fit half the sheet (1: not at all)."""
    with pikepdf.open(io.BytesIO(data)) as source:
        box = source.pages[0].trimbox if source.pages else None
        if box is None:
            return 1.0
        width, height = float(box[2]) - float(box[0]), float(box[3]) - float(box[1])
    return min(1.0, sheet[0] / 2 / width, sheet[1] / height)
