#!/usr/bin/env bash
# Set up (first run only) and build every edition of every article into dist/.
# Arguments are passed to publish.py: ./build.sh --help
# `./build.sh check` also sets up the validators, then checks dist/.
set -euo pipefail
cd "$(dirname "$0")"
if [ "${1:-}" = check ]; then scripts/setup.sh check; else scripts/setup.sh build; fi
PYTHONUTF8=1 exec .venv/bin/python publish.py "$@"
