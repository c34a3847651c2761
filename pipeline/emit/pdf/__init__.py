"""The typeset PDF with WeasyPrint, laid out part by part. `write()` takes the Book and gives the
PDF file; its steps, in order, each a module of this folder:

1. HTML for print: `print_html.py` makes the documents (the front matter, one per part of the
   main matter, the furniture), `print_css.py` their stylesheet and page rules, `print_images.py`
   the images as print wants them; `fetch.py` lets a document read those files and nothing else.
2. Parts laid out in parallel: `parts.py` lays each document out in a pool of workers (cached by
   what its layout follows from); `pages.py` moves a figure that would leave a page too empty
   and lays the part out again from that page on (at most `[pdf] figure_passes` times).
3. Contents numbers and stamps: `toc.py` sets the contents' page numbers, `stamps.py` the running
   heads and folios, each laid out once and stamped over the pages after the join.
4. Join: `join.py` joins the parts with pikepdf, in a process of its own (`joiner.py`): one outline, one
   structure tree, the links between parts.
5. Fonts and streams: `shared_fonts.py` makes one subset of each font for the whole book.
6. Atomic write: `pipeline.emit.atomic_path()`; the time stamps (and the font subsets') follow
   `build_time()`.

WeasyPrint's internals are replaced only in `weasyprint_patches/` (one module per patch, each
installed only for the versions it was written for, all of them optional: `[pdf] engine_patches`,
`PRESSROOM_ENGINE_PATCHES=0`). This process does not import WeasyPrint: the layout workers do,
except for a small book (`parts.one_process()`), laid out here and in a twin forked from here
(`pipeline.pools.TwinPool`), and joined here.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

from ... import layout
from ...model import Book, Diagnostic
from ...pools import TwinPool, rss
from .. import atomic_path, build_time
from . import join, parts, print_html, shared_fonts, stamps, toc, weasyprint_patches
from .joiner import Joiner
from .print_css import page_css, print_css, stylesheets, trim_size  # noqa: F401 - for bench/ and the tests
from .print_images import prepare_images
from ..page_list import page_map_of
from .parts import PartJob
from ...page_geometry import geometry, page_inches  # noqa: F401 - page_inches: for the tests

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


class _Clock:
    """`clock(name)`: the time since the last call, into `timings[name]` (for `--timings`)."""

    def __init__(self, timings: dict | None):
        import time

        self.timings, self.now, self.last = timings, time.perf_counter, time.perf_counter()

    def __call__(self, name: str) -> None:
        now = self.now()
        if self.timings is not None:
            self.timings[name] = now - self.last
        self.last = now


FURNITURE_PAGES = 64  # even: each furniture document starts on a right-hand page


MEMORY = 1.5 * 2**30  # what the PDF build's processes should hold at most together (issue 8: a 200-article book)
JOIN_GROWTH = 25  # bytes the join holds (qpdf's objects) per byte of the parts' PDFs: 287 MB for 11.2 MB, measured


def _join_fits(main: list, *pools) -> bool:
    """Whether the main matter's join, started now beside the layout workers (which lay out the
    front matter), keeps the build under MEMORY: what this process and the pools hold now, and
    the join's growth estimated from the parts' bytes. Otherwise it waits for the workers to go."""
    held = [rss(os.getpid())] + [pool.rss() for pool in pools]
    if None in held:  # no /proc to read: not risked
        return False
    return sum(held) + JOIN_GROWTH * sum(m.pdf.stat().st_size for m in main) < MEMORY


def warm_up(config, source_dir: Path, cache_dir: Path, workers: parts.Workers | None) -> None:
    """The layout workers started, each importing WeasyPrint and parsing the print stylesheet,
    while the chapters' stages run (`build.run_chapters()`): their first parts do not wait. With
    no `workers` (a small book, `parts.one_process()`), the same in this process. The templates
    this process renders the parts with are compiled meanwhile too."""
    book = Book(config=config, source_dir=source_dir, chapters=[])
    task = (print_css(book), tuple(roots_of(book, (cache_dir / "pdf").resolve())))
    if workers is None:
        parts.warm(task)
    else:
        for _ in range(workers.n):
            workers.submit(parts.warm, task)
    layout.compile_templates(book, cache_dir, layout.PART_TEMPLATES + ("pdf/book.html.j2",))


def roots_of(book: Book, work: Path) -> list[str]:
    """The folders a part's fetcher may read: the prepared images (in `work`), then the templates."""
    return [str(work)] + [str(p) for p in layout.search_path(book)]


