"""A project built by someone who did not write it: its templates run in Jinja's
sandbox, its stylesheets load nothing from elsewhere, its front matter links only
to the web (issue 18, items 1, 2 and 6). Each refusal is a user error (exit 2)
naming the file and line, with no traceback, and leaves dist/ as it was."""

from __future__ import annotations

import zipfile
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from markupsafe import Markup

from conftest import REPO, make_project
from imprint import build
from imprint.cli import main
from imprint.errors import StyleError
from imprint.settings import Settings
from imprint.source.readonly import ReadOnlyDict
from imprint.theme import Theme
from imprint.theme import jinja as templating
from imprint.theme import work
from imprint.theme.stylesheets import references, scheme_of

SLUG = "batunaev-2019-khalkhin-gol"
FRONT_MATTER = Path("styles") / "templates" / "front-matter.html.j2"


def run(root: Path, *args: str, capsys) -> tuple[int, str]:
    code = main(["build", "-C", str(root), "--jobs", "1", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, err


def dist_files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root / "dist")): p.read_bytes() for p in sorted((root / "dist").rglob("*"))
            if p.is_file() and ".imprint" not in p.parts}


def insert_line(path: Path, number: int, text: str) -> None:
    """`text` becomes line `number` of the file."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines.insert(number - 1, text + "\n")
    path.write_text("".join(lines), encoding="utf-8")


def first_line_after_comments(path: Path) -> int:
    """The first line of the template that is not inside its opening comment."""
    lines = path.read_text(encoding="utf-8").splitlines()
    closing = next(i for i, line in enumerate(lines) if "#}" in line)
    return closing + 2


# -- 1. templates in the sandbox ---------------------------------------------------


def test_the_escape_of_the_issue_is_an_error_with_the_template_line(tmp_path, capsys, monkeypatch):
    """`cycler.__init__.__globals__.os.popen(...)` in a project's front-matter template:
    exit 2, the template and its line, the command never run, dist/ as it was."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    assert run(root, "--formats", "epub,pdf,site", capsys=capsys)[0] == 0
    before = dist_files(root)
    template = root / FRONT_MATTER
    line = first_line_after_comments(template)
    marker = tmp_path / "ran"
    insert_line(template, line, f"{{{{ cycler.__init__.__globals__.os.popen('touch {marker}').read() }}}}")
    code, err = run(root, "--formats", "epub,pdf,site", capsys=capsys)
    assert code == 2
    assert f"error: {FRONT_MATTER}:{line}: template error: access to attribute '__init__'" in err
    assert "templates run in a sandbox" in err
    assert not marker.exists()
    assert dist_files(root) == before


SECRET = "the contents of a file outside the project"


@pytest.mark.parametrize("payload", [
    "{{ p.read_text() }}",
    "{{ p.parent.joinpath('secret.txt').read_bytes() }}",
    "{{ p.write_text('x') }}",
    "{{ p.unlink() }}",
    "{{ p|attr('read_text') }}",
    "{{ (p|attr('parent')).iterdir()|list }}",
    "{{ p['read_text']() }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ t.update({'x': 1}) }}",
    "{% set l = [1] %}{{ l.append(2) }}",
    "{{ items.clear() }}",
    "{{ '{0.__class__}'.format(p) }}",
    "{{ 'a' * 10000000 }}",
    "{{ [1] * 10000000 }}",
    "{{ 9 ** 999999 }}",
    "{{ (9 ** 999) ** 999 }}",
    "{{ '%999999999s'|format(1) }}",
    "{{ '%*s' % (999999999, 'a') }}",
    "{{ '{:>999999999}'.format(1) }}",
    "{{ '{:{}}'.format(1, 999999999) }}",
    "{{ 'a'|center(999999999) }}",
    "{% filter indent(999999999) %}a{% endfilter %}",
    "{{ 1 / 0 }}",
    "{{ 2.0 ** 100000 }}",
    "{{ lipsum() }}",
    "{{ items|random }}",
    "{% include 'x.html.j2' %}",
    "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
    "{% extends 'x.html.j2' %}{% extends 'x.html.j2' %}",
    "{{ undefined_name }}",
    "{% if %}",
])
def test_what_a_template_may_not_do_is_a_style_error_at_its_line(payload, tmp_path):
    """Python's internals, a path's disk methods, mutation of what a template is
    given, randomness, unbounded numbers and texts, runaway recursion: each a
    StyleError naming the template's file and line, the disk untouched."""
    project = tmp_path / "project"
    (project / "styles" / "templates").mkdir(parents=True)
    (project / "styles" / "templates" / "x.html.j2").write_text(f"<p>first line</p>\n{payload}\n")
    secret = tmp_path / "secret.txt"
    secret.write_text(SECRET)
    theme = Theme(project, project / "styles")
    with pytest.raises(StyleError) as raised:
        theme.render("x.html.j2", p=secret, t=ReadOnlyDict({"a": "b"}), items=[1, 2])
    problem = raised.value.problems[0]
    assert (problem.file, problem.line) == ("styles/templates/x.html.j2", 2), problem
    assert problem.message.startswith("template error: ")
    assert secret.read_text() == SECRET


