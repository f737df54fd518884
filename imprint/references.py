"""Citing other works: in-text citations and the reference list, by citeproc-py.

citeproc-py 0.11.1 renders a CSL style's citation and bibliography layouts, with
locators, prefixes, suffixes and positions (ibid). What it lacks is done here:
- author-suppressed citations ([-@key]) use a copy of the style without names;
- narrative citations (@key) join the author names (a copy of the style keeping
  only names) and the suppressed citation, as Pandoc does;
- year suffixes (2015a, 2015b) for author-date styles that ask for them;
- links from each cited item to its entry, through each item's prefix and suffix,
  which citeproc-py concatenates verbatim;
- a separate first field for styles with `second-field-align` ([1] and the entry).
Every string of every record is HTML-escaped first: the HTML formatter inserts
variable values verbatim.
"""

from __future__ import annotations

import copy
import html
import io
import re
import warnings
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from lxml import etree
from markupsafe import Markup

from .errors import InternalError, StyleError

CSL = "http://purl.org/net/xbiblio/csl"
NS = {"cs": CSL}
FIELD_MARK = "\ue000"  # private use: where a second-field-align style's first field ends

# Locator labels as writers abbreviate them (English and Russian), to CSL locator terms.
LOCATOR_LABELS = {
    "p": "page", "pp": "page", "page": "page", "pages": "page", "с": "page", "стр": "page",
    "ch": "chapter", "chap": "chapter", "chapter": "chapter", "chapters": "chapter", "гл": "chapter",
    "sec": "section", "section": "section", "§": "section", "§§": "section", "разд": "section",
    "vol": "volume", "vols": "volume", "volume": "volume", "т": "volume",
    "fig": "figure", "figs": "figure", "figure": "figure", "рис": "figure",
    "n": "note", "nn": "note", "note": "note", "notes": "note", "прим": "note",
    "para": "paragraph", "paras": "paragraph", "¶": "paragraph", "абз": "paragraph",
    "l": "line", "ll": "line", "line": "line", "lines": "line", "стк": "line",
    "col": "column", "cols": "column", "column": "column", "стб": "column",
    "bk": "book", "book": "book", "pt": "part", "part": "part", "ч": "part",
    "v": "verse", "vv": "verse", "verse": "verse", "fol": "folio", "fols": "folio", "л": "folio",
    "no": "number", "nos": "number", "№": "number", "op": "opus", "s.v": "sub-verbo", "sv": "sub-verbo",
}
_LOCATOR = re.compile(
    r"^\s*,?\s*(?:(?P<label>[^\W\d_]+(?:\.[^\W\d_]+)*|§§?|¶|№)\.?\s*)?"
    r"(?P<value>[\dIVXLCDMivxlcdm]+[\w]*(?:\s*[-\u2013,]\s*[\dIVXLCDMivxlcdm]+[\w]*)*)(?P<rest>.*)$",
    re.S,
)


@dataclass(frozen=True)
class CiteItem:
    key: str
    prefix: str = ""  # HTML
    suffix: str = ""  # HTML
    locator: str | None = None
    label: str | None = None  # a CSL locator term: page, chapter, ...
    suppress_author: bool = False


@dataclass(frozen=True)
class CiteGroup:
    items: tuple[CiteItem, ...]
    narrative: bool = False  # @key in the running text: "Smith (2015)"


@dataclass(frozen=True)
class Rendered:
    text: Markup  # what stands in the text (for a note style: the author, or nothing)
    note: Markup | None  # for a note style: the note's text


@dataclass(frozen=True)
class Entry:
    key: str
    id: str  # the entry's id in both editions: "ref-smith2015"
    html: Markup


def split_locator(suffix: str) -> tuple[str | None, str | None, str]:
    """', p. 12 and passim' -> ('12', 'page', ' and passim'). A bare number is a page."""
    match = _LOCATOR.match(suffix)
    if not match:
        return None, None, suffix
    label = match.group("label")
    if label is None:
        return match.group("value"), "page", match.group("rest")
    term = LOCATOR_LABELS.get(label.lower().rstrip("."))
    if term is None:
        return None, None, suffix
    return match.group("value"), term, match.group("rest")


