"""Quarto's {{< embed notebook.ipynb#label >}} (imprint/source/notebooks.py): the
figure keeps its number, label and caption (the cell's `#| fig-cap:`, Markdown),
and a Jupyter notebook's stored image is the figure's image, as Quarto renders an
embedded notebook without running it (quarto.org/docs/authoring/notebook-embed.html).
The notebooks are written as Jupyter writes them (nbformat 4.5: one space of
indent, sorted keys, the source as a list of lines, a PNG as base64 text), and
the article as cwickham/manuscript-showcase's index.qmd embeds its two notebooks."""

from __future__ import annotations

import base64
import io
import json
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

from imprint import build
from imprint.settings import Settings
from imprint.source.project import load_project
from imprint.source.shortcodes import Expander
from pdfread import pages_text, structure_elements, structure_problems
from test_body import read
from validators import ace, epubcheck

X = "{http://www.w3.org/1999/xhtml}"


def png(width: int = 12, height: int = 8) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (68, 1, 84)).save(out, format="PNG")
    return out.getvalue()


def lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def code(ident: str, source: str, outputs: list[dict], count: int | None = 1) -> dict:
    return {"cell_type": "code", "execution_count": count, "id": ident, "metadata": {}, "outputs": outputs,
            "source": lines(source)}


def picture(data: bytes = b"") -> dict:
    """A plot's output, as matplotlib's inline backend stores it."""
    return {"data": {"image/png": base64.b64encode(data or png()).decode("ascii") + "\n",
                     "text/plain": ["<Figure size 1200x1200 with 2 Axes>"]},
            "metadata": {}, "output_type": "display_data"}


def notebook(*cells: dict) -> str:
    return json.dumps({
        "cells": [{"cell_type": "markdown", "id": "3f1a", "metadata": {}, "source": lines("## Spatial Plot\n")},
                  *cells],
        "metadata": {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                    "name": "python3"},
                     "language_info": {"name": "python", "version": "3.10.10"}},
        "nbformat": 4, "nbformat_minor": 5}, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


SPATIAL = code("7c2e", """#| label: fig-spatial-plot
#| fig-cap: "Locations of earthquakes on *La Palma* since 2017 (the island of @fig-dag's study)."
#| fig-alt: "A scatterplot of earthquake locations plotting latitude
#|   against longitude."
ax = df.plot.scatter(x="Longitude", y="Latitude", c="Magnitude", cmap=cmap)
""", [picture()])
DESCRIBE = code("9d41", "#| label: tbl-describe\ndf.describe()\n", [
    {"data": {"text/html": ["<div><table>\n", "</table></div>"], "text/plain": ["       Latitude\n"]},
     "execution_count": 4, "metadata": {}, "output_type": "execute_result"}], count=4)
TIMELINE = """---
title: Generate main timeline plot
---

```{r}
#| label: data-import
df_ign <- read_csv("../data/lapalma_ign.csv")
```

```{r}
#| label: fig-eq-timeline
#| fig-cap: Earthquakes preceding and following the 2021 eruption.
#| fig-width: 24
ggplot(df_erupt, aes(DateTime, `Depth(km)`)) + geom_point()
```
"""
ARTICLE = """---
title: Seismicity and the 2021 La Palma eruption
lang: en
date: 2023-05-01
author:
  - name: Steve Purves
---

## Data

The events are mapped in @fig-spatial-plot, their timeline is @fig-eq-timeline.

{{< embed notebooks/data-screening.ipynb#fig-spatial-plot >}}

{{< embed notebooks/main-timeline.qmd#fig-eq-timeline >}}

[![Directed acyclic graph of depth and magnitude](images/dag.png){#fig-dag fig-alt="Arrows from depth to magnitude"}](https://dagitty.net/learn/index.html)

The model of @fig-dag guides the analysis.
"""


