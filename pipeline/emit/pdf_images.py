"""Images prepared once for the PDF: WeasyPrint 70 decodes and re-encodes every PNG it embeds
(zlib level 6, in `RasterImage._get_png_data`), which is most of a small book's PDF time and is
done again on every build. `install(folder)` makes that step fast (zlib level 1: the image data is
the same, the file a little larger) and keeps its result on disk by the hash of the pixels, so a
rebuild reuses it. Only WeasyPrint 70 is patched; with any other version nothing changes.
"""
from __future__ import annotations

import hashlib
import io
import os
import struct
import tempfile
from pathlib import Path

_state: dict = {"folder": None}


def _idat(png: bytes) -> bytes:
    """The concatenated IDAT chunks of a PNG, as WeasyPrint embeds them."""
    out, pos = [], 8
    while pos + 8 <= len(png):
        length, kind = struct.unpack("!I4s", png[pos:pos + 8])
        if kind == b"IDAT":
            out.append(png[pos + 8:pos + 8 + length])
        pos += 12 + length
    return b"".join(out)


def png_stream(pillow_image) -> bytes:
    folder = _state["folder"]
    key = None
    if folder is not None:
        h = hashlib.sha256(f"{pillow_image.mode} {pillow_image.size}".encode())
        h.update(pillow_image.tobytes())
        key = h.hexdigest()
        cached = folder / key[:2] / key
        try:
            return cached.read_bytes()
        except OSError:
            pass
    buf = io.BytesIO()
    pillow_image.save(buf, format="PNG", compress_level=1)
    data = _idat(buf.getvalue())
    if key is not None:
        target = folder / key[:2] / key
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, target)
    return data


def install(folder: Path | None) -> bool:
    try:
        import weasyprint
        from weasyprint.images import RasterImage
    except ImportError:
        return False
    if not weasyprint.__version__.startswith("70.") or not hasattr(RasterImage, "_get_png_data"):
        return False
    _state["folder"] = Path(folder) if folder else None
    RasterImage._get_png_data = staticmethod(png_stream)
    return True
