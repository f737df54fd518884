"""Nothing printed as source, nothing lost in silence: the Markdown corpus.

The requirement: every construct of Pandoc's Markdown renders in both editions, or
gets a warning with file and line. One realistic document per construct family
(tests/cases/markdown/<family>/) is built into an EPUB and a PDF once, then:

- no left-over source markup in the EPUB's text nor in the PDF's (poppler), beyond
  what `pandoc -t plain` of the same body leaves (tests/corpus.py: LEFTOVER);
- every word of `pandoc -t plain`'s rendering of the body is in both editions
  (tests/corpus.py: how the reference is made and how words are normalised; math,
  checked formula by formula, and executable cells, never run, are the named exceptions);
- EPUBCheck 0/0 and DAISY Ace 0 violations (marked slow);
- the warnings of each case pinned in expected-warnings.txt (IMPRINT_REGEN=1
  rewrites them) and, independently of their wording, each on the line of a
  construct that must be warned about;
- structural checks that follow from the requirement, per family.

The checkers are tested too: fed a bad text, each must complain.
"""

from __future__ import annotations

import re
import traceback
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pikepdf
import pytest
from lxml import etree

import corpus
from conftest import make_project
from corpus import FAMILIES, Case, X
from golden import check
from imprint import build
from imprint.settings import Settings
from pdfread import pages_text, words as pdf_word_boxes
from validators import ace, epubcheck

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
EDITIONS = ("epub", "pdf")

# The validators take seconds a case: `-m "not slow"` leaves them out. The marker
# belongs in the project's pytest settings (pyproject.toml, [tool.pytest.ini_options]
# markers), which this module does not own.
slow = pytest.mark.slow

# Styles added to the test project's own copy of styles/ for the families whose ids
# and classes must reach the print HTML: the PDF shows the word iff the selector
# matched (a PDF keeps no classes to look at).
STYLE_HOOKS = {
    "divs-and-callouts": "#box-provenance::before { content: 'Zqdivid '; }\n"
                         ".findings::before { content: 'Zqdivclass '; }\n",
    "spans-and-inline": "#place-koshagach::before { content: 'Zqspanid '; }\n"
                        ".toponym::after { content: ' Zqspanclass'; }\n",
}


# ---------------------------------------------------------------- building

@dataclass
class Outcome:
    """A corpus case built once into both editions (or why it could not be)."""

    case: Case
    root: Path
    error: str | None = None
    warnings: list | None = None  # BuildReport.warnings: list[Problem]
    work: Path = field(default=Path("."))

    def require(self) -> "Outcome":
        if self.error:
            pytest.fail(f"{self.case.family}: {self.error}", pytrace=False)
        return self

    def file(self, edition: str) -> Path:
        self.require()
        return self.root / "dist" / self.case.family / f"{self.case.family}.{edition}"

    @cached_property
    def docs(self) -> dict[str, etree._Element]:
        return corpus.epub_documents(self.file("epub"))

    @cached_property
    def pdf_pages(self) -> list[str]:
        return pages_text(self.file("pdf"))

    @cached_property
    def css(self) -> str:
        """Every stylesheet of the EPUB."""
        with zipfile.ZipFile(self.file("epub")) as archive:
            return "\n".join(archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".css"))

    def text(self, edition: str) -> str:
        """The edition's text, without its formulas (corpus.py: checked each on its own)."""
        if edition == "epub":
            return "\n".join(corpus.xhtml_text(root) for root in self.docs.values())
        text = "\n".join(self.pdf_pages)
        for form in self.formula_texts:  # (each formula's glyph copies as its text form)
            text = re.sub(rf"(?<!\w){re.escape(form)}(?!\w)", " ", text)
        return text

    @cached_property
    def formula_texts(self) -> list[str]:
        """Each formula's text form, as its MathML in the EPUB has it, longest first."""
        forms = {e.text for root in self.docs.values()
                 for e in root.iter("{http://www.w3.org/1998/Math/MathML}annotation")
                 if e.get("encoding") == "text/plain" and e.text and not e.text.startswith("$")}
        return sorted(forms, key=len, reverse=True)

    @cached_property
    def plain(self) -> str:
        return self.case.plain(self.work / "pandoc")

    def elements(self, nav: bool = False):
        """Every element of the content documents (and of the navigation document if `nav`)."""
        for name, root in self.docs.items():
            if nav or root.find(f".//{X}nav") is None:
                for element in root.iter(f"{X}*"):
                    yield name, element

    def by_id(self, ident: str) -> etree._Element:
        found = [e for _, e in self.elements() if e.get("id") == ident]
        assert len(found) == 1, f"{len(found)} elements with id {ident!r} in the EPUB"
        return found[0]

    def containing(self, phrase: str, tags: tuple[str, ...] = ()) -> list[etree._Element]:
        """The innermost elements (of these tags, if given) whose text has the phrase."""
        hits = [e for _, e in self.elements() if phrase in flat(e) and (not tags or local(e) in tags)]
        found = set(hits)
        return [e for e in hits if not any(c in found for c in e.iter(f"{X}*") if c is not e)]


