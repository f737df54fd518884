"""The recipe: load sources -> models -> render -> write. Details live elsewhere."""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from .settings import Settings
from .errors import Problem, StyleError, UsageError, UserError, collecting_warnings
from .editions import EDITIONS
from .building.executor import Call, Executor, LocalPool, open_executor
from .building.handoff import close_folder, open_folder
from .building.incremental import Ledger
from .site.listing import article_from_json, issue_from_json, issue_listing, to_json
from .building.manifest import digest
from .source.model import Article, Publication
from .body.pandoc import cache_in, deadline_in, trim
from .building.output import lock_output, sweep, write_atomic
from .files import linked_files, refusing_links, run_refusing_links
from .theme import Theme
from .source.project import LoadResult, load_project, load_publication, project_files
from .building.timing import Clock
from .building.units import WHOLE, Context, Result, build_article, build_issue, build_landing, merged, split
from .editions.caches import forget_layouts

if TYPE_CHECKING:  # (Markdown and Jinja: loaded here only if an article is prepared here)
    from .body.references import Line
    from .prepare.issue import IssueManuscript
    from .prepare.article import Manuscript


@dataclass(frozen=True)
class Output:
    path: Path
    size: int


@dataclass
class BuildReport:
    outputs: list[Output] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # what could not be built, and why
    warnings: list[Problem] = field(default_factory=list)  # what was built with a caveat (left out, shown as code)
    notes: list[str] = field(default_factory=list)  # what was left out on purpose
    articles: list[str] = field(default_factory=list)  # slugs of the articles written
    issues: list[str] = field(default_factory=list)  # slugs of the issues written
    up_to_date: list[str] = field(default_factory=list)  # slugs of the articles and issues left as they were
    seconds: dict[str, float] = field(default_factory=dict)  # time per stage (--timings)
    processes: set[int] = field(default_factory=set)  # the processes that rendered units
    parallel: int = 0  # the most units rendered at once

    @property
    def ok(self) -> bool:
        return not self.problems


Progress = Callable[[str, int, int], None]  # (what was just built, how many so far, of how many)


def build(settings: Settings, progress: Progress | None = None, executor: Executor | None = None) -> BuildReport:
    """Build the selected editions of every selected article and issue into dist/.

    What is up to date with its sources (the manifest of the last build says so)
    is not built again. An article with a problem is skipped and its problem
    reported; the others are still built (an issue needs all of its articles).
    Each unit's files are all rendered before any is written. The units run on
    `executor` (else one opened for this build, as the settings say).
    """
    if executor is None:
        with open_executor(settings.executor, settings.jobs, root=settings.root) as executor:
            return build(settings, progress, executor)
    return hold_dist(settings, lambda clock, report: build_held(settings, progress, executor, clock, report))


