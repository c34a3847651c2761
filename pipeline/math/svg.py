"""MathML drawn as SVG for the PDF (WeasyPrint has no MathML): ziamath 0.13 with STIX Two Math.

`formula_svg()` gives an SVG document and the CSS that sizes it in em, so that a formula takes the
size of the text around it, and lowers it by its depth (`vertical-align`), so that its baseline is
the line's. The PDF sets it as an `<img>` of the file `formula_file()` keeps (or of a `data:` URL
where the build has no cache folder): WeasyPrint reads each with its own
SVG reader, and the part keeps the fast HTML parse (`pdf_tree.py`), which inline SVG would lose. Glyphs are
drawn as paths (`ziafont.config.svg2 = False`): ziamath's `<symbol>` ids would repeat across
formulas. Chinese inside `\\text{}` is drawn from the book's CJK face (`cjk_face.py`): `use_face()`
sets it for a part's formulas, and `_CJKFallback` finds a glyph there when the math font has
none. That class becomes the class of ziamath's default math font (`zmath.loadedfonts['default']`,
an internal of ziamath 0.13; the font it read at import, not read a second time): it is installed only on the versions in `engine_versions.SUPPORTED`; elsewhere
formulas are drawn without it and `missing()` names the characters that would be boxes.

A formula drawn as paths has no text: `text_layer_size()` sizes the LaTeX that the PDF sets as
invisible text over the drawing (`emit/pdf/print_html.py`), so that `pdftotext` reads it and a
viewer's search finds it where the formula is (poppler and pdf.js: tests/test_math_editions.py).
"""
from __future__ import annotations

import functools
import re
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path

from .. import engine_versions
from . import ziamath_patch

SIZE = 12.0  # ziamath draws at this size, the SVG's dimensions then divided into em: near the text's
# size in points, so that lengths MathML gives in pt (latex2mathml's `rowspacing="3pt"`) keep their proportion
_TAG = re.compile(r"<[^>]*>")
TEXT_ADVANCE = 0.5  # em: about the mean advance of a Latin letter, digit or sign in the text face


@functools.lru_cache(maxsize=1)
def _ziamath():
    """ziamath, set up once per process: glyphs as paths, and the fallback face where it fits.
    What it read (its math font's tables: 26,000 objects that live as long as the process) is
    then left out of the garbage collector's scans (`gc.freeze()`): each full collection of a
    build that draws formulas scanned them again, a third of what the formulas cost a book."""
    import gc

    ziamath_patch.before_import()  # its import without the pattern it compiles (ziamath_patch 6.)
    import ziafont
    import ziamath
    from ziamath import zmath
    from ziamath.mathfont import MathFont

    ziafont.config.svg2 = False
    ziamath_patch.install()  # the same drawings, five times faster (its docstring)
    if engine_versions.written_for("ziamath"):
        class _CJKFallback(MathFont):
            fallback = None  # a ziafont.Font with the part's CJK characters (use_face)
            asked: set = set()  # the characters it was made for

            def findglyph(self, char, variant):
                if self.fallback is not None and self.glyphindex(char) == 0 \
                        and self.fallback.glyphindex(char) != 0:
                    return self.fallback.glyph(char)
                return super().findglyph(char, variant)

        zmath.loadedfonts["default"].__class__ = _CJKFallback  # the font ziamath read at import: not read again
    gc.freeze()
    return ziamath


def _font():
    _ziamath()  # first: ziamath imported without its pattern (ziamath_patch 6.), then set up
    from ziamath import zmath

    return zmath.loadedfonts["default"]


def text_of(mathml: str) -> str:
    return _TAG.sub("", mathml)


def use_face(chars: str, cache: Path) -> None:
    """Draw the next formulas' characters that the math font lacks from a face that has `chars`."""
    font = _font()
    needed = "".join(sorted({c for c in chars if ord(c) > 0x2e7f and font.glyphindex(c) == 0}))
    if not needed or not hasattr(type(font), "fallback"):
        return
    current = font.fallback
    if current is not None and (all(current.glyphindex(c) for c in needed) or set(needed) <= font.asked):
        return  # (characters the face lacks are asked for once, then named by missing())
    from .cjk_face import face_for

    font.asked = set(needed)
    face = face_for(needed, cache)
    if face is not None:
        import ziafont

        try:
            font.fallback = ziafont.Font(str(face))
        except (ValueError, OSError, KeyError, IndexError):  # a face ziafont cannot read: no fallback,
            return  # the characters are then named by missing()