def project(root: Path, article: str = ARTICLE, cells: tuple[dict, ...] = (SPATIAL, DESCRIBE)) -> Path:
    folder = root / "source" / "la-palma"
    (folder / "notebooks").mkdir(parents=True)
    (folder / "images").mkdir()
    (folder / "article.md").write_text(article, encoding="utf-8")
    (folder / "notebooks" / "data-screening.ipynb").write_text(notebook(*cells), encoding="utf-8")
    (folder / "notebooks" / "main-timeline.qmd").write_text(TIMELINE, encoding="utf-8")
    (folder / "images" / "dag.png").write_bytes(png(30, 20))
    return root


def figures(epub: Path) -> dict[str, etree._Element]:
    with zipfile.ZipFile(epub) as book:
        pages = [etree.fromstring(book.read(n)) for n in sorted(book.namelist()) if "chapter-" in n]
    return {f.get("id"): f for page in pages for f in page.iter(f"{X}figure")}


def text(element) -> str:
    return " ".join("".join(element.itertext()).split())


@pytest.mark.slow
def test_an_embedded_figure_shows_the_image_its_notebook_stored_with_its_caption(tmp_path):
    """The .ipynb's figure: its stored PNG (the same bytes in the EPUB, drawn in the
    PDF), its caption with its Markdown and a cross-reference, its fig-alt (two
    `#|` lines of YAML); the .qmd's figure, which stores nothing: its caption and
    the sentence saying the output is not included; the linked figure (F3): its
    image a link. Both editions twice the same bytes; EPUBCheck and Ace clean."""
    root = project(tmp_path / "p")
    report = build(Settings.for_project(root, formats=("epub", "pdf"), environ={}))
    assert report.ok, report.problems
    assert [(w.line, w.message) for w in report.warnings] == [
        (15, "the output {{< embed notebooks/main-timeline.qmd#fig-eq-timeline >}} embeds is not shown: "
             "Imprint does not run notebooks")]
    dist = root / "dist" / "la-palma"
    epub = dist / "la-palma.epub"
    with zipfile.ZipFile(epub) as book:
        assert book.read("EPUB/images/data-screening-fig-spatial-plot.png") == png()
    found = figures(epub)
    spatial = found["fig-spatial-plot"]
    image = spatial.find(f"{X}img")
    assert image.get("src") == "images/data-screening-fig-spatial-plot.png"
    assert image.get("alt") == "A scatterplot of earthquake locations plotting latitude against longitude."
    caption = spatial.find(f"{X}figcaption")
    assert text(caption) == ("Figure 1. Locations of earthquakes on La Palma since 2017 (the island of Figure 3’s "
                             "study).")
    assert caption.find(f"{X}em").text == "La Palma" and caption.find(f"{X}a").get("href") == "#fig-dag"
    assert text(found["fig-eq-timeline"]) == ("Figure 2. Earthquakes preceding and following the 2021 eruption. "
                                              "Not included in this edition: the output of "
                                              "notebooks/main-timeline.qmd#fig-eq-timeline")
    link = found["fig-dag"].find(f"{X}a")
    assert link.get("href") == "https://dagitty.net/learn/index.html"
    assert link.find(f"{X}img").get("alt") == "Arrows from depth to magnitude"
    assert text(found["fig-dag"].find(f"{X}figcaption")) == "Figure 3. Directed acyclic graph of depth and magnitude"
    with zipfile.ZipFile(epub) as book:
        chapter = book.read("EPUB/chapter-1.xhtml").decode()
    assert ('are mapped in <a class="crossref" href="#fig-spatial-plot">Figure 1</a>, their timeline is '
            '<a class="crossref" href="#fig-eq-timeline">Figure 2</a>.') in chapter
    assert epubcheck(epub, tmp_path) == []
    assert ace(epub, tmp_path) == []

    pdf = dist / "la-palma.pdf"
    printed = " ".join(" ".join(pages_text(pdf)).split())
    assert "Figure 1. Locations of earthquakes on La Palma since 2017 (the island of Figure 3’s study)." in printed
    assert "Figure 2. Earthquakes preceding and following the 2021 eruption. Not included in this edition" in printed
    assert "(https://dagitty.net/learn/index.html) Figure 3. Directed acyclic graph of depth and magnitude" in printed
    assert "mapped in Figure 1, their timeline is Figure 2." in printed
    with pikepdf.open(pdf) as document:
        sizes = sorted((int(x.Width), int(x.Height)) for page in document.pages
                       for x in page.get_images().values())
        alts = [str(e.get("/Alt")) for e in structure_elements(document) if e.S == "/Figure"]
    assert sizes == [(12, 8), (30, 20)]  # (the notebook's PNG and the linked figure's)
    assert alts == ["A scatterplot of earthquake locations plotting latitude against longitude.",
                    "Arrows from depth to magnitude"]
    assert structure_problems(pdf) == []

    again = project(tmp_path / "again")
    assert build(Settings.for_project(again, formats=("epub", "pdf"), environ={})).ok
    for name in ("la-palma.epub", "la-palma.pdf"):
        assert (again / "dist" / "la-palma" / name).read_bytes() == (dist / name).read_bytes(), name


