"""What everything in an article's body is: checked, numbered, linked.

Pandoc has read the Markdown (and its citeproc has formatted the citations);
this pass decides what Imprint adds and checks, and writes it on the nodes for
html.py: heading levels, ids and numbers; figures, tables, equations and code
cells with their numbers; Quarto's callouts and figure and table divs;
cross-references resolved to links; images found and checked; notes numbered in
reading order; raw content and what is not typeset yet reported. Every problem
is collected, with its line, before anything is rendered.

The pass is one object, _Steps, driven by analyse(); its steps for Quarto's divs
(quarto_divs.py), for what is numbered (numbering.py), for notes (notes.py), for
what points somewhere (links.py) and for tables as written (tables.py) are mixed
in from their modules.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterator, Mapping
from urllib.parse import unquote

from ..errors import Problem
from ..source.images import Image
from ..source.schema import AUTO_SECTION_LABELS
from .ast import IMPRINT, TEXTS, Node, annotate, attr, attr_value, dashed, index, note, stringify, walk, whole_number
from .chapters import EPUB, PRINT, Heading
from .html import raw_html
from .links import Links
from .locate import Source, citation_keys
from .notes import Notes
from .numbering import Label, Numbering
from .quarto_divs import QuartoDivs, block_lists
from .tables import Tables

# Ids the templates use; nothing in the body may take one of these.
RESERVED_IDS = frozenset({"title", "subtitle", "authors", "abstract", "abstract-heading", "keywords",
                          "for-citation", "front-matter", "article", "body", "notes", "toc", "references",
                          "references-heading", "back-matter", "about-the-authors", "translation", "refs"})
BOTH = frozenset((EPUB, PRINT))  # the dialects, of the e-reader and print editions
GENERATED_ID = re.compile(r"^(fn|fnref|ref)-")  # notes and reference entries
MAX_DEPTH = 64  # lists in quotes in lists..., emphasis in links in emphasis...: levels of one passage
_INLINE_CELL = re.compile(r"^\{(\w+)\}\s+|^(r)\s+(?=\S)")  # (Quarto's `{r} x`; knitr's `r x`, R Markdown's)


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
    unread_bibliography: bool = False  # a bibliography file it names could not be used (a problem already)


@dataclass
class Analysis:
    """The findings of the pass, beside the annotations it left on the nodes."""

    headings: list[tuple[Node, Heading]] = field(default_factory=list)  # top-level outline, in order
    labels: dict[str, Label] = field(default_factory=dict)
    # file (a notebook's output: with its address) -> (image, name in the EPUB)
    assets: dict[Path | tuple[Path, str], tuple[Image, str]] = field(default_factory=dict)
    renamed: dict[str, str] = field(default_factory=dict)  # ids Imprint had to change, old -> new
    ids: set[str] = field(default_factory=set)
    notes: list[tuple[Node, int | None]] = field(default_factory=list)  # every note's first call, numbered
    highlight: list[Node] = field(default_factory=list)  # code blocks for Pandoc to highlight
    math: list[tuple[Node, int | None]] = field(default_factory=list)  # formulas, with their lines (formulas.py)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def analyse(blocks: list[Node], context: Context) -> Analysis:
    """Check and annotate the body's blocks in place (see the module's docstring)."""
    found = Analysis()
    steps = _Steps(blocks, context, found)
    steps.nodes, steps.order, deepest = index(blocks)
    if not steps.depth(*deepest):
        return found  # too deep to go on
    if steps.empty_headings():
        steps.nodes, steps.order, _ = index(blocks)
    if steps.divs(blocks):  # (Quarto's figure and table divs became figures and tables)
        steps.nodes, steps.order, _ = index(blocks)
    if steps.conditions():  # (what no edition shows was taken out: it takes no number, no id)
        steps.nodes, steps.order, _ = index(blocks)
    if steps.table_spans() | steps.listing_captions():
        steps.nodes, steps.order, _ = index(blocks)
    steps.column_widths()
    steps.other_reference_lists()
    steps.chunk_figures()
    steps.ids()
    steps.colon_ids()
    steps.tex_labelled()
    steps.headings()
    steps.numbered()
    steps.tex_references()
    steps.bookdown_references()
    steps.code_annotations()
    steps.code_and_raw()
    steps.notes()
    steps.crossrefs(in_headings=True)
    steps.heading_texts()
    steps.crossrefs()
    steps.citations()
    steps.links()
    steps.leftovers()
    steps.tables()
    return found


class _Steps(QuartoDivs, Numbering, Notes, Links, Tables):
    """The steps of analyse(), sharing the blocks, the context and the findings."""

    def __init__(self, blocks: list[Node], context: Context, found: Analysis):
        self.blocks, self.context, self.found = blocks, context, found
        self.source = context.source
        self.nodes: dict[str, list[Node]] = {}  # every node by type, in reading order (after divs())
        self.order: dict[int, int] = {}  # each node's place in reading order, by id()
        self.raw_html: dict[int | None, list[str]] = {}  # raw HTML met, by line
        self.raw_cited: dict[int | None, list[str]] = {}  # the works raw HTML names as citations (@key), by line
        self.in_sentences: set[str] = set()  # LaTeX labels of images in sentences, no figures (numbering.py)
        self.over_made_ids: set[str] = set()  # LaTeX labels that a heading's id Pandoc made gives way to (same)
        self.chunks: dict[str, int | None] = {}  # R Markdown chunks' labels: their lines (not run: numbering.py)
        self.words_before: dict[int, str] | None = None  # the word before each citation, by id() (links.py)
        self.left_out: dict[str, tuple[str, int | None, int]] = {}  # empty headings' ids, dashed: as written,
        # line and level (a reference to one is told so: links.py)
        self.not_shown: dict[str, str] = {}  # ids, dashed, in what no edition shows: why (conditions(); links.py)

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

    def titled(self, kind: str, key: str, number: str) -> str:
        """ "Figure 2" where the thing itself is numbered (a caption, a theorem, a
        numbered callout): Quarto's `crossref:` title (`fig-title`), else the
        language's word."""
        word = self.context.prefixes.get(f"{kind}-title", str(self.context.words[key]))
        return f"{word} {number}" if word else number

    def caption_label(self, kind: str, key: str, number: str) -> str:
        """ "Figure 2." before a caption: titled(), then Quarto's `title-delim` (else a full stop)."""
        return self.titled(kind, key, number) + self.context.prefixes.get("title-delim", ".")

    def referred(self, kind: str, key: str, number: str, title: str | None = None) -> str:
        """What a cross-reference prints in running text: Quarto's `crossref:` prefix
        and the number; else the language's form for running text, `<key>_ref` in
        styles/locales/ ("рис. {n}", "разд. {n}"; `section_title_ref`, "{title}",
        for a section without a number); else the caption's word ("Figure 2")."""
        template = self.context.words.get(f"{key}_title_ref" if title is not None else f"{key}_ref")
        if kind not in self.context.prefixes and template is not None:
            return str(template).replace("{n}", number).replace("{title}", title or "")
        return self.named(kind, key, number if title is None else title)

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

    # -- ids

    def ids(self) -> None:
        """Every id the author gave (headings, divs, spans, figures, tables, code), each
        once; ids Pandoc made for headings give way to the templates' own."""
        written, heading_ids = self.source.attribute_ids()
        taken: dict[str, int] = {}
        seen: dict[str, int | None] = {}
        only_in, given = self.only_in(), {}  # (an id's nodes: its print and e-reader versions may share it)
        for node in self.each("Header", "Div", "Span", "Figure", "Table", "CodeBlock", "Code", "Image", "Link"):
            ident = attr(node)[0]
            if not ident or (node["t"] == "Header" and ident not in heading_ids):
                continue  # (a heading's id Pandoc made from its text)
            lines = written.get(ident, [])
            line = lines[min(taken.get(ident, 0), len(lines) - 1)] if lines else None
            taken[ident] = taken.get(ident, 0) + 1
            if ident == "references" and node["t"] == "Header":  # (`# References {#references}`, as templates
                node["c"][1][0] = _unique("references-heading", self.found.ids | set(seen))  # write it: the list
                continue  # takes the id, and the heading is the list's, or keeps one of its own)
            if ident in RESERVED_IDS or GENERATED_ID.match(ident):
                self.problem(line, f"the id '{ident}' is reserved for the front matter, notes or references",
                             hint="choose another id")
            elif ident in seen and not all(only_in.get(id(node), BOTH).isdisjoint(only_in.get(id(other), BOTH))
                                           for other in given[ident]):
                where = f" on line {seen[ident]}" if seen[ident] else ""
                self.problem(line, f"the id '{ident}' is also given{where}", hint="ids must be unique: choose another")
            seen[ident] = line
            given.setdefault(ident, []).append(node)
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
        """The line an id is written on: as itself, as pandoc-crossref's label it was
        made of (`fig:map`), or as a LaTeX label (`\\label{fig:map}`)."""
        written = [old for old, new in self.found.renamed.items() if new == ident] + [ident]
        for name in written:
            lines = self.source.attribute_ids()[0].get(name)
            if lines:
                return lines[0]
            line = self.source.first(re.compile(r"\{[^{}\n]*#" + re.escape(name) + r"[\s}]"), code=True)  # (code's)
            if line:
                return line
        return self.source.first(re.compile(r"\\label\{" + re.escape(ident).replace("\\-", "[-:]") + r"\}"),
                                 code=True)

    # -- headings

    def empty_headings(self) -> bool:
        """A heading with nothing after its #s (`### ` alone, as a file may end), which
        Pandoc and Quarto read, is left out of both editions and the contents, with a
        warning (it was an error), wherever it stands (`> ## ` in a quote, in a list, a
        callout, a table's cell: an empty <h2> there too); whether there was one.
        Before divs(), which take a callout's first heading as its title, a tab's as
        its label; before ids(): no link may point to it (one to its id is told so)."""
        empty = [n for n in self.each("Header") if all(i["t"] in ("Space", "SoftBreak") for i in n["c"][2])]
        in_cells = {id(n) for table in self.each("Table") for blocks in _cells(table) for n in walk(blocks)} \
            if empty else set()
        written = self.source.attribute_ids()[0] if empty else {}
        for node in empty:
            line = self.source.take(_EMPTY_CELL_HEADING if id(node) in in_cells else _EMPTY_HEADING)
            self.warn(line, "this heading has no text: it is left out",
                      hint="write its title after the #, or delete the line")
            if attr(node)[0] in written:  # (`## {#sec-gone}`: not Pandoc's id)
                self.left_out[dashed(attr(node)[0])] = (attr(node)[0], line, node["c"][0])
        gone = {id(n) for n in empty}
        for blocks in list(_every_block_list(self.blocks)) if empty else ():
            blocks[:] = [n for n in blocks if id(n) not in gone]
        return bool(empty)

    def headings(self) -> None:
        """Levels relative to the top one used, never more than one below the
        heading before (a jump from # to #### would break the outline readers
        navigate by); numbers when `number-sections` asks, not for `{-}`."""
        outline = [n for n in _outline(self.blocks)]
        top = min((n["c"][0] for n in outline), default=1)
        self._tex_appendix(outline, top)
        previous = 0
        counters: list[int] = []  # the numbers below the top level
        first, main, appendix = "", 0, 0  # the top level's number (an appendix's letter), and the counts
        for node in outline:
            ident, classes, _ = attr(node)
            level = min(max(1, node["c"][0] - top + 1), previous + 1)
            previous = level
            text = _heading_text(node, self.context.quotes)
            if not text:
                self.problem(self.source.take(re.compile(r"^#{1,6}[ \t]*(?:\{[^}\n]*\}[ \t]*)?$", re.M)),
                             "this heading has no text", hint="write its title after the #, or delete the line")
            number = ""
            unnumbered = "unnumbered" in classes or "unlisted" in classes
            if self.context.number_sections and not unnumbered:
                if level == 1:  # (appendices lettered A, B...; the sections after them go on counting)
                    appendix += "appendix" in classes
                    main += "appendix" not in classes
                    first = (chr(ord("A") + appendix - 1) if appendix <= 26 else str(appendix)) \
                        if "appendix" in classes else str(main)
                    counters = []
                else:
                    counters = (counters + [0] * level)[:level - 1]
                    counters[level - 2] += 1
                number = ".".join([first or "0", *map(str, counters)])
            heading = Heading(level=level, id=ident, text=text, number=number, listed="unlisted" not in classes)
            annotate(node, level=level, id=ident, text=text, number=number)
            self.found.headings.append((node, heading))
            self._section_label(node, heading)

    def _section_label(self, node: Node, heading: Heading) -> None:
        """What @sec-x prints: the section's number, else its title in quotes."""
        if heading.number:
            shown = self.referred("sec", "section", heading.number)
        else:
            q = self.context.quotes  # (its own quotes in the other marks)
            title = " ".join(stringify(node["c"][2], q, quoted=True).split())
            shown = self.referred("sec", "section", "", title=f"{q[0]}{title}{q[1]}")
        self.label(node, heading.id, Label("sec", shown, heading.number or heading.text))
        if self.context.prefixes.get(AUTO_SECTION_LABELS) and heading.id and not heading.id.startswith("sec-") \
                and "sec-" + heading.id not in self.found.labels:  # (pandoc-crossref's autoSectionLabels)
            self.found.labels["sec-" + heading.id] = Label("sec", shown, heading.number or heading.text,
                                                          target=heading.id)

    def heading_texts(self) -> None:
        """The headings' texts again once their cross-references are resolved: the
        EPUB's contents, the PDF's outline and @sec-x show "About Figure 1", not
        "About @fig-one"."""
        for place, (node, heading) in enumerate(self.found.headings):
            text = _heading_text(node, self.context.quotes)
            if text != heading.text:
                heading = replace(heading, text=text)
                self.found.headings[place] = (node, heading)
                annotate(node, text=text)
                self._section_label(node, heading)

    # -- code, raw content, what is not typeset yet

    def conditions(self) -> bool:
        """Quarto's conditional content (`.content-visible when-format="pdf"`,
        `.content-hidden`, `unless-format`): kept out of the dialect of the editions
        it is not for (`hidden_in`; the renderer leaves it out). The e-reader
        edition is Quarto's epub, and html (whose outputs include epub); print is
        pdf and latex. A condition on metadata or a profile is not weighed: the
        content is shown, with a warning. Quarto's `.dark-content` (HTML's dark
        colour scheme's, its `.light-content` the light one's) is in neither
        edition: both are light, as paper is. What is in neither edition is taken
        out of the body (a figure there took a number that the shown ones skipped);
        whether something was."""
        nowhere = False
        for node in self.each("Div", "Span", "CodeBlock", "Image"):
            _, classes, pairs = attr(node)
            if "dark-content" in classes:
                annotate(node, hidden_in=["epub", "print"])
                nowhere = True
                continue
            kind = "visible" if "content-visible" in classes else "hidden" if "content-hidden" in classes else None
            if kind is None:
                continue
            values = dict(pairs)
            other = [k for k in values
                     if k.startswith(("when-", "unless-")) and k not in ("when-format", "unless-format")]
            if other:
                self.warn(self.source.take(other[0]), f"the condition {other[0]}=\"{values[other[0]]}\" is not "
                          "weighed: this content is in every edition",
                          hint="use when-format or unless-format (epub, html, pdf), or delete what no edition needs")
                continue
            when, unless = (set(re.split(r"[\s,]+", values.get(k, "").strip())) - {""}
                            for k in ("when-format", "unless-format"))
            hidden = []
            for dialect, formats in (("epub", _EPUB_FORMATS), ("print", _PRINT_FORMATS)):
                # (no condition matches every edition: visible always, or hidden always)
                matched = (not when or bool(when & formats)) and not (unless & formats)
                if (kind == "visible") != matched:
                    hidden.append(dialect)
            if hidden:
                annotate(node, hidden_in=hidden)
                nowhere = nowhere or len(hidden) == 2
        if nowhere:
            _drop_hidden_everywhere(self.blocks, self.not_shown)
        return nowhere

    def only_in(self) -> dict[int, frozenset[str]]:
        """The nodes one edition only shows (conditions(): a div of it, or inside
        one), by id(), with that edition's dialect; {} for most texts."""
        if not any(note(n).get("hidden_in") for n in self.each("Div", "Span", "CodeBlock", "Image")):
            return {}
        found: dict[int, frozenset[str]] = {}

        def visit(value: Any, hidden: frozenset[str]) -> None:
            if isinstance(value, list):
                for item in value:
                    visit(item, hidden)
            elif isinstance(value, dict):
                if "t" in value:
                    hidden = hidden | frozenset(note(value).get("hidden_in", ()))
                    if hidden:
                        found[id(value)] = BOTH - hidden
                for key, item in value.items():
                    if key != IMPRINT:
                        visit(item, hidden)

        visit(self.blocks, frozenset())
        return found

    def table_spans(self) -> bool:
        """pandoc-crossref's table label as an empty span in the caption, `: Caption
        []{#tbl:x}` (its documentation's form): the table's id. Whether one was."""
        found = False
        for table in self.each("Table"):
            if attr(table)[0]:
                continue
            for block in table["c"][1][1] or []:
                inlines = block["c"] if block["t"] in ("Plain", "Para") else []
                for place, inline in enumerate(inlines):
                    ident = attr(inline)[0] if inline["t"] == "Span" else ""
                    if ident.startswith(("tbl:", "tbl-")) and not inline["c"][1]:
                        table["c"][0][0] = ident
                        del inlines[place]
                        while inlines and inlines[-1]["t"] in ("Space", "SoftBreak"):
                            inlines.pop()
                        found = True
                        break
        return found

    def column_widths(self) -> None:
        """Quarto's `tbl-colwidths` on a table (`: Caption {tbl-colwidths="[75,25]"}`):
        the print edition's column widths, in proportion (it was ignored, unsaid);
        `false` or `auto`: none, whatever the pipe table's dashes say."""
        for table in self.each("Table"):
            value = attr_value(table, "tbl-colwidths")
            if value is None:
                continue
            colspecs = table["c"][2]
            numbers = re.findall(r"\d+(?:\.\d+)?", value)
            if value.strip().lower() in ("false", "auto"):
                table["c"][2] = [[align, {"t": "ColWidthDefault"}] for align, _ in colspecs]
            elif value.strip().lower() == "true":
                continue
            elif re.fullmatch(r"\s*\[?\s*\d+(?:\.\d+)?(?:\s*,\s*\d+(?:\.\d+)?)*\s*\]?\s*", value) \
                    and len(numbers) == len(colspecs) and sum(map(float, numbers)) > 0:
                total = sum(map(float, numbers))
                table["c"][2] = [[align, {"t": "ColWidth", "c": float(n) / total}]
                                 for (align, _), n in zip(colspecs, numbers)]
            else:
                self.warn(self.source.take(re.compile(r"tbl-colwidths\s*=")),
                          f"tbl-colwidths=\"{value}\" is left out: it gives no width for each of the table's "
                          f"{len(colspecs)} columns", hint=f"give {len(colspecs)} numbers: tbl-colwidths=\"[60,40]\"")

    def listing_captions(self) -> bool:
        """pandoc-crossref's listing captions written as a table's (its
        `codeBlockCaptions`): a paragraph `: Caption {#lst:x}` (or `Listing: ...`)
        right before or after a code block is that block's caption and label.
        Whether there was one (the paragraph is then taken out)."""
        found = False
        for blocks in _block_lists_under(self.blocks):
            place = 0
            while place < len(blocks):
                caption = _listing_caption(blocks[place]) if blocks[place]["t"] == "Para" else None
                code = None if caption is None else next(
                    (blocks[i] for i in (place + 1, place - 1) if 0 <= i < len(blocks)
                     and blocks[i]["t"] == "CodeBlock" and _uncaptioned(blocks[i], labelled=caption[0] is None)),
                    None)
                if code is None:
                    place += 1
                    continue
                label, inlines = caption
                code["c"][0][0] = label or code["c"][0][0]
                texts = note(code).get(TEXTS, {})
                annotate(code, **{TEXTS: {**texts, "lst-cap": inlines}})
                del blocks[place]
                found = True
        return found

    def other_reference_lists(self) -> None:
        """`::: {#refs_sources}` (the multiple-bibliographies filter's lists, one per
        `bibliography_sources:` file): Imprint makes one list, at `#refs` or at the
        end; such a div would print its heading over nothing, in silence."""
        for node in self.each("Div"):
            ident = attr(node)[0]
            if re.fullmatch(r"refs[_-]\w+", ident) and not node["c"][1]:
                self.warn(self._id_line(ident), f"the div #{ident} stays empty: Imprint makes one reference list, "
                          "of every work cited (where ::: {#refs} ::: stands, else at the end)",
                          hint="keep one list: write ::: {#refs} ::: under one heading and delete the others")

    def code_annotations(self) -> None:
        """Quarto's code annotations: code lines that end in a comment `# <1>`, and
        right after the code an ordered list that explains each number. The comments
        go; the numbers are printed at their lines' ends (html.py), the list stays."""
        for blocks in _block_lists_under(self.blocks):
            for code, after in zip(blocks, blocks[1:]):
                if code["t"] != "CodeBlock" or after["t"] != "OrderedList" \
                        or "imprint-shown-cell" in attr(code)[1]:
                    continue
                lines = note(code).get("text", code["c"][1]).split("\n")
                marks = {}
                for number, line in enumerate(lines):
                    match = _ANNOTATION.search(line)
                    if match:
                        lines[number], marks[number] = line[:match.start()].rstrip(" \t"), match.group(1)
                if marks:
                    annotate(code, text="\n".join(lines), annotations=marks)
                    annotate(after, code_annotations=True)
                    start, items = after["c"][0][0], len(after["c"][1])
                    for mark in sorted({int(m) for m in marks.values()} - set(range(start, start + items))):
                        self.warn(self.source.take(f"<{mark}>", code=True), f"the code's annotation <{mark}> has "
                                  "no item in the list after the code", hint=f"add item {mark}. to the list")

    def code_and_raw(self) -> None:
        for node in self.each("Math"):
            first = next((row.strip() for row in node["c"][1].split("\n") if row.strip()), "")
            line = (self.source.take(first) or self.source.take(first, code=True)) if first else None
            self.found.math.append((node, line))  # (in code too: a formula may hold a backtick)
        for node in self.each("CodeBlock", "Code", "RawBlock", "RawInline"):
            kind = node["t"]
            if kind == "CodeBlock" and "imprint-shown-cell" in attr(node)[1]:  # (```{{python}}: shown as written)
                fence = unquote(attr_value(node, "imprint-fence") or "")
                annotate(node, text=f"{fence}\n{node['c'][1]}\n{re.match(r'[`~]*', fence).group()}")
            elif kind == "CodeBlock" and "imprint-cell" not in attr(node)[1]:
                classes = attr(node)[1]
                start = attr_value(node, "startFrom") or attr_value(node, "start-from")
                if start is not None and whole_number(start) is None:
                    self.warn(self.source.take(f"={start}", code=True) or self.source.take(start, code=True),
                              f"startFrom=\"{start}\" is not a line number: the lines are numbered from 1",
                              hint="write a whole number: startFrom=\"10\"")
                if classes:
                    annotate(node, language=classes[0])
                    self.found.highlight.append(node)
            elif kind == "Code":
                match = _INLINE_CELL.match(node["c"][1])
                if match:
                    annotate(node, text=node["c"][1][match.end():])
                    written = node["c"][1]  # (over lines, as written: Pandoc joins them with spaces)
                    self.warn(self.source.take(written, code=True) or self.source.take(
                        re.compile(r"\s+".join(map(re.escape, written.split()))), code=True),
                              f"inline {match.group(1) or match.group(2)} code is not executed: its expression is "
                              "shown as code", hint="run the document with Quarto (or knit it with R Markdown) first "
                                                    "and publish its output (.md)")
            elif kind in ("RawBlock", "RawInline") and not note(node).get("taken"):
                self._raw(node)
        for line, tags in self.raw_html.items():  # one warning a line
            divided = any(_HOLDER.match(tag) for tag in tags)
            cited = ", ".join(f"@{key}" for key in dict.fromkeys(self.raw_cited.get(line, ())))
            self.warn(line, f"raw HTML is printed as text, not passed through: {' '.join(dict.fromkeys(tags))}"
                      + (" (and the Markdown within it, as written" + (f": {cited} cites nothing" if cited else "")
                         + ")" if divided else ""),
                      hint="write it as a fenced div: ::: {#id .class} on the line before what it holds, ::: on "
                           "the line after" if divided else "write it in Markdown instead (*emphasis*, [text]{.class})")

    def _tex_appendix(self, outline: list[Node], top: int) -> None:
        """LaTeX's `\\appendix` as a block of its own: the top-level headings after
        it are appendices, as if each had the class .appendix (lettered A, B where
        sections are numbered); it was left out."""
        raw = next((n for n in self.each("RawBlock") if n["c"][0].lower() in ("tex", "latex")
                    and n["c"][1].strip() == "\\appendix"), None)
        if raw is None:
            return
        annotate(raw, taken=True)
        for node in outline:
            if node["c"][0] == top and self.order[id(node)] > self.order[id(raw)] and "appendix" not in attr(node)[1]:
                attr(node)[1].append("appendix")

    def _raw(self, node: Node) -> None:
        fmt, text = node["c"]
        fmt = fmt.lower()
        if fmt == "comment":  # (```{=comment}: the author's comment, as an HTML one is: not meant to be seen)
            return
        first = text.strip().split("\n")[0][:60]
        # (% starts a comment in TeX: Pandoc reads on past it, and may repeat what follows)
        comment = fmt in ("latex", "tex") and re.search(r"(?<!\\)%", first)
        # HTML where it is written; other formats where the author marked them
        # (```{=latex}), else where their text is (raw TeX commands)
        marked = re.compile(r"\{=\s*" + re.escape(fmt) + r"\s*\}")
        def by_text() -> int | None:  # (each lookup hands out the line it finds: only the one used is made)
            return self.source.take(first, code=True) if first else None

        if fmt == "html" and node["t"] == "RawBlock" and first:  # (```{=html} fenced, its first line; else in
            opening = re.compile(r"\{=\s*html\s*\}[^\n]*\n[ \t]*" + re.escape(first))
            fence = self.source.take_opening(opening) or self.source.take(opening, code=True)  # (in a list: indented)
            line = fence + 1 if fence else self.source.take(first) or by_text()  # the prose: not the same tag
        elif fmt == "html":  # written in code or inline code before)
            line = by_text()
        elif node["t"] == "RawInline":  # (a TeX command in a sentence, not in a formula: its own words, else
            line = (first and self.source.take(first, math=False)) or by_text() \
                or (comment and self.source.take(first[:comment.start()], math=False)) \
                or self.source.take(marked, code=True)  # its `{=latex}`)
        else:  # (its own fence, the one its first line follows: another's, converted, is not it)
            opening = re.compile(marked.pattern + r"[^\n]*\n[ \t]*" + re.escape(first)) if first else marked
            line = self.source.take_opening(opening) or self.source.take(opening, code=True)
            comment = comment if line is None else None  # (```{=tex}: a comment in it, as its author wrote it)
            # (else its lines where they stand as a block of their own: the same command
            # written earlier in a sentence, or as another block's later line, is not it)
            lines = r"\n[ \t]*".join(re.escape(row.strip()) for row in text.strip().split("\n"))
            line = line or self.source.take(re.compile(r"(?:(?<=\n\n)|(?<=\A\n)|(?<![\s\S]))[ \t]*" + lines), code=True) \
                or by_text()
        if fmt == "html":
            # (a comment is not meant to be seen: left out; and an editor's angle brackets
            # around words, `<и комедиях>`, a classicist's insertion, are text, not HTML)
            if raw_html(node) is None and text.count("<!--") > 1:  # (a --> forgotten: what follows went with it)
                self.warn(line, f"this HTML comment holds another (<!--), and the {text.count(chr(10) * 2) + 1} "
                                "paragraphs up to its first --> are left out with it",
                          hint="close the comment where it should end (-->): its --> is missing")
            if raw_html(node) is not None and not _NOT_A_TAG.match(text):
                self.raw_html.setdefault(line, []).append(first)
                self.raw_cited.setdefault(line, []).extend(
                    key for key in citation_keys(text) if key in self.context.references)
            return
        if fmt in ("latex", "tex") and _only_macros(text):
            return  # (Pandoc has applied its macros to the formulas: nothing of it is lost)
        whole = " ".join(text.split())  # (every line of it: `\\appendix` after `\\pagebreak` went unsaid)
        if fmt in ("latex", "tex") and node["t"] == "RawBlock":  # (shown without its comments: PLOS's floats
            whole = " ".join(_TEX_COMMENT.sub("", text).split()) or whole  # open with "% Place tables after...")
        shown = whole if len(whole) <= 40 else whole[:37] + "..."
        commands = re.findall(r"\\([A-Za-z]+)", whole) if fmt in ("latex", "tex") else []
        environment = re.match(r"\\begin\s*\{([A-Za-z]+)\*?\}", whole) if commands else None
        self.warn(line, f"raw {fmt} is left out ({shown}): the editions are not made with {fmt}",
                  hint="% starts a comment in LaTeX, so the text after it went with it: write a web address as "
                       "<https://...>, a per cent sign as \\%" if comment
                  else _FLOATS[environment.group(1)] if environment and environment.group(1) in _FLOATS
                  else _INSTEAD[commands[0]] if commands and all(c in _INSTEAD for c in commands)
                  else "write it in Markdown, or delete it")


