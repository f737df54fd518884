"""What an editor may write, as JSON Schema (draft 2020-12), and how a front
matter field is declared: once, on the model attribute it fills.

model.Article declares each top-level field with front_matter() (key, type,
documentation, reading, default, what the records call it); article_schema() and
the shared part of publication_schema() are derived from those declarations, and
so are the reading (source/metadata.py) and the records (editions/records.py,
epub_metadata.py, site_metadata.py). This module holds the types (the schemas of
values: DATE, AUTHOR, CITATION_FIELDS, ...) and the issue and publication files'
own fields. The schemas validate every file (source/project.py, source/validation.py) and are
published to schema/ so that editors get completion and inline errors
(`python publish.py schema --write`). Field names follow Quarto and Pandoc so
that existing front matter works as it is. `x-hint` is ours: what to tell the
user when a value does not match.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import json
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Iterator, Literal, Mapping

SCHEMA_URL = "https://imprint.invalid/schema"  # an identifier, never fetched

_TEXT = {"type": "string", "pattern": r"\S", "x-hint": "fill it in, or leave the field out"}


def _text(description: str, **more) -> dict:
    return {**_TEXT, "description": description, **more}


# A web address: what a reader's device opens as a link (landing page, EPUB, PDF)
# and what the citation records carry. Only http(s) with a host: `javascript:`,
# `data:`, `file:` and the like would run or read something where the reader
# follows the link (an EPUB reader, a browser, a reference manager).
# Characters RFC 3986 never allows unescaped (quotes, angle brackets, braces, a
# backslash, spaces and controls) are refused too: the records' formats (BibTeX's
# braces, RIS's lines) need not guard against them.
URL_PATTERN = r'^https?://[^\s\x00-\x1f\x7f/?#\\@"<>{}`]+(?:[/?#][^\s\x00-\x1f\x7f\\"<>{}`]*)?$'
_URL_HINT = "write a web address that starts with https:// (or http://), such as https://example.org/page"


def _url(description: str) -> dict:
    return {"type": "string", "pattern": URL_PATTERN, "description": description, "x-hint": _URL_HINT,
            "x-problem": "is not a web address"}


def _any_case(word: str) -> str:
    """A word in a pattern, in any case ([Jj][Aa]...: JSON Schema's patterns have no flags)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else c for c in word)


# Text that a reader's software may take for a link (a licence, CSL variables such
# as `license` or `note` that reference managers show as links when they look like
# one) must not start with a scheme that runs or reads something.
_SCRIPT_SCHEMES = ("javascript", "vbscript", "data", "file")
NO_SCRIPT = r"^(?!\s*(?:" + "|".join(map(_any_case, _SCRIPT_SCHEMES)) + r"):)"


def _no_script(schema: dict) -> dict:
    """`schema` (text) also refusing text that starts with javascript:, data:, file: ..."""
    own = {k: v for k, v in schema.items() if k in ("pattern", "x-hint", "x-problem")}
    rest = {k: v for k, v in schema.items() if k not in own}
    script = {"pattern": NO_SCRIPT, "x-problem": "starts like a script or a file's address, which a reader's "
              "software could follow as a link", "x-hint": "write the text itself, or a web address that starts "
              "with https://"}
    return {**rest, "allOf": [own, script] if own else [script]}


def _text_or_number(description: str) -> dict:
    """Text that YAML may read as a number (an id, a postal code): Quarto and Pandoc
    take it as text, and so does Imprint (quarto_project.read_scalars_as_typed, which
    warns when YAML's reading lost what was written: the leading zero of 02210)."""
    return {"type": ["string", "number"], "pattern": r"\S", "description": description,
            "x-hint": "fill it in, or leave the field out"}


def _list_of_text(description: str) -> dict:
    """A list of strings; a single string is accepted as a list of one (as Quarto does)."""
    return {"description": description, "anyOf": [_TEXT, {"type": "array", "items": _TEXT}]}


def _text_or_parts(properties: dict, text: dict = _TEXT, **described) -> dict:
    """A line of `text`, or an object of these parts (at least one, and no other)."""
    return {**described, "anyOf": [text, {"type": "object", "properties": properties,
                                          "additionalProperties": False, "minProperties": 1}]}


# Checked further by values.parse_date, which can say what is wrong with a date.
DATE = {
    "description": "A date: YYYY-MM-DD, YYYY-MM or YYYY ('March 5, 2024' is understood too). Quarto's "
                   "`today` and `last-modified` are the day of SOURCE_DATE_EPOCH, else of the file's last "
                   "commit in git, so that every build gives the same date.",
    "type": ["string", "integer"],
    "minimum": 1000,
    "maximum": 9999,
    "x-hint": "write the date as YYYY-MM-DD, YYYY-MM or YYYY (for example 2019-09-30)",
}

NAME = _text_or_parts({
    "given": _text("Given names, initials allowed: 'Eduard V.'."),
    "family": _text("Family name: 'Batunaev'."),
    "literal": _text("A name that must not be split (an institution)."),
    "non-dropping-particle": _text("A particle sorted with the family name: 'van'."),
    "dropping-particle": _text("A particle dropped when sorting: 'de'."),
    "suffix": _text("'Jr.', 'III'."),
}, description="A person's name: 'Given Family', or its parts (CSL name fields).")

AFFILIATION_FIELDS = {
    "id": _text_or_number("A label other entries refer to with `ref:` (given here, under an author or at the "
                          "top level, it serves every author of the article)."),
    "ref": _text_or_number("The `id` of an affiliation given elsewhere in the article (under the top-level "
                           "`affiliations:` or under another author)."),
    "name": _text("The institution."),
    "department": _text("The department within the institution."),
    "group": _text("A research group or laboratory within the department."),
    "address": {**_text_or_number("Street address."),
                "x-type-hint": "write the street as one line of text, and the city, region, country and postal code "
                          "in `city`, `region`, `country`, `postal-code`"},
    "city": _text("City."),
    "region": _text("Region, state or province."),
    "state": _text("Same as `region` (Quarto accepts both)."),
    "country": _text("Country."),
    "postal-code": _text_or_number("Postal code."),
    "url": _url("The institution's web address."),
    "ror": {"type": "string", "pattern": r"^(https://ror\.org/)?0[0-9a-hjkmnp-z]{6}[0-9]{2}$",
            "description": "The institution's ROR identifier: 05qghxh33, or https://ror.org/05qghxh33.",
            "x-hint": "write the ROR id as 05qghxh33 or https://ror.org/05qghxh33 (see https://ror.org)",
            "x-problem": "is not a ROR id"},
    "isni": _text_or_number("The institution's ISNI (16 digits)."),
    "ringgold": _text_or_number("The institution's Ringgold ID (4 to 6 digits)."),
    "number": {"description": "Quarto's affiliation number; ignored.", "type": ["integer", "string"]},
}

AFFILIATION_TRANSLATION = {
    "type": "object",
    "description": "The affiliation in the language of the article's `translation:`.",
    "properties": {k: v for k, v in AFFILIATION_FIELDS.items() if k not in ("id", "ref", "number", "isni",
                                                                          "ringgold")},
    "additionalProperties": False,
    "minProperties": 1,
}

AFFILIATION = _text_or_parts({**AFFILIATION_FIELDS, "translation": AFFILIATION_TRANSLATION},
                             description="An affiliation: a line of text, or its parts (Quarto's affiliation schema).")

ORCID = {
    "type": "string",
    "description": "ORCID iD, bare or as a URL.",
    "pattern": r"^(https?://orcid\.org/)?\d{4}-\d{4}-\d{4}-\d{3}[\dX]$",
    "x-hint": "write the ORCID iD as 0000-0000-0000-0000 (the last character may be X)",
}

AUTHOR_ATTRIBUTES = ("corresponding", "equal-contributor", "deceased")

ROLES = {
    "description": "Contributor roles: text (CRediT terms such as 'conceptualization'), a list of them, or "
                   "a list of `role: degree` (Quarto: `investigation: lead`).",
    "anyOf": [_TEXT, {"type": "array", "items": {"anyOf": [
        _TEXT, {"type": "object", "minProperties": 1}]}}],
}

AUTHOR = {
    "description": "An author: a name, or a name with details.",
    "anyOf": [
        _TEXT,
        {
            "type": "object",
            "properties": {
                "name": NAME,
                "orcid": ORCID,
                "email": {
                    "type": "string",
                    # (printed as a mailto: link: no scheme of its own, nothing a URL would read
                    # as a path, a query or another address)
                    # (the dot found after the domain is known to run to the end: linear)
                    "pattern": r'^[^@\s:/\\?#<>"(),;\[\]]+@(?=[^@\s:/\\?#<>"(),;\[\]]+$)'
                               r'[^@\s:/\\?#<>"(),;\[\]]+?\.[^@\s:/\\?#<>"(),;\[\]]',
                    "description": "E-mail address (printed for the corresponding author, as a mailto: link).",
                    "x-hint": "write an e-mail address such as name@example.org (without mailto:)",
                    "x-problem": "is not an e-mail address",
                },
                "url": _url("The author's web page."),
                "affiliations": {"description": "Where the author works.", "type": "array", "items": AFFILIATION},
                "affiliation": {
                    "description": "Same as `affiliations` (Quarto accepts both).",
                    "anyOf": [AFFILIATION, {"type": "array", "items": AFFILIATION}],
                },
                "affiliation-url": _url("The web address of the author's affiliation (Quarto takes it from "
                                         "Distill): the `url` of each of the author's affiliations that has none."),
                "corresponding": {"type": "boolean", "description": "Whether this is the corresponding author."},
                "equal-contributor": {"type": "boolean", "description": "Whether the author contributed equally "
                                      "with the other authors so marked (a mark and a note under the byline)."},
                "deceased": {"type": "boolean", "description": "Whether the author has died (marked with a dagger "
                             "in the byline)."},
                "current-address": _text("Where the author works now, if not at the affiliations of the article "
                                         "(a note under the byline, as PLOS prints it)."),
                "group": {"type": "boolean", "description": "The 'author' is a group or consortium: its name is "
                          "printed as written, never split into given and family names."},
                "attributes": {
                    "description": "Quarto's author attributes: a set of true/false fields, or a list of the "
                                   "names of those that hold.",
                    "anyOf": [
                        {"type": "object", "properties": {name: {"type": "boolean"} for name in AUTHOR_ATTRIBUTES},
                         "additionalProperties": False},
                        {"type": "string", "enum": list(AUTHOR_ATTRIBUTES)},
                        {"type": "array", "items": {"type": "string", "enum": list(AUTHOR_ATTRIBUTES)}},
                    ],
                },
                "metadata": {"type": "object", "description": "Quarto's other author fields (its normalised "
                             "form puts unknown ones here); `current-address` and `group` are read from it."},
                "degrees": _list_of_text("Academic degrees: 'Cand. Sci. (Hist.)'."),
                "roles": ROLES,
                "role": {**ROLES, "description": "Same as `roles` (Quarto accepts both)."},
                "position": _text("The post the author holds: 'Researcher'."),
                "note": _text("A note about the author, printed in 'About the authors'."),
                "translation": {
                    "type": "object",
                    "description": "The author's name (in its other script) and details in the language of "
                                   "the article's `translation:`.",
                    "properties": {
                        "name": NAME,
                        "degrees": _list_of_text("Degrees, translated."),
                        "position": _text("Post, translated."),
                    },
                    "additionalProperties": False,
                    "minProperties": 1,
                },
                "id": _text_or_number("A label funding entries refer to with `ref:` (Quarto)."),
                **{name: {"description": "Quarto author field; Imprint ignores it."}
                   for name in ("phone", "fax")},
            },
            "required": ["name"],
            "additionalProperties": False,
        },
    ],
}

LICENSE = _text_or_parts({
    "text": _no_script(_text("The licence as printed: 'CC BY 4.0'.")),
    "url": _url("Where the licence text is."),
    "type": _text("Quarto's licence type; ignored."),
}, text=_no_script(_TEXT))

# CSL variables an editor writes under `citation:`. Names follow CSL 1.0.2; DOI,
# ISSN, ISBN and URL are accepted in either case, as Quarto writes them lower-case.
_CSL_TEXT_VARIABLES = (
    "container-title", "container-title-short", "collection-title", "collection-number",
    "volume", "issue", "page", "number", "edition", "publisher", "publisher-place",
    "event-title", "event-place", "genre", "medium", "status", "archive", "archive-place",
    "source", "language", "note", "section", "part-number", "supplement-number",
    "number-of-pages", "chapter-number", "original-title", "title-short", "license",
    # The other text and number variables Quarto's `citation:` takes (its citation-item schema).
    "citation-key", "citation-label", "abstract-url", "annote", "archive-collection", "archive-location",
    "authority", "call-number", "dimensions", "division", "elocation-id", "eissn", "pissn", "fulltext-url",
    "jurisdiction", "number-of-volumes", "part-title", "pdf-url", "public-url", "publisher-location",
    "reviewed-genre", "reviewed-title", "scale", "subject", "version", "volume-title", "year-suffix",
    "pmid", "PMID", "pmcid", "PMCID", "art-access-id", "page-first", "page-last", "printing-number",
)
# Those of them that are web addresses (Quarto's citation-item schema).
_CSL_URL_VARIABLES = ("abstract-url", "fulltext-url", "pdf-url", "public-url")
# The citation's variables a translation gives in its own language (the journal's name).
TRANSLATED_CITATION = ("container-title", "container-title-short", "publisher", "publisher-place")
# CSL's name variables but `author` (the article's authors): a chapter's volume
# editors (`editor`), its translator, the book's author (`container-author`).
CSL_NAME_VARIABLES = (
    "editor", "translator", "container-author", "collection-editor", "composer", "director", "editorial-director",
    "illustrator", "interviewer", "original-author", "recipient", "reviewed-author", "chair", "compiler",
    "contributor", "curator", "executive-producer", "guest", "host", "narrator", "organizer", "performer",
    "producer", "script-writer", "series-creator")
CSL_TYPES = (
    "article", "article-journal", "article-magazine", "article-newspaper", "book", "chapter",
    "dataset", "entry-encyclopedia", "paper-conference", "report", "review", "review-book",
    "thesis", "webpage", "manuscript", "preprint", "speech",
)

CITATION_FIELDS = {
    "type": "object",
    "description": "Where the article appeared, in CSL-JSON terms (Quarto's `citation:`).",
    "properties": {
        "type": {"type": "string", "enum": list(CSL_TYPES), "description": "CSL item type."},
        "id": {"type": ["string", "integer"], "pattern": r"^[^\s{},#%\\\"'~()=]+$",
               "description": "The key the citation files give the article (CSL-JSON's id, BibTeX's key; Quarto's "
                              "citation id); default: the article's folder name.",
               "x-problem": "cannot be a citation key", "x-hint": "write it without spaces, commas, braces or quotes: "
                                                                  "roe2024"},
        **{name: _no_script({"type": ["string", "integer"], "description": f"CSL `{name}`."})
           for name in _CSL_TEXT_VARIABLES},
        "container-title": _text("The journal, book or proceedings the article is part of."),
        "volume": {"type": ["string", "integer"], "description": "Volume: 5."},
        "issue": {"type": ["string", "integer"], "description": "Issue within the volume: 3."},
        "collection-number": {
            "type": ["string", "integer"],
            "description": "The journal's running issue number across volumes, printed as 'no 3 (19)'.",
        },
        "page": {
            "type": ["string", "integer"],
            "pattern": r"^[\w.]+(\s*[-\u2013]\s*[\w.]+)?$",
            "description": "Pages: 173-184.",
            "x-hint": "write the pages as first-last, for example 173-184",
        },
        **{key: _text("ISSN of the journal.") for key in ("issn", "ISSN")},
        **{key: _text("ISBN of the book.") for key in ("isbn", "ISBN")},
        **{key: _url("URL where the article is published.") for key in ("url", "URL")},
        **{key: _url(f"CSL `{key}`: a web address.") for key in _CSL_URL_VARIABLES},
        "issued": {**DATE, "description": "Publication date, when it differs from `date`."},
        "translation": {
            "type": "object",
            "description": "The journal as the language of the article's `translation:` names it: the "
                           "translated \"For citation\" line cites it so.",
            "properties": {key: _text(f"CSL `{key}` in that language.") for key in TRANSLATED_CITATION},
            "additionalProperties": False,
            "minProperties": 1,
        },
        **{name: {"description": f"CSL `{name}`: a name or a list of names, as `author` takes them "
                                 "('Given Family', or its parts).",
                  "anyOf": [NAME, {"type": "array", "items": NAME, "minItems": 1}]}
           for name in CSL_NAME_VARIABLES},
        **{key: {"type": "string", "description": "Same as the top-level `doi` (Quarto writes it here too).",
                 "pattern": r"^(https?://(dx\.)?doi\.org/|doi:)?10\.\d{4,9}/\S*[^\s.,;]$",
                 "x-hint": "write the DOI as 10.xxxx/suffix, without the full stop of a sentence after it"} for key in ("doi", "DOI")},
    },
    "additionalProperties": False,
}

# Fields a Quarto or Pandoc document may carry that concern other tools; accepted
# and ignored so that such files build unchanged.
FOREIGN_FIELDS = (
    "format", "jupyter", "engine", "knitr", "editor", "filters", "output",
    "toc", "toc-title", "documentclass", "classoption", "geometry",
    "header-includes", "fontsize", "mainfont", "draft",
    "includes", "preamble",  # (R Markdown's `includes: in_header:`, rticles': their macros are read, templates.py)
    # Citation and cross-reference settings of Pandoc and Quarto: Imprint links
    # citations, places notes and numbers figures its own way.
    "link-citations", "link-bibliography", "citeproc", "cite-method", "fig-cap-location",
    "tbl-cap-location", "cap-location", "citation-location", "reference-location", "biblio-style",
    "biblio-title", "biblatexoptions", "natbiboptions", "notes-after-punctuation",
)

# Every top-level option of Quarto's own schema (quarto-cli src/resources/schema/
# document-*.yml and project.yml, as of 2026-07): what Imprint does not declare
# itself is accepted and ignored, like FOREIGN_FIELDS; but for those that hold
# text a reader would see (`thanks`, `institute`, `description`, `subject`,
# `rights`), which are listed among the fields ignored. A field that neither
# knows is ignored too, with a note (quarto_project.set_aside_unknown).
QUARTO_OPTIONS = tuple("""
    CJKmainfont CJKoptions abbreviations about abstract  adjusting affiliation aliases
    anchor-sections appendix-cite-as appendix-style article ascii aspectratio author author-meta
    auto-animate auto-animate-duration auto-animate-easing auto-animate-styles auto-animate-unmatched
    auto-play-media auto-slide auto-slide-method auto-slide-stoppable auto-stretch axe background-transition
    backgroundcolor beamerarticle beameroption belongs-to-collection biblatexoptions biblio-config
    biblio-style biblio-title bibliography bibliographystyle block-headings body-classes book brand
    brand-mode cache canonical-url category center center-title-slide chalkboard citation
    citation-abbreviations citation-location citations-hover cite-method citecolor citeproc classoption
    code-annotations code-block-bg code-block-border-left code-block-height code-copy code-link code-links
    code-tools codefont colorlinks colortheme colorthemeoptions columns comments contrastcolor contributor
    controls controls-back-arrows controls-layout controls-tutorial copyright coverage creator crossref
    crossrefs-hover csl css css-property-processing daemon daemon-restart data-dir date date-format
    date-meta date-modified debug default-image-extension default-timing defaults 
    description-meta df-print dir disable-layout display document-css documentclass doi dpi dump-args editor
    editor_options email-obfuscation email-version embed-resources embedded enabled engine engines eol
    epub-chapter-level epub-cover-image epub-fonts epub-metadata epub-subdirectory epub-title-page
    expandable extract-media fail-if-warnings fig-asp fig-dpi fig-format fig-height fig-responsive fig-width
    file-scope filecolor filters font-paths fontcolor fontenc fontfamily fontfamilyoptions fontsize
    fonttheme fontthemeoptions footer footertext footnotes-hover format format-links fragment-in-url
    fragments freeze from funding geometry grid group-position hash hash-one-based-index hash-type header
    header-includes headertext height help hide-cursor-time hide-inactive-cursor highlight-style history
    html-math-method html-pre-tag-processing html-q-tags html-table-processing hyperrefoptions hyphenate
    ibooks identifier identifier-prefix ignore-args image image-alt image-height image-lazy-loading
    image-width include-after include-after-body include-before include-before-body include-in-header
    includesource incremental indent indented-code-classes indenting innertheme innerthemeoptions input-file
    input-files  interlinespace ipynb ipynb-filters ipynb-output ipynb-shell-interactivity journal
    julia jump-to-slide jupyter keep-hidden keep-ipynb keep-md keep-source keep-tex keep-typ keyboard
    keywords knitr lang language latex-auto-install latex-auto-mk latex-clean latex-input-paths
    latex-makeindex latex-makeindex-opts latex-max-runs latex-min-runs latex-output-dir latex-tinytex
    latex-tlmgr-opts layout license lightbox lineheight linestretch link-bibliography link-citations
    link-external-filter link-external-icon link-external-newwindow linkcolor links-as-notes linkstyle
    list-tables listing listings lof log-file logo loop lot mainfont mainfontoptions manuscript margin
    margin-bottom margin-geometry margin-left margin-right margin-top markdown-headings mathfont
    mathfontoptions max-scale max-width menu merge-includes mermaid metadata metadata-file metadata-files
    microtypeoptions min-scale minimal mobile-view-distance monobackgroundcolor monofont monofontoptions
    mouse-wheel multiplex natbiboptions nav-buttons navigation navigation-mode notebook-links
    notebook-preview-options notebook-subarticles notebook-view notebook-view-style notes
    notes-after-punctuation number-depth number-offset number-sections ojs-engine order orientation
    other-links outertheme outerthemeoptions output-divs output-ext output-file output-location overview
    page-layout page-numbering page-progression-direction page-width pagenumbering pagestyle pagetitle
    papersize parallax-background-horizontal parallax-background-image parallax-background-size
    parallax-background-vertical pause pdf-engine pdf-engine-opt pdf-engine-opts pdf-max-pages-per-slide
    pdf-page-height-offset pdf-separate-fragments pdf-standard pdfa pdfaiccprofile pdfaintent
    plotly-connected pointsize prefer-html preload-iframes preserve-tabs preview-links preview-mode progress
    project quarto-required reference-doc reference-location relation repo-actions request-headers
    resource-path resources respect-user-color-scheme respond-to-hash-changes revealjs-url  rtl s5-url
    sansfont sansfontoptions scroll-view scrollable scrolling search secnumdepth section section-divs
    section-numbering section-titles self-contained self-contained-math server shift-heading-level-by
    shortcodes shorthands show-notes show-slide-number shuffle slide-level slide-number slide-tone
    slideous-url slidy-url smaller smooth-scroll split-level strip-comments  subtitle
    syntax-definition syntax-definitions syntax-highlighting tab-stop tabsets tags template
    template-partials  theme themeoptions theorem-appearance title title-block-banner
    title-block-banner-color title-block-categories title-block-style title-meta title-prefix
    title-slide-attributes title-slide-style titlegraphic to toc toc-depth toc-expand toc-indent
    toc-location toc-title toccolor top-level-division touch trace track-changes transition transition-speed
    type urlcolor use-rsvg-convert variables variant verbosity view-distance website whitespace width wrap
    zotero
""".split())

COPYRIGHT = _text_or_parts({
    "holder": _text("Who holds the copyright."),
    "year": {"type": ["integer", "string"], "description": "The year of the copyright."},
    "statement": _text("The notice as printed."),
})

# The types of the top-level fields, without their descriptions: each field's
# declaration in source/model.py (front_matter()) gives its documentation.
TITLE = {"type": ["string", "number"], "pattern": r"\S", "x-hint": "fill it in, or leave the field out"}  # "1984"


def _title(description: str) -> dict:
    return {**TITLE, "description": description}


TEXT = _TEXT
TEXT_LIST = {"anyOf": [_TEXT, {"type": "array", "items": _TEXT}]}  # one text is a list of one; [] is none (Quarto)
FLAG = {"type": "boolean"}
LANG = {
    "type": "string",
    "pattern": r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$",
    "x-problem": "is not a language tag",
    "x-hint": "write a language tag such as en, ru or en-GB",
}
# Any case: `paper: a4` is A4, as --paper a4 is (the model reads the name in lower
# case); JSON Schema has no case-insensitive enum, so a pattern, and the names as
# `examples` for an editor's completion.
PAPER = {"type": "string", "examples": ["A4", "Letter", "A5"],
         "pattern": "^(?:" + "|".join(map(_any_case, ("A4", "Letter", "A5"))) + ")$",
         "x-problem": "is not allowed", "x-hint": "use one of: A4, Letter, A5"}
DOI = {
    "type": "string",
    "pattern": r"^(https?://(dx\.)?doi\.org/|doi:)?10\.\d{4,9}/\S*[^\s.,;]$",
    "x-hint": "write the DOI as 10.xxxx/suffix, without the full stop of a sentence after it",
}
CITATION = {"anyOf": [CITATION_FIELDS, {"type": "boolean"}]}
AUTHORS = {"anyOf": [AUTHOR, {"type": "array", "items": AUTHOR, "minItems": 1}]}
TOP_AFFILIATIONS = {
    "type": "array",
    "items": {"type": "object", "properties": {**AFFILIATION_FIELDS, "translation": AFFILIATION_TRANSLATION},
              "required": ["id"], "additionalProperties": False},
}
KEYWORDS = {"anyOf": [_TEXT, {"type": "array", "items": _text_or_number("A keyword.")}]}
AUTHOR_NOTES = {
    "type": "object",
    "properties": {
        "equal-contributor": _text("The note on the authors marked `equal-contributor`."),
        "deceased": _text("The note on the authors marked `deceased`."),
        "group": _text("The note on a group author (`group: true`), such as where its members are listed."),
    },
    "additionalProperties": False,
    "minProperties": 1,
}

# Quarto's cross-reference options (quarto-cli src/resources/schema/document-crossref.yml).
# the kinds an article refers to: @fig-, @tbl-, @eq-, @sec-, @lst-, @thm-, ...
CROSSREF_PREFIXES = ("fig", "tbl", "eq", "sec", "lst", "thm", "lem", "cor", "prp", "cnj", "def", "exm", "exr")
_CROSSREF_KINDS = ("fig", "tbl", "eq", "lst", "thm", "lem", "cor", "prp", "cnj", "def", "exm", "exr")
AUTO_SECTION_LABELS = "auto-section-labels"
CROSSREF_TITLES = ("fig", "tbl", "lst", "thm", "lem", "cor", "prp", "cnj", "def", "exm", "exr")
# Quarto's `execute:` (its execution options): those Imprint reads, as every cell's
# (no cell is run: they say what is shown); the others are accepted and ignored.
EXECUTE = {
    "type": "object",
    "properties": {name: {"type": ["boolean", "string"], "description": f"Every cell's `{name}` (a cell's own "
                                                                       "option over it)."}
                   for name in ("echo", "eval", "include", "output")},
}
CROSSREF = {
    "anyOf": [
        {"type": "boolean", "enum": [False]},
        {"type": "object", "additionalProperties": False, "properties": {
            **{f"{kind}-prefix": {"type": "string", "description": f"What `@{kind}-...` prints before the number "
                                  "(empty: the number alone)."} for kind in CROSSREF_PREFIXES},
            **{f"{kind}-title": {"type": "string", "description": f"The word before a {kind}'s own number, in "
                                 "its caption or title (empty: the number alone)."} for kind in CROSSREF_TITLES},
            "title-delim": {"type": "string", "description": "What follows a caption's number (Imprint's "
                            "default: a full stop, 'Figure 1.'; Quarto's: a colon)."},
            AUTO_SECTION_LABELS: {"type": "boolean", "description": "Every heading is referred to as `@sec:` "
                                  "and its id, given or made by Pandoc (pandoc-crossref's `autoSectionLabels`)."},
            **{name: {"description": "Quarto's cross-reference setting; Imprint ignores it."} for name in (
                "custom", "chapters", "labels", "subref-labels", "ref-hyperlink", "appendix-title",
                "appendix-delim", "lof-title", "lot-title", "lol-title", "sec-labels",
                *(f"{kind}-{what}" for kind in _CROSSREF_KINDS for what in ("title", "prefix", "labels")))
               if name not in {f"{kind}-prefix" for kind in CROSSREF_PREFIXES}
               | {f"{kind}-title" for kind in CROSSREF_TITLES}},
        }},
    ],
}

REFERENCES = {
    "type": "array",
    "items": {"type": "object", "required": ["id"], "properties": {
        "id": {"type": ["string", "integer"], "description": "The key the text cites it by (@id)."}}},
    "description": "CSL-YAML records, as Pandoc's `references:` (its manual, section Citations).",
}

FUNDING = {
    "anyOf": [
        _TEXT,
        {"type": "object", "minProperties": 1, "additionalProperties": False, "properties": {
            "statement": _text("The funding statement as printed."),
            "open-access": _text("Who funded open access (Quarto)."),
            "awards": {"type": "array", "description": "Quarto's awards: id, name, source, recipient, ..."},
        }},
        {"type": "array", "minItems": 1, "items": {"anyOf": [
            _TEXT,
            {"type": "object", "minProperties": 1, "additionalProperties": False, "properties": {
                "statement": _text("The funding statement as printed."),
                "source": {"description": "Who funded the work (Quarto)."},
                "award": {"description": "The award or grant number (Quarto)."},
                "recipient": {"description": "Who received it (Quarto)."},
                "investigator": {"description": "The investigator (Quarto)."},
            }},
        ]}},
    ],
}

TRANSLATION = {
    "type": "object",
    "properties": {
        "lang": {**LANG, "description": "Language of the text, as a BCP 47 tag: en, ru, en-GB."},
        "title": {**TITLE, "description": "The title in that language."},
        "subtitle": {**TITLE, "description": "The subtitle in that language."},
        "abstract": _text("The abstract in that language (Markdown)."),
        "keywords": _list_of_text("Keywords in that language."),
    },
    "required": ["lang"],
    "additionalProperties": False,
}


# -- A field declared once ---------------------------------------------------------
#
# A front matter field is an attribute of the model (model.Article) that carries
# its declaration: dataclasses.field(metadata={FRONT_MATTER: FrontMatter(...)}),
# made by front_matter(). The JSON Schema (article_schema, the shared part of
# publication_schema), the reading (metadata.ArticleBuilder: the value, its
# default, its problems), the records (CSL-JSON, Dublin Core) and the
# documentation (each field's description) are derived from those declarations.

FRONT_MATTER = "imprint.front_matter"  # the key of a declaration in a dataclass field's metadata

# How ArticleBuilder turns the value written into the attribute (None: the attribute's default):
#   text      a string, stripped (a number as text); empty: None
#   date      values.parse_date, with Quarto's `today` and `last-modified`; problems name the line
#   flag      true or false
#   list      one text is a list of one; each item stripped
#   keywords  a list, or one text separated by commas
#   own       the builder's own reader for the key (ArticleBuilder.readers): authors, citation, ...
Reading = Literal["text", "date", "flag", "list", "keywords", "own"]


@dataclass(frozen=True)
class FrontMatter:
    """The one declaration of a front matter field."""

    key: str  # as the editor writes it: date-received
    values: Mapping[str, Any]  # the JSON Schema its values match (but for the description)
    doc: str  # the description: the field's documentation (editors see it as they type)
    read: Reading
    # Other names accepted, and why (printed as "Same as `key` (why)."):
    aliases: Mapping[str, str | None] = dataclasses.field(default_factory=lambda: MappingProxyType({}))
    also: tuple[FrontMatter, ...] = ()  # other keys the same reader takes (authors: `affiliations:`)
    shared: bool = False  # source/publication.yaml may give it for every article
    required: str | None = None  # the hint when it is missing: a required field
    csl: str | None = None  # the CSL 1.0.2 variable it is in the citation record
    dcterms: str | None = None  # the DCMI term it is (EPUB package metadata, landing page meta tags)

    def schema(self) -> dict[str, Any]:
        found = {"description": self.doc, **{k: v for k, v in self.values.items() if k != "description"}}
        return found | {"x-required-hint": self.required} if self.required else found

    def properties(self) -> dict[str, dict[str, Any]]:
        """The JSON Schema of the key, of each alias and of the keys it also takes."""
        found = {self.key: self.schema()}
        for alias, why in self.aliases.items():
            said = f" ({why})" if why else ""
            found[alias] = self.schema() | {"description": f"Same as `{self.key}`{said}."}
        for other in self.also:
            found.update(other.properties())
        return found


@dataclass(frozen=True)
class Group:
    """An attribute whose own attributes are top-level fields (Article.back_matter)."""

    model: type


def front_matter(key: str, values: Mapping[str, Any], doc: str, *, read: Reading, default: Any = None,
                 factory: Callable[[], Any] | None = None, aliases: Mapping[str, str | None] | None = None,
                 also: tuple[FrontMatter, ...] = (), shared: bool = False, required: str | None = None,
                 csl: str | None = None, dcterms: str | None = None) -> Any:
    """A model attribute that is the front matter field `key` (dataclasses.field with its declaration)."""
    declaration = FrontMatter(key, values, doc, read, MappingProxyType(dict(aliases or {})), also, shared, required,
                              csl, dcterms)
    if factory is not None:
        return dataclasses.field(default_factory=factory, metadata={FRONT_MATTER: declaration})
    return dataclasses.field(default=default, metadata={FRONT_MATTER: declaration})


def front_matter_group(model: type) -> Any:
    """A model attribute made of top-level fields: those `model` declares."""
    return dataclasses.field(default_factory=model, metadata={FRONT_MATTER: Group(model)})


def declared(model: type, within: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], FrontMatter]]:
    """Each front matter field `model` declares, with its attribute's path
    (("back_matter", "funding") for a group's), in the model's order."""
    for item in dataclasses.fields(model):
        found = item.metadata.get(FRONT_MATTER)
        if isinstance(found, Group):
            yield from declared(found.model, within + (item.name,))
        elif found is not None:
            yield within + (item.name,), found


