"""The typeset PDF with WeasyPrint: every part in one HTML document (`pdf/book.html.j2`) with
`css/print.css`, images prepared for print, and a URL fetcher that fetches nothing but the book's
own prepared files and stylesheets, so a hostile article or template cannot reach the network or
the disk. Time stamps (and WeasyPrint's font subsets) follow `build_time()`.

What CSS alone cannot do here is done on the document tree before layout, or on the layout after:
- page geometry from the trim size: margins in proportion to the page, wider on the outside;
- code blocks split into one block per source line, so a wrapped line carries a continuation mark;
- in the `print` variant, each external link's URL as a footnote;
- Chinese lines justified between characters (`justify.py`-style patch below: WeasyPrint only
  stretches spaces, which tears a Chinese line apart at its one or two spaces);
- a figure that would leave a page more than a third empty moves past the next paragraphs, as a
  float does in a printed book, and the book is laid out again (at most `FIGURE_PASSES` times).
"""
from __future__ import annotations

import contextlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

from bs4 import BeautifulSoup, NavigableString
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from .. import layout
from ..images.prepare import for_print
from ..model import Book, Diagnostic
from . import accessibility, atomic_path, build_time
from .cover import ink
from .epub import cover_asset

TRIM_SIZES = {"a4": "A4", "a5": "A5", "letter": "letter", "6x9": "6in 9in", "b5": "B5"}
PAGE_INCHES = {"a4": (8.27, 11.69), "a5": (5.83, 8.27), "letter": (8.5, 11.0), "b5": (6.93, 9.84),
               "legal": (8.5, 14.0), "a3": (11.69, 16.54)}
UNIT_INCHES = {"in": 1.0, "mm": 1 / 25.4, "cm": 1 / 2.54, "pt": 1 / 72, "px": 1 / 96, "pc": 1 / 6}
MAX_EMPTY = 1 / 3  # of the text block: a page may end this much short, no more
FIGURE_PASSES = 3  # layouts after the first, to move figures that leave a page too empty
BOOK_URL = "file:///pressroom-book/"  # the prepared folder's URL: WeasyPrint names images by a hash of it


class BookFetcher(URLFetcher):
    """Fetch `file:` URLs inside the allowed folders; refuse everything else, and note it."""

    def __init__(self, roots: list[Path], refused: list[str]):
        super().__init__(timeout=5, allowed_protocols={"file"}, allow_redirects=False)
        self.roots = [r.resolve() for r in roots]
        self.refused = refused

    def fetch(self, url, headers=None):
        url = self.roots[0].as_uri() + "/" + url[len(BOOK_URL):] if url.startswith(BOOK_URL) else url
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if any(path.is_relative_to(r) for r in self.roots) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url[:100]}: only the book's own files are used")


def trim_size(value: str) -> str:
    return TRIM_SIZES.get(value.strip().lower().replace(" ", ""), value)


# ---------- page geometry ----------

@dataclass(frozen=True)
class Geometry:
    """The page and its text block, in inches; margins in proportion to the page (Bringhurst's
    page is taller than its text block is wide; the outer margin is the wider one)."""

    width: float
    height: float
    inner: float
    outer: float
    top: float
    bottom: float
    font_pt: float  # body size: about 30-40 Chinese characters, 60-70 Latin ones, a line

    @property
    def text_width(self) -> float:
        return self.width - self.inner - self.outer

    @property
    def text_height(self) -> float:
        return self.height - self.top - self.bottom


def page_inches(trim: str) -> tuple[float, float]:
    """"A4", "6x9", "letter", "6in 9in", "152mm 229mm" -> (width, height) in inches."""
    key = trim.strip().lower().replace(" ", "")
    if key in ("6x9", ""):
        return 6.0, 9.0
    name = trim.strip().lower().split()
    if name and name[0] in PAGE_INCHES:
        w, h = PAGE_INCHES[name[0]]
        return (h, w) if "landscape" in name else (w, h)
    sizes = re.findall(r"([\d.]+)\s*(in|mm|cm|pt|px|pc)", trim.lower())
    if len(sizes) == 2:
        return tuple(float(v) * UNIT_INCHES[u] for v, u in sizes)  # type: ignore[return-value]
    if len(sizes) == 1:
        v = float(sizes[0][0]) * UNIT_INCHES[sizes[0][1]]
        return v, v
    return 6.0, 9.0


