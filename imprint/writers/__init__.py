"""One module per kind of output. Each writer takes (manuscript, theme, settings)
and returns the file's bytes; pipeline.py writes them to dist/.

Layouts that more than one writer needs in a build (a cover for the EPUB and the
site, an issue's last layout for its PDF) are kept in the memos registered here,
and forgotten when a build starts: the files they came from may have changed.
"""

from __future__ import annotations

from typing import Any, Iterable

_MEMOS: list[dict[Any, Any]] = []


def memo() -> dict[Any, Any]:
    """A dict that lives for one build."""
    found: dict[Any, Any] = {}
    _MEMOS.append(found)
    return found


def forget_layouts() -> None:
    for found in _MEMOS:
        found.clear()


# Each edition's writer, by module and function, imported when first used (an
# e-reader edition never loads the print writers; see units.writer_for).
WRITERS = {
    "epub": ("imprint.writers.epub", "write_epub"),
    "pdf": ("imprint.writers.pdf", "write_print"),
    "archive": ("imprint.writers.pdf", "write_archive"),
    "handout": ("imprint.writers.pdf", "write_handout"),
    "json": ("imprint.writers.exports", "write_csl_json"),
    "bib": ("imprint.writers.exports", "write_bibtex"),
    "ris": ("imprint.writers.exports", "write_ris"),
    "site": ("imprint.writers.site", "render_landing"),  # (its cover and landing page: units.build_article)
}


def rendering_modules(formats: Iterable[str]) -> tuple[str, ...]:
    """What rendering units in these formats loads (the body's reader, Jinja, the
    writers; WeasyPrint is the press's or loaded when typesetting): a worker started
    before the build has read its sources loads them meanwhile (jobs.start_early)."""
    return tuple(dict.fromkeys(["imprint.manuscript", "imprint.templating"] +
                               [WRITERS[fmt][0] for fmt in formats if fmt in WRITERS]))
