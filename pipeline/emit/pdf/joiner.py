"""Step 4's process: the join (`join.py`) run in a process of its own, or here for a small book.
`Joiner` starts it while the parts are laid out, joins the main matter when asked (`main()`) and
puts the front matter before it (`finish()`)."""
from __future__ import annotations

from pathlib import Path

from . import shared_fonts
from .join import finish, main_matter

_joined: dict = {}  # the join process's main matter, between `Joiner.main()` and `Joiner.finish()`


def _ready(_) -> None:
    """What the join imports and loads, done ahead (`Joiner`)."""
    shared_fonts.preload()


def _main(args) -> None:
    _joined["book"] = (main_matter(*args), args)


def _finish(args) -> int:
    book, (parts, fonts, parity) = _joined.pop("book")
    front, main_start = args[:2]
    if main_start % 2 != parity:  # the front matter's length moved the main matter to the other side
        book = None
        book = main_matter(parts, fonts, main_start % 2)
    return finish(book, *args)


class Joiner:
    """The join in a fresh process: qpdf holds every part's objects while it joins them (about a
    gigabyte for 200 articles), and gives them all back when that process ends. The process is
    started, and its imports done, while the parts are laid out (`start()`); the main matter is
    joined (`main()`) beside the layout workers or after they end, as memory allows (emit/pdf/__init__.py), and
    the front matter is put before it (`finish()`)."""

    def __init__(self, apart: bool = True):
        """`apart=False`: a small book's join, done in this process (`parts.one_process()`)."""
        from .parts import Workers

        self._process, self._started, self._main = Workers(1, apart=apart), False, None

    def start(self) -> None:
        if not self._started:
            self._started = True
            self._process.submit(_ready, None)

    def main(self, parts: list[tuple], fonts: Path, parity: int) -> None:
        """`main_matter()` in the join's process, started now, not waited for."""
        self._main = self._process.submit(_main, (parts, fonts, parity))

    def finish(self, front: tuple, main_start: int, furniture: list[tuple], target: Path,
               stamped: tuple | None = None, numbered: tuple | None = None) -> int:
        try:
            self._main.result()  # its error, if it failed
            return self._process.submit(_finish, (front, main_start, furniture, target, stamped, numbered)).result()
        except BaseException:  # interrupted: the join stopped before the caller removes `target`
            self._process.stop()
            raise

    def rss(self) -> int | None:
        return self._process.rss()

    def __enter__(self):
        return self

    def __exit__(self, kind, *exc):
        self._process.__exit__(kind, *exc)