def write(book: Book, target: Path, cache_dir: Path, jobs: int = 1, timings: dict | None = None,
          workers: parts.Workers | None = None, alone: bool = True) -> Path:
    """Lay the front matter and the parts out (in parallel, from the cache where unchanged; in
    `workers` where they were started ahead); join them with the running heads, the folios and
    the contents' page numbers into `target`."""
    work = (cache_dir / "pdf").resolve()
    when = build_time(book.source_dir, book.config.date)
    g = geometry(book)
    small = workers is None and parts.one_process(book.config)  # laid out here (and in a twin), joined here
    if workers is None:  # a small book's with a core free (`alone`: no other edition laid out beside): a twin
        workers = (TwinPool() if jobs > 1 and alone else parts.Workers(1)) if small else parts.Workers(jobs)
    with source_date_epoch(int(when.timestamp())), workers, \
            Joiner(apart=not small) as joiner:
        clock = _Clock(timings)
        joiner.start()  # its process ready (imports, HarfBuzz) when the parts are
        cover_file, prepared = prepare_images(book, work, workers)
        front_soup, ids, documents, guess_heads = print_html.part_documents(book, cover_file, cache_dir)
        list(prepared)  # a part's cache key reads the images it shows
        clock("pdf.images")
        css = print_css(book)
        roots = roots_of(book, work)
        patches = weasyprint_patches.wanted(book.config.pdf.engine_patches)  # for every part alike
        book.diagnostics.append(Diagnostic("info", "pdf.engine-patches", weasyprint_patches.summary(book.config.pdf.engine_patches)))
        options = {"pdf_tags": book.config.pdf.tagged}
        if book.config.pdf.pdf_variant:
            options["pdf_variant"] = book.config.pdf.pdf_variant
        def job(id: str, soup, extra: str, passes: int, record: bool = True, images: list | None = None) -> PartJob:
            if images is None:
                images = [] if isinstance(soup, str) else sorted({img.get("src", "") for img in soup.find_all("img") if not img.get("src", "").startswith("data:")})
            return PartJob(id, str(soup), css, roots, options, passes, record, images, extra_css=extra,
                           epoch=os.environ["SOURCE_DATE_EPOCH"], patches=patches,
                           resolutions=book.config.pdf.variant == "print")

        recto = book.config.pdf.variant != "screen"  # print.css: parts open on a recto in print only
        borrowed: list = [None] * len(ids)
        heads: list = [None] * len(ids)

        digits = toc.digits_for(sum(len(ch.html) for ch in book.chapters))
        entries = toc.entries(front_soup)

        def front_job(extra: str) -> PartJob:
            front = job("front", front_soup, extra, 0, False)
            front.toc = "columns"
            return front

        def main_jobs():
            """The front matter first, its contents' numbers left out (toc.py), and the samples
            of their digits; then each part's job as its document is made (the layout starts on
            the first while the next is made), keeping what is needed of its tree: the tree itself
            is let go."""
            for a in entries:
                a["data-page"] = ""
            yield len(ids), front_job(toc.column_css(digits))
            samples = job("toc-digits", toc.samples(front_soup) or "<html><body></body></html>", toc.SAMPLES_CSS,
                          0, False, images=[])
            samples.toc, samples.options = "samples", {**options, "pdf_tags": False}  # drawn as artifacts
            yield len(ids) + 1, samples
            title = print_html.book_title(front_soup)
            for n, (i, doc) in enumerate(documents):
                borrowed[i], heads[i] = set(doc.stand_ins), (title, doc.head)
                yield i, job(ids[i], doc.html, parts.NO_FURNITURE, book.config.pdf.figure_passes, images=doc.images)
                if n == 0:  # the stamps next, with the heads guessed: laid out early, not after every part
                    guessed[:] = [(title, head) for head in guess_heads()]
                    yield len(ids) + 2, stamps_job(guessed)
            if not guessed:
                yield len(ids) + 2, stamps_job(heads)

        def stamps_job(pairs: list) -> PartJob:
            stamp_part = job("stamps", stamps.document(book, pairs), print_html.FURNITURE, 0, False)
            stamp_part.margins = True
            return stamp_part

        guessed: list = []

        main = parts.lay_out_all(book, main_jobs(), len(ids) + 3, work / "parts", workers, timings)
        stamp_part, samples, front = main.pop(), main.pop(), main.pop()
        if guessed and guessed != heads:  # a head not where guess_running_head() looks: laid out again
            stamp_part = parts.lay_out_all(book, [(0, stamps_job(heads))], 1, work / "stamps", workers)[0]
        sides = stamps.plan(heads, stamp_part.margins)
        clock("pdf.parts")
        folio_of: dict[str, str] = {}

        def numbers(front_count: int):
            starts, total, main_start = join.plan(front_count, [m.pages for m in main], recto)
            folio_of.clear()
            folio_of.update({a: str(start + i - main_start + 1) for m, start, fake in zip(main, starts, borrowed)
                             for a, i in m.anchors.items() if a not in fake})
            return starts, total, main_start

        # page numbers count from the main matter: where a part starts in it (`offsets`) and the
        # folios do not depend on the front matter; the contents' numbers are stamped into the
        # columns left for them
        offsets = numbers(0)[0]
        numbered = toc.plan(front.toc, samples.toc, folio_of)
        needed = numbered is None and max((len(folio_of.get(a["href"][1:], "")) for a in entries), default=0)
        if needed and needed > digits:  # a column too narrow: the front matter laid out with a wider one
            wide = parts.lay_out_all(book, [(0, front_job(toc.column_css(needed)))], 1, work / "front", workers)[0]
            numbered = toc.plan(wide.toc, samples.toc, folio_of)
            front = wide if numbered is not None else front
        if numbered is None:  # numbers the stamps cannot print: set in the front matter's layout
            for a in entries:
                a["data-page"] = folio_of.get(a["href"][1:], "")
            front = parts.lay_out_all(book, [(0, job("front", front_soup, print_html.TOC_NUMBERS, 0, False))], 1,
                                          work / "front", workers)[0]
        starts, total, main_start = numbers(front.pages)
        skip = main_start % 2  # a screen edition's main matter after an odd number of pages opens on a left-hand page
        placed = [(m.pdf, start, (g.outer - g.inner) * 72, fake) for m, start, fake in zip(main, offsets, borrowed)]
        furniture: list = [None] * (total - main_start)
        for m, start, (book_title, own) in zip(main, starts, heads):
            for i in range(1, m.pages):  # a part's opening page prints none
                furniture[start - main_start + i] = (book_title, own, str(start + i - main_start + 1))
        early = _join_fits(main, workers, joiner)  # the main matter joined while the furniture is laid out
        if early:
            joiner.main(placed, shared_fonts.folder_of(work), skip)
        laid = []
        if not sides:
            # the furniture the stamps cannot print, in documents of FURNITURE_PAGES pages (laid out
            # side by side, cached each): each document's first page is a right-hand page, as the
            # book's first, so the furniture of a main matter opening on a left-hand page starts
            # with a bare page; each document's pages from the main matter's first page on
            pages = [None] * skip + furniture
            chunks = [pages[i:i + FURNITURE_PAGES] for i in range(0, len(pages), FURNITURE_PAGES)]
            done = parts.lay_out_all(book, enumerate([job(f"furniture-{n}", print_html.furniture(book, chunk),
                                                              print_html.FURNITURE, 0, False)
                                                          for n, chunk in enumerate(chunks)]), len(chunks), work / "front", workers)
            laid = [(f.pdf, n * FURNITURE_PAGES - skip, [p is not None for p in chunk])
                    for n, (f, chunk) in enumerate(zip(done, chunks))]
        clock("pdf.front")
        workers.close()  # the workers' memory is given back before the join, which needs its own
        if not early:
            joiner.main(placed, shared_fonts.folder_of(work), skip)
        stamped = None
        if sides:  # each printed page's stamps: (book page, [(stamp page, top half, points across)])
            stamped = (stamp_part.pdf, [(main_start + k, stamps.stamps_for(sides, "left" if (main_start + k) % 2 else "right",
                                                                         (title, own), folio))
                                    for k, (title, own, folio) in enumerate(p or ("", "", "") for p in furniture) if folio])
        with atomic_path(target) as tmp:
            book.page_count = joiner.finish(
                (front.pdf, print_html.stand_ins(front_soup)), main_start,
                [(pdf, main_start + offset, printed) for pdf, offset, printed in laid], tmp, stamped,
                (samples.pdf, numbered) if numbered else None)
        clock("pdf.join")
    page_starts: list = [None] * (total - main_start)
    for m, start in zip(main, starts):
        page_starts[start - main_start:start - main_start + m.pages] = m.starts
    book.page_map = page_map_of(page_starts, [str(i + 1) for i in range(total - main_start)])
    book.resolutions = [[src, ppi] for m in main for src, ppi, _page in m.resolutions]
    for m, start in zip(main, starts):
        if m.moved:
            book.diagnostics.append(Diagnostic("info", "pdf.figure-placed",
                                               f"moved or scaled {len(m.moved)} figure(s) to fill the page before: "
                                               f"{', '.join(m.moved)}"))
        for i, fill in m.short:
            book.diagnostics.append(Diagnostic("info", "pdf.page-short",
                                               f"page {start + i + 1} of the PDF is {1 - fill:.0%} empty"))
    for url in dict.fromkeys(u for m in [front, *main] for u in m.refused):
        book.diagnostics.append(Diagnostic("warning", "pdf.fetch", f"refused to fetch {url[:120]}"))
    return target
