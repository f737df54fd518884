"""The executors (imprint/building/executor.py): a local pool and a Dask cluster run the
units of a build; a unit past the time limit is reported, a worker that dies is
reported (local) or survived (Dask: the unit runs again elsewhere), and the
files are the same bytes whichever ran them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from imprint import build
from imprint.settings import Settings
from imprint.building.executor import DIED, STOPPED, Call, Inline, LocalPool, open_executor
from test_incremental import small_project


def square(x: int) -> int:
    return x * x


def sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "slept"


def die_once(marker: str) -> str:
    """Kills its own process the first time (the marker file says which time it is)."""
    if not os.path.exists(marker):
        Path(marker).write_text("died")
        os.kill(os.getpid(), signal.SIGKILL)
    return "survived"


def run(executor, calls, limit=None):
    done, failed = {}, {}
    executor.run(calls, lambda call, result: done.__setitem__(call.name, result),
                 lambda call, why: failed.__setitem__(call.name, why), limit)
    return done, failed


def loaded(names: tuple[str, ...]) -> tuple[str, ...]:
    time.sleep(0.5)  # (long enough that the other worker takes the other call)
    return tuple(name for name in names if name in sys.modules)


def test_each_worker_loads_its_role_s_modules_in_turn(tmp_path, monkeypatch):
    """An article built in two parts: one worker loads what reading needs, the
    other WeasyPrint alone (cli.py, editions.rendering_modules)."""
    names = ("imprint_test_role_one", "imprint_test_role_two")
    for name in names:
        (tmp_path / f"{name}.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    with LocalPool(2, [names[:1], names[1:]]) as pool:
        done, _ = run(pool, [Call(loaded, (names,), "one"), Call(loaded, (names,), "two")])
    assert sorted(done.values()) == [names[:1], names[1:]]


@pytest.mark.slow  # (seconds: out of the quick loop)
def test_the_local_pool_runs_every_call_and_reports_the_stopped_and_the_dead(tmp_path):
    with LocalPool(2) as pool:
        calls = [Call(square, (n,), f"square-{n}") for n in range(5)] + [
            Call(sleep, (60,), "hangs"), Call(die_once, (str(tmp_path / "marker"),), "dies")]
        started = time.monotonic()
        done, failed = run(pool, calls, limit=3)
        assert time.monotonic() - started < 30
        assert done == {f"square-{n}": n * n for n in range(5)}
        assert failed["hangs"] == STOPPED.format(limit=3)
        assert failed["dies"].startswith(DIED.format(how="")[:20]) and "exit code -9" in failed["dies"]
        # The pool replaced the workers it lost: it goes on.
        assert run(pool, [Call(square, (7,), "after")]) == ({"after": 49}, {})


def test_inline_runs_here_in_order():
    done, failed = run(Inline(), [Call(square, (n,), str(n)) for n in range(3)])
    assert list(done.items()) == [("0", 0), ("1", 1), ("2", 4)] and not failed


def test_an_unknown_executor_is_a_usage_error():
    from imprint.errors import UsageError

    with pytest.raises(UsageError, match="dask://HOST:PORT"):
        open_executor("ftp://somewhere", 1)


def test_a_unit_that_crashes_is_an_internal_error_with_its_traceback():
    from imprint.building.executor import UnitCrash

    with LocalPool(1) as pool, pytest.raises(UnitCrash, match="ZeroDivisionError") as raised:
        run(pool, [Call(divmod, (1, 0), "divides")])
    assert "ZeroDivisionError" in "".join(getattr(raised.value, "__notes__", [""]))


def staged_crash(seconds: float) -> None:
    """Says its stage, waits, and fails (a bug, as far as the pool knows)."""
    from imprint.building import stages

    with stages.stage("sleeping"):
        time.sleep(seconds)
    raise ZeroDivisionError


def test_a_unit_killed_as_another_crashes_leaves_no_stage_file(tmp_path, monkeypatch):
    """One unit's bug stops the build and its sibling, killed while it ran, can
    remove nothing: the pool removes its stage file as it closes (one was left in
    the temporary folder; a CI run's time-limit test found it, under the
    test process's own pid)."""
    import tempfile

    from imprint.building import stages
    from imprint.building.executor import UnitCrash

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with pytest.raises(UnitCrash), LocalPool(2) as pool:
        run(pool, [Call(staged_crash, (30,), "long"), Call(staged_crash, (1,), "short")])
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(stages.PREFIX)) == []


