"""Jinja, as Theme (theme/__init__.py) uses it: a sandboxed environment that reads
templates only through files.py and keeps Imprint's own templates compiled.
Imported when a template is first rendered: the build's own process may never
need it.

Every template, Imprint's own and a project's, runs in Jinja's immutable sandbox
(jinja2.sandbox): a project may come from someone the build service does not
trust, and a plain Environment lets `{{ cycler.__init__.__globals__.os }}` reach
Python. The sandbox refuses names that start with `_` and the internals of
functions and frames, and the lists and mappings a template is given cannot be
changed. Beyond Jinja's rules: a path (Article.path, an image's) gives a template
its name and parts from the project's folder (ImprintSandbox.shown) but none of its
methods that touch the disk, and a number or
text a template makes (by `**`, `*`, a format's width, a filter's size) has a
limit, and so has the work of one rendering (work.py).
"""

from __future__ import annotations

import difflib
import functools
import hashlib
import io
import operator
import re
import string
import types
from contextlib import suppress
from pathlib import Path, PurePath, PurePosixPath
from typing import Any, Callable, Mapping

import jinja2
import jinja2.sandbox
import markupsafe

from ..errors import as_style_error
from ..files import read_text, resolve_inside
from ..building.output import write_atomic
from . import Words
from .typography import nbsp_html
from .work import SIZED, WORK_FILTER, WorkCounter, current, finalize, made, work_filter


# What a template may call besides its variables: Jinja's own globals but `lipsum`
# (random text: a build must give the same bytes each time), Jinja's own filters
# but `random` (the same reason), and Imprint's two.
GLOBALS = ("range", "dict", "cycler", "joiner", "namespace")
LEFT_OUT_FILTERS = ("random", "safe")  # (safe: below)
# The largest text or list `*` may make (and the largest width or count a filter or
# a format may be given), and the largest number `**` may make (in bits).
MAX_REPEAT = 1_000_000
MAX_POWER_BITS = 4096


