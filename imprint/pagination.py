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

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Mapping

from markupsafe import Markup

from . import __version__
from .config import Settings
from .document import Context, parse_block
from .errors import InternalError, Problem, UserError
from .manuscript import FALLBACK_DATE, Manuscript, issue_label, with_pages
from .markup import plain_text, render_inline
from .model import Issue
from .render import Theme

MAX_LAYOUTS = 4


class IssueError(UserError):
    """An issue cannot be built as its files say."""


@dataclass(frozen=True)
class IssueManuscript:
    issue: Issue
    t: Mapping[str, Any]  # the words of the issue's language
    title: Markup | None  # the issue's own title (a theme), if it has one
    title_text: str | None
    journal: str | None
    label: str | None  # "Vol. 5, no. 3 (19), 2019"
    description: Markup | None
    articles: tuple[Manuscript, ...]
    identifier: str
    created: datetime
    modified: datetime
    generator: str

    @property
    def name(self) -> str:
        """How catalogues title the issue: "Journal, Vol. 5, no. 3, 2019: Theme"."""
        head = ", ".join(p for p in (self.journal, self.label) if p) or self.issue.slug
        return f"{head}: {self.title_text}" if self.title_text else head

    @property
    def lang(self) -> str:
        return self.issue.lang

    def pages_of(self, manuscript: Manuscript) -> tuple[int, int]:
        c = manuscript.article.citation
        return int(c.first_page), int(c.last_page or c.first_page)


def prepare_issue(issue: Issue, manuscripts: list[Manuscript], theme: Theme, settings: Settings) -> IssueManuscript:
    t = theme.strings(issue.lang)
    title = render_inline(issue.title, str(t["quotes"]), issue.lang) if issue.title else None
    description = None
    if issue.description:
        context = Context(file=issue.file, first_line=issue.locate("description")[1] or 1, quotes=str(t["quotes"]),
                          words=t, root=settings.root, folder=issue.path.parent, lang=issue.lang)
        description = parse_block(issue.description, context, "description")
    c = issue.citation
    dates = [m.modified for m in manuscripts]
    modified = max(dates) if dates else FALLBACK_DATE
    return IssueManuscript(
        issue=issue,
        t=t,
        title=title,
        title_text=plain_text(title) if title else None,
        journal=c.container_title,
        label=issue_label(c.volume, c.issue, c.collection_number, issue.date.year if issue.date else None, t),
        description=description,
        articles=tuple(manuscripts),
        identifier=f"urn:doi:{issue.doi}" if issue.doi else
        f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, (issue.base_url or 'imprint:') + 'issue/' + issue.slug)}",
        created=issue.date.to_datetime() if issue.date else modified,
        modified=modified,
        generator=f"Imprint {__version__}",
    )


def paginate(issue: Issue, manuscripts: list[Manuscript], theme: Theme, settings: Settings) -> IssueManuscript:
    """The issue with every article on the pages it is printed on."""
    from .writers.issue_pdf import lay_out, page_ranges

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
