"""A font's whole file copied out of HarfBuzz once per face and process, not for every document.

WeasyPrint 70 copies a font's whole file out of HarfBuzz for every document it writes
(`weasyprint.pdf.fonts.get_hb_object_data`: 25 MB for a CJK collection, some 2% of a book's
time). `install()` makes the copy once per face and process, the face held so that its address,
the copy's key, names no other face while it lives.
Written for WeasyPrint 70.0 (`engine_versions.SUPPORTED`): installed only there and while the
patches are on; otherwise WeasyPrint's own code runs.
"""
from __future__ import annotations

from ....engine_versions import written_for

PACKAGE = "weasyprint"
_state: dict = {"original": None}


def install(cache_folder=None) -> bool:
    if not written_for(PACKAGE):
        return False
    from weasyprint.pdf import fonts

    if _state["original"] is not None:
        return True
    original = _state["original"] = fonts.get_hb_object_data
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


def uninstall() -> None:
    """WeasyPrint's own copy for every document again."""
    if _state["original"] is not None:
        from weasyprint.pdf import fonts

        fonts.get_hb_object_data, _state["original"] = _state["original"], None
