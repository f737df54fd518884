"""Pages a journal would print (issue 17, items 1-7): note calls side by side and
apart, notes that reflow, folios from the article's first page, running heads cut
at a word with a warning, cross-references in Russian running text, number
ranges that never end a line."""

from __future__ import annotations

import re
import zipfile

import pytest
from lxml import etree

from conftest import REPO, make_project
from imprint.cli import main
from pdfread import page_count, page_text

TITLE = ("Военно-политическое сотрудничество СССР и МНР в Восточной Азии и на Дальнем Востоке России "
         "(1891–1945 гг.)")

ARTICLE = f"""---
title: "{TITLE}"
lang: ru
author:
  - name: {{given: Иван, family: Иванов}}
date: 2024-03-01
citation:
  page: 173-184
---

# Введение {{#sec-intro}}

## Источники {{#sec-sources .unnumbered}}

В 1904–1905 гг. было сказано[^1] и после этого текст, а потом ещё одна[^2] и ещё две[^3][^4]
вместе. См. @sec-sources, @Fig-map и @tbl-one; ещё раз[^1].

[^1]: Первая сноска, разбитая
    на несколько строк в исходнике,
    чтобы проверить перенос.
[^2]: Вторая.
[^3]: Третья.
[^4]: Четвёртая.

| A | B |
|---|---|
| 1 | 2 |

: Таблица чисел {{#tbl-one}}

![Карта](map.png){{#fig-map}}

Текст (см. @fig-map) и в @tbl-one.
"""

PUBLICATION = """lang: ru
paper: A5
license: CC BY 4.0
citation:
  type: article-journal
  container-title: Вестник испытательного журнала
  volume: 10
  issue: 3
"""

XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    from PIL import Image

    where = tmp_path_factory.mktemp("pages")
    source = where / "src"
    (source / "a").mkdir(parents=True)
    (source / "a" / "article.md").write_text(ARTICLE, encoding="utf-8")
    (source / "publication.yaml").write_text(PUBLICATION, encoding="utf-8")
    Image.new("RGB", (400, 300), (100, 150, 200)).save(source / "a" / "map.png")
    root = make_project(where / "project", source)
    capture = where / "err.txt"
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main(["-C", str(root), "--jobs", "1", "-f", "epub,pdf"])
    assert code == 0, err.getvalue()
    capture.write_text(err.getvalue(), encoding="utf-8")
    with zipfile.ZipFile(root / "dist" / "a" / "a.epub") as epub:
        chapters = [etree.fromstring(epub.read(n)) for n in sorted(epub.namelist()) if "chapter" in n]
    return root / "dist" / "a" / "a.pdf", chapters, err.getvalue()


def _text(element) -> str:
    return "".join(element.itertext())


def test_note_calls_are_separated_only_when_side_by_side(pages):
    pdf, chapters, _ = pages
    body = page_text(pdf, 2)
    flat = " ".join(body.split())
    assert "одна2" in flat and "одна,2" not in flat  # text between the calls: no comma
    assert "две3,4" in flat  # side by side: "3,4"
    paragraph = next(p for c in chapters for p in c.iter(f"{XHTML}p") if "ещё две" in _text(p))
    calls = [s for s in paragraph.iter(f"{XHTML}sup") if "noteref" in s.get("class", "")]
    separated = ["," in _text(s) for s in calls]
    assert separated == [False, False, False, True, False], separated  # 1, 2, 3, ",4", 1 again


def test_a_hard_wrapped_note_reflows_in_print(pages):
    pdf, _, _ = pages
    notes = " ".join(page_text(pdf, 2).split())
    # The source breaks after "разбитая" and "исходнике,": the printed note runs on.
    assert "разбитая на несколько" in notes and "исходнике, чтобы" in notes


def test_standalone_print_edition_is_numbered_from_its_first_page(pages):
    pdf, _, _ = pages
    assert page_count(pdf) >= 2
    last_lines = [line.strip() for line in page_text(pdf, 2).splitlines() if line.strip()]
    assert last_lines[-1] == "174", last_lines[-3:]  # page 2 of pp. 173–184
    import pikepdf

    with pikepdf.open(pdf) as opened:
        labels = list(opened.Root.PageLabels.Nums)
    assert int(labels[1].St) == 173


def test_a_running_head_is_cut_at_a_word_and_the_title_named(pages):
    pdf, _, err = pages
    head = " ".join(page_text(pdf, 2).split()[:4])
    assert head == "Иванов И. Военно-политическое сотрудничество…", head  # cut after a word, not "…СС…"
    assert re.search(r"warning: source/a/article\.md:2: title: too long for the print edition's running head",
                     err), err
    assert "short-title" in err


