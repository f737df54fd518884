"""What is numbered, each kind in one order: figures (and their images), tables,
equations, listings, code cells, theorems and numbered callouts.

One step of structure.py's pass (`_Steps.numbered()`): each numbered thing gets
its label on the node ("Figure 2.") and, where it has an id, a Label that
cross-references (links.py) print.
"""

from __future__ import annotations

import base64
import copy
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from ..files import file_url, read_bytes
from ..source.images import Image, epub_name, load_image
from ..source.notebooks import load_output
from .ast import (TEXTS, Node, annotate, attr, attr_inlines, attr_value, dashed, kids, note, str_node, stringify,
                  walk, words, xml_id)
from .ast import index as indexed
from .chapters import EPUB, PRINT
from .formulas import table_rows
from .links import closest_key
from .quarto import cell_options, knitr_read, r_arguments, r_value
from .quarto_divs import NUMBERED_CALLOUTS, THEOREMS

# The sizes Pandoc reads (its ImageSize.lengthToDim): a bare number is pixels, `inch` is `in`.
WIDTH = re.compile(r"^\d*\.?\d+(%|px|mm|cm|inch|in|pt|pc|em)?$")
# (eq:x is pandoc-crossref's; eq: alone pandoc-eqnos's, numbered with no label to refer to it by)
_EQUATION_LABEL = re.compile(r"^\{#(eq[-:][\w:.-]+|eq:)\}$")
_TEX_LABEL = re.compile(r"\\label\s*\{([^{}]+)\}")
# bookdown's labels and references (R Markdown): `(\#fig:x)` at a caption's start, `(\#eq:x)` in a
# formula (Pandoc reads the first as the text "(#fig:x)"), `\@ref(fig:x)` (the text "@ref(fig:x)").
_BOOKDOWN_LABEL = re.compile(r"\(#([A-Za-z][\w:.-]*)\)")
_BOOKDOWN_TEX_LABEL = re.compile(r"\(\\#([A-Za-z][\w:.-]*)\)")
_BOOKDOWN_REFERENCE = re.compile(r"@ref\(([A-Za-z][\w:.-]*)\)")
_CONTINUED_PLACEHOLDER = re.compile(r"\{(n|title|ref)\}")  # (continued(): in one pass, not in what it puts)
_TEX_TAG = re.compile(r"\\tag\*?\s*\{([^{}]*)\}")
_TEX_NO_NUMBER = re.compile(r"\\(?:nonumber|notag)\b")
# (amsmath's environments that number each line: `multline` numbers once, `aligned` not at all)
_ROW_NUMBERED = re.compile(r"\s*\\begin\s*\{(?:align|alignat|flalign|eqnarray|gather)\*?\}(?:\{\d+\})?")
# (after a word tied to it, `Fig~\ref{fig1}`, as PLOS's template writes it: printed before the number)
_TEX_REFERENCE = re.compile(r"(?:([^\s\\{}~]+(?: [^\s\\{}~]+)?)~)?\\(eqref|ref|autoref|cref|Cref)\s*\{([^{}]+)\}")
LATIN = "abcdefghijklmnopqrstuvwxyz"  # sub-figures' letters, where the language file gives none (subfigure_letters)


@dataclass
class Label:
    kind: str  # fig, tbl, sec, eq, ...
    text: str  # what a reference prints: "Figure 2", "Section 3"
    number: str  # "2"
    target: str | None = None  # the id a reference links to, where it is not the label's own


