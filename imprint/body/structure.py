"""What everything in an article's body is: checked, numbered, linked.

Pandoc has read the Markdown (and its citeproc has formatted the citations);
this pass decides what Imprint adds and checks, and writes it on the nodes for
html.py: heading levels, ids and numbers; figures, tables, equations and code
cells with their numbers; Quarto's callouts and figure and table divs;
cross-references resolved to links; images found and checked; notes numbered in
reading order; raw content and what is not typeset yet reported. Every problem
is collected, with its line, before anything is rendered.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping
from urllib.parse import unquote

from ..errors import Problem
from ..images import Image, epub_name, load_image
from .ast import Node, annotate, attr, attr_value, index, note, str_node, stringify, walk
from .document import Heading
from .html import linkable, raw_html
from .locate import Source

# Ids the templates use; nothing in the body may take one of these.
RESERVED_IDS = frozenset({"title", "subtitle", "authors", "abstract", "abstract-heading", "keywords",
                          "for-citation", "front-matter", "article", "body", "notes", "toc", "references",
                          "references-heading", "back-matter", "about-the-authors", "translation", "refs"})
GENERATED_ID = re.compile(r"^(fn|fnref|ref)-")  # notes and reference entries
# Quarto's cross-reference kinds (https://quarto.org/docs/authoring/cross-references.html).
# Theorem-like statements (numbered, each kind on its own), proofs and the like (not numbered),
# numbered callouts: their kinds and the word of styles/locales each prints.
THEOREMS = {"thm": "theorem", "lem": "lemma", "cor": "corollary", "prp": "proposition", "cnj": "conjecture",
            "def": "definition", "exm": "example", "exr": "exercise"}
PROOFS = ("proof", "remark", "solution")
NUMBERED_CALLOUTS = {"nte": "note", "tip": "tip", "wrn": "warning", "imp": "important", "cau": "caution"}
CROSSREF_KINDS = ("fig", "tbl", "eq", "sec", "lst", *THEOREMS, *NUMBERED_CALLOUTS)
MAX_DEPTH = 64  # lists in quotes in lists..., emphasis in links in emphasis...: levels of one passage
WIDTH = re.compile(r"^\d+(\.\d+)?(%|px|mm|cm|in|em)$")
CALLOUTS = ("note", "tip", "warning", "important", "caution")
_EQUATION_LABEL = re.compile(r"^\{#(eq-[\w:.-]+)\}$")
_INLINE_CELL = re.compile(r"^\{(\w+)\}\s+")


@dataclass(frozen=True)
class Context:
    source: Source
    lang: str
    words: Mapping[str, Any]  # the language's words (styles/locales)
    quotes: str
    root: Path
    folder: Path  # the article's: image paths are relative to it
    number_sections: bool = False
    prefixes: Mapping[str, str] = field(default_factory=dict)  # Quarto's crossref: fig-prefix, ... by kind
    references: frozenset[str] = frozenset()  # the keys the bibliography has
    cited: frozenset[str] = frozenset()  # the keys of the reference list (a link may go to their entries)
    bibliography: bool = False  # whether the article has any bibliography


@dataclass
class Label:
    kind: str  # fig, tbl, sec, eq, ...
    text: str  # what a reference prints: "Figure 2", "Section 3"
    number: str  # "2"


@dataclass
class Analysis:
    """The findings of the pass, beside the annotations it left on the nodes."""

    headings: list[tuple[Node, Heading]] = field(default_factory=list)  # top-level outline, in order
    labels: dict[str, Label] = field(default_factory=dict)
    assets: dict[Path, tuple[Image, str]] = field(default_factory=dict)  # file -> (image, name in the EPUB)
    renamed: dict[str, str] = field(default_factory=dict)  # ids Imprint had to change, old -> new
    ids: set[str] = field(default_factory=set)
    notes: list[tuple[Node, int | None]] = field(default_factory=list)  # every note's first call, numbered
    highlight: list[Node] = field(default_factory=list)  # code blocks for Pandoc to highlight
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def analyse(blocks: list[Node], context: Context) -> Analysis:
    """Check and annotate the body's blocks in place (see the module's docstring)."""
    found = Analysis()
    steps = _Steps(blocks, context, found)
    steps.nodes, steps.order, deepest = index(blocks)
    if not steps.depth(*deepest):
        return found  # too deep to go on
    if steps.divs(blocks):  # (Quarto's figure and table divs became figures and tables)
        steps.nodes, steps.order, _ = index(blocks)
    steps.ids()
    steps.headings()
    steps.numbered()
    steps.code_and_raw()
    steps.notes()
    steps.crossrefs()
    steps.citations()
    steps.links()
    steps.leftovers()
    return found


class _Steps:
    def __init__(self, blocks: list[Node], context: Context, found: Analysis):
        self.blocks, self.context, self.found = blocks, context, found
        self.source = context.source
        self.nodes: dict[str, list[Node]] = {}  # every node by type, in reading order (after divs())
        self.order: dict[int, int] = {}  # each node's place in reading order, by id()
        self.raw_html: dict[int | None, list[str]] = {}  # raw HTML met, by line

    def each(self, *kinds: str) -> list[Node]:
        """The nodes of these kinds, in reading order."""
        if len(kinds) == 1:
            return self.nodes.get(kinds[0], [])
        return sorted((n for k in kinds for n in self.nodes.get(k, [])), key=lambda n: self.order[id(n)])

    def problem(self, line: int | None, message: str, hint: str | None = None) -> None:
        self.found.problems.append(Problem(self.source.file, message, line=line, hint=hint))

    def warn(self, line: int | None, message: str, hint: str | None = None) -> None:
        self.found.warnings.append(Problem(self.source.file, message, line=line, hint=hint))

    def word(self, kind: str, key: str) -> str:
        """What a cross-reference of `kind` is called: Quarto's `crossref:` prefix (which may
        be empty: the number alone), else the language's word."""
        if kind in self.context.prefixes:
            return self.context.prefixes[kind]
        return str(self.context.words[key])

    def named(self, kind: str, key: str, number: str) -> str:
        """ "Figure 2": the word and the number (the number alone for an empty prefix)."""
        word = self.word(kind, key)
        return f"{word} {number}" if word else number

    # -- limits

    def depth(self, deepest: int, node: Node | None) -> bool:
        """Lists, quotes, emphasis and links nested deeper than MAX_DEPTH are refused
        at the passage that goes too deep; everything shallower renders whole."""
        if deepest <= MAX_DEPTH or node is None:
            return True
        text = node["c"] if node["t"] == "Str" else next((n["c"] for n in walk([node]) if n["t"] == "Str"), None)
        line = self.source.first(text) if text else None
        self.problem(line, f"the text here nests lists, quotes, emphasis or links more than {MAX_DEPTH} "
                           "levels deep", hint="simplify the structure of this passage")
        return False

    # -- Quarto's divs: figures, tables, callouts

    def divs(self, blocks: list[Node]) -> bool:
        """Quarto's divs read as Quarto reads them; whether any block was replaced."""
        changed = False
        for index, node in enumerate(blocks):
            for inner in _block_lists(node):
                changed |= self.divs(inner)
            if node["t"] == "Para" and _embed(node) is not None:
                blocks[index] = self._embed(_embed(node))
                changed = True
                continue
            if node["t"] != "Div":
                continue
            ident, classes, _ = attr(node)
            if ident.startswith("fig-"):
                blocks[index] = self._figure_div(node)
            elif ident.startswith("tbl-"):
                blocks[index] = self._table_div(node)
            elif any(c == "callout" or c.startswith("callout-") for c in classes):
                self._callout(node)
                changed = True  # (its title heading taken out)
            elif ident.split("-", 1)[0] in THEOREMS and "-" in ident or any(c in PROOFS for c in classes):
                self._statement(node)
                changed = True
            changed |= blocks[index] is not node
        return changed

    def _figure_div(self, div: Node) -> Node:
        """`::: {#fig-x}` as Quarto reads it: a Figure of its images (or sub-figures,
        or any other content), captioned by its last paragraph or its `fig-cap`."""
        (ident, classes, pairs), content = div["c"]
        if len(content) == 1 and content[0]["t"] == "Figure":
            figure = content[0]
            figure["c"][0] = [ident, classes + figure["c"][0][1], pairs + figure["c"][0][2]]
            return figure
        caption: list[Node] = []
        written = attr_value(div, "fig-cap")
        if written:
            caption = [{"t": "Plain", "c": _words(written)}]
        elif len(content) > 1 and content[-1]["t"] == "Para" and not _only_images(content[-1]):
            caption = [{"t": "Plain", "c": content[-1]["c"]}]
            content = content[:-1]
        if not caption:
            self.problem(self._id_line(ident), f"the Quarto figure div '{{#{ident}}}' has no caption",
                         hint="write the caption as its last paragraph, after the image (or give it fig-cap=\"...\")")
            return div
        return {"t": "Figure", "c": [[ident, classes, [p for p in pairs if p[0] != "fig-cap"]], [None, caption],
                                     content]}

    def _embed(self, source: str) -> Node:
        """Quarto's {{< embed notebook.qmd#label >}} (shortcodes.py made it a span):
        the output is not shown, but where it would stand a figure (or table) keeps
        its number, its label and a sentence saying what is missing."""
        label = source.rsplit("#", 1)[1] if "#" in source else ""
        text = str(self.context.words.get("embed_missing", "Not included in this edition: {source}"))
        sentence = [{"t": "Emph", "c": _words(text.replace("{source}", source))}]
        if label.split("-")[0] in ("fig", "tbl"):  # numbered as the output would be, its caption saying why not
            return {"t": "Figure", "c": [[label, ["embed-missing"], []], [None, [{"t": "Plain", "c": sentence}]], []]}
        return {"t": "Div", "c": [["", ["embed-missing"], []], [{"t": "Para", "c": sentence}]]}

    def _table_div(self, div: Node) -> Node:
        (ident, classes, pairs), content = div["c"]
        tables = [b for b in content if b["t"] == "Table"]
        if len(tables) != 1:
            return div
        table = tables[0]
        rest = [b for b in content if b is not table]
        if not table["c"][1][1] and len(rest) == 1 and rest[0]["t"] == "Para":
            table["c"][1] = [None, [{"t": "Plain", "c": rest[0]["c"]}]]
            rest = []
        table["c"][0] = [ident, table["c"][0][1] + classes, table["c"][0][2] + pairs]
        return table if not rest else {"t": "Div", "c": [["", [], []], content]}  # (in the order written)

    def _callout(self, div: Node) -> None:
        (ident, classes, pairs), content = div["c"]
        kind = next((c.split("-", 1)[1] for c in classes if c.startswith("callout-")), "")
        kind = kind if kind in CALLOUTS else ""
        title = attr_value(div, "title")
        title_inlines: list[Node] = []
        if title:
            title_inlines = [str_node(title)]
        elif content and content[0]["t"] == "Header":
            title_inlines = content[0]["c"][2]
            div["c"][1] = content[1:]
        if "callout" not in classes:
            classes.insert(0, "callout")
        label = str(self.context.words.get(f"callout_{kind}", "")) if kind else ""
        annotate(div, callout=kind, title=title_inlines, label=label)

    def _statement(self, div: Node) -> None:
        """A theorem, lemma, ... (`::: {#thm-x}`) or a proof, remark or solution
        (`::: {.proof}`): named by its first heading or its `name`."""
        (ident, classes, pairs), content = div["c"]
        prefix = ident.split("-", 1)[0]
        kind = prefix if prefix in THEOREMS and "-" in ident else next(c for c in classes if c in PROOFS)
        name = attr_value(div, "name")
        name_inlines: list[Node] = _words(name) if name else []
        if not name and content and content[0]["t"] == "Header":
            name_inlines = content[0]["c"][2]
            div["c"][1] = content[1:]
        word = str(self.context.words[THEOREMS.get(kind, kind)])
        annotate(div, statement=THEOREMS.get(kind, kind), name=name_inlines, label=word)

    # -- ids

    def ids(self) -> None:
        """Every id the author gave (headings, divs, spans, figures, tables, code), each
        once; ids Pandoc made for headings give way to the templates' own."""
        written, heading_ids = self.source.attribute_ids()
        taken: dict[str, int] = {}
        seen: dict[str, int | None] = {}
        for node in self.each("Header", "Div", "Span", "Figure", "Table", "CodeBlock", "Code", "Image", "Link"):
            ident = attr(node)[0]
            if not ident or (node["t"] == "Header" and ident not in heading_ids):
                continue  # (a heading's id Pandoc made from its text)
            lines = written.get(ident, [])
            line = lines[min(taken.get(ident, 0), len(lines) - 1)] if lines else None
            taken[ident] = taken.get(ident, 0) + 1
            if ident in RESERVED_IDS or GENERATED_ID.match(ident):
                self.problem(line, f"the id '{ident}' is reserved for the front matter, notes or references",
                             hint="choose another id")
            elif ident in seen:
                where = f" on line {seen[ident]}" if seen[ident] else ""
                self.problem(line, f"the id '{ident}' is also given{where}", hint="ids must be unique: choose another")
            seen[ident] = line
            keys = [key.lower() for key, _ in attr(node)[2]]
            doubled = sorted({k for k in keys if keys.count(k) > 1})
            if doubled:
                self.warn(line, f"the attribute {doubled[0]} is given twice: the first is kept")
        self.found.ids.update(seen)
        for node in self.each("Header"):  # Pandoc's own heading ids, unique against the author's
            ident = attr(node)[0]
            if ident in seen and ident in heading_ids:
                continue
            new = ident
            if new in RESERVED_IDS or GENERATED_ID.match(new) or new in self.found.ids or not new:
                new = _unique(ident or "section", self.found.ids)
                self.found.renamed.setdefault(ident, new)
                node["c"][1][0] = new
            self.found.ids.add(new)

    def _id_line(self, ident: str) -> int | None:
        lines = self.source.attribute_ids()[0].get(ident)
        if lines:
            return lines[0]
        return self.source.first(re.compile(r"\{[^}\n]*#" + re.escape(ident) + r"[\s}]"), code=True)  # (a code block's)

    # -- headings

    def headings(self) -> None:
        """Levels relative to the top one used, never more than one below the
        heading before (a jump from # to #### would break the outline readers
        navigate by); numbers when `number-sections` asks, not for `{-}`."""
        outline = [n for n in _outline(self.blocks)]
        top = min((n["c"][0] for n in outline), default=1)
        previous = 0
        counters: list[int] = []
        appendix = 0
        for node in outline:
            ident, classes, _ = attr(node)
            level = min(max(1, node["c"][0] - top + 1), previous + 1)
            previous = level
            text = " ".join(stringify(node["c"][2]).split())
            if not text:
                self.problem(self.source.take(re.compile(r"^#{1,6}\s*(\{[^}]*\})?\s*$", re.M)),
                             "this heading has no text", hint="write its title after the #, or delete the line")
            number = ""
            unnumbered = "unnumbered" in classes or "unlisted" in classes
            if level == 1 and "appendix" in classes:
                appendix += 1
            if self.context.number_sections and not unnumbered:
                counters = (counters + [0] * level)[:level]
                counters[level - 1] += 1
                first = chr(ord("A") + appendix - 1) if appendix and level >= 1 and appendix <= 26 else None
                parts = [str(c) for c in counters]
                if first is not None:
                    parts[0] = first
                number = ".".join(parts)
            heading = Heading(level=level, id=ident, text=text, number=number)
            annotate(node, level=level, id=ident, text=text, number=number)
            self.found.headings.append((node, heading))
            q = self.context.quotes
            shown = self.named("sec", "section", number) if number else \
                self.named("sec", "section", f"{q[0]}{text}{q[1]}")
            self.found.labels[ident] = Label("sec", shown, number or text)

    # -- figures, tables, equations, code cells: numbered in one order

    def numbered(self) -> None:
        counts = {"fig": 0, "tbl": 0, "eq": 0, "lst": 0, **{k: 0 for k in THEOREMS}, **{k: 0 for k in
                                                                                      NUMBERED_CALLOUTS}}
        for node in self.each("Figure", "Table", "Para", "Plain", "CodeBlock", "Image", "Div"):
            kind = node["t"]
            if kind == "Div":
                self._numbered_div(node, counts)
            elif kind == "Figure":
                self._figure(node, counts)
            elif kind == "Table":
                self._table(node, counts)
            elif kind in ("Para", "Plain"):
                self._equations(node, counts)
            elif kind == "CodeBlock" and "imprint-cell" in attr(node)[1]:
                self._cell(node, counts)
            elif kind == "CodeBlock" and attr(node)[0].startswith("lst-"):
                self._listing(node, counts)
            elif kind == "Image":
                ident = attr(node)[0]
                if ident.startswith("fig-") and not note(node).get("seen"):
                    self.problem(self._id_line(ident), f"the figure '{ident}' has no caption, so it has no number "
                                 "to refer to", hint="write the caption between the brackets: ![Caption](file)")
                self._image(node, None)

    def _numbered_div(self, div: Node, counts: dict[str, int]) -> None:
        """A theorem's number, or a callout's whose id has a kind (`#nte-x`)."""
        ident = attr(div)[0]
        prefix = ident.split("-", 1)[0] if "-" in ident else ""
        found = note(div)
        if found.get("statement") in THEOREMS.values() and prefix in THEOREMS:
            counts[prefix] += 1
            shown = self.named(prefix, THEOREMS[prefix], str(counts[prefix]))
            found.update(label=shown)
            self.found.labels[ident] = Label(prefix, shown, str(counts[prefix]))
        elif found.get("callout") is not None and prefix in NUMBERED_CALLOUTS:
            counts[prefix] += 1
            shown = self.named(prefix, f"callout_{NUMBERED_CALLOUTS[prefix]}", str(counts[prefix]))
            found.update(number_label=shown)
            self.found.labels[ident] = Label(prefix, shown, str(counts[prefix]))

    def _listing(self, node: Node, counts: dict[str, int]) -> None:
        """```{#lst-x .sql lst-cap="..."}: a numbered listing."""
        ident = attr(node)[0]
        caption = attr_value(node, "lst-cap")
        if not caption or not caption.strip():
            self.problem(self._id_line(ident), f"the listing '{ident}' has no caption",
                         hint='give it one: ```{#' + ident + ' lst-cap="What the code does"}')
            return
        counts["lst"] += 1
        shown = self.named("lst", "listing", str(counts["lst"]))
        self.found.labels[ident] = Label("lst", shown, str(counts["lst"]))
        node["c"][0][2] = [p for p in node["c"][0][2] if p[0] != "lst-cap"]
        annotate(node, id=ident, label=f"{shown}.", caption=_words(caption.strip()), figure="listing")

    def _figure(self, node: Node, counts: dict[str, int]) -> None:
        (ident, classes, pairs), caption, content = node["c"]
        caption_text = " ".join(stringify(caption[1] or []).split())
        nested = note(node).get("nested")
        if not nested:
            subfigures = [inner for inner in walk(content) if inner["t"] == "Figure"]
            for letter, inner in zip("abcdefghijklmnopqrstuvwxyz", subfigures):
                annotate(inner, nested=True, letter=letter if len(subfigures) <= 26 else None)
        if nested:
            label = None
            letter, parent = note(node).get("letter"), note(node).get("parent_number")
            if letter:  # (a sub-figure: "(a)" by its caption; @fig-a refers to "Figure 1(a)")
                annotate(node, label=f"({letter})")
                if ident and parent:
                    shown = self.named("fig", "figure", f"{parent}({letter})")
                    self.found.labels[ident] = Label("fig", shown, f"{parent}({letter})")
        else:
            counts["fig"] += 1
            label = self.named("fig", "figure", str(counts["fig"]))
            annotate(node, label=f"{label}.")
            for inner in walk(content):
                if inner["t"] == "Figure":
                    annotate(inner, parent_number=str(counts["fig"]))
            if ident:
                self.found.labels[ident] = Label("fig", label, str(counts["fig"]))
        images = [n for n in walk(content) if n["t"] == "Image"]
        alt = attr_value(node, "fig-alt")
        for image in images:
            self._image(image, alt or (caption_text if len(images) == 1 else None))
        if not caption_text and ident and not nested:
            self.problem(self._id_line(ident), f"the figure '{ident}' has no caption",
                         hint="write the caption between the brackets: ![Caption](file)")

    def _image(self, image: Node, fallback_alt: str | None) -> None:
        if note(image).get("seen"):
            return
        annotate(image, seen=True)
        _, description, (src, _) = image["c"]
        line = self.source.take(re.compile(r"\]\(\s*<?" + re.escape(src)))
        alt = attr_value(image, "fig-alt") or fallback_alt or " ".join(stringify(description).split())
        if not alt.strip():
            self.problem(line, f"the image '{src}' has no alternative text",
                         hint='describe it for readers who cannot see it: ![Caption](file){fig-alt="..."}')
        width = attr_value(image, "width")
        if width and not WIDTH.match(width.strip()):
            self.problem(line, f"the width '{width}' is not a size", hint="write it as 60% (or 8cm, 300px)")
            width = None
        try:
            loaded = load_image(self.context.root, self.context.folder, src)
        except ValueError as error:
            self.problem(line, str(error))
            return
        if loaded.path not in self.found.assets:
            taken = {name for _, name in self.found.assets.values()}
            self.found.assets[loaded.path] = (loaded, epub_name(loaded, taken))
        name = self.found.assets[loaded.path][1]
        printed = loaded.path.as_uri()
        if loaded.media_type == "application/pdf":  # WeasyPrint places no PDF: its first page as pixels
            from ..writers.raster import PDF_WIDTH_PRINT, pdf_to_png

            png = pdf_to_png(loaded.path, self.context.root, PDF_WIDTH_PRINT)
            printed = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        annotate(image, alt=alt.strip(), width=width.strip() if width else None,
                 src={"epub": name, "print": printed})

    def _table(self, node: Node, counts: dict[str, int]) -> None:
        ident = attr(node)[0]
        caption = node["c"][1][1] or []
        if not stringify(caption).strip():
            if ident:
                self.problem(self._id_line(ident), f"the table '{ident}' has no caption",
                             hint="write its caption after it: ': Caption {#" + ident + "}'")
            return
        counts["tbl"] += 1
        label = self.named("tbl", "table", str(counts["tbl"]))
        annotate(node, label=f"{label}.")
        if ident:
            self.found.labels[ident] = Label("tbl", label, str(counts["tbl"]))

    def _equations(self, node: Node, counts: dict[str, int]) -> None:
        """`$$ ... $$ {#eq-x}`: Pandoc reads the label as text after the formula."""
        inlines = node["c"]
        for index, inline in enumerate(inlines):
            if inline["t"] != "Math" or inline["c"][0]["t"] != "DisplayMath":
                continue
            rest = inlines[index + 1:index + 3]
            if rest and rest[0]["t"] == "Space":
                rest = rest[1:]
            match = _EQUATION_LABEL.match(rest[0]["c"]) if rest and rest[0]["t"] == "Str" else None
            if match is None:
                continue
            ident = match.group(1)
            line = self.source.take("{#" + ident + "}")
            del inlines[index + 1:inlines.index(rest[0]) + 1]
            if ident in self.found.labels or ident in self.found.ids:
                self.problem(line, f"the label '{ident}' is also given to another equation, figure, table or "
                             "section", hint="labels must be unique: choose another")
                continue
            counts["eq"] += 1
            annotate(inline, id=ident, number=str(counts["eq"]))
            template = str(self.context.words.get("equation_ref", "Equation {n}"))
            shown = self.named("eq", "", str(counts["eq"])) if "eq" in self.context.prefixes \
                else template.replace("{n}", str(counts["eq"]))
            self.found.labels[ident] = Label("eq", shown, str(counts["eq"]))
            self.found.ids.add(ident)

    def _cell(self, node: Node, counts: dict[str, int]) -> None:
        """A Quarto code cell (```{python}), not executed: shown as its code,
        without its `#|` options; a figure or table label makes it a numbered
        figure that cross-references reach."""
        (ident, classes, pairs), text = node["c"]
        line = _int(attr_value(node, "imprint-line"))
        language = next((c for c in classes if c != "imprint-cell"), "")
        options: dict[str, str] = {}
        lines = text.split("\n")
        while lines and lines[0].lstrip().startswith("#|"):
            key, _, value = lines.pop(0).lstrip()[2:].partition(":")
            options[key.strip()] = value.strip().strip("\"'")
        label = options.get("label") or ident
        found = annotate(node, text="\n".join(lines), language=language)
        self.warn(line, f"the {language or 'code'} cell is not executed: its code is shown instead of its output",
                  hint="run the document with Quarto first and publish its output (.md), or make the cell a "
                       "plain code block (```" + (language or "python") + ")")
        kind = label.split("-", 1)[0] if label else ""
        caption = options.get(f"{kind}-cap") if kind in ("fig", "tbl") else None
        if kind in ("fig", "tbl") and label and (label in self.found.labels or label != ident
                                                 and label in self.found.ids):
            self.problem(line, f"the label '{label}' is also given to another figure, table, equation or "
                         "section", hint="labels must be unique: choose another")
        elif kind in ("fig", "tbl") and label:
            counts[kind] += 1
            shown = self.named(kind, "figure" if kind == "fig" else "table", str(counts[kind]))
            self.found.labels[label] = Label(kind, shown, str(counts[kind]))
            self.found.ids.add(label)
            found.update(id=label, label=f"{shown}.", caption=[str_node(caption)] if caption else [])
        if language:
            self.found.highlight.append(node)

    # -- code, raw content, what is not typeset yet

    def code_and_raw(self) -> None:
        math: list[Node] = self.each("Math")
        for node in self.each("CodeBlock", "Code", "RawBlock", "RawInline"):
            kind = node["t"]
            if kind == "CodeBlock" and "imprint-cell" not in attr(node)[1]:
                classes = attr(node)[1]
                if classes:
                    annotate(node, language=classes[0])
                    self.found.highlight.append(node)
            elif kind == "Code":
                match = _INLINE_CELL.match(node["c"][1])
                if match:
                    annotate(node, text=node["c"][1][match.end():])
                    self.warn(self.source.take(node["c"][1], code=True),
                              f"inline {match.group(1)} code is not executed: its expression is shown as code",
                              hint="run the document with Quarto first and publish its output (.md)")
            elif kind in ("RawBlock", "RawInline"):
                self._raw(node)
        for line, tags in self.raw_html.items():  # one warning a line
            self.warn(line, f"raw HTML is printed as text, not passed through: {' '.join(dict.fromkeys(tags))}",
                      hint="write it in Markdown instead (*emphasis*, [text]{.class})")
        if math:
            first = math[0]["c"][1]
            line = self.source.first(first.strip().split("\n")[0]) if first.strip() else None
            self.warn(line, f"{len(math)} formula{'s are' if len(math) > 1 else ' is'} shown as TeX: Imprint does "
                            "not typeset mathematics yet", hint="the formulas are printed as written, in monospace")

    def _raw(self, node: Node) -> None:
        fmt, text = node["c"]
        fmt = fmt.lower()
        first = text.strip().split("\n")[0][:60]
        # HTML where it is written; other formats where the author marked them
        # (```{=latex}), else where their text is (raw TeX commands)
        marked = re.compile(r"\{=\s*" + re.escape(fmt) + r"\s*\}")
        if fmt == "html":
            line = self.source.take(first, code=True) if first else None
        else:
            line = self.source.take(marked, code=True) or (self.source.take(first, code=True) if first else None)
        if fmt == "html":
            if raw_html(node) is not None:  # (a comment is not meant to be seen: left out)
                self.raw_html.setdefault(line, []).append(first)
            return
        self.warn(line, f"raw {fmt} is left out: the editions are not made with {fmt}",
                  hint="write it in Markdown, or delete it")

    # -- notes

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
                    self.problem(line, "a footnote cannot call another footnote",
                                 hint="put the second note's text into the first")
        labels: dict[str, tuple[int, Node]] = {}
        number = 0
        for node in (n for n in walk(self.blocks, printed=True) if n["t"] == "Note"):  # numbered as printed
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
        for inner in walk(node["c"]):
            found = note(inner)
            what = {"Table": "a table", "Header": "a heading", "Figure": "a figure"}.get(inner["t"])
            ident, classes, _ = attr(inner) if inner["t"] == "Div" else ("", [], [])
            if inner["t"] == "Div" and any(c == "callout" or c.startswith("callout-") for c in classes):
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

    # -- cross-references

    def crossrefs(self) -> None:
        """`@fig-map` and the like: Pandoc reads them as citations; citations.lua
        made them Spans where its citeproc was to run (else they are Cites still)."""
        for node in self.each("Span", "Cite"):
            if node["t"] == "Span" and "imprint-xref" in attr(node)[1]:
                written = self.source.first(re.compile(r"[.{\s]imprint-xref\b"), code=False)
                citations = _xref_citations(attr_value(node, "data-citations"))
                if citations is None or written is not None:  # (an author's span of that class)
                    self.problem(self.source.take("imprint-xref"), "the class imprint-xref is Imprint's own",
                                 hint="choose another class name")
                else:
                    self._crossref(node, citations)
            elif node["t"] == "Cite" and all(is_crossref(c["citationId"]) for c in node["c"][0]):
                self._crossref(node, node["c"][0])

    def _crossref(self, span: Node, citations: list[dict]) -> None:
        parts: list[Node] = []
        for index, citation in enumerate(citations):
            key = citation["citationId"]
            line = self.source.take_key(key)
            label = self.found.labels.get(key) or self.found.labels.get(key[0].lower() + key[1:])
            if label is None:
                close = _close(key, self.found.labels)
                self.problem(line, f"nothing has the label '{key}'",
                             hint=f"did you mean '{close}'?" if close else
                             "give the figure, table, equation or heading that id: {#" + key.lower() + "}")
                continue
            target = key if key in self.found.labels else key[0].lower() + key[1:]
            text = label.number if citation["citationMode"]["t"] == "SuppressAuthor" else label.text
            if key[0].isupper() and text:
                text = text[0].upper() + text[1:]
            if index:
                parts += [str_node(";"), {"t": "Space"}]
            prefix = citation.get("citationPrefix") or []
            words = _words(text)
            if prefix:  # ([Fig @fig-map]: "Fig 1", the author's word for the language's)
                words = prefix + [{"t": "Space"}, str_node(label.number)]
            link = {"t": "Link", "c": [["", [], []], words, ["#" + target, ""]]}
            annotate(link, crossref=True)
            parts.append(link)
            parts += citation.get("citationSuffix") or []
        span["t"], span["c"] = "Span", [["", [], []], parts]
        annotate(span, crossref=True)

    # -- citations

    def citations(self) -> None:
        unknown_reported: set[str] = set()
        for node in self.each("Cite"):
            if note(node).get("crossref"):
                continue
            ids = [c["citationId"] for c in node["c"][0]]
            if any(is_crossref(i) for i in ids):
                self.problem(self.source.take_key(ids[0]), "a bracket mixes citations and "
                             "cross-references", hint="write them in separate brackets: [@fig-map] [@smith2015]")
                continue
            for key in ids:
                if key in self.context.references:
                    continue
                lines = self.source.key_lines(key)
                if key in unknown_reported:
                    continue
                unknown_reported.add(key)
                for line in lines or [None]:
                    if not self.context.bibliography:
                        self.problem(line, f"the citation @{key} has no bibliography to come from",
                                     hint="name the file in the front matter: bibliography: references.bib")
                    else:
                        close = _close(key, self.context.references)
                        self.problem(line, f"no reference has the key '{key}'",
                                     hint=f"did you mean '{close}'?" if close else "add it to the bibliography")

    # -- links

    def links(self) -> None:
        for node in self.each("Link"):
            notes = [n for n in walk(node["c"][1]) if n["t"] == "Note"]
            if notes:
                citation = note(notes[0]).get("citation")
                text = stringify(node["c"][1]).split()[0] if stringify(node["c"][1]).split() else ""
                self.problem(self.source.take(text) if text else None,
                             "a citation in a link's text cannot become a footnote" if citation else
                             "a link's text cannot hold a footnote",
                             hint="move it out of the [link text](...)")
        self._targets()

    def _targets(self) -> None:
        ids = self.found.ids | set(self.found.labels) | {f"ref-{k}" for k in self.context.cited}
        citeproc_made = {id(n) for cite in self.each("Cite") for n in walk(cite["c"][1]) if n["t"] == "Link"}
        for node in self.each("Link"):
            if note(node).get("crossref"):
                continue
            href = node["c"][2][0]
            if id(node) in citeproc_made and href[1:] not in ids:
                node["c"][2][0] = ""  # (a key with no entry, reported with the citations: text, not a link)
            elif href.startswith("#"):
                target = self.found.renamed.get(href[1:], href[1:])
                node["c"][2][0] = "#" + target
                if target not in ids:
                    self.problem(self.source.take(re.compile(re.escape(f"({href}") + r"|\[" + re.escape(
                        stringify(node["c"][1])) + r"\]")), f"the link to '{href}' points to nothing in the article",
                                 hint="use the id of a heading, figure or table: [text](#my-id)")
            elif not linkable(href):
                line = (self.source.take(re.compile(r"\]\(\s*<?" + re.escape(href))) or self.source.take(
                    re.compile(r"\]\(\s*<?" + re.escape(unquote(href)))) or self.source.take(href) if href else
                        self.source.take(re.compile(r"\]\(\s*\)"))) or \
                    self.source.take(f"[{stringify(node['c'][1])}]")
                self.problem(line, f"the link to '{unquote(href)}' is not a web address",
                             hint="link to https://..., mailto:... or an id (#id); files are not published")

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


