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
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from ..errors import Problem, SourceError
from ..files import display, read_text
from .quarto import QUARTO_FILE
from .shortcodes import fenced_lines

INCLUDE = re.compile(r"^[ \t]*\{\{<[ \t]*include[ \t]+(?P<path>\"[^\"]+\"|'[^']+'|[^\s>]+)[ \t]*>\}\}[ \t\r]*$")
MAX_DEPTH = 10  # a file that includes one that includes another...


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

    def where(self, line: int) -> tuple[str, int]:
        """The file and line a line of the body (numbered as the article's are) was written at."""
        for run in self.runs:
            if run.first <= line < run.first + run.count:
                return run.file, run.line + line - run.first
        return self.file, line

    def place(self, problem: Problem) -> Problem:
        """The problem at its own file and line (one at a line of the body as
        numbered in the article's file), and the lines its message names too."""
        if problem.file != self.file or problem.line is None:
            return problem
        file, line = self.where(problem.line)

        def named(match: re.Match) -> str:
            other, at = self.where(int(match.group(1)))
            return f"line {at}" + ("" if other == file else f" of {other}")

        return dataclasses.replace(problem, file=file, line=line, message=_LINE.sub(named, problem.message))


_LINE = re.compile(r"\bline (\d+)\b")


def placed(problems: Iterable[Problem], lines: BodyLines | None) -> tuple[Problem, ...]:
    return tuple(problems) if lines is None else tuple(lines.place(p) for p in problems)


@dataclass
class Included:
    """An article's body with the files it includes in place."""

    text: str
    lines: BodyLines | None  # None: it includes nothing
    problems: list[Problem]  # at their own files and lines (a file that cannot be included: its line left out)
    warnings: list[Problem]


def include(body: str, body_line: int, document: Path, root: Path, source_dir: Path, limit: int,
            check: Callable[[str, str], list[Problem]]) -> Included:
    """The body of the article at `document` with the files it includes in place of
    their shortcodes (`check(text, file)` tells an included text's problems)."""
    if "include" not in body or "{{<" not in body:
        return Included(body, None, [], [])
    folder = document.parent
    reading = _Reading(folder, root, quarto_root(folder, source_dir), limit, check)
    file = display(document, root)
    lines = reading.lines(body, file, body_line, ((document.resolve(), file),), "")
    if not reading.texts and not reading.problems and not reading.warnings:
        return Included(body, None, [], [])
    runs: list[Run] = []
    for number, (_, where, line) in enumerate(lines, start=body_line):
        last = runs[-1] if runs else None
        if last is not None and last.file == where and last.line + last.count == line:
            runs[-1] = dataclasses.replace(last, count=last.count + 1)
        else:
            runs.append(Run(number, 1, where, line))
    text = "\n".join(text for text, _, _ in lines) + ("\n" if body.endswith("\n") else "")
    return Included(text, BodyLines(file, tuple(runs), tuple(reading.texts)), reading.problems, reading.warnings)


def quarto_root(folder: Path, source_dir: Path) -> Path:
    """The root of the Quarto project of the article in `folder`, where a path
    written with a leading / starts: the folder of its _quarto.yml, else source/."""
    return folder if (folder / QUARTO_FILE).is_file() else source_dir


# A shortcode of its own line that names no file, or more than one thing.
_MALFORMED = re.compile(r"^[ \t]*\{\{<[ \t]*include\b(?P<rest>[^>]*)>\}\}[ \t\r]*$")
# A fence: a div's `:::` (quarto-tdg's `::: {.rendered}` right around an include, QA 30) or a code
# block's. Before an include, any fence ends what is above; after one, a paragraph runs into
# an opening `::: {.x}` or `~~~` (Pandoc reads them as its text), not into a closing `:::`
# or a backtick fence (review).
_FENCE = re.compile(r"^[ \t]*(?::::|```|~~~)")
_FENCE_AFTER = re.compile(r"^[ \t]*(?::::+[ \t]*$|```)")
MAX_INCLUDES = 1000  # files included in one article, counting each time: more is a loop of fan-outs


