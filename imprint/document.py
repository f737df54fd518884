"""The body of an article, assembled: checked, numbered, cited, split into chapters.

parse_body parses the Markdown once and settles everything the render rules of
markup.py write: heading levels, ids and numbers; figures and tables with their
numbers; cross-references; citations (through references.Citer) and the notes a
note style makes of them; footnote numbers in reading order. Every problem is
collected, with its line, before anything is rendered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from markdown_it.token import Token
from markupsafe import Markup

from .errors import Problem, SourceError
from .images import Image, epub_name, load_image
from .markup import (DIALECTS, EPUB, MAX_BRACKET_DEPTH, PRINT, Env, InDialects, Note, TooDeep, inline_paragraphs,
                     parser, plain_text, render, render_inline, walk)
from .references import Citer, CiteGroup, CiteItem, Entry, split_locator

# Ids the templates use; nothing in the body may take one of these.
RESERVED_IDS = frozenset({"title", "subtitle", "authors", "abstract", "abstract-heading", "keywords",
                          "for-citation", "front-matter", "article", "body", "notes", "toc", "references",
                          "back-matter", "about-the-authors", "translation"})
GENERATED_ID = re.compile(r"^(fn|fnref|ref)-")  # notes and reference entries
CROSSREF = re.compile(r"^(fig|tbl|sec|eq)-")
LINK_SCHEMES = ("http", "https", "mailto")
MAX_DEPTH = 64  # lists in quotes in lists..., emphasis in links in emphasis...: levels of one passage
WIDTH = re.compile(r"^\d+(\.\d+)?(%|px|mm|cm|in|em)$")


@dataclass(frozen=True)
class Heading:
    level: int  # 1 for the body's top level, whatever '#' count the author used
    id: str
    text: str
    number: str  # hierarchical: "2.1"


@dataclass(frozen=True)
class Chapter(InDialects):
    """A part of the body that starts at a top-level heading (or the text before the first)."""

    index: int
    heading: Heading | None
    headings: tuple[Heading, ...]  # every heading in it, the first one included
    epub_html: Markup | None  # None: not rendered (no edition in that dialect is built)
    print_html: Markup | None
    notes: tuple[Note, ...]  # the notes first called in this chapter


@dataclass(frozen=True)
class Asset:
    image: Image
    name: str  # path inside the EPUB: images/map.png


@dataclass(frozen=True)
class Body:
    chapters: tuple[Chapter, ...]
    notes: tuple[Note, ...]
    assets: tuple[Asset, ...] = ()
    references: tuple[Entry, ...] = ()
    references_position: int = 0  # how many chapters come before the reference list
    references_heading: Heading | None = None  # the author's own heading over `::: {#refs}`
    hanging_indent: bool = False

    @property
    def print(self) -> Markup:
        return Markup("").join(c.print for c in self.chapters)


@dataclass(frozen=True)
class Context:
    """What parsing a body needs to know about its article."""

    file: str
    first_line: int
    quotes: str
    words: Mapping[str, Any]  # the language strings: figure, table, section
    root: Path
    folder: Path  # the article's folder: image paths are relative to it
    lang: str = "en"
    number_sections: bool = False
    references: Mapping[str, Any] = field(default_factory=dict)  # key -> bibliography.Reference
    citer: Citer | None = None
    nocite: tuple[str, ...] = ()
    suppress_bibliography: bool = False
    dialects: tuple[str, ...] = DIALECTS  # what the body is rendered as: EPUB (XHTML) and PRINT (HTML)


@dataclass
class _Problems:
    file: str
    first_line: int
    found: list[Problem] = field(default_factory=list)

    def line(self, token: Token | None) -> int | None:
        return self.first_line + token.map[0] if token is not None and token.map else None

    def add(self, token: Token | None, message: str, hint: str | None = None) -> None:
        self.found.append(Problem(self.file, message, line=self.line(token), hint=hint))


def parse_body(text: str, context: Context) -> Body:
    md = parser(context.quotes)
    env: dict[str, Any] = {}
    problems = _Problems(context.file, context.first_line)
    try:
        tokens = md.parse(text, env)
    except TooDeep as error:
        tokens = []
        problems.found.append(Problem(context.file, f"the text here nests brackets {error.depth} levels deep; "
                                      f"the limit is {MAX_BRACKET_DEPTH}", line=_body_line(context, error.line),
                                      hint="simplify the passage, or escape the brackets: \\["))
    _check_depth(tokens, problems)
    if problems.found:
        raise SourceError(problems.found)  # too deep for what comes next: stop here
    main, note_tokens = _split_notes(tokens)
    everything = main + [t for body in note_tokens.values() for t in body]
    _check_notes(main, note_tokens, env, text, problems)
    for token in everything:
        if token.type == "container_quarto_open" and token.meta.get("unreadable"):
            problems.add(token, f"the Quarto div '{token.info.strip()}' must hold one image (or one table) "
                                "and then its caption as a paragraph",
                         hint="or write the figure as ![Caption](file){#fig-...}")
    used = _claim_explicit_ids(everything, problems)  # one registry: headings, figures, tables
    headings = _assign_heading_ids(main, problems, context.number_sections, used)
    labels: dict[str, tuple[str, str]] = {}  # id -> (kind, what a cross-reference prints)
    for heading in headings.values():
        word = context.words["section"]
        labels[heading.id] = ("sec", f"{word} {heading.number}" if context.number_sections
                              else f"{word} {context.quotes[0]}{heading.text}{context.quotes[1]}")
    assets = _figures_and_images(everything, context, labels, problems)
    _tables(main, context, labels)
    _check_links(everything, set(labels) | {h.id for h in headings.values()}, problems)
    cited = _citations(main, note_tokens, labels, context, problems)
    if problems.found:
        raise SourceError(problems.found)

    entries: list[Entry] = []
    if (cited or context.nocite) and context.citer is not None:
        rendered, entries = context.citer.cite([group for _, group, _ in cited], context.nocite)
        _place_citations(cited, rendered, everything, problems)
        if problems.found:
            raise SourceError(problems.found)

    notes = _number_notes(md, main, note_tokens, problems, context.lang, context.dialects)
    parts = _split_chapters(main)
    position, heading_over_refs = _references_place(parts, headings, bool(entries))
    chapters = []
    for part in parts:
        first = part[0]
        chapters.append(Chapter(
            index=len(chapters),
            heading=headings.get(id(first)) if first.type == "heading_open" else None,
            headings=tuple(headings[id(t)] for t in part if id(t) in headings),
            epub_html=render(md, part, Env(EPUB, 0, notes, context.lang))  # a chapter file starts at h1
            if EPUB in context.dialects else None,
            print_html=render(md, part, Env(PRINT, 1, notes, context.lang))  # under the article's h1 title
            if PRINT in context.dialects else None,
            notes=_notes_called(part, notes),
        ))
    all_notes = sorted({n.number: n for c in chapters for n in c.notes}.values(), key=lambda n: n.number)
    return Body(
        chapters=tuple(chapters), notes=tuple(all_notes), assets=tuple(assets),
        references=() if context.suppress_bibliography else tuple(entries),
        references_position=position, references_heading=heading_over_refs,
        hanging_indent=bool(context.citer and context.citer.hanging_indent),
    )


def _references_place(parts: list[list[Token]], headings: dict, any_references: bool):
    """Where the reference list goes: after the chapter holding `::: {#refs}`, or at
    the end. A chapter that is only a heading (over the marker, or the last one, as
    Pandoc articles end with "# References") becomes the list's own heading."""
    def heading_only(part: list[Token]) -> bool:
        rest = [t for t in part if t.type not in ("container_refs_open", "container_refs_close")]
        return len(rest) == 3 and rest[0].type == "heading_open"

    for index, part in enumerate(parts):
        if any(t.type == "container_refs_open" for t in part):
            if heading_only(part):
                return index, headings[id(parts.pop(index)[0])]
            return index + 1, None
    if any_references and parts and heading_only(parts[-1]):
        return len(parts) - 1, headings[id(parts.pop()[0])]
    return len(parts), None


