"""Markdown to HTML: the parser and its render rules, for two dialects.

markdown-it-py with CommonMark, tables, footnotes, typographic quotes and dashes,
`{...}` attributes, and the Pandoc/Quarto syntax of syntax.py. Raw HTML is escaped,
never passed through. document.py decides what everything is (numbers, notes,
citations) and stores it in the tokens' meta; the rules here only write it, for
the EPUB (notes are links to asides) or for print (a note's text sits at its call
so that WeasyPrint can float it to the foot of the page). Both are well-formed XHTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from types import SimpleNamespace
from typing import Any, Iterator, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.footnote import footnote_plugin

from .errors import InternalError
from .syntax import BRACKET_OR_ESCAPE, QUARTO_DIV, citation_plugin, figures_and_captions_plugin
from .typography import nbsp

EPUB, PRINT = "epub", "print"
DIALECTS = (EPUB, PRINT)


def rendered(html: Markup | None, dialect: str) -> Markup:
    """HTML of one dialect, which must have been rendered: a body is rendered only in
    the dialects of the editions built (manuscript.prepare)."""
    if html is None:
        raise InternalError(f"the text was not rendered for the {dialect} edition: prepare() was not asked for it")
    return html


class InDialects:
    """Text rendered as XHTML for the e-reader edition (`epub`) and as HTML for
    print (`print`); a dataclass that has it gives the epub_html and print_html
    fields (None: not rendered)."""

    epub_html: Markup | None
    print_html: Markup | None

    @property
    def epub(self) -> Markup:
        return rendered(self.epub_html, EPUB)

    @property
    def print(self) -> Markup:
        return rendered(self.print_html, PRINT)


@dataclass(frozen=True)
class Note(InDialects):
    number: int
    id: str  # "fn-3"
    ref_id: str  # id of the first call: "fnref-3"
    line: int | None  # where it is written (or cited) in the source, for messages
    epub_html: Markup | None  # block HTML (None: not rendered, no e-reader edition)
    print_html: Markup | None  # the same, as inline HTML that can sit inside a paragraph


@dataclass
class Env:
    """What the render rules need to know, passed through markdown-it's env."""

    dialect: str
    heading_offset: int  # added to a heading's relative level (1 = top) to make its tag
    notes: dict[int, Note] = field(default_factory=dict)  # by the footnote plugin's id
    lang: str = "en"  # for non-breaking spaces (typography.py)


@lru_cache(maxsize=16)
def parser(quotes: str) -> MarkdownIt:
    return _make_parser(quotes)


@lru_cache(maxsize=16)
def title_parser(quotes: str) -> MarkdownIt:
    """For titles: no notes (`^[...]` and `[^1]` stay as written)."""
    md = _make_parser(quotes)
    md.disable(["footnote_inline", "footnote_ref", "footnote_tail"])
    return md


def _make_parser(quotes: str) -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        {"typographer": True, "quotes": quotes, "xhtmlOut": True, "html": False},
    )
    md.enable(["table", "replacements", "smartquotes", "strikethrough"])
    # markdown-it leaves a javascript:, file: or data: link as plain text; here it
    # is parsed as a link, so that document.py refuses it with a reason and a line.
    md.validateLink = lambda url: True
    md.helpers = SimpleNamespace(**{**vars(md.helpers), "parseLinkLabel": _link_label_end})
    md.core.ruler.before("inline", "bracket_depth", _check_bracket_depth)
    md.use(footnote_plugin)
    md.use(attrs_plugin)
    md.use(container_plugin, name="refs", validate=lambda params, *_: params.strip() == "{#refs}")
    md.use(container_plugin, name="quarto", validate=lambda params, *_: bool(QUARTO_DIV.match(params)))
    md.use(citation_plugin)
    md.use(figures_and_captions_plugin)
    for name, rule in RULES.items():
        md.add_render_rule(name, rule)
    return md


# -- bounded parse time
#
# markdown-it's link and image rules scan from each '[' to its ']': over runs of
# unclosed brackets ("[a[a[a...") or brackets nested deep ("[[[[a]]]]"), that is
# quadratic. A '[' with no ']' after it anywhere is known to fail at once, and
# brackets nested deeper than any text needs are refused before the inline parse.

