"""Every patch Imprint makes to a dependency, in one place.

Each module here changes one thing in one dependency, and says in its docstring
which exact version it was written for, what goes wrong without it (measured),
which test fails without it (tests/test_patches.py), and the upstream report it
waits for (docs/upstream.md). No module of Imprint outside this folder assigns
into another module (tests/test_patches.py scans for it); none patches the
standard library.

- `check_versions()`: whether the installed versions are those the patches were
  written for. Cheap (the names of the .dist-info folders, nothing imported): the command line
  calls it at start-up, so that a mismatch is one clear error, not a wrong page.
- `import_weasyprint()`: WeasyPrint imported (its libraries opened by their file
  names: weasyprint_libraries.py) and the patches of WeasyPrint and what it
  uses (pydyf, Pyphen, cffi, tinyhtml5) applied, once. imprint/editions/pdf/weasy.py calls
  it; every use of WeasyPrint in Imprint goes through that module.
- `import_ziamath()`: ziamath imported and its patches (and ziafont's) applied, the
  one that spares its import some work (ziamath_imports) before it
  (body/formulas.py, which draws formulas for print, calls it).

WeasyPrint's private attributes that Imprint reads without patching anything are
declared in RELIED_ON, so that check_versions() covers them too.
"""

from __future__ import annotations

import functools
import os
import sys
from types import ModuleType

from ..errors import InternalError
from . import (cffi_type_names, pydyf_page_references, pyphen_patterns, tinyhtml5_character_runs,
               weasyprint_actual_text, weasyprint_char_wrap, weasyprint_footnote_rounding, weasyprint_footnote_split,
               weasyprint_footnotes, weasyprint_libraries, weasyprint_line_ends, weasyprint_link_boxes,
               weasyprint_margin_artifacts, weasyprint_narrowest, weasyprint_rewrap, weasyprint_table_continued, weasyprint_tags, ziafont_outlines,
               ziamath_imports, ziamath_rows, ziamath_sizes, ziamath_styles)

# (In this order: a function a patch rewrites runs with a copy of its module's
# globals as they are then, so weasyprint_line_ends, which replaces
# iter_line_boxes, comes before weasyprint_footnotes and weasyprint_footnote_split,
# which rewrite the function of weasyprint.layout.block that calls it.)
PATCHES: tuple[ModuleType, ...] = (weasyprint_libraries, weasyprint_line_ends, weasyprint_footnotes,
                                    weasyprint_footnote_rounding, weasyprint_footnote_split, weasyprint_tags,
                                    weasyprint_margin_artifacts, weasyprint_rewrap, weasyprint_char_wrap,
                                    weasyprint_narrowest, weasyprint_actual_text, weasyprint_table_continued,
                                    weasyprint_link_boxes,
                                    pydyf_page_references, pyphen_patterns, cffi_type_names, tinyhtml5_character_runs,
                                    ziamath_imports, ziamath_rows, ziamath_sizes, ziamath_styles, ziafont_outlines)

# Not patches: private parts of a dependency that Imprint reads, with the version
# they were checked against and where. (distribution, version, what and where)
RELIED_ON: tuple[tuple[str, str, str], ...] = (
    ("weasyprint", "70.0", "Page._page_box and FootnoteAreaBox, read in imprint/editions/pdf/typeset.py "
                           "(_overlong_notes)"),
    ("weasyprint", "70.0", "MarginBox and LineBox.block_ellipsis (set on a line cut by max-lines), read in "
                           "imprint/editions/pdf/typeset.py (_cut_running_heads)"),
    ("weasyprint", "70.0", "HTML.etree_element and HTML.wrapper_element (made anew after a figure is moved), "
                           "boxes' element, element_tag and margin_height(), in imprint/editions/pdf/typeset.py "
                           "(_fill_hole, _unrepeat_lost_heads), and Document._html (the HTML it was laid out "
                           "from: _lost_heads)"),
    ("weasyprint", "70.0", "TextBox.pango_layout (Layout.reactivate, get_first_line, deactivate) and Pango's "
                           "glyph runs, read in imprint/editions/pdf/typeset.py (_missing_glyphs)"),
    ("weasyprint", "70.0", "Page.links and Page.anchors (added to: a note's call linked to its note and back), "
                           "boxes' hit_area() and the ::footnote-call and ::footnote-marker boxes, in "
                           "imprint/editions/pdf/notelinks.py, and the link_annotation WeasyPrint sets on a linked "
                           "box, read in imprint/editions/pdf/tags.py (annotate)"),
)


