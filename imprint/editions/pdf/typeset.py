"""WeasyPrint's part of a print edition: a job (print_job.py) typeset, checked,
written, here or in the press (press.py). Both give the same bytes.
"""

from __future__ import annotations

import base64
import functools
import logging
import re
import unicodedata
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Iterable, Iterator
from urllib.parse import unquote, urlsplit

import pydyf

from ...errors import Problem, SourceError, StyleError, warn
from ...files import display, in_root, make_url_fetcher
from ..caches import build_cache
from ...theme.stylesheets import GENERIC_FAMILIES, left_out
from ..fonts import configured, fc_environment
from .metadata import Metadata
from .job import COMMON, Job, Result
from .weasy import descendants, weasyprint  # (with imprint/patches/ applied)
# (after .weasy: it imports WeasyPrint's boxes)
from .tags import note_links_described, notes_joined, references_linked, terms_paired
from .order import in_reading_order
from .notelinks import link_note_marks, link_notes


_last = build_cache()  # the latest layout, by its HTML: the print and archival editions share it
_pristine: dict[int, tuple[dict, object]] = {}  # what writing a variant may change in it


def run(job: Job) -> Result:
    """The job typeset; its problems raised."""
    result = typeset(job)
    if result.problems:
        raise (StyleError if result.style_problem else SourceError)(list(result.problems))
    return result


def typeset(job: Job) -> Result:
    document = _lay_out(job)
    if isinstance(document, Result):
        return document
    ignored, read = _ignored.get(id(document), ([], []))
    for problem in (ignored + _cut_running_heads(document, job) + _missing_glyphs(document, job)
                    + _past_the_edge(document, job) + _fallen_back(document, job, read) + _lost_heads(document, job)):
        warn(problem)
    problems = _overlong_notes(document, job)
    if problems:
        return Result(None, len(document.pages), tuple(problems))
    if job.expect_pages is not None and len(document.pages) != job.expect_pages:
        return Result(None, len(document.pages), (Problem(
            "styles/css", f"the print edition of {job.slug} has {len(document.pages)} pages, but its issue prints "
                          f"it on {job.expect_pages}",
            hint="a stylesheet lays the article out differently in its issue and on its own: keep what changes "
                 "the article's pages in print.css"),), style_problem=True)
    if not job.write:
        return Result(None, len(document.pages))
    # One layout, written as several variants (print, archive): WeasyPrint 70's
    # PDF/A writing adds the sRGB profile and output intent to the document
    # itself, which a later PDF/UA writing would carry. Each writing starts from
    # the layout as it was made.
    profiles, intent = _pristine[id(document)]
    document.color_profiles, document.output_intent = dict(profiles), intent
    document.metadata = Metadata.around(document.metadata, job.xmp)
    options = {"pdf_variant": job.variant, "pdf_tags": True}
    fetcher, _ = make_url_fetcher(*map(Path, job.roots))
    with quiet_weasyprint():
        if job.attachments:
            options["attachments"] = [weasyprint.Attachment(
                url=f"data:{a.media_type};base64,{base64.b64encode(a.data).decode()}", url_fetcher=fetcher,
                name=a.name, relationship="Data", description=a.description,
                created=_datetime(a.when), modified=_datetime(a.when)) for a in job.attachments]
        marks = {note_id: str(number) for note_id, (_, number) in job.notes.items()} | link_note_marks(job.html)
        pdf = document.write_pdf(finisher=finisher(job.first_page, job.crop_marks, job.note_words, marks),
                                 **options)
    return Result(pdf, len(document.pages))


def hyphenate_ahead(langs: Iterable[str]) -> None:
    """The hyphenation patterns of these languages read now, while Pandoc reads
    the text (prepare's `meanwhile`), where the first layout would read them:
    Pyphen keeps each dictionary by its file, so WeasyPrint's own lookup finds it
    read. English is 11,015 patterns, about 25 ms; Russian about 7 ms (measured
    2026-12-06), on the print part's critical path otherwise. (Bare English is
    set with the American patterns: print.css gives `lang="en"` `-weasy-lang:
    "en-US"`; a design that does not reads the British ones in its layout.)"""
    import pyphen  # (WeasyPrint's, loaded with it)

    for lang in dict.fromkeys(langs):
        name = pyphen.language_fallback("en-US" if lang.lower() == "en" else lang)
        if name:
            pyphen.Pyphen(lang=name)


