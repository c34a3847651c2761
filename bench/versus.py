#!/usr/bin/env python3
"""`make bench-versus`: this checkout against an earlier commit, on the same 50-article book.

Issue 21 asks that the emit/ redesign leave `make bench` within 3 % of before. Machine speed here
drifts by a fifth within minutes, so a figure remembered from another day proves nothing: this
script checks the earlier commit out beside this one (`git worktree`, same venv), then builds
the same book cold (EPUB, then PDF) with each, in turn (old, new, old, new, ...), medians of
`--runs`, and prints new / old for wall and CPU time (user + system of the whole process tree).
Default `--against f6ff508`: main just before `emit/ by format` (2db8d06), the first commit of
the redesign. A benchmark, never a test.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import CORPUS, PY, ROOT, assemble, median, measure  # noqa: E402


def build(tree: Path, book: Path, out: Path, fmt: str) -> list[str]:
    """A cold build of `book` by the pipeline package in `tree` (its own templates and code)."""
    return ["env", f"PYTHONPATH={tree}", PY, "-m", "pipeline", "build", "--source", str(book),
            "--out", str(out), "--format", fmt]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--against", default="f6ff508", help="the earlier commit (default: before the emit/ redesign)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--articles", type=int, default=50)
    ap.add_argument("--formats", default="epub,pdf", help="which cold builds (default: epub,pdf)")
    args = ap.parse_args()
    if not CORPUS.is_dir():
        raise SystemExit(f"no corpus at {CORPUS}")
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                          text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory(prefix="pressroom-versus-") as tmp:
        tmp = Path(tmp)
        old = tmp / "old"
        subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(old), args.against], cwd=ROOT, check=True)
        try:
            for tree in (old, ROOT):  # bytecode first, as make does, so that no run pays for compiling
                subprocess.run([PY, "-m", "compileall", "-q", str(tree / "pipeline")], check=True)
            book = assemble(tmp, args.articles)
            print(f"{args.articles} articles; {args.against} (old) against {head} (new, this checkout); "
                  f"cold builds in turn, medians of {args.runs}; {os.cpu_count()} cores")
            for fmt in args.formats.split(","):
                rows: dict[str, list] = {"old": [], "new": []}
                for i in range(args.runs):
                    for name, tree in (("old", old), ("new", ROOT)):
                        rows[name].append(measure(build(tree, book, tmp / f"{name}-{fmt}-{i}", fmt), tree))
                m = {name: median(r) for name, r in rows.items()}
                for name in ("old", "new"):
                    print(f"  {fmt} {name:<4} {m[name]['wall']:8.2f} s wall {m[name]['cpu']:8.2f} s cpu "
                          f"{m[name]['rss'] / 2**20:6.0f} MiB")
                print(f"  {fmt} new / old: wall {m['new']['wall'] / m['old']['wall']:.3f}, "
                      f"cpu {m['new']['cpu'] / m['old']['cpu']:.3f} (target <= 1.03)", flush=True)
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=False)


if __name__ == "__main__":
    main()