def build_held(settings: Settings, progress: Progress | None, executor: Executor, clock: Clock,
               report: BuildReport) -> BuildReport:
    """build(), with dist/ held by this build."""
    forget_layouts()  # a new build sees the files as they are now
    with clock("load"):
        found, ledger, settings, theme = _open_publication(settings)
        publication = found[0]
        loaded = load_project(settings, ledger.fresh, found)
    report.problems += list(loaded.problems) + check_publication(publication, theme, settings)
    report.warnings += list(loaded.warnings)
    if len(report.problems) > len(loaded.problems):
        return finish(report, clock)  # the site of every article would meet it: nothing is written
    standalone = [a for a in loaded.project.articles  # made ready in their units (in parallel)
                  if a.issue is None and loaded.ok(a.slug) and loaded.wanted(a.slug)]
    with clock("prepare"):
        manuscripts = prepare_articles(loaded, theme, settings, report, skip={a.slug for a in standalone})
    if loaded.fails_all:  # every article meets it: their texts' problems told too, nothing written
        return finish(report, clock)
    printed: dict[str, bytes] = {}  # the print editions that laying out their issues made
    with clock("paginate"):
        issues = paginate_issues(loaded, manuscripts, theme, settings, report, ledger, executor, printed)
    context = Context(settings, theme, publication, {i.issue.slug: issue_listing(i, {}) for i in issues})
    report.up_to_date += sorted(loaded.kept)
    articles = [m for slug, m in manuscripts.items() if loaded.wanted(slug)]
    stale = [m for m in articles if ledger.stale(m)]
    report.up_to_date += sorted(m.article.slug for m in articles if m not in stale)
    accept = partial(accept_unit, report=report, ledger=ledger, settings=settings, clock=clock,
                     articles={**{a.slug: a for a in standalone}, **{s: m.article for s, m in manuscripts.items()}},
                     issues={i.issue.slug: i for i in issues})
    # (an article loaded on its own is stale: one up to date is not loaded)
    with clock("cite"):
        ahead = lines_ahead(standalone, publication, theme, settings, executor.slots)
    units = [Call(build_article, (m, context, printed.get(m.article.slug)), unit_identity(m)[0], reads(m))
             for m in stale] + [Call(build_article, (a, context, None, WHOLE, ahead.get(a.slug)), unit_identity(a)[0],
                                     reads(a)) for a in standalone]
    handoff = open_folder() if isinstance(executor, LocalPool) else None  # (the parts of an article: units.split)
    try:
        run_units(split(sorted(units, key=lambda u: u.name), executor.slots, settings.formats, handoff), executor,
                  settings, accept, progress, report)
        issues = [i for i in issues if loaded.wanted(i.issue.slug)]
        run_units([Call(build_issue, (i, context, issue_prints(i, settings)), unit_identity(i)[0], reads(i))
                   for i in issues], executor, settings, accept, progress, report)
    except BaseException:  # (stopped, killed by a signal Python hears: what was made is kept for the next build)
        ledger.save(finished=False)
        raise
    finally:
        if handoff is not None:
            close_folder(handoff)
    ledger.forget_missing(set(loaded.slugs), {i.slug for i in loaded.project.issues})
    if "site" in settings.formats:
        with clock("site"):
            build_site(loaded, publication, theme, settings, ledger, report)
    ledger.save()
    if not ledger.partial and not report.problems:
        report.notes += _left_over(ledger, settings.dist_dir)
    trim(cache_in(settings.root))  # (Pandoc's answers kept for the next build: the most recent, within a limit)
    return finish(report, clock)


def _open_publication(settings: Settings) -> tuple[tuple, Ledger, Settings, Theme]:
    """The publication file read (load_publication's answer), the ledger of the
    build, the settings as the publication file completes them, and the theme."""
    found = load_publication(settings)
    publication = found[0]
    ledger = Ledger(settings, settings.identity(), publication.bibliography + project_files(settings))
    settings = settings.for_publication(publication.editions, publication.booklet, publication.crop_marks)
    ledger.asking(settings)
    return found, ledger, settings, Theme(settings.root, settings.styles_dir)


def _left_over(ledger: Ledger, dist: Path) -> list[str]:
    """What an earlier build left in the folders this one wrote (an edition no
    longer built: a handout, a booklet), which `rsync --delete` would publish."""
    made = {name for unit in ledger.new.units.values() for name in unit.outputs}
    folders = sorted({name.rsplit("/", 1)[0] for name in made if "/" in name})
    left = [f"{folder}/{path.name}" for folder in folders if (dist / folder).is_dir()
            for path in sorted((dist / folder).iterdir()) if path.is_file() and f"{folder}/{path.name}" not in made]
    return [f"dist/ holds {len(left)} file{'s' if len(left) > 1 else ''} this build did not make (an earlier "
            f"build's: an edition no longer built?): {', '.join(left[:5])}{', ...' if len(left) > 5 else ''} "
            "(delete them before publishing dist/, or build them again)"] if left else []


def assemble(settings: Settings) -> BuildReport:
    """The site's index, catalogue and stylesheet, and one manifest, from the parts
    `build --shard K/N` made (their dist/ folders copied into one): no article
    is built again. Every article and issue of source/ must be in a part."""
    return hold_dist(settings, lambda clock, report: assemble_held(settings, clock, report))


