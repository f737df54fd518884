"""QA 28: constructs of real documents tried for the first time (pandoc-crossref's
demo, a Spanish thesis project built with pandoc-crossref, quarto-web's pages,
bookdown's demo), each shaped as the document writes it."""
from __future__ import annotations

from test_body import problems, read


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
