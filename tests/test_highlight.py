"""Highlight stage: the language from the fence; a `py` fence that is plainly shell, SQL or JSON
highlighted as what it is (logged); a missing language guessed (logged); the author's code text
never changed. Golden cases in tests/golden/highlight/<case>/{in.html,out.html,log.txt};
PRESSROOM_REGEN=1 rewrites them."""
from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.config import BookConfig
from pipeline.model import Chapter
from pipeline.stages import StageContext, highlight
from goldens import assert_golden

GOLDEN = Path(__file__).parent / "golden" / "highlight"
CASES = sorted(p.name for p in GOLDEN.iterdir() if (p / "in.html").exists())
CTX = StageContext(BookConfig(title="t", language="zh-CN"), Path("."), Path("/nonexistent"))


def run(html: str) -> Chapter:
    ch = Chapter(Path("in.html"), "in.html", 1, BeautifulSoup(f"<html><body>{html}</body></html>", "lxml"))
    highlight.run(ch, CTX)
    return ch


@pytest.mark.parametrize("name", CASES)
def test_golden(name):
    src = (GOLDEN / name / "in.html").read_text(encoding="utf-8")
    ch = run(src)
    got = ch.body.decode_contents().strip() + "\n"
    log = "".join(f"{d.level} {d.rule}: {d.message}\n" for d in ch.diagnostics)
    for file, text in (("out.html", got), ("log.txt", log)):
        path = GOLDEN / name / file
        assert_golden(text, path, name, file)
    # the text of the code is the author's, whatever was added
    before = BeautifulSoup(src, "lxml").get_text()
    assert ch.body.get_text().strip() == before.strip()


def test_fence_language_wins_and_is_recorded():
    ch = run('<pre><code class="language-rust">fn main() { let x = 1; }</code></pre>')
    code = ch.body.find("code")
    assert code["data-lang"] == "rust" and "hl" in ch.body.find("pre")["class"]
    assert not ch.diagnostics


def test_py_fence_that_is_python_stays_python_even_when_it_looks_like_shell():
    ch = run('<pre><code class="language-py">import os\nos.system("pip install x")\n</code></pre>')
    assert ch.body.find("code")["data-lang"] == "python"
    assert not [d for d in ch.diagnostics if d.rule == "highlight.corrected"]


def test_every_guess_is_logged():
    ch = run("<pre><code>import numpy as np\nx = np.arange(10)\nprint(x.mean())\n</code></pre>")
    assert [d.rule for d in ch.diagnostics] == ["highlight.guess"]
    assert ch.body.find("code")["data-lang"] == "python"


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"), max_size=120),
       st.sampled_from(["", "language-py", "language-bash", "language-sql", "language-nope"]))
def test_code_text_never_changes(text, cls):
    from html import escape
    attr = f' class="{cls}"' if cls else ""
    ch = run(f"<pre><code{attr}>{escape(text)}</code></pre>")
    want = BeautifulSoup(f"<pre><code>{escape(text)}</code></pre>", "lxml").get_text()
    assert ch.body.find("pre").get_text() == want


def test_a_block_highlighted_before_comes_from_the_cache_with_its_log(tmp_path, monkeypatch):
    """The second time, no lexer runs: the same spans, the same data-lang, the same guess logged."""
    ctx = StageContext(BookConfig(title="t", language="zh-CN"), Path("."), tmp_path)
    html = ("<pre><code>import numpy as np\nx = np.arange(10)\nprint(x.mean())\n</code></pre>"
            '<pre><code class="language-py">pip install pandas\n</code></pre>')

    def once():
        ch = Chapter(Path("in.html"), "in.html", 1, BeautifulSoup(f"<html><body>{html}</body></html>", "lxml"))
        highlight.run(ch, ctx)
        return ch.body.decode_contents(), [(d.rule, d.message, d.line) for d in ch.diagnostics]

    first = once()
    assert "hl" in first[0] and [r for r, _, _ in first[1]] == ["highlight.guess", "highlight.corrected"]
    monkeypatch.setattr(highlight, "highlighted", lambda *a: (_ for _ in ()).throw(AssertionError("not cached")))
    assert once() == first
