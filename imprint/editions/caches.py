"""Layouts that more than one writer needs in a build (a cover for the EPUB and
the site, the latest print layout for the print and archival editions) are kept
in the caches made here, and forgotten when a build starts: the files they
came from may have changed."""

from __future__ import annotations

from typing import Any

_CACHES: list[dict[Any, Any]] = []


def build_cache() -> dict[Any, Any]:
    """A dict that lives for one build."""
    found: dict[Any, Any] = {}
    _CACHES.append(found)
    return found


def forget_layouts() -> None:
    for found in _CACHES:
        found.clear()
