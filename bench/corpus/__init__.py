"""`make corpus`: every corpus folder built as a zero-config book, and one table of what came out wrong.

Per folder: the author's text kept in order (`kept`), then counts of what should not be in a
chapter's body (`detectors`: credit lines, raw Markdown, code blocks that ate prose, link-card and
outro remains, LaTeX), placeholder figures, the build's warnings, EPUBCheck (and Ace with `--ace`).
The table goes to stdout, the counts and every hit (file, excerpt) to build/corpus/report.json.
Usage: .venv/bin/python -m bench.corpus [--corpus DIR]... [--show DETECTOR] [--ace] [--no-epubcheck]
"""
