"""Every character drawn: a PDF set from every distinct character of the corpus articles, checked
for .notdef glyphs, with fontconfig's coverage for each character.

The book has one chapter per Unicode block (each character once, in the body face), the emoji
and symbol sequences as the articles write them (flags, ZWJ sequences, keycaps, skin tones) in
the body and in a code block (the monospace face falls back too), and is built by the real
pipeline with the house style. Then:
- `pipeline.check.pdf.run_pdf_checks` on the PDF (fonts embedded, no Type 3, no .notdef glyph);
- fontconfig coverage (`fc-list --format %{charset}` once, confirmed per character with
  `fc-list ':charset=XXXX'`): a character no installed font covers cannot be drawn, whatever CSS does.
Exit status 1 when a .notdef glyph is drawn or a character is covered by no font.

Usage: .venv/bin/python bench/glyphs.py [corpus dir] [--keep DIR]
"""
from __future__ import annotations

import argparse
import html
import re
import subprocess
import sys
import tempfile
import unicodedata
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pipeline.build import build  # noqa: E402
from pipeline.check.pdf import run_pdf_checks  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
SKIP_CATEGORIES = {"Cc", "Cs", "Co", "Cn", "Zl", "Zp"}  # controls, surrogates, private use, unassigned
INVISIBLE = {"Cf", "Zs", "Mn", "Me", "Sk"}  # drawn with a neighbour, or as a space: shown in context
SEQUENCE = re.compile(
    "(?:[\U0001F1E6-\U0001F1FF]{2})"  # flags
    "|(?:[#*0-9]\uFE0F?\u20E3)"  # keycaps
    "|(?:[\u2600-\u27BF\U0001F000-\U0001FAFF](?:[\U0001F3FB-\U0001F3FF]|\uFE0F)?"
    "(?:\u200D[\u2600-\u27BF\U0001F000-\U0001FAFF](?:[\U0001F3FB-\U0001F3FF]|\uFE0F)?)*)")


def corpus_text(folder: Path) -> str:
    parts = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() in (".md", ".html", ".htm", ".markdown") and path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
            if path.suffix.lower().startswith(".htm"):
                text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S | re.I)
                text = html.unescape(re.sub(r"<[^>]+>", " ", text))
            parts.append(text)
    return "\n".join(parts)


def block_name(ch: str) -> str:
    cp = ord(ch)
    for lo, hi, name in BLOCKS:
        if lo <= cp <= hi:
            return name
    return "Other"


BLOCKS = [(0x0000, 0x007F, "Basic Latin"), (0x0080, 0x024F, "Latin-1 and Extended Latin"),
          (0x0250, 0x02FF, "IPA and spacing modifiers"), (0x0300, 0x036F, "Combining marks"),
          (0x0370, 0x03FF, "Greek"), (0x0400, 0x04FF, "Cyrillic"), (0x0590, 0x06FF, "Hebrew and Arabic"),
          (0x0900, 0x0DFF, "Indic"), (0x0E00, 0x0EFF, "Thai and Lao"), (0x1D00, 0x1DBF, "Phonetic extensions"),
          (0x1E00, 0x1FFF, "Latin and Greek additional"), (0x2000, 0x206F, "General punctuation"),
          (0x2070, 0x209F, "Superscripts and subscripts"), (0x20A0, 0x20CF, "Currency"),
          (0x2100, 0x214F, "Letterlike"), (0x2150, 0x218F, "Number forms"), (0x2190, 0x21FF, "Arrows"),
          (0x2200, 0x22FF, "Mathematical operators"), (0x2300, 0x23FF, "Technical"),
          (0x2400, 0x24FF, "Enclosed alphanumerics"), (0x2500, 0x259F, "Box drawing and blocks"),
          (0x25A0, 0x25FF, "Geometric shapes"), (0x2600, 0x27BF, "Symbols and dingbats"),
          (0x27C0, 0x2BFF, "Math symbols and arrows"), (0x2E80, 0x2FFF, "CJK radicals"),
          (0x3000, 0x303F, "CJK symbols and punctuation"), (0x3040, 0x30FF, "Kana"),
          (0x3100, 0x33FF, "CJK compatibility and enclosed"), (0x3400, 0x4DBF, "CJK extension A"),
          (0x4E00, 0x9FFF, "CJK unified ideographs"), (0xAC00, 0xD7AF, "Hangul"),
          (0xF900, 0xFAFF, "CJK compatibility ideographs"), (0xFE00, 0xFE0F, "Variation selectors"),
          (0xFE30, 0xFE4F, "CJK compatibility forms"), (0xFF00, 0xFFEF, "Fullwidth forms"),
          (0xFFF0, 0xFFFF, "Specials"), (0x1D400, 0x1D7FF, "Mathematical alphanumerics"),
          (0x1F000, 0x1F0FF, "Game symbols"), (0x1F100, 0x1F1FF, "Enclosed alphanumeric supplement"),
          (0x1F300, 0x1FAFF, "Emoji"), (0x20000, 0x3134F, "CJK extensions B-G")]


