"""Imprint's own templates are compiled once and kept; a project's are not."""

from __future__ import annotations

import jinja2
import pytest

from imprint.theme import jinja as templating
from imprint.theme import Theme
from conftest import REPO


@pytest.fixture
def compiled(monkeypatch, tmp_path):
    """The names of the templates Jinja compiles, with the kept ones in tmp_path/cache."""
    monkeypatch.setattr(templating._OwnTemplatesCache, "folder", tmp_path / "cache")
    names: list[str] = []
    compile_ = jinja2.Environment.compile

    def counting(self, source, name=None, filename=None, *args, **kwargs):
        names.append(name)
        return compile_(self, source, name, filename, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counting)
    return names


def test_own_templates_are_compiled_once(tmp_path, compiled):
    project = tmp_path / "project"
    (project / "styles").mkdir(parents=True)  # no templates of its own
    Theme(project, project / "styles").env.get_template("references.html.j2")
    assert compiled == ["references.html.j2"]
    assert len(list((tmp_path / "cache").iterdir())) == 1
    first = Theme(project, project / "styles").env.get_template("references.html.j2")
    assert compiled == ["references.html.j2"]  # the second build read it back
    for kept in (tmp_path / "cache").iterdir():
        kept.write_bytes(b"not a compiled template")
    again = Theme(project, project / "styles").env.get_template("references.html.j2")
    assert compiled == ["references.html.j2"] * 2  # a damaged file is compiled again, and replaced
    doc = {"body": {"references_heading": None, "hanging_indent": True, "entry_spacing": "0", "line_spacing": None,
                    "references": [{"id": "ref-a", "html": "A. <i>Book</i> 1939 г.", "lang": None}]},
           "references_title": "Литература", "article": {"lang": "ru"}}
    page = first.render(doc=doc, epub=True, level=2)
    assert 'id="ref-a"' in page and "1939\u00a0г." in page
    assert again.render(doc=doc, epub=True, level=2) == page
    Theme(project, project / "styles").env.get_template("references.html.j2")
    assert compiled == ["references.html.j2"] * 2


def test_project_templates_are_compiled_at_each_build(tmp_path, compiled):
    project = tmp_path / "project"
    (project / "styles" / "templates").mkdir(parents=True)
    (project / "styles" / "templates" / "references.html.j2").write_text("<p>{{ 1 + 1 }}</p>\n")
    for _ in range(2):
        assert Theme(project, project / "styles").env.get_template("references.html.j2").render() == "<p>2</p>\n"
    assert compiled == ["references.html.j2"] * 2
    assert not (tmp_path / "cache").exists()


def test_a_folder_that_cannot_be_written_is_no_error(tmp_path, monkeypatch, compiled):
    (tmp_path / "cache").write_text("a file where the folder would be")
    project = tmp_path / "project"
    (project / "styles").mkdir(parents=True)
    Theme(project, project / "styles").env.get_template("references.html.j2")
    Theme(project, project / "styles").env.get_template("references.html.j2")
    assert compiled == ["references.html.j2"] * 2


@pytest.mark.parametrize("name, offered", [("chicago-fulnote-bibliography", "'chicago-notes-bibliography'"),
                                           ("apa-7th-editon", "'apa'"), ("utmn-humanitatis", "'utmn-humanitates'")])
def test_a_mistyped_style_name_is_offered_the_close_ones(name, offered):
    """As a field or a citation key is ("did you mean"): typing mistakes are what
    editors write."""
    from imprint.errors import StyleError

    with pytest.raises(StyleError) as caught:
        Theme(REPO, REPO / "styles").csl_style(name)
    assert caught.value.problems[0].hint.startswith(f"did you mean {offered}"), caught.value.problems[0].hint


@pytest.mark.parametrize("name, hint", [
    ("chicago-fullnote-bibliography.csl", "the CSL repository's style of that name is named without '.csl': "
                                          "csl: chicago-fullnote-bibliography (now chicago-notes-bibliography)"),
    ("apa.csl", "the CSL repository's style of that name is named without '.csl': csl: apa"),
    ("house.csl", "name a .csl file by its path from the project's folder (styles/csl/house.csl), or a style by "
                  "its name (apa)")])
