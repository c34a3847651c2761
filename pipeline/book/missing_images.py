"""One warning for the book's missing images, in place of one per image.

Each chapter logs a warning for each image it could not find or use (`images.missing`,
`images.broken`, kept in the chapter for `--explain`); this stage replaces them, in the book's list
(what `pressroom build` prints and a later up-to-date build repeats), with one warning that says
what was done with them (`[images] missing_images`) and lists them, a line each, in book order.
"""
from __future__ import annotations

from ..model import Diagnostic

RULES = ("images.missing", "images.broken")
DONE = {
    "frame": "each drawn as a frame that keeps its caption and credit",
    "omit": "left out, with the caption and credit of a figure left without an image",
}


def missing(diagnostics) -> list[Diagnostic]:
    return [d for d in diagnostics if d.rule in RULES and d.level == "warning"]


def summary(found: list[Diagnostic], mode: str) -> Diagnostic:
    n = len(found)
    head = (f"{n} image{'s' if n != 1 else ''} missing, {DONE.get(mode, DONE['frame'])} "
            f"(--strict and release refuse them; book.toml [images] missing_images = \"frame\" | \"omit\" | \"error\"):")
    return Diagnostic("warning", "images.missing", "\n".join([head] + [f"    {d}" for d in found]))


def run(book) -> None:
    found = missing(book.diagnostics)
    if not found:
        return
    first = next(i for i, d in enumerate(book.diagnostics) if d is found[0])
    rest = [d for d in book.diagnostics if not any(d is f for f in found)]
    rest.insert(first, summary(found, book.config.images.missing_images))
    book.diagnostics = rest
