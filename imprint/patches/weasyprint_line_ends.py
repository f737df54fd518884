"""WeasyPrint 70.0: a line's end reads as what it stands for: a word hyphenated by
the layout rejoins, words on two lines stay two.

Version: weasyprint 70.0 exactly (VERSION; check_versions() refuses another).

What goes wrong: the text of a PDF (what copying, search, text extraction and a
screen reader following the tags read) is its glyphs' characters, through the
font's /ToUnicode. WeasyPrint 70.0 draws the hyphen it adds at a line's end
(`hyphens: auto`, or at a soft hyphen) with the same glyph, so the same
character, as a hyphen of the text: "правитель-" | "ство" reads as a hard
hyphen, U+002D, which no reader may take out ("ru-" | "en" must stay). ISO
32000-1, 14.8.2.5, asks for such a hyphen to be a soft hyphen, U+00AD. And the
space at which a line breaks is dropped from the line (CSS Text 3, 4.1.3), so
the last word of a line and the first of the next are one word in the tags
(" и их" | "интерпретация": "ихинтерпретация"), where a tool has no layout to
go by. Measured (2026-12-07, this version, poppler 22.12) on QA 25's Russian
article (17 pages, 19 notes, /tmp/qa25/projects/ru1): 329 line ends of the form
letter, "-", line break, small letter in `pdftotext -raw`, every one U+002D, 320
of them added by the layout; 208 words in the tags of a block run together with
the next (`pdfinfo -struct-text`'s texts of one block joined as they come, and
not a word of the source).

The patch:
- marks, as each line is made (weasyprint.layout.inline.iter_line_boxes), the
  last text of a line the next line continues: "hyphen" when the line ends
  with a hyphen the text does not have there, "space" when the text has a space
  (or a line break) where the line breaks;
- draws a "hyphen" line's hyphen (weasyprint.draw.text.draw_first_line) with a
  character code of its own that stands for the same glyph (the font's
  /Encoding CMap, which WeasyPrint writes for a font with codes not its glyphs',
  weasyprint.pdf.fonts._build_vector_font_dictionary) and reads, through
  /ToUnicode, as U+00AD: the same look, the same widths (/ToUnicode maps
  codes, and the glyph's own code is the text's hyphens' too; an /ActualText
  around the hyphen, the other way ISO 32000-1 gives, is read by pdftotext but
  not by poppler's structure text, which reads glyphs only: measured);
- lays out a "space" line's text with its space, as it is drawn: the space is
  drawn (a blank glyph, after the line's last: nothing moves) inside the text's
  marked content.
Measured with it: the 320 added hyphens U+00AD (`pdftotext -raw`:
"правитель\\xad" | "ство"; `pdfinfo -struct-text`, which leaves soft hyphens
out: "правитель" | "ство"), the 9 of the text ("военно-" | "политический")
still U+002D; 89 words run together, none at a line end (a table's cells, note
calls after their word); every page the same pixels (pdftoppm), the file 2.8 kB
larger (the fonts' /Encoding CMaps).

Test that fails without it: tests/test_patches.py::test_line_ends_read_as_soft_hyphens_and_spaces.

Upstream: to be filed; docs/upstream.md#weasyprint-line-ends-in-the-text.
"""

from __future__ import annotations

from typing import Callable

from . import rewrite

DISTRIBUTION = "weasyprint"
VERSION = "70.0"
UPSTREAM = "docs/upstream.md#weasyprint-line-ends-in-the-text"

END = "_imprint_line_end"  # the TextBox attribute: "hyphen", "space" (or absent)
SOFT_HYPHEN = "\xad"
SPACES = frozenset(" \t\n\r\f\u2028\u2029")  # (what ends a line where the text had a space or a break)


def mark_line_end(linebox, line, resume_at) -> None:
    """Mark the last text of `line` (made from `linebox`, the next line starting
    at `resume_at`) with how the line ends, where the next line continues it."""
    if resume_at is None:
        return
    last = _last_text(line)
    if last is None:
        return
    before, after = _around(linebox, resume_at)
    hyphen = last.style["hyphenate_character"]
    if hyphen and last.text.endswith(hyphen) and not before.endswith(hyphen[-1]):
        setattr(last, END, "hyphen")
    elif (before and before in SPACES) or (after and after in SPACES):
        setattr(last, END, "space")
    elif getattr(last, END, None):  # (a copy of a box that ended another line)
        setattr(last, END, None)


