"""A catalogue: every `DIR/*/book.toml` a book, all built by one command, and the list of them that
the release workflow builds one per job.

`pressroom build --catalogue DIR` builds each book (EPUB and PDF, as `pressroom build` does) into
`OUT/<folder>/` when `--out OUT` is given, else into the book's own `DIR/<folder>/build/`; each book
keeps its cache there (`.cache/`), so a rebuild of an unchanged book does nothing ("up to date").
Each book is built by a `pressroom build` process of its own: a book that fails (a bad book.toml, a
missing chapter) ends with its one-line error and does not touch the others; the run goes on and
exits 2 at the end when any failed. A summary table closes the run: book, status, pages, EPUB and
PDF sizes, seconds.

How many at once, measured (2026-12-07, the shared 2-core machine under a load average of 2.8 to
3.8; three small books, two short English ones and one Chinese, cold builds, three rounds in turn):

    one book at a time, each --jobs 2    wall 5.93  5.96  6.42 s   CPU 5.66  5.72  5.99 s
    two books at once, each --jobs 1     wall 4.81  5.54  5.31 s   CPU 5.12  5.41  5.48 s
    two books at once, each --jobs 2     wall 5.52  6.08  6.02 s   CPU 5.99  6.09  6.02 s

Two books at once, one core each, was the fastest every round: a small book's PDF was then laid
out in the build's own process alone (`emit/pdf/parts.one_process()`), so a second core did
little for one book, while a second book used it whole. (Since the nineteenth session a small
book with `--jobs 2` lays its parts out in a twin process too: not measured here again.) So `--jobs N` (default: the number of cores) is the number
of books built at once, each with one core; a catalogue of one book gets all N for it.

`python -m pipeline.catalogue --list FOLDER...` prints the books as a GitHub Actions matrix (JSON);
it needs nothing but the standard library, so the workflow's first job runs it without installing
Pressroom. A book folder named there (one with a book.toml, such as the default book `source`) is
one entry; any other folder is a catalogue, each subfolder with a book.toml an entry. A book whose
book.toml is broken is listed all the same: its own job then fails with its one-line error, where
the author sees it, instead of the book being left out of the release without a word.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .model import PressroomError

PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # the folder that holds this `pipeline`


@dataclass(frozen=True)
class BookRun:
    """One book's build in a catalogue run."""

    name: str
    source: Path
    out: Path
    status: str  # "built", "up to date" or "failed"
    seconds: float
    error: str = ""  # the build's one-line error, when it failed
    outputs: tuple[Path, ...] = ()
    pages: int | None = None
    messages: tuple[str, ...] = field(default=())  # the build's warnings and notes, as it printed them

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def size(self, suffix: str) -> int | None:
        for p in self.outputs:
            if p.suffix == suffix and p.is_file():
                return p.stat().st_size
        return None


def find_books(folder: Path) -> list[Path]:
    """The book folders of a catalogue: every subfolder with a book.toml, in name order."""
    folder = Path(folder)
    if not folder.is_dir():
        raise PressroomError("catalogue folder not found (give a folder whose subfolders hold book.toml files)",
                             str(folder))
    books = sorted(p.parent for p in folder.glob("*/book.toml"))
    if not books:
        raise PressroomError("no book in this catalogue: no subfolder holds a book.toml "
                             "(`pressroom new DIR/<book>` writes one)", str(folder))
    return books


def matrix(folders: list[Path]) -> dict:
    """The books of `folders` (book folders or catalogues) as a GitHub Actions matrix:
    {"include": [{"name": folder name, "source": path}, ...]}. Folders that do not exist are
    skipped (a repository may have no `books/` yet); two books with one name are an error, since
    each job's artifact is named after its book."""
    entries: dict[str, str] = {}
    for folder in map(Path, folders):
        if (folder / "book.toml").is_file():
            books = [folder]
        elif folder.is_dir():
            books = sorted(p.parent for p in folder.glob("*/book.toml"))
        else:
            continue
        for book in books:
            name = book.resolve().name
            if name in entries:
                raise PressroomError(f"two books named {name!r} ({entries[name]} and {book.as_posix()}); "
                                     "rename one folder", str(book))
            entries[name] = book.as_posix()
    return {"include": [{"name": n, "source": s} for n, s in entries.items()]}


def _pages(pdf: Path) -> int | None:
    import pikepdf

    try:
        with pikepdf.open(pdf) as doc:
            return len(doc.pages)
    except (OSError, pikepdf.PdfError):
        return None


