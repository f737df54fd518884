"""An article made ready for the writers: its Markdown rendered, its citations and
references formatted, its words looked up, its dates fixed. Templates read nothing else.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Callable, Mapping

from markupsafe import Markup

from . import __version__, press
from .citation import build_record, format_reference, full_title
from .config import DEFAULT_FORMATS, FORMATS, Settings
from .document import Body, Context, parse_block, parse_body
from .errors import Problem, SourceError, StyleError, UserError
from .markup import EPUB, PRINT, plain_text, render_inline
from .model import Affiliation, Article, Author
from .references import Citer
from .render import Theme

# When neither SOURCE_DATE_EPOCH nor the article gives a date, editions carry this
# one, so that a rebuild is still byte-identical.
FALLBACK_DATE = datetime(1980, 1, 1, tzinfo=timezone.utc)


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


@dataclass(frozen=True)
class Statements:
    """Back matter statements, rendered."""

    acknowledgements: Markup | None = None
    funding: tuple[Markup, ...] = ()
    conflict_of_interest: Markup | None = None
    data_availability: Markup | None = None

    def __bool__(self) -> bool:
        return bool(self.acknowledgements or self.funding or self.conflict_of_interest or self.data_availability)


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
    references_title: str
    record: Mapping[str, Any]  # CSL-JSON
    reference: Markup  # the "For citation" line, formatted by the CSL style
    reference_text: str
    identifier: str  # urn:doi:... or a urn:uuid: derived from the slug
    created: datetime
    modified: datetime
    generator: str

    @property
    def keywords(self) -> tuple[str, ...]:
        return self.article.keywords

    @property
    def full_title(self) -> str:
        """Title and subtitle in one line, as document properties show it."""
        return full_title(self.title_text, self.subtitle_text)


class _Collector:
    """Runs the steps of preparing an article and keeps every problem they find."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def run(self, step, *args, default=None, **kwargs):
        try:
            return step(*args, **kwargs)
        except UserError as error:
            self.problems.extend(error.problems)
            return default


def dialects(article: Article, settings: Settings) -> tuple[str, ...]:
    """What the body is rendered as: XHTML for an e-reader edition, HTML for print
    (and for every article of an issue, which is laid out to paginate the issue)."""
    formats = settings.formats or DEFAULT_FORMATS
    printed = article.issue is not None or any(FORMATS[f].printed for f in formats)
    return tuple(dialect for dialect, wanted in ((EPUB, "epub" in formats), (PRINT, printed)) if wanted)


