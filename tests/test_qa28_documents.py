"""QA 28: constructs of real documents tried for the first time (pandoc-crossref's
demo, a Spanish thesis project built with pandoc-crossref, quarto-web's pages,
bookdown's demo), each shaped as the document writes it."""
from __future__ import annotations

import pytest

from imprint.errors import SourceError
from test_body import both, problems, read


def test_pandoc_crossrefs_wrapping_div_of_a_listing_is_its_listing():
    """pandoc-crossref's demo (docs/demo/demo.md:119) wraps a code block in
    `<div id="lst:wrappingDiv" class="listing">`, its caption the paragraph before
    the code: the HTML was printed as text, with the caption and the fences, and
    `@lst:wrappingDiv` was an error ("nothing has the label")."""
    reading = read("See @lst:wrappingDiv.\n\n"
                   '<div id="lst:wrappingDiv" class="listing">\nListing caption\n```{.haskell}\n'
                   'main :: IO ()\nmain = putStrLn "Hello World!"\n```\n</div>\n')
    html = str(reading.body.chapters[0].epub)
    assert '<a class="crossref" href="#lst-wrappingDiv">Listing 1</a>' in html
    assert "Listing 1.</span> Listing caption</figcaption>" in html
    assert "&lt;div" not in html and "```" not in html
    assert reading.warnings == ()
    table = read('See @tbl:x.\n\n<div id="tbl:x">\n| A | B |\n|---|---|\n| 1 | 2 |\n\n: Caption\n</div>\n')
    html = str(table.body.chapters[0].epub)
    assert '<a class="crossref" href="#tbl-x">Table 1</a>' in html and '<table id="tbl-x">' in html


def hints(text: str) -> list[str]:
    with pytest.raises(SourceError) as caught:
        read(text)
    return [p.hint for p in caught.value.problems]


def test_the_id_a_missing_labels_hint_gives_is_the_one_the_reference_reaches():
    """`@lst:wrappingDiv` with nothing of that label (pandoc-crossref's demo, whose div
    was not read) was told "give ... that id: {#lst-wrappingdiv}", an id the reference
    does not reach (ids are read as written); `@Sec:apendixA` (a sentence's capital)
    was told {#sec-apendixa}. The hint is the id that makes the reference work."""
    assert hints("See @lst:wrappingDiv.\n") == ["give the figure, table, equation or heading that id: "
                                                "{#lst-wrappingDiv}"]
    assert hints("In @Sec:apendixA.\n")[0].endswith("{#sec-apendixA}")
    fixed = str(read("See @lst:wrappingDiv.\n\n```{#lst-wrappingDiv .python lst-cap=\"X\"}\npass\n```\n")
                .body.chapters[0].epub)
    assert '<a class="crossref" href="#lst-wrappingDiv">Listing 1</a>' in fixed
    assert "give it the id {#sec-Methods} after its title" in hints("See @sec-Methods.\n\n# Methods\n")[0]


def test_quartos_dark_mode_content_is_in_no_edition(folder):
    """quarto-web's figures.qmd shows each picture twice, `::: light-content` and
    `::: dark-content` (Quarto's HTML shows one, by the reader's colour scheme; the
    other is hidden): both were printed, one after the other, the dark one a black
    box on the page. The editions are light: the light content is shown, the dark
    left out, as a div, a span or an image's class."""
    reading = read("::: light-content\n![Elephant](map.png){#fig-light}\n:::\n\n"
                   "::: {.dark-content}\n![Elephant, dark](map.png){#fig-dark}\n:::\n\n"
                   "Press ![](map.png){.light-content fig-alt=\"Preview icon\"}"
                   "![](map.png){.dark-content fig-alt=\"Preview icon, white\"} or [in the dark]{.dark-content}"
                   "[in the light]{.light-content}.\n\nSee @fig-light.\n", folder=folder)
    for html in both(reading):
        assert "Elephant</figcaption>" in html and "dark" not in html and 'alt="Preview icon"' in html
        assert "in the light" in html and 'href="#fig-light">Figure 1</a>' in html
    assert reading.warnings == ()
    # (what no edition shows takes no number: the dark picture first, the light one is Figure 1)
    first = read("::: {.dark-content}\n![Dark](map.png){#fig-dark}\n:::\n\n![Light](map.png){#fig-light}\n\n"
                 "::: {.content-hidden}\n![Hidden](map.png){#fig-hidden}\n:::\n\nSee @fig-light.\n", folder=folder)
    for html in both(first):
        assert 'Figure 1.</span> Light' in html and 'href="#fig-light">Figure 1</a>' in html and "Hidden" not in html


def test_an_empty_link_left_out_takes_its_space_with_it():
    """`Last [](#0).` printed "Last ." (the space before the link stayed before the
    full stop); at a line's start, "[](#0) First" printed " First"."""
    reading = read("Last [](#0).\n\n[](#0) First, [](#0)then [](#0)\n[](#0) [](#0) x [](#0)\n\nA [](#0)b.\n")
    for html in both(reading):
        assert "<p>Last.</p>" in html and "<p>First, then x</p>" in html and "<p>A b.</p>" in html, html


def test_a_table_that_scrolls_in_the_epub_is_reached_by_the_keyboard(folder):
    """quarto-web's figures.qmd opens with a list table of three pictures, one 340px
    wide: wider than a phone's screen, it scrolls in its wrap (epub.css), and Ace
    refused the EPUB ("scrollable-region-focusable (serious)"): a region that
    scrolls and holds nothing focusable cannot be scrolled without a pointer. The
    EPUB's table wrap is focusable; print's, which never scrolls, is as it was."""
    reading = read("::: {.list-table header-rows=1}\n- - HTML\n  - PDF\n\n"
                   "- - ![](map.png){fig-alt=\"An elephant.\" width=\"340\"}\n"
                   "  - ![](map.png){fig-alt=\"An elephant.\"}\n:::\n", folder=folder)
    epub, printed = both(reading)
    assert '<div class="table-wrap" tabindex="0"><table>' in epub
    assert '<div class="table-wrap"><table>' in printed


def test_a_reference_link_whose_definition_is_empty_is_told_at_its_use():
    """`[x][foo2]` with `[foo2]:` alone (Pandoc's markdown-reader-more.txt: "Empty
    reference links") was told at the first `[x]` of the text, a line that only
    has the same words in brackets, and told to write an address in parentheses
    it does not have; it is told at its use, with the definition's line."""
    with pytest.raises(SourceError) as caught:
        read("Intro [x].\n\nSee [x][foo2] here.\n\n[foo2]:\n\nAnd [foo2].\n")
    assert [(p.line, p.message, p.hint) for p in caught.value.problems] == [
        (3, "the link [x] has no address", "write its address after '[foo2]:' on line 5"),
        (7, "the link [foo2] has no address", "write its address after '[foo2]:' on line 5")]
