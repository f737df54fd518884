"""An article's body read by Pandoc and rendered by Imprint: one read, two dialects."""

from __future__ import annotations

import atexit
import json
import re
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from lxml import etree

from dataclasses import dataclass

from imprint.body import locate, reader
from imprint.body.chapters import EPUB, PRINT, Body, plain_text
from imprint.body.pandoc import deadline_in
from imprint.body.reader import Field, Setting, render_fields, start_body
from imprint.errors import SourceError
from imprint.source.shortcodes import SHORTCODE
from imprint.theme import Theme
from conftest import REPO

EN, RU = "“”‘’", "«»„“"
WORDS = {"figure": "Figure", "table": "Table", "section": "Section", "quotes": EN, "callout_note": "Note",
         "callout_tip": "Tip", "callout_warning": "Warning", "callout_important": "Important",
         "callout_caution": "Caution", "equation_ref": "Equation {n}", "listing": "Listing", "theorem": "Theorem",
         "lemma": "Lemma", "corollary": "Corollary", "proposition": "Proposition", "conjecture": "Conjecture",
         "definition": "Definition", "example": "Example", "exercise": "Exercise", "proof": "Proof",
         "remark": "Remark", "solution": "Solution"}


NOTE_CALLS = Theme(REPO, REPO / "styles").macros("note-calls.html.j2")
SCRATCH = Path(tempfile.mkdtemp(prefix="imprint-test-body-"))  # (a project's root: Pandoc's answers are kept there)
atexit.register(shutil.rmtree, SCRATCH, ignore_errors=True)


def read(text: str, quotes: str = EN, lang: str = "en", folder: Path = SCRATCH, words=None, note_calls=NOTE_CALLS,
         **more):
    setting = Setting(file="article.md", body=text, body_line=more.pop("body_line", 1), lang=lang,
                      words={**(words or WORDS), "quotes": quotes}, root=folder, folder=folder,
                      deadline=deadline_in(30), dialects=(EPUB, PRINT), style=more.pop("style", None), **more)
    body, warnings, _ = start_body(setting).result(note_calls)
    return Reading(body, warnings)


@dataclass(frozen=True)
class Reading:
    body: Body
    warnings: tuple


def body(text: str, quotes: str = EN, **more):
    return read(text, quotes, **more).body


def both(reading: Reading) -> tuple[str, str]:
    """The first chapter in the EPUB's dialect and in print's."""
    return str(reading.body.chapters[0].epub), str(reading.body.chapters[0].print)


def problems(text: str, **more) -> list[str]:
    with pytest.raises(SourceError) as caught:
        read(text, **more)
    return [f"{p.line}: {p.message}" for p in sorted(caught.value.problems, key=lambda p: p.line or 0)]


def test_typography_follows_the_language():
    fields = render_fields([Field("title", '"quoted" and \'single\' -- en --- em', True, 1)], file="a.md",
                           lang="en", words={**WORDS, "quotes": EN}, root=SCRATCH, deadline=deadline_in(30))
    assert str(fields["title"]) == "“quoted” and ‘single’ – en — em"
    fields = render_fields([Field("title", "\"цитата 'внутри'\"", True, 1)], file="a.md", lang="ru",
                           words={**WORDS, "quotes": RU}, root=SCRATCH, deadline=deadline_in(30))
    assert str(fields["title"]) == "«цитата „внутри“»"


def test_a_quote_inside_a_quote_takes_the_other_marks():
    """Inside a quote, the marks the quote around it is not: a double quote in a
    single one is in double marks (Pandoc's plain writer: ‘single “double” inside’)."""
    fields = render_fields([Field("title", "'single \"double\" inside' and \"double 'single' inside\"", True, 1)],
                           file="a.md", lang="en", words={**WORDS, "quotes": EN}, root=SCRATCH,
                           deadline=deadline_in(30))
    assert str(fields["title"]) == "‘single “double” inside’ and “double ‘single’ inside”"


def test_raw_html_in_a_heading_is_the_same_text_wherever_the_heading_is():
    """`# APPENDIX A<br>Title`: the heading printed the tag as text (as all raw HTML),
    its references, the contents and the outline glued the words (QA 21). The tag
    is a line break (QA 27), a space in the contents and references; other raw
    HTML is the text it is there too."""
    reading = read("# APPENDIX A<br>**The appendix** {#sec-app}\n\n## B<sup>1</sup> {#sec-b}\n\n"
                   "See @sec-app, @sec-b.\n")
    html = str(reading.body.chapters[0].epub)
    assert reading.body.chapters[0].heading.text == "APPENDIX A The appendix"
    assert ">APPENDIX A<br/>\n<strong>The appendix</strong></h1>" in html, html
    assert "Section “APPENDIX A The appendix”" in html and "Section “B&lt;sup&gt;1&lt;/sup&gt;”" in html


def test_pandoc_reads_nothing_of_the_builders_own_data_folder(tmp_path, monkeypatch):
    """A builder's ~/.local/share/pandoc/abbreviations (words after which a space
    does not break) changed the text of every edition (QA 20): Pandoc runs with
    an empty data folder of its own."""
    data = tmp_path / "home" / ".local" / "share" / "pandoc"
    data.mkdir(parents=True)
    (data / "abbreviations").write_text("Khalkha.\n")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "home" / ".local" / "share"))
    assert "<p>The Khalkha. Then the river.</p>" in str(read("The Khalkha. Then the river.\n",
                                                           folder=tmp_path).body.chapters[0].epub)


def test_raw_html_is_text_and_said():
    reading = read("<div>block</div>\n\nInline <script>alert(1)</script> & <b>bold</b>\n\n<!-- a comment -->")
    html = str(reading.body.print)
    assert "<script>" not in html and "<div>block" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html and "comment" not in html
    assert all("raw HTML is printed as text" in w.message for w in reading.warnings)
    assert sorted({w.line for w in reading.warnings}) == [1, 3]


def test_an_html_line_break_is_a_line_break():
    """`<br>`, `<br/>`, `<br />`, `</br>` (converted documents write them after images
    and in table cells) were printed as text, "</" and "br>" across lines in print,
    with a warning: a line break, as browsers read them; other raw HTML is still text."""
    reading = read("| a | b |\n|---|---|\n| one<br>two | three<br/>four |\n| x <br /> y | </br> <BR> z |\n\n"
                   "Line<br>next, <span>raw</span>.\n")
    for html in both(reading):
        assert "one<br/>\ntwo" in html and "three<br/>\nfour" in html and "x <br/>\n y" in html, html
        assert "<br/>\n <br/>\n z" in html and "Line<br/>\nnext, &lt;span&gt;raw&lt;/span&gt;." in html
    assert [(w.line, w.message) for w in reading.warnings] == [
        (6, "raw HTML is printed as text, not passed through: <span> </span>")]


def test_an_image_that_only_a_line_break_follows_is_the_figure_it_is_without_it(folder):
    """`![Рис. 1.1: …](images/1_1.png) </br>`: the tag kept the image from being a
    figure (Pandoc's implicit figures); it is the figure Pandoc makes without it, its
    id, attributes and `alt` where Pandoc puts them. An image with more text after it
    stays in its sentence."""
    def chapter(text: str) -> tuple[str, str]:
        reading = read(text, folder=folder)
        assert reading.warnings == ()
        return both(reading)

    written = '![A *map*](map.png){#fig-map .wide width=50% alt="The map"}'
    for after in (" </br>", "<br>", "\n<br/>", " <br> <br>"):
        assert chapter(f"{written}{after}\n\nSee @fig-map.\n") == chapter(f"{written}\n\nSee @fig-map.\n")
    epub, _ = chapter("![A map](map.png) <br> and text.\n")
    assert "<figure" not in epub and '<img src="images/map.png" alt="A map"/> <br/>\n and text.' in epub, epub


def test_a_code_cell_in_a_disclosure_box_is_a_cell_as_any_other():
    """A worked solution in <details> (the visual editor's habit): printed as raw
    HTML, its R chunk showed Imprint's own marking of cells, ```{.r .imprint-cell
    imprint-line=5}, not what the author wrote. The box is read now (QA 29 F7), and
    its cell is a cell, not executed, its code hidden as echo=FALSE asks."""
    reading = read("<details>\n<summary>Solution</summary>\n\n```{r echo=FALSE}\nqchisq(0.95, 1)\n```\n\n"
                   "</details>\n")
    for html in both(reading):
        assert 'class="callout-title">Solution</p>\n<p class="cell-missing">' in html and "imprint" not in html
    assert [(w.line, w.message.split(",")[0]) for w in reading.warnings] == [(4, "the R cell is not executed")]


def test_a_raw_html_block_is_told_at_its_own_fence_not_at_a_code_example_of_one():
    """Quarto's tables page shows a ```{=html} block as a code example before it
    writes one: the warning named the example's line."""
    text = ("Example:\n\n````markdown\n```{=html}\n<table>\n</table>\n```\n````\n\nRendered:\n\n"
            "```{=html}\n<table>\n<tr><td>x</td></tr>\n</table>\n```\n")
    reading = read(text)
    assert [(w.line, w.message) for w in reading.warnings] == [
        (13, "raw HTML is printed as text, not passed through: <table>")]


def test_a_comment_block_is_left_out_as_an_html_comment_is():
    """```{=comment} is an author's comment (a Pandoc idiom in JOSS papers): it was
    warned of as "raw comment is left out: the editions are not made with comment"."""
    reading = read("Before.\n\n```{=comment}\nTODO: check the numbers.\n```\n\nAfter `x`{=comment} text.\n")
    epub, printed = both(reading)
    assert reading.warnings == () and "TODO" not in epub + printed and "After  text." in epub


def test_a_comment_whose_end_is_forgotten_is_told_with_what_it_took():
    """`<!-- TODO` never closed took the paragraphs after it up to the next
    comment's `-->`, in silence (QA 23); a comment of several paragraphs meant as
    one is no warning."""
    reading = read("Before.\n\n<!-- TODO: check\n\nLost one.\n\nLost two.\n\n<!-- a note -->\n\nAfter.\n")
    assert [(w.line, w.message) for w in reading.warnings] == [
        (3, "this HTML comment holds another (<!--), and the 4 paragraphs up to its first --> are left out with it")]
    assert read("Before.\n\n<!-- Left out:\n\nOne.\n\nTwo. -->\n\nAfter.\n").warnings == ()


def test_a_reference_link_defined_nowhere_is_said_at_its_line():
    """Pandoc leaves `[text][label]` and `![alt][]` without a definition as text,
    brackets and all: printed as written, with a warning at its line; a bracket
    meant as text ([sic]) and defined references are no warning."""
    reading = read("First [sic] and [ok][ref].\n\nAn ![x][] image,\nthen [two words][nolabel] and [a][].\n\n"
                   "[ref]: https://example.org\n")
    found = sorted((w.line, w.message) for w in reading.warnings)
    assert found == [(3, "the image [x] is defined nowhere: '![x][]' is printed as written"),
                     (4, "the link [a] is defined nowhere: '[a][]' is printed as written"),
                     (4, "the link [nolabel] is defined nowhere: '[…words][nolabel]' is printed as written")]
    assert "![x][]" in plain_text(str(reading.body.print))


def test_attributes_that_belong_to_nothing_and_a_link_without_text_are_said():
    """Pandoc prints attributes it could attach to nothing as text, and a link
    with no text as nothing: each is warned of at its line."""
    reading = read("A paragraph. {.lead}\n\n**bold**{.red} and *emph*{#e1}.\n\nEmpty [](https://example.com) link, "
                   "`{.code}` and [word]{.kept}.\n")
    found = sorted((w.line, w.message) for w in reading.warnings)
    assert found == [(1, "the attributes {.lead} belong to nothing here: they are printed as written"),
                     (3, "the attributes {#e1} belong to nothing here: they are printed as written"),
                     (3, "the attributes {.red} belong to nothing here: they are printed as written"),
                     (5, "the link to https://example.com has no text: it prints nothing")]


def test_a_link_without_text_to_no_id_is_left_out_with_a_warning():
    """`[](#0)`, left by Word's and visual editors' conversions (in a grid table's
    cell too), was told twice: "has no text: it prints nothing" and the error
    "points to nothing in the article" (QA 27). Left out, with a warning; a link with
    words to no id is still an error, at its own line. Between two spaces, it takes
    one with it (it left "Text  here", QA 27 review, finding 11); before a full stop
    or at the end of a cell, the space before it goes too (it left "Last ." and
    "x ", QA 28's known leftovers)."""
    reading = read("Text [](#0) here.\n\n+----------+-----+\n| x [](#0) | y   |\n+----------+-----+\n\n"
                   "*A [](#0) [](#0)\n[](#0) B* [](#0).\n")
    for html in both(reading):
        assert "#0" not in html and "<p>Text here.</p>" in html and "<td>x</td>" in html, html
        assert "<p><em>A B</em>.</p>" in html, html
    said = "the link to #0 has no text and points to nothing in the article: it is left out"
    assert [(w.line, w.message) for w in reading.warnings] == [(1, said), (4, said), (7, said), (7, said), (8, said),
                                                               (8, said)]
    assert problems("Empty [](#0).\n\nThen [words](#0).\n") == ["3: the link to '#0' points to nothing in the article"]


def test_a_link_without_text_to_no_id_is_told_at_its_own_line():
    """With a link with words to the same id before a `[](#0)`, the latter
    was told at the worded one's line, 7 (QA 27 review, finding 5): the warning
    looked for `](#0` again, which the worded link writes too."""
    with pytest.raises(SourceError) as caught:
        read("First [](#0) here.\n\n| a        | b |\n|----------|---|\n| [](#0) x | y |\n\nThen [words](#0).\n\n"
             "Last [](#0).\n")
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (7, "the link to '#0' points to nothing in the article")]
    said = "the link to #0 has no text and points to nothing in the article: it is left out"
    assert [(w.line, w.message) for w in caught.value.warnings] == [(1, said), (5, said), (9, said)]


def test_a_notes_numbered_lists_keep_their_numbers_in_print():
    """A note's lists are set inline in print (Renderer.inline_blocks): their
    markers as the author numbered them, from their start, in their style."""
    html = str(read("Text.[^1]\n\n[^1]: Lists:\n\n    5. five\n    6. six\n\n    b. beta\n    c. gamma\n\n"
                    "    ii. two\n    iii. three\n\n    (1) one\n").body.notes[0].print)
    assert [m for m in re.findall(r'data-marker="([^"]*)"', html)] == ["5.", "6.", "b.", "c.", "ii.", "iii.", "(1)"]


def test_quartos_conditional_content_is_in_the_editions_it_is_for():
    """`.content-visible when-format=...`, `.content-hidden`, `unless-format`: the
    e-reader edition is Quarto's epub (and html), print is its pdf; a condition on
    metadata is not weighed, and said."""
    reading = read('::: {.content-hidden when-format="pdf"}\nA1\n:::\n\n::: {.content-visible when-format="html"}\n'
                   'B2\n:::\n\n::: {.content-visible when-format="pdf"}\nC3\n:::\n\n::: {.content-hidden}\nD4\n:::\n\n'
                   '::: {.content-visible unless-format="pdf"}\nE5\n:::\n\nText [F6]{.content-visible when-format="html"} '
                   '[G7]{.content-visible when-format="pdf"}.\n\n::: {.content-visible when-meta="draft"}\nH8\n:::\n')
    words = {dialect: set(re.findall(r"[A-H]\d", plain_text(str(html))))
             for dialect, html in (("epub", reading.body.chapters[0].epub), ("print", reading.body.print))}
    assert words == {"epub": {"A1", "B2", "E5", "F6", "H8"}, "print": {"C3", "G7", "H8"}}
    assert [(w.line, w.message.split(":")[0]) for w in reading.warnings] == [
        (23, 'the condition when-meta="draft" is not weighed')]


def test_pandocs_warnings_are_at_the_files_lines():
    """Pandoc counts lines from the body's start; the warnings count the file's:
    an unclosed div at the line that opens it, a link defined twice at the second."""
    setting_line = 7  # (the body's first line in its file)
    reading = read("Intro [x].\n\n[x]: https://a.org\n[x]: https://b.org\n\n::: {.note}\nInside.\n",
                   body_line=setting_line)
    found = sorted((w.line, w.message) for w in reading.warnings)
    assert found == [(10, "Pandoc: Duplicate link reference '[x]' at line 10 column 1"),
                     (12, "this div (:::) is never closed: it holds the rest of the text (or of the quote or list "
                          "item it is in)")]
    # (in a quote Pandoc counts from the quote's start: test 9635 told the body's first line)
    reading = read("First.\n\n> ::: {.fence}\n> that is\n> not closed\n\nokay\n", body_line=setting_line)
    assert [w.line for w in reading.warnings] == [9]


def test_a_tex_macro_definition_is_used_not_warned_of():
    """Pandoc applies `\\newcommand` to the formulas (latex_macros) and leaves the
    definition as raw TeX: nothing of it is lost, so no "left out" warning (its
    hint, "delete it", would break every formula that uses it)."""
    reading = read("\\newcommand{\\R}{\\mathbb{R}}\n\nReals $\\R^n$ here.\n")
    assert reading.warnings == ()
    assert "\\R" not in plain_text(str(reading.body.print))  # (the formula drawn, not its TeX)


def test_raw_latex_is_left_out_with_its_line():
    reading = read("Text.\n\n```{=latex}\n\\vspace{2ex}\n```\n\nMore \\vspace{1ex} here, \\LaTeX{} too.\n\n"
                   "```{=latex}\n\\newpage\n```\n")
    assert "vspace" not in str(reading.body.print)
    assert "here, LaTeX too." in str(reading.body.print)  # (text, read by Pandoc's LaTeX reader: rawtex.lua)
    assert '<div class="pagebreak">' in str(reading.body.print)  # (a page break is one, however written)
    assert [(w.line, w.message.split(":")[0]) for w in reading.warnings] == [
        (3, "raw latex is left out (\\vspace{2ex})"), (7, "raw tex is left out (\\vspace{1ex})")]


def test_latex_display_math_environments_are_formulas():
    """Pandoc's reader leaves `\\begin{equation}` raw (its HTML writers hand it to
    MathJax): it was left out with a warning, a formula lost from both editions."""
    reading = read("Text.\n\n\\begin{equation}\nE = mc^2 \\label{eq:e}\n\\end{equation}\n\n"
                   "And \\begin{align*} a &= b \\\\ c &= d \\end{align*} inline. See \\eqref{eq:e}.\n\n"
                   "\\begin{equation}\\begin{split} a &= b \\end{split}\\end{equation}\n")
    epub = both(reading)[0]
    assert reading.warnings == ()
    assert re.findall(r'display="block" alttext="([^"]*)"', epub) == [
        "E = mc^2", "\\begin{align*} a &amp;= b \\\\ c &amp;= d \\end{align*}", "\\begin{split} a &amp;= b \\end{split}"]
    assert '<span class="math display" id="eq-e">' in epub and 'href="#eq-e">(1)</a>' in epub


def test_latex_floats_and_citations_are_figures_tables_and_citations(folder):
    """`\\begin{figure}` with `\\includegraphics` and `\\caption{... \\label{x}}`,
    `\\begin{table}` with a tabular, `\\cite`, natbib's `\\citet` and `\\citep[p.~5]`
    (Markdown written by LaTeX authors: left out with a warning before)."""
    (folder / "refs.json").write_text('[{"id": "doe", "type": "book", "title": "T", "author": [{"family": "Doe"}], '
                                      '"issued": {"date-parts": [[2020]]}}]')
    reading = read("See Figure \\ref{map}, Table \\ref{tab:n}; \\citet{doe} and \\citep[p.~5]{doe} say.\n\n"
                   "\\begin{figure}[t]\n\\centering\n\\includegraphics[width=5cm]{map.png}\n"
                   "\\caption{A \\emph{map}. \\label{map}}\n\\end{figure}\n\n"
                   "\\begin{table}\n\\caption{Numbers \\cite{doe}.}\\label{tab:n}\n\\begin{tabular}{ll}\n"
                   "a & b \\\\\nc & d \\\\\n\\end{tabular}\n\\end{table}\n", folder=folder,
                   bibliography=(folder / "refs.json",), style=REPO / "styles" / "csl" / "utmn-humanitates.csl")
    assert reading.warnings == ()
    for html in both(reading):
        assert 'See Figure <a class="crossref" href="#map">1</a>, Table <a class="crossref" href="#tab-n">1</a>' in html
        assert 'Doe (<a class="citation" href="#ref-doe">2020</a>)' in html and ">Doe 2020, 5</a>)" in html
        assert 'Figure 1.</span> A <em>map</em>.' in html and '<td class="align-left">d</td>' in html
        assert "\\cite" not in html and "\\label" not in html and "\\caption" not in html
    assert problems("As \\citet{nobody} says.\n", bibliography=(folder / "refs.json",), folder=folder) == [
        "1: no reference has the key 'nobody'"]


