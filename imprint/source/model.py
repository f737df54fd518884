"""The validated, immutable description of what gets published.

source/project.py builds these from the editor's files; every later stage only reads them.
Text fields that accept Markdown (title, subtitle, abstract, plain_language_summary,
key_points, byline_notes, the statements) keep the source text; the body stage
turns it into HTML.

An attribute made with front_matter() is a front matter field, declared there
once: its key, type, documentation, how it is read and its default. The JSON
Schema (source/schema.py), the reading (source/metadata.py) and the records are derived from
the declarations; to add a field, add an attribute (and print it in a template).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from .readonly import ReadOnlyDict
from typing import Any, Iterable, Mapping
from urllib.parse import quote

from ..errors import Problem
from .includes import BodyLines, placed
from .schema import (
    AUTHOR_NOTES,
    AUTHORS,
    CITATION,
    COPYRIGHT,
    CROSSREF,
    EXECUTE,
    DATE,
    DOI,
    FLAG,
    FUNDING,
    KEYWORDS,
    LANG,
    LICENSE,
    PAPER,
    REFERENCES,
    TEXT,
    TEXT_LIST,
    TITLE,
    TOP_AFFILIATIONS,
    TRANSLATION,
    FrontMatter,
    declared_values,
    front_matter,
    front_matter_group,
)


def frozen(value: Any) -> Any:
    """A value read from YAML made immutable: mappings read-only, lists tuples."""
    if isinstance(value, Mapping):
        return ReadOnlyDict({key: frozen(item) for key, item in value.items()})
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
        # (a hyphenated name keeps its hyphen: Marc-André is M.-A., as CSL styles write it)
        initials = " ".join("-".join(f"{piece[0]}." for piece in part.split("-") if piece)
                            for part in self.given.split() if part.strip("-"))
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
        parts = (self.group, self.department, self.name, self.address, self.city, self.region, self.postal_code,
                 self.country)
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
    """Statements printed after the text (Markdown): top-level front matter fields."""

    acknowledgements: str | None = front_matter(
        "acknowledgements", TEXT, "Acknowledgements (Markdown), printed after the references.", read="text",
        aliases={"acknowledgments": None, "acknowledgement": "rticles' MDPI template names it so"})
    funding: tuple[str, ...] = front_matter(
        "funding", FUNDING, "Funding: a statement, a list of them, or Quarto's funding entries.", read="own",
        default=())
    conflict_of_interest: str | None = front_matter(
        "conflict-of-interest", TEXT, "Conflict of interest statement (Markdown).", read="text",
        aliases={"competing-interests": None, "conflict_of_interest": "rticles' PNAS template names it so",
                 "conflictsofinterest": "rticles' MDPI template names it so",
                 "competinginterests": "rticles' Copernicus template names it so"})
    data_availability: str | None = front_matter(
        "data-availability", TEXT, "Data availability statement (Markdown).", read="text",
        aliases={"dataavailability": "rticles' MDPI template names it so"})
    author_contributions: str | None = front_matter(
        "author-contributions", TEXT, "Who did what (Markdown), a statement printed after the text.", read="text",
        aliases={"author_contributions": "rticles' PNAS template names it so",
                 "authorcontributions": "rticles' MDPI template names it so",
                 "authorcontribution": "rticles' Copernicus template names it so"})
    institutional_review: str | None = front_matter(
        "institutional-review", TEXT, "Institutional review board (ethics committee) statement (Markdown).",
        read="text", aliases={"institutionalreview": "rticles' MDPI template names it so"})
    informed_consent: str | None = front_matter(
        "informed-consent", TEXT, "Informed consent statement (Markdown).", read="text",
        aliases={"informedconsent": "rticles' MDPI template names it so"})
    code_availability: str | None = front_matter(
        "code-availability", TEXT, "Code availability statement (Markdown).", read="text")
    supplementary_material: str | None = front_matter(
        "supplementary-material", TEXT, "What supplementary material there is and where (Markdown).", read="text",
        aliases={"supplementary": "rticles' MDPI template names it so",
                 "videosupplement": "rticles' Copernicus template names its video supplement so"})
    disclaimer: str | None = front_matter("disclaimer", TEXT, "A disclaimer (Markdown).", read="text")


# The statements of one text each (BackMatter's fields), in the order they are
# printed after the text, between the acknowledgements and "About the authors";
# the funding comes second (its own shape).
STATEMENTS = ("author-contributions", "funding", "conflict-of-interest", "institutional-review", "informed-consent",
              "data-availability", "code-availability", "supplementary-material", "disclaimer")

# The heading of the plain language summary (its words in styles/locales/) by the
# name it is given under: the journals' templates name it for what they print.
SUMMARY_HEADINGS = {"plain-language-summary": "plain_language_summary", "author-summary": "author_summary",
                    "author_summary": "author_summary", "significance": "significance_statement",
                    "sigstatement": "significance_statement", "simplesummary": "simple_summary"}


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
    extra: Mapping[str, object] = field(default_factory=lambda: ReadOnlyDict({}))
    # The journal as the article's translation names it (`translation:` under
    # `citation:`): container-title, container-title-short, publisher, publisher-place.
    translated: Mapping[str, str] = field(default_factory=lambda: ReadOnlyDict({}))

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


DOI_SAFE = "/:;()._-"  # (the characters of a DOI its link keeps as they are: the rest percent-encoded)


def doi_url(doi: str | None) -> str | None:
    # A DOI may hold characters a URL cannot (SICI-style <, >, #): escape them.
    return f"https://doi.org/{quote(doi, safe=DOI_SAFE)}" if doi else None


class _Placed:
    """What an article and an issue share: where each field was written (`where`,
    for messages) and their DOI as a link."""

    def locate(self, key: str) -> tuple[str, int | None]:
        return self.where.get(key, (self.file, None))

    @property
    def doi_url(self) -> str | None:
        return doi_url(self.doi)


# Top-level affiliations are read with the authors (`ref:` to them), into Author.affiliations.
_AFFILIATIONS = FrontMatter("affiliations", TOP_AFFILIATIONS, "Affiliations authors refer to with `ref:` (Quarto).",
                            read="own", aliases={"affiliation": "Quarto accepts both"})


@dataclass(frozen=True)
class Article(_Placed):
    """An article: its front matter fields (declared with front_matter(), in the
    order the schema lists them), then what the build adds."""

    slug: str  # the folder name; names the files in dist/
    path: Path  # absolute path of article.md
    file: str  # article.md relative to the project root, for messages
    body: str  # Markdown
    body_line: int  # line of article.md where the body starts
    title: str = front_matter(  # Markdown, inline ("" only for an article that fails: title is required)
        "title", TITLE, "The article's title (Markdown allowed).", read="text", default="",
        required="add 'title: ...' in the front matter")
    subtitle: str | None = front_matter("subtitle", TITLE, "Subtitle (Markdown allowed).", read="text")
    short_title: str | None = front_matter(
        "short-title", TITLE, "Short title for running heads and CSL `title-short`.", read="text",
        aliases={"title-short": "CSL's name for it", "shorttitle": "papaja's (APA) name for it",
                 "running-title": "journal templates name it so"})
    authors: tuple[Author, ...] = front_matter(
        "author", AUTHORS, "The authors, in order.", read="own", default=(),
        aliases={"authors": "Quarto accepts both"}, also=(_AFFILIATIONS,))
    abstract: str | None = front_matter("abstract", TEXT, "The abstract (Markdown).", read="text")
    abstract_title: str | None = front_matter(
        "abstract-title", TEXT, "The abstract's heading, instead of the language's word (Pandoc's and Quarto's "
        "`abstract-title`).", read="text")
    plain_language_summary: str | None = front_matter(  # (its heading: Article.summary_heading, SUMMARY_HEADINGS)
        "plain-language-summary", TEXT, "A summary for readers outside the field (Markdown), printed after the "
        "abstract (Quarto's AGU template).", read="text",
        aliases={"author-summary": "Quarto's PLOS template names it so",
                 "author_summary": "rticles' PLOS template names it so",
                 "significance": "the PNAS significance statement (rticles' PNAS template)",
                 "sigstatement": "the Biophysical Journal's significance statement (its Quarto template)",
                 "simplesummary": "rticles' MDPI template names it so"})
    key_points: tuple[str, ...] = front_matter(
        "key-points", TEXT_LIST, "The article's main points, a list (Markdown), printed before the abstract "
        "(Quarto's AGU template); one text is a list of one.", read="list", default=(),
        aliases={"keypoints": "older AGU templates and Quarto manuscripts write it so"})
    # Keyed "equal-contributor", "deceased", "group" (only those given); a mark
    # without one gets the words of the article's language.
    byline_notes: Mapping[str, str] = front_matter(
        "author-notes", AUTHOR_NOTES, "The notes the byline's marks refer to, instead of the words of the "
        "article's language (Markdown; Quarto's PLOS template).", read="own",
        factory=lambda: ReadOnlyDict({}))
    keywords: tuple[str, ...] = front_matter(
        "keywords", KEYWORDS, "Keywords: a list, or one string separated by commas.", read="keywords", default=(),
        aliases={"tags": "the Open Journals (JOSS) name them so"})
    date: PartialDate | None = front_matter(
        "date", DATE, "A date: YYYY-MM-DD, YYYY-MM or YYYY ('March 5, 2024', '5 марта 2024 г.', "
        "'5 de marzo de 2024' are understood too). Quarto's "
        "`today` and `last-modified` are the day of SOURCE_DATE_EPOCH, else of the file's last commit in git, "
        "so that every build gives the same date.", read="date")
    date_modified: PartialDate | None = front_matter(
        "date-modified", DATE, "Date of the last correction of this edition.", read="date")
    # The article's history, printed in its front matter ("Received 12 March 2024.").
    date_received: PartialDate | None = front_matter(
        "date-received", DATE, "When the journal received the manuscript, a date as `date` takes it: printed "
        "'Received 12 March 2024.' in the front matter; CSL `submitted`, Dublin Core `dateSubmitted`.",
        read="date", csl="submitted", dcterms="dateSubmitted",
        aliases={"received": "journal templates (Eisvogel's journals) name it so"})
    date_accepted: PartialDate | None = front_matter(
        "date-accepted", DATE, "When the journal accepted the article for publication, a date as `date` takes "
        "it: printed 'Accepted 3 June 2024.' in the front matter; Dublin Core `dateAccepted` (CSL has no "
        "variable for it).", read="date", dcterms="dateAccepted",
        aliases={"accepted": "journal templates (Eisvogel's journals) name it so"})
    doi: str | None = front_matter(  # bare: 10.xxxx/suffix (also read from citation: doi)
        "doi", DOI, "The article's DOI: 10.21684/2411-197X-2019-5-3-173-184.", read="own")
    # (each CSL record with the line it starts on: Pandoc's `references:` in the front matter)
    references: tuple[tuple[Mapping[str, Any], int | None], ...] = front_matter(
        "references", REFERENCES, "Works to cite, written in the front matter as CSL-YAML records (each with an "
        "`id`), as Pandoc takes them; with a `bibliography`, both are used, these first.", read="own", default=())
    nocite: tuple[str, ...] = front_matter(  # keys, or "*" for all
        "nocite", TEXT_LIST, "Keys to list in the references without citing them: '@key1, @key2', or '@*'.",
        read="own", default=())
    markdown_extensions: tuple[str, ...] = front_matter(  # "+emoji", "-smart": as Pandoc's reader takes them
        "from", TEXT, "Quarto's and Pandoc's reader: `markdown` followed by extensions to switch on or off "
        "(`markdown+emoji-smart`; Pandoc's manual lists them). The text is always read as Pandoc's markdown.",
        read="own", default=())
    number_sections: bool = front_matter(
        "number-sections", FLAG, "Number the headings (1, 1.1) and refer to them by number (@sec-intro: "
        "'Section 2').", read="flag", default=False,
        aliases={"numbersections": "Pandoc's LaTeX template and R Markdown's templates name it so"})
    # Keyed "fig", "tbl", "eq", "sec" (only those given; "" prints the number
    # alone): what @fig-map prints before its number; "fig-title" ...: the word
    # before a caption's number; "title-delim": what follows it.
    execute: Mapping[str, str] = front_matter(
        "execute", EXECUTE, "Quarto's execution options: `echo: false`, `eval`, `include`, `output` are every "
        "cell's (a cell's own `#|` option over them; no cell is run); the other options are ignored.",
        read="own", factory=lambda: ReadOnlyDict({}))
    crossref_prefixes: Mapping[str, str] = front_matter(
        "crossref", CROSSREF, "Quarto's cross-reference settings: `fig-prefix`, `tbl-prefix`, `eq-prefix`, "
        "`sec-prefix`, `lst-prefix` and `thm-prefix` (and those of the other theorem kinds) replace the words "
        "references print ('Figure' in '@fig-map': 'Figure 1'); `fig-title`, `tbl-title`, `lst-title` and "
        "`thm-title` (and the other theorem kinds') the word before a caption's or theorem's own number "
        "(and in a long table's continuation line, as the language's words place it); `title-delim` what "
        "follows a caption's number; the other settings are accepted and ignored.",
        read="own", factory=lambda: ReadOnlyDict({}))
    reference_section_title: str | None = front_matter(
        "reference-section-title", TEXT, "Heading of the reference list (default: the language's word).",
        read="text")
    suppress_bibliography: bool = front_matter(
        "suppress-bibliography", FLAG, "Cite, but print no reference list (Pandoc's setting).", read="flag",
        default=False)
    back_matter: BackMatter = front_matter_group(BackMatter)
    translation: Translation | None = front_matter(
        "translation", TRANSLATION, "The article's metadata in a second language, printed after its own.",
        read="own")
    cover_image: Path | None = front_matter(  # else one is generated
        "cover-image", TEXT, "The article's own cover, a PNG or JPEG file in its folder (portrait, at least "
        "1600 pixels high); without one, a cover is drawn after styles/cover.yaml.", read="own")
    # The fields source/publication.yaml may give for every article (shared=True).
    lang: str = front_matter(  # without one: English, with a warning (as Pandoc and Quarto read it)
        "lang", LANG, "Language of the text, as a BCP 47 tag: en, ru, en-GB.", read="own", default="en",
        shared=True)
    license: License | None = front_matter(
        "license", LICENSE, "The licence: its name, or its name and URL.", read="own", shared=True)
    copyright: Copyright | None = front_matter(
        "copyright", COPYRIGHT, "The copyright notice: a statement, or its parts (Quarto).", read="own",
        shared=True)
    csl: str = front_matter(  # a name in styles/csl/, a repository style name, or a path
        "csl", TEXT, "Citation style for the 'For citation' line: a file in styles/csl/ (without .csl), a style "
        "of the CSL repository (apa, chicago-author-date, gost-r-7-0-5-2008, ...), or a path to a .csl file "
        "inside the project.", read="own", default="chicago-author-date", shared=True)
    paper: Paper = front_matter(
        "paper", PAPER, "Paper size of the print edition.", read="own", default=PAPERS["a4"], shared=True)
    citation: Citation = front_matter(
        "citation", CITATION, "Where the article appeared, in CSL-JSON terms (Quarto's `citation:`). `true` "
        "(Quarto) is accepted and adds nothing.", read="own", factory=Citation, shared=True)
    bibliography: tuple[Path, ...] = front_matter(  # the article's own files
        "bibliography", TEXT_LIST, "Bibliography files: BibTeX or BibLaTeX (.bib), CSL-JSON (.json), CSL-YAML "
        "(.yaml). In an article, relative to its folder; in the publication file, relative to source/ (shared "
        "by all articles).", read="own", default=(), shared=True)
    links_as_notes: bool = front_matter(
        "links-as-notes", FLAG, "Print an external link's address in a note at the foot of the page (Pandoc's "
        "LaTeX setting); without it, or false, the address follows the link's text in parentheses. Either way "
        "a link whose text is its address prints it once, and the e-book keeps links as links.", read="flag",
        default=False, shared=True)
    # What the build adds.
    shared_bibliography: tuple[Path, ...] = ()  # the publication's
    unread_bibliography: bool = False  # a bibliography file it names could not be used (a problem at its field)
    base_url: str | None = None  # the publication's base-url
    # The project's _variables.yml (read-only mappings, lists as tuples); the body
    # and the front matter reach here with their {{< var >}} already expanded.
    variables: Mapping[str, Any] = field(default_factory=lambda: ReadOnlyDict({}))
    issue: str | None = None  # the slug of the journal issue it is part of
    folio: int = 1  # the number printed on its first page (its first page in the issue)
    # Where each front matter field was written: (file, line), for later messages.
    where: Mapping[str, tuple[str, int | None]] = field(default_factory=lambda: ReadOnlyDict({}))
    # Where the body's lines were written, when it includes other files (Quarto's
    # {{< include >}}): a problem found at a line of the body is told there (place()).
    body_lines: BodyLines | None = None
    # The other files its text was made of (included; the preamble's header files).
    text_files: tuple[Path, ...] = ()
    # The words (styles/locales/) of the plain language summary's heading: as the
    # name it was given under says (PLOS's "Author summary", PNAS's significance statement).
    summary_heading: str = "plain_language_summary"

    def placed(self, problems: Iterable[Problem]) -> tuple[Problem, ...]:
        return placed(problems, self.body_lines)


def csl_variables(article: Article) -> dict[str, Any]:
    """The CSL variables the article's fields are as declared (`csl=`), for its
    citation record: a date as CSL-JSON's date-parts."""
    return {declaration.csl: {"date-parts": [value.date_parts()]} if isinstance(value, PartialDate) else value
            for declaration, value in declared_values(article) if declaration.csl and value not in (None, "", ())}


