#!/usr/bin/env bash
# Debian's `chromium`, once: for Ace by DAISY (bootstrap-ace.sh calls this), the preview's
# real-browser test and bench/serve_latency.py (driven by playwright with executable_path=
# /usr/bin/chromium; `playwright install` is never run). apt-get when run as root, else one line
# naming the command and exit 1. `bootstrap-chromium.sh NAME WHY`: the caller's name and what
# goes without it, for that line.
set -euo pipefail
name=${1:-bootstrap-chromium} why=${2:-the browser test skips}
for b in /usr/bin/chromium /usr/bin/chromium-browser /usr/bin/google-chrome; do
  [ -x "$b" ] && exit 0
done
exec bash "$(dirname "$0")/apt-install.sh" "$name" "$why" chromium
