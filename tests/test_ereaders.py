"""E-reader compatibility of the EPUB edition (see docs/e-readers.md).

Two kinds of checks on the EPUBs the session fixtures build:

- the book is read back by another program, pandoc (`pandoc -f epub -t json`), and
  the text must survive: title, every footnote as a pandoc Note, headings, reference
  list, tables, figures. Pandoc is required: without it these tests fail (run
  ./test.sh, whose set-up installs it); calibre's tools are used when installed.
- the rules that Kindle, Kobo, Apple Books, KOReader and Thorium publish for EPUB
  input are checked on the unzipped book. Each rule cites its source in
  docs/e-readers.md; the numbers below are those sources' numbers.

No reading system runs here: what a device does with the markup is documented, not
tested.
"""

from __future__ import annotations

import functools
import io
import json
import posixpath
import re
import shutil
import subprocess
import zipfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import etree
from PIL import Image

pytestmark = pytest.mark.slow  # (editions read back by Pandoc and e-reader tools: seconds)

XHTML = "http://www.w3.org/1999/xhtml"
OPS = "http://www.idpf.org/2007/ops"
OPF = "http://www.idpf.org/2007/opf"
DC = "http://purl.org/dc/elements/1.1/"
NCX = "http://www.daisy.org/z3986/2005/ncx/"
SVG = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EPUB_TYPE = f"{{{OPS}}}type"
NS = {"x": XHTML, "epub": OPS, "opf": OPF, "dc": DC, "ncx": NCX}

CASES = ["seed", "full", "apparatus_ru", "apparatus_en", "issue"]

# What each fixture article holds, counted in its source (tests/cases/*/source and
# source/): the read-back must find exactly this much.
EXPECTED = {
    "seed": dict(title="Khalkhin-Gol: Military and Political Cooperation of the USSR and the MNR (1939-1945)",
                 lang="en", tables=0, figures=0, references=0),
    "full": dict(title="Испытательная статья: сотрудничество и «кавычки» & <теги>",
                 lang="ru", tables=1, figures=0, references=0),
    "apparatus_ru": dict(title="Военно-политическое сотрудничество СССР и МНР: испытательный очерк",
                         lang="ru", tables=1, figures=2, references=10),
    "apparatus_en": dict(title="Supply Lines at Khalkhin Gol: A Test Article",
                         lang="en-GB", tables=1, figures=2, references=5),
    # The three articles above in one issue (tests/cases/issue): the book's title is
    # the name, its first heading the issue's own title.
    "issue": dict(title="Вестник испытательного журнала. Гуманитарные исследования, Т. 12, № 3 (40), 2024: "
                        "Архивы, карты и сноски",
                  heading="Архивы, карты и сноски", lang="ru", page_langs={"ru", "en-GB"},
                  tables=3, figures=4, references=15),
}

# Limits, with their sources (docs/e-readers.md has the addresses).
XHTML_MAX_BYTES_ADOBE = 300 * 1024        # Adobe RMSDK chunk limit: Kobo renders sideloaded .epub with it
XHTML_MAX_BYTES_KOBO = 10 * 1024 * 1024   # Kobo EPUB guidelines, "Limitations and Maximums"
IMAGE_MAX_BYTES = 5 * 1024 * 1024         # Kobo: 5 MB per image; Kindle Publishing Guidelines: 5 MB
IMAGE_MAX_PIXELS = 5_600_000              # Apple Books Asset Guide: images cannot exceed 5.6 million pixels
ALT_MAX_CHARS = 140                       # KDP Image Guidelines: alt text less than 140 characters
NOTE_MIN_CHARS, NOTE_MAX_CHARS = 9, 5000  # Kobo pop-up conditions: 9 characters or more, at most 5000
NAV_MAX_DEPTH = 2                         # Kindle Publishing Guidelines 2019.2, 5.2: two levels of nesting
COVER_MIN_SIDES = (625, 1000)             # KDP cover guidelines: minimum 1,000 x 625 pixels
COVER_MAX_SIDE = 10_000                   # KDP: maximum 10,000 x 10,000 pixels
COVER_MAX_BYTES_KDP = 50 * 1024 * 1024    # KDP: 50 MB or smaller
COVER_MAX_BYTES_KOBO = 3 * 1024 * 1024    # Kobo: keep cover images under 3 MB

RASTER_TYPES = {"image/jpeg": "JPEG", "image/png": "PNG", "image/gif": "GIF"}
FONT_TYPES = {"font/otf", "font/ttf", "font/woff", "font/woff2", "application/font-sfnt",
              "application/vnd.ms-opentype", "application/font-woff", "application/x-font-ttf"}
GENERIC_FAMILIES = {"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui", "ui-serif",
                    "ui-sans-serif", "ui-monospace", "ui-rounded", "math", "emoji", "fangsong",
                    "inherit", "initial", "unset", "revert"}
SAFE_NAME = re.compile(r"^[A-Za-z0-9._/-]+$")


# --------------------------------------------------------------------------- reading

@dataclass(frozen=True)
class Item:
    id: str
    path: str          # full path inside the zip
    media_type: str
    properties: frozenset


