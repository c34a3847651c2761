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
from pipeline.credits.captions import caption_shape
from pipeline.credits.parse import article_note, credit_in_sentence, parse_line, split_fused, split_lead
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
    # what --explain says the credits stage did: every move logged, with its source line
    explain = "".join(f"{d.rule} {d.line} {d.text}\n" for d in ch.diagnostics if d.rule.startswith("credits."))
    log = GOLDEN / case / "explain.txt"
    if os.environ.get("PRESSROOM_REGEN") or not log.exists():
        log.write_text(explain, encoding="utf-8")
    assert explain == log.read_text(encoding="utf-8")
    moves = [d.rule for d in ch.diagnostics if d.rule in ("credits.line", "credits.nearest", "credits.article",
                                                          "credits.caption")]
    if "must-not-fire" in case or "not-credit" in case:
        assert all(f.credit is None for f in ch.figures)
        assert not ch.meta.get("credits") and not moves
    elif "article-note" in case:  # a note on all the images: the credits page, not a figure
        assert all(f.credit is None for f in ch.figures) and ch.meta["credits"]
        assert [d.rule for d in ch.diagnostics if d.rule.startswith("credits.")] == ["credits.article"]
    else:
        assert any(f.credit is not None for f in ch.figures)
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
    ("作者制图", "author", "", ""),
    ("作者截图（2025 年 3 月）", "screenshot", "", ""),
    ("图片由作者借助 ChatGPT 生成", "author", "", "ChatGPT"),
    ("AI 生成的图像", "tool", "", "AI"),
    ("AI-generated image", "tool", "", "AI"),
    ("作者改编自 Wang 等人（2024）", "source", "Wang 等人(2024)", ""),
    ("Image by the author, adapted from Wang et al. (2024)", "source", "Wang et al. (2024)", ""),
    ("来自 Hugging Face 的截图", "screenshot", "", "Hugging Face"),
    ("截图来自 OpenAI 网站", "screenshot", "", "OpenAI"),
    ("作者根据世界银行数据绘制", "author", "", "世界银行"),
    ("Image by the author; data from the World Bank", "author", "", "the World Bank"),
    ("图片由 NASA 提供，经许可使用", "photo", "", "NASA"),
    ("Photo by Jane Doe, used with permission", "photo", "Jane Doe", ""),
    ("Image by author, using Excalidraw", "author", "", "Excalidraw"),
    ("Credits to Jane Doe", "source", "Jane Doe", ""),
    ("Illustrated by Jane Doe", "photo", "Jane Doe", ""),
    ("Photo by Jane Doe via Flickr, CC BY 2.0", "photo", "Jane Doe", "Flickr"),
    ("Screenshot of the dashboard by the author", "screenshot", "", ""),
    ("图片来自 Pexels 的 Jane Doe", "photo", "Jane Doe", "Pexels"),
    ("Unsplash 上 Jane Doe 的照片", "photo", "Jane Doe", "Unsplash"),
    ("图片来源于网络", "source", "网络", ""),
    ("网络图片", "source", "网络", ""),
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
    "我们用 AI 生成的图片做了测试",
    "AI 生成的图片越来越逼真，也越来越难以分辨",
    "Diagram by the author, showing the three stages of the pipeline",
    "每个数据科学家都应该知道的 7 种统计分布。卢克·切瑟在 Unsplash 上",
    "网络上的图片很多，但能用的很少",
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
    note = parse_line("图片由作者提供")
    note.chapter_number, note.figure_label, note.note = 1, "T", "除非另有说明，所有图片均由作者提供。"
    html = env.get_template("credits.xhtml.j2").render(book=book, credits=[note], t={},
                                                       link_to=lambda part, frag: f"{part}.xhtml#{frag}")
    assert "（除非另有说明，所有图片均由作者提供。）" in html


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


@pytest.mark.parametrize("html,shape", [
    ("<p>左：原始图像</p>", "zh-position"),
    ("<p>右图：经过模糊处理后的图像，核大小为 5×5</p>", "zh-position"),
    ("<p>上图：训练损失曲线</p>", "zh-position"),
    ("<p>图 3：三个模型的验证误差</p>", "zh-label"),
    ("<p>（a）原始数据</p>", "zh-subfigure"),
    ("<p>（左）原始图像，（右）模糊后的图像</p>", "zh-position-paren"),
    ("<p>(Left) the raw signal, (right) the filtered one</p>", "en-position-paren"),
    ("<p>Left: the raw signal</p>", "en-position"),
    ("<p>Figure 2. Loss of the three runs</p>", "en-label"),
    ("<p><em>A quiet street after the rain, with a long and winding shadow</em></p>", "italic-line"),
    ("<blockquote><p>左：原始图像</p></blockquote>", "zh-position"),
    ("<p>三种采样方法的比较</p>", "short"),
    # body text: no shape
    ("<p>我们先来看看这张图说明了什么。</p>", None),
    ("<p>下面是训练的代码：</p>", None),
    ("<p>" + "这一段是正文，讲的是模型为什么会在这个数据集上过拟合，以及我们如何通过交叉验证发现这个问题。" * 2 + "</p>", None),
    ("<p>左：" + "很长的正文" * 30 + "</p>", None),
    ("<p>The model overfits. We fix it with dropout.</p>", None),
    ("<p>Figure 2 shows that the third run converges more slowly than the other two, which we did not expect "
     "at all given the schedule, the warm-up and the batch size we had chosen for the experiment.</p>", None),
    ("<ul><li>左：原始图像</li></ul>", None),
])
def test_caption_shapes(html, shape):
    from bs4 import BeautifulSoup
    node = BeautifulSoup(html, "lxml").body.contents[0]
    got = caption_shape(node)
    assert (got.name if got else None) == shape


