"""Small books without the pool (emit/pdf/parts.py: `one_process()`): a book whose chapters' sources
are under SMALL_BOOK bytes is laid out in the build's own process and a twin forked from it
(`pipeline.pools.TwinPool`; with `--jobs 1`, in the build's process alone) and joined in the
build's process, with no fork server, no pool and no join process, and gives the same bytes as
the pooled path."""
from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from conftest import ROOT

POOL, ONE = "0", str(10**9)  # PRESSROOM_SMALL_BOOK: every book pooled, every book in one process

# a fresh interpreter builds the PDF and says whether it started the PDF workers' fork server
SCRIPT = """
import json, sys
import multiprocessing.forkserver as forkserver
from pipeline import pools
from pipeline.cli import main
from pipeline.pools import stop_fork_server
twins = []
start = pools.TwinPool._start
pools.TwinPool._start = lambda self: (twins.append(1), start(self))[1]
code = main(sys.argv[1:])
started = forkserver._forkserver._forkserver_pid is not None
stop_fork_server()
print(json.dumps({"code": code, "fork_server": started,
                  "pool": "concurrent.futures.process" in sys.modules, "twin": bool(twins)}))
"""


def _one_article(folder: Path) -> Path:
    """A one-article Chinese book with a figure (a PNG prepared for print) and a link."""
    (folder / "chapters" / "img").mkdir(parents=True)
    buf = io.BytesIO()
    Image.new("RGB", (480, 300), (200, 120, 40)).save(buf, "PNG")
    (folder / "chapters" / "img" / "chart.png").write_bytes(buf.getvalue())
    paras = "\n\n".join(f"第 {i} 段 🚀：机器学习工程师的日常工作包括数据清洗、特征工程和模型部署，"
                        f"这些工作往往比训练模型本身更耗时。Python 与 SQL 是最常用的工具。" * 3 for i in range(12))
    (folder / "chapters" / "01-article.md").write_text(
        f"# 一篇文章\n\n{paras}\n\n![图表](img/chart.png)\n\n图：一张图表\n\n## 小结\n\n"
        "更多内容见 [原文](https://example.org/article)。\n", encoding="utf-8")
    (folder / "book.toml").write_text('title = "一篇"\nauthors = ["作者"]\nlanguage = "zh-CN"\ndate = "2024-02-29"\n'
                                      'chapters_glob = "chapters/*.md"\n', encoding="utf-8")
    return folder


def _build(book: Path, out: Path, small: str, jobs: str = "2") -> tuple[str, dict]:
    """The book's PDF (its hash) and how it was laid out. No SOURCE_DATE_EPOCH: the time stamps
    follow the book's date (or the default book's last commit), which the build sets once it
    has read the book: a process started before (the pool's join) must be given it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PRESSROOM_SMALL_BOOK": small}
    env.pop("SOURCE_DATE_EPOCH", None)
    proc = subprocess.run([sys.executable, "-c", SCRIPT, "build", "--source", str(book), "--out", str(out),
                           "--format", "pdf", "--jobs", jobs], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    state = json.loads(proc.stdout.strip().splitlines()[-1])
    assert state["code"] == 0, proc.stderr
    pdf = next(out.glob("*.pdf"))
    return hashlib.sha256(pdf.read_bytes()).hexdigest(), state


@pytest.mark.parametrize("which", ["default-book", "one-article"])
def test_one_process_and_pool_give_the_same_bytes(which, tmp_path):
    if which == "default-book":
        book = tmp_path / "book"
        shutil.copytree(ROOT / "source", book)
    else:
        book = _one_article(tmp_path / "book")
    pooled, pool_state = _build(book, tmp_path / "pooled", POOL)
    twins, twin_state = _build(book, tmp_path / "twins", ONE)
    alone, one_state = _build(book, tmp_path / "alone", ONE, jobs="1")
    assert pool_state["fork_server"] and pool_state["pool"]  # the pooled path: workers and a join process
    assert not twin_state["fork_server"] and not twin_state["pool"]  # no fork server, no pool at all
    assert twin_state["twin"] and not one_state["twin"]
    assert not one_state["fork_server"] and not one_state["pool"]
    assert twins == pooled
    assert alone == pooled


def test_the_default_threshold_takes_the_default_book_in_one_process(tmp_path):
    """Without PRESSROOM_SMALL_BOOK the decision is by the chapters' bytes: the default book
    (under 10 KB of sources) is small; a book over SMALL_BOOK is not."""
    from pipeline.config import load_config
    from pipeline.emit.pdf import parts

    env = os.environ.pop("PRESSROOM_SMALL_BOOK", None)
    try:
        config, _ = load_config(ROOT / "source")
        assert parts.one_process(config)
        big = _one_article(tmp_path / "big")
        chapter = big / "chapters" / "01-article.md"
        text = chapter.read_text(encoding="utf-8")
        chapter.write_text(text * (parts.SMALL_BOOK // len(text.encode()) + 1), encoding="utf-8")
        config, _ = load_config(big)
        assert not parts.one_process(config)
    finally:
        if env is not None:
            os.environ["PRESSROOM_SMALL_BOOK"] = env
