"""Hostile input that needs more than a file to set up (symlinks, FIFOs, sizes),
user text full of markup, and pathological Markdown. The pinned messages of
the other hostile and broken inputs are in cases/errors/ (test_errors.py)."""

from __future__ import annotations

import io
import json
import re
import os
import socket
import zipfile
from pathlib import Path

import pikepdf
import pytest
from lxml import etree, html

from conftest import REPO, make_project
from imprint.cli import main
from pdfread import pages_text

ARTICLE = "---\ntitle: T\nlang: en\n{extra}---\n\nText{cite}.\n\n{body}\n"


def project(where: Path, extra: str = "", body: str = "", cite: str = "") -> Path:
    source = where / "src"
    (source / "a").mkdir(parents=True)
    (source / "a" / "article.md").write_text(ARTICLE.format(extra=extra, body=body, cite=cite), encoding="utf-8")
    return make_project(where / "project", source)


def build(root: Path, capsys, *options: str) -> tuple[int, str]:
    code = main(["-C", str(root), "--jobs", "1", *options])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.err


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the project, with files Imprint must never read."""
    folder = tmp_path / "outside"
    folder.mkdir()
    from PIL import Image

    Image.new("RGB", (40, 30), (200, 10, 10)).save(folder / "secret.png")
    (folder / "secret.bib").write_text("@book{key, title={Secret}, author={Doe, J.}, year={2020}}\n")
    (folder / "secret.css").write_text("body { color: red }\n")
    (folder / "article.md").write_text(ARTICLE.format(extra="", body="Secret.", cite=""))
    return folder


def test_symlinks_leading_out_are_refused(tmp_path, outside, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = project(tmp_path, extra="bibliography: refs.bib\n", body="![A map](map.png)", cite=" [@key]")
    folder = root / "source" / "a"
    os.symlink(outside / "secret.png", folder / "map.png")
    os.symlink(outside / "secret.bib", folder / "refs.bib")
    code, err = build(root, capsys, "-f", "epub")
    assert code == 2
    assert "error: source/a/refs.bib: bibliography lies outside the project" in err
    assert "error: source/a/article.md:9: image lies outside the project" in err
    assert not (root / "dist" / "a").exists()


def test_an_article_or_a_stylesheet_linked_from_outside_is_refused(tmp_path, outside, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = project(tmp_path)
    (root / "source" / "b").mkdir()
    os.symlink(outside / "article.md", root / "source" / "b" / "article.md")
    os.symlink(outside, root / "source" / "c")  # a whole folder
    code, err = build(root, capsys, "-f", "epub")
    assert code == 2
    assert "source/b/article.md: article lies outside the project" in err
    assert "source/c/article.md: article lies outside the project" in err
    assert (root / "dist" / "a" / "a.epub").exists()  # the honest article is still built
    css = root / "styles" / "css" / "print.css"
    css.unlink()
    os.symlink(outside / "secret.css", css)
    code, err = build(root, capsys, "-f", "pdf")
    assert code == 2 and "print.css" in err and "outside the project" in err


def test_fifos_and_devices_are_not_read(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = project(tmp_path, body="![A map](map.png)\n\n![Zeros](zeros.png)")
    os.mkfifo(root / "source" / "a" / "map.png")  # opening it would wait for ever
    os.symlink("/dev/zero", root / "source" / "a" / "zeros.png")
    (root / "source" / "b").mkdir()
    os.mkfifo(root / "source" / "b" / "article.md")
    code, err = build(root, capsys, "-f", "epub")
    assert code == 2
    assert "source/a/article.md:8: image is not a regular file" in err
    assert "source/a/article.md:10: image lies outside the project (/dev/zero)" in err
    assert "source/b/article.md: article is not a regular file" in err


def test_an_oversized_article_is_refused_before_it_is_parsed(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = project(tmp_path, body="Lorem ipsum dolor sit amet. " * 160_000)  # 4.5 MB
    code, err = build(root, capsys, "-f", "epub")
    assert code == 2
    assert "error: source/a/article.md: article is too large (4,480,0" in err and "the limit is 4,194,304" in err


MARKUP = "</title><script>alert(1)</script> & \"q\" 'a' <b>&amp;</b>"


def test_markup_in_user_text_comes_out_literally_everywhere(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    extra = (f"subtitle: {json.dumps(MARKUP)}\nauthor:\n  - name: {json.dumps('Ann <i>Example</i> & Co')}\n"
             f"abstract: {json.dumps(MARKUP)}\nkeywords: [{json.dumps('<kw>&')}]\ndate: 2024\n")
    root = project(tmp_path, extra=extra, body=f"Inline {MARKUP}\n\n<div onclick=\"x()\">raw block</div>")
    (root / "source" / "publication.yaml").write_text(
        "base-url: https://journal.example.org/\ncitation:\n  container-title: \"J <&> Q\"\n")
    code, err = build(root, capsys)
    assert code == 0, err
    dist = root / "dist"
    markup_files = []
    with zipfile.ZipFile(dist / "a" / "a.epub") as epub:
        for name in epub.namelist():
            if name.endswith((".xhtml", ".opf", ".ncx")):
                tree = etree.fromstring(epub.read(name))  # well-formed XML, or this fails
                markup_files.append((name, tree))
    for path in [dist / "index.html", dist / "a" / "index.html"]:
        markup_files.append((path.name, html.fromstring(path.read_bytes())))
    for path in (dist / "opds").rglob("*.xml"):
        markup_files.append((path.name, etree.fromstring(path.read_bytes())))
    for name, tree in markup_files:
        for element in tree.iter():
            if not isinstance(element.tag, str):
                continue
            local = etree.QName(element).localname
            # (the styles' own <i> and <b> are fine: the author's are not)
            assert local != "kw" and not (local in ("b", "i") and element.text in ("Example", "&")), \
                f"{name}: the author's markup became <{local}>"
            assert not any(a.startswith("on") for a in element.attrib), f"{name}: an event handler got through"
            if local == "script":  # ours (JSON-LD, the copy button): the author's text inside only escaped
                assert "<" not in (element.text or "").replace("<!--", ""), f"{name}: markup inside a script"
                assert element.get("type") == "application/ld+json" or "alert(1)" not in (element.text or "")
    texts = "".join(etree.tostring(tree, method="text", encoding="unicode") for _, tree in markup_files)
    assert "</title><script>alert(1)</script>" in texts  # as text
    pdf_text = " ".join(pages_text(dist / "a" / "a.pdf")).replace("\n", " ")
    # (title, subtitle and abstract are Markdown, where &amp; is an entity: "&")
    assert "</title><script>alert(1)</script>" in pdf_text and "<b>&</b>" in pdf_text
    assert '<div onclick="x()">raw block</div>' in pdf_text  # raw HTML is text, as written
    with pikepdf.open(dist / "a" / "a.pdf") as pdf:
        xmp = pdf.open_metadata()
        literal = MARKUP.replace("&amp;", "&").replace('"q"', "“q”").replace("'a'", "‘a’")
        assert literal in str(xmp.get("dc:title", "")) and "Ann <i>Example</i> & Co" in str(xmp.get("dc:creator"))
    record = json.loads((dist / "a" / "a.json").read_text())[0]
    assert record["container-title"] == "J <&> Q" and literal in record["title"]


def test_the_network_guard_of_the_tests_works(no_network):
    """Every test runs with the network cut (conftest.no_network); this checks the guard."""
    with pytest.raises(OSError):
        socket.create_connection(("93.184.215.14", 80), timeout=1)
    with pytest.raises(OSError):
        socket.getaddrinfo("example.org", 443)
    assert len(no_network) == 2
    no_network.clear()  # seen: not a failure of this test


def test_remote_references_are_refused_without_a_connection(tmp_path, capsys, monkeypatch):
    """Images, stylesheets and SVG references naming a host: a clear error, and
    not one connection tried (the network guard would fail the test)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = project(tmp_path, body="![A map](https://example.org/map.png)\n\n![Diagram](d.svg)")
    (root / "source" / "a" / "d.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
        '<style>@import url(https://example.org/x.css);</style></svg>')
    css = root / "styles" / "css" / "print.css"
    css.write_text("@font-face { font-family: X; src: url(https://fonts.example.org/x.woff2) }\n" + css.read_text())
    code, err = build(root, capsys, "-f", "epub,pdf")
    assert code == 2
    assert "the image 'https://example.org/map.png' is not a file of the project" in err
    assert "'d.svg' loads another file from its styles" in err


