"""Pandoc's AST as HTML, in two dialects: XHTML for the e-reader edition, HTML for print.

structure.py has decided what everything is (a heading's level, id and number,
a figure's label, a note's number, where a cross-reference points) and written
it on the nodes; this module only writes it down. Both dialects are well-formed
XHTML; they differ in notes (EPUB: a link to the note, listed at the end of its
chapter; print: the note's text at its call, floated to the foot of the page by
WeasyPrint), image sources, and PDF bookmarks. Every text is escaped: raw HTML
in an article is printed as text, never passed through.
"""

from __future__ import annotations

import html
import re
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import quote, unquote, urlsplit

from markupsafe import Markup

from ..errors import InternalError
from ..theme.typography import nbsp, nowrap, url_html, url_parts
from .addresses import NOTES, is_its_address, printed_address
from .ast import HTML_COMMENT, Node, attr, attr_value, note, stringify, whole_number
from .chapters import EPUB, PRINT, REFERENCES
from ..source.model import doi_url
from .formulas import numbered_lines, tex_box
from .quarto import unmark_cells

# What XML cannot carry (C0 controls but tab and line ends, U+FFFE/FFFF, lone
# surrogates): it can come from a bibliography or an attribute; never written.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
LINK_SCHEMES = ("http", "https", "ftp", "mailto")  # and the article's own #ids: nothing else is a link
_LIST_TYPES = {"LowerAlpha": "a", "UpperAlpha": "A", "LowerRoman": "i", "UpperRoman": "I"}
_LIST_CLASSES = {"a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman", "I": "upper-roman"}
_ALIGN = {"AlignLeft": "left", "AlignRight": "right", "AlignCenter": "center"}
_TEXT = frozenset(("Str", "Space", "SoftBreak"))
# Inlines that print nothing after what they hold: a note's call last in them is last
# after them too (a Link says so itself: an address printed after its text is not)
_THROUGH = frozenset(("Emph", "Strong", "Underline", "Strikeout", "Superscript", "Subscript", "SmallCaps", "Span",
                      "Cite", "Link"))

MANY_COLUMNS = 7  # a table of this many columns or more has the class many-columns


