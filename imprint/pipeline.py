"""The recipe: load sources -> models -> render -> write. Details live elsewhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .config import FORMATS, Settings
from .errors import Problem, UsageError, UserError
from .manuscript import Manuscript, prepare
from .output import write_atomic
from .render import Theme
from .source import load_project

Writer = Callable[[Manuscript, Theme, Settings], bytes]


@dataclass(frozen=True)
class Output:
    path: Path
    size: int


@dataclass
class BuildReport:
    outputs: list[Output] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)  # articles that could not be built

    @property
    def ok(self) -> bool:
        return not self.problems


def build(settings: Settings) -> BuildReport:
    """Build every selected edition of every selected article into dist/.

    An article with a problem is skipped and its problem reported; the others are
    still built. Each article's files are all rendered before any is written.
    """
    loaded = load_project(settings)
    publication = loaded.project.publication
    settings = settings.for_publication(publication.editions, publication.booklet, publication.crop_marks)
    theme = Theme(settings.root, settings.styles_dir)
    report = BuildReport(problems=list(loaded.problems))
    for article in loaded.project.articles:
        try:
            manuscript = prepare(article, theme, settings)  # finds the body's problems too
            if not loaded.ok(article):
                continue
            files = render_files(manuscript, theme, settings)
        except UserError as error:
            report.problems.extend(error.problems)
            continue
        for name, data in files.items():
            path = settings.dist_dir / article.slug / name
            try:
                write_atomic(path, data)
            except OSError as error:
                raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
            report.outputs.append(Output(path, len(data)))
    # A problem of the publication file is met by every article: say it once.
    report.problems = sorted(dict.fromkeys(report.problems), key=lambda p: (p.file, p.line or 0, p.column or 0))
    return report


def render_files(manuscript: Manuscript, theme: Theme, settings: Settings) -> dict[str, bytes]:
    """Every file of one article, by its name in dist/<slug>/."""
    slug = manuscript.article.slug
    files = {FORMATS[fmt].path(slug): writer_for(fmt)(manuscript, theme, settings) for fmt in settings.formats}
    if settings.booklet:
        from .writers.booklet import write_booklet
        for fmt in settings.booklet:
            files[FORMATS[fmt].path(slug, booklet=True)] = write_booklet(manuscript, theme, settings, fmt)
    return files


def writer_for(fmt: str) -> Writer:
    # Imported here: the PDF writers load WeasyPrint, which only a PDF build needs.
    if fmt == "epub":
        from .writers.epub import write_epub
        return write_epub
    if FORMATS[fmt].printed:
        from .writers import pdf
        return {"pdf": pdf.write_print, "archive": pdf.write_archive, "handout": pdf.write_handout}[fmt]
    from .writers import exports
    return {"json": exports.write_csl_json, "bib": exports.write_bibtex, "ris": exports.write_ris}[fmt]
