"""Quarto's {{< include file >}} (imprint/source/includes.py): the file's text in
place of the shortcode's line, as Quarto pastes it (quarto.org/docs/authoring/
includes.html), and every problem told at the line of the file it is in."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from imprint.cli import main
from imprint.errors import Problem
from imprint.settings import Settings
from imprint.source.includes import BodyLines, Run
from imprint.source.project import load_project

ARTICLE = """---
title: Including
lang: en
date: 2024-01-01
author:
  - name: A. Writer
---

The first paragraph.

{{< include _methods.qmd >}}

```python
{{< include _demo.py >}}
```

After the includes [@after].

{{{< include _methods.qmd >}}}
"""

METHODS = """## Methods

Methods, first line.
A second line [@inside].

{{< include /_shared/_note.md >}}
"""


@pytest.fixture(autouse=True)
def plain(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def run_cli(root: Path, *args: str, capsys) -> tuple[int, str, str]:
    code = main(["build", "-C", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def project(tmp_path: Path, article: str = ARTICLE) -> Path:
    folder = tmp_path / "source" / "a"
    folder.mkdir(parents=True)
    (folder / "article.md").write_text(article, encoding="utf-8")
    (folder / "_methods.qmd").write_text(METHODS, encoding="utf-8")
    (folder / "_demo.py").write_text('print("shown as code")\n', encoding="utf-8")
    (tmp_path / "source" / "_shared").mkdir()
    (tmp_path / "source" / "_shared" / "_note.md").write_text("A shared note [@shared].\n", encoding="utf-8")
    return tmp_path


def test_the_included_texts_are_read_in_place_and_each_problem_told_in_its_own_file(tmp_path, capsys):
    """An include in the text and one in a code block (Quarto's way to show a
    script), one within an included file with a path from the project's root
    (source/, with no _quarto.yml beside the article), and an escaped one printed
    as written; the citations that cite nothing are told in the three files, at
    their own lines, and the article's after the includes at its own line too."""
    root = project(tmp_path)
    loaded = load_project(Settings.for_project(root, environ={}))
    article = loaded.project.articles[0]
    assert "Methods, first line." in article.body and 'print("shown as code")' in article.body
    assert "A shared note" in article.body and "{{< include _methods.qmd >}}" in article.body  # (the escaped one)
    code, _, err = run_cli(root, "--formats", "epub", capsys=capsys)
    assert code == 2
    assert "source/a/_methods.qmd:4: the citation @inside" in err
    assert "source/_shared/_note.md:1: the citation @shared" in err
    assert "source/a/article.md:17: the citation @after" in err


def test_an_included_text_is_in_the_edition_and_a_change_to_it_rebuilds(tmp_path, capsys):
    root = project(tmp_path)
    for name in ("article.md", "_methods.qmd"):
        path = root / "source" / "a" / name
        path.write_text(path.read_text().replace(" [@inside]", "").replace(" [@after]", ""))
    note = root / "source" / "_shared" / "_note.md"
    note.write_text("A shared note.\n")
    code, _, err = run_cli(root, "--formats", "epub", capsys=capsys)
    assert code == 0, err
    epub = root / "dist" / "a" / "a.epub"
    with zipfile.ZipFile(epub) as book:
        text = " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert "Methods, first line." in text and "A shared note." in text and "shown as code" in text
    assert "{{&lt; include _methods.qmd &gt;}}" in text and "{{&lt; include _demo.py" not in text
    assert "up to date" in run_cli(root, "--formats", "epub", capsys=capsys)[1]
    note.write_text("A shared note, changed.\n")
    code, out, _ = run_cli(root, "--formats", "epub", capsys=capsys)
    assert code == 0 and "up to date" not in out
    with zipfile.ZipFile(epub) as book:
        assert any("changed." in book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))


