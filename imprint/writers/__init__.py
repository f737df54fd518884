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


def rendering_modules(formats: Iterable[str]) -> tuple[str, ...]:
    """What rendering units in these formats loads (the body's reader, Jinja, the
    writers, WeasyPrint for a print edition): a local worker loads them as it
    starts, while the build reads its sources (executor.LocalPool.warm_up)."""
    from ..editions import EDITIONS

    chosen = [EDITIONS[fmt] for fmt in formats if fmt in EDITIONS]
    modules = [edition.module for edition in chosen]
    printed = any(edition.printed for edition in chosen)
    return tuple(dict.fromkeys(["imprint.manuscript", "imprint.templating", *modules,
                                *(["imprint.writers.typeset"] if printed else [])]))
