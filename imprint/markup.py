"""Markdown to HTML: one parse, two dialects.

The body is parsed once with markdown-it-py (CommonMark, tables, footnotes,
typographic quotes and dashes; raw HTML is escaped, never passed through),
checked, and rendered twice: for the EPUB, where a footnote is a link to a note
gathered at the end of its chapter, and for print, where the note's text sits at
the call so that WeasyPrint can float it to the foot of the page. Both are
well-formed XHTML.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterator, Sequence
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup
from mdit_py_plugins.footnote import footnote_plugin

from .errors import Problem, SourceError

EPUB, PRINT = "epub", "print"
# Ids the templates use; a heading never takes one of these.
RESERVED_IDS = frozenset({"title", "subtitle", "authors", "abstract", "abstract-heading", "keywords",
                          "for-citation", "front-matter", "article", "body", "notes", "toc"})
GENERATED_ID = re.compile(r"^(fn|fnref)-\d")  # footnote ids
LINK_SCHEMES = ("http", "https", "mailto")


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
    line: int | None  # where its text starts in the source, for messages
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
    heading_offset: int  # added to a heading's relative level (1 = top) to make its tag
    notes: dict[int, Note] = field(default_factory=dict)


@dataclass
class _Source:
    """Where the Markdown came from, for messages."""

    file: str
    first_line: int
    problems: list[Problem] = field(default_factory=list)

    def line(self, token: Token | None) -> int | None:
        return self.first_line + token.map[0] if token is not None and token.map else None

    def problem(self, token: Token | None, message: str, hint: str | None = None) -> None:
        self.problems.append(Problem(self.file, message, line=self.line(token), hint=hint))


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
    return Markup(_parser(quotes).renderInline(text).strip())


def render_block(text: str, quotes: str, file: str, first_line: int | None) -> Markup:
    """A block of front matter (the abstract): paragraphs, lists, headings below
    the front matter's own; no footnotes."""
    md = _parser(quotes)
    source = _Source(file, first_line or 1)
    tokens = md.parse(text, {})
    if any(t.type.startswith("footnote") for t in _walk(tokens)):
        source.problems.append(Problem(file, "the abstract cannot have footnotes", line=first_line,
                                       field="abstract", hint="move the note's text into the abstract or the body"))
    _level_headings(tokens, source)
    if source.problems:
        raise SourceError(source.problems)
    env = {"imprint": _Env(EPUB, 2)}  # under the front matter's h1 title and h2 "Abstract"
    return Markup(md.renderer.render(tokens, md.options, env).strip())


