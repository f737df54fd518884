"""What a stylesheet of styles/css/ may load: nothing from the network, and, in a
stylesheet copied as it is into the EPUB or the download site, nothing at all.

The print stylesheets are read by WeasyPrint through files.make_url_fetcher,
which refuses every network scheme when WeasyPrint asks for the file, but can say
neither which stylesheet asked nor on which line. The EPUB's and the site's
stylesheets are never read by WeasyPrint: they are copied, and an e-reader or a
browser would follow their `@import` and `url()` (to a font host, say). So every
stylesheet is checked here when the theme hands it over, with its file and
line, by the fetcher's rule (data: or a file, never the network); the fetcher
stays where it is, for what WeasyPrint loads.

CSS is read with tinycss2 (WeasyPrint's own tokenizer): escapes such as
`url(\\68ttps://...)` are decoded as a browser decodes them, and comments and
strings are told apart from references.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Iterator
from urllib.parse import unquote, urlsplit

from ..errors import Problem, SourceError
from ..files import display, resolve_inside

# Functions whose string arguments are resources (url("x") and src("x"); the
# image functions take a bare string too: image-set("a.png" 1x)).
_URL_FUNCTIONS = frozenset({"url", "src"})
_IMAGE_FUNCTIONS = frozenset({"image-set", "-webkit-image-set", "image", "cross-fade", "-webkit-cross-fade"})
# What a browser's URL parser drops before it reads a URL (WHATWG URL: leading and
# trailing C0 controls and spaces; tabs and newlines anywhere).
_DROPPED = re.compile(r"[\t\n\r]")
_EDGES = "".join(map(chr, range(0x21)))


@dataclass(frozen=True)
class Reference:
    """A resource a stylesheet names: `@import` or `url()`, as written (escapes decoded)."""

    url: str
    line: int
    kind: str  # "@import" or "url()"
    font: bool = False  # in an @font-face rule: the font's file


def parsed(css: str) -> list:
    """A stylesheet's rules (tinycss2's nodes: its tokens read once, 8 ms for
    print.css, for references() and syntax() both)."""
    import tinycss2

    return tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)


def references(css: str, rules: list | None = None) -> list[Reference]:
    """Every @import and url() of a stylesheet, in order; @namespace's URL is a
    name, never loaded, and is left out."""
    found: list[Reference] = []
    for rule in parsed(css) if rules is None else rules:
        if rule.type == "at-rule" and rule.lower_at_keyword == "namespace":
            continue
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            _walk([_AtImport(), *rule.prelude], found)
        else:
            _walk(getattr(rule, "prelude", None) or [], found)
        inside: list[Reference] = []
        _walk(getattr(rule, "content", None) or [], inside)
        font = rule.type == "at-rule" and rule.lower_at_keyword == "font-face"
        found += [Reference(r.url, r.line, r.kind, font) for r in inside]
    return found


FONT_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2"}


def carried_font(path: Path, reference: Reference) -> Path | None:
    """The file of an @font-face's `src: url(../fonts/Name.woff2)` of a stylesheet in
    a styles' css/ folder, which the EPUB carries beside it (EPUB/fonts/), if it
    names one of the fonts folder's files; else None."""
    target = _font_file(path, reference)
    return target if target is not None and target.is_file() else None


def _font_file(path: Path, reference: Reference) -> Path | None:
    """The file of the fonts folder an @font-face's `src: url(../fonts/Name.woff2)`
    names, whether it is there or not; None for another reference."""
    written = unquote(urlsplit(reference.url.strip()).path)
    parts = PurePosixPath(written).parts
    if not reference.font or len(parts) != 3 or parts[:2] != ("..", "fonts") or \
            PurePosixPath(written).suffix.lower() not in FONT_TYPES:
        return None
    return path.parent.parent / "fonts" / parts[2]


class _AtImport:
    """Stands for the @import keyword of a parsed at-rule (whose prelude follows)."""

    type = "at-keyword"
    lower_value = "import"


def _walk(tokens: list, found: list[Reference]) -> None:
    importing = False  # right after `@import`: what follows is the stylesheet it loads
    for token in tokens:
        kind = token.type
        if kind in ("whitespace", "comment"):
            continue
        after_import, importing = importing, kind == "at-keyword" and token.lower_value == "import"
        what = "@import" if after_import else "url()"
        if kind == "url" or kind == "string" and after_import:
            found.append(Reference(token.value, token.source_line, what))
        elif kind == "function":
            strings = [t for t in token.arguments if t.type == "string"]
            if token.lower_name in _URL_FUNCTIONS and strings:
                found.append(Reference(strings[0].value, strings[0].source_line, what))
            elif token.lower_name in _IMAGE_FUNCTIONS:
                found += [Reference(t.value, t.source_line, "url()") for t in strings]
            _walk(token.arguments, found)
        elif kind in ("{} block", "[] block", "() block"):
            _walk(token.content, found)


