"""Two patches of ziamath 0.13's internals, which draw the same formulas in a fifth of the time.

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
display style), never the nested variant, which it takes from the parent itself.

What they saved: `make bench-math` (bench/math_cost.py) and the figures in the README's Formulas
section. Written for ziamath 0.13 (`engine_versions.SUPPORTED`); on another version, or with
`PRESSROOM_ENGINE_PATCHES=0`, it stays off and formulas are drawn by ziamath's own code, slower,
the same.
"""
from __future__ import annotations

from .. import engine_versions

PACKAGE = "ziamath"  # the versions it was written for: engine_versions.SUPPORTED
_EMPTY_ROW = (9999, -9999)  # what ziamath's own trial gives for a row with nothing in it
_state: dict = {"original": None}


def install() -> bool:
    """The patch in place (once); False where ziamath is not a version it was written for, or
    the patches are switched off (`PRESSROOM_ENGINE_PATCHES=0`)."""
    if not engine_versions.written_for(PACKAGE) or not engine_versions.patches_on():
        return False
    from ziamath.nodes.mrow import Mrow

    if _state["original"] is None:
        from ziamath import styles

        original = Mrow._get_height_nostretch

        def _get_height_nostretch(self, line, **kwargs):
            if kwargs.get("nostretch"):  # a row inside another row's trial: its height is not needed
                return kwargs.get("rowymin", _EMPTY_ROW[0]), kwargs.get("rowymax", _EMPTY_ROW[1])
            return original(self, line, **kwargs)

        _state["original"], _state["asdict"] = original, styles.asdict
        Mrow._get_height_nostretch = _get_height_nostretch
        styles.asdict = _shallow_fields
    return True


def _shallow_fields(style) -> dict:
    """A style dataclass's fields as a dict, its values not copied (see 2. above)."""
    return dict(vars(style))


def uninstall() -> bool:
    """ziamath's own function again (for the comparison in the tests); True if it was replaced."""
    if _state["original"] is None:
        return False
    from ziamath import styles
    from ziamath.nodes.mrow import Mrow

    Mrow._get_height_nostretch = _state["original"]
    styles.asdict = _state["asdict"]
    _state["original"] = None
    return True
