"""An article made ready for the writers: its Markdown rendered, its citations and
references formatted, its words looked up, its dates fixed. Templates read nothing else.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from ..source.readonly import ReadOnlyDict
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

from markupsafe import Markup

from .. import __version__
from ..body import pandoc
from ..body.chapters import EPUB, PRINT, Body, plain_text
from ..body.formulas import cache_folder
from ..body.reader import PRINTED, Field, Setting, read_fields, start_body
from ..body.references import Line, format_references, prepared, venue_words
from ..body.references import start as start_references
from ..source.record import build_record, full_title
from ..settings import Settings
from ..editions import DEFAULT, E_READER, EDITIONS, writing_modules
from ..errors import Problem, SourceError, StyleError, UserError
from ..files import display, read_found
from ..source.model import STATEMENTS, Affiliation, Article, Author
from ..theme import Theme, Words, renamed_style

# When neither SOURCE_DATE_EPOCH nor the article gives a date, editions carry this
# one, so that a rebuild is still byte-identical.
FALLBACK_DATE = datetime(1980, 1, 1, tzinfo=timezone.utc)
NOTE_CALLS = "note-calls.html.j2"  # how the text calls its notes (macros)


@dataclass(frozen=True)
class Byline:
    author: Author
    affiliation_numbers: tuple[int, ...]  # into Manuscript.affiliations, from 1


@dataclass(frozen=True)
class TranslatedFront:
    """The front matter in the article's second language."""

    lang: str
    t: Mapping[str, Any]  # the words of that language
    title: Markup | None
    title_text: str | None
    subtitle: Markup | None
    abstract: Markup | None
    abstract_text: str | None
    keywords: tuple[str, ...]
    # The "For citation" line in this language (the translated title and names), as
    # the journal prints both lines on a bilingual article's first page; None when
    # the translation has no title to cite it by.
    reference: Markup | None = None
    reference_text: str | None = None


@dataclass(frozen=True)
class Statements:
    """Back matter statements, rendered."""

    acknowledgements: Markup | None = None
    funding: tuple[Markup, ...] = ()
    author_contributions: Markup | None = None
    conflict_of_interest: Markup | None = None
    institutional_review: Markup | None = None
    informed_consent: Markup | None = None
    data_availability: Markup | None = None
    code_availability: Markup | None = None
    supplementary_material: Markup | None = None
    disclaimer: Markup | None = None

    @property
    def listed(self) -> list[tuple[str, Markup | tuple[Markup, ...]]]:
        """The statements given after the acknowledgements, in print order (model.STATEMENTS),
        each by its name in styles/locales/ (conflict_of_interest)."""
        return [(name, value) for name in (field.replace("-", "_") for field in STATEMENTS)
                if (value := getattr(self, name))]

    def __bool__(self) -> bool:
        return bool(self.acknowledgements or self.listed)


