"""The accessibility audit that closes a chapter's stages: what the accessibility stage
(`accessibility.py`) guarantees, checked on the finished tree of each chapter, so that the EPUB's
metadata (`pipeline/emit/accessibility.py`) claims EPUB Accessibility 1.1 / WCAG 2.2 AA only where
nothing stands in the way. The build runs it on each chapter as its stages end (build.py), and
keeps the problems with the chapter (`Chapter.freeze`)."""
from __future__ import annotations

from bs4 import Tag

from .accessibility import AMBIGUOUS_LINK, accessible_name
from ..tree import HEADINGS, ancestor, has_class, tags

PLACEHOLDER = "image-missing"  # the class of what the images stage puts in a missing image's place


def audit_chapter(ch) -> list[str]:
    """What stands between one chapter and the conformance claim: run on its tree when its stages
    are done (`Chapter.freeze`); `emit/accessibility.audit()` gathers them for the book."""
    problems: list[str] = []
    body = ch.body
    found: dict[str, list] = {k: [] for k in ("h", "img", "placeholder", "role-img", "a", "table")}
    for node in body.descendants:  # one walk for every kind of element the audit reads
        if not isinstance(node, Tag):
            continue
        name = node.name
        if name in HEADINGS:
            found["h"].append(node)
        elif name in ("img", "a", "table"):
            found[name].append(node)
        if has_class(node, PLACEHOLDER):
            found["placeholder"].append(node)
        if node.attrs.get("role") == "img":
            found["role-img"].append(node)
    previous = 1
    for h in found["h"]:
        level = int(h.name[1])
        if level == 1 or level > previous + 1:
            problems.append(f"{ch.rel}: heading h{level} after h{previous}")
        previous = level
    for img in found["img"]:
        alt = img.get("alt")
        if alt is None:
            problems.append(f"{ch.rel}: image without alt")
        elif not alt.strip() and img.get("role") not in ("presentation", "none"):
            problems.append(f"{ch.rel}: image with empty alt not marked decorative")
        elif ancestor(img, ("figure",)) is not None and not alt.strip():
            problems.append(f"{ch.rel}: figure image without alt text")
    for node in found["placeholder"]:  # the image itself is not in the book
        problems.append(f"{ch.rel}: an image is missing (a frame in its place)")
    for node in found["role-img"]:
        if not (node.get("aria-label") or "").strip():
            problems.append(f"{ch.rel}: role=img without a label")
    for a in found["a"]:
        name = accessible_name(a)
        if not name:
            problems.append(f"{ch.rel}: link without a name")
        elif AMBIGUOUS_LINK.match(name):
            problems.append(f"{ch.rel}: ambiguous link text '{name}'")
    for table in found["table"]:
        for th in tags(table, ("th",)):
            if not th.get("scope") and not th.get("id"):
                problems.append(f"{ch.rel}: table header cell without scope")
    return problems
