"""The EPUB's page list: the PDF's printed page numbers mapped into the EPUB.

The page list: `page_starts(document)` reads each laid-out part of the PDF (WeasyPrint pages) and, with
`page_map_of()`, records for each
page, its printed folio and where its first line comes from (a chapter's block and the number of
characters of that block on earlier pages); `page_list(book)` puts `epub:type="pagebreak"` markers
at those places in the EPUB's chapters and returns the nav's page-list entries. The PDF never
carries the markers: they are added after its layout. The build keeps the PDF's page map in the
cache (`keep()`, after the PDF is written), so that an EPUB built later from the same content
(`--format epub`) has the same page list; with none kept, an EPUB-only build lays nothing out and
has no page list (nor `pageNavigation`), and the build says so in a note.
"""
from __future__ import annotations

import re

from typing import TYPE_CHECKING

from ..layout import FRONT_MATTER as FRONT
from ..model import Book

if TYPE_CHECKING:  # bs4 is imported where a tree is read: an EPUB without a page list needs none
    from bs4 import NavigableString, Tag

PART_CLASSES = ("chapter", "credits") + FRONT
SKIPPED_CLASSES = ("url-note",)  # print-only additions (a link's URL as a footnote)


def _count(text: str) -> int:
    return len(re.sub(r"\s", "", text.replace("\u00ad", "")))


def _squeeze(text: str) -> str:
    return re.sub(r"\s", "", text.replace("\u00ad", ""))


def _is_element(node) -> bool:
    return isinstance(getattr(node, "tag", None), str)


def _pdf_text(element) -> str:
    """An element's text in the PDF's tree (ElementTree), print-only additions left out."""
    if any(c in (element.get("class") or "").split() for c in SKIPPED_CLASSES):
        return ""
    out = [element.text or ""]
    for child in element:
        if _is_element(child):
            out.append(_pdf_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _epub_text(tag: Tag) -> str:
    return tag.get_text("")


def _keys(blocks: list, tag_of, id_of, text_of) -> list[tuple]:
    """A key per chapter-body block that survives the PDF's own changes (figures moved, code
    split in lines, URL notes): its id, else its tag, first characters and their occurrence."""
    keys, seen = [], {}
    for b in blocks:
        if id_of(b):
            keys.append(("id", id_of(b)))
            continue
        base = (tag_of(b), _squeeze(text_of(b))[:40])
        seen[base] = seen.get(base, 0) + 1
        keys.append(base + (seen[base],))
    return keys


def _pdf_keys(body) -> dict:
    blocks = [c for c in body if _is_element(c)]
    keys = _keys(blocks, lambda e: e.tag, lambda e: e.get("id"), _pdf_text)
    return {id(b): k for b, k in zip(blocks, keys)}


def epub_keys(body: Tag) -> list[tuple[tuple, Tag]]:
    from bs4 import Tag

    blocks = [c for c in body.children if isinstance(c, Tag)]
    return list(zip(_keys(blocks, lambda t: t.name, lambda t: t.get("id"), _epub_text), blocks))


def _locate(stack: list, cache: dict) -> tuple[str, tuple | None]:
    """The part (its id) and the chapter-body block key of a box, from its ancestors' boxes."""
    part, key = "", None
    for i, box in enumerate(stack):
        el = getattr(box, "element", None)
        if not _is_element(el):
            continue
        classes = (el.get("class") or "").split()
        if not part and el.tag in ("section", "nav") and el.get("id") and any(c in classes for c in PART_CLASSES):
            part = el.get("id")
        if "chapter-body" in classes:
            if id(el) not in cache:
                cache[id(el)] = _pdf_keys(el)
            for inner in stack[i + 1:]:
                child = getattr(inner, "element", None)
                if child is not el and id(child) in cache[id(el)]:
                    key = cache[id(el)][id(child)]
                    break
            break
    return part, key


def _printed(stack: list) -> bool:
    """False for text the PDF adds: pseudo-elements (markers, footnote calls) and URL notes."""
    for box in stack:
        if "::" in (getattr(box, "element_tag", "") or ""):
            return False
        el = getattr(box, "element", None)
        if _is_element(el) and any(c in (el.get("class") or "").split() for c in SKIPPED_CLASSES):
            return False
    return True


def _leaves(box, stack):
    """The page's text boxes and images in reading order, with their ancestors (no margin boxes)."""
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.MarginBox):
        return
    if isinstance(box, (boxes.TextBox, boxes.ReplacedBox)):
        yield box, stack
        return
    for child in getattr(box, "children", []) or []:
        yield from _leaves(child, stack + [box])


