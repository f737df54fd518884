"""Front matter the way Quarto reads it: a project's shared files, fields Imprint
does not know, numbers in text fields.

- `_quarto.yml` (the project's metadata) is merged under an article's own front
  matter as Quarto merges it (quarto-cli src/core/config.ts, mergeConfigs):
  mappings field by field, lists joined (the project's items first, repeats
  dropped), a value given once as text and once as a list joined as a list,
  any other value the article's. `_variables.yml` holds the values of
  `{{< var >}}`. Each is looked for beside the article, else in source/ (the
  folder a Quarto project would have it in).
- A field Quarto or Imprint do not know is ignored, as Quarto ignores it, with one
  note per file that lists them; a field within a letter or two of a known one is
  taken for a typing mistake and stays an error ("did you mean").
- YAML reads `id: 1` and `postal-code: 02210` as numbers; where the schema says
  the field is text, the number is read as text (as Pandoc does), and a reading
  that lost what was written (the leading zero) is a warning.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Problem, SourceError
from ..files import display, read_text
from .frontmatter import Located, format_path, load_yaml, value_at

QUARTO_FILE = "_quarto.yml"
VARIABLES_FILE = "_variables.yml"

# Mappings whose unknown fields are ignored rather than refused: the top level,
# an author and an affiliation (Quarto keeps those under an author's or an
# affiliation's `metadata`). Elsewhere (`citation:`, `translation:`) an unknown
# field is an error, as in Quarto's closed schemas.
_AUTHOR = (("author",), ("authors",))
_AFFILIATION = (("affiliations",), ("affiliation",))
LENIENT = frozenset(
    [()]
    + [a + star for a in _AUTHOR for star in ((), ("*",))]
    + [a + star + f + item for a in _AUTHOR for star in ((), ("*",)) for f in _AFFILIATION for item in ((), ("*",))]
    + [f + ("*",) for f in _AFFILIATION]
)


@dataclass
class ProjectFile:
    """A `_quarto.yml` or `_variables.yml`: its contents (None when it cannot be
    read), its problems and the notes about it."""

    located: Located | None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    raw: Any = None  # the data as written, fields Imprint ignores included (for {{< meta >}})


def find_project_file(name: str, folder: Path, source_dir: Path) -> Path | None:
    """The article's own file, else source/'s (Quarto reads the one of the project
    the article is in: its folder, when it holds a project of its own)."""
    for where in (folder, source_dir):
        if (where / name).is_file() or (where / name).is_symlink():
            return where / name
    return None


def read_project_file(root: Path, path: Path, schema: dict | None) -> ProjectFile:
    """Parse a project file; with `schema` (a `_quarto.yml`), set its unknown
    fields aside. Its values are checked against the schema per article, after
    the article's shortcodes are expanded in them (metadata.prepare_front_matter)."""
    file = display(path, root)
    try:
        located = load_yaml(read_text(root, path, "Quarto project file"), file)
    except SourceError as error:
        return ProjectFile(None, list(error.problems))
    if located.data is None:
        located.data = {}
    if not isinstance(located.data, dict):
        return ProjectFile(None, [Problem(file, f"{path.name} must be a set of fields (key: value)", line=1)])
    result = ProjectFile(located, raw=copy.deepcopy(located.data))
    if schema is not None:
        result.problems, result.warnings = set_aside_unknown(located, schema)
    return result


# -- fields Imprint does not know


def set_aside_unknown(located: Located, schema: dict) -> tuple[list[Problem], list[Problem]]:
    """Remove the fields the schema does not know from the top level, authors and
    affiliations. Returns the errors (a field that looks like a known one
    mistyped) and the warnings (one note listing the fields ignored)."""
    errors: list[Problem] = []
    ignored: list[tuple] = []
    _set_aside(located, located.data, schema, (), errors, ignored)
    warnings = []
    ignored.sort(key=lambda path: located.line_of(path) or 0)
    if ignored:
        names = ", ".join(f"{format_path(path)} (line {located.line_of(path)})" for path in ignored)
        first = ignored[0]
        warnings.append(Problem(
            located.file_of(first), f"ignored the fields Imprint does not know: {names}",
            line=located.line_of(first),
            hint="they may be settings for Quarto or a journal's template; if one is a misspelt field of "
                 "Imprint's, correct it",
        ))
    return errors, warnings


