"""What points somewhere: cross-references resolved to links, citations checked
against the bibliography, links checked against the article's ids.

Steps of structure.py's pass (`_Steps.crossrefs()`, `citations()`, `links()`),
after everything is numbered: a label's text is known where it is referred to.
"""

from __future__ import annotations

import json
import re
from os.path import commonprefix
from typing import Callable
from urllib.parse import unquote

from .ast import COLON_KINDS, Node, annotate, attr, attr_value, dashed, kids, note, str_node, stringify, walk, words
from .html import linkable
from .quarto_divs import NUMBERED_CALLOUTS, THEOREMS

# Quarto's cross-reference kinds (https://quarto.org/docs/authoring/cross-references.html).
CROSSREF_KINDS = ("fig", "tbl", "eq", "sec", "lst", *THEOREMS, *NUMBERED_CALLOUTS)


# What numbers a thing of each kind that has an id but no number (@fig-x to a captionless image).
UNNUMBERED = {"fig-": "a figure is numbered when its image has a caption: ![The caption](file.png){#{key}}",
              "tbl-": "a table is numbered when it has a caption: ': The caption {#{key}}' after it",
              "": "give it a caption (a figure, a table) or a label Quarto numbers (#eq-, #sec- with "
                  "number-sections, #thm-, ...)"}


# What is left of a reference link or image Pandoc found no definition for: "][label]".
_REFERENCE = re.compile(r"\]\[([^\[\]]*)\]")
_IMAGE_SHORTCUT = re.compile(r"!\[([^\[\]]+)\]")
# Attributes left as one word of text: {.class}, {#id}, {-} (followed by punctuation, perhaps).
_NO_SPACE_HEADING = re.compile(r"(#{1,6})[^\W\d_]")  # (#Заключение: a letter right after the hashes)
_STRAY = re.compile(r"(\{(?:[#.][^\s{}]+|-)\})[.,;:!?]?")
# A link's parentheses with no address in them: `[text]()`, `[text]( )`, `[text](<>)`.
_EMPTY_DEFINITION = re.compile(r"(?m)^[ ]{0,3}\[([^\]\n]+)\]:[ \t]*$")  # (a reference, `[foo2]:`, with no address)
_NO_ADDRESS = re.compile(r"\]\(\s*(?:<\s*>)?\s*\)")


