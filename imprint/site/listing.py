"""What the site's index and the OPDS catalogue say of each article and issue: a
listing, made when the article (or issue) is built and kept in the build
manifest, so that the index and catalogue can be made again without building
every article again (an incremental build, a shard's assembly).

Listings are plain data: they travel between processes and to JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..source.model import split_pages

if TYPE_CHECKING:
    from ..prepare.issue import IssueManuscript
    from ..prepare.article import Manuscript


@dataclass(frozen=True)
class Person:
    name: str
    orcid_url: str | None = None


class _Dated:
    """A listing's date (YYYY, YYYY-MM or YYYY-MM-DD) and modification time (ISO 8601)."""

    date: str | None
    modified: str

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date else None

    @property
    def modified_at(self) -> datetime:
        return datetime.fromisoformat(self.modified)


@dataclass(frozen=True)
class ArticleListing(_Dated):
    slug: str
    lang: str
    title: str  # HTML, as body/html.py rendered it (escaped there)
    full_title: str  # plain text
    identifier: str
    modified: str  # ISO 8601, UTC
    authors: tuple[Person, ...] = ()
    running_authors: str = ""
    date: str | None = None  # YYYY, YYYY-MM or YYYY-MM-DD
    container_title: str | None = None
    volume: str | None = None
    issue_number: str | None = None
    page: str | None = None
    issn: str | None = None
    publisher: str | None = None
    doi: str | None = None
    keywords: tuple[str, ...] = ()
    rights: str | None = None
    abstract: str | None = None  # plain text
    reference: str = ""  # the "For citation" line, plain text
    issue: str | None = None  # the slug of its issue
    folio: int = 1
    files: dict[str, int] = field(default_factory=dict)  # name in dist/<slug>/ -> size
    context_object: str | None = None  # for the index's COinS span (metadata.context_object)

    @property
    def title_html(self) -> Markup:
        return Markup(self.title)  # made by body/html.py, which escapes the source's text

    @property
    def last_page(self) -> str | None:
        return split_pages(self.page)[1]


@dataclass(frozen=True)
class IssueArticle:
    slug: str
    full_title: str
    running_authors: str


@dataclass(frozen=True)
class IssueListing(_Dated):
    slug: str
    lang: str
    name: str
    identifier: str
    modified: str
    date: str | None = None
    doi: str | None = None
    publisher: str | None = None
    editors: tuple[str, ...] = ()
    volume: str | None = None
    issue_number: str | None = None
    articles: tuple[IssueArticle, ...] = ()
    files: dict[str, int] = field(default_factory=dict)


def article_listing(manuscript: Manuscript, files: dict[str, int]) -> ArticleListing:
    from .metadata import context_object  # (it loads the preparing of articles: a build with nothing to do never needs it)

    article = manuscript.article
    c = article.citation
    return ArticleListing(
        slug=article.slug,
        lang=article.lang,
        title=str(manuscript.title),
        full_title=manuscript.full_title,
        identifier=manuscript.identifier,
        modified=manuscript.modified.isoformat(),
        authors=tuple(Person(a.name.display, a.orcid_url) for a in article.authors),
        running_authors=manuscript.running_authors,
        date=article.date.iso() if article.date else None,
        container_title=c.container_title,
        volume=c.volume,
        issue_number=c.issue,
        page=c.page,
        issn=c.issn,
        publisher=c.publisher,
        doi=article.doi,
        keywords=article.keywords,
        rights=(article.license.text or article.license.url) if article.license else None,
        abstract=manuscript.abstract_text,
        reference=manuscript.reference_text,
        issue=article.issue,
        folio=article.folio,
        files=dict(files),
        context_object=context_object(manuscript),
    )


def issue_listing(edition: IssueManuscript, files: dict[str, int]) -> IssueListing:
    issue = edition.issue
    c = issue.citation
    return IssueListing(
        slug=issue.slug,
        lang=issue.lang,
        name=edition.name,
        identifier=edition.identifier,
        modified=edition.modified.isoformat(),
        date=issue.date.iso() if issue.date else None,
        doi=issue.doi,
        publisher=c.publisher,
        editors=tuple(e.display for e in issue.editors),
        volume=c.volume,
        issue_number=c.issue,
        articles=tuple(IssueArticle(m.article.slug, m.full_title, m.running_authors if m.article.authors else "")
                       for m in edition.articles),
        files=dict(files),
    )


def to_json(listing: ArticleListing | IssueListing) -> dict[str, Any]:
    return asdict(listing)


def article_from_json(data: dict[str, Any]) -> ArticleListing:
    data = dict(data)
    data["authors"] = tuple(Person(**person) for person in data.get("authors", ()))
    data["keywords"] = tuple(data.get("keywords", ()))
    return ArticleListing(**data)


def issue_from_json(data: dict[str, Any]) -> IssueListing:
    data = dict(data)
    data["editors"] = tuple(data.get("editors", ()))
    data["articles"] = tuple(IssueArticle(**a) for a in data.get("articles", ()))
    return IssueListing(**data)