def test_an_svg_s_styles_may_point_into_the_svg_itself():
    """`fill: url("#gradient")` (Manubot's logo: a quoted reference to a gradient of
    the same file) was refused as "loads another file"; a quoted or bare reference
    to another file still is."""
    from imprint.source.images import _check_svg

    def svg(style: str) -> bytes:
        return (f'<svg xmlns="http://www.w3.org/2000/svg"><style>{style}</style><linearGradient id="g"/>'
                f'<rect width="1" height="1"/></svg>').encode()

    for inside in ('rect { fill: url("#g") }', "rect { fill: url('#g') }", "rect { fill: url( #g) }",
                   'rect { fill: url("data:image/png;base64,AAAA") }'):
        _check_svg(svg(inside), "d.svg")
    for outside in ('rect { fill: url("other.svg#g") }', "rect { fill: url(x.png) }", "rect { fill: url( '../x') }"):
        with pytest.raises(ValueError, match="loads another file from its styles"):
            _check_svg(svg(outside), "d.svg")


DRAWIO = ('<svg xmlns="http://www.w3.org/2000/svg" width="200px" height="60px" viewBox="0 0 200 60">'
          '<rect x="1" y="1" width="198" height="58" fill="#ffffff" stroke="#000000" '
          'style="fill: light-dark(#ffffff, var(--ge-dark-color, #121212)); stroke: light-dark(rgb(0, 0, 0), #fff)"/>'
          '<g><switch><foreignObject width="100%" height="100%" '
          'requiredFeatures="http://www.w3.org/TR/SVG11/feature#Extensibility">'
          '<div xmlns="http://www.w3.org/1999/xhtml">Simulation</div></foreignObject>'
          '<text x="100" y="35" font-size="12px" text-anchor="middle">Simulation</text></switch></g></svg>')


