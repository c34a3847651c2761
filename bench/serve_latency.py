#!/usr/bin/env python3
"""`make bench-serve` (and `make bench`): how fast an edit shows in `pressroom serve`'s page.

Copies the default book (source/) to a temporary folder, starts `pressroom serve` on it, opens the
page in headless Chromium (Debian's /usr/bin/chromium, driven by playwright) twice, one tab on the
EPUB view and one on the PDF view of the edited chapter, then `--runs` times: edits one sentence
of a chapter, saves, and times from the save to the new text visible in the EPUB view (target
1.5 s), and to the PDF view showing the rebuilt PDF's pages (target 5 s), and checks that the PDF
view stands on the page that has the edit. Prints each run and the medians. A benchmark, not a
test; tests/test_serve.py uses its `running_serve()`.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = next((p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if os.access(p, os.X_OK)), None)
CHAPTER = "chapters/01-untold-truths.md"
EPUB_TARGET, PDF_TARGET = 1.5, 5.0


@contextlib.contextmanager
def running_serve(source: Path, out: Path, tmpdir: Path | None = None, timeout: float = 60):
    """`pressroom serve --port 0` on a book; yields (process, url) once it listens. Stopped by
    SIGINT at the end (if still running)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"}
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    proc = subprocess.Popen([sys.executable, "-m", "pipeline", "serve", "--source", str(source), "--out", str(out),
                             "--port", "0"], cwd=ROOT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        url, deadline = None, time.monotonic() + timeout
        while url is None and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if not line:
                break
            if " on http://" in line:
                url = line.split(" on ", 1)[1].split()[0]
        if url is None:
            raise RuntimeError(f"pressroom serve did not start (exit code {proc.poll()})")
        yield proc, url
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        proc.stderr.close()


OPEN_CHAPTER = """rel => fetch('/api/state').then(r => r.json()).then(s => {
  const ch = s.chapters.find(c => c.rel === rel); const e = ch && s.contents.find(e => e.id === ch.id);
  if (e) go(e.href, 0); return e ? e.href : null; })"""
FRAME_HAS = "t => { const d = document.querySelector('#epub').contentDocument; return !!d && !!d.documentElement && d.documentElement.textContent.includes(t); }"
# the PDF view's pages are drawn when near the view (src set then); generation g is /pdf/g/page.jpg
PDF_NEWER = """g => { const s = [...document.querySelectorAll('#pdf img[src]')];
  return s.length > 0 && s.every(i => Number(i.getAttribute('src').split('/')[2]) > g)
    && s.some(i => i.complete && i.naturalWidth > 0); }"""
PDF_GENERATION = "() => { const i = document.querySelector('#pdf img[src]'); return i ? Number(i.getAttribute('src').split('/')[2]) : 0; }"


def measure(runs: int, source: Path = ROOT / "source", rel: str = CHAPTER) -> list[dict]:
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="pressroom-bench-serve-"))
    try:
        book = work / "book"
        shutil.copytree(source, book)
        chapter = book / rel
        with running_serve(book, work / "out") as (_proc, url), sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
            epub_tab, pdf_tab = browser.new_page(), browser.new_page()
            for tab in (epub_tab, pdf_tab):
                tab.goto(url)
                tab.wait_for_function("() => fetch('/api/state').then(r => r.json()).then(s => s.epub > 0)",
                                      polling=200, timeout=600_000)
                href = tab.evaluate(OPEN_CHAPTER, rel)
                if not href:
                    raise SystemExit(f"{rel} is not a chapter of the book")
            pdf_tab.click("#show-pdf")
            pdf_tab.wait_for_function(PDF_NEWER, arg=0, timeout=600_000)
            results = []
            for run in range(runs):
                marker = cjk_marker(run)
                text = chapter.read_text(encoding="utf-8")
                lines = text.splitlines(keepends=True)
                at = paragraph_line(lines)
                lines[at] = lines[at].rstrip("\n") + marker + "\n"
                generation = pdf_tab.evaluate(PDF_GENERATION)
                saved = time.perf_counter()
                chapter.write_text("".join(lines), encoding="utf-8")
                epub_tab.wait_for_function(FRAME_HAS, arg=marker, polling=10, timeout=60_000)
                epub_s = time.perf_counter() - saved
                pdf_tab.wait_for_function(PDF_NEWER, arg=generation, polling=10, timeout=120_000)
                pdf_s = time.perf_counter() - saved
                state = pdf_tab.evaluate("() => fetch('/api/state').then(r => r.json())")
                shown = pdf_tab.evaluate("() => JSON.parse(sessionStorage.getItem('pressroom.place')).pdfPage")
                results.append({"epub": epub_s, "pdf": pdf_s, "edit_page": state["edit_page"], "shown": shown,
                                "epub_build": state["timings"].get("epub_build_seconds", 0),
                                "epub_served": state["timings"].get("epub_seconds", 0),
                                "pdf_served": state["timings"].get("pdf_seconds", 0),
                                "pdf_build": state["timings"].get("pdf_build_seconds", 0),
                                "on_edit": _page_has(work / "out", shown, marker)})
                time.sleep(0.5)
            browser.close()
        return results
    finally:
        shutil.rmtree(work, ignore_errors=True)


