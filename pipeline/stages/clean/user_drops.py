"""The book's own cruft rules: `[clean] drop_selectors` (CSS selectors; each match leaves the
book) and `drop_patterns` (regular expressions; a block whose text matches leaves the book)."""
from __future__ import annotations

import re

from ...typed_toml import key_line
from ...model import PressroomError
from ._dom import blocks, remove, text

RULE = "user-drops"
DROPPABLE = ("p", "blockquote", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "div", "figure",
             "pre", "table", "aside", "section", "dl")


def run(chapter, ctx) -> None:
    opts = ctx.config.clean
    body = chapter.body
    toml = ctx.config.source_dir / "book.toml"
    for sel in opts.drop_selectors:
        try:
            found = body.select(sel)
        except Exception as e:  # soupsieve's syntax errors and unsupported selectors
            raise PressroomError(f"[clean] drop_selectors: invalid CSS selector {sel!r} ({str(e).splitlines()[0]})",
                                 str(toml), key_line(toml, "drop_selectors", "clean")) from None
        for node in found:
            if node.parent is not None:
                remove(chapter, RULE, node, f"dropped by drop_selectors {sel!r}")
    patterns = []
    for pat in opts.drop_patterns:
        try:
            patterns.append((pat, re.compile(pat)))
        except re.error as e:
            raise PressroomError(f"[clean] drop_patterns: invalid regular expression {pat!r} ({e})",
                                 str(toml), key_line(toml, "drop_patterns", "clean")) from None
    if not patterns:
        return
    for block in list(blocks(body)) + list(body.find_all("li")):
        if block.parent is None or block.name not in DROPPABLE:
            continue
        t = text(block)
        for pat, rx in patterns:
            if t and rx.search(t):
                remove(chapter, RULE, block, f"dropped by drop_patterns {pat!r}")
                break
