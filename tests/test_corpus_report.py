"""The corpus report's detectors (bench/corpus/) on small hand-made chapter bodies: each counts what
it should and leaves alone what it should not. No build runs here."""
from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from bench.corpus import credits, markup
from bench.corpus.chapters import ChapterDoc, omitted_articles, pair_sources
from bench.corpus.kept import kept_in_order
from bench.corpus.source_text import html_prose, markdown_prose

FIG = '<figure class="figure"><img src="a.png" alt=""/></figure>'
PROSE = "<p>这是一段普通的正文，讲的是数据清洗的步骤，与图片无关。</p>"


def body(html: str):
    return BeautifulSoup(f'<html><body><div class="chapter-body">{html}</div></body></html>', "lxml").find(
        "div", class_="chapter-body")


# --- credit lines -------------------------------------------------------------------------------

@pytest.mark.parametrize("html", [
    FIG + "<p>Photo by Jane Doe on Unsplash</p>",
    FIG + "<p>卢克·切瑟在 Unsplash 上拍摄的照片</p>",
    FIG + "<p><em>作者截图</em></p>",
    FIG + "<p>来源：维基百科</p>",
    FIG + "<p>(Source: Kaggle)</p>",
    FIG + "<p>Wikimedia Commons</p>",  # a bare credit word beside an image
    PROSE + "<p>图片由作者提供</p>" + PROSE,  # a credit shape counts anywhere
    "<p>image_credit — Udemy</p>" + PROSE,
    PROSE + "<p>除非另有说明，所有图像均由作者提供。</p>",
    FIG + "<p>七种统计分布的概览。卢克·切瑟在 Unsplash 上拍摄的照片。</p>",  # a credit fused at the end
])
def test_credit_line_in_body_counts(html):
    assert len(credits.credit_lines(body(html))) == 1


@pytest.mark.parametrize("html", [
    '<figure class="figure"><img src="a.png" alt=""/><figcaption>图 1.1 '
    '<span class="credit">Photo by Jane Doe on Unsplash</span></figcaption></figure>',  # in its caption
    FIG + "<p>I found a lot of free pictures on Unsplash, and I use them in every post I write.</p>",
    FIG + "<p>我经常在 Unsplash 上找免费图片，因为它们质量很高，而且可以商用。</p>",
    FIG + "<p>Free pictures on Unsplash are great for blogs</p>",
    FIG + "<p>Unsplash 上的图片是免费的</p>",
    PROSE + "<p>我们从维基百科收集了这些来源，并用它们训练模型。</p>",
    "<pre><code>Photo by Jane Doe on Unsplash</code></pre>",
    "<h2>来源</h2><ul><li>某篇论文，2020 年</li></ul>",
])
def test_not_a_credit_line(html):
    assert credits.credit_lines(body(html)) == []


# --- raw Markdown -------------------------------------------------------------------------------

@pytest.mark.parametrize("html, kind", [
    ("<p>见 [文档](http://example.com) 一节</p>", "link"),
    ("<p>![alt](img/a.png)</p>", "image"),
    ("<p>```python</p>", "fence"),
    ("<p>## 第二部分</p>", "heading"),
    ("<p>#1.标题</p>", "heading"),
    ("<p>**第 1 行:**这是一条消息。</p>", "bold"),
    ("<p>结尾还剩一个 ** 号</p>", "bold"),
    ("<p>this is __really important__ to know</p>", "underscore"),  # one __word__ reads as a name
])
def test_raw_markdown_counts(html, kind):
    hits = markup.markdown_left(body(html))
    assert len(hits) == 1 and kind in hits[0].split("]")[0]


@pytest.mark.parametrize("html", [
    "<pre><code>### a comment\nx = 1  # **not bold**\n```\n</code></pre>",
    "<p>调用 <code>**kwargs</code> 和 <code>[x](y)</code></p>",
    "<p>call __init__ first; the __color attribute is private; dram__sectors_read</p>",
    "<p>#DataScience #MachineLearning</p>",
    '<figure class="figure missing"><div class="image-missing">Image missing: img%5C1__a__b.png</div></figure>',
    "<p>We used <strong>bold</strong> and <em>emphasis</em> as markup should be.</p>",
])
def test_not_raw_markdown(html):
    assert markup.markdown_left(body(html)) == []


# --- code blocks that ate prose -------------------------------------------------------------------

def test_code_block_holding_chinese_prose_counts():
    pre = ("<pre><code>x = 1\n\n我们接下来要看的是模型的训练过程，这一步非常重要。\n"
           "在训练之前，我们需要先把数据分成训练集和测试集。\n</code></pre>")
    assert len(markup.code_swallowed_prose(body(pre))) == 1