@dataclass(frozen=True)
class Manuscript:
    article: Article
    t: Mapping[str, Any]  # the words of the article's language (styles/locales)
    title: Markup
    title_text: str
    subtitle: Markup | None
    subtitle_text: str | None
    running_title: str
    running_authors: str
    abstract: Markup | None
    abstract_text: str | None
    translation: TranslatedFront | None
    bylines: tuple[Byline, ...]
    affiliations: tuple[Affiliation, ...]  # each once, in order of first mention
    body: Body
    statements: Statements
    author_notes: Mapping[int, Markup]  # index into article.authors -> rendered note
    plain_language_summary: Markup | None  # Quarto's (AGU's) fields, rendered
    key_points: tuple[Markup, ...]
    byline_notes: Mapping[str, Markup]  # Quarto's author-notes: equal-contributor, deceased, group
    title_notes: Markup | None  # footnotes on the title or subtitle, printed under the byline
    references_title: str
    record: Mapping[str, Any]  # CSL-JSON
    reference: Markup  # the "For citation" line, formatted by the CSL style
    reference_text: str
    identifier: str  # urn:doi:... or a urn:uuid: derived from the slug
    created: datetime
    modified: datetime
    generator: str
    warnings: tuple[Problem, ...] = ()  # what the build reports but does not stop for
    lines_ahead: Mapping[str, Line] = ReadOnlyDict()  # its citation lines formatted ahead (references.format_ahead)
    # Its Markdown fields as print shows them, by field (abstract, funding[0], ...; not the
    # titles): a link's address after its text (body/addresses.py), an address's breaks
    printed_fields: Mapping[str, Markup] = ReadOnlyDict()

    def for_print(self) -> "Manuscript":
        """The manuscript as the print editions show its front and back matter."""
        printed = self.printed_fields
        if not printed:
            return self

        def shown(path: str, markup: Markup | None) -> Markup | None:
            return printed.get(path, markup)
        statements = self.statements
        statements = dataclasses.replace(
            statements, acknowledgements=shown("acknowledgements", statements.acknowledgements),
            funding=tuple(shown(f"funding[{i}]", text) for i, text in  # (each by its place in the front matter)
                          zip((i for i, given in enumerate(self.article.back_matter.funding) if given),
                              statements.funding)),
            **{name.replace("-", "_"): shown(name, getattr(statements, name.replace("-", "_")))
               for name in STATEMENTS if name != "funding"})
        translation = self.translation and dataclasses.replace(
            self.translation, abstract=shown("translation.abstract", self.translation.abstract))
        return dataclasses.replace(
            self, abstract=shown("abstract", self.abstract), statements=statements, translation=translation,
            author_notes=ReadOnlyDict({i: shown(f"author[{i}].note", note) for i, note in self.author_notes.items()}),
            plain_language_summary=shown("plain-language-summary", self.plain_language_summary),
            key_points=tuple(shown(f"key-points[{i}]", point) for i, point in enumerate(self.key_points)),
            byline_notes=ReadOnlyDict({key: shown(f"author-notes.{key}", note)
                                       for key, note in self.byline_notes.items()}))

    @property
    def keywords(self) -> tuple[str, ...]:
        return self.article.keywords

    @property
    def title_unmarked(self) -> Markup:
        """The title without the marks of its notes: where the notes are not (an
        issue's contents)."""
        return Markup(without_note_marks(self.title))

    @property
    def full_title(self) -> str:
        """Title and subtitle in one line, as document properties show it."""
        return full_title(self.title_text, self.subtitle_text)


def dialects(article: Article, settings: Settings) -> tuple[str, ...]:
    """What the body is rendered as: XHTML for an e-reader edition, HTML for print
    (and for every article of an issue, which is laid out to paginate the issue)."""
    editions = [EDITIONS[f] for f in settings.formats or DEFAULT]
    printed = article.issue is not None or any(edition.printed for edition in editions)
    read = any(edition.kind == E_READER for edition in editions)
    return tuple(dialect for dialect, wanted in ((EPUB, read), (PRINT, printed)) if wanted)


def _load_writing(theme: Theme, settings: Settings) -> Any:
    """What writing the editions needs loaded (writing_modules), and the macros
    that call the body's notes (styles/templates/note-calls.html.j2)."""
    for module in writing_modules(settings.formats or DEFAULT):
        importlib.import_module(module)
    return theme.macros(NOTE_CALLS)


