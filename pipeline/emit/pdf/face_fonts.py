"""Step 5 (after `shared_fonts.share()`, in the join): one font object per face for the whole book.
Takes the joined PDF; changes its font resources, never its text or its drawing.

`shared_fonts.share()` gives every part's font descriptor of a face the same embedded subset, but
each part still brings its own font dictionaries (Type0, CIDFont, descriptor, widths `/W`,
`/ToUnicode`): `pdffonts` listed the default book's 6 faces as 21 fonts, and a reader loads the
same font program once per part. `merge()` makes one Type0 font of each face: the fonts that embed
byte-identical programs (the same glyph ids) with Identity-H are joined, their widths and their
ToUnicode maps united, and every page's and form's resource points at that one. Fonts whose widths
or text of a glyph disagree go to another font of the face (`_agreeing()`), so the drawing and
the text extracted (`pdftotext`) stay the same, but for a glyph that parts read as two different
spaces: it reads U+0020 (`_two_spaces()`: a 50-article book's body face was two fonts, its space
glyph U+0020 in some parts and U+00A0 in others; before any merging, 52).
"""
from __future__ import annotations

import hashlib
import re

import pikepdf
from pikepdf import Array, Dictionary, Name

_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")
_SECTION = re.compile(rb"begin(bfchar|bfrange)(.*?)end\1", re.S)
_CMAP_HEAD = (b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n/CIDSystemInfo\n"
              b"<< /Registry (Adobe)\n/Ordering (UCS)\n/Supplement 0\n>> def\n/CMapName /Adobe-Identity-UCS def\n"
              b"/CMapType 2 def\n1 begincodespacerange\n<0000> <ffff>\nendcodespacerange\n")
_CMAP_TAIL = b"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"


def _uses(pdf: pikepdf.Pdf) -> list[tuple]:
    """Every (font resource dictionary, name, font) of the pages and of the forms they draw, in
    page order (each resource dictionary once)."""
    found, seen = [], set()

    def resources(res) -> None:
        if not isinstance(res, Dictionary):
            return
        if res.is_indirect:
            if res.objgen in seen:
                return
            seen.add(res.objgen)
        fonts = res.get("/Font")
        if isinstance(fonts, Dictionary) and not (fonts.is_indirect and fonts.objgen in seen):
            if fonts.is_indirect:
                seen.add(fonts.objgen)
            found.extend((fonts, name, fonts[name]) for name in sorted(fonts.keys()))
        for xobj in res.get("/XObject", Dictionary()).values():
            if xobj.objgen in seen:
                continue
            seen.add(xobj.objgen)
            if xobj.get("/Subtype") == "/Form":
                resources(xobj.get("/Resources"))

    for page in pdf.pages:
        resources(page.obj.get("/Resources"))
    return found


def _face(font) -> tuple | None:
    """What makes two fonts one: their embedded program's bytes (and the CIDFont's kind), for a
    Type0 font with Identity-H; None for any other."""
    if font.get("/Subtype") != "/Type0" or font.get("/Encoding") != "/Identity-H":
        return None
    kids = font.get("/DescendantFonts")
    if not isinstance(kids, Array) or len(kids) != 1:
        return None
    cid = kids[0]
    desc = cid.get("/FontDescriptor")
    if desc is None or "/CIDSet" in desc:  # PDF/A's glyph sets are a part's own
        return None
    for key in ("/FontFile2", "/FontFile3"):
        if key in desc:
            program = desc[key]
            return (str(cid.get("/Subtype")), repr(cid.get("/CIDToGIDMap")),
                    hashlib.sha256(program.read_raw_bytes()).hexdigest())
    return None


def widths(w) -> dict[int, float] | None:
    """A CIDFont's `/W` array as {cid: width}; None where it cannot be read."""
    out: dict[int, float] = {}
    items, i = list(w or []), 0
    try:
        while i < len(items):
            first = int(items[i])
            if isinstance(items[i + 1], Array):
                for k, v in enumerate(items[i + 1]):
                    out[first + k] = float(v)
                i += 2
            else:
                last, v = int(items[i + 1]), float(items[i + 2])
                out.update((c, v) for c in range(first, last + 1))
                i += 3
    except (IndexError, TypeError, ValueError):
        return None
    return out


def to_unicode(data: bytes) -> dict[int, bytes] | None:
    """A ToUnicode CMap as {cid: UTF-16BE text}; None where it has what this does not read."""
    out: dict[int, bytes] = {}
    for kind, body in _SECTION.findall(data):
        if kind == b"bfchar":
            codes = _HEX.findall(body)
            if len(codes) % 2 or b"[" in body:
                return None
            for src, dst in zip(codes[::2], codes[1::2]):
                out[int(src, 16)] = bytes.fromhex(dst.decode())
        else:
            for line in body.strip().splitlines():
                codes = _HEX.findall(line)
                if b"[" in line or len(codes) != 3:
                    return None
                lo, hi, dst = int(codes[0], 16), int(codes[1], 16), int(codes[2], 16)
                size = len(codes[2]) // 2
                for k in range(hi - lo + 1):
                    out[lo + k] = (dst + k).to_bytes(size, "big")
    return out


