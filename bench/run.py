#!/usr/bin/env python3
"""`make bench`: Pressroom against pandoc 3.9 on the same articles, cold and warm.

Assembles a 50-article and a 200-article book from the Chinese folders of ../shared/corpus (with
their images), then measures, `--runs` times each (the median is reported): Pressroom EPUB and PDF
from a cold cache, pandoc Markdown -> EPUB 3, pandoc -> HTML + WeasyPrint -> PDF, WeasyPrint alone
on Pressroom's own final HTML (the floor for one process), a rebuild with nothing changed, a rebuild
after one chapter was edited, and the 200-article PDF's peak memory. Wall time, CPU time (user +
system of the whole process tree) and peak memory (RSS of the whole process tree, sampled every
20 ms). Cases that are compared run in turn (Pressroom's cold build, pandoc's, Pressroom's, ...;
an edited rebuild, a cold build beside it, ...), so that the drift of a shared machine's speed
falls on both. Prints a table and writes build/bench.json. A benchmark, never a test.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
FOLDERS = ["tds-zh-2025/docs", "medium-zh-javarevisited/docs", "tds-zh/docs"]
PY = sys.executable
QUICK_RUNS = 7  # runs of the sub-second cases (warm, nothing changed, one chapter edited: EPUB)


def pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def measure(cmd: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run a command; wall time, CPU time and peak RSS of its whole process tree."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = psutil.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL,
                        stderr=subprocess.PIPE)
    peak = 0
    while proc.poll() is None:
        rss = 0
        try:
            procs = [proc] + proc.children(recursive=True)
        except psutil.NoSuchProcess:
            procs = []
        for p in procs:
            try:
                rss += p.memory_info().rss
            except psutil.Error:
                pass
        peak = max(peak, rss)
        time.sleep(0.02)
    wall = time.perf_counter() - t0
    err = proc.stderr.read().decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err[-2000:]}")
    # CPU time of the whole tree: every descendant was waited for, so getrusage counts it
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"wall": wall, "cpu": cpu, "rss": peak}


def assemble(dest: Path, count: int, folders=FOLDERS) -> Path:
    """A book folder with `count` articles of `folders` (cycled when they have fewer) and their images."""
    articles = []
    for folder in folders:
        src = CORPUS / folder
        articles += sorted(p for p in src.glob("*.md"))
    if not articles:
        raise SystemExit(f"no corpus at {CORPUS}")
    book = dest / f"book{count}"
    chapters = book / "chapters"
    chapters.mkdir(parents=True)
    for folder in folders:
        img = CORPUS / folder / "img"
        if img.is_dir():
            for p in img.iterdir():
                target = chapters / "img" / p.name
                target.parent.mkdir(exist_ok=True)
                if not target.exists():
                    shutil.copyfile(p, target)
    for i in range(count):
        src = articles[i % len(articles)]
        shutil.copyfile(src, chapters / f"{i:03d}-{src.name}")
    (book / "book.toml").write_text(f'title = "Bench {count}"\nauthors = ["Pressroom bench"]\nlanguage = "zh-CN"\n'
                                    f'chapters_glob = "chapters/*.md"\n\n[images]\noffline = true\n', encoding="utf-8")
    return book


def pressroom(book: Path, out: Path, fmt: str) -> list[str]:
    return [PY, "-m", "pipeline", "build", "--source", str(book), "--out", str(out), "--format", fmt]


def pandoc_epub(book: Path, out: Path) -> list[str]:
    files = sorted(str(p) for p in (book / "chapters").glob("*.md"))
    return [pandoc(), "-f", "markdown", "-t", "epub3", "--metadata", "title=Bench", "--metadata", "lang=zh-CN",
            "--resource-path", str(book / "chapters"), "-o", str(out / "pandoc.epub"), *files]


def pandoc_pdf(book: Path, out: Path) -> list[str]:
    files = " ".join(f"'{p}'" for p in sorted((book / "chapters").glob("*.md")))
    html = out / "pandoc.html"
    script = (f"'{pandoc()}' -f markdown -t html5 -s --metadata title=Bench --metadata lang=zh-CN -o '{html}' {files} && "
              f"'{PY}' -m weasyprint -u '{book / 'chapters'}/' '{html}' '{out / 'pandoc.pdf'}'")
    return ["sh", "-c", script]


WEASYPRINT_ALONE = """
import sys
from pathlib import Path
from weasyprint import HTML
from pipeline.config import load_config
from pipeline.emit.pdf import stylesheets
from pipeline.emit.pdf.fetch import BookFetcher
from pipeline.emit.pdf import weasyprint_patches
from pipeline import layout
from pipeline.model import Book
source, work, target = map(Path, sys.argv[1:4])
config, _ = load_config(source)
if "justify" in weasyprint_patches.wanted(config.pdf.engine_patches):  # as in Pressroom's layout workers
    weasyprint_patches.install(["justify"], None)
