"""Covers: the image e-readers show in their library, and its thumbnail for the
catalogue and the download site.

The editor's own `cover-image` (PNG or JPEG) is used as it is. Otherwise a cover is
drawn from the metadata with Pillow after the designer's plan, styles/cover.yaml
(boxes, then blocks of text wrapped to their width and set smaller when they
run long). Drawing it takes a few hundredths of a second and needs no
WeasyPrint, so an e-reader edition is made without loading it. E-readers want a
raster cover (Kindle takes JPEG or PNG only), portrait, about 1:1.6: this one is
a 1600 x 2560 JPEG, its thumbnail 200 x 320.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping

from ..settings import Settings
from ..errors import Problem, StyleError, UserError, as_style_error, warn
from ..files import display, read_bytes, read_text
from ..source.frontmatter import format_path, load_yaml
from ..prepare.article import Manuscript, issue_label, metadata_text
from ..source.model import Article
from ..theme import Theme
from .caches import build_cache
from .fonts import SYSTEM_FONTS
from .painter import FIELDS, CoverText, block_text

if TYPE_CHECKING:  # (an issue's writers need it; an article's build does not load it)
    from ..prepare.issue import IssueManuscript

DESIGN = "cover.yaml"
FONTS = "fonts"

# Covers drawn in this process (a watch keeps them between builds), by what
# they are drawn from. At most MEMO of them.
_made: dict[tuple, bytes] = {}
_thumbnails: dict[bytes, bytes] = {}
MEMO = 64
_plans = build_cache()  # by styles folder, for one build


@dataclass(frozen=True)
class Cover:
    image: bytes
    media_type: str  # image/png or image/jpeg
    alt: str  # what the cover says, for the cover page's <img>

    @property
    def extension(self) -> str:
        return ".jpg" if self.media_type == "image/jpeg" else ".png"

    @property
    def thumbnail(self) -> bytes:
        """A JPEG 200 pixels wide, made when the site asks for it (an e-reader
        edition does not)."""
        from .painter import thumbnail

        return _remembered(_thumbnails, self.image, lambda: thumbnail(self.image))


def cover_files(cover: Cover) -> dict[str, bytes]:
    """The cover and its thumbnail as files of the article's (or issue's) folder."""
    return {f"cover{cover.extension}": cover.image, "cover-thumbnail.jpg": cover.thumbnail}


def article_cover(manuscript: Manuscript, theme: Theme, settings: Settings) -> Cover:
    text = _article_text(manuscript.article, manuscript.title_text, manuscript.subtitle_text, manuscript.t)
    return _cover(text, manuscript.article.cover_image, manuscript.t, theme, settings,
                  of=display(manuscript.article.path, settings.root))


def draw_ahead(article: Article, rendered: Mapping[str, Any], theme: Theme, settings: Settings) -> None:
    """The article's cover drawn from its title as prepare() has rendered it, while
    Pandoc still reads the text (prepare's `meanwhile`): article_cover() then finds
    it drawn. A problem is left to article_cover() to tell."""
    if article.cover_image is not None or "title" not in rendered:
        return
    t = theme.strings(article.lang)
    subtitle = rendered.get("subtitle")
    with suppress(UserError):  # (its missing letters too: article_cover() tells them)
        _cover(_article_text(article, metadata_text(rendered["title"]),
                             metadata_text(subtitle) if subtitle else None, t), None, t, theme, settings)


def _article_text(article: Article, title_text: str, subtitle_text: str | None, t: Mapping[str, Any]) -> CoverText:
    c = article.citation
    return CoverText(
        kind="article", lang=article.lang, title=title_text, subtitle=subtitle_text,
        authors=tuple(a.name.display for a in article.authors), journal=c.container_title,
        label=issue_label(c.volume, c.issue, c.collection_number, article.date.year if article.date else None, t),
        pages=c.page,
    )


def issue_cover(edition: IssueManuscript, theme: Theme, settings: Settings) -> Cover:
    """The cover of an issue."""
    authors = tuple(dict.fromkeys(a.name.display for m in edition.articles for a in m.article.authors))
    text = CoverText(
        kind="issue", lang=edition.lang, title=edition.title_text or edition.label or edition.journal or "",
        subtitle=None, authors=authors, journal=edition.journal, label=edition.label, pages=None,
    )
    return _cover(text, edition.issue.cover_image, edition.t, theme, settings,
                  of=display(edition.issue.path, settings.root))


def _cover(text: CoverText, own: Path | None, t, theme: Theme, settings: Settings, of: str | None = None) -> Cover:
    """The cover: the editor's own, or drawn; `of`, the article's or issue's file,
    where the drawn cover's missing letters are to be told (draw_ahead() leaves
    that to article_cover(): a cover drawn once is told of every time it is used)."""
    if own is not None:
        data = read_bytes(settings.root, own, "cover image")
        media_type = "image/jpeg" if own.suffix.lower() in (".jpg", ".jpeg") else "image/png"
        return Cover(data, media_type, text.alt(t["cover"]))
    design, fonts, lines = _plan(theme)
    if of is not None:
        for problem in _missing_letters(text, design, fonts, lines, of):
            warn(problem)
    return Cover(_drawn(text, design, fonts), "image/jpeg", text.alt(t["cover"]))


def _plan(theme: Theme) -> tuple[dict[str, Any], dict[str, Path], dict[str, tuple[str, int | None]]]:
    """The cover design, its font files, and where each font is named (file and
    line), read once per build (ordering a cover and making it both ask)."""
    key = (theme.root, theme.dir)
    if key not in _plans:
        _plans[key] = _design(theme)
    return _plans[key]


def _missing_letters(text: CoverText, design: dict[str, Any], fonts: dict[str, Path],
                     lines: dict[str, tuple[str, int | None]], of: str) -> list[Problem]:
    """The characters of the cover's texts (but combining marks) that the font of
    their block has no glyph for (a Latin-only font under a Russian title): Pillow
    draws its .notdef glyph for each, often nothing, and the title was lost in
    silence (QA 26). Told once a font, at its line of the design, each character
    named.

    No fallback font: Pillow sets a text in one font file (there is no per-letter
    fallback as Pango's in the print edition), so a fallback would set the whole
    block in a face the designer did not choose, whose widths the sizes and
    wrapping of the plan were not made for. The designer chooses another file."""
    missing: dict[str, dict[str, list[str]]] = {}  # font -> character -> the blocks' texts
    for block in design.get("texts") or []:
        if block.get("for") not in (None, text.kind):
            continue
        name = block.get("font", "regular")
        has = _characters(fonts[name])
        for paragraph in block_text(text, block):
            for character in paragraph:
                # (spaces and controls are not drawn; a combining mark a font lacks is drawn
                # as its .notdef over a letter that stays: not told, as PT Serif has no
                # U+0302 for the x̂ of a math title, and the shipped design would warn)
                if ord(character) not in has and unicodedata.category(character)[0] not in "CZM":
                    missing.setdefault(name, {}).setdefault(character, [])
                    if block["text"] not in missing[name][character]:
                        missing[name][character].append(block["text"])
    problems = []
    for name, characters in missing.items():
        file, line = lines[name]
        shown = ", ".join(f"{c} (U+{ord(c):04X})" for c in list(characters)[:8]) + \
            (", ..." if len(characters) > 8 else "")
        where = ", ".join(dict.fromkeys(field for fields in characters.values() for field in fields))
        scripts = ", ".join(dict.fromkeys(_script(c) for c in characters))
        problems.append(Problem(
            file, f"the font '{fonts[name].name}' has no glyph for {len(characters)} characters ({scripts}) of the "
            f"{where} on the cover of {of}, which the cover leaves out: {shown}", line=line, field=f"fonts.{name}",
            hint="choose a font file that has them (PT Serif, truetype/paratype/PTF55F.ttf and its family, has "
                 "Latin and Cyrillic)"))
    return problems


_cmaps: dict[tuple, frozenset[int]] = {}  # by file, size and time (a watch sees a file replaced)


def _characters(font: Path) -> frozenset[int]:
    """The characters a font file has glyphs for (its cmap; in a collection, its
    first font, which Pillow draws with)."""
    stat = font.stat()
    key = (font, stat.st_size, stat.st_mtime_ns)
    if key not in _cmaps:
        from fontTools.ttLib import TTFont

        with TTFont(font, lazy=True, fontNumber=0) as opened:
            _cmaps[key] = frozenset(opened.getBestCmap() or {})
    return _cmaps[key]


def _script(character: str) -> str:
    """A character's script as Unicode names it (Latin, Cyrillic, CJK)."""
    word = unicodedata.name(character, "UNKNOWN").split()[0]
    return word if word == "CJK" else word.title()


def _drawn(text: CoverText, design: dict[str, Any], fonts: dict[str, Path]) -> bytes:
    """The cover as a JPEG (drawn once for the EPUB and the site)."""
    from .painter import paint  # (Pillow: loaded when a cover is first drawn)

    return _remembered(_made, (repr(design), text, tuple(fonts.items())), lambda: paint(text, design, fonts))


def _remembered(memo: dict, key: Any, make: Callable[[], bytes]) -> bytes:
    """memo[key], made if it is not there (the oldest forgotten first, past MEMO)."""
    if key not in memo:
        if len(memo) >= MEMO:
            memo.pop(next(iter(memo)))
        memo[key] = make()
    return memo[key]


def _design(theme: Theme) -> tuple[dict[str, Any], dict[str, Path], dict[str, tuple[str, int | None]]]:
    """The cover design, its font files and their lines; every problem of it in one pass."""
    found = theme.find(DESIGN)
    if found is None:
        raise StyleError.single(display(theme.dir / DESIGN, theme.root), "the cover design is missing",
                                hint="restore styles/cover.yaml from the Imprint repository")
    entry, path = found
    file = display(path, theme.root)
    with as_style_error():
        located = load_yaml(read_text(entry.root, path, "cover design"), file)
    design = located.data
    problems = []
    if not isinstance(design, dict):
        raise StyleError.single(file, "the cover design must be a set of fields (width, height, texts, ...)", line=1)

    def problem(path: tuple, message: str, hint: str | None = None) -> None:
        problems.append(Problem(file, message, line=located.line_of(path), field=format_path(path), hint=hint))

    def unknown(block: dict, known: Iterable[str], where: tuple) -> None:
        """A field the painter does not read (`colour:` was drawn black, in silence: QA 22)."""
        for key in block:
            if key not in known:
                close = difflib.get_close_matches(str(key), list(known), n=1)
                problem((*where, key), f"the cover design has no field '{key}'" +
                        (f": did you mean '{close[0]}'?" if close else ""),
                        hint=f"the fields here: {', '.join(known)}")

    unknown(design, _DESIGN_FIELDS, ())
    for key in ("width", "height"):
        if not isinstance(design.get(key), int) or not 100 <= design[key] <= 10_000:
            problem((key,), f"{key} must be a number of pixels between 100 and 10000")
    fonts = design.get("fonts") if isinstance(design.get("fonts"), dict) else {}
    colours = [(("background",), design["background"])] if "background" in design else []
    for group in ("boxes", "texts"):
        for index, block in enumerate(design.get(group) or []):
            if not isinstance(block, dict):
                problem((group, index), "must be a set of fields ({top: 0, height: 500, color: ...})")
                continue
            if "color" in block:
                colours.append(((group, index, "color"), block["color"]))
            numbers = _BOX_NUMBERS if group == "boxes" else _TEXT_NUMBERS
            unknown(block, [*numbers, "color", *(_TEXT_FIELDS if group == "texts" else ())], (group, index))
            for key, (least, required) in numbers.items():
                value = block.get(key)
                if (value is None and required) or value is not None and (
                        isinstance(value, bool) or not isinstance(value, (int, float)) or value < least):
                    problem((group, index, key), _NUMBER_MESSAGES.get(key, f"{key} must be a number of pixels, "
                                                                             f"{least} or more"))
            if group == "texts" and block.get("text") not in FIELDS:
                close = difflib.get_close_matches(str(block.get("text")), list(FIELDS), n=1)
                problem((group, index, "text"), f"a text block shows one of: {', '.join(FIELDS)}"
                        + (f": did you mean '{close[0]}'?" if close else ""))
            if group == "texts" and block.get("font", "regular") not in fonts:
                problem((group, index, "font"), f"no font '{block.get('font', 'regular')}' is given under `fonts`",
                        hint=f"name one of: {', '.join(map(str, fonts)) or 'none given'}")
    for where, colour in colours:
        if not isinstance(colour, str) or not _COLOUR.fullmatch(colour):
            problem(where, f"'{colour}' is no colour", hint='write it as "#rrggbb" (in quotes: YAML reads # as '
                                                               'a comment)')
    found, lines = {}, {}
    for name, relative in fonts.items():
        lines[name] = (file, located.line_of(("fonts", name)))
        path = _font(str(relative), theme)
        if path is None:
            problem(("fonts", name), f"the font file '{relative}' is in none of the font folders",
                    hint="put it in styles/fonts/, or install it (PT Serif: the Debian package fonts-paratype)")
        found[name] = path
    if problems:
        raise StyleError(problems)
    return design, found, lines


_COLOUR = re.compile(r"#(?:[0-9A-Fa-f]{3}){1,2}")
_DESIGN_FIELDS = ("width", "height", "background", "fonts", "boxes", "texts")
_TEXT_FIELDS = ("text", "font", "for", "separator")  # (and its numbers, and color)
_NUMBER_MESSAGES = {"lines": "lines must be a number of lines, 1 or more",
                    "line-height": "line-height must be a number (1.25: a quarter more than the size)"}
# The numbers of a box and of a text block: the least each may be, and whether it must be given.
_BOX_NUMBERS = {"top": (0, True), "height": (1, True), "left": (0, False), "width": (1, False)}
_TEXT_NUMBERS = {"size": (1, True), "top": (0, False), "gap": (0, False), "left": (0, False), "width": (1, False),
                 "lines": (1, False), "min-size": (1, False), "line-height": (0.1, False)}


def _font(relative: str, theme: Theme) -> Path | None:
    """A font file of the design, found in styles/fonts/ (the project's, Imprint's)
    or the system's font folders (fonts.SYSTEM_FONTS: those of the print editions
    too), and nowhere else: never the user's."""
    for folder in [entry.dir / FONTS for entry in theme.path] + list(SYSTEM_FONTS):
        candidate = (folder / relative).resolve()
        if candidate.is_relative_to(folder.resolve()) and candidate.is_file():
            return candidate
    return None


