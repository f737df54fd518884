"""Bounded time and crash-safe output: an article that renders too long is
stopped and reported while the others are built; a fault inside a unit is an
internal error (exit 1, no traceback unless --debug); a build killed at any
moment leaves dist/ with each file whole (old or new) and no temporary files."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO, make_project
from imprint.cli import main


def two_articles(where: Path, paragraphs: int = 1) -> Path:
    """`quick` (short) and `slow` (`paragraphs` long paragraphs)."""
    source = where / "src"
    text = "Долгий текст статьи, in two scripts, для проверки. " * 40
    for slug, count in (("quick", 1), ("slow", paragraphs)):
        (source / slug).mkdir(parents=True)
        (source / slug / "article.md").write_text(
            f"---\ntitle: {slug}\nauthor: Ann Example\nlang: ru\ndate: 2024\n---\n\n"
            + "\n\n".join(f"{text}[^{n}]\n\n[^{n}]: Примечание {n}." for n in range(count)) + "\n",
            encoding="utf-8")
    (source / "publication.yaml").write_text("citation:\n  container-title: The Test Journal\n")
    return make_project(where / "project", source)


@pytest.mark.slow
def test_an_article_past_the_time_limit_is_stopped_and_the_others_built(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    root = two_articles(tmp_path, paragraphs=400)  # about 70 pages: many seconds to lay out
    code = main(["-C", str(root), "-f", "pdf", "--time-limit", "3", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "error: source/slow/article.md: rendering took longer than the time limit (3 s) and was stopped" in err
    assert "--time-limit" in err and "Traceback" not in err
    assert (root / "dist" / "quick" / "quick.pdf").exists()
    assert not (root / "dist" / "slow").exists()
    assert not [p for p in (root / "dist").rglob("*") if p.name.endswith(".tmp")]


def test_a_fault_inside_a_unit_is_an_internal_error(tmp_path, capsys, monkeypatch):
    from imprint.editions import records as exports

    monkeypatch.setenv("NO_COLOR", "1")
    root = two_articles(tmp_path)

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a fault planted by the test")

    monkeypatch.setattr(exports, "write_bibtex", broken)  # the unit's process is forked: it has this too
    code = main(["-C", str(root), "-f", "bib", "--jobs", "2"])
    err = capsys.readouterr().err
    assert code == 1
    assert "internal error: UnitCrash: ZeroDivisionError: a fault planted by the test" in err
    assert "report it to" in err and "Traceback" not in err
    from imprint.building.executor import UnitCrash

    with pytest.raises(UnitCrash) as raised:  # --debug: raised, with the unit's own traceback
        main(["-C", str(root), "-f", "bib", "--jobs", "1", "--debug"])
    assert "in broken" in "".join(raised.value.__notes__)


def snapshot(dist: Path) -> dict[str, bytes]:
    return {str(p.relative_to(dist)): p.read_bytes() for p in sorted(dist.rglob("*")) if p.is_file()}


@pytest.mark.slow
@pytest.mark.parametrize("delay", [0.3, 0.7, 1.0, 1.3, 1.6])
def test_a_killed_build_leaves_every_file_whole(tmp_path, delay):
    """Kill -9 at several moments of a forced rebuild after an edit: every file
    in dist/ is the earlier one or the new one, byte for byte, never a mix or a
    part; nothing temporary is left; the next build finishes the job."""
    root = two_articles(tmp_path, paragraphs=30)
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    command = [sys.executable, str(REPO / "publish.py"), "-q", "-C", str(root), "--jobs", "2"]
    subprocess.run(command, check=True, env=env, cwd=REPO)
    before = snapshot(root / "dist")
    for slug in ("quick", "slow"):
        article = root / "source" / slug / "article.md"
        article.write_text(article.read_text(encoding="utf-8").replace("Примечание 0.", "Примечание 0, исправленное."),
                           encoding="utf-8")
    expected = tmp_path / "expected"  # what the edited sources make, built apart
    subprocess.run(command + ["-o", str(expected)], check=True, env=env, cwd=REPO)
    after = snapshot(expected)

    build = subprocess.Popen(command, env=env, cwd=REPO, start_new_session=True)
    time.sleep(delay)
    os.killpg(build.pid, signal.SIGKILL)  # the build and every process it started
    build.wait()
    now = snapshot(root / "dist")
    leftovers = [name for name in now if name.rsplit("/", 1)[-1].startswith(".") or name.endswith(".tmp")]
    assert not leftovers
    for name, data in now.items():
        if name.startswith(".imprint/"):
            continue  # the manifest: old or new, checked by the next build
        assert data == before.get(name) or data == after.get(name), f"{name} is neither the old nor the new file"
    assert set(now) - {n for n in now if n.startswith(".imprint/")} <= set(before) | set(after)
    subprocess.run(command, check=True, env=env, cwd=REPO)  # the next build repairs what was left old
    assert {n: d for n, d in snapshot(root / "dist").items() if not n.startswith(".imprint/")} == \
        {n: d for n, d in after.items() if not n.startswith(".imprint/")}


def synthetic_bibliography(kind: str, count: int) -> str:
    """`count` records key0, key1, ... as BibTeX, CSL-JSON, RIS or CSL-YAML."""
    import json

    if kind == "bib":
        return "".join(f"@article{{key{i},\n  author = {{Doe, Jane and Roe, Richard}},\n  title = {{A study of "
                       f"things number {i}}},\n  journal = {{Journal of Studies}},\n  year = {{{1900 + i % 120}}},\n"
                       f"  pages = {{{i}--{i + 10}}},\n}}\n\n" for i in range(count))
    if kind == "json":
        return json.dumps([{"id": f"key{i}", "type": "article-journal", "author": [{"family": "Doe", "given": "Jane"}],
                            "title": f"A study of things number {i}", "container-title": "Journal of Studies",
                            "issued": {"date-parts": [[1900 + i % 120]]}} for i in range(count)], indent=1)
    if kind == "ris":
        return "".join(f"TY  - JOUR\nID  - key{i}\nAU  - Doe, Jane\nTI  - A study of things number {i}\n"
                       f"JO  - Journal of Studies\nPY  - {1900 + i % 120}\nER  - \n\n" for i in range(count))
    return "references:\n" + "".join(f"- id: key{i}\n  type: article-journal\n  title: A study of things number {i}\n"
                                      f"  issued: {1900 + i % 120}\n" for i in range(count))


@pytest.mark.slow  # (seconds: out of the quick loop)
def test_a_unit_stopped_at_the_time_limit_names_its_stage_and_file(tmp_path, capsys, monkeypatch):
    """The worker is killed at the limit; the stage it said it was in (building/stages.py)
    goes into the message (issue 18, item 5)."""
    monkeypatch.setenv("NO_COLOR", "1")
    source = tmp_path / "src"
    (source / "a").mkdir(parents=True)
    (source / "a" / "article.md").write_text(
        "---\ntitle: T\nlang: en\nbibliography: refs.bib\nnocite: '@*'\n---\n\nText [@key1].\n")
    (source / "a" / "refs.bib").write_text(synthetic_bibliography("bib", 40_000))  # every one listed: a minute
    root = make_project(tmp_path / "project", source)
    code = main(["-C", str(root), "-f", "epub", "--time-limit", "2", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "error: source/a/article.md: rendering took longer than the time limit (2 s) and was stopped while " \
           "reading the bibliography source/a/refs.bib" in err, err
    import tempfile

    from imprint.building.stages import PREFIX
    assert not [p for p in Path(tempfile.gettempdir()).glob(PREFIX + "*") if str(os.getpid()) in p.name]


@pytest.mark.slow
def test_bibliographies_of_100000_records_are_read_in_linear_time(tmp_path, capsys, monkeypatch):
    """Four formats, 100,000 records each, two cited: built within the default time
    limit (each took about 1 to 8 s, BibTeX 2.5 s; before, 32,000 CSL-JSON records
    took 54 s and 16,000 RIS 275 s), and only the cited records go to Pandoc."""
    from imprint.body import bibliography, pandoc

    monkeypatch.setenv("NO_COLOR", "1")
    source = tmp_path / "src"
    for kind in ("bib", "json", "ris", "yaml"):
        (source / kind).mkdir(parents=True)
        (source / kind / "article.md").write_text(
            f"---\ntitle: T\nlang: en\nbibliography: refs.{kind}\n---\n\nText [@key1; @key99999].\n")
        (source / kind / f"refs.{kind}").write_text(synthetic_bibliography(kind, 100_000))
    root = make_project(tmp_path / "project", source)
    code = main(["-C", str(root), "-f", "epub,pdf", "--jobs", "2"])  # (the default --time-limit)
    err = capsys.readouterr().err
    assert code == 0, err
    for kind in ("bib", "json", "ris", "yaml"):
        import zipfile

        with zipfile.ZipFile(root / "dist" / kind / f"{kind}.epub") as epub:
            text = "".join(epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml")).lower()
        assert re.search(r"a study of things number 1\D", text) and "a study of things number 99999" in text, kind
    given: list[int] = []  # the work: BibTeX entries handed to Pandoc
    convert = bibliography._pandoc_records

    def counted(shared, entries, *args):
        given.append(len(entries))
        return convert(shared, entries, *args)

    monkeypatch.setattr(bibliography, "_pandoc_records", counted)
    bib = root / "source" / "bib" / "refs.bib"
    records, problems, known = bibliography.load(root, (bib,), (), {"key1", "key99999"}, pandoc.deadline_in(300))
    assert sorted(records) == ["key1", "key99999"] and not problems and len(known) == 100_000
    assert given == [2]


def test_a_unit_whose_process_died_names_its_stage(tmp_path, capsys, monkeypatch):
    from imprint.editions import records as exports

    monkeypatch.setenv("NO_COLOR", "1")
    root = two_articles(tmp_path)

    def killed(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)  # (as the kernel's out-of-memory killer would)

    monkeypatch.setattr(exports, "write_bibtex", killed)  # (the worker is forked: it has this too)
    code = main(["-C", str(root), "-f", "bib", "--jobs", "1"])
    err = capsys.readouterr().err
    assert code == 2
    assert "error: source/quick/article.md: its process ended unexpectedly (exit code -9) while making its bib " \
           "edition; it may have run out of memory" in err, err
