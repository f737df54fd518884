"""YAML's mistakes an editor makes: indentation of tabs or of no-break spaces, read
as meant, with a warning; syntax errors in the editor's words, told at the
mistake, not where the parser gave up.

PyYAML says where it could go no further, in its own terms: a quote left open on
line 6 is "expected <block end>, but found '<scalar>'" on line 51, where a later
quote happens to close it; a field written among a list's items is "found '?'"
(its token for a key). Here the error is read again beside the text: a quote is
told where it opened, the tokens in plain words, each case with its own hint
(QA 23 F14); so are the typographic quotes of a word processor and indentation
with its no-break spaces (F21).
"""

from __future__ import annotations

import re
import unicodedata
from contextlib import suppress

import yaml

from ..errors import Problem

# The spaces other than the ASCII one that a word processor or a web page puts in
# a text: YAML reads them as text, never as indentation.
_UNICODE_SPACES = "\u00a0\u2000-\u200a\u202f\u205f\u3000"
_ODD_INDENT = re.compile(f"^[ \\t{_UNICODE_SPACES}]*[{_UNICODE_SPACES}][ \\t{_UNICODE_SPACES}]*")
_ODD_SPACE = re.compile(f"[{_UNICODE_SPACES}]")


def has_odd_space(text: str) -> bool:
    return _ODD_SPACE.search(text) is not None


def odd_indented(lines: list[str]) -> list[int]:
    """The indexes of the lines indented with (or with some) Unicode spaces."""
    return [n for n, line in enumerate(lines) if _ODD_INDENT.match(line)]


def _with_plain_indentation(line: str) -> str:
    """The line with each Unicode space of its indentation an ordinary space."""
    return _ODD_INDENT.sub(lambda m: _ODD_SPACE.sub(" ", m.group()), line)


def _odd_indentation_said(lines: list[str], indented: list[int]) -> str:
    """What the spaces of the first such line are: "no-break spaces (U+00A0)"."""
    chars = dict.fromkeys(_ODD_SPACE.findall(_ODD_INDENT.match(lines[indented[0]]).group()))
    return ", ".join(f"{unicodedata.name(c).lower()}s (U+{ord(c):04X})" for c in chars)


_TABBED = re.compile(r"^[ \t]*\t[ \t]*")  # (a line's indentation, with a tab in it)


def indented_otherwise(text: str, error: yaml.MarkedYAMLError | None, file: str, offset: int,
                       said: list[Problem]) -> str:
    """A text YAML refused (with `error`, raised again if this is not why), or read
    with a field whose name starts with Unicode spaces (`error` None), with its
    indentation of tabs or of Unicode spaces made spaces, and a warning for each
    in `said`. A template's tabs: YAML forbids them, Pandoc reads each as spaces to
    the next multiple of 4, its tab stop. A word processor's or a web page's
    no-break spaces: YAML reads them as text (QA 23 F21)."""
    lines = text.split("\n")
    tabbed = [n for n, line in enumerate(lines) if _TABBED.match(line)] \
        if error is not None and "'\\t'" in str(error.problem) else []
    spaced = odd_indented(lines)
    if not tabbed and not spaced:
        raise error
    if tabbed:
        lines = [_TABBED.sub(lambda m: m.group().expandtabs(4), line) for line in lines]
        said.append(Problem(file, "indented with tabs, which YAML does not allow: each is read as spaces "
                                  "up to the next multiple of 4, as Pandoc reads it",
                            line=tabbed[0] + 1 + offset, hint="indent with spaces"))
    if spaced:
        more = len(spaced) - 1
        said.append(Problem(file, f"indented with {_odd_indentation_said(lines, spaced)}, which YAML reads as "
                                  "text, not as indentation: each is read as a space"
                                  + (f" (here and on {more} more line{'s' if more > 1 else ''})" if more else ""),
                            line=spaced[0] + 1 + offset, hint="indent with ordinary spaces"))
        lines = [_with_plain_indentation(line) for line in lines]
    return "\n".join(lines)


