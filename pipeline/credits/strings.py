"""The text and the links of a credit or caption line, as the credit parser reads them.

`joined_text(node)` is the node's strings joined as they are (offsets into it are offsets into the
node's text nodes, which `stages/credits.py` cuts); `links_of(node)` its (text, href) pairs.
"""
from __future__ import annotations

from bs4 import NavigableString, Tag


def text_nodes(node, skip_classes=("figure-label", "credit")) -> list[NavigableString]:
    """The node's text nodes, in order, without those inside a label or credit span."""
    out = []
    for d in node.descendants:
        if not isinstance(d, NavigableString) or not d:
            continue
        cur, skip = d.parent, False
        while cur is not None and cur is not node:
            if cur.name == "span" and set(cur.get("class") or []) & set(skip_classes):
                skip = True
                break
            cur = cur.parent
        if not skip:
            out.append(d)
    return out


def joined_text(node) -> str:
    return "".join(str(s) for s in text_nodes(node))


def links_of(node: Tag) -> list[tuple[str, str]]:
    return [(a.get_text(" ", strip=True), a.get("href", "")) for a in node.find_all("a") if a.get("href")]