def _place_citations(cited, rendered, tokens: list[Token], problems: _Problems) -> None:
    """Put each rendered citation on its token; a note style's become notes, their
    calls after the sentence's punctuation ("text [@key]." -> "text.¹")."""
    siblings = _siblings(tokens)
    in_links = _inside_links(tokens)
    for (token, _, in_note), result in zip(cited, rendered):
        before, after = siblings.get(id(token), (None, None))
        in_link = id(token) in in_links
        if result.note is not None and not in_note:
            if in_link:
                problems.found.append(Problem(problems.file, "a citation in a link's text cannot become a footnote",
                                              line=token.meta.get("line"),
                                              hint="move the citation out of the [link text](...)"))
                continue
            token.meta["html"], token.meta["pending_note"] = result.text, result.note
            if not str(result.text) and before is not None:
                if before.type == "softbreak":
                    before.type = "text"
                before.content = before.content.rstrip()
            if after is not None and after.content[:1] in ".,;:!?":
                token.meta["html"] = Markup(result.text) + after.content[0]
                after.content = after.content[1:]
        else:  # an in-text style, or a note style inside a note: written in place
            text = result.note if result.note is not None else result.text
            if after is not None and after.content[:1] in ".,;:!?" and str(text).endswith("."):
                text = Markup(str(text)[:-1])  # the sentence's own stop, not the style's
            if in_link:  # a link may not hold links
                text = Markup(re.sub(r"</?a\b[^>]*>", "", str(text)))
            token.meta["html"] = text