class Links:
    """The steps of structure._Steps about what points somewhere (they use its
    context, found, source, left_out, not_shown, problem() and each())."""

    # -- cross-references

    def crossrefs(self, in_headings: bool = False) -> None:
        """`@fig-map` and the like: Pandoc reads them as citations; citations.lua
        made them Spans where its citeproc was to run (else they are Cites still).
        `in_headings`: those in headings only (before the headings' texts are taken)."""
        nodes = self.each("Span", "Cite")
        if self.words_before is None:
            sentences = [n for kind in _SENTENCES for n in self.each(kind)]
            _unbraced(sentences, lambda node: node["t"] == "Span" and "imprint-xref" in attr(node)[1]
                      or self._cross_references(node))
            self.words_before = _words_before(sentences)
        if in_headings:
            under = {id(n) for heading, _ in self.found.headings for n in walk(heading["c"][2])}
            nodes = [n for n in nodes if id(n) in under]
        for node in nodes:
            if note(node).get("crossref"):
                continue  # (resolved in headings first)
            if node["t"] == "Span" and "imprint-xref" in attr(node)[1]:
                written = self.source.first(re.compile(r"[.{\s]imprint-xref\b"), code=False)
                citations = _xref_citations(attr_value(node, "data-citations"))
                if citations is None or written is not None:  # (an author's span of that class)
                    self.problem(self.source.take("imprint-xref"), "the class imprint-xref is Imprint's own",
                                 hint="choose another class name")
                else:
                    self._crossref(node, citations)
            elif self._cross_references(node):
                self._crossref(node, node["c"][0])
            elif node["t"] == "Span" and "nameref" in attr(node)[1] and not in_headings:
                self._nameref(node)

    def _cross_references(self, node: Node) -> bool:
        """Whether the node is a citation of cross-references only (`@fig-map`), where
        citeproc did not run (else citations.lua made it a Span of imprint-xref)."""
        return node["t"] == "Cite" and all(is_crossref(c["citationId"], self.context.references) for c in node["c"][0])

    def _nameref(self, span: Node) -> None:
        """`[s1-video]{.nameref}` (Quarto's PLOS template): the title of the section
        of that id, linked to it, as the template prints it."""
        target = stringify(span["c"][1]).strip()
        ident = self.found.renamed.get(target, target)
        heading = next((h for _, h in self.found.headings if h.id == ident), None)
        if heading is None:
            self.problem(self.source.take(target), f"nothing has the id '{target}' that the nameref names",
                         hint="give the section it names that id: ## Title {#" + target + "}")
            return
        span["t"], span["c"] = "Link", [["", [], []], [str_node(heading.text)], ["#" + ident, ""]]
        annotate(span, crossref=True)

    def colon_ids(self) -> None:
        """pandoc-crossref's labels (`{#fig:map}`, `{#sec:intro}`): the id made Imprint's
        (`fig-map`), as a reference to it will look for it (dashed())."""
        for node in self.each("Header", "Div", "Span", "Figure", "Table", "CodeBlock", "Image"):
            ident = attr(node)[0]
            new = dashed(ident)
            if new == ident:
                continue
            if new in self.found.ids:
                if self.found.renamed.get(ident) != new:  # (else the same label twice: ids() said so)
                    self.problem(self._id_line(ident), f"the id '{ident}' is also given as '{new}'",
                                 hint="ids must be unique: choose another")
                continue
            attr(node)[0] = new
            self.found.ids.discard(ident)
            self.found.ids.add(new)
            self.found.renamed[ident] = new

    def _crossref(self, span: Node, citations: list[dict]) -> None:
        parts: list[Node] = []
        after = self.words_before.get(id(span), "")
        for index, citation in enumerate(citations):
            written = citation["citationId"]
            line = self.source.take_key(written)
            key = dashed(written)
            label = self.found.labels.get(key) or self.found.labels.get(key[0].lower() + key[1:]) \
                or self.found.labels.get(written)  # (@eq:x to \label{eq:x})
            if label is None and (key in self.found.ids or key[0].lower() + key[1:] in self.found.ids):
                hint = UNNUMBERED.get(key[:4].lower(), UNNUMBERED[""]).replace("{key}", key)
                self.problem(line, f"'{written}' is the id of something that is not numbered, so it cannot be "
                             "referred to by number", hint=hint)
                continue
            if label is None and self._left_out(line, f"@{written}", key):
                continue
            if label is None:
                close = closest_key(key, self.found.labels)
                reached = key[0].lower() + key[1:]  # (the id it reaches: @Fig:x at a sentence's start too)
                stray = f"{{#{written}}}" if any(n["c"] == f"{{#{written}}}" for n in self.each("Str")) else None
                if stray:  # (`![..](map.png) {#fig:map}`: a space, and the label is text)
                    hint = (f"its label {stray} on line {self.source.first(stray)} belongs to nothing: write it "
                            "right after the image, table caption or formula, with no space between")
                elif close and not is_crossref(close):  # (@first would be a citation: a heading needs an id)
                    hint = (f"if it is the heading whose id Pandoc made, '{close}', give it the id {{#{reached}}} "
                            "after its title (a section of another file, a book's other chapter, cannot be referred "
                            "to by number)")
                else:
                    hint = f"did you mean '{close}'?" if close else \
                        "give the figure, table, equation or heading that id: {#" + reached + "}"
                self.problem(line, f"nothing has the label '{written}'", hint=hint)
                continue
            target = label.target or (key if key in self.found.labels else key[0].lower() + key[1:])
            text = label.number if citation["citationMode"]["t"] == "SuppressAuthor" else label.text
            if _same_word(after, label.text) and len(label.text.split(maxsplit=1)) == 2:
                # ("Figure @fig:map", as pandoc-fignos writes one, Manubot's papers: "Figure 1", not
                # "Figure Figure 1"; «в формуле @eq-x»: «в формуле (1)»)
                text = label.text.split(maxsplit=1)[1]
            if key[0].isupper() and text:
                text = text[0].upper() + text[1:]
            if index:
                parts += [str_node(";"), {"t": "Space"}]
            prefix = citation.get("citationPrefix") or []
            shown = words(text)
            if prefix:  # ([Fig @fig-map]: "Fig 1", the author's word for the language's)
                shown = prefix + [{"t": "Space"}, str_node(label.number)]
            link = {"t": "Link", "c": [["", [], []], shown, ["#" + target, ""]]}
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
            # (a bracket of works and cross-references is split where citeproc runs:
            # citations.lua; where it does not, its works are told as any other)
            ids = [c["citationId"] for c in node["c"][0] if not is_crossref(c["citationId"], self.context.references)]
            bare = {c["citationId"] for c in node["c"][0] if c["citationMode"]["t"] == "AuthorInText"}
            for key in ids:
                if key in self.context.references or self.context.unread_bibliography:
                    continue  # (a bibliography that could not be read is told at its field)
                if key in unknown_reported:
                    continue
                unknown_reported.add(key)
                message, hint = unknown_key(key, self.context.references, self.context.bibliography, key in bare)
                for line in self.source.key_lines(key) or [None]:
                    self.problem(line, message, hint=hint)

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
        self._undefined_references()
        self._stray_attributes()
        self._headings_without_space()
        left_out = set()
        for node in self.each("Link"):
            if _textless(node):
                target = note(node).get("nowhere")
                if target:  # (at the line _targets() found: `]({target}` is a link's with words too)
                    left_out.add(id(node))
                    self.warn(note(node)["line"], f"the link to {target} has no text and points to nothing in the "
                              "article: it is left out", hint=f"delete the []({target}), or give it words and an "
                                                             "id of the article: [the words](#my-id)")
                else:
                    target = node["c"][2][0]
                    self.warn(self.source.take(f"]({target}"), f"the link to {target} has no text: it prints nothing",
                              hint=f"give it words: [the words]({target}), or write the address: <{target}>")
        if left_out:
            _one_space_for(left_out, self.blocks)

    def _headings_without_space(self) -> None:
        """A paragraph that starts `#Заключение` (no space after the #, text pasted from
        a messenger): Pandoc reads no heading, and prints it as written, out of the
        contents (QA 23)."""
        for node in self.each("Para"):
            first = node["c"][0] if node["c"] else None
            line = stringify(node["c"]).strip()  # (a heading's line: short, no sentence; "#MeToo became..." is one)
            if first and first["t"] == "Str" and (found := _NO_SPACE_HEADING.match(first["c"])) \
                    and len(line) <= 80 and not line.endswith((".", "!", "?", "…")):
                self.warn(self.source.take(re.compile(r"(?m)^[ \t]*" + re.escape(first["c"]))),
                          f"'{first['c']}' is no heading: it is printed as written, out of the contents",
                          hint=f"put a space after the {found.group(1)}: {found.group(1)} {first['c'][found.end(1):]}")

    def _stray_attributes(self) -> None:
        """Attributes Pandoc could attach to nothing (`A paragraph. {.lead}`,
        `**bold**{.red}`, a caption's label after a blank line): left as text."""
        stray = [(node, match) for node in self.each("Str") if node["c"][:1] == "{"
                 and (match := _STRAY.fullmatch(node["c"]))]
        live = {id(n) for n in walk(self.blocks) if n["t"] == "Str"} if stray else set()
        for node, match in stray:
            if id(node) in live:  # (not an equation's label, taken off its formula: numbering.py)
                self.warn(self.source.take(node["c"]), f"the attributes {match.group(1)} belong to nothing here: they "
                          "are printed as written",
                          hint="attributes follow a heading, an image, a link, a [span]{.x}, code or a div's "
                               "fence, with no space between; mark words with [the words]{.class}")

    def _undefined_references(self) -> None:
        """A reference link or image whose label no definition gives (`[text][label]`,
        `![alt][]`): Pandoc leaves it as text, brackets and all; it is printed so,
        with a warning at its line. (A lone `[text]` is often meant as text: "[sic]".)"""
        for node in self.each("Str"):
            if "]" not in node["c"]:  # (most words: both patterns need it)
                continue
            for match in _REFERENCE.finditer(node["c"]):
                written = node["c"][:match.end()]
                label = match.group(1) or written.split("][")[0].lstrip("![")
                image = written.startswith("!")
                shown = written if written.lstrip("!").startswith("[") else "[…" + written  # ([two words][x])
                self.warn(self.source.take(written),
                          f"the {'image' if image else 'link'} [{label}] is defined nowhere: "
                          f"'{shown}' is printed as written",
                          hint=f"add a line '[{label}]: {'file.png' if image else 'https://...'}' after the "
                               "paragraph, or write it inline: " + ("![alt](file.png)" if image else
                                                                    "[text](https://...)"))
            for match in _IMAGE_SHORTCUT.finditer(node["c"]):  # (`![alt]` alone: never meant as text)
                if node["c"][match.end():match.end() + 1] in ("[", "("):
                    continue
                self.warn(self.source.take(match.group()), f"the image [{match.group(1)}] is defined nowhere: "
                          f"'{match.group()}' is printed as written",
                          hint="write it with its file: ![alt](file.png)")

    def _targets(self) -> None:
        ids = self.found.ids | set(self.found.labels) | {f"ref-{k}" for k in self.context.cited} \
            | ({"references", "refs"} if self.context.cited else set())  # (the list's section: templates' own id)
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
                    line = self.source.take(re.compile(re.escape(f"({href}") + r"(?=[\s)])")) \
                        or self.source.take(f"[{stringify(node['c'][1])}]")  # (a reference link's text)
                    if _textless(node):  # (`[](#0)`, left by Word's conversions, prints nothing: left out, with
                        annotate(node, nowhere=href, line=line)  # a warning at this line, links(); its line taken
                        node["c"][2][0] = ""  # all the same, so that a link with words to it is told at its own)
                        continue
                    if self._left_out(line, f"the link to '{href}'", dashed(target)):
                        continue
                    self.problem(line, f"the link to '{href}' points to nothing in the article",
                                 hint="use the id of a heading, figure or table: [text](#my-id)")
            elif not href:  # (`[text]()`, or `[text]` whose definition, `[text]:`, gives no address)
                text = stringify(node["c"][1])
                label, line = self._reference_used(text)
                defined = label and self.source.first(
                    re.compile(r"(?im)^[ ]{0,3}\[" + re.escape(label) + r"\]:[ \t]*$"))
                # (a reference is told at its use, `[Foo2]` and `[x][foo2]` too, not at its definition, which
                # may come first, nor at the same words in brackets elsewhere)
                line = line or self.source.take(_NO_ADDRESS) \
                    or self.source.take(f"[{text}]")
                self.problem(line, f"the link [{text}] has no address",
                             hint=f"write its address after '[{label}]:' on line {defined}" if defined else
                             f"write its address in the parentheses: [{text}](https://...)")
            elif not linkable(href):
                line = self._target_line(href) or self._target_line(unquote(href)) or self.source.take(href) or \
                    self.source.take(f"[{stringify(node['c'][1])}]")
                self.problem(line, f"the link to '{unquote(href)}' is not a web address",
                             hint="link to https://..., mailto:... or an id (#id); files are not published")

    def _reference_used(self, text: str) -> tuple[str | None, int | None]:
        """The label of the reference with no address (`[foo2]:` alone on its line)
        that a link of this text used, and the line of its use, the next not told yet:
        `[foo2]` itself, or `[text][foo2]`; (None, None) when no such reference is its."""
        empty = [m.group(1) for m in _EMPTY_DEFINITION.finditer(self.source.searchable)]
        if any(label.lower() == text.lower() for label in empty):
            # (lower case: `[Foo2]` and `[foo2]` are handed out lines as one pattern, each its own use)
            return text, self.source.take(re.compile(r"(?i)(?<!\])\[" + re.escape(text.lower()) + r"\](?![:\[(])"))
        used = {label: re.compile(r"(?i)\[" + re.escape(text.lower()) + r"\]\[" + re.escape(label.lower()) + r"\]")
                for label in empty}
        used = {label: pattern for label, pattern in used.items() if pattern.search(self.source.searchable)}
        if not used:
            return None, None
        # (`[x][a]` and `[x][b]`, both empty: one pattern for all, so that each use is handed out once, in the
        # text's order, which is Pandoc's; the label the one written on that line)
        line = self.source.take(re.compile("|".join(p.pattern.removeprefix("(?i)") for p in used.values()), re.I))
        label = next((label for label, pattern in used.items() if line in self.source.lines_of(pattern)),
                     next(iter(used)))
        return label, line

    def _left_out(self, line: int | None, what: str, key: str) -> bool:
        """A reference or link to the id of a heading left out as empty (`## {#sec-gone}`,
        structure.py's empty_headings()) is told so, at its line (it was "nothing has
        the label", with a hint to give the heading the id it has); whether it was one."""
        if key in self.not_shown:  # (conditions(): taken out of the body)
            why = self.not_shown[key]
            self.problem(line, f"{what} points to '{key}', which no edition shows ({why}): it was left out",
                         hint="refer to the .light-content version (give it an id of its own)" if "dark" in why else
                         "refer to something the editions show, or let its condition hold for one (when-format=...)")
            return True
        if key not in self.left_out:
            return False
        ident, at, level = self.left_out[key]
        self.problem(line, f"{what} points to the heading on line {at}, which has no text: it was left out",
                     hint=f"write its title after the #: {'#' * level} The title {{#{ident}}}")
        return True

    def _target_line(self, target: str) -> int | None:
        """The line where a link's target is written, whole (`](/url/` is not `/url`'s):
        after its text, `[text](target)`, or in a reference's definition, `[label]: target`."""
        return self.source.take(re.compile(r"\](?:\(|:)\s*<?" + re.escape(target) + r"(?=[\s)>\"']|$)"))


