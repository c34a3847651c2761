"""One warning for the book's missing images, in place of one per image.

Each chapter logs a warning for each image it could not find or use (`images.missing`,
`images.broken`, kept in the chapter for `--explain`); this stage replaces them, in the book's list
(what `pressroom build` prints and a later up-to-date build repeats), with one warning that says
what was done with them (`[images] missing_images`) and lists them, a line each, in book order;
one missing image keeps its one-line warning, with what was done with it.
"""
from __future__ import annotations

from ..model import Diagnostic

RULES = ("images.missing", "images.broken")
DONE = {  # (one image, several)
    "frame": ("drawn as a frame that keeps its caption and credit",
              "each drawn as a frame that keeps its caption and credit"),
    "omit": ("left out, with its figure's caption and credit if nothing else is left in it",
             "left out, with the caption and credit of a figure left without an image"),
}
CHOICE = '--strict and release refuse {}; book.toml [images] missing_images = "frame" | "omit" | "error"'


def missing(diagnostics) -> list[Diagnostic]:
    return [d for d in diagnostics if d.rule in RULES and d.level == "warning"]


def summary(found: list[Diagnostic], mode: str) -> Diagnostic:
    """One image: its own warning, one line, saying what was done; several: a line saying what,
    then one line for each (file:line: what is wrong with it)."""
    one, several = DONE.get(mode, DONE["frame"])
    if len(found) == 1:
        d = found[0]
        return Diagnostic(d.level, d.rule, f"{d.message}; {one} ({CHOICE.format('it')})", d.file, d.line, d.text)
    head = f"{len(found)} images missing, {several} ({CHOICE.format('them')}):"
    return Diagnostic("warning", "images.missing", "\n".join([head] + [f"    {d}" for d in found]))


def run(book) -> None:
    found = missing(book.diagnostics)
    if not found:
        return
    first = next(i for i, d in enumerate(book.diagnostics) if d is found[0])
    rest = [d for d in book.diagnostics if not any(d is f for f in found)]
    rest.insert(first, summary(found, book.config.images.missing_images))
    book.diagnostics = rest
