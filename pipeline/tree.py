"""Fast tree walks (a leaf: it imports bs4 alone), for the stages, the credits and the PDF's contents,
and the names and text helpers they share (`HEADINGS`, `squash()`: here, so that the EPUB's
accessibility audit, run by the build, imports no clean rule):
the answers of bs4's `find_all`, `find` and `find_parent` for the queries the stages ask most, without bs4's SoupStrainer (with a list of names or an attribute test,
bs4 4.12 matches every node through it; that was most of the chapter stages' time).

Each function gives what the bs4 call in its docstring gives, in the same (document) order, and
returns a list, so the tree can be changed while the result is walked.
"""
from __future__ import annotations

import re

from bs4 import NavigableString, Tag

HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SPACES = re.compile(r"[\s\u00a0\u3000" + ZERO_WIDTH + r"]+")


def squash(s: str) -> str:
    """Whitespace (incl. no-break and zero-width) collapsed to single spaces, trimmed."""
    return _SPACES.sub(" ", s).strip()



def tags(node, names=None) -> list[Tag]:
    """`node.find_all(names)` (a set or tuple of tag names; None: `find_all(True)`)."""
    if names is None:
        return [d for d in node.descendants if isinstance(d, Tag)]
    return [d for d in node.descendants if isinstance(d, Tag) and d.name in names]


def first(node, names) -> Tag | None:
    """`node.find(names)`: the first descendant element named one of `names`."""
    for d in node.descendants:
        if isinstance(d, Tag) and d.name in names:
            return d
    return None


def first_with(node, attr: str) -> Tag | None:
    """`node.find(attrs={attr: True})`: the first descendant element that has `attr`."""
    for d in node.descendants:
        if isinstance(d, Tag) and d.attrs.get(attr) is not None:
            return d
    return None


def strings(node) -> list[NavigableString]:
    """`node.find_all(string=True)`: every non-empty string (comments too), in order."""
    return [d for d in node.descendants if isinstance(d, NavigableString) and d]


def ancestor(node, names) -> Tag | None:
    """`node.find_parent(names)`: the nearest enclosing element named one of `names`."""
    p = node.parent
    while p is not None:
        if p.name in names:
            return p
        p = p.parent
    return None


def ancestor_with(node, attr: str) -> Tag | None:
    """`node.find_parent(attrs={attr: True})`: the nearest enclosing element that has `attr`."""
    p = node.parent
    while p is not None:
        if p.attrs.get(attr) is not None:
            return p
        p = p.parent
    return None


def having(node, attr: str, names=None) -> list[Tag]:
    """`node.find_all(names, attrs={attr: True})`: every descendant element (named one of `names`)
    that has `attr`."""
    return [d for d in node.descendants if isinstance(d, Tag) and d.attrs.get(attr) is not None
            and (names is None or d.name in names)]


def has_class(tag: Tag, cls: str) -> bool:
    """`cls` is one of the tag's classes (as CSS's `.cls` matches)."""
    value = tag.attrs.get("class")
    if value is None:
        return False
    return cls in (value.split() if isinstance(value, str) else value)


def classed(node, cls: str, names=None) -> list[Tag]:
    """`node.select("name.cls")`: every descendant element (named one of `names`) of class `cls`."""
    return [d for d in node.descendants if isinstance(d, Tag) and (names is None or d.name in names)
            and has_class(d, cls)]


def first_child(node) -> Tag | None:
    """`node.find(True, recursive=False)`: the first child element."""
    for c in node.contents:
        if isinstance(c, Tag):
            return c
    return None


def value_matches(value, pattern) -> bool:
    """An attribute value (a class list too) matches `pattern` as bs4's `find(attr=pattern)` tests it:
    any one value, or all of them joined with spaces."""
    if value is None:
        return False
    if isinstance(value, (list, tuple)):
        return any(pattern.search(v) for v in value) or bool(pattern.search(" ".join(value)))
    return bool(pattern.search(value))


def decomposed(tag) -> bool:
    """`tag.decomposed`, without its cost: bs4 4.12 reads the flag with getattr, which for a live
    Tag falls through to `tag.find("_decomposed")`, a walk of the whole subtree."""
    return tag.__dict__.get("_decomposed", False)


def with_attr(node, attr: str, value: str) -> list[Tag]:
    """`node.find_all(attrs={attr: value})` for a single-valued attribute (role, id)."""
    return [d for d in node.descendants if isinstance(d, Tag) and d.attrs.get(attr) == value]


def by_id(node, value: str) -> Tag | None:
    """`node.find(id=value)`."""
    for d in node.descendants:
        if isinstance(d, Tag) and d.attrs.get("id") == value:
            return d
    return None


def in_classed(node, name: str, cls: str) -> bool:
    """`node.find_parent(name, class_=cls) is not None`."""
    p = node.parent
    while p is not None:
        if p.name == name and has_class(p, cls):
            return True
        p = p.parent
    return False
