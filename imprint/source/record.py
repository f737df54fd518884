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
    _add_extra(record, {k: v for k, v in c.extra.items() if k != "issued"})
    return record


# Quarto's names of citation variables (its citation-item schema) that CSL 1.0.2
# names otherwise: given under Quarto's, a CSL processor, Zotero and the CSL-JSON
# schema did not know them (a shelf mark left out of the "For citation" line).
CSL_NAMES = {"archive-location": "archive_location", "archive-collection": "archive_collection",
             "publisher-location": "publisher-place", "pmid": "PMID", "pmcid": "PMCID", "elocation-id": "number"}
# Quarto's variables CSL has no name for: kept in the record's `custom` (CSL-JSON's
# place for them), an ISSN of print or electronic issue as its ISSN where none is given.
_NOT_CSL = ("eissn", "pissn", "fulltext-url", "pdf-url", "public-url", "abstract-url", "art-access-id", "subject",
            "page-last")


def _add_extra(record: dict[str, Any], extra: dict[str, Any]) -> None:
    """The citation's other variables, under their CSL names."""
    custom: dict[str, Any] = {}
    for key, value in extra.items():
        if key in _NOT_CSL:
            custom[key] = value
        elif key not in CSL_NAMES or CSL_NAMES[key] not in extra:  # (given under both names: CSL's)
            record[CSL_NAMES.get(key, key)] = value
    if "ISSN" not in record and (issns := [str(custom[k]) for k in ("pissn", "eissn") if custom.get(k)]):
        record["ISSN"] = ", ".join(issns)
    if "page" not in record and custom.get("page-last") and record.get("page-first"):
        record["page"] = f"{record['page-first']}-{custom['page-last']}"
    if custom:
        record["custom"] = custom


def full_title(title: str, subtitle: str | None) -> str:
    """Title and subtitle as one string, the way reference managers store them (a
    title that ends in a question or exclamation mark, a full stop, a colon or
    a dash takes no colon more)."""
    if not subtitle:
        return title
    return f"{title} {subtitle}" if title.rstrip()[-1:] in "?!.:;\u2014\u2013" else f"{title}: {subtitle}"
