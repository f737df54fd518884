"""Imprint: one Markdown source per article, published as EPUB 3 and print PDF
with citation front matter. See pipeline.build() for the recipe."""

import importlib

__version__ = "0.1.0"

# The public names, each loaded from its module when first asked for: the
# pipeline (and all it imports) so that `publish.py` can tell quickly when there
# is nothing to build.
_PUBLIC = {
    "build": "pipeline", "BuildReport": "pipeline",
    **dict.fromkeys(("ImprintError", "InternalError", "Problem", "SourceError", "StyleError", "UsageError",
                     "UserError"), "errors"),
}
__all__ = [*_PUBLIC, "__version__"]


def __getattr__(name: str):
    if name in _PUBLIC:
        return getattr(importlib.import_module(f".{_PUBLIC[name]}", __name__), name)
    raise AttributeError(f"module 'imprint' has no attribute {name!r}")
