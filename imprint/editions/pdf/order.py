"""The structure tree of WeasyPrint 70's tagged PDF in the text's order, not the
pages' (QA 25, A1; WCAG 1.3.2; ISO 14289-1, 7.2; Matterhorn 09-001).

WeasyPrint tags each page on its own (weasyprint.pdf.tags.add_tags): an element
a page break cuts becomes two structure elements, one a page (an article was 17
/Art, one a page; a paragraph two /P; a long table two /Table, the second
without its caption), and the notes at a page's foot come after that page's
text, so inside the paragraph (and the word hyphenated) that the page break
cuts. in_reading_order(), once the tree is made:

- takes each note (a /Note whose call is a /Reference, tags.py) out of the page's
  footnote area;
- makes each element a page break cut one again: the later part's kids are
  moved to the first part (each keeps its page, /Pg), the later part taken out
  of the tree, where two elements side by side on consecutive pages come from
  the same box of the same HTML element (annotate records it: source()); and
  so each inline element a line break cut, side by side on one page (a link set
  on two lines was two /Link, each with its annotation: one /Link now, holding
  both pieces of text and both annotations' OBJRs);
- of a table cut by a page break, the header WeasyPrint repeats on the later
  page is drawn as an artifact (ISO 32000-1, 14.8.2.2), not read again, and the
  later cells' /Headers name the first header's cells;
- sets each note at the end of the block (paragraph, heading, cell, ...) that
  calls it: read after that block's text, not in the middle of a word.
"""

from __future__ import annotations

import pydyf

# The elements a note may end: the block that holds its call (ISO 32000-1, 14.8.4).
BLOCKS = frozenset({"/P", "/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6", "/Caption", "/LBody", "/Lbl", "/TD",
                    "/TH", "/BlockQuote", "/Div", "/Sect", "/Art", "/Part", "/Document", "/Note", "/Index",
                    "/TOCI", "/Figure", "/Formula"})


def source(box, element: pydyf.Dictionary, pdf) -> None:
    """Record which box of which HTML element `element` was made for (annotate
    calls it): the same for the parts of an element a page break cut, or a line
    break (an inline box's: a link set on two lines)."""
    from weasyprint.css import AnonymousStyle
    from weasyprint.formatting_structure.boxes import InlineBox

    if box.element is not None:
        pdf.__dict__.setdefault("_imprint_sources", {})[element.number] = (
            box.element, box.element_tag, isinstance(box.style, AnonymousStyle), isinstance(box, InlineBox))


def item_source(box, item: pydyf.Dictionary, pdf) -> None:
    """Record that `item`, the /LI WeasyPrint makes around a term's or a
    definition's element (tags.annotate), was made for `box`'s HTML element: the
    items of the parts of a term or a definition a page break cut are joined too."""
    if box.element is not None:
        pdf.__dict__.setdefault("_imprint_sources", {})[item.number] = (box.element, f"{box.element_tag} item",
                                                                          False, False)


def in_reading_order(pdf, calls: list[tuple[pydyf.Dictionary, pydyf.Dictionary]]) -> None:
    """The structure tree in the text's order (see the module's docstring).
    `calls`: each note's call and its note, in the order of the calls."""
    if "StructTreeRoot" not in pdf.catalog:  # (not tagged)
        return
    root = _object(pdf, pdf.catalog["StructTreeRoot"])
    document = _object(pdf, root["K"][0])
    for _, note in calls:
        _take_out(pdf, note)
    replaced: dict[bytes, bytes] = {}
    artifacts: list[tuple[bytes, int]] = []
    _join_parts(pdf, document, replaced, artifacts)
    _parent_tree_updated(pdf, root, replaced, artifacts)
    _drawn_as_artifacts(pdf, artifacts)
    for call, note in calls:
        block = _block_of(pdf, call)
        block["K"].append(note.reference)
        note["P"] = block.reference


