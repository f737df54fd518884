"""A paper written for the Open Journals (JOSS) builds as it is: numbered
affiliations, names in parts, notes in names, `equal-contrib`, `tags`; and the
LaTeX its authors write in the text (`\\label`, `\\autoref`, `\\texttt`). So do
the front matters of R Markdown's papaja and Copernicus (rticles) templates.

The front matter is written for these tests in the shape the JOSS documentation
("JOSS Paper Format") gives, not copied from a paper. Ten real JOSS papers were
built unchanged while this was written (see the note on issue 14): eight build;
one has a YAML line Pandoc refuses too, one a .bib key used for two entries.
"""

from __future__ import annotations

import re
import zipfile

import pytest

from imprint.body import formulas
from imprint.body.pandoc import deadline_in
from imprint.body.reader import Field, render_fields
from imprint.errors import SourceError
from imprint.pipeline import build
from imprint.settings import Settings
from imprint.source.project import load_project
from conftest import REPO
from test_body import WORDS, both, problems, read
from test_quarto_front_matter import load, messages, project

JOSS = """
---
title: 'Gala: A Python package for galactic dynamics'
tags:
  - Python
  - astronomy
  - dynamics
authors:
  - name: Adrian M. Price-Whelan^[Corresponding author]
    orcid: 0000-0003-0872-7098
    equal-contrib: true
    affiliation: "1, 2"
  - name: Author Without ORCID
    equal-contrib: true
    affiliation: 2
  - name: Author with no affiliation^[Now at the Moon]
    corresponding: true
    affiliation: [3]
  - given-names: Ludwig
    dropping-particle: van
    surname: Beethoven
    affiliation: 3
affiliations:
 - name: Lyman Spitzer, Jr. Fellow, Princeton University, USA
   index: 1
   ror: 00hx57361
 - name: Institution Name, Country
   index: 2
 - name: Independent Researcher, Country
   index: 3
date: 13 August 2017
bibliography: paper.bib
---

# Summary

Text.
"""


def test_a_joss_paper_reads_its_authors_and_numbered_affiliations(tmp_path):
    loaded, article = load(project(tmp_path, JOSS, {"a/paper.bib": "@misc{x, title={X}, year=2020}\n"}))
    assert loaded.problems == (), messages(loaded.problems)
    assert not [w for w in messages(loaded.warnings) if "ignored" in w]
    first, second, third, fourth = article.authors
    assert first.name.display == "Adrian M. Price-Whelan" and first.corresponding and first.equal_contributor
    assert [a.name for a in first.affiliations] == ["Lyman Spitzer, Jr. Fellow, Princeton University, USA",
                                                   "Institution Name, Country"]
    assert first.affiliations[0].ror == "00hx57361"
    assert second.equal_contributor and [a.name for a in second.affiliations] == ["Institution Name, Country"]
    assert third.name.display == "Author with no affiliation" and third.note == "Now at the Moon"
    assert third.corresponding
    assert (fourth.name.given, fourth.name.dropping_particle, fourth.name.family) == ("Ludwig", "van", "Beethoven")
    assert [a.name for a in fourth.affiliations] == ["Independent Researcher, Country"]
    assert article.keywords == ("Python", "astronomy", "dynamics")
    assert (article.date.year, article.date.month, article.date.day) == (2017, 8, 13)


def test_rticles_first_and_last_names_and_a_name_of_no_name_part(tmp_path):
    """rticles' Springer template's `firstname`, `lastname` were ignored, and an
    author left with its `suffix` alone was published as ", III" (QA 21)."""
    front = "---\ntitle: T\nlang: en\nauthors:\n  - firstname: Leading\n    lastname: Author\n    suffix: III\n---\n"
    loaded, article = load(project(tmp_path, front))
    assert loaded.problems == () and article.authors[0].name.display == "Leading Author, III"
    loaded, _ = load(project(tmp_path / "b", front.replace("firstname: Leading", "email: a@example.org").replace(
        "    lastname: Author\n", "")))
    assert messages(loaded.problems) == [
        "source/a/article.md:6: authors[0].name: the name has no given or family name, only its suffix\n"
        "    write `name: Given Family`, or its `given:` and `family:`"]


