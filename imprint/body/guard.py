"""Text Pandoc's `markdown` reader would take minutes over, refused before it runs.

Pandoc 3.9 backtracks on brackets that do not close: its time grows about
threefold with each two more in a paragraph ("[a" sixteen times: 2 s; twenty:
more than 20 s), nests of brackets are worse (ten deep: 5 s), and long
paragraphs of link targets that never close (`[a](b` again and again) and
runs of backticks of many lengths grow as the cube of their size, and block
quotes nested in block quotes as its square (measured on cmark's pathological
inputs: benchmarks/pathological.py). No prose needs these, so a paragraph past the limits below is an
error naming its line, well before the unit's time limit would stop it.

Once Pandoc has read the text, lists, block quotes and callouts nested within each other
more than MAX_BLOCK_NESTING deep are refused too (check_nesting()): each level
is indented in print (a quote 8 mm, a list 6 mm in styles/css/print.css), and
WeasyPrint 70 silently drops the lines of a box left with no width (measured
on A5, the narrowest paper: 15 quotes lost the 15th's text, 20 lists the
20th's, 17 alternating lists and quotes the 17th's).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from ..errors import Problem
from .ast import LEAVES, Node, kids

MAX_UNCLOSED = 8  # '[' with no ']' after them, in one paragraph
MAX_NESTING = 6  # '[' inside '[': a link holding a citation is 2
MAX_OPEN_LINKS = 8  # '](' with no ')' after them: link targets that never close
MAX_BACKTICKS = 24  # the longest run of backticks outside code blocks
MAX_QUOTES = 64  # '>' opening a line: block quotes within block quotes (Pandoc's time)
MAX_BLOCK_NESTING = 10  # lists, block quotes, definition lists, callouts within each other (printed width)

_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})")
_DEFINITION = re.compile(r"^[ ]{0,3}\[[^\]]+\]:")  # [label]: url, [^note]: text (each a line of its own)
_QUOTES = re.compile(r"^(?:[ \t]*>){%d}" % (MAX_QUOTES + 1), re.M)
_BRACKET = re.compile(r"\\.|[\[\]]")
_BACKTICKS = re.compile(r"`{%d,}" % (MAX_BACKTICKS + 1))
_LIST_ITEM = re.compile(r"^[ ]{0,3}(?:[-*+]|\d{1,9}[.)]|#[.)]|\(?[a-zA-Z]{1,4}[.)])[ \t]")
# What Pandoc reads before any bracket in it: code spans and TeX math ($[0, 1)$ is no link)
# (a code span opens at a whole run of backticks, a formula not at an escaped dollar,
# as Pandoc reads them: else the search was quadratic over a long run)
_VERBATIM = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)|\$\$.+?\$\$|(?<!\\)\$(?=\S)(?:\\.|[^$\\])+?(?<=\S)\$",
                       re.S)


@dataclass(frozen=True)
class _Block:
    line: int  # the file's line of its first line
    text: str
    table: bool


def check(text: str, file: str, first_line: int) -> list[Problem]:
    """Every paragraph past the limits, as a problem at its first line."""
    problems = []
    deep = _QUOTES.search(text)
    if deep:
        problems.append(Problem(file, f"block quotes are nested here more than {MAX_QUOTES} deep",
                                line=first_line + text.count("\n", 0, deep.start()),
                                hint="simplify the structure of this passage"))
    for block in _blocks(text, first_line):
        rows = block.text.split("\n")
        if block.table or any(_DEFINITION.match(row) for row in rows):  # each row, each definition: on its own
            parts = [(block.line + i, row) for i, row in enumerate(rows)]
        else:
            parts = [(block.line, block.text)]
        for line, part in parts:
            message = _too_much(part)
            if message:
                problems.append(Problem(file, message, line=line,
                                        hint="close the brackets, or write them as \\[ and \\] if they are text"))
                break
        match = _BACKTICKS.search(block.text)
        if match:
            problems.append(Problem(file, f"a run of {len(match.group())} backticks is more than Imprint reads "
                                    f"({MAX_BACKTICKS})", line=block.line + block.text.count("\n", 0, match.start()),
                                    hint="open a code block with ``` on a line of its own"))
    return problems


def _too_much(text: str) -> str | None:
    if text.count("[") <= MAX_UNCLOSED and "[" * (MAX_NESTING + 1) not in text:
        return None  # (most paragraphs: nothing to count)
    text = _VERBATIM.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    last_close = text.rfind(")")
    open_links = sum(1 for m in re.finditer(r"\]\(", text) if m.start() > last_close)
    if open_links > MAX_OPEN_LINKS:
        return f"this paragraph has {open_links} link targets ']( ...' that never close; Imprint reads at most " \
               f"{MAX_OPEN_LINKS}"
    deepest = 0
    open_at: list[int] = []
    for match in _BRACKET.finditer(text):
        token = match.group()
        if token == "[":
            open_at.append(match.start())
            deepest = max(deepest, len(open_at))
        elif token == "]" and open_at:
            open_at.pop()
    if len(open_at) > MAX_UNCLOSED:
        return f"this paragraph opens {len(open_at)} brackets that never close; Imprint reads at most {MAX_UNCLOSED}"
    if deepest > MAX_NESTING:
        return f"this paragraph nests brackets {deepest} deep; Imprint reads at most {MAX_NESTING}"
    return None


def _blocks(text: str, first_line: int):
    """The text's paragraphs (and tables), code blocks left out."""
    lines = text.split("\n")
    fence: str | None = None
    start, rows = None, []
    in_list = False  # (an indented paragraph in a list continues an item: it is no code block)
    for index, line in enumerate(lines + [""]):
        if fence is not None:
            match = _FENCE.match(line.lstrip() if in_list else line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            continue
        match = _FENCE.match(line.lstrip() if in_list else line)
        indented = line.startswith(("    ", "\t"))
        if match or not line.strip() or indented and not rows and not in_list:
            if rows:
                yield _Block(first_line + start, "\n".join(rows), all(r.lstrip().startswith(("|", "+")) for r in rows))
            start, rows = None, []
            if match:
                fence = match.group(1)
            continue
        if not rows:
            start = index
            if not indented:
                in_list = bool(_LIST_ITEM.match(line))
        rows.append(line)


# The blocks the print edition indents: a level of nesting each, as is a callout
# (Quarto's boxed div); a note's text starts again at the foot of the page, at
# the full width.
_INDENTING = frozenset(("BlockQuote", "BulletList", "OrderedList", "DefinitionList"))


def check_nesting(blocks: list[Node], file: str, line_of: Callable[[Node], int | None],
                  field: str | None = None) -> list[Problem]:
    """A problem for each top-level block whose lists and quotes nest more than
    MAX_BLOCK_NESTING deep, at the line of the first one too deep (`line_of`
    finds it in the source: Pandoc's AST has no positions)."""
    problems = []
    for block in blocks:
        stack = [(block, 0)]
        while stack:
            node, depth = stack.pop()
            if node["t"] in _INDENTING or node["t"] == "Div" and any(
                    c == "callout" or c.startswith("callout-") for c in node["c"][0][1]):  # (boxed: padded)
                depth += 1
                if depth > MAX_BLOCK_NESTING:
                    problems.append(Problem(
                        file, f"lists, block quotes and callouts are nested here {MAX_BLOCK_NESTING + 1} levels deep; "
                              f"Imprint prints at most {MAX_BLOCK_NESTING}", line=line_of(node), field=field,
                        hint="simplify the structure of this passage (each level is indented in print, "
                             "and the text has no room left)"))
                    break
            elif node["t"] == "Note":
                depth = 0
            below = kids(node)
            if below:  # (a leaf, most of the nodes, neither indents nor holds a note: not stacked)
                stack += [(child, depth) for child in reversed(below) if child["t"] not in LEAVES]
    return problems
