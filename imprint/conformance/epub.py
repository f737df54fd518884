"""EPUBs: whole ZIP files, then EPUBCheck and DAISY Ace (validators.py runs them)."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from .validators import ace_report, epubcheck_report


def check_epub(path: Path, dist: Path, work: Path, tools: bool):
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
    return epubcheck_report(epub, work)["messages"]


def ace(epub: Path, work: Path) -> list[str]:
    """DAISY Ace's violations for `epub`, as readable lines."""
    data = ace_report(epub, work)
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
