"""Which patch a WeasyPrint test broken by the patches follows from: the tests that pass plain and
fail patched (`compare.py`) run again with each patch alone (`PRESSROOM_ENGINE_ONLY`), with all
of them but the font notes' join (`PRESSROOM_ENGINE_JOIN=0`), and with the join's rewrite of the PDF
and no patch; then, for each test, the runs it fails in and a verdict: the join's rewrite, a
difference the patch's docstring names, or UNEXPLAINED (exit 1 when there is one).

    python -m bench.engine.attribute build/engine/weasyprint-70.0 build/engine/plain.xml build/engine/patched.xml
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from .compare import broken, outcomes
from .plugin import PATCH_NAMES

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
    """The docstring of the module a patch name stands for (`pdf_fonts.share_face_data`: pdf_fonts)."""
    import importlib

    module = patch.split(".")[0]
    for where in (f"pipeline.emit.pdf.weasyprint_patches.{module}", f"pipeline.emit.{module}"):
        try:
            return importlib.import_module(where).__doc__ or ""
        except ImportError:
            continue
    return ""


JOIN = "join alone"


def verdict(test_id: str, fails_in: list[str]) -> str:
    """`join`: it fails with no patch too, from the join's rewrite of the PDF (WeasyPrint's test reads
    pydyf's bytes); `named`: every patch it fails with alone names the test in its docstring (a
    deliberate difference); else `UNEXPLAINED`."""
    if JOIN in fails_in:
        return "join"
    patches = [name for name in fails_in if name in PATCH_NAMES]
    test = test_id.split("::", 1)[1].split("[", 1)[0]
    if patches and all(test in docstring_of(name) for name in patches):
        return "named"
    return "UNEXPLAINED"


def main(argv: list[str]) -> int:
    folder, plain, patched = Path(argv[0]), outcomes(argv[1]), outcomes(argv[2])
    ids = [t for t, _, _ in broken(plain, patched)]
    if not ids:
        print("no test to attribute")
        return 0
    runs = {name: {"PRESSROOM_ENGINE_ONLY": name} for name in PATCH_NAMES}
    runs["all, no join"] = {"PRESSROOM_ENGINE_ONLY": ",".join(PATCH_NAMES), "PRESSROOM_ENGINE_JOIN": "0"}
    runs[JOIN] = {"PRESSROOM_ENGINE_ONLY": "join"}  # no patch: each PDF only saved again by pikepdf
    failing: dict[str, list[str]] = {t: [] for t in ids}
    for name, env in runs.items():
        result = run(folder, ids, env)
        for t in ids:
            if result.get(t, ("missing",))[0] != "passed":
                failing[t].append(name)
    print(f"{len(ids)} tests pass plain and fail patched; the runs each fails in (one patch alone, all "
          f"but the join, the join alone) and the verdict (join: the join's rewrite of the PDF, no patch; "
          f"named: in the patch's docstring as a deliberate difference):")
    verdicts = {t: verdict(t, failing[t]) for t in ids}
    for t in ids:
        print(f"  {verdicts[t]:11} {t}\n              fails with: {', '.join(failing[t]) or 'none alone (all together only)'}")
    unexplained = [t for t in ids if verdicts[t] == "UNEXPLAINED"]
    print(f"{len(unexplained)} unexplained")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