def test_springers_affiliations_are_told_what_to_do(tmp_path):
    """rticles' Springer template: an address of fields was an error with no hint,
    then "no affiliation has the id '1'" for an affiliation that is there; one of
    fields Imprint does not read alone was printed as an empty "2." (QA 21). Both
    are told in one run (the address's problem hid the other: QA 23 F15)."""
    front = ("---\ntitle: T\nlang: en\nauthors:\n  - name: Leading Author\n    affiliation: [1, 2]\n"
             "affiliations:\n  - number: 1\n    name: Organization\n    address:\n      street: Street\n"
             "      city: City\n  - number: 2\n    info:\n      orgname: Other\n---\n")
    loaded, _ = load(project(tmp_path, front))
    assert messages(loaded.problems) == [
        "source/a/article.md:10: affiliations[0].address: must be text or a number, not a set of fields\n"
        "    write the street as one line of text, and the city, region, country and postal code in `city`, "
        "`region`, `country`, `postal-code`",
        "source/a/article.md:6: authors[0].affiliation[1]: the affiliation '2' has nothing to print: no name, "
        "department, address, city or country\n    give it its `name:` (and `department:`, `city:`, `country:`...)"]
    loaded, _ = load(project(tmp_path / "b", front.replace("    address:\n      street: Street\n      city: City\n",
                                                           "    city: City\n")))
    assert messages(loaded.problems) == [
        "source/a/article.md:6: authors[0].affiliation[1]: the affiliation '2' has nothing to print: no name, "
        "department, address, city or country\n    give it its `name:` (and `department:`, `city:`, `country:`...)"]


def test_affiliations_without_an_index_are_numbered_by_their_place(tmp_path):
    loaded, article = load(project(tmp_path, """---
title: T
lang: en
authors:
  - name: A B
    affiliation: 2
  - name: C D
    affiliation: "1,2"
affiliations:
  - name: First
  - name: Second
---
"""))
    assert loaded.problems == ()
    assert [a.name for a in article.authors[0].affiliations] == ["Second"]
    assert [a.name for a in article.authors[1].affiliations] == ["First", "Second"]


def test_a_number_that_names_no_affiliation_is_an_error_at_its_line(tmp_path):
    loaded, _ = load(project(tmp_path, """---
title: T
lang: en
authors:
  - name: A B
    affiliation: "1, 3"
affiliations:
  - name: First
    index: 1
---
"""))
    assert messages(loaded.problems) == [
        "source/a/article.md:6: authors[0].affiliation[1].ref: no affiliation has the id '3'\n"
        "    list it under the top-level 'affiliations:' (ids: 1)"]


def test_a_note_in_a_name_that_says_equal_contribution_marks_it(tmp_path):
    loaded, article = load(project(tmp_path, """---
title: T
lang: en
author:
  - name: "Ada Lovelace^[These authors contributed equally.]"
  - name: Name Parts
    surname: Ignored
---
"""))
    ada, parts = article.authors
    assert ada.name.display == "Ada Lovelace" and ada.equal_contributor and not ada.corresponding
    assert parts.name.display == "Name Parts"  # (a name given whole wins; the part is an unknown field)
    assert "author[1].surname (line 7)" in messages(loaded.warnings)[0]


def test_a_blank_line_before_the_front_matter_is_allowed(tmp_path):
    loaded, article = load(project(tmp_path, "\n\n---\ntitle: T\nlang: en\ndate: x\n---\n\nText.\n"))
    assert messages(loaded.problems) == [
        "source/a/article.md:6: date: 'x' is not a date Imprint can read; write it as YYYY-MM-DD, YYYY-MM or YYYY"]
    assert article.body_line == 8


def test_the_corresponding_author_without_an_address_is_marked_and_a_ror_id_is_published(tmp_path):
    source = tmp_path / "source" / "a"
    source.mkdir(parents=True)
    (source / "article.md").write_text(
        "---\ntitle: T\nlang: en\nauthor:\n  - name: Ada Lovelace^[corresponding author]\n    affiliation: 1\n"
        "  - name: Charles Babbage\n    corresponding: true\n    email: cb@example.org\n"
        "affiliations:\n  - name: Princeton University\n    index: 1\n    ror: 00hx57361\n---\n\nText.\n")
    assert build(Settings.for_project(tmp_path, environ={}, formats=("epub", "site"))).ok
    landing = (tmp_path / "dist" / "a" / "index.html").read_text()
    assert re.search(r'"name": "Princeton University",\s*"identifier": "https://ror.org/00hx57361",\s*'
                     r'"sameAs": "https://ror.org/00hx57361"', landing)  # (the ROR id, in the page's JSON-LD)
    with zipfile.ZipFile(tmp_path / "dist" / "a" / "a.epub") as epub:
        page = "".join(epub.read(name).decode() for name in epub.namelist() if name.endswith(".xhtml"))
    assert ('<span class="author-name">Ada Lovelace</span><sup class="affiliation-ref">1</sup>'
            '<sup class="author-marks">*</sup>') in page  # (her affiliation, not Babbage's: marked)
    assert '<span class="author-mark">*</span> Corresponding author.' in page
    assert 'Correspondence: <a href="mailto:cb@example.org">' in page


# -- the LaTeX of the text


