"""Bibliography files as CSL-JSON: BibTeX and BibLaTeX (.bib, .bibtex), RIS (.ris),
CSL-JSON (.json) and CSL-YAML (.yaml, .yml).

Pandoc converts BibTeX and RIS (its readers are the ones its citeproc uses);
CSL-JSON and CSL-YAML are read here, with line numbers for messages (CSL-YAML's
texts with Markdown in them then go through Pandoc's reader too: _markdown_read). A large
shared .bib is not converted whole: it is split into entries here (one linear
pass), and only the entries an article may cite (every `@key` its text has,
with what they inherit through `crossref`/`xdata`) go to Pandoc, a few
thousand at a time, so that time and memory grow with what is cited, not with
the file. The CSL-JSON that comes out is what both citeproc engines are given.
"""

from __future__ import annotations

import json
import os
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from ..source.readonly import ReadOnlyDict
from typing import Any, Iterable, Mapping

from ..errors import Problem, SourceError
from ..files import display, read_text
from ..source.frontmatter import load_yaml
from ..source.parsing import parse_date
from ..source.schema import CSL_NAME_VARIABLES
from ..building.stages import stage
from . import pandoc
from .ast import annotate, of_kind, stringify

NAME_VARIABLES = ("author", *CSL_NAME_VARIABLES)  # (every name variable of CSL 1.0.2)
DATE_VARIABLES = ("issued", "accessed", "original-date", "event-date", "submitted", "available-date")
MAX_YAML_VALUES = 4_000_000  # in a CSL-YAML file: 100,000 records of 40 values (aliases expand no further)
CHUNK = 2000  # entries per Pandoc run: its memory grows with the entries it is given (about 40 KB each)
FORMATS = {".bib": "biblatex", ".bibtex": "bibtex", ".ris": "ris", ".json": "csljson", ".yaml": "yaml",
           ".yml": "yaml"}


class Caveat(Problem):
    """A problem of a bibliography that is a warning, not an error."""


class Cut(Caveat):
    """Text of an entry a % left out (BibTeX's comment): told of an entry cited."""


@dataclass(frozen=True)
class Duplicate(Caveat):
    """A key given to two entries: the later entry is used, as Pandoc uses it (its
    citeproc takes the last of a key). Told of a key the article cites: an author's
    whole library, shared by every paper, has many (QA 30: 140 warnings for a
    38,000-line .bib of which the article cited 12 works, none of them twice)."""

    key: str = ""

    @classmethod
    def of(cls, file: str, key: str, where: str, line: int | None) -> "Duplicate":
        """The later entry's, the earlier one `where` ("on line 12", "in refs.bib:12")."""
        return cls(file, f"the key '{key}' is also used {where}: this entry is used, as Pandoc uses the last",
                   line=line, hint="give one of the two entries another key, or delete the one not meant", key=key)


@dataclass(frozen=True)
class Record:
    key: str
    csl: Mapping[str, Any]  # CSL-JSON
    file: str
    line: int | None


def load(root: Path, files: tuple[Path, ...], shared: tuple[Path, ...], wanted: set[str] | None,
         deadline: float, lang: str = "en-US", inline: tuple = (),
         file: str = "") -> tuple[dict[str, Record], list[Problem], set[str]]:
    """The records an article may cite, by key: those of its own files, then
    those of the publication's `shared` files that its own do not have; and
    every key of these files (for the messages about one mistyped). `wanted` is
    every key the article could cite (None: all of them, as `nocite: @*` asks).
    A key given twice within the article's files, or within the shared ones,
    is a Duplicate (a warning: the later entry is used). `lang`: the article's, in
    which BibTeX's entries without `langid` are written (Pandoc's citeproc reads
    them so: an English title is sentence-cased only in an English article).
    `inline`: the front matter's own records (`references:`, in the article's
    `file`), each with its line: they come before the files' (as Pandoc has them)."""
    own, problems = _load_all(root, files, wanted, deadline, lang)
    common, more = _load_all(root, tuple(f for f in shared if f not in files), wanted, deadline, lang)
    # (CSL-YAML too: Markdown, as Pandoc reads its metadata)
    written = {r.key: r for r in _normalised(_markdown_read(list(inline), file, deadline, pandoc.cache_in(root)),
                                             file, problems, field="references")}
    merged = {**common, **own, **{k: r for k, r in written.items() if wanted is None or k in wanted}}
    known = set(merged) | {str(record.get("id")) for record, _ in inline}  # (one refused is told as that, not unknown)
    for path in files + shared:
        known |= _keys(root, path, deadline)
    return merged, problems + more, known


