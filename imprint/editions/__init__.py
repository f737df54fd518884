"""The editions a build can make, each declared once, here.

An edition's declaration says everything the rest of Imprint asks of it: its
name (on the command line, in the publication's `editions:` and the JSON
Schema's list), its file in dist/<slug>/, its kind (an e-reader edition, a
print edition, which a print shop may also get imposed as a booklet, a citation
record or the site), the writer that makes it, the check `publish.py check`
runs on it, whether the landing page offers it (labelled with the language
file's word `file_<name>`) and the OPDS catalogue links it, and the writer of
its issue edition, if an issue has one. The command line, the schema, the
units, `check`, the site and the catalogue all read this table.

To add an edition: write its writer (a function of the manuscript, theme and
settings returning the file's bytes), its template and its words, and declare
it below (or, from a plug-in or a test, with register()).
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any, Callable, Iterable

E_READER, PRINT, CITATION, SITE = "e-reader", "print", "citation record", "site"


@dataclass(frozen=True)
class Edition:
    name: str  # as the command line and the publication file name it
    file: str  # its file in dist/<slug>/, "{slug}" standing for the article's
    description: str  # for --help and the README
    media_type: str
    kind: str  # E_READER, PRINT (a booklet too, for a print shop), CITATION or SITE
    writer: str  # "module:function": (manuscript, theme, settings) -> bytes
    check: str | None = None  # "module:function": (path, dist, work, tools) -> (level, message)...
    offered: bool = True  # listed on the article's landing page
    catalogued: bool = False  # an acquisition link in the OPDS catalogue
    issue_writer: str | None = None  # "module:function" making the issue's edition (dist/<issue>/)

    @property
    def printed(self) -> bool:
        """A print edition: may also be imposed as a booklet."""
        return self.kind == PRINT

    def path(self, slug: str, booklet: bool = False) -> str:
        name = self.file.format(slug=slug)
        if booklet:
            stem = name.removesuffix(".pdf")
            name = f"{stem}-booklet.pdf" if self.name != "pdf" else f"{slug}-booklet.pdf"
        return name

    @property
    def module(self) -> str:
        """The writer's module (loaded by a worker before its first unit)."""
        return self.writer.split(":")[0]

    def write(self, *args: Any) -> bytes:
        return load(self.writer)(*args)

    def write_issue(self, *args: Any) -> bytes:
        assert self.issue_writer is not None
        return load(self.issue_writer)(*args)


_CHECKS = "imprint.conformance"

EDITIONS: dict[str, Edition] = {e.name: e for e in (
    Edition("epub", "{slug}.epub", "e-reader edition (EPUB 3)", "application/epub+zip", E_READER,
            "imprint.editions.epub:write_epub", f"{_CHECKS}.epub:check_epub", catalogued=True,
            issue_writer="imprint.editions.epub:write_issue_epub"),
    Edition("pdf", "{slug}.pdf", "print edition (tagged PDF/UA-1)", "application/pdf", PRINT,
            "imprint.editions.pdf.article:write_print", f"{_CHECKS}.pdf:check_pdf", catalogued=True,
            issue_writer="imprint.editions.pdf.issue:write_issue_pdf"),
    Edition("archive", "{slug}-archive.pdf", "archival edition (PDF/A-3b with the citation files)",
            "application/pdf", PRINT, "imprint.editions.pdf.article:write_archive", f"{_CHECKS}.pdf:check_pdf", catalogued=True),
    Edition("handout", "{slug}-handout.pdf", "handout (double-sided, with a QR code)", "application/pdf", PRINT,
            "imprint.editions.pdf.article:write_handout", f"{_CHECKS}.pdf:check_pdf", catalogued=True),
    Edition("json", "{slug}.json", "citation record (CSL-JSON)", "application/vnd.citationstyles.csl+json",
            CITATION, "imprint.editions.records:write_csl_json", f"{_CHECKS}.records:check_csl_json"),
    Edition("bib", "{slug}.bib", "citation record (BibTeX)", "application/x-bibtex", CITATION,
            "imprint.editions.records:write_bibtex", f"{_CHECKS}.records:check_bibtex"),
    Edition("ris", "{slug}.ris", "citation record (RIS)", "application/x-research-info-systems", CITATION,
            "imprint.editions.records:write_ris", f"{_CHECKS}.records:check_ris"),
    # The landing page (with its cover); with every article built, also the index,
    # the issues' pages and the OPDS catalogue (site/pages.py).
    Edition("site", "index.html", "download site: landing pages, index, OPDS catalogue, covers", "text/html", SITE,
            "imprint.site.pages:render_landing", f"{_CHECKS}.site:check_html", offered=False),
)}
DEFAULT = ("epub", "pdf", "json", "bib", "ris", "site")


def register(edition: Edition) -> None:
    """Declare one more edition (a plug-in's, a test's)."""
    if edition.name in EDITIONS:
        raise ValueError(f"an edition named {edition.name!r} is declared already")
    EDITIONS[edition.name] = edition


def mixes_print(formats: Iterable[str]) -> bool:
    """Whether these editions are print editions and others (an article's unit
    may then be split in two: building/units.split)."""
    printed = [EDITIONS[name].printed for name in formats]
    return any(printed) and not all(printed)


def rendering_modules(formats: Iterable[str], parts: bool = False) -> list[tuple[str, ...]]:
    """What a unit in these editions needs before it can start Pandoc (the unit's
    own module, the body's reader), and WeasyPrint for a print edition: a local
    worker loads them as it starts, while the build reads its sources
    (building/executor.py); what writing needs (writing_modules) is loaded while
    Pandoc reads. One list for every worker; with `parts` (an article built in
    two: building/handoff.py), one for the part that reads it and makes the print
    jobs, one for the part that lays them out, WeasyPrint alone, each worker
    loading one in turn."""
    chosen = [EDITIONS[fmt] for fmt in formats if fmt in EDITIONS]
    reading = ["imprint.building.units", "imprint.prepare.article"]
    typesetting = ["imprint.editions.pdf.typeset"] if any(edition.printed for edition in chosen) else []
    if parts and typesetting:
        return [tuple(reading), tuple(typesetting)]
    return [tuple(reading + typesetting)]


def writing_modules(formats: Iterable[str]) -> list[str]:
    """What writing these editions needs beyond reading (Jinja, the writers):
    loaded while Pandoc reads the body (prepare.article). Loaded before, they kept
    a worker's first unit from starting Pandoc 30 ms longer (the long benchmark
    article's EPUB, 2026-12-06)."""
    return ["imprint.theme.jinja", *dict.fromkeys(EDITIONS[fmt].module for fmt in formats if fmt in EDITIONS)]


def load(reference: str) -> Callable[..., Any]:
    """The function "module:function" names (its module imported when first used:
    an e-reader edition never loads the print writers)."""
    module, name = reference.split(":")
    return getattr(importlib.import_module(module), name)