# -- helpers

def _block_lists(node: Node) -> Iterator[list[Node]]:
    """The lists of blocks directly inside a block (to replace blocks in them)."""
    kind, c = node["t"], node.get("c")
    if kind in ("BlockQuote", "Note"):
        yield c
    elif kind == "Div":
        yield c[1]
    elif kind == "BulletList":
        yield from c
    elif kind == "OrderedList":
        yield from c[1]
    elif kind == "DefinitionList":
        for _, definitions in c:
            yield from definitions
    elif kind == "Figure":
        yield c[2]


def _outline(blocks: list[Node]) -> Iterator[Node]:
    """The headings of the outline: at the top level or inside plain divs (not in
    quotes, lists, notes or callouts)."""
    for node in blocks:
        if node["t"] == "Header":
            yield node
        elif node["t"] == "Div" and note(node).get("callout") is None:
            yield from _outline(node["c"][1])


_NOTE_CALL = re.compile(r"\[\^([^\]\s]+)\]|\^\[")
_NOTE_DEFINITION = re.compile(r"^[ ]{0,3}\[\^([^\]\s]+)\]:", re.M)


def _note_calls(source: Source) -> list[tuple[str | None, int]]:
    """The note calls of the source, in order: (label, line); an inline note has no
    label. A definition's own label is no call (a call may be followed by a colon:
    "As Smith[^a]: ...")."""
    text = source._searchable
    definitions = {m.start() + m.group().index("[") for m in _NOTE_DEFINITION.finditer(text)}
    return [(m.group(1), source.line(m.start())) for m in _NOTE_CALL.finditer(text) if m.start() not in definitions]


