"""Settings of one build: where things are, what to make. Declared once, here.

What a publication decides (paper, citation style, base URL, ...) is not here:
it lives in source/publication.yaml and is declared in schema.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from .errors import UsageError

# Output formats, by the extension of the file each one writes.
FORMATS: dict[str, str] = {
    "epub": "e-reader edition (EPUB 3)",
    "pdf": "print edition (PDF)",
    "json": "citation record (CSL-JSON)",
    "bib": "citation record (BibTeX)",
    "ris": "citation record (RIS)",
}


@dataclass(frozen=True)
class Settings:
    root: Path  # the project: source/, styles/ and, by default, dist/ are in it
    dist_dir: Path
    formats: tuple[str, ...] = tuple(FORMATS)
    articles: tuple[str, ...] = ()  # slugs to build; empty: all
    # Overrides every date the editions carry (reproducible-builds.org convention).
    source_date_epoch: int | None = None

    @property
    def source_dir(self) -> Path:
        return self.root / "source"

    @property
    def styles_dir(self) -> Path:
        return self.root / "styles"

    @classmethod
    def for_project(
        cls,
        root: Path | str,
        dist_dir: Path | str | None = None,
        formats: tuple[str, ...] | None = None,
        articles: tuple[str, ...] = (),
        environ: Mapping[str, str] = os.environ,
    ) -> "Settings":
        root = Path(root).resolve()
        formats = tuple(dict.fromkeys(formats)) if formats else tuple(FORMATS)
        unknown = [f for f in formats if f not in FORMATS]
        if unknown:
            raise UsageError(f"unknown format {', '.join(unknown)}: choose from {', '.join(FORMATS)}")
        epoch = environ.get("SOURCE_DATE_EPOCH")
        # Zip entries cannot carry dates before 1980 nor, here, after 9999.
        if epoch is not None and not (epoch.strip().isdigit() and 315532800 <= int(epoch) < 253402300800):
            raise UsageError(f"SOURCE_DATE_EPOCH must be seconds since 1970 between 1980 and 9999, not {epoch!r}")
        return cls(
            root=root,
            dist_dir=Path(dist_dir).resolve() if dist_dir else root / "dist",
            formats=formats,
            articles=tuple(dict.fromkeys(articles)),
            source_date_epoch=int(epoch) if epoch is not None else None,
        )