# -- helpers

# What Imprint does instead of a LaTeX command of its own line that it leaves out.
_CONTENTS = "the EPUB has its own contents and the PDF its outline: delete it"
_SPACING = "the spacing and the pages' numbers are the stylesheet's (styles/css/print.css): delete it"
_INSTEAD = {"tableofcontents": _CONTENTS, "listoffigures": "no list of figures is made: delete it",
            "listoftables": "no list of tables is made: delete it", "listoflistings": "no list of listings is made: "
            "delete it", "vspace": _SPACING, "vfill": _SPACING, "noindent": _SPACING, "pagenumbering": _SPACING,
            "setcounter": _SPACING, "doublespacing": _SPACING, "onehalfspacing": _SPACING, "singlespacing": _SPACING,
            "maketitle": "the front matter is printed from the fields: delete it",
            # (the first \printbibliography places the list, citations.lua: one per chapter is not made)
            "printbibliography": "the reference list is printed once, where the first \\printbibliography (or "
                                 "::: {#refs}) is: delete this one, and the heading over it",
            "bibliography": "the reference list is printed once, where the first \\bibliography (or ::: {#refs}) "
                            "is: delete this one, and the heading over it"}

# What to write instead of a LaTeX float Pandoc's LaTeX reader could not read (a
# column specification it does not know, a table of \\multicolumn headings...).
_FLOATS = {"table": "write it as a Markdown table, its caption after it (`: Caption {#tbl-x}`), which both "
                    "editions print and number",
           "longtable": "write it as a Markdown table, its caption after it (`: Caption {#tbl-x}`)",
           "figure": "write it as a Markdown figure, `![Caption](file){#fig-x}`, which both editions print and number"}
