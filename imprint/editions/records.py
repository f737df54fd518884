"""The citation record as files a reference manager imports: CSL-JSON, BibTeX, RIS.

With the publication's `base-url`, each names where the article is read: the
landing page (CSL-JSON URL, BibTeX url, RIS UR) when the build makes the site,
and the PDF (RIS L1, which Zotero attaches) when it makes the print edition.
Only what the build makes is linked.
"""

from __future__ import annotations

import json
import re
from typing import Any, Mapping

from ..settings import Settings
from . import DEFAULT, EDITIONS
from ..prepare.article import Manuscript, metadata_text
from ..site.address import published
from ..source.record import full_title
from ..source.model import csl_variables
from ..source.schema import CSL_NAME_VARIABLES
from ..theme import Theme

# CSL item types to BibTeX entry types and RIS reference types.
BIBTEX_TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "book": "book", "chapter": "incollection", "paper-conference": "inproceedings",
    "report": "techreport", "thesis": "phdthesis", "entry-encyclopedia": "incollection",
    # biblatex's (Pandoc's and Zotero's readers give these types back; @misc says none)
    "webpage": "online", "dataset": "dataset", "manuscript": "unpublished", "software": "software",
}
# The publisher of a thesis and of a report under the name BibTeX requires.
PUBLISHER_FIELDS = {"phdthesis": "school", "techreport": "institution"}
# Types whose standard number is an ISBN (RIS's SN holds one number: an ISBN or an ISSN).
BOOKS = ("book", "chapter", "entry-encyclopedia", "paper-conference", "report", "thesis")
RIS_TYPES = {
    "article-journal": "JOUR", "article-magazine": "MGZN", "article-newspaper": "NEWS", "book": "BOOK",
    "chapter": "CHAP", "paper-conference": "CPAPER", "report": "RPRT", "thesis": "THES",
    "dataset": "DATA", "webpage": "ELEC", "manuscript": "UNPB", "preprint": "UNPB",
}
# BCP 47 primary subtags to the language names biblatex's `langid` expects.
LANGIDS = {"en": "english", "ru": "russian", "de": "ngerman", "fr": "french", "es": "spanish",
           "it": "italian", "uk": "ukrainian", "pl": "polish", "mn": "mongolian"}


def write_csl_json(manuscript: Manuscript, theme: Theme, settings: Settings) -> bytes:
    # With the variables front matter fields declare (source/model.py, `csl=`): what the
    # "For citation" line needs is in the record already (citation.build_record).
    record = {**linked_record(manuscript, settings), **csl_variables(manuscript.article)}
    record.update({variable: [_particles_joined(name) for name in names] for variable, names in record.items()
                   if variable in ("author", *CSL_NAME_VARIABLES) and isinstance(names, list)})
    if record.get("type") == "article-journal" and record.get("container-title-short"):
        # The journal's abbreviation under the name Zotero's CSL-JSON import reads it
        # too: its CSL map (zotero-schema, csl.fields.text) has `journalAbbreviation`
        # and no `container-title-short`, and only a journal article has the field.
        # Both are in the CSL-JSON schema (csl-data.json 1.0.2 keeps Zotero's name).
        record["journalAbbreviation"] = record["container-title-short"]
    return (json.dumps([record], indent=2, ensure_ascii=False) + "\n").encode()


def _particles_joined(name: Any) -> Any:
    """A name with its particles in its family and given names, as Zotero writes
    CSL-JSON and reads it: its import takes `family` and `given` alone, and "van der
    Berg" was stored as "Berg" (QA 25); citeproc-js and Pandoc's citeproc take the
    particles back out ("van der" before a family name, "de" after given names)."""
    if not isinstance(name, dict) or not (name.get("non-dropping-particle") or name.get("dropping-particle")):
        return name
    joined = {k: v for k, v in name.items() if k not in ("non-dropping-particle", "dropping-particle")}
    joined["family"] = _family(name)
    if name.get("dropping-particle"):
        joined["given"] = _given(name)
    return joined


def write_bibtex(manuscript: Manuscript, theme: Theme, settings: Settings) -> bytes:
    return to_bibtex(linked_record(manuscript, settings)).encode()


def write_ris(manuscript: Manuscript, theme: Theme, settings: Settings) -> bytes:
    return to_ris(linked_record(manuscript, settings), manuscript.keywords, pdf_url(manuscript, settings),
                  _translated_title(manuscript), _translated_authors(manuscript),
                  _translation_notes(manuscript)).encode()


