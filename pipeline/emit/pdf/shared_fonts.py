"""Fonts and streams: one subset of each font for the whole book, made in the join. WeasyPrint 70 subsets every font of every document
it writes (HarfBuzz, keeping glyph ids: `Font._harfbuzz_subset`). A book laid out part by part
would carry one subset per font per part: seven CJK faces times 60-90 ms each for every part, and
fifty copies of each font in the file and in the join's memory.

`weasyprint_patches/font_subsets.py` (in the layout workers) makes a font's subsetting a note instead: the font file
is kept once in `folder` by its hash, and the PDF's font stream holds a marker with the glyphs the
document used. `share(pdf)` (in the join) subsets each font once, for the glyphs of every part,
and points every part's font descriptor at that one stream (a subset is kept in `font-subsets/`
beside `folder`, by its glyphs, for the next build). Glyph ids are kept by the subset, so
the parts' text and widths need no change; a colour font's glyph images are taken out of its one
subset (`without_images()`). Variable and bitmap fonts and PDF/A's character sets (`CIDSet`, per
part) keep WeasyPrint's own subsetting.
Only WeasyPrint 70 is patched; with any other version nothing changes.
"""
from __future__ import annotations

import functools
import hashlib
import json
from pathlib import Path
from struct import error as struct_error

from .weasyprint_patches.font_subsets import MARK, folder_of, keep_file, written  # noqa: F401 - folder_of: for write()




# ------------------------------------------------------------------ in the join
_HB = """
typedef struct hb_blob_t hb_blob_t;
typedef struct hb_face_t hb_face_t;
typedef struct hb_set_t hb_set_t;
typedef struct hb_subset_input_t hb_subset_input_t;
typedef uint32_t hb_codepoint_t;
hb_blob_t *hb_blob_create(const char *data, unsigned int length, int mode, void *user_data, void *destroy);
void hb_blob_destroy(hb_blob_t *blob);
const char *hb_blob_get_data(hb_blob_t *blob, unsigned int *length);
hb_face_t *hb_face_create(hb_blob_t *blob, unsigned int index);
void hb_face_destroy(hb_face_t *face);
hb_blob_t *hb_face_reference_blob(hb_face_t *face);
void hb_set_add_sorted_array(hb_set_t *set, const hb_codepoint_t *sorted_codepoints, unsigned int num_codepoints);
void hb_set_add(hb_set_t *set, hb_codepoint_t codepoint);
hb_subset_input_t *hb_subset_input_create_or_fail(void);
void hb_subset_input_destroy(hb_subset_input_t *input);
hb_set_t *hb_subset_input_glyph_set(hb_subset_input_t *input);
hb_set_t *hb_subset_input_set(hb_subset_input_t *input, int set_type);
void hb_subset_input_set_flags(hb_subset_input_t *input, unsigned int value);
hb_face_t *hb_subset_or_fail(hb_face_t *source, const hb_subset_input_t *input);
typedef struct hb_subset_plan_t hb_subset_plan_t;
typedef struct hb_map_t hb_map_t;
hb_subset_plan_t *hb_subset_plan_create_or_fail(hb_face_t *face, const hb_subset_input_t *input);
void hb_subset_plan_destroy(hb_subset_plan_t *plan);
hb_face_t *hb_subset_plan_execute_or_fail(hb_subset_plan_t *plan);
const hb_map_t *hb_subset_plan_new_to_old_glyph_mapping(const hb_subset_plan_t *plan);
hb_codepoint_t hb_map_get(const hb_map_t *map, hb_codepoint_t key);
unsigned int hb_map_get_population(const hb_map_t *map);
"""
NO_HINTING, RETAIN_GIDS, DESUBROUTINIZE, PASSTHROUGH, NOTDEF_OUTLINE = 0x1, 0x2, 0x4, 0x20, 0x40  # hb_subset_flags_t
DROP_TABLE_TAG = 3  # hb_subset_sets_t
READONLY = 1  # hb_memory_mode_t: HarfBuzz reads the bytes where they are (kept alive by the caller)
DROPPED = (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")


def preload() -> None:
    """`libraries()` now, where WeasyPrint found HarfBuzz's subsetter (else no part noted a font)."""
    from weasyprint.text.ffi import harfbuzz_subset

    if harfbuzz_subset:
        libraries()


@functools.cache
def libraries():
    """HarfBuzz through cffi, loaded once. Loading looks the libraries up with `ldconfig -p` in a
    child process: the join loads them before it opens the parts, while a fork is still small."""
    from cffi import FFI

    ffi = FFI()
    ffi.cdef(_HB)
    from weasyprint.text.ffi import _dlopen

    hb = _dlopen(ffi, "harfbuzz", "harfbuzz-0.0", "libharfbuzz-0",
                 "libharfbuzz.so.0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll")
    hb_subset = _dlopen(ffi, "harfbuzz-subset", "harfbuzz-subset-0.0", "libharfbuzz-subset-0",
                        "libharfbuzz-subset.so.0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll")
    return ffi, hb, hb_subset


def subset(data: bytes, index: int, gids: list[int], hinting: bool, missing: bool) -> bytes:
    """The font for these glyphs, as WeasyPrint's `Font._harfbuzz_subset` makes it: glyph ids
    kept, then the empty glyphs after the last one used dropped."""
    ffi, hb, hbs = libraries()
    held = ffi.from_buffer(data)  # the font's bytes (a mapped file: `mapped()`), not copied
    blob = ffi.gc(hb.hb_blob_create(held, len(data), READONLY, ffi.NULL, ffi.NULL), hb.hb_blob_destroy)
    face = ffi.gc(hb.hb_face_create(blob, index), hb.hb_face_destroy)

    def run(source, glyphs, flags, drop: bool):
        spec = ffi.gc(hbs.hb_subset_input_create_or_fail(), hbs.hb_subset_input_destroy)
        array = ffi.new(f"hb_codepoint_t[{len(glyphs)}]", glyphs)
        hb.hb_set_add_sorted_array(hbs.hb_subset_input_glyph_set(spec), array, len(glyphs))
        hbs.hb_subset_input_set_flags(spec, flags)
        if drop:
            tags = sorted(int.from_bytes(t, "big") for t in DROPPED)
            hb.hb_set_add_sorted_array(hbs.hb_subset_input_set(spec, DROP_TABLE_TAG),
                                       ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags))
        result = hbs.hb_subset_or_fail(source, spec)
        if result == ffi.NULL:
            raise RuntimeError("HarfBuzz could not subset a font")
        return ffi.gc(result, hb.hb_face_destroy)

    notdef = NOTDEF_OUTLINE if missing else 0
    first = run(face, sorted(gids), RETAIN_GIDS | PASSTHROUGH | DESUBROUTINIZE | notdef, True)
    second = run(first, list(range(max(gids) + 1)),
                 PASSTHROUGH | DESUBROUTINIZE | notdef | (0 if hinting else NO_HINTING), False)
    out = ffi.gc(hb.hb_face_reference_blob(second), hb.hb_blob_destroy)
    length = ffi.new("unsigned int *")
    pointer = hb.hb_blob_get_data(out, length)
    return bytes(ffi.buffer(pointer, length[0]))


