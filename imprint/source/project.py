"""Find the articles in source/, read and validate them, build the models.

Every problem in every file is collected before anything is built, so that an
editor sees the whole list at once; what does not stop a build (a field Imprint
ignores, a shortcode it removes) is collected as a warning. Publication defaults
(source/publication.yaml) are validated on their own and merged under each
article's fields, under its Quarto project's metadata (_quarto.yml), which is
merged under the article's own front matter (source/quarto.py).
"""

from __future__ import annotations

import copy
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from .readonly import ReadOnlyDict
from typing import Any, Callable

from . import schema, templates
from ..settings import ARTICLE_FILE, MISNAMED_PUBLICATION, Settings, unread_document
from ..editions import EDITIONS
from ..errors import Problem, SourceError, UsageError
from ..body.locate import Source
from ..files import display, read_text, within
from .frontmatter import (UNPUBLISHABLE, Located, format_path, level_one_after, load_yaml, long_words,
                          metadata_blocks, split_front_matter)
from .includes import Included, include, placed
from .issues import find_issues, load_issue, place_in_issues
from .metadata import ArticleBuilder, check_folder_name
from .model import Article, Issue, Project, Publication
from .quarto import (
    QUARTO_FILE,
    VARIABLES_FILE,
    ProjectFile,
    find_project_file,
    merge_under,
    read_scalars_as_typed,
    read_project_file,
    set_aside_unknown,
)
from .shortcodes import article_expander, expand_front_matter, mentions_shortcode
from .validation import drop_invalid, validate

PUBLICATION_FILE = "publication.yaml"

# About 300,000 words: more is not an article (and would take minutes to lay out).
MAX_ARTICLE_BYTES = 4 * 1024 * 1024
TITLES = ("title", "subtitle", "short-title")  # set large, on the cover and the title page: no word too long



@dataclass(frozen=True)
class LoadResult:
    project: Project  # every article and issue that could be modelled, problems or not
    problems: tuple[Problem, ...]
    failed: frozenset[str]  # slugs of articles and issues that must not be written
    targets: frozenset[str] | None  # slugs of the articles and issues to write; None: all
    kept: frozenset[str] = frozenset()  # slugs of articles left unread: up to date
    slugs: tuple[str, ...] = ()  # every article folder of source/
    # What does not stop a build, located as problems are: fields ignored, shortcodes
    # removed, numbers whose YAML reading lost a leading zero. Printed as warnings.
    warnings: tuple[Problem, ...] = ()
    # A problem that fails every article (in the publication file, in an issue
    # file): the build writes nothing, not even the site's stylesheet or its manifest.
    fails_all: bool = False

    def ok(self, slug: str) -> bool:
        return slug not in self.failed

    def wanted(self, slug: str) -> bool:
        return self.targets is None or slug in self.targets


