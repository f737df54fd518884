"""WeasyPrint 70.0: a word broken anywhere is looked for in the text's first characters, not in all of it.

Version: weasyprint 70.0 exactly (VERSION; check_versions() refuses another).

What goes wrong: nothing but time, and so much of it that a build looks hung.
With `overflow-wrap: anywhere` (print.css sets it on table cells, so that a long
address never pushes a table past the page), `split_first_line` (text/line_break.py),
step #5, breaks a word too long for its line by giving Pango the *whole rest of
the text* and asking for its first line, wrapped at any character. A table's
automatic layout asks for each cell's narrowest width (`inline_line_widths`,
minimum): one line per character, each time over the whole rest of the cell, so
the time grows with the square of the cell's length. Measured (2026-12-06, this
version, A5, DejaVu Serif): a table whose one header cell holds 300 Russian words
(2,700 characters) took 17.3 s to lay out in plain WeasyPrint, 22.9 s in an
Imprint build; 900 words did not finish in 4 minutes. The patch gives Pango the
text's first characters (twice as many as fit in the line's width at the text's
size, at least 32), and more, doubling, only while those all fit in the line:
the first line is the same (Pango's first line of a text wrapped at any
character ends where the width does, with this margin of characters after it),
the rest of the text is not laid out again for each character. Measured with
the patch: the same 300-word cell 2.7 s (one line a character is still laid
out, now from a few characters each), the Imprint build 3.4 s; the same PDF
text and pages.

Test that fails without it: tests/test_patches.py::test_a_word_broken_anywhere_is_looked_for_in_a_few_characters
(the characters given to Pango while a table with a 1,000-character cell is laid
out: fewer than 100,000 with the patch, the square of the cell's length without;
the same lines either way).

Upstream: to be filed; docs/upstream.md#weasyprint-a-long-cell-laid-out-once-per-character.
"""

from __future__ import annotations


from . import rewrite

DISTRIBUTION = "weasyprint"
VERSION = "70.0"
UPSTREAM = "docs/upstream.md#weasyprint-a-long-cell-laid-out-once-per-character"

LINES = """        layout.set_text(text)
        pango.pango_layout_set_width(layout.layout, int(max_width * TO_UNITS))
        pango.pango_layout_set_wrap(layout.layout, PANGO_WRAP_MODE['WRAP_CHAR'])
        first_line, index = layout.get_first_line()"""
REPLACEMENT = """        # Imprint: imprint/patches/weasyprint_char_wrap.py
        first_line, index = _imprint_first_line_wrapped_anywhere(layout, text, style, max_width)"""
MODULES = ("weasyprint.text.line_break", "weasyprint.layout.inline", "weasyprint.layout.preferred")  # (by name)

MARGIN = 32  # characters at least after the first line's end: past any cluster Pango keeps whole


def first_line_wrapped_anywhere(layout, text: str, style, max_width: float):
    """Pango's first line of `text` wrapped at any character in `max_width`, and
    its resume index (bytes), as WeasyPrint asks for it, from as few of the
    text's first characters as give the same line: (line, index)."""
    from weasyprint.text.constants import PANGO_WRAP_MODE
    from weasyprint.text.ffi import TO_UNITS, pango

    size = style["font_size"] or 1
    length = max(MARGIN, 2 * int(max_width / size * 4))  # (4: as many characters as an em holds, and more)
    pango.pango_layout_set_width(layout.layout, int(max_width * TO_UNITS))
    pango.pango_layout_set_wrap(layout.layout, PANGO_WRAP_MODE["WRAP_CHAR"])
    while True:
        part = text[:length]
        layout.set_text(part)
        first_line, index = layout.get_first_line()
        after = len(part) - len(part.encode()[:index].decode(errors="ignore")) if index is not None else 0
        if part == text or after >= MARGIN:
            return first_line, index  # (the whole text, or a line that ends well before the part does)
        length *= 2


_EDIT = rewrite.Edit("weasyprint.text.line_break", "split_first_line", MODULES, LINES, REPLACEMENT, __name__,
                     {"_imprint_first_line_wrapped_anywhere": first_line_wrapped_anywhere})
apply, applied, original = _EDIT.apply, _EDIT.applied, _EDIT.original