def test_latex_labels_number_figures_tables_and_sections_for_autoref_and_ref(folder):
    reading = read("# Method \\label{sec:method}\n\n"
                   "![A map.\\label{fig:map}](map.png){width=50%}\n\n"
                   "See \\autoref{fig:map}, \\ref{fig:map}, \\autoref{tab:n} and \\ref{sec:method}.\n\n"
                   "| a | b |\n|---|---|\n| 1 | 2 |\n\n: Numbers \\label{tab:n}\n", folder=folder)
    epub, printed = both(reading)
    assert reading.warnings == ()
    assert '<a class="crossref" href="#fig-map">Figure 1</a>, <a class="crossref" href="#fig-map">1</a>' in epub
    assert '<a class="crossref" href="#tab-n">Table 1</a>' in epub
    assert 'href="#method">Method</a>' in epub  # (an unnumbered section: its title, as @sec-x prints it)
    assert "label" not in re.sub(r'class="[^"]*"', "", epub) and "\\" not in epub
    assert 'id="fig-map"' in epub and 'id="tab-n"' in epub and "A map." in printed


def test_joss_label_spans_label_a_table_and_an_equation(folder):
    """The JOSS author guide labels a table by an empty span in its caption,
    []{label="proglangs"}, and an equation by a span around it,
    [$$...$$]{label="eq:fermat"}: both were 'nothing has the label', and the
    paper was not built."""
    reading = read("See \\autoref{proglangs} (\\ref{proglangs}) and \\autoref{eq:fermat}.\n\n"
                   ": Languages.\n  []{label=\"proglangs\"}\n\n| Language | Typing |\n|---|---|\n| Lua | dynamic |\n\n"
                   "[$$a^n + b^n = c^n$$]{label=\"eq:fermat\"}\n", folder=folder)
    epub, printed = both(reading)
    assert reading.warnings == ()
    assert '<a class="crossref" href="#proglangs">Table 1</a> (<a class="crossref" href="#proglangs">1</a>)' in epub
    assert '<a class="crossref" href="#eq-fermat">Equation 1</a>' in epub, epub
    assert 'id="eq-fermat"' in epub and "(1)" in printed and 'label=' not in epub


def test_a_latex_label_given_twice_or_missing_is_an_error_at_its_line(folder):
    with pytest.raises(SourceError) as caught:
        read("![A.\\label{fig:x}](map.png)\n\n![B.\\label{fig:x}](map.png)\n\nSee \\autoref{fig:y}.\n", folder=folder)
    assert [f"{p.line}: {p.message}" for p in caught.value.problems] == [
        "3: the label 'fig:x' is also given to another equation, figure, table or section",
        "5: nothing has the label 'fig:y'"]
    assert caught.value.warnings == ()  # (not also "raw tex is left out (\\autoref{fig:y})")


def test_latex_formatting_in_the_text_and_the_title_is_printed_as_it_reads(tmp_path):
    reading = read("The \\texttt{stella} package, \\textsc{SciPol}, \\textit{TESS}, \\url{example.org/a}, "
                   "\\href{https://example.org}{site}, \\today and \\vspace{1em}.\n")
    epub, _ = both(reading)
    assert ("<code>stella</code> package, <span class=\"smallcaps\">SciPol</span>, <em>TESS</em>, "
            "<code>example.org/a</code>, <a href=\"https://example.org\">site</a>") in epub
    assert [w.message.split(":")[0] for w in reading.warnings] == ["raw tex is left out (\\today)",
                                                                    "raw tex is left out (\\vspace{1em})"]
    fields = render_fields([Field("title", "\\texttt{stella}: flares in \\textit{TESS} \\vspace{1em}", True, 2)],
                           file="a.md", lang="en", words=WORDS, root=tmp_path, deadline=deadline_in(30), warnings=(said := []))
    assert str(fields["title"]) == "<code>stella</code>: flares in <em>TESS</em>"
    assert [str(w) for w in said] == ["a.md:2: title: raw tex is left out (\\vspace{1em}): the editions are not "
                                      "made with tex\n    write it in Markdown, or delete it"]


def test_a_markdown_comment_in_the_front_matter_is_refused_with_what_to_write(tmp_path):
    """Pandoc refuses it too ("Non-string keys are not supported")."""
    loaded = load_project(project(tmp_path, "---\ntitle: T\nlang: en\n[//]: # (aas-journal: ApJ)\n---\n"))
    assert messages(loaded.problems) == [
        "source/a/article.md:4: field names must be plain text\n"
        "    a Markdown comment ([//]: # (...)) is not one in YAML: write the line as '# ...'"]


