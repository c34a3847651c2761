"""Step 2, parts laid out in parallel: takes PartJobs (a document, its stylesheets, options and the
engine patches to install); gives LaidOut records (a PDF file per part and what the later steps
read of its layout). The PDF laid out part by part: each part of the main matter (a chapter, the credits) is its own
WeasyPrint document, laid out in a process pool and kept in the cache by what its layout follows
from (its HTML, the stylesheets, the images it shows, the options, Pressroom's and WeasyPrint's
versions). Editing one chapter lays out that chapter again and nothing else; its page count only
moves the folios, which `join.py` prints over the pages after layout.

A part's layout does not depend on its page numbers or on which side of the spread it falls: its
running heads and folios are left out (and printed later, with the page's number and side; left
and right pages have text blocks of one width), and a link to another part
names its target, which `join.py` finds in that part. Each laid-out
part is a PDF file and a JSON record: its page count, the page each anchor is on, where each page
starts (for the EPUB's page list), short pages and moved figures (diagnostics).
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ...pools import ForkServerPool, rss  # noqa: F401 - rss: for emit/pdf/__init__.py

# a part's pages carry no running heads or folios: join.py prints the book's over them
_NONE = "@top-left { content: none; } @top-right { content: none; } " \
        "@bottom-left { content: none; } @bottom-right { content: none; }"
NO_FURNITURE = f"@page {{ {_NONE} }}\n@page :left {{ {_NONE} }}\n@page :right {{ {_NONE} }}\n"


@dataclass
class PartJob:
    id: str
    html: str
    css: str
    roots: list[str]  # the folders the fetcher may read: the prepared images, then the templates
    options: dict
    figure_passes: int
    record: bool = True  # record where each page starts and which pages are short (a part of the main matter)
    images: list[str] = field(default_factory=list)  # the `src` of every image it shows
    key: str = ""
    margins: bool = False  # record the text of each page's margin boxes (the stamps: stamps.py)
    extra_css: str = ""  # after `css`: what this kind of document adds (parsed apart, `css` once per worker)
    epoch: str = ""  # the SOURCE_DATE_EPOCH it is laid out under (font time stamps; a worker gets it from pools._dated): in its key
    toc: str = ""  # "columns" or "samples": record where the contents' numbers go, or the digits' samples (toc)
    patches: tuple = ()  # the weasyprint_patches to lay it out with (weasyprint_patches.wanted())
    resolutions: bool = False  # record each raster image's resolution as printed (the print variant)


@dataclass
class LaidOut:
    id: str
    pdf: Path
    pages: int
    anchors: dict[str, int] = field(default_factory=dict)  # id -> page index in the part
    starts: list = field(default_factory=list)  # page_list.page_starts() of the part's pages
    short: list = field(default_factory=list)  # (page index, fill)
    moved: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    fonts: list = field(default_factory=list)  # the font files its font streams name (shared_fonts)
    margins: list = field(default_factory=list)  # stamps.margins() of its pages, where asked
    toc: dict = field(default_factory=dict)  # toc.columns() or toc.sampled(), where asked
    resolutions: list = field(default_factory=list)  # pages.image_resolutions() of a part with raster images


def part_key(job: PartJob, images: Path) -> str:
    """What the part's layout follows from, hashed (the images by their bytes)."""
    from importlib.metadata import version

    from ... import cache

    h = hashlib.sha256()
    for piece in (cache.pipeline_version(), version("weasyprint"), job.css, job.extra_css, json.dumps(job.options, sort_keys=True),
                  str(job.figure_passes), str(job.record), str(job.margins), job.epoch, job.toc,
                  ",".join(job.patches), str(job.resolutions), job.html):
        h.update(piece.encode() + b"\0")
    for img in job.images:
        path = images / img.rsplit("/", 1)[-1]
        h.update(img.encode() + b"\0" + (hashlib.sha256(path.read_bytes()).digest() if path.is_file() else b"-"))
    return h.hexdigest()


def light(book):
    """What a part's layout reads of the Book (its configuration, the parts' ids), small enough to
    send to a fresh worker process."""
    from types import SimpleNamespace

    from ...model import Book

    return Book(config=book.config, source_dir=book.source_dir,
                chapters=[SimpleNamespace(id=ch.id) for ch in book.chapters])  # type: ignore[misc]


def _parse(css: str, roots: tuple[str, ...], font_config):
    """A stylesheet parsed with `font_config`, and the URLs it was refused."""
    from weasyprint import CSS

    from .fetch import TEMPLATES_URL, BookFetcher

    refused: list[str] = []
    return CSS(string=css, url_fetcher=BookFetcher([Path(r) for r in roots], refused), base_url=TEMPLATES_URL,
               font_config=font_config), refused


@functools.lru_cache(maxsize=1)
def _stylesheet(css: str, roots: tuple[str, ...]):
    """The part's stylesheets parsed, with their font configuration and the URLs they were refused,
    once per process for all its parts (parsing takes a tenth of a short part's time, 0.3 s)."""
    from weasyprint.text.fonts import FontConfiguration

    font_config = FontConfiguration()
    return (font_config, *_parse(css, roots, font_config))


