"""WeasyPrint, imported the quick way.

WeasyPrint 70 opens Pango, GLib, HarfBuzz and fontconfig through cffi with
several names per library ('pango-1.0-0', 'libpango-1.0-0', 'libpango-1.0.so.0',
...). For each name without '.so', cffi asks ctypes.util.find_library, which on
Linux runs `ldconfig -p` and a compiler in subprocesses: about 0.16 s of the
import, for names that are then not found anyway. While WeasyPrint is imported,
find_library answers None at once for such names, so that the names that work
(the .so ones) are reached directly; if that fails, the import is tried again the
ordinary way. Every module of Imprint imports WeasyPrint from here.
"""

from __future__ import annotations

import ctypes.util
import sys


def _import():
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    real = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint
    except (OSError, ImportError):
        for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            del sys.modules[name]
        ctypes.util.find_library = real
        import weasyprint
    finally:
        ctypes.util.find_library = real
    return weasyprint


weasyprint = _import()


def _remember_page_references() -> None:
    """pydyf's PDF.page_references makes a tuple of every page's reference each
    time it is read, and WeasyPrint's PDF/UA tagging reads it once per tagged
    box: quadratic, 7,300 reads and 0.08 s for an 83-page article. Here the tuple is made once per
    number of pages (pages are only ever added), with the same bytes."""
    import pydyf

    if pydyf.__version__ != "0.13.0":  # the version this was checked with (constraints.txt)
        return

    def page_references(pdf) -> tuple[bytes, ...]:
        kids = pdf.pages["Kids"]
        made = pdf.__dict__.get("_page_references")
        if made is None or made[0] != len(kids):
            made = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
            pdf.__dict__["_page_references"] = made
        return made[1]

    pydyf.PDF.page_references = property(page_references)


_remember_page_references()