class Numbering:
    """The steps of structure._Steps that number (they use its context, found,
    source, problem(), warn(), titled(), caption_label(), referred(), each() and _id_line())."""

    def numbered(self) -> None:
        counts = _Counts(("fig", "tbl", "eq", "lst", *THEOREMS, *NUMBERED_CALLOUTS), self.only_in())
        formulas = bool(self.each("Math"))  # (a paragraph holds an equation only if the text has formulas)
        for node in self.each("Figure", "Table", *(("Para", "Plain") if formulas else ()), "CodeBlock", "Image", "Div"):
            counts.at(node)
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

        for kind, node in counts.apart():
            ident = attr(node)[0]
            self.warn(self._id_line(ident) if ident else self.source.first(stringify([node])[:40] or None),
                      f"this {_COUNTED[kind]} is in one edition only (Quarto's conditional content), yet it takes a "
                      f"number in both: the other edition's {_COUNTED[kind]}s after it skip its number",
                      hint="give each edition its own version with the same id (when-format=\"epub\" and "
                           "when-format=\"pdf\"), or show it in both")

    def _numbered_div(self, div: Node, counts: dict[str, int]) -> None:
        """A theorem's number, or a callout's whose id has a kind (`#nte-x`)."""
        ident = attr(div)[0]
        prefix = ident.split("-", 1)[0] if "-" in ident else ""
        found = note(div)
        if found.get("statement") in THEOREMS.values() and prefix in THEOREMS:
            counts[prefix] += 1
            shown = self.titled(prefix, THEOREMS[prefix], str(counts[prefix]))
            found.update(label=shown)
            self.found.labels[ident] = self._label(prefix, THEOREMS[prefix], str(counts[prefix]))
        elif found.get("callout") is not None and prefix in NUMBERED_CALLOUTS:
            counts[prefix] += 1
            shown = self.titled(prefix, f"callout_{NUMBERED_CALLOUTS[prefix]}", str(counts[prefix]))
            found.update(number_label=shown)
            self.found.labels[ident] = Label(prefix, shown, str(counts[prefix]))

    def _listing(self, node: Node, counts: dict[str, int]) -> None:
        """```{#lst-x .sql lst-cap="..."}: a numbered listing."""
        ident = attr(node)[0]
        caption = attr_inlines(node, "lst-cap") or attr_inlines(node, "caption")  # (caption: pandoc-crossref's)
        if not caption:
            self.problem(self._id_line(ident), f"the listing '{ident}' has no caption",
                         hint='give it one: ```{#' + ident + ' lst-cap="What the code does"}')
            return
        counts["lst"] += 1
        shown = self.caption_label("lst", "listing", str(counts["lst"]))
        self.found.labels[ident] = self._label("lst", "listing", str(counts["lst"]))
        node["c"][0][2] = [p for p in node["c"][0][2] if p[0] not in ("lst-cap", "caption")]
        annotate(node, id=ident, label=shown, caption=caption, figure="listing")

    def _figure(self, node: Node, counts: dict[str, int]) -> None:
        (ident, classes, pairs), caption, content = node["c"]
        caption_text = " ".join(stringify(caption[1] or []).split())
        nested = note(node).get("nested")
        if not nested:
            subfigures = [inner for inner in walk(content) if inner["t"] == "Figure"]
            letters = self.context.words.get("subfigure_letters") or LATIN  # (the language's: "абв" in Russian)
            letters = "".join(map(str, letters)) if isinstance(letters, (list, tuple)) else str(letters)
            for letter, inner in zip(letters, subfigures):
                annotate(inner, nested=True, letter=letter if len(subfigures) <= len(letters) else None)
        if nested:
            letter, parent = note(node).get("letter"), note(node).get("parent_number")
            if letter:  # (a sub-figure: "(a)" by its caption; @fig-a refers to "Figure 1(a)")
                annotate(node, label=f"({letter})")
                if ident and parent:
                    shown = self.referred("fig", "figure", f"{parent}({letter})")
                    self.label(node, ident, Label("fig", shown, f"{parent}({letter})"))
        else:  # (a Quarto table div whose table a code cell would make is a table's: quarto_divs._table_div)
            kind, key = ("tbl", "table") if dashed(ident).startswith("tbl-") else ("fig", "figure")
            counts[kind] += 1
            annotate(node, label=self.caption_label(kind, key, str(counts[kind])))
            for inner in walk(content):
                if inner["t"] == "Figure":
                    annotate(inner, parent_number=str(counts[kind]))
            self.label(node, ident, self._label(kind, key, str(counts[kind])))
            for alias in note(node).get("aliases", ()):  # (bookdown's fig:fig-1 of chunk fig-1's figure)
                self.found.labels.setdefault(alias, self._label("fig", "figure", str(counts["fig"]), target=ident))
        images = [n for n in walk(content) if n["t"] == "Image"]
        alt = attr_value(node, "fig-alt")
        for image in images:
            self._image(image, alt or (caption_text if len(images) == 1 else None),
                        caption[1] if not alt and len(images) == 1 else None)
        if not caption_text and ident and not nested:
            self.problem(self._id_line(ident), f"the figure '{ident}' has no caption",
                         hint="write the caption between the brackets: ![Caption](file)")

    def _image(self, image: Node, fallback_alt: str | None, caption: list[Node] | None = None) -> None:
        if note(image).get("seen"):
            return
        annotate(image, seen=True)
        _, description, (src, _) = image["c"]
        # (after its alt text, in a reference's definition `[image]: file`, a wiki link `![[file]]`, LaTeX's
        # \includegraphics, knitr's include_graphics; else wherever its name is)
        line = self.source.take(re.compile(r"\](?:\(|:)\s*<?" + re.escape(src) + r"|!\[\[\s*" + re.escape(src)
                                           + r"|\\includegraphics\s*(?:\[[^\]\n]*\])?\s*\{\s*" + re.escape(src)
                                           + r"|include_graphics\([^\n]*?[\"']" + re.escape(src) + r"[\"']")) \
            or self.source.take(src)
        alt = attr_value(image, "fig-alt") or fallback_alt or " ".join(stringify(description).split())
        # (an alt text made of the caption or the description is their text once the cross-references
        # in them are numbers: html.py takes it then; "like @fig:one" was the alt text)
        alt_from = None if attr_value(image, "fig-alt") else caption if fallback_alt else description
        decorative = "decorative" in attr(image)[1]  # (an icon in a sentence: an empty alt text, said so)
        if decorative:
            alt, alt_from = "", None
        elif not alt.strip():
            self.problem(line, f"the image '{src}' has no alternative text",
                         hint='describe it for readers who cannot see it: ![Caption](file){fig-alt="..."}; an '
                              'image that only decorates: ![](file){.decorative}')
        width, height = attr_value(image, "width"), attr_value(image, "height")
        if width and not WIDTH.match(width.strip()):
            self.problem(line, f"the width '{width}' is not a size", hint="write it as 60% (or 8cm, 300px)")
            width = None
        if height and not WIDTH.match(height.strip()):
            self.problem(line, f"the height '{height}' is not a size", hint="write it as 6cm (or 300px)")
            height = None
        elif height and height.strip().endswith("%"):  # (of a page's height in print, of nothing on a screen)
            self.warn(line, f"the height {height.strip()} is left out: a height in percent has no size in a book",
                      hint=f"give a width instead ({{width={height.strip()}}}), or a height in cm")
            height = None
        try:  # (a notebook's stored output, {{< embed >}}'s: quarto_divs._embed)
            loaded = (load_output if note(image).get("stored") else load_image)(self.context.root,
                                                                                self.context.folder, src)
        except ValueError as error:
            self.problem(line, str(error), hint=getattr(error, "hint", None))
            return
        if loaded.pages > 1:  # (a figure of several pages: the others were lost in silence, QA 23)
            self.warn(line, f"'{src}' has {loaded.pages} pages: only the first is shown",
                      hint=f"split it into a file a page (pdfseparate {loaded.path.name} page-%d.pdf), a figure "
                           "each; or keep in it only the page to show")
        key = loaded.path if loaded.data is None else (loaded.path, src)  # (a notebook holds several)
        if key not in self.found.assets:
            taken = {name for _, name in self.found.assets.values()}
            self.found.assets[key] = (loaded, epub_name(loaded, taken))
        name = self.found.assets[key][1]
        printed = file_url(loaded.path, [self.context.root])
        if loaded.media_type == "application/pdf":  # WeasyPrint places no PDF: its first page as pixels
            from ..editions.raster import PDF_WIDTH_PRINT, pdf_to_png

            png = pdf_to_png(loaded.path, self.context.root, PDF_WIDTH_PRINT)
            printed = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        elif loaded.drawn is not None:  # (an SVG drawn otherwise than written: images.drawn())
            printed = "data:image/svg+xml;base64," + base64.b64encode(loaded.drawn).decode("ascii")
        elif loaded.media_type == "image/jpeg" and (rgb := _cmyk_as_rgb(loaded, self.context.root)):
            # (a CMYK scan in an edition of sRGB, its PDF/A's output intent: no valid PDF/A with it, QA 23)
            printed = "data:image/jpeg;base64," + base64.b64encode(rgb).decode("ascii")
        elif loaded.data is not None:  # (no file of its own to name)
            printed = f"data:{loaded.media_type};base64," + base64.b64encode(loaded.data).decode("ascii")
        width, height = (_css_size(v) for v in (width, height))
        annotate(image, alt=alt.strip(), alt_from=alt_from, width=width or None, height=height or None,
                 title=image["c"][2][1], src={"epub": name, "print": printed})

    def _table(self, node: Node, counts: dict[str, int]) -> None:
        ident = attr(node)[0]
        caption = node["c"][1][1] or []
        if not stringify(caption).strip():
            if ident:
                self.problem(self._id_line(ident), f"the table '{ident}' has no caption",
                             hint="write its caption after it: ': Caption {#" + ident + "}'")
            return
        counts["tbl"] += 1
        annotate(node, label=self.caption_label("tbl", "table", str(counts["tbl"])),
                 continued=self.continued(str(counts["tbl"])))
        self.label(node, ident, self._label("tbl", "table", str(counts["tbl"])))

    def continued(self, number: str) -> str:
        """What print sets above the part of table `number` that a page break
        carries to the next page: the language's `table_continued` ("{title}
        (continued)", «Продолжение {ref}»), its {title} the table's title as its
        caption prints it (Quarto's `tbl-title`, else the language's word: "Table
        1", "Tab. 1"), its {ref} as a reference prints it (Quarto's `tbl-prefix`,
        else `table_ref`: «табл. 1»), its {n} the number alone (theme.PLACEHOLDERS);
        "" where a design empties it."""
        said = {"n": number, "title": self.titled("tbl", "table", number),
                "ref": self.referred("tbl", "table", number)}
        return _CONTINUED_PLACEHOLDER.sub(lambda found: said[found.group(1)],
                                          str(self.context.words.get("table_continued") or ""))

    def _equations(self, node: Node, counts: dict[str, int]) -> None:
        """`$$ ... $$ {#eq-x}`: Pandoc reads the label as text after the formula."""
        inlines = node["c"]
        for index, inline in enumerate(inlines):
            if inline["t"] != "Math" or inline["c"][0]["t"] != "DisplayMath":
                continue
            rest = inlines[index + 1:index + 3]
            if rest and rest[0]["t"] in ("Space", "SoftBreak"):  # (the label on the next line: pandoc-crossref's)
                rest = rest[1:]
            match = _EQUATION_LABEL.match(rest[0]["c"]) if rest and rest[0]["t"] == "Str" else None
            if match is None and note(inline).get("rows"):  # (an align's lines, each numbered: tex_labels())
                self._numbered_lines(inline, counts)
                continue
            if note(inline).get("rows"):  # (and a label of the whole formula, `{#eq-x}` after it)
                annotate(inline, other_labels=[label for line in note(inline).pop("rows")
                                               for label in (line["label"], *line["others"]) if label])
            tex = note(inline).get("tex_label")  # (LaTeX's \label{eq:x} in the formula: tex_labels())
            tag = note(inline).get("tag")  # (\tag{A1}: that number, not counted)
            for other in note(inline).get("other_labels", ()):  # (an aligned formula's further lines)
                self.warn(self._label_line(other), f"the formula takes one number: its label '{other}' is left "
                          f"out (it has '{tex or dashed(match.group(1))}')",
                          hint="write each numbered line as a formula of its own ($$...$$), or refer to the first")
            if match is None and tex is None:
                if tag:
                    annotate(inline, number=tag)
                continue
            if match is None:
                ident, element_id = tex, xml_id(tex)
                line = self._label_line(tex)
            else:
                ident = element_id = dashed(match.group(1))
                line = self.source.take("{#" + match.group(1) + "}")
                del inlines[index + 1:inlines.index(rest[0]) + 1]
                if ident == "eq-":  # (pandoc-eqnos's `{#eq:}`: a number, nothing to refer to it by)
                    counts["eq"] += 1
                    annotate(inline, number=str(counts["eq"]))
                    continue
            if ident in self.found.labels or element_id in self.found.ids:
                written = tex if match is None else match.group(1)  # (as written: `eq:x`, not the id `eq-x`)
                first = self.source.first("{#" + written + "}") if match is not None else None
                where = f" (on line {first})" if first is not None and first != line else ""
                self._label_taken(line, written, where=where)
                continue
            annotate(inline, id=element_id, number=self._equation(ident, element_id, tag, counts))

    def _numbered_lines(self, formula: Node, counts: dict[str, int]) -> None:
        """The lines of an `align` (`gather`, `eqnarray`...) with a `\\label` or a
        `\\tag` of their own, each numbered, as LaTeX numbers them: the numbers
        (with the labels' ids) kept as `line_numbers`, a line's place in the
        formula's table, for html.py. The formula's MathML must have a line for each
        of the TeX's; if not, it takes the first line's number."""
        lines = note(formula).pop("rows")
        if table_rows(note(formula).get("mathml", "")) != len(lines):
            labels = [label for line in lines for label in (line["label"], *line["others"]) if label]
            annotate(formula, tex_label=labels[0] if labels else None, other_labels=labels[1:],
                     tag=next((line["tag"] for line in lines if line["tag"]), None))
            return self._equations({"c": [formula]}, counts)
        numbers: list[tuple[str, str | None] | None] = []
        for line in lines:
            label, tag = line["label"], line["tag"]
            for other in line["others"]:
                self.warn(self._label_line(other), f"a line of the formula takes one number: its label '{other}' "
                          f"is left out (the line has '{label}')", hint="refer to the line by one label")
            if label is None:
                numbers.append((tag, None) if tag else None)
                continue
            element_id, line = xml_id(label), self._label_line(label)  # (each taken: the next is the next line's)
            if label in self.found.labels or element_id in self.found.ids:
                self._label_taken(line, label)
                numbers.append(None)
                continue
            numbers.append((self._equation(label, element_id, tag, counts), element_id))
        annotate(formula, line_numbers=numbers)

    def _equation(self, label: str, element_id: str, tag: str | None, counts: dict[str, int]) -> str:
        """The number of an equation (or of a line of one) labelled `label`: its `\\tag`'s,
        else the next; the label refers to it at `element_id`."""
        if tag is None:
            counts["eq"] += 1
        number = str(counts["eq"]) if tag is None else tag
        self.found.labels[label] = self._label("eq", "equation", number, target=element_id)
        self.found.ids.add(element_id)
        return number

    def tex_labelled(self) -> None:
        """LaTeX's `\\label{fig:x}` in a figure's or a table's caption, or in a heading
        (raw TeX to Pandoc's reader, as JOSS papers write it): taken out of the
        text, it labels the figure, table or section for `\\ref` and `\\autoref`
        (tex_references()). A figure or table without an id takes one made of
        the label (`fig:x` is `fig-x`); a heading keeps its own."""
        taken: set[str] = set()
        figured = {id(image) for figure in self.each("Figure") for image in walk(figure["c"][2])}
        self.in_sentences = {key for image in self.each("Image") if id(image) not in figured
                             for key in _take_labels(image["c"][1])}  # (an image in a sentence is no figure)
        for node in self.each("Figure", "Table", "Header"):
            keys = list(dict.fromkeys(key for inlines in _captions(node) for key in _take_labels(inlines)))
            if not keys:
                continue
            key, ident = keys[0], attr(node)[0]
            line = self._label_line(key)
            for other in keys[1:]:
                self.warn(self._label_line(other), f"the label '{other}' is left "
                          f"out: this {_KINDS[node['t']]} already has the label '{key}'", hint="refer to it by one")
            made = xml_id(key)
            # (an id Pandoc made from a heading's text, `## Participants` beside `\label{participants}`,
            # gives way: the label is this one's, which takes another id)
            yields = not ident and made in self.found.ids and any(
                attr(h)[0] == made and made not in self.source.attribute_ids()[1] and "tex_label" not in note(h)
                for h in self.each("Header"))
            if key in taken or key in self.found.labels or not ident and made in self.found.ids and not yields:
                self._label_taken(line, key)
                continue
            if yields:
                self.over_made_ids.add(key)
            if not ident:  # (the id the label makes, `fig-x`; another where a heading's is that)
                ident, n = made, 1
                while ident in self.found.ids:
                    n += 1
                    ident = f"{made}-{n}"
                node["c"][1 if node["t"] == "Header" else 0][0] = ident
                self.found.ids.add(ident)
            taken.add(key)
            annotate(node, tex_label=key)

    def label(self, node: Node, ident: str, found: Label) -> None:
        """`found` is what a reference to the node prints, by its id and by its
        LaTeX label (tex_labelled())."""
        if ident:
            self.found.labels[ident] = found
        tex = note(node).get("tex_label")
        if tex == ident:  # (\label{overview} made the id: one name)
            return
        if tex in self.found.labels and tex not in self.over_made_ids:  # (an equation's, before it)
            self._label_taken(self._label_line(tex, take=False), tex)
        elif tex:
            self.found.labels[tex] = Label(found.kind, found.text, found.number, target=ident)

    def _label(self, kind: str, key: str, number: str, target: str | None = None) -> Label:
        """The Label of the thing of a kind numbered `number`: what a reference to it prints (referred())."""
        return Label(kind, self.referred(kind, key, number), number, target)

    def _label_taken(self, line: int | None, label: str, others: str = "equation, figure, table or section",
                     where: str = "") -> None:
        """The problem of a label given twice, at its second place (`where`: the first's line, said)."""
        self.problem(line, f"the label '{label}' is also given to another {others}{where}",
                     hint="labels must be unique: choose another")

    def _label_line(self, key: str, take: bool = True) -> int | None:
        """The line of a LaTeX label, `\\label{key}` or bookdown's `(\\#key)`."""
        find = self.source.take if take else self.source.first
        return find("\\label{" + key + "}", code=True) or find("(\\#" + key + ")", code=True)

    def _reference(self, key: str) -> tuple[Label | None, str]:
        """What a LaTeX or bookdown reference to `key` finds (pandoc-crossref's
        `{#fig:map}` too), and the id it links to."""
        for name in (key, dashed(key)):
            if name in self.found.labels:
                label = self.found.labels[name]
                return label, label.target or name
        return None, ""

    def bookdown_references(self) -> None:
        """bookdown's `\\@ref(fig:x)` (R Markdown), which Pandoc reads as the text
        "@ref(fig:x)": the number of the figure, table, equation or section, linked,
        as bookdown prints it (the author writes the word: "Figure \\@ref(fig:x)")."""
        found = [node for node in self.each("Str") if "@ref(" in node["c"] and _BOOKDOWN_REFERENCE.search(node["c"])]
        for node in found:
            parts: list[Node] = []
            for place, piece in enumerate(_BOOKDOWN_REFERENCE.split(node["c"])):
                if place % 2 == 0:
                    parts += [str_node(piece)] if piece else []
                    continue
                line = self.source.take("@ref(" + piece + ")", code=False)
                label, target = self._reference(piece)
                if label is None:
                    close = closest_key(piece, self.found.labels)
                    self.problem(line, f"nothing has the label '{piece}'", hint=self._unrun(piece) or (
                        f"did you mean '{close}'?" if close else "label it: (\\#" + piece + ") at the start of "
                        "its caption, or {#" + piece + "} after its heading"))
                    parts.append(str_node(piece))
                    continue
                link = {"t": "Link", "c": [["", [], []], [str_node(label.number)], ["#" + target, ""]]}
                annotate(link, crossref=True)
                parts.append(link)
            node["t"], node["c"] = "Span", [["", [], []], parts]
        if found:  # (Str nodes became Spans: the steps after find them as such)
            self.nodes, self.order, _ = indexed(self.blocks)

    @cached_property
    def _tables_referred(self) -> set[str]:
        """The names of the tables the text refers to (`\\@ref(tab:x)`, `\\ref{tab:x}`,
        `@tbl-x`): an R chunk of such a name (or that labels what it makes so)
        would make that table, so it keeps its number though not run."""
        return {next(g for g in m.groups() if g) for m in _TABLE_REFERENCE.finditer(self.source.searchable)}

    def _unrun(self, key: str) -> str | None:
        """What to say of a reference to what an R Markdown chunk would make (a
        figure or table of that chunk's label, or of a label its code gives), if
        one would: Imprint does not run R."""
        name = key.split(":", 1)[-1]
        for written in (key, name, dashed(key)):
            if written in self.chunks:
                return (f"the chunk on line {self.chunks[written]} would make it when R runs it; Imprint does not run R: "
                        "knit the document first and publish its output (.md)")
        return None

    def tex_references(self) -> None:
        """LaTeX's `\\eqref{eq:x}`, `\\ref{x}`, `\\autoref{x}` and `\\cref{x}` (raw
        TeX to Pandoc's reader): a link to the equation, figure, table or section,
        "(1)", "1", "Figure 1" and "Figure 1" as LaTeX (and cleveref) print them."""
        for node in self.each("RawInline"):
            match = _TEX_REFERENCE.fullmatch(node["c"][1].strip()) if node["c"][0] in ("tex", "latex") else None
            if match is None:
                continue
            before, kind, key = match.groups()
            label, target = self._reference(key)
            if label is None and any(f"\\label{{{key}}}" in raw["c"][1] for raw in self.each("RawBlock")
                                     if raw["c"][0] in ("tex", "latex")):
                continue  # (what it refers to is LaTeX left out, as this is: each said so)
            line = self.source.take(node["c"][1].strip(), code=True)
            if label is None:
                annotate(node, taken=True)  # (its problem said: not also "left out", code_and_raw())
            if label is None and key in self.in_sentences:
                self.problem(line, f"the image labelled '{key}' is in a sentence, so it is no figure and has no "
                             "number", hint="give the image a paragraph of its own (blank lines around it)")
                continue
            if label is None:
                close = closest_key(key, self.found.labels)
                self.problem(line, f"nothing has the label '{key}'", hint=self._unrun(key) or (
                             f"did you mean '{close}'?" if close else "label what it refers to: \\label{" + key
                             + "} in the equation, or in the caption of the figure or table or in the heading (or use "
                             "Pandoc's ids: {#fig-x} and @fig-x)"))
                continue
            text = f"({label.number})" if kind == "eqref" else label.text if kind in ("autoref", "cref") \
                else label.text[:1].upper() + label.text[1:] if kind == "Cref" else label.number
            text = f"{before}\u00a0{text}" if before else text
            node["t"], node["c"] = "Link", [["", [], []], [str_node(text)], ["#" + target, ""]]
            annotate(node, crossref=True)

    def chunk_figures(self) -> bool:
        """An R chunk whose one call is `knitr::include_graphics("map.png")` (R
        Markdown's way to place an image file; or several, `c("a.png", "b.png")`):
        the figure knitr makes of it, without running R: its images (`out.width`
        their width), captioned and labelled by the chunk's options as _cell()
        would label it. True when one was made (the nodes are then indexed again)."""
        made = False
        for node in self.each("CodeBlock"):
            if "imprint-cell" not in attr(node)[1] or "r" not in attr(node)[1]:
                continue
            options, code, knitr, _ = _chunk_options(node)
            paths = _included_graphics(code)
            if not paths or options.get("include", "").lower() == "false":
                continue
            chunk, label = knitr.get("label", ""), options.get("label", "")
            caption = note(node).get(TEXTS, {}).get("fig-cap") or words(options.get("fig-cap", ""))
            aliases = []
            if caption and chunk and not label.startswith("fig-"):
                label = "fig-" + label
            elif caption and chunk.startswith("fig-"):
                aliases = ["fig-" + chunk]
            if not label.startswith("fig-"):
                label = ""
            width = _latex_width(options.get("out-width", ""))
            sized = [["width", width]] if width else []
            images = [{"t": "Image", "c": [["", [], list(sized)], copy.deepcopy(caption) if len(paths) > 1 else [],
                                           [path, ""]]} for path in paths]  # (each of several described by it)
            alt = options.get("fig-alt")
            node["t"], node["c"] = "Figure", [[label, [], [["fig-alt", alt]] if alt else []],
                                              [None, [{"t": "Plain", "c": caption}] if caption else []],
                                              [{"t": "Plain", "c": images}]]
            annotate(node, aliases=aliases)
            made = True
        if made:
            self.nodes, self.order, _ = indexed(self.blocks)
        return made

    def _cell(self, node: Node, counts: dict[str, int]) -> None:
        """A Quarto code cell (```{python}), not executed: shown as its code,
        without its `#|` options; a figure or table label makes it a numbered
        figure that cross-references reach. An R Markdown chunk's options
        (quarto.knitr_options()) come before its `#|` ones; as in R Markdown, a
        chunk with a figure caption is a figure, its label `fig-` and its name."""
        (ident, classes, pairs), _ = node["c"]
        line = _int(attr_value(node, "imprint-line"))
        language = next((c for c in classes if c != "imprint-cell"), "")
        options, code, knitr, unread = _chunk_options(node)
        for option in unread:
            self.warn(line, f"the chunk option {option} is R code, which is not run: it is left out",
                      hint="give its value as text (fig.cap=\"...\"), or run the document with R Markdown first "
                           "and publish its output (.md)")
        chunk = knitr.get("label", "")
        made_here = [m.group(1) or m.group(2) for m in _MADE_LABEL.finditer(code)]  # (kable(label = "x"), \\label{x})
        for made in ([chunk] if chunk else []) + made_here:
            self.chunks.setdefault(made, line)
        table = next((name for name in ([chunk] if chunk else []) + made_here
                      if name.split(":", 1)[-1] in self._tables_referred), None)
        if language == "r" and table and not options.get("label", "").startswith(("fig-", "tbl-")) \
                and "fig-cap" not in options:  # (the table R would make, referred to: its number kept)
            options["label"] = "tbl-" + table.split(":", 1)[-1]  # (its caption: quarto.mark_cells found it)
        if "fig-cap" in options and (chunk or "fig-cap" in knitr) and not options.get("label", "").startswith("fig-"):
            options["label"] = "fig-" + (options.get("label") or f"chunk-{line}")
        label = options.get("label") or ident
        found = annotate(node, text=code, language=language, filename=options.get("filename"),
                         number_lines=options.get("code-line-numbers") == "true")
        shown = {key: options.get(key, "").lower() for key in ("include", "echo", "eval")}
        if shown["include"] == "false" or shown["echo"] == shown["eval"] == "false":  # (nothing shown: nothing missing)
            found.update(omitted=True)
            return
        if options.get("child"):  # (knitr's child document: its text would stand here)
            found.update(omitted=True)
            self.warn(line, f"the child document {options['child']} is not read: its text is left out",
                      hint="paste its text here, or knit the document first and publish its output (.md)")
            return
        named = _LANGUAGES.get(language, language) or "code"
        if shown["echo"] == "false" and language in _SILENT and not label.startswith(("fig-", "tbl-")) \
                and _prints_nothing(code, *_SILENT[language]):  # (a cell that only loads and assigns: nothing shows)
            found.update(omitted=True)
            return
        if shown["echo"] == "false":  # (its code hidden, as asked: in its place, a sentence that its output is not)
            text = str(self.context.words.get("cell_missing", "Not included in this edition: {language} output"))
            found.update(missing=text.replace("{language}", named))
            self.warn(line, f"the {named} cell is not executed, and its code is hidden (echo: false): "
                      "a sentence says its output is missing", hint="run the document first (Quarto, R Markdown) "
                      "and publish its output (.md)")
        elif shown["eval"] != "false":  # (eval: false: Quarto shows the code only, as here)
            self.warn(line, f"the {named} cell is not executed: its code is shown instead of its "
                      "output", hint="run the document first (Quarto, R Markdown) and publish its output (.md), or "
                      "make the cell a plain code block (```" + (language or "python") + ")")
        kind = label.split("-", 1)[0] if label else ""
        caption = options.get(f"{kind}-cap") if kind in ("fig", "tbl") else None
        if kind in ("fig", "tbl") and label and (label in self.found.labels or label != ident
                                                 and label in self.found.ids):
            self._label_taken(line, label, "figure, table, equation or section")
        elif kind in ("fig", "tbl") and label:
            counts[kind] += 1
            key = "figure" if kind == "fig" else "table"
            shown = self.caption_label(kind, key, str(counts[kind]))
            self.found.labels[label] = self._label(kind, key, str(counts[kind]))
            written = note(node).get(TEXTS, {}).get(f"{kind}-cap")  # (as Markdown: quarto.read_texts)
            # (bookdown's name of chunk fig-1's figure, fig:fig-1; LaTeX's \label in knitr's fig.cap)
            aliases = (["fig-" + label] if chunk == label else []) + (_take_labels(written) if written else []) \
                + (["tab:" + label[4:], label[4:]] if kind == "tbl" and language == "r" else [])  # (bookdown's)
            for alias in aliases:
                self.found.labels.setdefault(alias, Label(kind, self.found.labels[label].text, str(counts[kind]),
                                                          target=label))
            self.found.ids.add(label)
            found.update(id=label, label=shown, caption=written or (words(caption) if caption else []))
        elif (listing := options.get("lst-label", "")).startswith("lst-") and options.get("lst-cap") \
                and "missing" not in found:  # (Quarto's listing of a cell's code: #| lst-label, #| lst-cap)
            if listing in self.found.labels or listing in self.found.ids:
                self._label_taken(line, listing, "listing, figure, table or section")
            else:
                counts["lst"] += 1
                self.found.labels[listing] = self._label("lst", "listing", str(counts["lst"]))
                self.found.ids.add(listing)
                written = note(node).get(TEXTS, {}).get("lst-cap")
                found.update(id=listing, label=self.caption_label("lst", "listing", str(counts["lst"])),
                             caption=written or words(options["lst-cap"]), figure="listing")
        if language and "missing" not in found:
            self.found.highlight.append(node)


