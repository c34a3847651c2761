"""Emit: the Book -> files. epub/ (ebooklib) and pdf/ (WeasyPrint, its steps listed in pdf/__init__.py); both write atomically
(a temporary file in the same folder, renamed over the target), so a failed build never leaves a
truncated book behind, and both take their time stamps from `build_time()`.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import glob
import os
import subprocess
import tempfile
import time
from pathlib import Path

from ..cache import stat_of


def build_time(source_dir: Path, config_date: str = "") -> dt.datetime:
    """SOURCE_DATE_EPOCH, else the last commit that touched the book's folder, else its date."""
    sde = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if sde.isdigit():
        return dt.datetime.fromtimestamp(int(sde), dt.timezone.utc)
    folder = Path(source_dir).resolve()
    state = _git_state(folder)
    committed = _last_commit(folder, state) if state is not None else None  # no repository: no git to run
    if committed is not None:
        return dt.datetime.fromtimestamp(committed, dt.timezone.utc)
    try:
        return dt.datetime.fromisoformat(config_date[:10]).replace(tzinfo=dt.timezone.utc)
    except ValueError:
        return dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)


def _git_state(folder: Path):
    """What changes when a commit is made in the repository that holds `folder` (the size and
    modification time of its `.git`'s HEAD, reflog and index: `cache.stat_of()`), or None where no `.git` folder is above it;
    a `.git` file (a worktree) or `GIT_DIR` gives the time now, so that git is always asked."""
    if os.environ.get("GIT_DIR"):
        return time.time()
    for parent in (folder, *folder.parents):
        git = parent / ".git"
        if git.is_dir():
            return tuple(tuple(stat_of(str(git / name)) or ()) for name in ("HEAD", "logs/HEAD", "index"))
        if git.exists():
            return time.time()
    return None


@functools.lru_cache(maxsize=16)
def _last_commit(folder: Path, state) -> int | None:
    """The time of the last commit that touched `folder`: git asked once while the repository's
    `state` (`_git_state()`) is the same (a build asks four times; `pressroom serve` again after a
    commit), or None."""
    try:
        out = subprocess.run(["git", "log", "-1", "--format=%ct", "--", "."], cwd=folder,
                             capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return int(out) if out.isdigit() else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


def remove_stale_parts(target: Path) -> None:
    """Temporary files of builds that were killed (SIGKILL leaves no chance to clean up): a part
    (and the EPUB writer's `.raw`) is named after its process, and removed once that process is gone."""
    for part in _temporaries(target):
        pid = part.name[len(target.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            with contextlib.suppress(OSError):
                part.unlink()


def remove_parts(target: Path, pid: int) -> None:
    """The temporary files process `pid` made beside `target` (`atomic_path()`), removed: its own
    on a failure, or those of a process of the build that was stopped."""
    for part in _temporaries(target, pid):
        with contextlib.suppress(OSError):
            part.unlink()


def _temporaries(target: Path, pid: int | None = None) -> list[Path]:
    """The temporary files beside `target` (`.part`, `.raw`) of process `pid`, or of any."""
    mine = f"{pid}." if pid is not None else ""
    return [part for part in target.parent.glob(f".{glob.escape(target.name)}.{mine}*")
            if part.suffix in (".part", ".raw")]


@contextlib.contextmanager
def atomic_path(target: Path):
    """Yield a temporary path beside `target`; on success it replaces `target`, else it is removed.
    Killed builds' leftovers are removed first; the previous `target` stays whole until the rename.
    An interruption at any point, even as the temporary file is made, leaves none behind: every
    temporary file of this process for `target` is removed, found by its name."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_parts(target)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.{os.getpid()}.", suffix=".part", dir=target.parent)
        os.close(fd)
        umask = os.umask(0o022)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp's 0600 would make the book unreadable to anyone else
        yield Path(tmp)
        os.replace(tmp, target)
    except BaseException:
        remove_parts(target, os.getpid())
        raise
