"""The structure stage: chapter-unique ids, outline, notes, figure references, valid URLs."""
from __future__ import annotations

from PIL import Image

from pipeline.build import process_chapter
from pipeline.config import BookConfig
from pipeline.stages import StageContext
from pipeline.stages.structure import valid_url


def _chapter(tmp_path, text: str, number: int = 2):
    (tmp_path / "img").mkdir(exist_ok=True)
    Image.new("RGB", (30, 20), "navy").save(tmp_path / "img" / "a.png")
    path = tmp_path / "a.md"
    path.write_text(text, encoding="utf-8")
    config = BookConfig(title="T", language="zh-CN", source_dir=tmp_path)
    ctx = StageContext(config=config, source_dir=tmp_path.resolve(), cache_dir=(tmp_path / "cache").resolve())
    return process_chapter(path, "a.md", number, number, ctx)


def test_figure_references_link_to_the_figure(tmp_path):
    ch = _chapter(tmp_path, "# 标题\n\n正文开头，介绍本章的内容。\n\n![一张图](img/a.png)\n\n一张图\n\n"
                  "这一段比较长，是作者的正文而不是图注：如图 2.1 所示，数据管道占了大部分时间；图 2.9 不存在，图 3.1 在别的章里。\n")
    refs = ch.body.select("a.figure-ref")
    assert [a.get_text() for a in refs] == ["图 2.1"]
    assert refs[0]["href"] == "#" + ch.body.find("figure")["id"]
    assert ch.body.find("figure")["id"].startswith("ch002-")


def test_ids_are_chapter_unique_and_footnotes_are_epub_notes(tmp_path):
    ch = _chapter(tmp_path, "# T\n\nOpening text of the chapter.\n\n## Section\n\nText with a note.[^1]\n\n## Another\n\nMore.\n\n[^1]: The note.\n")
    ids = [t["id"] for t in ch.body.find_all(id=True)]
    assert ids and all(i.startswith("ch002-") for i in ids)
    assert ch.headings[0]["id"].startswith("ch002-") and ch.headings[0]["text"] == "Section"
    assert ch.body.select_one('a[epub\\:type="noteref"]') is not None
    assert ch.body.select_one('aside[epub\\:type="footnote"]') is not None


def test_valid_url():
    assert valid_url("http://x.com/doc/#page/a.html#") == "http://x.com/doc/#page/a.html%23"
    assert valid_url("https://a.com/a b?x=1") == "https://a.com/a%20b?x=1"
    assert valid_url("#ch001-fn1") == "#ch001-fn1"