def plain_text(markup: str) -> str:
    """The text of an HTML fragment, for metadata: tags dropped, entities decoded."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", str(markup))).split())


def parse_body(text: str, quotes: str, file: str, first_line: int) -> Body:
    md = _parser(quotes)
    env: dict[str, Any] = {}
    source = _Source(file, first_line)
    tokens = md.parse(text, env)
    main, note_tokens = _split_notes(tokens)
    _check_notes(main, note_tokens, env, text, source)
    headings = _assign_heading_ids(main, source)
    _check_links(main + [t for body in note_tokens.values() for t in body], {h.id for h in headings.values()},
                 source)
    _check_images(main, note_tokens, source)
    if source.problems:
        raise SourceError(source.problems)

    notes = {
        number: Note(
            number=number,
            id=f"fn-{number}",
            ref_id=f"fnref-{number}",
            line=next((source.line(t) for t in body if t.map), None),
            epub=_render(md, body, _Env(EPUB, 0)),
            print=_inline_paragraphs(_render(md, body, _Env(PRINT, 0))),
        )
        for number, body in note_tokens.items()
    }
    chapters = []
    for part in _split_chapters(main):
        first = part[0]
        called = [n for n in _note_numbers(part) if n in notes]
        chapters.append(Chapter(
            index=len(chapters),
            heading=headings.get(id(first)) if first.type == "heading_open" else None,
            headings=tuple(headings[id(t)] for t in part if id(t) in headings),
            epub=_render(md, part, _Env(EPUB, 0, notes)),  # a chapter file starts at h1
            print=_render(md, part, _Env(PRINT, 1, notes)),  # under the article's h1 title
            notes=tuple(notes[n] for n in dict.fromkeys(called) if _first_call_in(n, part)),
        ))
    return Body(chapters=tuple(chapters), notes=tuple(notes[n] for n in sorted(notes)))


def _render(md: MarkdownIt, tokens: Sequence[Token], env: _Env) -> Markup:
    return Markup(md.renderer.render(list(tokens), md.options, {"imprint": env}))


def _walk(tokens: Sequence[Token]) -> Iterator[Token]:
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _blocks_with_inline(tokens: Sequence[Token]) -> Iterator[tuple[Token, Token]]:
    """(block, child) for every inline child, the block carrying the line."""
    for block in tokens:
        for child in _walk(block.children or []):
            yield block, child


# -- footnotes

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


def _check_notes(main: list[Token], notes: dict[int, list[Token]], env: dict, text: str, source: _Source) -> None:
    for body in notes.values():
        for block, child in _blocks_with_inline(body):
            if child.type == "footnote_ref":
                source.problem(block, "a footnote cannot call another footnote",
                               hint="put the second note's text into the first")
    for block, child in _blocks_with_inline(main + [t for body in notes.values() for t in body]):
        if child.type == "text":
            for label in re.findall(r"\[\^([^\]\s]+)\]", child.content):
                source.problem(block, f"the footnote [^{label}] is called but never written",
                               hint=f"add a line '[^{label}]: the note's text' after the paragraph")
    lines = text.splitlines()
    for key, number in env.get("footnotes", {}).get("refs", {}).items():
        if number == -1:  # defined, never called
            label = key[1:]
            line = next((i for i, row in enumerate(lines) if row.lstrip().startswith(f"[^{label}]:")), None)
            source.problems.append(Problem(
                source.file, f"the footnote [^{label}] is written but never called",
                line=None if line is None else source.first_line + line,
                hint=f"call it with [^{label}] in the text, or delete it",
            ))


def _note_numbers(tokens: Sequence[Token]) -> list[int]:
    return [t.meta["id"] + 1 for t in _walk(tokens) if t.type == "footnote_ref"]


def _first_call_in(number: int, tokens: Sequence[Token]) -> bool:
    return any(t.type == "footnote_ref" and t.meta["id"] + 1 == number and t.meta.get("subId", 0) == 0
               for t in _walk(tokens))


def _inline_paragraphs(markup: Markup) -> Markup:
    """Paragraphs as spans: a footnote's text is placed inside the paragraph that calls it."""
    text = re.sub(r"<p>", '<span class="footnote-para">', str(markup))
    return Markup(re.sub(r"</p>\s*", "</span>", text).strip())


# -- headings

def _level_headings(tokens: list[Token], source: _Source) -> list[tuple[Token, str]]:
    """Give each heading its level relative to the top one (1), never more than one
    below the heading before it (a jump from # to #### would break the outline
    readers navigate by), and check it has text. Returns (token, text)."""
    found = []
    top = min((int(t.tag[1]) for t in tokens if t.type == "heading_open" and t.level == 0), default=1)
    previous = 0
    for i, token in enumerate(tokens):
        if token.type != "heading_open":
            continue
        inline = tokens[i + 1]
        level = max(1, int(token.tag[1]) - top + 1)
        level = min(level, previous + 1)
        token.meta["imprint_level"] = previous = level
        explicit = _take_explicit_id(inline)
        if explicit:
            token.meta["imprint_id"] = explicit
        text = " ".join("".join(c.content for c in _walk(inline.children or [])
                                if c.type in ("text", "code_inline")).split())
        token.meta["imprint_text"] = text
        if not text:
            source.problem(token, "this heading has no text", hint="write its title after the #, or delete the line")
        found.append((token, text))
    return found


def _take_explicit_id(inline: Token) -> str | None:
    """`{#id}` at the end of a heading (Pandoc and Quarto syntax), removed from its text."""
    if inline.children and inline.children[-1].type == "text":
        last = inline.children[-1]
        match = re.search(r"\s*\{#([A-Za-z][\w:.-]*)\}\s*$", last.content)
        if match:
            last.content = last.content[: match.start()]
            return match.group(1)
    return None


