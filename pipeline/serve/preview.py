"""The preview's files, read from what the build wrote: the EPUB unpacked into a folder of its
own for each build (the page's iframe shows its XHTML and CSS), its contents (spine and nav), the
PDF copied beside it with each chapter's page range from the PDF outline, and PDF pages drawn as
JPEG by `pdftoppm` when the page asks for them. Everything lives in one temporary folder that the
server removes when it stops.
"""
from __future__ import annotations

import posixpath
import shutil
import subprocess
import threading
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

OPF_NS = {"opf": "http://www.idpf.org/2007/opf", "c": "urn:oasis:names:tc:opendocument:xmlns:container"}
XHTML_NS = {"x": "http://www.w3.org/1999/xhtml"}
PAGE_DPI = 144  # a 6 x 9 in page: 864 x 1296 pixels, sharp at the width the page shows it
# JPEG at quality 90: no fringe seen around text, and pdftoppm writes it in 0.25-0.32 s where a
# PNG of the same page took 0.55-0.74 s at 110 dpi (zlib), measured on the default book's page 8


@dataclass
class Entry:
    """One document of the EPUB's spine, as the contents sidebar lists it."""

    href: str  # path inside the unpacked EPUB, "EPUB/ch002.xhtml"
    title: str
    id: str  # the spine item's id: "ch002" for a chapter
    pages: list[int] = field(default_factory=list)  # first and last PDF page (1-based), when known
    in_nav: bool = False  # listed in the nav's table of contents (a chapter, the back matter)


def safe_file(root: Path, rel: str) -> Path | None:
    """`root/rel` when it is a file inside root; None for anything else: `..`, `.`, empty or
    absolute parts, a backslash, a NUL, a `%` (the server decoded the path once: a `%` left is a
    second encoding, `%252e%252e`), or a link that leads out of root."""
    if not rel or any(c in rel for c in "\\\x00%") or rel.startswith("/"):
        return None
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    root = root.resolve()
    path = (root / Path(*parts)).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        return None
    return path


def unpack_epub(epub: Path, dest: Path) -> None:
    """The EPUB's files under dest; an entry whose name would leave dest is refused."""
    dest.mkdir(parents=True)
    root = dest.resolve()
    with zipfile.ZipFile(epub) as z:
        for info in z.infolist():
            target = (root / info.filename).resolve()
            if info.is_dir() or not target.is_relative_to(root):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(z.read(info))


def contents(folder: Path) -> list[Entry]:
    """The spine in reading order, each with the title the nav gives it (else its <title>)."""
    container = etree.parse(str(folder / "META-INF" / "container.xml"))
    opf_rel = container.xpath("//c:rootfile/@full-path", namespaces=OPF_NS)[0]
    opf = etree.parse(str(folder / opf_rel))
    base = posixpath.dirname(opf_rel)
    items = {i.get("id"): i for i in opf.xpath("//opf:manifest/opf:item", namespaces=OPF_NS)}
    titles: dict[str, str] = {}
    nav_item = next((i for i in items.values() if "nav" in (i.get("properties") or "").split()), None)
    if nav_item is not None:
        nav = etree.parse(str(folder / base / nav_item.get("href")))
        for a in nav.xpath("//x:nav[@id='toc']//x:a", namespaces=XHTML_NS):
            href = a.get("href", "")
            if "#" not in href:
                titles.setdefault(href, " ".join("".join(a.itertext()).split()))
    entries = []
    for ref in opf.xpath("//opf:spine/opf:itemref", namespaces=OPF_NS):
        item = items.get(ref.get("idref"))
        if item is None:
            continue
        href = item.get("href")
        title = titles.get(href) or _title_of(folder / base / href) or item.get("id")
        entries.append(Entry(posixpath.join(base, href), title, item.get("id"), in_nav=href in titles))
    return entries


def _title_of(path: Path) -> str:
    try:
        found = etree.parse(str(path)).xpath("//x:title", namespaces=XHTML_NS)
    except (OSError, etree.XMLSyntaxError):
        return ""
    return " ".join("".join(found[0].itertext()).split()) if found else ""


def outline_ranges(pdf: Path) -> list[tuple[str, int, int]]:
    """The PDF outline's top entries: (title, first page, last page), pages 1-based."""
    import pikepdf

    with pikepdf.open(pdf) as doc:
        count = len(doc.pages)
        starts = []
        with doc.open_outline() as outline:
            for item in outline.root:
                page = _page_of(doc, item)
                if page is not None:
                    starts.append((item.title, page))
    starts.sort(key=lambda s: s[1])
    ranges = []
    for i, (title, first) in enumerate(starts):
        following = starts[i + 1][1] if i + 1 < len(starts) else count + 1
        ranges.append((title, first, max(first, following - 1)))
    return ranges