STEPS, CHARACTERS = "past 1,000,000 turns of loops and calls", "past 100,000,000 characters written or made"


@pytest.mark.slow  # (seconds: out of the quick loop)
@pytest.mark.parametrize("payload, past", [
    ("{% for a in range(100000) %}{% for b in range(100000) %}{{ b }}{% endfor %}{% endfor %}", STEPS),
    ("{% for a in range(100000) %}{% for b in range(100000) if false %}{% endfor %}{% endfor %}", STEPS),
    ("{% for a in range(100000) %}{% for b in range(100000)|reverse %}{% endfor %}{% endfor %}", STEPS),
    ("{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}", STEPS),
    ("{% for i in range(100000) %}{% for j in range(100000) %}{% include 'y.html.j2' %}{% endfor %}{% endfor %}",
     STEPS),
    ("{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
     CHARACTERS),
    ("{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}{% endfor %}",
     CHARACTERS),
    ("{% for i in range(100000) %}{{ big }}{% endfor %}", CHARACTERS),
    ("{% for i in range(100000) %}{{ 'x'|center(100000) }}{% endfor %}", CHARACTERS),
    ("{% for i in range(100000) %}" + "x" * 10_000 + "{% endfor %}", CHARACTERS),
])
def test_a_runaway_template_stops_with_its_name_long_before_the_time_limit(payload, past, tmp_path):
    """Loops within loops (writing or not), a macro calling itself twice, an
    include in a loop, a text doubled again and again, a long text written in a
    loop: each stopped within seconds by the count of the rendering's work, with
    the template and line, not left to run (or fill the memory) until the unit's
    --time-limit."""
    import time

    project = tmp_path / "project"
    (project / "styles" / "templates").mkdir(parents=True)
    (project / "styles" / "templates" / "x.html.j2").write_text(f"<p>first line</p>\n{payload}\n")
    (project / "styles" / "templates" / "y.html.j2").write_text("<p>{{ 1 }}</p>\n")
    started = time.monotonic()
    with pytest.raises(StyleError) as raised:
        Theme(project, project / "styles").render("x.html.j2", big=Markup("<p>" + "x" * 1_000_000 + "</p>"))
    assert time.monotonic() - started < 60  # (3 s at most here: --time-limit is 300)
    problem = raised.value.problems[0]
    assert problem.message.startswith(f"template error: the rendering was stopped here, {past}"), problem
    assert problem.file in ("styles/templates/x.html.j2", "styles/templates/y.html.j2") and problem.line, problem
    if problem.file.endswith("y.html.j2"):  # (stopped in what it includes: the line that included it is named)
        assert "(rendered from styles/templates/x.html.j2:2)" in problem.message
    assert problem.hint.startswith("look for ")


