"""One exception tree; each class knows its exit code.

Bad input (a source file, a style) is the user's to fix: exit code 2, and every
problem carries the file, line and field it is about and what to do. Anything
else is Imprint's fault: exit code 1.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

REPORT_TO = "the Imprint maintainers (README.md, section 'Reporting a problem')"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can."""

    file: str  # relative to the project root, as the user sees it
    message: str
    line: int | None = None
    column: int | None = None
    field: str | None = None  # dotted path in the front matter: author[0].orcid
    hint: str | None = None  # what to do about it

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: "
        if self.field:
            text += f"{self.field}: "
        text += self.message
        if self.hint:
            text += f"\n    {self.hint}"
        return text


class ImprintError(Exception):
    """Base of every error Imprint raises on purpose."""

    exit_code = 1


class UserError(ImprintError):
    """Input the user can fix. Carries every problem found, not just the first,
    and the warnings found on the way (told with the problems: every problem of
    a file in one run, whatever else stops its article)."""

    exit_code = 2

    def __init__(self, problems: list[Problem] | tuple[Problem, ...], warnings: tuple[Problem, ...] = ()):
        self.problems = tuple(problems)
        self.warnings = tuple(warnings)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self):  # pickled whole, problems and all (a worker sends them back)
        return type(self), (self.problems, self.warnings)

    @classmethod
    def single(cls, file: str | Path, message: str, **where) -> "UserError":
        return cls([Problem(file=str(file), message=message, **where)])


class SourceError(UserError):
    """Something in source/ (article, publication file, referenced file)."""


class StyleError(UserError):
    """Something in styles/ (template, stylesheet, CSL style, locale strings)."""


@contextmanager
def as_style_error() -> Iterator[None]:
    """A file of styles/ read as a source file is (files.py): a problem with it is
    the style's (StyleError), with the same problems."""
    try:
        yield
    except SourceError as error:
        raise StyleError(error.problems) from None


class UsageError(ImprintError):
    """The command line itself is wrong."""

    exit_code = 2


class InternalError(ImprintError):
    """A bug or a broken installation: not the user's input (exit code 1)."""


# Warnings found while an edition is being written (a running head that had to be
# cut, say), where the writer returns only the edition's bytes: the unit that
# writes it collects them (building/units.py) and reports them with its result,
# and the build collects those raised in its own process outside any unit
# (pipeline.build).
_collecting: ContextVar[list[Problem] | None] = ContextVar("imprint_warnings", default=None)


class ImprintWarning(UserWarning):
    """A warning of Imprint's raised where nothing collects them (warn): its text
    is the Problem's, as the command line prints it."""


@contextmanager
def collecting_warnings() -> Iterator[list[Problem]]:
    found: list[Problem] = []
    token = _collecting.set(found)
    try:
        yield found
    finally:
        _collecting.reset(token)


def warn(problem: Problem) -> None:
    """Report a warning from inside an edition's writer, to the unit or build
    collecting them. Where nothing collects them (a writer called on its own, a
    worker's call outside a unit), it is a Python warning (ImprintWarning), which
    Python prints on stderr unless the caller catches it: never dropped."""
    found = _collecting.get()
    if found is None:
        import warnings

        warnings.warn(str(problem), ImprintWarning, stacklevel=2)
    elif problem not in found:
        found.append(problem)
