"""WeasyPrint 70.0: a table's header rows that only its later parts show ("Продолжение табл. 1").

Version: weasyprint 70.0 exactly (VERSION; check_versions() refuses another).

What goes wrong: nothing WeasyPrint does is wrong; it lacks a way to say it. A
table a page break cuts repeats its header (thead) on the next page, and a
journal prints a line over that part, «Продолжение табл. 1» (GOST 7.32),
"Table 1 (continued)". CSS has no selector for a box's later fragments, and
WeasyPrint 70 no `::continued`: a row of the header is shown on every part or
on none.

The patch: the header's first rows of class `table-continued` (imprint/body/html.py
writes one, the line in the article's words) are left out of the header laid
out over the table's first part (table_layout called without a skip stack),
and kept in the header WeasyPrint repeats over each later part. With collapsed
borders, the first part's grid of borders (build.py's collapsed_border_grid, a
row of it for each row of the table) is taken without those rows, so that the
header's top rule is drawn where the header begins. Over the later parts, the
rows are not counted as rows by the tagged PDF (weasyprint.pdf.tags numbers
the header cells "<table>-<row>-<column>" by their row among the part's
rows): the cells of each part name the same header cells, and
imprint/editions/pdf/order.py makes the repeated header, this line with it,
an artifact (read once, in the first part).

Measured (2026-12-08, this version): tests/cases/apparatus-ru's long table (45
rows over three pages): without the patch, the line printed over its first
part too, under the caption; with it, on pages 2 and 3 of the table only. Its
layout (typeset._lay_out, 7 pages) took the same time before and after the
change, within this shared machine's noise: three alternating rounds of 5,
medians 0.90, 0.98, 1.05 s before and 1.10, 0.95, 1.05 s after.

Test that fails without it: tests/test_patches.py::test_a_table_says_it_continues_only_on_its_later_pages
(a table over two pages: its continuation line on the second only, the first
page's header rule where the header starts).

Upstream: to be filed; docs/upstream.md#weasyprint-no-way-to-mark-a-tables-continued-parts.
"""

from __future__ import annotations

import sys
from typing import Callable

from . import rewrite

DISTRIBUTION = "weasyprint"
VERSION = "70.0"
UPSTREAM = "docs/upstream.md#weasyprint-no-way-to-mark-a-tables-continued-parts"

CLASS = "table-continued"
# What the tagged PDF sees of such a row over a later part: not a "tr", which
# weasyprint.pdf.tags (_get_rows) counts to number the header cells.
UNCOUNTED = "tr::continued"


def table_layout(context, table, bottom_space, skip_stack, *args):
    """WeasyPrint's table_layout, the header's continuation rows left out of the
    table's first part (and uncounted in its later ones)."""
    original = rewrite.original(table_layout)
    header = table.children[0] if table.children and table.children[0].is_header else None
    rows = _continuation_rows(header)
    if not rows:
        return original(context, table, bottom_space, skip_stack, *args)
    if skip_stack is not None:  # (a later part: the header with its line)
        result = original(context, table, bottom_space, skip_stack, *args)
        if result[0] is not None and result[0].children and result[0].children[0].is_header:
            for row in result[0].children[0].children[:rows]:
                row.element_tag = UNCOUNTED
        return result
    children, grid = header.children, getattr(table, "collapsed_border_grid", None)
    header.children = list(children[rows:])
    if table.style["border_collapse"] == "collapse" and grid is not None:
        vertical, horizontal = grid  # (a row of each per table row; horizontal has one line more)
        table.collapsed_border_grid = (vertical[rows:], horizontal[rows:])
    try:  # (the part's table box copies the grid it is laid out with: draw reads that one)
        return original(context, table, bottom_space, skip_stack, *args)
    finally:
        header.children = children
        if grid is not None:
            table.collapsed_border_grid = grid


def _continuation_rows(header) -> int:
    """How many of the header's first rows are continuation lines, if the header
    has other rows (a header of only such rows is left as it is)."""
    if header is None:
        return 0
    count = 0
    for row in header.children:
        if row.element is None or CLASS not in (row.element.get("class") or "").split():
            break
        count += 1
    return count if count < len(header.children) else 0


def apply() -> None:
    from weasyprint.layout import block, table

    if applied():
        return
    table_layout.__dict__[rewrite.ORIGINAL] = table.table_layout
    block.table_layout = table.table_layout = table_layout  # (block.py imported it by name)


def applied() -> bool:
    block = sys.modules.get("weasyprint.layout.block")
    return block is not None and block.table_layout is table_layout


def original() -> list[tuple[object, str, Callable]]:
    """(module, name, WeasyPrint's own function) where the patch sets its own (for
    tests: monkeypatch.setattr(*each))."""
    from weasyprint.layout import block, table

    own = rewrite.original(table_layout)
    return [(block, "table_layout", own), (table, "table_layout", own)]
