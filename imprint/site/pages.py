"""The download site: a landing page per article and per issue, an index of them
all, and the OPDS catalogue (opds.py), all in dist/ beside the editions.

Pages are rendered from styles/templates/site/ with styles/css/site.css. Links
between pages are relative (index.html named, never a bare folder), so dist/
works from any static host and opened from disk; the URLs machines read
(Highwire tags, JSON-LD, OPDS) are absolute when the publication has a base URL,
a page's its folder's (address.py).
A landing page lists the editions present in its folder after the build, with
their sizes.
"""

from __future__ import annotations

import re
from contextlib import suppress
from dataclasses import dataclass, replace
from pathlib import Path
from xml.etree import ElementTree

from markupsafe import Markup

from ..settings import Settings
from ..editions import EDITIONS
from ..body.csl import CSL
from ..body.pandoc import cache_in, deadline_in
from ..body.reader import Field, render_fields
from ..body.references import format_references
from ..errors import Problem, StyleError
from ..prepare.article import Manuscript
from ..source.model import Publication
from ..prepare.issue import IssueManuscript
from .address import published
from .listing import ArticleListing, IssueListing
from ..theme import Theme
from .metadata import (Download, context_object, dublin_core_tags, highwire_tags, json_ld, periodical, present,
                       scholarly_article)

STYLESHEET = "site.css"
# What a landing page offers under "Cite as" after the article's own style.
DEFAULT_CITE_AS = ("apa", "chicago-author-date", "modern-language-association", "gost-r-7-0-5-2008")


@dataclass(frozen=True)
class Place:
    """Where a page is in dist/, and how it names other files."""

    folder: str  # "" for the index, "<slug>" for a landing page, "opds/issues" for a feed
    base_url: str | None

    def link(self, path: str) -> str:
        """A link for people (relative: works on any host and from disk); a file of the
        page's own folder by its name (a landing page's citation_pdf_url was
        '../<slug>/<slug>.pdf' without a base URL: QA 25 Z9)."""
        if self.folder and path.startswith(self.folder + "/"):
            return path[len(self.folder) + 1:]
        return "../" * (self.folder.count("/") + 1 if self.folder else 0) + path

    def url(self, path: str) -> str:
        """A URL for machines: absolute when the base URL is known (a page's by its
        folder: address.published)."""
        return published(self.base_url, path) if self.base_url else self.link(path)

    def absolute(self, path: str) -> str | None:
        return published(self.base_url, path) if self.base_url else None


@dataclass(frozen=True)
class Citation:
    style: str  # the style's title
    html: Markup
    text: str
    lang: str | None = None  # when not the article's: a translated article's line in its second language
    language: str | None = None  # that language's own name ("English"), where its words give one


@dataclass(frozen=True)
class SiteContent:
    """What the site's index and catalogue list: every article and issue, by its
    listing (made by this build, or kept in the manifest from an earlier one)."""

    publication: Publication
    articles: list[ArticleListing]
    issues: list[IssueListing]
    complete: bool  # every article is listed: the index and the catalogue can be made

    def acquirable(self) -> bool:
        """Whether an e-reader app could download anything: the catalogue's purpose."""
        return any(offers_catalogue(item.files) for item in [*self.articles, *self.issues])

    @property
    def lang(self) -> str:
        if self.publication.lang:
            return self.publication.lang
        return self.articles[0].lang if self.articles else "en"

    def notes(self, settings: Settings) -> list[str]:
        found = []
        if not self.complete:
            found.append("the site's index and OPDS catalogue were not rebuilt: they list every article, "
                         "so they are made when every article builds")
        elif not self.acquirable():
            found.append("no OPDS catalogue was made: this build made no EPUB or PDF to offer in it")
        if not self.publication.base_url:
            found.append("base-url is not set in the publication file: the landing pages give relative URLs, "
                         "which Google Scholar does not accept")
        if self.complete:
            known = {a.slug for a in self.articles} | {i.slug for i in self.issues} | {"opds", ".imprint"}
            stale = sorted(p.name for p in settings.dist_dir.iterdir() if p.is_dir() and p.name not in known)
            if stale:
                found.append(f"dist/ holds folders of no article or issue in source/: {', '.join(stale)} "
                             "(delete them before publishing dist/)")
        return found


