"""The validated, immutable description of what gets published.

source.py builds these from the editor's files; every later stage only reads them.
Text fields that accept Markdown (title, subtitle, abstract, plain_language_summary,
key_points, byline_notes, the statements) keep the source text; the body stage
turns it into HTML.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping
from urllib.parse import quote


def frozen(value: Any) -> Any:
    """A value read from YAML made immutable: mappings read-only, lists tuples."""
    if isinstance(value, Mapping):
        return MappingProxyType({key: frozen(item) for key, item in value.items()})
    if isinstance(value, (list, tuple)):
        return tuple(frozen(item) for item in value)
    return value


@dataclass(frozen=True)
class PartialDate:
    """A date known to the year, the month or the day (CSL date-parts)."""

    year: int
    month: int | None = None
    day: int | None = None

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
            if self.day:
                parts.append(f"{self.day:02d}")
        return "-".join(parts)

    def date_parts(self) -> list[int]:
        return [p for p in (self.year, self.month, self.day if self.month else None) if p]

    def to_datetime(self) -> datetime:
        """Midnight UTC of the first day the date covers."""
        return datetime(self.year, self.month or 1, self.day or 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class PersonName:
    given: str | None = None
    family: str | None = None
    literal: str | None = None  # an institution, or a name that must not be split
    non_dropping_particle: str | None = None  # "van" in "van Gogh", sorted with it
    dropping_particle: str | None = None
    suffix: str | None = None

    @property
    def family_full(self) -> str:
        return " ".join(p for p in (self.non_dropping_particle, self.family) if p)

    @property
    def display(self) -> str:
        """As printed in a byline: given names first."""
        if self.literal:
            return self.literal
        parts = [self.given, self.dropping_particle, self.family_full]
        text = " ".join(p for p in parts if p)
        return f"{text}, {self.suffix}" if self.suffix else text

    @property
    def sort_as(self) -> str:
        """As filed in a catalogue: family name first (EPUB file-as, BibTeX, RIS)."""
        if self.literal:
            return self.literal
        given = " ".join(p for p in (self.given, self.dropping_particle) if p)
        text = ", ".join(p for p in (self.family_full, given) if p)
        return f"{text}, {self.suffix}" if self.suffix else text

    @property
    def initials(self) -> str:
        """Family name and initials, as in a running head: "Batunaev E. V."."""
        if self.literal or not self.given:
            return self.display
        initials = " ".join(f"{part[0]}." for part in self.given.replace("-", " ").split() if part)
        return f"{self.family_full} {initials}"

    def csl(self) -> dict[str, str]:
        if self.literal:
            return {"literal": self.literal}
        keys = {
            "family": self.family,
            "given": self.given,
            "non-dropping-particle": self.non_dropping_particle,
            "dropping-particle": self.dropping_particle,
            "suffix": self.suffix,
        }
        return {k: v for k, v in keys.items() if v}


@dataclass(frozen=True)
class Affiliation:
    name: str | None = None  # the institution
    department: str | None = None
    group: str | None = None
    address: str | None = None
    city: str | None = None
    region: str | None = None
    country: str | None = None
    postal_code: str | None = None
    url: str | None = None
    ror: str | None = None
    isni: str | None = None
    ringgold: str | None = None
    translation: "Affiliation | None" = None  # in the language of Article.translation

    @property
    def display(self) -> str:
        parts = (self.group, self.department, self.name, self.city, self.region, self.country)
        return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class AuthorTranslation:
    """An author in the language of Article.translation (a name in another script)."""

    name: PersonName | None = None
    degrees: tuple[str, ...] = ()
    position: str | None = None


@dataclass(frozen=True)
class Author:
    name: PersonName
    orcid: str | None = None  # bare iD: 0000-0001-6641-4124
    email: str | None = None
    url: str | None = None
    affiliations: tuple[Affiliation, ...] = ()
    corresponding: bool = False
    # Quarto's author attributes and the PLOS template's fields: marks in the byline,
    # each with a note under it (Article.byline_notes, else the language's words).
    equal_contributor: bool = False
    deceased: bool = False
    current_address: str | None = None  # plain text, printed as written ("Current address: ...")
    group: bool = False  # a group or consortium: its name is a literal, never split
    degrees: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()  # "investigation (lead)" for Quarto's `investigation: lead`
    position: str | None = None  # post held: "Researcher"
    note: str | None = None  # Markdown, for "About the authors"
    translation: AuthorTranslation | None = None

    @property
    def orcid_url(self) -> str | None:
        return f"https://orcid.org/{self.orcid}" if self.orcid else None


@dataclass(frozen=True)
class License:
    text: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Translation:
    """The article's metadata in a second language (Markdown where the original has it)."""

    lang: str
    title: str | None = None
    subtitle: str | None = None
    abstract: str | None = None
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class BackMatter:
    """Statements printed after the text (Markdown)."""

    acknowledgements: str | None = None
    funding: tuple[str, ...] = ()
    conflict_of_interest: str | None = None
    data_availability: str | None = None


