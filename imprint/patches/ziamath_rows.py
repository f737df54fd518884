"""ziamath 0.13: a row's height without its stretchy operators measured only when it has one.

Version: ziamath 0.13 exactly (VERSION; check_versions() refuses another).

What goes wrong: to size the stretchy operators of a row (a `\\left(`, an arrow),
ziamath's `Mrow._setup_single_line` first lays out every child of the row a
second time with the stretchy ones left out (`_get_height_nostretch`), whether
or not the row holds any stretchy operator; each child row does the same, so a
formula nested d rows deep is laid out about 2^d times. Only an `<mo>` that can
stretch reads the height measured (`rowymin`/`rowymax`, in Moperator._setup).
Measured (2026-12-05, this version, 2 cores; the 135 distinct formulas of the
benchmark's math article, drawn one after the other in one process, after a
warm-up): 891 rows, 702 of them without an operator that can stretch; drawing
all 1.02 s without the patch, 0.75 s with it; the same drawings, byte for byte.
The patch measures a row as ziamath does when an operator in it (at any depth)
can stretch, as ziamath decides that (an explicit `stretchy`, else the operator
dictionary in any form; an `<mi>` that ziamath takes for an operator; an
`<mfenced>`), and otherwise gives the values of an empty row, which nothing
reads.

Test that fails without it: tests/test_patches.py::test_ziamath_measures_a_row_again_only_to_stretch
(and, with and without it, the same drawings).

Upstream: to be filed; docs/upstream.md#ziamath-rows-laid-out-twice.
"""

from __future__ import annotations

import functools

from . import rewrite

DISTRIBUTION = "ziamath"
VERSION = "0.13"
UPSTREAM = "docs/upstream.md#ziamath-rows-laid-out-twice"

_FORMS = ("prefix", "infix", "postfix")


def can_stretch(line) -> bool:
    """Whether an element of the row (a list of ElementTree elements), or one
    inside them but not inside a row of its own, is an operator ziamath may
    stretch. (A row below measures its own height for the operators in it, and
    ziamath gives them that one.)"""
    from ziamath import operators

    elements = list(line)
    while elements:
        element = elements.pop()
        if element.tag in _rows():
            continue
        elements.extend(element)
        if element.tag == "mfenced":
            return True
        if element.tag not in ("mo", "mi"):
            continue
        text = (element.text or "").strip()
        if element.tag == "mi" and text not in operators.names:
            continue
        stretchy = element.get("stretchy")
        if stretchy is not None:
            if stretchy != "false":
                return True
        elif any(operators.get_params(text, form).get("stretchy", "false") != "false" for form in _FORMS):
            return True
    return False


@functools.cache
def _rows() -> frozenset[str]:
    """The elements ziamath lays out as rows (Mrow and its kinds, and those it
    renames to mrow), each measuring its own height for its operators."""
    from ziamath.nodes.mnode import _node_classes
    from ziamath.nodes.mrow import Mrow

    return frozenset({tag for tag, kind in _node_classes.items() if issubclass(kind, Mrow)}
                     | {"math", "mtd", "mtr", "none"})


def height_nostretch(self, line, **kwargs) -> tuple[float, float]:
    if not can_stretch(line):
        return 9999, -9999  # (what ziamath gives a row with no child: read by nothing here)
    return rewrite.original(height_nostretch)(self, line, **kwargs)


_METHOD = rewrite.Method("ziamath.nodes.mrow", "Mrow", "_get_height_nostretch", height_nostretch)
apply, applied, original = _METHOD.apply, _METHOD.applied, _METHOD.original
