"""WeasyPrint, with Imprint's patches of it (and of pydyf) applied.

Every module of Imprint that lays out or writes a PDF takes `weasyprint` from
here, so that no page is made before imprint/patches/ has been applied. Importing
WeasyPrint costs about 0.22 s (it opens Pango, HarfBuzz and fontconfig): import
this module only when a PDF is actually made.
"""

from __future__ import annotations

from ... import patches

weasyprint = patches.import_weasyprint()

__all__ = ["weasyprint"]
