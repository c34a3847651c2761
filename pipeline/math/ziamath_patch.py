"""Nine patches of ziamath 0.13's internals, which draw the same formulas in a tenth of the time.

1. A row's trial layout no longer repeats itself at each depth. What it replaces:
`ziamath.nodes.mrow.Mrow._get_height_nostretch`. To size its stretchy operators
(`\\left(`, `\\right]`, a tall `|`) an `<mrow>` first lays out each of its children once with the
stretchy operators left out of their boxes (`nostretch`), to learn the row's height, then lays them
out again for real. An `<mrow>` inside that trial does the same: it lays out its own children twice,
so a formula's cost doubles with each level of nested rows (2^depth). latex2mathml nests a row for
each group, fraction part and script: the corpus's `aligned` blocks (8 of them) took 16 s of the
27 s its 163 formulas took to draw.

Why it gives the same drawing: a row laid out inside a trial (`nostretch` set) reports heights
without its stretchy operators, whatever size they are given; the height its own trial would learn
only chooses those operators' sizes. So inside a trial a row takes the row height it inherited (or
none) instead of working out its own. `tests/test_math.py` draws every formula of a list made to
reach the difference (fences in fences, braces over fences, matrices, cases, roots of fractions)
and of the corpus both ways and compares the SVG text.

2. A node's style no longer deep-copies its parent's. What it replaces: the `asdict` that
`ziamath.styles.parse_style` calls (a recursive copy of the parent's style dataclass, for each of
the 12,000 nodes of the corpus's formulas: a quarter of the drawing time), by a shallow one.
`parse_style` reads only the parent's plain values from that copy (colour, size, script level,
display style), never the nested variant, which it takes from the parent itself. And it reads
the node's attributes over that copy from one dict, not a `ChainMap` of the two (`styles.ChainMap`:
the same lookups, a tenth of their cost).

3. A glyph's outline is written once, then placed. What it replaces: `ziafont.glyph.SimpleGlyph.place`
with `svg2` off (`svg.py` draws glyphs as paths), which writes every occurrence of a glyph as a
path of its own, each of its points moved to where the glyph stands and formatted again (a quarter
of ziamath's drawing time went to formatting those numbers), and WeasyPrint then reads and writes
them all again. Now a glyph's path is written once per process at the origin, in 12-point units
(`SimpleGlyph.svgpath()` at 0, 0, scale 1, as `svg2`'s `<symbol>` has it), and each occurrence is
that same path with `transform="translate(x y) scale(s)"`: the same outline at the same place (a
point ziamath would write at `x + px * s` is drawn there by the transform, to within its 0.001
rounding), and the PDF writes one path a glyph (`weasyprint_patches/svg_paths.py` keeps what it
drew by the path's `d`). Glyphs of ziamath's own kinds (a stretched assembly, `AssembledGlyph`) are
placed by its own code. `tests/test_math.py` draws a list of formulas made to reach what the
patches change both ways and compares every point.

4. A length is converted once. What it replaces: `ziamath.nodes.mnode.Mnode.size_px`, a pure
function of the length's text and the font size that builds a table of 14 named spaces on each of
its 17,000 calls for the corpus's formulas; its answers are kept by those two arguments.

5. A row with nothing to stretch skips its trial. What it changes: the same
`Mrow._get_height_nostretch` as 1., outside a trial. The trial (1. above) lays out every child of
a row a first time only to learn the height its stretchy operators take; it is read by nothing
else (`rowymin`, `rowymax`: `Moperator._setup`, for a stretchy operator only). Where no element
of the row, at any depth, is a stretchy operator (nor an `<mfenced>`, whose fences are), the
trial is skipped: 1,042 of the corpus's 1,306 rows, and a third of ziamath's time. The test that
compares every point (3. above) draws the corpus's formulas and a list made to reach it (fences
under scripts, arrows, bars) both ways.

6. Its import no longer compiles a pattern of 2,079 names. What it replaces: `ziamath.escapes`,
whose import compiles one regular expression of every named entity ziamath knows (`&alpha;`...)
and four signs (`:=`, `==`...), 0.15 s of CPU in each process that draws a formula (its import
was 0.2 s), to replace them in a formula's MathML text (`unescape`). `before_import()` puts a module
of the same name in its place, before ziamath is imported, whose `unescape` finds the same
matches with a pattern of five alternatives: every one of those names is `&`, letters or digits,
`;`, so where one of them matches, the short pattern matches the same characters, and where it
finds a name ziamath does not know it leaves it as it is, as ziamath's finds nothing there. The
rest of `unescape` is ziamath's own two lines. `tests/test_math.py` compares the two on the
corpus's formulas and on a text of every name and sign.

7. A trial's copy of a row's children is a copy, not a document written out and read again.
What it replaces: the body of `Mrow._get_height_nostretch` (the trial of 1. and 5.), which
lays out a copy of each child of the row (its layout may set attributes on the elements: the
copy keeps the row's own as they are) made by `ET.fromstring(ET.tostring(child))`: writing
and parsing that XML was a fifth of ziamath's time on the corpus's formulas. `copy.deepcopy`
of the element makes the same tree (tags, attributes, text; ziamath reads no `tail`) twenty
times faster. The rest of the trial is ziamath's own lines (`_trial`).

8. A formula without `<mstyle>` is not written out and read again. What it replaces:
`ziamath.zmath.apply_mstyle`, which moves the attributes of each `<mstyle>` onto its children
and then removes the `<mstyle>` tags from the formula written out as XML (a regular expression),
reading the result again: 7 % of ziamath's time. Where the formula holds no `<mstyle>` the
attributes move nowhere and the expressions remove nothing, so the tree read again is the tree
given (ziamath made it from the formula's text, and nothing else holds it): it is returned as it
is. A formula with an `<mstyle>` goes to ziamath's own function.

9. Its import no longer imports its LaTeX front end. What it replaces: `ziamath.tex`, which
`ziamath.zmath` imports for `Latex` and `Math.fromlatex` (LaTeX through latex2mathml), and which
imports latex2mathml: 0.06 s of the 0.17 s ziamath's import takes, in the build's process, which
draws formulas from their MathML only (the math stage, in the chapter workers, made it).
`before_import()` puts in its place a module of the same name whose `tex2mml` loads ziamath's
own `tex.py` the first time it is called, and calls it; the operators ziamath declares at import
(`\\tg`, `\\sh`, `\\arg`...: names added to latex2mathml's functions, for every user of latex2mathml
in the process) are declared then. So drawing a formula no longer changes what latex2mathml
makes of LaTeX in the same process (the math stage, with `--jobs 1` or in `pressroom serve`).
`tests/test_math.py` checks both, and draws a formula through ziamath's `Latex` after it.

What they saved: `make bench-math` (bench/math_cost.py) and the figures in the README's Formulas
section. Written for ziamath 0.13 and ziafont 0.11 (`engine_versions.SUPPORTED`); on another version, or with
`PRESSROOM_ENGINE_PATCHES=0`, it stays off and formulas are drawn by ziamath's own code, slower,
the same.
"""
from __future__ import annotations