@functools.lru_cache(maxsize=8)
def _extra(extra: str, css: str, roots: tuple[str, ...]):
    """A kind of document's own rules, parsed once per process, after (and with the fonts of) `css`."""
    return _parse(extra, roots, _stylesheet(css, roots)[0])


WARM_IMPORTS = ("bs4", "pipeline.emit.pdf.engine_libraries", "weasyprint.document", "weasyprint.layout", "weasyprint.pdf", "pipeline.emit.pdf.shared_fonts",
                "pipeline.emit.pdf.weasyprint_patches.face_data", "pipeline.emit.pdf.weasyprint_patches.font_subsets",
                "pipeline.emit.pdf.weasyprint_patches.png_images", "pipeline.emit.pdf.weasyprint_patches.svg_paths",
                "pipeline.emit.pdf.weasyprint_patches.svg_glyphs",
                "pipeline.emit.pdf.weasyprint_patches.leaders",
                "pipeline.emit.pdf.weasyprint_patches.margins", "pipeline.emit.pdf.weasyprint_patches.relayout",
                "pipeline.emit.pdf.weasyprint_patches.streams", "pipeline.emit.pdf.weasyprint_patches.page_references",
                "pipeline.emit.pdf.weasyprint_patches.lxml_tree",
                "pipeline.emit.pdf.stamps", "pipeline.emit.pdf.toc", "pipeline.emit.pdf.pages", "pipeline.emit.page_list")


def warm(args) -> None:
    """A worker's imports done and the print stylesheet parsed before its first part (`pdf.warm_up()`)."""
    import importlib

    css, roots = args
    for name in WARM_IMPORTS:
        importlib.import_module(name)
    _stylesheet(css, roots)


def lay_out(job: PartJob, folder: Path, book) -> LaidOut:
    """One part through WeasyPrint: its PDF into `folder`, its record beside it."""
    from bs4 import BeautifulSoup
    from . import formula_tags, stamps, toc, weasyprint_patches
    from .weasyprint_patches import font_subsets, lxml_tree, relayout
    from ..page_list import page_starts
    from .pages import image_resolutions, place_figures, underfull
    from .fetch import BOOK_URL, BookFetcher

    # the patches the build chose (none where they are off), and no other: this process may have
    # laid out a book with others; PDF/A and PDF/UA variants: each part's own subsets (CIDSet)
    weasyprint_patches.install([name for name in job.patches
                                if not (name == "font_subsets" and job.options.get("pdf_variant"))], folder.parent)
    refused: list[str] = []
    fetcher = BookFetcher([Path(r) for r in job.roots], refused)
    font_config, css, css_refused = _stylesheet(job.css, tuple(job.roots))
    refused += css_refused
    sheets = [css]
    if job.extra_css:
        extra, extra_refused = _extra(job.extra_css, job.css, tuple(job.roots))
        sheets.append(extra)
        refused += extra_refused
    options = {**job.options, "cache": {}, "stylesheets": sheets}

    def render(html: str):
        return lxml_tree.document(html, BOOK_URL, fetcher).render(font_config=font_config, **options)

    html = job.html
    relayout.record(job.figure_passes > 0)  # the pages before a figure placed are kept as laid out
    document, moved = render(html), []
    for _ in range(job.figure_passes):
        if not underfull(document, book):  # no page to fill: no tree to parse
            break
        soup, pages = BeautifulSoup(html, "lxml"), []
        changed = place_figures(document, book, soup, pages)
        if not changed:
            break
        moved += changed
        html = str(soup)
        document = soup = None
        relayout.keep(min(pages))
        document = render(html)
    relayout.record(False)
    anchors: dict[str, int] = {}
    for i, page in enumerate(document.pages):  # an element across pages is anchored on its first
        for name in page.anchors:
            anchors.setdefault(name, i)
    record = LaidOut(job.id, folder / f"{job.key[:40]}.pdf", len(document.pages), anchors,
                     page_starts(document) if job.record else [],
                     [list(x) for x in underfull(document, book)] if job.record else [], moved, refused,
                     margins=stamps.margins(document) if job.margins else [],
                     toc={"columns": toc.columns, "samples": toc.sampled}.get(job.toc, lambda _: {})(document),
                     resolutions=image_resolutions(document) if job.resolutions and job.images else [])
    tmp = record.pdf.with_suffix(f".{os.getpid()}.part")
    with font_subsets.noting() as noted_fonts:
        document.write_pdf(tmp, finisher=formula_tags.finisher(formula_tags.alternate_texts(html))
                           if job.options.get("pdf_tags") else None, **options)
    record.fonts = sorted(noted_fonts)
    os.replace(tmp, record.pdf)
    if job.toc == "samples":
        record.toc = toc.verified(record.toc, record.pdf)
    record.pdf.with_suffix(".html").write_text(html, encoding="utf-8")  # for `make bench` and for reading
    meta = {k: v for k, v in record.__dict__.items() if k != "pdf"}
    tmp = record.pdf.with_suffix(f".{os.getpid()}.jpart")
    tmp.write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    os.replace(tmp, record.pdf.with_suffix(".json"))
    return record


