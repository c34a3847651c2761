"""Incremental builds: cached, parallel and serial builds give the same bytes; an edit redoes
only its chapter; an image that appears is picked up; nothing changed means nothing done."""
from __future__ import annotations

from PIL import Image

from pipeline.build import build

TOML = 'title = "Cache"\nlanguage = "en"\nauthors = ["A"]\nidentifier = "cache-test"\ndate = "2026-01-01"\n'


def _book(tmp_path):
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "book.toml").write_text(TOML)
    for i in range(4):
        (book / "chapters" / f"{i}.md").write_text(f"# Chapter {i}\n\nSome text for chapter {i}.\n\n![A chart](img/c{i}.png)\n\nMore text.\n")
    return book


def test_cached_and_parallel_builds_equal_a_serial_cold_build(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = _book(tmp_path)
    cold = build(book, tmp_path / "serial", ("epub",), jobs=1).outputs[0].read_bytes()
    parallel = build(book, tmp_path / "parallel", ("epub",), jobs=2)
    assert parallel.outputs[0].read_bytes() == cold
    (tmp_path / "parallel" / "book.epub").unlink()  # force the book to be written again, from the cache
    warm = build(book, tmp_path / "parallel", ("epub",), jobs=2)
    assert warm.timings["cache.hits"] == 4
    assert warm.outputs[0].read_bytes() == cold


def test_nothing_changed_does_nothing_and_an_edit_redoes_one_chapter(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = _book(tmp_path)
    out = tmp_path / "out"
    first = build(book, out, ("epub",), jobs=1)
    assert first.book is not None
    again = build(book, out, ("epub",), jobs=1)
    assert again.up_to_date and again.book is None
    assert any("image not found" in n for n in again.notes)  # the warnings are repeated
    with (book / "chapters" / "2.md").open("a") as f:
        f.write("\nAn edit.\n")
    edited = build(book, out, ("epub",), jobs=1)
    assert edited.timings["cache.hits"] == 3


def test_an_image_that_appears_is_picked_up(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = _book(tmp_path)
    out = tmp_path / "out"
    first = build(book, out, ("epub",), jobs=1)
    assert all(f.missing for ch in first.book.chapters for f in ch.figures)
    (book / "chapters" / "img").mkdir()
    Image.new("RGB", (40, 30), "teal").save(book / "chapters" / "img" / "c1.png")
    second = build(book, out, ("epub",), jobs=1)
    figures = {ch.number: ch.figures[0] for ch in second.book.chapters}
    assert not figures[2].missing and figures[1].missing


def test_pdf_parallel_cached_and_incremental_builds_equal_a_serial_cold_build(tmp_path, monkeypatch):
    """The PDF is laid out part by part: whichever parts come from the cache or a pool, the
    joined book has the bytes of a serial cold build, also after an edit that adds pages."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = _book(tmp_path)
    cold = build(book, tmp_path / "serial", ("pdf",), jobs=1).outputs[0].read_bytes()
    out = tmp_path / "parallel"
    assert build(book, out, ("pdf",), jobs=2).outputs[0].read_bytes() == cold
    (out / "book.pdf").unlink()
    warm = build(book, out, ("pdf",), jobs=2)
    # the four chapters, the front matter (its contents' numbers stamped), the samples of their
    # digits, the stamps of the running heads and folios
    assert warm.timings["pdf.parts.cache.hits"] == 7 and warm.outputs[0].read_bytes() == cold
    pages = warm.book.page_count
    with (book / "chapters" / "2.md").open("a") as f:  # two more pages: the chapters after it move
        f.write("\n\n".join(f"Paragraph {i} of a longer chapter, with enough words to fill its lines." * 3
                            for i in range(60)))
    edited = build(book, out, ("pdf",), jobs=2)
    # the edited chapter alone laid out again: the contents' new numbers are stamps
    assert edited.timings["pdf.parts.cache.hits"] == 6 and edited.book.page_count > pages
    assert not (out / ".cache" / "pdf" / "front").exists()
    fresh = build(book, tmp_path / "fresh", ("pdf",), jobs=1)
    assert edited.outputs[0].read_bytes() == fresh.outputs[0].read_bytes()


def test_a_font_gone_from_the_cache_lays_its_parts_out_again(tmp_path, monkeypatch):
    """The parts' PDFs name the font files kept in the cache (pdf_fonts); without them the parts
    are laid out again, and the book is the same."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = _book(tmp_path)
    out = tmp_path / "out"
    first = build(book, out, ("pdf",), jobs=1).outputs[0].read_bytes()
    fonts = list((out / ".cache" / "pdf" / "fonts").iterdir())
    assert fonts
    for f in fonts:
        f.unlink()
    again = build(book, out, ("pdf",), jobs=1, force=True)
    # the first part looked up finds its fonts gone and is laid out again, which keeps them once
    # more: a part looked up after it may then be taken from the cache (of the seven, at most six:
    # four chapters, the front matter, the samples of the contents' digits, the stamps)
    assert again.timings["pdf.parts.cache.hits"] < 7
    assert again.outputs[0].read_bytes() == first


def test_parallel_rebuild_redoes_an_edited_chapter_and_one_whose_image_changed(tmp_path, monkeypatch):
    """With workers: the edited chapter goes to them at once, the one whose kept entry is stale (its
    image changed) after the kept entries are read; the book equals a serial cold build's."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = _book(tmp_path)
    (book / "chapters" / "img").mkdir()
    Image.new("RGB", (40, 30), "teal").save(book / "chapters" / "img" / "c1.png")
    out = tmp_path / "out"
    build(book, out, ("epub",), jobs=2)
    with (book / "chapters" / "2.md").open("a") as f:
        f.write("\nAn edit.\n")
    Image.new("RGB", (60, 30), "orange").save(book / "chapters" / "img" / "c1.png")
    rebuilt = build(book, out, ("epub",), jobs=2)
    assert rebuilt.timings["cache.hits"] == 2
    assert rebuilt.outputs[0].read_bytes() == build(book, tmp_path / "serial", ("epub",), jobs=1).outputs[0].read_bytes()


def test_an_empty_article_left_out_renumbers_the_rest_in_parallel_as_in_serial(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = _book(tmp_path)
    (book / "chapters" / "1.md").write_text("\n\n")
    parallel = build(book, tmp_path / "parallel", ("epub",), jobs=2)
    assert [ch.number for ch in parallel.book.chapters] == [1, 2, 3]
    assert any(d.rule == "clean.empty" for d in parallel.book.diagnostics)
    serial = build(book, tmp_path / "serial", ("epub",), jobs=1)
    assert parallel.outputs[0].read_bytes() == serial.outputs[0].read_bytes()
