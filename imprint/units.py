"""One unit of a build: an article or an issue, rendered into all of its files.

A unit is rendered in memory, whole, before anything of it is written; several
can be rendered at once in separate processes (jobs.py), since a unit needs
only what the build knows before it starts (the shared context) and returns
plain data: its files, its listing for the index and catalogue, and the source
files it was made from (for the manifest).
"""

from __future__ import annotations

import importlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .config import FORMATS, ISSUE_FORMATS, Settings
from .errors import Problem, UserError
from .listing import ArticleListing, IssueListing, article_listing, issue_listing
from .model import Article, Publication
from .writers import WRITERS

if TYPE_CHECKING:
    from .issue_manuscript import IssueManuscript
    from .manuscript import Manuscript
    from .render import Theme


@dataclass(frozen=True)
class Context:
    """What every unit of a build shares (inherited by worker processes)."""

    settings: Settings
    theme: Theme
    publication: Publication
    issues: dict[str, IssueListing] = field(default_factory=dict)  # for an article's link to its issue


@dataclass(frozen=True)
class Result:
    name: str  # "article:<slug>" or "issue:<slug>"
    folder: str  # in dist/
    files: dict[str, bytes] = field(default_factory=dict)
    listing: ArticleListing | IssueListing | None = None
    inputs: tuple[Path, ...] = ()
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()  # built, with a caveat the editor must know of
    seconds: dict[str, float] = field(default_factory=dict)  # time per kind of file
    process: int = field(default_factory=os.getpid)  # the process that rendered it


def build_article(manuscript: Manuscript | Article, context: Context) -> Result:
    """Every file of one article, by its name in dist/<slug>/: its editions, its
    booklets, and with the site its cover and landing page. An article not yet
    made ready (one outside any issue) is made ready here."""
    from .manuscript import prepare
    from .timing import Clock

    settings, theme = context.settings, context.theme
    slug = manuscript.slug if isinstance(manuscript, Article) else manuscript.article.slug
    clock = Clock()
    try:
        if isinstance(manuscript, Article):
            with clock("prepare"):
                manuscript = prepare(manuscript, theme, settings)
        files: dict[str, bytes] = {}
        for fmt in settings.formats:
            if fmt != "site":
                with clock(fmt):
                    files[FORMATS[fmt].path(slug)] = writer_for(fmt)(manuscript, theme, settings)
        for fmt in settings.booklet or ():
            from .writers.booklet import write_booklet
            with clock("booklet"):
                files[FORMATS[fmt].path(slug, booklet=True)] = write_booklet(manuscript, theme, settings, fmt)
        if "site" in settings.formats:
            from .writers.cover import article_cover, cover_files
            from .writers.site import render_landing
            with clock("site"):
                files.update(cover_files(article_cover(manuscript, theme, settings)))
                sizes = {name: len(data) for name, data in files.items()}
                files["index.html"] = render_landing(manuscript, sizes, context.issues.get(manuscript.article.issue),
                                                     context.publication, theme)
    except UserError as error:
        return Result(f"article:{slug}", slug, problems=error.problems)
    sizes = {name: len(data) for name, data in files.items()}
    return Result(f"article:{slug}", slug, files, article_listing(manuscript, sizes), inputs(manuscript, theme),
                  warnings=manuscript.warnings, seconds=clock.seconds)


def build_issue(edition: IssueManuscript, context: Context) -> Result:
    """The issue's editions, by name in dist/<issue>/; its PDF is made of its
    articles' print editions, which must be in dist/ already."""
    settings, theme = context.settings, context.theme
    slug = edition.issue.slug
    files: dict[str, bytes] = {}
    try:
        for fmt in ISSUE_FORMATS:
            if fmt in settings.formats:
                files[FORMATS[fmt].path(slug)] = issue_writer_for(fmt)(edition, theme, settings)
        if "site" in settings.formats:
            from .writers.cover import cover_files, issue_cover
            from .writers.site import render_issue_landing
            files.update(cover_files(issue_cover(edition, theme, settings)))
            files["index.html"] = render_issue_landing(edition, {n: len(d) for n, d in files.items()},
                                                       context.publication, theme)
    except UserError as error:
        return Result(f"issue:{slug}", slug, problems=error.problems)
    sizes = {name: len(data) for name, data in files.items()}
    sources = (edition.issue.path, *((edition.issue.cover_image,) if edition.issue.cover_image else ()))
    return Result(f"issue:{slug}", slug, files, issue_listing(edition, sizes), sources, warnings=edition.warnings)


def inputs(manuscript: Manuscript, theme: Theme) -> tuple[Path, ...]:
    """The source files the article's files were made from, besides the styles and
    the publication file (which every unit depends on)."""
    article = manuscript.article
    found = [article.path, *article.bibliography, *(a.image.path for a in manuscript.body.assets),
             article.path.parent / "_quarto.yml", article.path.parent / "_variables.yml"]  # (Quarto's, if there)
    if article.cover_image:
        found.append(article.cover_image)
    if article.csl.endswith(".csl"):
        found.append(theme.csl_style(article.csl))
    return tuple(dict.fromkeys(found))


def issue_writer_for(fmt: str):
    if fmt == "epub":
        from .writers.epub import write_issue_epub
        return write_issue_epub
    from .writers.issue_pdf import write_issue_pdf
    return write_issue_pdf


def writer_for(fmt: str):
    module, name = WRITERS[fmt]
    return getattr(importlib.import_module(module), name)  # (imported when first used)
