"""Scene breaks: `<hr>`, a paragraph of `* * *` or `⁂`, and Medium's section dividers become one
`<hr class="scene-break"/>`; runs collapse to one, and none is left at the very start or end."""
from __future__ import annotations

import re

from ...tree import tags
from ._dom import blocks, is_blank, is_footnotes, log, remove, text

RULE = "dividers"
ASTERISM = re.compile(r"^[\s*＊·•∗⁂~～_—–-]{3,}$")


def run(chapter, ctx) -> None:
    body = chapter.body
    for p in tags(body, ("p",)):
        t = text(p)
        if t and ASTERISM.match(t) and re.search(r"[*＊·•∗⁂~～]", t) and not p.find("img"):
            hr = chapter.dom.new_tag("hr")
            if p.get("data-src-line"):
                hr["data-src-line"] = p["data-src-line"]
            log(chapter, RULE, "divider paragraph made a scene break", p, t)
            p.replace_with(hr)
    for hr in tags(body, ("hr",)):
        if is_footnotes(hr):
            continue
        hr["class"] = ["scene-break"]
    seen_content = False
    previous_break = None
    for block in blocks(body):
        if block.name == "hr" and not is_footnotes(block):
            if not seen_content:
                remove(chapter, RULE, block, "section divider at the start of the article removed", "<hr>")
            elif previous_break is not None:
                remove(chapter, RULE, block, "repeated section divider removed", "<hr>")
            else:
                previous_break = block
            continue
        if is_blank(block):
            continue
        seen_content = True
        previous_break = None
    rest = [b for b in blocks(body) if not is_blank(b) or b.name == "hr"]
    while rest and rest[-1].name == "hr" and not is_footnotes(rest[-1]):
        remove(chapter, RULE, rest.pop(), "section divider at the end of the article removed", "<hr>")
    for hr in tags(body, ("hr",)):  # dividers nested in other blocks
        if not is_footnotes(hr):
            hr["class"] = ["scene-break"]
