"""Pictures as pixels, for readers that take no vector: an SVG figure becomes a
raster image, and so does a PDF figure (in print too: WeasyPrint places no PDF).

WeasyPrint lays the picture out as a one-page PDF (fonts embedded) and PDFium
(pypdfium2) rasterises it: both are deterministic, so a rebuild gives the same
bytes, and no system package is needed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import time
from contextlib import suppress
from pathlib import Path
from typing import Any, Callable

from lxml import etree

from ..files import file_url, keep, make_url_fetcher, read_bytes

SVG_WIDTH_MIN, SVG_WIDTH_MAX = 800, 1600  # pixels of an SVG figure's PNG: sharp on a phone, small in the book
_LENGTH = re.compile(r"^\s*([\d.]+)\s*(?:(px|pt|pc|mm|cm|in)\s*)?$")
_PX = {"px": 1, None: 1, "pt": 4 / 3, "pc": 16, "mm": 96 / 25.4, "cm": 96 / 2.54, "in": 96}


def typeset(html: str, base_url: str, *roots: Path) -> bytes:
    """The first page of `html` as a PDF."""
    from .pdf.weasy import weasyprint

    from .fonts import configured
    from .pdf.typeset import quiet_weasyprint

    fetcher, _ = make_url_fetcher(*roots)
    with configured(roots[0]), quiet_weasyprint():  # (roots[0]: the project's; its fonts, not the user's)
        document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher).render()
        return document.copy(document.pages[:1]).write_pdf()


def rasterise(pdf: bytes, width: int):
    """The PDF's first page as an RGB Pillow image `width` pixels wide."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0]
        return page.render(scale=width / page.get_width(), may_draw_forms=False).to_pil().convert("RGB")
    finally:
        document.close()


def svg_to_png(path: Path, root: Path, drawn: bytes | None = None) -> bytes:
    """An SVG figure as a PNG on white (Kindle's Enhanced Typesetting shows no SVG,
    and Apple Books shows transparent areas black at night); `drawn`: the SVG as it
    is drawn, when that differs from the file (images.Image.drawn)."""
    data = drawn or read_bytes(root, path, "image")
    if _LINKS.search(data):  # (what it draws is not all in it: made every time)
        return _svg_to_png(path, root, drawn, data)
    return _kept(root, b"svg\0" + data, lambda: _svg_to_png(path, root, drawn, data))


def _svg_to_png(path: Path, root: Path, drawn: bytes | None, data: bytes) -> bytes:
    width, height = svg_size(data)
    src = "data:image/svg+xml;base64," + base64.b64encode(drawn).decode("ascii") if drawn else file_url(path, [root])
    html = (f"<style>@page {{ size: {width}px {height}px; margin: 0 }} html, body {{ margin: 0; background: #fff }}"
            f" img {{ display: block; width: {width}px; height: {height}px }}</style>"
            f'<img src="{src}" alt=""/>')
    pdf = typeset(html, file_url(path.parent, [root]) + "/", root)
    pixels = min(SVG_WIDTH_MAX, max(SVG_WIDTH_MIN, round(2 * width)))
    return _image_bytes(rasterise(pdf, pixels), format="PNG", optimize=True)


E_READER_PIXELS = 5_600_000  # Apple Books' most (docs/e-readers.md)
E_READER_BYTES = 5_000_000  # Kobo's most, an image


