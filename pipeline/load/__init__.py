"""Load: an article file -> a `Chapter` whose DOM carries each block's source line.

Bytes are checked and decoded here (UTF-8, else a detected encoding, else a clear refusal), so
every loader gets text. What a hostile or broken article could do to later stages is stopped here
too, each time with the file and line: an article larger than `MAX_ARTICLE_BYTES` (a chapter
that size would take many minutes and gigabytes to lay out), markup nested deeper than
`MAX_DEPTH` (WeasyPrint and the tree walkers recurse), and characters XML cannot carry (control
characters, also as `&#1;` references, and lone surrogates), which are removed with a warning.
"""
from __future__ import annotations

from pathlib import Path

from bs4 import NavigableString, Tag

from ..math.mathml import stash
from ..model import Chapter, PressroomError, source_line
from .decode import decode, scrub, strip_controls
from .html import load_html
from .markdown import load_markdown

MAX_ARTICLE_BYTES = 5_000_000  # 100 times the longest article of the corpus
MAX_DEPTH = 100  # elements inside <body>; WeasyPrint 70 overflows Python's stack near 150


def load_chapter(path: Path, rel: str, number: int) -> Chapter:
    """Read one article (Markdown or HTML) into a Chapter."""
    size = path.stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise PressroomError(f"article is {size / 1_000_000:.1f} MB, more than the {MAX_ARTICLE_BYTES // 1_000_000} MB "
                             "an article may have; split it into chapters", rel)
    text, removed, line, code = strip_controls(decode(path.read_bytes(), rel))
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        chapter = load_html(text, path, rel, number)
    else:
        chapter = load_markdown(text, path, rel, number)
    chapter.meta = {k: scrub(v) if isinstance(v, str) else v for k, v in chapter.meta.items()}  # <title>&#1;
    if removed:
        chapter.log("warning", "load.characters", f"{removed} control or invalid character(s) removed "
                    f"(the first, {code}, here); XML cannot carry them", line=line)
    _check_tree(chapter)
    if chapter.dom.body is not None:  # the article's MathML, as text for the math stage (math/mathml.py)
        for math in chapter.dom.body.find_all("math"):
            math.replace_with(stash(math, chapter))
    return chapter


def _check_tree(chapter: Chapter) -> None:
    """Refuse markup nested deeper than MAX_DEPTH; remove XML-invalid characters that character
    references (`&#1;`) put into the text or attribute values. One pass, no recursion."""
    body = chapter.dom.body
    if body is None:
        return
    stack: list[tuple[Tag, int]] = [(body, 0)]
    first_bad = None
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise PressroomError(f"markup is nested more than {MAX_DEPTH} levels deep; simplify the nesting",
                                 chapter.rel, source_line(node))
        for name, value in list(node.attrs.items()):
            if name == "data-src-line" and not (isinstance(value, str) and value.isdigit()):
                del node[name]  # our own attribute, written by the article's author: not a line number
            elif isinstance(value, str) and scrub(value) != value:
                node[name] = scrub(value)
                first_bad = first_bad or node
            elif isinstance(value, list) and any(scrub(v) != v for v in value):
                node[name] = [scrub(v) for v in value]
                first_bad = first_bad or node
        for child in list(node.contents):
            if isinstance(child, Tag):
                stack.append((child, depth + 1))
            elif isinstance(child, NavigableString) and scrub(child) != str(child):
                first_bad = first_bad or node
                child.replace_with(type(child)(scrub(child)))
    if first_bad is not None:
        chapter.log("warning", "load.characters", "control or invalid characters removed from the markup "
                    "(written as character references such as &#1;); XML cannot carry them", node=first_bad)