def load_project(settings: Settings, fresh: Callable[[str, Issue | None], bool] = lambda slug, issue: False,
                 publication_file: tuple | None = None) -> LoadResult:
    """Load the publication file, the issues and the articles, collecting every problem.

    An article with a problem is still modelled as far as its valid fields allow,
    so that later stages can find its other problems in the same run; it is
    listed in `failed` and never written. A problem in the publication file fails
    every article. When the command line names articles or issues, only those are
    written, but every article of an issue they touch is loaded: the issue's
    page numbers depend on all of them. An article `fresh` says is up to date
    (in its issue, if it has one) is not read at all.
    """
    publication, defaults, publication_problems = publication_file or load_publication(settings)
    problems = list(publication_problems)
    warnings: list[Problem] = []
    failed: set[str] = set()
    issues: list[Issue] = []
    issue_file_problems = False
    for folder in find_issues(settings):
        found = load_issue(settings, folder, defaults)
        if found.issue is not None:
            issues.append(found.issue)
        if found.problems or publication_problems:
            failed.add(folder.name)
        issue_file_problems |= bool(found.problems)
        problems.extend(found.problems)
    folders = find_articles(settings)
    warnings.extend(Problem(display(text, settings.root), f"this folder has no {ARTICLE_FILE}: its "
                            f"{text.name} is not read", hint=f"rename it {ARTICLE_FILE} (Quarto's and R Markdown's "
                            "text is Pandoc's Markdown, which Imprint reads)") for text in _unread_texts(settings))
    by_case: dict[str, list[Path]] = {}
    for folder in folders:  # (one the other's files on a file system that ignores case: macOS, Windows)
        by_case.setdefault(folder.name.casefold(), []).append(folder)
    warnings.extend(Problem(display(same[1], settings.root), f"the article folders {', '.join(f.name for f in same)} "
                            "differ only in case: copied where case is ignored (macOS, Windows, a zip unpacked "
                            "there), one's files replace the other's", hint="rename one of them")
                    for same in by_case.values() if len(same) > 1)
    targets = _targets(settings, folders, issues)
    home = {slug: issue for issue in issues for slug in issue.articles}
    kept = {f.name for f in folders if f.name not in failed and fresh(f.name, home.get(f.name))}
    articles: dict[str, Article] = {}
    shared = load_shared_project_files(settings)
    for file in shared.values():
        problems.extend(file.problems)
        warnings.extend(file.warnings)
    for folder in _needed(folders, issues, targets):
        if folder.name in kept:
            continue
        article, article_problems, article_warnings = load_article(settings, folder, defaults, shared)
        if article is not None:
            articles[article.slug] = article
        uses_shared_problem = any(file.problems and find_project_file(name, folder, settings.source_dir)
                                  == settings.source_dir / name for name, file in shared.items())
        if article_problems or publication_problems or uses_shared_problem:
            failed.add(folder.name)
        problems.extend(article_problems)
        warnings.extend(article_warnings)
    placed, issue_problems, issue_failed = place_in_issues(issues, articles, {f.name for f in folders})
    problems.extend(issue_problems)
    failed |= issue_failed
    if issue_file_problems:
        # An issue file with a problem may list the wrong articles, or none that can
        # be read: any article may be one of its, with pages it decides. None is written.
        problems.append(Problem(display(settings.source_dir, settings.root),
                                "no article was written, because an issue file has a problem",
                                hint="fix the issue files first: their articles' pages depend on them"))
        failed.update(f.name for f in folders)
    project = Project(publication, tuple(placed.values()), tuple(issues))
    return LoadResult(project, tuple(problems), frozenset(failed), targets, frozenset(kept - failed),
                      tuple(f.name for f in folders), tuple(dict.fromkeys(warnings)),
                      fails_all=bool(publication_problems) or issue_file_problems)


# A text's first line, a level-1 heading without an id: `# Chapter title`.
_FIRST_HEADING = re.compile(r"\A(?P<blank>(?:[ \t]*\n)*)# +(?P<title>[^\n{]*?[^\s#{])[ \t#]*"
                            r"(?:\{(?P<attributes>[^}\n]*)\})?[ \t]*$", re.M)


def _title_from_heading(located: Located, body: str, body_line: int, file: str, warnings: list[Problem],
                        chapter: bool) -> str:
    """A text without a title whose first line is a level-1 heading: a Quarto
    book's chapter (`chapter`: a _quarto.yml is there), a Pandoc document whose
    only level-1 heading that is (its sections `##`). That heading is its title,
    taken out of the text (it was "missing required field 'title'", and given
    one, printed twice). A heading with an id the text refers to stays, and says
    why (a Quarto book's `# Title {#sec-x}` is taken, where nothing in the chapter
    refers to it); so does one of a document whose `#` marks its sections."""
    found = _FIRST_HEADING.match(body)
    if found is None:
        return body
    title = found.group("title").strip()
    ident = re.search(r"#([\w:.-]+)", found.group("attributes") or "")
    line = body_line + found.group("blank").count("\n")
    referred = ident and re.search(rf"[@#]{re.escape(ident.group(1))}(?![\w:-])", body[found.end():])
    other = None if chapter else level_one_after(body[found.end():], file, line)
    if referred or other:  # (told beside "missing required field 'title'": why the heading was not taken)
        why = f"the text refers to it as a section ({referred.group()})" if referred else \
            f"the heading on line {other} is of level 1 too: both are sections"
        warnings.append(Problem(file, f"the first heading, '{title}', is not the title: {why}", line=line,
                                hint="give the title in the front matter (title: ...)" + (
                                    "" if referred else ", or make the text's other level-1 headings '## ...'")))
        return body
    located.data["title"] = title
    located.lines[("title",)] = line
    warnings.append(Problem(file, f"no title is given: the first heading, '{title}', is the title, " + (
        "as Quarto takes a book chapter's" if chapter else
        "the text's only level-1 heading (as Pandoc takes it with --shift-heading-level-by=-1)"), line=line,
                            hint="give it as title: in the front matter to say so"))
    return body[:found.end("blank")] + body[found.end():]


