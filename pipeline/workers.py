"""The build's chapter workers (`ChapterWorkers`, forked from the build, and their siblings:
siblings.py) and a process forked for one task (`Forked`); the PDF's pool, forked from a server,
is in pools.py. Each chapter worker runs one chapter at a time.

The first worker is forked as soon as the build knows it has something to do, before it reads
the chapters' keys and the cache, and imports the stages while the build reads them. When an
author edited one chapter, its stages start as soon as the build knows which one, instead of
after 0.1-0.3 s of imports (a fifth to a third of such a rebuild). More workers are forked only
when more than one chapter is to be done, and by the first worker, once it has imported the
stages (siblings.py): the stages are imported once a build.

Plain processes on pipes, not a standard pool: a pool cannot take a worker forked before the work
is known, nor stop one that is still importing without waiting for it. They are forked before any
thread of theirs runs here (one takes results in while the build warms the emitters up: `run()`),
and the PDF's processes are forked from its fork server, not from this process.
"""
from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import threading
from multiprocessing.connection import wait
from typing import Callable

from .siblings import SPAWN, Sibling, Spare, fork_sibling


class WorkerStopped(Exception):
    """A worker process ended (killed, out of memory, crashed) before it sent its result."""

    def __init__(self, exit_code: int | None):
        super().__init__(exit_code)
        self.exit_code = exit_code


def _serve(conn, prepare: Callable[[], None] | None, inherited: list, spares: list | None = None,
           inherited_fds: tuple[int, ...] = ()) -> None:
    """A worker's life: `prepare()`, then a task at a time from `conn`. The first worker also forks
    its siblings when the build asks (`SPAWN`, an index into `spares`: siblings.py), and waits for them
    before it ends, so that their CPU time is counted in its own children's, and so in the
    build's (`time`, `make bench`). Until then an ended sibling stays a zombie, which lets the
    build read its exit code (`Sibling.exit_code()`)."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the build's handler (a KeyboardInterrupt)
    for end in inherited:  # the build's ends of the pipes: when it is gone, `recv()` ends
        end.close()
    for fd in inherited_fds:
        os.close(fd)
    if prepare is not None:  # None: the build ran it before forking this one (ChapterWorkers.start)
        prepare()
    gc.freeze()  # what the build and the stages' imports hold: never scanned again here (preloaded.py)
    siblings: list[int] = []
    try:
        _tasks(conn, lambda index: siblings.append(fork_sibling(conn, spares or [], index, _tasks)))
    finally:
        for pid in siblings:
            with contextlib.suppress(ChildProcessError):
                os.waitpid(pid, 0)


def _tasks(conn, spawn: Callable[[int], None] | None = None) -> None:
    """Tasks from `conn`, one at a time, until the build closes it or is gone; `spawn(index)` for
    the build's requests of a sibling (the first worker's)."""
    while True:
        try:
            message = conn.recv()
        except EOFError:  # the build is gone, or closed the pipe
            return
        if message[0] == SPAWN and spawn is not None:
            spawn(message[1])
        elif not _reply(conn, *message):
            return


def _reply(conn, fn: Callable, arg) -> bool:
    """`fn(arg)`'s result, or its error, sent to the build; False where the build is gone."""
    try:
        reply = (True, fn(arg))
    except Exception as e:  # noqa: BLE001 - sent back, raised by the build
        reply = (False, e)
    try:
        conn.send(reply)
    except OSError:  # the build is gone (killed): so is its use for the result
        return False
    except Exception as e:  # noqa: BLE001 - a result or an error that does not pickle
        conn.send((False, RuntimeError(f"{type(e).__name__}: {e}")))
    return True


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
    """A worker forked by the build. The first one (`first`) takes the child's ends of its
    siblings-to-be's pipes (`spares`); every one closes the build's ends of all pipes."""

    def __init__(self, prepare: Callable[[], None] | None, others: list, spares: list | None = None,
                 first: bool = False):
        self.done = self.busy = False  # a task's result received; a task handed out, its result not
        spares = spares or []
        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        inherited = [self.conn] + [other.conn for other in others] + [s.conn for s in spares if not s.conn.closed]
        own = [(s.child, s.pid_write) for s in spares] if first else []
        self.process = context.Process(
            target=_serve, args=(child, prepare, inherited, own, tuple(s.pid_read for s in spares if s.pid_read >= 0)),
            daemon=True)
        self.process.start()
        child.close()

    @property
    def pid(self) -> int | None:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.is_alive()

    def kill(self) -> None:
        self.process.kill()

    def join(self, timeout: float | None = None) -> None:
        self.process.join(timeout)

    def exit_code(self) -> int | None:
        return self.process.exitcode


