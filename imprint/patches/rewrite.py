"""A function of a dependency compiled again from its own source text, with one
change: how the patches that must alter a line inside a function do it.

The new function runs with a copy of its module's globals (plus any names the
change calls), so that nothing is added to the dependency's module except the
function itself, which the patch then puts in place of the old one. It keeps the
original's file name and line numbers, so that a traceback points at the
dependency's file, and it carries the original (`original()`), so that a test can
put it back to show what the patch is for. Two patches may change lines of the
same function (`replacing()`): the function is then compiled once from its own
source with both changes.
"""

from __future__ import annotations

import importlib
import inspect
import linecache
import sys
import textwrap
from types import CodeType
from typing import Any, Callable

from ..errors import InternalError

ORIGINAL = "__imprint_original__"
EDITED_BY = "__imprint_edited_by__"  # the patch modules whose changes a rewritten function carries

# The changes made to each function, by (module, qualified name): (old text, new text, patch, names)
_changes: dict[tuple[str, str], list[tuple[str, str, Any, dict[str, Any]]]] = {}


def rewrite(function: Callable, edit: Callable[[str], str], names: dict[str, Any] | None = None) -> Callable:
    """`function` compiled from its source text as `edit` changes it."""
    function = inspect.unwrap(function)
    lines, first = _source_lines(function)
    if not lines:  # (installed without its .py files; or no Python function)
        raise InternalError(f"imprint/patches: the source of {function.__module__}.{function.__qualname__} cannot "
                            "be read; reinstall the package with its .py files (scripts/setup.sh)")
    source = edit(textwrap.dedent("".join(lines)))
    namespace = dict(function.__globals__, **(names or {}))
    code = compile("\n" * (first - 1) + source, function.__code__.co_filename, "exec", dont_inherit=True)
    exec(code, namespace)  # defines the function, in the copy of the globals only
    changed = namespace[function.__name__]
    setattr(changed, ORIGINAL, function)
    return changed


def _source_lines(function: Callable) -> tuple[list[str], int]:
    """A function's lines of source (from its decorators to the end of its last
    statement) and the number of the first, from where its code says it lies.
    inspect.getsourcelines finds the same lines by tokenizing the file from the
    function's first line on: 30 ms of the 38 ms that applying WeasyPrint's
    patches took, in every process that makes a PDF (measured 2026-12-06)."""
    code = getattr(function, "__code__", None)
    if code is None:
        return [], 0
    last = max(_last_line(code), code.co_firstlineno)
    return linecache.getlines(code.co_filename)[code.co_firstlineno - 1:last], code.co_firstlineno


def _last_line(code: CodeType) -> int:
    ends = [end for _, end, _, _ in code.co_positions() if end is not None]
    ends += [_last_line(const) for const in code.co_consts if isinstance(const, CodeType)]
    return max(ends, default=0)


def replacing(function: Callable, old: str | tuple[str, ...], new: str | tuple[str, ...], patch: Any,
              names: dict[str, Any] | None = None) -> Callable:
    """`function` rewritten with the text `old` of its source, which must occur in
    it once, replaced by `new` (or each of several texts by its own), together
    with the changes other patches made to it before (each patch's once);
    `patch` (the patch's module) names, in the error otherwise, the file and the
    version it was written for."""
    own = original(function)
    key = (own.__module__, own.__qualname__)
    olds, news = ((old,), (new,)) if isinstance(old, str) else (tuple(old), tuple(new))
    changes = [c for c in _changes.get(key, []) if c[2] is not patch] + [
        (old_text, new_text, patch, dict(names or {})) for old_text, new_text in zip(olds, news, strict=True)]

    def edit(source: str) -> str:
        for old_text, new_text, by, _ in changes:
            if source.count(old_text) != 1:
                raise InternalError(
                    f"imprint/patches/{by.__name__.rsplit('.', 1)[-1]}.py: the text it changes is not in "
                    f"{function.__module__}.{function.__qualname__} as installed: not {by.DISTRIBUTION} "
                    f"{by.VERSION} as released? Reinstall it (scripts/setup.sh)")
            source = source.replace(old_text, new_text)
        return source

    changed = rewrite(own, edit, {name: value for c in changes for name, value in c[3].items()})
    _changes[key] = changes
    setattr(changed, EDITED_BY, tuple(c[2] for c in changes))
    return changed


