"""Images an article shows: found inside the project, checked to be what they claim.

PNG and JPEG are decoded with Pillow (a renamed or truncated file is refused);
SVG is parsed without network or entities and refused if it runs scripts or
loads anything but its own fragments and data: URIs. An SVG as draw.io exports it
is drawn as its SVG says when HTML cannot be drawn: each label's HTML in a
<switch> left for the SVG text beside it, and CSS's light-dark() colours taken
as their light one (drawn(): WeasyPrint draws neither, and such a figure came out
without its labels, or as a black box).
"""

from __future__ import annotations

import codecs
import difflib
import io
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from lxml import etree

from ..files import display, read_bytes, within
from .includes import quarto_root
from .parsing import HintedError

MEDIA_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".svg": "image/svg+xml",
               ".pdf": "application/pdf"}  # (a PDF figure, as LaTeX users make them: shown as pixels)
MAX_PIXELS = 50_000_000  # a 7000 x 7000 scan; more is a mistake or a decompression bomb
MAX_BYTES = 20 * 1024 * 1024
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# url(#gradient), url("#gradient") and data: stay inside (the quote is not given back: it was, and a
# quoted url("#gradient") read as another file)
_CSS_URL = re.compile(r"url\(\s*(?!['\"]?\s*(?:#|data:))", re.I)


@dataclass(frozen=True)
class Image:
    path: Path  # resolved, inside the project
    shown: str  # as the user wrote it
    media_type: str
    width: int | None  # pixels, for PNG and JPEG
    height: int | None
    drawn: bytes | None = None  # an SVG as it is drawn, when that differs from the file (see above)
    pages: int = 1  # a PDF's (only its first is shown)
    data: bytes | None = None  # its bytes, where no file of its own holds them (a notebook's output: stored_image)


LATEX_ORDER = (".pdf", ".png", ".jpg", ".jpeg", ".svg")  # (pdfLaTeX's order of the extensions it tries)


def load_image(root: Path, folder: Path, src: str) -> Image:
    """The image `src` (relative to the article's folder). Raises ValueError with a sentence."""
    if urlsplit(src).scheme or src.startswith("//"):
        raise ValueError(f"the image '{src}' is not a file of the project; download it into the article's folder")
    written = unquote(src)  # (percent-escapes decoded once, never twice)
    path = _image_path(root, folder, written, src)
    bare = re.split(r"[?#]", written, maxsplit=1)[0]
    if bare != written and bare and not path.exists():
        # A fragment or query on a file's name, `figures/plot.png#center`, which HTML
        # authors add for a stylesheet's `img[src$="#center"]`: a browser loads the file
        # without it, and so does Pandoc's HTML (it was "not a PNG ... file").
        path, written = _image_path(root, folder, bare, src), bare
    if not path.suffix and not path.exists():  # (LaTeX's \includegraphics{map}: map.pdf, map.png, ...)
        path = next((found for found in (path.with_name(path.name + s) for s in LATEX_ORDER) if found.is_file()), path)
    suffix = path.suffix.lower()
    if suffix not in MEDIA_TYPES:
        raise ValueError(f"'{src}' is not a PNG, JPEG, SVG or PDF file; convert it to one of these")
    from ..errors import SourceError

    rooted = "a path that starts with / starts at the Quarto project's root" if written.startswith("/") else ""
    if not path.exists() and not path.is_symlink():
        names = {p.name.lower(): p.name for p in sorted(path.parent.glob("*"))} if path.parent.is_dir() else {}
        near = [names[n] for n in difflib.get_close_matches(path.name.lower(), list(names), n=3, cutoff=0.6)]
        raise HintedError(f"image not found (looked for {display(path, root)}{'; ' + rooted if rooted else ''})",
                          f"did you mean {' or '.join(near)}?" if near else "put the file there, or correct its "
                          "name" + ("" if rooted else " (a path is relative to the article's folder)"))
    try:
        data = read_bytes(root, path, "image", limit=MAX_BYTES)
    except SourceError as error:
        if path.is_file():  # (found, but refused: too large, a link out of the project; its hint with it)
            problem = error.problems[0]
            raise ValueError(f"{problem.message} ({display(path, root)})"
                             + (f": {problem.hint}" if problem.hint else "")) from None
        raise ValueError(error.problems[0].message + f" (looked for {display(path, root)}"
                         f"{': ' + rooted if rooted else ''})") from None
    media_type = MEDIA_TYPES[suffix]
    if media_type == "image/svg+xml":
        return Image(path.resolve(), src, media_type, None, None, _check_svg(data, src))
    if media_type == "application/pdf":
        return Image(path.resolve(), src, media_type, None, None, pages=_check_pdf(data, src))
    width, height = _check_raster(data, media_type, src)
    return Image(path.resolve(), src, media_type, width, height)