class ChapterWorkers:
    """Forked workers, each calling `prepare()` (its imports) first. `run()` hands them tasks;
    leaving the `with` block (or `close()`) stops them."""

    def __init__(self, prepare: Callable[[], None], most: int = 2):
        self.prepare, self.most = prepare, most
        self._prepared = False  # prepare() run in this process (start(): only where no sibling could be forked)
        self._workers: list = []  # the first _Worker, then its Siblings (or _Workers forked here)
        self._spares: list[Spare] = []

    def start(self, n: int) -> None:
        """At least `n` workers, forked now. The first runs `prepare()` itself and holds the pipes
        of up to `most - 1` siblings; the second and later are forked by it (`Sibling`), each as
        soon as it has imported, so that they start with what it imported and this process
        imports none of it. Should the first be gone, or `n` exceed `most`, this process runs
        `prepare()` and forks the next itself. Each is in the list before a Ctrl-C held back during
        its fork is raised (as the block ends), so that `close()` stops it."""
        while len(self._workers) < n:
            with workers_ignore_ctrl_c():  # Ctrl-C is the build's to handle: it stops the workers
                if not self._workers:
                    self._spares = [Spare() for _ in range(max(0, self.most - 1))]
                    self._workers.append(_Worker(self.prepare, [], self._spares, first=True))
                    for spare in self._spares:
                        spare.forked()
                    continue
                index = len(self._workers) - 1
                if index < len(self._spares) and self._workers[0].alive():
                    try:
                        self._workers.append(Sibling(self._workers[0], self._spares[index], index))
                        continue
                    except OSError:  # the first worker ended meanwhile
                        pass
            if not self._prepared:
                self.prepare()
                self._prepared = True
            with workers_ignore_ctrl_c():
                self._workers.append(_Worker(None, self._workers, self._spares))

    def run(self, fn: Callable, items: list[tuple], done: Callable, meanwhile: Callable | None = None) -> dict:
        """`fn(arg)` for each (key, arg) of `items`, handed out in the list's order to whichever
        worker is free; `done(key, result)` here as each ends, `meanwhile()` once the first are
        out. Returns the keys that failed, with their errors.

        While `meanwhile()` runs (the EPUB's cover and imports, 0.2 s; a small book's WeasyPrint,
        laid out in this process, most of a second), a thread of this process takes the results
        in and hands the next tasks out, so that a worker that ends a chapter does not wait for
        it; `done()` is called for those after `meanwhile()`, in this thread. The thread touches
        nothing else, starts no process, and is gone when this returns."""
        pending, busy, failed = list(items), {}, {}
        idle = [w for w in self._workers if w.alive()]
        taken: list[tuple] = []  # (key, ok, value) received and not yet given to done()

        def hand_out() -> None:
            while pending and idle:
                worker, (item, arg) = idle.pop(0), pending.pop(0)
                try:
                    worker.conn.send((fn, arg))
                except OSError:  # it stopped while it waited for work
                    worker.join(1)
                    failed[item] = WorkerStopped(worker.exit_code())
                    continue
                busy[worker.conn] = (worker, item)
                worker.busy = True

        def take(conn) -> None:
            worker, item = busy.pop(conn)
            worker.busy = False
            try:
                ok, value = conn.recv()
            except (EOFError, OSError):
                worker.join(1)
                ok, value = False, WorkerStopped(worker.exit_code())
            else:
                worker.done = True
                idle.append(worker)
            hand_out()  # its next task before this one's result is taken in
            taken.append((item, ok, value))

        def give() -> None:
            while taken:
                item, ok, value = taken.pop(0)
                if ok:
                    done(item, value)
                else:
                    failed[item] = value

        hand_out()
        if meanwhile:
            stop_read, stop_write = os.pipe()
            broke: list[BaseException] = []  # what stopped the thread, raised here after it

            def serve() -> None:
                try:
                    while busy:
                        ready = wait(list(busy) + [stop_read])
                        if stop_read in ready:
                            return
                        for conn in ready:
                            take(conn)
                except BaseException as e:  # noqa: BLE001 - raised by run(), as without the thread
                    broke.append(e)

            server = threading.Thread(target=serve, name="chapter results", daemon=True)
            server.start()
            try:
                meanwhile()
            finally:
                os.write(stop_write, b".")
                server.join()
                os.close(stop_read)
                os.close(stop_write)
            if broke:
                raise broke[0]
        give()
        while busy:
            for conn in wait(list(busy)):
                take(conn)
                give()
        # what is left when every worker stopped
        failed.update((item, WorkerStopped(None)) for item, _ in pending)
        return failed

    def close(self) -> None:
        """Stop the workers: one that finished its task and waits for the next is told to end
        (its pipe closed: it returns and exits as a process does, which is also what lets a
        profiler, coverage or valgrind write what it counted there), any other at once, busy
        or still importing (not waited for). They hold nothing to save (what they write, they
        write whole or not at all): SIGKILL, which no handler they may have inherited can turn
        into a traceback; so too for one that has not exited a second after being told."""
        waiting = [w for w in self._workers if w.done and not w.busy]
        for worker in self._workers:  # the first before its siblings: one not forked yet never will be
            if worker not in waiting:
                worker.kill()
        for worker in waiting:
            worker.conn.close()
        for worker in waiting:
            worker.join(1)
            if worker.alive():
                worker.kill()
        for worker in self._workers:
            worker.join()
            worker.conn.close()
        for spare in self._spares:
            spare.close()
        self._workers, self._spares = [], []

    def __enter__(self) -> ChapterWorkers:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _forked(conn, fn: Callable, arg) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the build's handler (a KeyboardInterrupt)
    _reply(conn, fn, arg)


