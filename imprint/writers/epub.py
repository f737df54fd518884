"""The e-reader edition: EPUB 3 with ebooklib, made reproducible and checked.

Pages are rendered from styles/templates/epub/ and handed to ebooklib verbatim
(as plain items), because ebooklib 0.20 re-parses EpubHtml content with an HTML
parser and silently drops what it cannot parse. ebooklib writes the package
document, nav and NCX; the archive is then rewritten with fixed dates
(output.reproducible_zip) and the package document gets its xml:lang.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from ebooklib import epub
from lxml import etree

from ..config import Settings
from ..errors import InternalError, StyleError
from ..manuscript import Manuscript
from ..markup import plain_text
from ..output import reproducible_zip
from ..fetch import read_bytes
from ..render import Theme

XHTML_NS = "http://www.w3.org/1999/xhtml"
OPF_NS = "http://www.idpf.org/2007/opf"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
STYLESHEET = "css/epub.css"


@dataclass(frozen=True)
class Page:
    uid: str
    file: str
    title: str
    content: bytes
    kind: str = "chapter"  # front-matter, chapter, references, back-matter


def write_epub(manuscript: Manuscript, theme: Theme, settings: Settings) -> bytes:
    article = manuscript.article
    t = manuscript.t
    pages = _render_pages(manuscript, theme)
    book = epub.EpubBook()
    _set_metadata(book, manuscript)

    css = epub.EpubItem(uid="css", file_name=STYLESHEET, media_type="text/css", content=theme.stylesheet("epub.css"))
    book.add_item(css)
    for number, asset in enumerate(manuscript.body.assets, start=1):
        book.add_item(epub.EpubItem(uid=f"image-{number}", file_name=asset.name, media_type=asset.image.media_type,
                                    content=read_bytes(settings.root, asset.image.path, "image")))
    items = []
    for page in pages:
        item = epub.EpubItem(uid=page.uid, file_name=page.file, media_type="application/xhtml+xml",
                             content=page.content)
        book.add_item(item)
        items.append(item)

    book.toc = _toc(manuscript, pages)
    nav = epub.EpubNav(title=t["contents"])
    nav.add_link(href=STYLESHEET, rel="stylesheet", type="text/css")
    book.add_item(nav)
    book.add_item(epub.EpubNcx())
    # The nav is in the spine (not linear) because the landmarks link to it (RSC-011).
    book.spine = items + [(nav, "no")]
    # EPUB 2 guide "text" becomes the EPUB 3 landmark "bodymatter" in ebooklib.
    body_start = next((p for p in pages if p.kind == "chapter"), pages[0])
    book.guide = [
        {"type": "toc", "href": "nav.xhtml", "title": t["contents"]},
        {"type": "text", "href": body_start.file, "title": t["start_of_text"]},
    ] + [{"type": "bibliography", "href": p.file, "title": p.title} for p in pages if p.kind == "references"]

    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {
        "epub3_pages": False,  # else every footnote would be listed as a page
        "mtime": manuscript.modified,
        "landmark_title": t["landmarks"],
        "raise_exceptions": True,
    })
    return _repack(buffer.getvalue(), manuscript)


def _render_pages(manuscript: Manuscript, theme: Theme) -> list[Page]:
    context = {"doc": manuscript, "t": manuscript.t, "stylesheet": STYLESHEET}
    body = manuscript.body
    pages = [Page("front-matter", "front-matter.xhtml", manuscript.t["front_matter"],
                  theme.render("epub/front-matter.xhtml.j2", **context).encode(), "front-matter")]
    references = Page("references", "references.xhtml", manuscript.references_title,
                      theme.render("epub/references.xhtml.j2", **context).encode(), "references") \
        if body.references else None
    for chapter in body.chapters:
        if references and chapter.index == body.references_position:
            pages.append(references)
        title = chapter.heading.text if chapter.heading else manuscript.title_text
        content = theme.render("epub/chapter.xhtml.j2", chapter=chapter, title=title, **context)
        pages.append(Page(f"chapter-{chapter.index + 1}", f"chapter-{chapter.index + 1}.xhtml", title,
                          content.encode()))
    if references and body.references_position >= len(body.chapters):
        pages.append(references)
    if manuscript.statements or manuscript.article.authors:
        pages.append(Page("back-matter", "back-matter.xhtml", manuscript.t["back_matter"],
                          theme.render("epub/back-matter.xhtml.j2", **context).encode(), "back-matter"))
    return _link_across_pages(pages)


def _link_across_pages(pages: list[Page]) -> list[Page]:
    """Parse every page (a page that is not well-formed XHTML is a template bug) and
    point links to ids on other pages at those pages: markup.py writes "#id"."""
    trees = {}
    home: dict[str, str] = {}
    for page in pages:
        try:
            tree = etree.fromstring(page.content)
        except etree.XMLSyntaxError as error:
            raise StyleError.single(
                "styles/templates/epub", f"{page.file} is not well-formed XHTML: {error}",
                hint="check the template for unclosed or misnested tags",
            ) from None
        body = tree.find(f"{{{XHTML_NS}}}body")
        if body is None or (len(body) == 0 and not (body.text or "").strip()):
            raise InternalError(f"{page.file} has an empty body")
        trees[page.file] = tree
        for element in tree.iter():
            if element.get("id"):
                home.setdefault(element.get("id"), page.file)
    result = []
    for page in pages:
        tree = trees[page.file]
        changed = False
        for element in tree.iter(f"{{{XHTML_NS}}}a"):
            href = element.get("href", "")
            target = home.get(href[1:]) if href.startswith("#") else None
            if target and target != page.file:
                element.set("href", f"{target}{href}")
                changed = True
        content = page.content
        if changed:
            content = etree.tostring(tree, xml_declaration=True, encoding="utf-8", doctype="<!DOCTYPE html>")
        result.append(Page(page.uid, page.file, page.title, content, page.kind))
    return result


def _toc(manuscript: Manuscript, pages: list[Page]) -> list:
    chapters = {f"chapter-{c.index + 1}.xhtml": c for c in manuscript.body.chapters}
    entries: list = []
    for page in pages:
        chapter = chapters.get(page.file)
        numbered = manuscript.article.number_sections
        children = [epub.Link(f"{page.file}#{h.id}", _heading_label(h, numbered), f"toc-{h.id}")
                    for h in chapter.headings if h.level == 2] if chapter else []
        title = _heading_label(chapter.heading, numbered) if chapter and chapter.heading else page.title
        link = epub.Link(page.file, title, f"toc-{page.uid}")
        entries.append((epub.Section(title, page.file), children) if children else link)
    return entries


def _heading_label(heading, numbered: bool) -> str:
    return f"{heading.number} {heading.text}" if numbered else heading.text


def _set_metadata(book: epub.EpubBook, manuscript: Manuscript) -> None:
    article = manuscript.article
    t = manuscript.t
    book.set_identifier(manuscript.identifier)
    if article.doi:
        # ONIX code list 5, value 06: DOI.
        book.add_metadata(None, "meta", "06", {"refines": "#id", "property": "identifier-type",
                                              "scheme": "onix:codelist5"})
    translation = manuscript.translation
    other_lang = {XML_LANG: translation.lang} if translation else {}
    book.title = manuscript.title_text
    book.add_metadata("DC", "title", manuscript.title_text, {"id": "title"})
    book.add_metadata(None, "meta", "main", {"refines": "#title", "property": "title-type"})
    if translation and translation.title_text:
        # The title in the second language: as an alternate expression of the main
        # title, and as a title of its own, typed "Title in other language" (ONIX
        # code list 15, value 06).
        book.add_metadata(None, "meta", translation.title_text,
                          {"refines": "#title", "property": "alternate-script", **other_lang})
        book.add_metadata("DC", "title", translation.title_text, {"id": "title-translated", **other_lang})
        book.add_metadata(None, "meta", "06", {"refines": "#title-translated", "property": "title-type",
                                              "scheme": "onix:codelist15"})
    if manuscript.subtitle_text:
        book.add_metadata("DC", "title", manuscript.subtitle_text, {"id": "subtitle"})
        book.add_metadata(None, "meta", "subtitle", {"refines": "#subtitle", "property": "title-type"})
        if translation and translation.subtitle:
            book.add_metadata(None, "meta", plain_text(translation.subtitle),
                              {"refines": "#subtitle", "property": "alternate-script", **other_lang})
    book.set_language(article.lang)
    for number, author in enumerate(article.authors, start=1):
        uid = f"creator-{number}"
        book.add_metadata("DC", "creator", author.name.display, {"id": uid})
        book.add_metadata(None, "meta", author.name.sort_as, {"refines": f"#{uid}", "property": "file-as"})
        book.add_metadata(None, "meta", "aut", {"refines": f"#{uid}", "property": "role",
                                               "scheme": "marc:relators"})
        book.add_metadata(None, "meta", str(number), {"refines": f"#{uid}", "property": "display-seq"})
        if translation and author.translation and author.translation.name:
            book.add_metadata(None, "meta", author.translation.name.display,
                              {"refines": f"#{uid}", "property": "alternate-script", **other_lang})
    c = article.citation
    if c.publisher:
        book.add_metadata("DC", "publisher", c.publisher)
    if article.license:
        book.add_metadata("DC", "rights", article.license.text or article.license.url)
    for keyword in article.keywords:
        book.add_metadata("DC", "subject", keyword)
    for keyword in translation.keywords if translation else ():
        book.add_metadata("DC", "subject", keyword, other_lang)
    if manuscript.abstract_text:
        book.add_metadata("DC", "description", manuscript.abstract_text)
    if translation and translation.abstract_text:
        book.add_metadata("DC", "description", translation.abstract_text, other_lang)
    if article.date:
        book.add_metadata("DC", "date", article.date.iso())
    if c.container_title:
        # The article belongs to its issue (a set), the issue to the journal (a
        # series): a belongs-to-collection that refines another collection names
        # the collection that one is part of (EPUB 3.3, D.3.1).
        issue = _issue_label(manuscript)
        book.add_metadata(None, "meta", f"{c.container_title}, {issue}" if issue else c.container_title,
                          {"property": "belongs-to-collection", "id": "issue"})
        book.add_metadata(None, "meta", "set" if issue else "series",
                          {"refines": "#issue", "property": "collection-type"})
        if issue:
            book.add_metadata(None, "meta", c.container_title, {"refines": "#issue", "id": "journal",
                                                                "property": "belongs-to-collection"})
            book.add_metadata(None, "meta", "series", {"refines": "#journal", "property": "collection-type"})
    for name, value in _accessibility(manuscript):
        book.add_metadata(None, "meta", value, {"property": name})
    book.set_unique_metadata("OPF", "generator", "", {"name": "generator", "content": manuscript.generator})


def _issue_label(manuscript: Manuscript) -> str | None:
    c = manuscript.article.citation
    t = manuscript.t
    parts = []
    if c.volume:
        parts.append(f"{t['volume']} {c.volume}")
    if c.issue:
        number = f"{t['issue']} {c.issue}"
        parts.append(f"{number} ({c.collection_number})" if c.collection_number else number)
    if parts and manuscript.article.date:
        parts.append(str(manuscript.article.date.year))
    return ", ".join(parts) or None


def _accessibility(manuscript: Manuscript) -> list[tuple[str, str]]:
    """schema.org accessibility metadata (EPUB Accessibility 1.1, section 2)."""
    t = manuscript.t
    images = bool(manuscript.body.assets)
    found = [("schema:accessMode", "textual")]
    if images:
        found.append(("schema:accessMode", "visual"))
    found += [
        ("schema:accessModeSufficient", "textual"),
        ("schema:accessibilityFeature", "structuralNavigation"),
        ("schema:accessibilityFeature", "tableOfContents"),
        ("schema:accessibilityFeature", "readingOrder"),
        ("schema:accessibilityFeature", "displayTransformability"),
    ]
    if images:
        found.append(("schema:accessibilityFeature", "alternativeText"))
    summary = f"{t['accessibility_summary']} {t['accessibility_images' if images else 'accessibility_no_images']}"
    found += [("schema:accessibilityHazard", "none"), ("schema:accessibilitySummary", summary)]
    return found


def _repack(data: bytes, manuscript: Manuscript) -> bytes:
    """Rewrite ebooklib's archive reproducibly; give the package document its language."""
    entries = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename.endswith(".opf"):
                content = _set_package_lang(content, manuscript.article.lang)
            entries.append((info.filename, content))
    return reproducible_zip(entries, manuscript.modified, first="mimetype")


def _set_package_lang(opf: bytes, lang: str) -> bytes:
    # ebooklib 0.20 writes no xml:lang on <package>; Ace asks for it.
    root = etree.fromstring(opf)
    root.set(XML_LANG, lang)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