def test_a_key_given_to_two_entries_uses_the_last_as_pandoc_does(tmp_path):
    """A JOSS paper's .bib had one work twice under one key: an error stopped the
    build, where Pandoc takes the last entry (measured with Pandoc 3.9)."""
    (tmp_path / "refs.bib").write_text("@article{k, title={First}, author={A, B}, year=2019, journal={J}}\n\n"
                                       "@article{k, title={Second}, author={C, D}, year=2020, journal={J}}\n")
    reading = read("See @k.\n", folder=tmp_path, bibliography=(tmp_path / "refs.bib",),
                   style=REPO / "styles" / "csl" / "utmn-humanitates.csl")
    assert [str(w) for w in reading.warnings] == [
        "refs.bib:3: the key 'k' is also used on line 1: this entry is used, as Pandoc uses the last\n    give one of the two entries another key, or delete the one not meant"]
    assert "Second" in str(reading.body.references) and "First" not in str(reading.body.references)


# -- found in review

def test_labels_without_a_colon_in_sub_figures_and_across_the_syntaxes(folder):
    reading = read("# Introduction \\label{introduction}\n\n![Overview. \\label{overview}](map.png)\n\n"
                   "::: {#fig-panel}\n![Left \\label{fig:left}](map.png){#fig-l}\n\n![Right](map.png){#fig-r}\n\n"
                   "Panel \\label{fig:panel}\n:::\n\n![Map](map.png){#fig:map}\n\n$$ a = b \\label{eq:x} $$\n\n"
                   "See \\autoref{overview}, \\ref{introduction}, \\autoref{fig:left}, \\Cref{fig:panel}, "
                   "\\autoref{fig:map} and @eq:x.\n", folder=folder)
    assert reading.warnings == ()
    assert ('See <a class="crossref" href="#overview">Figure 1</a>, <a class="crossref" href="#introduction">'
            'Introduction</a>, <a class="crossref" href="#fig-l">Figure 2(a)</a>, <a class="crossref" '
            'href="#fig-panel">Figure 2</a>, <a class="crossref" href="#fig-map">Figure 3</a> and '
            '<a class="crossref" href="#eq-x">Equation 1</a>.') in both(reading)[0]


def test_an_image_in_a_sentence_labelled_is_said_to_be_no_figure(folder):
    """The JOSS documentation's own example puts the image in a sentence."""
    assert problems("Figures can be included like this:\n![Caption.\\label{fig:example}](map.png)\n"
                    "and referenced using \\autoref{fig:example}.\n", folder=folder) == [
        "3: the image labelled 'fig:example' is in a sentence, so it is no figure and has no number"]


def test_the_names_of_tex_programs_are_printed():
    """ACM's template writes `\\BibTeX\\ `: left out, it gave "The use of for the"."""
    reading = read("The use of \\BibTeX\\ for the \\LaTeX\\ and \\XeTeX, \\LuaTeX, \\pdfLaTeX.\n")
    assert reading.warnings == ()
    assert "The use of BibTeX\u00a0for the LaTeX\u00a0and XeTeX, LuaTeX, pdfLaTeX." in both(reading)[0]


def test_latex_text_keeps_its_spaces_links_and_says_where_a_per_cent_sign_cut_it():
    reading = read("# Intro\n\nPlain \\LaTeX for equations, \\url{https://x.org/a b}, \\href{#intro}{the start}.\n\n"
                   "The data are at \\url{https://example.org/data%20set.csv}.\n")
    epub = both(reading)[0]
    assert ('Plain LaTeX for equations, <a class="uri" href="https://x.org/a%20b"><span class="url">https://x.org/a'
            '</span> b</a>, <a href="#intro">the start</a>.') in epub  # (an address: url_html)
    assert [(w.line, w.hint.split(",")[0]) for w in reading.warnings] == [
        (5, "% starts a comment in LaTeX")]


def test_a_work_whose_key_looks_like_a_label_is_cited(tmp_path):
    (tmp_path / "refs.bib").write_text("@book{fig:x_a, title={Figures}, author={Smith, Ann}, year=2020}\n")
    reading = read("See @fig:x_a.\n", folder=tmp_path, bibliography=(tmp_path / "refs.bib",),
                   style=REPO / "styles" / "csl" / "utmn-humanitates.csl")
    assert reading.warnings == () and "Smith" in both(reading)[0]


def test_numbered_affiliations_written_loosely_and_notes_kept(tmp_path):
    loaded, article = load(project(tmp_path, """---
title: T
lang: en
authors:
  - name: "A B^[Present address: Paris]"
    note: Own note
    affiliation: "1 2"
  - name: C D^[Corresponding author]
    corresponding: false
    affiliation: "2,"
affiliations:
  - name: First
    index: 1
  - name: Second
    index: 2
---
"""))
    assert loaded.problems == ()
    first, second = article.authors
    assert [a.name for a in first.affiliations] == ["First", "Second"]
    assert first.note == "Own note Present address: Paris"
    assert [a.name for a in second.affiliations] == ["Second"]
    assert not second.corresponding and second.note == "Corresponding author"


