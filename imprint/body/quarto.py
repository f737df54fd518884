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
from typing import Iterator
from urllib.parse import quote

from .ast import TEXTS, Node, annotate, attr, walk
from .quarto_divs import PROOFS, THEOREMS

_FENCE = re.compile(r"^(?P<indent>[ ]{0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_CELL = re.compile(r"^[ \t]*\{(?P<lang>[A-Za-z][\w+-]*)(?P<rest>[^}]*)\}[ \t]*$")
_SHOWN_CELL = re.compile(r"^[ \t]*\{\{(?P<info>[A-Za-z][^{}]*)\}\}[ \t]*$")


def mark_cells(text: str, first_line: int) -> str:
    """The body with Quarto's code cells as attributed fenced code blocks."""
    if "```{" not in text and "~~~{" not in text and "``` {" not in text:
        return text
    lines = text.split("\n")
    for index, _, where, match in _fenced(lines):
        if where != "opening":
            continue
        fence = match.group("fence")
        cell, shown = _CELL.match(match.group("info")), _SHOWN_CELL.match(match.group("info"))
        if cell is not None:
            lines[index] = (f"{match.group('indent')}{fence}{{.{cell.group('lang')} .imprint-cell "
                            f"imprint-line={first_line + index}}}")
        elif shown is not None:
            written = quote(f"{fence}{{{shown.group('info').strip()}}}", safe="")
            lines[index] = f"{match.group('indent')}{fence}{{.imprint-shown-cell imprint-fence=\"{written}\"}}"
    return "\n".join(lines)


def _fenced(lines: list[str]) -> Iterator[tuple[int, str, str, re.Match | None]]:
    """Each line with where it stands: "text", a code block's "opening" fence (with
    its match), its "code", or its "closing" fence."""
    open_fence: str | None = None
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if open_fence is None:
            open_fence = match.group("fence") if match else None
            yield index, line, "opening" if match else "text", match
        elif match and match.group("fence")[0] == open_fence[0] and len(match.group("fence")) >= len(open_fence) \
                and not match.group("info").strip():
            open_fence = None
            yield index, line, "closing", match
        else:
            yield index, line, "code", match


MARKDOWN_ATTRIBUTES = ("title", "name", "fig-cap", "tbl-cap", "lst-cap")
_ATTRIBUTES = re.compile(r"\{[^{}\n]*\}")  # an attribute list: {#id .class key="value"}
_ATTRIBUTE = re.compile(r"(?<![\w-])(title|name|fig-cap|tbl-cap|lst-cap)="
                        r"(?:\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'|([^\s\"'}]+))")
_CELL_CAPTION = re.compile(r"^[ \t]*(?:#|%%|//|--)\|[ \t]*(fig-cap|tbl-cap)[ \t]*:(.*)$")
# A cell's option line: `#| key: value` (`%%|` in Mermaid, `//|` in Graphviz and JavaScript, `--|` in SQL)
_OPTION_LINE = re.compile(r"^[ \t]*(?:#|%%|//|--)\|(.*)$")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # (Pandoc's escapable ASCII punctuation)


def written_texts(text: str) -> list[str]:
    """The values of the attributes Quarto reads as Markdown, once each, as Pandoc's
    reader will hold them (escapes and entities read): in attribute lists outside
    code (a fence's own line included), and in a cell's `#|` caption lines."""
    found: dict[str, None] = {}
    for _, line, where, _ in _fenced(text.split("\n")):
        if where == "code":  # (in code: only a cell's options)
            if (caption := _CELL_CAPTION.match(line)) and cell_option(caption.group(2)):
                found[_key(cell_option(caption.group(2)))] = None
            continue
        for attributes in _ATTRIBUTES.finditer(line) if where != "closing" else ():
            for match in _ATTRIBUTE.finditer(attributes.group()):
                value = next(v for v in match.groups()[1:] if v is not None)
                value = html.unescape(_ESCAPED.sub(r"\1", value))
                if value.strip():
                    found[_key(value)] = None
    return list(found)


def _key(value: str) -> str:
    """A value as written_texts() and read_texts() match it: its words (Pandoc turns
    tabs and line ends into spaces)."""
    return " ".join(value.split())


def cell_option(value: str) -> str:
    """A `#|` option's value, as numbering.py reads it: its quotes, if it is quoted, taken off."""
    value = value.strip()
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else value


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
    """Each node that shows a Markdown attribute (a callout's title, a theorem's
    name, a figure's, table's or listing's caption) given it as Pandoc read it
    (`read`: the metadata list of `written`), under TEXTS: ast.attr_inlines() and
    kids() find it there. A value not found stays text (attr_inlines())."""
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
        texts = {key: copy.deepcopy(inlines[_key(value)]) for key, value in attr(node)[2]
                 if key in _shown(node) and _key(value) in inlines}
        if node["t"] == "CodeBlock" and "imprint-cell" in attr(node)[1]:
            options = cell_options(node["c"][1])[0]
            for key in ("fig-cap", "tbl-cap"):
                if _key(options.get(key, "")) in inlines:
                    texts[key] = copy.deepcopy(inlines[_key(options[key])])
        if texts:
            annotate(node, **{TEXTS: texts})


def _shown(node: Node) -> tuple[str, ...]:
    """The Markdown attributes a div or code block prints (quarto_divs.py, numbering.py)."""
    ident, classes, _ = attr(node)
    kind = ident.split("-", 1)[0] if "-" in ident else ""
    if node["t"] == "CodeBlock":
        return ("lst-cap",) if kind == "lst" else ()
    if any(c == "callout" or c.startswith("callout-") for c in classes):
        return ("title",)
    if kind == "fig":
        return ("fig-cap",)
    if kind == "tbl":
        return ("tbl-cap",)
    return ("name",) if kind in THEOREMS or set(PROOFS) & set(classes) else ()
