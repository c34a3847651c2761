"""The chapters of a built EPUB (spine order), their text, and which source article each one is.

A chapter document is a spine item holding `section[epub:type~=chapter]`; its body is the
`div.chapter-body` (the header holds the title, the number and the source link the build adds).
`blocks()` lists the leaf text blocks and `text_of()` reads a block's text without its code.
"""
from __future__ import annotations

import posixpath
import warnings
import re
import zipfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString, Tag, XMLParsedAsHTMLWarning
from bs4.element import Comment

OPF_NS = {"opf": "http://www.idpf.org/2007/opf",
          "c": "urn:oasis:names:tc:opendocument:xmlns:container"}
BLOCK_NAMES = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "dt", "dd", "figcaption",
               "blockquote", "div", "caption", "summary"}
CODE = {"pre", "code", "kbd", "samp", "script", "style", "math"}
ADDED = ["chapter-number", "chapter-source", "figure-label", "image-missing"]  # text the build adds
warnings.filterwarnings("ignore", category=XMLParsedAsHTMLWarning)  # XHTML read as HTML on purpose
EMPTY_ARTICLE = re.compile(r"^warning: (?P<file>.+?)(?::\d+)?: empty article, left out of the book$")


@dataclass
class ChapterDoc:
    href: str  # the document's path inside the EPUB
    soup: BeautifulSoup
    source: Path | None = None

    @property
    def body(self) -> Tag:
        return self.soup.find("div", class_="chapter-body") or self.soup.find("section") or self.soup.body

    def text(self) -> str:
        """The chapter's text (title and body) without what the build adds (labels, placeholders) and
        without typeset formulas (<math>: the source's TeX is left out of its prose too)."""
        section = self.soup.find("section") or self.soup.body
        copy = BeautifulSoup(str(section), "lxml")
        for tag in copy.find_all(class_=ADDED):
            tag.decompose()
        for tag in copy.find_all("math"):
            tag.replace_with(" ")
        return copy.get_text("\n")


def epub_chapters(epub: Path) -> list[ChapterDoc]:
    with zipfile.ZipFile(epub) as z:
        container = ET.fromstring(z.read("META-INF/container.xml"))
        opf_path = container.find(".//c:rootfile", OPF_NS).get("full-path")
        opf = ET.fromstring(z.read(opf_path))
        items = {it.get("id"): it.get("href") for it in opf.findall(".//opf:manifest/opf:item", OPF_NS)}
        out = []
        for ref in opf.findall(".//opf:spine/opf:itemref", OPF_NS):
            href = posixpath.normpath(posixpath.join(posixpath.dirname(opf_path), items[ref.get("idref")]))
            soup = BeautifulSoup(z.read(href), "lxml")
            section = soup.find("section")
            if section is not None and "chapter" in (section.get("epub:type") or "").split():
                out.append(ChapterDoc(href, soup))
    return out


def omitted_articles(log_lines: list[str]) -> set[str]:
    """Articles the build left out as empty (their warning names them)."""
    return {m.group("file") for m in map(EMPTY_ARTICLE.match, log_lines) if m}


def pair_sources(chapters: list[ChapterDoc], sources: list[Path], omitted: set[str]) -> str:
    """Give each chapter its source article (book order minus the omitted); '' or what went wrong."""
    kept = [p for p in sources if p.name not in omitted and str(p) not in omitted]
    for ch, src in zip(chapters, kept):
        ch.source = src
    if len(kept) != len(chapters):
        return f"{len(kept)} articles for {len(chapters)} chapters: paired in order, check the pairs"
    return ""


def inside(node, names: set[str] | None = None, classes: tuple[str, ...] = ()) -> bool:
    for parent in node.parents:
        if names and parent.name in names:
            return True
        if classes and any(c in (parent.get("class") or []) for c in classes):
            return True
    return False


def text_of(block: Tag, skip: set[str] = CODE) -> str:
    """The block's text outside code (and math) and what the build adds; <br> is a line break."""
    parts = []
    for node in block.descendants:
        if isinstance(node, NavigableString):
            if isinstance(node, Comment) or type(node) not in (NavigableString,):
                continue
            if _skipped(node, block, skip):
                continue
            parts.append(str(node))
        elif node.name == "br":
            parts.append("\n")
    return "".join(parts)


def _skipped(node, block: Tag, skip: set[str]) -> bool:
    parent = node.parent
    while parent is not None and parent is not block:
        if parent.name in skip or any(c in ADDED for c in parent.get("class") or []):
            return True
        parent = parent.parent
    return False


def blocks(body: Tag) -> list[Tag]:
    """Leaf text blocks of a body, in order: a block that holds no other block (code is not one)."""
    out = []
    for el in body.find_all(BLOCK_NAMES):
        if el.name in ("div", "blockquote") and el.find(BLOCK_NAMES):
            continue
        if el.find(BLOCK_NAMES - {"div"}) is not None:
            continue
        if inside(el, {"pre"}) or any(c in ADDED for c in el.get("class") or []):
            continue
        out.append(el)
    return out


def neighbours(block: Tag) -> list[Tag]:
    """The elements just before and after a block (its ancestors' neighbours when it is first/last)."""
    out = []
    for step in ("find_previous_sibling", "find_next_sibling"):
        node = block
        while node is not None and node.name not in ("body", "section"):
            sib = getattr(node, step)()
            if sib is not None:
                out.append(sib)
                break
            node = node.parent
            if node is not None and "chapter-body" in (node.get("class") or []):
                break
    return out


def near_image(block: Tag) -> bool:
    """The block holds an image or stands right before or after a figure or an image."""
    if block.find(["img", "svg"]) or block.find(class_="image-missing"):
        return True
    return any(n.name == "figure" or n.find(["img", "figure"]) is not None or
               n.find(class_="image-missing") is not None for n in neighbours(block))
