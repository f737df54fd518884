"""The notebooks Quarto's `{{< embed notebook.ipynb#label >}}` shows a cell's output
of (quarto.org/docs/authoring/notebook-embed.html): a Jupyter notebook (its JSON,
nbformat 4) or a Quarto document's code cells (`.qmd`).

The cell is found as Quarto finds it (quarto-cli, jupyter-embed.ts: cellForId): the
first code cell whose id is the label, or whose options' `label` is (its `#|` lines,
YAML as Quarto reads them, over the options its metadata gives), or one of whose
tags is. Imprint runs no code: a Jupyter notebook's cell shows what the notebook
stored of its last run, as Quarto renders an embedded `.ipynb` without executing
it; a `.qmd` stores nothing. The path is the article's (relative to its folder;
with a leading `/` to the Quarto project's root), and only files inside the project
are read.
"""

from __future__ import annotations

import base64
import binascii
import difflib
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..body.quarto import CELL, cell_options, knitr_options
from ..editions.caches import build_cache
from ..errors import SourceError
from ..files import display, read_bytes, within
from .images import Image, stored_image
from .includes import quarto_root
from .shortcodes import FENCE, fenced_lines

# The images a cell's output may be shown as, in the order one is taken where an output
# holds several: SVG last, for a scatter plot of thousands of points is slow to print as SVG.
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
OPTIONS_IN_METADATA = ("label", "fig-cap", "fig-alt", "tbl-cap")  # (Quarto's kJupyterCellOptionKeys, those read)


class Unembeddable(ValueError):
    """A notebook or cell that cannot be shown: what is wrong, and what to do."""

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


@dataclass(frozen=True)
class Cell:
    """The cell of a notebook a label names."""

    notebook: Path  # inside the project
    shown: str  # the notebook as the user sees it (source/a/notebooks/x.ipynb)
    label: str
    options: dict[str, str]  # as body.quarto.cell_options() reads a cell's: `fig-cap`, `fig-alt`, ...
    outputs: tuple[dict[str, Any], ...] | None  # what a Jupyter notebook stored of its run (a .qmd: None)

    def images(self) -> list[tuple[str, str]]:
        """Each image its outputs hold (an output's first of IMAGE_TYPES): its
        media type and its data as stored (base64, or an SVG's text)."""
        found = []
        for output in self.outputs or ():
            data = output.get("data")
            kind = next((k for k in IMAGE_TYPES if isinstance(data, dict) and k in data), None)
            if kind is not None:
                found.append((kind, _text(data[kind])))
        return found

    def kinds(self) -> list[str]:
        """What its stored outputs hold, for a message: their media types (text/html,
        text/plain), a printed stream's text/plain, "an error"."""
        found: dict[str, None] = {}
        for output in self.outputs or ():
            if output.get("output_type") == "stream":
                found["text/plain"] = None
            elif output.get("output_type") == "error":
                found["an error"] = None
            elif isinstance(output.get("data"), dict):
                found.update(dict.fromkeys(map(str, output["data"])))
        return list(found)

    def left_out(self) -> tuple[str, str] | None:
        """Why the output a Jupyter notebook stored is not shown (where it is not a
        figure's image), and what to do; None for a .qmd, which stores none."""
        if self.outputs is None:
            return None
        if not self.outputs:
            return (f"{self.shown} stores no output of the cell (Imprint does not run notebooks)",
                    "run the notebook and save it with its outputs")
        if self.images():
            return (f"the cell '{self.label}' is not a figure, and Imprint shows only a figure's image",
                    "label the cell fig-... and give it a caption (#| fig-cap: ...) to show its image as a figure")
        return (f"its stored output is {', '.join(self.kinds())}, and Imprint shows only a figure's image",
                "put what it shows in the article (a table as Markdown), or save it as an image")