def test_a_latex_floats_label_after_its_tabular_and_refs_in_its_caption(folder):
    """A thesis's tables put \\label after the tabular (Pandoc reads it as a
    paragraph of its own: the whole table was left out); a \\ref in a float's
    caption printed "[fig:one]" with a link to nothing (EPUBCheck RSC-012)."""
    reading = read("See Table \\ref{tbl:a}.\n\n![A map.](map.png){#fig:one}\n\n$$x = 1$$ {#eq:one}\n\n"
                   "\\begin{table}\n\\centering\n\\caption{As in Figure \\ref{fig:one}, after \\eqref{eq:one}.}\n"
                   "\\begin{tabular}{c | c}\nA & B \\\\ \\hline\n1 & 2 \\\\ \\hline\n\\end{tabular}\n"
                   "\\label{tbl:a}\n\\end{table}\n", folder=folder)
    assert reading.warnings == ()
    for html in both(reading):
        assert 'See Table <a class="crossref" href="#tbl-a">1</a>' in html
        assert 'As in Figure <a class="crossref" href="#fig-one">1</a>, after <a class="crossref" href="#eq-one">(1)</a>' \
            in html
        assert "[fig:one]" not in html and "\\label" not in html


def test_a_latex_longtable_is_a_table(folder):
    """Pandoc's LaTeX output and the Eisvogel template's examples write tables as
    longtable: the whole table was left out, and \\ref to it an error."""
    reading = read("See Table \\ref{tab:ieks}.\n\n\\begin{longtable}[]{rl}\n\\caption{A LaTeX table \\label{tab:ieks}} "
                   "\\\\\n\\toprule\nRight & Left \\tabularnewline\n\\midrule\n\\endhead\nfoo & bar "
                   "\\tabularnewline\n\\bottomrule\n\\end{longtable}\n", folder=folder)
    assert reading.warnings == ()
    for html in both(reading):
        assert 'Table <a class="crossref" href="#tab-ieks">1</a>' in html and ">foo</td>" in html
        assert "Table 1.</span> A LaTeX table" in html


def test_an_html_div_of_id_refs_places_the_bibliography(folder):
    """`<div id="refs"></div>` (Pandoc's manual, R Markdown's templates): the list
    goes there, as `::: {#refs}` puts it (it was printed as raw HTML, the list at
    the end)."""
    (folder / "refs.json").write_text('[{"id": "doe", "type": "book", "title": "T", "author": [{"family": "Doe"}], '
                                      '"issued": {"date-parts": [[2020]]}}]')
    reading = read("As @doe says.\n\n# References\n\n<div id=\"refs\"></div>\n\n# Appendix\n\nMore.\n",
                   folder=folder, bibliography=(folder / "refs.json",),
                   style=REPO / "styles" / "csl" / "utmn-humanitates.csl")
    assert reading.warnings == ()
    text = "".join(str(c.epub) for c in reading.body.chapters)
    assert "&lt;div" not in text and text.index("ref-doe\"") < text.index("Appendix")


def test_the_first_printbibliography_places_the_reference_list(folder):
    """A thesis ends each chapter with `## References` and biblatex's
    \\printbibliography: the list went to the end, each command was told as raw
    TeX; now the first places the list (as ::: {#refs} does), and the others are
    told to be deleted with their headings."""
    (folder / "refs.json").write_text('[{"id": "doe", "type": "book", "title": "T", "author": [{"family": "Doe"}], '
                                      '"issued": {"date-parts": [[2020]]}}]')
    reading = read("# One\n\nAs @doe says.\n\n## References\n\n\\printbibliography\n\n# Two\n\nMore.\n\n"
                   "## References\n\n\\printbibliography[heading=none]\n", folder=folder,
                   bibliography=(folder / "refs.json",), style=REPO / "styles" / "csl" / "utmn-humanitates.csl")
    assert [(w.line, w.hint) for w in reading.warnings] == [
        (15, "the reference list is printed once, where the first \\printbibliography (or ::: {#refs}) is: "
             "delete this one, and the heading over it")]
    text = "".join(str(c.epub) for c in reading.body.chapters)
    assert reading.body.references_position == 1 and "More." in text  # (the list after chapter one)


def test_siunitx_units_with_per_and_powers_print_right(folder):
    """Pandoc 3.9's siunitx reader printed \\SI{1.49}{\\per\\angstrom} as "1.49 Å" (the
    ⁻¹ lost) and \\si{\\watt\\per\\meter\\cubed\\per\\kelvin} as "W m³ K⁻⁻¹", in a
    physics thesis, without a word; the units are given to it as powers."""
    reading = read("A zone of \\SI{1.49 x 1.41}{\\per\\angstrom}, \\si{\\watt\\per\\meter\\cubed\\per\\kelvin}, "
                   "\\SI[round-precision=2]{3}{\\meter\\per\\second}, \\si{\\square\\meter}, \\si{\\kilo\\gram} "
                   "and \\si{m.s^{-1}}.\n", folder=folder)
    assert reading.warnings == ()
    for html in both(reading):
        text = html.replace("<sup>", "^").replace("</sup>", "").replace("\u2212", "-").replace("\xa0", " ")
        assert "1.49 × 1.41 Å^-1," in text and "W m^-3 K^-1," in text and "3 m s^-1," in text
        assert "m^2, kg and m s^-1." in text


def test_journal_classes_text_macros_print_their_text():
    """JSS's and the R Journal's \\pkg{}, \\proglang{}, \\code{}, Copernicus' \\chem{}:
    Pandoc's LaTeX reader dropped them with their text (an empty list item, a heading "code")."""
    reading = read("# \\proglang{R} code\n\n* \\proglang{Java}\n* \\pkg{plyr} and \\code{x <- 1}\n\n"
                   "Water is \\chem{H_2O}.\n")
    html = both(reading)[0]
    assert reading.warnings == ()
    assert ">R code</h" in html and "<li>Java</li>" in html and "<strong>plyr</strong> and <code>x &lt;- 1</code>" in html
    assert 'alttext="\\mathrm{H_2O}"' in html


def test_latex_that_reads_a_file_is_never_read(folder, tmp_path_factory):
    """`\\input{/path}` in a sentence or a float: Pandoc's LaTeX reader, called from
    a filter, is not held by the run's --sandbox (it printed the file's text)."""
    secret = tmp_path_factory.mktemp("outside") / "secret.txt"
    secret.write_text("SECRET-LINE-42")
    reading = read(f"Inline \\input{{{secret}}} here.\n\n\\begin{{table}}\n\\caption{{T}}\n\\begin{{tabular}}{{l}}\n"
                   f"\\input{{{secret}}} \\\\\n\\end{{tabular}}\n\\end{{table}}\n", folder=folder)
    assert not [html for html in both(reading) if "SECRET" in html]
    assert [w.message.split(" (")[0] for w in reading.warnings] == ["raw tex is left out"] * 2


def test_latex_figure_widths_and_images_without_extension_are_read_as_latex_reads_them(folder):
    reading = read("\\begin{figure}\n\\includegraphics[width=0.45\\columnwidth]{map}\n\\caption{A.}\n\\end{figure}\n\n"
                   "\\begin{figure}\n\\includegraphics[width=\\textwidth]{map.png}\n\\caption{B.}\n\\end{figure}\n\n"
                   "As \\citeauthor{doe} says.\n", folder=folder)
    html = both(reading)[1]
    assert 'class="width-45"' in html and 'class="width-100"' in html and html.count("map.png") == 2
    assert [w.message.split(":")[0] for w in reading.warnings] == ["raw tex is left out (\\citeauthor{doe})"]


def test_chapters_start_at_the_top_level_heading_used():
    parsed = body("Intro.\n\n## First\n\nText.\n\n### Sub {#sub-one}\n\nMore.\n\n## Second\n\nEnd.")
    assert [c.heading.text if c.heading else None for c in parsed.chapters] == [None, "First", "Second"]
    first = parsed.chapters[1]
    assert [(h.level, h.id) for h in first.headings] == [(1, "first"), (2, "sub-one")]
    assert '<h1 id="first">First</h1>' in str(first.epub)  # a chapter file starts at h1
    assert '<h2 id="first" data-bookmark="First">First</h2>' in str(first.print)  # under the article's h1
    assert '<h3 id="sub-one" data-bookmark="Sub">Sub</h3>' in str(first.print)


def test_heading_ids_are_unique_and_keep_clear_of_the_templates():
    parsed = body("# Введение\n\n# Введение\n\n# 1939: events\n\n# Abstract\n\n# References\n\nSee [References].\n\n"
                  "# Ref manager\n\n# Notes\n\n# Notes 2\n\nSee [Notes].")
    ids = [c.heading.id for c in parsed.chapters]
    assert ids == ["введение", "введение-1", "events", "sec-abstract", "sec-references", "sec-ref-manager",
                   "sec-notes", "notes-2"]
    assert 'href="#sec-references"' in str(parsed.chapters[4].epub)  # an implicit reference follows
    assert 'href="#sec-notes"' in str(parsed.chapters[-1].epub)  # (renamed once, not twice)


def test_a_reserved_or_repeated_id_is_an_error_with_its_line():
    assert problems("# One {#abstract}\n\n# Two {#two}\n\n# Three {#two}") == [
        "1: the id 'abstract' is reserved for the front matter, notes or references",
        "5: the id 'two' is also given on line 3"]


def test_an_image_without_a_caption_is_told_as_such_when_referred_to(folder):
    """Pandoc makes a figure of an image with a caption only: `@fig-front` to
    one without is not "nothing has the label 'fig-front'" (it has that id)."""
    found = problems("![](map.png){#fig-front}\n\nSee @fig-front.", folder=folder)
    assert any(p.startswith("3: 'fig-front' is the id of something that is not numbered") for p in found), found
    assert not any("nothing has the label" in p for p in found), found


def test_citations_are_not_checked_against_a_bibliography_that_could_not_be_read():
    """Its file is missing: told at the field (source/metadata.py), not again as
    "@key has no bibliography to come from" at each citation."""
    read("As @smith2015 says.\n\nAgain [@doe2020].", unread_bibliography=True)  # (no problem raised)
    assert problems("As @smith2015 says.") == ["1: the citation @smith2015 has no bibliography to come from"]


def test_footnotes_in_both_dialects():
    parsed = body("Call one.[^a] Inline.^[Inline note.] Again.[^a]\n\n[^a]: First *note*.\n\n    Second paragraph.")
    assert [n.number for n in parsed.notes] == [1, 2]
    assert [n.line for n in parsed.notes] == [3, 1]
    chapter = parsed.chapters[0]
    epub = etree.fromstring(f"<div xmlns:epub='http://www.idpf.org/2007/ops'>{chapter.epub}</div>")
    refs = epub.findall(".//a[@role='doc-noteref']")
    assert [(a.get("href"), a.get("id"), a.text) for a in refs] == [
        ("#fn-1", "fnref-1", "1"), ("#fn-2", "fnref-2", "2"), ("#fn-1", "fnref-1-2", "1")]
    assert [n.id for n in chapter.notes] == ["fn-1", "fn-2"]
    assert str(parsed.notes[0].epub).count("<p>") == 2
    printed = str(chapter.print)
    assert printed.count('<span class="footnote" id="fn-1">') == 1
    assert '<span class="footnote-para">First <em>note</em>.</span>' in printed
    assert '<sup class="footnote-repeat"><a href="#fn-1">1</a></sup>' in printed


def test_a_note_written_over_several_lines_reflows():
    parsed = body("Text.[^1]\n\n[^1]: A note written\n    over two lines.")
    assert "A note written over two lines." in str(parsed.notes[0].print)


def test_footnote_problems_name_their_lines():
    assert problems("Call.[^a] And [^b].\n\n[^a]: One.\n\n[^a]: Again.\n\n[^c]: Never called.") == [
        "1: the footnote [^b] is called but never written",
        "5: the footnote [^a] is written twice, here and on line 3",
        "7: the footnote [^c] is written but never called"]


def test_notes_live_in_the_chapter_that_first_calls_them():
    parsed = body("# One\n\nA.[^x]\n\n# Two\n\nB.[^y] A again.[^x]\n\n[^x]: X.\n\n[^y]: Y.")
    assert [[n.id for n in c.notes] for c in parsed.chapters] == [["fn-1"], ["fn-2"]]


def test_plain_text_for_metadata():
    fields = render_fields([Field("title", "*Italic* & <tag>", True, 1)], file="a.md", lang="en", words=WORDS,
                           root=SCRATCH, deadline=deadline_in(30))
    assert plain_text(fields["title"]) == "Italic & <tag>"


def test_heading_levels_never_jump():
    parsed = body("# Top\n\n#### Deep\n\n## Back")
    assert [(h.level, h.text) for h in parsed.chapters[0].headings] == [(1, "Top"), (2, "Deep"), (2, "Back")]
    assert '<h2 id="deep">Deep</h2>' in str(parsed.chapters[0].epub)


def test_an_empty_heading_is_left_out_with_a_warning():
    """`### ` alone (a file's last line, or `## {#id}`) was an error, "this heading has
    no text"; Pandoc and Quarto read an empty heading (QA 27). It is left out of both
    editions and the contents, with a warning at its line; the chapter goes on."""
    reading = read("# First\n\nText.\n\n## \n\nMore.\n\n#\n\nLast.\n\n## {#sec-empty}\n\n### ",
                   number_sections=True)
    assert [[(h.number, h.text) for h in c.headings] for c in reading.body.chapters] == [[("1", "First")]]
    for html in both(reading):
        assert len(re.findall("<h[1-6]", html)) == 1 and "Last." in html and "sec-empty" not in html, html
    said = "this heading has no text: it is left out"
    assert [(w.line, w.message) for w in reading.warnings] == [(5, said), (9, said), (13, said), (15, said)]


def test_a_reference_to_an_empty_heading_left_out_says_so():
    """`## {#sec-gone}` is left out, and `@sec-gone` was "nothing has the label
    'sec-gone'", with the hint to give a heading the id it has (QA 27 review,
    finding 9): the reference, and a link with words to it, are told at their lines
    that the heading of that line has no text and was left out."""
    with pytest.raises(SourceError) as caught:
        read("# One\n\nSee @sec-gone and [there](#sec-gone).\n\n## {#sec-gone}\n\n> ### {#sec:old}\n\nMore @sec:old.\n")
    assert [(p.line, p.message, p.hint) for p in caught.value.problems] == [
        (3, "@sec-gone points to the heading on line 5, which has no text: it was left out",
         "write its title after the #: ## The title {#sec-gone}"),
        (9, "@sec:old points to the heading on line 7, which has no text: it was left out",
         "write its title after the #: ### The title {#sec:old}"),
        (3, "the link to '#sec-gone' points to the heading on line 5, which has no text: it was left out",
         "write its title after the #: ## The title {#sec-gone}")]


def test_an_empty_heading_anywhere_is_left_out_with_a_warning():
    """`> ## ` in a quote printed an empty <h2> in the EPUB, in silence (QA 27
    review, finding 10): only the outline's empty headings were left out. One in a
    list, a definition, a callout (its title: the language's word is), a tabset (its
    label), a grid table's cell, a margin's div is left out too, each told at its
    line; a pipe table's `| # |` column, before them, is no heading."""
    reading = read("| # | a |\n|---|---|\n| 1 | x |\n\n> ## \n\n- ## \n- item\n\n1. ## {#sec-l}\n\n+-----+\n| ##  |\n"
                   "+-----+\n\n:::: {.callout-note}\n## \n\nBody\n::::\n\nTerm\n\n:   ## \n\n::: {.column-margin}\n"
                   "#### \n:::\n\n> - > ### \n\n::: {.panel-tabset}\n## R\n\nr\n\n## \n\npy\n:::\n")
    for html in both(reading):
        assert not re.findall("<h[1-6]", html) and "callout-title\">Note<" in html and "<p>py</p>" in html, html
    said = "this heading has no text: it is left out"
    assert [(w.line, w.message) for w in reading.warnings] == [(line, said) for line in (5, 7, 10, 13, 17, 24, 27,
                                                                                         30, 37)]


def test_headings_numbered_unless_unnumbered():
    parsed = body("# One\n\n## Sub\n\n# Two {-}\n\n# Three {.unnumbered}\n\n# Four", number_sections=True)
    headings = [(h.number, h.text) for c in parsed.chapters for h in c.headings]
    assert headings == [("1", "One"), ("1.1", "Sub"), ("", "Two"), ("", "Three"), ("2", "Four")]


def test_latex_appendix_after_a_page_break_makes_the_headings_after_it_appendices():
    """`\\pagebreak` and `\\appendix` on the next line (a JOSS paper): the whole block
    was left out, and the warning named the page break only; now print breaks the
    page, and the top-level headings after `\\appendix` are lettered as .appendix ones."""
    reading = read("# One\n\nText.\n\n\\pagebreak\n\\appendix\n\n# Data\n\n## Sources\n\n# Code\n",
                   number_sections=True)
    assert reading.warnings == ()
    assert [(h.number, h.text) for c in reading.body.chapters for h in c.headings] == [
        ("1", "One"), ("A", "Data"), ("A.1", "Sources"), ("B", "Code")]
    assert '<div class="pagebreak"></div>' in "".join(str(c.print) for c in reading.body.chapters)
    warned = read("Text.\n\n\\pagebreak\n\\vspace{2cm}\n\nMore.\n").warnings
    assert [(w.line, w.message.split(":")[0]) for w in warned] == [(4, "raw tex is left out (\\vspace{2cm})")]


def test_callouts_are_asides_in_the_epub_and_boxes_in_print_never_headings():
    parsed = body("# Top\n\n::: {.callout-tip}\n## Keep this in mind\nThe body.\n:::\n\n"
                  "::: {.callout-warning title=\"Careful\"}\nMind the gap.\n:::")
    chapter = parsed.chapters[0]
    assert [h.text for h in chapter.headings] == ["Top"]
    epub = str(chapter.epub)
    assert '<aside class="callout callout-tip" role="doc-tip">' in epub
    assert '<p class="callout-title">Keep this in mind</p>' in epub
    assert '<aside class="callout callout-warning" role="note">' in epub
    assert '<p class="callout-title">Careful</p>' in epub
    assert '<div class="callout callout-tip">' in str(chapter.print)
    untitled = body("::: {.callout-caution}\nMind it.\n:::").chapters[0]  # (titled by its kind, as in Quarto)
    for html in (str(untitled.epub), str(untitled.print)):
        assert '<p class="callout-title">Caution</p>\n<p>Mind it.</p>' in html


def test_attributes_quarto_reads_as_markdown_are_markdown():
    """A callout's title, a theorem's name, fig-cap, lst-cap and a cell's #| fig-cap
    are Markdown in Quarto: emphasis, code, sub-scripts, formulas, smart quotes and
    cross-references in them are rendered, never printed as source."""
    text = (':::: {.callout-note title="A **bold** \\"title\\" with $x^2$ -- and @fig-a"}\nText.\n::::\n\n'
            '::: {#fig-a fig-cap="Caption *emph* H~2~O"}\nWords in a figure.\n:::\n\n'
            "::: {#thm-one name='Fermat\\'s *last*'}\nStatement.\n:::\n\n"
            '```{#lst-a .python lst-cap="The `main` loop"}\nprint(1)\n```\n\n'
            '```{python}\n#| label: fig-cell\n#| fig-cap: "A *cell* figure"\nplot()\n```\n\n'
            "See @lst-a, @fig-cell and @thm-one.\n")
    reading = read(text)
    for dialect in (EPUB, PRINT):
        html = str(reading.body.chapters[0].epub if dialect == EPUB else reading.body.chapters[0].print)
        assert ('<p class="callout-title">A <strong>bold</strong> “title” with <math' in html
                and '</math> – and <a class="crossref" href="#fig-a">Figure 1</a></p>' in html)
        assert "Caption <em>emph</em> H<sub>2</sub>O</figcaption>" in html
        assert "Theorem 1 (Fermat’s <em>last</em>).</strong>" in html
        assert "Listing 1.</span> The <code>main</code> loop</figcaption>" in html
        assert "Figure 2.</span> A <em>cell</em> figure</figcaption>" in html
        assert not any(mark in html for mark in ("**", "$x", "@fig", "~2~", "`main`", "*cell*"))
    assert [w.line for w in reading.warnings] == [17]  # (the cell, not executed: nothing else)


def test_the_outline_shows_headings_as_printed():
    """The EPUB's contents and the PDF's outline (Heading.text) show a heading's
    cross-references resolved and its quotes in the language's marks."""
    parsed = body('# About "the \'map\'" in @tbl-a {#sec-a}\n\n| a |\n|---|\n| 1 |\n\n: Data {#tbl-a}\n\n'
                  '# Second\n\nSee @sec-a.\n', quotes=RU)
    assert [h.text for c in parsed.chapters for h in c.headings] == ["About «the „map“» in Table 1", "Second"]
    # ... and so does a reference to it by its title, its quotes inside the reference's own
    assert 'href="#sec-a">Section «About „the «map»“ in Table 1»</a>' in str(parsed.chapters[1].epub)