def _lay_out(job: Job):
    if job.html in _last:
        return _last[job.html]
    fetcher, refused = make_url_fetcher(*map(Path, job.roots))
    # An address's breaks (typography.url_html) as U+200B: WeasyPrint 70 makes each
    # <wbr> an inline box of its own (its ::before), and broke the text after one
    # anywhere (overflow-wrap) rather than at it; in one text, Pango breaks there. (The
    # character draws nothing, and nothing is copied: the PDF's text has none.)
    markup = job.html.replace("<wbr/>", "\u200b")
    if job.formula_cache is not None:  # (the formulas, drawn: WeasyPrint draws no MathML)
        from .formulas import for_print

        markup = for_print(markup, Path(job.formula_cache), tuple(map(Path, job.roots)))
    heard: list[logging.LogRecord] = []
    try:  # (roots[0]: the project's; the fonts it is set in, the system's, not the user's: editions/fonts.py)
        with configured(Path(job.roots[0])), quiet_weasyprint(heard):
            html = weasyprint.HTML(string=markup, base_url=job.base_url, url_fetcher=fetcher)
            document = html.render()
            if _unrepeat_lost_heads(html, document) | _break_wide_tables(html, document):
                document = html.render()
            for _ in range(MAX_FIGURE_MOVES):  # (a layout more for each figure moved, none for most articles)
                if not _fill_hole(html, document):
                    break
                document = html.render()
            link_notes(document)
    except refused as error:  # (what the article names is checked as it is read: this is a template's, mostly)
        return Result(None, 0, (Problem(job.file, f"print edition: {str(error).splitlines()[0]}", hint=(
            "a template of styles/templates/print/ or the article names it: a template shows a picture of "
            "styles/images/ as {{ image(\"logo.png\") }}, which every edition holds")),))
    _last.clear()
    _last[job.html] = document
    _pristine.clear()
    _pristine[id(document)] = (dict(document.color_profiles), document.output_intent)
    _ignored.clear()
    _ignored[id(document)] = _ignored_css(heard, job)
    return document


# By layout: what WeasyPrint left out of the project's stylesheets, and the stylesheets it read.
_ignored: dict[int, tuple[list[Problem], list[Path]]] = {}
_PARSING = re.compile(r"Fetching and parsing CSS - (?P<url>\S+)")


def _ignored_css(heard: list[logging.LogRecord], job: Job) -> tuple[list[Problem], list[Path]]:
    """What WeasyPrint left out of a stylesheet of the project's styles/ (a
    declaration it cannot read: `colr: red`, `font-size: 19pts`, a property it
    does not know), with its file and line: each is said after the stylesheet
    WeasyPrint says it is reading. Imprint's own stylesheets leave nothing out.
    And the stylesheets it read."""
    problems: list[Problem] = []
    reading: Path | None = None
    project = Path(job.roots[0]) if job.roots else None
    read: list[Path] = []
    for record in heard:
        message = record.getMessage()
        if (parsing := _PARSING.search(message)) is not None:  # (None: a stylesheet in the page)
            path = in_root(Path(unquote(urlsplit(parsing.group("url")).path)), [Path(r) for r in job.roots])
            reading = path.resolve() if path is not None else None
            read += [reading] if reading is not None and reading not in read else []
        elif reading is not None and project is not None and reading.is_relative_to(project.resolve() / "styles") \
                and (problem := left_out(display(reading, project), message)) and problem not in problems:
            problems.append(problem)
    return problems + (_unknown_fonts(read, project) if project is not None else []), read


def _unknown_fonts(stylesheets: list[Path], project: Path) -> list[Problem]:
    """A font the project's print stylesheets ask for first that neither an
    @font-face gives nor the system has: the text was set in a fallback font of
    the machine's (DejaVu Sans for "Minion Pro"), in silence."""
    return [Problem(display(path, project), f"the font '{family}' is neither installed nor given by an "
                    "@font-face: the print edition sets the text in the machine's fallback font", line=line,
                    hint="give its files with @font-face { font-family: ...; src: url(../fonts/...) } "
                         "(styles/fonts/), or install it for the whole system (/usr/local/share/fonts; fonts "
                         "in your home folder are not used)") for path, line, family in _nowhere(stylesheets, project)]


