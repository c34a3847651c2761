"""The typeset PDF with WeasyPrint: every part in one HTML document (`pdf/book.html.j2`) with
`css/print.css`, images prepared for print, and a URL fetcher that fetches nothing but the book's
own prepared files and stylesheets, so a hostile article or template cannot reach the network or
the disk. Time stamps (and WeasyPrint's font subsets) follow `build_time()`.

What CSS alone cannot do here is done on the document tree before layout, or on the layout after:
- page geometry from the trim size: margins in proportion to the page, wider on the outside;
- code blocks split into one block per source line, so a wrapped line carries a continuation mark;
- in the `print` variant, each external link's URL as a footnote;
- Chinese lines justified between characters (`justify.py`: WeasyPrint only stretches spaces,
  which tears a Chinese line apart at its one or two spaces);
- a figure that would leave a page more than a third empty moves past the next paragraphs, as a
  float does in a printed book, or shrinks to fit, and the book is laid out again (`pages.py`, at
  most `[pdf] figure_passes` times).
"""
from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlparse

from bs4 import BeautifulSoup, NavigableString
from markupsafe import Markup
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .. import layout
from ..images.prepare import for_print
from ..model import Book, Diagnostic
from . import atomic_path, build_time
from .cover import ink
from . import pdf_images
from .justify import JUSTIFY_CJK
from . import pdf_merge, pdf_parts
from .page_list import page_map_of
from .pdf_parts import PartJob
from .pages import geometry, page_inches, place_figures, text_width_in, underfull  # noqa: F401
from .epub import cover_asset

TRIM_SIZES = {"a4": "A4", "a5": "A5", "letter": "letter", "6x9": "6in 9in", "b5": "B5"}
TEMPLATES_URL = "file:///pressroom-templates/"  # the same for the stylesheets' own files (wrap-mark.svg)
BOOK_URL = "file:///pressroom-book/"  # the prepared folder's URL: WeasyPrint names images by a hash of it


class BookFetcher(URLFetcher):
    """Fetch `file:` URLs inside the allowed folders; refuse everything else, and note it."""

    def __init__(self, roots: list[Path], refused: list[str]):
        super().__init__(timeout=5, allowed_protocols={"file"}, allow_redirects=False)
        self.roots = [r.resolve() for r in roots]
        self.refused = refused

    def fetch(self, url, headers=None):
        url = self.roots[0].as_uri() + "/" + url[len(BOOK_URL):] if url.startswith(BOOK_URL) else url
        if url.startswith(TEMPLATES_URL):  # a stylesheet's own files: the template search path, in order
            rel = unquote(url[len(TEMPLATES_URL):])
            found = [r / rel for r in self.roots[1:] if (r / rel).is_file()]
            url = found[0].as_uri() if found else url
        parsed = urlparse(url)
        if parsed.scheme == "file":
            path = Path(unquote(parsed.path)).resolve()
            if any(path.is_relative_to(r) for r in self.roots) and path.is_file():
                return super().fetch(url, headers)
        self.refused.append(url)
        raise ValueError(f"refused to fetch {url[:100]}: only the book's own files are used")


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


# ---------- the document tree before layout ----------

