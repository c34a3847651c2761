"""Title: the first H1 is the chapter's title (`meta["title"]`), an H2 right after it is its
subtitle (`meta["subtitle"]`); both leave the body, as do later copies of the title. Headings
written `1.标题` get their space (`1. 标题`)."""
from __future__ import annotations

import re

from bs4 import NavigableString

from ...tree import tags
from ._dom import HEADINGS, blocks, is_blank, log, loose_text, remove, squash, text

RULE = "title"
NUMBER_NO_SPACE = re.compile(r"^(\s*\d{1,3})[.。．](?=[^\d\s.])")
NUMBER_ALONE = re.compile(r"^(\s*\d{1,3})[.。．]$")


def _norm(s: str) -> str:
    return re.sub(r"\W+", "", squash(s).lower())


def run(chapter, ctx) -> None:
    body = chapter.body
    meta = chapter.meta
    _number_spacing(chapter, body)
    h1 = body.find("h1")
    if h1 is not None and text(h1):
        first = next((b for b in blocks(body) if not is_blank(b)), None)
        title = loose_text(h1).strip("*# ")
        if not meta.get("title"):
            meta["title"] = title
            remove(chapter, RULE, h1, "first H1 is the chapter title (moved to metadata)")
            _subtitle(chapter, body, first is h1)
        elif _norm(title) == _norm(meta["title"]) or first is h1 and not _has_other_h1(body, h1):
            remove(chapter, RULE, h1, "title repeated in the body removed (kept in metadata)")
            _subtitle(chapter, body, first is h1)
    title = _norm(meta.get("title", ""))
    if title:
        for h in tags(body, ("h1", "h2")):
            if _norm(text(h)) == title:
                remove(chapter, RULE, h, "title repeated in the body removed")


def _has_other_h1(body, h1) -> bool:
    return any(h is not h1 for h in body.find_all("h1"))


def _subtitle(chapter, body, title_was_first: bool) -> None:
    """An H2 right after the title is a subtitle when it does not open a run of H2 sections."""
    if not title_was_first:
        return
    first = next((b for b in blocks(body) if not is_blank(b)), None)
    if first is None or first.name != "h2" or not text(first) or first.find("mdspan"):
        return
    if NUMBER_NO_SPACE.match(text(first)) or re.match(r"^\d{1,3}[.。．\s]", text(first)):
        return  # "1. …" is the first numbered section, not a subtitle
    if len(text(first)) > 160:
        return  # a paragraph the converter made a heading, not a subtitle
    if not any(not is_blank(b) for b in first.find_next_siblings()):
        return  # the only thing left: keep it as content
    for h in first.find_all_next(list(HEADINGS)):
        if h.name == "h1":
            break
        if h.name == "h2":
            return  # more H2s follow before any H1: it is a section heading
    if chapter.meta.get("subtitle"):
        if _norm(text(first)) == _norm(chapter.meta["subtitle"]):
            remove(chapter, RULE, first, "subtitle repeated in the body removed (kept in metadata)")
        return
    chapter.meta["subtitle"] = loose_text(first).strip("*# ")
    remove(chapter, RULE, first, "H2 after the title is the subtitle (moved to metadata)")


def _number_spacing(chapter, body) -> None:
    for h in tags(body, HEADINGS):
        node = next((s for s in h.descendants if isinstance(s, NavigableString) and s.strip()), None)
        if node is None:
            continue
        old = str(node)
        new = NUMBER_NO_SPACE.sub(r"\1. ", old, count=1)
        if new == old and NUMBER_ALONE.match(old) and old.rstrip() == old:
            new = NUMBER_ALONE.sub(r"\1. ", old)
        if new != old:
            log(chapter, RULE, "space added after the heading's number", h, f"{text(h)}")
            node.replace_with(new)