def prepare(article: Article, theme: Theme, settings: Settings, print_alongside: bool = False,
            lines_ahead: Mapping[str, Line] | None = None,
            meanwhile: Callable[[Mapping[str, Markup]], None] | None = None,
            sharing: Any = None) -> Manuscript:
    """The article made ready for the writers: its Markdown fields and body read
    by Pandoc, with its notes, citations and reference list, and the article's
    own "For citation" line. Every problem is raised at once. `print_alongside`:
    another part of the build makes its print editions meanwhile (this one then
    helps it draw the formulas). `lines_ahead`: its citation lines as the build
    formatted them ahead (lines_wanted), by references.line_key. `meanwhile`: what
    to do with the rendered fields while Pandoc reads the text (draw the cover).
    `sharing` (building/handoff.py's Giving): told that formulas are being converted,
    then their MathML, for another process to draw them from the last back meanwhile."""
    t = theme.strings(article.lang)
    problems: list[Problem] = []
    try:
        style: Path | None = theme.csl_style(article.csl)
        # (checked before the body's citeproc is given it: a style it refuses, told once
        # at its line, not also as the body's and the "For citation" line's problem)
        prepared(read_found(style, "CSL style"), display(style, settings.root))
    except StyleError as error:
        problems += _style_problems(article, error)
        style = None
    # Three Pandoc runs at once: the body (the longest), the front matter's Markdown,
    # then the article's own "For citation" line, which needs its title as text.
    # A field that cites (an abstract may) is read with the body, by its citeproc.
    fields = markdown_fields(article)
    cited = tuple(f for f in fields if not f.inline and "@" in f.text)
    setting = Setting(
        file=article.file, body=article.body, body_line=article.body_line, lang=article.lang, words=t,
        root=settings.root, folder=article.path.parent, deadline=pandoc.deadline_in(settings.time_limit),
        dialects=dialects(article, settings), style=style, bibliography=article.bibliography,
        shared_bibliography=article.shared_bibliography, unread_bibliography=article.unread_bibliography,
        references=article.references,
        nocite=article.nocite, nocite_line=article.locate("nocite")[1], cell_defaults=article.execute,
        suppress_bibliography=article.suppress_bibliography, number_sections=article.number_sections,
        links_as_notes=article.links_as_notes, extensions=article.markdown_extensions, prefixes=article.crossref_prefixes, slug=article.slug,
        other_words={article.translation.lang: theme.strings(article.translation.lang)}
        if article.translation else {}, words_for=theme.strings, formula_cache=cache_folder(settings.root),
        drawing_alongside=print_alongside, sharing=sharing, cited_fields=cited)
    reading = formatting = None
    field_warnings: list[Problem] = []
    try:
        try:
            reading = start_body(setting)
        except UserError as error:
            problems += error.problems
        try:
            rendered = read_fields([f for f in fields if f not in cited], setting, field_warnings)
        except UserError as error:
            problems += error.problems
            rendered = {}
        body, warnings = None, ()
        if not cited:
            formatting = _start_reference(article, rendered, style, t, setting, problems, lines_ahead)
        if meanwhile is not None and reading is not None and not problems:
            meanwhile(rendered)
        note_calls = _load_writing(theme, settings) if reading is not None else None  # (while Pandoc reads)
        try:
            if reading is not None:
                body, warnings, more = reading.result(note_calls)
                reading = None
                rendered = {**rendered, **more}
        except UserError as error:
            problems += error.problems
            warnings = error.warnings
            reading = None
        warnings = tuple(field_warnings) + tuple(warnings) + _words_of(article, theme) + _renamed(article, style)
        if cited and not problems:
            formatting = _start_reference(article, rendered, style, t, setting, problems, lines_ahead)
        lines: list[tuple[Markup, str] | None] = [None, None]
        if formatting is not None:
            try:
                lines = [running.result()[0][0] if running is not None else None for running in formatting]
            except StyleError as error:
                problems += _style_problems(article, error)
            formatting = None
        (reference, reference_text), translated_line = lines[0] or (None, None), lines[1]
    finally:  # an error not the user's: no Pandoc left running, no files left behind
        for running in (reading, *(formatting or ())):
            if running is not None:
                running.cancel()
    if problems:
        raise SourceError(problems, warnings)
    title = rendered.get("title", Markup(""))
    title_text = metadata_text(title)
    subtitle = rendered.get("subtitle")
    subtitle_text = metadata_text(subtitle) if subtitle else None
    abstract = rendered.get("abstract")
    abstract_text = metadata_text(abstract) if abstract else None
    short_title = metadata_text(rendered["short-title"]) if rendered.get("short-title") else None
    record = build_record(article, full_title(record_text(title), subtitle and record_text(subtitle)), abstract_text,
                          short_title)
    back = article.back_matter
    statements = Statements(
        acknowledgements=rendered.get("acknowledgements"),
        funding=tuple(rendered[f"funding[{i}]"] for i in range(len(back.funding)) if f"funding[{i}]" in rendered),
        **{name.replace("-", "_"): rendered.get(name) for name in STATEMENTS if name != "funding"},
    )
    author_notes = {i: rendered[f"author[{i}].note"] for i in range(len(article.authors))
                    if f"author[{i}].note" in rendered}

    # (each affiliation once, in order of first mention; an author's by their numbers in that order, from 1)
    affiliations = list(dict.fromkeys(a for author in article.authors for a in author.affiliations))
    bylines = [Byline(author, tuple(affiliations.index(a) + 1 for a in author.affiliations))
               for author in article.authors]

    published = article.date.to_datetime() if article.date else None
    # (the editor's dates first: SOURCE_DATE_EPOCH, which set-ups take from the last commit, re-dated every
    # article at every commit, and lost the date of a correction: QA 20)
    if article.date_modified:
        modified = article.date_modified.to_datetime()
    elif published is not None:
        modified = published
    elif settings.source_date_epoch is not None:
        modified = datetime.fromtimestamp(settings.source_date_epoch, tz=timezone.utc)
    else:
        modified = FALLBACK_DATE
    return Manuscript(
        article=article,
        t=_with_venue_words(t, style, article.lang),
        title=title,
        title_text=title_text,
        subtitle=subtitle,
        subtitle_text=subtitle_text,
        running_title=short_title or _main_title(title_text),
        running_authors=_running_authors(article, t),
        abstract=abstract,
        abstract_text=abstract_text,
        translation=_translation(article, theme, rendered, translated_line),
        bylines=tuple(bylines),
        affiliations=tuple(affiliations),
        body=body,
        statements=statements,
        author_notes=ReadOnlyDict(author_notes),
        plain_language_summary=rendered.get("plain-language-summary"),
        key_points=tuple(rendered[f"key-points[{i}]"] for i in range(len(article.key_points))),
        byline_notes=ReadOnlyDict({key: rendered[f"author-notes.{key}"] for key in article.byline_notes}),
        title_notes=rendered.get("title-notes"),
        references_title=(body.references_heading.text if body.references_heading else None)
        or article.reference_section_title or t["references"],
        record=ReadOnlyDict(record),
        reference=reference,
        reference_text=reference_text,
        identifier=_identifier(article),
        created=published or modified,
        modified=modified,
        generator=f"Imprint {__version__}",
        warnings=warnings,
        lines_ahead=ReadOnlyDict(lines_ahead or {}),
        printed_fields=ReadOnlyDict({key.removeprefix(PRINTED): value for key, value in rendered.items()
                                     if key.startswith(PRINTED)}),
    )


