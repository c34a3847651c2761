"""Markdown loader: what CommonMark would print raw, read as the author meant it (load/cjk.py,
load/markdown_repair.py). Goldens in tests/golden/load/<case>/{in.md,out.html} (the loaded body);
the rules each case must log are listed in LOGGED. PRESSROOM_REGEN=1 rewrites the goldens."""
from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from bs4 import XMLParsedAsHTMLWarning
from conftest import corpus_folder
from goldens import assert_golden
from markdown_it import MarkdownIt

from pipeline.load.markdown import MD, load_markdown

GOLDEN = Path(__file__).parent / "golden" / "load"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "in.md").exists())

# case -> the load.* rules it must log (and no others)
LOGGED = {
    "type-names-in-angle-brackets-are-text": {"load.type-name"},
    "zh-converter-lower-case-type-names-and-stacked-closers": {"load.type-name"},
    "zh-bold-after-full-width-colon": {"load.cjk-emphasis"},
    "zh-bold-after-ascii-colon": {"load.cjk-emphasis"},
    "zh-bold-after-full-width-bracket-and-stop": {"load.cjk-emphasis"},
    "zh-italics-after-full-width-punctuation": {"load.cjk-emphasis"},
    "zh-emphasis-mixed-with-english": {"load.cjk-emphasis"},
    "en-emphasis-unchanged": set(),
    "zh-soft-line-break-between-ideographs": set(),
    "fence-closed-on-a-line-with-html-and-image": {"load.fence-trailer", "load.html-trailer", "load.cjk-emphasis"},
    "fence-nested-and-info-string-not-a-trailer": set(),
    "code-span-holding-only-a-link-or-image": {"load.code-span-link"},
    "code-span-with-code-around-a-link-stays-code": set(),
    "html-block-followed-by-markdown-on-its-line": {"load.html-trailer"},
    "link-broken-by-translation": {"load.broken-link", "load.broken-link-encoded", "load.punctuation-link"},
}


def load(path: Path):
    return load_markdown(path.read_text(encoding="utf-8"), path, f"golden/{path.parent.name}/in.md", 1)


def test_every_case_says_what_it_logs():
    assert set(CASES) == set(LOGGED)


@pytest.mark.parametrize("case", CASES)
def test_golden(case):
    ch = load(GOLDEN / case / "in.md")
    assert_golden(ch.body.decode_contents(), GOLDEN / case / "out.html", case)


@pytest.mark.parametrize("case", CASES)
def test_logged(case):
    ch = load(GOLDEN / case / "in.md")
    assert {d.rule for d in ch.diagnostics if d.rule.startswith("load.")} == LOGGED[case]
    assert all(d.line for d in ch.diagnostics), [str(d) for d in ch.diagnostics]


def _plain_text(ch) -> str:
    body = ch.body
    for code in body.find_all(["pre", "code"]):
        code.decompose()
    return body.get_text()


@pytest.mark.parametrize("case", [c for c in CASES if c.startswith("zh-")])
def test_no_asterisks_left_in_chinese_cases(case):
    assert "*" not in _plain_text(load(GOLDEN / case / "in.md"))


def test_markdown_left_raw_is_read():
    for case in ("fence-closed-on-a-line-with-html-and-image", "html-block-followed-by-markdown-on-its-line",
                 "code-span-holding-only-a-link-or-image", "link-broken-by-translation"):
        text = _plain_text(load(GOLDEN / case / "in.md"))
        # Markdown inside an HTML element stays raw, as CommonMark says (not a trailer)
        text = text.replace("with a [link](x) inside the element", "", 1)
        for raw in ("](", "![", "**", "```"):
            assert raw not in text, (case, raw)


def test_fence_trailer_keeps_lines_and_code():
    ch = load(GOLDEN / "fence-closed-on-a-line-with-html-and-image" / "in.md")
    pres = ch.body.find_all("pre")
    assert [p.get_text() for p in pres] == ["library(ggplot2)\n", "x <- 1\n", "y = 2\n"]
    image = ch.body.find("img", src="img/plot.png")
    assert image is not None and image.find_parent("pre") is None
    assert image.find_parent(attrs={"data-src-line": True})["data-src-line"] == "5"
    assert ch.body.find("strong").find_parent("p")["data-src-line"] == "13"


def test_code_that_holds_a_link_stays_code():
    ch = load(GOLDEN / "code-span-with-code-around-a-link-stays-code" / "in.md")
    assert [c.get_text() for c in ch.body.find_all("code")] == ['foo([a](b))', 'x = "[a](b)"', "[a](b) + 1"]
    assert ch.body.find("a") is None