def declared_values(instance: Any) -> Iterator[tuple[FrontMatter, Any]]:
    """Each declared field of a model instance (an Article) with its value."""
    for path, declaration in declared(type(instance)):
        yield declaration, functools.reduce(getattr, path, instance)


_IGNORED = {"description": "Setting for Quarto or Pandoc; Imprint ignores it."}


def article_fields() -> dict[str, dict[str, Any]]:
    """Every top-level field of an article's front matter: those the model
    declares, then Quarto's and Pandoc's, accepted and ignored."""
    from .model import Article  # (source/model.py declares its fields with this module's types)

    fields: dict[str, dict[str, Any]] = {}
    for _, declaration in declared(Article):
        fields.update(declaration.properties())
    return fields | {name: _IGNORED for name in (*FOREIGN_FIELDS, *QUARTO_OPTIONS) if name not in fields}


def shared_fields() -> dict[str, dict[str, Any]]:
    """The fields the publication file may give for every article."""
    from .model import Article

    return {key: value for _, declaration in declared(Article) if declaration.shared
            for key, value in declaration.properties().items()}


def publication_fields() -> dict:
    """The publication file's own fields (shared_fields() are the others); the
    editions as the registry declares them (editions.py)."""
    from ..editions import DEFAULT, EDITIONS

    printed = [name for name, edition in EDITIONS.items() if edition.printed]
    return {
        "editions": {
            "type": "array",
            "items": {"enum": list(EDITIONS)},
            "minItems": 1,
            "description": "What to build for every article (the command line's --formats overrides it): "
                           + "; ".join(f"{name}: {edition.description}" for name, edition in EDITIONS.items())
                           + f". Default: {', '.join(DEFAULT)}.",
        },
        "booklet": {
            "description": "Also impose print editions as saddle-stitched booklets: true for all that are "
                           f"built, or a list of them ({', '.join(printed)}).",
            "anyOf": [{"type": "boolean"}, {"type": "array", "items": {"enum": printed}, "minItems": 1}],
        },
    } | _PUBLICATION_FIELDS


