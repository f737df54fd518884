"""The print editions: HTML from styles/templates/print/, typeset by WeasyPrint.

- print: tagged PDF/UA-1 (the standard edition);
- archive: PDF/A-3b, tagged, carrying the article's CSL-JSON, BibTeX and RIS as
  associated files (relationship Data), the same bytes as in dist/;
- handout: double-sided, mirrored margins, a QR code to the article.

Importing this module loads WeasyPrint (about 0.4 s), so the pipeline imports it
only when a PDF is to be built. Every resource goes through the confined fetcher
(fetch.make_url_fetcher). The XMP packet gets the bibliographic fields WeasyPrint
does not write (DOI, journal, volume, issue, pages, subjects).
"""

from __future__ import annotations

import base64
import io
import logging
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator, Mapping

import pydyf
from .weasy import weasyprint
from markupsafe import Markup

from ..config import Settings
from ..errors import Problem, SourceError, StyleError
from ..fetch import make_url_fetcher
from ..manuscript import Manuscript
from ..markup import Note
from ..model import PAPERS, Paper
from ..render import Theme
from . import memo
from .exports import ATTACHMENTS
from .footnote_layout import keep_footnotes_with_calls
from .pdf_metadata import Metadata, article_xmp
from .pdf_tags import tag_languages_and_notes
from .scoping import scope_ids



@dataclass(frozen=True)
class Edition:
    name: str
    template: str
    stylesheets: tuple[str, ...]
    variant: str  # WeasyPrint's pdf_variant
    attachments: bool = False


# The editions whose pages are the article's pages in its issue, numbered as there.
FOLIATED = ("pdf", "archive")

_documents = memo()  # print HTML -> its layout (the latest only)
_written = memo()  # (print HTML, edition) -> the PDF, written when its issue was laid out

EDITIONS = {
    "pdf": Edition("pdf", "print/article.html.j2", ("print.css",), "pdf/ua-1"),
    "archive": Edition("archive", "print/article.html.j2", ("print.css",), "pdf/a-3b", attachments=True),
    "handout": Edition("handout", "print/handout.html.j2", ("print.css", "handout.css"), "pdf/ua-1"),
}


def write_print(manuscript: Manuscript, theme: Theme, settings: Settings) -> bytes:
    return render_pdf(manuscript, theme, settings, EDITIONS["pdf"])


def write_archive(manuscript: Manuscript, theme: Theme, settings: Settings) -> bytes:
    return render_pdf(manuscript, theme, settings, EDITIONS["archive"])


def write_handout(manuscript: Manuscript, theme: Theme, settings: Settings) -> bytes:
    return render_pdf(manuscript, theme, settings, EDITIONS["handout"])


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
    html = print_html(manuscript, theme, settings, edition, paper)
    written = _written.pop((html, edition.name), None)  # made when the issue was laid out
    if written is not None:
        return written
    in_issue = _in_issue(manuscript, edition, paper)
    return write_layout(lay_out(html, manuscript, theme, in_issue), manuscript, theme, settings, edition, in_issue)


