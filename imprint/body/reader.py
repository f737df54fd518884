"""An article's body and Markdown fields, read by Pandoc and made ready to render.

One Pandoc run reads the body (Pandoc's `markdown`, as Quarto writes it) and
the front matter's Markdown fields (given as metadata), keeps cross-references
away from its citeproc (citations.lua), and formats the citations and the
reference list with the article's CSL style. structure.py then checks and
numbers everything; html.py writes the dialects the editions need.
"""

from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence
from urllib.parse import unquote

from markupsafe import Markup

from ..building.stages import stage
from ..errors import Problem, SourceError
from ..files import display, read_found
from . import bibliography, citeproc_js, formulas, guard, pandoc
from .csl import style_refused
from .addresses import INLINE, NOTES
from .ast import Node, annotate, attr, figure, kids, meta_value, note, of_kind, walk, words
from .chapters import EPUB, PRINT, REFERENCES, Asset, Body, Chapter, Entry, Heading, Note
from .html import Renderer, linkable, raw_html
from .links import COLON_KINDS, CROSSREF_KINDS, is_crossref, unknown_key
from .locate import Source, tex_citations, without_formulas
from .numbering import span_label, tex_labels
from .quarto import code_out_of_math, details_divs, figure_divs, mark_cells, read_texts, text_references, written_texts
from .quotation_marks import localise_unpaired
from .structure import Analysis, Context, _outline, analyse
from ..source.shortcodes import fenced_lines

HERE = Path(__file__).parent
_KEY = re.compile(r"@\{([^{}]{1,1000})\}|@([\w][\w:.#$%&\-+?<>~/]*)")
# (raw TeX the reading may turn into text: rawtex.lua; an HTML label for LaTeX's: labels.lua)
_TEX_COMMAND = re.compile(r"\\[A-Za-z]+")
_HTML_LABEL = "<span data-label="


@dataclass(frozen=True)
class Field:
    """A front-matter field written in Markdown."""

    path: str  # as messages name it: abstract, author[0].note
    text: str
    inline: bool  # a title: no paragraphs
    line: int | None
    lang: str | None = None  # when not the article's (its translation's)


@dataclass(frozen=True)
class Setting:
    """What reading an article needs besides the article."""

    file: str
    body: str
    body_line: int
    lang: str
    words: Mapping[str, Any]
    root: Path
    folder: Path
    deadline: float  # when the unit's time runs out (time.monotonic()): every Pandoc run stops by then
    dialects: tuple[str, ...]
    style: Path | None  # the CSL style (None: it could not be read; its problem is reported elsewhere)
    bibliography: tuple[Path, ...] = ()
    shared_bibliography: tuple[Path, ...] = ()
    references: tuple = ()  # the front matter's own records (Pandoc's `references:`): (CSL record, line)
    unread_bibliography: bool = False  # a file it names could not be used (told at its field): no key is checked
    nocite: tuple[str, ...] = ()
    nocite_line: int | None = None
    cell_defaults: Mapping[str, str] = field(default_factory=dict)  # Quarto's execute: every cell's options
    suppress_bibliography: bool = False
    number_sections: bool = False
    links_as_notes: bool = False  # print: an external link's address in a note, not after its text
    extensions: tuple[str, ...] = ()  # Pandoc's markdown extensions the article switches on or off: "+emoji"
    prefixes: Mapping[str, str] = field(default_factory=dict)
    slug: str = ""
    other_words: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # a translation's language's
    words_for: Callable[[str], Mapping[str, Any]] | None = None  # any language's words (styles/locales)
    cited_fields: tuple[Field, ...] = ()  # Markdown fields that cite (an abstract may): read with the body
    formula_cache: Path | None = None  # where formulas converted and drawn are kept (formulas.cache_folder)
    # The print editions are made at the same time in another part of the build
    # (units.split): this part draws the formulas too, from the last, into the cache.
    drawing_alongside: bool = False
    # Who else draws the formulas for print (the print part of a build, which draws
    # them from the last back meanwhile: units.py): told that formulas are being
    # converted (coming(): it readies the drawing), then their MathML (share());
    # this part draws them after handing its print jobs over (draw_later()).
    sharing: Any = None  # (building/handoff.py's Giving)

    @property
    def has_bibliography(self) -> bool:
        """Whether the article has any bibliography: its files, the publication's, its own `references:`."""
        return bool(self.bibliography or self.shared_bibliography or self.references)


def start_body(setting: Setting) -> "BodyReading":
    """The body's reading started: checked (guard.py), its bibliography read, Pandoc
    running. What can be done meanwhile (the Markdown fields, the "For citation"
    line) is done before BodyReading.result() waits for it."""
    text, said = text_references(figure_divs(details_divs(code_out_of_math(setting.body))), setting.file,
                                 setting.body_line)
    written, text = text, mark_cells(text, setting.body_line, setting.cell_defaults)  # (line for line)
    with stage("checking its text before Pandoc reads it"):
        problems: list[Problem] = guard.check(text, setting.file, setting.body_line) + _guard_fields(
            setting.cited_fields, setting.file)
    if problems:  # (Pandoc would take minutes over them)
        raise SourceError(problems)
    records: dict[str, bibliography.Record] = {}
    known: set[str] = set()  # every key of the bibliography, cited or not
    # (what the editor should know of: a YAML block in the text, a key given to two entries)
    if setting.has_bibliography:
        cited = text + "\n".join(f.text for f in setting.cited_fields)
        wanted = None if "*" in setting.nocite else _candidate_keys(cited) | set(setting.nocite)
        records, found, known = bibliography.load(setting.root, setting.bibliography,
                                                  setting.shared_bibliography, wanted, setting.deadline, setting.lang,
                                                  inline=setting.references, file=setting.file)
        problems += [p for p in found if not isinstance(p, bibliography.Caveat)]
        said += [p for p in found if isinstance(p, bibliography.Caveat)]
        if any(not isinstance(p, bibliography.Caveat) for p in found):  # (a file that cannot be read: its keys
            setting = replace(setting, unread_bibliography=True)  # are not told missing, only its problem, QA 23)
    text = _citations_not_examples(text, known)
    for key in setting.nocite if not setting.unread_bibliography else ():
        if key != "*" and key not in known:
            message, hint = unknown_key(key, known, setting.has_bibliography)
            problems.append(Problem(setting.file, message, line=setting.nocite_line, field="nocite", hint=hint))
    files, arguments, into_quotes = _citeproc_files(setting, records)
    meta = {
        "lang": setting.lang,
        "link-citations": not setting.suppress_bibliography,  # (no list: nothing to link to)
        "suppress-bibliography": setting.suppress_bibliography,
        "imprint-crossref-prefixes": list(CROSSREF_KINDS),
        "imprint-crossref-colon-prefixes": list(COLON_KINDS),
        # (a work's key that looks like one, @fig:smith2020, cites the work; the keys of a map, which
        # Pandoc does not read as Markdown)
        "imprint-colon-keys": {k: True for k in sorted(known)
                               if ":" in k and k.split(":", 1)[0].lower() in COLON_KINDS},
        "imprint-fields": _meta_fields(setting.cited_fields),
    }
    texts = written_texts(text)
    if texts:  # (read as Markdown with the text: quarto.py; bookdown's \@ref(eq:x) stays the text it is
        # in the body, not a citation of "ref": its escape was read with the attribute)
        meta["imprint-attribute-texts"] = [t.replace("@ref(", "\\@ref(") for t in texts]
    if setting.nocite:
        meta["nocite"] = ", ".join("@*" if k == "*" else f"@{{{k}}}" for k in setting.nocite)
    files["meta.json"] = json.dumps(meta, ensure_ascii=False).encode("utf-8")
    if arguments:  # (only citeproc needs cross-references kept from it)
        files["citations.lua"] = (HERE / "citations.lua").read_bytes()
        arguments = ["--lua-filter=citations.lua", *arguments]
    arguments = _tex_filters([text, *(f.text for f in setting.cited_fields)], files) + arguments
    running = pandoc.start(["-f", pandoc.MARKDOWN + "".join(setting.extensions), "-t", "json", "--metadata-file=meta.json", *arguments],
                           text.encode("utf-8"), what="the article's text", file=setting.file,
                           deadline=setting.deadline, files=files, cache=pandoc.cache_in(setting.root),
                           large=len(text) >= pandoc.LARGE_TEXT)
    # (the text's positions found while Pandoc reads it: 20 ms of the long article's 30,000 words)
    return BodyReading(setting, text, running, records, known, problems, texts, said,
                       Source(written, setting.file, setting.body_line), into_quotes)  # (tokens found as written)


