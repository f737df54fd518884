"""Quarto's syntax that Pandoc's `markdown` reader does not know, made readable.

A Quarto code cell opens with ```` ```{python} ```` (or `{r}`, `{julia}`, ...):
Pandoc reads that as inline code. Each such fence becomes a code block of
classes `.python .imprint-cell`, with the line it was written on, so that
numbering.py can show it as code and say it was not executed. R Markdown's
chunks (knitr) give their options on the fence, ```` ```{r map, echo=FALSE,
fig.cap="A map"} ````, and set defaults for the chunks after with
`knitr::opts_chunk$set(echo = FALSE)`: both are read as Quarto's `#|` options
(knitr_options()), kept on the block in `imprint-knitr`; bookdown's text
references, a paragraph `(ref:name) Some *text*.` that `(ref:name)` stands for
in captions and text, are put in place (text_references()). A cell written
with doubled braces, ```` ```{{python}} ````, is Quarto's way to show a cell as
it is written (its documentation does): a code block of class
`.imprint-shown-cell`, its fence's text kept in `imprint-fence`, which
structure.py puts back around the code. Lines are kept one for one: every line
number Pandoc or Imprint reports stays the file's.

Quarto reads some attributes as Markdown: a callout's `title="A **bold** one"`,
a theorem's `name`, `fig-cap`, `tbl-cap`, `lst-cap` and `caption` (on divs and code blocks,
and in a cell's `#|` lines). Pandoc's reader keeps attributes as text, so their
values are found in the text (written_texts()), read by the same Pandoc run as
metadata, and given to their nodes (read_texts()).
"""

from __future__ import annotations

import bisect
import copy
import html
import json
import re
from typing import Iterator, Mapping
from urllib.parse import quote, unquote

import yaml

from ..errors import Problem
from .ast import TEXTS, Node, annotate, attr, walk
from .quarto_divs import PROOFS, THEOREMS

