"""Validators for the download site's pages (dist/index.html, dist/<slug>/index.html):
the Nu Html Checker (vnu) for HTML and CSS, axe-core in Chromium for accessibility and
for pages too wide for a phone. As in validators.py, a missing validator fails the test
that needs it (with what to run), it never skips it.

scripts/setup.sh test installs them: vnu.jar and axe-core into .tools/vnu (pinned by
scripts/vnu/package-lock.json), puppeteer-core with DAISY Ace into .tools/ace; Java,
Node.js and Chromium from Debian.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

from validators import REPO, _require

SITE_TOOLS = REPO / ".tools" / "vnu" / "node_modules"
VNU = SITE_TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_CORE = SITE_TOOLS / "axe-core" / "axe.min.js"
PUPPETEER = REPO / ".tools" / "ace" / "node_modules" / "puppeteer-core"
AXE_CHECK = Path(__file__).resolve().parent / "axe-check.js"

# vnu messages (exact text, as printed after "error: "/"warning: "/"info: ") that are
# noise we cannot avoid, each with why. Everything else vnu says is reported.
VNU_ALLOWED: dict[str, str] = {}

# axe rule ids that are noise we cannot avoid on these pages, each with why. Everything
# else axe finds (violations and "needs review" items) is reported.
AXE_ALLOWED: dict[str, str] = {}


def _name(path: Path) -> str:
    """How a page is named in problems: relative to the repository when inside it."""
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path)


def _pages(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """The pages that exist, and a problem for each that does not."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("no pages to check")
    missing = [f"{_name(p)}: no such file" for p in paths if not p.is_file()]
    return [p for p in paths if p.is_file()], missing


