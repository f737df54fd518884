"""What the print editions' XMP packet says beyond WeasyPrint's own fields: the
bibliographic facts (DOI, journal, volume, issue, pages, subjects; the title in
each of its languages) in Dublin Core and PRISM, which archives and reference managers read. Made with lxml alone:
print_job.py carries it, typeset.py puts it in the file.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lxml import etree

from ...prepare.article import metadata_text
from ...source.record import full_title

if TYPE_CHECKING:
    from ...prepare.issue import IssueManuscript
    from ...prepare.article import Manuscript

NS = {
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "prism": "http://prismstandard.org/namespaces/basic/2.0/",  # the version most scholarly PDFs carry
}


def article_xmp(manuscript: "Manuscript") -> bytes:
    """Dublin Core and PRISM fields of an article, as one rdf:Description."""
    article = manuscript.article
    c = article.citation
    translation = manuscript.translation
    titles = ((article.lang, manuscript.full_title),)
    if translation and translation.title_text:
        subtitle = metadata_text(translation.subtitle) if translation.subtitle else None
        titles += ((translation.lang, full_title(translation.title_text, subtitle)),)
    return _description(
        titles=titles, doi=article.doi, doi_url=article.doi_url, lang=article.lang, subjects=article.keywords,
        date=article.date.iso() if article.date else None, publisher=c.publisher,
        rights=(article.license.text or article.license.url) if article.license else None,
        prism={"publicationName": c.container_title, "issn": c.issn, "volume": c.volume, "number": c.issue,
               "startingPage": c.first_page, "endingPage": c.last_page, "pageRange": c.page},
    )


def issue_xmp(edition: "IssueManuscript") -> bytes:
    """The same fields for a whole issue."""
    issue = edition.issue
    c = issue.citation
    first = edition.pages_of(edition.articles[0])[0]
    last = edition.pages_of(edition.articles[-1])[1]
    return _description(
        titles=(), doi=issue.doi, doi_url=issue.doi_url, lang=issue.lang, subjects=(),
        date=issue.date.iso() if issue.date else None, publisher=c.publisher, rights=None,
        prism={"publicationName": c.container_title, "issn": c.issn, "volume": c.volume, "number": c.issue,
               "startingPage": str(first), "endingPage": str(last), "pageRange": f"{first}-{last}"},
    )


def _description(titles: tuple[tuple[str, str], ...], doi: str | None, doi_url: str | None, lang: str,
                 subjects: tuple[str, ...], date: str | None, publisher: str | None, rights: str | None,
                 prism: dict[str, str | None]) -> bytes:
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

    def add_alt(name: str, texts: tuple[tuple[str, str], ...]) -> None:  # (each text in its language)
        if texts:
            alt = etree.SubElement(etree.SubElement(description, f"{{{NS['dc']}}}{name}"), f"{{{NS['rdf']}}}Alt")
            for text_lang, text in texts:
                item = etree.SubElement(alt, f"{{{NS['rdf']}}}li")
                item.set("{http://www.w3.org/XML/1998/namespace}lang", text_lang)
                item.text = text

    add_alt("title", titles)  # (after WeasyPrint's x-default: Metadata merges the two)
    add_bag("dc", "identifier", (f"doi:{doi}",) if doi else ())
    add_bag("dc", "language", (lang,))
    add_bag("dc", "subject", subjects)
    add_bag("dc", "date", (date,) if date else (), kind="Seq")
    add_bag("dc", "publisher", (publisher,) if publisher else ())
    add_alt("rights", (("x-default", rights),) if rights else ())
    add("prism", "doi", doi)
    add("prism", "url", doi_url)
    for name, value in prism.items():
        add("prism", name, value)
    add("prism", "coverDate", date)
    return etree.tostring(description, encoding="utf-8")