def test_a_change_to_an_embedded_notebook_rebuilds_the_article(tmp_path):
    """The caption is read from the notebook: a .qmd's (whose figure has no image
    to make the notebook an input of the EPUB) as much as an .ipynb's."""
    root = project(tmp_path)
    settings = Settings.for_project(root, formats=("epub",), environ={})
    assert build(settings).ok
    assert build(settings).up_to_date == ["la-palma"]
    timeline = root / "source" / "la-palma" / "notebooks" / "main-timeline.qmd"
    timeline.write_text(TIMELINE.replace("preceding and following", "around"), encoding="utf-8")
    report = build(settings)
    assert report.up_to_date == [] and report.articles == ["la-palma"]
    caption = figures(root / "dist" / "la-palma" / "la-palma.epub")["fig-eq-timeline"]
    assert text(caption).startswith("Figure 2. Earthquakes around the 2021 eruption.")


def test_what_an_embed_cannot_show_is_told_at_its_line(tmp_path):
    """A label the notebook lacks, a notebook missing, outside the project or not
    JSON, a figure's image without a caption: errors at the shortcode's line, as
    Quarto stops on them; an output left out says what it was (HTML, text), or
    that the notebook stored none."""
    outside = tmp_path / "elsewhere.ipynb"
    outside.write_text(notebook(SPATIAL))
    article = ARTICLE.split("## Data")[0] + "\n".join(f"{{{{< embed {address} >}}}}\n" for address in (
        "notebooks/data-screening.ipynb#fig-spatial-plots",  # 9
        "notebooks/data-screnning.ipynb#fig-spatial-plot",  # 11
        "../../../elsewhere.ipynb#fig-spatial-plot",  # 13
        "notebooks/broken.ipynb#fig-x",  # 15
        "notebooks/data-screening.ipynb#fig-uncaptioned",  # 17
        "notebooks/data-screening.ipynb#tbl-describe",  # 19
        "notebooks/data-screening.ipynb#fig-unrun",  # 21
        "notebooks/data-screening.ipynb#sample-map",  # 23
        "notebooks/data-screening.ipynb#fig-pair",  # 25
    ))
    root = project(tmp_path / "p", article, cells=(
        SPATIAL, DESCRIBE, code("a1", "#| label: fig-uncaptioned\nplt.plot(x)\n", [picture()]),
        code("a2", "#| label: fig-unrun\n#| fig-cap: Not run yet.\nplt.plot(x)\n", [], count=None),
        {**code("a3", "plt.imshow(grid)\n", [picture()]), "metadata": {"tags": ["sample-map"]}},
        code("a4", "#| label: fig-pair\n#| fig-cap: Two plots.\nplt.show()\nplt.show()\n", [picture(), picture()])))
    (root / "source" / "la-palma" / "notebooks" / "broken.ipynb").write_text('{"cells": [\n  {"cell_type": "code",\n')
    loaded = load_project(Settings.for_project(root, environ={}))
    assert [(p.line, p.message) for p in loaded.problems] == [
        (9, "{{< embed notebooks/data-screening.ipynb#fig-spatial-plots >}}: "
            "source/la-palma/notebooks/data-screening.ipynb has no cell labelled 'fig-spatial-plots'"),
        (11, "{{< embed notebooks/data-screnning.ipynb#fig-spatial-plot >}}: "
             "there is no notebook source/la-palma/notebooks/data-screnning.ipynb"),
        (13, "{{< embed ../../../elsewhere.ipynb#fig-spatial-plot >}}: the notebook '../../../elsewhere.ipynb' "
             "lies outside the project; Imprint reads only files inside it: copy the file into the article's folder"),
        (15, "{{< embed notebooks/broken.ipynb#fig-x >}}: source/la-palma/notebooks/broken.ipynb is not a Jupyter "
             "notebook: it is not valid JSON (line 3, column 1)"),
        (17, "{{< embed notebooks/data-screening.ipynb#fig-uncaptioned >}}: the cell 'fig-uncaptioned' of "
             "source/la-palma/notebooks/data-screening.ipynb has no caption, so its figure has no number"),
    ]
    assert loaded.problems[0].hint == "did you mean fig-spatial-plot?"
    assert loaded.problems[1].hint == ("a path is relative to the article's folder (source/la-palma/); one that "
                                       "starts with / to source/")
    shown = "{{< embed notebooks/data-screening.ipynb#"
    assert [(w.line, w.message) for w in loaded.warnings if "embed" in w.message] == [
        (19, f"the output {shown}tbl-describe >}}}} embeds is not shown: its stored output is text/html, text/plain, "
             "and Imprint shows only a figure's image"),
        (21, f"the output {shown}fig-unrun >}}}} embeds is not shown: "
             "source/la-palma/notebooks/data-screening.ipynb stores no output of the cell (Imprint does not run "
             "notebooks)"),
        (23, f"the output {shown}sample-map >}}}} embeds is not shown: the cell 'sample-map' is not a figure, and "
             "Imprint shows only a figure's image"),
        (25, f"the cell 'fig-pair' of source/la-palma/notebooks/data-screening.ipynb stored 2 images: "
             f"{shown}fig-pair >}}}} shows the first"),
    ]
    article = loaded.project.articles[0]
    assert ('[Not run yet.]{.imprint-embed source="notebooks/data-screening.ipynb#fig-unrun"}'
            in article.body)