class Builds:
    def __init__(self, where: Path):
        self.where, self.done = where, {}

    def __call__(self, family: str) -> Outcome:
        if family not in self.done:
            self.done[family] = self._build(Case(family))
        return self.done[family]

    def _build(self, case: Case) -> Outcome:
        root = self.where / case.family
        outcome = Outcome(case, root, work=self.where / f"{case.family}-work")
        make_project(root, case.source)
        if case.family in STYLE_HOOKS:
            sheet = root / "styles" / "css" / "print.css"
            assert sheet.exists(), "the print stylesheet styles/css/print.css is gone: update STYLE_HOOKS"
            sheet.write_text(sheet.read_text(encoding="utf-8") + "\n" + STYLE_HOOKS[case.family], encoding="utf-8")
        try:
            report = build(Settings.for_project(root, environ={}, formats=EDITIONS))
        except Exception:  # reported by every test of the case, traceback and all
            outcome.error = "the build raised:\n" + traceback.format_exc()
            return outcome
        if not report.ok:
            outcome.error = "the build reported problems:\n" + "\n".join(str(p) for p in report.problems)
        outcome.warnings = getattr(report, "warnings", None)
        return outcome


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> Builds:
    return Builds(tmp_path_factory.mktemp("markdown-corpus"))


def local(element) -> str:
    return etree.QName(element).localname


def flat(element) -> str:
    return " ".join("".join(element.itertext()).split())


def classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def squeeze(text: str) -> str:
    return " ".join(text.replace("\u2060", "").replace("\u00a0", " ").replace("\u202f", " ").split())


# ---------------------------------------------------------------- every case

@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("family", FAMILIES)
def test_no_leftover_source_markup(family, edition, builds):
    outcome = builds(family).require()
    text = outcome.text(edition)
    joined = corpus.joined_lines(text) if edition == "pdf" else None
    found = corpus.leftovers(text, outcome.plain, joined)
    assert not found, f"{family}, {edition}: source markup left in the text:\n" + "\n".join(found)


@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("family", FAMILIES)
def test_every_word_of_pandocs_rendering(family, edition, builds):
    """Nothing lost in silence. The named exceptions (tests/corpus.py builds the
    reference): math is checked formula by formula instead (below); executable cells
    are expected as their code without #| lines, and with no output (never run);
    cross-references and list numbers are checked structurally instead."""
    outcome = builds(family).require()
    text = outcome.text(edition)
    found = corpus.pdf_words(text) if edition == "pdf" else corpus.words(text)
    missing = corpus.missing_words(outcome.plain, found)
    assert not missing, (f"{family}, {edition}: {len(missing)} words of `pandoc -t plain` missing: "
                         f"{' '.join(missing)}")


@slow
@pytest.mark.parametrize("family", FAMILIES)
def test_epubcheck(family, builds, tmp_path):
    messages = epubcheck(builds(family).file("epub"), tmp_path)
    assert messages == [], messages


@slow
@pytest.mark.parametrize("family", FAMILIES)
def test_ace(family, builds, tmp_path):
    assert ace(builds(family).file("epub"), tmp_path) == []


def require_warnings(outcome: Outcome) -> list:
    outcome.require()
    if outcome.warnings is None:
        pytest.fail("BuildReport has no `warnings` (list[Problem]) yet", pytrace=False)
    return outcome.warnings


@pytest.mark.parametrize("family", FAMILIES)
def test_warnings_are_pinned(family, builds):
    warnings = require_warnings(builds(family))
    check(Case(family).folder / "expected-warnings.txt", "".join(f"{w}\n" for w in warnings))


def raw_fence_lines(lines: list[str], span: range) -> range:
    """A raw block's lines with its fences (```{=latex} ... ```), when it has them."""
    before, after = span.start - 1, span.stop
    if before >= 1 and re.match(r"^\s*(`{3,}|~{3,})\s*\{=\w+\}\s*$", lines[before - 1]) \
            and after <= len(lines) and re.match(r"^\s*(`{3,}|~{3,})\s*$", lines[after - 1]):
        return range(before, after + 1)
    return span


def must_warn(case: Case) -> tuple[list[tuple[str, set[int]]], set[int], list[tuple[str, set[int]]]]:
    """What the requirement says must be warned about, each with the lines a warning
    about it may name; the lines where a warning is allowed besides (raw HTML, which
    stays escaped, as today, with or without a warning); and every construct's
    source text with its lines (a warning that quotes it must name one of them)."""
    lines = case.source_lines()
    must: list[tuple[str, set[int]]] = []
    may: set[int] = set()
    quoted: list[tuple[str, set[int]]] = []
    body_lines = case.body.splitlines()
    for n, language in corpus.executable_cells(case.body):
        fence = re.match(r"`+", body_lines[n - 1]).group(0)
        end = next(i for i in range(n + 1, len(body_lines) + 1) if body_lines[i - 1].strip() == fence)
        first = case.body_line + n - 1
        must.append((f"executable cell {{{language}}}", set(range(first, first + end - n + 1))))
    nodes = list(corpus.walk(case.ast(), "RawInline", "RawBlock"))
    snippets = [node["c"][1] for node in nodes]
    for node, snippet, span in zip(nodes, snippets, corpus.locate(case.body, snippets, case.body_line)):
        span = set(raw_fence_lines(lines, span))
        quoted.append((snippet.strip().splitlines()[0][:20], span))
        if node["c"][0] in ("tex", "latex") and not re.fullmatch(r"\\(eq)?ref\{[^{}]+\}", node["c"][1].strip()):
            must.append((f"raw {node['c'][0]} {node['c'][1][:30]!r}", span))  # (\\eqref is a link)
        else:
            may.update(span)
    return must, may, quoted


