"""ziamath 0.13: a length named in MathML converted to points once, not at every use.

Version: ziamath 0.13 exactly (VERSION; check_versions() refuses another).

What goes wrong: ziamath's `Mnode.size_px` converts a length ("thickmathspace",
"0.2em", "3px") to points. It is a function of the length and the font size
only, yet it builds its table of fourteen named spaces (fourteen f-strings) and
its table of units at every call, and it is called for every operator's spaces
and every node's minimum and maximum sizes: 11,710 calls for the 135 formulas
below, the single most costly function of ziamath's layout (11 % of the samples
of a statistical profile). Measured (2026-12-05, this version, 2 cores; the 135
distinct formulas of the benchmark's math article drawn in one process, after a
warm-up, with ziamath_rows.py applied): 0.75 s without this patch, 0.68 s with
it; the same drawings, byte for byte. The patch keeps each result by (length,
font size), for the life of the process (a few dozen entries).

Test that fails without it: tests/test_patches.py::test_ziamath_converts_a_length_once
(and, with and without it, the same drawings).

Upstream: to be filed; docs/upstream.md#ziamath-lengths-converted-at-every-use.
"""

from __future__ import annotations

from . import rewrite

DISTRIBUTION = "ziamath"
VERSION = "0.13"
UPSTREAM = "docs/upstream.md#ziamath-lengths-converted-at-every-use"

_converted: dict[tuple[str, float], float] = {}


def size_px(self, size: str, fontsize: float | None = None) -> float:
    if fontsize is None:
        fontsize = self.glyphsize
    key = (size, fontsize)
    found = _converted.get(key)
    if found is None:
        found = _converted[key] = rewrite.original(size_px)(self, size, fontsize)
    return found


_METHOD = rewrite.Method("ziamath.nodes.mnode", "Mnode", "size_px", size_px)
apply, applied, original = _METHOD.apply, _METHOD.applied, _METHOD.original