def test_cross_references_read_as_russian_running_text(pages):
    pdf, chapters, _ = pages
    text = " ".join(" ".join(_text(c) for c in chapters).replace("\u00a0", " ").split())
    assert "См. «Источники», Рис. 1 и табл. 1" in text  # @Fig-map capitalised; no doubled «Раздел»
    assert "(см. рис. 1) и в табл. 1" in text
    printed = " ".join(" ".join(page_text(pdf, n) for n in range(1, page_count(pdf) + 1)).split())
    assert "(см. рис. 1)" in printed.replace("\u00a0", " ")
    assert "Раздел" not in printed and "Таблица 1 " not in printed.replace("Таблица 1. ", "")


def test_number_ranges_never_end_a_line_and_page_ranges_have_en_dashes(pages):
    pdf, chapters, _ = pages
    xhtml = " ".join(_text(c) for c in chapters)
    assert "1904–1905" in xhtml and "\u2060" not in xhtml  # (no invisible joiner to copy: QA 24 F8)
    assert "1904–1905" in [_text(s) for c in chapters for s in c.iter(f"{XHTML}span") if s.get("class") == "nowrap"]
    first = " ".join(page_text(pdf, 1).split())
    assert "с. 173–184" in first.replace("\u00a0", " ")
    assert "173-184" not in first
    for n in range(1, page_count(pdf) + 1):
        for line in page_text(pdf, n).splitlines():
            assert not re.search(r"\d–$", line.rstrip()), line


def test_justified_lines_keep_inside_the_right_margin(seed):
    """WeasyPrint 70 measured justified lines unkerned and drew them kerned: lines
    stuck out 0.8-1.8 pt past the margin (print.css sets justified text unkerned)."""
    from pdfread import words

    pdf = seed.file("pdf")
    mm = 72 / 25.4
    over = []
    for n in range(1, page_count(pdf) + 1):
        found, width, height = words(pdf, n)
        right = width - 22 * mm  # print.css's right margin
        over += [(n, w.text, round(w.x_max - right, 2)) for w in found
                 if w.x_max > right + 0.1 and 24 * mm < w.y_min and w.y_max < height - 26 * mm]
    assert over == [], over



def test_a_figure_that_does_not_fit_lets_the_text_run_on(pages):
    """The map does not fit under the table on page 2: the paragraph after it fills
    the page, and the figure opens page 3 (it used to leave 80 mm empty)."""
    pdf, _, _ = pages
    second, third = (" ".join(page_text(pdf, n).split()) for n in (2, 3))
    assert "Текст (см. рис. 1) и в табл. 1." in second
    assert "Рис. 1. Карта" in third and "Текст (см." not in third


WIDE = """---
title: A wide table
lang: ru
---

Текст.

| Год | Пехота | Конница | Артиллерия | Танки | Авиация | Прочие | Всего |
|-----|--------|---------|------------|-------|---------|--------|-------|
| 1939 | 123456789 | 987654321 | 123456789 | 987654321 | 123456789 | 987654321 | 1234567890 |

: Численность войск по годам, тыс. чел. {#tbl-wide}
"""


@pytest.mark.slow  # (Chromium)
def test_a_wide_tables_caption_stays_in_view_on_a_phone(tmp_path):
    """At 360 px the table scrolls inside its wrapper; its caption's text does not
    scroll away with it (epub.css: sticky within the caption)."""
    import shutil
    import subprocess

    source = tmp_path / "src"
    (source / "a").mkdir(parents=True)
    (source / "a" / "article.md").write_text(WIDE, encoding="utf-8")
    root = make_project(tmp_path / "project", source)
    assert main(["-C", str(root), "--jobs", "1", "-f", "epub"]) == 0
    book = tmp_path / "book"
    with zipfile.ZipFile(root / "dist" / "a" / "a.epub") as epub:
        epub.extractall(book)
    chapter = next((book / "EPUB").glob("chapter-*.xhtml"))
    probe = chapter.with_name("probe.xhtml")
    # Scroll the table as a reader would, then write where the caption's text is.
    probe.write_text(chapter.read_text(encoding="utf-8").replace("</body>", """<script>
var wrap = document.querySelector(".table-wrap");
wrap.scrollLeft = 400;
var text = document.querySelector("caption .caption-text").getBoundingClientRect();
var table = document.querySelector("table").getBoundingClientRect();
document.title = [Math.round(wrap.scrollLeft), Math.round(text.left), Math.round(text.right),
                  Math.round(table.left)].join(" ");
</script></body>"""), encoding="utf-8")
    done = subprocess.run([shutil.which("chromium"), "--headless=new", "--no-sandbox", "--disable-gpu",
                           "--window-size=360,740", f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
                           probe.as_uri()], capture_output=True, text=True, timeout=120)
    scrolled, left, right, table_left = (int(n) for n in re.search(r"<title>([\d -]+)</title>",
                                                                   done.stdout).group(1).split())
    assert scrolled > 100 and table_left < -100  # the table did scroll
    assert 0 <= left and right <= 360, (left, right)  # the caption's text is on the screen


