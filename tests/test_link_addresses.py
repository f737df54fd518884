"""A link's address on paper (imprint/body/addresses.py): the print edition of
tests/cases/links, with its links of every kind, read back page by page
(pdftotext) and by its tags (pikepdf, poppler); the e-book keeps its links."""

from __future__ import annotations

import zipfile

import pikepdf
import pytest

from conftest import CASES, make_project
from imprint import build
from imprint.body.addresses import is_its_address, printed_address
from imprint.settings import Settings
from pdfread import pages_text, structure_elements, structure_problems, tag_tree, words

MM = 72 / 25.4
CATALOGUE = "https://example.org/cat"
REGISTER = ("https://archive.example.org/collections/fond-1234/opis-5/delo-678/documents?page=12&lang=en_GB"
            "&view=full-text-search-results")
RIGHT_MARGIN = 22 * MM  # (print.css: @page margin)


@pytest.mark.parametrize("text, href, same", [
    ("https://example.org/cat", "https://example.org/cat", True),  # <https://...>
    ("example.org/cat", "https://www.example.org/cat/", True),
    ("editor@example.org", "mailto:editor@example.org", True),  # <editor@example.org>
    ("doi:10.5555/x.1", "https://doi.org/10.5555/x.1", True),
    ("10.5555/x.1", "https://dx.doi.org/10.5555/x.1", True),
    ("https://x.org/a b", "https://x.org/a%20b", True),  # (LaTeX's \url{https://x.org/a b})
    ("the catalogue", "https://example.org/cat", False),
    ("example.org", "https://example.org/cat", False),
    ("", "https://example.org/cat", False),  # (an image's link: its address printed)
])
def test_a_link_is_its_address_written_whole_or_without_its_scheme(text, href, same):
    assert is_its_address(text, href) is same


def test_the_printed_address_is_as_a_reader_types_it():
    assert printed_address("mailto:desk@example.org") == "desk@example.org"
    assert printed_address("https://ru.wikipedia.org/wiki/%D0%A2%D1%8E%D0%BC%D0%B5%D0%BD%D1%8C") == \
        "https://ru.wikipedia.org/wiki/Тюмень"
    assert printed_address("https://x.org/a%20b/c%2Fd?q=%FF") == "https://x.org/a%20b/c%2Fd?q=%FF"


def _built(root, **options):
    report = build(Settings.for_project(root, environ={}, **options))
    assert report.ok, report.problems
    return root / "dist" / "links"


@pytest.fixture(scope="module")
def inline(tmp_path_factory):
    """The case as it is: addresses after the links' texts."""
    return _built(make_project(tmp_path_factory.mktemp("links"), CASES / "links" / "source"),
                  formats=("pdf", "epub"))


