"""The command line: parse arguments, call one library function, map errors to exit codes.

Exit 0: success. Exit 2: bad input (the problems are listed, each with file, line
and field). Exit 1: a failure of Imprint itself.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Sequence, TextIO

from . import __version__, schema
from .config import DEFAULT_FORMATS, FORMATS, PAPER_NAMES, Settings
from .errors import REPORT_TO, ImprintError, Problem, UsageError
from .pipeline import BuildReport, build

COMMANDS = ("build", "schema")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0] not in COMMANDS and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "build")  # `publish.py` alone, or with build options, builds
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:  # argparse exits 2 on a usage error, 0 on --help
        return int(exit_.code or 0)
    debug = getattr(args, "debug", False)
    try:
        return args.run(args)
    except ImprintError as error:
        if debug:
            raise
        _print_error(error)
        return error.exit_code
    except KeyboardInterrupt:
        print("interrupted; files already in dist/ are unchanged or complete", file=sys.stderr)
        return 130
    except Exception as error:  # the last line of defence: never a bare traceback
        if debug:
            raise
        print(f"internal error: {type(error).__name__}: {error}\n"
              f"This is a fault in Imprint, not in your files. Please report it to {REPORT_TO}\n"
              f"with the command you ran; add --debug to see where it happened.", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="publish.py",
        description="Publish the articles in source/ as EPUB and PDF editions with citation files in dist/.",
        epilog="Run 'publish.py build --help' for the build options. Exit codes: 0 success, "
               "2 bad input, 1 internal failure.",
    )
    parser.add_argument("--version", action="version", version=f"Imprint {__version__}")
    commands = parser.add_subparsers(title="commands", metavar="{build,schema}")

    b = commands.add_parser("build", help="build editions into dist/ (the default command)",
                            description="Build the editions of the articles in source/ into dist/.")
    b.add_argument("articles", nargs="*", metavar="ARTICLE",
                   help="build only these articles (folder names in source/); default: all")
    b.add_argument("-f", "--formats", metavar="LIST",
                   help="comma-separated editions and files to build: "
                   + ", ".join(f"{name} ({f.description})" for name, f in FORMATS.items())
                   + f"; default: the publication's `editions`, else {','.join(DEFAULT_FORMATS)}")
    b.add_argument("--paper", choices=PAPER_NAMES, type=lambda v: {p.lower(): p for p in PAPER_NAMES}.get(v.lower(), v),
                   help="paper of the print editions, instead of the publication's")
    b.add_argument("--booklet", action="store_true",
                   help="also impose each print edition built as a saddle-stitched booklet "
                        "(A5 pages two-up on A4, half-Letter on Letter)")
    b.add_argument("--crop-marks", action="store_true", default=None,
                   help="crop marks and 3 mm bleed on the print editions, for a print shop")
    b.add_argument("-o", "--out", metavar="DIR", help="output folder (default: dist/ in the project)")
    b.add_argument("-C", "--project", metavar="DIR", default=".",
                   help="the project folder holding source/ and styles/ (default: the current folder)")
    b.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    b.add_argument("--debug", action="store_true", help="show Python tracebacks")
    b.set_defaults(run=_run_build)

    s = commands.add_parser("schema", help="print or write the front matter JSON Schema",
                            description="Print the JSON Schema of article front matter, or write both schemas.")
    s.add_argument("--write", metavar="DIR", nargs="?", const="schema",
                   help="write article.schema.json and publication.schema.json into DIR (default: schema/)")
    s.add_argument("--debug", action="store_true", help=argparse.SUPPRESS)
    s.set_defaults(run=_run_schema)
    return parser


def _run_build(args: argparse.Namespace) -> int:
    formats = None
    if args.formats is not None:
        formats = tuple(f.strip().lower().lstrip(".") for f in args.formats.split(",") if f.strip())
        if not formats:
            raise UsageError("--formats needs at least one format")
    project = Path(args.project)
    if not project.is_dir():
        raise UsageError(f"the project folder {project} does not exist")
    settings = Settings.for_project(project, dist_dir=args.out, formats=formats, articles=tuple(args.articles),
                                    paper=args.paper, booklet=args.booklet or None, crop_marks=args.crop_marks)
    started = time.perf_counter()
    report = build(settings)
    if not args.quiet:
        _print_summary(report, settings, time.perf_counter() - started)
    if report.problems:
        _print_problems(report.problems)
        return 2
    return 0


def _run_schema(args: argparse.Namespace) -> int:
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


def _print_summary(report: BuildReport, settings: Settings, seconds: float) -> None:
    for output in report.outputs:
        try:
            shown = output.path.relative_to(Path.cwd())
        except ValueError:
            shown = output.path
        print(f"  {str(shown):<56} {_size(output.size):>9}")
    for note in report.notes:
        print(f"note: {note}")
    built = [_count(len(report.articles), "article")] + ([_count(len(report.issues), "issue")] if report.issues else [])
    print(f"{_count(len(report.outputs), 'file')} for {' and '.join(built)} in {seconds:.1f} s")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"


def _size(size: int) -> str:
    return f"{size} B" if size < 1000 else f"{size / 1000:.1f} kB" if size < 1_000_000 else f"{size / 1e6:.1f} MB"


def _color(text: str, stream: TextIO) -> str:
    if os.environ.get("NO_COLOR") or not stream.isatty():
        return text
    return f"\033[1;31m{text}\033[0m"


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
