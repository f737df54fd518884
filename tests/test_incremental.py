"""Incremental, parallel and sharded builds, and the watch mode: checked by which
files a build wrote, never by how long it took."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import CASES, REPO, make_project
from imprint import build
from imprint.settings import Settings

FORMATS = ("epub", "pdf", "json", "site")


def small_project(where: Path, count: int = 4) -> Path:
    """`count` short articles, each with a note."""
    source = where / "src"
    for number in range(1, count + 1):
        folder = source / f"a{number}"
        folder.mkdir(parents=True)
        (folder / "article.md").write_text(
            f"---\ntitle: Article {number}\nauthor: Ann Example\nlang: en\ndate: 2024\n---\n\n"
            f"# Part one\n\nThe text of article {number}.[^1]\n\n[^1]: A note of article {number}.\n")
    (source / "publication.yaml").write_text("citation:\n  container-title: The Test Journal\n")
    return make_project(where / "project", source)


def written(report, root: Path) -> list[str]:
    return sorted(str(o.path.relative_to(root / "dist")) for o in report.outputs)


def settings(root: Path, **options) -> Settings:
    return Settings.for_project(root, formats=FORMATS, environ={}, **options)


def test_an_unchanged_project_is_not_built_again(tmp_path):
    root = small_project(tmp_path)
    first = build(settings(root))
    assert first.ok and len(first.articles) == 4
    again = build(settings(root))
    assert again.ok and written(again, root) == [] and sorted(again.up_to_date) == ["a1", "a2", "a3", "a4"]
    # The command line answers from the manifest alone: WeasyPrint is not even imported.
    code = ("import sys; from imprint.cli import main; code = main(['build', '-C', sys.argv[1], '-f', "
            "'epub,pdf,json,site']); print('weasyprint' in sys.modules, 'imprint.pipeline' in sys.modules); "
            "sys.exit(code)")
    run = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == [
        "everything is up to date (4 articles and issues); --force builds it all again", "False False"]


def test_a_project_moved_elsewhere_is_still_up_to_date(tmp_path):
    """The keys named the project's files by their absolute paths: a checkout
    moved, a dist/ restored into another CI job's folder, was built all again, and
    shards built in other folders would not assemble (QA 20)."""
    root = small_project(tmp_path, count=1)
    assert build(Settings.for_project(root, formats=("epub", "json"), environ={})).ok
    moved = tmp_path / "elsewhere" / "project"
    moved.parent.mkdir()
    shutil.move(root, moved)
    again = build(Settings.for_project(moved, formats=("epub", "json"), environ={}))
    assert again.ok and written(again, moved) == [] and again.up_to_date == ["a1"]


def test_a_build_stopped_half_way_keeps_what_it_made(tmp_path, monkeypatch):
    """The manifest was saved at the end only: a catalogue build killed at 90 %
    (a CI timeout, Ctrl+C) was built all again the next time (QA 20). It is saved
    now and then while the build runs (here after each unit), and when it stops."""
    from imprint.building import incremental
    from imprint.building.manifest import Manifest

    root = small_project(tmp_path, count=4)
    saved: list[tuple[str, bool, list[str]]] = []

    def stop_after_two(slug: str, done: int, total: int) -> None:
        found = Manifest.load(root / "dist")
        saved.append((slug, found.finished, sorted(found.units)))
        if done == 2:
            raise KeyboardInterrupt
    monkeypatch.setattr(incremental, "SAVE_EVERY", 0.0)
    with pytest.raises(KeyboardInterrupt):
        build(settings(root, jobs=1), progress=stop_after_two)
    assert saved == [("a1", False, ["article:a1"]), ("a2", False, ["article:a1", "article:a2"])]
    assert incremental.up_to_date(settings(root)) is None  # (its index is still to be made)
    again = build(settings(root))
    assert again.ok and again.articles == ["a3", "a4"] and again.up_to_date == ["a1", "a2"]
    assert Manifest.load(root / "dist").finished and incremental.up_to_date(settings(root)) == 4

    monkeypatch.setattr(incremental, "SAVE_EVERY", 3600.0)  # (stopped before any save: saved as it stops)
    for number in (1, 2, 3):
        article = root / "source" / f"a{number}" / "article.md"
        article.write_text(article.read_text().replace("The text", "The corrected text"))
    with pytest.raises(KeyboardInterrupt):
        build(settings(root, jobs=1), progress=lambda slug, done, total: (_ for _ in ()).throw(KeyboardInterrupt))
    assert build(settings(root)).articles == ["a2", "a3"]


def test_a_run_for_other_editions_leaves_the_others_up_to_date(tmp_path):
    """A run of README's `-f handout --paper Letter --booklet` into dist/ changed the
    key of every unit: the next ordinary build made the whole catalogue again (QA 20).
    An edition's settings are its own: the units record the editions they hold."""
    root = small_project(tmp_path, count=2)
    assert build(settings(root)).ok
    handouts = build(Settings.for_project(root, formats=("handout",), paper="Letter", booklet=("handout",),
                                          environ={}))
    assert handouts.ok and written(handouts, root) == [
        "a1/a1-handout-booklet.pdf", "a1/a1-handout.pdf", "a2/a2-handout-booklet.pdf", "a2/a2-handout.pdf"]
    again = build(settings(root))
    assert again.ok and again.articles == [] and sorted(again.up_to_date) == ["a1", "a2"]
    from imprint.building.incremental import up_to_date
    assert up_to_date(settings(root)) == 2  # (the quick answer, from the manifest alone)
    # The print edition on other paper is another edition: made again
    assert build(settings(root, paper="Letter")).articles == ["a1", "a2"]
    # An article first built in one edition only: its others are made by the next build
    (root / "source" / "a3").mkdir()
    (root / "source" / "a3" / "article.md").write_text(
        (root / "source" / "a1" / "article.md").read_text().replace("Article 1", "Article 3"))
    assert build(Settings.for_project(root, formats=("pdf",), articles=("a3",), environ={})).articles == ["a3"]
    report = build(settings(root))
    assert report.articles == ["a1", "a2", "a3"] and "a3/a3.epub" in written(report, root)  # (a1, a2: A5 again)


