"""Nothing lost: a build killed midway (SIGKILL, or Ctrl-C's SIGINT to the whole process group)
leaves the previous build/*.epub and *.pdf whole and byte-identical, leaves no temporary file
behind (a killed build's are removed by the next one), and leaves the cache usable: the next build
succeeds and gives the same bytes as a build from scratch."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT

# the PDF's pool of layout workers and its join process, which this book (60 KB) would not get
# otherwise (emit/pdf/parts.py: one_process()); test_ctrl_c_in_one_process below takes the other path
ENV = {**os.environ, "PYTHONPATH": str(ROOT), "SOURCE_DATE_EPOCH": "1700000000", "PRESSROOM_SMALL_BOOK": "0"}
WORDS = ("press room article chapter figure caption credit colophon running head folio margin gutter "
         "typeset kerning leading measure widow orphan").split()


def _chapter(i: int, variant: str = "") -> str:
    paras = []
    for p in range(30):
        words = [WORDS[(i * 7 + p * 3 + k) % len(WORDS)] for k in range(70)]
        paras.append(" ".join(words).capitalize() + ".")
        if p % 10 == 0:
            paras.append(f"## Section {p // 10 + 1}")
    return f"# Chapter {i} {variant}\n\n" + "\n\n".join(paras) + "\n"


def _book(tmp: Path) -> Path:
    book = tmp / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "book.toml").write_text('title = "Interrupted"\nlanguage = "en"\nauthors = ["A"]\n', encoding="utf-8")
    for i in range(1, 5):
        (book / "chapters" / f"{i:02d}.md").write_text(_chapter(i), encoding="utf-8")
    return book


@pytest.fixture(autouse=True)
def _ctrl_c_not_ignored():
    """The builds start with Ctrl-C's default action, as a terminal's foreground job does. Run
    in the background by a script (`cmd &`), these tests would otherwise hand down SIGINT ignored,
    and Python leaves an ignored SIGINT ignored."""
    if signal.getsignal(signal.SIGINT) != signal.SIG_IGN:
        yield
        return
    signal.signal(signal.SIGINT, signal.default_int_handler)  # caught here: the default after exec
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def _start(book: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "build", "--source", str(book), "--out", str(out),
                             "--jobs", "2"], cwd=ROOT, env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)


def _finish(proc: subprocess.Popen, timeout: float = 180) -> tuple[int, str]:
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        pytest.fail("build did not finish")
    return proc.returncode, err


def _outputs(out: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.iterdir()) if p.is_file()
            and p.suffix in (".epub", ".pdf")}


def _leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.endswith((".part", ".raw")))


def _wait_for(condition, proc, timeout=120.0) -> bool:
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.005)
    return False


@pytest.fixture
def built(tmp_path):
    book = _book(tmp_path)
    out = tmp_path / "build"
    code, err = _finish(_start(book, out))
    assert code == 0, err
    before = _outputs(out)
    assert set(before) == {"book.epub", "book.pdf"}
    for i in (2, 4):  # the next build has chapters to run again
        (book / "chapters" / f"{i:02d}.md").write_text(_chapter(i, "revised"), encoding="utf-8")
    return book, out, before


def _after(book: Path, out: Path, tmp_path: Path, before: dict) -> None:
    assert _outputs(out) == before, "the previous outputs changed"
    code, err = _finish(_start(book, out))  # the cache is usable: the next build succeeds ...
    assert code == 0 and "Traceback" not in err, err
    assert _leftovers(out) == []
    fresh = tmp_path / "fresh"
    code, err = _finish(_start(book, fresh))
    assert code == 0, err
    assert _outputs(out) == _outputs(fresh)  # ... and gives what a build from scratch gives


@pytest.mark.parametrize("moment", ["stages", "writing"])
def test_sigkill(moment, built, tmp_path):
    book, out, before = built
    proc = _start(book, out)
    if moment == "stages":  # the process pool is running the chapter stages
        assert _wait_for(lambda: _children(proc.pid), proc), "the build finished before its process pool started"
    else:
        caught = _wait_for(lambda: _leftovers(out), proc)  # a temporary output exists: mid-write
        assert caught, "the build finished before it could be killed while writing"
    os.kill(proc.pid, signal.SIGKILL)  # the main process only, as `kill -9 PID` does
    proc.wait(timeout=30)
    os.killpg(proc.pid, signal.SIGKILL) if _group_alive(proc.pid) else None
    _after(book, out, tmp_path, before)


@pytest.mark.parametrize("moment", ["stages", "writing"])
def test_ctrl_c(moment, built, tmp_path):
    assert_interrupt_keeps_outputs(moment, built, tmp_path, signal.SIGINT)


def test_ctrl_c_in_one_process(built, tmp_path, monkeypatch):
    """A small book laid out and joined in the build's process: Ctrl-C while writing keeps the
    outputs of the last (pooled) build, and the next builds give its bytes."""
    monkeypatch.setitem(ENV, "PRESSROOM_SMALL_BOOK", str(10**9))
    assert_interrupt_keeps_outputs("writing", built, tmp_path, signal.SIGINT)


def test_sigterm_while_writing(built, tmp_path):
    """`kill PID` (SIGTERM, as a cancelled CI job sends) is handled like Ctrl-C."""
    assert_interrupt_keeps_outputs("writing", built, tmp_path, signal.SIGTERM)


def assert_interrupt_keeps_outputs(moment, built, tmp_path, sig):
    book, out, before = built
    proc = _start(book, out)
    if moment == "stages":
        assert _wait_for(lambda: _children(proc.pid), proc), "the build finished before its process pool started"
    else:
        assert _wait_for(lambda: _leftovers(out), proc), "the build finished before Ctrl-C while writing"
    if sig == signal.SIGINT:
        os.killpg(proc.pid, signal.SIGINT)  # a terminal sends Ctrl-C to the whole foreground group
    else:
        os.kill(proc.pid, sig)
    code, err = _finish(proc, timeout=60)
    assert code == 130, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == ["error: interrupted; the previous build outputs are untouched"], err
    assert _leftovers(out) == []  # cleaned up on the way out
    _after(book, out, tmp_path, before)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except OSError:
        return False


def _children(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []


def test_no_temporary_file_left_when_interrupted_as_it_is_made(tmp_path, monkeypatch):
    """A Ctrl-C that comes just after the temporary file is made (here raised by the chmod that
    follows) still leaves nothing beside the target."""
    from pipeline.emit import atomic_path

    def interrupted(*args):
        raise KeyboardInterrupt

    target = tmp_path / "book.pdf"
    monkeypatch.setattr(os, "chmod", interrupted)
    with pytest.raises(KeyboardInterrupt), atomic_path(target):
        pass
    assert list(tmp_path.iterdir()) == []


def _write_later(path: str) -> None:
    Path(path + ".started").touch()
    time.sleep(1.0)
    Path(path).write_text("too late", encoding="utf-8")


def test_stopped_workers_write_nothing_after_stop(tmp_path):
    """`Workers.stop()` (an interrupted join) returns once its processes are gone: none of them
    writes the file the build removes next."""
    from pipeline.emit.pdf.parts import Workers

    late = tmp_path / "late.part"
    workers = Workers(1, apart=True)
    running = workers.submit(_write_later, str(late))
    t0 = time.monotonic()
    while not Path(f"{late}.started").exists() and time.monotonic() - t0 < 60:
        time.sleep(0.01)
    assert not running.done()  # it has started, and not ended
    workers.stop()
    time.sleep(1.2)
    assert not late.exists()
