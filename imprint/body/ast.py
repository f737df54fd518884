"""Pandoc's JSON AST, as Python reads it: nodes are dicts {"t": type, "c": content}.

Only what Imprint needs to walk and read it; the meaning of each node is in
Pandoc's `Text.Pandoc.Definition` (pandoc-types 1.23). Imprint's own findings
about a node (a heading's level and number, a figure's label) are kept on the
node under IMPRINT, so that the renderers read them where they meet the node.
"""

from __future__ import annotations

import re
from typing import Any, Iterator

Node = dict[str, Any]
IMPRINT = "imprint"  # the key of Imprint's annotations on a node

def attr(node: Node) -> tuple[str, list[str], list[list[str]]]:
    """A node's attributes: (id, classes, [[key, value], ...])."""
    kind = node["t"]
    c = node["c"]
    if kind in ("Header",):
        return c[1]
    if kind in ("Div", "Span", "CodeBlock", "Code", "Link", "Image", "Table", "Figure"):
        return c[0]
    return ("", [], [])


# pandoc-crossref's kinds, whose labels are written with a colon (`{#fig:map}`, `@fig:map`):
# the same as Quarto's `fig-map` here (dashed()).
COLON_KINDS = ("fig", "tbl", "eq", "sec", "lst", "thm", "lem", "cor", "prp", "cnj", "def", "exm", "exr")


def xml_id(label: str) -> str:
    """A label as an id every reader takes (`eq:pyth` is `eq-pyth`: an id with a
    colon is no XML name, and the EPUB refuses it)."""
    return re.sub(r"[^\w.-]", "-", label)


def dashed(label: str) -> str:
    """pandoc-crossref's label `fig:map` as the id Imprint gives it, `fig-map`; any
    other as it is."""
    prefix, colon, _ = label.partition(":")
    return xml_id(label) if colon and prefix.lower() in COLON_KINDS else label


def attr_value(node: Node, key: str) -> str | None:
    return next((v for k, v in attr(node)[2] if k == key), None)


def attr_inlines(node: Node, key: str) -> list[Node] | None:
    """An attribute Quarto reads as Markdown (a callout's `title`, a `fig-cap`), as
    Pandoc read it (quarto.read_texts), else as words; None when it is not given.
    The inlines stay the node's children (kids()) wherever they are shown."""
    texts = note(node).get(TEXTS, {})
    if key in texts:
        return texts[key]
    value = attr_value(node, key)
    if value is None or not value.strip():
        return None
    return annotate(node, **{TEXTS: {**texts, key: words(value.strip())}})[TEXTS][key]


_INLINES_OR_BLOCKS = frozenset(("Para", "Plain", "Emph", "Underline", "Strong", "Strikeout", "Superscript",
                                 "Subscript", "SmallCaps", "BlockQuote", "Note", "MetaInlines", "MetaBlocks",
                                 "MetaList"))
_SECOND = frozenset(("Quoted", "Cite", "Link", "Span", "Div"))  # (a Cite's: its rendering)
# (an Image's description is its alternative text, read as text; an implicit figure's
# caption is a copy of it, and the notes and citations in it are the caption's)
LEAVES = frozenset(("Str", "Space", "SoftBreak", "LineBreak", "Code", "Math", "RawInline", "RawBlock",
                     "HorizontalRule", "Image"))
TEXTS = "texts"  # the annotation of a div's or code block's attributes read as Markdown (attr_inlines)


def kids(node: Node, printed: bool = False) -> list[Node]:
    """The node's direct children, blocks and inlines, in reading order: as written,
    or as `printed` (a table's caption above it, wherever it was written)."""
    kind = node["t"]
    if kind in LEAVES:
        return []
    c = node.get("c")
    if kind in _INLINES_OR_BLOCKS:
        return c
    if kind in ("Div", "CodeBlock"):  # (the Markdown of its attributes first: a callout's title, a caption)
        texts = node[IMPRINT].get(TEXTS) if IMPRINT in node else None
        own = c[1] if kind == "Div" else []
        return [n for inlines in texts.values() for n in inlines] + own if texts else own
    if kind in _SECOND:
        return c[1]
    if kind == "Header":
        return c[2]
    if kind == "MetaMap":
        return list(c.values())
    if kind in ("LineBlock", "BulletList"):  # (lines, items: lists of nodes)
        return [n for part in c for n in part]
    if kind == "OrderedList":
        return [n for item in c[1] for n in item]
    if kind == "DefinitionList":
        return [n for term, definitions in c for part in (term, *definitions) for n in part]
    if kind == "Figure":
        return c[2] + (c[1][1] or [])  # the figure's own blocks, then its caption (a div's last paragraph)
    if kind != "Table":
        return []
    _, caption, _, head, bodies, foot = c
    rows = head[1] + [row for body in bodies for row in body[2] + body[3]] + foot[1]
    cells = [n for row in rows for cell in row[1] for n in cell[4]]
    # (a caption is written after its table, most often; printed above it)
    return (caption[1] or []) + cells if printed else cells + (caption[1] or [])


def walk(nodes: list[Node], printed: bool = False, skip: frozenset[str] = frozenset()) -> Iterator[Node]:
    """Every node under `nodes`, depth first, in reading order (a note's content
    right after its call, where Pandoc puts it): as written, or as printed (kids());
    a node of a kind in `skip` without what it holds."""
    stack = nodes[::-1]
    while stack:
        node = stack.pop()
        yield node
        found = kids(node, printed) if node["t"] not in skip else None
        if found:
            stack += found[::-1]


