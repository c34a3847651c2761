"""The build: config -> chapters through CHAPTER_STAGES (in a process pool) -> BOOK_STAGES -> emit.

`build()` is what `pressroom build`, `make epub` and `make pdf` call. It returns the Book and the
paths written; a user's mistake raises PressroomError (one line, exit code 2).
"""
from __future__ import annotations

import os
import re
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup

from .book import BOOK_STAGES
from .config import BookConfig, load_config
from .load import load_chapter
from .model import Book, Chapter, PressroomError
from .stages import CHAPTER_STAGES, StageContext


@dataclass
class BuildResult:
    book: Book
    outputs: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def _numbered(path: Path) -> bool:
    """False when the article's front matter says `numbered: false` (a preface, a foreword)."""
    try:
        head = path.read_bytes()[:2000].decode("utf-8", "replace")
    except OSError:
        return True
    m = re.match(r"---\n(.*?)\n---", head, re.S)
    return not (m and re.search(r"^numbered:\s*false\s*$", m.group(1), re.M))


def process_chapter(path: Path, rel: str, number: int, position: int, ctx: StageContext,
                    timings: dict | None = None) -> Chapter:
    """Load one article and run every chapter stage on it."""
    t0 = time.perf_counter()
    chapter = load_chapter(path, rel, number)
    chapter.position = position
    if timings is not None:
        timings["load"] = timings.get("load", 0) + time.perf_counter() - t0
    for name, stage in CHAPTER_STAGES:
        t0 = time.perf_counter()
        try:
            stage(chapter, ctx)
        except PressroomError:
            raise
        except RecursionError:
            raise PressroomError("markup is nested too deeply to process; simplify the nesting", rel) from None
        if timings is not None:
            timings[name] = timings.get(name, 0) + time.perf_counter() - t0
        if chapter.omitted:
            break
    return chapter


def _worker(args) -> tuple[Chapter, dict]:
    path, rel, number, position, ctx = args
    timings: dict = {}
    chapter = process_chapter(path, rel, number, position, ctx, timings)
    chapter.dom = str(chapter.dom)  # a string pickles fast and safely; parsed again in the parent
    return chapter, timings


def run_chapters(files: list[Path], ctx: StageContext, jobs: int, timings: dict) -> list[Chapter]:
    tasks = []
    number = 0
    for position, path in enumerate(files, 1):
        numbered = _numbered(path)
        number += numbered
        tasks.append((path, _rel(path, ctx.source_dir), number if numbered else 0, position, ctx))
    if jobs <= 1 or len(tasks) <= 1:
        chapters = [process_chapter(*t, timings=timings) for t in tasks]
        for chapter in chapters:  # the same round trip a pooled chapter makes, so outputs match
            chapter.dom = BeautifulSoup(str(chapter.dom), "lxml")
        return chapters
    chapters = []
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks))) as pool:
        for chapter, t in pool.map(_worker, tasks, chunksize=max(1, len(tasks) // (jobs * 4))):
            chapter.dom = BeautifulSoup(chapter.dom, "lxml")
            chapters.append(chapter)
            for k, v in t.items():
                timings[k] = timings.get(k, 0) + v
    return chapters


def assemble(config: BookConfig, source_dir: Path, cache_dir: Path, strict: bool = False,
             offline: bool = False, jobs: int = 1, timings: dict | None = None) -> Book:
    """Run the chapter stages and the book stages; the Book is ready to emit."""
    timings = {} if timings is None else timings
    ctx = StageContext(config=config, source_dir=source_dir.resolve(), cache_dir=cache_dir.resolve(),
                       strict=strict, offline=offline or config.images.offline)
    files = config.chapter_files()
    for p in files:
        resolved = p.resolve()
        if not resolved.is_relative_to(ctx.source_dir):
            raise PressroomError("chapter file is outside the book's folder; move it in", _rel(p, source_dir))
    chapters = run_chapters(files, ctx, jobs, timings)
    diagnostics = [d for ch in chapters for d in ch.diagnostics]
    if any(ch.omitted for ch in chapters):  # number the remaining chapters again
        files = [f for f, ch in zip(files, chapters) if not ch.omitted]
        if not files:
            raise PressroomError("every article is empty; nothing to build (add text to the chapters)",
                                 _rel(source_dir / "book.toml", source_dir) if config.from_file else str(source_dir))
        chapters = run_chapters(files, ctx, jobs, timings)
        diagnostics = [d for d in diagnostics if d.rule == "clean.empty"] + \
            [d for ch in chapters for d in ch.diagnostics]
    book = Book(config=config, source_dir=source_dir, chapters=chapters, diagnostics=diagnostics)
    for name, stage in BOOK_STAGES:
        t0 = time.perf_counter()
        stage(book)
        timings[f"book.{name}"] = time.perf_counter() - t0
    return book


def build(source_dir: Path, out_dir: Path, formats: tuple[str, ...] = ("epub", "pdf"), strict: bool = False,
          offline: bool = False, jobs: int | None = None) -> BuildResult:
    from .emit import epub as epub_emit
    from .emit import pdf as pdf_emit

    source_dir = Path(source_dir)
    out_dir = Path(out_dir)
    config, notes = load_config(source_dir)
    timings: dict[str, float] = {}
    book = assemble(config, source_dir, out_dir / ".cache", strict, offline,
                    jobs if jobs is not None else (os.cpu_count() or 1), timings)
    if strict:
        warnings = [d for d in book.diagnostics if d.level in ("warning", "error")]
        if warnings:
            raise PressroomError(f"{warnings[0].message} (--strict turns warnings into errors)",
                                 warnings[0].file, warnings[0].line)
    result = BuildResult(book=book, notes=notes, timings=timings)
    out_dir.mkdir(parents=True, exist_ok=True)
    # the PDF first: its page numbers feed the EPUB's page list
    if "pdf" in formats:
        t0 = time.perf_counter()
        result.outputs.append(pdf_emit.write(book, out_dir / f"{config.output}.pdf", out_dir / ".cache"))
        timings["emit.pdf"] = time.perf_counter() - t0
    if "epub" in formats:
        t0 = time.perf_counter()
        result.outputs.insert(0, epub_emit.write(book, out_dir / f"{config.output}.epub", out_dir / ".cache"))
        timings["emit.epub"] = time.perf_counter() - t0
    return result
