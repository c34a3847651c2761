"""Worker processes for the chapter stages, forked from the build; each runs one chapter at a time.

The first worker is forked as soon as the build knows it has something to do, before it reads
the chapters' keys and the cache, and imports the stages while the build reads them. When an
author edited one chapter, its stages start as soon as the build knows which one, instead of
after 0.1-0.3 s of imports (a fifth to a third of such a rebuild). More workers are forked only
when more than one chapter is to be done.

Plain processes on pipes, not a standard pool: a pool cannot take a worker forked before the work
is known, nor stop one that is still importing without waiting for it. They start no thread in
this process either, so the PDF's pool (started after them) forks nothing beside running threads.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import signal
from multiprocessing.connection import wait
from typing import Callable


class WorkerStopped(Exception):
    """A worker process ended (killed, out of memory, crashed) before it sent its result."""

    def __init__(self, exit_code: int | None):
        super().__init__(exit_code)
        self.exit_code = exit_code


def _serve(conn, prepare: Callable[[], None], inherited: list) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the build's handler (a KeyboardInterrupt)
    for end in inherited:  # the build's ends of the pipes: when it is gone, `recv()` ends
        end.close()
    prepare()
    while True:
        try:
            fn, arg = conn.recv()
        except EOFError:  # the build is gone, or closed the pipe
            return
        try:
            reply = (True, fn(arg))
        except Exception as e:  # noqa: BLE001 - sent back, raised by the build
            reply = (False, e)
        try:
            conn.send(reply)
        except OSError:  # the build is gone (killed): so is its use for the result
            return
        except Exception as e:  # noqa: BLE001 - a result or an error that does not pickle
            conn.send((False, RuntimeError(f"{type(e).__name__}: {e}")))


@contextlib.contextmanager
def workers_ignore_ctrl_c():
    """Worker processes started in this block inherit SIGINT blocked (across exec too): Ctrl-C,
    sent to the whole process group, is the build's to handle, and it stops the workers. Here it
    is only held back until the block ends."""
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    except KeyboardInterrupt:  # one came before: handled (raised) by the call that blocks the next
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
        raise
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


class _Worker:
    def __init__(self, prepare: Callable[[], None], others: list[_Worker]):
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        inherited = [self.conn] + [other.conn for other in others]
        self.process = context.Process(target=_serve, args=(child, prepare, inherited), daemon=True)
        self.process.start()
        child.close()


class ChapterWorkers:
    """Forked workers, each calling `prepare()` (its imports) first. `run()` hands them tasks;
    leaving the `with` block (or `close()`) stops them."""

    def __init__(self, prepare: Callable[[], None]):
        self.prepare = prepare
        self._workers: list[_Worker] = []

    def start(self, n: int) -> None:
        """At least `n` workers, forked now. Each is in the list before a Ctrl-C held back during
        the forks is raised (as the block ends), so that `close()` stops it."""
        with workers_ignore_ctrl_c():  # Ctrl-C is the build's to handle: it stops the workers
            while len(self._workers) < n:
                self._workers.append(_Worker(self.prepare, self._workers))

    def run(self, fn: Callable, items: list[tuple], done: Callable, meanwhile: Callable | None = None) -> dict:
        """`fn(arg)` for each (key, arg) of `items`, handed out in the list's order to whichever
        worker is free; `done(key, result)` here as each ends, `meanwhile()` once the first are
        out. Returns the keys that failed, with their errors."""
        pending, busy, failed = list(items), {}, {}
        idle = [w for w in self._workers if w.process.is_alive()]

        def hand_out() -> None:
            while pending and idle:
                worker, (item, arg) = idle.pop(0), pending.pop(0)
                try:
                    worker.conn.send((fn, arg))
                except OSError:  # it stopped while it waited for work
                    worker.process.join(1)
                    failed[item] = WorkerStopped(worker.process.exitcode)
                    continue
                busy[worker.conn] = (worker, item)

        hand_out()
        if meanwhile:
            meanwhile()
        while busy:
            for conn in wait(list(busy)):
                worker, item = busy.pop(conn)
                try:
                    ok, value = conn.recv()
                except (EOFError, OSError):
                    worker.process.join(1)
                    ok, value = False, WorkerStopped(worker.process.exitcode)
                else:
                    idle.append(worker)
                hand_out()  # its next task before this one's result is taken in
                if ok:
                    done(item, value)
                else:
                    failed[item] = value
        # what is left when every worker stopped
        failed.update((item, WorkerStopped(None)) for item, _ in pending)
        return failed

    def close(self) -> None:
        """Stop the workers at once, any still importing too (not waited for). They hold nothing
        to save (what they write, they write whole or not at all): SIGKILL, which no handler
        they may have inherited can turn into a traceback."""
        for worker in self._workers:
            worker.process.kill()
        for worker in self._workers:
            worker.process.join()
            worker.conn.close()
        self._workers = []

    def __enter__(self) -> ChapterWorkers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
