"""The GitHub Actions workflows in .github/workflows/: valid against GitHub's workflow schema
(check-jsonschema's builtin `vendor.github-workflows`, shipped with the package: no network), and
the release workflow's listing step runs as written and gives the matrix fields its jobs read."""
from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys

import yaml

from conftest import ROOT

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def _check(*files):
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", "vendor.github-workflows",
                           *map(str, files)], capture_output=True, text=True, timeout=120)


def test_workflows_pass_the_schema():
    assert {p.name for p in WORKFLOWS} >= {"ci.yml", "release.yml"}
    run = _check(*WORKFLOWS)
    assert run.returncode == 0, run.stdout + run.stderr


def test_a_broken_workflow_fails_the_schema(tmp_path):
    """`runs-on` misspelled in a copy of the release workflow: the check names the job."""
    broken = tmp_path / "release.yml"
    broken.write_text((ROOT / ".github/workflows/release.yml").read_text(encoding="utf-8")
                      .replace("runs-on:", "run-on:"), encoding="utf-8")
    run = _check(broken)
    assert run.returncode == 1, run.stdout
    assert "'runs-on' is a required property" in run.stdout


def _release():
    return yaml.safe_load((ROOT / ".github/workflows/release.yml").read_text(encoding="utf-8"))


def test_the_listing_step_runs_as_written():
    step = next(s for s in _release()["jobs"]["books"]["steps"] if s.get("id") == "list")
    command = re.search(r"\$\((python -m pipeline\.catalogue [^)]*)\)", step["run"]).group(1)
    argv = shlex.split(command)
    run = subprocess.run([sys.executable, *argv[1:]], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    entries = json.loads(run.stdout)["include"]
    assert {"name": "source", "source": "source"} in entries  # the default book is released too


def test_the_build_job_reads_only_fields_the_matrix_has():
    build = _release()["jobs"]["build"]
    text = json.dumps(build)
    used = set(re.findall(r"matrix\.(\w+)", text)) - {"include"}
    assert used and used <= {"name", "source"}, used
    assert "fromJSON(needs.books.outputs.matrix)" in build["strategy"]["matrix"]


def test_the_release_job_collects_sums_and_refuses_a_clash(tmp_path):
    """The release job's shell steps, as written, on two books' downloaded artifacts: every file in
    one folder and in SHA256SUMS; a file name two books publish stops the job."""
    steps = _release()["jobs"]["release"]["steps"]
    collect = next(s["run"] for s in steps if s.get("name", "").startswith("One folder"))
    sums = next(s["run"] for s in steps if s.get("name", "").startswith("SHA256SUMS"))
    files = {"book-a/a-1.0.epub": "1", "book-a/a-1.0.pdf": "2", "book-a/a.build-report.json": "3",
             "book-b/b-1.0.epub": "4", "book-b/b-1.0.pdf": "5", "book-b/b.build-report.json": "6"}
    for rel, text in files.items():
        (tmp_path / "parts" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "parts" / rel).write_text(text)
    assert subprocess.run(["bash", "-e", "-c", collect], cwd=tmp_path).returncode == 0
    assert subprocess.run(["bash", "-e", "-c", sums], cwd=tmp_path / "dist", capture_output=True).returncode == 0
    listed = (tmp_path / "dist" / "SHA256SUMS").read_text().split()[1::2]
    assert sorted(listed) == sorted(rel.split("/")[1] for rel in files)

    (tmp_path / "parts" / "book-b" / "a-1.0.pdf").write_text("7")  # two books with one output stem
    for f in (tmp_path / "dist").iterdir():
        f.unlink()
    (tmp_path / "dist").rmdir()
    run = subprocess.run(["bash", "-e", "-c", collect], cwd=tmp_path, capture_output=True, text=True)
    assert run.returncode == 1 and "two books publish a-1.0.pdf" in run.stdout