def _fonts_asked(stylesheets: list[Path], project: Path) -> list[tuple[Path, int, str]]:
    """The fonts the project's print stylesheets ask for first, each with the file
    and line that asks, in order."""
    from ...theme.stylesheets import font_families

    return list(dict.fromkeys((path, line, family) for path in stylesheets
                              if path.is_relative_to(project.resolve() / "styles")
                              for line, family in font_families(_css(path))[1]))


def _nowhere(stylesheets: list[Path], project: Path) -> list[tuple[Path, int, str]]:
    """The fonts asked for (_fonts_asked) that neither an @font-face of the
    stylesheets gives nor the system has."""
    from ...theme.stylesheets import font_families

    given = {face for path in stylesheets for face in font_families(_css(path))[0]}
    unknown = [(path, line, family) for path, line, family in _fonts_asked(stylesheets, project)
               if family.lower() not in given]
    if not unknown:
        return []
    with configured(project) as config:  # (what fontconfig finds as WeasyPrint is configured: not the user's fonts)
        installed = _installed_families(str(config))
    return [(path, line, family) for path, line, family in unknown if family.lower() not in installed]


def _css(path: Path) -> str:
    with suppress(OSError):
        return path.read_text(encoding="utf-8", errors="replace")
    return ""


@functools.cache
def _installed_families(config: str) -> frozenset[str]:
    """The font families fontconfig knows with Imprint's configuration at
    `config` (fc-list: a few milliseconds), in lower case."""
    import subprocess

    try:
        listed = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30,
                                env=fc_environment(Path(config))).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip().lower() for line in listed.splitlines() for name in line.split(","))


def _cut_running_heads(document, job: Job) -> list[Problem]:
    """A running head too long for its margin box is cut after a whole word
    (print.css: max-lines, block-ellipsis). Name the field it comes from, once."""
    problems, seen = [], set()
    for page in document.pages:
        for box in page._page_box.children:  # (RELIED_ON in imprint/patches)
            if type(box).__name__ != "MarginBox" or not any(
                    getattr(line, "block_ellipsis", "none") != "none" for line in descendants(box)):
                continue
            shown = "".join(getattr(b, "text", "") for b in descendants(box)).strip()
            for text, field, line in job.running_heads:
                if shown and text.startswith(shown) and text != shown and field not in seen:
                    seen.add(field)
                    hint = ("shorten short-title" if field == "short-title" else
                            "give a shorter form for the running heads in short-title" if field == "title" else
                            "shorten it")
                    problems.append(Problem(job.file, f"too long for the print edition's running head, which "
                                            f"shows only “{shown}…”", line=line, field=field,
                                            hint=hint))
    return problems


UNKNOWN_GLYPH = 0x10000000  # Pango's PANGO_GLYPH_UNKNOWN_FLAG: no font has the character (its code beside it)
_SURELY_COVERED = re.compile(f"[{COMMON}]*")


def _missing_glyphs(document, job: Job) -> list[Problem]:
    """Characters that no font on this machine has (Chinese where no CJK font is
    installed): WeasyPrint draws each as an empty box. Told once, each named.
    Only text with characters outside Latin, Greek, Cyrillic and the common
    symbols is looked at glyph by glyph (those every machine's fonts have)."""
    from weasyprint.text.ffi import ffi

    missing: dict[str, None] = {}
    for page in document.pages:
        for box in descendants(page._page_box):  # (RELIED_ON in imprint/patches)
            text = getattr(box, "text", None)
            layout = getattr(box, "pango_layout", None)
            if not text or layout is None or _SURELY_COVERED.fullmatch(text):
                continue
            layout.reactivate(box.style)  # (its Pango layout is made again, as drawing the text does)
            try:
                line, _ = layout.get_first_line()
                run = line.runs[0] if line.runs != ffi.NULL else ffi.NULL
                while run != ffi.NULL:
                    glyphs = run.data.glyphs
                    for index in range(glyphs.num_glyphs):
                        glyph = glyphs.glyphs[index].glyph
                        if glyph & UNKNOWN_GLYPH and glyph != 0xFFFFFFFF:
                            character = chr(glyph & ~UNKNOWN_GLYPH & 0x1FFFFF)
                            if unicodedata.category(character)[0] not in "CZ":  # (controls, spaces: not seen)
                                missing.setdefault(character)
                    run = run.next
            finally:
                layout.deactivate()
    if not missing:
        return []
    scripts = dict.fromkeys(_script(c) for c in missing)
    packages = dict.fromkeys(_DEBIAN_FONTS.get(script, "fonts-noto-core") for script in scripts)
    shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in list(missing)[:8]) + (", ..." if len(missing) > 8 else "")
    written = dict(job.written)  # (the first line of them the article writes: a template or a word may give one)
    line = min((written[c] for c in missing if c in written), default=None)
    return [Problem(job.file, f"no font on this machine has {len(missing)} of the characters of the print edition "
                    f"({', '.join(scripts)}), printed as empty boxes: {shown}"
                    + (" (from this line on)" if line is not None else ""), line=line,
                    hint=f"install a font that has them (Debian: {' and '.join(packages)}), or name one in "
                         "styles/css/print.css")]