def test_a_phantom_alone_draws_nothing_without_complaint():
    drawing = formulas._draw('<math xmlns="http://www.w3.org/1998/Math/MathML"><mphantom><mi>x</mi></mphantom>'
                             '</math>')
    assert drawing.glyph == b"" and drawing.width > 0.5


# -- found building R Markdown and Pandoc papers

def test_a_formula_laid_out_with_no_height_is_its_tex_in_a_box():
    """`$\\hat{}$` and `$\\frac{}{}$`: ziamath laid them out -2000 em high, and the
    printed line (and a page) vanished."""
    for tex in (r"\hat{}", r"\frac{}{}"):
        formulas._drawn.clear()
        node = {"t": "Math", "c": [{"t": "InlineMath"}, tex]}
        formulas.convert([node], "article.md", deadline_in(30))
        found = formulas.report([(node, 4)], "article.md", None, drawn=True)
        assert [p.line for p in found] == [4] and "cannot be drawn for print" in found[0].message


def test_inline_r_code_is_said_to_be_not_executed():
    reading = read("The mean is `r round(mean(x), 2)` here.\n")
    assert [(w.line, w.message) for w in reading.warnings] == [
        (1, "inline r code is not executed: its expression is shown as code")]


def test_a_dependent_style_uses_its_parent_and_never_the_web(tmp_path):
    (tmp_path / "source" / "a").mkdir(parents=True)
    dependent = ('<?xml version="1.0" encoding="utf-8"?>\n<style xmlns="http://purl.org/net/xbiblio/csl" '
                 'version="1.0" class="in-text"><info><title>A journal</title><id>x</id>'
                 '<link href="http://www.zotero.org/styles/{parent}" rel="independent-parent"/></info></style>\n')
    (tmp_path / "source" / "a" / "journal.csl").write_text(dependent.replace("{parent}", "apa"))
    (tmp_path / "source" / "a" / "refs.json").write_text(
        '[{"id": "doe", "type": "book", "title": "A Book", "author": [{"family": "Doe", "given": "Jo"}], '
        '"issued": {"date-parts": [[2020]]}}]')
    (tmp_path / "source" / "a" / "article.md").write_text(
        "---\ntitle: T\nlang: en\nauthor: ''\ndate: ''\ncsl: journal.csl\nbibliography: refs.json\n---\n\n"
        "See @doe.\n")
    assert build(Settings.for_project(tmp_path, environ={}, formats=("epub",))).ok
    (tmp_path / "source" / "a" / "journal.csl").write_text(dependent.replace("{parent}", "no-such-parent"))
    report = build(Settings.for_project(tmp_path, environ={}, formats=("epub",), force=True))
    assert [p.message.split(":")[0] for p in report.problems] == [
        "citation style 'source/a/journal.csl'"]


# The shapes of papaja's template (an APA manuscript) and of rticles' Copernicus
# template, written for these tests.
PAPAJA = """---
title             : "Cats and their owners"
shorttitle        : "Cats"
author:
  - name          : "Ana Ruiz"
    affiliation   : "1"
    corresponding : yes
    address       : "Postal address"
    email         : "ana@example.org"
    role:
      - "Conceptualization"
  - name          : "Ben Okafor"
    affiliation   : "1,2*"
affiliation:
  - id            : "1"
    institution   : "University of Somewhere"
  - id            : "2"
    institution   : "\\\\footnotesize Institute of Elsewhere"
numbersections    : yes
keywords          : "cats, owners"
lang              : en
---

# Intro

Text.
"""

COPERNICUS = """---
title: Glaciers in a warm summer
author:
  - given_name: Ida
    surname: Berg
    affiliation: "1, *"
    email: ida@example.org
    corresponding: true
  - given_name: Olaf
    surname: Lind
    affiliation: "2, *"
  - name:
      first: Nils
      last: Old
    affiliation: "2, \u2020"
affiliation:
  - code: 1
    address: Glacier Institute, Sometown, Norway
  - code: 2
    address: Ice Lab, Othertown, Sweden
  - code: "\u2020"
    address: deceased, 1 May 2020
  - code: "*"
    address: These authors contributed equally to this work.
running:
  title: Warm glaciers
  author: Berg et al.
lang: en
---

Text.
"""


