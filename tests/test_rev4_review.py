"""Review 4 of the changes of 2026-12-07: edge cases the day's tests missed."""
from __future__ import annotations

import pytest

from imprint.errors import SourceError
from test_body import both, read


def told(text: str, **more) -> list[tuple]:
    with pytest.raises(SourceError) as caught:
        read(text, **more)
    return [(p.line, p.message, p.hint) for p in caught.value.problems]


def test_a_figure_whose_only_picture_is_dark_content_is_left_out_whole(folder):
    """`![Elephant](elephant-dark.png){.dark-content}` alone in its paragraph is a
    figure: the picture was taken out and the figure kept, a numbered caption with
    nothing above it (Figure 1, the light one Figure 2); as in a figure div."""
    reading = read("![Dark elephant](map.png){.dark-content #fig-dark}\n\n![Light](map.png){#fig-light}\n\n"
                   "::: {#fig-div}\n![](map.png){.dark-content}\n\nDark div caption\n:::\n\nSee @fig-light.\n",
                   folder=folder)
    for html in both(reading):
        assert "Dark elephant" not in html and "Dark div caption" not in html, html
        assert "Figure 1.</span> Light" in html and 'href="#fig-light">Figure 1</a>' in html


def test_a_reference_to_what_no_edition_shows_says_so(folder):
    """@fig-dark, whose figure is in a .dark-content div, was told "nothing has the
    label 'fig-dark'", with the hint to give something that id, which it has."""
    problems = told("::: {.dark-content}\n![Dark](map.png){#fig-dark}\n:::\n\nSee @fig-dark and [it](#fig-dark).\n",
                    folder=folder)
    assert [line for line, _, _ in problems] == [5, 5]
    for _, message, hint in problems:
        assert "no edition shows" in message and "dark-content" in message, message
        assert "give the figure" not in hint and "use the id of" not in hint, hint


def test_two_reference_links_of_the_same_text_to_two_empty_definitions_are_told_each_at_its_use():
    """`[x][a]` and `[x][b]`, `[a]:` and `[b]:` both without an address: the second
    was told at the first's line, with the first's definition (and, the same
    problem twice, told once)."""
    assert told("See [x][a] here.\n\nThen [x][b] there.\n\n[a]:\n\n[b]:\n") == [
        (1, "the link [x] has no address", "write its address after '[a]:' on line 5"),
        (3, "the link [x] has no address", "write its address after '[b]:' on line 7")]


def test_an_empty_link_left_out_inside_emphasis_takes_its_space_and_its_emphasis():
    """`Last *[](#0)*.` printed "Last <em></em>.", the "Last ." the day's change
    fixed for a link outside emphasis."""
    reading = read("Last *[](#0)*.\n\n**[](#0)** First *and [](#0)* then.\n")
    for html in both(reading):
        assert "<p>Last.</p>" in html and "<p>First <em>and</em> then.</p>" in html, html


def test_a_note_that_holds_only_dark_content_is_left_out_with_it():
    """`[^1]: [only dark]{.dark-content}`: its content was taken out and the note
    kept, a number calling an empty note."""
    reading = read("Text[^1] and more[^2].\n\n[^1]: [only dark]{.dark-content}\n\n[^2]: Shown.\n")
    for html in both(reading):
        assert "only dark" not in html and "fn-2" not in html and "Text and more" in html, html