def dcterms_values(article: Article) -> list[tuple[str, str]]:
    """The DCMI terms the article's fields are as declared (`dcterms=`: dateAccepted),
    with their values as text (a date as W3CDTF: YYYY-MM-DD, YYYY-MM or YYYY)."""
    return [(declaration.dcterms, value.iso() if isinstance(value, PartialDate) else str(value))
            for declaration, value in declared_values(article) if declaration.dcterms and value not in (None, "", ())]


@dataclass(frozen=True)
class Issue(_Placed):
    """A journal issue: articles in order, printed with continuous page numbers.

    Its citation fields (journal, volume, issue, ...) are the articles' too; the
    articles' page ranges are found by laying the issue out (building/pagination.py).
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
    where: Mapping[str, tuple[str, int | None]] = field(default_factory=lambda: ReadOnlyDict({}))


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
    where: Mapping[str, tuple[str, int | None]] = field(default_factory=lambda: ReadOnlyDict({}))
    editions: tuple[str, ...] | None = None  # None: the default formats
    booklet: tuple[str, ...] = ()  # print editions imposed as booklets
    crop_marks: bool = False


@dataclass(frozen=True)
class Project:
    """Everything loaded from source/: what the pipeline publishes."""

    publication: Publication
    articles: tuple[Article, ...]
    issues: tuple[Issue, ...] = ()