def test_a_stored_image_is_checked_as_an_image_file_is(tmp_path):
    """An SVG output is sanitised as an SVG file is (a script refused at the
    shortcode's line); a CMYK JPEG printed as RGB, as a scan's file is; a caption
    with a bracket that closes nothing stays inside its figure; an alternative text
    with quotes survives the attribute it is put in."""
    from PIL import Image

    folder = tmp_path / "notebooks"
    folder.mkdir()
    cmyk = io.BytesIO()
    Image.new("CMYK", (10, 6), (0, 120, 200, 10)).save(cmyk, format="JPEG")
    scan = code("b3", "#| label: fig-scan\n#| fig-cap: A scanned map.\nshow(scan)\n", [
        {"data": {"image/jpeg": base64.b64encode(cmyk.getvalue()).decode("ascii"), "text/plain": ["<Image>"]},
         "metadata": {}, "output_type": "display_data"}])
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/>'
           '<script>alert(1)</script></svg>')
    ranges = code("b1", '#| label: fig-range\n#| fig-cap: "Values in [0, 1) of *x*."\n'
                  '#| fig-alt: \'Bars "high" & low\'\nplt.bar(x)\n', [picture()])
    scripted = code("b2", "#| label: fig-svg\n#| fig-cap: Drawn as SVG.\nplt.plot(x)\n",
                    [{"data": {"image/svg+xml": lines(svg), "text/plain": ["<Figure>"]}, "metadata": {},
                      "output_type": "display_data"}])
    (folder / "plots.ipynb").write_text(notebook(ranges, scan, scripted))
    text = ("See @fig-range.\n\n{{< embed notebooks/plots.ipynb#fig-range >}}\n\n"
            "{{< embed notebooks/plots.ipynb#fig-scan >}}\n\n{{< embed notebooks/plots.ipynb#fig-svg >}}\n")
    expander = Expander({}, None, None, root=tmp_path, folder=tmp_path)
    expanded = expander.expand(text, "article.md", lambda offset: 1 + text.count("\n", 0, offset), code_aware=True)
    assert expander.problems == [] and expander.warnings == []
    with pytest.raises(Exception) as caught:
        read(expanded, folder=tmp_path)
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (7, "'notebooks/plots.ipynb#fig-svg' contains scripts or embedded HTML, which e-readers and Imprint refuse "
            "(draw.io: export it as SVG with 'Convert labels to SVG', or as PNG)")]
    reading = read(expanded.rsplit("\n\n", 1)[0], folder=tmp_path)
    epub, printed = (str(reading.body.chapters[0].epub), str(reading.body.chapters[0].print))
    assert ('<img src="images/plots-fig-range.png" alt="Bars &quot;high&quot; &amp; low"/><figcaption>'
            '<span class="figure-label">Figure 1.</span> Values in [0, 1) of <em>x</em>.</figcaption>') in epub
    assert f'src="data:image/png;base64,{base64.b64encode(png()).decode()}"' in printed
    jpeg = printed.split('src="data:image/jpeg;base64,', 1)[1].split('"', 1)[0]
    assert Image.open(io.BytesIO(base64.b64decode(jpeg))).mode == "RGB"
    assert [(a.name, a.image.data) for a in reading.body.assets] == [("images/plots-fig-range.png", png()),
                                                                     ("images/plots-fig-scan.jpg", cmyk.getvalue())]