def render_site(content: SiteContent, theme: Theme, settings: Settings) -> dict[str, bytes]:
    """The files of the site as a whole, by their path in dist/: the stylesheet and
    (when complete) the index and the catalogue. Landing pages are their article's."""
    files: dict[str, bytes] = {STYLESHEET: theme.stylesheet(STYLESHEET)}
    if content.complete:
        home = site_name(content.publication, theme, content.lang)
        files["index.html"] = _index_page(content, home, theme, settings)
        if content.acquirable():
            from .opds import render_catalogue
            files.update(render_catalogue(content, home, theme))
    return files


def offers_catalogue(files) -> bool:
    """Whether these files (an article's or issue's folder) hold an edition the OPDS
    catalogue offers. Every article of a build has the same editions, so a landing
    page knows from its own files whether the build makes the catalogue, and links
    it only then (a build of `-f json,site` makes none)."""
    return any(name.endswith((".epub", ".pdf")) for name in files)


def site_name(publication: Publication, theme: Theme, lang: str, journal: str | None = None) -> str:
    """The publication's title, else its journal's name, else the words for the index."""
    return publication.title or journal or str(theme.strings(lang)["site_home"])


def downloads(files: dict[str, int], slug: str, place: Place, t) -> list[Download]:
    """The editions and citation files among `files` (dist/<slug>/), in the table's order."""
    found = []
    for fmt, spec in EDITIONS.items():
        names = [(fmt, spec.path(slug), t[f"file_{fmt}"])] if spec.offered else []
        if spec.printed:
            names.append((f"{fmt}-booklet", spec.path(slug, booklet=True), f"{t[f'file_{fmt}']}, {t['booklet']}"))
        for kind, name, label in names:
            if name in files:
                found.append(Download(kind, name, label, spec.media_type, files[name], place.url(f"{slug}/{name}")))
    return found


def for_print_shop(download: Download) -> bool:
    """A booklet: imposed for folding, for a print shop rather than a reader."""
    return download.fmt.endswith("-booklet")


def cover_name(files: dict[str, int]) -> tuple[str | None, str | None]:
    """The cover and thumbnail among the files, if the build made them."""
    cover = next((n for n in ("cover.jpg", "cover.png") if n in files), None)
    return cover, "cover-thumbnail.jpg" if "cover-thumbnail.jpg" in files else None


def render_landing(manuscript: Manuscript, files: dict[str, int], issue: IssueListing | None,
                   publication: Publication, theme: Theme) -> bytes:
    """An article's landing page, listing `files` (name in its folder -> size)."""
    article = manuscript.article
    place = Place(article.slug, article.base_url)
    found = downloads(files, article.slug, place, manuscript.t)
    cover, thumbnail = cover_name(files)
    page_url = place.absolute(f"{article.slug}/index.html")
    image_url = place.url(f"{article.slug}/{cover}") if cover else None
    html = theme.render(
        "site/article.html.j2",
        doc=manuscript, t=manuscript.t, lang=article.lang, place=place,
        downloads=[d for d in found if not for_print_shop(d)], print_shop=[d for d in found if for_print_shop(d)],
        home=site_name(publication, theme, article.lang, article.citation.container_title),
        cover=cover, thumbnail=thumbnail, issue=issue,
        page_url=page_url,
        highwire=highwire_tags(manuscript, found, page_url),
        dublin_core=dublin_core_tags(manuscript),
        json_ld=json_ld(scholarly_article(manuscript, found, page_url, image_url)),
        citations=_cite_as(manuscript, publication, theme),
        stylesheet=place.link(STYLESHEET), catalogue=offers_catalogue(files),
    )
    return loading_nothing(without_dangling_links(html), "site/article.html.j2", theme, place,
                           _held(article.slug, files)).encode()


