"""Bad input: every problem at once, each with file, line and field; exit code 2;
no traceback; nothing in dist/ lost. Each case in cases/errors/ pins the exact
message (IMPRINT_REGEN=1 rewrites expected.txt)."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest

from conftest import CASES, REPO, make_project
from golden import check
from imprint.cli import main
from imprint.errors import ImprintWarning, Problem, collecting_warnings, warn
from imprint.settings import Settings

ERROR_CASES = sorted(p.name for p in (CASES / "errors").iterdir())


def run(root: Path, *args: str, capsys) -> tuple[int, str, str]:
    code = main(["build", "-C", str(root), *args])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("case", ERROR_CASES)
def test_error_message(case, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    root = make_project(tmp_path / "project", CASES / "errors" / case / "source")
    code, out, err = run(root, capsys=capsys)
    check(CASES / "errors" / case / "expected.txt", f"exit {code}\n{err}")
    assert code == 2
    assert "Traceback" not in err and "Traceback" not in out
    assert err.strip(), "an error must say what is wrong"


def test_every_problem_is_located(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", CASES / "errors" / "wrong-types" / "source")
    code, _, err = run(root, capsys=capsys)
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) >= 6  # all of them, not just the first
    assert all(line.startswith("error: source/a/article.md:") for line in lines), lines


def test_other_articles_are_still_built(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", CASES / "errors" / "one-bad-among-good" / "source")
    code, out, err = run(root, capsys=capsys)
    assert code == 2
    assert (root / "dist" / "good" / "good.epub").exists() and (root / "dist" / "good" / "good.pdf").exists()
    assert not (root / "dist" / "bad").exists() and not (root / "dist" / "worse").exists()
    assert "source/bad/article.md" in err and "source/worse/article.md" in err


def test_a_failed_build_leaves_earlier_editions_intact(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    assert run(root, capsys=capsys)[0] == 0
    dist = root / "dist" / "batunaev-2019-khalkhin-gol"
    before = {p.name: p.read_bytes() for p in dist.iterdir()}
    article = root / "source" / "batunaev-2019-khalkhin-gol" / "article.md"
    article.write_text(article.read_text().replace("date: 2019", "date: 2019-13-45"))
    code, _, err = run(root, capsys=capsys)
    assert code == 2 and "date: '2019-13-45' is not a date" in err
    after = {p.name: p.read_bytes() for p in dist.iterdir()}
    assert after == before  # same files, same bytes, no temporary files left


def test_a_broken_template_is_reported_with_its_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    template = root / "styles" / "templates" / "front-matter.html.j2"
    template.write_text(template.read_text().replace("{{ t.for_citation }}", "{{ t.for_citaton }}"))
    code, _, err = run(root, "--formats", "epub", capsys=capsys)
    assert code == 2
    assert "styles/templates/front-matter.html.j2:" in err and "for_citaton" in err
    assert "did you mean 'for_citation'?" in err


def test_a_word_a_language_lacks_names_the_word_the_language_its_file_and_the_article(tmp_path, capsys,
                                                                                       monkeypatch):
    """A word of the design's own that the project's ru.yaml does not give, or one a
    language Imprint has not (nl.yaml, copied before the word was added) lacks, was
    "the ReadOnlyDict has no attribute 'motto'" (QA 26 F10)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    article = root / "source" / "batunaev-2019-khalkhin-gol" / "article.md"
    article.write_text(article.read_text().replace("\nlang: en\n", "\nlang: ru\n", 1))
    locales = root / "styles" / "locales"
    (locales / "ru.yaml").write_text("abstract: Резюме\n")
    (locales / "en.yaml").write_text((REPO / "styles" / "locales" / "en.yaml").read_text() + "motto: Knowledge\n")
    template = root / "styles" / "templates" / "front-matter.html.j2"
    original = template.read_text()
    line = original[:original.index("{% if doc.subtitle %}")].count("\n") + 1
    template.write_text(original.replace("{% if doc.subtitle %}", "<p>{{ t.motto }}</p>{% if doc.subtitle %}", 1))
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    assert (f"error: styles/templates/front-matter.html.j2:{line}: template error: the words of 'ru' have no "
            "'motto' (asked for source/batunaev-2019-khalkhin-gol/article.md)\n"
            '    add `motto: ...` to styles/locales/ru.yaml, in that language (English: "Knowledge")') in err, err
    template.write_text(original)
    article.write_text(article.read_text().replace("\nlang: ru\n", "\nlang: nl\n", 1))
    (locales / "nl.yaml").write_text("".join(line for line in (REPO / "styles" / "locales" / "en.yaml").read_text()
                                             .splitlines(keepends=True) if not line.startswith("other_styles:")))
    code, _, err = run(root, "-f", "site", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    assert ("template error: the words of 'nl' have no 'other_styles' (asked for "
            "source/batunaev-2019-khalkhin-gol/article.md)\n    add `other_styles: ...` to styles/locales/nl.yaml, "
            'in that language (English: "Other citation styles")') in err, err


def test_a_designers_template_mistakes_say_where_and_what_to_do(tmp_path, capsys, monkeypatch):
    """A missing include named only the missing file; an unknown field was told as
    "'imprint.source.model.Article object' has no attribute"; `&nbsp;` in an EPUB
    template named a folder and advised closing tags; a syntax error had no hint
    (QA 16); a misspelt attribute or variable was told without the one meant (QA 26 F20)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    template = root / "styles" / "templates" / "front-matter.html.j2"
    original = template.read_text()
    cases = [
        ('{% include "logo.html.j2" %}', "styles/templates/logo.html.j2: template not found (included by "
                                           "styles/templates/front-matter.html.j2:1)"),
        ("{{ doc.article.editor_name }}", "styles/templates/front-matter.html.j2:1: template error: the Article has no "
                                "attribute 'editor_name'"),
        ("{{ doc.titel }}", "the Manuscript has no attribute 'titel': did you mean 'title'?"),
        ("{{ stylesheeet }}", "'stylesheeet' is undefined\n    did you mean 'stylesheet'? The template is given doc, "
                              "stylesheet, t"),
        ("{{ a.title }", "Jinja writes a value as {{ name }}"),
        ("&nbsp;", "styles/templates/front-matter.html.j2:1: front-matter.xhtml is not well-formed XHTML: "
                   "Entity 'nbsp' not defined"),
    ]
    for written, said in cases:
        template.write_text(written + "\n" + original)
        code, _, err = run(root, "-f", "epub", capsys=capsys)
        assert code == 2 and said in err, (written, err)
    assert "write the character itself, or its number (&#160; for a no-break space)" in err


def test_markup_epubcheck_refuses_is_an_error_at_the_templates_line(tmp_path, capsys, monkeypatch):
    """A designer's <center> and <font>, or an id given twice, passed the build and
    were found by `check` only, at the line of the EPUB's page (QA 22 F10)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    template = root / "styles" / "templates" / "epub" / "chapter.xhtml.j2"
    template.parent.mkdir(parents=True, exist_ok=True)
    original = (REPO / "styles" / "templates" / "epub" / "chapter.xhtml.j2").read_text()
    body = original.index("<body")
    body = original.index(">", body) + 1
    for written, *said in [
        ('<center><font color="red">Вестник</font></center>',
         "styles/templates/epub/chapter.xhtml.j2:{line}: <center> is no element of HTML: EPUBCheck refuses the "
         "e-reader edition (chapter-1.xhtml, line ", "chapter.xhtml.j2:{line}: <font> is no element of HTML"),
        ('<div id="masthead">a</div><div id="masthead">b</div>',
         "styles/templates/epub/chapter.xhtml.j2:{line}: the id 'masthead' is given twice in chapter-1.xhtml"),
    ]:
        template.write_text(original[:body] + "\n" + written + original[body:])
        code, _, err = run(root, "-f", "epub", capsys=capsys)
        line = original[:body].count("\n") + 2
        assert code == 2 and all(each.format(line=line) in err for each in said), err
    template.write_text(original[:body] + '\n<div id="masthead">a</div>' + original[body:])
    assert run(root, "-f", "epub", capsys=capsys)[0] == 0


def test_a_picture_a_print_template_names_that_is_not_there_says_how_to_show_one(tmp_path, capsys, monkeypatch):
    """<img src="../images/logo.png"> in print/article.html.j2 was told as the article's, with
    "looked for source/images/logo.png" as what to do (QA 26 F20); now at the template's
    line (test_a_print_template_that_loads_what_it_may_not_is_told_at_its_line)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    template = root / "styles" / "templates" / "print" / "article.html.j2"
    text = template.read_text()
    template.write_text(text.replace("<body", '<img src="../images/logo.png" alt="Logo"/><body', 1))
    code, _, err = run(root, "-f", "pdf", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    line = text[:text.index("<body")].count("\n") + 1
    assert (f'styles/templates/print/article.html.j2:{line}: print/article.html.j2: <img src="../images/logo.png"> '
            "names a file the print edition does not have\n    show a picture of styles/images/ as "
            '{{ image("logo.png") }}') in err


def test_a_markup_mistake_in_an_included_template_is_told_at_its_own_line(tmp_path, capsys, monkeypatch):
    """A mistake in a template the page's template includes (front-matter.html.j2), or
    in a macro it imports from another, was told as the page's template's, without a
    line, or not found (Theme.template_line searched templates/epub/ only: QA 26 F9)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    templates = root / "styles" / "templates"
    included = templates / "front-matter.html.j2"
    original = included.read_text()
    at = original.index("{% if doc.subtitle %}")
    line = original[:at].count("\n") + 1
    for written, said in [
        ('<center>Вестник</center>', "<center> is no element of HTML"),
        ('<p class="motto">Vivat<br>', "front-matter.xhtml is not well-formed XHTML: Opening and ending tag mismatch"),
        ('<img src="logo.png" alt="Logo"/>', 'front-matter.xhtml: <img src="logo.png"> names a file the EPUB'),
    ]:
        included.write_text(original[:at] + written + "\n" + original[at:])
        code, _, err = run(root, "-f", "epub", capsys=capsys)
        assert code == 2 and f"error: styles/templates/front-matter.html.j2:{line}: {said}" in err, err
    included.write_text(original)
    (templates / "banner.html.j2").write_text('{% macro banner() %}\n<div class="banner">\n'
                                              '  <font color="red">Вестник</font>\n</div>\n{% endmacro %}\n')
    page = templates / "epub" / "front-matter.xhtml.j2"
    page.write_text(page.read_text().replace('<body epub:type="frontmatter">', '<body epub:type="frontmatter">\n'
                                             '{% import "banner.html.j2" as b %}{{ b.banner() }}', 1))
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2 and "error: styles/templates/banner.html.j2:3: <font> is no element of HTML" in err, err


@pytest.mark.parametrize("shape", [("--jobs", "1", "-f", "epub,site"), ("--jobs", "2", "-f", "epub,pdf,site")],
                         ids=["one-unit", "in-parts"])
def test_a_broken_landing_page_template_is_an_error_however_the_article_is_built(tmp_path, capsys, monkeypatch,
                                                                                  shape):
    """Built as one unit, the article's landing page was made and its problems
    dropped: a broken template left the page out, exit 0. Built in parts (an
    article, two workers, print and e-reader editions), it is a unit of its own."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    template = root / "styles" / "templates" / "site" / "article.html.j2"
    template.write_text("{% if %}\n" + template.read_text())
    code, _, err = run(root, *shape, capsys=capsys)
    assert code == 2, err
    assert "styles/templates/site/article.html.j2:1: template error" in err, err
    assert not (root / "dist" / "batunaev-2019-khalkhin-gol").exists()


@pytest.mark.slow
def test_a_warning_raised_while_an_issue_is_written_is_reported(tmp_path, capsys, monkeypatch):
    """An issue's unit collects what its editions' writers warn of, as an
    article's does (it was a Python warning in the worker, outside the report)."""
    import warnings

    from imprint.editions import epub

    monkeypatch.setenv("NO_COLOR", "1")
    written = epub.write_issue_epub

    def write_issue_epub(edition, *args, **kwargs):
        warn(Problem("source/2024-3/issue.yaml", "warned while the issue's EPUB was written"))
        return written(edition, *args, **kwargs)

    monkeypatch.setattr(epub, "write_issue_epub", write_issue_epub)
    root = make_project(tmp_path / "project", CASES / "issue" / "source")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ImprintWarning)
        code, _, err = run(root, "-f", "epub", "--jobs", "1", capsys=capsys)
    assert code == 0, err
    assert "warning: source/2024-3/issue.yaml: warned while the issue's EPUB was written" in err, err