def project_files(settings: Settings) -> tuple[Path, ...]:
    """A Quarto project's files every article may take from (listed whether there
    or not, so that one added later makes every article stale)."""
    return (settings.source_dir / "_quarto.yml", settings.source_dir / "_variables.yml",
            settings.source_dir / "pandoc-crossref.yaml")


def find_articles(settings: Settings) -> list[Path]:
    source = settings.source_dir
    if not source.is_dir():  # (run in an article's folder, or in source/ itself: the project is above, QA 23)
        article = (settings.root / ARTICLE_FILE).is_file()
        inside = article or any(settings.root.glob(f"*/{ARTICLE_FILE}"))
        project = settings.root.parent.parent if article else settings.root.parent
        raise SourceError.single(
            display(source, settings.root), f"the source folder does not exist (in {settings.root})",
            hint=f"this is {'an article' if article else 'source/'}'s folder: run it in the project's, which "
                 f"holds source/ (-C {project})" if inside else
                 f"create {display(source, settings.root)}/<article>/{ARTICLE_FILE}")
    folders = sorted(p.parent for p in source.glob(f"*/{ARTICLE_FILE}"))
    if not folders:
        unread = _unread_texts(settings)
        raise SourceError.single(
            display(source, settings.root), "there are no articles to publish",
            hint=f"each article is a folder with an {ARTICLE_FILE}: source/<slug>/{ARTICLE_FILE}" + (
                f" ({display(unread[0], settings.root)} is not read: rename it {ARTICLE_FILE})" if unread else ""),
        )
    return folders


def _unread_texts(settings: Settings) -> list[Path]:
    """The Markdown of a folder of source/ that has no article.md (a Quarto or R
    Markdown document, `index.qmd`, `paper.Rmd`): one a folder, which Imprint
    would pass over in silence."""
    found = {}
    for path in sorted(settings.source_dir.glob("*/*")):
        if unread_document(path) and not path.name.startswith("_") and not path.parent.name.startswith(("_", ".")) \
                and path.parent not in found and not (path.parent / ARTICLE_FILE).exists() \
                and not (path.parent / "issue.yaml").exists():  # (a file it includes: _intro.qmd)
            found[path.parent] = path
    return list(found.values())


def _targets(settings: Settings, folders: list[Path], issues: list[Issue]) -> frozenset[str] | None:
    """The articles and issues the command line names (an issue brings its articles),
    or those of the shard it builds."""
    if settings.shard:
        return _shard(settings.shard, folders, issues)
    if not settings.articles:
        return None
    by_slug = {f.name for f in folders}
    issue_articles = {i.slug: i.articles for i in issues}
    unknown = [s for s in settings.articles if s not in by_slug and s not in issue_articles]
    if unknown:
        raise UsageError(
            f"no article or issue {', '.join(repr(s) for s in unknown)} in {display(settings.source_dir, settings.root)}/"
            f" (there are: {', '.join(sorted(by_slug | set(issue_articles)))})"
        )
    targets = set(settings.articles)
    for slug in settings.articles:
        targets.update(issue_articles.get(slug, ()))
    return frozenset(targets)