def test_a_style_file_that_is_not_there_names_the_repositorys_style(name, hint):
    """`csl: chicago-fullnote-bibliography.csl`, as R Markdown projects write it,
    with its file not beside: "no such file", and a hint with nothing of it (QA 21)."""
    from imprint.errors import StyleError

    with pytest.raises(StyleError) as caught:
        Theme(REPO, REPO / "styles").csl_style(name)
    assert caught.value.problems[0].hint == hint


def test_a_projects_quotation_marks_go_over_imprints_and_are_checked(tmp_path):
    """A project's styles/locales/quotation-marks.yaml changes a language's marks
    (the others stay Imprint's); a language given other than four marks is refused
    at its line."""
    from imprint.errors import StyleError

    styles = tmp_path / "styles"
    (styles / "locales").mkdir(parents=True)
    (styles / "locales" / "quotation-marks.yaml").write_text('cs: "»«›‹"\n', encoding="utf-8")
    theme = Theme(tmp_path, styles)
    assert theme.strings("cs")["quotes"] == "»«›‹" and theme.strings("pl")["quotes"] == "„”«»"
    (styles / "locales" / "quotation-marks.yaml").write_text('cs: "»«›‹"\nsk: "«»"\n', encoding="utf-8")
    with pytest.raises(StyleError) as caught:
        Theme(tmp_path, styles).strings("sk")
    problem, = caught.value.problems
    assert problem.line == 2 and "four marks" in problem.message and "sk" in problem.message


def test_a_project_s_language_file_made_before_the_newer_words_takes_english_s(tmp_path):
    """(a review's finding) the statements' headings added later were required of a
    project's own language file: every article in that language failed."""
    import yaml

    words = yaml.safe_load((REPO / "styles" / "locales" / "en.yaml").read_text(encoding="utf-8"))
    for key in ("author_contributions", "institutional_review", "informed_consent", "code_availability",
                "supplementary_material", "disclaimer"):
        del words[key]
    (tmp_path / "styles" / "locales").mkdir(parents=True)
    (tmp_path / "styles" / "locales" / "nl.yaml").write_text(yaml.safe_dump(words, allow_unicode=True))
    strings = Theme(tmp_path, tmp_path / "styles").strings("nl")
    assert strings["disclaimer"] == "Disclaimer" and strings["abstract"] == words["abstract"]


def test_a_region_s_words_are_its_language_s_with_its_own_on_top(tmp_path):
    """`lang: en-US` printed a British date ("1 January 2023"): en-US.yaml gives
    only what differs from en.yaml; a project's region file its own few words."""
    theme = Theme(tmp_path, tmp_path / "styles")
    us, gb = theme.strings("en-US"), theme.strings("en-GB")
    assert us["date_day"] == "{month} {day}, {year}" and gb["date_day"] == "{day} {month} {year}"
    assert us["licence"] == "License" and gb["licence"] == "Licence"
    assert us["abstract"] == gb["abstract"] == "Abstract" and us["months"] == gb["months"]
    (tmp_path / "styles" / "locales").mkdir(parents=True)
    (tmp_path / "styles" / "locales" / "ru-KZ.yaml").write_text('published: "Опубликовано онлайн"\n', encoding="utf-8")
    kz = Theme(tmp_path, tmp_path / "styles").strings("ru-KZ")
    assert kz["published"] == "Опубликовано онлайн" and kz["abstract"] == "Аннотация"


def test_a_language_s_words_know_their_language_in_a_worker_too(tmp_path):
    """A word a template asks for and the words lack is told with their language and
    its file (QA 26 F10): the words reach a worker pickled, with the manuscript."""
    import pickle

    theme = Theme(tmp_path, tmp_path / "styles")
    for lang, known in (("ru", "ru"), ("en-US", "en-US"), ("de", "de"), ("nl", "en")):  # (nl: English's, no file)
        words = pickle.loads(pickle.dumps(theme.strings(lang)))
        assert words.lang == known and words == theme.strings(lang), lang


