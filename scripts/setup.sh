#!/usr/bin/env bash
# Sets up everything Imprint needs on Debian 12, then returns. Safe to run again:
# each step is skipped when what it installs is already there and up to date.
#
#   scripts/setup.sh          what a build needs: WeasyPrint's libraries, fonts,
#                             Python, .venv with the pinned packages
#   scripts/setup.sh check    and the validators of `publish.py check`: Java and
#                             EPUBCheck, Chromium, Node.js and DAISY Ace
#   scripts/setup.sh test     and what the tests need besides: the Nu Html Checker,
#                             axe-core, poppler, zbar, pandoc, pytest, Hypothesis,
#                             pip-audit, Dask
#   scripts/setup.sh cluster  what a build needs, and Dask (for --executor dask://,
#                             on the machine that builds and on each Dask worker)
#
# Missing Debian packages are installed when run as root (or with password-less
# sudo); otherwise the script names them and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-build}"
say() { printf 'setup: %s\n' "$*" >&2; }

has_pkg() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }
has_cmd() { command -v "$1" >/dev/null 2>&1; }

missing=()
# python3-venv provides ensurepip, without which `python3 -m venv` fails on Debian.
if ! has_cmd python3; then missing+=(python3 python3-venv)
elif ! python3 -c 'import ensurepip, venv' 2>/dev/null; then missing+=(python3-venv); fi
# WeasyPrint's libraries (pango pulls fontconfig, harfbuzz, freetype) and a serif
# with Latin and Cyrillic for the print edition (PT Serif).
for pkg in libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-paratype; do
  has_pkg "$pkg" || missing+=("$pkg")
done
case "$mode" in build|check|test|cluster) ;; *) say "unknown mode '$mode': build, check, test or cluster"; exit 2;; esac
if [ "$mode" = check ] || [ "$mode" = test ]; then  # the validators of `publish.py check`
  has_cmd java || missing+=(default-jre-headless)       # EPUBCheck
  has_cmd chromium || missing+=(chromium)               # DAISY Ace renders pages in it
  has_cmd node || missing+=(nodejs)
  has_cmd npm || missing+=(npm)
fi
if [ "$mode" = test ]; then
  has_cmd pdftotext || missing+=(poppler-utils)         # pdftotext, pdffonts, pdfinfo, pdftoppm
  has_cmd zbarimg || missing+=(zbar-tools)              # decodes the handout's QR code
  has_cmd pandoc || missing+=(pandoc)                   # reads the EPUBs back (tests/test_ereaders.py)
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then apt=(apt-get); elif has_cmd sudo && sudo -n true 2>/dev/null; then apt=(sudo apt-get)
  else
    say "these Debian packages are missing: ${missing[*]}"
    say "install them with: sudo apt-get install --no-install-recommends ${missing[*]}"
    exit 2
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${apt[@]}" update -qq
  "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python3 - <<'PY' || { say "Imprint needs Python 3.11 or newer"; exit 2; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

# Python packages, pinned by pyproject.toml and constraints.txt.
if ! .venv/bin/python -m pip --version >/dev/null 2>&1; then  # missing, or left half-made
  say "creating .venv"
  rm -rf .venv
  python3 -m venv .venv
fi
extras=""; [ "$mode" != build ] && extras="[$mode]"
stamp=".venv/.imprint-$mode"
want="$(cat pyproject.toml constraints.txt | sha256sum | cut -d' ' -f1)"
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  say "installing Python packages into .venv"
  .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".$extras"
  echo "$want" > "$stamp"
fi
# Imprint's own modules compiled ahead, as pip compiles the packages it installs
# (an editable install is not compiled): Python then loads them from __pycache__
# even where it may not write there (PYTHONDONTWRITEBYTECODE), instead of
# compiling them at every run (some 0.05 s). Only changed modules are compiled.
.venv/bin/python -m compileall -q imprint publish.py >/dev/null

if [ "$mode" = check ] || [ "$mode" = test ]; then
  # DAISY Ace, pinned by scripts/ace/package-lock.json. Puppeteer's own browser
  # download is skipped: Ace runs with Debian's Chromium (tests/validators.py).
  ace=.tools/ace
  want="$(cat scripts/ace/package.json scripts/ace/package-lock.json | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$ace/.stamp" 2>/dev/null)" != "$want" ] || [ ! -x "$ace/node_modules/.bin/ace-cli" ]; then
    say "installing DAISY Ace into $ace"
    mkdir -p "$ace"
    cp scripts/ace/package.json scripts/ace/package-lock.json "$ace/"
    (cd "$ace" && PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" > "$ace/.stamp"
  fi
fi
if [ "$mode" = test ]; then
  # The download site's validators, pinned by scripts/vnu/package-lock.json: the Nu
  # Html Checker (vnu.jar, run with Debian's Java; 26.x needs Java 17 or newer) and
  # axe-core (run in Debian's Chromium by tests/axe-check.js, with Ace's puppeteer-core).
  # --ignore-scripts: vnu-jar's postinstall would download a Java runtime if none were
  # on PATH; the tests run the jar with Debian's.
  vnu=.tools/vnu
  want="$(cat scripts/vnu/package.json scripts/vnu/package-lock.json | sha256sum | cut -d' ' -f1)"
  if [ "$(cat "$vnu/.stamp" 2>/dev/null)" != "$want" ] || [ ! -f "$vnu/node_modules/vnu-jar/build/dist/vnu.jar" ] \
      || [ ! -f "$vnu/node_modules/axe-core/axe.min.js" ]; then
    say "installing the Nu Html Checker and axe-core into $vnu"
    mkdir -p "$vnu"
    cp scripts/vnu/package.json scripts/vnu/package-lock.json "$vnu/"
    (cd "$vnu" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
    echo "$want" > "$vnu/.stamp"
  fi
fi