def _marker(number: int, style: str, delimiter: str) -> str:
    """An ordered list's marker as Pandoc's list attributes give it: "5.", "b)", "(ii)"."""
    if style in ("LowerAlpha", "UpperAlpha"):
        shown = ""
        while number > 0:
            number, rest = divmod(number - 1, 26)
            shown = chr(ord("a") + rest) + shown
    elif style in ("LowerRoman", "UpperRoman"):
        shown, left = "", number
        for value, letters in ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"),
                               (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
            count, left = divmod(left, value)
            shown += letters * count
    else:
        shown = str(number)
    if style.startswith("Upper"):
        shown = shown.upper()
    return {"OneParen": f"{shown})", "TwoParens": f"({shown})"}.get(delimiter, f"{shown}.")


def escape(text: str) -> str:
    return html.escape(_NOT_XML.sub("\ufffd", text), quote=False)


def attribute(text: str) -> str:
    return html.escape(_NOT_XML.sub("\ufffd", text), quote=True)


def linkable(href: str) -> bool:
    """Whether a link may be written as one: a web address, mail, or an id of the
    article (links.py refuses others in the body, reader.py in the fields; a
    reference list's URL of another scheme is printed as text)."""
    return href.startswith("#") or urlsplit(href).scheme.lower() in LINK_SCHEMES


# Inlines that are their content in a pair of tags.
_WRAPPED = {"Emph": ("<em>", "</em>"), "Strong": ("<strong>", "</strong>"), "Strikeout": ("<del>", "</del>"),
            "Superscript": ("<sup>", "</sup>"), "Subscript": ("<sub>", "</sub>"),
            "Underline": ('<span class="underline">', "</span>"), "SmallCaps": ('<span class="smallcaps">', "</span>")}


@dataclass
class RenderedNote:
    number: int
    epub: str | None = None
    print: str | None = None


@dataclass
class Renderer:
    """Renders blocks and inlines of one body in one dialect. Notes met on the way
    are kept (`notes`, by number), so that a chapter knows the notes it calls."""

    dialect: str
    lang: str
    quotes: str  # “”‘’ or «»„“: primary open and close, secondary open and close
    heading_offset: int = 0  # added to a heading's relative level (1 = top) to make its tag
    notes: dict[int, RenderedNote] = field(default_factory=dict)
    link_ids: Callable[[str], str] = lambda href: href  # a link's target, renamed where ids were
    quotes_of: Callable[[str], str] | None = None  # another language's quotation marks, for a passage in it
    note_calls: Any = None  # the macros of styles/templates/note-calls.html.j2 (render.Theme.macros)
    _quote_secondary: list[bool] = field(default_factory=list)  # each open quote: in secondary marks?
    _typed_open: int = 0  # primary marks typed as characters («...») and open, in the block being rendered
    _in_link: int = 0  # a link's text may hold no link: a citation's is then its text
    _ended_in_call: bool = False  # what was rendered last ends in a note's call, nothing printed after it
    # Print: how an external link's address is printed (addresses.INLINE, NOTES; None: not at all)
    link_addresses: str | None = None
    _in_note: int = 0  # rendering a note's text (print)
    _in_cite: int = 0  # rendering a citation
    _link_notes: int = 0  # the notes of links' addresses made so far (their ids: fn-link-1, ...)

    # -- blocks

    def blocks(self, blocks: list[Node]) -> str:
        return "".join(self.block(b) for b in blocks)

    def block(self, node: Node) -> str:
        if node["t"] == REFERENCES or self.dialect in note(node).get("hidden_in", ()):
            return ""  # (where the reference list stands: the templates place it; content for other editions)
        method = getattr(self, "_" + node["t"], None)
        if method is None:  # (never silently)
            raise InternalError(f"no rendering for Pandoc's {node['t']}")
        self._ended_in_call = False
        with self._quotes_of_its_own():
            return method(node)

    @contextmanager
    def _quotes_of_its_own(self):
        """Within a block (or a note set in the line), the typed quotation marks
        counted afresh (_text), as the text around it counts its own."""
        typed, self._typed_open = self._typed_open, 0
        try:
            yield
        finally:
            self._typed_open = typed

    def inline_blocks(self, blocks: list[Node]) -> str:
        """Blocks as inline markup (spans that print.css shows as blocks): a note's
        text stands inside the paragraph that calls it, where HTML allows no <p>,
        <ul> or <pre> (its parser would close the paragraph there and leave the
        rest of the note in the text). notes.py refuses tables, figures and
        headings in notes."""
        with self._quotes_of_its_own():
            return self._inline_blocks(blocks)

    def _inline_blocks(self, blocks: list[Node]) -> str:
        out = []
        for node in blocks:
            kind = node["t"]
            if self.dialect in note(node).get("hidden_in", ()):
                continue
            if kind in ("Para", "Plain"):
                out.append(f'<span class="footnote-para">{self.inlines(node["c"])}</span>')
            elif kind == "BulletList":
                inner = "".join(f'<span class="footnote-item">{self.inline_blocks(item)}</span>' for item in node["c"])
                out.append(f'<span class="footnote-list">{inner}</span>')
            elif kind == "OrderedList":  # (its markers written out: "5.", "b)", "(ii)", as the author numbered)
                (start, style, delim), items = node["c"]
                markers = [_marker(start + i, style["t"], delim["t"]) for i in range(len(items))]
                inner = "".join(f'<span class="footnote-item" data-marker="{marker}">{self.inline_blocks(item)}</span>'
                                for marker, item in zip(markers, items))
                out.append(f'<span class="footnote-list ordered">{inner}</span>')
            elif kind == "BlockQuote":
                out.append(f'<span class="footnote-quote">{self.inline_blocks(node["c"])}</span>')
            elif kind == "Div":
                out.append(f'<span class="footnote-div">{self.inline_blocks(node["c"][1])}</span>')
            elif kind == "CodeBlock":
                found = note(node)
                code = found.get("html") or escape(found.get("text", node["c"][1]))
                out.append(f'<code class="footnote-code">{code}</code>')
            elif kind == "LineBlock":
                lines = "<br/>".join(self.inlines(line) for line in node["c"])
                out.append(f'<span class="footnote-para line-block">{lines}</span>')
            elif kind == "RawBlock":
                text = raw_html(node)
                if text:
                    out.append(f'<span class="footnote-para raw-html">{escape(text)}</span>')
            elif kind == "DefinitionList":
                for term, definitions in node["c"]:
                    out.append(f'<span class="footnote-para"><strong>{self.inlines(term)}</strong></span>')
                    out += [f'<span class="footnote-quote">{self.inline_blocks(d)}</span>' for d in definitions]
            elif kind == "HorizontalRule":
                out.append('<span class="footnote-para footnote-rule">* * *</span>')
            else:  # (never silently: notes.py refuses what a note cannot hold)
                raise InternalError(f"a note's {kind} has no printed form")
        return "".join(out)

    def _Plain(self, node: Node) -> str:
        return self.inlines(node["c"])

    def _Para(self, node: Node) -> str:
        if len(node["c"]) == 1 and node["c"][0]["t"] == "Span" and "imprint-pagebreak" in attr(node["c"][0])[1]:
            return '<div class="pagebreak"></div>\n'  # (Quarto's {{< pagebreak >}}: print.css breaks there)
        if self.dialect == PRINT and any(_margin_note(inline) for inline in node["c"]):
            return self._with_margin_notes(node)
        if self.dialect == PRINT and any(_display(inline) for inline in node["c"]):
            return f"<p>{self._after_displays(node['c'])}</p>\n"
        return f"<p>{self.inlines(node['c'])}</p>\n"

    def _with_margin_notes(self, node: Node) -> str:
        """In print, a paragraph's margin notes (Quarto's `[...]{.aside}`) after it,
        each a block of its own: floated beside the text, WeasyPrint cut one that
        reached the foot of a page, and left out the next, in silence (a classics
        translation lost its apparatus)."""
        notes = [inline for inline in node["c"] if _margin_note(inline)]
        text = [inline for inline in node["c"] if not _margin_note(inline)]
        paragraph = self._Para({**node, "c": text}) if _words(text) else ""
        return paragraph + "".join(f'<div{_id(attr(n)[0])}{_classes(attr(n)[1])}>{self.inlines(n["c"][1])}</div>\n'
                                   for n in notes)

    def _after_displays(self, inlines: list[Node]) -> str:
        """A paragraph's text after a display formula continues it ("where x is..."):
        in print it is set apart (span.after-display, print.css), as WeasyPrint
        indented its first line as a new paragraph's."""
        parts: list[list[Node]] = [[]]
        for inline in inlines:
            if _display(inline):
                parts += [[inline], []]
            else:
                parts[-1].append(inline)
        return "".join(self.inlines(part) if index % 2 or index == 0 or not _words(part)
                       else f'<span class="after-display">{self.inlines(part)}</span>'
                       for index, part in enumerate(parts))

    def _LineBlock(self, node: Node) -> str:
        lines = "<br/>\n".join(self.inlines(line) for line in node["c"])
        return f'<div class="line-block">{lines}</div>\n'

    def _CodeBlock(self, node: Node) -> str:
        found = note(node)
        if found.get("omitted"):  # (a Quarto cell of `include: false`)
            return ""
        ident = attr(node)[0]
        if found.get("missing"):  # (a Quarto cell of `echo: false`: its code hidden, its output not made)
            pre = f'<p class="cell-missing"><em>{escape(found["missing"])}</em></p>'
        else:
            pre = self._pre(node)
        filename = found.get("filename") or attr_value(node, "filename")
        if filename:  # (Quarto's: the file's name over its code)
            pre = (f'<div class="code-with-filename"><p class="code-filename"><code>{escape(filename)}</code></p>'
                   f"{pre}</div>")
        label = found.get("label")
        if label is not None:  # a code cell with a caption: numbered as its figure would have been
            caption = (f'<figcaption><span class="figure-label">{escape(label)}</span> '
                       f'{self.inlines(found.get("caption", []))}</figcaption>')
            above = str(found.get("id", "")).startswith("tbl-")  # (a table's caption over it, as a table's is)
            return (f'<figure class="figure {attribute(found.get("figure", "code-cell"))}"{_id(found.get("id"))}>'
                    f'{caption if above else ""}{pre}{"" if above else caption}</figure>\n')
        return f"<div{_id(ident)} class=\"code-block\">{pre}</div>\n" if ident else pre + "\n"

    def _pre(self, node: Node) -> str:
        """A code block's code: highlighted (reader._highlight), its annotations' numbers
        and its lines' numbers added."""
        found = note(node)
        (_, classes, _), text = node["c"]
        code = found.get("html") or escape(found.get("text", text))
        language = found.get("language")
        names = ["sourceCode"] + ([language] if language else []) + [c for c in classes if c != language]
        marks = found.get("annotations")
        if marks:  # (Quarto's code annotations: each line's number, explained in the list after the code)
            code = "\n".join(row + (f' <span class="code-annotation">({marks[i]})</span>' if i in marks else "")
                             for i, row in enumerate(code.split("\n")))
        first = _number_from(node)
        if first is not None:  # (Pandoc's .numberLines, startFrom; Quarto's code-line-numbers)
            code = "\n".join(f'<span class="line-number" aria-hidden="true">{n}</span>{line}'
                              for n, line in enumerate(code.split("\n"), first))
        return f'<pre class="{attribute(" ".join(names))}"><code>{code}</code></pre>'

    def _RawBlock(self, node: Node) -> str:
        text = raw_html(node)
        return f'<p class="raw-html">{escape(text)}</p>\n' if text else ""

    def _BlockQuote(self, node: Node) -> str:
        return f"<blockquote>\n{self.blocks(node['c'])}</blockquote>\n"

    def _OrderedList(self, node: Node) -> str:
        """Numbered 1, a, A, i or I, from any start, with "1." "1)" or "(1)": as
        attributes for e-readers, as classes and a counter for print (WeasyPrint
        reads neither `type` nor `start`; print.css styles the classes)."""
        (start, style, delim), items = node["c"]
        kind = _LIST_TYPES.get(style["t"])
        classes = [_LIST_CLASSES[kind]] if kind else []
        if delim["t"] in ("OneParen", "TwoParens"):
            classes.append("one-paren" if delim["t"] == "OneParen" else "two-parens")
        if note(node).get("code_annotations"):
            classes.append("code-annotations")
        attrs = _classes(classes)
        if self.dialect == EPUB:
            attrs += (f' start="{start}"' if start != 1 else "") + (f' type="{kind}"' if kind else "")
        elif start != 1:
            attrs += f' style="counter-reset: list-item {start - 1}"'
        return f"<ol{attrs}>\n{self._items(items)}</ol>\n"

    def _BulletList(self, node: Node) -> str:
        return f"<ul>\n{self._items(node['c'])}</ul>\n"

    def _items(self, items: list[list[Node]]) -> str:
        return "".join(f"<li>{self.blocks(item)}</li>\n" for item in items)

    def _DefinitionList(self, node: Node) -> str:
        parts = []
        for term, definitions in node["c"]:
            parts.append(f"<dt>{self.inlines(term)}</dt>\n")
            parts.extend(f"<dd>{self.blocks(d)}</dd>\n" for d in definitions)
        return f"<dl>\n{''.join(parts)}</dl>\n"

    def _Header(self, node: Node) -> str:
        found = note(node)
        level = max(1, min(6, found.get("level", node["c"][0]) + self.heading_offset))
        ident, classes, _ = attr(node)
        attrs = _id(found.get("id", ident)) + _classes(classes)
        number = found.get("number")
        if self.dialect == PRINT and found.get("text"):
            # The PDF bookmark: the heading's number and text, without footnote calls.
            label = f"{number} {found['text']}" if number else found["text"]
            attrs += f' data-bookmark="{attribute(label)}"'
        attrs += _data(attr(node)[2])
        numbered = f'<span class="section-number">{escape(number)}</span> ' if number else ""
        return f"<h{level}{attrs}>{numbered}{self.inlines(node['c'][2])}</h{level}>\n"

    def _HorizontalRule(self, node: Node) -> str:
        return "<hr/>\n"

    def _Table(self, node: Node) -> str:
        (ident, classes, _), caption, colspecs, head, bodies, foot = node["c"]
        found = note(node)
        if len(colspecs) >= MANY_COLUMNS:  # (set smaller in print: styles/css/print.css)
            classes = [*classes, "many-columns"]
        # (a table wider than the screen scrolls in its wrap, epub.css: a reader without a pointer reaches
        # it by the keyboard, WCAG 2.1.1, as Ace's scrollable-region-focusable asks; paper does not scroll)
        focus = ' tabindex="0"' if self.dialect == EPUB else ""
        parts = [f'<div class="table-wrap"{focus}><table{_id(found.get("id", ident))}{_classes(classes)}>\n']
        labelled = self._labelled("table", found, caption)
        if labelled and self.dialect == EPUB:  # (epub.css keeps this span in view while a wide table scrolls)
            parts.append(f'<caption><span class="caption-text">{labelled}</span></caption>\n')
        elif labelled:
            parts.append(f"<caption>{labelled}</caption>\n")
        widths = [spec[1].get("c") if spec[1]["t"] == "ColWidth" else None for spec in colspecs]
        aligns = [_ALIGN.get(spec[0]["t"]) for spec in colspecs]
        if any(widths) and self.dialect == PRINT:  # (a reflowable book sizes its columns to the screen)
            cols = "".join(f'<col style="width: {w * 100:.1f}%"/>' if w else "<col/>" for w in widths)
            parts.append(f"<colgroup>{cols}</colgroup>\n")
        continued = self._continued(found.get("continued"), len(colspecs))
        if head[1]:
            parts.append(f"<thead>\n{continued}{self._rows(head[1], aligns, 'th', 0)}</thead>\n")
        for body in bodies:
            _, row_heads, head_rows, rows = body
            parts.append("<tbody>\n" + self._rows(head_rows, aligns, "th", 0)
                         + self._rows(rows, aligns, "td", row_heads) + "</tbody>\n")
        if foot[1]:
            parts.append(f"<tfoot>\n{self._rows(foot[1], aligns, 'td', 0)}</tfoot>\n")
        parts.append("</table></div>\n")
        return "".join(parts)

    def _continued(self, words: str | None, columns: int) -> str:
        """A numbered table's line over its part on a later page ("Продолжение табл. 1"),
        in print: the first row of its header, which WeasyPrint repeats on each
        page, left out of the header over the table's first part
        (imprint/patches/weasyprint_table_continued.py; styled in print.css)."""
        if self.dialect != PRINT or not words:
            return ""
        return f'<tr class="table-continued"><td colspan="{max(columns, 1)}">{escape(words)}</td></tr>\n'

    def _labelled(self, kind: str, found: dict[str, Any], caption: list) -> str:
        """A table's or figure's caption after its label ("Figure 2."); "" where it has neither."""
        text, label = self.run_in(caption[1] or []), found.get("label")
        if not text and not label:
            return ""
        return (f'<span class="{kind}-label">{escape(label)}</span> ' if label else "") + text

    def run_in(self, blocks: list[Node]) -> str:
        """Blocks as one run of text, paragraphs joined by spaces: a caption, a
        reference-list entry."""
        return " ".join(self.inlines(b["c"]) if b["t"] in ("Plain", "Para") else self.block(b)
                        for b in blocks).strip()

    def _rows(self, rows: list, aligns: list, tag: str, row_heads: int) -> str:
        """The rows of a table's head or body: each cell in the column it stands in,
        past the cells of rows above that span down into its row (a list table's
        `[]{rowspan=2}`: the cells after it took its column's alignment and row head, review)."""
        out = []
        below: dict[int, int] = {}  # a column covered by a cell above: how many rows more
        for row in rows:
            cells = []
            column = 0
            spanning: dict[int, int] = {}
            for cell_attr, align, rowspan, colspan, blocks in row[1]:
                while below.get(column):
                    column += 1
                content = self.blocks(blocks)
                # (a header cell with nothing in it, a table's corner, heads nothing: DAISY Ace's
                # empty-table-header)
                name = "th" if (tag == "th" or column < row_heads) and content.strip() else "td"
                where = _ALIGN.get(align["t"]) or (aligns[column] if column < len(aligns) else None)
                attrs = f' class="align-{where}"' if where else ""
                if rowspan != 1:
                    attrs += f' rowspan="{rowspan}"'
                if colspan != 1:
                    attrs += f' colspan="{colspan}"'
                if name == "th" and tag != "th":
                    attrs += ' scope="row"'
                cells.append(f"<{name}{attrs}>{content}</{name}>")
                spanning.update(dict.fromkeys(range(column, column + colspan), rowspan - 1))
                column += colspan
            below = {c: n - 1 for c, n in below.items() if n > 1} | {c: n for c, n in spanning.items() if n > 0}
            out.append(f"<tr>{''.join(cells)}</tr>\n")
        return "".join(out)

    def _Figure(self, node: Node) -> str:
        (ident, classes, pairs), caption, content = node["c"]
        found = note(node)
        names = " ".join(["figure"] + [c for c in classes if c != "figure"] + _layout(pairs, content)
                         + _align(pairs, content))
        body = self.blocks(content)
        labelled = self._labelled("figure", found, caption)
        figcaption = f"<figcaption>{labelled}</figcaption>" if labelled else ""
        return f'<figure class="{attribute(names)}"{_id(found.get("id", ident))}>{body}{figcaption}</figure>\n'

    def _Div(self, node: Node) -> str:
        found = note(node)
        (ident, classes, pairs), content = node["c"]
        if found.get("statement"):
            return self._statement(node)
        callout = found.get("callout")
        if callout is not None:
            title = self.inlines(found.get("title") or [])
            numbered = found.get("number_label")
            if numbered:  # (a callout with an id of its kind, #nte-x: "Note 1: Its title")
                title = escape(numbered) + (f": {title}" if title else "")
            elif not title and found.get("label"):  # (untitled: its kind's word, as Quarto titles it)
                title = escape(found["label"])
            heading = f'<p class="callout-title">{title}</p>\n' if title else ""
            if self.dialect == EPUB:
                role = "doc-tip" if callout == "tip" else "note"
                return (f'<aside{_id(ident)} class="{attribute(" ".join(classes))}" role="{role}">\n'
                        f"{heading}{self.blocks(content)}</aside>\n")
            return f'<div{_id(ident)} class="{attribute(" ".join(classes))}">\n{heading}{self.blocks(content)}</div>\n'
        lang = self._lang(pairs)
        with self._language(lang):
            inner = self.blocks(content)
        return f"<div{_id(ident)}{_classes(classes + _layout(pairs, content))}{lang}{_data(pairs)}>\n{inner}</div>\n"

    def _statement(self, node: Node) -> str:
        """A theorem, lemma, ... or proof: "Theorem 1 (Its name)." leads its first paragraph."""
        found = note(node)
        (ident, classes, pairs), content = node["c"]
        name = self.inlines(found.get("name") or [])
        title = escape(found["label"]) + (f" ({name})" if name else "")
        kind = found["statement"]
        tag = "em" if kind in ("proof", "remark", "solution") else "strong"
        lead = f'<{tag} class="statement-title">{title}.</{tag}>'
        names = " ".join(["statement", kind] + [c for c in classes if c != kind])
        lang = self._lang(pairs)
        with self._language(lang):
            if content and content[0]["t"] in ("Para", "Plain"):
                inner = f"<p>{lead} {self.inlines(content[0]['c'])}</p>\n" + self.blocks(content[1:])
            else:
                inner = f"<p>{lead}</p>\n" + self.blocks(content)
        return f'<div{_id(ident)} class="{attribute(names)}"{lang}>\n{inner}</div>\n'

    # -- inlines

    def inlines(self, inlines: list[Node]) -> str:
        out: list[str] = []
        text: list[str] = []
        for node in inlines:
            kind = node["t"]
            if kind in _TEXT:
                text.append(node["c"] if kind == "Str" else " ")
                continue
            if text:
                out.append(self._text("".join(text)))
                text, self._ended_in_call = [], False
            # (_ended_in_call: a note's call right after another's, however deep in emphasis, a
            # link, a citation; a link's note, links-as-notes, is a call too: "text^a,1", not "text^a1")
            out.append(self.inline(node))
            if kind not in _THROUGH:  # (what it printed comes after any call in it)
                self._ended_in_call = kind == "Note"
        if text:
            out.append(self._text("".join(text)))
            self._ended_in_call = False
        return "".join(out)

    def _text(self, text: str) -> str:
        """Words and spaces; the quotation marks typed in them counted (_Quoted); a
        web address or DOI among them as one (typography.url_html), its breaks marked
        for print only: reading systems break it after a slash themselves, and pandoc
        2.17 reads an EPUB's <wbr> as raw HTML, not as nothing (tests/test_ereaders.py)."""
        if self.quotes[0] != self.quotes[1] and (self.quotes[0] in text or self.quotes[1] in text):
            for mark in re.findall(f"[{re.escape(self.quotes[:2])}]", text):  # (in order: a lone » closes nothing)
                self._typed_open = self._typed_open + 1 if mark == self.quotes[0] else max(0, self._typed_open - 1)
        return "".join(url_html(part, escape, self.dialect == PRINT) if address else nowrap(escape(nbsp(part, self.lang)))
                       for part, address in url_parts(text))

    def inline(self, node: Node) -> str:
        """An inline that is not text (inlines() writes Str, Space and SoftBreak)."""
        if self.dialect in note(node).get("hidden_in", ()):
            return ""  # (Quarto's conditional content, for the other edition)
        if node["t"] in _WRAPPED:
            opening, closing = _WRAPPED[node["t"]]
            return f"{opening}{self.inlines(node['c'])}{closing}"
        method = getattr(self, "_" + node["t"], None)
        if method is None:  # (never silently)
            raise InternalError(f"no rendering for Pandoc's {node['t']}")
        return method(node)

    def _LineBreak(self, node: Node) -> str:
        return "<br/>\n"

    def _Quoted(self, node: Node) -> str:
        kind, content = node["c"]
        # Outermost, a single quote is the secondary marks; inside a quote, the marks
        # the quote around it is not ("«…„…“…»" in Russian, '‘…“…”…’' in English),
        # a quote typed with its marks («бои были "тяжёлыми"») as much as one Pandoc read.
        outer = self._quote_secondary[-1] if self._quote_secondary else False if self._typed_open > 0 else None
        secondary = kind["t"] == "SingleQuote" if outer is None else not outer
        opening, closing = (self.quotes[2], self.quotes[3]) if secondary else (self.quotes[0], self.quotes[1])
        self._quote_secondary.append(secondary)
        try:
            return f"{opening}{self.inlines(content)}{closing}"
        finally:
            self._quote_secondary.pop()

    def _Cite(self, node: Node) -> str:
        self._in_cite += 1  # (its links are the citation style's: it prints the addresses it means to)
        try:
            content = self.inlines(node["c"][1])
        finally:
            self._in_cite -= 1
        return f'<span class="cite">{content}</span>' if content else ""

    def _Code(self, node: Node) -> str:
        (ident, classes, _), text = node["c"]
        return f"<code{_id(ident)}{_classes(classes)}>{escape(note(node).get('text', text))}</code>"

    def _Math(self, node: Node) -> str:
        """A formula as MathML (formulas.py: the print HTML has it drawn), or its TeX
        where it could not be read (or drawn, for print)."""
        kind, tex = node["c"]
        shape = "display" if kind["t"] == "DisplayMath" else "inline"
        found = note(node)
        shown = found.get("mathml")
        if shown is None or self.dialect == PRINT and found.get("undrawable"):
            shown = tex_box(tex)
        number = f' <span class="equation-number">({escape(found["number"])})</span>' if found.get("number") else ""
        if found.get("line_numbers"):  # (an align's lines, numbered: numbering.py)
            lines = found["line_numbers"]
            if self.dialect != PRINT and shown.startswith("<math"):
                return f'<span class="math {shape}">{numbered_lines(shown, lines)}</span>'
            # (print: placed by the lines' baselines once drawn, editions/pdf/formulas.py; until then, evenly)
            number = "".join(f' <span class="equation-number" data-line="{index}" '
                             f'style="top: {100 * (index + 0.5) / len(lines):.1f}%"{_id(line[1])}>'
                             f'({escape(line[0])})</span>' for index, line in enumerate(lines) if line)
        if shape == "inline" and not found.get("id") and not number:
            return shown  # (an element less for each formula of a page: WeasyPrint lays out each)
        return f'<span class="math {shape}"{_id(found.get("id"))}>{shown}{number}</span>'

    def _RawInline(self, node: Node) -> str:
        text = raw_html(node)
        return escape(text) if text else ""

    def _Link(self, node: Node) -> str:
        (ident, classes, pairs), content, (href, title) = node["c"]
        if self._in_link or not linkable(href):
            return self.inlines(content)
        href = self.link_ids(href) if href.startswith("#") else _well_formed(href)
        if note(node).get("crossref"):
            classes = ["crossref", *classes]
        elif href.startswith("#ref-"):
            classes = ["citation", *classes]
        title_attr = f' title="{attribute(title)}"' if title else ""
        self._in_link += 1
        try:
            text = self.inlines(content)
        finally:
            self._in_link -= 1
        opening = f'<a{_id(ident)}{_classes(classes)} href="{attribute(href)}"{title_attr}>'
        if self.dialect != PRINT or self.link_addresses is None or href.startswith("#") or self._in_cite:
            return f"{opening}{text}</a>"
        if is_its_address(stringify(content), href):
            if all(n["t"] == "Str" for n in content):  # (its address as one: no hyphen, breaks where it may)
                text = url_html(stringify(content), escape)
            return f"{opening}{text}</a>"
        return self._with_address(opening, text, href)

    def _with_address(self, opening: str, text: str, href: str) -> str:
        """A link whose text is not its address, in print: the address after the
        text, in the link (print.css puts it in parentheses); or, with
        `links-as-notes`, in a note at the page's foot, a link there too. In a
        note, always after the text (a note has no note of its own)."""
        address = url_html(printed_address(href), escape)
        if self.link_addresses == NOTES and not self._in_note:
            self._link_notes += 1
            follows = " follows-call" if self._ended_in_call else ""  # (its text ends in a note's call)
            self._ended_in_call = True
            return (f'{opening}{text}</a><span class="footnote link-note{follows}" id="fn-link-{self._link_notes}">'
                    f'<a href="{attribute(href)}">{address}</a></span>')
        self._ended_in_call = False
        return f'{opening}{text}<span class="link-address">{address}</span></a>'

    def _Image(self, node: Node) -> str:
        found = note(node)
        src = found.get("src", {}).get(self.dialect, "")
        (ident, classes, _), width = attr(node), found.get("width")
        if width and width.endswith("%"):  # (classes the stylesheets size, in steps of 5: Kobo and Apple
            step = min(100, max(5, 5 * round(float(width[:-1]) / 5)))  # ask for sizes in CSS, not in style)
            classes, width = [*classes, f"width-{step}"], None
        style = "".join(f"{k}: {v}; " for k, v in (("width", width), ("height", found.get("height"))) if v)
        title = found.get("title")
        alt = (" ".join(stringify(found["alt_from"]).split()) if found.get("alt_from") else "") or found.get("alt", "")
        role = ' role="presentation"' if "decorative" in classes else ""  # (read past by a screen reader)
        return (f'<img{_id(ident)} src="{attribute(src)}" alt="{attribute(alt)}"{role}{_classes(classes)}'
                + (f' style="{attribute(style.strip())}"' if style else "")
                + (f' title="{attribute(title)}"' if title else "") + "/>")

    def _Note(self, node: Node) -> str:
        found = note(node)
        if found.get("mark"):  # a footnote on the title, printed under the byline
            return f'<sup class="title-note-ref">{found["mark"]}</sup>'
        if "number" not in found:
            return ""  # (a note where none may be, in a front-matter field: reported, not rendered)
        number, repeat = found["number"], found.get("repeat", 0)
        if self.note_calls is None:
            raise InternalError("a body with notes was rendered without the note-calls template")
        # Calls side by side ("two[^1][^2]") are marked so that the template can
        # separate them ("2,3"); a call after text never is.
        follows = self._ended_in_call  # (read before the note's own text is rendered)
        if repeat:
            if self.dialect == PRINT:
                return _call(self.note_calls.print_repeat, number, follows=follows)
            return _call(self.note_calls.epub_call, number, repeat, follows=follows)
        rendered = self.notes.setdefault(number, RenderedNote(number))
        if self.dialect == PRINT:
            self._in_note += 1
            try:
                text = self.inline_blocks(node["c"])
            finally:
                self._in_note -= 1
            rendered.print = text
            return _call(self.note_calls.print_call, number, Markup(text), follows=follows)
        rendered.epub = self.blocks(node["c"])
        return _call(self.note_calls.epub_call, number, 0, follows=follows)

    def _Span(self, node: Node) -> str:
        (ident, classes, pairs), content = node["c"]
        lang = self._lang(pairs)
        with self._language(lang):
            inner = self.inlines(content)
        if not (ident or pairs) and classes in ([], ["nocase"]):  # (nocase: CSL's mark, a style's business only)
            return inner
        if classes == ["kbd"] and not (ident or pairs):  # (Quarto's {{< kbd >}})
            return f"<kbd>{inner}</kbd>"
        return f"<span{_id(ident)}{_classes(classes)}{lang}{_data(pairs)}>{inner}</span>"

    def _lang(self, pairs: list[list[str]]) -> str:
        """A passage in another language ({lang=ru}): its lang attribute (and xml:lang in XHTML)."""
        value = next((v for k, v in pairs if k == "lang"), None)
        if not value or not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*", value):
            return ""
        return f' lang="{value}"' + (f' xml:lang="{value}"' if self.dialect == EPUB else "")

    @contextmanager
    def _language(self, lang_attr: str):
        """Quotation marks and no-break spaces of the passage's language, within it."""
        if not lang_attr:
            yield
            return
        lang = lang_attr.split('"')[1]
        saved = (self.lang, self.quotes)
        self.lang = lang
        if self.quotes_of is not None:
            self.quotes = self.quotes_of(lang)
        try:
            yield
        finally:
            self.lang, self.quotes = saved


def raw_html(node: Node) -> str | None:
    """Raw HTML as the text it is (never passed through); None for a comment,
    which is not meant to be seen, and for raw content of other formats, which
    the editions leave out (structure.py says so)."""
    fmt, text = node["c"]
    if fmt.lower() != "html" or HTML_COMMENT.fullmatch(text):  # (or nothing: a shortcode
        return None  # that was all of a ```{=html} block, removed with its own warning)
    return unmark_cells(text)


def _call(macro: Any, *args: Any, follows: bool) -> str:
    """A note-call macro of the templates, told whether the call follows another
    (a project's own note-calls.html.j2 written before `follows` existed is
    called without it)."""
    if "follows" in getattr(macro, "arguments", ()):
        return str(macro(*args, follows=follows))
    return str(macro(*args))


def _margin_note(node: Node) -> bool:
    return node["t"] == "Span" and bool({"aside", "column-margin"} & set(attr(node)[1]))


def _display(node: Node) -> bool:
    return node["t"] == "Math" and node["c"][0]["t"] == "DisplayMath"


def _words(inlines: list[Node]) -> bool:
    return any(node["t"] not in ("Space", "SoftBreak", "LineBreak") for node in inlines)


def _id(ident: str | None) -> str:
    return f' id="{attribute(ident)}"' if ident else ""


def _layout(pairs: list[list[str]], content: list[Node]) -> list[str]:
    """Quarto's figure layouts as a class the stylesheets size (layout-ncol-1 ... -6):
    `layout-ncol=2`; `layout-nrow=2` (its columns: the parts shared among the rows);
    `layout="[[1,1],[1]]"` (its longest row's count: the widths are not kept)."""
    values = dict(pairs)
    count = 0
    columns, rows = whole_number(values.get("layout-ncol")), whole_number(values.get("layout-nrow"))
    if columns is not None:
        count = columns
    elif rows:
        parts = [b for b in content if b["t"] in ("Figure", "Para", "Plain", "Div", "Table")]
        count = -(-len(parts) // rows)
    elif values.get("layout"):
        rows = re.findall(r"\[([^\[\]]*)\]", values["layout"])
        count = max((len(re.findall(r"-?\d+(?:\.\d+)?", row)) for row in rows), default=0)
    return [f"layout-ncol-{min(count, 6)}"] if count >= 1 else []


def _align(pairs: list[list[str]], content: list[Node]) -> list[str]:
    """Quarto's `fig-align` (on the figure, or on its one image) as a class the
    stylesheets place: fig-align-left, -right (centre is the figures' default)."""
    images = [n for block in content if block["t"] in ("Plain", "Para") for n in block["c"] if n["t"] == "Image"]
    value = dict(pairs).get("fig-align") or (dict(attr(images[0])[2]).get("fig-align") if len(images) == 1 else None)
    return [f"fig-align-{value}"] if value in ("left", "right") else []


def _number_from(node: Node) -> int | None:
    """The first line's number when a code block's lines are numbered, else None."""
    classes = attr(node)[1]
    if not ({"numberLines", "number-lines"} & set(classes) or note(node).get("number_lines")):
        return None
    start = whole_number(attr_value(node, "startFrom") or attr_value(node, "start-from"))
    return 1 if start is None else start


def _classes(classes: list[str]) -> str:
    return f' class="{attribute(" ".join(classes))}"' if classes else ""


def _data(pairs: list[list[str]]) -> str:
    """key=value attributes, as data-* attributes (HTML has no others to give them)."""
    out: dict[str, str] = {}
    for key, value in pairs:
        name = re.sub(r"[^a-z0-9_.-]", "-", key.lower()).strip("-").removeprefix("data-")
        if name and not name.startswith("imprint") and name != "lang":
            # (two of one name: the first; structure.py warns of the other)
            out.setdefault(name, f' data-{name}="{attribute(value)}"')
    return "".join(out.values())


_DOI = "https://doi.org/"
_NOT_IN_URLS = re.compile(r'[\s<>"{}|\\^`\[\]]')  # (RFC 3986: written percent-encoded)


def _well_formed(href: str) -> str:
    """A link's address as a URL: the characters no URL holds as they are
    percent-encoded, and a DOI's link (Pandoc's citeproc links the DOI of a
    formatted reference as it is written: `<`, `#`, `?` in old DOIs) as its DOI's
    whole (`#` and `?` are the DOI's, not a fragment's or a query's)."""
    if href.startswith(_DOI):
        return doi_url(unquote(href[len(_DOI):])) or href
    return _NOT_IN_URLS.sub(lambda m: quote(m.group()), href)
