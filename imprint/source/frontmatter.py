"""YAML with line numbers: parse safely, remember where every field was written.

PyPYAML's safe_load forgets positions, so the document is composed into nodes
first (SafeLoader: no Python objects), the nodes are walked once to record the
line of every key and list item, and only then constructed into plain values.
The walk also bounds the size of the document, since YAML aliases can make a
small file expand into a huge tree.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..body.locate import Source
from ..errors import Problem, SourceError
from .yaml_errors import explain, has_odd_space, indented_otherwise, odd_indented, odd_key

MAX_NODES = 20_000  # a front matter has a few hundred; aliases can make billions
MAX_DEPTH = 50

Path_ = tuple  # a path into the data: ("author", 0, "orcid")


@dataclass
class Located:
    """Parsed YAML data and where each part of it was written."""

    file: str
    data: Any
    lines: dict[Path_, int] = field(default_factory=dict)
    # Front matter merged from several files (quarto_project.merge_under): the
    # file each part was written in; a path not listed is in `file`.
    files: dict[Path_, str] = field(default_factory=dict)
    # Each scalar value: the line its text starts on, its YAML style ('' plain,
    # '|' literal, '>' folded, quotes) and its text as written (before YAML read
    # 02210 as the number 2210).
    scalars: dict[Path_, tuple[int, str, str]] = field(default_factory=dict)
    said: list[Problem] = field(default_factory=list)  # warnings of its reading (tabs read as spaces)
    # The parts the schema refused, removed from `data` (validation.drop_invalid).
    dropped: list[Path_] = field(default_factory=list)

    def line_of(self, path: Path_) -> int | None:
        """The line of `path`, or of its nearest ancestor that has one."""
        return _nearest(self.lines, path, None)

    def take(self, other: "Located") -> None:
        """`other`'s fields in place of these of the same names, with where they
        were written (a later metadata block's: Pandoc takes the last value)."""
        for key, value in other.data.items():
            for table in (self.lines, self.files, self.scalars):
                for path in [p for p in table if p[:1] == (key,)]:
                    del table[path]
            self.data[key] = value
        self.lines.update((p, line) for p, line in other.lines.items() if p)
        self.scalars.update(other.scalars)
        self.said += other.said

    def file_of(self, path: Path_) -> str:
        """The file `path` was written in (its nearest ancestor's)."""
        return _nearest(self.files, path, self.file)


def _nearest(table: dict[Path_, Any], path: Path_, default: Any) -> Any:
    """`table`'s value for `path`, or for its nearest ancestor in it (the root's: `default`)."""
    path = tuple(path)
    while path:
        if path in table:
            return table[path]
        path = path[:-1]
    return table.get((), default)


def value_at(data: Any, path: Path_) -> Any:
    """The value at `path` in the data, or None where it has none."""
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def format_path(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# A YAML metadata block as Pandoc finds one in the text: "---" after a blank line,
# not followed by one, a first line "field:" (after YAML comments, `# ...`; or
# comments only: an empty block), closed by "---" or "...". (Blank lines may be
# in it, and a key may be quoted.)
_YAML_BLOCK = re.compile(r"(?<=\n)[ \t]*\r?\n(---)[ \t]*\r?\n(?=(?:#[^\n]*\n)*(?:[\w-]+|\"[^\"\n]*\"|'[^'\n]*'):"
                         r"|(?:#[^\n]*\n)+(?:---|\.\.\.)[ \t]*\r?(?:\n|\Z))"
                         r"((?:.*\n)*?)"
                         r"(?:---|\.\.\.)[ \t]*\r?(?:\n|\Z)")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)


def metadata_blocks(body: str, body_line: int, file: str, searchable: str) -> tuple[str, list[Located]]:
    """The YAML metadata blocks in the text after the front matter (Pandoc reads
    every one; a document put together from several files has one each), read,
    and the text without them, each of their lines left blank (the lines after
    keep their numbers). `searchable`: the text with its code blanked out (a
    block in code is code; so is one in an HTML comment). What YAML reads as no
    set of fields (`---`, then `https://...`) stays text, as Pandoc leaves it."""
    searchable = _HTML_COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), searchable)
    blocks = []
    for match in reversed(list(_YAML_BLOCK.finditer("\n" + searchable))):
        start, end = match.start(1) - 1, match.end() - 1
        first = body_line + body.count("\n", 0, start) + 1
        try:
            block = load_yaml(body[match.start(2) - 1:match.end(2) - 1].replace("\r\n", "\n"), file, first_line=first)
        except SourceError as error:  # (Pandoc refuses it too)
            raise SourceError([dataclasses.replace(p, message=f"a metadata block in the text (a line '---', then "
                                                   f"'field:'): {p.message}", hint=f"{p.hint}; or, if this is a rule "
                                                   "and a paragraph, leave a blank line after the '---'")
                               for p in error.problems]) from None
        if isinstance(block.data, dict) or block.data is None:  # (None: comments only, no fields)
            if block.data:  # (a rule, a paragraph "Примечание: ...", a rule: read as fields, not printed: QA 23)
                block.said.append(Problem(file, "a metadata block in the text (a line '---', then 'field:'): its "
                                          f"fields ({', '.join(map(str, block.data))}) are read as front matter, "
                                          "over any given before, and not printed", line=first - 1,
                                          hint="if it is a rule and a paragraph, leave a blank line after the "
                                               "'---'"))
            blocks += [block] if block.data is not None else []
            body = body[:start] + re.sub(r"[^\n]", "", body[start:end]) + body[end:]
    return body, blocks[::-1]


