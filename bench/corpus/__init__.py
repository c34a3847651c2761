"""`make corpus`: every corpus folder built as a zero-config book, and one table of what came out wrong.

Per folder: the source's text kept in order (`kept`), the author's text kept in order (`author's`:
the same letters found, out of the source's less what a rule removed as the web's leftovers and
recorded in `--explain`: outros, link cards, affiliate blocks, credit lines rewritten as captions;
target 99.5 %), the letters lost with no explanation (`lost?`:
each lost passage is matched against the `--explain` records of its article, explained.py; the target
is unexplained <= 0.5 %, i.e. kept + explained >= 99.5 %), then counts of what should not be in a
chapter's body (`detectors`: credit lines, raw Markdown, code blocks that ate prose, link-card and
outro remains, LaTeX), placeholder figures, the build's warnings, EPUBCheck (and Ace with `--ace`).
The table goes to stdout, the counts and every hit (file, excerpt) to build/corpus/report.json.
Measured on the five folders (2 shared cores): the builds about 40 s, EPUBCheck about 95 s and Ace
about 480 s the first time; both checks are kept beside each EPUB (by its SHA-256) and not run again.
Usage: .venv/bin/python -m bench.corpus [--corpus DIR]... [--show DETECTOR] [--ace] [--no-epubcheck]
"""
