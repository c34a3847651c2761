"""pipeline/pools.py: `TwinPool`, a small book's layout in the build's process and a twin forked
from it. What is asserted is what happened (which process did a task, what a task returned or
raised, whether the twin was waited for), never a time."""
from __future__ import annotations

import os
import resource
import time

import pytest

from pipeline.pools import TwinPool, _Task
from pipeline.workers import WorkerStopped


def _who(arg):
    """The process that did the task, after `arg` seconds of waiting (the other then takes the next)."""
    time.sleep(arg)
    return os.getpid()


def _fail(arg):
    raise ValueError(f"bad part {arg}")


def _die(arg):
    os._exit(3)


def _burn(arg):
    """CPU burnt in the twin, and the CPU time it reports for itself (user + system)."""
    end = time.process_time() + arg
    while time.process_time() < end:
        pass
    return os.getpid(), time.process_time()


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _handed(pool: TwinPool, task) -> None:
    """Until the feeder has handed `task` to the twin (else this process could take it first); a
    feeder that never does fails the test (30 s: some thousand times what it takes)."""
    deadline = time.monotonic() + 30
    while task in pool.queue:
        assert time.monotonic() < deadline, "the feeder never took the task"
        time.sleep(0.01)


def test_the_tasks_are_shared_between_this_process_and_the_twin():
    with TwinPool() as pool:
        tasks = [pool.submit(_who, 0.2, size) for size in (1, 5, 3, 2)]
        twin = pool.twin.pid
        while len(pool.queue) == 4:  # the feeder took one for the twin
            time.sleep(0.01)
        done_by = [task.result() for task in tasks]
    assert set(done_by) == {os.getpid(), twin}  # both did some
    assert pool.twin is None  # closed: the twin was told to end and waited for
    with pytest.raises(ChildProcessError):
        os.waitpid(twin, os.WNOHANG)  # reaped already


def test_the_largest_task_waiting_goes_first():
    pool = TwinPool()  # no twin forked: nothing takes the tasks but this test
    tasks = [_Task(pool, _who, 0, size) for size in (1, 9, 3)]
    pool.queue.extend(tasks)
    assert [pool.take(wait=False) for _ in range(3)] == [tasks[1], tasks[2], tasks[0]]
    assert pool.take(wait=False) is None


def test_an_error_in_either_process_is_raised_by_its_result():
    with TwinPool() as pool:
        tasks = [pool.submit(_fail, n, 1) for n in range(4)]
        for n, task in enumerate(tasks):
            with pytest.raises(ValueError, match=f"bad part {n}"):
                task.result()


def test_a_twin_that_dies_is_reported_and_the_other_tasks_are_done_here():
    with TwinPool() as pool:
        dying = pool.submit(_die, None, 9)
        _handed(pool, dying)
        others = [pool.submit(_who, 0.0, 1) for _ in range(3)]
        with pytest.raises(WorkerStopped) as stopped:
            dying.result()
        assert stopped.value.exit_code == 3
        assert [task.result() for task in others] == [os.getpid()] * 3


def test_the_twins_cpu_is_counted_in_this_processs_children_when_it_closes():
    before = _children_cpu()
    with TwinPool() as pool:
        burnt = pool.submit(_burn, 0.3, 1)
        twin = pool.twin.pid
        _handed(pool, burnt)
        pid, reported = burnt.result()
    assert pid == twin
    # all it burnt (rusage's times are whole microseconds: 1 ms of slack for that rounding)
    assert _children_cpu() - before >= reported - 0.001


def test_stop_ends_a_busy_twin_and_waits_for_it():
    pool = TwinPool()
    task = pool.submit(_who, 60, 1)
    twin = pool.twin.pid
    _handed(pool, task)
    left = pool.submit(_who, 0, 1)  # waiting: never done
    pool.stop()
    assert pool.twin is None
    with pytest.raises(ChildProcessError):
        os.waitpid(twin, os.WNOHANG)
    for stopped in (task, left):
        with pytest.raises(WorkerStopped):
            stopped.result()


def test_a_pool_closed_and_used_again_forks_a_new_twin():
    pool = TwinPool()
    with pool:
        first = pool.submit(_who, 0.0, 1)
        _handed(pool, first)
        first_twin = first.result()
    with pool:
        task = pool.submit(_who, 0.0, 1)
        _handed(pool, task)
        assert task.result() == pool.twin.pid != first_twin
