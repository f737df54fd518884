"""Formulas drawn for print (imprint/body/formulas.py): sized in em on the baseline,
titled with their TeX, cached across builds, and what cannot be drawn said."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from imprint.body import formulas
from imprint.body.pandoc import deadline_in

SVG = "{http://www.w3.org/2000/svg}"


def converted(tex: str, kind: str = "InlineMath") -> dict:
    node = {"t": "Math", "c": [{"t": kind}, tex]}
    formulas.convert([node], "article.md", deadline_in(30))
    return node


def test_a_formula_is_drawn_in_em_on_its_baseline_with_its_tex_as_title(tmp_path):
    node = converted(r"\sum_{i=1}^{n} x_i^2")
    svg = formulas.for_print(f'<p>Sum {node["imprint"]["mathml"]} here.</p>', tmp_path)
    assert "<math" not in svg
    element = etree.fromstring(re.search(r"<svg\b.*</svg>", svg, re.S).group())
    assert element.get("class") == "formula inline" and element.get("role") == "math"
    style = dict(part.split(":") for part in element.get("style").split(";"))
    width, height, lower = (float(style[k].removesuffix("em")) for k in ("width", "height", "vertical-align"))
    assert 2 < width < 6 and 1 < height < 4 and -1 < lower < 0  # (the sum's limit hangs below the baseline)
    assert element.find(f"{SVG}title").text == r"\sum_{i=1}^{n} x_i^2"
    assert element.find(f".//{SVG}path") is not None  # the glyphs as outlines: no font needed to show them
    assert element.find(f".//{SVG}text") is None and not element.xpath("//@id")


def test_a_drawing_is_kept_and_not_drawn_again(tmp_path, monkeypatch):
    node = converted(r"\alpha + \beta = \gamma")
    first = formulas.for_print(node["imprint"]["mathml"], tmp_path / "cache")
    assert len(list((tmp_path / "cache").glob("*.json"))) == 1
    formulas._drawn.clear()  # (a new process: only the project's cache has it)

    def refused(_):
        raise AssertionError("drawn again")
    monkeypatch.setattr(formulas, "_draw", refused)
    assert formulas.for_print(node["imprint"]["mathml"], tmp_path / "cache") == first


def test_cyrillic_in_text_and_greek_are_drawn(tmp_path):
    node = converted(r"\hat{n} = \text{дворов} \times \alpha")
    drawing = formulas.draw(node["imprint"]["mathml"], tmp_path)
    assert drawing.notes == () and drawing.width > 4


def test_a_display_formula_too_wide_for_the_text_is_said_at_its_line(tmp_path):
    wide = " + ".join(f"a_{{{i}}} b_{{{i}}}" for i in range(40))
    node = converted(wide, "DisplayMath")
    narrow = converted("x = 1", "DisplayMath")
    found = formulas.report([(node, 12), (narrow, 14)], "article.md", tmp_path, drawn=True)
    assert [(p.line, p.message.split(" wide")[0]) for p in found] == [
        (12, f"the formula ${formulas._short(wide)}$ is {formulas.draw(node['imprint']['mathml']).width:.0f} em")]
    assert "aligned" in found[0].hint


def test_a_formula_that_cannot_be_drawn_is_its_tex_in_a_box(tmp_path, monkeypatch):
    node = converted(r"x^2")

    def fails(_):
        raise formulas.Undrawable("ValueError: no glyph")
    formulas._drawn.clear()
    monkeypatch.setattr(formulas, "_draw", fails)
    found = formulas.report([(node, 7)], "article.md", None, drawn=True)
    assert [p.line for p in found] == [7] and "cannot be drawn for print" in found[0].message
    assert node["imprint"]["undrawable"] is True
    assert formulas.for_print(node["imprint"]["mathml"], None) == '<code class="math-tex">x^2</code>'


@pytest.mark.parametrize("tex, text", [(r"\hat{k}", "k\u0302"), (r"\alpha^2 + \beta", "α² + β"),
                                       (r"\frac{a}{b}", r"$\frac{a}{b}$")])
def test_a_formula_has_a_text_form_for_outlines_and_records(tex, text):
    assert converted(tex)["imprint"]["text"] == text
