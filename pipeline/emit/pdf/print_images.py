"""Step 1 (with `print_html.py`): the book's images prepared for print. Takes the Book and the
PDF's cache folder; gives the cover's file name and every image, as print wants it, under
`work/images/`, where the parts' fetcher (`fetch.py`) finds them.
"""
from __future__ import annotations

import os
from pathlib import Path

from ...images.prepare import for_print, print_cached
from ...model import Book
from ..epub import cover_asset
from ...page_geometry import text_width_in
from .parts import Workers

def _prepare(task) -> None:
    asset, opts, width, cache, target = task
    _write_if_changed(target, for_print(asset, opts, width, cache).data)


def prepare_images(book: Book, work: Path, workers: Workers):
    """The cover and every image, prepared for print, under `work/images/`, by the `workers` and
    kept in `work/print-cache/` between builds (files rewritten only when their bytes change, so
    the parts' cache keys and WeasyPrint's image cache hold). Returns the cover's file name and
    the images' results, to be waited for (the workers prepare them while the caller goes on)."""
    (work / "images").mkdir(parents=True, exist_ok=True)
    cover = cover_asset(book, work.parent)  # work is the cache's pdf/ folder
    cover_file = f"cover.{cover.extension}"
    _write_if_changed(work / "images" / cover_file, cover.data)
    cache = work / "print-cache"
    cache.mkdir(exist_ok=True)
    width = text_width_in(book)
    tasks = []
    for a in book.assets.values():
        done = print_cached(a, book.config.images, width, cache)  # a rebuild's: done here, not waiting for a worker
        if done is None:
            tasks.append((a, book.config.images, width, cache, work / "images" / a.file_name))
        else:
            _write_if_changed(work / "images" / a.file_name, done.data)
    return cover_file, workers.map(_prepare, tasks, chunksize=4)


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)
