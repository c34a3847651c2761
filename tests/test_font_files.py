"""Font files kept for the join (pipeline/emit/pdf/weasyprint_patches/font_subsets.py): written by a
thread while the layout goes on, once each, whole when `written()` returns, errors raised there."""
from __future__ import annotations

import os

import pytest

from pipeline.emit.pdf.weasyprint_patches import font_subsets


def test_a_font_file_is_written_aside_once_and_whole_when_the_join_asks(tmp_path):
    data = os.urandom(8 << 20)
    path = tmp_path / "fonts" / "k"
    font_subsets._keep_font(path, data)
    font_subsets._keep_font(path, data)  # a second part with the same face: not written twice
    assert font_subsets.kept(path)  # a part laid out meanwhile may name it
    assert len(font_subsets._state["writing"]) == 1
    font_subsets.written()
    assert path.read_bytes() == data and not font_subsets._state["writing"]
    assert [p.name for p in path.parent.iterdir()] == ["k"]  # no temporary file left beside it
    font_subsets._keep_font(path, data)  # kept already: nothing to write
    assert not font_subsets._state["writing"]


def test_a_font_file_that_cannot_be_written_fails_the_join(tmp_path):
    (tmp_path / "fonts").write_text("a file where the folder should be")
    font_subsets._keep_font(tmp_path / "fonts" / "k", b"font")
    with pytest.raises(OSError):
        font_subsets.written()
    assert not font_subsets._state["writing"]