def _roman(text: str) -> bool:
    return bool(re.fullmatch(r"[ivxlcdm]+", text))


def page_starts(document) -> list[dict | None]:
    """Where each laid-out page starts: `{"part", "block", "chars", "head"}` or None (nothing printed).

    `part` is the id of the part the page's first line belongs to; `block` the key of the
    chapter-body element it is in (None: the part's opener); `chars` how many characters of that
    block (spaces not counted) earlier pages hold, and `head` the first characters of the page."""
    from weasyprint.formatting_structure import boxes

    from .pdf.weasyprint_patches import page_box

    laid_out: dict[tuple, int] = {}
    cache: dict = {}
    starts = []
    for page in document.pages:
        first = None
        for box, stack in _leaves(page_box(page), []):
            is_text = isinstance(box, boxes.TextBox)
            if is_text and not box.text.strip() or not _printed(stack + [box]):
                continue
            part, key = _locate(stack + [box], cache)
            if first is None:
                first = {"part": part, "block": list(key) if key else None,
                         "chars": laid_out.get((part, key), 0) if key else 0,
                         "head": _squeeze(box.text)[:12].rstrip("-\u2010") if is_text else ""}
            if key is not None and is_text:
                laid_out[(part, key)] = laid_out.get((part, key), 0) + _count(box.text)
        starts.append(first)
    return starts


def page_map_of(starts: list[dict | None], labels: list[str]) -> dict:
    """`{"pages": [{"folio", "part", "block", "chars", "head"}]}`: each printed page of the main
    matter with its folio (`labels`, one per page, as printed or as counted). Front matter (roman
    folios) is left out: the EPUB has its own cover, title page and nav."""
    pages, previous = [], None
    for folio, first in zip(labels, starts):
        part = first["part"] if first else None
        # a page of a part without a chapter body (the credits) is an opener only when it is its first
        opener_again = first and first["block"] is None and part == previous
        if part and folio and not _roman(folio) and part not in FRONT and not opener_again:
            pages.append({"folio": folio, **first})
        previous = part or previous
    return {"pages": pages}


def _marker(soup, folio: str) -> Tag:
    from bs4 import Tag

    return Tag(name="span", attrs={"epub:type": "pagebreak", "role": "doc-pagebreak", "id": f"page{folio}",
                                   "aria-label": folio})


def _text_nodes(block: Tag) -> list[NavigableString]:
    from bs4 import NavigableString

    return [n for n in block.descendants if type(n) is NavigableString]


def _insert_at(block: Tag, chars: int, head: str, span: Tag) -> None:
    """Put `span` before the block's character number `chars` (spaces not counted), moved to the
    nearest place where the page's first characters (`head`) start."""
    from bs4 import NavigableString

    text = _squeeze(_epub_text(block))
    if head:
        found = [m.start() for m in re.finditer(re.escape(head), text)]
        if found:
            chars = min(found, key=lambda i: abs(i - chars))
    if chars <= 0 or chars >= len(text):
        block.insert_before(span) if chars <= 0 else block.append(span)
        return
    seen = 0
    for node in _text_nodes(block):
        n = _count(str(node))
        if seen + n <= chars:
            seen += n
            continue
        need, cut = chars - seen, 0
        for cut, c in enumerate(str(node)):
            if not c.isspace() and c != "\u00ad":
                if need == 0:
                    break
                need -= 1
        head_text, tail = str(node)[:cut], str(node)[cut:]
        if head_text:
            node.insert_before(NavigableString(head_text))
        node.insert_before(span)
        node.replace_with(NavigableString(tail))
        return


