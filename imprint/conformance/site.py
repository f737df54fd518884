"""The site's pages and the OPDS catalogue: every link resolved to a file (and an id) in dist/."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit


def check_html(path: Path, dist: Path, work: Path, tools: bool):
    from lxml import html

    tree = html.fromstring(path.read_bytes())
    for attribute in ("href", "src"):
        for element in tree.xpath(f"//*[@{attribute}]"):
            message = _broken(element.get(attribute), path, dist)
            if message:
                yield "error", f"<{element.tag} {attribute}=\"{element.get(attribute)}\">: {message}"


def check_opds(path: Path, dist: Path, work: Path, tools: bool):
    from lxml import etree

    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        yield "error", f"not well-formed XML: {error}"
        return
    for link in tree.iter("{http://www.w3.org/2005/Atom}link"):
        message = _broken(link.get("href"), path, dist)
        if message:
            yield "error", f"link {link.get('href')}: {message}"


def _broken(reference: str | None, page: Path, dist: Path) -> str | None:
    if not reference:
        return "empty link"
    parts = urlsplit(reference)
    if parts.scheme or reference.startswith("//"):
        return None  # on the web: not part of dist/
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if not target.is_relative_to(dist.resolve()):
        return "leads out of dist/"
    if not target.exists():
        return "no such file in dist/"
    if parts.fragment and target.suffix in (".html", ".xhtml"):
        text = target.read_text(encoding="utf-8", errors="replace")
        if f'id="{parts.fragment}"' not in text:
            return f"no element with id '{parts.fragment}'"
    return None
