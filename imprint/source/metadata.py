"""Front matter to model: validated YAML (plus publication defaults) becomes an Article.

Each attribute the model declares as a front matter field (source/model.py,
schema.front_matter) is read the way its declaration says: a text, a date, a
flag, a list, or by the builder's own reader for that key (authors, citation,
...). Every value that can still be wrong after the schema (an impossible date,
an ORCID check digit, an affiliation reference, a missing bibliography file) is
reported with the file and line it came from; the builder never stops at the first.
"""

from __future__ import annotations

import dataclasses
import html
import re
from pathlib import Path
from .readonly import ReadOnlyDict
from typing import Any, Callable

from ..body.pandoc import EXTENSIONS, SET_BY_IMPRINT
from ..errors import Problem
from ..files import display, within
from .frontmatter import Located, format_path, value_at
from .images import check_cover, load_image
from .includes import BodyLines
from .model import (
    PAPERS,
    SUMMARY_HEADINGS,
    Affiliation,
    Article,
    Author,
    AuthorTranslation,
    Citation,
    Copyright,
    License,
    PartialDate,
    PersonName,
    Translation,
    frozen,
)
from .person_names import parse_name
from .quarto import closest_field
from .templates import MARKDOWN_LINK
from .schema import (AUTHOR_ATTRIBUTES, AUTO_SECTION_LABELS, CROSSREF_PREFIXES, CROSSREF_TITLES, CSL_NAME_VARIABLES,
                     FRONT_MATTER, URL_PATTERN, FrontMatter, Group, declared)
from .parsing import is_date_placeholder, licence_url, normalise_doi, orcid_checksum_ok, parse_date, placeholder_date

# The defaults the model declares (the citation style, the language, the paper).
DEFAULTS = {f.name: f.default for f in dataclasses.fields(Article) if f.default is not dataclasses.MISSING}
DEFAULT_CSL = DEFAULTS["csl"]
SLUG = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")
RESERVED = {"opds": "the OPDS catalogue"}  # folders of dist/ that the site itself uses


def check_folder_name(folder: Path, settings, kind: str) -> list[Problem]:
    """An article's or issue's folder names its files and its folder in dist/."""
    slug = folder.name
    shown = display(folder, settings.root)
    if not SLUG.match(slug):
        return [Problem(shown, f"the folder name '{slug}' cannot name the output files",
                        hint="use only Latin letters, digits, '-' and '_' (for example batunaev-2019-khalkhin-gol)")]
    if slug.lower() in RESERVED:
        return [Problem(shown, f"the folder name '{slug}' is taken by {RESERVED[slug.lower()]} in dist/",
                        hint=f"rename the {kind}'s folder")]
    return []


