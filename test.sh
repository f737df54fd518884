#!/usr/bin/env bash
# Set up (first run only) and run the whole test suite, validators included.
# Arguments are passed to pytest: ./test.sh -k epub
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
PYTHONUTF8=1 exec .venv/bin/python -m pytest "$@"
