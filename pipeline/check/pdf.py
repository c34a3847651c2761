"""The PDF checks: every font embedded, no Type 3 font, no .notdef glyph drawn, a document
language, extractable text (with poppler's `pdftotext`, which must read every font without an
error), and, on a page with a TrimBox (the print edition and its cover), the trim inside the
bleed inside the media box, every page trimmed alike. Takes a PDF's path, gives a
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


def _unreadable(desc) -> str | None:
    """Why the font program embedded in a font descriptor cannot be read by fontTools (a viewer
    would draw nothing or boxes), or None: TrueType and OpenType parsed, CFF decompiled."""
    import io

    from fontTools.cffLib import CFFFontSet
    from fontTools.ttLib import TTFont

    try:
        if "/FontFile2" in desc or ("/FontFile3" in desc and desc.FontFile3.get("/Subtype") == "/OpenType"):
            data = (desc.get("/FontFile2") or desc.FontFile3).read_bytes()
            font = TTFont(io.BytesIO(data))
            font.getGlyphOrder()
            if "glyf" in font:
                font["glyf"]
        elif "/FontFile3" in desc:
            cff = CFFFontSet()
            cff.decompile(io.BytesIO(desc.FontFile3.read_bytes()), None)
            cff[cff.fontNames[0]].CharStrings
        return None
    except Exception as e:  # noqa: BLE001  any failure to parse is the finding
        return f"{type(e).__name__}: {str(e)[:80]}"


def _page_boxes(pdf) -> list[str]:
    """A print PDF's boxes: each page's TrimBox inside its BleedBox inside its MediaBox, all trims alike."""
    problems, sizes = [], set()
    for n, page in enumerate(pdf.pages, 1):
        if "/TrimBox" not in page.obj:
            continue
        trim, media = [float(v) for v in page.obj.TrimBox], [float(v) for v in page.obj.MediaBox]
        bleed = [float(v) for v in page.obj.get("/BleedBox", page.obj.MediaBox)]

        def inside(a, b) -> bool:
            return a[0] >= b[0] - 0.01 and a[1] >= b[1] - 0.01 and a[2] <= b[2] + 0.01 and a[3] <= b[3] + 0.01

        if not (inside(trim, bleed) and inside(bleed, media)):
            problems.append(f"page {n}: TrimBox {trim} not inside BleedBox {bleed} inside MediaBox {media}")
        sizes.add((round(trim[2] - trim[0], 1), round(trim[3] - trim[1], 1)))
    if len(sizes) > 1:
        problems.append(f"pages trimmed to {len(sizes)} sizes: {sorted(sizes)}")
    return problems


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
            elif (why := _unreadable(desc)) is not None:
                problems.append(f"embedded font {name} cannot be read: {why}")
            if subtype == "/Type0" and isinstance(font.get("/ToUnicode"), pikepdf.Stream):
                cmap = _tounicode(font.ToUnicode.read_bytes())
                if 0 in cmap:
                    problems.append(f".notdef glyph drawn for {cmap[0]!r} in {name}")
        problems += _page_boxes(pdf)
        lang = str(pdf.Root.get("/Lang", ""))
        outline = len(list(pdf.open_outline().root)) if pages else 0
    text = ""
    if shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=600)
        text = done.stdout.decode("utf-8", "replace")
        errors = sorted({line.strip() for line in done.stderr.decode("utf-8", "replace").splitlines()
                         if line.startswith("Syntax Error")})
        problems += [f"poppler: {line}" for line in errors[:5]]
        if len(text.strip()) < 20:
            problems.append("no extractable text")
    summary = (f"PDF: {pages} pages, {fonts} fonts, {len(problems)} problems, outline {outline} entries, "
               f"lang {lang or 'missing'}")
    if not lang:
        problems.append("no document language")
    return CheckResult(path, not problems, summary, problems)