def _set_aside(located: Located, value: Any, schema: dict, path: tuple, errors: list[Problem],
               ignored: list[tuple]) -> None:
    if isinstance(value, dict):
        mapping = _branch(schema, "object")
        if mapping is None:
            return
        known = mapping.get("properties", {})
        if mapping.get("additionalProperties") is False and _generic(path) in LENIENT:
            # (a typing mistake of a field Imprint reads, holding what that field holds; a template's
            # own field near a name, `authornote: text` by `author-notes: {...}`, or an empty one, is ignored)
            read = [k for k, v in known.items() if "type" in v or "anyOf" in v]
            for key in [k for k in value if k not in known]:
                where = path + (key,)
                close = closest_field(key, read)
                if close is not None and value[key] not in (None, "") and _holds(known[close], value[key]):
                    errors.append(Problem(located.file_of(where), f"unknown field '{key}'",
                                          line=located.line_of(where), field=format_path(where),
                                          hint=f"did you mean '{close}'?"))
                else:
                    ignored.append(where)
                del value[key]
        for key, item in value.items():
            if key in known:
                _set_aside(located, item, known[key], path + (key,), errors, ignored)
    elif isinstance(value, list):
        array = _branch(schema, "array")
        if array is not None and isinstance(array.get("items"), dict):
            for index, item in enumerate(value):
                _set_aside(located, item, array["items"], path + (index,), errors, ignored)


def _holds(schema: dict, value: Any) -> bool:
    """Whether `value` is of a JSON type `schema` takes (any, where it names none)."""
    kind = "object" if isinstance(value, dict) else "array" if isinstance(value, list) else "boolean" \
        if isinstance(value, bool) else "number" if isinstance(value, (int, float)) else "string"
    types = _types(schema)
    return not types or kind in types or kind == "number" and "integer" in types


def _types(schema: dict) -> set[str]:
    named = schema.get("type")
    found = {named} if isinstance(named, str) else set(named or ())
    for branch in schema.get("anyOf", ()):
        found |= _types(branch)
    return found


def _generic(path: tuple) -> tuple:
    return tuple("*" if isinstance(part, int) else part for part in path)


def _branch(schema: dict, kind: str) -> dict | None:
    """The part of `schema` meant for a value of JSON type `kind` (object, array)."""
    types = schema.get("type")
    if types is not None:
        return schema if kind in ([types] if isinstance(types, str) else types) else None
    if kind == "object" and "properties" in schema or kind == "array" and "items" in schema:
        return schema
    for branch in schema.get("anyOf", ()):
        found = _branch(branch, kind)
        if found is not None:
            return found
    return None


def closest_field(key: str, known: Any) -> str | None:
    """The known field `key` is a typing mistake of: within one letter (names of
    up to five letters) or two (longer names), a transposition counting as one;
    the nearest, then the first in the schema's order. A name with two letters or
    more before or after a known one is none (a template's own scheme: `koauthor`,
    `kosubtitle` beside `kotitle`)."""
    best, best_distance = None, 3
    for name in known:
        if abs(len(name) - len(key)) > 2 or len(key) >= len(name) + 2 and name.lower() in (
                key.lower()[-len(name):], key.lower()[:len(name)]):
            continue
        allowed = 1 if min(len(name), len(key)) <= 5 else 2
        distance = _distance(key.lower(), name.lower())
        if distance <= allowed and distance < best_distance:
            best, best_distance = name, distance
    return best


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions
    and transpositions of neighbours."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]


# -- numbers in text fields, yes and no in flags


# YAML 1.1's words for true and false, which R's YAML reader takes (R Markdown's
# templates write `corresponding: yes`, `floatsintext: no`); YAML 1.2 reads text.
YES_NO = {"yes": True, "no": False, "on": True, "off": False, "y": True, "n": False}


def read_scalars_as_typed(located: Located, schema: dict) -> list[Problem]:
    """Numbers in fields the schema says are text (and may be written as numbers)
    become text, as YAML read them; a warning for each whose reading is not what
    was written (02210 read as 2210). In fields that are only true or false, an
    unquoted yes, no, on or off is that, as R Markdown reads it."""
    warnings: list[Problem] = []
    located.data = _as_text(located, located.data, schema, (), warnings)
    return warnings


