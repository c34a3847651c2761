"""Clean stage: golden files per rule (tests/golden/clean/<case>/{in.md|in.html, options.json,
out.html}), rule switches, the explain report, and the whole shared corpus.

PRESSROOM_REGEN=1 rewrites the goldens (review the diff before committing)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import BookConfig, CleanOptions
from pipeline.explain import format_explain
from pipeline.stages.clean._dom import split_sentences
from pipeline.load import load_chapter
from pipeline.model import PressroomError
from pipeline.stages import StageContext, clean
from goldens import assert_golden

GOLDEN = Path(__file__).parent / "golden" / "clean"
CASES = sorted(p.name for p in GOLDEN.iterdir() if any(p.glob("in.*")))
CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def context(lang="zh-CN", **clean_opts) -> StageContext:
    cfg = BookConfig(title="t", language=lang, clean=CleanOptions(**clean_opts))
    return StageContext(cfg, Path("."), Path("/nonexistent-cache"), offline=True)


def run_file(path: Path, lang: str, rel: str | None = None, **clean_opts):
    ch = load_chapter(path, rel or f"golden/{path.parent.name}/{path.name}", 1)
    clean.run(ch, context(lang, **clean_opts))
    return ch


def render(ch) -> str:
    """What a golden records: the metadata, whether the chapter is left out, and the body."""
    body = BeautifulSoup(ch.body.decode_contents(), "lxml")
    for tag in body.find_all(attrs={"data-src-line": True}):
        del tag["data-src-line"]
    inner = body.body.decode_contents() if body.body else ""
    head = json.dumps({"meta": ch.meta, "omitted": ch.omitted}, ensure_ascii=False, sort_keys=True, indent=1)
    return f"<!-- {head} -->\n{inner.strip()}\n"


def golden_case(case: str):
    folder = GOLDEN / case
    src = next(folder.glob("in.*"))
    opts = json.loads((folder / "options.json").read_text()) if (folder / "options.json").exists() else {}
    lang = opts.get("language") or ("en" if case.startswith("en-") else "zh-CN")
    return run_file(src, lang, **opts.get("clean", {}))


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    ch = golden_case(case)
    out = GOLDEN / case / "out.html"
    got = render(ch)
    assert_golden(got, out)


@pytest.mark.parametrize("case", CASES)
def test_clean_is_idempotent(case):
    """Running the stage again on its own output changes nothing and logs no removal."""
    ch = golden_case(case)
    before = ch.body.decode_contents()
    n = len(ch.diagnostics)
    clean.run(ch, context("en" if case.startswith("en-") else "zh-CN"))
    assert ch.body.decode_contents() == before
    assert [d for d in ch.diagnostics[n:] if "removed" in d.message or d.level == "error"] == []


# ------------------------------------------------------------------ what the goldens must show
def body_text(ch) -> str:
    return re.sub(r"\s+", " ", ch.body.get_text(" "))


def test_source_line_becomes_metadata():
    ch = golden_case("zh-source-line-older-converter")
    assert ch.meta["original_url"] == "https://towardsdatascience.com/seven-habits-1234abcd"
    assert "原文" not in body_text(ch)
    ch = golden_case("zh-source-line-2025-code-link-and-promotion")
    assert ch.meta["original_url"] == "https://towardsdatascience.com/how-to-build-retrieval/"
    assert "订阅" not in body_text(ch) and "检索系统由索引" in body_text(ch)


def test_source_line_title_is_kept_and_shown_in_the_opener(tmp_path):
    """`> [为什么…](url)`: the link's words are the original's title; they stay, in the chapter opener."""
    ch = golden_case("zh-source-line-link-text-is-a-title")
    assert ch.meta["original_title"] == "为什么 Python 开发者值得看看 Rust"
    fired = [d for d in ch.diagnostics if d.rule == "clean.provenance"]
    assert fired and "original_title" in fired[0].message and "值得看看 Rust" in fired[0].text
    assert "original_title" not in golden_case("zh-source-line-link-text-repeats-title").meta
    assert "original_title" not in golden_case("zh-source-line-2025-code-link-and-promotion").meta
    from conftest import pressroom
    import zipfile
    (tmp_path / "src" / "chapters").mkdir(parents=True)
    (tmp_path / "src" / "chapters" / "a.md").write_text(
        (GOLDEN / "zh-source-line-link-text-is-a-title" / "in.md").read_text(encoding="utf-8"), encoding="utf-8")
    done = pressroom("build", "--source", tmp_path / "src", "--out", tmp_path / "out", "--format", "epub",
                     "--offline")
    assert done.returncode == 0, done.stderr
    with zipfile.ZipFile(next((tmp_path / "out").glob("*.epub"))) as z:
        page = next(z.read(n).decode() for n in z.namelist() if n.endswith("ch001.xhtml"))
    opener = BeautifulSoup(page, "lxml").find(class_="chapter-source")
    assert "为什么 Python 开发者值得看看 Rust" in opener.get_text() and opener.find("cite") is not None


def test_title_subtitle_outline():
    ch = golden_case("zh-title-subtitle-and-outline")
    assert ch.meta["title"] == "成为工程师的真相"
    assert ch.meta["subtitle"].startswith("研究通用智能")
    levels = [(h.name, h.get_text()) for h in ch.body.find_all(re.compile("^h[1-6]$"))]
    assert levels == [("h2", "1. 使用深度学习"), ("h3", "跳过了一级的小标题"), ("h3", "一个二级标题"),
                      ("h2", "2. 学习理论")]
    ch = golden_case("zh-h2-sections-not-subtitle")
    assert "subtitle" not in ch.meta and len(ch.body.find_all("h2")) == 2


def test_mid_article_twitter_mentions_stay():
    ch = golden_case("en-twitter-mention-mid-article-stays")
    text = body_text(ch)
    assert "Follow the data" in text and "Follow me on this journey" in text
    assert "Please reach out to the Twitter API team" in text
    assert not [d for d in ch.diagnostics if d.rule == "clean.outro"]


def test_outro_removed_mixed_paragraph_kept():
    ch = golden_case("zh-outro-thanks-share-and-mixed-paragraph")
    text = body_text(ch)
    assert "我试图用完全不同的例子" in text and "P.S." in text
    assert "请分享给你的朋友" not in text and "关注我的" not in text
    ch = golden_case("zh-outro-before-you-go")
    assert "在你走之前" not in body_text(ch) and "我在 Twitter 上看到一个讨论" in body_text(ch)


@pytest.mark.parametrize("case, line, shape, removed", [
    ("en-link-card-end-inside-subtitle-heading", 5, "over several blocks", "A short guide to melt and pivot"),
    ("zh-link-card-without-host-tail", 5, "over several blocks", "从缺失值到重复行"),
    ("zh-link-card-without-empty-link", 5, "over several blocks", "如何挑选对模型最有用的特征"),
    ("zh-link-card-collapsed-into-heading", 5, "one line", "用 pandas 计算移动平均"),
    ("en-link-card-hugo-converter", 5, "Hugo converter", "A small dashboard for screening stocks"),
])
def test_link_card_shapes_are_logged_with_line_and_text(case, line, shape, removed):
    fired = [d for d in golden_case(case).diagnostics if d.rule == "clean.link-cards"]
    assert fired and fired[0].line == line and shape in fired[0].message and removed in fired[0].text


def test_pseudo_tags_keep_the_sources_case_and_closers():
    """List<Integer> stays in its case (and Box<Data> is no <data> element); a closer written mid-block
    stays as text; the lower-case closers a converter stacked at the end of a block go, each logged
    with its text (so nothing leaves silently)."""
    ch = golden_case("zh-markup-pseudo-tags-case-and-closers")
    text = body_text(ch)
    assert "List<Integer>" in text and "Map<String, List<Number>>" in text and "List<? extends Number>" in text
    assert "<item> 要以 </item> 结尾" in text and "<your password>" in text
    assert "List <integer>& List <number>" in text and "<pattern>和<text>" in text
    assert "Box<Data> 和 </Data> 都照原样保留" in text
    assert "</number>" not in text and "</pattern>" not in text
    dropped = [d.text for d in ch.diagnostics if d.rule == "clean.markup" and "converter stacked" in d.message]
    assert sorted(dropped) == ["</integer>", "</number></integer>", "</text></pattern>"]
    assert "List<Integer> 与转换器写的 List <integer>，放在同一段。" in text
    assert all(d.line for d in ch.diagnostics if d.rule in ("clean.markup", "load.type-name"))


def test_link_card_rule_never_takes_an_authors_heading_or_paragraph():
    ch = golden_case("zh-link-card-must-not-fire-real-headings")
    assert not [d for d in ch.diagnostics if d.rule == "clean.link-cards"]
    assert len(ch.body.find_all("h2")) == 2 and "这是我写的一段说明" in body_text(ch)


def test_before_you_go_section_goes_only_when_it_holds_calls_to_action():
    for case in ("zh-outro-before-you-go-variants", "en-outro-before-you-leave-bold-paragraph"):
        ch = golden_case(case)
        assert not re.search("离开之前|Before you leave|关注我|follow me", body_text(ch), re.I), case
        assert any(d.rule == "clean.outro" and "heading" in d.message for d in ch.diagnostics), case
    for case in ("zh-outro-before-you-go-heading-with-real-content-stays",
                 "zh-outro-before-you-go-paragraph-with-real-content-stays"):
        ch = golden_case(case)
        assert "之前" in body_text(ch) and not [d for d in ch.diagnostics if d.rule == "clean.outro"], case


def test_empty_article_is_left_out_with_a_warning():
    ch = golden_case("zh-empty-article")
    assert ch.omitted
    assert any(d.level == "warning" and d.rule == "clean.empty" for d in ch.diagnostics)


def test_sanitized_body_is_safe():
    ch = golden_case("en-sanitize-html-and-footnotes")
    html = ch.body.decode_contents()
    for bad in ("<script", "<style", "<iframe", "<form", "<input", "onclick", "style="):
        assert bad not in html
    ids = [t["id"] for t in ch.body.find_all(id=True)]
    assert len(ids) == len(set(ids))
    assert ch.body.find("details") is not None and ch.body.find("section", class_="footnotes") is not None
    assert ch.body.find(attrs={"data-src-line": True}) is not None


def test_every_change_is_logged_with_a_line():
    ch = golden_case("zh-affiliate-list-in-code-fence")
    fired = [d for d in ch.diagnostics if d.rule == "clean.affiliate"]
    assert {d.line for d in fired} == {5, 7, 11}
    assert all(d.file == "golden/zh-affiliate-list-in-code-fence/in.md" for d in fired)
    assert any("imp.i115008.net" in d.text for d in fired)


# ------------------------------------------------------------------ switches and config
def test_each_rule_can_be_turned_off():
    src = GOLDEN / "zh-outro-before-you-go" / "in.md"
    on = run_file(src, "zh-CN")
    off = run_file(src, "zh-CN", disable=["outro"])
    assert "在你走之前" not in body_text(on) and "在你走之前" in body_text(off)
    assert not [d for d in off.diagnostics if d.rule == "clean.outro"]
    everything = run_file(src, "zh-CN", disable=list(clean.RULE_NAMES))
    assert everything.diagnostics == []


def test_unknown_rule_name_is_refused():
    src = GOLDEN / "zh-outro-before-you-go" / "in.md"
    with pytest.raises(PressroomError, match="unknown rule 'outros'"):
        run_file(src, "zh-CN", disable=["outros"])


def test_bad_user_pattern_is_refused():
    src = GOLDEN / "zh-outro-before-you-go" / "in.md"
    with pytest.raises(PressroomError, match="drop_patterns"):
        run_file(src, "zh-CN", drop_patterns=["(unclosed"])


def test_rules_are_named_and_ordered():
    assert clean.RULE_NAMES[0] == "medium-export" and clean.RULE_NAMES[-1] == "sanitize"
    assert len(set(clean.RULE_NAMES)) == len(clean.RULES)
    assert "must" not in (clean.run.__doc__ or "x").lower() or clean.run.__doc__


# ------------------------------------------------------------------ explain
def test_explain_lists_rule_line_and_removed_text():
    ch = golden_case("zh-outro-before-you-go")
    report = format_explain([ch])
    assert report.startswith("== golden/zh-outro-before-you-go/in.md (chapter 1: 机器学习在现实世界)")
    assert "golden/zh-outro-before-you-go/in.md:9  clean.outro" in report
    assert "| 在 Twitter 上关注我" in report
    lines = [ln for ln in report.splitlines() if "  clean." in ln]
    nums = [int(re.search(r":(\d+)  ", ln).group(1)) for ln in lines if re.search(r":(\d+)  ", ln)]
    assert nums == sorted(nums)


def test_explain_marks_omitted_and_quiet_chapters():
    ch = golden_case("zh-empty-article")
    assert "[left out of the book]" in format_explain([ch])
    quiet = golden_case("en-source-quote-not-at-top-stays")
    quiet.diagnostics.clear()
    assert "nothing changed" in format_explain([quiet])


# ------------------------------------------------------------------ properties
WORDS = st.text(alphabet=st.sampled_from(list("数据科学模型训练特征abcdefgh xyz，。")), min_size=8, max_size=60)


@settings(max_examples=40, deadline=None)
@given(st.lists(WORDS.filter(lambda s: s.strip(" ，。")), min_size=1, max_size=6))
def test_ordinary_paragraphs_survive(tmp_path_factory, paras):
    folder = tmp_path_factory.mktemp("p")
    src = folder / "a.md"
    src.write_text("# 标题\n\n" + "\n\n".join(p.strip() for p in paras) + "\n", encoding="utf-8")
    ch = run_file(src, "zh-CN")
    got = re.sub(r"\s+", "", body_text(ch))
    for p in paras:
        assert re.sub(r"\s+", "", p) in got


MARKUP = st.lists(st.sampled_from([
    "# 标题", "## Before you go", "Follow me on [Twitter](https://twitter.com/x?s=20)", "> 原文：<https://a.b/c?utm_source=x>",
    "<mdspan datatext='x'>文本</mdspan>", "<pattern>", "</div>", "<script>alert(1)</script>", "* * *", "---",
    "[](https://medium.com/p/x) [## 卡片", "### 副标题", "medium.com](https://medium.com/p/x)", "**", "****",
    "![H](img/h.png) Hello", "```\n**x**\n```", "<a href='javascript:x'>j</a>", "[x](/@u/p)", "正文段落。", "<p></p>",
    "[^1]", "[^1]: 注", "- [Course](https://imp.i115008.net/c/1) [Course]", "<details><summary>s</summary>", "|a|b|\n|-|-|\n|1|2|",
]), min_size=0, max_size=12)


@settings(max_examples=60, deadline=None)
@given(MARKUP)
def test_any_mix_of_web_markup_cleans_without_error(tmp_path_factory, parts):
    src = tmp_path_factory.mktemp("m") / "a.md"
    src.write_text("开头。\n\n" + "\n\n".join(parts) + "\n", encoding="utf-8")  # no front matter
    ch = run_file(src, "zh-CN")
    html = ch.body.decode_contents()
    assert "<script" not in html and "javascript:" not in html and "<mdspan" not in html
    ids = [t["id"] for t in ch.body.find_all(id=True)]
    assert len(ids) == len(set(ids))
    assert all(d.rule.startswith("clean.") for d in ch.diagnostics)


# ------------------------------------------------------------------ the shared corpus
def corpus_files():
    if not CORPUS.is_dir():
        return []
    return (sorted(CORPUS.glob("*/docs/*.md")) + sorted(CORPUS.glob("medium-html/*/*.html"))
            + sorted(CORPUS.glob("medium-md-en/*/content/blog/*.md")))


def _norm(s: str) -> str:
    """Text for comparison: addresses (rewritten by the link rules) and tag-like tokens (turned
    back into text by the markup rule) left out, spaces and emphasis markers ignored."""
    s = re.sub(r"</?[A-Za-z@/][^<>]{0,200}>", "", s)
    s = re.sub(r"(https?://|/javarevisited/|/@)[!-~]+", "", s)
    return re.sub(r"[\s*_`\u200b\u00a0\[\]()]+", "", s)


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not present (../shared/corpus)")
def test_corpus_no_cruft_and_nothing_lost_silently():
    files = corpus_files()
    assert files
    problems = []
    for f in files:
        lang = "en" if "medium-md-en" in str(f) or "medium-html" in str(f) else "zh-CN"
        before = load_chapter(f, f.name, 1)
        paragraphs = [(_norm(p.get_text(" ")), [_norm(s) for s in split_sentences(p.get_text(" "))])
                      for p in before.body.find_all("p")
                      if len(_norm(p.get_text(""))) >= 20 and not p.find_parent(["blockquote", "footer", "header"])]
        ch = run_file(f, lang, rel=f.name)
        html = ch.body.decode_contents()
        text = ch.body.get_text(" ")
        for bad, where in (("原文：", text), ("utm_", html), ("source=collection_archive", html),
                           ("[##", text), ("medium.com](", text), ("Exported from Medium", text),
                           ("</javarevisited/", text), ("<mdspan", html), ("<script", html),
                           ("imp.i115008.net", html), ("linksynergy", html), ("pxf.io", html)):
            if bad in where:
                problems.append(f"{f.name}: {bad!r} left")
        got = _norm(text)
        logged = _norm(" ".join(d.text for d in ch.diagnostics))
        for p, sentences in paragraphs:  # whole, or each sentence kept or cut with a record (outro)
            if p not in got and p not in logged and not ch.omitted \
                    and not all(s in got or s in logged for s in sentences):
                problems.append(f"{f.name}: paragraph lost without an explanation: {p[:60]}")
        assert ch.meta.get("title"), f.name
        if "medium-md-en" not in str(f) and not ch.omitted:
            assert ch.meta.get("original_url", "").startswith("https://"), f.name
    assert problems == [], "\n".join(problems)


def test_sizes_that_are_not_whole_numbers_are_dropped():
    """An article's `<img height="#top" width="50%">` or `<td colspan="auto">`: XHTML takes only a
    non-negative integer there (EPUBCheck RSC-005 fails the book), so such a value goes; "640" stays."""
    from pipeline.stages.clean.sanitize import _attribute_filter

    assert _attribute_filter("img", "height", "#top") is None
    assert _attribute_filter("img", "width", "50%") is None
    assert _attribute_filter("td", "colspan", "auto") is None
    assert _attribute_filter("img", "width", " 640 ") == "640"
