"""Quarto's shortcodes `{{< meta key >}}` and `{{< var key >}}`, expanded in a text.

`meta` reads the article's front matter (merged with its project's `_quarto.yml`
and the publication file), `var` the project's `_variables.yml`; a key may be
dotted (`email.info`, `author.1`: lists count from 1, as in Quarto) and a dot
inside a name escaped (`field\\.with\\.dots`). Quarto's escape `{{{< var x >}}}`
prints `{{< var x >}}`. As in Quarto, shortcodes are expanded in code too, except
in a fenced code block marked `shortcodes=false`
(quarto.org/docs/extensions/shortcodes.html, "Escaping").

In the body, `{{< pagebreak >}}` breaks the printed page, `{{< kbd Ctrl-C >}}`
prints its keys and `{{< video https://... >}}` its address, a link; `{{< embed
notebook.ipynb#fig-x >}}` on a line of its own is the figure of that cell, captioned
as the cell is, its image what the notebook stored (notebooks.py); the words of the
fancy-text extension (`{{< latex >}}`: LaTeX, `{{< ldots >}}`: …) are printed in the
front matter and the text. `{{< include file >}}` on a line of its own was replaced by
the file before (includes.py). Any other shortcode (`{{< env ... >}}`, an include
within a line) is removed with a warning: Imprint has no such content to put there,
and a build never depends on the environment. A key that names nothing is an error (Quarto
prints `?meta:key`). A value is inserted as written (Markdown stays Markdown),
its line breaks joined with spaces: the text keeps its lines, so that every line
number after it is still right.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping

from ..errors import Problem
from .frontmatter import Located, format_path

if TYPE_CHECKING:
    from ..settings import Settings

SHORTCODE = re.compile(r"\{\{\{<(?P<escaped>.{0,1000}?)>\}\}\}|\{\{<(?P<inner>.{0,1000}?)>\}\}")  # (bounded: linear)
FENCE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
ARGUMENT = re.compile(r""""[^"]*"|'[^']*'|\S+""")
NO_SHORTCODES = re.compile(r"""\bshortcodes\s*=\s*(?:false|"false"|'false')""")
MAX_DEPTH = 10  # a value that names another, which names another...
# The words of quarto-ext's fancy-text extension, which quarto-journals' templates
# bring (its fancy-text.lua: what it prints where a format has no typesetting of them).
FANCY_TEXT = {"latex": "LaTeX", "tex": "TeX", "bibtex": "BibTeX", "ldots": "…", "vdots": "⋮", "ddots": "⋱",
              "pct": "%"}

def fenced_lines(lines: Iterable[str]) -> Iterator[tuple[str, bool, bool]]:
    """Each line of a Markdown text; whether shortcodes are expanded in it (not in a
    fenced code block marked shortcodes=false, nor on its fences); whether it is in
    a code block (its opening fence included)."""
    fence: tuple[str, bool] | None = None
    for line in lines:
        opened = FENCE.match(line.rstrip("\r\n"))
        if fence is None:
            if opened:
                fence = (opened.group("fence"), bool(NO_SHORTCODES.search(opened.group("info"))))
            skip = fence is not None and fence[1]
        else:
            skip, mark = fence[1], fence[0]
            if opened and opened.group("fence")[0] == mark[0] and len(opened.group("fence")) >= len(mark) \
                    and not opened.group("info").strip():
                fence = None
        yield line, not skip, fence is not None


