"""Records formatted by CSL styles: an article's "For citation" line in its own
style, and its "Cite as" lines on the site, in one Pandoc run (references.lua
runs Pandoc's citeproc once per job: a bibliography in a style); or, formatted
ahead, the lines of many articles in one run (format_ahead), which their units
then find (`known`)."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Mapping, Sequence

from markupsafe import Markup

from ..errors import ImprintError, InternalError, StyleError, UserError
from ..files import display, read_found
from . import citeproc_js, csl, pandoc
from .csl import CSL
from .ast import attr, walk
from .chapters import EPUB, plain_text
from .html import Renderer

HERE = Path(__file__).parent
Line = tuple[Markup, str]  # a work as a style formats it: HTML, and plain text
# Variables of a record that reference lists seldom print: a style that never
# names one cannot print it, so the record is the same to it with or without.
SELDOM = ("abstract", "keyword")


def format_references(records: Sequence[Mapping[str, Any]], styles: Sequence[Path], lang: str, *, file: str,
                      deadline: float, quotes: str = "“”‘’", cache: Path | None = None,
                      known: Mapping[str, Line] | None = None) -> list[list[Line]]:
    """For each style, every record as its reference list formats it: (HTML, text).
    `cache`: the project's cache of Pandoc's answers (pandoc.cache_in()); `known`:
    lines formatted ahead (format_ahead), by line_key()."""
    return start(records, styles, lang, file=file, deadline=deadline, quotes=quotes, cache=cache,
                 known=known).result()


@dataclass(frozen=True)
class Style:
    """A CSL style as Pandoc is given it (check_style), with what its lines' keys need."""

    text: bytes
    digest: str
    unseen: frozenset[str]  # the SELDOM variables it never names
    # It asks whether a work is told apart from others (`<if disambiguate="true">`):
    # a work's line may then differ among others from alone; not formatted ahead.
    asks_apart: bool = False


@lru_cache(maxsize=16)
def prepared(style: bytes, name: str) -> Style:
    """The style checked and made ready (check_style); raises StyleError."""
    text = check_style(style, name)
    root = citeproc_js.parse_style(text, name)
    named = set()
    for element in root.iter():
        for attribute in ("variable", "is-numeric", "is-uncertain-date"):
            named.update((element.get(attribute) or "").split())
    return Style(text, hashlib.sha256(text).hexdigest(), frozenset(v for v in SELDOM if v not in named),
                 any(e.get("disambiguate") is not None for e in _bibliography_elements(root)))


# The words of a venue line ("vol. 5, no 3 (19), 2019, pp. 173–184"): the style's short
# terms, as the editions' words name them (styles/locales/*.yaml, venue_*).
_VENUE_TERMS = {"volume": ("venue_volume", "venue_volume"), "issue": ("venue_issue", "venue_issue"),
                "page": ("venue_page", "venue_pages")}
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@lru_cache(maxsize=16)
def venue_words(style: bytes, lang: str) -> Mapping[str, str]:
    """The words a style gives itself, in its own locales, for a volume, an issue,
    a page and pages (short forms) in `lang`, by the editions' names (venue_volume,
    venue_issue, venue_page, venue_pages), so that a venue line speaks as the
    style's "For citation" line does ("vol. 5, no 3" in the house style's English,
    «Т. 5, № 3» in its Russian). The style's locale of the language's dialect
    first, then of its language, then the one for every language (CSL 1.0.2,
    Locale Fallback); a word the style leaves to the CSL locale files is not given."""
    root = citeproc_js.parse_style(style)
    primary = lang.split("-")[0].lower()
    ranked: list[tuple[int, Any]] = []
    for locale in root.iter(f"{CSL}locale"):
        tag = (locale.get(_XML_LANG) or "").lower()
        rank = 0 if tag == lang.lower() else 1 if tag == primary else 2 if not tag else None
        if rank is not None:
            ranked.append((rank, locale))
    words: dict[str, str] = {}
    for _, locale in sorted(ranked, key=lambda found: found[0]):
        for term in locale.iter(f"{CSL}term"):
            names = _VENUE_TERMS.get(term.get("name") or "")
            if names is None or term.get("form") != "short":
                continue
            single, multiple = term.find(f"{CSL}single"), term.find(f"{CSL}multiple")
            forms = ((single.text if single is not None else None), (multiple.text if multiple is not None else None))
            if forms == (None, None):
                forms = (term.text, term.text)
            for name, word in zip(names, forms):
                if word and word.strip():
                    words.setdefault(name, word.strip())
    return words


def _bibliography_elements(root) -> list:
    """Every element the reference list's layout reads: its own, and those of the
    macros it calls, and theirs (not the citations')."""
    macros = {m.get("name"): m for m in root.iter(f"{CSL}macro")}
    found, waiting, seen = [], [root.find(f"{CSL}bibliography")], set()
    while waiting:
        for element in waiting.pop().iter():
            found.append(element)
            called = element.get("macro")
            if called in macros and called not in seen:
                seen.add(called)
                waiting.append(macros[called])
    return found


