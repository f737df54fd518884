#!/usr/bin/env bash
# Audits every pinned Python package (constraints.txt) against the advisories of
# the PyPI and OSV databases, with pip-audit in a venv of its own (.tools/audit:
# it stays out of Imprint's .venv). Fails on any advisory. CI runs it after the
# tests (.ci/run).
#
# Where neither database can be reached (an offline machine, a package mirror
# that does not serve PyPI's JSON API), it says so loudly and exits 0: the test
# suite still holds every pin at or above the first version without the known
# advisories of the packages Imprint runs (tests/test_supply_chain.py).
set -euo pipefail
cd "$(dirname "$0")/.."
tool=.tools/audit
if ! "$tool/bin/pip-audit" --version >/dev/null 2>&1; then
  rm -rf "$tool"
  python3 -m venv "$tool"
  "$tool/bin/python" -m pip install -q --disable-pip-version-check pip-audit==2.10.1
fi
for service in pypi osv; do
  report="$tool/report-$service.json"
  status=0
  "$tool/bin/pip-audit" --requirement constraints.txt --no-deps --disable-pip --progress-spinner off \
    --vulnerability-service "$service" --format json --output "$report" 2>"$tool/log-$service.txt" || status=$?
  if [ ! -s "$report" ]; then continue; fi
  verdict=$("$tool/bin/python" - "$report" <<'PY'
import json, sys
deps = json.load(open(sys.argv[1]))["dependencies"]
audited = [d for d in deps if "skip_reason" not in d]
vulns = [(d["name"], d["version"], v["id"], v.get("fix_versions")) for d in audited for v in d.get("vulns", [])]
for name, version, ident, fixes in vulns:
    print(f"audit: {name} {version}: {ident} (fixed in {', '.join(fixes) or 'no release yet'})", file=sys.stderr)
print("vulnerable" if vulns else ("clean" if audited else "unaudited"), len(audited), len(deps))
PY
)
  set -- $verdict
  case "$1" in
    vulnerable) echo "audit: known advisories in the pinned packages ($service): upgrade them" >&2; exit 1;;
    clean) echo "audit: $2 of $3 pinned packages checked against $service: no known advisories"; exit 0;;
  esac
done
echo "audit: WARNING: no advisory database could be reached (PyPI, OSV): the pins were not audited online" >&2
echo "audit: (tests/test_supply_chain.py holds them above the known advisories of the packages Imprint runs)" >&2
exit 0