class _Counts:
    """What numbered() has counted of each kind, in each edition, used as a dict
    of the counts of the node `at()`: a node that one edition only shows (Quarto's
    conditional content, structure.only_in()) counts in that one. So the print and
    e-reader versions of a figure, each with the figure's id in its own edition,
    take one number; a figure in one edition with no version in the other takes
    its number in both (a node has one number), and is told (`apart()`)."""

    def __init__(self, kinds: tuple[str, ...], only_in: dict[int, frozenset[str]]):
        self.counted = {edition: dict.fromkeys(kinds, 0) for edition in (EPUB, PRINT)}
        self.only_in, self.editions = only_in, (EPUB, PRINT)
        self.seen: list[tuple[str, tuple[str, ...], Node]] = []  # (kind, editions, node) as counted
        self.node: Node | None = None

    def at(self, node: Node) -> None:
        self.node, self.editions = node, tuple(sorted(self.only_in.get(id(node), (EPUB, PRINT))))

    def __getitem__(self, kind: str) -> int:
        return max(self.counted[edition][kind] for edition in self.editions)

    def __setitem__(self, kind: str, value: int) -> None:
        for edition in self.editions:
            self.counted[edition][kind] = value
        if self.only_in and self.node is not None:
            self.seen.append((kind, self.editions, self.node))

    def apart(self) -> list[tuple[str, Node]]:
        """The first node of each kind that one edition only shows, with no version
        of the same id in the other, and after which the other edition counts more
        of its kind: there, that edition's numbers skip one."""
        found: dict[str, Node] = {}
        for at, (kind, editions, node) in enumerate(self.seen):
            if len(editions) == 2 or kind in found:
                continue
            ident = attr(node)[0]
            twinned = ident and any(k == kind and e != editions and attr(n)[0] == ident for k, e, n in self.seen)
            if not twinned and any(k == kind and e != editions for k, e, _ in self.seen[at + 1:]):
                found[kind] = node
        return list(found.items())