@dataclass
class BodyReading:
    setting: Setting
    text: str  # the body as Pandoc reads it (Quarto's cells marked)
    running: pandoc.Running
    records: dict[str, bibliography.Record]
    known: set[str]
    problems: list[Problem]
    texts: list[str]  # the Markdown of attributes, given to Pandoc as metadata (quarto.written_texts)
    said: list[Problem]  # warnings found before the reading (a text reference, bibliography.Duplicate)
    source: Source  # where the text's tokens are (lines of problems)
    into_quotes: bool = False  # a linked citation's full stop moved into its quotation (citeproc_js.py)

    def cancel(self) -> None:
        """Stop the reading (a problem elsewhere ended the unit)."""
        self.running.cancel()

    def result(self, note_calls: Any = None) -> tuple[Body, tuple[Problem, ...], dict[str, Markup]]:
        """The body, rendered (its notes called by `note_calls`, the macros of
        styles/templates/note-calls.html.j2: Theme.macros), its warnings, and the
        fields read with it (those that cite, rendered); every problem raised at once."""
        if "$" in self.text and (self.setting.drawing_alongside or PRINT in self.setting.dialects) \
                and self.running.running():
            # (while Pandoc reads, if it still does: loaded after it, what drawing needs
            # is loaded as it is needed, while Pandoc converts the formulas, or not at
            # all when the project's cache has them all drawn: 0.13 s of the 250-formula
            # benchmark article's critical path)
            formulas.preload()
        with stage("reading its text with Pandoc" + (" (and formatting its citations)" if self.records else "")):
            output, messages = self._read()
        with stage("checking and rendering its text"):
            return self._rendered(output, messages, note_calls)

    def _unknown_keys_in_fields(self, meta: Node | None) -> list[Problem]:
        """A citation of no work in a field read with the text (the abstract), at its
        line in the field, told with the text's problems."""
        setting, problems = self.setting, []
        for node in walk([meta]) if meta is not None and not setting.unread_bibliography else ():
            for citation in (c for c in node["c"][0] if c["citationId"] not in self.known) \
                    if node["t"] == "Cite" else ():
                key = citation["citationId"]
                field = next((f for f in setting.cited_fields if f"@{key}" in f.text), None)
                message, hint = unknown_key(key, self.known, setting.has_bibliography,
                                            citation["citationMode"]["t"] == "AuthorInText")
                problems.append(Problem(setting.file, message, line=_line_in(field, f"@{key}"),
                                        field=field.path if field else None, hint=hint))
        return problems

    def _read(self) -> tuple[bytes, list[pandoc.Message]]:
        try:
            return self.running.result()
        except pandoc.PandocFailed as error:
            raise SourceError(self.problems + [Problem(self.setting.file, f"Pandoc could not read the text: {error}",
                                                       line=self.setting.body_line)]) from None
        except pandoc.StyleRefused as error:
            raise SourceError(self.problems + [style_refused(self.setting.style, str(error), self.setting.root)]) \
                from None

    def _rendered(self, output: bytes, messages: list[pandoc.Message], note_calls: Any
                  ) -> tuple[Body, tuple[Problem, ...], dict[str, Markup]]:
        setting, text, problems, source = self.setting, self.text, list(self.problems), self.source
        try:
            document = json.loads(output)
        except RecursionError:  # (Python's JSON reader stops near 1000 levels: far past what any text needs)
            raise SourceError(problems + [Problem(
                setting.file, "the text nests lists, quotes, emphasis or links hundreds of levels deep",
                line=_deepest_line(text, setting.body_line), hint="simplify the structure of this passage")]) from None
        blocks = document["blocks"]
        if self.into_quotes:
            citeproc_js.punctuation_into_quotes(blocks)  # (Pandoc's, with its citations linked)
        read_texts(blocks, self.texts, document["meta"].get("imprint-attribute-texts"))
        if _HTML_BREAK.search(text):
            _html_line_breaks(blocks, "-implicit_figures" not in setting.extensions)
        deep = guard.check_nesting(blocks, setting.file, lambda node: _nested_line(node, blocks, source))
        if deep:  # (its deepest lines would be lost in print)
            raise SourceError(problems + deep)
        warnings: list[Problem] = list(self.said)
        _messages(messages, source, self.records, problems, warnings, self.setting)
        quotes = str(setting.words["quotes"])
        meta = document["meta"].get("imprint-fields")
        # (no dollar and no backslash, no formula: two walks of the text less)
        math = any("$" in t or "\\" in t for t in (text, *(f.text for f in setting.cited_fields)))
        if math:
            warnings += _convert_formulas(blocks + ([meta] if meta is not None else []), setting)
        if math and setting.sharing is not None and PRINT in setting.dialects:
            shared = [note(n)["mathml"] for n in of_kind(blocks, frozenset({"Math"})) if "mathml" in note(n)]
            if shared:
                setting.sharing.share(shared)
        references, classes, spacing = _take_references(blocks)
        warnings += localise_unpaired(blocks, source, quotes, setting.file)
        context = Context(source=source, lang=setting.lang, words=setting.words, quotes=quotes, root=setting.root,
                          folder=setting.folder, number_sections=setting.number_sections,
                          prefixes=setting.prefixes, references=frozenset(self.known),
                          cited=frozenset(attr(e)[0].removeprefix("ref-") for e in references),
                          bibliography=setting.has_bibliography,
                          unread_bibliography=setting.unread_bibliography)
        warnings += _written_markup(self.records, context.cited)
        analysis = analyse(blocks, context)
        problems += analysis.problems + self._unknown_keys_in_fields(meta)
        warnings += analysis.warnings
        if problems:  # (with the formulas that cannot be read: told in this run, not the next)
            raise SourceError(problems, tuple(warnings + formulas.report(analysis.math, setting.file, None, False)))
        failed = _highlight(analysis.highlight, setting) if analysis.highlight else None
        if failed:
            warnings.append(failed)
        warnings += _report_formulas(analysis.math, setting)
        if os.environ.get("IMPRINT_CITEPROC_DUMP") and self.records and setting.style is not None:
            _dump_body_job(setting, self.records, blocks, document["meta"].get("imprint-written-order"))
        body, link_ids = _body(blocks, analysis, references, (classes, spacing), setting, quotes, note_calls,
                               self.records)
        targets = analysis.ids | set(analysis.labels) | {attr(e)[0] for e in references}

        def target(href: str) -> str | None:  # (the fields link to the body as it is linked)
            ident = analysis.renamed.get(href[1:], href[1:])
            return "#" + ident if ident in targets else None

        fields = _fields(meta, setting.cited_fields, setting, quotes, problems, warnings, citations=True,
                         link_ids=link_ids, target=target, works=frozenset(self.known))
        if problems:
            raise SourceError(problems, tuple(warnings))
        return body, tuple(warnings), fields