def line_key(record: Mapping[str, Any], style: Style, lang: str, quotes: str) -> str:
    """What a line depends on: the record (but for what the style never prints),
    the style, the article's language and quotation marks."""
    seen = {k: v for k, v in record.items() if k not in style.unseen}
    return json.dumps([seen, style.digest, lang, quotes], ensure_ascii=False, sort_keys=True)


class Formatting:
    """References being formatted by Pandoc: result() waits for them."""

    def __init__(self, running: pandoc.Running | pandoc.Kept, records, styles, lang: str, file: str, quotes: str,
                 root: Path | None = None):
        self.running, self.records, self.styles = running, records, styles
        self.lang, self.file, self.quotes, self.root = lang, file, quotes, root

    def cancel(self) -> None:
        self.running.cancel()

    def result(self) -> list[list[Line]]:
        try:
            output, _ = self.running.result()
        except (pandoc.StyleRefused, pandoc.PandocFailed, InternalError) as error:  # (references.lua: citeproc's)
            if isinstance(error, pandoc.StyleRefused) and len(self.styles) == 1 and self.root is not None:
                # (told as the body's reading tells it: once)
                raise StyleError([csl.style_refused(self.styles[0], str(error), self.root)]) from None
            said = next((line.strip() for line in str(error).splitlines() if "Citeproc" in line), str(error))
            raise StyleError.single(self.file, f"Pandoc's citeproc could not use the citation style: {said}",
                                    hint="check the .csl file: it must be a valid CSL 1.0 style") from None
        result = []
        for found in _formatted(output, [(self.lang, self.quotes)] * len(self.styles)):
            if any(record["id"] not in found for record in self.records):
                raise StyleError.single(self.file, "the citation style prints nothing for this article "
                                        f"(of type {self.records[0].get('type')})",
                                        hint="choose a style that formats this type")
            result.append([found[record["id"]] for record in self.records])
        return result


class Answered:
    """References formatted ahead: result() has them at once."""

    def __init__(self, lines: list[list[Line]]):
        self.lines = lines

    def cancel(self) -> None:
        pass

    def result(self) -> list[list[Line]]:
        return self.lines


def start(records: Sequence[Mapping[str, Any]], styles: Sequence[Path], lang: str, *, file: str,
          deadline: float, quotes: str = "“”‘’", cache: Path | None = None,
          known: Mapping[str, Line] | None = None, root: Path | None = None) -> Formatting | Answered:
    """format_references() started: meanwhile this process can work. (`root`: the
    project's, which a style's problems are named from.)"""
    ready = [prepared(read_found(style, "CSL style"), display(style, root) if root else style.name)
             for style in styles]
    if os.environ.get("IMPRINT_CITEPROC_DUMP"):
        _dump(records, styles, lang)
    if known:
        lines = [[known.get(line_key(record, style, lang, quotes)) for record in records] for style in ready]
        if all(line is not None for found in lines for line in found):
            return Answered(lines)  # type: ignore[arg-type]
    bibliography = json.dumps([citeproc_js.for_pandoc(r, lang, quotes) for r in records],
                              ensure_ascii=False).encode("utf-8")
    running = _run([(bibliography, style, lang) for style in ready], file=file, deadline=deadline, cache=cache)
    return Formatting(running, records, styles, lang, file, quotes, root)


def format_ahead(wanted: Sequence[tuple[Mapping[str, Any], Path, str, str]], *, file: str, deadline: float,
                 cache: Path | None = None) -> list[tuple[str, Line] | None]:
    """The lines of many works, each (record, style, language, quotation marks),
    formatted in one Pandoc run: for each, (line_key, line), which a unit finds
    (`known`) and then runs no Pandoc of its own (each run would parse its style
    again: Chicago's 100 kB take citeproc 42 ms). A record formats alike among
    others as on its own (own_line: nothing in the line depends on another entry),
    but in a style that asks whether a work is told apart (Style.asks_apart).
    What is not formatted so is None: a record in such a style, or in a style
    that cannot be read, one the style prints nothing for; all of them if the run
    fails (a style citeproc refuses, the time limit). Its unit then runs Pandoc
    itself, and tells the problem."""
    groups: dict[tuple[str, str, str], tuple[Style, dict[str, Mapping[str, Any]]]] = {}
    keys: list[tuple[tuple[str, str, str], str, str] | None] = []
    for record, path, lang, quotes in wanted:
        try:
            style = prepared(read_found(path, "CSL style"), str(path.name))
        except UserError:
            keys.append(None)
            continue
        if style.asks_apart:
            keys.append(None)
            continue
        group = (style.digest, lang, quotes)
        records = groups.setdefault(group, (style, {}))[1]
        id = str(record["id"])
        if records.setdefault(id, record) is not record:
            keys.append(None)  # (two records of one id: not told apart in one list)
            continue
        keys.append((group, id, line_key(record, style, lang, quotes)))
    if not groups:
        return [None] * len(wanted)
    jobs = [(json.dumps([citeproc_js.for_pandoc(r, lang, quotes) for r in records.values()], ensure_ascii=False)
             .encode("utf-8"), style, lang) for (_, lang, quotes), (style, records) in groups.items()]
    try:
        output, _ = _run(jobs, file=file, deadline=deadline, cache=cache).result()
    except (pandoc.PandocFailed, pandoc.StyleRefused, ImprintError):  # (a style citeproc refuses: told elsewhere)
        return [None] * len(wanted)
    found = dict(zip(groups, _formatted(output, [(lang, quotes) for _, lang, quotes in groups])))
    return [(key[2], found[key[0]][key[1]]) if key is not None and key[1] in found[key[0]] else None
            for key in keys]


