"""Imprint: one Markdown source per article, published as EPUB 3 and print PDF
with citation front matter. See pipeline.build() for the recipe."""

__version__ = "0.1.0"

from .errors import ImprintError, InternalError, Problem, SourceError, StyleError, UsageError, UserError  # noqa: E402

__all__ = [
    "build", "BuildReport", "ImprintError", "InternalError", "Problem", "SourceError", "StyleError",
    "UsageError", "UserError", "__version__",
]


def __getattr__(name: str):
    # The pipeline (and all it imports) is loaded when first asked for, so that
    # `publish.py` can tell quickly when there is nothing to build.
    if name in ("build", "BuildReport"):
        from . import pipeline
        return getattr(pipeline, name)
    raise AttributeError(f"module 'imprint' has no attribute {name!r}")