def syntax(css: str, rules: list | None = None) -> list[tuple[int, str, str]]:
    """What in a stylesheet is no CSS, which every engine drops, in silence: a block
    not closed (a missing `}` makes the rest of the file part of one rule), a `}`
    that closes nothing, a declaration that cannot be read (`color #000`). Each as
    (line, what, what to do)."""
    import tinycss2

    found = _braces(css)
    if found:  # (the declarations after an unclosed block are read as nested rules: those before it are told)
        unclosed = found[0][0] if "never closed" in found[0][1] else None
        before = "".join(css.splitlines(keepends=True)[:unclosed - 1]) if unclosed else ""
        return (syntax(before) if before.strip() else []) + found

    def declarations(content: list, depth: int) -> None:
        for item in tinycss2.parse_blocks_contents(content, skip_comments=True, skip_whitespace=True):
            if item.type == "error":
                # (tinycss2 reads `text-indent 1em;` as a rule: "Stop token reached before {} block")
                detail = "" if "qualified rule" in item.message else f" (tinycss2: {item.message})"
                found.append((item.source_line, "a declaration that cannot be read (a ':' or ';' missing?): "
                                                f"every engine leaves it out{detail}", "write it as 'property: value;'"))
            elif item.type in ("qualified-rule", "at-rule") and item.content is not None and depth < 8:
                declarations(item.content, depth + 1)

    for rule in style_rules(parsed(css) if rules is None else rules):
        if rule.type == "error":
            found.append((rule.source_line, f"CSS that cannot be read: {rule.message}",
                          "check the rule's selector and its braces"))
        else:
            declarations(rule.content, 0)
    return found


# At-rules that hold rules, not declarations.
_GROUPS = frozenset({"media", "supports", "layer", "container", "document", "scope", "starting-style"})


def style_rules(rules: list) -> Iterator:
    """The rules that hold declarations (and the rules that cannot be read), those
    inside @media and its kin too, in order (tinycss2's nodes)."""
    import tinycss2

    for rule in rules:
        content = getattr(rule, "content", None)
        if content is not None and rule.type == "at-rule" and rule.lower_at_keyword in _GROUPS:
            yield from style_rules(tinycss2.parse_rule_list(content, skip_comments=True, skip_whitespace=True))
        elif content is not None or rule.type == "error":
            yield rule


GENERIC_FAMILIES = frozenset({"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "math",
                              "emoji", "fangsong", "ui-serif", "ui-sans-serif", "ui-monospace", "ui-rounded",
                              "inherit", "initial", "unset", "revert"})


@lru_cache(maxsize=32)
def font_families(css: str) -> tuple[frozenset[str], tuple[tuple[int, str], ...]]:
    """The font families a stylesheet gives (@font-face, in lower case) and those
    it asks for first, each with its line (not a generic family such as serif).
    Kept by the text: every article of an issue asks it of the same stylesheet."""
    import tinycss2

    given, asked = set(), []
    for rule in style_rules(parsed(css)):
        face = rule.type == "at-rule" and rule.lower_at_keyword == "font-face"
        for item in tinycss2.parse_blocks_contents(rule.content or [], skip_comments=True, skip_whitespace=True):
            if item.type == "declaration" and item.lower_name == "font-family" and (first := _first_family(item.value)):
                if face:
                    given.add(first.lower())
                elif first.lower() not in GENERIC_FAMILIES:
                    asked.append((item.source_line, first))
    return frozenset(given), tuple(asked)


def _first_family(tokens: list) -> str | None:
    """The first family of a font-family value: a string, or its words."""
    words: list[str] = []
    for token in tokens:
        if token.type == "string" and not words:
            return token.value.strip()
        if token.type == "ident":
            words.append(token.value)
        elif token.type == "literal" and token.value == ",":
            break
    return " ".join(words) or None


def _braces(css: str) -> list[tuple[int, str, str]]:
    """A `{` never closed (the first: the rules after it were read inside it) and a
    `}` that closes nothing, outside comments and strings."""
    opened: list[int] = []
    line = 1
    for match in _BRACES.finditer(css):
        token = match.group()
        if token[0] in "/\"'":  # (a comment or a string: its lines counted)
            line += token.count("\n")
        elif token == "\n":
            line += 1
        elif token == "{":
            opened.append(line)
        elif not opened:
            return [(line, "this '}' closes no block", "delete it, or add the '{' it was meant to close")]
        else:
            opened.pop()
    if opened:
        return [(opened[0], "this '{' is never closed: the rules after it are read as part of its block, and "
                            "do not apply where they should", "add the '}' that ends it")]
    return []