def _keys(root: Path, path: Path, deadline: float) -> set[str]:
    """Every key a bibliography file has (read once: the readers keep what they read;
    a RIS file was converted whole when its records were read)."""
    try:
        stamp = path.resolve().stat()
        kind = FORMATS.get(path.suffix.lower())
        if kind in ("biblatex", "bibtex"):
            with stage(f"reading the bibliography {display(path, root)}"):
                return set(_bibtex_index(root, path, stamp.st_mtime_ns, stamp.st_size).entries)
        if kind is None:
            return set()
        found = _records(root, path, kind, stamp, deadline)[0]
    except (OSError, SourceError):
        return set()
    return {str(record.get("id")) for record, _ in found}


def _load_all(root: Path, files: tuple[Path, ...], wanted: set[str] | None,
              deadline: float, lang: str) -> tuple[dict[str, Record], list[Problem]]:
    records: dict[str, Record] = {}
    problems: list[Problem] = []
    for path in files:
        try:
            with stage(f"reading the bibliography {display(path, root)}"):  # (for a unit stopped at the time limit)
                found, file_problems = _read_file(root, path, wanted, deadline, lang)
        except SourceError as error:
            problems.extend(error.problems)
            continue
        problems.extend(file_problems)
        for record in found:
            earlier = records.get(record.key)
            if earlier is not None:
                where = f"{earlier.file}:{earlier.line}" if earlier.line else earlier.file
                problems.append(Duplicate.of(record.file, record.key, f"in {where}", record.line))
            records[record.key] = record
    return records, problems


def _read_file(root: Path, path: Path, wanted: set[str] | None,
               deadline: float, lang: str) -> tuple[list[Record], list[Problem]]:
    file = display(path, root)
    kind = FORMATS.get(path.suffix.lower())
    if kind is None:
        raise SourceError.single(file, f"'{path.suffix}' is not a bibliography format Imprint reads",
                                 hint="use BibTeX or BibLaTeX (.bib), CSL-JSON (.json), CSL-YAML (.yaml) or RIS (.ris)")
    stamp = path.resolve().stat()
    if kind in ("biblatex", "bibtex"):
        index = _bibtex_index(root, path, stamp.st_mtime_ns, stamp.st_size)
        return _convert_bibtex(index, kind, file, wanted, deadline, pandoc.cache_in(root), lang)
    found, problems = _records(root, path, kind, stamp, deadline)
    problems = list(problems)
    if wanted is not None:
        found = [(record, line) for record, line in found if str(record.get("id")) in wanted]
    if kind == "yaml":
        found = _markdown_read(found, file, deadline, pandoc.cache_in(root))
    return _normalised(found, file, problems), problems


def _normalised(found: Iterable[tuple[dict, int | None]], file: str, problems: list[Problem],
                field: str | None = None) -> list[Record]:
    """The records (each with its line) made Records (normalise()); one that cannot
    be is a problem at its line (`field`: where the front matter gives it)."""
    records = []
    for record, line in found:
        try:
            records.append(Record(str(record.get("id")), ReadOnlyDict(normalise(record)), file, line))
        except ValueError as error:
            problems.append(Problem(file, str(error), line=line, field=field))
    return records


