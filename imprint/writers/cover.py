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

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import Settings
from ..errors import Problem, SourceError, StyleError
from ..fetch import display, read_bytes, read_text
from ..frontmatter import load_yaml
from ..issue_manuscript import IssueManuscript
from ..manuscript import Manuscript, issue_label
from ..render import Theme

DESIGN = "cover.yaml"
FONTS = "fonts"
SYSTEM_FONTS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))
ALT_MAX = 140
THUMBNAIL_WIDTH = 200  # OPDS readers show thumbnails about this wide

# Covers drawn in this process (a watch keeps them between builds), by what they
# are drawn from. At most MEMO of them.
_made: dict[tuple, bytes] = {}
_thumbnails: dict[bytes, bytes] = {}
MEMO = 64


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
        if self.image not in _thumbnails:
            if len(_thumbnails) >= MEMO:
                _thumbnails.pop(next(iter(_thumbnails)))
            _thumbnails[self.image] = _thumbnail(self.image)
        return _thumbnails[self.image]


@dataclass(frozen=True)
class CoverText:
    """What a generated cover shows (the template's `cover`)."""

    kind: str  # article or issue
    lang: str
    title: str
    subtitle: str | None
    authors: tuple[str, ...]
    journal: str | None
    label: str | None  # volume, issue, year
    pages: str | None

    def alt(self, word: str) -> str:
        """ "Cover: Title, Authors", under the 140 characters Kindle allows alt text
        (KDP image guidelines); a title too long for that is shortened at a word."""
        text = f"{word}: {self.title}"
        if self.authors and self.kind == "article":
            with_authors = f"{text}. {', '.join(self.authors)}"
            text = with_authors if len(with_authors) < ALT_MAX else text
        if len(text) >= ALT_MAX:
            text = text[:ALT_MAX - 2].rsplit(" ", 1)[0].rstrip(",.:;") + "…"
        return text


def cover_files(cover: Cover) -> dict[str, bytes]:
    """The cover and its thumbnail as files of the article's (or issue's) folder."""
    return {f"cover{cover.extension}": cover.image, "cover-thumbnail.jpg": cover.thumbnail}


def article_cover(manuscript: Manuscript, theme: Theme, settings: Settings) -> Cover:
    article = manuscript.article
    c = article.citation
    text = CoverText(
        kind="article", lang=article.lang, title=manuscript.title_text, subtitle=manuscript.subtitle_text,
        authors=tuple(a.name.display for a in article.authors), journal=c.container_title,
        label=issue_label(c.volume, c.issue, c.collection_number, article.date.year if article.date else None,
                          manuscript.t),
        pages=c.page,
    )
    return _cover(text, article.cover_image, manuscript.t, theme, settings)


def issue_cover(edition: IssueManuscript, theme: Theme, settings: Settings) -> Cover:
    """The cover of an issue."""
    authors = tuple(dict.fromkeys(a.name.display for m in edition.articles for a in m.article.authors))
    text = CoverText(
        kind="issue", lang=edition.lang, title=edition.title_text or edition.label or edition.journal or "",
        subtitle=None, authors=authors, journal=edition.journal, label=edition.label, pages=None,
    )
    return _cover(text, edition.issue.cover_image, edition.t, theme, settings)


def _cover(text: CoverText, own: Path | None, t, theme: Theme, settings: Settings) -> Cover:
    if own is not None:
        data = read_bytes(settings.root, own, "cover image")
        media_type = "image/jpeg" if own.suffix.lower() in (".jpg", ".jpeg") else "image/png"
        return Cover(data, media_type, text.alt(t["cover"]))
    design, file = _design(theme)
    key = (repr(design), text)
    if key not in _made:
        image = _draw(text, design, _fonts(design, file, theme))
        if len(_made) >= MEMO:
            _made.pop(next(iter(_made)))
        _made[key] = _jpeg(image)
    return Cover(_made[key], "image/jpeg", text.alt(t["cover"]))


