"""Reading PDFs the way a reader's tools do: poppler for text and fonts, pikepdf for structure."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from decimal import Decimal
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


def rules(pdf: Path, page: int) -> list[tuple[float, float]]:
    """The horizontal lines a page strokes (a table's rules, as WeasyPrint draws a
    border: a moveto, a lineto, a stroke), each as (where, how thick): its distance
    from the page's top and its width, in points, as words() measures them."""
    import pikepdf

    def times(a: tuple, b: tuple) -> tuple:  # (the matrix a, then b: ISO 32000-1, 8.3.4)
        return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
                a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])

    found = []
    with pikepdf.open(pdf) as document:
        height = float(document.pages[page - 1].MediaBox[3])
        matrix, width, stack, path = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), 1.0, [], []
        for operands, operator in pikepdf.parse_content_stream(document.pages[page - 1]):
            name, numbers = str(operator), [float(o) for o in operands if isinstance(o, (int, float, Decimal))]
            if name == "q":
                stack.append((matrix, width))
            elif name == "Q":
                matrix, width = stack.pop()
            elif name == "cm":
                matrix = times(tuple(numbers), matrix)
            elif name == "w":
                width = numbers[0]
            elif name in ("m", "l"):
                x, y = numbers
                path.append((x * matrix[0] + y * matrix[2] + matrix[4], x * matrix[1] + y * matrix[3] + matrix[5]))
            elif name in ("S", "s", "n", "f", "f*", "B", "re"):
                ys = {round(y, 3) for _, y in path}
                if name == "S" and len(path) == 2 and len(ys) == 1:
                    found.append((height - ys.pop(), width * (matrix[2] ** 2 + matrix[3] ** 2) ** 0.5))
                path = []
    return found


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


def structure_elements(pdf) -> list:
    """Every structure element of an open pikepdf.Pdf, in document order."""
    import pikepdf

    found = []

    def walk(node):
        if isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)
        elif isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.append(node)
            if "/K" in node:
                walk(node.K)

    walk(pdf.Root.StructTreeRoot.K)
    return found


# The content stream operators that draw text, an image or a shading (ISO 32000-1, 8.2;
# pikepdf reads an inline image, BI ... EI, as one "INLINE IMAGE"): what must be tagged
# content or an artifact.
DRAWING = frozenset({"Tj", "TJ", "'", '"', "Do", "INLINE IMAGE", "sh"})


def kids(element) -> list:
    """A structure element's kids (pikepdf), as a list: its /K is one or an array."""
    import pikepdf

    found = element.get("/K")
    return list(found) if isinstance(found, pikepdf.Array) else [] if found is None else [found]


def within(element):
    """The structure elements inside a structure element, in document order."""
    import pikepdf

    for kid in kids(element):
        if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
            yield kid
            yield from within(kid)


def linked(element, parents: dict):
    """The Link annotation a structure element holds (its one OBJR), checked to name
    the element as its parent in the parent tree (`parents`: its /Nums, by key)."""
    import pikepdf

    objects = [kid.Obj for kid in kids(element) if isinstance(kid, pikepdf.Dictionary)
               and kid.get("/Type") == "/OBJR"]
    assert len(objects) == 1, element
    annotation = objects[0]
    assert annotation.Subtype == "/Link" and parents[int(annotation.StructParent)].objgen == element.objgen
    return annotation


def note_links(pdf) -> list[dict]:
    """Each note call's link (an open pikepdf.Pdf): the call's note's ID, the pages
    (1-based) of the call, of the note, of where the call's link goes and of where
    the note's number's link goes (the first Link in the note: its number, first),
    and the two links' descriptions. Checks that each annotation's Link element holds
    it and that the call's Link is in its /Reference."""
    pages = {page.objgen: n for n, page in enumerate(pdf.pages, start=1)}
    names = pdf.Root.Names.Dests.Names
    dests = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
    numbers = pdf.Root.StructTreeRoot.ParentTree.Nums
    parents = {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}
    found = []
    for call in (e for e in structure_elements(pdf) if e.S == "/Reference"):
        note = call.Ref[0]
        link = next(e for e in within(call) if e.get("/S") == "/Link")
        to_note = linked(link, parents)
        back = linked(next(e for e in within(note) if e.get("/S") == "/Link"), parents)
        found.append({"note": str(note.ID), "call": pages[call.Pg.objgen], "on": pages[note.Pg.objgen],
                      "to": pages[dests[str(to_note.Dest)][0].objgen], "back": pages[dests[str(back.Dest)][0].objgen],
                      "says": str(to_note.Contents), "back says": str(back.Contents)})
    return found