def _textless(link: Node) -> bool:
    """Whether a link has nothing to print (`[](#x)`): no words, no image, no formula."""
    return not stringify(link["c"][1]).strip() and not any(n["t"] in ("Image", "Math") for n in walk(link["c"][1]))


def _one_space_for(links: set[int], blocks: list[Node]) -> None:
    """Where links left out (by id()) stood, the spaces around them as if they had
    never been written: between two words one space ("Empty [](#0) link" prints
    "Empty link", not "Empty  link"), none before a full stop or at a line's end
    ("Last [](#0)." prints "Last.", not "Last .") and none at its start."""
    spaces = ("Space", "SoftBreak")
    for node in reversed(list(walk(blocks))):  # (inner first: `***[](#0)***`)
        held = kids(node) if node["t"] in _STYLES else None
        if held and any(id(n) in links for n in held) and all(id(n) in links or n["t"] in spaces for n in held):
            links.add(id(node))  # (`*[](#0)*`: the emphasis holds nothing left: it goes as the link does)
    for parent in walk(blocks):
        inlines = kids(parent)  # (the node's own list where it holds inlines: Para, Plain, Emph, Span...)
        if not any(id(n) in links for n in inlines):
            continue
        kept: list[Node] = []
        at = 0
        while at < len(inlines):
            if id(inlines[at]) not in links:
                kept.append(inlines[at])
                at += 1
                continue
            run: list[Node] = []  # (the links left out here, and the spaces between them)
            while at < len(inlines) and (id(inlines[at]) in links or inlines[at]["t"] in spaces):
                run.append(inlines[at])
                at += 1
            while run[-1]["t"] in spaces:  # (the spaces after the last link: given back after it)
                at -= 1
                run.pop()
            after = at < len(inlines) and inlines[at]["t"] in spaces
            words_before = any(n["t"] not in spaces for n in kept)
            closing = at == len(inlines) or inlines[at]["t"] == "Str" and inlines[at]["c"][:1] in _CLOSING
            if kept and kept[-1]["t"] in spaces and closing:
                kept.pop()  # (before a full stop, or at the end: the space before goes)
            elif after and (not words_before or kept[-1]["t"] in spaces or at + 1 == len(inlines)):
                at += 1  # (a space already before it, or none but the line's start: the space after goes)
            kept.extend(n for n in run if id(n) in links and n["t"] not in _STYLES)
        inlines[:] = kept


