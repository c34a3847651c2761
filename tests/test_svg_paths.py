"""weasyprint_patches/svg_paths.py: a path drawn by the one-pass reader gives the same PDF
operations, byte for byte, and the same vertices as WeasyPrint's own function; a `d` it does not
read (relative commands, arcs, commas, exponents, implicit repeats) goes to WeasyPrint's."""
from __future__ import annotations

import pytest

from pipeline.emit.pdf.weasyprint_patches import svg_paths

FORMULAS = [r"\frac{\partial L}{\partial w} = \sum_{i=1}^{n} x_i^2", r"\sqrt{\frac{a}{b}} \le \int_0^1 f(x)\,dx",
            r"\text{需求} = \frac{1}{\lambda}", r"\begin{aligned} a &= b \\ c &= d \end{aligned}"]
OTHERS = ["M 0 0 L 10 10 Z", "m 1 1 l 5 5 z", "M0,0 L10,10", "M 1e2 0 L 0 0", "M 0 0 L 1 1 2 2 3 3 Z",
          "M 0 0 A 5 5 0 0 1 10 10", "M 0 0 Q 1 1 2 2 T 4 4", "M 0 0 H 10 V 10 Z", "M.5.5 L1-1",
          "M 0 0 C 1 2 3 4 5 6 S 7 8 9 10", "Z M 1 1 L 2 2", "L 3 3 Z", "", "M 0 0 Z Z L 1 1"]


def _drawn(d: str, draw) -> tuple[bytes, list]:
    """The operations `draw` writes for a path `d`, and the vertices it notes."""
    import pydyf
    from weasyprint.svg import Node

    class Svg:  # what a path drawing reads of WeasyPrint's SVG object
        inner_width = inner_height = 100
        stream = pydyf.Stream()

        def point(self, x, y, font_size):
            from weasyprint.svg.utils import size
            return size(x, font_size, 100), size(y, font_size, 100)

    import xml.etree.ElementTree as ET

    from cssselect2 import ElementWrapper
    node = Node(ElementWrapper.from_xml_root(ET.fromstring(f'<path xmlns="http://www.w3.org/2000/svg" d="{d}"/>')), [])
    svg = Svg()
    svg.stream = pydyf.Stream()
    draw(svg, node, 12)
    return b"\n".join(x if isinstance(x, bytes) else str(x).encode() for x in svg.stream.stream), list(node.vertices)


def _formula_paths() -> list[str]:
    import xml.etree.ElementTree as ET

    from pipeline.math import svg
    from pipeline.math.tex import mend, to_mathml

    paths = []
    for tex in FORMULAS:
        document, _ = svg.formula_svg(to_mathml(mend(tex, True)[0], True), True)
        paths += [p.get("d") for p in ET.fromstring(document).iter("{http://www.w3.org/2000/svg}path")]
    return paths


@pytest.fixture(scope="module")
def original():
    from weasyprint.svg.path import path

    return path


def test_formula_glyphs_are_read_by_the_one_pass_reader_and_drawn_the_same(original):
    paths = _formula_paths()
    assert len(paths) > 30
    for d in paths:
        assert svg_paths._commands(d) is not None, d
        assert _drawn(d, svg_paths.path) == _drawn(d, original), d


def test_any_other_path_goes_to_weasyprints_own_function(original, monkeypatch):
    monkeypatch.setitem(svg_paths._state, "original", original)
    read = [d for d in OTHERS if svg_paths._commands(d) is not None]
    assert read == ["M 0 0 L 10 10 Z", "Z M 1 1 L 2 2", "L 3 3 Z", "", "M 0 0 Z Z L 1 1"]
    for d in OTHERS:
        assert _drawn(d, svg_paths.path) == _drawn(d, original), d


def test_a_path_drawn_again_gives_the_bytes_it_gave_the_first_time(original):
    """What a `d` drew is kept (`_DRAWN`): the second drawing of a glyph appends the same operations."""
    svg_paths._DRAWN.clear()
    d = _formula_paths()[0]
    first = _drawn(d, svg_paths.path)
    assert d in svg_paths._DRAWN
    assert _drawn(d, svg_paths.path) == first == _drawn(d, original)


def test_a_glyphs_placement_is_read_into_weasyprints_own_matrix():
    """`translate(x y)` and `translate(x y) scale(s)` (how ziamath_patch places a glyph) give the
    matrix WeasyPrint's parser gives, to the last bit and the sign of its zeros; anything else is its own."""
    import random

    from weasyprint.svg.utils import transform

    svg_paths._state.setdefault("transform", transform)
    rng = random.Random(7)
    strings = ["translate(0 0)", "translate(-0 -0.0)", "rotate(30)", "translate(1,2)", "scale(2)", "matrix(1 0 0 1 5 5)",
               "translate(1 2) rotate(3)", "translate(1e2 3)"]
    for _ in range(3000):
        strings.append(f"translate({rng.uniform(-300, 300):.{rng.randint(0, 3)}f} {rng.uniform(-300, 300):.3f})"
                       + rng.choice(["", " scale(0.7)", " scale(0.5)", " scale(1.25)"]))
    for string in strings:
        mine, theirs = svg_paths._transform(string, None, 12, 100).values, transform(string, None, 12, 100).values
        assert [repr(float(v)) for v in mine] == [repr(float(v)) for v in theirs], string
    assert svg_paths._transform("translate(1 2)", "3 4", 12, 100).values == transform("translate(1 2)", "3 4", 12, 100).values


def test_installed_and_taken_out_again():
    from weasyprint import svg
    from weasyprint.svg.path import path
    from weasyprint.svg.utils import transform

    try:
        assert svg_paths.install() and svg.TAGS["path"] is svg_paths.path and svg.transform is svg_paths._transform
    finally:
        svg_paths.uninstall()
    assert svg.TAGS["path"] is path and svg.transform is transform
