"""The chapter workers (pipeline/workers.py): results and errors come back by key, a worker still
importing is stopped without waiting for it; BeautifulSoup's deferred imports (pipeline/deferred.py)."""
from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from pipeline.model import PressroomError
from pipeline.workers import ChapterWorkers, WorkerStopped


def _square(x: int) -> int:
    if x < 0:
        raise PressroomError("negative", "chapters/x.md", x)
    return x * x


def test_results_and_errors_by_key():
    got = {}
    with ChapterWorkers(lambda: None) as workers:
        workers.start(2)
        failed = workers.run(_square, [(i, v) for i, v in enumerate([3, -2, 5, 7, -1])],
                             lambda key, result: got.__setitem__(key, result))
    assert got == {0: 9, 2: 25, 3: 49}
    assert sorted(failed) == [1, 4]
    assert isinstance(failed[1], PressroomError) and failed[1].line == -2


def test_a_worker_still_importing_is_stopped_at_once():
    workers = ChapterWorkers(lambda: time.sleep(30))
    workers.start(1)
    process = workers._workers[0].process
    workers.close()
    assert not process.is_alive()
    assert process.exitcode == -signal.SIGKILL  # stopped, not waited for (its import sleeps 30 s)


def test_a_worker_that_dies_fails_its_chapter_and_the_rest():
    with ChapterWorkers(lambda: None) as workers:
        workers.start(1)
        failed = workers.run(_exit, [("a", 0), ("b", 1)], lambda key, result: None)
    assert set(failed) == {"a", "b"}
    assert failed["a"].exit_code == 3 and failed["b"].exit_code is None


def _exit(_):
    import os

    os._exit(3)


@pytest.mark.parametrize("module", ["soupsieve", "charset_normalizer"])
def test_bs4_imports_deferred_until_used(module):
    code = (f"import sys, pipeline.load, pipeline.stages\n"
            f"print(type(sys.modules['{module}']).__name__)\n"
            "from bs4 import BeautifulSoup\n"
            "soup = BeautifulSoup('<p class=a>x</p><p>y</p>', 'html.parser')\n"
            "print([p.text for p in soup.select('p:not(.a)')])\n"
            "from bs4.dammit import UnicodeDammit\n"
            "print(UnicodeDammit('d\\u00e9j\\u00e0 vu, na\\u00efve caf\\u00e9'.encode('latin-1') * 4).unicode_markup[:3])\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert out.splitlines() == ["_Deferred", "['y']", "déj"]  # the encoding guessed, with charset_normalizer


def test_a_build_whose_worker_dies_says_which_chapter_in_one_line(tmp_path, monkeypatch):
    """A worker killed (out of memory, a crash) while it runs a chapter: a PressroomError naming
    the chapter and what to do, not a traceback."""
    import os

    from pipeline import build as build_module

    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "book.toml").write_text('title = "Dies"\nlanguage = "en"\nauthors = ["A"]\n')
    for i in range(3):
        (book / "chapters" / f"{i}.md").write_text(f"# Chapter {i}\n\nText {i}.\n")
    real = build_module.process_chapter

    def dying(path, rel, *args, **kwargs):  # in the forked worker
        if rel.endswith("1.md"):
            os._exit(9)
        return real(path, rel, *args, **kwargs)

    monkeypatch.setattr(build_module, "process_chapter", dying)
    with pytest.raises(PressroomError) as caught:
        build_module.build(book, tmp_path / "out", ("epub",), jobs=2)
    assert caught.value.file == "chapters/1.md"
    assert "stopped (exit code 9)" in caught.value.message and "--jobs 1" in caught.value.message
    assert not (tmp_path / "out" / "book.epub").exists()


def test_workers_end_when_the_build_is_killed(tmp_path):
    """`kill -9` of the build: its workers see their pipes close and end, none is left behind."""
    import os

    code = ("import os, signal, time\n"
            "from pipeline.workers import ChapterWorkers\n"
            "workers = ChapterWorkers(lambda: time.sleep(1))\n"
            "workers.start(2)\n"
            "print(' '.join(str(w.pid) for w in workers._workers), flush=True)\n"
            "os.kill(os.getpid(), signal.SIGKILL)\n")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    pids = [int(p) for p in proc.stdout.readline().split()]  # (the workers hold the pipe: no read to its end)
    proc.wait(timeout=60)
    proc.stdout.close()
    assert len(pids) == 2

    def alive(pid: int) -> bool:
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().split(") ")[1][0] != "Z"  # a zombie has ended
        except OSError:
            return False

    deadline = time.monotonic() + 15
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [p for p in pids if alive(p)]
    for p in left:
        os.kill(p, 9)
    assert not left


