"""The house style, measured on real PDFs (issue 5): trim sizes, right-hand openers in print and
no blank pages on screen, TOC numbers equal to the pages, running heads and folios where they
belong, no page more than a third empty except before an opener, nothing wider than the text
block, code wrapped with nothing lost, Chinese justified with no line opening on closing
punctuation, URLs as footnotes in print, outline, fonts, and an EPUB stylesheet in relative units.

Two small books are built once for the module (a print edition at 6 x 9 in and a screen edition at
A5) from chapters written here: long Chinese text, sections, links, a long table, a code block
with a very long line, a blockquote and a figure too tall for where it falls.
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from conftest import ROOT
from pipeline.build import build
from pipeline.emit import pdf as pdf_emit

TITLE = "排版样书"
SENTENCES = [
    "机器学习工程师的日常工作远不只是训练模型，数据清洗、特征处理和部署上线占去了大部分时间。",
    "我们在 2023 年用 Python 和 SQL 搭建了第一条数据管道，它每天处理大约 300 GB 的日志。",
    "好的排版让读者忘记排版本身：行长适中，行距舒展，标点不出现在行首。",
    "模型上线之后，监控它的输入分布是否漂移，比追求 0.5% 的精度提升更重要。",
    "如果一个团队没有可靠的数据基础设施，再好的算法也只能停留在笔记本里。",
    "在实际项目中，我们往往先用简单的基线模型，例如逻辑回归（Logistic Regression），再逐步改进。",
]
LONG_CODE_LINE = ("result = pipeline.fit_transform(training_frame, target_column='label', "
                  "cross_validation_folds=10, random_state=20240101, verbose=True, n_jobs=-1)  # 很长的一行")


def para(i: int, n: int = 5) -> str:
    return "".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(n))


def chapter_one() -> str:
    rows = "\n".join(f"| 特征 {i} | {i * 7 % 100} | 说明文字第 {i} 行 |" for i in range(1, 61))
    body = ["# 第一篇：数据与基础设施\n\n> 原文：<https://example.com/articles/one>\n",
            para(0), para(1), "## 数据从哪里来\n", para(2),
            "更多细节见[这篇关于数据管道的文章](https://example.org/data-pipelines/guide)，以及"
            "[另一篇文章](https://example.net/posts/infrastructure-notes)。\n", para(3),
            "```python\n" + "\n".join([
                "import pandas as pd", "", "def load(path):", "    frame = pd.read_csv(path)",
                "    return frame.dropna()", "", LONG_CODE_LINE, "print(result.shape)  # 输出形状"]) + "\n```\n",
            para(4), "> " + para(5, 2) + "\n", para(0, 3),
            "## 一张长表\n", "| 名称 | 数值 | 备注 |\n|---|---|---|\n" + rows + "\n",
            para(1), para(2)]
    return "\n\n".join(body)


def chapter_two() -> str:
    body = ["# 第二篇：一张很高的图\n\n> 原文：<https://example.com/articles/two>\n"]
    body += [para(i) for i in range(4)]
    body += ["![一张很高的示意图](img/tall.png)\n", "图片由作者提供\n"]
    body += [para(i) for i in range(4, 12)]
    body += ["## 小结\n", para(3), para(5)]
    return "\n\n".join(body)


def chapter_three() -> str:
    return "# 第三篇：短章\n\n" + para(2, 3) + "\n"


def make_book(root: Path, variant: str, trim: str) -> Path:
    book = root / f"book-{variant}"
    (book / "chapters" / "img").mkdir(parents=True)
    img = Image.new("RGB", (500, 1150), (70, 110, 160))
    for y in range(0, 1150, 50):
        img.paste((230, 230, 240), (0, y, 500, y + 4))
    img.save(book / "chapters" / "img" / "tall.png")
    for name, text in (("01-one.md", chapter_one()), ("02-two.md", chapter_two()), ("03-three.md", chapter_three())):
        (book / "chapters" / name).write_text(text, encoding="utf-8")
    (book / "book.toml").write_text(
        f'title = "{TITLE}"\nsubtitle = "Pressroom 的版式测试"\nauthors = ["测试作者"]\nlanguage = "zh-CN"\n'
        f'date = "2026-01-02"\nrights = "CC BY-NC-SA 4.0"\npublisher = "Pressroom"\naccent = "#1f5f8b"\n'
        f'chapters_glob = "chapters/*"\noutput = "book"\n\n[pdf]\ntrim = "{trim}"\nvariant = "{variant}"\n'
        f'\n[images]\noffline = true\n', encoding="utf-8")
    return book


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    root = tmp_path_factory.mktemp("house")
    out = {}
    for variant, trim in (("print", "6in 9in"), ("screen", "A5")):
        src = make_book(root, variant, trim)
        result = build(src, src / "build", ("pdf",), jobs=1)
        out[variant] = (result, next(p for p in result.outputs if p.suffix == ".pdf"))
    return out


# ---------- reading the PDF back ----------

def bbox_pages(path: Path):
    """[(width, height, [(xMin, yMin, xMax, yMax, word)], [line: [(xMin, yMin, xMax, yMax, word)]])]"""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True,
                         check=True).stdout
    pages = []
    for page in re.split(r"<page ", xml)[1:]:
        w, h = map(float, re.search(r'width="([\d.]+)" height="([\d.]+)"', page).groups())
        lines, words = [], []
        for block in re.findall(r"<block .*?</block>", page, re.S):
            for line in re.findall(r"<line .*?</line>", block, re.S):
                ws = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in re.findall(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>', line)]
                if ws:
                    lines.append(ws)
                    words += ws
            lines.append(None)  # block end
        pages.append((w, h, words, lines))
    return pages


def without_footnotes(lines: list, top: float, limit: float) -> tuple[list[tuple], float]:
    """The words of the text block's lines less the URL footnotes at its foot (print variant), and
    where the footnotes start (`limit` when there are none): the text may end there."""
    body = [ln for ln in lines if ln and top - 2 <= ln[0][1] and ln[-1][3] <= limit + 2]
    foot = limit
    while body and ("://" in "".join(x[4] for x in body[-1]) or re.fullmatch(r"\d+\.", body[-1][0][4])
                    or (len(body[-1]) == 1 and re.fullmatch(r"[A-Za-z0-9./%?=&#:~+_-]{8,}", body[-1][0][4]))):
        foot = body.pop()[0][1] - 12  # the rule and space above the notes
    return [x for ln in body for x in ln], foot


def outline_pages(path: Path) -> dict[str, tuple[int, list[str]]]:
    with pikepdf.open(path) as pdf:
        index = {p.obj.objgen: i for i, p in enumerate(pdf.pages)}
        with pdf.open_outline() as outline:
            out = {}
            for item in outline.root:
                dest = item.destination or (item.action and item.action.get("/D"))
                out[item.title] = (index[dest[0].objgen], [c.title for c in item.children])
    return out


def geometry(result):
    g = pdf_emit.geometry(result.book)
    return g.top * 72, g.bottom * 72, g.inner * 72, g.outer * 72


def opener_pages(result, path) -> list[int]:
    """Pages that open a part of the main matter: the chapters and the back matter (credits)."""
    out = outline_pages(path)
    first = min(out[ch.title][0] for ch in result.book.chapters)
    return sorted(i for i, _ in out.values() if i >= first)


# ---------- pages ----------

def test_trim_sizes_are_honoured(books):
    sizes = {}
    for variant, (result, path) in books.items():
        with pikepdf.open(path) as pdf:
            sizes[variant] = {tuple(round(float(v), 1) for v in p.mediabox[2:]) for p in pdf.pages}
    assert sizes["print"] == {(432.0, 648.0)}
    assert sizes["screen"] == {(419.5, 595.3)}


@pytest.mark.parametrize("trim, inches", [("A4", (8.27, 11.69)), ("a5", (5.83, 8.27)), ("letter", (8.5, 11.0)),
                                          ("6x9", (6.0, 9.0)), ("152mm 229mm", (5.984, 9.016)),
                                          ("5.5in 8.5in", (5.5, 8.5))])
def test_page_sizes_parse(trim, inches):
    got = pdf_emit.page_inches(trim)
    assert got == pytest.approx(inches, abs=0.01)


def test_outer_margin_wider(books):
    for variant, (result, path) in books.items():
        g = pdf_emit.geometry(result.book)
        assert g.outer > g.inner and 28 <= g.text_width * 72 / g.font_pt <= 40  # characters a line


def test_print_chapters_open_on_right_hand_pages(books):
    result, path = books["print"]
    for i in opener_pages(result, path):
        assert i % 2 == 0, f"opener on physical page {i + 1}, a left-hand page"


def test_screen_has_no_blank_pages(books):
    result, path = books["screen"]
    empty = [i + 1 for i, (w, h, words, _) in enumerate(bbox_pages(path)) if not words and i > 0]
    assert not empty


def test_toc_numbers_equal_real_pages(books):
    for variant, (result, path) in books.items():
        pages = bbox_pages(path)
        openers = outline_pages(path)
        first = min(openers[ch.title][0] for ch in result.book.chapters)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
        toc = next(p for p in text.split("\f") if "目录" in p)
        for ch in result.book.chapters:
            line = next(ln for ln in toc.splitlines() if ch.title[:6] in ln)
            printed = int(re.search(r"(\d+)\s*$", line).group(1))
            assert printed == openers[ch.title][0] - first + 1, (variant, ch.title, printed)
        assert len(pages) == result.book.page_count


def test_running_heads_and_folios(books):
    result, path = books["print"]
    top, bottom, inner, outer = geometry(result)
    openers = set(opener_pages(result, path))
    first = min(openers)
    pages = bbox_pages(path)
    heads = {}
    for i, (w, h, words, _) in enumerate(pages):
        if i < first:
            continue
        head = [x for x in words if x[3] < top - 2]
        foot = [x for x in words if x[1] > h - bottom + 2]
        body = [x for x in words if top - 2 <= x[1] and x[3] <= h - bottom + 2]
        if i in openers or not body:  # openers and blank pages: nothing in the margins
            assert not head and not foot, (i + 1, head, foot)
            continue
        assert head and foot, f"page {i + 1}: running head or folio missing"
        folio = foot[0]
        assert folio[4] == str(i - first + 1)
        if i % 2 == 1:  # left-hand page: folio at the left (outer) edge, book title in the head
            assert folio[2] < w / 2 and "".join(x[4] for x in head) == TITLE
        else:
            assert folio[0] > w / 2
        heads[i] = "".join(x[4] for x in head)
    rights = [t for i, t in heads.items() if i % 2 == 0]
    assert any(t.startswith("第一篇") for t in rights) and any(t.startswith("第二篇") for t in rights)


def test_front_matter_folios_are_roman(books):
    result, path = books["print"]
    first = min(opener_pages(result, path))
    top, bottom, inner, outer = geometry(result)
    pages = bbox_pages(path)[1:first]
    folios = [x[4] for (w, h, words, _) in pages for x in words if x[1] > h - bottom + 2]
    assert folios and all(re.fullmatch(r"[ivxl]+", f) for f in folios), folios
    blank = [i + 2 for i, (w, h, words, _) in enumerate(pages) if all(x[1] > h - bottom + 2 for x in words)]
    assert not [i for i, (w, h, words, _) in enumerate(pages) if words and all(x[1] > h - bottom + 2 for x in words)], \
        f"a folio on a blank page: {blank}"


# ---------- text block ----------

def test_no_page_more_than_a_third_empty(books):
    for variant, (result, path) in books.items():
        top, bottom, inner, outer = geometry(result)
        pages = bbox_pages(path)
        openers = set(opener_pages(result, path))
        first = min(openers)
        def body(i):
            w, h, words, lines = pages[i]
            return without_footnotes(lines, top, h - bottom)[0]

        def room(i):  # the height the text could have used: down to the footnotes, if any
            w, h, words, lines = pages[i]
            return without_footnotes(lines, top, h - bottom)[1]
        for i in range(first, len(pages) - 1):
            if i + 1 in openers or not body(i) or not body(i + 1):
                continue  # the end of a part (before an opener or a blank verso), or a blank page
            h = pages[i][1]
            used = 1 - (room(i) - max(x[3] for x in body(i))) / (h - top - bottom)
            assert used >= 2 / 3 - 0.02, f"{variant}: page {i + 1} is {1 - used:.0%} empty"


def test_nothing_wider_than_the_text_block(books):
    for variant, (result, path) in books.items():
        top, bottom, inner, outer = geometry(result)
        for i, (w, h, words, _) in enumerate(bbox_pages(path)):
            left, right = (outer, w - inner) if i % 2 == 1 else (inner, w - outer)
            for x in words:
                if top - 2 <= x[1] and x[3] <= h - bottom + 2 and i > 0:
                    assert left - 1.5 <= x[0] and x[2] <= right + 1.5, (variant, i + 1, x)


def test_code_wraps_and_loses_nothing(books):
    """The long code line wraps and reads whole, in order, as the page draws it (`pdftotext -raw`);
    pdftotext's own reading of the page's layout keeps every character of it too (it may set the
    few after a wide gap at a wrapped line's end, two spaces and a comment, apart as a column)."""
    from collections import Counter

    line = re.sub(r"\s", "", LONG_CODE_LINE)
    for variant, (result, path) in books.items():
        drawn, read = (re.sub(r"\s", "", subprocess.run(["pdftotext", *mode, str(path), "-"], capture_output=True,
                                                        text=True).stdout) for mode in (["-raw"], []))
        assert line in drawn, variant
        assert not Counter(line) - Counter(read), variant


def test_chinese_is_justified_and_no_line_starts_with_closing_punctuation(books):
    result, path = books["print"]
    top, bottom, inner, outer = geometry(result)
    closing = set("，。、；：？！）」』》〉”’")
    flush = total = 0
    for i, (w, h, words, lines) in enumerate(bbox_pages(path)):
        right = w - inner if i % 2 == 1 else w - outer
        for line in lines:
            if not line or not (top - 2 <= line[0][1] and line[-1][3] <= h - bottom + 2):
                continue
            assert line[0][4][0] not in closing, (i + 1, "".join(x[4] for x in line))
            text = "".join(x[4] for x in line)
            # a line that ends within a character of the edge is a full line: it must end on it
            if len(text) > 20 and re.search(r"[\u4e00-\u9fff]", text) and line[-1][2] > right - 10:
                total += 1
                flush += abs(line[-1][2] - right) < 1.0
    assert total > 50 and flush / total >= 0.9, (flush, total)


def test_print_links_have_their_url_in_a_footnote(books):
    result, path = books["print"]
    pages = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split("\f")
    i = next(i for i, p in enumerate(pages) if "另一篇文章" in p)
    # the note is on the page of its call, or (WeasyPrint, when the page is full) the next one
    assert "https://example.org/data-pipelines/guide" in pages[i] + pages[i + 1]
    assert "https://example.net/posts/infrastructure-notes" in pages[i] + pages[i + 1]
    result, path = books["screen"]
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    assert "example.net/posts" not in text


def test_long_table_repeats_its_header(books):
    result, path = books["print"]
    pages = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout.split("\f")
    spanned = [p for p in pages if re.search(r"特征 \d+", p)]
    assert len(spanned) >= 2 and all("名称" in p and "备注" in p for p in spanned)


def test_tall_figure_was_placed_not_left_as_a_hole(books):
    """The figure lands where it cannot fit; it was moved or scaled (and the page test holds)."""
    for variant, (result, path) in books.items():
        rules = [d.rule for d in result.book.diagnostics]
        assert "pdf.page-short" not in rules, [str(d) for d in result.book.diagnostics if d.rule.startswith("pdf")]


# ---------- the PDF as a file ----------

def test_outline_language_tags_and_fonts(books):
    result, path = books["print"]
    outline = outline_pages(path)
    assert outline["第一篇：数据与基础设施"][1] == ["数据从哪里来", "一张长表"]
    with pikepdf.open(path) as pdf:
        assert str(pdf.Root.Lang) == "zh-CN"
        assert "/StructTreeRoot" in pdf.Root  # tagged (pdf_tags)
        fonts = {str(f.get("/BaseFont")) for p in pdf.pages for _, f in (p.Resources.get("/Font") or {}).items()}
    names = " ".join(fonts)
    for face in ("Noto-Serif-CJK-SC", "Noto-Sans-CJK-SC", "Noto-Sans-Mono-CJK-SC"):
        assert face in names, (face, fonts)


def test_pdf_variant_bleed_and_crop_marks(tmp_path):
    src = make_book(tmp_path, "screen", "A5")
    (src / "chapters" / "02-two.md").unlink()
    (src / "chapters" / "01-one.md").write_text("# 短\n\n" + para(0) + "\n", encoding="utf-8")
    toml = (src / "book.toml").read_text().replace(
        'variant = "screen"', 'variant = "print"\npdf_variant = "pdf/a-3b"\nbleed = "3mm"\ncrop_marks = true')
    (src / "book.toml").write_text(toml, encoding="utf-8")
    result = build(src, src / "build", ("pdf",), jobs=1)
    with pikepdf.open(result.outputs[0]) as pdf:
        meta = pdf.open_metadata()
        assert meta.get("pdfaid:part") == "3" and meta.get("pdfaid:conformance") == "B"
        page = pdf.pages[0]  # bleed and crop marks: the trim box is A5, the media larger
        trim = [round(float(v), 1) for v in page.obj.TrimBox]
        media = [round(float(v), 1) for v in page.mediabox]
        assert round(trim[2] - trim[0], 1) == 419.5 and round(trim[3] - trim[1], 1) == 595.3
        assert media[2] - media[0] >= trim[2] - trim[0] + 2 * 8.5 - 0.2


# ---------- EPUB stylesheet ----------

def test_epub_css_is_relative_and_forces_no_body_colour_or_size():
    css = (Path(__file__).resolve().parents[1] / "templates" / "css" / "epub.css").read_text()
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert not re.search(r"font-size:\s*[\d.]+(pt|px|in|cm|mm)", css)
    assert not re.search(r"(?<![\w.-])\d[\d.]*(pt|in|cm|mm)\b", css)
    for rule in re.findall(r"(?:^|\})\s*((?:body|p|html)\s*\{[^}]*)\}", css):
        assert "color" not in rule.split("{", 1)[1] and "font-size" not in rule.split("{", 1)[1], rule
    assert "white-space: pre-wrap" in css and "max-width: 100%" in css


def test_chinese_emphasis_is_bold_in_the_pdf():
    """Chinese has no italic, and WeasyPrint draws no `text-emphasis` dots: print.css asked for
    those, and an author's emphasis looked like the text around it. It is bold, as in the EPUB;
    emphasis inside code keeps the code's weight."""
    from weasyprint import CSS, HTML

    css = CSS(string=(ROOT / "templates" / "css" / "print.css").read_text(encoding="utf-8"))
    doc = HTML(string='<html lang="zh-CN"><body><p>这是<em>强调</em>的文字</p>'
                      "<p><code>a <em>b</em></code></p></body></html>").render(stylesheets=[css])
    weights = {}

    def walk(box):
        if getattr(box, "text", None):
            weights[box.text] = box.style["font_weight"]
        for child in getattr(box, "children", []):
            walk(child)

    walk(doc.pages[0]._page_box)
    assert weights["强调"] == 700 and weights["这是"] == 400
    assert weights["b"] == weights["a "]
