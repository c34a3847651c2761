"""Link ends left as text, after the link-card rule has taken the cards' own pieces: `](url)`
where a translation lost a link's `[` becomes a link again over the clause before it
(`在我的上一篇文章](…)中` -> a link on 在我的上一篇文章); `[` + a link + `](url)` (a link written
inside another, which CommonMark leaves as text) keeps the inner link. Logged as `clean.link-ends`.
"""
from __future__ import annotations

import re

from bs4 import NavigableString, Tag

from ...tree import ancestor, strings
from ._dom import log
from .markup import CODE, MARKER_BLOCKS

RULE = "link-ends"


LINK_END = re.compile(r"\]\(((?:https?|ftp)://[^\s()]+(?:\([^\s()]*\))?[^\s()]*)\)")
_CLAUSE = re.compile(r"[，。！？；：,.!?;:\[\]]")


def run(chapter, ctx) -> None:
    body = chapter.body
    for node in strings(body):
        if "](" not in node or node.parent is None or ancestor(node, CODE) is not None:
            continue
        s = str(node)
        m = LINK_END.search(s)
        if m is None:
            continue
        before = node.previous_sibling
        if m.start() == 0 and isinstance(before, Tag) and before.name == "a":
            opening = before.previous_sibling
            if isinstance(opening, NavigableString) and str(opening).endswith("["):
                opening.replace_with(str(opening)[:-1])
                node.replace_with(s[m.end():])
                log(chapter, RULE, "a link written inside another: the outer brackets and address removed",
                    ancestor(before, MARKER_BLOCKS) or before.parent, "[" + before.get_text() + m.group(0))
            continue
        head = s[:m.start()]
        if "[" in head:
            continue
        cut = max((c.end() for c in _CLAUSE.finditer(head)), default=0)
        words = head[cut:].strip()
        if not words:
            continue
        start = head.index(words, cut)
        link = chapter.dom.new_tag("a", attrs={"href": m.group(1)})
        link.string = words
        pieces = [NavigableString(s[:start]), link, NavigableString(s[m.end():])]
        block = ancestor(node, MARKER_BLOCKS) or node.parent
        node.replace_with(*[p for p in pieces if not isinstance(p, NavigableString) or str(p)])
        log(chapter, RULE, "a link whose [ a translation lost made again over the clause before it", block,
            words + m.group(0))
