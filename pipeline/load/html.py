"""HTML -> Chapter (generic HTML and Medium's export). The head gives metadata (title, language,
author, canonical link); the body, or its `<article>`, becomes the chapter's DOM. Elements keep
`data-src-line` from the parser's source positions."""
from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from ..model import Chapter, PressroomError

BLOCKS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "figure", "img", "pre", "blockquote", "ul", "ol",
          "li", "table", "section", "div", "hr", "header", "footer", "script", "iframe", "dl", "style",
          "form", "nav", "aside", "article", "main", "details", "svg", "math", "video", "audio", "object",
          "embed", "canvas", "noscript", "template"}


def load_html(text: str, path: Path, rel: str, number: int) -> Chapter:
    try:
        src = BeautifulSoup(text, "html.parser")
    except RecursionError:
        raise PressroomError("markup is nested too deeply to read; simplify the nesting", rel) from None
    except Exception as e:  # html.parser gives up on some malformed declarations
        raise PressroomError(f"malformed HTML ({e}); fix the markup", rel) from None
    for tag in src.find_all(True):
        if tag.name in BLOCKS and getattr(tag, "sourceline", None):
            tag["data-src-line"] = str(tag.sourceline)
    meta: dict = {}
    if src.title and src.title.get_text(strip=True):
        meta["title"] = src.title.get_text(" ", strip=True)
    author = src.find("meta", attrs={"name": "author"})
    if author and author.get("content"):
        meta["author"] = author["content"].strip()
    canonical = src.find("link", rel="canonical")
    if canonical and canonical.get("href"):
        meta["original_url"] = canonical["href"].strip()
    html_tag = src.find("html")
    lang = (html_tag.get("lang", "") if html_tag else "").strip()
    if lang and not re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*", lang):
        lang = ""  # not a language tag (EPUBCheck refuses it): the book's language applies
    root = src.find("article") or src.body or src
    for bad in root.find_all(["head", "title", "meta", "link"]):
        bad.decompose()
    dom = BeautifulSoup("<html><body></body></html>", "lxml")
    body = dom.body
    for child in list(root.contents):
        body.append(child.extract())
    # re-parse with lxml so every stage sees one tree model, whatever the input was
    dom = BeautifulSoup(str(dom), "lxml")
    chapter = Chapter(source_path=path, rel=rel, number=number, dom=dom, meta=meta)
    chapter.lang = lang
    return chapter
