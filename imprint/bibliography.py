"""Bibliography files: BibTeX/BibLaTeX (.bib), CSL-JSON (.json), CSL-YAML (.yaml).

Each file becomes CSL-JSON records, normalised (dates as date-parts, names as
name parts, numbers as text) and remembered with the file and line they came
from. A shared file (the publication's) is read once per run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from . import bibtex
from .errors import Problem, SourceError
from .fetch import display, read_text
from .frontmatter import load_yaml
from .names import parse_name
from .values import parse_date

NAME_VARIABLES = ("author", "editor", "translator", "container-author", "collection-editor", "composer",
                  "director", "editorial-director", "illustrator", "interviewer", "recipient", "reviewed-author")
DATE_VARIABLES = ("issued", "accessed", "original-date", "event-date", "submitted", "available-date")


@dataclass(frozen=True)
class Reference:
    key: str
    record: Mapping[str, Any]  # CSL-JSON
    file: str
    line: int | None


def load_references(root: Path, files: tuple[Path, ...], shared: tuple[Path, ...] = ()
                    ) -> tuple[dict[str, Reference], list[Problem]]:
    """Every record of every file, by key. A key given twice in `files` is a
    problem; a record of the article's own files replaces a `shared` one (the
    publication's) with the same key."""
    own, problems = _load_all(root, files)
    common, common_problems = _load_all(root, tuple(f for f in shared if f not in files))
    folded = {key.lower() for key in own}
    merged = dict(own)
    merged.update({key: ref for key, ref in common.items() if key.lower() not in folded})
    return merged, problems + common_problems


def _load_all(root: Path, files: tuple[Path, ...]) -> tuple[dict[str, Reference], list[Problem]]:
    references: dict[str, Reference] = {}
    problems: list[Problem] = []
    folded: dict[str, Reference] = {}
    for path in files:
        try:
            resolved = path.resolve(strict=True)
            stamp = resolved.stat()
            found, file_problems = _load_file(root, path, stamp.st_mtime_ns, stamp.st_size)
        except (SourceError, OSError) as error:
            problems.extend(getattr(error, "problems", ()) or [Problem(display(path, root), str(error))])
            continue
        problems.extend(file_problems)
        for reference in found:
            # citeproc-py compares keys case-insensitively (0.11.1).
            earlier = folded.get(reference.key.lower())
            if earlier is not None:
                where = f"{earlier.file}:{earlier.line}" if earlier.line else earlier.file
                problems.append(Problem(reference.file, f"the key '{reference.key}' is also used in {where}",
                                        line=reference.line, hint="keys must differ (and not only in case)"))
                continue
            folded[reference.key.lower()] = reference
            references[reference.key] = reference
    return references, problems


@lru_cache(maxsize=64)
def _load_file(root: Path, path: Path, mtime: int, size: int) -> tuple[tuple[Reference, ...], tuple[Problem, ...]]:
    file = display(path, root)
    text = read_text(root, path, "bibliography")
    suffix = path.suffix.lower()
    if suffix == ".bib":
        entries, problems = bibtex.parse(text, file)
        found = [(bibtex.to_csl(entry), entry.line) for entry in entries]
    elif suffix == ".json":
        found, problems = _csl_json(text, file)
    elif suffix in (".yaml", ".yml"):
        found, problems = _csl_yaml(text, file)
    else:
        raise SourceError.single(file, f"'{path.suffix}' is not a bibliography format Imprint reads",
                                 hint="use BibTeX (.bib), CSL-JSON (.json) or CSL-YAML (.yaml)")
    references = []
    for record, line in found:
        try:
            references.append(Reference(str(record["id"]), MappingProxyType(normalise(record)), file, line))
        except ValueError as error:
            problems.append(Problem(file, str(error), line=line))
    return tuple(references), tuple(problems)


def _csl_json(text: str, file: str) -> tuple[list[tuple[dict, int | None]], list[Problem]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return [], [Problem(file, f"this is not valid JSON: {error.msg}", line=error.lineno, column=error.colno)]
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        return [], [Problem(file, "CSL-JSON is a list of records ([{...}, ...])", line=1)]
    lines = text.splitlines()
    found = []
    for record in data:
        if not isinstance(record, dict) or "id" not in record:
            return found, [Problem(file, "every CSL-JSON record needs an \"id\"", line=1)]
        pattern = re.compile(r'"id"\s*:\s*' + re.escape(json.dumps(record["id"])))
        line = next((i for i, row in enumerate(lines, start=1) if pattern.search(row)), None)
        found.append((record, line))
    return found, []


def _csl_yaml(text: str, file: str) -> tuple[list[tuple[dict, int | None]], list[Problem]]:
    try:
        located = load_yaml(text, file)
    except SourceError as error:
        return [], list(error.problems)
    data = located.data
    path: tuple = ()
    if isinstance(data, dict) and "references" in data:
        data, path = data["references"], ("references",)
    if not isinstance(data, list):
        return [], [Problem(file, "CSL-YAML is a list of records, usually under 'references:'", line=1)]
    found = []
    for index, record in enumerate(data):
        line = located.line_of(path + (index,))
        if not isinstance(record, dict) or "id" not in record:
            return found, [Problem(file, "every CSL-YAML record needs an 'id'", line=line)]
        found.append((record, line))
    return found, []


def normalise(record: dict[str, Any]) -> dict[str, Any]:
    """CSL-JSON as citeproc-py reads it: date-parts, name parts, text values."""
    result: dict[str, Any] = {}
    for key, value in record.items():
        if value is None or value == "":
            continue
        if key in NAME_VARIABLES:
            value = [_name(item) for item in (value if isinstance(value, list) else [value])]
        elif key in DATE_VARIABLES:
            value = _date(key, value)
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        elif isinstance(value, list) and key not in ("categories",) and all(isinstance(v, (str, int)) for v in value):
            value = ", ".join(str(v) for v in value)  # volume: [1, 2]
        result[key] = value
    result["id"] = str(record["id"])
    if "type" not in result:
        raise ValueError(f"the record '{result['id']}' has no 'type' (article-journal, book, chapter, ...)")
    return result


def _name(item: Any) -> dict[str, str]:
    if isinstance(item, str):
        return parse_name(item).csl()
    if isinstance(item, dict):
        return {k: str(v) for k, v in item.items() if v not in (None, "")}
    raise ValueError(f"'{item}' is not a name")


def _date(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        if "date-parts" in value:
            # A range ([[1939, 5], [1939, 9]]) keeps its start: citeproc-py 0.11.1
            # prints no year at all for a range.
            parts = value["date-parts"][0] if value["date-parts"] else []
            try:
                numbers = [int(p) for p in parts if str(p).strip()]
            except (TypeError, ValueError):
                raise ValueError(f"'{key}' has date parts that are not numbers: {value['date-parts']}") from None
            if not numbers:
                raise ValueError(f"'{key}' has empty date parts; remove it or give the year")
            return {"date-parts": [numbers[:3]]}
        if "raw" in value:
            return _date(key, value["raw"])
        if "literal" in value:
            return {"literal": str(value["literal"])}
        raise ValueError(f"'{key}' is not a date CSL-JSON knows (date-parts, raw or literal)")
    if isinstance(value, list) and value and isinstance(value[0], dict):  # old CSL-YAML: [{year: 1999}]
        parts = [value[0].get(k) for k in ("year", "month", "day")]
        return {"date-parts": [[int(p) for p in parts if p]]}
    try:
        return {"date-parts": [parse_date(str(value).split("/")[0]).date_parts()]}
    except ValueError:
        return {"literal": str(value)}
