#!/usr/bin/env bash
# Installs what Pressroom needs, once, and nothing when it is all there (no network on a warm run):
# the Debian packages (CJK, emoji and symbol fonts, poppler, Java for EPUBCheck) with apt-get when
# run as root, else one line naming the command; then .venv with the pinned PyPI packages.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PKGS="fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fonts-noto-color-emoji fonts-noto-core fonts-noto-mono fonts-dejavu-core fonts-symbola poppler-utils"
missing=()
if command -v dpkg >/dev/null 2>&1; then
  for p in $APT_PKGS; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
fi
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
if [ ${#missing[@]} -gt 0 ]; then
  bash scripts/apt-install.sh bootstrap "Pressroom cannot build without them" "${missing[@]}"
fi

stamp=.venv/.pressroom-installed
want=$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "bootstrap: installing Python packages into .venv"
  python3 -m venv .venv
  # pip and setuptools talk a lot (setuptools' "Please be careful with folders in your working
  # directory" banner, pip's "Location 'file:///…' is ignored"): all of it goes to a log, shown
  # only when pip fails
  log=.venv/bootstrap-pip.log
  if ! { .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip \
         && .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'; } >"$log" 2>&1; then
    cat "$log" >&2
    echo "bootstrap: pip failed (its output above, and in $log)" >&2
    exit 1
  fi
  echo "$want" > "$stamp"
fi
