"""Font subsetting made a note (in the layout workers), for `shared_fonts.py` to subset each font
once for the whole book in the join. WeasyPrint 70 subsets every font of every document it writes
(HarfBuzz, keeping glyph ids: `Font._harfbuzz_subset`, called by `Font.clean`); `install(folder)`
replaces `Font.clean`: the font file is kept once in `folder` by its hash, and the PDF's font
stream holds MARK and the glyphs the document used. A colour font (Noto Color Emoji: its glyphs
are images, which the PDF draws) is noted too, with `images`: WeasyPrint's `clean` rewrote its
subset with fontTools in every part that had an emoji (0.05 s each, and one more font object
each), the join now does it once (`shared_fonts.without_images`). Variable fonts and bitmap
fonts keep WeasyPrint's own `clean`. Saved: seven CJK faces times 60-90 ms each for every part,
and fifty copies of each font in the file and the join's memory (50 articles).
Written for WeasyPrint 70.0 (`engine_versions.SUPPORTED`): installed only there and while the
patches are on; otherwise WeasyPrint's own code runs (each part its own subsets).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path

from ....cache import write_atomic
from ....engine_versions import written_for

PACKAGE = "weasyprint"
MARK = b"\0pressroom-font\0"


def folder_of(work: Path) -> Path:
    """Where the font files are kept, in the PDF's cache folder `work` (the join's subsets beside it)."""
    return Path(work) / "fonts"


_state: dict = {"folder": None, "original": None, "known": {}, "noted": None,
                "writer": None, "writing": {}}  # (a thread writing font files; path -> its write)


@contextlib.contextmanager
def noting():
    """The keys of the font files noted while the block writes a PDF."""
    _state["noted"] = noted = set()
    try:
        yield noted
    finally:
        _state["noted"] = None


def _key(data: bytes) -> str:
    """The font file's hash (a collection's faces share it); the whole file is read once per file
    and process."""
    probe = (len(data), hashlib.blake2b(data[:1 << 16], digest_size=16).digest())
    known = _state["known"]
    if probe not in known:
        known[probe] = hashlib.sha256(data).hexdigest()[:32]
    return known[probe]


def _kept_whole(path: Path, size: int) -> bool:
    return path.is_file() and path.stat().st_size == size


def keep_file(path: Path, data: bytes) -> None:
    if not _kept_whole(path, len(data)):
        write_atomic(path, data)


def _forget_writer() -> None:
    """In a process forked from this one: no writer thread there, nothing it writes."""
    _state["writer"], _state["writing"] = None, {}


os.register_at_fork(after_in_child=_forget_writer)


def _keep_font(path: Path, data: bytes) -> None:
    """`keep_file()` in a thread of this process: a cold build copies each face's whole file (four
    CJK collections, 89 MB: 0.27 s of writing), which goes on while the documents are laid out;
    `written()` waits for it."""
    if str(path) in _state["writing"] or _kept_whole(path, len(data)):
        return
    if _state["writer"] is None:
        from concurrent.futures import ThreadPoolExecutor

        _state["writer"] = ThreadPoolExecutor(1, thread_name_prefix="font files")
    _state["writing"][str(path)] = _state["writer"].submit(write_atomic, path, data)


def kept(path: Path) -> bool:
    """The font file is in the cache, or being written there by this process."""
    return str(path) in _state["writing"] or path.is_file()


def written() -> None:
    """Every font file this process was writing, whole in the cache (raises a write's error): before
    the join reads them, here or in another process."""
    writing = _state["writing"]
    while writing:
        writing.pop(next(iter(writing))).result()


def _noted(font, to_unicode, hinting) -> None:
    """Font.clean, patched: the glyphs used, noted in place of the font's bytes (see the module's
    docstring); WeasyPrint's own `clean` for a variable or bitmap font, or a font of no glyph."""
    if not to_unicode or "fvar" in font.tables or getattr(font, "bitmap", False):
        return _state["original"](font, to_unicode, hinting)
    key = _key(font.file_content)
    _keep_font(_state["folder"] / key, font.file_content)
    if _state["noted"] is not None:
        _state["noted"].add(key)
    note = {"key": key, "index": font.index, "gids": sorted(to_unicode), "hinting": bool(hinting),
            "missing": bool(font.missing)}
    if font.png or font.svg or font.colr:
        note["images"] = True  # its glyph images taken out in the join (shared_fonts.without_images)
    # WeasyPrint reads the font's type from its first four bytes: those of the subset it would
    # have made (a face of a collection, `ttcf`, becomes a font of its own)
    kind = b"OTTO" if {t.strip() for t in font.tables} & {"CFF", "CFF2"} else b"\0\1\0\0"
    font.file_content = kind + MARK + json.dumps(note, separators=(",", ":")).encode()


def install(cache_folder: Path) -> bool:
    """`Font.clean` a note, the fonts kept in `folder_of(cache_folder)`."""
    if not written_for(PACKAGE) or cache_folder is None:
        return False
    from weasyprint.pdf import fonts
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if not harfbuzz_subset or not harfbuzz.hb_version_atleast(4, 1, 0):
        return False  # WeasyPrint falls back to fontTools: left as it is
    _state["folder"] = folder_of(cache_folder)
    if _state["original"] is None:
        _state["original"] = fonts.Font.clean
        fonts.Font.clean = _noted
    return True


def uninstall() -> None:
    if _state["original"] is not None:
        from weasyprint.pdf import fonts

        fonts.Font.clean = _state["original"]
        _state["original"] = None
