"""The build: config -> chapters through CHAPTER_STAGES (in a process pool, cached by content)
-> BOOK_STAGES -> emit (the PDF first: its pages feed the EPUB's page list).

`build()` is what `pressroom build`, `make epub` and `make pdf` call. It returns the Book and the
paths written; a user's mistake raises PressroomError (one line, exit code 2). When nothing that
goes into the outputs changed since the last build, it does nothing and says so.
"""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import cache as cachemod
from .config import BookConfig, load_config
from .model import Book, Chapter, PressroomError, StageContext


@dataclass
class BuildResult:
    book: Book | None  # None when nothing changed and nothing was built
    outputs: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    up_to_date: bool = False


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


def process_chapter(path: Path, rel: str, number: int, position: int, ctx, timings: dict | None = None) -> Chapter:
    """Load one article and run every chapter stage on it."""
    from .load import load_chapter
    from .stages import CHAPTER_STAGES

    t0 = time.perf_counter()
    chapter = load_chapter(path, rel, number)
    chapter.position = position
    if timings is not None:
        timings["load"] = timings.get("load", 0) + time.perf_counter() - t0
    for name, stage in CHAPTER_STAGES:
        t0 = time.perf_counter()
        try:
            stage(chapter, ctx)
        except RecursionError:
            raise PressroomError("markup is nested too deeply to process; simplify the nesting", rel) from None
        if timings is not None:
            timings[name] = timings.get(name, 0) + time.perf_counter() - t0
        if chapter.omitted:
            break
    from .stages.accessibility_audit import audit_chapter

    chapter.freeze(audit_chapter(chapter))  # its HTML pickles fast; parsed again only where read
    return chapter


def _worker(task) -> tuple[Chapter, dict]:
    timings: dict = {}
    chapter = process_chapter(*task, timings=timings)
    return chapter, timings


def _tasks(files: list[Path], ctx) -> list[tuple]:
    tasks, number = [], 0
    for position, path in enumerate(files, 1):
        numbered = _numbered(path)
        number += numbered
        tasks.append((path, _rel(path, ctx.source_dir), number if numbered else 0, position, ctx))
    return tasks


_IMAGE = re.compile(r"""!\[[^\]]*\]\(\s*<?([^)\s>]+)|<img\b[^>]*?\bsrc\s*=\s*["']([^"']+)""", re.I)
_FORMULA = re.compile(r"\\\(|\\\[|\$\$|<math\b")
_CODE = re.compile(r"^\s*(?:```|~~~)|<pre\b", re.M)


def _cost(task: tuple, source: bytes | None = None) -> float:
    """A guess of a chapter's time in the stages, to hand the longest out first so that the workers
    end together: its bytes, the local images it names (each decoded, many encoded again), its
    formulas and code blocks. Weights fitted on 10 tds-zh-2025 articles (a chapter's text about
    2 us a byte; its images 0.08 s a MB; a formula about 1 ms; a code block 0.5 ms). By bytes alone,
    the article with 21 formulas and 10 KB came ninth of ten and ended alone, 0.14 s after the rest.
    `source`: the file's bytes, where they were read already."""
    path = task[0]
    if source is None:
        try:
            source = path.read_bytes()
        except OSError:
            return 0.0
    text = source.decode("utf-8", errors="replace")
    images = 0
    for found in _IMAGE.finditer(text):
        src = found.group(1) or found.group(2)
        if "://" in src or src.startswith("data:"):
            continue
        try:
            images += (path.parent / src.split("#")[0].split("?")[0]).stat().st_size
        except (OSError, ValueError):
            pass
    return len(source) + images / 25 + 500 * len(_FORMULA.findall(text)) + 250 * len(_CODE.findall(text))


def import_stages() -> None:
    """What a chapter worker imports before its first chapter."""
    from . import load  # noqa: F401
    from .stages import CHAPTER_STAGES, accessibility_audit  # noqa: F401 - CHAPTER_STAGES imports every stage


