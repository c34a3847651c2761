"""weasyprint_patches/svg_glyphs.py: a formula's SVG drawn as placed glyph forms looks the same,
pixel for pixel, as WeasyPrint's own drawing of it; each outline is one form XObject of the
document however often it is drawn; an SVG with anything else goes to WeasyPrint's code."""
from __future__ import annotations

import base64
import subprocess
import xml.etree.ElementTree as ET

import pytest

from pipeline.emit.pdf.weasyprint_patches import svg_glyphs

from test_math import PATCH_CASES
from test_svg_paths import FORMULAS

NS = 'xmlns="http://www.w3.org/2000/svg"'
NOT_FLAT = [
    f'<svg {NS} width="10" height="10" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>',
    f'<svg {NS} width="10" height="10" viewBox="0 0 10 10"><path d="M 0 0 L 5 5 Z" fill="red"/></svg>',
    f'<svg {NS} width="10" height="10" viewBox="0 0 10 10"><path d="m 0 0 l 5 5 z"/></svg>',
    f'<svg {NS} width="10" height="10" viewBox="0 0 10 10"><path d="M 0 0 L 5 5 Z" stroke="black"/></svg>',
    f'<svg {NS} width="10" height="10" viewBox="0 0 10 10"><path d="M 0 0 L 5 5 Z" transform="rotate(5)"/></svg>',
    f'<svg {NS} width="10" height="10" viewBox="0 0 10 10"><g opacity="0.5"><path d="M 0 0 L 5 5 Z"/></g></svg>',
    f'<svg {NS} width="10" height="10" viewBox="0 0 10 10"><rect x="0" y="0" width="5" height="5" rx="1"/></svg>',
    f'<svg {NS} width="100%" height="10" viewBox="0 0 10 10"><path d="M 0 0 L 5 5 Z"/></svg>',
    f'<svg {NS} width="10" height="10"><path d="M 0 0 L 5 5 Z"/></svg>',
    f'<svg {NS} width="10" height="10" viewBox="0 0 10 10" preserveAspectRatio="none"><path d="M 0 0 L 5 5 Z"/></svg>',
]


def _documents() -> list[tuple[str, str]]:
    """The SVG and its CSS of each formula of the list of shapes the ziamath patch reaches."""
    from pipeline.math import svg
    from pipeline.math.tex import mend, to_mathml

    return [svg.formula_svg(to_mathml(mend(tex, True)[0], True), True) for tex in FORMULAS + PATCH_CASES]


def test_every_formula_drawn_by_ziamath_is_flat_and_other_svg_is_not():
    for document, _ in _documents():
        assert svg_glyphs.flat(ET.fromstring(document)) is not None, document[:300]
    for document in NOT_FLAT:
        assert svg_glyphs.flat(ET.fromstring(document)) is None, document


@pytest.fixture(scope="module")
def drawn_both_ways(tmp_path_factory):
    """A page of the formulas (twice each, inline and as blocks) laid out by WeasyPrint with the
    patch and without it: the two PDFs and their pages at 150 dpi."""
    import weasyprint

    folder = tmp_path_factory.mktemp("glyphs")
    images = "".join(
        f'<p>x <img style="{style}" src="data:image/svg+xml;base64,{base64.b64encode(doc.encode()).decode()}"> y</p>'
        for doc, style in _documents() * 2)
    html = f'<html><body style="font-size: 14pt">{images}</body></html>'
    pages = {}
    for way in ("patched", "plain"):
        (svg_glyphs.install if way == "patched" else svg_glyphs.uninstall)()
        try:
            pdf = folder / f"{way}.pdf"
            weasyprint.HTML(string=html).write_pdf(pdf)
        finally:
            svg_glyphs.uninstall()
        subprocess.run(["pdftoppm", "-r", "150", "-gray", str(pdf), str(folder / way)], check=True)
        pages[way] = (pdf, sorted(folder.glob(f"{way}-*.pgm")))
    return pages


def test_the_glyphs_are_drawn_where_weasyprint_draws_them(drawn_both_ways):
    from PIL import Image, ImageChops

    patched, plain = drawn_both_ways["patched"][1], drawn_both_ways["plain"][1]
    assert len(patched) == len(plain) >= 1
    for mine, theirs in zip(patched, plain):
        a, b = Image.open(mine), Image.open(theirs)
        assert a.getextrema() != (255, 255)  # the page has ink
        assert ImageChops.difference(a, b).getbbox() is None, mine.name


def test_each_outline_is_one_form_drawn_wherever_it_stands(drawn_both_ways):
    import pikepdf

    outlines = {p.get("d") for doc, _ in _documents() for p in ET.fromstring(doc).iter("{http://www.w3.org/2000/svg}path")}
    with pikepdf.open(drawn_both_ways["patched"][0]) as pdf:
        forms = [o for o in pdf.objects if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Form"
                 and str(next(iter(o.get("/BBox", [])), "")) != ""]
        names = {str(k) for page in pdf.pages for k in page.Resources.get("/XObject", {}).keys() if str(k).startswith("/G")}
        drawn = b"".join(page.Contents.read_bytes() if isinstance(page.Contents, pikepdf.Stream) else
                         b"".join(c.read_bytes() for c in page.Contents) for page in pdf.pages)
    assert len(names) == len(outlines - {""})
    assert len(forms) >= len(names)
    # every formula is on the page twice: each outline is drawn at least twice, from one form
    for name in names:
        assert drawn.count(f"{name} Do".encode()) >= 2, name
