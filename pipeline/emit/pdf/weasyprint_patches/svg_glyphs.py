"""Formulas drawn as placed glyphs: WeasyPrint 70 draws an SVG image by building a tree of its own
over the XML, then for each element a cascade of its attributes, a graphics state and a transform
(`weasyprint/svg/__init__.py`): about 0.3 ms a glyph, and an article with formulas has 2,000 of
them. The formulas of the PDF are SVG drawn by ziamath (`math/svg.py`), and they are flat: a root
`<svg>` with a `viewBox`, a `<title>`, glyphs as `<path>`s of absolute commands, each placed by
`translate(x y)` or `translate(x y) scale(s)` (`math/ziamath_patch.py`), a stretched one as a
`<g>` of such pieces, and the bars of fractions and roots as `<rect>`s, all filled black.

`install()` replaces the class `weasyprint.images.get_image_from_uri` makes an SVG image with
(`images.SVGImage`) by a function that gives a `FlatSVG` for an SVG of only those elements and
attributes, and WeasyPrint's own `SVGImage` for any other. A `FlatSVG` draws what WeasyPrint's
code draws, the same sizes and the same transforms: each glyph outline (a path's `d`) becomes one
form XObject of the document, written once, and each occurrence of it a `cm` and a `Do` where
it stands; a rectangle is a `re`. The pages look the same (tests/test_engine_patches.py compares
pixels with the patches on and off; tests/test_svg_glyphs.py compares a page of formulas drawn
both ways). Written for WeasyPrint 70.0 (`engine_versions.SUPPORTED`): installed only there and
while the patches are on.
"""
from __future__ import annotations

import hashlib
import re

from .svg_paths import _PLACED, _commands, _draw

PACKAGE = "weasyprint"
_state: dict = {"original": None}
_NS = "{http://www.w3.org/2000/svg}"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_BLACK = (None, "black", "#000", "#000000")
_ALLOWED = {f"{_NS}path": {"d", "transform", "fill"},
            f"{_NS}rect": {"x", "y", "width", "height", "fill"},
            f"{_NS}title": set()}
_FORMS: dict = {}  # d -> (name, the form's content, its bounding box), for every document of the process
_KEEP = 20000


def _number(text: str | None) -> float | None:
    return float(text) if text is not None and _NUMBER.fullmatch(text) else None


def _operations(write) -> bytes:
    """What `write(stream)` draws on a fresh pydyf stream, as the bytes of one content stream."""
    import pydyf

    stream = pydyf.Stream()
    write(stream)
    return b"\n".join(stream.stream)


def _form(d: str) -> tuple | None:
    """The form XObject of an outline `d`: its name, content (the operations of WeasyPrint's own
    drawing of the path, `svg_paths._draw`, then a fill) and bounding box (of the path's points,
    control points too, which hold its curves); None where `svg_paths._commands()` cannot read `d`."""
    if d in _FORMS:
        return _FORMS[d]
    commands = _commands(d)
    form = None
    if commands is not None:
        xs = [x for _, numbers in commands for x in numbers[0::2]] or [0.0]
        ys = [y for _, numbers in commands for y in numbers[1::2]] or [0.0]

        def write(stream):
            _draw(stream, [], commands)
            stream.fill()

        name = "G" + hashlib.blake2b(d.encode(), digest_size=6).hexdigest()
        form = name, _operations(write), (min(xs) - 1, min(ys) - 1, max(xs) + 1, max(ys) + 1)
    if len(_FORMS) >= _KEEP:
        _FORMS.clear()
    _FORMS[d] = form
    return form


