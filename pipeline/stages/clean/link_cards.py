"""Medium link cards ("mixtape embeds") become one compact "further reading" line with the
card's title and link (`[clean] link_cards = "further-reading"`, the default) or leave the book
(`"drop"`). The shapes recognised (CARD_SHAPES for the Markdown ones), each logged with its name:

- one line: `[](url) [## Title ### subtitle host](url)` parsed as links, or the card link alone
  in a heading or paragraph with `###` inside it (`## [Title ### subtitle medium.com](url)`);
- over several blocks: markdown-it renders `[](url) [## Title`, `### subtitle`, `host](url)` as
  a paragraph, an h3 and a paragraph; the end may be inside the h3 (`### subtitle
  medium.com](url)`), may have no host (`### subtitle](url)`), the `[](url)` may be missing (then
  the first block must start `[#`); at most four short text blocks, never a list, code or image;
- the Hugo converter's `[**Title**  _description_host](url "url")[](url)`: one paragraph of a
  bold title, a line break and a description ending in the link's host;
- Medium HTML's `div.graf--mixtapeEmbed` (title in `<strong>`, description in `<em>`);
- the newer converter's bare `</publication/slug-id>` (or `<https://…>`) tokens alone in a
  paragraph.
An author's heading with a link (`## [1. NASA World Wind](url)`) or a bold link alone is no card.
"""
from __future__ import annotations

import re

from bs4 import Tag

from ...tree import ancestor, first, has_class, strings, tags
from ._dom import copy_line, host, loose_text, remove, text

RULE = "link-cards"
LABELS = {"zh": "延伸阅读：", "ja": "関連記事：", "en": "Further reading: "}
CARD_END = re.compile(r"\]\((?P<url>[^)\s]+)(?:\s+\"[^\"]*\")?\)[\s*_]*$")  # "… medium.com](url)"
ONE_LINE = re.compile(r"^\[#*\s*(?P<title>.*?)\s*(?:###.*)?\]\((?P<url>[^)\s]+)\)[\s*_]*$")
HOST_TAIL = re.compile(r"\s[\w-]+(\.[\w-]+)+\s*$")  # "… medium.com"
CARD_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6")
CONTAINERS = ("body", "blockquote", "li", "div", "section")
# a relative Medium path has two segments (</javarevisited/slug>, </@user/membership>): a closing
# pseudo-tag the author wrote as text (</item>) has one
RELATIVE_OR_URL = r"(?:/[^<>\s/]+/|https?://)[^<>\s]*"
TOKEN = re.compile(rf"<({RELATIVE_OR_URL})>")
TOKENS_ONLY = re.compile(rf"^([\s*_]*<{RELATIVE_OR_URL}>[\s*_]*)+$")


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
    """The Markdown converters' cards, in the shapes of CARD_SHAPES (module docstring)."""
    for start in [t for t in tags(body, CARD_BLOCKS) if t.parent is not None and t.parent.name in CONTAINERS]:
        if start.parent is None:  # taken with an earlier card
            continue
        for shape, find in CARD_SHAPES:
            found = find(start)
            if found is not None:
                nodes, title, url = found
                _replace(chapter, ctx, nodes, [(title, url)], f"Medium link card ({shape})")
                break


def _empty_link_then(start: Tag):
    """`[](url)` first in the block (maybe in bold), then the rest of its text; else None."""
    first_link = first(start, ("a",))
    if first_link is None or text(first_link) or first(first_link, ("img",)) is not None:
        return None
    before = ""
    for node in start.descendants:
        if node is first_link:
            break
        if isinstance(node, str):
            before += node
    if before.strip("* _"):
        return None
    return first_link


def _card_title(s: str) -> str:
    """"## Title ### subtitle host" -> "Title"."""
    s = s.strip().lstrip("*_ ").lstrip("[").lstrip("#").strip()
    return s.split(" ###")[0].split("###")[0].strip(" *_")


def _one_link(start: Tag):
    """`[](url) [## Title ### subtitle host](url)` parsed as links, or the card link alone in a
    heading or paragraph (`## [Title ### subtitle medium.com](url)`): its text is the block's."""
    links = [a for a in start.find_all("a") if text(a)]
    if len(links) != 1 or text(links[0]) != text(start).strip("* _"):
        return None
    words = text(links[0])
    empty = _empty_link_then(start)
    card = (empty is not None and words.startswith("#")) or \
        (" ###" in words and HOST_TAIL.search(words) is not None) or \
        (words.startswith("#") and " ###" in words)
    if not card:
        return None
    return [start], _card_title(words), links[0].get("href", "")


def _split(start: Tag):
    """`[](url) [## Title` / `### subtitle` / `host](url)` over up to four blocks (the end maybe
    inside the subtitle heading, maybe without a host); without the `[](url)`, the first block
    must start `[#`. The blocks between are short text: no list, code or image is ever taken."""
    empty = _empty_link_then(start)
    rest = text(start).lstrip("* _")
    if not (rest.startswith("[#") or empty is not None and rest.startswith("[")):
        return None
    if "](" in rest:  # the whole card on one line, left as text
        m = ONE_LINE.match(rest)
        return ([start], m.group("title"), m.group("url")) if m else None
    nodes, nxt = [start], start
    for _ in range(4):
        nxt = nxt.find_next_sibling()
        if nxt is None or nxt.name not in CARD_BLOCKS or first(nxt, ("img", "pre", "table")) is not None \
                or len(text(nxt)) > 300:
            return None
        nodes.append(nxt)
        m = CARD_END.search(text(nxt))
        if m:
            return nodes, rest.lstrip("[").lstrip("#").strip(" *_"), m.group("url") or (empty or {}).get("href", "")
    return None


def _hugo(start: Tag):
    """The Hugo converter's card: `[**Title**  _description_host](url "url")[](url)`, a paragraph of
    one link (bold title, line break, description ending in the site's host) and an empty link."""
    if start.name != "p":
        return None
    links = start.find_all("a")
    if not links or len(links) > 2 or text(start) != text(links[0]):
        return None
    card, url = links[0], links[0].get("href", "")
    if len(links) == 2 and (text(links[1]) or links[1].get("href") != url):
        return None
    strong = card.find(["strong", "b"])
    site = host(url).removeprefix("www.")
    words = text(card)
    if strong is None or card.find("br") is None or not site or not words.startswith(text(strong)) \
            or not words.rstrip("/ ").endswith(site):
        return None
    return [start], text(strong), url


CARD_SHAPES = [("one line", _one_link), ("over several blocks", _split), ("Hugo converter", _hugo)]
