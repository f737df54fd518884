"""BibTeX and BibLaTeX files to CSL-JSON records.

A small parser of its own: citeproc-py's maps @incollection to a journal article
and ignores BibLaTeX fields. It keeps the line of every entry for messages,
expands @string macros and `#` concatenation, decodes the common LaTeX accents
and escapes to Unicode, and reads names with names.parse_name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .errors import Problem
from .names import parse_name
from .values import normalise_doi, parse_date

MONTH_MACROS = {m: str(i) for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}

TYPES = {
    "article": "article-journal", "book": "book", "mvbook": "book", "booklet": "pamphlet",
    "inbook": "chapter", "bookinbook": "chapter", "incollection": "chapter", "suppbook": "chapter",
    "inproceedings": "paper-conference", "conference": "paper-conference", "proceedings": "book",
    "mvproceedings": "book", "collection": "book", "mvcollection": "book", "manual": "book",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis", "techreport": "report",
    "report": "report", "unpublished": "manuscript", "misc": "document", "online": "webpage",
    "www": "webpage", "electronic": "webpage", "patent": "patent", "periodical": "periodical",
    "dataset": "dataset", "software": "software", "inreference": "entry-encyclopedia",
    "reference": "book", "letter": "personal_communication", "review": "review",
}
# BibLaTeX language names to BCP 47.
LANGUAGES = {"english": "en", "american": "en-US", "british": "en-GB", "russian": "ru", "german": "de",
             "ngerman": "de", "french": "fr", "spanish": "es", "italian": "it", "ukrainian": "uk",
             "polish": "pl", "mongolian": "mn", "chinese": "zh", "japanese": "ja", "kazakh": "kk"}
ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
           ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
           "r": "\u030a", "d": "\u0323", "b": "\u0331"}
LETTERS = {"aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "o": "ø", "O": "Ø",
           "ss": "ß", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "textendash": "–", "textemdash": "—",
           "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”",
           "ldots": "…", "dots": "…", "textellipsis": "…", "S": "§", "P": "¶", "copyright": "©",
           "textregistered": "®", "texttrademark": "™", "euro": "€", "pounds": "£", "textdegree": "°"}
# Greek letters, as they appear in titles' inline math ($\alpha$-particles).
LETTERS.update({name: chr(code) for name, code in (
    ("alpha", 0x3B1), ("beta", 0x3B2), ("gamma", 0x3B3), ("delta", 0x3B4), ("epsilon", 0x3B5),
    ("zeta", 0x3B6), ("eta", 0x3B7), ("theta", 0x3B8), ("iota", 0x3B9), ("kappa", 0x3BA), ("lambda", 0x3BB),
    ("mu", 0x3BC), ("nu", 0x3BD), ("xi", 0x3BE), ("pi", 0x3C0), ("rho", 0x3C1), ("sigma", 0x3C3),
    ("tau", 0x3C4), ("upsilon", 0x3C5), ("phi", 0x3C6), ("chi", 0x3C7), ("psi", 0x3C8), ("omega", 0x3C9),
    ("Gamma", 0x393), ("Delta", 0x394), ("Theta", 0x398), ("Lambda", 0x39B), ("Xi", 0x39E), ("Pi", 0x3A0),
    ("Sigma", 0x3A3), ("Phi", 0x3A6), ("Psi", 0x3A8), ("Omega", 0x3A9))})


@dataclass(frozen=True)
class Entry:
    key: str
    type: str
    fields: dict[str, str]  # raw LaTeX
    line: int


class BibTeXError(ValueError):
    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.line = line


def parse(text: str, file: str) -> tuple[list[Entry], list[Problem]]:
    """All entries of a .bib file, and the problems found on the way."""
    parser = _Parser(text)
    entries, problems = [], []
    while True:
        try:
            entry = parser.next_entry()
        except BibTeXError as error:
            problems.append(Problem(file, f"this BibTeX cannot be read: {error}", line=error.line,
                                    hint="check the braces and quotes of the entry"))
            if not parser.skip_to_next_entry():
                break
            continue
        if entry is None:
            break
        entries.append(entry)
    return _inherit_crossrefs(entries), problems


# What a child entry takes from its `crossref` parent (BibLaTeX's default data inheritance).
_INHERITED = {"title": "booktitle", "subtitle": "booksubtitle", "shorttitle": None, "author": "bookauthor"}


def _inherit_crossrefs(entries: list[Entry]) -> list[Entry]:
    by_key = {entry.key.lower(): entry for entry in entries}
    result = []
    for entry in entries:
        parent = by_key.get(entry.fields.get("crossref", "").strip().lower())
        if parent is None:
            result.append(entry)
            continue
        fields = dict(entry.fields)
        for name, value in parent.fields.items():
            target = _INHERITED.get(name, name)
            if target and target not in fields and name not in ("crossref", "ids", "entryset"):
                fields[target] = value
        result.append(Entry(entry.key, entry.type, fields, entry.line))
    return result


class _Parser:
    def __init__(self, text: str):
        self.text = text
        self.pos = 0
        self.entry_start = 0
        self.macros = dict(MONTH_MACROS)

    def line(self, pos: int | None = None) -> int:
        return self.text.count("\n", 0, self.pos if pos is None else pos) + 1

    def skip_to_next_entry(self) -> bool:
        """After an error, go on at the next line that starts an entry: a brace left
        open must not swallow the rest of the file."""
        following = self.text.find("\n@", self.entry_start + 1)
        if following < 0:
            return False
        self.pos = following + 1
        return True

    def next_entry(self) -> Entry | None:
        while True:
            at = self.text.find("@", self.pos)
            if at < 0:
                return None
            self.pos = self.entry_start = at
            self.pos += 1
            kind = self._word().lower()
            if not kind:
                continue
            self._space()
            if self.pos >= len(self.text) or self.text[self.pos] not in "{(":
                if kind == "comment":
                    continue
                raise BibTeXError(f"'@{kind}' is not followed by {{", self.line())
            opening = self.text[self.pos]
            closing = "}" if opening == "{" else ")"
            start_line = self.line(at)
            self.pos += 1
            if kind == "comment":
                self._balanced(opening, closing)
                continue
            if kind == "preamble":
                self._balanced(opening, closing)
                continue
            if kind == "string":
                name, value = self._field()
                self.macros[name] = value
                self._expect(closing)
                continue
            key = self._until(",", closing).strip()
            if not key:
                raise BibTeXError(f"the @{kind} entry has no key", start_line)
            fields: dict[str, str] = {}
            while True:
                self._space()
                if self._peek() == ",":
                    self.pos += 1
                    self._space()
                if self._peek() == closing:
                    self.pos += 1
                    break
                if self.pos >= len(self.text):
                    raise BibTeXError(f"the entry '{key}' is never closed", start_line)
                name, value = self._field()
                fields[name] = value
            return Entry(key=key, type=kind, fields=fields, line=start_line)

    def _peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def _space(self) -> None:
        while self.pos < len(self.text) and self.text[self.pos].isspace():
            self.pos += 1

    def _word(self) -> str:
        match = re.compile(r"[A-Za-z_][\w:.+/-]*").match(self.text, self.pos)
        if not match:
            return ""
        self.pos = match.end()
        return match.group(0)

    def _until(self, *stops: str) -> str:
        start = self.pos
        while self.pos < len(self.text) and self.text[self.pos] not in stops:
            self.pos += 1
        if self.pos >= len(self.text):
            raise BibTeXError("the file ends inside an entry", self.line(start))
        value = self.text[start:self.pos]
        if self.text[self.pos] == ",":
            self.pos += 1
        return value

    def _expect(self, char: str) -> None:
        self._space()
        if self._peek() != char:
            raise BibTeXError(f"expected '{char}'", self.line())
        self.pos += 1

    def _field(self) -> tuple[str, str]:
        self._space()
        line = self.line()
        name = self._word().lower()
        if not name:
            raise BibTeXError("expected a field name", line)
        self._expect("=")
        parts = []
        while True:
            self._space()
            char = self._peek()
            if char == "{":
                self.pos += 1
                parts.append(self._balanced("{", "}"))
            elif char == '"':
                self.pos += 1
                parts.append(self._quoted())
            else:
                word = re.compile(r"[^\s,#}{)\"]+").match(self.text, self.pos)
                if not word:
                    raise BibTeXError(f"the field '{name}' has no value", line)
                self.pos = word.end()
                token = word.group(0)
                parts.append(token if token.isdigit() else self.macros.get(token.lower(), token))
            self._space()
            if self._peek() == "#":
                self.pos += 1
                continue
            return name, "".join(parts)

    def _balanced(self, opening: str, closing: str) -> str:
        """Text up to the closing brace matching one already read."""
        depth, start = 1, self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 2
                continue
            if char == opening:
                depth += 1
            elif char == closing:
                depth -= 1
                if depth == 0:
                    self.pos += 1
                    return self.text[start:self.pos - 1]
            self.pos += 1
        raise BibTeXError("a brace is never closed", self.line(start))

    def _quoted(self) -> str:
        depth, start = 0, self.pos
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "\\":
                self.pos += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
            elif char == '"' and depth == 0:
                self.pos += 1
                return self.text[start:self.pos - 1]
            self.pos += 1
        raise BibTeXError("a quotation mark is never closed", self.line(start))


_SYMBOL_ACCENT = r"([`'^\"~=.])"
_WORD_ACCENT = r"([uvHckrdb])"
_LETTER = r"(\\?[A-Za-z])"
_ACCENT_FORMS = (
    r"\{\\" + _SYMBOL_ACCENT + r"\s*\{" + _LETTER + r"\}\}",  # {\'{e}}
    r"\{\\" + _SYMBOL_ACCENT + r"\s*" + _LETTER + r"\}",  # {\'e}
    r"\\" + _SYMBOL_ACCENT + r"\s*\{" + _LETTER + r"\}",  # \'{e}
    r"\\" + _SYMBOL_ACCENT + r"\s*" + _LETTER,  # \'e
    r"\{\\" + _WORD_ACCENT + r"\s*\{" + _LETTER + r"\}\}",  # {\v{s}}
    r"\{\\" + _WORD_ACCENT + r" +" + _LETTER + r"\}",  # {\v s}
    r"\\" + _WORD_ACCENT + r"\s*\{" + _LETTER + r"\}",  # \v{s}
    r"\\" + _WORD_ACCENT + r" +" + _LETTER,  # \v s
)
_ACCENTS_RE = re.compile("|".join(f"(?:{form})" for form in _ACCENT_FORMS))


def decode_letters(text: str) -> str:
    r"""Accented and special letters (\'e, \v{s}, {\"o}, \ss) to Unicode; other braces stay."""
    def accent(match: re.Match) -> str:
        groups = [g for g in match.groups() if g is not None]
        return _accent(groups[0], groups[1])

    text = _ACCENTS_RE.sub(accent, text)
    return re.sub(r"\\([A-Za-z]+)\b\s?(?:\{\})?", lambda m: LETTERS.get(m.group(1), "\\" + m.group(1)), text)


def latex_to_unicode(text: str) -> str:
    """Decode the LaTeX people put in .bib files; formatting commands keep their text."""
    text = decode_letters(text)
    text = re.sub(r"\\[A-Za-z]+\s*\{", "{", text)  # \emph{x}, \textit{x}: keep x
    text = re.sub(r"\\[A-Za-z]+\s?", "", text)  # anything else is dropped
    text = re.sub(r"\\([&%$#_{}])", r"\1", text)
    text = re.sub(r"\\\s", " ", text)  # a control space
    text = text.replace("\\,", "\u2009")  # a thin space: 100\,km
    text = re.sub(r"\$([^$]*)\$", r"\1", text)  # inline math: its text
    text = text.replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    text = text.replace("~", "\u00a0").replace("{", "").replace("}", "")
    return unicodedata.normalize("NFC", " ".join(text.split()))


def _accent(mark: str, letter: str) -> str:
    base = {"\\i": "i", "\\j": "j"}.get(letter, letter.lstrip("\\"))
    return unicodedata.normalize("NFC", base + ACCENTS[mark])


def to_csl(entry: Entry) -> dict[str, Any]:
    """One entry as a CSL-JSON record."""
    f = entry.fields
    kind = TYPES.get(entry.type, "document")
    record: dict[str, Any] = {"id": entry.key, "type": kind}

    def text(name: str) -> str | None:
        value = f.get(name)
        return latex_to_unicode(value) if value and value.strip() else None

    for role, fields in (("author", ("author",)), ("editor", ("editor",)), ("translator", ("translator",)),
                         ("container-author", ("bookauthor",))):
        for name in fields:
            if f.get(name):
                record[role] = [_name(n) for n in _split_names(f[name]) if n.strip().lower() != "others"]
    title = text("title")
    if title and text("subtitle"):
        title = f"{title}: {text('subtitle')}"
    container = text("journaltitle") or text("journal") or text("booktitle") or text("maintitle")
    values = {
        "title": title, "title-short": text("shorttitle"), "container-title": container,
        "container-title-short": text("shortjournal"), "collection-title": text("series"),
        "volume": text("volume"), "edition": text("edition"), "page": text("pages"),
        "number-of-pages": text("pagetotal"), "number-of-volumes": text("volumes"),
        "publisher": text("publisher") or text("institution") or text("school") or text("organization"),
        "publisher-place": text("location") or text("address"), "event-title": text("eventtitle"),
        "event-place": text("venue"), "genre": text("type"),
        "DOI": normalise_doi(_raw(f.get("doi"))) if f.get("doi") else None,
        "URL": _raw(f.get("url")), "ISBN": text("isbn"), "ISSN": text("issn"), "note": text("note"),
        "abstract": text("abstract"), "keyword": text("keywords"), "archive": text("library"),
    }
    number = text("number")
    if number:
        values["issue" if kind in ("article-journal", "article-magazine", "article-newspaper") else "number"] = number
    if text("issue"):
        values["issue"] = text("issue")
    language = (f.get("langid") or f.get("language") or "").strip().lower()
    if language:
        values["language"] = LANGUAGES.get(language, language)
    record.update({k: v for k, v in values.items() if v})
    issued = _date(f)
    if issued:
        record["issued"] = issued
    if f.get("urldate"):
        try:
            record["accessed"] = {"date-parts": [parse_date(f["urldate"].strip()).date_parts()]}
        except ValueError:
            pass
    return record


def _raw(value: str | None) -> str | None:
    """DOI and URL are verbatim in BibLaTeX: only escaped specials are undone."""
    return re.sub(r"\\([&%$#_{}])", r"\1", value.strip()) if value and value.strip() else None


def _date(fields: dict[str, str]) -> dict | None:
    if fields.get("date"):
        start = fields["date"].strip().split("/")[0]
        try:
            return {"date-parts": [parse_date(start).date_parts()]}
        except ValueError:
            return {"literal": latex_to_unicode(fields["date"])}
    year = (fields.get("year") or "").strip()
    if not year:
        return None
    if not year.isdigit():
        return {"literal": latex_to_unicode(year)}
    parts = [int(year)]
    month = (fields.get("month") or "").strip().lower()[:3]
    month = MONTH_MACROS.get(month, month)
    if month.isdigit() and 1 <= int(month) <= 12:
        parts.append(int(month))
    return {"date-parts": [parts]}


def _split_names(value: str) -> list[str]:
    """Names separated by 'and' outside braces."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", value, re.IGNORECASE):
        token = match.group(0)
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            names.append(value[start:match.start()])
            start = match.end()
    names.append(value[start:])
    return [n.strip() for n in names if n.strip()]


def _name(raw: str) -> dict[str, str]:
    # Letters first: unbracing "\\v{S}karda" before decoding would lose the letter.
    name = parse_name(decode_letters(raw))
    return {k: latex_to_unicode(v) for k, v in name.csl().items()}