def test_an_embed_on_a_line_of_its_own_within_a_paragraph_is_its_figure(tmp_path):
    """An embed on a line of its own right after a line of text (no empty line
    between them) is the figure, as Quarto reads a shortcode alone on its line: the
    text before and after it paragraphs of their own. It was the caption printed
    within the sentence, no image, no number, no warning, and the span's attributes
    in the EPUB. Imprint's attributes of the span are printed in no edition."""
    article = ARTICLE.split("## Data")[0] + (
        "The events are mapped in @fig-spatial-plot, drawn from the catalogue:\n"  # 9
        "{{< embed notebooks/data-screening.ipynb#fig-spatial-plot >}}\n"
        "Their timeline:\n"
        "{{< embed notebooks/main-timeline.qmd#fig-eq-timeline >}}\n"  # 12
        "\n![Directed acyclic graph of depth and magnitude](images/dag.png){#fig-dag fig-alt=\"Arrows\"}\n")
    root = project(tmp_path, article)
    report = build(Settings.for_project(root, formats=("epub", "pdf"), environ={}))
    assert report.ok, report.problems
    assert [(w.line, w.message) for w in report.warnings] == [
        (12, "the output {{< embed notebooks/main-timeline.qmd#fig-eq-timeline >}} embeds is not shown: "
             "Imprint does not run notebooks")]
    dist = root / "dist" / "la-palma"
    with zipfile.ZipFile(dist / "la-palma.epub") as book:
        chapter = book.read("EPUB/chapter-1.xhtml").decode()
    body = etree.fromstring(chapter.encode()).find(f"{X}body")
    assert [(e.tag.removeprefix(X), e.get("id"), text(e)) for e in body.iter(f"{X}p", f"{X}figure")
            if e.getparent().tag != f"{X}figure"] == [
        ("p", None, "The events are mapped in Figure 1, drawn from the catalogue:"),
        ("figure", "fig-spatial-plot", "Figure 1. Locations of earthquakes on La Palma since 2017 (the island of "
                                       "Figure 3’s study)."),
        ("p", None, "Their timeline:"),
        ("figure", "fig-eq-timeline", "Figure 2. Earthquakes preceding and following the 2021 eruption. Not "
                                      "included in this edition: the output of "
                                      "notebooks/main-timeline.qmd#fig-eq-timeline"),
        ("figure", "fig-dag", "Figure 3. Directed acyclic graph of depth and magnitude")]
    assert 'src="images/data-screening-fig-spatial-plot.png"' in chapter
    assert "imprint-embed" not in chapter and "data-output" not in chapter and "data-alt" not in chapter
    printed = " ".join(" ".join(pages_text(dist / "la-palma.pdf")).split())
    assert ("The events are mapped in Figure 1, drawn from the catalogue: Figure 1. Locations of earthquakes on La "
            "Palma since 2017") in printed
    assert "Their timeline: Figure 2. Earthquakes preceding and following the 2021 eruption." in printed
    with pikepdf.open(dist / "la-palma.pdf") as document:
        assert sorted((int(x.Width), int(x.Height)) for page in document.pages
                      for x in page.get_images().values()) == [(12, 8), (30, 20)]  # (the notebook's PNG, the DAG)