def test_a_problem_in_the_publication_file_writes_nothing(tmp_path, capsys, monkeypatch):
    """It fails every article: no stylesheet, no manifest, no folder (a build
    into a new folder left one holding site.css, and told that base-url was not
    set, beside the error saying its value was not a web address)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    publication = root / "source" / "publication.yaml"
    publication.write_text(publication.read_text() + "base-url: www.example.org/journal\n")
    article = root / "source" / "batunaev-2019-khalkhin-gol" / "article.md"
    article.write_text(article.read_text() + "\nSee @fig-nowhere.\n")
    code, out, err = run(root, "-o", str(tmp_path / "new"), capsys=capsys)
    assert code == 2 and "base-url: 'www.example.org/journal' is not a web address" in err, err
    assert "nothing has the label 'fig-nowhere'" in err, err  # (the text's problems are told in the same run)
    assert "base-url is not set" not in out + err
    assert not (tmp_path / "new").exists()


def test_an_articles_warnings_are_told_with_its_errors(tmp_path, capsys, monkeypatch):
    """Every problem of a file in one run: what the article's text would only be
    warned of (raw HTML printed as text) is told beside the error that stops it
    (it was dropped, and told only once the error was fixed), also for an
    article of an issue (made ready before its issue is laid out)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "issue", CASES / "issue" / "source")
    article = root / "source" / "apparatus-en" / "article.md"
    article.write_text(article.read_text() + "\nA <b>bold</b> word in HTML, and [a link](notes.md).\n")
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2 and "notes.md" in err and "warning: source/apparatus-en/article.md:" in err, err
    root = make_project(tmp_path / "project", REPO / "source")
    article = root / "source" / "batunaev-2019-khalkhin-gol" / "article.md"
    article.write_text(article.read_text() + "\nA <b>bold</b> word in HTML, and [a link](notes.md).\n")
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2, err
    assert "error: source/batunaev-2019-khalkhin-gol/article.md:" in err and "notes.md" in err, err
    assert "warning: source/batunaev-2019-khalkhin-gol/article.md:" in err and "raw HTML" in err, err