def geometry(book: Book) -> Geometry:
    w, h = page_inches(book.config.pdf.trim)
    inner, outer = max(0.5, 0.105 * w), max(0.6, 0.14 * w)
    if book.config.pdf.variant == "screen":  # read one page at a time: the block centred
        inner = outer = (inner + outer) / 2
    font = 10.0 if w - inner - outer < 5.2 else 11.0
    return Geometry(w, h, round(inner, 3), round(outer, 3), round(max(0.55, 0.083 * h), 3),
                    round(max(0.6, 0.1 * h), 3), font)


def text_width_in(book: Book) -> float:
    """The text block's width in inches, for the print resolution of images."""
    return geometry(book).text_width


def page_css(book: Book) -> str:
    """The `@page` rules that follow from book.toml: size, margins, bleed, marks, base size."""
    pdf, g = book.config.pdf, geometry(book)
    css = [f"@page {{ size: {trim_size(pdf.trim)}; margin: {g.top}in {g.outer}in {g.bottom}in {g.inner}in; }}",
           f"@page :left {{ margin-left: {g.outer}in; margin-right: {g.inner}in; }}",
           f"@page :right {{ margin-left: {g.inner}in; margin-right: {g.outer}in; }}",
           f"@page cover {{ margin: 0; background: {book.config.accent}; }}",
           ".cover-art { color: %s; }" % ("#fff" if ink(book.config.accent)[0] > 128 else "#1a1a1a"),
           f"html {{ font-size: {g.font_pt}pt; }}"]
    if book.config.cover:
        css.append("@page cover { background: none; }")
    if pdf.bleed:
        css.append(f"@page {{ bleed: {pdf.bleed}; }}")
    if pdf.crop_marks:
        css.append("@page { marks: crop cross; }")
        if not pdf.bleed:
            css.append("@page { bleed: 6mm; }")  # room for the marks outside the trim
    if not JUSTIFY_CJK:  # WeasyPrint would justify Chinese at its few spaces only
        css.append(":lang(zh) p, :lang(ja) p { text-align: left; }")
    return "\n".join(css)


# ---------- inter-character justification for Chinese and Japanese ----------

CJK = re.compile("[\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3100-\u31ff\u3200-\u9fff\uac00-\ud7af"
                 "\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\U00020000-\U0003134f]")


def _install_cjk_justification() -> bool:
    """Let WeasyPrint justify a line by spacing its CJK characters as well as its spaces (clreq
    3.8, inter-character expansion): one more expansion opportunity per CJK character, applied as
    Pango letter spacing when the line is drawn. Only WeasyPrint 70's internals are patched; with
    any other version this returns False and Chinese stays flush left (print.css)."""
    try:
        import weasyprint
        from weasyprint.formatting_structure import boxes
        from weasyprint.layout import inline
        from weasyprint.text import line_break
        from weasyprint.text.ffi import TO_UNITS, ffi, pango
    except ImportError:
        return False
    if not weasyprint.__version__.startswith("70.") or not hasattr(inline, "count_expandable_spaces"):
        return False
    if getattr(line_break.Layout.set_text, "pressroom", False):
        return True
    spaces = inline.count_expandable_spaces

    def count_expandable(box):
        if isinstance(box, boxes.TextBox):
            return spaces(box) + len(CJK.findall(box.text))
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            return sum(count_expandable(child) for child in box.children)
        return 0

    set_text = line_break.Layout.set_text

    def set_text_justified(self, text, justify=False):
        set_text(self, text, justify)
        if not (justify and self.justification_spacing and CJK.search(self.text)):
            return
        attrs = pango.pango_layout_get_attributes(self.layout)
        if attrs == ffi.NULL:
            attrs = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        spacing = int(self.justification_spacing * TO_UNITS)
        end = len(self.text.encode())
        pos = 0
        for ch in self.text:
            size = len(ch.encode())
            if CJK.match(ch):  # Pango gives only half the spacing at a text's two ends
                attr = pango.pango_attr_letter_spacing_new(spacing * (1 + (pos == 0 or pos + size == end)))
                attr.start_index, attr.end_index = pos, pos + size
                pango.pango_attr_list_change(attrs, attr)
            pos += size
        pango.pango_layout_set_attributes(self.layout, attrs)

    set_text_justified.pressroom = True
    inline.count_expandable_spaces = count_expandable
    line_break.Layout.set_text = set_text_justified
    return True


