"""The recipe: load sources -> models -> render -> write. Details live elsewhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .config import FORMATS, ISSUE_FORMATS, Settings
from .errors import Problem, UsageError, UserError
from .model import Publication
from .issue_manuscript import IssueManuscript
from .manuscript import Manuscript, prepare
from .output import write_atomic
from .render import Theme
from .source import LoadResult, load_project
from .writers import forget_layouts

Writer = Callable[[Manuscript, Theme, Settings], bytes]


@dataclass(frozen=True)
class Output:
    path: Path
    size: int


@dataclass
class BuildReport:
    outputs: list[Output] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # what could not be built, and why
    notes: list[str] = field(default_factory=list)  # what was left out on purpose
    articles: list[str] = field(default_factory=list)  # slugs of the articles written
    issues: list[str] = field(default_factory=list)  # slugs of the issues written
    written: dict[str, dict[str, int]] = field(default_factory=dict)  # folder in dist/ -> file name -> size

    @property
    def ok(self) -> bool:
        return not self.problems


def build(settings: Settings) -> BuildReport:
    """Build every selected edition of every selected article and issue into dist/.

    An article with a problem is skipped and its problem reported; the others are
    still built (an issue needs all of its articles). Each article's files are all
    rendered before any is written.
    """
    forget_layouts()  # a new build sees the files as they are now
    loaded = load_project(settings)
    publication = loaded.project.publication
    settings = settings.for_publication(publication.editions, publication.booklet, publication.crop_marks)
    theme = Theme(settings.root, settings.styles_dir)
    report = BuildReport(problems=list(loaded.problems) + check_publication(publication, theme, settings))
    if len(report.problems) > len(loaded.problems):
        return finish(report)  # the site of every article would meet it: nothing is written
    manuscripts = prepare_articles(loaded, theme, settings, report)
    paginated = paginate_issues(loaded, manuscripts, theme, settings, report)  # gives articles their pages
    for slug, manuscript in manuscripts.items():
        if loaded.wanted(slug) and write_files(slug, render_files, report, settings, manuscript, theme, settings):
            report.articles.append(slug)
    for issue in paginated:
        slug = issue.issue.slug
        if loaded.wanted(slug) and write_files(slug, render_issue_files, report, settings, issue, theme, settings):
            report.issues.append(slug)
    if "site" in settings.formats and report.written:
        from .writers.site import SiteContent, render_site
        content = SiteContent(publication, [manuscripts[s] for s in report.articles],
                              [i for i in paginated if i.issue.slug in report.issues], paginated,
                              report.written, complete=loaded.targets is None and not report.problems)
        write_files("", render_site, report, settings, content, theme, settings)
        report.notes += content.notes(settings)
    return finish(report)


def check_publication(publication: Publication, theme: Theme, settings: Settings) -> list[Problem]:
    """What the publication file names from styles/ must exist before anything is built."""
    if "site" not in settings.formats:
        return []
    from .writers.site import cite_as_styles
    return cite_as_styles(publication, theme)


def finish(report: BuildReport) -> BuildReport:
    # A problem of the publication file is met by every article: say it once.
    report.problems = sorted(dict.fromkeys(report.problems), key=lambda p: (p.file, p.line or 0, p.column or 0))
    return report


def prepare_articles(loaded: LoadResult, theme: Theme, settings: Settings,
                     report: BuildReport) -> dict[str, Manuscript]:
    """Every loaded article made ready to render, by slug; problems go to the report."""
    manuscripts = {}
    for article in loaded.project.articles:
        try:
            manuscript = prepare(article, theme, settings)  # finds the body's problems too
        except UserError as error:
            report.problems.extend(error.problems)
            continue
        if loaded.ok(article.slug):
            manuscripts[article.slug] = manuscript
    return manuscripts


def paginate_issues(loaded: LoadResult, manuscripts: dict[str, Manuscript], theme: Theme, settings: Settings,
                    report: BuildReport) -> list[IssueManuscript]:
    """Lay out each issue to find its articles' pages, and give the articles their
    page ranges (in `manuscripts`). An issue missing an article is not built, and
    neither are its other articles: their pages would be unknown."""
    from .pagination import paginate

    issues = []
    for issue in loaded.project.issues:
        if not (loaded.targets is None or loaded.wanted(issue.slug) or loaded.targets & set(issue.articles)):
            continue
        if not loaded.ok(issue.slug) or any(slug not in manuscripts for slug in issue.articles):
            for slug in issue.articles:
                manuscripts.pop(slug, None)
            report.problems.append(Problem(
                issue.file, "the issue was not built, nor its articles: their pages depend on one another",
                hint="fix the problems listed for the issue and its articles"))
            continue
        try:
            edition = paginate(issue, [manuscripts[slug] for slug in issue.articles], theme, settings, loaded.wanted)
        except UserError as error:
            report.problems.extend(error.problems)
            for slug in issue.articles:
                manuscripts.pop(slug, None)
            continue
        manuscripts.update((m.article.slug, m) for m in edition.articles)
        issues.append(edition)
    return issues


def render_files(manuscript: Manuscript, theme: Theme, settings: Settings) -> dict[str, bytes]:
    """Every file of one article, by its name in dist/<slug>/."""
    slug = manuscript.article.slug
    files = {FORMATS[fmt].path(slug): writer_for(fmt)(manuscript, theme, settings)
             for fmt in settings.formats if fmt != "site"}
    if settings.booklet:
        from .writers.booklet import write_booklet
        for fmt in settings.booklet:
            files[FORMATS[fmt].path(slug, booklet=True)] = write_booklet(manuscript, theme, settings, fmt)
    if "site" in settings.formats:  # the covers the download site and the catalogue show
        from .writers.cover import article_cover, cover_files
        files.update(cover_files(article_cover(manuscript, theme, settings)))
    return files


def render_issue_files(issue: IssueManuscript, theme: Theme, settings: Settings) -> dict[str, bytes]:
    """The issue's editions (those of ISSUE_FORMATS the build makes), by name in dist/<issue>/."""
    slug = issue.issue.slug
    files = {}
    for fmt in ISSUE_FORMATS:
        if fmt in settings.formats:
            if fmt == "epub":
                from .writers.epub import write_issue_epub
                files[FORMATS[fmt].path(slug)] = write_issue_epub(issue, theme, settings)
            else:
                from .writers.issue_pdf import write_issue_pdf
                files[FORMATS[fmt].path(slug)] = write_issue_pdf(issue, theme, settings)
    if "site" in settings.formats:
        from .writers.cover import cover_files, issue_cover
        files.update(cover_files(issue_cover(issue, theme, settings)))
    return files


def write_files(folder: str, render: Callable[..., dict[str, bytes]], report: BuildReport, settings: Settings,
                *what) -> bool:
    """Render a set of files for a folder of dist/, then write each atomically. A
    problem in rendering goes to the report, and nothing of the set is written."""
    try:
        files = render(*what)
    except UserError as error:
        report.problems.extend(error.problems)
        return False
    report.written.setdefault(folder, {}).update((name, len(data)) for name, data in files.items())
    for name, data in files.items():
        path = settings.dist_dir / folder / name
        try:
            write_atomic(path, data)
        except OSError as error:
            raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
        report.outputs.append(Output(path, len(data)))
    return True


def writer_for(fmt: str) -> Writer:
    # Imported here: the PDF writers load WeasyPrint, which only a PDF build needs.
    if fmt == "epub":
        from .writers.epub import write_epub
        return write_epub
    if FORMATS[fmt].printed:
        from .writers import pdf
        return {"pdf": pdf.write_print, "archive": pdf.write_archive, "handout": pdf.write_handout}[fmt]
    from .writers import exports
    return {"json": exports.write_csl_json, "bib": exports.write_bibtex, "ris": exports.write_ris}[fmt]
