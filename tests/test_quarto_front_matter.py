"""Quarto front matter builds as Quarto reads it: its author and affiliation fields,
the journal templates' fields (AGU's key points and plain language summary,
PLOS's author notes), unknown fields ignored with a note, numbers read as text,
`{{< meta >}}` and `{{< var >}}`, a project's _quarto.yml and _variables.yml, and
the date placeholders. Tested at the level of source.load_project: what the
article model holds, and the problems and warnings it is loaded with.

The documents are written for these tests in the shape of the quarto-journals
templates' examples (AGU, PLOS), not copied from them.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from conftest import CASES, REPO
from imprint.settings import Settings
from imprint.source.quarto import closest_field
from imprint.source.shortcodes import Expander, split_key
from imprint.source.project import load_project

EPOCH = "1700000000"  # 2023-11-14 UTC


def project(tmp_path: Path, article: str, files: dict[str, str] | None = None,
            environ: dict[str, str] | None = None) -> Settings:
    """A project with source/a/article.md and other files (paths under source/)."""
    folder = tmp_path / "source" / "a"
    folder.mkdir(parents=True)
    (folder / "article.md").write_text(article, encoding="utf-8")
    for name, text in (files or {}).items():
        (tmp_path / "source" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "source" / name).write_text(text, encoding="utf-8")
    return Settings.for_project(tmp_path, environ=environ if environ is not None else {})


def load(settings: Settings):
    loaded = load_project(settings)
    return loaded, loaded.project.articles[0]


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


AGU_LIKE = """---
title: "Sea ice and the summer of {{< var season.year >}}"
format:
  agu-pdf:
    keep-tex: true
  agu-html: default
author:
  - name: Mara Holt
    affiliations:
      - name: College of Polar Sciences
        department: Programme in Sea Ice
        address: 12 Harbour Road
        city: Tromsø
        region: Troms
        country: Norway
        postal-code: 9037
    orcid: 0000-0002-1825-0097
    email: mara@example.org
    url: https://example.org/mara
    acknowledgements: Wrote the Quarto version.
  - name: Ivo Brandt
    affiliations:
      - name: Harbour Institute
        address: 1 Quay
        city: Boston
        region: Massachusetts
        country: USA
        postal-code: 02110
    corresponding: true
    email: ivo@example.org
abstract: |
  The abstract says what was studied and what was found.
plain-language-summary: |
  Sea ice melted *earlier* than usual in {{< var season.year >}}.
keywords: []
key-points:
  - The ice edge moved north by 80 km.
  - Melt began two weeks earlier.
bibliography: refs.bib
citation:
  container-title: Geophysical Notes
keep-tex: true
colorlinks: true
date-format: long
date: last-modified
lang: en
---

Body text for season {{< var season.year >}}.
"""


def test_an_agu_shaped_article_builds_with_its_summaries(tmp_path):
    settings = project(tmp_path, AGU_LIKE, {"a/refs.bib": "", "_variables.yml": "season:\n  year: 2021\n"},
                       environ={"SOURCE_DATE_EPOCH": EPOCH})
    loaded, article = load(settings)
    assert loaded.problems == () and loaded.ok("a")
    assert article.title == "Sea ice and the summer of 2021"
    assert article.plain_language_summary == "Sea ice melted *earlier* than usual in 2021."
    assert article.key_points == ("The ice edge moved north by 80 km.", "Melt began two weeks earlier.")
    assert article.keywords == ()
    assert article.date.iso() == "2023-11-14"  # last-modified: SOURCE_DATE_EPOCH's day
    assert article.body.strip() == "Body text for season 2021."
    holt, brandt = article.authors
    assert holt.affiliations[0].postal_code == "9037" and holt.affiliations[0].address == "12 Harbour Road"
    assert "12 Harbour Road" in holt.affiliations[0].display and "9037" in holt.affiliations[0].display  # printed
    assert brandt.corresponding and brandt.affiliations[0].postal_code == "2110"
    # YAML read 02110 as 2110: printed as YAML read it, with a warning saying how to keep the zero.
    warning, = loaded.warnings
    assert warning.file == "source/a/article.md" and warning.line == 28
    assert warning.field == "author[1].affiliations[0].postal-code"
    assert warning.message == "YAML reads 02110 as the number 2110, so it is printed as 2110"
    assert warning.hint == 'quote it to keep it as written: postal-code: "02110"'


PLOS_LIKE = """---
title: A PLOS-shaped paper
lang: en
author:
  - name: Ada First
    equal-contributor: true
    affiliations:
      - ref: aff1
      - ref: aff2
  - name: Ben Second
    equal-contributor: true
    affiliations:
      - ref: aff2
  - name: Cleo Third
    affiliations:
      - ref: aff3
    current-address: "Current Address: Dept A, Institution A, City, Country"
  - name: Dan Fourth
    deceased: true
    affiliations:
      - ref: aff2
  - name: Eve Fifth
    affiliations:
      - ref: aff1
    attributes:
      corresponding: true
    email: eve@example.org
  - name: with the Example Consortium
    group: true
author-notes:
  equal-contributor: These authors contributed *equally* to this work.
  deceased: Deceased
  group: Membership list can be found in the Acknowledgments section.
affiliations:
  - id: aff1
    name: Affiliation Dept, Institution Name
    city: City
    state: State
    country: Country
  - id: aff2
    name: Affiliation Center, Institution Name
  - id: aff3
    name: Affiliation Program, Institution Name
---

Text.
"""


def test_a_plos_shaped_article_reads_the_author_fields(tmp_path):
    loaded, article = load(project(tmp_path, PLOS_LIKE))
    assert loaded.problems == () and loaded.warnings == ()
    ada, ben, cleo, dan, eve, group = article.authors
    assert ada.equal_contributor and ben.equal_contributor and not cleo.equal_contributor
    assert dan.deceased and not ada.deceased
    assert cleo.current_address == "Current Address: Dept A, Institution A, City, Country"
    assert eve.corresponding and eve.email == "eve@example.org"
    assert group.group and group.name.literal == "with the Example Consortium"  # never split
    assert ada.affiliations[0].region == "State" and ada.affiliations[1] == ben.affiliations[0]
    assert dict(article.byline_notes) == {
        "equal-contributor": "These authors contributed *equally* to this work.",
        "deceased": "Deceased",
        "group": "Membership list can be found in the Acknowledgments section.",
    }


def test_attributes_may_be_listed_and_roles_may_have_degrees(tmp_path):
    _, article = load(project(tmp_path, """---
title: T
lang: en
author:
  - name: Ada First
    attributes: [corresponding, equal-contributor]
    role:
      - investigation: lead
      - writing
  - name: Ben Second
    attributes: deceased
    roles: conceptualization
    metadata:
      current-address: Somewhere else
---
"""))
    ada, ben = article.authors
    assert ada.corresponding and ada.equal_contributor and not ada.deceased
    assert ada.roles == ("investigation (lead)", "writing")
    assert ben.deceased and ben.roles == ("conceptualization",) and ben.current_address == "Somewhere else"


def test_an_affiliation_id_given_under_one_author_serves_the_others(tmp_path):
    """Quarto's "inline references": the id may be given under any author, even
    one listed after the author who refers to it."""
    loaded, article = load(project(tmp_path, """---
title: T
lang: en
author:
  - name: John Hamm
    affiliations:
      - ref: cmu
  - name: Norah Jones
    affiliations:
      - id: cmu
        name: Carnegie Mellon University
        city: Pittsburgh
      - id: 2
        name: University of Chicago
        postal-code: 60637
  - name: Bill Gates
    affiliation:
      ref: 2
---
"""))
    assert loaded.problems == () and loaded.warnings == ()
    hamm, jones, gates = article.authors
    assert hamm.affiliations == (jones.affiliations[0],)
    assert hamm.affiliations[0].display == "Carnegie Mellon University, Pittsburgh"
    assert gates.affiliations == (jones.affiliations[1],) and gates.affiliations[0].postal_code == "60637"


def test_an_unknown_reference_still_lists_the_ids_given_anywhere(tmp_path):
    loaded, _ = load(project(tmp_path, """---
