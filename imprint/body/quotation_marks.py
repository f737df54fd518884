"""Straight quotation marks Pandoc could not pair, in a language of other marks.

Pandoc's `smart` extension reads `"..."` as a quotation, which the editions print
in the language's marks (html.py, `_Quoted`). A straight mark it cannot pair (a
quotation inside a quotation typed with the same marks, `"внешние "внутренние"
снова внешние"`, or a quotation left open) it writes into the word as English's
“ or ”: a Russian text printed “ among its «» (QA 24). Where the text has no “ or
” typed as such (each mark on its own: then all of that mark are Pandoc's), such
a mark takes the language's own, an opening one its opening mark, a closing one
its closing mark, and a warning names its line: which pair was meant is the
author's to say.
"""

from __future__ import annotations

from ..errors import Problem
from .ast import Node, walk
from .locate import Source

# English's marks as Pandoc writes an unpaired straight one: which of the language's it becomes
_UNPAIRED = {"\u201c": 0, "\u201d": 1}


def localise_unpaired(blocks: list[Node], source: Source, quotes: str, file: str) -> list[Problem]:
    """Each word with a mark Pandoc could not pair given the language's (`quotes`:
    double open and close, single open and close), in place; a warning for each,
    at its line. Nothing where the language's marks are English's, nor in the
    citations a style formatted."""
    pandocs = [mark for mark in _UNPAIRED if mark not in source.text and mark not in quotes[:2]]
    if not pandocs:
        return []
    warnings = []
    for node in walk(blocks, skip=frozenset({"Cite"})):  # (a citation: the style's text, in its own marks)
        found = [mark for mark in pandocs if mark in node["c"]] if node["t"] == "Str" else []
        if not found:
            continue
        word = node["c"]
        node["c"] = word.translate({ord(mark): quotes[_UNPAIRED[mark]] for mark in found})
        written = word.translate({ord(mark): '"' for mark in found})
        printed = " and ".join(quotes[_UNPAIRED[mark]] for mark in found)
        warnings.append(Problem(
            file, f"a straight quotation mark that Pandoc could not pair with another ({written}) is printed "
                  f"as {printed}", line=source.take(written, math=False),
            hint=f"a quotation inside a quotation takes the other marks: type them "
                 f"({quotes[0]}…{quotes[2]}…{quotes[3]}…{quotes[1]}), or ' inside \"…\""))
    return warnings