def _shard(shard: tuple[int, int], folders: list[Path], issues: list[Issue]) -> frozenset[str]:
    """The K-th of N parts: issues (each with its articles) and the articles of no
    issue, in order of their names, dealt out in turn. The same sources give the
    same parts on every machine."""
    number, parts = shard
    in_issue = {slug for issue in issues for slug in issue.articles}
    units = sorted([(issue.slug, issue.articles) for issue in issues]
                   + [(f.name, ()) for f in folders if f.name not in in_issue])
    chosen = set()
    for index, (slug, members) in enumerate(units):
        if index % parts == number - 1:
            chosen.update((slug, *members))
    return frozenset(chosen)


def _needed(folders: list[Path], issues: list[Issue], targets: frozenset[str] | None) -> list[Path]:
    """The article folders to load: the targets, and every article of their issues."""
    if targets is None:
        return folders
    needed = set(targets)
    for issue in issues:
        if issue.slug in targets or targets & set(issue.articles):
            needed.update(issue.articles)
    return [f for f in folders if f.name in needed]


def load_publication(settings: Settings) -> tuple[Publication, Located | None, list[Problem]]:
    """The publication file, its valid fields as defaults, and its problems (no
    warnings: the file is Imprint's own, its fields all known)."""
    path = settings.source_dir / PUBLICATION_FILE
    if not path.exists():
        misnamed = [p for p in sorted(settings.source_dir.glob("*")) if p.name.lower() in MISNAMED_PUBLICATION]
        # (publication.yml, Publication.yaml: read by no one, the journal gone from every edition, QA 23)
        return Publication(file=None), None, [Problem(display(p, settings.root), f"this is no {PUBLICATION_FILE}: "
                                                      "the publication file is not read", hint=f"rename it "
                                                      f"{PUBLICATION_FILE}") for p in misnamed]
    file = display(path, settings.root)
    try:
        located = load_yaml(read_text(settings.root, path, "publication file"), file)
    except SourceError as error:
        return Publication(file=file), None, list(error.problems)
    if located.data is None:
        return Publication(file=file), None, []
    if not isinstance(located.data, dict):
        return Publication(file=file), None, [Problem(file, "the publication file must be a set of fields (key: value)",
                                                      line=1)]
    problems = validate(located, schema.publication_schema())
    drop_invalid(located, schema.publication_schema())
    data = located.data
    booklet = data.get("booklet", False)
    citation = data.get("citation") if isinstance(data.get("citation"), dict) else {}
    publication = Publication(
        file=file,
        title=str(data.get("title") or citation.get("container-title") or "").strip() or None,
        description=str(data["description"]).strip() if data.get("description") else None,
        lang=data.get("lang"),
        cite_as=tuple(dict.fromkeys(s.strip() for s in data.get("cite-as", ()))),
        base_url=data.get("base-url"),
        bibliography=tuple(settings.source_dir / str(name).strip() for name in (
            [data["bibliography"]] if isinstance(data.get("bibliography"), str) else data.get("bibliography") or [])),
        where=ReadOnlyDict({format_path(path): (file, line) for path, line in located.lines.items() if path}),
        editions=tuple(dict.fromkeys(data["editions"])) if data.get("editions") else None,
        booklet=tuple(n for n, e in EDITIONS.items() if e.printed) if booklet is True else tuple(booklet or ()),
        crop_marks=bool(data.get("crop-marks", False)),
    )
    return publication, located, problems


def load_shared_project_files(settings: Settings) -> dict[str, ProjectFile]:
    """source/_quarto.yml, source/_variables.yml and source/pandoc-crossref.yaml,
    read once for every article that has none of its own (their problems are
    reported once)."""
    found = {}
    for name, file_schema in ((QUARTO_FILE, _article_schema()), (VARIABLES_FILE, None),
                              (templates.CROSSREF_FILE, None)):
        path = settings.source_dir / name
        if path.is_file() or path.is_symlink():
            found[name] = read_project_file(settings.root, path, file_schema)
    return found


