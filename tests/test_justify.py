"""Inter-character justification of Chinese in the PDF (pipeline/emit/pdf/weasyprint_patches/justify.py, a WeasyPrint 70
patch): lines are justified by spacing their characters, by at most justify.MAX_CJK_GAP each (so
the gap a reader sees stays under a quarter em); a line that would need more (the next word is a
long Latin word, a web address) is spread up to that and left short. Laid out in this process with WeasyPrint, read from its boxes."""
from __future__ import annotations

import pytest

from pipeline.emit.pdf.weasyprint_patches import justify

pytestmark = pytest.mark.skipif(not justify.JUSTIFY_CJK, reason="the patch is for WeasyPrint 70")

WIDTH_EM = 20
TEXT = ("这本小书收录了一篇关于机器学习工程师日常工作的文章。它的原文发表在 Towards Data Science 上，"
        "后来由社区译成中文。我们用 Supercalifragilisticexpialidocious 把它排成了一本书：同一份源文件，"
        "既生成可在阅读器中重排的电子书，也生成适合打印的文件，见 https://example.com/a/very/long/address/"
        "that-keeps-going-and-going 这个地址。文章中的图片在上游已经缺失，构建不会因此中断，而是放上占位图。")


def lines(html: str):
    """(text, gap in em between two CJK characters, right edge in em) per line of the paragraph."""
    from weasyprint import HTML
    from weasyprint.formatting_structure import boxes

    assert justify.install()
    page = HTML(string=html).render().pages[0]._page_box
    out = []

    def walk(box):
        if isinstance(box, boxes.LineBox):
            texts = [b for b in box.descendants() if isinstance(b, boxes.TextBox)]
            size = box.style["font_size"]
            gap = max((t.justification_spacing for t in texts), default=0) / size
            right = max(t.position_x + t.width for t in texts) - box.position_x
            out.append(("".join(t.text for t in texts), gap, right / size))
            return
        for child in getattr(box, "children", []):
            walk(child)
    walk(page)
    return out


def paragraph(text: str, lang: str = "zh") -> str:
    return (f'<html lang="{lang}"><body><p style="width: {WIDTH_EM}em; font: 10pt \'Noto Serif CJK SC\';'
            f' text-align: justify; margin: 0">{text}</p></body></html>')


def test_no_gap_wider_than_the_cap():
    got = lines(paragraph(TEXT))
    assert len(got) >= 6
    assert max(gap for _, gap, _ in got) <= justify.MAX_CJK_GAP + 1e-6, got


def test_lines_are_still_justified_and_the_capped_one_is_ragged():
    got = lines(paragraph(TEXT))
    body = got[:-1]  # the last line is set flush left
    full = [line for line in body if abs(line[2] - WIDTH_EM) < 0.05]
    short = [line for line in body if line[2] < WIDTH_EM - 0.5]
    assert len(full) >= 3, got  # justified to the edge, by spacing the characters
    assert any(gap > 0 for _, gap, right in full), got
    assert short and all(abs(gap - justify.MAX_CJK_GAP) < 1e-6 for _, gap, _ in short), got


def test_english_lines_are_not_capped():
    words = "A line of English text followed by Supercalifragilisticexpialidocious and more words here."
    got = lines(paragraph(words * 2, "en").replace("Noto Serif CJK SC", "Noto Serif"))
    assert all(abs(right - WIDTH_EM) < 0.05 for _, _, right in got[:-1]), got
