"""Medium link cards ("mixtape embeds") become one compact "further reading" line with the
card's title and link (`[clean] link_cards = "further-reading"`, the default) or leave the book
(`"drop"`). Three shapes are recognised:

- the Markdown converters' `[](url) [## Title ### subtitle host](url)`, which markdown-it renders
  as an empty link, a paragraph starting "[## Title", an h3 and a paragraph "host](url)";
- Medium HTML's `div.graf--mixtapeEmbed` (title in `<strong>`, description in `<em>`);
- the newer converter's bare `</publication/slug-id>` (or `<https://…>`) tokens alone in a
  paragraph.
"""
from __future__ import annotations

import re

from bs4 import Tag

from ..tree import ancestor, first, has_class, strings, tags
from ._dom import blocks, copy_line, loose_text, remove, text

RULE = "link-cards"
LABELS = {"zh": "延伸阅读：", "ja": "関連記事：", "en": "Further reading: "}
CARD_END = re.compile(r"^(?P<host>[^\s\]]*)\]\((?P<url>[^)\s]+)\)[\s*_]*$")
TOKEN = re.compile(r"<((?:/|https?://)[^<>\s]+)>")
TOKENS_ONLY = re.compile(r"^([\s*_]*<(?:/|https?://)[^<>\s]+>[\s*_]*)+$")


def label(language: str) -> str:
    return LABELS.get((language or "en").split("-")[0].lower(), LABELS["en"])


def _further(chapter, ctx, anchor: Tag, cards: list[tuple[str, str]]) -> Tag:
    p = chapter.dom.new_tag("p", attrs={"class": "further-reading"})
    p.append(label(ctx.config.language))
    for i, (title, url) in enumerate(cards):
        if i:
            p.append("；" if ctx.config.is_cjk else "; ")
        a = chapter.dom.new_tag("a", href=url)
        a.string = title or url
        p.append(a)
    copy_line(anchor, p)
    return p


def _replace(chapter, ctx, nodes: list[Tag], cards: list[tuple[str, str]], what: str) -> None:
    removed = " ".join(loose_text(n) for n in nodes)
    if ctx.config.clean.link_cards == "drop":
        for n in nodes[1:]:
            n.decompose()
        remove(chapter, RULE, nodes[0], f"{what} dropped", removed)
        return
    p = _further(chapter, ctx, nodes[0], cards)
    remove_log = f"{what} turned into a further-reading line"
    chapter.log("info", f"clean.{RULE}", remove_log, nodes[0], text=removed)
    nodes[0].replace_with(p)
    for n in nodes[1:]:
        n.decompose()


def run(chapter, ctx) -> None:
    body = chapter.body
    _markdown_cards(chapter, ctx, body)
    for div in [t for t in tags(body) if has_class(t, "graf--mixtapeEmbed")
                or t.name == "div" and has_class(t, "mixtapeEmbed")]:
        a = div.find("a", class_=re.compile("mixtapeEmbed-anchor")) or div.find("a", href=True)
        if a is None:
            remove(chapter, RULE, div, "link card without a link removed")
            continue
        strong = a.find("strong")
        title = loose_text(strong) if strong else loose_text(a).split("  ")[0]
        _replace(chapter, ctx, [div], [(title, a["href"])], "Medium link card")
    base = (ctx.config.clean.medium_base or "https://medium.com").rstrip("/")
    for p in list(body.find_all("p")):
        if p.parent is None or first(p, ("img",)) is not None:
            continue
        raw = p.get_text("")
        if TOKENS_ONLY.match(raw):
            urls = [(u if u.startswith("http") else base + u) for u in TOKEN.findall(raw)]
            _replace(chapter, ctx, [p], [("", u) for u in urls], "link card (bare address)")
    for node in [s for s in strings(body) if TOKEN.search(s)]:  # cards fused into a paragraph: each a link
        if node.parent is None or ancestor(node, ("pre", "code")) is not None:
            continue
        s = str(node)
        pieces = []
        last = 0
        for m in TOKEN.finditer(s):
            pieces.append(s[last:m.start()])
            url = m.group(1) if m.group(1).startswith("http") else base + m.group(1)
            a = chapter.dom.new_tag("a", href=url)
            a.string = url
            pieces.append(a)
            last = m.end()
        pieces.append(s[last:])
        chapter.log("info", f"clean.{RULE}", "link card (bare address) inside a paragraph made a link",
                    node.parent, text=" ".join(TOKEN.findall(s)))
        for piece in pieces:
            if piece != "":
                node.insert_before(piece)
        node.extract()


def _markdown_cards(chapter, ctx, body) -> None:
    for start in list(blocks(body)):
        if start.parent is None or start.name != "p":
            continue
        first_link = first(start, ("a",))
        if first_link is None or text(first_link) or first(first_link, ("img",)) is not None:
            continue
        second = first_link.find_next_sibling("a")
        if second is not None and text(second).startswith("#") and text(start) == text(second):
            m1 = re.match(r"^#+\s*(?P<title>.*?)\s*(?:###.*)?$", text(second))  # the card on one line, parsed
            _replace(chapter, ctx, [start], [(m1.group("title") if m1 else "", second.get("href", ""))],
                     "Medium link card")
            continue
        if text(start).split("[")[0].strip("* _"):
            continue
        rest = text(start).lstrip("* _")
        if not rest.startswith("[##") and not rest.startswith("["):
            continue
        nodes, url = [start], first_link.get("href", "")
        title = ""
        if "](" in rest:  # the whole card on one line
            m2 = re.match(r"^\[#*\s*(?P<title>.*?)\s*(?:###.*)?\]\((?P<url>[^)\s]+)\)\s*$", rest)
            if not m2:
                continue
            title = m2.group("title")
        else:
            title = rest.lstrip("[").lstrip("#").strip()
            nxt = start
            ok = False
            for _ in range(4):
                nxt = nxt.find_next_sibling()
                if nxt is None:
                    break
                nodes.append(nxt)
                m = CARD_END.match(text(nxt))
                if nxt.name == "p" and m:
                    url = m.group("url") or url
                    ok = True
                    break
            if not ok:
                continue
        _replace(chapter, ctx, nodes, [(title, url)], "Medium link card")
