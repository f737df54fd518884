"""`publish.py check`: green on everything source/ builds, and it finds what is
wrong with a dist/ that was damaged, in every kind of file, in one report, the
same whatever number of processes checked it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile

import pikepdf
import pytest

from conftest import REPO, descendants
from imprint.cli import main
from imprint.conformance import check, records, validators
from imprint.conformance.validators import Helper, MissingValidator


@pytest.mark.slow
def test_check_passes_what_the_seed_builds(seed, capsys):
    code = main(["check", "-C", str(seed.root), "--strict"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "epub" in out and "pdf" in out and "passes: 0 errors, 0 warnings" in out
    kinds = {name.rsplit(".", 1)[-1] for name in check(seed.root / "dist", tools=False).checked}
    assert kinds >= {"epub", "pdf", "json", "bib", "ris", "html", "xml"}


@pytest.mark.slow
def test_check_passes_an_issue_and_its_site(issue):
    report = check(issue.root / "dist", tools=False)  # EPUBCheck and Ace on these: test_epub.py
    assert not report.findings, report.findings
    assert len([n for n in report.checked if n.endswith(".pdf")]) >= 4


@pytest.mark.slow
def test_check_finds_every_kind_of_damage(seed, tmp_path, capsys):
    dist = tmp_path / "dist"
    shutil.copytree(seed.root / "dist", dist)
    slug = seed.slug
    folder = dist / slug
    (folder / f"{slug}.json").write_text("[{\"id\": \"x\"")  # cut short
    ris = folder / f"{slug}.ris"
    ris.write_text(ris.read_text().replace("ER  -", ""))
    bib = folder / f"{slug}.bib"
    bib.write_text(bib.read_text() + "\n")  # still valid: only changed since the build
    (folder / "cover-thumbnail.jpg").unlink()  # the landing page shows it
    (dist / "site.css").unlink()  # every page links to it
    cut = folder / f"{slug}.pdf"
    cut.write_bytes(cut.read_bytes()[:5000])
    untagged = pikepdf.new()  # a PDF made elsewhere: no tags, no title, a font not embedded
    untagged.add_blank_page()
    untagged.pages[0].Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))
    untagged.save(folder / "handout-from-elsewhere.pdf")
    epub = folder / f"{slug}.epub"
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(tmp_path / "broken.epub", "w") as target:
        for info in source.infolist():
            if not info.filename.endswith("nav.xhtml"):
                target.writestr(info, source.read(info))
    shutil.copy(tmp_path / "broken.epub", epub)

    code = main(["check", "-o", str(dist)])
    out, err = capsys.readouterr()
    assert code == 2
    expected = [
        f"error: {slug}/{slug}.json: not CSL-JSON",
        f"error: {slug}/{slug}.ris: RIS: a record must begin with TY and end with ER",
        f'error: {slug}/index.html: <img src="cover-thumbnail.jpg">: no such file in dist/',
        'error: index.html: <link href="site.css">: no such file in dist/',
        f"error: {slug}/{slug}.pdf: ",
        f"error: {slug}/handout-from-elsewhere.pdf: not a tagged PDF",
        f"error: {slug}/handout-from-elsewhere.pdf: font not embedded: Helvetica",
        f"error: {slug}/handout-from-elsewhere.pdf: no title in the XMP metadata",
        f"error: {slug}/{slug}.epub: EPUBCheck ",
        f"error: {slug}/{slug}.bib: changed since the build made it",
        f"error: {slug}/{slug}.epub: changed since the build made it",
    ]
    for line in expected:
        assert line in err, f"{line!r} not in\n{err}"
    assert f"warning: {slug}/cover-thumbnail.jpg: listed by the build but missing from dist/" in err
    assert "FAILS" in err


def test_check_strict_fails_on_warnings_alone(seed, tmp_path, capsys):
    dist = tmp_path / "dist"
    shutil.copytree(seed.root / "dist", dist)
    (dist / seed.slug / "notes.txt").write_text("put here by hand")  # (not made by the build: a warning)
    assert check(dist, tools=False).failed(strict=False) is False
    assert check(dist, tools=False).failed(strict=True) is True


def test_check_fails_a_damaged_epub_and_a_changed_file(seed, tmp_path):
    """An EPUB with an entry that fails its CRC (EPUBCheck passed it), and a file
    the build did not make as it is, passed `check` with warnings (QA 20)."""
    dist = tmp_path / "dist"
    shutil.copytree(seed.root / "dist", dist)
    epub = dist / seed.slug / f"{seed.slug}.epub"
    data = bytearray(epub.read_bytes())
    with zipfile.ZipFile(epub) as archive:
        stored = next(i for i in archive.infolist() if i.compress_type == zipfile.ZIP_STORED and i.file_size > 100)
    data[stored.header_offset + 30 + len(stored.filename) + 50] ^= 0xFF  # (a byte of a stored entry)
    epub.write_bytes(bytes(data))
    report = check(dist, tools=False)
    found = [(f.path, f.level, f.message) for f in report.findings if f.path.endswith(".epub")]
    assert (f"{seed.slug}/{seed.slug}.epub", "error", f"the ZIP file is damaged: {stored.filename} fails its CRC "
                                                       "check") in found
    assert (f"{seed.slug}/{seed.slug}.epub", "error", "changed since the build made it") in found
    assert report.failed(strict=False)


def test_check_fails_a_dist_a_build_left_unfinished_or_writes_now(seed, tmp_path):
    """A catalogue build killed half way left some articles new, some old, the
    catalogue's sizes stale: check passed it (QA 20). Its manifest says it did not
    finish; a build still writing holds dist/'s lock."""
    import fcntl

    from imprint.building.manifest import FILE, FOLDER, Manifest

    dist = tmp_path / "dist"
    shutil.copytree(seed.root / "dist", dist)
    assert not [f for f in check(dist, tools=False).findings if f.path == "."]
    manifest = Manifest.load(dist)
    manifest.finished = False
    manifest.save(dist)
    report = check(dist, tools=False)
    assert [(f.level, f.message.split(":")[0]) for f in report.findings if f.path == "."] == [
        ("error", "the last build of dist/ did not finish (it was stopped or killed)")]
    manifest.finished = True
    manifest.save(dist)
    with open(dist / FOLDER / "lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        assert [f.message for f in check(dist, tools=False).findings if f.path == "."] == [
            "a build is writing dist/ now: check it once the build ends"]
    (dist / FOLDER / FILE).unlink()
    assert [f.level for f in check(dist, tools=False).findings if f.path == "."] == ["warning"]