def _records(root: Path, path: Path, kind: str, stamp: os.stat_result,
             deadline: float) -> tuple[list, list[Problem]]:
    """A RIS, CSL-JSON or CSL-YAML file's records, each with its line, and its
    problems (each reader keeps what it read, by the file's version: `stamp`)."""
    if kind == "ris":
        return _ris(root, path, stamp.st_mtime_ns, stamp.st_size, deadline)
    return (_csl_json if kind == "csljson" else _csl_yaml)(root, path, stamp.st_mtime_ns, stamp.st_size)


# -- BibTeX and BibLaTeX

@dataclass(frozen=True)
class _Entry:
    key: str
    line: int
    text: str
    parents: tuple[str, ...]  # crossref, xdata: entries it takes fields from


@dataclass(frozen=True)
class _BibIndex:
    file: str
    entries: Mapping[str, _Entry]
    shared: str  # @string and @preamble: given with every part converted
    problems: tuple[Problem, ...]


MAX_BRACES = 32  # braces within braces in one entry ({{NASA}} is 2)
_BRACES = re.compile(r"[{}()]")
_AT = re.compile(r"@[ \t]*([A-Za-z]+)[ \t\r\n]*([{(])")
_PERCENT = re.compile(r"(?<!\\)%(?=[^\n]*\S)")  # (not \%, and text after it on its line)
_PARENTS = re.compile(r"\b(?:crossref|xdata)\s*=\s*[{\"]([^}\"]*)[}\"]", re.I)


@lru_cache(maxsize=32)
def _bibtex_index(root: Path, path: Path, mtime: int, size: int) -> _BibIndex:
    """Every entry of a .bib file, found in one pass (text outside entries is a
    comment, as BibTeX has it)."""
    file = display(path, root)
    text = read_text(root, path, "bibliography")
    entries: dict[str, _Entry] = {}
    shared: list[str] = []
    problems: list[Problem] = []
    position, line = 0, 1
    while True:
        match = _AT.search(text, position)
        if match is None:
            break
        line += text.count("\n", position, match.start())
        kind = match.group(1).lower()
        end, deepest = _entry_end(text, match.end(), match.group(2))
        if end is None:
            problems.append(Problem(file, f"the @{match.group(1)} entry here is never closed", line=line,
                                    hint="count its braces: every { needs its }"))
            break
        body = text[match.end():end - 1]
        if deepest > MAX_BRACES and kind != "comment":  # (Pandoc's reader: minutes over 100,000)
            problems.append(Problem(file, f"the @{match.group(1)} entry here nests braces {deepest:,} deep; Imprint "
                                    f"reads at most {MAX_BRACES}", line=line, hint="count its braces: every { "
                                    "needs its }, and no field needs more than a few levels"))
        elif kind in ("string", "preamble"):
            shared.append(text[match.start():end])
        elif kind != "comment":
            key = body.split(",", 1)[0].strip()
            if not key:
                problems.append(Problem(file, f"the @{match.group(1)} entry here has no key", line=line,
                                        hint="write its key after the brace: @book{smith2015, ..."))
            else:
                if key in entries:
                    problems.append(Duplicate.of(file, key, f"on line {entries[key].line}", line))
                parents = tuple(k.strip() for m in _PARENTS.finditer(body) for k in m.group(1).split(","))
                entries[key] = _Entry(key, line, text[match.start():end], parents)
                cut: set[int] = set()
                for percent in _PERCENT.finditer(body):  # ("50% потерь": the rest of the line lost, QA 23)
                    at = line + text.count("\n", match.start(), match.end() + percent.start())
                    rest = body[percent.end():].split("\n", 1)[0].strip()
                    if at not in cut:  # (the first of a line: the rest of it is the comment)
                        cut.add(at)
                        problems.append(Cut(file, f"a % in BibTeX starts a comment: the rest of its line "
                                               f"('{rest[:40]}') is left out of the reference", line=at,
                                               hint="write a per cent sign as \\%"))
        line += text.count("\n", match.start(), end)
        position = end
    return _BibIndex(file, ReadOnlyDict(entries), "\n".join(shared), tuple(problems))