def without_images(data: bytes) -> bytes:
    """A colour font's subset as WeasyPrint 70's `Font.clean` leaves it: every glyph an empty
    outline, its images (`CBDT`/`CBLC`, `SVG `, `COLR`) taken out. The PDF draws a colour glyph as
    an image; its font only carries the text. Once for the book, where WeasyPrint did it in every
    part with an emoji (`weasyprint_patches/font_subsets.py`)."""
    import io

    from fontTools.ttLib import TTFont, TTLibError, ttFont

    def emptied() -> bytes:
        font = TTFont(io.BytesIO(data))
        if "loca" not in font or "glyf" not in font:
            font["loca"] = ttFont.getTableClass("loca")()
            font["glyf"] = ttFont.getTableClass("glyf")()
            font["glyf"].glyphOrder = font.getGlyphOrder()
            font["glyf"].glyphs = {name: ttFont.getTableModule("glyf").Glyph() for name in font["glyf"].glyphOrder}
        else:
            for name in font["glyf"].glyphs:
                font["glyf"][name] = ttFont.getTableModule("glyf").Glyph()
        for table in ("CBDT", "CBLC", "SVG ", "COLR"):
            if table in font:
                del font[table]
        out = io.BytesIO()
        font.save(out)
        return out.getvalue()

    try:
        return emptied()
    except (TTLibError, AssertionError, KeyError, ValueError, struct_error):  # as WeasyPrint: the font as it is
        return data


