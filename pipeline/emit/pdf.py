"""The typeset PDF with WeasyPrint: every part in one HTML document (`pdf/book.html.j2`) with
`css/print.css`, images prepared for print, and a URL fetcher that fetches nothing but the book's
own prepared files and stylesheets, so a hostile article or template cannot reach the network or
the disk. Time stamps (and WeasyPrint's font subsets) follow `build_time()`.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher

from .. import layout
from ..images.prepare import for_print
from ..model import Book, Diagnostic
from . import accessibility, atomic_path, build_time
from .epub import cover_asset

TRIM_SIZES = {"a4": "A4", "a5": "A5", "letter": "letter", "6x9": "6in 9in", "b5": "B5"}


class BookFetcher(URLFetcher):
    """Fetch `file:` URLs inside the allowed folders; refuse everything else, and note it."""

    def __init__(self, roots: list[Path], refused: list[str]):
        super().__init__(timeout=5, allowed_protocols={"file"}, allow_redirects=False)
        self.roots = [r.resolve() for r in roots]
        self.refused = refused

    def fetch(self, url, headers=None):
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if any(path.is_relative_to(r) for r in self.roots) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url[:100]}: only the book's own files are used")


def trim_size(value: str) -> str:
    return TRIM_SIZES.get(value.strip().lower().replace(" ", ""), value)


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


def text_width_in(book: Book) -> float:
    """The text block's width in inches, for the print resolution of images (a safe upper bound)."""
    size = trim_size(book.config.pdf.trim).lower()
    return {"a4": 6.5, "letter": 6.6, "a5": 4.6, "b5": 5.5}.get(size, 5.0)


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
    return env.get_template("pdf/book.html.j2").render(front=front, main=main, created=when, modified=when)


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)


def stylesheets(book: Book, fetcher) -> list[CSS]:
    pdf = book.config.pdf
    page = f"@page {{ size: {trim_size(pdf.trim)}; }}"
    if pdf.bleed:
        page += f"\n@page {{ bleed: {pdf.bleed}; }}"
    if pdf.crop_marks:
        page += "\n@page { marks: crop cross; }"
    css = layout.stylesheet(book, "css/print.css") + "\n" + layout.pygments_css() + "\n" + page
    return [CSS(string=css, url_fetcher=fetcher, base_url=str(layout.TEMPLATES) + "/")]


def render_document(book: Book, cache_dir: Path):
    """Lay the book out with WeasyPrint (no file written); records the page count and page map."""
    work = (cache_dir / "pdf").resolve()
    html = render_html(book, work)
    (work / "book.html").write_text(html, encoding="utf-8")
    refused: list[str] = []
    fetcher = BookFetcher([work] + layout.search_path(book), refused)
    options = {"pdf_tags": book.config.pdf.tagged, "stylesheets": stylesheets(book, fetcher)}
    if book.config.pdf.pdf_variant:
        options["pdf_variant"] = book.config.pdf.pdf_variant
    document = HTML(string=html, base_url=str(work) + "/", url_fetcher=fetcher).render(**options)
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
