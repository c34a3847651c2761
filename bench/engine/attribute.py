"""Which patch a WeasyPrint test broken by the patches follows from: the tests that pass plain and
fail patched (`compare.py`) run again with each patch alone (`PRESSROOM_ENGINE_PATCHES=name`), with
every patch but not the font notes' join (`PRESSROOM_ENGINE_JOIN=0`), and with the join's rewrite of
the PDF and no patch (`PRESSROOM_ENGINE_PATCHES=0 PRESSROOM_ENGINE_JOIN=1`); then, for each test, the
runs it fails in and a verdict:

- `join`: it fails with the join's rewrite alone and passes with every patch and no rewrite. Every
  PDF Pressroom writes is saved again by pikepdf in the join (`join.py`, `shared_fonts.share`): other
  object numbers, offsets, dictionary spellings and /ID than pydyf's, the same pages. WeasyPrint's
  tests that search pydyf's exact bytes fail on that, which is deliberate, not a patch's doing.
- `named`: every patch it fails with alone names the test in its module's docstring
  (`weasyprint_patches.module(name).__doc__`), with the reason: a deliberate difference.
- `UNEXPLAINED` otherwise (exit 1 when there is one).

    python -m bench.engine.attribute build/engine/weasyprint-70.0 build/engine/plain.xml build/engine/patched.xml
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .compare import broken, outcomes
from .plugin import patch_names

ROOT = Path(__file__).resolve().parents[2]


def node_id(test_id: str) -> str:
    """`tests.test_pdf::test_links[x]` (junit's class name and name) -> `tests/test_pdf.py::test_links[x]`."""
    module, name = test_id.split("::", 1)
    return module.replace(".", "/") + ".py::" + name


def run(folder: Path, ids: list[str], env: dict[str, str]) -> dict[str, tuple[str, str]]:
    with tempfile.TemporaryDirectory(prefix="pressroom-engine-") as tmp:
        report = Path(tmp) / "report.xml"
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "bench.engine.plugin",
                        "-o", "junit_family=xunit1", f"--junitxml={report}", *map(node_id, ids)],
                       cwd=folder, env={**os.environ, "PYTHONPATH": str(ROOT), **env},
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        return outcomes(str(report)) if report.is_file() else {}


def docstring_of(patch: str) -> str:
    """The docstring of the module of a patch (`leaders`: weasyprint_patches/leaders.py)."""
    from pipeline.emit.pdf import weasyprint_patches

    return weasyprint_patches.module(patch).__doc__ or ""


JOIN = "join alone"
ALL_NO_JOIN = "all, no join"
NOT_RUN = "not in the patched report"
WITH_JOIN = {"font_subsets"}  # alone, the plugin still completes its notes: the join's rewrite runs too


def verdict(test_id: str, fails_in: list[str]) -> str:
    """`join`: it fails with the join's rewrite and no patch, and passes with every patch and no
    rewrite (WeasyPrint's test reads pydyf's bytes); `named`: every patch it fails with alone
    (those whose run includes the join aside, where the join alone fails it too) names the test in
    its docstring (a deliberate difference); else `UNEXPLAINED`."""
    if JOIN in fails_in and ALL_NO_JOIN not in fails_in:
        return "join"
    names = patch_names()
    patches = [name for name in fails_in if name in names and not (JOIN in fails_in and name in WITH_JOIN)]
    test = test_id.split("::", 1)[1].split("[", 1)[0]
    if patches and all(test in docstring_of(name) for name in patches):
        return "named"
    return "UNEXPLAINED"


def runs() -> dict[str, dict[str, str]]:
    """Each run's name and environment: each patch alone (the join only where the font notes need
    it), every patch without the join, the join alone."""
    out = {name: {"PRESSROOM_ENGINE_PATCHES": name, "PRESSROOM_ENGINE_JOIN": ""} for name in patch_names()}
    out[ALL_NO_JOIN] = {"PRESSROOM_ENGINE_PATCHES": "1", "PRESSROOM_ENGINE_JOIN": "0"}
    out[JOIN] = {"PRESSROOM_ENGINE_PATCHES": "0", "PRESSROOM_ENGINE_JOIN": "1"}  # each PDF only saved again
    return out


def main(argv: list[str]) -> int:
    folder, plain, patched = Path(argv[0]), outcomes(argv[1]), outcomes(argv[2])
    ids = [t for t, _, _ in broken(plain, patched)]
    if not ids:
        print("no test to attribute")
        return 0
    # a test missing from the patched report is not run again: pytest given a node id it cannot
    # find (a parameter naming another folder, say) runs none of the others
    ran = [t for t in ids if t in patched]
    failing: dict[str, list[str]] = {t: [] if t in patched else [NOT_RUN] for t in ids}
    for name, env in runs().items() if ran else ():
        result = run(folder, ran, env)
        if not result:
            print(f"attribute: the run '{name}' wrote no report", file=sys.stderr)
        for t in ran:
            if result.get(t, ("missing",))[0] != "passed":
                failing[t].append(name)
    print(f"{len(ids)} tests pass plain and fail patched; the runs each fails in (one patch alone, all "
          f"but the join, the join alone) and the verdict (join: the join's rewrite of the PDF, no patch; "
          f"named: in the patch's docstring as a deliberate difference):", flush=True)
    verdicts = {t: verdict(t, failing[t]) for t in ids}
    for t in ids:
        print(f"  {verdicts[t]:11} {t}\n              fails with: {', '.join(failing[t]) or 'none alone (all together only)'}")
    unexplained = [t for t in ids if verdicts[t] == "UNEXPLAINED"]
    print(f"{len(unexplained)} unexplained")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