title: T
lang: en
author:
  - name: A B
    affiliations:
      - id: univ
        name: U
  - name: C D
    affiliations:
      - ref: inst
---
"""))
    assert messages(loaded.problems) == [
        "source/a/article.md:11: author[1].affiliations[0].ref: no affiliation has the id 'inst'\n"
        "    list it under the top-level 'affiliations:' (ids: univ)"]


def test_a_reference_is_checked_beside_an_affiliation_s_refused_field(tmp_path):
    """An affiliation's bad address hid every other problem of the authors (its list
    was left out whole: QA 23 F15); an affiliation left out for a problem of its own
    (no id) may hold the id a `ref:` names, which is then not told unknown."""
    front = """---
title: T
lang: en
affiliations:
  - id: univ
    name: U
    url: example.org
author:
  - name: A B
    affiliations:
      - ref: univ
      - ref: inst
---
"""
    loaded, _ = load(project(tmp_path, front))
    assert [(p.line, p.field) for p in loaded.problems] == [(7, "affiliations[0].url"),
                                                            (12, "author[0].affiliations[1].ref")]
    loaded, _ = load(project(tmp_path / "b", front.replace("  - id: univ\n", "  - ident: univ\n")))
    assert [p.message for p in loaded.problems] == ["missing required field 'id'", "'example.org' is not a web address"]


def test_numbers_in_text_fields_are_text(tmp_path):
    loaded, article = load(project(tmp_path, """---
title: 1984
lang: en
keywords: [1939, war]
author:
  - name: A B
    id: 1
    affiliations:
      - id: 7
        name: U
        isni: 0000000419369094
        ringgold: 6752
funding:
  - source: A fund
    investigator:
      - ref: 1
---
"""))
    assert article.title == "1984" and article.keywords == ("1939", "war")
    assert article.authors[0].affiliations[0].ringgold == "6752"
    assert article.back_matter.funding == ("A fund, A B",)
    # The ISNI's leading zeros were lost: a warning, never an error.
    assert loaded.problems == ()
    assert [w.field for w in loaded.warnings] == ["author[0].affiliations[0].isni"]


def test_an_orcid_given_as_a_number_is_still_refused_as_text(tmp_path):
    loaded, _ = load(project(tmp_path, "---\ntitle: T\nlang: en\nauthor:\n  - name: A B\n    orcid: 1234\n---\n"))
    assert messages(loaded.problems) == ["source/a/article.md:6: author[0].orcid: must be text, not a number"]


def test_unknown_fields_are_ignored_with_one_note(tmp_path):
    loaded, article = load(project(tmp_path, """---
title: T
lang: en
keep-tex: true
colorlinks: true
citation-key: smith2024
my-setting: 12
author:
  - name: A B
    twitter: "@ab"
    affiliations:
      - name: U
        building: North wing
foo: bar
url: https://example.org
---
"""))
    assert loaded.problems == () and loaded.ok("a")
    note, = loaded.warnings
    assert (note.file, note.line, note.field) == ("source/a/article.md", 6, None)
    assert note.message == ("ignored the fields Imprint does not know: citation-key (line 6), my-setting (line 7), "
                            "author[0].twitter (line 10), author[0].affiliations[0].building (line 13), "
                            "foo (line 14), url (line 15)")
    assert article.authors[0].affiliations[0].name == "U"


def test_a_field_within_a_letter_or_two_of_a_known_one_is_an_error(tmp_path):
    loaded, _ = load(project(tmp_path, """---
title: T
lang: en
affilations:
  - id: x
    name: U
author:
  - name: A B
    equal-contributer: true
abstarct: An abstract.
---
"""))
    assert messages(sorted(loaded.problems, key=lambda p: p.line)) == [
        "source/a/article.md:4: affilations: unknown field 'affilations'\n    did you mean 'affiliations'?",
        "source/a/article.md:9: author[0].equal-contributer: unknown field 'equal-contributer'\n"
        "    did you mean 'equal-contributor'?",
        "source/a/article.md:10: abstarct: unknown field 'abstarct'\n    did you mean 'abstract'?",
    ]
    assert not loaded.ok("a") and loaded.warnings == ()


@pytest.mark.parametrize("key, known, found", [
    ("autor", ["author", "authors"], "author"),
    ("affilations", ["affiliation", "affiliations"], "affiliations"),
    ("tilte", ["title"], "title"),  # a transposition is one letter
    ("keyword", ["keywords"], "keywords"),
    ("numbr-section", ["number-sections"], "number-sections"),
    ("foo", ["toc", "lof"], None),  # short names: one letter at most
    ("url", ["rtl"], None),
    ("categories", ["category"], None),
    ("my-setting", ["setting"], None),
    ("kosubtitle", ["subtitle"], None),  # (a template's scheme, not a typo: QA 18's Korean thesis)
    ("koauthor", ["author"], None),
    ("subtitleen", ["subtitle"], None),
    ("authorss", ["authors"], "authors"),
])
def test_what_counts_as_a_typing_mistake(key, known, found):
    assert closest_field(key, known) == found


def test_article_folders_that_differ_only_in_case_are_told(tmp_path):
    """`Smith-2019` and `smith-2019`: where case is ignored one's files replace the
    other's (QA 20)."""
    settings = project(tmp_path, "---\ntitle: T\nlang: en\n---\n",
                       {"A/article.md": "---\ntitle: U\nlang: en\n---\n"})
    loaded = load_project(settings)
    assert [w.message for w in loaded.warnings if "case" in w.message] == [
        "the article folders A, a differ only in case: copied where case is ignored (macOS, Windows, a zip unpacked "
        "there), one's files replace the other's"]


def test_title_short_is_the_short_title(tmp_path):
    _, article = load(project(tmp_path, "---\ntitle: 'Long: and longer'\ntitle-short: Long\nlang: en\n---\n"))
    assert article.short_title == "Long"
    loaded, _ = load(project(tmp_path / "both", "---\ntitle: T\nshort-title: S\ntitle-short: S\nlang: en\n---\n"))
    assert messages(loaded.problems) == [
        "source/a/article.md:4: title-short: give the short title under 'short-title' or 'title-short', not both"]


def test_keypoints_is_key_points(tmp_path):
    _, article = load(project(tmp_path, "---\ntitle: T\nlang: en\nkeypoints:\n  - One point\n  - Two\n---\n"))
    assert article.key_points == ("One point", "Two")


def test_plos_author_summary_is_the_plain_language_summary(tmp_path):
    """PLOS's template writes `author-summary:`: content, printed (it was ignored),
    under PLOS's heading (it was "Plain language summary")."""
    loaded, article = load(project(tmp_path, "---\ntitle: T\nlang: en\nauthor-summary: For *all*.\n---\n"))
    assert article.plain_language_summary == "For *all*." and loaded.warnings == ()
    assert article.summary_heading == "author_summary"
    for name, heading in (("plain-language-summary", "plain_language_summary"), ("sigstatement", "significance_statement")):
        _, article = load(project(tmp_path / name, f"---\ntitle: T\nlang: en\n{name}: For *all*.\n---\n"))
        assert article.summary_heading == heading


def test_an_article_without_lang_is_english_as_pandoc_reads_it(tmp_path):
    """Pandoc and Quarto read a document without `lang` as English: so does
    Imprint, and says so (the language decides hyphenation, quotes and words)."""
    loaded, article = load(project(tmp_path, "---\ntitle: T\n---\n\nText.\n"))
    assert article.lang == "en" and not loaded.problems
    assert messages(loaded.warnings) == [
        "source/a/article.md:2: no 'lang' is given: the article is published as English (en), as Pandoc and "
        "Quarto read it\n    add 'lang: en' (or ru, ...) to the article, or to source/publication.yaml for all "
        "articles"]


