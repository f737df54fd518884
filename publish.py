#!/usr/bin/env python3
"""Publish the articles in source/ into dist/. Run `python publish.py --help`."""

import gc
import os
import sys

# Python's cycle collector runs after every 700 new objects by default; WeasyPrint
# and the body's renderer make millions, few of them in cycles. Every 20,000 (and fewer
# full passes): the long benchmark article's PDF spends 0.15 s collecting instead
# of 0.48 s (20 passes, not 649), its EPUB 0.26 s instead of 0.28, peak memory the
# same. Set before anything is loaded; the processes a build forks inherit it (a
# worker collects between its units: jobs.py).
gc.set_threshold(20_000, 20, 50)

try:
    from imprint import dataclass_cache

    dataclass_cache.install()  # before any dataclass is defined: see imprint/dataclass_cache.py
    from imprint.cli import main
except ImportError as error:  # run outside the set-up environment
    sys.exit(f"Imprint is not installed here ({error}).\n"
             "Run ./build.sh once: it installs what Imprint needs into .venv/ and builds dist/.")

if __name__ == "__main__":
    status = main()
    # What is left to do once main() returns is freeing memory, which the system
    # does at once; Python's own teardown of every module and object takes about
    # 0.03 s, a tenth of making an e-reader edition (mypy's --fast-exit skips it
    # too). By then every file Imprint wrote is closed and its processes stopped.
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(status)
