"""The page and its text block in inches, from `[pdf] trim`: what the PDF's page rules, the
placement of figures and the title page's line breaks (book/title_lines.py) all follow. A leaf:
it imports nothing of Pressroom's but the model."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Book

PAGE_INCHES = {"a4": (8.27, 11.69), "a5": (5.83, 8.27), "letter": (8.5, 11.0), "b5": (6.93, 9.84),
               "legal": (8.5, 14.0), "a3": (11.69, 16.54)}
UNIT_INCHES = {"in": 1.0, "mm": 1 / 25.4, "cm": 1 / 2.54, "pt": 1 / 72, "px": 1 / 96, "pc": 1 / 6}


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


def length_inches(value: str) -> float:
    """"0.125in", "3mm", "9pt" -> inches (0 for "" or what is no length)."""
    found = re.fullmatch(r"\s*([\d.]+)\s*(in|mm|cm|pt|px|pc)\s*", value.lower())
    try:
        return float(found.group(1)) * UNIT_INCHES[found.group(2)] if found else 0.0
    except ValueError:
        return 0.0


def geometry(book: Book) -> Geometry:
    w, h = page_inches(book.config.pdf.trim)
    inner, outer = max(0.5, 0.105 * w), max(0.6, 0.14 * w)  # both editions: a book's spreads
    inner = max(inner, length_inches(getattr(book.config.pdf, "gutter", "")))  # a printer's minimum, where larger
    font = 10.0 if w - inner - outer < 5.2 else 11.0
    return Geometry(w, h, round(inner, 3), round(outer, 3), round(max(0.55, 0.083 * h), 3),
                    round(max(0.6, 0.1 * h), 3), font)


def text_width_in(book: Book) -> float:
    """The text block's width in inches, for the print resolution of images."""
    return geometry(book).text_width
