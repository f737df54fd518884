"""Quarto's `{{< include file >}}`: the file's text in place of the shortcode's line.

As in Quarto (quarto.org/docs/authoring/includes.html), an include is a copy and
paste made before the text is read: it stands on a line of its own (in the text,
or in a code block, to show a script as code), the included text may include
others, and every path in it, the includes' too, is relative to the article's
folder (the main file's, not the included file's); a path with a leading `/` is
relative to the Quarto project's root (the folder of the article's `_quarto.yml`,
else source/). Imprint reads only files inside the project.

The body then has lines that are not the article's: BodyLines keeps where each
was written, so that a problem found at a line of the body (numbered as the
article's lines are) is told at its own file and line (place()).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from ..errors import Problem, SourceError
from ..files import display, read_text
from .shortcodes import fenced_lines

INCLUDE = re.compile(r"^[ \t]*\{\{<[ \t]*include[ \t]+(?P<path>\"[^\"]+\"|'[^']+'|[^\s>]+)[ \t]*>\}\}[ \t\r]*$")
MAX_DEPTH = 10  # a file that includes one that includes another...
QUARTO_FILE = "_quarto.yml"


@dataclass(frozen=True)
class Run:
    """Lines of the body written one after the other in one file."""

    first: int  # the body's line, numbered as the article's lines are (its body_line for the first)
    count: int
    file: str  # as shown
    line: int  # the line of `file` it starts on


@dataclass(frozen=True)
class BodyLines:
    """Where the lines of a body that includes other files were written."""

    file: str  # the article's, as shown
    runs: tuple[Run, ...]
    files: tuple[Path, ...]  # the files included (what the article is made of, for the next build)

    def place(self, problem: Problem) -> Problem:
        """The problem at its own file and line (one at a line of the body as
        numbered in the article's file)."""
        if problem.file != self.file or problem.line is None:
            return problem
        for run in self.runs:
            if run.first <= problem.line < run.first + run.count:
                return dataclasses.replace(problem, file=run.file, line=run.line + problem.line - run.first)
        return problem


def placed(problems: Iterable[Problem], lines: BodyLines | None) -> tuple[Problem, ...]:
    return tuple(problems) if lines is None else tuple(lines.place(p) for p in problems)


def include(body: str, body_line: int, document: Path, root: Path, source_dir: Path, limit: int,
            check: Callable[[str, str], list[Problem]]) -> tuple[str, BodyLines | None, list[Problem]]:
    """The body of the article at `document` with the files it includes in place of
    their shortcodes; where its lines came from (None: it includes nothing); the
    problems (`check(text, file)`'s of an included text too; a file that cannot be
    included: its shortcode's line is left out)."""
    if "include" not in body or "{{<" not in body:
        return body, None, []
    folder = document.parent
    reading = _Reading(folder, root, _project_root(folder, source_dir), limit, check)
    file = display(document, root)
    lines = reading.lines(body, file, body_line, (document.resolve(),))
    if not reading.files and not reading.problems:
        return body, None, []
    runs: list[Run] = []
    for number, (_, where, line) in enumerate(lines, start=body_line):
        last = runs[-1] if runs else None
        if last is not None and last.file == where and last.line + last.count == line:
            runs[-1] = dataclasses.replace(last, count=last.count + 1)
        else:
            runs.append(Run(number, 1, where, line))
    text = "\n".join(text for text, _, _ in lines) + ("\n" if body.endswith("\n") else "")
    return text, BodyLines(file, tuple(runs), tuple(reading.files)), reading.problems


def _project_root(folder: Path, source_dir: Path) -> Path:
    return folder if (folder / QUARTO_FILE).is_file() else source_dir


class _Reading:
    def __init__(self, folder: Path, root: Path, project_root: Path, limit: int,
                 check: Callable[[str, str], list[Problem]]):
        self.folder, self.root, self.project_root, self.limit, self.check = folder, root, project_root, limit, check
        self.files: list[Path] = []
        self.problems: list[Problem] = []
        self.size = 0

    def lines(self, text: str, file: str, first: int, chain: Sequence[Path]) -> list[tuple[str, str, int]]:
        """The text's lines with their file and line, its includes in their place."""
        found: list[tuple[str, str, int]] = []
        self.size += len(text)
        rows = text.split("\n")
        if text.endswith("\n"):
            rows.pop()
        for index, (row, shortcodes, _) in enumerate(fenced_lines(rows)):
            match = INCLUDE.match(row) if shortcodes and "include" in row else None
            if match is None:
                found.append((row, file, first + index))
                continue
            written, line = match.group().strip(), first + index
            included = self._read(match.group("path").strip("\"'"), written, file, line, chain)
            if included is not None:
                path, shown, content = included
                found += self.lines(content, shown, 1, (*chain, path))
        return found

    def _read(self, name: str, written: str, file: str, line: int, chain: Sequence[Path]
              ) -> tuple[Path, str, str] | None:
        path = (self.project_root / name.lstrip("/") if name.startswith("/") else self.folder / name)
        shown = display(path, self.root)

        def problem(message: str, hint: str | None) -> None:
            self.problems.append(Problem(file, f"{written}: {message}", line=line, hint=hint))

        if path.resolve() in chain:
            problem(f"{shown} includes itself", "remove the include that leads back to it")
            return None
        if len(chain) >= MAX_DEPTH:
            problem(f"includes files that include others more than {MAX_DEPTH} deep", "include fewer levels")
            return None
        if path.suffix.lower() == ".ipynb":  # (Quarto includes only text: a notebook's output is embedded)
            problem(f"{shown} is a notebook, which Quarto does not include",
                    "write {{< embed notebook.ipynb#label >}} for a figure of its output, or include its text")
            return None
        if not path.is_file():
            problem(f"there is no file {shown}",
                    f"a path is relative to the article's folder ({display(self.folder, self.root)}/), even in an "
                    f"included file; one that starts with / to {display(self.project_root, self.root)}/")
            return None
        try:
            content = read_text(self.root, path, "included file", self.limit)
        except SourceError as error:
            for found in error.problems:
                problem(found.message, found.hint)
            return None
        if self.size + len(content) > self.limit:
            problem(f"the article with what it includes is more than {self.limit // (1024 * 1024)} MB",
                    "split the article, or include less")
            return None
        self.files.append(path.resolve())
        self.problems += self.check(content, shown)
        return path.resolve(), shown, content