def _entry_end(text: str, start: int, opening: str) -> tuple[int | None, int]:
    """Where an entry that opens at `start` ends (after its closing brace), and how
    deep braces nest in it."""
    closing = "}" if opening == "{" else ")"
    depth = deepest = 0
    for match in _BRACES.finditer(text, start):
        char = match.group()
        if char == "{":
            depth += 1
            deepest = max(deepest, depth)
        elif char == "}":
            if depth == 0:
                return (match.end() if closing == "}" else None), deepest
            depth -= 1
        elif char == ")" and depth == 0 and closing == ")":
            return match.end(), deepest
    return None, deepest


def _convert_bibtex(index: _BibIndex, kind: str, file: str, wanted: set[str] | None,
                    deadline: float, cache: Path | None = None,
                    lang: str = "en-US") -> tuple[list[Record], list[Problem]]:
    keys = list(index.entries) if wanted is None else _with_parents(index, wanted)
    records: list[Record] = []
    spans = [(e.line, e.line + e.text.count("\n")) for e in (index.entries[k] for k in keys)]
    chosen = set(keys)  # (a Cut or a Duplicate is told of an entry the article cites, or of its parent)
    problems = [p for p in index.problems if not isinstance(p, (Cut, Duplicate))
                or isinstance(p, Cut) and any(a <= (p.line or 0) <= b for a, b in spans)
                or isinstance(p, Duplicate) and p.key in chosen]
    for start in range(0, len(keys), CHUNK):
        part = [index.entries[k] for k in keys[start:start + CHUNK]]
        try:
            converted = _pandoc_records(index.shared, part, kind, file, deadline, cache, lang)
        except _Unreadable:
            converted = []
            for entry in part:  # which entry? each on its own
                try:
                    converted += _pandoc_records(index.shared, [entry], kind, file, deadline, cache, lang)
                except _Unreadable as error:
                    problems.append(Problem(file, f"Pandoc cannot read this entry: {error}", line=entry.line,
                                            hint="check its braces, quotes and commas"))
        for record in converted:
            entry = index.entries.get(str(record.get("id")))
            if entry is None or (wanted is not None and entry.key not in wanted):
                continue  # (a parent, only there to lend its fields)
            if record.get("type") == "":  # @misc: Pandoc leaves the type empty
                record["type"] = "document"
            records.append(Record(entry.key, ReadOnlyDict(record), file, entry.line))
    return records, problems


def _with_parents(index: _BibIndex, wanted: Iterable[str]) -> list[str]:
    found: dict[str, None] = {}
    stack = [k for k in wanted if k in index.entries]
    while stack:
        key = stack.pop()
        if key in found or key not in index.entries:
            continue
        found[key] = None
        stack.extend(index.entries[key].parents)
    return sorted(found, key=lambda k: index.entries[k].line)


class _Unreadable(Exception):
    pass


def _pandoc_records(shared: str, entries: list[_Entry], kind: str, file: str, deadline: float,
                    cache: Path | None = None, lang: str = "en-US") -> list[dict]:
    """The entries as CSL-JSON. Pandoc's citeproc sentence-cases the title of an
    entry it takes as English: one with an English `langid`, or none in an English
    document. Its BibTeX reader, run alone, takes every entry without one as English
    (under --sandbox, whatever LANG says): so an entry without one is given the
    article's language as its `langid` here, and the `language` that gives it taken
    out again (the record says no more than the entry did)."""
    english = lang.lower().split("-")[0] == "en"
    # (not one that takes its fields from another: it takes its language from there too)
    told = set() if english else {e.key for e in entries if not e.parents and not _LANGUAGE_FIELD.search(e.text)}
    text = shared + "\n" + "\n".join(_ENTRY_OPENING.sub(lambda m: f"{m.group()} langid = {{{lang}}},", e.text, 1)
                                      if e.key in told else e.text for e in entries)
    try:
        output, _ = pandoc.run(["-f", kind, "-t", "csljson"], text.encode("utf-8"),
                               what=f"the bibliography {file}", file=file, deadline=deadline, cache=cache)
    except pandoc.PandocFailed as error:
        raise _Unreadable(error.first_line) from None
    records = json.loads(_dotted(output.decode("utf-8")))
    for record in records:
        if str(record.get("id")) in told:
            record.pop("language", None)
    if kind in ("bibtex", "biblatex") and "{" in text:
        _keep_protected(records, text, kind, file, deadline, cache)
    _math_as_text(records, file, deadline, cache)
    return records


