"""Find the articles in source/, read and validate them, build the models.

Every problem in every file is collected before anything is built, so that an
editor sees the whole list at once. Publication defaults (source/publication.yaml)
are validated on their own and merged under each article's fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import schema
from .config import Settings
from .errors import Problem, SourceError, UsageError
from .fetch import display, read_text
from .frontmatter import Located, format_path, load_yaml, split_front_matter
from .model import (
    PAPERS, Affiliation, Article, Author, Citation, License, PartialDate, PersonName, Project, Publication,
)
from .validation import validate

ARTICLE_FILE = "article.md"
PUBLICATION_FILE = "publication.yaml"
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
DEFAULT_CSL = "chicago-author-date"



@dataclass(frozen=True)
class LoadResult:
    project: Project
    problems: tuple[Problem, ...]  # articles left out because of these


def load_project(settings: Settings) -> LoadResult:
    """Load the publication file and the selected articles.

    Raises SourceError when the publication file is wrong (nothing can be built)
    or no article could be loaded; otherwise returns the good articles together
    with the problems of the others.
    """
    publication, defaults = load_publication(settings)
    folders = find_articles(settings)
    articles: list[Article] = []
    problems: list[Problem] = []
    for folder in folders:
        try:
            articles.append(load_article(settings, folder, defaults))
        except SourceError as error:
            problems.extend(error.problems)
    if problems and not articles:
        raise SourceError(problems)
    return LoadResult(Project(publication, tuple(articles)), tuple(problems))


def find_articles(settings: Settings) -> list[Path]:
    source = settings.source_dir
    if not source.is_dir():
        raise SourceError.single(
            display(source, settings.root), "the source folder does not exist",
            hint=f"create {display(source, settings.root)}/<article>/{ARTICLE_FILE}",
        )
    folders = sorted(p.parent for p in source.glob(f"*/{ARTICLE_FILE}"))
    if settings.articles:
        by_slug = {f.name: f for f in folders}
        unknown = [s for s in settings.articles if s not in by_slug]
        if unknown:
            raise UsageError(
                f"no article {', '.join(repr(s) for s in unknown)} in {display(source, settings.root)}/"
                + (f" (there are: {', '.join(sorted(by_slug))})" if by_slug else "")
            )
        folders = [by_slug[s] for s in settings.articles]
    if not folders:
        raise SourceError.single(
            display(source, settings.root), "there are no articles to publish",
            hint=f"each article is a folder with an {ARTICLE_FILE}: source/<slug>/{ARTICLE_FILE}",
        )
    return folders


def load_publication(settings: Settings) -> tuple[Publication, Located | None]:
    path = settings.source_dir / PUBLICATION_FILE
    if not path.exists():
        return Publication(file=None), None
    file = display(path, settings.root)
    located = load_yaml(read_text(settings.root, path, "publication file"), file)
    if located.data in (None, {}):
        return Publication(file=file), None
    if not isinstance(located.data, dict):
        raise SourceError.single(file, "the publication file must be a set of fields (key: value)", line=1)
    problems = validate(located, schema.publication_schema())
    if problems:
        raise SourceError(problems)
    return Publication(file=file, base_url=located.data.get("base-url")), located


def load_article(settings: Settings, folder: Path, defaults: Located | None) -> Article:
    path = folder / ARTICLE_FILE
    file = display(path, settings.root)
    slug = folder.name
    if not SLUG.match(slug):
        raise SourceError.single(
            display(folder, settings.root), f"the folder name '{slug}' cannot name the output files",
            hint="use only Latin letters, digits, '-' and '_' (for example batunaev-2019-khalkhin-gol)",
        )
    text = read_text(settings.root, path, "article")
    yaml_text, body, body_line = split_front_matter(text, file)
    located = load_yaml(yaml_text, file, first_line=2)
    if not isinstance(located.data, dict):
        raise SourceError.single(file, "the front matter must be a set of fields (title: ...)", line=2)
    problems = validate(located, schema.article_schema())
    if problems:
        raise SourceError(problems)
    builder = _ArticleBuilder(located, defaults)
    article = builder.build(slug=slug, path=path.resolve(), body=body, body_line=body_line)
    if builder.problems:
        raise SourceError(builder.problems)
    return article


class _ArticleBuilder:
    """Turns validated front matter (plus defaults) into an Article, collecting problems."""

    def __init__(self, own: Located, defaults: Located | None):
        self.own = own
        self.defaults = defaults
        self.problems: list[Problem] = []

    # -- where a value came from, for messages
    def _problem(self, path: tuple, message: str, hint: str | None = None) -> None:
        source = self.own
        if self.defaults is not None and _get(self.own.data, path) is None and _get(self.defaults.data, path) is not None:
            source = self.defaults
        self.problems.append(Problem(source.file, message, line=source.line_of(path),
                                     field=format_path(path), hint=hint))

    def _value(self, key: str) -> Any:
        """The article's value, else the publication default; mappings merged key by key."""
        own = self.own.data.get(key)
        default = self.defaults.data.get(key) if self.defaults is not None else None
        if isinstance(own, dict) and isinstance(default, dict):
            return {**default, **own}
        return own if own is not None else default

    def build(self, slug: str, path: Path, body: str, body_line: int) -> Article:
        data = self.own.data
        lang = self._value("lang")
        if not lang:
            self.problems.append(Problem(
                self.own.file, "missing required field 'lang'", line=self.own.line_of(()),
                hint="add 'lang: en' (or ru, ...) to the article, or to source/publication.yaml for all articles",
            ))
        if "author" in data and "authors" in data:
            self._problem(("authors",), "give the authors under 'author' or 'authors', not both")
        paper = PAPERS[str(self._value("paper") or "A4").lower()]
        return Article(
            slug=slug,
            path=path,
            file=self.own.file,
            lang=lang or "und",
            title=data["title"].strip(),
            subtitle=_strip(data.get("subtitle")),
            short_title=_strip(data.get("short-title")),
            body=body,
            body_line=body_line,
            csl=str(self._value("csl") or DEFAULT_CSL),
            paper=paper,
            authors=self._authors(),
            abstract=_strip(data.get("abstract")),
            keywords=tuple(k.strip() for k in data.get("keywords", ())),
            date=self._date(("date",), data.get("date")),
            date_modified=self._date(("date-modified",), data.get("date-modified")),
            doi=_doi(data.get("doi") or (data.get("citation") or {}).get("doi")
                     or (data.get("citation") or {}).get("DOI")),
            license=self._license(),
            citation=self._citation(),
            base_url=self.defaults.data.get("base-url") if self.defaults is not None else None,
            where=MappingProxyType(self._where()),
        )

    def _where(self) -> dict[str, tuple[str, int | None]]:
        where = {}
        for located in (self.defaults, self.own):  # the article's own line wins
            if located is not None:
                where.update({key: (located.file, located.line_of((key,))) for key in located.data})
        return where

    def _authors(self) -> tuple[Author, ...]:
        key = "author" if "author" in self.own.data else "authors"
        raw = self.own.data.get(key)
        if raw is None:
            return ()
        entries = raw if isinstance(raw, list) else [raw]
        path_of = (lambda i: (key, i)) if isinstance(raw, list) else (lambda i: (key,))
        refs = {a["id"]: a for a in self.own.data.get("affiliations", [])}
        return tuple(self._author(path_of(i), entry, refs) for i, entry in enumerate(entries))

    def _author(self, path: tuple, entry: Any, refs: dict) -> Author:
        if isinstance(entry, str):
            return Author(name=_name(entry))
        affiliations_raw = entry.get("affiliations", entry.get("affiliation", []))
        if not isinstance(affiliations_raw, list):
            affiliations_raw = [affiliations_raw]
        affiliations = []
        aff_key = "affiliations" if "affiliations" in entry else "affiliation"
        for i, aff in enumerate(affiliations_raw):
            if isinstance(aff, dict) and "ref" in aff:
                if aff["ref"] not in refs:
                    known = ", ".join(sorted(refs)) or "none are listed"
                    self._problem(path + (aff_key, i, "ref"), f"no affiliation has the id '{aff['ref']}'",
                                  hint=f"list it under the top-level 'affiliations:' (ids: {known})")
                    continue
                aff = {**refs[aff["ref"]], **{k: v for k, v in aff.items() if k != "ref"}}
            affiliations.append(_affiliation(aff))
        orcid = entry.get("orcid")
        if orcid:
            orcid = orcid.rsplit("/", 1)[-1]
            if not _orcid_checksum_ok(orcid):
                self._problem(path + ("orcid",), f"'{orcid}' is not a valid ORCID iD (its check digit is wrong)",
                              hint="copy the iD from the author's ORCID record")
        attributes = entry.get("attributes", {})
        return Author(
            name=_name(entry["name"]),
            orcid=orcid,
            email=entry.get("email"),
            url=entry.get("url"),
            affiliations=tuple(affiliations),
            corresponding=bool(entry.get("corresponding", attributes.get("corresponding", False))),
            degrees=_tuple(entry.get("degrees")),
            roles=_tuple(entry.get("roles")),
            position=entry.get("position"),
        )

    def _date(self, path: tuple, value: Any) -> PartialDate | None:
        if value is None:
            return None
        parts = [int(p) for p in str(value).split("-")]
        date = PartialDate(*parts)
        try:
            date.to_datetime()
        except ValueError:
            self._problem(path, f"'{value}' is not a date in the calendar")
            return None
        return date

    def _license(self) -> License | None:
        value = self._value("license")
        if value is None:
            return None
        if isinstance(value, str):
            value = {"url": value} if re.match(r"^https?://", value) else {"text": value}
        text, url = value.get("text"), value.get("url")
        if text and not url:
            url = _licence_url(text)
        return License(text=text, url=url)

    def _citation(self) -> Citation:
        raw = dict(self._value("citation") or {})
        known = {
            "type": "type", "container-title": "container_title", "volume": "volume", "issue": "issue",
            "collection-number": "collection_number", "page": "page", "issn": "issn", "ISSN": "issn",
            "publisher": "publisher", "publisher-place": "publisher_place", "url": "url", "URL": "url",
        }
        fields: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in raw.items():
            value = str(value).strip() if not isinstance(value, str) else value.strip()
            if key in known:
                fields[known[key]] = value
            elif key in ("doi", "DOI"):
                continue  # the article's DOI (Article.doi)
            elif key == "issued":
                extra["issued"] = value
            else:
                extra[key.upper() if key in ("isbn",) else key] = value
        if "issued" in extra:
            issued = self._date(("citation", "issued"), extra.pop("issued"))
            if issued:
                extra["issued"] = issued
        return Citation(**fields, extra=MappingProxyType(extra))


