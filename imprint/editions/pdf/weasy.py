"""WeasyPrint, with Imprint's patches of it (and of pydyf) applied.

Every module of Imprint that lays out or writes a PDF takes `weasyprint` from
here, so that no page is made before imprint/patches/ has been applied. Importing
WeasyPrint costs about 0.22 s (it opens Pango, HarfBuzz and fontconfig): import
this module only when a PDF is actually made.

WeasyPrint loads fontconfig's configuration as it is imported (to check that it
has fonts): Imprint's own, not the user's (editions/fonts.py). Each layout loads
it again: typeset.py, issue.py and raster.py lay out in fonts.configured() too.
"""

from __future__ import annotations

from typing import Iterator

from ... import patches
from ..fonts import configured

with configured(None):
    weasyprint = patches.import_weasyprint()

__all__ = ["descendants", "weasyprint"]


def descendants(box, skip: type | None = None) -> Iterator:
    """The boxes inside a laid-out box, depth first (not those of the kind `skip`,
    nor what is inside them)."""
    for child in getattr(box, "children", ()):
        if skip is not None and isinstance(child, skip):
            continue
        yield child
        yield from descendants(child, skip)