def _run(jobs: Sequence[tuple[bytes, Style, str]], *, file: str, deadline: float,
         cache: Path | None) -> pandoc.Running | pandoc.Kept:
    """One Pandoc run formatting each (bibliography, style, language)."""
    files = {"references.lua": (HERE / "references.lua").read_bytes()}
    names = {}  # (a style or bibliography shared by jobs: written once)
    specs = []
    for bibliography, style, lang in jobs:
        for data, kind in ((bibliography, "refs"), (style.text, "style")):
            if data not in names:
                names[data] = f"{kind}-{len(names)}.{'json' if kind == 'refs' else 'csl'}"
                files[names[data]] = data
        specs.append({"bibliography": names[bibliography], "csl": names[style.text], "lang": lang})
    files["meta.json"] = json.dumps({"imprint-jobs": specs}).encode("utf-8")
    return pandoc.start(["-f", "markdown", "-t", "json", "--metadata-file=meta.json",
                         "--lua-filter=references.lua"], b"", what="the citation styles", file=file,
                        deadline=deadline, files=files, cache=cache)


def _formatted(output: bytes, words: Sequence[tuple[str, str]]) -> list[dict[str, Line]]:
    """Each job's entries, by the id of their record; `words`: each job's
    (language, quotation marks)."""
    result = []
    for div, (lang, quotes) in zip(json.loads(output)["blocks"], words):
        renderer = Renderer(EPUB, lang, quotes)
        found = {}
        for entry in walk(div["c"][1]):
            if entry["t"] == "Div" and "csl-entry" in attr(entry)[1] and attr(entry)[0].startswith("ref-"):
                html = renderer.run_in(entry["c"][1])
                if plain_text(html).strip():  # (an entry the style prints nothing in: none)
                    found[attr(entry)[0][len("ref-"):]] = (Markup(html), plain_text(html))
        result.append(found)
    return result


def check_style(style: bytes, name: str) -> bytes:
    """A CSL style that can format a reference list, as it formats one work on
    its own line (own_line), compact for Pandoc (citeproc_js.compact); or a
    StyleError saying why not (every element or variable CSL 1.0.2 does not
    have, at its line: csl.check_names)."""
    root = citeproc_js.parse_style(style, name)
    if problems := csl.check_names(root, name):
        raise StyleError(problems)
    if root.getroottree().docinfo.internalDTD is not None:
        raise StyleError.single(name, "the style declares a DOCTYPE (entities): a CSL style has none",
                                hint="write the characters themselves in place of the entities")
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
    says is kept. Nothing in such a line depends on another work, so the style
    is also stripped of what only does (a year's suffix "2024a" telling works
    apart, a dash for the authors of the entry before): the same line, but that
    a work formats alike on its own and among others (format_ahead).
    (scripts/citeproc_goldens.py renders the goldens of these lines with the
    same style.)"""
    for element in list(root.iter(f"{CSL}text", f"{CSL}number", f"{CSL}key", f"{CSL}label")):
        if element.get("variable") in ("citation-number", "citation-label"):  # (what prints it, not a condition)
            element.getparent().remove(element)
    citation = root.find(f"{CSL}citation")
    if citation is not None:
        for name in ("disambiguate-add-year-suffix", "disambiguate-add-names", "disambiguate-add-givenname",
                     "givenname-disambiguation-rule"):
            citation.attrib.pop(name, None)
    bibliography = root.find(f"{CSL}bibliography")
    if bibliography is not None:
        for name in ("second-field-align", "subsequent-author-substitute", "subsequent-author-substitute-rule"):
            bibliography.attrib.pop(name, None)
    return root


def _dump(records: Sequence[Mapping[str, Any]], styles: Sequence[Path], lang: str) -> None:
    citeproc_js.dump_job(f"{records[0]['id']}.reference.json", {
        "style": str(styles[0]), "lang": lang, "records": list(records), "nocite": ["*"], "citations": []})
