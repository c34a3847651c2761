#!/usr/bin/env bash
# Installs Ace by DAISY for `make check` / `pressroom check --ace`, once, and nothing when it is all
# there: Debian's `chromium` (apt-get when run as root, else one line naming the command), then the
# npm package @daisy/ace-cli (not @daisy/ace: that one pulls Electron) into .tools/ace/ (git-ignored),
# with Puppeteer's own browser download skipped: Ace drives the system Chromium through
# PUPPETEER_EXECUTABLE_PATH (pipeline/check/ace.py sets it).
set -euo pipefail
cd "$(dirname "$0")/.."

ACE_VERSION=1.4.6
DIR=.tools/ace

browser=""
for b in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
  [ -x "$b" ] && { browser=$b; break; }
done
if [ -z "$browser" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "bootstrap-ace: installing chromium"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "bootstrap-ace: Chromium is missing; run: sudo apt-get install -y chromium" >&2
    exit 1
  fi
fi

PUPPETEER_SKIP_DOWNLOAD=1 bash scripts/npm-tool.sh bootstrap-ace @daisy/ace-cli "$ACE_VERSION" "$DIR"
