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
