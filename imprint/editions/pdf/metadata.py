"""WeasyPrint's document metadata with Imprint's XMP fields (xmp.py) in its one
rdf:RDF."""

from __future__ import annotations

from .weasy import weasyprint  # noqa: F401 (first: WeasyPrint, patched)
from weasyprint.pdf.metadata import DocumentMetadata  # noqa: E402


class Metadata(DocumentMetadata):
    """WeasyPrint's metadata with more rdf:Description elements in its one rdf:RDF
    (its own `xmp_metadata` option appends them after rdf:RDF, where XMP readers
    such as pikepdf do not look)."""

    def __init__(self, extra: bytes, **fields):
        super().__init__(**fields)
        self.extra = extra

    @classmethod
    def around(cls, metadata: DocumentMetadata, extra: bytes) -> "Metadata":
        """WeasyPrint's fields with ours (a layout written twice, print then archive,
        already has ours: they are replaced)."""
        return cls(extra, **{k: v for k, v in vars(metadata).items() if k != "extra"})

    def generate_rdf_metadata(self, variant, version, conformance):
        rdf = super().generate_rdf_metadata(variant, version, conformance)
        return rdf.replace(b"</rdf:RDF>", self.extra + b"</rdf:RDF>")