def test_two_builds_of_one_process_have_stage_files_of_their_own():
    """A build closing without waiting for its workers removes its units' stage
    files later, from a thread: a second build of the same process (watch, a test
    calling cli.main twice) with the same units kept its stage files under the same
    names, which that thread could remove as the second build wrote them (review)."""
    with LocalPool(1) as first, LocalPool(1) as second:
        call = Call(square, (2,), "source/a/article.md")
        assert first._stage_file(call) != second._stage_file(call)
        assert first._stage_file(call) == first._stage_file(call)


@pytest.mark.slow
def test_the_build_leaves_no_process_behind_when_killed(tmp_path):
    """Killed outright (no clean-up of its own), the build leaves no worker
    behind."""
    from conftest import REPO, descendants

    root = small_project(tmp_path, 2)
    build_ = subprocess.Popen([sys.executable, str(REPO / "publish.py"), "-q", "-C", str(root), "-f", "pdf",
                               "-j", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    deadline = time.monotonic() + 20
    while len(descendants(build_.pid)) < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    helpers = descendants(build_.pid)
    assert len(helpers) >= 2  # the workers
    os.kill(build_.pid, signal.SIGKILL)
    build_.wait()

    def alive(pid: int) -> bool:
        try:
            return Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] != "Z"
        except OSError:
            return False

    deadline = time.monotonic() + 15
    while any(alive(pid) for pid in helpers) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = [pid for pid in helpers if alive(pid)]
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    assert not left


def test_a_build_leaves_nothing_in_the_temporary_folder(tmp_path):
    """Its workers are killed as it ends: what they kept in the temporary folder
    (WeasyPrint's folder of a document's fonts, here the formulas' font, which
    it removes only when the document is forgotten) was left behind, a folder a
    worker each build. They keep it in the pool's own folder, removed at the end."""
    from conftest import REPO

    root = small_project(tmp_path, 2)
    article = root / "source" / "a1" / "article.md"
    article.write_text(article.read_text() + "\nA formula, $x^2 + y^2 = z^2$.\n")
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    finished = subprocess.run([sys.executable, str(REPO / "publish.py"), "-q", "-C", str(root), "-f", "epub,pdf",
                               "-j", "2"], env={**os.environ, "TMPDIR": str(temporary)}, capture_output=True,
                              text=True)
    assert finished.returncode == 0, finished.stderr
    time.sleep(0.5)  # (the workers are killed as the build's process ends)
    assert sorted(p.name for p in temporary.iterdir()) == []


# -- Dask ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    """Two Dask workers in their own processes, on loopback."""
    import cloudpickle
    from distributed import LocalCluster

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # (the workers cannot import this test module)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as running:
        yield running.scheduler_address


@pytest.mark.slow
@pytest.mark.loopback
def test_a_dask_build_makes_the_same_bytes_as_a_local_one(tmp_path, cluster):
    root = small_project(tmp_path, 3)
    options = dict(formats=("epub", "pdf", "json", "site"), environ={"SOURCE_DATE_EPOCH": "1700000000"})
    local = build(Settings.for_project(root, dist_dir=tmp_path / "local", jobs=2, **options))
    dask = build(Settings.for_project(root, dist_dir=tmp_path / "dask", executor=cluster.replace("tcp://", "dask://"),
                                      **options))
    assert local.ok and dask.ok, (local.problems, dask.problems)
    made = sorted(p.relative_to(tmp_path / "local") for p in (tmp_path / "local").rglob("*") if p.is_file()
                  and ".imprint" not in p.parts)
    assert len(made) > 10
    for name in made:
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "dask" / name).read_bytes(), name


