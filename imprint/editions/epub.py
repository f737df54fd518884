"""The e-reader edition: EPUB 3 with ebooklib, made reproducible and checked.

Pages are rendered from styles/templates/epub/ and handed to ebooklib verbatim
(as plain items), because ebooklib 0.20 re-parses EpubHtml content with an HTML
parser and silently drops what it cannot parse. ebooklib writes the package
document, nav and NCX; the archive is then rewritten with fixed dates
(output.reproducible_zip) and the package document gets its xml:lang.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Callable, Mapping

from ebooklib import epub
from lxml import etree

from ..settings import Settings
from ..errors import Problem, StyleError, warn
from ..prepare.article import Manuscript
from ..building.output import reproducible_zip
from ..files import display, read_bytes
from ..theme import Theme, written_as
from .cover import Cover, article_cover, issue_cover
from .epub_metadata import XML_LANG, add_accessibility, set_article_metadata, set_issue_metadata
from .raster import E_READER_BYTES, for_e_readers, pdf_to_png, svg_to_png

if TYPE_CHECKING:  # (an issue's writers need it; an article's build does not load it)
    from ..prepare.issue import IssueManuscript

XHTML_NS = "http://www.w3.org/1999/xhtml"
STYLESHEET = "css/epub.css"
# The elements of HTML (the WHATWG standard's, which EPUB 3.3 takes) and the ruby ones
# EPUBCheck still accepts: any other in the XHTML namespace (HTML 4's <center>, <font>,
# <big>, <tt>, a made-up <note>) makes EPUBCheck refuse the edition.
HTML_ELEMENTS = frozenset("""
    a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption cite code col
    colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure footer form h1 h2
    h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link main map mark menu meta
    meter nav noscript object ol optgroup option output p param picture pre progress q rb rp rt rtc ruby s samp
    script search section select slot small source span strong style sub summary sup table tbody td template
    textarea tfoot th thead time title tr track u ul var video wbr""".split())


@dataclass(frozen=True)
class Page:
    uid: str
    file: str
    title: str
    content: bytes
    kind: str = "chapter"  # front-matter, chapter, references, back-matter


def write_epub(manuscript: Manuscript, theme: Theme, settings: Settings) -> bytes:
    """The article's e-reader edition."""
    t = manuscript.t
    book = epub.EpubBook()
    set_article_metadata(book, manuscript)
    cover = article_cover(manuscript, theme, settings)
    pages = [_cover_page(cover, manuscript.article.lang, t, theme)] + _render_pages(manuscript, theme)
    _add_images(book, manuscript, settings, "")
    return _package(book, pages, _toc(manuscript, pages[1:]), cover, t, manuscript.modified, manuscript.article.lang,
                    theme)


def write_issue_epub(edition: IssueManuscript, theme: Theme, settings: Settings,
                     printed: Mapping[str, bytes] = {}) -> bytes:
    """The issue's e-reader edition: a cover, a page
    about the issue with its contents, then each article in a folder of its own,
    with its front matter, as in its own edition. (`printed`: the print
    editions, which it does not need.)"""
    t = edition.t
    book = epub.EpubBook()
    set_issue_metadata(book, edition)
    cover = issue_cover(edition, theme, settings)
    pages = [
        _cover_page(cover, edition.lang, t, theme),
        Page("issue", "issue.xhtml", t["issue_front"],
             theme.render("epub/issue.xhtml.j2", issue=edition, t=t, stylesheet=STYLESHEET).encode(), "issue"),
    ]
    toc: list = [epub.Link("issue.xhtml", t["issue_front"], "toc-issue")]
    for number, manuscript in enumerate(edition.articles, start=1):
        folder = f"{manuscript.article.slug}/"
        article_pages = _render_pages(manuscript, theme, folder, uid=f"a{number}-")
        _add_images(book, manuscript, settings, folder, uid=f"a{number}-")
        toc.append((epub.Section(manuscript.title_text, article_pages[0].file),
                    _toc(manuscript, article_pages, sections=False)))
        pages += article_pages
    return _package(book, pages, toc, cover, t, edition.modified, edition.lang, theme)