class _Runner:
    """The `pressroom build` processes of a catalogue run; on Ctrl-C (or SIGTERM) each still
    running is sent SIGTERM and waited for, so each ends as an interrupted build does: its
    previous outputs untouched, no temporary file left."""

    def __init__(self):
        self.running: set[subprocess.Popen] = set()
        self.stopped = False
        self.lock = threading.Lock()  # no book starts once stop() began

    def build(self, source: Path, out: Path, args: list[str]) -> BookRun:
        t0 = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (str(PACKAGE_ROOT), os.environ.get("PYTHONPATH", "")) if p)}
        with tempfile.TemporaryFile("w+", encoding="utf-8") as log:
            with self.lock:
                if self.stopped:
                    raise KeyboardInterrupt
                proc = subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--source", str(source),
                                         "--out", str(out), *args], stdout=log, stderr=subprocess.STDOUT,
                                        stdin=subprocess.DEVNULL, env=env, text=True)
                self.running.add(proc)
            try:
                code = proc.wait()
            finally:
                self.running.discard(proc)
            log.seek(0)
            lines = log.read().splitlines()
        seconds = time.perf_counter() - t0
        outputs = tuple(Path(line[6:]) for line in lines if line.startswith("wrote "))
        messages = tuple(line for line in lines if not line.startswith("wrote "))
        if code != 0:
            errors = [line for line in lines if line.startswith("error: ")]
            error = errors[-1][7:] if errors else (lines[-1] if lines else f"exit code {code}")
            return BookRun(source.name, source, out, "failed", seconds, error=error, messages=messages)
        status = "up to date" if any("nothing changed since the last build" in m for m in messages) else "built"
        pdf = next((p for p in outputs if p.suffix == ".pdf"), None)
        return BookRun(source.name, source, out, status, seconds, outputs=outputs,
                       pages=_pages(pdf) if pdf else None, messages=messages)

    def stop(self) -> None:
        with self.lock:
            self.stopped = True
        for proc in list(self.running):
            try:
                proc.send_signal(signal.SIGTERM)
            except ProcessLookupError:
                pass
        for proc in list(self.running):
            proc.wait()


def build_catalogue(folder: Path, out: Path | None = None, format: str = "all", jobs: int | None = None,
                    strict: bool = False, offline: bool = False, force: bool = False,
                    on_done=None) -> list[BookRun]:
    """Every book of `folder` built, `jobs` at once (default: the number of cores), each into
    `out/<folder name>/` or, without `out`, its own `build/`. `on_done(run)` is called as each
    book ends. Returns the runs in the catalogue's order; a failed book is a run, not an error."""
    books = find_books(folder)
    cores = jobs if jobs is not None else (os.cpu_count() or 1)
    if cores < 1:
        raise PressroomError(f"--jobs must be 1 or more, not {cores}")
    at_once = min(cores, len(books))
    args = ["--format", format, "--jobs", str(max(1, cores // at_once))]
    args += ["--strict"] * strict + ["--offline"] * offline + ["--force"] * force
    runner = _Runner()

    def one(book: Path) -> BookRun:
        run = runner.build(book, (Path(out) / book.name) if out is not None else book / "build", args)
        if on_done is not None:
            on_done(run)
        return run

    pool = ThreadPoolExecutor(at_once)
    try:
        futures = [pool.submit(one, book) for book in books]
        runs = [f.result() for f in futures]
    except BaseException:
        runner.stop()
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown()
    return runs


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    return f"{n / 1024:.0f} KB" if n < 1024 * 1024 else f"{n / 1024 / 1024:.1f} MB"


def summary_table(runs: list[BookRun]) -> str:
    """The table printed at the end of a catalogue run."""
    head = ("book", "status", "pages", "EPUB", "PDF", "seconds")
    rows = [(r.name, r.status, "-" if r.pages is None else str(r.pages), _size(r.size(".epub")),
             _size(r.size(".pdf")), f"{r.seconds:.1f}") for r in runs]
    widths = [max(len(row[i]) for row in [head, *rows]) for i in range(len(head))]
    right = {2, 3, 4, 5}

    def line(row) -> str:
        return "  ".join(c.rjust(w) if i in right else c.ljust(w)
                         for i, (c, w) in enumerate(zip(row, widths))).rstrip()

    failed = sum(not r.ok for r in runs)
    lines = [line(head), line(["-" * w for w in widths]), *map(line, rows)]
    lines.append(f"{len(runs)} books: {len(runs) - failed} ok, {failed} failed")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.catalogue",
                                 description="List a catalogue's books as a GitHub Actions matrix (JSON).")
    ap.add_argument("--list", nargs="+", metavar="FOLDER", required=True,
                    help="book folders (with a book.toml) or catalogues (folders of book folders)")
    args = ap.parse_args(argv)
    try:
        print(json.dumps(matrix([Path(f) for f in args.list])))
    except PressroomError as e:
        print(f"error: {e}", file=sys.stderr)
        return e.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