def assemble_held(settings: Settings, clock: Clock, report: BuildReport) -> BuildReport:
    """assemble(), with dist/ held by this build."""
    from .building.manifest import FOLDER, Manifest

    found, ledger, settings, theme = _open_publication(settings)
    publication = found[0]
    parts = sorted((settings.dist_dir / FOLDER).glob("shard-*.json"))
    if not parts:
        raise UsageError(f"no parts to assemble in {settings.dist_dir / FOLDER}: build them first with --shard K/N")
    for path in parts:
        part = Manifest.load(settings.dist_dir, path.name)
        if part is None or part.build_key != ledger.key:
            raise UsageError(f"{path.name} was built from other sources, styles, settings or another Imprint: "
                             "build every part again from the same commit and options")
        ledger.new.units.update(part.units)
    loaded = load_project(settings, lambda slug, issue: True, found)  # reads the issue files only
    report.problems += loaded.problems
    missing = [s for s in loaded.slugs if f"article:{s}" not in ledger.new.units] + \
        [i.slug for i in loaded.project.issues if f"issue:{i.slug}" not in ledger.new.units]
    broken = [name for name, unit in ledger.new.units.items() if not ledger.holds(unit)]
    if missing or broken:
        raise UsageError("the parts do not hold the whole publication: "
                         + "; ".join(filter(None, [f"missing {', '.join(missing)}" if missing else "",
                                                   f"files changed or lost, or of other editions: {', '.join(broken)}"
                                                   if broken else ""])))
    ledger.changed = True
    report.up_to_date += sorted(loaded.slugs)
    if "site" in settings.formats:
        build_site(loaded, publication, theme, settings, ledger, report)
    ledger.save()
    return finish(report, clock)


def confinement_problems(settings: Settings) -> list[Problem]:
    """With --strict: every file of the project that has another name, which may
    lie outside it (the path checks cannot see a hard link). None otherwise: a
    git clone makes no hard links. (A file made a hard link later is refused as
    it is read: files.refusing_links, here and in each unit, strictly().)"""
    return linked_files(settings.root, [settings.dist_dir]) if settings.strict else []


def strictly(calls: list[Call], settings: Settings) -> list[Call]:
    """The units as the build runs them: with --strict, each refusing a file of the
    project with another name as it reads it, in the process that renders it
    (which the build's own refusing_links does not reach); else as they are."""
    if not settings.strict:
        return calls
    return [replace(call, function=partial(run_refusing_links, settings.root, call.function)) for call in calls]


def lines_ahead(articles: list[Article], publication: Publication, theme: Theme, settings: Settings,
                slots: int) -> dict[str, dict[str, Line]]:
    """The citation lines of the articles made ready in their units ("For
    citation", "Cite as"), formatted here in one Pandoc run, by slug and line
    key: a unit that finds its own runs no Pandoc for them (which would parse
    the style again: with Chicago's, 52 ms of CPU an article of the 50-article
    benchmark, of the 0.45 s its unit takes). Only when the units outnumber the
    workers: with fewer, a unit's own run costs no time (it overlaps the rest of
    the unit), and this one would delay them all."""
    if len(articles) <= slots:
        return {}
    from .body.references import format_ahead
    from .prepare.article import lines_wanted

    cite_as: tuple[str, ...] = ()
    if "site" in settings.formats:
        from .site.pages import DEFAULT_CITE_AS
        cite_as = publication.cite_as or DEFAULT_CITE_AS
    wanted = [(article.slug, job) for article in articles for job in lines_wanted(article, theme, cite_as)]
    found = format_ahead([job for _, job in wanted], file=publication.file or "source",
                         deadline=deadline_in(settings.time_limit), cache=cache_in(settings.root))
    ahead: dict[str, dict[str, Line]] = {}
    for (slug, _), line in zip(wanted, found):
        if line is not None:
            ahead.setdefault(slug, {})[line[0]] = line[1]
    return ahead


