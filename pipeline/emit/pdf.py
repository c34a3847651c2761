"""The typeset PDF with WeasyPrint: every part in one HTML document (`pdf/book.html.j2`) with
`css/print.css`, images prepared for print, and a URL fetcher that fetches nothing but the book's
own prepared files and stylesheets, so a hostile article or template cannot reach the network or
the disk. Time stamps (and WeasyPrint's font subsets) follow `build_time()`.

What CSS alone cannot do here is done on the document tree before layout, or on the layout after:
- page geometry from the trim size: margins in proportion to the page, wider on the outside;
- code blocks split into one block per source line, so a wrapped line carries a continuation mark;
- in the `print` variant, each external link's URL as a footnote;
- Chinese lines justified between characters (`justify.py`: WeasyPrint only stretches spaces,
  which tears a Chinese line apart at its one or two spaces);
- a figure that would leave a page more than a third empty moves past the next paragraphs, as a
  float does in a printed book, or shrinks to fit, and the book is laid out again (`pages.py`, at
  most `[pdf] figure_passes` times).
"""
from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlparse

from bs4 import BeautifulSoup, NavigableString
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .. import layout
from ..images.prepare import for_print
from ..model import Book, Diagnostic
from . import atomic_path, build_time
from .cover import ink
from . import pdf_images
from .justify import JUSTIFY_CJK
from .page_list import page_map
from .pages import geometry, page_inches, place_figures, text_width_in, underfull  # noqa: F401
from .epub import cover_asset

TRIM_SIZES = {"a4": "A4", "a5": "A5", "letter": "letter", "6x9": "6in 9in", "b5": "B5"}
TEMPLATES_URL = "file:///pressroom-templates/"  # the same for the stylesheets' own files (wrap-mark.svg)
BOOK_URL = "file:///pressroom-book/"  # the prepared folder's URL: WeasyPrint names images by a hash of it


class BookFetcher(URLFetcher):
    """Fetch `file:` URLs inside the allowed folders; refuse everything else, and note it."""

    def __init__(self, roots: list[Path], refused: list[str]):
        super().__init__(timeout=5, allowed_protocols={"file"}, allow_redirects=False)
        self.roots = [r.resolve() for r in roots]
        self.refused = refused

    def fetch(self, url, headers=None):
        url = self.roots[0].as_uri() + "/" + url[len(BOOK_URL):] if url.startswith(BOOK_URL) else url
        if url.startswith(TEMPLATES_URL):  # a stylesheet's own files: the template search path, in order
            rel = unquote(url[len(TEMPLATES_URL):])
            found = [r / rel for r in self.roots[1:] if (r / rel).is_file()]
            url = found[0].as_uri() if found else url
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if any(path.is_relative_to(r) for r in self.roots) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url[:100]}: only the book's own files are used")


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
    if pdf.bleed:
        css.append(f"@page {{ bleed: {pdf.bleed}; }}")
    if pdf.crop_marks:
        css.append("@page { marks: crop cross; }")
        if not pdf.bleed:
            css.append("@page { bleed: 6mm; }")  # room for the marks outside the trim
    if not JUSTIFY_CJK:  # WeasyPrint would justify Chinese at its few spaces only
        css.append(":lang(zh) p, :lang(ja) p { text-align: left; }")
    return "\n".join(css)


# ---------- the document tree before layout ----------

def code_columns(book: Book) -> int:
    """How many monospace cells a code line surely fits in: the text block less the block's padding
    and the line's hanging indent, at print.css's code size (0.75rem, cells 0.6 em wide), with a
    tenth to spare for a block inside a list or quotation."""
    g = geometry(book)
    width_pt = g.text_width * 72 - 2 - 0.75 * g.font_pt * (0.8 * 2 + 1.15)
    return int(width_pt / (0.6 * 0.75 * g.font_pt) * 0.9)


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _code_lines(pre, soup, columns: int) -> None:
    """One `span.line` per source line (the highlighter's spans cut and reopened at line ends), so
    print.css can mark the continuation of a wrapped line and keep short blocks whole. Only a line
    longer than `columns` cells can wrap: it alone gets the class `long` that draws the marks
    (drawing them costs WeasyPrint as much as the rest of the page)."""
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
        long = _cells("".join(text for text, _ in parts)) > columns
        line = soup.new_tag("span", attrs={"class": "line long" if long else "line"})
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
    columns = code_columns(book)
    for pre in soup.select(".chapter-body pre"):
        _code_lines(pre, soup, columns)
    if book.config.pdf.variant == "print":
        _url_notes(soup)
    return soup


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


def stylesheets(book: Book, fetcher, font_config=None) -> list[CSS]:
    css = layout.stylesheet(book, "css/print.css") + "\n" + layout.pygments_css() + "\n" + page_css(book)
    return [CSS(string=css, url_fetcher=fetcher, base_url=TEMPLATES_URL, font_config=font_config)]


def render_document(book: Book, cache_dir: Path):
    """Lay the book out with WeasyPrint (no file written); records the page count and page map."""
    work = (cache_dir / "pdf").resolve()
    html = render_html(book, work)
    refused: list[str] = []
    fetcher = BookFetcher([work] + layout.search_path(book), refused)
    font_config = FontConfiguration()
    # one image cache and one font configuration for every layout pass: images decoded once
    options = {"pdf_tags": book.config.pdf.tagged, "stylesheets": stylesheets(book, fetcher, font_config),
               "cache": {}}
    if book.config.pdf.pdf_variant:
        options["pdf_variant"] = book.config.pdf.pdf_variant

    def lay_out(html: str):
        return HTML(string=html, base_url=BOOK_URL, url_fetcher=fetcher).render(font_config=font_config, **options)

    document = lay_out(html)
    for _ in range(book.config.pdf.figure_passes):
        soup = BeautifulSoup(html, "lxml")
        moved = place_figures(document, book, soup)
        if not moved:
            break
        html = str(soup)
        document = soup = None  # one laid-out book in memory at a time
        document = lay_out(html)
        book.diagnostics.append(Diagnostic("info", "pdf.figure-placed",
                                           f"moved or scaled {len(moved)} figure(s) to fill the page before: "
                                           f"{', '.join(moved)}"))
    for i, fill in underfull(document, book):
        book.diagnostics.append(Diagnostic("info", "pdf.page-short",
                                           f"page {i + 1} of the PDF is {1 - fill:.0%} empty"))
    (work / "book.html").write_text(html, encoding="utf-8")
    book.page_count = len(document.pages)
    book.page_map = page_map(document)
    for url in refused:
        book.diagnostics.append(Diagnostic("warning", "pdf.fetch", f"refused to fetch {url[:120]}"))
    return document, options


def write(book: Book, target: Path, cache_dir: Path) -> Path:
    pdf_images.install(cache_dir.resolve() / "pdf" / "png-streams")
    when = build_time(book.source_dir, book.config.date)
    with source_date_epoch(int(when.timestamp())):
        document, options = render_document(book, cache_dir)
        with atomic_path(target) as tmp:
            document.write_pdf(tmp, **options)
    return target