@pytest.mark.parametrize("family", FAMILIES)
def test_warnings_name_the_lines_of_their_constructs(family, builds):
    case = Case(family)
    warnings = require_warnings(builds(family))
    must, may, quoted = must_warn(case)
    elsewhere = [str(w) for w in warnings if w.file != case.rel_article or w.line is None]
    named = {w.line for w in warnings}
    silent = [f"{what} (lines {min(span)}-{max(span)})" for what, span in must if not named & span]
    allowed = may.union(*(span for _, span in must))
    stray = [str(w) for w in warnings if w.line not in allowed]
    misplaced = [str(w) for w in warnings
                 if any(len(text) >= 4 and text in w.message for text, _ in quoted)
                 and not any(w.line in span for text, span in quoted if len(text) >= 4 and text in w.message)]
    assert not (elsewhere or silent or stray or misplaced), (
        f"{family}: warnings without {case.rel_article} and a line: {elsewhere}; "
        f"constructs nobody warned about: {silent}; warnings on lines with nothing to warn about: {stray}; "
        f"warnings that quote a construct but name another line: {misplaced}")


# ---------------------------------------------------------------- divs and callouts

# (class, title or None, a phrase of its text, ARIA roles that fit it, a word inside,
# a word of a neighbouring paragraph outside)
CALLOUTS = [
    ("callout-note", "On the counting of hands", "recognisably distinct writer", {"note"}, "ink", "Some"),
    ("callout-tip", "Reading faint pencil", "Raking light from a low lamp", {"doc-tip"}, "lamp", "Some"),
    ("callout-warning", None, "are not evidence of when the note was made", {"note", "doc-notice"},
     "event", "Three"),
    ("callout-important", "The rebinding of 1893", "cut by the binder", {"note", "doc-notice"}, "knife", "Three"),
    ("callout-caution", None, "water-damaged and were not used", {"note", "doc-notice"}, "1899", "following"),
]


def test_callouts_are_asides_with_their_roles_in_the_epub(builds):
    outcome = builds("divs-and-callouts").require()
    problems = []
    for kind, title, phrase, roles, *_ in CALLOUTS:
        holders = outcome.containing(phrase)
        asides = [a for e in holders for a in e.iterancestors(f"{X}aside")]
        if not asides:
            problems.append(f"{kind}: {phrase!r} is not in an aside")
            continue
        aside = asides[0]
        if aside.get("role") not in roles:
            problems.append(f"{kind}: role {aside.get('role')!r}, expected one of {sorted(roles)}")
        if kind not in classes(aside) and not any(kind in classes(e) for e in aside.iterancestors()):
            problems.append(f"{kind}: the class is not kept on the aside")
        if title and title not in flat(aside):
            problems.append(f"{kind}: its title {title!r} is not in the aside")
    assert not problems, problems


def test_callout_titles_are_never_contents_entries(builds):
    outcome = builds("divs-and-callouts").require()
    nav = "\n".join(flat(root) for name, root in outcome.docs.items()
                    if root.find(f".//{X}nav") is not None)
    with pikepdf.open(outcome.file("pdf")) as pdf, pdf.open_outline() as outline:
        def titles(items):
            for item in items:
                yield str(item.title)
                yield from titles(item.children)
        bookmarks = list(titles(outline.root))
    assert "Dating the marginalia" in nav and "Dating the marginalia" in bookmarks  # the chapters are there
    for _, title, *_ in CALLOUTS:
        if title:
            assert title not in nav, f"callout title {title!r} is an entry of the EPUB's contents"
            assert title not in bookmarks, f"callout title {title!r} is a PDF bookmark"


def enclosing_box(pdf: Path, inside: str, outside: str) -> tuple[bool, str]:
    """Whether lines or a background drawn around the word `inside` box it in, without
    boxing `outside` (a word of a plain paragraph nearby) with it."""
    shapes = corpus.drawn(pdf)
    for number, (width, height, items) in enumerate(shapes, 1):
        boxes, _, _ = pdf_word_boxes(pdf, number)
        word = next((w for w in boxes if w.text.strip(".,;:") == inside), None)
        if word is None:
            continue
        across = [p for p in items if p.kind == "path" and p.left <= word.x_min and p.right >= word.x_max
                  and not (p.width > 0.95 * width and p.height > 0.95 * height)]
        above = [p for p in across if p.top <= word.y_min]
        below = [p for p in across if p.bottom >= word.y_max]
        if not above or not below:
            return False, f"page {number}: nothing drawn above and below {inside!r}"
        top = max(p.top for p in above)
        bottom = min(p.bottom for p in below)
        if bottom - top > 0.3 * height:
            return False, f"page {number}: the nearest lines around {inside!r} are {bottom - top:.0f} pt apart"
        near = [w for w in boxes if w.text.strip(".,;:") == outside]
        if any(top <= w.y_min and w.y_max <= bottom for w in near):
            return False, f"page {number}: {outside!r}, outside the callout, is boxed with {inside!r}"
        return True, ""
    return False, f"{inside!r} is not in the PDF's text"


def test_callouts_are_boxed_in_print(builds):
    pdf = builds("divs-and-callouts").file("pdf")
    results = {kind: enclosing_box(pdf, inside, outside) for kind, _, _, _, inside, outside in CALLOUTS}
    assert all(ok for ok, _ in results.values()), {k: why for k, (ok, why) in results.items() if not ok}


