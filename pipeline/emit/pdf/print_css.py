"""Step 1 (with `print_html.py`): the print stylesheet. Takes the Book; gives the CSS every part
is laid out with: the book's or Pressroom's `print.css`, the code colours, and the `@page` rules
that follow from book.toml (size, margins in proportion to the page and wider on the outside,
bleed, marks, base size).
"""
from __future__ import annotations

from ... import layout
from ...model import Book
from ..cover import ink
from ...page_geometry import geometry
from . import weasyprint_patches

TRIM_SIZES = {"a4": "A4", "a5": "A5", "letter": "letter", "6x9": "6in 9in", "b5": "B5"}


def trim_size(value: str) -> str:
    return TRIM_SIZES.get(value.strip().lower().replace(" ", ""), value)


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
    if not pdf.cover_page:  # a paperback's interior: its cover is printed apart (wrap_cover.py)
        css.append(".cover { display: none; }")
    if pdf.bleed:
        css.append(f"@page {{ bleed: {pdf.bleed}; }}")
    if pdf.crop_marks:
        css.append("@page { marks: crop cross; }")
        if not pdf.bleed:
            css.append("@page { bleed: 6mm; }")  # room for the marks outside the trim
    if "justify" not in weasyprint_patches.wanted(pdf.engine_patches):  # WeasyPrint would justify Chinese at its few spaces only
        css.append(":lang(zh) p, :lang(ja) p { text-align: left; }")
    return "\n".join(css)


def layer_css() -> str:
    """The sizes of a formula's text layer (`print_formulas.draw()`: `span.formula-text.layer-N`, `svg.text_layer_class()`), one
    rule each: a style attribute on every layer was parsed and cascaded once per formula (a page of
    228 formulas: the layers cost 0.25-0.38 s of its layout with it, 0.16-0.2 s without)."""
    from ...math.svg import LAYER_CLASS, LAYER_SIZES

    return "\n".join(f".formula-text.{LAYER_CLASS.format(i)} {{ font-size: {size}em; }}" for i, size in enumerate(LAYER_SIZES))


def print_css(book: Book) -> str:
    """The print stylesheet (the book's or Pressroom's), the code colours, the formulas' text layer
    sizes and the page rules."""
    return "\n".join((layout.stylesheet(book, "css/print.css"), layout.pygments_css(), layer_css(), page_css(book)))


def stylesheets(book: Book, fetcher, font_config=None) -> list:
    """`print_css()` as WeasyPrint takes it (`make bench` lays the whole book out with it)."""
    from weasyprint import CSS

    from .fetch import TEMPLATES_URL

    return [CSS(string=print_css(book), url_fetcher=fetcher, base_url=TEMPLATES_URL, font_config=font_config)]
