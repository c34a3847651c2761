"""Highlight: code blocks coloured with Pygments.

The language comes from the fence (`language-py`). Without one it is guessed from the code, and
the guess is logged. Converters also tag every block of an article with one language (the 2025
Towards Data Science translations call shell, SQL and JSON `py`): a block fenced as Python that
is not Python and is plainly shell, SQL or JSON is highlighted as what it is, and that is logged
too. Highlighting is class-based (`.hl .k`, …); the CSS comes from
`pipeline.layout.pygments_css()`. Text is unchanged: only `<span>`s are added.
"""
from __future__ import annotations

import ast
import json
import re
import textwrap

from bs4 import BeautifulSoup
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name, guess_lexer
from pygments.util import ClassNotFound

FORMATTER = HtmlFormatter(nowrap=True, classprefix="")
MAX_CODE = 200_000  # characters; longer blocks stay plain
PYTHON = {"py", "python", "python3", "py3"}
SHELL = re.compile(r"^\s*(\$ |# )?(pip3?|conda|git|cd|ls|mkdir|rm|cp|mv|export|sudo|apt(-get)?|brew|docker|"
                   r"kubectl|curl|wget|npm|npx|yarn|uv|poetry|python3? -m|chmod|source|echo|cat|java|mvn|"
                   r"gradle|gcloud|aws|az)\b", re.M)
JAVA = re.compile(r"\b(public|private|protected)\s+(static\s+)?(final\s+)?(class|interface|void|[A-Z]\w*(<[^>]*>)?)\s|"
                  r"System\.out\.print|^\s*import\s+(java|javax|org|com)\.[\w.]+;", re.M)
SQL = re.compile(r"^\s*(SELECT|WITH|INSERT|UPDATE|DELETE|CREATE|ALTER|DROP)\b[\s\S]*\b(FROM|TABLE|INTO|SET|AS)\b",
                 re.I)


def _is_python(text: str) -> bool:
    code = textwrap.dedent(text)
    if re.search(r"^\s*(>>>|In \[\d+\]:)", code, re.M):
        return True  # a session: Pygments' Python lexer copes
    try:
        ast.parse(code)
        return True
    except (SyntaxError, ValueError):
        return False


def _really(text: str) -> str | None:
    """What a block that claims to be Python but is not really is, when that is plain."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")]
    if lines and all(SHELL.match(ln) or ln.rstrip().endswith("\\") or ln.startswith((" ", "\t")) for ln in lines) \
            and SHELL.match(lines[0]):
        return "bash"
    if SQL.match(text):
        return "sql"
    if JAVA.search(text):
        return "java"
    try:
        json.loads(text)
        return "json"
    except ValueError:
        return None


def _lexer(code_tag, text: str, chapter):
    for cls in code_tag.get("class", []) or []:
        if cls.startswith("language-"):
            name = cls[len("language-"):]
            if name.lower() in PYTHON and not _is_python(text):
                other = _really(text)
                if other:
                    chapter.log("info", "highlight.corrected",
                                f"code fenced as '{name}' is {other}: highlighted as {other}", code_tag)
                    return get_lexer_by_name(other)
            try:
                return get_lexer_by_name(name)
            except ClassNotFound:
                chapter.log("info", "highlight.unknown", f"unknown code language '{name}', not highlighted", code_tag)
                return None
    if len(text) < 40:
        return None
    python_like = re.search(r"^\s*(def|class|import|from|for|if|while|with|return|print)\b|\w+\s*=[^=]|\w\(", text, re.M)
    other = "python" if python_like and _is_python(text) else _really(text)
    if other:
        chapter.log("info", "highlight.guess", f"code language guessed: {other}", code_tag)
        return get_lexer_by_name(other)
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
        lexer.stripnl = lexer.ensurenl = False  # the author's newlines, no more, no fewer
        html = highlight(text, lexer, FORMATTER)
        frag = BeautifulSoup(f"<pre>{html}</pre>", "html.parser").pre  # kept: blank text between tags
        if not text.endswith("\n"):  # some lexers end every text with a newline
            last = frag.find_all(string=True)[-1:]
            if last and last[0].endswith("\n"):
                last[0].replace_with(last[0][:-1])
        code.clear()
        for child in list(frag.contents):
            code.append(child.extract())
        if code.get_text() != text:  # never change the author's code
            code.clear()
            code.string = text
            continue
        pre["class"] = list(dict.fromkeys((pre.get("class") or []) + ["hl"]))
        if code is not pre:
            code["data-lang"] = lexer.aliases[0] if lexer.aliases else lexer.name
