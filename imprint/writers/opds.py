"""The OPDS catalogue (OPDS Catalog 1.2, Atom), so that e-reader apps can browse
and download: dist/opds/index.xml is the root, a navigation feed to an
acquisition feed of every article (opds/articles.xml) and one per issue
(opds/issues/<issue>.xml, the whole issue first, then its articles).

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

from ..config import FORMATS
from ..manuscript import Manuscript
from ..model import Publication
from ..issue_manuscript import IssueManuscript
from ..render import Theme
from .site import Place, SiteContent, cover_name, downloads, site_lang

ATOM = "http://www.w3.org/2005/Atom"
DCTERMS = "http://purl.org/dc/terms/"
OPDS = "http://opds-spec.org/2010/catalog"
NSMAP = {None: ATOM, "dcterms": DCTERMS, "opds": OPDS}
NAVIGATION = "application/atom+xml;profile=opds-catalog;kind=navigation"
ACQUISITION = "application/atom+xml;profile=opds-catalog;kind=acquisition"
OPEN_ACCESS = "http://opds-spec.org/acquisition/open-access"
# The editions an e-reader app can open; citation files are for reference managers.
ACQUIRED = ("epub", "pdf", "handout", "archive")


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
        element = etree.SubElement(parent, f"{{{ATOM}}}link", rel=rel, href=self._href(path), type=media_type)
        if title:
            element.set("title", title)
        if length is not None:
            element.set("length", str(length))
        return element

    def _href(self, path: str) -> str:
        return self.place.url(path)

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
    lang = site_lang(content)
    t = theme.strings(lang)
    latest = max([m.modified for m in articles] + [i.modified for i in issues])
    files = {}

    root = _Feed("index.xml", site_name, NAVIGATION, latest, lang, publication, site_name)
    entry = root.entry(_uuid(publication, "opds/articles.xml"), t["all_articles"], latest)
    root.add(entry, "content", t["all_articles"]).set("type", "text")
    root.link(entry, "subsection", "opds/articles.xml", ACQUISITION, t["all_articles"])
    for issue in issues:
        name = f"issues/{issue.issue.slug}.xml"
        entry = root.entry(_uuid(publication, f"opds/{name}"), issue.name, issue.modified)
        root.add(entry, "content", issue.name).set("type", "text")
        root.link(entry, "subsection", f"opds/{name}", ACQUISITION, issue.name)
    files["opds/index.xml"] = root.bytes()

    feed = _Feed("articles.xml", f"{site_name}: {t['all_articles']}", ACQUISITION, latest, lang, publication,
                 site_name)
    for manuscript in sorted(articles, key=lambda m: (-m.modified.timestamp(), m.article.slug)):
        _article_entry(feed, manuscript, content)
    files["opds/articles.xml"] = feed.bytes()

    for issue in issues:
        name = f"issues/{issue.issue.slug}.xml"
        feed = _Feed(name, issue.name, ACQUISITION, issue.modified, issue.lang, publication, site_name)
        _issue_entry(feed, issue, content)
        for manuscript in issue.articles:
            _article_entry(feed, manuscript, content)
        files[f"opds/{name}"] = feed.bytes()
    return files


def _article_entry(feed: _Feed, manuscript: Manuscript, content: SiteContent) -> None:
    """An entry for an article (none for one this build made nothing to download of)."""
    article = manuscript.article
    if not _acquirable(content.files(article.slug), article.slug):
        return
    entry = feed.entry(manuscript.identifier, manuscript.full_title, manuscript.modified)
    for author in article.authors:
        person = feed.add(entry, "author")
        feed.add(person, "name", author.name.display)
        if author.orcid_url:
            feed.add(person, "uri", author.orcid_url)
    if article.date:
        feed.add(entry, "published", _date(article.date.to_datetime()))
    feed.add(entry, "language", article.lang, DCTERMS)
    if article.date:
        feed.add(entry, "issued", article.date.iso(), DCTERMS)
    if article.doi:
        feed.add(entry, "identifier", f"urn:doi:{article.doi}", DCTERMS)
    c = article.citation
    if c.publisher:
        feed.add(entry, "publisher", c.publisher, DCTERMS)
    if c.container_title:
        feed.add(entry, "isPartOf", c.container_title, DCTERMS)
    if c.issn:
        feed.add(entry, "identifier", f"urn:issn:{c.issn}", DCTERMS)
    for keyword in article.keywords:
        feed.add(entry, "category").set("term", keyword)
    if article.license:
        feed.add(entry, "rights", article.license.text or article.license.url)
    if manuscript.abstract_text:
        feed.add(entry, "summary", manuscript.abstract_text).set("type", "text")
    feed.add(entry, "content", manuscript.reference_text).set("type", "text")
    _links(feed, entry, article.slug, content, manuscript.t)


def _issue_entry(feed: _Feed, issue: IssueManuscript, content: SiteContent) -> None:
    if not _acquirable(content.files(issue.issue.slug), issue.issue.slug):
        return
    entry = feed.entry(issue.identifier, issue.name, issue.modified)
    for name in issue.issue.editors:
        person = feed.add(entry, "contributor")
        feed.add(person, "name", name.display)
    if issue.issue.date:
        feed.add(entry, "published", _date(issue.issue.date.to_datetime()))
    feed.add(entry, "language", issue.lang, DCTERMS)
    if issue.issue.doi:
        feed.add(entry, "identifier", f"urn:doi:{issue.issue.doi}", DCTERMS)
    c = issue.issue.citation
    if c.publisher:
        feed.add(entry, "publisher", c.publisher, DCTERMS)
    contents = "; ".join(f"{m.running_authors}: {m.full_title}" if m.article.authors else m.full_title
                         for m in issue.articles)
    feed.add(entry, "content", contents).set("type", "text")
    _links(feed, entry, issue.issue.slug, content, issue.t)


def _acquirable(files: dict[str, int], slug: str) -> bool:
    return any(FORMATS[fmt].path(slug) in files for fmt in ACQUIRED)


def _links(feed: _Feed, entry, slug: str, content: SiteContent, t) -> None:
    files = content.files(slug)
    cover, thumbnail = cover_name(files)
    if cover:
        feed.link(entry, "http://opds-spec.org/image", f"{slug}/{cover}",
                  "image/jpeg" if cover.endswith(".jpg") else "image/png")
    if thumbnail:
        feed.link(entry, "http://opds-spec.org/image/thumbnail", f"{slug}/{thumbnail}", "image/jpeg")
    feed.link(entry, "alternate", f"{slug}/index.html", "text/html")
    for download in downloads(files, slug, Place(slug, None), t):
        if download.fmt in ACQUIRED:
            feed.link(entry, OPEN_ACCESS, f"{slug}/{download.name}", download.media_type, download.label,
                      download.size)


def _uuid(publication: Publication, name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, (publication.base_url or 'imprint:') + name)}"


def _date(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")
