"""One CSL-JSON record per article, and its reference formatted by a CSL processor.

The record is the single source of every citation Imprint emits: the "For
citation" line (Pandoc's citeproc with the chosen CSL style: body/references.py),
and the CSL-JSON, BibTeX and RIS files (editions/records.py).
"""

from __future__ import annotations

from typing import Any

from .model import Article, PartialDate


def build_record(article: Article, title: str, abstract: str | None, short_title: str | None = None
                 ) -> dict[str, Any]:
    """The article as a CSL-JSON item. `title`, `abstract` and `short_title` are
    plain text (Markdown fields as read).

    Only what the metadata states goes in: an unknown field is left out.
    """
    c = article.citation
    record: dict[str, Any] = {"id": article.slug, "type": c.type, "title": title}
    if short_title:
        record["title-short"] = short_title
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
