"""PDFs: qpdf's syntax check (through pikepdf), and what PDF/UA and PDF/A need."""

from __future__ import annotations

from pathlib import Path


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