def _agree(into: dict, more: dict, alike=lambda a, b: False) -> bool:
    """Whether `more` gives no key of `into` another value (but one `alike` the other's)."""
    return all(into.get(k, v) == v or alike(into[k], v) for k, v in more.items())


def _number(v: float):
    return int(v) if v.is_integer() else v


def _w_array(merged: dict[int, float]) -> Array:
    """{cid: width} as a `/W` array of runs of consecutive cids."""
    out, run_start, run = [], None, []
    for cid in sorted(merged):
        if run and cid == run_start + len(run):
            run.append(_number(merged[cid]))
            continue
        if run:
            out += [run_start, Array(run)]
        run_start, run = cid, [_number(merged[cid])]
    if run:
        out += [run_start, Array(run)]
    return Array(out)


def cmap(merged: dict[int, bytes]) -> bytes:
    """{cid: UTF-16BE text} as a ToUnicode CMap (bfchar, 100 a section, by cid)."""
    items = sorted(merged.items())
    body = b""
    for i in range(0, len(items), 100):
        chunk = items[i:i + 100]
        body += b"%d beginbfchar\n" % len(chunk)
        body += b"".join(b"<%04x> <%s>\n" % (cid, text.hex().encode()) for cid, text in chunk)
        body += b"endbfchar\n"
    return _CMAP_HEAD + body + _CMAP_TAIL


def merge(pdf: pikepdf.Pdf) -> int:
    """One Type0 font per face (see the module's docstring); returns how many fonts were merged away."""
    uses = _uses(pdf)
    groups: dict[tuple, list] = {}
    for _, _, font in uses:
        face = _face(font)
        if face is not None and all(f.objgen != font.objgen for f in groups.get(face, [])):
            groups.setdefault(face, []).append(font)
    into: dict[tuple, object] = {}
    merged_away = 0
    for fonts in groups.values():
        if len(fonts) < 2:
            continue
        w = [widths(f.DescendantFonts[0].get("/W")) for f in fonts]
        texts = [to_unicode(f.ToUnicode.read_bytes()) if "/ToUnicode" in f else {} for f in fonts]
        if None in w or None in texts:
            continue
        for kept in _agreeing(list(zip(fonts, w, texts))):
            if len(kept[0]) < 2:
                continue
            members, all_w, all_text = kept
            merged = _one_font(pdf, members[0], all_w, all_text)
            for f in members:
                into[f.objgen] = merged
            merged_away += len(members) - 1
    for fonts_dict, name, font in uses:
        if font.objgen in into:
            fonts_dict[name] = into[font.objgen]
    return merged_away


_SPACE = b"\x00 "  # U+0020 in a ToUnicode map (UTF-16BE)


def _space(text: bytes) -> bool:
    return len(text) == 2 and text.decode("utf-16-be", "replace").isspace()


def _two_spaces(a: bytes, b: bytes) -> bool:
    """Two texts of a glyph that agree: a part maps the space glyph to the last space WeasyPrint
    drew with it (within a part one wins), so one part's space glyph reads U+0020 and another's
    U+00A0."""
    return _space(a) and _space(b)


def _add_texts(into: dict, more: dict) -> None:
    for k, v in more.items():
        into[k] = _SPACE if k in into and into[k] != v else v  # two spaces (_two_spaces): U+0020


def _agreeing(fonts: list[tuple]) -> list[tuple]:
    """The (font, widths, texts) of one face in as few groups as agree: within a group no glyph has
    two widths or two texts (but two spaces, `_two_spaces()`: the glyph then reads U+0020). Seen once:
    a 50-article book whose space glyph was U+0020 in some parts and U+00A0 in others kept two
    fonts of its body face."""
    kept: list[tuple] = []  # (fonts, widths, texts)
    for font, w, text in fonts:
        for members, all_w, all_text in kept:
            if _agree(all_w, w) and _agree(all_text, text, _two_spaces):
                members.append(font)
                all_w.update(w)
                _add_texts(all_text, text)
                break
        else:
            kept.append(([font], dict(w), dict(text)))
    return kept


def _one_font(pdf: pikepdf.Pdf, first, all_w: dict, all_text: dict):
    """A Type0 font like `first` with the widths and texts of its whole group."""
    cid = Dictionary({k: v for k, v in first.DescendantFonts[0].items() if k != "/W"})
    cid.W = _w_array(all_w)
    font = Dictionary({k: v for k, v in first.items() if k not in ("/DescendantFonts", "/ToUnicode")})
    font.DescendantFonts = Array([pdf.make_indirect(cid)])
    if all_text:
        font.ToUnicode = pdf.make_stream(cmap(all_text))
    return pdf.make_indirect(font)