def test_a_runaway_template_in_a_build_is_a_style_error_not_a_stopped_unit(tmp_path, capsys, monkeypatch):
    """In a build: exit 2, the template and line of the loop, the rendering's limit
    named, long before the unit's --time-limit would have stopped it."""
    import time

    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    template = root / FRONT_MATTER
    line = first_line_after_comments(template)
    insert_line(template, line, "{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}")
    started = time.monotonic()
    code, err = run(root, "--formats", "epub", "--time-limit", "120", capsys=capsys)
    assert code == 2 and time.monotonic() - started < 60
    assert (f"error: {FRONT_MATTER}:{line}: template error: the rendering was stopped here, past 1,000,000 turns "
            "of loops and calls") in err, err
    assert "look for loops within loops" in err and "seconds" not in err


def test_the_work_of_a_rendering_is_counted_as_the_readme_says(tmp_path, monkeypatch):
    """A turn of a loop and a call (of a macro, of range) are one step each; a page
    and each call of a macro from Python (a note's) are counted apart; what a
    template includes counts with it."""
    monkeypatch.setattr(work, "MAX_STEPS", 1000)
    project = tmp_path / "project"
    (project / "styles" / "templates").mkdir(parents=True)
    templates = {"fits.j2": "{% for a in range(10) %}{% for b in range(96) %}{% endfor %}{% endfor %}"
                            "{% include 'one.j2' %}",  # 11 calls of range, 10 + 960 turns, one.j2's 10: 991
                 "one.j2": "{% macro m() %}{% for i in range(8) %}{% endfor %}{% endmacro %}{{ m() }}",
                 "over.j2": "{% for a in range(10) %}{% for b in range(97) %}{% endfor %}{% endfor %}"
                            "{% include 'one.j2' %}",  # 1001
                 "notes.j2": "{% macro note(n) %}{% for i in range(999) %}{% endfor %}{% endmacro %}"}
    for name, text in templates.items():
        (project / "styles" / "templates" / name).write_text(text)
    theme = Theme(project, project / "styles")
    assert theme.render("fits.j2") == ""
    with pytest.raises(StyleError, match="past 1,000 turns of loops and calls"):
        theme.render("over.j2")
    notes = theme.macros("notes.j2")
    for number in range(5):
        assert notes.note(number) == ""