def read_fields(fields: Sequence[Field], setting: Setting, warnings: list[Problem]) -> dict[str, Markup]:
    """The front matter's Markdown fields as HTML, by path, read by Pandoc in one
    run; notes, citations and images in them are problems (they belong in the body).
    What the editor should know of (a formula that cannot be read) goes to `warnings`."""
    if not fields:
        return {}
    problems = _guard_fields(fields, setting.file)
    if problems:
        raise SourceError(problems)
    meta = {"lang": setting.lang, "imprint-fields": _meta_fields(fields)}
    files = {"meta.json": json.dumps(meta, ensure_ascii=False).encode("utf-8")}
    arguments = ["--metadata-file=meta.json", *_tex_filters([f.text for f in fields], files)]
    try:
        output, _ = pandoc.run(["-f", pandoc.MARKDOWN + "".join(setting.extensions), "-t", "json", *arguments],
                               b"", what="the Markdown fields", file=setting.file, deadline=setting.deadline,
                               files=files, cache=pandoc.cache_in(setting.root))
    except pandoc.PandocFailed as error:
        raise SourceError.single(setting.file, f"Pandoc could not read the Markdown fields: {error}") from None
    problems: list[Problem] = []
    meta = json.loads(output)["meta"].get("imprint-fields")
    warnings += _convert_formulas([meta] if meta is not None else [], setting)
    rendered = _fields(meta, fields, setting, str(setting.words["quotes"]), problems, warnings)
    if problems:
        raise SourceError(problems)
    return rendered


def _deepest_line(text: str, first_line: int) -> int:
    """The line that opens the most quotes, lists or brackets, as far as its first
    characters tell: where a passage nested past reading most likely is."""
    def depth(line: str) -> int:
        opening = re.match(r"[\s>*+\-\[(_]*", line).group()
        return len(opening.replace(" ", "")) + (len(opening) - len(opening.lstrip())) // 2
    lines = text.split("\n")
    return first_line + max(range(len(lines)), key=lambda i: depth(lines[i])) if lines else first_line


def _note_definitions(source: Source, key: str) -> list[int]:
    """The lines that write the footnote `key` (`[^key]: text`), also in a list
    or a block quote; code left out."""
    return source.lines_of(re.compile(r"^(?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)]|#[.)])[ \t]+)*\[\^"
                                      + re.escape(key) + r"\]:", re.M))


def _nested_line(node: Node, blocks: list[Node], source: Source) -> int | None:
    """The line of a list or quote nested deep: its first word's, counted the way
    locate.py counts a token (the n-th time the body says the word is the n-th
    line that writes it)."""
    first = next((n for n in walk([node]) if n["t"] == "Str"), None)
    if first is None:
        return _deepest_line(source.text, source.first_line)
    word = re.compile(r"(?<!\w)" + re.escape(first["c"]) + r"(?!\w)")
    before = 0
    for found in walk(blocks):
        if found is first:
            break
        if found["t"] == "Str":
            before += len(word.findall(found["c"]))
    lines = source.lines_of(word)
    return lines[before] if before < len(lines) else _deepest_line(source.text, source.first_line)


def _candidate_keys(text: str) -> set[str]:
    """Every key the text may cite (a superset: `@word` anywhere, with and
    without the punctuation that may end a sentence after it)."""
    keys = set()
    for match in _KEY.finditer(text):
        key = match.group(1) or match.group(2)
        keys.add(key)
        keys.add(key.rstrip(".,;:?!/~-+&%$#<>"))
    return keys | {key for keys_ in tex_citations(text) for key in keys_[1]}


_MARKDOWN = re.compile(r"(?<![\w*])(\*\*?|_)(?=\S)[^*_\n]+?(?<=\S)\1(?![\w*])|~[^~\s]+~|\^[^^\s]+\^")


def _written_markup(records: Mapping[str, bibliography.Record], cited: frozenset[str]) -> list[Problem]:
    """A listed work whose fields hold TeX math ($H_2O$: CSL-JSON, which both citeproc
    engines read, has no math), or, in a CSL-YAML file, Markdown that Pandoc left as
    text (bibliography._markdown_read): printed as written, so said, once a work."""
    found = []
    for key in sorted(cited & set(records)):
        record = records[key]
        yaml = record.file.endswith((".yaml", ".yml"))
        for name, value in record.csl.items():
            if not isinstance(value, str):
                continue
            written = bibliography.TEX_MATH.search(value) or (_MARKDOWN.search(value) if yaml else None)
            if written is not None:
                math = written.group().startswith("$")
                found.append(Problem(record.file, f"the {name} of '{key}' holds {'TeX math' if math else 'Markdown'} "
                                     f"({written.group()}): the reference list prints it as written", line=record.line,
                                     hint="write it in Unicode (H₂O, α), or with CSL's markup: <i>…</i>, <sub>…</sub>"))
                break
    return found


