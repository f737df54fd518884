"""QA 29: mathematics in real documents (issue 15). Each test is a formula as an
author wrote it in a real document (an econometrics course in Quarto, texmath's
test formulas), drawn for print the way LaTeX sets it."""

from __future__ import annotations

import re

import pytest

from imprint.body import formulas
from imprint.body.pandoc import deadline_in


def converted(tex: str, kind: str = "DisplayMath") -> dict:
    node = {"t": "Math", "c": [{"t": kind}, tex]}
    formulas.convert([node], "article.md", deadline_in(30))
    return node


def tallest_outline_share(drawing: formulas.Drawing) -> float:
    """How much of the drawing's height its tallest single outline spans (a
    fence around all the rest: nearly all of it)."""
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.svgLib.path import parse_path

    svg = drawing.svg()
    pen = RecordingPen()
    parse_path(re.search(r' d="([^"]*)"', svg).group(1), pen)
    contours: list[list[float]] = []
    for operator, points in pen.value:
        if operator == "moveTo":
            contours.append([])
        contours[-1].extend(y for _, y in points)
    height = float(re.search(r'viewBox="\S+ \S+ \S+ (\S+)"', svg).group(1))
    return max(max(ys) - min(ys) for ys in contours if ys) / height


@pytest.mark.parametrize("tex", [r"\left(\sum_{i=1}^N X_i X_i' \right)^{-1}",
                                 r"\mathbb{E}\left[\sum_{t=0}^{\infty}\beta^t u(c_t)\right]",
                                 r"\left[ \prod_{k=1}^K p_k \right]",
                                 r"\left\{ \bigcup_{n=1}^\infty A_n \right\}"])
def test_a_fence_around_a_sum_with_limits_holds_the_sum_and_its_limits(tex):
    """ziamath's table of operators (MathML 2's) calls a sum, a product, a union
    stretchy: a fence is sized to its row without what stretches, and a sum
    with the limits on it counted for nothing, so `\\left(\\sum_{i=1}^N ...\\right)`
    (an econometrics course's OLS estimator) had parentheses as high as X_i, the
    sum's limits above and below them. LaTeX's fence holds them."""
    formulas._drawn.clear()
    drawing = formulas.draw(converted(tex)["imprint"]["mathml"])
    assert tallest_outline_share(drawing) > 0.85, drawing.svg()[:300]


@pytest.mark.parametrize("tex", [r"\small \sqrt{N}\left( \dfrac{1}{N}\sum_{i=1}^N Z_i - \mu\right) \xrightarrow{d} N(0, 1)",
                                 r"\scriptsize \sqrt{N}(\hat{\beta}-\beta) \xrightarrow{d} N\left(0, \underbrace{V}_{\text{avar}}\right)",
                                 r"a + {\footnotesize b} + \text{\small c}"])
def test_a_size_switch_in_a_formula_is_ignored_as_latex_ignores_it(tex):
    """`\\small` at the start of a formula (an econometrics course's slides: MathJax
    shrinks the formula): texmath reads no size switch, and the formula was shown
    as its TeX in a box, in print and in the EPUB. LaTeX ignores it in math (with
    a warning); so does the conversion. Its TeX stays as written."""
    node = converted(tex)
    found = node["imprint"]
    assert "unreadable" not in found and "<math" in found["mathml"]
    assert f'alttext="{" ".join(tex.split())}"' in found["mathml"].replace("&amp;", "&")
    from imprint.editions.pdf.formulas import tex_only
    # (its text form: the TeX as written, which print knows for none, or text without the switch)
    assert tex_only(found["text"], " ".join(tex.split())) or "\\" not in found["text"], found["text"]
    formulas._drawn.clear()
    assert formulas.draw(found["mathml"]).glyph


@pytest.mark.parametrize("tex", [r"\small \bar{Z} \overset{a}{\sim} N\left( \mathbb{E}[Z_i], \dfrac{\mathrm{var}(Z_i)}{N} \right)",
                                 r"\Theta(x) = \left\{\begin{array}{l} 0\textrm{ if } x < 0\cr 1\textrm{ else} \end{array}\right."])
