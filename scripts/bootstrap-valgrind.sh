#!/usr/bin/env bash
# Debian's `valgrind`, once: for `make bench-math-instructions` (bench/math_cost.py --instructions
# counts the instructions a build executes with cachegrind). apt-get when run as root, else one
# line naming the command and exit 1.
set -euo pipefail
command -v valgrind >/dev/null 2>&1 && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "bootstrap-valgrind: installing valgrind"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends valgrind >/dev/null
else
  echo "bootstrap-valgrind: valgrind is missing; run: sudo apt-get install -y valgrind" >&2
  exit 1
fi