def test_code_block_holding_markdown_image_counts():
    pre = "<pre><code>print(x)\n```</details> ![](img/369a.png)\n</code></pre>"
    assert markup.code_swallowed_prose(body(pre))[0].startswith("[markdown]")


@pytest.mark.parametrize("pre", [
    "<pre><code>### Re-arrange data into 2x2\nimport pandas as pd  # 导入库，读取数据\ndf = pd.read_csv('a.csv')\n</code></pre>",
    "<pre><code># 训练模型\nmodel.fit(X, y)\nprint(\"训练完成，准确率很高。\")\n</code></pre>",
    "<pre><code>│ 0 │ 旅行, 非洲, 徒步旅行, 漫步, 活动, 通常, 发展中国家 │\n</code></pre>",
])
def test_ordinary_code_block_is_not_a_hit(pre):
    assert markup.code_swallowed_prose(body(pre)) == []


# --- link cards and outros ------------------------------------------------------------------------

def test_link_card_remains_count():
    hits = markup.link_card_outro(body(PROSE + "<p>medium.com</p>" + "<p>[## 标题 ### 副标题</p>" + PROSE))
    assert [h.split("]")[0] for h in hits] == ["[card", "[card"]


def test_outro_counts_at_the_end_only():
    outro = "<p>Before you go: follow me on Medium and subscribe to my newsletter.</p>"
    assert len(markup.link_card_outro(body(PROSE * 3 + outro))) == 1
    assert markup.link_card_outro(body(outro + PROSE * 10)) == []


def test_a_link_with_a_path_is_not_a_card():
    assert markup.link_card_outro(body(PROSE + "<p>https://example.com/2021/01/how-to-start/</p>")) == []
    assert markup.link_card_outro(body(PROSE + "<p>https://start.spring.io/</p>" + PROSE * 9)) == []


# --- LaTeX ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("html, n", [
    (r"<p>均值 \bar{X} = \frac{1}{n} \sum X_i</p>", 1),
    (r"<p>$$x^2$$</p><p>行内 \(a+b\) 公式</p>", 2),
    (r"<pre><code>\frac{1}{n}</code></pre>", 0),
    (r"<p>公式 <math><annotation encoding='application/x-tex'>\frac{1}{n}</annotation></math> 渲染了</p>", 0),
    (r"<p>路径 C:\new\folder 和 \n 换行</p>", 0),
])
def test_latex(html, n):
    assert len(markup.latex_left(body(html))) == n


def test_placeholders_counted():
    html = ('<figure class="figure missing"><div class="image-missing" role="img">图片缺失：img/a.png</div>'
            "</figure>" + FIG)
    assert markup.images_missing(body(html)) == ["图片缺失：img/a.png"]


# --- kept in order --------------------------------------------------------------------------------

def test_typography_changes_are_not_losses():
    k = kept_in_order("我们使用Python处理数据,然后画图:结果很好...", "我们使用 Python 处理数据，然后画图：结果很好…")
    assert k.pct == 100.0 and k.lost == []


def test_a_dropped_sentence_is_a_loss_with_its_excerpt():
    src = "第一句话讲的是背景。第二句话被构建丢掉了。第三句话是结论。"
    k = kept_in_order(src, "第一句话讲的是背景。第三句话是结论。")
    assert 55 < k.pct < 75 and k.lost == ["第二句话被构建丢掉了"]


def test_text_out_of_order_is_a_loss():
    k = kept_in_order("Alpha comes first. Beta comes second. Gamma comes last.",
                      "Gamma comes last. Alpha comes first. Beta comes second.")
    assert k.pct < 100.0


def test_markdown_prose_keeps_the_authors_text_only():
    md = ("---\ntitle: x\n---\n# 标题\n\n> 原文：<https://example.com/a?source=x>\n\n"
          "![图](img/a.png)\n\n见[文档](https://example.com/docs)，网址 https://example.com/b 不算。\n\n"
          "[](https://x.io/a) [## 卡片标题\n\n### 卡片简介\n\nx.io](https://x.io/a)\n\n"
          "[**Card Two**  \n_a blurb…_www.x.io](https://x.io/b \"https://x.io/b\")\n\n"
          "均值 $$\\bar{X} = \\frac{1}{n}$$ 与 \\(\\sigma\\) 之后。\n\n\\[\n\n\\sqrt{x}\n\n\\]\n")
    prose = markdown_prose(md)
    assert "title" not in prose and "原文" not in prose and "example.com" not in prose and "图" not in prose
    assert "见文档" in prose and "卡片标题" in prose and "卡片简介" not in prose
    assert "Card Two" in prose and "blurb" not in prose
    assert "frac" not in prose and "sigma" not in prose and "sqrt" not in prose and "之后" in prose


