"""What a page a template made loads to show itself: its images, stylesheets,
scripts, media, and the url()s of its style attributes and <style> elements.
A link (<a href>) is not loaded: a reader follows it or not.

The EPUB must hold all of it (editions/epub.py), the site its pages' (site/pages.py),
the project the print pages' (editions/pdf/article.py), and nothing a build publishes
may load from the network: `unheld()` tells what is not, at its template's line. The
stylesheets' own references are checked where the theme hands them over
(stylesheets.py).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Callable, Iterator
from urllib.parse import urlsplit

from ..errors import Problem

if TYPE_CHECKING:
    from . import Theme

# (tag, attribute) of what a page loads; a <link> only as a stylesheet or an icon.
RESOURCES = (("img", "src"), ("img", "srcset"), ("source", "src"), ("source", "srcset"), ("link", "href"),
             ("script", "src"), ("audio", "src"), ("video", "src"), ("video", "poster"), ("track", "src"),
             ("object", "data"), ("embed", "src"), ("iframe", "src"), ("input", "src"))
# Where a page may load something other than Imprint's file: URLs and data: (RESOURCES' attributes, url()):
# a page without it needs no parsing for unheld() (the print HTML of a long article is half a megabyte).
MAY_LOAD_ELSEWHERE = re.compile(r"""\s(?:src|srcset|data|poster)\s*=\s*(?!["']?(?:file:|data:))"""
                                r"""|<link\b[^>]*\shref\s*=\s*(?!["']?(?:file:|data:))|url\(\s*(?!["']?(?:file:|data:))""",
                                re.I)
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


SHOW_A_PICTURE = ("show a picture of styles/images/ as {{ image(\"logo.png\") }} (a data: URL, which every edition "
                  "holds), or leave it out")


def unheld(root, theme: Theme, template: str, holds: Callable[[str], bool], said: tuple[str, str],
           prefix: str = "", namespace: str = "", hints: tuple[str, str] = (SHOW_A_PICTURE, SHOW_A_PICTURE)
           ) -> list[Problem]:
    """What a page of `template` (`root`: its lxml tree) loads that its edition or
    site does not have (`holds(url)`: whether it has), each told at the line of the
    template (or one it includes) that names it, with what `said` says of it and
    `hints` advise: loaded from the network, or a file it has not."""
    problems = []
    for shown, url in loaded(root, namespace):
        if not holds(url):
            far = remote(url)
            file, line = theme.template_line(template, re.compile(re.escape(url)).search)
            problems.append(Problem(file, f"{prefix}{shown} {said[0] if far else said[1]}", line=line,
                                    hint=hints[0] if far else hints[1]))
    return list(dict.fromkeys(problems))
