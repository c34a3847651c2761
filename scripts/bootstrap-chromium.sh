#!/usr/bin/env bash
# Debian's `chromium`, for the preview's real-browser test and bench/serve_latency.py (driven by
# playwright with executable_path=/usr/bin/chromium; `playwright install` is never run): apt-get
# when run as root, else one line naming the command (the test then skips).
set -euo pipefail
for b in /usr/bin/chromium /usr/bin/chromium-browser; do
  [ -x "$b" ] && exit 0
done
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "bootstrap-chromium: installing chromium"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends chromium >/dev/null
else
  echo "bootstrap-chromium: Chromium is missing (the browser test skips); run: sudo apt-get install -y chromium" >&2
  exit 1
fi
