"""Where a file of dist/ is published: its absolute URL under the base URL.

One page has one URL: a page (`<folder>/index.html`) is addressed by its folder
(`<base>/<folder>/`), in the records, the landing page's tags and JSON-LD, the OPDS
catalogue and the handout's QR code and printed address alike (the handout was the
only one to say `…/<slug>/`: QA 25 Z9). Links between pages still name index.html
(pages.Place.link): opened from disk a folder is no page, on a web server it is its
index.html.
"""

from __future__ import annotations

PAGE = "index.html"


def published(base_url: str, path: str) -> str:
    """The URL of `path` (relative to dist/) under `base_url`; a page's by its folder."""
    if path == PAGE or path.endswith("/" + PAGE):
        path = path[:-len(PAGE)]
    return f"{base_url.rstrip('/')}/{path}"
