"""ziamath 0.13: its table of MathML's named characters made into a regular
expression only for a formula that may hold one, not whenever ziamath is imported.

Version: ziamath 0.13 exactly (VERSION; check_versions() refuses another).

What goes wrong: ziamath/escapes.py, imported with ziamath, compiles one regular
expression of the 2,079 keys of its table (the names `&alpha;`... and four pairs
of ASCII characters, `:=`, `==`, `!=` and `\\*=`), which `Math()` runs over every
MathML text to put characters in their place. Measured (2026-12-07, 2 cores,
fresh processes): compiling it takes 27 to 50 ms of CPU of the 0.12 to 0.16 s
that importing ziamath takes, in every process that draws formulas: both parts of a
build whose formulas are not yet in the cache, each on its own path. Pandoc's
MathML holds the characters themselves, so for Imprint the expression finds
nothing in any formula.

The patch: before ziamath is imported, `ziamath.escapes` is a module of this
patch's whose `unescape` returns a text that holds neither `&` nor one of the
four pairs as it is, which is what ziamath's expression returns for it (each key
begins with `&` or is one of the pairs: a test checks it against ziamath's
table). Any other text goes to ziamath's own module, loaded then (its expression
compiled once). So the same characters, the same drawings.

Test that fails without it:
tests/test_patches.py::test_ziamath_compiles_its_escapes_only_for_a_text_that_may_hold_one

Upstream: to be filed; docs/upstream.md#ziamath-escapes-compiled-at-import.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

DISTRIBUTION = "ziamath"
VERSION = "0.13"
UPSTREAM = "docs/upstream.md#ziamath-escapes-compiled-at-import"

NAME = "ziamath.escapes"
# The keys of ziamath's table that are not a named character (`&...;`): the
# pairs escapes.py adds, as written there (its `\*=` is matched as those three characters).
PAIRS = (":=", "\\*=", "==", "!=")

_ziamaths: list[ModuleType] = []  # ziamath's own escapes.py, once a text needed it


def unescape(xmlstr: str) -> str:
    """The MathML text with its named characters replaced, as ziamath's own
    `unescape` replaces them; a text that cannot hold one, untouched."""
    if "&" not in xmlstr and not any(pair in xmlstr for pair in PAIRS):
        return xmlstr
    return ziamaths_own().unescape(xmlstr)


def ziamaths_own() -> ModuleType:
    """ziamath's escapes.py, loaded from its file (not as `ziamath.escapes`, which
    this patch's module stands for)."""
    if not _ziamaths:
        from importlib.machinery import PathFinder
        from importlib.util import module_from_spec

        import ziamath

        spec = PathFinder.find_spec(NAME, ziamath.__path__)
        own = module_from_spec(spec)
        spec.loader.exec_module(own)  # (its `from . import escape_codes`: __package__ is ziamath)
        _ziamaths.append(own)
    return _ziamaths[0]


def _module_attribute(name: str) -> Any:
    """What else the module has (ESCAPES, regex): ziamath's own."""
    if name.startswith("__"):
        raise AttributeError(name)
    return getattr(ziamaths_own(), name)


def apply() -> None:
    """Before ziamath is imported (imprint.patches.import_ziamath): this patch's
    module stands for ziamath's escapes.py. Afterwards there is nothing to spare."""
    if "ziamath" in sys.modules or NAME in sys.modules:
        return
    module = ModuleType(NAME, __doc__)
    module.unescape = unescape
    module.__getattr__ = _module_attribute
    sys.modules[NAME] = module


def applied() -> bool:
    """Whether this patch's module stands for ziamath's, or it is too late for it:
    ziamath's own was imported first (a test that imported ziamath directly)."""
    return NAME in sys.modules