class ArticleBuilder:
    """Turns validated front matter (plus defaults) into an Article, collecting
    problems (which stop the article) and warnings (which do not)."""

    def __init__(self, own: Located, defaults: Located | None, folder: Path, source_dir: Path, root: Path,
                 document: Path | None = None, source_date_epoch: int | None = None,
                 variables: Any = None):
        """`own`: the file's front matter (with its Quarto project's merged in: each
        part knows its file); `document`: the file whose last commit dates `today`
        and `last-modified`; `variables`: the project's _variables.yml."""
        self.own = own
        self.defaults = defaults
        self.folder = folder  # the article's: its relative paths start here
        self.source_dir = source_dir  # the publication file's relative paths start here
        self.root = root
        self.document = document
        self._unread_bibliography = False  # a bibliography file named could not be used (_bibliography)
        self.source_date_epoch = source_date_epoch
        self.variables = variables
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []

    # -- where a value came from, for messages
    def _problem(self, path: tuple, message: str, hint: str | None = None, warning: bool = False) -> None:
        source = self.own
        if self.defaults is not None and value_at(self.own.data, path) is None \
                and value_at(self.defaults.data, path) is not None:
            source = self.defaults
        (self.warnings if warning else self.problems).append(Problem(
            source.file_of(path), message, line=source.line_of(path), field=format_path(path), hint=hint))

    def _value(self, key: str, merge: bool = False) -> Any:
        """The article's value, else the publication default. With `merge`, a
        mapping given in both is merged field by field (the article's fields win)."""
        own = self.own.data.get(key)
        default = self.defaults.data.get(key) if self.defaults is not None else None
        if merge and isinstance(own, dict) and isinstance(default, dict):
            return {**default, **own}
        return own if own is not None else default

    def build(self, slug: str, path: Path, body: str, body_line: int, body_lines: BodyLines | None = None,
              text_files: tuple[Path, ...] = ()) -> Article:
        self._check_aliases()
        return Article(
            slug=slug,
            path=path,
            file=self.own.file,
            body=body,
            body_line=body_line,
            **self._declared(Article),
            shared_bibliography=self._bibliography(self.defaults, self.source_dir),
            unread_bibliography=self._unread_bibliography,
            base_url=self.defaults.data.get("base-url") if self.defaults is not None else None,
            variables=frozen(self.variables or {}),
            where=ReadOnlyDict(self._where()),
            body_lines=body_lines,
            text_files=text_files,
            summary_heading=SUMMARY_HEADINGS.get(
                next((key for key in SUMMARY_HEADINGS if key in self.own.data), ""), "plain_language_summary"),
        )

    # -- the declared fields
    @property
    def readers(self) -> dict[str, Callable[[], Any]]:
        """The builder's own reader of each field declared `read="own"`, by key."""
        return {
            "lang": self._lang, "author": self._authors, "author-notes": self._byline_notes, "doi": self._doi,
            "nocite": self._nocite, "references": self._references, "from": self._extensions, "crossref": self._crossref_prefixes, "execute": self._execute, "translation": self._translation,
            "cover-image": self._cover_image, "license": self._license, "copyright": self._copyright,
            "csl": self._csl, "paper": self._paper, "citation": self._citation, "funding": self._funding,
            "bibliography": lambda: self._bibliography(self.own, self.folder),
        }

    def _declared(self, model: type) -> dict[str, Any]:
        """The attributes of `model` that front matter fields declare, read."""
        values: dict[str, Any] = {}
        for item in dataclasses.fields(model):
            declaration = item.metadata.get(FRONT_MATTER)
            if isinstance(declaration, Group):
                values[item.name] = declaration.model(**self._declared(declaration.model))
            elif isinstance(declaration, FrontMatter):
                found = self._read(declaration)
                values[item.name] = _default(item) if found is None else found
        return values

    def _read(self, declaration: FrontMatter) -> Any:
        """The value of a field as its declaration says to read it; None: not given."""
        if declaration.read == "own":
            return self.readers[declaration.key]()
        key, value = self._given(declaration)
        if value is None:
            return None
        if declaration.read == "text":
            return _strip(value)
        if declaration.read == "date":
            return self._date((key,), value)
        if declaration.read == "flag":
            return bool(value)
        if declaration.read == "list":
            return _keywords(_list(value))
        assert declaration.read == "keywords", declaration
        self._no_comma_in((key,), value)
        return _keywords(value)

    def _no_comma_in(self, path: tuple, keywords: Any) -> None:
        """A warning for a keyword of a list that holds a comma: every citation record
        but RIS joins keywords with commas (CSL-JSON's `keyword`, BibTeX's
        `keywords`, the PDF's Keywords), where reference managers split it in two."""
        for index, keyword in enumerate(keywords if isinstance(keywords, list) else ()):
            if "," in str(keyword):
                self.warnings.append(Problem(
                    self.own.file, f"the keyword '{str(keyword).strip()}' holds a comma: the citation records "
                                   "join keywords with commas, and reference managers (Zotero, for one) read it "
                                   "as two keywords", line=self.own.line_of(path + (index,)),
                    field=format_path(path + (index,)),
                    hint="write it without the comma (\"state and empire\"), or as two keywords"))

    def _given(self, declaration: FrontMatter) -> tuple[str, Any]:
        """The key the field is written under (its own, else an alias) and its
        value; a shared field not in the article comes from the publication file."""
        for key in (declaration.key, *declaration.aliases):
            if key in self.own.data:
                return key, self.own.data[key]
        if declaration.shared and self.defaults is not None:
            return declaration.key, self.defaults.data.get(declaration.key)
        return declaration.key, None

    def _check_aliases(self) -> None:
        """A field given under two of its names ('author' and 'authors') is a problem."""
        data = self.own.data
        fields = [(path[-1].replace("_", " "), d) for path, d in declared(Article)]
        fields += [(other.key.replace("-", " "), other) for _, d in declared(Article) for other in d.also]
        for noun, declaration in fields:
            for alias in declaration.aliases:
                if declaration.key in data and alias in data:
                    self._problem((alias,), f"give the {noun} under '{declaration.key}' or '{alias}', not both")

    def _lang(self) -> str:
        lang = self._value("lang")
        if not lang:  # Pandoc's and Quarto's default: English
            self.warnings.append(Problem(
                self.own.file, "no 'lang' is given: the article is published as English (en), as Pandoc and "
                               "Quarto read it", line=self.own.line_of(()),
                hint="add 'lang: en' (or ru, ...) to the article, or to source/publication.yaml for all articles",
            ))
            return DEFAULTS["lang"]
        return lang

    def _paper(self) -> Any:
        paper = self._value("paper")
        return PAPERS[str(paper).lower()] if paper else DEFAULTS["paper"]

    def _byline_notes(self) -> Any:
        notes = self.own.data.get("author-notes") or {}
        return frozen({key: text for key, text in ((k, _strip(v)) for k, v in notes.items()) if text})

    def _csl(self) -> str:
        """The citation style: a name, or a .csl file, looked for as Pandoc and Quarto
        look for it (beside the file that names it: the article, its _quarto.yml,
        the publication file), then in the project folder; given as a path
        relative to the project."""
        name = str(self._value("csl") or DEFAULT_CSL)
        if name.endswith(".csl"):
            # (a Quarto book's `csl: apa.csl` in source/_quarto.yml is source/apa.csl, as its
            # `bibliography: ./references.bib` is source/references.bib: it was "no such file", QA 30)
            beside = self._base(self.own, ("csl",), self.folder) if self.own.data.get("csl") else self.source_dir
            try:
                path = within(self.root, beside, name, "CSL style")
                if not path.is_file():
                    path = within(self.root, self.root, name, "CSL style")
            except ValueError as error:
                self._problem(("csl",), str(error).replace("the article's folder", "the project folder"))
                return DEFAULT_CSL
            return str(path.relative_to(self.root)) if path.is_relative_to(self.root) else name
        return name

    def _cover_image(self) -> Path | None:
        """The editor's own cover: a PNG or JPEG in the folder (e-readers take no SVG cover)."""
        value = self.own.data.get("cover-image")
        if value is None:
            return None
        try:
            image = load_image(self.root, self.folder, value.strip())
        except ValueError as error:
            self._problem(("cover-image",), str(error), getattr(error, "hint", None))
            return None
        problem = check_cover(image, self.root)
        if problem:
            self._problem(("cover-image",), *problem)
            return None
        return image.path

    def _bibliography(self, located: Located | None, base: Path) -> tuple[Path, ...]:
        """The bibliography files, each relative to the folder of the file that
        names it (`base` for the article's own; a _quarto.yml's are its folder's)."""
        files = []
        if located is not None and located.data.get("bibliography") is not None:
            value = located.data["bibliography"]
            for index, name in enumerate([value] if isinstance(value, str) else value):
                at = ("bibliography",) if isinstance(value, str) else ("bibliography", index)
                file = located.file_of(at)
                try:
                    path = within(self.root, self._base(located, at, base), name.strip(), "bibliography file")
                except ValueError as error:
                    self.problems.append(Problem(file, str(error), line=located.line_of(at), field=format_path(at)))
                    self._unread_bibliography = True
                    continue
                if not path.is_file():
                    self._unread_bibliography = True
                    # ("references.bib, more.yaml": one name to YAML, two files to the editor: QA 23 F22)
                    names = [part.strip() for part in re.split(r"[,;]", name)] if isinstance(value, str) else []
                    several = len(names) > 1 and all(re.search(r"\.\w+$", part) for part in names)
                    self.problems.append(Problem(
                        file, f"the bibliography file '{name}' does not exist", line=located.line_of(at),
                        field=format_path(at), hint=f"several files are written as a list: bibliography: "
                                                    f"[{', '.join(names)}]" if several
                        else f"looked for {display(path, self.root)}",
                    ))
                    continue
                files.append(path)
        return tuple(dict.fromkeys(files))

    def _base(self, located: Located, path: tuple, base: Path) -> Path:
        """Where the relative paths of the value at `path` start: `base`, unless
        the value comes from another file than `located`'s (a _quarto.yml)."""
        file = located.file_of(path)
        return base if file == located.file else (self.root / file).parent

    def _crossref_prefixes(self) -> Any:
        """Quarto's `crossref:` words: each kind's prefix (keyed by the kind: "fig"),
        its title ("fig-title") and the delimiter after a caption's number ("title-delim")."""
        value = self.own.data.get("crossref")
        value = value if isinstance(value, dict) else {}
        keys = {kind: f"{kind}-prefix" for kind in CROSSREF_PREFIXES}
        keys.update({f"{kind}-title": f"{kind}-title" for kind in CROSSREF_TITLES}, **{"title-delim": "title-delim"})
        # (Markdown, as Pandoc reads metadata: `titleDelim: "&nbsp;–"` is a no-break space and a dash)
        found = {key: html.unescape(str(value[written])) for key, written in keys.items()
                 if value.get(written) is not None}
        if value.get(AUTO_SECTION_LABELS) is True:  # (pandoc-crossref's autoSectionLabels: templates.py)
            found[AUTO_SECTION_LABELS] = "true"
        return frozen(found)

    def _execute(self) -> Any:
        """Quarto's `execute:` options that say what a cell shows, as a cell's `#|` options read."""
        value = self.own.data.get("execute")
        value = value if isinstance(value, dict) else {}
        return frozen({k: str(v).lower() for k, v in value.items()
                       if k in ("echo", "eval", "include", "output") and isinstance(v, (bool, str))})

    def _extensions(self) -> tuple[str, ...]:
        """`from: markdown+emoji-smart`: the extensions Pandoc's reader is to switch on
        or off. Another reader (gfm, commonmark) is not used: said; an extension
        Imprint sets itself is kept as it sets it: said; an unknown one is an error."""
        value = self._value("from")
        # (R Markdown reads its text with \( \) and \[ \] as math: a document that says it
        # is one, by its `output:`, is read as R Markdown reads it)
        rmarkdown = ("+tex_math_single_backslash",) if "output" in self.own.data else ()
        if not isinstance(value, str):
            return rmarkdown
        base, *parts = re.split(r"(?=[+-])", value.strip())
        path = ("from",)
        if base.strip() not in ("markdown", ""):
            self._problem(path, f"the text is read as Pandoc's markdown (Quarto's), not {base.strip()}",
                          hint="write from: markdown, with the extensions you need (markdown+emoji)", warning=True)
        found: list[str] = []
        for part in parts:
            name = part[1:].strip()
            if name in SET_BY_IMPRINT:
                self._problem(path, f"the extension {part} is left as Imprint sets it (front matter is read by "
                              "Imprint, HTML in the text stays text)", hint=f"delete {part}", warning=True)
            elif name not in EXTENSIONS:
                close = closest_field(name, EXTENSIONS)
                self._problem(path, f"Pandoc's markdown has no extension '{name}'",
                              hint=f"did you mean '{close}'?" if close else "see the extensions in Pandoc's manual")
            else:
                found.append(part[0] + name)
        return rmarkdown + tuple(found)

    def _references(self) -> tuple[tuple[Any, int | None], ...]:
        value = self.own.data.get("references")
        if not isinstance(value, list):
            return ()
        return tuple((record, self.own.line_of(("references", index))) for index, record in enumerate(value)
                     if isinstance(record, dict) and record.get("id") is not None)

    def _nocite(self) -> tuple[str, ...]:
        value = self.own.data.get("nocite")
        if value is None:
            return ()
        text = value if isinstance(value, str) else " ".join(value)
        return tuple(dict.fromkeys(re.findall(r"@\{?([\w*][^\s,;{}\]\[]*)", text)))

    def _translation(self) -> Translation | None:
        value = self.own.data.get("translation")
        if not value:
            return None
        self._no_comma_in(("translation", "keywords"), value.get("keywords"))
        if not _strip(value.get("title")):  # (prepare.article.translated_record: no title, no line)
            lang = value["lang"]
            self._problem(("translation",), f"the translation ({lang}) has no title: the editions leave out the "
                                            f"title in {lang} and the \"For citation\" line in {lang}", warning=True,
                          hint=f"give it the article's title in {lang}: translation: title: ...")
        return Translation(
            lang=value["lang"],
            title=_strip(value.get("title")),
            subtitle=_strip(value.get("subtitle")),
            abstract=_strip(value.get("abstract")),
            keywords=_keywords(value.get("keywords")),
        )

    @property
    def _author_names(self) -> dict[str, str]:
        """Quarto author ids, for `ref:` in funding entries."""
        raw = self.own.data.get("author", self.own.data.get("authors")) or []
        return {str(a["id"]): person_name(a["name"]).display for a in (raw if isinstance(raw, list) else [raw])
                if isinstance(a, dict) and a.get("id") and a.get("name")}

    def _funding(self) -> tuple[str, ...]:
        funding = self.own.data.get("funding")
        statements: list[str] = []
        entries = [funding] if isinstance(funding, (str, dict)) else list(funding or [])
        if isinstance(funding, dict):  # Quarto's form: a statement, open access, awards
            entries = ([funding["statement"]] if funding.get("statement") else []) + list(funding.get("awards", []))
            if funding.get("open-access"):
                entries.append(funding["open-access"])
        for entry in entries:
            if isinstance(entry, str):
                statements.append(entry.strip())
            elif isinstance(entry, dict) and entry.get("statement"):
                statements.append(str(entry["statement"]).strip())
            elif isinstance(entry, dict):  # Quarto's parts, written out
                parts = [_plain_value(entry.get(k), self._author_names)
                         for k in ("name", "source", "award", "id", "recipient", "investigator")]
                statements.append(", ".join(p for p in parts if p))
        return tuple(s for s in statements if s)

    def _where(self) -> dict[str, tuple[str, int | None]]:
        where = {}
        for located in (self.defaults, self.own):  # the article's own line wins
            if located is not None:
                where.update({key: (located.file_of((key,)), located.line_of((key,))) for key in located.data})
                # Nested fields too ("citation.volume"), for messages about them.
                where.update({format_path(path): (located.file_of(path), line) for path, line in located.lines.items()
                              if len(path) > 1})
        return where

    def _doi(self) -> str | None:
        citation = self.own.data.get("citation")
        citation = citation if isinstance(citation, dict) else {}
        value = self.own.data.get("doi") or citation.get("doi") or citation.get("DOI")
        return normalise_doi(value) if value else None

    def _author_entries(self) -> list[tuple[tuple, Any]]:
        """Each author's path in the front matter and entry."""
        key = "author" if "author" in self.own.data else "authors"
        raw = self.own.data.get(key)
        if raw is None:
            return []
        if isinstance(raw, str):  # ("Cameron Blevins and Lincoln Mullen": R Markdown's, as LaTeX prints it)
            names = _names_in(raw)
            if len(names) == 1 and _listed(names[0]):
                self._problem((key,), f"'{names[0]}' is read as one author's name, though it looks like a list of "
                                      "several", warning=True,
                              hint="give each author as an item of a list: author: [Иванов И. П., Петрова М. А.] "
                                   "(or write them joined by 'and')")
            return [((key,), name) for name in names]
        if not isinstance(raw, list):
            return [((key,), raw)]
        return [((key, i), entry) for i, entry in enumerate(raw)]

    def _affiliation_ids(self, authors: list[tuple[tuple, Any]]) -> dict[str, dict]:
        """Every affiliation given an `id`, where ever it is given (Quarto: under the
        top-level `affiliations:` or under an author), for the others' `ref:`."""
        found: dict[str, tuple[tuple, dict]] = {}
        places = [((key, i), aff) for key in ("affiliations", "affiliation")
                  for i, aff in enumerate(self.own.data.get(key) or [])]
        for path, entry in authors:
            if isinstance(entry, dict):
                key = "affiliations" if "affiliations" in entry else "affiliation"
                raw = entry.get(key)
                places += [(path + (key, i), aff) for i, aff in enumerate(raw)] if isinstance(raw, list) \
                    else [(path + (key,), raw)] if raw is not None else []
        for path, aff in places:
            if not isinstance(aff, dict) or aff.get("id") is None or "ref" in aff:
                continue
            ident = str(aff["id"])
            fields = {k: v for k, v in aff.items() if k != "id"}
            if ident in found and found[ident][1] != fields:
                self._problem(path + ("id",), f"the id '{ident}' is given to two different affiliations "
                                              f"(first on line {self.own.line_of(found[ident][0])})",
                              hint="give each affiliation its own id, and the same affiliation elsewhere "
                                   f"as 'ref: {ident}'")
                continue
            found.setdefault(ident, (path, fields))
        return {ident: fields for ident, (path, fields) in found.items()}

    def _affiliations_dropped(self) -> bool:
        """Whether affiliations, or an affiliation's id, were left out for a problem of
        their own (validation.drop_invalid): the id a `ref:` names may well be there."""
        for path in self.own.dropped:
            for n, part in enumerate(path):
                if part in ("affiliations", "affiliation"):
                    rest = path[n + 1:]
                    rest = rest[1:] if rest[:1] and isinstance(rest[0], int) else rest
                    if rest in ((), ("id",)):
                        return True
        return False

    def _authors(self) -> tuple[Author, ...]:
        entries = self._author_entries()
        refs = self._affiliation_ids(entries)
        authors = tuple(self._author(path, entry, refs) for path, entry in entries)
        self._same_names(entries, authors)
        return authors

    def _same_names(self, entries: list[tuple[tuple, Any]], authors: tuple[Author, ...]) -> None:
        """A warning for an author whose name an author before has: one person given
        twice (a copied entry not edited), printed twice in every byline and citation
        record, in silence (QA 23 F22). Two people of one name told apart by their
        ORCID iDs are two."""
        first: dict[str, tuple[tuple, Author]] = {}
        for (path, _), author in zip(entries, authors):
            name = " ".join(author.name.display.split()).casefold()
            if not name:
                continue
            if name in first and not (author.orcid and first[name][1].orcid and author.orcid != first[name][1].orcid):
                earlier = first[name][0]
                self._problem(path, f"'{author.name.display}' is also the name of {format_path(earlier)} (line "
                                    f"{self.own.line_of(earlier)}): the same author given twice?", warning=True,
                              hint="delete one; if they are two people of one name, give each its ORCID iD")
            first.setdefault(name, (path, author))

    def _author(self, path: tuple, entry: Any, refs: dict) -> Author:
        if isinstance(entry, str):
            name = parse_name(entry)
            if "," in entry and any(c.isdigit() for c in name.given or ""):  # ("Манаева В.Е., НФИбд-01-20")
                self._problem(path, f"'{entry.strip()}' is read as the family name '{name.family}' and the given "
                              f"name '{name.given}', which has digits: a group or an id, not a name?",
                              hint=f"write the name alone (author: {entry.split(',')[0].strip()}), and what "
                                   "follows it elsewhere (a note, an affiliation)", warning=True)
            return Author(name=name)
        affiliations_raw = entry.get("affiliations", entry.get("affiliation", []))
        if not isinstance(affiliations_raw, list):
            affiliations_raw = [affiliations_raw]
        affiliations = []
        aff_key = "affiliations" if "affiliations" in entry else "affiliation"
        for i, aff in enumerate(affiliations_raw):
            if isinstance(aff, dict) and "ref" in aff:
                ref = str(aff["ref"])
                if ref not in refs and self._affiliations_dropped():
                    continue  # (the top-level list's own problem is told: the id may well be there)
                if ref not in refs:
                    known = ", ".join(sorted(refs)) or "none are listed"
                    at = path + (aff_key, i, "ref") if isinstance(entry.get(aff_key), list) else path + (aff_key, "ref")
                    self._problem(at, f"no affiliation has the id '{ref}'",
                                  hint=f"list it under the top-level 'affiliations:' (ids: {known})")
                    continue
                aff = {**refs[ref], **{k: v for k, v in aff.items() if k != "ref"}}
            if isinstance(aff, dict) and entry.get("affiliation-url") and not aff.get("url"):
                aff = {**aff, "url": entry["affiliation-url"]}  # Quarto, after Distill
            affiliations.append(_affiliation(aff))
            if not affiliations[-1].display:  # (only fields Imprint does not read: printed as an empty "2.")
                at = path + (aff_key, i) if isinstance(entry.get(aff_key), list) else path + (aff_key,)
                raw = affiliations_raw[i]
                named = f" '{raw['ref']}'" if isinstance(raw, dict) and "ref" in raw else ""
                self._problem(at, f"the affiliation{named} has nothing to print: no name, department, address, "
                                  "city or country", hint="give it its `name:` (and `department:`, `city:`, "
                                                          "`country:`...)")
        orcid = entry.get("orcid")
        if orcid:
            orcid = orcid.rsplit("/", 1)[-1]
            if not orcid_checksum_ok(orcid):
                self._problem(path + ("orcid",), f"'{orcid}' is not a valid ORCID iD (its check digit is wrong)",
                              hint="copy the iD from the author's ORCID record")
        # Quarto's attributes: written on the author, or under `attributes:` (true/false
        # fields, or the list of those that hold); its other fields under `metadata:`.
        attributes = entry.get("attributes", {})
        flags = ({k for k, v in attributes.items() if v} if isinstance(attributes, dict)
                 else {attributes} if isinstance(attributes, str) else set(attributes))
        more = entry.get("metadata") if isinstance(entry.get("metadata"), dict) else {}
        group = bool(entry.get("group", more.get("group", False)))
        translated = entry.get("translation")
        name = entry["name"]
        if isinstance(name, dict) and not {"given", "family", "literal"} & set(name):
            # (a template's name fields Imprint does not read, a suffix left: ", III" was the byline)
            self._problem(path + ("name",), f"the name has no given or family name, only its "
                          f"{', '.join(sorted(name))}", hint="write `name: Given Family`, or its `given:` and "
                          "`family:`")
        return Author(
            name=PersonName(literal=" ".join(entry["name"].split())) if group and isinstance(entry["name"], str)
            else person_name(entry["name"]),
            orcid=orcid,
            email=entry.get("email"),
            url=entry.get("url"),
            affiliations=tuple(affiliations),
            **{name.replace("-", "_"): bool(entry.get(name, name in flags)) for name in AUTHOR_ATTRIBUTES},
            current_address=_strip(entry.get("current-address", more.get("current-address"))),
            group=group,
            degrees=_tuple(entry.get("degrees")),
            roles=_roles(entry.get("roles", entry.get("role"))),
            position=entry.get("position"),
            note=_strip(entry.get("note")),
            translation=AuthorTranslation(
                name=person_name(translated["name"]) if translated.get("name") else None,
                degrees=_tuple(translated.get("degrees")),
                position=_strip(translated.get("position")),
            ) if translated else None,
        )

    def _date(self, path: tuple, value: Any) -> PartialDate | None:
        if value is None:
            return None
        if is_date_placeholder(value) and self.document is not None:
            try:
                return placeholder_date(value, self.source_date_epoch, self.root, self.document)
            except ValueError as error:
                self._problem(path, str(error), hint="set SOURCE_DATE_EPOCH, commit the file in git, or write "
                                                     "the date itself (YYYY-MM-DD)")
                return None
        try:
            return parse_date(value)
        except ValueError as error:
            self._problem(path, str(error), getattr(error, "hint", None))
            return None

    def _license(self) -> License | None:
        value = self._value("license")
        if value is None:
            return None
        if isinstance(value, str):
            # (a link only if it is a web address as URL fields take them: else its text; a text
            # with a Markdown link to one, "Licensed under [CC BY 4.0](https://...)", its text and that)
            linked = [m for m in MARKDOWN_LINK.finditer(value) if re.match(URL_PATTERN, m.group(2))]
            value = {"url": value} if re.match(URL_PATTERN, value) else \
                {"text": MARKDOWN_LINK.sub(r"\1", value), "url": linked[0].group(2)} if len(linked) == 1 else \
                {"text": value}
        text, url = value.get("text"), value.get("url")
        if text and not url:
            url = licence_url(text)
        return License(text=text, url=url)

    def _copyright(self) -> Copyright | None:
        value = self._value("copyright")
        if value is None:
            return None
        if isinstance(value, str):
            return Copyright(statement=value.strip())
        return Copyright(**{k: str(v).strip() for k, v in value.items()})

    def _citation(self) -> Citation:
        own = self._journal_of_its_own(self._value("citation", merge=True))
        raw = dict(own) if isinstance(own, dict) else {}  # Quarto also allows `citation: true`
        known = {
            "type": "type", "container-title": "container_title", "volume": "volume", "issue": "issue",
            "collection-number": "collection_number", "page": "page", "issn": "issn", "ISSN": "issn",
            "publisher": "publisher", "publisher-place": "publisher_place", "url": "url", "URL": "url",
        }
        fields: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        translated = raw.pop("translation", None) or {}
        for key, value in raw.items():
            if key in CSL_NAME_VARIABLES:  # (a name or a list of names: CSL-JSON's name objects)
                extra[key] = tuple(person_name(name).csl() for name in (value if isinstance(value, list) else [value]))
                continue
            value = str(value).strip() if not isinstance(value, str) else value.strip()
            if key in known:
                fields[known[key]] = value
            elif key in ("doi", "DOI"):
                continue  # the article's DOI (Article.doi)
            elif key == "issued":
                extra["issued"] = value
            else:
                extra[key.upper() if key in ("isbn",) else key] = value
        if "issued" in extra:
            issued = self._date(("citation", "issued"), extra.pop("issued"))
            if issued:
                extra["issued"] = issued
        return Citation(**fields, extra=ReadOnlyDict(extra),
                        translated=ReadOnlyDict({key: str(value).strip() for key, value in translated.items()}))


    def _journal_of_its_own(self, merged: Any) -> Any:
        """A journal is one identity: its title, ISSN, publisher and place go together.
        When the article (or its Quarto project) names another journal
        (`container-title`) than the publication file's, its journal fields are only
        those written in the file that names it: none comes from the publication
        file, or from a _quarto.yml under an article that names its own journal (so
        no reference manager files it under another journal's ISSN). The other
        citation fields (`type`, ...) still merge."""
        own = self.own.data.get("citation")
        if not isinstance(merged, dict) or not isinstance(own, dict) or own.get("container-title") is None:
            return merged
        default = self.defaults.data.get("citation") if self.defaults is not None else None
        default_title = default.get("container-title") if isinstance(default, dict) else None
        if default_title is None or _words(own["container-title"]) == _words(default_title):
            return merged  # (no other journal to keep apart: the publication file names none)
        named_in = self.own.file_of(("citation", "container-title"))
        return {key: value for key, value in merged.items()
                if key not in JOURNAL_FIELDS or (key in own and self.own.file_of(("citation", key)) == named_in)}