@dataclass(frozen=True)
class Copyright:
    holder: str | None = None
    year: str | None = None
    statement: str | None = None

    @property
    def display(self) -> str:
        if self.statement:
            return self.statement
        return " ".join(p for p in ("©", self.year, self.holder) if p)


@dataclass(frozen=True)
class Paper:
    name: str  # as the editor writes it: A4, Letter, A5
    css: str  # the CSS @page size keyword


PAPERS = {name.lower(): Paper(name, css) for name, css in (("A4", "A4"), ("Letter", "letter"), ("A5", "A5"))}


@dataclass(frozen=True)
class Citation:
    """Where the article appeared (the front matter's `citation:` block, in CSL terms)."""

    type: str = "article-journal"
    container_title: str | None = None
    volume: str | None = None
    issue: str | None = None
    collection_number: str | None = None  # the journal's running issue number
    page: str | None = None
    issn: str | None = None
    publisher: str | None = None
    publisher_place: str | None = None
    url: str | None = None
    # Any other CSL variable, passed into the record as written.
    extra: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def first_page(self) -> str | None:
        return split_pages(self.page)[0]

    @property
    def last_page(self) -> str | None:
        return split_pages(self.page)[1]

    def page_span(self) -> tuple[int, int]:
        """The first and last page as numbers (an article of an issue, which has them)."""
        first, last = split_pages(self.page)
        return int(first), int(last or first)


def split_pages(page: str | None) -> tuple[str | None, str | None]:
    """'173-190' (or with an en dash) -> ('173', '190'); '173' -> ('173', None)."""
    if not page:
        return None, None
    parts = page.replace("\u2013", "-").split("-")
    return parts[0].strip(), (parts[-1].strip() if len(parts) > 1 else None)


def doi_url(doi: str | None) -> str | None:
    # A DOI may hold characters a URL cannot (SICI-style <, >, #): escape them.
    return f"https://doi.org/{quote(doi, safe='/:;()[]._-')}" if doi else None


class _Placed:
    """What an article and an issue share: where each field was written (`where`,
    for messages) and their DOI as a link."""

    def locate(self, key: str) -> tuple[str, int | None]:
        return self.where.get(key, (self.file, None))

    @property
    def doi_url(self) -> str | None:
        return doi_url(self.doi)