def _package(book: epub.EpubBook, pages: list[Page], toc: list, cover: Cover, t, modified: datetime, lang: str,
             theme: Theme) -> bytes:
    """Stylesheet (with the fonts it names), cover, pages, navigation and landmarks
    around the metadata, written reproducibly."""
    from ..theme.stylesheets import FONT_TYPES

    book.add_item(epub.EpubItem(uid="css", file_name=STYLESHEET, media_type="text/css",
                                content=theme.stylesheet("epub.css")))
    for number, (name, data) in enumerate(sorted(theme.stylesheet_fonts("epub.css").items()), start=1):
        book.add_item(epub.EpubItem(uid=f"font-{number}", file_name=name, content=data,
                                    media_type=FONT_TYPES[PurePosixPath(name).suffix.lower()]))
    image = epub.EpubCover(uid="cover-image", file_name=f"cover{cover.extension}")  # user images are all in images/
    image.media_type = cover.media_type
    image.content = cover.image
    book.add_item(image)
    # EPUB 2's pointer to the cover image, which Kindle conversion still reads.
    book.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-image"})
    add_accessibility(book, t, [page.content for page in pages])
    items = []
    for page in pages:
        item = epub.EpubItem(uid=page.uid, file_name=page.file, media_type="application/xhtml+xml",
                             content=page.content)
        if b"<math" in page.content:  # (a page with formulas says so: EPUB 3's manifest property)
            item.properties = ["mathml"]
        book.add_item(item)
        items.append(item)
    _check_resources(pages, {item.file_name for item in book.get_items()}, theme)
    book.toc = toc
    nav = epub.EpubNav(title=t["contents"])
    nav.add_link(href=STYLESHEET, rel="stylesheet", type="text/css")
    book.add_item(nav)
    book.add_item(epub.EpubNcx())
    # The nav is in the spine (not linear) because the landmarks link to it (RSC-011).
    book.spine = items + [(nav, "no")]
    # EPUB 2 guide "text" becomes the EPUB 3 landmark "bodymatter" in ebooklib.
    body_start = next((p for p in pages if p.kind == "chapter"), pages[0])
    book.guide = [
        {"type": "cover", "href": pages[0].file, "title": t["cover"]},
        {"type": "toc", "href": "nav.xhtml", "title": t["contents"]},
        {"type": "text", "href": body_start.file, "title": t["start_of_text"]},
    ] + [{"type": "bibliography", "href": p.file, "title": p.title} for p in pages if p.kind == "references"]
    buffer = io.BytesIO()
    epub.write_epub(buffer, book, {
        "epub3_pages": False,  # else every footnote would be listed as a page
        "mtime": modified,
        "landmark_title": t["landmarks"],
        "raise_exceptions": True,
        "compresslevel": 0,  # _repack compresses, once
    })
    return _repack(buffer.getvalue(), lang, modified)


def _check_resources(pages: list[Page], files: set[str], theme: Theme) -> None:
    """Every file a page loads is in the EPUB: a project's template that shows a
    logo from the network, or from styles/, made an EPUB that fails EPUBCheck
    (RSC-006, RSC-007) and a reader that fetches from the web, with exit 0."""
    from urllib.parse import unquote, urljoin, urlsplit

    from ..theme.loads import unheld

    problems = [problem for page in pages for problem in unheld(
        etree.fromstring(page.content), theme, _template(page),
        lambda url, page=page: unquote(urlsplit(urljoin(page.file, url)).path) in files,
        ("loads it from the network, which a reader of the EPUB may not reach", "names a file the EPUB does not hold"),
        prefix=f"{page.file}: ", namespace=XHTML_NS)]
    if problems:
        raise StyleError(list(dict.fromkeys(problems)))


def _template(page: Page) -> str:
    """The template a page is rendered from."""
    return f"epub/{page.kind}.xhtml.j2"


def _cover_page(cover: Cover, lang: str, t, theme: Theme) -> Page:
    content = theme.render("epub/cover.xhtml.j2", cover=cover, lang=lang, t=t, stylesheet=STYLESHEET,
                           image=f"cover{cover.extension}")
    return Page("cover", "cover.xhtml", t["cover"], content.encode(), "cover")


