"""Quarto's divs, read as Quarto reads them: figure and table divs, callouts,
theorem-like statements and proofs, embedded notebook outputs.

One step of structure.py's pass (`_Steps.divs()`), before anything is numbered:
a figure or table div becomes the Figure or Table Pandoc would have made of it;
callouts and statements keep their title or name on the node for html.py.
"""

from __future__ import annotations

import re

from typing import Iterator

from .ast import (TEXTS, Node, annotate, attr, attr_inlines, attr_value, dashed, figure, note, stringify, walk,
                  whole_number, words)

# Theorem-like statements (numbered, each kind on its own), proofs and the like (not numbered),
# numbered callouts: their kinds and the word of styles/locales each prints.
THEOREMS = {"thm": "theorem", "lem": "lemma", "cor": "corollary", "prp": "proposition", "cnj": "conjecture",
            "def": "definition", "exm": "example", "exr": "exercise"}
PROOFS = ("proof", "remark", "solution")
# bookdown's theorem environments (`::: {.theorem #pyth name="..."}`, referred to as
# \@ref(thm:pyth)): their classes, and the prefix Quarto gives their kinds.
BOOKDOWN_THEOREMS = {"theorem": "thm", "lemma": "lem", "corollary": "cor", "proposition": "prp",
                     "conjecture": "cnj", "definition": "def", "example": "exm", "exercise": "exr"}
NUMBERED_CALLOUTS = {"nte": "note", "tip": "tip", "wrn": "warning", "imp": "important", "cau": "caution"}
CALLOUTS = ("note", "tip", "warning", "important", "caution")
# Divs a journal's class heads with a word (quarto-journals' ACS template): the word's key in styles/locales.
TITLED = {"acknowledgement": "acknowledgements", "acknowledgements": "acknowledgements",
          "acknowledgments": "acknowledgements", "suppinfo": "supplementary_material"}