def test_a_formula_read_after_a_change_whose_text_form_is_its_tex_has_none_in_print(tmp_path, tex):
    """A formula texmath reads only after a change (a size switch left out, plain
    TeX's `\\cr` as `\\\\`) and Pandoc's plain writer cannot write as text: its text
    form was the changed TeX between dollars, which is not the TeX as written, so
    print took it for a text and copying the formula gave TeX (pdftotext of an
    econometrics lecture: `$$ \\sqrt{N}\\left( \\dfrac{1}{N}...$$`)."""
    from imprint.editions.pdf.formulas import for_print, tex_only

    found = converted(tex)["imprint"]
    assert tex_only(found["text"], " ".join(tex.split())), found["text"]
    printed = for_print(f"<html><head></head><body><p>{found['mathml']}</p></body></html>", tmp_path)
    assert 'class="formula display' in printed and "data-text=" not in printed


@pytest.mark.parametrize("normed, single", [(r"\left\lVert X_i U_i \right\rVert^2", r"\left\lvert X_i U_i \right\rvert^2"),
                                            (r"\|z\|", r"|z|"),
                                            (r"\|z\| + 1", r"\Vert z \Vert + 1")])
def test_a_norms_double_bars_are_set_close_as_single_bars_are(normed, single):
    """texmath writes a norm's bars (`\\left\\lVert`, `\\|`) as U+2225, which
    ziamath's table knows only as the relation "parallel to", a thick space each
    side: an econometrics lecture's `\\left\\lVert X_iU_i \\right\\rVert^2` was
    "‖ X_iU_i ‖ ²", 2 em wider than with single bars. The double bar's glyph is
    0.25 em wider than a single one; what is set close is no more."""
    formulas._drawn.clear()
    double = formulas.draw(converted(normed, "InlineMath")["imprint"]["mathml"])
    bars = formulas.draw(converted(single, "InlineMath")["imprint"]["mathml"])
    assert -0.1 <= double.width - bars.width < 0.6, (double.width, bars.width)


def test_parallel_stays_a_relation():
    formulas._drawn.clear()
    parallel = formulas.draw(converted(r"a \parallel b", "InlineMath")["imprint"]["mathml"])
    divides = formulas.draw(converted(r"a \mid b", "InlineMath")["imprint"]["mathml"])
    assert parallel.width >= divides.width  # (a thick space each side, as \mid has)


@pytest.mark.parametrize("tex, bold", [(r"\mathbf{V}^{Y}_{n}", "𝐕"), (r"\mathbf{x}^\top \mathbf{A} \mathbf{x}", "𝐱𝐀𝐱"),
                                       (r"\mathbf{1}_n + \mathbf{\Gamma}", "𝟏𝚪"), (r"\hat{\mathbf{y}}", "𝐲"),
                                       (r"\mathbfup{b}", "𝐛")])
def test_mathbf_is_upright_bold_as_latex_sets_it(tex, bold):
    """texmath 0.13.1 (Pandoc 3.9) writes `\\mathbf{V}` as bold italic, as it writes
    `\\boldsymbol{V}` (`<mi mathvariant="bold-italic">𝑽</mi>`): a PLOS template's
    and every vector and matrix of a statistics text were slanted, in the EPUB and
    in print. LaTeX's `\\mathbf` is upright bold."""
    found = converted(tex, "InlineMath")["imprint"]
    identifiers = re.findall(r'<m[ino][^>]*mathvariant="([^"]*)"[^>]*>([^<]*)<', found["mathml"])
    assert "".join(text for _, text in identifiers) == bold and {v for v, _ in identifiers} == {"bold"}, identifiers
    assert f'alttext="{tex}"' in found["mathml"] and "sfup" not in found["mathml"] + found["text"]


def test_boldsymbol_stays_bold_italic_beside_mathbf():
    found = converted(r"\boldsymbol{\beta} + \mathbf{X}\boldsymbol{b}", "InlineMath")["imprint"]
    assert re.findall(r'<mi mathvariant="([^"]*)">([^<]*)<', found["mathml"]) == [
        ("bold-italic", "𝜷"), ("bold", "𝐗"), ("bold-italic", "𝒃")]


def test_a_formula_that_writes_bold_sans_serif_keeps_it():
    found = converted(r"\mathbfsfup{A} + \mathbf{B}", "InlineMath")["imprint"]
    assert '<mi mathvariant="bold-sans-serif">𝗔</mi>' in found["mathml"]


