"""The EPUB package metadata: identifiers, titles in both languages, creators,
the journal issue as a collection, and schema.org accessibility metadata."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Sequence

from ebooklib import epub

from ..prepare.article import Manuscript, issue_label, metadata_text
from ..source.model import PersonName, dcterms_values
from ..body.chapters import plain_text

if TYPE_CHECKING:  # (an issue's writers need it; an article's build does not load it)
    from ..prepare.issue import IssueManuscript

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def set_article_metadata(book: epub.EpubBook, manuscript: Manuscript) -> None:
    article = manuscript.article
    _identify(book, manuscript.identifier, article.doi, manuscript.title_text)
    # (Zotero takes an EPUB without a type for a book: QA 25; its RDF import reads "article" as a journal's)
    book.add_metadata("DC", "type", "article")
    translation = manuscript.translation
    other_lang = {XML_LANG: translation.lang} if translation else {}
    if translation and translation.title_text:
        # The title in the second language: as an alternate expression of the main
        # title, and as a title of its own, typed "Title in other language" (ONIX
        # code list 15, value 06).
        _refine(book, "#title", "alternate-script", translation.title_text, **other_lang)
        book.add_metadata("DC", "title", translation.title_text, {"id": "title-translated", **other_lang})
        _refine(book, "#title-translated", "title-type", "06", scheme="onix:codelist15")
    if manuscript.subtitle_text:
        book.add_metadata("DC", "title", manuscript.subtitle_text, {"id": "subtitle"})
        _refine(book, "#subtitle", "title-type", "subtitle")
        if translation and translation.subtitle:
            _refine(book, "#subtitle", "alternate-script", metadata_text(translation.subtitle), **other_lang)
    book.set_language(article.lang)
    for number, author in enumerate(article.authors, start=1):
        uid = f"creator-{number}"
        _person(book, "creator", uid, author.name, "aut")
        _refine(book, f"#{uid}", "display-seq", str(number))
        if translation and author.translation and author.translation.name:
            _refine(book, f"#{uid}", "alternate-script", author.translation.name.display, **other_lang)
    c = article.citation
    if c.publisher:
        book.add_metadata("DC", "publisher", c.publisher)
    if article.license:
        book.add_metadata("DC", "rights", article.license.text or article.license.url)
    # A translated article's keywords and abstracts in both languages, each marked
    # with its own (the package's xml:lang would otherwise stand for both).
    own_lang = {XML_LANG: article.lang} if translation else {}
    for keyword in article.keywords:
        book.add_metadata("DC", "subject", keyword, own_lang)
    for keyword in translation.keywords if translation else ():
        book.add_metadata("DC", "subject", keyword, other_lang)
    if manuscript.abstract_text:
        book.add_metadata("DC", "description", manuscript.abstract_text, own_lang)
    if translation and translation.abstract_text:
        book.add_metadata("DC", "description", translation.abstract_text, other_lang)
    if article.date:
        book.add_metadata("DC", "date", article.date.iso())
    # The DCMI terms front matter fields declare (source/model.py, `dcterms=`): the
    # dcterms: prefix is reserved in a package document (EPUB 3.3, "Reserved prefixes").
    for term, value in dcterms_values(article):
        book.add_metadata(None, "meta", value, {"property": f"dcterms:{term}"})
    if c.container_title:
        # The article belongs to its issue (a set), the issue to the journal (a
        # series): a belongs-to-collection that refines another collection names
        # the collection that one is part of (EPUB 3.3, D.3.1).
        issue = _issue_label(manuscript)
        book.add_metadata(None, "meta", f"{c.container_title}, {issue}" if issue else c.container_title,
                          {"property": "belongs-to-collection", "id": "issue"})
        _refine(book, "#issue", "collection-type", "set" if issue else "series")
        if issue:
            book.add_metadata(None, "meta", c.container_title, {"refines": "#issue", "id": "journal",
                                                                "property": "belongs-to-collection"})
            _refine(book, "#journal", "collection-type", "series")
        # The issue's place in the journal (the series): its running number, else its
        # number when that is a number. calibre shows it as the series index
        # ("Humanitates #19"; without it, "#1").
        journal = "#journal" if issue else "#issue"
        if translation and c.translated.get("container-title"):  # (the journal's name in the other language)
            _refine(book, journal, "alternate-script", c.translated["container-title"], **other_lang)
        position = c.collection_number or (c.issue if c.issue and str(c.issue).isdigit() else None)
        if position:
            _refine(book, journal, "group-position", str(position))
        # The journal's ISSN (each, of print and electronic), identifying the series.
        for issn in _issns(c.issn):
            _refine(book, journal, "dcterms:identifier", f"urn:issn:{issn}")
    _finish(book, manuscript.generator)


def _issns(issn: str | None) -> list[str]:
    """The ISSNs a citation's `issn` lists ("1234-5678, 2345-6789")."""
    return [part.strip() for part in str(issn or "").replace(";", ",").split(",") if part.strip()]


