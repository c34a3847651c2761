"""Typography stage: the space between Han and Latin letters or digits (the same text in the EPUB
and the PDF), no space beside full-width punctuation, code never touched. Golden cases in
tests/golden/typography/<case>/{in.html,out.html}; PRESSROOM_REGEN=1 rewrites them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import BookConfig, TypographyOptions
from pipeline.model import Chapter
from pipeline.stages import StageContext, typography
from goldens import assert_golden

GOLDEN = Path(__file__).parent / "golden" / "typography"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "in.html").exists())


def chapter(html: str) -> Chapter:
    return Chapter(Path("in.html"), "in.html", 1, BeautifulSoup(f"<html><body>{html}</body></html>", "lxml"))


def run(html: str, language="zh-CN", **options) -> Chapter:
    ch = chapter(html)
    cfg = BookConfig(title="t", language=language, typography=TypographyOptions(**options))
    typography.run(ch, StageContext(cfg, Path("."), Path("/nonexistent")))
    return ch


def case(name: str) -> Chapter:
    folder = GOLDEN / name
    opts = json.loads((folder / "options.json").read_text()) if (folder / "options.json").exists() else {}
    lang = opts.pop("language", "zh-CN")
    return run((folder / "in.html").read_text(encoding="utf-8"), lang, **opts)


@pytest.mark.parametrize("name", CASES)
def test_golden(name):
    got = case(name).body.decode_contents().strip() + "\n"
    out = GOLDEN / name / "out.html"
    assert_golden(got, out)


def test_spacing_is_idempotent():
    for name in CASES:
        once = case(name).body.decode_contents()
        assert run(once).body.decode_contents() == run(run(once).body.decode_contents()).body.decode_contents()


def test_code_text_is_never_changed():
    src = '<pre><code>x=用Python("中文 ，")</code></pre><p>a<code>b用c</code>d</p>'
    ch = run(src)
    assert [c.get_text() for c in ch.body.find_all("code")] == ['x=用Python("中文 ，")', "b用c"]


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="用中文ab1 ，。（）Z9%", max_size=40))
def test_only_spaces_change(text):
    """The stage adds or removes spaces and nothing else; and never leaves Han touching Latin."""
    out = typography.space_text(text)
    assert out.replace(" ", "") == text.replace(" ", "").replace("\u00a0", "").replace("\u3000", "") or \
        out.replace(" ", "") == text.replace(" ", "")
    import re
    assert not re.search(r"[用中文][ab1Z9]|[ab1Z9%][用中文]", out)


def test_every_punctuation_change_is_logged_with_its_line():
    ch = run('<p data-src-line="7">他说:好,走吧!</p><p data-src-line="9">e.g. 3.14 不变</p>')
    logged = [(d.rule, d.line, d.message) for d in ch.diagnostics if d.rule == "typography.punctuation"]
    assert {m.split(" (")[0] for _, _, m in logged} == {
        "ASCII colon after Chinese -> ：", "ASCII comma after Chinese -> ，", "ASCII exclamation mark after Chinese -> ！"}
    assert {line for _, line, _ in logged} == {7}
    assert all("他说:好" in d.text and "他说：好" in d.text for d in ch.diagnostics if d.line == 7)


def test_punctuation_switched_off_leaves_ascii():
    assert run("<p>他说:好,走吧!</p>", cjk_punctuation=False).body.p.get_text() == "他说:好,走吧!"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='用中文ab1 ,.:;!?()"\'。！）（-…—“', max_size=40))
def test_punctuation_changes_only_marks_and_spaces(text):
    """Letters, digits and Han pass through in order; only marks and spaces change."""
    from pipeline.stages.cjk_punctuation import punctuate_text
    out = punctuate_text(text)
    keep = lambda s: [c for c in s if c.isalnum()]  # noqa: E731
    assert keep(out) == keep(text)
    assert punctuate_text(out) == out  # a second run changes nothing
    spaced = typography.space_text(out)  # nor after the spacing that follows it
    assert typography.space_text(punctuate_text(spaced)) == spaced


def test_title_and_subtitle_get_the_same_rules_and_are_logged():
    ch = chapter("<p>正文。</p>")
    ch.meta.update(title="推荐系统:机器学习最有价值的应用(上)", subtitle="用Python写,很快", author="A:B")
    cfg = BookConfig(title="t", language="zh-CN")
    typography.run(ch, StageContext(cfg, Path("."), Path("/nonexistent")))
    assert ch.meta["title"] == "推荐系统：机器学习最有价值的应用（上）"
    assert ch.meta["subtitle"] == "用 Python 写，很快"
    assert ch.meta["author"] == "A:B"
    assert sum("chapter title" in d.message or "chapter subtitle" in d.message for d in ch.diagnostics) == 2