def split_front_matter(text: str, file: str, chapter: bool = False) -> tuple[str, int, str, int]:
    """Split the front matter from the Markdown body: `---` YAML `---`, or
    Pandoc's title block (`% title`, `% authors`, `% date` lines).

    Returns the front matter as YAML, the file's line it starts on, the body,
    and the line the body starts on. Blank lines before the `---` are allowed
    (Pandoc reads a metadata block after a blank line); a file whose metadata
    block comes later (a thesis's chapters joined before their metadata.yml, as
    its Makefile gives them to Pandoc) has no front matter of its own, its
    block read where it is; nor has a text that opens with its `# Title`: a
    Quarto book's chapter (`chapter`: a _quarto.yml is there), a Pandoc document
    whose only level-1 heading that is (its sections `##`; one whose `#` marks
    its sections, `# Introduction`, `# Methods`, has no title).
    """
    lines = text.splitlines(keepends=True)
    if lines and lines[0].startswith("%"):
        return _title_block(lines)
    blank = next((n for n, line in enumerate(lines) if line.strip()), len(lines))
    if 0 < blank < len(lines) and lines[blank].rstrip() == "---":
        yaml, yaml_line, body, body_line = split_front_matter("".join(lines[blank:]), file, chapter)
        return yaml, yaml_line + blank, body, body_line + blank
    if (not lines or lines[0].rstrip() != "---") and _YAML_BLOCK.search("\n\n" + text):
        return "", 1, text, 1  # (its fields in a metadata block further on, as Pandoc reads them: metadata_blocks())
    heading = re.match(r"# +(\S.*?)[ \t#]*(?:\{[^}\n]*\}[ \t]*)?$", lines[blank]) if blank < len(lines) else None
    other = level_one_after("".join(lines[blank + 1:]), file, blank + 2) if heading and not chapter else None
    if heading and other is None:
        return "", 1, text, 1  # (its heading the title: project.py; its fields a _quarto.yml's, if any)
    if not lines or lines[0].rstrip() != "---":
        fields = "begin the file with a line '---', then the fields (title: ...), then a line '---'"
        raise SourceError([Problem(
            file, "the file does not start with front matter", line=1,
            hint=f"{fields} (or Pandoc's title block: % Title); or, for '{heading.group(1)}' to be its title, make "
                 f"its sections '## ...' (line {other} is a level-1 heading too)" if heading else
                 f"{fields}; or with its title as a heading, a first line '# Title' (or Pandoc's title block: % Title)",
        )])
    for number, line in enumerate(lines[1:], start=2):
        if line.rstrip() in ("---", "..."):
            return "".join(lines[1:number - 1]), 2, "".join(lines[number:]), number + 1
    raise SourceError([Problem(
        file, "the front matter is never closed", line=1,
        hint="end the front matter with a line '---' before the article text",
    )])


# A level-1 heading with text (an empty one is left out): `# Methods`, or a line over a line of `=`.
_LEVEL_ONE = re.compile(r"^#[ \t]+[^\s{]|^[^\n]*\S[^\n]*\n[ ]{0,3}=+[ \t]*$", re.M)