def test_a_worker_that_died_waiting_fails_the_chapter_it_is_given():
    with ChapterWorkers(lambda: None) as workers:
        workers.start(1)
        workers._workers[0].process.kill()
        workers._workers[0].process.join()
        failed = workers.run(_square, [("a", 2)], lambda key, result: None)
    assert isinstance(failed["a"], WorkerStopped)


PROBE = '''
import os, time

def blocked(_):
    """The signals this process holds back (its SigBlk mask), read by the process itself."""
    time.sleep(0.2)  # both workers of the pool get a task
    with open("/proc/self/status") as f:
        return int(f.read().split("SigBlk:")[1].split()[0], 16)
'''


def test_the_pdf_workers_and_their_fork_server_hold_ctrl_c_back(tmp_path):
    """Ctrl-C reaches the whole process group; the PDF's workers (pool and join) must leave it to
    the build, which stops them. CPython 3.11 starts its resource tracker (on the pool's first
    queue) with SIGINT blocked and then unblocks SIGINT outright: a fresh interpreter, where the
    tracker is not yet running, shows whether the workers still start with SIGINT held back. A
    worker that took Ctrl-C printed "Process ForkServerProcess-N:" under the build's one line."""
    (tmp_path / "probe.py").write_text(PROBE, encoding="utf-8")
    code = ("import sys\n"
            "from multiprocessing import forkserver\n"
            "from pipeline.emit.pdf.parts import Workers\n"
            "import probe\n"
            "if __name__ == '__main__':\n"
            "    pool, join = Workers(2), Workers(1, apart=True)\n"
            "    masks = list(pool.map(probe.blocked, [1, 2])) + [join.submit(probe.blocked, 3).result()]\n"
            "    server = forkserver._forkserver._forkserver_pid\n"
            "    masks.append(int(open(f'/proc/{server}/status').read().split('SigBlk:')[1].split()[0], 16))\n"
            "    pool.close(); join.close()\n"
            "    print(' '.join(map(str, masks)))\n")
    script = tmp_path / "main.py"
    script.write_text(code, encoding="utf-8")
    env = {"PYTHONPATH": f"{ROOT}:{tmp_path}", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    masks = [int(m) for m in done.stdout.split()]
    assert len(masks) == 4  # two pool workers, the join, the fork server
    sigint = 1 << (signal.SIGINT - 1)
    assert all(mask & sigint for mask in masks), [hex(m) for m in masks]


def _note_pid(folder: str) -> None:
    import os
    from pathlib import Path

    (Path(folder) / str(os.getpid())).touch()


def test_the_second_worker_is_forked_by_the_first_with_what_it_prepared(tmp_path):
    """start(2): the first worker runs prepare() and forks the second, which does not run it again
    (it was forked with it done), nor does the build: the stages are imported once."""
    import functools
    import os

    with ChapterWorkers(functools.partial(_note_pid, str(tmp_path))) as workers:
        workers.start(2)
        first, second = (w.pid for w in workers._workers)
        with open(f"/proc/{second}/stat") as f:
            parent = int(f.read().rsplit(")", 1)[1].split()[1])
        workers.run(_square, [(0, 1), (1, 2)], lambda key, result: None)  # both have run a task by now
    assert {p.name for p in tmp_path.iterdir()} == {str(first)}
    assert parent == first and second != os.getpid()


def test_a_sibling_that_dies_is_reported_with_its_exit_code_and_the_rest_run(tmp_path):
    """The second worker is not the build's child: its exit code is read from /proc while the
    first worker keeps it a zombie; its task fails alone."""
    got = {}
    with ChapterWorkers(lambda: None) as workers:
        workers.start(2)
        sibling = workers._workers[1].pid
        failed = workers.run(_mark_in, [(n, (str(tmp_path), n, sibling)) for n in ["a", "b", "c", "d"]],
                             got.__setitem__)
    assert len(failed) == 1 and next(iter(failed.values())).exit_code == 3
    assert len(got) == 3


def _mark_in(arg: tuple) -> str:
    import os

    folder, name, dies_in = arg
    if os.getpid() == dies_in:
        os._exit(3)
    return _mark((folder, name))


def test_the_first_workers_end_ends_a_sibling_not_yet_forked():
    """close() while the first worker is still importing: it is killed before it forks the
    second, which is never born; nothing waits for it."""
    workers = ChapterWorkers(lambda: time.sleep(30))
    workers.start(2)
    first, sibling = workers._workers[0].process, workers._workers[1]
    workers.close()
    assert first.exitcode == -signal.SIGKILL  # stopped, not waited for (its import sleeps 30 s)
    assert sibling.pid is None and sibling.exit_code() is None  # never forked: its pid pipe closed empty


def _mark(arg: tuple) -> str:
    import os
    from pathlib import Path

    folder, name = arg
    if name == "dies":
        os._exit(3)
    (Path(folder) / name).touch()
    return name


def test_a_worker_runs_its_second_task_while_the_build_is_busy(tmp_path):
    """While `meanwhile()` runs, the results are taken in and the next tasks handed out. Here
    `meanwhile()` waits until every task has run (at most 60 s): were nothing handed out during
    it, it would wait the whole 60 s and find only two."""
    seen: list[int] = []

    def meanwhile() -> None:
        for _ in range(600):
            seen[:] = [len(list(tmp_path.iterdir()))]
            if seen[0] == 4:
                return
            time.sleep(0.1)

    got = {}
    with ChapterWorkers(lambda: None) as workers:
        workers.start(2)
        failed = workers.run(_mark, [(n, (str(tmp_path), n)) for n in "abcd"], got.__setitem__, meanwhile)
    assert not failed and seen == [4]
    assert got == {n: n for n in "abcd"}


def test_a_worker_that_dies_while_the_build_is_busy_fails_its_task_alone(tmp_path):
    """A worker dies during `meanwhile()`: its task fails, the others run on the other worker."""
    got = {}
    with ChapterWorkers(lambda: None) as workers:
        workers.start(2)
        failed = workers.run(_mark, [(n, (str(tmp_path), n)) for n in ["dies", "b", "c", "d"]],
                             got.__setitem__, lambda: None)
    assert set(failed) == {"dies"} and failed["dies"].exit_code == 3
    assert got == {"b": "b", "c": "c", "d": "d"}


def _explode():
    raise ValueError("a result that cannot be read back")


class _Unreadable:
    def __reduce__(self):
        return (_explode, ())


def _unreadable(_):
    return _Unreadable()


def test_a_result_that_cannot_be_read_meanwhile_is_raised_by_run():
    """An error of the thread that takes results in during `meanwhile()` is raised by `run()`, as
    it is without the thread: no chapter is silently lost."""
    with ChapterWorkers(lambda: None) as workers:
        workers.start(1)
        with pytest.raises(ValueError, match="cannot be read back"):
            workers.run(_unreadable, [("a", 0)], lambda key, result: None, lambda: time.sleep(1))


def test_the_chapters_longest_in_the_stages_are_handed_out_first(tmp_path):
    """By bytes alone, a 10 KB article with 21 formulas came ninth of ten and its worker ended
    0.14 s after the other. `build._cost` counts the images a chapter names and its formulas."""
    from pipeline import build

    (tmp_path / "img").mkdir()
    (tmp_path / "img" / "big.png").write_bytes(b"\0" * 3_000_000)
    chapters = {"long.md": "长文。" * 4000, "pictures.md": "图。\n\n![a](img/big.png)\n\n![b](https://x.test/b.png)\n",
                "formulas.md": "式 \\(a^2\\)。" * 40, "short.md": "短。"}
    for name, text in chapters.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    order = sorted(chapters, key=lambda name: build._cost((tmp_path / name,)), reverse=True)
    assert order == ["pictures.md", "long.md", "formulas.md", "short.md"]
    assert build._cost((tmp_path / "gone.md",)) == 0.0
