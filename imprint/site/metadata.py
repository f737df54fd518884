"""What a landing page tells machines: Highwire Press `citation_*` meta tags (read by
Google Scholar and Zotero), Dublin Core meta tags, and schema.org JSON-LD.

Each function returns data, not markup: the templates write it out, escaped. Only
what the metadata states is said; an unknown field is left out. URLs are absolute
when the publication has a base URL, else relative to the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..prepare.article import Manuscript
from ..source.model import dcterms_values


@dataclass(frozen=True)
class Download:
    """A file of the landing page's folder, offered for download."""

    fmt: str  # the format's name (epub, pdf, ...)
    name: str  # the file's name in the folder
    label: str  # what the page calls it
    media_type: str
    size: int  # bytes
    url: str  # for machines: absolute with a base URL, else relative to the page

    @property
    def size_text(self) -> str:
        """For JSON-LD's contentSize (pages show sizes in their own language)."""
        if self.size < 1000:
            return f"{self.size} B"
        if self.size < 1_000_000:
            return f"{self.size / 1000:.0f} kB"
        return f"{self.size / 1_000_000:.1f} MB"


def highwire_tags(manuscript: Manuscript, downloads: list[Download], page_url: str | None) -> list[tuple[str, str]]:
    """Highwire Press tags, in the order Google Scholar's inclusion guidelines list
    them: each citation_author followed by that author's institution and ORCID."""
    article = manuscript.article
    c = article.citation
    tags = [("citation_title", manuscript.full_title)]
    for author in article.authors:
        tags.append(("citation_author", author.name.sort_as))
        tags += [("citation_author_institution", a.display) for a in author.affiliations]
        if author.orcid:
            tags.append(("citation_author_orcid", author.orcid_url))
        if author.email and author.corresponding:
            tags.append(("citation_author_email", author.email))
    if article.date:
        # Scholar reads YYYY/MM/DD, or the year alone (not a year and month).
        date = article.date
        tags.append(("citation_publication_date", date.iso().replace("-", "/") if date.day else str(date.year)))
    optional = [
        ("citation_journal_title", c.container_title),
        ("citation_publisher", c.publisher),
        ("citation_issn", c.issn),
        ("citation_volume", c.volume),
        ("citation_issue", c.issue),
        ("citation_firstpage", c.first_page),
        ("citation_lastpage", c.last_page),
        ("citation_doi", article.doi),
        ("citation_language", article.lang),
    ]
    tags += [(name, str(value)) for name, value in optional if value]
    keywords = article.keywords + (manuscript.translation.keywords if manuscript.translation else ())
    if keywords:
        tags.append(("citation_keywords", "; ".join(keywords)))
    if manuscript.abstract_text:
        tags.append(("citation_abstract", manuscript.abstract_text))
    if page_url:
        tags.append(("citation_abstract_html_url", page_url))
    for download in downloads:
        if download.fmt == "pdf":
            tags.append(("citation_pdf_url", download.url))
    if article.license and article.license.url:
        tags.append(("citation_license", article.license.url))
    return tags


def dublin_core_tags(manuscript: Manuscript) -> list[tuple[str, str]]:
    """Dublin Core in HTML meta tags (DCMI's "DC.element" convention), and the DCMI
    terms front matter fields declare (source/model.py, `dcterms=`) as "DCTERMS.term"."""
    article = manuscript.article
    c = article.citation
    tags = [("DC.title", manuscript.full_title)]
    if manuscript.translation and manuscript.translation.title_text:
        tags.append(("DC.title.alternative", manuscript.translation.title_text))
    tags += [("DC.creator", a.name.sort_as) for a in article.authors]
    if article.date:
        tags.append(("DC.date", article.date.iso()))
    tags.append(("DC.type", "Text"))
    tags.append(("DC.format", "text/html"))
    if article.doi:
        tags.append(("DC.identifier", f"doi:{article.doi}"))
    tags.append(("DC.language", article.lang))
    if c.publisher:
        tags.append(("DC.publisher", c.publisher))
    if article.license:
        tags.append(("DC.rights", article.license.url or article.license.text))
    tags += [("DC.subject", k) for k in article.keywords]
    if manuscript.abstract_text:
        tags.append(("DC.description", manuscript.abstract_text))
    number = f"{c.volume}({c.issue})" if c.volume and c.issue else c.volume or (f"({c.issue})" if c.issue else None)
    source = ", ".join(p for p in (c.container_title, number, c.page) if p)
    if source:
        tags.append(("DC.source", source))
    tags += [(f"DCTERMS.{term}", value) for term, value in dcterms_values(article)]
    return tags


def scholarly_article(manuscript: Manuscript, downloads: list[Download], page_url: str | None,
                      image_url: str | None) -> dict[str, Any]:
    """schema.org ScholarlyArticle, nested in its issue, volume and journal."""
    article = manuscript.article
    c = article.citation
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "ScholarlyArticle"}
    if article.doi_url or page_url:
        data["@id"] = article.doi_url or page_url
    data["headline"] = manuscript.title_text
    data["name"] = manuscript.full_title
    if manuscript.subtitle_text:
        data["alternativeHeadline"] = manuscript.subtitle_text
    if article.authors:
        data["author"] = [_person(a) for a in article.authors]
    if article.date:
        data["datePublished"] = article.date.iso()
    data["inLanguage"] = article.lang
    if article.keywords:
        data["keywords"] = list(article.keywords)
    if manuscript.abstract_text:
        data["abstract"] = manuscript.abstract_text
    if article.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": article.doi}
        data["sameAs"] = article.doi_url
    if c.first_page:
        data["pageStart"] = c.first_page
    if c.last_page:
        data["pageEnd"] = c.last_page
    if c.page:
        data["pagination"] = c.page
    part_of = _periodical(c)
    if part_of:
        data["isPartOf"] = part_of
    if c.publisher:
        data["publisher"] = {"@type": "Organization", "name": c.publisher}
    if article.license and article.license.url:
        data["license"] = article.license.url
    if page_url:
        data["url"] = page_url
    if image_url:
        data["image"] = image_url
    if downloads:
        data["encoding"] = [{"@type": "MediaObject", "contentUrl": d.url, "encodingFormat": d.media_type,
                             "contentSize": d.size_text} for d in downloads]
    data["isAccessibleForFree"] = True
    return data


def _person(author) -> dict[str, Any]:
    person: dict[str, Any] = {"@type": "Person", "name": author.name.display}
    if author.name.given:
        person["givenName"] = author.name.given
    if author.name.family:
        person["familyName"] = author.name.family_full
    if author.orcid:
        person["identifier"] = author.orcid_url
        person["sameAs"] = author.orcid_url
    if author.affiliations:
        person["affiliation"] = [{"@type": "Organization", "name": a.display} for a in author.affiliations]
    return person


def _periodical(c) -> dict[str, Any] | None:
    """The issue in its volume in its journal, as far as they are known."""
    if not c.container_title:
        return None
    node: dict[str, Any] = {"@type": "Periodical", "name": c.container_title}
    if c.issn:
        node["issn"] = c.issn
    if c.volume:
        node = {"@type": "PublicationVolume", "volumeNumber": str(c.volume), "isPartOf": node}
    if c.issue:
        node = {"@type": "PublicationIssue", "issueNumber": str(c.issue), "isPartOf": node}
    return node


def json_ld(data: dict[str, Any]) -> Markup:
    """JSON for a <script type="application/ld+json">: nothing in it can end the
    script element or open a comment (user text is in it)."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=False)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))