def test_an_r_markdown_chunk_is_found_by_the_label_and_caption_on_its_fence(tmp_path):
    """A .qmd's cell is read as body/quarto.py reads a cell: knitr's chunk label
    (the first option without a name) and `fig.cap=`, with a brace in it, on its
    fence. It was 'has no cell labelled', with the hint to give it the label it
    has. A plain code block's attributes (``` {shortcodes="false"}) make no cell."""
    article = ARTICLE.split("## Data")[0] + (
        "{{< embed notebooks/means.qmd#fig-mean >}}\n\n"  # 9
        "{{< embed notebooks/means.qmd#fig-shown >}}\n")  # 11
    root = project(tmp_path, article)
    (root / "source" / "la-palma" / "notebooks" / "means.qmd").write_text(
        '```{r fig-mean, echo=FALSE, fig.cap="Mean of $x_{i}$ by year"}\nplot(means)\n```\n\n'
        '``` {shortcodes="false"}\n#| label: fig-shown\n{{< embed other.ipynb#fig-x >}}\n```\n', encoding="utf-8")
    loaded = load_project(Settings.for_project(root, environ={}))
    assert [(p.line, p.message, p.hint) for p in loaded.problems] == [
        (11, "{{< embed notebooks/means.qmd#fig-shown >}}: source/la-palma/notebooks/means.qmd has no cell labelled "
             "'fig-shown'", "give the cell its label as its first line: #| label: fig-shown")]
    assert [(w.line, w.message) for w in loaded.warnings if "embed" in w.message] == [
        (9, "the output {{< embed notebooks/means.qmd#fig-mean >}} embeds is not shown: Imprint does not run "
            "notebooks")]
    assert '[Mean of $x_{i}$ by year]{.imprint-embed source="notebooks/means.qmd#fig-mean"}' \
        in loaded.project.articles[0].body


