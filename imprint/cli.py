"""The command line: parse arguments, call one library function, map errors to exit codes.

Exit 0: success. Exit 2: bad input (the problems are listed, each with file, line
and field). Exit 1: a failure of Imprint itself.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from collections import Counter
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Iterator, Sequence, TextIO

from . import __version__
from .settings import ARTICLE_FILE, PAPER_NAMES, TIME_LIMIT, Settings, jobs_wanted
from .editions import DEFAULT, EDITIONS, mixes_print
from .patches import check_versions
from .errors import REPORT_TO, ImprintError, Problem, UsageError


def _command_first(argv: list[str]) -> list[str]:
    """The arguments with a command written after options (`-C DIR check`) moved
    first, as argparse wants it (it took the command for an article's name); a
    word that is an option's value (`-C check`) stays."""
    valued = {name for action in _parser("build")._actions if action.option_strings and action.nargs != 0
              for name in action.option_strings}
    for index, word in enumerate(argv):
        if word in COMMANDS and (index == 0 or argv[index - 1] not in valued):
            return [word, *argv[:index], *argv[index + 1:]]
    return argv


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] not in COMMANDS:  # (`publish.py -C DIR check`: the command after an option)
        argv = _command_first(argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")  # `publish.py` alone, or with build options, builds
    parser = _parser(argv[0] if argv[0] in COMMANDS else None)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on a usage error, 0 on --help
        return int(exit_.code or 0)
    debug = getattr(args, "debug", False)
    if os.environ.get("SOURCE_DATE_EPOCH") == "":
        # (exported empty, as CI systems do: unset, as the specification allows and
        # Settings reads it; fontTools and WeasyPrint read it themselves, int(''))
        del os.environ["SOURCE_DATE_EPOCH"]
    try:
        with _stopped_by_sigterm():
            check_versions()  # the dependencies Imprint patches are the versions it patches (imprint/patches/)
            return args.run(args)
    except ImprintError as error:
        if debug:
            raise
        _print_error(error)
        return error.exit_code
    except KeyboardInterrupt as stop:
        print(f"{'stopped (SIGTERM)' if isinstance(stop, Terminated) else 'interrupted'}; "
              "files already in dist/ are unchanged or complete; the next build makes the rest", file=sys.stderr)
        return 143 if isinstance(stop, Terminated) else 130
    except Exception as error:  # the last line of defence: never a bare traceback
        if debug:
            raise
        print(f"internal error: {type(error).__name__}: {error}\n"
              f"This is a fault in Imprint, not in your files. Please report it to {REPORT_TO}\n"
              f"with the command you ran; add --debug to see where it happened.", file=sys.stderr)
        return 1


class Terminated(KeyboardInterrupt):
    """SIGTERM (a CI job cancelled, a service stopped): handled as Ctrl+C is, so
    that the workers are stopped and nothing half-written is left."""


@contextmanager
def _stopped_by_sigterm() -> Iterator[None]:
    if threading.current_thread() is not threading.main_thread():  # (signals reach the main thread only)
        yield
        return

    def stop(signum, frame) -> None:
        raise Terminated()

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line. Only `command`'s options are declared (every command's
    when None): declaring them all took 7 ms of each run's start."""
    parser = argparse.ArgumentParser(
        prog="publish.py",
        description="Publish the articles in source/ as EPUB and PDF editions with citation files in dist/.",
        epilog="Run 'publish.py build --help' for the build options. Exit codes: 0 success, "
               "2 bad input, 1 internal failure.",
    )
    parser.add_argument("--version", action="version", version=f"Imprint {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="{" + ",".join(COMMANDS) + "}")
    for name, (help_text, description, declare) in _COMMANDS.items():
        sub = commands.add_parser(name, help=help_text, description=description)
        if command in (None, name):
            declare(sub)
    return parser


def _build_options(b: argparse.ArgumentParser) -> None:
    b.add_argument("articles", nargs="*", metavar="ARTICLE",
                   help="build only these articles or issues (folder names in source/); default: all")
    _edition_options(b)
    b.add_argument("--force", action="store_true",
                   help="rebuild everything, even what is up to date with its sources")
    _jobs_option(b, "articles built at once")
    b.add_argument("--executor", metavar="WHERE",
                   help="where articles are built: 'local' (worker processes on this machine, the default) or "
                        "dask://HOST:PORT (a Dask cluster's scheduler; default: $IMPRINT_EXECUTOR)")
    b.add_argument("--shard", metavar="K/N",
                   help="build only the K-th of N parts (for parallel CI jobs); then 'publish.py assemble'")
    b.add_argument("--timings", action="store_true", help="print how long each stage took")
    b.set_defaults(run=_run_build)


def _assemble_options(a: argparse.ArgumentParser) -> None:
    _edition_options(a)
    a.set_defaults(run=_run_assemble)


def _watch_options(w: argparse.ArgumentParser, serve: bool = False) -> None:
    _edition_options(w)
    if serve:
        w.add_argument("--port", type=int, default=8000, help="port on 127.0.0.1 (default 8000; 0: any free)")
    w.set_defaults(run=_run_watch, serve=serve)


def _check_options(c: argparse.ArgumentParser) -> None:
    c.add_argument("--strict", action="store_true", help="fail on warnings too")
    _jobs_option(c, "folders of dist/ checked at once (an article's files, an issue's, the site's)")
    c.add_argument("-o", "--out", metavar="DIR", help="the folder to check (default: dist/ in the project)")
    c.add_argument("-C", "--project", metavar="DIR", default=".", help="the project folder (default: the current one)")
    c.add_argument("--debug", action="store_true", help="show Python tracebacks")
    c.set_defaults(run=_run_check)


def _jobs_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("-j", "--jobs", type=int, metavar="N",
                        help=f"{what}, each in a process of its own (default: one per core)")


def _schema_options(s: argparse.ArgumentParser) -> None:
    s.add_argument("--write", metavar="DIR", nargs="?", const="schema",
                   help="write article.schema.json, publication.schema.json and issue.schema.json into DIR "
                        "(default: schema/)")
    s.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    s.set_defaults(run=_run_schema)


# Each command: its help in the list of commands, its description, and what declares its options.
_COMMANDS = {
    "build": ("build editions into dist/ (the default command)",
              "Build the editions of the articles in source/ into dist/. What is up to date with its sources "
              "(dist/.imprint/manifest.json) is not built again.", _build_options),
    "assemble": ("make the site's index and catalogue from parts built with --shard",
                 "After 'build --shard K/N' for K = 1..N, with the parts' dist/ folders copied into one: make the "
                 "site's index, catalogue and manifest, building no article again. Give the same options as the "
                 "parts.", _assemble_options),
    "watch": ("build, then build again whenever a file of source/ or styles/ changes",
              "Build, then build again whenever a file of source/ or styles/ changes.", _watch_options),
    "serve": ("watch, and serve dist/ on 127.0.0.1 with pages that reload after builds",
              "Watch, and serve dist/ on 127.0.0.1 with pages that reload after builds.",
              partial(_watch_options, serve=True)),
    "check": ("check what dist/ holds before it is distributed",
              "Check every file in dist/: EPUBs with EPUBCheck and DAISY Ace, PDFs (structure, tags, language, "
              "title, embedded fonts), citation files, the site's and the catalogue's links, files changed since "
              "the build. One report, the same whatever --jobs; exit code 2 if anything fails. Validators: "
              "./build.sh check.", _check_options),
    "schema": ("print or write the front matter JSON Schema",
               "Print the JSON Schema of article front matter, or write the schemas.", _schema_options),
}
COMMANDS = tuple(_COMMANDS)  # (in the order --help lists them)


def _edition_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-f", "--formats", metavar="LIST",
                        help="comma-separated editions and files to build: "
                        + ", ".join(f"{name} ({f.description})" for name, f in EDITIONS.items())
                        + f"; default: the publication's `editions`, else {','.join(DEFAULT)}")
    parser.add_argument("--paper", choices=PAPER_NAMES,
                        type=lambda v: {p.lower(): p for p in PAPER_NAMES}.get(v.lower(), v),
                        help="paper of the print editions, instead of the publication's")
    parser.add_argument("--booklet", action="store_true",
                        help="also impose each print edition built as a saddle-stitched booklet "
                             "(A5 pages two-up on A4, half-Letter on Letter)")
    parser.add_argument("--crop-marks", action="store_true", default=None,
                        help="crop marks (5 mm, 3.5 mm clear of the trim) and bleed on the print editions and "
                             "booklets, for a print shop")
    parser.add_argument("-o", "--out", metavar="DIR", help="output folder (default: dist/ in the project)")
    parser.add_argument("-C", "--project", metavar="DIR", default=".",
                        help="the project folder holding source/ and styles/ (default: the current folder)")
    parser.add_argument("--time-limit", type=float, metavar="SECONDS", default=TIME_LIMIT,
                        help="stop rendering an article or issue that takes longer than this "
                             f"(default: {TIME_LIMIT:g})")
    parser.add_argument("--strict", action="store_true",
                        help="confinement for projects you did not write (a build service): refuse any file of "
                             "the project that has more than one name (a hard link may lead outside it)")
    parser.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    parser.add_argument("--debug", action="store_true", help="show Python tracebacks")


