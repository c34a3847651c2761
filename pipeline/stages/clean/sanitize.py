"""Sanitize, last: the body's HTML goes through an allowlist (nh3, the Ammonia binding) and is
parsed back into the same `chapter.dom`, so only elements and attributes that are valid EPUB 3
content remain: no scripts, styles, iframes, forms, event handlers or style attributes. ids are
made unique; `data-src-line` survives for later stages' messages."""
from __future__ import annotations

import re

import nh3
from bs4 import BeautifulSoup

from ...tree import ancestor, first_child, having, tags
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


_LANG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")


def _attribute_filter(element: str, attribute: str, value: str):
    if attribute == "lang" and value and not _LANG.fullmatch(value):  # EPUBCheck: an RFC 3066 tag or ""
        return None
    if attribute == "dir" and value.lower() not in ("ltr", "rtl", "auto"):
        return None
    if attribute in ("width", "height", "colspan", "rowspan"):  # XHTML wants a non-negative integer:
        return value.strip() if value.strip().isdigit() else None  # "#top", "50%", "auto" fail RSC-005
    if attribute == "src" and value.lower().startswith("data:") and not re.match(
            r"^data:image/(png|jpe?g|gif|webp|svg\+xml)[;,]", value, re.I):
        return None
    if attribute == "href" and value.lower().startswith("data:"):
        return None
    return value


def run(chapter, ctx) -> None:
    body = chapter.body
    before = body.decode_contents()
    for tag in tags(body):  # say what the allowlist is about to drop, with its text
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
    for img in tags(body, ("img",)):
        if not (img.get("src") or "").strip():
            log(chapter, RULE, "image without a usable source removed", img, img.get("alt", ""))
            img.decompose()
    _content_model(chapter, body)
    _unique_ids(chapter, body)


# HTML's content model, as far as EPUBCheck enforces it on what the allowlist lets through
PHRASING_ONLY = {"abbr", "b", "bdi", "bdo", "cite", "code", "dfn", "em", "h1", "h2", "h3", "h4", "h5", "h6", "i",
                 "kbd", "mark", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span", "strong", "sub",
                 "sup", "time", "u", "var", "dt", "summary"}
TRANSPARENT = {"a", "ins", "del"}
FLOW_ONLY = {"aside", "blockquote", "details", "div", "dl", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
             "header", "hr", "ol", "p", "pre", "section", "table", "ul", "figcaption", "li", "dd", "dt", "summary",
             "caption", "colgroup", "col", "thead", "tbody", "tfoot", "tr", "td", "th"}
PARENTS = {"li": {"ul", "ol"}, "dt": {"dl", "div"}, "dd": {"dl", "div"}, "figcaption": {"figure"},
           "summary": {"details"}, "caption": {"table"}, "colgroup": {"table"}, "thead": {"table"},
           "tbody": {"table"}, "tfoot": {"table"}, "tr": {"table", "thead", "tbody", "tfoot"}, "td": {"tr"},
           "th": {"tr"}, "col": {"colgroup", "table"}, "rt": {"ruby"}, "rp": {"ruby"}}
CHILDREN = {"ul": ("li", {"li"}), "ol": ("li", {"li"}), "dl": ("dd", {"dt", "dd", "div"}),
            "tr": ("td", {"td", "th"}), "table": (None, {"caption", "colgroup", "thead", "tbody", "tfoot", "tr"}),
            "thead": (None, {"tr"}), "tbody": (None, {"tr"}), "tfoot": (None, {"tr"}), "colgroup": (None, {"col"})}


def _content_model(chapter, body) -> None:
    """Repair what the parser and the allowlist leave that EPUB's content model forbids: blocks
    inside phrasing elements (unwrapped), list/table/definition parts outside their parents
    (unwrapped) or stray children inside them (wrapped, or moved before a table), links inside
    links, headers and footers inside headers and footers, `<details>` without its `<summary>` first. Logged once per kind, with the line."""
    from bs4 import NavigableString, Tag

    done: set[str] = set()

    def note(what: str, tag) -> None:
        if what not in done:
            done.add(what)
            log(chapter, RULE, f"markup repaired for EPUB's content rules: {what}", tag, "")

    for _ in range(8):  # each pass can expose the next level; real markup needs one or two
        changed = False
        for tag in tags(body):
            if tag.parent is None:  # (a decomposed tag has no parent either)
                continue
            parent = tag.parent
            anc = parent
            while anc is not None and anc.name in TRANSPARENT:
                anc = anc.parent
            if tag.name == "a" and ancestor(tag, ("a",)) is not None:
                note("a link inside a link unwrapped", tag)
                tag.unwrap()
            elif tag.name == "ruby" and not _ruby_complete(tag):
                note("<ruby> without base text and its <rt> unwrapped", tag)
                tag.unwrap()
            elif tag.name in ("header", "footer") and ancestor(tag, ("header", "footer")) is not None:
                note(f"<{tag.name}> inside a header or footer unwrapped", tag)
                tag.unwrap()
            elif tag.name in FLOW_ONLY and anc is not None and anc.name in PHRASING_ONLY:
                note(f"<{tag.name}> inside <{anc.name}> unwrapped", tag)
                tag.unwrap()
            elif tag.name in PARENTS and parent.name not in PARENTS[tag.name]:
                note(f"<{tag.name}> outside <{'/'.join(sorted(PARENTS[tag.name]))}> unwrapped", tag)
                tag.unwrap()
            elif tag.name == "details" and (first_child(tag) is None or first_child(tag).name != "summary"):
                note("<details> without a <summary> first made a <div>", tag)
                tag.name = "div"
                tag.attrs.pop("open", None)
            elif tag.name in CHILDREN:
                wrapper, allowed = CHILDREN[tag.name]
                for child in list(tag.children):
                    if isinstance(child, NavigableString) and not child.strip():
                        continue
                    if isinstance(child, Tag) and child.name in allowed:
                        continue
                    note(f"stray content inside <{tag.name}> {'wrapped' if wrapper else 'moved before it'}", tag)
                    if wrapper:
                        child.wrap(chapter.dom.new_tag(wrapper))
                    else:
                        table = tag if tag.name == "table" else ancestor(tag, ("table",)) or tag
                        table.insert_before(child.extract())
                    changed = True
                continue
            else:
                continue
            changed = True
        if not changed:
            break


def _ruby_complete(ruby) -> bool:
    """Base text first and an annotation (`<rt>`, `<rp>`) last, as HTML's content model asks."""
    from bs4 import NavigableString

    parts = [c for c in ruby.children if not (isinstance(c, NavigableString) and not c.strip())]
    return bool(parts) and getattr(parts[0], "name", None) not in ("rt", "rp") and \
        getattr(parts[-1], "name", None) in ("rt", "rp")


def _unique_ids(chapter, body) -> None:
    seen: set[str] = set()
    for tag in having(body, "id"):
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