def test_check_without_a_dist_says_to_build(tmp_path, capsys):
    assert main(["check", "-C", str(tmp_path)]) == 2
    assert "there is no dist/ folder: build first" in capsys.readouterr().err


@pytest.mark.slow  # (seconds: out of the quick loop)
def test_check_takes_booklets_for_print_files_and_finds_leftovers(editions, tmp_path):
    report = check(editions.root / "dist", tools=False)
    assert not [f for f in report.findings if f.level == "error"], report.findings
    booklets = [f for f in report.findings if "booklet" in f.path]
    assert booklets and all("imposed for printing" in f.message for f in booklets)
    assert len(report.findings) == len(booklets)
    dist = tmp_path / "dist"
    shutil.copytree(editions.root / "dist", dist)
    (dist / editions.slug / "old-edition.pdf").write_bytes((dist / editions.slug / f"{editions.slug}.pdf").read_bytes())
    leftovers = [f for f in check(dist, tools=False).findings if "not made by the last build" in f.message]
    assert [f.path for f in leftovers] == [f"{editions.slug}/old-edition.pdf"]


# -- several at once: the same report; EPUBCheck and Ace kept running ----------------


def _without_nav(epub) -> None:
    """The book made invalid: its navigation document left out (EPUBCheck RSC-001; Ace cannot run)."""
    with zipfile.ZipFile(epub) as source:
        entries = [(info, source.read(info)) for info in source.infolist() if not info.filename.endswith("nav.xhtml")]
    with zipfile.ZipFile(epub, "w") as target:
        for info, data in entries:
            target.writestr(info, data)


def test_check_reports_in_the_files_order_whatever_the_jobs(seed, tmp_path, monkeypatch):
    """Two processes finish the folders in another order than one does (here the
    first folder is made the slowest): the report is still in the files' order."""
    dist = tmp_path / "dist"
    shutil.copytree(seed.root / "dist", dist)
    for name in ("a-first", "z-last"):
        shutil.copytree(dist / seed.slug, dist / name)
        (dist / name / f"{seed.slug}.ris").write_text(f"not RIS from {name}\n")
    check_ris = records.check_ris

    def slowly(path, *args):  # (the workers are forked: they check with this too)
        if path.parent.name == "a-first":
            time.sleep(1.5)
        yield from check_ris(path, *args)

    monkeypatch.setattr(records, "check_ris", slowly)
    one, two = (check(dist, tools=False, jobs=jobs) for jobs in (1, 2))
    assert two.checked == one.checked
    assert [(f.path, f.level, f.message) for f in two.findings] == [(f.path, f.level, f.message) for f in one.findings]
    ris = list(dict.fromkeys(f.path for f in two.findings if f.message.startswith("RIS")))
    assert ris == [f"a-first/{seed.slug}.ris", f"z-last/{seed.slug}.ris"], two.findings


def test_check_refuses_fewer_than_one_job(tmp_path, capsys):
    assert main(["check", "-C", str(tmp_path), "-j", "0"]) == 2
    assert "--jobs must be 1 or more, not 0" in capsys.readouterr().err