@pytest.mark.slow
@pytest.mark.loopback
def test_a_dask_worker_without_the_project_builds_from_the_files_sent(tmp_path, cluster):
    """Workers need no shared file system: each unit carries the project's files
    it reads (building/snapshot.py), and a worker that does not find them at the project's
    path writes them into a folder of its own. Forced here (the workers share
    this machine): the same bytes, an issue and its images included (the print
    HTML names files by root, not by folder: files.file_url)."""
    from imprint.building.executor import DaskCluster
    from imprint.building.snapshot import FOLDER, forget
    from conftest import CASES, make_project

    root = make_project(tmp_path / "project", CASES / "issue" / "source")
    options = dict(formats=("epub", "pdf", "site"), environ={"SOURCE_DATE_EPOCH": "1700000000"})
    local = build(Settings.for_project(root, dist_dir=tmp_path / "local", jobs=2, **options))
    forget()
    try:
        with DaskCluster(cluster, root, ship=True) as executor:
            dask = build(Settings.for_project(root, dist_dir=tmp_path / "dask", **options), executor=executor)
        import tempfile

        assert list(Path(tempfile.gettempdir()).glob(FOLDER + "*"))  # (they were used)
    finally:
        forget()
    assert local.ok and dask.ok, (local.problems, dask.problems)
    made = sorted(p.relative_to(tmp_path / "local") for p in (tmp_path / "local").rglob("*") if p.is_file()
                  and ".imprint" not in p.parts)
    assert any(p.suffix == ".pdf" and len(p.parts) == 2 for p in made)
    differ = [str(name) for name in made
              if (tmp_path / "local" / name).read_bytes() != (tmp_path / "dask" / name).read_bytes()]
    assert not differ


@pytest.mark.slow
@pytest.mark.loopback
def test_dask_survives_a_worker_killed_and_reports_a_unit_past_the_time_limit(tmp_path, cluster):
    with open_executor(cluster, 1) as executor:
        assert executor.slots == 2
        calls = [Call(die_once, (str(tmp_path / "marker"),), "dies-once"), Call(square, (3,), "square"),
                 Call(sleep, (60,), "hangs")]
        started = time.monotonic()
        done, failed = run(executor, calls, limit=5)
        assert time.monotonic() - started < 45
        assert done == {"dies-once": "survived", "square": 9}  # run again on a worker that lived
        assert failed == {"hangs": STOPPED.format(limit=5)}
        assert (tmp_path / "marker").exists()
        deadline = time.monotonic() + 30  # the worker that was stopped comes back
        while len(executor.client.nthreads()) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert run(executor, [Call(square, (4,), "after")]) == ({"after": 16}, {})


def test_stage_files_of_builds_killed_outright_are_swept(tmp_path, monkeypatch):
    """A build killed outright while a unit ran leaves its stage file in the
    temporary folder (neither it nor its workers can remove it): the next local
    pool removes those of processes that are gone, and only those."""
    import subprocess
    import sys
    import tempfile

    from imprint.building import stages

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    names = {f"{stages.PREFIX}{gone}-0123456789abcdef": False, f"{stages.PREFIX}{gone}-0123456789abcdef.new": False,
             f"{stages.PREFIX}{os.getppid()}-0123456789abcdef": True, f"{stages.PREFIX}{os.getpid()}-aa": True,
             "unrelated-file": True}
    for name in names:
        (tmp_path / name).write_text("making its pdf edition", encoding="utf-8")
    stages.sweep()
    assert {p.name for p in tmp_path.iterdir()} == {name for name, kept in names.items() if kept}


# -- an article's print jobs handed over between its two parts (building/handoff.py)


def test_handoff_folders_of_builds_killed_outright_are_swept(tmp_path, monkeypatch):
    """A build killed outright leaves its hand-over folder (its name ends in
    mkdtemp's random letters): the next local pool removes those whose lock no
    process holds, and keeps a live build's and anything else."""
    import tempfile

    from imprint.building import handoff

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    dead = tmp_path / "imprint-handoff-4242-k3x9q1ab"
    dead.mkdir()
    (dead / handoff.LOCK).touch()
    (dead / "seed.jobs").write_bytes(b"")
    other = tmp_path / "imprint-other-4242-k3x9q1ab"
    other.mkdir()
    live = handoff.open_folder()
    try:
        handoff.sweep()
        assert sorted(p.name for p in tmp_path.iterdir()) == sorted([live.name, other.name])
    finally:
        handoff.close_folder(live)