def odd_key(node: yaml.Node) -> bool:
    """Whether a field's name starts with a Unicode space (indentation YAML read as text)."""
    stack = [node]
    while stack:
        each = stack.pop()
        if isinstance(each, yaml.MappingNode):
            if any(isinstance(key, yaml.ScalarNode) and odd_indented([key.value]) for key, _ in each.value):
                return True
            stack += [value for _, value in each.value]
        elif isinstance(each, yaml.SequenceNode):
            stack += each.value
    return False


# Opening typographic quotes, and the pair each begins (English, Russian and German,
# French, Swedish, single).
_TYPOGRAPHIC = {"“": "“ ”", "«": "« »", "„": "„ “", "‘": "‘ ’", "‚": "‚ ‘", "‹": "‹ ›", "”": "” ”", "»": "» «"}
# A line of a field or a list item: its indentation and dash, its key and the value.
_LINE = re.compile(r"^(?P<lead>\s*(?:-\s+)*)(?:(?P<key>[^\s:#'\"\[{][^:#]*?):(?:\s+|$))?(?P<value>(?:.*\S)?)\s*$")  # (no lazy value before \s*$: quadratic in a run of spaces)
# A line whose quoted value has text after its closing quote: `title: ""Onegin" as..."`
_QUOTED_THEN_MORE = re.compile(r"""^\s*(?:-\s+)?[^:#'"]+:\s+(["'])(?:(?!\1).)*\1\s*[^\s#,\]}].*$""")
# A line of YAML structure inside a quoted value: the value swallowed the fields after it.
_STRUCTURE = re.compile(r"\n[ \t]*(?:-[ \t]+|[\w-]+:(?:[ \t]|$))", re.M)
_GENERIC_HINT = "check the indentation and quote values that contain ': ' or start with a special character"


def explain(error: yaml.MarkedYAMLError, text: str, file: str, offset: int) -> Problem:
    """The problem of a YAML text that does not parse, at the line of the mistake
    (`offset`: the lines of the file before the text's first)."""
    lines = text.split("\n")
    mark = error.problem_mark or error.context_mark
    for reading in (_typographic_quotes, _quote_left_open, _value_cannot_start, _colon_in_value, _no_colon,
                    _stray_text, _out_of_place, _unclosed_brackets):
        found = reading(error, lines, text, offset)
        if found:
            message, (line, column), hint = found
            return Problem(file, f"this is not valid YAML: {message}", line=line + 1 + offset, column=column + 1,
                           hint=hint)
    message = _plain_words(error.problem or error.context)
    if error.context and error.context_mark and error.problem:
        message = (f"{_CONTEXTS.get(error.context, error.context)} that starts on line "
                   f"{error.context_mark.line + 1 + offset}, {message}")
    return Problem(file, f"this is not valid YAML: {message}",
                   line=mark.line + 1 + offset if mark else None, column=mark.column + 1 if mark else None,
                   hint=_GENERIC_HINT)


Found = tuple[str, tuple[int, int], str] | None  # message, (line, column) from 0, hint


def _typographic_quotes(error: yaml.MarkedYAMLError, lines: list[str], text: str, offset: int) -> Found:
    """`title: “Khalkhin-Gol: ...”` (a word processor's quotes): quoted, to the
    editor's eyes, and ': ' inside it is a second key to YAML's."""
    mark = error.problem_mark
    parts = _LINE.match(lines[mark.line]) if mark and mark.line < len(lines) else None
    value = parts["value"] if parts else ""
    if not value or value[0] not in _TYPOGRAPHIC:
        return None
    # (quoting a part only, “Халхин-Гол: война” и мир, they stay inside the straight ones)
    inner = value[1:-1] if len(value) > 1 and value[-1] in "”»“’‘›«" else value
    return (f"{_TYPOGRAPHIC[value[0]]} are typographic quotes: YAML needs straight quotes \" or '",
            (mark.line, len(parts["lead"]) + (len(parts["key"]) + 2 if parts["key"] else 0)),
            f"write the value in straight quotes ({_requoted(parts, inner)}); typographic quotes inside them "
            "are printed as they are")


