"""Chapter workers forked by the first one, not by the build (workers.py: `ChapterWorkers`).

The first chapter worker imports the stages; the build asks it (`SPAWN`) for each further
worker, which it forks with all of that imported, as soon as it has (`fork_sibling()`). The build
never imports the stages itself: they are imported once a build, where they were imported by the
first worker and again by the build, to fork the others from it (0.15-0.2 s of CPU, a sixth of a
4-article EPUB's), and the build warms the emitters up meanwhile.

A sibling is the first worker's child, not the build's. The build made its pipes before forking
the first worker (`Spare`): one for its tasks, one it writes its pid to when it starts. The build
knows it by that pid and /proc (`Sibling`): whether it runs, and its exit code while it is a
zombie, which it stays until the first worker ends and waits for it (so that its CPU time is
counted in the first worker's children's, and so in the build's). Linux only, as the build is.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import select
import signal
import sys
import time
from typing import Callable

SPAWN = "fork a sibling"  # what the build sends the first worker, with the index of the sibling's pipes
ENDED = ("", "Z", "X")  # a state (Sibling._state()) of a sibling that runs no more: gone, a zombie, dead


def fork_sibling(conn, spares: list, index: int, serve: Callable) -> int:
    """A process forked from this (the first) worker, with what it imported, that runs
    `serve(conn)` on spare `index`'s pipe and ends; its pid, which it also writes to the spare's
    pid pipe for the build."""
    own_conn, pid_write = spares[index]
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    pid = os.fork()
    if pid:
        own_conn.close()  # held by the sibling alone: its end shows the build when it is gone
        os.close(pid_write)
        return pid
    try:  # the sibling: never returns into the first worker's loop
        conn.close()
        for i, (other, other_write) in enumerate(spares):
            if i != index and not other.closed:  # (a spare forked before is closed here)
                other.close()
                os.close(other_write)
        os.write(pid_write, os.getpid().to_bytes(4, "little"))
        os.close(pid_write)
        serve(own_conn)
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(0)


class Spare:
    """The pipes of a sibling the first worker may fork: its tasks' (a duplex pipe) and one it
    writes its pid to, once, when it starts. The build keeps `conn` and `pid_read`."""

    def __init__(self):
        self.conn, self.child = multiprocessing.get_context("fork").Pipe()
        self.pid_read, self.pid_write = os.pipe()

    def forked(self) -> None:
        """The first worker is forked: the child's ends are its now (and its siblings')."""
        self.child.close()
        os.close(self.pid_write)

    def close(self) -> None:
        self.conn.close()
        if self.pid_read >= 0:
            os.close(self.pid_read)
            self.pid_read = -1


class Sibling:
    """A worker forked by the first one (`fork_sibling()`), with the stages it imported. Not this
    process's child: it is known by its pid, which it writes to its pid pipe when it starts, and
    by /proc. Its exit code is read while it is a zombie, which it stays until the first worker
    ends (after that it is unknown: None)."""

    def __init__(self, first, spare: Spare, index: int):
        self.done = self.busy = False
        self.conn, self.spare, self._pid, self._never = spare.conn, spare, None, False
        first.conn.send((SPAWN, index))  # OSError: the first worker is gone (the caller forks one here)

    def _read_pid(self, wait: bool) -> int | None:
        """Its pid; with `wait`, waits while the first worker has yet to fork it (None if it
        never will: the first worker ended first); without, None while it is not known yet."""
        fd = self.spare.pid_read
        if self._pid is None and fd >= 0:
            if not wait and not select.select([fd], [], [], 0)[0]:
                return None
            data = b""
            with contextlib.suppress(OSError):
                data = os.read(fd, 4)
            os.close(fd)
            self.spare.pid_read = -1
            if len(data) == 4:
                self._pid = int.from_bytes(data, "little")
            else:
                self._never = True
        return self._pid

    @property
    def pid(self) -> int | None:
        return self._read_pid(wait=True)

    def _state(self, wait: bool = True) -> tuple[str, int | None]:
        """Its state letter ("?" not known yet, "" gone or never born) and, once it has ended
        and while it is a zombie, its exit code."""
        pid = self._read_pid(wait)
        if pid is None:
            return ("" if self._never else "?"), None
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            return "", None
        return fields[0], (os.waitstatus_to_exitcode(int(fields[-1])) if fields[0] in ("Z", "X") else None)

    def alive(self) -> bool:
        """Running, or (not known yet) about to be."""
        return self._state(wait=False)[0] not in ENDED

    def kill(self) -> None:
        if self._state()[0] not in ENDED:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)

    def join(self, timeout: float | None = None) -> None:
        """Until it has ended (a zombie, or gone), or `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._state()[0] not in ENDED and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.005)

    def exit_code(self) -> int | None:
        return self._state()[1]
