"""The print editions: HTML from styles/templates/print/, typeset by WeasyPrint.

- print: tagged PDF/UA-1 (the standard edition);
- archive: PDF/A-3b, tagged, carrying the article's CSL-JSON, BibTeX and RIS as
  associated files (relationship Data), the same bytes as in dist/;
- handout: double-sided, mirrored margins, a QR code to the article.

WeasyPrint (about 0.4 s to load) is loaded only when a PDF is typeset
(typeset.py). Every resource goes through the confined fetcher
(fetch.make_url_fetcher). The XMP packet gets the bibliographic fields WeasyPrint
does not write (DOI, journal, volume, issue, pages, subjects).
"""

from __future__ import annotations

import base64
import io
import re
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

from markupsafe import Markup

from ...body.formulas import cache_folder
from .formulas import for_print
from ...settings import Settings
from ...errors import Problem, StyleError
from ...files import file_url, read_text
from ...prepare.article import Manuscript
from ...site.address import published
from ...source.model import PAPERS, Article, Paper, split_pages
from ...theme import Theme
from ..records import ATTACHMENTS
from .xmp import article_xmp
from .scoping import scope_ids
from .job import COMMON, Attachment, Job


@dataclass(frozen=True)
class Edition:
    name: str
    template: str
    stylesheets: tuple[str, ...]
    variant: str  # WeasyPrint's pdf_variant
    attachments: bool = False


# The editions whose pages are the article's pages in its issue, numbered as there.
FOLIATED = ("pdf", "archive")


EDITIONS = {
    "pdf": Edition("pdf", "print/article.html.j2", ("print.css",), "pdf/ua-1"),
    "archive": Edition("archive", "print/article.html.j2", ("print.css",), "pdf/a-3b", attachments=True),
    "handout": Edition("handout", "print/handout.html.j2", ("print.css", "handout.css"), "pdf/ua-1"),
}


def paper_for(manuscript: Manuscript, settings: Settings, edition: str = "pdf") -> Paper:
    """The paper of a print edition: the command line's, else the article's. The
    print and archival editions of an issue's article are its pages in the issue,
    on the issue's paper, whatever the command line says."""
    if manuscript.article.issue and edition in FOLIATED:
        return manuscript.article.paper
    return PAPERS[settings.paper.lower()] if settings.paper else manuscript.article.paper


def render_pdf(manuscript: Manuscript, theme: Theme, settings: Settings, edition: Edition,
               paper: Paper | None = None) -> bytes:
    """One print edition; `paper` overrides the article's (a booklet's half sheet)."""
    from .typeset import run  # (WeasyPrint: loaded when first typesetting)

    return run(print_job(manuscript, theme, settings, edition, paper)).pdf


# The writers the editions' table names (editions/__init__.py): (manuscript, theme, settings) -> bytes.
write_print = partial(render_pdf, edition=EDITIONS["pdf"])
write_archive = partial(render_pdf, edition=EDITIONS["archive"])
write_handout = partial(render_pdf, edition=EDITIONS["handout"])


def print_job(manuscript: Manuscript, theme: Theme, settings: Settings, edition: Edition,
              paper: Paper | None = None) -> Job:
    """Everything WeasyPrint needs for a print edition, as plain data."""
    article = manuscript.article
    in_issue = _in_issue(manuscript, edition, paper)
    ids = f"{article.slug}--" if in_issue else ""  # print_html scopes them so
    attachments = ()
    if edition.attachments:
        # Sorted by name: WeasyPrint's name tree of embedded files keeps their order,
        # and a name tree's keys must be sorted (ISO 32000-1, 7.9.6).
        attachments = tuple(
            Attachment(f"{article.slug}.{fmt}", write(manuscript, theme, settings), media_type,
                       f"Citation record ({fmt})", manuscript.modified.isoformat())
            for fmt, (write, media_type) in sorted(ATTACHMENTS.items()))
    first, last = article.citation.page_span() if in_issue else (1, 1)
    html = print_html(manuscript, theme, settings, edition, paper, drawn=in_issue)
    words = theme.strings(article.lang)
    return Job(
        html=html,
        base_url=file_url(article.path.parent, theme.roots) + "/",
        roots=tuple(str(root) for root in theme.roots),
        file=article.file,
        variant=edition.variant,
        xmp=article_xmp(manuscript),
        first_page=_folio(manuscript, edition, paper),
        notes={ids + note.id: (note.line, note.number) for note in manuscript.body.notes},
        note_words=(str(words.get("note_ref", "")), str(words.get("note_back", ""))),
        attachments=attachments,
        expect_pages=last - first + 1 if in_issue else None,
        slug=article.slug,
        running_heads=_running_heads(manuscript) if paper is None else (),  # (once, not again for booklets)
        crop_marks=bool(settings.crop_marks),
        formula_cache=str(cache_folder(settings.root)) if not in_issue and "<math" in html else None,
        edition=f"the {_NAMES[edition.name]} on {(paper or paper_for(manuscript, settings, edition.name)).name}"
                + (", for its booklet" if paper is not None else ""),
        written=_uncommon(article, settings),
    )


_UNCOMMON = re.compile(f"[^{COMMON}]")


def _uncommon(article: Article, settings: Settings) -> tuple[tuple[str, int], ...]:
    """Where each character not COMMON is first written (Job.written): in the front
    matter, at its line of article.md; in the body, at the line the body is numbered
    with as the article's lines are (the build places a line of an included file)."""
    front = "".join(read_text(settings.root, article.path, "article").splitlines(keepends=True)[
        :article.body_line - 1])
    found: dict[str, int] = {}
    for text, first in ((front, 1), (article.body, article.body_line)):
        line, at = first, 0
        for match in _UNCOMMON.finditer(text):
            line, at = line + text.count("\n", at, match.start()), match.start()
            found.setdefault(match.group(), line)
    return tuple(found.items())