def _settings(args: argparse.Namespace, **more) -> Settings:
    formats = None
    if args.formats is not None:
        formats = tuple(f.strip().lower().lstrip(".") for f in args.formats.split(",") if f.strip())
        if not formats:
            raise UsageError("--formats needs at least one format")
    project = Path(args.project)
    if not project.is_dir():
        raise UsageError(f"the project folder {project} does not exist")
    return Settings.for_project(project, dist_dir=args.out, formats=formats, paper=args.paper,
                                booklet=args.booklet or None, crop_marks=args.crop_marks,
                                time_limit=args.time_limit, strict=args.strict, **more)


def _run_build(args: argparse.Namespace) -> int:
    settings = _settings(args, articles=tuple(args.articles), force=args.force, jobs=args.jobs, shard=args.shard,
                         executor=args.executor)
    started = time.perf_counter()
    from .building.incremental import up_to_date

    # Quick: nothing heavy is loaded for it (--strict: the project's files are looked at first, by the build).
    current = None if settings.strict else up_to_date(settings)
    if current is not None:
        if not args.quiet:
            print(f"everything is up to date ({_count(current, 'article or issue', 'articles and issues')}); "
                  f"--force builds it all again")
        return 0
    from .building.executor import LocalPool, open_executor
    from .editions import rendering_modules

    formats = settings.formats or DEFAULT  # (or fewer: the publication's editions)
    workers, articles = _workers(settings, args.articles, formats)
    # Each worker loads what rendering needs as it starts; an article built in two
    # parts, one worker what reading it needs, the other WeasyPrint alone (building/handoff.py).
    executor = open_executor(settings.executor, workers,
                             rendering_modules(formats, parts=articles < workers and mixes_print(formats)),
                             settings.root)
    try:
        if isinstance(executor, LocalPool):
            executor.warm_up()  # its workers load what rendering needs while this process reads the sources
        from .pipeline import build

        with _Progress(enabled=not args.quiet and sys.stderr.isatty()) as progress:
            report = build(settings, progress, executor)
    finally:
        executor.close(wait=False)  # (stopped while this process ends: not waited for)
    return _finish(report, args, started)