def test_a_notebook_out_of_the_project_is_told_by_the_path_written(tmp_path):
    """A link out of the project names its notebook once, as the project shows
    paths, and where it leads by its name alone (it was the absolute path, and two
    parenthesised parts); a path from the Quarto project's root keeps its leading
    / (it was '../../outside/o.ipynb'), its hint where such a path starts."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "o.ipynb").write_text(notebook(SPATIAL))
    article = ARTICLE.split("## Data")[0] + (
        "{{< embed notebooks/link.ipynb#fig-spatial-plot >}}\n\n"  # 9
        "{{< embed /../../outside/o.ipynb#fig-spatial-plot >}}\n")  # 11
    root = project(tmp_path / "p", article)
    (root / "source" / "la-palma" / "notebooks" / "link.ipynb").symlink_to(tmp_path / "outside" / "o.ipynb")
    loaded = load_project(Settings.for_project(root, environ={}))
    assert [(p.line, p.message, p.hint) for p in loaded.problems] == [
        (9, "{{< embed notebooks/link.ipynb#fig-spatial-plot >}}: source/la-palma/notebooks/link.ipynb is a link to "
            "o.ipynb, which lies outside the project",
         "Imprint reads only files inside the project: copy the notebook into it"),
        (11, "{{< embed /../../outside/o.ipynb#fig-spatial-plot >}}: the notebook '/../../outside/o.ipynb' lies "
             "outside the project: a path that starts with / starts at source/",
         "Imprint reads only files inside the project: copy the notebook into it")]


def test_a_notebook_is_parsed_once_for_all_its_embeds(tmp_path, monkeypatch):
    """The shortcodes and the figures of one notebook read its cells once (it was
    parsed for each embed, and again for each image); a notebook that changed is
    read again."""
    from imprint.source import notebooks

    parsed = []
    parse = notebooks._ipynb_cells
    monkeypatch.setattr(notebooks, "_ipynb_cells", lambda data, shown: parsed.append(shown) or parse(data, shown))
    folder = tmp_path / "notebooks"
    folder.mkdir()
    cells = [code(f"c{n}", f"#| label: fig-{n}\n#| fig-cap: Plot {n}.\nplt.plot(y)\n", [picture(png(6, n))])
             for n in (1, 2)]
    (folder / "plots.ipynb").write_text(notebook(*cells))
    text = "{{< embed notebooks/plots.ipynb#fig-1 >}}\n\n{{< embed notebooks/plots.ipynb#fig-2 >}}\n"
    expander = Expander({}, None, None, root=tmp_path, folder=tmp_path)
    expanded = expander.expand(text, "article.md", lambda offset: 1 + text.count("\n", 0, offset), code_aware=True)
    reading = read(expanded, folder=tmp_path)
    assert [(a.name, a.image.data) for a in reading.body.assets] == [("images/plots-fig-1.png", png(6, 1)),
                                                                     ("images/plots-fig-2.png", png(6, 2))]
    assert parsed == ["notebooks/plots.ipynb"]
    (folder / "plots.ipynb").write_text(notebook(cells[0]))
    assert notebooks.find_cell(tmp_path, tmp_path, "notebooks/plots.ipynb#fig-1").options["fig-cap"] == "Plot 1."
    assert parsed == ["notebooks/plots.ipynb"] * 2


def test_an_embed_in_a_footnote_is_refused_as_a_figure_there_is(tmp_path):
    """An embedded output inside a footnote printed its caption alone as a
    sentence of the note, its image lost without a word; a note cannot hold a
    figure, so it is told as one written as an image is."""
    from imprint.errors import SourceError

    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "plots.ipynb").write_text(notebook(code("c1", "#| label: fig-1\n#| fig-cap: Plot.\nplt.plot(y)\n",
                                                      [picture()])))
    text = ("A plot.[^n]\n\n"
            "[^n]: See the plot:\n\n"
            "    {{< embed notebooks/plots.ipynb#fig-1 >}}\n")
    expander = Expander({}, None, None, root=tmp_path, folder=tmp_path)
    expanded = expander.expand(text, "article.md", lambda offset: 1 + text.count("\n", 0, offset), code_aware=True)
    with pytest.raises(SourceError) as caught:
        read(expanded, folder=tmp_path)
    assert [(p.line, p.message) for p in caught.value.problems] == [
        (3, "a footnote cannot hold an embedded notebook output")]
