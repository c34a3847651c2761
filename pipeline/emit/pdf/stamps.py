"""Step 3, stamps: takes the running heads and the laid-out stamp document; gives where each page's
head and folio are drawn from. Running heads and folios printed from stamps. The furniture of a page (its running head and
folio, print.css's margin boxes) was a page of its own in a document of empty pages laid out by
WeasyPrint once the page numbers were known: 6 ms a page, 3.6 s of CPU for 569 pages, after
the parts. Instead, a small document of stamps is laid out with the parts, from the same CSS:
a page for each running head on each side, one for each digit on each side, and one with all
ten digits (`document()`). The join draws a page's head from its head's stamp and its folio from
the digits' stamps, each moved across to where the number, set as one, would put that digit
(`plan()`); each stamp is one form XObject, drawn on every page that uses it.

This holds where a stylesheet sets the heads and the folio in margin boxes of different halves
of the page (top and bottom), and the folio alone in its half, its digits side by side as the
ten-digit stamp shows (no kerning, one alignment). Where it does not, `plan()` says so and the
furniture is laid out page by page as before (`print_html.furniture()`).
"""
from __future__ import annotations

from . import print_html
from .weasyprint_patches import page_box

DIGITS = "0123456789"
SIDES = ("right", "left")  # the stamp document's pages alternate, a right-hand page first
PX_PT = 0.75


def pages(heads: list[tuple[str, str]]) -> list[tuple]:
    """What each page of the stamp document prints: (kind, side, what), kind "head" (a pair of
    book title and part title), "digit" or "check" (the ten digits as one number)."""
    out = []
    for pair in dict.fromkeys(heads):
        out += [("head", side, pair) for side in SIDES]
    for d in DIGITS:
        out += [("digit", side, d) for side in SIDES]
    return out + [("check", side, DIGITS) for side in SIDES]


def document(book, heads: list[tuple[str, str]]) -> str:
    """The stamp document: furniture pages (`print_html.furniture()`), blank where a stamp has none."""
    return print_html.furniture(book, [(*what, "") if kind == "head" else ("", "", what)
                                     for kind, _, what in pages(heads)])


def _texts(box) -> list:
    out, stack = [], [box]
    while stack:
        b = stack.pop()
        if type(b).__name__ == "TextBox" and b.text:
            out.append([b.text, b.position_x, b.width])
        stack.extend(reversed(getattr(b, "children", None) or []))
    return out


def margins(document) -> list:
    """For each laid-out page: its margin boxes with text, as [at-keyword, in the top half,
    [[text, x, width], ...]] (CSS px from the page's left edge)."""
    out = []
    for page in document.pages:
        pb = page_box(page)
        middle = pb.margin_height() / 2
        rows = []
        for box in pb.children:
            if type(box).__name__ == "MarginBox":
                texts = _texts(box)
                if texts:
                    rows.append([box.at_keyword, box.position_y + box.margin_height() / 2 < middle, texts])
        out.append(rows)
    return out


def plan(heads: list[tuple[str, str]], laid: list) -> dict | None:
    """How to stamp: for each side, the page of each head and digit in the stamp document, the half
    holding the folio, and where a folio of any digits starts; None where the stamps cannot
    print what the furniture would (`laid`: `margins()` of the stamp document)."""
    kinds = pages(heads)
    if len(laid) != len(kinds):
        return None
    sides: dict = {side: {"heads": {}, "digits": {}} for side in SIDES}
    for index, ((kind, side, what), rows) in enumerate(zip(kinds, laid)):
        s = sides[side]
        if kind == "head":
            s["heads"][what] = index
            continue
        if len(rows) != 1 or len(rows[0][2]) != 1 or rows[0][2][0][0] != what:
            return None  # the folio shares its half, is set in pieces, or is not printed alone
        keyword, top, [[_, x, width]] = rows[0]
        if s.setdefault("folio", (keyword, top)) != (keyword, top):
            return None
        if kind == "digit":
            s["digits"][what] = (index, x, width)
        else:
            s["check"] = (x, width)
    for side in SIDES:
        s = sides[side]
        keyword, top = s["folio"]
        for index in s["heads"].values():  # nothing of a head's page in the folio's half
            if any(row[1] == top for row in laid[index]):
                return None
        x, width = s["check"]
        digits = s["digits"]
        if abs(sum(w for _, _, w in digits.values()) - width) > 0.01:
            return None  # kerning or spacing between digits: a number is not its digits side by side
        lefts = {round(dx, 2) for _, dx, _ in digits.values()}
        rights = {round(dx + w, 2) for _, dx, w in digits.values()}
        centres = {round(dx + w / 2, 2) for _, dx, w in digits.values()}
        if lefts == {round(x, 2)}:
            s["align"] = ("left", x)
        elif rights == {round(x + width, 2)}:
            s["align"] = ("right", x + width)
        elif centres == {round(x + width / 2, 2)}:
            s["align"] = ("centre", x + width / 2)
        else:
            return None
    return sides


def stamps_for(sides: dict, side: str, pair: tuple[str, str], folio: str) -> list[tuple[int, bool, float]]:
    """The stamps of one page: (stamp page, its top half or bottom half, points across)."""
    s = sides[side]
    top = s["folio"][1]
    out = [(s["heads"][pair], not top, 0.0)]
    widths = [s["digits"][d][2] for d in folio]
    align, at = s["align"]
    x = at if align == "left" else at - sum(widths) if align == "right" else at - sum(widths) / 2
    for d, width in zip(folio, widths):
        index, stamp_x, _ = s["digits"][d]
        out.append((index, top, round((x - stamp_x) * PX_PT, 3)))
        x += width
    return out
