"""docs/templates.md keeps up with the code: every name a template is given,
every field of what it is given, the sandbox's filters and functions, and the
classes, epub:types and roles of the editions' HTML are in it, each where the
designer looks for it. (That what it names exists: tests/test_theme.py.)

QA 26 F18: the guide lacked names the code passes (`issue.name`, `doi_url`, the
listings' fields, `level`, `chapter.print`) and every class of the body."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import re
import typing
from pathlib import Path

import jinja2
import pytest

from conftest import CASES, REPO, make_project

GUIDE = REPO / "docs" / "templates.md"
TEMPLATES = REPO / "styles" / "templates"
CLASSES_HEADING = "## What the editions' HTML holds"


def guide() -> str:
    return GUIDE.read_text(encoding="utf-8")


def named(text: str) -> set[str]:
    """The names written as code (between backticks) in `text`: `doc.article.doi_url`
    names doc, article and doi_url."""
    return {word for code in re.findall(r"`([^`\n]+)`", text) for word in re.findall(r"[A-Za-z_]\w*", code)}


def section(heading: str, text: str | None = None) -> str:
    """The guide's part under the one heading that holds `heading`, to the next heading."""
    lines = (text or guide()).split("\n")
    starts = [i for i, line in enumerate(lines) if line.startswith("#") and heading in line]
    assert len(starts) == 1, f"{len(starts)} headings of docs/templates.md hold {heading!r}"
    end = next((i for i in range(starts[0] + 1, len(lines)) if lines[i].startswith("#")), len(lines))
    return "\n".join(lines[starts[0]:end])


def row(template: str, text: str | None = None) -> str:
    """The line of the guide's table of templates whose first cell names `template`."""
    rows = [line for line in (text or guide()).split("\n")
            if line.startswith("|") and f"`{template}`" in line.split("|")[1]]
    assert rows, f"docs/templates.md has no row for {template}"
    return "\n".join(rows)


# ---------------------------------------------------------------- the names each template is given

