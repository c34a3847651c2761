"""The typeset PDF with WeasyPrint, laid out part by part: the HTML documents come from
`pdf_html.py`, each part of the main matter is laid out by `pdf_parts.py` (in a pool, cached), with
the stamps of the running heads and folios (`pdf_stamps.py`) and the front matter, its contents'
page numbers left to stamps too (`pdf_toc.py`), and `pdf_merge.py` joins them. Images are prepared for print, and a URL fetcher fetches nothing but the
book's own prepared files and stylesheets (`pdf_fetch.py`). This process does not import
WeasyPrint: the layout workers do. Time stamps (and WeasyPrint's font subsets) follow `build_time()`.

What CSS alone cannot do is done before layout (`pdf_html.py`) or on the layout after:
- page geometry from the trim size: margins in proportion to the page, wider on the outside;
- Chinese lines justified between characters (`justify.py`: WeasyPrint only stretches spaces,
  which tears a Chinese line apart at its one or two spaces);
- a figure that would leave a page more than a third empty moves past the next paragraphs, as a
  float does in a printed book, or shrinks to fit, and its part is laid out again from that page
  on (`pages.py`, `pdf_relayout.py`, at most `[pdf] figure_passes` times).
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .. import layout
from ..images.prepare import for_print, print_cached
from ..model import Book, Diagnostic
from . import atomic_path, build_time
from .cover import ink
from .justify import JUSTIFY_CJK
from . import pdf_fonts, pdf_html, pdf_merge, pdf_parts, pdf_stamps, pdf_toc
from .page_list import page_map_of
from .pdf_parts import PartJob
from .pages import geometry, page_inches, text_width_in  # noqa: F401 - page_inches: for the tests
from .epub import cover_asset

TRIM_SIZES = {"a4": "A4", "a5": "A5", "letter": "letter", "6x9": "6in 9in", "b5": "B5"}


def trim_size(value: str) -> str:
    return TRIM_SIZES.get(value.strip().lower().replace(" ", ""), value)


def page_css(book: Book) -> str:
    """The `@page` rules that follow from book.toml: size, margins, bleed, marks, base size."""
    pdf, g = book.config.pdf, geometry(book)
    css = [f"@page {{ size: {trim_size(pdf.trim)}; margin: {g.top}in {g.outer}in {g.bottom}in {g.inner}in; }}",
           f"@page :left {{ margin-left: {g.outer}in; margin-right: {g.inner}in; }}",
           f"@page :right {{ margin-left: {g.inner}in; margin-right: {g.outer}in; }}",
           f"@page cover {{ margin: 0; background: {book.config.accent}; }}",
           ".cover-art { color: %s; }" % ("#fff" if ink(book.config.accent)[0] > 128 else "#1a1a1a"),
           f"html {{ font-size: {g.font_pt}pt; }}"]
    if book.config.cover:
        css.append("@page cover { background: none; }")
    if pdf.bleed:
        css.append(f"@page {{ bleed: {pdf.bleed}; }}")
    if pdf.crop_marks:
        css.append("@page { marks: crop cross; }")
        if not pdf.bleed:
            css.append("@page { bleed: 6mm; }")  # room for the marks outside the trim
    if not JUSTIFY_CJK:  # WeasyPrint would justify Chinese at its few spaces only
        css.append(":lang(zh) p, :lang(ja) p { text-align: left; }")
    return "\n".join(css)


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


def _prepare(task) -> None:
    asset, opts, width, cache, target = task
    _write_if_changed(target, for_print(asset, opts, width, cache).data)


def prepare_images(book: Book, work: Path, workers: pdf_parts.Workers):
    """The cover and every image, prepared for print, under `work/images/`, by the `workers` and
    kept in `work/print-cache/` between builds (files rewritten only when their bytes change, so
    the parts' cache keys and WeasyPrint's image cache hold). Returns the cover's file name and
    the images' results, to be waited for (the workers prepare them while the caller goes on)."""
    (work / "images").mkdir(parents=True, exist_ok=True)
    cover = cover_asset(book, work.parent)  # work is the cache's pdf/ folder
    cover_file = f"cover.{cover.extension}"
    _write_if_changed(work / "images" / cover_file, cover.data)
    cache = work / "print-cache"
    cache.mkdir(exist_ok=True)
    width = text_width_in(book)
    tasks = []
    for a in book.assets.values():
        done = print_cached(a, book.config.images, width, cache)  # a rebuild's: done here, not waiting for a worker
        if done is None:
            tasks.append((a, book.config.images, width, cache, work / "images" / a.file_name))
        else:
            _write_if_changed(work / "images" / a.file_name, done.data)
    return cover_file, workers.map(_prepare, tasks, chunksize=4)


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)


def print_css(book: Book) -> str:
    """The print stylesheet (the book's or Pressroom's), the code colours and the page rules."""
    return layout.stylesheet(book, "css/print.css") + "\n" + layout.pygments_css() + "\n" + page_css(book)