class Unknown(Exception):
    """A key that names nothing (or a value that is not one text)."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


class Expander:
    """Expands the shortcodes of one article: its front matter's texts and its body."""

    def __init__(self, meta: Mapping[str, Any], variables: Mapping[str, Any] | None, variables_file: str | None,
                 describe: Callable[[str, Any], str | None] | None = None,
                 written: Callable[[str, tuple], tuple[str, str, int | None] | None] | None = None,
                 root: Path | None = None, folder: Path | None = None):
        """`describe(key, value)` may give a field's value as printed (a person's
        name, a date read from a placeholder); None: the general rules.
        `written(kind, path)`: how a value was written (text, file, line), to warn
        when YAML read a number otherwise (1.10 as 1.1). `root` and `folder`: the
        project's and the article's, where {{< embed >}} reads its notebooks
        (without them, none is read)."""
        self.meta = meta
        self.variables = variables
        self.variables_file = variables_file
        self.describe = describe
        self.written = written
        self.root = root
        self.folder = folder
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.notebooks: list[Path] = []  # (read for {{< embed >}}: what the article is made of, for the next build)

    def expand(self, text: str, file: str, line_at: Callable[[int], int | None], field: str | None = None,
               code_aware: bool = False) -> str:
        """`text` with its shortcodes expanded. `line_at(offset)` is the line of the
        file a character of the text is on. With `code_aware` (a Markdown body),
        fenced code blocks marked shortcodes=false are left as they are."""
        if "{{" not in text:
            return text
        if not code_aware:
            return self._expand_span(text, 0, file, line_at, field, ())
        parts, position = [], 0
        for line, expanded, in_code in fenced_lines(text.splitlines(keepends=True)):
            parts.append(line if not expanded or "{{" not in line
                         else self._expand_span(line, position, file, line_at, field, (), in_code=in_code))
            position += len(line)
        return "".join(parts)

    def _expand_span(self, text: str, start: int, file: str, line_at: Callable[[int], int | None],
                     field: str | None, chain: tuple, in_code: bool = False) -> str:
        def replace(match: re.Match) -> str:
            if match.group("escaped") is not None:
                return "{{<" + match.group("escaped") + ">}}"
            line = line_at(start + match.start())
            try:
                return self._shortcode(match.group("inner"), match.group(0), file, line, field, chain, in_code,
                                       alone=text.strip() == match.group(0))
            except Unknown as error:
                self.problems.append(Problem(file, f"{match.group(0)}: {error}", line=line, field=field,
                                             hint=error.hint))
                return match.group(0)
        return SHORTCODE.sub(replace, text)

    def _shortcode(self, inner: str, written: str, file: str, line: int | None, field: str | None,
                   chain: tuple, in_code: bool = False, alone: bool = False) -> str:
        """What a shortcode stands for. `in_code`: in a code block, where only meta and
        var are expanded (the others would print their Markdown there); `alone`: on
        a line of its own."""
        words = [w[1:-1] if w[:1] in "'\"" and w[-1:] == w[:1] and len(w) > 1 else w
                 for w in ARGUMENT.findall(inner)]
        name = words[0] if words else ""
        prose = field is None and not in_code
        if name == "embed" and prose and len(words) > 1:  # a notebook's output, in the body
            return self._embed(words[1].replace("\\", "").replace('"', ""), written, file, line, alone)
        if name == "pagebreak" and prose:  # (html.py: a paragraph of it alone breaks the printed page)
            return "[]{.imprint-pagebreak}"
        if name == "kbd" and prose and len(words) > 1:  # (Quarto's keys: the first, for every system)
            keys = next(w for w in words[1:] if "=" not in w) if any("=" not in w for w in words[1:]) \
                else words[1].split("=", 1)[1]
            return "[" + re.sub(r"([\\`*_{}\[\]<>#+!|~^$@])", r"\\\1", keys) + "]{.kbd}"
        if name == "video" and prose and len(words) > 1 and re.match(r"https?://\S+$", words[1]):
            self.warnings.append(Problem(  # (a book plays no video: its address, which readers can follow)
                file, f"the video of {written} is shown as its address, a link", line=line,
                hint="give it a still as an image and a caption, and keep the link"))
            return f"<{words[1]}>"
        if name in FANCY_TEXT and len(words) == 1 and not in_code:
            return FANCY_TEXT[name]
        if name == "include" and prose:
            self.warnings.append(Problem(
                file, f"removed {written}: an include stands on a line of its own, with empty lines around it "
                      "(as Quarto reads it), not within a paragraph or a list item", line=line,
                hint="put it on a line of its own, between empty lines"))
            return ""
        if name not in ("meta", "var"):
            self.warnings.append(Problem(
                file, f"removed the shortcode {written}: Imprint expands only {{{{< meta >}}}}, {{{{< var >}}}}"
                      + (" in code and raw blocks" if in_code else ", {{< pagebreak >}}, {{< kbd >}}, {{< video >}}, "
                         "{{< embed >}}" if field is None else "")
                      + ("" if in_code else " and fancy-text's words ({{< latex >}}, {{< ldots >}}...)"),
                line=line, field=field,
                hint="write what it stands for into the text, or remove it (escape it as "
                     "{{{< ... >}}} to print it)"))
            return ""
        if len(words) < 2:
            raise Unknown(f"names no {'field' if name == 'meta' else 'variable'}",
                          hint=f"write {{{{< {name} key >}}}}")
        key = words[1]
        if (name, key) in chain:
            raise Unknown(f"'{key}' refers to itself", hint="give it a value that does not name itself")
        if len(chain) >= MAX_DEPTH:
            raise Unknown("names values that name others more than ten deep")
        value = self._value(name, key)
        text = re.sub(r"(?<!\s)\s*\n\s*", " ", value.strip())
        if "{{" in text:
            text = self._expand_span(text, 0, file, lambda offset: line, field, chain + ((name, key),))
        return text

    def _embed(self, address: str, written: str, file: str, line: int | None, alone: bool) -> str:
        """A notebook's output (`notebook.ipynb#label`, on a line of its own): a span
        holding its cell's caption (read with the text, as Markdown), which
        body/quarto_divs.py makes the figure of. The image a Jupyter notebook stored
        as a figure's output is shown (`imprint-output="image"`: body/numbering.py
        reads it); what is not shown is said to be missing, with why."""
        from .notebooks import embed_span, find_cell

        label = address.rpartition("#")[2] if "#" in address else ""
        caption, alt, shown = "", "", False
        missing: tuple[str, str] | None = ("Imprint does not run notebooks", "render the notebook with Quarto and "
                                           "put its figure in the article as an image")
        if alone and label and "," not in label and self.folder is not None and self.root is not None:
            try:
                cell = find_cell(self.root, self.folder, address)
            except ValueError as error:
                raise Unknown(str(error), hint=getattr(error, "hint", None)) from None
            self.notebooks.append(cell.notebook)
            kind = label.split("-")[0]
            caption = cell.options.get(f"{kind}-cap", "").strip() if kind in ("fig", "tbl") else ""
            images = cell.images()
            if kind == "fig" and images:
                if not caption:
                    raise Unknown(f"the cell '{label}' of {cell.shown} has no caption, so its figure has no number",
                                  hint="give the cell its caption in the notebook: #| fig-cap: ...")
                alt, shown, missing = cell.options.get("fig-alt", ""), True, None
                if len(images) > 1:
                    self.warnings.append(Problem(
                        file, f"the cell '{label}' of {cell.shown} stored {len(images)} images: {written} shows the "
                              "first", line=line, hint="give each figure a cell of its own"))
            else:  # (what a Jupyter notebook stored, and why it is not shown; a .qmd stores nothing)
                missing = cell.left_out() or missing
        if missing is not None:
            self.warnings.append(Problem(file, f"the output {written} embeds is not shown: {missing[0]}", line=line,
                                         hint=missing[1]))
        return embed_span(address, caption, alt, shown)

    def _value(self, kind: str, key: str) -> str:
        if kind == "var":
            if self.variables is None:
                raise Unknown(f"there is no {VARIABLES_NAME} for the variable '{key}'",
                              hint=f"define '{key}' in {VARIABLES_NAME} beside the article or in source/")
            source, where = self.variables, f"in {self.variables_file}"
        else:
            source, where = self.meta, "in the front matter"
        value: Any = source
        parts = split_key(key)
        path: tuple = ()
        for depth, part in enumerate(parts):
            if isinstance(value, list) and part.isdigit() and 1 <= int(part) <= len(value):
                value = value[int(part) - 1]  # Quarto counts from 1 (Lua)
                path += (int(part) - 1,)
            elif isinstance(value, dict) and part in value:
                value = value[part]
                path += (part,)
            else:
                known = ", ".join(sorted(map(str, value))) if isinstance(value, dict) and value else None
                at = ".".join(parts[:depth])
                what = "variable" if kind == "var" else "field"
                if isinstance(value, list):
                    hint = f"{at} is a list of {len(value)}: count its items from 1"
                elif not known:
                    hint = f"define '{key}' in {self.variables_file}" if kind == "var" else \
                        f"add '{key}' to the front matter"
                elif at:
                    hint = f"{at} has: {known}"
                else:
                    hint = f"{self.variables_file} defines: {known}" if kind == "var" else \
                        f"the front matter has: {known}"
                raise Unknown(f"there is no {what} '{key}' {where}", hint=hint)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and self.written is not None:
            found = self.written(kind, path)
            if found is not None and found[0] != str(value):
                self.warnings.append(Problem(
                    found[1], f"YAML reads {found[0]} as the number {value}, so {{{{< {kind} {key} >}}}} prints {value}",
                    line=found[2], field=key if kind == "meta" else None,
                    hint=f"quote it to keep it as written: {parts[-1]}: \"{found[0]}\""))
        return self._text(key, value, kind)

    def _text(self, key: str, value: Any, kind: str) -> str:
        if self.describe is not None and kind == "meta":
            described = self.describe(key, value)
            if described is not None:
                return described
        if isinstance(value, list) and len(value) == 1:  # as Quarto: a list of one is its item
            return self._text(key, value[0], kind)
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (int, float, str)):
            return str(value)
        if value is None:
            raise Unknown(f"'{key}' is empty", hint="give it a value, or remove the shortcode")
        what = "a list" if isinstance(value, list) else "a set of fields"
        raise Unknown(f"'{key}' is {what}, not one value",
                      hint=f"name one of its {'items (from 1)' if isinstance(value, list) else 'fields'}: "
                           f"{key}.{'1' if isinstance(value, list) else next(iter(value), 'field')}")