def _inside_links(tokens: list[Token]) -> set[int]:
    found = set()
    for block in tokens:
        depth = 0
        for child in walk(block.children or []):
            depth += {"link_open": 1, "link_close": -1}.get(child.type, 0)
            if depth and child.type == "citation":
                found.add(id(child))
    return found


def parse_block(text: str, context: Context, field_name: str) -> Markup:
    """A Markdown field of the front or back matter (abstract, funding, ...):
    paragraphs, lists and headings below the front matter's own; no notes,
    citations or images, which belong to the body."""
    md = parser(context.quotes)
    problems = _Problems(context.file, context.first_line)
    try:
        tokens = md.parse(text, {})
    except TooDeep as error:
        raise SourceError.single(context.file, f"the {field_name} nests brackets {error.depth} levels deep; "
                                 f"the limit is {MAX_BRACKET_DEPTH}", line=context.first_line,
                                 field=field_name) from None
    _check_depth(tokens, problems)
    kinds = {t.type for t in walk(tokens)}
    for kind, what in (("footnote_ref", "footnotes"), ("citation", "citations or cross-references"),
                       ("image", "images"), ("figure", "images")):
        if kind in kinds:
            problems.found.append(Problem(context.file, f"the {field_name} cannot have {what}",
                                          line=context.first_line, field=field_name,
                                          hint="they belong in the body of the article"))
    _level_headings(tokens, problems)
    if problems.found:
        raise SourceError(problems.found)
    return Markup(md.renderer.render(tokens, md.options, {"imprint": Env(EPUB, 2, lang=context.lang)}).strip())


# -- footnotes

def _split_notes(tokens: list[Token]) -> tuple[list[Token], dict[int, list[Token]]]:
    """Take the footnote definitions out of the token stream, by the plugin's note id."""
    main: list[Token] = []
    notes: dict[int, list[Token]] = {}
    current: list[Token] | None = None
    for token in tokens:
        if token.type == "footnote_open":
            current = notes.setdefault(token.meta["id"], [])
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


def _body_line(context: Context, line: int | None) -> int | None:
    return context.first_line + line if line is not None else None


def _check_depth(tokens: list[Token], problems: _Problems) -> None:
    """Lists, quotes, emphasis and links nested deeper than MAX_DEPTH: refused at
    the first block that goes too deep (XML parsers and layout stop near 256)."""
    depth = 0
    for block in tokens:
        depth += block.nesting if block.nesting > 0 else 0
        inline, deepest = 0, 0
        for child in block.children or ():
            inline += child.nesting
            deepest = max(deepest, inline)
        if depth + deepest > MAX_DEPTH:
            problems.add(block, f"the text here nests lists, quotes, emphasis or links {depth + deepest} levels deep; "
                                f"the limit is {MAX_DEPTH}", hint="simplify the structure of this passage")
            return
        depth += block.nesting if block.nesting < 0 else 0


def _with_blocks(tokens: Sequence[Token]) -> Iterator[tuple[Token, Token]]:
    """(block, token) for every token and inline child, the block carrying the line."""
    for block in tokens:
        yield block, block
        for child in walk(block.children or []):
            yield block, child


