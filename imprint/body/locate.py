"""Where things are in the source: Pandoc's `markdown` reader keeps no positions.

A problem found in Pandoc's AST (an unknown citation key, an image not found, a
link to nowhere) is located by its token in the article's text: the token's
occurrences are handed out in the order the source has them, so that the n-th
problem with the same token names the n-th line that writes it. Code (fenced
blocks and inline spans) is left out of the search.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property

_FENCE = re.compile(r"^[ ]{0,3}(`{3,}|~{3,})[^\n]*\n.*?(?:^[ ]{0,3}\1[`~]*[ \t]*$|\Z)", re.M | re.S)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(?:(?!\n[ \t]*\n).)+?(?<!`)\1(?!`)", re.S)  # (within a paragraph)
# Formulas as Pandoc's tex_math_dollars reads them: $$...$$, and $...$ with no space
# inside its dollars and no digit right after the closing one.
_MATH = re.compile(r"\$\$.+?\$\$|(?<![\\$])\$(?![\s$])(?:[^$\n\\]|\\.|\n(?![ \t]*\n))+?(?<![\s\\])\$(?!\d)", re.S)


@dataclass
class Source:
    """An article's Markdown body and where it starts in its file."""

    text: str
    file: str
    first_line: int  # the file's line of the body's first line
    _starts: list[int] = field(init=False)
    _searchable: str = field(init=False)
    _taken: dict[str, int] = field(init=False, default_factory=lambda: defaultdict(int))
    _found: dict[tuple[str, bool], list[int]] = field(init=False, default_factory=dict)
    _keys: dict[str, list[int]] | None = field(init=False, default=None)  # citation key -> lines
    _ids: tuple[dict[str, list[int]], set[str]] | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        self._starts = [0] + [m.end() for m in re.finditer("\n", self.text)]
        # The same text with code blanked out (lengths kept): tokens are looked
        # for in prose only.
        self._searchable = _CODE_SPAN.sub(_blank, _FENCE.sub(_blank, self.text))

    @property
    def searchable(self) -> str:
        """The text with its code blanked out (lengths kept): what tokens are looked for in."""
        return self._searchable

    @cached_property
    def prose(self) -> str:
        """The searchable text with its formulas blanked out too (lengths kept)."""
        return _MATH.sub(_blank, self._searchable)

    def line(self, offset: int) -> int:
        """The file's line of an offset into the body."""
        return self.first_line + bisect.bisect_right(self._starts, offset) - 1

    def body_line(self, line: int) -> int:
        """The file's line of a line of the body as Pandoc counts them (from 1)."""
        return self.first_line + line - 1

    def lines_of(self, pattern: str | re.Pattern, code: bool = False, math: bool = True) -> list[int]:
        """Every line that has the pattern, in order (a regular expression, or a
        literal string); in code too with `code`, not in formulas without `math`."""
        key = (pattern.pattern if isinstance(pattern, re.Pattern) else "\0" + pattern, code, math)
        if key not in self._found:
            text = self.text if code else self._searchable if math else self.prose
            if isinstance(pattern, str):  # (a literal: str.find is much faster than a pattern)
                lines, start = [], text.find(pattern)
                while start != -1:
                    lines.append(self.line(start))
                    start = text.find(pattern, start + max(1, len(pattern)))
                self._found[key] = lines
            else:
                self._found[key] = [self.line(m.start()) for m in pattern.finditer(text)]
        return self._found[key]

    def take(self, pattern: str | re.Pattern, code: bool = False, math: bool = True) -> int | None:
        """The line of the next occurrence of the pattern not handed out yet (the
        last one when all were: a token Pandoc repeated, such as a note's text)."""
        key = (pattern.pattern if isinstance(pattern, re.Pattern) else "\0" + pattern) + str(code) + str(math)
        return self._hand_out(key, self.lines_of(pattern, code, math))

    def _hand_out(self, key: str, lines: list[int]) -> int | None:
        """The first of `lines` not handed out yet under `key` (the last once all were)."""
        if not lines:
            return None
        index = self._taken[key]
        self._taken[key] += 1
        return lines[min(index, len(lines) - 1)]

    def take_opening(self, pattern: re.Pattern) -> int | None:
        """As take(), the line of a fenced block's opening fence the pattern matches
        from (with what follows it), not of one written inside another block (a
        code example of a ```{=html} block)."""
        key = ("\1" + pattern.pattern, True, True)
        if key not in self._found:
            starts = {m.start() for m in _FENCE.finditer(self.text)}
            self._found[key] = [line for m in pattern.finditer(self.text)
                                if self._starts[(line := self.line(m.start())) - self.first_line] in starts]
        return self._hand_out(key[0], self._found[key])

    def first(self, pattern: str | re.Pattern, code: bool = False) -> int | None:
        lines = self.lines_of(pattern, code)
        return lines[0] if lines else None

    def key_lines(self, key: str) -> list[int]:
        """The lines that cite `key` (`@key`, `@{key}`), from one pass over the text
        for all keys: a text may cite thousands."""
        if self._keys is None:
            self._keys = defaultdict(list)
            for match in _CITATION.finditer(self._searchable):
                line = self.line(match.start())
                for found in _written_keys(match):
                    self._keys[found].append(line)
            for start, keys in tex_citations(self._searchable):  # (\cite{a,b}: rawtex.lua reads it)
                for found in keys:
                    self._keys[found].append(self.line(start))
            for lines in self._keys.values():
                lines.sort()
        return self._keys.get(key, [])

    def attribute_ids(self) -> tuple[dict[str, list[int]], set[str]]:
        """The ids written in `{#id ...}` attributes, with their lines (one pass over
        the text), and those given to headings (on a line of #, or over a === or
        --- line): the ids Pandoc did not make."""
        if self._ids is None:
            lines: dict[str, list[int]] = {}
            headings: set[str] = set()
            rows = self._searchable.split("\n")
            for number, row in enumerate(rows):
                if "{" not in row or "#" not in row:
                    continue
                ids = _ATTRIBUTES_ID.findall(row)
                for ident in ids:
                    lines.setdefault(ident, []).append(self.first_line + number)
                over = number + 1 < len(rows) and _SETEXT.match(rows[number + 1]) and row.strip()
                if row.lstrip().startswith("#") or over:
                    headings.update(ids)
            self._ids = (lines, headings)
        return self._ids

    def take_key(self, key: str) -> int | None:
        """The line of the next citation of `key` not handed out yet (see take());
        one written in a code block's attributes (a cell's or a pandoc-plot
        figure's caption) found there."""
        lines = self.key_lines(key)
        if not lines:
            return self.take(re.compile(r"@\{?" + re.escape(key) + r"(?!\w|[:.#$%&+?<>~/-]\w)"), code=True)
        return self._hand_out("@" + key, lines)