def structure_problems(pdf: Path) -> list[str]:
    """What is wrong with a structure tree's links, as a checker of PDF/UA reads
    them: each element's /P its parent; each marked content of a page's own
    content streams named, through the parent tree, by the element that holds it
    (its MCID among the element's kids, or in a marked-content reference), and
    none named that is not drawn; no element left out of the tree that the parent
    tree names; nothing drawn (text, an image) outside both marked content of the
    tree and an /Artifact (ISO 14289-1, 7.1). The running heads and folios are
    artifacts (imprint/patches/weasyprint_margin_artifacts.py): WeasyPrint 70 tagged
    them in elements it left out of the tree, and they count here like any other."""
    import pikepdf

    problems: list[str] = []
    with pikepdf.open(pdf) as document:
        pages = {page.objgen: index for index, page in enumerate(p.obj for p in document.pages)}
        held: dict[tuple[int, int], tuple] = {}  # (page, MCID) -> the element holding it
        reached: set[tuple] = set()

        def walk(node, parent) -> None:
            if not (isinstance(node, pikepdf.Dictionary) and "/S" in node):
                return
            reached.add(node.objgen)
            if parent is not None and node.get("/P") is not None and node.P.objgen != parent.objgen:
                problems.append(f"{node.S} {node.objgen}: /P is not its parent")
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids] if kids is not None else []:
                if isinstance(kid, int):
                    held[(pages[node.Pg.objgen], kid)] = node.objgen
                elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
                    held[(pages[(kid.get("/Pg") or node.Pg).objgen], int(kid.MCID))] = node.objgen
                else:
                    walk(kid, node)

        top = document.Root.StructTreeRoot.K
        for node in top if isinstance(top, pikepdf.Array) else [top]:
            walk(node, None)
        numbers = document.Root.StructTreeRoot.ParentTree.Nums
        by_key = {int(numbers[index]): numbers[index + 1] for index in range(0, len(numbers), 2)}
        named: dict[tuple[int, int], tuple] = {}
        for page_index, page in enumerate(document.pages):
            # (a page's key in the parent tree is its /StructParents; WeasyPrint's are the pages' indexes)
            key = int(page.obj.get("/StructParents", page_index))
            for mcid, element in enumerate(by_key.get(key, [])):
                if isinstance(element, pikepdf.Dictionary):
                    named[(page_index, mcid)] = element.objgen
        drawn = set()
        for page_index, page in enumerate(document.pages):
            marked: list[bool] = []  # (the marked contents open: each, whether tagged or an artifact)
            untagged = 0
            for operands, operator in pikepdf.parse_content_stream(page):
                operator = str(operator)
                if operator in ("BDC", "BMC"):
                    tagged = operator == "BDC" and isinstance(operands[1], pikepdf.Dictionary) \
                        and "/MCID" in operands[1]
                    if tagged:
                        drawn.add((page_index, int(operands[1].MCID)))
                    marked.append(tagged or str(operands[0]) == "/Artifact")
                elif operator == "EMC":
                    marked.pop()
                elif operator in DRAWING and not any(marked):
                    untagged += 1
            if untagged:
                problems.append(f"page {page_index + 1}: {untagged} drawings (text, images) are neither tagged "
                                "content nor artifacts")
        for key in sorted(drawn - set(named)):
            problems.append(f"marked content {key} (page, MCID) is in no element of the parent tree")
        for key in sorted(set(named) - drawn):
            problems.append(f"the parent tree names marked content {key} (page, MCID), which is not drawn")
        for key, element in sorted(named.items()):
            if held.get(key) != element:
                problems.append(f"marked content {key} (page, MCID): its element in the parent tree does not "
                                f"hold it in the tree")
            if element not in reached:
                problems.append(f"marked content {key}: its element is not in the structure tree")
    return problems


def artifact_text(pdf: Path, page: int, folder: Path) -> str:
    """The text of a page drawn as artifacts (/Artifact marked content: running
    heads, a table's repeated header), what a reader's tools skip: the page kept
    with only the text shown inside artifacts, read by poppler."""
    import pikepdf

    shows = {"Tj", "TJ", "'", '"'}
    with pikepdf.open(pdf) as document:
        kept = document.pages[page - 1]
        depth, artifact_from, out = 0, None, []  # (the depth of the marked contents; where an artifact began)
        for operands, operator in pikepdf.parse_content_stream(kept):
            name = str(operator)
            if name in ("BDC", "BMC"):
                depth += 1
                if artifact_from is None and operands and operands[0] == pikepdf.Name.Artifact:
                    artifact_from = depth
            elif name == "EMC":
                if artifact_from == depth:
                    artifact_from = None
                depth -= 1
            if name in shows and artifact_from is None:
                continue
            out.append((operands, operator))
        kept.Contents = document.make_stream(pikepdf.unparse_content_stream(out))
        del document.pages[page:]
        del document.pages[:page - 1]
        path = folder / f"artifacts-{page}.pdf"
        document.save(path)
    return page_text(path, 1)
