"""WeasyPrint 70.0: a line Pango did not wrap but WeasyPrint measures too wide is wrapped, not cut after its first word.

Version: weasyprint 70.0 exactly (VERSION; check_versions() refuses another).

What goes wrong: `split_first_line` asks Pango for the first line of a text in
a width. With the kerning feature off (print.css sets `font-kerning: none` on
paragraphs: WeasyPrint measured lines unkerned and drew them kerned), Pango may
keep the whole text on one line (no resume index) although WeasyPrint's own
measure of that line (`line_size`) is wider than the width: on the seed with a
paragraph "A formula that appears in the running text ... produced by the
**math** environment ...", the text before the bold word measured 628.19 px for
627.40 px. WeasyPrint then takes the line for one that cannot be broken and
keeps only its first word ("the line can't be split earlier, try to hyphenate
the first word"): the paragraph printed "A" alone on its first line (found in
Quarto's ACM template). The overshoot is the text's trailing space,
which WeasyPrint measures and Pango lets hang past the width (the text box ends
before a bold word). The patch adds one step before that decision: while Pango
keeps the text whole but the line measures wider, the layout is given a
narrower width, a pixel at a time (at most TRIES), so that Pango breaks it at
its last break that fits; the line is then cut there, as WeasyPrint meant to
("break the waiting child at its last possible breaking point"). Lines Pango
wraps itself, and lines that fit, are laid out as before. Measured (2026-12-05, this version): the seed with that
paragraph, its first line "A" without the patch, "A formula that appears ...
produced by" with it; the seed itself and the test documents: the same pages.

Test that fails without it: tests/test_patches.py::test_a_line_pango_keeps_whole_but_too_wide_is_wrapped
(the seed with that paragraph: its first line holds more than "A").

Upstream: to be filed; docs/upstream.md#weasyprint-a-line-cut-after-its-first-word.
"""

from __future__ import annotations


from . import rewrite

DISTRIBUTION = "weasyprint"
VERSION = "70.0"
UPSTREAM = "docs/upstream.md#weasyprint-a-line-cut-after-its-first-word"

LINE = """    first_line_width, _ = line_size(first_line, style)
    if resume_index is None and first_line_width <= max_width:"""
REPLACEMENT = """    first_line_width, _ = line_size(first_line, style)
    if resume_index is None and first_line_width > max_width:  # Imprint: imprint/patches/weasyprint_rewrap.py
        first_line, resume_index, first_line_width = _imprint_rewrap(layout, style, max_width, first_line_width)
    if resume_index is None and first_line_width <= max_width:"""
MODULES = ("weasyprint.text.line_break", "weasyprint.layout.inline", "weasyprint.layout.preferred")  # (by name)


TRIES = 12  # pixels: more than a space at any text size the stylesheets set


def rewrap(layout, style, max_width: float, width: float):
    """Pango's first line of `layout` in a narrower width, a pixel less each
    time (a trailing space's width, at most TRIES pixels), until Pango wraps it
    or it measures within `max_width`: (line, resume index, width)."""
    from weasyprint.text.ffi import TO_UNITS, pango
    from weasyprint.text.line_break import line_size

    target = max_width - (width - max_width)
    for _ in range(TRIES):
        pango.pango_layout_set_width(layout.layout, int(max(target, 0) * TO_UNITS))
        line, resume_index = layout.get_first_line()
        width, _ = line_size(line, style)
        if resume_index is not None or width <= max_width:
            break
        target -= 1
    return line, resume_index, width


_EDIT = rewrite.Edit("weasyprint.text.line_break", "split_first_line", MODULES, LINE, REPLACEMENT, __name__,
                     {"_imprint_rewrap": rewrap})
apply, applied, original = _EDIT.apply, _EDIT.applied, _EDIT.original