def test_a_kept_validator_answers_each_request_and_is_started_again_when_it_died():
    first = validators._helper("test-echo", lambda: Helper("Echo", ["cat"], "KILL"))
    try:
        assert first.ask("one book", 10) == "one book" and first.ask("another", 10) == "another"
        assert validators._helper("test-echo", None) is first  # (kept)
        first.process.kill()
        first.process.wait()
        again = validators._helper("test-echo", lambda: Helper("Echo", ["cat"], "KILL"))
        assert again is not first and again.ask("after", 10) == "after"
    finally:
        validators._running.pop("test-echo").close()
    assert not again.folder.exists() and not first.folder.exists()


def test_a_validator_that_ends_or_hangs_fails_the_book_saying_why():
    ending = Helper("Ending", ["sh", "-c", "echo 'no schema here' >&2; exit 3"], "KILL")
    with pytest.raises(MissingValidator, match=r"Ending stopped \(exit code 3\) before .*: no schema here"):
        ending.ask("a book", 10)
    hanging = Helper("Hanging", ["sleep", "60"], "KILL")
    with pytest.raises(MissingValidator, match="Hanging did not finish within 0.5 s"):
        hanging.ask("a book", 0.5)
    assert hanging.process.poll() is not None  # (killed)


def test_a_forked_process_leaves_its_parents_validators_alone():
    """A worker forked from a process with validators running starts its own:
    writing to its parent's would mix two workers' requests."""
    helper = validators._helper("test-echo", lambda: Helper("Echo", ["cat"], "KILL"))
    try:
        child = os.fork()
        if child == 0:  # (the worker's side)
            os._exit(0 if not validators._running and helper.process.stdin.closed else 1)
        assert os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]) == 0
        assert helper.ask("still mine", 10) == "still mine"
    finally:
        validators._running.pop("test-echo").close()


@pytest.mark.slow
def test_check_names_a_bad_epub_among_good_ones_with_any_jobs(seed, tmp_path, capsys):
    """One EPUBCheck and one Ace check the books of a process one after the other:
    the bad book is named, with what is wrong, and the good ones before and after
    it pass, with one process and with two."""
    dist = tmp_path / "dist"
    shutil.copytree(seed.root / "dist", dist)
    for name in ("a", "b", "c"):  # (b sorts before the seed's folder, c after it)
        shutil.copytree(dist / seed.slug, dist / name)
    _without_nav(dist / "b" / f"{seed.slug}.epub")
    said = []
    for jobs in ("1", "2"):
        assert main(["check", "-o", str(dist), "-j", jobs]) == 2
        said.append(capsys.readouterr().err)
    assert said[0] == said[1]
    bad = f"error: b/{seed.slug}.epub: "
    assert f"{bad}EPUBCheck RSC-001: File \"EPUB/nav.xhtml\" could not be found." in said[0], said[0]
    assert f"{bad}DAISY Ace did not run: ENOENT: no such file or directory, open 'EPUB/nav.xhtml'" in said[0]
    for good in ("a", seed.slug, "c"):
        assert f"{good}/{seed.slug}.epub: EPUBCheck" not in said[0] and f"{good}/{seed.slug}.epub: Ace" not in said[0]
        assert f"{good}/{seed.slug}.epub: DAISY Ace" not in said[0]


@pytest.mark.slow
@pytest.mark.parametrize("how, jobs", [(signal.SIGINT, "2"), (signal.SIGTERM, "2"), (signal.SIGINT, "1")],
                         ids=["Ctrl+C, two workers", "SIGTERM, two workers", "Ctrl+C, in the process"])
def test_check_stopped_mid_way_leaves_no_validator_running_and_no_traceback(seed, tmp_path, how, jobs):
    """Stopped while EPUBCheck and Ace run (in its two workers, or in its own
    process), `check` ends them all (the JVMs, Node, Chromium) and says so
    without a traceback."""
    from test_faults import alive

    dist = tmp_path / "dist"
    shutil.copytree(seed.root / "dist", dist)
    for number in range(6):
        shutil.copytree(dist / seed.slug, dist / f"copy-{number}")
    checking = subprocess.Popen([sys.executable, str(REPO / "publish.py"), "check", "-o", str(dist), "-j", jobs],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen: set[int] = set()
    names: set[str] = set()
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and checking.poll() is None and not {"java", "chromium"} <= names:
        for pid in descendants(checking.pid):
            seen.add(pid)
            try:
                names.add(open(f"/proc/{pid}/comm").read().strip())
            except OSError:
                pass
        time.sleep(0.05)
    seen |= descendants(checking.pid)
    assert checking.poll() is None, "check ended before it could be stopped: give it more to do"
    assert {"java", "node", "chromium"} <= names, names
    os.kill(checking.pid, how)
    out, err = checking.communicate(timeout=60)
    time.sleep(2.0)  # (Node kills Chromium as it ends)
    left = [pid for pid in seen if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left, f"processes of check still running after it was stopped: {left}"
    assert "Traceback" not in err, err
    assert checking.returncode == (130 if how == signal.SIGINT else 143), (checking.returncode, err)