def _take_out(pdf, element: pydyf.Dictionary) -> None:
    """`element` out of its parent's kids; a parent left empty (a footnote area)
    out of its own."""
    parent = _object(pdf, element["P"])
    parent["K"] = pydyf.Array([kid for kid in parent["K"] if kid != element.reference])
    if not parent["K"] and parent.get("S") != "/Document" and "P" in parent:
        _take_out(pdf, parent)


def _join_parts(pdf, element: pydyf.Dictionary, replaced: dict, artifacts: list) -> None:
    """Each two kids of `element` (and of its descendants) that are the parts a
    page break made of one element, one."""
    kept: list = []
    for kid in element["K"]:
        if kept and _continues(pdf, kept[-1], kid):
            _absorb(pdf, _object(pdf, kept[-1]), _object(pdf, kid), replaced, artifacts)
        else:
            kept.append(kid)
    element["K"] = pydyf.Array(kept)
    for kid in kept:
        if _is_element(pdf, kid):
            _join_parts(pdf, _object(pdf, kid), replaced, artifacts)


def _continues(pdf, first, then) -> bool:
    """Whether `then` is the part of `first`'s element after a page break, or (an
    inline element's) after a line break."""
    if not (_is_element(pdf, first) and _is_element(pdf, then)):
        return False
    sources = pdf.__dict__.get("_imprint_sources", {})
    a, b = _object(pdf, first), _object(pdf, then)
    known = sources.get(a.number)
    return known is not None and known == sources.get(b.number) and (a["Pg"] != b["Pg"] or known[3])


def _absorb(pdf, first: pydyf.Dictionary, then: pydyf.Dictionary, replaced: dict, artifacts: list) -> None:
    """`then`'s kids moved to `first`, the part of the same element on the page
    before; a table's repeated header left out."""
    kids = list(then["K"])
    if first["S"] == "/Table":
        kids = _without_repeated_header(pdf, first, then, kids, artifacts)
    for kid in kids:
        if isinstance(kid, int) and then["Pg"] != first["Pg"]:  # a marked content of `then`'s page: named
            kid = _reference(pdf, pydyf.Dictionary({"Type": "/MCR", "Pg": then["Pg"], "MCID": kid}))  # with it
        elif _is_element(pdf, kid):
            _object(pdf, kid)["P"] = first.reference
        first["K"].append(kid)
    replaced[then.reference] = first.reference


def _without_repeated_header(pdf, first, then, kids: list, artifacts: list) -> list:
    """`then`'s kids but the header it repeats of `first` (a /THead of the same HTML
    element as one of `first`'s), whose content is listed in `artifacts`; the
    cells of `then` that name the repeated header's cells name `first`'s."""
    sources = pdf.__dict__.get("_imprint_sources", {})
    heads = {sources.get(_object(pdf, kid).number) for kid in first["K"]
             if _is_element(pdf, kid) and _object(pdf, kid)["S"] == "/THead"}
    kept = []
    for kid in kids:
        element = _object(pdf, kid) if _is_element(pdf, kid) else None
        if element is None or element["S"] != "/THead" or sources.get(element.number) not in heads:
            kept.append(kid)
            continue
        drawn = [(cell["Pg"], mcid) for cell in _descendants(pdf, element) for mcid in cell["K"]
                 if isinstance(mcid, int)]
        if not all(mcid in _marked(pdf, page) for page, mcid in drawn):
            kept.append(kid)  # (drawn somewhere else than the page's own content: left as it is)
            continue
        artifacts.extend(drawn)
        # The header cells' IDs are "<table>-<row>-<column>" (weasyprint.pdf.tags): the
        # repeated header's rows are the first header's, in the first table.
        names = {}
        for cell in _descendants(pdf, element):
            if "ID" in cell:
                row_column = cell["ID"].string.split("-", 1)[1]
                names[cell["ID"].string] = f"{first.number}-{row_column}"
        for cell in _descendants(pdf, then):
            attributes = cell.get("A")
            if isinstance(attributes, pydyf.Dictionary) and "Headers" in attributes:
                attributes["Headers"] = pydyf.Array(
                    pydyf.String(names.get(header.string, header.string)) for header in attributes["Headers"])
    return kept