class ImprintSandbox(jinja2.sandbox.ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with paths kept off the disk, `*` and `**` bounded
    and the work of a rendering counted (work.py)."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})
    code_generator_class = WorkCounter
    counting = 1  # (how the compiled code counts its work: part of what a compiled template depends on)

    def __init__(self, root: Path | None = None, **options: Any):
        super().__init__(finalize=_printed, **options)
        self.filters[WORK_FILTER] = work_filter
        # The project's folder, as it was given and resolved (an image's path is resolved): the
        # paths a template is given are shown from it (shown()).
        self.roots = tuple(dict.fromkeys(PurePath(r) for r in (root, root.resolve()))) if root else ()

    made = staticmethod(made)  # (for `~`: WorkCounter)

    def _parse(self, source: str, name: str | None, filename: str | None) -> jinja2.nodes.Template:
        """The template's tree, refused if it prints a text unescaped: `|safe` and
        `{% autoescape false %}` (a title's `<script>` went into the EPUB and the
        landing page: QA 22). What is HTML is given as HTML (doc.title,
        docs/templates.md); every other text is plain and printed escaped."""
        tree = super()._parse(source, name, filename)
        for node in tree.find_all((jinja2.nodes.Filter, jinja2.nodes.EvalContextModifier)):
            if isinstance(node, jinja2.nodes.Filter) and node.name == "safe" or \
                    isinstance(node, jinja2.nodes.EvalContextModifier) and any(
                        option.key == "autoescape" for option in node.options):
                raise Unescaped(
                    "a text printed unescaped (|safe, autoescape false) could put an author's <script> in the "
                    "editions: what is HTML is given as HTML (doc.title; docs/templates.md), the rest is printed "
                    "as text", node.lineno, name, filename)
        return tree

    def call(self, context: jinja2.runtime.Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        """Jinja 3.1's sandboxed call (its two lines, written out here), counted: a
        step (and a recursive loop's next turns), and the size of what it makes."""
        if not self.is_safe_callable(obj):
            raise jinja2.sandbox.SecurityError(f"{obj!r} is not safely callable")
        work = current.get()
        if work is not None:
            work.steps -= 1 + (len(args[0]) if args and isinstance(obj, jinja2.runtime.LoopContext)  # loop(items)
                               and hasattr(args[0], "__len__") else 0)
            if work.steps < 0:
                work.stop()
        value = context.call(obj, *args, **kwargs)
        if work is not None:
            work.characters -= len(value) if isinstance(value, str) or isinstance(value, SIZED) else 1
            if work.characters < 0:
                work.stop()
        return value

    def getattr(self, obj: Any, attribute: str) -> Any:
        return self.shown(super().getattr(obj, attribute))

    def getitem(self, obj: Any, argument: Any) -> Any:
        return self.shown(super().getitem(obj, argument))

    def shown(self, value: Any) -> Any:
        """A path (Article.path, an image's, a bibliography's) as a template sees it:
        from the project's folder, in POSIX form (source/x/article.md), or, outside
        the project (a CSL style of Imprint's), by its name alone. Printed, the
        builder's absolute path would put the machine's folders in the editions, and
        the same project built in two folders would give two PDFs (QA 26)."""
        if isinstance(value, PurePath) and value.is_absolute():
            for root in self.roots:
                if value.is_relative_to(root):
                    return PurePosixPath(*value.relative_to(root).parts)
            return PurePosixPath(value.name)
        if isinstance(value, tuple) and value and isinstance(value[0], PurePath):
            return tuple(self.shown(item) for item in value)
        return value

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if isinstance(obj, PurePath) and not hasattr(PurePath, attr):
            return False  # Path.read_text, .write_text, .unlink, ...: PurePath has only what needs no disk
        if isinstance(obj, (io.IOBase, types.ModuleType, jinja2.Environment, jinja2.BaseLoader,
                            jinja2.BytecodeCache)) or isinstance(value, types.ModuleType):
            return False
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: jinja2.runtime.Context, op: str, left: Any, right: Any) -> Any:
        # (Jinja's sandbox bounds range() only; 9 ** 999999 or 'a' * 10 ** 10 would
        # take the worker's memory or time before any limit stopped it.)
        if op == "+":  # (only counted: a text added to itself again and again doubles)
            return made(left + right)
        if op == "**" and _is_int(left) and _is_int(right) and right > 0 and \
                abs(left) > 1 and right * abs(left).bit_length() > MAX_POWER_BITS:
            raise jinja2.TemplateRuntimeError(f"{left} ** {right} is a number too large for a template "
                                              f"(at most {MAX_POWER_BITS} bits)")
        if op == "*":
            size, times = (len(left), right) if isinstance(left, (str, list, tuple)) and _is_int(right) else \
                (len(right), left) if isinstance(right, (str, list, tuple)) and _is_int(left) else (0, 0)
            if size * times > MAX_REPEAT:
                raise jinja2.TemplateRuntimeError(
                    f"'*' would make a text or list of {size * times:,} items (a template may make at most "
                    f"{MAX_REPEAT:,})")
        if op == "%" and isinstance(left, str):
            _check_printf(left, right)
        return made({"**": operator.pow, "*": operator.mul, "%": operator.mod}[op](left, right))

    def wrap_str_format(self, value: Any) -> Any:
        """'{:>999999999}'.format(x) would make a text of a gigabyte: widths are bounded."""
        wrapped = super().wrap_str_format(value)
        if wrapped is not None:
            _check_format_specs(value.__self__)
        return wrapped


@jinja2.pass_context  # (as work.finalize, which it calls)
def _printed(context: jinja2.runtime.Context, value: Any) -> Any:
    """What {{ value }} writes: nothing for None (a field "or none" that a template
    prints without an `if` printed the word None: QA 26), a path as shown(), and
    counted (work.finalize)."""
    if value is None:
        return ""
    if isinstance(value, PurePath):
        value = context.environment.shown(value)
    return finalize(context, value)


class MissingWord(jinja2.UndefinedError):
    """A word a template asks of a language's words (`t.motto`) that they lack."""

    def __init__(self, words: Words, word: str, message: str):
        super().__init__(message)
        self.words, self.word = words, word


class _Undefined(jinja2.StrictUndefined):
    """Jinja's strict undefined, but a word a language's words lack raises
    MissingWord, which the theme tells with the language and the file to add it
    to: it was "the ReadOnlyDict has no attribute 'motto'" (QA 26 F10). (Only when
    used: `t.about_the_author is defined` stays a test.)"""

    __slots__ = ()

    def __init__(self, hint: str | None = None, obj: Any = jinja2.utils.missing, name: str | None = None,
                 exc: type[jinja2.TemplateRuntimeError] = jinja2.UndefinedError):
        if isinstance(obj, Words) and isinstance(name, str):
            exc = functools.partial(MissingWord, obj, name)
        super().__init__(hint, obj, name, exc)

    @property
    def _undefined_message(self) -> str:
        """Jinja's message, and the attribute or key the template may have meant
        (`doc.titel`: 'title')."""
        said, obj, name = super()._undefined_message, self._undefined_obj, self._undefined_name
        if obj is jinja2.utils.missing or not isinstance(name, str):
            return said
        names = [key for key in obj if isinstance(key, str)] if isinstance(obj, Mapping) else \
            [attribute for attribute in dir(obj) if not attribute.startswith("_")]
        meant = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
        return said + (f": did you mean '{meant[0]}'?" if meant else "")


class Unescaped(jinja2.TemplateSyntaxError):
    """A template that would print a text unescaped (ImprintSandbox._parse)."""

    hint = ("print a field given as HTML as it is, without |safe ({{ doc.title }}, {{ doc.abstract }}: "
            "docs/templates.md says which fields are Markup); any other text is printed as it reads")


_UNKNOWN_FILTER = re.compile(r"No filter named '([^']*)'")


def syntax_hint(env: jinja2.Environment, error: jinja2.TemplateSyntaxError) -> str:
    """What to do about a template's syntax error: for an unknown filter, the
    filters there are; else how Jinja writes its statements."""
    if isinstance(error, Unescaped):
        return error.hint
    unknown = _UNKNOWN_FILTER.match(error.message or "")
    if unknown is None:
        return ("Jinja writes a value as {{ name }}, a statement as {% if ... %} ... {% endif %}, a comment "
                "as {# ... #}: check the braces and the statement's name")
    known = sorted(set(env.filters) - {WORK_FILTER})
    close = difflib.get_close_matches(unknown.group(1), known, n=2)
    said = f"did you mean {' or '.join(close)}? " if close else ""
    if unknown.group(1) == "random":
        said = "random is left out: a build gives the same bytes each time. "
    return said + "The filters a template may use: " + ", ".join(known) + \
        " (typeset and filesize are Imprint's, docs/templates.md; the others Jinja's)"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _too_large(what: str, number: int) -> jinja2.TemplateRuntimeError:
    return jinja2.TemplateRuntimeError(f"{what} {number:,} is more than a template may ask for "
                                       f"(at most {MAX_REPEAT:,})")


_PRINTF = re.compile(r"%(?:\([^)%]*\))?[-#0 +]*(\d+|\*)?(?:\.(\d+|\*))?")


def _check_printf(text: str, args: Any) -> None:
    """A %-format's widths and precisions ('%999999999s'), and those it takes from its arguments."""
    for match in _PRINTF.finditer(text):
        for number in match.groups():
            if number and number.isdigit() and int(number) > MAX_REPEAT:
                raise _too_large("the width", int(number))
            if number == "*":
                for arg in args if isinstance(args, tuple) else (args,):
                    if _is_int(arg) and abs(arg) > MAX_REPEAT:
                        raise _too_large("the width", arg)


def _check_format_specs(text: str) -> None:
    for _, _, spec, _ in string.Formatter().parse(text):
        if spec and "{" in spec:
            raise jinja2.TemplateRuntimeError("a format may not take its width from an argument in a template")
        for number in re.findall(r"\d+", spec or ""):
            if int(number) > MAX_REPEAT:
                raise _too_large("the width", int(number))


def _bounded(name: str, filter_: Callable) -> Callable:
    """One of Jinja's filters, refusing a size beyond MAX_REPEAT in its arguments
    (center(999999999), indent, truncate, wordwrap, slice, ...) and in a
    %-format's widths (format)."""
    skip = 2 if getattr(filter_, "jinja_pass_arg", None) else 1  # (the context or environment, then the value)

    @functools.wraps(filter_)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        for arg in (*args[skip:], *kwargs.values()):
            if _is_int(arg) and abs(arg) > MAX_REPEAT:
                raise _too_large(f"{name}'s argument", arg)
        if name == "format" and len(args) >= skip and isinstance(args[skip - 1], str):
            _check_printf(args[skip - 1], tuple(args[skip:]))
        return made(filter_(*args, **kwargs))

    return bounded


def environment(folders: list[tuple[Path, Path]], own: Path, options: Mapping[str, Any],
                root: Path | None = None) -> jinja2.Environment:
    """Templates looked up in `folders` (each with the root its files must stay
    inside), in order; those under `own` (Imprint's styles/) compiled once; the
    paths they are given shown from the project's folder `root`."""
    env = ImprintSandbox(
        root=root,
        loader=jinja2.ChoiceLoader([_ImprintsOwn(own.parent, own / "templates"),
                                    *(_ConfinedLoader(root, folder) for root, folder in folders)]),
        undefined=_Undefined,
        bytecode_cache=_OwnTemplatesCache(own, {**options, "environment": _compiled_as(ImprintSandbox)}),
        **options,
    )
    env.globals = {name: env.globals[name] for name in GLOBALS}
    env.filters = {name: filter_ if name == WORK_FILTER else _bounded(name, filter_)
                   for name, filter_ in env.filters.items() if name not in LEFT_OUT_FILTERS}
    attr = env.filters["attr"]  # (Jinja's |attr reads the attribute itself, not by env.getattr)
    env.filters["attr"] = functools.wraps(attr)(lambda *args, **kwargs: env.shown(attr(*args, **kwargs)))
    # {{ text|typeset(lang) }}: non-breaking spaces by the language's rules.
    env.filters["typeset"] = lambda value, lang: nbsp_html(markupsafe.escape(value), lang)
    # {{ size|filesize(t) }}: 170 kB, in the words of the page's language.
    env.filters["filesize"] = _file_size
    return env


def _compiled_as(kind: type[jinja2.Environment]) -> str:
    """What the compiled code depends on besides the options: a sandbox compiles
    calls (and the operators it intercepts) differently from a plain Environment,
    and counts its work (`counting`, work.py) in code of its own, so a template
    compiled by one must not be loaded by the other."""
    return f"{kind.__module__}.{kind.__qualname__}:{kind.sandboxed}:{sorted(kind.intercepted_binops)}:" \
           f"{sorted(kind.intercepted_unops)}:{getattr(kind, 'counting', None)}"


def _file_size(size: int, t: Mapping[str, Any]) -> str:
    if size < 1000:
        return f"{size}\u00a0{t['size_b']}"
    if size < 1_000_000:
        return f"{size / 1000:.0f}\u00a0{t['size_kb']}"
    return f"{size / 1_000_000:.1f}\u00a0{t['size_mb']}"


OWN = "imprint:"  # a template's name, so prefixed: Imprint's own, whatever the project has of that name


class _ImprintsOwn(jinja2.BaseLoader):
    """Imprint's own templates, by their names with OWN before them: a project's
    template can extend or include Imprint's of the same name ({% extends
    "imprint:print/article.html.j2" %}, replacing its blocks), which by its name
    alone would be itself ("calls itself without end")."""

    def __init__(self, root: Path, folder: Path):
        self.own = _ConfinedLoader(root, folder)

    def get_source(self, environment: jinja2.Environment, template: str):
        if not template.startswith(OWN):
            raise jinja2.TemplateNotFound(template)
        return self.own.get_source(environment, template.removeprefix(OWN))


class _ConfinedLoader(jinja2.BaseLoader):
    """Jinja's FileSystemLoader follows symlinks out of the project; this one
    reads templates through files.py like every other file."""

    def __init__(self, root: Path, folder: Path):
        self.root = root
        self.folder = folder

    def get_source(self, environment: jinja2.Environment, template: str):
        path = self.folder.joinpath(*jinja2.loaders.split_template_path(template))
        if not path.exists():
            raise jinja2.TemplateNotFound(template)
        with as_style_error():
            text = read_text(self.root, path, "template")
        resolved = resolve_inside(self.root, path)
        mtime = resolved.stat().st_mtime
        return text, str(path), lambda: resolved.stat().st_mtime == mtime


class _OwnTemplatesCache(jinja2.BytecodeCache):
    """Imprint's own templates compiled once and kept, like its own modules'
    .pyc files, in imprint/__pycache__/ (Jinja's compiler would otherwise take
    some 60 ms of every build). Only templates of Imprint's styles/ are kept: a
    project's own are compiled at each build. Jinja checks each kept file
    against the template's text; a folder that cannot be written is no error."""

    folder = Path(__file__).parent / "__pycache__" / f"templates-jinja-{jinja2.__version__}"

    def __init__(self, own: Path, options: Mapping[str, Any]):
        self._own: set[str] = set()
        self.own_dir, self.options = own, sorted(options.items())

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        key = hashlib.sha1(f"{name}|{filename}|{self.options}".encode()).hexdigest()
        if filename and Path(filename).is_relative_to(self.own_dir):
            self._own.add(key)
        return key

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._own:
            try:
                with open(self.folder / bucket.key, "rb") as file:
                    bucket.load_bytecode(file)
            except (OSError, EOFError, ValueError, TypeError):
                bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        if bucket.key in self._own:
            with suppress(OSError):
                write_atomic(self.folder / bucket.key, bucket.bytecode_to_string())  # whoever else writes it
