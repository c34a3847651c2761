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


def _config_with(tmp_path, body: str):
    (tmp_path / "book.toml").write_text(f'title = "T"\n{body}\n', encoding="utf-8")
    return load_config(tmp_path)[0]


@pytest.mark.parametrize("written, digits", [
    ("978-0-306-40615-7", "9780306406157"),  # ISBN-13 with hyphens
    ("978 0 306 40615 7", "9780306406157"),  # and spaces
    ("0-306-40615-2", "9780306406157"),  # ISBN-10, made ISBN-13
    ("0-8044-2957-X", "9780804429573"),  # ISBN-10 whose check digit is X
])
def test_isbn_is_kept_as_isbn13_digits(tmp_path, written, digits):
    cfg = _config_with(tmp_path, f'isbn = "{written}"')
    assert cfg.isbn == digits and cfg.isbn_urn == f"urn:isbn:{digits}"


@pytest.mark.parametrize("written, says", [
    ("978-0-306-40615-8", "'isbn' '978-0-306-40615-8' has a wrong check digit: it ends in '8', the digits before it "
                          "call for '7' (check for a mistyped digit)"),
    ("0-306-40615-3", "'isbn' '0-306-40615-3' has a wrong check digit: it ends in '3', the digits before it call "
                      "for '2' (check for a mistyped digit)"),
    ("978-0-306-4O615-7", "'isbn' '978-0-306-4O615-7' is not an ISBN: 'O' is not a digit"),
    ("978-0-306-4061", "'isbn' '978-0-306-4061' has 11 characters without hyphens and spaces; an ISBN has 13 digits"),
    ("977-0-306-40615-7", "'isbn' '977-0-306-40615-7' is not an ISBN-13: it must begin with 978 or 979"),
])
def test_bad_isbn_names_line_and_what_is_wrong(tmp_path, written, says):
    with pytest.raises(PressroomError) as e:
        _config_with(tmp_path, f'language = "en"\nisbn = "{written}"')
    assert f"book.toml:3: {says}" in str(e.value), str(e.value)


def test_series_subjects_and_stores(tmp_path):
    cfg = _config_with(tmp_path, 'series = "Field Notes"\nseries_index = 2\nsubjects = ["COM004000", "Data"]\n'
                                 'stores = ["kdp", "kobo"]')
    assert (cfg.series, cfg.series_index, cfg.subjects, cfg.stores) == ("Field Notes", 2.0, ["COM004000", "Data"],
                                                                         ["kdp", "kobo"])
    with pytest.raises(PressroomError) as e:
        _config_with(tmp_path, 'stores = ["kdp", "nook"]')
    assert str(e.value).endswith("book.toml:2: 'stores' names an unknown store 'nook'; known stores: kdp, apple, kobo, google")
    with pytest.raises(PressroomError) as e:
        _config_with(tmp_path, 'series_index = 1.5')
    assert "book.toml:2: 'series_index' is set but 'series' is not" in str(e.value)
    with pytest.raises(PressroomError) as e:
        _config_with(tmp_path, 'series = "S"\nseries_index = "two"')
    assert str(e.value).endswith("book.toml:3: 'series_index' must be a number, not 'two'")