def _quote_left_open(error: yaml.MarkedYAMLError, lines: list[str], text: str, offset: int) -> Found:
    """A quote that is not closed on its line: closed by the next quote of its kind,
    many lines on, or never."""
    if error.context == "while scanning a quoted scalar" and error.context_mark is not None:
        opened = error.context_mark
        return (f"the quote {text[opened.index]} opened here is never closed", (opened.line, opened.column),
                f"close it on its line: {_closed(lines[opened.line], text[opened.index])}")
    mark = error.problem_mark
    if not isinstance(error, yaml.parser.ParserError) or mark is None:
        return None
    quoted = next((t for t in reversed(_tokens(text, mark.index)) if isinstance(t, yaml.ScalarToken)), None)
    if quoted is None or quoted.style not in ('"', "'") or quoted.end_mark.line != mark.line \
            or quoted.start_mark.line == mark.line \
            or not _STRUCTURE.search(text[quoted.start_mark.index:quoted.end_mark.index]):
        return None
    opened, quote = quoted.start_mark, text[quoted.start_mark.index]
    return (f"the quote {quote} opened here is closed only on line {mark.line + 1 + offset}, "
            "so the lines between are read as its text", (opened.line, opened.column),
            f"close it on its line: {_closed(lines[opened.line], quote)}")


def _value_cannot_start(error: yaml.MarkedYAMLError, lines: list[str], text: str, offset: int) -> Found:
    """`nocite: @a`, `title: *x`: characters YAML keeps for itself at a value's start."""
    problem = str(error.problem or "")
    char = re.match(r"found character '(.)' that cannot start any token", problem)
    alias = problem.startswith("found undefined alias")
    mark = error.problem_mark
    if not (char or alias) or mark is None or mark.line >= len(lines) or char and char[1] == "\t":
        return None
    first = char[1] if char else "*"
    meaning = " (YAML's reference to an '&' anchor)" if alias else " (YAML keeps it for itself)"
    parts = _LINE.match(lines[mark.line])
    return (f"a value cannot start with '{first}' without quotes{meaning}", (mark.line, mark.column),
            f"put the value in quotes: {_requoted(parts, parts['value'])}")


def _colon_in_value(error: yaml.MarkedYAMLError, lines: list[str], text: str, offset: int) -> Found:
    """"mapping values are not allowed here": a ': ' in a value without quotes, or
    a field that YAML reads as the rest of the value before it."""
    mark = error.problem_mark
    if error.problem != "mapping values are not allowed here" or mark is None:
        return None
    value = next((t for t in reversed(_tokens(text, mark.index)) if isinstance(t, yaml.ScalarToken)), None)
    if value is not None and not value.style and value.start_mark.line < mark.line:
        began = value.start_mark.line
        spaceless = re.match(r"^\s*(?:-\s+)?[\w-]+:\S", lines[began])
        fieldless = not re.match(r"^\s*(?:-(?:\s|$)|[^\s:#][^:#]*:(?:\s|$))", lines[began])
        return (f"this line is read as part of the value begun on line {began + 1 + offset}, and a "
                "value without quotes cannot hold ': '", (mark.line, mark.column),
                f"put a space after the ':' on line {began + 1 + offset}" if spaceless else
                f"line {began + 1 + offset} is neither a field (key: value) nor a comment: put '# ' before a "
                "comment" if fieldless else
                f"if it is a field, indent it as the field of line {began + 1 + offset}; if it is part "
                "of that value, put the value in quotes")
    parts = _LINE.match(lines[mark.line]) if mark.line < len(lines) else None
    if not parts or not parts["key"]:
        return None
    return ("a ': ' inside a value without quotes (YAML reads what is before it as a field name)",
            (mark.line, mark.column), f"put the value in quotes: {_requoted(parts, parts['value'])}")