def test_broken_links_keep_their_text():
    ch = load(GOLDEN / "link-broken-by-translation" / "in.md")
    text = _plain_text(ch)
    for kept in ("完全初学者 Java 教程(免费)", "这本书。很好", "the slides", "projects.", "link"):
        assert kept in text
    assert [a["href"] for a in ch.body.find_all("a")] == ["https://example.org/My%20Slides.pdf",
                                                          "https://example.org/a"]
    dropped = {d.text for d in ch.diagnostics if d.rule in ("load.broken-link", "load.punctuation-link")}
    assert "http://Java Tutorial for Complete Beginners(FREE)" in dropped
    assert "[.](https://bit.ly/2I8jkWV.)" in dropped


ENGLISH = [
    "*foo bar*", "a * foo bar*", "a*\"foo\"*", "foo*bar*", "5*6*78", "_foo bar_", "foo_bar_", "*foo*bar",
    "**foo bar**", "** foo bar**", "a**\"foo\"**", "foo**bar**", "__foo bar__", "foo__bar__", "**foo \"*bar*\" foo**",
    "*(**foo**)*", "**Gomphocarpus (*Gomphocarpus physocarpus*, syn.\n*Asclepias physocarpa*)**", "a**b:**c",
    "**Note:**text", "~~gone~~ stays", "line one\nline two", "`[a](b)` x", "[a](https://x.org/a b)",
]


@pytest.mark.parametrize("text", ENGLISH)
def test_english_reads_as_commonmark(text):
    """Text with no CJK character: the same HTML as the library's CommonMark parser, except the
    two repairs that change English on purpose (a code span holding only a link, a broken link)."""
    plain = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    plain.validateLink = lambda url: True
    ours, theirs = MD.render(text), plain.render(text)
    if text.startswith(("`[a](b)`", "[a](https://x.org/a b)")):
        assert ours != theirs
    else:
        assert ours == theirs


# ------------------------------------------------------------------ the corpus (skipped when absent)

def _count(folder: Path, mark: str, parser=None) -> int:
    total = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        for p in sorted(folder.glob("*.md")):
            text = p.read_text(encoding="utf-8")
            if parser is None:
                total += _plain_text(load_markdown(text, p, p.name, 1)).count(mark)
            else:
                from bs4 import BeautifulSoup
                total += _plain_text(type("C", (), {"body": BeautifulSoup(parser.render(text), "lxml")})()).count(mark)
    return total


@pytest.mark.parametrize("name", ["tds-zh-2025", "medium-zh-javarevisited"])
def test_corpus_fewer_asterisks(name):
    folder = corpus_folder(name)
    plain = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    before, after = _count(folder, "**", plain), _count(folder, "**")
    assert after < before * 0.8, (before, after)


def test_corpus_power_analysis_code_ends_at_its_fence():
    folder = corpus_folder("tds-zh-2025")
    path = next(folder.glob("*power-analysis-in-marketing*.md"), None)
    if path is None:
        pytest.skip("power-analysis-in-marketing is not in this corpus")
    ch = load_markdown(path.read_text(encoding="utf-8"), path, path.name, 1)
    openers = sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("```py"))
    assert len(ch.body.find_all("pre")) == openers
    assert ch.body.find_all("p")[-1].find_parent("pre") is None
    assert "```" not in _plain_text(ch)


def test_type_names_logged_and_converter_closers_removed_with_their_text():
    """`List <address>…。</section></address>`: the names come back as text, the closers the
    converter stacked at the end go, and both are logged with the line and the exact text."""
    ch = load(GOLDEN / "zh-converter-lower-case-type-names-and-stacked-closers" / "in.md")
    logged = [(d.line, d.message.split(" ")[0], d.text) for d in ch.diagnostics if d.rule == "load.type-name"]
    assert (1, "closing", "</time></data>") in logged and (3, "closing", "</section></address>") in logged
    assert (5, "a", "<section> </section>") in logged
    text = ch.body.get_text()
    assert "List <data>& List <time>" in text and "</data>" not in text and "以 </section> 结束" in text
    assert ch.body.find("time", attrs={"datetime": True}) is not None and ch.body.find("b") is not None


def test_cjk_emphasis_counts_only_what_commonmark_refused():
    """`**线性回归（OLS）**是` and `**到此为止。**下一` close only by the CJK rule; `（**重要**）` and
    `「**引号**」` are emphasis for CommonMark already and are not counted."""
    ch = load(GOLDEN / "zh-bold-after-full-width-bracket-and-stop" / "in.md")
    (d,) = [d for d in ch.diagnostics if d.rule == "load.cjk-emphasis"]
    assert d.message.startswith("2 run(s)") and d.line == 1
