"""WeasyPrint 70.0: the narrowest width of a text broken anywhere is measured once a character, not found line by line.

Version: weasyprint 70.0 exactly (VERSION; check_versions() refuses another).

What goes wrong: nothing but time. A table's automatic layout asks each cell
for its narrowest width (min-content: `inline_line_widths` in
layout/preferred.py, `minimum`). WeasyPrint finds it by breaking the cell's text
into lines of width 0 one after the other (`split_first_line`, four to six Pango
layouts each). With `overflow-wrap: anywhere` (print.css sets it on table cells,
so that no table runs past the page) each line is one character: a cell of
1,000 characters is 1,000 calls. The lines are then only compared: the widest
counts, and the first and the last join what comes before and after the text.
The patch measures each distinct character (Pango's clusters, where it may
break a line wrapped at any character) once, alone, as WeasyPrint's line of it
is measured, and gives the same three numbers: the first line, the widest of
the others, the last (found by WeasyPrint itself, from the last character on).
Only text that WeasyPrint breaks at every character takes this path (white-space
normal, `overflow-wrap: anywhere`, at a line's start, no soft hyphen, no space
but U+0020 and U+00A0: an em space or an ideographic space made another width
in review); all other text is measured as before.

Measured (2026-12-06, this version, 2 cores, one process): a PhD thesis's 65
pages with 122 table lines (fungs/thesis-phd, its chapters in one article, laid
out 5 times as figures move): its PDF 41.9 s without the patch (the tables'
narrowest widths: 18.9 s of 50 profiled), 29.0 s with it (2.6 s profiled); an
article whose table header holds 300 words: 6.2 s, 1.2 s. The same PDF bytes
with and without it, for both, and for a table of 14 columns of Cyrillic,
non-breaking spaces, combining accents, ligatures, CJK and a URL.

Test that fails without it: tests/test_patches.py::test_a_table_cell_broken_anywhere_is_measured_once_a_character
(the Pango layouts made for the narrowest width of a 1,000-character cell:
fewer than 300 with the patch, over 4,000 without; the same widths either way).

Upstream: to be filed; docs/upstream.md#weasyprint-narrowest-width-found-line-by-line.
"""

from __future__ import annotations

import re

from . import rewrite

DISTRIBUTION = "weasyprint"
VERSION = "70.0"
UPSTREAM = "docs/upstream.md#weasyprint-narrowest-width-found-line-by-line"

LINES = """            lines = []
            resume_index = new_resume_index = 0
            while new_resume_index is not None:"""
REPLACEMENT = """            lines = []
            resume_index = new_resume_index = 0
            if minimum and not first_line and is_line_start:  # Imprint: imprint/patches/weasyprint_narrowest.py
                lines = _imprint_narrowest_lines(child_text.decode(), child.style, context,
                                                 child.justification_spacing)
                new_resume_index = None if lines else 0
            while new_resume_index is not None:"""


_OTHER_SPACES = re.compile(r"[^\S \u00a0]")


def narrowest_lines(text: str, style, context, justification_spacing: float) -> list:
    """The lines of `text` at width 0, broken at every character, as WeasyPrint's
    loop would find them one by one, reduced to what is read of them: [the first
    line's width, the widest of the lines between, the last line's width] (a
    width 0 as None, as there). [] where WeasyPrint does not break the text at
    every character, or would not find one character a line: the loop then runs."""
    from weasyprint.text import line_break

    if (style["white_space"] != "normal" or style["overflow_wrap"] != "anywhere" or style["word_break"] == "break-all"
            or not text or "\xad" in text or text.isspace() or _OTHER_SPACES.search(text)):
        return []  # (spaces other than U+0020 and U+00A0: Pango's lines of them were not compared)
    attrs = line_break.get_log_attrs(text, style["lang"])
    starts = [0] + [i for i in range(1, len(text)) if attrs[i].is_char_break]
    clusters = [text[a:b] for a, b in zip(starts, starts[1:] + [len(text)])]
    printed = [(start, cluster) for start, cluster in zip(starts, clusters) if not cluster.isspace()]
    if len(printed) < 3 or text[0].isspace():
        return []  # (short: the loop is as quick)
    widths: dict[str, float] = {}

    def width(cluster: str) -> float:
        if cluster not in widths:
            widths[cluster] = line_break.split_first_line(
                cluster.rstrip(" "), style, context, None, justification_spacing, is_line_start=True,
                minimum=True)[3]
        return widths[cluster]

    last = line_break.split_first_line(text[printed[-1][0]:], style, context, 0, justification_spacing,
                                       is_line_start=True, minimum=True)
    if last[2] is not None:
        return []  # (the last character would not end the text's lines)
    middle = max(width(cluster) for _, cluster in printed[1:-1])
    return [width(printed[0][1]) or None, middle or None, last[3] or None]


_EDIT = rewrite.Edit("weasyprint.layout.preferred", "inline_line_widths", ("weasyprint.layout.preferred",), LINES,
                     REPLACEMENT, __name__, {"_imprint_narrowest_lines": narrowest_lines})
apply, applied, original = _EDIT.apply, _EDIT.applied, _EDIT.original