def test_imprint_s_own_templates_take_a_hundredth_of_the_limits(tmp_path, monkeypatch):
    """Every edition and page of the example project rendered within 1/100 of
    each limit: ordinary templates are far from them."""
    monkeypatch.setattr(work, "MAX_STEPS", work.MAX_STEPS // 100)
    monkeypatch.setattr(work, "MAX_CHARACTERS", work.MAX_CHARACTERS // 100)
    root = make_project(tmp_path / "project", REPO / "source")
    report = build(Settings.for_project(root, environ={}, executor="inline", formats=("epub", "pdf", "site")))
    assert report.ok, report.problems


def test_what_a_template_may_do_still_works(tmp_path):
    """The sandbox takes nothing a designer needs: a path's name, Jinja's helpers,
    formatting, small repetitions and powers, macros, Imprint's two filters."""
    project = tmp_path / "project"
    (project / "styles" / "templates").mkdir(parents=True)
    (project / "styles" / "templates" / "x.html.j2").write_text(
        "{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}"
        "{% set ns = namespace(n=0) %}{% for i in range(3) %}{% set ns.n = ns.n + i %}{% endfor %}"
        "{{ p.name }}|{{ p.suffix }}|{{ p.stem }}|{{ ns.n }}|{{ '%s-%s'|format(1, 2) }}|{{ '{}!'.format('a') }}|"
        "{{ '-' * 3 }}|{{ 2 ** 10 }}|{{ twice('ab') }}|{% set c = cycler('x', 'y') %}{{ c.next() }}{{ c.next() }}|"
        "{{ dict(a=1).a }}|{{ items|join(',') }}|{{ t.a }}|{{ t.get('a') }}|{{ 1234|filesize(t) }}|"
        "{{ 'в лесу'|typeset('ru') }}|{{ items|map('string')|list|length }}|{{ '%3s' % 'a' }}|"
        "{{ '{:>3}'.format('a') }}|{{ 'x'|center(3) }}|{{ (10 ** 7)|filesizeformat }}|{{ 7 % 3 }}\n")
    words = ReadOnlyDict({"a": "b", "size_b": "B", "size_kb": "kB", "size_mb": "MB"})
    page = Theme(project, project / "styles").render("x.html.j2", p=Path("/somewhere/article.md"), t=words,
                                                      items=(1, 2))
    assert page == ("article.md|.md|article|3|1-2|a!|---|1024|abab|xy|1|1,2|b|b|1\u00a0kB|"
                    "в\u00a0лесу|2|  a|  a| x |10.0 MB|1\n")


def test_every_template_is_rendered_in_the_sandbox(tmp_path):
    project = tmp_path / "project"
    (project / "styles").mkdir(parents=True)
    env = Theme(project, project / "styles").env
    assert isinstance(env, jinja2.sandbox.ImmutableSandboxedEnvironment)
    assert sorted(env.globals) == sorted([*templating.GLOBALS, "image"])  # (image(): styles/images/, as data:)
    assert "random" not in env.filters and "safe" not in env.filters and {"typeset", "filesize"} <= set(env.filters)


def test_a_template_compiled_without_the_sandbox_is_not_loaded_from_the_cache(tmp_path, monkeypatch):
    """The sandbox compiles calls and operators otherwise than a plain Environment:
    a template kept before the sandbox (same name, same options) must be compiled again."""
    monkeypatch.setattr(templating._OwnTemplatesCache, "folder", tmp_path / "cache")
    from imprint.theme import IMPRINT_STYLES, TEMPLATE_OPTIONS

    own = IMPRINT_STYLES.dir
    plain = jinja2.Environment(
        loader=jinja2.FileSystemLoader(own / "templates"), undefined=jinja2.StrictUndefined,
        bytecode_cache=templating._OwnTemplatesCache(own, TEMPLATE_OPTIONS), **TEMPLATE_OPTIONS)
    plain.filters.update(typeset=lambda value, lang: value, filesize=lambda size, t: size)
    plain.get_template("references.html.j2")
    assert len(list((tmp_path / "cache").iterdir())) == 1  # kept, as the code before the sandbox kept it
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", lambda self, source, name=None, *args, **kwargs: (
        compiled.append(name), compile_(self, source, name, *args, **kwargs))[1])
    project = tmp_path / "project"
    (project / "styles").mkdir(parents=True)
    Theme(project, project / "styles").env.get_template("references.html.j2")
    assert compiled == ["references.html.j2"]  # not read back from the plain environment's file
    Theme(project, project / "styles").env.get_template("references.html.j2")
    assert compiled == ["references.html.j2"]  # but the sandbox's own is kept and read back
    assert len(list((tmp_path / "cache").iterdir())) == 2


def test_a_template_compiled_before_its_work_was_counted_is_not_loaded_from_the_cache(tmp_path, monkeypatch):
    """Imprint's own templates are kept compiled across upgrades: one compiled by a
    sandbox that did not count (its loops and bodies unmarked) must be compiled again."""
    monkeypatch.setattr(templating._OwnTemplatesCache, "folder", tmp_path / "cache")
    project = tmp_path / "project"
    (project / "styles").mkdir(parents=True)
    with monkeypatch.context() as before:
        before.setattr(templating.ImprintSandbox, "code_generator_class", jinja2.compiler.CodeGenerator)
        before.setattr(templating.ImprintSandbox, "counting", None)
        Theme(project, project / "styles").env.get_template("references.html.j2")
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile", lambda self, source, name=None, *args, **kwargs: (
        compiled.append(name), compile_(self, source, name, *args, **kwargs))[1])
    Theme(project, project / "styles").env.get_template("references.html.j2")
    assert compiled == ["references.html.j2"]
    assert len(list((tmp_path / "cache").iterdir())) == 2


