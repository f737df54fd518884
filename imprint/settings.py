"""Settings of one build: where things are, what to make. Declared once, here.

What a publication decides (paper, citation style, base URL, ...) is not here:
it lives in source/publication.yaml and is declared in source/schema.py.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping

from .editions import DEFAULT, EDITIONS
from .errors import UsageError

PAPER_NAMES = ("A4", "Letter", "A5")
ARTICLE_FILE = "article.md"  # an article is a folder of source/ with this file
# Imprint's own styles: the last folder of every project's search path, where
# the project's styles/ lacks a file (render.Theme), and part of the build key.
IMPRINT_STYLES_DIR = Path(__file__).resolve().parents[1] / "styles"


def styles_path(styles_dir: Path) -> list[Path]:
    """Where templates, stylesheets and the rest are looked up, in order."""
    return [styles_dir] if styles_dir.resolve() == IMPRINT_STYLES_DIR else [styles_dir, IMPRINT_STYLES_DIR]

# Seconds one article or issue may take to render (--time-limit): the long
# benchmark article (30,000 words, 200 notes) takes about 7.
TIME_LIMIT = 300.0


def unread_document(path: Path) -> bool:
    """Whether a file of an article's folder is a text an editor meant as the
    article where no article.md is: a Quarto or R Markdown document (index.qmd,
    paper.Rmd), index.md, paper.md, or article.md in other letters (Article.md)."""
    return path.suffix.lower() in (".qmd", ".rmd") or path.name.lower() in ("index.md", "paper.md", ARTICLE_FILE)


# The publication file's name as it is miswritten: read by no build, told (source/project.py)
MISNAMED_PUBLICATION = ("publication.yml", "publication.yaml")  # (in lower case: Publication.yaml too)


def jobs_wanted(jobs: int | None) -> int:
    """How many processes `--jobs` asks for (build and check): one per core when
    not given."""
    if jobs is not None and jobs < 1:
        raise UsageError(f"--jobs must be 1 or more, not {jobs}")
    return jobs or os.cpu_count() or 1


@dataclass(frozen=True)
class Settings:
    root: Path  # the project: source/, styles/ and, by default, dist/ are in it
    dist_dir: Path
    formats: tuple[str, ...] | None = None  # None: the publication's `editions`, else editions.DEFAULT
    articles: tuple[str, ...] = ()  # slugs to build; empty: all
    # Overrides every date the editions carry (reproducible-builds.org convention).
    source_date_epoch: int | None = None
    paper: str | None = None  # overrides the paper of every print edition
    booklet: tuple[str, ...] | None = None  # print editions also imposed as booklets; None: the publication's
    crop_marks: bool | None = None  # crop marks and bleed; None: the publication's
    force: bool = False  # build everything, even what the manifest says is up to date
    jobs: int = 1  # units built at once by the local executor, each in a process of its own
    time_limit: float | None = TIME_LIMIT  # seconds an article or issue may take to render; None: no limit
    # Where units run (building/executor.py): "local" (worker processes), "inline" (here: watch),
    # "dask://HOST:PORT"; None: IMPRINT_EXECUTOR, else local.
    executor: str | None = None
    shard: tuple[int, int] | None = None  # (K, N): build only the K-th of N parts
    # Confinement for projects Imprint did not write (a build service): no file of the
    # project may have more than one name, since another may lie outside it (files.linked_files).
    strict: bool = False

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
        paper: str | None = None,
        booklet: bool | None = None,
        crop_marks: bool | None = None,
        force: bool = False,
        jobs: int | None = 1,
        shard: str | None = None,
        time_limit: float | None = TIME_LIMIT,
        executor: str | None = None,
        strict: bool = False,
    ) -> "Settings":
        root = Path(root).resolve()
        formats = tuple(dict.fromkeys(formats)) if formats else None
        unknown = [f for f in formats or () if f not in EDITIONS]
        if unknown:
            import difflib

            close = [m for u in unknown for m in difflib.get_close_matches(u, list(EDITIONS), n=1)]
            raise UsageError(f"unknown format {', '.join(unknown)}"
                             + (f" (did you mean {', '.join(close)}?)" if close else "")
                             + f": choose from {', '.join(EDITIONS)}")
        if paper is not None and paper.lower() not in (p.lower() for p in PAPER_NAMES):
            raise UsageError(f"unknown paper {paper}: choose from {', '.join(PAPER_NAMES)}")
        # (set but empty, as CI systems export it, is unset: the specification leaves an
        # empty value to the build, as a missing one; reproducible-builds.org/specs/source-date-epoch)
        epoch = environ.get("SOURCE_DATE_EPOCH") or None
        # Zip entries cannot carry dates before 1980 nor, here, after 9999.
        if epoch is not None and not (epoch.strip().isdigit() and 315532800 <= int(epoch) < 253402300800):
            raise UsageError(f"SOURCE_DATE_EPOCH must be seconds since 1970 between 1980 and 9999, not {epoch!r}")
        if time_limit is not None and not time_limit > 0:
            raise UsageError(f"--time-limit must be a number of seconds above 0, not {time_limit:g}")
        parts = None
        if shard is not None:
            match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", shard)
            if not match or not 1 <= int(match.group(1)) <= int(match.group(2)):
                raise UsageError(f"--shard must be K/N with 1 <= K <= N (for example 2/4), not {shard!r}")
            parts = (int(match.group(1)), int(match.group(2)))
            if articles:
                raise UsageError("--shard builds its own part: name no articles with it")
        return cls(
            root=root,
            dist_dir=Path(dist_dir).resolve() if dist_dir else root / "dist",
            formats=formats,
            articles=tuple(dict.fromkeys(articles)),
            source_date_epoch=int(epoch) if epoch is not None else None,
            paper=paper,
            booklet=tuple(name for name, f in EDITIONS.items() if f.printed) if booklet else None,
            crop_marks=crop_marks,
            force=force,
            jobs=jobs_wanted(jobs),
            time_limit=time_limit,
            executor=executor or environ.get("IMPRINT_EXECUTOR") or None,
            shard=parts,
            strict=strict,
        )

    def identity(self) -> str:
        """What of these settings every file depends on (the build manifest's key).
        What an edition's files depend on is the edition's own (editions()): a run
        for one edition (-f handout --paper Letter) leaves the others up to date."""
        return repr(self.source_date_epoch)

    def request(self) -> str:
        """What the command line asked of the editions, before the publication's choices."""
        return repr((self.formats, self.paper, self.booklet, self.crop_marks))

    def editions(self) -> dict[str, str]:
        """The editions made (these settings with the publication's choices:
        for_publication), each with what its files depend on of the settings: a
        print edition's paper, crop marks and booklet."""
        return {fmt: repr((self.paper, bool(self.crop_marks), fmt in (self.booklet or ())))
                if EDITIONS[fmt].printed else "" for fmt in self.formats or ()}

    def for_publication(self, editions: tuple[str, ...] | None, booklet: tuple[str, ...],
                        crop_marks: bool) -> "Settings":
        """These settings with the publication's choices where the command line made none."""
        formats = self.formats or editions or DEFAULT
        chosen = self.booklet if self.booklet is not None else booklet
        return replace(
            self,
            formats=formats,
            booklet=tuple(f for f in chosen if f in formats and EDITIONS[f].printed),
            crop_marks=crop_marks if self.crop_marks is None else self.crop_marks,
        )
