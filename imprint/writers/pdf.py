"""The print edition: HTML from styles/templates/print/, typeset by WeasyPrint.

Importing this module loads WeasyPrint (about 0.75 s), so the pipeline imports
it only when a PDF is to be built. Every resource goes through the confined
fetcher (fetch.make_url_fetcher). The PDF's XMP packet gets the bibliographic
fields WeasyPrint does not write (DOI, journal, volume, issue, pages, subjects).
"""

from __future__ import annotations

import logging
from contextlib import contextmanager
from typing import Iterator

import weasyprint
from lxml import etree
from weasyprint.pdf.metadata import DocumentMetadata

from ..config import Settings
from ..errors import Problem, SourceError
from ..fetch import make_url_fetcher
from ..manuscript import Manuscript
from ..render import Theme
from .footnote_layout import keep_footnotes_with_calls

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",  # the version most scholarly PDFs carry
}
TEMPLATE = "print/article.html.j2"


def write_pdf(manuscript: Manuscript, theme: Theme, settings: Settings) -> bytes:
    keep_footnotes_with_calls()
    html = theme.render(
        TEMPLATE,
        doc=manuscript,
        t=manuscript.t,
        stylesheet=theme.stylesheet_path("print.css").resolve().as_uri(),
        created=manuscript.created.strftime("%Y-%m-%dT%H:%M:%SZ"),
        modified=manuscript.modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    fetcher, refused = make_url_fetcher(*theme.roots)
    base_url = manuscript.article.path.parent.as_uri() + "/"
    try:
        with _quiet_weasyprint():
            document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
            _check_footnote_areas(document, manuscript)
            document.metadata = _Metadata(_xmp_extra(manuscript), **vars(document.metadata))
            return document.write_pdf(pdf_variant="pdf/ua-1")
    except refused as error:
        raise SourceError([Problem(manuscript.article.file, f"print edition: {error}")]) from None


def _check_footnote_areas(document, manuscript: Manuscript) -> None:
    """A note longer than a page cannot be placed: WeasyPrint then draws it up over
    the page's text and cuts its beginning off. Refuse that, naming the note."""
    notes = {note.id: note for note in manuscript.body.notes}
    problems = []
    for page in document.pages:
        page_box = page._page_box  # WeasyPrint 70 keeps the layout here
        for area in page_box.children:
            if type(area).__name__ != "FootnoteAreaBox" or area.position_y >= page_box.content_box_y():
                continue
            for box in area.children:
                element = getattr(box, "element", None)
                note = notes.get(element.get("id")) if element is not None else None
                if note is not None:
                    problems.append(Problem(
                        manuscript.article.file, f"footnote {note.number} is too long to fit on a page",
                        line=note.line, hint="shorten it, split it, or move part of it into the text",
                    ))
    if problems:
        raise SourceError(problems)


class _Metadata(DocumentMetadata):
    """WeasyPrint's metadata with more rdf:Description elements in its one rdf:RDF
    (its own `xmp_metadata` option appends them after rdf:RDF, where XMP readers
    such as pikepdf do not look)."""

    def __init__(self, extra: bytes, **fields):
        super().__init__(**fields)
        self.extra = extra

    def generate_rdf_metadata(self, variant, version, conformance):
        rdf = super().generate_rdf_metadata(variant, version, conformance)
        return rdf.replace(b"</rdf:RDF>", self.extra + b"</rdf:RDF>")


def _xmp_extra(manuscript: Manuscript) -> bytes:
    article = manuscript.article
    c = article.citation
    description = etree.Element(f"{{{NS['rdf']}}}Description", nsmap=NS)
    description.set(f"{{{NS['rdf']}}}about", "")

    def add(ns: str, name: str, value: str | None) -> None:
        if value:
            etree.SubElement(description, f"{{{NS[ns]}}}{name}").text = value

    def add_bag(ns: str, name: str, values: tuple[str, ...], kind: str = "Bag") -> None:
        if values:
            container = etree.SubElement(etree.SubElement(description, f"{{{NS[ns]}}}{name}"), f"{{{NS['rdf']}}}{kind}")
            for value in values:
                etree.SubElement(container, f"{{{NS['rdf']}}}li").text = value

    add_bag("dc", "identifier", (f"doi:{article.doi}",) if article.doi else ())
    add_bag("dc", "language", (article.lang,))
    add_bag("dc", "subject", article.keywords)
    add_bag("dc", "date", (article.date.iso(),) if article.date else (), kind="Seq")
    add_bag("dc", "publisher", (c.publisher,) if c.publisher else ())
    if article.license:
        rights = etree.SubElement(etree.SubElement(description, f"{{{NS['dc']}}}rights"), f"{{{NS['rdf']}}}Alt")
        item = etree.SubElement(rights, f"{{{NS['rdf']}}}li")
        item.set("{http://www.w3.org/XML/1998/namespace}lang", "x-default")
        item.text = article.license.text or article.license.url
    add("prism", "doi", article.doi)
    add("prism", "url", article.doi_url)
    add("prism", "publicationName", c.container_title)
    add("prism", "issn", c.issn)
    add("prism", "volume", c.volume)
    add("prism", "number", c.issue)
    add("prism", "startingPage", c.first_page)
    add("prism", "endingPage", c.last_page)
    add("prism", "pageRange", c.page)
    add("prism", "coverDate", article.date.iso() if article.date else None)
    return etree.tostring(description, encoding="utf-8")


@contextmanager
def _quiet_weasyprint() -> Iterator[None]:
    """WeasyPrint logs every CSS property it does not know at WARNING; keep the
    terminal quiet on success (errors still show)."""
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