def test_an_image_keeps_its_height_title_classes_and_id(folder):
    """Pandoc's image attributes: a height (a percent one has no size in a book: told),
    the title, classes and an inline image's id are in both editions."""
    reading = read('![A map](map.png "The title"){width=40% height=3cm .bordered}\n\n'
                   "Inline ![logo](map.png){#logo height=20}, and ![x](map.png){height=50%}.\n", folder=folder)
    for html in both(reading):
        assert 'alt="A map" class="bordered width-40" style="height: 3cm;" title="The title"/>' in html
        assert '<img id="logo" src="' in html and 'alt="logo" style="height: 20px;"/>' in html
        assert 'alt="x"/>' in html
    assert [(w.line, w.message) for w in reading.warnings] == [
        (3, "the height 50% is left out: a height in percent has no size in a book")]


def test_code_lines_numbered_and_file_names_shown():
    """Pandoc's .numberLines with startFrom, Quarto's filename and a cell's
    code-line-numbers and filename: shown in both editions; a startFrom that is no
    number is told at its line."""
    reading = read('```{.python .numberLines startFrom="9" filename="run.py"}\nimport os\nprint(os)\n```\n\n'
                   "```{python}\n#| code-line-numbers: true\n#| filename: cell.py\nx = 1\n```\n\n"
                   "~~~ {.numberLines startFrom=x}\na\n~~~\n")
    for html in both(reading):
        assert '<p class="code-filename"><code>run.py</code></p>' in html
        assert '<span class="line-number" aria-hidden="true">9</span><span class="im">import' in html
        assert '<span class="line-number" aria-hidden="true">10</span><span class="bu">print' in html
        assert '<code>cell.py</code>' in html and '<span class="line-number" aria-hidden="true">1</span>x ' in html
        assert '<span class="line-number" aria-hidden="true">1</span>a</code>' in html
    assert [(w.line, w.message) for w in reading.warnings][1:] == [
        (12, 'startFrom="x" is not a line number: the lines are numbered from 1')]


def test_divs_and_spans_keep_their_classes_and_ids():
    parsed = body("::: {#box .aside lang=de}\nText [small caps]{.smallcaps} and [x]{.mark #m}.\n:::")
    html = str(parsed.chapters[0].epub)
    assert '<div id="box" class="aside" lang="de" xml:lang="de">' in html
    assert '<span class="smallcaps">small caps</span>' in html
    assert '<span id="m" class="mark">x</span>' in html


def test_cross_references_in_the_language_words(folder):
    parsed = body("# Intro {#sec-intro}\n\nSee @fig-map, [-@fig-map], @Tbl-data and @sec-intro.\n\n"
                  "![A map](map.png){#fig-map}\n\n| a |\n|---|\n| 1 |\n\n: Data {#tbl-data}",
                  number_sections=True, folder=folder)
    html = str(parsed.chapters[0].epub)
    assert '<a class="crossref" href="#fig-map">Figure 1</a>' in html
    assert '<a class="crossref" href="#fig-map">1</a>' in html
    assert '<a class="crossref" href="#tbl-data">Table 1</a>' in html
    assert '<a class="crossref" href="#sec-intro">Section 1</a>' in html


@pytest.mark.parametrize("cited", [False, True])
def test_pandoc_crossref_labels_are_quartos(folder, cited):
    """pandoc-crossref's `{#fig:map}` and `@fig:map` (Pandoc's most used filter):
    the same as Quarto's `fig-map`, with ids the EPUB takes (no colon); through
    citations.lua where citeproc runs (a bibliography), through links.py where not."""
    more = {}
    if cited:
        (folder / "refs.json").write_text('[{"id": "doe", "type": "book", "title": "T", "issued": '
                                          '{"date-parts": [[2020]]}}]')
        more = {"bibliography": (folder / "refs.json",), "style": REPO / "styles" / "csl" / "utmn-humanitates.csl"}
    reading = read("# Method {#sec:method}\n\n![A map.](map.png){#fig:map}\n\n$$ E = mc^2 $$ {#eq:energy}\n\n"
                   "See @fig:map, [-@fig:map], @Eq:energy, [@tbl:n] and @sec:method"
                   + (". As [@doe] says" if cited else "")
                   + ".\n\n| a |\n|---|\n| 1 |\n\n: Numbers {#tbl:n}\n", folder=folder, **more)
    html = both(reading)[0]
    assert reading.warnings == ()
    assert ('See <a class="crossref" href="#fig-map">Figure 1</a>, <a class="crossref" href="#fig-map">1</a>, '
            '<a class="crossref" href="#eq-energy">Equation 1</a>, <a class="crossref" href="#tbl-n">Table 1</a> and '
            '<a class="crossref" href="#sec-method">Section “Method”</a>') in html
    assert all(f'id="{i}"' in html for i in ("sec-method", "fig-map", "eq-energy", "tbl-n")) and 'id="fig:' not in html
    assert problems("See @fig:nope.\n") == ["1: nothing has the label 'fig:nope'"]


def test_a_pandoc_crossref_table_label_as_an_empty_span_in_its_caption():
    """`: Caption []{#tbl:x}`, the form pandoc-crossref's documentation gives: it
    was an error ("the id of something that is not numbered")."""
    reading = read("| a | b |\n|---|---|\n| 1 | 2 |\n\n: Random numbers []{#tbl:random short-caption=\"R\"}\n\n"
                   "See @tbl:random.\n")
    assert reading.warnings == ()
    for html in both(reading):
        assert "Table 1.</span> Random numbers</" in html and 'href="#tbl-random">Table 1</a>' in html


def test_a_pandoc_crossref_listing_caption_is_markdown():
    """```{#lst:x caption="..."}: its caption was printed as written, *emphasis* and
    [@key] and all, its work missing from the references (lst-cap= was read)."""
    reading = read('```{.python caption="The step, *emphasised*" #lst:huh}\npass\n```\n\nSee @lst:huh.\n')
    assert reading.warnings == ()
    for html in both(reading):
        assert "Listing 1.</span> The step, <em>emphasised</em></figcaption>" in html, html


def test_a_cells_lst_label_and_lst_cap_make_it_a_numbered_listing():
    """Quarto's listing of a cell's code, #| lst-label and #| lst-cap: @lst-query
    was 'nothing has the label'."""
    reading = read("See @lst-query.\n\n```{python}\n#| lst-label: lst-query\n#| lst-cap: \"A *query*\"\n"
                   "print(1)\n```\n")
    epub, printed = both(reading)
    assert '<a class="crossref" href="#lst-query">Listing 1</a>' in epub
    assert '<figure class="figure listing" id="lst-query">' in epub and "Listing 1.</span> A <em>query</em>" in epub
    assert "lst-label" not in epub and [w.message for w in reading.warnings] == [
        "the Python cell is not executed: its code is shown instead of its output"]


def test_pandoc_crossref_listing_captions_written_as_table_captions():
    """pandoc-crossref's `codeBlockCaptions`: `: Caption {#lst:x}` before the code (or
    `Listing: ...` after it) was printed as text, and each reference an error."""
    reading = read(": A *short* program {#lst:code}\n\n```haskell\nmain = pure ()\n```\n\n```python\nprint(1)\n```"
                   "\n\nListing: Another one {#lst:other}\n\nSee @lst:code and @lst:other.\n")
    assert reading.warnings == ()
    for html in both(reading):
        assert "Listing 1.</span> A <em>short</em> program" in html and "Listing 2.</span> Another one" in html
        assert 'href="#lst-code">Listing 1</a>' in html and 'href="#lst-other">Listing 2</a>' in html
        assert "{#lst" not in html


def test_a_listing_caption_beside_a_labelled_code_block_is_its_caption():
    """pandoc-crossref's demo: `Listing: Listing caption` before ```{#lst:tableCaption}
    (the label on the code): «the listing has no caption», and the paragraph printed."""
    reading = read("Listing: A *short* program\n\n```{#lst:code .haskell}\nmain = pure ()\n```\n\n"
                   "```{#lst:two .python}\nprint(1)\n```\n\n: Another one\n\nListing: not a caption\n\n"
                   "See @lst:code and @lst:two.\n")
    assert reading.warnings == ()
    for html in both(reading):
        assert "Listing 1.</span> A <em>short</em> program" in html and "Listing 2.</span> Another one" in html
        assert 'href="#lst-code">Listing 1</a>' in html and 'href="#lst-two">Listing 2</a>' in html
        assert "Listing: not a caption" in html and html.count("Listing:") == 1


def test_pandoc_crossref_figure_divs_listings_and_their_lines(folder):
    reading = read("::: {#fig:panel}\n![Left](map.png){#fig:l}\n\n![Right](map.png){#fig:r}\n\nThe panel\n:::\n\n"
                   "```{#lst:code .python caption=\"Some code\"}\nprint(1)\n```\n\n"
                   "See @fig:panel, @fig:l and @lst:code.\n", folder=folder)
    epub = both(reading)[0]
    assert ('See <a class="crossref" href="#fig-panel">Figure 1</a>, <a class="crossref" href="#fig-l">Figure 1(a)</a> '
            'and <a class="crossref" href="#lst-code">Listing 1</a>.') in epub
    assert '<span class="figure-label">Listing 1.</span> Some code' in epub
    assert problems("Text.\n\n![](map.png){#fig:e}\n", folder=folder)[0] == (
        "3: the figure 'fig-e' has no caption, so it has no number to refer to")


def test_bookdown_labels_and_references(folder):
    """R Markdown's (bookdown's) `(\\#fig:x)`, `(\\#tab:x)`, `(\\#eq:x)` and `\\@ref(x)`: Pandoc
    reads them as text, and "@ref(fig:x)" was printed as it is, in silence."""
    reading = read("# Introduction {#intro}\n\n$$E = mc^2 (\\#eq:e)$$\n\n![(\\#fig:x) A map](map.png)\n\n"
                   "Table: (\\#tab:t) Numbers\n\n| a |\n|---|\n| 1 |\n\n"
                   "See Figure \\@ref(fig:x), Table \\@ref(tab:t), (\\@ref(eq:e)) and \\@ref(intro).\n",
                   folder=folder, number_sections=True)
    epub = both(reading)[0]
    assert reading.warnings == () and "#fig:" not in epub and "@ref" not in epub
    assert ('See Figure <a class="crossref" href="#fig-x">1</a>, Table <a class="crossref" href="#tab-t">1</a>, '
            '(<a class="crossref" href="#eq-e">1</a>) and <a class="crossref" href="#intro">1</a>.') in epub
    assert '<span class="figure-label">Figure 1.</span> A map</figcaption>' in epub
    assert problems("Text \\@ref(fig:nope).\n") == ["1: nothing has the label 'fig:nope'"]


def test_unknown_labels_and_images_name_their_lines():
    found = problems("Text.\n\nSee @fig-nope.\n\n![No alt](missing.png)")
    assert found[0].startswith("3: nothing has the label 'fig-nope'")
    assert any(p.startswith("5: ") and "missing.png" in p for p in found)


def test_code_cells_are_shown_without_options_and_said():
    reading = read("Text.\n\n```{python}\n#| label: fig-plot\n#| fig-cap: A plot\nprint(1)\n```\n\nSee @fig-plot.")
    html = str(reading.body.chapters[0].epub)
    assert "#|" not in html and "print" in html
    assert '<span class="figure-label">Figure 1.</span> A plot' in html
    assert '<a class="crossref" href="#fig-plot">Figure 1</a>' in html
    assert [w.line for w in reading.warnings] == [3]


def test_a_plain_code_block_with_attributes_is_no_cell():
    """``` {shortcodes="false"}, Quarto's way to show a shortcode as written, was "the
    shortcodes cell is not executed", and ``` {key="value"} "the key cell": an engine's
    name ends at a space, a comma or the brace (Quarto's breakQuartoMd)."""
    reading = read('Shown:\n\n``` {shortcodes="false"}\n{{< embed nb.ipynb#cell >}}\n```\n\n'
                   '```{key="value"}\nplain\n```\n\n```{python filename="run.py"}\nprint(1)\n```\n')
    for html in both(reading):
        assert "{{&lt; embed nb.ipynb#cell &gt;}}</code></pre>" in html and "plain</code></pre>" in html, html
    assert [(w.line, w.message.split(":")[0]) for w in reading.warnings] == [(11, "the Python cell is not executed")]


def test_math_is_mathml_with_its_tex_and_escaping_is_left_alone(tmp_path):
    reading = read("Inline $a_x + \\{b\\} \\, c$ and\n\n$$ x = 1 $$ {#eq-one}\n\nSee @eq-one.", folder=tmp_path)
    html = str(reading.body.chapters[0].epub)
    assert 'alttext="a_x + \\{b\\} \\, c"' in html and 'display="inline"' in html
    assert '<span class="math display" id="eq-one"><math xmlns="http://www.w3.org/1998/Math/MathML" ' \
           'display="block" alttext="x = 1">' in html
    assert '<span class="equation-number">(1)</span>' in html
    assert '<a class="crossref" href="#eq-one">Equation 1</a>' in html
    assert reading.warnings == ()


def test_math_that_cannot_be_read_is_shown_as_tex_with_a_warning(tmp_path):
    reading = read("Text.\n\nA fraction $\\frac{1}$ and $x$.", folder=tmp_path)
    for dialect in ("epub", "print"):
        html = str(getattr(reading.body.chapters[0], dialect))
        assert '<code class="math-tex">\\frac{1}</code>' in html and 'alttext="x"' in html
    assert [(w.line, w.message) for w in reading.warnings] == [
        (3, "the formula $\\frac{1}$ cannot be read as TeX; it is shown as written")]


def test_math_that_cannot_be_read_is_told_with_the_text_s_problems(tmp_path):
    """Not in the run after they are mended (problems came in layers: 55 formulas of a paper)."""
    with pytest.raises(SourceError) as caught:
        read("A fraction $\\frac{1}$ and a [link](#nowhere).", folder=tmp_path)
    assert [p.line for p in caught.value.problems] == [1]
    assert [(w.line, w.message.split(";")[0]) for w in caught.value.warnings] == [
        (1, "the formula $\\frac{1}$ cannot be read as TeX")]


def test_plain_tex_fractions_are_read_as_latex_s(tmp_path):
    """`{dx \\over dt}` (plain TeX, in older papers and Russian student reports):
    texmath does not read it, and the formula was shown as TeX (`\\choose` it reads)."""
    reading = read("Here ${dx\\over {dt}} = {n \\choose k}$ holds.", folder=tmp_path)
    html = both(reading)[0]
    assert reading.warnings == ()
    assert "<mfrac>" in html and 'alttext="{dx\\over {dt}} = {n \\choose k}"' in html


def test_plain_tex_row_ends_are_read_as_latex_s(tmp_path):
    """`\\cr` in an array (JOSS's paper template): texmath does not read it, and the
    formula was shown as its TeX (QA 18)."""
    reading = read("$$\\Theta(x) = \\left\\{\\begin{array}{l}\n0\\textrm{ if } x < 0\\cr\n1\\textrm{ else}\n"
                   "\\end{array}\\right.$$\n", folder=tmp_path)
    html = both(reading)[0]
    assert reading.warnings == () and html.count("<mtr>") == 2 and "x &lt; 0\\cr 1" in html  # (the alttext as written)


def test_mathtools_bracket_options_are_not_read_as_text(tmp_path):
    """`\\overbracket[0.65pt][-1]{X}` (a statistics course's bar): texmath read the
    options as text, a bracket over "[" then "0.65pt][−1]X", with no warning."""
    html = both(read("Here $\\overbracket[0.65pt][-1]{X}_n$ holds.", folder=tmp_path))[0]
    drawn = html.split("<semantics>")[1].split("<annotation")[0]
    assert "<mi>X</mi>" in drawn and "0.65" not in drawn
    assert 'alttext="\\overbracket[0.65pt][-1]{X}_n"' in html  # (the TeX as written)


def test_a_formula_in_a_heading_is_its_text_in_the_outline(tmp_path):
    chapter = body("# Energy $E = mc^2$ and $\\frac{a}{b}$\n\nText.", folder=tmp_path).chapters[0]
    assert chapter.heading.text == "Energy E = mc² and $\\frac{a}{b}$"
    assert 'data-bookmark="Energy E = mc² and $\\frac{a}{b}$"' in str(chapter.print)


def test_deep_nesting_is_refused_with_a_line_not_lost():
    deep = "\n\n".join(">" * n + " level" for n in range(1, 70))
    assert problems(deep) == ["129: block quotes are nested here more than 64 deep"]
    lists = "\n".join("  " * n + "- item" for n in range(70))
    assert problems(lists) == ["11: lists, block quotes and callouts are nested here 11 levels deep; Imprint prints at most 10"]
    shallow = "\n".join("  " * n + "- item " + str(n) for n in range(10))  # (guard.MAX_BLOCK_NESTING)
    html = str(body(shallow).chapters[0].epub)
    assert all(f"item {n}" in html for n in range(10))


def test_a_passage_in_another_language_takes_its_quotation_marks():
    words = {"en": {"quotes": EN}, "ru": {"quotes": RU}}
    parsed = body('"English" and [a "Russian" passage]{lang=ru}.', words_for=lambda lang: words[lang.split("-")[0]])
    html = str(parsed.chapters[0].epub)
    assert "“English”" in html
    assert '<span lang="ru" xml:lang="ru">a «Russian» passage</span>' in html


def test_crossref_prefixes_replace_the_words():
    parsed = body("| a |\n|---|\n| 1 |\n\n: Data {#tbl-data}\n\nSee @tbl-data and @tbl-data.",
                  prefixes={"tbl": "Tab."})
    assert str(parsed.chapters[0].epub).count('<a class="crossref" href="#tbl-data">Tab. 1</a>') == 2
    parsed = body("| a |\n|---|\n| 1 |\n\n: Data {#tbl-data}\n\nSee @tbl-data.", prefixes={"tbl": ""})
    assert '<a class="crossref" href="#tbl-data">1</a>' in str(parsed.chapters[0].epub)


def test_pandoc_crossref_auto_section_labels_name_every_heading():
    """`autoSectionLabels: true` (pandoc-crossref's demo): `@sec:` and a heading's id,
    given or made by Pandoc, refers to it; an id that is `sec:`'s already stays."""
    text = ("See [@sec:wrapping-div], @sec:methods and @sec:given.\n\n# Wrapping div\n\n# Methods {#methods}\n\n"
            "# Given {#sec:given}\n")
    html = str(body(text, prefixes={"auto-section-labels": "true"}).chapters[0].epub)
    assert ('See <a class="crossref" href="#wrapping-div">Section “Wrapping div”</a>, <a class="crossref" '
            'href="#methods">Section “Methods”</a> and <a class="crossref" href="#sec-given">') in html
    assert problems(text) == ["1: nothing has the label 'sec:wrapping-div'", "1: nothing has the label 'sec:methods'"]


def test_crossref_titles_and_delimiter_word_the_captions():
    """Quarto's `tbl-title`, `thm-title` and `title-delim` word a caption's or a
    theorem's own number; the prefix words the references only, as in Quarto."""
    html = str(body("| a |\n|---|\n| 1 |\n\n: Data {#tbl-data}\n\n::: {#thm-a}\nX.\n:::\n\n"
                    "| b |\n|---|\n| 2 |\n\n: More {#tbl-more}\n\nSee @tbl-data and @thm-a.",
                    prefixes={"tbl": "Tab.", "tbl-title": "TABLE", "title-delim": ":", "thm-title": "Thm"}
                    ).chapters[0].epub)
    assert '<span class="table-label">TABLE 1:</span> Data' in html and "TABLE 2:</span> More" in html
    assert '<strong class="statement-title">Thm 1.</strong>' in html
    assert 'href="#tbl-data">Tab. 1</a> and <a class="crossref" href="#thm-a">Theorem 1</a>' in html


def test_a_tables_continuation_line_names_it_as_its_caption_or_references_do():
    """The line print sets over a table's later parts (`table_continued`): English's
    says the caption's title (Quarto's `tbl-title`), Russian's the references' word
    (`tbl-prefix`), as the article sets them; without them, the language's words,
    as before («Продолжение табл. 1» had the locale's word whatever the article said)."""
    theme = Theme(REPO, REPO / "styles")
    table = "| a |\n|---|\n| 1 |\n\n: Data {#tbl-data}\n"

    def line(lang: str, **prefixes: str) -> str:
        printed = str(body(table, lang=lang, words=theme.strings(lang), prefixes=prefixes).chapters[0].print)
        return re.search(r'<tr class="table-continued"><td colspan="1">([^<]*)</td></tr>', printed).group(1)

    assert line("en") == "Table 1 (continued)" and line("ru") == "Продолжение табл. 1"
    assert line("en", **{"tbl-title": "Tab."}) == "Tab. 1 (continued)"
    assert line("en", tbl="Tab.") == "Table 1 (continued)"  # (the caption's title: "Table 1.")
    assert line("ru", tbl="таблица") == "Продолжение таблица 1"
    assert line("ru", **{"tbl-title": "Табл."}) == "Продолжение табл. 1"  # (a reference's word: «в табл. 1»)
    designed = {**theme.strings("en"), "table_continued": "{n}: {title}, {ref} {x}"}
    printed = str(body(table, words=designed, prefixes={"tbl-title": "T", "tbl": "t"}).chapters[0].print)
    assert ">1: T 1, t 1 {x}</td>" in printed  # (each placed where the designer puts it, once)


