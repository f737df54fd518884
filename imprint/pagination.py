"""A journal issue made ready for the writers: its articles in order, each with the
pages it is printed on.

The pages are found by laying the issue out (writers/issue_pdf.py). Each article's
"For citation" line carries its page range and sits on its first page, so a new
range can move text: the issue is laid out again until the ranges stay the same
(once more, twice at most in practice; an editor who already wrote the right
`page:` saves the second layout). An article whose `page:` disagrees with the
printed issue is an error, since every citation must match the issue.
"""

from __future__ import annotations

from dataclasses import replace

from .config import Settings
from .errors import InternalError, Problem, UserError
from .issue_manuscript import IssueManuscript, prepare_issue
from .manuscript import Manuscript, with_pages
from .model import Issue
from .render import Theme
from .writers.issue_pdf import lay_out, page_ranges

MAX_LAYOUTS = 4


class IssueError(UserError):
    """An issue cannot be built as its files say."""


def paginate(issue: Issue, manuscripts: list[Manuscript], theme: Theme, settings: Settings) -> IssueManuscript:
    """The issue with every article on the pages it is printed on."""
    given = {m.article.slug: m.article.citation.page for m in manuscripts}
    edition = prepare_issue(issue, manuscripts, theme, settings)
    known: dict[str, tuple[int, int]] = {}
    for _ in range(MAX_LAYOUTS):
        ranges = page_ranges(lay_out(edition, theme, settings), edition)
        if ranges == known:
            break
        known = ranges
        edition = replace(edition, articles=tuple(
            with_pages(m, *ranges[m.article.slug], theme) for m in edition.articles))
    else:
        raise InternalError(f"the page ranges of issue {issue.slug} did not settle after {MAX_LAYOUTS} layouts")
    problems = []
    for manuscript in edition.articles:
        wrote = given[manuscript.article.slug]
        if wrote and _normal(wrote) != _normal(manuscript.article.citation.page):
            file, line = manuscript.article.where.get("citation.page", manuscript.article.locate("citation"))
            problems.append(Problem(
                file, f"page is '{wrote}' here but the article is printed on pages "
                      f"{manuscript.article.citation.page} of issue {issue.slug}", line=line, field="citation.page",
                hint="leave `page:` out: Imprint takes it from the issue's layout"))
    if problems:
        raise IssueError(problems)
    return edition


def _normal(page: str | None) -> str:
    return (page or "").replace("\u2013", "-").replace(" ", "")