MAX_BRACKET_DEPTH = 32


class TooDeep(ValueError):
    """Brackets nested too deep in a paragraph, at `line` (0-based, in the body)."""

    def __init__(self, line: int | None, depth: int):
        super().__init__(f"brackets nested {depth} deep")
        self.line, self.depth = line, depth


def _check_bracket_depth(state) -> None:
    for token in state.tokens:
        # (no deeper than it has brackets: most text is not looked at further)
        if token.type == "inline" and token.content.count("[") > MAX_BRACKET_DEPTH:
            depth = bracket_depth(token.content)
            if depth > MAX_BRACKET_DEPTH:
                raise TooDeep(token.map[0] if token.map else None, depth)


def bracket_depth(text: str) -> int:
    """How deep '[' nest in `text`, a '[' counting while a ']' is still to come."""
    last = text.rfind("]")
    depth = deepest = 0
    for match in BRACKET_OR_ESCAPE.finditer(text, 0, last + 1):
        if match.group() == "[":
            depth += 1
            deepest = max(deepest, depth)
        elif match.group() == "]" and depth:
            depth -= 1
    return deepest


def _link_label_end(state, start: int, disableNested: bool = False) -> int:
    from markdown_it.helpers import parseLinkLabel

    lasts = state.env.setdefault("imprint-last-bracket", {})
    last = lasts.get(state.src)
    if last is None:
        last = lasts[state.src] = state.src.rfind("]")
    if last <= start:
        return -1  # no ']' after this '[': no label ends
    return parseLinkLabel(state, start, disableNested)


def render(md: MarkdownIt, tokens: Sequence[Token], env: Env) -> Markup:
    return Markup(md.renderer.render(list(tokens), md.options, {"imprint": env}))


def render_inline(text: str, quotes: str, lang: str = "en") -> Markup:
    """A title or subtitle: inline Markdown, no paragraph around it."""
    md = title_parser(quotes)
    try:
        tokens = md.parseInline(text, {})
    except TooDeep:  # a title of brackets within brackets: shown as written
        return Markup.escape(text)
    for token in walk(tokens):
        if token.type in ("citation", "footnote_ref", "image"):  # not in a title: keep the source text
            token.type, token.content, token.children = "text", token.content or "", None
    return Markup(md.renderer.render(tokens, md.options, {"imprint": Env(EPUB, 0, lang=lang)}).strip())


def plain_text(markup: str) -> str:
    """The text of an HTML fragment, for metadata: tags dropped, entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", str(markup))).split())


def walk(tokens: Sequence[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def inline_paragraphs(markup: Markup) -> Markup:
    """Paragraphs as spans: a footnote's text is placed inside the paragraph that calls it."""
    text = re.sub(r"<p>", '<span class="footnote-para">', str(markup))
    return Markup(re.sub(r"</p>\s*", "</span>", text).strip())


def note_call(note: Note, dialect: str, repeat: int = 0) -> str:
    """A footnote's call: a link to the note (EPUB), or the note itself at the call (print)."""
    if dialect == PRINT:
        if repeat == 0:
            return f'<span class="footnote" id="{note.id}">{note.print}</span>'
        return f'<sup class="footnote-repeat">{note.number}</sup>'
    ref_id = note.ref_id if repeat == 0 else f"{note.ref_id}-{repeat + 1}"
    return (f'<sup class="noteref"><a epub:type="noteref" role="doc-noteref" href="#{note.id}" '
            f'id="{ref_id}">{note.number}</a></sup>')


# -- render rules (markdown-it calls them with its own signature)

def _state(env: dict) -> Env:
    return env.get("imprint") or Env(EPUB, 0)