def entry_id(key: str) -> str:
    return "ref-" + re.sub(r"[^\w.-]", "-", key)


class Citer:
    """Citations and the reference list of one article in one CSL style."""

    def __init__(self, records: Mapping[str, Mapping[str, Any]], style_path: Path, lang: str,
                 and_word: str = "and", et_al: str = "et al.", rich_text: bool = True):
        self.records = records
        self.rich_text = rich_text  # CSL-JSON's <i>, <b>, <sup>, <sub> in the records are markup
        self.style_path = style_path
        self.lang = lang
        self.and_word = and_word
        self.et_al = et_al
        self.root = _style_root(str(style_path))
        self.is_note_style = self.root.get("class") == "note"

    # -- public

    def cite(self, groups: Sequence[CiteGroup], nocite: Sequence[str] = ()) -> tuple[list[Rendered], list[Entry]]:
        """Render every group (in document order) and the reference list."""
        from citeproc import Citation, CitationItem, Locator

        used = list(dict.fromkeys([i.key for g in groups for i in g.items] + list(nocite)))
        source = self._source(used)
        kinds = {"normal", "suppressed", "author"}
        bibliographies = {kind: self._bibliography(kind, source) for kind in kinds}
        citations: dict[str, list] = {kind: [] for kind in kinds}
        for kind, bibliography in bibliographies.items():
            for group in groups:
                items = [CitationItem(item.key, prefix=self._prefix(item), suffix=self._suffix(item),
                                      **({"locator": Locator(item.label, item.locator)} if item.locator else {}))
                         for item in group.items]
                citation = Citation(items)
                bibliography.register(citation)
                citations[kind].append(citation)
            for key in nocite:
                bibliography.register(Citation([CitationItem(key)]))
            bibliography.sort()
        # The reference list from items without locators: citeproc-py renders an
        # entry from the first item registered, locator included (0.11.1).
        listed = self._bibliography("normal", source)
        for key in used:
            listed.register(Citation([CitationItem(key)]))
        listed.sort()
        rendered = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for index, group in enumerate(groups):
                rendered.append(self._render(group, index, bibliographies, citations))
            entries = self._entries(listed)
        return rendered, entries

    def reference(self) -> tuple[Markup, str]:
        """A single record's reference-list entry (the article citing itself): (HTML, text)."""
        if self.root.find("cs:bibliography", NS) is None:
            raise StyleError.single(str(self.style_path), "the CSL style has no <bibliography> layout",
                                    hint="choose a style that formats a reference list")
        from citeproc import Citation, CitationItem

        key = next(iter(self.records))
        bibliography = self._bibliography("reference", self._source([key]))
        bibliography.register(Citation([CitationItem(key)]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            text = _check(str(bibliography.bibliography()[0]), self.style_path)
        markup = Markup(text.replace(FIELD_MARK, " ").strip())
        return markup, html.unescape(re.sub(r"<[^>]+>", "", str(markup)))

    # -- rendering

    def _render(self, group: CiteGroup, index: int, bibliographies: dict, citations: dict) -> Rendered:
        def run(kind: str) -> str:
            return str(bibliographies[kind].cite(citations[kind][index], lambda item: None))

        if group.narrative:
            item = group.items[0]
            author = self._author_text(run("author"), item)
            rest = run("normal" if self.is_note_style else "suppressed")
            if self.is_note_style:
                return Rendered(Markup(author), Markup(_check(rest, self.style_path)))
            return Rendered(Markup(_check(f"{author} {rest}", self.style_path)), None)
        kind = "suppressed" if all(i.suppress_author for i in group.items) else "normal"
        text = Markup(_check(run(kind), self.style_path))
        if self.is_note_style:
            return Rendered(Markup(""), text)
        return Rendered(text, None)

    def _author_text(self, rendered: str, item: CiteItem) -> str:
        """The names as the style writes them in a citation, else family names of our own."""
        text = re.sub(r"<[^>]+>", "", rendered).strip()
        if text:
            return f'<a class="citation" href="#{entry_id(item.key)}">{html.escape(html.unescape(text))}</a>'
        record = self.records[item.key]
        names = record.get("author") or record.get("editor") or []
        families = [n.get("family") or n.get("literal", "") for n in names]
        if not families:
            written = html.escape(str(record.get("title-short") or record.get("title", item.key)))
        elif len(families) == 1:
            written = html.escape(families[0])
        elif len(families) == 2:
            written = html.escape(f"{families[0]} {self.and_word} {families[1]}")
        else:
            written = html.escape(f"{families[0]} {self.et_al}")
        return f'<a class="citation" href="#{entry_id(item.key)}">{written}</a>'

    def _prefix(self, item: CiteItem) -> str:
        prefix = item.prefix.strip() + " " if item.prefix.strip() else ""
        return f'{prefix}<a class="citation" href="#{entry_id(item.key)}">'

    def _suffix(self, item: CiteItem) -> str:
        return "</a>" + item.suffix.rstrip()

    def _entries(self, bibliography) -> list[Entry]:
        """One entry per item, rendered one by one: citeproc-py leaves out an entry
        it cannot format, which would shift every later entry onto the wrong key."""
        by_lower = {key.lower(): key for key in self.records}
        entries = []
        for item in bibliography.items:
            original = by_lower[item.key]
            found = bibliography.style.render_bibliography([item])
            if not found or not str(found[0]).strip():
                kind = self.records[original].get("type")
                raise StyleError.single(
                    str(self.style_path), f"the style formats nothing for the reference '{original}' (type {kind})",
                    hint="give the reference a type the style knows: article-journal, book, chapter, report, ...")
            text = _check(str(found[0]), self.style_path)
            if FIELD_MARK in text:
                first, rest = text.split(FIELD_MARK, 1)
                text = f'<span class="csl-left-margin">{first}</span><span class="csl-right-inline">{rest}</span>'
            entries.append(Entry(original, entry_id(original), Markup(text)))
        return entries

    # -- citeproc set-up

    def _source(self, keys: list[str]):
        from citeproc.source.json import CiteProcJSON

        records = [dict(self.records[key]) for key in keys]
        citation = self.root.find("cs:citation", NS)
        if citation is not None and citation.get("disambiguate-add-year-suffix") == "true":
            _add_year_suffixes(records)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # it names every CSL variable it does not use
            return CiteProcJSON([_escaped(r, self.rich_text) for r in records])

    def _bibliography(self, kind: str, source):
        from citeproc import CitationStylesBibliography, formatter

        style = _style(str(self.style_path), self.lang, kind)
        return CitationStylesBibliography(style, source, formatter.html)

    @property
    def hanging_indent(self) -> bool:
        bibliography = self.root.find("cs:bibliography", NS)
        return bibliography is not None and bibliography.get("hanging-indent") == "true"


_NUMERIC = re.compile(r"^[A-Z]*\d+[A-Z]*(\s*[-\u2013,&]\s*[A-Z]*\d+[A-Z]*)*$", re.I)


def _patch_citeproc() -> None:
    """Two fixes to citeproc-py 0.11.1, and a memo, which refuse any other version.

    It tests `is-numeric="locator"` against the record, where a locator never is,
    so APA prints "(Goldman, 2012, 4)" for chapter 4; CSL 1.0.2 (is-numeric) means
    the cite's locator, and counts ranges and lists ("12-15") as numeric too.
    And it renders labels of variables the item does not have (see below)."""
    import citeproc
    from citeproc import model

    if getattr(model.If, "_imprint_numeric", False):
        return
    if citeproc.__version__ != "0.11.1":
        raise InternalError(f"imprint/references.py patches citeproc-py 0.11.1, not {citeproc.__version__}")

    def is_numeric(self, item) -> list[bool]:
        results = []
        for variable in self.get("is-numeric").split():
            if variable == "locator":
                value = item.locator.identifier if item.has_locator else None
            else:
                key = variable.replace("-", "_")
                value = item.reference[key] if key in item.reference else None
            results.append(value is not None and bool(_NUMERIC.match(str(value))))
        return results

    model.If._is_numeric = is_numeric
    model.If._imprint_numeric = True

    # CSL 1.0.2, cs:label: a label is only rendered with its variable. citeproc-py
    # renders it alone too: Chicago's short notes print "edition" for every article.
    label_process = model.Label.process

    def process(self, item, variable=None, plural=None, context=None, **kwargs):
        name = variable or self.get("variable")
        if name == "locator":
            if not item.has_locator:
                return None
        elif name and self.getparent().tag != f"{{{CSL}}}names" and name.replace("-", "_") not in item.reference:
            return None
        return label_process(self, item, variable, plural, context, **kwargs)

    model.Label.process = process

    # Macros by name, found once per style: citeproc-py compiles and runs an XPath
    # query at each macro call (362 of them, 9 ms, for one Chicago reference).
    # Its own first match wins, as with its "cs:macro[@name=...][1]".
    def get_macro(self, name):
        root = self.get_root()
        macros = getattr(root, "_imprint_macros", None)
        if macros is None:
            macros = {}
            for macro in root.iterfind(f"{{{CSL}}}macro"):
                macros.setdefault(macro.get("name"), macro)
            root._imprint_macros = macros  # kept like citeproc-py's own root.formatter
        try:
            return macros[name]
        except KeyError:
            raise IndexError(name) from None  # as the query's [0] would

    model.CitationStylesElement.get_macro = get_macro


@lru_cache(maxsize=32)
def _style_root(path: str) -> etree._Element:
    try:
        root = etree.parse(path, etree.XMLParser(no_network=True, resolve_entities=False)).getroot()
    except (OSError, etree.XMLSyntaxError) as error:
        raise StyleError.single(path, f"the CSL style is not valid XML: {error}") from None
    if root.tag != f"{{{CSL}}}style":
        raise StyleError.single(path, "this is not a CSL style (no <style> element)")
    return root


@lru_cache(maxsize=64)
def _style(path: str, lang: str, kind: str):
    """The style, or one of its variants, ready for citeproc-py."""
    from citeproc import CitationStylesStyle

    _patch_citeproc()
    root = copy.deepcopy(_style_root(path))
    if kind == "suppressed":
        _drop_names(root)
    elif kind == "author":
        _keep_only_names(root)
    elif kind == "reference":  # a reference on its own: no "1." of a numbered list
        for number in list(root.iterfind(".//cs:text[@variable='citation-number']", NS)):
            number.getparent().remove(number)
    if kind != "reference":
        _mark_first_field(root)
    # The style's own default-locale wins (a house style is in its journal's
    # language); otherwise the article's language picks the terms.
    locale = root.get("default-locale") or lang
    data = etree.tostring(root)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return CitationStylesStyle(io.BytesIO(data), locale=locale, validate=False)
    except Exception as error:  # citeproc-py raises bare exceptions for bad styles
        raise StyleError.single(path, f"the CSL style cannot be used: {error}") from None


def _macros(root: etree._Element) -> dict[str, etree._Element]:
    return {m.get("name"): m for m in root.findall("cs:macro", NS)}


def _calls_names(element: etree._Element, macros: dict, seen: frozenset = frozenset()) -> bool:
    if element.tag == f"{{{CSL}}}names":
        return True
    name = element.get("macro")
    if name and name not in seen and name in macros and _calls_names(macros[name], macros, seen | {name}):
        return True
    return any(_calls_names(child, macros, seen) for child in element)


def _drop_names(root: etree._Element) -> None:
    """[-@key]: the citation without its names (substitutes included)."""
    for names in list(root.iter(f"{{{CSL}}}names")):
        names.getparent().remove(names)


def _keep_only_names(root: etree._Element) -> None:
    """The names a citation starts with, and nothing else (for @key in the text).

    Macros that mix names with other parts (Chicago's "citation-author-date-item")
    are expanded in place so that only their names are kept."""
    macros = _macros(root)
    layout = root.find("cs:citation/cs:layout", NS)
    if layout is None:
        return
    for attribute in ("prefix", "suffix"):
        layout.attrib.pop(attribute, None)
    structural = {f"{{{CSL}}}{tag}" for tag in ("group", "choose", "if", "else-if", "else", "layout")}

    def prune(element: etree._Element, seen: frozenset) -> None:
        for child in list(element):
            if not isinstance(child.tag, str):  # a comment
                element.remove(child)
            elif child.tag == f"{{{CSL}}}names":
                continue
            elif not _calls_names(child, macros):
                element.remove(child)
            elif child.get("macro") and child.get("macro") not in seen:
                group = etree.Element(f"{{{CSL}}}group")
                group.extend(copy.deepcopy(list(macros[child.get("macro")])))
                element.replace(child, group)
                prune(group, seen | {child.get("macro")})
            elif child.tag in structural:
                prune(child, seen)

    prune(layout, frozenset())
    # Keep only the first names-bearing part: "Smith", not "Smith, Smith".
    kept = [c for c in layout if _calls_names(c, macros)]
    for extra in kept[1:]:
        layout.remove(extra)
    for element in layout.iter(f"{{{CSL}}}group"):
        element.attrib.pop("prefix", None)
        element.attrib.pop("suffix", None)


def _mark_first_field(root: etree._Element) -> None:
    """Styles with second-field-align print the entry's first field apart ([1])."""
    bibliography = root.find("cs:bibliography", NS)
    if bibliography is None or not bibliography.get("second-field-align"):
        return
    layout = bibliography.find("cs:layout", NS)
    first = next((c for c in layout if isinstance(c.tag, str)), None) if layout is not None else None
    if first is not None:
        first.set("suffix", (first.get("suffix") or "") + FIELD_MARK)


def _add_year_suffixes(records: list[dict]) -> None:
    """2015a, 2015b: works by the same names in the same year, ordered by title."""
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for record in records:
        names = record.get("author") or record.get("editor") or []
        who = tuple(n.get("family") or n.get("literal", "") for n in names)
        year = ((record.get("issued") or {}).get("date-parts") or [[None]])[0][0]
        if who and year:
            groups[(who, year)].append(record)
    for members in groups.values():
        if len(members) > 1:
            for index, record in enumerate(sorted(members, key=lambda r: str(r.get("title", "")).lower())):
                record["year-suffix"] = "abcdefghijklmnopqrstuvwxyz"[index % 26]


_RICH_TEXT = re.compile(r"&lt;(/?)(i|b|sup|sub)&gt;")
_DROPPED_TAGS = re.compile(r"&lt;/?(?:span|sc)(?:\s[^&]*?)?&gt;")


def _escaped(value: Any, rich_text: bool = True) -> Any:
    """Escaped for HTML. With `rich_text` (a bibliography's records), the rich
    text CSL-JSON allows (<i>, <b>, <sup>, <sub>) is kept as markup, and the tags
    citeproc-py cannot apply (nocase and small-caps spans, <sc>) reduced to their
    text; without (an article's own record, from plain front matter), every
    character is literal."""
    if isinstance(value, str):
        text = html.escape(value, quote=False)
        return _DROPPED_TAGS.sub("", _RICH_TEXT.sub(r"<\1\2>", text)) if rich_text else text
    if isinstance(value, dict):
        return {k: (v if k == "id" else _escaped(v, rich_text)) for k, v in value.items()}
    if isinstance(value, list):
        return [_escaped(v, rich_text) for v in value]
    return value


def _check(fragment: str, style_path: Path) -> str:
    try:
        etree.fromstring(f"<div>{str(fragment)}</div>")
    except etree.XMLSyntaxError as error:
        raise InternalError(f"citeproc produced malformed HTML with {style_path.name}: {error}") from None
    return str(fragment).strip()
