"""The OPDS catalogue (OPDS Catalog 1.2, Atom), so that e-reader apps can browse
and download: dist/opds/index.xml is the root, a navigation feed to an
acquisition feed of every article (opds/articles.xml, newest first, in pages of
PAGE articles: articles-2.xml, ... linked first/previous/next/last) and one per
issue (opds/issues/<issue>.xml, the whole issue first, then its articles).

Written with lxml, not a template: it is data for machines, and every value is
escaped by the serializer. Links are relative to the feed (resolved against the
feed's own URL, RFC 4287 and RFC 3986) unless the publication has a base URL.
Dates come from the editions' own (SOURCE_DATE_EPOCH, date-modified or date),
so a rebuild gives the same bytes.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from lxml import etree

from ..editions import EDITIONS
from .listing import ArticleListing, IssueListing
from ..source.model import PartialDate, Publication
from ..theme import Theme
from .pages import Place, SiteContent, cover_name, downloads

ATOM = "http://www.w3.org/2005/Atom"
DCTERMS = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
NSMAP = {None: ATOM, "dcterms": DCTERMS, "opds": OPDS}
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
PAGE = 100  # articles a page of the feed of all articles: an app reads a page at a time (5,000: 20 MB in one)


class _Feed:
    """One Atom feed document being written."""

    def __init__(self, name: str, title: str, kind: str, updated: datetime, lang: str, publication: Publication,
                 site_name: str):
        self.place = Place(("opds/" + name).rsplit("/", 1)[0], publication.base_url)
        self.root = etree.Element(f"{{{ATOM}}}feed", nsmap=NSMAP)
        self.root.set("{http://www.w3.org/XML/1998/namespace}lang", lang)
        self.add(self.root, "id", _uuid(publication, f"opds/{name}"))
        self.add(self.root, "title", title)
        self.add(self.root, "updated", _date(updated))
        author = self.add(self.root, "author")
        self.add(author, "name", site_name)
        self.link(self.root, "self", f"opds/{name}", kind)
        self.link(self.root, "start", "opds/index.xml", NAVIGATION)
        if name != "index.xml":
            self.link(self.root, "up", "opds/index.xml", NAVIGATION)
        self.link(self.root, "alternate", "index.html", "text/html")

    def add(self, parent, tag: str, text: str | None = None, ns: str = ATOM):
        element = etree.SubElement(parent, f"{{{ns}}}{tag}")
        if text is not None:
            element.text = text
        return element

    def link(self, parent, rel: str, path: str, media_type: str, title: str | None = None, length: int | None = None):
        element = etree.SubElement(parent, f"{{{ATOM}}}link", rel=rel, href=self.place.url(path), type=media_type)
        if title:
            element.set("title", title)
        if length is not None:
            element.set("length", str(length))
        return element

    def entry(self, identifier: str, title: str, updated: datetime):
        entry = self.add(self.root, "entry")
        self.add(entry, "title", title)
        self.add(entry, "id", identifier)
        self.add(entry, "updated", _date(updated))
        return entry

    def bytes(self) -> bytes:
        return etree.tostring(self.root, xml_declaration=True, encoding="utf-8", pretty_print=True)


def render_catalogue(content: SiteContent, site_name: str, theme: Theme) -> dict[str, bytes]:
    """The catalogue's feeds by their path in dist/."""
    publication = content.publication
    articles, issues = content.articles, content.issues
    lang = content.lang
    t = theme.strings(lang)
    latest = max(item.modified_at for item in [*articles, *issues])
    files = {}

    root = _Feed("index.xml", site_name, NAVIGATION, latest, lang, publication, site_name)
    for name, title, updated in [("articles.xml", t["all_articles"], latest),
                                 *((f"issues/{issue.slug}.xml", issue.name, issue.modified_at) for issue in issues)]:
        entry = root.entry(_uuid(publication, f"opds/{name}"), title, updated)
        root.add(entry, "content", title).set("type", "text")
        root.link(entry, "subsection", f"opds/{name}", ACQUISITION, title)
    files["opds/index.xml"] = root.bytes()

    listed = [a for a in sorted(articles, key=lambda a: (-a.modified_at.timestamp(), a.slug))
              if _acquirable(a.files, a.slug)]
    pages = [listed[start:start + PAGE] for start in range(0, len(listed), PAGE)] or [[]]
    names = ["articles.xml"] + [f"articles-{number}.xml" for number in range(2, len(pages) + 1)]
    for number, (name, page) in enumerate(zip(names, pages)):
        feed = _Feed(name, f"{site_name}: {t['all_articles']}", ACQUISITION, latest, lang, publication, site_name)
        if len(pages) > 1:  # (RFC 5005's paged feed, as OPDS 1.2 section 5 has it)
            for rel, other in (("first", 0), ("previous", number - 1), ("next", number + 1), ("last", len(pages) - 1)):
                if 0 <= other < len(pages):
                    feed.link(feed.root, rel, f"opds/{names[other]}", ACQUISITION)
        for article in page:
            _article_entry(feed, article, theme)
        files[f"opds/{name}"] = feed.bytes()

    by_slug = {a.slug: a for a in articles}
    for issue in issues:
        name = f"issues/{issue.slug}.xml"
        feed = _Feed(name, issue.name, ACQUISITION, issue.modified_at, issue.lang, publication, site_name)
        _issue_entry(feed, issue, theme)
        for member in issue.articles:
            if member.slug in by_slug:
                _article_entry(feed, by_slug[member.slug], theme)
        files[f"opds/{name}"] = feed.bytes()
    return files


