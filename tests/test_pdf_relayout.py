"""pdf_relayout: a part laid out again after a figure moved keeps the pages before the first one
that changed, and is the same, byte for byte, as the part laid out again in full."""
from __future__ import annotations

import pytest

from pipeline.build import build
from pipeline.emit.pdf.weasyprint_patches import relayout as pdf_relayout
from test_house_style import make_book  # chapter two: a figure too tall for the page it comes on


def test_a_part_laid_out_from_its_kept_pages_is_the_part_laid_out_in_full(tmp_path, monkeypatch):
    from pipeline.emit.pdf import weasyprint_patches

    if "relayout" not in weasyprint_patches.wanted():
        pytest.skip(weasyprint_patches.summary())  # every layout is a full one: nothing kept to compare
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for variant, trim in (("screen", "A5"), ("print", "6in 9in")):
        src = make_book(tmp_path / variant, variant, trim)
        kept = []
        keep = pdf_relayout.keep
        with monkeypatch.context() as m:
            m.setattr(pdf_relayout, "keep", lambda pages: kept.append((pages, keep(pages))) or kept[-1][1])
            seeded = build(src, tmp_path / variant / "seeded", ("pdf",), jobs=1)
        assert kept and all(ok for _, ok in kept) and min(p for p, _ in kept) > 0, kept  # pages were kept
        assert any(d.rule == "pdf.figure-placed" for d in seeded.book.diagnostics)
        with monkeypatch.context() as m:
            m.setattr(pdf_relayout, "keep", lambda pages: False)
            full = build(src, tmp_path / variant / "full", ("pdf",), jobs=1)
        assert seeded.outputs[0].read_bytes() == full.outputs[0].read_bytes()


def test_nothing_is_kept_without_a_noted_layout():
    pdf_relayout.record(False)
    assert pdf_relayout.keep(3) is False