def test_a_text_no_build_reads_is_told_even_when_all_else_is_up_to_date(tmp_path, capsys):
    """A new folder's `Article.md` (a copy from Windows or macOS), or `article.qmd`,
    was passed over: "everything is up to date"; a `publication.yml` was not read,
    and the journal left every edition (QA 23)."""
    from imprint.cli import main

    root = small_project(tmp_path, count=1)
    assert main(["build", "-q", "-C", str(root), "-f", "epub"]) == 0
    (root / "source" / "new").mkdir()
    (root / "source" / "new" / "Article.md").write_text("---\ntitle: New\nlang: en\n---\n\nText.\n")
    capsys.readouterr()
    assert main(["build", "-C", str(root), "-f", "epub"]) == 0
    err = capsys.readouterr().err
    assert "source/new/Article.md: this folder has no article.md: its Article.md is not read" in err, err
    (root / "source" / "new" / "Article.md").rename(root / "source" / "new" / "article.md")
    (root / "source" / "publication.yaml").rename(root / "source" / "publication.yml")
    assert main(["build", "-C", str(root), "-f", "epub"]) == 2
    assert "source/publication.yml: this is no publication.yaml" in capsys.readouterr().err


def test_a_partial_build_leaves_the_other_files_the_articles_own(tmp_path):
    """After a build of one article's PDF (-f pdf), `check` called its EPUB, records
    and landing page "not made by the last build: delete it" (QA 16)."""
    from imprint.conformance import changed_since_built

    root = small_project(tmp_path, count=2)
    assert build(Settings.for_project(root, environ={})).ok
    assert changed_since_built(root / "dist") == []
    assert build(Settings.for_project(root, formats=("pdf",), articles=("a1",), force=True, environ={})).ok
    assert changed_since_built(root / "dist") == []
    (root / "dist" / "a1" / "stray.txt").write_text("put here by hand")
    assert changed_since_built(root / "dist") == [("a1/stray.txt", "not made by the last build (left from an "
                                                                   "earlier one?): delete it, or build it again")]