def load_article(settings: Settings, folder: Path, defaults: Located | None,
                 shared: dict[str, ProjectFile] | None = None
                 ) -> tuple[Article | None, list[Problem], list[Problem]]:
    """The article's model (None when even that cannot be made), its problems and
    its warnings. `shared`: source/'s project files (load_shared_project_files)."""
    path = folder / ARTICLE_FILE
    file = display(path, settings.root)
    slug = folder.name
    problems = check_folder_name(folder, settings, "article")
    included = Included("", None, [], [])  # (its problems and warnings at their own files and lines already)
    try:
        text = read_text(settings.root, path, "article", limit=MAX_ARTICLE_BYTES)
        problems.extend(check_characters(text, file))
        chapter = any((place / QUARTO_FILE).is_file() for place in (folder, settings.source_dir))
        yaml_text, yaml_line, body, body_line = split_front_matter(text, file, chapter)
        included = include(body, body_line, path, settings.root, settings.source_dir, MAX_ARTICLE_BYTES,
                           check_characters)
        body, lines = included.text, included.lines
        located = load_yaml(yaml_text, file, first_line=yaml_line)
        if "\n---" in body and isinstance(located.data, dict):  # (Pandoc's further metadata blocks, the last value taken)
            body, blocks = metadata_blocks(body, body_line, file, Source(body, file, body_line).searchable)
            for block in blocks:
                located.take(block)
    except SourceError as error:
        return None, [*problems, *included.problems, *placed(error.problems, included.lines)], included.warnings
    if not isinstance(located.data, dict):
        return None, problems + [Problem(file, "the front matter must be a set of fields (title: ...)", line=2)], []
    # (journal templates' forms: JOSS, papaja, Copernicus; as Quarto's)
    warnings: list[Problem] = list(located.said)
    headers: list[Path] = []  # (the header files it reads: a change to one makes the article stale)
    crossref = _named_crossref_file(settings, folder, located, problems, warnings, headers)
    if crossref is None:
        crossref, _ = _project_file(settings, folder, templates.CROSSREF_FILE, shared or {}, problems, warnings)
    warnings += templates.normalise(located, crossref.data if crossref is not None else None)
    macros = templates.tex_macros(located.data, lambda name: headers.append(folder / name) or read_text(
        settings.root, folder / name, "header file"))
    if macros:  # (the preamble's macros, which Pandoc applies to the formulas, before the text, its lines kept)
        body, body_line = "\n".join(macros) + "\n\n" + body, body_line - len(macros) - 1
    article_schema = _article_schema()
    quarto, quarto_raw = _project_file(settings, folder, QUARTO_FILE, shared or {}, problems, warnings)
    variables, _ = _project_file(settings, folder, VARIABLES_FILE, shared or {}, problems, warnings)
    # {{< meta >}} sees every field, those Imprint ignores too (a project's own keys).
    meta_source = copy.deepcopy(located.data) if "{{" in text or mentions_shortcode(quarto_raw) else None
    unknown, ignored = set_aside_unknown(located, article_schema)
    problems += unknown
    warnings += ignored

    notebooks: list[Path] = []  # (the notebooks {{< embed >}} read: a change to one makes the article stale)
    if meta_source is not None:  # {{< meta >}} and {{< var >}}: every text of the front matter, and the body
        expander = article_expander(settings, path, meta_source, quarto_raw, defaults, located, quarto, variables)
        for front in filter(None, (located, quarto)):
            expand_front_matter(front, expander)
        body = expander.expand(body, file, lambda offset: body_line + body.count("\n", 0, offset), code_aware=True)
        problems += expander.problems
        warnings += expander.warnings
        notebooks = expander.notebooks

    if "title" not in located.data and not (quarto and "title" in quarto.data):
        body = _title_from_heading(located, body, body_line, file, warnings, chapter)
    # Each file checked on its own (a _quarto.yml's title makes the article's optional).
    schema_problems = []
    for front in filter(None, (quarto, located)):
        front_schema = article_schema if front is located and not (quarto and "title" in quarto.data) \
            else _optional_title()
        warnings += read_scalars_as_typed(front, article_schema)
        found = validate(front, front_schema)
        drop_invalid(front, front_schema)
        schema_problems += found + long_words(front, TITLES)
    own = merge_under(quarto, located) if quarto is not None else located
    builder = ArticleBuilder(own, defaults, folder=folder, source_dir=settings.source_dir, root=settings.root,
                             document=path, source_date_epoch=settings.source_date_epoch,
                             variables=variables.data if variables else None)
    article = builder.build(slug=slug, path=path.resolve(), body=body, body_line=body_line, body_lines=lines,
                            text_files=(*(lines.files if lines else ()), *headers, *notebooks))
    return article, [*article.placed(problems + schema_problems + builder.problems), *included.problems], \
        [*article.placed(warnings + builder.warnings), *included.warnings]