def of_kind(nodes: list[Node], kinds: frozenset[str], printed: bool = False) -> list[Node]:
    """The nodes of these kinds under `nodes`, in reading order, as written or as
    `printed` (walk(), without stacking the leaves of other kinds: most nodes are
    words and spaces)."""
    found: list[Node] = []
    stack = nodes[::-1]
    while stack:
        node = stack.pop()
        if node["t"] in kinds:
            found.append(node)
        below = kids(node, printed)
        if below:
            stack += [child for child in reversed(below) if child["t"] not in LEAVES or child["t"] in kinds]
    return found


# (words and spaces, most of a text's nodes: only words are looked at, one kind at a time)
_UNORDERED = frozenset(("Str", "Space", "SoftBreak"))


def index(nodes: list[Node]) -> tuple[dict[str, list[Node]], dict[int, int], tuple[int, Node | None]]:
    """Every node under `nodes` by its type, each list in reading order (but
    spaces); the place of each node (by id()) in that order (but words' and
    spaces': none sorts them among others); and how deep the deepest one lies
    (with it): one walk for the passes that each look at a few kinds of node."""
    found: dict[str, list[Node]] = {}
    order: dict[int, int] = {}
    deepest, where = 0, None
    stack = [(node, 1) for node in nodes[::-1]]
    place = 0
    while stack:
        node, depth = stack.pop()
        kind = node["t"]
        if depth > deepest:
            deepest, where = depth, node
        if kind in _UNORDERED:
            if kind == "Str":
                found.setdefault(kind, []).append(node)
            continue
        found.setdefault(kind, []).append(node)
        order[id(node)] = place
        place += 1
        below = kids(node)
        if below:
            stack += [(child, depth + 1) for child in below[::-1]]
    return found, order, (deepest, where)


def stringify(nodes: list[Node] | Node, quotes: str | None = None, quoted: bool = False) -> str:
    """The text of inlines or blocks, as pandoc.utils.stringify gives it (notes left
    out); with `quotes` (a language's marks, styles/locales: double open and close,
    single open and close), quotations in the marks the renderer prints (`quoted`:
    as inside a quotation)."""
    if isinstance(nodes, dict):
        nodes = [nodes]
    parts: list[str] = []
    _text(nodes, parts, quotes, False if quoted else None)
    return "".join(parts)


def _text(nodes: list[Node], parts: list[str], quotes: str | None, outer: bool | None) -> None:
    """`outer`: whether the quotation around these nodes is in secondary marks (None: none is)."""
    for node in nodes:
        kind = node["t"]
        if kind == "Str":
            parts.append(node["c"])
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind == "Code":
            parts.append(node["c"][1])
        elif kind == "Math":  # (its text form, once formulas.py has made it)
            parts.append(note(node).get("text", node["c"][1]))
        elif kind == "Quoted":
            # (html.Renderer._Quoted's rule: a quote inside a quote takes the other marks)
            secondary = node["c"][0]["t"] == "SingleQuote" if outer is None or quotes is None else not outer
            marks = quotes or "\"\"''"
            parts.append(marks[2] if secondary else marks[0])
            _text(node["c"][1], parts, quotes, secondary)
            parts.append(marks[3] if secondary else marks[1])
        elif kind == "RawInline" and node["c"][0].lower() == "html" and not HTML_COMMENT.fullmatch(node["c"][1]):
            parts.append(node["c"][1])  # (raw HTML is printed as the text it is: html.raw_html; `<br>` in a heading)
        elif kind in ("Note", "RawInline", "RawBlock"):
            continue
        elif kind == "Image":
            _text(node["c"][1], parts, quotes, outer)
        else:
            if kind in ("Para", "Plain", "Header") and parts and not parts[-1].endswith(" "):
                parts.append(" ")
            _text(kids(node), parts, quotes, outer)


HTML_COMMENT = re.compile(r"\s*(?:<!--.*-->\s*)?", re.S)  # (an HTML comment, or nothing: not printed)


def meta_value(value: Node) -> Any:
    """A metadata value as plain Python: MetaInlines/MetaBlocks stay nodes."""
    kind = value["t"]
    if kind == "MetaMap":
        return {k: meta_value(v) for k, v in value["c"].items()}
    if kind == "MetaList":
        return [meta_value(v) for v in value["c"]]
    if kind in ("MetaString", "MetaBool"):
        return value["c"]
    return value  # MetaInlines, MetaBlocks


def annotate(node: Node, **values: Any) -> dict[str, Any]:
    found = node.setdefault(IMPRINT, {})
    found.update(values)
    return found


def note(node: Node) -> dict[str, Any]:
    return node.get(IMPRINT, {})


def figure(ident: str, caption: list[Node], content: Node, attributes: list[list[str]] | None = None) -> Node:
    """A figure as Pandoc makes one of an image alone in its paragraph: its id (and
    `attributes`), its caption, and `content` (the image, or a link around it)."""
    return {"t": "Figure", "c": [[ident, [], attributes or []], [None, [{"t": "Plain", "c": caption}]],
                                 [{"t": "Plain", "c": [content]}]]}


def str_node(text: str) -> Node:
    return {"t": "Str", "c": text}


def whole_number(value: str | None) -> int | None:
    """An attribute's whole number ("3", "-2"), else None (`²` is a digit to
    str.isdigit(), not to int())."""
    return int(value) if value is not None and re.fullmatch(r"\s*-?[0-9]+\s*", value) else None


def words(text: str) -> list[Node]:
    """Text as Pandoc's inlines: its words between spaces."""
    out: list[Node] = []
    for index, word in enumerate(text.split()):
        if index:
            out.append({"t": "Space"})
        out.append(str_node(word))
    return out