def _dotted(text: str) -> str:
    """BibTeX's accented i and j, `{\\'\\i}`, as one letter, "í" (Pandoc reads them as a
    dotless ı and a combining accent, "Garcı́a", which no one searches, copies or
    sorts as "García"); a dotless ı takes no accent in any language."""
    return _DOTLESS_ACCENTED.sub(lambda found: unicodedata.normalize(
        "NFC", {"ı": "i", "ȷ": "j"}[found.group(1)] + found.group(2)), text)


_DOTLESS_ACCENTED = re.compile("([ıȷ])([\u0300-\u036f]+)")


def _keep_protected(records: list[dict], text: str, kind: str, file: str, deadline: float,
                    cache: Path | None) -> None:
    """What BibTeX protects with braces (`{lenstronomy}: Multi-purpose...`, a whole
    title in braces as ADS exports it) kept from a style's title case, as Pandoc's
    own citeproc keeps it: its BibTeX reader marks it (a span of class nocase), but
    its CSL-JSON writer drops the mark, so a Chicago reference list printed
    "Lenstronomy: Multi-Purpose...". The marks are read from the reader's AST (one
    Pandoc run more) and written back as CSL's `<span class="nocase">`, each around
    the first text of its words after the last one placed."""
    try:
        output, _ = pandoc.run(["-f", kind, "-t", "json"], text.encode("utf-8"),
                               what=f"the bibliography {file}", file=file, deadline=deadline, cache=cache)
    except pandoc.PandocFailed:
        return
    references = json.loads(output).get("meta", {}).get("references", {}).get("c", [])
    by_id = {str(r.get("id")): r for r in records}
    for reference in references:
        fields = reference.get("c", {}) if isinstance(reference, dict) else {}
        ident = fields.get("id", {}).get("c", "")
        record = by_id.get(ident if isinstance(ident, str) else stringify(ident))
        for name, value in fields.items() if record is not None else ():
            if not isinstance(record.get(name), str) or value.get("t") != "MetaInlines":
                continue
            for formula in of_kind(value["c"], frozenset({"Math"})):  # (as the CSL-JSON writes it: $\mu$)
                annotate(formula, text=f"${formula['c'][1]}$")
            protected = [stringify(span["c"][1]) for span in of_kind(value["c"], frozenset({"Span"}))
                         if "nocase" in span["c"][0][1]]
            written, start = record[name], 0
            for words in protected:
                at = written.find(words, start) if words.strip() else -1
                if at < 0:
                    continue
                marked = f'<span class="nocase">{words}</span>'
                written, start = written[:at] + marked + written[at + len(words):], at + len(marked)
            record[name] = written


TEX_MATH = re.compile(r"\$[^$\s](?:[^$]*[^$\s])?\$")  # ($H_2O$; reader.py looks for it too)


def _math_as_text(records: list[dict], file: str, deadline: float, cache: Path | None) -> None:
    """TeX math in a BibTeX entry's fields (`Detection of $\\mu$ in H$_{2}$O`: BibTeX's
    own markup, which Pandoc's BibTeX reader reads as math and its CSL-JSON writer
    writes as TeX again) as the text Pandoc's plain writer makes of it (μ, ₂, N²),
    as Pandoc's own citeproc prints it; CSL-JSON, which every citeproc reads, has no
    math; nor is the text re-cased. One Pandoc run for every formula of the file; if
    it fails, they stay."""
    found = {m.group() for r in records for v in r.values() if isinstance(v, str) for m in TEX_MATH.finditer(v)}
    if not found:
        return
    formulas = sorted(found)
    try:
        output, _ = pandoc.run(["-f", "markdown", "-t", "plain", "--wrap=none"],
                               "\n\n".join(formulas).encode("utf-8"), what=f"the formulas of the bibliography {file}",
                               file=file, deadline=deadline, cache=cache)
    except pandoc.PandocFailed:
        return
    texts = output.decode("utf-8").strip().split("\n\n")
    if len(texts) != len(formulas):
        return
    # (never re-cased by a style, as Pandoc's citeproc leaves math: "4.5 μm", not "4.5 Μm")
    plain = dict(zip(formulas, (f'<span class="nocase">{t.strip()}</span>' for t in texts)))
    for record in records:
        for name, value in record.items():
            if isinstance(value, str) and "$" in value:
                record[name] = TEX_MATH.sub(lambda m: plain.get(m.group(), m.group()), value)


# (an entry's opening, `@article{key,`: where a field is added; the fields that give its language)
_ENTRY_OPENING = re.compile(r"^\s*@\w+\s*[{(]\s*[^,\s]+\s*,")
_LANGUAGE_FIELD = re.compile(r"(?:^|[,{])\s*(?:langid|language|hyphenation)\s*=", re.I | re.M)


# -- RIS, CSL-JSON, CSL-YAML

_RIS: dict[tuple[Path, Path, int, int], tuple[list, list[Problem]]] = {}  # the last files read, by version


def _ris(root: Path, path: Path, mtime: int, size: int, deadline: float):
    """A RIS file's records, converted by Pandoc once per version of the file (a
    watch or a catalogue rebuild reads it again and again)."""
    key = (root, path, mtime, size)
    if key not in _RIS:
        if len(_RIS) >= 16:
            _RIS.pop(next(iter(_RIS)))
        _RIS[key] = _ris_records(root, path, deadline)
    return _RIS[key]


def _ris_records(root: Path, path: Path, deadline: float):
    file = display(path, root)
    text = read_text(root, path, "bibliography")
    try:
        output, _ = pandoc.run(["-f", "ris", "-t", "csljson"], text.encode("utf-8"),
                               what=f"the bibliography {file}", file=file, deadline=deadline,
                               cache=pandoc.cache_in(root))
    except pandoc.PandocFailed as error:
        return [], [Problem(file, f"Pandoc cannot read this RIS file: {error}")]
    lines: dict[str, int] = {}  # each ID's first line, in one pass
    for number, row in enumerate(text.splitlines(), start=1):
        if row.startswith("ID  - "):
            lines.setdefault(row[6:].strip(), number)
    return [(record, lines.get(record.get("id"))) for record in json.loads(output)], []


