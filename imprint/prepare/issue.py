"""A journal issue made ready for the writers, as prepare/article.py makes an article:
its words, its own title and description rendered, its articles in printed order
(each already with its pages, once building/pagination.py has laid the issue out)."""

from __future__ import annotations

import uuid
import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from markupsafe import Markup

from .. import __version__
from ..settings import Settings
from ..errors import Problem
from ..body.chapters import plain_text
from ..body.pandoc import deadline_in
from ..body.reader import PRINTED, Field, render_fields
from .article import FALLBACK_DATE, Manuscript, issue_label
from ..source.model import Issue
from ..theme import Theme


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
    warnings: tuple[Problem, ...] = ()  # from its title and description (a formula that cannot be read)
    printed_description: Markup | None = None  # as print shows it (a link's address after its text)

    def for_print(self) -> "IssueManuscript":
        """The issue as its print edition shows it."""
        return dataclasses.replace(self, description=self.printed_description or self.description)

    @property
    def name(self) -> str:
        """How catalogues title the issue: "Journal, Vol. 5, no. 3, 2019: Theme"."""
        head = ", ".join(p for p in (self.journal, self.label) if p) or self.issue.slug
        return f"{head}: {self.title_text}" if self.title_text else head

    @property
    def lang(self) -> str:
        return self.issue.lang

    def pages_of(self, manuscript: Manuscript) -> tuple[int, int]:
        return manuscript.article.citation.page_span()


def prepare_issue(issue: Issue, manuscripts: list[Manuscript], theme: Theme, settings: Settings) -> IssueManuscript:
    t = theme.strings(issue.lang)
    fields = [Field(path, text, inline, issue.locate(path)[1]) for path, text, inline in
              (("title", issue.title, True), ("description", issue.description, False)) if text]
    warnings: list[Problem] = []
    rendered = render_fields(fields, file=issue.file, lang=issue.lang, words=t, root=settings.root,
                             deadline=deadline_in(settings.time_limit), warnings=warnings)
    title, description = rendered.get("title"), rendered.get("description")
    c = issue.citation
    modified = max((m.modified for m in manuscripts), default=FALLBACK_DATE)
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
        warnings=tuple(warnings),
        printed_description=rendered.get(PRINTED + "description"),
    )