def _last_text(line):
    """The last TextBox of a line with something to draw; None where the line
    ends with something else (an image, an inline block)."""
    from weasyprint.formatting_structure import boxes

    for box in reversed(line.children):
        if _out_of_flow(box):
            continue
        if isinstance(box, boxes.TextBox):
            if box.text.strip(" "):
                return box
            continue
        if isinstance(box, boxes.InlineBox):
            found = _last_text(box)
            if found is not None:
                return found
            if _has_drawn(box):
                return None
            continue
        return None
    return None


def _has_drawn(box) -> bool:
    from weasyprint.formatting_structure import boxes

    return any(not _out_of_flow(child) and (not isinstance(child, (boxes.TextBox, boxes.InlineBox))
                                            or isinstance(child, boxes.InlineBox) and _has_drawn(child))
               for child in box.children)


def _out_of_flow(box) -> bool:
    from weasyprint.layout.absolute import AbsolutePlaceholder

    return isinstance(box, AbsolutePlaceholder) or box.is_floated() or box.is_absolutely_positioned() \
        or box.is_footnote()


def _around(linebox, resume_at) -> tuple[str, str]:
    """The characters of the text just before and just after where `resume_at`
    (a WeasyPrint skip stack into `linebox`) starts the next line: "" where
    there is none, U+FFFC for something not text."""
    from weasyprint.formatting_structure import boxes

    box, stack, path, offset = linebox, resume_at, [], 0
    while stack:
        (index, stack), = stack.items()
        if isinstance(box, boxes.TextBox):
            offset = index
            break
        if not isinstance(box, boxes.ParentBox) or index >= len(box.children):
            return "", ""
        path.append((box, index))
        box = box.children[index]
    before = after = ""
    if isinstance(box, boxes.TextBox):
        encoded = box.text.encode()
        before, after = encoded[:offset].decode()[-1:], encoded[offset:].decode()[:1]
    else:
        after = _first_character(box) or ""
    if not before:
        for parent, index in reversed(path):
            for sibling in reversed(parent.children[:index]):
                before = _last_character(sibling)
                if before is not None:
                    return before, after
        before = ""
    return before, after


def _last_character(box) -> str | None:
    return _edge_character(box, last=True)


def _first_character(box) -> str | None:
    return _edge_character(box, last=False)


def _edge_character(box, last: bool) -> str | None:
    from weasyprint.formatting_structure import boxes

    if _out_of_flow(box):
        return None
    if isinstance(box, boxes.TextBox):
        return (box.text[-1:] if last else box.text[:1]) or None
    if isinstance(box, (boxes.InlineBox, boxes.LineBox)):
        for child in (reversed(box.children) if last else box.children):
            found = _edge_character(child, last)
            if found is not None:
                return found
        return None
    return "\ufffc"


def space_at_end(textbox, text_overflow: str, block_ellipsis: str) -> Callable[[], None]:
    """Lay out a "space" line's last text with its space, to be drawn; returns
    what puts the text back once drawn (draw_first_line, as patched)."""
    layout = textbox.pango_layout
    text = layout.text
    if getattr(textbox, END, None) != "space" or text_overflow == "ellipsis" or block_ellipsis != "none" \
            or textbox.style["direction"] != "ltr" or text.endswith(" "):
        return _nothing
    # (An LTR line only: at a right-to-left line's end, the space would come first
    # and move the glyphs drawn after it.) Pango's text is set, not Layout.set_text:
    # the layout's spacing attributes stay those of the text, the space comes after
    # the last glyph they place.
    _set_pango_text(layout, text + " ")
    return lambda: _set_pango_text(layout, text)


def _set_pango_text(layout, text: str) -> None:
    from weasyprint.text.ffi import pango, unicode_to_char_p

    layout.text = text
    pointer, _ = unicode_to_char_p(text)
    pango.pango_layout_set_text(layout.layout, pointer, -1)


def _nothing() -> None:
    pass


