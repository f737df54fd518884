"""One CSL-JSON record per article, and its reference formatted by a CSL processor.

The record is the single source of every citation Imprint emits: the "For
citation" line (citeproc-py with the chosen CSL style), and the CSL-JSON, BibTeX
and RIS files (writers/exports.py).
"""

from __future__ import annotations

import html
import warnings
from functools import lru_cache
from pathlib import Path
from typing import Any

from lxml import etree
from markupsafe import Markup

from .errors import InternalError, StyleError
from .model import Article, PartialDate

CSL_NS = "http://purl.org/net/xbiblio/csl"


def build_record(article: Article, title: str, abstract: str | None) -> dict[str, Any]:
    """The article as a CSL-JSON item. `title` and `abstract` are plain text.

    Only what the metadata states goes in: an unknown field is left out.
    """
    c = article.citation
    record: dict[str, Any] = {"id": article.slug, "type": c.type, "title": title}
    if article.short_title:
        record["title-short"] = article.short_title
    if article.authors:
        record["author"] = [a.name.csl() for a in article.authors]
    issued = c.extra.get("issued") or article.date
    if isinstance(issued, PartialDate):
        record["issued"] = {"date-parts": [issued.date_parts()]}
    fields = {
        "container-title": c.container_title,
        "volume": c.volume,
        "issue": c.issue,
        "collection-number": c.collection_number,
        "page": c.page,
        "ISSN": c.issn,
        "publisher": c.publisher,
        "publisher-place": c.publisher_place,
        "DOI": article.doi,
        "URL": c.url,
        "language": article.lang,
        "abstract": abstract,
        "keyword": ", ".join(article.keywords) or None,
        "license": (article.license.text or article.license.url) if article.license else None,
    }
    record.update({k: v for k, v in fields.items() if v})
    record.update({k: v for k, v in c.extra.items() if k != "issued"})
    return record


def full_title(title: str, subtitle: str | None) -> str:
    """Title and subtitle as one string, the way reference managers store them."""
    if not subtitle:
        return title
    return f"{title} {subtitle}" if title.rstrip()[-1:] in "?!." else f"{title}: {subtitle}"


def format_reference(record: dict[str, Any], style_path: Path, lang: str) -> tuple[Markup, str]:
    """The record as a reference in the given CSL style: (HTML, plain text)."""
    from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
    from citeproc.source.json import CiteProcJSON

    style = _load_style(str(style_path), lang)
    if not style.has_bibliography():
        raise StyleError.single(str(style_path), "the CSL style has no <bibliography> layout",
                                hint="choose a style that formats a reference list")
    results = []
    for fmt, item in ((formatter.html, _escaped(record)), (formatter.plain, record)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # citeproc-py warns about every unsupported CSL feature
            bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), fmt)
            bibliography.register(Citation([CitationItem(record["id"])]))
            entries = bibliography.bibliography()
        if not entries:
            raise StyleError.single(str(style_path), "the CSL style has no bibliography layout",
                                    hint="choose a style that formats a bibliography")
        results.append(str(entries[0]).strip())
    text_html, text = results
    _check_fragment(text_html, style_path)
    return Markup(text_html), html.unescape(text)


@lru_cache(maxsize=32)
def _load_style(path: str, lang: str):
    from citeproc import CitationStylesStyle

    try:
        root = etree.parse(path).getroot()
    except (OSError, etree.XMLSyntaxError) as error:
        raise StyleError.single(path, f"the CSL style is not valid XML: {error}") from None
    # The style's own default-locale wins (a journal's house style is in its
    # language); otherwise the article's language picks the terms.
    locale = root.get("default-locale") or lang
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return CitationStylesStyle(path, locale=locale, validate=False)
    except Exception as error:  # citeproc-py raises bare exceptions for bad styles
        raise StyleError.single(path, f"the CSL style cannot be used: {error}") from None


def _escaped(value: Any) -> Any:
    """The record with every string HTML-escaped: citeproc-py's HTML formatter
    inserts variable values verbatim (0.11.1), so a title with '<' or '&' would
    otherwise become markup."""
    if isinstance(value, str):
        return html.escape(value, quote=False)
    if isinstance(value, dict):
        return {k: (v if k == "id" else _escaped(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def _check_fragment(fragment: str, style_path: Path) -> None:
    try:
        etree.fromstring(f"<div>{fragment}</div>")
    except etree.XMLSyntaxError as error:
        raise InternalError(f"citeproc produced malformed HTML with {style_path.name}: {error}") from None