def fontconfig_coverage() -> set[int]:
    out = subprocess.run(["fc-list", "--format", "%{charset}\n"], capture_output=True, text=True, timeout=60).stdout
    covered: set[int] = set()
    for line in out.splitlines():
        for part in line.split():
            lo, _, hi = part.partition("-")
            covered.update(range(int(lo, 16), int(hi or lo, 16) + 1))
    return covered


def fonts_for(ch: str) -> list[str]:
    out = subprocess.run(["fc-list", f":charset={ord(ch):x}", "family"], capture_output=True, text=True,
                         timeout=30).stdout
    return sorted({line.split(",")[0] for line in out.splitlines() if line.strip()})


def chapter_html(title: str, body: str) -> str:
    return f"<html><head><title>{html.escape(title)}</title></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"


def make_book(folder: Path, text: str) -> tuple[Path, set[str], list[str]]:
    chars = {c for c in set(text) if unicodedata.category(c) not in SKIP_CATEGORIES}
    sequences = sorted(set(SEQUENCE.findall(text)))
    by_block: dict[str, list[str]] = defaultdict(list)
    for c in sorted(chars):
        if unicodedata.category(c) not in INVISIBLE and not c.isspace():
            by_block[block_name(c)].append(c)
    book = folder / "glyphs-book"
    (book / "chapters").mkdir(parents=True)
    for n, (name, cs) in enumerate(sorted(by_block.items(), key=lambda kv: ord(kv[1][0])), 1):
        lines = ["".join(cs[i:i + 40]) for i in range(0, len(cs), 40)]
        body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
        (book / "chapters" / f"{n:03d}.html").write_text(chapter_html(f"{name} ({len(cs)})", body), encoding="utf-8")
    # sequences and in-context characters (combining marks, modifiers, ZWJ), in text and in code
    context = sorted({m.group(0) for m in re.finditer(r".[\u0300-\u036f\u20d0-\u20ff\ufe0f\u200d]+.?", text)})
    seq_text = " ".join(sequences + context)
    body = f"<p>{html.escape(seq_text)}</p><pre><code>{html.escape(seq_text)}</code></pre>"
    (book / "chapters" / "999.html").write_text(chapter_html("Sequences", body), encoding="utf-8")
    (book / "book.toml").write_text('title = "Glyphs"\nlanguage = "zh-CN"\nchapters_glob = "chapters/*"\n'
                                    'output = "glyphs"\n[credits]\npage = false\n[images]\noffline = true\n',
                                    encoding="utf-8")
    return book, chars, sequences


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus", nargs="?", default=str(CORPUS))
    ap.add_argument("--keep", help="build the book here and keep it")
    args = ap.parse_args(argv)
    folder = Path(args.corpus)
    if not folder.is_dir():
        print(f"corpus not found: {folder}")
        return 2
    text = corpus_text(folder)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        book, chars, sequences = make_book(work, text)
        covered = fontconfig_coverage()
        drawable = {c for c in chars if unicodedata.category(c) not in INVISIBLE and not c.isspace()}
        uncovered = sorted(c for c in drawable if ord(c) not in covered)
        result = build(book, book / "build", ("pdf",), jobs=2)
        pdf = next(p for p in result.outputs if p.suffix == ".pdf")
        check = run_pdf_checks(pdf)
        notdef = [p for p in check.problems if ".notdef" in p]
        print(f"corpus: {folder}")
        print(f"distinct characters: {len(chars)} ({len(drawable)} drawn on their own), "
              f"emoji/symbol sequences: {len(sequences)}")
        print(f"PDF: {pdf} - {check.summary}")
        print(f".notdef glyphs drawn: {len(notdef)}")
        for p in notdef:
            print(f"  {p}")
        print(f"characters no installed font covers (fontconfig): {len(uncovered)}")
        for c in uncovered:
            print(f"  U+{ord(c):04X} {unicodedata.name(c, '?')} fonts: {', '.join(fonts_for(c)) or 'none'}")
        other = [p for p in check.problems if ".notdef" not in p]
        for p in other:
            print(f"  other problem: {p}")
        return 1 if notdef or uncovered or other else 0


if __name__ == "__main__":
    sys.exit(main())