def _issue_label(manuscript: Manuscript) -> str | None:
    c = manuscript.article.citation
    date = manuscript.article.date
    return issue_label(c.volume, c.issue, c.collection_number, date.year if date else None, manuscript.t)


def accessibility(t: Mapping[str, Any], pages: Sequence[bytes]) -> list[tuple[str, str]]:
    """schema.org accessibility metadata (EPUB Accessibility 1.1, section 2), true of
    this book: its summary names the notes, the reference list and the formulas
    only where its pages have them (one sentence said every book had linked notes
    and references: the seed has neither, QA 25), and formulas add the MathML
    feature. Every edition has images (its cover, at least), each with its text
    alternative. A language file without a sentence (a project's, made before
    them) leaves it out."""
    def has(marker: bytes) -> bool:
        return any(marker in page for page in pages)

    math = has(b"<math")
    present = {"accessibility_notes": has(b'role="doc-noteref"'),
               "accessibility_references": has(b'role="doc-bibliography"'), "accessibility_math": math}
    summary = " ".join([t["accessibility_summary"], *(t[key] for key, found in present.items() if found and key in t),
                        t["accessibility_images"]])
    return [("schema:accessMode", "textual"), ("schema:accessMode", "visual"),
            ("schema:accessModeSufficient", "textual"),
            ("schema:accessibilityFeature", "structuralNavigation"),
            ("schema:accessibilityFeature", "tableOfContents"),
            ("schema:accessibilityFeature", "readingOrder"),
            ("schema:accessibilityFeature", "displayTransformability"),
            ("schema:accessibilityFeature", "alternativeText"),
            *([("schema:accessibilityFeature", "MathML")] if math else []),
            ("schema:accessibilityHazard", "none"), ("schema:accessibilitySummary", summary)]


def set_issue_metadata(book: epub.EpubBook, edition: IssueManuscript) -> None:
    """The metadata of an issue: the issue is the
    publication, its articles' authors its creators, the journal its collection."""
    issue = edition.issue
    _identify(book, edition.identifier, issue.doi, edition.name)
    book.set_language(issue.lang)
    authors = list(dict.fromkeys(a.name for m in edition.articles for a in m.article.authors))
    for number, name in enumerate(authors, start=1):
        _person(book, "creator", f"creator-{number}", name, "aut")
    for number, name in enumerate(issue.editors, start=1):
        _person(book, "contributor", f"editor-{number}", name, "edt")
    c = issue.citation
    if c.publisher:
        book.add_metadata("DC", "publisher", c.publisher)
    if issue.date:
        book.add_metadata("DC", "date", issue.date.iso())
    if edition.description is not None:
        book.add_metadata("DC", "description", plain_text(edition.description))
    if c.container_title:
        book.add_metadata(None, "meta", c.container_title, {"property": "belongs-to-collection", "id": "journal"})
        _refine(book, "#journal", "collection-type", "series")
        if c.collection_number:  # the journal's running number orders its issues
            _refine(book, "#journal", "group-position", str(c.collection_number))
        for issn in _issns(c.issn):
            _refine(book, "#journal", "dcterms:identifier", f"urn:issn:{issn}")
    _finish(book, edition.generator)


def _identify(book: epub.EpubBook, identifier: str, doi: str | None, title: str) -> None:
    """The identifier (typed as a DOI when there is one) and the main title."""
    book.set_identifier(identifier)
    if doi:
        # ONIX code list 5, value 06: DOI.
        _refine(book, "#id", "identifier-type", "06", scheme="onix:codelist5")
    book.title = title
    book.add_metadata("DC", "title", title, {"id": "title"})
    _refine(book, "#title", "title-type", "main")


def _person(book: epub.EpubBook, element: str, uid: str, name: PersonName, role: str) -> None:
    """A creator or contributor, its name as it sorts, its MARC relator `role`."""
    book.add_metadata("DC", element, name.display, {"id": uid})
    _refine(book, f"#{uid}", "file-as", name.sort_as)
    _refine(book, f"#{uid}", "role", role, scheme="marc:relators")


def _refine(book: epub.EpubBook, target: str, prop: str, value: str, **more: str) -> None:
    """A <meta> giving a property of the element `target` refers to ("#title")."""
    book.add_metadata(None, "meta", value, {"refines": target, "property": prop, **more})


def add_accessibility(book: epub.EpubBook, t: Mapping[str, Any], pages: Sequence[bytes]) -> None:
    for name, value in accessibility(t, pages):
        book.add_metadata(None, "meta", value, {"property": name})


def _finish(book: epub.EpubBook, generator: str) -> None:
    book.set_unique_metadata("OPF", "generator", "", {"name": "generator", "content": generator})
