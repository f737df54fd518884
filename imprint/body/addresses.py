"""A link's address on paper: which links print it, and as what.

On a printed page a link is its text only: `[the archive's catalogue](https://...)`
loses where it points. The print renderer (html.Renderer._Link) prints the address
of an external link after its text or in a note at the page's foot (`links-as-notes`,
as Pandoc's LaTeX does); this module decides which links need it (not one whose
text is already its address) and what is printed (the address as a reader types it).
"""

from __future__ import annotations

import re
from urllib.parse import unquote

# How an external link's address is printed (the front matter's `links-as-notes`):
INLINE, NOTES = "inline", "notes"

# What a link's text may leave out of its address and still be it: the scheme
# (`example.org/page` for https://example.org/page), "www.", the DOI resolver
# (`doi:10.5555/x`, `10.5555/x` for https://doi.org/10.5555/x), a final slash.
_SCHEME = re.compile(r"^(?:(?:https?|ftp)://(?:www\.)?(?:dx\.)?(?:doi\.org/)?|mailto:|doi:\s*|www\.)", re.I)
_ENCODED_LETTERS = re.compile(r"(?:%[89A-Fa-f][0-9A-Fa-f])+")  # (UTF-8 bytes of non-ASCII characters)


def is_its_address(text: str, href: str) -> bool:
    """Whether a link's text is its address (an autolink, an e-mail address for its
    mailto:, a DOI for its https://doi.org/ link): printed once, not twice."""
    return bool(text.strip()) and _bare(text) == _bare(href)


def _bare(address: str) -> str:
    return _SCHEME.sub("", unquote(address.strip())).rstrip("/").lower()


def printed_address(href: str) -> str:
    """The address as a reader types it: an e-mail address without its mailto:,
    letters of other scripts as letters (Pandoc percent-encodes them: the
    author wrote https://ru.wikipedia.org/wiki/Тюмень, not %D0%A2...); what a
    URL must encode (a space, a slash in a segment: %2F) stays encoded."""
    if href.lower().startswith("mailto:"):
        href = href[len("mailto:"):]
    return _ENCODED_LETTERS.sub(_letters, href)


def _letters(match: re.Match) -> str:
    try:
        return unquote(match.group(), errors="strict")
    except UnicodeDecodeError:  # (bytes that are no UTF-8 text: left as written)
        return match.group()