def code_columns(book: Book) -> int:
    """How many monospace cells a code line surely fits in: the text block less the block's padding
    and the line's hanging indent, at print.css's code size (0.75rem, cells 0.6 em wide), with a
    tenth to spare for a block inside a list or quotation."""
    g = geometry(book)
    width_pt = g.text_width * 72 - 2 - 0.75 * g.font_pt * (0.8 * 2 + 1.15)
    return int(width_pt / (0.6 * 0.75 * g.font_pt) * 0.9)


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _code_lines(pre, soup, columns: int) -> None:
    """One `span.line` per source line (the highlighter's spans cut and reopened at line ends), so
    print.css can mark the continuation of a wrapped line and keep short blocks whole. Only a line
    longer than `columns` cells can wrap: it alone gets the class `long` that draws the marks
    (drawing them costs WeasyPrint as much as the rest of the page)."""
    code = pre.find("code") or pre
    lines: list[list] = [[]]
    for node in list(code.descendants):
        if not isinstance(node, NavigableString):
            continue
        chain = []
        for parent in node.parents:
            if parent is code:
                break
            chain.append((parent.name, dict(parent.attrs)))
        for i, piece in enumerate(str(node).split("\n")):
            if i:
                lines.append([])
            if piece:
                lines[-1].append((piece.expandtabs(4), chain))
    while lines and not lines[-1]:
        lines.pop()
    code.clear()
    for parts in lines:
        long = _cells("".join(text for text, _ in parts)) > columns
        line = soup.new_tag("span", attrs={"class": "line long" if long else "line"})
        for text, chain in parts:
            node = NavigableString(text)
            for name, attrs in chain:
                wrapper = soup.new_tag(name, attrs=attrs)
                wrapper.append(node)
                node = wrapper
            line.append(node)
        code.append(line)
    pre["class"] = list(dict.fromkeys((pre.get("class") or []) + ["lines"]))


def _same_url(text: str, href: str) -> bool:
    strip = lambda s: re.sub(r"^(https?://)?(www\.)?", "", s.strip().lower()).rstrip("/…")  # noqa: E731
    t, h = strip(text), strip(href)
    return not t or h.startswith(t) or t.startswith(h)


def _url_notes(soup) -> None:
    """Print variant: an external link's URL as a footnote, where the text does not show it."""
    for a in soup.select(".chapter-body a[href]"):
        href = a["href"]
        if not href.startswith(("http://", "https://")) or a.find_parent(["figcaption", "pre", "aside"]):
            continue
        if _same_url(a.get_text(), href):
            continue
        note = soup.new_tag("span", attrs={"class": "url-note"})
        note.string = href
        a.insert_after(note)


def prepare_tree(html: str, book: Book) -> BeautifulSoup:
    soup = BeautifulSoup(html, "lxml")
    columns = code_columns(book)
    for pre in soup.select(".chapter-body pre"):
        _code_lines(pre, soup, columns)
    if book.config.pdf.variant == "print":
        _url_notes(soup)
    return soup


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


def prepare_images(book: Book, work: Path, workers: pdf_parts.Workers) -> None:
    """The cover and every image, prepared for print, under `work/images/`, by the `workers` and
    kept in `work/print-cache/` between builds (files rewritten only when their bytes change, so
    the parts' cache keys and WeasyPrint's image cache hold)."""
    (work / "images").mkdir(parents=True, exist_ok=True)
    cover = cover_asset(book)
    _write_if_changed(work / "images" / f"cover.{cover.extension}", cover.data)
    cache = work / "print-cache"
    cache.mkdir(exist_ok=True)
    tasks = [(a, book.config.images, text_width_in(book), cache, work / "images" / a.file_name)
             for a in book.assets.values()]
    list(workers.map(_prepare, tasks, chunksize=4))


def part_documents(book: Book) -> tuple[BeautifulSoup, list[tuple[str, BeautifulSoup]]]:
    """The front matter as one HTML document, and each part of the main matter as its own (the
    same template, `pdf/book.html.j2`, with one part in it); a link to another document's element
    gets a stand-in target (`_stand_ins()`)."""
    layout.strip_source_lines(book)
    env = layout.environment(book)
    env.globals["cover_file"] = f"cover.{cover_asset(book).extension}"
    when = build_time(book.source_dir, book.config.date).strftime("%Y-%m-%dT%H:%M:%SZ")
    book_html = env.get_template("pdf/book.html.j2")
    parts = layout.parts(book)

    def document(front, main):
        html = book_html.render(front=[Markup(layout.render_part(env, p, "pdf")) for p in front],
                                main=[Markup(layout.render_part(env, p, "pdf")) for p in main],
                                created=when, modified=when)
        return prepare_tree(html, book)

    front = document([p for p in parts if p.id in layout.FRONT_MATTER], [])
    main = [(p.id, document([], [p])) for p in parts if p.id not in layout.FRONT_MATTER]
    for soup in [front] + [s for _, s in main]:
        for empty in soup.select("body > .frontmatter, body > .mainmatter"):
            if not empty.find(True):  # an empty div of another page type would make a page of its own
                empty.decompose()
        _stand_ins(soup)
    return front, main


