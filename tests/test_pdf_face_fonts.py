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
    """Widths or texts that disagree make a second font of the face, not one font a part."""
    parts = [("a", {1: 250.0}, {1: b"\x00x", 2: b"\x00a"}), ("b", {1: 250.0, 3: 500.0}, {1: b"\x00x"}),
             ("c", {1: 250.0}, {1: b"\x00y"}), ("d", {1: 250.0}, {1: b"\x00x", 4: b"\x00d"}), ("e", {1: 250.0}, {1: b"\x00y"})]
    groups = face_fonts._agreeing(parts)
    assert [members for members, _, _ in groups] == [["a", "b", "d"], ["c", "e"]]
    assert groups[0][1] == {1: 250.0, 3: 500.0} and groups[0][2] == {1: b"\x00x", 2: b"\x00a", 4: b"\x00d"}
    assert [m for m, _, _ in face_fonts._agreeing([("x", {1: 250.0}, {}), ("y", {1: 300.0}, {})])] == [["x"], ["y"]]


def test_a_space_glyph_read_as_two_spaces_keeps_one_font_reading_u0020():
    """A 50-article book's body face: its space glyph read U+0020 in some parts, U+00A0 in
    another (WeasyPrint maps a glyph to the last text drawn with it), and the face kept two fonts.
    Spaces agree; the glyph then reads U+0020. Any other text still disagrees."""
    space, nbsp, thin = b"\x00 ", b"\x00\xa0", b"\x20\x09"
    parts = [("a", {1: 250.0}, {1: nbsp, 2: b"\x00a"}), ("b", {1: 250.0}, {1: space}), ("c", {1: 250.0}, {1: nbsp}),
             ("d", {1: 250.0}, {1: thin}), ("e", {1: 250.0}, {1: b"\x00e"})]
    groups = face_fonts._agreeing(parts)
    assert [members for members, _, _ in groups] == [["a", "b", "c", "d"], ["e"]]
    assert groups[0][2] == {1: space, 2: b"\x00a"}
    alone = face_fonts._agreeing([("a", {1: 250.0}, {1: nbsp}), ("c", {1: 250.0}, {1: nbsp})])
    assert alone[0][2] == {1: nbsp}  # parts that agree keep their text as it is


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


def test_a_colour_font_is_one_font_of_empty_glyphs_for_the_book(tmp_path):
    """Noto Color Emoji in two parts: WeasyPrint rewrote its subset with fontTools in each part
    (0.05 s, and a font object each: ten in a 50-article book); now the join makes one subset of
    the glyphs of both, its images taken out (the page draws them), and the parts share one font
    whose text is each emoji."""
    import io

    from fontTools.ttLib import TTFont
    from weasyprint import HTML

    from pipeline.emit.pdf import weasyprint_patches

    if "font_subsets" not in weasyprint_patches.wanted():
        pytest.skip(weasyprint_patches.summary())
    if "Emoji" not in subprocess.run(["fc-match", "Noto Color Emoji"], capture_output=True, text=True).stdout:
        pytest.skip("Noto Color Emoji is not installed")
    weasyprint_patches.install(["font_subsets"], tmp_path)
    try:
        book = pikepdf.new()
        parts = []
        for i, text in enumerate(("🎯 aim 🔥", "💡 idea 🎯")):
            html = f'<p style="font: 20pt \'Noto Serif\', \'Noto Color Emoji\'">{text}</p>'
            (tmp_path / f"{i}.pdf").write_bytes(HTML(string=html).write_pdf())
            parts.append(pikepdf.open(tmp_path / f"{i}.pdf"))
            book.pages.extend(parts[-1].pages)
        shared_fonts.share(book, shared_fonts.folder_of(tmp_path))
        face_fonts.merge(book)
        book.save(tmp_path / "book.pdf")
    finally:
        weasyprint_patches.install((), tmp_path)
    with pikepdf.open(tmp_path / "book.pdf") as pdf:
        emoji = [f for f in _fonts(pdf) if "Emoji" in str(f.BaseFont)]
        assert len(emoji) == 1, [str(f.BaseFont) for f in _fonts(pdf)]
        program = TTFont(io.BytesIO(emoji[0].DescendantFonts[0].FontDescriptor.FontFile2.read_bytes()))
        assert not {"CBDT", "CBLC", "SVG ", "COLR"} & set(program.keys())
        glyf = program["glyf"]
        assert all(glyf[name].numberOfContours == 0 for name in program.getGlyphOrder())
    text = _text(tmp_path / "book.pdf")
    assert "🎯 aim 🔥" in text and "💡 idea 🎯" in text
    page = subprocess.run(["pdftoppm", "-r", "40", "-f", "2", "-l", "2", "-png", str(tmp_path / "book.pdf")],
                          capture_output=True, check=True).stdout
    from PIL import Image

    colours = Image.open(io.BytesIO(page)).convert("RGB").getcolors(1 << 16)
    assert any(max(c) - min(c) > 80 for _, c in colours)  # the emoji drawn in colour, not empty
