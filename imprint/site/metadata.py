"""What a landing page tells machines: Highwire Press `citation_*` meta tags (read by
Google Scholar and Zotero), Dublin Core meta tags, and schema.org JSON-LD; and what
a page listing articles (an issue's, the index) tells them of each: COinS.

Each function returns data, not markup: the templates write it out, escaped. Only
what the metadata states is said; an unknown field is left out. URLs are absolute
when the publication has a base URL, else relative to the page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, NamedTuple
from urllib.parse import quote

from markupsafe import Markup

from ..prepare.article import Manuscript, metadata_text
from .address import published
from ..source.model import dcterms_values
from ..source.record import full_title


class Tag(NamedTuple):
    """A <meta name content> tag; `lang` (written as lang and xml:lang) says the
    language of its content where the page has texts in two."""

    name: str
    content: str
    lang: str | None = None


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


def highwire_tags(manuscript: Manuscript, downloads: list[Download], page_url: str | None) -> list[Tag]:
    """Highwire Press tags, in the order Google Scholar's inclusion guidelines list
    them: each citation_author followed by that author's institution and ORCID.

    A translated article's title in its second language follows the title, marked
    with its language: Zotero (Embedded Metadata) and Scholar take the first
    citation_title, so the alternate never replaces it. Keywords and abstract are
    the article's language's only: a reader files every citation_keywords tag as
    one list of tags, which would mix the languages (the translation's are in the
    Dublin Core tags, each marked with its language)."""
    article = manuscript.article
    c = article.citation
    translation = manuscript.translation
    lang = article.lang if translation else None
    tags = [Tag("citation_title", manuscript.full_title, lang)]
    if translation and translation.title_text:
        tags.append(Tag("citation_title", _translated_title(manuscript), translation.lang))
    for author in article.authors:
        tags.append(Tag("citation_author", author.name.sort_as))
        tags += [Tag("citation_author_institution", a.display) for a in author.affiliations]
        if author.orcid:
            tags.append(Tag("citation_author_orcid", author.orcid_url))
        if author.email and author.corresponding:
            tags.append(Tag("citation_author_email", author.email))
    if article.date:
        # Scholar reads YYYY/MM/DD, or the year alone (not a year and month).
        date = article.date
        tags.append(Tag("citation_publication_date", date.iso().replace("-", "/") if date.day else str(date.year)))
    optional = [
        ("citation_journal_title", c.container_title),
        # (Zotero's Embedded Metadata reads it as the Journal Abbr field, as it
        # reads RIS J2, BibTeX shortjournal and CSL-JSON journalAbbreviation)
        ("citation_journal_abbrev", manuscript.record.get("container-title-short")),
        ("citation_publisher", c.publisher),
        ("citation_issn", c.issn),
        ("citation_volume", c.volume),
        ("citation_issue", c.issue),
        ("citation_firstpage", c.first_page),
        ("citation_lastpage", c.last_page),
        ("citation_doi", article.doi),
        ("citation_language", article.lang),
    ]
    tags += [Tag(name, str(value)) for name, value in optional if value]
    if article.keywords:
        tags.append(Tag("citation_keywords", "; ".join(article.keywords), lang))
    if manuscript.abstract_text:
        tags.append(Tag("citation_abstract", manuscript.abstract_text, lang))
    if page_url:
        tags.append(Tag("citation_abstract_html_url", page_url))
    tags += [Tag("citation_pdf_url", download.url) for download in downloads if download.fmt == "pdf"]
    if article.license and article.license.url:
        tags.append(Tag("citation_license", article.license.url))
    return tags


def context_object(manuscript: Manuscript) -> str | None:
    """The article as an OpenURL ContextObject (Z39.88-2004, key/encoded-value), for
    a COinS span (`<span class="Z3988" title="...">`) where a page lists articles:
    Zotero's COinS translator finds one per article on an issue page or the index
    and offers them in its dialog of several items (those pages gave it nothing:
    QA 25 Z8). The keys Zotero's own COinS export writes for a journal article
    (zotero/utilities openurl.js, createContextObject), read back by its
    parseContextObject; a journal article only (None for another type, which this
    format would misname). Each value percent-encoded: the reader splits on "&" and
    "=" (the template escapes the "&" between them). Zotero's reader makes a space of
    every "+", written as "%2B" too ("C++", a DOI with one: no encoding keeps it; its
    own export has the same limit); the landing page's tags give the true value."""
    article = manuscript.article
    c = article.citation
    if manuscript.record.get("type") != "article-journal":
        return None
    pairs: list[tuple[str, str | None]] = [
        ("url_ver", "Z39.88-2004"), ("ctx_ver", "Z39.88-2004"),
        ("rft_id", f"info:doi/{article.doi}" if article.doi else None),
        ("rft_id", published(article.base_url, f"{article.slug}/index.html") if article.base_url else None),
        ("rft_val_fmt", "info:ofi/fmt:kev:mtx:journal"), ("rft.genre", "article"),
        ("rft.atitle", manuscript.full_title), ("rft.jtitle", c.container_title),
        ("rft.stitle", manuscript.record.get("container-title-short")),
        ("rft.date", article.date.iso() if article.date else None),
        ("rft.volume", c.volume), ("rft.issue", c.issue),
        ("rft.spage", c.first_page), ("rft.epage", c.last_page), ("rft.pages", c.page),
        ("rft.issn", c.issn), ("rft.language", article.lang),
    ]
    # Each name once, in order (Zotero's reader kept a first author given both as its
    # parts and as rft.au twice when its initials were written "J.R.R.", and put an
    # rft.aucorp first wherever it stood: review): the first author as its parts, an
    # institution as aucorp; each other "Family, Given", which the reader splits at the
    # comma (without one it takes the last word for the family name: "García López"
    # would be "López"), an institution "Name," (kept whole; the comma is trimmed).
    names = [author.name for author in article.authors]
    if names and names[0].literal:
        pairs.append(("rft.aucorp", names[0].literal))
    elif names:
        pairs += [("rft.aulast", names[0].family_full),
                  ("rft.aufirst", " ".join(p for p in (names[0].given, names[0].dropping_particle) if p))]
    pairs += [("rft.au", f"{name.literal}," if name.literal else name.sort_as) for name in names[1:]]
    return "&".join(f"{key}={quote(str(value), safe='')}" for key, value in pairs if value)