@pytest.fixture(scope="module")
def noted(tmp_path_factory):
    """The case with `links-as-notes: true`."""
    root = make_project(tmp_path_factory.mktemp("links-as-notes"), CASES / "links" / "source")
    article = root / "source" / "links" / "article.md"
    article.write_text(article.read_text().replace("number-sections: true\n",
                                                   "number-sections: true\nlinks-as-notes: true\n"))
    return _built(root, formats=("pdf",))


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.slow
def test_an_address_is_printed_after_its_link_once_where_the_text_is_not_it(inline):
    pages = [_flat(page) for page in pages_text(inline / "links.pdf")]
    first, whole = pages[0], " ".join(pages)
    assert f"the archive’s catalogue ({CATALOGUE})," in first
    assert "write to the desk (letters@example.org)" in first  # (mailto: with a name: the address alone)
    assert "the last page (https://example.org/last)." in first
    # Printed once: autolinks, e-mail addresses, an address without its scheme, a DOI
    for once in ("https://example.org/autolink", "desk@example.org", "example.org/plain",
                 "letters@example.org", CATALOGUE + ")"):
        assert whole.count(once) == 1, once
    assert "https://example.org/plain" not in whole and "mailto:" not in whole
    found = words(inline / "links.pdf", 1)[0]  # (an e-mail autolink, class "email", in the text's size: not the byline's)
    height = {w.text.rstrip(",;"): round(w.y_max - w.y_min, 1) for w in found}
    assert height["editor@example.org"] == height["write"]
    assert "doi:10.5555/data.1" in whole.replace("10. 5555", "10.5555") and "doi.org/10.5555/data.1" not in whole
    # Nothing for what links inside the article
    assert "As Section 1 says, and the first section repeats," in first
    assert "(Lindqvist 2020, 12)." in first and "Table 1 counts them; Figure 1 is their key." in first
    # A note, a table's cell and caption, a figure's caption: after the text too
    assert "1. A note that links the note’s source (https://example.org/note-source)." in first
    assert "the table’s list (https://example.org/table-list)" in first
    assert "Fairs, from the caption’s source (https://example.org/table-caption)" in first
    assert "The key, after the figure’s source (https://example.org/figure-source)" in whole
    # The front matter's Markdown fields too (rendered for print apart: Manuscript.for_print)
    assert "The abstract names the abstract’s dataset (https://example.org/abstract-data)." in first
    assert "The registers are in the fair’s repository (https://example.org/repository)." in whole
    # The bibliography prints what its style prints: the DOI once, not the record's URL
    assert whole.count("https://doi.org/10.5555/irbit.2020.001") == 1 and "books/irbit" not in whole


@pytest.mark.slow
def test_a_long_address_breaks_at_its_slashes_within_the_text_block(inline):
    """Each line's piece of it whole (one word for poppler, no character between
    its pieces, no hyphen added), ending after / . - _ ? & =; none past the margin."""
    found, width, _ = words(inline / "links.pdf", 1)
    assert [w for w in found if w.x_max > width - RIGHT_MARGIN + 1] == []
    start = next(i for i, w in enumerate(found) if w.text.startswith("(https://archive"))
    pieces = [found[start].text]
    while ")" not in pieces[-1]:
        pieces.append(found[start + len(pieces)].text)
    assert len(pieces) >= 2 and "".join(pieces) == f"({REGISTER}).", pieces
    # (after / . _ ? & =, or before a hyphen: never after one, which reads as a word hyphenated)
    assert all(piece[-1] in "/._?&=" or after.startswith("-") for piece, after in zip(pieces, pieces[1:])), pieces
    assert not any(piece.endswith("-") for piece in pieces[:-1]), pieces


@pytest.mark.slow
def test_the_printed_address_is_part_of_its_link_in_the_tags(inline):
    assert structure_problems(inline / "links.pdf") == []
    links = [tag.text() for tag in tag_tree(inline / "links.pdf").walk() if tag.kind == "Link"]
    assert f"the archive’s catalogue ({CATALOGUE})" in links
    assert "the note’s source (https://example.org/note-source)" in links
    with pikepdf.open(inline / "links.pdf") as pdf:
        # Its annotations are in its Link. (WeasyPrint 70 gives each box inside an <a> an
        # annotation of its own, held by that box's element, here a Span in the Link: an
        # autolink's <span class="url"> had one too. anchors.gather_anchors, parent_link.)
        parents = pdf.Root.StructTreeRoot.ParentTree.Nums
        by_key = {int(parents[i]): parents[i + 1] for i in range(0, len(parents), 2)}
        links = set()
        for annotation in (a for page in pdf.pages for a in page.get("/Annots", [])
                           if str(a.get("/A", {}).get("/URI", "")) == CATALOGUE):
            element = by_key[int(annotation.StructParent)]
            while str(element.S) != "/Link":
                element = element.P
            links.add(element.objgen)
    assert len(links) == 1


@pytest.mark.slow
def test_the_e_book_keeps_links_as_links(inline):
    with zipfile.ZipFile(inline / "links.epub") as book:
        text = "".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert f'<a href="{CATALOGUE}">the archive’s catalogue</a>' in text
    assert "link-address" not in text and "link-note" not in text and f"({CATALOGUE})" not in text


