#!/usr/bin/env bash
# `apt-install.sh NAME WHY PACKAGE...`: Debian packages with apt-get when run as root, else one line
# naming the command (NAME: the caller, for that line; WHY: what goes without them) and exit 1.
set -euo pipefail
name=$1 why=$2
shift 2
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "$name: installing $*"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "$@" >/dev/null
else
  echo "$name: $* missing ($why); run: sudo apt-get install -y $*" >&2
  exit 1
fi
