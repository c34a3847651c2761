from __future__ import annotations

import dataclasses

import pytest

from pipeline.config import BookConfig, load_config
from pipeline.model import PressroomError


def test_default_book_config_is_typed_and_frozen():
    from conftest import ROOT

    cfg, notes = load_config(ROOT / "source")
    assert cfg.language == "zh-CN" and cfg.is_cjk and notes == []
    assert cfg.pdf.trim == "6in 9in" and cfg.images.max_side == 1600
    with pytest.raises(dataclasses.FrozenInstanceError):
        cfg.title = "x"


def test_identifier_is_a_stable_urn():
    a = BookConfig(title="T", identifier="my-book")
    assert a.urn == BookConfig(title="Other", identifier="my-book").urn
    assert a.urn.startswith("urn:uuid:")
    assert BookConfig(title="T", identifier="urn:isbn:9780000000000").urn == "urn:isbn:9780000000000"


def test_chapter_glob_fallback_is_in_name_order(tmp_path):
    (tmp_path / "chapters").mkdir()
    for name in ("b.md", "a.md", "c.html", "notes.txt"):
        (tmp_path / "chapters" / name).write_text("# x\n")
    (tmp_path / "book.toml").write_text('title = "T"\n')
    cfg, _ = load_config(tmp_path)
    assert [p.name for p in cfg.chapter_files()] == ["a.md", "b.md", "c.html"]


def test_language_detected_without_book_toml(tmp_path):
    (tmp_path / "a.md").write_text("# 标题\n\n这是一篇中文文章，讲的是机器学习。\n", encoding="utf-8")
    cfg, notes = load_config(tmp_path)
    assert cfg.language == "zh-CN" and not cfg.from_file and notes


def test_wrong_type_in_stage_table_names_key_and_line(tmp_path):
    (tmp_path / "book.toml").write_text('title = "T"\n\n[images]\nmax_side = "big"\n')
    with pytest.raises(PressroomError) as e:
        load_config(tmp_path)
    assert str(e.value).endswith("book.toml:4: [images] 'max_side' must be an integer, not 'big'")
