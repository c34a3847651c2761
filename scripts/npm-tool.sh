#!/usr/bin/env bash
# `npm-tool.sh NAME PACKAGE VERSION DIR`: installs the npm package PACKAGE@VERSION into DIR (under
# the git-ignored .tools/), once, and nothing when that version is there; Debian's nodejs and npm
# first when they are missing (apt-get when run as root, else one line naming the command).
# Used by bootstrap-ace.sh (Ace by DAISY) and bootstrap-pdfjs.sh (pdf.js, for the formula search test).
set -euo pipefail
name=$1 package=$2 version=$3 dir=$4

if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "$name: installing nodejs and npm"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
  else
    echo "$name: npm is missing; run: sudo apt-get install -y nodejs npm" >&2
    exit 1
  fi
fi

stamp=$dir/.installed
if [ ! -d "$dir/node_modules/$package" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$version" ]; then
  echo "$name: installing $package@$version into $dir"
  mkdir -p "$dir"
  [ -f "$dir/package.json" ] || printf '{"name":"pressroom-%s","private":true}\n' "$name" > "$dir/package.json"
  (cd "$dir" && npm install -s --no-fund --no-audit "$package@$version")
  echo "$version" > "$stamp"
fi
