"""`publish.py check`: green on everything source/ builds, and it finds what is
wrong with a dist/ that was damaged, in every kind of file, in one report."""

from __future__ import annotations

import shutil
import zipfile

import pikepdf
import pytest

from imprint.cli import main
from imprint.conformance import check


@pytest.mark.slow
def test_check_passes_what_the_seed_builds(seed, capsys):
    code = main(["check", "-C", str(seed.root), "--strict"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "epub" in out and "pdf" in out and "passes: 0 errors, 0 warnings" in out
    kinds = {name.rsplit(".", 1)[-1] for name in check(seed.root / "dist", tools=False).checked}
    assert kinds >= {"epub", "pdf", "json", "bib", "ris", "html", "xml"}


@pytest.mark.slow
def test_check_passes_an_issue_and_its_site(issue):
    report = check(issue.root / "dist", tools=False)  # EPUBCheck and Ace on these: test_epub.py
    assert not report.findings, report.findings
    assert len([n for n in report.checked if n.endswith(".pdf")]) >= 4


@pytest.mark.slow
def test_check_finds_every_kind_of_damage(seed, tmp_path, capsys):
    dist = tmp_path / "dist"
    shutil.copytree(seed.root / "dist", dist)
    slug = seed.slug
    folder = dist / slug
    (folder / f"{slug}.json").write_text("[{\"id\": \"x\"")  # cut short
    ris = folder / f"{slug}.ris"
    ris.write_text(ris.read_text().replace("ER  -", ""))
    bib = folder / f"{slug}.bib"
    bib.write_text(bib.read_text() + "\n")  # still valid: only changed since the build
    (folder / "cover-thumbnail.jpg").unlink()  # the landing page shows it
    (dist / "site.css").unlink()  # every page links to it
    cut = folder / f"{slug}.pdf"
    cut.write_bytes(cut.read_bytes()[:5000])
    untagged = pikepdf.new()  # a PDF made elsewhere: no tags, no title, a font not embedded
    untagged.add_blank_page()
    untagged.pages[0].Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica)))
    untagged.save(folder / "handout-from-elsewhere.pdf")
    epub = folder / f"{slug}.epub"
    with zipfile.ZipFile(epub) as source, zipfile.ZipFile(tmp_path / "broken.epub", "w") as target:
        for info in source.infolist():
            if not info.filename.endswith("nav.xhtml"):
                target.writestr(info, source.read(info))
    shutil.copy(tmp_path / "broken.epub", epub)

    code = main(["check", "-o", str(dist)])
    out, err = capsys.readouterr()
    assert code == 2
    expected = [
        f"error: {slug}/{slug}.json: not CSL-JSON",
        f"error: {slug}/{slug}.ris: RIS: a record must begin with TY and end with ER",
        f'error: {slug}/index.html: <img src="cover-thumbnail.jpg">: no such file in dist/',
        'error: index.html: <link href="site.css">: no such file in dist/',
        f"error: {slug}/{slug}.pdf: ",
        f"error: {slug}/handout-from-elsewhere.pdf: not a tagged PDF",
        f"error: {slug}/handout-from-elsewhere.pdf: font not embedded: Helvetica",
        f"error: {slug}/handout-from-elsewhere.pdf: no title in the XMP metadata",
        f"error: {slug}/{slug}.epub: EPUBCheck ",
        f"error: {slug}/{slug}.bib: changed since the build made it",
        f"error: {slug}/{slug}.epub: changed since the build made it",
    ]
    for line in expected:
        assert line in err, f"{line!r} not in\n{err}"
    assert f"warning: {slug}/cover-thumbnail.jpg: listed by the build but missing from dist/" in err
    assert "FAILS" in err


def test_check_strict_fails_on_warnings_alone(seed, tmp_path, capsys):
    dist = tmp_path / "dist"
    shutil.copytree(seed.root / "dist", dist)
    (dist / seed.slug / "notes.txt").write_text("put here by hand")  # (not made by the build: a warning)
    assert check(dist, tools=False).failed(strict=False) is False
    assert check(dist, tools=False).failed(strict=True) is True


def test_check_fails_a_damaged_epub_and_a_changed_file(seed, tmp_path):
    """An EPUB with an entry that fails its CRC (EPUBCheck passed it), and a file
    the build did not make as it is, passed `check` with warnings (QA 20)."""
    dist = tmp_path / "dist"
    shutil.copytree(seed.root / "dist", dist)
    epub = dist / seed.slug / f"{seed.slug}.epub"
    data = bytearray(epub.read_bytes())
    with zipfile.ZipFile(epub) as archive:
        stored = next(i for i in archive.infolist() if i.compress_type == zipfile.ZIP_STORED and i.file_size > 100)
    data[stored.header_offset + 30 + len(stored.filename) + 50] ^= 0xFF  # (a byte of a stored entry)
    epub.write_bytes(bytes(data))
    report = check(dist, tools=False)
    found = [(f.path, f.level, f.message) for f in report.findings if f.path.endswith(".epub")]
    assert (f"{seed.slug}/{seed.slug}.epub", "error", f"the ZIP file is damaged: {stored.filename} fails its CRC "
                                                       "check") in found
    assert (f"{seed.slug}/{seed.slug}.epub", "error", "changed since the build made it") in found
    assert report.failed(strict=False)


def test_check_without_a_dist_says_to_build(tmp_path, capsys):
    assert main(["check", "-C", str(tmp_path)]) == 2
    assert "there is no dist/ folder: build first" in capsys.readouterr().err


@pytest.mark.slow  # (seconds: out of the quick loop)
def test_check_takes_booklets_for_print_files_and_finds_leftovers(editions, tmp_path):
    report = check(editions.root / "dist", tools=False)
    assert not [f for f in report.findings if f.level == "error"], report.findings
    booklets = [f for f in report.findings if "booklet" in f.path]
    assert booklets and all("imposed for printing" in f.message for f in booklets)
    assert len(report.findings) == len(booklets)
    dist = tmp_path / "dist"
    shutil.copytree(editions.root / "dist", dist)
    (dist / editions.slug / "old-edition.pdf").write_bytes((dist / editions.slug / f"{editions.slug}.pdf").read_bytes())
    leftovers = [f for f in check(dist, tools=False).findings if "not made by the last build" in f.message]
    assert [f.path for f in leftovers] == [f"{editions.slug}/old-edition.pdf"]