def level_one_after(text: str, file: str, first_line: int) -> int | None:
    """The line of the first level-1 heading in `text` (the file's from
    `first_line`), not in code (a Python comment, `# ...`, is none), or None."""
    return Source(text, file, first_line).first(_LEVEL_ONE)


def _title_block(lines: list[str]) -> tuple[str, int, str, int]:
    """Pandoc's title block as YAML, a line for a line: `% title`, then `% authors`
    (separated by ;), then `% date`; a line starting with a space continues the
    one before, as one more author on the authors' line (Pandoc's manual,
    "Metadata blocks: Extension pandoc_title_block", and Pandoc 3.9 read so)."""
    fields: list[str] = []
    count = 0
    for line in lines:
        if line.startswith("%"):
            fields.append(line[1:].strip())
        elif line.startswith((" ", "\t")) and fields and line.strip():  # (an author's line: one more author)
            fields[-1] += ("; " if len(fields) == 2 else " ") + line.strip()
        else:
            break
        count += 1
    keys = ("title", "author", "date")
    yaml_lines = []
    for key, value in zip(keys, fields):
        if not value:
            yaml_lines.append("")
        elif key == "author":
            names = [n.strip() for n in value.split(";") if n.strip()]
            yaml_lines.append("author: [" + ", ".join(_quoted(n) for n in names) + "]")
        else:
            yaml_lines.append(f"{key}: {_quoted(value)}")
    yaml_lines += [""] * (count - len(yaml_lines))  # (continuation lines: the line numbers stay the file's)
    return "\n".join(yaml_lines) + "\n", 1, "".join(lines[count:]), count + 1


def _quoted(text: str) -> str:
    import json

    return json.dumps(text, ensure_ascii=False)  # (a JSON string is a YAML string)


class _Loader(yaml.SafeLoader):
    """SafeLoader that reads plain values the way YAML 1.2 does.

    YAML 1.1, which PyYAML follows, turns `NO` (Norway) and `on` into booleans,
    `010` into 8 and `1:30` into 90. Here only true/false are booleans and only
    decimal digits are integers. Dates stay as written: source/project.py checks them and
    can say where an impossible one (2019-02-30) is.
    """


_DROPPED = {"tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int",
            "tag:yaml.org,2002:value"}  # ("=" alone: text, not YAML 1.1's value key)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in _DROPPED]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_Loader.add_implicit_resolver("tag:yaml.org,2002:int", re.compile(r"^[-+]?[0-9]+$"), list("-+0123456789"))
_Loader.add_constructor("tag:yaml.org,2002:int", lambda loader, node: int(loader.construct_scalar(node), 10))


if hasattr(yaml, "CSafeLoader"):  # PyYAML built with libyaml: its parser is ten times faster
    class _FastLoader(yaml.CSafeLoader):
        """The same reading of plain values, with libyaml's parser."""

    _FastLoader.yaml_implicit_resolvers = _Loader.yaml_implicit_resolvers
    _FastLoader.yaml_constructors = _Loader.yaml_constructors
else:
    _FastLoader = None


def _compose(text: str) -> tuple[yaml.SafeLoader, yaml.Node | None]:
    """The document's nodes, and the loader to construct them with. A document
    libyaml cannot parse is parsed again by PyYAML's own parser, whose
    messages say more (and raise its error)."""
    for parser in (_Loader,) if _FastLoader is None else (_FastLoader, _Loader):
        loader = parser(text)
        try:
            return loader, loader.get_single_node()
        except yaml.YAMLError:
            loader.dispose()
            if parser is _Loader:  # (PyYAML's own error: the one told)
                raise


