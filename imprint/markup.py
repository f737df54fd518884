"""Markdown to HTML: one parse, two dialects.

The body is parsed once with markdown-it-py (CommonMark, tables, footnotes,
typographic quotes and dashes; raw HTML is escaped, never passed through) and
rendered twice: for the EPUB, where a footnote is a link to a note gathered at
the end of its chapter, and for print, where the note's text sits at the call so
that WeasyPrint can float it to the foot of the page. Both are well-formed XHTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

from .errors import Problem, SourceError

EPUB, PRINT = "epub", "print"
# Ids the templates use; a heading never takes one of these.
RESERVED_IDS = frozenset({"title", "subtitle", "authors", "abstract", "keywords", "for-citation", "front-matter",
                          "article", "body", "notes", "toc"})


@dataclass(frozen=True)
class Heading:
    level: int  # 1 for the body's top level, whatever '#' count the author used
    id: str
    text: str


@dataclass(frozen=True)
class Note:
    number: int
    id: str  # "fn-3"
    ref_id: str  # id of the first call: "fnref-3"
    epub: Markup  # block HTML
    print: Markup  # the same, as inline HTML that can sit inside a paragraph


@dataclass(frozen=True)
class Chapter:
    """A part of the body that starts at a top-level heading (or the text before the first)."""

    index: int
    heading: Heading | None
    headings: tuple[Heading, ...]  # every heading in it, the first one included
    epub: Markup
    print: Markup
    notes: tuple[Note, ...]  # the notes first called in this chapter


@dataclass(frozen=True)
class Body:
    chapters: tuple[Chapter, ...]
    notes: tuple[Note, ...]

    @property
    def print(self) -> Markup:
        return Markup("").join(c.print for c in self.chapters)


@dataclass
class _Env:
    """What the render rules need to know, passed through markdown-it's env."""

    dialect: str
    heading_shift: int
    notes: dict[int, Note] = field(default_factory=dict)


@lru_cache(maxsize=16)
def _parser(quotes: str) -> MarkdownIt:
    md = MarkdownIt(
        "commonmark",
        {"typographer": True, "quotes": quotes, "xhtmlOut": True, "html": False},
    )
    md.enable(["table", "replacements", "smartquotes", "strikethrough"])
    md.use(footnote_plugin)
    md.add_render_rule("heading_open", _render_heading)
    md.add_render_rule("heading_close", _render_heading)
    md.add_render_rule("footnote_ref", _render_footnote_ref)
    return md


def render_inline(text: str, quotes: str) -> Markup:
    """A title or subtitle: inline Markdown, no paragraph around it."""
    md = _parser(quotes)
    return Markup(md.renderInline(text).strip())


def render_block(text: str, quotes: str) -> Markup:
    """An abstract: paragraphs, lists; footnotes are not expected here."""
    md = _parser(quotes)
    env: dict[str, Any] = {"imprint": _Env(EPUB, 0)}
    tokens = [t for t in md.parse(text, env) if not t.type.startswith("footnote")]
    return Markup(md.renderer.render(tokens, md.options, env).strip())


