"""Imprint: one Markdown source per article, published as EPUB 3 and print PDF
with citation front matter. See pipeline.build() for the recipe."""

__version__ = "0.1.0"

from .errors import ImprintError, InternalError, Problem, SourceError, StyleError, UsageError, UserError  # noqa: E402
from .pipeline import BuildReport, build  # noqa: E402

__all__ = [
    "build", "BuildReport", "ImprintError", "InternalError", "Problem", "SourceError", "StyleError",
    "UsageError", "UserError", "__version__",
]
