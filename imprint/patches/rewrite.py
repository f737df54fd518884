"""A function of a dependency compiled again from its own source text, with one
change: how the patches that must alter a line inside a function do it.

The new function runs with a copy of its module's globals (plus any names the
change calls), so that nothing is added to the dependency's module except the
function itself, which the patch then puts in place of the old one. It keeps the
original's file name and line numbers, so that a traceback points at the
dependency's file, and it carries the original (`original()`), so that a test can
put it back to show what the patch is for.
"""

from __future__ import annotations

import importlib
import inspect
import sys
import textwrap
from typing import Any, Callable

from ..errors import InternalError

ORIGINAL = "__imprint_original__"


def rewrite(function: Callable, edit: Callable[[str], str], names: dict[str, Any] | None = None) -> Callable:
    """`function` compiled from its source text as `edit` changes it."""
    try:
        lines, first = inspect.getsourcelines(function)
    except OSError as error:  # (installed without its .py files)
        raise InternalError(f"imprint/patches: the source of {function.__module__}.{function.__qualname__} cannot "
                            f"be read ({error}); reinstall the package with its .py files (scripts/setup.sh)") from None
    source = edit(textwrap.dedent("".join(lines)))
    namespace = dict(function.__globals__, **(names or {}))
    code = compile("\n" * (first - 1) + source, function.__code__.co_filename, "exec", dont_inherit=True)
    exec(code, namespace)  # defines the function, in the copy of the globals only
    changed = namespace[function.__name__]
    setattr(changed, ORIGINAL, function)
    return changed


def replacing(function: Callable, old: str, new: str, patch: Any, names: dict[str, Any] | None = None) -> Callable:
    """`function` rewritten with the text `old` of its source, which must occur in
    it once, replaced by `new`; `patch` (the patch's module) names, in the error
    otherwise, the file and the version it was written for."""
    def edit(source: str) -> str:
        if source.count(old) != 1:
            raise InternalError(
                f"imprint/patches/{patch.__name__.rsplit('.', 1)[-1]}.py: the text it changes is not in "
                f"{function.__module__}.{function.__qualname__} as installed: not {patch.DISTRIBUTION} "
                f"{patch.VERSION} as released? Reinstall it (scripts/setup.sh)")
        return source.replace(old, new)

    return rewrite(function, edit, names)


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