# Characters XML cannot carry: C0 controls but tab and line ends, U+FFFE and U+FFFF.
UNPUBLISHABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def load_yaml(text: str, file: str, first_line: int = 1, most: int = MAX_NODES,
              what: str = "front matter") -> Located:
    """Parse YAML text that starts on `first_line` of `file`, of at most `most`
    values (`what` it is, for the message: a bibliography has more)."""
    offset = first_line - 1
    loader = None
    said: list[Problem] = []
    read = text  # (the text composed: its indentation made spaces, if that is why YAML refused it)
    try:
        try:
            try:
                loader, node = _compose(text)
            except yaml.MarkedYAMLError as error:
                read = indented_otherwise(text, error, file, offset, said)
                loader, node = _compose(read)
        except yaml.MarkedYAMLError as error:
            raise SourceError([explain(error, read, file, offset)])
        except yaml.YAMLError as error:
            raise SourceError([Problem(file, f"this is not valid YAML: {error}")])
        if node is not None and read is text and has_odd_space(text) and odd_key(node) \
                and odd_indented(text.split("\n")):
            # (no-break spaces before a field at the left margin: a field named " orcid", in silence)
            try:
                read = indented_otherwise(text, None, file, offset, said)
                loader.dispose()
                loader = None
                loader, node = _compose(read)
            except yaml.MarkedYAMLError as error:
                raise SourceError([explain(error, read, file, offset)])
        if node is None:
            return Located(file, {}, {(): first_line}, said=said)
        located = Located(file, None, {}, said=said)
        problems: list[Problem] = []
        _walk(node, (), located, problems, offset, _Count(0, most, what))
        if problems:
            raise SourceError(problems)
        said += _cut_by_comments(node, read.split("\n"), file, offset)
        try:
            data = loader.construct_document(node)
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark
            raise SourceError([Problem(
                file, f"this value cannot be read: {error.problem}",
                line=mark.line + 1 + offset if mark else None,
            )])
        located.data = _plain(data)
        return located
    finally:
        if loader is not None:
            loader.dispose()


def _cut_by_comments(node: yaml.Node, lines: list[str], file: str, offset: int) -> list[Problem]:
    """A value without quotes that a ` #` cut short: YAML reads the rest of the line
    as a comment ("title: Issue #5 of the journal" is "Issue", in silence: QA 23).
    A comment meant as one has a space after its # (`keep-tex: true # for now`)."""
    found, stack = [], [node]
    while stack:
        each = stack.pop()
        if isinstance(each, yaml.ScalarNode):
            end = each.end_mark
            rest = lines[end.line][end.column:] if not each.style and end.line < len(lines) else ""
            if (cut := _CUT.match(rest)) and each.value:
                found.append(Problem(file, f"YAML reads '{cut.group(1)}...' after the value '{each.value}' as a "
                                     "comment, and leaves it out", line=end.line + 1 + offset,
                                     hint="if it is part of the value, put the value in quotes: "
                                          f"\"{each.value} {lines[end.line][end.column:].strip()}\""))
        elif isinstance(each, yaml.SequenceNode):
            stack += each.value
        elif isinstance(each, yaml.MappingNode):
            stack += [part for pair in each.value for part in pair]
    return sorted(found, key=lambda p: p.line or 0)


_CUT = re.compile(r"[ \t]+(#[^\s#][^\n]{0,20})")


@dataclass
class _Count:
    seen: int
    most: int
    what: str


def _walk(node: yaml.Node, path: Path_, located: Located, problems: list[Problem],
          offset: int, count: _Count) -> None:
    count.seen += 1
    line = node.start_mark.line + 1 + offset
    if count.seen > count.most or len(path) > MAX_DEPTH:
        if count.seen == count.most + 1 or len(path) == MAX_DEPTH + 1:
            problems.append(Problem(
                located.file, "the YAML is too large or too deeply nested (are aliases expanding it?)", line=line,
                hint=f"{count.what} is limited to {count.most:,} values and {MAX_DEPTH} levels",
            ))
        raise SourceError(problems)
    located.lines.setdefault(path, line)
    if node.tag not in _PLAIN_TAGS:
        problems.append(_tag_problem(node, path, located.file, offset))
        return
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            at = key_node.start_mark.line + 1 + offset
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                comment = isinstance(key_node, yaml.SequenceNode) and value_node.tag.endswith(":null")
                problems.append(Problem(located.file, "field names must be plain text", line=at,
                                        field=format_path(path) or None,
                                        hint="a Markdown comment ([//]: # (...)) is not one in YAML: write the "
                                             "line as '# ...'" if comment else None))
                continue
            key = key_node.value
            if key in seen:
                problems.append(Problem(
                    located.file, f"field '{key}' is given twice (first on line {seen[key]})",
                    line=at, field=format_path(path) or None, hint="keep one of them",
                ))
            seen[key] = at
            located.lines[path + (key,)] = at
            _walk(value_node, path + (key,), located, problems, offset, count)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _walk(item, path + (index,), located, problems, offset, count)
    elif isinstance(node, yaml.ScalarNode):
        if _SURROGATE.search(node.value):
            node.value = _paired(node.value)  # (YAML's "\ud83d\ude00" is one character, as in JSON)
        located.scalars[path] = (line, node.style or "", node.value)
        lone = _SURROGATE.search(node.value)
        if lone:  # (written as an escape: UTF-8 cannot carry it, so no file can)
            problems.append(Problem(
                located.file, f"'\\u{ord(lone.group()):04x}' is half of a character (a lone UTF-16 surrogate) "
                              "and cannot be published", line=line, field=format_path(path) or None,
                hint="write the character itself, or both halves of its escape (\\ud83d\\ude00)"))
        escaped = _TEX_ESCAPED.search(node.value) if node.style == '"' else None
        if escaped:  # ("\textit{...}", "$\theta$" in double quotes: a tab and "extit", QA 23)
            command = next(k for k, v in _ESCAPES.items() if v == escaped.group()[0]) + escaped.group()[1:]
            problems.append(Problem(
                located.file, f"in double quotes YAML reads '\\{command}' as an escape: the value loses the "
                              "backslash of its TeX command", line=line, field=format_path(path) or None,
                hint="write the value in single quotes ('... \\textit{...} ...'), where a backslash is a "
                     "backslash, or double each backslash in double quotes"))
            return
        found = UNPUBLISHABLE.search(node.value)
        if found:  # written as an escape ("\e", "\x1b"), else the file's own check finds it
            problems.append(Problem(
                located.file, f"the control character U+{ord(found.group()):04X} cannot be published", line=line,
                field=format_path(path) or None, hint="delete it (or its escape) from the value",
            ))


