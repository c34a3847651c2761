#!/usr/bin/env python3
"""`make bench-math`: what the math stage costs a 50-article book (the same book as `make bench`:
its four articles with formulas hold about 170 of them).

Cold EPUB + PDF builds (`--format all`, a fresh output folder each), with the math stage and
without it (the same command with the stage taken out of `CHAPTER_STAGES`: formulas are then
left as their LaTeX text), in turn, `--runs` times each, the order of the two swapped each run (so
that neither always runs on a machine the other warmed); prints the medians, the ratio of the
medians and the median of each run's pair of ratios (the two builds of a run ran a minute apart, on
the same machine: on the shared 2-core machine the without-math build alone moved 10 % between
runs), and the ratio of the fastest runs (what the build costs where nothing else ran). Target:
with / without <= 1.05. A benchmark, never a test.

`--together` runs the two builds of a run at the same time instead, and compares their CPU time
(of each one's whole process tree): whatever else slows the machine during a run slows both
alike, where builds one after the other on the shared machine moved 10-25 % between runs (more
than the 5 % measured). Their wall times are not compared (the one that ends last runs alone
at its end); with both cores busy in either build, the CPU time is what its wall time follows.

`--instructions` counts instead the instructions each build executes (its whole process tree, under
valgrind's cachegrind, `--cache-sim=no`), the two builds at the same time, once: a count that
another program on the machine does not change (the four formula articles' book, counted twice
at the same time: 63.802 and 63.800 G), where CPU times on the shared machine moved 10-25 %
between runs. It takes
some 20 times as long as a build (25-30 minutes for 50 articles on 2 cores). Instructions are
not time: the formulas' Python runs fewer instructions a second than the rest of the build (the
four formula articles alone: +17 % instructions, +24 % user CPU), so read it beside `--together`.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import PY, ROOT, assemble, measure  # noqa: E402

TREE_CPU = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, "
            "stderr=subprocess.PIPE); u = resource.getrusage(resource.RUSAGE_CHILDREN); "
            "sys.stderr.write(r.stderr.decode('utf-8', 'replace')[-2000:] if r.returncode else ''); "
            "print(u.ru_utime + u.ru_stime); sys.exit(r.returncode)")  # a command's CPU, its whole process tree

WITHOUT_MATH = ("import sys, pipeline.stages as s; "
                "s.CHAPTER_STAGES[:] = [st for st in s.CHAPTER_STAGES if st[0] != 'math']; "
                "from pipeline.cli import run; sys.argv[0] = 'pressroom'; run()")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--together", action="store_true", help="the two builds of a run at the same time (CPU only)")
    parser.add_argument("--instructions", action="store_true",
                        help="instructions executed, counted by valgrind (once, the two builds at the same time)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        book = assemble(Path(tmp), args.articles)
        if args.instructions:
            return instructions(book, Path(tmp), args.articles)
        if args.together:
            return together(book, Path(tmp), args.runs, args.articles)
        times: dict[str, list[dict]] = {"with the math stage": [], "without it": []}
        pairs = []
        for run in range(args.runs):
            ways = [("with the math stage", [PY, "-m", "pipeline"]), ("without it", [PY, "-c", WITHOUT_MATH])]
            for name, head in (ways if run % 2 == 0 else ways[::-1]):
                out = Path(tmp) / f"out-{run}-{'math' if head[1] == '-m' else 'nomath'}"
                times[name].append(measure([*head, "build", "--source", str(book), "--out", str(out),
                                            "--format", "all"], ROOT))
            with_, without = times["with the math stage"][-1], times["without it"][-1]
            pairs.append((with_["wall"] / without["wall"], with_["cpu"] / without["cpu"]))
            print(f"  run {run + 1}: with {with_['wall']:.2f} s wall {with_['cpu']:.2f} s cpu, without "
                  f"{without['wall']:.2f} s wall {without['cpu']:.2f} s cpu: {pairs[-1][0]:.3f}, {pairs[-1][1]:.3f}",
                  flush=True)
        print(f"{args.articles} articles, cold EPUB + PDF, medians of {args.runs}")
        medians = {}
        for name, runs in times.items():
            wall = statistics.median(r["wall"] for r in runs)
            cpu = statistics.median(r["cpu"] for r in runs)
            medians[name] = (wall, cpu)
            print(f"  {name:22} {wall:7.2f} s wall {cpu:7.2f} s cpu")
        (w1, c1), (w0, c0) = medians.values()
        print(f"  with / without, of the medians: wall {w1 / w0:.3f}, cpu {c1 / c0:.3f}")
        print(f"  with / without, median of the runs' ratios: wall {statistics.median(p[0] for p in pairs):.3f}, "
              f"cpu {statistics.median(p[1] for p in pairs):.3f}")
        fastest = {name: (min(r["wall"] for r in runs), min(r["cpu"] for r in runs)) for name, runs in times.items()}
        (f1, g1), (f0, g0) = fastest.values()
        print(f"  with / without, of the fastest runs: wall {f1 / f0:.3f}, cpu {g1 / g0:.3f} (target <= 1.05; another "
              f"build on the machine only ever slows a run, so the fastest is the least disturbed)")
        if w0 < 0.2 * w1:
            raise SystemExit("the build without the stage did next to nothing: a measurement error")


def together(book: Path, tmp: Path, runs: int, articles: int) -> None:
    """Each run: both builds started at once, each one's CPU time (see the module's docstring)."""
    import subprocess

    pairs = []
    for run in range(runs):
        procs = {}
        for name, head in (("with", [PY, "-m", "pipeline"]), ("without", [PY, "-c", WITHOUT_MATH])):
            out = tmp / f"together-{run}-{name}"
            procs[name] = subprocess.Popen([PY, "-c", TREE_CPU, *head, "build", "--source", str(book), "--out", str(out),
                                            "--format", "all"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        cpu = {}
        for name, proc in procs.items():
            stdout, stderr = proc.communicate()
            if proc.returncode != 0:
                raise SystemExit(f"the build {name} the math stage failed:\n{stderr.decode('utf-8', 'replace')}")
            cpu[name] = float(stdout.decode().strip().splitlines()[-1])
        pairs.append((cpu["with"], cpu["without"]))
        print(f"  run {run + 1}: with {cpu['with']:.2f} s cpu, without {cpu['without']:.2f} s cpu, at the same time: "
              f"{cpu['with'] / cpu['without']:.3f}", flush=True)
    ratios = [w / n for w, n in pairs]
    print(f"{articles} articles, cold EPUB + PDF, the two builds of each run at the same time, {runs} runs")
    print(f"  with the math stage {statistics.median(w for w, _ in pairs):7.2f} s cpu (median)")
    print(f"  without it          {statistics.median(n for _, n in pairs):7.2f} s cpu (median)")
    print(f"  with / without, median of the runs' ratios: cpu {statistics.median(ratios):.3f} "
          f"(least {min(ratios):.3f}, most {max(ratios):.3f}; target <= 1.05)")


def instructions(book: Path, tmp: Path, articles: int) -> None:
    """Both builds at once under cachegrind; the instructions of each one's processes, summed."""
    import os
    import shutil
    import subprocess

    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind (as root), then run this again")
    procs = {}
    for name, head in (("with", [PY, "-m", "pipeline"]), ("without", [PY, "-c", WITHOUT_MATH])):
        counts = tmp / f"instructions-{name}"
        counts.mkdir()
        procs[name] = subprocess.Popen(
            ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--trace-children=yes",
             f"--cachegrind-out-file={counts}/cg.%p", *head, "build", "--source", str(book),
             "--out", str(tmp / f"instructions-out-{name}"), "--format", "all"],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "PYTHONHASHSEED": "0"})
    executed = {}
    for name, proc in procs.items():
        _, stderr = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"the build {name} the math stage failed:\n{stderr.decode('utf-8', 'replace')[-2000:]}")
        executed[name] = sum(int(line.split()[1]) for f in (tmp / f"instructions-{name}").iterdir()
                             for line in f.read_text().splitlines() if line.startswith("summary:"))
    print(f"{articles} articles, cold EPUB + PDF, instructions executed (cachegrind, every process of the build)")
    print(f"  with the math stage {executed['with'] / 1e9:8.2f} G")
    print(f"  without it          {executed['without'] / 1e9:8.2f} G")
    print(f"  with / without: {executed['with'] / executed['without']:.3f} (target <= 1.05 for the time)")


if __name__ == "__main__":
    main()