def _translated_authors(manuscript: Manuscript) -> tuple[dict[str, str], ...]:
    """The authors as the translated "For citation" line names them (a name's
    `translation`, else the name as it is), where one has a name in that language."""
    article = manuscript.article
    if manuscript.translation is None or not any(a.translation and a.translation.name for a in article.authors):
        return ()
    return tuple((a.translation.name if a.translation and a.translation.name else a.name).csl()
                 for a in article.authors)


def _translation_notes(manuscript: Manuscript) -> tuple[str, ...]:
    """The translated article's "For citation" line and abstract, as the article
    prints them, each under its own heading in that language: the one way they reach
    Zotero, whose RIS import drops TT and TA (RIS.js: "unsupported", kept only with a
    hidden preference) and keeps every N1 as a note of the item. No field of Zotero's,
    CSL's (1.0.2) or biblatex's is a translated title: CSL's original-title and
    biblatex's origtitle are the title of the work a translation was made from,
    which here is the article's own."""
    translation = manuscript.translation
    if translation is None:
        return ()
    t = translation.t
    texts = ((t["for_citation"], translation.reference_text), (t["abstract"], translation.abstract_text))
    return tuple(f"{heading}: {text}" for heading, text in texts if text)


def _translated_title(manuscript: Manuscript) -> str | None:
    translation = manuscript.translation
    if translation is None or not translation.title_text:
        return None
    return full_title(translation.title_text, metadata_text(translation.subtitle) if translation.subtitle else None)


def linked_record(manuscript: Manuscript, settings: Settings) -> Mapping[str, Any]:
    """The record with its URL: the editor's `citation: url`, else the landing page
    when the publication has a base URL and the build makes the site."""
    article = manuscript.article
    if manuscript.record.get("URL") or not article.base_url or "site" not in (settings.formats or DEFAULT):
        return manuscript.record
    return {**manuscript.record, "URL": published(article.base_url, f"{article.slug}/index.html")}


def pdf_url(manuscript: Manuscript, settings: Settings) -> str | None:
    """Where the print edition is published, when there is a base URL and it is built."""
    article = manuscript.article
    if not article.base_url or "pdf" not in (settings.formats or DEFAULT):
        return None
    return published(article.base_url, f"{article.slug}/{EDITIONS['pdf'].path(article.slug)}")