# A citation's link to its reference list entry, as body/html.py writes it.
_CITATION_LINK = re.compile(r'<a((?: id="[^"]*")?(?: class="citation[^"]*")?) href="#(ref-[^"]*)">(.*?)</a>', re.S)


def loading_nothing(html: str, template: str, theme: Theme, place: Place, held: set[str]) -> str:
    """The page, checked to load nothing from the network (a project's template
    showing a logo from a web address): what a build publishes fetches nothing;
    and nothing the site does not hold (`held`: paths in dist/), which the site's
    reader would see as a broken picture and only `check` told (F20: a template's
    `<img src="logo.png">`)."""
    from urllib.parse import unquote, urljoin, urlsplit

    from lxml import html as parser

    from ..theme.loads import unheld

    page = f"{place.folder}/index.html" if place.folder else "index.html"
    problems = unheld(parser.fromstring(html), theme, template,
                      lambda url: unquote(urlsplit(urljoin(page, url)).path) in held,
                      ("loads it from the network: what Imprint publishes must not",
                       f"names a file the site does not hold ({page})"),
                      hints=("put the file in styles/ (a landing page's images: as a data: URL) or leave it out",
                             "show a picture of styles/images/ as {{ image(\"logo.png\") }} (a data: URL, which "
                             "every page holds), or leave it out"))
    if problems:
        raise StyleError(problems)
    return html


def _held(folder: str, files) -> set[str]:
    """The paths in dist/ a page of the site may load: the site's stylesheet and
    the files of a folder (an article's or issue's: its cover, its thumbnail)."""
    return {STYLESHEET, *(f"{folder}/{name}" for name in files)}


def without_dangling_links(html: str) -> str:
    """The page with each citation's link to a reference list entry it does not
    have (the abstract may cite: the editions have the list, the landing page
    not) made the citation's text, in a span of its class, for `styles/` to
    style. The designer's own links are left as they are: `check` tells of one
    that leads nowhere."""
    ids = set(re.findall(r"""\sid=["']([^"']*)["']""", html))
    return _CITATION_LINK.sub(lambda m: m.group() if m.group(2) in ids else f"<span{m.group(1)}>{m.group(3)}</span>",
                              html)


def render_issue_landing(issue: IssueManuscript, files: dict[str, int], publication: Publication,
                         theme: Theme) -> bytes:
    place = Place(issue.issue.slug, issue.issue.base_url)
    found = downloads(files, issue.issue.slug, place, issue.t)
    cover, thumbnail = cover_name(files)
    page_url = place.absolute(f"{issue.issue.slug}/index.html")
    data = _issue_json_ld(issue, place, page_url, cover)
    html = theme.render(
        "site/issue.html.j2",
        issue=issue, t=issue.t, lang=issue.lang, home=site_name(publication, theme, issue.lang, issue.journal),
        place=place, downloads=[d for d in found if not for_print_shop(d)],
        print_shop=[d for d in found if for_print_shop(d)],
        cover=cover, thumbnail=thumbnail, page_url=page_url, json_ld=json_ld(data),
        coins={m.article.slug: context_object(m) for m in issue.articles},
        stylesheet=place.link(STYLESHEET), catalogue=offers_catalogue(files),
    )
    return loading_nothing(html, "site/issue.html.j2", theme, place, _held(issue.issue.slug, files)).encode()


def _index_page(content: SiteContent, home: str, theme: Theme, settings: Settings) -> bytes:
    publication = content.publication
    lang = content.lang
    t = theme.strings(lang)
    place = Place("", publication.base_url)
    articles = sorted(content.articles, key=lambda a: (-(a.year or 0), _natural(a.issue or ""), a.folio,
                                                       a.full_title))
    issues = sorted(content.issues, key=lambda i: (-(i.year or 0), _natural(i.volume or ""),
                                                   _natural(i.issue_number or ""), _natural(i.slug)))
    description = None
    if publication.description:
        file = publication.file or "source/publication.yaml"
        line = publication.where.get("description", (file, None))[1]
        description = render_fields([Field("description", publication.description, False, line)], file=file,
                                    lang=lang, words=t, root=settings.root,
                                    deadline=deadline_in(settings.time_limit))["description"]
    html = theme.render(
        "site/index.html.j2",
        t=t, lang=lang, home=home, publication=publication, description=description, place=place,
        articles=articles, issues=issues, words={a.lang: theme.strings(a.lang) for a in articles},
        thumbnails={item.slug: cover_name(item.files)[1] for item in [*articles, *issues]},
        page_url=place.absolute("index.html"),
        stylesheet=place.link(STYLESHEET), catalogue=content.acquirable(),
    )
    held = {name for item in [*articles, *issues] for name in _held(item.slug, item.files)}
    return loading_nothing(html, "site/index.html.j2", theme, place, held).encode()