def cjk_marker(run: int) -> str:
    """A sentence found nowhere else, in Chinese characters only (the typography stage spaces
    Latin letters and digits off Chinese, which would change it)."""
    digits = "零一二三四五六七八九"
    unique = "".join(digits[int(c)] for c in f"{run + 1}{time.time_ns() % 1000000:06d}")
    return f"编辑测量第{unique}号句子。"


def paragraph_line(lines: list[str]) -> int:
    """The first line past the middle that is a paragraph of its own: prose, not markup."""
    def prose(i: int) -> bool:
        line = lines[i].strip()
        return (len(line) > 40 and not line.startswith(("!", "#", "|", "<", ">", "`", "-", "*", "["))
                and "](" not in line and "http" not in line
                and not lines[i - 1].strip() and not lines[i + 1].strip())
    return next(i for i in range(len(lines) // 2, len(lines) - 1) if prose(i))


def _page_has(out: Path, page: int | None, text: str) -> bool:
    pdf = next(out.glob("*.pdf"), None)
    if pdf is None or not page:
        return False
    done = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), str(pdf), "-"], capture_output=True)
    return text[:8] in "".join(done.stdout.decode("utf-8", "replace").split())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--source", type=Path, default=ROOT / "source", help="the book (copied; default: source)")
    ap.add_argument("--chapter", default=CHAPTER, help=f"the chapter to edit, as book.toml names it ({CHAPTER})")
    args = ap.parse_args()
    if CHROMIUM is None:
        print("serve latency: no Chromium (scripts/bootstrap-chromium.sh installs it); skipped")
        return 0
    load = os.getloadavg()[0]
    results = measure(args.runs, args.source, args.chapter)
    book = "the default book" if args.source == ROOT / "source" else str(args.source)
    print(f"pressroom serve, {args.chapter} of {book} edited and saved, {len(results)} runs "
          f"({os.cpu_count()} cores, load average {load:.1f} at the start):")
    for i, r in enumerate(results, 1):
        print(f"  run {i}: EPUB view {r['epub']:.2f} s (built {r['epub_build']:.2f} s, served {r['epub_served']:.2f} s), "
              f"PDF view {r['pdf']:.2f} s (built {r['pdf_build']:.2f} s, served {r['pdf_served']:.2f} s), "
              f"PDF view on page {r['shown']} (the edit's page: {'yes' if r['on_edit'] else 'no'})")
    epub = statistics.median(r["epub"] for r in results)
    pdf = statistics.median(r["pdf"] for r in results)
    print(f"  median: save -> EPUB view {epub:.2f} s (target {EPUB_TARGET} s), "
          f"save -> PDF view {pdf:.2f} s (target {PDF_TARGET} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