_COUNTED = {"fig": "figure", "tbl": "table", "eq": "equation", "lst": "listing", **THEOREMS,
            **{k: f"{v} callout" for k, v in NUMBERED_CALLOUTS.items()}}


def _chunk_options(node: Node) -> tuple[dict[str, str], str, dict[str, str], list[str]]:
    """A cell's options (an R Markdown chunk's from its fence first, then its `#|`
    lines), its code without them, the fence's alone, and those that are R code."""
    written = attr_value(node, "imprint-knitr")
    knitr, unread = knitr_read(written) if written else ({}, [])
    own, code = cell_options(node["c"][1])
    return {**knitr, **own}, code, knitr, unread


_INCLUDE_GRAPHICS = re.compile(r"^(?:knitr::)?include_graphics\s*\((.*)\)$", re.S)


# An R statement that prints nothing: an assignment, or a call R returns invisibly
# (loading a package, setting options or a seed).
_SILENT_R = re.compile(r"^(?:[A-Za-z.][\w.$@]*(?:\[[^\]\n]*\])?\s*(?:<<?-|=(?!=))|"
                       r"(?:library|require|requireNamespace|suppressPackageStartupMessages|suppressMessages|"
                       r"suppressWarnings|source|set\.seed|options|theme_set|Sys\.setenv|Sys\.setlocale|"
                       r"(?:knitr::)?opts_(?:chunk|knit)\$set|(?:knitr::)?read_chunk|invisible)\s*\()")