_NAMES = {"pdf": "print edition", "archive": "archival edition", "handout": "handout"}


def _running_heads(manuscript: Manuscript) -> tuple[tuple[str, str, int | None], ...]:
    """The running heads' texts, each with the field it comes from (for a warning
    when one is too long to be shown whole)."""
    article = manuscript.article
    title_field = "short-title" if article.short_title else "title"
    return ((manuscript.running_title, title_field, article.locate(title_field)[1]),
            (manuscript.running_authors, "author", article.locate("author")[1]))


def print_html(manuscript: Manuscript, theme: Theme, settings: Settings, edition: Edition,
               paper: Paper | None = None, drawn: bool = True) -> str:
    """The HTML WeasyPrint typesets for a print edition. The print and archival
    editions share it (and so their layout). Not `drawn`: its formulas are left as
    MathML, for typesetting to draw (Job.formula_cache)."""
    manuscript = manuscript.for_print()  # (its fields' links with their addresses)
    in_issue = _in_issue(manuscript, edition, paper)
    folio = _folio(manuscript, edition, paper)
    paper = paper or paper_for(manuscript, settings, edition.name)
    qr_url = handout_url(manuscript) if edition.name == "handout" else None
    html = theme.render(
        edition.template,
        doc=manuscript,
        t=manuscript.t,
        edition="handout" if edition.name == "handout" else "print",
        stylesheets=[file_url(path, theme.roots) for path in theme.stylesheet_paths(*edition.stylesheets)],
        paper=paper,
        folio=folio,
        crop_marks=bool(settings.crop_marks),
        qr_url=qr_url,
        qr_image=_qr_code(qr_url) if qr_url else None,
        created=manuscript.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        modified=manuscript.modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    _loads_what_it_may(html, edition.template, file_url(manuscript.article.path.parent, theme.roots) + "/", theme)
    if drawn:
        html = for_print(html, cache_folder(settings.root), theme.roots)  # the formulas, drawn (WeasyPrint draws no MathML)
    # In an issue, the article's ids carry its slug: its pages join the issue's
    # file, where every id must be unique.
    return str(scope_ids(html, f"{manuscript.article.slug}--")) if in_issue else html


def _loads_what_it_may(html: str, template: str, base_url: str, theme: Theme) -> None:
    """What a print template makes its pages load is a file of the project (what
    Imprint names, by file_url), a data: URL or a file the article's folder has:
    a logo as `<img src="logo.png">` or from a web address stopped the layout with
    "resource not found", filed under the article, not the template's line (the
    EPUB's and the site's are told there: epub._check_resources, site loading_nothing)."""
    from urllib.parse import unquote, urljoin, urlsplit

    from lxml import html as parser

    from ...files import in_root
    from ...theme.loads import MAY_LOAD_ELSEWHERE, remote, unheld

    if not MAY_LOAD_ELSEWHERE.search(html):
        return  # (no page needs parsing for it: the print HTML of a long article is half a megabyte)

    def holds(url: str) -> bool:  # (Imprint's file: URLs, the body's pictures and the stylesheets: the fetcher's)
        path = None if remote(url) else in_root(Path(unquote(urlsplit(urljoin(base_url, url)).path)), theme.roots)
        return urlsplit(url).scheme == "file" or path is not None and path.is_file()

    problems = unheld(parser.fromstring(html), theme, template, holds,
                      ("loads it from the network, which the print edition must not",
                       "names a file the print edition does not have"), prefix=f"{template}: ")
    if problems:
        raise StyleError(problems)


def count_pages(manuscript: Manuscript, theme: Theme, settings: Settings) -> tuple[int, bytes | None]:
    """How many pages the article's print edition has where its issue places it
    (its pages as `manuscript` says), and that edition's PDF."""
    from .typeset import run  # (WeasyPrint: loaded when first typesetting)

    result = run(replace(print_job(manuscript, theme, settings, EDITIONS["pdf"]), expect_pages=None))
    return result.pages, result.pdf


def _folio(manuscript: Manuscript, edition: Edition, paper: Paper | None) -> int:
    """The number printed on the edition's first page: its page in the issue; for
    an article printed on its own, the first page of its page range when the
    citation gives one ("173-184": 173, so that its pages read as they do in the
    journal), else 1. A booklet's and a handout's pages are their own."""
    if _in_issue(manuscript, edition, paper):
        return manuscript.article.folio
    first, _ = split_pages(manuscript.article.citation.page)
    if edition.name in FOLIATED and paper is None and first and first.isdigit() and 0 < int(first) < 10**6:
        return int(first)
    return 1


def _in_issue(manuscript: Manuscript, edition: Edition, paper: Paper | None) -> bool:
    # The print and archival editions of an article in an issue are its pages in
    # the issue, numbered as there; a booklet's half sheets are not.
    return bool(manuscript.article.issue) and edition.name in FOLIATED and paper is None


def handout_url(manuscript: Manuscript) -> str | None:
    """Where the handout's QR code leads: the article's download page when the
    publication's base URL is known, else its DOI, else its own URL; or nowhere."""
    article = manuscript.article
    if article.base_url:
        return published(article.base_url, f"{article.slug}/index.html")
    return article.doi_url or article.citation.url


def _qr_code(url: str) -> Markup:
    """A vector QR code as a data: URI (segno), for an <img> the PDF tags as a figure."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="svg", border=0, xmldecl=False, scale=1)
    return Markup("data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode())
