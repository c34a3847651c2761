"""Type names in angle brackets are text, not HTML: `List<Integer>`, `Optional<Data>`, `Box<U>`.

CommonMark passes `<Data>` through as raw HTML, and the HTML parser then makes it an element:
`<address>`, `<section>`, `<table>` or `<header>` close the paragraph and swallow what follows,
`<data>`, `<time>`, `<u>` or `<b>` are kept as markup and their spelling is gone; an unknown name
(`<Integer>`) becomes an element the clean stage has to turn back into text.

An author writing HTML spells a tag in lower case (`<b>`, `<data>`); a type name starts with a
capital: `Integer`, `ImmutableList`, or a one-letter type parameter (`T`, `U`, `B`). So an inline
HTML token that is only such a name between brackets, open (`<Data>`) or closing (`</Data>`), with
no attribute, becomes a text token: the reader sees exactly what the author typed (a closer of a
name opened as real HTML in the same paragraph, `<Span class=…>…</Span>`, stays HTML). Names written in
capitals only (`<BR>`, `<TD>`: old HTML) and anything with attributes stay HTML. Each change is
logged as `load.type-name` with its line.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

from .markdown_repair import NOTES

RULE = "type-name"
MESSAGE = "a type name in angle brackets read as text, not as an HTML tag"
OPEN_TAG = re.compile(r"<(?P<name>[A-Za-z][A-Za-z0-9-]*)")
TYPE_TAG = re.compile(r"</?(?P<name>[A-Z](?:[A-Za-z0-9_]*[a-z][A-Za-z0-9_]*)?)\s*>")


def _type_names_as_text(state) -> None:
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] + 1 if token.map else None
        found = []
        open_html: set[str] = set()  # names opened as real HTML here (<Span class="x">): their closers stay
        for child in token.children:
            if child.type != "html_inline":
                continue
            m = TYPE_TAG.fullmatch(child.content)
            if m and not (child.content.startswith("</") and m["name"].lower() in open_html):
                child.type = "text"
                found.append(child.content)
            elif (opened := OPEN_TAG.match(child.content)) is not None:
                open_html.add(opened["name"].lower())
        if found:
            state.env.setdefault(NOTES, []).append((RULE, MESSAGE, line, " ".join(found)))


def type_names(md: MarkdownIt) -> None:
    """markdown-it plugin: after the inline rules, type names in angle brackets become text."""
    md.core.ruler.after("inline", "type_names", _type_names_as_text)
