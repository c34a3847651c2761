"""Ace by DAISY on a built EPUB: every violation, of any impact, fails the check.

Ace runs as the npm package `@daisy/ace-cli` (`scripts/bootstrap-ace.sh` installs it into
`.tools/ace/`, git-ignored; `@daisy/ace` itself pulls Electron, which does not install here),
driving Debian's Chromium through Puppeteer (`PUPPETEER_EXECUTABLE_PATH`, browser download skipped).
`pressroom check --ace` (or `PRESSROOM_ACE=1`) adds this to the EPUBCheck of each `.epub`.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections import Counter
from pathlib import Path

from ..model import PressroomError
from .result import CheckResult

ROOT = Path(__file__).resolve().parents[2]
BROWSERS = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
IMPACTS = ("critical", "serious", "moderate", "minor")


def ace_executable() -> Path | None:
    """`ACE_BIN`, else the project's `.tools/ace/`, else `ace` on the PATH."""
    for candidate in (os.environ.get("ACE_BIN"), ROOT / ".tools/ace/node_modules/.bin/ace-cli",
                      shutil.which("ace"), shutil.which("ace-cli")):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def browser() -> str | None:
    exe = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if exe and Path(exe).is_file():
        return exe
    return next((b for b in BROWSERS if Path(b).is_file()), None)


def missing() -> str:
    """Why Ace cannot run here ("" when it can), with the command that fixes it."""
    if ace_executable() is None:
        return "Ace by DAISY is not installed; run: bash scripts/bootstrap-ace.sh"
    if browser() is None:
        return "Chromium is not installed (Ace needs it); run: sudo apt-get install -y chromium"
    return ""


def violations(report: dict) -> list[dict]:
    """The failed assertions of an Ace report: impact, rule, file, description, CSS pointer."""
    out = []
    for doc in report.get("assertions", []):
        url = (doc.get("earl:testSubject") or {}).get("url", "")
        for a in doc.get("assertions", []) or []:
            result = a.get("earl:result") or {}
            if result.get("earl:outcome") != "fail":
                continue
            test = a.get("earl:test") or {}
            pointer = (result.get("earl:pointer") or {}).get("css") or []
            out.append({"impact": test.get("earl:impact", "?"), "rule": test.get("dct:title", "?"),
                        "file": url, "description": " ".join((result.get("dct:description") or "").split()),
                        "where": " ".join(pointer[:1]) if isinstance(pointer, list) else str(pointer)})
    return out


def summarize(path: Path, report: dict) -> CheckResult:
    found = violations(report)
    impacts = Counter(v["impact"] for v in found)
    version = (((report.get("earl:assertedBy") or {}).get("doap:release") or {}).get("doap:revision")) or "?"
    missing_meta = [m for m in (report.get("a11y-metadata") or {}).get("missing", [])
                    if m in ("dcterms:conformsTo", "a11y:certifiedBy")]
    summary = (f"Ace {version}: {len(found)} violations ("
               + ", ".join(f"{impacts.get(k, 0)} {k}" for k in IMPACTS) + ")")
    problems = [f"{v['impact']} {v['rule']} {v['file']} {v['where']}: {v['description'][:200]}" for v in found]
    if missing_meta:
        summary += f"; metadata not declared: {', '.join(missing_meta)}"
    return CheckResult(path, not found, summary, problems)


def run_ace(path: Path, timeout: int = 900) -> CheckResult:
    """Ace by DAISY on one EPUB; fails on any violation, of any impact."""
    path = Path(path)
    why = missing()
    if why:
        raise PressroomError(why)
    env = dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1", PUPPETEER_EXECUTABLE_PATH=browser())
    with tempfile.TemporaryDirectory(prefix="pressroom-ace-") as tmp:
        out, work = Path(tmp) / "report", Path(tmp) / "work"
        work.mkdir()
        try:
            proc = subprocess.run([str(ace_executable()), "--force", "--silent", "--outdir", str(out),
                                   "--tempdir", str(work), str(path.resolve())],
                                  capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            return CheckResult(path, False, f"Ace did not finish in {timeout} s")
        report = out / "report.json"
        if not report.is_file():
            why = (proc.stderr or proc.stdout).strip().splitlines()
            return CheckResult(path, False, f"Ace did not run: {(why or ['no report'])[-1][:200]}")
        return summarize(path, json.loads(report.read_text(encoding="utf-8")))


def wanted(flag: bool = False) -> bool:
    """`--ace` on the command line or `PRESSROOM_ACE=1` in the environment."""
    return flag or os.environ.get("PRESSROOM_ACE", "").strip().lower() in ("1", "true", "yes")