def _citeproc_files(setting: Setting, records: Mapping[str, bibliography.Record]
                    ) -> tuple[dict[str, bytes], list[str], bool]:
    """The bibliography and style Pandoc's citeproc is given, adjusted to give
    what citeproc-js gives (citeproc_js.py); and whether what it prints needs a
    linked citation's full stop moved into its quotation (with citations linked:
    citeproc_js.punctuation_into_quotes)."""
    if not records or setting.style is None:
        return {}, [], False
    data = [citeproc_js.for_pandoc(r.csl, setting.lang, setting.words.get("quotes", "")) for r in records.values()]
    written = read_found(setting.style, "CSL style")
    style = citeproc_js.style_for_pandoc(written, setting.lang, display(setting.style, setting.root))
    files = {"refs.json": json.dumps(data, ensure_ascii=False).encode("utf-8"), "style.csl": style}
    into_quotes = not setting.suppress_bibliography and citeproc_js.punctuation_in_quote(written, setting.lang)
    return files, ["--citeproc", "--csl=style.csl", "--bibliography=refs.json"], into_quotes


def _fence_line(source: Source, line: int | None) -> int | None:
    """The line of a div's opening fence Pandoc told of: its line, or, when that holds
    none (Pandoc counts the lines of a quote or a list item from its start), the
    first fence written in a quote or a list item."""
    if line is not None and line in source.lines_of(":::"):
        return line
    return source.first(_NESTED_FENCE) or line


_NESTED_FENCE = re.compile(r"^[ \t]*(?:(?:>|[-*+]|\d+[.)])[ \t]*)+:::", re.M)


def _messages(messages: list[pandoc.Message], source: Source, records: Mapping[str, bibliography.Record],
              problems: list[Problem], warnings: list[Problem], setting: Setting) -> None:
    """Pandoc's warnings, told the way Imprint tells its own, at their lines."""
    duplicated: set[str] = set()
    for message in messages:
        if message.verbosity not in ("WARNING", "ERROR"):
            continue
        if (undefined := re.search(r"undefined macro (\S+)", message.text)) and setting.style is not None:
            # (the style's fault: its citations printed without what the macro gives, the authors)
            name = undefined.group(1)
            written = read_found(setting.style, "the style").decode("utf-8", "replace")
            at = written.find(f'macro="{name}"')
            problems.append(Problem(display(setting.style, setting.root),
                                    f"the style calls the macro '{name}', which it does not define",
                                    line=written.count("\n", 0, at) + 1 if at >= 0 else None,
                                    hint="define it (<macro name=\"...\">), or call one it defines"))
            continue
        line = message.fields.get("line", (message.fields.get("openpos") or {}).get("line"))
        line = source.body_line(line) if isinstance(line, int) else None
        if message.type == "UnclosedDiv":
            warnings.append(Problem(source.file, "this div (:::) is never closed: it holds the rest of the text "
                                    "(or of the quote or list item it is in)", line=_fence_line(source, line),
                                    hint="close it with a line of ::: where it ends"))
        elif message.type == "NoteDefinedButNotUsed":
            key = str(message.fields.get("key"))
            written = _note_definitions(source, key)
            problems.append(Problem(source.file, f"the footnote [^{key}] is written but never called",
                                    line=written[0] if len(written) == 1 else line,
                                    hint=f"call it with [^{key}] in the text, or delete it"))
        elif message.type == "DuplicateNoteReference":
            # Pandoc keeps the last text and tells of each other one, at a line of its
            # own reading (in a list or a quote: counted from where that starts)
            key = str(message.fields.get("contents"))
            if key in duplicated:
                continue
            duplicated.add(key)
            written = _note_definitions(source, key)
            for again in written[1:] if len(written) > 1 else [line]:
                problems.append(Problem(source.file, f"the footnote [^{key}] is written twice, here and on line "
                                        f"{written[0] if written else '?'}", line=again,
                                        hint="only one of the texts would be printed: give one of the notes "
                                             "another label (and call it), or delete one"))
        elif message.type == "CiteprocWarning" and "not found" in message.text:
            continue  # (unknown keys are reported by structure.py, at each line that cites them)
        elif message.type == "CouldNotLoadIncludeFile":
            continue  # (\input, \lstinputlisting: Pandoc reads no file (--sandbox); the TeX is told as left out)
        elif message.type == "DuplicateIdentifier":
            continue  # (an id written twice is an error of structure.py's, at its lines; Pandoc's own are renamed)
        elif message.type == "CiteprocWarning" and "Citation with no printed form" in message.text:
            key = message.text.rsplit(":", 1)[-1].strip()
            warnings.append(Problem(source.file, f"the citation style prints nothing of this citation of '{key}' "
                                    "but its locator or affixes", line=(source.key_lines(key) or [None])[0],
                                    hint="cite it another way (with its author, or [@key]), or choose another "
                                         "style"))
        elif message.type == "CiteprocWarning" and "no printed form" in message.text:
            key = message.text.rsplit(":", 1)[-1].strip()
            record = records.get(key)
            problems.append(Problem(record.file if record else source.file,
                                    f"the citation style prints nothing for the reference '{key}'"
                                    + (f" (of type {record.csl.get('type')})" if record else ""),
                                    line=record.line if record else None,
                                    hint="give the reference a type the style knows (book, article-journal, "
                                         "chapter, report, ...), or choose another style"))
        else:  # (its text counts lines from the body's start: counted as the file's)
            text = re.sub(r"\bline (\d+)", lambda m: f"line {source.body_line(int(m.group(1)))}", message.text)
            warnings.append(Problem(source.file, f"Pandoc: {text}", line=line))


def _tex_filters(texts: Sequence[str], files: dict[str, bytes]) -> list[str]:
    """Pandoc's arguments for the Lua filters that read what LaTeX left in the
    texts (their files added to `files`): labels.lua where one has an HTML label,
    rawtex.lua where one has a TeX command outside its formulas (`\\texttt{...}`)
    that may read as text; else none. Each is given only where it has work: the
    text of the 250 formulas reads in 0.10 s with neither, 0.20 s with both."""
    names = [name for name, needed in (
        ("labels.lua", any(_HTML_LABEL in text for text in texts)),
        # (a command outside the formulas is one in the text: a formula never opens right
        # after a backslash; most texts have none, and are not searched twice)
        ("rawtex.lua", any(_TEX_COMMAND.search(text) and _TEX_COMMAND.search(without_formulas(text))
                           for text in texts))) if needed]
    for name in names:
        files[name] = (HERE / name).read_bytes()
    return [f"--lua-filter={name}" for name in names]


