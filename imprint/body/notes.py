"""Notes: numbered in reading order, the author's and a note style's; what a note
cannot hold; a note called but never written.

Steps of structure.py's pass (`_Steps.notes()`, `_Steps.leftovers()`).
"""

from __future__ import annotations

import re

from .ast import Node, annotate, attr, note, of_kind, stringify, walk
from .locate import Source
from .quarto_divs import PROOFS, THEOREMS

_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]|\^\[")
_NOTE_DEFINITION = re.compile(r"^[ ]{0,3}\[\^([^\]\s]+)\]:", re.M)
# (what a note may not hold, and divs and spans: a callout, an embedded notebook output)
_MAY_NOT_HOLD = frozenset(("Table", "Header", "Figure", "Div", "CodeBlock", "Span"))


class Notes:
    """The steps of structure._Steps about notes (they use its blocks, found,
    source, problem() and each())."""

    def notes(self) -> None:
        """Every note numbered in reading order, the author's and those a note style
        makes of citations; a note called twice keeps its number."""
        calls = _note_calls(self.source)
        for cite in self.each("Cite"):  # a note style's notes are in its citations
            for inner in walk(cite["c"][1]):
                if inner["t"] == "Note":
                    annotate(inner, citation=True)
        ordered = self.each("Note")
        authored = [n for n in ordered if not note(n).get("citation")]
        definitions = {m.group(1): self.source.line(m.start())
                       for m in reversed(list(_NOTE_DEFINITION.finditer(self.source._searchable)))}
        if len(calls) != len(authored):
            calls = []  # (the source could not be matched call by call: no repeats, approximate lines)
        written: dict[int, tuple[str | None, int | None]] = {}  # each note's label and line, matched as written
        for node, (label, line) in zip(authored, calls or [(None, None)] * len(authored)):
            written[id(node)] = (label, line)
            for inner in walk(node["c"]):
                if inner["t"] == "Note" and not note(inner).get("citation"):
                    words = stringify(inner["c"]).split()  # (the inner call's own line, where it can be told)
                    at = self.source.first(re.compile(r"\^\[\s*" + re.escape(words[0]))) if words else None
                    self.problem(at or line, "a footnote cannot call another footnote",
                                 hint="put the second note's text into the first")
        labels: dict[str, tuple[int, Node]] = {}
        number = 0
        for node in of_kind(self.blocks, frozenset({"Note"}), printed=True):  # numbered as printed
            if note(node).get("citation"):
                number += 1
                annotate(node, number=number)
                self.found.notes.append((node, None))
                continue
            label, line = written.get(id(node), (None, None))
            if label is not None and label in labels:
                first_number, first = labels[label]
                count = note(first).setdefault("repeats", 0) + 1
                note(first)["repeats"] = count
                annotate(node, number=first_number, repeat=count)
                continue
            number += 1
            line = definitions.get(label, line) if label else line
            annotate(node, number=number)
            if label is not None:
                labels[label] = (number, node)
            self.found.notes.append((node, line))
        for node, line in self.found.notes:
            self._note_blocks(node, line)

    def _note_blocks(self, node: Node, line: int | None) -> None:
        """What a note cannot hold: the printed note stands in a line of the page's foot."""
        for inner in of_kind(node["c"], _MAY_NOT_HOLD):
            found = note(inner)
            what = {"Table": "a table", "Header": "a heading", "Figure": "a figure"}.get(inner["t"])
            ident, classes, _ = attr(inner) if inner["t"] in ("Div", "Span") else ("", [], [])
            if inner["t"] == "Span":
                what = "an embedded notebook output" if "imprint-embed" in classes else None
            elif inner["t"] == "Div" and any(c == "callout" or c.startswith("callout-") for c in classes):
                what = "a callout"  # (Quarto's divs are not read inside notes: divs())
            elif inner["t"] == "Div" and (ident.split("-", 1)[0] in THEOREMS and "-" in ident
                                          or any(c in PROOFS for c in classes)):
                what = "a theorem, proof or the like"
            elif inner["t"] == "CodeBlock" and found.get("label"):
                what = "a numbered listing or code cell"
            if what:
                self.problem(line, f"a footnote cannot hold {what}",
                             hint="move it into the text and refer to it from the note; a note holds "
                                  "paragraphs, lists, quotations, code and math")
                return

    def leftovers(self) -> None:
        """What Pandoc left as text that the author meant as syntax: a note called,
        never written."""
        written = {m.group(1) for m in _NOTE_DEFINITION.finditer(self.source._searchable)}
        for node in self.each("Str"):
            if "[^" in node["c"]:
                for label in re.findall(r"\[\^([^\]\s]+)\]", node["c"]):
                    line = self.source.take(f"[^{label}]")
                    if label in written:  # (Pandoc reads a call in a note as text)
                        self.problem(line, "a footnote cannot call another footnote",
                                     hint="put the second note's text into the first")
                    else:
                        self.problem(line, f"the footnote [^{label}] is called but never written",
                                     hint=f"add a line '[^{label}]: the note's text' after the paragraph")


def _note_calls(source: Source) -> list[tuple[str | None, int]]:
    """The note calls of the source, in order: (label, line); an inline note has no
    label. A definition's own label is no call (a call may be followed by a colon:
    "As Smith[^a]: ...")."""
    text = source._searchable
    definitions = {m.start() + m.group().index("[") for m in _NOTE_DEFINITION.finditer(text)}
    return [(m.group(1), source.line(m.start())) for m in _NOTE_CALL.finditer(text) if m.start() not in definitions]