JUSTIFY_CJK = _install_cjk_justification()


# ---------- the document tree before layout ----------

def _code_lines(pre, soup) -> None:
    """One `span.line` per source line (the highlighter's spans cut and reopened at line ends), so
    print.css can mark the continuation of a wrapped line and keep short blocks whole."""
    code = pre.find("code") or pre
    lines: list[list] = [[]]
    for node in list(code.descendants):
        if not isinstance(node, NavigableString):
            continue
        chain = []
        for parent in node.parents:
            if parent is code:
                break
            chain.append((parent.name, dict(parent.attrs)))
        for i, piece in enumerate(str(node).split("\n")):
            if i:
                lines.append([])
            if piece:
                lines[-1].append((piece.expandtabs(4), chain))
    while lines and not lines[-1]:
        lines.pop()
    code.clear()
    for parts in lines:
        line = soup.new_tag("span", attrs={"class": "line"})
        for text, chain in parts:
            node = NavigableString(text)
            for name, attrs in chain:
                wrapper = soup.new_tag(name, attrs=attrs)
                wrapper.append(node)
                node = wrapper
            line.append(node)
        code.append(line)
    pre["class"] = list(dict.fromkeys((pre.get("class") or []) + ["lines"]))


def _same_url(text: str, href: str) -> bool:
    strip = lambda s: re.sub(r"^(https?://)?(www\.)?", "", s.strip().lower()).rstrip("/…")  # noqa: E731
    t, h = strip(text), strip(href)
    return not t or h.startswith(t) or t.startswith(h)


def _url_notes(soup) -> None:
    """Print variant: an external link's URL as a footnote, where the text does not show it."""
    for a in soup.select(".chapter-body a[href]"):
        href = a["href"]
        if not href.startswith(("http://", "https://")) or a.find_parent(["figcaption", "pre", "aside"]):
            continue
        if _same_url(a.get_text(), href):
            continue
        note = soup.new_tag("span", attrs={"class": "url-note"})
        note.string = href
        a.insert_after(note)


def prepare_tree(html: str, book: Book) -> BeautifulSoup:
    soup = BeautifulSoup(html, "lxml")
    for pre in soup.select(".chapter-body pre"):
        _code_lines(pre, soup)
    if book.config.pdf.variant == "print":
        _url_notes(soup)
    return soup


# ---------- figures that would leave a page too empty ----------

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
        pb = page._page_box
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
    stack = [c for c in page._page_box.children if type(c).__name__ not in OUTSIDE_TEXT]
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


def _place_figures(document, book: Book, soup) -> list[str]:
    """For each page left too empty by the figure after it: move the figure past the text that
    follows, or else scale it down to fit the gap (keeping at least 60% of its height)."""
    placed = []
    for i, fill in underfull(document, book):
        text_height = document.pages[i]._page_box.height
        box, above = _first_figure(document.pages[i + 1])
        if box is None:
            continue
        fig_id = box.element.get("id")
        gap = (1 - fill) * text_height - above - 12  # a little air for the figure's margins
        if _defer(soup, fig_id, gap, text_height - box.margin_height(), book):
            placed.append(fig_id)
            continue
        heights = _image_heights(box)
        img = sum(heights)
        ratio = (img - (box.margin_height() - gap)) / img if img else 0
        if 0.6 <= ratio < 1 and _shrink(soup, fig_id, heights, ratio):
            placed.append(fig_id)
    return placed


