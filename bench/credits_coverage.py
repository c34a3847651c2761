"""Share of credit lines recognized over the corpus, per folder, with the misses listed.

A candidate credit line is a short paragraph (or a Medium figcaption) that mentions a credit word
(photo/image/source/作者/来源/拍摄/Unsplash, ...) and stands in an image's caption block: one of the
first three paragraphs after an image block (caption lines in between), the paragraph right before an
image block (a header image's credit), or one after a divider that follows an image; a paragraph may
be in italics or in a blockquote. Article-wide credit notes (`除非另有说明，所有图片均由作者提供`)
anywhere are candidates too. Recognized means a credits rule took it (`credits.line`,
`credits.nearest`, `credits.article`) and its words are no longer a paragraph of the body.
The stages run as in a build (clean, images, credits); candidates are taken before clean.
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
from pipeline.stages import StageContext, clean, credits, images  # noqa: E402

CANDIDATE = re.compile(r"unsplash|pexels|pixabay|wikimedia|维基|imgflip|(?<!创)作者|来源|拍摄|截图|鸣谢|出处|照片由|图片由|图像由|"
                       r"photo by|image by|image from|images? by|picture by|picture from|^from |source\W*$|source\s*:|"
                       r"\(\s*source|credit|courtesy|by (?:the )?author|(?:创建|生成)的\S{0,6}(?:图|迷因)", re.I)
NOTE = re.compile(r"(?:所有|全部|其余|其他).{0,12}(?:图|截图|可视化).{0,16}(?:作者|本人)|"
                  r"\ball\b.{0,24}\b(?:images|photos|figures|pictures|visuali[sz]ations)\b.{0,40}\b(?:author|me)\b",
                  re.I)
MAX_LINE = 100
AFTER = 3  # paragraphs looked at after an image
RULES = ("credits.line", "credits.nearest", "credits.article")
FOLDERS = ["tds-zh/docs", "medium-zh-javarevisited/docs", "tds-zh-2025/docs", "medium-html/precillieo",
           "medium-md-en/vincenttatan/content/blog"]


def squash(text: str) -> str:
    return re.sub(r"[\s*_。.]+", "", unicodedata.normalize("NFKC", text or ""))


def _line(node):
    """The paragraph a block holds (a <p>, or the only <p> of a blockquote), else None."""
    if node is None or node.name is None:
        return None
    if node.name == "p":
        return node
    if node.name in ("blockquote", "div"):
        kids = node.find_all(True, recursive=False)
        if len(kids) == 1 and kids[0].name == "p" and not node.find(string=True, recursive=False).strip() \
                if node.find(string=True, recursive=False) else len(kids) == 1 and kids[0].name == "p":
            return kids[0]
    return None


def _short_credit(p) -> bool:
    t = p.get_text(" ", strip=True)
    return bool(t) and len(t) <= MAX_LINE and not p.find("img") and bool(CANDIDATE.search(t))


def candidates(ch) -> list[tuple[str, int | None]]:
    """Short credit-like paragraphs and captions in the caption blocks of images (see the docstring)."""
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
        for _ in range(AFTER):  # the caption block: caption lines, then the credit
            p = _line(nxt)
            if p is None or p.find("img"):
                break
            if _short_credit(p):
                out.append((p.get_text(" ", strip=True), int(p.get("data-src-line") or 0) or None))
            if len(p.get_text(strip=True)) > 2 * MAX_LINE:
                break
            nxt = nxt.find_next_sibling()
        if nxt is not None and nxt.name == "hr":  # a credit after a divider
            p = _line(nxt.find_next_sibling())
            if p is not None and _short_credit(p):
                out.append((p.get_text(" ", strip=True), int(p.get("data-src-line") or 0) or None))
        p = _line(block.find_previous_sibling())  # a credit placed before the image
        if p is not None and _short_credit(p) and re.search(r"unsplash|pexels|pixabay|照片|photo|image|图片|图像|作者|author",
                                                            p.get_text(" ", strip=True), re.I):
            out.append((p.get_text(" ", strip=True), int(p.get("data-src-line") or 0) or None))
    for p in ch.body.find_all("p"):  # article-wide credit notes
        t = p.get_text(" ", strip=True)
        if len(t) <= MAX_LINE and NOTE.search(t) and not p.find_parent(("li", "figure")):
            out.append((t, int(p.get("data-src-line") or 0) or None))
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
            total = rec = left = gone = 0
            misses = []
            for i, f in enumerate(sorted(p for p in d.iterdir() if p.suffix in (".md", ".html"))):
                ch = load_chapter(f, f.name, i + 1)
                cands = candidates(ch)
                clean.run(ch, ctx)  # as in a build: clean may remove an image (a banner) and leave its credit
                kept = squash(ch.body.get_text(" "))
                gone_now = [c for c in cands if squash(c[0]) not in kept]  # cruft clean removed (an outro)
                gone += len(gone_now)
                cands = [c for c in cands if c not in gone_now]
                images.run(ch, ctx)
                credits.run(ch, ctx)
                found = [squash(d_.text) for d_ in ch.diagnostics if d_.rule in RULES]
                body = {squash(p.get_text(" ", strip=True)) for p in ch.body.find_all("p")
                        if not p.find_parent("figure")}
                for text, _line_no in cands:
                    total += 1
                    norm = squash(text)
                    in_body = norm in body
                    left += in_body
                    if not in_body and any(x and (x in norm or norm in x) for x in found):
                        rec += 1
                    else:
                        misses.append(f"  {f.name[:40]}: {'[left in body] ' if in_body else ''}{text[:110]}")
            total_all += total
            rec_all += rec
            share = f"{100 * rec / total:.1f}%" if total else "-"
            print(f"{folder}: {rec}/{total} candidate credit lines recognized ({share}), {left} left in the body"
                  f" ({gone} more removed by clean with their section)")
            for m in misses:
                print(m)
    if total_all:
        print(f"ALL: {rec_all}/{total_all} ({100 * rec_all / total_all:.1f}%)")
    return 0


if __name__ == "__main__":
    default = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else default))