def test_html_prose_drops_the_repeated_title_and_footer():
    html = ('<html><head><title>T</title></head><body><h1 class="p-name">Title</h1><section data-field="body">'
            '<h3 class="graf--title">Title</h3><p>Body text.</p></section><footer>Exported from Medium</footer>'
            "</body></html>")
    assert html_prose(html).split() == ["Title", "Body", "text."]


def test_chapters_pair_with_articles_minus_the_omitted():
    docs = [ChapterDoc("ch001.xhtml", None), ChapterDoc("ch002.xhtml", None)]
    omitted = omitted_articles(["warning: b.md: empty article, left out of the book", "warning: a.md:3: other"])
    assert omitted == {"b.md"}
    assert pair_sources(docs, [Path("a.md"), Path("b.md"), Path("c.md")], omitted) == ""
    assert [d.source.name for d in docs] == ["a.md", "c.md"]


def test_table_and_show():
    from bench.corpus.__main__ import show, table

    row = {"chapters": 2, "kept": {"pct": 98.5, "hits": []}, "warnings": {"count": 1, "hits": ["warning: x"]},
           "epubcheck": {"errors": 0, "warnings": 2, "hits": []}}
    for key in ("credits", "markdown", "code", "outro", "latex", "missing"):
        row[key] = {"count": 0, "hits": []}
    row["credits"] = {"count": 1, "hits": [{"file": "a.md", "excerpt": "图片由作者提供"}]}
    out = table({"demo": row, "broken": {"error": "no chapters found"}}, ("epubcheck",))
    assert "98.50%" in out and "0/2" in out and "broken: build failed: no chapters found" in out
    assert show({"demo": row}, "credits").splitlines() == ["== demo: 1 credits", "  a.md: 图片由作者提供"]


def test_build_warnings_count_each_item_of_a_group():
    from bench.corpus.run import warnings

    lines = ["note: no book.toml", "warning: a.md: empty article, left out of the book",
             "warning: 2 images missing, each drawn as a frame:", "    a.md:5: image not found: x.png",
             "    b.md:7: image not found: y.png", "wrote build/book.epub", "warning: c.md:1: odd"]
    assert warnings(lines) == ["warning: a.md: empty article, left out of the book",
                               "a.md:5: image not found: x.png", "b.md:7: image not found: y.png",
                               "warning: c.md:1: odd"]


# --- raw Markdown links: a link target after `](`, not an author's notation -------------------------

@pytest.mark.parametrize("html", [
    "<p>see [the docs](https://example.com/docs) here</p>",
    "<p>jump [up](#setup) first</p>",
    "<p>the figure [a](img/a.png) left</p>",
    "<p>next [part](../part-2.md) and on</p>",
    "<p>site [x](example.com/) kept</p>",
    "<p>mail [me](mailto:a@b.org)</p>",
    "<p>在我的上一篇文章](https://towardsdatascience.com/x/)中</p>",
])
def test_raw_markdown_link_to_a_target_counts(html):
    hits = markup.markdown_left(body(html))
    assert len(hits) == 1 and "link" in hits[0].split("]")[0]


@pytest.mark.parametrize("html", [
    "<p>参考分布 p[0](⋅)（例如高斯分布），然后代入 p[0](⋅) 的曲率</p>",
    "<p>f[k](x) ≡ P(X = x | Y = k)：对于目标类别 k</p>",
    "<p>the origin t[0](0.5) and a[i](j) are indices</p>",
    "<p>g[n](x.y) is a composed map</p>",
])
def test_authors_notation_is_no_raw_link(html):
    assert markup.markdown_left(body(html)) == []


# --- outros: calls to action only, not the author's conclusion --------------------------------------

@pytest.mark.parametrize("text", [
    "Connect with me on twitter, also on LinkedIn!",
    "Gain Access to Expert View — Subscribe to DDI Intel",
    "请保持关注，并关注我的 Medium。😁",
    "与我联系！",
    "订阅我们的时事通讯",
    "关注我在 Medium 上的账号，获取更新通知。我主要撰写关于 Rust 的文章。我通常每月发布一篇文章。",
    "如果有什么我说得不对的地方，欢迎在下面评论！如果你喜欢这篇文章，点击👏让更多的人可以看到它！请务必在 Medium 上关注我。",
])
def test_a_call_to_action_at_the_end_counts(text):
    hits = markup.link_card_outro(body(PROSE * 3 + f"<p>{text}</p>"))
    assert [h.split("]")[0] for h in hits] == ["[outro"]