_BRACES = re.compile(r"""/\*.*?(?:\*/|\Z)|"(?:[^"\\\n]|\\.)*"?|'(?:[^'\\\n]|\\.)*'?|[{}\n]""", re.S)


def scheme_of(url: str) -> str | None:
    """The scheme a browser reads in `url` (lower case), "//" for a protocol-relative
    address (another host), None for a path in the same place."""
    url = _DROPPED.sub("", url).strip(_EDGES)
    if url[:2].replace("\\", "/") == "//":  # (browsers take \ for / in web URLs)
        return "//"
    try:
        return urlsplit(url).scheme.lower() or None
    except ValueError:  # http://[ : no URL a browser would load either
        return "?"


_IGNORED = re.compile(r"Ignored `(?P<what>.*)` at (?P<line>\d+):\d+, (?P<why>.*?)\.?$", re.S)


def left_out(file: str, message: str) -> Problem | None:
    """WeasyPrint's log message of a declaration it leaves out of a stylesheet
    (`colr: red`, `font-size: 19pts`, a property it does not know), as a warning at
    its line; None for another message."""
    ignored = _IGNORED.match(message)
    return Problem(file, f"WeasyPrint leaves out `{ignored.group('what')}`: {ignored.group('why')}",
                   line=int(ignored.group("line")), hint="correct it, or delete it: the print edition is made "
                   "without it") if ignored else None


# Units of CSS lengths, angles, times, resolutions and of flex (css-values-4)
_UNITS = frozenset("""em ex cap ch ic rem lh rlh vw vh vi vb vmin vmax svw svh lvw lvh dvw dvh cqw cqh cqi cqb
    cqmin cqmax cm mm q in pt pc px deg grad rad turn s ms hz khz dpi dpcm dppx x fr""".split())


def typos(file: str, css: str) -> list[Problem]:
    """What is misspelt in a stylesheet an edition carries to engines other than
    WeasyPrint (epub.css, site.css), which they leave out in silence: a property
    within two letters of one WeasyPrint knows but not one (`colr`), a length of a
    unit CSS has not (`12pts`), a colour of a number of hex digits none has (`#00`).
    (Not every property WeasyPrint leaves out: e-readers and browsers know more.)"""
    import difflib

    import tinycss2
    from weasyprint.css.validation.expanders import EXPANDERS
    from weasyprint.css.validation.properties import PROPERTIES

    known = set(PROPERTIES) | set(EXPANDERS)  # (its properties and its shorthands)
    found: list[Problem] = []
    for rule in style_rules(parsed(css)):
        if rule.type == "error" or rule.content is None:
            continue
        for item in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
            if item.type != "declaration" or item.name.startswith("-"):  # (a vendor's -webkit-, a --custom one)
                continue
            name = item.lower_name
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.8) if name not in known else []
            if close and name not in _OTHER_PROPERTIES:
                found.append(Problem(file, f"`{name}` is no CSS property: did you mean `{close[0]}`?",
                                     line=item.source_line, hint="correct it: e-readers and browsers leave it out"))
            for token in item.value:
                if token.type == "dimension" and token.lower_unit not in _UNITS:
                    found.append(Problem(file, f"`{token.serialize()}` in `{name}` is no length: CSS has no "
                                               f"unit `{token.unit}`", line=token.source_line,
                                         hint="correct it (pt, px, em, mm...): e-readers and browsers leave out "
                                              "the declaration"))
                elif token.type == "hash" and len(token.value) not in (3, 4, 6, 8) \
                        and re.fullmatch(r"[0-9a-fA-F]+", token.value):
                    found.append(Problem(file, f"`#{token.value}` in `{name}` is no colour: a colour has 3, 4, 6 "
                                               "or 8 hex digits", line=token.source_line,
                                         hint="correct it: e-readers and browsers leave out the declaration"))
    return found


# Real properties within two letters of one WeasyPrint knows, which e-readers and
# browsers read (overflow-x is no typo of overflow)
_OTHER_PROPERTIES = frozenset("""overflow-x overflow-y clip-path text-size-adjust user-select aspect-ratio
    scroll-margin scroll-padding text-wrap hyphenate-limit-chars outline-offset""".split())


def weasyprint_leaves_out(file: str, css: str) -> list[Problem]:
    """What WeasyPrint leaves out of a print stylesheet, read without a layout: for
    a build that stops first on what is no CSS, so that a designer sees every
    problem of the file in one run (the layout tells these as it reads it)."""
    import logging

    from ..patches import import_weasyprint

    weasyprint = import_weasyprint()
    from weasyprint.urls import URLFetcher

    heard: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = heard.append  # type: ignore[method-assign]
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:  # (a base, or every url() is "left out" as a relative URL without one: QA 26 F13; nothing fetched)
        weasyprint.CSS(string=css, base_url="file:///styles/css/", url_fetcher=URLFetcher(allowed_protocols=()))
    except Exception:  # (what it cannot parse at all is told as no CSS)
        pass
    finally:
        logger.removeHandler(handler)
    return [problem for record in heard if (problem := left_out(file, record.getMessage())) is not None]