class QuartoDivs:
    """The steps of structure._Steps that read Quarto's divs (they use its context,
    problem() and _id_line())."""

    def divs(self, blocks: list[Node]) -> bool:
        """Quarto's divs read as Quarto reads them; whether any block was replaced."""
        changed = False
        blocks[:] = [part for node in blocks for part in _embeds_apart(node)]  # (each then made a figure below)
        for index, node in enumerate(blocks):
            for inner in block_lists(node):
                changed |= self.divs(inner)
            if node["t"] == "Para" and (embedded := _embed(node)) is not None:
                blocks[index] = self._embed(embedded)
                changed = True
                continue
            if node["t"] == "Para" and (linked := _linked_figure(node)) is not None:
                blocks[index] = linked
                changed = True
                continue
            if node["t"] != "Div":
                continue
            ident, classes, _ = attr(node)
            if "list-table" in classes:
                blocks[index] = _list_table(node)
                if blocks[index] is node:
                    self.warn(self._id_line(ident) if ident else self.source.take(".list-table"),
                              "this list table is not a list of rows, each a list of cells: it is printed as a list",
                              hint="write each row as '- - cell' and each further cell as '  - cell', nothing else")
            elif dashed(ident).startswith("fig-"):  # (and pandoc-crossref's fig:x)
                blocks[index] = self._figure_div(node)
            elif dashed(ident).startswith("tbl-"):
                blocks[index] = self._table_div(node)
            elif dashed(ident).startswith("lst-"):
                blocks[index] = _listing_div(node)
            elif "panel-tabset" in classes:
                changed |= _tabs(node)
            elif any(c == "callout" or c.startswith("callout-") for c in classes):
                self._callout(node)
                changed = True  # (its title heading taken out)
            elif (kind := next((BOOKDOWN_THEOREMS[c] for c in classes if c in BOOKDOWN_THEOREMS), None)) \
                    and not (ident.split("-", 1)[0] in THEOREMS and "-" in ident) and self._bookdown(node):
                node["c"][0][0] = f"{kind}-{ident or self._unlabelled()}"  # (numbered as Quarto's)
                self._statement(node)
                changed = True
            elif ident.split("-", 1)[0] in THEOREMS and "-" in ident or any(c in PROOFS for c in classes):
                self._statement(node)
                changed = True
            elif (word := next((TITLED[c] for c in classes if c in TITLED), None)) is not None:
                changed |= self._titled(node, word)
            changed |= blocks[index] is not node
        return changed

    def _bookdown(self, div: Node) -> bool:
        """Whether a div of a theorem's class is bookdown's statement: it has an id or
        a name, or the text is bookdown's (it refers to a label as \\@ref(...) or
        gives one as (\\#...)). A class of that name elsewhere only styles the div."""
        ident, _, pairs = attr(div)
        text = self.source.searchable
        return bool(ident) or any(k == "name" for k, _ in pairs) or "@ref(" in text or "(\\#" in text

    def _unlabelled(self) -> str:
        """An id for a statement bookdown numbers without a label."""
        count = self.__dict__["_unlabelled_count"] = self.__dict__.get("_unlabelled_count", 0) + 1
        return f"unlabelled-{count}"

    def _titled(self, div: Node, word: str) -> bool:
        """ACS's `::: {.acknowledgement}` and `::: {.suppinfo}` (environments its
        LaTeX class heads): headed by the language's word, unnumbered, at the
        text's top level. Whether a heading was added."""
        content = div["c"][1]
        if content and content[0]["t"] == "Header":
            return False
        level = min((h["c"][0] for h in self.each("Header")), default=1)
        content.insert(0, {"t": "Header", "c": [level, ["", ["unnumbered"], []],
                                                words(str(self.context.words.get(word, word)))]})
        return True

    def _figure_div(self, div: Node, cap: str = "fig-cap") -> Node:
        """`::: {#fig-x}` as Quarto reads it: a Figure of its images (or sub-figures,
        or any other content), captioned by its last paragraph or its `fig-cap`."""
        (ident, classes, pairs), content = div["c"]
        if len(content) == 1 and content[0]["t"] == "Figure":
            inner = content[0]
            inner["c"][0] = [ident, classes + inner["c"][0][1], pairs + inner["c"][0][2]]
            return inner
        caption: list[Node] = []
        written = attr_inlines(div, cap)
        if written:
            caption = [{"t": "Plain", "c": written}]
        elif len(content) > 1 and content[-1]["t"] == "Para" and not _only_images(content[-1]):
            caption = [{"t": "Plain", "c": content[-1]["c"]}]
            content = content[:-1]
        if not caption and len(content) == 1 and content[0]["t"] == "Para" and not _only_images(content[0]):
            self.problem(self._id_line(ident), f"the Quarto figure div '{{#{ident}}}' holds only its caption: "
                         "nothing to show above it", hint="put the image before the caption (a shortcode such as "
                         "{{< video >}}, which Imprint removes or makes a link, shows nothing)")
            return div
        if not caption:
            self.problem(self._id_line(ident), f"the Quarto figure div '{{#{ident}}}' has no caption",
                         hint="write the caption as its last paragraph, after the image (or give it fig-cap=\"...\")")
            return div
        return {"t": "Figure", "c": [[ident, classes, [p for p in pairs if p[0] != cap]], [None, caption],
                                     [_row(block) for block in content]]}

    def _embed(self, span: Node) -> Node:
        """Quarto's {{< embed notebook.ipynb#label >}} (source/shortcodes.py made it a
        span holding the cell's caption): the figure of the image the notebook stored
        (`imprint-output="image"`: numbering.py reads it); or, where the output is not
        shown, a figure (or table) that keeps its number, its label, its caption and a
        sentence saying what is missing."""
        source, caption = attr_value(span, "source") or "", span["c"][1]
        label = source.rsplit("#", 1)[1] if "#" in source else ""
        if attr_value(span, "imprint-output") == "image":
            alt = attr_value(span, "imprint-alt")
            image = {"t": "Image", "c": [["", [], [["fig-alt", alt]] if alt else []], [], [source, ""]]}
            annotate(image, stored=True)
            return figure(label, caption, image)
        text = str(self.context.words.get("embed_missing", "Not included in this edition: {source}"))
        sentence = [{"t": "Emph", "c": words(text.replace("{source}", source))}]
        if label.split("-")[0] in ("fig", "tbl"):  # numbered as the output would be, its caption saying why not
            shown = [*caption, {"t": "Space"}, *sentence] if caption else sentence
            return {"t": "Figure", "c": [[label, ["embed-missing"], []], [None, [{"t": "Plain", "c": shown}]], []]}
        return {"t": "Div", "c": [["", ["embed-missing"], []], [{"t": "Para", "c": sentence}]]}

    def _table_div(self, div: Node) -> Node:
        """`::: {#tbl-x}` as Quarto reads it: its one table takes the id, captioned by
        its own caption, the div's `tbl-cap` or the div's last paragraph. The table may
        sit in divs of its own (Quarto's `.cell-output-display` in a rendered `.md`)."""
        (ident, classes, pairs), content = div["c"]
        tables = [n for n in walk(content) if n["t"] == "Table"]
        if not tables and any(n["t"] == "CodeBlock" and "imprint-cell" in attr(n)[1] for n in content):
            return self._figure_div(div, "tbl-cap")  # (its table a cell would make: numbered, as a table)
        if len(tables) != 1:
            return div
        table = tables[0]
        written = attr_inlines(div, "tbl-cap")
        note(div).get(TEXTS, {}).pop("tbl-cap", None)  # (the table's caption now, read there)
        rest = [b for b in content if b is not table]
        if table["c"][1][1] and written:  # (two captions: the table's own is printed)
            self.warn(self._id_line(ident), f"the table '{ident}' has a caption of its own: its tbl-cap is not printed",
                      hint="keep one of them")
        if not table["c"][1][1] and written:
            table["c"][1] = [None, [{"t": "Plain", "c": written}]]
        elif not table["c"][1][1] and len(rest) == 1 and rest[0]["t"] == "Para" and table in content:
            table["c"][1] = [None, [{"t": "Plain", "c": rest[0]["c"]}]]
            rest = []
        pairs = [p for p in pairs if p[0] != "tbl-cap"]
        table["c"][0] = [ident, table["c"][0][1] + classes, table["c"][0][2] + pairs]
        if table in content and not rest:
            return table
        return {"t": "Div", "c": [["", [], []], content]}  # (in the order written)

    def _callout(self, div: Node) -> None:
        classes = attr(div)[1]
        kind = next((c.split("-", 1)[1] for c in classes if c.startswith("callout-")), "")
        kind = kind if kind in CALLOUTS else ""
        title_inlines = _named(div, "title")
        if "callout" not in classes:
            classes.insert(0, "callout")
        label = str(self.context.words.get(f"callout_{kind}", "")) if kind else ""
        annotate(div, callout=kind, title=title_inlines, label=label)

    def _statement(self, div: Node) -> None:
        """A theorem, lemma, ... (`::: {#thm-x}`) or a proof, remark or solution
        (`::: {.proof}`): named by its first heading or its `name`."""
        ident, classes, _ = attr(div)
        prefix = ident.split("-", 1)[0]
        kind = prefix if prefix in THEOREMS and "-" in ident else next(c for c in classes if c in PROOFS)
        name_inlines = _named(div, "name")
        word = str(self.context.words[THEOREMS.get(kind, kind)])
        annotate(div, statement=THEOREMS.get(kind, kind), name=name_inlines, label=word)