# Debian's package of Noto fonts for a script (fonts-noto-core has most others:
# Arabic, Hebrew, Devanagari, Ethiopic, Mongolian, ...)
_DEBIAN_FONTS = {"CJK": "fonts-noto-cjk", "Hiragana": "fonts-noto-cjk", "Katakana": "fonts-noto-cjk",
                 "Hangul": "fonts-noto-cjk", "Bopomofo": "fonts-noto-cjk", "emoji": "fonts-noto-color-emoji"}


_LETTERS = re.compile(r"[^\W\d_]")


def _fallen_back(document, job: Job, stylesheets: list[Path]) -> list[Problem]:
    """A font asked for first (`font-family: "Latin Serif", serif`) that has none of
    a text's letters, which are then set in a fallback font of the machine's: a
    Russian article's every word, in silence (QA 22). One text a font list is looked
    at, the first with letters; told once a font and script, at the line of the
    `stylesheets` that asks for it first: once for every article (it was told for
    each, at its own file, QA 26 F12); not of a font that is nowhere (_unknown_fonts)."""
    from weasyprint.text.ffi import ffi, pango

    looked: set[tuple] = set()
    told: dict[tuple[str, str], str] = {}
    for page in document.pages:
        for box in descendants(page._page_box):
            text, layout = getattr(box, "text", None), getattr(box, "pango_layout", None)
            families = tuple(box.style["font_family"]) if text and layout is not None else ()
            if not families or families[0].lower() in GENERIC_FAMILIES or not _LETTERS.search(text):
                continue
            script = _script(text)
            if (families, script) in looked:
                continue
            looked.add((families, script))
            layout.reactivate(box.style)
            try:
                line, _ = layout.get_first_line()
                run = line.runs[0] if line.runs != ffi.NULL else ffi.NULL
                written = (layout.text or "").encode("utf-8")
                used = set()  # (the fonts of the line's runs of letters of the script)
                while run != ffi.NULL:
                    item = run.data.item
                    piece = written[item.offset:item.offset + item.length].decode("utf-8", "replace")
                    if any(_script(letter) == script for letter in _LETTERS.findall(piece)):
                        description = pango.pango_font_describe_with_absolute_size(item.analysis.font)
                        used.add(ffi.string(pango.pango_font_description_get_family(description)).decode())
                        pango.pango_font_description_free(description)
                    run = run.next
            finally:
                layout.deactivate()
            if used and families[0].lower() not in {family.lower() for family in used}:
                told.setdefault((families[0], script), sorted(used)[0])
    if not told:
        return []
    project = Path(job.roots[0])
    where = {family.lower(): (display(path, project), line)
             for path, line, family in reversed(_fonts_asked(stylesheets, project))}  # (the first, for each)
    nowhere = {family.lower() for _, _, family in _nowhere(stylesheets, project)}
    problems = []
    for (asked, script), used in told.items():
        file, line = where.get(asked.lower(), (job.file, None))
        if asked.lower() not in nowhere:
            problems.append(Problem(file, f"the font '{asked}' has no {script} letters: the print edition sets its "
                                          f"{script} text in '{used}' instead", line=line,
                                    hint="choose a font that has them, or name one that has them after it in "
                                         "font-family"))
    return problems


def _script(text: str) -> str:
    """The script of a text's first letter (of its first character when it has no
    letter), as Unicode names it: Latin, Cyrillic, Mongolian, CJK; a picture's
    (an emoji) is "emoji"."""
    letter = _LETTERS.search(text)
    character = letter.group() if letter else text[0]
    if unicodedata.category(character) == "So" and ord(character) >= 0x1F000:
        return "emoji"
    word = unicodedata.name(character, "LATIN").split()[0]
    return word if word == "CJK" else word.title()