book = Book(config=config, source_dir=source, chapters=[])
fetcher = BookFetcher([work] + layout.search_path(book), [])
HTML(filename=str(work / "book.html"), base_url=str(work) + "/", url_fetcher=fetcher).write_pdf(
    target, stylesheets=stylesheets(book, fetcher), pdf_tags=config.pdf.tagged)
"""


def whole_html(work: Path) -> Path:
    """Pressroom's final HTML as one document (the front matter and every part, in order, from the
    PDF build's cache), for WeasyPrint alone: what a single-process layout of the book would take."""
    from bs4 import BeautifulSoup

    def read(path: Path) -> BeautifulSoup:
        return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")

    records = [json.loads(p.read_text(encoding="utf-8")) | {"html": p.with_suffix(".html")}
               for p in (work / "parts").glob("*.json")]
    records.sort(key=lambda r: (r["id"] == "credits", r["id"]))
    book = read(next(r["html"] for r in records if r["id"] == "front"))  # laid out with the parts
    main = book.new_tag("div", attrs={"class": "mainmatter"})
    book.body.append(main)
    for r in records:
        part = read(r["html"]).select_one(".mainmatter")
        if part is None:  # the front matter, the stamps, the contents' digits
            continue
        for child in list(part.children):
            main.append(child.extract())
    for a in book.select("nav.toc a[data-page]"):
        del a["data-page"]  # WeasyPrint alone counts the pages itself (target-counter)
    out = work / "book.html"
    out.write_text(str(book), encoding="utf-8")
    return out


def median(rows: list[dict]) -> dict:
    return {k: statistics.median(r[k] for r in rows) for k in rows[0]}


def run_case(name: str, make_cmd, runs: int, results: dict, prepare=None, cwd=ROOT) -> dict:
    """Run a case `runs` times; its medians into `results[name]`, and a line of the table."""
    run_cases([(name, make_cmd, prepare)], runs, results, cwd)
    return results[name]


def run_cases(cases: list[tuple], runs: int, results: dict, cwd=ROOT) -> None:
    """Cases `(name, make_cmd, prepare)` compared with each other, run in turn (A B A B ...) so
    that a change in this shared machine's speed, which drifts by a fifth within minutes, falls
    on each alike; each case's medians into `results`, and a line of the table for each."""
    rows: dict[str, list] = {name: [] for name, _, _ in cases}
    for i in range(runs):
        for name, make_cmd, prepare in cases:
            cmd = make_cmd(i)
            if prepare:
                prepare(i)
            rows[name].append(measure(cmd, cwd))
    for name, _, _ in cases:
        results[name] = r = {**median(rows[name]), "runs": runs}
        print(f"  {name:<34} {r['wall']:8.2f} s wall {r['cpu']:8.2f} s cpu {r['rss'] / 2**20:8.0f} MiB", flush=True)