def _get(data: Any, path: tuple) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _name(value: Any) -> PersonName:
    if isinstance(value, dict):
        return PersonName(**{k.replace("-", "_"): v.strip() for k, v in value.items()})
    words = value.strip().rsplit(" ", 1)
    if len(words) == 1:
        return PersonName(literal=words[0])
    # "Given Family", as Quarto and Pandoc read a name written as one string.
    return PersonName(given=words[0], family=words[1])


def _affiliation(value: Any) -> Affiliation:
    if isinstance(value, str):
        return Affiliation(name=value.strip())
    fields = {k.replace("-", "_"): str(v).strip() for k, v in value.items() if k not in ("id", "number", "state")}
    if "state" in value and "region" not in value:
        fields["region"] = value["state"]
    return Affiliation(**fields)


def _doi(value: str | None) -> str | None:
    if not value:
        return None
    return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:)", "", value.strip())


def _licence_url(text: str) -> str | None:
    """The URL of a Creative Commons licence named by its short form ("CC BY 4.0")."""
    normal = text.strip().upper()
    if normal in ("CC0", "CC0 1.0"):
        return "https://creativecommons.org/publicdomain/zero/1.0/"
    match = re.match(r"^CC[ -]?(BY(?:[ -](?:NC|SA|ND))*)(?:[ -]?(\d\.\d))?$", normal)
    if not match:
        return None
    kind = match.group(1).lower().replace(" ", "-")
    return f"https://creativecommons.org/licenses/{kind}/{match.group(2) or '4.0'}/"


def _orcid_checksum_ok(orcid: str) -> bool:
    """ISO 7064 MOD 11-2, as ORCID computes its last character."""
    digits = orcid.replace("-", "")
    total = 0
    for char in digits[:-1]:
        total = (total + int(char)) * 2
    check = (12 - total % 11) % 11
    return digits[-1] == ("X" if check == 10 else str(check))