@pytest.mark.parametrize("text", [
    "This brings us to the end of the article. I hope you've learned how to set up your Google Colab for "
    "Data Science projects and deep learning. If you found this article useful, do give some claps.",
    "我希望你明白这个主题，如果你有任何困惑，请告诉我，以便我可以用一些更具互动性的例子来更深入地解释它。"
    "更多类似的话题，请关注，如果你喜欢这些内容，请鼓掌。敬请期待！",
    "In this article we built a small pipeline and measured it; we will subscribe the consumer to the topic "
    "in the next part, where the real work begins.",
    "在本文中，我们试图在 Apache Camel 中创建可重用的路线。我们也试图了解一些关于阿帕奇骆驼的事情。",
    "This is my first ever article. Thanks to all who inspired me to do this. Connect with me on LinkedIn.",
])
def test_an_authors_conclusion_is_no_outro(text):
    assert markup.link_card_outro(body(PROSE * 3 + f"<p>{text}</p>")) == []


# --- lost passages: explained by a rule of --explain, or UNEXPLAINED ---------------------------------

EXPLAIN = """\
== a.md (chapter 1: 标题)
a.md:1  clean.title  first H1 is the chapter title (moved to metadata)
    | 标题
a.md:5  credits.line  credit for 图 1.1: 图片：莫兰 / Unsplash
    | 莫兰 在 Unsplash 上拍摄的照片
a.md:9  typography.punctuation  ASCII colon after Chinese -> ： (1x)
    | 第一步:读取数据 -> 第一步：读取数据
a.md:12  clean.title  title repeated in the body removed
    | 重复的标题文字
a.md:30  clean.outro  call to action at the end of the article removed
    | 在你走之前，在 Twitter 上关注我。
   clean.outro x1, clean.title x2, credits.line x1, typography.punctuation x1

== sub/b.md (chapter 2)
   nothing changed

"""


def test_parse_explain_reads_records_per_article():
    from bench.corpus.explained import parse_explain

    records = parse_explain(EXPLAIN)
    assert [r.rule for r in records["a.md"]] == ["clean.title", "credits.line", "typography.punctuation",
                                                 "clean.title", "clean.outro"]
    assert records["a.md"][1].text == "莫兰 在 Unsplash 上拍摄的照片"
    assert records["sub/b.md"] == [] and records["b.md"] == []


def _verdicts(src: str, out: str):
    from bench.corpus.explained import classify_all, parse_explain

    k = kept_in_order(src, out)
    return {k.letters[r.start:r.end]: v for r, v in classify_all(k, parse_explain(EXPLAIN)["a.md"])}


def test_a_removal_with_a_record_is_explained_by_its_rule():
    v = _verdicts("开头的一句正文。在你走之前，在 Twitter 上关注我。", "开头的一句正文。")
    assert v["在你走之前在twitter上关注我"].rule == "clean.outro" and v["在你走之前在twitter上关注我"].unexplained == 0


def test_a_credit_rewritten_into_the_caption_is_explained_by_the_credits_record():
    v = _verdicts("图下的说明文字。莫兰 在 Unsplash 上拍摄的照片。下一段正文。", "图下的说明文字。图片：莫兰 / Unsplash。下一段正文。")
    assert v and all(x.rule == "credits.line" and x.unexplained == 0 for x in v.values())


def test_a_loss_without_a_record_is_unexplained():
    v = _verdicts("第一句话讲的是背景。第二句话被构建丢掉了。第三句话是结论。", "第一句话讲的是背景。第三句话是结论。")
    assert [x.rule for x in v.values()] == ["UNEXPLAINED"] and v["第二句话被构建丢掉了"].unexplained == 10


def test_records_of_text_the_build_keeps_explain_nothing():
    # a typography window and the title's move hold these letters, but neither removes them
    v = _verdicts("前言一句。第一步:读取数据。后记一句。", "前言一句。后记一句。")
    assert [x.rule for x in v.values()] == ["UNEXPLAINED"]
    v = _verdicts("前言一句。重复的标题文字。后记一句。", "前言一句。后记一句。")
    assert [x.rule for x in v.values()] == ["clean.title"]  # the repeated title's removal explains it


