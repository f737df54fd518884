"""tinyhtml5 2.1.0: the expressions that find runs of characters kept under the key they are looked up by.

Version: tinyhtml5 2.1.0 exactly (VERSION; check_versions() refuses another).

What goes wrong: nothing but time. WeasyPrint parses a document's HTML with
tinyhtml5, whose tokenizer reads text, attribute names and attribute values as
runs of characters (`HTMLInputStream.chars_until(characters, opposite)`). Each
run is found by an expression kept in the module's dictionary
`characters_until_regex`, but the statement that keeps it,
`characters = characters_until_regex[(characters, opposite)] = regex`, binds
`characters` to the expression first and then stores it under
(expression, opposite): the next lookup, by (characters, opposite), never finds
it, and the expression's text is built again for every run (the `re` module's
own cache then compiles it once). Measured (2026-12-05, this version, 2 cores,
best of 5): the math benchmark article's print HTML (127 kB, 300 formula
elements with attributes) 45 ms to parse without the patch, 20 ms with it; the
30,000-word article's (510 kB) 55 ms and 37 ms; the same trees. The patch puts
in that dictionary's place one that makes a missing expression when it is looked
up (`__missing__`), written the way chars_until writes it, and keeps it under
the key it was looked up by: chars_until's own statement then never runs.

Test that fails without it: tests/test_patches.py::test_tinyhtml5_finds_its_expressions_again
(and, with and without it, the same tree for a document with text, attributes,
comments, entities and Cyrillic).

Upstream: to be filed; docs/upstream.md#tinyhtml5-expressions-never-found-again.
"""

from __future__ import annotations

import re
import sys

DISTRIBUTION = "tinyhtml5"
VERSION = "2.1.0"
UPSTREAM = "docs/upstream.md#tinyhtml5-expressions-never-found-again"


class Expressions(dict):
    """Expressions by (characters, opposite), each made when first looked up:
    a run of characters not among `characters` (among them, if `opposite`)."""

    def __missing__(self, key: tuple) -> re.Pattern:
        characters, opposite = key
        listed = "".join(f"\\x{ord(character):02x}" for character in characters)
        expression = self[key] = re.compile(f"[{'' if opposite else '^'}{listed}]+")
        return expression


def apply() -> None:
    from tinyhtml5 import inputstream

    if not isinstance(inputstream.characters_until_regex, Expressions):
        inputstream.characters_until_regex = Expressions()


def applied() -> bool:
    inputstream = sys.modules.get("tinyhtml5.inputstream")
    return inputstream is not None and isinstance(inputstream.characters_until_regex, Expressions)


def original() -> dict:
    """What tinyhtml5 has in its place (for tests): a plain dictionary."""
    return {}
