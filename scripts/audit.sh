#!/usr/bin/env bash
# Audits every pinned Python package (constraints.txt) against the known
# advisories of the PyPI/OSV database, with pip-audit in a venv of its own
# (.tools/audit: it stays out of Imprint's .venv). Exit code non-zero on any
# advisory. Needs the network; CI runs it after the tests (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
tool=.tools/audit
if ! "$tool/bin/pip-audit" --version >/dev/null 2>&1; then
  rm -rf "$tool"
  python3 -m venv "$tool"
  "$tool/bin/python" -m pip install -q --disable-pip-version-check pip-audit==2.10.1
fi
"$tool/bin/pip-audit" --requirement constraints.txt --no-deps --disable-pip --progress-spinner off --strict
