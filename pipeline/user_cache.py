"""The user's cache (`$XDG_CACHE_HOME/pressroom/`, else `~/.cache/pressroom/`): what Pressroom
derives from its own files alone, kept for every book the user builds, as Python keeps its
modules' bytecode. Each entry is keyed by what it is made from, and checked when it is read: the
compiled templates (Jinja checks each one's file name and source), the EPUB's checked stylesheet
(by its text and Pressroom's version). A book's first build then starts with Pressroom's own,
where it made them again: 0.05-0.1 s of a small book's CPU. A book's own templates and
stylesheet are kept here too, compiled and checked; no article's content is."""
from __future__ import annotations

import os
import time
from pathlib import Path

KEEP_DAYS = 30  # an entry not written for this long is dropped (earlier versions', other stylesheets')
_pruned: set[Path] = set()


def folder(name: str) -> Path | None:
    """The folder for `name`'s entries, made if need be, its stale entries dropped (once a
    process); None where it cannot be written (the book's own cache, `build/.cache/`, is then the
    only one)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "pressroom" / name
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(path, os.W_OK):
        return None
    if path not in _pruned:
        _pruned.add(path)
        stale = time.time() - KEEP_DAYS * 86400
        for entry in os.scandir(path):
            try:
                if entry.is_file() and entry.stat().st_mtime < stale:
                    os.unlink(entry.path)
            except OSError:
                pass
    return path
