"""Nothing leaves the project: confined file reads, no network for WeasyPrint."""

from __future__ import annotations

import os

import pytest

from conftest import REPO, make_project
from imprint import build
from imprint.settings import Settings
from imprint.errors import SourceError
from imprint.files import make_url_fetcher, read_bytes


def test_reads_are_confined_to_the_project(tmp_path):
    root = tmp_path / "project"
    root.mkdir()
    (root / "inside.txt").write_text("ok")
    (tmp_path / "outside.txt").write_text("secret")
    os.symlink(tmp_path / "outside.txt", root / "link.txt")
    assert read_bytes(root, root / "inside.txt") == b"ok"
    for path in (root / "link.txt", root / ".." / "outside.txt", tmp_path / "outside.txt", root / "missing"):
        with pytest.raises(SourceError):
            read_bytes(root, path)
    os.mkfifo(root / "fifo")
    with pytest.raises(SourceError, match="not a regular file"):
        read_bytes(root, root / "fifo")


def test_weasyprint_fetcher_refuses_network_and_outside_files(tmp_path):
    fetcher, refused = make_url_fetcher(tmp_path)
    (tmp_path / "a.css").write_text("p {}")
    assert fetcher.fetch((tmp_path / "a.css").as_uri()).read() == b"p {}"
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    for url in ("http://example.org/x.css", "https://example.org/", "ftp://example.org/x",
                "file:///etc/passwd", (tmp_path / ".." / "x").as_uri(), "file:///%2e%2e/etc/passwd"):
        with pytest.raises(refused):
            fetcher.fetch(url)


def test_a_file_url_names_its_root_not_where_the_project_lies(tmp_path):
    """WeasyPrint names an image after the MD5 of its URL: a URL without the
    project's folder keeps the PDF's bytes the same wherever the project lies."""
    from imprint.files import file_url

    for folder in ("one", "two"):
        root, styles = tmp_path / folder, tmp_path / "imprint-styles"
        (root / "source" / "a").mkdir(parents=True)
        (root / "source" / "a" / "map figure.png").write_bytes(b"png")
        styles.mkdir(exist_ok=True)
        (styles / "print.css").write_text("p {}")
        url = file_url(root / "source" / "a" / "map figure.png", [root, styles])
        assert url == "file:///imprint-root-0/source/a/map%20figure.png"
        assert file_url(styles / "print.css", [root, styles]) == "file:///imprint-root-1/print.css"
        fetcher, refused = make_url_fetcher(root, styles)
        assert fetcher.fetch(url).read() == b"png"
        assert fetcher.fetch("file:///imprint-root-1/print.css").read() == b"p {}"
        for escape in ("file:///imprint-root-0/../../etc/passwd", "file:///imprint-root-0/%2e%2e/%2e%2e/etc/passwd",
                       "file:///imprint-root-7/x"):
            with pytest.raises(refused):
                fetcher.fetch(escape)


def test_a_stylesheet_reaching_out_stops_the_build(tmp_path):
    root = make_project(tmp_path / "p", REPO / "source")
    css = root / "styles" / "css" / "print.css"
    css.write_text('@import url("https://example.org/evil.css");\n' + css.read_text())
    report = build(Settings.for_project(root, formats=("pdf",), environ={}))
    assert not report.ok
    assert "refused to load https://example.org/evil.css" in report.problems[0].message
    css.write_text('@import url("file:///etc/passwd");\n' + css.read_text())
    report = build(Settings.for_project(root, formats=("pdf",), environ={}))
    assert "outside the project" in report.problems[0].message