# What PyYAML's parser found, in plain words.
_FOUND = {"<scalar>": "text", "?": "a field (key: value)", "-": "a list item ('- ...')",
          "<block mapping start>": "a field", "<block sequence start>": "a list item ('- ...')",
          ":": "a ':'", ",": "a ','", "[": "a '['", "{": "a '{'", "]": "a ']'", "}": "a '}'",
          "<anchor>": "an anchor (&...)", "<alias>": "an alias (*...)", "<tag>": "a tag (!...)",
          "<document start>": "a line '---'", "<document end>": "a line '...'", "<stream end>": "the end"}


def _out_of_place(error: yaml.MarkedYAMLError, lines: list[str], text: str, offset: int) -> Found:
    """"while parsing a block mapping / collection ..., expected <block end>, but
    found X": something where the fields (or the items) of a level go on."""
    found = re.fullmatch(r"expected <block end>, but found '(.+)'", str(error.problem or ""))
    mark, start = error.problem_mark, error.context_mark
    if not found or mark is None or start is None or mark.line >= len(lines):
        return None
    token, where = found[1], (mark.line, mark.column)
    began = start.line + 1 + offset
    if error.context == "while parsing a block collection":  # (a list)
        holder = _holder(lines, start.line, start.column)
        if token in ("?", "<block mapping start>"):
            return (f"a field (key: value) where a list item ('- ...') was expected: the list begins on line "
                    f"{began}", where, "a field after a list starts where the field that holds the list starts"
                    + (f" ({holder}:)" if holder else "") + "; an item of the list starts with '- '")
        return (f"{_FOUND.get(token, token)} where a list item ('- ...') was expected: the list begins on line "
                f"{began}", where, "start each item of the list with '- ', indented alike")
    if error.context != "while parsing a block mapping":
        return None
    if token == "<scalar>":
        quoted = _QUOTED_THEN_MORE.match(lines[mark.line])
        if quoted:
            return ("text after the value's closing quote", where,
                    f"a value in {quoted[1]}...{quoted[1]} ends at its next {quoted[1]}: put the value in the other "
                    "quotes, or write the quotation marks the text should print («...», “...”)")
        parts = _LINE.match(lines[mark.line])
        if parts and parts["value"][:1] in ("[", "{"):
            opening = parts["value"][0]
            close, kind = ("]", "list") if opening == "[" else ("}", "set of fields")
            return (f"text after the value's closing '{close}': a value that starts with '{opening}' is read as a "
                    f"{kind}", where, f"put the value in quotes: {_requoted(parts, parts['value'])}")
        return ("text where a field (key: value) was expected", where, _GENERIC_HINT)
    if token == "-":
        return ("a list item ('- ...') where a field (key: value) was expected", where,
                "a list goes under its field (keywords:), each item on a line of its own, indented alike")
    if token == "<block sequence start>":
        return ("this list item is indented differently from the items before it", where,
                "indent the items of a list alike, with the same number of spaces")
    if token == "<block mapping start>":
        return ("this field is indented less than the fields before it, and more than the field that holds them",
                where, "indent the fields of one level alike, with the same number of spaces")
    return f"{_FOUND.get(token, token)} where a field (key: value) was expected", where, _GENERIC_HINT


def _stray_text(error: yaml.MarkedYAMLError, lines: list[str], text: str, offset: int) -> Found:
    """"expected '<document start>', but found ...": fields after a text that is no
    field (a comment that lost its '#'), which YAML read as the whole document."""
    if not str(error.problem or "").startswith("expected '<document start>'"):
        return None
    first = next((n for n, line in enumerate(lines) if line.strip() and not line.lstrip().startswith("#")), None)
    if first is None:
        return None
    return ("this line is neither a field (key: value) nor a comment ('# ...')", (first, 0),
            "put '# ' before a comment; write a field as key: value")