def _named(div: Node, key: str) -> list[Node]:
    """A callout's title or a statement's name: its `key` attribute (read as
    Markdown), else its first heading, taken out of its content (and still read
    there: kids())."""
    found = attr_inlines(div, key) or []
    content = div["c"][1]
    if not found and content and content[0]["t"] == "Header":
        found = content[0]["c"][2]
        div["c"][1] = content[1:]
        annotate(div, **{TEXTS: {**note(div).get(TEXTS, {}), key: found}})
    return found


_ALIGNS = {"l": "AlignLeft", "r": "AlignRight", "c": "AlignCenter", "d": "AlignDefault"}
_LIST_TABLE_OPTIONS = ("header-rows", "header-cols", "widths", "aligns")
MAX_COLSPAN = 100  # columns a list table's cell may span (`colspan=99999999` is a mistake, or a memory bomb)


def _list_table(div: Node) -> Node:
    """Quarto's list table (`::: {.list-table header-rows=1 widths="2,1" aligns="l,r"}`,
    a list of rows, each a list of cells; a paragraph before it is the caption):
    the Table Pandoc would have made of it. Any other shape stays a div. As the
    list-table filter reads it (quarto-ext/list-table, pandoc-ext's), the first row
    heads the table unless `header-rows` says otherwise, and a cell that opens with
    an empty span, `[]{rowspan=7}`, `[]{colspan=2 align=r}`, spans those rows and
    columns (quarto-tdg's authoring.qmd: the span was kept in the cell and every
    row under it shifted a column to the left, QA 30)."""
    (ident, classes, pairs), content = div["c"]
    if not content or content[-1]["t"] != "BulletList" or any(b["t"] not in ("Para", "Plain") for b in content[:-1]):
        return div
    rows = []
    for item in content[-1]["c"]:
        if len(item) != 1 or item[0]["t"] != "BulletList":
            return div
        rows.append([[*_cell_spans(blocks), blocks] for blocks in item[0]["c"]])
    values = dict(pairs)

    def number(key: str, default: int = 0) -> int:
        return max(0, (whole_number(values.get(key)) if key in values else default) or 0)

    head = min(number("header-rows", 1), len(rows))
    placed = _placed(rows[:head]) + _placed(rows[head:])
    width = max((len(row) for row in placed), default=0)
    aligns = [a.strip()[:1].lower() for a in values.get("aligns", "").split(",")]
    weights = [float(w) for w in re.findall(r"\d+(?:\.\d+)?", values.get("widths", ""))]
    colspecs = [[{"t": _ALIGNS.get(aligns[i] if i < len(aligns) else "d", "AlignDefault")},
                 {"t": "ColWidth", "c": weights[i] / sum(weights)} if len(weights) == width and sum(weights)
                 else {"t": "ColWidthDefault"}] for i in range(width)]
    blank = ["", [], []]

    def row(cells: list[list], taken: list[bool]) -> list:
        free = taken.count(False) + width - len(taken)  # (the places no cell covers, all at the row's end)
        placed = [[blank, {"t": _ALIGNS.get(align or "", "AlignDefault")}, rowspan, colspan, blocks]
                  for rowspan, colspan, align, blocks in cells]
        return [blank, placed + [[blank, {"t": "AlignDefault"}, 1, 1, []]] * free]

    caption = [{"t": "Plain", "c": b["c"]} for b in content[:-1]]
    return {"t": "Table", "c": [
        [ident, [c for c in classes if c != "list-table"], [p for p in pairs if p[0] not in _LIST_TABLE_OPTIONS]],
        [None, caption], colspecs, [blank, [row(r, t) for r, t in zip(rows[:head], placed)]],
        [[blank, number("header-cols"), [], [row(r, t) for r, t in zip(rows[head:], placed[head:])]]], [blank, []]]}


