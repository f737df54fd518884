"""Covers: the image e-readers show in their library, and its thumbnail for the
catalogue and the download site.

The editor's own `cover-image` (PNG or JPEG) is used as it is. Otherwise a cover is
made from the metadata with the designer's template (styles/templates/cover.html.j2
and styles/css/cover.css), typeset and rasterised (raster.py). E-readers want a raster cover
(Kindle takes JPEG or PNG only), portrait, about 1:1.6; this one is a 1600 x 2560
JPEG, its thumbnail 200 x 320.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings
from ..fetch import read_bytes
from ..issue_manuscript import IssueManuscript
from ..manuscript import Manuscript, issue_label
from ..render import Theme
from .raster import rasterise, typeset

TEMPLATE = "cover.html.j2"
STYLESHEET = "cover.css"
WIDTH_PX = 1600  # the PDF page's width is rasterised to this many pixels
ALT_MAX = 140
THUMBNAIL_WIDTH = 200  # OPDS readers show thumbnails about this wide

# Covers made in this process (a watch keeps them between builds), by what they
# are made of: the HTML and the stylesheet's bytes. At most MEMO of them.
_made: dict[tuple[str, bytes], tuple[bytes, bytes]] = {}
MEMO = 64


@dataclass(frozen=True)
class Cover:
    image: bytes
    media_type: str  # image/png or image/jpeg
    thumbnail: bytes  # JPEG
    alt: str  # what the cover says, for the cover page's <img>

    @property
    def extension(self) -> str:
        return ".jpg" if self.media_type == "image/jpeg" else ".png"


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
        return Cover(data, media_type, _thumbnail(data), text.alt(t["cover"]))
    html = theme.render(TEMPLATE, cover=text, t=t,
                        stylesheet=theme.stylesheet_path(STYLESHEET).resolve().as_uri())
    key = (html, theme.stylesheet(STYLESHEET))
    if key not in _made:
        pdf = typeset(html, theme.dir.as_uri() + "/", *theme.roots)
        if len(_made) >= MEMO:
            _made.pop(next(iter(_made)))
        _made[key] = (_jpeg(rasterise(pdf, WIDTH_PX)), _jpeg(rasterise(pdf, THUMBNAIL_WIDTH)))
    image, thumbnail = _made[key]
    return Cover(image, "image/jpeg", thumbnail, text.alt(t["cover"]))


def _thumbnail(data: bytes) -> bytes:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGB")
        image.thumbnail((THUMBNAIL_WIDTH, round(THUMBNAIL_WIDTH * 1.6)), Image.Resampling.LANCZOS)
        return _jpeg(image)


def _jpeg(image) -> bytes:
    # JPEG, as Kindle asks of covers; Pillow writes no date, so the same pixels
    # give the same bytes.
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=90, optimize=True)
    return buffer.getvalue()