def _stand_ins(soup: BeautifulSoup) -> None:
    """A link to another part keeps its `#id` (and so its style); WeasyPrint links it to a named
    destination, so an empty element of that id (`.xref-stand-in`, at the start of the part's first
    heading) lets WeasyPrint make the link, and pdf_merge.py points the name at the real place."""
    own = {t["id"] for t in soup.find_all(id=True)}
    foreign = sorted({a["href"][1:] for a in soup.find_all("a", href=True)
                      if a["href"].startswith("#") and len(a["href"]) > 1 and a["href"][1:] not in own})
    host = soup.find(["h1", "h2"]) or soup.body.find(True)
    for name in reversed(foreign):
        host.insert(0, soup.new_tag("span", attrs={"class": "xref-stand-in", "id": name}))


def stand_ins(soup: BeautifulSoup) -> set[str]:
    return {t["id"] for t in soup.select(".xref-stand-in[id]")}


def running_heads(front: BeautifulSoup, part: BeautifulSoup) -> tuple[str, str]:
    """The book's title and the part's, as print.css sets them (`string-set`) for the running heads."""
    title = front.select_one(".titlepage h1")
    head = part.select_one(".chapter-title[data-running-head]")
    own = head["data-running-head"] if head else (part.select_one(".mainmatter h1") or part).get_text(" ", strip=True)
    return (title.get_text(" ", strip=True) if title else ""), own


def _write_if_changed(path: Path, data: bytes) -> None:
    if not path.exists() or path.read_bytes() != data:
        tmp = path.with_suffix(path.suffix + ".part")
        tmp.write_bytes(data)
        os.replace(tmp, path)


def stylesheets(book: Book, fetcher, font_config=None) -> list[CSS]:
    css = layout.stylesheet(book, "css/print.css") + "\n" + layout.pygments_css() + "\n" + page_css(book)
    return [CSS(string=css, url_fetcher=fetcher, base_url=TEMPLATES_URL, font_config=font_config)]


TOC_NUMBERS = """nav.toc a[data-page]::after { content: leader(dotted) " " attr(data-page); }"""
FURNITURE = """
@page :left { @bottom-left { content: string(folio); } }
@page :right { @bottom-right { content: string(folio); } }
@page bare { @top-left { content: none; } @top-right { content: none; }
             @bottom-left { content: none; } @bottom-right { content: none; } }
.furniture + .furniture { break-before: page; }
.furniture.bare { page: bare; }
"""


def _css_string(text: str) -> str:
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def _furniture(book: Book, pages: list[tuple[str, str, str] | None]) -> str:
    """A document of empty pages that print only their running heads and folio (print.css's own
    margin boxes, fed by `string-set`): laid over the main matter's pages. None: a bare page."""
    soup = BeautifulSoup(f'<html lang="{book.config.language}"><body></body></html>', "lxml")
    for page in pages:
        div = soup.new_tag("div", attrs={"class": "furniture" if page else "furniture bare"})
        if page:
            div["style"] = "string-set: book-title {}, chapter-title {}, folio {}".format(*map(_css_string, page))
        soup.body.append(div)
    return str(soup)


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


