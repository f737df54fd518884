"""Tagged PDFs put together into one: an issue's front pages and its articles'
print editions, page for page, without laying anything out again.

pikepdf (qpdf) copies the pages; what makes the result one accessible document
is joined by hand (ISO 32000-1, 14.7): the structure trees become one (each
article's Document element becomes an Art element of the issue's Document),
the parent tree's keys are renumbered with the pages' and annotations'
StructParents, and the named destinations, the IDTree, the outline and the page
labels are merged. Ids are unique across the parts because each article's are
prefixed with its slug (editions/pdf/scoping.py).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from functools import partial
from typing import Any, Callable, Iterator

import pikepdf
from pikepdf import Array, Dictionary, Name


@dataclass(frozen=True)
class Part:
    pdf: bytes
    first_page: int  # the number printed on its first page


def merge_tagged(front: bytes, parts: list[Part]) -> bytes:
    """`front` (unnumbered pages) followed by every part, as one tagged PDF."""
    out = pikepdf.open(io.BytesIO(front))
    tree = out.Root.StructTreeRoot
    document = tree.K[0]
    nums = dict(_number_tree(tree.ParentTree))
    next_key = int(tree.get("/ParentTreeNextKey", max(nums, default=-1) + 1))
    dests = dict(_name_tree(out.Root.Names.Dests)) if "/Names" in out.Root and "/Dests" in out.Root.Names else {}
    ids = dict(_name_tree(tree.IDTree)) if "/IDTree" in tree else {}
    labels = [0, Dictionary(S=Name.r)]  # the front pages: i, ii, ...
    with out.open_outline() as outline:
        for part in parts:
            src = pikepdf.open(io.BytesIO(part.pdf))
            start = len(out.pages)
            labels += [start, Dictionary(S=Name.D, St=part.first_page)]
            with warnings.catch_warnings():
                # pikepdf warns that named destinations are not copied: they are, below.
                warnings.simplefilter("ignore", pikepdf.PageCopyWarning if hasattr(pikepdf, "PageCopyWarning")
                                      else UserWarning)
                out.pages.extend(src.pages)
            offset = next_key
            for page in out.pages[start:]:
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + offset
                for annotation in page.obj.get("/Annots", []):
                    if "/StructParent" in annotation:
                        annotation.StructParent = int(annotation.StructParent) + offset
            source = src.Root.StructTreeRoot
            found = dict(_number_tree(source.ParentTree))
            for key, value in found.items():
                nums[key + offset] = _copy(out, value)
            next_key = offset + int(source.get("/ParentTreeNextKey", max(found, default=-1) + 1))
            for kid in source.K:
                element = _copy(out, kid)
                if element.get("/S") == Name.Document:
                    element.S = Name.Art
                element.P = document
                document.K.append(element)
            if "/Names" in src.Root and "/Dests" in src.Root.Names:
                # An article's own anchors win over the front's stand-ins for them.
                dests.update((name, _copy(out, dest)) for name, dest in _name_tree(src.Root.Names.Dests))
            if "/IDTree" in source:
                ids.update((name, _copy(out, element)) for name, element in _name_tree(source.IDTree))
            with src.open_outline() as theirs:
                outline.root.extend(_copy_outline(out, theirs.root))
    tree.ParentTree = Dictionary(Nums=Array([x for key in sorted(nums) for x in (key, nums[key])]))
    tree.ParentTreeNextKey = next_key
    if ids:
        tree.IDTree = Dictionary(Names=Array([x for name in sorted(ids) for x in (pikepdf.String(name), ids[name])]))
    if dests:
        out.Root.Names.Dests = Dictionary(
            Names=Array([x for name in sorted(dests) for x in (pikepdf.String(name), dests[name])]))
    out.Root.PageLabels = Dictionary(Nums=Array(labels))
    return saved(out)


def saved(pdf: pikepdf.Pdf) -> bytes:
    """The PDF's bytes, written compressed, with object streams."""
    buffer = io.BytesIO()
    # deterministic_id: the file's ID from its content, so a rebuild is byte-identical.
    pdf.save(buffer, deterministic_id=True, compress_streams=True,
             object_stream_mode=pikepdf.ObjectStreamMode.generate)
    return buffer.getvalue()


def _copy_outline(out: pikepdf.Pdf, items) -> list[pikepdf.OutlineItem]:
    copied = []
    for item in items:
        destination = _copy(out, item.destination) if isinstance(item.destination, Array) else item.destination
        new = pikepdf.OutlineItem(item.title, destination=destination)
        new.children.extend(_copy_outline(out, item.children))
        copied.append(new)
    return copied


def _copy(out: pikepdf.Pdf, value):
    """A value of another file, in `out`: qpdf copies indirect objects (once per
    source file, so pages already copied are reused); direct ones are rebuilt."""
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return out.copy_foreign(value)
    if isinstance(value, Array):
        return Array([_copy(out, item) for item in value])
    if isinstance(value, Dictionary):
        return Dictionary({key: _copy(out, item) for key, item in value.items()})
    return value


def _tree(node, entries: str, key: Callable[[object], Any]) -> Iterator[tuple[Any, object]]:
    """The entries of a number tree (ISO 32000-1, 7.9.7: in /Nums, keys made int) or
    of a name tree (7.9.6: in /Names, keys made str), leaves and kids alike."""
    found = node.get(entries, [])
    for index in range(0, len(found), 2):
        yield key(found[index]), found[index + 1]
    for kid in node.get("/Kids", []):
        yield from _tree(kid, entries, key)


_number_tree = partial(_tree, entries="/Nums", key=int)
_name_tree = partial(_tree, entries="/Names", key=str)