def test_a_build_whose_every_article_fails_leaves_no_folder(tmp_path, capsys, monkeypatch):
    """No article, no site: the site's stylesheet alone was written (a new output
    folder was left holding site.css, "1 file for 0 articles")."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    article = root / "source" / "batunaev-2019-khalkhin-gol" / "article.md"
    article.write_text(article.read_text().replace("date: 2019\n", "date: 2019-13-45\n"))
    code, _, err = run(root, "-o", str(tmp_path / "new"), capsys=capsys)
    assert code == 2 and "'2019-13-45' is not a date" in err, err
    assert not (tmp_path / "new").exists()


def test_internal_failure_exits_1_without_traceback(tmp_path, capsys, monkeypatch):
    import imprint.pipeline

    def broken(settings, progress=None, executor=None):
        raise RuntimeError("simulated fault")

    monkeypatch.setattr(imprint.pipeline, "build", broken)
    code = main(["build", "-C", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 1
    assert "internal error: RuntimeError: simulated fault" in err and "Traceback" not in err


def test_output_folder_that_is_a_file_is_a_usage_error(tmp_path, capsys):
    root = make_project(tmp_path / "project", REPO / "source")
    (tmp_path / "afile").write_text("x")
    code, _, err = run(root, "-o", str(tmp_path / "afile"), "-f", "json", capsys=capsys)
    assert code == 2 and "cannot write" in err and "Traceback" not in err


def test_source_date_epoch_out_of_range(tmp_path, capsys, monkeypatch):
    root = make_project(tmp_path / "project", REPO / "source")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "99999999999999")
    code, _, err = run(root, capsys=capsys)
    assert code == 2 and "SOURCE_DATE_EPOCH" in err


def test_an_empty_source_date_epoch_is_unset(tmp_path):
    """SOURCE_DATE_EPOCH= (CI systems export it empty) was an error naming no file,
    "must be seconds since 1970 ... not ''": the specification leaves an empty
    value to the build, as a missing one."""
    assert Settings.for_project(tmp_path, environ={"SOURCE_DATE_EPOCH": ""}).source_date_epoch is None
    assert Settings.for_project(tmp_path, environ={"SOURCE_DATE_EPOCH": "1700000000"}).source_date_epoch == 1700000000


def test_a_note_longer_than_a_page_that_may_not_continue_is_refused(tmp_path, capsys, monkeypatch):
    """A long note continues at the foot of the next page (tests/test_pdf.py); one
    a stylesheet keeps whole would be cut off at the page's foot: refused, with
    the edition and paper it does not fit."""
    monkeypatch.setenv("NO_COLOR", "1")
    source = tmp_path / "src"
    (source / "a").mkdir(parents=True)
    note = " ".join(["слово"] * 1500)
    (source / "a" / "article.md").write_text(
        "---\ntitle: T\nlang: ru\n---\n\nТекст.[^1] Ещё.[^2]\n\n[^1]: " + note + "\n\n[^2]: Коротко.\n")
    root = make_project(tmp_path / "project", source)
    code, _, err = run(root, "-f", "pdf", capsys=capsys)
    assert code == 0, err  # (continued over two pages)
    (root / "styles" / "css" / "print.css").write_text(".footnote { break-inside: avoid; }\n")
    code, _, err = run(root, "-f", "pdf", "--paper", "A5", capsys=capsys)
    assert code == 2
    assert ("source/a/article.md:8: footnote 1 is too long for a page of the print edition on A5, and its "
            "stylesheets keep it from continuing on the next page") in err
    assert "break-inside: avoid" in err and "columns" in err
    assert "footnote 2" not in err  # (a short note beside it is not the fault)


def test_language_strings_must_be_complete(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    # A project's file changes some words of Imprint's own; the rest stay.
    strings = root / "styles" / "locales" / "en.yaml"
    strings.write_text("for_citation: Cite this article as\n")
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 0, err
    with zipfile.ZipFile(root / "dist" / "batunaev-2019-khalkhin-gol" / "batunaev-2019-khalkhin-gol.epub") as epub:
        front = epub.read("EPUB/front-matter.xhtml").decode()
    assert "Cite this article as:" in front and "Abstract" in front
    # A language of the project's own must give every word.
    article = root / "source" / "batunaev-2019-khalkhin-gol" / "article.md"
    article.write_text(article.read_text().replace("\nlang: en\n", "\nlang: nl\n"))
    (root / "styles" / "locales" / "nl.yaml").write_text("quotes: ‘’‘’\ncontents: Inhoud\n")
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2 and "styles/locales/nl.yaml: missing or not text: for_citation, abstract" in err
    strings.write_text("quotes: [unclosed\n")
    article.write_text(article.read_text().replace("\nlang: nl\n", "\nlang: en\n"))
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2 and "styles/locales/en.yaml:" in err and "not valid YAML" in err


def test_language_strings_a_template_would_print_wrong_are_told_at_their_line(tmp_path, capsys, monkeypatch):
    """Quotes that are not four marks crashed the build at the first nested quote
    ("internal error"); a misspelt placeholder was printed as written ("5. {monthh}
    2024"); a new language without its months failed inside Imprint's template."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    strings = root / "styles" / "locales" / "en.yaml"
    strings.write_text('for_citation: Cite as\nquotes: "«»"\ndate_day: "{day}. {monthh} {year}"\n'
                       'months: [Jan, Feb]\ntable_continued: "Table {n} (continued)"\n')
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    assert "styles/locales/en.yaml:2: quotes: '«»' is 2 marks, not four" in err
    assert "styles/locales/en.yaml:3: date_day: '{monthh}' is not a placeholder of 'date_day'" in err
    assert "its placeholders are {day}, {month}, {year}" in err
    assert "styles/locales/en.yaml:4: months: must be a list of the twelve months' names" in err
    assert "table_continued" not in err  # (its {n}, which English's "{title} (continued)" no longer shows)


def test_a_word_with_a_stray_brace_is_an_error_and_an_empty_word_a_warning(tmp_path, capsys, monkeypatch):
    """`table_continued: "Table {title"` was printed as written over every continued
    table, and `keywords: ""` printed a bare ": history, ..." (QA 26), both in silence."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    assert run(root, "-f", "epub", capsys=capsys)[0] == 0
    epub = root / "dist" / "batunaev-2019-khalkhin-gol" / "batunaev-2019-khalkhin-gol.epub"
    before = epub.read_bytes()
    strings = root / "styles" / "locales" / "en.yaml"
    strings.write_text('table_continued: "Table {title (continued)"\nfigure_ref: "Figure n}"\n')
    code, _, err = run(root, "-f", "epub", "--force", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    assert ("styles/locales/en.yaml:1: table_continued: 'Table {title (continued)' has a '{' that is never closed: "
            "it would be printed as written") in err
    assert "its placeholders are {n}, {ref}, {title}" in err
    assert "styles/locales/en.yaml:2: figure_ref: 'Figure n}' has a '}' that closes no '{'" in err
    assert epub.read_bytes() == before
    strings.write_text('keywords: ""\ntable_continued: ""\n')
    code, _, err = run(root, "-f", "epub", "--force", capsys=capsys)
    assert code == 0, err
    assert ("warning: styles/locales/en.yaml:1: keywords: the word is empty: the editions print nothing where it "
            "goes (a bare ': ' after a label, an empty heading)") in err
    assert 'Imprint\'s English: "Keywords"' in err
    assert "table_continued" not in err  # (empty: no continuation line, as en.yaml says)


def test_a_stylesheet_that_is_no_css_is_an_error_at_its_line(tmp_path, capsys, monkeypatch):
    """A designer's missing '}' made the rest of print.css part of one rule (notes
    ran into the text, running heads vanished) and an EPUB that fails EPUBCheck,
    built with exit 0 over the good files; a declaration without its colon was
    dropped in silence."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    assert run(root, "-f", "epub", capsys=capsys)[0] == 0
    epub = root / "dist" / "batunaev-2019-khalkhin-gol" / "batunaev-2019-khalkhin-gol.epub"
    before = epub.read_bytes()
    css = root / "styles" / "css"
    printed = (css / "print.css").read_text()
    line = printed[:printed.index(".venue {")].count("\n") + 1
    (css / "print.css").write_text(printed.replace(".venue {", ".venue { color: #7a1f3d;").replace(
        "margin-bottom: 8mm; }", "margin-bottom: 8mm;", 1))
    (css / "epub.css").write_text((css / "epub.css").read_text() + "\nh2 { color #7a1f3d; }\n")
    code, _, err = run(root, "-f", "epub,pdf", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    assert f"styles/css/print.css:{line}: this '{{' is never closed" in err
    last = (css / "epub.css").read_text().count("\n")
    assert f"styles/css/epub.css:{last}: a declaration that cannot be read" in err
    assert epub.read_bytes() == before


def test_a_declaration_weasyprint_leaves_out_of_print_css_is_told_at_its_line(tmp_path, capsys, monkeypatch):
    """`colr:` and `19pts` were dropped in silence (WeasyPrint's warnings were kept
    quiet); what it says of Imprint's own stylesheets stays quiet."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    css = root / "styles" / "css" / "print.css"
    printed = css.read_text()
    line = printed[:printed.index(".venue {")].count("\n") + 1
    css.write_text(printed.replace(".venue { font-size: 9pt; color: #333;", ".venue { font-size: 19pts; colr: #333;"))
    code, _, err = run(root, "-f", "pdf", capsys=capsys)
    assert code == 0, err
    assert f"styles/css/print.css:{line}: WeasyPrint leaves out `font-size: 19pts`: invalid value" in err
    assert f"styles/css/print.css:{line}: WeasyPrint leaves out `colr: #333`: unknown property" in err
    css.write_text(printed)
    code, _, err = run(root, "-f", "pdf", "--force", capsys=capsys)
    assert code == 0 and "leaves out" not in err
    # With what is no CSS besides, every problem of the file in one run (QA 22: it took three)
    css.write_text(printed.replace(".venue { font-size: 9pt; color: #333;", ".venue { font-size: 19pts; colr: #333;")
                   + "\n.keywords { text-indent 1em; }\n.abstract { margin-top: 2mm;\n")
    code, _, err = run(root, "-f", "pdf", capsys=capsys)
    last = css.read_text().count("\n")
    assert code == 2
    for said in (f"styles/css/print.css:{line}: WeasyPrint leaves out `font-size: 19pts`: invalid value",
                 f"styles/css/print.css:{line}: WeasyPrint leaves out `colr: #333`: unknown property",
                 f"styles/css/print.css:{last - 1}: a declaration that cannot be read (a ':' or ';' missing?)",
                 f"styles/css/print.css:{last}: this '{{' is never closed"):
        assert said in err, err


def test_a_cover_design_that_cannot_be_drawn_is_told_at_its_lines(tmp_path, capsys, monkeypatch):
    """A colour typo ("#f4efe") was an internal error; `lines: 0` silently took the
    label off the cover, and `min-size: small` was accepted."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    design = root / "styles" / "cover.yaml"
    text = design.read_text().replace('background: "#f4efe6"', 'background: "#f4efe"')
    text = text.replace("line-height: 1.3, lines: 1}", "line-height: 1.3, lines: 0}")
    text = text.replace("lines: 3, min-size: 44}", "lines: 3, min-size: small}").replace("font: bold,", "font: heavy,")
    # (and, told in the same pass: a field misspelt, drawn black in silence; a font file not there: QA 22)
    text = text.replace('{top: 0, height: 500, color:', '{top: 0, height: 500, colour:')
    text = text.replace("italic: truetype/paratype/PTF56F.ttf", "italic: NoSuchFont.ttf")
    text = text.replace("{text: subtitle,", "{text: subtitel,")
    design.write_text(text)
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2 and "Traceback" not in err and "internal error" not in err
    lines = text.splitlines()

    def at(fragment: str) -> int:
        return next(n for n, line in enumerate(lines, 1) if fragment in line)
    assert f"styles/cover.yaml:{at('background:')}: background: '#f4efe' is no colour" in err
    assert f"styles/cover.yaml:{at('lines: 0')}: texts[1].lines: lines must be a number of lines, 1 or more" in err
    assert f"styles/cover.yaml:{at('min-size: small')}: texts[0].min-size: min-size must be a number" in err
    assert f"styles/cover.yaml:{at('font: heavy')}: texts[2].font: no font 'heavy' is given under `fonts`" in err
    assert (f"styles/cover.yaml:{at('colour:')}: boxes[0].colour: the cover design has no field 'colour': did you "
            "mean 'color'?") in err
    assert (f"styles/cover.yaml:{at('NoSuchFont')}: fonts.italic: the font file 'NoSuchFont.ttf' is in none of the "
            "font folders") in err
    assert (f"styles/cover.yaml:{at('subtitel')}: texts[3].text: a text block shows one of: journal, label, title, "
            "subtitle, authors: did you mean 'subtitle'?") in err


def _citing_project(tmp_path: Path) -> tuple[Path, Path]:
    """A project whose article cites one book in the house style (a copy of styles/): it and the style's file."""
    root = tmp_path / "project"
    (root / "source" / "a").mkdir(parents=True)
    shutil.copytree(REPO / "styles", root / "styles")
    (root / "source" / "a" / "article.md").write_text(
        "---\ntitle: T\nlang: en\ndate: 2020\ncsl: utmn-humanitates\nreferences:\n  - id: doe\n    type: book\n"
        "    title: A Book\n    author: [{family: Doe, given: Jane}]\n    issued: {date-parts: [[1985]]}\n---\n\n"
        "As [@doe, 580] says.\n")
    return root, root / "styles" / "csl" / "utmn-humanitates.csl"


def test_a_style_that_calls_a_macro_it_does_not_define_is_an_error_at_the_call(tmp_path, capsys, monkeypatch):
    """Pandoc's citeproc said "undefined macro" as a warning against the article,
    and printed the citations without their authors: "(1985, 580)"."""
    monkeypatch.setenv("NO_COLOR", "1")
    root, style = _citing_project(tmp_path)
    text = style.read_text()
    called = re.search(r'<text macro="([\w-]+)"', text).group(1)
    style.write_text(text.replace(f'<text macro="{called}"', '<text macro="author-short-typo"', 1))
    line = style.read_text()[:style.read_text().index('macro="author-short-typo"')].count("\n") + 1
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    assert (f"styles/csl/utmn-humanitates.csl:{line}: the style calls the macro 'author-short-typo', which it does "
            "not define") in err


def test_a_style_pandoc_cannot_read_is_an_error_at_its_element(tmp_path, capsys, monkeypatch):
    """A misspelt attribute (`variabel`) failed Imprint's Lua filter: "internal
    error ... a fault in Imprint", exit 1, no file (QA 22)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root, style = _citing_project(tmp_path)
    text = style.read_text()
    style.write_text(text.replace('<text variable="title"', '<text variabel="title"', 1))
    line = text[:text.index('<text variable="title"')].count("\n") + 1
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2 and "Traceback" not in err and "internal error" not in err, err
    assert (f"styles/csl/utmn-humanitates.csl:{line}: Pandoc's citeproc cannot read the style: text element lacks "
            "needed attribute") in err
    assert err.count("error:") == 1, err  # (not again as the "For citation" line's problem: QA 26)


def test_a_misspelt_variable_in_a_style_is_an_error_at_its_line(tmp_path, capsys, monkeypatch):
    """`variable="titel"` printed every reference and the "For citation" line without
    the title, rc 0 (QA 26)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root, style = _citing_project(tmp_path)
    text = style.read_text()
    style.write_text(text.replace('variable="title"', 'variable="titel"'))
    lines = [n for n, line in enumerate(text.splitlines(), 1) if 'variable="title"' in line]
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2 and "Traceback" not in err and not (root / "dist").exists()
    for line in lines:
        assert (f"styles/csl/utmn-humanitates.csl:{line}: <text variable=\"titel\">: 'titel' is not a variable of "
                "CSL 1.0.2 (no reference has it), so every reference would be printed without it\n"
                "    did you mean 'title'?") in err
    assert err.count("error:") == len(lines) and "Pandoc" not in err, err


@pytest.mark.parametrize("kind", ["csl-m", "element"])
def test_a_csl_m_style_or_an_unknown_element_is_told_once_at_its_line(tmp_path, capsys, monkeypatch, kind):
    """Both were told twice (at the article's csl: and at the style), as Pandoc's
    "Multiple layout elements present in citation" or "unknown element", with no
    line; CSL-M was never named (QA 26)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root, style = _citing_project(tmp_path)
    text = style.read_text()
    at = text.index("<layout", text.index("<citation"))
    if kind == "csl-m":
        text = text[:at] + '<layout locale="en"><text variable="title"/></layout>\n' + text[at:]
        said = ("this is a CSL-M style (version=\"1.1mlz1\"), not CSL 1.0.2, which Pandoc's citeproc reads: the "
                "<citation> has a second <layout>")
        line = text[:at].count("\n") + 2
        text = re.sub(r'(<style [^>]*)version="1.0"', r'\1version="1.1mlz1"', text, count=1)
    else:
        end = text.index(">", at) + 1
        text = text[:end] + "<frobnicate/>" + text[end:]
        said = "the element <frobnicate> is not an element of CSL 1.0.2: Pandoc's citeproc refuses the style"
        line = text[:at].count("\n") + 1
    style.write_text(text)
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    assert f"styles/csl/utmn-humanitates.csl:{line}: {said}" in err
    assert err.count("error:") == 1, err


def test_an_epub_template_that_shows_what_the_epub_does_not_hold_is_an_error(tmp_path, capsys, monkeypatch):
    """A logo from the network, or from styles/ by a path (which print resolves),
    made an EPUB that fails EPUBCheck (RSC-006, RSC-007) with exit 0; a data: URL
    is the EPUB's own."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    template = root / "styles" / "templates" / "epub" / "front-matter.xhtml.j2"
    text = template.read_text()
    template.write_text(text.replace("<body", '<body style="background: url(https://example.org/bg.png)"', 1)
                        .replace("</body>", '<img src="../../styles/logo.png" alt="Logo"/>'
                                            '<img src="data:image/png;base64,iVBORw0KGgo=" alt="Dot"/></body>', 1))
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    template_file = "styles/templates/epub/front-matter.xhtml.j2"
    body, end = (text[:text.index(tag)].count("\n") + 1 for tag in ("<body", "</body>"))
    assert (f"{template_file}:{body}: front-matter.xhtml: url(https://example.org/bg.png) loads it from the "
            "network" in err)
    assert f'{template_file}:{end}: front-matter.xhtml: <img src="../../styles/logo.png"> names a file the EPUB ' \
           "does not hold" in err
    assert "data:image" not in err


def test_a_site_template_that_loads_from_the_network_is_an_error(tmp_path, capsys, monkeypatch):
    """A landing page's logo from a web address was published as it was: every
    reader's browser would fetch it."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    template = root / "styles" / "templates" / "site" / "article.html.j2"
    template.write_text(template.read_text().replace("{% block breadcrumbs %}", "{% block breadcrumbs %}"
                                                     '<img src="https://example.org/logo.png" alt="L">', 1))
    code, _, err = run(root, "-f", "site", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    line = template.read_text().split("https://example.org")[0].count("\n") + 1
    assert (f'styles/templates/site/article.html.j2:{line}: <img src="https://example.org/logo.png"> loads it from '
            "the network") in err


def test_a_print_template_that_loads_what_it_may_not_is_told_at_its_line(tmp_path, capsys, monkeypatch):
    """A logo in the print template as `<img src="logo.png">` stopped the layout with
    "source/<slug>/logo.png: resource not found", filed under the article (F20's
    leftover): told at the template's line, as the EPUB's and the site's are; a web
    address too. A file of the article's folder is the fetcher's to give."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    template = root / "styles" / "templates" / "print" / "article.html.j2"
    text = template.read_text()
    template.write_text(text.replace("<body", '<img src="logo.png" alt="L"/><img src="https://example.org/x.png" '
                                              'alt="X"/>\n<body', 1))
    code, _, err = run(root, "-f", "pdf", capsys=capsys)
    assert code == 2 and "Traceback" not in err and "resource not found" not in err
    line = text[:text.index("<body")].count("\n") + 1
    assert (f'styles/templates/print/article.html.j2:{line}: print/article.html.j2: <img src="logo.png"> names a file '
            "the print edition does not have") in err
    assert (f'styles/templates/print/article.html.j2:{line}: print/article.html.j2: <img '
            'src="https://example.org/x.png"> loads it from the network') in err
    folder = next(p for p in (root / "source").iterdir() if p.is_dir())
    shutil.copy(next(folder.glob("*.png"), None) or REPO / "docs" / "images" / "math-in-print.png", folder / "logo.png")
    template.write_text(text.replace("<body", '<img src="logo.png" alt="L"/>\n<body', 1))
    code, _, err = run(root, "-f", "pdf", capsys=capsys)
    assert code == 0, err


def test_a_site_template_that_shows_a_file_the_site_has_not_is_an_error(tmp_path, capsys, monkeypatch):
    """The index's `<img src="logo.png">` (a file of styles/, never copied into
    dist/) built with exit 0 and a broken picture on the published page, which
    only `check` told (F20); the thumbnails the template shows are the site's."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    template = root / "styles" / "templates" / "site" / "index.html.j2"
    text = template.read_text()
    template.write_text(text.replace("{% block main %}", '{% block main %}\n<img src="logo.png" alt="The journal">', 1))
    code, _, err = run(root, "-f", "epub,site", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    line = text[:text.index("{% block main %}")].count("\n") + 2
    assert (f'styles/templates/site/index.html.j2:{line}: <img src="logo.png"> names a file the site does not hold '
            "(index.html)") in err
    template.write_text(text)
    code, _, err = run(root, "-f", "epub,site", capsys=capsys)
    assert code == 0, err
    assert '<img src="batunaev-2019-khalkhin-gol/cover-thumbnail.jpg"' in (root / "dist" / "index.html").read_text()


def test_a_font_print_css_asks_for_that_is_nowhere_is_told_at_its_line(tmp_path, capsys, monkeypatch):
    """`font-family: "Minion Pro"` (not installed, no @font-face) set the text in the
    machine's fallback font, DejaVu Sans, in silence (QA 16); a family an
    @font-face gives is the document's own."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    css = root / "styles" / "css" / "print.css"
    printed = css.read_text()
    line = printed[:printed.index('html {')].count("\n") + 1
    (root / "styles" / "fonts").mkdir(exist_ok=True)
    shutil.copy(next(Path("/usr/share/fonts").rglob("DejaVuSans.ttf")), root / "styles" / "fonts" / "house.ttf")
    css.write_text(printed.replace('html {', 'html { font-family: "Minion Pro", serif;', 1)
                   + '\n@font-face { font-family: "House Face"; src: url(../fonts/house.ttf); }\nh1 { font-family: '
                     '"House Face", serif; }\n')
    code, _, err = run(root, "-f", "pdf", capsys=capsys)
    assert code == 0, err
    assert f"styles/css/print.css:{line}: the font 'Minion Pro' is neither installed nor given by an @font-face" \
        in err
    assert "House Face" not in err and "'PT Serif'" not in err


def test_a_font_file_not_there_is_told_once_at_its_line_and_no_other_face(tmp_path, capsys, monkeypatch):
    """One @font-face of print.css whose file is misspelt brought a warning for every
    face that WeasyPrint "leaves out `src: url(...)`" (read without a base URL), and
    "looked for styles/css/../fonts/..."; epub.css's was told as a file only the
    stylesheet is copied without (QA 26 F13). Each stylesheet's in one run."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    fonts = root / "styles" / "fonts"
    fonts.mkdir(exist_ok=True)
    for name in ("Body-Regular.ttf", "Body-Italic.ttf"):
        shutil.copy(next(Path("/usr/share/fonts").rglob("DejaVuSerif.ttf")), fonts / name)
    faces = ('\n@font-face { font-family: "Body"; src: url(../fonts/Body-Regular.ttf); }\n'
             '@font-face { font-family: "Body"; font-style: italic; src: url(../fonts/Body-Italc.ttf); }\n'
             'html { font-family: "Body", serif; }\n')
    for name in ("print.css", "epub.css"):
        css = root / "styles" / "css" / name
        css.write_text(css.read_text() + faces)
    line = len((root / "styles" / "css" / "print.css").read_text().splitlines()) - 1
    epub_line = len((root / "styles" / "css" / "epub.css").read_text().splitlines()) - 1
    code, _, err = run(root, "-f", "epub,pdf", "--jobs", "1", capsys=capsys)  # (the EPUB's stylesheet first)
    assert code == 2 and "warning" not in err, err
    problems = [said for said in err.split("error: ")[1:]]
    assert problems == [
        f"styles/css/epub.css:{epub_line}: ../fonts/Body-Italc.ttf (url()): there is no such file, "
        "styles/fonts/Body-Italc.ttf\n    did you mean ../fonts/Body-Italic.ttf?\n",
        f"styles/css/print.css:{line}: ../fonts/Body-Italc.ttf (url()): there is no such file, "
        "styles/fonts/Body-Italc.ttf\n    did you mean ../fonts/Body-Italic.ttf?\n"
        "2 problems: fix them and run again; the files of the articles concerned in dist/ were left as they were.\n",
    ], err


def test_a_file_not_there_through_a_link_out_of_the_project_names_nothing_outside(tmp_path, capsys, monkeypatch):
    """A stylesheet's file not there was looked for, and its folder listed for the
    name meant, before the path was confined: through a link in styles/ to a folder
    outside the project, `url(lnk/passwords.tx)` was told "did you mean
    lnk/passwords.txt?", a file of the outside folder (review of QA 26 F13). Now it
    is refused as outside the project, naming nothing there; so is a font's."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    outside = tmp_path / "outside"
    (outside / "fonts").mkdir(parents=True)
    (outside / "passwords.txt").write_text("secret")
    (outside / "fonts" / "Secret-Face.ttf").write_bytes(b"")
    (root / "styles" / "css" / "lnk").symlink_to(outside)
    (root / "styles" / "fonts").symlink_to(outside / "fonts")
    css = root / "styles" / "css" / "print.css"
    css.write_text(css.read_text() + '\nh1 { background: url(lnk/passwords.tx); }\n'
                   '@font-face { font-family: "Secret"; src: url(../fonts/Secret-Fac.ttf); }\n')
    code, _, err = run(root, "-f", "pdf", capsys=capsys)
    assert code == 2, err
    assert "passwords.txt" not in err and "Secret-Face" not in err, err
    assert err.count("outside the project") == 2, err


def test_what_runs_past_the_page_s_edge_is_named_without_text_of_its_own(tmp_path):
    """A box past the page's edge was quoted by its own text: a formula's glyph (a
    character of the Private Use Area) as “”, a picture as “a picture”, a word the
    layout broke letter by letter as its first letter (QA 26 F14)."""
    from PIL import Image

    from imprint.editions.pdf.job import Job
    from imprint.editions.pdf.typeset import _past_the_edge
    from imprint.editions.pdf.weasy import weasyprint
    from imprint.files import make_url_fetcher

    (tmp_path / "source" / "a").mkdir(parents=True)
    Image.new("RGB", (10, 10)).save(tmp_path / "source" / "a" / "map.png")
    job = Job(html="", base_url="", roots=(str(tmp_path),), file="source/a/article.md", variant="pdf/ua-1", xmp=b"")
    fetcher, _ = make_url_fetcher(tmp_path)
    page = ('<html lang="en"><style>@page { size: 300px 200px; margin: 10px } html { font: 10px/12px serif } '
            '.past { margin-left: 400px }</style><p>Before.</p>%s</html>')
    for shown, said in [
        ('<img class="past" src="file:///imprint-root-0/source/a/map.png" alt="">', "the picture source/a/map.png"),
        ("<img class=\"past\" src=\"data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' width='9' "
         "height='9'/>\" alt=\"A map\">", "the picture “A map”"),
        ('<p class="past"><span class="formula inline" data-tex="x^2 + y^2">\ue000</span></p>',
         "the formula x^2 + y^2"),
        ('<p class="past" style="width: 1px; overflow-wrap: anywhere">Tonnes of grain</p>', "“Tonnes of grain”"),
    ]:
        document = weasyprint.HTML(string=page % shown, url_fetcher=fetcher).render()
        [past] = [p.message for p in _past_the_edge(document, job) if "past the page's edge" in p.message]
        assert past.endswith(f": {said}"), past


def test_a_typo_in_a_stylesheet_an_edition_carries_is_told_at_its_line(tmp_path, capsys, monkeypatch):
    """epub.css and site.css go to e-readers and browsers, which leave out what is
    misspelt in silence; the same mistakes in print.css were told (QA 26 F16). What
    they know and WeasyPrint does not (overflow-x, position: sticky) is no typo."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    epub = root / "styles" / "css" / "epub.css"
    epub.write_text(epub.read_text() + "\nh1 { colr: red; }\np { font-size: 12pts; overflow-x: auto; }\n"
                    ".x { color: #00; position: sticky; }\n")
    lines = len(epub.read_text().splitlines())
    (root / "styles" / "css" / "site.css").write_text("p { magin: 0; }\n")
    code, _, err = run(root, "-f", "epub,site", capsys=capsys)
    assert code == 0, err
    assert f"styles/css/epub.css:{lines - 2}: `colr` is no CSS property: did you mean `color`?" in err
    assert f"styles/css/epub.css:{lines - 1}: `12pts` in `font-size` is no length" in err
    assert f"styles/css/epub.css:{lines}: `#00` in `color` is no colour" in err
    assert "styles/css/site.css:1: `magin` is no CSS property: did you mean `margin`?" in err
    assert "overflow-x" not in err and "sticky" not in err


def test_a_template_linked_from_outside_the_project_is_refused(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    outside = tmp_path / "outside.j2"
    outside.write_text("SECRET")
    template = root / "styles" / "templates" / "front-matter.html.j2"
    template.unlink()
    template.symlink_to(outside)
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2 and "outside the project" in err
    assert not (root / "dist").exists()


# -- warnings raised while editions are written (errors.warn) ------------------------

CUT = Problem("source/a/article.md", "too long for the print edition's running head, which shows only “A…”",
              line=2, field="title", hint="give a shorter form for the running heads in short-title")


def test_a_warning_goes_to_the_unit_or_build_collecting_it_once():
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", ImprintWarning)  # (none may become a Python warning)
        with collecting_warnings() as found:
            warn(CUT)
            warn(CUT)
    assert found == [CUT]


def test_a_warning_nothing_collects_reaches_the_caller_as_a_python_warning():
    """A writer called on its own (no unit, no build): the warning is not dropped
    but a Python warning, which Python prints on stderr unless it is caught."""
    with pytest.warns(ImprintWarning) as caught:
        warn(CUT)
    assert str(caught[0].message) == str(CUT)
    assert caught[0].filename == __file__  # (named where warn was called)


def test_a_warning_raised_in_the_build_s_own_process_outside_a_unit_is_reported(tmp_path, capsys, monkeypatch):
    """The build collects what is warned in its own process outside every unit (a
    site page, an edition written there): told with the units' warnings, exit 0."""
    import warnings

    import imprint.pipeline

    monkeypatch.setenv("NO_COLOR", "1")
    site = imprint.pipeline.build_site

    def build_site_warning(*args, **kwargs):
        warn(CUT)
        return site(*args, **kwargs)

    monkeypatch.setattr(imprint.pipeline, "build_site", build_site_warning)
    root = make_project(tmp_path / "project", REPO / "source")
    with warnings.catch_warnings():
        warnings.simplefilter("error", ImprintWarning)
        code, _, err = run(root, "-f", "json,site", capsys=capsys)
    assert code == 0, err
    assert ("warning: source/a/article.md:2: title: too long for the print edition's running head, which shows "
            "only “A…”\n    give a shorter form for the running heads in short-title") in err, err


def test_an_article_in_windows_1251_is_told_as_such_at_its_line(tmp_path, capsys, monkeypatch):
    """"byte 234 cannot be decoded", no line, no word of the encoding a Russian
    editor's Word or Notepad saved it in (QA 23)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", CASES / "apparatus-ru" / "source")
    article = root / "source" / "apparatus-ru" / "article.md"
    article.write_bytes(article.read_text(encoding="utf-8").encode("cp1251", errors="replace"))
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 2 and "Traceback" not in err
    first = next(n for n, line in enumerate(article.read_bytes().split(b"\n"), 1) if any(b > 127 for b in line))
    assert f"source/apparatus-ru/article.md:{first}: article is not UTF-8 text" in err
    assert "it reads as Windows-1251 (Cyrillic)" in err


def test_a_build_run_in_an_article_s_folder_says_where_the_project_is(tmp_path, capsys, monkeypatch):
    """Run in an article's folder (or -C source), it said "create source/<article>/article.md" (QA 23)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    for inside, what in ((root / "source" / "batunaev-2019-khalkhin-gol", "an article's"),
                         (root / "source", "source/'s")):
        code, _, err = run(inside, capsys=capsys)
        assert code == 2 and f"this is {what} folder: run it in the project's, which holds source/ (-C {root})" in err