def rendered_by_imprint() -> dict[str, set[str]]:
    """The templates Imprint's code renders (Theme.render), each with the names it
    passes them, read from imprint/'s source: by the template's name written in the
    call, a constant of the module, a parameter of the function that renders (and
    the calls of that function), or an edition's `template` (the module's .j2 names);
    the names as keywords, a dict made in the function, or the function's own
    **keywords (from its calls). A call written otherwise fails the test: an
    unread call would let its names go undocumented."""
    found: dict[str, set[str]] = {}
    for path in sorted((REPO / "imprint").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if ".render(" not in text:
            continue
        tree = ast.parse(text)
        parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "render" \
                    and call.args:
                for template, names in _read_render(call, tree, parents, path):
                    found.setdefault(template, set()).update(names)
    return found


def _read_render(call: ast.Call, tree: ast.Module, parents: dict, path: Path) -> list[tuple[str, set[str]]]:
    where = f"{path.relative_to(REPO)}:{call.lineno}"
    functions = []  # the functions the call is in, innermost first
    node = call
    while node in parents:
        node = parents[node]
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append(node)
    function = functions[0] if functions else None
    names = {keyword.arg for keyword in call.keywords if keyword.arg}
    from_calls = False  # (names passed on from the calls of `function`)
    for keyword in (k for k in call.keywords if k.arg is None):
        assert isinstance(keyword.value, ast.Name), f"{where}: a render call's **names this test cannot read"
        spread = keyword.value.id
        if function is not None and function.args.kwarg is not None and function.args.kwarg.arg == spread:
            from_calls = True
            continue
        made = [assign.value for outer in functions for assign in ast.walk(outer) if isinstance(assign, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == spread for t in assign.targets)
                and isinstance(assign.value, ast.Dict)]
        assert made, f"{where}: **{spread} is no dict made in the function that renders"
        names |= {key.value for key in made[0].keys if isinstance(key, ast.Constant)}
    first = call.args[0]
    if isinstance(first, ast.Constant):
        assert not from_calls, where
        return [(first.value, names)]
    parameters = [a.arg for a in function.args.args] if function is not None else []
    if isinstance(first, ast.Name) and first.id in parameters:
        position = parameters.index(first.id)
        found = []
        for caller in ast.walk(tree):
            if isinstance(caller, ast.Call) and isinstance(caller.func, ast.Name) and caller.func.id == function.name:
                given = caller.args[position] if position < len(caller.args) else next(
                    k.value for k in caller.keywords if k.arg == first.id)
                assert isinstance(given, ast.Constant), f"{where}: {function.name}() is given a template by a name"
                more = {k.arg for k in caller.keywords if k.arg and k.arg != first.id} if from_calls else set()
                found.append((given.value, names | more))
        assert found, f"{where}: {function.name}() is never called"
        return found
    assert not from_calls, where
    if isinstance(first, ast.Name):
        values = [s.value.value for s in tree.body if isinstance(s, ast.Assign) and isinstance(s.value, ast.Constant)
                  and any(isinstance(t, ast.Name) and t.id == first.id for t in s.targets)]
        assert values, f"{where}: the template {first.id} is no constant of the module"
        return [(values[0], names)]
    if isinstance(first, ast.Attribute) and first.attr == "template":
        templates = {arg.value for node in ast.walk(tree) if isinstance(node, ast.Call) for arg in node.args
                     if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and arg.value.endswith(".j2")}
        assert templates, f"{where}: the module names no template"
        return [(template, names) for template in sorted(templates)]
    raise AssertionError(f"{where}: a render call whose template this test cannot read")


def given_by_templates() -> dict[str, set[str]]:
    """What Imprint's templates give the templates they include (`{% with epub =
    true %}`), and the blocks and macros (with their arguments) each has, which a
    project's template extends, replaces or calls: by template."""
    env = jinja2.Environment()
    found: dict[str, set[str]] = {}
    for path in sorted(TEMPLATES.rglob("*.j2")):
        tree = env.parse(path.read_text(encoding="utf-8"))
        name = path.relative_to(TEMPLATES).as_posix()
        own = found.setdefault(name, set())
        own |= {block.name for block in tree.find_all(jinja2.nodes.Block)}
        for macro in tree.find_all(jinja2.nodes.Macro):
            own |= {macro.name, *(argument.name for argument in macro.args)}
        for given in tree.find_all(jinja2.nodes.With):
            for include in given.find_all(jinja2.nodes.Include):
                found.setdefault(include.template.value, set()).update(target.name for target in given.targets)
    return found


def test_the_names_imprint_gives_each_template_are_in_its_row():
    rendered = rendered_by_imprint()
    # (the reading of the calls finds them all: every template Imprint's code
    # renders is one no other template includes, extends or imports)
    used = {node.template.value for path in TEMPLATES.rglob("*.j2")
            for node in jinja2.Environment().parse(path.read_text(encoding="utf-8")).find_all(
                (jinja2.nodes.Include, jinja2.nodes.Extends, jinja2.nodes.Import, jinja2.nodes.FromImport))}
    shipped = {path.relative_to(TEMPLATES).as_posix() for path in TEMPLATES.rglob("*.j2")}
    assert shipped - used - {"note-calls.html.j2"} <= set(rendered) <= shipped  # (note-calls: Theme.macros)
    assert rendered["epub/chapter.xhtml.j2"] >= {"doc", "t", "stylesheet", "chapter", "title"}
    for template, names in sorted(rendered.items()):
        missing = names - named(row(template))
        assert not missing, f"docs/templates.md's row of {template} lacks {sorted(missing)}"


def test_what_templates_give_each_other_and_their_blocks_and_macros_are_in_their_rows():
    given = given_by_templates()
    assert given["front-matter.html.j2"] >= {"epub", "by_language", "landing_top", "in_words"}
    assert given["note-calls.html.j2"] >= {"epub_call", "print_call", "print_repeat", "follows"}
    for template, names in sorted(given.items()):
        missing = names - named(row(template))
        assert not missing, f"docs/templates.md's row of {template} lacks {sorted(missing)}"


# ---------------------------------------------------------------- the fields of what they are given

def _roots() -> list[type]:
    """The kinds of the values the templates are given."""
    from imprint.editions.cover import Cover
    from imprint.prepare.article import Manuscript
    from imprint.prepare.issue import IssueManuscript
    from imprint.site.listing import ArticleListing, IssueListing
    from imprint.site.metadata import Download, Tag
    from imprint.site.pages import Citation, Place
    from imprint.source.model import Paper, Publication

    return [Manuscript, IssueManuscript, Cover, Paper, Place, Download, Citation, Tag, ArticleListing, IssueListing,
            Publication]


def _for_the_build() -> tuple[type, ...]:
    """Kinds inside those values that only the build reads (the guide names the fields that hold them)."""
    from imprint.errors import Problem
    from imprint.source.includes import BodyLines

    return Problem, BodyLines  # (Manuscript.warnings, Article.body_lines)


def _fields(kind: type) -> list[str]:
    return [f.name for f in dataclasses.fields(kind)] if dataclasses.is_dataclass(kind) else list(kind._fields)


def _members(kind: type) -> set[str]:
    """A kind's fields, properties and methods a template can read or call."""
    return set(_fields(kind)) | {name for name, value in inspect.getmembers(kind) if not name.startswith("_")
                                 and (isinstance(value, property) or callable(value))
                                 and not (issubclass(kind, tuple) and hasattr(tuple, name))}


def kinds() -> list[type]:
    """Every kind of object a template is given, and those its fields hold (by their types)."""
    def inside(hint) -> list[type]:
        args = typing.get_args(hint)
        return [kind for arg in args for kind in inside(arg)] if args else [hint] if isinstance(hint, type) else []

    found: list[type] = []
    waiting = _roots()
    while waiting:
        kind = waiting.pop(0)
        if kind in found or kind in _for_the_build():
            continue
        found.append(kind)
        hints = typing.get_type_hints(kind)
        waiting += [inner for name in _fields(kind) for inner in inside(hints[name])
                    if (dataclasses.is_dataclass(inner) or issubclass(inner, tuple) and hasattr(inner, "_fields"))
                    and inner.__module__.startswith("imprint.")]
    return found


def kind_section(kind: type, text: str | None = None) -> str:
    """The guide's section of a kind: under the heading that names it (`Author`), and its
    module where two kinds share the name (`Citation`, imprint/site/pages.py)."""
    text = text or guide()
    headings = [line for line in text.split("\n") if line.startswith("#") and f"`{kind.__name__}`" in line]
    if len(headings) > 1:
        module = kind.__module__.replace(".", "/") + ".py"
        headings = [line for line in headings if module in line]
    assert len(headings) == 1, f"docs/templates.md: {len(headings)} headings name {kind.__name__} ({kind.__module__})"
    return section(headings[0], text)


def test_every_field_of_what_templates_are_given_is_in_its_section():
    found = kinds()
    assert len(found) > 30 and {k.__name__ for k in found} >= {"Article", "Author", "Chapter", "Entry", "Issue"}
    text = guide()
    for kind in found:
        missing = _members(kind) - named(kind_section(kind, text))
        assert not missing, f"docs/templates.md's section of {kind.__name__} lacks {sorted(missing)}"


def test_the_sandbox_s_filters_and_functions_are_listed():
    from imprint.theme import Theme
    from imprint.theme.work import WORK_FILTER

    env = Theme(REPO, REPO / "styles").env
    listed = named(section("## Filters, functions and tests"))
    assert "safe" not in env.filters and "lipsum" not in env.globals
    missing = {name for name in set(env.filters) - {WORK_FILTER} | set(env.globals) | set(env.tests)
               if name.isidentifier()} - listed  # (and the tests ==, <, ...)
    assert not missing, f"docs/templates.md does not list {sorted(missing)}"


# ---------------------------------------------------------------- classes, epub:types and roles

def documented() -> dict[str, list[re.Pattern]]:
    """The classes (`.callout-title`), epub:types and roles (`epub:type="footnote"`,
    `role="doc-noteref"`) the guide's last part gives, each as a pattern: `.width-<N>`
    stands for .width-5, .width-10 ..."""
    text = guide()
    text = text[text.index(CLASSES_HEADING):]
    code = " ".join(re.findall(r"`([^`\n]+)`", text))

    def patterns(names) -> list[re.Pattern]:
        return [re.compile(r"\d+".join(re.escape(part) for part in re.split(r"<[^<>]*>", name))) for name in names]
    return {"class": patterns(re.findall(r"\.([A-Za-z<][\w<>-]*)", code)),
            "epub:type": patterns(v for found in re.findall(r'epub:type="([^"]+)"', code) for v in found.split()),
            "role": patterns(v for found in re.findall(r'role="([^"]+)"', code) for v in found.split())}


def undocumented(found: dict[str, set[str]]) -> list[str]:
    listed = documented()
    return sorted(f"{attribute} {value}" for attribute, values in found.items() for value in values
                  if not any(pattern.fullmatch(value) for pattern in listed[attribute]))


_WORD = re.compile(r"[A-Za-z][\w-]*")


def _words(value: str) -> set[str]:
    """The whole words of an attribute's value as the source writes it; what is made
    from values left out (`align-{where}`, a template's `x-{{ name }}`)."""
    words = (_WORD.match(word) for word in value.split())
    return {word.group() for word in words if word and not word.group().endswith("-")}


def written_by_imprint() -> dict[str, set[str]]:
    """The classes, epub:types and roles written as they are in Imprint's templates
    and code (those made from values, `.width-40`, the built cases show: below)."""
    found: dict[str, set[str]] = {"class": set(), "epub:type": set(), "role": set()}
    sources = [*TEMPLATES.rglob("*.j2"), *(REPO / "imprint").rglob("*.py")]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".j2":  # (what a value prints, and statements: `author{% if %} group-author`)
            text = re.sub(r"\{\{.*?\}\}", "{}", re.sub(r"\{%.*?%\}", " ", text))
        for attribute, pattern in (("class", r'\bclass(?:Name\s*)?=\s*\\?"([^"\\]*)'),
                                   ("epub:type", r'\bepub:type=\\?"([^"\\]*)'), ("role", r'\brole=\\?"([^"\\]*)')):
            for value in re.findall(pattern, text):
                found[attribute] |= _words(value)
    return found


def test_the_classes_imprint_writes_are_listed():
    found = written_by_imprint()
    assert {"footnote-para", "csl-entry", "for-citation", "Z3988", "copy-status"} <= found["class"]
    assert {"doc-noteref", "doc-backlink"} <= found["role"] and "footnotes" in found["epub:type"]
    missing = undocumented(found)
    assert not missing, f"docs/templates.md does not list {missing}"


def _cases() -> list[Path]:
    """Every test case's source/ and the repository's: the Markdown corpus and the fixtures."""
    corpus = sorted(p / "source" for p in (CASES / "markdown").iterdir() if (p / "source").is_dir())
    return corpus + [CASES / name / "source" for name in ("full", "apparatus-ru", "apparatus-en", "house-ru", "links")] \
        + [REPO / "source"]


def _the_author_s(name: str, source: str) -> bool:
    """Whether the article's Markdown writes the class itself: `{.toponym}`, ```` ```python ````."""
    word = re.escape(name)
    return re.search(rf"\.{word}(?![\w-])|^\s*(?:```+|~~~+)\s*\{{?\s*\.?{word}(?![\w-])|class=[\"'][^\"']*\b{word}\b",
                     source, re.M) is not None


@pytest.mark.slow  # (every case read by Pandoc: 15 s)
def test_the_classes_of_every_case_s_editions_are_listed(tmp_path):
    """The EPUB's pages and the HTML the print and handout editions are laid out
    from, of every test case (made here: the built fixtures keep no print HTML),
    hold no class, epub:type or role the guide does not list, but the author's own."""
    from imprint.editions import epub
    from imprint.editions.pdf import article as pdf
    from imprint.prepare.article import prepare
    from imprint.settings import Settings
    from imprint.source.project import load_project
    from imprint.theme import Theme

    found: dict[str, set[str]] = {"class": set(), "epub:type": set(), "role": set()}
    for number, source in enumerate(_cases()):
        root = make_project(tmp_path / str(number), source)
        settings = Settings.for_project(root, formats=("epub", "pdf"), environ={}).for_publication(None, (), False)
        theme = Theme(settings.root, settings.styles_dir)
        for article in load_project(settings).project.articles:
            manuscript = prepare(article, theme, settings)
            written = article.path.read_text(encoding="utf-8") + "".join(
                p.read_text(encoding="utf-8") for p in article.text_files)
            pages = [page.content.decode("utf-8") for page in epub._render_pages(manuscript, theme)]
            pages += [pdf.print_html(manuscript, theme, settings, pdf.EDITIONS[name]) for name in ("pdf", "handout")]
            for page in pages:
                for attribute in found:
                    found[attribute] |= {value for values in re.findall(rf'\s{attribute}="([^"]*)"', page)
                                         for value in values.split() if not _the_author_s(value, written)}
    assert {"csl-entry", "footnote-para", "formula", "callout"} <= found["class"]
    missing = undocumented(found)
    assert not missing, f"docs/templates.md does not list {missing}"