def _heading(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    token = tokens[idx]
    opening = tokens[idx - 2] if token.nesting == -1 else token  # open, inline, close
    state = _state(env)
    relative = opening.meta.get("imprint_level", int(token.tag[1]))
    level = max(1, min(6, relative + state.heading_offset))
    if token.nesting == -1:
        return f"</h{level}>\n"
    attrs = self.renderAttrs(token)
    text = token.meta.get("imprint_text")
    number = token.meta.get("display_number")
    if state.dialect == PRINT and text:
        # The PDF bookmark: the heading's number and text, without footnote calls.
        label = f"{number} {text}" if number else text
        attrs += f' data-bookmark="{html.escape(label)}"'
    numbered = f'<span class="section-number">{html.escape(number)}</span> ' if number else ""
    return f"<h{level}{attrs}>{numbered}"


def _footnote_ref(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    state = _state(env)
    note = state.notes[tokens[idx].meta["id"]]
    return note_call(note, state.dialect, tokens[idx].meta.get("subId", 0))


def _citation(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    """A citation or cross-reference, as document.py resolved it."""
    state = _state(env)
    meta = tokens[idx].meta
    text = str(meta.get("html", ""))
    if text and meta.get("kind") == "citation":
        text = f'<span class="cite">{text}</span>'
    note: Note | None = meta.get("note")
    return text + (note_call(note, state.dialect) if note is not None else "")


def _figure(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    state = _state(env)
    token = tokens[idx]
    image: Token = token.meta["image"]
    attrs = f' id="{html.escape(token.meta["id"])}"' if token.meta.get("id") else ""
    img = _img(image, state.dialect)
    caption = self.renderInline(image.children or [], options, env).strip()
    figcaption = ""
    if caption:
        label = token.meta.get("label")
        label_html = f'<span class="figure-label">{html.escape(label)}</span> ' if label else ""
        figcaption = f"<figcaption>{label_html}{caption}</figcaption>"
    return f'<figure class="figure"{attrs}>{img}{figcaption}</figure>\n'


def _image(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    return _img(tokens[idx], _state(env).dialect)


def _img(image: Token, dialect: str) -> str:
    src = image.meta["src"][dialect]
    return f'<img src="{html.escape(src)}" alt="{html.escape(image.meta["alt"])}"{_width(image.meta.get("width"))}/>'


def _width(width: str | None) -> str:
    """A width in percent becomes a class the stylesheets size (width-5 ... width-100,
    in steps of 5): Kobo and Apple ask for sizes in the CSS, not in style
    attributes. Other units, rare in a reflowable book, stay inline."""
    if not width:
        return ""
    if width.endswith("%"):
        step = min(100, max(5, 5 * round(float(width[:-1]) / 5)))
        return f' class="width-{step}"'
    return f' style="width: {width}"'


def _cell(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    """A table cell: markdown-it aligns a column with a style attribute; a class
    (align-left, align-center, align-right) leaves the look to the stylesheets."""
    token = tokens[idx]
    style = token.attrGet("style") or ""
    align = re.match(r"text-align:\s*(left|center|right)", style)
    if align:
        token = Token(token.type, token.tag, token.nesting, attrs={"class": f"align-{align.group(1)}"})
    return self.renderToken([token], 0, options, env)


def _table_open(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    token = tokens[idx]
    caption = ""
    if token.meta.get("caption"):
        label = token.meta.get("label")
        label_html = f'<span class="table-label">{html.escape(label)}</span> ' if label else ""
        caption = f"<caption>{label_html}{self.renderInline(token.children or [], options, env).strip()}</caption>"
    return f'<div class="table-wrap"><table{self.renderAttrs(token)}>\n{caption}'


def _table_close(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    return "</table></div>\n"


def _nothing(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    return ""


def _text(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    return html.escape(nbsp(tokens[idx].content, _state(env).lang), quote=False)


RULES = {
    "heading_open": _heading,
    "heading_close": _heading,
    "footnote_ref": _footnote_ref,
    "citation": _citation,
    "figure": _figure,
    "image": _image,
    "table_open": _table_open,
    "table_close": _table_close,
    "th_open": _cell,
    "td_open": _cell,
    "container_refs_open": _nothing,  # the reference list is placed by the templates
    "container_refs_close": _nothing,
    "container_quarto_open": _nothing,  # document.py reports a div it could not read
    "container_quarto_close": _nothing,
    "text": _text,
}