def soft_hyphen(stream, textbox, font, font_size: float, pango_font, glyph_item, index: int, glyph_id: int) -> int:
    """The code to draw a glyph with: a "hyphen" line's last glyph, its hyphen,
    with a code of its own that reads as U+00AD; any other its glyph's
    (draw_first_line, as patched)."""
    if getattr(textbox, END, None) != "hyphen" or font.bitmap:
        return glyph_id
    hyphen = textbox.style["hyphenate_character"]
    text = textbox.pango_layout.text.encode()
    clusters = glyph_item.glyphs.log_clusters
    start = glyph_item.item.offset + clusters[index]
    if start != len(text) - len(hyphen.encode()) or index != glyph_item.glyphs.num_glyphs - 1 \
            or (index and clusters[index - 1] == clusters[index]):
        return glyph_id  # (not the hyphen, or not its one glyph)
    from weasyprint.text.ffi import FROM_UNITS, pango

    # The glyph itself kept in the font's subset and its width in /W, where the
    # text has no hyphen of its own (a code's glyph must be in the font: PDF/A).
    font.to_unicode.setdefault(glyph_id, hyphen)
    if glyph_id not in font.widths:
        pango.pango_font_get_glyph_extents(pango_font, glyph_id, stream.ink_rect, stream.logical_rect)
        font.widths[glyph_id] = round(stream.logical_rect.width * 1000 * FROM_UNITS / font_size)
    # (WeasyPrint's own way to give a code that is not a glyph of the font: its
    # missing characters', which its /Encoding maps to .notdef; glyph_of maps this one to the hyphen.)
    code = font.get_unused_glyph_id((END, glyph_id))
    font.to_unicode[code] = SOFT_HYPHEN
    font.widths[code] = font.widths[glyph_id]
    return code


def glyph_of(font, code: int) -> int:
    """The glyph (CID) a font's character code draws, for its /Encoding CMap
    (weasyprint.pdf.fonts._build_vector_font_dictionary, as patched)."""
    for key, value in font.missing.items():
        if value == code:
            return key[1] if isinstance(key, tuple) and key[0] == END else 0
    return code


_NAMES = {"_imprint_mark_line_end": mark_line_end, "_imprint_space_at_end": space_at_end,
          "_imprint_soft_hyphen": soft_hyphen, "_imprint_glyph_of": glyph_of}
_LINES_OLD = "        yield line, resume_at\n"
_LINES_NEW = ("        _imprint_mark_line_end(box, line, resume_at)  # Imprint: imprint/patches/weasyprint_line_ends.py\n"
              "        yield line, resume_at\n")
_DRAW_OLD = ("    first_line, index = textbox.pango_layout.get_first_line()\n\n    if block_ellipsis != 'none':\n",
             "            glyph_id = glyph_info.glyph\n            width = glyph_info.geometry.width\n",
             "    stream.show_text(string)\n\n    return emojis\n")
_DRAW_NEW = (
    "    _imprint_restore = _imprint_space_at_end(textbox, text_overflow, block_ellipsis)  # Imprint: "
    "imprint/patches/weasyprint_line_ends.py\n" + _DRAW_OLD[0],
    _DRAW_OLD[1] + "            glyph_id = _imprint_soft_hyphen(stream, textbox, font, font_size, pango_font, "
                   "glyph_item, i, glyph_id)  # Imprint\n",
    "    stream.show_text(string)\n    _imprint_restore()  # Imprint\n\n    return emojis\n")
_CMAP_OLD = "font_glyph_id = 0 if glyph_id in font.missing.values() else glyph_id"
_CMAP_NEW = "font_glyph_id = _imprint_glyph_of(font, glyph_id)  # Imprint: imprint/patches/weasyprint_line_ends.py"

_EDITS = rewrite.Edits((
    rewrite.Edit("weasyprint.layout.inline", "iter_line_boxes", ("weasyprint.layout.inline", "weasyprint.layout.block"),
                 _LINES_OLD, _LINES_NEW, __name__, _NAMES),
    rewrite.Edit("weasyprint.draw.text", "draw_first_line", ("weasyprint.draw.text",), _DRAW_OLD, _DRAW_NEW,
                 __name__, _NAMES),
    rewrite.Edit("weasyprint.pdf.fonts", "_build_vector_font_dictionary", ("weasyprint.pdf.fonts",), _CMAP_OLD,
                 _CMAP_NEW, __name__, _NAMES),
))

apply, applied, original = _EDITS.apply, _EDITS.applied, _EDITS.original