def test_divs_keep_their_ids_classes_and_attributes(builds):
    outcome = builds("divs-and-callouts").require()
    provenance = outcome.by_id("box-provenance")
    assert "provenance-note" in classes(provenance)
    assert provenance.get("data-source") == "accession register"
    assert "four hundred notes" in flat(outcome.by_id("box-summary"))
    assert "findings" in classes(outcome.by_id("box-summary"))
    epigraph = [e for _, e in outcome.elements() if "epigraph" in classes(e)]
    assert len(epigraph) == 1 and "Books are lent" in flat(epigraph[0])
    assert [e for e in epigraph[0].iter(f"{X}*") if "attribution" in classes(e)], "the nested div lost its class"
    printed = squeeze(" ".join(outcome.pdf_pages))
    # styles/ reaches them in print too (STYLE_HOOKS)
    assert "Zqdivid The accession register" in printed, "the div's id is not in the print HTML"
    assert "Zqdivclass In sum" in printed, "the div's class is not in the print HTML"


# ---------------------------------------------------------------- spans and inline

def test_spans_keep_their_ids_classes_and_attributes(builds):
    outcome = builds("spans-and-inline").require()
    place = outcome.by_id("place-koshagach")
    assert "toponym" in classes(place) and flat(place) == "Kosh-Agach"
    assert place.get("data-gazetteer") == "GN-1898-14"
    printed = squeeze(" ".join(outcome.pdf_pages))
    assert re.search(r"Zqspanid Kosh-?\s?Agach Zqspanclass", printed), "the span's id and class are not in print"
    russian = outcome.containing("Вода здесь")
    assert russian and any(e.get("lang") == "ru" or e.get(XML_LANG) == "ru"
                           for e in [russian[0], *russian[0].iterancestors()]), "the Russian div lost its lang"


def test_inline_formatting_is_set_not_written(builds):
    outcome = builds("spans-and-inline").require()
    tags = [(local(e), flat(e), classes(e), e.get("style") or "") for _, e in outcome.elements()]
    assert sorted(t for tag, t, *_ in tags if tag == "sub") == ["2", "2", "2", "4"]
    sups = [flat(e) for _, e in outcome.elements() if local(e) == "sup" and e.find(f".//{X}a") is None]
    assert sorted(sups) == ["2", "2", "nd", "rd"], sups  # note calls aside
    assert any(tag in ("del", "s") and t == "brackish, unfit" for tag, t, *_ in tags), "strikeout"
    assert any(t == "Nikolai Greve" and ("smallcaps" in c or "small-caps" in s) for _, t, c, s in tags), "small caps"
    assert any(t == "drinkable after boiling" and (tag == "u" or "underline" in c)
               for tag, t, c, _ in tags), "underline"
    assert any(t.startswith("the springs rise") and (tag == "mark" or "mark" in c) for tag, t, c, _ in tags), "mark"
    # smart quotes and dashes, in English and in Russian
    for phrase in ("half sums", "Вода здесь"):
        paragraph = outcome.containing(phrase, ("p",))[0]
        assert not re.search(r"[\"']|--", flat(paragraph)), f"straight quotes or -- in {flat(paragraph)!r}"
        printed = squeeze(" ".join(outcome.pdf_pages))
        assert phrase in printed, f"{phrase!r} is not in print"
        around = printed[max(0, printed.index(phrase) - 100):printed.index(phrase) + 150]
        assert not re.search(r"[\"']|--", around), f"straight quotes or -- in print: {around!r}"


# ---------------------------------------------------------------- headings

def heading_of(element) -> etree._Element:
    """The heading an id names: the element itself, or the first heading of its section."""
    if re.fullmatch(r"h[1-6]", local(element)):
        return element
    return next(e for e in element.iter(f"{X}*") if re.fullmatch(r"h[1-6]", local(e)))


def test_heading_attributes(builds):
    outcome = builds("headings").require()
    intro = outcome.by_id("sec-intro")
    carriers = [intro, heading_of(intro)]
    assert any("lead" in classes(e) for e in carriers), "the heading's class is lost"
    assert any(e.get("data-reviewed") == "2024" for e in carriers), "the heading's key=val is lost"
    appendix = outcome.by_id("sec-appendix")
    assert any("appendix" in classes(e) for e in (appendix, heading_of(appendix))), ".appendix is lost"
    assert "question-group" in classes(outcome.by_id("sec-priest")) | classes(heading_of(outcome.by_id("sec-priest")))
    headings = {flat(h) for _, h in outcome.elements() if re.fullmatch(r"h[1-6]", local(h))}
    numbered = re.compile(r"^\d+(\.\d+)*\.?\s")
    for title in ("A note on spelling", "Earlier readings"):  # {-} and .unnumbered
        assert title in headings, f"{title!r} is not a heading without a number: {sorted(headings)}"
    for number, title in (("1", "Introduction"), ("2", "Questions and answers"), ("2.1", "The priest"),
                          ("2.1.1", "Residence and absence"), ("3", "Conclusion")):
        assert any(numbered.match(h) and h.split()[0].rstrip(".") == number and h.endswith(title)
                   for h in headings), f"no heading numbered {number} {title!r}: {sorted(headings)}"


