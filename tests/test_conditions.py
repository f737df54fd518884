"""Quarto's conditional content as Quarto manuscripts write it for a figure that
differs by format (an interactive or colour version for HTML, a static one for
PDF): each version in its own `.content-visible` div, both with the figure's id,
so that `@fig-x` finds the one its format shows. Each edition holds one version,
so the id is the figure's in each, and the figure has one number (it was "the id
'fig-plot' is also given on line 4", exit 2). A figure one edition only shows,
with no version in the other, takes a number in both, which the other's
numbering skips: told (it was silent, QA 28 F10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from imprint.errors import SourceError
from test_body import read

VERSIONS = """See @fig-plot and @fig-other.

::: {{.content-visible when-format="html"}}
![Interactive plot](a.png){{#fig-plot}}
:::
{between}
::: {{.content-visible when-format="pdf"}}
![Static plot](b.png){{#fig-plot}}
:::

![Other](c.png){{#fig-other}}
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name in "abc":
        Image.new("RGB", (10, 10)).save(tmp_path / f"{name}.png")
    return tmp_path


def test_a_figure_in_a_version_for_each_edition_is_one_figure(folder):
    reading = read(VERSIONS.format(between=""), folder=folder)
    epub, printed = str(reading.body.chapters[0].epub), str(reading.body.print)
    assert 'src="images/a.png"' in epub and "b.png" not in epub
    assert "b.png" in printed and "a.png" not in printed
    for html in (epub, printed):
        assert html.count('id="fig-plot"') == 1
        assert '<a class="crossref" href="#fig-plot">Figure 1</a>' in html
        assert '<a class="crossref" href="#fig-other">Figure 2</a>' in html
        assert "Figure 2.</span> Other" in html
    assert reading.warnings == ()


def test_an_id_given_twice_in_one_edition_is_still_an_error(folder):
    text = VERSIONS.format(between="").replace('when-format="pdf"', 'when-format="epub"')
    with pytest.raises(SourceError) as caught:
        read(text, folder=folder)
    assert [(p.line, p.message) for p in caught.value.problems] == [(8, "the id 'fig-plot' is also given on line 4")]


def test_a_figure_one_edition_only_shows_is_told_where_the_others_numbers_skip_it(folder):
    text = VERSIONS.format(between='\n::: {.content-visible when-format="pdf"}\n![Only in print](a.png){#fig-print}\n'
                                   ':::\n')
    reading = read(text, folder=folder)
    assert [(w.line, w.message) for w in reading.warnings] == [
        (8, "this figure is in one edition only (Quarto's conditional content), yet it takes a number in both: the "
            "other edition's figures after it skip its number")]
    # (at the end, with nothing after it to skip a number, it is no problem)
    text = VERSIONS.format(between="") + '\n::: {.content-visible when-format="pdf"}\n![Last](a.png){#fig-last}\n:::\n'
    assert read(text, folder=folder).warnings == ()
