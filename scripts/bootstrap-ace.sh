#!/usr/bin/env bash
# Installs Ace by DAISY for `make check` / `pressroom check --ace`, once, and nothing when it is all
# there: Debian's `chromium` (scripts/bootstrap-chromium.sh), then the
# npm package @daisy/ace-cli (not @daisy/ace: that one pulls Electron) into .tools/ace/ (git-ignored),
# with Puppeteer's own browser download skipped: Ace drives the system Chromium through
# PUPPETEER_EXECUTABLE_PATH (pipeline/check/ace.py sets it).
set -euo pipefail
cd "$(dirname "$0")/.."

ACE_VERSION=1.4.6
DIR=.tools/ace

bash scripts/bootstrap-chromium.sh bootstrap-ace "Ace needs it"
PUPPETEER_SKIP_DOWNLOAD=1 bash scripts/npm-tool.sh bootstrap-ace @daisy/ace-cli "$ACE_VERSION" "$DIR"