def _article_entry(feed: _Feed, article: ArticleListing, theme: Theme) -> None:
    """An entry for an article (none for one with nothing to download)."""
    if not _acquirable(article.files, article.slug):
        return
    entry = feed.entry(article.identifier, article.full_title, article.modified_at)
    for author in article.authors:
        person = feed.add(entry, "author")
        feed.add(person, "name", author.name)
        if author.orcid_url:
            feed.add(person, "uri", author.orcid_url)
    if article.date:
        feed.add(entry, "published", _date(PartialDate(*map(int, article.date.split("-"))).to_datetime()))
    _terms(feed, entry, [("language", article.lang), ("issued", article.date),
                         ("identifier", article.doi and f"urn:doi:{article.doi}"), ("publisher", article.publisher),
                         ("isPartOf", article.container_title),
                         ("identifier", article.issn and f"urn:issn:{article.issn}")])
    for keyword in article.keywords:
        feed.add(entry, "category").set("term", keyword)
    if article.rights:
        feed.add(entry, "rights", article.rights)
    if article.abstract:
        feed.add(entry, "summary", article.abstract).set("type", "text")
    feed.add(entry, "content", article.reference).set("type", "text")
    _links(feed, entry, article.slug, article.files, theme.strings(article.lang))


def _issue_entry(feed: _Feed, issue: IssueListing, theme: Theme) -> None:
    if not _acquirable(issue.files, issue.slug):
        return
    entry = feed.entry(issue.identifier, issue.name, issue.modified_at)
    for name in issue.editors:
        person = feed.add(entry, "contributor")
        feed.add(person, "name", name)
    if issue.date:
        feed.add(entry, "published", _date(PartialDate(*map(int, issue.date.split("-"))).to_datetime()))
    _terms(feed, entry, [("language", issue.lang), ("identifier", issue.doi and f"urn:doi:{issue.doi}"),
                         ("publisher", issue.publisher)])
    contents = "; ".join(f"{a.running_authors}: {a.full_title}" if a.running_authors else a.full_title
                         for a in issue.articles)
    feed.add(entry, "content", contents).set("type", "text")
    _links(feed, entry, issue.slug, issue.files, theme.strings(issue.lang))


def _terms(feed: _Feed, entry, terms: list[tuple[str, str | None]]) -> None:
    """An entry's DCMI terms that have a value, in their order."""
    for name, value in terms:
        if value:
            feed.add(entry, name, value, DCTERMS)


def _acquirable(files: dict[str, int], slug: str) -> bool:
    return any(edition.path(slug) in files for edition in EDITIONS.values() if edition.catalogued)


def _links(feed: _Feed, entry, slug: str, files: dict[str, int], t) -> None:
    cover, thumbnail = cover_name(files)
    if cover:
        feed.link(entry, "http://opds-spec.org/image", f"{slug}/{cover}",
                  "image/jpeg" if cover.endswith(".jpg") else "image/png")
    if thumbnail:
        feed.link(entry, "http://opds-spec.org/image/thumbnail", f"{slug}/{thumbnail}", "image/jpeg")
    feed.link(entry, "alternate", f"{slug}/index.html", "text/html")
    for download in downloads(files, slug, Place(slug, None), t):
        if download.fmt in EDITIONS and EDITIONS[download.fmt].catalogued:
            feed.link(entry, OPEN_ACCESS, f"{slug}/{download.name}", download.media_type, download.label,
                      download.size)


def _uuid(publication: Publication, name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, (publication.base_url or 'imprint:') + name)}"


def _date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