@dataclass(frozen=True)
class Article(_Placed):
    slug: str  # the folder name; names the files in dist/
    path: Path  # absolute path of article.md
    file: str  # article.md relative to the project root, for messages
    lang: str
    title: str  # Markdown, inline
    body: str  # Markdown
    body_line: int  # line of article.md where the body starts
    csl: str  # CSL style: a name in styles/csl/, a repository style name, or a path
    paper: Paper
    subtitle: str | None = None
    short_title: str | None = None
    authors: tuple[Author, ...] = ()
    abstract: str | None = None  # Markdown
    plain_language_summary: str | None = None  # Markdown (Quarto's AGU template): after the abstract
    key_points: tuple[str, ...] = ()  # Markdown, each one item (AGU): before the abstract
    # Quarto's `author-notes` (its PLOS template): the notes the byline's marks refer
    # to, keyed "equal-contributor", "deceased", "group" (only those given), Markdown;
    # a mark without one gets the words of the article's language.
    byline_notes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    keywords: tuple[str, ...] = ()
    date: PartialDate | None = None
    date_modified: PartialDate | None = None
    doi: str | None = None
    license: License | None = None
    copyright: Copyright | None = None
    citation: Citation = field(default_factory=Citation)
    base_url: str | None = None
    bibliography: tuple[Path, ...] = ()  # the article's own files
    shared_bibliography: tuple[Path, ...] = ()  # the publication's
    nocite: tuple[str, ...] = ()  # keys, or "*" for all
    number_sections: bool = False
    # Quarto's `crossref:` prefixes, keyed "fig", "tbl", "eq", "sec" (only those given;
    # "" prints the number alone): what @fig-map prints before its number.
    crossref_prefixes: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    # The project's _variables.yml (read-only mappings, lists as tuples); the body
    # and the front matter reach here with their {{< var >}} already expanded.
    variables: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    suppress_bibliography: bool = False
    reference_section_title: str | None = None
    translation: Translation | None = None
    back_matter: BackMatter = field(default_factory=BackMatter)
    cover_image: Path | None = None  # the editor's own cover (PNG or JPEG), else one is generated
    issue: str | None = None  # the slug of the journal issue it is part of
    folio: int = 1  # the number printed on its first page (its first page in the issue)
    # Where each front matter field was written: (file, line), for later messages.
    where: Mapping[str, tuple[str, int | None]] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Issue(_Placed):
    """A journal issue: articles in order, printed with continuous page numbers.

    Its citation fields (journal, volume, issue, ...) are the articles' too; the
    articles' page ranges are found by laying the issue out (pagination.py).
    """

    slug: str  # the folder name; names the files in dist/
    path: Path  # absolute path of issue.yaml
    file: str  # issue.yaml relative to the project root, for messages
    lang: str
    articles: tuple[str, ...]  # slugs, in printed order
    paper: Paper
    first_page: int = 1  # the number printed on the first article's first page
    title: str | None = None  # the issue's own title (a theme), Markdown inline
    description: str | None = None  # Markdown
    date: PartialDate | None = None
    doi: str | None = None
    citation: Citation = field(default_factory=Citation)  # container-title, volume, issue, ...
    cover_image: Path | None = None
    base_url: str | None = None
    editors: tuple[PersonName, ...] = ()
    where: Mapping[str, tuple[str, int | None]] = field(default_factory=lambda: MappingProxyType({}))


@dataclass(frozen=True)
class Publication:
    """The shared defaults file and what the whole site needs."""

    file: str | None  # relative to the project root; None when there is none
    title: str | None = None  # the site's name; default: the journal's (citation.container-title)
    description: str | None = None  # Markdown, on the site's index page
    lang: str | None = None
    base_url: str | None = None
    cite_as: tuple[str, ...] = ()  # CSL styles offered on landing pages (after the article's own)
    bibliography: tuple[Path, ...] = ()  # the shared bibliography files
    # Where each field was written: "cite-as[1]" -> (file, line), for later messages.
    where: Mapping[str, tuple[str, int | None]] = field(default_factory=lambda: MappingProxyType({}))
    editions: tuple[str, ...] | None = None  # None: the default formats
    booklet: tuple[str, ...] = ()  # print editions imposed as booklets
    crop_marks: bool = False


@dataclass(frozen=True)
class Project:
    """Everything loaded from source/: what the pipeline publishes."""

    publication: Publication
    articles: tuple[Article, ...]
    issues: tuple[Issue, ...] = ()
