"""Front matter: Quarto and Pandoc conventions, publication defaults, the schema."""

from __future__ import annotations

from pathlib import Path

from imprint.settings import Settings
from imprint.source.project import load_project
from test_quarto_front_matter import load


def project(tmp_path: Path, article: str, publication: str | None = None) -> Settings:
    folder = tmp_path / "source" / "a"
    folder.mkdir(parents=True)
    (folder / "article.md").write_text(article)
    if publication is not None:
        (tmp_path / "source" / "publication.yaml").write_text(publication)
    return Settings.for_project(tmp_path, environ={})


def test_quarto_front_matter_is_read_as_it_is(tmp_path):
    settings = project(tmp_path, """---
title: "A *Quarto* paper"
format:
  html: default
execute:
  echo: false
authors:
  - name: Norah Jones
    orcid: https://orcid.org/0000-0002-1825-0097
    affiliations:
      - ref: ox
    attributes:
      corresponding: true
    email: norah@example.org
  - Bill Gates
affiliations:
  - id: ox
    name: University of Oxford
    state: Oxfordshire
    country: United Kingdom
lang: en-GB
date: 2023-09
license: CC BY-NC-SA 4.0
citation:
  type: article-journal
  container-title: Journal
  doi: 10.1234/quarto.5
  url: https://example.org/a
---
Body.
""")
    article = load_project(settings).project.articles[0]
    first, second = article.authors
    assert first.name.given == "Norah" and first.name.family == "Jones"
    assert first.orcid == "0000-0002-1825-0097" and first.corresponding
    assert first.affiliations[0].display == "University of Oxford, Oxfordshire, United Kingdom"
    assert second.name.display == "Bill Gates" and second.name.sort_as == "Gates, Bill"
    assert article.lang == "en-GB" and article.date.iso() == "2023-09"
    assert article.license.url == "https://creativecommons.org/licenses/by-nc-sa/4.0/"
    assert article.citation.url == "https://example.org/a"
    assert article.doi == "10.1234/quarto.5"


def test_publication_defaults_are_merged_under_the_article(tmp_path):
    settings = project(tmp_path, """---
title: T
citation:
  volume: 5
  container-title: Own Journal
---
""", publication="""
lang: ru
paper: Letter
license: CC BY 4.0
citation:
  container-title: Shared Journal
  issn: 1234-5678
""")
    article = load_project(settings).project.articles[0]
    assert article.lang == "ru" and article.paper.css == "letter"
    assert article.license.text == "CC BY 4.0"
    # A journal is one identity: the article names another journal, which does not
    # take the publication's journal's ISSN (issue 17, item 11).
    assert (article.citation.container_title, article.citation.issn, article.citation.volume) == (
        "Own Journal", None, "5")
    assert article.locate("lang") == ("source/publication.yaml", 2)
    assert article.locate("citation") == ("source/a/article.md", 3)


def test_paper_is_named_in_any_case(tmp_path):
    """`paper: a4` was "not allowed" by the schema, though --paper a4 is A4 and the
    model reads the name in lower case (QA 23 F22)."""
    loaded = load_project(project(tmp_path, "---\ntitle: T\nlang: en\npaper: a5\n---\n",
                                  publication="paper: letter\n"))
    assert loaded.problems == () and loaded.project.articles[0].paper.name == "A5"
    loaded = load_project(project(tmp_path / "b", "---\ntitle: T\nlang: en\n---\n", publication="paper: LETTER\n"))
    assert loaded.problems == () and loaded.project.articles[0].paper.name == "Letter"
    loaded = load_project(project(tmp_path / "c", "---\ntitle: T\nlang: en\npaper: B5\n---\n"))
    assert [(p.field, p.message, p.hint) for p in loaded.problems] == [
        ("paper", "'B5' is not allowed", "use one of: A4, Letter, A5")]


def test_no_defaults_means_nothing_invented(tmp_path):
    settings = project(tmp_path, "---\ntitle: T\nlang: en\n---\n")
    article = load_project(settings).project.articles[0]
    assert article.authors == () and article.license is None and article.date is None
    assert article.doi is None and article.keywords == () and article.citation.container_title is None