@pytest.mark.slow  # (seconds: out of the quick loop)
def test_the_sandbox_changes_no_byte_of_any_edition(tmp_path, monkeypatch):
    """Imprint's own templates give the same editions in the sandbox as in a plain
    Environment (built here, in this process, once with each)."""

    class Plain(jinja2.Environment):
        intercepted_binops = frozenset()
        intercepted_unops = frozenset()

        def __init__(self, root=None, **options):  # (paths as they are: Imprint's templates print none)
            super().__init__(**options)

        def shown(self, value):
            return value

    monkeypatch.setattr(templating._OwnTemplatesCache, "folder", tmp_path / "cache")
    formats = ("epub", "pdf", "json", "bib", "ris", "site")
    built = []
    for kind in (templating.ImprintSandbox, Plain):
        monkeypatch.setattr(templating, "ImprintSandbox", kind)
        root = make_project(tmp_path / kind.__name__, REPO / "source")
        report = build(Settings.for_project(root, environ={"SOURCE_DATE_EPOCH": "1700000000"}, executor="inline",
                                            formats=formats))
        assert report.ok, report.problems
        built.append(dist_files(root))
    assert built[0] == built[1]
    assert f"{SLUG}/{SLUG}.epub" in built[0] and f"{SLUG}/index.html" in built[0]


# -- 6. stylesheets a project ships to readers ------------------------------------


@pytest.mark.parametrize("name, formats, shipped_to", [("epub.css", "epub", "the EPUB"),
                                                        ("site.css", "epub,site", "the download site")])