EDGE = 1.0  # CSS pixels a box may reach past the page's edge (rounding)


def _past_the_edge(document, job: Job) -> list[Problem]:
    """Text or a picture laid out past the page's edge, where the page cuts it off
    (a stylesheet's `white-space: nowrap`, a width of 150 %: every paragraph lost
    to the right, in silence, QA 22), or under the page's notes, which are drawn
    over it (WeasyPrint keeps no room for them in columns: `columns: 2`). Each told
    once, with its first page and words."""
    past: list[tuple[int, str]] = []
    under: list[tuple[int, str]] = []
    columns = False
    for number, page in enumerate(document.pages, start=1):
        width = page._page_box.margin_width()  # (RELIED_ON in imprint/patches)
        parts = page._page_box.children  # (the text, its notes, its margins' boxes: make_page)
        notes = [part for part in parts if type(part).__name__ == "FootnoteAreaBox" and part.children]
        top = notes[0].position_y if notes else None
        for index, part in enumerate(parts):
            for box in descendants(part):
                kind = type(box).__name__
                columns = columns or (index == 0 and _in_columns(box))
                if kind not in ("TextBox", "InlineReplacedBox", "BlockReplacedBox"):
                    continue
                if box.position_x < -EDGE or box.position_x + box.margin_width() > width + EDGE:
                    past.append((number, box))
                if index == 0 and top is not None and box.position_y + box.margin_height() > top + EDGE:
                    under.append((number, box))
    return [Problem(job.file, f"{what} on page {found[0][0]}" + (f" (and {len(pages) - 1} more)" if len(pages) > 1
                                                                  else "") + f": {_described(found[0][1], job)}",
                    hint=hint)
            for found, what, hint in (
                (past, "the print edition runs past the page's edge, which cuts it off,",
                 "a rule of the print stylesheets makes it wider than the page (white-space: nowrap, a width over "
                 "100 %, a negative margin): correct it in styles/css/"),
                (under, "the print edition's notes at the foot of the page are drawn over its text",
                 "the text is set in columns (columns, column-count in styles/css/), where WeasyPrint keeps no "
                 "room for the notes: set the text of an article with notes in one column" if columns else
                 "a block that cannot be split (a figure, a table's row, a formula) is set at the top of a page "
                 "below which the notes continued from the page before leave it too little room: make it "
                 "smaller (figure img { max-height: ... } in styles/css/), or move it in the text"))
            if found for pages in [sorted({number for number, _ in found})]]


def _described(box, job: Job) -> str:
    """What a box past the page's edge or under its notes shows, as a warning names
    it: a formula by its TeX, a picture by its file, else the words of its element
    from the box's own on (a table cell's word the layout broke letter by letter,
    whole). A formula's glyph was quoted as “”, a letter of a word as “T” (QA 26 F14)."""
    element, text = box.element, getattr(box, "text", "")
    if element is None:  # (a margin box's text)
        return f"“{' '.join(text.split()[:6])}”"
    tex = element.get("data-tex") or (element.findtext(f"{{{_SVG}}}title") if "formula" in (
        element.get("class") or "").split() else None)
    if tex:
        return f"the formula {tex if len(tex) <= 60 else tex[:57] + '...'}"
    if type(box).__name__ != "TextBox":
        source = urlsplit(element.get("src") or "")
        path = in_root(Path(unquote(source.path)), [Path(root) for root in job.roots]) \
            if source.scheme == "file" else None
        alt = " ".join((element.get("alt") or "").split())
        return f"the picture {display(path, Path(job.roots[0]))}" if path is not None else \
            f"the picture “{alt}”" if alt else "a picture"
    words, own = " ".join("".join(element.itertext()).split()), " ".join(text.split())
    start = words.rfind(" ", 0, max(words.find(own), 0)) + 1  # (from its word's start)
    return f"“{' '.join(words[start:].split()[:6])}”"


_SVG = "http://www.w3.org/2000/svg"


def _in_columns(box) -> bool:
    """Whether a box sets its text in columns (CSS multi-column: `columns`,
    `column-count`, `column-width`)."""
    style = getattr(box, "style", None)
    return style is not None and (style["column_count"] != "auto" or style["column_width"] != "auto")