def test_short_shape_only_before_the_credit():
    from bs4 import BeautifulSoup
    assert caption_shape(BeautifulSoup("<p>三种采样方法的比较</p>", "lxml").p).after_credit is False
    assert caption_shape(BeautifulSoup("<p>左：原始图像</p>", "lxml").p).after_credit is True


@pytest.mark.parametrize("line,note", [
    ("除非另有说明，所有图片均由作者提供。", True),
    ("所有图片除非另有说明，均为作者所有。", True),
    ("本文中的全部图表都是由作者制作的。", True),
    ("Unless otherwise noted, all images are by the author.", True),
    ("All figures in this post were made by me", True),
    ("除非另有说明，所有图片均由 Midjourney 生成。", True),
    ("All images were generated with DALL-E 3 unless noted otherwise", True),
    ("所有图片均由我们的脚本生成。", False),
    ("所有的图表都显示我们的模型更好。", False),
    ("作者感谢三位审稿人对初稿提出的意见。", False),
    ("All images in the dataset were labelled by hand over two weeks.", False),
])
def test_article_note(line, note):
    assert (article_note(line) is not None) == note


def test_split_lead_and_sentence():
    text = "图片由作者提供：左为原始数据，右为清洗后的数据"
    cut, cr = split_lead(text)
    assert text[cut:] == "左为原始数据，右为清洗后的数据" and cr.kind == "author"
    assert split_lead("来源：左为原始数据") is None  # a bare source is not split off a caption
    assert credit_in_sentence("由作者绘制的推荐系统架构图").kind == "author"
    assert credit_in_sentence("Architecture diagram drawn by the author").kind == "author"
    assert credit_in_sentence("上图由作者绘制，展示了三种采样方法的差别").kind == "author"
    assert credit_in_sentence("Diagram by the author, showing the three stages").kind == "author"
    for body in ("使用作者提供的代码可以复现这个结果", "The dataset was created by the author of the library",
                 "作者在下一节解释原因", "A book by the author of the library", "上图说明作者的观点是对的"):
        assert credit_in_sentence(body) is None, body


def test_source_opening_a_paragraph_is_not_a_credit():
    assert parse_line("Source: the survey we ran for three months across forty schools") is None
    assert parse_line("Source: photo I took in Lisbon").kind == "source"


def test_article_note_on_credits_page(tmp_path):
    ch = build(GOLDEN / "zh-article-note" / "in.md", tmp_path, "zh-CN")
    found = collect_credits([ch])
    assert len(found) == 1 and found[0].figure_id == "" and found[0].figure_label == (ch.title or ch.rel)
    assert found[0].note == "除非另有说明，本文所有图片均由作者制作。"
    assert "除非另有说明" not in ch.body.get_text()


def test_medium_blockquote_credit(tmp_path):
    """Medium's export puts a credit in a <blockquote> holding only inline content: it is the figure's."""
    from pipeline.stages import clean
    html = ('<html><head><title>T</title></head><body><section><div class="section-inner">'
            '<p>An opening paragraph long enough to be a paragraph of the article, and never a caption of anything.</p>'
            '<figure><img src="img/a.png"><figcaption>Left: raw data</figcaption></figure>'
            '<blockquote class="graf--blockquote">Photo by <a href="https://unsplash.com/@ana?utm_source=x">Ana Ruiz'
            '</a> on <a href="https://unsplash.com?utm_source=x">Unsplash</a></blockquote>'
            '<p>The body goes on with a long paragraph that is not taken into the caption of the figure above.</p>'
            '</div></section></body></html>')
    f = tmp_path / "a.html"
    f.write_text(html, encoding="utf-8")
    cfg = BookConfig(title="t", language="en", source_dir=tmp_path)
    ctx = StageContext(cfg, tmp_path, tmp_path / "c", offline=True)
    ch = load_chapter(f, "a.html", 1)
    for stage in (clean, images, credits):
        stage.run(ch, ctx)
    assert ch.figures[0].credit.creator == "Ana Ruiz" and ch.body.find("blockquote") is None
    assert "Left: raw data" in ch.body.find("figcaption").get_text()
    assert "The body goes on" in ch.body.find_all("p")[-1].get_text()
