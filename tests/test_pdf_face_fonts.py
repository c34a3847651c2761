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
    from pipeline.emit.pdf import weasyprint_patches

    if "font_subsets" not in weasyprint_patches.wanted():  # each part keeps WeasyPrint's own subset of a
        pytest.skip(weasyprint_patches.summary())  # face: one font object a part (make test-upstream's run)
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


def test_fonts_that_disagree_on_a_glyph_go_to_a_second_font_not_one_each():
    """A 50-article book's body face: its space glyph read U+0020 in some parts, U+00A0 in another;
    the face then kept one font a part (52). Now: one font for those that agree, one for the rest."""
    space, nbsp = b"\x00 ", b"\x00\xa0"
    parts = [("a", {1: 250.0}, {1: space, 2: b"\x00a"}), ("b", {1: 250.0, 3: 500.0}, {1: space}),
             ("c", {1: 250.0}, {1: nbsp}), ("d", {1: 250.0}, {1: space, 4: b"\x00d"}), ("e", {1: 250.0}, {1: nbsp})]
    groups = face_fonts._agreeing(parts)
    assert [members for members, _, _ in groups] == [["a", "b", "d"], ["c", "e"]]
    assert groups[0][1] == {1: 250.0, 3: 500.0} and groups[0][2] == {1: space, 2: b"\x00a", 4: b"\x00d"}
    assert [m for m, _, _ in face_fonts._agreeing([("x", {1: 250.0}, {}), ("y", {1: 300.0}, {})])] == [["x"], ["y"]]


def _cjk_face() -> tuple[bytes, int]:
    """The Noto Serif CJK SC collection and the face's index, as fontconfig finds it."""
    found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", "Noto Serif CJK SC"], capture_output=True, text=True)
    lines = found.stdout.splitlines()
    if found.returncode or len(lines) != 2 or "CJK" not in lines[0]:
        pytest.skip("Noto Serif CJK SC is not installed")
    return Path(lines[0]).read_bytes(), int(lines[1])


def test_a_cjk_face_is_embedded_as_a_bare_cff_of_its_glyphs_found_by_cid():
    """shared_fonts.compact_cff(): only the glyphs used, each found by its CID (= the original glyph
    id, which the parts' text names) with the original's outline; not 65,535 glyph slots."""
    from io import BytesIO

    from fontTools.cffLib import CFFFontSet
    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    data, index = _cjk_face()
    gids = [1, 35, 37, 1000, 20000, 40000]
    made = shared_fonts.compact_cff(data, index, gids, hinting=False, missing=False)
    assert made is not None and made[:1] == b"\x01"  # a CFF, not an OpenType font
    cff = CFFFontSet()
    cff.decompile(BytesIO(made), None)
    small = cff[cff.fontNames[0]]
    assert len(small.charset) < 20  # the glyphs asked for, .notdef (and no alternates)
    original = TTFont(BytesIO(data), fontNumber=index, lazy=True)
    whole = original["CFF "].cff.topDictIndex[0].CharStrings
    outlines = 0
    for g in gids:
        name = f"cid{g:05d}"
        assert original.getGlyphName(g) == name  # the CID the text names is the original glyph id
        drawn = []
        for charstring in (whole[name], small.CharStrings[name]):
            pen = RecordingPen()
            charstring.draw(pen)
            drawn.append(pen.value)
        assert drawn[0] == drawn[1]  # the same outline (subroutines expanded)
        outlines += bool(drawn[0])
    assert outlines >= 4  # (cid 1 is the space)
    assert len(made) < 20_000


def test_a_font_whose_glyphs_are_not_found_by_their_ids_keeps_its_glyph_ids():
    """compact_cff() refuses what it cannot be sure of: a font that is no CID-keyed CFF whose CIDs
    are its glyph ids (here a TrueType face) gets None, so share() keeps WeasyPrint's subset."""
    found = subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True, text=True)
    if found.returncode or not found.stdout.endswith(".ttf"):
        pytest.skip("no TrueType DejaVu Sans")
    data = Path(found.stdout).read_bytes()
    assert shared_fonts.compact_cff(data, 0, [1, 36, 37], hinting=False, missing=False) is None
