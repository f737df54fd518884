"""The press (imprint/press.py): a second process that typesets for a unit built
alone. What it makes is what the build makes in its own process; how it answers
is checked here, not how fast."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from imprint import build, press
from imprint.config import Settings
from test_incremental import small_project

NO_BIBLIOGRAPHY = """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>No bibliography</title><id>no-bibliography</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text variable="title"/></layout></citation>
</style>
"""


def test_a_style_problem_is_told_at_the_csl_line(tmp_path):
    """A CSL style that cannot format a reference list: the build reports it, at
    the article's `csl` line, in one process or several."""
    root = small_project(tmp_path, 1)
    (root / "styles" / "csl" / "no-bibliography.csl").write_text(NO_BIBLIOGRAPHY)
    article = root / "source" / "a1" / "article.md"
    article.write_text(article.read_text().replace("lang: en\n", "lang: en\ncsl: no-bibliography\n"))
    options = dict(formats=("epub",), environ={})
    there = build(Settings.for_project(root, dist_dir=tmp_path / "there", jobs=2, **options))
    here = build(Settings.for_project(root, dist_dir=tmp_path / "here", jobs=2, **options))
    assert not here.ok and here.problems == there.problems
    problem, = here.problems
    assert "no <bibliography> layout" in problem.message and problem.field == "csl" and problem.line == 5
    assert not (tmp_path / "there" / "a1").exists()


def test_the_press_and_workers_end_when_the_build_is_killed(tmp_path):
    """Killed outright (no clean-up of its own), the build leaves no process
    behind: each of its helpers holds only its own end of its pipe, so it reads
    the end of it."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import REPO

    root = small_project(tmp_path, 1)
    build_ = subprocess.Popen([sys.executable, str(REPO / "publish.py"), "-q", "-C", str(root), "-f", "pdf",
                               "-j", "2"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def children() -> set[int]:
        try:
            return {int(c) for c in Path(f"/proc/{build_.pid}/task/{build_.pid}/children").read_text().split()}
        except OSError:
            return set()

    deadline = time.monotonic() + 10
    while len(children()) < 2 and time.monotonic() < deadline:
        time.sleep(0.002)
    helpers = children()
    assert len(helpers) >= 2  # the press and the first worker
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
