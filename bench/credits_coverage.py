"""Share of credit lines recognized over the corpus, per folder, with the misses listed.

A candidate credit line is a short paragraph right after an image block (or a Medium
figcaption) that mentions a credit word (photo/image/source/作者/来源/拍摄/Unsplash, ...), plus
any credit found by the stages. Recognized means the credits stage attached it to a figure.
Usage: .venv/bin/python bench/credits_coverage.py [corpus dir]
"""
from __future__ import annotations

import re
import sys
import tempfile
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pipeline.config import BookConfig  # noqa: E402
from pipeline.load import load_chapter  # noqa: E402
from pipeline.stages import StageContext, credits, images  # noqa: E402

CANDIDATE = re.compile(r"unsplash|pexels|pixabay|wikimedia|维基|imgflip|(?<!创)作者|来源|拍摄|截图|鸣谢|出处|照片由|图片由|图像由|"
                       r"photo by|image by|image from|images? by|picture by|picture from|^from |source\W*$|source\s*:|"
                       r"\(\s*source|credit|courtesy|(?:创建|生成)的\S{0,6}(?:图|迷因)", re.I)
MAX_LINE = 100
FOLDERS = ["tds-zh/docs", "medium-zh-javarevisited/docs", "tds-zh-2025/docs", "medium-html/precillieo",
           "medium-md-en/vincenttatan/content/blog"]


def squash(text: str) -> str:
    return re.sub(r"[\s*_。.]+", "", unicodedata.normalize("NFKC", text or ""))


def candidates(ch) -> list[tuple[str, int | None]]:
    """Short paragraphs/captions right after an image, mentioning a credit word."""
    out = []
    for img in ch.body.find_all("img"):
        fig = img.find_parent("figure")
        if fig is not None:
            cap = fig.find("figcaption")
            if cap is not None and CANDIDATE.search(cap.get_text(" ", strip=True)) and \
                    len(cap.get_text(strip=True)) <= MAX_LINE:
                out.append((cap.get_text(" ", strip=True), None))
            continue
        block = img
        while block.parent is not None and block.parent.name not in ("body", "[document]"):
            block = block.parent
        nxt = block.find_next_sibling()
        if nxt is not None and nxt.name == "p" and len(nxt.get_text(strip=True)) <= MAX_LINE \
                and CANDIDATE.search(nxt.get_text(" ", strip=True)):
            out.append((nxt.get_text(" ", strip=True), int(nxt.get("data-src-line") or 0) or None))
    seen, uniq = set(), []
    for text, line in out:
        if text not in seen:
            seen.add(text)
            uniq.append((text, line))
    return uniq


def main(root: Path) -> int:
    total_all = rec_all = 0
    with tempfile.TemporaryDirectory() as cache:
        for folder in FOLDERS:
            d = root / folder
            if not d.is_dir():
                continue
            lang = "en" if "en" in folder or "html" in folder else "zh-CN"
            cfg = BookConfig(title="bench", language=lang, source_dir=d)
            ctx = StageContext(cfg, d, Path(cache), offline=True)
            total = rec = 0
            misses = []
            for i, f in enumerate(sorted(p for p in d.iterdir() if p.suffix in (".md", ".html"))):
                ch = load_chapter(f, f.name, i + 1)
                cands = candidates(ch)
                images.run(ch, ctx)
                credits.run(ch, ctx)
                found = [squash(d_.text) for d_ in ch.diagnostics if d_.rule == "credits.line"]
                for text, _line in cands:
                    total += 1
                    norm = squash(text)
                    if any(x and (x in norm or norm in x) for x in found):
                        rec += 1
                    else:
                        misses.append(f"  {f.name[:40]}: {text[:110]}")
            total_all += total
            rec_all += rec
            share = f"{100 * rec / total:.1f}%" if total else "-"
            print(f"{folder}: {rec}/{total} candidate credit lines recognized ({share})")
            for m in misses:
                print(m)
    if total_all:
        print(f"ALL: {rec_all}/{total_all} ({100 * rec_all / total_all:.1f}%)")
    return 0


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