# The fields that name a journal (CSL variables): given together or not at all.
JOURNAL_FIELDS = frozenset({"container-title", "container-title-short", "issn", "ISSN", "eissn", "pissn",
                            "publisher", "publisher-place", "translation"})


def _default(item: dataclasses.Field) -> Any:
    """The attribute's default, as its declaration gives it."""
    if item.default_factory is not dataclasses.MISSING:
        return item.default_factory()
    return item.default


def _words(value: Any) -> str:
    """A text with its white space made single spaces (YAML folds lines as written)."""
    return " ".join(str(value).split())


# A person's name as a list of authors writes it: two to four words, each capitalised
# (or an initial), a particle (van, de...) between them; "Smith, John" too.
_PERSON = re.compile(r"(?:[A-ZА-ЯЁ][\w'’.-]*\s+(?:(?:van|von|der|den|de|del|della|da|di|du|la|le|dos|das|bin|ibn)\s+)*){1,3}"
                     r"[A-ZА-ЯЁ][\w'’.-]*|[A-ZА-ЯЁ][\w'’ -]*,\s*[A-ZА-ЯЁ][\w'’. -]*")


def _names_in(text: str) -> list[str]:
    """An author string that lists people ("Cameron Blevins and Lincoln Mullen",
    "Alice Smith, Bob Jones and Carol White") as their names; any other (one name,
    "Department of Science and Technology", "Johnson and Johnson") as it is."""
    text = text.strip()
    parts = re.split(r"\s+(?:and|и|&)\s+", text)  # ("Иванов И. П. и Петрова М. А.", as a Russian journal prints it)
    if len(parts) < 2:
        return [text] if text else []
    listed = [name.strip() for name in parts[0].split(",")] + parts[1:]  # ("A B, C D and E F")
    if all(_PERSON.fullmatch(name) and "," not in name for name in listed):
        return listed
    return parts if all(_PERSON.fullmatch(name.strip()) for name in parts) else [text]