def test_a_quarto_figure_div_may_hold_anything_and_be_captioned_by_fig_cap():
    parsed = body('::: {#fig-text fig-cap="A scheme in words"}\nFirst, then second.\n:::\n\nSee @fig-text.')
    html = str(parsed.chapters[0].epub)
    assert '<figure class="figure" id="fig-text"><p>First, then second.</p>' in html
    assert '<figcaption><span class="figure-label">Figure 1.</span> A scheme in words</figcaption>' in html


def test_an_embedded_notebook_output_keeps_its_number_and_says_it_is_missing():
    parsed = body('[]{.imprint-embed source="nb.qmd#fig-plot"}\n\nSee @fig-plot.',
                  words={**WORDS, "embed_missing": "Not included: {source}"})
    html = str(parsed.chapters[0].epub)
    assert '<figure class="figure embed-missing" id="fig-plot">' in html
    assert "Figure 1.</span> <em>Not included: nb.qmd#fig-plot</em>" in html
    assert '<a class="crossref" href="#fig-plot">Figure 1</a>' in html


def test_a_figure_whose_image_is_a_link_is_numbered_as_quarto_numbers_it(folder):
    """quest-bih/quarto_love_methods links its figure's image to where the graph is
    explained: Pandoc makes no figure of an image inside a link, and @fig-dag-image
    was refused ("has no caption"). As Quarto renders it: a numbered figure, its
    image the link; in print the address follows the image, as it follows any
    link's text (addresses.py); a link around an image without a caption stays a link."""
    reading = read("The causal model is in @fig-dag-image.\n\n"
                   "[![Directed Acyclic Graph of the *assumed* causal model](map.png){#fig-dag-image "
                   'alt="A DAG" fig-alt="Arrows from exposure and confounders to outcome" width="80%"}]'
                   "(https://dagitty.net/learn/index.html)\n\n"
                   "[![](map.png){.decorative}](https://example.org) A badge.\n\n"
                   '[![The site](map.png){#fig-site fig-align="left"}](https://example.org)\n', folder=folder)
    epub, printed = both(reading)
    assert ('<figure class="figure" id="fig-dag-image"><a href="https://dagitty.net/learn/index.html">'
            '<img src="images/map.png" alt="Arrows from exposure and confounders to outcome" class="width-80"/></a>'
            '<figcaption><span class="figure-label">Figure 1.</span> Directed Acyclic Graph of the <em>assumed</em> '
            'causal model</figcaption></figure>') in epub
    assert 'The causal model is in <a class="crossref" href="#fig-dag-image">Figure 1</a>.' in epub
    assert ('alt="Arrows from exposure and confounders to outcome" class="width-80"/><span class="link-address">'
            '<span class="url">https://<wbr/>dagitty.<wbr/>net/<wbr/>learn/<wbr/>index.<wbr/>html</span></span></a>'
            '<figcaption>') in printed
    assert '<p><a href="https://example.org"><img src="images/map.png" alt="" role="presentation" ' \
           'class="decorative"/></a> A badge.</p>' in epub
    assert '<figure class="figure fig-align-left" id="fig-site"><a href="https://example.org">' in epub
    assert reading.warnings == ()


def test_a_pdf_figure_is_shown_as_its_first_page(folder):
    import pypdfium2

    document = pypdfium2.PdfDocument.new()
    document.new_page(200, 100)
    document.save(folder / "plot.pdf")
    parsed = body("![A plot](plot.pdf){#fig-plot}", folder=folder)
    assert parsed.assets[0].name == "images/plot.png"
    printed = str(parsed.chapters[0].print)
    assert 'src="data:image/png;base64,' in printed and 'src="images/plot.png"' in str(parsed.chapters[0].epub)
    (folder / "fake.pdf").write_text("not a PDF")
    assert "'fake.pdf' is not the PDF file its name says it is" in problems("![A plot](fake.pdf)", folder=folder)[0]


def test_a_pdf_figure_of_several_pages_says_only_its_first_is_shown(folder):
    """Its other pages were in neither edition, unwarned (QA 23)."""
    import pypdfium2

    for name, pages in (("chart3.pdf", 3), ("plot.pdf", 1)):
        document = pypdfium2.PdfDocument.new()
        for _ in range(pages):
            document.new_page(200, 100)
        document.save(folder / name)
    reading = read("Text.\n\n![A chart](chart3.pdf){#fig-chart}\n\n![Again](plot.pdf)\n", folder=folder)
    assert [(w.line, w.message) for w in reading.warnings] == [
        (3, "'chart3.pdf' has 3 pages: only the first is shown")]
    assert reading.warnings[0].hint.startswith("split it into a file a page (pdfseparate chart3.pdf page-%d.pdf)")


def test_code_is_highlighted_by_pandoc():
    parsed = body("```python\ndef f(x):\n    return 'a'  # note\n```")
    html = str(parsed.chapters[0].epub)
    assert '<pre class="sourceCode python"><code><span class="kw">def</span> f(x):' in html
    assert '<span class="co"># note</span>' in html and "<a " not in html


def test_paragraphs_pandoc_would_read_for_minutes_are_refused_at_their_line():
    assert problems("Fine.\n\n" + "[a" * 20) == [
        "3: this paragraph opens 20 brackets that never close; Imprint reads at most 8"]
    assert problems("Fine.\n\n" + "[a](b" * 20) == [
        "3: this paragraph has 20 link targets ']( ...' that never close; Imprint reads at most 8"]
    many = "".join(f"[^{i}] " for i in range(200)) + "\n\n" + "".join(f"[^{i}]: Note {i}.\n" for i in range(200))
    assert len(body(many).notes) == 200  # (many closed brackets and definitions are fine)
    item = "- An item.\n\n    A paragraph of the item " + "[a" * 20
    assert problems(item) == ["3: this paragraph opens 20 brackets that never close; Imprint reads at most 8"]
    intervals = "On " + ", ".join("$[0, 1)$" for _ in range(20)) + " and `a[[[[[[[[[[` or ``[[[[[[[[[[``."
    assert "[0, 1)" in body(intervals).chapters[0].epub_html  # (math and code are read before any bracket)
    with pytest.raises(SourceError) as caught:
        render_fields([Field("abstract", "[a" * 20, False, 7)], file="a.md", lang="en", words=WORDS,
                      root=SCRATCH, deadline=deadline_in(30))
    assert [(p.line, p.field) for p in caught.value.problems] == [(7, "abstract")]


def test_a_field_of_paragraphs_keeps_its_paragraphs_and_lists():
    text = "First paragraph.\n\nSecond paragraph:\n\n- one\n- two"
    fields = render_fields([Field("abstract", text, False, 5)], file="a.md", lang="en", words=WORDS,
                           root=SCRATCH, deadline=deadline_in(30))
    html = str(fields["abstract"])
    assert html.count("<p>") == 2 and "<ul>" in html and "<li>two</li>" in html, html
    assert "<br" not in html and "- two" not in html
    setting = Setting(file="article.md", body="Body.", body_line=1, lang="en", words=WORDS, root=SCRATCH,
                      folder=SCRATCH, deadline=deadline_in(30), dialects=(EPUB, PRINT), style=None,
                      cited_fields=(Field("abstract", text, False, 5),))
    assert str(start_body(setting).result()[2]["abstract"]) == html  # (an abstract that may cite: read with the body)


def test_a_fields_links_go_to_the_web_or_to_the_body():
    def refused(text: str, body_text: str | None = None) -> list[str]:
        field = Field("abstract", text, False, 4)
        with pytest.raises(SourceError) as caught:
            if body_text is None:
                render_fields([field], file="a.md", lang="en", words=WORDS, root=SCRATCH, deadline=deadline_in(30))
            else:
                read(body_text, cited_fields=(field,))
        return [p.message for p in caught.value.problems]

    assert refused("See [there](#nowhere).") == ["the abstract links to '#nowhere', which is nothing in the article"]
    assert refused("See [there](#nowhere).", "# Intro {#intro}") == [
        "the abstract links to '#nowhere', which is nothing in the article"]
    assert refused("See [the file](data.csv).") == ["the abstract links to 'data.csv', which is not a web address"]
    setting = Setting(file="article.md", body="# Intro {#intro}\n\nText.", body_line=1, lang="en", words=WORDS,
                      root=SCRATCH, folder=SCRATCH, deadline=deadline_in(30), dialects=(EPUB, PRINT),
                      style=None, cited_fields=(Field("abstract", "See [the intro](#intro).", False, 4),))
    assert 'href="#intro"' in str(start_body(setting).result()[2]["abstract"])


def test_a_span_of_imprints_own_cross_reference_class_is_refused():
    for data in ('', ' data-citations="{not json"', ' data-citations="[1]"'):
        assert problems(f"Text [x]{{.imprint-xref{data}}}.\n") == ["1: the class imprint-xref is Imprint's own"]
    well_formed = '[{"citationId": "fig-a", "citationMode": {"t": "NormalCitation"}, "citationPrefix": [1]}]'
    assert problems(f"Text [x]{{.imprint-xref data-citations='{well_formed}'}}.\n") == [
        "1: the class imprint-xref is Imprint's own"]


def test_a_label_given_twice_is_an_error_at_its_second_line():
    text = "$$a$$ {#eq-a}\n\nText.\n\n$$b$$ {#eq-a}\n\n```{python}\n#| label: fig-c\n#| fig-cap: C\n1\n```\n\n" \
           "![C](map.png){#fig-c}\n"
    found = problems(text)
    assert found[0] == "5: the label 'eq-a' is also given to another equation, figure, table or section (on line 1)", found
    assert any("'fig-c' is also given" in p for p in found), found


def test_quarto_theorems_proofs_listings_and_numbered_callouts(folder):
    text = """::: {#thm-line}
## Line
The equation of a line.
:::

::: {#lem-a name="Small"}
A lemma.
:::

::: {#thm-two}
Another.
:::

::: {.proof}
Obvious.
:::

```{#lst-q .sql lst-cap="Customers query"}
SELECT 1
```

::: {#wrn-x .callout-warning}
## Careful
Hot.
:::

See @thm-two, @lem-a, [Claim @thm-line], [-@thm-two], @lst-q and @wrn-x.
"""
    html = body(text, folder=folder).chapters[0].epub_html
    assert '<strong class="statement-title">Theorem 1 (Line).</strong> The equation of a line.' in html
    assert '<strong class="statement-title">Lemma 1 (Small).</strong> A lemma.' in html
    assert '<strong class="statement-title">Theorem 2.</strong> Another.' in html  # (each kind counts on its own)
    assert '<em class="statement-title">Proof.</em> Obvious.' in html
    assert '<span class="figure-label">Listing 1.</span> Customers query' in html and "lst-cap" not in html
    assert '<p class="callout-title">Warning 1: Careful</p>' in html
    assert 'See <a class="crossref" href="#thm-two">Theorem 2</a>, <a class="crossref" href="#lem-a">Lemma 1</a>, ' \
           '<a class="crossref" href="#thm-line">Claim 1</a>, <a class="crossref" href="#thm-two">2</a>, ' \
           '<a class="crossref" href="#lst-q">Listing 1</a> and <a class="crossref" href="#wrn-x">Warning 1</a>.' in html
    ru = body("::: {#thm-a}\nТекст.\n:::\n\nСм. @thm-a.\n", words={**WORDS, "theorem": "Теорема"}, lang="ru")
    assert "Теорема 1." in ru.chapters[0].epub_html
    assert problems("```{#lst-q .sql}\nSELECT 1\n```\n") == ["1: the listing 'lst-q' has no caption"]


def test_images_side_by_side_in_a_figure_div_are_a_row_of_sub_figures(folder):
    """pandoc-crossref's demo writes subfigures side by side as images in one
    paragraph of the figure div: they were printed stacked, uncaptioned, unlettered,
    and the next image was (a)."""
    reading = read("::: {#fig:sbs}\n![A](map.png){#fig:a}![B](map.png)\n\n![C](map.png)\n\nSide by side\n:::\n\n"
                   "See @fig:a.\n", folder=folder)
    assert reading.warnings == ()
    for html in both(reading):
        row = html[html.index('<div class="layout-ncol-2">'):html.index("</div>")]
        assert "(a)</span> A</figcaption>" in row and "(b)</span> B</figcaption>" in row and "(c)" not in row
        assert "(c)</span> C</figcaption>" in html and 'href="#fig-a">Figure 1(a)</a>' in html


def test_sub_figures_are_lettered_and_referred_to_by_number_and_letter(folder):
    text = """::: {#fig-elephants layout-ncol=2}
![Surus](map.png){#fig-surus}

![Hanno](map.png){#fig-hanno}

Famous elephants
:::

See @fig-elephants; in particular, @fig-hanno.
"""
    html = body(text, folder=folder).chapters[0].epub_html
    assert '<span class="figure-label">(a)</span> Surus' in html and '<span class="figure-label">(b)</span> Hanno' in html
    assert '<span class="figure-label">Figure 1.</span> Famous elephants' in html
    assert '<a class="crossref" href="#fig-hanno">Figure 1(b)</a>' in html


def test_notes_are_numbered_as_printed_and_keep_their_lines(folder):
    text = """Before.[^a]

![A map.[^b]](map.png)

| x |
|---|
| cell[^c] |

: Caption[^d]

After.[^e]

[^a]: Note a.
[^b]: Note b.
[^c]: Note c.
[^d]: Note d.
[^e]: Note e.
"""
    read_body = body(text, folder=folder)
    # (the table's caption is printed above its cells; the image's description is the caption's copy)
    assert [(n.number, n.line, n.epub_html.strip()) for n in read_body.notes] == [
        (1, 13, "<p>Note a.</p>"), (2, 14, "<p>Note b.</p>"), (3, 16, "<p>Note d.</p>"),
        (4, 15, "<p>Note c.</p>"), (5, 17, "<p>Note e.</p>")]


def test_a_note_cannot_hold_a_table_a_heading_or_a_figure(folder):
    def note_with(block: str) -> list[str]:
        return problems("Text.[^a]\n\n[^a]: A note:\n\n" + "\n".join("    " + row for row in block.split("\n")),
                        folder=folder)

    assert note_with("| x |\n|---|\n| 1 |") == ["3: a footnote cannot hold a table"]
    assert note_with("## Heading") == ["3: a footnote cannot hold a heading"]
    assert note_with("![A figure](map.png)") == ["3: a footnote cannot hold a figure"]
    assert note_with("::: {.callout-note}\nSee.\n:::") == ["3: a footnote cannot hold a callout"]
    printed = body("Text.[^a]\n\n[^a]: A note.\n\n    * * *\n\n    After the rule.\n").notes[0].print_html
    assert "* * *" in printed and "After the rule." in printed


