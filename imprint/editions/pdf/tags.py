"""What Imprint adds to each structure element of WeasyPrint 70.0's tagged PDF,
which PDF/UA asks for:

- the language of an element that has its own (`lang` on the second language's
  front matter), as the structure element's /Lang (ISO 14289-1, 7.2; Matterhorn
  checkpoint 11-006);
- footnotes tagged as notes: a <span class="footnote"> becomes a /Note structure
  element with an /ID unique in the file (ISO 14289-1, 7.9; Matterhorn 19-003);
- formulas tagged as formulas (ISO 14289-1, 7.7): the span that sets a
  formula as a glyph (editions/pdf/formulas.py) is a /Formula with its TeX as /Alt and its
  text form as /ActualText; an SVG formula is a /Formula, not a /Figure;
- a note's call is a /Reference to its /Note (ISO 32000-1, 14.8.4.4; ISO 14289-1,
  7.9), not a digit in the text (references_linked);
- a definition list's term and its definitions are one /LI: the term its /Lbl,
  each definition a /LBody (ISO 32000-1, 14.8.4.3.3; terms_paired).

WeasyPrint calls annotate() for each element it creates once
imprint/patches/weasyprint_tags.py has added that call (imprint.editions.pdf.weasy
applies it).
"""

from __future__ import annotations

from typing import Mapping

import pydyf

# (Not from .weasy: the tagging patch imports this module while imprint.editions.pdf.weasy
# is importing WeasyPrint. Only a class to compare with is taken here.)
from weasyprint.css import AnonymousStyle
from weasyprint.formatting_structure import boxes

from .formulas import tex_only
from .order import item_source, source

SVG = "http://www.w3.org/2000/svg"


def actual_text(box) -> str | None:
    """The text a box's drawing stands for, where its glyphs are not its text: a
    formula set as a glyph (formulas.py), its text form ("x₈", "δ ≤ 10⁻¹"); or
    nothing, where it has none but its TeX ("$$ \\frac{...} $$", not printed text;
    its structure element's /Alt holds it), rather than the Private Use Area
    character of its glyph; text in small capitals, its own text: where the face has
    none, Pango draws a capital smaller for a small letter, and the capital's glyph
    then stands for both in the PDF's text ("Sprl" read "sPrl": QA 18). (Marked
    content's /ActualText, patches/weasyprint_actual_text.py: what copying and text
    extraction read.)"""
    html = box.element
    if getattr(box, "text", None) and box.style["font_variant_caps"] != "normal" \
            and box.text != box.text.upper():
        return box.text
    if html is None or box.element_tag != "span" or "formula" not in (html.get("class") or "").split():
        return None
    text = html.get("data-text") or ""  # (none written where it is only the TeX: formulas.for_print)
    return "" if tex_only(text, html.get("data-tex") or "") else text