_ATTRIBUTES_ID = re.compile(r"\{[^{}\n]*?#([^\s}#]+)")
_SETEXT = re.compile(r"^[ ]{0,3}(=+|-+)[ \t]*$")
_TEX_CITATION = re.compile(r"\\(?:[Cc]ite[pt]?|citealp|[Pp]arencite|[Tt]extcite|[Aa]utocite)\*?"
                           r"(?:\s*\[[^\]\n]{0,300}\]){0,2}\s*\{([^{}\n]{1,1000})\}")  # (as rawtex.lua's CITES)


def citation_keys(text: str) -> list[str]:
    """The keys `@key` and `@{key}` in a text, each also without the punctuation
    that may follow it (Pandoc's reading decides which is meant)."""
    return [key for match in _CITATION.finditer(text) for key in _written_keys(match)]


def _written_keys(match: re.Match) -> tuple[str, ...]:
    found = match.group(1) or match.group(2)
    stripped = found.rstrip(".,;:?!/~-+&%$#<>")
    return (found, stripped) if stripped != found else (found,)


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group())


def without_formulas(text: str) -> str:
    """The text without its formulas (as Pandoc's tex_math_dollars finds them)."""
    return _MATH.sub("", text)


def tex_citations(text: str) -> list[tuple[int, list[str]]]:
    """LaTeX's citations in a text (`\\cite{a,b}`, natbib's `\\citep[p.~5]{a}`,
    biblatex's `\\parencite{a}`...): where each starts, and its keys."""
    if "\\" not in text:
        return []
    return [(m.start(), [k.strip() for k in m.group(1).split(",") if k.strip()]) for m in _TEX_CITATION.finditer(text)]


_CITATION = re.compile(r"(?<![\w.@])-?@(?:\{([^{}]{1,1000})\}|([\w][\w:.#$%&\-+?<>~/]*))")
