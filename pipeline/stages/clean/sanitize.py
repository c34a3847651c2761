"""Sanitize, last: the body's HTML goes through an allowlist (nh3, the Ammonia binding) and is
parsed back into the same `chapter.dom`, so only elements and attributes that are valid EPUB 3
content remain: no scripts, styles, iframes, forms, event handlers or style attributes. ids are
made unique; `data-src-line` survives for later stages' messages."""
from __future__ import annotations

import re

import nh3
from bs4 import BeautifulSoup

from ._dom import log

RULE = "sanitize"
TAGS = {
    "a", "abbr", "aside", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp",
    "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
    "time", "tr", "u", "ul", "var", "wbr", "header", "footer",
}
ATTRIBUTES = {
    "*": {"id", "class", "lang", "dir", "title", "data-src-line"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height", "data-width", "data-height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "li": {"value"},
    "time": {"datetime"},
    "details": {"open"},
    "q": {"cite"},
    "blockquote": {"cite"},
    "del": {"datetime", "cite"},
    "ins": {"datetime", "cite"},
}
DROP_WITH_CONTENT = {"script", "style", "template", "iframe", "object", "embed", "noscript", "frame",
                     "frameset", "textarea", "select", "button", "svg", "math", "canvas", "audio", "video"}
SCHEMES = {"http", "https", "mailto", "ftp", "ftps", "tel", "data"}


def _attribute_filter(element: str, attribute: str, value: str):
    if attribute == "src" and value.lower().startswith("data:") and not re.match(
            r"^data:image/(png|jpe?g|gif|webp|svg\+xml)[;,]", value, re.I):
        return None
    if attribute == "href" and value.lower().startswith("data:"):
        return None
    return value


def run(chapter, ctx) -> None:
    body = chapter.body
    before = body.decode_contents()
    for tag in body.find_all(True):  # say what the allowlist is about to drop, with its text
        if tag.name in DROP_WITH_CONTENT:
            log(chapter, RULE, f"<{tag.name}> removed by the sanitizer", tag, tag.get_text(" ", strip=True)[:300])
        else:
            bad = [a for a in tag.attrs if a.lower().startswith("on") or a.lower() == "style"]
            if bad:
                log(chapter, RULE, f"attributes removed from <{tag.name}>: {', '.join(bad)}", tag, "")
    clean = nh3.clean(before, tags=TAGS, clean_content_tags=DROP_WITH_CONTENT, attributes=ATTRIBUTES,
                      attribute_filter=_attribute_filter, link_rel=None, url_schemes=SCHEMES,
                      strip_comments=True)
    fresh = BeautifulSoup(f"<html><body>{clean}</body></html>", "lxml").body
    body.clear()
    for child in list(fresh.contents):
        body.append(child.extract())
    for img in body.find_all("img"):
        if not (img.get("src") or "").strip():
            log(chapter, RULE, "image without a usable source removed", img, img.get("alt", ""))
            img.decompose()
    _unique_ids(chapter, body)


def _unique_ids(chapter, body) -> None:
    seen: set[str] = set()
    for tag in body.find_all(id=True):
        old = tag["id"]
        new = re.sub(r"\s+", "-", old.strip()) or "x"
        base, n = new, 2
        while new in seen:
            new = f"{base}-{n}"
            n += 1
        seen.add(new)
        if new != old:
            log(chapter, RULE, f"id {old!r} renamed {new!r} (ids must be unique)", tag, old)
            tag["id"] = new