def test_a_file_that_cannot_be_included_is_an_error_at_its_shortcode(tmp_path, capsys):
    outside = tmp_path / "outside.md"
    outside.write_text("Not the project's.\n")
    root = tmp_path / "project"
    article = ARTICLE.replace("After the includes [@after].", (
        "{{< include _nothere.qmd >}}\n\n{{< include ../../../outside.md >}}\n\n{{< include article.md >}}\n\n"
        "Within a paragraph {{< include _demo.py >}}.\n\n{{< include analysis.ipynb >}}"))
    project(root, article)
    code, _, err = run_cli(root, "--formats", "epub", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    assert "error: source/a/article.md:17: {{< include _nothere.qmd >}}: there is no file source/a/_nothere.qmd" in err
    assert "a path is relative to the article's folder (source/a/), even in an included file; one that starts " \
           "with / to source/" in err
    assert "error: source/a/article.md:19: {{< include ../../../outside.md >}}: included file lies outside the " \
           "project" in err
    assert "error: source/a/article.md:21: {{< include article.md >}}: source/a/article.md includes " \
           "source/a/article.md: a file includes itself" in err
    assert "warning: source/a/article.md:23: removed {{< include _demo.py >}}: an include stands on a line of its " \
           "own" in err
    assert "error: source/a/article.md:25: {{< include analysis.ipynb >}}: source/a/analysis.ipynb is a notebook, " \
           "which Quarto does not include" in err
    assert not (root / "dist" / "a").exists()


def test_a_problem_is_placed_at_the_line_of_the_file_it_was_written_in():
    lines = BodyLines("a.md", (Run(10, 5, "a.md", 10), Run(15, 3, "b.md", 1), Run(18, 4, "a.md", 16)), ())
    placed = [lines.place(Problem("a.md", "x", line=n)) for n in (9, 14, 15, 17, 18, 21, 22)]
    assert [(p.file, p.line) for p in placed] == [("a.md", 9), ("a.md", 14), ("b.md", 1), ("b.md", 3),
                                                  ("a.md", 16), ("a.md", 19), ("a.md", 22)]
    assert lines.place(Problem("c.md", "x", line=15)).file == "c.md"  # (another file's line: as it was)


def test_a_change_to_a_header_file_with_macros_rebuilds_the_article(tmp_path, capsys):
    """R Markdown's `includes: in_header:` file gives the formulas' macros (its
    field is read, not noted as ignored); a change to it made no new build."""
    folder = tmp_path / "source" / "a"
    folder.mkdir(parents=True)
    (folder / "article.md").write_text(ARTICLE.split("---\n\n", 1)[0].replace(
        "lang: en", "lang: en\nincludes:\n  in_header: macros.tex") + "---\n\nA formula $\\Voters$.\n")
    macros = folder / "macros.tex"
    macros.write_text("\\newcommand{\\Voters}{V}\n")
    code, _, err = run_cli(tmp_path, "--formats", "epub", capsys=capsys)
    assert code == 0 and "includes" not in err, err
    assert "up to date" in run_cli(tmp_path, "--formats", "epub", capsys=capsys)[1]
    macros.write_text("\\newcommand{\\Voters}{W}\n")
    code, out, _ = run_cli(tmp_path, "--formats", "epub", capsys=capsys)
    assert code == 0 and "up to date" not in out
    with zipfile.ZipFile(tmp_path / "dist" / "a" / "a.epub") as book:
        text = " ".join(book.read(n).decode() for n in book.namelist() if n.endswith(".xhtml"))
    assert "<mi>W</mi>" in text


def test_an_include_in_a_text_with_windows_line_ends(tmp_path):
    from imprint.source.includes import include

    folder = tmp_path / "source" / "a"
    folder.mkdir(parents=True)
    (folder / "_part.md").write_text("Included.\r\n")
    found = include("Before.\r\n\r\n{{< include _part.md >}}\r\n\r\nAfter.\r\n", 5,
                    folder / "article.md", tmp_path, tmp_path / "source", 1 << 20, lambda t, f: [])
    assert found.problems == found.warnings == [] and found.text == "Before.\r\n\r\nIncluded.\r\n\r\nAfter.\r\n"
    assert found.lines.place(Problem("source/a/article.md", "x", line=7)) == Problem("source/a/_part.md", "x", line=1)


def included(tmp_path: Path, body: str, files: dict[str, str], first: int = 10):
    from imprint.source.includes import include

    folder = tmp_path / "source" / "a"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    return include(body, first, folder / "article.md", tmp_path, tmp_path / "source", 1 << 20, lambda t, f: [])


def test_what_quarto_leaves_undefined_is_said_and_an_indented_include_stays_in_its_list(tmp_path):
    """QA of the includes: an include within a paragraph was pasted in silence; one
    in a list item lost the item's indentation; a shortcode naming no file or two
    was told as not on a line of its own; a folder was 'no file'; a cycle named
    one file; a symlink loop crashed (exit 1); ten levels were refused as more
    than ten; a shortcodes=false fence indented in a list item was not one."""
    folder = tmp_path / "source" / "a"
    folder.mkdir(parents=True)
    (folder / "_loop.md").symlink_to("_loop.md")
    body = ("Text\n{{< include _p.md >}}\n\n- item\n\n    {{< include _p.md >}}\n\n{{< include >}}\n\n"
            "{{< include a.md b.md >}}\n\n{{< include sub >}}\n\n{{< include _x.md >}}\n\n{{< include _loop.md >}}\n\n"
            "- x\n\n    ```{.md shortcodes=false}\n    {{< include _p.md >}}\n    ```\n")
    found = included(tmp_path, body, {"_p.md": "Pasted one.\nPasted two.\n", "sub/f.md": "",
                                      "_x.md": "{{< include _y.md >}}\n", "_y.md": "{{< include _x.md >}}\n"})
    assert "    Pasted one.\n    Pasted two.\n" in found.text  # (in the list item, indented as the include was)
    assert "    {{< include _p.md >}}\n    ```" in found.text  # (a fence of shortcodes=false in a list item)
    assert [(w.line, w.message) for w in found.warnings] == [
        (11, "{{< include _p.md >}} has no empty line before or after it: its text joins the paragraph around it")]
    assert [(p.file, p.line, p.message) for p in found.problems] == [
        ("source/a/article.md", 17, "{{< include >}}: names no file"),
        ("source/a/article.md", 19, "{{< include a.md b.md >}}: names more than one file"),
        ("source/a/article.md", 21, "{{< include sub >}}: source/a/sub is a folder, not a file"),
        ("source/a/_y.md", 1, "{{< include _x.md >}}: source/a/_x.md includes source/a/_y.md includes "
                              "source/a/_x.md: a file includes itself"),
        ("source/a/article.md", 25, "{{< include _loop.md >}}: source/a/_loop.md is a loop of symbolic links")]


def test_ten_levels_are_included_and_eleven_refused_and_a_fan_out_is_read_once(tmp_path):
    files = {f"_{n}.md": f"Level {n}.\n\n{{{{< include _{n + 1}.md >}}}}\n" for n in range(1, 11)}
    files["_11.md"] = "Eleventh.\n"
    found = included(tmp_path, "{{< include _1.md >}}\n", {**files, "_10.md": "Level 10.\n"})
    assert "Level 10." in found.text and found.problems == []
    found = included(tmp_path, "{{< include _1.md >}}\n", files)
    assert [p.message for p in found.problems] == [
        "{{< include _11.md >}}: includes files that include others more than 10 deep"]
    fan = {f"_f{n}.md": f"{{{{< include _f{n + 1}.md >}}}}\n" * 10 for n in range(6)}
    found = included(tmp_path, "{{< include _f0.md >}}\n", {**fan, "_f6.md": ""})
    assert [p.message for p in found.problems] == [
        "{{< include _f6.md >}}: the article includes files more than 1000 times, counting each time"]


def test_the_lines_a_message_names_are_placed_too():
    lines = BodyLines("a.md", (Run(10, 5, "a.md", 10), Run(15, 3, "b.md", 1), Run(18, 4, "a.md", 16)), ())
    placed = lines.place(Problem("a.md", "the id 'x' is also given on line 12 and on line 16", line=20))
    assert (placed.file, placed.line, placed.message) == (
        "a.md", 18, "the id 'x' is also given on line 12 and on line 2 of b.md")


def test_a_shared_partial_names_its_image_from_the_project_root(tmp_path, capsys):
    """Quarto's includes page: a partial shared by articles in other folders names
    its image from the project's root, ![](/shared/pic.png); it was refused as an
    absolute path."""
    from PIL import Image

    root = tmp_path
    for slug in ("a", "b"):
        (root / "source" / slug).mkdir(parents=True)
        (root / "source" / slug / "article.md").write_text(
            f"---\ntitle: {slug.upper()}\nlang: en\ndate: 2024\nauthor:\n  - name: A. Writer\n---\n\n"
            "{{< include /shared/_fig.md >}}\n")
    (root / "source" / "shared").mkdir()
    (root / "source" / "shared" / "_fig.md").write_text("![A shared figure](/shared/pic.png)\n")
    Image.new("RGB", (40, 30), "white").save(root / "source" / "shared" / "pic.png")
    code, _, err = run_cli(root, "--formats", "epub", capsys=capsys)
    assert code == 0, err
    for slug in ("a", "b"):
        with zipfile.ZipFile(root / "dist" / slug / f"{slug}.epub") as book:
            assert "EPUB/images/pic.png" in book.namelist()
