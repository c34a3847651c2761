"""Figures in the DOM: which blocks hold an image, which paragraph is its caption, the alt text.

A paragraph whose only content is images (maybe inside links or emphasis) becomes a `<figure>`;
the paragraph right after it becomes the caption when it reads like one (short, one phrase, not a
sentence of the argument, or equal to the image's alt text, or labelled "图 2" / "Figure 2", or a
caption fused with a credit) and is not itself a credit line.
"""
from __future__ import annotations

import re

from bs4 import NavigableString, Tag

from ..credits.parse import normalize, parse_line, split_fused
from ..credits.reading import CJK, DISCOURSE, next_block  # noqa: F401 (next_block: stages/images.py)

WRAPPERS = {"a", "strong", "em", "b", "i", "span", "u", "mdspan", "picture", "source"}
GENERIC_ALT = re.compile(r"^(?:image|img|图片|图像|图|照片|photo|picture|pic|image for post|figure|screenshot|截图|"
                         r"undefined|null|none|untitled|\d+)?$|^[\w-]+\.(?:png|jpe?g|gif|webp|svg|bmp)$", re.I)
LABELLED = re.compile(r"^(?:图表?|表|插图|Figure|Fig\.?|Eq\.?|Equation|方程|公式|情商)\s*[。.]?\s*\d", re.I)


def image_only(block: Tag) -> bool:
    """True when the block's content is images and nothing else (whitespace, <br>, wrappers)."""
    found = False
    for node in block.descendants:
        if isinstance(node, NavigableString):
            if node.strip() and type(node) is NavigableString:
                return False
            continue
        if node.name == "img":
            found = True
        elif node.name not in WRAPPERS and node.name != "br":
            return False
    return found


def is_caption(block, alt: str = "") -> bool:
    """Whether the block right after an image reads as that image's caption."""
    if not isinstance(block, Tag) or block.name != "p" or block.find("img"):
        return False
    t = normalize(block.get_text(" ", strip=True))
    if not t or len(t) > 200:
        return False
    links = [(a.get_text(" ", strip=True), a.get("href", "")) for a in block.find_all("a")]
    if parse_line(t, links) is not None:
        return False  # a credit line: the credits stage takes it
    if alt and not GENERIC_ALT.match(alt.strip()) and normalize(alt) == t:
        return True
    if LABELLED.match(t):
        return True
    if split_fused(block.get_text(" ", strip=True), links) is not None:
        return True
    if re.search(r"[:：,，;；]$", t) or DISCOURSE.match(t):
        return False
    cjk = len(CJK.findall(t)) * 3 >= len(t)
    if len(t) > (60 if cjk else 120):
        return False
    body = t.rstrip("。.!！?？…")
    inner = len(re.findall(r"[。！？!?]", body)) + len(re.findall(r"[a-z]\.\s+[A-Z]", body))
    if inner > 1 or (inner == 1 and body != t):
        return False  # more than one sentence
    return True


def caption_text(node) -> str:
    return normalize(node.get_text(" ", strip=True)) if node is not None else ""


def informative_alt(alt: str) -> bool:
    return bool(alt and not GENERIC_ALT.match(alt.strip()))