def _with_venue_words(t: Words, style: Path | None, lang: str) -> Words:
    """The words of the article's language, those of the venue line as its citation
    style gives them where it does (references.venue_words): the front matter's
    venue line and its "For citation" line agree on one page (QA 24)."""
    words = venue_words(read_found(style, "CSL style"), lang) if style is not None else {}
    return Words({**t, **words}, t.lang) if words else t


def _start_reference(article: Article, rendered: Mapping[str, Markup], style: Path | None, t: Mapping[str, Any],
                     setting: Setting, problems: list[Problem], known: Mapping[str, Line] | None):
    """The article's own "For citation" line and, for a translated article, the line
    in the translation's language, being formatted: (line, translated line or None),
    or None (no style; no title: that is told as the front matter's problem, and
    a style prints nothing for a work without one)."""
    if style is None or problems or not article.title:
        return None

    def text(key: str, rich: bool = False) -> str | None:
        return (record_text if rich else metadata_text)(rendered[key]) if rendered.get(key) else None

    record = build_record(article, full_title(text("title", True) or "", text("subtitle", True)), text("abstract"),
                          text("short-title"))
    translated = translated_record(article, record, text("translation.title", True),
                                   text("translation.subtitle", True))

    def start(item: Mapping[str, Any], lang: str, words: Mapping[str, Any]):
        return start_references([item], [style], lang, file=article.file, deadline=setting.deadline,
                                quotes=str(words["quotes"]), cache=pandoc.cache_in(setting.root), known=known,
                                root=setting.root)

    first = None
    try:
        first = start(record, article.lang, t)
        second = None if translated is None else \
            start(translated, article.translation.lang, setting.other_words[article.translation.lang])
    except StyleError as error:
        if first is not None:  # (the translated line's style failed: neither line is made)
            first.cancel()
        problems += _style_problems(article, error)
        return None
    return first, second