def annotate(box, element: pydyf.Dictionary, pdf) -> None:
    """Complete `element`, the structure element WeasyPrint has just made for `box`
    (called from weasyprint.pdf.tags._build_box_tree, as patched)."""
    source(box, element, pdf)
    html = box.element
    if html is None or box.element_tag in ("html", "body"):
        return
    lang = html.get("lang") or html.get("{http://www.w3.org/XML/1998/namespace}lang")
    if lang:
        element["Lang"] = pydyf.String(lang)
    classes = (html.get("class") or "").split()
    if box.element_tag == f"{{{SVG}}}svg" and "formula" in classes:
        element["S"] = "/Formula"  # (a formula drawn as SVG; WeasyPrint then gives it its <title> as /Alt)
    elif box.element_tag == "span" and "formula" in classes and isinstance(box, boxes.InlineBox):
        # A formula set as a glyph (print_formulas.py): its TeX, and its text form
        # for the Private Use Area character that draws it.
        element["S"] = "/Formula"
        element["Alt"] = pydyf.String(html.get("data-tex") or "")
        text = actual_text(box)
        if text:  # (none where its only text form is its TeX: "$$\\frac{...}$$" is no text a reader wants
            # before its /Alt, QA 25)
            element["ActualText"] = pydyf.String(text)
    elif box.element_tag.endswith("::footnote-call"):
        # The call of a note: a Reference, its own element, so that it is not read
        # as part of the word or number before it ("≈ 1,08." and call 10 were
        # "1,08.10" in the tags, QA 25). (Its element is the note's: its id.) A call
        # linked to its note (notelinks.py) is the Link that holds the link's
        # annotation, which references_linked puts in a Reference.
        element["S"] = "/Reference" if getattr(box, "link_annotation", None) is None else "/Link"
        pdf.__dict__.setdefault("_imprint_note_calls", []).append((html.get("id") or "note", element))
    elif box.element_tag.endswith("::footnote-marker") and getattr(box, "link_annotation", None) is not None:
        # A note's number, linked back to its call (notelinks.py): the Link that
        # holds the link's annotation (ISO 14289-1, 7.18.5).
        element["S"] = "/Link"
    elif box.element_tag == "sup" and "footnote-repeat" in classes:
        # A second call of a note (note-calls.html.j2, print_repeat): a Reference
        # too, around its link to the note.
        element["S"] = "/Reference"
        link = html.find("a")
        if link is not None and (link.get("href") or "").startswith("#"):
            pdf.__dict__.setdefault("_imprint_note_repeats", []).append((link.get("href")[1:], element))
    elif box.element_tag in ("dt", "dd") and element["S"] == "/LBody":
        # WeasyPrint 70 makes each term and each definition a list item of its
        # own (an LI with only an LBody): a term is its item's label; terms_paired
        # puts the definitions after it in the same item.
        if box.element_tag == "dt":
            element["S"] = "/Lbl"
        pdf.__dict__.setdefault("_imprint_terms", []).append((box.element_tag, element))
        # (the item around it a page break cut, like the element: in_reading_order joins the parts)
        item_source(box, _object(pdf, element["P"]), pdf)
    elif box.element_tag == "span" and "footnote" in classes and not isinstance(box.style, AnonymousStyle):
        # (not the anonymous block WeasyPrint wraps around a note's first paragraph
        # when later ones are blocks: part of the note, not a note in the note)
        element["S"] = "/Note"
        # Every Note needs an ID, unique in the file; a note laid out as several
        # boxes gets fn-3, fn-3.2, ...
        seen = pdf.__dict__.setdefault("_imprint_note_ids", {})
        note_id = html.get("id") or "note"
        seen[note_id] = seen.get(note_id, 0) + 1
        unique = note_id if seen[note_id] == 1 else f"{note_id}.{seen[note_id]}"
        element["ID"] = pydyf.String(unique)
        # pdf.finisher joins a note's parts (notes_joined) and lists them in the
        # structure tree's IDTree.
        pdf.__dict__.setdefault("_imprint_note_elements", []).append((note_id, unique, element))


def margin_artifacts(box, pdf, page_number: int, nums: dict, tags: dict) -> None:
    """The content of `box`, a margin box (a running head, a folio), drawn as a
    pagination artifact, not tagged (called from weasyprint.pdf.tags._build_box_tree
    in place of its tagging, as imprint/patches/weasyprint_margin_artifacts.py
    patches it): its marked contents are taken out of what WeasyPrint tags
    (`tags`, each box's MCID; `nums`, the page's MCIDs to structure elements, where
    they are null), and each is made, in the page's content, /Artifact with
    properties /Type /Pagination, /Attached the page's edge (/Top, /Bottom, /Left,
    /Right; a corner both) and /Subtype /Header or /Footer (ISO 32000-1, 14.8.2.2;
    the subtype, ISO 32000-2's, for the top and bottom edges)."""
    mcids = set()
    for drawn in _boxes_within(box):
        kid = tags.pop(drawn, None)
        if kid is not None:
            mcids.add(kid["mcid"])
            nums[kid["mcid"]] = b"null"  # (the parent tree: no element)
    if not mcids:
        return
    edge, *rest = box.at_keyword.lstrip("@").split("-")  # @top-left, @bottom-center, @left-top, @top-left-corner
    attached = [edge] + ([rest[0]] if rest[-1:] == ["corner"] else [])
    properties = pydyf.Dictionary({"Type": "/Pagination", "Attached": pydyf.Array(
        f"/{side.capitalize()}" for side in attached)})
    if edge in MARGIN_SUBTYPES:
        properties["Subtype"] = MARGIN_SUBTYPES[edge]
    streams = _page_streams(pdf, page_number)
    found = _marked_as_artifacts(streams, mcids, properties)
    if found != mcids:  # (drawn in a group of the page's: its opacity, a transform)
        found |= _marked_as_artifacts([obj for obj in pdf.objects if getattr(obj, "_tags", None) is tags
                                       and obj not in streams], mcids - found, properties)