def _cell_spans(blocks: list[Node]) -> tuple[int, int, str | None]:
    """A list table's cell's rows, columns and alignment, given by an empty span
    opening its first paragraph (`[]{rowspan=2}`), which is taken out of it."""
    first = blocks[0] if blocks and blocks[0]["t"] in ("Plain", "Para") else None
    opening = first["c"][0] if first and first["c"] else None
    if opening is None or opening["t"] != "Span" or opening["c"][1]:
        return 1, 1, None
    values = dict(opening["c"][0][2])
    if not {"rowspan", "colspan", "align"} & set(values):
        return 1, 1, None
    rest = first["c"][1:]
    while rest and rest[0]["t"] in ("Space", "SoftBreak"):
        rest = rest[1:]
    first["c"] = rest
    align = str(values.get("align", "")).strip()[:1].lower()
    return (max(1, whole_number(values.get("rowspan")) or 1),
            min(MAX_COLSPAN, max(1, whole_number(values.get("colspan")) or 1)), align if align in _ALIGNS else None)


def _placed(rows: list[list[list]]) -> list[list[bool]]:
    """For each row of a table's head or body, which of its places its cells cover
    (True) and which are free: each cell goes to the first free place of its row,
    and covers as many rows below (within the same head or body) and columns as it spans."""
    taken: list[list[bool]] = [[] for _ in rows]
    for index, cells in enumerate(rows):
        column = 0
        for spec in cells:
            rowspan, colspan = spec[0], spec[1]
            while column < len(taken[index]) and taken[index][column]:
                column += 1
            spec[0] = rowspan = min(rowspan, len(rows) - index)
            for below in taken[index:index + rowspan]:
                below.extend([False] * (column + colspan - len(below)))
                below[column:column + colspan] = [True] * colspan
            column += colspan
    return taken


def _tabs(div: Node) -> bool:
    """Quarto's tabset (`::: {.panel-tabset}`, a tab for each heading of its first
    level in it): a book shows every tab, one after the other, each under its
    label, which is no section heading (it was: "R", "Python" in the contents, the
    outline and the text after the tabset read as the last tab's). Whether it had tabs."""
    content = div["c"][1]
    levels = [block["c"][0] for block in content if block["t"] == "Header"]
    if not levels:
        return False
    level, blocks = min(levels), []
    for block in content:
        if block["t"] == "Header" and block["c"][0] == level:
            title = {"t": "Div", "c": [["", ["tab-title"], []], [{"t": "Para", "c": block["c"][2]}]]}
            blocks.append({"t": "Div", "c": [[block["c"][1][0], ["tab"], []], [title]]})
        elif blocks:
            blocks[-1]["c"][1].append(block)
        else:
            blocks.append(block)
    div["c"][1] = blocks
    return True