def prepare_articles(loaded: LoadResult, theme: Theme, settings: Settings, report: BuildReport,
                     skip: set[str]) -> dict[str, Manuscript]:
    """Every loaded article but those skipped made ready to render, by slug;
    problems go to the report."""
    manuscripts = {}
    for article in loaded.project.articles:
        if article.slug in skip:
            continue
        from .prepare.article import prepare
        try:
            manuscript = prepare(article, theme, settings)  # finds the body's problems too
        except UserError as error:
            report.problems.extend(article.placed(error.problems))
            report.warnings.extend(article.placed(error.warnings))
            continue
        report.warnings.extend(article.placed(manuscript.warnings))
        if loaded.ok(article.slug):
            manuscripts[article.slug] = manuscript
    return manuscripts


def paginate_issues(loaded: LoadResult, manuscripts: dict[str, Manuscript], theme: Theme, settings: Settings,
                    report: BuildReport, ledger: Ledger, executor: Executor,
                    printed: dict[str, bytes]) -> list[IssueManuscript]:
    """Lay out each issue that is not up to date to find its articles' pages, and
    give the articles their page ranges (in `manuscripts`); the print editions
    those layouts made go to `printed`, by slug. An issue missing an article is
    not built, and neither are its other articles: their pages would be unknown."""

    def lay_out(tasks, done, failed) -> None:  # the articles' layouts, on the build's executor
        calls = strictly([Call(task.func, task.args, f"layout:{index}", reads(task.args[0]))
                          for index, task in enumerate(tasks)], settings)
        executor.run(calls, lambda call, result: done(result),
                     lambda call, why: done(failed(calls.index(call), why)), settings.time_limit)

    def keep(manuscript: Manuscript, pdf: bytes) -> None:
        if "pdf" in settings.formats:
            printed[manuscript.article.slug] = pdf

    issues = []
    for issue in loaded.project.issues:
        if not (loaded.targets is None or loaded.wanted(issue.slug) or loaded.targets & set(issue.articles)):
            continue
        if all(slug in loaded.kept for slug in issue.articles) and ledger.issue_fresh(issue):
            continue  # up to date, with all its articles
        if not loaded.ok(issue.slug) or any(slug not in manuscripts for slug in issue.articles):
            for slug in issue.articles:
                manuscripts.pop(slug, None)
            report.problems.append(Problem(
                issue.file, "the issue was not built, nor its articles: their pages depend on one another",
                hint="fix the problems listed for the issue and its articles"))
            continue
        from .building.pagination import paginate
        try:
            edition = paginate(issue, [manuscripts[slug] for slug in issue.articles], theme, settings,
                               loaded.wanted, partial(ledger.known_pages, issue=issue), ledger.remembered_pages,
                               lay_out, keep)
        except UserError as error:
            report.problems.extend(error.problems)
            for slug in issue.articles:
                manuscripts.pop(slug, None)
            continue
        manuscripts.update((m.article.slug, m) for m in edition.articles)
        issues.append(edition)
    return issues


def run_units(units: list[Call], executor: Executor, settings: Settings, accept: Callable[[Result], None],
              progress: Progress | None, report: BuildReport) -> None:
    """Each unit rendered on the executor, and accepted here as it comes. An
    article split in parts (units.split) is accepted once its landing page,
    made from them, is done."""
    count, total = [0], len({unit.name.split("#")[0] for unit in units})
    parts: dict[str, list[Result]] = {}
    landings: list[Call] = []

    def finished(result: Result) -> None:
        accept(result)
        count[0] += 1
        if progress:
            progress(result.name.split(":", 1)[1], count[0], total)

    def done(call: Call, result: Result) -> None:
        if "#" not in call.name:
            return finished(result)
        parts.setdefault(result.name, []).append(result)
        if len(parts[result.name]) < 2:
            return
        whole = merged(parts[result.name])
        if whole.problems or "site" not in settings.formats:
            finished(whole)
            del parts[result.name]
        else:
            reader = next(part.manuscript for part in parts[result.name] if part.manuscript is not None)
            sizes = {name: len(data) for name, data in whole.files.items()}
            landings.append(Call(build_landing, (reader, call.args[1], sizes), f"{result.name}#landing", call.reads))

    def landed(call: Call, result: Result) -> None:
        finished(merged([*parts.pop(result.name), result]))

    def failed(call: Call, why: str) -> None:
        name, folder, file = unit_identity(call.args[0])
        result = Result(name, folder, problems=(Problem(
            file, why, hint="look for what is unusual in it (a huge table, a very long word or line), "
                            "or raise --time-limit"),))
        (landed if call.name.endswith("#landing") else done)(call, result)

    report.parallel = max(report.parallel, executor.run(strictly(units, settings), done, failed, settings.time_limit))
    executor.run(strictly(landings, settings), landed, failed, settings.time_limit)


