#!/usr/bin/env python3
"""Publish the articles in source/ into dist/. Run `python publish.py --help`."""

import sys

try:
    from imprint.cli import main
except ImportError as error:  # run outside the set-up environment
    sys.exit(f"Imprint is not installed here ({error}).\n"
             "Run ./build.sh once: it installs what Imprint needs into .venv/ and builds dist/.")

if __name__ == "__main__":
    sys.exit(main())
