"""A content-addressed cache of chapter stage outputs, and the record of the last build.

A chapter's key is the hash of what its stages read: the article's bytes, its place in the book,
the configuration, the pipeline's own code, and the build flags. The files it read besides the
article (its images) are recorded with their size and modification time and checked on every
lookup, as make does. A cache entry is written whole (temporary file, then rename) or not at all,
so an interrupted build leaves the cache consistent.

The build record (`state.json`) holds the key of everything that went into the outputs; when it
matches and the outputs are still the ones written, `pressroom build` has nothing to do.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import pickle
import tempfile
from pathlib import Path

PIPELINE_DIR = Path(__file__).resolve().parent
TEMPLATES = PIPELINE_DIR.parent / "templates"  # Pressroom's own templates (layout.py reads them)
FORMAT = 2  # bump when the pickled Chapter changes shape


@functools.lru_cache(maxsize=1)
def pipeline_version() -> str:
    """The hash of the pipeline's own code: a change to any stage invalidates the cache."""
    h = hashlib.sha256(f"format {FORMAT}".encode())
    for p in sorted(PIPELINE_DIR.rglob("*.py")):
        h.update(p.relative_to(PIPELINE_DIR).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def tree_hash(folders: list[Path]) -> str:
    """The hash of every file under some folders (templates), names and bytes."""
    h = hashlib.sha256()
    for folder in folders:
        if folder.is_dir():
            for p in sorted(folder.rglob("*")):
                if p.is_file():
                    h.update(p.relative_to(folder).as_posix().encode())
                    h.update(p.read_bytes())
    return h.hexdigest()


def chapter_keys(tasks: list[tuple], config, strict: bool, offline: bool, sources: list[bytes]) -> list[str]:
    """The key of each chapter task (path, rel, number, position, ...), whose source file holds
    `sources[i]`: what its stages read."""
    shared = "\0".join((pipeline_version(), repr(_config_for_stages(config)), str(strict), str(offline))).encode()
    keys = []
    for (path, rel, number, position, *_), source in zip(tasks, sources):
        h = hashlib.sha256(shared)
        h.update(f"\0{rel}\0{number}\0{position}\0".encode())
        h.update(source)
        keys.append(h.hexdigest())
    return keys


def _config_for_stages(config) -> tuple:
    """What of the configuration the chapter stages may read (not the folder it came from)."""
    import dataclasses

    d = dataclasses.asdict(config)
    d.pop("source_dir", None)
    return tuple(sorted((k, repr(v)) for k, v in d.items()))


def stat_of(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def write_atomic(path: Path, data: bytes) -> None:
    """`data` into `path` whole or not at all (a temporary file beside it, renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class ChapterCache:
    """Chapters after their stages, with the DOM serialized, by key."""

    def __init__(self, cache_dir: Path):
        self.root = Path(cache_dir) / "chapters"

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pickle"

    def has(self, key: str) -> bool:
        """Whether an entry is kept under `key` (it may still be stale: see `get`)."""
        return self._path(key).is_file()

    def get(self, key: str):
        path = self._path(key)
        try:
            chapter = pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            return None
        for dep, stat in chapter.deps.items():
            if stat_of(dep) != stat:
                return None
        return chapter

    def put(self, key: str, chapter) -> None:
        """`chapter.dom` must already be a string."""
        if not chapter.cacheable:
            return
        chapter.deps = {dep: stat_of(dep) for dep in chapter.deps}
        write_atomic(self._path(key), pickle.dumps(chapter, protocol=pickle.HIGHEST_PROTOCOL))


def read_state(cache_dir: Path) -> dict:
    try:
        return json.loads((Path(cache_dir) / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_state(cache_dir: Path, state: dict) -> None:
    write_atomic(Path(cache_dir) / "state.json", json.dumps(state, indent=1, sort_keys=True).encode())


def output_stamp(path: Path) -> list[int] | None:
    return stat_of(str(path))