class Epub:
    """The unzipped book: package document, manifest, spine, parsed content documents."""

    def __init__(self, path: Path):
        self.path = path
        with zipfile.ZipFile(path) as archive:
            self.names = archive.namelist()
            self.data = {name: archive.read(name) for name in self.names}
        container = etree.fromstring(self.data["META-INF/container.xml"])
        self.opf_path = container.find(".//{*}rootfile").get("full-path")
        self.opf = etree.fromstring(self.data[self.opf_path])
        base = posixpath.dirname(self.opf_path)
        self.items = [Item(i.get("id"), posixpath.normpath(posixpath.join(base, unquote(i.get("href")))),
                           i.get("media-type"), frozenset((i.get("properties") or "").split()))
                      for i in self.opf.find("opf:manifest", NS)]
        self.by_id = {i.id: i for i in self.items}
        self.by_path = {i.path: i for i in self.items}
        spine = self.opf.find("opf:spine", NS)
        self.spine = [(self.by_id[r.get("idref")], r.get("linear", "yes") != "no") for r in spine]
        self.toc_idref = spine.get("toc")
        self.docs = {i.path: etree.fromstring(self.data[i.path])
                     for i in self.items if i.media_type == "application/xhtml+xml"}
        self.nav_path = next((i.path for i in self.items if "nav" in i.properties), None)

    @property
    def metadata(self):
        return self.opf.find("opf:metadata", NS)

    def reading_order(self) -> list[str]:
        """Content documents in the spine, linear ones, in order (the nav is not linear)."""
        return [item.path for item, linear in self.spine if linear]

    def resolve(self, doc: str, href: str) -> tuple[str, str]:
        """(path in the zip, fragment) of a link or resource reference in `doc`."""
        parts = urlsplit(href)
        path = posixpath.normpath(posixpath.join(posixpath.dirname(doc), unquote(parts.path))) \
            if parts.path else doc
        return path, unquote(parts.fragment)

    def element(self, path: str, fragment: str):
        tree = self.docs.get(path)
        if tree is None:
            return None
        if not fragment:
            return tree
        found = tree.xpath("//*[@id=$id]", id=fragment)
        return found[0] if found else None

    def stylesheets(self) -> dict[str, str]:
        """Every piece of CSS: stylesheet files, <style> elements, style attributes."""
        css = {i.path: self.data[i.path].decode("utf-8") for i in self.items if i.media_type == "text/css"}
        for path, tree in self.docs.items():
            for n, style in enumerate(tree.iter(f"{{{XHTML}}}style")):
                css[f"{path} <style> {n + 1}"] = style.text or ""
            for n, element in enumerate(tree.iter()):
                if isinstance(element.tag, str) and element.get("style") is not None:
                    css[f"{path} <{etree.QName(element).localname} style> {n}"] = element.get("style")
        return css


@functools.lru_cache(maxsize=None)
def _load(path: str) -> Epub:
    return Epub(Path(path))


def book(request, case: str) -> Epub:
    return _load(str(request.getfixturevalue(case).file("epub")))


def text_of(element, skip=lambda e: False) -> str:
    """The element's text, whitespace collapsed, leaving out subtrees where `skip` is true."""
    parts = []

    def walk(e):
        if skip(e):
            parts.append(e.tail or "")
            return
        parts.append(e.text or "")
        for child in e:
            walk(child)
        parts.append(e.tail or "")

    parts.append(element.text or "")
    for child in element:
        walk(child)
    return " ".join("".join(parts).split())


def squeeze(text: str) -> str:
    return "".join(text.split())


def types_of(element) -> set[str]:
    return set((element.get(EPUB_TYPE) or "").split())


def is_noteref(element) -> bool:
    return isinstance(element.tag, str) and "noteref" in types_of(element)


def source_note_count(built) -> int:
    """Footnotes in the article's source (or in every article of an issue):
    [^label]: definitions and ^[inline] notes."""
    folder = built.root / "source" / built.slug
    if (folder / "issue.yaml").exists():
        slugs = re.findall(r"^  - (\S+)$", (folder / "issue.yaml").read_text(encoding="utf-8"), flags=re.M)
        texts = [(built.root / "source" / slug / "article.md").read_text(encoding="utf-8") for slug in slugs]
    else:
        texts = [(folder / "article.md").read_text(encoding="utf-8")]
    return sum(len(re.findall(r"^\[\^[^\]]+\]:", t, flags=re.M)) + t.count("^[") for t in texts)


def footnotes(epub: Epub) -> list[tuple[str, etree._Element]]:
    """(file, element) of every element typed as a footnote or endnote, in reading order."""
    found = []
    for path in epub.reading_order():
        for element in epub.docs[path].iter():
            if isinstance(element.tag, str) and types_of(element) & {"footnote", "endnote", "rearnote"}:
                found.append((path, element))
    return found


def noterefs(epub: Epub) -> list[tuple[str, etree._Element]]:
    return [(path, a) for path in epub.reading_order()
            for a in epub.docs[path].iter(f"{{{XHTML}}}a") if is_noteref(a)]


# --------------------------------------------------------------------------- pandoc