def test_editing_one_article_rebuilds_it_and_what_lists_it(tmp_path):
    root = small_project(tmp_path)
    assert build(settings(root)).ok
    article = root / "source" / "a2" / "article.md"
    article.write_text(article.read_text().replace("The text of article 2.", "The corrected text of article 2."))
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (root / "dist").rglob("*") if p.is_file()}
    report = build(settings(root))
    assert report.articles == ["a2"]
    assert written(report, root) == [
        "a2/a2.epub", "a2/a2.json", "a2/a2.pdf", "a2/cover-thumbnail.jpg", "a2/cover.jpg", "a2/index.html",
        "index.html", "opds/articles.xml", "opds/index.xml", "site.css"]
    # Only the files whose bytes changed are new files: the others are left as they were (QA 20)
    touched = sorted(str(p.relative_to(root / "dist")) for p, was in before.items()
                     if (p.stat().st_ino, p.stat().st_mtime_ns) != was and ".imprint" not in p.parts)
    assert touched == ["a2/a2.epub", "a2/a2.pdf", "opds/articles.xml"]


def test_a_site_made_while_an_article_failed_is_made_again_once_it_builds(tmp_path):
    """An article edited while another had a problem, then that one put back as it
    was: "everything is up to date", and the index kept the old title for good
    (QA 20). The site made without every article is not up to date."""
    from imprint.cli import main

    root = small_project(tmp_path, count=2)
    assert build(settings(root)).ok
    first, second = (root / "source" / name / "article.md" for name in ("a1", "a2"))
    written_before = second.read_text()
    first.write_text(first.read_text().replace("title: Article 1", "title: Article One"))
    second.write_text(written_before.replace("lang: en", "lang: [en"))
    assert not build(settings(root)).ok
    second.write_text(written_before)
    assert main(["build", "-C", str(root), "-q", "-f", ",".join(FORMATS)]) == 0
    assert "Article One" in (root / "dist" / "index.html").read_text(encoding="utf-8")
    assert "Article One" in (root / "dist" / "opds" / "articles.xml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_what_an_article_depends_on_rebuilds_it(tmp_path):
    root = small_project(tmp_path, 2)
    assert build(settings(root)).ok
    (root / "dist" / "a1" / "a1.pdf").unlink()  # an output lost
    assert build(settings(root)).articles == ["a1"]
    (root / "dist" / "a2" / "a2.epub").write_bytes(b"changed by hand")  # an output changed
    assert build(settings(root)).articles == ["a2"]
    css = root / "styles" / "css" / "print.css"
    css.write_text(css.read_text() + "\n/* a designer's change */\n")  # the styles: everything
    assert sorted(build(settings(root)).articles) == ["a1", "a2"]
    assert sorted(build(settings(root, force=True)).articles) == ["a1", "a2"]
    # Editions it holds, made as they would be: nothing to make; on other paper: made again
    assert build(Settings.for_project(root, formats=("epub", "json"), environ={})).articles == []
    assert build(Settings.for_project(root, formats=("pdf",), paper="Letter", environ={})).articles == ["a1", "a2"]


@pytest.mark.slow
def test_an_issue_rebuilds_only_what_its_pages_change(tmp_path):
    root = make_project(tmp_path / "project", CASES / "issue" / "source")
    options = dict(formats=("pdf", "json"), environ={})
    assert build(Settings.for_project(root, **options)).ok
    pages = {s: json.loads((root / "dist" / s / f"{s}.json").read_text())[0]["page"]
             for s in ("polyglot-fixture", "apparatus-ru", "apparatus-en")}
    # A word changed in the first article: same pages, so the others stay as they are.
    first = root / "source" / "polyglot-fixture" / "article.md"
    first.write_text(first.read_text().replace("Слово\nZQ1", "Слово\nZQ1 (исправлено)"))
    report = build(Settings.for_project(root, **options))
    assert report.articles == ["polyglot-fixture"] and report.issues == ["2024-3"]
    # Two more pages in the first article: every article after it moves.
    first.write_text(first.read_text() + "\n" + "\n\n".join(["Новый абзац текста, " * 60] * 12) + "\n")
    report = build(Settings.for_project(root, **options))
    assert sorted(report.articles) == ["apparatus-en", "apparatus-ru", "polyglot-fixture"]
    moved = json.loads((root / "dist" / "apparatus-en" / "apparatus-en.json").read_text())[0]["page"]
    assert moved != pages["apparatus-en"]


@pytest.mark.slow  # (seconds: out of the quick loop)
def test_parallel_builds_make_the_same_files(tmp_path):
    root = small_project(tmp_path, 4)
    one = build(Settings.for_project(root, dist_dir=tmp_path / "one", formats=FORMATS, environ={}, jobs=1))
    two = build(Settings.for_project(root, dist_dir=tmp_path / "two", formats=FORMATS, environ={}, jobs=2))
    assert one.ok and two.ok
    assert one.parallel == 1 and two.parallel == 2  # one unit at a time, then two at once
    assert len(one.processes) == 1 and len(two.processes) == 2  # one worker, then two, for the four articles
    assert os.getpid() not in one.processes | two.processes  # the units were rendered in workers
    files = lambda d: {p.relative_to(d): p.read_bytes() for p in d.rglob("*") if p.is_file() and ".imprint" not in p.parts}
    assert files(tmp_path / "one") == files(tmp_path / "two")


@pytest.mark.slow
def test_shards_build_parts_and_assembly_makes_the_site(tmp_path):
    root = small_project(tmp_path, 5)
    whole = build(Settings.for_project(root, dist_dir=tmp_path / "whole", formats=FORMATS, environ={}))
    parts = []
    for number in (1, 2, 3):
        report = build(Settings.for_project(root, dist_dir=tmp_path / f"part{number}", formats=FORMATS,
                                            environ={}, shard=f"{number}/3"))
        assert report.ok
        parts.append(sorted(report.articles))
        assert not (tmp_path / f"part{number}" / "index.html").exists()  # a part makes no index
    assert parts == [["a1", "a4"], ["a2", "a5"], ["a3"]]  # dealt in turn, the same on every machine
    merged = tmp_path / "merged"
    for number in (1, 2, 3):  # what a CI's last job does with the parts' artifacts
        shutil.copytree(tmp_path / f"part{number}", merged, dirs_exist_ok=True)
    from imprint.pipeline import assemble

    report = assemble(Settings.for_project(root, dist_dir=merged, formats=FORMATS, environ={}))
    assert report.ok and report.articles == []  # nothing built again
    files = lambda d: {p.relative_to(d): p.read_bytes() for p in d.rglob("*") if p.is_file() and ".imprint" not in p.parts}
    assert files(merged) == files(tmp_path / "whole") and whole.ok
    # The assembled dist/ is up to date for an ordinary build.
    assert build(Settings.for_project(root, dist_dir=merged, formats=FORMATS, environ={})).articles == []


def test_assembly_refuses_missing_parts(tmp_path):
    from imprint.errors import UsageError
    from imprint.pipeline import assemble

    root = small_project(tmp_path, 3)
    assert build(Settings.for_project(root, formats=FORMATS, environ={}, shard="1/2")).ok
    with pytest.raises(UsageError, match="missing a2"):
        assemble(Settings.for_project(root, formats=FORMATS, environ={}))


def test_watch_builds_what_an_edit_changes_in_the_same_process(tmp_path):
    from imprint.building.watch import Watcher

    root = small_project(tmp_path, 3)
    seen = []
    watcher = Watcher(settings(root), lambda report, seconds: seen.append(report))
    watcher.build()
    assert sorted(seen[-1].articles) == ["a1", "a2", "a3"] and "weasyprint" in sys.modules
    assert watcher.step() is None  # nothing changed
    article = root / "source" / "a3" / "article.md"
    article.write_text(article.read_text().replace("The text of article 3.", "A new first paragraph.\n\nThe text."))
    report = watcher.step()
    assert report.articles == ["a3"] and watcher.version == 2


@pytest.mark.loopback
def test_serve_gives_pages_that_reload_and_a_pdf_preview(tmp_path):
    from imprint.building.watch import Watcher, start_server

    root = small_project(tmp_path, 1)
    watcher = Watcher(settings(root), lambda report, seconds: None)
    watcher.build()
    server, address = start_server(watcher, 0)
    try:
        assert address.startswith("http://127.0.0.1:")
        page = urllib.request.urlopen(address + "a1/index.html").read().decode()
        assert "/__imprint__/version" in page and "Article 1" in page
        assert json.loads(urllib.request.urlopen(address + "__imprint__/version").read()) == {"version": 1}
        preview = urllib.request.urlopen(address + "__imprint__/preview/a1/a1.pdf").read().decode()
        assert "<iframe src='/a1/a1.pdf'" in preview
        assert urllib.request.urlopen(address + "a1/a1.pdf").read().startswith(b"%PDF")
    finally:
        server.shutdown()
        server.server_close()


def test_the_code_key_covers_every_module_and_filter():
    """A change anywhere in the package makes every unit stale: the key once hashed
    only the modules beside manifest.py, and an edit of the renderer was not built."""
    from imprint.building.manifest import PACKAGE, code_files

    every = {p.relative_to(PACKAGE) for p in PACKAGE.rglob("*") if p.suffix in (".py", ".lua")
             and "__pycache__" not in p.parts}
    assert set(code_files()) == every
    assert Path("body/html.py") in every and Path("body/citations.lua") in every and Path("cli.py") in every


def test_a_rebuild_takes_pandocs_answers_from_the_cache(tmp_path, monkeypatch):
    # A change of stylesheet rebuilds every article, but their texts, fields and
    # "For citation" lines are Pandoc's answers to the same questions: kept in
    # .imprint-cache/pandoc/, and no Pandoc starts. The files are the same bytes.
    from imprint.body import pandoc

    root = small_project(tmp_path, count=2)

    def quick(**options) -> Settings:
        return Settings.for_project(root, formats=("epub", "json"), environ={}, executor="inline", **options)

    first = build(quick())
    assert first.ok
    kept = sorted((root / ".imprint-cache" / "pandoc").iterdir())
    assert len(kept) >= 4  # (each article's text, fields and "For citation" line)
    before = {o.path: o.path.read_bytes() for o in first.outputs}
    started = []
    real = pandoc.subprocess.Popen
    monkeypatch.setattr(pandoc.subprocess, "Popen", lambda *a, **k: started.append(a) or real(*a, **k))
    again = build(quick(force=True))
    assert again.ok and started == []
    assert {o.path: o.path.read_bytes() for o in again.outputs} == before
    # An entry that cannot be read is asked again (and kept anew).
    for entry in kept:
        entry.write_bytes(b"not json\n")
    third = build(quick(force=True))
    assert third.ok and len(started) >= 4
    assert {o.path: o.path.read_bytes() for o in third.outputs} == before


def test_the_cache_of_pandocs_answers_keeps_those_used_last(tmp_path):
    from imprint.body import pandoc

    cache = tmp_path / "cache"
    cache.mkdir()
    for age, name in enumerate(("new", "middle", "old")):
        (cache / name).write_bytes(b"x" * 100)
        os.utime(cache / name, (1_000_000 - age * 100, 1_000_000 - age * 100))
    (cache / ".left.tmp").write_bytes(b"x")
    os.utime(cache / ".left.tmp", (1_000, 1_000))
    pandoc.trim(cache, limit=250)
    assert sorted(p.name for p in cache.iterdir()) == ["middle", "new"]
    assert pandoc.Kept.find(cache, "new") is None  # (not an entry: a log line first)
    pandoc.Kept.store(cache, "k", b"output\nbytes", [{"type": "W", "verbosity": "WARNING"}])
    found = pandoc.Kept.find(cache, "k")
    output, messages = found.result()
    assert output == b"output\nbytes" and messages[0].type == "W"


def _claimed_by(cache: Path, key: str, parent: int) -> subprocess.Popen:
    """Another process holding the claim of a run (locked, as a worker holds it),
    naming `parent` as its parent: os.getppid() makes it a sibling of this one."""
    claim = cache / f".{key}.running"
    code = ("import fcntl, os, sys, time; h = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT); "
            "fcntl.flock(h, fcntl.LOCK_EX); os.write(h, (sys.argv[2] + ' ' + str(os.getpid())).encode()); "
            "print('held', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(claim), str(parent)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_a_pandoc_run_a_sibling_worker_has_started_is_awaited_not_run_twice(tmp_path, monkeypatch):
    # The two parts of a one-article build read the same text: the worker that
    # starts a run first claims it and keeps its answer; the other waits for it.
    from imprint.body import pandoc

    cache = tmp_path / "cache"
    cache.mkdir()
    arguments, stdin = ["-f", "markdown", "-t", "html"], b"*Some* text."
    key = pandoc._key(arguments, stdin, {})
    answer = b"<p><em>Some</em> text.</p>"
    sibling = _claimed_by(cache, key, os.getppid())
    started = []
    real = pandoc.subprocess.Popen
    monkeypatch.setattr(pandoc.subprocess, "Popen", lambda *a, **k: started.append(a) or real(*a, **k))
    run = dict(what="the text", file="article.md", deadline=pandoc.deadline_in(30), cache=cache)
    try:
        waiting = pandoc.start(arguments, stdin, **run)
        assert isinstance(waiting, pandoc.Shared) and started == []
        pandoc.Kept.store(cache, key, answer + b"\n", [])  # (the sibling's answer)
        assert waiting.result()[0].strip() == answer and started == []
        # A claim let go without an answer (the sibling's run failed, or it died): run here.
        (cache / key).unlink()
        waiting = pandoc.start(arguments, stdin, **run)
        assert isinstance(waiting, pandoc.Shared)
    finally:
        sibling.kill()
        sibling.wait()
    assert waiting.result()[0].strip() == answer and len(started) == 1
    assert not (cache / key).exists()  # (an answer run here is not kept: its sibling's would have been)
    # The claim file its worker left is taken over; a run claims, keeps, releases.
    assert (cache / f".{key}.running").exists()
    running = pandoc.start(arguments, stdin, **run)
    assert isinstance(running, pandoc.Running)
    assert running.result()[0].strip() == answer and len(started) == 2
    assert (cache / key).exists() and not (cache / f".{key}.running").exists()
    assert isinstance(pandoc.start(arguments, stdin, **run), pandoc.Kept)


def test_a_claim_another_process_holds_is_left_alone_and_the_run_made_unclaimed(tmp_path):
    from imprint.body import pandoc

    cache = tmp_path / "cache"
    cache.mkdir()
    arguments, stdin = ["-f", "markdown", "-t", "html"], b"Text."
    key = pandoc._key(arguments, stdin, {})
    other = _claimed_by(cache, key, 1)  # (not a worker of this process's parent)
    try:
        running = pandoc.start(arguments, stdin, what="the text", file="article.md",
                               deadline=pandoc.deadline_in(30), cache=cache)
        assert isinstance(running, pandoc.Running) and running.result()[0].strip() == b"<p>Text.</p>"
        assert (cache / f".{key}.running").read_text() == f"1 {other.pid}"  # (its claim untouched)
    finally:
        other.kill()
        other.wait()


def test_a_sibling_worker_waits_for_an_answer_within_the_deadline(tmp_path):
    from imprint.body import pandoc
    from imprint.body.pandoc import TimeLimit

    cache = tmp_path / "cache"
    cache.mkdir()
    arguments, stdin = ["-f", "markdown", "-t", "html"], b"Text."
    sibling = _claimed_by(cache, pandoc._key(arguments, stdin, {}), os.getppid())
    try:
        waiting = pandoc.start(arguments, stdin, what="the text", file="article.md",
                               deadline=time.monotonic() + 0.2, cache=cache)
        with pytest.raises(TimeLimit) as caught:
            waiting.result()
        assert "time limit" in str(caught.value.problems[0].message)
    finally:
        sibling.kill()
        sibling.wait()


def test_the_folders_of_dist_are_readable_by_all_as_its_files(tmp_path):
    """Under umask 077 the files were 0644 and the folders 0700: a web server
    running as another user could not enter them (QA 20)."""
    from imprint.building.output import write_atomic

    old = os.umask(0o077)
    try:
        write_atomic(tmp_path / "dist" / "a" / "opds" / "x.xml", b"<x/>")
    finally:
        os.umask(old)
    assert [oct(p.stat().st_mode & 0o777) for p in (tmp_path / "dist", tmp_path / "dist" / "a",
                                                     tmp_path / "dist" / "a" / "opds")] == ["0o755"] * 3
    assert oct((tmp_path / "dist" / "a" / "opds" / "x.xml").stat().st_mode & 0o777) == "0o644"


def test_a_file_an_earlier_build_left_is_told(tmp_path):
    """An edition no longer built (a handout, once the publication file's editions
    dropped it) stayed in dist/ without a word, and `rsync --delete` published it
    (QA 20)."""
    root = small_project(tmp_path, count=1)
    assert build(Settings.for_project(root, environ={})).ok
    (root / "dist" / "a1" / "a1-handout.pdf").write_bytes(b"%PDF-1.7 from an earlier build")
    report = build(Settings.for_project(root, environ={}))
    assert report.ok and [n for n in report.notes if "did not make" in n] == [
        "dist/ holds 1 file this build did not make (an earlier build's: an edition no longer built?): "
        "a1/a1-handout.pdf (delete them before publishing dist/, or build them again)"]
