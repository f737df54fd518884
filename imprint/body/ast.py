"""Pandoc's JSON AST, as Python reads it: nodes are dicts {"t": type, "c": content}.

Only what Imprint needs to walk and read it; the meaning of each node is in
Pandoc's `Text.Pandoc.Definition` (pandoc-types 1.23). Imprint's own findings
about a node (a heading's level and number, a figure's label) are kept on the
node under IMPRINT, so that the renderers read them where they meet the node.
"""

from __future__ import annotations

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


def attr_value(node: Node, key: str) -> str | None:
    for k, v in attr(node)[2]:
        if k == key:
            return v
    return None


def children(node: Node) -> Iterator[Node]:
    """The node's direct children, blocks and inlines, in reading order."""
    kind = node["t"]
    c = node.get("c")
    if kind in ("Para", "Plain", "Emph", "Underline", "Strong", "Strikeout", "Superscript", "Subscript",
                "SmallCaps", "BlockQuote", "Note"):
        yield from c
    elif kind in ("Quoted", "Cite", "Link", "Image", "Span", "Div"):
        yield from c[1]  # (a Cite's: its rendering, which has its prefix and suffix)
    elif kind == "Header":
        yield from c[2]
    elif kind == "LineBlock":
        for line in c:
            yield from line
    elif kind in ("BulletList",):
        for item in c:
            yield from item
    elif kind == "OrderedList":
        for item in c[1]:
            yield from item
    elif kind == "DefinitionList":
        for term, definitions in c:
            yield from term
            for definition in definitions:
                yield from definition
    elif kind == "Figure":
        yield from c[1][1] or []  # caption blocks
        yield from c[2]
    elif kind == "Table":
        _, caption, _, head, bodies, foot = c
        for row in head[1]:
            yield from _cells(row)
        for body in bodies:
            for row in body[2] + body[3]:
                yield from _cells(row)
        for row in foot[1]:
            yield from _cells(row)
        yield from caption[1] or []  # (a caption is written after its table, most often)


def _cells(row: list) -> Iterator[Node]:
    for cell in row[1]:
        yield from cell[4]


def walk(nodes: list[Node]) -> Iterator[Node]:
    """Every node under `nodes`, depth first, in reading order (a note's content
    right after its call, where Pandoc puts it)."""
    stack = [iter(nodes)]
    while stack:
        for node in stack[-1]:
            yield node
            stack.append(iter(list(children(node))))
            break
        else:
            stack.pop()


def index(nodes: list[Node]) -> tuple[dict[str, list[Node]], dict[int, int]]:
    """Every node under `nodes` by its type, each list in reading order, and the
    place of each node (by id()) in that order: one walk for the passes that
    each look at a few kinds of node."""
    found: dict[str, list[Node]] = {}
    order: dict[int, int] = {}
    for place, node in enumerate(walk(nodes)):
        found.setdefault(node["t"], []).append(node)
        order[id(node)] = place
    return found, order


def stringify(nodes: list[Node] | Node) -> str:
    """The text of inlines or blocks, as pandoc.utils.stringify gives it (notes left out)."""
    if isinstance(nodes, dict):
        nodes = [nodes]
    parts: list[str] = []
    _text(nodes, parts)
    return "".join(parts)


def _text(nodes: list[Node], parts: list[str]) -> None:
    for node in nodes:
        kind = node["t"]
        if kind == "Str":
            parts.append(node["c"])
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            parts.append(" ")
        elif kind in ("Code", "Math"):
            parts.append(node["c"][1])
        elif kind == "Quoted":
            quote = '"' if node["c"][0]["t"] == "DoubleQuote" else "'"
            parts.append(quote)
            _text(node["c"][1], parts)
            parts.append(quote)
        elif kind in ("Note", "RawInline", "RawBlock"):
            continue
        elif kind in ("Para", "Plain", "Header") and parts and not parts[-1].endswith(" "):
            parts.append(" ")
            _text(list(children(node)), parts)
        else:
            _text(list(children(node)), parts)


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


def str_node(text: str) -> Node:
    return {"t": "Str", "c": text}