def _image_path(root: Path, folder: Path, written: str, src: str) -> Path:
    """The file a path names: relative to the article's folder, or, starting with
    `/`, to the Quarto project's root."""
    if written.startswith("/") and not written.startswith("//"):  # (Quarto's: from its project's root)
        return within(root, quarto_root(folder, root / "source"), written.lstrip("/"), "image", src)
    return within(root, folder, written, "image", src)


def stored_image(path: Path, shown: str, media_type: str, data: bytes) -> Image:
    """An image stored inside another file, `path` (a cell's output in a Jupyter
    notebook: source/notebooks.py), checked as a file of its kind is; `shown`: as
    the user wrote it (notebook.ipynb#fig-x). Raises ValueError with a sentence."""
    if len(data) > MAX_BYTES:
        raise ValueError(f"'{shown}' is an image of {len(data):,} bytes; the limit is {MAX_BYTES:,}: save it smaller "
                         "(fewer pixels, or as JPEG)")
    if media_type == "image/svg+xml":  # (drawn as checked: no file to draw it from)
        return Image(path, shown, media_type, None, None, _check_svg(data, shown) or data, data=data)
    width, height = _check_raster(data, media_type, shown)
    return Image(path, shown, media_type, width, height, data=data)


def _check_raster(data: bytes, media_type: str, src: str) -> tuple[int, int]:
    from PIL import Image as PILImage

    magic = {"image/png": b"\x89PNG\r\n\x1a\n", "image/jpeg": b"\xff\xd8\xff"}[media_type]
    if not data.startswith(magic):
        raise ValueError(f"'{src}' is not the {media_type.split('/')[1].upper()} image its name says it is")
    try:
        with warnings.catch_warnings():  # (Pillow warns of an image between its limit and twice it: ours says more)
            warnings.simplefilter("ignore", PILImage.DecompressionBombWarning)
            image = PILImage.open(io.BytesIO(data))  # reads the header only
    except PILImage.DecompressionBombError as error:  # over twice Pillow's own limit: far over ours
        count = re.search(r"\((\d+) pixels\)", str(error))
        raise ValueError(f"'{src}' has {f'{int(count.group(1)):,}' if count else 'too many'} pixels; the limit is "
                         f"{MAX_PIXELS:,} (about 7000 x 7000): scale it down") from None
    except Exception as error:  # Pillow raises many kinds for a broken file
        raise ValueError(f"'{src}' cannot be read as an image: {error}") from None
    try:
        with image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise ValueError(f"'{src}' has {width:,} x {height:,} pixels; the limit is {MAX_PIXELS:,} "
                                 "(about 7000 x 7000): scale it down")
            image.load()  # decodes it: a truncated or corrupt file fails here
    except ValueError:
        raise
    except Exception as error:  # Pillow raises many kinds for a broken file
        raise ValueError(f"'{src}' cannot be read as an image: {error}") from None
    return width, height