def plain_text(markup: str) -> str:
    """The text of an HTML fragment, for metadata: tags dropped, entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", str(markup))).split())


def parse_body(text: str, quotes: str, file: str, first_line: int) -> Body:
    md = _parser(quotes)
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    main, note_tokens = _split_notes(tokens)
    _check_supported(main, note_tokens, file, first_line)
    headings = _assign_heading_ids(main)
    top = min((h.level for h in headings.values()), default=1)

    notes = {
        number: Note(
            number=number,
            id=f"fn-{number}",
            ref_id=f"fnref-{number}",
            epub=_render(md, body, _Env(EPUB, 0)),
            print=_inline_paragraphs(_render(md, body, _Env(PRINT, 0))),
        )
        for number, body in note_tokens.items()
    }
    chapters = []
    for part in _split_chapters(main, top):
        if not part:
            continue
        first = part[0]
        heading = headings.get(id(first)) if first.type == "heading_open" else None
        inside = [_relevel(headings[id(t)], top) for t in part if id(t) in headings]
        called = [n for n in _note_numbers(part) if n in notes]
        epub_env = _Env(EPUB, 1 - top, notes)
        print_env = _Env(PRINT, 2 - top, notes)
        chapters.append(Chapter(
            index=len(chapters),
            heading=_relevel(heading, top) if heading else None,
            headings=tuple(inside),
            epub=_render(md, part, epub_env),
            print=_render(md, part, print_env),
            notes=tuple(notes[n] for n in dict.fromkeys(called) if _first_call_in(n, part)),
        ))
    ordered_notes = tuple(notes[n] for n in sorted(notes))
    return Body(chapters=tuple(chapters), notes=ordered_notes)


def _render(md: MarkdownIt, tokens: Sequence[Token], env: _Env) -> Markup:
    return Markup(md.renderer.render(list(tokens), md.options, {"imprint": env}))


def _split_notes(tokens: list[Token]) -> tuple[list[Token], dict[int, list[Token]]]:
    """Take the footnote definitions out of the token stream, by note number."""
    main: list[Token] = []
    notes: dict[int, list[Token]] = {}
    current: list[Token] | None = None
    for token in tokens:
        if token.type == "footnote_open":
            current = notes.setdefault(token.meta["id"] + 1, [])
        elif token.type == "footnote_close":
            current = None
        elif token.type in ("footnote_block_open", "footnote_block_close", "footnote_anchor"):
            continue
        elif current is not None:
            current.append(token)
        else:
            main.append(token)
    # The plugin renders a paragraph's footnote anchor inside it; drop those anchors.
    for body in notes.values():
        for token in body:
            if token.children:
                token.children = [c for c in token.children if c.type != "footnote_anchor"]
    return main, notes


def _check_supported(main: list[Token], notes: dict[int, list[Token]], file: str, first_line: int) -> None:
    problems = []
    for block in main + [t for body in notes.values() for t in body]:
        images = [t for t in _walk(block.children or []) if t.type == "image"]
        for image in images:
            problems.append(Problem(
                file, "images are not supported yet", line=first_line + block.map[0] if block.map else None,
                hint="leave the image out for now; figures arrive with the scholarly apparatus",
            ))
    if problems:
        raise SourceError(problems)


def _walk(tokens: Sequence[Token]):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _assign_heading_ids(tokens: list[Token]) -> dict[int, Heading]:
    """Give every heading an id: `{#id}` after its text, else a slug of the text.

    Keyed by the id() of the heading_open token.
    """
    used: set[str] = set(RESERVED_IDS)
    result: dict[int, Heading] = {}
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[i + 1]
        explicit = None
        if inline.children and inline.children[-1].type == "text":
            last = inline.children[-1]
            match = re.search(r"\s*\{#([A-Za-z][\w:.-]*)\}\s*$", last.content)
            if match:
                explicit = match.group(1)
                last.content = last.content[: match.start()]
        md_text = "".join(c.content for c in _walk(inline.children or []) if c.type in ("text", "code_inline"))
        heading_id = explicit or _unique(_slug(md_text), used)
        used.add(heading_id)
        token.attrSet("id", heading_id)
        level = int(token.tag[1])
        result[id(token)] = Heading(level=level, id=heading_id, text=md_text.strip())
    return result


def _relevel(heading: Heading, top: int) -> Heading:
    return Heading(level=heading.level - top + 1, id=heading.id, text=heading.text)


def _slug(text: str) -> str:
    text = re.sub(r"[^\w\s-]", "", text.lower()).strip()
    text = re.sub(r"[\s_]+", "-", text)
    text = text.lstrip("-0123456789")
    return text or "section"


def _unique(slug: str, used: set[str]) -> str:
    candidate, n = slug, 1
    while candidate in used:
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def _split_chapters(tokens: list[Token], top: int) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    for token in tokens:
        if token.type == "heading_open" and token.level == 0 and int(token.tag[1]) == top:
            parts.append([])
        parts[-1].append(token)
    return parts


def _note_numbers(tokens: Sequence[Token]) -> list[int]:
    return [t.meta["id"] + 1 for t in _walk(tokens) if t.type == "footnote_ref"]


def _first_call_in(number: int, tokens: Sequence[Token]) -> bool:
    return any(t.type == "footnote_ref" and t.meta["id"] + 1 == number and t.meta.get("subId", 0) == 0
               for t in _walk(tokens))


def _inline_paragraphs(markup: Markup) -> Markup:
    """Paragraphs as spans: a footnote's text is placed inside the paragraph that calls it."""
    text = re.sub(r"<p>", '<span class="footnote-para">', str(markup))
    return Markup(re.sub(r"</p>\s*", "</span>", text).strip())


# -- render rules (markdown-it calls them with its own signature)

def _render_heading(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    token = tokens[idx]
    shift = env["imprint"].heading_shift if "imprint" in env else 0
    level = max(1, min(6, int(token.tag[1]) + shift))
    if token.nesting == -1:
        return f"</h{level}>\n"
    return f"<h{level}{self.renderAttrs(token)}>"


def _render_footnote_ref(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    state: _Env = env["imprint"]
    number = tokens[idx].meta["id"] + 1
    sub = tokens[idx].meta.get("subId", 0)
    note = state.notes.get(number)
    if note is None:  # a call inside a note: notes are not nested
        return f'<sup class="footnote-repeat">{number}</sup>'
    if state.dialect == PRINT:
        if sub == 0:
            return f'<span class="footnote" id="{note.id}">{note.print}</span>'
        return f'<sup class="footnote-repeat">{number}</sup>'
    ref_id = note.ref_id if sub == 0 else f"{note.ref_id}-{sub + 1}"
    return (f'<sup class="noteref"><a epub:type="noteref" role="doc-noteref" href="#{note.id}" '
            f'id="{ref_id}">{number}</a></sup>')