# A Python statement that shows nothing in a notebook's output: an import, an
# assignment, a definition, or a call made for its effect on settings.
_SILENT_PYTHON = re.compile(r"^(?:import\s|from\s+[\w.]+\s+import\s|(?:async\s+)?def\s|class\s|@|"
                            r"[A-Za-z_]\w*\s*:\s*[\w.\[\], |]+=(?!=)|"
                            r"[A-Za-z_][\w.]*(?:\[[^\]\n]*\])?(?:\s*,\s*[A-Za-z_][\w.]*)*\s*"
                            r"(?:[-+*/%&|^@]|//|\*\*|>>|<<)?=(?!=)|"
                            r"(?:warnings\.(?:filterwarnings|simplefilter)|(?:np\.)?random\.seed|pd\.set_option|"
                            r"plt\.style\.use|plt\.rcParams\.update|sns\.set(?:_theme|_style|_context)?|"
                            r"matplotlib\.use|sys\.path\.(?:append|insert))\s*\()")
# What shows output in a Python cell whatever the statement: a figure drawn (Jupyter
# shows every figure a cell makes), a value displayed, or a second statement after `;`.
_SHOWS_PYTHON = re.compile(r"\b(?:plt|sns|ax|axes|fig)\.|\.plot\b|\bdisplay\s*\(|;")
# By language: its silent statements, and what in a cell shows output however silent.
_SILENT: dict[str, tuple[re.Pattern, re.Pattern | None]] = {"r": (_SILENT_R, None),
                                                            "python": (_SILENT_PYTHON, _SHOWS_PYTHON)}