_TEX_COMMENT = re.compile(r"(?<!\\)%[^\n]*")
# What Pandoc reads as a tag but HTML has none of: a name in another alphabet
_NOT_A_TAG = re.compile(r"</?[^\W\d_A-Za-z]")

# The HTML elements that hold Markdown an author meant read (Pandoc reads it, with
# its markdown_in_html_blocks: Imprint prints raw HTML as text).
_HOLDER = re.compile(r"<(?:div|p|section|article|aside|figure|blockquote|details|center)\b", re.I)

# The formats of Quarto's conditions each edition is (epub is one of Quarto's html outputs).
_EPUB_FORMATS = frozenset(("epub", "epub2", "epub3", "html", "html4", "html5"))
_PRINT_FORMATS = frozenset(("pdf", "latex"))

# TeX macro definitions only (\newcommand{\R}{\mathbb{R}}), which Pandoc's reader
# applies to the formulas (its latex_macros extension) and leaves as raw TeX.
_DEFINITION = re.compile(r"\s*\\(?:(?:(?:re|provide)?newcommand|DeclareMathOperator)\*?\s*\{?\\[A-Za-z]+\}?"
                         r"|def\s*\\[A-Za-z]+(?:#\d)*)")
_ARITY = re.compile(r"\s*\[\d\]")