class _JsonLd(HTMLParser):
    """The JSON-LD blocks of a page, with the line each starts on."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[int, str]] = []
        self._open: int | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "script" and (dict(attrs).get("type") or "").strip().lower() == "application/ld+json":
            self._open = self.getpos()[0]
            self.blocks.append((self._open, ""))

    def handle_data(self, data):
        if self._open is not None:
            line, text = self.blocks[-1]
            self.blocks[-1] = (line, text + data)

    def handle_endtag(self, tag):
        if tag == "script":
            self._open = None


def _json_ld_problems(page: Path) -> list[str]:
    """vnu does not look inside <script type="application/ld+json">: that it parses."""
    if page.suffix.lower() not in (".html", ".htm", ".xhtml"):
        return []
    parser = _JsonLd()
    parser.feed(page.read_text(encoding="utf-8"))
    problems = []
    for line, text in parser.blocks:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            problems.append(f"{_name(page)}:{line + error.lineno - 1}: error: JSON-LD does not parse: {error.msg}")
            continue
        if not isinstance(data, (dict, list)):
            problems.append(f"{_name(page)}:{line}: error: JSON-LD is not an object or an array")
    return problems


def _vnu(java: str, files: list[Path], *options: str) -> list[str]:
    """One run of vnu over `files`, its messages as "file:line: severity: message"."""
    # JSON on stderr; with --verbose, the name of each file checked on stdout (given
    # several, vnu skips a missing one without a word).
    run = subprocess.run([java, "-jar", str(VNU), *options, "--format", "json", "--asciiquotes",
                          "--exit-zero-always", "--verbose", *map(str, files)],
                         capture_output=True, text=True, encoding="utf-8", timeout=300)
    start = run.stderr.find('{"version"')
    assert run.returncode == 0 and start >= 0, f"vnu did not run (exit {run.returncode}): {run.stdout}\n{run.stderr}"
    report, _ = json.JSONDecoder().raw_decode(run.stderr[start:])
    checked = {Path(line).resolve() for line in run.stdout.splitlines() if line.strip()}
    problems = [f"{_name(f)}: vnu did not check it" for f in files if f.resolve() not in checked]
    names = {f.resolve(): _name(f) for f in files}
    for message in report["messages"]:
        url = message.get("url", "")
        where = names.get(Path(unquote(urlparse(url).path)).resolve(), url) if url else "vnu"
        if "lastLine" in message:
            where += f":{message['lastLine']}"
        kind = message["type"]
        if kind == "info":
            severity = "warning" if message.get("subType") == "warning" else "info"
        elif kind == "error" and message.get("subType") == "fatal":
            severity = "fatal error"
        else:  # "error", or "non-document-error": the checker could not read the file
            severity = "error"
        if message["message"] in VNU_ALLOWED:
            continue
        problems.append(f"{where}: {severity}: {message['message']}")
    return problems


def html_problems(paths: list[Path]) -> list[str]:
    """The Nu Html Checker's errors, warnings and info messages for `paths` (pages, and
    stylesheets ending in .css), as "file:line: severity: message", with JSON-LD blocks
    that do not parse. One run of vnu for the pages, one for the stylesheets."""
    files, problems = _pages(paths)
    java = shutil.which("java")
    _require("Java (for the Nu Html Checker)", bool(java))
    _require("the Nu Html Checker (vnu.jar)", VNU.exists())
    pages = [f for f in files if f.suffix.lower() != ".css"]
    stylesheets = [f for f in files if f.suffix.lower() == ".css"]
    # Not one run with --also-check-css: with it, vnu 26.9.27 gives the line before the
    # right one for every message about a page.
    if pages:
        problems += _vnu(java, pages)
    if stylesheets:
        problems += _vnu(java, stylesheets, "--css")
    for page in pages:
        problems += _json_ld_problems(page)
    return problems


def axe_violations(paths: list[Path]) -> list[str]:
    """What axe-core finds in `paths` (WCAG 2.1 A and AA, best practice) at 360x640 (a
    phone) and 1280x800, and pages wider than the screen or failing to load a file, as
    readable lines: "page: rule (impact): target: what is wrong (at 360px, 1280px)"."""
    pages, problems = _pages(paths)
    node = shutil.which("node")
    chromium = shutil.which("chromium")
    _require("Node.js (for axe-core)", bool(node))
    _require("Chromium (for axe-core)", bool(chromium))
    _require("axe-core", AXE_CORE.exists())
    _require("puppeteer-core (with DAISY Ace)", PUPPETEER.exists())
    if not pages:
        return problems
    run = subprocess.run([node, str(AXE_CHECK), chromium, *map(str, pages)],
                         capture_output=True, text=True, encoding="utf-8", timeout=600)
    assert run.returncode == 0, f"axe-check.js failed (exit {run.returncode}): {run.stderr}"
    report = json.loads(run.stdout)
    found: dict[str, list[str]] = {}  # line -> the viewports it is found at

    def add(line: str, viewport: str) -> None:
        found.setdefault(line, []).append(viewport)

    names = {str(p): _name(p) for p in pages}
    for result in report["results"]:
        page, viewport = names[result["file"]], result["viewport"]
        for kind, rules in (("", result["violations"]), ("needs review: ", result["incomplete"])):
            for rule in rules:
                if rule["id"] in AXE_ALLOWED:
                    continue
                for node_ in rule["nodes"]:
                    impact = node_["impact"] or rule["impact"]
                    add(f"{page}: {kind}{rule['id']} ({impact}): {node_['target']}: {rule['help']}", viewport)
        if result["layoutWidth"] > result["viewportWidth"]:
            add(f"{page}: page is laid out {result['layoutWidth']}px wide at {viewport}, not to the screen's "
                f"width (no <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">?)", viewport)
        elif result["scrollWidth"] > result["layoutWidth"]:
            culprits = ", ".join(result["culprits"]) or "?"
            add(f"{page}: page overflows horizontally at {viewport} "
                f"(content {result['scrollWidth']}px wide; sticking out: {culprits})", viewport)
        for failure in result["loadFailures"]:
            add(f"{page}: could not load {failure}", viewport)
        for error in result["pageErrors"]:
            add(f"{page}: script error: {error}", viewport)
    for line, viewports in found.items():
        viewports = list(dict.fromkeys(viewports))
        if len(viewports) == 1 and f" at {viewports[0]}" in line:  # says where already
            problems.append(line)
        else:
            problems.append(f"{line} (at {' and '.join(viewports)})")
    return problems
