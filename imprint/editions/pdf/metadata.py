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
        rdf = rdf.replace(b"</rdf:RDF>", self.extra + b"</rdf:RDF>")
        return _one_title(rdf) if b"<dc:title" in self.extra else rdf


def _one_title(rdf: bytes) -> bytes:
    """The title's languages (ours) added to WeasyPrint's dc:title, which holds its
    x-default: one dc:title, as XMP allows one of each property."""
    from lxml import etree

    root = etree.fromstring(rdf)
    titles = root.findall(f"{{{RDF}}}Description/{{{DC}}}title/{{{RDF}}}Alt")
    if len(titles) == 2:
        for item in titles[1]:
            titles[0].append(item)
        ours = titles[1].getparent().getparent()
        ours.remove(titles[1].getparent())
    return etree.tostring(root, encoding="utf-8")


RDF, DC = "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "http://purl.org/dc/elements/1.1/"
