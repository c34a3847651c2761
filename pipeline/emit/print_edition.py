"""The print edition: the paperback interior a print-on-demand service takes, and its wraparound
cover. Takes the Book (its chapters staged once for every edition) and `[editions.print]`; gives
`<output>-print.pdf` and `<output>-cover.pdf`.

- The interior is the PDF of `emit/pdf/` laid out as print: trim size (6x9 in unless the edition
  says 5.5x8.5, 5x8, A5, B5, ...), bleed (0.125 in), no cover page, parts opening on a right-hand
  page (blank versos), optional crop marks and PDF variant, every font embedded. Its own cache
  folder (`.cache/print/`): the screen edition's parts stay cached beside it.
- The inside margin grows with the page count as the service's table asks
  (`pipeline/data/print_on_demand.toml`, with its source): laid out with the house margin, then
  once more with the table's where the page count asks more.
- Each raster image is checked for its resolution as printed: under 300 ppi is a warning naming
  the figure (`print.resolution`); a page count outside the service's range is a warning too.
- The cover: `emit/pdf/wrap_cover.py`, its spine from the interior's final page count.
"""
from __future__ import annotations

import copy
import dataclasses
from pathlib import Path

from ..config import EditionOptions
from ..model import Book, Diagnostic
from ..page_geometry import geometry

PRINT_PPI = 300


def options(book: Book) -> EditionOptions:
    return book.config.editions.print or EditionOptions()


def as_print(book: Book, gutter: str = "") -> Book:
    """A copy of `book` configured as the print edition's interior (the chapters are shared)."""
    opts, pdf = options(book), book.config.pdf
    printed = dataclasses.replace(pdf, variant="print", trim=opts.trim or pdf.trim, bleed=opts.bleed or "0.125in",
                                  crop_marks=opts.crop_marks, pdf_variant=opts.pdf_variant, gutter=gutter,
                                  cover_page=False)
    out = copy.copy(book)
    out.config = dataclasses.replace(book.config, pdf=printed)
    out.diagnostics = []
    out.page_map, out.resolutions = {}, []
    return out


def _figure_names(book: Book) -> dict[str, tuple[str, str]]:
    """A prepared image's file name -> (the chapter's file, the figure's label and source)."""
    names = {}
    for ch in book.chapters:
        for fig in ch.figures:
            asset = ch.assets.get(fig.asset_key) if fig.asset_key else None
            if asset is not None:
                names[asset.file_name] = (ch.rel, f"{fig.label} ({fig.src})" if fig.label else fig.src)
    return names


def _checks(book: Book, printed: Book, pages: int) -> None:
    from .pdf.wrap_cover import service

    names = _figure_names(book)
    worst: dict[str, int] = {}
    for src, ppi in printed.resolutions:
        name = src.rsplit("/", 1)[-1]
        worst[name] = min(ppi, worst.get(name, ppi))
    for name, ppi in sorted(worst.items()):
        if ppi < PRINT_PPI and name in names:
            where, figure = names[name]
            book.diagnostics.append(Diagnostic(
                "warning", "print.resolution", f"{figure} prints at {ppi} ppi in the print edition; a printer asks "
                f"{PRINT_PPI}: use an image at least {PRINT_PPI / ppi:.1f}x as large", file=where))
    limits = service()["paperback"]
    if not limits["min_pages"] <= pages <= limits["max_pages"]:
        book.diagnostics.append(Diagnostic(
            "warning", "print.pages", f"the print interior has {pages} pages; print-on-demand paperbacks take "
            f"{limits['min_pages']} to {limits['max_pages']} ({service()['source']['gutter'].split(',')[0]})"))


def write(book: Book, target: Path, cover: Path | None, cache_dir: Path, jobs: int = 1,
          timings: dict | None = None) -> list[Path]:
    """The interior into `target` (and the cover into `cover`, where given); the paths written."""
    from . import pdf
    from .pdf import wrap_cover

    opts = options(book)
    printed = as_print(book)
    pdf.write(printed, target, cache_dir / "print", jobs, timings)
    need = wrap_cover.gutter_inches(printed.page_count)
    if need > geometry(printed).inner + 1e-6:  # more pages than the house margin serves: laid out again
        printed = as_print(book, f"{need}in")
        pdf.write(printed, target, cache_dir / "print", jobs, timings)
    pages = printed.page_count
    book.diagnostics += printed.diagnostics
    _checks(book, printed, pages)
    if not book.page_map:  # no screen PDF in this build: the EPUB's page list follows the paperback's pages
        book.page_map = printed.page_map
    book.diagnostics.append(Diagnostic("info", "print.edition", f"print interior: {pages} pages, inside margin "
                                       f"{geometry(printed).inner:.3f} in, spine {wrap_cover.spine_inches(pages, opts.paper):.3f} in "
                                       f"({opts.paper} paper)"))
    written = [target]
    if cover is not None:
        written.append(wrap_cover.write(printed, pages, cover, opts.paper, printed.config.pdf.bleed, opts.crop_marks))
    return written
