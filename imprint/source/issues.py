"""Journal issues in source/: read issue.yaml, check its list of articles, and give
each article the issue's place in the journal.

An issue is a folder with an issue.yaml (and no article.md): its own metadata and
the slugs of its articles in printed order. Its citation fields (journal, volume,
issue, ...) become every article's, so that an article cannot claim to be in
another volume than the issue that prints it; its page numbers are found later
by laying the issue out (building/pagination.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from .readonly import ReadOnlyDict

from . import schema
from ..settings import Settings
from ..errors import Problem, SourceError
from ..files import display, read_text
from .frontmatter import Located, load_yaml, long_words
from .metadata import ArticleBuilder, check_folder_name, person_name
from .model import PAPERS, Article, Citation, Issue
from .validation import drop_invalid, validate

ISSUE_FILE = "issue.yaml"
# The citation fields an issue decides for its articles (model.Citation attributes).
ISSUE_DECIDES = ("container_title", "volume", "issue", "collection_number", "issn", "publisher", "publisher_place")


def find_issues(settings: Settings) -> list[Path]:
    return sorted(p.parent for p in settings.source_dir.glob(f"*/{ISSUE_FILE}"))


@dataclass(frozen=True)
class IssueFile:
    issue: Issue | None  # None when the file cannot be modelled
    problems: list[Problem]


def load_issue(settings: Settings, folder: Path, defaults: Located | None) -> IssueFile:
    """The issue's model (None when even that cannot be made) and its problems."""
    path = folder / ISSUE_FILE
    file = display(path, settings.root)
    try:
        located = load_yaml(read_text(settings.root, path, "issue file"), file)
    except SourceError as error:
        return IssueFile(None, list(error.problems))
    if not isinstance(located.data, dict):
        return IssueFile(None, [Problem(file, "the issue file must be a set of fields (articles: ...)", line=1,
                                        hint="list the issue's articles under 'articles:', one folder name "
                                             "per line")])
    problems = check_folder_name(folder, settings, "issue") + _page_past_printing(located) + \
        validate(located, schema.issue_schema())
    if (folder / "article.md").exists():
        problems.append(Problem(file, "a folder holds either an article (article.md) or an issue (issue.yaml)",
                                hint=f"move the issue into a folder of its own, such as source/{folder.name}-issue/"))
    drop_invalid(located, schema.issue_schema())
    problems += long_words(located, ("title",))
    if "articles" not in located.data:
        return IssueFile(None, problems)
    builder = _IssueBuilder(located, defaults, folder=folder, source_dir=settings.source_dir, root=settings.root,
                            document=path, source_date_epoch=settings.source_date_epoch)
    issue = builder.build_issue(folder.name, path.resolve())
    return IssueFile(issue, problems + builder.problems)


def _page_past_printing(located: Located) -> list[Problem]:
    """A first page past schema.MAX_PAGE, said as the schema's `maximum` cannot say
    it (and left out before the schema is checked, so that it is said once)."""
    page = located.data.get("first-page")
    if not isinstance(page, int) or isinstance(page, bool) or page <= schema.MAX_PAGE:
        return []
    problem = Problem(located.file, f"{page:,} is more than a page number Imprint prints ({schema.MAX_PAGE:,})",
                      line=located.line_of(("first-page",)), field="first-page",
                      hint="write the number printed on the issue's first page, for example 173")
    del located.data["first-page"]
    return [problem]


class _IssueBuilder(ArticleBuilder):
    """The article builder's checks (dates, DOI, citation fields, cover) on an issue file."""

    def build_issue(self, slug: str, path: Path) -> Issue:
        data = self.own.data
        editors = data.get("editor")
        return Issue(
            slug=slug,
            path=path,
            file=self.own.file,
            lang=str(self._value("lang") or "en"),
            articles=tuple(data["articles"]),
            paper=PAPERS[str(self._value("paper") or "A4").lower()],
            first_page=int(data.get("first-page", 1)),
            title=str(data["title"]).strip() if data.get("title") is not None else None,
            description=str(data["description"]).strip() if data.get("description") else None,
            date=self._date(("date",), data.get("date")),
            doi=self._doi(),
            citation=self._citation(),
            cover_image=self._cover_image(),
            base_url=self.defaults.data.get("base-url") if self.defaults is not None else None,
            editors=tuple(person_name(e) for e in ([editors] if isinstance(editors, (str, dict)) else editors or [])),
            where=ReadOnlyDict(self._where()),
        )


def place_in_issues(issues: list[Issue], articles: dict[str, Article],
                    known: set[str]) -> tuple[dict[str, Article], list[Problem], set[str]]:
    """Every article of an issue with the issue's fields; the problems; the slugs of
    the articles (and issues) that cannot be built because of them.

    `known` holds the slugs of every article folder, loaded or not.
    """
    placed = dict(articles)
    problems: list[Problem] = []
    failed: set[str] = set()
    home: dict[str, Issue] = {}
    for issue in issues:
        for index, slug in enumerate(issue.articles):
            file, line = issue.file, issue.where.get(f"articles[{index}]", (None, None))[1]
            if slug not in known:
                problems.append(Problem(file, f"there is no article '{slug}' in source/", line=line,
                                        field=f"articles[{index}]",
                                        hint=f"each article is a folder source/<slug>/article.md; "
                                             f"check the spelling of '{slug}'"))
                failed.add(issue.slug)
            elif slug in home:
                if home[slug] is not issue:  # (listed twice in this one: the schema's uniqueItems tells it)
                    problems.append(Problem(file, f"the article '{slug}' is already in the issue "
                                            f"'{home[slug].slug}'", line=line, field=f"articles[{index}]",
                                            hint="an article is printed in one issue only"))
                    failed.update((issue.slug, slug))
                continue
            else:
                home[slug] = issue
            if slug in placed and home.get(slug) is issue:
                article, conflicts = _with_issue(placed[slug], issue)
                placed[slug] = article
                problems.extend(conflicts)
                if conflicts:
                    failed.update((issue.slug, slug))
    return placed, problems, failed


def _with_issue(article: Article, issue: Issue) -> tuple[Article, list[Problem]]:
    """The article with the issue's citation fields and date, and any field in which
    the article contradicts its issue."""
    own, given = article.citation, issue.citation
    fields = {}
    problems = []
    for name in ISSUE_DECIDES:
        theirs, mine = getattr(given, name), getattr(own, name)
        if theirs is None:
            continue
        if mine is not None and str(mine) != str(theirs):
            key = name.replace("_", "-")
            file, line = article.where.get(f"citation.{key}", article.locate("citation"))
            problems.append(Problem(
                file, f"{key} is '{mine}' here but '{theirs}' in the issue it is printed in ({issue.file})",
                line=line, field=f"citation.{key}",
                hint="leave it out: an article of an issue takes it from the issue",
            ))
        fields[name] = theirs
    citation: Citation = dataclasses.replace(own, **fields)
    # Laid out on the issue's paper: its print edition is its pages in the issue.
    return dataclasses.replace(article, citation=citation, issue=issue.slug, paper=issue.paper,
                               date=article.date or issue.date), problems