def _prints_nothing(code: str, silent: re.Pattern, shows: re.Pattern | None) -> bool:
    """Whether a cell's code only loads and assigns: each statement (a line that
    starts at the margin; indented lines and closing brackets go on one) `silent`
    (an assignment, a call that returns invisibly). Then knitr and Jupyter show
    nothing of the cell when its code is hidden; anything else (a plot, a value)
    may show."""
    starts = [line for line in code.split("\n") if line.strip() and not line[0].isspace()
              and not line.lstrip().startswith("#") and line.strip()[0] not in ")]}"]
    return bool(starts) and all(silent.match(line) for line in starts) and not (shows and shows.search(code))


def _css_size(size: str | None) -> str | None:
    """A size as Pandoc reads it, in CSS: a bare number in pixels, inches as `in`."""
    if not size:
        return size
    size = size.strip()
    return size + "px" if size[-1].isdigit() else size[:-4] + "in" if size.endswith("inch") else size


_LATEX_WIDTH = re.compile(r"^\s*([\d.]*)\s*\\(?:textwidth|linewidth|columnwidth|hsize)\s*$")


def _latex_width(width: str) -> str:
    """knitr's out.width as CSS: "80%", "8cm"; LaTeX's 0.5\\textwidth as 50%; what is
    neither (an R expression), no width (the image at its own)."""
    if (found := _LATEX_WIDTH.match(width)):
        return f"{float(found.group(1) or 1) * 100:g}%"
    return width.strip() if WIDTH.match(width.strip()) else ""