def write(book: Book, target: Path, cache_dir: Path, jobs: int = 1, timings: dict | None = None) -> Path:
    """Lay the parts out (in parallel, from the cache where unchanged), then the front matter with
    the contents' page numbers, then the running heads and folios; join them into `target`."""
    work = (cache_dir / "pdf").resolve()
    pdf_images.install(work / "png-streams")
    when = build_time(book.source_dir, book.config.date)
    g = geometry(book)
    with source_date_epoch(int(when.timestamp())), pdf_parts.Workers(jobs) as workers:
        clock = _Clock(timings)
        prepare_images(book, work, workers)
        clock("pdf.images")
        front_soup, main_soups = part_documents(book)
        css = layout.stylesheet(book, "css/print.css") + "\n" + layout.pygments_css() + "\n" + page_css(book)
        roots = [str(work)] + [str(p) for p in layout.search_path(book)]
        options = {"pdf_tags": book.config.pdf.tagged}
        if book.config.pdf.pdf_variant:
            options["pdf_variant"] = book.config.pdf.pdf_variant
        def job(id: str, soup, extra: str, passes: int, record: bool = True) -> PartJob:
            return PartJob(id, str(soup), css + extra, roots, options, passes, record)

        # each part's HTML as a string, and what is needed of its tree: the tree itself is let go
        borrowed = [stand_ins(s) for _, s in main_soups]
        heads = [running_heads(front_soup, s) for _, s in main_soups]
        main_jobs = [job(i, s, pdf_parts.NO_FURNITURE, book.config.pdf.figure_passes) for i, s in main_soups]
        main_soups = None
        clock("pdf.html")
        main = pdf_parts.lay_out_all(book, main_jobs, work / "parts", workers, timings)
        main_jobs = None
        clock("pdf.parts")
        folio_of: dict[str, str] = {}
        recto = book.config.pdf.variant != "screen"  # print.css: parts open on a recto in print only

        def numbers(front_count: int):
            starts, total, main_start = pdf_merge.plan(front_count, [m.pages for m in main], recto)
            folio_of.clear()
            folio_of.update({a: str(start + i - main_start + 1) for m, start, fake in zip(main, starts, borrowed)
                             for a, i in m.anchors.items() if a not in fake})
            return starts, total, main_start

        # page numbers count from the main matter, and where a part starts in it does not depend on
        # the front matter: its contents page and the running heads and folios are laid out together
        starts, total, main_start = numbers(0)
        for a in front_soup.select("nav.toc a[href]"):
            a["data-page"] = folio_of.get(a["href"][1:], "")
        furniture: list = [None] * (total - main_start)
        for m, start, (book_title, own) in zip(main, starts, heads):
            for i in range(1, m.pages):  # a part's opening page prints none
                furniture[start - main_start + i] = (book_title, own, str(start + i - main_start + 1))

        def last(skip: int):  # the furniture's first page is a right-hand page, as the book's first
            return pdf_parts.lay_out_all(book, [
                job("front", front_soup, TOC_NUMBERS, 0, False),
                job("furniture", _furniture(book, [None] * skip + furniture), FURNITURE, 0, False)],
                work / "front", workers)

        # the print edition's main matter opens on a recto; a screen edition's after an odd number of
        # pages opens on a left-hand page: known from the front matter's last layout, else guessed
        known = None if recto else pdf_parts.peek(job("front", front_soup, TOC_NUMBERS, 0, False), work / "front")
        guess = known.pages % 2 if known else 0
        front, laid = last(guess)
        starts, total, main_start = numbers(front.pages)
        skip = main_start % 2
        if skip != guess:
            front, laid = last(skip)
        clock("pdf.front")
        workers.close()  # the workers' memory is given back before the join, which needs its own
        with atomic_path(target) as tmp:
            book.page_count = pdf_merge.join_apart(
                (front.pdf, stand_ins(front_soup)),
                [(m.pdf, start, (g.outer - g.inner) * 72, fake) for m, start, fake in zip(main, starts, borrowed)],
                (laid.pdf, main_start, skip, [f is not None for f in furniture]), tmp)
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
