"""The PDF checks: every font embedded, no Type 3 font, no .notdef glyph drawn, a document
language, and extractable text (with poppler's `pdftotext`). Takes a PDF's path, gives a
`CheckResult` whose summary names the pages, fonts and outline entries."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from .result import CheckResult


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
