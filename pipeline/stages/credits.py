"""Credits: the credit line of each figure parsed into a `Credit`, out of the body, into the caption.

Where a credit is looked for, for each figure the images stage made: the whole caption (`Photo by X on
Unsplash` as a Medium figcaption), the end of the caption (`…分布。卢克·切瑟在 Unsplash 上拍摄的照片。`, `Caption
([Source](…))`), then the figure's caption block (`credits/block.py`: the paragraphs after the image up
to the first one that is not caption-like, the credit anywhere in it: its own line, fused at the end or
the start of a caption line, in parentheses inside it, stated by a caption sentence, in italics or a
blockquote), and last the alt text (which keeps its words). The caption lines of the block join the
figcaption in order (the author's words kept); the credit becomes `<span class="credit">图片：A /
Unsplash</span>` at the end of the figcaption, links without tracking parameters. Credit lines no figure
claimed (`credits/orphans.py`) go to the nearest image, or to the credits page under the article's name.
Every move is logged.
"""
from __future__ import annotations

from bs4 import NavigableString

from ..credits.block import caption_block
from ..credits.orphans import find_orphans
from ..credits.parse import credit_in_sentence, normalize, parse_line, split_fused, split_inner, split_lead
from ..credits.render import credit_span, short_text
from ..credits.strings import joined_text, links_of, text_nodes
from ..model import source_line
from ..tree import by_id

_TRAILING = " \t\n|–—-－,，:：;；(（[【"
_LEADING = " \t\n|–—-－,，:：;；。.!！?？)）]】"


def _truncate(node, offset: int) -> None:
    """Drop the node's text from `offset` (in its joined text, labels and credits left out) on."""
    pos = 0
    for s in text_nodes(node):
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
            _prune(parent, node)
    _strip_end(node, at_start=False)
    _drop_trailing_breaks(node)


def _strip_end(node, at_start: bool) -> None:
    """The separators left at one end of the node's text once a credit was cut from it (`_LEADING`
    at the start, `_TRAILING` at the end), and the text nodes and wrappers that held nothing else."""
    nodes = text_nodes(node)
    while nodes:
        edge = nodes[0] if at_start else nodes[-1]
        stripped = str(edge).lstrip(_LEADING) if at_start else str(edge).rstrip(_TRAILING)
        if stripped:
            edge.replace_with(NavigableString(stripped))
            return
        parent = edge.parent
        edge.extract()
        _prune(parent, node)
        nodes = text_nodes(node)


def _drop_trailing_breaks(node) -> None:
    """`<br/>`s left at the end of a caption once its credit is cut off (and the blanks around them)."""
    while node.contents:
        last = node.contents[-1]
        if isinstance(last, NavigableString) and not last.strip():
            last.extract()
        elif getattr(last, "name", None) == "br":
            last.decompose()
        elif getattr(last, "name", None) in ("em", "i", "strong", "b", "span") and not last.get_text(strip=True) \
                and not last.find("img"):
            last.decompose()
        else:
            break


def _keep_from(node, offset: int) -> None:
    """Drop the node's text before `offset` (a credit that opens a caption line) and the separator."""
    pos = 0
    for s in text_nodes(node):
        n = len(s)
        if pos >= offset:
            break
        keep = str(s)[max(0, offset - pos):]
        pos += n
        parent = s.parent
        if keep:
            s.replace_with(NavigableString(keep))
        else:
            s.extract()
            _prune(parent, node)
    _strip_end(node, at_start=True)


def _remove(node) -> None:
    """A block out of the body, with the blank text after it."""
    nxt = node.next_sibling
    if isinstance(nxt, NavigableString) and not nxt.strip():
        nxt.extract()
    node.decompose()


def _cut_range(node, start: int, end: int) -> None:
    """Drop the node's text from `start` to `end` (a parenthetical credit inside a caption sentence)."""
    pos = 0
    for s in text_nodes(node):
        n, text = len(s), str(s)
        lo, hi = max(start - pos, 0), min(end - pos, n)
        pos += n
        if lo >= hi:
            continue
        kept = text[:lo] + text[hi:]
        if kept:
            s.replace_with(NavigableString(kept))
        else:
            parent = s.parent
            s.extract()
            _prune(parent, node)


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


def _caption_of(chapter, el):
    cap = el.find("figcaption")
    if cap is None:
        cap = chapter.dom.new_tag("figcaption")
        el.append(cap)
    return cap


def _from_caption(cap):
    """(credit, line text) from the figcaption itself, or None."""
    text, links = joined_text(cap), links_of(cap)
    if not normalize(text):
        return None
    credit = parse_line(text, links)
    if credit is not None:
        _clear_caption(cap)
        return credit, normalize(text)
    fused = split_fused(text, links)
    if fused is not None:
        offset, credit = fused
        _truncate(cap, offset)
        return credit, normalize(text[offset:])
    lead = split_lead(text, links)
    if lead is not None:
        offset, credit = lead
        _keep_from(cap, offset)
        label = cap.find("span", class_="figure-label")
        if label is not None and normalize(joined_text(cap)) and not str(label.next_sibling or "").startswith(" "):
            label.insert_after(" ")
        return credit, normalize(text[:offset]).rstrip(_TRAILING)
    inner = split_inner(text, links)
    if inner is not None:
        start, end, credit = inner
        _cut_range(cap, start, end)
        return credit, normalize(text[start:end])
    credit = credit_in_sentence(text)  # 由作者绘制的架构图: the sentence stays the caption
    return (credit, normalize(text)) if credit is not None else None


