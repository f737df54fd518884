"""A cover drawn with Pillow: what it says (CoverText) set after the designer's
plan (styles/cover.yaml, checked by cover.py) as a JPEG. Only Pillow is needed
here, imported when a cover is first drawn.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image

ALT_MAX = 140
THUMBNAIL_WIDTH = 200  # OPDS readers show thumbnails about this wide


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


def paint(text: CoverText, design: dict[str, Any], fonts: dict[str, Path]) -> bytes:
    """The cover as a JPEG."""
    return jpeg(_draw(text, design, fonts))


FIELDS = ("journal", "label", "title", "subtitle", "authors")


def _draw(text: CoverText, design: dict[str, Any], fonts: dict[str, Path]) -> Image.Image:
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
        content = block_text(text, block)
        if not content:
            continue
        size, minimum = block["size"], block.get("min-size", block["size"])
        while True:
            font = ImageFont.truetype(str(fonts[block.get("font", "regular")]), size)
            lines = []
            for paragraph in content:  # (no more lines than the block shows, and one to tell it is too few)
                lines += _wrap(paragraph, font, block.get("width", width), block.get("lines", 99) + 1 - len(lines))
                if len(lines) > block.get("lines", 99):
                    break
            # (set smaller, down to its least size, while it has too many lines, or a word
            # wider than the block, which would be broken: "Военно-политическ / ое", QA 22)
            fits = len(lines) <= block.get("lines", 99) and not _too_wide(content, font, block.get("width", width))
            if fits or size <= minimum:
                break
            size = max(minimum, int(size * 0.9))
        top = block["top"] if "top" in block else bottom + block.get("gap", 0)
        step = size * block.get("line-height", 1.25)
        for number, line in enumerate(lines[:block.get("lines", 99)]):
            draw.text((block.get("left", 0), top + number * step), line, font=font, fill=block.get("color", "#000"))
        bottom = top + min(len(lines), block.get("lines", 99)) * step
    return image


def block_text(text: CoverText, block: dict[str, Any]) -> list[str]:
    """A block's text, as paragraphs (each author is one, unless a separator joins them)."""
    name = block["text"]
    if name == "authors":
        return [block["separator"].join(text.authors)] if block.get("separator") and text.authors else \
            list(text.authors)
    value = getattr(text, name)
    return [value] if value else []


def _wrap(paragraph: str, font, width: int, most: int) -> list[str]:
    """Lines that fit `width`, broken at spaces (a no-break space keeps its words
    together), at most `most` of them; a word wider than `width` is broken where it
    reaches the edge, after a hyphen of its own if it has one there, else with one
    (Pillow draws a line on an image as wide as the line: a
    50,000-letter title asked it for 200 million pixels)."""
    lines: list[str] = []
    line = ""
    words = iter(paragraph.split(" "))
    while len(lines) < most:
        word = next(words, None)
        if word is None:
            return lines + [line] if line else lines
        candidate = f"{line} {word}" if line else word
        if line and font.getlength(candidate[:width + 1]) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
        # (a line is measured by its first width + 1 characters at most, and cut when
        # longer: a glyph is a pixel wide or more, but for marks that combine)
        while len(lines) < most and len(line) > 1 and (len(line) > width + 1
                                                        or font.getlength(line[:width + 1]) > width):
            cut = _fitting(line[:width + 1], font, width)
            if (hyphen := line.rfind("-", 1, cut)) > 0:  # (after a hyphen of its own: "Военно-")
                cut = hyphen + 1
            else:
                cut = _fitting(line[:width + 1], font, width - font.getlength("-"))
            inside = line[cut - 1].isalpha() and line[cut].isalpha()  # (a word broken: with a hyphen)
            lines.append(line[:cut] + ("-" if inside else ""))
            line = line[cut:]
    return lines


def _too_wide(paragraphs: list[str], font, width: int) -> bool:
    """Whether a word of the first hundred of the text is wider than `width`."""
    words = [word for paragraph in paragraphs for word in paragraph.split()][:100]
    return any(font.getlength(word[:width + 1]) > width for word in words)


def _fitting(text: str, font, width: int) -> int:
    """How many of the text's first characters fit `width` (at least one)."""
    low, high = 1, len(text)  # (low fits, or is the one character a line must take)
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low


def thumbnail(data: bytes) -> bytes:
    """A JPEG of the cover THUMBNAIL_WIDTH pixels wide."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGB")
        image.draft("RGB", (THUMBNAIL_WIDTH * 2, THUMBNAIL_WIDTH * 4))  # JPEG: decode at a fraction of its size
        image.thumbnail((THUMBNAIL_WIDTH, round(THUMBNAIL_WIDTH * 1.6)), Image.Resampling.LANCZOS)
        return jpeg(image)


def jpeg(image: Image.Image) -> bytes:
    # JPEG, as Kindle asks of covers; Pillow writes no date, so the same pixels
    # give the same bytes.
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, optimize=True)
    return buffer.getvalue()
