"""Outline: with the title out of the body, the headings are shifted so the chapter's outline
starts at h2 and never skips a level (h1 h3 h2 -> h2 h3 h3; h2 h4 -> h2 h3)."""
from __future__ import annotations

from ._dom import HEADINGS, is_footnotes, log, text

RULE = "outline"


def run(chapter, ctx) -> None:
    stack: list[int] = []
    for h in chapter.body.find_all(list(HEADINGS)):
        if h.find_parent(is_footnotes) is not None or h.find_parent(["blockquote", "li", "table", "details"]):
            continue
        level = int(h.name[1])
        while stack and stack[-1] >= level:
            stack.pop()
        stack.append(level)
        new = min(len(stack) + 1, 6)
        if new != level:
            log(chapter, RULE, f"heading h{level} -> h{new} (continuous outline)", h, text(h))
            h.name = f"h{new}"