@pytest.mark.slow
def test_links_as_notes_print_the_address_at_the_foot_of_its_page(noted):
    pages = pages_text(noted / "links.pdf")
    first = _flat(pages[0])
    assert "the archive’s cataloguea, and the fair’s registers in the register of the fairb." in first
    assert f"a. {CATALOGUE} b. https://archive.example.org/" in first
    assert "write to the deskc." in first and "c. letters@example.org" in first
    # The author's note keeps its number (the e-book's); a link in it keeps its address after its text
    assert "12).1" in first and "1. A note that links the note’s source (https://example.org/note-source)." in first
    # Each note where its link is: the table's, the figure's and the last paragraph's
    assert "d. https://example.org/table-caption" in first and "e. https://example.org/table-list" in first
    assert all(_flat("".join(pages)).count(f"{mark}. https://") == 1 for mark in "abdefg")
    assert "(https://example.org/cat)" not in _flat("".join(pages))


@pytest.mark.slow
def test_a_link_s_note_is_a_note_its_call_refers_to(noted):
    assert structure_problems(noted / "links.pdf") == []
    with pikepdf.open(noted / "links.pdf") as pdf:
        elements = structure_elements(pdf)
        notes = {str(e.ID): e for e in elements if str(e.S) == "/Note"}
        assert sorted(notes) == sorted(["fn-1"] + [f"fn-link-{n}" for n in range(1, 8)])
        calls = [e for e in elements if str(e.S) == "/Reference"]
        assert {str(call.Ref[0].ID) for call in calls} == set(notes)
    noted_links = [tag for tag in tag_tree(noted / "links.pdf").walk() if tag.kind == "Note" and tag.id == "fn-link-1"]
    with pikepdf.open(noted / "links.pdf") as pdf:  # (each link described in words, not by its anchor's name)
        described = [str(a.get("/Contents", "")) for page in pdf.pages for a in page.get("/Annots", [])
                     if a.Subtype == "/Link" and "/Dest" in a]
    assert "Note a" in described and "Note g" in described and "Back to the text" in described
    assert not [d for d in described if "fn-" in d], described
    # (its mark, a link back to its call: editions/pdf/notelinks.py; its address, a link to it)
    assert [kid.text().strip() for kid in noted_links[0].walk() if kid.kind == "Link"] == ["a.", CATALOGUE]


@pytest.mark.slow
def test_the_designer_turns_the_addresses_off_in_print_css(tmp_path):
    root = make_project(tmp_path, CASES / "links" / "source")
    css = root / "styles" / "css" / "print.css"
    css.write_text(css.read_text() + "\n.link-address { display: none; }\n")
    whole = _flat(" ".join(pages_text(_built(root, formats=("pdf",)) / "links.pdf")))
    assert "the archive’s catalogue, and" in whole and CATALOGUE not in whole
    assert "https://example.org/autolink" in whole  # (a link whose text is its address is its text)


@pytest.mark.slow
def test_links_as_notes_build_byte_for_byte_again(noted, tmp_path):
    root = make_project(tmp_path, CASES / "links" / "source")
    article = root / "source" / "links" / "article.md"
    article.write_text(article.read_text().replace("number-sections: true\n",
                                                   "number-sections: true\nlinks-as-notes: true\n"))
    again = _built(root, formats=("pdf",))
    assert (again / "links.pdf").read_bytes() == (noted / "links.pdf").read_bytes()


def test_a_link_s_note_is_described_by_the_mark_print_css_counts():
    from imprint.editions.pdf.notelinks import link_note_marks

    html = "".join(f'<span class="footnote link-note" id="x--fn-link-{n}">' for n in (1, 26, 27, 52, 703))
    assert link_note_marks(html) == {"x--fn-link-1": "a", "x--fn-link-26": "z", "x--fn-link-27": "aa",
                                     "x--fn-link-52": "az", "x--fn-link-703": "aaa"}  # (CSS's lower-alpha)
