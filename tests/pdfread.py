"""Reading PDFs the way a reader's tools do: poppler for text and fonts, pikepdf for structure."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from lxml import etree


def _poppler(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        pytest.fail(f"{tool} (poppler-utils) is not installed: run ./test.sh")
    return path


def page_count(pdf: Path) -> int:
    out = subprocess.run([_poppler("pdfinfo"), str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def page_text(pdf: Path, page: int, raw: bool = False) -> str:
    """The text of a page; `raw` keeps line ends as set (plain mode joins hyphenated words)."""
    mode = ["-raw"] if raw else []
    return subprocess.run([_poppler("pdftotext"), *mode, "-f", str(page), "-l", str(page), "-enc", "UTF-8",
                           str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def pages_text(pdf: Path, raw: bool = False) -> list[str]:
    return [page_text(pdf, n, raw) for n in range(1, page_count(pdf) + 1)]


def fonts(pdf: Path) -> list[dict]:
    out = subprocess.run([_poppler("pdffonts"), str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = []
    for line in out.splitlines()[2:]:
        parts = line.split()
        # name type... encoding emb sub uni object ID: the last five columns are fixed
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


def words(pdf: Path, page: int) -> tuple[list[Word], float, float]:
    """The words of a page with their boxes (points from the top left), and the page size."""
    out = subprocess.run([_poppler("pdftotext"), "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, check=True).stdout
    tree = etree.fromstring(out, etree.XMLParser(recover=True))
    ns = {"x": "http://www.w3.org/1999/xhtml"}
    page_el = tree.find(".//x:page", ns)
    found = [Word(w.text or "", float(w.get("xMin")), float(w.get("yMin")), float(w.get("xMax")), float(w.get("yMax")))
             for w in page_el.findall("x:word", ns)]
    return found, float(page_el.get("width")), float(page_el.get("height"))


@dataclass
class Tag:
    """A structure element as `pdfinfo -struct-text` lists it: its type, its ID,
    and its kids: elements, and the texts of its marked contents."""
    kind: str
    id: str | None
    kids: list

    def text(self) -> str:
        return "".join(kid if isinstance(kid, str) else kid.text() for kid in self.kids)

    def walk(self):
        yield self
        for kid in self.kids:
            if isinstance(kid, Tag):
                yield from kid.walk()


def tag_tree(pdf: Path) -> Tag:
    """The structure tree, with the text poppler reads in each marked content (what
    a tool that reads by the tags gets)."""
    out = subprocess.run([_poppler("pdfinfo"), "-struct-text", str(pdf)], capture_output=True, text=True,
                         check=True).stdout
    root = Tag("StructTreeRoot", None, [])
    stack: list[tuple[int, Tag]] = [(-1, root)]
    for line in out.splitlines():
        content = line.strip()
        if not content:
            continue
        indent = len(line) - len(line.lstrip(" "))
        while stack[-1][0] >= indent:
            stack.pop()
        if content.startswith('"') and content.endswith('"') and len(content) > 1:
            stack[-1][1].kids.append(content[1:-1])
            continue
        match = re.match(r"(\S+)(?: <([^>]*)>)?", content)
        node = Tag(match.group(1), match.group(2), [])
        stack[-1][1].kids.append(node)
        stack.append((indent, node))
    return root
