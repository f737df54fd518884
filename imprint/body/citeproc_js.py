"""Pandoc's citeproc made to give what citeproc-js (Zotero's engine) gives.

The two engines read the same CSL-JSON and style; where Pandoc 3.9's citeproc
differs from citeproc-js 2.4.63 (measured on the test fixtures,
tests/cases/*/expected/citeproc-js/), the records and style Pandoc is given are
adjusted here, never its output. Each adjustment is made only where it applies.

1. Collation by the article's language. In Russian (and every language written
   in Cyrillic) works in Cyrillic are listed before works in Latin script:
   CLDR's collation for these languages reorders Cyrillic first, citeproc-js
   follows it, and so does Russian practice (GOST R 7.0.5-2008). Pandoc collates
   by the root order, Latin first, in APA, Chicago, MLA and GOST alike, and with
   a sorted numeric style every number then differs. Each record gets a variable
   `imprint-script` ("0": the name or title it is filed under starts in
   Cyrillic, or with no letter; "1": any other script) and the style sorts by it
   first, in its bibliography and, unless it sorts citations by their numbers,
   in its citations. Within each script the order stays Pandoc's.
2. Title case. citeproc-js leaves more short words in lower case than the CSL
   specification's list, which Pandoc follows ("Japan against Russia", where
   Pandoc prints "Japan Against Russia"), and does not capitalise after a full
   stop. Such words of an English title are marked `nocase` (CSL-JSON's rich
   text, which both engines honour), where citeproc-js would leave them.
3. Works without a name where a style sorts by names. A sort key that is a macro
   printing only names, with no substitute (GOST's `author`), is empty for a
   catalogue or a report without an author. The CSL specification and
   citeproc-js put items with an empty key after all others; Pandoc sorts them
   among the rest (by the next key). Each such key is preceded by one that ranks
   records having those names ("0") before records without ("1"), and the
   script's rank (1.) moves after it, as citeproc-js compares scripts within the
   names.
4. Quotation marks in a title. citeproc-js reads the locale's own marks in a
   title («Капитал» in a Russian article) as a quotation, which alternates
   inside the style's quotes: «Читая „Капитал“ сегодня». Pandoc reads only “ ”
   (and ‘ ’, straight quotes) so, and printed «Читая «Капитал» сегодня». Such
   marks are given to Pandoc as “ ”. Marks that are not the locale's, “great
   game” in a Russian article, citeproc-js leaves as they are, where Pandoc read
   them as a quotation and printed it in the article's marks: each is given
   apart, in a span of its own (`nocase`, which changes nothing else).

One thing is put right in what Pandoc prints: with its citations linked to the
reference list (link-citations), Pandoc's citeproc leaves a note's closing full
stop outside the link, and so outside a closing quotation that ends it, where
the style puts it inside ("Fama, “Melancholic Remedies”." for "…Remedies.”":
punctuation_into_quotes()).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Mapping

from lxml import etree

from ..errors import StyleError

CSL = "http://purl.org/net/xbiblio/csl"
RANK = "imprint-script"
NAMED = "imprint-has-"  # + a names variable: "0" when the record has it, "1" when not
# Languages whose CLDR collation puts the Cyrillic script first.
CYRILLIC_FIRST = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "mn", "tg", "tt", "ba", "cv",
                            "ce", "os", "sah", "tyv", "udm", "kv", "ab", "av", "lez", "kbd", "ady", "krc",
                            "bua", "alt"})
_FIRST_LETTER = re.compile(r"[^\W\d_]")
_NAMES = ("author", "editor", "translator", "collection-editor", "container-author", "composer", "director")
# The words title case leaves in lower case: Pandoc 3.9's (the CSL 1.0.2 list,
# measured) and those citeproc-js 2.4.63 adds (its CSL.SKIP_WORDS, single words).
PANDOC_LOWER = frozenset("a about an and as at but by down for from in into nor of on onto or over so the till "
                         "to up via with yet".split())
CITEPROC_JS_LOWER = frozenset(
    "above across afore after against al along alongside amid amidst among amongst anenst apropos apud around "
    "aside astride athwart atop barring before behind below beneath beside besides between beyond circa despite "
    "during et except forenenst given inside lest like modulo near next notwithstanding off out per plus pro qua "
    "sans since than through throughout thruout toward towards under underneath until unto upon versus vs vs. "
    "v v. vis-à-vis within without de d' von van c ca".split()) | PANDOC_LOWER
TITLES = ("title", "container-title", "collection-title", "volume-title", "event-title", "original-title",
          "title-short", "container-title-short", "part-title", "reviewed-title")
_WORD = re.compile(r"[^\s<>]+")
_OTHER_QUOTE = re.compile("[“”]")  # (each apart in a span: no pair of them for Pandoc to read as a quotation)


def for_pandoc(record: Mapping[str, Any], lang: str, quotes: str = "") -> dict[str, Any]:
    """The record as Pandoc's citeproc is given it in an article in `lang`, whose
    quotation marks are `quotes` (opening, closing, then the inner ones)."""
    found = dict(record)
    if reorders(lang):
        found[RANK] = script_rank(record)
    for variable in _NAMES:
        found[NAMED + variable] = "0" if record.get(variable) else "1"
    if str(record.get("language") or "en").lower().startswith("en"):
        for variable in TITLES:
            if isinstance(found.get(variable), str):
                found[variable] = keep_lower(found[variable])
    if len(quotes) >= 2 and quotes[0] != "“":
        quoted = re.compile(f"{re.escape(quotes[0])}([^{re.escape(quotes[:2])}]*){re.escape(quotes[1])}")
        # (a pair of the locale's inner marks, „…“ in Russian, “…” in French, is a quotation
        # within one, ‘…’ for Pandoc; the marks left stand apart: a Russian title's inner
        # closing “ was put in a span inside the quotation Pandoc read, which it printed as
        # text, «Titel “mit „inneren<span class=„nocase“>…», found by the locales helper)
        inner = quotes[2:4] if len(quotes) >= 4 else ""
        within = re.compile(f"{re.escape(inner[0])}([^{re.escape(inner)}]*){re.escape(inner[1])}") if inner else None
        for variable in TITLES:
            if isinstance(found.get(variable), str) and ("“" in found[variable] or quotes[0] in found[variable]):
                kept = within.sub(r"‘\1’", found[variable]) if within else found[variable]
                kept = _OTHER_QUOTE.sub(r'<span class="nocase">\g<0></span>', kept)
                found[variable] = quoted.sub(r"“\1”", kept)
    return found


def style_for_pandoc(style: bytes, lang: str, name: str = "the CSL style") -> bytes:
    root = parse_style(style, name)
    _rank(root, script=reorders(lang))
    return compact(root)


def compact(style: bytes | etree._Element) -> bytes:
    """The style (its text, or its root, changed in place) without its comments
    and the blank text between its elements: Pandoc's citeproc reads it in half
    the time (the CSL repository's Chicago author-date, 167 kB: 80 ms a Pandoc
    run, 35 ms compact), and formats alike (CSL gives blank text no meaning
    between elements; a term's own text, even blank, is kept)."""
    root = parse_style(style) if isinstance(style, bytes) else style
    for comment in list(root.iter(etree.Comment, etree.ProcessingInstruction)):
        parent = comment.getparent()
        if comment.tail:  # (the text after it, if the comment stood inside a term)
            previous = comment.getprevious()
            if previous is not None:
                previous.tail = (previous.tail or "") + comment.tail
            else:
                parent.text = (parent.text or "") + comment.tail
        parent.remove(comment)
    for element in root.iter():
        if len(element):  # (an element of elements: its blank text is layout)
            if element.text is not None and not element.text.strip():
                element.text = None
            for child in element:
                if child.tail is not None and not child.tail.strip():
                    child.tail = None
    root.tail = None
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


# -- collation

def reorders(lang: str) -> bool:
    """Whether a reference list in this language needs Cyrillic before Latin."""
    return lang.split("-")[0].lower() in CYRILLIC_FIRST


def script_rank(record: Mapping[str, Any]) -> str:
    """ "0" for a record filed under Cyrillic (or a digit), "1" for any other script."""
    letter = _FIRST_LETTER.search(_filed_under(record))
    if letter is None or "\u0400" <= letter.group() <= "\u052f":
        return "0"
    return "1"


def _filed_under(record: Mapping[str, Any]) -> str:
    for variable in _NAMES:
        names = record.get(variable)
        if isinstance(names, list) and names and isinstance(names[0], dict):
            first = names[0]
            return str(first.get("family") or first.get("literal") or first.get("given") or "")
    return str(record.get("title") or "")


def parse_style(style: bytes, name: str = "the CSL style") -> etree._Element:
    """A CSL style's XML, read as Pandoc reads it: a comment that holds "--", which
    XML forbids and Pandoc lets pass (a GOST style's «номер -- выпуск», gostdown),
    is no error; any other fault is a StyleError naming `name`."""
    try:
        return etree.fromstring(style, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        message = str(error)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, recover=True)
    try:
        root = etree.fromstring(style, parser)
    except etree.XMLSyntaxError:  # (not even recovered: an empty file)
        root = None
    faults = [e for e in parser.error_log if e.type != etree.ErrorTypes.ERR_HYPHEN_IN_COMMENT
              and e.level >= etree.ErrorLevels.ERROR]
    if root is None or faults:
        raise StyleError.single(name, "the style is not valid XML: " + (faults[0].message if faults else message),
                                line=faults[0].line if faults else None)
    return root


def punctuation_in_quote(style: bytes, lang: str) -> bool:
    """Whether the style, in `lang`, puts the comma or full stop that follows a
    quotation inside it: its own locale's `punctuation-in-quote` for that language
    (or for every language), else the CSL locale's, true for American English
    alone (Pandoc reads "en" as en-US)."""
    root = parse_style(style)
    primary = lang.split("-")[0]
    for wanted in (lang, primary, None):
        for locale in root.iter(f"{{{CSL}}}locale"):
            if locale.get("{http://www.w3.org/XML/1998/namespace}lang") == wanted:
                options = locale.find(f"{{{CSL}}}style-options")
                if options is not None and options.get("punctuation-in-quote") is not None:
                    return options.get("punctuation-in-quote") == "true"
    return lang in ("en", "en-US")


def punctuation_into_quotes(nodes: list[Any]) -> None:
    """In the citations among `nodes` (Pandoc's JSON), a comma or full stop right
    after a link whose text ends with a quotation moved inside the quotation."""
    from .ast import kids, of_kind, walk

    for cite in of_kind(nodes, frozenset({"Cite"})):
        for node in walk(cite["c"][1]):
            inlines = kids(node)
            for link, after in zip(inlines, inlines[1:]):
                if link["t"] != "Link" or after["t"] != "Str" or after["c"][:1] not in (".", ","):
                    continue
                last = link["c"][1][-1] if link["c"][1] else None
                while last is not None and last["t"] == "Span":
                    last = last["c"][1][-1] if last["c"][1] else None
                if last is not None and last["t"] == "Quoted":
                    last["c"][1].append({"t": "Str", "c": after["c"][0]})
                elif last is not None and last["t"] == "Str" and last["c"].endswith("”"):
                    last["c"] = last["c"][:-1] + after["c"][0] + last["c"][-1]
                else:
                    continue
                after["c"] = after["c"][1:]


def _rank(root: etree._Element, script: bool = True) -> None:
    """The style (its root, changed in place) sorting records without the names a
    key prints after the others (3.), and by `imprint-script` (1., when `script`)
    first where it sorts at all, or right after the first such names rank."""
    names_only = _names_only_macros(root)
    for layout in ("citation", "bibliography"):
        for sort in root.iterfind(f"{{{CSL}}}{layout}/{{{CSL}}}sort"):
            keys = sort.findall(f"{{{CSL}}}key")
            if layout == "citation" and keys and keys[0].get("variable") == "citation-number":
                continue  # clusters in number order: the numbers already follow the list
            where = 0
            for key in keys:
                variables = names_only.get(key.get("macro", ""))
                if variables is None:
                    continue
                # (one variable a key: a macro of several names ranks by the first)
                ranked = etree.Element(f"{{{CSL}}}key", variable=NAMED + variables[0])
                key.addprevious(ranked)
                if not where:
                    where = list(sort).index(ranked) + 1
            if script:
                sort.insert(where, etree.Element(f"{{{CSL}}}key", variable=RANK))


def _names_only_macros(root) -> dict[str, list[str]]:
    """Macros that print only names (one cs:names, no cs:substitute) of the
    variables `_NAMES` knows: empty for a record without them."""
    found = {}
    for macro in root.iterfind(f"{{{CSL}}}macro"):
        children = [c for c in macro if isinstance(c.tag, str)]
        if len(children) != 1 or children[0].tag != f"{{{CSL}}}names":
            continue
        if children[0].find(f"{{{CSL}}}substitute") is not None:
            continue
        variables = children[0].get("variable", "").split()
        if variables and all(v in _NAMES for v in variables):
            found[macro.get("name", "")] = variables
    return found


# -- title case

def keep_lower(title: str) -> str:
    """Lower-case words citeproc-js's title case leaves alone and Pandoc's would
    capitalise, marked `nocase`: those of its longer list (but the first and last
    words, and after a colon, question or exclamation mark, which both
    capitalise), and any of the short words after a full stop."""
    words = list(_WORD.finditer(title))
    if len(words) < 3 or "<" in title:  # (rich text already: left as its author marked it)
        return title
    out, last = [], 0
    for index, match in enumerate(words):
        word = match.group()
        if index == 0 or index == len(words) - 1 or not word.islower():
            continue
        before = title[:match.start()].rstrip()[-1:]
        bare = word.rstrip(",;")
        wrap = (bare in CITEPROC_JS_LOWER and bare not in PANDOC_LOWER and before not in ":?!") or \
            (bare in PANDOC_LOWER and before == ".")
        if wrap:
            out.append(title[last:match.start()])
            out.append(f'<span class="nocase">{bare}</span>{word[len(bare):]}')
            last = match.end()
    out.append(title[last:])
    return "".join(out)


def dump_job(name: str, job: Mapping[str, Any]) -> None:
    """A question put to the citation engine, written to the folder IMPRINT_CITEPROC_DUMP
    names, for citeproc-js to answer (scripts/citeproc_goldens.py makes golden files)."""
    folder = Path(os.environ["IMPRINT_CITEPROC_DUMP"])
    folder.mkdir(parents=True, exist_ok=True)
    safe = re.sub(r"[^\w.-]", "_", name).lstrip(".")  # (a key may be a DOI, a slug an issue's "issue/article")
    (folder / safe).write_text(json.dumps(job, ensure_ascii=False, indent=1), encoding="utf-8")