def print_html(manuscript: Manuscript, theme: Theme, settings: Settings, edition: Edition,
               paper: Paper | None = None) -> str:
    """The HTML WeasyPrint typesets for a print edition. The print and archival
    editions share it (and so their layout)."""
    in_issue = _in_issue(manuscript, edition, paper)
    folio = manuscript.article.folio if in_issue else 1
    paper = paper or paper_for(manuscript, settings, edition.name)
    qr_url = handout_url(manuscript) if edition.name == "handout" else None
    html = theme.render(
        edition.template,
        doc=manuscript,
        t=manuscript.t,
        edition="handout" if edition.name == "handout" else "print",
        stylesheets=[theme.stylesheet_path(name).resolve().as_uri() for name in edition.stylesheets],
        paper=paper,
        folio=folio,
        crop_marks=bool(settings.crop_marks),
        qr_url=qr_url,
        qr_image=_qr_code(qr_url) if qr_url else None,
        created=manuscript.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        modified=manuscript.modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    # In an issue, the article's ids carry its slug: its pages join the issue's
    # file, where every id must be unique.
    return str(scope_ids(html, f"{manuscript.article.slug}--")) if in_issue else html


def lay_out(html: str, manuscript: Manuscript, theme: Theme, in_issue: bool) -> weasyprint.Document:
    """The pages of a print edition's HTML (the latest is kept: the print and
    archival editions, and an issue's pagination, lay out the same HTML)."""
    if html in _documents:
        return _documents[html]
    keep_footnotes_with_calls()
    tag_languages_and_notes()
    fetcher, refused = make_url_fetcher(*theme.roots)
    try:
        with quiet_weasyprint():
            document = weasyprint.HTML(string=html, base_url=manuscript.article.path.parent.as_uri() + "/",
                                       url_fetcher=fetcher).render()
    except refused as error:
        raise SourceError([Problem(manuscript.article.file, f"print edition: {error}")]) from None
    ids = f"{manuscript.article.slug}--" if in_issue else ""  # print_html scoped them
    check_footnote_areas(document, {ids + note.id: (manuscript, note) for note in manuscript.body.notes})
    _documents.clear()
    _documents[html] = document
    return document


def write_layout(document: weasyprint.Document, manuscript: Manuscript, theme: Theme, settings: Settings,
                 edition: Edition, in_issue: bool) -> bytes:
    if in_issue:
        _check_issue_pages(document, manuscript)
    document.metadata = Metadata.around(document.metadata, article_xmp(manuscript))
    options = {"pdf_variant": edition.variant, "pdf_tags": True}
    fetcher, _ = make_url_fetcher(*theme.roots)
    with quiet_weasyprint():
        if edition.attachments:
            options["attachments"] = _attachments(manuscript, theme, settings, fetcher)
        return document.write_pdf(finisher=finisher(manuscript.article.folio if in_issue else 1), **options)


def prewrite(manuscript: Manuscript, theme: Theme, settings: Settings, document: weasyprint.Document) -> None:
    """Write the issue article's print editions the build makes from the layout
    pagination just made, so that they are not laid out again."""
    for name in FOLIATED:
        if name in settings.formats:
            edition = EDITIONS[name]
            html = print_html(manuscript, theme, settings, edition)
            _written[(html, name)] = write_layout(document, manuscript, theme, settings, edition, in_issue=True)


def _in_issue(manuscript: Manuscript, edition: Edition, paper: Paper | None) -> bool:
    # The print and archival editions of an article in an issue are its pages in
    # the issue, numbered as there; a booklet's half sheets are not.
    return bool(manuscript.article.issue) and edition.name in FOLIATED and paper is None


def handout_url(manuscript: Manuscript) -> str | None:
    """Where the handout's QR code leads: the article's download page when the
    publication's base URL is known, else its DOI, else its own URL; or nowhere."""
    article = manuscript.article
    if article.base_url:
        return f"{article.base_url.rstrip('/')}/{article.slug}/"
    return article.doi_url or article.citation.url


def _qr_code(url: str) -> Markup:
    """A vector QR code as a data: URI (segno), for an <img> the PDF tags as a figure."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="svg", border=0, xmldecl=False, scale=1)
    return Markup("data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode())


def finisher(first_page: int = 1):
    """What WeasyPrint 70 leaves out of the file, added before it is written:
    the IDTree that structure elements with IDs need (ISO 32000-1, 14.7.2: our
    notes have IDs), page labels when the first page is not 1 (so that viewers
    show the printed numbers), and each associated file listed once."""

    def finish(document, pdf) -> None:
        _unique_associated_files(pdf)
        notes = pdf.__dict__.get("_imprint_note_elements", [])
        if notes:
            names = pydyf.Array()
            for note_id, element in sorted(notes, key=lambda n: n[0]):
                names.extend([pydyf.String(note_id), element.reference])
            reference = pdf.catalog["StructTreeRoot"]  # b"12 0 R": the object is pdf.objects[12]
            pdf.objects[int(bytes(reference).split()[0])]["IDTree"] = pydyf.Dictionary({"Names": names})
        if first_page != 1:
            pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array([
                0, pydyf.Dictionary({"S": "/D", "St": first_page})])})

    return finish


def _unique_associated_files(pdf) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalog's /AF (from the name
    tree and from the file specification); once is what PDF/A-3 means."""
    if "AF" in pdf.catalog:
        seen, unique = set(), []
        for entry in pdf.catalog["AF"]:  # references, as bytes or str
            key = entry if isinstance(entry, (bytes, str)) else id(entry)
            if key not in seen:
                seen.add(key)
                unique.append(entry)
        pdf.catalog["AF"][:] = unique


def _attachments(manuscript: Manuscript, theme: Theme, settings: Settings, fetcher) -> list:
    """The citation files, byte for byte as written to dist/, as associated files."""
    attachments = []
    # Sorted by name: WeasyPrint's name tree of embedded files keeps their order,
    # and a name tree's keys must be sorted (ISO 32000-1, 7.9.6).
    for fmt, (write, media_type) in sorted(ATTACHMENTS.items()):
        data = write(manuscript, theme, settings)
        name = f"{manuscript.article.slug}.{fmt}"
        url = f"data:{media_type};base64,{base64.b64encode(data).decode()}"
        attachments.append(weasyprint.Attachment(
            url=url, url_fetcher=fetcher, name=name, relationship="Data",
            description=f"Citation record ({fmt})",
            created=manuscript.modified, modified=manuscript.modified,
        ))
    return attachments


def _check_issue_pages(document, manuscript: Manuscript) -> None:
    """The print edition of an article in an issue must be its pages in the issue."""
    c = manuscript.article.citation
    expected = int(c.last_page or c.first_page) - int(c.first_page) + 1
    if len(document.pages) != expected:
        raise StyleError.single(
            "styles/css", f"the print edition of {manuscript.article.slug} has {len(document.pages)} pages, "
                          f"but its issue prints it on {expected} (pages {c.page})",
            hint="a stylesheet lays the article out differently in its issue (issue.css) and on its own "
                 "(print.css): keep what changes the article's pages in print.css")


def check_footnote_areas(document, notes: Mapping[str, tuple[Manuscript, Note]]) -> None:
    """A note longer than a page cannot be placed: WeasyPrint then draws it up over
    the page's text and cuts its beginning off. Refuse that, naming the note.
    `notes` are the notes by their id in the document."""
    problems = []
    for page in document.pages:
        page_box = page._page_box  # WeasyPrint 70 keeps the layout here
        for area in page_box.children:
            if type(area).__name__ != "FootnoteAreaBox" or area.position_y >= page_box.content_box_y():
                continue
            for box in area.children:
                element = getattr(box, "element", None)
                found = notes.get(element.get("id")) if element is not None else None
                if found is not None:
                    manuscript, note = found
                    problems.append(Problem(
                        manuscript.article.file, f"footnote {note.number} is too long to fit on a page",
                        line=note.line, hint="shorten it, split it, or move part of it into the text",
                    ))
    if problems:
        raise SourceError(problems)


@contextmanager
def quiet_weasyprint() -> Iterator[None]:
    """WeasyPrint logs every CSS property it does not know at WARNING; keep the
    terminal quiet on success (errors still show)."""
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