def test_implicit_header_references_link_to_their_headings(builds):
    outcome = builds("headings").require()
    ids = {e.get("id"): (name, e) for name, e in outcome.elements() if e.get("id")}
    expected = {"Questions and answers": "Questions and answers", "the last section": "Conclusion",
                "Introduction": "Introduction", "the appendix": "Appendix: the questions"}
    links = [(name, a) for name, a in outcome.elements() if local(a) == "a" and flat(a) in expected]
    assert {flat(a) for _, a in links} == set(expected), "an implicit reference is not a link"
    for name, a in links:
        page, _, anchor = (a.get("href") or "").rpartition("#")
        assert anchor in ids and ids[anchor][0] == (page or name), f"{flat(a)!r} -> {a.get('href')!r} leads nowhere"
        assert flat(heading_of(ids[anchor][1])).endswith(expected[flat(a)]), f"{flat(a)!r} leads elsewhere"


# ---------------------------------------------------------------- images and figures

def sets_width(element, css: str, width: str) -> bool:
    """Whether the element's own style, or a rule of the EPUB's CSS for one of its
    classes, sets its width."""
    if re.search(rf"(^|;)\s*width:\s*{re.escape(width)}", element.get("style") or ""):
        return True
    return any(re.search(rf"\.{re.escape(c)}(?![\w-])[^{{}}]*\{{[^}}]*(?<![\w-])width:\s*{re.escape(width)}", css)
               for c in classes(element))


FIGURES = {"fig-redoubt": "A square fort drawn in brown ink beside a blue river, with two roads leading away from it",
           "fig-river": "A blue river with three small squares along its bank and a dotted road parallel to it",
           "fig-key": "A key of four symbols, each a small coloured shape with a line of writing beside it"}


def test_figures_keep_ids_alt_texts_and_widths_in_the_epub(builds):
    outcome = builds("images-and-figures").require()
    for ident, alt in FIGURES.items():
        figure = outcome.by_id(ident)
        images = [figure] if local(figure) == "img" else list(figure.iter(f"{X}img"))
        assert len(images) == 1, f"{ident}: {len(images)} images"
        assert images[0].get("alt") == alt, f"{ident}: alt {images[0].get('alt')!r}"
        assert sets_width(images[0], outcome.css, "40%"), \
            f"{ident}: width=40% lost: style {images[0].get('style')!r}, class {images[0].get('class')!r}"
    caption = outcome.containing("The key of a sheet of 1790")
    assert caption and any(local(c) == "figcaption" for c in [caption[0], *caption[0].iterancestors()]), \
        "the Quarto figure div's caption is not a figcaption"


def test_images_are_printed_at_their_width(builds):
    pdf = builds("images-and-figures").file("pdf")
    pages = corpus.drawn(pdf)
    texts = [d for _, _, items in pages for d in items if d.kind == "text" and d.text.strip()]
    column = max(d.right for d in texts) - min(d.left for d in texts)
    widths = [round(d.width / column, 2) for _, _, items in pages for d in items if d.kind == "image"]
    assert len(widths) == 5 and all(0.35 <= w <= 0.45 for w in widths[:3]), \
        f"image widths as a share of the text column: {widths} (40% wanted)"
    # (then the two of a layout-ncol=2, side by side: one 3cm high, the other its column's width)
    assert 0.2 <= widths[3] <= 0.35 and 0.4 <= widths[4] <= 0.48, widths


# ---------------------------------------------------------------- lists

def numbering(ol) -> str:
    kind = ol.get("type") or ""
    style = ol.get("style") or ""
    styled = re.search(r"list-style-type:\s*([\w-]+)", style)
    if styled:
        return styled.group(1)
    return {"a": "lower-alpha", "A": "upper-alpha", "i": "lower-roman", "I": "upper-roman"}.get(
        kind, next((c for c in ("lower-alpha", "lower-roman", "decimal") if c in classes(ol)), "decimal"))


def list_starting(outcome: Outcome, tag: str, first: str) -> etree._Element:
    """The list (ol, ul, dl) whose first item starts with `first`."""
    for _, element in outcome.elements():
        item = element.find(f"{X}li") if local(element) == tag else None
        if item is not None and flat(item).lstrip("☐☒☑✓✔ ").startswith(first):
            return element
    pytest.fail(f"no {tag} whose first item starts with {first!r}", pytrace=False)


def test_lists_keep_their_kind_numbering_and_nesting(builds):
    outcome = builds("lists").require()
    assert numbering(list_starting(outcome, "ol", "the buildings and")) == "lower-alpha"
    assert numbering(list_starting(outcome, "ol", "the church and")) == "lower-roman"
    assert numbering(list_starting(outcome, "ol", "its length in feet")) == "decimal"
    assert list_starting(outcome, "ol", "the sheet for 1841").get("start") == "3", "the list from 3 starts at 1"
    assert list_starting(outcome, "ol", "Eleven nets").get("start") in (None, "1")
    assert list_starting(outcome, "ol", "Tobacco").get("start") == "3", "the third example is not numbered 3"
    dl = [e for _, e in outcome.elements() if local(e) == "dl" and "Goods held for exchange" in flat(e)]
    assert len(dl) == 1 and [flat(dt) for dt in dl[0].iter(f"{X}dt")] == ["Stock", "Store", "Tools", "Gifts"]
    assert len(list(dl[0].iter(f"{X}dd"))) == 5
    nested = outcome.containing("the English copies, from 1829", ("li",))
    assert nested and len([a for a in nested[0].iterancestors() if local(a) in ("ul", "ol")]) == 3, "nesting lost"
    printed = "\n".join(outcome.pdf_pages)
    for marker, item in (("c", "the stock and the store"), ("iii", "the storehouse"), ("5", "the sheet for 1843")):
        assert re.search(rf"(?m)^\s*\(?{marker}\W+{item}", printed), f"print numbers {item!r} otherwise than {marker}"


