#!/usr/bin/env bash
# Debian's `valgrind`, once: for `make bench-math-instructions` (bench/math_cost.py --instructions
# counts the instructions a build executes with cachegrind).
set -euo pipefail
command -v valgrind >/dev/null 2>&1 && exit 0
exec bash "$(dirname "$0")/apt-install.sh" bootstrap-valgrind "the instruction count cannot run" valgrind
