"""Imprint against pandoc on the same inputs, in one run, interleaved.

    .venv/bin/python benchmarks/run.py [--repeat N] [--only NAME ...] [--markdown]

Every measurement is a fresh process building into an empty folder, with no
manifest and no cache (the project's .imprint-cache/ emptied: Pandoc's answers,
formulas), except the rows that say what they keep: wall time, and the peak memory of the whole process tree (RSS
summed over the process and its children, sampled from /proc every 5 ms for the
first second, then every 50 ms).
Rows are measured in turn, round after round, so that the machine's state
affects both tools alike; medians are reported. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import generate

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
PUBLISH = [PYTHON, str(REPO / "publish.py")]
# The Pandoc Imprint runs (3.9, from the pinned pypandoc-binary wheel): the same
# reader, compared with what it does alone. It finds WeasyPrint on the PATH: the
# same WeasyPrint 70 Imprint uses.
PANDOC = str(Path(PYTHON).parent.parent / "lib" / f"python{sys.version_info[0]}.{sys.version_info[1]}" /
             "site-packages" / "pypandoc" / "files" / "pandoc")
ENV = {**os.environ, "PATH": f"{Path(PYTHON).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
ENV.pop("SOURCE_DATE_EPOCH", None)


@dataclass
class Row:
    name: str
    command: list[str]
    prepare: callable = None  # empties the output before each run
    after: callable = None  # after each run (stops what prepare started)
    times: list[float] = field(default_factory=list)
    memory: list[int] = field(default_factory=list)  # kB

    @property
    def time(self) -> float:
        return statistics.median(self.times)

    @property
    def peak(self) -> int:
        return max(self.memory)


def tree_rss(pid: int) -> int:
    """RSS of a process and its descendants, in kB."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/status") as status:
                total += next((int(line.split()[1]) for line in status if line.startswith("VmRSS:")), 0)
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack += [int(c) for c in children.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def measure(row: Row) -> None:
    if row.prepare:
        row.prepare()
    peak = 0
    started = time.perf_counter()
    process = subprocess.Popen(row.command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    done = threading.Event()

    def sample() -> None:
        # Every 5 ms for the first second (a short build's peak is brief), then every
        # 50 ms: sampling takes CPU, and every 5 ms it slowed a build that keeps both
        # cores busy by 5 % (50 articles, --jobs 2: 10.96 s unsampled, 11.48 s
        # sampled every 5 ms, 11.05 s every 50 ms).
        nonlocal peak
        while not done.is_set():
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.005 if time.perf_counter() - started < 1 else 0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, err = process.communicate()
    elapsed = time.perf_counter() - started
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{row.name} failed ({process.returncode}): {' '.join(row.command)}\n{err.decode()}")
    if row.after:
        row.after()
    row.times.append(elapsed)
    row.memory.append(peak)


def emptied(*paths: Path):
    def prepare() -> None:
        for path in paths:
            if path.is_dir():
                shutil.rmtree(path)
            elif path.exists():
                path.unlink()
    return prepare


def imprint(project: Path, out: Path, *options: str, keep: str = "") -> Row:
    """A build from nothing: no dist/, no cache; `keep` "formulas" or "pandoc":
    that part of the project's cache is kept from the runs before."""
    cache = project / ".imprint-cache"
    forgotten = [cache / part for part in ("formulas", "pandoc") if part != keep]
    return Row("", PUBLISH + ["-q", "-C", str(project), "-o", str(out), "--force", *options],
               emptied(out, *forgotten))


def unchanged(project: Path, out: Path, *options: str) -> Row:
    """A build with nothing to do: the folder built once, before the first run."""
    command = PUBLISH + ["-q", "-C", str(project), "-o", str(out), *options]

    def prepare() -> None:
        if not (out / ".imprint" / "manifest.json").exists():
            subprocess.run(command, check=True, env=ENV, stdout=subprocess.DEVNULL)
    return Row("", command, prepare)


def on_cluster(project: Path, out: Path, workers: int, *options: str) -> Row:
    """A build on a Dask cluster on loopback (`workers` processes, one thread
    each), as a press would run one on its machines. The cluster is started
    before each run and stopped after it, so that its idle processes take
    nothing from the other rows."""
    import socket

    with socket.socket() as probe:  # a free port for the scheduler
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = ("import sys; from distributed import LocalCluster\n"
            f"c = LocalCluster(n_workers={workers}, threads_per_worker=1, processes=True, host='127.0.0.1', "
            f"scheduler_port={port}, dashboard_address=None)\n"
            "print(c.scheduler_address, flush=True)\n"
            "sys.stdin.read()\n")
    running: list[subprocess.Popen] = []

    def start() -> None:
        emptied(out, project / ".imprint-cache")()
        process = subprocess.Popen([PYTHON, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                   env=ENV, cwd=REPO)
        if not process.stdout.readline().startswith("tcp://"):
            raise SystemExit("the Dask LocalCluster did not start")
        running.append(process)

    def stop() -> None:
        process = running.pop()
        process.stdin.close()
        process.wait()
    command = PUBLISH + ["-q", "-C", str(project), "-o", str(out), "--force", *options,
                         "--executor", f"dask://127.0.0.1:{port}"]
    return Row("", command, start, after=stop)


def pandoc(source: Path, out: Path, *options: str) -> Row:
    return Row("", [PANDOC, str(source), "-o", str(out), *options], emptied(out))


def pandoc_each(sources: list[Path], folder: Path) -> Row:
    """pandoc has no issue: each article's EPUB and PDF on their own, one process after the other."""
    script = " && ".join(f"{PANDOC} {s} -o {folder / s.parent.name}.epub && "
                         f"{PANDOC} {s} --pdf-engine=weasyprint -o {folder / s.parent.name}.pdf" for s in sources)
    return Row("", ["sh", "-c", f"mkdir -p {folder} && {script}"], emptied(folder))


def final_html(project: Path, slug: str, target: Path) -> Path:
    """Imprint's own print HTML for an article, as WeasyPrint gets it, with its
    files named by their real paths: Imprint names them by the root they lie in
    (file:///imprint-root-N/..., files.file_url), which only its own fetcher maps
    back; WeasyPrint's command line would lay the text out without its stylesheets
    (107 pages of the long article instead of 83, measured)."""
    code = (
        "import sys; from pathlib import Path; from imprint.settings import Settings; "
        "from imprint.source.project import load_project; from imprint.theme import Theme; "
        "from imprint.prepare.article import prepare; from imprint.editions.pdf import article as pdf; "
        "from imprint.files import file_url; "
        f"s = Settings.for_project({str(project)!r}, formats=('pdf',)).for_publication(None, (), False); "
        "loaded = load_project(s); t = Theme(s.root, s.styles_dir); "
        f"m = prepare(next(a for a in loaded.project.articles if a.slug == {slug!r}), t, s); "
        "html = pdf.print_html(m, t, s, pdf.EDITIONS['pdf']); "
        "roots = [(file_url(r, t.roots).rstrip('/') + '/', r.resolve().as_uri() + '/') for r in t.roots]; "
        "html = [html := html.replace(a, b) for a, b in roots][-1]; "
        "assert 'imprint-root-' not in html; "
        f"Path({str(target)!r}).write_text(html)"
    )
    subprocess.run([PYTHON, "-c", code], check=True, cwd=REPO)
    return target


def watch_edits(project: Path, out: Path, article: Path, repeat: int) -> list[float]:
    """Seconds from saving a one-paragraph edit of `article` to its PDF being
    rewritten, under a running `publish.py watch` (after its first build)."""
    shutil.rmtree(out, ignore_errors=True)
    watch = subprocess.Popen(PUBLISH + ["watch", "-C", str(project), "-o", str(out)], stdout=subprocess.PIPE,
                             text=True, env=ENV, cwd=REPO)
    pdf = out / article.parent.name / f"{article.parent.name}.pdf"
    original, seconds = article.read_text(encoding="utf-8"), []
    try:
        while " built " not in (line := watch.stdout.readline()):
            if not line:
                raise SystemExit("publish.py watch stopped before its first build")
        body = original.split("\n---\n", 1)[1]  # after the front matter
        paragraph = max((p for p in body.split("\n\n") if not p.startswith(("#", "[^", "|"))), key=len)
        for n in range(repeat):
            before = pdf.stat().st_mtime_ns
            time.sleep(0.5)  # an editor's pause; the watcher polls meanwhile
            started = time.perf_counter()
            article.write_text(original.replace(paragraph, paragraph + f" Правка {n + 1}.", 1), encoding="utf-8")
            while not pdf.exists() or pdf.stat().st_mtime_ns == before:
                if time.perf_counter() - started > 120:
                    raise SystemExit("publish.py watch did not rewrite the PDF within 2 minutes")
                time.sleep(0.005)
            seconds.append(time.perf_counter() - started)
            watch.stdout.readline()  # the build's line: the build is over
    finally:
        watch.terminate()
        watch.wait()
        article.write_text(original, encoding="utf-8")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", nargs="*", help="measure only rows whose name starts with one of these")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown (for README)")
    args = parser.parse_args()
    if not os.access(PANDOC, os.X_OK):
        raise SystemExit(f"Pandoc is not at {PANDOC}: run ./build.sh (it installs pypandoc-binary)")
    # Imprint's modules compiled ahead, as ./build.sh does (and pip does for
    # pandoc's WeasyPrint): else, where Python may not write __pycache__, every
    # run would compile them again.
    subprocess.run([PYTHON, "-m", "compileall", "-q", str(REPO / "imprint"), str(REPO / "publish.py")], check=True,
                   stdout=subprocess.DEVNULL)
    work = Path(tempfile.mkdtemp(prefix="imprint-bench-"))
    out = work / "out"
    seed = generate.make_seed(work / "seed", REPO)
    long = generate.make_long(work / "long", 30_000)
    long2 = generate.make_long(work / "long2", 60_000)
    issue = generate.make_issue(work / "issue", 50)
    generate.make_articles(work / "articles", 50)
    generate.make_issue(work / "issue2", 100)
    generate.make_math(work / "math")
    generate.make_math(work / "math-words", as_words=True)
    floor_html = final_html(work / "long", "long", work / "long-final.html")
    weasyprint = str(Path(PYTHON).parent / "weasyprint")

    rows = [
        ("seed: Imprint EPUB+PDF+citations", imprint(work / "seed", out, "-f", "epub,pdf,json,bib,ris")),
        ("seed: pandoc PDF", pandoc(seed, out.with_suffix(".pdf"), "--pdf-engine=weasyprint")),
        ("seed: pandoc EPUB", pandoc(seed, out.with_suffix(".epub"))),
        ("long: Imprint EPUB", imprint(work / "long", out, "-f", "epub")),
        ("long: Imprint EPUB again, Pandoc's answers kept (a template changed)",
         imprint(work / "long", out, "-f", "epub", keep="pandoc")),
        ("long: pandoc EPUB", pandoc(long, out.with_suffix(".epub"))),
        ("long: Imprint PDF", imprint(work / "long", out, "-f", "pdf")),
        ("long: pandoc PDF", pandoc(long, out.with_suffix(".pdf"), "--pdf-engine=weasyprint")),
        ("long: WeasyPrint on Imprint's HTML", Row("", [weasyprint, "--pdf-variant", "pdf/ua-1", str(floor_html),
                                                        str(out.with_suffix(".pdf"))], emptied(out.with_suffix(".pdf")))),
        ("long x2: Imprint EPUB", imprint(work / "long2", out, "-f", "epub")),
        ("long x2: Imprint PDF", imprint(work / "long2", out, "-f", "pdf")),
        ("issue 50: Imprint EPUB+PDF, articles and issue", imprint(work / "issue", out, "-f", "epub,pdf")),
        ("issue 50: pandoc EPUB+PDF, each article", pandoc_each(issue, out)),
        ("issue 100: Imprint EPUB+PDF, articles and issue", imprint(work / "issue2", out, "-f", "epub,pdf")),
        ("50 articles: Imprint EPUB+PDF, --jobs 1", imprint(work / "articles", out, "-f", "epub,pdf", "--jobs", "1")),
        ("50 articles: Imprint EPUB+PDF, --jobs 2", imprint(work / "articles", out, "-f", "epub,pdf", "--jobs", "2")),
        ("50 articles: Imprint EPUB+PDF, Dask LocalCluster of 2 workers",
         on_cluster(work / "articles", out, 2, "-f", "epub,pdf")),
        ("seed: Imprint, nothing changed", unchanged(work / "seed", work / "unchanged")),
        ("seed: Imprint cold build, every edition", imprint(work / "seed", out)),
        ("math 250: Imprint EPUB+PDF, formulas drawn (empty cache)", imprint(work / "math", out, "-f", "epub,pdf")),
        ("math 250: Imprint EPUB+PDF, formulas from the cache",
         imprint(work / "math", out, "-f", "epub,pdf", keep="formulas")),
        ("math 250 as words: Imprint EPUB+PDF", imprint(work / "math-words", out, "-f", "epub,pdf")),
    ]
    for name, row in rows:
        row.name = name
    rows = [row for _, row in rows if not args.only or any(row.name.startswith(o) for o in args.only)]
    for round_ in range(args.repeat):
        for row in rows:
            measure(row)
        print(f"round {round_ + 1}/{args.repeat} done", file=sys.stderr)
    if not args.only or any("seed: watch".startswith(o) or o.startswith("seed: watch") for o in args.only):
        edits = Row("seed: watch, one-paragraph edit to PDF", [])
        edits.times = watch_edits(work / "seed", out, seed, args.repeat)
        edits.memory = [0]
        rows.append(edits)
    report(rows, args.markdown)
    shutil.rmtree(work)


def report(rows: list[Row], markdown: bool) -> None:
    by = {row.name: row for row in rows}

    def ratio(a: str, b: str) -> str:
        return f"{by[a].time / by[b].time:.2f}" if a in by and b in by else "-"

    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\n{date.today().isoformat()}, {machine}; medians of {len(rows[0].times)} runs\n")
    print("| build | time | peak memory |" if markdown else f"{'build':52} {'time':>8} {'memory':>9}")
    if markdown:
        print("|---|--:|--:|")
    for row in rows:
        if markdown:
            memory = f"{row.peak / 1024:.0f} MB" if row.peak else "-"
            print(f"| {row.name} | {row.time:.2f} s | {memory} |")
        else:
            print(f"{row.name:52} {row.time:7.2f}s {row.peak / 1024:7.0f} MB")
    print()
    checks = [
        ("seed full build / pandoc PDF (target <= 1)", ratio("seed: Imprint EPUB+PDF+citations", "seed: pandoc PDF")),
        ("long EPUB / pandoc EPUB (target <= 1)", ratio("long: Imprint EPUB", "long: pandoc EPUB")),
        ("long PDF / pandoc PDF (target <= 1)", ratio("long: Imprint PDF", "long: pandoc PDF")),
        ("long PDF / WeasyPrint on the same HTML (target <= 1.05)",
         ratio("long: Imprint PDF", "long: WeasyPrint on Imprint's HTML")),
        ("long EPUB again with Pandoc's answers kept / cold",
         ratio("long: Imprint EPUB again, Pandoc's answers kept (a template changed)", "long: Imprint EPUB")),
        ("long x2 / long, EPUB (target <= 2.1)", ratio("long x2: Imprint EPUB", "long: Imprint EPUB")),
        ("long x2 / long, PDF (target <= 2.1)", ratio("long x2: Imprint PDF", "long: Imprint PDF")),
        ("issue 100 / issue 50 (target <= 2.1)",
         ratio("issue 100: Imprint EPUB+PDF, articles and issue", "issue 50: Imprint EPUB+PDF, articles and issue")),
        ("50 articles, --jobs 1 / --jobs 2 (target >= 1.8)",
         ratio("50 articles: Imprint EPUB+PDF, --jobs 1", "50 articles: Imprint EPUB+PDF, --jobs 2")),
        ("math 250, drawn / as words (target <= 1.25)",
         ratio("math 250: Imprint EPUB+PDF, formulas drawn (empty cache)", "math 250 as words: Imprint EPUB+PDF")),
        ("math 250, cached / as words (target <= 1.25)",
         ratio("math 250: Imprint EPUB+PDF, formulas from the cache", "math 250 as words: Imprint EPUB+PDF")),
        ("50 articles, Dask LocalCluster / --jobs 2",
         ratio("50 articles: Imprint EPUB+PDF, Dask LocalCluster of 2 workers",
               "50 articles: Imprint EPUB+PDF, --jobs 2")),
        ("seed, nothing changed (target < 0.2 s)", f"{by['seed: Imprint, nothing changed'].time:.2f} s"
         if "seed: Imprint, nothing changed" in by else "-"),
        ("seed watch edit / cold build (target <= 0.5)",
         ratio("seed: watch, one-paragraph edit to PDF", "seed: Imprint cold build, every edition")),
    ]
    if "long: Imprint PDF" in by and "long: pandoc PDF" in by:
        checks.append(("long PDF peak memory / pandoc + WeasyPrint (target <= 1)",
                       f"{by['long: Imprint PDF'].peak / by['long: pandoc PDF'].peak:.2f}"))
    for label, value in checks:
        print(f"| {label} | {value} |" if markdown else f"{label:60} {value:>6}")


if __name__ == "__main__":
    main()
