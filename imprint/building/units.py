"""One unit of a build: an article or an issue, rendered into all of its files.

A unit is rendered in memory, whole, before anything of it is written; several
can be rendered at once by the build's executor (building/executor.py), since a unit is
sent all it needs (its article or issue, the shared context) and returns plain
data: its files, its listing for the index and catalogue, and the source files
it was made from (for the manifest).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..settings import Settings
from ..editions import EDITIONS, Edition, mixes_print
from ..errors import Problem, UserError, collecting_warnings
from .executor import Call
from .handoff import Giving, take
from .stages import stage
from ..site.listing import ArticleListing, IssueListing, article_listing, issue_listing
from ..source.model import Article, Publication

if TYPE_CHECKING:
    from ..body.references import Line
    from ..prepare.issue import IssueManuscript
    from ..prepare.article import Manuscript
    from ..theme import Theme


@dataclass(frozen=True)
class Context:
    """What every unit of a build shares (sent with each)."""

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
    manuscript: Manuscript | None = None  # an article made ready, for its landing page (build_landing)


# The parts an article's unit may be split into when the build has more workers
# than articles (one article: its print editions typeset beside the rest).
WHOLE, PRINT, READER = "whole", "print", "reader"


def build_article(manuscript: Manuscript | Article, context: Context, printed: bytes | None = None,
                  part: str = WHOLE, lines_ahead: Mapping[str, Line] | None = None,
                  handoff: Path | None = None) -> Result:
    """Every file of one article, by its name in dist/<slug>/: its editions, its
    booklets, and with the site its cover and landing page. An article not yet
    made ready (one outside any issue) is made ready here. `printed`: its print
    edition, when laying out its issue made it already.

    A `part` makes only some: PRINT the print editions and booklets, READER the
    others and the cover, but not the landing page, which lists every file:
    build_landing() makes it once both parts are done, from the READER part's
    `manuscript`. `lines_ahead`: its citation lines, if the build formatted them
    ahead (prepare()). `handoff`: the build's folder through which the READER part
    hands the print editions' jobs to the PRINT part (building/handoff.py)."""
    settings = context.settings
    article = manuscript if isinstance(manuscript, Article) else manuscript.article
    handing = handoff is not None and part != WHOLE and _hands_over(manuscript, printed, settings)
    if handing and part == PRINT:
        handed = _print_handed(manuscript, context, handoff)
        if handed is not None:
            return _placed(handed, article)  # (else the jobs did not come: read here, as a part did before)
    try:
        giving = Giving(handoff, article.slug) if handing and part == READER else None
    except OSError:  # (the folder gone: each part reads the article itself)
        giving = None
    try:
        return _placed(_article_files(manuscript, context, printed, part, lines_ahead, giving), article)
    finally:
        if giving is not None:
            giving.close()


def _placed(result: Result, article: Article) -> Result:
    """The result's problems at their own files and lines (its body includes others)."""
    if article.body_lines is None:
        return result
    return replace(result, problems=article.placed(result.problems),
                               warnings=article.placed(result.warnings))


def _article_files(manuscript: Manuscript | Article, context: Context, printed: bytes | None, part: str,
                   lines_ahead: Mapping[str, Line] | None, giving: Giving | None) -> Result:
    from ..prepare.article import prepare
    from .timing import Clock

    settings, theme = context.settings, context.theme
    slug = manuscript.slug if isinstance(manuscript, Article) else manuscript.article.slug
    clock = Clock()
    drawing: list[Problem] = []  # (what the formulas drawn after the print jobs were given say)
    with collecting_warnings() as written:  # (by the editions' writers: a running head cut, say)
        try:
            if isinstance(manuscript, Article):
                # (a part: the body in its editions' dialect only; both, handing the print jobs over)
                with clock("prepare"), stage("reading its front matter, text and citations"):
                    manuscript = prepare(manuscript, theme, replace(settings, formats=tuple(
                        f for f in settings.formats if giving is not None or _in_part(EDITIONS[f], part))),
                        print_alongside=part == READER and giving is None,
                        lines_ahead=lines_ahead, meanwhile=_meanwhile(manuscript, part, context),
                        sharing=giving)
                if giving is not None:
                    from ..editions.pdf.article import EDITIONS as PRINTED, print_job

                    with clock("prepare"), stage("making its print editions' HTML"):
                        giving.give([(fmt, print_job(manuscript, theme, settings, PRINTED[fmt]))
                                     for fmt in settings.formats if EDITIONS[fmt].printed])
                    if giving.drawn_later:  # (drawn from the first while the print part draws from the last)
                        from ..body.formulas import cache_folder, report_drawing

                        with clock("prepare"), stage("drawing its formulas"):
                            drawing = report_drawing(giving.drawn_later, manuscript.article.file,
                                                     cache_folder(settings.root))
            files: dict[str, bytes] = {}
            for fmt in settings.formats:
                edition = EDITIONS[fmt]
                if fmt == "site" or not _in_part(edition, part):
                    continue
                if fmt == "pdf" and printed is not None:
                    files[edition.path(slug)] = printed
                else:
                    with clock(fmt), stage(f"making its {fmt} edition"):
                        files[edition.path(slug)] = edition.write(manuscript, theme, settings)
            for fmt in settings.booklet or () if part != READER else ():
                from ..editions.pdf.booklet import write_booklet
                with clock("booklet"), stage(f"making its {fmt} booklet"):
                    files[EDITIONS[fmt].path(slug, booklet=True)] = write_booklet(manuscript, theme, settings, fmt)
            if "site" in settings.formats and part != PRINT:
                from ..editions.cover import article_cover, cover_files
                with clock("site"), stage("drawing its cover"):
                    files.update(cover_files(article_cover(manuscript, theme, settings)))
                if part == WHOLE:
                    with clock("site"), stage("making its landing page"):
                        files["index.html"] = landing_page(manuscript, context, files)
        except UserError as error:  # (with what was warned of on the way: the text's, a writer's)
            read = manuscript.warnings if not isinstance(manuscript, Article) else ()
            return Result(f"article:{slug}", slug, problems=error.problems,
                          warnings=tuple(dict.fromkeys((*error.warnings, *read, *drawing, *written))))
    sizes = {name: len(data) for name, data in files.items()}
    return Result(f"article:{slug}", slug, files, article_listing(manuscript, sizes), inputs(manuscript, theme),
                  # (each part reads the text: merged() tells a warning of both once; the print
                  # part's own, a formula it cannot draw, only it finds)
                  warnings=(*manuscript.warnings, *drawing, *written), seconds=clock.seconds,
                  manuscript=manuscript if part == READER else None)


PRINT_JOBS = "imprint.editions.pdf.article"  # (whose print_job() makes the jobs handed over)


def _hands_over(manuscript: Manuscript | Article, printed: bytes | None, settings: Settings) -> bool:
    """Whether an article built in parts hands its print jobs over (both parts ask):
    one read here (not made ready with its issue), printed here, with no booklets
    (imposed from the manuscript), in the print editions the jobs are made for."""
    return isinstance(manuscript, Article) and printed is None and not settings.booklet \
        and all(EDITIONS[fmt].module == PRINT_JOBS for fmt in settings.formats if EDITIONS[fmt].printed)


def _print_handed(article: Article, context: Context, handoff: Path) -> Result | None:
    """The PRINT part of an article whose READER part hands its print jobs over:
    WeasyPrint loaded while that part reads, then the jobs laid out. None if no
    jobs come (that part failed, or was stopped)."""
    import time

    from ..editions.pdf.typeset import hyphenate_ahead, run  # (WeasyPrint: loaded now, if not as the worker started)
    from .timing import Clock

    slug = article.slug
    hyphenate_ahead(_languages(article))  # (needed by the layout; meanwhile, if the jobs are still to come)
    from ..body.formulas import preload

    limit = context.settings.time_limit
    with stage("waiting for its text, read by the build's other worker (drawing formulas meanwhile)"):
        jobs = take(handoff, slug, time.monotonic() + (limit if limit else 24 * 3600),
                    draw=partial(_draw_from_the_end, context.settings.root), ready=preload)
    if jobs is None:
        return None
    clock, files = Clock(), {}
    with collecting_warnings() as written:
        try:
            for fmt, job in jobs:
                with clock(fmt), stage(f"making its {fmt} edition"):
                    files[EDITIONS[fmt].path(slug)] = run(job).pdf
        except UserError as error:
            return Result(f"article:{slug}", slug, problems=error.problems, warnings=(*error.warnings, *written))
    return Result(f"article:{slug}", slug, files, warnings=tuple(written), seconds=clock.seconds)


def _draw_from_the_end(root: Path, mathml: list[str]) -> None:
    from ..body.formulas import cache_folder, draw_from_the_end

    draw_from_the_end([{"mathml": m} for m in mathml], cache_folder(root))


def _meanwhile(article: Article, part: str, context: Context) -> Callable[[Mapping[str, Any]], None] | None:
    """What this part does while Pandoc reads the article's text: its cover drawn
    (for the EPUB and the site), the hyphenation patterns of its languages read
    (for print)."""
    settings, theme = context.settings, context.theme
    ahead: list[Callable[[Mapping[str, Any]], None]] = []
    if part != PRINT and ("epub" in settings.formats or "site" in settings.formats):
        from ..editions.cover import draw_ahead

        ahead.append(partial(draw_ahead, article, theme=theme, settings=settings))
    if part != READER and any(EDITIONS[f].printed for f in settings.formats):
        from ..editions.pdf.typeset import hyphenate_ahead

        ahead.append(lambda rendered: hyphenate_ahead(_languages(article)))

    def meanwhile(rendered: Mapping[str, Any]) -> None:
        for each in ahead:
            each(rendered)
    return meanwhile if ahead else None


def _languages(article: Article) -> list[str]:
    return [article.lang, *([article.translation.lang] if article.translation else [])]


def _in_part(edition: Edition, part: str) -> bool:
    return part == WHOLE or (part == PRINT) == edition.printed