def _only_macros(text: str) -> bool:
    """Whether the TeX is macro definitions and nothing else (each definition's
    arguments, `[1]` and `{...}` groups, their braces nested to any depth): read
    in one pass (a regular expression of nested repeats took minutes over a
    preamble of 60 definitions that was not only that)."""
    at, defined = 0, False
    while True:
        found = _DEFINITION.match(text, at)
        if not found:
            return defined and not text[at:].strip()
        at, defined = found.end(), True
        while True:
            if arity := _ARITY.match(text, at):
                at = arity.end()
                continue
            start = len(text) - len(text[at:].lstrip())
            if not text.startswith("{", start):
                break
            depth, index = 0, start
            while index < len(text):
                char = text[index]
                if char == "\\":
                    index += 2
                    continue
                depth += (char == "{") - (char == "}")
                index += 1
                if depth == 0:
                    break
            if depth:
                return False
            at = index


# A code line's annotation (Quarto): a comment of the language holding <n>, at the line's end.
# (searched for, its code the line before it: a pattern that matched the code too
# took cubic time over a long line)
_ANNOTATION = re.compile(r"(?:#|//|--|%%?|;|/\*|<!--)[ \t]*<(\d+)>[ \t]*(?:(?:\*/|-->)[ \t]*)?$")


