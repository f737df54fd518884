"""Quarto's syntax that Pandoc's `markdown` reader does not know, made readable.

A Quarto code cell opens with ```` ```{python} ```` (or `{r}`, `{julia}`, ...):
Pandoc reads that as inline code. Each such fence becomes a code block of
classes `.python .imprint-cell`, with the line it was written on, so that
numbering.py can show it as code and say it was not executed. A cell written
with doubled braces, ```` ```{{python}} ````, is Quarto's way to show a cell as
it is written (its documentation does): a code block of class
`.imprint-shown-cell`, its fence's text kept in `imprint-fence`, which
structure.py puts back around the code. Lines are kept one for one: every line
number Pandoc or Imprint reports stays the file's.
"""

from __future__ import annotations

import re
from urllib.parse import quote

_FENCE = re.compile(r"^(?P<indent>[ ]{0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_CELL = re.compile(r"^[ \t]*\{(?P<lang>[A-Za-z][\w+-]*)(?P<rest>[^}]*)\}[ \t]*$")
_SHOWN_CELL = re.compile(r"^[ \t]*\{\{(?P<info>[A-Za-z][^{}]*)\}\}[ \t]*$")


def mark_cells(text: str, first_line: int) -> str:
    """The body with Quarto's code cells as attributed fenced code blocks."""
    if "```{" not in text and "~~~{" not in text and "``` {" not in text:
        return text
    lines = text.split("\n")
    open_fence: str | None = None
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if match is None:
            continue
        fence = match.group("fence")
        if open_fence is not None:
            if fence[0] == open_fence[0] and len(fence) >= len(open_fence) and not match.group("info").strip():
                open_fence = None
            continue
        open_fence = fence
        cell, shown = _CELL.match(match.group("info")), _SHOWN_CELL.match(match.group("info"))
        if cell is not None:
            lines[index] = (f"{match.group('indent')}{fence}{{.{cell.group('lang')} .imprint-cell "
                            f"imprint-line={first_line + index}}}")
        elif shown is not None:
            written = quote(f"{fence}{{{shown.group('info').strip()}}}", safe="")
            lines[index] = f"{match.group('indent')}{fence}{{.imprint-shown-cell imprint-fence=\"{written}\"}}"
    return "\n".join(lines)
