"""Outline: with the title out of the body, the headings are shifted so the chapter's outline
starts at h2 and never skips a level (h1 h3 h2 -> h2 h3 h3; h2 h4 -> h2 h3)."""
from __future__ import annotations

from ...tree import ancestor, tags
from ._dom import HEADINGS, is_footnotes, log, text

RULE = "outline"
NESTED = frozenset({"blockquote", "li", "table", "details"})


def run(chapter, ctx) -> None:
    stack: list[int] = []
    for h in tags(chapter.body, HEADINGS):
        if _in_footnotes(h) or ancestor(h, NESTED) is not None:
            continue
        level = int(h.name[1])
        while stack and stack[-1] >= level:
            stack.pop()
        stack.append(level)
        new = min(len(stack) + 1, 6)
        if new != level:
            log(chapter, RULE, f"heading h{level} -> h{new} (continuous outline)", h, text(h))
            h.name = f"h{new}"


def _in_footnotes(node) -> bool:
    p = node.parent
    while p is not None:
        if is_footnotes(p):
            return True
        p = p.parent
    return False