def test_a_papaja_manuscript_reads_its_authors_and_affiliations(tmp_path):
    loaded, article = load(project(tmp_path, PAPAJA))
    assert loaded.problems == (), messages(loaded.problems)
    ana, ben = article.authors
    assert [a.name for a in ana.affiliations] == ["University of Somewhere"]
    assert [a.name for a in ben.affiliations] == ["University of Somewhere", "Institute of Elsewhere"]
    assert ana.corresponding and ana.email == "ana@example.org" and ana.roles
    assert article.short_title == "Cats" and article.number_sections and article.keywords == ("cats", "owners")
    assert [w for w in messages(loaded.warnings) if "LaTeX" in w] == [
        "source/a/article.md:18: affiliation[1].name: LaTeX's \\footnotesize taken out of it: this text is not read "
        "as LaTeX\n    write the text alone, as it should print"]


def test_a_copernicus_manuscript_reads_its_names_codes_and_marks(tmp_path):
    loaded, article = load(project(tmp_path, COPERNICUS))
    assert loaded.problems == (), messages(loaded.problems)
    ida, olaf, nils = article.authors
    assert (ida.name.given, ida.name.family, nils.name.given, nils.name.family) == ("Ida", "Berg", "Nils", "Old")
    assert [a.display for a in ida.affiliations] == ["Glacier Institute, Sometown, Norway"]
    assert [a.display for a in nils.affiliations] == ["Ice Lab, Othertown, Sweden"]
    assert ida.equal_contributor and olaf.equal_contributor and not nils.equal_contributor
    assert nils.deceased and not ida.deceased
    assert article.short_title == "Warm glaciers"


RTICLES = """---
title:
  formatted: "A \\\\pkg{Package} for Things"
  plain: "A Package for Things"
  short: "Things"
keywords:
  formatted: [things, "\\\\proglang{R}"]
  plain: [things, R]
author:
  - name: Li Wei
    affil: a, b
    email: \\email{li@example.org}
    orcid: 0000-0000-0000-0000
  - name: Dan Roe
    affil: "b,\\\\ddagger"
    corresponding: dan@example.org
  - Mia Chen^[Department of Statistics, Some University]
affiliation:
  - num: a
    address: Department of Econometrics, Some University
  - num: b
    address: Data Institute, Other University
lang: english
acknowledgement: Thanks to all.
conflict_of_interest: None declared.
author_summary: What it means for everyone.
author_note:
authornote: |
  Correspondence to Li Wei.
note: "\\\\clearpage"
---

Text.
"""


def test_rticles_front_matter_of_several_templates_is_read(tmp_path):
    """rticles' tf and MDPI (affil, num, letters and LaTeX's marks), JSS (title and
    keywords as {formatted, plain}, \\\\email{}, a placeholder ORCID), PLOS (an e-mail
    as `corresponding`, `author_summary`), R Markdown's `Name^[affiliation]`, a babel
    language name; template fields near Imprint's names are theirs or ignored."""
    loaded, article = load(project(tmp_path, RTICLES))
    assert loaded.problems == (), messages(loaded.problems)
    li, dan, mia = article.authors
    assert [a.display for a in li.affiliations] == ["Department of Econometrics, Some University",
                                                   "Data Institute, Other University"]
    assert [a.display for a in dan.affiliations] == ["Data Institute, Other University"]
    assert li.email == "li@example.org" and li.orcid is None
    assert [w for w in messages(loaded.warnings) if "placeholder" in w] == [  # (JSS's: left out, not in silence)
        "source/a/article.md:13: author[0].orcid: 0000-0000-0000-0000 is a template's placeholder, "
        "not an ORCID iD: it is left out\n    give the author's own iD, or remove the field"]
    assert dan.corresponding and dan.email == "dan@example.org"
    assert mia.name.display == "Mia Chen" and [a.name for a in mia.affiliations] == [
        "Department of Statistics, Some University"]
    assert article.title == "A \\pkg{Package} for Things" and article.short_title == "Things"
    assert article.keywords == ("things", "R") and article.lang == "en"
    assert article.back_matter.acknowledgements == "Thanks to all."
    assert article.back_matter.conflict_of_interest == "None declared."
    assert article.plain_language_summary == "What it means for everyone."
    ignored = [w for w in messages(loaded.warnings) if "ignored the fields" in w]
    assert ignored and "authornote" in ignored[0] and "note (line" in ignored[0]


