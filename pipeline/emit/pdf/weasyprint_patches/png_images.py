"""Images prepared once for the PDF: WeasyPrint 70 decodes and re-encodes every PNG it embeds
(a palette PNG even twice: to RGB at zlib level 6 when it loads it, then again in
`RasterImage._get_png_data`), which is most of a small book's PDF time and is done again on every
build. `install(folder)` patches two things:
- a PNG whose compressed data a PDF can hold as it is (8-bit grey or RGB, or a palette, not
  interlaced, no transparency: what `images/prepare.py` writes for print) is embedded as it is,
  its IDAT chunks under the same PNG predictor, a palette as an `/Indexed` colour space
  (`RawPNG`): no decoding, no encoding, the same pixels;
- any other PNG is encoded fast (zlib level 1: the image data is the same, the file a little
  larger) and its result kept on disk by the hash of the pixels, so a rebuild reuses it.
Saved: on the seed article 3.7 of WeasyPrint's 5.3 s went to re-encoding its PNGs (docs/DESIGN).
Written for WeasyPrint 70.0 (`engine_versions.SUPPORTED`): installed only there and while the
patches are on; otherwise WeasyPrint's own code runs.
"""
from __future__ import annotations

import hashlib
import io
import math
import struct
from pathlib import Path

from ....cache import write_atomic
from ....engine_versions import written_for

PACKAGE = "weasyprint"
_state: dict = {"folder": None, "original": None}


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
        write_atomic(folder / key[:2] / key, data)
    return data


def raw_png(data: bytes | None) -> tuple[int, int, bytes, bytes] | None:
    """(bit depth, colour type, palette, IDAT data) of a PNG that a PDF image can hold as it is: not
    interlaced, grey (any depth up to 8) or RGB (8-bit) or a palette, and no transparency; else None."""
    if not data or data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
        return None
    depth, kind, interlace = data[24], data[25], data[28]
    if interlace or not ((kind == 0 and depth <= 8) or (kind == 2 and depth == 8) or (kind == 3 and depth <= 8)):
        return None
    palette, idat, pos = b"", [], 8
    while pos + 8 <= len(data):
        length, name = struct.unpack("!I4s", data[pos:pos + 8])
        if name == b"tRNS":
            return None
        if name == b"PLTE":
            palette = data[pos + 8:pos + 8 + length]
        elif name == b"IDAT":
            idat.append(data[pos + 8:pos + 8 + length])
        elif name == b"IEND":
            break
        pos += 12 + length
    if not idat or (kind == 3 and (not palette or len(palette) % 3)):
        return None
    return depth, kind, palette, b"".join(idat)


def _raw_image_class(RasterImage, rotate, pydyf):
    class RawPNG(RasterImage):
        """A PNG embedded with its own compressed data (see `raw_png()`); any other image, or any
        option that changes the pixels (`dpi`, `optimize_images`, a rotation), as WeasyPrint does."""

        def __init__(self, pillow_image, image_id, image_data, filename=None, cache=None,
                     orientation="none", options=None):
            from weasyprint import DEFAULT_OPTIONS

            options = DEFAULT_OPTIONS if options is None else options
            raw = None if options["dpi"] or options["optimize_images"] else raw_png(image_data)
            if raw is None or rotate(pillow_image, orientation) is not pillow_image:
                super().__init__(pillow_image, image_id, image_data, filename, cache, orientation, options)
                self._raw = None
                return
            self._raw = raw
            self.id, self._cache = image_id, {} if cache is None else cache
            self._jpeg_quality, self._dpi, self.optimize = options["jpeg_quality"], None, False
            self.width, self.height = pillow_image.width, pillow_image.height
            self.ratio = (self.width / self.height) if self.height != 0 else math.inf
            self.format, self.invert_colors = "PNG", False
            self.mode = {0: "L", 2: "RGB", 3: "P"}[raw[1]]
            self.image_data = self.cache_image_data(raw[3], slot="stream")

        def get_x_object(self, interpolate, dpi_ratio):
            if self._raw is None:
                return super().get_x_object(interpolate, dpi_ratio)
            depth, kind, palette, _ = self._raw
            colors = 3 if kind == 2 else 1
            space = (pydyf.Array(["/Indexed", "/DeviceRGB", len(palette) // 3 - 1, f"<{palette.hex()}>"])
                     if kind == 3 else "/DeviceRGB" if kind == 2 else "/DeviceGray")
            return pydyf.Stream([self.image_data], pydyf.Dictionary({
                "Type": "/XObject", "Subtype": "/Image", "Width": self.width, "Height": self.height,
                "ColorSpace": space, "BitsPerComponent": depth,
                "Interpolate": "true" if interpolate else "false", "Filter": "/FlateDecode",
                "DecodeParms": pydyf.Dictionary({"Predictor": 15, "Columns": self.width, "Colors": colors,
                                                 "BitsPerComponent": depth})}))

    RawPNG.pressroom = True
    return RawPNG


def install(cache_folder: Path | None) -> bool:
    """Both patches; the fast encodings kept in `cache_folder/png-streams/` (none kept without one)."""
    if not written_for(PACKAGE):
        return False
    import pydyf
    from weasyprint import images

    _state["folder"] = Path(cache_folder) / "png-streams" if cache_folder else None
    if _state["original"] is None:
        _state["original"] = (images.RasterImage, images.RasterImage.__dict__["_get_png_data"])
        images.RasterImage._get_png_data = staticmethod(png_stream)
        images.RasterImage = _raw_image_class(images.RasterImage, images.rotate_pillow_image, pydyf)
    return True


def uninstall() -> None:
    """WeasyPrint's own `RasterImage` again."""
    if _state["original"] is not None:
        from weasyprint import images

        images.RasterImage, get_png_data = _state["original"]
        images.RasterImage._get_png_data = get_png_data
        _state["original"] = None
