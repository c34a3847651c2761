#!/usr/bin/env bash
# `make test-engine`: WeasyPrint's own test suite (from the pinned version's sdist on PyPI) run twice
# with the project's venv, plain and with every Pressroom patch installed as a build installs them
# (bench/engine/plugin.py), then the tests that pass plain and fail patched (bench/engine/compare.py).
# Needs Ghostscript (WeasyPrint's tests draw PDFs with gs): installed with apt-get when run as root.
# Not part of `make test`: it downloads, and each run takes minutes. K=expr narrows both runs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=$ROOT/.venv/bin/python
version=$(sed -n 's/^ *"weasyprint==\([^"]*\)".*/\1/p' pyproject.toml)
dir=build/engine/weasyprint-$version
if [ ! -d "$dir/tests" ]; then
  mkdir -p build/engine
  "$PY" -m pip download -q --disable-pip-version-check "weasyprint==$version" --no-binary :all: --no-deps \
    -d build/engine 2>&1 | grep -v "^WARNING: Location" || true
  # the tests only: they import the installed (pinned) WeasyPrint, not the sdist's copy of it
  tar -xzf "build/engine/weasyprint-$version.tar.gz" -C build/engine "weasyprint-$version/tests"
fi
# the sdist has no pytest configuration; this one keeps the project's own (pyproject.toml) out
printf '[pytest]\n' > "$dir/pytest.ini"
if ! command -v gs >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-engine: installing ghostscript"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends ghostscript >/dev/null
  else
    echo "test-engine: Ghostscript is missing; run: sudo apt-get install -y ghostscript" >&2
    exit 1
  fi
fi
run() {  # $1: report name, then pytest's extra arguments
  local name=$1; shift
  echo "test-engine: WeasyPrint $version's tests, $name"
  (cd "$dir" && PYTHONPATH="$ROOT" "$PY" -m pytest -q -p no:cacheprovider -o junit_family=xunit1 \
     --junitxml="$ROOT/build/engine/$name.xml" ${K:+-k "$K"} "$@" tests >"$ROOT/build/engine/$name.log" 2>&1) || true
  tail -n 1 "build/engine/$name.log"
}
# the whole plain run follows from WeasyPrint and the machine alone: kept (PLAIN=again runs it again)
plain=plain-$version
[ -z "${K:-}" ] || plain=plain-k
if [ ! -f "build/engine/$plain.xml" ] || [ -n "${PLAIN:-}" ] || [ -n "${K:-}" ]; then
  run "$plain"
else
  echo "test-engine: WeasyPrint $version's tests, plain: kept from before (build/engine/$plain.log; PLAIN=again)"
fi
run patched -p bench.engine.plugin
# a test broken by the patches is run again with each patch alone and with none but the join's
# rewrite of the PDF; the target fails on one that no patch's docstring names
"$PY" -m bench.engine.compare "build/engine/$plain.xml" build/engine/patched.xml ||
  "$PY" -m bench.engine.attribute "$dir" "build/engine/$plain.xml" build/engine/patched.xml