def issue_prints(edition: IssueManuscript, settings: Settings) -> dict[str, bytes]:
    """The print editions of the issue's articles, as this build left them in
    dist/ (its PDF is made of them), by slug: sent with the issue's unit."""
    if "pdf" not in settings.formats:
        return {}
    slugs = [manuscript.article.slug for manuscript in edition.articles]
    paths = {slug: settings.dist_dir / slug / EDITIONS["pdf"].path(slug) for slug in slugs}
    return {slug: path.read_bytes() for slug, path in paths.items() if path.is_file()}


def reads(item: Manuscript | Article | IssueManuscript) -> tuple[Path, ...]:
    """The project's folders a unit reads besides styles/ and source/'s own
    files: its article's (or its issue's and their articles')."""
    if isinstance(item, Article):
        return (item.path.parent,)
    articles = getattr(item, "articles", None)
    if articles is not None:  # an issue
        return (item.issue.path.parent, *(m.article.path.parent for m in articles))
    return (item.article.path.parent,)


def unit_identity(item: Manuscript | Article | IssueManuscript) -> tuple[str, str, str]:
    """A unit's name, its folder in dist/ and its source file (as the user sees it)."""
    if isinstance(item, Article):
        article = item
    else:
        from .prepare.issue import IssueManuscript  # loaded: `item` is one, or a Manuscript

        if isinstance(item, IssueManuscript):
            return f"issue:{item.issue.slug}", item.issue.slug, item.issue.file
        article = item.article
    return f"article:{article.slug}", article.slug, article.file


def accept_unit(result: Result, report: BuildReport, ledger: Ledger, settings: Settings, clock: Clock,
                articles: dict[str, Article], issues: dict[str, IssueManuscript]) -> None:
    """A unit rendered: its files written, what it was made from recorded."""
    report.processes.add(result.process)
    report.warnings.extend(result.warnings)
    if result.problems:
        report.problems.extend(result.problems)
        return
    clock.add(result.seconds)
    with clock("write"):
        write_files(settings.dist_dir / result.folder, result.files, report)
    kind, slug = result.name.split(":", 1)
    inputs = ledger.inputs_of(result.name, result.inputs)
    if kind == "article":
        report.articles.append(slug)
        article = articles[slug]
        pages = None
        if article.issue:
            first, last = article.citation.page_span()
            pages = [first, last - first + 1]
        ledger.record(result.name, kind, ledger.article_key(article, inputs), inputs, result.folder,
                      result.files, to_json(result.listing), pages)
    else:
        report.issues.append(slug)
        # After its articles: the issue's key is made of theirs as this build recorded them.
        ledger.record(result.name, kind, ledger.issue_key(issues[slug].issue), inputs, result.folder,
                      result.files, to_json(result.listing))