_STYLES = ("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps")  # (print nothing empty)
_CLOSING = set(".,;:!?)]}»”’…")  # (what a space does not stand before)


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


# (what holds a sentence's inlines, where a cross-reference may follow its kind's word)
_SENTENCES = ("Para", "Plain", "Header", "Span", "Emph", "Strong", "Link", "Quoted", "Underline", "SmallCaps")


def _unbraced(parents: list[Node], is_reference: Callable[[Node], bool]) -> None:
    """pandoc-fignos's and Manubot's `Figure {@fig:x}b`: the braces that set a
    reference apart from the letter after it taken out, as those filters take them
    (they were printed: "Figure {Figure 1}b")."""
    for inlines in (kids(parent) for parent in parents):
        for index in range(len(inlines) - 2, 0, -1):
            before, node, after = inlines[index - 1:index + 2]
            if before["t"] == "Str" and before["c"].endswith("{") and after["t"] == "Str" \
                    and after["c"].startswith("}") and node["t"] in ("Cite", "Span") and is_reference(node):
                before["c"], after["c"] = before["c"][:-1], after["c"][1:]
                inlines[index - 1:index + 2] = [n for n in (before, node, after) if n["t"] != "Str" or n["c"]]


def _words_before(parents: list[Node]) -> dict[int, str]:
    """The word just before each citation or span of the text, by the id of its node
    ("Figure" in "Figure @fig:map", "Figure\u00a0@fig:map")."""
    found = {}
    for parent in parents:
        inlines = kids(parent)
        for index, node in enumerate(inlines):
            if node["t"] not in ("Cite", "Span") or not index:
                continue
            at = index - 1 if inlines[index - 1]["t"] not in ("Space", "SoftBreak") else index - 2
            if at >= 0 and inlines[at]["t"] == "Str" and inlines[at]["c"].split():
                found[id(node)] = inlines[at]["c"].split()[-1]
    return found


