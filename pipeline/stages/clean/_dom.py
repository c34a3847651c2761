"""Small tree helpers shared by the clean rules: block lists, visible text, removal with a log."""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import NavigableString, Tag
from bs4.element import Comment

from ...tree import HEADINGS, ZERO_WIDTH, first, first_with, squash  # noqa: F401 - the clean rules' names for them

MEDIA = ("img", "picture", "video", "audio", "svg", "math", "iframe", "object", "embed", "script")
_MEDIA = frozenset(MEDIA)
_IMG = frozenset({"img"})


def text(node) -> str:
    """A node's visible text for matching: inline pieces joined as written, spaces squashed."""
    if node is None:
        return ""
    if isinstance(node, NavigableString):
        return "" if isinstance(node, Comment) else squash(str(node))
    return squash(node.get_text(""))


def loose_text(node) -> str:
    """A node's text with a space between elements (for messages: "Follow me on Twitter")."""
    if isinstance(node, NavigableString):
        return squash(str(node))
    return squash(node.get_text(" "))


def blocks(body) -> list[Tag]:
    """The top-level elements of the body, in order."""
    return [c for c in body.children if isinstance(c, Tag)]


def has_media(node) -> bool:
    if not isinstance(node, Tag):
        return False
    return node.name in _MEDIA or first(node, _MEDIA) is not None


def is_blank(node) -> bool:
    """No visible text and no image or other media."""
    if isinstance(node, NavigableString):
        return isinstance(node, Comment) or not text(node)
    return not text(node) and not has_media(node)


def is_image_only(node) -> bool:
    """A block that holds images (maybe linked) and no text."""
    if not isinstance(node, Tag):
        return False
    if node.name == "img":
        return True
    return not text(node) and first(node, _IMG) is not None


def host(url: str) -> str:
    try:
        return (urlsplit(url.strip()).hostname or "").lower()
    except ValueError:
        return ""


def host_is(url_or_host: str, suffixes) -> bool:
    h = host(url_or_host) if "/" in url_or_host else url_or_host.lower()
    return any(h == s or h.endswith("." + s) for s in suffixes)


def log(chapter, rule: str, message: str, node=None, text: str = "", level: str = "info"):
    line = None
    if isinstance(node, Tag) and not node.get("data-src-line"):
        inner = first_with(node, "data-src-line")  # <pre><code data-src-line>
        if inner is not None and inner["data-src-line"].isdigit():
            line = int(inner["data-src-line"])
    return chapter.log(level, f"clean.{rule}", message, node, text=text, line=line)


def remove(chapter, rule: str, node, message: str, removed_text: str | None = None) -> None:
    """Log what leaves the book (with its text), then take the node out of the tree."""
    if removed_text is None:
        removed_text = loose_text(node) or describe(node)
    log(chapter, rule, message, node, removed_text)
    if isinstance(node, Tag):
        node.decompose()
    else:
        node.extract()


def describe(node) -> str:
    """A short stand-in for a node without text: an image's source, a link's address."""
    if not isinstance(node, Tag):
        return ""
    img = node if node.name == "img" else first(node, _IMG)
    if img is not None:
        return f"[image {img.get('src', '')}]"
    for attr in ("href", "src"):
        target = node if node.get(attr) else first_with(node, attr)
        if target is not None:
            return f"[{node.name} {target.get(attr)}]"
    return f"<{node.name}>"


def new_tag(dom, name: str, text_content: str = "", **attrs) -> Tag:
    tag = dom.new_tag(name, attrs={k.replace("_", "-"): v for k, v in attrs.items()})
    if text_content:
        tag.string = text_content
    return tag


def source_lines(chapter) -> list[str]:
    """The article's source file as lines (what a rule reads back: a pseudo-tag's spelling, a
    code paragraph's indentation); [] when it cannot be read."""
    try:
        return chapter.source_path.read_text(encoding="utf-8", errors="replace").splitlines()
    except (OSError, AttributeError, TypeError):
        return []


def copy_line(src: Tag, dst: Tag) -> None:
    """Carry the source line over to a replacement element."""
    from ...model import source_line
    line = source_line(src)
    if line:
        dst["data-src-line"] = str(line)


def is_footnotes(node) -> bool:
    return isinstance(node, Tag) and ("footnotes" in (node.get("class") or [])
                                      or "footnotes-sep" in (node.get("class") or []))


def split_sentences(s: str) -> list[str]:
    parts = re.split(r"(?<=[。！？!?；;])|(?<=\.)\s+|\n+|\s*[|｜]\s*", s)
    return [p.strip(" \t-—–·•*_") for p in parts if p and p.strip(" \t-—–·•*_")]
