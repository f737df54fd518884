"""Golden files: expected output kept beside each test case.

Set IMPRINT_REGEN=1 to rewrite them from what the code produces now, then review
the diff (git diff tests/cases) before committing.
"""

from __future__ import annotations

import os
from pathlib import Path


def check(expected: Path, actual: str) -> None:
    if os.environ.get("IMPRINT_REGEN") == "1":
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
        return
    assert expected.exists(), f"no golden file {expected}; run with IMPRINT_REGEN=1 to create it"
    assert actual == expected.read_text(encoding="utf-8"), f"differs from {expected} (IMPRINT_REGEN=1 rewrites it)"