def run_chapters(files: list[Path], ctx, jobs: int, timings: dict, use_cache: bool = True,
                 started=None, workers=None) -> list[Chapter]:
    """Every chapter through the stages: from the cache when its inputs are unchanged, else by
    `jobs` worker processes (`workers`, a ChapterWorkers, may have forked some already). Serial,
    parallel and cached runs give the same chapters. `started()` is called once the workers are
    forked (or at once, without them): the PDF's workers start then.

    The chapters with no cache entry go to the workers first, so that they run while this process
    reads the kept chapters; a kept chapter whose images changed since (a stale entry) follows."""
    from .workers import ChapterWorkers, WorkerStopped

    tasks = _tasks(files, ctx)
    store = cachemod.ChapterCache(ctx.cache_dir) if use_cache else None
    sources = [task[0].read_bytes() for task in tasks]  # read once: the keys, and the order of the hand-out
    keys = cachemod.chapter_keys(tasks, ctx.config, ctx.strict, ctx.offline, sources)
    chapters: list[Chapter | None] = [None] * len(tasks)
    kept = [i for i in range(len(tasks)) if store and store.has(keys[i])]
    fresh = sorted(set(range(len(tasks))) - set(kept))
    with contextlib.ExitStack() as stack:
        if jobs > 1 and workers is None:
            workers = stack.enter_context(ChapterWorkers(import_stages, jobs))
        stack.callback(lambda: workers and workers.close())  # their memory freed before the PDF's
        queue: list[int] = []

        def hand_out(indices: list[int]) -> None:  # the longest first: the workers end together
            if jobs > 1 and indices:
                workers.start(min(jobs, len(queue) + len(indices)))
                queue.extend(sorted(indices, key=lambda i: _cost(tasks[i], sources[i]), reverse=True))

        hand_out(fresh)
        for i in kept:
            chapters[i] = store.get(keys[i])
        stale = [i for i in kept if chapters[i] is None]
        hand_out(stale)
        timings["cache.hits"] = len(kept) - len(stale)
        # `started()` after the forks (a fork of a process running the PDF pool's threads could
        # hang), and once the workers have their first chapters
        if jobs <= 1:
            if started:
                started()
            for i in sorted(fresh + stale):
                chapters[i] = process_chapter(*tasks[i], timings=timings)
                if store:
                    store.put(keys[i], chapters[i])
            failed = {}
        else:
            def meanwhile() -> None:
                if started:
                    started()
                from .emit import epub  # noqa: F401 - every build's emitter, imported while the workers run

            def done(i: int, result: tuple) -> None:
                chapters[i], t = result
                if store:
                    store.put(keys[i], chapters[i])
                for k, v in t.items():
                    timings[k] = timings.get(k, 0) + v

            failed = workers.run(_worker, [(i, tasks[i]) for i in queue], done, meanwhile)
    if failed:  # when chapters fail, the error raised is the first chapter's
        i = min(failed)
        if isinstance(failed[i], WorkerStopped):
            code = failed[i].exit_code
            raise PressroomError(f"the worker process running this chapter's stages stopped"
                                 f"{f' (exit code {code})' if code is not None else ''}; build again, or with "
                                 "--jobs 1 to run them in one process", tasks[i][1])
        raise failed[i]
    for i, chapter in enumerate(chapters):
        chapter.input_key = keys[i] if store else ""
    return chapters


def _print_edition(args, timings: dict | None = None) -> tuple[list[Path], list, dict]:
    """The print edition's interior and cover (`emit/print_edition.py`): the files written, the
    diagnostics it added to the book, and its timings (into `timings` where given)."""
    from .emit import print_edition

    book, targets, cache_dir, jobs = args
    timings = {} if timings is None else timings
    before = len(book.diagnostics)
    t0 = time.perf_counter()
    outputs = print_edition.write(book, targets["print"], targets.get("cover"), cache_dir, jobs, timings)
    timings["emit.print"] = time.perf_counter() - t0
    return outputs, book.diagnostics[before:], timings


def _remove_parts(targets: dict, pid: int) -> None:
    """The temporary files process `pid` left beside the print edition's files (it was stopped)."""
    from .emit import remove_parts

    for name in ("print", "cover"):
        if targets.get(name) is not None:
            remove_parts(targets[name], pid)


def _context(config: BookConfig, source_dir: Path, cache_dir: Path, strict: bool, offline: bool):
    return StageContext(config=config, source_dir=source_dir.resolve(), cache_dir=cache_dir.resolve(),
                        strict=strict, offline=offline or config.images.offline)


