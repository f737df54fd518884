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

Quarto reads some attributes as Markdown: a callout's `title="A **bold** one"`,
a theorem's `name`, `fig-cap`, `tbl-cap` and `lst-cap` (on divs and code blocks,
and in a cell's `#|` lines). Pandoc's reader keeps attributes as text, so their
values are found in the text (written_texts()), read by the same Pandoc run as
metadata, and given to their nodes (read_texts()).
"""

from __future__ import annotations

import copy
import html
import re
from urllib.parse import quote

from .ast import TEXTS, Node, annotate, attr, walk

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


MARKDOWN_ATTRIBUTES = ("title", "name", "fig-cap", "tbl-cap", "lst-cap")
_ATTRIBUTE = re.compile(r"(?<![\w-])(title|name|fig-cap|tbl-cap|lst-cap)="
                        r"(?:\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'|([^\s\"'}]+))")
_CELL_OPTION = re.compile(r"^[ \t]*(?:#|%%|//|--)\|[ \t]*(fig-cap|tbl-cap)[ \t]*:(.*)$", re.M)
# A cell's option line: `#| key: value` (`%%|` in Mermaid, `//|` in Graphviz and JavaScript, `--|` in SQL)
_OPTION_LINE = re.compile(r"^[ \t]*(?:#|%%|//|--)\|(.*)$")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # (Pandoc's escapable ASCII punctuation)


def written_texts(text: str) -> list[str]:
    """The values of the attributes Quarto reads as Markdown, once each, as Pandoc's
    reader will hold them (escapes and entities read, lines joined)."""
    found: dict[str, None] = {}
    for match in _ATTRIBUTE.finditer(text):
        value = next(v for v in match.groups()[1:] if v is not None)
        value = html.unescape(_ESCAPED.sub(r"\1", value)).replace("\n", " ")
        if value.strip():
            found[value] = None
    for match in _CELL_OPTION.finditer(text):
        value = cell_option(match.group(2))
        if value:
            found[value] = None
    return list(found)


def cell_option(value: str) -> str:
    """A `#|` option's value, as numbering.py reads it."""
    return value.strip().strip("\"'")


def cell_options(code: str) -> tuple[dict[str, str], str]:
    """A cell's options (its first lines, `#| key: value`) and the code after them."""
    options: dict[str, str] = {}
    lines = code.split("\n")
    while lines and (match := _OPTION_LINE.match(lines[0])):
        key, _, value = match.group(1).partition(":")
        options[key.strip()] = cell_option(value)
        lines.pop(0)
    return options, "\n".join(lines)


def read_texts(blocks: list[Node], written: list[str], read: Node | None) -> None:
    """Each div and code block given its Markdown attributes as Pandoc read them
    (`read`: the metadata list of `written`), under TEXTS: ast.attr_inlines() and
    kids() find them there. A value not found stays text (attr_inlines())."""
    if read is None or read.get("t") != "MetaList" or len(read["c"]) != len(written):
        return
    inlines: dict[str, list[Node]] = {}
    for value, meta in zip(written, read["c"]):
        if meta["t"] == "MetaInlines":
            inlines[value] = meta["c"]
        elif meta["t"] == "MetaBlocks" and len(meta["c"]) == 1 and meta["c"][0]["t"] in ("Para", "Plain"):
            inlines[value] = meta["c"][0]["c"]
    for node in walk(blocks):
        if node["t"] not in ("Div", "CodeBlock"):
            continue
        texts = {key: copy.deepcopy(inlines[value]) for key, value in attr(node)[2]
                 if key in MARKDOWN_ATTRIBUTES and value in inlines}
        if node["t"] == "CodeBlock" and "imprint-cell" in attr(node)[1]:
            options = cell_options(node["c"][1])[0]
            for key in ("fig-cap", "tbl-cap"):
                if options.get(key) in inlines:
                    texts[key] = copy.deepcopy(inlines[options[key]])
        if texts:
            annotate(node, **{TEXTS: texts})