def build_site(loaded: LoadResult, publication: Publication, theme: Theme, settings: Settings, ledger: Ledger,
               report: BuildReport) -> None:
    """The site's index, catalogue and stylesheet, from the listings of every
    article and issue (this build's, or the manifest's for those left as they were)."""
    from .site.pages import SiteContent, render_site

    units = ledger.new.units
    articles = [article_from_json(units[f"article:{s}"].listing) for s in loaded.slugs
                if f"article:{s}" in units and units[f"article:{s}"].listing]
    issues = [issue_from_json(units[f"issue:{i.slug}"].listing) for i in loaded.project.issues
              if f"issue:{i.slug}" in units and units[f"issue:{i.slug}"].listing]
    if not articles and not issues:  # (every article failed: a site of nothing, a stylesheet for no page)
        return
    complete = loaded.targets is None and not report.problems and len(articles) == len(loaded.slugs)
    content = SiteContent(publication, articles, issues, complete)
    key = digest(ledger.key, repr(sorted(ledger.editions.items())),
                 json.dumps([to_json(a) for a in articles], sort_keys=True),
                 json.dumps([to_json(i) for i in issues], sort_keys=True), str(complete))
    old = ledger.old.units.get("site") if ledger.old else None
    if old is None or old.key != key or not old.outputs_intact(settings.dist_dir):
        try:
            files = render_site(content, theme, settings)
        except UserError as error:
            report.problems.extend(error.problems)
            return
        write_files(settings.dist_dir, files, report)
        # (`complete`: whether it has every article; a site made without one is not up to date
        # once that article builds again, though no unit of it changed: incremental.up_to_date)
        ledger.record("site", "site", key, [], "", files, {"complete": complete})
    report.notes += content.notes(settings)


def check_publication(publication: Publication, theme: Theme, settings: Settings) -> list[Problem]:
    """What the publication file names from styles/ must exist, and the stylesheets
    copied as they are to readers (epub.css, site.css) must load nothing, before
    anything is built: every article would meet them, and none is written."""
    problems: list[Problem] = []
    for name, fmt in (("epub.css", "epub"), ("site.css", "site")):
        if fmt in settings.formats:
            try:
                theme.stylesheet(name)
            except StyleError as error:
                problems += error.problems
    if "site" in settings.formats:
        from .site.pages import cite_as_styles
        problems += cite_as_styles(publication, theme)
    return problems


def write_files(folder: Path, files: dict[str, bytes], report: BuildReport) -> None:
    """Each file written atomically (a reader never sees half a file); one whose
    bytes are those in place is left as it is, its time too: `rsync -a` and a web
    server's Last-Modified see no change where there is none (an edit to one
    article rewrote the stylesheet, the issues' feeds, its records: QA 20)."""
    for parent in sorted({(folder / name).parent for name in files}):
        sweep(parent)  # what a killed build left
    for name, data in files.items():
        path = folder / name
        try:
            if not _holds(path, data):
                write_atomic(path, data)
        except OSError as error:
            raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
        report.outputs.append(Output(path, len(data)))


def _holds(path: Path, data: bytes) -> bool:
    """Whether the file in place is a file of its own (no link) with these bytes."""
    try:
        found = path.lstat()
        return stat.S_ISREG(found.st_mode) and found.st_nlink == 1 and found.st_size == len(data) \
            and path.read_bytes() == data
    except OSError:
        return False


def finish(report: BuildReport, clock: Clock) -> BuildReport:
    # A problem of the publication file is met by every article: say it once.
    report.problems = in_order(report.problems)
    report.warnings = in_order(report.warnings)
    report.seconds = dict(clock.seconds)
    return report


def hold_dist(settings: Settings, run: Callable[[Clock, BuildReport], BuildReport]) -> BuildReport:
    """run()'s report, dist/ held by this build (one build at a time writes dist/
    and its manifest), with the warnings raised in the build's own process outside
    any unit (errors.warn: an edition written here, a page of the site), told with
    the others rather than lost. run() is given the build's clock and report, and
    is not run if --strict refuses a file of the project (confinement_problems)."""
    with lock_output(settings.dist_dir), refusing_links(settings.root if settings.strict else None), \
            collecting_warnings() as loose:
        clock, report = Clock(), BuildReport(problems=confinement_problems(settings))
        report = finish(report, clock) if report.problems else run(clock, report)
    if loose:
        report.warnings = in_order(report.warnings + loose)
    return report


def in_order(problems: list[Problem]) -> list[Problem]:
    """Each problem once, by file and place."""
    return sorted(dict.fromkeys(problems), key=lambda p: (p.file, p.line or 0, p.column or 0))
