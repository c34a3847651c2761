"""Whether a paragraph reads as (part of) a figure's caption, by the table `families.CAPTION_SHAPES`.

`caption_shape(node)` names the first shape the paragraph fits (`zh-position` for `左：原始图像`,
`en-label` for `Figure 2. …`, `italic-line`, `short`) and says whether that shape may stand after
the credit line. The plain `short` shape also needs one sentence that does not open like the
argument (`我们`, `Let`, ...) nor end with a colon. Nothing here changes the tree.
"""
from __future__ import annotations

import re
from typing import NamedTuple

from bs4 import NavigableString, Tag

from .families import CAPTION_SHAPES
from .parse import normalize
from .reading import CJK, DISCOURSE

EMPHASIS = {"em", "i"}
BLOCKS = ("p", "div", "ul", "ol", "pre", "table", "figure", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "img")
WRAPPERS = {"strong", "b", "span", "mdspan", "a", "u", "code"}


class Shape(NamedTuple):
    name: str
    after_credit: bool


_SHAPES = [(name, re.compile(p, re.I), italic, max_cjk, max_other, after)
           for name, p, italic, max_cjk, max_other, after in CAPTION_SHAPES]


def line_of(node) -> Tag | None:
    """The paragraph a block holds as a line: a `<p>`, the only `<p>` of a `<blockquote>`/`<div>`, or a
    `<blockquote>` holding only inline content."""
    if not isinstance(node, Tag):
        return None
    if node.name == "p":
        return None if node.find("img") else node
    if node.name in ("blockquote", "div", "aside"):
        kids = [k for k in node.contents if not (isinstance(k, NavigableString) and not k.strip())]
        if len(kids) == 1 and isinstance(kids[0], Tag) and kids[0].name == "p":
            return line_of(kids[0])
        if node.name == "blockquote" and kids and not node.find(BLOCKS):
            return node  # Medium's export: <blockquote class="graf--blockquote">Photo by …</blockquote>
    return None


def all_italic(p: Tag) -> bool:
    """True when every word of the paragraph is inside `<em>`/`<i>` (`*A short caption*`)."""
    for s in p.find_all(string=True):
        if not s.strip():
            continue
        cur, inside = s.parent, False
        while cur is not None and cur is not p:
            if cur.name in EMPHASIS:
                inside = True
                break
            cur = cur.parent
        if not inside:
            return False
    return bool(p.get_text(strip=True))


def _one_sentence(t: str) -> bool:
    """No sentence break inside the line (`normalize` has taken the final stop off)."""
    body = t.rstrip("。.!！?？…")
    return not re.search(r"[。！？!?]", body) and not re.search(r"[a-z)]\.\s+[A-Z]", body)


def caption_shape(node) -> Shape | None:
    """The caption shape the block fits, or None (a body paragraph)."""
    p = line_of(node)
    if p is None:
        return None
    t = normalize(p.get_text(" ", strip=True))
    if not t:
        return None
    cjk = len(CJK.findall(t)) * 3 >= len(t)
    italic = all_italic(p)
    for name, rx, italic_only, max_cjk, max_other, after in _SHAPES:
        if italic_only and not italic:
            continue
        if len(t) > (max_cjk if cjk else max_other) or not rx.search(t):
            continue
        if name == "short" and (DISCOURSE.match(t) or re.search(r"[:：,，;；]$", t) or not _one_sentence(t)):
            continue
        return Shape(name, after)
    return None