def assemble(config: BookConfig, source_dir: Path, cache_dir: Path, strict: bool = False,
             offline: bool = False, jobs: int = 1, timings: dict | None = None, use_cache: bool = True,
             started=None, workers=None) -> Book:
    """Run the chapter stages and the book stages; the Book is ready to emit. `started`, `workers`:
    see `run_chapters()`."""
    from .book import BOOK_STAGES

    timings = {} if timings is None else timings
    ctx = _context(config, source_dir, cache_dir, strict, offline)
    files = config.chapter_files()
    for p in files:
        if not p.resolve().is_relative_to(ctx.source_dir):
            raise PressroomError("chapter file is outside the book's folder; move it in",
                                 os.path.relpath(p, source_dir))
    chapters = run_chapters(files, ctx, jobs, timings, use_cache, started, workers)
    diagnostics = [d for ch in chapters for d in ch.diagnostics]
    if any(ch.omitted for ch in chapters):  # number the remaining chapters again
        files = [f for f, ch in zip(files, chapters) if not ch.omitted]
        if not files:
            raise PressroomError("every article is empty; nothing to build (add text to the chapters)",
                                 _rel(source_dir / "book.toml", source_dir) if config.from_file else str(source_dir))
        # in this process, without a fork, where threads run (the PDF pool's): a fork beside them could hang
        import threading

        chapters = run_chapters(files, ctx, 1 if threading.active_count() > 1 else jobs, timings, use_cache)
        diagnostics = [d for d in diagnostics if d.rule == "clean.empty"] + \
            [d for ch in chapters for d in ch.diagnostics]
    book = Book(config=config, source_dir=source_dir, chapters=chapters, diagnostics=diagnostics)
    for name, stage in BOOK_STAGES:
        t0 = time.perf_counter()
        stage(book)
        timings[f"book.{name}"] = time.perf_counter() - t0
    return book


