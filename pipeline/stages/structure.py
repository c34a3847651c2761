"""Structure: the chapter's title, a continuous outline with stable ids, and notes.

- The title falls back to the file name when no earlier stage found one.
- Every id in the chapter is prefixed with the chapter id (`ch001-`), and links to it follow, so
  ids stay unique when all chapters share one document (the PDF).
- h2-h4 get ids (`ch001-s3`) and are collected into `chapter.headings` for the TOC and outline.
- A reference to one of the chapter's figures in the text ("如图 2.1 所示", "see Figure 2.1") links
  to the figure.
- Link targets are made valid URLs (stray spaces and a second '#' escaped).
- Footnotes (markdown-it's `section.footnotes`) become EPUB 3 notes: `epub:type="noteref"` on the
  references and `<aside epub:type="footnote" role="doc-footnote">` for each note.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

from ..tree import classed, first, having, strings, tags

# characters allowed unescaped in a URL (RFC 3986), '%' kept so escapes are not escaped twice
_URL_SAFE = "/:@!$&'()*+,;=?%~-._" + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


def _title(chapter) -> None:
    if not chapter.meta.get("title"):
        stem = Path(chapter.rel).stem
        chapter.meta["title"] = stem.replace("-", " ").replace("_", " ").strip() or f"Chapter {chapter.number}"


def _prefix_ids(chapter) -> None:
    prefix = f"{chapter.id}-"
    renamed: dict[str, str] = {}
    seen: set[str] = set()
    for tag in having(chapter.body, "id"):
        old = tag["id"]
        new = prefix + old if not old.startswith(prefix) else old
        while new in seen:
            new += "x"
        seen.add(new)
        renamed.setdefault(old, new)
        tag["id"] = new
    for a in having(chapter.body, "href", ("a",)):
        href = a["href"]
        if href.startswith("#") and href[1:] in renamed:
            a["href"] = "#" + renamed[href[1:]]
        elif href.startswith("#"):  # an anchor the chapter does not have: EPUBCheck refuses the link
            chapter.log("warning", "structure.links", f"link to a missing anchor {href[:60]} removed, its text kept", a)
            a.unwrap()
    for figure in chapter.figures:
        figure.id = renamed.get(figure.id, figure.id)
        if figure.credit is not None:
            figure.credit.figure_id = figure.id
            figure.credit.chapter_id = chapter.id


def _headings(chapter) -> None:
    chapter.headings = []
    n = 0
    for h in tags(chapter.body, ("h2", "h3", "h4")):
        n += 1
        if not h.get("id"):
            h["id"] = f"{chapter.id}-s{n}"
        text = h.get_text(" ", strip=True)
        if text:
            chapter.headings.append({"level": int(h.name[1]), "id": h["id"], "text": text})


def _notes(chapter) -> None:
    dom = chapter.dom
    for sup in classed(chapter.body, "footnote-ref", ("sup",)):
        a = first(sup, ("a",))
        if a is not None:
            a["epub:type"] = "noteref"
            a["role"] = "doc-noteref"
    for section in classed(chapter.body, "footnotes", ("section",)):
        notes = dom.new_tag("section", attrs={"class": "footnotes", "epub:type": "footnotes"})
        for li in classed(section, "footnote-item", ("li",)):
            aside = dom.new_tag("aside", attrs={"id": li.get("id", ""), "class": "footnote",
                                                "epub:type": "footnote", "role": "doc-footnote"})
            for back in classed(li, "footnote-backref", ("a",)):
                back["role"] = "doc-backlink"
                back["aria-label"] = "↩"
            for child in list(li.contents):
                aside.append(child.extract())
            notes.append(aside)
        section.replace_with(notes)


def valid_url(url: str) -> str:
    """A URL a strict reader accepts: spaces, a second '#' and other stray characters escaped."""
    url = url.strip()
    base, sep, fragment = url.partition("#")
    out = quote(base, safe=_URL_SAFE + "[]")
    if sep:
        out += "#" + quote(fragment, safe=_URL_SAFE)
    return out


def _links(chapter) -> None:
    for a in having(chapter.body, "href", ("a",)):
        fixed = valid_url(a["href"])
        if fixed != a["href"]:
            a["href"] = fixed


_FIGURE_REF = re.compile(r"(图|Figure|Fig\.)\s?(\d+)\.(\d+)")
_NO_REFS = {"a", "figcaption", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "script", "style"}


def _figure_refs(chapter) -> None:
    """"如图 2.1 所示" / "see Figure 2.1": a reference to a figure of this chapter links to it."""
    targets = {(chapter.number, f.number): f.id for f in chapter.figures if f.id}
    if not targets:
        return
    for node in [s for s in strings(chapter.body) if _FIGURE_REF.search(s)]:
        if any(p.name in _NO_REFS for p in node.parents):
            continue
        text, pieces, last = str(node), [], 0
        for m in _FIGURE_REF.finditer(text):
            target = targets.get((int(m.group(2)), int(m.group(3))))
            if target is None:
                continue
            pieces.append(text[last:m.start()])
            link = chapter.dom.new_tag("a", href=f"#{target}", attrs={"class": "figure-ref"})
            link.string = m.group(0)
            pieces.append(link)
            last = m.end()
        if not pieces:
            continue
        pieces.append(text[last:])
        for piece in pieces:
            node.insert_before(piece)
        node.extract()


def run(chapter, ctx) -> None:
    _title(chapter)
    _links(chapter)
    _prefix_ids(chapter)
    _headings(chapter)
    _notes(chapter)
    _figure_refs(chapter)
