"""The issue in print: its title page, its contents with page numbers, and every
article as in its own print edition, with page numbers running through.

One HTML document (styles/templates/print/issue.html.j2) holds every article; the
ids of each are prefixed with its slug, so that its notes, references and
cross-references still point inside it. Laying it out tells on which pages each
article is printed (pagination.py); the last layout is kept and written.
"""

from __future__ import annotations

import re

import weasyprint
from markupsafe import Markup

from ..config import Settings
from ..errors import Problem, SourceError
from ..fetch import make_url_fetcher
from ..issue_manuscript import IssueManuscript
from ..render import Theme
from . import memo
from .footnote_layout import keep_footnotes_with_calls
from .pdf import check_footnote_areas, quiet_weasyprint
from .pdf_metadata import Metadata, issue_xmp
from .pdf_tags import tag_languages_and_notes

TEMPLATE = "print/issue.html.j2"
ARTICLE_TEMPLATE = "print/issue-article.html.j2"
STYLESHEETS = ("print.css", "issue.css")
# Attributes whose values are ids of the same document (HTML and ARIA).
_ID_ATTRIBUTES = re.compile(r'(?<![\w-])(id|for|headers|aria-labelledby|aria-describedby|aria-controls)="([^"]*)"')
_FRAGMENT = re.compile(r'(?<![\w-])href="#([^"]*)"')

_layouts = memo()  # issue slug -> (HTML, its layout), for this build


def lay_out(edition: IssueManuscript, theme: Theme, settings: Settings) -> weasyprint.Document:
    """The issue laid out in pages (kept for write_issue_pdf)."""
    keep_footnotes_with_calls()
    tag_languages_and_notes()
    html = _render_html(edition, theme, settings)
    slug = edition.issue.slug
    if slug not in _layouts or _layouts[slug][0] != html:
        fetcher, refused = make_url_fetcher(*theme.roots)
        try:
            with quiet_weasyprint():
                document = weasyprint.HTML(string=html, base_url=edition.issue.path.parent.as_uri() + "/",
                                           url_fetcher=fetcher).render()
        except refused as error:
            raise SourceError([Problem(edition.issue.file, f"issue: {error}")]) from None
        _layouts[slug] = (html, document)  # the last layout of each issue: the one written
    return _layouts[slug][1]


def page_ranges(document: weasyprint.Document, edition: IssueManuscript) -> dict[str, tuple[int, int]]:
    """The first and last page number of each article, as printed in the issue.

    Each article is one <article> element with an id; WeasyPrint lists the id
    among the anchors of every page a part of it is on. The numbers count on from
    the issue's first page, which the first article starts on.
    """
    pages: dict[str, list[int]] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.endswith("--article"):
                pages.setdefault(anchor.removesuffix("--article"), []).append(index)
    missing = [m.article.slug for m in edition.articles if m.article.slug not in pages]
    if missing:
        raise SourceError.single("styles/templates/" + ARTICLE_TEMPLATE,
                                 f"the issue's layout has no <article id=\"article\"> for {', '.join(missing)}",
                                 hint="keep the article element and its id in the template")
    start = min(pages[edition.articles[0].article.slug])
    first_page = edition.issue.first_page
    return {slug: (first_page + min(found) - start, first_page + max(found) - start)
            for slug, found in pages.items()}


def write_issue_pdf(edition: IssueManuscript, theme: Theme, settings: Settings) -> bytes:
    document = lay_out(edition, theme, settings)
    notes = {f"{m.article.slug}--{note.id}": (m, note) for m in edition.articles for note in m.body.notes}
    with quiet_weasyprint():
        check_footnote_areas(document, notes)
        document.metadata = Metadata(issue_xmp(edition), **vars(document.metadata))
        return document.write_pdf(pdf_variant="pdf/ua-1", pdf_tags=True)


def _render_html(edition: IssueManuscript, theme: Theme, settings: Settings) -> str:
    # Always the issue's own paper: the page numbers every citation gives come from
    # this layout (--paper is for the other print editions).
    paper = edition.issue.paper
    articles = [
        scope_ids(theme.render(ARTICLE_TEMPLATE, doc=m, t=m.t, edition="issue"), f"{m.article.slug}--")
        for m in edition.articles
    ]
    return theme.render(
        TEMPLATE,
        issue=edition,
        t=edition.t,
        articles=list(zip(edition.articles, articles)),
        stylesheets=[theme.stylesheet_path(name).resolve().as_uri() for name in STYLESHEETS],
        paper=paper,
        crop_marks=bool(settings.crop_marks),
        modified=edition.modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )


def scope_ids(html: str, prefix: str) -> Markup:
    """The HTML with every id, and every reference to one, prefixed: the article's
    ids stay unique among the issue's. Attribute values come escaped from the
    templates (no raw quotes), and text never holds `name="` unescaped."""
    html = _ID_ATTRIBUTES.sub(
        lambda m: f'{m.group(1)}="{" ".join(prefix + part for part in m.group(2).split())}"', html)
    return Markup(_FRAGMENT.sub(lambda m: f'href="#{prefix}{m.group(1)}"', html))
