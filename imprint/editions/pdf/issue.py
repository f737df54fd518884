"""The issue in print: its title page and contents (styles/templates/print/issue.html.j2),
then every article's print edition, page for page, in one tagged PDF.

The articles are not laid out again: building/pagination.py laid each one out where it
starts in the issue, and that layout is the article's own print edition, so
the issue's file is made from those files (pdf_merge.py). Their page numbers
run on from the issue's `first-page`; the front pages carry none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Mapping

from .weasy import weasyprint

from ...body.formulas import cache_folder
from .formulas import for_print
from ...settings import Settings
from ...errors import InternalError, Problem, SourceError
from ...files import file_url, make_url_fetcher
from ..fonts import configured
from ...prepare.issue import IssueManuscript
from ...theme import Theme
from .typeset import finisher, quiet_weasyprint
from .merge import Part, merge_tagged
from .metadata import Metadata
from .xmp import issue_xmp

TEMPLATE = "print/issue.html.j2"
STYLESHEETS = ("print.css", "issue.css")


def write_issue_pdf(edition: IssueManuscript, theme: Theme, settings: Settings,
                    printed: Mapping[str, bytes]) -> bytes:
    """The issue's PDF, from its front and its articles' print editions (`printed`,
    by slug: the build sends them, as they are in dist/)."""
    parts = []
    for manuscript in edition.articles:
        slug = manuscript.article.slug
        if slug not in printed:
            raise InternalError(f"the issue {edition.issue.slug} needs the print edition of {slug}, "
                                "which this build did not make")
        parts.append(Part(printed[slug], edition.pages_of(manuscript)[0]))
    return merge_tagged(_front(edition, theme, settings), parts)


def _front(edition: IssueManuscript, theme: Theme, settings: Settings) -> bytes:
    html = theme.render(
        TEMPLATE,
        issue=edition.for_print(),
        t=edition.t,
        stylesheets=[file_url(path, theme.roots) for path in theme.stylesheet_paths(*STYLESHEETS)],
        # Always the issue's own paper: its articles were laid out on it.
        paper=edition.issue.paper,
        crop_marks=bool(settings.crop_marks),
        modified=edition.modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    html = for_print(html, cache_folder(settings.root), theme.roots)  # (a title's formulas, drawn)
    fetcher, refused = make_url_fetcher(*theme.roots)
    try:
        with configured(settings.root), quiet_weasyprint():  # (the system's fonts, not the user's: fonts.py)
            document = weasyprint.HTML(string=html, base_url=file_url(Path(edition.issue.path).parent, theme.roots) + "/",
                                       url_fetcher=fetcher).render()
            document.metadata = Metadata.around(document.metadata, issue_xmp(edition))
            return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True, finisher=finisher(crop_marks=bool(settings.crop_marks)))
    except refused as error:
        raise SourceError([Problem(edition.issue.file, f"issue: {error}")]) from None