_PUBLICATION_FIELDS = {
    "title": _title("The name of the download site (default: the journal's, `citation: container-title`)."),
    "description": _text("A few sentences about the publication for the site's index page (Markdown)."),
    "cite-as": {
        "type": "array",
        "items": _text("A CSL style: a file in styles/csl/ or a style of the CSL repository."),
        "description": "Citation styles a landing page offers under 'Cite as', after the article's own "
                       "(default: apa, chicago-author-date, modern-language-association, gost-r-7-0-5-2008).",
    },
    "crop-marks": {"type": "boolean", "description": "Crop marks and 3 mm bleed on print editions, for a print shop."},
    "base-url": _url("Where dist/ will be published: https://journal.example.org/articles/."),
}


def _schema(name: str, title: str, description: str, fields: dict, required: list[str] | None = None) -> dict:
    found = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{SCHEMA_URL}/{name}",
             "title": title, "description": description, "type": "object", "properties": copy.deepcopy(fields)}
    if required:
        found["required"] = required
    return found | {"additionalProperties": False}


def article_schema() -> dict:
    from .model import Article

    required = [declaration.key for _, declaration in declared(Article) if declaration.required]
    return _schema("article.schema.json", "Imprint article front matter",
                   "The YAML front matter of source/<slug>/article.md.", article_fields(), required)


