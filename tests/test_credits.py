"""Credit lines: golden files per family (tests/golden/credits/<case>/{in.md,out.html}), the parser,
the credits table, and coverage over the shared corpus. PRESSROOM_REGEN=1 rewrites the goldens."""
from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from pipeline.book.credits import collect_credits, credits_table
from pipeline.config import BookConfig
from pipeline.credits.links import clean_url
from pipeline.credits.parse import parse_line, split_fused
from pipeline.load import load_chapter
from pipeline.stages import StageContext, credits, images

GOLDEN = Path(__file__).parent / "golden" / "credits"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "in.md").exists())
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def build(src: Path, tmp_path: Path, lang: str):
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True, exist_ok=True)
    f = book / "chapters" / "x.md"
    f.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    cfg = BookConfig(title="t", language=lang, source_dir=book)
    ctx = StageContext(cfg, book, tmp_path / "cache", offline=True)
    ch = load_chapter(f, "chapters/x.md", 1)
    images.run(ch, ctx)
    credits.run(ch, ctx)
    return ch


@pytest.mark.parametrize("case", CASES)
def test_golden(case, tmp_path):
    lang = "en" if case.startswith("en-") else "zh-CN"
    ch = build(GOLDEN / case / "in.md", tmp_path, lang)
    html = ch.body.decode_contents().strip()
    html = re.sub(r' data-src-line="\d+"', "", html)
    out = GOLDEN / case / "out.html"
    if os.environ.get("PRESSROOM_REGEN") or not out.exists():
        out.write_text(html + "\n", encoding="utf-8")
    assert html == out.read_text(encoding="utf-8").strip()
    if "must-not-fire" in case or "not-credit" in case:
        assert all(f.credit is None for f in ch.figures)
        assert not ch.meta.get("credits")
    elif "article-note" in case:  # a note on all the images: the credits page, not a figure
        assert all(f.credit is None for f in ch.figures) and ch.meta["credits"]
        assert [d.rule for d in ch.diagnostics if d.rule.startswith("credits.")] == ["credits.article"]
    else:
        assert ch.figures[0].credit is not None
        assert 'class="credit"' in html
        assert not re.search(r"utm_|[?&]source=|[?&]ref=", html)


@pytest.mark.parametrize("line,kind,creator,platform", [
    ("图片由作者提供", "author", "", ""),
    ("*作者截图*", "screenshot", "", ""),
    ("(来源:作者)", "author", "", ""),
    ("Image by author", "author", "", ""),
    ("卢克·切瑟在 Unsplash 上拍摄的照片", "photo", "卢克·切瑟", "Unsplash"),
    ("莫兰 在 Unsplash 上的照片", "photo", "莫兰", "Unsplash"),
    ("照片由 Courtney hedge 在 Unsplash 拍摄", "photo", "Courtney hedge", "Unsplash"),
    ("在 Unsplash 上 NeONBRAND 拍摄的照片", "photo", "NeONBRAND", "Unsplash"),
    ("在 Unsplash 上由 NESA 拍摄的制造商", "photo", "NESA", "Unsplash"),
    ("由 Caleb George 在 Unsplash 上拍摄的照片", "photo", "Caleb George", "Unsplash"),
    ("照片由 Unsplash 上的 Gwendal Cottin 拍摄", "photo", "Gwendal Cottin", "Unsplash"),
    ("图片由 Micha Sager 在 Pixabay 提供", "photo", "Micha Sager", "Pixabay"),
    ("由 Midjourney 创建的图像", "tool", "", "Midjourney"),
    ("使用 Dall-E 生成的图片", "tool", "", "DALL-E"),
    ("用 imgflip 创建的迷因", "tool", "", "imgflip"),
    ("截图由 X 于 2025 年 1 月 3 日拍摄", "screenshot", "X", ""),
    ("(约翰，公有领域，通过维基媒体共享)", "licence", "约翰", "Wikimedia Commons"),
    ("Photo by Serena Repice Lentini on Unsplash", "photo", "Serena Repice Lentini", "Unsplash"),
    ("Image from Ringgitplus", "source", "Ringgitplus", ""),
    ("来源：MDPI", "source", "MDPI", ""),
    ("鸣谢：NASA", "source", "NASA", ""),
])
def test_families(line, kind, creator, platform):
    cr = parse_line(line)
    assert cr is not None, line
    assert (cr.kind, cr.creator, cr.platform) == (kind, creator, platform)


@pytest.mark.parametrize("line", [
    "我们的确主要在周四和周五聊天，但实际上没什么区别。",
    "作者提供了一个例子来说明这一点，让我们仔细看看。",
    "This dataframe will be dumped into the dash table object as below",
    "The source of this data is the World Bank, which publishes it every year for free.",
    "平均值为 0，标准差为 1 的正态分布。",
    "由 plot_box_scatter 函数创建的图表",
    "hello-view.xml",
])
def test_not_a_credit(line):
    assert parse_line(line) is None
    assert split_fused(line) is None


def test_fused_split_keeps_caption():
    text = "每个数据科学家都应该知道的 7 种统计分布。卢克·切瑟在 Unsplash 上拍摄的照片。"
    cut, cr = split_fused(text)
    assert text[:cut] == "每个数据科学家都应该知道的 7 种统计分布。"
    assert cr.creator == "卢克·切瑟"


def test_clean_url():
    assert clean_url("https://unsplash.com/@x?utm_source=medium&utm_medium=referral") == "https://unsplash.com/@x"
    assert clean_url("https://a.org/p?id=3&ref=tw&source=feed") == "https://a.org/p?id=3"


def test_collect_and_table(tmp_path):
    ch = build(GOLDEN / "zh-site-first" / "in.md", tmp_path, "zh-CN")
    found = collect_credits([ch])
    assert len(found) == 1 and found[0].figure_label == "图 1.1" and found[0].chapter_number == 1
    assert found[0].creator_url == "https://unsplash.com/@gwendal"
    assert "Gwendal Cottin" in credits_table(found)
    assert credits_table(found, "csv").splitlines()[0].startswith("figure_label,")
    assert json.loads(credits_table(found, "json"))[0]["platform"] == "Unsplash"


def test_credits_template():
    import types

    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parents[1] / "templates"),
                             autoescape=True)
    cr = parse_line("照片由 Unsplash 上的 Gwendal Cottin 拍摄")
    cr.figure_id, cr.figure_label, cr.chapter_number = "fig-1-1", "图 1.1", 1
    ch = types.SimpleNamespace(title="T", rel="chapters/a.md", meta={"original_url": "https://x.org/a"}, number=1)
    book = types.SimpleNamespace(config=BookConfig(title="t", language="zh-CN"), chapters=[ch], credits=[cr])
    html = env.get_template("credits.xhtml.j2").render(book=book, credits=[cr], t={},
                                                       link_to=lambda part, frag: f"{part}.xhtml#{frag}")
    assert 'role="doc-credits"' in html and "<h1>图片来源</h1>" in html
    assert "Gwendal Cottin" in html and "https://x.org/a" in html


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present")
def test_corpus_coverage(capsys):
    import importlib.util
    spec = importlib.util.spec_from_file_location("cov", Path(__file__).parents[1] / "bench" / "credits_coverage.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.main(CORPUS)
    out = capsys.readouterr().out
    m = re.search(r"ALL: (\d+)/(\d+)", out)
    assert m and int(m.group(1)) / int(m.group(2)) >= 0.95, out