def test_task_lists_show_their_state(builds):
    outcome = builds("lists").require()
    tasks = list_starting(outcome, "ul", "transcribe the inventories of 1820")
    states = []
    for li in tasks.findall(f"{X}li"):
        boxes = list(li.iter(f"{X}input"))
        glyph = flat(li)[:1]
        states.append(boxes[0].get("checked") is not None if boxes else
                      True if glyph in "☒☑✓✔" and glyph else False if glyph == "☐" else None)
    assert states == [True, True, False, False], f"task states {states}: checked, checked, open, open wanted"


def test_line_blocks_keep_their_lines(builds):
    outcome = builds("lists").require()
    epub_lines = [squeeze(line) for line in outcome.text("epub").splitlines()]
    assert "the store is counted twice;" in epub_lines and "we shall count again in spring." in epub_lines
    pdf_lines = [squeeze(line) for line in "\n".join(outcome.pdf_pages).splitlines()]
    assert "the store is counted twice;" in pdf_lines, "the line block's lines run together in print"


# ---------------------------------------------------------------- tables

def test_every_table_is_a_table(builds):
    outcome = builds("tables").require()
    expected = len(list(corpus.walk(outcome.case.ast(), "Table"))) + 1  # (and Quarto's list table)
    tables = [e for _, e in outcome.elements() if local(e) == "table"]
    assert len(tables) == expected == 9
    for ident, caption in (("tbl-overview", "Price lists of the Irbit fair by decade"),
                           ("tbl-groups", "The committee’s groups of goods"),
                           ("tbl-series", "First and last prices, kopecks per pood"),
                           ("tbl-remarks", "Salt prices and the committee’s remarks"),
                           ("tbl-iron", "Bar iron from two works, kopecks per pood"),
                           ("tbl-offices", "Offices and their clerks"), ("tbl-mines", "Copper mines by district")):
        holder = outcome.by_id(ident)
        assert local(holder) == "table" or holder.find(f".//{X}table") is not None, f"{ident} is not a table"
        assert caption in flat(holder).replace("'", "’"), f"{ident}: caption lost"
    grid = outcome.by_id("tbl-groups")
    assert [flat(li) for li in grid.iter(f"{X}li")] == ["rye flour", "oats", "barley"], "a list in a grid cell"
    refs = {flat(a) for _, a in outcome.elements() if local(a) == "a" and (a.get("href") or "").endswith(
        ("#tbl-overview", "#tbl-iron"))}
    assert refs == {"Table 1", "Table 5"}, refs


# ---------------------------------------------------------------- code

TOKEN_CLASSES = {"kw", "dt", "dv", "bn", "fl", "ch", "st", "co", "ot", "al", "fu", "re", "er", "cn", "sc", "vs",
                 "ss", "im", "va", "cf", "op", "bu", "ex", "pp", "at", "do", "an", "cv", "in", "wa"}


def test_code_is_highlighted_by_pandoc_with_colours_from_styles(builds):
    outcome = builds("code").require()
    block = outcome.containing("def normalise(text: str)", ("pre",))
    assert block, "the Python block is not a pre"
    tokens = {c for span in block[0].iter(f"{X}span") for c in classes(span)} & TOKEN_CLASSES
    assert len(tokens) >= 3, f"Pandoc's token classes in the Python block: {sorted(tokens)}"
    coloured = {m.group(1) for m in re.finditer(r"\.(\w\w)\b[^{}]*\{[^}]*(?<![\w-])color\s*:", outcome.css)}
    coloured &= TOKEN_CLASSES
    assert coloured & tokens, "no colour for Pandoc's token classes in the EPUB's CSS (styles/)"
    code = outcome.case.body.split("```{.python", 1)[1].split("```", 1)[0]
    runs = [d for _, _, items in corpus.drawn(outcome.file("pdf")) for d in items
            if d.kind == "text" and len(d.text.strip()) >= 3 and d.text.strip() in code]
    assert len({d.fill for d in runs}) >= 2, f"the printed Python block is in one colour: {runs[:5]}"


def test_executable_cells_are_shown_as_code_and_not_run(builds):
    outcome = builds("code").require()
    pres = [flat(e) for _, e in outcome.elements() if local(e) == "pre"]
    for source in ("openings = Counter(first_words(letter) for letter in letters)",
                   'aggregate(n ~ formula, data = counts, FUN = sum)', 'print(f"{total} letters counted")'):
        assert any(source in p for p in pres), f"the cell with {source!r} is not shown as code"
    assert not any("#|" in p or "fig-cap" in p for p in pres), "the #| lines are shown"
    figure = outcome.by_id("fig-salutations")  # the cell's label is recognised: it can be referred to
    refs = [a for _, a in outcome.elements() if local(a) == "a" and (a.get("href") or "").endswith("#fig-salutations")]
    assert figure is not None and [flat(a) for a in refs] == ["Figure 1"], [flat(a) for a in refs]
    assert "Figure 1 shows that" in squeeze(" ".join(outcome.pdf_pages))