def _no_colon(error: yaml.MarkedYAMLError, lines: list[str], text: str, offset: int) -> Found:
    """"while scanning a simple key ..., could not find expected ':'": a line that
    goes on the value before it at its field's indentation, or a field without
    its ':'."""
    start = error.context_mark
    if error.context != "while scanning a simple key" or start is None or start.line >= len(lines):
        return None
    return ("this line is neither a field (key: value) nor a list item ('- ...')", (start.line, start.column),
            "if it goes on the value of the line before, indent it more than that value's field; if it is a "
            "field, put ': ' after its name")


def _unclosed_brackets(error: yaml.MarkedYAMLError, lines: list[str], text: str, offset: int) -> Found:
    """`keywords: [a, b` (no `]`), or two values of [...] without a ',' between."""
    found = re.fullmatch(r"expected ',' or '([\]}])', but got '(.+)'", str(error.problem or ""))
    mark, start = error.problem_mark, error.context_mark
    if not found or mark is None or start is None:
        return None
    close = found[1]
    kind, opening = ("list", "[") if close == "]" else ("set of fields", "{")
    if mark.line > start.line:
        return (f"the {kind} '{opening}' opened here is not closed with '{close}' on its line",
                (start.line, start.column), f"close it with '{close}' (a value that starts with '{opening}' "
                                            "goes in quotes)")
    return (f"{_FOUND.get(found[2], found[2])} in the {kind} {opening}...{close} where a ',' or its '{close}' was "
            "expected", (mark.line, mark.column), f"separate its values with ',' (a value that holds ',', "
                                                  f"'{close}' or ': ' goes in quotes)")


def _holder(lines: list[str], line: int, column: int) -> str | None:
    """The key of the field that holds the list whose first item is at (line, column)."""
    for before in range(line - 1, -1, -1):
        text = lines[before]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        indent = len(text) - len(text.lstrip())
        key = re.match(r"^\s*(?:-\s+)?([^\s:#][^:#]*):\s*(?:#.*)?$", text)
        if indent <= column:
            return key[1] if key else None
    return None


def _tokens(text: str, before: int) -> list[yaml.Token]:
    """The tokens of `text` that end before the index `before` (as far as it scans)."""
    found = []
    with suppress(yaml.YAMLError):
        for token in yaml.scan(text, Loader=yaml.SafeLoader):
            if token.end_mark.index > before:
                break
            found.append(token)
    return found


def _closed(line: str, quote: str) -> str:
    """The line with its quote closed at its end (shortened to be shown)."""
    text = line.strip()
    return (text if len(text) <= 70 else text[:66].rsplit(" ", 1)[0] + " ...") + quote


def _requoted(parts: re.Match | None, value: str) -> str:
    """The line's field with `value` in straight quotes: title: "Khalkhin-Gol: ..."."""
    shown = value if len(value) <= 50 else value[:46].rsplit(" ", 1)[0] + " ..."
    quote = "'" if '"' in shown and "'" not in shown else '"'
    key = f"{parts['key']}: " if parts and parts["key"] else ("- " if parts and "-" in parts["lead"] else "")
    return f"{key}{quote}{shown}{quote}"


# PyYAML's contexts, as a message no case above explains names them.
_CONTEXTS = {"while parsing a block mapping": "in the set of fields", "while parsing a block collection": "in the list",
             "while parsing a flow sequence": "in the list [...]", "while parsing a flow mapping": "in the set of "
             "fields {...}", "while parsing a block node": "in the value", "while parsing a flow node": "in the value"}


def _plain_words(message: str) -> str:
    """PyYAML's tokens in plain words, in a message no case above explains."""
    message = message.replace("expected <block end>", "expected the end of an indented level")
    return re.sub(r"'(<[a-z ]+>|[?\-:,\[\]{}])'", lambda m: _FOUND.get(m[1], m[0]), message)
