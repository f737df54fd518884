"""The download site: a landing page per article and per issue, an index of them
all, and the OPDS catalogue (opds.py), all in dist/ beside the editions.

Pages are rendered from styles/templates/site/ with styles/css/site.css. Links
between pages are relative (index.html named, never a bare folder), so dist/
works from any static host and opened from disk; the URLs machines read
(Highwire tags, JSON-LD, OPDS) are absolute when the publication has a base URL.
A landing page lists the editions present in its folder after the build, with
their sizes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from markupsafe import Markup

from ..citation import format_reference
from ..config import FORMATS, Settings
from ..errors import Problem, StyleError
from ..manuscript import Manuscript
from ..model import Publication
from ..pagination import IssueManuscript
from ..render import Theme
from .site_metadata import Download, dublin_core_tags, highwire_tags, json_ld, scholarly_article

STYLESHEET = "site.css"
# What a landing page offers under "Cite as" after the article's own style.
DEFAULT_CITE_AS = ("apa", "chicago-author-date", "modern-language-association", "gost-r-7-0-5-2008")
CSL_NS = "{http://purl.org/net/xbiblio/csl}"


@dataclass(frozen=True)
class Place:
    """Where a page is in dist/, and how it names other files."""

    folder: str  # "" for the index, "<slug>" for a landing page
    base_url: str | None

    def link(self, path: str) -> str:
        """A link for people (relative: works on any host and from disk)."""
        return "../" * (1 if self.folder else 0) + path

    def url(self, path: str) -> str:
        """A URL for machines: absolute when the base URL is known."""
        return f"{self.base_url.rstrip('/')}/{path}" if self.base_url else self.link(path)

    def absolute(self, path: str) -> str | None:
        return f"{self.base_url.rstrip('/')}/{path}" if self.base_url else None


@dataclass(frozen=True)
class Citation:
    style: str  # the style's title
    html: Markup
    text: str


def render_site(publication: Publication, articles: list[Manuscript], issues: list[IssueManuscript],
                theme: Theme, settings: Settings, complete: bool) -> dict[str, bytes]:
    """The site's files by their path in dist/: a landing page for each article and
    issue built, the stylesheet, and (when `complete`) the index and the catalogue."""
    files: dict[str, bytes] = {STYLESHEET: theme.stylesheet(STYLESHEET)}
    home = _site_name(publication, articles, issues)
    for manuscript in articles:
        slug = manuscript.article.slug
        files[f"{slug}/index.html"] = _article_page(manuscript, publication, home, issues, theme, settings)
    for issue in issues:
        files[f"{issue.issue.slug}/index.html"] = _issue_page(issue, publication, home, theme, settings)
    if complete:
        files["index.html"] = _index_page(publication, home, articles, issues, theme, settings)
        from .opds import render_catalogue
        files.update(render_catalogue(publication, home, articles, issues, theme, settings))
    return files


def downloads(folder: Path, slug: str, place: Place, t) -> list[Download]:
    """The editions and citation files in `folder` (dist/<slug>/), in the table's order."""
    found = []
    for fmt, spec in FORMATS.items():
        if fmt == "site":
            continue
        names = [(spec.path(slug), t[f"file_{fmt}"])]
        if spec.printed:
            names.append((spec.path(slug, booklet=True), f"{t[f'file_{fmt}']}, {t['booklet']}"))
        for name, label in names:
            path = folder / name
            if path.is_file():
                found.append(Download(fmt if name == spec.path(slug) else f"{fmt}-booklet", name, label,
                                      spec.media_type, path.stat().st_size, place.url(f"{slug}/{name}")))
    return found


def cover_name(folder: Path) -> tuple[str | None, str | None]:
    """The cover and thumbnail files in the folder, if the build made them."""
    cover = next((n for n in ("cover.jpg", "cover.png") if (folder / n).is_file()), None)
    thumbnail = "cover-thumbnail.jpg" if (folder / "cover-thumbnail.jpg").is_file() else None
    return cover, thumbnail


def _article_page(manuscript: Manuscript, publication: Publication, home: str, issues: list[IssueManuscript],
                  theme: Theme, settings: Settings) -> bytes:
    article = manuscript.article
    place = Place(article.slug, article.base_url)
    folder = settings.dist_dir / article.slug
    files = downloads(folder, article.slug, place, manuscript.t)
    cover, thumbnail = cover_name(folder)
    page_url = place.absolute(f"{article.slug}/index.html")
    image_url = place.url(f"{article.slug}/{cover}") if cover else None
    issue = next((i for i in issues if i.issue.slug == article.issue), None)
    html = theme.render(
        "site/article.html.j2",
        doc=manuscript, t=manuscript.t, lang=article.lang, home=home, place=place, downloads=files,
        cover=cover, thumbnail=thumbnail, issue=issue,
        page_url=page_url,
        highwire=highwire_tags(manuscript, files, page_url),
        dublin_core=dublin_core_tags(manuscript),
        json_ld=json_ld(scholarly_article(manuscript, files, page_url, image_url)),
        citations=_cite_as(manuscript, publication, theme),
        stylesheet=place.link(STYLESHEET),
    )
    return html.encode()