def _translated_title(manuscript: Manuscript) -> str:
    """The translation's title and subtitle in one line, as the record joins them."""
    translation = manuscript.translation
    return full_title(translation.title_text, metadata_text(translation.subtitle) if translation.subtitle else None)


def dublin_core_tags(manuscript: Manuscript) -> list[Tag]:
    """Dublin Core in HTML meta tags (DCMI's "DC.element" convention), and the DCMI
    terms front matter fields declare (source/model.py, `dcterms=`) as "DCTERMS.term".
    A translated article's title, abstract and keywords are given in both languages,
    each tag marked with its own (lang, xml:lang)."""
    article = manuscript.article
    c = article.citation
    translation = manuscript.translation
    lang = article.lang if translation else None
    other = translation.lang if translation else None
    tags = [Tag("DC.title", manuscript.full_title, lang)]
    if translation and translation.title_text:
        title = _translated_title(manuscript)
        tags += [Tag("DC.title", title, other), Tag("DC.title.alternative", title, other)]
    tags += [Tag("DC.creator", a.name.sort_as) for a in article.authors]
    # (no DC.type: Zotero's RDF import set every "...Type" field of an item, a
    # report's, a letter's, a recording's, to its "Text": QA 25)
    tags += [Tag(name, value) for name, value in (
        ("DC.date", article.date.iso() if article.date else None), ("DC.format", "text/html"),
        ("DC.identifier", f"doi:{article.doi}" if article.doi else None), ("DC.language", article.lang),
        ("DC.publisher", c.publisher)) if value]
    if article.license:
        tags.append(Tag("DC.rights", article.license.url or article.license.text))
    tags += [Tag("DC.subject", k, lang) for k in article.keywords]
    tags += [Tag("DC.subject", k, other) for k in (translation.keywords if translation else ())]
    if manuscript.abstract_text:
        tags.append(Tag("DC.description", manuscript.abstract_text, lang))
    if translation and translation.abstract_text:
        tags.append(Tag("DC.description", translation.abstract_text, other))
    number = f"{c.volume}({c.issue})" if c.volume and c.issue else c.volume or (f"({c.issue})" if c.issue else None)
    source = ", ".join(p for p in (c.container_title, number, c.page) if p)
    if source:
        tags.append(Tag("DC.source", source))
    tags += [Tag(f"DCTERMS.{term}", value) for term, value in dcterms_values(article)]
    return tags