def without(function: Callable, patch: Any) -> Callable:
    """`function` with the changes every patch but `patch` made to it (replacing()):
    what a test of `patch` puts back to show what `patch` is for, where other
    patches change the same function."""
    own = original(function)
    changes = [c for c in _changes.get((own.__module__, own.__qualname__), []) if c[2] is not patch]
    if not changes:
        return own

    def edit(source: str) -> str:
        for old_text, new_text, _, _ in changes:
            source = source.replace(old_text, new_text)
        return source

    return rewrite(own, edit, {name: value for c in changes for name, value in c[3].items()})


def edited_by(function: Callable, patch: Any) -> bool:
    """Whether `function` carries the change `patch` made to it (replacing())."""
    return patch in getattr(function, EDITED_BY, ())


def is_rewritten(function: Callable) -> bool:
    return hasattr(function, ORIGINAL)


def original(function: Callable) -> Callable:
    """The function as the dependency defines it."""
    return getattr(function, ORIGINAL, function)


class Method:
    """A method of a dependency's class (`owner`, a class of `module`) replaced by
    a patch's function, which reaches the dependency's own through
    original(function): what a patch module that does so offers as its apply(),
    applied() and original()."""

    def __init__(self, module: str, owner: str, name: str, function: Callable):
        self.module, self.owner, self.name, self.function = module, owner, name, function

    def _class(self) -> type:
        return getattr(importlib.import_module(self.module), self.owner)

    def apply(self) -> None:
        if self.applied():
            return
        owner = self._class()
        setattr(self.function, ORIGINAL, owner.__dict__[self.name])
        setattr(owner, self.name, self.function)

    def applied(self) -> bool:
        module = sys.modules.get(self.module)
        return module is not None and getattr(module, self.owner).__dict__[self.name] is self.function

    def original(self) -> Callable:
        """The dependency's own method (for tests)."""
        return original(self.function) if self.applied() else self._class().__dict__[self.name]


class Edit:
    """A function of a dependency (`name` in `module`, or `Class.method` for a
    method of one of its classes) rewritten by a patch with replacing() (its
    text `old` made `new`, or each of several texts, `names` the patch's own it
    calls), and set in each of `importers`, the modules that imported it by name
    (for a method: the module of its class): what a patch module that does so
    offers as its apply(), applied() and original()."""

    def __init__(self, module: str, name: str, importers: tuple[str, ...], old: str | tuple[str, ...],
                 new: str | tuple[str, ...], patch: str, names: dict[str, Any] | None = None):
        self.module, self.name, self.importers = module, name, importers
        self.old, self.new, self.patch, self.names = old, new, patch, names

    def _holder(self, module: Any) -> tuple[Any, str]:
        *owner, attribute = self.name.split(".")
        return (getattr(module, owner[0]) if owner else module), attribute

    def apply(self) -> None:
        function = getattr(*self._holder(importlib.import_module(self.module)))
        patch = sys.modules[self.patch]
        if edited_by(function, patch):
            return
        rewritten = replacing(function, self.old, self.new, patch, self.names)
        for name in self.importers:
            setattr(*self._holder(importlib.import_module(name)), rewritten)

    def applied(self) -> bool:
        return all(name in sys.modules and edited_by(getattr(*self._holder(sys.modules[name])), sys.modules[self.patch])
                   for name in self.importers)

    def original(self) -> Callable:
        """The function as the dependency defines it (for tests)."""
        return original(getattr(*self._holder(importlib.import_module(self.module))))

    def without(self) -> tuple[Any, str, Callable]:
        """Where the function is set (the object, the name) and the function with
        every other patch's changes but not this one's (for tests: monkeypatch.setattr)."""
        holder, attribute = self._holder(importlib.import_module(self.module))
        return holder, attribute, without(getattr(holder, attribute), sys.modules[self.patch])


class Edits(tuple):
    """The Edits of a patch that rewrites several functions: what its module
    offers as its apply(), applied() and original()."""

    def apply(self) -> None:
        for edit in self:
            edit.apply()

    def applied(self) -> bool:
        return all(edit.applied() for edit in self)

    def original(self) -> list:
        """(object, name, function) of each function the patch rewrites, the function
        with the other patches' changes but not this one's (for tests:
        monkeypatch.setattr(*each))."""
        return [edit.without() for edit in self]