def test_a_long_body_is_read_with_small_allocation_areas_and_the_rest_with_pandocs_own(monkeypatch, tmp_path):
    """Pandoc's runtime is given LARGE_GC to read a long body (it reads faster so:
    imprint/body/pandoc.py), Pandoc's own sizes for a short one and the front matter."""
    import subprocess

    from imprint.body import pandoc

    commands = []
    real = subprocess.Popen

    def recorded(command, *args, **kwargs):
        commands.append(command)
        return real(command, *args, **kwargs)

    monkeypatch.setattr(pandoc.subprocess, "Popen", recorded)
    sentence = "Words and more words. "
    read("# A heading\n\n" + sentence * (pandoc.LARGE_TEXT // len(sentence) + 1) + "\n", folder=tmp_path)
    read("# A heading\n\n" + sentence * 50 + "\n", folder=tmp_path)
    rendered = render_fields([Field("title", "A *title*", inline=True, line=2)], file="article.md", lang="en",
                             words=WORDS, root=tmp_path, deadline=deadline_in(30))
    assert "<em>title</em>" in rendered["title"]

    def runtime(command):
        return command[command.index("+RTS") + 1:command.index("-RTS")]

    assert [runtime(command) for command in commands] == [[f"-M{pandoc.MEMORY}", *pandoc.LARGE_GC],
                                                          [f"-M{pandoc.MEMORY}"], [f"-M{pandoc.MEMORY}"]]


def test_an_issues_fields_keep_pandocs_answers_in_the_project_not_where_the_build_was_started(tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    project = tmp_path / "project"
    render_fields([Field("title", "An *issue*", inline=True, line=1)], file="source/issues/1.yaml", lang="en",
                  words=WORDS, root=project, deadline=deadline_in(30))
    assert list(elsewhere.iterdir()) == []
    assert any((project / ".imprint-cache" / "pandoc").iterdir())


def test_a_pandoc_plot_figure_is_a_numbered_figure_of_its_code_not_run(folder):
    """pandoc-plot's ```{.matplotlib #fig:x caption="..."} printed an empty code box,
    its caption lost, with no warning; a reference to it was an error with a hint
    for images, and one in its caption had no line."""
    reading = read("Text.\n\n```{.matplotlib #fig:trend file=\"figures/plot.py\" caption=\"The *trend*.\"}\n"
                   "import matplotlib\n```\n\nAs @fig:trend shows.\n", folder=folder)
    assert [(w.line, w.message) for w in reading.warnings] == [
        (3, "the Python cell is not executed: its code is shown instead of its output")]
    for html in both(reading):
        assert 'id="fig-trend"' in html and "Figure 1.</span> The <em>trend</em>." in html
        assert "</span> matplotlib</code>" in html and "figures/plot.py" in html  # (highlighted as Python)
        assert 'As <a class="crossref" href="#fig-trend">Figure 1</a> shows.' in html
    assert problems("```{.matplotlib #fig:a caption=\"After @fig:gone.\"}\nx = 1\n```\n", folder=folder) == [
        "1: nothing has the label 'fig:gone'"]


def test_a_decorative_image_has_an_empty_alt_text_and_no_error(folder):
    """An icon in a sentence, `![](icon.png)`, was refused for its missing alt text,
    though an empty one is right for decoration: `{.decorative}` says so."""
    html = both(read("Click ![](map.png){.decorative} to open.\n", folder=folder))[0]
    assert '<img src="' in html and 'alt="" role="presentation" class="decorative"' in html
    assert problems("Click ![](map.png) to open.\n", folder=folder) == ["1: the image 'map.png' has no alternative text"]


def test_an_alt_text_taken_from_a_caption_has_its_cross_references_as_numbers(folder):
    """The alt text of an image whose caption refers to another figure read
    "like in @fig:one" in both editions (and the tagged PDF's /Alt)."""
    reading = read("![First.](map.png){#fig-one}\n\n![Like @fig-one, with $x^2$.](map.png){#fig-two}\n\n"
                   "![A described one, as @fig-one.](map.png){#fig-three fig-alt=\"Written alt.\"}\n", folder=folder)
    for html in both(reading):
        assert re.findall(r'alt="([^"]*)"', html) == ["First.", "Like Figure 1, with x².", "Written alt."]


def test_bookdown_theorem_environments_are_numbered_statements(folder):
    """bookdown's `::: {.theorem #pyth name="..."}` and an unlabelled
    `::: {.definition}`, referred to as \\@ref(thm:pyth): they printed as plain
    paragraphs, the name lost, the reference an error. A proof's name may refer
    too (`name="Proof of \\@ref(thm:pyth)"`: it made every \\@ref a citation of 'ref')."""
    reading = read("::: {.definition}\nA *measure* is additive.\n:::\n\n"
                   "::: {.theorem #pyth name=\"Pythagorean theorem\"}\nFor a right triangle.\n:::\n\n"
                   "::: {.proof name=\"Proof of Theorem \\@ref(thm:pyth)\"}\nObvious.\n:::\n\n"
                   "See Theorem \\@ref(thm:pyth).\n", folder=folder)
    assert reading.warnings == ()
    for html in both(reading):
        assert '<strong class="statement-title">Definition 1.</strong> A <em>measure</em>' in html
        assert 'id="thm-pyth"' in html and "Theorem 1 (Pythagorean theorem).</strong> For a right" in html
        assert 'Proof (Proof of Theorem <a class="crossref" href="#thm-pyth">1</a>).' in html
        assert 'See Theorem <a class="crossref" href="#thm-pyth">1</a>.' in html
    # elsewhere (no label, no name, no bookdown reference), a class of that name only styles its div
    html = both(read("::: {.example}\nAn example box.\n:::\n", folder=folder))[0]
    assert "statement" not in html and "Example 1" not in html and 'class="example"' in html


def test_russian_refers_to_theorems_in_lower_case_and_letters_sub_figures_in_cyrillic(folder):
    """«по теорема 1» is not Russian either, but «Теорема 1» mid-sentence is worse;
    sub-figures are «а», «б» (ГОСТ 2.105), not (a), (b). Words from styles/locales/ru.yaml."""
    words = Theme(REPO, REPO / "styles").strings("ru")
    text = ("::: {#thm-a}\nУтверждение.\n:::\n\nПо @thm-a, см. @fig-q.\n\n::: {#fig-p layout-ncol=2}\n"
            "![Левая](map.png){#fig-q}\n\n![Правая](map.png){#fig-r}\n\nДве карты\n:::\n")
    html = str(read(text, lang="ru", folder=folder, words=words, quotes="«»„“").body.chapters[0].epub_html)
    html = html.replace("\u00a0", " ")
    assert ">теорема 1</a>" in html and ">рис. 1(а)</a>" in html, html
    assert ">(а)</span>" in html and ">(б)</span>" in html and "(a)" not in html, html
    assert ">Теорема 1.</strong>" in html  # (the statement's own title keeps its capital)


def test_a_width_without_a_unit_is_pixels_as_pandoc_reads_it(folder):
    """Pandoc's manual writes `{width=30}`; Quarto's guide `{width="340"}`: pixels.
    A width that is no size at all is still told."""
    html = str(body('![Map](map.png){width="340"}\n\nText.', folder=folder).chapters[0].epub_html)
    assert 'width:340px' in html.replace(" ", ""), html
    assert problems("![Map](map.png){width=huge}", folder=folder) == ["1: the width 'huge' is not a size"]


def test_an_image_not_found_is_told_with_a_name_close_to_it(folder):
    with pytest.raises(SourceError) as caught:
        read("![Map](Map.png)\n", folder=folder)
    problem, = caught.value.problems
    assert problem.message.startswith("image not found (looked for ") and problem.hint == "did you mean map.png?"


def test_every_unit_pandoc_reads_is_a_size(folder):
    """The JOSS author guide writes {height="9pt"}: Pandoc reads pt, pc, in and inch
    too (its ImageSize.lengthToDim); they were refused, and the paper not built."""
    text = ('![A](map.png){height="9pt"} ![B](map.png){width=2pc} ![C](map.png){width=1.5inch} '
            '![D](map.png){width=.5in}\n\nText.')
    html = str(body(text, folder=folder).chapters[0].print_html).replace(" ", "")
    for size in ("height:9pt", "width:2pc", "width:1.5in;", "width:.5in"):
        assert size in html, html


def test_a_cell_written_with_doubled_braces_is_shown_as_written():
    """Quarto's ```{{python}}: the cell shown as it is written, fences and all,
    never run and never warned of (Pandoc read it as inline code that swallowed
    what followed: the callout and the heading after it printed as code)."""
    text = ("Shown:\n\n```{{python}}\n#| echo: true\nprint(1)\n```\n\n::: {.callout-note}\nAfter it.\n:::\n\n"
            "# Next\n\nMore.")
    reading = read(text)
    html = "".join(str(c.epub_html) for c in reading.body.chapters)
    assert "<code>```{python}\n#| echo: true\nprint(1)\n```</code>" in html, html
    assert 'class="callout callout-note"' in html and ">Next</h1>" in html, html
    assert reading.warnings == ()


def test_raw_tex_in_a_sentence_is_told_at_its_own_line_before_a_raw_block():
    """PLOS's template: `CO\\textsubscript{2}` in a list item, a ```{=tex} block
    later. The sentence's command took the block's `{=tex}` line, and its
    warning, equal to the block's, was told once: the loss unsaid."""
    reading = read("* Burning gives CO\\textsubscript{2}\\vspace{1em} instead.\n\n```{=tex}\n\\vspace{1em}\n```\n\nEnd.")
    assert [(w.line, w.message.split(":")[0]) for w in reading.warnings] == [
        (1, "raw tex is left out (\\vspace{1em})"), (3, "raw tex is left out (\\vspace{1em})")]
    assert "CO<sub>2</sub>" in both(reading)[0]  # (what reads as text is text: rawtex.lua)


def test_a_raw_tex_block_is_told_where_it_stands_as_a_block():
    """A thesis made of chapters: a block was told at an earlier block's second line
    that began the same way, and a block written earlier as a line of a paragraph
    took that line, its warning, equal to the sentence's, told once: unsaid."""
    reading = read("\\noindent\n\\pagenumbering{gobble}\nText.\n\n\\pagenumbering{roman}\n\\setcounter{page}{1}\n\n"
                   "More.\n\n\\setcounter{page}{1}\n\\pagenumbering{arabic}\n\nAnd.\n\n\\pagenumbering{gobble}\n\nEnd.\n")
    told = [(w.line, w.message.split(":")[0]) for w in reading.warnings]
    assert (10, "raw tex is left out (\\setcounter{page}{1} \\pagenumbering{a...)") in told, told
    assert (2, "raw tex is left out (\\pagenumbering{gobble})") in told
    assert (15, "raw tex is left out (\\pagenumbering{gobble})") in told


def test_latex_commands_left_out_say_what_imprint_does_instead():
    """\\listoffigures was told with "write it in Markdown", which no one can."""
    reading = read("\\tableofcontents\n\n\\listoffigures\n\n\\vspace{1em}\n\\noindent\n\nText.\n")
    assert sorted(set(w.hint for w in reading.warnings)) == [
        "no list of figures is made: delete it", "the EPUB has its own contents and the PDF its outline: delete it",
        "the spacing and the pages' numbers are the stylesheet's (styles/css/print.css): delete it"]


def test_a_nameref_prints_the_title_of_its_section():
    """Quarto's PLOS template: `[s1-video]{.nameref}` printed the bare id."""
    with pytest.raises(SourceError) as caught:
        read("See [nowhere]{.nameref}.\n")
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (1, "nothing has the id 'nowhere' that the nameref names")]
    reading = read("See [s1-video]{.nameref}.\n\n## S1 Video {#s1-video}\n\nA video.\n")
    assert reading.warnings == ()
    for html in both(reading):
        assert 'See <a class="crossref" href="#s1-video">S1 Video</a>.' in html


def test_acs_acknowledgement_and_suppinfo_divs_are_headed():
    """quarto-journals' ACS template: ::: {.acknowledgement} and ::: {.suppinfo}
    printed as plain paragraphs, without the headings its class gives them."""
    words = {**WORDS, "acknowledgements": "Acknowledgements", "supplementary_material": "Supplementary material"}
    reading = read("# Intro\n\nText.\n\n::: {.acknowledgement}\nWe thank.\n:::\n\n::: {.suppinfo}\n"
                   "Data online.\n:::\n\n::: {.acknowledgements}\n## Our thanks\n\nTo all.\n:::\n", words=words)
    epub = both(reading)[0]
    assert reading.warnings == ()
    assert '<div class="acknowledgement">\n<h1 id="section" class="unnumbered">Acknowledgements</h1>' in epub, epub
    assert ">Supplementary material</h1>\n<p>Data online.</p>" in epub and ">Our thanks</h" in epub
    assert epub.count("Acknowledgements") == 1  # (a div with a heading of its own keeps it)


def test_the_extensions_an_article_switches_on_are_read():
    """`from: markdown+emoji` (source/metadata.py checks it): Pandoc's reader is told."""
    assert "😄" in str(body("Text :smile:.", extensions=("+emoji",)).chapters[0].epub)
    assert ":smile:" in str(body("Text :smile:.").chapters[0].epub)


def test_a_note_in_a_note_is_told_at_the_inner_call():
    assert problems("Para one.\n\nText^[outer note ^[inner note] end] here.\n") == [
        "3: a footnote cannot call another footnote"]
    assert problems("Para one.\n\nText[^1] here.\n\n[^1]: Outer ^[inner] end.\n") == [
        "5: a footnote cannot call another footnote"]


def test_quarto_cells_hidden_as_their_options_ask():
    """include: false shows nothing of a cell (its code may hold what is not for
    print); echo: false hides the code, and a sentence says the output is missing;
    eval: false shows the code without a warning, as Quarto does; Mermaid's %%|
    options are read like #| (a label makes it a figure that @fig-flow reaches)."""
    reading = read('Text.\n\n```{r}\n#| include: false\nAPI_KEY <- "do-not-print"\n```\n\n'
                   '```{python}\n#| label: fig-hidden\n#| echo: false\n#| fig-cap: "Hidden *code*"\nsecret = 1\n```\n\n'
                   "```{python}\n#| eval: false\nshown = 2\n```\n\n"
                   '```{mermaid}\n%%| label: fig-flow\n%%| fig-cap: "A flowchart"\nflowchart LR\n  A --> B\n```\n\n'
                   "See @fig-flow and @fig-hidden.\n", words={**WORDS, "cell_missing": "Missing: {language}"})
    for html in both(reading):
        assert "API_KEY" not in html and "do-not-print" not in html and "secret" not in html
        assert '<p class="cell-missing"><em>Missing: Python</em></p><figcaption>' in html
        assert "Figure 1.</span> Hidden <em>code</em>" in html and "Figure 2.</span> A flowchart" in html
        assert ">shown</" in html or "shown <span" in html
        assert "%%|" not in html and "#|" not in html
        assert '<a class="crossref" href="#fig-flow">Figure 2</a>' in html
    assert [(w.line, w.message.split(":")[0]) for w in reading.warnings] == [
        (8, "the Python cell is not executed, and its code is hidden (echo"), (20, "the Mermaid cell is not executed")]


def test_r_markdown_chunks_read_their_options_from_the_fence_and_opts_chunk():
    """knitr's options on a chunk's fence, and knitr::opts_chunk$set() for the
    chunks after it: include=FALSE hides a chunk, echo=FALSE its code; a chunk
    with fig.cap is a figure, reached by bookdown's \\@ref(fig:map) and @fig-map;
    an option that is R code is left out with a warning (never printed)."""
    reading = read('Text.\n\n```{r setup, include=FALSE}\nknitr::opts_chunk$set(echo = FALSE, message = FALSE)\n'
                   'API_KEY <- "do-not-print"\n```\n\n'
                   'See Figure \\@ref(fig:map) and @fig-map.\n\n'
                   '```{r map, fig.cap="A map, \\"quoted\\".", fig.width=6}\nplot(sites)\n```\n\n'
                   "```{r, echo=TRUE}\nsummary(model)\n```\n\n"
                   '```{r other, fig.cap=paste("N =", n)}\nhist(x)\n```\n\n```{r child = "appendix.Rmd"}\n```\n',
                   words={**WORDS, "cell_missing": "Missing: {language}"})
    for html in both(reading):
        assert "API_KEY" not in html and "plot(sites)" not in html and "hist(x)" not in html
        assert 'Figure 1.</span> A map, “quoted”.</figcaption>' in html
        assert 'href="#fig-map">1</a> and <a class="crossref" href="#fig-map">Figure 1</a>' in html
        assert "summary</span>(model)" in html and "paste" not in html and "fig.cap" not in html
        assert "<em>Missing: R</em>" in html
    assert [(w.line, w.message.split(":")[0]) for w in reading.warnings] == [
        (10, "the R cell is not executed, and its code is hidden (echo"), (14, "the R cell is not executed"),
        (18, 'the chunk option fig.cap=paste("N =", n) is R code, which is not run'),
        (18, "the R cell is not executed, and its code is hidden (echo"), (22, "the child document appendix.Rmd is not read")]


def test_a_hidden_python_cell_that_only_loads_and_assigns_shows_nothing_as_r_s():
    """A Python setup cell with `echo: false` printed "Not included in this edition"
    where the same R chunk printed nothing (rmnldwg's bilateral paper, twice)."""
    reading = read("```{python}\n#| echo: false\nimport numpy as np\nfrom a import (\n    b,\n)\nwidth: int = 17\n"
                   "def f(x):\n    return x\n```\n\n```{python}\n#| echo: false\nwidth = 17\ndf.head()\n```\n",
                   words={**WORDS, "cell_missing": "Missing: {language}"})
    for html in both(reading):
        assert html.count("<em>Missing: Python</em>") == 1 and "numpy" not in html
    assert [w.line for w in reading.warnings] == [12]
    # (a review's finding: a cell that draws a figure, or shows a value after `;`, shows something)
    for code in ("fig, ax = plt.subplots()\n_ = ax.plot(x, y)", "ax = df.plot(kind='bar')", "x = 1; x",
                 "else: print(x, sep='')"):
        reading = read(f"```{{python}}\n#| echo: false\n{code}\n```\n", words={**WORDS, "cell_missing": "Missing"})
        assert "<em>Missing</em>" in both(reading)[0], code


def test_a_chunk_s_options_may_hold_braces_labels_and_yaml_blocks():
    """`fig.cap="... $x_{i}$ \\\\label{g}"` on the fence (a brace ended the fence's
    options: the chunk was read as text, everything after it as code, in silence);
    LaTeX's \\label in the caption labels the figure; knitr's `#| fig.cap: |` is a
    YAML block, as in Quarto."""
    reading = read('See \\ref{g} and \\ref{fig:m}.\n\n```{r g, echo=FALSE, fig.cap="Mean of $x_{i}$ \\\\label{g}"}\n'
                   "plot(1)\n\nplot(2)\n```\n\nAfter *this*.\n\n```{r m}\n#| fig.cap: |\n#|   The *map*.\n"
                   "#|   Second line.\nplot(3)\n```\n", words={**WORDS, "cell_missing": "Missing: {language}"})
    for html in both(reading):
        assert 'See <a class="crossref" href="#fig-g">1</a> and <a class="crossref" href="#fig-m">2</a>.' in html
        assert "Figure 1.</span> Mean of" in html and "Figure 2.</span> The <em>map</em>. Second line." in html
        assert "After <em>this</em>." in html and "imprint-knitr" not in html and "{r" not in html
        assert "\\label" not in html and "fig.cap" not in html


def test_a_references_heading_with_a_comment_over_the_refs_div_is_the_list_s(folder):
    """Manubot's ending: `## References`, `<!-- Explicitly insert bibliography here -->`,
    `<div id="refs"></div>` (the author's heading was printed over nothing, and the
    list under a heading of its own)."""
    (folder / "refs.json").write_text('[{"id": "doe", "type": "book", "title": "T", "author": [{"family": "Doe"}], '
                                      '"issued": {"date-parts": [[2020]]}}]')
    for ending in ('<!-- Explicitly insert bibliography here -->\n<div id="refs"></div>\n',
                   '<!-- here --><div id="refs"></div>\n'):
        reading = read("# Text\n\nAs @doe says.\n\n## References {.page_break_before}\n\n" + ending,
                       folder=folder, bibliography=(folder / "refs.json",),
                       style=REPO / "styles" / "csl" / "utmn-humanitates.csl")
        assert [c.heading.text if c.heading else None for c in reading.body.chapters] == ["Text"], ending
        assert reading.warnings == () and reading.body.references_heading.text == "References"


def test_a_references_heading_with_its_own_id_and_raw_tex_under_it_is_the_list_s(folder):
    """`# References {#references .unnumbered}` (rticles' PLOS and PNAS) and papaja's
    ending, raw TeX between the heading and `<div id="refs">`: one heading over
    the list (the id was refused; the heading printed twice)."""
    (folder / "refs.json").write_text('[{"id": "doe", "type": "book", "title": "T", "author": [{"family": "Doe"}], '
                                      '"issued": {"date-parts": [[2020]]}}]')
    reading = read("As @doe says, [the list](#references), [the manual](ftp://ftp.example.org/apa6.pdf).\n\n# References {#references .unnumbered}\n\n"
                   "\\begingroup\n\\setlength{\\parindent}{-0.5in}\n\n<div id=\"refs\" custom-style=\"Bibliography\"></div>"
                   "\n\\endgroup\n", folder=folder, bibliography=(folder / "refs.json",),
                   style=REPO / "styles" / "csl" / "utmn-humanitates.csl")
    assert [c.heading.text if c.heading else None for c in reading.body.chapters] == [None]
    assert [w.message.split(":")[0] for w in reading.warnings] == [
        "raw tex is left out (\\begingroup \\setlength{\\parindent}{-0...)", "raw tex is left out (\\endgroup)"]
    html = both(reading)[0]
    assert 'href="#references"' in html and 'id="references"' not in html  # (the list's section has it)
    assert 'href="ftp://ftp.example.org/apa6.pdf"' in html


def test_a_chunk_that_includes_graphics_is_its_figure(folder):
    """`knitr::include_graphics("map.png")` (R Markdown's way to place an image
    file): the figure knitr makes, without running R (it was "not included")."""
    reading = read('See \\@ref(fig:map) and \\@ref(fig:fig-two).\n\n```{r map, echo=FALSE, fig.cap="A *map*.", '
                   'out.width="0.5\\\\textwidth"}\nknitr::include_graphics("map.png", dpi = 108)\n```\n\n'
                   '```{r fig-two, fig.cap="Two."}\n# two of them\ninclude_graphics(c("map.png", "map.png"))\n```\n',
                   folder=folder)
    assert reading.warnings == ()
    for html in both(reading):
        assert 'href="#fig-map">1</a> and <a class="crossref" href="#fig-two">2</a>' in html
        assert "Figure 1.</span> A <em>map</em>." in html and "Figure 2.</span> Two." in html
        assert html.count("map.png") == 3 and "include_graphics" not in html
    assert 'class="width-50"' in both(reading)[1]


def test_a_table_that_an_unrun_chunk_makes_keeps_its_number_and_caption():
    """`\\@ref(tab:x)`, `\\ref{tab:x}` and `@tbl-x` to the table a kable() chunk makes
    (named so, or by kable's `label`): each reference was an error; now the chunk
    is that table, numbered, with kable's literal caption (or knitr's `tab.cap`),
    read as Markdown, and the sentence that R's output is missing."""
    reading = read('See Tables \\@ref(tab:cars), \\ref{tab:other} and @tbl-third.\n\n'
                   '```{r cars, echo=FALSE}\nknitr::kable(head(cars),\n  caption = "The *first*\n  cars")\n```\n\n'
                   "```{r, echo=FALSE}\nkbl(x, caption = 'Others', label = \"other\")\n```\n\n"
                   '```{r third, echo=FALSE, tab.cap="Third"}\nknitr::kable(z)\n```\n\n'
                   '```{r unreferred, echo=FALSE}\nknitr::kable(w, caption = "Not numbered")\n```\n\n'
                   'And \\@ref(tab:escaped).\n\n```{r escaped, echo=FALSE}\n'
                   'kable(v, caption = "Means\\nby \\u00e9t\\u00e9")\n```\n')
    assert [w.line for w in reading.warnings] == [3, 9, 13, 17, 23]  # (R's escapes read: \\n, \\u00e9)
    assert "Table 4.</span> Means by été" in both(reading)[0]
    for html in both(reading):
        assert 'href="#tbl-cars">1</a>' in html and 'href="#tbl-other">2</a>' in html and 'href="#tbl-third">Table 3</a>' in html
        assert "Table 1.</span> The <em>first</em> cars" in html and "Table 3.</span> Third" in html
        assert "Not numbered" not in html and html.count("Not included in this edition") == 5


def test_a_hidden_chunk_that_only_loads_and_assigns_shows_nothing():
    """knitr shows nothing of an echo=FALSE chunk that loads packages and assigns
    (R Markdown papers open with several): no "not included" sentence for it; one
    that may print (a plot, a value) keeps it."""
    reading = read("```{r setup, echo=FALSE}\nlibrary(dplyr)\ndat <- read.csv(\"a.csv\") %>%\n  filter(x > 1)\n"
                   "set.seed(1)\n```\n\nText.\n\n```{r, echo=FALSE}\nsummary(dat)\n```\n",
                   words={**WORDS, "cell_missing": "Missing: {language}"})
    html = both(reading)[0]
    assert html.count("Missing: R") == 1 and "dplyr" not in html
    assert [w.line for w in reading.warnings] == [10]


def test_chunk_options_as_knitr_reads_them():
    """An escaped quote in an option, a commented-out opts_chunk$set(), a forged
    imprint-knitr attribute (no crash), eval=FALSE with echo=FALSE (nothing, as
    knitr shows)."""
    reading = read("```{r a, fig.cap='The model\\'s fit.', echo=FALSE}\nplot(1)\n```\n\n"
                   "```{r setup}\n# knitr::opts_chunk$set(echo = FALSE)\nx <- 1\n```\n\n"
                   "```{r b}\nhidden <- 1\n```\n\n"
                   '```{.r .imprint-cell imprint-knitr="junk"}\ny\n```\n\n'
                   "```{r c, eval=FALSE, echo=FALSE}\nnothing <- 1\n```\n\nSee \\@ref(fig:a).\n")
    html = both(reading)[0]
    assert "Figure 1.</span> The model’s fit." in html and 'href="#fig-a">1</a>' in html
    assert "hidden" in html and "nothing" not in html
    assert [w.line for w in reading.warnings] == [1, 5, 10, None]  # (the forged cell: no line of its own)


def test_bookdown_text_references_stand_for_their_paragraphs(folder):
    """`(ref:cap) text` (bookdown): the paragraph is taken out and `(ref:cap)`, in a
    chunk's fig.cap or an image's caption, is its text, read as Markdown; lines
    keep their numbers; one never defined is told (it would print as written)."""
    reading = read('(ref:cap) A *map* of "the sites".\n\n```{r map, fig.cap="(ref:cap)"}\nplot(x)\n```\n\n'
                   "(ref:img) An image.\n\n![(ref:img)](map.png){#fig-img}\n\n"
                   "See \\@ref(fig:map), @fig-img and (ref:none).\n", folder=folder)
    for html in both(reading):
        assert "(ref:cap)" not in html and "(ref:img)" not in html
        assert "Figure 1.</span> A <em>map</em> of" in html and "Figure 2.</span> An image." in html
        assert 'href="#fig-map">1</a>' in html
    assert [(w.line, w.message.split(":")[0]) for w in reading.warnings] == [
        (11, "the text reference (ref"), (3, "the R cell is not executed")]


def test_a_text_reference_may_hold_another(folder):
    reading = read("(ref:who) the *sites* of (ref:where)\n\n(ref:where) Tyumen\n\n"
                   "![A map of (ref:who).](map.png){#fig-m}\n", folder=folder)
    assert reading.warnings == ()
    assert "the <em>sites</em> of Tyumen" in both(reading)[0]


def test_inline_r_code_in_a_formula_is_taken_out_of_it():
    """`$d = `r x$d`$` (knitr writes the value there): R's `$` ended the formula
    early and garbled the sentence; the formula is read around the code."""
    reading = read("An effect of $d = `r printnum(x$d)`$, $t(`r df`) = `r t`$ and $`r p`$ here.\n")
    html = both(reading)[0]
    assert [w.message.split(":")[0] for w in reading.warnings] == ["inline r code is not executed"] * 4
    assert html.count("<math") == 3 and 'alttext="d ="' in html and 'alttext=") ="' in html
    assert "<code>printnum(x$d)</code>" in html and "<code>p</code> here" in html


def test_an_html_label_of_a_converted_latex_caption_is_its_label(folder):
    """Pandoc writes LaTeX's `\\label{x}` in a caption as `<span data-label="x"></span>`
    (rticles' PNAS template): printed as HTML text, with a warning, the figure unlabelled."""
    reading = read('![A frog.<span data-label="fig:frog"></span>](map.png)\n\nSee Figure \\ref{fig:frog}.\n',
                   folder=folder)
    assert reading.warnings == ()
    for html in both(reading):
        assert "data-label" not in html and "&lt;span" not in html and 'href="#fig-frog">1</a>' in html


def test_a_bracket_of_works_and_cross_references_prints_both_in_the_citation(folder):
    """[@fig-map; @doe] was an error (Quarto drops the work, pandoc-crossref prints
    "fig. 1, (Doe 2020)"): the cross-references go in the citation's parentheses,
    before the work that follows them, or after the last; without a bibliography
    the work is told as any citation is."""
    (folder / "refs.json").write_text('[{"id": "doe", "type": "book", "title": "T", "author": [{"family": "Doe"}], '
                                      '"issued": {"date-parts": [[2020]]}}]')
    text = ("![A map.](map.png){#fig-map}\n\n![A plan.](map.png){#fig-plan}\n\n"
            "As drawn [@fig-map; @doe], [@doe, p. 5; @fig-map; @Fig-plan] and [@fig-plan, left; see @doe].\n")
    reading = read(text, folder=folder, bibliography=(folder / "refs.json",),
                   style=REPO / "styles" / "csl" / "utmn-humanitates.csl")
    assert reading.warnings == ()
    fig, plan, doe = ('<a class="crossref" href="#fig-map">Figure 1</a>', '<a class="crossref" href="#fig-plan">',
                      '<a class="citation" href="#ref-doe">Doe 2020')
    for html in both(reading):
        text = re.sub(r"\s+", " ", html)
        assert f"({fig}; {doe}</a>)" in text and f"({doe}, 5</a>; {fig}; {plan}Figure 2</a>)" in text
        assert f"({plan}Figure 2</a>, left; see {doe}</a>)" in text, text
    assert problems("See [@fig-map; @doe].\n\n![A map.](map.png){#fig-map}\n", folder=folder) == [
        "1: the citation @doe has no bibliography to come from"]


def test_a_cross_reference_after_its_kind_s_word_prints_its_number(folder):
    """`Figure @fig:workflow` (pandoc-fignos' way, in Manubot's papers) printed
    "Figure Figure 1"; «в разделе @sec-sources» «в разделе разд. 2»: after its own
    kind's word, or its abbreviation, a reference prints its number only."""
    reading = read("# Sources {#sec-sources}\n\n![A map.](map.png){#fig:workflow}\n\n"
                   "Shown (Figure @fig:workflow), in Fig. @fig:workflow, see @fig:workflow, Table @fig:workflow; "
                   "Section @sec-sources.\n", folder=folder, number_sections=True)
    for html in both(reading):
        text = re.sub(r"<[^>]+>", "", html)
        assert "Shown (Figure 1), in Fig. 1, see Figure 1, Table Figure 1; Section 1." in text, text
    ru = read("# Источники {#sec-sources}\n\nСм. в разделе @sec-sources и на Рис. @fig-map.\n\n"
              "![Карта.](map.png){#fig-map}\n\n$$x = 1$$ {#eq-x}\n\nВ формуле @eq-x.\n", folder=folder, lang="ru", quotes=RU, words=Theme(REPO, REPO / "styles").strings("ru"),
              number_sections=True)
    assert "См. в\u00a0разделе 1 и\u00a0на Рис. 1." in re.sub(r"<[^>]+>", "", both(ru)[0])
    assert "В\u00a0формуле (1)." in re.sub(r"<[^>]+>", "", both(ru)[0])


def test_markdown_in_an_html_paragraph_is_told_with_the_citations_it_loses(folder):
    """Manubot's `<p id="vid:usage">` holding Markdown and a citation: printed as
    text (raw HTML is), with a warning that named the tag only; the work was
    missing from the reference list, unsaid."""
    (folder / "refs.json").write_text('[{"id": "doe", "type": "book", "title": "T", "author": [{"family": "Doe"}], '
                                      '"issued": {"date-parts": [[2020]]}}]')
    reading = read('See below.\n\n<p id="vid">\n**A video.** In it [@doe], a [link](https://example.org).\n</p>\n',
                   folder=folder, bibliography=(folder / "refs.json",),
                   style=REPO / "styles" / "csl" / "utmn-humanitates.csl")
    assert [(w.line, w.message, w.hint.split(":")[0]) for w in reading.warnings] == [
        (3, 'raw HTML is printed as text, not passed through: <p id="vid"> (and the Markdown within it, as '
            'written: @doe cites nothing)', "write it as a fenced div")]


def test_a_link_to_no_web_address_is_told_where_its_target_is_written():
    """Pandoc's test suite: a target that begins another (`/url` and `](/url/`, `b`
    and `](bar baz`) was told at the other's line."""
    assert problems("Just a [URL](/url/).\n\nAnother [foo](bar baz \"title\").\n\nIndented [once][].\n\n"
                    "[once]: /url\n\n[\\*x](b)\n") == [
        "1: the link to '/url/' is not a web address", "3: the link to 'bar baz' is not a web address",
        "7: the link to '/url' is not a web address", "9: the link to 'b' is not a web address"]


def test_a_link_without_an_address_is_told_so_with_where_to_write_it():
    """`[foo2]:` with nothing after it (Pandoc links `[foo2]` to '') was told "the
    link to '' is not a web address" (QA 27); so was `[text]()`."""
    with pytest.raises(SourceError) as caught:
        read("See [foo2] here.\n\nAnd [t]().\n\n[foo2]:\n")
    assert sorted((p.line, p.message, p.hint) for p in caught.value.problems) == [(1, "the link [foo2] has no address", "write its address after '[foo2]:' on line 5"),
                     (3, "the link [t] has no address", "write its address in the parentheses: [t](https://...)")]


def test_a_link_without_an_address_is_told_at_the_line_that_uses_it():
    """`[text](<>)` was not found as a link with no address, and took the next
    one's line (`[sp]( )` told at line 10, where it is on 8); `[foo2]`, whose
    definition comes first, was told at the definition (QA 27 review, finding 6).
    Each at its use, the definition's line in the hint."""
    with pytest.raises(SourceError) as caught:
        read("Text.\n\n[foo2]:\n\nPara with [foo2] link and [empty]() link.\n\nAnother [Foo2] use, and [text](<>) "
             "here,\nand [sp]( ) too.\n\nA [*emph* text]() link.\n")
    assert [(p.line, p.message, p.hint) for p in caught.value.problems] == [
        (5, "the link [foo2] has no address", "write its address after '[foo2]:' on line 3"),
        (5, "the link [empty] has no address", "write its address in the parentheses: [empty](https://...)"),
        (7, "the link [Foo2] has no address", "write its address after '[Foo2]:' on line 3"),
        (7, "the link [text] has no address", "write its address in the parentheses: [text](https://...)"),
        (8, "the link [sp] has no address", "write its address in the parentheses: [sp](https://...)"),
        (10, "the link [emph text] has no address",
         "write its address in the parentheses: [emph text](https://...)")]


def test_an_image_from_a_reference_definition_or_a_wiki_link_is_told_at_its_line(folder):
    """Pandoc's tests 4012 and 8853: `![image]` with `[image]: http://...` and
    `![[hi]]` (wikilinks) were told with no line."""
    assert problems("Text.\n\n![image]\n\n[image]: http://example.com/image.jpg {height=35mm}\n", folder=folder) == [
        "5: the image 'http://example.com/image.jpg' is not a file of the project; download it into the "
        "article's folder"]
    assert problems("Text.\n\n![[hi]]\n", folder=folder, extensions=("+wikilinks_title_after_pipe",)) == [
        "3: 'hi' is not a PNG, JPEG, SVG or PDF file; convert it to one of these"]


def test_latex_spacing_in_a_sentence_is_a_space():
    """Pandoc's test hspace.md: `hi\\hspace{1em}there` printed "hithere" (the raw TeX
    left out, with a warning, and the two words glued into one)."""
    reading = read("hi\\hspace{1em}there, a\\quad b, 5\\thinspace km and c\\hspace*{2mm} d.\n")
    assert reading.warnings == ()
    for html in both(reading):  # (spaces collapse, as HTML's do)
        assert "hi there, a b, 5\u202fkm and c d." in re.sub(" +", " ", html)


def test_the_text_a_tex_macro_expands_to_is_printed():
    """Pandoc's test 11253: `\\ifstrequal{hello}{hello}{TRUE}{FALSE}` expands to raw
    TeX that is only text, "TRUE": it was left out with a warning."""
    reading = read("\\ifstrequal{hello}{hello}{TRUE}{FALSE}\n\\ifstrequal{hello}{world}{TRUE}{FALSE}\n")
    assert reading.warnings == () and "<p>TRUE FALSE</p>" in both(reading)[0]


def test_a_raw_html_block_is_told_at_its_own_line_not_at_its_tag_in_code():
    """Quarto's tables page: the warning for a ```{=html} block named the first
    line where its tag was written, in inline code or an example code block; an
    empty block (a shortcode was all of it) was told with no line and no text."""
    reading = read("Put in the `<table>` element.\n\n```markdown\n<table>\n```\n\n```{=html}\n<table>\n"
                   "  <tr><td>Cell</td></tr>\n</table>\n```\n\n```{=html}\n```\n\nText.\n")
    assert [(w.line, w.message) for w in reading.warnings] == [
        (8, "raw HTML is printed as text, not passed through: <table>")]


def test_quarto_s_table_column_widths_size_the_printed_columns():
    """`: Caption {tbl-colwidths="[75,25]"}` (Quarto's tables page) was ignored, unsaid;
    `false` drops the dashes' proportions; a list that does not fit is told."""
    table = "| fruit | price |\n|-------|-------|\n| apple | 2.05  |\n\n: Fruit prices {tbl-colwidths=%s}\n"
    epub, printed = both(read(table % '"[75,25]"'))
    assert '<colgroup><col style="width: 75.0%"/><col style="width: 25.0%"/></colgroup>' in printed
    assert "<colgroup>" not in epub  # (a reflowable book sizes its columns to the screen)
    wide = ("| fruit | price |\n|" + "-" * 60 + "|" + "-" * 20 + "|\n| apple, the fruit that keeps doctors away, "
            "as they say | 2.05 |\n\n: Prices%s\n")  # (a line past 72 characters: Pandoc gives the dashes' widths)
    assert "<colgroup>" in both(read(wide % ""))[1] and "<colgroup>" not in both(read(wide % " {tbl-colwidths=false}"))[1]
    reading = read("Text.\n\n" + table % '"[75]"')
    assert [(w.line, w.message.split(":")[0]) for w in reading.warnings] == [
        (7, 'tbl-colwidths="[75]" is left out')]


def test_inline_r_code_over_lines_is_told_at_its_line():
    """bookdown-demo's last lines: inline R code over three lines was told with no line."""
    reading = read("A book.\n\n`r if (knitr:::is_html_output()) '\n# References {-}\n'`\n")
    assert [(w.line, w.message.split(":")[0]) for w in reading.warnings] == [(3, "inline r code is not executed")]


def test_an_html_label_is_read_in_a_text_with_no_tex(folder):
    """The label's filter is given apart from rawtex.lua: a text with the label
    and no TeX command gets it too."""
    reading = read('![A frog.<span data-label="fig:frog"></span>](map.png)\n\nSee @fig:frog.\n', folder=folder)
    assert reading.warnings == ()
    for html in both(reading):
        assert "data-label" not in html and 'href="#fig-frog">' in html


def test_the_lua_filters_are_given_only_to_texts_that_need_them():
    """Each filter costs Pandoc time on the whole text (a filter of every list of
    inlines doubled the reading of 250 formulas): TeX in formulas needs neither."""
    def filters(*texts: str) -> list[str]:
        files: dict[str, bytes] = {}
        found = reader._tex_filters(list(texts), files)
        assert sorted(files) == sorted(a.removeprefix("--lua-filter=") for a in found)
        return found

    assert filters("$\\frac{a}{b}$ and $$\\begin{aligned} x &= \\sqrt{2} \\end{aligned}$$ cost \\$5.") == []
    assert filters("$x$ in \\textit{TESS}") == ["--lua-filter=rawtex.lua"]
    assert filters("no formula", "a field with \\cite{a}") == ["--lua-filter=rawtex.lua"]
    assert filters("\\begin{equation} x \\end{equation}") == ["--lua-filter=rawtex.lua"]
    assert filters('A frog.<span data-label="fig:frog"></span>') == ["--lua-filter=labels.lua"]


def test_a_preamble_that_is_not_only_macros_is_told_at_once():
    """A preamble of macro definitions with something more (here a comment): the
    check that it holds only macros took minutes (a regular expression's nested
    repeats: 12 definitions 6 s, each more doubling it): the build was stopped."""
    reading = read("".join(f"\\newcommand{{\\m{chr(97 + n)}}}[2]{{x}}   " for n in range(24)) + "\\hspace{1em}\n\nText.\n")
    assert [w.message.split(" (")[0] for w in reading.warnings] == ["raw tex is left out"]


def test_long_lines_of_odd_text_are_read_in_linear_time():
    """Patterns that backtracked over a long line (found by an audit, each timed at
    growing sizes): a code line before a Quarto annotation list (cubic: 1.6 kB 2.7 s),
    `$` that never closes beside inline R code, an unclosed `@{`, a run of `{`
    before `#`, many `{{<`; each here is long enough to take hours as it was."""
    long_code = "```r\nx" + " " * 8000 + "# <1>" + " " * 8000 + "y\n```\n\n1. One\n\n"
    dollars = "`r 1` " + "$5 and " * 3000 + "\n\n"
    reading = read(long_code + dollars + "{" * 30000 + "#\n")
    assert "One" in both(reading)[0]
    # (Pandoc itself takes minutes over these: the patterns alone)
    assert reader._KEY.findall("@{" * 50000) == [] and locate._CITATION.findall("@{" * 50000) == []
    assert SHORTCODE.findall("{{<" * 50000) == []
    from imprint.theme.typography import nowrap, url_parts  # (each quadratic: an address of 20,000 full
    # stops took 3 s, a word of 20,000 letters before a number range 5 s)
    assert url_parts("http://" + "." * 200_000 + "x")[0][1] and len(url_parts("http://a" + "(" * 100_000 + ")" * 100_000)) == 1
    assert nowrap("a" * 200_000 + " 1\u2013\u20602").endswith('<span class="nowrap">1\u20132</span>')


def test_the_lists_of_the_multiple_bibliographies_filter_are_said_to_stay_empty():
    reading = read("# Sources\n\n::: {#refs_sources}\n:::\n\n# Literature\n\n::: {#refs-main}\n:::\n")
    assert [(w.line, w.message.split(":")[0]) for w in reading.warnings] == [
        (3, "the div #refs_sources stays empty"), (8, "the div #refs-main stays empty")]


def test_what_a_layout_environment_holds_is_read_only_when_it_is_text():
    """(a review's findings) `\\today` in flushright printed the day of the build;
    `\\the\\year`, an unknown command and `\\ref` were dropped with their words;
    `\\introduction{Intro}` made a heading without text; a display formula with R in
    it was split; a text reference holding itself grew exponentially."""
    reading = read("\\begin{flushright}\n\\today\n\\end{flushright}\n\n\\begin{center}\nMoskva, \\the\\year\n"
                   "\\end{center}\n\n\\introduction{Intro}\n\nText $$y = `r b`$$ and from $5 to `r r` (i.e. $x$).\n\n"
                   "(ref:a) (ref:a) (ref:a)\n\n" + "".join(f"(ref:b{n}) x\n\n" for n in range(30)) + "See (ref:b1).\n")
    html = both(reading)[0]
    assert [w.message.split(" (")[0] for w in reading.warnings if "raw tex" in w.message] == ["raw tex is left out"] * 3
    assert "Moskva" not in html and "<h" not in html and "$5 to" in html and 'alttext="x"' in html
    assert "See x." in html


def test_latex_blocks_of_journal_classes_are_read():
    """Copernicus' \\introduction[...] and \\conclusions headings, an equation in MDPI's
    adjustwidth, a centred paragraph, \\newline, and \\newpage as a page break."""
    reading = read("\\introduction[Introduction and \\textit{aims}]\n\nOne.\\newline Two.\n\n"
                   "\\begin{adjustwidth}{-\\extralength}{0cm}\n\\begin{equation}\na = b\n\\end{equation}\n"
                   "\\end{adjustwidth}\n\n\\newpage\n\n\\begin{center}\nCentred \\textit{text}.\n\\end{center}\n\n"
                   "\\conclusions\n\nEnd.\n")
    assert reading.warnings == ()
    epub = "".join(str(c.epub) for c in reading.body.chapters)
    printed = "".join(str(c.print) for c in reading.body.chapters)
    for html in (epub, printed):
        assert ">Introduction and <em>aims</em></h" in html and ">Conclusions</h" in html
        assert "One.<br" in html and 'alttext="a = b"' in html and "Centred <em>text</em>." in html
    assert '<div class="pagebreak"></div>' in printed


def test_a_quarto_table_div_takes_tbl_cap_and_a_table_in_inner_divs():
    """`::: {#tbl-x tbl-cap="..."}`, and a table inside Quarto's `.cell-output-display`
    (a rendered .md writes them so): numbered, captioned, reached by @tbl-x."""
    reading = read("::: {#tbl-cars .cell tbl-cap='Cars'}\n::: {.cell-output-display}\n| speed| dist|\n"
                   "|-----:|----:|\n|     4|    2|\n:::\n:::\n\n"
                   '::: {#tbl-a tbl-cap="Cars *A*"}\n| a |\n|---|\n| 1 |\n:::\n\nSee @tbl-cars and @tbl-a.\n')
    for html in both(reading):
        assert '<span class="table-label">Table 1.</span> Cars</' in html
        assert '<span class="table-label">Table 2.</span> Cars <em>A</em></' in html
        assert 'href="#tbl-cars">Table 1</a> and <a class="crossref" href="#tbl-a">Table 2</a>' in html
        assert "tbl-cap" not in html
    assert reading.warnings == ()


def test_a_quote_inside_typed_quotation_marks_takes_the_other_marks():
    """Russian text types «» as characters: a quote inside them is „…“ (and the
    count starts again in each paragraph)."""
    html = str(body('«Бои были "тяжёлыми"», писал он.\n\nА "здесь" снаружи.', quotes=RU, lang="ru").chapters[0].epub)
    assert "«Бои были „тяжёлыми“», писал он." in html and "А «здесь» снаружи." in html
    html = str(body('Меню » Настройки, затем «а "б" в».', quotes=RU, lang="ru").chapters[0].epub)
    assert "«а „б“ в»" in html  # (a closing mark alone opens nothing)
    chapter = body('«Бои^[Примечание с "кавычками".] были»', quotes=RU, lang="ru").chapters[0]
    note_ = chapter.notes[0]
    assert "«кавычками»" in str(note_.epub_html) and "«кавычками»" in str(note_.print_html)  # (a note's own count)


def test_a_quarto_listing_div_is_a_numbered_listing():
    """`::: {#lst-x}` with a code block and its caption paragraph, as Quarto writes it."""
    reading = read("::: {#lst-customers}\n```{.sql}\nSELECT * FROM Customers\n```\n\nCustomers *Query*\n:::\n\n"
                   "See @lst-customers.\n")
    html = str(reading.body.chapters[0].print)
    assert '<figure class="figure listing" id="lst-customers"><pre class="sourceCode sql">' in html
    assert "Listing 1.</span> Customers <em>Query</em></figcaption>" in html
    assert 'href="#lst-customers">Listing 1</a>' in html and reading.warnings == ()


def test_quarto_code_annotations_number_the_lines_the_list_explains():
    """`# <1>` at a line's end with an ordered list right after the code: the
    comment goes, the number stays at the line's end, the list keeps its numbers.
    Without a list after it, a comment is code like any other."""
    reading = read("```r\npenguins |>        # <1>\n  mutate(x = 1)    // <2>\n```\n1. Take `penguins`,\n"
                   "2. add a column.\n\n```python\nx = 1  # <1>\n```\n\nText.\n")
    for html in both(reading):
        assert 'penguins <span class="sc">|&gt;</span> <span class="code-annotation">(1)</span>\n' in html
        assert '<span class="dv">1</span>) <span class="code-annotation">(2)</span></code>' in html
        assert '<ol class="code-annotations">' in html and "# &lt;1&gt;" in html  # (the second: no list)
    assert reading.warnings == ()


def test_a_quarto_list_table_is_a_table():
    """`::: {.list-table header-rows=1 widths aligns}`: a numbered table of its
    rows, captioned by the paragraph before the list."""
    reading = read('::: {#tbl-fns .list-table header-rows=1 widths="3,1" aligns="l,r"}\nFunctions *used*\n\n'
                   "- - Function\n  - Description\n- - `sum()`\n  - Add values\n- - `mean()`\n:::\n\nSee @tbl-fns.\n")
    for html in both(reading):
        assert '<span class="table-label">Table 1.</span> Functions <em>used</em>' in html
        assert '<th class="align-left">Function</th><th class="align-right">Description</th>' in html
        assert '<td class="align-left"><code>sum()</code></td><td class="align-right">Add values</td>' in html
        assert '<td class="align-left"><code>mean()</code></td><td class="align-right"></td>' in html
        assert "<li>" not in html and 'href="#tbl-fns">Table 1</a>' in html
    assert '<col style="width: 75.0%"/><col style="width: 25.0%"/>' in str(reading.body.chapters[0].print)


def test_quarto_layouts_are_classes_the_stylesheets_size(folder):
    reading = read("::: {layout-nrow=1}\n![A](map.png)\n\n![B](map.png)\n:::\n\n"
                   '::: {layout="[[1,1,1],[1]]"}\n![C](map.png)\n:::\n', folder=folder)
    html = str(reading.body.chapters[0].epub)
    assert '<div class="layout-ncol-2" data-layout-nrow="1">' in html
    assert '<div class="layout-ncol-3" data-layout="[[1,1,1],[1]]">' in html


def test_latex_equation_labels_tags_and_references():
    """`\\label{eq:x}` in a display formula numbers it, `\\tag{A1}` gives its own
    number (texmath reads neither: they are taken out of the TeX), `\\eqref` and
    `\\ref` link to it as LaTeX prints them; an unknown label is an error at its line."""
    reading = read("Text.\n\n$$\\begin{equation} a^2+b^2=c^2 \\label{eq:pyth} \\end{equation}$$\n\n"
                   "By \\eqref{eq:pyth} and \\ref{eq:pyth} we conclude.\n\n$$ x = y \\tag{A1} \\label{eq:a1}$$\n\n"
                   "$$ z = 1 $$ {#eq-z}\n\nSee \\eqref{eq:a1} and @eq-z.\n")
    html = str(reading.body.chapters[0].print)
    assert '<span class="math display" id="eq-pyth"><math' in html and "(1)</span></span>" in html
    assert 'By <a class="crossref" href="#eq-pyth">(1)</a> and <a class="crossref" href="#eq-pyth">1</a> we' in html
    assert '<span class="math display" id="eq-a1"><math' in html and "(A1)</span></span>" in html
    assert 'See <a class="crossref" href="#eq-a1">(A1)</a> and <a class="crossref" href="#eq-z">Equation 2</a>' in html
    assert "\\label" not in html and "\\tag" not in html and reading.warnings == ()
    assert problems("Text \\eqref{eq:none}.\n") == ["1: nothing has the label 'eq:none'"]
    # Two labels written differently for one id, or a label that is already an id: told, never two ids.
    for text in ("$$c=d$$ {#eq-x}\n\n$$a=b \\label{eq:x}$$\n", "$$a \\label{eq:y}$$\n\n$$b \\label{eq/y}$$\n",
                 "# Results {#eq-z}\n\n$$a=b \\label{eq:z}$$\n"):
        assert problems(text)[0].startswith("3: the label 'eq") and "is also given to another" in problems(text)[0]
    reading = read("$$x \\tag{B2}$$\n\n$$\\begin{aligned} a \\label{eq:one} \\\\ c \\label{eq:two}\\end{aligned}$$\n\n"
                   "See \\ref{eq:one}.\n")
    assert "(B2)</span>" in str(reading.body.chapters[0].epub)  # (a tag alone numbers it too)
    assert [(w.line, w.message) for w in reading.warnings] == [
        (3, "the formula takes one number: its label 'eq:two' is left out (it has 'eq:one')")]


ALIGN = ("Text.\n\n\\begin{align}\na &= b \\label{eq:one} \\\\\nc &= d \\\\\ne &= f \\label{eq:two} \\\\\n"
         "g &= h \\tag{A}\n\\end{align}\n\n$$x$$ {#eq-x}\n\nSee \\eqref{eq:one}, \\ref{eq:two} and @eq-x.\n")


def test_the_lines_of_an_align_are_numbered_each_by_its_own_label():
    """LaTeX numbers an align's lines one by one: each line with a \\label (or a
    \\tag) takes its number, beside it (the e-reader edition's: a column of the
    formula's table; print: placed by the drawing, editions/pdf/formulas.py)."""
    reading = read(ALIGN)
    epub, printed = (str(reading.body.chapters[0].epub), str(reading.body.chapters[0].print))
    assert re.findall(r'<mtext class="line-number"(?: id="([^"]*)")?>([^<]*)</mtext>', epub) == [
        ("eq-one", "(1)"), ("eq-two", "(2)"), ("", "(A)")]
    assert epub.count("<mtr>") == 4 and "\\label" not in epub and "\\tag" not in epub
    assert re.findall(r'data-line="(\d)" style="top: [\d.]+%"(?: id="([^"]*)")?>([^<]*)<', printed) == [
        ("0", "eq-one", "(1)"), ("2", "eq-two", "(2)"), ("3", "", "(A)")]
    for html in (epub, printed):
        assert ('See <a class="crossref" href="#eq-one">(1)</a>, <a class="crossref" href="#eq-two">2</a> and '
                '<a class="crossref" href="#eq-x">Equation 3</a>') in html
    assert reading.warnings == ()
    # Two labels on a line: the first; a label of the whole formula: that one (each told, at its line).
    reading = read(ALIGN.replace("\\tag{A}", "\\label{eq:three} \\label{eq:four}"))
    assert [(w.line, w.message) for w in reading.warnings] == [
        (7, "a line of the formula takes one number: its label 'eq:four' is left out (the line has 'eq:three')")]
    reading = read("\\begin{align}\na \\label{eq:a} \\\\\nb \\label{eq:b}\n\\end{align} {#eq-ab}\n\nSee @eq-ab.\n")
    assert 'id="eq-ab"' in str(reading.body.chapters[0].epub) and [(w.line, w.message) for w in reading.warnings] == [
        (2, "the formula takes one number: its label 'eq:a' is left out (it has 'eq-ab')"),
        (3, "the formula takes one number: its label 'eq:b' is left out (it has 'eq-ab')")]
    # A line's label that another has is an error at its line.
    assert problems(ALIGN.replace("eq:two", "eq:one"))[0] == (
        "6: the label 'eq:one' is also given to another equation, figure, table or section")


def test_an_equations_label_on_the_next_line_and_pandoc_eqnos_unlabelled_number():
    """pandoc-crossref takes a label on the line after the formula (a line break is
    a space to it); pandoc-eqnos's `{#eq:}` numbers a formula with no label (QA 18:
    "{#eq:}" was printed, and the label on the next line was text, its references errors)."""
    reading = read("$$a = b$$\n{#eq:one}\n\nBy @eq:one.\n\n$$c = d$$ {#eq:}\n\n$$e$$ {#eq:two}\n\nAnd @eq:two.\n")
    html = str(reading.body.chapters[0].epub)
    assert re.findall(r'<span class="math display"(?: id="([^"]*)")?>.*?<span class="equation-number">([^<]*)<',
                      html, re.S) == [("eq-one", "(1)"), ("", "(2)"), ("eq-two", "(3)")]
    assert "{#" not in html and reading.warnings == ()
    assert 'And <a class="crossref" href="#eq-two">Equation 3</a>' in html


def test_an_align_texmath_cannot_read_takes_one_number():
    reading = read("\\begin{align}\na \\label{eq:a} \\\\\n\\intertext{so}\nb \\label{eq:b}\n\\end{align}\n\n"
                   "See \\eqref{eq:a}.\n")
    assert 'id="eq-a"' in str(reading.body.chapters[0].epub) and "(1)" in str(reading.body.chapters[0].epub)
    assert [w.message for w in reading.warnings if "number" in w.message] == [
        "the formula takes one number: its label 'eq:b' is left out (it has 'eq:a')"]


def test_a_latex_footnote_in_the_text_is_a_footnote():
    """`\\footnote{...}` in a sentence (R Markdown articles written for PDF: rticles'
    Glossa skeleton): Pandoc's LaTeX reader makes it a note; it was left out, its
    whole text with it (QA 18)."""
    reading = read("Text.\\footnote{A note with \\textit{italics}.} And more.\n\nSecond^[An inline one].\n")
    html = str(reading.body.chapters[0].epub)
    assert reading.warnings == () and "\\footnote" not in html and html.count('class="noteref"') == 2
    assert [(n.number, str(n.epub_html)) for n in reading.body.notes] == [
        (1, "<p>A note with <em>italics</em>.</p>\n"), (2, "<p>An inline one</p>\n")]


def test_latex_that_pandoc_would_drop_in_part_is_left_out_whole_and_told():
    """A linguex example in a ```{=latex} block: Pandoc's LaTeX reader drops the
    commands it does not know, and the block printed ". . Ich kenne das Kind", with
    no warning (QA 18); a block of text is a paragraph (it was text with no <p>),
    and commands of layout alone (`\\noindent`) are left out quietly."""
    reading = read("Text.\n\n```{=latex}\n\\ex. \\ag. Ich kenne das Kind.\\\\\nI.\\textsc{nom} know.\n```\n\n"
                   "```{=latex}\n\\noindent\\textit{Fine} text.\n```\n\n* \\proglang{Java}\n* Two\n")
    html = str(reading.body.chapters[0].epub)
    assert "Ich" not in html and "<p><em>Fine</em> text.</p>" in html and "<li>Java</li>\n<li>Two</li>" in html
    assert [(w.line, w.message.split(" (")[0]) for w in reading.warnings] == [(3, "raw latex is left out")]


def test_a_tex_command_that_reads_a_file_is_told_once():
    """Pandoc's "Could not load include file code.R" (it reads no file) was told too,
    of a file that is there (QA 18): the TeX is told as left out, once."""
    reading = read("Text.\n\n\\lstinputlisting[language=R]{code.R}\n\nAnd \\input{more.tex} here.\n")
    assert [(w.line, w.message.split(" (")[0]) for w in reading.warnings] == [
        (3, "raw tex is left out"), (5, "raw tex is left out")]


def test_raw_tex_is_told_at_its_own_line_not_a_formulas():
    reading = read("Math first: $1, \\dots, n$ here.\n\nMore text.\n\nProse (pages, \\dots\\vspace{1ex}).\n")
    assert [(w.line, w.message.split(" (")[0]) for w in reading.warnings] == [(5, "raw tex is left out")]


def test_pandoc_crossrefs_sub_figures_in_an_html_div_are_a_figure(folder):
    """pandoc-crossref's manual writes sub-figures as `<div id="fig:x">` (Pandoc reads
    it as a div): it was printed as text, its images lost, its references errors
    (QA 18). Other HTML stays text, as before."""
    reading = read('<div id="fig:both">\n![One](map.png){#fig:one}\n\n![Two](map.png)\n\nBoth of them\n</div>\n\n'
                   '```markdown\n<div id="fig:code">\n</div>\n```\n\n<div class="box">\nText\n</div>\n\n'
                   "See @fig:both and @fig:one.\n", folder=folder)
    html = str(reading.body.chapters[0].epub)
    assert '<figure class="figure" id="fig-both"><figure class="figure" id="fig-one">' in html
    assert "Both of them</figcaption></figure>" in html and "&quot;fig:code&quot;" in html  # (code stays code)
    assert 'See <a class="crossref" href="#fig-both">Figure 1</a> and <a class="crossref" href="#fig-one">Figure 1(a)' in html
    assert [(w.line, w.message.split(":")[0]) for w in reading.warnings] == [
        (14, "raw HTML is printed as text, not passed through")]


def test_a_latex_label_like_a_headings_made_id_is_the_labels():
    """`\\label{participants}` on a table under `## Participants`: the heading's id,
    which Pandoc made of its text, made the label a duplicate, and the thesis was
    not built (QA 18). A label written twice stays an error."""
    text = ("## Participants\n\n| Age |\n|-----|\n| 24  |\n\nTable: Who took part. \\label{participants}\n\n"
            "See Table \\ref{participants} and [the section](#participants).\n")
    html = str(read(text).body.chapters[0].epub)
    assert '<h1 id="participants"' in html and '<table id="participants-2">' in html
    assert ('See Table <a class="crossref" href="#participants-2">1</a> and <a href="#participants">the section</a>'
            in html)
    assert problems(text.replace("## Participants", "## Participants \\label{participants}"))[0].endswith(
        "the label 'participants' is also given to another equation, figure, table or section")
    # (an id its author gave is no heading's made id: still an error)
    assert problems(text.replace("## Participants", "## Participants {#participants}"))[0].endswith(
        "the label 'participants' is also given to another equation, figure, table or section")


def test_an_equation_label_given_twice_is_told_as_written_with_the_first_place():
    assert problems("$$a$$ {#eq:one}\n\n$$b$$ {#eq:one}\n\nSee @eq:one.\n") == [
        "3: the label 'eq:one' is also given to another equation, figure, table or section (on line 1)"]


def test_a_reference_to_a_label_that_belongs_to_nothing_says_where_it_is(folder):
    """`![Map](map.png) {#fig:map}`: the space makes the label text; the reference's
    error sent the editor to give the figure an id it seemed to have (QA 18)."""
    with pytest.raises(SourceError) as caught:
        read("Text.\n\n![Map](map.png) {#fig:map}\n\nSee @fig:map.\n", folder=folder)
    problem, = caught.value.problems
    assert (problem.line, problem.message) == (5, "nothing has the label 'fig:map'")
    assert problem.hint.startswith("its label {#fig:map} on line 3 belongs to nothing: write it right after")


def test_braces_around_a_reference_are_taken_out(folder):
    """pandoc-fignos's and Manubot's `Figure {@fig:x}b` (the braces set the number
    apart from the panel's letter): printed "Figure {Figure 1}b" (QA 21)."""
    reading = read("![A panel figure.](map.png){#fig:panel}\n\nFigure {@fig:panel}b shows the second panel; "
                   "see also {@fig:panel} and Figure @fig:panel. A set {a, b} and {@fig:panel stays}.\n", folder=folder)
    text = re.sub(r"<[^>]+>", "", str(reading.body.chapters[0].epub))
    assert ("Figure 1b shows the second panel; see also Figure 1 and Figure 1. A set {a, b} and {Figure 1 stays}."
            in text), text


def test_each_link_to_nothing_is_told_at_its_own_line():
    """Two links of the same text: the second was told at the first's line (QA 18)."""
    assert problems("See table [1](#tbl:one).\n\nOther.\n\nAnd figure [1](#fig:two).\n\nAgain [t](#tbl:one) "
                    "and [ref][x].\n\n[x]: #nowhere\n") == [
        "1: the link to '#tbl:one' points to nothing in the article",
        "5: the link to '#fig:two' points to nothing in the article",
        "7: the link to '#tbl:one' points to nothing in the article",
        "7: the link to '#nowhere' points to nothing in the article"]


def test_a_figure_div_of_a_caption_alone_says_so():
    assert problems("::: {#fig-video}\n\nA video figure\n:::\n\nSee @fig-video.\n")[0] == (
        "1: the Quarto figure div '{#fig-video}' holds only its caption: nothing to show above it")


def test_an_image_shortcut_defined_nowhere_is_told():
    reading = read("Text.\n\n![a picture ![inner]] here.\n")
    assert [(w.line, w.message) for w in reading.warnings] == [
        (3, "the image [inner] is defined nowhere: '![inner]' is printed as written")]


def test_markdown_attributes_are_read_where_they_are_shown_only():
    """A `title` on a plain div or a code block is data, not shown: a note in it is
    not numbered; attribute-like text in code is never read (a citation there would
    list a work nobody cites); a value with a tab is matched as Pandoc reads it."""
    reading = read('```{.python title="Code ^[a note] title"}\nf(name="@nobody")\n```\n\nText^[real].\n\n'
                   '::: {.callout-note title="tab\there *em*"}\nBody.\n:::\n')
    html = str(reading.body.chapters[0].print)
    assert "<em>em</em>" in html and "*em*" not in html and "@nobody" in html
    assert [n.number for n in reading.body.notes] == [1] and "real" in str(reading.body.notes[0].epub_html)
    crashes = read('::: {layout-ncol="²"}\nA.\n:::\n\n```{.python .numberLines startFrom="²"}\nx\n```\n')
    assert [w.message.split(" is")[0] for w in crashes.warnings] == ['startFrom="²"']


def test_sections_after_an_appendix_go_on_counting():
    reading = read("# Methods\n\n## Sub\n\n# Data {.appendix}\n\n## In data\n\n# Results {#sec-results}\n\n## R1\n\n"
                   "# More {.appendix}\n\n# Discussion\n\nSee @sec-results.\n", number_sections=True)
    assert [h.number for c in reading.body.chapters for h in c.headings] == [
        "1", "1.1", "A", "A.1", "2", "2.1", "B", "3"]
    assert 'href="#sec-results">Section 2</a>' in str(reading.body.chapters[-1].epub)


def test_tex_macro_definitions_are_not_told_as_left_out():
    """\\newcommand, \\renewcommand, \\def and \\DeclareMathOperator, a block of them:
    Pandoc applies them to the formulas, nothing is lost."""
    reading = read("\\newcommand{\\R}{\\mathbb{R}}\n\\renewcommand{\\vec}[1]{\\mathbf{#1}}\n\\def\\half{\\frac{1}{2}}\n"
                   "\\DeclareMathOperator{\\Var}{Var}\n\nText $\\half + \\R$.\n")
    assert reading.warnings == () and "\\frac{1}{2}" in str(reading.body.chapters[0].epub)


def test_a_reference_to_a_heading_without_its_own_id_says_how_to_give_one():
    with pytest.raises(SourceError) as caught:
        read("# First\n\nText @sec-first.\n")
    problem, = caught.value.problems
    assert problem.message == "nothing has the label 'sec-first'"
    assert problem.hint == ("if it is the heading whose id Pandoc made, 'first', give it the id {#sec-first} after "
                            "its title (a section of another file, a book's other chapter, cannot be referred to by "
                            "number)")


def test_a_formula_with_a_backtick_is_told_at_its_line():
    reading = read("Para.\n\nPrices $5 and $6. Escaped \\$x\\$. Backticks `$x$`.\n")
    assert [w.line for w in reading.warnings] == [3]


def test_fig_align_places_a_figure(folder):
    reading = read('![Left](map.png){fig-align="left"}\n\n::: {#fig-r fig-align="right"}\n![R](map.png)\n\nRight\n:::\n',
                   folder=folder)
    html = str(reading.body.chapters[0].print)
    assert '<figure class="figure fig-align-left">' in html and '<figure class="figure fig-align-right" id="fig-r">' in html


def test_a_passage_in_a_language_without_words_takes_its_quotation_marks():
    """styles/locales/quotation-marks.yaml (CLDR's marks): a Czech or Norwegian
    passage in an English article is quoted as Czech or Norwegian is; a German or
    French one as its words file (styles/locales/de.yaml, fr.yaml) says."""
    strings = Theme(REPO, REPO / "styles").strings
    html = str(body('She wrote [Řekl "ahoj \'světe\'"]{lang=cs} and [han sa "ja \'nei\'"]{lang=nb}, '
                    '[Er sagte "Hallo \'Welt\'"]{lang=de} and [il dit "oui \'non\'"]{lang=fr}.',
                    words_for=strings).chapters[0].epub)
    assert "Řekl „ahoj ‚světe‘“" in html and "han sa «ja ‘nei’»" in html
    assert "Er sagte „Hallo ‚Welt‘“" in html and "il dit «oui “non”»" in html


def test_what_quartos_divs_cannot_use_is_told():
    """A list table of another shape (printed as a list), a tbl-cap beside the
    table's own caption (not printed), an annotation no list item explains."""
    reading = read("::: {.list-table}\n- - a\n  - b\n- text\n:::\n\n::: {#tbl-x tbl-cap=\"Cap\"}\n| a |\n|---|\n| 1 |"
                   "\n\n: Own\n:::\n\n```r\nx # <1>\ny # <3>\n```\n1. One\n2. Two\n")
    assert [(w.line, w.message) for w in reading.warnings] == [
        (1, "this list table is not a list of rows, each a list of cells: it is printed as a list"),
        (7, "the table 'tbl-x' has a caption of its own: its tbl-cap is not printed"),
        (17, "the code's annotation <3> has no item in the list after the code")]


def test_a_quarto_table_div_of_code_cells_is_a_numbered_table():
    """`:::: {#tbl-lcg layout="[[4,8]]"}` holding the R cells that make its tables and
    a caption (a real Quarto post): its tables are not made here, but it keeps its
    number and caption, so that @tbl-lcg refers to it (it was an error: "not
    numbered")."""
    reading = read("See @tbl-lcg.\n\n:::: {#tbl-lcg}\n\n```{r}\ntt(a)\n```\n\n```{r}\ntt(b)\n```\n\n"
                   "Twelve *numbers*\n\n::::\n\n| x |\n|---|\n| 1 |\n\n: Next {#tbl-next}\n")
    for html in both(reading):
        assert 'href="#tbl-lcg">Table 1</a>' in html and "Table 1.</span> Twelve <em>numbers</em>" in html
        assert "Table 2." in html


def test_a_quarto_tabset_prints_every_tab_under_its_label_not_a_heading():
    """`::: {.panel-tabset}` with `## R` and `## Python` tabs (course notes, a blog
    post): the labels were section headings, in the contents and the outline, and
    the text after the tabset read as the last tab's."""
    reading = read("## Summarise\n\nFirst.\n\n::: {.panel-tabset group=\"language\"}\n## R\n\n```r\nsummary(x)\n```\n\n"
                   "## Python\n\n```python\nx.describe()\n```\n:::\n\nAfter.\n\n## Assumptions\n\nText.\n")
    assert [h.text for c in reading.body.chapters for h in c.headings] == ["Summarise", "Assumptions"]
    for html in both(reading):
        assert '<div class="tab-title">\n<p>R</p>' in html and '<div class="tab-title">\n<p>Python</p>' in html
        assert html.index("After.") > html.index("</div>\n</div>", html.index("x.describe"))


def test_the_folders_of_pandoc_runs_whose_process_died_are_removed(tmp_path, monkeypatch):
    """(A worker killed at the time limit cannot remove its run's folder.) The
    pattern once matched no folder: their names go on after the process id."""
    import os
    import subprocess

    from imprint.body import pandoc

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = subprocess.Popen(["true"])
    dead.wait()
    mine = Path(tempfile.mkdtemp(prefix=pandoc.FOLDER.format(pid=os.getpid())))
    gone = Path(tempfile.mkdtemp(prefix=pandoc.FOLDER.format(pid=dead.pid)))
    pandoc.forget_dead()
    assert mine.is_dir() and not gone.exists()


def test_a_note_that_opens_with_a_citation_and_a_full_stop_cites_the_work(folder):
    """`[^1]: @zhukov1969. First edition.`, as Russian humanities notes open: Pandoc
    read `@zhukov1969.` as a numbered example's marker (its example_lists): the
    note printed "1.", a later `@zhukov1969` printed "1", and the work left the
    list of references, in silence. A marker whose label is a work's key is the
    citation; an example labelled otherwise stays one."""
    (folder / "refs.json").write_text('[{"id": "zhukov1969", "type": "book", "title": "Memoirs", "author": '
                                      '[{"family": "Zhukov"}], "issued": {"date-parts": [[1969]]}}]')
    reading = read("Text.[^1] More.[^2]\n\n[^1]: @zhukov1969. First edition.\n\n[^2]: @zhukov1969 [p. 5].\n\n"
                   "(@good) An example.\n\n```\n@zhukov1969. In code.\n```\n", folder=folder,
                   bibliography=(folder / "refs.json",), style=REPO / "styles" / "csl" / "utmn-humanitates.csl")
    epub, _ = both(reading)
    notes = " ".join(str(n.epub) for n in reading.body.notes)
    assert '<span class="cite">Zhukov (<a class="citation" href="#ref-zhukov1969">1969</a>)</span>. First edition.' \
        in notes and ">1969, 5</a>)" in notes and "<ol" not in notes, notes
    assert len(reading.body.references) == 1
    assert "@zhukov1969. In code." in epub and "An example." in epub


def test_an_unknown_key_in_the_abstract_is_told_with_the_texts_at_its_own_line(folder):
    """It was told only once the text's problems were fixed (a second run), at the
    line of `abstract:`."""
    (folder / "refs.json").write_text('[{"id": "zhukov1969", "type": "book", "title": "Memoirs", "author": '
                                      '[{"family": "Zhukov"}], "issued": {"date-parts": [[1969]]}}]')
    abstract = Field("abstract", "First line of the abstract.\nSee [@zhukov1968].\n", False, 5)
    with pytest.raises(SourceError) as caught:
        read("Text [@zhukov1970].\n", folder=folder, bibliography=(folder / "refs.json",), cited_fields=(abstract,),
             body_line=10)
    assert sorted((p.line, p.field, p.message) for p in caught.value.problems) == [
        (7, "abstract", "no reference has the key 'zhukov1968'"), (10, None, "no reference has the key 'zhukov1970'")]


def test_an_editors_angle_brackets_around_words_are_text_without_a_warning():
    """A classicist's insertion, `<и комедиях>`, `<εἰς τὰς ὁμοίας λαβάς>`: Pandoc reads
    it as a tag, and it was told as raw HTML ("write it in Markdown instead")."""
    reading = read("В трагедиях <и комедиях> и <εἰς τὰς ὁμοίας λαβάς>, но <b>это</b>.\n", lang="ru")
    epub, _ = both(reading)
    assert "&lt;и комедиях&gt;" in epub and "&lt;εἰς τὰς ὁμοίας λαβάς&gt;" in epub
    assert [w.message.split(":")[0] for w in reading.warnings] == ["raw HTML is printed as text, not passed through"]
    assert "<b>" in reading.warnings[0].message and "комедиях" not in reading.warnings[0].message
    assert read("В трагедиях <и комедиях>.\n", lang="ru").warnings == ()


def test_a_heading_without_its_space_is_told():
    """`#Заключение` (pasted from a messenger) was printed as written, out of the
    contents, unwarned (QA 23); a paragraph that starts with a hashtag is prose."""
    reading = read("# Введение\n\nТекст.\n\n#Заключение\n\nТекст.\n\n#MeToo became a movement in 2017.\n", lang="ru")
    assert [(w.line, w.message) for w in reading.warnings] == [
        (5, "'#Заключение' is no heading: it is printed as written, out of the contents")]


def test_a_pipe_table_row_with_more_cells_than_the_header_is_told():
    """Pandoc keeps a pipe table's cells up to its columns and left the others out
    in silence (QA 23); a short row is padded, and a | escaped, in code, in a formula
    or in a code block's table splits no cell."""
    reading = read("| Год | Участок |\n|-----|---------|\n| 1941 | 3 | лишняя ячейка |\n| 1942 |\n"
                   "| a \\| b | `c | d` $x|y$ |\n\n> | A | B |\n> |---|---|\n> | 1 | 2 | 3 | 4 |\n\n"
                   "- | A |\n  |---|\n  | 1 | 2 |\n\n```\n| A | B |\n|---|---|\n| 1 | 2 | 3 |\n```\n\n"
                   "    | A | B |\n    |---|---|\n    | 1 | 2 | 3 |\n\nText\n| A | B |\n|---|---|\n| 1 | 2 | 3 |\n",
                   lang="ru")
    assert [(w.line, w.message) for w in reading.warnings] == [
        (3, "this row has 3 cells, the header 2: 'лишняя ячейка' is left out"),
        (9, "this row has 4 cells, the header 2: '3' and '4' are left out"),
        (13, "this row has 2 cells, the header 1: '2' is left out")]
    assert reading.warnings[0].hint == "join it to a cell, or add a column (to the header and the line under it)"
    assert read("| A | B | C |\n|---|---|\n| 1 | 2 |\n").warnings[0].message == \
        "the header has 3 cells, the line under it 2: 'C' is left out"
    # (a table right under a line of text is that paragraph's text, | and --- printed)
    after_text = read("Text.\n| Год | Число |\n|-----|-------|\n| 1939 | 3 |\n", lang="ru").warnings
    assert [(w.line, w.message, w.hint) for w in after_text] == [
        (2, "this table follows a line of text with no blank line between: Pandoc reads it as that paragraph's "
            "text, printed with its | and ---", "leave a blank line before the table")]


def test_a_grid_table_off_its_border_is_told():
    """A grid table's row wider than its border: Pandoc printed its | and +===+ as a
    cell's text and its header as a heading in a cell (QA 23); told at the table's
    first line, naming the line at fault. A | in a cell's text is no fault."""
    reading = read("Text.\n\n+-------+---------+\n| Год   | Событие |\n+=======+=========+\n"
                   "| 1939  | Бои на Халхин-Голе |\n+-------+---------+\n\n: Сетка {#tbl-grid}\n", lang="ru")
    assert [(w.line, w.message) for w in reading.warnings] == [
        (3, "this grid table is misread: line 6 reaches past the border's last + (Pandoc joins its cells, prints "
            "its | and +---+ as text or leaves lines out)")]
    faults = {"| a | b   |": "line 2 ends before the border's last +",
              "| a | b     |": "a | of line 2 stands under no + of the border"}
    for row, reason in faults.items():
        assert reason in read(f"+-----+-----+\n{row}\n+-----+-----+\n").warnings[0].message
    assert "no border line (+---+) closes it after line 4" in read(
        "+-----+-----+\n| a   | b   |\n+-----+-----+\n| c   | d   |\n").warnings[0].message
    good = ("+-----+-----+\n| a|b | 日本|\n+=====+=====+\n|     | c   |\n+     +-----+\n|     | d   |\n"
            "+-----+-----+\n\n> +---+---+\n> | a | b |\n> +---+---+\n> | spans |\n> +-------+\n")
    assert read(good).warnings == ()


def test_tables_are_checked_in_linear_time():
    """Hostile tables: the checks of tables.py take a fraction of a second (a grid
    as wide as its text took a minute when a | was looked up among a list of columns)."""
    from imprint.body import tables

    texts = ["| a | b |\n|---|---|\n" + "| 1 | 2 | 3 |\n" * 20_000, "| a | b |\n|---|---|\n| " + "<a \\|" * 50_000,
             "+" + "-+" * 50_000 + "\n" + ("| " * 50_000 + "|\n") * 2 + "+" + "-+" * 50_000 + "\n",
             "+" + "-" * 100_000 + "+\n" + "|\n" * 50_000, "+---+\n| a |\n" * 20_000]
    for text in texts:
        started = time.perf_counter()
        tables.misread(locate.Source(text, "a.md", 1))
        assert time.perf_counter() - started < 3, text[:20]


@pytest.mark.parametrize("lang, quotes, names", [("ru", RU, "Сергеев, Кузнецов и Петров"),
                                                 ("en", EN, "Sergeev, Kuznetsov and Petrov")])
def test_the_house_style_puts_no_comma_before_the_and_of_three_authors(folder, lang, quotes, names):
    """«(Сергеев, Кузнецов, и Петров 2001, 12)»: Russian never writes a comma before
    «и» (QA 24 F12); CSL's default put one before the last of three names."""
    authors = ([{"family": f, "given": g} for f, g in (("Сергеев", "С."), ("Кузнецов", "К."), ("Петров", "П."))]
               if lang == "ru" else
               [{"family": f, "given": g} for f, g in (("Sergeev", "S."), ("Kuznetsov", "K."), ("Petrov", "P."))])
    (folder / "refs.json").write_text(json.dumps([{"id": "three", "type": "book", "title": "T", "author": authors,
                                                   "issued": {"date-parts": [[2001]]}}]), encoding="utf-8")
    reading = read("As written [@three, 12].\n", quotes, lang=lang, folder=folder,
                   bibliography=(folder / "refs.json",), style=REPO / "styles" / "csl" / "utmn-humanitates.csl")
    text = re.sub(r"<[^>]+>", "", both(reading)[0]).replace("\u00a0", " ")
    assert f"({names} 2001, 12)" in text, text


def test_a_straight_quotation_mark_left_unpaired_takes_the_languages_marks_and_is_told(folder):
    """Pandoc cannot pair a quotation inside a quotation typed with the same marks:
    it wrote English's “ ” into the Russian words («внешние»внутренние“ снова
    внешние“ in print: QA 24 F14). They take the language's marks, and each is told
    at its line; English's own, and a mark typed as such, are left alone."""
    reading = read("Текст.\n\nКавычки: \"внешние \"внутренние\" снова внешние\". Он сказал \"привет.\n\n"
                   "А \"это\" цитата.\n", RU, lang="ru", folder=folder)
    for html in both(reading):
        assert "«внешние»внутренние» снова внешние». Он сказал «привет." in html and "“" not in html
        assert "А «это» цитата" in html
    assert [(w.line, w.message) for w in reading.warnings] == [
        (3, 'a straight quotation mark that Pandoc could not pair with another (внутренние") is printed as »'),
        (3, 'a straight quotation mark that Pandoc could not pair with another (внешние".) is printed as »'),
        (3, 'a straight quotation mark that Pandoc could not pair with another ("привет.) is printed as «')]
    assert "(«…„…“…»)" in reading.warnings[0].hint
    typed = read("Он сказал “так” и \"ушёл.\n", RU, lang="ru", folder=folder)
    assert typed.warnings == () and "“так” и “ушёл." in both(typed)[0]
    english = read("He said \"so and left.\n", folder=folder)
    assert english.warnings == () and "“so and left." in both(english)[0]


def test_an_address_written_as_a_word_is_one_span_that_breaks_after_its_slashes():
    """(Pandoc links only `<...>`: a bare address was a word, hyphenated as one: QA 24
    F5.) The stylesheets never hyphenate `.url`; in print `<wbr/>` marks its breaks."""
    reading = read("See https://example.org/a/b.pdf, www.example.org and 10.1080/1351.2019 or <https://x.org/y>.\n")
    epub, printed = both(reading)
    assert ('See <span class="url">https://<wbr/>example.<wbr/>org/<wbr/>a/<wbr/>b.<wbr/>pdf</span>, '
            '<span class="url">www.<wbr/>example.<wbr/>org</span> and '
            '<span class="url">10.<wbr/>1080/<wbr/>1351.<wbr/>2019</span> or ') in printed
    assert '<a class="uri" href="https://x.org/y"><span class="url">https://<wbr/>x.<wbr/>org/<wbr/>y</span></a>.' in printed
    assert ('See <span class="url">https://example.org/a/b.pdf</span>, <span class="url">www.example.org</span> and '
            '<span class="url">10.1080/1351.2019</span> or <a class="uri" href="https://x.org/y">'
            '<span class="url">https://x.org/y</span></a>.') in epub  # (reading systems break after a slash)
    assert "and/or 1/2" in both(read("and/or 1/2\n"))[0]


def test_a_link_whose_text_is_not_its_address_prints_it_in_print_only():
    """On paper a link is its text: its address follows it, in the link (print.css
    sets it in parentheses), broken after / . - ? = (QA: "a link's target on
    paper"). Printed once where the text is the address (an autolink, an e-mail
    address, the address without its scheme, a DOI); nothing for a link inside the
    article; a link in a note the same. The e-book keeps links as links."""
    reading = read("See [the catalogue](https://example.org/a-b/c?x=1), <https://x.org/y>, <ed@x.org>, "
                   "[ed@x.org](mailto:ed@x.org), [write](mailto:desk@x.org), [x.org/p](https://x.org/p/), "
                   "[doi:10.5555/d.1](https://doi.org/10.5555/d.1), [Тюмень](https://ru.wikipedia.org/wiki/"
                   "%D0%A2%D1%8E%D0%BC%D0%B5%D0%BD%D1%8C) and [the start](#intro).[^1]\n\n"
                   "[^1]: In [a note](https://x.org/n).\n\n## Intro {#intro}\n")
    epub, printed = both(reading)
    assert ('<a href="https://example.org/a-b/c?x=1">the catalogue<span class="link-address"><span class="url">'
            'https://<wbr/>example.<wbr/>org/<wbr/>a<wbr/>-b/<wbr/>c?<wbr/>x=<wbr/>1</span></span></a>') in printed
    assert ('<a href="mailto:desk@x.org">write<span class="link-address"><span class="url">desk@x.<wbr/>org'
            '</span></span></a>') in printed  # (an e-mail address without its mailto:)
    assert '>Тюмень<span class="link-address"><span class="url">https://<wbr/>ru.<wbr/>wikipedia.<wbr/>org/<wbr/>' \
           'wiki/<wbr/>Тюмень</span></span></a>' in printed  # (as the author wrote it, not percent-encoded)
    assert 'In <a href="https://x.org/n">a note<span class="link-address">' in printed
    assert printed.count("link-address") == 4  # (not the autolinks, e-mail addresses, x.org/p, the DOI, #intro)
    assert '<a class="email" href="mailto:ed@x.org"><span class="url">ed@x.<wbr/>org</span></a>' in printed
    assert '<a href="https://doi.org/10.5555/d.1"><span class="url">doi:10.<wbr/>5555/<wbr/>d.<wbr/>1</span></a>' \
        in printed  # (its address as one: not hyphenated)
    assert '<a href="#intro">the start</a>' in printed
    assert "link-address" not in epub and "link-note" not in epub
    assert '<a href="https://example.org/a-b/c?x=1">the catalogue</a>' in epub


def test_a_link_s_text_is_its_address_and_the_address_printed_as_a_reader_types_it():
    from imprint.body.addresses import is_its_address, printed_address

    # (the resolver, scheme, www. and a mailto:'s subject left out; a path's case is its own)
    assert is_its_address("doi.org/10.5555/x", "https://doi.org/10.5555/x")
    assert is_its_address("a@b.org", "mailto:a@b.org?subject=Hi")
    assert is_its_address("Example.ORG/cat/", "https://www.example.org/cat")
    assert not is_its_address("example.org/Cat", "https://example.org/cat")
    assert printed_address("mailto:a@b.org?subject=Hi") == "a@b.org"
    # Letters as letters; what a reader could not read or type as printed stays encoded
    # (a right-to-left override, a no-break or zero-width space, a C1 control, Arabic letters,
    # which the line would reorder)
    assert printed_address("https://ru.wikipedia.org/wiki/%D0%A2%D1%8E%D0%BC%D0%B5%D0%BD%D1%8C") \
        == "https://ru.wikipedia.org/wiki/Тюмень"
    for encoded in ("%E2%80%AE", "%C2%A0", "%E2%80%8B", "%C2%85", "%D9%85%D8%B5%D8%B1"):
        assert printed_address(f"https://x.org/{encoded}gro") == f"https://x.org/{encoded}gro"
    assert printed_address("https://x.org/%D0%B0%E2%80%8B%D0%B1") == "https://x.org/а%E2%80%8Bб"


def test_a_note_call_after_a_call_in_emphasis_or_a_link_is_separated():
    """A call right after another's, however deep the other (in emphasis, a
    link's note in emphasis), is marked to be separated ("a,1"); after a
    quotation's closing mark, or after words, it is not."""
    printed = both(read("*[a](https://x.org/a)*[^1], *b[^2]*[^3], \"d[^4]\"[^5], [e](https://x.org/e)[^6].\n\n"
                        "[^1]: One.\n[^2]: Two.\n[^3]: Three.\n[^4]: Four.\n[^5]: Five.\n[^6]: Six.\n",
                        links_as_notes=True))[1]
    calls = {ident: "follows-call" in classes
             for classes, ident in re.findall(r'<span class="footnote ?([^"]*)" id="(fn-[^"]+)">', printed)}
    assert calls == {"fn-link-1": False, "fn-1": True, "fn-2": False, "fn-3": True, "fn-4": False, "fn-5": False,
                     "fn-link-2": False, "fn-6": True}, calls


def test_links_as_notes_put_the_address_in_a_note_but_in_a_note():
    """`links-as-notes: true` (Pandoc's LaTeX setting): the address in a note at
    the page's foot (a link there too), its own id; a note's call right after it
    is separated ("a,1"); a link in a note keeps its address after its text."""
    printed = both(read("[a](https://x.org/a){#here}[^1] and [b](https://x.org/b).\n\n"
                        "[^1]: In [a note](https://x.org/n).\n", links_as_notes=True))[1]
    assert ('<a id="here" href="https://x.org/a">a</a><span class="footnote link-note" id="fn-link-1">'
            '<a href="https://x.org/a"><span class="url">https://<wbr/>x.<wbr/>org/<wbr/>a</span></a></span>'
            '<span class="footnote follows-call" id="fn-1">') in printed
    assert '<span class="footnote link-note" id="fn-link-2"><a href="https://x.org/b">' in printed
    assert 'In <a href="https://x.org/n">a note<span class="link-address">' in printed