def bench_book(book: Path, work: Path, runs: int, results: dict, prefix: str, full: bool) -> None:
    env_out = lambda tag, i: work / f"{prefix}-{tag}-{i}"  # noqa: E731 - a fresh folder per cold run
    cold = {fmt: (f"{prefix} pressroom {fmt} cold", lambda i, fmt=fmt: pressroom(book, env_out(fmt, i), fmt), None)
            for fmt in ("epub", "pdf")}
    if not full:
        run_cases([cold["epub"]], runs, results)
        run_cases([cold["pdf"]], runs, results)
        return
    for i in range(runs):
        env_out("pandoc", i).mkdir(parents=True, exist_ok=True)
    # each of Pressroom's cold builds in turn with pandoc's build of the same files
    run_cases([cold["epub"], (f"{prefix} pandoc epub", lambda i: pandoc_epub(book, env_out("pandoc", i)), None)],
              runs, results)
    run_cases([cold["pdf"], (f"{prefix} pandoc+weasyprint pdf", lambda i: pandoc_pdf(book, env_out("pandoc", i)), None),
               # the same build with every WeasyPrint patch off (weasyprint_patches/): what they save
               (f"{prefix} pressroom pdf cold, patches off",
                lambda i: ["env", "PRESSROOM_ENGINE_PATCHES=0", *pressroom(book, env_out("pdf-plain", i), "pdf")], None)],
              runs, results)
    work_html = env_out("pdf", 0) / ".cache" / "pdf"
    whole_html(work_html)
    run_case(f"{prefix} weasyprint alone (our html)",
             lambda i: [PY, "-c", WEASYPRINT_ALONE, str(book), str(work_html), str(work / f"alone-{i}.pdf")],
             runs, results)
    # warm: every chapter and part from the cache, written again (--force): the same bytes as cold
    cold_bytes = {fmt: (env_out(fmt, 0) / f"book.{fmt}").read_bytes() for fmt in ("epub", "pdf")}
    # the cases that take about a second or less vary most from run to run on a shared machine:
    # more runs for their medians (QUICK_RUNS)
    quick = {"epub": max(runs, QUICK_RUNS), "pdf": runs}
    for fmt in ("epub", "pdf"):
        run_case(f"{prefix} pressroom {fmt} warm cache (--force)",
                 lambda i, fmt=fmt: pressroom(book, env_out(fmt, 0), fmt) + ["--force"], quick[fmt], results)
        results.setdefault("identical", {})[f"{fmt} warm == cold"] = \
            (env_out(fmt, 0) / f"book.{fmt}").read_bytes() == cold_bytes[fmt]
    # nothing changed, then one chapter edited (in the cold runs' output folders)
    run_case(f"{prefix} pressroom epub nothing changed", lambda i: pressroom(book, env_out("epub", 0), "epub"),
             quick["epub"], results)
    run_case(f"{prefix} pressroom pdf nothing changed", lambda i: pressroom(book, env_out("pdf", 0), "pdf"),
             quick["epub"], results)
    chapter = sorted((book / "chapters").glob("*.md"))[len(list((book / "chapters").glob("*.md"))) // 2]

    def edit(i):
        with chapter.open("a", encoding="utf-8") as f:
            f.write(f"\n\n编辑第 {i} 次：作者补充了一句话。\n")

    # each edited rebuild in turn with a cold build of the book as it is (fresh folders: ...-again-i)
    for fmt, n in (("epub", quick["epub"]), ("pdf", runs)):
        run_cases([(f"{prefix} pressroom {fmt} one chapter edited", lambda i, fmt=fmt: pressroom(book, env_out(fmt, 0), fmt),
                    edit),
                   (f"{prefix} pressroom {fmt} cold, beside the edits",
                    lambda i, fmt=fmt: pressroom(book, env_out(f"{fmt}-again", i), fmt), None)], n, results)
    # the incremental outputs against a serial cold build of the edited book
    serial = work / f"{prefix}-serial"
    measure(pressroom(book, env_out("epub", 0), "epub"), ROOT)  # the EPUB of the last edit (incremental)
    measure(pressroom(book, serial, "epub") + ["--jobs", "1"], ROOT)
    measure(pressroom(book, serial, "pdf") + ["--jobs", "1"], ROOT)
    for fmt in ("epub", "pdf"):
        results.setdefault("identical", {})[f"{fmt} parallel incremental == serial cold"] = \
            (env_out(fmt, 0) / f"book.{fmt}").read_bytes() == (serial / f"book.{fmt}").read_bytes()


def ratios(results: dict) -> dict:
    r = lambda a, b: results[a]["wall"] / results[b]["wall"] if a in results and b in results else None  # noqa: E731
    return {
        "epub cold / pandoc epub (target <= 1.0)": r("50 pressroom epub cold", "50 pandoc epub"),
        "pandoc+weasyprint / pdf cold (target >= 2.0)": r("50 pandoc+weasyprint pdf", "50 pressroom pdf cold"),
        "pdf cold / weasyprint alone (target <= 1.1)": r("50 pressroom pdf cold", "50 weasyprint alone (our html)"),
        "pdf cold, patches on / patches off": r("50 pressroom pdf cold", "50 pressroom pdf cold, patches off"),
        "epub one chapter edited / cold (target < 0.25)": r("50 pressroom epub one chapter edited",
                                                            "50 pressroom epub cold, beside the edits"),
        "pdf one chapter edited / cold (target < 0.35)": r("50 pressroom pdf one chapter edited",
                                                           "50 pressroom pdf cold, beside the edits"),
        "epub nothing changed, s (target < 0.5)": results.get("50 pressroom epub nothing changed", {}).get("wall"),
        "pdf nothing changed, s (target < 0.5)": results.get("50 pressroom pdf nothing changed", {}).get("wall"),
        "200-article pdf peak GiB (target < 1.5)": (results.get("200 pressroom pdf cold", {}).get("rss", 0) / 2**30) or None,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--skip-200", action="store_true")
    ap.add_argument("--articles", type=int, default=50, help="the first book's size (50; fewer for a smoke run)")
    args = ap.parse_args()
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="pressroom-bench-") as tmp:
        tmp = Path(tmp)
        print(f"machine: {os.cpu_count()} cores, pandoc {subprocess.run([pandoc(), '--version'], capture_output=True, text=True).stdout.split()[1]}")
        book50 = assemble(tmp, args.articles)
        print(f"{args.articles} articles, {len(list((book50 / 'chapters' / 'img').iterdir()))} image files; "
              f"medians of {args.runs} runs ({max(args.runs, QUICK_RUNS)} for the sub-second EPUB cases and nothing changed)")
        bench_book(book50, tmp, args.runs, results, "50", full=True)
        if not args.skip_200:
            book200 = assemble(tmp, 200)
            bench_book(book200, tmp, 1, results, "200", full=False)
    print("\nbyte-identical outputs")
    for name, same in results.get("identical", {}).items():
        print(f"  {name:<48} {'yes' if same else 'NO'}")
    print("\nratios and targets")
    table = ratios(results)
    for name, value in table.items():
        print(f"  {name:<48} {'n/a' if value is None else f'{value:.2f}'}")
    out = ROOT / "build" / "bench.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"results": results, "ratios": table}, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {out}")


if __name__ == "__main__":
    main()
