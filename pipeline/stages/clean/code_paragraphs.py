"""Code paragraphs: a code block a converter exported as a paragraph of hard-broken lines
(Medium-to-Markdown tools write `\\# Create a list…  ` / `dictlist = \\[\\]  ` with two trailing
spaces), which the reader would see as prose with `#` comments, becomes a code block again.

A paragraph qualifies when it holds only text and line breaks (no link, image or emphasis other
than a bold first line), has at least three lines, no Chinese, and two thirds of its lines look
like code (a `#` comment, a keyword at the start, an assignment, a call, a line ending in `:`,
a bracket). The lines are read back from the source file where they match, so the indentation
the paragraph lost comes back; Markdown's backslash escapes are undone. Consecutive such
paragraphs (a blank line inside the exported block splits it) become one block. Logged as
`clean.code-paragraphs`.
"""
from __future__ import annotations

import re

from bs4 import NavigableString, Tag

from ...model import source_line
from ...tree import ancestor, tags
from ._dom import copy_line, log, source_lines

RULE = "code-paragraphs"
MIN_LINES = 3
CODE_LINE = re.compile(
    r"^\s*(#|//|def |class |for |if |elif |else\s*:|while |return\b|import |from \S+ import |print\s*\(|try\s*:|"
    r"except\b|with |@\w|var |let |const |function |public |private |\}|\{)|"
    r"\w\s*(\+|-|\*|/)?=\s*\S|\w\.\w+\s*\(|\w\s*\(.*\)\s*;?\s*$|:\s*$|[\[\]{}();]\s*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_ALLOWED = frozenset({"br", "strong", "b"})


def _lines(p: Tag) -> list[str] | None:
    """The paragraph's lines (split at <br>), or None when it holds anything but text and breaks."""
    lines, current = [], []
    for child in p.children:
        if isinstance(child, NavigableString):
            current.append(str(child))
        elif isinstance(child, Tag) and child.name == "br":
            lines.append("".join(current))
            current = []
        elif isinstance(child, Tag) and child.name in _ALLOWED and not lines and not child.find(True):
            current.append(child.get_text())  # a bold first line: "[EMAIL]" before the code
        else:
            return None
    lines.append("".join(current))
    return [line.strip("\n") for line in lines]


def _is_code(lines: list[str]) -> bool:
    filled = [line for line in lines if line.strip()]
    if len(filled) < MIN_LINES or any(_CJK.search(line) for line in filled):
        return False
    return sum(1 for line in filled if CODE_LINE.search(line)) * 3 >= len(filled) * 2


def _from_source(p: Tag, lines: list[str], source: list[str]) -> list[str]:
    """The lines as the source wrote them (indentation kept), where they match the paragraph's."""
    start = source_line(p)
    if not start or not source:
        return [line.strip() for line in lines]
    found, at = [], start - 1
    for line in lines:
        while at < len(source) and not source[at].strip():
            at += 1
        raw = _ESCAPE.sub(r"\1", source[at].rstrip()) if at < len(source) else ""
        if raw.strip().replace("*", "") == line.strip().replace("*", "") and raw.strip():
            found.append(raw.replace("\u00a0", " ").replace("**", "") if raw.lstrip().startswith("**") else
                         raw.replace("\u00a0", " "))
            at += 1
        else:
            found.append(line.strip())
    return found


def run(chapter, ctx) -> None:
    body = chapter.body
    source: list[str] | None = None
    previous: Tag | None = None
    for p in tags(body, ("p",)):
        if p.parent is None or ancestor(p, ("pre", "li", "table", "blockquote", "figure")) is not None:
            continue
        lines = _lines(p)
        if lines is None or not _is_code(lines):
            previous = None
            continue
        if source is None:
            source = source_lines(chapter)
        code_text = "\n".join(_from_source(p, lines, source)).strip("\n")
        log(chapter, RULE, "a paragraph of code lines made a code block again", p, code_text[:300])
        if previous is not None and previous.parent is not None and previous.find_next_sibling() is p:
            code = previous.find("code")
            code.string = str(code.string) + "\n\n" + code_text
            p.decompose()
            continue
        pre = chapter.dom.new_tag("pre")
        code = chapter.dom.new_tag("code")
        code.string = code_text
        pre.append(code)
        copy_line(p, pre)
        p.replace_with(pre)
        previous = pre
