"""`source/book.toml` -> a frozen, typed `BookConfig`.

Defaults live in the dataclasses below and nowhere else. Every error is one line that names the
file, the line of the key, the key and what is allowed. A folder without `book.toml` gets a config
made of defaults (title from the folder name, language detected from the text, chapters in file
name order) and a note saying so.
"""
from __future__ import annotations

import dataclasses
import glob as globmod
import re
import tomllib
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .model import PressroomError
from .typed_toml import build as _build, key_line, rel as _rel

CHAPTER_SUFFIXES = (".md", ".markdown", ".html", ".htm", ".xhtml")
# the stores `pressroom check --store` knows (their rules: pipeline/check/stores.toml)
KNOWN_STORES = ("kdp", "apple", "kobo", "google")


@dataclass(frozen=True)
class CleanOptions:
    """[clean]: the cruft rules (see pipeline/stages/clean)."""

    disable: list[str] = field(default_factory=list)  # rule names to turn off
    drop_patterns: list[str] = field(default_factory=list)  # regexes over a block's text
    drop_selectors: list[str] = field(default_factory=list)  # CSS selectors
    tracking_params: list[str] = field(default_factory=list)  # more query keys to strip
    link_cards: Literal["further-reading", "drop"] = "further-reading"
    medium_base: str = "https://medium.com"


@dataclass(frozen=True)
class TypographyOptions:
    """[typography]"""

    cjk_latin_spacing: bool = True
    cjk_punctuation: bool = True  # ASCII punctuation in Chinese sentences made full width


@dataclass(frozen=True)
class ImagesOptions:
    """[images]: where images are found and how they are fetched and prepared."""

    asset_dirs: list[str] = field(default_factory=list)
    max_side: int = 1600  # EPUB: long side cap in px
    print_dpi: int = 300
    timeout: float = 10.0
    max_bytes: int = 20_000_000
    max_redirects: int = 5
    max_pixels: int = 60_000_000
    allow_private_hosts: bool = False
    offline: bool = False
    # an image not found or not usable: "frame" draws a quiet frame with its caption and credit (a
    # warning), "omit" leaves the figure out with its caption and credit, "error" stops the build
    missing_images: Literal["frame", "omit", "error"] = "frame"


@dataclass(frozen=True)
class CreditsOptions:
    """[credits]"""

    page: bool = True


@dataclass(frozen=True)
class PdfOptions:
    """[pdf]: the typeset edition."""

    trim: str = "6in 9in"  # "A4", "A5", "letter", "6in 9in", "152mm 229mm"
    variant: Literal["screen", "print"] = "screen"
    pdf_variant: str = ""  # "pdf/a-3b", "pdf/ua-1"
    tagged: bool = True
    bleed: str = ""
    crop_marks: bool = False
    # layouts after the first that move figures leaving a page more than a third empty: each costs a
    # whole layout of the book (0 = none, fastest; 3 = the fullest pages)
    figure_passes: int = 1
    # Pressroom's replacements of WeasyPrint internals (pipeline/emit/pdf/weasyprint_patches/): false
    # lays the book out with WeasyPrint's own code, more slowly (PRESSROOM_ENGINE_PATCHES=0 wins)
    engine_patches: bool = True
    gutter: str = ""  # the inside margin at least this ("0.5in"); the print edition sets it by page count
    cover_page: bool = True  # the cover as the PDF's first page (the print edition's interior has none)


@dataclass(frozen=True)
class EditionOptions:
    """[editions.ebook], [editions.screen], [editions.print]: one edition the book is sold as (see
    pipeline/editions.py). The PDF keys default to [pdf]'s; the print edition's bleed to 0.125in."""

    output: str = ""  # the file stem; "" = the book's `output` (+ "-print" for the print edition)
    trim: str = ""  # "6in 9in", "5.5in 8.5in", "5in 8in", "A5", "B5"
    bleed: str = ""
    crop_marks: bool = False
    pdf_variant: str = ""  # "pdf/a-3b", "pdf/ua-1" (PDF/X is refused: WeasyPrint 70 writes no output intent)
    paper: Literal["white", "cream", "color"] = "white"  # the print edition: the spine's thickness per page
    cover: bool = True  # the print edition: its wraparound cover (back, spine, front) as a PDF of its own


@dataclass(frozen=True)
class Editions:
    """[editions]: the editions the book declares (None: not declared)."""

    ebook: EditionOptions = None  # type: ignore[assignment]
    screen: EditionOptions = None  # type: ignore[assignment]
    print: EditionOptions = None  # type: ignore[assignment]

    def declared(self) -> list[str]:
        return [name for name in ("ebook", "screen", "print") if getattr(self, name) is not None]


@dataclass(frozen=True)
class EpubOptions:
    """[epub]"""

    page_list: bool = True