def test_a_build_s_folder_is_not_swept_by_another_build_as_it_is_made(tmp_path, monkeypatch):
    """Another build sweeping between the making of this build's folder and the
    taking of its lock (two builds started at once on one machine): the folder was
    removed, and this build stopped with an internal error (FileNotFoundError). A
    folder being made has another name until it is locked; one of those is swept
    only when it is old (left by a build killed as it made it), whatever its
    process id (another container's build has one this one does not know)."""
    import fcntl
    import subprocess
    import sys
    import tempfile

    from imprint.building import handoff

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    left, another = (tmp_path / (handoff.MAKING.format(pid=gone) + name) for name in ("k3x9q1ab", "z8y7x6wv"))
    left.mkdir()
    another.mkdir()  # (being made now, by a process of another container)
    os.utime(left, (time.time() - 2 * handoff.LEFT,) * 2)
    taking = fcntl.flock

    def sweep_first(handle: int, how: int) -> None:
        handoff.sweep()  # (the other build's, as this one takes its lock)
        taking(handle, how)
    monkeypatch.setattr(handoff.fcntl, "flock", sweep_first)
    live = handoff.open_folder()
    try:
        assert live.is_dir() and (live / handoff.LOCK).exists()
        assert live.name.startswith(handoff.PREFIX.format(pid=os.getpid()))
        assert not left.exists() and another.is_dir()
    finally:
        handoff.close_folder(live)


def _recording_prepare(monkeypatch, log: Path) -> None:
    """prepare(), writing the editions it reads for into `log`, a line a call (in
    the forked workers too: they inherit the patch)."""
    from imprint.prepare import article

    own = article.prepare

    def recorded(article_, theme, settings, *args, **kwargs):
        with open(log, "a") as out:
            out.write(",".join(settings.formats) + "\n")
        return own(article_, theme, settings, *args, **kwargs)

    monkeypatch.setattr(article, "prepare", recorded)


def test_a_one_article_build_reads_its_text_once_and_hands_the_print_jobs_over(tmp_path, monkeypatch):
    """Two workers, one article: the part that makes the EPUB reads the text in both
    dialects and hands the print jobs to the part that loads WeasyPrint meanwhile;
    the same bytes as one worker makes."""
    root = small_project(tmp_path, 1)
    options = dict(formats=("epub", "pdf", "json"), environ={"SOURCE_DATE_EPOCH": "1700000000"})
    alone = build(Settings.for_project(root, dist_dir=tmp_path / "alone", jobs=1, **options))
    log = tmp_path / "prepared"
    _recording_prepare(monkeypatch, log)
    parts = build(Settings.for_project(root, dist_dir=tmp_path / "parts", jobs=2, **options))
    assert alone.ok and parts.ok, (alone.problems, parts.problems)
    assert log.read_text().splitlines() == ["epub,pdf,json"]  # (once, in both dialects)
    for name in ("a1/a1.pdf", "a1/a1.epub", "a1/a1.json"):
        assert (tmp_path / "alone" / name).read_bytes() == (tmp_path / "parts" / name).read_bytes(), name
    import tempfile

    assert not list(Path(tempfile.gettempdir()).glob(f"imprint-handoff-{os.getpid()}-*"))  # (removed)


def test_without_the_jobs_the_print_part_reads_the_text_itself(tmp_path, monkeypatch):
    """The reading part ends without handing the jobs over (as if it had failed
    after reading): the print part reads the article itself, as a part did before;
    the same bytes."""
    from imprint.building.handoff import Giving

    root = small_project(tmp_path, 1)
    options = dict(formats=("epub", "pdf"), environ={"SOURCE_DATE_EPOCH": "1700000000"})
    alone = build(Settings.for_project(root, dist_dir=tmp_path / "alone", jobs=1, **options))
    log = tmp_path / "prepared"
    _recording_prepare(monkeypatch, log)
    monkeypatch.setattr(Giving, "give", lambda self, jobs: None)
    parts = build(Settings.for_project(root, dist_dir=tmp_path / "parts", jobs=2, **options))
    assert alone.ok and parts.ok, (alone.problems, parts.problems)
    assert sorted(log.read_text().splitlines()) == ["epub,pdf", "pdf"]
    assert (tmp_path / "alone" / "a1/a1.pdf").read_bytes() == (tmp_path / "parts" / "a1/a1.pdf").read_bytes()