_FENCE = re.compile(r"^(?P<indent>[ ]{0,3})(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# (a chunk's options may hold braces in their strings: fig.cap="Mean of $x_{i}$ \\label{m}"; the
# engine's name ends at a space, a comma or the brace, as in Quarto's own test of a cell: a plain
# block's attribute, ``` {shortcodes="false"}, names no engine; source/notebooks.py reads a .qmd's
# cells with it)
CELL = re.compile(r"^[ \t]*\{(?P<lang>[A-Za-z][\w+-]*)(?=[ \t,}])"
                  r"(?P<rest>(?:[^}\"']|\"(?:[^\"\\]|\\.)*\"|'(?:[^'\\]|\\.)*')*)\}[ \t]*$")
_SHOWN_CELL = re.compile(r"^[ \t]*\{\{(?P<info>[A-Za-z][^{}]*)\}\}[ \t]*$")


_MARKED = re.compile(r"^(?P<fence>[ ]{0,3}(?:`{3,}|~{3,}))\{\.(?P<lang>[\w+-]+) \.imprint-cell imprint-line=\d+"
                     r"(?: imprint-knitr=\"[^\"]*\" imprint-written=\"(?P<written>[^\"]*)\")?\}$", re.M)


def unmark_cells(text: str) -> str:
    """The cells of a text as their author wrote them, where mark_cells() marked
    them (raw HTML printed as the text it is shows what is in it as written)."""
    def written(match: re.Match) -> str:
        info = unquote(match.group("written")) if match.group("written") else f"{{{match.group('lang')}}}"
        return match.group("fence") + info
    return _MARKED.sub(written, text) if ".imprint-cell" in text else text


def mark_cells(text: str, first_line: int, defaults: Mapping[str, str] | None = None) -> str:
    """The body with Quarto's code cells (and R Markdown's chunks) as attributed
    fenced code blocks; `defaults`: every cell's options (Quarto's `execute:`)."""
    if "```{" not in text and "~~~{" not in text and "``` {" not in text:
        return text
    lines = text.split("\n")
    defaults = dict(defaults or {})  # (and knitr::opts_chunk$set() in a chunk: for the chunks after it)
    code: list[str] | None = None  # (the code of the cell open)
    opened: tuple | None = None  # (the open cell's line, fence match, engine and options)

    def marked(index: int, match: re.Match, language: str, options: dict, unread: list) -> str:
        knitr = (f' imprint-knitr="{quote(json.dumps([options, unread], ensure_ascii=False), safe="")}"'
                 f' imprint-written="{quote(match.group("info").strip(), safe="")}"' if options or unread else "")
        return (f"{match.group('indent')}{match.group('fence')}{{.{language} .imprint-cell "
                f"imprint-line={first_line + index}{knitr}}}")

    for index, line, where, match in _fenced(lines):
        if where == "code" and code is not None:
            code.append(line)
        elif where == "closing" and code is not None:
            defaults.update(_chunk_defaults("\n".join(code)))
            caption = _table_caption(code) if opened[2] == "r" else None
            if caption is not None and not {"tbl-cap", "fig-cap"} & set(opened[3]):
                lines[opened[0]] = marked(*opened[:3], {**opened[3], "tbl-cap": caption}, opened[4])
            code = None
        if where != "opening":
            continue
        fence = match.group("fence")
        cell, shown = CELL.match(match.group("info")), _SHOWN_CELL.match(match.group("info"))
        plot = _PLOT.match(match.group("info")) if cell is None and shown is None else None
        if plot is not None:  # (pandoc-plot's figure: a cell whose output is a figure, not run either)
            opened = (index, match, _PLOT_LANGUAGES[plot.group("kit")], _plot_options(plot.group("rest")), [])
            lines[index] = marked(*opened)
            code = []
        elif cell is not None:
            options, unread = knitr_options(cell.group("rest"))
            options = {**defaults, **options}
            opened = (index, match, cell.group("lang"), options, unread)
            lines[index] = marked(*opened)
            code = []
        elif shown is not None:
            written = quote(f"{fence}{{{shown.group('info').strip()}}}", safe="")
            lines[index] = f"{match.group('indent')}{fence}{{.imprint-shown-cell imprint-fence=\"{written}\"}}"
    return "\n".join(lines)


# pandoc-plot's code blocks (```{.matplotlib #fig:x caption="..."}): its toolkits and
# the language of their code.
_PLOT_LANGUAGES = {"matplotlib": "python", "plotly_python": "python", "bokeh": "python", "plotly_r": "r",
                   "ggplot2": "r", "matlabplot": "matlab", "octaveplot": "octave", "mathplot": "mathematica",
                   "gnuplot": "gnuplot", "graphviz": "dot", "plotsjl": "julia", "sageplot": "sage", "d2": "d2"}
_PLOT = re.compile(r"^[ \t]*\{[ \t]*\.(?P<kit>" + "|".join(_PLOT_LANGUAGES) + r")(?![\w-])(?P<rest>[^}]*)\}[ \t]*$")
_PLOT_ATTRIBUTE = re.compile(r"""#([\w:.-]+)|([\w-]+)=(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+))""")


def _plot_options(attributes: str) -> dict[str, str]:
    """A pandoc-plot block's id, caption and source file as a cell's options: its
    figure's label and caption, and the file its code is in (shown as its name)."""
    options: dict[str, str] = {}
    for match in _PLOT_ATTRIBUTE.finditer(attributes):
        if match.group(1):
            options["label"] = match.group(1).split(":", 1)[-1] if match.group(1).startswith("fig") else match.group(1)
            continue
        value = next(v for v in match.groups()[2:] if v is not None)
        if match.group(2) == "caption":
            options["fig-cap"] = value
        elif match.group(2) == "file":
            options["filename"] = value
    return options


# A literal caption in an R chunk's code (knitr::kable(caption = "..."), kbl(),
# papaja's apa_table()): the table's, when the chunk is referred to as a table.
_TABLE_CAPTION = re.compile(r"""\bcaption\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""")


def _table_caption(code: list[str]) -> str | None:
    captions = [m.group(1) if m.group(1) is not None else m.group(2) for m in _TABLE_CAPTION.finditer(
        "\n".join(line for line in code if not line.lstrip().startswith("#")))]
    # (R's string, its escapes read, over lines as Markdown takes them)
    return " ".join(_R_ESCAPE.sub(_r_escaped, captions[0]).split()) if len(captions) == 1 else None


_R_ESCAPE = re.compile(r"\\(u\{?[0-9a-fA-F]{1,4}\}?|U\{?[0-9a-fA-F]{1,8}\}?|x[0-9a-fA-F]{1,2}|.)", re.S)


def _r_escaped(match: re.Match) -> str:
    """One escape of R's strings as the character it stands for (a line break or a
    tab as a space: a caption is one line)."""
    code = match.group(1)
    if code[0] in "uUx" and len(code) > 1:
        try:
            return chr(int(code[1:].strip("{}"), 16))
        except (ValueError, OverflowError):
            return match.group()
    return {"n": " ", "t": " ", "r": " "}.get(code, code)


_TEXT_REFERENCE = re.compile(r"\(ref:([\w.:-]+)\)")
MAX_TEXT_REFERENCE = 20_000  # characters of a text reference with those it holds put in
_TEXT_REFERENCE_DEFINED = re.compile(r"^\(ref:([\w.:-]+)\)[ \t]+(\S.*)$")


def text_references(text: str, file: str, first_line: int) -> tuple[str, list[Problem]]:
    """bookdown's text references: each paragraph `(ref:name) text` taken out
    (its lines left empty, so that lines keep their numbers), and `(ref:name)`
    in the text and on a chunk's fence (`fig.cap="(ref:name)"`) replaced by its
    text; one that names no such paragraph is told (it would print as written)."""
    if "(ref:" not in text:
        return text, []
    lines = text.split("\n")
    defined: dict[str, str] = {}
    places = [(index, where) for index, _, where, _ in _fenced(lines)]
    for index, where in places:
        found = _TEXT_REFERENCE_DEFINED.match(lines[index]) if where == "text" else None
        if found and (index == 0 or not lines[index - 1].strip()):
            end = index + 1
            while end < len(lines) and lines[end].strip() and places[end][1] == "text":
                end += 1
            defined[found.group(1)] = " ".join([found.group(2), *(line.strip() for line in lines[index + 1:end])])
            lines[index:end] = [""] * (end - index)
    problems: list[Problem] = []
    expanded: dict[str, str] = {}

    def expand(name: str, within: frozenset[str]) -> str:
        """A text with the references in it put in (one that refers back to itself
        left as written; one that would grow past MAX_TEXT_REFERENCE too)."""
        if name not in expanded:
            def inner(match: re.Match) -> str:
                found = match.group(1)
                return expand(found, within | {name}) if found in defined and found not in within | {name} \
                    else match.group()
            text = _TEXT_REFERENCE.sub(inner, defined[name])
            expanded[name] = text if len(text) <= MAX_TEXT_REFERENCE else defined[name]
        return expanded[name]

    def replaced(match: re.Match, quoted: bool) -> str:
        if match.group(1) not in defined:
            return match.group()
        value = expand(match.group(1), frozenset())
        # (in R's string, of either quote: escaped as R reads it)
        return value.replace("\\", "\\\\").replace('"', '\\"').replace("'", "\\'") if quoted else value

    for index, where in places:
        if (where in ("text", "opening") or where == "code" and _TABLE_CAPTION.search(lines[index])) \
                and "(ref:" in lines[index]:  # (a table's caption in a chunk's code: R's string)
            lines[index] = _TEXT_REFERENCE.sub(lambda m: replaced(m, where != "text"), lines[index])
            for name in _TEXT_REFERENCE.findall(lines[index]):
                problems.append(Problem(file, f"the text reference (ref:{name}) names no paragraph "
                                        f"“(ref:{name}) ...”: it is printed as written", line=first_line + index,
                                        hint="write the paragraph that gives its text (bookdown's text references)"))
    return "\n".join(lines), problems


def figure_divs(text: str) -> str:
    """pandoc-crossref's sub-figures, `<div id="fig:x">` on a line of its own, the
    images and the caption, and `</div>` on its own (its manual's "Subfigures";
    Pandoc reads such a div as a Div, its native_divs, which Imprint leaves off:
    other HTML is printed as text), written as the fenced div it is, `::: {#fig:x}`,
    line for line; and so its listing, `<div id="lst:x" class="listing">` around a
    caption and the code (its demo's "Wrapping div"), and its table, `tbl:`."""
    if "<div" not in text:
        return text
    lines = text.split("\n")
    opened: list[int | None] = []  # (the line of each div open: a figure's, or None for another)
    for index, line, where, _ in _fenced(lines):
        figure = _FIGURE_DIV.match(line) if where == "text" else None
        if figure is not None:
            opened.append(index)
        elif where == "text" and _DIV_OPENS.match(line):
            opened.append(None)
        elif where == "text" and _DIV_CLOSES.match(line) and opened:
            start = opened.pop()
            if start is not None:
                found = _FIGURE_DIV.match(lines[start])
                classes = "".join(f" .{name}" for name in found.group(3).split()) if found.group(3) else ""
                lines[start] = f"{found.group(1)}::: {{#{found.group(2)}{classes}}}"
                lines[index] = f"{found.group(1)}:::"
    return "\n".join(lines)


_FIGURE_DIV = re.compile(r"""^( {0,3})<div\s+id=["']((?:fig|lst|tbl):[^"'\s]+)["'](?:\s+class=["']([\w\s-]*)["'])?\s*>\s*$""")
_DIV_OPENS = re.compile(r"^\s*<div\b(?!.*</div>)", re.I)
_DIV_CLOSES = re.compile(r"^\s*</div>\s*$", re.I)


def details_divs(text: str) -> str:
    """HTML's disclosure box, `<details>` on a line of its own (its `<summary>...</summary>`
    on the same line or the next), what it holds, and `</details>` on a line of its
    own (Quarto course notes' "Solution" under each exercise), written as the box
    it is, line for line: `::: {.callout .details title="Solution"}` ... `:::` (a
    callout without a kind: boxed in print, an aside in the EPUB, the summary its
    title, read as Markdown as Pandoc reads it between the tags). Pandoc reads the
    Markdown within (its markdown_in_html_blocks, which Imprint leaves off: other
    HTML is printed as text), so the box was printed as its source, formulas as
    `$...$` (QA 29). The box is open in both editions: an e-reader may not open it.
    A summary with other HTML, braces or over lines leaves the box as it was."""
    if "<details" not in text:
        return text
    lines = text.split("\n")
    opened: list[tuple[int, int | None, str] | None] = []  # (the line, the summary's line, the title) or None
    for index, line, where, _ in _fenced(lines):
        if where != "text":
            continue
        found = _DETAILS_OPENS.match(line)
        if found is not None:
            summary, at = found.group("summary"), None
            if summary is None:
                following = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
                matched = _SUMMARY_LINE.match(lines[following]) if following is not None else None
                summary, at = (matched.group("summary"), following) if matched else \
                    (None if following is not None and lines[following].lstrip().lower().startswith("<summary")
                     else "", None)  # (a summary over lines: left as it was)
            title = _summary_title(summary) if summary is not None else None
            # (a fence right after a paragraph's line is that paragraph's text: left as it was, review)
            after_text = index > 0 and lines[index - 1].strip() and not _FENCE_LINE.match(lines[index - 1])
            opened.append((index, at, title) if title is not None and not after_text else None)
        elif _DETAILS_CLOSES.match(line) and opened:
            box = opened.pop()
            if box is not None:
                start, at, title = box
                indent = _DETAILS_OPENS.match(lines[start]).group(1)
                escaped = title.replace("\\", "\\\\").replace('"', '\\"')
                titled = f' title="{escaped}"' if title else ""
                lines[start] = f"{indent}::: {{.callout .details{titled}}}"
                if at is not None:
                    lines[at] = ""
                lines[index] = f"{indent}:::"
    return "\n".join(lines)


_DETAILS_OPENS = re.compile(r"^( {0,3})<details\b[^<>]*>[ \t]*(?:<summary\b[^<>]*>(?P<summary>.*?)</summary>[ \t\r]*)?"
                            r"\r?$", re.I)
_SUMMARY_LINE = re.compile(r"^ {0,3}<summary\b[^<>]*>(?P<summary>.*?)</summary>[ \t\r]*$", re.I)
_DETAILS_CLOSES = re.compile(r"^ {0,3}</details>[ \t\r]*$", re.I)
_FENCE_LINE = re.compile(r"^[ \t]*(?::::|```|~~~)|^ {0,3}</?details\b", re.I)
_SUMMARY_TAGS = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`"}


def _summary_title(summary: str) -> str | None:
    """A summary's text as Markdown (its bold, italic and code tags as Markdown's),
    or None if it holds other HTML or braces (an attribute's value cannot)."""
    if "{" in summary or "}" in summary:
        return None
    unknown = False

    def tag(found: re.Match) -> str:
        nonlocal unknown
        mark = _SUMMARY_TAGS.get(found.group(1).lower())
        unknown |= mark is None
        return mark or ""
    title = re.sub(r"</?([A-Za-z][\w-]*)\b[^<>]*>", tag, summary).strip()
    return None if unknown else title


def code_out_of_math(text: str) -> str:
    """Inline R code written inside a formula, `$d = `r x$d`$` (knitr puts its
    value there before Pandoc reads it; Imprint does not run it), taken out of
    the formula: `$d =$ `r x$d``, so that Pandoc reads the formula and the code
    (shown as code, with its warning), not a formula that R's `$` ends early."""
    if "`r " not in text and "`{r}" not in text:
        return text
    lines = text.split("\n")
    indented = False  # (an indented code block: after a blank line, each line indented 4 spaces or a tab)
    for index, line, where, _ in _fenced(lines):
        indented = where == "text" and line.startswith(("    ", "\t")) and (indented or index == 0
                                                                             or not lines[index - 1].strip())
        if where == "text" and not indented and "$" in line and ("`r " in line or "`{r}" in line):
            lines[index] = _code_out_of_math(line)
    return "\n".join(lines)


_INLINE_R = re.compile(r"`(?:r|\{r\}) [^`]*`")


def _code_out_of_math(line: str) -> str:
    """One line's formulas split around their inline R code (Pandoc's rule for
    `$`: a formula opens before a non-space, closes after one, not before a digit)."""
    out, at, closings = [], 0, _closings(line)
    while at < len(line):
        char = line[at]
        if char == "\\":
            out.append(line[at:at + 2])
            at += 2
        elif char == "`":  # (a code span outside a formula, R's or another: as written)
            run = _BACKTICKS.match(line, at).group()
            end = line.find(run, at + len(run))
            end = len(line) if end < 0 else end + len(run)
            out.append(line[at:end])
            at = end
        elif char == "$" and line[at + 1:at + 2] == "$":  # (a display formula, $$...$$: as written)
            end = line.find("$$", at + 2)
            end = len(line) if end < 0 else end + 2
            out.append(line[at:end])
            at = end
        elif char == "$" and line[at + 1:at + 2] not in ("", " ", "\t"):
            following = bisect.bisect_right(closings, at)
            close = closings[following] if following < len(closings) else None
            if close is not None and (line[close - 1].isspace() or line[close + 1:close + 2].isdigit()):
                close = None  # (the first `$` after it closes it, or nothing does: Pandoc's rule)
            body = line[at + 1:close] if close else ""
            if close is None or not _INLINE_R.search(body):
                out.append(line[at:(close or at) + 1])
                at = (close or at) + 1
                continue
            for piece in re.split(f"({_INLINE_R.pattern})", body):
                if _INLINE_R.fullmatch(piece) or not piece.strip():
                    out.append(piece)
                else:  # (the spaces around it outside it: a formula's `$` stands next to its text)
                    core = piece.strip()
                    start = piece.index(core)
                    out.append(f"{piece[:start]}${core}${piece[start + len(core):]}")
            at = close + 1
        else:
            out.append(char)
            at += 1
    return "".join(out)


_BACKTICKS = re.compile(r"`+")


def _closings(line: str) -> list[int]:
    """Each `$` of the line that may end a formula, in order: not escaped, not in
    inline R code (read once: one scan from each opening `$` was quadratic over a
    long line of them). The first after an opening ends it, if it can (a non-space
    before it, no digit after it)."""
    found, at = [], 0
    spans = [(m.start(), m.end()) for m in _INLINE_R.finditer(line)]
    span = 0
    while at < len(line):
        while span < len(spans) and spans[span][1] <= at:
            span += 1
        if span < len(spans) and spans[span][0] <= at:
            at = spans[span][1]
        elif line[at] == "\\":
            at += 2
        else:
            if line[at] == "$" and at:
                found.append(at)
            at += 1
    return found


_KNITR = re.compile(r' imprint-knitr="([^"]*)"')


def knitr_read(written: str) -> tuple[dict[str, str], list[str]]:
    """A chunk's knitr options as mark_cells() kept them on its block (`imprint-knitr`)."""
    try:  # (written by mark_cells(); a text may forge the attribute: then none)
        options, unread = json.loads(unquote(written))
    except ValueError:
        return {}, []
    if not isinstance(options, dict) or not isinstance(unread, list):
        return {}, []
    return {str(k): str(v) for k, v in options.items()}, [str(u) for u in unread]


_R_LOGICAL = {"TRUE": "true", "T": "true", "FALSE": "false", "F": "false"}
_R_NUMBER = re.compile(r"^-?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?L?$")
_OPTS_CHUNK = re.compile(r"\bopts_chunk\s*\$\s*set\s*\(")


def knitr_options(header: str) -> tuple[dict[str, str], list[str]]:
    """knitr's options on a chunk's fence (what follows the engine's name in
    ```` ```{r map, echo=FALSE, fig.cap="A map"} ````) as Quarto's `#|` options:
    `fig.cap` as `fig-cap`, TRUE and FALSE as true and false, strings without
    their quotes, the first option without a name as the label; and the options
    whose value is R code (`fig.cap=paste(...)`), which is not run: "key=code"."""
    options: dict[str, str] = {}
    unread: list[str] = []
    for position, item in enumerate(r_arguments(header.strip().lstrip(","))):
        key, equals, value = item.partition("=")
        if not equals or not re.fullmatch(r"[\w.]+", key.strip()):
            if position == 0 and item and not equals:
                options["label"] = r_value(item) or item
            continue
        read = r_value(value.strip())
        if read is None:
            unread.append(f"{key.strip()}={value.strip()}")
        else:
            name = key.strip().replace(".", "-")
            options["tbl-cap" if name == "tab-cap" else name] = read  # (knitr's tab.cap is Quarto's tbl-cap)
    return options, unread


def _chunk_defaults(code: str) -> dict[str, str]:
    """The options `knitr::opts_chunk$set(...)` in a chunk's code sets (those that
    are not R code to run; not in a comment)."""
    found: dict[str, str] = {}
    code = "\n".join(line for line in code.split("\n") if not line.lstrip().startswith("#"))
    matches = list(_OPTS_CHUNK.finditer(code))
    for match, following in zip(matches, matches[1:] + [None]):
        # (read up to the next call at most: each character once)
        depth, end = 1, match.end()
        stop = min(len(code), match.end() + MAX_CALL, following.start() if following else len(code))
        while end < stop and depth:
            depth += {"(": 1, ")": -1}.get(code[end], 0)
            end += 1
        if depth:
            continue  # (not closed within MAX_CALL characters: not read)
        options, _ = knitr_options(code[match.end():end - 1])
        found.update((k, v) for k, v in options.items() if k != "label")
    return found


MAX_CALL = 4000  # characters of an opts_chunk$set(...) call read at most


def r_arguments(text: str) -> list[str]:
    """R's arguments, split at the commas outside quotes and brackets."""
    parts, current, depth, quote_mark = [], [], 0, ""
    escaped = False  # (the character before was a backslash that escapes this one)
    for character in text:
        if quote_mark:
            if character == quote_mark and not escaped:
                quote_mark = ""
            escaped = not escaped and character == "\\"
        elif character in "\"'":
            quote_mark = character
        elif character in "([{":
            depth += 1
        elif character in ")]}":
            depth -= 1
        elif character == "," and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(character)
    parts.append("".join(current).strip())
    return [p for p in parts if p]


def r_value(value: str) -> str | None:
    """An R literal as text (a string without its quotes, a logical as true or
    false, a number); None for R code."""
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    if value in _R_LOGICAL:
        return _R_LOGICAL[value]
    if _R_NUMBER.match(value):
        return value.rstrip("L")
    return None


def _fenced(lines: list[str]) -> Iterator[tuple[int, str, str, re.Match | None]]:
    """Each line with where it stands: "text", a code block's "opening" fence (with
    its match), its "code", or its "closing" fence."""
    open_fence: str | None = None
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if open_fence is None:
            open_fence = match.group("fence") if match else None
            yield index, line, "opening" if match else "text", match
        elif match and match.group("fence")[0] == open_fence[0] and len(match.group("fence")) >= len(open_fence) \
                and not match.group("info").strip():
            open_fence = None
            yield index, line, "closing", match
        else:
            yield index, line, "code", match


_ATTRIBUTES = re.compile(r"\{[^{}\n]*\}")  # an attribute list: {#id .class key="value"}
_ATTRIBUTE = re.compile(r"(?<![\w-])(title|name|fig-cap|tbl-cap|lst-cap|caption)="
                        r"(?:\"((?:[^\"\\]|\\.)*)\"|'((?:[^'\\]|\\.)*)'|([^\s\"'}]+))")
# A cell's option line: `#| key: value` (`%%|` in Mermaid, `//|` in Graphviz and JavaScript, `--|` in SQL)
_OPTION_LINE = re.compile(r"^[ \t]*(?:#|%%|//|--)\|(.*)$")
_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")  # (Pandoc's escapable ASCII punctuation)


def written_texts(text: str) -> list[str]:
    """The values of the attributes Quarto reads as Markdown, once each, as Pandoc's
    reader will hold them (escapes and entities read): in attribute lists outside
    code (a fence's own line included), in a cell's `#|` caption lines, and in
    an R Markdown chunk's captions (mark_cells() has put them in `imprint-knitr`)."""
    found: dict[str, None] = {}
    code: list[str] = []
    for _, line, where, _ in _fenced(text.split("\n")):
        if where == "code":  # (in code: only a cell's options)
            code.append(line)
            continue
        if where == "closing":
            found.update((_key(v), None) for k, v in cell_options("\n".join(code))[0].items()
                         if k in ("fig-cap", "tbl-cap", "lst-cap") and v.strip())
            code = []
            continue
        if where == "opening" and (knitr := _KNITR.search(line)):
            found.update((_key(v), None) for k, v in knitr_read(knitr.group(1))[0].items()
                         if k in ("fig-cap", "tbl-cap", "lst-cap") and v.strip())
            continue
        for attributes in _ATTRIBUTES.finditer(line):
            for match in _ATTRIBUTE.finditer(attributes.group()):
                value = next(v for v in match.groups()[1:] if v is not None)
                value = html.unescape(_ESCAPED.sub(r"\1", value))
                if value.strip():
                    found[_key(value)] = None
    return list(found)


def _key(value: str) -> str:
    """A value as written_texts() and read_texts() match it: its words (Pandoc turns
    tabs and line ends into spaces)."""
    return " ".join(value.split())


def cell_option(value: str) -> str:
    """A `#|` option's value, as numbering.py reads it: its quotes, if it is quoted, taken off."""
    value = value.strip()
    return value[1:-1] if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'" else value


def cell_options(code: str) -> tuple[dict[str, str], str]:
    """A cell's options (its first lines, `#| key: value`, YAML as Quarto reads
    them: a `|` block runs over lines) and the code after them. knitr's names
    (`#| fig.cap:`) are Quarto's (`fig-cap`); values are text ("true", "false")."""
    lines = code.split("\n")
    written: list[str] = []
    while lines and (match := _OPTION_LINE.match(lines[0])):
        written.append(match.group(1)[1:] if match.group(1).startswith(" ") else match.group(1))
        lines.pop(0)
    options: dict[str, str] = {}
    try:
        read = yaml.load("\n".join(written), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) if written else {}
    except yaml.YAMLError:
        read = None
    if isinstance(read, dict):
        for key, value in read.items():
            options[str(key).replace(".", "-")] = _option_text(value)
    else:  # (not YAML: read line by line, as written)
        for line in written:
            key, _, value = line.partition(":")
            options[key.strip().replace(".", "-")] = cell_option(value)
    return options, "\n".join(lines)


def _option_text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return ""
    if isinstance(value, list):
        return " ".join(_option_text(v) for v in value)
    return str(value).strip() if isinstance(value, str) else str(value)


def read_texts(blocks: list[Node], written: list[str], read: Node | None) -> None:
    """Each node that shows a Markdown attribute (a callout's title, a theorem's
    name, a figure's, table's or listing's caption) given it as Pandoc read it
    (`read`: the metadata list of `written`), under TEXTS: ast.attr_inlines() and
    kids() find it there. A value not found stays text (attr_inlines())."""
    if read is None or read.get("t") != "MetaList" or len(read["c"]) != len(written):
        return
    inlines: dict[str, list[Node]] = {}
    for value, meta in zip(written, read["c"]):
        if meta["t"] == "MetaInlines":
            inlines[value] = meta["c"]
        elif meta["t"] == "MetaBlocks" and len(meta["c"]) == 1 and meta["c"][0]["t"] in ("Para", "Plain"):
            inlines[value] = meta["c"][0]["c"]
    for node in walk(blocks):
        if node["t"] not in ("Div", "CodeBlock"):
            continue
        texts = {key: copy.deepcopy(inlines[_key(value)]) for key, value in attr(node)[2]
                 if key in _shown(node) and _key(value) in inlines}
        if node["t"] == "CodeBlock" and "imprint-cell" in attr(node)[1]:
            knitr = next((value for key, value in attr(node)[2] if key == "imprint-knitr"), None)
            options = {**(knitr_read(knitr)[0] if knitr else {}), **cell_options(node["c"][1])[0]}
            for key in ("fig-cap", "tbl-cap", "lst-cap"):
                if _key(options.get(key, "")) in inlines:
                    texts[key] = copy.deepcopy(inlines[_key(options[key])])
        if texts:
            annotate(node, **{TEXTS: texts})


def _shown(node: Node) -> tuple[str, ...]:
    """The Markdown attributes a div or code block prints (quarto_divs.py, numbering.py)."""
    ident, classes, _ = attr(node)
    kind = re.split(r"[-:]", ident, maxsplit=1)[0] if "-" in ident or ":" in ident else ""  # (lst:x: pandoc-crossref's)
    if node["t"] == "CodeBlock":  # (caption=: pandoc-crossref's listing caption)
        return ("lst-cap", "caption") if kind == "lst" else ()
    if any(c == "callout" or c.startswith("callout-") for c in classes):
        return ("title",)
    if kind == "fig":
        return ("fig-cap",)
    if kind == "tbl":
        return ("tbl-cap",)
    return ("name",) if kind in THEOREMS or set(PROOFS) & set(classes) else ()
