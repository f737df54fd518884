"""cffi 2.1.1: a C type named at run time parsed with the type names it uses, not with all of them.

Version: cffi 2.1.1 exactly (VERSION; check_versions() refuses another).

What goes wrong: nothing but time. WeasyPrint's calls name C types as strings
(`ffi.new('PangoRectangle *')`); cffi parses each new one with pycparser, and
`Parser._parse` puts before it a line `typedef int <name>;` for every type name
declared so far, so that pycparser knows them: WeasyPrint's declarations name
65 types, so each of its type strings costs a parse of some 70 lines. Only the
names that occur in the text parsed can change how pycparser reads it. Measured (2026-12-05, this
version, 2 cores): the 8 type strings WeasyPrint 70.0 uses, 18 ms in a fresh
process without the patch, 2.8 ms with it; in the profile of the seed's print
edition (its first layout in a process, on the critical path of every print
build) these parses were 13 % of the samples. The patch changes one line of
`Parser._parse`: the typedef lines are written for the declared names that occur
in the source parsed (a word of it); the same types, the same declarations.

Test that fails without it: tests/test_patches.py::test_cffi_parses_a_type_with_the_type_names_it_uses
(and, with and without it, the same types for each of WeasyPrint's type strings).

Upstream: to be filed; docs/upstream.md#cffi-every-type-name-parsed-again.
"""

from __future__ import annotations

import sys

from . import rewrite

DISTRIBUTION = "cffi"
VERSION = "2.1.1"
UPSTREAM = "docs/upstream.md#cffi-every-type-name-parsed-again"

LINES = """    for name in sorted(self._declarations):
        if name.startswith('typedef '):"""
REPLACEMENT = """    named = set(_imprint_words(csource))  # Imprint: imprint/patches/cffi_type_names.py
    for name in sorted(self._declarations):
        if name.startswith('typedef ') and name[8:] in named:"""


def words(source: str) -> list[str]:
    """The identifiers (and other words) of C source."""
    import re

    return re.findall(r"\w+", source)


def apply() -> None:
    from cffi import cparser

    if rewrite.is_rewritten(cparser.Parser._parse):
        return

    cparser.Parser._parse = rewrite.replacing(cparser.Parser._parse, LINES, REPLACEMENT, sys.modules[__name__],
                                              {"_imprint_words": words})


def applied() -> bool:
    cparser = sys.modules.get("cffi.cparser")
    return cparser is not None and rewrite.is_rewritten(cparser.Parser._parse)


def original():
    """cffi's own method (for tests)."""
    from cffi import cparser

    return rewrite.original(cparser.Parser._parse)