def _xref_citations(data: str | None) -> list[dict] | None:
    """The citations citations.lua kept in a cross-reference's span, or None when the
    span is not its (they are not all there as it writes them)."""
    try:
        citations = json.loads(data or "")
    except ValueError:
        return None
    good = isinstance(citations, list) and citations and all(
        isinstance(c, dict) and isinstance(c.get("citationId"), str) and c["citationId"]
        and isinstance(c.get("citationMode"), dict) and "t" in c["citationMode"] and isinstance(c.get("citationPrefix", []), list)
        and isinstance(c.get("citationSuffix", []), list) for c in citations)
    return citations if good else None


def _embed(para: Node) -> str | None:
    """The source of a paragraph that is only an embedded notebook output."""
    found = [n for n in para["c"] if n["t"] not in ("Space", "SoftBreak")]
    if len(found) == 1 and found[0]["t"] == "Span" and "imprint-embed" in attr(found[0])[1]:
        return attr_value(found[0], "source") or ""
    return None


def _only_images(para: Node) -> bool:
    return all(n["t"] in ("Image", "Space", "SoftBreak", "LineBreak") for n in para["c"])


def is_crossref(key: str) -> bool:
    prefix = key.split("-", 1)[0].lower() if "-" in key else ""
    return prefix in CROSSREF_KINDS


def _words(text: str) -> list[Node]:
    out: list[Node] = []
    for index, word in enumerate(text.split(" ")):
        if index:
            out.append({"t": "Space"})
        out.append(str_node(word))
    return out


def _unique(ident: str, taken: set[str]) -> str:
    """An id like `ident` that no other has, and that is neither the templates' nor
    like the notes' and reference entries' (a heading "Ref manager" is not ref-...)."""
    if ident in RESERVED_IDS or GENERATED_ID.match(ident):
        ident = "sec-" + ident
    n = 1
    candidate = ident
    while candidate in taken or candidate in RESERVED_IDS:
        n += 1
        candidate = f"{ident}-{n}"
    return candidate


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _close(key: str, known) -> str | None:
    import difflib  # (only when something is mistyped)

    found = difflib.get_close_matches(key, list(known), n=1)
    return found[0] if found else None
