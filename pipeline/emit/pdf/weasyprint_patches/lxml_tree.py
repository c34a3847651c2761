"""A part's HTML handed to WeasyPrint as a tree parsed by lxml (libxml2, in C) instead of by
tinyhtml5, WeasyPrint 70's HTML5 parser in pure Python: its tokenizer reads a character at a time,
5% of a book's PDF time (50 articles: 2.4 s of CPU against 0.2 s).

The tree is the one tinyhtml5 builds from the same text: the parts are our own serialization
(BeautifulSoup's, of a tree lxml parsed), and the few places where HTML5 tree building differs
from lxml's are made the same here: the `<head>` it always has, the white space before `<head>`
it drops and that after `</body>` it keeps in the body, the newline it drops after `<pre>`, and the `<tbody>` it puts around rows
written straight into a table. A document where HTML5's rules go further (SVG or MathML, whose
names HTML5 spells in their own case and namespace; a `<template>`; a table holding anything but
its sections and rows) is left to tinyhtml5. `tests/test_pdf_tree.py` compares the two
trees on the default book's parts and on such edge cases.
Written for WeasyPrint 70.0 (`engine_versions.SUPPORTED`): used only there and while the patches
are on (`install()`); otherwise `document()` is `HTML(string=...)`.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ....engine_versions import written_for

PACKAGE = "weasyprint"
_state: dict = {"on": False}
FOREIGN = {"svg", "math", "template"}
NEWLINE_DROPPED = {"pre", "listing", "textarea"}  # HTML5 drops a newline straight after their start tag
TABLE_CHILDREN = {"caption", "colgroup", "thead", "tbody", "tfoot", "tr"}


class Unusual(Exception):
    """A document whose tree HTML5 would build differently: tinyhtml5 parses it."""


def _copy(el) -> ET.Element:
    """`el` (lxml) and what it holds as an ElementTree element; a table's loose rows in a tbody."""
    tag = el.tag
    if not isinstance(tag, str):
        if tag.__name__ != "Comment":  # a processing instruction, an entity
            raise Unusual(tag.__name__)
        out = ET.Comment(el.text)
        out.tail = el.tail
        return out
    if tag in FOREIGN:
        raise Unusual(tag)
    out = ET.Element(tag, dict(el.attrib))
    out.text = el.text
    if tag in NEWLINE_DROPPED and out.text and out.text.startswith("\n"):
        out.text = out.text[1:] or None
    if tag == "table":
        if (el.text or "").strip():
            raise Unusual("text in a table")
        body = None
        for child in el:
            if not isinstance(child.tag, str) or child.tag not in TABLE_CHILDREN or (child.tail or "").strip():
                raise Unusual("table content")
            if child.tag == "tr":
                if body is None:
                    body = ET.SubElement(out, "tbody")
                body.append(_copy(child))
            else:
                body = None
                out.append(_copy(child))
    else:
        for child in el:
            out.append(_copy(child))
    out.tail = el.tail
    return out


def tree(html: str) -> ET.Element:
    """The `<html>` element tinyhtml5 makes of `html` (`namespace_html_elements=False`), or Unusual."""
    import lxml.etree

    parser = lxml.etree.HTMLParser(encoding="utf-8", huge_tree=True)
    source = lxml.etree.fromstring(html.encode("utf-8"), parser)
    if source is None or source.tag != "html":
        raise Unusual("no html element")
    root = _copy(source)
    root.text = None  # white space before <head>: dropped
    after = root.tail or ""
    stripped = html.rstrip()
    if not after and stripped[-7:].lower() == "</html>":  # lxml drops the white space after </html>
        after = html[len(stripped):]
    root.tail = None
    if root.find("head") is None:
        root.insert(0, ET.Element("head"))
    body = root.find("body")
    if body is None:
        raise Unusual("no body")
    after = (body.tail or "") + after  # white space after </body>, </html>: the body's
    body.tail = None
    if after.strip():
        raise Unusual("text after the body")
    if after:
        if len(body):
            body[-1].tail = (body[-1].tail or "") + after
        else:
            body.text = (body.text or "") + after
    return root


def document(html: str, base_url: str, url_fetcher):
    """`weasyprint.HTML(string=html, base_url=..., url_fetcher=...)`, parsed by lxml where it can."""
    import weasyprint

    if not _state["on"]:
        return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=url_fetcher)
    try:
        root = tree(html)
    except Unusual:
        return weasyprint.HTML(string=html, base_url=base_url, url_fetcher=url_fetcher)
    import cssselect2
    from weasyprint import _find_base_url

    doc = weasyprint.HTML.__new__(weasyprint.HTML)  # as HTML.__init__ sets it up after parsing
    doc.base_url = _find_base_url(root, base_url)
    doc.url_fetcher = url_fetcher
    doc.media_type = "print"
    doc.wrapper_element = cssselect2.ElementWrapper.from_html_root(root, content_language=None)
    doc.etree_element = doc.wrapper_element.etree_element
    return doc


def install(cache_folder=None) -> bool:
    """`document()` parses with lxml from now on (where WeasyPrint is a version this was written for)."""
    _state["on"] = written_for(PACKAGE)
    return _state["on"]


def uninstall() -> None:
    """`document()` is `weasyprint.HTML(string=...)` again."""
    _state["on"] = False