def _check_pdf(data: bytes, src: str) -> int:
    """A PDF figure: its first page is shown (editions/raster.py), so it must open.
    Its number of pages."""
    if not data.startswith(b"%PDF-"):
        raise ValueError(f"'{src}' is not the PDF file its name says it is")
    import pypdfium2

    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as error:
        raise ValueError(f"'{src}' cannot be read as a PDF: {error}") from None
    try:
        if len(document) < 1:
            raise ValueError(f"'{src}' has no page to show")
        width, height = document[0].get_size()
        if width <= 0 or height <= 0 or width * height > 200 * 200 * 72 * 72:  # (a page of 200 x 200 inches)
            raise ValueError(f"'{src}' has a page of {width:.0f} x {height:.0f} points: not a figure")
        return len(document)
    finally:
        document.close()


def _check_svg(data: bytes, src: str) -> bytes | None:
    """The SVG checked; as it is to be drawn, if that differs (drawn())."""
    entities = ValueError(f"'{src}' declares XML entities, which Imprint refuses in SVG files; "
                          "export the SVG again without a DOCTYPE")
    if "<!ENTITY" in _xml_text(data, src):  # expansion bombs, external entities: refused, not parsed
        raise entities
    parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as error:
        raise ValueError(f"'{src}' is not a well-formed SVG file: {error}") from None
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.entities()):  # (whatever encoding the text above missed)
        raise entities
    if root.tag != f"{SVG}svg":
        raise ValueError(f"'{src}' is not an SVG image (its root element is not <svg>)")
    changed = _drawn(root)
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        if element.tag in (f"{SVG}script", f"{SVG}foreignObject") or any(
                name.startswith("on") for name in element.attrib):
            raise ValueError(f"'{src}' contains scripts or embedded HTML, which e-readers and Imprint refuse "
                             "(draw.io: export it as SVG with 'Convert labels to SVG', or as PNG)")
        for name in ("href", XLINK_HREF):
            target = element.get(name)
            if target and not (target.startswith("#") or target.startswith("data:")):
                raise ValueError(f"'{src}' loads another file ({target}); embed it or remove the reference")
        styles = [element.get("style") or ""] + ([element.text or ""] if element.tag == f"{SVG}style" else [])
        for css in styles:
            if "@import" in css or _CSS_URL.search(css):
                raise ValueError(f"'{src}' loads another file from its styles; remove the url() or @import")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8") if changed else None


def _drawn(root) -> bool:
    """The SVG as it is drawn where HTML is not (see the module's docstring),
    changed in place; True when it was."""
    changed = False
    for switch in root.iter(f"{SVG}switch"):
        html = [child for child in switch if child.tag == f"{SVG}foreignObject"]
        if html and len(html) < sum(isinstance(child.tag, str) for child in switch):  # (an SVG fallback is there)
            for child in html:
                switch.remove(child)
            changed = True
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if "light-dark(" in value:
                element.set(name, _light(value))
                changed = True
        if element.tag == f"{SVG}style" and element.text and "light-dark(" in element.text:
            element.text = _light(element.text)
            changed = True
    return changed


def _light(css: str) -> str:
    """CSS with each `light-dark(a, b)` as `a` (its colour in a light scheme)."""
    out, at = [], 0
    while (start := css.find("light-dark(", at)) != -1:
        depth, position, comma = 1, start + len("light-dark("), None
        while position < len(css) and depth:
            char = css[position]
            depth += {"(": 1, ")": -1}.get(char, 0)
            if char == "," and depth == 1 and comma is None:
                comma = position
            position += 1
        if depth or comma is None:  # (not closed, or one argument: left as written)
            out.append(css[at:position])
            at = position
            continue
        out.append(css[at:start] + css[start + len("light-dark("):comma].strip())
        at = position
    return "".join(out) + css[at:]