def _guard_fields(fields: Sequence[Field], file: str) -> list[Problem]:
    """guard.py's problems with the fields, each at its field."""
    return [Problem(file, p.message, line=f.line, field=f.path, hint=p.hint)
            for f in fields for p in guard.check(f.text, file, f.line or 1)]


def _meta_fields(fields: Sequence[Field]) -> dict[str, str]:
    """The fields as Pandoc's metadata reads them: a text that does not end with a line
    break is read as one line (its paragraphs and lists run together with line breaks),
    so a field of blocks gets one."""
    return {f.path: f.text if f.inline else f.text.rstrip("\n") + "\n" for f in fields}


def _fields(meta: Node | None, fields: Sequence[Field], setting: Setting, quotes: str,
            problems: list[Problem], warnings: list[Problem], citations: bool = False,
            link_ids: Callable[[str], str] = lambda href: href,
            target: Callable[[str], str | None] = lambda href: None,
            works: frozenset[str] = frozenset()) -> dict[str, Markup]:
    """Each Markdown field of the front matter as HTML (XHTML: it is shared by both
    editions and the site). Notes and images belong to the body; so do citations,
    but in the fields read with the body (`citations`: the abstract's, of the
    bibliography's keys `works`). A link to "#id" goes where `target` says, or is
    a problem: no such id."""
    values = meta_value(meta) if meta is not None else {}
    warnings += _report_formulas([(n, f.line) for f in fields if f.path in values
                                  for n in walk([values[f.path]]) if n["t"] == "Math"], setting)
    rendered: dict[str, Markup] = {}
    title_notes: list[str] = []
    for f in fields:
        value = values.get(f.path)
        if value is None:
            continue
        blocks = value["c"] if value["t"] == "MetaBlocks" else [{"t": "Plain" if f.inline else "Para",
                                                                  "c": value["c"]}]
        if citations:
            _citation_notes_inline(blocks)
        nodes = list(walk(blocks))
        kinds = {n["t"] for n in nodes}
        crossrefs = any(n["t"] == "Cite" and all(is_crossref(c["citationId"], works) for c in n["c"][0])
                        for n in nodes)
        if any(n["t"] == "Str" and "[^" in n["c"] for n in nodes):
            kinds.add("Note")  # (a note's call in a field: Pandoc reads it as text)
        titled = f.path in TITLE_NOTES and "[^" not in f.text  # (a note's call in a title: ^[...] only)
        for kind, what in (("Note", "footnotes"), ("Cite", "cross-references" if crossrefs else "citations"),
                           ("Image", "images")):
            if kind == "Note" and titled:
                continue
            if kind in kinds and not (kind == "Cite" and citations and not crossrefs):
                # (at the line of the first, in a field of lines: `abstract: |`, QA 23 F22)
                marks = {"Note": ("[^", "^["), "Cite": ("@",), "Image": ("![",)}[kind]
                first = min((f.text.find(m) for m in marks if m in f.text), default=-1)
                problems.append(Problem(setting.file, f"the {f.path} cannot have {what}",
                                        line=_line_in(f, f.text[first:first + 2]) if first >= 0 else f.line,
                                        field=f.path, hint="they belong in the body of the article"))
        _field_links(nodes, f, setting.file, target, problems)
        for raw in (n for n in nodes if n["t"] in ("RawInline", "RawBlock") and n["c"][0].lower() != "html"):
            shown = " ".join(raw["c"][1].split())
            warnings.append(Problem(setting.file, f"raw {raw['c'][0]} is left out "
                                    f"({shown if len(shown) <= 40 else shown[:37] + '...'}): the editions are not "
                                    f"made with {raw['c'][0]}", line=f.line, field=f.path,
                                    hint="write it in Markdown, or delete it"))
        problems += guard.check_nesting(blocks, setting.file, lambda node: f.line, field=f.path)
        lang = f.lang or setting.lang
        words = setting.other_words.get(lang) if f.lang else None
        renderer = Renderer(EPUB, lang, str(words["quotes"]) if words else quotes, heading_offset=2,
                            link_ids=link_ids)
        # (print has its own: a link's address after its text, as in the body, addresses.py;
        # an address's breaks; a title's link prints its text only, as in the running heads)
        printer = None if f.path.rsplit(".", 1)[-1] in _TITLES else \
            Renderer(PRINT, lang, renderer.quotes, heading_offset=2, link_ids=link_ids, link_addresses=INLINE)
        if titled and "Note" in kinds:
            notes = []
            for node in (n for n in nodes if n["t"] == "Note"):
                mark = TITLE_MARKS[len(title_notes) % len(TITLE_MARKS)] * (len(title_notes) // len(TITLE_MARKS) + 1)
                annotate(node, mark=mark)
                notes.append(f'<p class="title-note"><sup>{mark}</sup> {renderer.inline_blocks(node["c"])}</p>')
                title_notes.append(notes[-1])
        if f.inline:
            inlines = [n for b in blocks if b["t"] in ("Plain", "Para") for n in b["c"] + [{"t": "Space"}]][:-1]
            # (Pandoc reads an HTML block in a one-line field as raw HTML between line breaks: the
            # raw HTML is printed as written, so the breaks it did not write go)
            inlines = [_raw_break(inlines, i) for i in range(len(inlines))]
        for key, each in ((f.path, renderer), (PRINTED + f.path, printer)):
            if each is not None:
                rendered[key] = Markup((each.inlines(inlines) if f.inline else each.blocks(blocks)).strip())
    if title_notes:
        rendered["title-notes"] = Markup("\n".join(title_notes))
    return rendered


PRINTED = "print:"  # a field's key in _fields()'s result, for its rendering in print (not a title's)
_TITLES = frozenset({"title", "subtitle", "short-title"})


def _citation_notes_inline(blocks: list[Node]) -> None:
    """A note style's citation in a field (an abstract's) has no foot of a page to go
    to: it is printed in parentheses where it stands, without its final full stop,
    and the punctuation Pandoc moved before the note's call goes back after it."""
    for parent in list(walk(blocks)):
        inlines = kids(parent)
        if not any(n["t"] == "Cite" and any(k["t"] == "Note" for k in n["c"][1]) for n in inlines):
            continue
        rewritten: list[Node] = []
        for node in inlines:
            if node["t"] != "Cite" or not any(k["t"] == "Note" for k in node["c"][1]):
                rewritten.append(node)
                continue
            moved = ""
            if rewritten and rewritten[-1]["t"] == "Str" and rewritten[-1]["c"][-1:] in (".", ",", ";", ":"):
                moved = rewritten[-1]["c"][-1]
                rewritten[-1] = {"t": "Str", "c": rewritten[-1]["c"][:-1]}
            shown: list[Node] = []
            for part in node["c"][1]:
                if part["t"] != "Note":
                    shown.append(part)
                    continue
                text = [n for b in part["c"] if b["t"] in ("Para", "Plain") for n in b["c"]]
                if text and text[-1]["t"] == "Str" and text[-1]["c"].endswith("."):
                    text[-1] = {"t": "Str", "c": text[-1]["c"][:-1]}
                shown += ([{"t": "Space"}] if shown else []) + [{"t": "Str", "c": "("}, *text, {"t": "Str", "c": ")"}]
            spaced = [{"t": "Space"}] if rewritten and rewritten[-1]["t"] not in ("Space", "SoftBreak") else []
            rewritten += spaced + [{"t": "Cite", "c": [node["c"][0], shown]}]
            if moved:
                rewritten.append({"t": "Str", "c": moved})
        inlines[:] = rewritten


def _field_links(nodes: list[Node], f: Field, file: str, target: Callable[[str], str | None],
                 problems: list[Problem]) -> None:
    """A field's links checked as the body's are: to the web, or to an id in the article."""
    citeproc_made = {id(n) for cite in nodes if cite["t"] == "Cite" for n in walk(cite["c"][1]) if n["t"] == "Link"}
    for node in (n for n in nodes if n["t"] == "Link"):
        href = node["c"][2][0]
        if href.startswith("#"):
            found = target(href)
            if found is not None:
                node["c"][2][0] = found
            elif id(node) in citeproc_made:
                node["c"][2][0] = ""  # (a key with no entry: reported with the citations)
            else:
                problems.append(Problem(file, f"the {f.path} links to '{href}', which is nothing in the article",
                                        line=f.line, field=f.path,
                                        hint="link to the id of a heading, figure or table of the body, or "
                                             "remove the link"))
        elif not linkable(href):
            problems.append(Problem(file, f"the {f.path} links to '{unquote(href)}', which is not a web address",
                                    line=f.line, field=f.path,
                                    hint="link to https://... or mailto:...; files are not published"))


# A footnote on the title or subtitle (Quarto writes title: "A title^[A note.]"), marked
# with these in turn and printed under the byline.
TITLE_NOTES = frozenset({"title", "subtitle"})
TITLE_MARKS = ("*", "†", "‡", "§", "¶")  # (then doubled: **, ††, ...)


def _raw_break(inlines: list[Node], index: int) -> Node:
    """A line break Pandoc put beside raw HTML in a one-line field: nothing between
    two pieces of HTML, a space between HTML and text."""
    node = inlines[index]
    if node["t"] != "LineBreak":
        return node
    around = [inlines[j]["t"] == "RawInline" for j in (index - 1, index + 1) if 0 <= j < len(inlines)]
    if all(around) and len(around) == 2:
        return {"t": "Str", "c": ""}
    return {"t": "Space"} if any(around) else node


_HTML_BREAK = re.compile(r"</?br(?:\s[^<>]*)?/?>", re.I)  # (<br>, <br/>, <br />, </br>, <BR>)


def _html_line_breaks(blocks: list[Node], implicit_figures: bool) -> None:
    """Raw HTML's line break (written after images and in table cells by converted
    documents) is a line break, as a browser and Pandoc's HTML writer read it, not
    HTML printed as text (other raw HTML stays so: structure.py). An image that only
    such breaks follow in its paragraph is the figure Pandoc makes of it without
    them (Pandoc 3.9's implicitFigure: the image's id the figure's, `alt` its
    description, its text the caption)."""
    def line_break(node: Node) -> bool:
        return node["t"] == "RawInline" and node["c"][0].lower() == "html" \
            and _HTML_BREAK.fullmatch(node["c"][1]) is not None

    for node in walk(blocks):
        if line_break(node):
            node.clear()
            node["t"] = "LineBreak"
        elif node["t"] == "Para" and implicit_figures and node["c"] and node["c"][0]["t"] == "Image" \
                and node["c"][0]["c"][1] and any(map(line_break, node["c"][1:])) \
                and all(n["t"] in ("Space", "SoftBreak") or line_break(n) for n in node["c"][1:]):
            (ident, classes, pairs), caption, target = node["c"][0]["c"]
            alt = next((value for key, value in pairs if key == "alt"), None)
            image = {"t": "Image", "c": [["", classes, [p for p in pairs if p[0] != "alt"]],
                                         words(alt) if alt is not None else copy.deepcopy(caption), target]}
            node.update(figure(ident, caption, image))


def _take_references(blocks: list[Node]) -> tuple[list[Node], list[str], dict[str, str]]:
    """The reference list Pandoc's citeproc made (a Div `#refs`, at the top level
    or in divs there, however deep), replaced by a marker of where it stood (after
    the top-level div that holds it): its entries, and the layout the style asks
    for (its classes, `hanging-indent`; its attributes, `entry-spacing` and
    `line-spacing` where the style gives them)."""
    for index, node in enumerate(blocks):
        if node["t"] == "Div" and attr(node)[0] == "refs":
            blocks[index] = {"t": REFERENCES}
            return [b for b in node["c"][1] if b["t"] == "Div"], attr(node)[1], dict(attr(node)[2])
        if node["t"] == "Div" and (child := _refs_within(node)) is not None:
            # (quarto-tdg's authoring.qmd shows the list in a figure, `::: {#refs}` two divs deep:
            # its entries' ids, ref-knuth1984, were "reserved" errors without a line, QA 30)
            blocks.insert(index + 1, {"t": REFERENCES})
            return [b for b in child["c"][1] if b["t"] == "Div"], attr(child)[1], dict(attr(child)[2])
    return [], [], {}


def _refs_within(div: Node) -> Node | None:
    """The Div `#refs` within `div`'s divs, left an empty div there."""
    for inner, child in enumerate(div["c"][1]):
        if child["t"] != "Div":
            continue
        if attr(child)[0] == "refs":
            div["c"][1][inner] = {"t": "Div", "c": [["", [], []], []]}
            return child
        if (found := _refs_within(child)) is not None:
            return found
    return None


# A paragraph (a note's, a list item's, a quotation's) that opens with a citation
# and a full stop or a parenthesis, `@zhukov1969. First edition.`: Pandoc reads
# `@zhukov1969.` as the marker of a numbered example (its example_lists), the
# citation printed as "1." and the work gone from the references.
_EXAMPLE_MARKER = re.compile(r"^((?:[ \t]*>)*[ ]{0,3}(?:\[\^[^\]\s]+\]:[ \t]*)?(?:(?:[-*+]|\d+[.)])[ \t]+)?)"
                             r"@([\w-]+)([.)])(?=[ \t]|$)")


def _citations_not_examples(text: str, keys: set[str]) -> str:
    """Where such a marker's label is a key of the bibliography, it is the citation
    the author wrote: its full stop (or parenthesis) escaped, so that Pandoc reads
    no list there. (Not in code; an example labelled as a work is cited is none.)"""
    if not keys or "@" not in text:
        return text
    lines = []
    for line, _, in_code in fenced_lines(text.splitlines(keepends=True)):
        if not in_code and "@" in line:
            line = _EXAMPLE_MARKER.sub(lambda m: f"{m[1]}@{m[2]}\\{m[3]}" if m[2] in keys else m[0], line)
        lines.append(line)
    return "".join(lines)


def _line_in(field: Field | None, token: str) -> int | None:
    """The line of the front matter a token of a field is on: a text of several lines
    is a block (`abstract: |`), its first line the one after the field's name."""
    if field is None or field.line is None:
        return None
    if "\n" not in field.text.strip():
        return field.line
    text = field.text.lstrip("\n")
    return field.line + 1 + text[:max(0, text.find(token))].count("\n")


def _convert_formulas(nodes: list[Node], setting: Setting) -> list[Problem]:
    """The formulas as MathML, with their text forms (formulas.py); if Pandoc fails
    at it, they are shown as TeX, with a warning."""
    found = of_kind(nodes, frozenset({"Math", "Span"}))
    # (JOSS's [$$...$$]{label="eq:x"}: the formula alone, with LaTeX's \label)
    replaced = {id(node) for node in (span_label(n) for n in found if n["t"] == "Span") if node is not None}
    found = [node for node in found if node["t"] == "Math" and id(node) not in replaced]
    tex_labels(found)  # (\label and \tag, which texmath cannot read, kept for numbering.py)
    try:
        formulas.convert(found, setting.file, setting.deadline, setting.formula_cache,
                         drawn=PRINT in setting.dialects and setting.sharing is None,
                         answers=pandoc.cache_in(setting.root),
                         converting=setting.sharing.coming if setting.sharing is not None else None)
    except pandoc.PandocFailed as error:
        return [Problem(setting.file, f"the formulas are shown as TeX: Pandoc could not convert them ({error})")]
    return []


def _report_formulas(found: list[tuple[Node, int | None]], setting: Setting) -> list[Problem]:
    if PRINT not in setting.dialects and setting.drawing_alongside:
        formulas.draw_from_the_end([note(node) for node, _ in found], setting.formula_cache)
    drawn = PRINT in setting.dialects
    if drawn and setting.sharing is not None:
        # (the print part draws them as it lays the print edition out: this part
        # draws them too, and says what cannot be drawn, once it has handed over)
        setting.sharing.draw_later(found)
        drawn = False
    return formulas.report(found, setting.file, setting.formula_cache, drawn)


def _highlight(nodes: list[Node], setting: Setting) -> Problem | None:
    """Code in a language Pandoc knows, highlighted by Pandoc (its token classes:
    kw, st, co, ...; their colours are in styles/css), in one run for the article;
    if that run fails, the code is shown plain, with a warning."""
    blocks = [{"t": "Div", "c": [[f"imprint-code-{index}", [], []], [
        {"t": "CodeBlock", "c": [["", [note(n)["language"]], []], note(n).get("text", n["c"][1])]}]]}
        for index, n in enumerate(nodes)]
    try:
        output, _ = pandoc.run(["-f", "json", "-t", "html", "--syntax-highlighting=default"],
                               pandoc.document(blocks), what="the code blocks", file=setting.file,
                               deadline=setting.deadline, cache=pandoc.cache_in(setting.root))
    except pandoc.PandocFailed as error:
        return Problem(setting.file, f"the code is shown without highlighting: Pandoc could not highlight it "
                                     f"({error})", line=setting.body_line)
    pieces = re.split(r'<div id="imprint-code-(\d+)">', output.decode("utf-8"))
    for index, piece in zip(pieces[1::2], pieces[2::2]):
        code = re.search(r'<pre\s+class="sourceCode[^"]*"><code[^>]*>(.*?)</code></pre>', piece, re.S)
        if code is None:
            continue  # a language Pandoc does not highlight: shown plain
        lines = []
        for line in code.group(1).split("\n"):  # each line is a span with an anchor: only the tokens stay
            line = re.sub(r'^<span id="cb\d+-\d+">(?:<a [^>]*></a>)?', "", line)
            lines.append(line[:-7] if line.endswith("</span>") else line)
        note(nodes[int(index)])["html"] = "\n".join(lines)
    return None


def _body(blocks: list[Node], analysis: Analysis, references: list[Node],
          layout: tuple[list[str], dict[str, str]], setting: Setting,
          quotes: str, note_calls: Any, records: Mapping[str, bibliography.Record]
          ) -> tuple[Body, Callable[[str], str]]:
    """The body in chapters, its notes and reference list (laid out as the style's
    `layout`: the list's classes and attributes); and how its links' targets were
    renamed (for the fields read with it)."""
    headings = {id(node): heading for node, heading in analysis.headings}
    parts: list[list[Node]] = [[]]
    for node in blocks:  # chapters: a top-level heading starts one
        if node["t"] == "Header" and id(node) in headings and headings[id(node)].level == 1 and parts[-1]:
            parts.append([])
        parts[-1].append(node)
    parts = [p for p in parts if p]
    position, refs_heading = _references_place(parts, headings, bool(references))
    entry_ids = {attr(e)[0]: entry_id(attr(e)[0].removeprefix("ref-")) for e in references}

    def link_ids(href: str) -> str:  # (links to renamed headings were renamed by structure.py)
        target = href[1:]
        return "#" + entry_ids.get(target, target)

    def quotes_of(lang: str) -> str:
        return str(setting.words_for(lang)["quotes"]) if setting.words_for else quotes

    renderers = {d: Renderer(d, setting.lang, quotes, heading_offset=0 if d == EPUB else 1, link_ids=link_ids,
                             quotes_of=quotes_of, note_calls=note_calls,
                             link_addresses=NOTES if setting.links_as_notes else INLINE) for d in setting.dialects}
    made = {note(n)["number"]: (line, bool(note(n).get("citation"))) for n, line in analysis.notes}
    chapters: list[Chapter] = []
    notes: dict[int, Note] = {}
    for part in parts:
        html = {d: Markup(r.blocks(part)) for d, r in renderers.items()}
        called = sorted(set().union(*(r.notes for r in renderers.values())) - set(notes))
        for number in called:
            line, citation = made.get(number, (None, False))
            epub = renderers[EPUB].notes[number].epub if EPUB in renderers else None
            printed = renderers[PRINT].notes[number].print if PRINT in renderers else None
            notes[number] = Note(number=number, id=f"fn-{number}", ref_id=f"fnref-{number}", line=line,
                                 epub_html=Markup(epub) if epub is not None else None,
                                 print_html=Markup(printed) if printed is not None else None, citation=citation)
        first = part[0]
        chapters.append(Chapter(
            index=len(chapters),
            heading=headings.get(id(first)) if first["t"] == "Header" else None,
            headings=tuple(headings[id(n)] for n in _outline(part) if id(n) in headings),
            epub_html=html.get(EPUB), print_html=html.get(PRINT),
            notes=tuple(notes[n] for n in called),
        ))
    entry_renderer = Renderer(EPUB, setting.lang, quotes, link_ids=link_ids)
    keys = [attr(e)[0].removeprefix("ref-") for e in references]
    entries = tuple(Entry(key=key, id=entry_ids[attr(e)[0]], html=Markup(entry_renderer.run_in(e["c"][1])),
                          lang=_other_language(records.get(key), setting.lang)) for key, e in zip(keys, references))
    assets = tuple(Asset(image, name) for image, name in analysis.assets.values())
    return Body(chapters=tuple(chapters), notes=tuple(notes[n] for n in sorted(notes)), assets=assets,
                references=() if setting.suppress_bibliography else entries,
                references_position=position, references_heading=refs_heading,
                hanging_indent="hanging-indent" in layout[0], entry_spacing=layout[1].get("entry-spacing"),
                line_spacing=layout[1].get("line-spacing")), link_ids


_LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*")


def _other_language(record: bibliography.Record | None, lang: str) -> str | None:
    """A work's language, as its record gives it (a tag: "ru-RU", from BibTeX's
    langid), when it is not the article's: its entry is marked with it, so that a
    screen reader reads a Russian work in an English list with a Russian voice
    (QA 24). A language written in words ("Russian", as Zotero's field holds it) is
    not guessed at."""
    language = str(record.csl.get("language") or "") if record else ""
    if not _LANGUAGE_TAG.fullmatch(language) or language.split("-")[0].lower() == lang.split("-")[0].lower():
        return None
    return language


def entry_id(key: str) -> str:
    """A reference entry's id: "ref-" and its key, a character an id should not hold
    written as _XX_ (its code in hex; _ itself too), so that two keys never share
    an id (smith:2020 and smith/2020)."""
    return "ref-" + re.sub(r"[^A-Za-z0-9.-]", lambda m: f"_{ord(m.group()):X}_", key)


def _references_place(parts: list[list[Node]], headings: dict[int, Heading],
                      any_references: bool) -> tuple[int, Heading | None]:
    """Where the reference list goes: where `::: {#refs}` stands (the chapter that
    holds it is split there: what follows it continues after the list), or at the
    end. A heading right over `::: {#refs}`, or a last chapter that is only a
    heading (Pandoc articles end with "# References"), becomes the list's own."""
    def printed(part: list[Node]) -> list[Node]:  # (left out: raw TeX, papaja's \\setlength under "# References";
        return [n for n in part if not (n["t"] == "RawBlock" and raw_html(n) is None)]  # an HTML comment, Manubot's)

    def heading_only(part: list[Node]) -> bool:
        shown = printed(part)
        return len(shown) == 1 and shown[0]["t"] == "Header" and id(shown[0]) in headings

    for index, part in enumerate(parts):
        marks = [i for i, n in enumerate(part) if n["t"] == REFERENCES]
        if marks:
            before, after = part[:marks[0]], [n for n in part[marks[0] + 1:] if n["t"] != REFERENCES]
            heading = None
            shown = printed(before)
            if shown and shown[-1]["t"] == "Header" and id(shown[-1]) in headings:
                heading = headings[id(shown[-1])]
                before = [n for n in before if n is not shown[-1]]
            parts[index:index + 1] = [p for p in (before, after) if printed(p)]  # (raw TeX alone: no chapter)
            return index + (1 if printed(before) else 0), heading
    if any_references and parts and heading_only(parts[-1]):
        last = parts.pop()
        return len(parts), headings[id(printed(last)[0])]
    return len(parts), None


def _dump_body_job(setting: Setting, records: Mapping[str, bibliography.Record], blocks: list[Node],
                   written: Node | None) -> None:
    """The question put to the citation engine, for the citeproc-js golden files
    (scripts/citeproc_goldens.py): set IMPRINT_CITEPROC_DUMP=<folder>. Each group of
    works as written (`written`: those citations.lua put in the style's order), for
    the goldens render it in other styles too."""
    as_written = {tuple(sorted(keys)): keys for keys in meta_value(written or {"t": "MetaList", "c": []})}
    citations = []
    in_notes = set()
    for node in walk(blocks):
        if node["t"] == "Note":
            in_notes.update(id(n) for n in walk(node["c"]))
        if node["t"] == "Cite":
            group = {c["citationId"]: c for c in node["c"][0]}
            order = as_written.get(tuple(sorted(group)), list(group))
            citations.append({"in_note": id(node) in in_notes, "citations": [group[k] for k in order]})
    citeproc_js.dump_job(f"{setting.slug}.body.json", {
        "style": str(setting.style), "lang": setting.lang, "records": [dict(r.csl) for r in records.values()],
        "nocite": list(setting.nocite), "citations": citations})


def render_fields(fields: Sequence[Field], *, file: str, lang: str, words: Mapping[str, Any], root: Path,
                  deadline: float, warnings: list[Problem] | None = None) -> dict[str, Markup]:
    """Markdown fields of a file that has no body of its own (an issue, the
    publication file), as HTML by their paths (Pandoc's answers kept in the cache of
    the project at `root`). What would be a warning (a formula that cannot be read)
    goes to `warnings`; without it, it is a problem."""
    setting = Setting(file=file, body="", body_line=1, lang=lang, words=words, root=root, folder=root,
                      deadline=deadline, dialects=(EPUB,), style=None)
    said: list[Problem] = [] if warnings is None else warnings
    rendered = read_fields(fields, setting, said)
    if warnings is None and said:
        raise SourceError(said)
    return rendered