def _included_graphics(code: str) -> list[str]:
    """The image files a chunk's code places, if all it does is knitr's
    include_graphics() of one or more paths written as text; else []."""
    lines = [line for line in code.split("\n") if line.strip() and not line.lstrip().startswith("#")]
    call = _INCLUDE_GRAPHICS.match("\n".join(lines).strip())
    if call is None:
        return []
    arguments = r_arguments(call.group(1))
    first = arguments[0] if arguments and "=" not in arguments[0].split("(", 1)[0] else \
        next((a.split("=", 1)[1].strip() for a in arguments if a.split("=", 1)[0].strip() == "path"), "")
    if first.startswith("c(") and first.endswith(")"):
        paths = [r_value(item) for item in r_arguments(first[2:-1])]
    else:
        paths = [r_value(first)]
    return [p for p in paths if p] if paths and all(paths) else []


# A reference to a table, by its name: bookdown's, LaTeX's (and cleveref's), Quarto's.
_TABLE_REFERENCE = re.compile(r"@ref\((?:tab|tbl):([\w.-]+)\)|\\[cC]?(?:auto)?ref\{(?:tab|tbl):([\w.:-]+)\}"
                              r"|@[tT]bl-([\w-]+)")
_MADE_LABEL = re.compile(r"""\blabel\s*=\s*["']([\w:.-]+)["']|\\\\label\{([\w:.-]+)\}""")
_LANGUAGES = {"r": "R", "python": "Python", "julia": "Julia", "bash": "Bash", "sql": "SQL", "ojs": "Observable JS",
              "mermaid": "Mermaid", "dot": "Graphviz"}  # (as a cell's engine is named in a sentence)


