"""The book's CJK face as a small TrueType font that ziamath can read, for Chinese in formulas.

ziafont (ziamath's font reader) reads neither a `.ttc` collection nor a CID-keyed CFF font, and
Noto Serif CJK (the text face of the print edition) is both. `face_for(chars)` takes the face out
of its collection with only the characters asked for (a book's formulas need a few dozen), by
HarfBuzz's subsetter (uharfbuzz: 0.03 s, where fontTools' took 0.4 s to read the whole face's
cmap and CFF), turns the cubic CFF outlines of that small font into TrueType quadratics
(fontTools' cu2qu, within 1 unit of 1000), and keeps the file in the cache by the characters'
hash: once per set, then a read.
"""
from __future__ import annotations

import hashlib
import io
import subprocess
from pathlib import Path

from ..cache import write_atomic

FACE = "Noto Serif CJK SC:style=Regular"
DROPPED = ("GSUB", "GPOS", "GDEF", "BASE", "JSTF", "vhea", "vmtx", "VORG", "DSIG")  # tables ziafont does not read


def _installed() -> tuple[str, int] | None:
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", FACE],
                               capture_output=True, text=True, timeout=30).stdout.split("\n")
    except (OSError, subprocess.SubprocessError):
        return None
    if len(found) < 2 or "CJK" not in found[0]:
        return None
    return found[0], int(found[1] or 0)


def _as_truetype(font) -> None:
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, {}
    for name in order:
        pen = TTGlyphPen(None)
        glyphs[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyf[name] = pen.glyph()
    font["glyf"], font["loca"] = glyf, newTable("loca")
    for table in ("CFF ", "VORG"):
        if table in font:
            del font[table]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for name in ("maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, name, 0)
    maxp.maxZones = 1
    post = font["post"]
    post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
    font["head"].indexToLocFormat = 0
    font["head"].glyphDataFormat = 0
    font.sfntVersion = "\x00\x01\x00\x00"


def _subset(path: str, index: int, chars: str) -> bytes:
    """The face at `index` of the font file `path` with only `chars` (and .notdef drawn), its
    CFF outlines without subroutines, no layout tables (ziamath sets a formula's text glyph by glyph)."""
    import uharfbuzz as hb

    face = hb.Face(hb.Blob.from_file_path(path), index)
    asked = hb.SubsetInput()
    asked.unicode_set.update(ord(c) for c in chars)
    asked.flags = hb.SubsetFlags.DESUBROUTINIZE | hb.SubsetFlags.NOTDEF_OUTLINE
    asked.drop_table_tag_set.update(int.from_bytes(tag.encode("ascii"), "big") for tag in DROPPED)
    return hb.subset(face, asked).blob.data


def face_for(chars: str, cache: Path) -> Path | None:
    """A TrueType file of the CJK face with (at least) `chars`, or None when the face is not installed
    or has none of them."""
    chars = "".join(sorted(set(chars)))
    target = cache / f"cjk-{hashlib.sha256(chars.encode()).hexdigest()[:16]}.ttf"
    if target.is_file():
        return target
    where = _installed()
    if where is None:
        return None
    from fontTools.ttLib import TTFont

    font = TTFont(io.BytesIO(_subset(*where, chars)))
    if not font.getBestCmap():  # the face has none of them: no face (they are named by svg.missing())
        return None
    _as_truetype(font)
    data = io.BytesIO()
    font.save(data)
    write_atomic(target, data.getvalue())
    return target