def _listing_div(div: Node) -> Node:
    """`::: {#lst-x}` holding a code block and its caption (a paragraph): the code
    block numbered as ```{#lst-x lst-cap="..."} is (numbering.py)."""
    (ident, classes, pairs), content = div["c"]
    code = [b for b in content if b["t"] == "CodeBlock"]
    captions = [b for b in content if b["t"] in ("Para", "Plain")]
    if len(code) != 1 or len(captions) != 1 or len(content) != 2 or attr(code[0])[0]:
        return div
    block = code[0]
    block["c"][0] = [ident, block["c"][0][1] + classes, block["c"][0][2] + pairs]
    annotate(block, **{TEXTS: {**note(block).get(TEXTS, {}), "lst-cap": captions[0]["c"]}})
    return block


def block_lists(node: Node) -> Iterator[list[Node]]:
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


def _embed(para: Node) -> Node | None:
    """The span of a paragraph that is only an embedded notebook output."""
    found = [n for n in para["c"] if n["t"] not in ("Space", "SoftBreak")]
    if len(found) == 1 and found[0]["t"] == "Span" and "imprint-embed" in attr(found[0])[1]:
        return found[0]
    return None


def _embeds_apart(block: Node) -> list[Node]:
    """A paragraph with an embedded output on a line of its own among its lines
    (`The plot:` on the line before it): that line a paragraph of its own between
    the others', as Quarto reads an embed alone on its line (the blocks it stands
    for, between the text's: quarto-cli, break-quarto-md.ts); its caption was
    printed within the sentence. Any other block as it is."""
    if block["t"] not in ("Para", "Plain") or _embed(block) is not None:
        return [block]
    lines, line = [], []
    for inline in block["c"]:
        line.append(inline)
        if inline["t"] in ("SoftBreak", "LineBreak"):
            lines.append(line)
            line = []
    lines.append(line)
    if not any(_embed({"c": line}) is not None for line in lines):
        return [block]
    parts: list[Node] = []
    for line in lines:
        if _embed({"c": line}) is None and parts and _embed(parts[-1]) is None:
            parts[-1]["c"] += line
        else:
            parts.append({"t": "Para" if _embed({"c": line}) is not None else block["t"], "c": line})
    for part in parts:  # (the break that ended a part's last line)
        while part["c"] and part["c"][-1]["t"] in ("SoftBreak", "LineBreak", "Space"):
            part["c"].pop()
    return [part for part in parts if part["c"]]


def _linked_figure(para: Node) -> Node | None:
    """A paragraph that is only a link around an image with a figure's id and a
    caption (`[![Caption](file){#fig-x}](https://...)`) as Quarto reads it: the
    figure, numbered, its image the link (Pandoc makes a figure only of an image
    alone, and left a paragraph whose image's id had no number to refer to)."""
    found = [n for n in para["c"] if n["t"] not in ("Space", "SoftBreak")]
    if len(found) != 1 or found[0]["t"] != "Link":
        return None
    inside = [n for n in found[0]["c"][1] if n["t"] not in ("Space", "SoftBreak")]
    if len(inside) != 1 or inside[0]["t"] != "Image":
        return None
    (ident, classes, pairs), description, target = inside[0]["c"]
    if not dashed(ident).startswith("fig-") or not stringify(description).strip():
        return None
    image = {"t": "Image", "c": [["", classes, pairs], description, target]}
    link = {"t": "Link", "c": [found[0]["c"][0], [image], found[0]["c"][2]]}
    placed = [p for p in pairs if p[0] == "fig-align"]  # (html._align finds it on an image alone, not in a link)
    return figure(ident, description, link, placed)


def _row(block: Node) -> Node:
    """A paragraph of images side by side in a figure div (pandoc-crossref's
    subfigures, `![a](x){#fig:a}![b](y){#fig:b}`): a row of sub-figures, each
    captioned by its image's description, as a lone image's figure is; another
    block as it is."""
    images = [n for n in block["c"] if n["t"] == "Image"] if block["t"] in ("Para", "Plain") else []
    if len(images) < 2 or not _only_images(block):
        return block
    figures = []
    for image in images:
        (ident, classes, pairs), description, target = image["c"]
        figures.append(figure(ident, description, {"t": "Image", "c": [["", classes, pairs], description, target]}))
    return {"t": "Div", "c": [["", [f"layout-ncol-{min(len(figures), 6)}"], []], figures]}


def _only_images(para: Node) -> bool:
    return all(n["t"] in ("Image", "Space", "SoftBreak", "LineBreak") for n in para["c"])