def test_what_weasyprint_leaves_out_is_read_with_a_base_and_fetching_nothing():
    """Read without a base URL, every url() was "left out" (QA 26 F13), and an @import
    of a web address was fetched (the no_network fixture fails a test that tries)."""
    from imprint.theme.stylesheets import weasyprint_leaves_out

    said = weasyprint_leaves_out("styles/css/print.css", '@import url(https://example.org/x.css);\n'
                                 '@font-face { font-family: A; src: url(../fonts/A.ttf); }\np { colr: red }\n')
    assert [(p.line, p.message) for p in said] == [(3, "WeasyPrint leaves out `colr: red `: unknown property")]


@pytest.mark.parametrize("name", ["chicago-note-bibliography", "https://www.zotero.org/styles/chicago-note-bibliography",
                                  "chicago-fullnote-bibliography"])
def test_a_style_the_csl_repository_renamed_is_its_new_one(name):
    """Pandoc's and Zotero's old names (maehr's academic-pandoc-template names
    chicago-note-bibliography by its address): the style that address serves now,
    after the repository's renamed-styles.json (a note says so: prepare._renamed)."""
    new = {"chicago-fullnote-bibliography": "chicago-notes-bibliography"}.get(name,
                                                                           "chicago-shortened-notes-bibliography")
    assert Theme(REPO, REPO / "styles").csl_style(name).stem == new


def test_a_project_s_language_file_is_over_imprint_s_region_file(tmp_path):
    """(a review's finding) Imprint's en-US.yaml overrode a project's own en.yaml for
    every `lang: en-US` article; `en-us` found no region file at all."""
    (tmp_path / "styles" / "locales").mkdir(parents=True)
    (tmp_path / "styles" / "locales" / "en.yaml").write_text("licence: Terms of use\n", encoding="utf-8")
    theme = Theme(tmp_path, tmp_path / "styles")
    assert theme.strings("en-US")["licence"] == theme.strings("en")["licence"] == "Terms of use"
    assert theme.strings("en-us")["date_day"] == "{month} {day}, {year}"


def test_the_template_guide_names_only_what_templates_are_given():
    """docs/templates.md, the designer's list of what each template sees: every
    `doc.`, `issue.` and `t.` name it gives is a field, a property or a method of
    what the templates are given, or a word of the language files."""
    import dataclasses
    import re

    from imprint.body.chapters import Body
    from imprint.prepare.article import Manuscript, Statements, TranslatedFront
    from imprint.prepare.issue import IssueManuscript
    from imprint.source.model import Article, Issue

    def names(kind) -> set[str]:
        return {f.name for f in dataclasses.fields(kind)} | {n for n in dir(kind) if not n.startswith("_")}

    inside = {"doc": Manuscript, "doc.article": Article, "doc.body": Body, "doc.statements": Statements,
              "doc.translation": TranslatedFront, "issue": IssueManuscript, "issue.issue": Issue}
    guide = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    words = Theme(REPO, REPO / "styles").strings("en")
    checked = 0
    for path in re.findall(r"`((?:doc|issue|t)(?:\.[a-z_]+)+)", guide):
        parts = path.split(".")
        if parts[0] == "t":
            assert parts[1] in words or parts[1] == "get", path  # (t.get("key", fallback))
        else:
            owner = ".".join(parts[:2]) if ".".join(parts[:2]) in inside and len(parts) > 2 else parts[0]
            assert parts[len(owner.split("."))] in names(inside[owner]), path
        checked += 1
    assert checked > 50  # (the guide names about 60)


