"""Citation records: CSL-JSON, BibTeX (read back by Pandoc) and RIS, parsed."""

from __future__ import annotations

import json
import re
from pathlib import Path


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
    from ..body import pandoc

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
