#!/usr/bin/env python3
"""`make bench-sizes` (and the end of `make bench`): Pressroom at the sizes people build, beside pandoc.

Books of 1, 4, 10 and 50 articles of ../shared/corpus/tds-zh-2025 (their images with them; 50
cycles the folder's 40). For each: Pressroom's cold EPUB beside pandoc's EPUB 3, Pressroom's cold
PDF beside pandoc -> HTML + WeasyPrint with a CJK print stylesheet (the same fonts and page size
as the house style), each pair run in turn so that a shared machine's drift falls on both; then
Pressroom warm (every chapter and part from the cache, `--force`) and a rebuild with nothing
changed. Then the default book: `make all` from the installed venv into a fresh folder, `make all`
again (nothing to do), and `pressroom build` with nothing changed. Wall time, CPU time of the whole
process tree, peak memory of the tree, the PDF's size and its embedded font objects
(`pdffonts`: a face embedded once per part shows as many rows). Medians of `--runs` (3); the
50-article pandoc + WeasyPrint PDF runs once unless `--full-baseline`. Prints one table of ratios
against the targets of the small-books issue (the ratio of the medians, and the median of each
run's ratio to the baseline's run beside it, steadier where the machine's speed drifts), and
writes build/bench-sizes.json. "Cold" is a book never built before (a fresh `--out`), on an
installation that has built a book before (the user's cache: pipeline/user_cache.py). A
benchmark, never a test.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import PY, ROOT, assemble, measure, pandoc, pressroom  # noqa: E402

SIZES = (1, 4, 10, 50)
FOLDER = "tds-zh-2025/docs"  # of CORPUS
# pandoc's HTML laid out as a Chinese book: the fonts the house style uses, its page, justified text
CJK_PRINT_CSS = """
@page { size: 6in 9in; margin: 0.75in 0.7in 0.85in; @bottom-center { content: counter(page); font-size: 9pt; } }
html { font-family: "Noto Serif CJK SC", "Noto Serif", serif; font-size: 10.5pt; line-height: 1.6; }
body { margin: 0; text-align: justify; }
h1, h2, h3 { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; line-height: 1.3; }
h1 { break-before: page; }
pre, code { font-family: "Noto Sans Mono CJK SC", monospace; font-size: 0.85em; }
pre { white-space: pre-wrap; }
img { max-width: 100%; }
"""


def pandoc_epub(book: Path, out: Path) -> list[str]:
    files = sorted(str(p) for p in (book / "chapters").glob("*.md"))
    return [pandoc(), "-f", "markdown", "-t", "epub3", "--metadata", "title=Bench", "--metadata", "lang=zh-CN",
            "--resource-path", str(book / "chapters"), "-o", str(out / "pandoc.epub"), *files]


def pandoc_pdf(book: Path, out: Path, css: Path) -> list[str]:
    files = " ".join(f"'{p}'" for p in sorted((book / "chapters").glob("*.md")))
    html = out / "pandoc.html"
    script = (f"'{pandoc()}' -f markdown -t html5 -s --metadata title=Bench --metadata lang=zh-CN -o '{html}' {files} && "
              f"'{PY}' -m weasyprint -s '{css}' -u '{book / 'chapters'}/' '{html}' '{out / 'pandoc.pdf'}'")
    return ["sh", "-c", script]


def font_rows(pdf: Path) -> tuple[int, int]:
    """(embedded font objects, distinct faces) as `pdffonts` lists them."""
    lines = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout.splitlines()[2:]
    names = [line.split()[0].split("+", 1)[-1] for line in lines if line.strip()]
    return len(names), len(set(names))


def in_turn(cases: list[tuple[str, object]], runs: int) -> dict[str, dict]:
    """Each case `(name, make_cmd(i))` run `runs` times, in turn (A B A B ...); their medians."""
    rows: dict[str, list] = {name: [] for name, _ in cases}
    for i in range(runs):
        for name, make_cmd in cases:
            cmd = make_cmd(i)
            if cmd is not None:
                rows[name].append(measure(cmd, ROOT))
    return {name: {k: statistics.median(r[k] for r in got) for k in got[0]} | {"runs": len(got),
                                                                             "walls": [r["wall"] for r in got]}
            for name, got in rows.items() if got}


def paired(ours: dict, theirs: dict) -> float | None:
    """The median of each run's ratio to the baseline's run beside it (`in_turn`: A B A B): on a
    machine whose speed drifts between runs, steadier than the ratio of the two medians."""
    pairs = list(zip(ours.get("walls", []), theirs.get("walls", [])))
    return statistics.median(a / b for a, b in pairs) if len(pairs) >= 3 else None


def bench_size(n: int, tmp: Path, runs: int, css: Path, full_baseline: bool) -> dict:
    book = assemble(tmp, n, (FOLDER,))
    out = lambda tag, i: tmp / f"{n}-{tag}-{i}"  # noqa: E731 - a fresh folder for each cold run
    for i in range(runs):
        out("pandoc", i).mkdir(parents=True, exist_ok=True)
    got = in_turn([("epub cold", lambda i: pressroom(book, out("epub", i), "epub")),
                   ("pandoc epub", lambda i: pandoc_epub(book, out("pandoc", i)))], runs)
    baseline_runs = runs if (n < 50 or full_baseline) else 1
    got |= in_turn([("pdf cold", lambda i: pressroom(book, out("pdf", i), "pdf")),
                    ("pandoc+weasyprint pdf", lambda i: pandoc_pdf(book, out("pandoc", i), css) if i < baseline_runs else None)],
                   runs)
    got |= in_turn([("epub warm", lambda i: pressroom(book, out("epub", 0), "epub") + ["--force"]),
                    ("pdf warm", lambda i: pressroom(book, out("pdf", 0), "pdf") + ["--force"]),
                    ("nothing changed", lambda i: pressroom(book, out("pdf", 0), "pdf"))], runs)
    pdf = out("pdf", 0) / "book.pdf"
    got["pdf bytes"] = pdf.stat().st_size
    got["pdf fonts"] = font_rows(pdf)
    return got


def bench_default_book(tmp: Path, runs: int) -> dict:
    """`make all` on source/ from the installed venv: cold into fresh folders, then with nothing to do."""
    make = lambda folder: ["make", "-s", "all", f"OUT={folder}"]  # noqa: E731
    got = in_turn([("make all cold", lambda i: make(tmp / f"default-{i}"))], runs)
    got |= in_turn([("make all, nothing to do", lambda i: make(tmp / "default-0")),
                    ("build, nothing changed", lambda i: pressroom(ROOT / "source", tmp / "default-0", "all"))],
                   max(runs, 5))
    pdf = next((tmp / "default-0").glob("*.pdf"))  # named by source/book.toml's `output`
    got["pdf bytes"] = pdf.stat().st_size
    got["pdf fonts"] = font_rows(pdf)
    return got


# (label, size, Pressroom's case, the baseline's case, the target for Pressroom / baseline (wall))
RATIOS = [
    ("EPUB cold / pandoc", 1, "epub cold", "pandoc epub", 2.0),
    ("EPUB cold / pandoc", 4, "epub cold", "pandoc epub", 1.0),
    ("EPUB cold / pandoc", 10, "epub cold", "pandoc epub", 1.0),
    ("EPUB cold / pandoc", 50, "epub cold", "pandoc epub", 0.5),
    ("PDF cold / pandoc+WeasyPrint", 1, "pdf cold", "pandoc+weasyprint pdf", 0.8),
    ("PDF cold / pandoc+WeasyPrint", 4, "pdf cold", "pandoc+weasyprint pdf", 0.8),
    ("PDF cold / pandoc+WeasyPrint", 10, "pdf cold", "pandoc+weasyprint pdf", 0.8),
    ("PDF cold / pandoc+WeasyPrint", 50, "pdf cold", "pandoc+weasyprint pdf", 1 / 2.7),
]


def report(results: dict) -> None:
    print(f"\n{'articles':>8} {'case':<26} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}")
    for n in SIZES:
        for case, r in results.get(str(n), {}).items():
            if isinstance(r, dict):
                print(f"{n:>8} {case:<26} {r['wall']:8.2f} {r['cpu']:8.2f} {r['rss'] / 2**20:9.0f}")
        if str(n) in results:
            rows, faces = results[str(n)]["pdf fonts"]
            print(f"{n:>8} {'PDF':<26} {results[str(n)]['pdf bytes'] / 1024:8.0f} KiB, {rows} font objects for {faces} faces")
    default = results.get("default", {})
    for case, r in default.items():
        if isinstance(r, dict):
            print(f"{'default':>8} {case:<26} {r['wall']:8.2f} {r['cpu']:8.2f} {r['rss'] / 2**20:9.0f}")
    if default:
        rows, faces = default["pdf fonts"]
        print(f"{'default':>8} {'PDF':<26} {default['pdf bytes'] / 1024:8.0f} KiB, {rows} font objects for {faces} faces")
    print(f"\n{'ratio (wall, medians)':<34} {'articles':>8} {'value':>7} {'target':>8}  met  {'paired':>7}  met")
    for label, n, ours, theirs, target in RATIOS:
        r = results.get(str(n), {})
        if ours in r and theirs in r:
            value, pair = r[ours]["wall"] / r[theirs]["wall"], paired(r[ours], r[theirs])
            both = f"  {pair:7.2f}  {'yes' if pair <= target else 'NO'}" if pair is not None else ""
            print(f"{label:<34} {n:>8} {value:7.2f} {'<= ' + format(target, '.2f'):>8}  {'yes' if value <= target else 'NO '}{both}")
    for label, case, target in (("make all on the default book, s", "make all cold", 4.0),
                                ("rebuild with nothing changed, s", "build, nothing changed", 0.2)):
        if case in default:
            value = default[case]["wall"]
            print(f"{label:<34} {'default':>8} {value:7.2f} {'< ' + format(target, '.1f'):>8}  {'yes' if value < target else 'NO'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated article counts")
    ap.add_argument("--full-baseline", action="store_true", help="run the 50-article pandoc PDF --runs times too")
    ap.add_argument("--no-default-book", action="store_true")
    args = ap.parse_args()
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="pressroom-sizes-") as tmp:
        tmp = Path(tmp)
        css = tmp / "cjk-print.css"
        css.write_text(CJK_PRINT_CSS, encoding="utf-8")
        print(f"machine: {os.cpu_count()} cores; medians of {args.runs} runs", flush=True)
        for n in (int(s) for s in args.sizes.split(",")):
            results[str(n)] = bench_size(n, tmp, args.runs, css, args.full_baseline)
            print(f"  {n} articles done", flush=True)
        if not args.no_default_book:
            results["default"] = bench_default_book(tmp, args.runs)
    report(results)
    out = ROOT / "build" / "bench-sizes.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
