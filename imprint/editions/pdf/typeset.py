"""WeasyPrint's part of a print edition: a job (print_job.py) typeset, checked,
written, here or in the press (press.py). Both give the same bytes.
"""

from __future__ import annotations

import base64
import logging
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pydyf

from ...errors import Problem, warn
from ...files import make_url_fetcher
from ..caches import build_cache
from .metadata import Metadata
from .job import Job, Result
from .weasy import weasyprint  # (with imprint/patches/ applied)


_last = build_cache()  # the latest layout, by its HTML: the print and archival editions share it
_pristine: dict[int, tuple[dict, object]] = {}  # what writing a variant may change in it


def typeset(job: Job) -> Result:
    document = _lay_out(job)
    if isinstance(document, Result):
        return document
    for problem in _cut_running_heads(document, job):
        warn(problem)
    problems = _overlong_notes(document, job)
    if problems:
        return Result(None, len(document.pages), tuple(problems))
    if job.expect_pages is not None and len(document.pages) != job.expect_pages:
        return Result(None, len(document.pages), (Problem(
            "styles/css", f"the print edition of {job.slug} has {len(document.pages)} pages, but its issue prints "
                          f"it on {job.expect_pages}",
            hint="a stylesheet lays the article out differently in its issue and on its own: keep what changes "
                 "the article's pages in print.css"),), style_problem=True)
    if not job.write:
        return Result(None, len(document.pages))
    # One layout, written as several variants (print, archive): WeasyPrint 70's
    # PDF/A writing adds the sRGB profile and output intent to the document
    # itself, which a later PDF/UA writing would carry. Each writing starts from
    # the layout as it was made.
    profiles, intent = _pristine[id(document)]
    document.color_profiles, document.output_intent = dict(profiles), intent
    document.metadata = Metadata.around(document.metadata, job.xmp)
    options = {"pdf_variant": job.variant, "pdf_tags": True}
    fetcher, _ = make_url_fetcher(*map(Path, job.roots))
    with quiet_weasyprint():
        if job.attachments:
            options["attachments"] = [weasyprint.Attachment(
                url=f"data:{a.media_type};base64,{base64.b64encode(a.data).decode()}", url_fetcher=fetcher,
                name=a.name, relationship="Data", description=a.description,
                created=_datetime(a.when), modified=_datetime(a.when)) for a in job.attachments]
        pdf = document.write_pdf(finisher=finisher(job.first_page), **options)
    return Result(pdf, len(document.pages))


def _lay_out(job: Job):
    if job.html in _last:
        return _last[job.html]
    fetcher, refused = make_url_fetcher(*map(Path, job.roots))
    try:
        with quiet_weasyprint():
            document = weasyprint.HTML(string=job.html, base_url=job.base_url, url_fetcher=fetcher).render()
    except refused as error:
        return Result(None, 0, (Problem(job.file, f"print edition: {error}"),))
    _last.clear()
    _last[job.html] = document
    _pristine.clear()
    _pristine[id(document)] = (dict(document.color_profiles), document.output_intent)
    return document


def _cut_running_heads(document, job: Job) -> list[Problem]:
    """A running head too long for its margin box is cut after a whole word
    (print.css: max-lines, block-ellipsis). Name the field it comes from, once."""
    problems, seen = [], set()
    for page in document.pages:
        for box in page._page_box.children:  # (RELIED_ON in imprint/patches)
            if type(box).__name__ != "MarginBox" or not any(
                    getattr(line, "block_ellipsis", "none") != "none" for line in _descendants(box)):
                continue
            shown = "".join(getattr(b, "text", "") for b in _descendants(box)).strip()
            for text, field, line in job.running_heads:
                if shown and text.startswith(shown) and text != shown and field not in seen:
                    seen.add(field)
                    hint = ("shorten short-title" if field == "short-title" else
                            "give a shorter form for the running heads in short-title" if field == "title" else
                            "shorten it")
                    problems.append(Problem(job.file, f"too long for the print edition's running head, which "
                                            f"shows only “{shown}…”", line=line, field=field,
                                            hint=hint))
    return problems


def _descendants(box) -> Iterator:
    for child in getattr(box, "children", ()):
        yield child
        yield from _descendants(child)


def _overlong_notes(document, job: Job) -> list[Problem]:
    """A note longer than a page cannot be placed: WeasyPrint then draws it up over
    the page's text and cuts its beginning off. Refuse that, naming the note."""
    problems = []
    for page in document.pages:
        page_box = page._page_box  # WeasyPrint 70.0's private layout: declared in imprint/patches (RELIED_ON)
        for area in page_box.children:
            if type(area).__name__ != "FootnoteAreaBox" or area.position_y >= page_box.content_box_y():
                continue
            for box in area.children:
                element = getattr(box, "element", None)
                found = job.notes.get(element.get("id")) if element is not None else None
                if found is not None:
                    line, number = found
                    problems.append(Problem(job.file, f"footnote {number} is too long to fit on a page", line=line,
                                            hint="shorten it, split it, or move part of it into the text"))
    return problems


def finisher(first_page: int = 1):
    """What WeasyPrint 70 leaves out of the file, added before it is written:
    the IDTree that structure elements with IDs need (ISO 32000-1, 14.7.2: our
    notes have IDs), page labels when the first page is not 1 (so that viewers
    show the printed numbers), and each associated file listed once."""

    def finish(document, pdf) -> None:
        _unique_associated_files(pdf)
        notes = pdf.__dict__.get("_imprint_note_elements", [])
        if notes:
            names = pydyf.Array()
            for note_id, element in sorted(notes, key=lambda n: n[0]):
                names.extend([pydyf.String(note_id), element.reference])
            reference = pdf.catalog["StructTreeRoot"]  # b"12 0 R": the object is pdf.objects[12]
            pdf.objects[int(bytes(reference).split()[0])]["IDTree"] = pydyf.Dictionary({"Names": names})
        if first_page != 1:
            pdf.catalog["PageLabels"] = pydyf.Dictionary({"Nums": pydyf.Array([
                0, pydyf.Dictionary({"S": "/D", "St": first_page})])})

    return finish


def _unique_associated_files(pdf) -> None:
    """WeasyPrint 70 lists each attachment twice in the catalog's /AF (from the name
    tree and from the file specification); once is what PDF/A-3 means."""
    if "AF" in pdf.catalog:
        seen, unique = set(), []
        for entry in pdf.catalog["AF"]:  # references, as bytes or str
            key = entry if isinstance(entry, (bytes, str)) else id(entry)
            if key not in seen:
                seen.add(key)
                unique.append(entry)
        pdf.catalog["AF"][:] = unique


def _datetime(text: str):
    from datetime import datetime

    return datetime.fromisoformat(text)


@contextmanager
def quiet_weasyprint() -> Iterator[None]:
    """WeasyPrint logs every CSS property it does not know at WARNING; keep the
    terminal quiet on success (errors still show)."""
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)
