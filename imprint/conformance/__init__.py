"""`publish.py check`: is what dist/ holds fit to hand to readers and distributors?

Each file is checked by what reads it in the world, or by what reads it the same
way: EPUBs by EPUBCheck and DAISY Ace (epub.py); PDFs by qpdf (through pikepdf)
for their structure, and for what PDF/UA and PDF/A need (tags, language, title,
embedded fonts: pdf.py); citation files by parsing them (records.py); the site's
pages and catalogue by resolving every link (site.py). Files changed since the
build made them are reported too. The result is one report: a failure makes the
exit code non-zero, and so does a warning under --strict.

The files are checked a folder of dist/ at a time (an article's, an issue's, the
site's own), `jobs` folders at once, each in a worker process of the build's
executor (building/executor.py), which keeps its EPUBCheck and Ace running from
one book to the next (validators.py). The report lists the files in their order,
whatever checked them first: it is the same for any `jobs`.

The validators are installed by `./build.sh check` (scripts/setup.sh check): a
validator that is missing is a failure, never a skipped check.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .epub import ace, epubcheck  # (tests/validators.py runs them on its cases)
from .site import check_html, check_opds
from .validators import MissingValidator

OPDS_FOLDER = "opds"  # the catalogue's feeds, in dist/ (site/opds.py)

Progress = Callable[[str, int, int], None]  # (the folder checked, how many are, of how many)


@dataclass
class Finding:
    path: str  # relative to dist/
    level: str  # "error" or "warning"
    message: str


@dataclass
class Report:
    checked: list[str] = field(default_factory=list)  # dist-relative paths
    findings: list[Finding] = field(default_factory=list)

    def add(self, path: str, level: str, message: str) -> None:
        self.findings.append(Finding(path, level, message))

    def failed(self, strict: bool) -> bool:
        return any(f.level == "error" or strict for f in self.findings)


def check(dist: Path, tools: bool = True, jobs: int = 1, progress: Progress | None = None) -> Report:
    """Every file of `dist` checked, the files of `jobs` folders at once (1: in this
    process, one after the other); `tools=False` leaves out EPUBCheck and Ace."""
    from ..building.executor import Call, open_executor
    from . import validators

    report = Report()
    if not dist.is_dir():
        report.add(str(dist), "error", "there is no dist/ folder: build first")
        return report
    files = sorted(p for p in dist.rglob("*") if p.is_file() and ".imprint" not in p.relative_to(dist).parts)
    if not files:
        report.add(".", "error", "dist/ is empty: build first")
    report.checked = [str(p.relative_to(dist)) for p in files if checker_for(p.relative_to(dist)) is not None]
    folders: dict[str, list[str]] = {}  # the site's own files in ".", the others in their folder's
    for name in report.checked:
        parts = Path(name).parts
        folders.setdefault(parts[0] if len(parts) > 1 else ".", []).append(name)
    work = Path(tempfile.mkdtemp(prefix="imprint-check-"))
    calls = [Call(check_files, (tuple(names), dist, work, tools), folder) for folder, names in folders.items()]
    found: dict[str, list[Finding]] = {}  # by file, as the folders are done, in any order
    finished: list[str] = []

    def done(call: Call, findings: list[Finding]) -> None:
        for finding in findings:
            found.setdefault(finding.path, []).append(finding)
        finished.append(call.name)
        if progress:
            progress(call.name, len(finished), len(calls))

    def failed(call: Call, why: str) -> None:  # (its worker died: killed, out of memory)
        done(call, [Finding(name, "error", f"not checked: {why}") for name in call.args[0]])

    workers = max(1, min(jobs, len(calls)))
    executor = open_executor("inline" if workers == 1 else "local", workers)
    try:
        executor.run(calls, done, failed, limit=None)  # (each validator has its own time limit)
    finally:
        executor.close(wait=False)  # (a worker's validators end with it)
        validators.close()  # (this process's, when it checked inline)
        shutil.rmtree(work, ignore_errors=True)
    for name in report.checked:  # (in the files' order: the same report whatever `jobs`)
        report.findings.extend(found.get(name, ()))
    for name, message in changed_since_built(dist):  # (changed: not what the build made, nor vouches for)
        report.add(name, "error" if message == CHANGED else "warning", message)
    for level, message in unfinished(dist):
        report.add(".", level, message)
    return report


def unfinished(dist: Path) -> list[tuple[str, str]]:
    """Whether the last build of dist/ ended: one writing it now, or one stopped
    half way (its manifest saved unfinished: building/incremental.py), left some
    articles new and others old, and the index and catalogue not made again
    (QA 20: check passed such a dist/)."""
    from ..building.manifest import FILE, FOLDER, Manifest
    from ..building.output import LOCK
    from ..files import locked

    if (dist / FOLDER / LOCK).exists() and locked(dist / FOLDER / LOCK):
        return [("error", "a build is writing dist/ now: check it once the build ends")]
    saved = [Manifest.load(dist, path.name) for path in sorted((dist / FOLDER).glob("*.json"))] \
        if (dist / FOLDER).is_dir() else []
    if any(manifest is not None and not manifest.finished for manifest in saved):
        return [("error", "the last build of dist/ did not finish (it was stopped or killed): some articles are "
                          "new, some old, the index and catalogue not made again; build again before distributing")]
    if not (dist / FOLDER / FILE).exists() and not saved:
        return [("warning", "dist/ holds no manifest of a build (dist/.imprint/manifest.json): what a build made "
                            "cannot be told from what was put there")]
    return []


def check_files(names: tuple[str, ...], dist: Path, work: Path, tools: bool) -> list[Finding]:
    """The findings on the files `names` of `dist` (a folder's), in their order
    (a unit of work, run by the executor: here, or in a worker process)."""
    found = []
    for name in names:
        checker = checker_for(Path(name))
        try:
            for level, message in checker(dist / name, dist, work, tools):
                found.append(Finding(name, level, message))
        except MissingValidator as error:
            found.append(Finding(name, "error", str(error)))
    return found


# -- changed since built

CHANGED = "changed since the build made it"

def changed_since_built(dist: Path) -> list[tuple[str, str]]:
    from ..building.manifest import FOLDER, Manifest

    messages = {"missing": "listed by the build but missing from dist/", "changed": CHANGED}
    found, made = [], set()
    for part in sorted((dist / FOLDER).glob("*.json")) if (dist / FOLDER).is_dir() else []:
        manifest = Manifest.load(dist, part.name)
        if manifest is None:
            continue
        for unit in manifest.units.values():
            made.update(unit.outputs)
            for name in unit.outputs:
                state = unit.output_state(dist, name, trust_time=False)
                if state:
                    found.append((name, messages[state]))
    if made:  # files the last build did not make: left by an earlier one, or put there by hand
        for path in dist.rglob("*"):
            name = str(path.relative_to(dist))
            if path.is_file() and not name.startswith(FOLDER + "/") and name not in made:
                found.append((name, "not made by the last build (left from an earlier one?): "
                                    "delete it, or build it again"))
    return sorted(set(found))


def checker_for(name: Path):
    """How a file of dist/ is checked: as the edition it is (editions.py: an
    article's or issue's file, a booklet, a landing page), or as the site's
    index or OPDS catalogue; a file in an article's folder that no edition
    makes (put there by hand?) as the edition whose files end as it does; None
    for what is checked with the page that uses it (covers, the stylesheet)."""
    from ..editions import EDITIONS, load

    parts = name.parts
    if len(parts) == 2 and parts[0] != OPDS_FOLDER:
        for edition in EDITIONS.values():
            if edition.check and (parts[1] == edition.path(parts[0])
                                  or edition.printed and parts[1] == edition.path(parts[0], booklet=True)):
                return load(edition.check)
        alike = [e for e in EDITIONS.values() if e.check and e.file.endswith(name.suffix) and name.suffix]
        if alike and name.suffix != ".html":
            return load(alike[0].check)
    if name.suffix == ".html":  # the index, an issue's page
        return check_html
    if parts[0] == OPDS_FOLDER and name.suffix == ".xml":
        return check_opds
    return None