def _check_notes(main: list[Token], notes: dict[int, list[Token]], env: dict, text: str,
                 problems: _Problems) -> None:
    for body in notes.values():
        for block, child in _with_blocks(body):
            if child.type == "footnote_ref":
                problems.add(block, "a footnote cannot call another footnote",
                             hint="put the second note's text into the first")
    for block, child in _with_blocks(main + [t for body in notes.values() for t in body]):
        if child.type == "text" and "[^" in child.content:
            for label in re.findall(r"\[\^([^\]\s]+)\]", child.content):
                problems.add(block, f"the footnote [^{label}] is called but never written",
                             hint=f"add a line '[^{label}]: the note's text' after the paragraph")
    lines = text.splitlines()
    for key, number in env.get("footnotes", {}).get("refs", {}).items():
        if number == -1:  # defined, never called
            label = key[1:]
            line = next((i for i, row in enumerate(lines) if row.lstrip().startswith(f"[^{label}]:")), None)
            problems.found.append(Problem(
                problems.file, f"the footnote [^{label}] is written but never called",
                line=None if line is None else problems.first_line + line,
                hint=f"call it with [^{label}] in the text, or delete it",
            ))


def _reading_order(main: list[Token], notes: dict[int, list[Token]]) -> Iterator[tuple[Token, bool]]:
    """Every token as a reader meets it: a note's content right after its first call."""
    for token in walk(main):
        yield token, False
        if token.type == "footnote_ref" and token.meta.get("subId", 0) == 0:
            for inner in walk(notes.get(token.meta["id"], [])):
                yield inner, True


def _number_notes(md, main: list[Token], notes: dict[int, list[Token]], problems: _Problems,
                  lang: str, dialects: Sequence[str]) -> dict[int, Note]:
    """Number the author's notes and a note style's citation notes in reading order."""
    by_plugin_id: dict[int, Note] = {}
    number = 0
    for token, in_note in _reading_order(main, notes):
        if token.type == "footnote_ref" and token.meta.get("subId", 0) == 0:
            number += 1
            body = notes[token.meta["id"]]
            by_plugin_id[token.meta["id"]] = Note(
                number=number, id=f"fn-{number}", ref_id=f"fnref-{number}",
                line=next((problems.line(t) for t in body if t.map), None),
                epub_html=None, print_html=None,
            )
            token.meta["number"] = number
        elif token.type == "citation" and token.meta.get("pending_note") is not None and not in_note:
            number += 1
            text = token.meta.pop("pending_note")
            token.meta["note"] = Note(number=number, id=f"fn-{number}", ref_id=f"fnref-{number}",
                                      line=token.meta.get("line"), epub_html=Markup(f"<p>{text}</p>"),
                                      print_html=Markup(f'<span class="footnote-para">{text}</span>'))
    # Now that numbers are known, render the author's notes (citations in them are resolved).
    for plugin_id, note in list(by_plugin_id.items()):
        body = notes[plugin_id]
        by_plugin_id[plugin_id] = Note(
            number=note.number, id=note.id, ref_id=note.ref_id, line=note.line,
            epub_html=render(md, body, Env(EPUB, 0, lang=lang)) if EPUB in dialects else None,
            print_html=inline_paragraphs(render(md, body, Env(PRINT, 0, lang=lang))) if PRINT in dialects else None,
        )
    return by_plugin_id


def _notes_called(tokens: list[Token], notes: dict[int, Note]) -> tuple[Note, ...]:
    found: dict[int, Note] = {}
    for token in walk(tokens):
        if token.type == "footnote_ref" and token.meta.get("subId", 0) == 0:
            note = notes[token.meta["id"]]
            found[note.number] = note
        elif token.type == "citation" and token.meta.get("note") is not None:
            found[token.meta["note"].number] = token.meta["note"]
    return tuple(found[n] for n in sorted(found))


# -- headings

def _level_headings(tokens: list[Token], problems: _Problems) -> list[tuple[Token, str]]:
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
        level = min(max(1, int(token.tag[1]) - top + 1), previous + 1)
        token.meta["imprint_level"] = previous = level
        if "imprint_id" not in token.meta:
            explicit = _take_explicit_id(inline)
            if explicit:
                token.meta["imprint_id"] = explicit
        text = " ".join("".join(c.content for c in walk(inline.children or [])
                                if c.type in ("text", "code_inline")).split())
        token.meta["imprint_text"] = text
        if not text:
            problems.add(token, "this heading has no text", hint="write its title after the #, or delete the line")
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


def _claim_explicit_ids(tokens: list[Token], problems: _Problems) -> dict[str, Token]:
    """The ids the author gave headings ({#id}), figures and tables, each once:
    a generated heading id never takes one of them."""
    used: dict[str, Token] = {}
    for i, token in enumerate(tokens):
        explicit = None
        if token.type == "heading_open":
            explicit = _take_explicit_id(tokens[i + 1])
            if explicit:
                token.meta["imprint_id"] = explicit
        elif token.type == "figure":
            explicit = token.meta["image"].attrGet("id")
        elif token.type == "table_open":
            explicit = token.attrGet("id")
        if explicit:
            _claim_id(explicit, token, used, problems)
    return used


def _assign_heading_ids(tokens: list[Token], problems: _Problems, number_sections: bool,
                        used: dict[str, Token]) -> dict[int, Heading]:
    """Level, number and give an id to every heading: `{#id}` after its text, else a
    slug of the text. Keyed by the id() of the heading_open token."""
    leveled = _level_headings(tokens, problems)
    result: dict[int, Heading] = {}
    counters: list[int] = []
    for token, text in leveled:
        level = token.meta["imprint_level"]
        counters = (counters + [0] * level)[:level]
        counters[level - 1] += 1
        number = ".".join(str(c) for c in counters)
        heading_id = token.meta.get("imprint_id") or _unique(_slug(text), used)
        used.setdefault(heading_id, token)
        token.attrSet("id", heading_id)
        if number_sections:
            token.meta["display_number"] = number
        result[id(token)] = Heading(level=level, id=heading_id, text=text, number=number)
    return result


def _claim_id(value: str, token: Token, used: dict[str, Token], problems: _Problems) -> None:
    if value in RESERVED_IDS or GENERATED_ID.match(value):
        problems.add(token, f"the id '{value}' is reserved for the front matter, notes or references",
                     hint="choose another id")
    elif value in used:
        problems.add(token, f"the id '{value}' is also given on line {problems.line(used[value])}",
                     hint="ids must be unique: choose another")
    used[value] = token


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


# -- figures, images, tables

def _figures_and_images(tokens: list[Token], context: Context, labels: dict, problems: _Problems) -> list[Asset]:
    assets: dict[Path, Asset] = {}
    taken: set[str] = set()
    number = 0
    for block, token in _with_blocks(tokens):
        if token.type == "figure":
            image = token.meta["image"]
            caption = plain_text("".join(c.content for c in walk(image.children or []) if c.type == "text"))
            alt = (image.attrGet("fig-alt") or caption or "").strip()
            figure_id = image.attrGet("id")
            if caption:
                number += 1
                token.meta["label"] = f"{context.words['figure']} {number}."
            if figure_id:
                token.meta["id"] = figure_id
                if caption:
                    labels[figure_id] = ("fig", f"{context.words['figure']} {number}")
                else:
                    problems.add(block, f"the figure '{figure_id}' has no caption, so it has no number to refer to",
                                 hint="write the caption between the brackets: ![Caption](file)")
        elif token.type == "image" and not token.meta.get("alt_checked"):
            image = token
            alt = plain_text("".join(c.content for c in walk(image.children or []) if c.type == "text")).strip()
        else:
            continue
        image.meta["alt_checked"] = True
        if not alt:
            problems.add(block, f"the image '{image.attrGet('src')}' has no alternative text",
                         hint='describe it for readers who cannot see it: ![Caption](file){fig-alt="..."}')
        width = image.attrGet("width")
        if width and not WIDTH.match(width):
            problems.add(block, f"the width '{width}' is not a size", hint="write it as 60% (or 8cm, 300px)")
            width = None
        try:
            loaded = load_image(context.root, context.folder, image.attrGet("src") or "")
        except ValueError as error:
            problems.add(block, str(error))
            continue
        asset = assets.get(loaded.path) or Asset(loaded, epub_name(loaded, taken))
        assets[loaded.path] = asset
        image.meta.update(alt=alt, width=width, src={EPUB: asset.name, PRINT: loaded.path.as_uri()})
    return list(assets.values())


def _tables(tokens: list[Token], context: Context, labels: dict) -> None:
    number = 0
    for token in tokens:
        if token.type != "table_open" or not token.meta.get("caption"):
            continue
        number += 1
        token.meta["label"] = f"{context.words['table']} {number}."
        table_id = token.attrGet("id")
        if table_id:
            labels[table_id] = ("tbl", f"{context.words['table']} {number}")