import functools
import re
import sys
import types
import xml.etree.ElementTree as ET

from .. import engine_versions

PACKAGE = "ziamath"  # the versions it was written for: engine_versions.SUPPORTED
PACKAGES = (PACKAGE, "ziafont")  # 3. replaces a method of ziafont's
_EMPTY_ROW = (9999, -9999)  # what ziamath's own trial gives for a row with nothing in it
_state: dict = {"original": None}


def before_import() -> None:
    """6. and 9. above: `ziamath.escapes` and `ziamath.tex` replaced before ziamath is imported
    (once, where the patch applies)."""
    if "ziamath" in sys.modules or not _applies():
        return
    module = types.ModuleType("ziamath.escapes", "ziamath's escapes, without the import-time pattern (pipeline.math.ziamath_patch 6.)")
    module.unescape = _unescape
    sys.modules["ziamath.escapes"] = module
    tex = types.ModuleType("ziamath.tex", "ziamath's LaTeX front end, loaded when first called (pipeline.math.ziamath_patch 9.)")
    tex.tex2mml = lambda *args, **kwargs: _tex().tex2mml(*args, **kwargs)
    tex.declareoperator = _declare
    sys.modules["ziamath.tex"] = tex


_DECLARED: list[str] = []  # operator names ziamath declared (its import declares ten) before its `tex.py` was loaded


