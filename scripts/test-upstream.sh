#!/usr/bin/env bash
# `make test-upstream`: the upgrade path. A separate venv (build/upstream-venv) with the newest
# WeasyPrint and pydyf on PyPI, the project's other dependencies as pinned, and the project itself
# (editable, no dependencies of its own resolved); then the PDF tests with every Pressroom patch
# off (PRESSROOM_ENGINE_PATCHES=0): what a WeasyPrint upgrade keeps working before any patch is
# ported. When the newest WeasyPrint is the pinned one it says so and runs all the same.
# Not part of `make test`: it downloads, and the PDF tests take minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV=build/upstream-venv
[ -x "$VENV/bin/python" ] || python3 -m venv "$VENV"
PIP=("$VENV/bin/python" -m pip install -q --disable-pip-version-check)
# every pinned dependency but WeasyPrint, the newest WeasyPrint and pydyf, the test extra
mapfile -t wanted < <(python3 - <<'PY'
import tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
names = ("weasyprint", "pydyf")
for dep in project["dependencies"] + project["optional-dependencies"]["test"]:
    if not dep.lower().startswith(names):
        print(dep)
print(*names, sep="\n")
PY
)
"${PIP[@]}" --upgrade "${wanted[@]}" 2>&1 | grep -v "^WARNING: Location" || true
"${PIP[@]}" --no-deps -e . 2>&1 | grep -v "^WARNING: Location" || true
pinned=$(sed -n 's/^ *"weasyprint==\([^"]*\)".*/\1/p' pyproject.toml)
newest=$("$VENV/bin/python" -c 'import weasyprint; print(weasyprint.__version__)')
pydyf=$("$VENV/bin/python" -c 'import pydyf; print(pydyf.__version__)')
if [ "$newest" = "$pinned" ]; then
  echo "test-upstream: the newest WeasyPrint on PyPI is the pinned one ($pinned; pydyf $pydyf): running the PDF tests with the patches off against it"
else
  echo "test-upstream: WeasyPrint $newest (pinned: $pinned), pydyf $pydyf: running the PDF tests with the patches off"
fi
PRESSROOM_ENGINE_PATCHES=0 "$VENV/bin/python" -m pytest -q -p no:cacheprovider \
  tests/test_emit_pdf.py tests/test_pdf_*.py "$@"
