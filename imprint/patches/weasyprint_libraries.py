"""WeasyPrint 70.0: its libraries opened by their file names on Linux, without
a library search for each of the names that cannot match.

Version: weasyprint 70.0 exactly (VERSION; check_versions() refuses another), with
cffi 2.1.1, whose `FFI.dlopen` it wraps while WeasyPrint is imported, and only then.

What goes wrong: weasyprint/text/ffi.py opens GObject, Pango, HarfBuzz (and its
subset and vector parts), fontconfig and PangoFT2 by trying a list of names,
Windows-style first ('libpango-1.0-0', 'pango-1.0-0', 'pango-1.0', then
'libpango-1.0.so.0', ...). For each name it cannot open as a file, cffi calls
ctypes.util.find_library, which on Linux runs `ldconfig -p` and a compiler in
subprocesses. Measured (2026-12-05, Debian 12, 2 cores, Python 3.11, median of 7
fresh processes): 22 lookups, 0.16 s of an import of 0.37 s, in every process
that makes a PDF (a worker, `watch`).

The patch: while WeasyPrint is imported (and only then), on Linux, a name that is
neither a path nor a shared object's file name ('….so' or '….so.N') is refused at
once, as find_library would refuse it after its search, so that WeasyPrint's own
next name, the '.so.N' one, is opened directly; a file name that dlopen cannot
open (HarfBuzz-vector, which Debian 12 lacks) is refused without a search too. Should that import fail (a
system where only a searched name works), it is imported again without the
patch. Same libraries, so the same bytes.

Test that fails without it: tests/test_patches.py::test_weasyprint_opens_its_libraries_without_a_search

Upstream: to be filed; docs/upstream.md#weasyprint-library-lookups-at-import.
"""

from __future__ import annotations

import ctypes
import re
import sys
from contextlib import contextmanager
from types import ModuleType
from typing import Iterator

DISTRIBUTION = "weasyprint"
VERSION = "70.0"
UPSTREAM = "docs/upstream.md#weasyprint-library-lookups-at-import"

_FILE_NAME = re.compile(r"(/|\.so(\.\d+)*$)")  # what dlopen opens without a search


def import_weasyprint() -> ModuleType:
    """WeasyPrint, imported with its libraries opened by their file names."""
    if "weasyprint" in sys.modules:
        return sys.modules["weasyprint"]
    try:
        with _opened_directly():
            import weasyprint
    except OSError:  # a system where only a searched name is found: the ordinary way
        for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            del sys.modules[name]
        import weasyprint
    return weasyprint


@contextmanager
def _opened_directly() -> Iterator[None]:
    if not sys.platform.startswith("linux"):
        yield
        return
    from cffi import api

    dlopen = api.FFI.dlopen

    def by_file_name(ffi, name, flags=0):
        if isinstance(name, str):
            if not _FILE_NAME.search(name):
                raise OSError(f"{name!r} is not a file name (imprint/patches/weasyprint_libraries.py)")
            # A file name that dlopen cannot open (an optional library not installed):
            # refused here, where cffi would search for it under that name too.
            ctypes.CDLL(name)  # (raises OSError; else cffi opens it again below, at once)
        return dlopen(ffi, name, flags)

    api.FFI.dlopen = by_file_name
    try:
        yield
    finally:
        api.FFI.dlopen = dlopen


def apply() -> None:
    """(Nothing to do once WeasyPrint is imported: the patch is import_weasyprint().)"""


def applied() -> bool:
    return True