def test_a_shipped_stylesheet_loading_from_elsewhere_is_an_error_at_its_line(name, formats, shipped_to, tmp_path,
                                                                          capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    assert run(root, "--formats", formats, capsys=capsys)[0] == 0
    before = dist_files(root)
    css = root / "styles" / "css" / name
    css.write_text('@import url("https://fonts.example.org/css?family=X");\n'
                   "@font-face { font-family: X; src: url(https://fonts.example.org/x.woff2) format('woff2'); }\n"
                   "body { background: url( //cdn.example.org/paper.png ) }\n"
                   "/* url(https://in-a-comment.example.org/) */ p::after { content: 'url(https://text)' }\n"
                   "h1 { background: url('\\68ttps://escaped.example.org/a.png') }\n"
                   "h2 { background: url(ornament.png) }\n"
                   "h3 { background: url(data:image/png;base64,iVBORw0KGgo=) }\n" + css.read_text())
    code, err = run(root, "--formats", formats, capsys=capsys)
    assert code == 2
    shown = f"styles/css/{name}"
    assert f"error: {shown}:1: refused to load https://fonts.example.org/css?family=X (@import): Imprint loads " \
           "nothing from the network" in err
    assert f"error: {shown}:2: refused to load https://fonts.example.org/x.woff2 (url())" in err
    assert f"error: {shown}:3: refused to load //cdn.example.org/paper.png (url())" in err
    assert f"error: {shown}:5: refused to load https://escaped.example.org/a.png (url())" in err
    assert f"error: {shown}:6: ornament.png (url()) would not be found: only the stylesheet itself is copied " \
           f"into {shipped_to}" in err
    assert "in-a-comment" not in err and "https://text" not in err and "data:image" not in err
    assert dist_files(root) == before


def test_a_bad_site_stylesheet_stops_the_build_before_any_article_is_written(tmp_path, capsys, monkeypatch):
    """site.css is copied to the site at its end: checked there only, the articles'
    pages were already in dist/ when it failed. It is checked before anything is built."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    css = root / "styles" / "css" / "site.css"
    css.write_text('@import url("https://fonts.example.org/css");\n' + css.read_text())
    code, err = run(root, capsys=capsys)
    assert code == 2 and "styles/css/site.css:1: refused to load" in err
    assert not (root / "dist").exists() or dist_files(root) == {}


def test_a_print_stylesheet_loading_from_elsewhere_is_an_error_at_its_line(tmp_path, capsys, monkeypatch):
    """The print stylesheets, which WeasyPrint's fetcher refused without a line,
    and what they import, are checked the same way, with the line."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    css = root / "styles" / "css"
    (css / "more.css").write_text("p { color: black }\n@import url(HTTPS://example.org/more.css);\n")
    (css / "print.css").write_text('@import "more.css";\n' + (css / "print.css").read_text())
    code, err = run(root, "--formats", "pdf", capsys=capsys)
    assert code == 2
    assert "error: styles/css/more.css:2: refused to load HTTPS://example.org/more.css (@import)" in err


def test_a_worker_trusts_the_builds_check_of_a_stylesheet_only_for_the_same_text(tmp_path, monkeypatch):
    """The build checks epub.css before its units run; the theme it sends a worker
    carries that check, by the stylesheet's text: the worker does not parse it
    again, unless the text changed meanwhile (then it is checked, and refused)."""
    import pickle

    from imprint.theme import Theme, stylesheets

    root = make_project(tmp_path / "project", REPO / "source")
    parsed: list[str] = []
    check = stylesheets.check_stylesheet
    monkeypatch.setattr(stylesheets, "check_stylesheet", lambda *a, **k: parsed.append(a[1].name) or check(*a, **k))
    theme = Theme(root, root / "styles")
    theme.stylesheet("epub.css")
    received = pickle.loads(pickle.dumps(theme))  # (as a worker receives it)
    assert received is not theme and parsed == ["epub.css"]
    received.stylesheet("epub.css")
    assert parsed == ["epub.css"]
    css = root / "styles" / "css" / "epub.css"
    css.write_text('@import url("https://fonts.example.org/css");\n' + css.read_text())
    with pytest.raises(StyleError, match="refused to load"):
        received.stylesheet("epub.css")
    # (Imprint's, before it, now shipped with it: the project's was a copy, shipped alone; and the changed one,
    # then, as it has a problem, the project's other stylesheets: every problem in one run)
    assert parsed == ["epub.css"] * 3 + ["handout.css", "issue.css", "print.css", "site.css"]


def test_a_stylesheet_with_data_urls_and_fragments_is_shipped(tmp_path, capsys):
    root = make_project(tmp_path / "project", REPO / "source")
    css = root / "styles" / "css" / "epub.css"
    extra = ("@namespace epub url(http://www.idpf.org/2007/ops);\n"
             "h3 { background: url(data:image/png;base64,iVBORw0KGgo=) }\nsvg { filter: url(#soft) }\n")
    css.write_text(extra + css.read_text())
    assert run(root, "--formats", "epub", capsys=capsys)[0] == 0
    with zipfile.ZipFile(root / "dist" / SLUG / f"{SLUG}.epub") as epub:
        shipped = [epub.read(n).decode() for n in epub.namelist() if n.endswith("epub.css")]
    # (Imprint's rules, then the project's; its @namespace first, where CSS reads one)
    assert shipped and shipped[0].startswith(extra.split("\n")[0]) and extra.split("\n", 1)[1] in shipped[0]


@pytest.mark.parametrize("url, scheme", [
    ("https://a.org/x", "https"), ("HTTP://a.org/x", "http"), ("//a.org/x", "//"), ("\\\\a.org\\x", "//"),
    (" \thttps://a.org/", "https"), ("ht\ntps://a.org/", "https"), ("data:,x", "data"), ("fonts/x.woff", None),
    ("#frag", None), ("file:///etc/passwd", "file"), ("http://[", "?"),
])
def test_a_url_s_scheme_is_read_as_a_browser_reads_it(url, scheme):
    assert scheme_of(url) == scheme


def test_references_are_found_by_the_css_tokenizer():
    css = ('@charset "utf-8";\n@import "a.css" print;\n@import url(b.css);\n'
           "@namespace svg url(http://www.w3.org/2000/svg);\n"
           "@media print { p { background: url( c.png ) } }\n"
           "/* url(d.png) */ q { content: 'url(e.png)'; background: image-set('f.png' 1x, url(g.png) 2x) }\n"
           "@font-face { src: url('\\68.woff') format('woff'), local(Font) }\n")
    assert [(r.url, r.line, r.kind) for r in references(css)] == [
        ("a.css", 2, "@import"), ("b.css", 3, "@import"), ("c.png", 5, "url()"), ("f.png", 6, "url()"),
        ("g.png", 6, "url()"), ("h.woff", 7, "url()")]


# -- 2. front matter URLs ----------------------------------------------------------


def test_a_javascript_licence_url_stops_the_build_and_reaches_no_output(tmp_path, capsys, monkeypatch):
    """The issue's reproduction: `license: {url: "javascript:alert(5)"}` and
    `citation.url: javascript:...` were a live link on the landing page, in the
    EPUB and the PDF, and in every record. Now: exit 2, file, line, field."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    formats = "epub,pdf,json,bib,ris,site"
    assert run(root, "--formats", formats, capsys=capsys)[0] == 0
    before = dist_files(root)
    article = root / "source" / SLUG / "article.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace("citation:\n", 'license:\n  text: CC BY 4.0\n  url: "javascript:alert(5)"\n'
                                    'citation:\n  url: "javascript:alert(6)"\n', 1), encoding="utf-8")
    code, err = run(root, "--formats", formats, capsys=capsys)
    assert code == 2
    file = f"source/{SLUG}/article.md"
    assert f"error: {file}:" in err and "license.url: 'javascript:alert(5)' is not a web address" in err
    assert "citation.url: 'javascript:alert(6)' is not a web address" in err
    assert dist_files(root) == before
    assert not any(b"javascript:" in data.lower() for data in dist_files(root).values())


def test_a_template_that_leaves_a_page_empty_is_a_style_error(tmp_path, capsys, monkeypatch):
    """Imprint's own templates never leave an EPUB page empty, a project's may:
    a user error (it was an internal one, exit 1)."""
    monkeypatch.setenv("NO_COLOR", "1")
    root = make_project(tmp_path / "project", REPO / "source")
    (root / FRONT_MATTER).write_text("")
    code, err = run(root, "--formats", "epub", capsys=capsys)
    assert code == 2
    assert "error: styles/templates/epub: front-matter.xhtml has an empty body" in err


def test_a_licence_written_as_an_address_is_a_link_only_if_it_is_a_web_address(tmp_path):
    """`license: "https://..."` became a link whatever followed the scheme; one that
    is no web address (a quote, a space, no host) is now the licence's text."""
    from imprint.source.project import load_project
    from imprint.settings import Settings

    source = tmp_path / "src"
    (source / "a").mkdir(parents=True)
    for licence, url in (("https://creativecommons.org/licenses/by/4.0/", True),
                         ('https://x" onmouseover="alert(1)', False), ("https:///no-host", False)):
        (source / "a" / "article.md").write_text(f"---\ntitle: T\nlang: en\nlicense: '{licence}'\n---\n\nText.\n",
                                                 encoding="utf-8")
        root = make_project(tmp_path / f"p{len(licence)}", source)
        article = load_project(Settings.for_project(root, environ={})).project.articles[0]
        assert (article.license.url == licence) is url and (article.license.text == licence) is not url, licence


def test_a_field_that_is_none_prints_nothing(tmp_path):
    """A field documented as "or none" printed without an `if` ({{ doc.title_notes }})
    printed the word None in the editions (QA 26, F3): a page and a macro called
    from Python (a note's) write nothing for it; `is none` still tells it apart."""
    project = tmp_path / "project"
    (project / "styles" / "templates").mkdir(parents=True)
    (project / "styles" / "templates" / "x.html.j2").write_text(
        "[{{ doc.title_notes }}][{{ doc.copyright }}][{{ doc.copyright is none }}][{{ 0 }}][{{ false }}]\n")
    (project / "styles" / "templates" / "m.html.j2").write_text("{% macro note(n) %}<{{ n }}>{% endmacro %}")
    theme = Theme(project, project / "styles")
    doc = ReadOnlyDict({"title_notes": None, "copyright": None})
    assert theme.render("x.html.j2", doc=doc) == "[][][True][0][False]\n"
    assert theme.macros("m.html.j2").note(None) == "<>"


def test_a_path_is_shown_from_the_project_s_folder(tmp_path):
    """A path a template is given (an article's, an image's, a bibliography's) is
    shown from the project's folder, however it is printed (by attribute, item,
    |attr, ~, in a loop): the builder's absolute path put the machine's folders in
    the editions (QA 26, F4). One outside the project is shown by its name."""
    template = ("{{ a.path }}|{{ a.path ~ '!' }}|{{ a.bibliography[0] }}|{{ a.bibliography|join(',') }}|"
                "{{ a|attr('path') }}|{% for b in a.bibliography %}{{ b }};{% endfor %}|{{ a.path.parent }}|"
                "{{ a.path.name }}|{{ a.style }}|{{ p }}\n")
    pages = []
    for folder in (tmp_path / "one", tmp_path / "elsewhere" / "two"):
        (folder / "styles" / "templates").mkdir(parents=True)
        (folder / "styles" / "templates" / "x.html.j2").write_text(template)
        article = SimpleNamespace(path=folder / "source" / "a" / "article.md", style=Path("/usr/share/apa.csl"),
                                  bibliography=(folder / "source" / "a" / "refs.bib", folder / "shared.json"))
        pages.append(Theme(folder, folder / "styles").render("x.html.j2", a=article, p=folder / "p.md"))
    assert pages[0] == pages[1] == (
        "source/a/article.md|source/a/article.md!|source/a/refs.bib|source/a/refs.bib,shared.json|"
        "source/a/article.md|source/a/refs.bib;shared.json;|source/a|article.md|apa.csl|p.md\n")


@pytest.mark.parametrize("payload, hint", [
    ("{{ x|smallcaps }}", "The filters a template may use: abs, attr,"),
    ("{{ x|typset('ru') }}", "did you mean typeset? The filters a template may use:"),
    ("{{ x|random }}", "random is left out: a build gives the same bytes each time."),
    ("{{ x|safe }}", "print a field given as HTML as it is, without |safe ({{ doc.title }}"),
    ("{% autoescape false %}{{ x }}{% endautoescape %}", "print a field given as HTML as it is, without |safe"),
    ("{% if x %}", "Jinja writes a value as {{ name }}"),
])
def test_an_unknown_filter_and_an_unescaped_text_have_hints_of_their_own(payload, hint, tmp_path):
    """An unknown filter is told the filters there are (and the one it may have
    meant), |safe where Markup is given; only a syntax error is told of braces
    (QA 26, F11: all three ended "check the braces")."""
    project = tmp_path / "project"
    (project / "styles" / "templates").mkdir(parents=True)
    (project / "styles" / "templates" / "x.html.j2").write_text(f"<p>first line</p>\n{payload}\n")
    with pytest.raises(StyleError) as raised:
        Theme(project, project / "styles").render("x.html.j2", x="a")
    problem = raised.value.problems[0]
    assert (problem.file, problem.line) == ("styles/templates/x.html.j2", 2), problem
    assert problem.hint.startswith(hint), problem.hint
    assert ("braces" in problem.hint) == payload.startswith("{% if")


@pytest.mark.parametrize("line, old, new, macro", [
    (9, "{{ number }}</a>", "{{ numbr }}</a>", "epub_call"),
    (14, "{{ text }}", "{{ txt }}", "print_call"),
    (19, "{{ number }}</a>", "{{ 1 / 0 }}</a>", "print_repeat"),
])
def test_a_mistake_in_a_note_s_macro_is_told_at_its_template_line(line, old, new, macro, tmp_path):
    """The body calls note-calls.html.j2's macros from Python, where Jinja does not
    rewrite the traceback: the line told was the compiled code's (51 and 79 in a
    file of 20 lines, QA 26, F8), now the template's."""
    project = tmp_path / "project"
    (project / "styles" / "templates").mkdir(parents=True)
    lines = (REPO / "styles" / "templates" / "note-calls.html.j2").read_text(encoding="utf-8").splitlines(True)
    assert old in lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new)
    (project / "styles" / "templates" / "note-calls.html.j2").write_text("".join(lines), encoding="utf-8")
    with pytest.raises(StyleError) as raised:
        getattr(Theme(project, project / "styles").macros("note-calls.html.j2"), macro)(1, Markup("a note"))
    problem = raised.value.problems[0]
    assert (problem.file, problem.line) == ("styles/templates/note-calls.html.j2", line), problem