def _as_text(located: Located, value: Any, schema: dict, path: tuple, warnings: list[Problem]) -> Any:
    if isinstance(value, dict):
        mapping = _branch(schema, "object")
        if mapping is not None:
            known = mapping.get("properties", {})
            for key in value:
                if key in known:
                    value[key] = _as_text(located, value[key], known[key], path + (key,), warnings)
        return value
    if isinstance(value, list):
        array = _branch(schema, "array")
        if array is not None and isinstance(array.get("items"), dict):
            for index, item in enumerate(value):
                value[index] = _as_text(located, item, array["items"], path + (index,), warnings)
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and _text_field(schema):
        text = str(value)
        written = located.scalars.get(path, (0, "", text))[2]
        if written != text:
            key = next((part for part in reversed(path) if isinstance(part, str)), "")
            warnings.append(Problem(
                located.file_of(path), f"YAML reads {written} as the number {text}, so it is printed as {text}",
                line=located.line_of(path), field=format_path(path),
                hint=f"quote it to keep it as written: {key}: \"{written}\"" if key else "quote it to keep it as written",
            ))
        return text
    if isinstance(value, str) and value.lower() in YES_NO and located.scalars.get(path, (0, "'", ""))[1] == "" \
            and _flag_field(schema):
        return YES_NO[value.lower()]
    return value


def _flag_field(schema: dict) -> bool:
    return _types(schema) == {"boolean"}


def _text_field(schema: dict) -> bool:
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        return "string" in types and ("number" in types or "integer" in types)
    return any(_text_field(branch) for branch in schema.get("anyOf", ()))


# -- merging a project's metadata under the article's


def merge_data(under: Any, over: Any) -> Any:
    """Quarto's merge of two values (data only, for `{{< meta >}}`)."""
    if isinstance(under, dict) and isinstance(over, dict):
        return {key: merge_data(under[key], over[key]) if key in under and key in over
                else over[key] if key in over else under[key] for key in dict.fromkeys([*under, *over])}
    if isinstance(under, list) or isinstance(over, list):
        if under is None:
            return over
        if over is None:
            return under
        return _unique((under if isinstance(under, list) else [under]) + (over if isinstance(over, list) else [over]))
    return over


def _unique(items: list) -> list:
    kept: dict[str, Any] = {}  # (by its JSON: the first of equal items, in their order)
    for item in items:
        kept.setdefault(json.dumps(item, ensure_ascii=False, default=str), item)
    return list(kept.values())


def merge_under(under: Located, over: Located) -> Located:
    """`over` (an article's front matter) merged over `under` (its project's), with
    the file and line of every part kept for messages."""
    merged = Located(over.file, None, {(): over.lines.get((), 1)}, {(): over.file}, {})
    merged.data = _merge(under, (), over, (), (), merged)
    merged.dropped = [*under.dropped, *over.dropped]
    return merged


def _merge(under: Located, upath: tuple, over: Located, opath: tuple, out: tuple, merged: Located) -> Any:
    low, high = value_at(under.data, upath), value_at(over.data, opath)
    if isinstance(low, dict) and isinstance(high, dict):
        _place(over, opath, out, merged, whole=False)
        result = {}
        for key in dict.fromkeys([*low, *high]):
            if key in low and key in high:
                result[key] = _merge(under, upath + (key,), over, opath + (key,), out + (key,), merged)
            elif key in high:
                result[key] = high[key]
                _place(over, opath + (key,), out + (key,), merged)
            else:
                result[key] = low[key]
                _place(under, upath + (key,), out + (key,), merged)
        return result
    if (isinstance(low, list) or isinstance(high, list)) and low is not None and high is not None:
        _place(over, opath, out, merged, whole=False)
        items = [(under, upath + (i,), v) for i, v in enumerate(low)] if isinstance(low, list) else [(under, upath, low)]
        items += [(over, opath + (i,), v) for i, v in enumerate(high)] if isinstance(high, list) else [(over, opath, high)]
        result, seen = [], set()
        for located, path, value in items:
            key = json.dumps(value, ensure_ascii=False, default=str)
            if key in seen:
                continue
            seen.add(key)
            _place(located, path, out + (len(result),), merged)
            result.append(value)
        return result
    _place(over, opath, out, merged)
    return high


def _place(source: Located, path: tuple, out: tuple, merged: Located, whole: bool = True) -> None:
    """Record where the value at `path` of `source` (and with `whole`, everything
    under it) was written, as the merged value's at `out`."""
    size = len(path)
    for table, target in ((source.lines, merged.lines), (source.scalars, merged.scalars)):
        if whole:
            for at, where in table.items():
                if at[:size] == path:
                    target[out + at[size:]] = where
        elif path in table:
            target[out] = table[path]
    merged.files[out] = source.file_of(path)
