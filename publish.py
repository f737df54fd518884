#!/usr/bin/env python3
"""Publish the articles in source/ into dist/. Run `python publish.py --help`."""

import gc
import sys

# Python's cycle collector runs after every 700 new objects by default; WeasyPrint
# and the body's renderer make millions, few of them in cycles. Every 20,000 (and fewer
# full passes): the long benchmark article's PDF spends 0.15 s collecting instead
# of 0.48 s (20 passes, not 649), its EPUB 0.26 s instead of 0.28, peak memory the
# same. Set before anything is loaded; the worker processes a build forks inherit
# it (and collect between their units: executor.py).
gc.set_threshold(20_000, 20, 50)

try:
    from imprint.cli import main
except ImportError as error:  # run outside the set-up environment
    sys.exit(f"Imprint is not installed here ({error}).\n"
             "Run ./build.sh once: it installs what Imprint needs into .venv/ and builds dist/.")

if __name__ == "__main__":
    status = main()
    # What is left is Python's teardown, whose last cycle collection looks at every
    # object the build made (about 0.03 s for a one-article build): frozen objects
    # are left out of it (gc.freeze, Python's documented way to exempt them). Every
    # file is written and closed, every worker stopped, by now.
    gc.freeze()
    sys.exit(status)