class FlatSVG:
    """An SVG of glyphs and rectangles, drawn as WeasyPrint's `SVGImage` draws it (see above)."""

    def __init__(self, width: float, height: float, viewbox: tuple, glyphs: list, rects: list):
        self._width, self._height, self._viewbox = width, height, viewbox
        self._glyphs, self._rects = glyphs, rects  # [(form, (scale, x, y))], [(x, y, width, height)]
        self._content = None

    def get_intrinsic_size(self, image_resolution, font_size):
        ratio = self._width / self._height if self._width and self._height else 1
        return self._width, self._height, ratio

    def _write(self, stream) -> None:
        """The image's own operations: black, each glyph's form where it stands, the bars."""
        stream.set_color_rgb(0, 0, 0)
        for (name, _, _), (scale, x, y) in self._glyphs:
            stream.push_state()
            stream.set_matrix(scale, 0, 0, scale, x, y)
            stream.draw_x_object(name)
            stream.pop_state()
        for box in self._rects:
            stream.rectangle(*box)
            stream.fill()

    def draw(self, stream, concrete_width, concrete_height, _style):
        # WeasyPrint's root <svg>: placed at x = y = 0, then its viewBox fitted (xMidYMid meet)
        vx, vy, vw, vh = self._viewbox
        scale = min(concrete_width / vw, concrete_height / vh)
        stream.push_state()
        stream.transform(a=scale, d=scale, e=(concrete_width - vw * scale) / 2 - vx * scale,
                         f=(concrete_height - vh * scale) / 2 - vy * scale)
        if self._content is None:
            self._content = _operations(self._write)
        xobjects = stream._resources["XObject"]
        for (name, content, box), _ in self._glyphs:
            if name not in xobjects:
                import pydyf

                xobjects[name] = pydyf.Stream([content], pydyf.Dictionary({
                    "Type": "/XObject", "Subtype": "/Form", "BBox": pydyf.Array(box)}), compress=stream.compress)
        stream.stream.append(self._content)
        stream.pop_state()


def _leaves(parent):
    """The elements under `parent`, those of a group that only fills black in its stead
    (ziamath's stretched glyphs: `<g fill="black">` around their pieces)."""
    for node in parent:
        if node.tag == f"{_NS}g" and set(node.attrib) <= {"fill"} and node.get("fill") in _BLACK:
            yield from _leaves(node)
        else:
            yield node


def flat(tree) -> FlatSVG | None:
    """`tree` (an SVG document's root element) as a `FlatSVG`, or None where it holds anything
    else than what one draws."""
    if tree.tag != f"{_NS}svg" or set(tree.attrib) - {"width", "height", "viewBox"}:
        return None
    width, height = _number(tree.get("width")), _number(tree.get("height"))
    viewbox = [_number(v) for v in (tree.get("viewBox") or "").split()]
    if width is None or height is None or len(viewbox) != 4 or None in viewbox or viewbox[2] <= 0 or viewbox[3] <= 0:
        return None
    glyphs, rects = [], []
    for node in _leaves(tree):
        allowed = _ALLOWED.get(node.tag)
        if allowed is None or set(node.attrib) - allowed or len(node) or node.get("fill") not in _BLACK:
            return None
        if node.tag == f"{_NS}path":
            placed = _PLACED.fullmatch(node.get("transform", "translate(0 0)"))
            if placed is None:
                return None
            d = node.get("d", "")
            if not d.strip():
                continue  # an empty path draws nothing
            form = _form(d)
            if form is None:
                return None  # a path drawn in a way of its own: WeasyPrint's code draws the image
            x, y, scale = placed.groups()
            glyphs.append((form, (float(scale) if scale is not None else 1.0, float(x), float(y))))
        elif node.tag == f"{_NS}rect":
            box = [_number(node.get(k)) for k in ("x", "y", "width", "height")]
            if None in box:
                return None
            if box[2] > 0 and box[3] > 0:
                rects.append(tuple(box))
    return FlatSVG(width, height, tuple(viewbox), glyphs, rects)


def _svg_image(tree, base_url, url_fetcher, context):
    """What `images.get_image_from_uri` makes of an SVG document: a `FlatSVG` where it is one."""
    return flat(tree) or _state["original"](tree, base_url, url_fetcher, context)


def install(cache_folder=None) -> bool:
    from ....engine_versions import written_for

    if not written_for(PACKAGE):
        return False
    from weasyprint import images

    if _state["original"] is None:
        _state["original"] = images.SVGImage
        images.SVGImage = _svg_image
    return True


def uninstall() -> None:
    """WeasyPrint's own SVG images again."""
    if _state["original"] is not None:
        from weasyprint import images

        images.SVGImage = _state["original"]
        _state["original"] = None
