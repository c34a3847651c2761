"""The preview's state and its rebuild loop.

`watch()` hands every save in the book folder or the templates (watchfiles) to `rebuild_loop()`,
which asks the EPUB's builder process (builder.py) for the EPUB and publishes it at once (the page
reloads its iframe), then hands the round to `pdf_loop()`, whose own builder process makes the PDF
meanwhile: a save that comes while a PDF is laid out shows in the EPUB view without waiting for it
(the two share the out folder's cache, whose writes are atomic). A build that fails keeps the last
good preview and publishes its one-line error; the next good build clears it. Each change of state
goes to every open page as a server-sent event.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import shutil
import sys
import time
import traceback
from dataclasses import asdict
from pathlib import Path

from . import preview

IGNORED_SUFFIXES = (".swp", ".swx", ".tmp", "~", ".part")  # editors' scratch files


class Builder:
    """The long-lived `python -m pipeline.serve.builder` process, one request at a time."""

    def __init__(self, source: Path, out: Path):
        self.source, self.out = source, out
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "pipeline.serve.builder", str(self.source), str(self.out),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=64 << 20)

    async def build(self, formats: list[str], jobs: int | None = None) -> dict:
        if self.process is None or self.process.returncode is not None:
            await self.start()
        self.process.stdin.write((json.dumps({"formats": formats, "jobs": jobs}) + "\n").encode())
        await self.process.stdin.drain()
        line = await self.process.stdout.readline()
        if not line:
            code = await self.process.wait()
            self.process = None
            return {"ok": False, "error": f"the build process stopped (exit code {code}); save again to retry"}
        return json.loads(line)

    async def stop(self) -> None:
        """The end of its input (it ends when idle, or ending on the Ctrl-C that reached it too);
        a build still running after 3 s gets SIGTERM (it stops as on Ctrl-C, its workers with it),
        and SIGKILL 10 s later."""
        p, self.process = self.process, None
        if p is None or p.returncode is not None:
            return
        p.stdin.close()
        for wait, end in ((3, p.terminate), (10, p.kill), (None, None)):
            try:
                await asyncio.wait_for(p.wait(), wait)
                return
            except asyncio.TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    end()


class Session:
    """What the page shows: the last good EPUB and PDF, the build's record, the last error."""

    def __init__(self, source: Path, out: Path, workdir: Path, templates: list[Path]):
        self.source, self.out, self.templates = source.resolve(), out.resolve(), templates
        self.generations = preview.Generations(workdir)
        self.builders = {"epub": Builder(source, out), "pdf": Builder(source, out)}
        self.epub = 0  # generation of the EPUB shown, 0 before the first
        self.pdf = 0
        self.entries: list[preview.Entry] = []
        self.report: dict = {}
        self.errors = {"epub": "", "pdf": ""}  # each builder's last error, cleared by its next good build
        self.running: set[str] = set()  # the builds under way: "epub", "pdf"
        self.edit_page: int | None = None  # the PDF page of the last edit
        self.chapter_files: dict[str, Path] = {}  # rel -> path, of the last good build
        self.texts: dict[Path, str] = {}  # each chapter's text at the last build: an edit's line
        self.pending: set[Path] = set()
        self.wake = asyncio.Event()
        self.pdf_wanted: tuple | None = None  # (saved_at, edit, jobs) of the last EPUB shown
        self.pdf_wake = asyncio.Event()
        self.listeners: set[asyncio.Queue] = set()
        self.timings: dict[str, float] = {}
        self.saved = False  # whether the round under way follows a save (else: the start)
        self.run = secrets.token_hex(4)  # this server's: a page that reconnects to a new one takes its builds

    # -- what the page reads
    @property
    def error(self) -> str:
        """The one line the page shows: the EPUB's error first (the book as saved now)."""
        return self.errors["epub"] or self.errors["pdf"]

    def state(self) -> dict:
        building = ", ".join(kind for kind in ("epub", "pdf") if kind in self.running)
        return {"run": self.run, "epub": self.epub, "pdf": self.pdf, "error": self.error, "building": building,
                "edit_page": self.edit_page, "contents": [asdict(e) for e in self.entries],
                "chapters": self.report.get("chapters", []), "warnings": self.report.get("warnings", []),
                "notes": self.report.get("notes", []), "timings": self.timings,
                "title": self.report.get("title", "")}

    SUMMARY = ("run", "epub", "pdf", "error", "building", "edit_page", "timings")

    def publish(self, event: str) -> None:
        """To every open page: the whole state when a build is shown ("epub", "pdf"); else (a build
        starts, or failed) only what changed, not a large book's record again."""
        state = self.state()
        if event not in ("epub", "pdf"):
            state = {k: state[k] for k in self.SUMMARY}
        data = json.dumps({"event": event, **state}, ensure_ascii=False)
        for queue in list(self.listeners):
            queue.put_nowait((event, data))

    # -- the loop
    def changed(self, paths: set[Path]) -> None:
        paths = {p for p in paths if not p.name.endswith(IGNORED_SUFFIXES) and not p.name.startswith(".#")
                 and not p.name.isdigit()  # vim's probe of the folder ("4913")
                 and not p.resolve().is_relative_to(self.out)}
        if paths:
            self.pending |= paths
            self.wake.set()

    async def rebuild_loop(self) -> None:
        self.wake.set()  # the first build
        while True:
            await self.wake.wait()
            self.wake.clear()
            try:
                await self._rebuild()
            except Exception as e:  # the preview's own trouble (a bug): shown, and the next save is watched
                self._trouble(e, "epub")

    async def pdf_loop(self) -> None:
        """The PDF of the last EPUB shown, by a builder of its own; saves that come meanwhile make
        one more PDF after it, of the newest EPUB."""
        while True:
            await self.pdf_wake.wait()
            self.pdf_wake.clear()
            await asyncio.sleep(0.05)  # a save of several files in a row: their last EPUB's PDF
            if self.pdf_wake.is_set() or self.pdf_wanted is None:
                continue
            (saved_at, edit, jobs), self.pdf_wanted = self.pdf_wanted, None
            try:
                await self._build("pdf", saved_at, edit, jobs=jobs)
            except Exception as e:
                self._trouble(e, "pdf")

    def _trouble(self, error: Exception, kind: str) -> None:
        traceback.print_exc(file=sys.stderr)
        self.running.discard(kind)
        self.errors[kind] = f"the preview could not show this build: {type(error).__name__}: {error}"
        self.publish("error")

    async def _rebuild(self) -> None:
        """One round: the EPUB, shown at once, then its PDF asked of the PDF's loop."""
        saved, self.pending = self.pending, set()
        saved_at, self.saved = time.time(), bool(saved)
        if any(p.resolve().is_relative_to(t) for p in saved for t in self.templates):
            for builder in self.builders.values():  # a template edit: fresh processes read it
                await builder.stop()
        edit = self._edit_line(saved)
        # one file saved: its chapter's stages and its PDF part laid out in the builder itself
        # (starting workers for one chapter costs more than it saves: measured with
        # bench/serve_latency.py); the first build, or several files, in parallel
        jobs = 1 if self.epub and len(saved) == 1 else None
        if await self._build("epub", saved_at, jobs=jobs):
            keep = self.pdf_wanted[1] if self.pdf_wanted and edit is None else None
            self.pdf_wanted = (saved_at, edit or keep, jobs)  # an edit not yet in a PDF stays wanted
            self.pdf_wake.set()

    async def _build(self, kind: str, saved_at: float, edit: tuple[str, str] | None = None,
                     jobs: int | None = None) -> bool:
        self.running.add(kind)
        self.publish("building")
        try:
            answer = await self.builders[kind].build([kind], jobs)
        finally:
            self.running.discard(kind)
        if not answer.get("ok"):
            self.errors[kind] = answer.get("error", "the build failed")
            self.publish("error")
            return False
        outputs = [Path(p) for p in answer["outputs"]]
        made = next((p for p in outputs if p.suffix == f".{kind}"), None)
        if made is None:
            self.errors[kind] = f"the build wrote no {kind.upper()}"
            self.publish("error")
            return False
        self.errors[kind] = ""
        number, folder = self.generations.new(kind, self.epub if kind == "epub" else self.pdf)
        if kind == "epub":
            await asyncio.to_thread(preview.unpack_epub, made, folder)
            entries = await asyncio.to_thread(preview.contents, folder)
            old = {e.id: e.pages for e in self.entries}
            for e in entries:
                e.pages = old.get(e.id, [])
            self.entries, self.report, self.epub = entries, answer, number
            self._remember_chapters(answer)
        else:
            folder.mkdir(parents=True)
            pdf = folder / "book.pdf"
            await asyncio.to_thread(shutil.copyfile, made, pdf)
            ranges = await asyncio.to_thread(preview.outline_ranges, pdf)
            preview.match_pages(self.entries, ranges)
            self.edit_page = await asyncio.to_thread(self._page_of_edit, pdf, edit)
            self.pdf = number
        self.timings[f"{kind}_seconds"] = round(time.time() - saved_at, 3)
        self.timings[f"{kind}_build_seconds"] = answer.get("seconds", 0)  # of which the build itself
        self.timings["after"] = "the save" if self.saved else "the start"
        self.publish(kind)
        return True

    def _remember_chapters(self, answer: dict) -> None:
        self.chapter_files = {ch["rel"]: (self.source / ch["rel"]).resolve() for ch in answer["chapters"]}
        if (self.source / "book.toml").is_file():  # a note or an error may name it
            self.chapter_files["book.toml"] = (self.source / "book.toml").resolve()
        for path in self.chapter_files.values():
            with contextlib.suppress(OSError):
                self.texts[path] = path.read_text(encoding="utf-8", errors="replace")

    def _edit_line(self, saved: set[Path]) -> tuple[str, str] | None:
        """(chapter rel, the first changed line) of the first saved chapter that changed."""
        by_path = {p: rel for rel, p in self.chapter_files.items()}
        for path in sorted(saved):
            rel = by_path.get(path.resolve())
            if rel is None:
                continue
            try:
                new = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            line = preview.changed_line(self.texts.get(path.resolve(), ""), new)
            if line:
                return rel, line
        return None

    def _page_of_edit(self, pdf: Path, edit: tuple[str, str] | None) -> int | None:
        if edit is None:
            return None
        rel, line = edit
        chapter = next((c for c in self.report.get("chapters", []) if c["rel"] == rel), None)
        entry = next((e for e in self.entries if chapter and e.id == chapter["id"]), None)
        if entry is None or not entry.pages:
            return None
        first, last = entry.pages
        return preview.page_of_text(preview.page_texts(pdf, first, last), first, line) or first

    def pdf_file(self, number: int) -> Path | None:
        path = self.generations.folder("pdf", number) / "book.pdf"
        return path if path.is_file() else None


async def watch(session: Session, stop: asyncio.Event) -> None:
    """Every save in the book's folder and the templates, handed to the session."""
    from watchfiles import awatch

    folders = [session.source] + [t for t in session.templates if t.is_dir()]
    async for changes in awatch(*folders, stop_event=stop, debounce=40, step=20, recursive=True):
        session.changed({Path(p) for _change, p in changes})