def _listing_caption(para: Node) -> tuple[str | None, list[Node]] | None:
    """A paragraph `: Caption {#lst:x}` or `Listing: Caption {#lst:x}`: the label and
    the caption's inlines; without the label (`Listing: Caption` beside a code block
    that has it: pandoc-crossref's demo), None and the inlines; else None."""
    inlines = para["c"]
    if not inlines or inlines[0]["t"] != "Str" or inlines[0]["c"] not in (":", "Listing:"):
        return None
    last = inlines[-1]
    label = re.fullmatch(r"\{#(lst[:-][\w:.-]+)\}", last["c"]) if last["t"] == "Str" else None
    caption = inlines[1:-1] if label else inlines[1:]
    while caption and caption[0]["t"] in ("Space", "SoftBreak"):
        caption = caption[1:]
    while caption and caption[-1]["t"] in ("Space", "SoftBreak"):
        caption = caption[:-1]
    return (label.group(1) if label else None, caption) if caption else None


def _uncaptioned(code: Node, labelled: bool) -> bool:
    """A code block a caption paragraph beside it may caption: one without an id
    (the paragraph gives the label), or, `labelled`, a listing's (`{#lst:x}`) that
    has no caption of its own."""
    ident = attr(code)[0]
    if not labelled:
        return not ident
    return re.match(r"lst[:-]", ident) is not None and attr_value(code, "caption") is None \
        and "lst-cap" not in note(code).get(TEXTS, {})