def _workers(settings: Settings, articles: Sequence[str], formats: Sequence[str]) -> tuple[int, int]:
    """No more local workers than the build can keep busy: one per article (two
    for one that is split in its print editions and the rest), counted from
    source/'s folders before anything is read: a worker started for nothing
    would take a core's share while the others load. (The workers, the articles.)"""
    count = len(articles) or len(list(settings.source_dir.glob(f"*/{ARTICLE_FILE}"))) or 1
    return max(1, min(settings.jobs, count * (2 if mixes_print(formats) else 1))), count


def _run_assemble(args: argparse.Namespace) -> int:
    settings = _settings(args)
    started = time.perf_counter()
    from .pipeline import assemble

    return _finish(assemble(settings), args, started)


def _run_watch(args: argparse.Namespace) -> int:
    from .building.watch import Watcher, start_server

    settings = _settings(args)

    def said(report, seconds: float) -> None:
        stamp = time.strftime("%H:%M:%S")
        _print_warnings(report.warnings)
        if report.problems:
            _print_problems(report.problems)
        elif report.outputs:
            built = ", ".join(report.articles + report.issues) or "the site"
            print(f"{stamp} built {built}: {_count(len(report.outputs), 'file')} in {seconds:.2f} s", flush=True)
        else:
            print(f"{stamp} up to date", flush=True)

    watcher = Watcher(settings, said)
    server = None
    if args.serve:
        server, address = start_server(watcher, args.port)
        print(f"serving {settings.dist_dir} at {address} (Ctrl+C stops)", flush=True)
    else:
        print(f"watching {settings.source_dir} and {settings.styles_dir} (Ctrl+C stops)", flush=True)
    try:
        watcher.run(threading.Event())
    except KeyboardInterrupt as stop:  # Ctrl+C: how a watch ends; SIGTERM is said as a build says it (main)
        if isinstance(stop, Terminated):
            raise
        return 0
    finally:
        if server is not None:
            server.shutdown()
    return 0


def _finish(report, args: argparse.Namespace, started: float) -> int:
    if not args.quiet:
        _print_summary(report, time.perf_counter() - started)
    _print_warnings(report.warnings)
    if getattr(args, "timings", False):
        _print_timings(report)
    if report.problems:
        _print_problems(report.problems)
        return 2
    return 0


