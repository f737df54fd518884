"""Tables Pandoc reads otherwise than they are written, found in the text (QA 23).

A pipe table's row with more cells than the table has columns: Pandoc keeps as
many cells as the line under the header has parts and leaves the others out, in
silence. A grid table whose lines do not keep to its border's columns: Pandoc
joins its cells, prints its `|` and `+---+` as text, or leaves lines out. Each is
told at its line (Pandoc's reader keeps no positions: the text is read here the
way Pandoc 3.9 reads it, its `pipeTable` and the gridtables library).

Step of structure.py's pass (`_Steps.tables()`).
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from typing import Iterator

from .ast import walk
from .locate import Source

# What opens a line in a quote or a list item before the table's own text.
_LEAD = re.compile(r"(?:[ \t]*>)*[ \t]*")
_ITEM = re.compile(r"(?:[-*+]|\d{1,9}[.)]|#[.)])[ \t]+")
# What may stand right before a table's first line (besides nothing, or a blank line).
_BLOCK_BEFORE = re.compile(r"#{1,6}(?:[ \t]|$)|:{3,}")  # a heading, a div's fence
# The line under a pipe table's header (pipeBreak): |---|:--:|, ---|---, | --- |.
_PIPE_BREAK = re.compile(r"(\|)?[ \t]*:?-+:?[ \t]*(?:[|+][ \t]*:?-+:?[ \t]*)*\|?[ \t]*")
# In a pipe table's row, what Pandoc does not split at a | (an escaped character, an
# HTML tag), and the | it splits at; code and formulas are blanked out before (Source.prose).
_ROW_PARTS = re.compile(r"\\(?:[^\w\n]|_)|</?[A-Za-z][\w-]*(?:\s[^<>\n]*)?/?>|\|")
# A grid table's first line (gridtables' gridTable): +---+:---:+
_GRID_TOP = re.compile(r"\+(?::?-+:?\+)+[ \t]*")


class Tables:
    """The step of structure._Steps about tables as written (it uses its blocks,
    source and warn())."""

    def tables(self) -> None:
        found = misread(self.source)
        if not found:
            return
        # (a table written in a code block or an HTML comment is no table: its lines are that block's)
        verbatim = {line.strip() for node in walk(self.blocks) if node["t"] in ("CodeBlock", "RawBlock")
                    for line in node["c"][1].split("\n")}
        for line, written, message, hint in found:
            if written.strip() not in verbatim:
                self.warn(line, message, hint=hint)


def misread(source: Source) -> list[tuple[int, str, str, str]]:
    """The tables of the text Pandoc reads otherwise than they are written (see
    above), each as (line, the text of the line at fault, message, hint), in time
    linear in the text's length."""
    text = source.text.split("\n")
    found = [*_overflowing_rows(text, source.prose.split("\n")),
             *_misdrawn_grids(text, source.searchable.split("\n"), source.first_line)]
    return [(source.first_line + index, _content(text[fault]), message, hint) for index, fault, message, hint in found]


def _content(line: str) -> str:
    """A line without what opens it in a quote or a list item."""
    return line[_LEAD.match(line).end():]


# -- pipe tables

def _overflowing_rows(text: list[str], prose: list[str]) -> Iterator[tuple[int, int, str, str]]:
    """Each row of a pipe table (its header too) with a cell past the table's
    columns, as (its index, the index to check, message, hint). `prose` is the
    text with code and formulas blanked out, line for line."""
    index = 1
    while index < len(prose):
        lead = _LEAD.match(prose[index]).end()
        dashes = _PIPE_BREAK.fullmatch(prose[index], lead)
        columns = len(re.findall("-+", prose[index])) if dashes else 0
        header = index - 1
        start = _row_start(prose[header]) if dashes and (dashes.group(1) or columns > 1) else None
        if start is None or "|" not in text[header]:
            index += 1
            continue
        if not _block_starts(prose, header):
            yield (header, header, "this table follows a line of text with no blank line between: Pandoc reads it "
                   "as that paragraph's text, printed with its | and ---", "leave a blank line before the table")
            index += 1
            continue
        heads = _cells(prose[header], start)
        if heads is None:
            index += 1
            continue
        head_count = _count(text[header], heads)
        yield from _left_out(text, header, heads, columns, head_count, header=True)
        index += 1
        while index < len(prose) and "|" in text[index]:
            cells = _cells(prose[index], _LEAD.match(prose[index]).end())
            if cells is None:
                break
            yield from _left_out(text, index, cells, columns, head_count)
            index += 1


def _row_start(line: str) -> int | None:
    """Where a table's first line starts its text (after a quote's >, a list item's
    marker), or None when it is no table's (a heading)."""
    start = _LEAD.match(line).end()
    item = _ITEM.match(line, start)
    start = item.end() if item else start
    return None if _BLOCK_BEFORE.match(line, start) or not line[start:].strip() else start


def _block_starts(prose: list[str], index: int) -> bool:
    """Whether a block may start on this line: Pandoc reads no table in the middle
    of a paragraph."""
    if index == 0:
        return True
    before = _content(prose[index - 1])
    return not before.strip() or bool(_BLOCK_BEFORE.match(before))


def _cells(line: str, start: int) -> list[tuple[int, int]] | None:
    """The spans of a pipe table row's cells, as Pandoc's pipeTableRow splits the
    line from `start`: at each | that is not escaped, in code, in a formula or in
    an HTML tag. None when the line is no row: one cell without a | before it."""
    begin = start + len(line[start:]) - len(line[start:].lstrip(" \t"))
    pipes = [m.start() for m in _ROW_PARTS.finditer(line, begin) if m.group() == "|"]
    opened = bool(pipes) and pipes[0] == begin
    edges = pipes if opened else [begin - 1, *pipes]
    if not opened and len(edges) == 1:
        return None
    return [(left + 1, right) for left, right in zip(edges, [*edges[1:], len(line)])]


def _count(line: str, cells: list[tuple[int, int]]) -> int:
    """The cells a reader counts in a row: the empty one after a closing | is none."""
    return len(cells) - (1 if not line[cells[-1][0]:].strip() else 0)


def _left_out(text: list[str], index: int, cells: list[tuple[int, int]], columns: int, head_count: int,
              header: bool = False) -> Iterator[tuple[int, int, str, str]]:
    lost = [" ".join(text[index][a:b].split()) for a, b in cells[columns:]]
    lost = [_short(c) for c in lost if c]
    if not lost:
        return
    count = _count(text[index], cells)
    if header:
        what = f"the header has {count} cells, the line under it {columns}"
    elif head_count == columns:
        what = f"this row has {count} cells, the header {columns}"
    else:
        what = f"this row has {count} cells, the line under the header {columns}"
    names = " and ".join([", ".join(lost[:-1]), lost[-1]] if len(lost) > 1 else lost)
    yield (index, index, f"{what}: {names} {'is' if len(lost) == 1 else 'are'} left out",
           "join it to a cell, or add a column (to the header and the line under it)" if len(lost) == 1 else
           "join them to cells, or add columns (to the header and the line under it)")


def _short(cell: str) -> str:
    return f"'{cell if len(cell) <= 40 else cell[:39] + '…'}'"


# -- grid tables

def _misdrawn_grids(text: list[str], searchable: list[str], first_line: int) -> Iterator[tuple[int, int, str, str]]:
    """Each grid table (a +---+ line, then lines of | and +) whose lines do not keep
    to its border's columns, as (its first line's index, the index of the line at
    fault, message, hint). `searchable` is the text with code blanked out."""
    index = 0
    while index < len(searchable) - 1:
        lead = _LEAD.match(searchable[index]).end()
        prefix = text[index][:lead]
        if not _GRID_TOP.fullmatch(searchable[index], lead) or not text[index + 1].startswith(prefix + "|"):
            index += 1
            continue
        end = index + 1
        while end < len(text) and text[end].startswith(prefix) and text[end][lead:lead + 1] in ("|", "+"):
            end += 1
        fault = _misfit([text[i][lead:].expandtabs(4).rstrip() for i in range(index, end)])
        if fault is not None:
            line, reason = fault
            yield (index, index + line,
                   f"this grid table is misread: {reason.format(line=first_line + index + line)} (Pandoc joins "
                   "its cells, prints its | and +---+ as text or leaves lines out)",
                   "draw each line as long as the border, with each | under a + of the border, and close the "
                   "table with a +---+ line (a Chinese or Japanese character is two columns wide)")
        index = end


def _misfit(lines: list[str]) -> tuple[int, str] | None:
    """The first line of a grid table that does not keep to its border's columns
    (by its index), with what is wrong with it; None when all do."""
    placed = [_placed(line) for line in lines]
    width = placed[0][1]
    corners = {column for marks, _ in placed for column, mark in marks.values() if mark == "+"}
    ordered = sorted(corners)
    for number, (line, (marks, end)) in enumerate(zip(lines, placed)):
        if end > width:
            return number, "line {line} reaches past the border's last +"
        if line[-1] in "|+" and end < width:
            return number, "line {line} ends before the border's last +"
        # (a | with a space before it in a column of no + of the table, in a line without a | in a
        # column of one: a cell's border moved, not a | written in its text)
        stray = any(mark == "|" and line[at - 1:at] == " " and column not in corners for at, (column, mark)
                    in marks.items())
        kept = sum(1 for column, _ in marks.values() if column in corners)
        if stray and kept < bisect_left(ordered, end):
            return number, "a | of line {line} stands under no + of the border"
    if not lines[-1].startswith("+"):
        return len(lines) - 1, "no border line (+---+) closes it after line {line}"
    return None


def _placed(line: str) -> tuple[dict[int, tuple[int, str]], int]:
    """The | and + of a line, by their index, with the column each stands in (as a
    fixed-width font shows them, as gridtables counts: a wide character is two
    columns, a combining one none), and the column the line ends at."""
    marks: dict[int, tuple[int, str]] = {}
    column = 0
    for at, char in enumerate(line):
        if char in "|+":
            marks[at] = (column, char)
        column += _width(char)
    return marks, column


def _width(char: str) -> int:
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
