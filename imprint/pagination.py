"""An issue's articles given the pages they are printed on.

Each article's print edition is laid out where it starts in the issue: the page
count gives the next article's first page. The "For citation" line on the
article's first page carries its own page range, so a new range can move text:
an article is laid out again until its range stays the same (twice on a first
build; once when the editor already wrote the right `page:`). The last layout
is the article's print edition, kept at once (writers/pdf.prewrite), and its
pages are the issue's (writers/issue_pdf.py puts them together). An article
whose `page:` disagrees with the printed issue is an error, since every citation
must match the issue.
"""

from __future__ import annotations

from typing import Callable

from .config import Settings
from .errors import InternalError, Problem, UserError
from .issue_manuscript import IssueManuscript, prepare_issue
from .manuscript import Manuscript, with_pages
from .model import Issue
from .render import Theme

MAX_LAYOUTS = 4


class IssueError(UserError):
    """An issue cannot be built as its files say."""


def paginate(issue: Issue, manuscripts: list[Manuscript], theme: Theme, settings: Settings,
             wanted: Callable[[str], bool] = lambda slug: True,
             known: Callable[[str, int], int | None] = lambda slug, first: None) -> IssueManuscript:
    """The issue with every article on the pages it is printed on. The print
    editions of the `wanted` articles are written from their layouts as they are
    made. An article whose page count is `known` (unchanged since the last build,
    starting on the same page) is not laid out again."""
    from .writers import pdf

    first = issue.first_page
    placed = []
    problems = []
    for manuscript in manuscripts:
        given = manuscript.article.citation.page
        count = known(manuscript.article.slug, first)
        written = None
        if count is not None:
            manuscript = with_pages(manuscript, first, first + count - 1, theme)
        else:
            manuscript, count, written = _lay_out(manuscript, first, _pages_in(given, first) or 1, theme, settings)
        wrong = given and _normal(given) != _normal(manuscript.article.citation.page)
        if written is not None and not wrong and wanted(manuscript.article.slug):
            pdf.prewrite(manuscript, theme, settings, written)
        if wrong:
            file, line = manuscript.article.where.get("citation.page", manuscript.article.locate("citation"))
            problems.append(Problem(
                file, f"page is '{given}' here but the article is printed on pages "
                      f"{manuscript.article.citation.page} of issue {issue.slug}", line=line, field="citation.page",
                hint="leave `page:` out: Imprint takes it from the issue's layout"))
        placed.append(manuscript)
        first += count
    if problems:
        raise IssueError(problems)
    return prepare_issue(issue, placed, theme, settings)


def _lay_out(manuscript: Manuscript, first: int, count: int, theme: Theme, settings: Settings):
    """The article laid out from page `first`, until its own page range (printed on
    its first page) is the range it fills: (manuscript with its pages, page
    count, its print edition)."""
    from .writers import pdf

    for _ in range(MAX_LAYOUTS):
        manuscript = with_pages(manuscript, first, first + count - 1, theme)
        pages, written = pdf.count_pages(manuscript, theme, settings)
        if pages == count:
            return manuscript, count, written
        count = pages
    raise InternalError(f"the pages of {manuscript.article.slug} did not settle after {MAX_LAYOUTS} layouts")


def _pages_in(page: str | None, first: int) -> int | None:
    """How many pages a written range gives, if it starts where the article does."""
    parts = _normal(page).split("-")
    if not parts[0].isdigit() or int(parts[0]) != first:
        return None
    last = int(parts[-1]) if parts[-1].isdigit() else first
    return last - first + 1 if last >= first else None


def _normal(page: str | None) -> str:
    return (page or "").replace("\u2013", "-").replace(" ", "")