def _run_check(args: argparse.Namespace) -> int:
    from .conformance import check

    jobs = jobs_wanted(args.jobs)
    dist = Path(args.out) if args.out else Path(args.project) / "dist"
    started = time.perf_counter()
    with _Progress(enabled=sys.stderr.isatty()) as progress:
        report = check(dist.resolve(), jobs=jobs, progress=progress)
    kinds = Counter(Path(name).suffix.lstrip(".") for name in report.checked)
    counted = ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    print(f"checked {_count(len(report.checked), 'file')} in {dist} ({counted or 'nothing'}) "
          f"in {time.perf_counter() - started:.1f} s")
    for finding in report.findings:
        print(f"{finding.level}: {finding.path}: {finding.message}", file=sys.stderr)
    errors = sum(f.level == "error" for f in report.findings)
    warnings = len(report.findings) - errors
    verdict = "FAILS" if report.failed(args.strict) else "passes"
    print(f"{dist} {verdict}: {_count(errors, 'error')}, {_count(warnings, 'warning')}"
          + (" (--strict: warnings fail)" if args.strict and warnings else ""),
          file=sys.stderr if verdict == "FAILS" else sys.stdout)
    return 2 if report.failed(args.strict) else 0


def _run_schema(args: argparse.Namespace) -> int:
    from .source import schema

    if args.write is None:
        sys.stdout.write(schema.dump(schema.article_schema()))
        return 0
    folder = Path(args.write)
    for name, make in schema.PUBLISHED.items():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(schema.dump(make()), encoding="utf-8")
        except OSError as error:
            raise UsageError(f"cannot write {folder / name}: {error.strerror or error}") from None
        print(f"wrote {folder / name}")
    return 0


class _Progress:
    """A line on the terminal that says how far a long build has got (not when the
    output goes to a file or a pipe, as in CI)."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.shown = False

    def __call__(self, name: str, done: int, total: int) -> None:
        if self.enabled and total > 1:
            sys.stderr.write(f"\r\033[K[{done}/{total}] {name}")
            sys.stderr.flush()
            self.shown = True

    def __enter__(self) -> "_Progress":
        return self

    def __exit__(self, *exc) -> None:
        if self.shown:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _print_timings(report) -> None:
    total = sum(report.seconds.values()) or 1
    print("time per stage (the stages of articles built at once add up beyond the wall time):")
    for stage, seconds in sorted(report.seconds.items(), key=lambda item: -item[1]):
        print(f"  {stage:<12} {seconds:7.2f} s  {100 * seconds / total:4.0f} %")


def _print_summary(report, seconds: float) -> None:
    for output in report.outputs:
        shown = output.path.relative_to(Path.cwd()) if output.path.is_relative_to(Path.cwd()) else output.path
        print(f"  {str(shown):<56} {_size(output.size):>9}")
    for note in report.notes:
        print(f"note: {note}")
    built = [_count(len(report.articles), "article")] + ([_count(len(report.issues), "issue")] if report.issues else [])
    kept = f"; {len(report.up_to_date)} up to date" if report.up_to_date else ""
    print(f"{_count(len(report.outputs), 'file')} for {' and '.join(built)}{kept} in {seconds:.1f} s")


def _count(number: int, noun: str, plural: str | None = None) -> str:
    return f"{number} {noun if number == 1 else plural or noun + 's'}"


def _size(size: int) -> str:
    return f"{size} B" if size < 1000 else f"{size / 1000:.1f} kB" if size < 1_000_000 else f"{size / 1e6:.1f} MB"


def _color(text: str, stream: TextIO, yellow: bool = False) -> str:
    if os.environ.get("NO_COLOR") or not stream.isatty():
        return text
    return f"\033[1;{33 if yellow else 31}m{text}\033[0m"


def _print_warnings(warnings: Sequence[Problem]) -> None:
    """What was built with a caveat (something left out, or not typeset as written):
    printed even with --quiet, since it may be a loss the editor must know of."""
    for warning in warnings:
        print(f"{_color('warning', sys.stderr, yellow=True)}: {warning}", file=sys.stderr)


def _print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        print(f"{_color('error', sys.stderr)}: {problem}", file=sys.stderr)
    count = len(problems)
    print(f"{count} problem{'s' if count != 1 else ''}: fix {'them' if count != 1 else 'it'} and run again; "
          "the files of the articles concerned in dist/ were left as they were.", file=sys.stderr)


def _print_error(error: ImprintError) -> None:
    problems = getattr(error, "problems", None)
    if problems:
        _print_problems(problems)
    else:
        print(f"{_color('error', sys.stderr)}: {error}", file=sys.stderr)