def _natural(text: str) -> tuple:
    """Sorts "2" before "10"."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", str(text)))


def cite_as_styles(publication: Publication, theme: Theme) -> list[Problem]:
    """Every style `cite-as` names must exist: checked before anything is written."""
    problems = []
    for index, name in enumerate(publication.cite_as):
        try:
            theme.csl_style(name)
        except StyleError as error:
            file, line = publication.where.get(f"cite-as[{index}]", (publication.file, None))
            problems += [Problem(file or "source/publication.yaml", f"citation style '{name}': {p.message}",
                                 line=line, field=f"cite-as[{index}]", hint=p.hint) for p in error.problems]
    return problems


def _cite_as(manuscript: Manuscript, publication: Publication, theme: Theme) -> list[Citation]:
    """The article's reference in its own style, then in each style the publication offers."""
    article = manuscript.article
    record = {**manuscript.record, "id": article.slug}
    names = list(dict.fromkeys((article.csl,) + (publication.cite_as or DEFAULT_CITE_AS)))
    paths = [theme.csl_style(name) for name in names]  # checked beforehand (cite_as_styles)
    formatted = format_references([record], paths, article.lang, file=article.file, deadline=deadline_in(60),
                                  quotes=str(manuscript.t["quotes"]),  # (one record: well under a second)
                                  cache=cache_in(theme.root), known=manuscript.lines_ahead)
    found = [Citation(_style_title(path) or name, *entries[0]) for name, path, entries in zip(names, paths, formatted)]
    translation = manuscript.translation
    if translation is not None and translation.reference is not None:
        # A bilingual article is cited in both languages, as its front matter prints it.
        found.insert(1, Citation(found[0].style, translation.reference, translation.reference_text or "",
                                 translation.lang, translation.t.get("language_name")))
    return found


def _style_title(path: Path) -> str | None:
    # The path comes from Theme.csl_style, which has checked that it may be read.
    with suppress(ElementTree.ParseError):
        for _, element in ElementTree.iterparse(path, events=("end",)):
            if element.tag == f"{CSL}title":  # (without a stress mark over a Cyrillic vowel: "Ру́сский")
                return re.sub("(?<=[\u0400-\u04ff])\u0301", "", element.text or "").strip() or None
    return None


def _issue_json_ld(issue: IssueManuscript, place: Place, page_url: str | None, cover: str | None) -> dict:
    c = issue.issue.citation
    data: dict = {
        "@context": "https://schema.org", "@type": "PublicationIssue",
        **present({"@id": issue.issue.doi_url or page_url, "issueNumber": c.issue and str(c.issue)}),
        "name": issue.name, **present({"datePublished": issue.issue.date.iso() if issue.issue.date else None}),
        "inLanguage": issue.lang}
    first, last = issue.pages_of(issue.articles[0])[0], issue.pages_of(issue.articles[-1])[1]
    data["pageStart"], data["pageEnd"] = str(first), str(last)
    data.update(present({"isPartOf": periodical(replace(c, issue=None)),  # (the issue is the page's own node)
                         "image": place.url(f"{issue.issue.slug}/{cover}") if cover else None}))
    data["hasPart"] = [{"@type": "ScholarlyArticle", "name": m.full_title,
                        "url": place.url(f"{m.article.slug}/index.html"),
                        "pagination": m.article.citation.page} | ({"sameAs": m.article.doi_url}
                                                                   if m.article.doi else {})
                       for m in issue.articles]
    return data
