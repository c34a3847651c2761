"""Step 3, contents numbers: takes the front matter's and the samples' layouts and the page each
entry is on; gives where each digit is stamped. The contents page's numbers printed from stamps, so that the front matter is laid out once, with
the parts, and not after them. The page numbers are known only once every part is laid out; the
front matter (cover, title page, copyright page, contents: 17 pages and 1.8 s of layout for 50
articles) was laid out after the parts, alone on one core, and once more before them in a
screen edition for its page count.

Instead each entry's number is set in a column of its own, as LaTeX sets it: the leader stops
where the column starts (`column_css()`, the `::after` box's right padding), and the number is
printed into it after layout, right-aligned, so the layout does not depend on it. The digits come
from a small document of samples laid out with the parts (`samples()`): for each kind of entry
(chapter, section, back matter), each digit alone, all ten together and the leader's dot, set by
the same rules as the entry's number. The join draws each digit of a number from its sample,
clipped to the digit and moved to its place, and runs the leader on with dots to a space before
the number, as it would have been set (`plan()`, `join.Book.draw()`); a stamp holds its own
text alone (`only_text_at()`), so the page's text reads as before. The stamps are artifacts: the
entry itself, with its link, stays in the structure tree.

This holds where every entry's number has a sample set in the same style, the digits of a sample
are side by side (no kerning: ten digits are as wide as the ten alone) and each number fits its
column; otherwise `plan()` returns None and emit/pdf/__init__.py lays out the front matter again with the
numbers set in it.
"""
from __future__ import annotations
from ...tree import classed, having
from .weasyprint_patches import page_box

DIGITS = "0123456789"
PX_PT = 0.75
DIGIT_REM = 0.6  # the column: this much per digit of the largest page number
ENTRIES = "nav.toc a[href]"  # the contents' entries, as CSS selects them (`entries()` finds them)


def entries(soup) -> list:
    """`soup.select(ENTRIES)`, walked rather than selected: soupsieve, which `select()` imports and
    compiles its patterns for, cost the build's process 0.1-0.3 s for these two selectors."""
    found: dict = {}  # by identity: bs4's tags compare equal by their markup
    for nav in classed(soup, "toc", ("nav",)):
        found.update((id(a), a) for a in having(nav, "href", ("a",)))
    return list(found.values())
SAMPLES_CSS = "nav.toc a[data-sample]::after { content: attr(data-sample); }"
STYLE_KEYS = ("color", "direction", "lang", "letter_spacing", "word_spacing", "text_transform", "visibility",
              "text_decoration_line", "text_decoration_color", "text_decoration_style")


def column_css(digits: int) -> str:
    """The entries' `::after`: the leader, then an empty column as wide as `digits` digits."""
    return ('nav.toc a[data-page]::after { content: leader(dotted) " "; padding-right: %.2frem; }'
            % (DIGIT_REM * digits))


def digits_for(chapters_html: int) -> int:
    """The column's width in digits, from the size of the chapters' HTML (about 1,800 bytes a page
    for the corpus's articles, figures and code included), at least three; a number that does not
    fit is found after layout, and the front matter laid out again with the column it needs."""
    return max(3, len(str(round(chapters_html / 1800))))