def _design(theme: Theme) -> tuple[dict[str, Any], str]:
    found = theme.find(DESIGN)
    if found is None:
        raise StyleError.single(display(theme.dir / DESIGN, theme.root), "the cover design is missing",
                                hint="restore styles/cover.yaml from the Imprint repository")
    entry, path = found
    file = display(path, theme.root)
    try:
        design = load_yaml(read_text(entry.root, path, "cover design"), file).data
    except SourceError as error:
        raise StyleError(error.problems) from None
    problems = []
    if not isinstance(design, dict):
        raise StyleError.single(file, "the cover design must be a set of fields (width, height, texts, ...)", line=1)
    for key in ("width", "height"):
        if not isinstance(design.get(key), int) or not 100 <= design[key] <= 10_000:
            problems.append(Problem(file, f"{key} must be a number of pixels between 100 and 10000", field=key))
    for index, block in enumerate(design.get("texts") or []):
        if not isinstance(block, dict) or block.get("text") not in FIELDS or not isinstance(block.get("size"), int):
            problems.append(Problem(file, f"a text block needs `text` (one of {', '.join(FIELDS)}) and a `size`",
                                    field=f"texts[{index}]"))
    if problems:
        raise StyleError(problems)
    return design, file


def _fonts(design: dict[str, Any], file: str, theme: Theme) -> dict[str, Path]:
    """The design's font files, found in styles/fonts/ (the project's, Imprint's)
    or the system's font folders, and nowhere else."""
    folders = [entry.dir / FONTS for entry in theme.path] + list(SYSTEM_FONTS)
    found = {}
    for name, relative in (design.get("fonts") or {}).items():
        for folder in folders:
            candidate = (folder / str(relative)).resolve()
            if candidate.is_relative_to(folder.resolve()) and candidate.is_file():
                found[name] = candidate
                break
        else:
            raise StyleError.single(file, f"the font file '{relative}' is in none of the font folders",
                                    field=f"fonts.{name}", hint="put it in styles/fonts/, or install it "
                                    "(PT Serif: the Debian package fonts-paratype)")
    return found


FIELDS = ("journal", "label", "title", "subtitle", "authors")


def _draw(text: CoverText, design: dict[str, Any], fonts: dict[str, Path]):
    from PIL import Image, ImageDraw, ImageFont

    width, height = design["width"], design["height"]
    image = Image.new("RGB", (width, height), design.get("background", "#ffffff"))
    draw = ImageDraw.Draw(image)
    for box in design.get("boxes") or []:
        left = box.get("left", 0)
        draw.rectangle([left, box["top"], left + box.get("width", width) - 1, box["top"] + box["height"] - 1],
                       fill=box.get("color", "#000000"))
    bottom = 0
    for block in design.get("texts") or []:
        if block.get("for") not in (None, text.kind):
            continue
        content = _field(text, block)
        if not content:
            continue
        size, minimum = block["size"], block.get("min-size", block["size"])
        while True:
            font = ImageFont.truetype(str(fonts[block.get("font", "regular")]), size)
            lines = [line for paragraph in content for line in _wrap(paragraph, font, block.get("width", width))]
            if len(lines) <= block.get("lines", 99) or size <= minimum:
                break
            size = max(minimum, int(size * 0.9))
        top = block["top"] if "top" in block else bottom + block.get("gap", 0)
        step = size * block.get("line-height", 1.25)
        for number, line in enumerate(lines[:block.get("lines", 99)]):
            draw.text((block.get("left", 0), top + number * step), line, font=font, fill=block.get("color", "#000"))
        bottom = top + min(len(lines), block.get("lines", 99)) * step
    return image


def _field(text: CoverText, block: dict[str, Any]) -> list[str]:
    """A block's text, as paragraphs (each author is one, unless a separator joins them)."""
    name = block["text"]
    if name == "authors":
        return [block["separator"].join(text.authors)] if block.get("separator") and text.authors else \
            list(text.authors)
    value = getattr(text, name)
    return [value] if value else []


def _wrap(paragraph: str, font, width: int) -> list[str]:
    """Lines that fit `width`, broken at spaces (a no-break space keeps its words together)."""
    lines: list[str] = []
    line = ""
    for word in paragraph.split(" "):
        candidate = f"{line} {word}" if line else word
        if line and font.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return lines + [line] if line else lines


def _thumbnail(data: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGB")
        image.draft("RGB", (THUMBNAIL_WIDTH * 2, THUMBNAIL_WIDTH * 4))  # JPEG: decode at a fraction of its size
        image.thumbnail((THUMBNAIL_WIDTH, round(THUMBNAIL_WIDTH * 1.6)), Image.Resampling.LANCZOS)
        return _jpeg(image)


def _jpeg(image) -> bytes:
    # JPEG, as Kindle asks of covers; Pillow writes no date, so the same pixels
    # give the same bytes.
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, optimize=True)
    return buffer.getvalue()