def cached(job: PartJob, folder: Path) -> LaidOut | None:
    pdf, meta = folder / f"{job.key[:40]}.pdf", folder / f"{job.key[:40]}.json"
    if not (pdf.is_file() and meta.is_file()):
        return None
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
        record = LaidOut(pdf=pdf, **data)
    except (OSError, ValueError, TypeError):
        return None
    from .weasyprint_patches import font_subsets

    if not all(font_subsets.kept(font_subsets.folder_of(folder.parent) / key) for key in record.fonts):
        return None  # a font file it names has gone from the cache: laid out again
    return record


def _worker(args) -> LaidOut:
    """`lay_out()`; in a process other than the build's (`builder`, which joins a small book), its
    font files whole in the cache before the join (another process) reads them."""
    job, folder, book, builder = args
    record = lay_out(job, folder, book)
    if os.getpid() != builder:
        from .weasyprint_patches import font_subsets

        font_subsets.written()
    return record


SMALL_BOOK = 400_000  # bytes of the chapters' source files: below, `one_process()` (measured: see there)


def one_process(config) -> bool:
    """Whether the book is small enough to be laid out in the build's own process and a twin forked
    from it (`pipeline.pools.TwinPool`; with `--jobs 1`, in the build's process alone) and joined
    there: no fork server, no pool, no join process, WeasyPrint imported once. Decided by the total
    bytes of the chapters' source files (known before the stages run, when the pool would be
    started): under SMALL_BOOK; `PRESSROOM_SMALL_BOOK=<bytes>` sets the bound (0: always the pool).

    Measured on tds-zh-2025 (`bench/sizes.py`'s books, 1-137.md first: formulas), cold PDF,
    `--jobs 2`, four runs each in turn on the 2 shared cores (nineteenth session), wall (CPU)
    medians in seconds, twin / pool:

        articles  source bytes  twin          pool
        1            9,918      1.82 (2.75)   2.23 (3.22)
        2           25,186      2.19 (3.63)   2.57 (4.17)
        4           47,298      2.61 (4.44)   3.39 (5.59)
        6           80,721      3.11 (5.38)   3.67 (6.41)
        10         161,158      6.05 (11.0)   7.00 (12.9)
        50         770,723      24.0 (44.6)   22.8 (43.0)  (two runs each)

    The twin saves the fork server's imports (0.8 s of CPU) and the join process, and uses both
    cores; from some hundreds of KB on, the pool's early join (in a process of its own, beside
    the layout) and the memory a fork of this process would carry count more. The bound is
    between 10 and 50 articles. (Before the twin, a small book was laid out in this process
    alone, and the bound was 20 KB: one process cost less CPU but left the second core idle.)"""
    limit = int(os.environ.get("PRESSROOM_SMALL_BOOK", SMALL_BOOK))
    try:
        size = sum(path.stat().st_size for path in config.chapter_files())
    except (OSError, ValueError):
        return False
    return size < limit


# what the layout workers and the join import: imported once, by the server they are forked from
PRELOAD = WARM_IMPORTS + ("pikepdf", "pipeline.emit.pdf.join", "pipeline.emit.pdf.joiner", "pipeline.emit.pdf.preloaded")  # (that last: gc.freeze())


class Workers(ForkServerPool):
    """The PDF's pool (`pipeline.pools.ForkServerPool`): the layout workers and the join, forked
    from a server that imported PRELOAD once."""

    preload = PRELOAD


def lay_out_all(book, jobs, count: int, folder: Path, workers: Workers, timings: dict | None = None) -> list[LaidOut]:
    """Every part laid out, from the cache where its key is there, else by the `workers`, each as
    soon as `jobs` gives it (`(index, job)` pairs, in any order: the longest first balance the
    workers best); the same files as a serial run, in the order of the indexes."""
    folder.mkdir(parents=True, exist_ok=True)
    results: list = [None] * count
    small, hits = light(book), 0
    for i, job in jobs:
        job.key = part_key(job, Path(job.roots[0]) / "images")
        record = cached(job, folder)
        hits += record is not None
        results[i] = record or workers.submit(_worker, (job, folder, small, os.getpid()), len(job.html))
    results = [r if isinstance(r, LaidOut) else r.result() for r in results]
    if timings is not None:
        timings["pdf.parts.cache.hits"] = hits
    keep = {r.pdf.with_suffix(x).name for r in results for x in (".pdf", ".json", ".html")}
    for old in folder.iterdir():  # parts of earlier versions of the book
        if old.suffix in (".pdf", ".json", ".html") and old.name not in keep:
            old.unlink(missing_ok=True)
    return results