# A heading with no text (`### `, `## {#id}`), in a quote or a list item too (`> ## `, `- ## `).
_EMPTY_HEADING = re.compile(r"^(?:[ \t]*(?:>|(?:[-+*:~]|\d{1,9}[.)]|#\.)(?=[ \t])))*[ \t]*#{1,6}[ \t]*"
                            r"(?:\{[^}\n]*\}[ \t]*)?$", re.M)
# One in a grid table's cell (`| ## |`, on a row a `+---+` line ends: a pipe table's `| # |` is a number's column).
_EMPTY_CELL_HEADING = re.compile(r"\|[ \t]*#{1,6}[ \t]*(?:\{[^}\n|]*\}[ \t]*)?"
                                 r"(?=\|[^\n]*\n(?:[ \t]*\|[^\n]*\n)*[ \t]*\+[-=:+]+\+)")


def _drop_hidden_everywhere(value: Any, gone: dict[str, str]) -> bool:
    """Every node that no edition shows (conditions()) taken out of the lists that
    hold it, at any depth, and a figure or a note left with nothing to show by it
    (its only picture `.dark-content`: a caption with a number and no picture); whether
    something was. The ids in what was taken out go in `gone` (dashed), with why
    (a reference to one is told so: links.py)."""
    dropped = False
    if isinstance(value, list):
        kept = []
        for item in value:
            if isinstance(item, dict) and len(note(item).get("hidden_in", ())) == 2:
                dropped = True
                _gone_ids(item, gone)
                continue
            inside = _drop_hidden_everywhere(item, gone)
            dropped = dropped or inside
            if inside and isinstance(item, dict) and item.get("t") == "Figure" and _shows_nothing(item["c"][2]):
                _gone_ids(item, gone, "its only picture is .dark-content")
                continue
            if inside and isinstance(item, dict) and item.get("t") == "Note" and _shows_nothing(item["c"]):
                continue  # (`[^1]: [dark]{.dark-content}`: a number calling an empty note)
            kept.append(item)
        value[:] = kept
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != IMPRINT:
                dropped = _drop_hidden_everywhere(item, gone) or dropped
    return dropped