def _heads_lost(html_root, document) -> list:
    """The tables' header rows (<thead>) that no page shows. WeasyPrint 70 repeats
    a table's header on each of its pages and leaves out, in silence, one that
    does not fit on a page with a row of the table under it."""
    shown = {id(box.element) for page in document.pages for box in descendants(page._page_box)
             if getattr(box, "element_tag", None) == "thead"}
    return [head for head in html_root.iter("thead") if id(head) not in shown]


def _unrepeat_lost_heads(html, document) -> bool:
    """A table's header that no page shows is set once, as the table's first
    rows (class `unrepeated`: print.css), not repeated on each page. True when
    one was (the document is then laid out again)."""
    return _classed(html, [head for head in _heads_lost(html.etree_element, document)
                           if "unrepeated" not in (head.get("class") or "").split()], "unrepeated")


WIDE = 0.5  # px past its container a table may reach (rounding)


def _break_wide_tables(html, document) -> bool:
    """A code word in a table's cell keeps its width (print.css: the column
    widens to hold `default`, not `defau|lt`); a table whose words are together
    wider than the text breaks them anywhere (class `break-anywhere`), as every
    table's did. True when one was (the document is then laid out again)."""
    wide = {}
    for page in document.pages:
        for parent, box in _with_parents(page._page_box):
            if getattr(box, "element_tag", None) == "table" and box.element is not None and \
                    box.position_x + box.margin_width() > parent.content_box_x() + parent.width + WIDE:
                wide[id(box.element)] = box.element
    return _classed(html, list(wide.values()), "break-anywhere")


def _with_parents(box) -> Iterator:
    for child in getattr(box, "children", ()):
        yield box, child
        yield from _with_parents(child)


def _lost_heads(document, job: Job) -> list[Problem]:
    """A table's header that no page shows even when set once (a stylesheet that
    hides it is not WeasyPrint's doing, but is told too)."""
    lost = _heads_lost(document._html.etree_element, document)  # (RELIED_ON in imprint/patches)
    return [Problem(job.file, f"the print edition leaves out the header row of a table, which begins "
                              f"“{_text_of(head)}”",
                    hint="a stylesheet may hide it (styles/css/print.css: thead), or it does not fit on a page: "
                         "shorten it, or make it a row of the table's body")
            for head in lost]


def _text_of(head) -> str:
    """A table header's text, its cells' apart, cut after 60 characters (not its
    continuation line's, print.css: tr.table-continued)."""
    rows = [row for row in head if "table-continued" not in (row.get("class") or "").split()]
    text = " ".join(" ".join(" ".join(cell.itertext()).split()) for row in rows for cell in row.iter()
                    if cell.tag in ("th", "td"))
    return text if len(text) <= 60 else text[:57] + "..."


MAX_FIGURE_MOVES = 4
HOLE = 0.2  # of the text block: more left empty at a page's foot is a hole


def _fill_hole(html, document) -> bool:
    """A figure too tall for what is left of a page goes to the next one, and the
    text after it with it (WeasyPrint 70 has no page floats): the page it left
    ends in a hole. Move the first such figure after the blocks that follow it, as
    many as fill the hole, so that the text runs on and the figure comes after it,
    still near where it is called (as a float would: past a heading if one comes
    first, but never past another figure, nor out of the body).
    True when a figure was moved (the document is then laid out again)."""
    pages = document.pages
    for page, following in zip(pages, pages[1:]):
        box, next_box = page._page_box, following._page_box  # (RELIED_ON in imprint/patches)
        figure = _first_block(next_box)
        if figure is None or figure.element_tag != "figure":
            continue  # (most pages: only the first block of the next one is looked at)
        blocks = _flow(box)
        if not blocks:
            continue
        hole = _available_bottom(box) - (blocks[-1].position_y + blocks[-1].margin_height())
        siblings = _parent_of(html.etree_element, figure.element)
        if hole <= HOLE * box.height or siblings is None:
            continue
        items = list(siblings)
        index = items.index(figure.element)
        if index == 0 or id(items[index - 1]) not in _heights(box):
            continue  # (what comes before the figure is not on the page with the hole)
        heights = _heights(next_box)
        filled, after = 0.0, None
        for sibling in items[index + 1:]:
            if sibling.tag in ("figure", "section") or id(sibling) not in heights:
                break  # (figures keep their order; none leaves the body's flow)
            after, filled = sibling, filled + heights[id(sibling)]
            if filled >= hole:
                break
        if after is None:
            continue
        siblings.remove(figure.element)
        siblings.insert(list(siblings).index(after) + 1, figure.element)
        _rewrapped(html)
        return True
    return False


