"""A font's whole file copied out of HarfBuzz once per face and process, not for every document.

WeasyPrint 70 copies a font's whole file out of HarfBuzz for every document it writes
(`weasyprint.pdf.fonts.get_hb_object_data`: 25 MB for a CJK collection, some 2% of a book's
time). `install()` makes the copy once per face and process, the face held so that its address,
the copy's key, names no other face while it lives.
"""
from __future__ import annotations


def install() -> bool:
    import weasyprint
    from weasyprint.pdf import fonts

    if not weasyprint.__version__.startswith("70."):
        return False
    original = getattr(fonts, "get_hb_object_data", None)
    if original is None or getattr(original, "shared", False):
        return original is not None
    from weasyprint.text.ffi import ffi, harfbuzz

    faces: dict[int, bytes | None] = {}

    def face_data(hb_object, ot_color=None, glyph=None):
        if ot_color is not None or glyph is not None:
            return original(hb_object, ot_color, glyph)
        key = int(ffi.cast("uintptr_t", hb_object))
        if key not in faces:
            harfbuzz.hb_face_reference(hb_object)
            faces[key] = original(hb_object)
        return faces[key]

    face_data.shared = True  # type: ignore[attr-defined]
    fonts.get_hb_object_data = face_data
    return True