@dataclass(frozen=True)
class AccessibilityOptions:
    """[accessibility]: overrides of the schema.org metadata the EPUB declares."""

    summary: str = ""
    hazards: list[str] = field(default_factory=lambda: ["none"])
    features: list[str] = field(default_factory=list)  # more schema:accessibilityFeature values
    conforms_to: str = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"  # "" claims nothing; claimed only when the audit passes
    certified_by: str = ""  # a11y:certifiedBy with the claim (default "Pressroom")


@dataclass(frozen=True)
class BookConfig:
    title: str
    language: str = "en"
    subtitle: str = ""
    authors: list[str] = field(default_factory=list)
    identifier: str = ""
    date: str = ""
    publisher: str = ""
    rights: str = ""
    description: str = ""
    cover: str = ""
    chapters: list[str] = field(default_factory=list)
    chapters_glob: str = "chapters/*"
    output: str = "book"
    version: str = "1.0.0"
    edition: str = ""
    accent: str = "#c0392b"
    templates: str = "templates"  # the book's own template folder, searched first
    # what the stores ask: an ISBN (kept as its ISBN-13 digits), a series and the book's place in
    # it, subjects (BISAC codes or free words) and the stores `make release` checks the EPUB for
    isbn: str = ""
    series: str = ""
    series_index: float | None = None
    subjects: list[str] = field(default_factory=list)
    stores: list[str] = field(default_factory=list)
    clean: CleanOptions = field(default_factory=CleanOptions)
    typography: TypographyOptions = field(default_factory=TypographyOptions)
    images: ImagesOptions = field(default_factory=ImagesOptions)
    credits: CreditsOptions = field(default_factory=CreditsOptions)
    pdf: PdfOptions = field(default_factory=PdfOptions)
    epub: EpubOptions = field(default_factory=EpubOptions)
    accessibility: AccessibilityOptions = field(default_factory=AccessibilityOptions)
    editions: Editions = field(default_factory=Editions)
    # not from the file: where it came from
    source_dir: Path = Path(".")
    from_file: bool = True

    @property
    def urn(self) -> str:
        """The identifier as a URN: kept when it is one, else a UUID derived from it."""
        ident = self.identifier or f"{self.title}|{'|'.join(self.authors)}"
        if ident.lower().startswith("urn:"):
            return ident
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, ident)}"

    @property
    def isbn_urn(self) -> str:
        """`urn:isbn:` and the ISBN-13 digits, or "" without an ISBN."""
        return f"urn:isbn:{self.isbn}" if self.isbn else ""

    @property
    def isbn_display(self) -> str:
        """The ISBN-13 with its hyphens (978-0-306-40615-7), as a copyright page prints it."""
        from .isbn import hyphenated

        return hyphenated(self.isbn) if self.isbn else ""

    @property
    def is_cjk(self) -> bool:
        return self.language.lower().split("-")[0] in ("zh", "ja", "ko")

    def chapter_files(self) -> list[Path]:
        """The chapter files in book order: the explicit list, else the glob in name order."""
        root = self.source_dir
        if self.chapters:
            out = []
            for name in self.chapters:
                p = root / name
                if not p.is_file():
                    raise PressroomError(
                        f"chapter file not found: {name} (listed in 'chapters'; fix the name or remove it)",
                        _rel(root / "book.toml"), key_line(root / "book.toml", "chapters"))
                out.append(p)
            return out
        found = sorted(Path(p) for p in globmod.glob(str(root / self.chapters_glob))
                       if Path(p).suffix.lower() in CHAPTER_SUFFIXES and Path(p).is_file())
        if not found:  # a plain folder of articles
            found = sorted(p for p in root.iterdir() if p.suffix.lower() in CHAPTER_SUFFIXES
                           and p.is_file() and p.name.lower() != "readme.md")
        if not found:
            raise PressroomError(f"no chapters found in {root} (add Markdown or HTML files, or list them in book.toml 'chapters')")
        return found


