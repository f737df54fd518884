"""A link's address on paper: which links print it, and as what.

On a printed page a link is its text only: `[the archive's catalogue](https://...)`
loses where it points. The print renderer (html.Renderer._Link) prints the address
of an external link after its text or in a note at the page's foot (`links-as-notes`,
as Pandoc's LaTeX does); this module decides which links need it (not one whose
text is already its address) and what is printed (the address as a reader types it).
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote, unquote

# How an external link's address is printed (the front matter's `links-as-notes`):
INLINE, NOTES = "inline", "notes"

# What a link's text may leave out of its address and still be it: the scheme
# (`example.org/page` for https://example.org/page), "www.", the DOI resolver
# (`doi:10.5555/x`, `doi.org/10.5555/x`, `10.5555/x` for https://doi.org/10.5555/x),
# a final slash; an e-mail address its mailto: and what follows it (`?subject=`).
_SCHEME = re.compile(r"^(?:(?:(?:https?|ftp)://)?(?:www\.)?(?:dx\.)?(?:doi\.org/)?|doi:\s*)", re.I)
_MAILTO = re.compile(r"^mailto:([^?]*)", re.I)
_ENCODED = re.compile(r"(?:%[89A-Fa-f][0-9A-Fa-f])+")  # (UTF-8 bytes of non-ASCII characters)


def is_its_address(text: str, href: str) -> bool:
    """Whether a link's text is its address (an autolink, an e-mail address for its
    mailto:, a DOI for its https://doi.org/ link): printed once, not twice."""
    return bool(text.strip()) and _bare(text) == _bare(href)


def _bare(address: str) -> str:
    """An address as compared: without what a text may leave out, its host in
    lower case (a path's case is its own: /Cat is not /cat); an e-mail address
    in lower case."""
    address = unquote(address.strip())
    if (mail := _MAILTO.match(address)) is not None:
        return mail.group(1).lower()
    if "@" in address and "/" not in address:
        return address.lower()
    bare = _SCHEME.sub("", address).rstrip("/")
    host, *rest = re.split(r"(?=[/?#])", bare, maxsplit=1)
    return host.lower() + "".join(rest)


def printed_address(href: str) -> str:
    """The address as a reader types it: an e-mail address without its mailto:
    (and a subject given after it), letters of other scripts as letters (Pandoc
    percent-encodes them: the author wrote https://ru.wikipedia.org/wiki/Тюмень,
    not %D0%A2...); what a URL must encode (a space, a slash in a segment: %2F)
    stays encoded, and so does what a reader could not read or type as it
    prints (a character of a right-to-left script, which the line would
    reorder; an invisible or control character)."""
    if (mail := _MAILTO.match(href)) is not None:
        return unquote(mail.group(1))
    return _ENCODED.sub(_letters, href)


def _letters(match: re.Match) -> str:
    try:
        text = unquote(match.group(), errors="strict")
    except UnicodeDecodeError:  # (bytes that are no UTF-8 text: left as written)
        return match.group()
    return "".join(c if _readable(c) else quote(c, safe="") for c in text)


def _readable(character: str) -> bool:
    """A letter, mark or digit of a left-to-right script."""
    return unicodedata.category(character)[0] in "LMN" and unicodedata.bidirectional(character) not in ("R", "AL")