MARGIN_SUBTYPES = {"top": "/Header", "bottom": "/Footer"}


def _boxes_within(box):
    """The boxes inside `box` that WeasyPrint may draw as marked content (its text
    and replaced boxes), as _build_box_tree finds them."""
    for child in getattr(box, "children", ()):
        child = getattr(child, "_box", child)  # (an AbsolutePlaceholder's box)
        yield child
        yield from _boxes_within(child)


def _page_streams(pdf, page_number: int) -> list:
    page = _object(pdf, pdf.page_references[page_number])
    contents = page["Contents"]
    return [_object(pdf, reference) for reference in ([contents] if isinstance(contents, bytes) else contents)]


def _marked_as_artifacts(streams, mcids: set[int], properties: pydyf.Dictionary) -> set[int]:
    """Each marked content of these MCIDs in these streams (WeasyPrint's: a tag, a
    property list, BDC) made an /Artifact with these properties; the MCIDs found."""
    found = set()
    for stream in streams:
        commands = stream.stream
        for index in range(1, len(commands) - 1):
            command = commands[index]
            if isinstance(command, pydyf.Dictionary) and command.get("MCID") in mcids \
                    and commands[index + 1] == b"BDC":
                found.add(command["MCID"])
                commands[index - 1], commands[index] = "/Artifact", pydyf.Dictionary(properties)
    return found


def notes_joined(pdf) -> list[tuple[str, pydyf.Dictionary]]:
    """The notes' structure elements (annotate), a note continued on the next page
    one element: WeasyPrint tags each page's part of a box on its own, and a long
    note split between pages (imprint/patches/weasyprint_footnote_split.py) came
    out as two Notes, fn-6 and fn-6.2, the second called from nowhere. The later
    part's kids are moved to the first (each keeps its own page, /Pg) and the
    later part is taken out of the tree. Returns (ID, element) of the notes left."""
    first: dict[str, pydyf.Dictionary] = {}
    kept = []
    for note_id, unique, element in pdf.__dict__.get("_imprint_note_elements", []):
        joined = first.setdefault(note_id, element)
        # (parts on one page, or a part holding content not in its own element, stay as they are)
        if joined is element or joined["Pg"] == element["Pg"] or not all(isinstance(k, bytes) for k in element["K"]):
            kept.append((unique, element))
            continue
        for kid in element["K"]:
            _object(pdf, kid)["P"] = joined.reference
            joined["K"].append(kid)
        parent = _object(pdf, element["P"])
        parent["K"] = pydyf.Array([kid for kid in parent["K"] if kid != element.reference])
    return kept


def references_linked(pdf) -> list[tuple[pydyf.Dictionary, pydyf.Dictionary]]:
    """Each note's call (a /Reference, annotate) given the note's structure element
    as its /Ref: what a reference refers to (ISO 32000-2, 14.7.2, table 355; PDF
    1.7 has no such key and its readers ignore it: there the /Reference alone
    tells the call from the text). A call linked to its note (a /Link, annotate)
    is put in a /Reference of its own first: the annotation's parent is the Link,
    as PDF/UA asks (ISO 14289-1, 7.18.5), the Reference around it says what it is.
    A second call of a note refers to it too. Call after notes_joined: the first
    part of a note split between pages is the Note. Returns (call, note) of each
    note called, in the order of the calls (its first call, were it called twice)."""
    notes: dict[str, pydyf.Dictionary] = {}
    for note_id, _, element in pdf.__dict__.get("_imprint_note_elements", []):
        notes.setdefault(note_id, element)
    called = {}
    for note_id, call in pdf.__dict__.get("_imprint_note_calls", []):
        if call["S"] == "/Link":
            call = _around(pdf, call, "/Reference")
        if note_id in notes:
            call["Ref"] = pydyf.Array([notes[note_id].reference])
            called.setdefault(note_id, (call, notes[note_id]))
    for note_id, call in pdf.__dict__.get("_imprint_note_repeats", []):
        if note_id in notes:
            call["Ref"] = pydyf.Array([notes[note_id].reference])
    return list(called.values())


