"""book/title_lines.py: the title set in balanced lines, never one or two characters alone on the
last, on the PDF's title page and cover and in the EPUB's title page."""
from __future__ import annotations

import re
import subprocess
import zipfile

import pytest

from pipeline.book.title_lines import lines, split_tail, width
from pipeline.build import build

TITLES = {
    "zh-17": "成为机器学习工程师的不为人知的真相",  # 15 a line on the 6 x 9 in page: 15 + 2 before
    "zh-short": "机器学习的真相",
    "zh-31": "一个很长很长的标题，讲述数据科学家在真实世界里的日常工作经验与教训",
    "zh-mixed": "用 Python 做数据分析：从入门到精通的完整指南",
    "en": "The Untold Truths of Being a Machine Learning Engineer Today",
}


@pytest.mark.parametrize("name", sorted(TITLES))
def test_lines_are_balanced_at_the_measure(name):
    title = TITLES[name]
    got = lines(title, measure=15.5)
    assert got["head"] + got["tail"] == title
    if width(title) <= 15.5:
        assert got["width"] is None
        return
    # greedy lines at the width given: as many as at the measure, none much shorter than another
    words = re.findall(r"[^\s\u2e80-\u9fff\uff00-\uffef]+\s*|\s+|.", title)
    count_at_measure, rows = _rows(words, 15.5), _rows(words, got["width"])
    assert len(rows) == len(count_at_measure) and got["width"] <= 15.5
    assert min(rows) >= 0.55 * max(rows), rows  # no short last line (before: 15 em + 2 em)
    if not name.startswith("en"):  # Chinese breaks anywhere: lines within a few characters
        assert max(rows) - min(rows) <= 2.5, rows


def _rows(tokens, limit):
    rows, line = [], 0.0
    for t in tokens:
        ink = width(t.rstrip())
        if line and line + ink > limit:
            rows.append(line)
            line = 0.0
            if not t.strip():
                continue
        line += width(t)
    return rows + [line]


def test_the_tail_kept_together():
    assert split_tail("成为机器学习工程师的不为人知的真相") == ("成为机器学习工程师的不为人知", "的真相")
    assert split_tail("真相") == ("真相", "")  # short: nothing to keep apart
    assert split_tail("The Untold Truths of Being an Engineer") == ("The Untold Truths of Being ", "an Engineer")
    assert split_tail("Supercalifragilistic Expialidocious Antidisestablishment") == (
        "Supercalifragilistic Expialidocious Antidisestablishment", "")  # too long to hold on one line


def _title_page_lines(pdf, page: int) -> list[str]:
    """The lines of the title's text on a page (pdftotext -bbox), the largest words only."""
    from lxml import etree

    xml = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                         capture_output=True, check=True).stdout
    words = list(etree.fromstring(xml, etree.XMLParser(recover=True)).iter("{*}word"))
    size = max(float(w.get("yMax")) - float(w.get("yMin")) for w in words)
    rows: dict[float, list] = {}
    for w in words:
        if float(w.get("yMax")) - float(w.get("yMin")) > size * 0.9:
            rows.setdefault(round(float(w.get("yMin"))), []).append(w.text)
    return [" ".join(r) for _, r in sorted(rows.items())]


@pytest.mark.parametrize("name", ["zh-17", "zh-31", "en"])
def test_title_page_and_cover_never_end_with_one_or_two_characters(name, tmp_path):
    title = TITLES[name]
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    lang = "en" if name == "en" else "zh-CN"
    (book / "book.toml").write_text(f'title = "{title}"\nlanguage = "{lang}"\nauthors = ["A"]\n', encoding="utf-8")
    (book / "chapters" / "1.md").write_text("# 一\n\n正文。\n" if lang != "en" else "# One\n\nText.\n", encoding="utf-8")
    result = build(book, tmp_path / "out", ("epub", "pdf"), jobs=1)
    pdf = next(p for p in result.outputs if p.suffix == ".pdf")
    for page in (1, 2):  # the cover, the title page
        rows = _title_page_lines(pdf, page)
        assert "".join(rows).replace(" ", "") == title.replace(" ", ""), rows
        assert len(rows) >= 2
        chars = [len(r.replace(" ", "")) if lang != "en" else len(r.split()) for r in rows]
        assert chars[-1] >= (3 if lang != "en" else 2), rows
        assert max(chars) - min(chars) <= (3 if lang != "en" else 3), rows  # balanced, not 15 + 2
    with zipfile.ZipFile(next(p for p in result.outputs if p.suffix == ".epub")) as z:
        page = z.read("EPUB/titlepage.xhtml").decode()
    assert re.search(r'<h1 class="title" style="max-width: [\d.]+em">[^<]+<span class="title-end">[^<]+</span></h1>', page)