def compact_cff(data: bytes, index: int, gids: list[int], hinting: bool, missing: bool) -> bytes | None:
    """A CID-keyed CFF font's subset with only the glyphs used (and those HarfBuzz's closure adds),
    as a bare CFF program (`FontFile3 /CIDFontType0C`), not every glyph id up to the last one used in
    an OpenType font: a PDF reader finds a CIDFontType0C font's glyphs by their CID through the
    CFF's charset (PDF 32000-1, 9.7.4.2), which HarfBuzz keeps, so the parts' text (CIDs = the
    original glyph ids, as WeasyPrint writes them) needs no change. (Poppler reads an OpenType
    wrapper's CFF by glyph id instead: that is why the bare CFF.) With glyph ids kept, each CJK
    face carried its 65,535 glyph slots, 150-240 KB of it for a few hundred glyphs. None (then the
    glyph ids are kept) unless the subset is CID-keyed and each glyph used has its glyph id for CID:
    read in the subset, whose glyphs the subset plan maps to the original's (reading the original's
    charset instead took 0.05-0.1 s a CJK face, half of the join of a one-article book)."""
    import io

    from fontTools.ttLib import TTFont, TTLibError

    wanted = sorted(set(gids) | {0})
    ffi, hb, hbs = libraries()
    held = ffi.from_buffer(data)  # not copied (as in `subset()`)
    blob = ffi.gc(hb.hb_blob_create(held, len(data), READONLY, ffi.NULL, ffi.NULL), hb.hb_blob_destroy)
    face = ffi.gc(hb.hb_face_create(blob, index), hb.hb_face_destroy)
    spec = ffi.gc(hbs.hb_subset_input_create_or_fail(), hbs.hb_subset_input_destroy)
    hb.hb_set_add_sorted_array(hbs.hb_subset_input_glyph_set(spec), ffi.new(f"hb_codepoint_t[{len(wanted)}]", wanted),
                               len(wanted))
    hbs.hb_subset_input_set_flags(spec, PASSTHROUGH | DESUBROUTINIZE | (NOTDEF_OUTLINE if missing else 0)
                                  | (0 if hinting else NO_HINTING))
    tags = sorted(int.from_bytes(t, "big") for t in DROPPED)  # GSUB too: no alternates the text does not use
    hb.hb_set_add_sorted_array(hbs.hb_subset_input_set(spec, DROP_TABLE_TAG),
                               ffi.new(f"hb_codepoint_t[{len(tags)}]", tags), len(tags))
    result, kept = _subset_and_glyphs(ffi, hb, hbs, face, spec)
    if result is None:
        return None
    out = ffi.gc(hb.hb_face_reference_blob(result), hb.hb_blob_destroy)
    length = ffi.new("unsigned int *")
    made = bytes(ffi.buffer(hb.hb_blob_get_data(out, length), length[0]))
    try:
        font = TTFont(io.BytesIO(made), lazy=True)
        if "CFF " not in font.reader or not hasattr(font["CFF "].cff.topDictIndex[0], "ROS"):
            return None
        order = font.getGlyphOrder()
        cff = font.reader["CFF "]
    except (TTLibError, KeyError, AssertionError, ValueError, IndexError):
        return None
    if kept is not None:  # each glyph used has its original glyph id for CID: what the text needs
        used = set(wanted) - {0}
        ok = len(order) == len(kept) and used <= set(kept) and \
            all(order[i] == f"cid{g:05d}" for i, g in enumerate(kept) if g in used)
        return bytes(cff) if ok else None
    try:  # else read in the original's charset: the CID of each glyph used is its glyph id (0.1 s a face)
        original = TTFont(io.BytesIO(data), fontNumber=index, lazy=True).getGlyphOrder()
        if not all(g == 0 or original[g] == f"cid{g:05d}" for g in wanted):
            return None
    except (TTLibError, KeyError, AssertionError, ValueError, IndexError):
        return None
    names = set(order)
    return bytes(cff) if all(g == 0 or f"cid{g:05d}" in names for g in wanted) else None


def _subset_and_glyphs(ffi, hb, hbs, face, spec):
    """HarfBuzz's subset of `face` (None where it fails) and the glyph ids of the original that it
    kept, in order (the subset's glyph i is the original's `kept[i]`), read from the subset plan;
    None for them where this HarfBuzz has no plan API (before 6.0)."""
    try:
        create, execute = hbs.hb_subset_plan_create_or_fail, hbs.hb_subset_plan_execute_or_fail
        mapping, destroy = hbs.hb_subset_plan_new_to_old_glyph_mapping, hbs.hb_subset_plan_destroy
    except AttributeError:
        result = hbs.hb_subset_or_fail(face, spec)
        return (None if result == ffi.NULL else ffi.gc(result, hb.hb_face_destroy)), None
    plan = create(face, spec)
    if plan == ffi.NULL:
        return None, None
    plan = ffi.gc(plan, destroy)
    result = execute(plan)
    if result == ffi.NULL:
        return None, None
    new_to_old = mapping(plan)
    kept = [hb.hb_map_get(new_to_old, i) for i in range(hb.hb_map_get_population(new_to_old))]
    return ffi.gc(result, hb.hb_face_destroy), kept