def lines_wanted(article: Article, theme: Theme, cite_as: Sequence[str] = ()
                 ) -> list[tuple[dict[str, Any], Path, str, str]]:
    """The citation lines the article's unit will format, each (record, style,
    language, quotation marks): its "For citation" line (in its translation's
    language too) and its "Cite as" lines in the styles `cite_as` names, so far as
    the front matter tells them before Pandoc reads its Markdown: a title in
    plain words is read as itself, a title with more is not guessed (its unit
    formats its lines). A line formatted ahead is used only for the record it was
    formatted from (references.line_key). A problem with the article's style or
    words is its unit's to tell: none are wanted then."""
    try:
        return _lines_wanted(article, theme, cite_as)
    except UserError:
        return []


def _lines_wanted(article: Article, theme: Theme, cite_as: Sequence[str]
                  ) -> list[tuple[dict[str, Any], Path, str, str]]:
    t = theme.strings(article.lang)
    styles = list(dict.fromkeys(theme.csl_style(name) for name in (article.csl, *cite_as)))
    title, subtitle, short = (_as_read(text) for text in (article.title, article.subtitle, article.short_title))
    if title is None or subtitle is None or short is None:
        return []
    record = build_record(article, full_title(title, subtitle or None), None, short or None)
    wanted = [(record, style, article.lang, str(t["quotes"])) for style in styles]
    translation = article.translation
    if translation is not None:
        title, subtitle = _as_read(translation.title), _as_read(translation.subtitle)
        translated = translated_record(article, record, title, subtitle or None) if subtitle is not None else None
        if translated is not None:
            wanted.append((translated, styles[0], translation.lang, str(theme.strings(translation.lang)["quotes"])))
    return wanted


# Words, numbers and the punctuation Pandoc reads as itself: no Markdown, no
# quotes its smart extension curls, no "--" or "..." it turns into a dash or an
# ellipsis; nor a list's marker at the start.
_PLAIN = re.compile(r"(?!\S{1,4}[.)]( |$)|[-+*] )(?!.*(--|\.\.|  ))"
                    r"[^\W_](?:[^\W_]|[ ,.:;?!()«»„“”‘’№%/+=—–-])*")


def _as_read(text: str | None) -> str | None:
    """A field's text as Pandoc reads it, if plain words ("" if there is none); else None."""
    if not text:
        return ""
    return text if _PLAIN.fullmatch(text) else None


def translated_record(article: Article, record: Mapping[str, Any], title: str | None,
                      subtitle: str | None) -> dict[str, Any] | None:
    """The citation record as the article's second language cites it: its translated
    title, its authors' names in that language (where given), that language; the
    journal as `citation: translation:` names it in that language, else as the
    record does. None when the translation gives no title."""
    if article.translation is None or not title:
        return None
    translated = {k: v for k, v in record.items() if k not in ("title-short", "abstract", "keyword")}
    # Its own id ("<slug>.en"): a job of its own when the jobs are dumped for citeproc-js.
    translated["id"] = f"{record['id']}.{article.translation.lang}"
    translated["title"] = full_title(title, subtitle)
    translated["language"] = article.translation.lang
    if _language(article.translation.lang) == "en" != _language(article.lang):
        # (a name left in the article's language, its journal's: no English title case for it, CSL 1.0.2's
        # text-case: "Вестник Испытательного Журнала" in an English line, QA 22)
        for key in _TITLES:
            if isinstance(translated.get(key), str) and key not in article.citation.translated:
                translated[key] = f'<span class="nocase">{translated[key]}</span>'
    translated.update(article.citation.translated)  # (the journal's name in that language, if given)
    if article.authors:
        translated["author"] = [(a.translation.name if a.translation and a.translation.name else a.name).csl()
                                for a in article.authors]
    return translated


_TITLES = ("container-title", "container-title-short", "collection-title", "event-title")


def _language(tag: str) -> str:
    return tag.split("-")[0].lower()