def _classed(html, elements: list, name: str) -> bool:
    """Each of the elements given the class `name` (the tree then rewrapped);
    whether there was one."""
    for element in elements:
        element.set("class", " ".join([*(element.get("class") or "").split(), name]))
    if elements:
        _rewrapped(html)
    return bool(elements)


def _rewrapped(html) -> None:
    """The tree changed: cssselect2's wrapper (which WeasyPrint selects and
    cascades with) caches children, siblings and classes, so it is made anew."""
    import cssselect2

    html.wrapper_element = cssselect2.ElementWrapper.from_html_root(html.etree_element, content_language=None)


_LEAVES = ("figure", "table", "p", "ul", "ol", "dl", "pre", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6")


def _flow(page_box) -> list:
    """The page's blocks in the text's flow, innermost (a paragraph, a figure, a
    heading, a table), in order; not the margin boxes or the notes' area."""
    return list(_leaves(page_box))


def _first_block(page_box):
    """The page's first block in the flow, or None (its other blocks not looked for)."""
    return next(_leaves(page_box), None)


def _leaves(page_box) -> Iterator:
    def walk(box):
        children = _blocks_in(box)
        if box is not page_box and (getattr(box, "element_tag", None) in _LEAVES or not children):
            if getattr(box, "element", None) is not None:
                yield box
            return
        for child in children:
            yield from walk(child)

    return walk(page_box)


def _blocks_in(box) -> list:
    return [c for c in getattr(box, "children", ()) if type(c).__name__ not in
            ("MarginBox", "FootnoteAreaBox", "LineBox", "AbsolutePlaceholder", "TextBox", "InlineBox")]


def _heights(page_box) -> dict[int, float]:
    """The height each element's box takes on the page, by id() of the element."""
    heights: dict[int, float] = {}

    def walk(box):
        element = getattr(box, "element", None)
        if element is not None and box is not page_box:
            heights[id(element)] = heights.get(id(element), 0.0) + box.margin_height()
        for child in _blocks_in(box):
            walk(child)

    walk(page_box)
    return heights


def _available_bottom(page_box) -> float:
    """Where the text may go down to: the notes' area's top, else the page's content bottom."""
    bottom = page_box.content_box_y() + page_box.height
    for area in page_box.children:
        if type(area).__name__ == "FootnoteAreaBox" and area.children:
            bottom = min(bottom, area.position_y)
    return bottom


def _parent_of(root, element):
    for parent in root.iter():
        for child in parent:
            if child is element:
                return parent
    return None


def _overlong_notes(document, job: Job) -> list[Problem]:
    """A note too long for a page that cannot be continued on the next (a
    stylesheet forbids it: imprint/patches/weasyprint_footnote_split.py) cannot be
    placed: WeasyPrint then draws it up over the page's text, its beginning cut
    off, or (with `@footnote { max-height }`) down past the page's foot, its end
    cut off. Refuse that, naming the note and the edition."""
    problems = []
    for page in document.pages:
        page_box = page._page_box  # WeasyPrint 70.0's private layout: declared in imprint/patches (RELIED_ON)
        top, bottom = page_box.content_box_y(), page_box.content_box_y() + page_box.height
        for area in page_box.children:
            if type(area).__name__ != "FootnoteAreaBox" or not area.children or (
                    area.position_y >= top - EDGE
                    and max(box.position_y + box.margin_height() for box in area.children) <= bottom + EDGE):
                continue
            notes = [(box, job.notes.get(box.element.get("id"))) for box in area.children
                     if getattr(box, "element", None) is not None]
            notes = [(box, found) for box, found in notes if found is not None]
            # (the notes taller than a page; else the tallest: the short ones beside it are not the fault)
            overlong = [n for n in notes if n[0].margin_height() > page_box.height] \
                or sorted(notes, key=lambda n: n[0].margin_height())[-1:]
            for _, (line, number) in overlong:
                problems.append(Problem(
                    job.file, f"footnote {number} is too long for a page of {job.edition}, and its stylesheets "
                              "keep it from continuing on the next page", line=line,
                    hint="a long note continues at the foot of the next page unless styles/css/ sets "
                         "`break-inside: avoid` on it (or more `orphans` and `widows` than it has lines), or sets "
                         "its text in columns: allow it, or shorten the note"))
    return problems


def finisher(first_page: int = 1, crop_marks: bool = False, note_words: tuple[str, str] = ("", ""),
             note_numbers: dict[str, str] | None = None):
    """What WeasyPrint 70 leaves out of the file, added before it is written:
    the IDTree that structure elements with IDs need (ISO 32000-1, 14.7.2: our
    notes have IDs), each note's call tagged as a reference to its note (and
    the links between them, notelinks.py, described in `note_words`, with
    `note_numbers`, each note's number or mark by its id) and a definition list's terms
    paired with their definitions (tags.py), page labels when the first page is
    not 1 (so that viewers show the printed numbers), each associated file
    listed once, and crop marks a print shop can use (marks.py) when asked
    for."""

    def finish(document, pdf) -> None:
        _unique_associated_files(pdf)
        if crop_marks:
            _draw_crop_marks(pdf)
        notes = notes_joined(pdf)
        calls = references_linked(pdf)
        note_links_described(pdf, note_words, note_numbers or {})
        in_reading_order(pdf, calls)
        terms_paired(pdf)  # (after: a list a page break cut is one again)
        if notes:
            names = pydyf.Array()
            for note_id, element in sorted(notes, key=lambda n: n[0]):
                names.extend([pydyf.String(note_id), element.reference])
            reference = pdf.catalog["StructTreeRoot"]  # b"12 0 R": the object is pdf.objects[12]
            pdf.objects[int(bytes(reference).split()[0])]["IDTree"] = pydyf.Dictionary({"Names": names})
        if first_page != 1:
            pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array([
                0, pydyf.Dictionary({"S": "/D", "St": first_page})])})

    return finish