def test_a_formula_too_tall_to_draw_is_said_to_be_too_tall_not_too_wide():
    """texmath's test formulas list entity names in a matrix of a hundred rows,
    8 em wide: the warning said "it is 8 em wide: more than a line can hold"."""
    tall = r"\begin{matrix}" + r" \\ ".join(f"a_{{{n}}} & b" for n in range(60)) + r"\end{matrix}"
    node = converted(tall)
    formulas._drawn.clear()
    problems = formulas.report_drawing([(node, 3)], "article.md", None)
    assert len(problems) == 1 and problems[0].line == 3
    message = problems[0].message
    assert "em high" in message and "wide" not in message and "page" in message, message


@pytest.mark.parametrize("tex, text", [("X'X", "X′X"), (r"f''(x)", "f″(x)"), (r"\mathbb{E}[\mathbf{X}_i\mathbf{X}_i']", "𝔼[X_(i)X_(i)′]"),
                                       (r"y^{\prime\prime}", "y′′")])
def test_a_primes_text_form_is_the_prime_itself(tex, text):
    """Pandoc's plain writer writes a prime as a superscript it has no character
    for, `X^(′)X`: what the PDF's outline, the EPUB's contents, the citation
    records and copying from print gave for a title's or a text's X'X (49 text
    forms of the econometrics course). A prime is written as the prime."""
    assert converted(tex, "InlineMath")["imprint"]["text"] == text


@pytest.mark.parametrize("tex", [r"\left(\textcolor{teal}{\dfrac{1}{N}} \sum_{i=1}^N X_i\right)^{-1}",
                                 r"\frac{N-n}{nN^2}\left[\textcolor{red!50}{\underbrace{+ a - a}_{\text{add and subtract}}} - b\right]",
                                 r"\color{#008B45}{Y_t} = I_tI_{t-1}", r"x_{\textcolor[HTML]{00CC66}{i}}"])
def test_a_coloured_formula_is_shown_without_its_colour_and_said(tex):
    """`\\textcolor{teal}{...}` (an econometrics lecture, a statistics book) and
    `\\color{#008B45}` (R Markdown notes) in a formula: texmath reads neither (it
    reads `\\color{red}` and drops the colour), and the formula was a TeX box in
    both editions. It is shown, in black, with a warning that says so."""
    node = converted(tex)
    assert "unreadable" not in node["imprint"], node["imprint"]
    problems = formulas.report([(node, 7)], "article.md", None, False)
    assert len(problems) == 1 and problems[0].line == 7 and "colour" in problems[0].message, problems
    assert f'alttext="{tex}"' in node["imprint"]["mathml"].replace("&amp;", "&")


def test_a_formula_with_a_named_colour_is_said_to_lose_it():
    node = converted(r"{\color{red}Y_t} = I_t")
    problems = formulas.report([(node, 3)], "article.md", None, False)
    assert [p.line for p in problems] == [3] and "colour" in problems[0].message


def test_a_glyph_of_several_contours_says_they_may_overlap():
    """A stretched brace is built of parts that overlap (ziamath's glyph
    assembly); FreeType, which poppler's viewers use, left a light seam at each
    overlap of a glyph that does not say its contours overlap: PLOS's
    `\\underbrace{...}_{S_Y}` looked dashed on screen."""
    formulas._drawn.clear()
    glyph = formulas.draw(converted(r"\underbrace{H(Y_n) - H(Y_n|V)}_{S_Y}")["imprint"]["mathml"]).glyph
    contours = int.from_bytes(glyph[:2], "big")
    first_flag = glyph[10 + 2 * contours + 2]  # (after the header, the contours' ends and no instructions)
    assert contours > 1 and first_flag & 0x40