def samples(front) -> str | None:
    """The sample document: the front matter's tree with only the contents left, and in it, for
    each kind of entry (its path from the contents' root, tags and classes), twelve copies of that
    path, each ending in an empty entry whose number is one digit, all ten or the leader's dot
    (`data-sample`), a line each. None where the contents has no entries."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(str(front), "lxml")
    navs = classed(soup, "toc", ("nav",))
    nav = navs[0] if navs else None
    links = having(nav, "href", ("a",)) if nav is not None else []
    if not links:
        return None
    kinds: dict = {}
    for a in links:
        path = [a]
        while path[0].parent is not nav:
            path.insert(0, path[0].parent)
        kinds.setdefault(tuple((p.name, tuple(p.get("class", []))) for p in path), path)
    lines = []
    for path in kinds.values():
        for text in [*DIGITS, DIGITS, "."]:
            top = node = None
            for p in path:
                attrs = {k: v for k, v in p.attrs.items() if k not in ("id", "href", "data-page", "aria-labelledby")}
                copy = soup.new_tag(p.name, attrs=attrs)
                if top is None:
                    top = copy
                else:
                    node.append(copy)
                node = copy
            node["data-sample"] = text
            lines.append(top)
    for ancestor in [nav, *nav.parents]:  # nothing but the way down to the contents
        if ancestor.parent is None or ancestor.name == "body":
            break
        for sibling in [s for s in ancestor.parent.children if s is not ancestor]:
            sibling.extract()
    nav.clear()
    for line in lines:
        nav.append(line)
    return str(soup)


def _key(style) -> str:
    """What decides how an entry's number is drawn: its font and colour, and the rest of
    STYLE_KEYS."""
    return repr(sorted((name, repr(style[name])) for name in list(style.keys()) + list(STYLE_KEYS)
                       if name.startswith("font_") or name in STYLE_KEYS))


def _after_boxes(document, attribute: str):
    """(page index, box) of each `::after` box of an element with `attribute`, outermost only."""
    for index, page in enumerate(document.pages):
        stack = [page_box(page)]
        while stack:
            box = stack.pop()
            tag = getattr(box, "element_tag", None) or ""
            if tag.endswith("::after") and box.element is not None and box.element.get(attribute) is not None:
                yield index, box
                continue
            stack.extend(getattr(box, "children", None) or [])


def _leader(box):
    """(where its last dot ends, the dot's advance) of the leader in an entry's `::after` box, or
    None: one text box of dots (weasyprint_patches/leaders.py) or, laid out by WeasyPrint's own code
    (the patches off), one text box per dot, side by side."""
    for child in getattr(box, "children", None) or []:
        if type(child).__name__ != "InlineBox":
            continue
        runs = [c for c in child.children if type(c).__name__ == "TextBox" and c.text and set(c.text) == {"."}]
        if runs and len(runs) == len(child.children) and len({run.text for run in runs}) == 1:
            last = max(runs, key=lambda run: run.position_x)
            return last.position_x + last.width, last.width / len(last.text)
    return None


def _text(box):
    """The last text box inside `box`."""
    found, stack = None, [box]
    while stack:
        b = stack.pop(0)
        if type(b).__name__ == "TextBox":
            found = b
        stack[:0] = list(getattr(b, "children", None) or [])
    return found


def _page_height(document) -> float:
    return page_box(document.pages[0]).margin_height() if document.pages else 0


def columns(document) -> dict:
    """Where each entry's number goes (laid out with `column_css()`): `{"height": page height,
    "entries": [[page, href, right edge, baseline, style key, column width, space width, leader],
    ...]}` in CSS px, one per entry, on the line where its `::after` box ends (`_leader()`)."""
    last: dict = {}
    for index, box in _after_boxes(document, "data-page"):
        text = _text(box)
        if text is None:
            continue
        right = box.position_x + box.margin_width() - box.margin_right
        last[id(box.element)] = [index, box.element.get("href", ""), right, text.position_y + text.baseline, _key(box.style),
                                 box.padding_right, text.width, _leader(box)]
    return {"height": _page_height(document), "entries": list(last.values())}


def verified(sampled_: dict, pdf) -> dict:
    """`sampled_` less the samples whose text `only_text_at()` does not find where the layout put
    it in `pdf` (the samples' PDF, as written): a stamp of one would print nothing."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        for key, texts in sampled_["digits"].items():
            sampled_["digits"][key] = {text: at for text, at in texts.items()
                                       if only_text_at(doc.pages[at[0]], at[1], at[2]) is not None}
    return sampled_


def sampled(document) -> dict:
    """Each sample's digits (laid out with SAMPLES_CSS): `{"height": page height, "digits": {style
    key: {text: [page, left, baseline, width, top, bottom]}}}` in CSS px (`verified()` once the
    PDF is written)."""
    digits: dict = {}
    for index, box in _after_boxes(document, "data-sample"):
        text = _text(box)
        if text is None or text.text != box.element.get("data-sample"):
            continue
        digits.setdefault(_key(box.style), {})[text.text] = [
            index, text.position_x, text.position_y + text.baseline, text.width, text.position_y,
            text.position_y + text.margin_height()]
    return {"height": _page_height(document), "digits": digits}


def plan(columns_: dict, sampled_: dict, folio_of: dict[str, str]) -> list | None:
    """The stamps of the contents' numbers: `[(front page, [(sample page, clip, dx, dy, at)])]`, the
    clip (x0, y0, x1, y1) in the sample page's PDF points, the move in points, and where the
    sample's text is drawn (`only_text_at()`, CSS px); None where an
    entry's number cannot be stamped (no sample in its style, digits that kern, a number wider
    than its column)."""
    if columns_["height"] != sampled_["height"]:
        return None
    height = columns_["height"]
    usable = {key: style for key, style in sampled_["digits"].items()  # every sample, and digits side by side (no kerning)
              if all(d in style for d in [*DIGITS, DIGITS, "."])
              and abs(sum(style[d][3] for d in DIGITS) - style[DIGITS][3]) <= 0.01}
    pages: dict[int, list] = {}
    for page, href, right, baseline, key, column, space, leader in columns_["entries"]:
        number = folio_of.get(href[1:], "")
        style = usable.get(key)
        if style is None:
            return None
        width = sum(style[d][3] for d in number)
        if width > column + 0.01:
            return None
        x = right - width
        dots = []
        if leader is not None and number:  # the leader runs on to a space before the number, as if set with it
            end, step = leader
            dots = [end + k * step for k in range(int((x - space - end) / step + 0.01))]
        for d, x in [(".", at) for at in dots] + list(zip(number, _lefts(x, number, style))):
            sample, left, sample_baseline, w, top, bottom = style[d]
            pad = (bottom - top) / 4  # room for ink outside the digit's advance; no other sample is that near
            clip = ((left - pad) * PX_PT, (height - bottom) * PX_PT, (left + w + pad) * PX_PT, (height - top) * PX_PT)
            pages.setdefault(page, []).append((sample, tuple(round(v, 3) for v in clip), round((x - left) * PX_PT, 3),
                                               round(-(baseline - sample_baseline) * PX_PT, 3), (left, sample_baseline)))
    return sorted(pages.items())


def _lefts(x: float, number: str, style: dict) -> list[float]:
    """Where each digit of `number` starts, set from `x` on."""
    out = []
    for d in number:
        out.append(x)
        x += style[d][3]
    return out


KEPT = set("q Q cm w J j M d ri i gs CS cs SC SCN sc scn G g RG rg K k BT ET Tf Tc Tw Tz TL Ts Tr Td TD Tm T*".split())
SHOWN = {"Tj", "TJ", "'", '"'}


def only_text_at(page, x: float, y: float) -> bytes | None:
    """The drawing of `page` (pikepdf) left with the text shown at (x, y) alone (CSS px: WeasyPrint
    sets text with a text matrix in them): no other text, no paths, images or marked content, so
    that a clipped stamp holds no text but what it shows (text extraction ignores clipping); None
    where no text is shown there."""
    import pikepdf

    kept, at, shown = [], None, False
    for item in pikepdf.parse_content_stream(page):
        op = str(item.operator)
        if op == "Tm":
            at = [float(v) for v in item.operands[4:6]]
        elif op == "BT":
            at = None
        if op in SHOWN:
            if at is not None and abs(at[0] - x) < 0.5 and abs(at[1] - y) < 0.5:
                kept.append(item)
                shown = True
        elif op in KEPT:
            kept.append(item)
    return pikepdf.unparse_content_stream(kept) if shown else None