def _draw_crop_marks(pdf) -> None:
    """Each page's content between q and Q (WeasyPrint's stream leaves its
    transformation in force), then the marks around its trim box."""
    from .marks import commands

    def stream(data: bytes):
        made = pydyf.Stream([data.decode("ascii")])
        pdf.add_object(made)
        return made.reference

    save = stream(b"q\n")
    for page in pdf.objects:
        if isinstance(page, pydyf.Dictionary) and page.get("Type") == "/Page" and "TrimBox" in page:
            trim = tuple(float(v) for v in page["TrimBox"])
            page["Contents"] = pydyf.Array([save, page["Contents"], stream(b"Q\n" + commands(trim))])


def _unique_associated_files(pdf) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalog's /AF (from the name
    tree and from the file specification); once is what PDF/A-3 means."""
    if "AF" in pdf.catalog:
        seen, unique = set(), []
        for entry in pdf.catalog["AF"]:  # references, as bytes or str
            key = entry if isinstance(entry, (bytes, str)) else id(entry)
            if key not in seen:
                seen.add(key)
                unique.append(entry)
        pdf.catalog["AF"][:] = unique


def _datetime(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


@contextmanager
def quiet_weasyprint(heard: list[logging.LogRecord] | None = None) -> Iterator[None]:
    """WeasyPrint logs every CSS property it does not know at WARNING; keep the
    terminal quiet on success (errors still show). `heard`: what it says (its
    warnings, and which stylesheet it is reading) is kept there instead."""
    logger = logging.getLogger("weasyprint")
    level, propagate = logger.level, logger.propagate
    keeper = _Keeper(heard) if heard is not None else None
    logger.setLevel(logging.ERROR if keeper is None else logging.INFO)
    if keeper is not None:
        logger.addHandler(keeper)
        logger.propagate = False
    try:
        yield
    finally:
        logger.setLevel(level)
        if keeper is not None:
            logger.removeHandler(keeper)
            logger.propagate = propagate
            for record in heard:  # (its errors still show, as they did)
                if record.levelno >= logging.ERROR:
                    logger.handle(record)


class _Keeper(logging.Handler):
    def __init__(self, heard: list[logging.LogRecord]):
        super().__init__(logging.INFO)
        self.heard = heard

    def emit(self, record: logging.LogRecord) -> None:
        self.heard.append(record)
