"""Pandoc and Quarto syntax that markdown-it-py does not know, as plugins.

- citations: `[see @key, p. 12; @other]`, `[-@key]`, narrative `@key` and
  `@key [p. 12]`; cross-references use the same syntax (`@fig-map`), so one
  token type carries both and document.py tells them apart by the key's prefix;
- figures: an image alone in its paragraph, `![Caption](file){#fig-x fig-alt="..."}`;
- table captions: a paragraph `: Caption {#tbl-x}` (or `Table: ...`) right before
  or after a table, or a last row that holds only such a caption.
The `{...}` attributes themselves come from mdit_py_plugins.attrs, and the
`::: {#refs}` placeholder from mdit_py_plugins.container.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

# Pandoc: a key starts with a letter, digit or _, and may hold internal punctuation.
KEY = r"(?:\{(?P<braced>[^{}]+)\}|(?P<plain>[\w](?:[\w]|[:.#$%&+?<>~/-](?=[\w]))*))"
_ITEM = re.compile(r"^(?P<prefix>[^@]*?)(?P<minus>-?)@" + KEY + r"(?P<suffix>.*)$", re.S)
_NARRATIVE = re.compile(r"@" + KEY)
_CAPTION = re.compile(r"^(?:Table)?:\s+(?P<text>.*?)(?:\s*\{#(?P<id>[\w:.-]+)\})?\s*$", re.S)


@dataclass(frozen=True)
class RawCite:
    key: str
    prefix: str = ""
    suffix: str = ""
    suppress: bool = False


BRACKET_OR_ESCAPE = re.compile(r"\\.|[\[\]]", re.S)


def citation_plugin(md: MarkdownIt) -> None:
    md.inline.ruler.before("link", "pandoc_citation", _citation_rule)


def _citation_rule(state: StateInline, silent: bool) -> bool:
    char = state.src[state.pos]
    if char == "[":
        return _bracketed(state, silent)
    if char == "@":
        return _narrative(state, silent)
    return False


def _matching_bracket(src: str, start: int) -> int:
    """Where the '[' at `start` closes, or -1: from a table made once per text
    (looking for each '[' afresh would be quadratic over runs of brackets)."""
    return _bracket_pairs(src).get(start, -1)


@lru_cache(maxsize=8)
def _bracket_pairs(src: str) -> dict[int, int]:
    pairs, open_ = {}, []
    for match in BRACKET_OR_ESCAPE.finditer(src):
        if match.group() == "[":
            open_.append(match.start())
        elif match.group() == "]" and open_:
            pairs[open_.pop()] = match.start()
    return pairs


def _bracketed(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if src.find("@", start) < 0:  # every item names a key (a note call `[^1]`, a link: no bracket table needed)
        return False
    end = _matching_bracket(src, start)
    if end < 0 or end + 1 < len(src) and src[end + 1] in "([:":
        return False  # a link, a reference link or a definition
    items = []
    for part in _split_top_level(src[start + 1:end], ";"):
        match = _ITEM.match(part)
        if not match:
            return False
        items.append(RawCite(key=match.group("braced") or match.group("plain"), prefix=match.group("prefix"),
                             suffix=match.group("suffix"), suppress=bool(match.group("minus"))))
    if not items:
        return False
    if not silent:
        token = state.push("citation", "", 0)
        token.content = src[start:end + 1]
        token.meta = {"items": tuple(items), "narrative": False}
    state.pos = end + 1
    return True


def _narrative(state: StateInline, silent: bool) -> bool:
    src, start = state.src, state.pos
    if start > 0 and (src[start - 1].isalnum() or src[start - 1] in "_.+-"):
        return False  # an e-mail address: name@example.org
    match = _NARRATIVE.match(src, start)
    if not match:
        return False
    end = match.end()
    suffix = ""
    # `@key [p. 12]`: a locator in brackets after the key.
    bracket = re.compile(r"\s\[").match(src, end)
    if bracket:
        close = _matching_bracket(src, bracket.end() - 1)
        inner = src[bracket.end():close] if close > 0 else ""
        if close > 0 and "@" not in inner and not (close + 1 < len(src) and src[close + 1] in "(["):
            suffix, end = ", " + inner, close + 1
    if not silent:
        token = state.push("citation", "", 0)
        token.content = src[start:end]
        key = match.group("braced") or match.group("plain")
        token.meta = {"items": (RawCite(key=key, suffix=suffix),), "narrative": True}
    state.pos = end
    return True


def _split_top_level(text: str, separator: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += {"[": 1, "]": -1}.get(char, 0)
        if char == separator and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p for p in parts if p.strip()]


def figures_and_captions_plugin(md: MarkdownIt) -> None:
    md.core.ruler.push("imprint_figures", _figures)
    md.core.ruler.push("imprint_table_captions", _table_captions)
    md.core.ruler.push("imprint_quarto_divs", _quarto_divs)


QUARTO_DIV = re.compile(r"^\s*\{#((?:fig|tbl)-[\w:.-]+)(?P<attrs>[^}]*)\}\s*$")


def _quarto_divs(state: StateCore) -> None:
    """Quarto's figure and table divs: `::: {#fig-x}` image, caption paragraph `:::`
    (and the same with a table) become a figure, or a captioned table."""
    tokens = state.tokens
    i = 0
    while i < len(tokens):
        if tokens[i].type != "container_quarto_open":
            i += 1
            continue
        depth, j = 0, i
        for j in range(i, len(tokens)):
            depth += {"container_quarto_open": 1, "container_quarto_close": -1}.get(tokens[j].type, 0)
            if depth == 0:
                break
        match = QUARTO_DIV.match(tokens[i].info)
        inner = tokens[i + 1:j]
        caption = inner[-3:] if len(inner) >= 4 and [t.type for t in inner[-3:]] == [
            "paragraph_open", "inline", "paragraph_close"] else None
        body = inner[:-3] if caption else inner
        replaced = None
        if match and caption and match.group(1).startswith("fig-") and len(body) == 1 and body[0].type == "figure":
            image = body[0].meta["image"]
            image.children = caption[1].children
            image.attrSet("id", match.group(1))
            alt = re.search(r'fig-alt="([^"]*)"', match.group("attrs"))
            if alt:
                image.attrSet("fig-alt", alt.group(1))
            replaced = body
        elif (match and caption and match.group(1).startswith("tbl-") and body
              and body[0].type == "table_open" and body[-1].type == "table_close"):
            body[0].children = caption[1].children
            body[0].meta["caption"] = True
            body[0].attrSet("id", match.group(1))
            replaced = body
        if replaced is not None:
            tokens[i:j + 1] = replaced
            i += len(replaced)
        else:
            tokens[i].meta["unreadable"] = True
            i = j + 1


def _figures(state: StateCore) -> None:
    """An image alone in its paragraph becomes a figure token (Pandoc's implicit figure)."""
    tokens = state.tokens
    i = 0
    while i + 2 < len(tokens):
        opening, inline, closing = tokens[i], tokens[i + 1], tokens[i + 2]
        if opening.type != "paragraph_open" or inline.type != "inline" or closing.type != "paragraph_close" \
                or not any(c.type == "image" for c in inline.children or ()):
            i += 1
            continue
        children = [c for c in inline.children if not (c.type == "text" and not c.content.strip())]
        if len(children) == 1 and children[0].type == "image":
            figure = Token("figure", "figure", 0)
            figure.map = opening.map
            figure.level = opening.level
            figure.children = [children[0]]
            figure.meta = {"image": children[0]}
            tokens[i:i + 3] = [figure]
        i += 1


def _table_captions(state: StateCore) -> None:
    tokens = state.tokens
    i = 0
    while i < len(tokens):
        if tokens[i].type != "table_open":
            i += 1
            continue
        opening = tokens[i]
        close = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
        caption = _caption_row(tokens, i, close)
        if caption is None:
            close = next(j for j in range(i, len(tokens)) if tokens[j].type == "table_close")
            caption = _caption_paragraph(tokens, close + 1)
        if caption is None and i >= 3:
            caption = _caption_paragraph(tokens, i - 3)
            if caption is not None:
                i -= 3
        if caption is not None:
            children, table_id = caption
            # As the table's children, the caption's inline tokens are walked like
            # any other text (citations, cross-references, links in it resolve).
            opening.children = children
            opening.meta["caption"] = True
            if table_id:
                opening.attrSet("id", table_id)
        i += 1


def _caption_paragraph(tokens: list[Token], at: int):
    if at < 0 or at + 3 > len(tokens):
        return None
    opening, inline, closing = tokens[at:at + 3]
    if opening.type != "paragraph_open" or inline.type != "inline" or closing.type != "paragraph_close":
        return None
    found = _caption_children(inline)
    if found is not None:
        del tokens[at:at + 3]
    return found


def _caption_row(tokens: list[Token], start: int, close: int):
    """A last table row whose first cell is ': Caption' and whose other cells are empty."""
    rows = [j for j in range(start, close) if tokens[j].type == "tr_open"]
    if len(rows) < 2:
        return None
    first = rows[-1]
    end = next(j for j in range(first, close) if tokens[j].type == "tr_close")
    cells = [tokens[j] for j in range(first, end) if tokens[j].type == "inline"]
    if not cells or any(c.content.strip() for c in cells[1:]):
        return None
    found = _caption_children(cells[0])
    if found is not None:
        del tokens[first:end + 1]
    return found


def _caption_children(inline: Token):
    """(inline children without the ': ' and the {#id}, id) if `inline` is a caption."""
    match = _CAPTION.match(inline.content)
    if not match or not inline.children:
        return None
    children = list(inline.children)
    first, last = children[0], children[-1]
    if first.type == "text":
        first.content = re.sub(r"^(?:Table)?:\s+", "", first.content)
    if last.type == "text" and match.group("id"):
        last.content = re.sub(r"\s*\{#[\w:.-]+\}\s*$", "", last.content)
    return children, match.group("id")
