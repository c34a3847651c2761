"""Highlight: code blocks coloured with Pygments.

The language comes from the fence (`language-py`); without one it is guessed from the code, and
the guess is logged. Highlighting is class-based (`.hl .k`, …); the CSS comes from
`pipeline.layout.pygments_css()`. Text is unchanged: only `<span>`s are added.
"""
from __future__ import annotations

from bs4 import BeautifulSoup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name, guess_lexer
from pygments.util import ClassNotFound

FORMATTER = HtmlFormatter(nowrap=True, classprefix="")
MAX_CODE = 200_000  # characters; longer blocks stay plain


def _lexer(code_tag, text: str, chapter):
    for cls in code_tag.get("class", []) or []:
        if cls.startswith("language-"):
            name = cls[len("language-"):]
            try:
                return get_lexer_by_name(name)
            except ClassNotFound:
                chapter.log("info", "highlight.unknown", f"unknown code language '{name}', not highlighted", code_tag)
                return None
    if len(text) < 40:
        return None
    try:
        lexer = guess_lexer(text)
    except ClassNotFound:
        return None
    if lexer.name in ("Text only", "Text output") or getattr(lexer, "analyse_text", None) is None:
        return None
    chapter.log("info", "highlight.guess", f"code language guessed: {lexer.name}", code_tag)
    return lexer


def run(chapter, ctx) -> None:
    for pre in chapter.body.find_all("pre"):
        code = pre.find("code") or pre
        text = code.get_text()
        if not text.strip() or len(text) > MAX_CODE:
            continue
        lexer = _lexer(code, text, chapter)
        if lexer is None:
            continue
        html = highlight(text, lexer, FORMATTER)
        frag = BeautifulSoup(f"<code>{html}</code>", "lxml").code
        code.clear()
        for child in list(frag.contents):
            code.append(child.extract())
        if code.get_text().rstrip("\n") != text.rstrip("\n"):  # never change the author's code
            code.clear()
            code.string = text
            continue
        pre["class"] = list(dict.fromkeys((pre.get("class") or []) + ["hl"]))
        if code is not pre:
            code["data-lang"] = lexer.aliases[0] if lexer.aliases else lexer.name