def split(calls: list[Call], slots: int, formats: tuple[str, ...], handoff: Path | None = None) -> list[Call]:
    """Article units in two parts each (print, and the rest), when the workers
    outnumber the articles and the build makes editions of both kinds; `handoff`:
    the folder through which the parts of each hand over its print jobs."""
    if len(calls) >= slots or not mixes_print(formats):
        return calls
    if len(calls) * 2 > slots:  # (a part waiting for a worker: each part reads the article itself)
        handoff = None
    # (the READER part first: the first worker ready, the one that loads no WeasyPrint, takes it)
    return [Call(call.function, (*call.args[:3], part, *(call.args[4:5] or (None,)), handoff), f"{call.name}#{part}",
                 call.reads)
            for call in calls for part in (READER, PRINT)]


def build_landing(manuscript: Manuscript, context: Context, files: dict[str, bytes | int]) -> Result:
    """An article's landing page as a unit of its own (the last of an article
    built in parts), listing its `files` (by name: their bytes or sizes)."""
    from .timing import Clock

    clock, slug = Clock(), manuscript.article.slug
    with collecting_warnings() as written:
        try:
            with clock("site"), stage("making its landing page"):
                page = landing_page(manuscript, context, files)
        except UserError as error:
            return Result(f"article:{slug}", slug, problems=error.problems, warnings=(*error.warnings, *written))
    return Result(f"article:{slug}", slug, {"index.html": page}, warnings=tuple(written), seconds=clock.seconds)


def landing_page(manuscript: Manuscript, context: Context, files: dict[str, bytes | int]) -> bytes:
    """An article's landing page, listing its `files`. Raises UserError."""
    from ..site.pages import render_landing

    sizes = {name: data if isinstance(data, int) else len(data) for name, data in files.items()}
    return render_landing(manuscript, sizes, context.issues.get(manuscript.article.issue), context.publication,
                          context.theme)


def merged(parts: list[Result]) -> Result:
    """One article's parts as its unit's result: their files (the landing page
    last), listing (of them all), problems, warnings and times."""
    first = parts[0]
    files = {name: data for part in parts for name, data in part.files.items()}
    sizes = {name: len(data) for name, data in files.items()}
    reader = next((part.manuscript for part in parts if part.manuscript is not None), None)
    seconds: dict[str, float] = {}
    for part in parts:
        for name, value in part.seconds.items():
            seconds[name] = seconds.get(name, 0.0) + value
    problems = tuple(dict.fromkeys(p for part in parts for p in part.problems))
    return Result(first.name, first.folder, files if not problems else {},
                  article_listing(reader, sizes) if reader is not None and not problems else None,
                  next((part.inputs for part in parts if part.inputs), ()), problems,
                  tuple(dict.fromkeys(w for part in parts for w in part.warnings)), seconds, first.process)


def build_issue(edition: IssueManuscript, context: Context, printed: dict[str, bytes]) -> Result:
    """The issue's editions, by name in dist/<issue>/; its PDF is made of its
    articles' print editions (`printed`, by slug)."""
    slug = edition.issue.slug
    with collecting_warnings() as written:  # (by the editions' writers: a running head cut, say)
        try:
            files = _issue_files(edition, context, printed)
        except UserError as error:
            return Result(f"issue:{slug}", slug, problems=error.problems,
                          warnings=(*edition.warnings, *error.warnings, *written))
    sizes = {name: len(data) for name, data in files.items()}
    sources = (edition.issue.path, *((edition.issue.cover_image,) if edition.issue.cover_image else ()))
    return Result(f"issue:{slug}", slug, files, issue_listing(edition, sizes), sources,
                  warnings=(*edition.warnings, *written))


def _issue_files(edition: IssueManuscript, context: Context, printed: dict[str, bytes]) -> dict[str, bytes]:
    """The issue's files, by name. Raises UserError."""
    settings, theme = context.settings, context.theme
    slug = edition.issue.slug
    files: dict[str, bytes] = {}
    for fmt in settings.formats:
        if EDITIONS[fmt].issue_writer:
            with stage(f"making its {fmt} edition"):
                files[EDITIONS[fmt].path(slug)] = EDITIONS[fmt].write_issue(edition, theme, settings, printed)
    if "site" in settings.formats:
        from ..editions.cover import cover_files, issue_cover
        from ..site.pages import render_issue_landing
        with stage("drawing its cover and making its landing page"):
            files.update(cover_files(issue_cover(edition, theme, settings)))
            files["index.html"] = render_issue_landing(edition, {n: len(d) for n, d in files.items()},
                                                       context.publication, theme)
    return files


def inputs(manuscript: Manuscript, theme: Theme) -> tuple[Path, ...]:
    """The source files the article's files were made from, besides the styles and
    the publication file (which every unit depends on)."""
    article = manuscript.article
    found = [article.path, *article.bibliography, *(a.image.path for a in manuscript.body.assets),
             *article.text_files,
             article.path.parent / "_quarto.yml", article.path.parent / "_variables.yml",  # (Quarto's, if there)
             article.path.parent / "pandoc-crossref.yaml"]
    if article.cover_image:
        found.append(article.cover_image)
    if article.csl.endswith(".csl"):
        found.append(theme.csl_style(article.csl))
    return tuple(dict.fromkeys(found))
