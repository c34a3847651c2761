"""Prepare a checked image for one output format.

EPUB (`for_epub`): a core media type (PNG, JPEG, GIF, WebP, SVG; anything else becomes PNG when
it has transparency or few colours, else JPEG), the long side capped at `max_side`, EXIF/GPS/XMP
and text chunks dropped (the EXIF orientation is applied first), deterministic bytes, a new key
(the hash of the new bytes). An image that already fits is returned unchanged, so calling it
twice is harmless.

Print (`for_print`): enough pixels for `print_dpi` at the printed width and no more; opaque
photographs are given to WeasyPrint as JPEG, which it embeds without re-encoding (PNG it must
decode and deflate again: that was most of the PDF time on the seed article). The returned asset
keeps the input's `key`, so the print layout can map `images/<key[:16]>.*` to it; its media type
(and so its extension) may differ.

Both take an optional `cache_dir`: prepared bytes are kept there by (key, operation, parameters);
an image that needed no change is kept as an empty file, which says "as it is" (a copy of every
image's bytes was 17 MB of writing on 50 corpus articles).
"""
from __future__ import annotations

import hashlib
import io
import math
import zlib
from pathlib import Path

from PIL import Image, ImageOps

from ..model import Asset
from .check import sniff

CORE = {"image/png", "image/jpeg", "image/gif", "image/webp", "image/svg+xml"}
JPEG_QUALITY = 88
_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "gif": "image/gif", "webp": "image/webp",
          "svg": "image/svg+xml"}
_METADATA_KEYS = ("exif", "xmp", "XML:com.adobe.xmp", "comment", "photoshop", "Raw profile type exif")


AS_IS = "as is"  # what _cached() says of an image kept unchanged


def _cached(cache_dir, name: str):
    """None (not in the cache), AS_IS, or (bytes, media type, size)."""
    if not cache_dir:
        return None
    try:
        data = (Path(cache_dir) / "prepared" / name).read_bytes()
    except OSError:
        return None
    if not data:
        return AS_IS
    kind = sniff(data)
    if kind not in _TYPES:
        return None
    if kind == "svg":
        return data, _TYPES[kind], (0, 0)
    with Image.open(io.BytesIO(data)) as im:
        return data, _TYPES[kind], im.size


def _store(cache_dir, name: str, data: bytes) -> None:
    if not cache_dir:
        return
    from ..cache import write_atomic  # a temporary file of its own: two workers may store one image

    write_atomic(Path(cache_dir) / "prepared" / name, data)


def _cache_name(key: str, *params) -> str:
    return hashlib.sha256("|".join([key, *map(str, params)]).encode()).hexdigest()


def _has_metadata(im: Image.Image) -> bool:
    if any(k in im.info for k in _METADATA_KEYS):
        return True
    if im.format == "PNG":  # tEXt/iTXt/zTXt chunks other than the harmless ones
        return any(k not in ("dpi", "gamma", "transparency", "icc_profile", "srgb", "chromaticity",
                             "aspect", "duration", "loop", "default_image", "disposal", "blend")
                   for k in im.info)
    return False


def _is_photo(im: Image.Image) -> bool:
    """Many colours and no transparency: better as JPEG."""
    if im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info or im.mode in ("P", "1", "L"):
        return False
    small = im.convert("RGB").copy()
    small.thumbnail((128, 128))
    return small.getcolors(maxcolors=2048) is None


