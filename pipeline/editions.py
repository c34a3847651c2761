"""Editions: what a book is sold as, declared in book.toml (`[editions.ebook]`, `[editions.screen]`,
`[editions.print]`, each with its own options and output name; `config.EditionOptions`).

- ebook: the EPUB (`<output>.epub`);
- screen: the PDF for reading on a screen (`<output>.pdf`);
- print: the paperback interior (`<output>-print.pdf`) and its wraparound cover
  (`<output>-cover.pdf`): `emit/print_edition.py`.

`pressroom build` builds every edition the book declares (the EPUB and the screen PDF when it
declares none); `--edition NAME` one of them; `--format epub|pdf` the EPUB or the screen PDF alone.
A build stages the chapters once for all of them.
"""
from __future__ import annotations

from pathlib import Path

from .config import BookConfig

EDITIONS = {"ebook": "epub", "screen": "pdf", "print": "print"}  # edition -> what the build makes


def formats(config: BookConfig, asked: tuple[str, ...]) -> tuple[str, ...]:
    """What to make: `asked` as given ("epub", "pdf", "print"), "all" as the declared editions."""
    if "all" not in asked:
        return asked
    declared = config.editions.declared()
    return tuple(EDITIONS[name] for name in declared) if declared else ("epub", "pdf")


def targets(config: BookConfig, out_dir: Path, made: tuple[str, ...]) -> dict[str, Path]:
    """The files each of `made` writes: "epub", "pdf", "print" and, with the print edition, "cover"."""
    eds = config.editions
    out = {}
    if "epub" in made:
        out["epub"] = out_dir / f"{(eds.ebook and eds.ebook.output) or config.output}.epub"
    if "pdf" in made:
        out["pdf"] = out_dir / f"{(eds.screen and eds.screen.output) or config.output}.pdf"
    if "print" in made:
        stem = (eds.print and eds.print.output) or f"{config.output}-print"
        out["print"] = out_dir / f"{stem}.pdf"
        if eds.print is None or eds.print.cover:
            out["cover"] = out_dir / f"{stem.removesuffix('-print')}-cover.pdf"
    return out