# ---------------------------------------------------------------- raw

RAW_LATEX = ("\\begin{center}", "\\rule", "\\index", "manual of 1898", "\\marginpar", "see plate 3", "\\vspace")


@pytest.mark.parametrize("edition", EDITIONS)
def test_raw_latex_is_left_out(edition, builds):
    text = builds("raw").require().text(edition)
    assert not [t for t in RAW_LATEX if t in text], [t for t in RAW_LATEX if t in text]


def test_raw_html_stays_escaped(builds):
    outcome = builds("raw").require()
    assert not [e for _, e in outcome.elements() if local(e) == "abbr" or "plate-note" in classes(e)]
    assert not [e for _, e in outcome.elements() if local(e) == "em" and flat(e) == "stet"]
    text = squeeze(outcome.text("epub"))
    assert '<abbr title="Russian State Archive of Literature and Art">RGALI</abbr>' in text
    assert "RGALI</abbr>" in squeeze(" ".join(outcome.pdf_pages))


# ---------------------------------------------------------------- math

def tex(text: str) -> str:
    """A formula's TeX as the editions keep it: LaTeX's \\label and \\tag, which
    number it, taken out (numbering.tex_labels)."""
    return " ".join(re.sub(r"\\label\s*\{[^{}]*\}|\\tag\*?\s*\{[^{}]*\}", "", text).split())


def formulas_of(outcome: Outcome) -> list[tuple[str, str]]:
    """Every formula of the article, as (kind, TeX): its body's and its front matter's."""
    found = [(m["c"][0]["t"], m["c"][1]) for m in corpus.walk(outcome.case.ast(), "Math")]
    front, _, _ = corpus.split_front_matter(outcome.case.article.read_text(encoding="utf-8"))
    for name in ("title", "abstract"):
        for text in re.findall(r"\$([^$]+)\$", str(front.get(name) or "")):
            found.append(("InlineMath", text))
    return found


def test_every_formula_is_mathml_with_its_tex_in_the_epub(builds):
    """Each formula as MathML, inline or block as written, its TeX as `alttext`; the
    documents that hold formulas declare them (manifest property `mathml`); no TeX
    outside a formula."""
    outcome = builds("math").require()
    expected = formulas_of(outcome)
    assert len(expected) == 36
    math = "{http://www.w3.org/1998/Math/MathML}math"
    found = [(e.get("display"), e.get("alttext")) for root in outcome.docs.values() for e in root.iter(math)]
    wanted = [("block" if kind == "DisplayMath" else "inline", tex(text)) for kind, text in expected]
    assert sorted(found) == sorted(wanted)
    for root in outcome.docs.values():
        for element in root.iter(math):
            assert element.find(".//{http://www.w3.org/1998/Math/MathML}mi") is not None or \
                element.find(".//{http://www.w3.org/1998/Math/MathML}mn") is not None
    with zipfile.ZipFile(outcome.file("epub")) as book:
        opf = book.read(next(n for n in book.namelist() if n.endswith(".opf"))).decode()
    for name, root in outcome.docs.items():
        item = re.search(rf'<item [^>]*href="{re.escape(name)}"[^>]*>', opf).group()
        assert ('properties="mathml"' in item) == (root.find(f".//{math}") is not None), item
    assert not re.findall(r"\\[A-Za-z]+", outcome.text("epub"))


def test_every_formula_is_drawn_and_tagged_in_the_pdf(builds):
    """No TeX in the print edition's text (poppler), but the formulas' text forms,
    as a reader copies them; each formula a tagged Formula with its TeX as /Alt
    (pikepdf); the title's formula in the outline as text."""
    outcome = builds("math").require()
    text = " ".join(outcome.pdf_pages)
    assert not re.findall(r"\\[A-Za-z]+", text), "TeX control words in the PDF text"
    assert "$" not in text
    assert "k\u0302 = 1.08" in text and "σ = 0.21" in text
    alts = []
    with pikepdf.open(outcome.file("pdf")) as pdf:
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            element = stack.pop()
            if element.get("/S") == "/Formula":
                alts.append(str(element.get("/Alt")))
                # (a display formula whose only text form is its TeX: no "$$...$$" as the text a reader
                # hears before its /Alt: QA 25)
                assert not str(element.get("/ActualText", "")).startswith("$"), element.get("/ActualText")
            kids = element.get("/K")
            kids = kids if isinstance(kids, pikepdf.Array) else [kids]
            stack += [k for k in kids if isinstance(k, pikepdf.Dictionary) and "/S" in k]
        titles = [item.title for item in pdf.open_outline().root]
    assert sorted(alts) == sorted(tex(text) for _, text in formulas_of(outcome))
    assert titles[0] == "Households per Hearth, k\u0302: A Note on Method"