def test_a_drawio_svg_is_drawn_with_its_svg_labels_and_light_colours(tmp_path, capsys, monkeypatch):
    """draw.io writes each label as HTML in a <switch> with an SVG text beside it,
    and its colours as CSS light-dark(): the figure was refused as embedded HTML,
    and with its labels converted it printed as a black box, in silence. It is
    drawn as its SVG says where HTML is not: its labels' SVG text, its light
    colours; HTML outside a <switch> is still refused."""
    from PIL import Image

    from imprint.source.images import _check_svg

    drawn = _check_svg(DRAWIO.encode(), "d.svg")
    assert b"foreignObject" not in drawn and b"light-dark" not in drawn
    assert b"fill: #ffffff; stroke: rgb(0, 0, 0)" in drawn and b">Simulation</text>" in drawn
    assert _check_svg(b'<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>', "plain.svg") is None
    with pytest.raises(ValueError, match="embedded HTML"):
        _check_svg(b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><p>x</p></foreignObject></svg>', "h.svg")
    monkeypatch.setenv("NO_COLOR", "1")
    root = project(tmp_path, body="![A diagram](d.svg)\n")
    (root / "source" / "a" / "d.svg").write_text(DRAWIO)
    code, err = build(root, capsys, "-f", "epub,pdf")
    assert code == 0, err
    assert "Simulation" in " ".join(pages_text(root / "dist" / "a" / "a.pdf"))
    with zipfile.ZipFile(root / "dist" / "a" / "a.epub") as epub:
        png = Image.open(io.BytesIO(epub.read("EPUB/images/d.png"))).convert("L")
    assert sum(png.histogram()[200:]) > 0.8 * png.width * png.height  # (white, not a black box)


# The patterns of cmark's test/pathological_tests.py, and markdown-it-py's
# fuzzing crash cases, at sizes that make quadratic behaviour take minutes.
N = 5000
PATHOLOGICAL = {
    "nested-strong-emph": "*a **a " * 1000 + "b" + " a** a*" * 1000,
    "emph-closers-no-openers": "a_ " * N,
    "emph-openers-no-closers": "_a " * N,
    "link-closers-no-openers": "a]" * N,
    "link-openers-no-closers": "[a" * N,
    "mismatched-openers-closers": "*a_ " * N,
    "openers-closers-multiple-of-3": "a**b" + "c* " * N,
    "link-openers-emph-closers": "[ a_" * N,
    "bracket-paren-pattern": "[ (](" * N,
    "nested-brackets": "[" * N + "a" + "]" * N,
    "nested-block-quotes": "> " * N + "a",
    "deeply-nested-lists": "".join("  " * i + "* a\n" for i in range(1000)),
    "backticks": "".join("e" + "`" * i for i in range(1, 500)),
    "unclosed-links-a": "[a](<b" * N,
    "unclosed-links-b": "[a](b" * N,
    "many-link-references": "".join(f"[r{i}]: https://example.org/{i}\n" for i in range(N)) + "[r1] [r2]",
    "many-table-columns": "|" + "a|" * 1000 + "\n|" + "-|" * 1000 + "\n|" + "b|" * 1000,
    "many-emphasis-markers": "*" * N + "a" + "_" * N,
    "attribute-braces": "# H {" + "{" * N + "\n\ntext {#" + "." * N + "}",
    "footnote-storm": "".join(f"x[^{i}]" for i in range(600)) + "\n\n" + "".join(f"[^{i}]: n\n" for i in range(600)),
    # WeasyPrint's known hang patterns that text can reach: a long word before a
    # no-break space (#614), nowrap text starting with a slash (#586), long URLs
    # (overflow-wrap), a long table across pages
    "long-word-nbsp": ("x" * 3000 + "\u00a0y ") * 5,
    "slash-in-code": "`/usr/bin/" + "a" * 2000 + "` and `/" + "/b" * 500 + "`",
    "long-url": "<https://example.org/" + "a" * 3000 + ">",
    "long-table": "| a | b |\n|---|---|\n" + "| Долгий текст ячейки таблицы | 1 |\n" * 1500,
    "mdit-crash-1": "> [!\n>",
    "mdit-crash-2": "[]: <\n\n[]",
    "mdit-crash-3": "- >\n  -\n>",
    "mdit-crash-4": "|\n-|\n\t|",
}


@pytest.mark.slow
def test_pathological_markdown_finishes_or_fails_cleanly(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    source = tmp_path / "src"
    for name, body in PATHOLOGICAL.items():
        (source / name).mkdir(parents=True)
        (source / name / "article.md").write_text(ARTICLE.format(extra="", cite="", body=body), encoding="utf-8")
    root = make_project(tmp_path / "project", source)
    code = main(["-C", str(root), "-f", "epub,pdf", "--jobs", "2", "--time-limit", "120"])
    err = capsys.readouterr().err
    assert code in (0, 2) and "Traceback" not in err and "internal error" not in err, err
    failed = {line.split("/")[1] for line in err.splitlines() if line.startswith("error: source/")}
    assert not any("time limit" in line for line in err.splitlines()), err
    for name in PATHOLOGICAL:
        if name not in failed:
            assert (root / "dist" / name / f"{name}.epub").exists() and \
                (root / "dist" / name / f"{name}.pdf").exists(), f"{name} was not built\n{err}"
    # What Pandoc's reader would take minutes over is refused at once, at its line
    # (imprint/body/guard.py); the rest is odd but valid Markdown: published.
    for line in err.splitlines():
        if line.startswith("error: source/"):
            assert re.match(r"error: source/[\w-]+/article\.md:\d+: ", line), line
    assert failed <= {"backticks", "bracket-paren-pattern", "link-openers-emph-closers", "link-openers-no-closers",
                      "nested-brackets", "unclosed-links-a", "unclosed-links-b", "deeply-nested-lists",
                      "nested-block-quotes", "nested-strong-emph", "mdit-crash-2"}, err


def test_templates_cannot_reach_out(tmp_path, outside, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = project(tmp_path)
    template = root / "styles" / "templates" / "front-matter.html.j2"
    original = template.read_text()
    template.write_text('{% include "../../../outside/article.md" %}' + original)
    code, err = build(root, capsys, "-f", "epub")
    assert code == 2 and "template not found" in err and "Secret" not in err
    os.symlink(outside / "article.md", root / "styles" / "templates" / "leak.html.j2")
    template.write_text('{% include "leak.html.j2" %}' + original)
    code, err = build(root, capsys, "-f", "epub")
    assert code == 2 and "styles/templates/leak.html.j2: template lies outside the project" in err
    assert not (root / "dist" / "a").exists()


def nested(kind: str, depth: int) -> str:
    """Lists, block quotes, or both by turns, `depth` levels deep; each level says
    'levelN' (the deepest level N = depth - 1), two lines a level."""
    out, prefix = [], ""
    for n in range(depth):
        quote = kind == "quotes" or (kind == "mixed" and n % 2)
        if quote:
            prefix += "> "
            out.append(f"{prefix}level{n}\n{prefix.rstrip()}\n")
        else:
            out.append(f"{prefix}- level{n}\n{prefix.rstrip()}\n")
            prefix += "  "
    return "".join(out)


def test_lists_and_quotes_nested_to_the_limit_print_whole_and_deeper_is_refused(tmp_path, capsys, monkeypatch):
    """Each level is indented in print: past guard.MAX_BLOCK_NESTING, WeasyPrint
    dropped the deepest lines of an A5 page silently (issue 18, item 3)."""
    from imprint.body.guard import MAX_BLOCK_NESTING as LIMIT

    monkeypatch.setenv("NO_COLOR", "1")
    source = tmp_path / "src"
    for kind in ("lists", "quotes", "mixed"):
        for depth in (LIMIT, LIMIT + 1):
            (source / f"{kind}-{depth}").mkdir(parents=True)
            (source / f"{kind}-{depth}" / "article.md").write_text(
                ARTICLE.format(extra="", cite="", body=nested(kind, depth)), encoding="utf-8")
    root = make_project(tmp_path / "project", source)
    code, err = build(root, capsys, "-f", "epub,pdf", "--paper", "A5")  # (A5: the narrowest measure)
    assert code == 2
    line = 8 + 2 * LIMIT  # the article's body starts on line 8; level N is on line 8 + 2N
    for kind in ("lists", "quotes", "mixed"):
        assert f"error: source/{kind}-{LIMIT + 1}/article.md:{line}: lists, block quotes and callouts are nested " \
               f"here {LIMIT + 1} levels deep; Imprint prints at most {LIMIT}" in err, err
        assert not (root / "dist" / f"{kind}-{LIMIT + 1}").exists()
        slug = f"{kind}-{LIMIT}"
        with zipfile.ZipFile(root / "dist" / slug / f"{slug}.epub") as epub:
            xhtml = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml"))
        printed = " ".join(pages_text(root / "dist" / slug / f"{slug}.pdf"))
        for n in range(LIMIT):
            assert f"level{n}" in xhtml, f"{slug}: level{n} is not in the EPUB"
            assert f"level{n}" in printed, f"{slug}: level{n} is not in the PDF"


def test_input_that_crashed_a_unit_is_a_problem_with_its_file_and_field(tmp_path, capsys, monkeypatch):
    """Each was an internal error (exit 1) or a file nobody could open (issue 18, item 8)."""
    monkeypatch.setenv("NO_COLOR", "1")
    source = tmp_path / "src"
    bib = "---\ntitle: T\nlang: en\nbibliography: refs.json\n---\n\nText [@x].\n"
    articles = {
        "long-word": "---\ntitle: " + "x" * 50_000 + "\nlang: en\n---\n\nText.\n",  # (the cover asked for 2e8 pixels)
        "deep-json": bib, "half-character": bib,
    }
    for slug, text in articles.items():
        (source / slug).mkdir(parents=True)
        (source / slug / "article.md").write_text(text, encoding="utf-8")
    (source / "deep-json" / "refs.json").write_text("[" * 100_000 + "]" * 100_000)
    (source / "half-character" / "refs.json").write_text(
        '[{"id": "x", "type": "book",\n  "title": "A \\ud800 and a whole \\ud83d\\ude00"}]')
    root = make_project(tmp_path / "project", source)
    code, err = build(root, capsys, "-f", "epub,json")
    assert code == 2 and "internal error" not in err
    assert "error: source/long-word/article.md:2: title: a word of 50,000 characters ('xxxxxxxxxxxxxxxxxxxx...') " \
           "is longer than a title's can be (100)" in err
    assert "error: source/deep-json/refs.json:1: this JSON nests lists or objects hundreds of levels deep" in err
    assert "error: source/half-character/refs.json:2: '\\ud800' is half of a character" in err
    assert not (root / "dist" / "long-word").exists()


def test_a_cover_is_drawn_from_any_text_in_bounded_work(monkeypatch):
    """Words wider than the cover are broken at its edge, and no more lines are
    set than the design shows (a 50,000-letter title took 125 s, or crashed):
    the characters measured are counted, not the time."""
    import io

    import yaml
    from PIL import Image, ImageFont

    from imprint.editions.painter import CoverText, paint

    design = yaml.safe_load((REPO / "styles" / "cover.yaml").read_text())
    fonts = {}
    for name, relative in design["fonts"].items():
        fonts[name] = next(p for p in (REPO / "styles" / "fonts" / relative, Path("/usr/share/fonts") / relative)
                           if p.is_file())
    measured = [0]
    getlength = ImageFont.FreeTypeFont.getlength

    def counted(self, text, *args, **kwargs):
        measured[0] += len(text)
        return getlength(self, text, *args, **kwargs)

    monkeypatch.setattr(ImageFont.FreeTypeFont, "getlength", counted)
    for title in ("x" * 50_000, "\u0301" * 100_000 + "y" * 50_000, "a " * 50_000):
        measured[0] = 0
        image = paint(CoverText("article", "en", title, "s" * 20_000, ("A" * 20_000,), "J " * 20_000, None, None),
                      design, fonts)
        assert Image.open(io.BytesIO(image)).size == (design["width"], design["height"])
        assert measured[0] < 2_000_000, f"{measured[0]:,} characters measured for one cover"


def test_a_word_wider_than_its_block_sets_the_block_smaller_before_it_is_broken(monkeypatch):
    """A title's long word was broken without a hyphen ("Военно-политическ / ое")
    though the block could be set smaller (QA 22); at its least size, a word still
    too wide is broken with a hyphen."""
    from PIL import ImageFont

    from imprint.editions.painter import CoverText, _wrap, paint

    regular = Path("/usr/share/fonts/truetype/paratype/PTF55F.ttf")
    design = {"width": 800, "height": 1280, "fonts": {"regular": "x"},
              "texts": [{"text": "title", "size": 120, "width": 600, "lines": 8, "min-size": 40}]}
    sizes = []
    truetype = ImageFont.truetype
    monkeypatch.setattr(ImageFont, "truetype", lambda path, size: sizes.append(size) or truetype(path, size))
    word = "Военно-политическое"
    paint(CoverText("article", "ru", f"{word} сотрудничество", None, (), "J", None, None), design,
          {"regular": regular})
    assert sizes[0] == 120 and 40 < sizes[-1] < 120
    assert truetype(str(regular), sizes[-1]).getlength(word) <= 600 < truetype(str(regular), 120).getlength(word)
    lines = _wrap(word, truetype(str(regular), 120), 300, 10)
    assert len(lines) > 1 and all(line.endswith("-") for line in lines[:-1]) and "".join(lines).replace("-", "") == \
        word.replace("-", "")


def test_an_abstract_nested_too_deep_is_refused_at_its_field(tmp_path, capsys, monkeypatch):
    from imprint.body.guard import MAX_BLOCK_NESTING as LIMIT

    monkeypatch.setenv("NO_COLOR", "1")
    abstract = "abstract: |\n" + "".join(f"  {row}\n" for row in nested("lists", LIMIT + 1).splitlines())
    root = project(tmp_path, extra=abstract)
    code, err = build(root, capsys, "-f", "epub")
    assert code == 2
    assert f"error: source/a/article.md:4: abstract: lists, block quotes and callouts are nested here {LIMIT + 1} " \
           "levels deep" in err, err


def test_braces_nested_deep_in_a_bibtex_entry_are_refused_before_pandoc(tmp_path, capsys, monkeypatch):
    """Pandoc's BibTeX reader took more than a minute over one title in 100,000 braces."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = project(tmp_path, extra="bibliography: refs.bib\n", cite=" [@x; @y]")
    (root / "source" / "a" / "refs.bib").write_text(
        "@book{y, title = {{Fine} {NASA}}, year = 2001}\n\n"
        "@book{x, title = " + "{" * 100_000 + "T" + "}" * 100_000 + ", year = 2000}\n")
    code, err = build(root, capsys, "-f", "epub", "--time-limit", "60")
    assert code == 2
    assert "error: source/a/refs.bib:3: the @book entry here nests braces 100,000 deep; Imprint reads at most 32" \
           in err, err
    assert "time limit" not in err


def test_an_image_past_pillow_s_limit_is_told_with_or_without_its_pixel_count(monkeypatch):
    """Pillow's refusal names the pixels (then they are said) or not (other
    versions): the message then said "Cannot specify ',' with 's'", a fault of its
    own formatting (review)."""
    from PIL import Image as PILImage

    from imprint.source.images import _check_raster

    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    for said, told in (("Image size (1600000000 pixels) exceeds limit", "has 1,600,000,000 pixels"),
                       ("Image is too large", "has too many pixels")):
        def refuse(*_, said=said, **__):
            raise PILImage.DecompressionBombError(said)
        monkeypatch.setattr(PILImage, "open", refuse)
        with pytest.raises(ValueError, match=told + "; the limit is"):
            _check_raster(png, "image/png", "huge.png")
