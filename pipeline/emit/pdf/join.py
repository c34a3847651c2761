"""Step 4, join: takes the laid-out parts' PDFs and the stamps; gives the book's PDF, written
atomically. One book from the laid-out parts (pikepdf): the front matter, then each part of the main
matter (`plan()`: in the print edition each opens on a recto, a blank verso before it where
needed), the running heads and folios printed over the pages (from the stamps of
`stamps.py`, or else from a WeasyPrint document of page furniture laid out once the page
numbers are known), and
what a single document would have had: one outline, one structure tree for assistive technology
(each part's tags under one Document element), named destinations for every anchor (a link between parts names its
target: the name is the real anchor's, not its stand-in's).

Everything here follows from the parts' bytes and their order, so a cached, parallel or
incremental build writes the same file as a serial cold one.
"""
from __future__ import annotations

from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from . import face_fonts, shared_fonts, toc


CATALOG_KEPT = ("/Lang", "/ViewerPreferences", "/MarkInfo", "/Metadata", "/OutputIntents", "/PageMode")


def plan(front_pages: int, main_pages: list[int], recto: bool) -> tuple[list[int], int, int]:
    """Where each main-matter part starts (0-based page of the book), the page count, and where the
    main matter starts. With `recto` (the print edition) every part opens on a right-hand page,
    after a blank verso where needed; the screen edition runs on."""
    n = front_pages + (front_pages % 2 if recto else 0)
    main_start, starts = n, []
    for pages in main_pages:
        n += n % 2 if recto else 0
        starts.append(n)
        n += pages
    return starts, n, main_start


def _copy_all(out: pikepdf.Pdf, src: pikepdf.Pdf, objs: list) -> list:
    """`_copy()` of many objects of `src` at once: qpdf copies them, held in one array, in one
    call (the array itself, referenced from nowhere, is not written)."""
    if not objs:
        return []
    return list(out.copy_foreign(src.make_indirect(Array(objs))))


def _copy(out: pikepdf.Pdf, obj):
    """`obj` of another PDF in `out`: indirect objects once (pikepdf remembers what it copied from
    each PDF, so a structure element and its page stay one object), direct containers walked."""
    if isinstance(obj, pikepdf.Object) and obj.is_indirect:
        return out.copy_foreign(obj)
    if isinstance(obj, Array):
        return Array([_copy(out, x) for x in obj])
    if isinstance(obj, Dictionary):
        return Dictionary({k: _copy(out, v) for k, v in obj.items()})
    return obj


def _blank(out: pikepdf.Pdf, like: pikepdf.Page, at: int | None = None) -> None:
    """A blank page of `like`'s size, at the end (or at index `at`)."""
    page = pikepdf.Page(out.make_indirect(Dictionary(Type=Name.Page, MediaBox=Array([0, 0, 72, 72]),
                                                     Contents=out.make_stream(b""), Resources=Dictionary())))
    for box in ("/MediaBox", "/TrimBox", "/BleedBox", "/CropBox", "/ArtBox"):
        if box in like.obj:
            page.obj[box] = Array(list(like.obj[box]))
    if at is None:
        out.pages.append(page)
    else:
        out.pages.insert(at, page)


def _moved(entry: tuple, by: int) -> tuple:
    """An outline entry (and its children) `by` pages later."""
    title, index, location, closed, children = entry
    return (title, index + by, location, closed, [_moved(c, by) for c in children])


def _move(out: pikepdf.Pdf, page: pikepdf.Page, dx: float) -> None:
    """Move what is drawn on the page, and its links, `dx` points across."""
    page.contents_add(out.make_stream(b"q 1 0 0 1 %.3f 0 cm\n" % dx), prepend=True)
    page.contents_add(out.make_stream(b"\nQ\n"), prepend=False)
    for annot in page.obj.get("/Annots", Array()):
        if "/Rect" in annot:
            r = [float(v) for v in annot.Rect]
            annot.Rect = Array([r[0] + dx, r[1], r[2] + dx, r[3]])


