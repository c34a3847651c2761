"""One font object per face (emit/pdf/face_fonts.py): the book's PDF lists each face once, its
fonts stay embedded, and the text extracted is the same as before the merge."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pikepdf
import pytest

from pipeline.emit.pdf import face_fonts, shared_fonts


def _fonts(pdf: pikepdf.Pdf) -> list:
    return list({font.objgen: font for _, _, font in face_fonts._uses(pdf)}.values())


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_the_default_book_carries_each_face_once(default_book):
    out, result = default_book
    pdf_path = next(p for p in result.outputs if p.suffix == ".pdf")
    with pikepdf.open(pdf_path) as pdf:
        fonts = _fonts(pdf)
        names = [str(f.BaseFont) for f in fonts]
        assert len(names) == len(set(names)) >= 4, names  # 21 font objects for 6 faces before
        for font in fonts:
            desc = font.DescendantFonts[0].FontDescriptor
            assert "/FontFile2" in desc or "/FontFile3" in desc  # embedded
            assert "/ToUnicode" in font  # extractable


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext (poppler-utils) is not installed")
def test_merging_keeps_the_text_of_every_part(default_book, tmp_path):
    """The default book's laid-out parts, put in one PDF with their subsets shared (as the join
    does), give the same text with their fonts merged as without, from fewer font objects."""
    out, _ = default_book
    work = out / ".cache" / "pdf"
    book, sources = pikepdf.new(), []
    for part in sorted((work / "parts").glob("*.pdf")):
        sources.append(pikepdf.open(part))  # open until saved: streams are copied as the book is written
        book.pages.extend(sources[-1].pages)
    shared_fonts.share(book, shared_fonts.folder_of(work))
    book.save(tmp_path / "apart.pdf")
    before = len(_fonts(book))
    merged = face_fonts.merge(book)
    book.save(tmp_path / "merged.pdf")
    with pikepdf.open(tmp_path / "merged.pdf") as again:
        after = len(_fonts(again))
    assert merged > 0 and after == before - merged
    assert _text(tmp_path / "merged.pdf") == _text(tmp_path / "apart.pdf")


def test_widths_and_text_maps_read_back_as_written():
    w = {1: 256.0, 2: 300.0, 3: 310.5, 40: 1000.0}
    assert face_fonts.widths(face_fonts._w_array(w)) == w
    assert face_fonts.widths(pikepdf.Array([5, 7, 500, 9, pikepdf.Array([1, 2])])) == {5: 500, 6: 500, 7: 500, 9: 1, 10: 2}
    text = {0x9cc7: "这".encode("utf-16-be"), 0x0001: b"\x00 ", 0x00ff: "fi".encode("utf-16-be")}
    assert face_fonts.to_unicode(face_fonts.cmap(text)) == text
    ranged = b"1 beginbfrange\n<0010> <0012> <0041>\nendbfrange\n"
    assert face_fonts.to_unicode(ranged) == {0x10: b"\x00A", 0x11: b"\x00B", 0x12: b"\x00C"}
    assert face_fonts.to_unicode(b"1 beginbfrange\n<0010> <0011> [<0041> <0042>]\nendbfrange\n") is None


def test_fonts_that_disagree_on_a_glyph_stay_apart():
    assert face_fonts._united([{1: b"a"}, {1: b"a", 2: b"b"}]) == {1: b"a", 2: b"b"}
    assert face_fonts._united([{1: b"a"}, {1: b"b"}]) is None