def _descriptors(pdf):
    """Every font descriptor the pages use, through their resources and form XObjects."""
    import pikepdf

    seen: set = set()
    found = []

    def resources(res):
        if not isinstance(res, pikepdf.Dictionary):
            return
        for font in res.get("/Font", pikepdf.Dictionary()).values():
            for sub in font.get("/DescendantFonts", pikepdf.Array()):
                desc = sub.get("/FontDescriptor")
                if desc is not None and desc.objgen not in seen:
                    seen.add(desc.objgen)
                    found.append(desc)
        for xobj in res.get("/XObject", pikepdf.Dictionary()).values():
            if xobj.objgen in seen:
                continue
            seen.add(xobj.objgen)
            if xobj.get("/Subtype") == "/Form":
                resources(xobj.get("/Resources"))

    for page in pdf.pages:
        res = page.obj.get("/Resources")
        if res is not None and (res.objgen == (0, 0) or res.objgen not in seen):
            if res.objgen != (0, 0):
                seen.add(res.objgen)
            resources(res)
    return found


def mapped(path: Path):
    """A font file's bytes, mapped (read-only) rather than read: a CJK collection is 20-27 MB, and
    read it was copied twice (into this process, then into HarfBuzz), a page fault every 4 KB."""
    import mmap

    with open(path, "rb") as f:
        return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def share(pdf, folder: Path) -> None:
    """Each noted font subset once, for the glyphs of every part, into `pdf`."""
    import pikepdf

    written()  # the font files this process noted (a book laid out and joined in one process)
    notes: dict[str, dict] = {}
    users: dict[str, list] = {}
    for desc in _descriptors(pdf):
        for file_key in ("/FontFile2", "/FontFile3"):
            stream = desc.get(file_key)
            if stream is None:
                continue
            data = stream.read_bytes()
            if data[4:4 + len(MARK)] != MARK:
                continue
            note = json.loads(data[4 + len(MARK):])
            face = (note["key"], note["index"], note["hinting"])
            seen = notes.setdefault(face, {**note, "gids": set(), "type": data[:4]})
            seen["gids"].update(note["gids"])
            seen["missing"] = seen["missing"] or note["missing"]
            users.setdefault(face, []).append((desc, file_key))
    made_now = set()
    for face in sorted(notes):
        note = notes[face]
        key = note["key"]
        if not (Path(folder) / key).is_file():  # parts.cached() lays such a part out again
            raise RuntimeError(f"font {key} is missing from the cache; build again with --force")
        gids = sorted(note["gids"])
        bare = note["type"] == b"OTTO"  # a CFF font: a bare CID-keyed CFF of its glyphs, where it can be
        made = hashlib.sha256(json.dumps([key, note["index"], note["hinting"], note["missing"], gids]
                                         + (["cid-keyed cff"] if bare else [])).encode())
        kept = Path(folder).parent / "font-subsets" / made.hexdigest()[:32]  # the same glyphs as the last build
        made_now.add(kept.name)
        if kept.is_file():
            data = kept.read_bytes()
        else:
            font = mapped(Path(folder) / key)
            data = bare and compact_cff(font, note["index"], gids, note["hinting"], note["missing"])
            data = data or subset(font, note["index"], gids, note["hinting"], note["missing"])
            if note.get("images"):
                data = without_images(data)
            keep_file(kept, data)
        if note["type"] != b"OTTO":
            extra = {"Length1": len(data)}
        else:  # an OpenType font begins with its version, a bare CFF with 1 (its major version)
            extra = {"Subtype": pikepdf.Name.OpenType if data[:4] == b"OTTO" else pikepdf.Name.CIDFontType0C}
        shared = pdf.make_indirect(pikepdf.Stream(pdf, data, **extra))
        for desc, file_key in users[face]:
            desc[file_key] = shared
    if (Path(folder).parent / "font-subsets").is_dir():
        for old in (Path(folder).parent / "font-subsets").iterdir():  # subsets for earlier versions of the book
            if old.name not in made_now:
                old.unlink(missing_ok=True)