def test_a_doi_url_is_reduced_to_the_doi(tmp_path):
    settings = project(tmp_path, "---\ntitle: T\nlang: en\ndoi: https://doi.org/10.1234/ABC.5\n---\n")
    assert load_project(settings).project.articles[0].doi == "10.1234/ABC.5"


def test_a_failing_article_is_modelled_but_marked_failed(tmp_path):
    settings = project(tmp_path, "---\nlang: en\nkeywords: [a]\n---\n")
    loaded = load_project(settings)
    assert [p.message for p in loaded.problems] == ["missing required field 'title'"]
    article, = loaded.project.articles
    assert not loaded.ok(article.slug) and article.keywords == ("a",)


def test_a_title_blocks_authors_on_lines_of_their_own_are_each_an_author():
    """Pandoc's manual: `% Author One` then `  Author Two; Author Three` is three
    authors (Pandoc 3.9 reads them so); they were read as one, "Author One Author Two"."""
    from imprint.source.frontmatter import split_front_matter

    yaml_text, _, body, _ = split_front_matter(
        "% My title\n  continues here\n% Author One\n  Author Two; Author Three\n% 2006-06-15\n\nBody.\n", "a.md")
    import yaml as pyyaml
    data = pyyaml.safe_load(yaml_text)
    assert data["author"] == ["Author One", "Author Two", "Author Three"]
    assert data["title"] == "My title continues here" and body.strip() == "Body."


def test_a_running_head_keeps_the_hyphen_of_a_hyphenated_given_name():
    """The running head printed "Maheux M. A." where the citation line printed
    "Maheux M.-A." (a JOSS paper's Marc-Antoine Maheux)."""
    from imprint.source.model import PersonName

    assert PersonName(given="Marc-Antoine", family="Maheux").initials == "Maheux M.-A."
    assert PersonName(given="Эдуард Владимирович", family="Батунаев").initials == "Батунаев Э. В."
    assert PersonName(given="Jean - Paul", family="Sartre").initials == "Sartre J. P."


def test_an_empty_list_of_files_or_keys_is_none(tmp_path):
    """`bibliography: []` (Quarto accepts it, and some templates write it) was an
    error, "must not be empty"."""
    loaded, article = load(project(tmp_path, "---\ntitle: T\nlang: en\nbibliography: []\nnocite: []\n"
                                             "key-points: []\n---\n\nText.\n"))
    assert not loaded.problems
    assert article.bibliography == () and article.nocite == () and article.key_points == ()


def test_a_metadata_block_after_the_text_is_its_front_matter(tmp_path):
    """A thesis's chapters joined before its metadata.yml, as its Makefile hands
    them to Pandoc: "the file does not start with front matter" (Pandoc reads a
    metadata block anywhere). The lines of the text stay the file's."""
    loaded, article = load(project(tmp_path, "# Introduction\n\nChapter text [@nokey].\n\n"
                                             "---\ntitle: The thesis\nlang: en\n---\n"))
    assert not loaded.problems
    assert article.title == "The thesis" and article.body_line == 1
    assert article.body.splitlines()[2] == "Chapter text [@nokey]." and "title:" not in article.body


def test_latex_templates_thanks_is_the_titles_note(tmp_path):
    """`thanks:` (Eisvogel's and the thesis templates' \\thanks) was ignored, its
    text lost: it is the title's note, as `title: X^[...]` writes one."""
    loaded, article = load(project(tmp_path, "---\ntitle: A thesis\nthanks: With thanks to the funder.\nlang: en\n"
                                             "---\n\nText.\n"))
    assert not loaded.problems and not any("thanks" in w.message for w in loaded.warnings)
    assert article.title == "A thesis^[With thanks to the funder.]"


def test_quarto_journal_templates_statement_and_keywords(tmp_path):
    """The Biophysical Journal's `sigstatement:` (the significance statement) and
    ACM's `acm-metadata: keywords:` were ignored fields, their text lost."""
    loaded, article = load(project(tmp_path, "---\ntitle: T\nlang: en\nsigstatement: Why it matters.\n"
                                             "acm-metadata:\n  keywords: [one, two]\n  ccs: x\n---\n\nText.\n"))
    assert not loaded.problems and article.plain_language_summary == "Why it matters."
    assert article.keywords == ("one", "two")