def test_templates_statements_are_printed_after_the_text(tmp_path):
    """PNAS', MDPI's and Copernicus' statements (author contributions, ethics,
    availability, supplements, a disclaimer; MDPI's simple summary): R Markdown
    prints them, and so does Imprint, each under its heading, in both editions."""
    settings = project(tmp_path, """---
title: T
lang: en
author: Ida Berg
date: 2024-01-01
simplesummary: A *simple* summary.
author_contributions: Ida did it all.
institutionalreview: Approved by the board (no. 7).
informedconsent: Not applicable.
availability:
  code: The code is on Zenodo.
  codedata: Data and code on request.
  sample: Samples are kept at the institute.
videosupplement: A video of the glacier.
disclaimer: Views are the authors' own.
---

Text.
""")
    loaded, article = load(settings)
    assert loaded.problems == (), messages(loaded.problems)
    back = article.back_matter
    assert (back.author_contributions, back.institutional_review, back.informed_consent) == (
        "Ida did it all.", "Approved by the board (no. 7).", "Not applicable.")
    assert (back.code_availability, back.data_availability, back.supplementary_material, back.disclaimer) == (
        "The code is on Zenodo.", "Data and code on request.", "A video of the glacier.", "Views are the authors' own.")
    assert article.plain_language_summary == "A *simple* summary."
    ignored = [w for w in messages(loaded.warnings) if "ignored the fields" in w]
    assert ignored and "availability (line" in ignored[0]  # (its `sample`: no field of Imprint's)
    assert not build(Settings.for_project(tmp_path, formats=("epub",), environ={})).problems
    with zipfile.ZipFile(tmp_path / "dist" / "a" / "a.epub") as epub:
        text = epub.read("EPUB/back-matter.xhtml").decode()
        front = epub.read("EPUB/front-matter.xhtml").decode()
    assert '<h2 id="plain-language-summary-heading">Simple summary</h2>' in front  # (as MDPI names it)
    headings = re.findall(r"<h2[^>]*>([^<]+)</h2>", text)
    assert headings[:7] == ["Author contributions", "Institutional review board statement",
                            "Informed consent statement", "Data availability", "Code availability",
                            "Supplementary material", "Disclaimer"]


def test_an_elsevier_address_list_gives_the_affiliations(tmp_path):
    loaded, article = load(project(tmp_path, """---
title: T
lang: en
author:
  - name: Alice Anonymous
    affiliation: a
address:
  - code: a
    address: Some Institute of Technology
---
"""))
    assert loaded.problems == ()
    assert [a.display for a in article.authors[0].affiliations] == ["Some Institute of Technology"]


def test_the_preamble_s_macros_come_before_the_text(tmp_path):
    """header-includes (Pandoc, Quarto), rticles' preamble and R Markdown's
    includes: in_header file: their \\newcommand lines go before the text, where
    Pandoc applies them to the formulas; the text's lines keep their numbers."""
    settings = project(tmp_path, """---
title: T
lang: en
header-includes:
  - \\usepackage{amsmath}
  - \\newcommand{\\Voters}{\\mathcal{I}}
output:
  pdf_document:
    includes:
      in_header: header.tex
---

Text $\\Voters$ and $\\E$.
""", {"a/header.tex": "% macros\n\\DeclareMathOperator{\\E}{\\mathbb{E}}\n\\makeatletter\\def\\@x{y}\n"})
    loaded, article = load(settings)
    assert loaded.problems == ()
    assert article.body.startswith("\\newcommand{\\Voters}{\\mathcal{I}}\n\\DeclareMathOperator{\\E}{\\mathbb{E}}\n\n")
    assert article.body_line + article.body.count("\n", 0, article.body.index("Text")) == 13


def test_a_language_without_words_in_styles_is_said_to_print_english(tmp_path):
    """A Spanish article printed "Abstract", "Table 1." and "References" in silence
    (Imprint has Spanish's words since: a Dutch one)."""
    project(tmp_path, "---\ntitle: T\nlang: nl\nauthor: Ana Ruiz\ndate: 2024-01-01\nabstract: Een samenvatting.\n---\n\nTekst.\n")
    report = build(Settings.for_project(tmp_path, formats=("epub",), environ={}))
    assert not report.problems
    assert [(w.line, w.message.split(":")[0]) for w in report.warnings] == [
        (3, "styles/locales/ has no words for the language 'nl'")]


def test_an_author_or_licence_written_as_a_markdown_link_is_read_so(tmp_path):
    """Pandoc reads metadata strings as Markdown: `- '[Eleanor Roosevelt](mailto:...)'`
    printed its brackets in the byline, and the citation line took "Roosevelt](..." as
    a family name; a licence's `[CC BY 4.0](https://...)` printed as written."""
    loaded, article = load(project(tmp_path, """---
title: T
lang: en
author:
  - '[Eleanor Roosevelt](mailto:er@example.org)'
  - '[Jane Coauthor](https://example.org/jane)'
license: 'Licensed under [CC BY 4.0](https://creativecommons.org/licenses/by/4.0/).'
---
"""))
    assert loaded.problems == ()
    er, jane = article.authors
    assert (er.name.family, er.name.given, er.email) == ("Roosevelt", "Eleanor", "er@example.org")
    assert (jane.name.display, jane.url) == ("Jane Coauthor", "https://example.org/jane")
    assert (article.license.text, article.license.url) == (
        "Licensed under CC BY 4.0.", "https://creativecommons.org/licenses/by/4.0/")