def _add_images(book: epub.EpubBook, manuscript: Manuscript, settings: Settings, folder: str, uid: str = "") -> None:
    for number, asset in enumerate(manuscript.body.assets, start=1):
        if asset.image.media_type == "image/svg+xml":  # as a PNG (images.epub_name)
            media_type, content = "image/png", svg_to_png(asset.image.path, settings.root, asset.image.drawn)
        elif asset.image.media_type == "application/pdf":
            media_type, content = "image/png", pdf_to_png(asset.image.path, settings.root)
        else:
            media_type = asset.image.media_type
            stored = asset.image.data  # (a notebook's output: images.stored_image)
            content = for_e_readers(stored if stored is not None else read_bytes(settings.root, asset.image.path,
                                                                                  "image"), media_type)
            if len(content) > E_READER_BYTES:
                warn(Problem(display(asset.image.path, settings.root), f"the figure is {len(content) / 1e6:.1f} MB: "
                             "Kobo takes at most 5 MB an image, and a reader downloads it with the EPUB",
                             hint="save it as a JPEG (a photograph, a scan), or with fewer colours or pixels"))
        book.add_item(epub.EpubItem(uid=f"{uid}image-{number}", file_name=folder + asset.name,
                                    media_type=media_type, content=content))


def _render_pages(manuscript: Manuscript, theme: Theme, folder: str = "", uid: str = "") -> list[Page]:
    """The article's pages, in reading order; in an issue, in `folder` (its slug and
    a slash) with `uid` before their manifest ids."""
    stylesheet = "../" * folder.count("/") + STYLESHEET
    context = {"doc": manuscript, "t": manuscript.t, "stylesheet": stylesheet}
    body = manuscript.body

    def page(name: str, label: str, template: str, kind: str, **more) -> Page:
        content = theme.render(template, **context, **more).encode()
        return Page(uid + name, f"{folder}{name}.xhtml", label, content, kind)

    pages = [page("front-matter", manuscript.t["front_matter"], "epub/front-matter.xhtml.j2", "front-matter")]
    references = page("references", manuscript.references_title, "epub/references.xhtml.j2", "references") \
        if body.references else None
    for chapter in body.chapters:
        if references and chapter.index == body.references_position:
            pages.append(references)
        title = chapter.heading.text if chapter.heading else manuscript.title_text
        pages.append(page(f"chapter-{chapter.index + 1}", title, "epub/chapter.xhtml.j2", "chapter",
                          chapter=chapter, title=title))
    if references and body.references_position >= len(body.chapters):
        pages.append(references)
    if manuscript.statements or manuscript.article.authors:
        pages.append(page("back-matter", manuscript.t["back_matter"], "epub/back-matter.xhtml.j2", "back-matter"))
    return _link_across_pages(pages, theme)


def _link_across_pages(pages: list[Page], theme: Theme) -> list[Page]:
    """Parse every page (a page that is not well-formed XHTML is a template bug) and
    point links to ids on other pages at those pages: the body's renderer (body/html.py) writes "#id"."""
    trees = {}
    home: dict[str, str] = {}
    for page in pages:
        try:
            tree = etree.fromstring(page.content)
        except etree.XMLSyntaxError as error:
            file, line = theme.template_line(_template(page), _culprit(page, error))
            raise StyleError.single(
                file, f"{page.file} is not well-formed XHTML: {error}", line=line,
                hint="XHTML knows only the entities &amp; &lt; &gt; &quot; &apos;: write the character itself, or "
                     "its number (&#160; for a no-break space)" if "Entity" in str(error) else
                     "check the template (and those it includes) for unclosed or misnested tags",
            ) from None
        ids = _check_markup(page, tree, theme)
        body = tree.find(f"{{{XHTML_NS}}}body")
        if body is None or (len(body) == 0 and not (body.text or "").strip()):
            raise StyleError.single(  # (a project's template can leave it empty; Imprint's own never do)
                "styles/templates/epub", f"{page.file} has an empty body",
                hint="the page's template (and what it includes) must give it some content",
            )
        trees[page.file] = tree
        for ident in ids:
            home.setdefault(ident, page.file)
    result = []
    for page in pages:
        tree = trees[page.file]
        changed = False
        for element in tree.iter(f"{{{XHTML_NS}}}a"):
            href = element.get("href", "")
            target = home.get(href[1:]) if href.startswith("#") else None
            if target and target != page.file:
                # The pages of an article share a folder: the file name is the way there.
                element.set("href", f"{target.rsplit('/', 1)[-1]}{href}")
                changed = True
        result.append(replace(page, content=etree.tostring(tree, xml_declaration=True, encoding="utf-8",
                                                           doctype="<!DOCTYPE html>")) if changed else page)
    return result


