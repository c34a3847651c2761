"""Medium's own export ("Download your information"): its header (title, subtitle), footer
(author, date, canonical link, "Exported from Medium on …"), the title repeated as
`h3.graf--title`, and the layout wrappers around each section. Metadata goes to `chapter.meta`;
section dividers become `<hr>` for the dividers rule."""
from __future__ import annotations

import re

from bs4 import Tag

from ...tree import value_matches
from ._dom import loose_text, remove, squash, text

RULE = "medium-export"
WRAPPERS = ("section-content", "section-inner")
EXPORT_CLASS = re.compile(r"^(graf|section--body|h-entry|p-canonical|e-content)")


def _is_medium_export(body) -> bool:
    """An element of one of Medium's export classes, or a `<section data-field>`."""
    return any(isinstance(d, Tag) and (value_matches(d.attrs.get("class"), EXPORT_CLASS)
                                       or d.name == "section" and d.attrs.get("data-field") is not None)
               for d in body.descendants)


def _same(a: str, b: str) -> bool:
    norm = lambda s: re.sub(r"\W+", "", squash(s).lower())  # noqa: E731
    return bool(norm(a)) and norm(a) == norm(b)


def run(chapter, ctx) -> None:
    body = chapter.body
    if not _is_medium_export(body):
        return
    meta = chapter.meta
    header = body.find("header")
    if header is not None:
        name = header.find(class_="p-name") or header.find(["h1", "h2"])
        if name is not None and text(name) and not meta.get("title"):
            meta["title"] = loose_text(name)
        remove(chapter, RULE, header, "Medium export header (title) moved to metadata")
    for field in ("subtitle", "description"):
        for sec in body.find_all("section", attrs={"data-field": field}):
            preview = loose_text(sec).endswith(("…", "..."))
            if text(sec) and not preview and field == "subtitle" and not meta.get("subtitle"):
                meta["subtitle"] = loose_text(sec)
                remove(chapter, RULE, sec, "Medium export subtitle moved to metadata")
            else:
                remove(chapter, RULE, sec, f"Medium export {field} (a preview of the opening) removed")
    footer = body.find("footer")
    if footer is not None:
        author = footer.find(class_="p-author")
        if author is not None and text(author):
            meta.setdefault("author", loose_text(author))
        when = footer.find("time", class_="dt-published")
        if when is not None:
            meta.setdefault("date", (when.get("datetime") or loose_text(when))[:10])
        canonical = footer.find("a", class_="p-canonical")
        if canonical is not None and canonical.get("href"):
            from .links import strip_tracking
            meta["original_url"] = strip_tracking(canonical["href"], ctx.config.clean)[0]
        remove(chapter, RULE, footer, "Medium export footer (author, date, canonical link) moved to metadata")
    for t in body.select(".graf--title"):
        if not meta.get("title"):
            meta["title"] = loose_text(t)
        if _same(text(t), meta.get("title", "")) or not text(t):
            remove(chapter, RULE, t, "title repeated at the top of the Medium article")
    for t in body.select(".graf--subtitle"):
        if t.find_previous(class_=re.compile("graf--(p|figure|blockquote|pre)")) is None:
            if text(t):  # the article's own subtitle wins over the export's summary
                meta["subtitle"] = loose_text(t)
            remove(chapter, RULE, t, "subtitle moved to metadata")
    _flatten(chapter, body)


def _flatten(chapter, body) -> None:
    """Unwrap Medium's layout containers so the article's blocks sit at the top of the body."""
    for div in body.find_all("div", class_="section-divider"):
        hr = chapter.dom.new_tag("hr")
        if div.get("data-src-line"):
            hr["data-src-line"] = div["data-src-line"]
        div.replace_with(hr)
    for sec in body.find_all("section", attrs={"data-field": "body"}):
        sec.unwrap()
    for sec in body.find_all("section", class_="section"):
        sec.unwrap()
    for div in body.find_all("div", class_=WRAPPERS):
        div.unwrap()
    referenced = {a["href"][1:] for a in body.find_all("a", href=re.compile(r"^#"))}
    for el in body.find_all(class_=re.compile(r"^(graf|markup--)")):
        classes = [c for c in el.get("class", []) if not c.startswith(("graf", "markup--"))]
        for medium_class, kept in (("graf--pullquote", "pullquote"), ("graf--mixtapeEmbed", "mixtapeEmbed"),
                                   ("markup--mixtapeEmbed-anchor", "mixtapeEmbed-anchor")):
            if medium_class in el.get("class", []):
                classes.append(kept)
        if classes:
            el["class"] = classes
        else:
            del el["class"]
        for attr in ("name", "data-href"):
            el.attrs.pop(attr, None)
        if el.get("id") and el["id"] not in referenced and re.fullmatch(r"[0-9a-f]{3,5}", el["id"]):
            del el["id"]