def scholarly_article(manuscript: Manuscript, downloads: list[Download], page_url: str | None,
                      image_url: str | None) -> dict[str, Any]:
    """schema.org ScholarlyArticle, nested in its issue, volume and journal."""
    article = manuscript.article
    c = article.citation
    data: dict[str, Any] = {
        "@context": "https://schema.org", "@type": "ScholarlyArticle", **present({"@id": article.doi_url or page_url}),
        "headline": manuscript.title_text, "name": manuscript.full_title, **present({
            "alternativeHeadline": manuscript.subtitle_text, "author": [_person(a) for a in article.authors],
            "datePublished": article.date.iso() if article.date else None}),
        "inLanguage": article.lang}
    translation = manuscript.translation
    if translation is None:
        data.update(present({"keywords": list(article.keywords), "abstract": manuscript.abstract_text}))
    else:
        # Texts in two languages: each a JSON-LD value object with its @language
        # (JSON-LD 1.1, 4.2.4), so that no reader takes one language's for the other's.
        def texts(pairs):
            return [{"@value": text, "@language": lang} for lang, text in pairs if text]

        data.update(present({
            "alternateName": texts([(translation.lang, _translated_title(manuscript))])
            if translation.title_text else None,
            "keywords": texts([(article.lang, k) for k in article.keywords]
                              + [(translation.lang, k) for k in translation.keywords]),
            "abstract": texts([(article.lang, manuscript.abstract_text),
                               (translation.lang, translation.abstract_text)])}))
    if article.doi:
        data["identifier"] = {"@type": "PropertyValue", "propertyID": "DOI", "value": article.doi}
        data["sameAs"] = article.doi_url
    data.update(present({
        "pageStart": c.first_page, "pageEnd": c.last_page, "pagination": c.page, "isPartOf": periodical(c),
        "publisher": {"@type": "Organization", "name": c.publisher} if c.publisher else None,
        "license": article.license.url if article.license else None, "url": page_url, "image": image_url,
        "encoding": [{"@type": "MediaObject", "contentUrl": d.url, "encodingFormat": d.media_type,
                      "contentSize": d.size_text} for d in downloads]}))
    data["isAccessibleForFree"] = True
    return data


def present(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields that have a value, in their order (an unknown one is left out)."""
    return {key: value for key, value in fields.items() if value}


def _person(author) -> dict[str, Any]:
    orcid = author.orcid_url if author.orcid else None
    return {"@type": "Person", "name": author.name.display, **present({
        "givenName": author.name.given, "familyName": author.name.family_full if author.name.family else None,
        "identifier": orcid, "sameAs": orcid, "affiliation": [_organization(a) for a in author.affiliations]})}


def _organization(affiliation) -> dict[str, Any]:
    """An affiliation, with its ROR id (schema.org's `identifier`) and address where given."""
    ror = "https://ror.org/" + affiliation.ror.rsplit("/", 1)[-1] if affiliation.ror else None
    return {"@type": "Organization", "name": affiliation.display,
            **present({"identifier": ror, "sameAs": ror, "url": affiliation.url})}


def periodical(c) -> dict[str, Any] | None:
    """The issue in its volume in its journal, as far as they are known (an issue page's: its
    volume in its journal, the citation given without its issue)."""
    if not c.container_title:
        return None
    node: dict[str, Any] = {"@type": "Periodical", "name": c.container_title, **present({"issn": c.issn})}
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
