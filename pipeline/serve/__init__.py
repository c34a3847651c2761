"""`pressroom serve`: the author's live preview (never imported by the build).

It builds the book, serves a page on 127.0.0.1 (uvicorn + starlette, routes.py) that shows each
chapter as the EPUB has it, the PDF's pages of that chapter, and the build's warnings and
`--explain` record; it watches the book's folder and templates (watchfiles) and rebuilds on every
save with the build's cache (session.py, builder.py), and the page reloads itself by a
server-sent event. Ctrl-C (or SIGTERM) stops the server, the build process and its workers, removes
the preview's temporary folder and exits with 130.
"""
from __future__ import annotations

import asyncio
import contextlib
import shutil
import signal
import sys
import tempfile
import webbrowser
from pathlib import Path

from ..model import PressroomError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def _server_class():
    import uvicorn

    class Server(uvicorn.Server):
        """uvicorn's server, with the signals kept here: Ctrl-C stops it, and `run()` says 130
        (uvicorn's own handler would raise the signal again once it stopped)."""

        stopped_by: int | None = None

        @contextlib.contextmanager
        def capture_signals(self):
            def stop(signum, frame):
                if self.should_exit:
                    self.force_exit = True
                self.should_exit = True
                self.stopped_by = signum

            kept = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
            try:
                yield
            finally:
                for s, handler in kept.items():
                    signal.signal(s, handler)

    return Server


def templates_of(source: Path) -> list[Path]:
    """The folders whose files change the outputs besides the book's: Pressroom's templates and
    the book's own (inside its folder, watched with it)."""
    from ..cache import TEMPLATES

    return [TEMPLATES.resolve(), (source / "templates").resolve()]


async def _serve(source: Path, out: Path, host: str, port: int, open_page: bool, workdir: Path) -> int:
    import uvicorn

    from . import routes
    from .session import Session, watch

    session = Session(source, out, workdir, templates_of(source))
    stop = asyncio.Event()
    hosts = None if host not in LOCAL_HOSTS else ["127.0.0.1", "localhost", "[::1]", "::1"]
    config = uvicorn.Config(routes.app(session, stop, hosts), host=host, port=port, log_level="warning",
                            timeout_graceful_shutdown=2, lifespan="off")
    server = _server_class()(config)
    tasks = [asyncio.create_task(session.rebuild_loop()), asyncio.create_task(session.pdf_loop()),
             asyncio.create_task(watch(session, stop))]

    async def announce():
        while not server.started:
            await asyncio.sleep(0.05)
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{server.servers[0].sockets[0].getsockname()[1] if port == 0 else port}/"
        print(f"serving the preview of {source} on {url} (Ctrl-C stops)", file=sys.stderr, flush=True)
        if open_page:
            await asyncio.to_thread(webbrowser.open, url)

    tasks.append(asyncio.create_task(announce()))
    try:
        await server.serve()
    except SystemExit:  # uvicorn could not listen (it logged why): the port is taken, or the address wrong
        raise PressroomError(f"cannot serve on {host}:{port}; is another preview running? choose another --port")
    finally:
        stop.set()
        for queue in list(session.listeners):  # the open event streams end
            queue.put_nowait(None)
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        await asyncio.gather(*(builder.stop() for builder in session.builders.values()))
    if server.stopped_by is not None:
        return 130
    return 1 if not server.started else 0


def run(source: Path, out: Path, host: str = "127.0.0.1", port: int = 8000, open_page: bool = False) -> int:
    """Serve until Ctrl-C; the exit code (130 after Ctrl-C or SIGTERM)."""
    # a folder that is not there stops here, as `pressroom build` says it; anything wrong inside
    # it (a bad book.toml, no chapters) is shown on the page, and fixed there without a restart
    if not source.exists():
        raise PressroomError(f"source folder does not exist: {source}")
    if not source.is_dir():
        raise PressroomError(f"source folder is a file, not a folder: {source}")
    if host not in LOCAL_HOSTS:
        print(f"warning: serving on {host}: anyone who reaches this machine can read the book "
              "and its preview (the default, 127.0.0.1, keeps it to this machine)", file=sys.stderr)
    workdir = Path(tempfile.mkdtemp(prefix="pressroom-serve-"))
    try:
        code = asyncio.run(_serve(source, out, host, port, open_page, workdir))
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if code == 130:
        print("stopped", file=sys.stderr)
    return code