class Forked:
    """`fn(arg)` in a process forked from this one now, beside what this process does next (a
    small book's print edition beside its screen PDF: each laid out in one process, on two cores
    where one was used); `result()` waits for its return value or raises its error. Ctrl-C is held
    back in it, as in the chapter workers: the build handles it, and leaving the `with` block on an
    error stops the process at once (SIGKILL) and calls `on_stop(pid)` (its files' cleanup)."""

    def __init__(self, fn: Callable, arg, on_stop: Callable[[int], None] | None = None):
        context = multiprocessing.get_context("fork")
        self.on_stop = on_stop
        self.conn, child = context.Pipe(duplex=False)
        with workers_ignore_ctrl_c():
            self.process = context.Process(target=_forked, args=(child, fn, arg), daemon=True)
            self.process.start()
        child.close()

    def result(self):
        try:
            ok, value = self.conn.recv()
        except (EOFError, OSError):
            self.process.join()
            raise WorkerStopped(self.process.exitcode) from None
        self.process.join()
        if ok:
            return value
        raise value

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        if self.on_stop is not None:
            self.on_stop(self.process.pid)

    def __enter__(self) -> Forked:
        return self

    def __exit__(self, kind, *exc) -> None:
        if kind is not None:
            self.stop()
        else:
            self.process.join()
        self.conn.close()
