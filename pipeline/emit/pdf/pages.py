"""Step 2 (with `parts.py`): takes a laid-out document; gives how full each page is and, where a
figure should move, the changed HTML. The measure of how full each laid-out page is (the page's
geometry: `pipeline/page_geometry.py`), with the one correction CSS cannot make in WeasyPrint (no page floats): a figure that
would leave a page more than a third empty moves past the paragraphs after it, as a float does
in a printed book, or is scaled down to fit what is left. `parts.lay_out()` lays the part out
again after each round of corrections (at most `[pdf] figure_passes`), from the first page that
changed on (`weasyprint_patches/relayout.py`).
"""
from __future__ import annotations

from ...model import Book
from ...page_geometry import geometry
from .weasyprint_patches.justify import CJK
from .weasyprint_patches import page_box

MAX_EMPTY = 1 / 3  # of the text block: a page may end this much short, no more


# ---------- how full a page is, and figures that leave it too empty ----------

OUTSIDE_TEXT = ("MarginBox", "FootnoteAreaBox")  # running heads, folios, footnotes: not the text


def _bottom(box) -> float:
    """The lowest drawn edge under `box`, ignoring page margin boxes and the footnote area."""
    low = 0.0
    stack = [box]
    while stack:
        b = stack.pop()
        children = getattr(b, "children", None)
        if children:
            stack.extend(c for c in children if type(c).__name__ not in OUTSIDE_TEXT)
        elif getattr(b, "height", None) is not None and type(b).__name__ != "PageBox":
            if type(b).__name__ == "TextBox" and not b.text.strip():
                continue
            low = max(low, b.position_y + b.margin_height())
    return low


def page_fill(document) -> list[float]:
    """How much of each page's text block is used, 0 to 1: down to its lowest drawn box, plus the
    footnote area at its foot (the white between the two is what is empty)."""
    out = []
    for page in document.pages:
        pb = page_box(page)
        top = pb.margin_top + pb.padding_top + pb.border_top_width
        height = pb.height
        html = [c for c in pb.children if type(c).__name__ not in OUTSIDE_TEXT]
        notes = sum(c.margin_height() for c in pb.children
                    if type(c).__name__ == "FootnoteAreaBox" and c.children)
        low = max((_bottom(c) for c in html), default=0.0)
        out.append(max(0.0, min(1.0, (low - top + notes) / height)) if low else 0.0)
    return out


def starts(document, ids: list[str]) -> set[int]:
    """The pages on which the given ids (chapters, back matter) start: the first page holding
    each (an element's id is an anchor on every page its box runs over)."""
    first = {}
    for i, page in enumerate(document.pages):
        for a in page.anchors:
            first.setdefault(a, i)
    return {first[a] for a in ids if a in first}


def underfull(document, book: Book) -> list[tuple[int, float]]:
    """Pages of the main matter used less than 2/3, where the next page continues the same part."""
    ids = [ch.id for ch in book.chapters] + ["credits"]
    opening = starts(document, ids)
    if not opening:
        return []
    fill = page_fill(document)
    first = min(opening)
    return [(i, f) for i, f in enumerate(fill)  # a blank verso after it: the part ends there
            if i >= first and i + 1 < len(fill) and i + 1 not in opening and fill[i + 1] > 0
            and 0 < f < 1 - MAX_EMPTY]


HEADINGS = {"h2", "h3", "h4", "h5", "h6"}
FLOWING = {"p", "ul", "ol", "blockquote", "dl"}


def _first_figure(page):
    """(box, height above it) of a figure at the top of `page`, under at most one heading: what a
    gap on the page before left behind (a heading is kept with what follows it)."""
    stack = [c for c in page_box(page).children if type(c).__name__ not in OUTSIDE_TEXT]
    above = 0.0
    while stack:
        b = stack.pop(0)
        tag = getattr(b, "element_tag", "")
        el = getattr(b, "element", None)
        if tag == "figure" and el is not None and el.get("id"):
            return b, above
        if tag in HEADINGS | {"hr"} and type(b).__name__ == "BlockBox":
            above += b.margin_height()  # a heading or scene break is kept with what follows
            continue
        if type(b).__name__ in ("LineBox", "TextBox") or tag in ("p", "pre", "table", "ul", "ol", "blockquote"):
            return None, 0.0  # text came first
        stack[:0] = list(getattr(b, "children", []) or [])
    return None, 0.0