def without_note_marks(markup: str) -> str:
    """A title without the marks of its footnotes (for metadata and running heads)."""
    return re.sub(r'<sup class="title-note-ref">[^<]*</sup>', "", str(markup))


def record_text(markup: str) -> str:
    """metadata_text(), with its emphasis kept as CSL-JSON's rich text, `<i>` and
    `<b>`, which both citation engines and Zotero read: "Reading <i>Capital</i>
    Today", whose inner title the style then sets off (upright in an italic title).
    (The records' titles: the "For citation" line lost the inner title's italics.)"""
    marked = _EMPHASIS.sub(lambda found: _MARKS[found.group()], str(markup))
    return _MARKED.sub(lambda found: _RICH[found.group()], metadata_text(marked))


# (each tag as a character of the Private Use Area while metadata_text() drops the others)
_RICH = {"\ue0f0": "<i>", "\ue0f1": "</i>", "\ue0f2": "<b>", "\ue0f3": "</b>"}
_MARKS = dict(zip(("<em>", "</em>", "<strong>", "</strong>"), _RICH))
_EMPHASIS = re.compile("|".join(_MARKS))
_MARKED = re.compile(f"[{''.join(_RICH)}]")


def metadata_text(markup: str) -> str:
    """A rendered field as the metadata and citation records carry it: plain text,
    without note marks, and without the invisible characters typesetting adds to
    control line breaks (a word joiner after a range's dash, a soft hyphen), which a
    reference manager would store as part of the title."""
    return plain_text(without_note_marks(markup)).replace("\u2060", "").replace("\u00ad", "")


def _words_of(article: Article, theme: Theme) -> tuple[Problem, ...]:
    """A warning when the article's language has no words in styles/locales/: its
    editions' own words ("Abstract", "Table 1.", "References") are English's."""
    if theme.has_words(article.lang):
        return ()
    file, line = article.locate("lang")
    return (Problem(file, f"styles/locales/ has no words for the language '{article.lang}': the editions' own "
                          "words (Abstract, Table 1., References, About the authors) are printed in English", line=line,
                    hint=f"add styles/locales/{article.lang.split('-')[0]}.yaml: a copy of Imprint's "
                         "styles/locales/en.yaml with its words in the language"),)


def _renamed(article: Article, style: Path | None) -> tuple[Problem, ...]:
    """A note when the article names a style by a name the CSL repository has
    since changed (its old address serves the new style, as the new name here)."""
    new = renamed_style(article.csl) if article.csl and style is not None else None
    if new is None or style.stem != new:  # (a project's own style of the old name is that one)
        return ()
    file, line = article.locate("csl")
    old = article.csl.rstrip("/").rsplit("/", 1)[-1].removesuffix(".csl")
    return (Problem(file, f"the CSL repository renamed the style '{old}' to '{new}': that one is used",
                    line=line, field="csl", hint=f"write csl: {new}"),)


def markdown_fields(article: Article) -> list[Field]:
    """Every front-matter field written in Markdown, to be read with the body."""
    def line(path: str) -> int | None:
        return article.locate(path.split("[")[0].split(".")[0])[1]

    back = article.back_matter
    candidates: list[tuple[str, str | None, bool, str | None]] = [
        ("title", article.title, True, None),
        ("subtitle", article.subtitle, True, None),
        ("short-title", article.short_title, True, None),
        ("abstract", article.abstract, False, None),
        ("acknowledgements", back.acknowledgements, False, None),
        *((name, getattr(back, name.replace("-", "_")), False, None) for name in STATEMENTS if name != "funding"),
        *((f"funding[{i}]", text, False, None) for i, text in enumerate(back.funding)),
        *((f"author[{i}].note", a.note, False, None) for i, a in enumerate(article.authors)),
        ("plain-language-summary", article.plain_language_summary, False, None),
        *((f"key-points[{i}]", text, True, None) for i, text in enumerate(article.key_points)),
        *((f"author-notes.{key}", text, True, None) for key, text in article.byline_notes.items()),
    ]
    translation = article.translation
    if translation is not None:
        candidates += [("translation.title", translation.title, True, translation.lang),
                       ("translation.subtitle", translation.subtitle, True, translation.lang),
                       ("translation.abstract", translation.abstract, False, translation.lang)]
    return [Field(path, text, inline, line(path), lang) for path, text, inline, lang in candidates if text]


