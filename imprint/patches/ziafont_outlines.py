"""ziafont 0.11: a glyph placed in a drawing kept as its outline, not written out as SVG path text.

Version: ziafont 0.11 exactly (VERSION; check_versions() refuses another).

What goes wrong: nothing but time. ziamath places each glyph of a formula with
ziafont's `SimpleGlyph.place()`, which (SVG 1 paths, `config.svg2` off, as
Imprint draws) writes every point of the glyph's outline as text, each number
through `svgpath.fmt` (114,074 calls for the benchmark's 135 formulas); Imprint
then reads those numbers back to make one TrueType glyph of the formula
(body/formulas.py). Measured (2026-12-05, this version, 2 cores; the 135
distinct formulas drawn one after the other in one process, after a warm-up,
with the ziamath patches applied; best of 3): 0.295 s with the path text written
and read back, 0.22 s with the outlines taken as they are. The patch changes
nothing outside `kept()`: within it, place() returns the <path> element without
its path text and records, for that element, the glyph, its origin and its
scale (ziafont's own arguments to `svgpath`); `write()` gives an element the
path text ziafont would have written (for a drawing Imprint keeps as SVG). A
glyph class with its own `svgpath` (ziamath's assembled stretchy glyphs, whose
`operators` are empty) is placed by ziafont's own method, path text and all.

Test that fails without it: tests/test_patches.py::test_ziafont_places_a_glyph_as_its_outline
(and the same outlines as from ziafont's path text).

Upstream: to be filed; docs/upstream.md#ziafont-outlines-only-as-svg-path-text.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from typing import Iterator

from . import rewrite

DISTRIBUTION = "ziafont"
VERSION = "0.11"
UPSTREAM = "docs/upstream.md#ziafont-outlines-only-as-svg-path-text"

_state = threading.local()


@contextmanager
def kept() -> Iterator[dict[ET.Element, tuple]]:
    """Glyphs placed meanwhile (in this thread) kept as outlines: the dict has, for
    each <path> element placed, (glyph, x, y, scale_factor), as svgpath() takes them."""
    placed: dict[ET.Element, tuple] = {}
    outer = getattr(_state, "placed", None)
    _state.placed = placed
    try:
        yield placed
    finally:
        _state.placed = outer


def place(self, x: float, y: float, point_size: float):
    from ziafont.config import config
    from ziafont.glyph import SimpleGlyph

    placed = getattr(_state, "placed", None)
    if placed is None or config.svg2 or type(self).svgpath is not SimpleGlyph.svgpath:
        # (a glyph that writes its own path text, as ziamath's assembly of a stretched
        # delimiter from parts does, is left to do so: its outline is not its operators)
        return rewrite.original(place)(self, x, y, point_size)
    if not self.operators:
        return None  # (as svgpath: no path for a glyph without contours)
    element = ET.Element("path", {"d": ""})
    placed[element] = (self, x, y, point_size / self.DFLT_SIZE_PT)
    return element


def write(element: ET.Element, placed: dict[ET.Element, tuple]) -> None:
    """The element's path text, as ziafont writes it."""
    glyph, x, y, scale_factor = placed[element]
    element.set("d", glyph.svgpath(x0=x, y0=y, scale_factor=scale_factor).get("d"))


_METHOD = rewrite.Method("ziafont.glyph", "SimpleGlyph", "place", place)
apply, applied, original = _METHOD.apply, _METHOD.applied, _METHOD.original