def test_the_scholarly_metadata_form_of_authors_and_institutes_is_read(tmp_path):
    """pandoc-scholar's (and lua-filters' author-info-blocks) front matter: each
    author a mapping from the name to its fields, `institute:` ids; it was refused."""
    loaded, article = load(project(tmp_path, """---
title: T
lang: en
author:
  - Jane Doe:
      institute: [fosg, fop]
      email: jane.doe@example.com
      equal_contributor: "yes"
      correspondence: "yes"
  - Peder Ås:
      institute: fosg
institute:
  - fosg:
      name: Formatting Open Science Group
      address: 23 Science Street, Eureka
      phone: +1 555 423 1338
  - fop: Federation of Planets
---
"""))
    assert loaded.problems == (), messages(loaded.problems)
    jane, peder = article.authors
    assert (jane.name.display, jane.email, jane.corresponding, jane.equal_contributor) == (
        "Jane Doe", "jane.doe@example.com", True, True)
    assert [a.name for a in jane.affiliations] == ["Formatting Open Science Group", "Federation of Planets"]
    assert [a.name for a in peder.affiliations] == ["Formatting Open Science Group"]


def test_a_marked_raw_tex_block_with_a_comment_is_not_said_to_be_cut_by_it():
    """PLOS's template: ```{=tex} whose first line is a `% comment`: the hint said the
    text after a per cent sign went with it, where the block is left out as raw TeX."""
    reading = read("Before.\n\n```{=tex}\n% Place tables here.\n\\begin{table}\n\\end{table}\n```\n\nAfter.\n")
    assert [(w.line, w.message, w.hint) for w in reading.warnings] == [(
        3, "raw tex is left out (\\begin{table} \\end{table}): the editions are not made with tex",
        "write it as a Markdown table, its caption after it (`: Caption {#tbl-x}`), which both editions print and "
        "number")]


PLOS_FLOATS = """Nulla mi mi, `Fig~\\ref{fig1}`{=latex} venenatis.

```{=tex}
% Place figure captions after the first paragraph in which they are cited.
\\begin{figure}[!h]
\\caption{{\\bf Bold the figure title.}
Figure caption text here.}
\\label{fig1}
\\end{figure}
```

Results, `Table~\\ref{table1}`{=latex} volutpat.

```{=tex}
% Place tables after the first paragraph in which they are cited.
\\begin{table}[!ht]
\\begin{adjustwidth}{-2.25in}{0in} % Comment out/remove adjustwidth environment if table fits in text column.
\\caption{{\\bf Table caption.}}
\\begin{tabular}{|l+l|l|}
\\hline
a & b & c\\\\ \\hline
\\end{tabular}
\\label{table1}
\\end{adjustwidth}
\\end{table}
```
"""


def test_plos_latex_floats_with_comments_are_read_and_what_is_left_out_said_at_its_line():
    """PLOS's template: its floats open with a `% comment`, so none was read, and each
    warning named the comment; the table's was told at the figure's line once the
    figure was read; `Fig~\\ref{fig1}` was left out whole (the word tied to the
    reference); a reference to a float left out is left out with it, not an error."""
    reading = read(PLOS_FLOATS)
    for html in both(reading):
        assert 'Nulla mi mi, <a class="crossref" href="#fig1">Fig\u00a01</a> venenatis.' in html
        assert "Figure 1.</span> <strong>Bold the figure title.</strong> Figure caption text here." in html
    assert [(w.line, w.message.split(":")[0]) for w in reading.warnings] == [
        (12, "raw latex is left out (Table~\\ref{table1})"),
        (14, "raw tex is left out (\\begin{table}[!ht] \\begin{adjustwidth...)")]
    assert "Markdown table" in reading.warnings[1].hint


def test_an_affiliation_not_every_authors_is_marked_on_its_author(tmp_path):
    """Two authors, the second with an affiliation: the byline gave it under both
    names, unmarked, as if it were everyone's (QA 14)."""
    project(tmp_path, "---\ntitle: T\nlang: ru\ndate: 2024\nauthor:\n  - name: Пётр Петров\n  - name: Ольга Смирнова\n"
                      "    affiliations:\n      - name: Институт русской литературы\n---\n\nТекст.\n")
    assert build(Settings.for_project(tmp_path, formats=("epub",), environ={})).ok
    with zipfile.ZipFile(tmp_path / "dist" / "a" / "a.epub") as epub:
        front = epub.read("EPUB/front-matter.xhtml").decode()
    assert '<span class="author-name">Пётр Петров</span></p>' in front
    assert '<span class="author-name">Ольга Смирнова</span><sup class="affiliation-ref">1</sup>' in front
    assert '<ol class="affiliations">\n    <li>Институт русской литературы</li>' in front