def to_bibtex(record: Mapping[str, Any]) -> str:
    fields: list[tuple[str, str]] = []

    def add(name: str | None, value: Any, verbatim: bool = False) -> None:
        if name and value not in (None, ""):
            # biblatex reads url and doi verbatim: escaping them would change them.
            fields.append((name, _verbatim(str(value)) if verbatim else _latex(str(value))))

    for variable, name in (("author", "author"), ("editor", "editor"), ("translator", "translator"),
                           ("container-author", "bookauthor")):  # (biblatex's names; the rest are CSL-JSON's)
        if record.get(variable):
            fields.append((name, " and ".join(_bibtex_name(n) for n in record[variable])))
    if record.get("title"):  # double braces: BibTeX styles must not change its case
        fields.append(("title", "{" + _latex_rich(record["title"]) + "}"))
    add("shorttitle", record.get("title-short"))
    kind = BIBTEX_TYPES.get(record.get("type", ""), "misc")
    add("journal" if kind == "article" else "booktitle", record.get("container-title"))
    add("eventtitle", record.get("event-title"))  # (a conference: Zotero's BibTeX import reads its name here)
    add("venue", record.get("event-place"))
    add("shortjournal" if kind == "article" else None, record.get("container-title-short"))
    add("origtitle", record.get("original-title"))
    date = (record.get("issued") or {}).get("date-parts", [[]])[0]
    if date:
        add("year", date[0])
        if len(date) > 1:
            add("month", date[1])
        add("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(date)))
    add("volume", record.get("volume"))
    add("number", record.get("issue") if kind == "article"
        else record.get("issue") or record.get("number") or record.get("collection-number"))
    add("eid" if kind == "article" else None, record.get("number"))  # (an article's number: PLOS ONE's e0123456)
    add("series", record.get("collection-title"))
    add("edition", record.get("edition"))
    add("volumes", record.get("number-of-volumes"))
    add("pagetotal", record.get("number-of-pages"))
    add("pages", str(record.get("page", "")).replace("-", "--").replace("\u2013", "--") or None)
    add(PUBLISHER_FIELDS.get(kind, "publisher"), record.get("publisher"))
    add("type", record.get("genre"))
    add("address", record.get("publisher-place"))
    add("isbn", record.get("ISBN"))
    add("issn", record.get("ISSN"))
    add("doi", record.get("DOI"), verbatim=True)
    add("url", record.get("URL"), verbatim=True)
    # biblatex's langid (hyphenation, localisation) as its language key ("russian");
    # language as the record gives it ("ru"), as the CSL-JSON, RIS and landing page
    # do: it is the field Zotero's BibTeX import copies into its Language (and its
    # export writes Language to), and "russian" there made the same article a second
    # item (QA 25 Z6).
    language = record.get("language")
    add("langid", LANGIDS.get(str(language or "").split("-")[0].lower()))
    add("language", language)
    add("keywords", record.get("keyword"))
    add("abstract", record.get("abstract"))
    add("note", record.get("note"))
    # ("van der Berg": a particle that stays before the family name, as the record
    # says, where biblatex, Pandoc and Zotero read it so; by default BibTeX drops it)
    if any("non-dropping-particle" in name for variable in ("author", *CSL_NAME_VARIABLES)
           for name in record.get(variable, ())):
        add("options", "useprefix=true")
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{kind}{{{record['id']},\n{body}\n}}\n"


def to_ris(record: Mapping[str, Any], keywords: tuple[str, ...] = (), pdf: str | None = None,
           translated_title: str | None = None, translated_authors: tuple[Mapping[str, str], ...] = (),
           notes: tuple[str, ...] = ()) -> str:
    """The record in RIS. `keywords` one by one (the record joins them with commas,
    and a keyword may contain one); `pdf`: the PDF's URL (L1, an attachment);
    `translated_title` and `translated_authors` (CSL names): the title and names in
    the article's second language (TT and TA: EndNote's Translated Title and
    Translated Author; Zotero's RIS import has no field for them and leaves them
    out); `notes`: more notes (N1), after the record's own."""
    lines: list[tuple[str, Any]] = [("TY", RIS_TYPES.get(record.get("type", ""), "GEN"))]
    # The names by the tags Zotero's RIS import reads them under: a book's editors are
    # A3 and its series' A2, a chapter's the other way round; A4 translators, C2 the
    # author of the book a chapter is in.
    kind = record.get("type")
    book = kind == "book"
    for variable, tag in (("author", "AU"), ("editor", "A3" if book else "A2"),
                          ("collection-editor", "A2" if book else "A3"), ("translator", "A4"),
                          ("container-author", "C2")):
        lines += [(tag, _ris_name(name)) for name in record.get(variable, [])]
    lines += [("TA", _ris_name(name)) for name in translated_authors]
    lines.append(("TI", _RICH_TAG.sub("", record.get("title") or "")))  # (RIS has no emphasis)
    lines.append(("TT", _RICH_TAG.sub("", translated_title or "")))
    lines.append(("ST", record.get("title-short")))
    # The journal: T2 (Zotero's RIS import: publicationTitle), and JO, the periodical's
    # name where EndNote, Mendeley and rispy ("journal_name") look for it (a book's
    # title, a chapter's T2, has none).
    # (a conference paper's: the conference's name, and the proceedings in C3, as
    # Zotero's RIS import reads them; its place CY)
    conference = kind == "paper-conference"
    lines.append(("T2", record.get("event-title") if conference else record.get("container-title")))
    lines.append(("C3", record.get("container-title") if conference else None))
    lines.append(("JO", record.get("container-title") if str(record.get("type", "")).startswith("article") else None))
    lines.append(("J2", record.get("container-title-short")))
    lines.append(("T3", record.get("collection-title")))
    date = (record.get("issued") or {}).get("date-parts", [[]])[0]
    if date:
        lines.append(("PY", date[0]))
        lines.append(("DA", "/".join(f"{p:02d}" if i else str(p) for i, p in enumerate(date))))
    lines.append(("VL", record.get("volume")))
    lines.append(("IS", record.get("issue")))
    report = kind == "report"
    # (an article's number; a report's is SN; a book's series number, a chapter's SV: Zotero's RIS import)
    lines.append(("M1", None if report else record.get("number")
                  or (record.get("collection-number") if kind == "book" else None)))
    lines.append(("SV", record.get("collection-number") if kind == "chapter" else None))
    lines.append(("NV", record.get("number-of-volumes")))
    lines.append(("ET", record.get("edition")))
    lines.append(("M3", record.get("genre")))
    pages = re.split(r"\s*[-\u2013]\s*", str(record.get("page", ""))) if record.get("page") else []
    if pages:
        lines.append(("SP", pages[0]))
        if len(pages) > 1:
            lines.append(("EP", pages[-1]))
    elif kind in ("book", "thesis"):  # (a book's or a thesis's SP: its number of pages, to Zotero)
        lines.append(("SP", record.get("number-of-pages")))
    lines.append(("PB", record.get("publisher")))
    lines.append(("CY", record.get("publisher-place") or (record.get("event-place") if conference else None)))
    lines.append(("SN", record.get("number") if report else record.get("ISBN")
                  if kind in BOOKS and record.get("ISBN") else record.get("ISSN") or record.get("ISBN")))
    lines.append(("AV", record.get("archive_location")))
    lines.append(("DO", record.get("DOI")))
    lines.append(("UR", record.get("URL")))
    lines.append(("L1", pdf))
    lines.append(("LA", record.get("language")))
    for keyword in keywords:
        lines.append(("KW", keyword))
    lines.append(("AB", record.get("abstract")))
    lines.append(("N1", record.get("note")))
    lines += [("N1", note) for note in notes]
    lines.append(("ER", ""))
    # RIS: a two-letter tag, two spaces, a hyphen, a space; CRLF line ends.
    return "".join(f"{tag}  - {_one_line(value, html=tag != 'AB')}\r\n"
                   for tag, value in lines if value not in (None, "") or tag == "ER")


# What HTML would read as a tag or a character reference: Zotero's RIS import reads
# every value but an abstract as HTML (RIS.js: unescapeHTML), so that "n<k and the
# <canvas> element" would be "n element"; written as references, which it reads back.
_LIKE_HTML = re.compile(r"<(?=[A-Za-z/!?])|&(?=#?\w+;)")


def _one_line(value: Any, html: bool = False) -> str:
    text = " ".join(str(value).split())
    return _LIKE_HTML.sub(lambda found: "&lt;" if found.group() == "<" else "&amp;", text) if html else text


def _ris_name(name: Mapping[str, str]) -> str:
    """"Family, Given, Suffix", as RIS's name tags take it; an institution as it is."""
    return name.get("literal") or ", ".join(p for p in (_family(name), _given(name), name.get("suffix")) if p)


def _bibtex_name(name: Mapping[str, str]) -> str:
    if "literal" in name:
        return "{" + _latex(name["literal"]) + "}"
    parts = [_family(name)]
    if name.get("suffix"):
        parts.append(name["suffix"])
    if _given(name):
        parts.append(_given(name))
    return ", ".join(_latex(p) for p in parts)


def _family(name: Mapping[str, str]) -> str:
    """The family name with the particle that stays before it ("van der Berg"); an
    elided one joined without a space ("d'Alembert", "al-Rashid")."""
    particle, family = name.get("non-dropping-particle"), name.get("family") or ""
    if not particle:
        return family
    return particle + family if particle.endswith(("'", "\u2019", "-")) else f"{particle} {family}".strip()


def _given(name: Mapping[str, str]) -> str:
    """The given names, with a particle that drops before the family name when it
    leads (Ludwig van Beethoven: "Beethoven, Ludwig van", as Zotero writes it)."""
    return " ".join(p for p in (name.get("given"), name.get("dropping-particle")) if p)


_LATEX = {"\\": r"\textbackslash{}", "{": r"\{", "}": r"\}", "%": r"\%", "&": r"\&", "$": r"\$",
          "#": r"\#", "_": r"\_", "^": r"\textasciicircum{}", "~": r"\textasciitilde{}"}


def _verbatim(text: str) -> str:
    """A verbatim field may hold anything but unbalanced braces."""
    text = " ".join(text.split())
    return text.replace("{", "%7B").replace("}", "%7D")


# CSL-JSON's rich text in a title (source/record: emphasis, "Reading <i>Capital</i> Today")
_RICH_TAG = re.compile(r"</?[ib]>")
_LATEX_RICH = {"<i>": r"\textit{", "<b>": r"\textbf{", "</i>": "}", "</b>": "}"}


def _latex_rich(text: str) -> str:
    """A title with its rich text's emphasis as LaTeX's (`\\textit{Capital}`, as Zotero
    writes and reads it), the rest escaped."""
    parts = re.split(r"(</?[ib]>)", " ".join(text.split()))
    return "".join(_LATEX_RICH.get(part) or "".join(_LATEX.get(char, char) for char in part) for part in parts)


def _latex(text: str) -> str:
    """Escape the characters TeX treats specially; other Unicode passes (biblatex/biber)."""
    return "".join(_LATEX.get(char, char) for char in " ".join(text.split()))


# The citation files an archival PDF carries, with their media types.
ATTACHMENTS = {fmt: (write, EDITIONS[fmt].media_type)
               for fmt, write in (("json", write_csl_json), ("bib", write_bibtex), ("ris", write_ris))}