def _declare(name: str) -> None:
    """ziamath's `declareoperator`, kept until its `tex.py` is loaded: it adds the name to
    latex2mathml's functions, for every user of latex2mathml in the process (the math stage too,
    where a process drew formulas before it converted LaTeX); now only once ziamath reads LaTeX."""
    if _tex.cache_info().currsize:
        _tex().declareoperator(name)
    else:
        _DECLARED.append(name)


@functools.cache
def _tex():
    """ziamath's own `tex.py` (9. above), loaded from its file under another name (`ziamath.tex` is
    the stand-in), with the operators ziamath declared meanwhile."""
    import importlib.util
    from pathlib import Path

    import ziamath

    spec = importlib.util.spec_from_file_location("ziamath._tex", Path(ziamath.__file__).parent / "tex.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["ziamath._tex"] = module
    spec.loader.exec_module(module)
    for name in _DECLARED:
        module.declareoperator(name)
    return module


def _applies() -> bool:
    return all(engine_versions.written_for(name) for name in PACKAGES) and engine_versions.patches_on()


def install() -> bool:
    """The patch in place (once); False where ziamath is not a version it was written for, or
    the patches are switched off (`PRESSROOM_ENGINE_PATCHES=0`)."""
    if not _applies():
        return False
    from ziamath import zmath
    from ziamath.nodes.mrow import Mrow

    zmath.unescape = _unescape

    if _state["original"] is None:
        from ziamath import styles

        original = Mrow._get_height_nostretch

        def _get_height_nostretch(self, line, **kwargs):
            if kwargs.get("nostretch"):  # a row inside another row's trial: its height is not needed
                return kwargs.get("rowymin", _EMPTY_ROW[0]), kwargs.get("rowymax", _EMPTY_ROW[1])
            if not _stretches(line):  # nothing the trial would size (5. below)
                return _EMPTY_ROW
            return _trial(self, line, **kwargs)

        _state["original"], _state["asdict"] = original, styles.asdict
        Mrow._get_height_nostretch = _get_height_nostretch
        styles.asdict = _shallow_fields
        from ziafont.config import config
        from ziafont.glyph import CompoundGlyph, EmptyGlyph, SimpleGlyph
        from ziafont.svgpath import fmt
        from ziamath.nodes.mnode import Mnode

        _state["apply_mstyle"] = zmath.apply_mstyle
        zmath.apply_mstyle = _apply_mstyle
        _state["glyphs"] = config, (SimpleGlyph, CompoundGlyph, EmptyGlyph), fmt  # what _place reads
        _state["place"], _state["ChainMap"], _state["size_px"] = SimpleGlyph.place, styles.ChainMap, Mnode.size_px
        SimpleGlyph.place = _place
        styles.ChainMap = _merged
        Mnode.size_px = _size_px
    return True


_FORMS = ("prefix", "infix", "postfix", "none")


def _stretches(line) -> bool:
    """Whether anything in a row's elements (at any depth) may stretch to the row's height (see 5.
    above): an `<mfenced>` (its fences), or an operator (an `<mo>`, or an `<mi>` ziamath makes
    one) that is stretchy by its attribute or, without one, in any form of ziamath's table."""
    from ziamath import operators
    from ziamath.nodes.nodetools import elementtext

    for child in line:
        for element in child.iter():
            tag = element.tag
            if tag == "mfenced":
                return True
            if tag != "mo" and not (tag == "mi" and elementtext(element) in operators.names):
                continue
            stretchy = element.get("stretchy")
            if stretchy is not None:
                if stretchy != "false":
                    return True
                continue
            text = elementtext(element)
            if any(operators.operators.get((text, form), {}).get("stretchy", "false") != "false" for form in _FORMS):
                return True
    return False


def _trial(row, line, **kwargs) -> tuple[float, float]:
    """ziamath's `Mrow._get_height_nostretch`, each child copied by `copy.deepcopy` (see 7. above)."""
    import copy

    from ziamath.nodes.mnode import Mnode
    from ziamath.nodes.nodetools import elementtext

    ymax, ymin = -9999, 9999
    kwargs["nostretch"] = True  # (ziamath's comment) tell child elements not to include stretchy operators in bbox
    for child in line:
        if child.tag == "mo" and elementtext(child) == "":
            continue
        node = Mnode.fromelement(copy.deepcopy(child), parent=row, **kwargs)
        ymax = max(ymax, node.bbox.ymax)
        ymin = min(ymin, node.bbox.ymin)
    return ymin, ymax


def _apply_mstyle(element):
    """ziamath's `apply_mstyle`, where there is an `<mstyle>` to apply (see 8. above)."""
    if next(element.iter("mstyle"), None) is None:
        return element
    return _state["apply_mstyle"](element)


def _merged(first, second) -> dict:
    """`ChainMap(first, second)` for reading (see 2. above): one dict, `first` over `second`."""
    merged = dict(second)
    merged.update(first)
    return merged


def _size_px(self, size, fontsize=None):
    """`Mnode.size_px`, its answer kept (see 4. above)."""
    return _length(size, self.glyphsize if fontsize is None else fontsize)


@functools.lru_cache(maxsize=4096)
def _length(size, fontsize: float) -> float:
    """ziamath's `size_px` for a length and a font size (it reads its node only for a font size not given)."""
    return _state["size_px"](None, size, fontsize)


_OUTLINES: dict = {}  # (font file, glyph index) -> the glyph's path at the origin, or None (no contour)


def _place(self, x: float, y: float, point_size: float):
    """`SimpleGlyph.place` with `svg2` off: the glyph's one path, moved and scaled (see 3. above)."""
    config, kinds, fmt = _state["glyphs"]
    if config.svg2 or type(self) not in kinds:
        return _state["place"](self, x, y, point_size)
    key = (self.font.info.filename, self.index)
    if key not in _OUTLINES:
        if len(_OUTLINES) > 20000:
            _OUTLINES.clear()
        element = self.svgpath()
        _OUTLINES[key] = element.get("d") if element is not None else None
    d = _OUTLINES[key]
    if d is None:
        return None
    scale = point_size / self.DFLT_SIZE_PT
    transform = f"translate({fmt(x)} {fmt(y)})" + (f" scale({scale:.6g})" if scale != 1 else "")
    return ET.Element("path", attrib={"d": d, "transform": transform})


_SIGNS = {":=": "≔", r"\*=": "⩮", "==": "⩵", "!=": "≠", "&InvisibleComma;": "", "&InvisibleTimes;": ""}  # escapes.py's own
_NAME_OR_SIGN = re.compile(r"&[A-Za-z0-9]+;|:=|\\\*=|==|!=")  # what each of its names and signs matches


@functools.lru_cache(maxsize=1)
def _escapes() -> dict:
    from ziamath import escape_codes  # a table of names, nothing compiled

    return {**escape_codes.ESCAPES, **_SIGNS}


def _unescape(xmlstr: str) -> str:
    """`ziamath.escapes.unescape`, its names found by a short pattern (see 6. above)."""
    escapes = _escapes()
    xml = _NAME_OR_SIGN.sub(lambda match: escapes.get(match.group(0), match.group(0)), xmlstr)
    xml = re.sub(r"<mn.*>\s*-", "<mn>−", xml)  # ziamath's own two lines
    return re.sub(r"<mo.*>\s*-\s*</mo>", "<mo> − </mo>", xml)


@functools.lru_cache(maxsize=1)
def original_unescape():
    """ziamath's own `unescape`, from its file (its pattern compiled: for the tests' comparisons)."""
    import importlib.util
    from pathlib import Path

    import ziamath

    spec = importlib.util.spec_from_file_location("ziamath._original_escapes", Path(ziamath.__file__).parent / "escapes.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.unescape


def _shallow_fields(style) -> dict:
    """A style dataclass's fields as a dict, its values not copied (see 2. above)."""
    return dict(vars(style))


def uninstall() -> bool:
    """ziamath's own function again (for the comparison in the tests); True if it was replaced."""
    if _state["original"] is None:
        return False
    from ziafont.glyph import SimpleGlyph
    from ziamath import styles, zmath
    from ziamath.nodes.mnode import Mnode
    from ziamath.nodes.mrow import Mrow

    zmath.unescape = original_unescape()
    zmath.apply_mstyle = _state["apply_mstyle"]
    Mrow._get_height_nostretch = _state["original"]
    styles.asdict = _state["asdict"]
    SimpleGlyph.place, styles.ChainMap, Mnode.size_px = _state["place"], _state["ChainMap"], _state["size_px"]
    _state["original"] = None
    return True