def _assign_heading_ids(tokens: list[Token], source: _Source) -> dict[int, Heading]:
    """Level every heading and give it an id: `{#id}` after its text, else a slug
    of the text. Keyed by the id() of the heading_open token."""
    used: dict[str, Token] = {}
    result: dict[int, Heading] = {}
    leveled = _level_headings(tokens, source)
    for token, _ in leveled:  # explicit ids first: a generated one never takes them
        explicit = token.meta.get("imprint_id")
        if not explicit:
            continue
        if explicit in RESERVED_IDS or GENERATED_ID.match(explicit):
            source.problem(token, f"the id '{explicit}' is reserved for the front matter or footnotes",
                           hint="choose another id")
        elif explicit in used:
            source.problem(token, f"the id '{explicit}' is also given on line {source.line(used[explicit])}",
                           hint="ids must be unique: choose another")
        used[explicit] = token
    for token, text in leveled:
        heading_id = token.meta.get("imprint_id") or _unique(_slug(text), used)
        used.setdefault(heading_id, token)
        token.attrSet("id", heading_id)
        result[id(token)] = Heading(level=token.meta["imprint_level"], id=heading_id, text=text)
    return result


def _slug(text: str) -> str:
    text = re.sub(r"[^\w\s-]", "", text.lower()).strip()
    text = re.sub(r"[\s_]+", "-", text)
    text = text.lstrip("-0123456789")
    return text or "section"


def _unique(slug: str, used: dict[str, Any]) -> str:
    candidate, n = slug, 1
    while candidate in used or candidate in RESERVED_IDS or GENERATED_ID.match(candidate):
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def _split_chapters(tokens: list[Token]) -> list[list[Token]]:
    parts: list[list[Token]] = [[]]
    for token in tokens:
        if token.type == "heading_open" and token.level == 0 and token.meta["imprint_level"] == 1:
            parts.append([])
        parts[-1].append(token)
    return [part for part in parts if part]


# -- links and images

def _check_links(tokens: list[Token], ids: set[str], source: _Source) -> None:
    for block, child in _blocks_with_inline(tokens):
        if child.type != "link_open":
            continue
        href = child.attrGet("href") or ""
        if href.startswith("#"):
            if href[1:] not in ids:
                source.problem(block, f"the link to '{href}' points to no heading",
                               hint="use the id of a heading: # Title {#my-id}, then [text](#my-id)")
        elif urlsplit(href).scheme.lower() not in LINK_SCHEMES:
            source.problem(block, f"the link to '{href}' is not a web address",
                           hint="link to https://..., mailto:... or a heading (#id); files are not published")


def _check_images(main: list[Token], notes: dict[int, list[Token]], source: _Source) -> None:
    for block, child in _blocks_with_inline(main + [t for body in notes.values() for t in body]):
        if child.type == "image":
            source.problem(block, "images are not supported yet",
                           hint="leave the image out for now; figures arrive with the scholarly apparatus")


# -- render rules (markdown-it calls them with its own signature)

def _render_heading(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    token = tokens[idx]
    opening = tokens[idx - 2] if token.nesting == -1 else token  # open, inline, close
    state: _Env | None = env.get("imprint")
    relative = opening.meta.get("imprint_level", int(token.tag[1]))
    level = max(1, min(6, relative + (state.heading_offset if state else 0)))
    if token.nesting == -1:
        return f"</h{level}>\n"
    attrs = self.renderAttrs(token)
    if state and state.dialect == PRINT and token.meta.get("imprint_text"):
        # The PDF bookmark: the heading's text without its footnote calls.
        attrs += f' data-bookmark="{html.escape(token.meta["imprint_text"])}"'
    return f"<h{level}{attrs}>"


def _render_footnote_ref(self, tokens: list[Token], idx: int, options, env: dict) -> str:
    state: _Env = env["imprint"]
    number = tokens[idx].meta["id"] + 1
    sub = tokens[idx].meta.get("subId", 0)
    note = state.notes[number]
    if state.dialect == PRINT:
        if sub == 0:
            return f'<span class="footnote" id="{note.id}">{note.print}</span>'
        return f'<sup class="footnote-repeat">{number}</sup>'
    ref_id = note.ref_id if sub == 0 else f"{note.ref_id}-{sub + 1}"
    return (f'<sup class="noteref"><a epub:type="noteref" role="doc-noteref" href="#{note.id}" '
            f'id="{ref_id}">{number}</a></sup>')
