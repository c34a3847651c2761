"""Empty blocks go (paragraphs with no text and no image, empty list items and quotes); an
article with no text left is marked `omitted` and left out of the book with a warning."""
from __future__ import annotations

from ...tree import first, tags
from ._dom import has_media, log, text

RULE = "empty"
EMPTYABLE = frozenset({"p", "li", "blockquote", "ul", "ol", "div", "span", "section", "figure", "figcaption",
                       "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "a", "dl", "table"})
BREAKS = frozenset({"hr", "br", "pre"})


def run(chapter, ctx) -> None:
    body = chapter.body
    for node in reversed(tags(body, EMPTYABLE)):  # innermost first
        if node.parent is None or text(node) or has_media(node) or first(node, BREAKS) is not None \
                and node.name not in ("p",):
            continue
        if node.name == "a" and (node.get("id") or node.get("name")):
            continue
        if node.name in ("section",) and "footnotes" in (node.get("class") or []):
            continue
        if node.name == "p" or node.name not in ("strong", "em", "b", "i", "span", "a"):
            log(chapter, RULE, f"empty <{node.name}> removed", node, "")
        node.decompose()
    if not text(body) and not has_media(body):
        chapter.omitted = True
        chapter.log("warning", "clean.empty", "empty article, left out of the book")