def _listed(name: str) -> bool:
    """Whether a name string lists several people by commas or semicolons, each a
    name of two words or more with initials ("Иванов И. П., Петрова М. А.",
    "Ivanov, I. P.; Petrova, M. A.", "Smith J, Doe J"), which a name read as
    "Family, Given" would garble ("Иванов И. П. П. М. А." printed: QA 23)."""
    parts = [part.strip() for part in re.split(r"[;,]", name)]
    if ";" in name:
        return len(parts) >= 3 or len(parts) == 2 and all(parts)
    return len(parts) >= 2 and all(len(part.split()) >= 2 and _INITIAL.search(part) for part in parts)


_INITIAL = re.compile(r"(?:^|\s)[A-ZА-ЯЁ]\.?(?=\s|$)")


def _strip(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _list(value: Any) -> Any:
    """One text is a list of one."""
    return [value] if isinstance(value, str) else value


def _roles(value: Any) -> tuple[str, ...]:
    """Quarto's roles: text, a list of texts, or a list of `role: degree`
    ("investigation: lead" is printed "investigation (lead)")."""
    roles = []
    for item in _list(value) or []:
        if isinstance(item, dict):
            roles += [f"{role} ({degree})" if degree not in (None, "") else str(role) for role, degree in item.items()]
        elif str(item).strip():
            roles.append(str(item).strip())
    return tuple(roles)


def person_name(value: Any) -> PersonName:
    if isinstance(value, dict):
        return PersonName(**{k.replace("-", "_"): str(v).strip() for k, v in value.items()})
    return parse_name(str(value))


def _keywords(value: Any) -> tuple[str, ...]:
    """A list, or one string of comma-separated keywords (Quarto accepts both), or
    of semicolon-separated ones, as Russian journals print them ("история;
    Монголия": one keyword, QA 23)."""
    if value is None:
        return ()
    items = value.split(";" if ";" in value else ",") if isinstance(value, str) else value
    return tuple(k for k in (str(item).strip() for item in items) if k)


def _affiliation(value: Any) -> Affiliation:
    if isinstance(value, str):
        return Affiliation(name=value.strip())
    fields = {k.replace("-", "_"): str(v).strip() for k, v in value.items()
              if k not in ("id", "ref", "number", "state", "translation") and k.replace("-", "_") in _AFFILIATION_FIELDS}
    if "state" in value and "region" not in value:
        fields["region"] = value["state"]
    if value.get("translation"):
        fields["translation"] = _affiliation(value["translation"])
    return Affiliation(**fields)


_AFFILIATION_FIELDS = {f.name for f in dataclasses.fields(Affiliation)}


def _plain_value(value: Any, authors: dict[str, str]) -> str | None:
    """A Quarto funding part: text, a mapping with a name, or a `ref:` to an author."""
    if isinstance(value, dict):
        if "ref" in value:
            return authors.get(str(value["ref"]), str(value["ref"]))
        return _strip(value.get("name") or value.get("text"))
    if isinstance(value, list):
        return ", ".join(filter(None, (_plain_value(v, authors) for v in value))) or None
    return _strip(value)


