"""Shared fixtures: projects made from test cases, built once per session."""

from __future__ import annotations

import ipaddress
import shutil
import socket
from dataclasses import dataclass
from pathlib import Path

import pytest

from imprint import build
from imprint.settings import Settings
from imprint.editions import EDITIONS

REPO = Path(__file__).resolve().parents[1]
CASES = Path(__file__).resolve().parent / "cases"


def pytest_configure(config):
    config.addinivalue_line("markers", "loopback: the test may connect to 127.0.0.1 (a local server it started)")
    config.addinivalue_line("markers", "slow: runs a validator (EPUBCheck, DAISY Ace, the Nu checker), a fuzzer or a "
                                       "large build, or takes seconds; ./test.sh -m 'not slow' leaves it out for a "
                                       "quick loop (under 2 minutes on 2 cores)")


@pytest.fixture(autouse=True)
def no_network(request, monkeypatch):
    """Every test runs with the network cut: a connection or a name lookup from
    Imprint (or anything in this process, forked children included) fails the
    test loudly. Tests marked `loopback` may reach their own local server."""
    attempts = []
    loopback = request.node.get_closest_marker("loopback") is not None
    connect, connect_ex = socket.socket.connect, socket.socket.connect_ex

    def local(address) -> bool:
        if isinstance(address, (str, bytes)):  # AF_UNIX
            return True
        try:
            return ipaddress.ip_address(address[0]).is_loopback
        except ValueError:
            return False

    def guard(real):
        def attempt(self, address, *args):
            if self.family == socket.AF_UNIX or (loopback and local(address)):
                return real(self, address, *args)
            attempts.append(address)
            raise ConnectionRefusedError(f"network access during a test: {address!r}")
        return attempt

    def lookup(host, *args, **kwargs):
        attempts.append(host)
        raise socket.gaierror(f"name lookup during a test: {host!r}")

    monkeypatch.setattr(socket.socket, "connect", guard(connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guard(connect_ex))
    if not loopback:
        monkeypatch.setattr(socket, "getaddrinfo", lookup)
    yield attempts
    assert not attempts, f"the test tried to reach the network: {attempts}"


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
        return self.root / "dist" / self.slug / EDITIONS[fmt].path(self.slug)


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


def descendants(pid: int) -> set[int]:
    """Every process below `pid` (Linux's /proc), for tests of builds killed from outside."""
    try:
        children = {int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}
    except OSError:
        return set()
    return children.union(*(descendants(child) for child in children))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An article's folder with an image, map.png (tests of the body's reading)."""
    from PIL import Image

    Image.new("RGB", (40, 30), "white").save(tmp_path / "map.png")
    return tmp_path