VARIABLES_NAME = "_variables.yml"


def split_key(key: str) -> list[str]:
    """`email.info` -> [email, info]; a dot escaped with one or two backslashes
    stays in the name (`field\\.with\\.dots`)."""
    marker = "\x00"
    key = re.sub(r"\\{1,2}\.", marker, key)
    return [part.replace(marker, ".") for part in key.split(".")]


# -- an article's shortcodes


def mentions_shortcode(value: Any) -> bool:
    """Whether YAML data holds a text with a shortcode in it."""
    if isinstance(value, dict):
        return any(mentions_shortcode(item) for item in value.values())
    if isinstance(value, list):
        return any(mentions_shortcode(item) for item in value)
    return isinstance(value, str) and "{{" in value


def article_expander(settings: "Settings", document: Path, own: dict, project: Any, defaults: Located | None,
                     located: Located, quarto: Located | None, variables: Located | None) -> Expander:
    """An article's shortcodes: `meta` reads its front matter (`own`, as written)
    over its project's metadata (`project`) over the publication file, `var` its
    project's _variables.yml."""
    from .quarto import merge_data

    meta = merge_data(project if isinstance(project, dict) else {}, own)
    if defaults is not None:  # Imprint's merge of the publication file: mappings field by field
        meta = {**defaults.data, **{k: {**defaults.data[k], **v} if isinstance(v, dict) and
                                    isinstance(defaults.data.get(k), dict) else v for k, v in meta.items()}}

    def written(kind: str, at: tuple) -> tuple[str, str, int | None] | None:
        for front in (variables,) if kind == "var" else (located, quarto):
            if front is not None and at in front.scalars:
                return front.scalars[at][2], front.file, front.scalars[at][0]
        return None
    return Expander(meta, variables.data if variables else None, variables.file if variables else None,
                    describe=_describer(settings, document), written=written, root=settings.root,
                    folder=document.parent)


