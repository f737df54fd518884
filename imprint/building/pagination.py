"""An issue's articles given the pages they are printed on.

Each article's print edition is laid out where it starts in the issue: the page
count gives the next article's first page. The "For citation" line on the
article's first page carries its own page range, so a new range can move text:
an article is laid out again until its range stays the same. The last layout
is the article's print edition, handed to the article's unit (`keep`), and its
pages are the issue's (editions/pdf/issue.py puts them together). An article
whose `page:` disagrees with the printed issue is an error, since every citation
must match the issue.

The layouts are made several at once (`run`: the build's workers, one per
core): where each article starts is first worked out from the page count it is
thought to have (the last build's, the range its `page:` gives, else its count
in a layout of its own, all of those made at once), then every article is laid
out where that places it, all at once. When an article comes out longer or
shorter than thought, the ones after it start elsewhere: they are placed again
from there, with the counts they just came out with. An article whose sources
and first page are what they were in the last build (`known`) is not laid out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import partial
from typing import Callable, Sequence, TypeVar

from ..settings import Settings
from ..errors import InternalError, Problem, UserError, collecting_warnings
from ..prepare.issue import IssueManuscript, prepare_issue
from ..prepare.article import Manuscript, with_pages
from ..source.model import Issue
from ..theme import Theme

MAX_LAYOUTS = 4
# Rounds of layouts made at once before the rest are laid out one at a time
# (each round places at least one article for good).
MAX_ROUNDS = 3

T = TypeVar("T")
# Runs tasks (several at once, or one after the other), calling `done` with each
# result and `failed(index, why)` for a task that could not finish (the build's executor).
Run = Callable[[Sequence[Callable[[], T]], Callable[[T], None], Callable[[int, str], T]], object]


class IssueError(UserError):
    """An issue cannot be built as its files say."""


@dataclass(frozen=True)
class Laid:
    """One article laid out (or counted) from a given first page."""

    slug: str
    count: int = 0
    manuscript: Manuscript | None = None  # with the pages it was laid out on
    pdf: bytes | None = None
    problems: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()  # found laying it out (a running head cut): the issue's unit tells them


def one_by_one(tasks, done, failed) -> None:
    for task in tasks:
        done(task())


def paginate(issue: Issue, manuscripts: list[Manuscript], theme: Theme, settings: Settings,
             wanted: Callable[[str], bool] = lambda slug: True,
             known: Callable[[str, int], int | None] = lambda slug, first: None,
             remembered: Callable[[str], int | None] = lambda slug: None, run: Run = one_by_one,
             keep: Callable[[Manuscript, bytes], None] = lambda manuscript, pdf: None) -> IssueManuscript:
    """The issue with every article on the pages it is printed on. The print
    editions of the `wanted` articles are written from their layouts. An article
    whose page count is `known` (unchanged since the last build, starting on the
    same page) is not laid out again; one `remembered` from the last build is
    thought to have that many pages until laid out. Each wanted article's print
    edition, made by its last layout, is handed to `keep`."""
    thought = {m.article.slug: remembered(m.article.slug) or _pages_in(m.article.citation.page) for m in manuscripts}
    unknown = [m for m in manuscripts if not thought[m.article.slug]]
    for laid in _laid_out(run, [partial(_count, m, issue.first_page, theme, settings) for m in unknown]):
        thought[laid.slug] = laid.count
    placed: list[tuple[Manuscript, bytes | None]] = []
    warnings: dict[Problem, None] = {}
    first, rounds = issue.first_page, 0
    while len(placed) < len(manuscripts):
        rounds += 1
        plan, start = [], first
        for manuscript in manuscripts[len(placed):]:
            slug = manuscript.article.slug
            count = known(slug, start)
            plan.append((manuscript, start, count or thought[slug], count is not None))
            start += plan[-1][2]
            if rounds > MAX_ROUNDS and count is None:
                break  # one at a time from here: the counts thought keep coming out wrong
        laid = {result.slug: result for result in _laid_out(run, [
            partial(_place, manuscript, start, count, theme, settings)
            for manuscript, start, count, exact in plan if not exact])}
        thought.update((slug, result.count) for slug, result in laid.items())  # as they came out
        for manuscript, start, count, exact in plan:
            if exact:
                placed.append((with_pages(manuscript, start, start + count - 1, theme), None))
                first = start + count
                continue
            result = laid[manuscript.article.slug]
            placed.append((result.manuscript, result.pdf))
            warnings.update(dict.fromkeys(result.warnings))
            first = start + result.count
            if result.count != count:
                break  # the next articles start elsewhere: placed again from here
    problems = []
    written_pages = {m.article.slug: m.article.citation.page for m in manuscripts}
    for manuscript, written in placed:
        given = written_pages[manuscript.article.slug]
        if given and _normal(given) != _normal(manuscript.article.citation.page):
            file, line = manuscript.article.where.get("citation.page", manuscript.article.locate("citation"))
            problems.append(Problem(
                file, f"page is '{given}' here but the article is printed on pages "
                      f"{manuscript.article.citation.page} of issue {issue.slug}", line=line, field="citation.page",
                hint="leave `page:` out: Imprint takes it from the issue's layout"))
        elif written is not None and wanted(manuscript.article.slug):
            keep(manuscript, written)
    if problems:
        raise IssueError(problems)
    edition = prepare_issue(issue, [manuscript for manuscript, _ in placed], theme, settings)
    return replace(edition, warnings=(*edition.warnings, *warnings)) if warnings else edition


def _laid_out(run: Run, tasks: list[Callable[[], Laid]]) -> list[Laid]:
    """The results of `tasks`, as `run` makes them; a problem in one stops the issue."""
    results: list[Laid] = []

    def failed(index: int, why: str) -> Laid:
        article = tasks[index].args[0].article
        return Laid(article.slug, problems=(Problem(article.file, f"laying out its pages in the issue: {why}",
                                                    hint="look for what is unusual in it, or raise --time-limit"),))

    if tasks:
        run(tasks, results.append, failed)
    problems = [problem for result in results for problem in result.problems]
    if problems:
        raise IssueError(problems)
    return results


def _count(manuscript: Manuscript, first: int, theme: Theme, settings: Settings) -> Laid:
    """How many pages the article fills on its own, laid out from `first` (a
    first guess: not where it is printed)."""
    from ..editions.pdf import article as pdf

    try:
        with collecting_warnings():  # (left out: those of a guess; _place lays it out where it goes, and tells them)
            pages, _ = pdf.count_pages(with_pages(manuscript, first, first, theme), theme, settings)
    except UserError as error:
        return Laid(manuscript.article.slug, problems=tuple(error.problems))
    return Laid(manuscript.article.slug, pages)


def _place(manuscript: Manuscript, first: int, count: int, theme: Theme, settings: Settings) -> Laid:
    """The article laid out from page `first`, thought to fill `count` pages, until
    its own page range (printed on its first page) is the range it fills."""
    from ..editions.pdf import article as pdf

    try:
        for _ in range(MAX_LAYOUTS):
            placed = with_pages(manuscript, first, first + count - 1, theme)
            with collecting_warnings() as found:
                pages, written = pdf.count_pages(placed, theme, settings)
            if pages == count:
                return Laid(manuscript.article.slug, count, placed, written, warnings=tuple(found))
            count = pages
    except UserError as error:
        return Laid(manuscript.article.slug, problems=tuple(error.problems))
    raise InternalError(f"the pages of {manuscript.article.slug} did not settle after {MAX_LAYOUTS} layouts")


def _pages_in(page: str | None) -> int | None:
    """How many pages a written range gives ("12-19": 8)."""
    parts = _normal(page).split("-")
    if not parts[0].isdigit():
        return None
    first = int(parts[0])
    last = int(parts[-1]) if parts[-1].isdigit() else first
    return last - first + 1 if last >= first else None


def _normal(page: str | None) -> str:
    return (page or "").replace("\u2013", "-").replace(" ", "")