def _same_word(written: str, label: str) -> bool:
    """Whether the word written before a cross-reference is the word its label
    prints ("Figure", "Fig.", "Figures" before "Figure 1"; «рисунке», «Рис.» before
    «рис. 1»): a shared beginning of three letters at least, or the whole of the
    shorter (Eq. and "Equation 1")."""
    written = written.strip("([").rstrip(".:,").lower()
    printed = label.split()[0].rstrip(".").lower() if label.split() else ""
    if not printed or not written.isalpha():
        return False
    return any(len(form) >= 2 and len(commonprefix([form, printed])) >= min(len(form), len(printed), 3)
               for form in (written, written.removesuffix("s")))


def is_crossref(key: str, works: frozenset[str] | set[str] = frozenset()) -> bool:
    """Whether a citation key is a cross-reference (@fig-map, or pandoc-crossref's
    @fig:map), by its prefix; a key of the bibliography's (`works`) written with a
    colon (@fig:smith2020) is a citation still."""
    prefix = key.split("-", 1)[0].lower() if "-" in key else ""
    return prefix in CROSSREF_KINDS or ":" in key and key.split(":", 1)[0].lower() in COLON_KINDS \
        and key not in works


def unknown_key(key: str, works, bibliography: bool, bare: bool = False) -> tuple[str, str]:
    """The message and hint for a key no work has, wherever it is cited (the text,
    a front-matter field, nocite), whatever the bibliography's format: with no
    `bibliography` at all, where to name one; else the close key of the `works`, if
    one is. Cited bare (@rian_ru, not [@rian_ru]), it may be no citation at all,
    but a name on a social network, which Pandoc reads as one all the same (QA 23 F22)."""
    if not bibliography:
        message, close = f"the citation @{key} has no bibliography to come from", None
        otherwise = "name the file in the front matter: bibliography: references.bib"
    else:
        message, close = f"no reference has the key '{key}'", closest_key(key, works)
        otherwise = "add it to the bibliography"
    if close:
        return message, f"did you mean '{close}'?"
    if bare:
        return message, (f"{otherwise}; or, if @{key} is no citation (a name on a social network), write \\@{key} "
                         "to print it as it is")
    return message, otherwise


def closest_key(key: str, known) -> str | None:
    """The known key (or label) `key` is a typing mistake of, if one is close: what
    "did you mean" offers for a citation wherever it is written (the text, a
    front-matter field, nocite)."""
    import difflib  # (only when something is mistyped)

    found = difflib.get_close_matches(key, list(known), n=1)
    return found[0] if found else None