@lru_cache(maxsize=16)
def _csl_json(root: Path, path: Path, mtime: int, size: int):
    file = display(path, root)
    text = read_text(root, path, "bibliography")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return [], [Problem(file, f"this is not valid JSON: {error.msg}", line=error.lineno, column=error.colno)]
    except RecursionError:  # (Python's reader stops near 1,000 levels: a record has 4)
        return [], [Problem(file, "this JSON nests lists or objects hundreds of levels deep: it is no "
                                  "bibliography", line=1,
                            hint="CSL-JSON is a list of records: [{\"id\": \"smith2015\", \"type\": \"book\", ...}]")]
    lone = _lone_surrogate(text)
    if lone is not None:
        return [], [Problem(file, f"'{lone[0]}' is half of a character (a lone UTF-16 surrogate) and cannot be "
                                  "published", line=lone[1],
                            hint="write the character itself, or both halves of its escape (\\ud83d\\ude00)")]
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        return [], [Problem(file, "CSL-JSON is a list of records ([{...}, ...])", line=1)]
    lines = {}
    line, position = 1, 0  # (counted on from the last id: linear in the file)
    for match in re.finditer(r'"id"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+)', text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.setdefault(match.group(1), line)
    found = []
    for record in data:
        if not isinstance(record, dict) or "id" not in record:
            return found, [Problem(file, "every CSL-JSON record needs an \"id\"", line=1)]
        found.append((record, lines.get(json.dumps(record["id"], ensure_ascii=False))
                       or lines.get(json.dumps(record["id"]))))
    return found, []


_ESCAPES = re.compile(r"\\(?:\\|u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}"  # \\, a pair,
                      r"|u[dD][89a-fA-F][0-9a-fA-F]{2})")  # half of one


def _lone_surrogate(text: str) -> tuple[str, int] | None:
    """The first escape in JSON text of half a character (\\ud800 without its other
    half, which UTF-8 cannot carry), with its line; or None."""
    if "\\u" not in text and "\\U" not in text:
        return None
    for match in _ESCAPES.finditer(text):  # (an escaped backslash, a pair, or a half alone)
        if len(match.group()) == 6:
            return match.group(), text.count("\n", 0, match.start()) + 1
    return None


@lru_cache(maxsize=16)
def _csl_yaml(root: Path, path: Path, mtime: int, size: int):
    file = display(path, root)
    try:
        located = load_yaml(read_text(root, path, "bibliography"), file, most=MAX_YAML_VALUES, what="a bibliography")
    except SourceError as error:
        return [], list(error.problems)
    data = located.data
    at: tuple = ()
    if isinstance(data, dict) and "references" in data:
        data, at = data["references"], ("references",)
    if not isinstance(data, list):
        return [], [Problem(file, "CSL-YAML is a list of records, usually under 'references:'", line=1)]
    found = []
    for index, record in enumerate(data):
        line = located.line_of(at + (index,))
        if not isinstance(record, dict) or "id" not in record:
            return found, [Problem(file, "every CSL-YAML record needs an 'id'", line=line)]
        found.append((record, line))
    return found, []


# (what Markdown's inline markup starts with: `*Origin*`, `H~2~O`, `[iPhone]{.nocase}`, $\mu$, \*, <span>)
_MARKUP = re.compile(r"[*_~^`$\\<]|\]\{")
_VERBATIM = frozenset(("id", "type", "DOI", "URL", "ISBN", "ISSN", "PMID", "PMCID", "citation-key"))


def _markdown_read(found: list[tuple[dict, int | None]], file: str, deadline: float,
                   cache: Path | None) -> list[tuple[dict, int | None]]:
    """CSL-YAML's texts as Pandoc reads them, and as its citeproc prints them:
    Markdown (`On the *Origin* of Species`, `H~2~O`), written as CSL-JSON's markup
    (<i>Origin</i>, H<sub>2</sub>O) by Pandoc's CSL-JSON writer, with what the
    reading of BibTeX keeps too (nocase spans, formulas as text). Only the texts
    with markup go to Pandoc (the others stay as written, without its smart
    quotes), in one run for the file; if it fails, they stay as written too."""
    marked: dict[int, dict[str, str]] = {}
    for index, (record, _) in enumerate(found):
        for name, value in record.items():
            if isinstance(value, str) and name not in _VERBATIM and _MARKUP.search(value):
                marked.setdefault(index, {"id": f"imprint-{index}", "type": "book"})[name] = value
    if not marked:
        return found
    # (JSON is YAML: Pandoc reads the records as a metadata block's references)
    text = "---\n" + json.dumps({"references": list(marked.values())}, ensure_ascii=False) + "\n---\n"
    try:
        output, _ = pandoc.run(["-f", "markdown", "-t", "csljson"], text.encode("utf-8"),
                               what=f"the bibliography {file}", file=file, deadline=deadline, cache=cache)
    except pandoc.PandocFailed:
        return found
    records = json.loads(output)
    _keep_protected(records, text, "markdown", file, deadline, cache)
    _math_as_text(records, file, deadline, cache)
    read = {str(r.get("id")): r for r in records}
    return [({**record, **{name: read[f"imprint-{index}"][name] for name in marked[index]
                           if name not in _VERBATIM and name in read.get(f"imprint-{index}", {})}}
             if index in marked else record, line) for index, (record, line) in enumerate(found)]


# The variables a reference list prints as text: one of them written as more than
# text (a map, a list of maps) is an error; any other such value is left out, as
# Pandoc leaves it (Crossref's CSL-JSON has `indexed`, `created`, `license` maps).
_PRINTED_TEXT = frozenset(("title", "title-short", "container-title", "container-title-short", "collection-title",
                           "publisher", "publisher-place", "event-title", "original-title", "volume", "issue",
                           "page", "edition", "number", "genre", "medium", "note", "abstract"))


def normalise(record: Mapping[str, Any]) -> dict[str, Any]:
    """A record both citeproc engines read alike: names in parts, dates as
    date-parts (or literal), no empty values (an empty date, `"issued": {}`,
    is none: "n.d.", as Pandoc prints it)."""
    result: dict[str, Any] = {}
    for key, value in record.items():
        if value is None or value == "" or value == [] or value == {}:
            continue
        if key in NAME_VARIABLES:
            value = [_name(item) for item in (value if isinstance(value, list) else [value])]
        elif key in DATE_VARIABLES:
            value = _date(key, value)
        elif isinstance(value, (dict, list)) and key != "categories":
            if isinstance(value, list) and all(isinstance(v, (str, int, float)) for v in value):
                value = ", ".join(str(v) for v in value)  # volume: [1, 2]
            elif key in _PRINTED_TEXT:
                raise ValueError(f"'{key}' of the record '{record.get('id')}' is not a CSL value")
            else:
                continue
        elif isinstance(value, bool):
            value = str(value).lower()
        result[key] = value
    result["id"] = str(record["id"])
    if "type" not in result:
        raise ValueError(f"the record '{result['id']}' has no 'type' (article-journal, book, chapter, ...)")
    return result


def _name(item: Any) -> dict[str, str]:
    if isinstance(item, str):  # (one text, as Pandoc takes it: `author: World Health Organization`)
        return {"literal": item}
    if isinstance(item, dict):
        return {k: str(v) for k, v in item.items() if v not in (None, "")}
    raise ValueError(f"'{item}' is not a name")


def _date(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        if "date-parts" in value:
            try:
                parts = [[int(p) for p in part if str(p).strip()] for part in value["date-parts"]]
            except (TypeError, ValueError):
                raise ValueError(f"'{key}' has date parts that are not numbers: {value['date-parts']}") from None
            parts = [p[:3] for p in parts if p]
            if not parts:
                raise ValueError(f"'{key}' has empty date parts; remove it or give the year")
            return {**{k: v for k, v in value.items() if k != "date-parts"}, "date-parts": parts}
        if "year" in value:  # ({year: 2012, month: 3}: CSL-YAML as written by hand, which Pandoc reads)
            parts = []
            for part in ("year", "month", "day"):
                if value.get(part) is None:
                    break
                parts.append(value[part])
            rest = {k: v for k, v in value.items() if k not in ("year", "month", "day")}
            return _date(key, {**rest, "date-parts": [parts]})
        if "raw" in value:
            return _date(key, value["raw"])
        if "literal" in value:
            return {"literal": str(value["literal"])}
        raise ValueError(f"'{key}' is not a date CSL-JSON knows (date-parts, year, raw or literal)")
    if isinstance(value, list) and value and isinstance(value[0], dict):  # old CSL-YAML: [{year: 1999}]
        parts = [value[0].get(k) for k in ("year", "month", "day")]
        return {"date-parts": [[int(p) for p in parts if p]]}
    text = str(value)
    try:
        return {"date-parts": [parse_date(piece).date_parts() for piece in text.split("/") if piece]}
    except ValueError:
        return {"literal": text}