def for_e_readers(data: bytes, media_type: str) -> bytes:
    """A JPEG or PNG figure as e-readers take it (docs/e-readers.md): RGB or grey,
    never CMYK (Kobo), opaque on white (Apple Books shows transparent areas black
    at night), at most E_READER_PIXELS; the bytes as they are when they are so. An
    author's CMYK scan, transparent chart or 12-megapixel photograph went into the
    EPUB as it was (QA 23). Pillow writes no date: the same pixels, the same bytes."""
    from PIL import Image

    if media_type not in ("image/jpeg", "image/png"):
        return data
    with Image.open(io.BytesIO(data)) as image:
        transparent = "A" in image.mode or "transparency" in image.info
        pixels = image.width * image.height
        if image.mode in ("RGB", "L", "P", "1") and not transparent and pixels <= E_READER_PIXELS:
            return data
        image.load()
        if transparent:
            rgba = image.convert("RGBA")
            image = Image.new("RGB", rgba.size, "white")
            image.paste(rgba, mask=rgba.getchannel("A"))
        elif image.mode not in ("RGB", "L"):
            image = image.convert("RGB")  # (CMYK: as Pillow converts it, without the scan's profile)
        if pixels > E_READER_PIXELS:
            scale = (E_READER_PIXELS / pixels) ** 0.5
            image = image.resize((int(image.width * scale), int(image.height * scale)), Image.Resampling.LANCZOS)
        if media_type == "image/jpeg":
            return _image_bytes(image, format="JPEG", quality=90, optimize=True)
        return _image_bytes(image, format="PNG", optimize=True)


def cmyk_as_rgb(data: bytes) -> bytes | None:
    """A CMYK JPEG as an RGB one (as Pillow converts it), for the print editions,
    whose PDF/A has an sRGB output intent; None for any other picture."""
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        if image.mode != "CMYK":
            return None
        return _image_bytes(image.convert("RGB"), format="JPEG", quality=95, optimize=True)


PDF_WIDTH_EPUB, PDF_WIDTH_PRINT = 1600, 2400  # pixels of a PDF figure's first page: 2400 is 300 dpi over 8 in


def pdf_to_png(path: Path, root: Path, width: int = PDF_WIDTH_EPUB) -> bytes:
    """A PDF figure's first page as a PNG on white, `width` pixels wide."""
    data = read_bytes(root, path, "image")
    return _kept(root, f"pdf {width}\0".encode() + data,
                 lambda: _image_bytes(rasterise(data, width), format="PNG", optimize=True))


# An SVG's reference to another file (an image, a font, a stylesheet): not a
# fragment (#x) of its own, nor a data: URL
_LINKS = re.compile(rb"""(?:href\s*=\s*["']|url\(\s*["']?)(?!\s*#|\s*data:)""")
KEPT = Path(".imprint-cache") / "raster"  # under the project's root
KEPT_AFTER = 0.25  # seconds: a picture that takes longer to make is kept for the next build


def _kept(root: Path, source: bytes, make: Callable[[], bytes]) -> bytes:
    """A picture made from `source` (with the picture's kind): from the project's
    cache, or made, and kept there if that took long (a large SVG figure of
    Inkscape's or matplotlib's: seconds; the watch remade it at every edit). The
    cache is keyed by Imprint's code and packages too (manifest.code_key)."""
    from ..building.manifest import code_key

    key = hashlib.sha256(code_key().encode() + b"\0" + source).hexdigest()
    path = root / KEPT / f"{key}.png"
    with suppress(OSError):
        return path.read_bytes()
    started = time.monotonic()
    picture = make()
    if time.monotonic() - started > KEPT_AFTER:
        keep(path, picture)  # (a cache that cannot be written: made again next time)
    return picture


def _image_bytes(image, **options: Any) -> bytes:
    """A Pillow image written in a format (`options`: Image.save's); Pillow writes no
    date in it: the same pixels give the same bytes."""
    buffer = io.BytesIO()
    image.save(buffer, **options)
    return buffer.getvalue()


def svg_size(data: bytes) -> tuple[float, float]:
    """The SVG's own size in CSS pixels: its width and height, else its viewBox's
    (an image of unknown size is 300 x 150, as in CSS)."""
    root = etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False))
    box = [float(v) for v in re.split(r"[\s,]+", (root.get("viewBox") or "").strip()) if v][2:4]
    width, height = _px(root.get("width")), _px(root.get("height"))
    if width and height:
        return width, height
    if len(box) == 2 and box[0] > 0 and box[1] > 0:
        if width:
            return width, width * box[1] / box[0]
        if height:
            return height * box[0] / box[1], height
        return box[0], box[1]
    return 300.0, 150.0


def _px(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    return float(match.group(1)) * _PX[match.group(2)] if match and float(match.group(1)) > 0 else None