def test_pandoc_crossref_settings_are_its_prefixes_and_titles(tmp_path):
    """pandoc-crossref's `figPrefix`, `eqnPrefix`, `figureTitle`... in the front
    matter, or in the pandoc-crossref.yaml it reads beside the text: a Russian paper
    with `figPrefix: ""` printed «рис. рис. 5» where its author wrote «рис. [@fig:x]»."""
    loaded, article = load(project(tmp_path, """---
title: T
lang: ru
figPrefix: ""
eqnPrefix: [ур., ур.]
figureTitle: Рисунок
autoSectionLabels: true
lstPrefix:
---
""", files={"a/pandoc-crossref.yaml": "figPrefix: fig.\ntblPrefix: \"\"\ntitleDelim: \":\"\nsecPrefix:\n"}))
    assert loaded.problems == ()
    # (a setting with no value is "", as Pandoc reads it: no word, QA 18's «(формула (1))» for «([@eq:x])»)
    assert dict(article.crossref_prefixes) == {"fig": "", "eq": "ур.", "tbl": "", "fig-title": "Рисунок",
                                               "title-delim": ":", "auto-section-labels": "true", "lst": "",
                                               "sec": ""}
    assert not [w for w in messages(loaded.warnings) if "ignored the fields" in w]


def test_crossref_prefixes_are_read_and_other_settings_ignored(tmp_path):
    loaded, article = load(project(tmp_path, """---
title: T
lang: en
crossref:
  fig-prefix: Fig.
  tbl-prefix: table
  eq-prefix: ""
  fig-title: Figure
  chapters: true
---
"""))
    assert loaded.problems == () and loaded.warnings == ()
    assert dict(article.crossref_prefixes) == {"fig": "Fig.", "tbl": "table", "eq": "", "fig-title": "Figure"}
    _, article = load(project(tmp_path / "off", "---\ntitle: T\nlang: en\ncrossref: false\n---\n"))
    assert dict(article.crossref_prefixes) == {}

    _, article = load(project(tmp_path / "titles", "---\ntitle: T\nlang: en\ncrossref:\n  fig-title: FIGURE\n"
                                                   "  title-delim: \"—\"\n  labels: alpha\n---\n"))
    assert dict(article.crossref_prefixes) == {"fig-title": "FIGURE", "title-delim": "—"}


# -- shortcodes


def expand(text: str, meta=None, variables=None, code_aware=True) -> tuple[str, Expander]:
    expander = Expander(meta or {}, variables, "source/_variables.yml")
    result = expander.expand(text, "f.md", lambda offset: 10 + text.count("\n", 0, offset), code_aware=code_aware)
    return result, expander


def test_shortcodes_keep_the_lines_of_the_text():
    text = "A {{< var v >}} B\n{{< meta note >}}\n{{< var missing >}}\n"
    result, expander = expand(text, {"note": "two\nlines"}, {"v": "x"})
    assert result == "A x B\ntwo lines\n{{< var missing >}}\n"
    problem, = expander.problems
    assert (problem.file, problem.line) == ("f.md", 12)
    assert problem.message == "{{< var missing >}}: there is no variable 'missing' in source/_variables.yml"
    assert problem.hint == "source/_variables.yml defines: v"


def test_dotted_keys_lists_from_one_and_escaped_dots():
    meta = {"author": [{"name": "Norah Jones"}, "Bill Gates"], "labels": {"description": "Desc"},
            "field.with.dots": "dotted", "flag": True, "n": 5}
    expander = Expander(meta, {"email": {"info": "info@example.org"}}, "_variables.yml",
                        describe=lambda key, value: value["name"] if isinstance(value, dict) and "name" in value
                        else None)
    text = ("{{< meta labels.description >}} {{< meta author.1 >}} {{< meta author.2 >}} "
            "{{< meta field\\\\.with\\\\.dots >}} {{< meta \"flag\" >}} {{< meta n >}} {{< var email.info >}}")
    assert expander.expand(text, "f", lambda o: 1) == "Desc Norah Jones Bill Gates dotted true 5 info@example.org"
    assert expander.problems == []
    assert split_key("a\\.b.c") == ["a.b", "c"]


def test_escaped_shortcodes_and_code_blocks_that_refuse_them():
    text = ("`{{{< var v >}}}` and `{{< var v >}}`\n"
            "```{.markdown shortcodes=\"false\"}\n{{< var v >}} {{{< var v >}}}\n```\n"
            "~~~ python\n{{< var v >}}\n~~~\n")
    result, expander = expand(text, variables={"v": "x"})
    assert result == ("`{{< var v >}}` and `x`\n"
                      "```{.markdown shortcodes=\"false\"}\n{{< var v >}} {{{< var v >}}}\n```\n"
                      "~~~ python\nx\n~~~\n")  # Quarto expands in code, unless told not to
    assert expander.problems == [] and expander.warnings == []


def test_other_shortcodes_are_removed_with_a_warning():
    result, expander = expand("One{{< lipsum 2 >}}\n{{< include _intro.qmd >}}\n{{< env HOME >}}\n")
    assert result == "One\n\n\n"
    only = ("Imprint expands only {{< meta >}}, {{< var >}}, {{< pagebreak >}}, {{< kbd >}}, {{< video >}}, "
            "{{< embed >}} and fancy-text's words ({{< latex >}}, {{< ldots >}}...)")
    assert [(w.line, w.message) for w in expander.warnings] == [
        (10, "removed the shortcode {{< lipsum 2 >}}: " + only),
        (11, "removed {{< include _intro.qmd >}}: an include stands on a line of its own, with empty lines around "
             "it (as Quarto reads it), not within a paragraph or a list item"),  # (one on its own line: includes.py)
        (12, "removed the shortcode {{< env HOME >}}: " + only),
    ]


def test_a_page_break_and_keys_in_the_body():
    """{{< pagebreak >}} breaks the printed page (html.py, print.css); {{< kbd >}}
    prints its keys (the first given, for every system)."""
    from test_body import body

    result, expander = expand("Press {{< kbd Shift-Ctrl-P >}} or {{< kbd mac=Cmd-[ >}}.\n\n{{< pagebreak >}}\n\n"
                              "{{< video https://example.org/v.mp4 >}}\n")
    assert result == ("Press [Shift-Ctrl-P]{.kbd} or [Cmd-\\[]{.kbd}.\n\n[]{.imprint-pagebreak}\n\n"
                      "<https://example.org/v.mp4>\n")
    assert [(w.line, w.message) for w in expander.warnings] == [
        (14, "the video of {{< video https://example.org/v.mp4 >}} is shown as its address, a link")]
    in_code, expander = expand("```\n{{< kbd Ctrl-C >}}\n```\n")  # (in code only meta and var: no Markdown there)
    assert in_code == "```\n\n```\n" and expander.warnings[0].message == (  # (not a list that has kbd in it)
        "removed the shortcode {{< kbd Ctrl-C >}}: Imprint expands only {{< meta >}}, {{< var >}} in code and raw blocks")
    chapter = body(result).chapters[0]
    for html in (str(chapter.epub), str(chapter.print)):
        assert "Press <kbd>Shift-Ctrl-P</kbd> or <kbd>Cmd-[</kbd>." in html
        assert '<div class="pagebreak"></div>' in html


def test_a_value_that_names_itself_or_is_not_one_text_is_an_error():
    _, expander = expand("{{< meta a >}} {{< meta list >}} {{< var x >}} {{< meta >}}",
                         {"a": "{{< meta b >}}", "b": "{{< meta a >}}", "list": [1, 2]})
    assert [p.message for p in expander.problems] == [
        "{{< meta a >}}: 'a' refers to itself",
        "{{< meta list >}}: 'list' is a list, not one value",
        "{{< var x >}}: there is no _variables.yml for the variable 'x'",
        "{{< meta >}}: names no field",
    ]