def _issue_page(issue: IssueManuscript, publication: Publication, home: str, theme: Theme,
                settings: Settings) -> bytes:
    place = Place(issue.issue.slug, issue.issue.base_url)
    folder = settings.dist_dir / issue.issue.slug
    files = downloads(folder, issue.issue.slug, place, issue.t)
    cover, thumbnail = cover_name(folder)
    page_url = place.absolute(f"{issue.issue.slug}/index.html")
    data = _issue_json_ld(issue, place, page_url, cover)
    html = theme.render(
        "site/issue.html.j2",
        issue=issue, t=issue.t, lang=issue.lang, home=home, place=place, downloads=files, cover=cover,
        thumbnail=thumbnail, page_url=page_url, json_ld=json_ld(data), stylesheet=place.link(STYLESHEET),
    )
    return html.encode()


def _index_page(publication: Publication, home: str, articles: list[Manuscript], issues: list[IssueManuscript],
                theme: Theme, settings: Settings) -> bytes:
    lang = publication.lang or (articles[0].article.lang if articles else "en")
    t = theme.strings(lang)
    place = Place("", publication.base_url)
    ordered = sorted(articles, key=lambda m: (-(m.article.date.year if m.article.date else 0),
                                              m.article.issue or "", m.article.folio, m.title_text))
    listed_issues = sorted(issues, key=lambda i: (-(i.issue.date.year if i.issue.date else 0), i.issue.slug))
    html = theme.render(
        "site/index.html.j2",
        t=t, lang=lang, home=home, publication=publication, place=place, articles=ordered, issues=listed_issues,
        thumbnails={m.article.slug: cover_name(settings.dist_dir / m.article.slug)[1] for m in articles}
        | {i.issue.slug: cover_name(settings.dist_dir / i.issue.slug)[1] for i in issues},
        page_url=place.absolute("index.html"),
        stylesheet=place.link(STYLESHEET),
    )
    return html.encode()


def _site_name(publication: Publication, articles: list[Manuscript], issues: list[IssueManuscript]) -> str:
    if publication.title:
        return publication.title
    journals = [m.article.citation.container_title for m in articles] + [i.journal for i in issues]
    return next((j for j in journals if j), "Imprint")


def _cite_as(manuscript: Manuscript, publication: Publication, theme: Theme) -> list[Citation]:
    """The article's reference in its own style, then in each style the publication offers."""
    article = manuscript.article
    names = list(dict.fromkeys((article.csl,) + (publication.cite_as or DEFAULT_CITE_AS)))
    record = {**manuscript.record, "id": article.slug}
    found = []
    for name in names:
        try:
            path = theme.csl_style(name)
            html, text = format_reference(record, path, article.lang)
        except StyleError as error:
            raise StyleError([Problem(publication.file or "source/publication.yaml",
                                      f"cite-as style '{name}': {p.message}", field="cite-as", hint=p.hint)
                              for p in error.problems]) from None
        found.append(Citation(_style_title(path) or name, html, text))
    return found


def _style_title(path: Path) -> str | None:
    try:
        for _, element in ElementTree.iterparse(path, events=("end",)):
            if element.tag == f"{CSL_NS}title":
                return (element.text or "").strip() or None
    except ElementTree.ParseError:
        return None
    return None


def _issue_json_ld(issue: IssueManuscript, place: Place, page_url: str | None, cover: str | None) -> dict:
    c = issue.issue.citation
    data: dict = {"@context": "https://schema.org", "@type": "PublicationIssue"}
    if issue.issue.doi_url or page_url:
        data["@id"] = issue.issue.doi_url or page_url
    if c.issue:
        data["issueNumber"] = str(c.issue)
    data["name"] = issue.name
    if issue.issue.date:
        data["datePublished"] = issue.issue.date.iso()
    data["inLanguage"] = issue.lang
    first, last = issue.pages_of(issue.articles[0])[0], issue.pages_of(issue.articles[-1])[1]
    data["pageStart"], data["pageEnd"] = str(first), str(last)
    if c.container_title:
        journal: dict = {"@type": "Periodical", "name": c.container_title}
        if c.issn:
            journal["issn"] = c.issn
        data["isPartOf"] = ({"@type": "PublicationVolume", "volumeNumber": str(c.volume), "isPartOf": journal}
                            if c.volume else journal)
    if cover:
        data["image"] = place.url(f"{issue.issue.slug}/{cover}")
    data["hasPart"] = [{"@type": "ScholarlyArticle", "name": m.full_title,
                        "url": place.url(f"{m.article.slug}/index.html"),
                        "pagination": m.article.citation.page} | ({"sameAs": m.article.doi_url}
                                                                   if m.article.doi else {})
                       for m in issue.articles]
    return data