def test_an_html_disclosure_box_is_a_box_whose_markdown_is_read():
    """Quarto course notes give each exercise's solution in `<details>`, its
    `<summary>Solution</summary>`, and Markdown with formulas: Imprint reads HTML
    blocks as raw (markdown_in_html_blocks off), so the box was printed as its
    source, `$\\hat{\\beta} = x^2$` and all, in both editions (QA 29 F7). It is a
    box now, open in both, the summary its title; a summary with other HTML
    leaves the box as it was, with the warning it had."""
    from test_body import both, read

    reading = read("Exercise.\n\n<details>\n<summary>Solution</summary>\n\nThe estimate is $\\hat{\\beta} = x^2$.\n\n"
                   "</details>\n\n<details><summary><b>Hint</b> &amp; more</summary>\nAs $y$.\n</details>\n\n"
                   "<details>\n<summary><span>odd</span></summary>\n\nKept.\n\n</details>\n")
    epub, printed = both(reading)
    assert '<aside class="callout details" role="note">\n<p class="callout-title">Solution</p>\n<p>The estimate is ' \
           '<math' in epub
    assert '<div class="callout details">\n<p class="callout-title">Solution</p>' in printed
    assert '<p class="callout-title"><strong>Hint</strong> &amp; more</p>\n<p>As <math' in printed
    assert "$" not in epub and "$" not in printed and "&lt;summary&gt;Solution" not in epub
    assert "&lt;span&gt;odd" in epub  # (left as it was, and said)
    assert [w.line for w in reading.warnings] == [14]


def test_an_operator_after_a_closing_bar_is_an_operator():
    """`|z| + 1`: texmath writes both bars as opening fences and the `+` after the
    second as a sign, `<mi>+</mi>`: "|z|+1" without an operator's spaces in MathML
    readers (QA 29 F11; ziamath spaces it either way). A sign where texmath means
    one stays, and so does an ordinary sign asked for."""
    from imprint.body.ast import note

    def mathml(tex: str) -> str:
        return note(converted(tex, "InlineMath"))["mathml"].split("<semantics>")[1].split("<annotation")[0]

    assert '<mo stretchy="false" form="prefix">|</mo><mo>+</mo><mn>1</mn>' in mathml("|z| + 1")
    assert mathml(r"|x - y| \le |x| + |y|").count("<mo>+</mo>") == 1
    assert "<mi>+</mi>" in mathml("(+)") and "<mi>+</mi><mi>x</mi>" in mathml("|+x|")
    assert "<mi>−</mi>" in mathml("-|z|")
    assert "<mi>+</mi>" in mathml(r"|z| \mathord{+} 1")  # (an ordinary sign asked for)


def test_a_disclosure_box_right_after_a_paragraph_or_with_a_summary_over_lines_is_left_as_it_was():
    """A fence on the line after a paragraph's is that paragraph's text (Pandoc):
    `<details>` there became "Para before ::: {.callout .details ...}" printed
    without a word (review); a summary over lines gave an untitled box with
    `<summary>` printed in it. Both stay raw HTML, warned; Windows line ends do not
    keep a box from being read."""
    from test_body import both, read

    joined = read("Para before\n<details><summary>Sol</summary>\n\nInside.\n\n</details>\nAfter para.\n")
    lines = read("<details>\n<summary>\nSolution\n</summary>\n\nThe answer.\n\n</details>\n")
    for reading in (joined, lines):
        assert ":::" not in "".join(both(reading)) and reading.warnings
    crlf = read("<details>\r\n<summary>Sol</summary>\r\n\r\nThe answer.\r\n\r\n</details>\r\n")
    assert '<p class="callout-title">Sol</p>' in both(crlf)[1] and crlf.warnings == ()


def test_bars_pair_within_their_fences_and_a_size_after_a_rows_end_is_read():
    """Review: a set-builder bar inside braces closed a pair opened in the set
    before, so `\\{y|-1<y\\}` took `−` for an operator; and `\\\\\\small` (a row's end,
    then a size switch, as `\\\\\\hline` is written) was refused by the size switch's
    guard against an escaped backslash: a TeX box."""
    from imprint.body.ast import note

    sets = note(converted(r"\{x|-1<x\} \cup \{y|-1<y\}", "InlineMath"))["mathml"]
    assert sets.count("<mi>−</mi>") == 2 and "<mo>−</mo>" not in sets
    assert "mathml" in note(converted(r"\begin{aligned} a &= b \\\small c &= d \end{aligned}"))
    assert formulas.for_texmath(r"a \\\small b \\\cr c") == r"a \\b \\\\ c"
