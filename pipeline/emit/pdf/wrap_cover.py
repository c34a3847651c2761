"""The print edition's wraparound cover: back, spine and front on one sheet with bleed, as a
print-on-demand service takes it. The spine is as wide as the interior's pages make it (page
count x the paper's thickness, `pipeline/data/print_on_demand.toml`, with its source); its
text is set only where the service allows it (80 pages or more); the barcode's area on the back
is left white. The front is the book's cover image, or the typographic cover on the accent
colour, in the book's fonts (`templates/pdf/wrap-cover.html.j2`). Laid out by WeasyPrint in this
process (one page) and written whole (`atomic_path`); its page's TrimBox is the sheet without
the bleed, its BleedBox the sheet with it.
"""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ... import layout
from ...model import Book
from ...page_geometry import length_inches, page_inches
from .. import atomic_path
from ..cover import ink

DATA = Path(__file__).resolve().parents[2] / "data" / "print_on_demand.toml"


@functools.lru_cache(maxsize=1)
def service() -> dict:
    """pipeline/data/print_on_demand.toml."""
    return tomllib.loads(DATA.read_text(encoding="utf-8"))


def spine_inches(pages: int, paper: str = "white") -> float:
    """The spine's width: page count x the paper's thickness per page."""
    return round(pages * service()["paper"][paper], 4)


def gutter_inches(pages: int) -> float:
    """The inside margin a service asks for `pages` (the last band's beyond it)."""
    bands = service()["gutter"]
    return next((band["inches"] for band in bands if pages <= band["pages"]), bands[-1]["inches"])


@dataclass(frozen=True)
class Sheet:
    """The cover sheet, in inches (the trim box: back + spine + front; the bleed outside it)."""

    panel: float
    height: float
    spine: float
    bleed: float
    spine_text: bool
    image: str = ""
    ink: str = "#fff"
    marks: bool = False

    @property
    def width(self) -> float:
        return round(2 * self.panel + self.spine, 4)

    @property
    def spine_font(self) -> float:  # points: the spine less its clearance on each side
        return round(min(14.0, (self.spine - 2 * service()["spine"]["clearance"]) * 72 * 0.7), 1)

    @property
    def barcode_width(self) -> float:
        return service()["barcode"]["width"]

    @property
    def barcode_height(self) -> float:
        return service()["barcode"]["height"]

    @property
    def barcode_left(self) -> float:  # bottom right of the back cover, clear of the trim
        return round(self.panel - service()["barcode"]["margin"] - self.barcode_width, 4)

    @property
    def barcode_top(self) -> float:
        return round(self.height - service()["barcode"]["margin"] - self.barcode_height, 4)


def sheet(book: Book, pages: int, paper: str, bleed: str, marks: bool = False, image: str = "") -> Sheet:
    width, height = page_inches(book.config.pdf.trim)
    spine = spine_inches(pages, paper)
    text = pages >= service()["spine"]["text_min_pages"]
    return Sheet(width, height, spine, length_inches(bleed) or service()["paperback"]["bleed"], text, image,
                 "#fff" if ink(book.config.accent)[0] > 128 else "#1a1a1a", marks)


def write(book: Book, pages: int, target: Path, paper: str = "white", bleed: str = "", marks: bool = False) -> Path:
    """The cover of a paperback of `pages` pages into `target`."""
    from weasyprint import HTML

    from . import weasyprint_patches

    # WeasyPrint's own code: the patches a small book's layout installed in this process defer the
    # fonts' subsets to the join (font_subsets), which this one-page PDF does not go through
    weasyprint_patches.install((), None)
    image = ""
    if book.config.cover:
        found = (book.source_dir / book.config.cover).resolve()
        if found.is_file() and found.is_relative_to(book.source_dir.resolve()):
            image = found.as_uri()
    drawn = sheet(book, pages, paper, bleed, marks, image)
    html = layout.environment(book).get_template("pdf/wrap-cover.html.j2").render(sheet=drawn)
    with atomic_path(target) as tmp:
        HTML(string=html, base_url=str(book.source_dir.resolve()) + "/").write_pdf(tmp)
    return target