def test_the_english_fixture_has_no_hole_before_its_figure(apparatus_en):
    """Figure 1 did not fit under the introduction: page 1 ended 80 mm short, and the
    rest came after the figure on page 2. Now the next section fills page 1 and the
    figure opens page 2, before the figure that follows it."""
    pdf = apparatus_en.file("pdf")
    first, second = (" ".join(page_text(pdf, n).split()) for n in (1, 2))
    assert "Introduction" in first and "Data" in first and "Table 1." in first
    assert "Figure 1." in second and second.index("Figure 1.") < second.index("Figure 2.")


@pytest.mark.slow  # (an issue of three articles)
def test_a_running_head_cut_in_an_issue_is_told_once(tmp_path, capsys):
    """In an issue the print edition comes from the issue's layout (no article unit
    typesets it): the warning comes from there, once."""
    from conftest import CASES

    root = make_project(tmp_path / "project", CASES / "issue" / "source")
    article = root / "source" / "apparatus-en" / "article.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace('title: "Supply Lines at Khalkhin Gol: *A Test Article*"',
                                    'title: "Supply Lines, Rail Heads, River Crossings and Field Depots of the Soviet and '
                                    'Mongolian Forces at Khalkhin Gol in the Summer of 1939"'), encoding="utf-8")
    assert main(["-C", str(root), "--jobs", "2", "-f", "pdf"]) == 0
    err = capsys.readouterr().err
    told = [line for line in err.splitlines() if "too long for the print edition" in line]
    assert len(told) == 1 and told[0].startswith("warning: source/apparatus-en/article.md:4: title:"), err


def test_the_venue_lines_page_range_never_breaks_at_its_dash(seed):
    """On a phone the landing page broke "pp. 173–/184" (front-matter.html.j2's venue).
    No line breaks inside a span the stylesheets set nowrap; its text, and the "Cite as"
    lines a reader copies, carry no invisible word joiner (QA 24 F8)."""
    page = (seed.root / "dist" / seed.slug / "index.html").read_text(encoding="utf-8")
    index = (seed.root / "dist" / "index.html").read_text(encoding="utf-8")
    for html in (page, index):
        assert '<span class="nowrap">173–184</span>' in html and "\u2060" not in html
    assert ".nowrap { white-space: nowrap; }" in (seed.root / "dist" / "site.css").read_text(encoding="utf-8")
    quotes = re.findall(r"<blockquote[^>]*>(.*?)</blockquote>", page, re.S)
    assert quotes and all('<span class="nowrap">173–' in quote for quote in quotes)
    with zipfile.ZipFile(seed.file("epub")) as epub:
        front = epub.read("EPUB/front-matter.xhtml").decode("utf-8")
    assert 'pp.\u00a0<span class="nowrap">173–184</span>. DOI' in front and "\u2060" not in front


@pytest.mark.slow  # (five articles laid out)
@pytest.mark.parametrize("case, slug", [("seed", "batunaev-2019-khalkhin-gol"), ("full", "polyglot-fixture"),
                                        ("apparatus-ru", "apparatus-ru"), ("apparatus-en", "apparatus-en")])
def test_no_page_ends_more_than_a_fifth_empty(case, slug, tmp_path):
    """Issue 17's rule, on every page of the fixtures' print editions: no page ends
    with more than a fifth of its text block empty, except the last and one before
    a level-1 heading (h2 in print: the article's title is the h1)."""
    from conftest import CASES
    from imprint.editions.pdf import article as pdf
    from imprint.editions.pdf import typeset
    from imprint.prepare.article import prepare
    from imprint.settings import Settings
    from imprint.source.project import load_project
    from imprint.theme import Theme

    root = make_project(tmp_path / "project", REPO / "source" if case == "seed" else CASES / case / "source")
    settings = Settings.for_project(root, formats=("pdf",), environ={}).for_publication(None, (), False)
    loaded = load_project(settings)
    theme = Theme(settings.root, settings.styles_dir)
    manuscript = prepare(next(a for a in loaded.project.articles if a.slug == slug), theme, settings)
    document = typeset._lay_out(pdf.print_job(manuscript, theme, settings, pdf.EDITIONS["pdf"]))
    holes = []
    for number, (page, following) in enumerate(zip(document.pages, document.pages[1:]), start=1):
        box = page._page_box
        blocks, next_first = typeset._flow(box), typeset._first_block(following._page_box)
        if not blocks or next_first is not None and next_first.element_tag == "h2":
            continue
        empty = typeset._available_bottom(box) - (blocks[-1].position_y + blocks[-1].margin_height())
        if empty > box.height / 5:
            holes.append((number, round(empty * 25.4 / 96), next_first.element_tag if next_first else None))
    assert holes == [], holes  # (page, mm empty, what opens the next page)