def test_a_project_template_extends_imprints_own_of_the_same_name(tmp_path):
    """By its name a template extending Imprint's of the same name was itself:
    "calls itself without end" (QA 22). With imprint: before the name, Imprint's."""
    from imprint.errors import StyleError

    project = tmp_path / "project"
    templates = project / "styles" / "templates" / "site"
    templates.mkdir(parents=True)
    (templates / "base.html.j2").write_text(
        '{% extends "imprint:site/base.html.j2" %}{% block head %}<meta name="x-journal" content="1">'
        "{{ super() }}{% endblock %}")
    theme = Theme(project, project / "styles")
    source, _, _ = theme.env.loader.get_source(theme.env, "imprint:site/base.html.j2")
    assert source == (REPO / "styles" / "templates" / "site" / "base.html.j2").read_text()
    assert "{% block head %}" in source
    (templates / "index.html.j2").write_text('{% include "site/index.html.j2" %}')
    with pytest.raises(StyleError) as raised:
        theme.render("site/index.html.j2")
    assert 'name it with imprint: before it ({% extends "imprint:site/index.html.j2" %})' in str(raised.value.problems)


@pytest.mark.parametrize("template", ["<h1>{{ doc.title_text|safe }}</h1>",
                                      "{% autoescape false %}<h1>{{ doc.title_text }}</h1>{% endautoescape %}",
                                      "{% filter safe %}{{ doc.title_text }}{% endfilter %}"])
def test_a_template_cannot_print_a_text_unescaped(tmp_path, template):
    """`|safe` on a title put an author's <script> into the EPUB and the landing page (QA 22)."""
    from imprint.errors import StyleError

    project = tmp_path / "project"
    (project / "styles" / "templates").mkdir(parents=True)
    (project / "styles" / "templates" / "references.html.j2").write_text("\n" + template)
    with pytest.raises(StyleError) as raised:
        Theme(project, project / "styles").render("references.html.j2", doc={"title_text": "<script>"})
    [problem] = raised.value.problems
    assert problem.file.endswith("references.html.j2") and problem.line == 2 and "unescaped" in problem.message


def test_a_template_shows_a_picture_of_styles_images_in_every_edition(tmp_path):
    """A journal's logo had no way into the editions: print resolves paths against
    the article, the EPUB holds no file a template names, the site's page linked
    one outside dist/ (QA 22). image() gives it as a data: URL, which every edition holds."""
    import base64
    import zipfile

    from imprint import build
    from imprint.settings import Settings
    from conftest import make_project

    root = make_project(tmp_path / "project", REPO / "source")
    (root / "styles" / "images").mkdir(parents=True)
    logo = REPO / "tests" / "cases" / "apparatus-ru" / "source" / "apparatus-ru" / "images" / "map.png"
    (root / "styles" / "images" / "logo.png").write_bytes(logo.read_bytes())
    template = root / "styles" / "templates" / "front-matter.html.j2"
    template.parent.mkdir(parents=True, exist_ok=True)
    own = (REPO / "styles" / "templates" / "front-matter.html.j2").read_text()
    template.write_text('<p class="logo"><img src="{{ image("logo.png") }}" alt="The journal"/></p>\n' + own)
    report = build(Settings.for_project(root, formats=("epub", "pdf", "site"), environ={}))
    assert report.ok, report.problems
    url = "data:image/png;base64," + base64.b64encode(logo.read_bytes()).decode()
    slug = "batunaev-2019-khalkhin-gol"
    with zipfile.ZipFile(root / "dist" / slug / f"{slug}.epub") as archive:
        assert url in archive.read("EPUB/front-matter.xhtml").decode()
    assert url in (root / "dist" / slug / "index.html").read_text()
    theme = Theme(root, root / "styles")
    for name, said in (("nothing.png", "no such picture .* put the file there"),
                       ("logos.png", "did you mean 'logo.png'"), ("../source/publication.yaml", "no such picture"),
                       ("logo.bmp", "no such picture")):
        with pytest.raises(jinja2.TemplateRuntimeError, match=said):
            theme.image(name)