def _pandoc_missing() -> None:
    pytest.fail("pandoc is not installed: run ./test.sh, which installs it (scripts/setup.sh test), "
                "or apt-get install pandoc")


@functools.lru_cache(maxsize=None)
def _pandoc(path: str) -> dict:
    pandoc = shutil.which("pandoc")
    if not pandoc:
        _pandoc_missing()
    run = subprocess.run([pandoc, "-f", "epub", "-t", "json", path], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, f"pandoc could not read {path}: {run.stderr}"
    assert "[WARNING]" not in run.stderr, f"pandoc warned reading {path}: {run.stderr}"
    return json.loads(run.stdout)


def pandoc_doc(request, case: str) -> dict:
    return _pandoc(str(request.getfixturevalue(case).file("epub")))


def nodes(tree, kind: str) -> list[dict]:
    """Every pandoc AST node of a kind, in document order."""
    found = []

    def walk(x):
        if isinstance(x, dict):
            if x.get("t") == kind:
                found.append(x)
            for value in x.values():
                walk(value)
        elif isinstance(x, list):
            for value in x:
                walk(value)

    walk(tree)
    return found


def ptext(tree, notes: bool = False) -> str:
    """Plain text of a pandoc AST fragment; Note contents left out unless `notes`."""
    parts = []

    def walk(x):
        if isinstance(x, dict):
            kind = x.get("t")
            if kind == "Str":
                parts.append(x["c"])
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                parts.append(" ")
            elif kind in ("Code", "Math", "RawInline"):
                parts.append(x["c"][1])
            elif kind == "Note" and not notes:
                return
            elif kind in ("Para", "Plain", "Header"):
                walk(x.get("c"))
                parts.append(" ")
            else:
                for value in x.values():
                    walk(value)
        elif isinstance(x, list):
            for value in x:
                walk(value)

    walk(tree)
    return " ".join("".join(parts).split())


def pandoc_api(doc: dict) -> tuple[int, ...]:
    return tuple(doc["pandoc-api-version"])


# ============================================================ (a) read back with pandoc

@pytest.mark.slow  # (seconds: out of the quick loop)
@pytest.mark.parametrize("case", CASES)
def test_pandoc_reads_title_language_and_authors(case, request):
    doc = pandoc_doc(request, case)
    epub = book(request, case)
    meta = doc["meta"]
    title = meta["title"]
    titles = [ptext(t) for t in title["c"]] if title["t"] == "MetaList" else [ptext(title)]
    assert EXPECTED[case]["title"] in titles, titles
    assert ptext(meta["language"]) == EXPECTED[case]["lang"]
    creators = {c.text for c in epub.metadata.findall("dc:creator", NS)}
    author = meta["author"]
    authors = {ptext(a) for a in author["c"]} if author["t"] == "MetaList" else {ptext(author)}
    assert creators and authors == creators


@pytest.mark.parametrize("case", CASES)
def test_pandoc_finds_every_footnote_as_a_note(case, request):
    built = request.getfixturevalue(case)
    doc = pandoc_doc(request, case)
    epub = book(request, case)
    expected = source_note_count(built)
    notes = nodes(doc["blocks"], "Note")
    assert len(notes) == expected, f"{len(notes)} pandoc Notes, {expected} notes in the source"
    asides = [element for _, element in footnotes(epub)]
    assert len(asides) == expected
    # Each Note carries its own note's text (the number, then the note), in order.
    for note, aside in zip(notes, asides):
        assert squeeze(ptext(note["c"], notes=True)) == squeeze(text_of(aside)), text_of(aside)
    # ... and the notes are not also left in the running text.
    body = squeeze(ptext(doc["blocks"]))
    for aside in asides:
        assert squeeze(text_of(aside)) not in body


@pytest.mark.parametrize("case", CASES)
def test_pandoc_keeps_the_running_text(case, request):
    doc = pandoc_doc(request, case)
    epub = book(request, case)
    body = squeeze(ptext(doc["blocks"]))
    paragraphs = 0
    for path in epub.reading_order():
        for p in epub.docs[path].iter(f"{{{XHTML}}}p"):
            if any(types_of(a) & {"footnote"} for a in p.iterancestors()):
                continue
            text = squeeze(text_of(p, skip=is_noteref))
            if text:
                paragraphs += 1
                assert text in body, f"{path}: paragraph lost or changed: {text_of(p)[:120]}"
    assert paragraphs >= 3


@pytest.mark.parametrize("case", CASES)
def test_pandoc_keeps_the_headings(case, request):
    doc = pandoc_doc(request, case)
    epub = book(request, case)
    expected = [(int(h.tag[-1]), text_of(h)) for path in epub.reading_order()
                for h in epub.docs[path].iter(*(f"{{{XHTML}}}h{n}" for n in range(1, 7)))]
    found = [(h["c"][0], ptext(h["c"][2])) for h in nodes(doc["blocks"], "Header")]
    assert found == expected
    assert (1, EXPECTED[case].get("heading", EXPECTED[case]["title"])) in found


@pytest.mark.parametrize("case", CASES)
def test_pandoc_keeps_the_reference_list(case, request):
    doc = pandoc_doc(request, case)
    epub = book(request, case)
    entries = [text_of(li) for path in epub.reading_order()
               for li in epub.docs[path].xpath("//x:li[contains(concat(' ', @class, ' '), ' csl-entry ')]",
                                               namespaces=NS)]
    assert len(entries) == EXPECTED[case]["references"]
    divs = [d for d in nodes(doc["blocks"], "Div") if "references" in d["c"][0][1]]
    if not entries:
        assert divs == []
        return
    pages = [path for path in epub.reading_order()
             if epub.docs[path].xpath("//x:li[contains(concat(' ', @class, ' '), ' csl-entry ')]", namespaces=NS)]
    assert len(divs) == len(pages)  # one list per article (an issue has several)
    found = []
    for div in divs:
        lists = nodes(div["c"][1], "BulletList") + nodes(div["c"][1], "OrderedList")
        assert len(lists) == 1
        items = lists[0]["c"] if lists[0]["t"] == "BulletList" else lists[0]["c"][1]
        found += [ptext(item) for item in items]
    assert found == entries


@pytest.mark.parametrize("case", CASES)
def test_pandoc_keeps_the_tables(case, request):
    doc = pandoc_doc(request, case)
    epub = book(request, case)
    tables = [t for path in epub.reading_order() for t in epub.docs[path].iter(f"{{{XHTML}}}table")]
    found = nodes(doc["blocks"], "Table")
    assert len(tables) == len(found) == EXPECTED[case]["tables"]
    for table, node in zip(tables, found):
        _attr, caption, _cols, head, bodies, _foot = node["c"]
        caption_element = table.find("x:caption", NS)
        assert ptext(caption[1]) == (text_of(caption_element) if caption_element is not None else "")
        head_rows = [[ptext(cell[4]) for cell in row[1]] for row in head[1]]
        assert head_rows == [[text_of(c) for c in tr] for tr in table.findall("x:thead/x:tr", NS)]
        body_rows = [[ptext(cell[4]) for cell in row[1]] for body in bodies for row in body[3]]
        expected_rows = [[text_of(c) for c in tr] for tr in table.findall("x:tbody/x:tr", NS)]
        assert body_rows == expected_rows and len(body_rows) >= 3


@pytest.mark.parametrize("case", CASES)
def test_pandoc_keeps_the_figures(case, request):
    doc = pandoc_doc(request, case)
    epub = book(request, case)
    figures = [(path, f) for path in epub.reading_order() for f in epub.docs[path].iter(f"{{{XHTML}}}figure")]
    assert len(figures) == EXPECTED[case]["figures"]
    covers = {i.path for i in epub.items if "cover-image" in i.properties}
    base = posixpath.dirname(epub.opf_path)
    images = [i for i in nodes(doc["blocks"], "Image")
              if posixpath.normpath(posixpath.join(base, unquote(i["c"][2][0]))) not in covers]
    assert len(images) == len(figures)
    for (path, figure), image in zip(figures, images):
        img = figure.find(".//x:img", NS)
        alt, caption = img.get("alt", ""), text_of(figure.find("x:figcaption", NS))
        assert alt.strip() and caption
        src, _ = epub.resolve(path, img.get("src"))
        # pandoc gives image paths relative to the package document's folder.
        assert posixpath.normpath(posixpath.join(base, unquote(image["c"][2][0]))) == src and src in epub.by_path
        if pandoc_api(doc) >= (1, 23):
            # pandoc 3 reads <figure> as a Figure: the image keeps its alt text.
            assert ptext(image["c"][1]) == " ".join(alt.split())
        else:
            # pandoc 2 reads it as an image whose description is the caption ("fig:"):
            # the alt attribute is not kept, so it is checked in the XHTML above.
            assert image["c"][2][1] == "fig:" and ptext(image["c"][1]) == caption
    if EXPECTED[case]["figures"]:
        captions = [ptext(node["c"][1]) for node in nodes(doc["blocks"], "Figure")] or \
            [ptext(image["c"][1]) for image in images]
        assert all(captions)


# ============================================================ calibre, when installed

def _calibre(tool: str) -> str:
    found = shutil.which(tool)
    if not found:
        pytest.skip(f"calibre's {tool} is not installed (optional: see docs/e-readers.md)")
    return found


@pytest.mark.parametrize("case", CASES)
def test_calibre_reads_the_metadata(case, request, tmp_path):
    tool = _calibre("ebook-meta")
    run = subprocess.run([tool, str(request.getfixturevalue(case).file("epub"))],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    fields = dict(line.split(":", 1) for line in run.stdout.splitlines() if ":" in line)
    fields = {k.strip(): v.strip() for k, v in fields.items()}
    assert EXPECTED[case]["title"] in fields.get("Title", "")
    assert fields.get("Languages", "").split(",")[0].strip()[:2] == EXPECTED[case]["lang"][:2]


@pytest.mark.parametrize("case", CASES)
def test_calibre_converts_with_the_notes(case, request, tmp_path):
    tool = _calibre("ebook-convert")
    built = request.getfixturevalue(case)
    out = tmp_path / "book.txt"
    run = subprocess.run([tool, str(built.file("epub")), str(out)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    text = squeeze(out.read_text(encoding="utf-8"))
    epub = book(request, case)
    for _, aside in footnotes(epub):
        note = squeeze(text_of(aside.find("x:p[2]", NS) if aside.find("x:p[2]", NS) is not None else aside))
        assert note in text


# ============================================================ (b) published rules

@pytest.mark.parametrize("case", CASES)
def test_package_is_reflowable_epub3_with_safe_file_names(case, request):
    """Apple Books takes EPUB 3 only; pop-up notes need EPUB 3 (epub:type). Kobo and
    Kindle: no special characters or spaces in file names. Kobo advises against
    fixed layout for text."""
    epub = book(request, case)
    assert epub.opf.get("version") == "3.0"
    assert epub.names[0] == "mimetype" and epub.data["mimetype"] == b"application/epub+zip"
    unsafe = [n for n in epub.names if not SAFE_NAME.match(n)]
    assert unsafe == []
    layout = epub.metadata.xpath("opf:meta[@property='rendition:layout']/text()", namespaces=NS)
    assert layout in ([], ["reflowable"])
    for path, tree in epub.docs.items():
        assert not tree.xpath("//x:meta[@name='viewport']", namespaces=NS), path


@pytest.mark.parametrize("case", CASES)
def test_no_scripts(case, request):
    """Kobo: JavaScript is not supported on its e-ink and desktop readers; EPUB
    reading systems without scripting (Kindle conversion, RMSDK) drop it."""
    epub = book(request, case)
    assert not [i for i in epub.items if "scripted" in i.properties or "javascript" in i.media_type
                or i.path.endswith(".js")]
    for path, tree in [*epub.docs.items(), *_svg_trees(epub)]:
        scripts = [e for e in tree.iter() if isinstance(e.tag, str) and etree.QName(e).localname == "script"]
        assert scripts == [], path
        handlers = [(etree.QName(e).localname, name) for e in tree.iter() if isinstance(e.tag, str)
                    for name in e.attrib if name.lower().startswith("on")]
        assert handlers == [], path
        hrefs = [h for e in tree.iter() if isinstance(e.tag, str)
                 for h in (e.get("href"), e.get(XLINK_HREF)) if h and h.strip().lower().startswith("javascript:")]
        assert hrefs == [], path


def _svg_trees(epub: Epub):
    return [(i.path, etree.fromstring(epub.data[i.path])) for i in epub.items if i.media_type == "image/svg+xml"]


RESOURCE_ATTRIBUTES = [("img", "src"), ("source", "src"), ("audio", "src"), ("video", "src"), ("video", "poster"),
                       ("track", "src"), ("iframe", "src"), ("embed", "src"), ("object", "data"),
                       ("script", "src"), ("link", "href"), ("image", XLINK_HREF), ("image", "href"),
                       ("use", XLINK_HREF), ("use", "href")]
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)|@import\s+['"]([^'"]+)['"]""", re.I)


@pytest.mark.parametrize("case", CASES)
def test_no_remote_resources(case, request):
    """Every resource the book loads is inside it and in the manifest (readers work
    offline; Kobo and Apple reject or break on missing resources)."""
    epub = book(request, case)
    assert not [i for i in epub.items if "remote-resources" in i.properties or urlsplit(i.path).scheme]
    loaded = []
    for path, tree in [*epub.docs.items(), *_svg_trees(epub)]:
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            name = etree.QName(element).localname
            for tag, attribute in RESOURCE_ATTRIBUTES:
                if name == tag and element.get(attribute):
                    loaded.append((path, element.get(attribute)))
    for path, css in epub.stylesheets().items():
        base = path.split(" ")[0]
        loaded += [(base, a or b) for a, b in CSS_URL.findall(css)]
    for path, reference in loaded:
        assert not urlsplit(reference).scheme, f"{path} loads {reference}"
        target, _ = epub.resolve(path, reference)
        assert target in epub.by_path, f"{path} loads {reference}, which is not in the manifest"
    stylesheets = [(p, r) for p, r in loaded if r.endswith(".css")]
    assert stylesheets, "the chapters link their stylesheet"


@pytest.mark.parametrize("case", CASES)
def test_content_documents_are_small(case, request):
    """Kobo: at most 10 MB per HTML file; Adobe's RMSDK (which renders sideloaded
    .epub files on Kobo e-ink readers and on many other devices) wants chunks
    under 300 KB."""
    epub = book(request, case)
    for item in epub.items:
        if item.media_type == "application/xhtml+xml":
            size = len(epub.data[item.path])
            assert size <= XHTML_MAX_BYTES_KOBO, (item.path, size)
            assert size <= XHTML_MAX_BYTES_ADOBE, (item.path, size)


@pytest.mark.parametrize("case", CASES)
def test_images_within_published_limits(case, request):
    """Formats Kindle, Kobo and Apple all read; RGB, no transparency (Kindle does not
    support it, Kobo advises against it, Apple shows it black in night mode);
    at most 5 MB (Kobo, Kindle) and 5.6 million pixels (Apple); alt text present
    and under 140 characters (KDP)."""
    epub = book(request, case)
    images = [i for i in epub.items if i.media_type.startswith("image/")]
    assert len([i for i in images if "cover-image" not in i.properties]) == EXPECTED[case]["figures"]
    for item in images:
        data = epub.data[item.path]
        assert item.media_type in {*RASTER_TYPES, "image/svg+xml"}, item
        assert len(data) <= IMAGE_MAX_BYTES, (item.path, len(data))
        if item.media_type == "image/svg+xml":
            root = etree.fromstring(data)
            assert etree.QName(root).localname == "svg"
            continue
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == RASTER_TYPES[item.media_type], item.path
            assert image.mode in ("RGB", "L", "P", "1"), (item.path, image.mode)
            assert "transparency" not in image.info, item.path
            assert image.width * image.height <= IMAGE_MAX_PIXELS, (item.path, image.size)
    for path in epub.reading_order():
        for img in epub.docs[path].iter(f"{{{XHTML}}}img"):
            alt = " ".join((img.get("alt") or "").split())
            assert alt and len(alt) < ALT_MAX_CHARS, (path, img.get("src"), alt)


@pytest.mark.parametrize("case", CASES)
def test_images_are_raster_for_kindle_enhanced_typesetting(case, request):
    epub = book(request, case)
    svg = [i.path for i in epub.items if i.media_type == "image/svg+xml"]
    assert svg == []


@pytest.mark.parametrize("case", CASES)
def test_footnotes_are_the_pop_up_pattern(case, request):
    """The markup the pop-up readers look for, note by note:
    - the call is <a epub:type="noteref" role="doc-noteref" id=...> inside <sup>
      (Apple, Kobo, KOReader, Thorium; Amazon requires superscript note links);
    - it points to an <aside epub:type="footnote" role="doc-footnote"> whose own id
      is the target (Apple hides asides from the flow; Thorium shows the content of
      the target element; KOReader's in-page notes match type/role footnote);
    - in the same file (Thorium pops up only notes of the same document), after
      the call (Kobo's condition), 9 to 5000 characters long (Kobo);
    - the note links back to the call (Amazon: bi-directional links), with
      role="doc-backlink"; a note calls no other note.
    """
    built = request.getfixturevalue(case)
    epub = book(request, case)
    refs = noterefs(epub)
    notes = footnotes(epub)
    assert len(refs) == len(notes) == source_note_count(built)
    targets = []
    for path, ref in refs:
        assert "doc-noteref" in (ref.get("role") or "").split(), ref.get("href")
        assert ref.get("id"), ref.get("href")
        assert etree.QName(ref.getparent()).localname == "sup", ref.get("href")
        target_path, fragment = epub.resolve(path, ref.get("href"))
        assert target_path == path, f"{path}: note {ref.get('href')} is in another file"
        note = epub.element(target_path, fragment)
        assert note is not None, ref.get("href")
        assert etree.QName(note).localname == "aside" and "footnote" in types_of(note)
        assert "doc-footnote" in (note.get("role") or "").split()
        order = {e: n for n, e in enumerate(epub.docs[path].iter())}
        assert order[note] > order[ref], f"{ref.get('href')} comes before its call"
        length = len(text_of(note))
        assert NOTE_MIN_CHARS <= length <= NOTE_MAX_CHARS, (ref.get("href"), length)
        backs = [a for a in note.iter(f"{{{XHTML}}}a") if "doc-backlink" in (a.get("role") or "").split()]
        assert len(backs) == 1, ref.get("href")
        assert epub.resolve(target_path, backs[0].get("href")) == (path, ref.get("id"))
        assert not [a for a in note.iter(f"{{{XHTML}}}a") if is_noteref(a)]
        targets.append(note)
    assert len(set(targets)) == len(targets) == len(notes)  # one call per note, none left uncalled


@pytest.mark.parametrize("case", CASES)
def test_notes_close_their_chapter(case, request):
    """Amazon recommends the note text at the end of the chapter or book; Kobo shows
    a pop-up only for targets after the link. Nothing but notes follows the first
    note of a file, and the notes are asides, which readers keep out of the flow."""
    epub = book(request, case)
    for path in epub.reading_order():
        body = epub.docs[path].find("x:body", NS)
        notes = [e for e in body.iter() if isinstance(e.tag, str) and "footnote" in types_of(e)]
        if not notes:
            continue
        section = notes[0].getparent()
        assert "footnotes" in types_of(section) and section.getparent() is body, path
        assert body[-1] is section, f"{path}: content after the notes"
        assert all(n.getparent() is section for n in notes)


@pytest.mark.parametrize("case", CASES)
def test_other_internal_links_are_one_way(case, request):
    """KDP Hyperlink Guidelines: links that are not footnotes must not be
    bi-directional (A to B and B to A), or Kindle shows them as pop-up notes."""
    epub = book(request, case)
    for path in [p for p in [*epub.reading_order(), epub.nav_path] if p]:
        for link in epub.docs[path].iter(f"{{{XHTML}}}a"):
            href = link.get("href")
            if not href or urlsplit(href).scheme or is_noteref(link) \
                    or "doc-backlink" in (link.get("role") or "").split():
                continue
            target_path, fragment = epub.resolve(path, href)
            target = epub.element(target_path, fragment)
            assert target is not None, f"{path}: {href} goes nowhere"
            origin = {(path, e.get("id")) for e in [link, *link.iterancestors()] if e.get("id")}
            back = [a.get("href") for a in target.iter(f"{{{XHTML}}}a") if a.get("href")
                    and epub.resolve(target_path, a.get("href")) in origin]
            assert back == [], f"{path}: {href} and {target_path} link to each other"


def _nav_outline(ol, depth=1):
    entries = []
    for li in ol.findall("x:li", NS):
        a = li.find("x:a", NS)
        child = li.find("x:ol", NS)
        entries.append((depth, text_of(a), a.get("href"), _nav_outline(child, depth + 1) if child is not None else []))
    return entries


def _ncx_outline(parent, depth=1):
    return [(depth, " ".join(p.findtext("ncx:navLabel/ncx:text", namespaces=NS).split()),
             p.find("ncx:content", NS).get("src"), _ncx_outline(p, depth + 1))
            for p in parent.findall("ncx:navPoint", NS)]


def _depth(outline) -> int:
    return max((max(d, _depth(children)) for d, _, _, children in outline), default=0)


@pytest.mark.parametrize("case", CASES)
def test_navigation_for_every_reader(case, request):
    """A nav document with a toc and a landmarks nav holding bodymatter (EPUB 3;
    Apple; Kindle finds the TOC through the landmarks or the guide), a complete
    NCX (Kindle requires one; Kobo falls back to it), no deeper than two levels
    (Kindle), and the NCX identifier equal to dc:identifier (Kobo)."""
    epub = book(request, case)
    assert epub.nav_path, "no manifest item with properties=\"nav\""
    nav = epub.docs[epub.nav_path]
    toc = nav.find(".//x:nav[@epub:type='toc']", NS)
    outline = _nav_outline(toc.find("x:ol", NS))
    assert len(outline) >= 3 and _depth(outline) <= NAV_MAX_DEPTH
    landmarks = {a.get(EPUB_TYPE): epub.resolve(epub.nav_path, a.get("href"))
                 for a in nav.findall(".//x:nav[@epub:type='landmarks']//x:a", NS)}
    first_body = next(p for p in epub.reading_order()
                      if "bodymatter" in types_of(epub.docs[p].find("x:body", NS)))
    assert landmarks["bodymatter"] == (first_body, "")
    assert landmarks["toc"][0] == epub.nav_path
    guide = {r.get("type"): r.get("href") for r in epub.opf.findall("opf:guide/opf:reference", NS)}
    assert {"toc", "text"} <= set(guide)
    ncx_item = epub.by_id[epub.toc_idref]
    assert ncx_item.media_type == "application/x-dtbncx+xml"
    ncx = etree.fromstring(epub.data[ncx_item.path])
    ncx_outline = _ncx_outline(ncx.find("ncx:navMap", NS))

    def normalise(entries, base):
        return [(d, label, epub.resolve(base, href), normalise(children, base)) for d, label, href, children in entries]

    assert normalise(ncx_outline, ncx_item.path) == normalise(outline, epub.nav_path)
    uid = ncx.find("ncx:head/ncx:meta[@name='dtb:uid']", NS).get("content")
    unique = epub.opf.get("unique-identifier")
    assert uid == epub.metadata.find(f"dc:identifier[@id='{unique}']", NS).text


@pytest.mark.parametrize("case", CASES)
def test_language_is_declared_everywhere(case, request):
    """dc:language (required by EPUB, used by Apple and Kobo to pick fonts and
    hyphenation), the package's xml:lang, and lang = xml:lang on every page and on
    every passage in another language."""
    epub = book(request, case)
    lang = EXPECTED[case]["lang"]
    assert [e.text for e in epub.metadata.findall("dc:language", NS)] == [lang]
    assert epub.opf.get(XML_LANG) == lang
    page_langs = EXPECTED[case].get("page_langs", {lang})  # an issue's articles keep their own
    for path, tree in epub.docs.items():
        assert tree.get("lang") == tree.get(XML_LANG) and tree.get("lang") in page_langs, path
        for element in tree.iter():
            if isinstance(element.tag, str) and (element.get("lang") or element.get(XML_LANG)):
                assert element.get("lang") == element.get(XML_LANG), (path, element.tag)


def _css_rules(css: str) -> list[tuple[str, str]]:
    """(selector or at-rule prelude, declarations) pairs; comments removed; one level
    of @media nesting flattened."""
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    rules = []
    for prelude, body in re.findall(r"([^{}]*)\{([^{}]*)\}", css):
        rules.append((" ".join(prelude.split()), body))
    return rules


def _declarations(body: str) -> list[tuple[str, str]]:
    return [(k.strip().lower(), v.strip()) for k, _, v in
            (d.partition(":") for d in body.split(";")) if k.strip()]


@pytest.mark.parametrize("case", CASES)
def test_fonts_are_embedded_and_declared(case, request):
    """Kobo: do not name fonts in the CSS that the book does not embed; fonts the
    book carries are declared with @font-face and listed in the manifest with a
    font media type (EPUB core media types; Kindle and Kobo read OTF, TTF, WOFF)."""
    epub = book(request, case)
    declared, used = {}, []
    for path, css in epub.stylesheets().items():
        base = path.split(" ")[0]
        for prelude, body in _css_rules(css) if "{" in css else [("", css)]:
            declarations = dict(_declarations(body))
            if prelude.lower().startswith("@font-face"):
                family = declarations["font-family"].strip("'\" ")
                sources = re.findall(r"url\(\s*['\"]?([^'\")]+)", declarations.get("src", ""))
                assert sources, (path, family)
                for source in sources:
                    target, _ = epub.resolve(base, source)
                    assert target in epub.by_path and epub.by_path[target].media_type in FONT_TYPES, source
                declared.setdefault(family.lower(), []).extend(sources)
                continue
            for name, value in _declarations(body):
                if name == "font-family":
                    used += [(path, f.strip().strip("'\"").lower()) for f in value.split(",")]
                elif name == "font":
                    used += [(path, f.strip().strip("'\"").lower()) for f in value.split(",")[1:]]
    for path, family in used:
        assert family in GENERIC_FAMILIES or family in declared, f"{path}: font {family!r} is not embedded"
    font_items = [i for i in epub.items if i.media_type in FONT_TYPES or i.path.endswith((".otf", ".ttf", ".woff",
                                                                                          ".woff2"))]
    referenced = {epub.resolve(p.split(" ")[0], s)[0] for p, css in epub.stylesheets().items()
                  for s in re.findall(r"url\(\s*['\"]?([^'\")]+\.(?:otf|ttf|woff2?))", css)}
    assert {i.path for i in font_items} == referenced


@pytest.mark.parametrize("case", CASES)
def test_stylesheet_follows_kobo_advice(case, request):
    """Kobo EPUB guidelines, CSS: no background colours (unreadable in night and
    sepia modes and on e-ink), no styles on bare div (Kobo inserts divs), no font
    sizes in % (bugs on desktop and e-ink)."""
    epub = book(request, case)
    for path, css in epub.stylesheets().items():
        rules = _css_rules(css) if "{" in css else [("", css)]
        for prelude, body in rules:
            for name, value in _declarations(body):
                assert not name.startswith("background"), (path, prelude, name, value)
                if name == "font-size":
                    assert not value.endswith("%"), (path, prelude, value)
            selectors = [s.strip() for s in prelude.split(",")]
            assert not [s for s in selectors if re.search(r"(^|[\s>+~])div($|[\s>+~:\[])", s)], (path, prelude)


@pytest.mark.parametrize("case", CASES)
def test_no_inline_styles(case, request):
    epub = book(request, case)
    inline = [(path, etree.QName(e).localname, e.get("style")) for path, tree in epub.docs.items()
              for e in tree.iter() if isinstance(e.tag, str) and e.get("style") is not None]
    assert inline == []


class NoCover(AssertionError):
    """The book has no cover image yet."""


@pytest.mark.parametrize("case", CASES)
def test_cover_image_follows_kindle_and_kobo(case, request):
    """KDP cover guidelines: at least 1,000 x 625 pixels (2,560 x 1,600 ideal), at
    most 10,000 a side and 50 MB; Kobo: JPEG or PNG (no GIF), under 3 MB, named
    in <meta name="cover">, alone in its own XHTML page."""
    epub = book(request, case)
    covers = [i for i in epub.items if "cover-image" in i.properties]
    if not covers:
        raise NoCover(f"{epub.path.name}: no manifest item with properties=\"cover-image\"")
    assert len(covers) == 1
    cover = covers[0]
    assert cover.media_type in ("image/jpeg", "image/png"), cover.media_type
    data = epub.data[cover.path]
    assert len(data) <= COVER_MAX_BYTES_KDP and len(data) <= COVER_MAX_BYTES_KOBO, len(data)
    with Image.open(io.BytesIO(data)) as image:
        assert image.format == RASTER_TYPES[cover.media_type]
        assert image.mode in ("RGB", "L", "P") and "transparency" not in image.info, image.mode
        short, long = sorted(image.size)
        assert short >= COVER_MIN_SIDES[0] and long >= COVER_MIN_SIDES[1], image.size
        assert long <= COVER_MAX_SIDE, image.size
    assert epub.metadata.xpath("opf:meta[@name='cover']/@content", namespaces=NS) == [cover.id]
    pages = [p for p, tree in epub.docs.items()
             if any(epub.resolve(p, img.get("src"))[0] == cover.path for img in tree.iter(f"{{{XHTML}}}img"))
             or any(epub.resolve(p, e.get(XLINK_HREF) or e.get("href") or "")[0] == cover.path
                    for e in tree.iter(f"{{{SVG}}}image"))]
    assert len(pages) == 1, pages
    body = epub.docs[pages[0]].find("x:body", NS)
    unseen = {f"{{{SVG}}}title", f"{{{SVG}}}desc"}
    assert text_of(body, skip=lambda e: e.tag in unseen) == "", "the cover page holds only the cover"
    assert pages[0] in [item.path for item, _ in epub.spine]