def test_shortcodes_in_the_front_matter_are_located_in_their_field(tmp_path):
    loaded, article = load(project(tmp_path, """---
title: "{{< meta citation.container-title >}}: a note"
subtitle: Version {{< var version >}}
lang: en
citation:
  container-title: Notes
abstract: |
  First line.
  Second line with {{< var nothing >}}.
---

Published in {{< meta citation.container-title >}}, by {{< meta author >}}.
""", {"a/_variables.yml": "version: '1.10'\n"}))
    assert article.title == "Notes: a note" and article.subtitle == "Version 1.10"
    assert article.body == "\nPublished in Notes, by {{< meta author >}}.\n"
    assert [(p.line, p.field, p.message) for p in loaded.problems] == [
        (9, "abstract", "{{< var nothing >}}: there is no variable 'nothing' in source/a/_variables.yml"),
        (12, None, "{{< meta author >}}: there is no field 'author' in the front matter"),
    ]


def test_meta_reads_fields_imprint_ignores_and_the_publication_file(tmp_path):
    loaded, article = load(project(tmp_path, """---
title: "{{< meta params.place >}} in {{< meta citation.container-title >}}"
params:
  place: Ulan-Ude
lang: en
---
""", {"publication.yaml": "citation:\n  container-title: The Herald\n"}))
    assert article.title == "Ulan-Ude in The Herald" and loaded.problems == ()


# -- a Quarto project's _quarto.yml and _variables.yml


def test_quarto_yml_is_merged_under_the_article_as_quarto_merges(tmp_path):
    settings = project(tmp_path, """---
title: Own title
keywords: [own]
citation:
  volume: 5
bibliography: [own.bib]
csl: own-style
---
""", {
        "_quarto.yml": """project:
  type: manuscript
lang: ru
keywords: [shared]
license: CC BY 4.0
citation:
  container-title: Shared Journal
  volume: 1
bibliography: shared.bib
csl: shared-style
crossref:
  fig-prefix: Рис.
website-ish: 1
""",
        "shared.bib": "", "a/own.bib": "",
        "publication.yaml": "lang: en\ncitation:\n  issn: 1234-5678\n",
    })
    loaded, article = load(settings)
    assert loaded.problems == ()
    assert article.lang == "ru"  # _quarto.yml over publication.yaml
    assert article.keywords == ("shared", "own")  # lists joined, the project's first
    assert (article.citation.container_title, article.citation.volume, article.citation.issn) == (
        "Shared Journal", "5", "1234-5678")
    # A list and a text joined as a list (each relative to its file's folder); two texts: the article's.
    assert article.bibliography == (tmp_path / "source" / "shared.bib", tmp_path / "source" / "a" / "own.bib")
    assert article.csl == "own-style"
    assert dict(article.crossref_prefixes) == {"fig": "Рис."}
    assert article.license.text == "CC BY 4.0"
    assert article.locate("lang") == ("source/_quarto.yml", 3)
    assert article.locate("keywords[1]") == ("source/a/article.md", 3)
    note, = loaded.warnings  # reported once, for the file
    assert note.file == "source/_quarto.yml" and "website-ish (line 13)" in note.message


def test_a_problem_in_quarto_yml_is_told_in_that_file_and_fails_its_articles(tmp_path):
    settings = project(tmp_path, "---\nlang: en\n---\n", {"_quarto.yml": "title: Shared\npaper: B5\nautor: X\n"})
    loaded, article = load(settings)
    assert article.title == "Shared"  # the title may come from the project
    assert messages(loaded.problems) == [
        "source/_quarto.yml:3: autor: unknown field 'autor'\n    did you mean 'author'?",
        "source/_quarto.yml:2: paper: 'B5' is not allowed\n    use one of: A4, Letter, A5",
    ]
    assert not loaded.ok("a")


def test_the_articles_own_project_files_come_first(tmp_path):
    settings = project(tmp_path, "---\ntitle: '{{< var name >}}'\nlang: en\n---\n{{< meta subtitle >}}\n", {
        "_quarto.yml": "subtitle: Shared\n", "_variables.yml": "name: Shared\n",
        "a/_quarto.yml": "subtitle: Own\n", "a/_variables.yml": "name: Own\n",
    })
    loaded, article = load(settings)
    assert (article.title, article.subtitle, article.body) == ("Own", "Own", "Own\n")
    assert dict(article.variables) == {"name": "Own"}


# -- date: today, date: last-modified


def git(root: Path, *args: str, date: str | None = None) -> None:
    env = {"GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@example.org", "HOME": str(root), "PATH": "/usr/bin:/bin"}
    if date:
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date)
    subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True)


def test_date_placeholders_are_the_day_of_the_last_commit(tmp_path):
    settings = project(tmp_path, "---\ntitle: T\nlang: en\ndate: last-modified\ndate-modified: today\n---\n")
    git(tmp_path, "init", "-q")
    loaded, _ = load(settings)
    assert [p.message.rsplit(", but ", 1)[-1] for p in loaded.problems] == ["the file was never committed"] * 2
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "first", date="2024-03-05T23:30:00+02:00")
    (tmp_path / "source" / "a" / "article.md").write_text("---\ntitle: T\nlang: en\ndate: last-modified\n---\n")
    loaded, article = load(settings)  # changed since, not committed: still the commit's day
    assert loaded.problems == () and article.date.iso() == "2024-03-05"
    with_epoch = Settings.for_project(tmp_path, environ={"SOURCE_DATE_EPOCH": EPOCH})
    assert load(with_epoch)[1].date.iso() == "2023-11-14"
    (tmp_path / "source" / "a" / "article.md").write_text("---\ntitle: T\nlang: en\ndate: \\today\n---\n")
    assert load(with_epoch)[1].date.iso() == "2023-11-14"  # (LaTeX's \today, as templates write it)
    # R Markdown's, as RStudio's templates write it (it was "not a date Imprint can read")
    for written in ("\"`r Sys.Date()`\"", "\"`r format(Sys.time(), '%d %B, %Y')`\"", "'`r lubridate::today()`'"):
        (tmp_path / "source" / "a" / "article.md").write_text(f"---\ntitle: T\nlang: en\ndate: {written}\n---\n")
        assert load(with_epoch)[1].date.iso() == "2023-11-14", written
    (tmp_path / "source" / "a" / "article.md").write_text("---\ntitle: T\nlang: en\ndate: \"`r x`\"\n---\n")
    assert "not a date Imprint can read" in load(with_epoch)[0].problems[0].message


def test_a_date_placeholder_in_a_shallow_clone_is_a_clear_error(tmp_path):
    """A shallow clone (actions/checkout's default) gave the date of the clone's
    one commit, the repository's latest, to every article (QA 20)."""
    origin = tmp_path / "origin"
    origin.mkdir()
    project(origin, "---\ntitle: T\nlang: en\ndate: today\n---\n")
    git(origin, "init", "-q")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "article", date="2001-01-01T00:30:00+00:00")
    (origin / "other.txt").write_text("other")
    git(origin, "add", ".")
    git(origin, "commit", "-q", "-m", "unrelated", date="2005-05-05T12:00:00+00:00")
    assert load(Settings.for_project(origin, environ={}))[1].date.iso() == "2001-01-01"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{origin}", "shallow")
    loaded, article = load(Settings.for_project(tmp_path / "shallow", environ={}))
    assert article.date is None and "but the clone is shallow" in loaded.problems[0].message
    assert "fetch-depth: 0" in loaded.problems[0].message


def test_a_date_placeholder_outside_git_is_a_clear_error(tmp_path):
    loaded, article = load(project(tmp_path, "---\ntitle: T\nlang: en\ndate: today\n---\n"))
    problem, = loaded.problems
    assert (problem.line, problem.field) == (4, "date") and article.date is None
    assert problem.message.endswith("but the project is not a git repository")
    assert problem.hint == "set SOURCE_DATE_EPOCH, commit the file in git, or write the date itself (YYYY-MM-DD)"


def test_meta_date_prints_the_date_a_placeholder_stands_for(tmp_path):
    _, article = load(project(tmp_path, "---\ntitle: T\nlang: en\ndate: today\n---\nAs of {{< meta date >}}.\n",
                              environ={"SOURCE_DATE_EPOCH": EPOCH}))
    assert article.body == "As of 2023-11-14.\n"