def stylesheets(book: Book, fetcher, font_config=None) -> list:
    """`print_css()` as WeasyPrint takes it (`make bench` lays the whole book out with it)."""
    from weasyprint import CSS

    from .pdf_fetch import TEMPLATES_URL

    return [CSS(string=print_css(book), url_fetcher=fetcher, base_url=TEMPLATES_URL, font_config=font_config)]


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
    held = [pdf_parts.rss(os.getpid())] + [pool.rss() for pool in pools]
    if None in held:  # no /proc to read: not risked
        return False
    return sum(held) + JOIN_GROWTH * sum(m.pdf.stat().st_size for m in main) < MEMORY


def warm_up(config, source_dir: Path, cache_dir: Path, workers: pdf_parts.Workers) -> None:
    """The layout workers started, each importing WeasyPrint and parsing the print stylesheet,
    while the chapters' stages run (`build.run_chapters()`): their first parts do not wait."""
    book = Book(config=config, source_dir=source_dir, chapters=[])
    task = (print_css(book), tuple(roots_of(book, (cache_dir / "pdf").resolve())))
    for _ in range(workers.n):
        workers.submit(pdf_parts.warm, task)


def roots_of(book: Book, work: Path) -> list[str]:
    """The folders a part's fetcher may read: the prepared images (in `work`), then the templates."""
    return [str(work)] + [str(p) for p in layout.search_path(book)]