def layout_key(book: Book) -> str:
    """What the PDF's layout follows from: the pipeline's code, the configuration, the templates
    (the book's and Pressroom's) and the chapters as the stages left them (known by what the stages
    read, where the chapter cache knows it)."""
    import hashlib

    from .. import cache, layout

    h = hashlib.sha256()
    for part in (cache.pipeline_version(), repr(cache._config_for_stages(book.config)),
                 cache.tree_hash(layout.search_path(book))):
        h.update(part.encode() + b"\0")
    for ch in book.chapters:
        h.update(f"{ch.id}\0{ch.title}\0{ch.number}\0{sorted(ch.meta.items())!r}\0".encode())
        if ch.input_key and ch.cacheable:  # what the stages read (and the files beside it): no serializing
            h.update(f"{ch.input_key}\0{sorted(ch.deps.items())!r}\0".encode())
        else:
            h.update(ch.body_html.encode())
    return h.hexdigest()


def _stored(book: Book, cache_dir):
    """Where the page map of this content is kept in the cache, and the key it is kept under."""
    from pathlib import Path

    key = layout_key(book)
    return Path(cache_dir) / "page-map" / f"{key[:32]}.json", key


def keep(book: Book, cache_dir) -> None:
    """The page map of the PDF just laid out kept in the cache, keyed by what its layout follows
    from: an EPUB built later from the same content (`--format epub`) takes its page list from it."""
    import json

    if cache_dir is None or not (book.page_map or {}).get("pages"):
        return
    stored, key = _stored(book, cache_dir)
    stored.parent.mkdir(parents=True, exist_ok=True)
    for old in stored.parent.glob("*.json"):
        old.unlink(missing_ok=True)
    tmp = stored.with_suffix(".part")
    tmp.write_text(json.dumps({"key": key, "pages": book.page_map["pages"]}, ensure_ascii=False), encoding="utf-8")
    tmp.replace(stored)


def _recalled(book: Book, cache_dir) -> None:
    """The page map of a PDF of this content laid out by an earlier build, where one was kept."""
    import json

    if cache_dir is None or (book.page_map or {}).get("pages"):
        return
    stored, key = _stored(book, cache_dir)
    try:
        data = json.loads(stored.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return
    if data.get("key") == key:
        book.page_map = {"pages": data["pages"]}


def page_list(book: Book, cache_dir=None) -> list[dict]:
    """Page break markers into the EPUB's chapters (once) and the nav's page list: `{"href", "label"}`.
    A page that starts with a part's opener gets its marker first in the part's page
    (`book.page_map["openers"]`, rendered by templates/epub/page.xhtml.j2).
    Without a PDF laid out in this build, from the cache when the content is unchanged; else empty."""
    if (book.page_map or {}).get("entries") is not None:
        return book.page_map["entries"]
    _recalled(book, cache_dir)
    pages = (book.page_map or {}).get("pages", [])
    if not pages:
        return []
    chapters = {ch.id: ch for ch in book.chapters}
    keyed = {}
    openers: dict[str, list[str]] = {}  # part id -> folios of pages that start with its opener
    entries, seen = [], set()
    for page in pages:
        folio, part = page["folio"], page["part"]
        if folio in seen or part in FRONT:
            continue
        if page["block"] is None:  # the part's opener: a marker before it (templates/epub/page.xhtml.j2)
            openers.setdefault(part, []).append(folio)
        elif part in chapters:
            body = chapters[part].body
            if part not in keyed:
                keyed[part] = {k: b for k, b in epub_keys(body)}
            block = keyed[part].get(tuple(page["block"]))
            if block is None:
                continue
            _insert_at(block, page["chars"], page["head"], _marker(body, folio))
        else:
            continue
        entries.append({"href": f"{part}.xhtml#page{folio}", "label": folio})
        seen.add(folio)
    book.page_map["openers"] = openers
    book.page_map["entries"] = entries
    return entries