def test_a_short_run_needs_its_neighbours_in_the_record():
    from bench.corpus.explained import Record, classify
    from bench.corpus.kept import Run

    credit = [Record("credits.line", "a.md:5", "credit", "莫兰 在 Unsplash 上拍摄的照片")]
    letters = "莫兰在unsplash上拍摄的照片"
    assert classify(Run(2, 3, 1, "在"), letters, credit).rule == "credits.line"
    prose = "我们在这里讨论模型"
    assert classify(Run(2, 3, 1, "在"), prose, credit).rule == "UNEXPLAINED"


def test_text_found_elsewhere_in_the_chapter_is_moved_not_lost():
    v = _verdicts("Alpha comes first in the list. Beta comes second in the list.",
                  "Beta comes second in the list. Alpha comes first in the list.")
    assert v and all(x.rule == "MOVED" and x.unexplained == 0 and x.moved for x in v.values())


# --- source prose: what is markup, not the author's letters -------------------------------------------

def test_markdown_prose_reads_fenced_code_verbatim_and_drops_list_numbers():
    md = ("1. 第一项\n2. 第二项\n\n```py\ncurl -X GET [http://h/a](http://h/a) <A>\n```</details> 后文\n\n"
          "3.标题没有空格\n")
    prose = markdown_prose(md)
    assert "py" not in prose and "curl -X GET [http://h/a](http://h/a) <A>" in prose
    assert "1." not in prose and "2." not in prose and "第一项" in prose and "3.标题" in prose
    assert "details" not in prose and "后文" in prose


def test_chapter_text_leaves_typeset_formulas_out():
    soup = BeautifulSoup('<html><body><section epub:type="chapter"><p>均值<math><mi>x</mi><mo>+</mo>'
                         "<mi>gamma</mi></math>之后</p></section></body></html>", "lxml")
    assert "gamma" not in ChapterDoc("c.xhtml", soup).text() and "之后" in ChapterDoc("c.xhtml", soup).text()


def test_table_shows_the_unexplained_column():
    from bench.corpus.__main__ import show, table

    row = {"chapters": 1, "kept": {"pct": 99.0, "hits": [
        {"file": "a.md", "excerpt": "在你走之前", "rule": "clean.outro"},
        {"file": "a.md", "excerpt": "第二句话被构建丢掉了", "rule": "UNEXPLAINED"}]},
        "unexplained": {"pct": 0.25, "passages": 1, "count": 1, "hits": []}, "warnings": {"count": 0, "hits": []}}
    for key in ("credits", "markdown", "code", "outro", "latex", "missing"):
        row[key] = {"count": 0, "hits": []}
    out = table({"demo": row}, ())
    assert "lost?" in out.splitlines()[0] and "1 0.25%" in out
    assert show({"demo": row}, "kept").splitlines()[1:] == ["  a.md: [clean.outro] 在你走之前",
                                                           "  a.md: [UNEXPLAINED] 第二句话被构建丢掉了"]


def test_a_long_unrelated_record_does_not_explain_a_sentence_in_small_pieces():
    from bench.corpus.explained import Record, classify
    from bench.corpus.kept import Run

    affiliate = [Record("clean.affiliate", "a.md:9", "affiliate list removed",
                        "the model then trained on more data is better than the first one we saw in the list")]
    letters = "ourmodelistrainedtwice"  # every 4-letter piece is in the record, the sentence is not
    v = classify(Run(0, len(letters), len(letters), "our model is trained twice"), letters, affiliate)
    assert v.rule == "UNEXPLAINED" and v.unexplained == len(letters)
    whole = "themodelthentrainedonmoredata"
    assert classify(Run(0, len(whole), len(whole), ""), whole, affiliate).rule == "clean.affiliate"


def test_english_sample_text_in_a_chinese_chapters_code_is_not_swallowed_prose():
    sample = ("<p>这段代码使用了一个提示，每个分块都可以自我解释，即使没有引用其他分块也一样。</p>"
              "<pre><code># Test it out\nresult = chain.invoke(\n    \"\"\"\n"
              "    On July 20, 1969, astronaut Neil Armstrong walked on the moon after a long trip.\n"
              "    He was leading the Apollo 11 mission that many people watched on television.\n"
              "    \"\"\"\n)</code></pre>")
    assert markup.code_swallowed_prose(body(sample)) == []
    english = sample.replace("<p>这段代码使用了一个提示，每个分块都可以自我解释，即使没有引用其他分块也一样。</p>",
                             "<p>This code uses a prompt from the hub, and each chunk explains itself.</p>")
    assert markup.code_swallowed_prose(body(english)) != []