def write(book: Book, target: Path, cache_dir: Path, jobs: int = 1, timings: dict | None = None,
          workers: pdf_parts.Workers | None = None) -> Path:
    """Lay the front matter and the parts out (in parallel, from the cache where unchanged; in
    `workers` where they were started ahead); join them with the running heads, the folios and
    the contents' page numbers into `target`."""
    work = (cache_dir / "pdf").resolve()
    when = build_time(book.source_dir, book.config.date)
    g = geometry(book)
    with source_date_epoch(int(when.timestamp())), workers or pdf_parts.Workers(jobs) as workers, \
            pdf_merge.Joiner() as joiner:
        clock = _Clock(timings)
        joiner.start()  # its process ready (imports, HarfBuzz) when the parts are
        cover_file, prepared = prepare_images(book, work, workers)
        front_soup, ids, documents, guess_heads = pdf_html.part_documents(book, cover_file, cache_dir)
        list(prepared)  # a part's cache key reads the images it shows
        clock("pdf.images")
        css = print_css(book)
        roots = roots_of(book, work)
        options = {"pdf_tags": book.config.pdf.tagged}
        if book.config.pdf.pdf_variant:
            options["pdf_variant"] = book.config.pdf.pdf_variant
        def job(id: str, soup, extra: str, passes: int, record: bool = True, images: list | None = None) -> PartJob:
            if images is None:
                images = [] if isinstance(soup, str) else sorted({img.get("src", "") for img in soup.find_all("img") if not img.get("src", "").startswith("data:")})
            return PartJob(id, str(soup), css, roots, options, passes, record, images, extra_css=extra,
                           epoch=os.environ["SOURCE_DATE_EPOCH"])

        recto = book.config.pdf.variant != "screen"  # print.css: parts open on a recto in print only
        borrowed: list = [None] * len(ids)
        heads: list = [None] * len(ids)

        digits = pdf_toc.digits_for(sum(len(ch.html) for ch in book.chapters))
        entries = front_soup.select(pdf_toc.ENTRIES)

        def front_job(extra: str) -> PartJob:
            front = job("front", front_soup, extra, 0, False)
            front.toc = "columns"
            return front

        def main_jobs():
            """The front matter first, its contents' numbers left out (pdf_toc.py), and the samples
            of their digits; then each part's job as its document is made (the layout starts on
            the first while the next is made), keeping what is needed of its tree: the tree itself
            is let go."""
            for a in entries:
                a["data-page"] = ""
            yield len(ids), front_job(pdf_toc.column_css(digits))
            samples = job("toc-digits", pdf_toc.samples(front_soup) or "<html><body></body></html>", pdf_toc.SAMPLES_CSS,
                          0, False, images=[])
            samples.toc, samples.options = "samples", {**options, "pdf_tags": False}  # drawn as artifacts
            yield len(ids) + 1, samples
            title = pdf_html.book_title(front_soup)
            for n, (i, doc) in enumerate(documents):
                borrowed[i], heads[i] = set(doc.stand_ins), (title, doc.head)
                yield i, job(ids[i], doc.html, pdf_parts.NO_FURNITURE, book.config.pdf.figure_passes, images=doc.images)
                if n == 0:  # the stamps next, with the heads guessed: laid out early, not after every part
                    guessed[:] = [(title, head) for head in guess_heads()]
                    yield len(ids) + 2, stamps_job(guessed)
            if not guessed:
                yield len(ids) + 2, stamps_job(heads)

        def stamps_job(pairs: list) -> PartJob:
            stamps = job("stamps", pdf_stamps.document(book, pairs), pdf_html.FURNITURE, 0, False)
            stamps.margins = True
            return stamps

        guessed: list = []

        main = pdf_parts.lay_out_all(book, main_jobs(), len(ids) + 3, work / "parts", workers, timings)
        stamps, samples, front = main.pop(), main.pop(), main.pop()
        if guessed and guessed != heads:  # a head not where guess_running_head() looks: laid out again
            stamps = pdf_parts.lay_out_all(book, [(0, stamps_job(heads))], 1, work / "stamps", workers)[0]
        sides = pdf_stamps.plan(heads, stamps.margins)
        clock("pdf.parts")
        folio_of: dict[str, str] = {}

        def numbers(front_count: int):
            starts, total, main_start = pdf_merge.plan(front_count, [m.pages for m in main], recto)
            folio_of.clear()
            folio_of.update({a: str(start + i - main_start + 1) for m, start, fake in zip(main, starts, borrowed)
                             for a, i in m.anchors.items() if a not in fake})
            return starts, total, main_start

        # page numbers count from the main matter: where a part starts in it (`offsets`) and the
        # folios do not depend on the front matter; the contents' numbers are stamped into the
        # columns left for them
        offsets = numbers(0)[0]
        numbered = pdf_toc.plan(front.toc, samples.toc, folio_of)
        needed = numbered is None and max((len(folio_of.get(a["href"][1:], "")) for a in entries), default=0)
        if needed and needed > digits:  # a column too narrow: the front matter laid out with a wider one
            wide = pdf_parts.lay_out_all(book, [(0, front_job(pdf_toc.column_css(needed)))], 1, work / "front", workers)[0]
            numbered = pdf_toc.plan(wide.toc, samples.toc, folio_of)
            front = wide if numbered is not None else front
        if numbered is None:  # numbers the stamps cannot print: set in the front matter's layout
            for a in entries:
                a["data-page"] = folio_of.get(a["href"][1:], "")
            front = pdf_parts.lay_out_all(book, [(0, job("front", front_soup, pdf_html.TOC_NUMBERS, 0, False))], 1,
                                          work / "front", workers)[0]
        starts, total, main_start = numbers(front.pages)
        skip = main_start % 2  # a screen edition's main matter after an odd number of pages opens on a left-hand page
        parts = [(m.pdf, start, (g.outer - g.inner) * 72, fake) for m, start, fake in zip(main, offsets, borrowed)]
        furniture: list = [None] * (total - main_start)
        for m, start, (book_title, own) in zip(main, starts, heads):
            for i in range(1, m.pages):  # a part's opening page prints none
                furniture[start - main_start + i] = (book_title, own, str(start + i - main_start + 1))
        early = _join_fits(main, workers, joiner)  # the main matter joined while the furniture is laid out
        if early:
            joiner.main(parts, pdf_fonts.folder_of(work), skip)
        laid = []
        if not sides:
            # the furniture the stamps cannot print, in documents of FURNITURE_PAGES pages (laid out
            # side by side, cached each): each document's first page is a right-hand page, as the
            # book's first, so the furniture of a main matter opening on a left-hand page starts
            # with a bare page; each document's pages from the main matter's first page on
            pages = [None] * skip + furniture
            chunks = [pages[i:i + FURNITURE_PAGES] for i in range(0, len(pages), FURNITURE_PAGES)]
            done = pdf_parts.lay_out_all(book, enumerate([job(f"furniture-{n}", pdf_html.furniture(book, chunk),
                                                              pdf_html.FURNITURE, 0, False)
                                                          for n, chunk in enumerate(chunks)]), len(chunks), work / "front", workers)
            laid = [(f.pdf, n * FURNITURE_PAGES - skip, [p is not None for p in chunk])
                    for n, (f, chunk) in enumerate(zip(done, chunks))]
        clock("pdf.front")
        workers.close()  # the workers' memory is given back before the join, which needs its own
        if not early:
            joiner.main(parts, pdf_fonts.folder_of(work), skip)
        stamped = None
        if sides:  # each printed page's stamps: (book page, [(stamp page, top half, points across)])
            stamped = (stamps.pdf, [(main_start + k, pdf_stamps.stamps_for(sides, "left" if (main_start + k) % 2 else "right",
                                                                         (title, own), folio))
                                    for k, (title, own, folio) in enumerate(p or ("", "", "") for p in furniture) if folio])
        with atomic_path(target) as tmp:
            book.page_count = joiner.finish(
                (front.pdf, pdf_html.stand_ins(front_soup)), main_start,
                [(pdf, main_start + offset, printed) for pdf, offset, printed in laid], tmp, stamped,
                (samples.pdf, numbered) if numbered else None)
        clock("pdf.join")
    page_starts: list = [None] * (total - main_start)
    for m, start in zip(main, starts):
        page_starts[start - main_start:start - main_start + m.pages] = m.starts
    book.page_map = page_map_of(page_starts, [str(i + 1) for i in range(total - main_start)])
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
