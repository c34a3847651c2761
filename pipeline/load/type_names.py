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
capitals only (`<BR>`, `<TD>`: old HTML) and anything with attributes stay HTML.

A converter that lower-cased the names (`List <address>`, `Optional <section>`) leaves names of
elements that end a paragraph, or of elements that mean nothing without an attribute (`<data>`,
`<time>`): written bare inside a paragraph, they are text too (`<b>`, `<code>` cannot be told from
markup and stay); the closers the converter's parser stacked at the end of the paragraph
(`。</section></address>`) are removed. Each change is logged as `load.type-name` with its line.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

from .markdown_repair import NOTES

RULE = "type-name"
MESSAGE = "a type name in angle brackets read as text, not as an HTML tag"
STACKED = "closing tags a converter stacked at the end of the paragraph removed (its repair of pseudo-tags)"
OPEN_TAG = re.compile(r"<(?P<name>[A-Za-z][A-Za-z0-9-]*)")
TYPE_TAG = re.compile(r"</?(?P<name>[A-Z](?:[A-Za-z0-9_]*[a-z][A-Za-z0-9_]*)?)\s*>")
BARE_TAG = re.compile(r"</?(?P<name>[a-z][a-z0-9]*)\s*>")
# elements the HTML parser lets close a paragraph: written bare inside one (`List <address>`), they are
# a converter's lower-cased type name, never markup that could stand there
PARAGRAPH_BREAKERS = frozenset("""address article aside blockquote center details dialog dir div dl fieldset
figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup main menu nav ol pre search section table
ul""".split())
# inline elements that show nothing of their own and need an attribute to mean anything (`<data value>`,
# `<time datetime>`): written bare in a paragraph, they are a type name too (`List <data>`)
MEANINGLESS_BARE = frozenset("data time slot template meter progress canvas output".split())
BARE_TEXT = PARAGRAPH_BREAKERS | MEANINGLESS_BARE
CLOSING_MARKUP = frozenset({"strong_close", "em_close", "s_close", "softbreak"})


def _as_text(child, open_html: set[str]) -> bool:
    """Is this inline HTML token a type name (or a bare paragraph breaker) the author meant as text?"""
    closing = child.content.startswith("</")
    m = TYPE_TAG.fullmatch(child.content)
    if m:
        return not (closing and m["name"].lower() in open_html)
    m = BARE_TAG.fullmatch(child.content)
    return bool(m and m["name"] in BARE_TEXT and not (closing and m["name"] in open_html))


def _stacked_closers(children, opened: set[str]) -> list:
    """The bare closers at the very end of the paragraph, after its last words (`。</section></address>`),
    of names opened as text before: the converter's HTML parser added them; nobody wrote them."""
    out = []
    for child in reversed(children):
        if child.type == "text" and not child.content.strip() or child.type in CLOSING_MARKUP:
            continue
        if child.type == "html_inline" and child.content.startswith("</"):
            continue  # a converter's closer of another pseudo-tag (</integer>): the clean stage's
        m = BARE_TAG.fullmatch(child.content) if child.type == "text" else None
        if m and child.content.startswith("</") and m["name"] in opened:
            out.append(child)
            continue
        break
    return out


def _type_names_as_text(state) -> None:
    for token in state.tokens:
        if token.type != "inline" or not token.children:
            continue
        line = token.map[0] + 1 if token.map else None
        found: list[str] = []
        opened: set[str] = set()  # bare names made text here, opening
        open_html: set[str] = set()  # names opened as real HTML here (<Span class="x">): their closers stay
        for child in token.children:
            if child.type != "html_inline":
                continue
            if _as_text(child, open_html):
                child.type = "text"
                found.append(child.content)
                if not child.content.startswith("</"):
                    opened.add(child.content.strip("<>").strip())
            elif (m := OPEN_TAG.match(child.content)) is not None:
                open_html.add(m["name"].lower())
        stacked = _stacked_closers(token.children, opened)
        for child in stacked:
            token.children.remove(child)
            found.remove(child.content)
        if found:
            state.env.setdefault(NOTES, []).append((RULE, MESSAGE, line, " ".join(found)))
        if stacked:
            state.env.setdefault(NOTES, []).append((RULE, STACKED, line, "".join(c.content for c in reversed(stacked))))


def type_names(md: MarkdownIt) -> None:
    """markdown-it plugin: after the inline rules, type names in angle brackets become text."""
    md.core.ruler.after("inline", "type_names", _type_names_as_text)