def check_stylesheet(root: Path, path: Path, css: str, shipped_to: str | None = None,
                     seen: set[Path] | None = None, fonts: bool = False) -> list[Problem]:
    """The problems of the stylesheet `path` (read from inside `root`): each remote
    resource it names, with its line; with `shipped_to` (the EPUB, the download
    site: the stylesheet is copied there alone), each file it names as well, but,
    with `fonts` (the EPUB carries them), the font files of its @font-face rules in
    styles/fonts/ (carried_font); without, each file it names must be inside the
    project (and a stylesheet it imports is checked in turn)."""
    file = display(path, root)
    seen = (seen or set()) | {path}
    rules = parsed(css)
    problems = [Problem(file, message, line=line, hint=hint) for line, message, hint in syntax(css, rules)]
    for reference in references(css, rules):
        scheme = scheme_of(reference.url)
        if scheme == "data" or (scheme is None and reference.url.strip().startswith("#")):
            continue
        what = f"{reference.url} ({reference.kind})"
        if scheme not in (None, "file"):
            problems.append(Problem(
                file, f"refused to load {what}: Imprint loads nothing from the network, and what it publishes "
                      "must not either", line=reference.line,
                hint="put it in the stylesheet as a data: URL, or leave it out" if shipped_to else
                     "download the file into styles/ and name it by its path there (fonts: styles/fonts/)"))
        elif fonts and (font := _font_file(path, reference)) is not None and not font.exists() \
                and _inside(root, font):
            problems.append(_not_there(root, path, reference, font))
        elif shipped_to and not (fonts and carried_font(path, reference)):
            problems.append(Problem(
                file, f"{what} would not be found: only the stylesheet itself is copied into {shipped_to}"
                + (", and the font files of its @font-face rules in styles/fonts/" if fonts else ""),
                line=reference.line, hint="put it in the stylesheet as a data: URL, or leave it out"
                + (" (a font: src: url(../fonts/Name.woff2), its file in styles/fonts/)" if fonts else "")))
        elif reference.url.strip():
            problems += _local(root, path, reference, seen)
    return problems


def _local(root: Path, path: Path, reference: Reference, seen: set[Path]) -> list[Problem]:
    """A file a print stylesheet names, checked as WeasyPrint's fetcher will read it
    (inside the project), but with the line that names it; an @import'ed stylesheet
    is checked in turn."""
    from ..files import read_text

    written = unquote(urlsplit(reference.url.strip()).path)
    target = path.parent / written  # (an absolute path stays one)
    if not os.path.lexists(target):
        if not _inside(root, target):  # (told without a look into the folder it reaches)
            return [Problem(display(path, root), f"{reference.url} ({reference.kind}): the file would lie outside "
                            "the project", line=reference.line,
                            hint="Imprint reads only files inside the project; copy the file into it")]
        return [_not_there(root, path, reference, Path(os.path.normpath(target)))]
    try:
        resolved = resolve_inside(root, target, "file")
        if reference.kind != "@import" or resolved in seen:
            return []
        return check_stylesheet(root, resolved, read_text(root, resolved, "stylesheet"), None, seen)
    except SourceError as error:
        return [Problem(display(path, root), f"{reference.url} ({reference.kind}): {problem.message}",
                        line=reference.line, hint=problem.hint) for problem in error.problems]


def _inside(root: Path, target: Path) -> bool:
    """Whether a file a stylesheet names, there or not, is inside the project once
    every link on its way is followed: only then is it looked for, and its folder
    listed for the name meant (a link in styles/ to a folder outside listed that)."""
    return Path(os.path.realpath(target)).is_relative_to(root)


def _not_there(root: Path, path: Path, reference: Reference, target: Path) -> Problem:
    """A file a stylesheet names that is not there (a font's name misspelt): the
    file it looked for, and the one of that folder it may have meant. It was
    "file not found, looked for styles/css/../fonts/Body-Italc.ttf" in print.css,
    and, in epub.css, that only the stylesheet is copied into the EPUB (QA 26 F13)."""
    import difflib

    others = sorted(p.name for p in target.parent.iterdir()) if target.parent.is_dir() else []
    close = difflib.get_close_matches(target.name, others, n=1)
    meant = reference.url.strip()[:-len(target.name)] + close[0] if close and reference.url.strip().endswith(
        target.name) else None
    return Problem(display(path, root), f"{reference.url} ({reference.kind}): there is no such file, "
                   f"{display(target, root)}", line=reference.line,
                   hint=f"did you mean {meant}?" if meant else f"put the file in {display(target.parent, root)}/, "
                   "or correct its name")
