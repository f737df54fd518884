"""ziamath 0.13: a node's style read from its parent's without a deep copy of it.

Version: ziamath 0.13 exactly (VERSION; check_versions() refuses another).

What goes wrong: nothing but time. Every node of a formula reads its style
(`styles.parse_style`) from its own attributes over its parent's style, which
ziamath turns into a dictionary with `dataclasses.asdict()`: a deep copy, field
by field, of the parent's style and of the variant inside it, for each of the
2,851 nodes of the benchmark's 135 formulas, though the function only looks up
a few plain fields of it (colour, background, size, script level, display
style, CSS) and never writes to it. Measured (2026-12-05, this version, 2 cores;
the 135 distinct formulas drawn one after the other in one process, after a
warm-up, with the other patches applied; best of 3): 0.422 s without the patch,
0.387 s with it; the same drawings, byte for byte. The patch changes one
expression of `parse_style`: the parent's fields are read where they are
(`vars(parent_style)`), not copied.

Test that fails without it: tests/test_patches.py::test_ziamath_reads_a_parents_style_without_copying_it
(and, with and without it, the same drawings).

Upstream: to be filed; docs/upstream.md#ziamath-styles-copied-for-every-node.
"""

from __future__ import annotations

import sys

from ..errors import InternalError
from . import rewrite

DISTRIBUTION = "ziamath"
VERSION = "0.13"
UPSTREAM = "docs/upstream.md#ziamath-styles-copied-for-every-node"

EXPRESSION = "ChainMap(element.attrib, asdict(parent_style))"
REPLACEMENT = "ChainMap(element.attrib, vars(parent_style))  # Imprint: imprint/patches/ziamath_styles.py"
# The modules that call parse_style by the name they imported it under.
USERS = ("ziamath.styles", "ziamath.nodes.mnode", "ziamath.nodes.mfrac", "ziamath.zmath")


def apply() -> None:
    import ziamath  # noqa: F401 (imports the modules below)
    from ziamath import styles

    if rewrite.is_rewritten(styles.parse_style):
        return
    patched = rewrite.replacing(styles.parse_style, EXPRESSION, REPLACEMENT, sys.modules[__name__])
    for name in USERS:
        module = sys.modules[name]
        if module.parse_style is not styles.parse_style:
            raise InternalError(f"imprint/patches/ziamath_styles.py: {name}.parse_style is not "
                                f"ziamath.styles.parse_style: not ziamath {VERSION} as released?")
    for name in USERS:
        sys.modules[name].parse_style = patched


def applied() -> bool:
    styles = sys.modules.get("ziamath.styles")
    return styles is not None and rewrite.is_rewritten(styles.parse_style)


def original():
    """ziamath's own function (for tests)."""
    from ziamath import styles

    return rewrite.original(styles.parse_style)