def _page_of(doc, item) -> int | None:
    import pikepdf

    dest = item.destination
    if dest is None and item.action is not None:
        dest = item.action.get("/D")
    if isinstance(dest, (pikepdf.Name, str, bytes)) or dest is None:
        return None
    try:
        return doc.pages.index(pikepdf.Page(dest[0])) + 1
    except (ValueError, IndexError, TypeError):
        return None


def _key(title: str) -> str:
    return "".join(ch for ch in title if ch.isalnum())


def match_pages(entries: list[Entry], ranges: list[tuple[str, int, int]]) -> None:
    """Each spine entry gets the page range of the outline entry of the same title (the PDF's
    outline and the EPUB's nav are made from the same headings; the EPUB's nav numbers them)."""
    by_title = {}
    for title, first, last in ranges:
        by_title.setdefault(_key(title), (first, last))
    front = [1, min(f for _t, f, _l in ranges) - 1] if ranges else []
    for entry in entries:
        if not entry.in_nav:  # the cover, title page, copyright page: the pages before the first entry
            entry.pages = front if entry.id != "nav" and front and front[1] >= 1 else []
            if entry.id != "nav":
                continue
        key = _key(entry.title)
        found = by_title.get(key) or next((v for k, v in by_title.items() if k and key.endswith(k)), None)
        entry.pages = list(found) if found else []


def render_page(pdf: Path, page: int, jpg: Path) -> Path:
    """One PDF page as a JPEG (pdftoppm), drawn once per generation."""
    if not jpg.exists():  # drawn under a name of its own: two requests for one page do not collide
        part = jpg.with_name(f"{jpg.stem}-{threading.get_ident()}.part")
        subprocess.run(["pdftoppm", "-jpeg", "-jpegopt", "quality=90", "-r", str(PAGE_DPI), "-f", str(page),
                        "-l", str(page), "-singlefile", str(pdf), str(part)], check=True, capture_output=True,
                       timeout=60)
        Path(f"{part}.jpg").replace(jpg)
    return jpg


def page_texts(pdf: Path, first: int, last: int) -> list[str]:
    """The text of pages first..last, one string a page, without white space."""
    done = subprocess.run(["pdftotext", "-f", str(first), "-l", str(last), "-enc", "UTF-8", str(pdf), "-"],
                          capture_output=True, timeout=60)
    pages = done.stdout.decode("utf-8", "replace").split("\f")
    return ["".join(p.split()) for p in pages[: last - first + 1]]


def plain(line: str) -> str:
    """A source line's letters and digits, without markup or white space."""
    return "".join(ch for ch in line if ch.isalnum())


def page_of_text(texts: list[str], first: int, wanted: str, width: int = 6) -> int | None:
    """The page (numbered from `first`) that holds `wanted`, a source line: the page with the
    most of its pieces (`width` letters each), a piece weighing the less the more pages have it
    (a sentence repeated on every page decides nothing; the edited words do)."""
    wanted = plain(wanted)
    if not wanted:
        return None
    width = min(width, len(wanted))
    pieces = {wanted[i:i + width] for i in range(0, len(wanted) - width + 1)}
    found = [{piece for piece in pieces if piece in text} for text in map(plain, texts)]
    pages_with = Counter(piece for on_page in found for piece in on_page)
    scores = [sum(1 / pages_with[piece] for piece in on_page) for on_page in found]
    if not any(scores):
        return None
    return first + max(range(len(scores)), key=lambda i: (scores[i], -i))


def changed_line(old: str, new: str) -> str:
    """The first line of `new` that `old` does not have at that place (an edit's line)."""
    import difflib

    a, b = old.splitlines(), new.splitlines()
    for tag, _i1, _i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag in ("replace", "insert"):
            for line in b[j1:j2]:
                if plain(line):
                    return line
    return ""


class Generations:
    """Numbered build folders under one root: `epub-N/` (unpacked) and `pdf-N/` (the PDF and its
    pages). A new one replaces the older ones of its kind, except the one the page shows."""

    def __init__(self, root: Path):
        self.root = root
        self.number = 0

    def new(self, kind: str, shown: int = 0) -> tuple[int, Path]:
        self.number += 1
        for old in self.root.glob(f"{kind}-*"):
            if old.name != f"{kind}-{shown}":
                shutil.rmtree(old, ignore_errors=True)
        return self.number, self.root / f"{kind}-{self.number}"

    def folder(self, kind: str, number: int) -> Path:
        return self.root / f"{kind}-{number}"
