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
    PAPERS, Affiliation, Article, Author, Citation, Copyright, License, PartialDate, PersonName, Project, Publication,
)
from .names import parse_name
from .validation import validate
from .values import licence_url, normalise_doi, orcid_checksum_ok, parse_date

ARTICLE_FILE = "article.md"
PUBLICATION_FILE = "publication.yaml"
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
DEFAULT_CSL = "chicago-author-date"



@dataclass(frozen=True)
class LoadResult:
    project: Project  # every article that could be modelled, problems or not
    problems: tuple[Problem, ...]
    failed: frozenset[str]  # slugs of articles that must not be written

    def ok(self, article: Article) -> bool:
        return article.slug not in self.failed


def load_project(settings: Settings) -> LoadResult:
    """Load the publication file and the selected articles, collecting every problem.

    An article with a problem is still modelled as far as its valid fields allow,
    so that later stages can find its other problems in the same run; it is
    listed in `failed` and never written. A problem in the publication file fails
    every article.
    """
    publication, defaults, publication_problems = load_publication(settings)
    problems = list(publication_problems)
    failed: set[str] = set()
    articles: list[Article] = []
    for folder in find_articles(settings):
        article, article_problems = load_article(settings, folder, defaults)
        if article is not None:
            articles.append(article)
        if article_problems or publication_problems:
            failed.add(folder.name)
        problems.extend(article_problems)
    return LoadResult(Project(publication, tuple(articles)), tuple(problems), frozenset(failed))


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
        folders = [by_slug[s] for s in dict.fromkeys(settings.articles)]
    if not folders:
        raise SourceError.single(
            display(source, settings.root), "there are no articles to publish",
            hint=f"each article is a folder with an {ARTICLE_FILE}: source/<slug>/{ARTICLE_FILE}",
        )
    return folders


def load_publication(settings: Settings) -> tuple[Publication, Located | None, list[Problem]]:
    """The publication file, its valid fields as defaults, and its problems."""
    path = settings.source_dir / PUBLICATION_FILE
    if not path.exists():
        return Publication(file=None), None, []
    file = display(path, settings.root)
    try:
        located = load_yaml(read_text(settings.root, path, "publication file"), file)
    except SourceError as error:
        return Publication(file=file), None, list(error.problems)
    if located.data is None:
        return Publication(file=file), None, []
    if not isinstance(located.data, dict):
        return Publication(file=file), None, [
            Problem(file, "the publication file must be a set of fields (key: value)", line=1)]
    problems = validate(located, schema.publication_schema())
    _drop_invalid(located, problems)
    return Publication(file=file, base_url=located.data.get("base-url")), located, problems


def load_article(settings: Settings, folder: Path, defaults: Located | None
                 ) -> tuple[Article | None, list[Problem]]:
    """The article's model (None when even that cannot be made) and its problems."""
    path = folder / ARTICLE_FILE
    file = display(path, settings.root)
    slug = folder.name
    problems: list[Problem] = []
    if not SLUG.match(slug):
        problems.append(Problem(
            display(folder, settings.root), f"the folder name '{slug}' cannot name the output files",
            hint="use only Latin letters, digits, '-' and '_' (for example batunaev-2019-khalkhin-gol)",
        ))
    try:
        text = read_text(settings.root, path, "article")
        problems.extend(check_characters(text, file))
        yaml_text, body, body_line = split_front_matter(text, file)
        located = load_yaml(yaml_text, file, first_line=2)
    except SourceError as error:
        return None, problems + list(error.problems)
    if not isinstance(located.data, dict):
        return None, problems + [Problem(file, "the front matter must be a set of fields (title: ...)", line=2)]
    schema_problems = validate(located, schema.article_schema())
    _drop_invalid(located, schema_problems)
    builder = _ArticleBuilder(located, defaults)
    article = builder.build(slug=slug, path=path.resolve(), body=body, body_line=body_line)
    return article, problems + schema_problems + builder.problems


