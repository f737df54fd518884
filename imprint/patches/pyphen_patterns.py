"""Pyphen 0.18.1: a hyphenation dictionary's plain patterns read without a regular expression each.

Version: pyphen 0.18.1 exactly (VERSION; check_versions() refuses another).

What goes wrong: nothing but time. WeasyPrint hyphenates with Pyphen, which
reads a language's dictionary the first time a process hyphenates in it
(`HyphDict.__init__`): for each of its patterns ("1ba", ".ab4le") a regular
expression splits letters from digits (`parse(pattern)`) and `zip` pairs them.
English has 11,015 patterns: 49 ms a process, on the critical path of every
print build (the seed's print part hyphenates its English abstract and
references: 25 % of its PDF stage's profile samples were this). Measured
(2026-12-05, this version, 2 cores, median of 5): en_US 49 ms without the patch,
25 ms with it; ru_RU 13 ms and 7 ms; the same patterns, equal dictionaries.
The patch changes one statement of `HyphDict.__init__`: a pattern of letters and
single digits (all of them, in Pyphen's English and Russian dictionaries) is
split by one loop over its characters; any other (two digits in a row, or a
nonstandard alternative "ff1/f=f,1,2", whose digits Pyphen reads with a
factory) is split by Pyphen's own expression.

Test that fails without it: tests/test_patches.py::test_pyphen_reads_plain_patterns_in_one_loop
(and, with and without it, equal dictionaries for every language Pyphen ships).

Upstream: to be filed; docs/upstream.md#pyphen-patterns-read-slowly.
"""

from __future__ import annotations

import sys

from . import rewrite

DISTRIBUTION = "pyphen"
VERSION = "0.18.1"
UPSTREAM = "docs/upstream.md#pyphen-patterns-read-slowly"

STATEMENT = """tags, values = zip(*[
            (string, factory(i or '0')) for i, string in parse(pattern)])"""
REPLACEMENT = """tags, values = _imprint_split(pattern) if factory is int else ((), None)  # Imprint: imprint/patches/pyphen_patterns.py
        if values is None:
            tags, values = zip(*[
                (string, factory(i or '0')) for i, string in parse(pattern)])"""

_DIGITS = {str(digit): digit for digit in range(10)}


def split(pattern: str) -> tuple[list[str], tuple[int, ...] | None]:
    """A pattern's letters and the digit before each (and after the last): what
    Pyphen's expression gives, for a pattern of letters and single digits; for
    any other, (_, None)."""
    tags, values, after_digit = [], [0], False
    for character in pattern:
        digit = _DIGITS.get(character)
        if digit is None:
            tags.append(character)
            values.append(0)
            after_digit = False
        elif after_digit:
            return tags, None
        else:
            values[-1] = digit
            after_digit = True
    return tags, tuple(values)


def apply() -> None:
    import pyphen

    if rewrite.is_rewritten(pyphen.HyphDict.__init__):
        return

    pyphen.HyphDict.__init__ = rewrite.replacing(pyphen.HyphDict.__init__, STATEMENT, REPLACEMENT,
                                                 sys.modules[__name__], {"_imprint_split": split})


def applied() -> bool:
    pyphen = sys.modules.get("pyphen")
    return pyphen is not None and rewrite.is_rewritten(pyphen.HyphDict.__init__)


def original():
    """Pyphen's own method (for tests)."""
    import pyphen

    return rewrite.original(pyphen.HyphDict.__init__)