def span_label(span: Node) -> Node | None:
    """JOSS's label of an equation, `[$$...$$]{label="eq:x"}`: the span becomes the
    formula it holds, as if written alone, with the label in its TeX as LaTeX's
    `\\label` (which tex_labels() takes out). The formula's former node, now
    out of the text, if it was one."""
    key = dict(span["c"][0][2]).get("label", "").strip()
    held = [n for n in span["c"][1] if n["t"] not in ("Space", "SoftBreak")]
    if not key or len(held) != 1 or held[0]["t"] != "Math" or held[0]["c"][0]["t"] != "DisplayMath":
        return None
    span.clear()
    span.update({"t": "Math", "c": [held[0]["c"][0], held[0]["c"][1] + "\\label{" + key + "}"]})
    return held[0]


def tex_labels(formulas: list[Node]) -> None:
    """LaTeX's `\\label{eq:x}` (or bookdown's `(\\#eq:x)`) and `\\tag{A1}` in display formulas, taken out of
    the TeX before it is converted (texmath reads neither) and kept on the node
    for _equations(); `\\nonumber` and `\\notag` go with them."""
    for node in formulas:
        if node["c"][0]["t"] != "DisplayMath" or "\\" not in node["c"][1]:
            continue
        tex = node["c"][1]
        lines = _tex_lines(tex)
        marked = [(_TEX_LABEL.findall(line) + _BOOKDOWN_TEX_LABEL.findall(line), _TEX_TAG.search(line))
                  for line in lines or ()]
        if len(marked) > 1 and any(labels or tag for labels, tag in marked):
            node["c"][1] = _unlabelled(tex)
            annotate(node, rows=[{"label": labels[0] if labels else None, "others": labels[1:],
                                  "tag": tag.group(1).strip() if tag else None} for labels, tag in marked])
            continue
        labels = _TEX_LABEL.findall(tex) + _BOOKDOWN_TEX_LABEL.findall(tex)
        tag = _TEX_TAG.search(tex)
        if not labels and tag is None and not _TEX_NO_NUMBER.search(tex):
            continue
        node["c"][1] = _unlabelled(tex)
        if labels:
            annotate(node, tex_label=labels[0], other_labels=labels[1:])
        if tag is not None:
            annotate(node, tag=tag.group(1).strip())


def _unlabelled(tex: str) -> str:
    return _TEX_NO_NUMBER.sub("", _TEX_TAG.sub("", _BOOKDOWN_TEX_LABEL.sub("", _TEX_LABEL.sub("", tex))))


def _tex_lines(tex: str) -> list[str] | None:
    """The lines of a LaTeX environment that numbers each of its lines (amsmath's
    `align`, `gather`...: ROW_NUMBERED), split at its own `\\\\` (not at a nested
    environment's or a group's); None for another formula. A last line left
    empty (a `\\\\` before `\\end`) is none, as texmath reads it."""
    found = _ROW_NUMBERED.match(tex)
    end = tex.rfind("\\end")
    if found is None or end < found.end():
        return None
    text, lines, start, depth, nested, at = tex[found.end():end], [], 0, 0, 0, 0
    while at < len(text):
        if text[at] in "{}":
            depth += 1 if text[at] == "{" else -1
        elif text.startswith("\\\\", at) and depth == 0 and nested == 0:
            lines.append(text[start:at])
            start = at + 2
            at += 1
        elif text[at] == "\\":
            nested += text.startswith("\\begin", at) - text.startswith("\\end", at)
            at += 1  # (an escaped character: `\\{` opens no group)
        at += 1
    lines.append(text[start:])
    if len(lines) > 1 and not _TEX_NO_NUMBER.sub("", lines[-1]).strip():
        lines.pop()
    return lines


_KINDS = {"Figure": "figure", "Table": "table", "Header": "heading"}


def _captions(node: Node) -> list[list[Node]]:
    """The lists of inlines a LaTeX label of the node may be in: a figure's or a
    table's caption (and a figure's images' descriptions, which repeat it), a
    heading's text."""
    if node["t"] == "Header":
        return [node["c"][2]]
    found = [block["c"] for block in node["c"][1][1] if block["t"] in ("Plain", "Para")]
    if node["t"] == "Figure":
        found += [image["c"][1] for image in _own_images(node["c"][2])]
    return found


def _own_images(nodes: list[Node]) -> list[Node]:
    """A figure's images, not its sub-figures' (they have labels of their own)."""
    found = []
    for node in nodes:
        if node["t"] == "Image":
            found.append(node)
        elif node["t"] != "Figure":
            found += _own_images(kids(node))
    return found


def _take_labels(inlines: list[Node]) -> list[str]:
    """The `\\label{...}` raw TeX (or bookdown's `(\\#...)`) of a list of inlines, taken out of it (with the
    space before one that ends the text or is followed by another)."""
    keys, kept = [], []
    for item in inlines:
        found = _TEX_LABEL.fullmatch(item["c"][1].strip()) if item["t"] == "RawInline" \
            and item["c"][0] in ("tex", "latex") else _BOOKDOWN_LABEL.fullmatch(item["c"]) if item["t"] == "Str" \
            else None
        span = item["t"] == "Span" and not item["c"][1] and dict(item["c"][0][2]).get("label", "").strip()
        if span:  # (JOSS's []{label="x"})
            keys.append(span)
        elif found:
            keys.append(found.group(1))
            annotate(item, taken=True)  # (not left out: code_and_raw() says nothing of it)
        else:
            kept.append(item)
    if keys:
        spaced = [item for index, item in enumerate(kept) if item["t"] not in ("Space", "SoftBreak")
                  or 0 < index < len(kept) - 1 and kept[index + 1]["t"] not in ("Space", "SoftBreak")]
        inlines[:] = spaced
    return keys


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _cmyk_as_rgb(image: Image, root: Path) -> bytes | None:
    from ..editions.raster import cmyk_as_rgb  # (Pillow: loaded when a JPEG is printed)

    return cmyk_as_rgb(image.data if image.data is not None else read_bytes(root, image.path, "image"))