def _encode(im: Image.Image, fmt: str, icc=None, rle_palette: bool = False, level: int = 6) -> bytes:
    """The image in `fmt`, deterministic. `rle_palette`: a palette PNG is deflated with zlib's RLE
    strategy (the EPUB's screenshots and charts: 5x faster than level 6, and no larger); `level`:
    a PNG's zlib level."""
    out = io.BytesIO()
    extra = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG":
        if im.mode not in ("RGB", "L", "CMYK"):
            im = im.convert("RGB")
        im.save(out, "JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False, **extra)
    elif fmt == "GIF":
        im.save(out, "GIF")
    elif fmt == "WEBP":
        im.save(out, "WEBP", quality=JPEG_QUALITY, method=4, **extra)
    else:
        if im.mode not in ("RGB", "RGBA", "L", "LA", "P", "1", "I;16"):
            im = im.convert("RGBA" if im.mode in ("PA", "CMYK") and "A" in im.mode else "RGB")
        if rle_palette and im.mode in ("P", "1"):
            extra["compress_type"] = zlib.Z_RLE
        im.save(out, "PNG", compress_level=level, **extra)
    return out.getvalue()


def _as_asset(data: bytes, media_type: str, size, key: str | None = None) -> Asset:
    return Asset(key or hashlib.sha256(data).hexdigest(), data, media_type, size[0], size[1])


def for_epub(asset: Asset, opts, cache_dir=None) -> Asset:
    """An EPUB core media type, long side capped at opts.max_side, no metadata."""
    if asset.media_type == "image/svg+xml":
        return asset
    max_side = int(getattr(opts, "max_side", 1600))
    name = _cache_name(asset.key, "epub", max_side, JPEG_QUALITY, "rle")
    hit = _cached(cache_dir, name)
    if hit == AS_IS:
        return asset
    if hit:
        return _as_asset(hit[0], hit[1], hit[2])
    with Image.open(io.BytesIO(asset.data)) as im:
        fmt = im.format
        animated = getattr(im, "is_animated", False)
        too_big = max(im.size) > max_side
        meta = _has_metadata(im)
        if asset.media_type in CORE and not too_big and not meta:
            _store(cache_dir, name, b"")
            return asset
        if animated and fmt in ("GIF", "WEBP", "PNG"):  # kept as is: re-encoding frames loses timing
            _store(cache_dir, name, b"")
            return asset
        icc = im.info.get("icc_profile")
        if too_big:  # a JPEG decoded at the smallest scale of at least twice the size (thumbnail's reducing gap)
            im.draft(None, (2 * max_side, 2 * max_side))
        ImageOps.exif_transpose(im, in_place=True)  # orientation applied, since the EXIF goes
        if too_big:  # (the image is this function's own: changed in place, no copies)
            im.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
        if fmt in ("PNG", "JPEG", "GIF", "WEBP"):
            out_fmt = fmt
        else:
            out_fmt = "JPEG" if _is_photo(im) else "PNG"
        if out_fmt == "GIF" and too_big:
            out_fmt = "PNG"
        data = _encode(im, out_fmt, icc, rle_palette=True)
        size = im.size
    _store(cache_dir, name, data)
    return _as_asset(data, _TYPES[out_fmt.lower()], size)


def print_cached(asset: Asset, opts, width_in: float, cache_dir=None) -> Asset | None:
    """`for_print()` where it needs no work (an SVG, or an image in the cache), else None."""
    if asset.media_type == "image/svg+xml":
        return asset
    need = max(1, math.ceil(width_in * int(getattr(opts, "print_dpi", 300))))
    hit = _cached(cache_dir, _cache_name(asset.key, "print", need, JPEG_QUALITY, "palette-2x", "z1"))
    if hit == AS_IS:
        return asset
    return _as_asset(hit[0], hit[1], hit[2], key=asset.key) if hit else None


def for_print(asset: Asset, opts, width_in: float, cache_dir=None) -> Asset:
    """Enough pixels for opts.print_dpi at `width_in` inches, and no more (same key as the input).
    A palette image (a screenshot, a chart) is kept up to twice that: shrunk, it would become RGB,
    six times the data of a 4-bit palette for a fifth fewer pixels, where the PDF can embed the
    palette PNG as it is (emit/pdf/weasyprint_patches/png_images.py). A PNG is deflated fast (level 1: 2% larger, half
    the time of level 6; the PDF keeps its data as it is)."""
    done = print_cached(asset, opts, width_in, cache_dir)
    if done is not None:
        return done
    need = max(1, math.ceil(width_in * int(getattr(opts, "print_dpi", 300))))
    name = _cache_name(asset.key, "print", need, JPEG_QUALITY, "palette-2x", "z1")
    with Image.open(io.BytesIO(asset.data)) as im:
        if getattr(im, "is_animated", False):
            im.seek(0)
        fmt = im.format
        shrink = im.size[0] > need * (2 if im.mode in ("P", "1") else 1.05)
        photo = fmt == "PNG" and _is_photo(im)
        if not shrink and not photo and fmt in ("PNG", "JPEG"):
            _store(cache_dir, name, b"")
            return asset
        icc = im.info.get("icc_profile")
        im = ImageOps.exif_transpose(im)
        if shrink:
            h = max(1, round(im.size[1] * need / im.size[0]))
            if im.mode in ("P", "PA", "LA", "1"):
                im = im.convert("RGBA" if "A" in im.mode or "transparency" in im.info else "RGB")
            im = im.resize((need, h), Image.Resampling.LANCZOS)
        out_fmt = "JPEG" if (fmt == "JPEG" or photo) else "PNG"
        data = _encode(im, out_fmt, icc, level=1)
        size = im.size
    _store(cache_dir, name, data)
    return _as_asset(data, _TYPES[out_fmt.lower()], size, key=asset.key)