def _gone_ids(node: Node, gone: dict[str, str], why: str | None = None) -> None:
    """The ids in a node taken out of the body, with why no edition shows it."""
    if why is None:
        why = "it is .dark-content" if "dark-content" in attr(node)[1] else \
            "its .content-visible or .content-hidden condition holds for no edition"
    for inner in walk([node]):
        ident = attr(inner)[0] if "c" in inner else ""  # (a Space has no content)
        if ident:
            gone.setdefault(dashed(ident), why)


def _shows_nothing(blocks: list[Node]) -> bool:
    """Whether a figure's or note's content is only empty paragraphs (or none)."""
    return all(b["t"] in ("Plain", "Para") and all(i["t"] in ("Space", "SoftBreak") for i in b["c"])
               for b in blocks)


def _block_lists_under(blocks: list[Node]) -> Iterator[list[Node]]:
    """`blocks`, and every list of blocks inside them."""
    yield blocks
    for node in blocks:
        for inner in block_lists(node):
            yield from _block_lists_under(inner)


def _every_block_list(blocks: list[Node]) -> Iterator[list[Node]]:
    """`blocks`, and every list of blocks under them: in notes and tables' cells too."""
    yield blocks
    for node in walk(blocks):
        yield from block_lists(node)
        if node["t"] == "Table":
            yield from _cells(node)


def _cells(table: Node) -> Iterator[list[Node]]:
    """The blocks of each of a table's cells."""
    _, _, _, head, bodies, foot = table["c"]
    for row in head[1] + [row for body in bodies for row in body[2] + body[3]] + foot[1]:
        yield from (cell[4] for cell in row[1])


def _outline(blocks: list[Node]) -> Iterator[Node]:
    """The headings of the outline: at the top level or inside plain divs (not in
    quotes, lists, notes or callouts)."""
    for node in blocks:
        if node["t"] == "Header":
            yield node
        elif node["t"] == "Div" and note(node).get("callout") is None:
            yield from _outline(node["c"][1])


def _heading_text(node: Node, quotes: str) -> str:
    return " ".join(stringify(node["c"][2], quotes).split())


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