def test_a_print_part_waits_for_the_jobs_while_the_reading_part_holds_its_claim(tmp_path):
    from imprint.building.handoff import Giving, take

    giving = Giving(tmp_path, "a")
    assert take(tmp_path, "a", time.monotonic() + 0.1) is None  # (held, no jobs: waited until the deadline)
    giving.give([("pdf", "the job")])
    assert take(tmp_path, "a", time.monotonic() + 5) == [("pdf", "the job")]
    giving.close()
    other = Giving(tmp_path, "b")
    other.close()  # (released without jobs: the reading part failed)
    started = time.monotonic()
    assert take(tmp_path, "b", time.monotonic() + 5) is None and time.monotonic() - started < 1


def test_the_print_part_draws_the_formulas_shared_while_it_waits(tmp_path):
    """The reading part shares the formulas' MathML once converted: the print part,
    waiting, draws them (from the last back) before it takes the jobs."""
    from imprint.building.handoff import Giving, take

    giving = Giving(tmp_path, "a")
    giving.share(["<math>1</math>", "<math>2</math>"])
    drawn = []

    def draw(mathml):
        drawn.append(mathml)
        giving.give([("pdf", "the job")])  # (given while the print part draws)

    assert take(tmp_path, "a", time.monotonic() + 5, draw=draw) == [("pdf", "the job")]
    assert drawn == [["<math>1</math>", "<math>2</math>"]]
    giving.close()


def test_the_print_part_readies_the_drawing_only_when_formulas_are_coming(tmp_path):
    """What drawing needs takes 0.13 s to load: the print part loads it when the
    reading part says formulas are being converted, not when every one comes
    from the project's cache (the jobs come first)."""
    from imprint.building.handoff import Giving, take

    readied = []
    giving = Giving(tmp_path, "a")
    giving.give([("pdf", "the job")])
    assert take(tmp_path, "a", time.monotonic() + 5, ready=lambda: readied.append("a")) == [("pdf", "the job")]
    giving.close()
    giving = Giving(tmp_path, "b")
    giving.coming()

    def ready():
        readied.append("b")
        giving.give([("pdf", "the job")])

    assert take(tmp_path, "b", time.monotonic() + 5, ready=ready) == [("pdf", "the job")]
    assert readied == ["b"]
    giving.close()


def test_parts_hand_over_only_when_each_has_a_worker():
    """(a review's finding) two articles on three workers: four parts, one waiting
    for a worker; a reading part held its worker for the print part to start, which
    could only start on that worker."""
    from imprint.building.units import split

    calls = [Call(square, ("a", "context", None), "article:a"), Call(square, ("b", "context", None), "article:b")]
    assert {c.args[-1] for c in split(calls, 3, ("epub", "pdf"), Path("/tmp/x"))} == {None}
    assert {c.args[-1] for c in split(calls[:1], 2, ("epub", "pdf"), Path("/tmp/x"))} == {Path("/tmp/x")}
    assert [c.args[3] for c in split(calls[:1], 2, ("epub", "pdf"), Path("/tmp/x"))] == ["reader", "print"]


ENDING = """
import atexit, sys, time
sys.path.insert(0, {repo!r})
from imprint.building.executor import LocalPool, _nothing

pool = LocalPool(1)
pool.warm_up()
joined = pool._pool.join

def join(*args):
    time.sleep(0.2)  # (the main thread ends meanwhile, as the build's last line is printed)
    raise RuntimeError("the pool's queue is gone")  # (what the process's exit did to pebble)

pool._pool.join = join
atexit.register(time.sleep, 0.6)  # (the exit's own work, multiprocessing's: the thread runs on meanwhile)
pool.close(wait=False)
print("built")
"""


def test_a_pool_stopped_as_the_process_ends_prints_nothing_after_the_build():
    """The thread that joins the workers of a build about to end ran on as the
    process exited, which stopped what pebble's join waits for: its exception was
    printed after the build's report ("Exception in thread imprint-pool-stop" and a
    traceback cut short), 2 of 94 builds in a helper's run. The process ends with
    its own output only."""
    from conftest import REPO

    done = subprocess.run([sys.executable, "-c", ENDING.format(repo=str(REPO))], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout == "built\n"
    assert done.stderr == ""
