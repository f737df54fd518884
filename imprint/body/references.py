"""Records formatted by CSL styles: an article's "For citation" line in its own
style, and its "Cite as" lines on the site, all in one Pandoc run
(references.lua runs Pandoc's citeproc once per style)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping, Sequence

from markupsafe import Markup

from ..errors import StyleError
from ..files import read_found
from . import citeproc_js, pandoc
from .ast import attr, walk
from .chapters import EPUB, plain_text
from .html import Renderer

HERE = Path(__file__).parent
CSL = "{http://purl.org/net/xbiblio/csl}"


def format_references(records: Sequence[Mapping[str, Any]], styles: Sequence[Path], lang: str, *, file: str,
                      deadline: float, quotes: str = "“”‘’", cache: Path | None = None
                      ) -> list[list[tuple[Markup, str]]]:
    """For each style, every record as its reference list formats it: (HTML, text).
    `cache`: the project's cache of Pandoc's answers (pandoc.cache_in())."""
    return start(records, styles, lang, file=file, deadline=deadline, quotes=quotes, cache=cache).result()


class Formatting:
    """References being formatted by Pandoc: result() waits for them."""

    def __init__(self, running: pandoc.Running | pandoc.Kept, records, styles, lang: str, file: str, quotes: str):
        self.running, self.records, self.styles = running, records, styles
        self.lang, self.file, self.quotes = lang, file, quotes

    def cancel(self) -> None:
        self.running.cancel()

    def result(self) -> list[list[tuple[Markup, str]]]:
        try:
            output, _ = self.running.result()
        except pandoc.PandocFailed as error:
            raise StyleError.single(self.file, f"Pandoc's citeproc could not use the citation style: {error}",
                                    hint="check the .csl file: it must be a valid CSL 1.0 style") from None
        return _formatted(output, self.records, self.styles, self.lang, self.file, self.quotes)


def start(records: Sequence[Mapping[str, Any]], styles: Sequence[Path], lang: str, *, file: str,
          deadline: float, quotes: str = "“”‘’", cache: Path | None = None) -> Formatting:
    """format_references() started: meanwhile this process can work."""
    files = {"refs.json": json.dumps([citeproc_js.for_pandoc(r, lang) for r in records],
                                     ensure_ascii=False).encode("utf-8"),
             "references.lua": (HERE / "references.lua").read_bytes()}
    names = []
    for index, style in enumerate(styles):
        files[f"style-{index}.csl"] = check_style(read_found(style, "CSL style"), str(style.name))
        names.append(f"style-{index}.csl")
    files["meta.json"] = json.dumps({"imprint-bibliography": "refs.json", "imprint-styles": names,
                                     "lang": lang}).encode("utf-8")
    running = pandoc.start(["-f", "markdown", "-t", "json", "--metadata-file=meta.json",
                            "--lua-filter=references.lua"], b"", what="the citation styles", file=file,
                           deadline=deadline, files=files, cache=cache)
    if os.environ.get("IMPRINT_CITEPROC_DUMP"):
        _dump(records, styles, lang)
    return Formatting(running, records, styles, lang, file, quotes)


def _formatted(output: bytes, records, styles, lang: str, file: str, quotes: str) -> list[list[tuple[Markup, str]]]:
    renderer = Renderer(EPUB, lang, quotes)
    result = []
    for div in json.loads(output)["blocks"]:
        entries = [n for n in walk(div["c"][1]) if n["t"] == "Div" and "csl-entry" in attr(n)[1]]
        formatted = []
        for entry in entries:
            html = renderer.run_in(entry["c"][1])
            formatted.append((Markup(html), plain_text(html)))
        if len(formatted) != len(records):
            raise StyleError.single(file, "the citation style prints nothing for this article "
                                    f"(of type {records[0].get('type')})",
                                    hint="choose a style that formats this type")
        result.append(formatted)
    return result


def check_style(style: bytes, name: str) -> bytes:
    """A CSL style that can format a reference list, as it formats one work on
    its own line (own_line), compact for Pandoc (citeproc_js.compact); or a
    StyleError saying why not."""
    from lxml import etree

    try:
        root = etree.fromstring(style, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        raise StyleError.single(name, f"the style is not valid XML: {error}") from None
    if root.find(f"{CSL}bibliography") is None:
        raise StyleError.single(name, "the style has no <bibliography> layout: it cannot format a reference, "
                                "so not the \"For citation\" line either",
                                hint="choose a style with a bibliography (most have one)")
    return citeproc_js.compact(own_line(root))


def own_line(root):
    """The style (its root, changed in place) formatting a work on a line of its
    own ("For citation", "Cite as"), not as an entry of a numbered reference
    list: without the entry's number or label ("1. Petrov P." in GOST, "[1] P.
    Petrov" in IEEE, "[Pet24]" in alphanumeric styles), which the reader's own
    list would number otherwise, nor the column it sits in
    (second-field-align). Journals print the line so; everything else the style
    says is kept. (scripts/citeproc_goldens.py renders the
    goldens of these lines with the same style.)"""
    for element in list(root.iter(f"{CSL}text", f"{CSL}number", f"{CSL}key", f"{CSL}label")):
        if element.get("variable") in ("citation-number", "citation-label"):  # (what prints it, not a condition)
            element.getparent().remove(element)
    bibliography = root.find(f"{CSL}bibliography")
    if bibliography is not None:
        bibliography.attrib.pop("second-field-align", None)
    return root


def _dump(records: Sequence[Mapping[str, Any]], styles: Sequence[Path], lang: str) -> None:
    citeproc_js.dump_job(f"{records[0]['id']}.reference.json", {
        "style": str(styles[0]), "lang": lang, "records": list(records), "nocite": ["*"], "citations": []})