def test_a_cover_font_without_the_titles_letters_is_told_at_its_line(tmp_path, capsys, monkeypatch):
    """A Latin-only font for a Russian title: Pillow drew nothing for its letters,
    rc 0 and not a word (QA 26). Now a warning at the font's line of cover.yaml,
    naming the characters; the cover is drawn as the design says (no fallback)."""
    from fontTools import subset

    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", CASES / "apparatus-ru" / "source")
    fonts = root / "styles" / "fonts"
    fonts.mkdir(exist_ok=True)
    subset.main(["/usr/share/fonts/truetype/paratype/PTF75F.ttf", "--unicodes=20-7E",
                 f"--output-file={fonts / 'Latin.ttf'}"])
    design = root / "styles" / "cover.yaml"
    text = design.read_text().replace("bold: truetype/paratype/PTF75F.ttf", "bold: Latin.ttf")
    design.write_text(text)
    line = next(n for n, each in enumerate(text.splitlines(), 1) if "bold: Latin.ttf" in each)
    code, _, err = run(root, "-f", "epub", capsys=capsys)
    assert code == 0, err
    assert (f"warning: styles/cover.yaml:{line}: fonts.bold: the font 'Latin.ttf' has no glyph for 23 characters "
            "(Cyrillic) of the title on the cover of source/apparatus-ru/article.md, which the cover leaves out: "
            "В (U+0412), о (U+043E), е (U+0435)") in err, err
    assert "fonts.regular" not in err and "fonts.italic" not in err  # (the journal's and authors' fonts have them)