def with_pages(manuscript: Manuscript, first: int, last: int, theme: Theme) -> Manuscript:
    """The manuscript printed on pages first-last of its issue: the page range in its
    citation record and "For citation" line, the first page's number on its print
    editions. Only what the pages change is made again."""
    article = manuscript.article
    page = f"{first}-{last}" if last > first else str(first)
    article = dataclasses.replace(article, folio=first,
                                  citation=dataclasses.replace(article.citation, page=page))
    record = build_record(article, manuscript.record.get("title", manuscript.full_title), manuscript.abstract_text,
                          manuscript.record.get("title-short"))
    # (one record: well under a second; the unit's own time limit still holds)
    style = theme.csl_style(article.csl)
    reference, reference_text = format_references([record], [style], article.lang,
                                                  file=article.file, deadline=pandoc.deadline_in(60),
                                                  quotes=str(manuscript.t["quotes"]),
                                                  cache=pandoc.cache_in(theme.root))[0][0]
    translation = manuscript.translation
    if translation is not None and translation.reference is not None:
        translated = translated_record(article, record, translation.title and record_text(translation.title),
                                       record_text(translation.subtitle) if translation.subtitle else None)
        line, text = format_references([translated], [style], translation.lang, file=article.file,
                                       deadline=pandoc.deadline_in(60), quotes=str(translation.t["quotes"]),
                                       cache=pandoc.cache_in(theme.root))[0][0]
        translation = dataclasses.replace(translation, reference=line, reference_text=text)
    return dataclasses.replace(manuscript, article=article, record=ReadOnlyDict(record),
                               reference=reference, reference_text=reference_text, translation=translation)


def issue_label(volume: str | None, issue: str | None, collection_number: str | None, year: int | None,
                t: Mapping[str, Any]) -> str | None:
    """"Vol. 5, no. 3 (19), 2019" in the words of the edition's language."""
    parts = []
    if volume:
        parts.append(f"{t['volume']} {volume}")
    if issue:
        number = f"{t['issue']} {issue}"
        parts.append(f"{number} ({collection_number})" if collection_number else number)
    if parts and year:
        parts.append(str(year))
    return ", ".join(parts) or None


def _style_problems(article: Article, error: StyleError) -> list[Problem]:
    """A style problem, told where the article names the style."""
    file, line = article.locate("csl")
    return [p if p.line is not None else  # (one at its line in the style: told there, once for all its articles)
            Problem(file, f"citation style '{article.csl}': {p.message}", line=line, field="csl", hint=p.hint)
            for p in error.problems]


def _translation(article: Article, theme: Theme, rendered: Mapping[str, Markup],
                 line: tuple[Markup, str] | None) -> TranslatedFront | None:
    translation = article.translation
    if translation is None:
        return None
    title = rendered.get("translation.title")
    abstract = rendered.get("translation.abstract")
    return TranslatedFront(
        lang=translation.lang,
        t=theme.strings(translation.lang),
        title=title,
        title_text=metadata_text(title) if title else None,
        subtitle=rendered.get("translation.subtitle"),
        abstract=abstract,
        abstract_text=metadata_text(abstract) if abstract else None,
        keywords=translation.keywords,
        reference=line[0] if line else None,
        reference_text=line[1] if line else None,
    )


def _main_title(title: str) -> str:
    """A running head carries the title without what follows its colon."""
    main = title.split(": ", 1)[0]
    return main if len(main) >= 3 else title


def _running_authors(article: Article, t: Mapping[str, Any]) -> str:
    names = [a.name.initials for a in article.authors]
    if len(names) > 2:
        return f"{names[0]} {t['et_al']}"
    return f" {t['and']} ".join(names)


def _identifier(article: Article) -> str:
    if article.doi:
        return f"urn:doi:{article.doi}"
    # No DOI: a stable identifier derived from where the article lives.
    import uuid  # (with platform, 3 ms of every start: only an article without a DOI needs it)

    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, (article.base_url or 'imprint:') + article.slug)}"