@pytest.mark.parametrize("edition", EDITIONS)
def test_equations_are_numbered_and_referenced(edition, builds):
    outcome = builds("math").require()
    if edition == "epub":
        links = {a.get("href").rpartition("#")[2]: flat(a) for _, a in outcome.elements()
                 if local(a) == "a" and "#eq-" in (a.get("href") or "")}
        assert links == {"eq-ratio": "Equation 1", "eq-variance": "Equation 2", "eq-share": "(3)",  # (\\eqref)
                         "eq-west": "(4)", "eq-east": "(5)"}  # (an align's lines)
        numbers = [flat(e) for _, e in outcome.elements() if "equation-number" in (e.get("class") or "")]
        assert numbers == ["(1)", "(2)", "(3)", "(A1)"]  # (\\label'led, then \\tag'ged)
    else:
        printed = squeeze(" ".join(outcome.pdf_pages))
        for sentence in ("with Equation 1 the whole of Equation 2 is estimated", "Equation 1 gives the figures of "
                         "Table 1", "(1)", "(2)", "By (3) the share is stable", "(A1)"):
            assert sentence in printed, sentence


# ---------------------------------------------------------------- cross-references

def test_cross_references_as_quarto_writes_them(builds):
    outcome = builds("crossrefs").require()
    found: dict[str, set[str]] = {}
    for _, a in outcome.elements():
        href = a.get("href") or ""
        if local(a) == "a" and "#" in href:
            found.setdefault(href.rpartition("#")[2], set()).add(flat(a))
    expected = {"fig-range": {"Figure 1", "1"}, "tbl-peals": {"Table 1"}, "sec-intro": {"Section 1"},
                "sec-sources": {"Section 2"}, "sec-method": {"Section 3"}, "sec-weights": {"2.1"},
                "sec-results": {"Section 4"}}
    assert {k: found.get(k) for k in expected} == expected
    printed = squeeze(" ".join(outcome.pdf_pages))
    for sentence in ("Figure 1 shows the distances", "Section 3 explains how", "Table 1 gives the resulting",
                     "Section 4 thus confirms what Section 1 proposed", "circles in figure 1 show",
                     "Section 2.1 explains why"):
        assert sentence in printed, sentence


# ---------------------------------------------------------------- citations

def test_every_entry_is_listed_and_every_citation_links_to_it(builds):
    outcome = builds("citations").require()
    keys = set(re.findall(r"^@\w+\{(\w+),", (outcome.case.source / "citations" / "references.bib").read_text(),
                          re.M))
    ids = {e.get("id"): name for name, e in outcome.elements() if e.get("id")}
    assert {i for i in ids if i.startswith("ref-")} == {f"ref-{k}" for k in keys}
    links = [(name, a.get("href")) for name, a in outcome.elements()
             if local(a) == "a" and "#ref-" in (a.get("href") or "")]
    cited = [c for cite in corpus.walk(outcome.case.ast(), "Cite") for c in cite["c"][0]]
    assert len(links) >= len(cited) == 14, f"{len(links)} links for {len(cited)} citations"
    for name, href in links:
        page, _, anchor = href.rpartition("#")
        assert ids.get(anchor) == (page or name), f"{name}: {href} leads nowhere"


# ---------------------------------------------------------------- the checkers themselves

BAD_EPUB_TEXT = """The collection
::: {#box-provenance .provenance-note}
The accession register survives [only]{.mark} from 1874.
:::
Water is H~2~O and $$x^2$$ {=latex} #| label: fig-x {{< pagebreak >}} ## {-}"""


def test_leftover_checker_complains_about_source_markup():
    reference = "The collection\n\nThe accession register survives only from 1874.\n\nWater is H₂O and x².\n"
    found = " ".join(corpus.leftovers(BAD_EPUB_TEXT, reference))
    for token in ("$$", ":::", "{#", "{.", "{-}", "{{<", "{=", "#|", "~2~"):
        assert repr(token) in found, f"{token!r} not reported: {found}"
    assert corpus.leftovers(reference, reference) == []


def test_leftover_checker_allows_what_pandoc_leaves_and_no_more():
    reference = "Code:\n\n    ::: {.callout-note}\n    :::\n"
    assert corpus.leftovers("Code: ::: {.callout-note} :::", reference) == []
    assert corpus.leftovers("Code: ::: {.callout-note} ::: and ::: {.x}", reference)
    broken = "a leftover {-\n} heading"  # a token broken across a PDF's lines
    assert "'{-}'" not in " ".join(corpus.leftovers(broken, "a heading"))
    assert "'{-}'" in " ".join(corpus.leftovers(broken, "a heading", corpus.joined_lines(broken)))


def test_word_checker_reports_missing_words():
    reference = "The “quoted” word—H₂O, x²—and NIKOLAI GREVE’s fiﬁ notebook[1]; стоимость\u00a0соли."
    edition = "The «quoted» word – H<sub>2</sub>O: x2, and Nikolai Greve's fifi note-\nbook 1; стоимость соли."
    edition = re.sub(r"<[^>]+>", "", edition)
    assert corpus.missing_words(reference, corpus.pdf_words(edition)) == []
    assert corpus.missing_words(reference, corpus.words(edition)) == ["notebook"]  # only the PDF rejoins lines
    missing = corpus.missing_words(reference, corpus.words("The word H2O x2 and Nikolai notebook 1; соли."))
    assert missing == ["quoted", "greve", "s", "fifi", "стоимость"]


def test_every_case_has_its_files():
    assert len(FAMILIES) == 12, FAMILIES
    for family in FAMILIES:
        case = Case(family)
        assert case.article.exists() and (case.source / "publication.yaml").exists(), family
        assert (case.folder / "expected-warnings.txt").exists(), f"{family}: no expected-warnings.txt"
