"""What a page a template made loads to show itself: its images, stylesheets,
scripts, media, and the url()s of its style attributes and <style> elements.
A link (<a href>) is not loaded: a reader follows it or not.

The EPUB must hold all of it (editions/epub.py), and nothing a build publishes
may load from the network (the site's pages: site/pages.py); the stylesheets'
own references are checked where the theme hands them over (stylesheets.py).
"""

from __future__ import annotations

import re
from typing import Iterator
from urllib.parse import urlsplit

# (tag, attribute) of what a page loads; a <link> only as a stylesheet or an icon.
RESOURCES = (("img", "src"), ("img", "srcset"), ("source", "src"), ("source", "srcset"), ("link", "href"),
             ("script", "src"), ("audio", "src"), ("video", "src"), ("video", "poster"), ("track", "src"),
             ("object", "data"), ("embed", "src"), ("iframe", "src"), ("input", "src"))
_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)""")


def loaded(root, namespace: str = "") -> Iterator[tuple[str, str]]:
    """Each URL a page (an lxml tree; `namespace`: XHTML's, for an EPUB page)
    loads, with how it is written (`<img src="...">`, `url(...)`); data: and
    in-page (#x) references left out."""
    prefix = f"{{{namespace}}}" if namespace else ""
    found = []
    for tag, name in RESOURCES:
        for element in root.iter(prefix + tag):
            value = element.get(name)
            rel = (element.get("rel") or "").split()
            if value and not (tag == "link" and "stylesheet" not in rel and "icon" not in rel):
                urls = [part.strip().split(" ")[0] for part in value.split(",")] if name == "srcset" else [value]
                found += [(f'<{tag} {name}="{value}">', url) for url in urls]
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        styles = [element.get("style") or ""] + ([element.text or ""] if element.tag == prefix + "style" else [])
        found += [(f"url({url})", url) for text in styles for url in _CSS_URL.findall(text)]
    for shown, url in found:
        if url and not url.startswith("#") and urlsplit(url).scheme.lower() != "data":
            yield shown, url


def remote(url: str) -> bool:
    """Whether `url` is on another host (a scheme, or // before a host)."""
    return bool(urlsplit(url).scheme) or url.startswith("//")
