"""Credit lines that no figure's caption block claimed, and where each goes.

`find_orphans(body, figures)` lists, without changing the tree, the short paragraphs (or a blockquote
holding one) outside figures, lists and tables that are either an article-wide credit note
(`除非另有说明，所有图片均由作者提供`: to the credits page under the article's name) or a whole credit line
naming an image or a credit (`照片由 A 在 Unsplash 上拍摄` placed before the header image, or after a divider): it goes with the
nearest uncredited figure (the next block, else the previous one, dividers skipped); beside only
credited figures it stays (logged); with no figure near, a credit that is not a bare source goes to the
credits page; a bare source (`来源：X`) with no image near stays in the body (a source of text, not of an
image) unless it says it is an image's (`image_credit — Udemy`, `图片来源：X`).
"""
from __future__ import annotations

import re
from typing import NamedTuple

from bs4 import Tag

from . import links as L
from ..model import Credit
from ..tree import ancestor, first, tags
from .captions import line_of
from .parse import article_note, normalize, parse_line
from .strings import links_of

MAX_LINE = 140  # characters
CREDIT_WORDS = re.compile(r"unsplash|pexels|pixabay|wikimedia|维基媒体|imgflip|照片|图片|图像|截图|插图|来源|拍摄|鸣谢|作者|"
                          r"photo|image|picture|screenshot|illustration|source|credit|courtesy|author", re.I)
# a source line that says it is an image's (`image_credit — Udemy`, `图片来源：X`): with no image near (the
# clean stage may have removed its banner), it still goes to the credits page, unlike a bare `来源：X`
IMAGE_SOURCE = re.compile(r"^[\s*_]*(?:图片来源|图像来源|照片来源|图源|图片出处|图片提供|(?:image|photo|picture)[\s_]*"
                          r"(?:source|credits?)|courtesy)", re.I)
OUTSIDE = ("figure", "li", "table", "pre", "td", "th", "nav", "header", "footer")
DIVIDERS = ("hr",)


class Orphan(NamedTuple):
    node: Tag  # the block in the body
    p: Tag
    credit: Credit
    figure: Tag | None  # the figure it goes with, or None
    article: bool  # True: to the credits page under the article's name


def _divider(node) -> bool:
    """An `<hr>`, or a block holding only one (Medium's `<div class="section-divider"><hr></div>`)."""
    if not isinstance(node, Tag):
        return False
    if node.name in DIVIDERS:
        return True
    return node.name == "div" and not node.get_text(strip=True) and node.find(DIVIDERS) is not None \
        and node.find("img") is None


def _sibling(node, step: str):
    sib = getattr(node, step)()
    while _divider(sib):
        sib = getattr(sib, step)()
    return sib


def _uncredited(node, figures) -> Tag | None:
    if isinstance(node, Tag) and node.name == "figure" and node.get("id") in figures \
            and figures[node["id"]].credit is None:
        return node
    return None


def nearest_figure(node, figures) -> Tag | None:
    """The uncredited figure right after the block, else right before it (dividers skipped)."""
    return _uncredited(_sibling(node, "find_next_sibling"), figures) or \
        _uncredited(_sibling(node, "find_previous_sibling"), figures)


def _inside(p) -> bool:
    return ancestor(p, OUTSIDE) is not None


def find_orphans(body, figures) -> list[Orphan]:
    out: list[Orphan] = []
    lines = [b for b in tags(body, ("p", "blockquote")) if b.name == "p" or line_of(b) is b]
    for p in lines:
        if _inside(p) or first(p, ("img",)) is not None:
            continue
        node = p.parent if p.parent is not None and p.parent.name in ("blockquote", "div", "aside") \
            and line_of(p.parent) is p else p
        text = p.get_text(" ", strip=True)
        t = normalize(text)
        if not t or len(t) > MAX_LINE:
            continue
        note = article_note(t)
        if note is not None:
            out.append(Orphan(node, p, note, None, True))
            continue
        if not CREDIT_WORDS.search(t) or L.looks_like_url(t):
            continue  # a bare link (…/author/x) is not a credit line
        credit = parse_line(text, links_of(p))
        if credit is None:
            continue
        fig = nearest_figure(node, figures)
        beside_figure = any(isinstance(s, Tag) and s.name == "figure"
                            for s in (_sibling(node, "find_next_sibling"), _sibling(node, "find_previous_sibling")))
        to_page = credit.kind != "source" or bool(IMAGE_SOURCE.match(t))
        out.append(Orphan(node, p, credit, fig, fig is None and not beside_figure and to_page))
    return out