def check_versions() -> None:
    """Raise InternalError, listing every mismatch at once, if an installed
    dependency is not the version a patch (or a private attribute read) was
    written for. Imports nothing: reads the installed packages' folder names."""
    missing = sorted({_normal(patch.DISTRIBUTION) for patch in PATCHES if _installed(patch.DISTRIBUTION) is None})
    if missing:  # publish.py run by a Python other than the set-up's (.venv/)
        raise InternalError(
            f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} not installed in the Python running "
            f"Imprint ({sys.executable}). Run ./build.sh once (it installs what Imprint needs into .venv/), "
            "then build with ./build.sh or .venv/bin/python publish.py.")
    mismatches = []
    for patch in PATCHES:
        installed = _installed(patch.DISTRIBUTION)
        if installed != patch.VERSION:
            mismatches.append(f"{patch.DISTRIBUTION} {installed or '(not installed)'} is installed; "
                              f"imprint/patches/{patch.__name__.rsplit('.', 1)[1]}.py was written for "
                              f"{patch.DISTRIBUTION} {patch.VERSION} ({patch.UPSTREAM})")
    for distribution, version, what in RELIED_ON:
        installed = _installed(distribution)
        if installed != version:
            mismatches.append(f"{distribution} {installed or '(not installed)'} is installed; {what} "
                              f"were checked against {distribution} {version}")
    if mismatches:
        raise InternalError(
            "Imprint's patches of its dependencies do not fit the installed versions:\n"
            + "".join(f"  - {line}\n" for line in mismatches)
            + "Install the versions Imprint pins (scripts/setup.sh, or "
              "`.venv/bin/pip install -c constraints.txt -e .`). To move to a new version instead, check each "
              "patch listed against it (docs/upstream.md: has upstream fixed it?), then drop the patch or update "
              "its VERSION.")


def import_weasyprint() -> ModuleType:
    """WeasyPrint, imported the quick way, with every patch applied."""
    check_versions()
    weasyprint = weasyprint_libraries.import_weasyprint()
    apply("weasyprint", "pydyf", "pyphen", "cffi", "tinyhtml5")
    return weasyprint


def import_ziamath() -> ModuleType:
    """ziamath, with its patches applied (ziamath_imports before the import)."""
    ziamath_imports.apply()
    import ziamath

    ziamath_imports.attach(ziamath)

    apply("ziamath", "ziafont")
    return ziamath


def apply(*distributions: str) -> None:
    """Apply every patch of these dependencies (of all, without one); a second
    call does nothing. Raises InternalError (as check_versions) when a patch does
    not fit the installed versions: a patch is only ever applied to the version
    it was written for."""
    chosen = [patch for patch in PATCHES if not distributions or patch.DISTRIBUTION in distributions]
    if all(patch.applied() for patch in chosen):
        return
    check_versions()
    for patch in chosen:
        patch.apply()


def _installed(distribution: str) -> str | None:
    return installed().get(_normal(distribution))


@functools.cache
def installed() -> dict[str, str]:
    """The installed distributions' versions, by normalized name, from the names
    of their .dist-info folders on the import path: one listing of each folder,
    about 1 ms, where importlib.metadata takes 18 ms to import. (The first of a
    name on the path, as Python would import it.)"""
    found: dict[str, str] = {}
    for folder in dict.fromkeys(sys.path):
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and name.count("-") >= 1:
                distribution, version = name.removesuffix(".dist-info").rsplit("-", 1)
                found.setdefault(_normal(distribution), version)
    return found


def _normal(name: str) -> str:
    return name.replace("-", "_").replace(".", "_").lower()
