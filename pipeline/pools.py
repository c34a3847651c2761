"""The PDF's pool of processes (`ForkServerPool`, emit/pdf/parts.py: the layout workers and the
join), forked from a server that imported what they need once, and the end of that server
(`stop_fork_server()`). The chapter workers are in workers.py."""
from __future__ import annotations

import os

from .workers import workers_ignore_ctrl_c


def rss(pid: int) -> int | None:
    """The memory process `pid` holds (resident set, bytes); None where /proc cannot tell."""
    try:
        with open(f"/proc/{pid}/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


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
        return self._call("map", fn, tasks, chunksize=chunksize)

    def here(self) -> bool:
        """Whether `submit()` runs its task in this process."""
        return self.n <= 1 and not self.apart

    def submit(self, fn, task):
        """`fn(task)` in a worker; its `.result()` (with n <= 1, done here and now)."""
        if self.here():
            from concurrent.futures import Future

            done: Future = Future()
            done.set_result(fn(task))
            return done
        return self._call("submit", fn, task)

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


def stop_fork_server() -> None:
    """The PDF workers' fork server (`_context()`) stopped and waited for, where one was started:
    left to end with this process, it would be nobody's child when it ends, and the CPU time of
    the processes forked from it would be counted nowhere (`time`, `make bench`)."""
    import sys

    server = getattr(sys.modules.get("multiprocessing.forkserver"), "_forkserver", None)
    if getattr(server, "_forkserver_pid", None) is not None and hasattr(server, "_stop"):
        server._stop()