def load_config(source_dir: Path) -> tuple[BookConfig, list[str]]:
    """Read `book.toml` in `source_dir`; return the config and notes for the user."""
    source_dir = Path(source_dir)
    if not source_dir.is_dir():
        what = "is a file, not a folder" if source_dir.exists() else "does not exist"
        raise PressroomError(f"source folder {what}: {source_dir} (pass --source DIR, a folder of articles)")
    path = source_dir / "book.toml"
    notes: list[str] = []
    if not path.exists():
        notes.append(f"{_rel(source_dir)}: no book.toml, building with defaults "
                     f"(run 'pressroom new {_rel(source_dir)}' to write one)")
        cfg = BookConfig(title=source_dir.resolve().name.replace("-", " ").replace("_", " ").strip() or "Book",
                         source_dir=source_dir, from_file=False)
        lang = detect_language(cfg.chapter_files())
        return dataclasses.replace(cfg, language=lang), notes
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise PressroomError("book.toml is not UTF-8 text (save it as UTF-8)", _rel(path)) from None
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        raise PressroomError(f"invalid TOML: {e} (fix the syntax)", _rel(path),
                             int(m.group(1)) if m else None) from None
    if "title" not in data:
        raise PressroomError("missing required key 'title' (add: title = \"My book\")", _rel(path), 1)
    cfg = _build(BookConfig, data, path)
    if not re.fullmatch(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*", cfg.language):
        raise PressroomError(f"'language' must be a BCP 47 tag such as zh-CN or en, not {cfg.language!r}",
                             _rel(path), key_line(path, "language"))
    if not re.fullmatch(r"#[0-9A-Fa-f]{3}|#[0-9A-Fa-f]{6}", cfg.accent):
        raise PressroomError(f"'accent' must be a colour such as \"#1f5f8b\", not {cfg.accent!r}",
                             _rel(path), key_line(path, "accent"))
    if not re.fullmatch(r"[A-Za-z0-9._-]+", cfg.output):
        raise PressroomError(f"'output' must be a file stem (letters, digits, . _ -), not {cfg.output!r}",
                             _rel(path), key_line(path, "output"))
    for table, options in [("pdf", cfg.pdf)] + [(f"editions.{name}", getattr(cfg.editions, name))
                                               for name in cfg.editions.declared()]:
        if options.pdf_variant.lower().startswith("pdf/x"):
            raise PressroomError(
                f"[{table}] pdf_variant {options.pdf_variant!r}: WeasyPrint 70 writes PDF/X's metadata but not the "
                "output intent PDF/X requires, so the file would claim what it is not; leave pdf_variant out "
                "(print-on-demand services such as KDP take the plain PDF)", _rel(path), key_line(path, "pdf_variant", table))
    cfg = _store_metadata(cfg, path)
    return dataclasses.replace(cfg, source_dir=source_dir), notes


def _store_metadata(cfg: BookConfig, path: Path) -> BookConfig:
    """`isbn` read and kept as ISBN-13 digits; `stores` known; `series_index` only with a series."""
    if cfg.isbn.strip():
        from .isbn import normalise  # python-stdnum's import (0.01 s) only for a book with an ISBN

        try:
            cfg = dataclasses.replace(cfg, isbn=normalise(cfg.isbn))
        except ValueError as e:
            raise PressroomError(f"'isbn' {e}", _rel(path), key_line(path, "isbn")) from None
    else:
        cfg = dataclasses.replace(cfg, isbn="")
    for name in cfg.stores:
        if name not in KNOWN_STORES:
            raise PressroomError(f"'stores' names an unknown store {name!r}; known stores: {', '.join(KNOWN_STORES)}",
                                 _rel(path), key_line(path, "stores"))
    if cfg.series_index is not None and not cfg.series.strip():
        raise PressroomError("'series_index' is set but 'series' is not (add: series = \"The series' name\")",
                             _rel(path), key_line(path, "series_index"))
    if cfg.series_index is not None and cfg.series_index < 0:
        raise PressroomError(f"'series_index' must be 0 or more, not {cfg.series_index:g}",
                             _rel(path), key_line(path, "series_index"))
    if any(not s.strip() for s in cfg.subjects):
        raise PressroomError("'subjects' has an empty entry (remove it)", _rel(path), key_line(path, "subjects"))
    return dataclasses.replace(cfg, subjects=[s.strip() for s in cfg.subjects], series=cfg.series.strip())


def detect_language(files: list[Path]) -> str:
    """zh-CN when Han characters dominate the letters of the first articles, else en."""
    han = latin = 0
    for p in files[:5]:
        try:
            text = p.read_bytes()[:200_000].decode("utf-8", "replace")
        except OSError:
            continue
        han += len(re.findall(r"[\u4e00-\u9fff]", text))
        latin += len(re.findall(r"[A-Za-z]", text)) / 5  # about five letters a word
    return "zh-CN" if han > latin else "en"


def book_toml_text(source_dir: Path) -> str:
    """A starter book.toml for a folder of articles (`pressroom new`)."""
    cfg, _ = load_config(source_dir) if (source_dir / "book.toml").exists() else (None, None)
    title = source_dir.resolve().name.replace("-", " ").replace("_", " ")
    files = BookConfig(title=title, source_dir=source_dir).chapter_files()
    lang = detect_language(files)
    chapters = ",\n".join(f'  "{p.relative_to(source_dir).as_posix()}"' for p in files)
    return f'''# Pressroom book configuration: see README.md, "Configuration".
title = "{title}"
subtitle = ""
authors = ["Your Name"]
language = "{lang}"
identifier = "{title}"
date = ""
publisher = ""
rights = "All rights reserved"
description = ""
output = "{re.sub(r"[^A-Za-z0-9._-]+", "-", title).strip("-") or "book"}"
version = "1.0.0"
chapters = [
{chapters}
]
'''