def prepare(article: Article, theme: Theme, settings: Settings,
            meanwhile: Callable[[], object] | None = None) -> Manuscript:
    """The article made ready for the writers: every field parsed, the body with its
    notes, citations and reference list, and the article's own "For citation" line.
    `meanwhile` is called once that line is ordered, before the body is parsed:
    what else the press can make while the body is parsed here (the unit orders
    its cover there; the line is ordered first, being needed first)."""
    t = theme.strings(article.lang)
    quotes = str(t["quotes"])
    collect = _Collector()

    def context(field: str | None = None, lang_quotes: str = quotes, words=t, lang: str = article.lang,
                **more) -> Context:
        file, line = article.locate(field) if field else (article.file, article.body_line)
        return Context(file=file, first_line=line or 1, quotes=lang_quotes, words=words, root=settings.root,
                       folder=article.path.parent, lang=lang, **more)

    def block(text: str | None, field: str, **kwargs) -> Markup | None:
        return collect.run(parse_block, text, context(field, **kwargs), field) if text else None

    title, title_text, subtitle, subtitle_text = titles(article, t)
    abstract = block(article.abstract, "abstract")
    abstract_text = plain_text(abstract) if abstract else None
    translation = collect.run(_translate, article, theme, block, default=None)

    references, problems = {}, []
    if article.bibliography or article.shared_bibliography:
        from .bibliography import load_references  # BibTeX and CSL readers: only for an article that cites

        references, problems = load_references(settings.root, article.bibliography, article.shared_bibliography)
    collect.problems.extend(problems)
    try:
        style = theme.csl_style(article.csl)
    except StyleError as error:
        collect.problems.extend(_style_problems(article, error))
        style = None
    record = build_record(article, full_title(title_text, subtitle_text), abstract_text)
    # The "For citation" line needs none of the body: the press (if it formats
    # them) formats it while the body is parsed here.
    ordered = press.order("reference", record, style, article.lang) if style is not None else None
    if meanwhile is not None:
        meanwhile()
    citer = Citer({k: r.record for k, r in references.items()}, style, article.lang,
                  and_word=t["and"], et_al=t["et_al"]) if style is not None else None
    nocite = tuple(references) if article.nocite == ("*",) else article.nocite
    body = collect.run(parse_body, article.body, context(
        number_sections=article.number_sections, references=references, citer=citer, nocite=nocite,
        suppress_bibliography=article.suppress_bibliography, dialects=dialects(article, settings)))

    back = article.back_matter
    statements = Statements(
        acknowledgements=block(back.acknowledgements, "acknowledgements"),
        funding=tuple(filter(None, (block(s, "funding") for s in back.funding))),
        conflict_of_interest=block(back.conflict_of_interest, "conflict-of-interest"),
        data_availability=block(back.data_availability, "data-availability"),
    )
    author_notes = {i: block(a.note, "author") for i, a in enumerate(article.authors) if a.note}

    reference = (Markup(""), "")
    if ordered is not None:
        try:
            reference = ordered.result()
        except StyleError as error:
            collect.problems.extend(_style_problems(article, error))
    if collect.problems:
        raise SourceError(collect.problems)

    affiliations: list[Affiliation] = []
    bylines = []
    for author in article.authors:
        numbers = []
        for affiliation in author.affiliations:
            if affiliation not in affiliations:
                affiliations.append(affiliation)
            numbers.append(affiliations.index(affiliation) + 1)
        bylines.append(Byline(author, tuple(numbers)))

    published = article.date.to_datetime() if article.date else None
    if settings.source_date_epoch is not None:
        modified = datetime.fromtimestamp(settings.source_date_epoch, tz=timezone.utc)
    elif article.date_modified:
        modified = article.date_modified.to_datetime()
    else:
        modified = published or FALLBACK_DATE

    return Manuscript(
        article=article,
        t=t,
        title=title,
        title_text=title_text,
        subtitle=subtitle,
        subtitle_text=subtitle_text,
        running_title=article.short_title or _main_title(title_text),
        running_authors=_running_authors(article, t),
        abstract=abstract,
        abstract_text=abstract_text,
        translation=translation,
        bylines=tuple(bylines),
        affiliations=tuple(affiliations),
        body=body,
        statements=statements,
        author_notes=MappingProxyType(author_notes),
        references_title=(body.references_heading.text if body.references_heading else None)
        or article.reference_section_title or t["references"],
        record=MappingProxyType(record),
        reference=reference[0],
        reference_text=reference[1],
        identifier=_identifier(article),
        created=published or modified,
        modified=modified,
        generator=f"Imprint {__version__}",
    )


def titles(article: Article, t: Mapping[str, Any]) -> tuple[Markup, str, Markup | None, str | None]:
    """The article's title and subtitle, rendered and as plain text."""
    quotes = str(t["quotes"])
    title = render_inline(article.title, quotes, article.lang)
    subtitle = render_inline(article.subtitle, quotes, article.lang) if article.subtitle else None
    return title, plain_text(title), subtitle, plain_text(subtitle) if subtitle else None


def with_pages(manuscript: Manuscript, first: int, last: int, theme: Theme) -> Manuscript:
    """The manuscript printed on pages first-last of its issue: the page range in its
    citation record and "For citation" line, the first page's number on its print
    editions. Only what the pages change is made again."""
    article = manuscript.article
    page = f"{first}-{last}" if last > first else str(first)
    article = dataclasses.replace(article, folio=first,
                                  citation=dataclasses.replace(article.citation, page=page))
    record = build_record(article, manuscript.full_title, manuscript.abstract_text)
    reference, reference_text = format_reference(record, theme.csl_style(article.csl), article.lang)
    return dataclasses.replace(manuscript, article=article, record=MappingProxyType(record),
                               reference=reference, reference_text=reference_text)


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
    return [Problem(file, f"citation style '{article.csl}': {p.message}", line=line, field="csl", hint=p.hint)
            for p in error.problems]


def _translate(article: Article, theme: Theme, block) -> TranslatedFront | None:
    translation = article.translation
    if translation is None:
        return None
    words = theme.strings(translation.lang)
    quotes = str(words["quotes"])
    title = render_inline(translation.title, quotes, translation.lang) if translation.title else None
    abstract = block(translation.abstract, "translation", lang_quotes=quotes, words=words, lang=translation.lang)
    return TranslatedFront(
        lang=translation.lang,
        t=words,
        title=title,
        title_text=plain_text(title) if title else None,
        subtitle=render_inline(translation.subtitle, quotes, translation.lang) if translation.subtitle else None,
        abstract=abstract,
        abstract_text=plain_text(abstract) if abstract else None,
        keywords=translation.keywords,
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
