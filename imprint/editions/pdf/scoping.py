"""Ids made unique among several articles: an issue's file holds the pages of all
its articles, and every id (a named destination, a link target) must be unique."""

from __future__ import annotations

import re

from markupsafe import Markup

# Attributes whose values are ids of the same document (HTML and ARIA).
_ID_ATTRIBUTES = re.compile(r'(?<![\w-])(id|for|headers|aria-labelledby|aria-describedby|aria-controls)="([^"]*)"')
_FRAGMENT = re.compile(r'(?<![\w-])href="#([^"]*)"')


def scope_ids(html: str, prefix: str) -> Markup:
    """The HTML with every id, and every reference to one, prefixed. Attribute
    values come escaped from the templates (no raw quotes), and text never holds
    `name="` unescaped."""
    html = _ID_ATTRIBUTES.sub(
        lambda m: f'{m.group(1)}="{" ".join(prefix + part for part in m.group(2).split())}"', html)
    return Markup(_FRAGMENT.sub(lambda m: f'href="#{prefix}{m.group(1)}"', html))
