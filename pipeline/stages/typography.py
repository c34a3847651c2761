"""Typography: the space between Han characters and Latin letters or digits.

WeasyPrint has no `text-spacing`, and EPUB reading systems rarely apply it, so the stage puts the
space in the text itself, the same in both editions: a plain space (a quarter em in Noto CJK,
clreq's recommended gap, and a justification point), only where the author left none. Code, kbd
and samp are never touched. Other rules: none yet.
"""
from __future__ import annotations

import re

from bs4 import NavigableString
from bs4.element import Comment

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
LATIN = r"A-Za-z0-9\u00c0-\u024f"
_HAN_LATIN = re.compile(rf"([{HAN}])([{LATIN}])")
_LATIN_HAN = re.compile(rf"([{LATIN}%])([{HAN}])")
_IS_HAN = re.compile(rf"[{HAN}]")
_IS_LATIN = re.compile(rf"[{LATIN}]")
SKIP = {"pre", "code", "kbd", "samp", "script", "style", "math"}
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "figcaption", "blockquote",
          "dd", "dt", "div", "section", "figure", "body", "aside", "summary"}


def space_text(text: str) -> str:
    """Put a space between Han and Latin letters or digits where there is none."""
    return _LATIN_HAN.sub(r"\1 \2", _HAN_LATIN.sub(r"\1 \2", text))


def _block_of(node):
    for parent in node.parents:
        if parent.name in BLOCKS:
            return parent
    return None


def run(chapter, ctx) -> None:
    if not ctx.config.typography.cjk_latin_spacing:
        return
    prev_text, prev_block = "", None  # the text before, for spacing across inline tags
    for node in list(chapter.body.descendants):
        if not isinstance(node, NavigableString) or isinstance(node, Comment):
            continue
        if any(p.name in SKIP for p in node.parents):
            prev_text, prev_block = "", None
            continue
        block = _block_of(node)
        text = str(node)
        new = space_text(text)
        if prev_block is block and new:
            before, after = prev_text[-1:], new[:1]
            if (_IS_HAN.match(before) and _IS_LATIN.match(after)) or \
                    (_IS_LATIN.match(before) and _IS_HAN.match(after)):
                new = " " + new
        if new != text:
            node.replace_with(NavigableString(new))
        if new.strip():
            prev_text, prev_block = new, block