class Book:
    """The PDF being assembled: the main matter's parts appended in order (`append()`, at their
    places counted from the main matter's first page), then the front matter put before them
    (`front()`), then `finish()`. The main matter comes first so that its parts can be joined
    while the furniture the stamps cannot print is laid out; the bytes are the same whenever each
    step runs."""

    def __init__(self, fonts: Path, parity: int = 0):
        self.fonts = fonts  # where the parts' noted fonts are kept (shared_fonts)
        self.parity = parity  # the main matter's first page, 0 on a right-hand page, 1 on a left-hand one
        self.out = pikepdf.new()
        self.root_doc = self.out.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Document, K=Array()))
        self.nums: list = []
        self.struct_offset = 0
        self.dests: dict[str, object] = {}
        self.outline: list = []  # (title, page index, location, closed, children)
        self.tagged = False
        self.first: pikepdf.Pdf | None = None
        self.sources: list[pikepdf.Pdf] = []

    def _open(self, path: Path) -> pikepdf.Pdf:
        src = pikepdf.open(path)
        self.sources.append(src)  # open until saved: pikepdf copies streams' data when it writes
        return src

    def append(self, path: Path, start: int = 0, shift: float = 0.0, borrowed: set[str] = frozenset()) -> int:
        """The part's pages from page `start` of the main matter on (blank pages before it where
        needed), with its tags, anchors and bookmarks; returns the index of its first page. The
        part was laid out with a right-hand page first: where it starts on a left-hand page, each
        page's content moves by `shift` points (to the left page's margins) or back. `borrowed`:
        names of anchors that stand in for another part's (pdf.stand_ins()), left to that part."""
        src = self._open(path)
        out = self.out
        while len(out.pages) < start:
            _blank(out, src.pages[0])
        base = len(out.pages)
        for page in src.pages:
            out.pages.append(page)
        if (base + self.parity) % 2 and shift:
            for i, page in enumerate(out.pages[base:]):
                _move(out, page, shift if i % 2 == 0 else -shift)
        self._tags(src, out.pages[base:], len(self.root_doc.K))
        self._anchors(src, borrowed)
        self.outline += self._outline_of(src, base)
        return base

    def front(self, path: Path, main_start: int, borrowed: set[str] = frozenset()) -> None:
        """The front matter's pages before the main matter's, which then starts at page
        `main_start` (blank pages between where needed)."""
        src = self._open(path)
        out = self.out
        self.first = src
        count = len(src.pages)
        for i, page in enumerate(src.pages):
            out.pages.insert(i, page)
        for i in range(count, main_start):
            _blank(out, src.pages[0], at=i)
        self._tags(src, out.pages[:count], 0)
        self._anchors(src, borrowed)
        self.outline = self._outline_of(src, 0) + [_moved(entry, main_start) for entry in self.outline]

    def _tags(self, src: pikepdf.Pdf, pages: list, at: int) -> None:
        """The part's structure elements into the book's Document element, from its child `at`
        on, and its pages' and links' keys into the book's parent tree (after those already in)."""
        sroot = src.Root.get("/StructTreeRoot")
        if sroot is None:
            return
        out, offset, top = self.out, self.struct_offset, 0
        self.tagged = True
        for sdoc in sroot.K:
            for kid in list(sdoc.K):
                if "/P" in kid:
                    del kid["/P"]
                copied = _copy(out, kid)
                copied.P = self.root_doc
                self.root_doc.K.insert(at, copied)
                at += 1
        nums = list(sroot.ParentTree.get("/Nums", Array()))
        for key, value in zip(nums[0::2], _copy_all(out, src, nums[1::2])):
            self.nums += [int(key) + offset, value]
            top = max(top, int(key) + 1)
        for page in pages:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", Array()):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        self.struct_offset += top

    def _anchors(self, src: pikepdf.Pdf, borrowed: set[str]) -> None:
        names = src.Root.get("/Names", Dictionary()).get("/Dests", Dictionary()).get("/Names", Array())
        names = [(str(name), dest) for name, dest in zip(list(names)[0::2], list(names)[1::2]) if str(name) not in borrowed]
        for (name, _), dest in zip(names, _copy_all(self.out, src, [dest for _, dest in names])):
            self.dests[name] = dest

    def _outline_of(self, src: pikepdf.Pdf, base: int) -> list:
        pages = {p.objgen: i for i, p in enumerate(src.pages)}
        with src.open_outline() as outline:
            return [self._item(x, pages, base) for x in outline.root]

    def _item(self, item, pages: dict, base: int) -> tuple:
        dest = item.destination
        index, location = 0, []
        if isinstance(dest, Array) and len(dest) and dest[0].objgen in pages:
            index, location = pages[dest[0].objgen] + base, list(dest)[1:]
        return (str(item.title), index, location, item.is_closed, [self._item(c, pages, base) for c in item.children])

    def overlay(self, path: Path, first_page: int, printed: list[bool]) -> None:
        """Page `i` of `path` (a document of running heads and folios) over the book's page
        `first_page + i`, where it prints anything."""
        furniture = self._open(path)
        for i, show in enumerate(printed):
            if not show:
                continue
            page = self.out.pages[first_page + i]
            form = self.out.copy_foreign(furniture.pages[i].as_form_xobject())
            name = Name(f"/PressroomFurniture{first_page + i}")  # named by the page: the same bytes every build
            page.add_resource(form, Name.XObject, name, replace_existing=True)
            self._over(page, [b"q " + bytes(name.unparse()) + b" Do Q"])

    def _over(self, page, drawn: list[bytes]) -> None:
        """Drawing operators (forms: running heads, folios) after the page's own, as an artifact."""
        # the page's own drawing leaves its coordinates flipped (WeasyPrint): saved and restored around it
        page.contents_add(self.out.make_stream(b"q\n"), prepend=True)
        page.contents_add(self.out.make_stream(b"\nQ\n/Artifact BMC " + b" ".join(drawn) + b" EMC\n"), prepend=False)

    def stamp(self, path: Path, placements: list) -> None:
        """The stamps of `path` (stamps.py) over the book's pages: `placements` are (page index,
        [(stamp page, its top half or its bottom half, points across)]). Each half-page of a stamp
        is one form XObject, clipped to that half, drawn wherever it is used."""
        stamps = self._open(path)
        forms: dict = {}
        for index, marks in placements:
            page = self.out.pages[index]
            drawn = []
            for n, top, dx in marks:
                if (n, top) not in forms:
                    source = stamps.pages[n]
                    x0, y0, x1, y1 = [float(v) for v in source.obj.MediaBox]
                    middle = (y0 + y1) / 2
                    form = source.as_form_xobject()
                    form.BBox = Array([x0, middle, x1, y1] if top else [x0, y0, x1, middle])
                    forms[n, top] = (Name(f"/PressroomStamp{n}{'T' if top else 'B'}"), self.out.copy_foreign(form))
                name, form = forms[n, top]
                page.add_resource(form, Name.XObject, name, replace_existing=True)
                drawn.append(b"q 1 0 0 1 %.3f 0 cm %s Do Q" % (dx, bytes(name.unparse())))
            self._over(page, drawn)

    def draw(self, path: Path, placements: list) -> None:
        """Pieces of the pages of `path` over the book's pages: `placements` are (page index,
        [(source page, clip (x0, y0, x1, y1), dx, dy, at)]) in points; each piece is one form
        XObject, the text of its page drawn `at` (CSS px) alone, clipped to its rectangle, drawn
        moved by (dx, dy) wherever it is used (toc.py: the contents' page numbers, digit by
        digit)."""
        source = self._open(path)
        forms: dict = {}
        for index, pieces in placements:
            page = self.out.pages[index]
            drawn = []
            for n, clip, dx, dy, at in pieces:
                if (n, clip) not in forms:
                    form = source.pages[n].as_form_xobject()
                    text = toc.only_text_at(source.pages[n], *at)
                    if text is None:  # toc.verified() left only samples it finds
                        raise RuntimeError(f"no text at {at} on page {n} of {path.name}")
                    form.write(text)
                    form.BBox = Array(list(clip))
                    forms[n, clip] = (Name(f"/PressroomPiece{len(forms)}"), self.out.copy_foreign(form))
                name, form = forms[n, clip]
                page.add_resource(form, Name.XObject, name, replace_existing=True)
                drawn.append(b"q 1 0 0 1 %.3f %.3f cm %s Do Q" % (dx, dy, bytes(name.unparse())))
            self._over(page, drawn)

    def _outline(self) -> None:
        def make(entry):
            title, index, location, closed, children = entry
            dest = Array([self.out.pages[index].obj] + (location or [Name.Fit]))
            item = pikepdf.OutlineItem(title, destination=dest)
            item.is_closed = closed
            item.children.extend(make(c) for c in children)
            return item

        with self.out.open_outline() as outline:
            outline.root.extend(make(e) for e in self.outline)

    def finish(self, target: Path) -> int:
        out = self.out
        src = self.first
        for key in CATALOG_KEPT:
            if src is not None and key in src.Root:
                out.Root[key] = _copy(out, src.Root[key])
        if src is not None:
            out.docinfo = out.copy_foreign(src.docinfo) if src.docinfo.is_indirect else _copy(out, src.docinfo)
        if self.dests:
            flat = Array()
            for name in sorted(self.dests):
                flat.append(String(name))
                flat.append(self.dests[name])
            out.Root.Names = Dictionary(Dests=Dictionary(Names=flat))
        if self.tagged:
            tree = out.make_indirect(Dictionary(Type=Name.StructTreeRoot, K=Array([self.root_doc]),
                                                ParentTree=out.make_indirect(Dictionary(Nums=Array(self.nums))),
                                                ParentTreeNextKey=self.struct_offset))
            self.root_doc.P = tree
            out.Root.StructTreeRoot = tree
        shared_fonts.share(out, self.fonts)
        face_fonts.merge(out)  # one font object per face, not one per part
        self._outline()
        out.save(target, deterministic_id=True, compress_streams=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return len(out.pages)


def main_matter(parts: list[tuple], fonts: Path, parity: int = 0) -> Book:
    """The book's main matter from its parts `(pdf, start, shift, borrowed)`, `start` counted
    from the main matter's first page, which is a left-hand page where `parity` is 1."""
    shared_fonts.preload()  # before the parts fill this process
    book = Book(fonts, parity)
    for path, start, shift, borrowed in parts:
        book.append(path, start, shift, borrowed)
    return book


def finish(book: Book, front: tuple, main_start: int, furniture: list[tuple], target: Path,
           stamped: tuple | None = None, numbered: tuple | None = None) -> int:
    """The main matter of `book` with its front matter `(pdf, borrowed)` before it (the main matter
    from page `main_start`), its furniture, as documents of pages `[(pdf, first page, printed)]` or
    as stamps `(pdf, placements)`, the contents' numbers where they are stamped `(pdf, placements)`
    (`Book.draw()`), each font subset once; written to `target`; the page count."""
    book.front(front[0], main_start, front[1])
    for piece in furniture:
        book.overlay(*piece)
    if stamped:
        book.stamp(*stamped)
    if numbered:
        book.draw(*numbered)
    return book.finish(target)


def join(front: tuple, parts: list[tuple], main_start: int, furniture: list[tuple], target: Path, fonts: Path,
         stamped: tuple | None = None, numbered: tuple | None = None) -> int:
    """`main_matter()` then `finish()`: the whole book at once."""
    return finish(main_matter(parts, fonts, main_start % 2), front, main_start, furniture, target, stamped, numbered)