def missing(mathml: str) -> list[str]:
    """The characters of a formula that neither the math font nor the fallback face can draw."""
    font = _font()
    fallback = getattr(font, "fallback", None)
    return sorted({c for c in text_of(mathml) if not c.isspace() and font.glyphindex(c) == 0
                   and not (fallback is not None and fallback.glyphindex(c))})


@functools.lru_cache(maxsize=4096)
def formula_svg(mathml: str, display: bool, title: str = "") -> tuple[str, str]:
    """The formula as a standalone SVG document, and the CSS that sizes it in em and sets it on
    the text's baseline (`width`, `height`, `vertical-align`) where it stands as an image."""
    drawn = _ziamath().Math(mathml, size=SIZE, margin=0, title=title or None)
    svg = drawn.svgxml()
    return ET.tostring(svg, encoding="unicode"), _style(svg.get("width"), svg.get("height"), svg.get("viewBox"), display)


def _style(width: str, height: str, viewbox: str, display: bool) -> str:
    """The CSS of a formula's image from its SVG's root attributes (see `formula_svg()`)."""
    top, tall = (float(v) for v in viewbox.split()[1::2])
    depth = top + tall  # below the baseline (y = 0)
    style = f"width: {float(width) / SIZE:.3f}em; height: {float(height) / SIZE:.3f}em"
    if not display:
        style += f"; vertical-align: {-depth / SIZE:.3f}em"
    return style


_ROOT = re.compile(r'<svg [^>]*?width="([^"]+)" height="([^"]+)" viewBox="([^"]+)"')


LAYER_SIZES = (0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.7, 1.0)  # em: the text layer's few sizes (text_layer_size)
LAYER_CLASS = "layer-{}"  # the class of a layer of LAYER_SIZES[i] (emit/pdf/print_css.layer_css)


def text_layer_size(text: str, width_em: float) -> float:
    """The font size, in em, at which `text` in the text face is at most about `width_em` wide
    (a wide character, Chinese, counts twice): the largest of `LAYER_SIZES` that fits, the least
    where none does. A few sizes, not one a formula: WeasyPrint 70 without Pressroom's font
    patches crashed (a segmentation fault in `get_hb_object_data`) drawing a 50-article book as
    one document whose 167 formulas each had a size of their own; with eight sizes it does not."""
    columns = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text) or 1
    fits = width_em / (TEXT_ADVANCE * columns)
    return max([size for size in LAYER_SIZES if size <= fits] or [LAYER_SIZES[0]])


def text_layer_class(text: str, width_em: float) -> str:
    """The class that sets `text_layer_size()` on the layer."""
    return LAYER_CLASS.format(LAYER_SIZES.index(text_layer_size(text, width_em)))


def formula_file(mathml: str, display: bool, title: str, folder: Path) -> tuple[Path, str, str]:
    """`formula_svg()` kept as a file of `folder`, named by what it is drawn from (like highlighted
    code), so that a rebuild draws only the formulas it has not drawn before: the file, its SVG
    and its CSS (read again from the file's root element)."""
    import hashlib

    from ..cache import write_atomic

    key = hashlib.sha256("\0".join([engine_versions.installed("ziamath") or "", str(SIZE), mathml, str(display), title]).encode()).hexdigest()
    path = folder / f"{key[:40]}.svg"
    try:
        document = path.read_text(encoding="utf-8")
        root = _ROOT.match(document)
        if root:
            return path, document, _style(*root.groups(), display)
    except (OSError, ValueError):
        pass
    document, style = formula_svg(mathml, display, title)
    try:
        write_atomic(path, document.encode("utf-8"))
    except OSError:
        pass  # a cache that cannot be written costs the next build the drawing, nothing more
    return path, document, style