def _parent_tree_updated(pdf, root, replaced: dict, artifacts: list) -> None:
    """The parent tree (content -> structure element) naming the parts kept, and
    nothing for content drawn as an artifact."""
    mapping = _object(pdf, root["ParentTree"])
    numbers = mapping["Nums"]
    pages = {reference: index for index, reference in enumerate(pdf.page_references)}
    gone = {(pages[page], mcid) for page, mcid in artifacts}
    for index in range(1, len(numbers), 2):
        entry = numbers[index]
        if isinstance(entry, pydyf.Array):
            page = numbers[index - 1]
            numbers[index] = pydyf.Array(
                b"null" if (page, mcid) in gone else replaced.get(reference, reference)
                for mcid, reference in enumerate(entry))
        else:
            numbers[index] = replaced.get(entry, entry)


def _drawn_as_artifacts(pdf, artifacts: list) -> None:
    """Each marked content listed, on its page, made an /Artifact: drawn, not read."""
    by_page: dict[bytes, set[int]] = {}
    for page, mcid in artifacts:
        by_page.setdefault(page, set()).add(mcid)
    for page, mcids in by_page.items():
        for contents in _contents(pdf, page):
            commands, out, skip = contents.stream, [], False
            for index, command in enumerate(commands):
                if skip:  # (the BDC of a marked content made an artifact)
                    skip = False
                elif _opens(commands, index, mcids):
                    out[-1:] = ["/Artifact", b"BMC"]  # (for its tag and properties)
                    skip = True
                else:
                    out.append(command)
            contents.stream = out


def _marked(pdf, page: bytes) -> set[int]:
    """The MCIDs of the marked contents of a page's own content streams."""
    return {command["MCID"] for contents in _contents(pdf, page) for index, command in enumerate(contents.stream)
            if _opens(contents.stream, index, None)}


def _opens(commands: list, index: int, mcids: set[int] | None) -> bool:
    """Whether commands[index] is the properties of a marked content (of these MCIDs)."""
    command = commands[index]
    return isinstance(command, pydyf.Dictionary) and "MCID" in command and index + 1 < len(commands) \
        and commands[index + 1] == b"BDC" and (mcids is None or command["MCID"] in mcids)


def _contents(pdf, page: bytes) -> list:
    contents = _object(pdf, page)["Contents"]
    references = [contents] if isinstance(contents, bytes) else list(contents)
    return [found for found in (_object(pdf, reference) for reference in references)
            if isinstance(found, pydyf.Stream)]


def _block_of(pdf, element: pydyf.Dictionary) -> pydyf.Dictionary:
    """The nearest block element holding `element`."""
    parent = _object(pdf, element["P"])
    while parent.get("S") not in BLOCKS and "P" in parent and parent.get("Type") == "/StructElem":
        parent = _object(pdf, parent["P"])
    return parent


def _descendants(pdf, element: pydyf.Dictionary):
    for kid in element["K"]:
        if _is_element(pdf, kid):
            child = _object(pdf, kid)
            yield child
            yield from _descendants(pdf, child)


def _is_element(pdf, kid) -> bool:
    if not isinstance(kid, bytes):
        return False
    found = _object(pdf, kid)
    return isinstance(found, pydyf.Dictionary) and found.get("Type") == "/StructElem"


def _reference(pdf, dictionary: pydyf.Dictionary) -> bytes:
    pdf.add_object(dictionary)
    return dictionary.reference


def _object(pdf, reference: bytes) -> pydyf.Dictionary:
    return pdf.objects[int(bytes(reference).split()[0])]