def _book_key(config: BookConfig, source_dir: Path, formats, strict: bool, offline: bool, state: dict) -> str | None:
    """What goes into the outputs, hashed; None when a recorded dependency changed. (Without
    importing the layout: its Jinja is imported while a changed chapter's stages run.)"""
    from .emit import build_time

    for dep, stat in state.get("deps", {}).items():
        if cachemod.stat_of(dep) != stat:
            return None
    h = hashlib.sha256()
    for part in (cachemod.pipeline_version(), repr(cachemod._config_for_stages(config)), ",".join(formats),
                 str(strict), str(offline), build_time(source_dir, config.date).isoformat(),
                 cachemod.tree_hash([p for p in (source_dir / config.templates, cachemod.TEMPLATES)])):
        h.update(part.encode())
        h.update(b"\0")
    for path in config.chapter_files():
        h.update(_rel(path, source_dir).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def build(source_dir: Path, out_dir: Path, formats: tuple[str, ...] = ("epub", "pdf"), strict: bool = False,
          offline: bool = False, jobs: int | None = None, force: bool = False) -> BuildResult:
    source_dir = Path(source_dir)
    out_dir = Path(out_dir)
    cache_dir = out_dir / ".cache"
    config, notes = load_config(source_dir)
    from . import editions

    formats = editions.formats(config, tuple(formats))
    targets = editions.targets(config, out_dir, formats)
    state = cachemod.read_state(cache_dir)
    key = _book_key(config, source_dir, sorted(formats), strict, offline, state)
    if (not force and key is not None and state.get("key") == key
            and all(cachemod.output_stamp(p) == state.get("outputs", {}).get(str(p)) for p in targets.values())):
        return BuildResult(book=None, outputs=list(targets.values()), up_to_date=True,
                           notes=notes + state.get("warnings", []) + ["nothing changed since the last build"])

    timings: dict[str, float] = {}
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    with contextlib.ExitStack() as stack:
        workers = None
        if jobs > 1:  # the first chapter worker, forked now, imports the stages while this process reads the cache
            from .workers import ChapterWorkers

            workers = stack.enter_context(ChapterWorkers(import_stages, jobs))
            workers.start(1)
        return _build(config, source_dir, out_dir, cache_dir, formats, targets, key, notes, strict, offline, jobs,
                      timings, stack, workers)


def _build(config: BookConfig, source_dir: Path, out_dir: Path, cache_dir: Path, formats, targets: dict, key,
           notes: list, strict: bool, offline: bool, jobs: int, timings: dict, stack,
           chapter_workers=None) -> BuildResult:
    workers, small = None, False
    if "pdf" in targets:  # the PDF's layout workers start, and import WeasyPrint, during the stages
        from .emit.pdf import parts

        small = parts.one_process(config)  # a small book: laid out here and in a twin forked then, no pool
        if jobs > 1 and not small:
            workers = stack.enter_context(parts.Workers(jobs))

    def started() -> None:  # while the chapters' stages run
        if workers is not None or small:  # a small book's: in this process, while the chapter workers run
            from .emit import pdf

            pdf.warm_up(config, source_dir, cache_dir, workers)
        if "epub" in targets:
            from .emit import epub

            epub.warm_up(config, source_dir, cache_dir)
    book = assemble(config, source_dir, cache_dir, strict, offline, jobs, timings, started=started,
                    workers=chapter_workers)
    if strict:
        warnings = [d for d in book.diagnostics if d.level in ("warning", "error")]
        if warnings:
            raise PressroomError(f"{warnings[0].message} (--strict turns warnings into errors)",
                                 warnings[0].file, warnings[0].line)
    result = BuildResult(book=book, notes=notes, timings=timings)
    out_dir.mkdir(parents=True, exist_ok=True)
    aside = None
    if "print" in targets and "pdf" in targets and small and jobs > 1:
        # a small book, laid out in this process: its print edition in a process of its own, forked
        # now, beside the screen PDF (the default book's `make all`: 4.85 -> 3.43 s, medians of 5)
        from .workers import Forked

        aside = stack.enter_context(Forked(_print_edition, (book, targets, cache_dir, 1),  # 1: no twin beside the two
                                           on_stop=lambda pid: _remove_parts(targets, pid)))
    if "pdf" in targets:
        from .emit import pdf as pdf_emit

        t0 = time.perf_counter()
        result.outputs.append(pdf_emit.write(book, targets["pdf"], cache_dir, jobs, timings, workers,
                                            alone=aside is None))
        timings["emit.pdf"] = time.perf_counter() - t0
        from .emit.page_list import keep

        keep(book, cache_dir)  # the printed pages, for an EPUB built now or later from the same content
    if aside is not None:
        from .workers import WorkerStopped

        try:
            outputs, diagnostics, printed_timings = aside.result()
        except WorkerStopped as e:
            code = f" (exit code {e.exit_code})" if e.exit_code is not None else ""
            raise PressroomError(f"the process laying out the print edition stopped{code}; build again, or with "
                                 "--jobs 1 to lay it out in this process", _rel(source_dir / "book.toml", source_dir)) from None
        result.outputs += outputs
        book.diagnostics += diagnostics
        for name, value in printed_timings.items():
            timings[name] = timings.get(name, 0) + value
    elif "print" in targets:  # the paperback interior and its cover (after the screen PDF: its workers are done)
        result.outputs += _print_edition((book, targets, cache_dir, jobs), timings)[0]
    if "epub" in targets:
        from .emit import epub as epub_emit  # imported while the chapter workers ran (run_chapters)

        t0 = time.perf_counter()
        result.outputs.insert(0, epub_emit.write(book, targets["epub"], cache_dir))
        timings["emit.epub"] = time.perf_counter() - t0
        if config.epub.page_list and not (book.page_map or {}).get("pages"):
            # the page list maps the PDF's printed pages: laid out in this build, or kept in the
            # cache by an earlier build of the same content (emit/page_list.py)
            notes.append("the EPUB has no page list: it follows the PDF's printed pages, and no PDF of this "
                         "content was laid out here (build both with --format all, or the PDF first)")
    deps = {dep for ch in book.chapters for dep in ch.deps}
    if all(ch.cacheable for ch in book.chapters):
        cachemod.write_state(cache_dir, {
            "key": key or _book_key(config, source_dir, sorted(formats), strict, offline, {}),
            "deps": {d: cachemod.stat_of(d) for d in sorted(deps)},
            "outputs": {str(p): cachemod.output_stamp(p) for p in targets.values()},
            "warnings": [f"{d.level}: {d}" for d in book.diagnostics if d.level in ("warning", "error")],
        })
    return result