def find_cell(root: Path, folder: Path, address: str) -> Cell:
    """The cell `notebook.ipynb#label` names, for the article in `folder`. Raises
    ValueError with a sentence and, but for a relative path out of the project, a
    hint (a notebook missing, not one, or without the cell)."""
    written, _, label = address.rpartition("#")
    project = quarto_root(folder, root / "source")  # (where a path that starts with / starts: Quarto's)
    rooted = written.startswith("/")
    try:
        path = within(root, project if rooted else folder, written.lstrip("/"), "notebook", shown=written)
    except ValueError:
        if not rooted:
            raise
        raise Unembeddable(f"the notebook '{written}' lies outside the project: a path that starts with / starts "
                           f"at {display(project, root)}/", hint="Imprint reads only files inside the project: copy "
                           "the notebook into it") from None
    shown = display(path, root)
    if path.suffix.lower() not in (".ipynb", ".qmd"):
        raise Unembeddable(f"{written} is not a notebook Quarto embeds from (.ipynb or .qmd)",
                           hint="embed a cell of a Jupyter notebook (notebook.ipynb#label) or of a Quarto "
                                "document (analysis.qmd#label)")
    if not path.is_file() and not path.is_symlink():
        raise Unembeddable(f"there is no notebook {shown}",
                           hint=f"a path is relative to the article's folder ({display(folder, root)}/); one that "
                                f"starts with / to {display(project, root)}/")
    cells = _cells(root, path, shown)
    for ident, options, tags, outputs in cells:
        if label in (ident, options.get("label")) or label in tags:
            return Cell(path, shown, label, options, outputs)
    labels = [options["label"] for _, options, _, _ in cells if options.get("label")]
    near = difflib.get_close_matches(label, labels, n=3, cutoff=0.6)
    raise Unembeddable(f"{shown} has no cell labelled '{label}'",
                       hint=f"did you mean {' or '.join(near)}?" if near else
                       f"give the cell its label as its first line: #| label: {label}")


_parsed = build_cache()  # by notebook: the digest of what it held and its cells, parsed once a build


def _cells(root: Path, path: Path, shown: str) -> list[tuple[str, dict[str, str], list[str], tuple | None]]:
    """A notebook's code cells (id, options, tags, outputs), read inside the
    project; parsed once for all the embeds of its cells, the shortcodes' and
    the figures' (as long as it holds the same bytes)."""
    try:
        data = read_bytes(root, path, "notebook")
    except SourceError as error:
        target = Path(os.path.realpath(path))  # (a link out of the project: where to, by its name alone)
        if not target.is_relative_to(root):
            raise Unembeddable(f"{shown} is a link to {target.name}, which lies outside the project",
                               hint="Imprint reads only files inside the project: copy the notebook into it") \
                from None
        raise Unembeddable(f"{error.problems[0].message} ({shown})", error.problems[0].hint) from None
    digest = hashlib.sha256(data).digest()
    if _parsed.get(path, (None,))[0] != digest:
        _parsed[path] = (digest, list(_ipynb_cells(data, shown) if path.suffix.lower() == ".ipynb"
                                      else _qmd_cells(data, shown)))
    return _parsed[path][1]


def load_output(root: Path, folder: Path, address: str) -> Image:
    """The image the cell `address` names stored as its output (its first, where it
    stored several), checked as an image file is. Raises ValueError."""
    cell = find_cell(root, folder, address)
    images = cell.images()
    if not images:
        raise Unembeddable(f"{cell.shown} stores no image as the output of the cell '{cell.label}'",
                           hint="run the notebook and save it with its outputs")
    kind, stored = images[0]
    if kind == "image/svg+xml":
        return stored_image(cell.notebook, address, kind, stored.encode("utf-8"))
    try:
        data = base64.b64decode(stored)
    except (binascii.Error, ValueError):
        raise Unembeddable(f"the image {cell.shown} stores for the cell '{cell.label}' is not base64, as Jupyter "
                           "writes images", hint="run the notebook and save it again") from None
    return stored_image(cell.notebook, address, kind, data)