# The tags a value may be given (`!!str 2024` keeps a number as text); any other
# (`!!python/object`, `!!binary`, `!!timestamp`, a local `!tag`) is refused at its field.
_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map"))
_SURROGATE = re.compile("[\ud800-\udfff]")
# What YAML makes of \t \n \r \b \f \v \a \e in double quotes: followed by a letter,
# a TeX command (\textit, \theta, \nu, \rho, \beta, \frac, \varepsilon, \alpha, \emph)
_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "a": "\a", "e": "\x1b"}
_TEX_ESCAPED = re.compile(f"[{''.join(_ESCAPES.values())}][A-Za-z]+")


def _tag_problem(node: yaml.Node, path: Path_, file: str, offset: int) -> Problem:
    tag = node.tag.replace("tag:yaml.org,2002:", "!!", 1)
    field = format_path(path) or None
    example = f"{field}: " if field and not field.endswith("]") else "- "
    return Problem(file, f"the YAML tag {tag} is not something Imprint reads: a value is text, a number, "
                         "true/false, a list or a set of fields", line=node.start_mark.line + 1 + offset,
                   field=field, hint=f"remove the tag and write the value itself ({example}My value); a text "
                                     f"that starts with '!' goes in quotes ({example}\"!...\")")


def _paired(text: str) -> str:
    """Surrogate pairs (two halves written as escapes) made the characters they
    stand for; a lone half stays (and is reported)."""
    return re.sub("[\ud800-\udbff][\udc00-\udfff]",
                  lambda m: m.group().encode("utf-16-le", "surrogatepass").decode("utf-16-le"), text)


MAX_WORD = 100  # characters between two spaces in a title (a dictionary's longest words have about 45)
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")  # (Markdown's [text](url): the URL is not set as text)
_LONG_WORD = re.compile(r"\S{%d,}" % (MAX_WORD + 1))


def long_words(located: Located, fields: tuple[str, ...]) -> list[Problem]:
    """A problem for each of the `fields` (titles) that holds a word longer than
    MAX_WORD: it cannot be broken across lines, so it would run off the printed
    page (and off the cover); no title has one but by a mistake (text pasted
    without its spaces, an encoded file)."""
    problems = []
    for name in fields:
        value = located.data.get(name) if isinstance(located.data, dict) else None
        word = _LONG_WORD.search(_LINK_TARGET.sub("]", value)) if isinstance(value, str) else None
        if word:
            problems.append(Problem(located.file_of((name,)), f"a word of {len(word.group()):,} characters "
                                    f"('{word.group()[:20]}...') is longer than a title's can be "
                                    f"({MAX_WORD}): it cannot be broken across lines",
                                    line=located.line_of((name,)), field=name,
                                    hint="put the spaces back, or shorten it"))
    return problems


def _plain(value: Any) -> Any:
    """JSON-like values only: keys become strings."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
