"""Shared fixtures: projects made from test cases, built once per session."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from imprint import build
from imprint.config import FORMATS, Settings

REPO = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "cases"


def make_project(where: Path, source: Path, styles: Path = REPO / "styles") -> Path:
    """A project folder: a copy of `source` as source/ and of the repository's styles/."""
    where.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, where / "source")
    shutil.copytree(styles, where / "styles")
    return where


@dataclass(frozen=True)
class Built:
    root: Path
    slug: str

    def file(self, fmt: str) -> Path:
        """The file a format (epub, pdf, archive, handout, json, ...) writes."""
        return self.root / "dist" / self.slug / FORMATS[fmt].path(self.slug)


def _build(root: Path, slug: str, **options) -> Built:
    report = build(Settings.for_project(root, environ={}, **options))
    assert report.ok, report.problems
    return Built(root, slug)


@pytest.fixture(scope="session")
def full(tmp_path_factory) -> Built:
    """The fixture article: several authors, Cyrillic, footnotes, a table, two heading levels."""
    root = make_project(tmp_path_factory.mktemp("full"), CASES / "full" / "source")
    return _build(root, "polyglot-fixture")


@pytest.fixture(scope="session")
def seed(tmp_path_factory) -> Built:
    """The repository's own source/: the seed article."""
    root = make_project(tmp_path_factory.mktemp("seed"), REPO / "source")
    return _build(root, "batunaev-2019-khalkhin-gol")


@pytest.fixture(scope="session")
def apparatus_ru(tmp_path_factory) -> Built:
    """Russian, English metadata, a dozen notes, citations, figures, a long table, GOST style."""
    root = make_project(tmp_path_factory.mktemp("apparatus-ru"), CASES / "apparatus-ru" / "source")
    return _build(root, "apparatus-ru")


@pytest.fixture(scope="session")
def apparatus_en(tmp_path_factory) -> Built:
    """English, APA, a figure, a table, cross-references by section title."""
    root = make_project(tmp_path_factory.mktemp("apparatus-en"), CASES / "apparatus-en" / "source")
    return _build(root, "apparatus-en")


@pytest.fixture(scope="session")
def editions(tmp_path_factory) -> Built:
    """The Russian apparatus article in every print edition, and as booklets."""
    root = make_project(tmp_path_factory.mktemp("editions"), CASES / "apparatus-ru" / "source")
    return _build(root, "apparatus-ru", formats=("pdf", "archive", "handout", "json", "bib", "ris"), booklet=True)


@pytest.fixture(scope="session")
def issue(tmp_path_factory) -> Built:
    """A journal issue of three articles (the fixtures above), pages from 173, with the
    whole download site and a base URL."""
    root = make_project(tmp_path_factory.mktemp("issue"), CASES / "issue" / "source")
    return _build(root, "2024-3")
