"""The download site's validators catch what they are for, and pass a good page.

tests/cases/sitecheck/good/index.html is a landing page as the site should make it;
each other page there is that page with one fault, named by its folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sitecheck import AXE_ALLOWED, VNU_ALLOWED, axe_violations, html_problems

SITE = Path(__file__).resolve().parent / "cases" / "sitecheck"
NAMES = ["good", "missing-alt", "missing-lang", "duplicate-id", "low-contrast", "bad-nesting", "overflow",
         "no-viewport"]
PAGES = {name: SITE / name / "index.html" for name in NAMES}
BOTH = "(at 360px and 1280px)"

pytestmark = pytest.mark.slow  # (the Nu checker and axe-core in Chromium)


def page(name: str) -> str:
    """How problems name a fixture page."""
    return f"tests/cases/sitecheck/{name}/index.html"


def of(problems: list[str], name: str) -> list[str]:
    return [p for p in problems if p.startswith(page(name) + ":")]


@pytest.fixture(scope="module")
def vnu_found() -> list[str]:
    """vnu over all the fixture pages at once, as the site's test runs it."""
    return html_problems(list(PAGES.values()))


@pytest.fixture(scope="module")
def axe_found() -> list[str]:
    return axe_violations(list(PAGES.values()))


def test_nothing_is_allowed_without_a_reason():
    assert all(reason.strip() for reason in {**VNU_ALLOWED, **AXE_ALLOWED}.values())


# The Nu Html Checker


def test_vnu_passes_the_good_page_and_its_stylesheet():
    assert html_problems([PAGES["good"], SITE / "site.css"]) == []


def test_vnu_reports_only_the_faulty_pages(vnu_found):
    assert {p.split(":")[0] for p in vnu_found} == {page(n) for n in
                                                    ("missing-alt", "missing-lang", "duplicate-id", "bad-nesting")}


def test_vnu_missing_alt(vnu_found):
    assert of(vnu_found, "missing-alt") == [
        f"{page('missing-alt')}:43: error: An 'img' element must have an 'alt' attribute, except under certain "
        "conditions. For details, consult guidance on providing text alternatives for images."]


def test_vnu_missing_lang_is_a_warning(vnu_found):
    assert of(vnu_found, "missing-lang") == [
        f"{page('missing-lang')}:2: warning: Consider adding a 'lang' attribute to the 'html' start tag to declare "
        "the language of this document."]


def test_vnu_duplicate_id(vnu_found):
    assert of(vnu_found, "duplicate-id") == [
        f"{page('duplicate-id')}:50: error: Duplicate ID 'downloads-caption'.",
        f"{page('duplicate-id')}:42: warning: The first occurrence of ID 'downloads-caption' was here."]


def test_vnu_invalid_nesting(vnu_found):
    assert of(vnu_found, "bad-nesting") == [
        f"{page('bad-nesting')}:43: error: Element 'div' not allowed as child of element 'ul' in this context. "
        "(Suppressing further errors from this subtree.)"]


def test_vnu_checks_css_in_pages_and_stylesheets(tmp_path):
    (tmp_path / "site.css").write_text("body {\n  colour: red;\n}\n")
    bad = tmp_path / "index.html"
    bad.write_text(PAGES["good"].read_text().replace('<p class="authors">', '<p class="authors" style="color: #12">'))
    assert html_problems([bad, tmp_path / "site.css"]) == [
        f"{bad}:41: error: CSS: 'color': '#12' is not a valid color 3 or 6 hexadecimals numbers.",
        f"{tmp_path / 'site.css'}:2: error: CSS: 'colour': Property 'colour' doesn't exist."]


def test_vnu_json_ld_must_parse(tmp_path):
    bad = tmp_path / "index.html"
    bad.write_text(PAGES["good"].read_text().replace('"inLanguage": "en",', '"inLanguage": "en",,'))
    assert html_problems([bad]) == [f"{bad}:28: error: JSON-LD does not parse: Expecting property name enclosed "
                                    "in double quotes"]


def test_vnu_reports_a_missing_page(tmp_path):
    """Given several files, vnu itself skips one that is not there without a word."""
    assert html_problems([PAGES["good"], tmp_path / "gone.html"]) == [f"{tmp_path / 'gone.html'}: no such file"]


# axe-core in Chromium, at 360px and 1280px


def test_axe_passes_the_good_page(axe_found):
    assert of(axe_found, "good") == []


def test_axe_missing_alt(axe_found):
    assert of(axe_found, "missing-alt") == [
        f"{page('missing-alt')}: image-alt (critical): img: Images must have alternative text {BOTH}"]


def test_axe_missing_lang(axe_found):
    assert of(axe_found, "missing-lang") == [
        f"{page('missing-lang')}: html-has-lang (serious): html: <html> element must have a lang attribute {BOTH}"]


def test_axe_duplicate_id_needs_review(axe_found):
    """axe no longer fails duplicate ids as such (vnu does); it asks to review one aria-labelledby names."""
    assert of(axe_found, "duplicate-id") == [
        f"{page('duplicate-id')}: needs review: duplicate-id-aria (critical): .byline: "
        f"IDs used in ARIA and labels must be unique {BOTH}"]


def test_axe_low_contrast(axe_found):
    assert of(axe_found, "low-contrast") == [
        f"{page('low-contrast')}: color-contrast (serious): .authors: "
        f"Elements must meet minimum color contrast ratio thresholds {BOTH}"]


def test_axe_invalid_nesting(axe_found):
    assert of(axe_found, "bad-nesting") == [
        f"{page('bad-nesting')}: list (serious): ul: "
        f"<ul> and <ol> must only directly contain <li>, <script> or <template> elements {BOTH}"]


def test_axe_overflow_at_360px_only(axe_found):
    assert of(axe_found, "overflow") == [
        f"{page('overflow')}: page overflows horizontally at 360px (content 917px wide; sticking out: div (900px wide))"]


def test_axe_page_without_viewport_meta(axe_found):
    assert of(axe_found, "no-viewport") == [
        f"{page('no-viewport')}: page is laid out 980px wide at 360px, not to the screen's width "
        "(no <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">?)"]


def test_axe_reports_what_a_page_fails_to_load(tmp_path):
    lone = tmp_path / "index.html"
    shutil.copy(PAGES["good"], lone)  # ../site.css and ../cover.svg are not beside it
    problems = axe_violations([lone])
    assert f"{lone}: could not load {(tmp_path.parent / 'site.css').as_uri()} (net::ERR_FILE_NOT_FOUND) {BOTH}" \
        in problems
    assert f"{lone}: could not load {(tmp_path.parent / 'cover.svg').as_uri()} (net::ERR_FILE_NOT_FOUND) {BOTH}" \
        in problems
