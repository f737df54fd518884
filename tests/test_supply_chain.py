"""The pinned packages (constraints.txt) are at or above the first version without
each known advisory of the packages Imprint runs, and everything is pinned.
(scripts/audit.sh asks the PyPI/OSV advisory database about every pin, in CI.)"""

from __future__ import annotations

from packaging.version import Version

from conftest import REPO

# The first release without the advisories named (from the advisories themselves).
MINIMUM = {
    "weasyprint": ("70.0", "the oldest WeasyPrint Imprint supports"),
    "jinja2": ("3.1.6", "CVE-2025-27516 (sandbox escape through |attr)"),
    "pyyaml": ("6.0", "PyYAML 6 (CVE-2020-14343, full_load code execution, was fixed in 5.4)"),
    "pillow": ("10.3.0", "CVE-2024-28219 (buffer overflow in _imagingcms)"),
    "fonttools": ("4.43.0", "CVE-2023-45139 (XXE in the SVG table)"),
    "lxml": ("4.9.1", "CVE-2022-2309 (NULL dereference in iterwalk)"),
}


def pins() -> dict[str, str]:
    found = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"not pinned with ==: {line}"
            found[name.lower()] = version
    return found


def test_every_package_is_pinned_at_a_safe_version():
    pinned = pins()
    for name, (minimum, why) in MINIMUM.items():
        assert name in pinned, f"{name} is not pinned in constraints.txt"
        assert Version(pinned[name]) >= Version(minimum), f"{name} {pinned[name]} < {minimum}: {why}"


def test_the_project_pins_what_constraints_pin():
    pinned = pins()
    text = (REPO / "pyproject.toml").read_text()
    for name in ("weasyprint", "jinja2", "pyyaml", "ebooklib"):
        line = next(l for l in text.splitlines() if l.strip().lower().startswith(f'"{name}=='))
        assert line.strip().strip('",').split("==")[1] == pinned[name]


def test_pandoc_is_the_pinned_one_and_past_its_advisories():
    """The Pandoc the editions are made with comes from the pinned wheel, and is
    3.9: the bytes of the editions depend on it; and it is past CVE-2023-35936 and
    CVE-2023-38745 (files written through --extract-media, fixed in 3.1.6)."""
    import subprocess

    from imprint.body import pandoc

    assert pinned_pandoc_wheel() == "1.17"
    first = subprocess.run([str(pandoc.binary()), "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    assert first == f"pandoc {pandoc.VERSION}" == "pandoc 3.9"
    assert Version(pandoc.VERSION) >= Version("3.1.6")


def pinned_pandoc_wheel() -> str:
    return pins()["pypandoc-binary"]
