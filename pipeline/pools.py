"""The PDF's pools of processes (emit/pdf/parts.py): `ForkServerPool`, the layout workers and the
join, forked from a server that imported what they need once, and the end of that server
(`stop_fork_server()`); `TwinPool`, a small book's layout, this process and one forked from it.
The chapter workers are in workers.py."""
from __future__ import annotations

import os

from .workers import WorkerStopped, workers_ignore_ctrl_c


def rss(pid: int) -> int | None:
    """The memory process `pid` holds (resident set, bytes); None where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _dated(task):
    """`fn(arg)` under the SOURCE_DATE_EPOCH of the process that handed it over (or none, as
    there): a worker is forked from a server (or a twin from the build) that may have started
    before the build set it from the book's date or last commit, and what it makes is stamped
    with it (fonts' time stamps: WeasyPrint's subsets, the join's emoji font). Without it a pooled
    cold build of a book with an emoji was different bytes each time."""
    epoch, fn, arg = task
    if epoch is None:
        os.environ.pop("SOURCE_DATE_EPOCH", None)
    else:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    return fn(arg)


def _handed(fn, arg) -> tuple:
    """`(fn, arg)` as `_dated` runs it in another process."""
    return os.environ.get("SOURCE_DATE_EPOCH"), fn, arg


def _context(preload: tuple[str, ...]):
    """How the workers start: forked from a server process that imported `preload` once when it
    started (multiprocessing's "forkserver"), not each started afresh and importing them itself
    (0.8-1 s of CPU a process: two layout workers and the join)."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(preload))
    return context


class ForkServerPool:
    """A pool of `n` processes that do not share this one's memory (a fork of this one would carry
    every chapter's parsed tree, and count it again in each worker's memory, for work that needs
    none of it: they are forked from a server, `_context()`), started on first use and shared by
    the PDF's steps; with n <= 1, or one task, no pool, unless `apart` (the work is done in a
    process of its own even then: the join). The one place that reads the standard pool's
    processes (`_processes`: their memory, and stopping them at once)."""

    preload: tuple[str, ...] = ()  # what the server imports once, for every process forked from it

    def __init__(self, n: int, apart: bool = False):
        self.n, self.apart, self._pool = n, apart, None

    def _call(self, method: str, *args, **kwargs):
        """A method of the pool, started on first use (its workers, started as tasks come, ignore
        Ctrl-C: the build stops them)."""
        if self._pool is None:
            # started before Ctrl-C is held back: CPython starts it with SIGINT blocked and then
            # unblocks SIGINT outright, which would let the fork server and the workers inherit
            # Ctrl-C (a KeyboardInterrupt's "Process ForkServerProcess-N:" on the terminal)
            from multiprocessing import resource_tracker

            resource_tracker.ensure_running()
        with workers_ignore_ctrl_c():
            if self._pool is None:
                from concurrent.futures import ProcessPoolExecutor

                self._pool = ProcessPoolExecutor(max_workers=self.n, mp_context=_context(self.preload))
            return getattr(self._pool, method)(*args, **kwargs)

    def map(self, fn, tasks: list, chunksize: int = 1):
        if self.here() or (not self.apart and len(tasks) <= 1):
            return map(fn, tasks)
        return self._call("map", _dated, [_handed(fn, task) for task in tasks], chunksize=chunksize)

    def here(self) -> bool:
        """Whether `submit()` runs its task in this process."""
        return self.n <= 1 and not self.apart

    def submit(self, fn, task, size: int = 0):
        """`fn(task)` in a worker; its `.result()` (with n <= 1, done here and now). `size`: unused
        (the tasks are done in the order they come)."""
        if self.here():
            from concurrent.futures import Future

            done: Future = Future()
            done.set_result(fn(task))
            return done
        return self._call("submit", _dated, _handed(fn, task))

    def rss(self) -> int | None:
        """The memory the pool's processes hold (bytes); None where one cannot be read."""
        held = [rss(p.pid) for p in list((self._pool._processes or {}).values())] if self._pool else []
        return None if None in held else sum(held)

    def __enter__(self):
        return self

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None

    def stop(self) -> None:
        """Interrupted or failed: the workers' results are of no use now. They are stopped, and
        gone when this returns, so that none writes a file after it (the caller removes it)."""
        if self._pool is None:
            return
        processes = list((self._pool._processes or {}).values())
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(5)
            if process.is_alive():
                process.kill()
                process.join()
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def __exit__(self, kind, *exc):
        if kind is not None:
            self.stop()
        elif self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)


class _Task:
    """A task of a `TwinPool`: `result()` waits for it, and meanwhile does the pool's other tasks here."""

    def __init__(self, pool: TwinPool, fn, arg, size: int):
        from concurrent.futures import Future

        self.pool, self.fn, self.arg, self.size, self.future = pool, fn, arg, size, Future()

    def run(self) -> None:
        try:
            self.future.set_result(self.fn(self.arg))
        except Exception as e:  # noqa: BLE001 - raised by result(), as a pool's
            self.future.set_exception(e)

    def result(self):
        while not self.future.done():
            task = self.pool.take(wait=False)
            if task is None:
                break
            task.run()
        return self.future.result()


class TwinPool:
    """A small book's layout (emit/pdf/parts.one_process()) in this process and one forked from it,
    the twin: forked when the first task comes, after this process imported WeasyPrint and parsed
    the print stylesheet (`parts.warm()`, during the chapters' stages), so that the twin starts
    with them done; a fork server would import them again (0.8 s of CPU), and one process
    leaves the second core idle. Tasks wait in a queue, the largest first (`size`): a thread of
    this process hands them to the twin one at a time, and this process does the others while it
    waits for a result (`_Task.result()`). The same interface as `ForkServerPool`."""

    n = 2

    def __init__(self):
        import threading

        self.twin, self.conn, self.feeder = None, None, None
        self.queue: list[_Task] = []
        self.ready = threading.Condition()
        self.closing = False

    def map(self, fn, tasks: list, chunksize: int = 1):
        return map(fn, tasks)

    def _start(self) -> None:
        import multiprocessing
        import threading

        from .workers import _serve

        context = multiprocessing.get_context("fork")
        self.conn, child = context.Pipe()
        self.closing = False  # (a pool used again after close())
        # (the twin freezes what it holds: `_serve`; not this process, which in `pressroom serve`'s
        # builder lives on from build to build, and would keep the garbage of earlier builds
        # frozen: 1,000 more page faults without it here, no time measurable)
        with workers_ignore_ctrl_c():  # forked before the feeder thread starts: no thread here then
            self.twin = context.Process(target=_serve, args=(child, None, [self.conn]), daemon=True)
            self.twin.start()
        child.close()
        self.feeder = threading.Thread(target=self._feed, name="twin", daemon=True)
        self.feeder.start()

    def take(self, wait: bool) -> _Task | None:
        """The largest task waiting (waited for where `wait`, until the pool closes); None if none.
        Tasks are done by the feeder (in the twin) and by the main thread (`_Task.result()`), never
        by two threads of this process at once: WeasyPrint's state is the process's."""
        with self.ready:
            while wait and not self.queue and not self.closing:
                self.ready.wait()
            if not self.queue:
                return None
            best = max(range(len(self.queue)), key=lambda i: self.queue[i].size)
            return self.queue.pop(best)

    def _feed(self) -> None:
        """The feeder thread: each task it takes done by the twin, its result or error on the task."""
        while (task := self.take(wait=True)) is not None:
            try:
                self.conn.send((_dated, _handed(task.fn, task.arg)))
                ok, value = self.conn.recv()
            except (EOFError, OSError):
                self.twin.join(1)
                ok, value = False, WorkerStopped(self.twin.exitcode)
            if ok:
                task.future.set_result(value)
            else:
                task.future.set_exception(value)
            if not ok and isinstance(value, WorkerStopped):
                return  # the twin gone: what is left is done here, by the main thread (`_Task.result()`)

    def _drained(self) -> list[_Task]:
        with self.ready:
            left, self.queue = self.queue, []
        return left

    def submit(self, fn, task, size: int = 0):
        """`fn(task)` in the twin or here, whichever is free first once this process waits for a
        result; `size`: how long it takes, roughly (the largest go first)."""
        if self.twin is None:
            self._start()
        queued = _Task(self, fn, task, size)
        with self.ready:
            self.queue.append(queued)
            self.ready.notify()
        return queued

    def rss(self) -> int | None:
        return rss(self.twin.pid) if self.twin is not None and self.twin.is_alive() else 0

    def __enter__(self):
        return self

    def _end(self) -> None:
        """The feeder told to end and waited for, the twin's pipe closed (so it ends, if it lives)
        and the twin waited for: its CPU counted in this process's children."""
        with self.ready:
            self.closing = True
            self.ready.notify_all()
        self.feeder.join()
        self.conn.close()
        self.twin.join()
        self.twin = None

    def close(self) -> None:
        """The tasks left done, then the twin ended."""
        if self.twin is not None:
            for task in self._drained():
                task.run()
            self._end()

    def stop(self) -> None:
        """Interrupted or failed: the tasks left never done, the twin killed, then ended."""
        if self.twin is not None:
            for task in self._drained():
                task.future.set_exception(WorkerStopped(None))
            if self.twin.is_alive():
                self.twin.kill()
            self._end()

    def __exit__(self, kind, *exc):
        if kind is not None:
            self.stop()
        else:
            self.close()


def stop_fork_server() -> None:
    """The PDF workers' fork server (`_context()`) stopped and waited for, where one was started:
    left to end with this process, it would be nobody's child when it ends, and the CPU time of
    the processes forked from it would be counted nowhere (`time`, `make bench`)."""
    import sys

    server = getattr(sys.modules.get("multiprocessing.forkserver"), "_forkserver", None)
    if getattr(server, "_forkserver_pid", None) is not None and hasattr(server, "_stop"):
        server._stop()
