"""Embeds: a `<script>` (a GitHub gist, a widget) or an `<iframe>` cannot run in a book; each
becomes a paragraph with a note and a link to what it showed ("Embedded content: <url>")."""
from __future__ import annotations

import re

from ...tree import tags
from ._dom import copy_line, log, remove

RULE = "embeds"
LABELS = {"zh": "嵌入内容：", "ja": "埋め込みコンテンツ：", "en": "Embedded content: "}
EMBEDS = frozenset({"script", "iframe", "embed", "object", "noscript"})
BLOCK_PARENTS = ("body", "div", "section", "figure", "blockquote", "li", "article", "aside", "details", "td")


def label(language: str) -> str:
    return LABELS.get((language or "en").split("-")[0].lower(), LABELS["en"])


def target(src: str) -> str:
    """What a reader should open: a gist's page rather than its .js."""
    m = re.match(r"^(https?://gist\.github\.com/[^?#]+?)\.js(?:\?file=(.+))?$", src)
    if m:
        return m.group(1) + (f"#file-{m.group(2).replace('.', '-')}" if m.group(2) else "")
    return src


def run(chapter, ctx) -> None:
    body = chapter.body
    dom = chapter.dom
    for el in tags(body, EMBEDS):
        if el.parent is None:
            continue
        src = (el.get("src") or el.get("data") or "").strip()
        if el.name == "noscript" or not src.startswith(("http://", "https://", "//")):
            remove(chapter, RULE, el, f"<{el.name}> without a linkable source removed",
                   el.get_text(" ", strip=True)[:200] or f"<{el.name}>")
            continue
        url = target("https:" + src if src.startswith("//") else src)
        note = dom.new_tag("p", attrs={"class": "embed-note"})
        note.append(label(ctx.config.language))
        link = dom.new_tag("a", href=url)
        link.string = url
        note.append(link)
        copy_line(el, note)
        log(chapter, RULE, f"<{el.name}> embed replaced by a link", el, src)
        holder = el.parent
        if holder.name == "figure" and not holder.find("img") and not holder.get_text(strip=True):
            copy_line(holder, note)
            holder.replace_with(note)
        elif holder.name in BLOCK_PARENTS:
            el.replace_with(note)
        else:  # inside a paragraph: put the link there
            note.name = "span"
            el.replace_with(note)