def note_links_described(pdf, words: tuple[str, str], numbers: Mapping[str, str]) -> None:
    """The description (/Contents) of each link to a note (from its calls) and
    back (from its number, to its first call: notelinks.py), which WeasyPrint makes
    the name of the anchor ("fn-3", "fn-3-call"): `words`, "Note {n}" and "Back
    to the text" in the article's language; `numbers`, each note's number (or a
    link's note's mark, "a") by its id."""
    from .notelinks import CALL_ANCHOR

    to_note, back = words
    said = {}
    for note_id, number in numbers.items():
        if to_note:
            said[note_id] = to_note.replace("{n}", number)
        if back:
            said[CALL_ANCHOR.format(note_id)] = back
    for page in pdf.page_references:
        for reference in _object(pdf, page).get("Annots", ()):
            annotation = _object(pdf, reference)
            destination = annotation.get("Dest")
            if annotation.get("Subtype") == "/Link" and isinstance(destination, pydyf.String) \
                    and destination.string in said:
                annotation["Contents"] = pydyf.String(said[destination.string])


def _around(pdf, element: pydyf.Dictionary, kind: str) -> pydyf.Dictionary:
    """A new structure element of this kind in `element`'s place, holding it."""
    parent = _object(pdf, element["P"])
    made = pydyf.Dictionary({"Type": "/StructElem", "S": kind, "K": pydyf.Array([element.reference]),
                             "Pg": element["Pg"], "P": element["P"]})
    pdf.add_object(made)
    parent["K"] = pydyf.Array([made.reference if kid == element.reference else kid for kid in parent["K"]])
    element["P"] = made.reference
    return made


def terms_paired(pdf) -> None:
    """The items WeasyPrint makes of a definition list, one a term or a definition
    (annotate), made one item a term: its /Lbl, then the /LBody of each definition
    after it, in the term's item; the definitions' own items are taken out of the
    list. Call after order.in_reading_order: a list a page break cut is one /L
    again, and a term or a definition it cut one /LI (and /Lbl, /LBody) again, so
    that a definition at the top of a page joins its term's item (it stayed an
    item of its own, the list being one /L a page when this ran first)."""
    terms = [(kind, element) for kind, element in pdf.__dict__.get("_imprint_terms", [])
             if _object(pdf, element["P"])["S"] == "/LI"]  # (each in an item of its own, as WeasyPrint 70 makes them)
    kinds = {element.reference: kind for kind, element in terms}  # a term's or definition's element -> "dt" or "dd"
    for list_reference in dict.fromkeys(_object(pdf, _object(pdf, element["P"])["P"]).reference
                                        for _, element in terms):
        items = _object(pdf, list_reference)
        kept, current, previous = pydyf.Array(), None, None
        for kid in items["K"]:
            item = _object(pdf, kid) if isinstance(kid, bytes) else None
            kind = kinds.get(item["K"][0]) if isinstance(item, pydyf.Dictionary) and item.get("S") == "/LI" \
                and item["K"] else None
            if kind is None:
                kept.append(kid)
                current = previous = None
                continue
            if current is None or (kind == "dt" and previous == "dd"):
                current = item  # (a new item: the list's first, or a term after definitions)
                kept.append(kid)
            else:
                for element in item["K"]:
                    _object(pdf, element)["P"] = current.reference
                    current["K"].append(element)
            previous = kind
        items["K"] = kept


def _object(pdf, reference: bytes) -> pydyf.Dictionary:
    return pdf.objects[int(reference.split()[0])]
