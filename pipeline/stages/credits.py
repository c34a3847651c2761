"""Credits: the credit line of each figure parsed into a `Credit`, out of the body, into the caption.

Where a credit is looked for, for each figure the images stage made: the whole caption
(`Photo by X on Unsplash` as a Medium figcaption), the end of the caption (`…分布。卢克·切瑟在
Unsplash 上拍摄的照片。`, `Caption ([Source](…))`), the paragraph right after the figure, and last
the alt text (which keeps its words). The credit becomes `<span class="credit">图片：A / Unsplash</span>`
at the end of the figcaption, links without tracking parameters; every credit is logged.
"""
from __future__ import annotations

import re

from bs4 import NavigableString

from ..credits.parse import normalize, parse_line, split_fused
from ..credits.render import credit_span, short_text
from ..images.figure import next_block
from ..model import source_line
from .tree import by_id, in_classed, strings

_TRAILING = " \t\n|–—-－,，:：;；(（[【"


def _links(node) -> list[tuple[str, str]]:
    return [(a.get_text(" ", strip=True), a.get("href", "")) for a in node.find_all("a") if a.get("href")]


def _caption_nodes(cap):
    """The text nodes of a figcaption after its label."""
    return [s for s in strings(cap)
            if not in_classed(s, "span", "figure-label") and not in_classed(s, "span", "credit")]


def _truncate(cap, offset: int) -> None:
    """Drop the caption's text from `offset` (in the joined text after the label) on."""
    pos = 0
    for s in _caption_nodes(cap):
        n = len(s)
        if pos + n <= offset:
            pos += n
            continue
        keep = str(s)[: max(0, offset - pos)]
        pos += n
        if keep:
            s.replace_with(NavigableString(keep))
        else:
            parent = s.parent
            s.extract()
            _prune(parent, cap)
    # trailing separators and empty wrappers
    nodes = _caption_nodes(cap)
    while nodes:
        last = nodes[-1]
        stripped = str(last).rstrip(_TRAILING)
        if stripped:
            last.replace_with(NavigableString(stripped))
            break
        parent = last.parent
        last.extract()
        _prune(parent, cap)
        nodes = _caption_nodes(cap)


def _prune(tag, stop) -> None:
    while tag is not None and tag is not stop and not tag.get_text(strip=True) and not tag.find("img"):
        parent = tag.parent
        tag.decompose()
        tag = parent


def _clear_caption(cap) -> None:
    for child in list(cap.contents):
        if getattr(child, "name", None) == "span" and "figure-label" in (child.get("class") or []):
            continue
        child.extract()


def run(chapter, ctx) -> None:
    body = chapter.body
    if body is None:
        return
    cjk = ctx.config.is_cjk
    for fig in chapter.figures:
        el = by_id(body, fig.id)
        if el is None:
            continue
        cap = el.find("figcaption")
        credit, line_text, line = None, "", source_line(el)
        if cap is not None:
            text = "".join(str(s) for s in _caption_nodes(cap))
            links = _links(cap)
            if normalize(text):
                credit = parse_line(text, links)
                if credit is not None:
                    _clear_caption(cap)
                    line_text = normalize(text)
                else:
                    fused = split_fused(text, links)
                    if fused is not None:
                        offset, credit = fused
                        line_text = normalize(text[offset:])
                        _truncate(cap, offset)
        if credit is None:
            nxt = next_block(el)
            if nxt is not None and getattr(nxt, "name", None) == "p" and not nxt.find("img"):
                credit = parse_line(nxt.get_text(" ", strip=True), _links(nxt))
                if credit is not None:
                    line_text = normalize(nxt.get_text(" ", strip=True))
                    line = source_line(nxt) or line
                    if cap is None:
                        cap = chapter.dom.new_tag("figcaption")
                        el.append(cap)
                    nxt.decompose()
        if credit is None:
            alt = next((im.get("alt", "") for im in el.find_all("img") if im.get("alt")), "")
            credit = parse_line(alt) if alt else None
            line_text = normalize(alt) if credit else ""
        if credit is None:
            continue
        credit.figure_id, credit.figure_label = fig.id, fig.label
        credit.chapter_number, credit.line = chapter.number, line
        fig.credit = credit
        if cap is None:
            cap = chapter.dom.new_tag("figcaption")
            el.append(cap)
        if cap.get_text(strip=True):
            cap.append(" ")
        cap.append(credit_span(chapter.dom, credit, cjk))
        fig.caption = normalize("".join(str(s) for s in _caption_nodes(cap)))
        short = short_text(credit, cjk)
        for im in el.find_all("img"):
            if im.get("alt", "") in (fig.label, "") or normalize(im.get("alt", "")) == line_text:
                im["alt"] = f"{fig.caption}（{short}）" if cjk and fig.caption else \
                    f"{fig.caption} ({short})" if fig.caption else short
        chapter.log("info", "credits.line", f"credit for {fig.label}: {short}", line=line, text=line_text)
    _unattached(chapter)


def _unattached(chapter) -> None:
    """Log credit-like lines the figures did not claim (for --explain and the coverage bench)."""
    for p in chapter.body.find_all("p"):
        text = p.get_text(" ", strip=True)
        if len(text) > 140 or not re.search(r"unsplash|照片|图片|图像|截图|来源|photo|image|source|credit", text, re.I):
            continue
        prev = p.find_previous_sibling()
        if prev is None or prev.name != "figure" and not prev.find("img"):
            continue
        if parse_line(text, _links(p)) is not None:
            chapter.log("warning", "credits.unattached", "credit line not attached to a figure", node=p, text=text)
