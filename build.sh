#!/usr/bin/env bash
# Set up (first run only) and build every edition of every article into dist/.
# Arguments are passed to publish.py: ./build.sh --help
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh build
PYTHONUTF8=1 exec .venv/bin/python publish.py "$@"
