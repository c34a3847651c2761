"""A figure's caption block: the paragraphs after an image up to the next one that is not caption-like, and
the credit somewhere in it.

`caption_block(figure)` walks the blocks after the figure (a `<p>`, or a `<blockquote>` holding one
`<p>`): a line is the credit (a whole credit line), a caption with the credit at its end (`fused`), at
its start (`lead`), in parentheses inside it (`inner`) or stated by its sentence (`sentence`), or a
caption line (`captions.caption_shape`). The walk stops at the first block that is none of these, at a
second credit, or at a line whose shape may not stand after the credit (a short sentence after the
credit line is body text). A block without a credit is no block: the paragraphs stay in the body; so is
one whose credit, after plain short lines, stands right before the next figure (that figure's credit,
placed before it). Nothing here changes the tree.
"""
from __future__ import annotations

from typing import NamedTuple

from bs4 import Tag

from ..model import Credit
from .captions import caption_shape, line_of
from .parse import article_note, credit_in_sentence, parse_line, split_fused, split_inner, split_lead
from .reading import next_block
from .strings import joined_text, links_of

MAX_LINES = 5  # a caption in two or three lines and its credit; more is the article going on
MAX_FUSED = 200  # characters: a longer paragraph ending in "(source)" is body text


class Line(NamedTuple):
    node: Tag  # the block in the body (a <p> or the <blockquote> around it)
    p: Tag  # the paragraph
    role: str  # credit, fused, lead, inner, sentence, caption
    credit: Credit | None
    cut: int  # fused: where the caption ends; lead: where it starts; inner: where the credit starts
    shape: str  # the caption shape's name, or ""
    end: int = 0  # inner: where the credit ends (in joined_text(p))


def read_line(node, credit_found: bool, first: bool = True) -> Line | None:
    """What one block after the figure is, or None (not part of a caption block). A paragraph that fits no
    caption shape holds a fused credit only right after the figure (`first`), as the images stage reads it."""
    p = line_of(node)
    if p is None:
        return None
    text, links = joined_text(p), links_of(p)  # joined: offsets into the text nodes, for cutting
    spaced = p.get_text(" ", strip=True)  # read as a line: "2025<sup>1</sup>" stays "2025 1"
    if article_note(spaced) is not None:
        return None  # a note on all the article's images, not this figure's credit (orphans.py)
    shape = caption_shape(node)
    if not credit_found:
        cr = parse_line(spaced, links)
        if cr is not None:
            return Line(node, p, "credit", cr, 0, shape.name if shape else "")
        if len(text) <= MAX_FUSED and (first or shape is not None):
            fused = split_fused(text, links)
            if fused is not None:
                return Line(node, p, "fused", fused[1], fused[0], shape.name if shape else "")
            lead = split_lead(text, links)
            if lead is not None:
                return Line(node, p, "lead", lead[1], lead[0], shape.name if shape else "")
            inner = split_inner(text, links)
            if inner is not None:
                return Line(node, p, "inner", inner[2], inner[0], shape.name if shape else "", inner[1])
        if shape is not None:
            cr = credit_in_sentence(spaced)
            if cr is not None:
                return Line(node, p, "sentence", cr, 0, shape.name)
    if shape is None or (credit_found and not shape.after_credit):
        return None
    return Line(node, p, "caption", None, 0, shape.name)


def caption_block(figure: Tag) -> list[Line]:
    """The figure's caption block (captions and the one credit, in order), or [] when it has no credit."""
    lines: list[Line] = []
    found = False
    cap = figure.find("figcaption")
    captioned = cap is not None and bool(joined_text(cap).strip())  # the images stage took the first paragraph
    node = next_block(figure)
    while node is not None and len(lines) < MAX_LINES:
        line = read_line(node, found, first=not lines and not captioned)
        if line is None:
            break
        lines.append(line)
        if line.credit is not None and not found:
            found = True
            weak = [ln for ln in lines[:-1] if ln.shape == "short"]
            after = next_block(line.node)
            if weak and getattr(after, "name", None) == "figure":
                return []  # plain lines, then a credit right before the next image: that image's (orphans.py)
        node = next_block(node)
    return lines if found else []
