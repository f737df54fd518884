"""The real validators, as the set-up installs them (the same runners as
`publish.py check`, imprint/conformance/). A missing validator fails the test
that needs it (with what to run), it never skips it."""

from __future__ import annotations

from pathlib import Path

import pytest

from imprint import conformance

REPO = Path(__file__).resolve().parents[1]


def _require(tool: str, found: bool) -> None:
    if not found:
        pytest.fail(f"{tool} is not installed: run ./test.sh, which installs it (scripts/setup.sh test)")


def epubcheck(epub: Path, workdir: Path) -> list[dict]:
    """EPUBCheck's messages (every severity) for `epub`."""
    try:
        return conformance.epubcheck(epub, workdir)
    except conformance.MissingValidator as error:
        pytest.fail(f"{error} (./test.sh installs it)")


def ace(epub: Path, workdir: Path) -> list[str]:
    """DAISY Ace's violations for `epub`, as readable lines."""
    try:
        return conformance.ace(epub, workdir)
    except conformance.MissingValidator as error:
        pytest.fail(f"{error} (./test.sh installs it)")