def _check_links(tokens: list[Token], ids: set[str], problems: _Problems) -> None:
    from urllib.parse import urlsplit

    for block, child in _with_blocks(tokens):
        if child.type != "link_open":
            continue
        href = child.attrGet("href") or ""
        if href.startswith("#"):
            if href[1:] not in ids:
                problems.add(block, f"the link to '{href}' points to nothing in the article",
                             hint="use the id of a heading, figure or table: [text](#my-id)")
        elif urlsplit(href).scheme.lower() not in LINK_SCHEMES:
            problems.add(block, f"the link to '{href}' is not a web address",
                         hint="link to https://..., mailto:... or an id (#id); files are not published")


# -- citations and cross-references

def _citations(main: list[Token], notes: dict[int, list[Token]], labels: dict, context: Context,
               problems: _Problems) -> list[tuple[Token, CiteGroup, bool]]:
    """Resolve cross-references in place; return the citations, in reading order."""
    cited = []
    block_of = {id(c): b for b, c in _with_blocks(main + [t for body in notes.values() for t in body])}
    for token, in_note in _reading_order(main, notes):
        if token.type != "citation":
            continue
        block = block_of.get(id(token))
        token.meta["line"] = problems.line(block)
        items = token.meta["items"]
        crossrefs = [bool(CROSSREF.match(item.key)) for item in items]
        if any(crossrefs) and not all(crossrefs):
            problems.add(block, "a bracket mixes citations and cross-references",
                         hint="write them in separate brackets: [@fig-map] [@smith2015]")
        elif all(crossrefs):
            token.meta.update(kind="crossref", html=_crossref(items, labels, block, problems))
        else:
            token.meta["kind"] = "citation"
            group = _cite_group(token, context, block, problems)
            if group is not None:
                cited.append((token, group, in_note))
    for key in context.nocite:
        if key not in context.references:
            problems.add(None, f"nocite: no reference has the key '{key}'")
    return cited


def _siblings(tokens: list[Token]) -> dict[int, tuple[Token | None, Token | None]]:
    """For each citation: the text tokens right before and after it, if any."""
    found = {}
    for block in tokens:
        children = block.children or []
        for index, child in enumerate(children):
            if child.type == "citation":
                before = children[index - 1] if index and children[index - 1].type in ("text", "softbreak") else None
                after = children[index + 1] if index + 1 < len(children) and children[index + 1].type == "text" else None
                found[id(child)] = (before, after)
    return found


def _inline(text: str, context: Context) -> str:
    if not text.strip():
        return ""
    leading = text[: len(text) - len(text.lstrip())]
    return leading + str(render_inline(text.strip(), context.quotes, context.lang))


def _crossref(items, labels: dict, block: Token, problems: _Problems) -> Markup:
    parts = []
    for item in items:
        found = labels.get(item.key)
        if found is None:
            close = _close_matches(item.key, labels)
            problems.add(block, f"nothing has the label '{item.key}'",
                         hint=f"did you mean '{close[0]}'?" if close else
                         "give the figure, table or heading that id: {#" + item.key + "}")
            continue
        text = found[1].rsplit(" ", 1)[-1] if item.suppress else found[1]
        prefix = (Markup.escape(item.prefix.strip()) + " ") if item.prefix.strip() else ""
        link = Markup('<a class="crossref" href="#{}">{}</a>').format(item.key, text)
        parts.append(prefix + link + Markup.escape(item.suffix.rstrip()))
    return Markup("; ").join(parts)


def _cite_group(token: Token, context: Context, block: Token, problems: _Problems) -> CiteGroup | None:
    items = []
    for raw in token.meta["items"]:
        if raw.key not in context.references:
            if not context.references:
                problems.add(block, f"the citation @{raw.key} has no bibliography to come from",
                             hint="name the file in the front matter: bibliography: references.bib")
            else:
                close = _close_matches(raw.key, context.references)
                problems.add(block, f"no reference has the key '{raw.key}'",
                             hint=f"did you mean '{close[0]}'?" if close else "add it to the bibliography")
            continue
        locator, label, suffix = split_locator(raw.suffix)
        # Prefix and suffix are Markdown ("*see*"), rendered here; CiteItem holds HTML.
        items.append(CiteItem(key=raw.key, prefix=_inline(raw.prefix, context), suffix=_inline(suffix, context),
                              locator=locator, label=label, suppress_author=raw.suppress))
    if len(items) != len(token.meta["items"]):
        return None
    return CiteGroup(items=tuple(items), narrative=token.meta["narrative"])


def _close_matches(key: str, known) -> list[str]:
    """The known name most like a mistyped `key`, for the message (difflib: loaded only then)."""
    import difflib

    return difflib.get_close_matches(key, list(known), n=1)