def _join(chapter, cap, p) -> None:
    """The paragraph's content appended to the caption, on a line of its own after any text."""
    if normalize(joined_text(cap)):
        cap.append(chapter.dom.new_tag("br"))
    elif cap.contents:
        cap.append(" ")
    for child in list(p.contents):
        cap.append(child.extract())


def _from_block(chapter, el):
    """(credit, line text, source line) from the figure's caption block, which leaves the body."""
    lines = caption_block(el)
    if not lines:
        return None
    cap = _caption_of(chapter, el)
    credit, line_text, line = None, "", None
    for ln in lines:
        text = joined_text(ln.p)
        src = source_line(ln.node)
        if ln.role == "credit":
            credit, line_text, line = ln.credit, normalize(ln.p.get_text(" ", strip=True)), src
        elif ln.role == "fused":
            credit, line_text, line = ln.credit, normalize(text[ln.cut:]), src
            _truncate(ln.p, ln.cut)
        elif ln.role == "lead":
            credit, line_text, line = ln.credit, normalize(text[:ln.cut]).rstrip(_TRAILING), src
            _keep_from(ln.p, ln.cut)
        elif ln.role == "inner":
            credit, line_text, line = ln.credit, normalize(text[ln.cut:ln.end]), src
            _cut_range(ln.p, ln.cut, ln.end)
        elif ln.role == "sentence":
            credit, line_text, line = ln.credit, normalize(text), src
        if ln.role != "credit":
            chapter.log("info", "credits.caption",
                        f"caption line ({ln.shape or ln.role}) joined to the figure's caption",
                        line=src, text=normalize(joined_text(ln.p)))
            _join(chapter, cap, ln.p)
        _remove(ln.node)
    return credit, line_text, line


def _from_alt(el):
    alt = next((im.get("alt", "") for im in el.find_all("img") if im.get("alt")), "")
    credit = parse_line(alt) if alt else None
    return (credit, normalize(alt)) if credit is not None else None


def attach(chapter, fig, el, credit, line_text: str, line, cjk: bool, rule: str = "credits.line") -> None:
    """The credit on the figure: a span at the end of its caption, the alt text, the log."""
    credit.figure_id, credit.figure_label = fig.id, fig.label
    credit.chapter_number, credit.line = chapter.number, line
    fig.credit = credit
    cap = _caption_of(chapter, el)
    if cap.get_text(strip=True):
        cap.append(" ")
    cap.append(credit_span(chapter.dom, credit, cjk))
    fig.caption = normalize(joined_text(cap))
    short = short_text(credit, cjk)
    for im in el.find_all("img"):
        if im.get("alt", "") in (fig.label, "") or normalize(im.get("alt", "")) == line_text:
            im["alt"] = f"{fig.caption}（{short}）" if cjk and fig.caption else \
                f"{fig.caption} ({short})" if fig.caption else short
    chapter.log("info", rule, f"credit for {fig.label}: {short}", line=line, text=line_text)


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
        line = source_line(el)
        found = _from_caption(cap) if cap is not None else None
        if found is None:
            block = _from_block(chapter, el)
            if block is not None:
                credit, line_text, line = block[0], block[1], block[2] or line
                found = (credit, line_text)
        if found is None:
            found = _from_alt(el)
        if found is not None:
            attach(chapter, fig, el, found[0], found[1], line, cjk)
    _orphans(chapter, cjk)


def _orphans(chapter, cjk: bool) -> None:
    """Credit lines no figure's caption block claimed: to the nearest image, else to the credits page."""
    figures = {f.id: f for f in chapter.figures}
    for orphan in find_orphans(chapter.body, figures):
        text = normalize(orphan.p.get_text(" ", strip=True))
        line = source_line(orphan.node)
        if orphan.figure is not None and figures[orphan.figure.get("id")].credit is None:
            fig = figures[orphan.figure.get("id")]
            _remove(orphan.node)
            attach(chapter, fig, orphan.figure, orphan.credit, text, line, cjk, rule="credits.nearest")
        elif orphan.article:
            cr = orphan.credit
            cr.chapter_number, cr.line = chapter.number, line
            cr.note = " ".join(joined_text(orphan.p).split())  # the author's sentence, shown on the credits page
            chapter.meta.setdefault("credits", []).append(cr)
            _remove(orphan.node)
            chapter.log("info", "credits.article",
                        "credit with no image near it, or a note on all the article's images, "
                        "moved to the credits page under the article's name",
                        line=line, text=text)
        else:  # a bare source with no image near, or a second credit for a figure already credited
            chapter.log("warning", "credits.unattached", "credit line not attached to a figure", line=line, text=text)