def test_a_misspelt_word_of_a_project_s_language_file_is_told(tmp_path):
    """`for_citaton:` was accepted in silence, Imprint's own word printed (QA 22); a
    word of the project's own (for its templates) is no mistake."""
    import warnings

    project = tmp_path / "project"
    (project / "styles" / "locales").mkdir(parents=True)
    (project / "styles" / "locales" / "ru.yaml").write_text("journal_motto: Девиз\nfor_citaton: Для цитаты\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        words = Theme(project, project / "styles").strings("ru")
    assert words["journal_motto"] == "Девиз"
    assert [str(w.message).splitlines()[0] for w in caught] == [
        "styles/locales/ru.yaml:2: 'for_citaton' is no word Imprint prints: did you mean 'for_citation'?"]


@pytest.mark.parametrize("included, said, hint", [
    ("journal-macros.html.j2", "template not found (included by styles/templates/references.html.j2:1)",
     "fix the name in the template that includes it (or make the file)"),
    ("../../source/publication.yaml", "none lies outside", "name a template inside styles/templates/"),
    ("site/downlaods.html.j2", "template not found (included by styles/templates/references.html.j2:1)",
     "did you mean 'site/downloads.html.j2'? Else fix the name, or make the file"),
    ("print/article.html.j2", None, None)])
def test_a_template_not_found_is_told_as_what_it_is(tmp_path, included, said, hint):
    """A designer's own include deleted, and one out of styles/, were both "restore
    it from the Imprint repository", which never had them (QA 22)."""
    from imprint.errors import StyleError

    project = tmp_path / "project"
    (project / "styles" / "templates").mkdir(parents=True)
    (project / "styles" / "templates" / "references.html.j2").write_text(f'{{% include "{included}" %}}')
    if said is None:  # (one of Imprint's, found there)
        assert Theme(project, project / "styles").env.get_template("references.html.j2")
        return
    with pytest.raises(StyleError) as raised:
        Theme(project, project / "styles").render("references.html.j2")
    [problem] = raised.value.problems
    assert said in problem.message and problem.hint == hint


def test_a_block_none_of_the_templates_it_extends_has_is_told(tmp_path):
    """`{% block breadcrumb %}` for breadcrumbs, in a template extending Imprint's, was
    never shown, in silence (QA 26 F20); a block of its own inside one it fills is shown."""
    from imprint.errors import collecting_warnings

    project = tmp_path / "project"
    (project / "styles" / "templates" / "site").mkdir(parents=True)
    (project / "styles" / "templates" / "site" / "index.html.j2").write_text(
        '{% extends "imprint:site/index.html.j2" %}\n{% block breadcrumb %}Home{% endblock %}\n'
        "{% block main %}{% block notice %}{% endblock %}{% endblock %}\n")
    theme = Theme(project, project / "styles")
    with collecting_warnings() as warned:
        theme._unknown_blocks("site/index.html.j2")
        theme._unknown_blocks("site/index.html.j2")  # (once)
    assert [(w.file, w.line, w.message, w.hint.split("?")[0]) for w in warned] == [
        ("styles/templates/site/index.html.j2", 2, "the block 'breadcrumb' is in none of the templates this one "
         "extends (imprint:site/index.html.j2, site/base.html.j2): it is never shown", "did you mean 'breadcrumbs'")]


def test_a_block_never_closed_is_told_where_it_opens(tmp_path):
    """`{% if %}` with no `{% endif %}` was told at the template's last line (QA 22)."""
    from imprint.errors import StyleError

    project = tmp_path / "project"
    (project / "styles" / "templates").mkdir(parents=True)
    (project / "styles" / "templates" / "references.html.j2").write_text(
        "{% for r in doc %}\n{{ r }}\n{% endfor %}\n{% if doc %}\n<p>x</p>\n\n\n<p>y</p>\n")
    with pytest.raises(StyleError) as raised:
        Theme(project, project / "styles").render("references.html.j2", doc=[])
    [problem] = raised.value.problems
    assert problem.line == 4 and "Unexpected end of template" in problem.message
