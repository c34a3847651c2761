"""Highlight: code blocks coloured with Pygments.

The language comes from the fence (`language-py`). Without one it is guessed from the code, and
the guess is logged. Converters also tag every block of an article with one language (the 2025
Towards Data Science translations call shell, SQL and JSON `py`): a block fenced as Python that
is not Python and is plainly shell, SQL or JSON is highlighted as what it is, and that is logged
too. Highlighting is class-based (`.hl .k`, …); the CSS comes from
`pipeline.layout.pygments_css()`. Text is unchanged: only `<span>`s are added.

The spans are made from Pygments' tokens directly, as its HtmlFormatter(nowrap=True) would write
them (one span per run of a token class within a line, newlines outside spans): writing its HTML
and parsing it back cost more than everything else in this stage.
"""
from __future__ import annotations

import ast
import functools
import json
import re
import textwrap

from bs4 import NavigableString
from pygments.lexers import get_lexer_by_name, guess_lexer
from pygments.token import STANDARD_TYPES
from pygments.util import ClassNotFound

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


def _css_class(ttype) -> str:
    """HtmlFormatter's class for a token type (`_get_ttype_class`): its own, or its nearest
    standard ancestor's plus the rest of its name."""
    name = STANDARD_TYPES.get(ttype)
    if name:
        return name
    rest = ""
    while name is None:
        rest = "-" + ttype[-1] + rest
        ttype = ttype.parent
        name = STANDARD_TYPES.get(ttype)
    return name + rest


@functools.lru_cache(maxsize=None)
def _css_classes(ttype) -> str:
    """HtmlFormatter's `_get_css_classes` (class prefix ""): the classes of the type and of each
    ancestor up to a standard type, outermost first."""
    cls, t = _css_class(ttype), ttype
    while t not in STANDARD_TYPES:
        t = t.parent
        cls = _css_class(t) + " " + cls
    return cls


def _runs(tokens) -> list[tuple[str, str]]:
    """(classes, text) runs, as HtmlFormatter(nowrap=True) spans them: a token's lines are split at
    newlines, which stay outside any span; neighbours of one class on a line share a span;
    plain text ("" classes) is merged."""
    runs: list[list[str]] = []
    for ttype, value in tokens:
        cls = _css_classes(ttype)
        for i, part in enumerate(value.split("\n")):
            if i:
                if runs and runs[-1][0] == "":
                    runs[-1][1] += "\n"
                else:
                    runs.append(["", "\n"])
            if not part:
                continue
            if runs and runs[-1][0] == cls:  # (a span never holds a newline: it is on this line)
                runs[-1][1] += part
            else:
                runs.append([cls, part])
    return [(c, t) for c, t in runs]


def _spans(dom, tokens) -> list:
    out = []
    for cls, text in _runs(tokens):
        if cls:
            span = dom.new_tag("span", attrs={"class": cls.split()})
            span.append(NavigableString(text))
            out.append(span)
        else:
            out.append(NavigableString(text))
    return out


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
        pieces = _spans(chapter.dom, lexer.get_tokens(text))
        if not text.endswith("\n") and pieces and isinstance(pieces[-1], NavigableString) \
                and pieces[-1].endswith("\n"):  # some lexers end every text with a newline
            pieces[-1:] = [NavigableString(pieces[-1][:-1])] if len(pieces[-1]) > 1 else []
        code.clear()
        for piece in pieces:
            code.append(piece)
        if code.get_text() != text:  # never change the author's code
            code.clear()
            code.string = text
            continue
        pre["class"] = list(dict.fromkeys((pre.get("class") or []) + ["hl"]))
        if code is not pre:
            code["data-lang"] = lexer.aliases[0] if lexer.aliases else lexer.name
