#!/usr/bin/env bash
# pdf.js (npm pdfjs-dist, its text layer as a viewer's search reads it) into .tools/pdfjs/, for the
# test that a formula's LaTeX is found by search in pdf.js as in poppler (tests/test_math_editions.py;
# it skips when this cannot install).
set -euo pipefail
cd "$(dirname "$0")/.."
exec bash scripts/npm-tool.sh bootstrap-pdfjs pdfjs-dist 5.6.205 .tools/pdfjs
