"""MathML drawn as SVG for the PDF (WeasyPrint has no MathML): ziamath 0.13 with STIX Two Math.

`formula_svg()` gives an `<svg>` sized in em, so that a formula takes the size of the text around
it, and lowered by its depth (`vertical-align`), so that its baseline is the line's. Glyphs are
drawn as paths (`ziafont.config.svg2 = False`): ziamath's `<symbol>` ids would repeat across
formulas. Chinese inside `\\text{}` is drawn from the book's CJK face (`cjk_face.py`): `use_face()`
sets it for a part's formulas, and `_CJKFallback` finds a glyph there when the math font has
none. That class replaces ziamath's default math font (`zmath.loadedfonts['default']`, an
internal of ziamath 0.13): it is installed only on the versions in `ZIAMATH_VERSIONS`; elsewhere
formulas are drawn without it and `missing()` names the characters that would be boxes.
"""
from __future__ import annotations

import functools
import re
import xml.etree.ElementTree as ET
from importlib.metadata import version
from pathlib import Path

SIZE = 12.0  # ziamath draws at this size, the SVG's dimensions then divided into em: near the text's
# size in points, so that lengths MathML gives in pt (latex2mathml's `rowspacing="3pt"`) keep their proportion
ZIAMATH_VERSIONS = {"0.13"}
_TAG = re.compile(r"<[^>]*>")


@functools.lru_cache(maxsize=1)
def _ziamath():
    """ziamath, set up once per process: glyphs as paths, and the fallback face where it fits."""
    import ziafont
    import ziamath
    from ziamath import zmath
    from ziamath.mathfont import MathFont

    ziafont.config.svg2 = False
    if version("ziamath") in ZIAMATH_VERSIONS:
        class _CJKFallback(MathFont):
            fallback = None  # a ziafont.Font with the part's CJK characters (use_face)

            def findglyph(self, char, variant):
                if self.fallback is not None and self.glyphindex(char) == 0 \
                        and self.fallback.glyphindex(char) != 0:
                    return self.fallback.glyph(char)
                return super().findglyph(char, variant)

        zmath.loadedfonts["default"] = _CJKFallback(zmath.fontname)
    return ziamath


def _font():
    from ziamath import zmath

    _ziamath()
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
    if current is not None and all(current.glyphindex(c) for c in needed):
        return
    from .cjk_face import face_for

    face = face_for(needed, cache)
    if face is not None:
        import ziafont

        font.fallback = ziafont.Font(str(face))


def missing(mathml: str) -> list[str]:
    """The characters of a formula that neither the math font nor the fallback face can draw."""
    font = _font()
    fallback = getattr(font, "fallback", None)
    return sorted({c for c in text_of(mathml) if not c.isspace() and font.glyphindex(c) == 0
                   and not (fallback is not None and fallback.glyphindex(c))})


@functools.lru_cache(maxsize=4096)
def formula_svg(mathml: str, display: bool, title: str = "") -> str:
    """The formula as an `<svg>` element's markup, sized in em and set on the text's baseline;
    `title` (its LaTeX) is the `<title>` that WeasyPrint's tagged PDF gives the Figure as its Alt."""
    drawn = _ziamath().Math(mathml, size=SIZE, margin=0, title=title or None)
    svg = drawn.svgxml()
    width, height = float(svg.get("width")), float(svg.get("height"))
    top, tall = (float(v) for v in svg.get("viewBox").split()[1::2])
    depth = top + tall  # below the baseline (y = 0)
    svg.set("width", f"{width / SIZE:.3f}em")
    svg.set("height", f"{height / SIZE:.3f}em")
    svg.set("class", "formula-drawn")
    if not display:
        svg.set("style", f"vertical-align: {-depth / SIZE:.3f}em")
    return ET.tostring(svg, encoding="unicode")
