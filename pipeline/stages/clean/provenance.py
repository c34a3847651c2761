"""Provenance: the line that says where an article first appeared leaves the body and becomes
`meta["original_url"]` (tracking parameters stripped).

A source line is found by its structure and place, not one wording: a quote or paragraph among
the first blocks (before the article's own text starts) made of one link and, at most, a label
such as "原文：", "原文链接", "Source:" or "Originally published at". The same line repeated later
(converters sometimes duplicate the header) goes too, and so does a closing
"Originally published at <link>" line, whose address is kept as `meta["first_published_url"]`.

A source line whose link text is words, not an address or a label (`> [Rust 编程语言介绍](url)`: the
converter's title of the original, often a fuller or translated title), keeps those words as
`meta["original_title"]`, shown with the address in the chapter's opener, unless they only repeat
the article's title.
"""
from __future__ import annotations

import re

from bs4 import Tag

from ...tree import first
from ._dom import HEADINGS, blocks, is_blank, is_image_only, remove, squash, text
from .links import strip_tracking

RULE = "provenance"
LABEL = re.compile(
    r"^(原文|原文链接|原文地址|原文網址|英文原文|原始链接|原始文章|来源|出处|轉載自|转载自|译自|"
    r"source|original|original article|original post|original link|originally published( at| on| in)?|"
    r"read the original|first published( at| on| in)?|最初发表于|最初发布于|原载于|首发于)?\s*[:：]?\s*[.。]?\s*$",
    re.I)
CLOSING = re.compile(r"^(originally published (at|on|in)|first published (at|on|in)|最初发表于|最初发布于|原载于|首发于)",
                     re.I)
ADDRESS = re.compile(r"^`?\s*(?:https?://|www\.)?[\w-]+(?:\.[\w-]+)+(?:[/?#]\S*)?\s*`?$", re.I)  # host or URL
NOT_A_LINE = frozenset({"img", "ul", "ol", "pre", "table", *HEADINGS})
HEAD_WINDOW = 4  # blocks at the top of the article where a source line may sit


def _link_words(link: Tag) -> str:
    """The words of a source link's text: '' when the text is an address, a host or a label."""
    words = squash(text(link))
    if not words or LABEL.match(words) or ADDRESS.match(words):
        return ""
    return words


def _letters(s: str) -> str:
    return "".join(c for c in s.casefold() if c.isalnum())


def _link_line(block: Tag) -> tuple[str, str] | None:
    """(URL, label) if `block` is one link (or one bare URL) with at most a label around it."""
    if block.name not in ("blockquote", "p"):
        return None
    if first(block, NOT_A_LINE) is not None:
        return None
    links = [a for a in block.find_all("a", href=True)]
    whole = text(block)
    if len(links) == 1:
        label = squash(whole.replace(text(links[0]), "", 1))
        if LABEL.match(label) and links[0]["href"].startswith(("http://", "https://")):
            return links[0]["href"], label
        return None
    if not links:
        m = re.fullmatch(r"(.*?)[<\s]*(https?://\S+?)>?", whole)
        if m and LABEL.match(squash(m.group(1))):
            return m.group(2), squash(m.group(1))
    return None


def run(chapter, ctx) -> None:
    body = chapter.body
    opts = ctx.config.clean
    seen = 0
    found = None
    for block in blocks(body):
        if is_blank(block) or block.name in HEADINGS or block.name == "hr" or is_image_only(block):
            continue
        seen += 1
        if seen > HEAD_WINDOW:
            break
        line = _link_line(block)
        inner = None
        if line is None and block.name == "blockquote":  # the source line and a promotion, quoted together
            inner = next((c for c in block.find_all(recursive=False) if not is_blank(c)), None)
            line = _link_line(inner) if inner is not None and inner.name == "p" else None
        if line and (line[1] or block.name == "blockquote" and seen == 1):
            found = strip_tracking(line[0], opts)[0]
            if not chapter.meta.get("original_url"):
                chapter.meta["original_url"] = found
            message = _keep_title(chapter, body, inner if inner is not None else block)
            if inner is None:
                remove(chapter, RULE, block, message)
            else:
                remove(chapter, RULE, inner, message)
                _promotions(chapter, block)
            break
    if chapter.meta.get("original_url"):  # also a canonical link the loader found in the <head>
        chapter.meta["original_url"] = strip_tracking(chapter.meta["original_url"], opts)[0]
    originals = {chapter.meta.get("original_url"), found} - {None, ""}
    for block in blocks(body):
        line = _link_line(block)
        if line and strip_tracking(line[0], opts)[0] in originals and block.name == "blockquote":
            remove(chapter, RULE, block, "source line repeated in the article removed")
    tail = [b for b in blocks(body) if not is_blank(b)][-3:]
    for block in tail:
        line = _link_line(block)
        if line and CLOSING.match(line[1]):
            chapter.meta.setdefault("first_published_url", strip_tracking(line[0], opts)[0])
            remove(chapter, RULE, block, "closing 'originally published at' line moved to metadata")


def _keep_title(chapter, body, line: Tag) -> str:
    """Keep the words of the source link as `meta["original_title"]`; the message for the log."""
    link = line.find("a", href=True)
    words = _link_words(link) if link is not None else ""
    h1 = body.find("h1")
    title = chapter.meta.get("title") or (text(h1) if h1 is not None else "")
    if not words or _letters(words) == _letters(title):
        return "source line moved to metadata (original_url)"
    chapter.meta.setdefault("original_title", words)
    return "source line moved to metadata (original_url; its title kept as original_title, shown with it)"


def _promotions(chapter, quote) -> None:
    """What a publisher quoted next to the source line: a newsletter or subscription plug."""
    from .outro import block_kind
    for child in quote.find_all(recursive=False):
        if block_kind(child) == "cta":
            remove(chapter, RULE, child, "publisher's promotion next to the source line removed")
    if is_blank(quote):
        quote.decompose()