# How an XML file's first bytes name its encoding without a declaration (XML 1.0,
# appendix F); a byte-order mark first. (UTF-32's marks begin with UTF-16's: first.)
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"), (codecs.BOM_UTF8, "utf-8"),
         (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"))
_SNIFFED = ((b"\x00\x00\x00<", "utf-32-be"), (b"<\x00\x00\x00", "utf-32-le"), (b"\x00<\x00?", "utf-16-be"),
            (b"<\x00?\x00", "utf-16-le"))
_DECLARED = re.compile(r"""<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")


def _xml_text(data: bytes, src: str) -> str:
    """An XML file's text, decoded as an XML parser would decode it (its byte-order
    mark, else the shape of its first bytes, else the encoding its declaration
    names, else UTF-8): a check of the bytes alone let `<!ENTITY` through in UTF-16."""
    encoding = next((name for bom, name in _BOMS if data.startswith(bom)), None)
    start = len(next((bom for bom, name in _BOMS if data.startswith(bom)), b""))
    if encoding is None:
        encoding = next((name for shape, name in _SNIFFED if data.startswith(shape)), None)
    if encoding is None:
        declared = _DECLARED.match(data[:200].decode("latin-1"))
        encoding = declared.group(1) if declared else "utf-8"
    try:
        return data[start:].decode(encoding)
    except LookupError:
        raise ValueError(f"'{src}' is written in the encoding '{encoding}', which Imprint does not read; "
                         "save it as UTF-8") from None
    except UnicodeDecodeError as error:
        raise ValueError(f"'{src}' cannot be read as {encoding} text (byte {error.start + start}); "
                         "save it as UTF-8") from None


def epub_name(image: Image, taken: set[str]) -> str:
    """The image's file name inside the EPUB: images/<its name>, made unique. An SVG
    or a PDF is carried as a PNG rendering of it (editions/raster.py): Kindle shows
    no SVG, and no e-reader a PDF in a page. A notebook's output is named after
    the notebook and its cell's label (data-fig-map.png)."""
    named = image.path.stem + ("-" + image.shown.rsplit("#", 1)[-1] if image.data is not None else "")
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", named).strip("-") or "image"
    suffix = {"image/jpeg": ".jpg", "image/png": ".png", "image/svg+xml": ".png",
              "application/pdf": ".png"}[image.media_type]
    name, n = f"images/{stem}{suffix}", 1
    while name in taken:
        n += 1
        name = f"images/{stem}-{n}{suffix}"
    taken.add(name)
    return name


COVER_MIN = (625, 1000)  # KDP: at least 1,000 x 625 pixels (here portrait: width, height)


def check_cover(image: Image, root: Path) -> tuple[str, str] | None:
    """What keeps an editor's image from being a cover e-readers show well, and what
    to do, or None:
    JPEG or PNG (Kindle and Kobo take no SVG cover), RGB or grey (Kobo: never CMYK),
    opaque (Kindle supports no transparency), portrait, at least 625 x 1000 (KDP)."""
    from PIL import Image as PILImage

    again = "export the cover again as an RGB JPEG or PNG, portrait, about 1600 x 2560 pixels"
    if image.media_type not in ("image/png", "image/jpeg"):
        return "a cover must be a PNG or JPEG image", "e-readers show no SVG cover in their library: export it as PNG"
    with PILImage.open(io.BytesIO(read_bytes(root, image.path, "image", limit=MAX_BYTES))) as pixels:
        mode, transparent = pixels.mode, "transparency" in pixels.info
        width, height = pixels.size
    if mode not in ("RGB", "L") and not (mode == "P" and not transparent):
        kind = "transparent" if "A" in mode or transparent else "not RGB"
        return f"the cover is {mode} ({kind}): e-readers want an opaque RGB image", again
    if width >= height:
        return f"the cover is {width} x {height} pixels: a cover is portrait, higher than wide", again
    if width < COVER_MIN[0] or height < COVER_MIN[1]:
        return f"the cover is {width} x {height} pixels, less than {COVER_MIN[0]} x {COVER_MIN[1]}", again
    return None