# ---------- layout ----------

@contextlib.contextmanager
def source_date_epoch(seconds: int):
    """WeasyPrint's font subsetter stamps fonts with the current time unless this is set."""
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(seconds)
    try:
        yield
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old


def render_html(book: Book, work: Path) -> str:
    """The whole book as one HTML document; images written under `work/images/`."""
    layout.strip_source_lines(book)
    env = layout.environment(book)
    (work / "images").mkdir(parents=True, exist_ok=True)
    cover = cover_asset(book)
    cover_name = f"cover.{cover.extension}"
    _write_if_changed(work / "images" / cover_name, cover.data)
    env.globals["cover_file"] = cover_name
    width = text_width_in(book)
    for asset in book.assets.values():
        ready = for_print(asset, book.config.images, width)
        _write_if_changed(work / "images" / asset.file_name, ready.data)
    when = build_time(book.source_dir, book.config.date).strftime("%Y-%m-%dT%H:%M:%SZ")
    parts = layout.parts(book)
    front = [Markup(layout.render_part(env, p, "pdf")) for p in parts if p.id in layout.FRONT_MATTER]
    main = [Markup(layout.render_part(env, p, "pdf")) for p in parts if p.id not in layout.FRONT_MATTER]
    html = env.get_template("pdf/book.html.j2").render(front=front, main=main, created=when, modified=when)
    return str(prepare_tree(html, book))


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)


def stylesheets(book: Book, fetcher) -> list[CSS]:
    css = layout.stylesheet(book, "css/print.css") + "\n" + layout.pygments_css() + "\n" + page_css(book)
    return [CSS(string=css, url_fetcher=fetcher, base_url=str(layout.TEMPLATES) + "/")]


def render_document(book: Book, cache_dir: Path):
    """Lay the book out with WeasyPrint (no file written); records the page count and page map."""
    work = (cache_dir / "pdf").resolve()
    html = render_html(book, work)
    refused: list[str] = []
    fetcher = BookFetcher([work] + layout.search_path(book), refused)
    options = {"pdf_tags": book.config.pdf.tagged, "stylesheets": stylesheets(book, fetcher)}
    if book.config.pdf.pdf_variant:
        options["pdf_variant"] = book.config.pdf.pdf_variant

    def lay_out(html: str):
        return HTML(string=html, base_url=BOOK_URL, url_fetcher=fetcher).render(**options)

    document = lay_out(html)
    for _ in range(FIGURE_PASSES):
        soup = BeautifulSoup(html, "lxml")
        moved = _place_figures(document, book, soup)
        if not moved:
            break
        html = str(soup)
        document = lay_out(html)
        book.diagnostics.append(Diagnostic("info", "pdf.figure-placed",
                                           f"moved or scaled {len(moved)} figure(s) to fill the page before: "
                                           f"{', '.join(moved)}"))
    for i, fill in underfull(document, book):
        book.diagnostics.append(Diagnostic("info", "pdf.page-short",
                                           f"page {i + 1} of the PDF is {1 - fill:.0%} empty"))
    (work / "book.html").write_text(html, encoding="utf-8")
    book.page_count = len(document.pages)
    book.page_map = accessibility.page_map(document)
    for url in refused:
        book.diagnostics.append(Diagnostic("warning", "pdf.fetch", f"refused to fetch {url[:120]}"))
    return document, options


def write(book: Book, target: Path, cache_dir: Path) -> Path:
    when = build_time(book.source_dir, book.config.date)
    with source_date_epoch(int(when.timestamp())):
        document, options = render_document(book, cache_dir)
        with atomic_path(target) as tmp:
            document.write_pdf(tmp, **options)
    return target
