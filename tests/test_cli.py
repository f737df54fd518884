"""The command line as a new user meets it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import REPO, make_project
from imprint.source import schema
from imprint.cli import main


def test_help_lists_the_options(capsys):
    assert main(["--help"]) == 0
    assert "build" in capsys.readouterr().out
    assert main(["build", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--formats", "--out", "ARTICLE", "--quiet"):
        assert option in out


def test_summary_has_one_line_per_file_with_its_size(tmp_path, capsys):
    root = make_project(tmp_path / "p", REPO / "source")
    assert main(["-C", str(root), "--formats", "epub,bib"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert lines[0].split()[0].endswith("batunaev-2019-khalkhin-gol.epub") and lines[0].endswith("kB")
    assert lines[1].split()[0].endswith("batunaev-2019-khalkhin-gol.bib")
    assert lines[2].startswith("2 files for 1 article in ")
    assert sorted(p.name for p in (root / "dist" / "batunaev-2019-khalkhin-gol").iterdir()) == [
        "batunaev-2019-khalkhin-gol.bib", "batunaev-2019-khalkhin-gol.epub"]


def test_one_article_into_another_folder(tmp_path, capsys):
    root = make_project(tmp_path / "p", REPO / "source")
    out = tmp_path / "elsewhere"
    assert main(["build", "-C", str(root), "-o", str(out), "-f", "json", "batunaev-2019-khalkhin-gol"]) == 0
    assert (out / "batunaev-2019-khalkhin-gol" / "batunaev-2019-khalkhin-gol.json").exists()
    assert not (root / "dist").exists()


def test_a_command_after_the_options_is_the_command(tmp_path, capsys):
    """`publish.py -C DIR build` took "build" for an article's name (QA 19); a word
    that is an option's value stays one."""
    root = make_project(tmp_path / "p", REPO / "source")
    out = tmp_path / "out"
    assert main(["-C", str(root), "-o", str(out), "build", "-f", "json"]) == 0
    assert (out / "batunaev-2019-khalkhin-gol" / "batunaev-2019-khalkhin-gol.json").exists()
    assert main(["-C", str(root), "-o", str(out), "check"]) == 0
    assert "passes" in capsys.readouterr().out
    assert main(["-C", str(tmp_path / "check")]) == 2  # (a folder named check: no project there)
    assert "check" in capsys.readouterr().err


def test_usage_mistakes_exit_2(tmp_path, capsys):
    root = make_project(tmp_path / "p", REPO / "source")
    assert main(["-C", str(root), "no-such-article"]) == 2
    assert "no article or issue 'no-such-article'" in capsys.readouterr().err
    assert main(["-C", str(root), "--formats", "docx"]) == 2
    assert "unknown format docx" in capsys.readouterr().err
    assert main(["--no-such-option"]) == 2
    assert main(["-C", str(tmp_path / "missing")]) == 2


def test_publish_script_runs_as_a_program(tmp_path):
    root = make_project(tmp_path / "p", REPO / "source")
    run = subprocess.run([sys.executable, str(REPO / "publish.py"), "-C", str(root), "-f", "ris"],
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "1 files for 1 article" in run.stdout or "1 file" in run.stdout


def test_published_json_schema_is_current():
    for name, make in schema.PUBLISHED.items():
        assert (REPO / "schema" / name).read_text() == schema.dump(make()), \
            f"schema/{name} is stale: run python publish.py schema --write"
    loaded = json.loads((REPO / "schema" / "article.schema.json").read_text())
    assert loaded["required"] == ["title"]


def test_schema_command_prints_the_article_schema(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "Imprint article front matter"


def test_a_build_run_in_process_leaves_no_worker_behind(tmp_path, capsys):
    """cli.main does not wait for its pool's workers to stop (publish.py ends
    right after), but they are stopped: left alive until the process ended, two
    a build, the test suite (which calls main() in-process) held 316 of them,
    about 12 GB, at once."""
    import multiprocessing
    import time

    root = make_project(tmp_path / "project", REPO / "source")
    before = {child.pid for child in multiprocessing.active_children()}
    for _ in range(2):
        assert main(["build", "-q", "-C", str(root), "--force", "--formats", "epub,pdf", "--jobs", "2"]) == 0
    deadline = time.monotonic() + 10
    while {child.pid for child in multiprocessing.active_children()} - before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert {child.pid for child in multiprocessing.active_children()} - before == set()


def test_an_empty_source_date_epoch_is_unset_for_the_libraries_too(tmp_path):
    """SOURCE_DATE_EPOCH exported empty (as CI systems do) is read as unset by
    Imprint's settings, but fontTools (a formula's font) read it from the
    environment itself, int(''), and the PDF's unit crashed with exit 1."""
    root = make_project(tmp_path / "p", REPO / "source")
    article = next((root / "source").glob("*/article.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\nEuler: $e^{i\\pi}+1=0$.\n", encoding="utf-8")
    env = {**os.environ, "SOURCE_DATE_EPOCH": ""}
    run = subprocess.run([sys.executable, str(REPO / "publish.py"), "-C", str(root), "-f", "pdf", "-q"],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr
