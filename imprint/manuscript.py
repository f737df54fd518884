"""An article made ready for the writers: its Markdown rendered, its citation
formatted, its words looked up, its dates fixed. Templates read nothing else.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from types import MappingProxyType
from typing import Any, Mapping

from markupsafe import Markup

from . import __version__
from .citation import build_record, format_reference, full_title
from .config import Settings
from .errors import Problem, SourceError, StyleError
from .markup import Body, parse_body, plain_text, render_block, render_inline
from .model import Affiliation, Article, Author
from .render import Theme

# When neither SOURCE_DATE_EPOCH nor the article gives a date, editions carry this
# one, so that a rebuild is still byte-identical.
FALLBACK_DATE = datetime(1980, 1, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Byline:
    author: Author
    affiliation_numbers: tuple[int, ...]  # into Manuscript.affiliations, from 1


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
    bylines: tuple[Byline, ...]
    affiliations: tuple[Affiliation, ...]  # each once, in order of first mention
    body: Body
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


def prepare(article: Article, theme: Theme, settings: Settings) -> Manuscript:
    t = theme.strings(article.lang)
    quotes = str(t.get("quotes", "“”‘’"))
    title = render_inline(article.title, quotes)
    subtitle = render_inline(article.subtitle, quotes) if article.subtitle else None
    title_text = plain_text(title)
    subtitle_text = plain_text(subtitle) if subtitle else None
    problems: list[Problem] = []  # every problem of the article, not just the first
    abstract = body = reference = None
    try:
        if article.abstract:
            abstract = render_block(article.abstract, quotes, *article.locate("abstract"))
    except SourceError as error:
        problems.extend(error.problems)
    try:
        body = parse_body(article.body, quotes, article.file, article.body_line)
    except SourceError as error:
        problems.extend(error.problems)
    abstract_text = plain_text(abstract) if abstract else None
    record = build_record(article, full_title(title_text, subtitle_text), abstract_text)
    try:
        reference, reference_text = format_reference(record, theme.csl_style(article.csl), article.lang)
    except StyleError as error:
        file, line = article.locate("csl")
        problems.extend(Problem(file, f"citation style '{article.csl}': {p.message}", line=line, field="csl",
                                hint=p.hint) for p in error.problems)
    if problems:
        raise SourceError(problems)

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
        bylines=tuple(bylines),
        affiliations=tuple(affiliations),
        body=body,
        record=MappingProxyType(record),
        reference=reference,
        reference_text=reference_text,
        identifier=_identifier(article),
        created=published or modified,
        modified=modified,
        generator=f"Imprint {__version__}",
    )


def _main_title(title: str) -> str:
    """A running head carries the title without what follows its colon."""
    main = title.split(": ", 1)[0]
    return main if len(main) >= 3 else title


def _running_authors(article: Article, t: Mapping[str, Any]) -> str:
    names = [a.name.initials for a in article.authors]
    if len(names) > 2:
        return f"{names[0]} {t.get('et_al', 'et al.')}"
    return f" {t.get('and', 'and')} ".join(names)


def _identifier(article: Article) -> str:
    if article.doi:
        return f"urn:doi:{article.doi}"
    # No DOI: a stable identifier derived from where the article lives.
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, (article.base_url or 'imprint:') + article.slug)}"