def check_characters(text: str, file: str) -> list[Problem]:
    """Characters XML cannot carry (C0 controls but tab and line ends, U+FFFE/FFFF)."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        for column, char in enumerate(line, start=1):
            if (ord(char) < 0x20 and char not in "\t\r\n") or char in "\ufffe\uffff":
                problems.append(Problem(
                    file, f"the control character U+{ord(char):04X} cannot be published", line=number,
                    column=column, hint="delete it (it is invisible in most editors)",
                ))
                break
    return problems


def _drop_invalid(located: Located, problems: list[Problem]) -> None:
    """Remove the top-level fields that have problems, so that the rest can be
    checked further; the article is not written anyway."""
    for problem in problems:
        if problem.field:
            key = re.split(r"[.\[]", problem.field, maxsplit=1)[0]
            located.data.pop(key, None)


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

    def _value(self, key: str, merge: bool = False) -> Any:
        """The article's value, else the publication default. With `merge`, a
        mapping given in both is merged field by field (the article's fields win)."""
        own = self.own.data.get(key)
        default = self.defaults.data.get(key) if self.defaults is not None else None
        if merge and isinstance(own, dict) and isinstance(default, dict):
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
            title=_strip(data.get("title")) or "",
            subtitle=_strip(data.get("subtitle")),
            short_title=_strip(data.get("short-title")),
            body=body,
            body_line=body_line,
            csl=str(self._value("csl") or DEFAULT_CSL),
            paper=paper,
            authors=self._authors(),
            abstract=_strip(data.get("abstract")),
            keywords=_keywords(data.get("keywords")),
            date=self._date(("date",), data.get("date")),
            date_modified=self._date(("date-modified",), data.get("date-modified")),
            doi=self._doi(),
            license=self._license(),
            copyright=self._copyright(),
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

    def _doi(self) -> str | None:
        citation = self.own.data.get("citation")
        citation = citation if isinstance(citation, dict) else {}
        value = self.own.data.get("doi") or citation.get("doi") or citation.get("DOI")
        return normalise_doi(value) if value else None

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
            return Author(name=parse_name(entry))
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
            if not orcid_checksum_ok(orcid):
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
        try:
            return parse_date(value)
        except ValueError as error:
            self._problem(path, str(error))
            return None

    def _license(self) -> License | None:
        value = self._value("license")
        if value is None:
            return None
        if isinstance(value, str):
            value = {"url": value} if re.match(r"^https?://", value) else {"text": value}
        text, url = value.get("text"), value.get("url")
        if text and not url:
            url = licence_url(text)
        return License(text=text, url=url)

    def _copyright(self) -> Copyright | None:
        value = self._value("copyright")
        if value is None:
            return None
        if isinstance(value, str):
            return Copyright(statement=value.strip())
        return Copyright(**{k: str(v).strip() for k, v in value.items()})

    def _citation(self) -> Citation:
        own = self._value("citation", merge=True)
        raw = dict(own) if isinstance(own, dict) else {}  # Quarto also allows `citation: true`
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


def _strip(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _name(value: Any) -> PersonName:
    if isinstance(value, dict):
        return PersonName(**{k.replace("-", "_"): str(v).strip() for k, v in value.items()})
    return parse_name(str(value))


def _keywords(value: Any) -> tuple[str, ...]:
    """A list, or one string of comma-separated keywords (Quarto accepts both)."""
    if value is None:
        return ()
    items = value.split(",") if isinstance(value, str) else value
    return tuple(k for k in (str(item).strip() for item in items) if k)


def _affiliation(value: Any) -> Affiliation:
    if isinstance(value, str):
        return Affiliation(name=value.strip())
    fields = {k.replace("-", "_"): str(v).strip() for k, v in value.items() if k not in ("id", "number", "state")}
    if "state" in value and "region" not in value:
        fields["region"] = value["state"]
    return Affiliation(**fields)