def publication_schema() -> dict:
    return _schema("publication.schema.json", "Imprint publication defaults",
                   "source/publication.yaml: defaults merged under every article's own fields.",
                   shared_fields() | publication_fields())


# The highest first page: the issue's pages are numbered on from it in the PDF's
# page labels, whose integers a reader (qpdf) takes only up to 2**31 - 1; an
# article on its own is numbered from its `page:` below 10**6 likewise. The
# published schema says so (editors' tools warn); the loader says it better
# (issues.load_issue).
MAX_PAGE = 999_999

ISSUE_CITATION_FIELDS = ("container-title", "volume", "issue", "collection-number", "issn", "ISSN",
                         "publisher", "publisher-place")

ISSUE_FIELDS = {
    "articles": {
        "type": "array",
        "items": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_-]*$",
                  "x-hint": "name an article by its folder in source/"},
        "minItems": 1,
        "uniqueItems": True,
        "description": "The articles of the issue in printed order: their folder names in source/.",
        "x-required-hint": "list the issue's articles under 'articles:', one folder name per line",
    },
    "first-page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE,
                   "description": "The number printed on the first article's first page (default 1).",
                   "x-hint": "write a page number from 1 up, for example 173"},
    "title": _title("The issue's own title, for a themed issue (Markdown allowed)."),
    "description": _text("A few sentences about the issue (Markdown)."),
    "date": {**DATE, "description": "When the issue appeared; its articles' date unless they give one."},
    "doi": DOI | {"description": "The issue's own DOI, if it has one."},
    "editor": {
        "description": "The issue's editors, in order.",
        "anyOf": [NAME, {"type": "array", "items": NAME, "minItems": 1}],
    },
    "citation": {
        "type": "object",
        "description": "The issue's place in the journal; every article of the issue gets these fields.",
        "properties": {k: CITATION_FIELDS["properties"][k] for k in ISSUE_CITATION_FIELDS},
        "additionalProperties": False,
    },
    "cover-image": _text("The issue's own cover, a PNG or JPEG file in its folder; without one, a cover "
                         "is drawn after styles/cover.yaml."),
    "lang": LANG | {"description": "Language of the issue's own pages (its articles keep theirs)."},
    "paper": PAPER | {"description": "Paper the issue, and so each of its articles' print "
                                                      "editions, is laid out on."},
}


def issue_schema() -> dict:
    return _schema("issue.schema.json", "Imprint journal issue",
                   "source/<issue>/issue.yaml: a journal issue, its articles in order.", ISSUE_FIELDS, ["articles"])


PUBLISHED = {"article.schema.json": article_schema, "publication.schema.json": publication_schema,
             "issue.schema.json": issue_schema}


def dump(schema: dict) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