class _Reading:
    def __init__(self, folder: Path, root: Path, project_root: Path, limit: int,
                 check: Callable[[str, str], list[Problem]]):
        self.folder, self.root, self.project_root, self.limit, self.check = folder, root, project_root, limit, check
        self.texts: dict[Path, tuple[str, str]] = {}  # each file included, read once: its name as shown, its text
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.size = self.count = 0

    def lines(self, text: str, file: str, first: int, chain: tuple[tuple[Path, str], ...],
              indent: str) -> list[tuple[str, str, int]]:
        """The text's lines (each after `indent`) with their file and line, its
        includes in their place. `chain`: the files that include it, and it."""
        found: list[tuple[str, str, int]] = []
        self.size += len(text)
        rows = text.split("\n")
        if text.endswith("\n"):
            rows.pop()
        for index, (row, shortcodes, in_code) in enumerate(fenced_lines(rows)):
            match = INCLUDE.match(row) if shortcodes and "include" in row else None
            line = first + index
            if match is None:
                malformed = _MALFORMED.match(row) if shortcodes and "include" in row else None
                if malformed and not row.lstrip().startswith("{{{"):
                    self.problems.append(Problem(file, f"{row.strip()}: " + (
                        "names no file" if not malformed.group("rest").strip() else
                        "names more than one file"), line=line, hint="write {{< include _file.qmd >}}, the path in "
                                                                     "quotes if it has spaces"))
                    continue
                found.append((indent + row, file, line))
                continue
            written = match.group().strip()
            if not in_code and any(0 <= i < len(rows) and rows[i].strip() and not fence.match(rows[i])
                                   for i, fence in ((index - 1, _FENCE), (index + 1, _FENCE_AFTER))):
                self.warnings.append(Problem(file, f"{written} has no empty line before or after it: its text "
                                             "joins the paragraph around it", line=line,
                                             hint="put an empty line before and after it, as Quarto requires"))
            included = self._read(match.group("path").strip("\"'"), written, file, line, chain)
            if included is not None:
                path, shown, content = included
                found += self.lines(content, shown, 1, (*chain, (path, shown)),
                                    indent + row[:len(row) - len(row.lstrip())])
        return found

    def _read(self, name: str, written: str, file: str, line: int, chain: tuple[tuple[Path, str], ...]
              ) -> tuple[Path, str, str] | None:
        path = Path(os.path.normpath(self.project_root / name.lstrip("/") if name.startswith("/")
                                     else self.folder / name))
        shown = display(path, self.root)

        def problem(message: str, hint: str | None) -> None:
            self.problems.append(Problem(file, f"{written}: {message}", line=line, hint=hint))

        try:
            resolved = path.resolve(strict=False)
        except (OSError, RuntimeError):  # (a loop of symbolic links)
            problem(f"{shown} is a loop of symbolic links", "include the file itself")
            return None
        if resolved in {done for done, _ in chain}:
            names = [shown_ for _, shown_ in chain[[done for done, _ in chain].index(resolved):]]
            problem(f"{' includes '.join([*names, shown])}: a file includes itself",
                    "remove the include that leads back to it")
            return None
        if len(chain) > MAX_DEPTH:
            problem(f"includes files that include others more than {MAX_DEPTH} deep", "include fewer levels")
            return None
        self.count += 1
        if self.count > MAX_INCLUDES:
            if self.count == MAX_INCLUDES + 1:
                problem(f"the article includes files more than {MAX_INCLUDES} times, counting each time",
                        "include each file once")
            return None
        if path.suffix.lower() == ".ipynb":  # (Quarto includes only text: a notebook's output is embedded)
            problem(f"{shown} is a notebook, which Quarto does not include",
                    "write {{< embed notebook.ipynb#label >}} for a figure of its output, or include its text")
            return None
        if resolved in self.texts:
            content = self.texts[resolved][1]
        elif path.is_dir():
            problem(f"{shown} is a folder, not a file", "name a file in it")
            return None
        elif not path.is_file():
            problem(f"there is no file {shown}",
                    f"a path is relative to the article's folder ({display(self.folder, self.root)}/), even in an "
                    f"included file; one that starts with / to {display(self.project_root, self.root)}/")
            return None
        else:
            try:
                content = read_text(self.root, path, "included file", self.limit)
            except SourceError as error:
                for found in error.problems:
                    problem(found.message, found.hint)
                return None
            self.texts[resolved] = (shown, content)
            self.problems += self.check(content, shown)
        if self.size + len(content) > self.limit:
            problem(f"the article with what it includes is more than {self.limit // (1024 * 1024)} MB",
                    "split the article, or include less")
            return None
        return resolved, shown, content