def _culprit(page: Page, error: etree.XMLSyntaxError) -> Callable[[str], object]:
    """What finds the template line a page that is not well-formed comes from: the
    entity XHTML does not know (&nbsp;), else the page's line of the element left
    open where libxml2 names it ("tag mismatch: br line 13 and header, line 29"),
    else of the error, as a template's line would write it."""
    named = re.search(r"Entity '([^']*)'", str(error))
    if named:
        return re.compile(f"&{re.escape(named.group(1))};").search
    found = re.search(r"\bline (\d+)", str(error))
    rendered = page.content.decode("utf-8", "replace").splitlines()
    at = int(found.group(1)) if found else 0
    return written_as(rendered[at - 1]) if 0 < at <= len(rendered) else lambda line: False


def _check_markup(page: Page, tree: etree._Element, theme: Theme) -> set[str]:
    """What a template put in a page that EPUBCheck would refuse, at the template's
    line: an element HTML does not have, an id given twice (QA 22: a designer's
    <center> and <font> passed the build and were found by `check` only, at the
    line of the EPUB's page). Returns the page's ids (one walk of its tree)."""
    problems, ids, html = [], set(), f"{{{XHTML_NS}}}"
    for element in tree.iter():
        tag = element.tag
        if isinstance(tag, str) and tag.startswith(html) and tag[len(html):] not in HTML_ELEMENTS:
            name = tag[len(html):]
            file, line = theme.template_line(_template(page), re.compile(rf"<{re.escape(name)}[\s/>]").search)
            problems.append(Problem(file, f"<{name}> is no element of HTML: EPUBCheck refuses the "
                                          f"e-reader edition ({page.file}, line {element.sourceline})", line=line,
                                    hint="style with CSS in styles/css/epub.css (text-align, font-size, color) on "
                                         "a <div>, <p> or <span> with a class"))
        ident = element.get("id")
        if ident in ids:
            file, line = theme.template_line(_template(page),
                                             re.compile(rf"""\bid=["']{re.escape(ident)}["']""").search)
            problems.append(Problem(file, f"the id '{ident}' is given twice in {page.file}: EPUBCheck refuses the "
                                          "e-reader edition", line=line,
                                    hint="give each element its own id (Imprint's pages use front-matter, "
                                         "references and the ids of the article's headings, notes and figures)"))
        elif ident is not None:
            ids.add(ident)
    if problems:
        raise StyleError(problems)
    ids.discard("")
    return ids


def _toc(manuscript: Manuscript, pages: list[Page], sections: bool = True) -> list:
    """The article's pages, each with its second-level headings when `sections`
    (in an issue they would be a third level, deeper than Kindle's two)."""
    chapters = {f"chapter-{c.index + 1}.xhtml": c for c in manuscript.body.chapters}
    entries: list = []
    for page in pages:
        chapter = chapters.get(page.file.rsplit("/", 1)[-1])
        numbered = manuscript.article.number_sections
        # (each entry's NCX id numbered: a heading's id may hold what an XML id may not, `sub:algebras`)
        children = [epub.Link(f"{page.file}#{h.id}", _heading_label(h, numbered), f"toc-{page.uid}-{n}")
                    for n, h in enumerate(h for h in chapter.headings if h.level == 2 and h.listed)
                    ] if chapter and sections else []
        if chapter and chapter.heading and not chapter.heading.listed and not children:
            continue  # ({.unlisted}: in the reading order, not in the contents)
        title = _heading_label(chapter.heading, numbered) if chapter and chapter.heading else page.title
        link = epub.Link(page.file, title, f"toc-{page.uid}")
        entries.append((epub.Section(title, page.file), children) if children else link)
    return entries


def _heading_label(heading, numbered: bool) -> str:
    return f"{heading.number} {heading.text}" if numbered else heading.text


def _repack(data: bytes, lang: str, modified: datetime) -> bytes:
    """Rewrite ebooklib's archive reproducibly; give the package document its language."""
    entries = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            content = archive.read(info)
            if info.filename.endswith(".opf"):
                content = _set_package_lang(content, lang)
            entries.append((info.filename, content))
    return reproducible_zip(entries, modified, first="mimetype")


def _set_package_lang(opf: bytes, lang: str) -> bytes:
    # ebooklib 0.20 writes no xml:lang on <package>; Ace asks for it.
    root = etree.fromstring(opf)
    root.set(XML_LANG, lang)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)
