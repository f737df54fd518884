"""A front matter field is declared once, on its model attribute (model.py,
schema.front_matter): the JSON Schema, the reading, the default and the
documentation all come from that declaration."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from imprint import schema
from imprint.config import Settings
from imprint.metadata import ArticleBuilder
from imprint.model import Article, BackMatter
from imprint.schema import FRONT_MATTER, FrontMatter, declared
from imprint.source import load_project


def project(tmp_path: Path, front_matter: str, body: str = "Text.\n") -> Settings:
    folder = tmp_path / "source" / "a"
    folder.mkdir(parents=True)
    (folder / "article.md").write_text(f"---\n{front_matter}---\n\n{body}", encoding="utf-8")
    return Settings.for_project(tmp_path, environ={})


def declarations() -> dict[str, FrontMatter]:
    return {d.key: d for _, d in declared(Article)}


def test_the_article_schema_is_the_declarations():
    properties = schema.article_schema()["properties"]
    for key, declaration in declarations().items():
        assert properties[key]["description"] == declaration.doc
        assert {k: v for k, v in properties[key].items() if k not in ("description", "x-required-hint")} == \
            {k: v for k, v in declaration.values.items() if k != "description"}
        for alias in declaration.aliases:
            assert properties[alias]["description"].startswith(f"Same as `{key}`")
    assert schema.article_schema()["required"] == ["title"]
    assert properties["title"]["x-required-hint"] == "add 'title: ...' in the front matter"
    # Quarto's and Pandoc's other options: accepted and ignored.
    assert properties["format"] == {"description": "Setting for Quarto or Pandoc; Imprint ignores it."}


def test_the_publication_file_takes_the_shared_fields():
    properties = schema.publication_schema()["properties"]
    shared = {key for key, d in declarations().items() if d.shared}
    assert shared == {"lang", "license", "copyright", "csl", "paper", "citation", "bibliography"}
    assert shared <= set(properties) and "editions" in properties and "title" not in shared


def test_a_group_puts_its_fields_at_the_top_level():
    paths = {path: d.key for path, d in declared(Article)}
    assert paths[("back_matter", "funding")] == "funding"
    assert {f.name for f in dataclasses.fields(BackMatter)} == {p[1] for p in paths if p[0] == "back_matter"}


def test_every_field_read_by_its_own_reader_has_one(tmp_path):
    own = {d.key for d in declarations().values() if d.read == "own"}
    builder = ArticleBuilder.__new__(ArticleBuilder)
    assert set(builder.readers) == own


def test_the_model_defaults_are_the_declared_ones(tmp_path):
    loaded = load_project(project(tmp_path, "title: T\n"))
    article = loaded.project.articles[0]
    defaults = {f.name: f.default for f in dataclasses.fields(Article) if FRONT_MATTER in f.metadata
                and f.default is not dataclasses.MISSING}
    assert defaults["csl"] == article.csl == "chicago-author-date"
    assert defaults["lang"] == article.lang == "en" and defaults["paper"] == article.paper
    assert article.keywords == () and article.number_sections is False and article.back_matter == BackMatter()


def test_a_field_under_two_of_its_names_is_a_problem(tmp_path):
    loaded = load_project(project(tmp_path, "title: T\nlang: en\nacknowledgements: Thanks.\n"
                                            "acknowledgments: Thanks again.\n"))
    assert [str(p) for p in loaded.problems] == [
        "source/a/article.md:5: acknowledgments: give the acknowledgements under 'acknowledgements' or "
        "'acknowledgments', not both"]
    loaded = load_project(project(tmp_path / "one", "title: T\nlang: en\ncompeting-interests: None.\n"))
    assert not loaded.problems
    assert loaded.project.articles[0].back_matter.conflict_of_interest == "None."