def expand_front_matter(located: Located, expander: Expander) -> None:
    """Expand the shortcodes of every text of the front matter, in place, each
    problem located on the line of the file it is on."""
    def walk(value: Any, path: tuple) -> Any:
        if isinstance(value, dict):
            for key in value:
                value[key] = walk(value[key], path + (key,))
        elif isinstance(value, list):
            for index, item in enumerate(value):
                value[index] = walk(item, path + (index,))
        elif isinstance(value, str) and "{{" in value:
            line, style, _ = located.scalars.get(path, (located.line_of(path) or 1, "", value))

            def line_at(offset: int, line: int = line, style: str = style, value: str = value) -> int:
                if style == "|":  # a literal block: one line of the file per line of the value
                    return line + 1 + value.count("\n", 0, offset)
                return line + 1 if style == ">" else line  # folded: its lines are joined
            return expander.expand(value, located.file_of(path), line_at, format_path(path))
        return value

    walk(located.data, ())


def _describer(settings: "Settings", document: Path) -> Callable[[str, Any], str | None]:
    """How {{< meta >}} prints an author (the name, as Quarto's `author` list has
    it) and a date placeholder (the date it stands for; when that cannot be
    known, the article's builder says why)."""
    from .metadata import person_name
    from .parsing import is_date_placeholder, placeholder_date

    def describe(key: str, value: Any) -> str | None:
        if key.split(".")[0] in ("author", "authors"):
            if isinstance(value, dict) and "name" in value:
                value = value["name"]
            if isinstance(value, dict) and key.endswith("name") or isinstance(value, str) and key.count(".") <= 1:
                try:
                    return person_name(value).display
                except TypeError:  # a name with fields no name has: printed by the general rules
                    return None
        if key in ("date", "date-modified") and is_date_placeholder(value):
            try:
                return placeholder_date(value, settings.source_date_epoch, settings.root, document).iso()
            except ValueError:
                return None
        return None
    return describe
