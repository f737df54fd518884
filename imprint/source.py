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
from .metadata import ArticleBuilder
from .model import Article, Project, Publication
from .validation import validate

ARTICLE_FILE = "article.md"
PUBLICATION_FILE = "publication.yaml"
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")



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
    data = located.data
    booklet = data.get("booklet", False)
    publication = Publication(
        file=file,
        base_url=data.get("base-url"),
        editions=tuple(dict.fromkeys(data["editions"])) if data.get("editions") else None,
        booklet=tuple(schema.PRINT_EDITIONS) if booklet is True else tuple(booklet or ()),
        crop_marks=bool(data.get("crop-marks", False)),
    )
    return publication, located, problems


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
    builder = ArticleBuilder(located, defaults, folder=folder, source_dir=settings.source_dir, root=settings.root)
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