# -- the error cases of the front matter, at the level of loading


FRONT_MATTER_CASES = ["unknown-field", "wrong-types", "unknown-affiliation", "duplicate-field", "blank-values",
                      "missing-title", "orcid-checksum", "impossible-date", "yaml-aliases",
                      "yaml-deep-nesting", "yaml-python-tag", "malformed-yaml", "bad-publication", "field-typos",
                      "unknown-shortcode-key", "date-placeholder-without-git", "affiliation-id-twice"]


@pytest.mark.parametrize("case", FRONT_MATTER_CASES)
def test_front_matter_error_cases_at_loading(case, tmp_path):
    """What test_errors.py pins through the command line, found by loading alone
    (these cases have no problem the later stages would add)."""
    import shutil

    from imprint.errors import SourceError

    shutil.copytree(CASES / "errors" / case / "source", tmp_path / "source")
    try:
        problems = load_project(Settings.for_project(tmp_path, environ={})).problems
    except SourceError as error:
        problems = error.problems
    problems = sorted(dict.fromkeys(problems), key=lambda p: (p.file, p.line or 0, p.column or 0))
    lines = [f"error: {p}" for p in problems]
    expected = (CASES / "errors" / case / "expected.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    kept, errors = True, ""
    for line in expected:  # the errors and their hints, not the warnings and theirs
        if not line.startswith("    "):
            kept = not line.startswith(("exit ", "warning: ")) and "problem" not in line.split(":")[0]
        if kept:
            errors += line
    assert "\n".join(lines) + "\n" == errors.split(f"{len(problems)} problem")[0]


# -- how the front matter shows them


def test_the_byline_marks_and_notes(tmp_path):
    from imprint.theme import Theme

    _, article = load(project(tmp_path, PLOS_LIKE.replace("  deceased: Deceased\n", "").replace(
        'current-address: "Current Address: Dept A, Institution A, City, Country"',
        "current-address: Dept A, Institution A")))
    theme = Theme(REPO, REPO / "styles")
    affiliations = list(dict.fromkeys(a for person in article.authors for a in person.affiliations))
    from markupsafe import Markup

    doc = SimpleNamespace(
        article=article, title=article.title, title_text=article.title, subtitle=None, running_title="",
        running_authors="", abstract=None, keywords=(), translation=None, reference="", affiliations=affiliations,
        byline_notes={k: Markup(v.replace("*equally*", "<em>equally</em>")) for k, v in article.byline_notes.items()},
        title_notes=None,
        key_points=(), plain_language_summary=None,
        bylines=[SimpleNamespace(author=p, affiliation_numbers=tuple(affiliations.index(a) + 1
                                                                     for a in p.affiliations))
                 for p in article.authors])
    html = theme.render("front-matter.html.j2", doc=doc, t=theme.strings("en"), epub=False)
    assert '<span class="author-name">Ada First</span><sup class="affiliation-ref">1,2</sup>' \
           '<sup class="author-marks">‡</sup>' in html
    assert '<span class="author-name">Dan Fourth</span><sup class="affiliation-ref">2</sup>' \
           '<sup class="author-marks">†</sup>' in html
    assert '<p class="author group-author"><span class="author-name">with the Example Consortium</span>' \
           '<sup class="author-marks">¶</sup>' in html
    assert "‡</span> These authors contributed <em>equally</em> to this work.</p>" in html  # rendered Markdown
    assert "¤</span> Current address: Dept A, Institution A</p>" in html
    assert "†</span> Deceased.</p>" in html  # no note given: the language's words
    assert "¶</span> Membership list can be found in the Acknowledgments section.</p>" in html
    ru = theme.strings("ru")
    assert all(isinstance(ru[key], str) for key in ("key_points", "plain_language_summary", "equal_contributor",
                                                    "deceased", "current_address"))


def test_from_switches_pandoc_extensions_on_and_off(tmp_path):
    """`from: markdown+emoji` (Quarto's and Pandoc's reader option) switches Pandoc's
    extensions; an unknown one is an error with the closest name; another reader
    and the extensions Imprint sets itself are told, not used."""
    def loaded_with(value: str, where: Path):
        return load(project(where, f"---\ntitle: T\nlang: en\nfrom: {value}\n---\n\nText :smile:.\n"))

    loaded, article = loaded_with("markdown+emoji-smart", tmp_path / "one")
    assert article.markdown_extensions == ("+emoji", "-smart") and loaded.problems == ()
    loaded, _ = loaded_with("markdown+emojis", tmp_path / "two")
    assert messages(loaded.problems) == [
        "source/a/article.md:4: from: Pandoc's markdown has no extension 'emojis'\n    did you mean 'emoji'?"]
    loaded, article = loaded_with("gfm+yaml_metadata_block+mark", tmp_path / "three")
    assert article.markdown_extensions == ("+mark",)
    assert [(w.line, w.message) for w in loaded.warnings] == [
        (4, "the text is read as Pandoc's markdown (Quarto's), not gfm"),
        (4, "the extension +yaml_metadata_block is left as Imprint sets it (front matter is read by Imprint, "
            "HTML in the text stays text)")]


def test_a_field_given_no_value_is_absent_and_content_fields_are_said_ignored(tmp_path):
    """`keywords:` with nothing after it (a template's placeholder) is absent, as
    Pandoc reads it (it was an error); Pandoc's `institute`, `rights`... hold text
    a reader would see: said to be ignored, not ignored in silence (`thanks` is the
    title's note: test_source)."""
    loaded, article = load(project(tmp_path, "---\ntitle: T\nlang: en\nkeywords:\nabstract:\nauthor:\n"
                                             "thanks: Funded by the grant.\ninstitute: A University\n"
                                             "abstract-title: Summary\n---\n"))
    assert loaded.problems == () and article.keywords == () and article.abstract is None
    assert article.abstract_title == "Summary"  # (Pandoc's: the abstract's heading)
    assert [w.message for w in loaded.warnings] == [
        "ignored the fields Imprint does not know: institute (line 8)"]


def test_an_author_given_twice_is_warned_of(tmp_path):
    """Two authors of one name (an entry copied and not edited) were printed twice
    in every byline and record, in silence (QA 23 F22); two people of one name
    told apart by their ORCID iDs are two."""
    loaded, article = load(project(tmp_path, "---\ntitle: T\nlang: ru\nauthor:\n  - name: Иван Иванов\n"
                                             "  - name: {given: Мария, family: Петрова}\n"
                                             "  - name: {given: Иван, family: Иванов}\n---\n"))
    assert loaded.problems == () and len(article.authors) == 3
    assert [(w.line, w.field, w.message) for w in loaded.warnings] == [
        (7, "author[2]", "'Иван Иванов' is also the name of author[0] (line 5): the same author given twice?")]
    loaded, _ = load(project(tmp_path / "b", "---\ntitle: T\nlang: en\nauthor:\n"
                                             "  - {name: Jane Doe, orcid: 0000-0002-1825-0097}\n"
                                             "  - {name: Jane Doe, orcid: 0000-0001-5109-3700}\n---\n"))
    assert loaded.problems == () and loaded.warnings == ()


def test_a_translation_without_a_title_is_warned_of(tmp_path):
    """`translation:` without `title` gives no title in its language and no "For
    citation" line in it (prepare.article.translated_record), which a Russian
    journal needs: said, not left out in silence (QA 23 F22)."""
    loaded, article = load(project(tmp_path, "---\ntitle: Т\nlang: ru\ntranslation:\n  lang: en\n"
                                             "  abstract: An abstract.\n---\n"))
    assert loaded.problems == () and article.translation.abstract == "An abstract."
    assert [(w.line, w.field, w.message) for w in loaded.warnings] == [
        (4, "translation", 'the translation (en) has no title: the editions leave out the title in en and the '
                           '"For citation" line in en')]
    loaded, _ = load(project(tmp_path / "b", "---\ntitle: Т\nlang: ru\ntranslation: {lang: en, title: T}\n---\n"))
    assert loaded.warnings == ()


def test_a_name_whose_given_part_has_digits_is_said_to_be_no_name(tmp_path):
    """RUDN's lab report template: `author: "Манаева В.Е., НФИбд-01-20"` printed
    «НФИбд-01-20 Манаева В.Е.» in the byline, without a word."""
    loaded, article = load(project(tmp_path, '---\ntitle: T\nlang: ru\nauthor: "Манаева В.Е., НФИбд-01-20"\n---\n'))
    assert [(w.line, w.message.split(" is read")[0]) for w in loaded.warnings] == [
        (4, "'Манаева В.Е., НФИбд-01-20'")]
    loaded, _ = load(project(tmp_path / "b", '---\ntitle: T\nlang: en\nauthor: "Doe, Jane"\n---\n'))
    assert loaded.warnings == ()


def test_front_matter_indented_with_tabs_is_read_as_pandoc_reads_it(tmp_path):
    """RUDN's report template (many Russian students' reports) indents two lines
    with tabs, which YAML forbids and Pandoc reads: it was refused as not YAML."""
    loaded, article = load(project(tmp_path, "---\ntitle: T\nlang: ru\npolyglossia-lang:\n  name: russian\n"
                                             "  options:\n\t- spelling=modern\n\t- babelshorthands=true\n---\n"))
    assert loaded.problems == () and article.title == "T"
    assert [(w.line, w.message.split(":")[0]) for w in loaded.warnings][:1] == [
        (7, "indented with tabs, which YAML does not allow")]


def test_an_empty_crossref_beside_pandoc_crossref_settings(tmp_path):
    """(a review's finding) `crossref:` with nothing, a template's placeholder, and
    `figPrefix:`: a TypeError."""
    loaded, article = load(project(tmp_path, "---\ntitle: T\nlang: en\ncrossref:\nfigPrefix: Fig.\n---\n"))
    assert loaded.problems == () and dict(article.crossref_prefixes) == {"fig": "Fig."}


def test_quarto_s_citation_id_is_the_key_of_the_citation_files(tmp_path):
    """`citation: id: roe2024` (Quarto's manuscript template) was refused ('did you
    mean pmid?'): it is the key the CSL-JSON and BibTeX give the article."""
    from imprint.source.record import build_record

    front = "---\ntitle: T\nlang: en\nauthor: Jane Roe\ncitation:\n  type: article-journal\n  id: {}\n---\n"
    loaded, article = load(project(tmp_path, front.format("roe2024")))
    assert loaded.problems == () and build_record(article, "T", None)["id"] == "roe2024"
    loaded, article = load(project(tmp_path / "plain", "---\ntitle: T\nlang: en\n---\n"))
    assert build_record(article, "T", None)["id"] == "a"
    loaded, _ = load(project(tmp_path / "bad", front.format("roe 2024")))
    assert messages(loaded.problems) == ["source/a/article.md:7: citation.id: 'roe 2024' cannot be a citation key\n"
                                         "    write it without spaces, commas, braces or quotes: roe2024"]


def test_an_author_string_with_and_is_two_authors(tmp_path):
    """`author: "Cameron Blevins and Lincoln Mullen"` (an R Markdown article): one
    author "Mullen, Cameron Blevins and Lincoln" in every citation file."""
    loaded, article = load(project(tmp_path, '---\ntitle: T\nlang: en\nauthor: "Cameron Blevins and Lincoln Mullen"\n'
                                             '---\n'))
    assert loaded.problems == ()
    assert [(a.name.family, a.name.given) for a in article.authors] == [("Blevins", "Cameron"), ("Mullen", "Lincoln")]
    assert [article.locate(f) for f in ("author",)] == [("source/a/article.md", 4)]
    from imprint.source.metadata import _names_in  # (a review's finding: organisations were split)

    assert _names_in("Alice Smith, Bob Jones and Carol White") == ["Alice Smith", "Bob Jones", "Carol White"]
    assert _names_in("Smith, John and Doe, Jane") == ["Smith, John", "Doe, Jane"]
    assert _names_in("Department of Science and Technology") == ["Department of Science and Technology"]
    assert _names_in("Johnson and Johnson") == ["Johnson and Johnson"]


def test_an_author_string_as_a_russian_journal_prints_it_is_read_or_told(tmp_path):
    """"Иванов И. П. и Петрова М. А." was one author "А., Иванов И. П. и Петрова М.";
    "Иванов И. П., Петрова М. А." one author, family "Иванов И. П.", printed
    "Иванов И. П. П. М. А.", in silence (QA 23)."""
    loaded, article = load(project(tmp_path / "and",
                                   '---\ntitle: T\nlang: ru\nauthor: "Иванов И. П. и Петрова М. А."\n---\n'))
    assert loaded.problems == () and loaded.warnings == ()
    assert [(a.name.family, a.name.given) for a in article.authors] == [("Иванов", "И. П."), ("Петрова", "М. А.")]
    for written in ("Иванов И. П., Петрова М. А.", "Ivanov, I. P.; Petrova, M. A.", "Smith J, Doe J"):
        loaded, _ = load(project(tmp_path / written[:5],
                                 f'---\ntitle: T\nlang: ru\nauthor: "{written}"\n---\n'))
        assert [w.message for w in loaded.warnings] == [
            f"'{written}' is read as one author's name, though it looks like a list of several"], written
    for one in ("Batunaev, Eduard V.", "van der Berg, Anna Maria"):
        loaded, _ = load(project(tmp_path / one[:5], f'---\ntitle: T\nlang: en\nauthor: "{one}"\n---\n'))
        assert loaded.warnings == (), one


def test_crossref_words_are_read_as_pandoc_reads_metadata(tmp_path):
    """`titleDelim: "&nbsp;–"` (the gostdown reports): «Таблица 2&nbsp;– …» printed
    under every table; Pandoc reads metadata as Markdown, the entity a no-break space."""
    loaded, article = load(project(tmp_path, '---\ntitle: T\nlang: ru\ntitleDelim: "&nbsp;–"\n'
                                             'crossref:\n  fig-prefix: "рис.&#8239;"\n---\n'))
    assert loaded.problems == ()
    assert dict(article.crossref_prefixes) == {"title-delim": "\u00a0–", "fig": "рис.\u202f"}


def test_an_authors_acknowledgements_are_a_note_on_the_author(tmp_path):
    """quarto-journals' JASA and AGU templates give an author `acknowledgements:`,
    which they print as a note on the author's name (\\thanks): it was dropped in
    silence (declared an ignored Quarto field), then printed under a second
    heading of acknowledgements where the text has its own (AGU's template)."""
    loaded, article = load(project(tmp_path, "---\ntitle: T\nlang: en\nacknowledgements: We thank *all*.\n"
                                             "author:\n  - name: Jane Roe\n    acknowledgements: Roe thanks X.\n"
                                             "  - name: Ann Poe\n  - name: Bo Doe\n    note: Retired.\n"
                                             "    acknowledgments: Doe thanks Y.\n---\n"))
    assert loaded.problems == () and loaded.warnings == ()
    assert article.back_matter.acknowledgements == "We thank *all*."
    assert [a.note for a in article.authors] == ["Roe thanks X.", None, "Retired.\n\nDoe thanks Y."]
    assert article.locate("author[0].note")[1] == 7


def test_the_fancy_text_extension_s_words_are_printed():
    """quarto-journals' templates bring quarto-ext's fancy-text: `{{< latex >}}` was
    removed (ACS's title lost "LaTeX", JSS printed "more details on .")."""
    text, expander = expand("Made with {{< latex >}} and {{< bibtex >}}{{< ldots >}} 5{{< pct >}}, "
                            "`{{< tex >}}`.")
    assert text == "Made with LaTeX and BibTeX… 5%, `TeX`." and expander.warnings == []


def test_metadata_blocks_in_the_text_are_read_as_pandoc_reads_them(tmp_path):
    """A document put together from several files has a metadata block in each
    (the gostdown reports' bibliography is in a later one): Pandoc reads them all,
    a later value over an earlier. They were printed as code (28 errors: every
    citation without a bibliography). A block in code is code, a rule stays one,
    and the lines after a block keep their numbers."""
    loaded, article = load(project(tmp_path, "---\ntitle: First\nlang: en\n---\n\nText.\n\n---\nbibliography: r.bib\n"
                                             "title: Second\n...\n\nMore.\n\n```\n---\nnotmeta: 1\n---\n```\n\n---\n\n"
                                             "A rule above.\n", files={"a/r.bib": "@book{x, title={X}, year=2000}\n"}))
    assert loaded.problems == ()
    assert article.title == "Second" and [p.name for p in article.bibliography] == ["r.bib"]
    assert article.locate("title")[1] == 10 and article.locate("bibliography")[1] == 9
    lines = article.body.split("\n")
    assert "notmeta: 1" in article.body and "bibliography" not in article.body
    assert article.body_line + lines.index("More.") == 13  # (its line in the file)
    # (said, with its fields: a rule, a paragraph "Примечание: ...", a rule was read as fields, in silence: QA 23)
    assert [(w.line, w.message) for w in loaded.warnings if "metadata block" in w.message] == [
        (8, "a metadata block in the text (a line '---', then 'field:'): its fields (bibliography, title) are read "
            "as front matter, over any given before, and not printed")]


def test_what_pandoc_reads_as_no_metadata_block_stays_text(tmp_path):
    """(a review's finding) `---` then `https://...` (YAML reads one text, no fields)
    crashed the build; a block in an HTML comment was read (Pandoc keeps the comment);
    one with a blank line inside, or with Windows line ends, was not."""
    loaded, article = load(project(tmp_path, "---\ntitle: T\nlang: en\n---\n\nText.\n\n---\nhttps://example.org/data\n---"
                                             "\n\n<!--\n\n---\ntitle: Old\n---\n-->\n\n---\nabstract: |\n  One.\n\n  Two.\n"
                                             "keywords: [a]\n---\n"))
    assert loaded.problems == ()
    assert article.title == "T" and article.keywords == ("a",) and article.abstract == "One.\n\nTwo."
    assert "https://example.org/data" in article.body and "title: Old" in article.body
    _, article = load(project(tmp_path / "crlf", "---\r\ntitle: T\r\nlang: en\r\n---\r\n\r\nText.\r\n\r\n---\r\n"
                                                 "keywords: [b]\r\n---\r\n"))
    assert article.keywords == ("b",)


def test_a_metadata_block_that_opens_with_a_yaml_comment_is_read(tmp_path):
    """Pandoc's own test (yaml-metadata-blocks.md): a block whose first line is a
    YAML comment was printed as a table of its lines, its abstract lost, unsaid. A
    heading between rules, which YAML reads as no fields, stays text."""
    loaded, article = load(project(tmp_path, "---\ntitle: T\nlang: en\n---\n\nText.\n\n---\n# a comment first\n"
                                             "abstract: Read.\n---\n\nMore.\n\n---\n# A heading\n\nText.\n\n---\n# Comment only\n...\n"))
    assert loaded.problems == () and article.abstract == "Read."
    assert "a comment first" not in article.body and "# A heading" in article.body
    assert "Comment only" not in article.body  # (an empty block, test 7400: it was a heading, a new chapter)


def test_the_document_s_execute_options_are_every_cell_s(tmp_path):
    """Quarto's `execute: echo: false` (a real post: 15 cells) was ignored: the code
    its author hid was published. A cell's own option is over it."""
    import io
    import zipfile

    from imprint.building.units import Context, build_article
    from imprint.theme import Theme

    settings = project(tmp_path, "---\ntitle: T\nlang: en\nexecute:\n  echo: false\n  warning: false\n---\n\n"
                                 "```{r}\napi_key <- \"s3cr3t\"\nsummary(cars)\n```\n\n"
                                 "```{r}\n#| echo: true\nplot(cars)\n```\n")
    loaded, article = load(settings)
    assert loaded.problems == () and dict(article.execute) == {"echo": "false"}
    settings = Settings.for_project(settings.root, formats=("epub",), environ={})
    result = build_article(article, Context(settings, Theme(settings.root, settings.styles_dir), None))
    with zipfile.ZipFile(io.BytesIO(result.files["a.epub"])) as epub:
        text = epub.read("EPUB/chapter-1.xhtml").decode()
    assert "s3cr3t" not in text and "summary" not in text and "plot" in text


def test_a_keyword_with_a_comma_is_warned_of_at_its_line(tmp_path):
    """The records join keywords with commas (CSL-JSON, BibTeX, the PDF's Keywords),
    where Zotero reads 'state, empire' as two: a warning at the keyword's line."""
    settings = project(tmp_path, "---\ntitle: K\nlang: en\nkeywords:\n  - nomads\n  - \"state, empire\"\n"
                                 "translation:\n  lang: ru\n  title: К\n  keywords:\n    - \"государство, империя\"\n"
                                 "---\n\nText.\n")
    loaded, article = load(settings)
    assert loaded.ok("a") and article.keywords == ("nomads", "state, empire")  # kept as written
    first, second = [w for w in loaded.warnings if "comma" in w.message]
    assert (first.line, first.field, second.line, second.field) == (6, "keywords[1]", 11, "translation.keywords[0]")
    assert "'state, empire' holds a comma" in first.message and "two keywords" in first.message
    # one string of keywords is Quarto's comma-separated list: no warning
    loaded, article = load(project(tmp_path / "b", "---\ntitle: K\nlang: en\nkeywords: nomads, state\n---\n\nText.\n"))
    assert article.keywords == ("nomads", "state") and not [w for w in loaded.warnings if "comma" in w.message]


def test_an_r_markdown_document_is_read_with_its_single_backslash_math(tmp_path):
    """R Markdown reads \\( \\) and \\[ \\] as math (markdown+tex_math_single_backslash):
    a bookdown document printed "[ 1_A() = ] is measurable" as text."""
    _, article = load(project(tmp_path, "---\ntitle: T\nlang: en\noutput: bookdown::pdf_book\n---\n\n\\[x\\]\n"))
    assert article.markdown_extensions == ("+tex_math_single_backslash",)
    _, article = load(project(tmp_path / "b", "---\ntitle: T\nlang: en\noutput: html_document\n"
                                              "from: markdown+emoji\n---\n\nText.\n"))
    assert article.markdown_extensions == ("+tex_math_single_backslash", "+emoji")
    _, article = load(project(tmp_path / "c", "---\ntitle: T\nlang: en\n---\n\nText.\n"))
    assert article.markdown_extensions == ()  # (Pandoc's markdown, as Quarto reads it)


def test_a_quarto_or_r_markdown_document_not_named_article_md_is_told(tmp_path):
    """A folder of source/ with index.qmd (or paper.Rmd) and no article.md was passed
    over in silence; with no other article, the error did not say why."""
    settings = project(tmp_path, "---\ntitle: T\nlang: en\n---\n\nText.\n")
    (tmp_path / "source" / "b").mkdir()
    (tmp_path / "source" / "b" / "index.qmd").write_text("---\ntitle: B\n---\n\nText.\n")
    (tmp_path / "source" / "b" / "_part.qmd").write_text("Included.\n")
    loaded, _ = load(settings)
    told = [w for w in loaded.warnings if "is not read" in w.message]
    assert [(w.file, w.message) for w in told] == [
        ("source/b/index.qmd", "this folder has no article.md: its index.qmd is not read")]
    (tmp_path / "source" / "a" / "article.md").unlink()
    with pytest.raises(Exception) as raised:
        load(settings)
    assert "source/b/index.qmd is not read: rename it article.md" in str(raised.value.problems[0].hint)


def test_a_chapter_without_a_title_is_titled_by_its_first_heading(tmp_path):
    """A Quarto book's chapter has no front matter title: Quarto takes its first
    heading. It was "missing required field 'title'", and once one was added the
    title printed twice."""
    loaded, article = load(project(tmp_path, "---\nlang: en\n---\n\n# Probability {.unnumbered}\n\nText.\n"))
    assert loaded.ok("a") and article.title == "Probability"
    assert "# Probability" not in article.body and article.body.count("\n") >= 3  # (its lines kept)
    told, = [w for w in loaded.warnings if "first heading" in w.message]
    assert (told.line, told.message) == (5, "no title is given: the first heading, 'Probability', is the title, the "
                                            "text's only level-1 heading (as Pandoc takes it with "
                                            "--shift-heading-level-by=-1)")
    # a heading with an id the text refers to stays, and the title is missing as before
    loaded, _ = load(project(tmp_path / "b", "---\nlang: en\n---\n\n# Probability {#sec-prob}\n\nSee @sec-prob.\n"))
    assert any("missing required field 'title'" in p.message for p in loaded.problems)
    # as Quarto writes a book's chapter (QA 21): no front matter, `# Title {#sec-x}`, the
    # language from the book's _quarto.yml; it was "the file does not start with front matter"
    loaded, article = load(project(tmp_path / "c", "\n# Probability {#sec-prob}\n\nText.\n",
                                   {"a/_quarto.yml": "project:\n  type: book\nlang: en\n"}))
    assert loaded.ok("a") and article.title == "Probability" and "{#sec-prob}" not in article.body
    assert [(w.line, w.message) for w in loaded.warnings if "first heading" in w.message] == [
        (2, "no title is given: the first heading, 'Probability', is the title, as Quarto takes a book chapter's")]


def test_a_document_without_front_matter_is_titled_by_its_first_heading(tmp_path):
    """A Pandoc document without front matter that opens with `# Численное
    моделирование ...` was refused, "the file does not start with front matter",
    unless a _quarto.yml was there (QA 27): its heading is its title, with the same
    warning. Without such a heading, the error says both ways out; a heading the
    text refers to stays one, and says why the title is missing."""
    loaded, article = load(project(tmp_path / "a", "\n# Численное моделирование\n\nТекст.\n"))
    assert loaded.ok("a") and article.title == "Численное моделирование" and "# Численное" not in article.body
    assert [(w.line, w.message) for w in loaded.warnings if "heading" in w.message] == [
        (2, "no title is given: the first heading, 'Численное моделирование', is the title, the text's only "
            "level-1 heading (as Pandoc takes it with --shift-heading-level-by=-1)")]
    loaded = load_project(project(tmp_path / "b", "Текст.\n\n# Раздел\n"))
    assert [(p.line, p.message, p.hint) for p in loaded.problems] == [
        (1, "the file does not start with front matter", "begin the file with a line '---', then the fields "
            "(title: ...), then a line '---'; or with its title as a heading, a first line '# Title' (or Pandoc's "
            "title block: % Title)")]
    loaded = load_project(project(tmp_path / "c", "# Probability {#sec-prob}\n\nSee @sec-prob.\n"))
    assert [(p.line, p.message) for p in loaded.problems] == [(1, "missing required field 'title'")]
    assert [(w.line, w.message) for w in loaded.warnings if "heading" in w.message] == [
        (1, "the first heading, 'Probability', is not the title: the text refers to it as a section (@sec-prob)")]


def test_a_document_whose_level_1_headings_are_its_sections_is_not_titled_by_the_first(tmp_path):
    """`# Introduction`, `# Methods`, `# Results` without front matter was titled
    "Introduction", its first section left without its heading, with a warning
    naming Quarto's book chapters (QA 27 review, finding 4): Pandoc and Quarto give
    a document no title from its first heading. Without a _quarto.yml, the first
    heading is the title only where no other level-1 heading (`#`, or over `===`;
    not a code's `# comment`) follows: else the error says both ways out. Front
    matter without a title keeps the heading, and says why beside "missing required
    field 'title'"; a Quarto book's chapter is titled by it as before."""
    sections = "# Introduction\n\nWe study things.\n\n```python\n# a comment\n```\n\n# Methods\n\nText.\n"
    loaded = load_project(project(tmp_path / "a", sections))
    assert [(p.line, p.message, p.hint) for p in loaded.problems] == [
        (1, "the file does not start with front matter", "begin the file with a line '---', then the fields "
            "(title: ...), then a line '---' (or Pandoc's title block: % Title); or, for 'Introduction' to be its "
            "title, make its sections '## ...' (line 9 is a level-1 heading too)")]
    loaded = load_project(project(tmp_path / "b", "---\nlang: en\n---\n\n# Introduction\n\nText.\n\nMethods\n"
                                                  "=======\n\nText.\n"))
    assert [(p.line, p.message) for p in loaded.problems] == [(2, "missing required field 'title'")]
    assert [(w.line, w.message, w.hint) for w in loaded.warnings if "heading" in w.message] == [
        (5, "the first heading, 'Introduction', is not the title: the heading on line 9 is of level 1 too: both are "
            "sections", "give the title in the front matter (title: ...), or make the text's other level-1 "
                        "headings '## ...'")]
    loaded, article = load(project(tmp_path / "c", sections.replace("# Methods", "## Methods")))
    assert loaded.ok("a") and article.title == "Introduction" and "# a comment" in article.body
    loaded, article = load(project(tmp_path / "d", sections, {"_quarto.yml": "project:\n  type: book\nlang: en\n"}))
    assert loaded.ok("a") and article.title == "Introduction" and "# Methods" in article.body
    assert [(w.line, w.message) for w in loaded.warnings if "heading" in w.message] == [
        (1, "no title is given: the first heading, 'Introduction', is the title, as Quarto takes a book chapter's")]


def test_a_tex_command_in_double_quotes_is_told_before_yaml_eats_its_backslash(tmp_path):
    """`"... \\textit{Правда} ..."` printed "extit{Правда}" (a tab before it), `"$\\theta$"`
    printed "$ heta$", in silence (QA 23): YAML's escapes in double quotes."""
    for written, command in (('"По материалам \\textit{Правда}"', "\\textit"), ('"Оценка $\\nu$"', "\\nu")):
        loaded = load_project(project(tmp_path / command[1:], f"---\ntitle: T\nlang: ru\nsubtitle: {written}\n---\n"))
        assert [p.message for p in loaded.problems] == [
            f"in double quotes YAML reads '{command}' as an escape: the value loses the backslash of its TeX command"]
    loaded, article = load(project(tmp_path / "single", "---\ntitle: T\nlang: ru\nsubtitle: 'О $\\theta$'\n---\n"))
    assert loaded.problems == ()


def test_a_value_a_comment_cut_short_is_told(tmp_path):
    """`subtitle: По материалам архивов #2 и фонда 32` was "По материалам архивов",
    in silence (QA 23); a comment meant as one (`# for now`) is no warning."""
    loaded, article = load(project(tmp_path, "---\ntitle: T\nlang: ru\nsubtitle: По материалам архивов #2 и фонда\n"
                                             "keep-tex: true # for now\n---\n"))
    assert [(w.line, w.message) for w in loaded.warnings if "comment" in w.message] == [
        (4, "YAML reads '#2 и фонда...' after the value 'По материалам архивов' as a comment, and leaves it out")]


def test_keywords_separated_by_semicolons_are_several(tmp_path):
    """`keywords: история; Монголия; Халхин-Гол` was one keyword (QA 23)."""
    loaded, article = load(project(tmp_path, "---\ntitle: T\nlang: ru\nkeywords: история; Монголия; Халхин-Гол\n---\n"))
    assert article.keywords == ("история", "Монголия", "Халхин-Гол")


def test_a_doi_with_the_full_stop_of_a_sentence_is_refused(tmp_path):
    """`doi: https://doi.org/10.5555/x.` (copied from the end of a sentence) was
    accepted, and its link led nowhere (QA 23)."""
    loaded = load_project(project(tmp_path, "---\ntitle: T\nlang: en\ndoi: https://doi.org/10.5555/x-2.\n---\n"))
    [problem] = loaded.problems
    assert problem.field == "doi" and "without the full stop of a sentence" in problem.hint