def _image_heights(box) -> list[float]:
    """The heights of the images in a figure's box, in document order."""
    out, stack = [], [box]
    while stack:
        b = stack.pop(0)
        if getattr(b, "element_tag", "") == "img":
            out.append(b.height)
        stack[:0] = list(getattr(b, "children", []) or [])
    return out


def _text_height(el, book: Book) -> float:
    """About how tall a paragraph sets (CSS px): its characters over a line's, by the line height."""
    g = geometry(book)
    units = sum(1.0 if CJK.match(c) else 0.55 for c in el.get_text())
    lines = max(1, -(-units // (g.text_width * 72 / g.font_pt)))
    return lines * g.font_pt * (1.75 if book.config.is_cjk else 1.5) * 96 / 72


def _defer(soup, fig_id: str, gap: float, slack: float, book: Book) -> bool:
    """Move a figure past the paragraphs that follow it, enough to fill `gap`, but not so much that
    what runs over to the next page (more than `slack`) leaves the figure no room there again.
    Never past a heading, a code block or another figure."""
    fig = soup.find(id=fig_id)
    if fig is None:
        return False
    filled, last = 0.0, None
    nxt = fig.find_next_sibling()
    while nxt is not None and nxt.name in FLOWING and filled < gap:
        height = _text_height(nxt, book)
        if filled + height > gap + slack:
            break
        filled, last = filled + height, nxt
        nxt = nxt.find_next_sibling()
    if last is None:
        return False
    last.insert_after(fig.extract())
    return True


def _shrink(soup, fig_id: str, heights: list[float], ratio: float) -> bool:
    """Scale a figure's images down by `ratio`."""
    imgs = (soup.find(id=fig_id) or soup).find_all("img")
    if not imgs or len(imgs) != len(heights):
        return False
    for img, height in zip(imgs, heights):
        img["style"] = f"max-height: {height * ratio:.0f}px"
    return True


def place_figures(document, book: Book, soup, pages: list[int] | None = None) -> list[str]:
    """For each page left too empty by the figure after it: move the figure past the text that
    follows, or else scale it down to fit the gap (keeping at least 60% of its height). The
    figures' ids; the index of each page so changed into `pages` (nothing before it changes)."""
    placed = []
    pages = [] if pages is None else pages
    for i, fill in underfull(document, book):
        text_height = page_box(document.pages[i]).height
        box, above = _first_figure(document.pages[i + 1])
        if box is None:
            continue
        fig_id = box.element.get("id")
        gap = (1 - fill) * text_height - above - 12  # a little air for the figure's margins
        if _defer(soup, fig_id, gap, text_height - box.margin_height(), book):
            placed.append(fig_id)
            pages.append(i)
            continue
        heights = _image_heights(box)
        img = sum(heights)
        ratio = (img - (box.margin_height() - gap)) / img if img else 0
        if 0.6 <= ratio < 1 and _shrink(soup, fig_id, heights, ratio):
            placed.append(fig_id)
            pages.append(i)
    return placed




def image_resolutions(document) -> list[list]:
    """[src, pixels per inch as printed, page index] of each raster image of the laid-out document
    (a width in CSS pixels is 1/96 in): what the print edition checks against 300 ppi."""
    found = []
    for i, page in enumerate(document.pages):
        stack = [page_box(page)]
        while stack:
            box = stack.pop()
            image = getattr(box, "replacement", None)
            if image is not None and getattr(image, "width", 0) and type(image).__name__ != "SVGImage" \
                    and getattr(box, "width", 0):
                found.append([box.element.get("src", "") if box.element is not None else "",
                              round(image.width / (box.width / 96)), i])
            stack.extend(getattr(box, "children", ()))
    return found