def embed_span(address: str, caption: str = "", alt: str = "", image: bool = False) -> str:
    """The Markdown {{< embed address >}} stands for (body/quarto_divs.py makes the
    figure of it): a span holding the cell's caption, read with the text; `image`:
    the output the notebook stored is shown (body/numbering.py reads it), `alt` its
    text alternative (Imprint's attributes, which no edition prints)."""
    shown = ' imprint-output="image"' + (f' imprint-alt="{_attribute(" ".join(alt.split()))}"'
                                         if alt.strip() else "") if image else ""
    return f'[{_one_line(caption)}]{{.imprint-embed source="{address}"{shown}}}'


def _attribute(text: str) -> str:
    """A text as the value of an attribute Pandoc reads (`key="..."`: backslash escapes, entities)."""
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("&", "&amp;")


def _one_line(markdown: str) -> str:
    """Markdown put inside a span's brackets: its line breaks joined (the text keeps
    its lines: every line number after it stays right), its brackets escaped where
    they do not pair (a citation's do)."""
    text = re.sub(r"(?<!\s)\s*\n\s*", " ", markdown.strip())
    depth = 0
    for bracket in re.findall(r"\\.|[\[\]]", text):
        depth += {"[": 1, "]": -1}.get(bracket, 0)
        if depth < 0:
            break
    return text if depth == 0 else re.sub(r"(?<!\\)([\[\]])", r"\\\1", text)


def _ipynb_cells(data: bytes, shown: str) -> Iterator[tuple[str, dict[str, str], list[str], tuple[dict, ...]]]:
    """A Jupyter notebook's code cells: id, options, tags, outputs."""
    try:
        notebook = json.loads(data)
    except (ValueError, RecursionError) as error:  # (JSONDecodeError, a text not UTF-8; nesting a parser gives up on)
        where = f" (line {error.lineno}, column {error.colno})" if isinstance(error, json.JSONDecodeError) else ""
        raise Unembeddable(f"{shown} is not a Jupyter notebook: it is not valid JSON{where}",
                           hint="open it in Jupyter and save it again, or take an unbroken copy") from None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        raise Unembeddable(f"{shown} is not a Jupyter notebook of nbformat 4 (it has no list of cells)",
                           hint="open it in Jupyter and save it again")
    for cell in cells:
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        metadata = cell.get("metadata") if isinstance(cell.get("metadata"), dict) else {}
        options = {key: metadata[key] for key in OPTIONS_IN_METADATA if isinstance(metadata.get(key), str)}
        options.update(cell_options(_text(cell.get("source")))[0])
        tags = [tag for tag in metadata.get("tags", ()) if isinstance(tag, str)] \
            if isinstance(metadata.get("tags"), list) else []
        outputs = tuple(o for o in cell.get("outputs", ()) if isinstance(o, dict)) \
            if isinstance(cell.get("outputs"), list) else ()
        yield str(cell.get("id", "")), options, tags, outputs


def _qmd_cells(data: bytes, shown: str) -> Iterator[tuple[str, dict[str, str], list[str], None]]:
    """A Quarto document's code cells (```{python}, ```{r label, fig.cap="..."}): their
    options, the fence's under the `#|` lines'; a .qmd stores no output."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unembeddable(f"{shown} is not UTF-8 text", hint="save it as UTF-8") from None
    cell: tuple[dict[str, str], list[str]] | None = None
    previous = False
    for line, _, in_code in fenced_lines(text.split("\n")):
        if in_code and not previous:  # (an opening fence)
            opened = CELL.match(FENCE.match(line.rstrip("\r\n")).group("info"))  # (as body/quarto.py reads a cell)
            cell = (knitr_options(opened.group("rest"))[0], []) if opened else None
        elif in_code and cell is not None:
            cell[1].append(line.rstrip("\r"))
        elif previous and cell is not None:  # (its closing fence)
            yield "", {**cell[0], **cell_options("\n".join(cell[1]))[0]}, [], None
            cell = None
        previous = in_code


def _text(value: Any) -> str:
    """A notebook's text: one string, or a list of its lines (nbformat's multiline strings)."""
    if isinstance(value, list):
        return "".join(v for v in value if isinstance(v, str))
    return value if isinstance(value, str) else ""
