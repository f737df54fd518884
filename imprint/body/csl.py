"""What a CSL style may name: CSL 1.0.2's elements and variables. Pandoc's
citeproc refuses an element it does not know (with no line), and prints
nothing, silently, for a variable it does not know (`variable="titel"`: every
reference without its title); CSL-M's extensions (Juris-M's `version="1.1mlz1"`,
a layout for each language) it reads as neither. Each is told here, at its line
in the style, before Pandoc is given it."""

from __future__ import annotations

import re
from contextlib import suppress
from pathlib import Path

from ..errors import Problem, SourceError
from ..files import display, read_found
from ..source.quarto import closest_field

CSL = "{http://purl.org/net/xbiblio/csl}"

# CSL 1.0.2, appendix IV "Variables" (the names Pandoc's citeproc 0.9 knows,
# Citeproc/Types.hs variableType, are the same, with the older "event" for
# "event-title" and "archive_collection"; citeproc-js and Pandoc also read
# "citation-key", "division", "volume-title", "part-number"...: all are in it).
STANDARD = frozenset("""
    abstract annote archive archive_collection archive_location archive-place authority
    call-number citation-key citation-label collection-title container-title
    container-title-short dimensions division DOI event event-place event-title genre ISBN
    ISSN jurisdiction keyword language license medium note original-publisher
    original-publisher-place original-title part-title PMCID PMID publisher publisher-place
    references reviewed-genre reviewed-title scale source status title title-short URL
    volume-title volume-title-short year-suffix""".split())
NUMBER = frozenset("""
    chapter-number citation-number collection-number edition first-reference-note-number
    issue locator number number-of-pages number-of-volumes page page-first part-number
    printing-number section supplement-number version volume""".split())
DATE = frozenset("accessed available-date event-date issued original-date submitted".split())
NAME = frozenset("""
    author chair collection-editor compiler composer container-author contributor curator
    director editor editor-translator editorial-director executive-producer guest host
    illustrator interviewer narrator organizer original-author performer producer recipient
    reviewed-author script-writer series-creator translator""".split())
VARIABLES = STANDARD | NUMBER | DATE | NAME

# The variables each element or condition may name (CSL 1.0.2, "Rendering
# Elements" and "Choose"); a name of another kind there is a mistake too, but
# Pandoc prints what it can of it, so only names no kind has are told.
_NAMED_BY = {"text": "variable", "number": "variable", "label": "variable", "names": "variable",
             "date": "variable", "key": "variable", "if": ("variable", "is-numeric", "is-uncertain-date"),
             "else-if": ("variable", "is-numeric", "is-uncertain-date")}

# CSL 1.0.2's elements outside <info> (whose contents Pandoc does not read).
ELEMENTS = frozenset("""
    style locale style-options date date-part terms term single multiple macro citation
    bibliography sort key layout text number names name name-part et-al substitute label group
    choose if else-if else info""".split())
# CSL-M's own elements (Juris-M, citeproc-js' legal extensions).
_CSL_M = frozenset("conditions condition institution institution-part alternative".split())


def check_names(root, name: str) -> list[Problem]:
    """The style's (its parsed root's) elements and variables CSL 1.0.2 does not
    have, each at its line, with the name meant where one is close; a CSL-M
    style is said to be one."""
    problems = []
    for parent in (root.find(f"{CSL}citation"), root.find(f"{CSL}bibliography")):
        layouts = parent.findall(f"{CSL}layout") if parent is not None else []
        for layout in layouts[1:]:
            problems.append(Problem(name, f"the <{parent.tag[len(CSL):]}> has a second <layout>"
                                    + (f" (for locale=\"{layout.get('locale')}\")" if layout.get("locale") else "")
                                    + ": a layout for each language is CSL-M's, not CSL 1.0.2's, and Pandoc's "
                                      "citeproc reads one", line=layout.sourceline,
                                    hint="keep one <layout> (the style's own <locale> gives each "
                                         "language's words)"))
    info = root.find(f"{CSL}info")
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(CSL) or (
                info is not None and element is not info and info in element.iterancestors()):
            continue
        tag = element.tag[len(CSL):]
        if tag not in ELEMENTS:
            whose = "CSL-M's, not CSL 1.0.2's" if tag in _CSL_M else "not an element of CSL 1.0.2"
            close = closest_field(tag, sorted(ELEMENTS))
            problems.append(Problem(name, f"the element <{tag}> is {whose}: Pandoc's citeproc refuses the "
                                    "style", line=element.sourceline,
                                    hint=f"did you mean <{close}>?" if close else
                                    "write it as the CSL 1.0.2 specification has it, or delete it"))
            continue
        attributes = _NAMED_BY.get(tag, ())
        for attribute in (attributes,) if isinstance(attributes, str) else attributes:
            for variable in (element.get(attribute) or "").split():
                if variable in VARIABLES:
                    continue
                close = closest_field(variable, sorted(VARIABLES))
                what = ("so the condition never finds it in a reference" if tag in ("if", "else-if") else
                        "so every reference would be printed without it")
                problems.append(Problem(
                    name, f"<{tag} {attribute}=\"{element.get(attribute)}\">: '{variable}' is not a variable "
                    f"of CSL 1.0.2 (no reference has it), {what}", line=element.sourceline,
                    hint=f"did you mean '{close}'?" if close else
                    "name one of CSL 1.0.2's variables (title, container-title, author, issued, page, ...)"))
    problems.sort(key=lambda p: p.line or 0)
    version = root.get("version") or ""
    if "mlz" in version and problems:  # (told once: what to do is the same for all of it)
        more = sorted({p.line for p in problems[1:] if p.line is not None and p.line != problems[0].line})
        return [Problem(name, f"this is a CSL-M style (version=\"{version}\"), not CSL 1.0.2, which Pandoc's "
                        f"citeproc reads: {problems[0].message}"
                        + (f" (and more of CSL-M's on line{'s' if len(more) > 1 else ''} "
                           f"{', '.join(map(str, more))})" if more else ""), line=problems[0].line,
                        hint="choose a CSL 1.0.2 style (the CSL repository's), or write this one without "
                             "CSL-M's extensions")]
    return problems


def style_refused(style: Path | None, reason: str, root: Path) -> Problem:
    """Pandoc's citeproc could not read the style: told at its file, at the first
    element of the kind it names that lacks what CSL requires of it, if it can be
    found (CSL 1.0.2: a text gives a variable, a macro, a term or a value)."""
    line = None
    kind = re.match(r"(\w[\w-]*) element", reason)
    if style is not None and kind:
        from lxml import etree

        with suppress(OSError, SourceError, etree.XMLSyntaxError):
            tree = etree.fromstring(read_found(style, "CSL style"),
                                    etree.XMLParser(no_network=True, resolve_entities=False))
            needs = _NEEDS.get(kind.group(1), ())
            line = next((e.sourceline for e in tree.iter(f"{{*}}{kind.group(1)}")
                         if needs and not any(e.get(a) for a in needs)), None)
    return Problem(display(style, root) if style is not None else "the citation style",
                   f"Pandoc's citeproc cannot read the style: {reason}", line=line,
                   hint="correct it as the CSL 1.0.2 specification has it (a misspelt attribute, a missing one)")


_NEEDS = {"text": ("variable", "macro", "term", "value"), "label": ("variable",), "number": ("variable",),
          "date": ("variable",), "names": ("variable",)}
