"""Front matter written for the Open Journals (JOSS, JOSE), read as Quarto's.

A `paper.md` for the Journal of Open Source Software and its sister journals
gives its authors differently from Quarto (the JOSS documentation, "JOSS Paper
Format"; Open Journals' own reader, openjournals/inara, reads them so):

- affiliations are numbered: each of the top-level `affiliations:` has an
  `index` (without one, its position counts, from 1), and an author names them
  by number: `affiliation: 1`, `affiliation: "1, 2"` or `affiliation: [1, 2]`;
- an author's name may be given in parts on the author itself: `given-names`,
  `surname`, `dropping-particle`, `non-dropping-particle`, `suffix` (or with
  those names under `name:`);
- `equal-contrib: true` marks an equal contribution;
- a note in the name, `name: Jane Doe^[Corresponding author]`, marks the
  corresponding author (a note that speaks of correspondence), an equal
  contribution (one that says "equal" and "contrib..."), or else is a note
  about the author;
- `tags:` are the keywords (model.Article declares the alias).

normalise() rewrites these into Quarto's form before the front matter is checked
(an affiliation's `id` and an author's `ref:` to it, `name: {given, family}`,
`equal-contributor`, `corresponding`, `note`), each value keeping its line for
messages. Front matter that uses none of them is left as it is. Numbers are
never affiliation names: `affiliation: 3` with no affiliation numbered 3 is the
error "no affiliation has the id '3'".
"""

from __future__ import annotations

import re
from typing import Any

from .frontmatter import Located

NAME_PARTS = {"given-names": "given", "surname": "family", "dropping-particle": "dropping-particle",
              "non-dropping-particle": "non-dropping-particle", "suffix": "suffix"}
_NUMBERS = re.compile(r"[\s,;]*\d[\d\s,;]*")  # ("1, 2", and "1 2" or "1, 2," as meant)


# Fields a template leaves empty ('') to be filled in: absent, as Pandoc reads them.
PLACEHOLDERS = ("author", "authors", "date", "subtitle", "abstract", "keywords")


def normalise(located: Located) -> None:
    """The front matter's Open Journals forms, rewritten in place as Quarto's;
    a template's empty placeholders (`author: ''`) left out."""
    data = located.data
    if not isinstance(data, dict):
        return
    for key in [k for k in PLACEHOLDERS if isinstance(data.get(k), str) and not data[k].strip()]:
        del data[key]
    key = "author" if "author" in data else "authors"
    entries = data.get(key)
    authors = [((key, i), entry) for i, entry in enumerate(entries)] if isinstance(entries, list) \
        else [((key,), entries)] if isinstance(entries, dict) else []
    numbered = False
    for path, author in authors:
        if isinstance(author, dict):
            _name(located, path, author)
            if "equal-contrib" in author and "equal-contributor" not in author:
                _rename(located, path, author, "equal-contrib", "equal-contributor")
            numbered |= _numbered_affiliations(located, path, author)
    top = data.get("affiliations")
    if isinstance(top, list):
        for index, affiliation in enumerate(top):
            if isinstance(affiliation, dict) and "index" in affiliation and "id" not in affiliation:
                _rename(located, ("affiliations", index), affiliation, "index", "id")
        if numbered and not any(isinstance(a, dict) and "id" in a for a in top):
            for index, affiliation in enumerate(top):  # (numbered by their place, from 1)
                if isinstance(affiliation, dict):
                    affiliation["id"] = str(index + 1)
                    located.lines[("affiliations", index, "id")] = located.line_of(("affiliations", index))


def _name(located: Located, path: tuple, author: dict) -> None:
    """The name's parts written on the author as its `name:`; a note in the name
    taken out of it."""
    parts = [part for part in NAME_PARTS if part in author]
    if parts and "name" not in author:
        author["name"] = {}
        located.lines[path + ("name",)] = located.line_of(path + (parts[0],))
        for part in parts:
            _move(located, path + (part,), path + ("name", NAME_PARTS[part]))
            author["name"][NAME_PARTS[part]] = author.pop(part)
    elif isinstance(author.get("name"), dict):
        name = author["name"]
        for part in [p for p in ("given-names", "surname") if p in name and NAME_PARTS[p] not in name]:
            _rename(located, path + ("name",), name, part, NAME_PARTS[part])
    elif isinstance(author.get("name"), str):
        name, note = _note_in(author["name"])
        if note is not None:
            author["name"] = name
            located.scalars.pop(path + ("name",), None)
            _marked(located, path, author, note)


def _note_in(text: str) -> tuple[str, str | None]:
    """A name and the note at its end (`Jane Doe^[Corresponding author]`), if it has one."""
    start, end = text.find("^["), text.rstrip().rfind("]")
    if start <= 0 or end != len(text.rstrip()) - 1 or end < start or not text[:start].strip():
        return text, None
    return text[:start].strip(), " ".join(text[start + 2:end].split())


def _marked(located: Located, path: tuple, author: dict, note: str) -> None:
    """What a note in an author's name says: corresponding, equal contribution, or a note."""
    line = located.line_of(path + ("name",))
    lowered = note.lower()
    if "correspond" in lowered:
        field, value = "corresponding", True
    elif "equal" in lowered and "contrib" in lowered:
        field, value = "equal-contributor", True
    else:
        field, value = "note", note
    if field in author and field != "note":  # (said otherwise: `corresponding: false`) the note stays a note
        field, value = "note", note
    if field == "note" and isinstance(author.get("note"), str) and author["note"].strip():
        value = f"{author['note'].strip()} {note}"
    author[field] = value
    located.lines.setdefault(path + (field,), line)


def _numbered_affiliations(located: Located, path: tuple, author: dict) -> bool:
    """An author's affiliations given by number, as `ref:`s; whether there were any."""
    key = "affiliations" if "affiliations" in author else "affiliation"
    value = author.get(key)
    if isinstance(value, bool):
        return False
    if isinstance(value, int) or isinstance(value, str) and _NUMBERS.fullmatch(value):
        numbers = re.findall(r"\d+", str(value))
        line = located.line_of(path + (key,))
        located.scalars.pop(path + (key,), None)
        author[key] = [{"ref": number} for number in numbers]
        for index in range(len(numbers)):
            located.lines[path + (key, index)] = located.lines[path + (key, index, "ref")] = line
        return True
    if not isinstance(value, list):
        return False
    numbered = False
    for index, item in enumerate(value):
        if not isinstance(item, bool) and (isinstance(item, int) or isinstance(item, str)
                                           and item.strip().isdigit()):
            line = located.line_of(path + (key, index))
            located.scalars.pop(path + (key, index), None)
            value[index] = {"ref": str(item).strip()}
            located.lines[path + (key, index, "ref")] = line
            numbered = True
    return numbered


def _rename(located: Located, path: tuple, mapping: dict[str, Any], old: str, new: str) -> None:
    mapping[new] = mapping.pop(old)
    _move(located, path + (old,), path + (new,))


def _move(located: Located, old: tuple, new: tuple) -> None:
    """Where the value at `old` (and all under it) was written, now said of `new`."""
    for table in (located.lines, located.scalars):
        for path in [p for p in table if p[:len(old)] == old]:
            table[new + path[len(old):]] = table.pop(path)