def _named_crossref_file(settings: Settings, folder: Path, located: Located, problems: list[Problem],
                         warnings: list[Problem], read: list[Path]) -> Located | None:
    """The settings file pandoc-crossref's `crossrefYaml:` names instead of its
    pandoc-crossref.yaml (kjhealy/workflow-paper: `crossrefYaml:
    "./pandoc-crossref-settings.yaml"`, ignored with a warning, its words unread,
    QA 30), relative to the article's folder, where Pandoc runs; None without one."""
    if not isinstance(located.data, dict) or "crossrefYaml" not in located.data:
        return None
    name, line = located.data.pop("crossrefYaml"), located.line_of(("crossrefYaml",))
    if not isinstance(name, str) or not name.strip():  # (review: it was left out without a word)
        warnings.append(Problem(located.file, "this is no file's name: pandoc-crossref's settings are not read",
                                line=line, field="crossrefYaml",
                                hint='give the settings file\'s name: crossrefYaml: "pandoc-crossref.yaml"'))
        return None
    try:
        path = within(settings.root, folder, name.strip(), "pandoc-crossref settings file")
    except ValueError as error:
        problems.append(Problem(located.file, str(error), line=line, field="crossrefYaml"))
        return None
    if not path.is_file():
        warnings.append(Problem(located.file, f"the pandoc-crossref settings file '{name}' does not exist: its "
                                "words are not read", line=line, field="crossrefYaml",
                                hint=f"looked for {display(path, settings.root)}; a path is relative to the "
                                     "article's folder"))
        return None
    found = read_project_file(settings.root, path, None)
    problems += found.problems
    warnings += found.warnings
    read.append(path)
    return found.located


def _project_file(settings: Settings, folder: Path, name: str, shared: dict[str, ProjectFile],
                  problems: list[Problem], warnings: list[Problem]) -> tuple[Located | None, Any]:
    """The article's _quarto.yml, _variables.yml or pandoc-crossref.yaml, a copy
    (the article's shortcodes are expanded in it), and its data as written (for
    {{< meta >}}): the article's own folder's, else source/'s (whose problems
    load_project reports, once)."""
    path = find_project_file(name, folder, settings.source_dir)
    if path is None:
        return None, None
    if path.parent == settings.source_dir and name in shared:
        found = shared[name]
    else:
        found = read_project_file(settings.root, path, _article_schema() if name == QUARTO_FILE else None)
        problems += found.problems
        warnings += found.warnings
    return copy.deepcopy(found.located), found.raw


@functools.cache
def _article_schema() -> dict:
    """The article schema, made once (it lists every Quarto option: copying it for
    each article would cost more than checking the article)."""
    return schema.article_schema()


@functools.cache
def _optional_title() -> dict:
    return {**_article_schema(), "required": []}


def check_characters(text: str, file: str) -> list[Problem]:
    """Characters XML cannot carry (C0 controls but tab and line ends, U+FFFE/FFFF),
    one problem per line."""
    problems = []
    number, position, last = 1, 0, 0  # counted on from the previous match: linear in the text
    for match in UNPUBLISHABLE.finditer(text):
        number += text.count("\n", position, match.start())
        position = match.start()
        if number == last:
            continue
        last = number
        start = text.rfind("\n", 0, position) + 1
        char = match.group()
        problems.append(Problem(
            file, f"the control character U+{ord(char):04X} cannot be published", line=number,
            column=position - start + 1, hint="delete it (it is invisible in most editors)",
        ))
    return problems
