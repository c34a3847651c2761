"""EPUB 3 with ebooklib: one XHTML page per part, our own nav document (TOC, landmarks, page
list), the NCX for older readers, full Dublin Core and accessibility metadata, images prepared for
the EPUB. ebooklib stamps zip entries with the current time, so the archive is written again with
fixed times and order, `mimetype` first and stored: the same sources give the same bytes.
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

from ebooklib import epub
from lxml import etree
from markupsafe import Markup

from ... import layout
from ...colour import legible_css
from ...model import Asset, Book, PressroomError
from .. import accessibility, atomic_path, build_time
from ..page_list import page_list as print_page_list
from ..cover import draw_cover

MEDIA_TYPES = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
               "svg": "image/svg+xml", "webp": "image/webp"}


class Page(epub.EpubItem):
    """An XHTML page written as we rendered it (ebooklib's EpubHtml would re-parse it)."""

    def __init__(self, uid: str, file_name: str, content: bytes, properties: list[str] | None = None):
        super().__init__(uid=uid, file_name=file_name, media_type="application/xhtml+xml", content=content)
        self.properties = properties or []


def cover_asset(book: Book, cache_dir: Path | None = None) -> Asset:
    """The cover image: the book's own, or our typographic cover drawn for it (kept in the cache,
    by what it is drawn from)."""
    cfg = book.config
    if cfg.cover:
        path = (book.source_dir / cfg.cover).resolve()
        if not path.is_relative_to(book.source_dir.resolve()) or not path.is_file():
            raise PressroomError(f"cover image not found: {cfg.cover} (fix 'cover' or remove it)", "book.toml")
        data = path.read_bytes()
        ext = path.suffix.lower().lstrip(".")
        if ext not in MEDIA_TYPES:
            raise PressroomError(f"cover image must be PNG, JPEG, GIF, WebP or SVG: {cfg.cover}", "book.toml")
        return Asset("cover", data, MEDIA_TYPES[ext])
    drawn = None
    if cache_dir is not None:
        from ...cache import pipeline_version, write_atomic

        what = repr((pipeline_version(), cfg.title, cfg.subtitle, list(cfg.authors), cfg.accent)).encode()
        drawn = Path(cache_dir) / "cover" / f"{hashlib.sha256(what).hexdigest()[:32]}.png"
        if drawn.is_file():
            return Asset("cover", drawn.read_bytes(), "image/png")
    data = draw_cover(cfg.title, cfg.subtitle, list(cfg.authors), cfg.accent)
    if drawn is not None:
        for old in drawn.parent.glob("*.png"):  # covers drawn for an earlier title or version
            old.unlink(missing_ok=True)
        write_atomic(drawn, data)
    return Asset("cover", data, "image/png")


class WellFormed:
    """`checked(xhtml, name)`: the page's bytes, once it parses as XML (an internal error if not).
    The digests of the pages that parsed are kept in the cache, so that a rebuild parses only the
    pages that changed (all 55 of a 50-article book took 0.02-0.05 s)."""

    def __init__(self, cache_dir: Path | None):
        self.path = Path(cache_dir) / "epub" / "well-formed.txt" if cache_dir is not None else None
        try:
            self.known = set(self.path.read_text(encoding="ascii").split()) if self.path else set()
        except (OSError, ValueError):
            self.known = set()
        self.seen: set[str] = set()

    def __call__(self, xhtml: str, name: str) -> bytes:
        data = xhtml.encode("utf-8")
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        if digest not in self.known:
            try:
                etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
            except etree.XMLSyntaxError as e:
                raise PressroomError(f"internal error: page {name} is not well-formed XHTML ({e}); "
                                     "please report it") from None
        self.seen.add(digest)
        return data

    def save(self) -> None:
        """Keep the digests of this book's pages (only these: the list does not grow)."""
        if self.path is not None and self.seen != self.known:
            from ...cache import write_atomic

            write_atomic(self.path, "\n".join(sorted(self.seen)).encode("ascii"))


def _identifiers(eb: epub.EpubBook, cfg) -> None:
    """The package's unique identifier: the ISBN (`urn:isbn:` and its 13 digits, typed as ONIX
    code 15, ISBN-13) when the book has one, else the URN of `identifier`. With an ISBN the URN
    stays as a second dc:identifier. Why the ISBN leads: Kobo's ePub guidelines match an EPUB to
    its store metadata by the ISBN in dc:identifier and ask that it be the NCX's identifier too
    (dtb:uid, which ebooklib writes from the unique identifier); EPUBCheck 5.3 takes either."""
    if not cfg.isbn:
        eb.set_identifier(cfg.urn)
        return
    eb.set_identifier(cfg.isbn_urn)
    eb.add_metadata(None, "meta", "15", {"refines": f"#{eb.IDENTIFIER_ID}", "property": "identifier-type",
                                         "scheme": "onix:codelist5"})
    eb.add_metadata("DC", "identifier", cfg.urn, {"id": "pub-urn"})


def _metadata(eb: epub.EpubBook, book: Book, modified: str, has_images: bool, page_list: bool) -> None:
    cfg = book.config
    _identifiers(eb, cfg)
    eb.set_title(cfg.title)
    eb.set_language(cfg.language)
    for i, author in enumerate(cfg.authors):
        eb.add_author(author, uid=f"creator{i}")
    for subject in cfg.subjects:
        eb.add_metadata("DC", "subject", subject)
    if cfg.series:  # EPUB 3's collection: the series, and the book's place in it
        eb.add_metadata(None, "meta", cfg.series, {"property": "belongs-to-collection", "id": "series"})
        eb.add_metadata(None, "meta", "series", {"refines": "#series", "property": "collection-type"})
        if cfg.series_index is not None:
            eb.add_metadata(None, "meta", f"{cfg.series_index:g}", {"refines": "#series", "property": "group-position"})
    if cfg.publisher:
        eb.add_metadata("DC", "publisher", cfg.publisher)
    if cfg.rights:
        eb.add_metadata("DC", "rights", cfg.rights)
    if cfg.description or cfg.subtitle:
        eb.add_metadata("DC", "description", cfg.description or cfg.subtitle)
    eb.add_metadata("DC", "date", (cfg.date or modified)[:10])
    for prop, value in accessibility.metadata(book, has_images, page_list):
        if prop.startswith("dc:"):
            eb.add_metadata("DC", prop[3:], value)
        else:
            eb.add_metadata(None, "meta", value, {"property": prop})
    eb.add_metadata(None, "meta", "", {"name": "cover", "content": "cover-img"})


def stylesheet(book: Book, cache_dir: Path) -> str:
    """The EPUB's one stylesheet: the book's `css/epub.css` with nothing it would fetch
    (`layout.local_css`), the code colours, every colour legible; kept by the stylesheet and
    Pressroom's version, with the warnings it gave, in the user's cache (pipeline/user_cache.py:
    the next book with the same stylesheet starts with it), else in the book's (a tenth of a
    second saved on each rebuild)."""
    import dataclasses
    import json

    from ...cache import pipeline_version, write_atomic
    from ...model import Diagnostic
    from ...user_cache import folder

    raw = layout.stylesheet(book, "css/epub.css")
    users = folder("css")
    kept = (users or Path(cache_dir) / "css") / (hashlib.sha256(f"{pipeline_version()}\0{raw}".encode()).hexdigest() + ".json")
    try:
        data = json.loads(kept.read_text(encoding="utf-8"))
        book.diagnostics.extend(Diagnostic(**d) for d in data["diagnostics"])
        return data["css"]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    before = len(book.diagnostics)
    css = legible_css(layout.local_css(raw, book, "css/epub.css") + "\n" + layout.pygments_css())
    write_atomic(kept, json.dumps({"css": css, "diagnostics": [dataclasses.asdict(d) for d in book.diagnostics[before:]]},
                                  ensure_ascii=False).encode())
    if users is None:  # the book's stylesheets of earlier versions (the user's go by age: user_cache.py)
        for old in kept.parent.glob("*.json"):
            if old != kept:
                old.unlink(missing_ok=True)
    return css


def warm_up(config, source_dir: Path, cache_dir: Path) -> None:
    """What the EPUB takes that no chapter changes (its cover, its stylesheet, its templates compiled), made and kept in
    the cache while the chapters' stages run (`build.run_chapters()`), so that `write()` only reads
    it. A mistake found here (a cover that is missing) is left for `write()` to report, after the
    chapters' own."""
    book = Book(config=config, source_dir=source_dir, chapters=[])
    try:
        cover_asset(book, cache_dir)
        stylesheet(book, cache_dir)
        layout.compile_templates(book, cache_dir, layout.PART_TEMPLATES + ("epub/page.xhtml.j2", "epub/nav.xhtml.j2"))
    except PressroomError:
        pass


def write(book: Book, target: Path, cache_dir: Path) -> Path:
    cfg = book.config
    env = layout.environment(book, cache_dir)
    when = build_time(book.source_dir, cfg.date)
    modified = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    eb = epub.EpubBook()
    eb.FOLDER_NAME = "EPUB"

    cover = cover_asset(book, cache_dir)
    cover_name = f"cover.{cover.extension}"
    env.globals["cover_file"] = cover_name
    eb.add_item(epub.EpubCover(file_name=f"images/{cover_name}"))
    eb.get_item_with_id("cover-img").content = cover.data
    eb.get_item_with_id("cover-img").media_type = cover.media_type

    css = stylesheet(book, cache_dir)
    eb.add_item(epub.EpubItem(uid="css", file_name="css/epub.css", media_type="text/css", content=css.encode()))
    images = {}  # their bytes go straight into the final archive (repack), not through ebooklib's
    for key, asset in sorted(book.assets.items()):  # prepared for the EPUB by the images stage
        eb.add_item(epub.EpubItem(uid=f"img-{asset.key[:16]}", file_name=f"images/{asset.file_name}",
                                  media_type=asset.media_type, content=b""))
        images[f"{eb.FOLDER_NAME}/images/{asset.file_name}"] = asset.data

    all_parts = layout.parts(book)
    page_list = print_page_list(book, cache_dir) if cfg.epub.page_list else []
    spine = []
    page_template = env.get_template("epub/page.xhtml.j2")
    well_formed = WellFormed(cache_dir)
    for part in all_parts:
        if part.id == "toc":
            nav_xhtml = env.get_template("epub/nav.xhtml.j2").render(
                back_parts=[p for p in all_parts if p.chapter is None and p.epub_type == "backmatter"],
                landmark_parts=[p for p in all_parts if p.landmark],
                page_list=page_list)
            nav = Page("nav", "nav.xhtml", well_formed(nav_xhtml, "nav.xhtml"), ["nav"])
            eb.add_item(nav)
            spine.append(nav)
            continue
        content = layout.render_part(env, part, "epub")
        xhtml = page_template.render(part=part, content=Markup(content))
        props = [p for p, tag in (("mathml", "<math"), ("svg", "<svg")) if tag in content]
        page = Page(part.id, part.file, well_formed(xhtml, part.file), props)
        eb.add_item(page)
        spine.append(page)
    eb.spine = spine
    eb.toc = [
        (epub.Section(e["title"], e["file"]), [epub.Link(f"{e['file']}#{s['id']}", s["text"], s["id"])
                                                for s in e["sections"]])
        if e["sections"] else epub.Link(e["file"], e["title"], e["id"])
        for e in book.toc
    ] + [epub.Link(p.file, p.title, p.id) for p in all_parts if p.chapter is None and p.epub_type == "backmatter"]
    eb.add_item(epub.EpubNcx())
    _metadata(eb, book, modified, bool(book.assets), bool(page_list))

    with atomic_path(target) as tmp:
        # ebooklib's archive is only read back by repack: kept in memory, and not compressed
        raw = io.BytesIO()
        epub.write_epub(raw, eb, {"mtime": when.replace(tzinfo=None), "epub3_pages": False,
                                  "play_order": {"enabled": True, "start_from": 1}, "compresslevel": 0})
        repack(raw, tmp, when.timetuple()[:6],
               {f"{eb.FOLDER_NAME}/content.opf": lambda opf: accessibility.finish_package(opf, book)}, images)
    well_formed.save()
    return target


def repack(src, dst: Path, date_time: tuple, edits: dict | None = None, contents: dict | None = None) -> None:
    """Rewrite the zip with fixed times and order: mimetype first, stored; the rest deflated.
    `edits` maps an entry's name to a function of its bytes (the package's xml:lang), `contents`
    to the bytes it holds instead of the ones in `src` (the images). `src` is a path or a file
    object."""
    edits, contents = edits or {}, contents or {}
    date_time = max(date_time, (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        names = zin.namelist()
        order = ["mimetype", "META-INF/container.xml"]
        rest = sorted(n for n in names if n not in order)
        for name in [n for n in order if n in names] + rest:
            info = zipfile.ZipInfo(name, date_time=date_time)
            info.external_attr = 0o644 << 16
            info.create_system = 3
            data = contents[name] if name in contents else zin.read(name)
            if name == "mimetype":
                info.compress_type = zipfile.ZIP_STORED
                zout.writestr(info, b"application/epub+zip")
            elif name.lower().endswith((".png", ".jpg", ".jpeg", ".gif", ".webp")):
                info.compress_type = zipfile.ZIP_STORED  # already compressed: deflating gains nothing
                zout.writestr(info, data)
            else:
                info.compress_type = zipfile.ZIP_DEFLATED
                data = edits[name](data) if name in edits else data
                zout.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
