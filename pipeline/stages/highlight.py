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

Each block's spans (and what was logged) are kept in the cache by its text, its fence and the
pipeline's version: a lexer compiles its rules the first time a process uses it (a tenth of a
second for Python's), and an edit to a chapter's prose then needs no lexer, nor Pygments.
"""
from __future__ import annotations

import ast
import functools
import hashlib
import json
import re
import textwrap
from pathlib import Path

from bs4 import NavigableString

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


def _lexer(classes: list[str], text: str, log):
    """The lexer for a block, or None; `log(rule, message)` records a correction or a guess."""
    from pygments.lexers import get_lexer_by_name, guess_lexer
    from pygments.util import ClassNotFound

    for cls in classes:
        if cls.startswith("language-"):
            name = cls[len("language-"):]
            if name.lower() in PYTHON and not _is_python(text):
                other = _really(text)
                if other:
                    log("highlight.corrected", f"code fenced as '{name}' is {other}: highlighted as {other}")
                    return get_lexer_by_name(other)
            try:
                return get_lexer_by_name(name)
            except ClassNotFound:
                log("highlight.unknown", f"unknown code language '{name}', not highlighted")
                return None
    if len(text) < 40:
        return None
    python_like = re.search(r"^\s*(def|class|import|from|for|if|while|with|return|print)\b|\w+\s*=[^=]|\w\(", text, re.M)
    other = "python" if python_like and _is_python(text) else _really(text)
    if other:
        log("highlight.guess", f"code language guessed: {other}")
        return get_lexer_by_name(other)
    try:
        lexer = guess_lexer(text)
    except ClassNotFound:
        return None
    if lexer.name in ("Text only", "Text output") or getattr(lexer, "analyse_text", None) is None:
        return None
    log("highlight.guess", f"code language guessed: {lexer.name}")
    return lexer


def _css_class(ttype) -> str:
    """HtmlFormatter's class for a token type (`_get_ttype_class`): its own, or its nearest
    standard ancestor's plus the rest of its name."""
    from pygments.token import STANDARD_TYPES

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
    from pygments.token import STANDARD_TYPES

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


def _spans(dom, runs) -> list:
    out = []
    for cls, text in runs:
        if cls:
            span = dom.new_tag("span", attrs={"class": cls.split()})
            span.append(NavigableString(text))
            out.append(span)
        else:
            out.append(NavigableString(text))
    return out


def highlighted(classes: list[str], text: str) -> dict:
    """A block's highlighting: `runs` ((classes, text), None to leave it plain), `lang` (its
    `data-lang`) and `log` ((rule, message) of each correction or guess)."""
    log: list = []
    lexer = _lexer(classes, text, lambda rule, message: log.append((rule, message)))
    if lexer is None:
        return {"runs": None, "lang": "", "log": log}
    lexer.stripnl = lexer.ensurenl = False  # the author's newlines, no more, no fewer
    runs = _runs(lexer.get_tokens(text))
    if not text.endswith("\n") and runs and runs[-1][0] == "" and runs[-1][1].endswith("\n"):
        runs[-1:] = [("", runs[-1][1][:-1])] if len(runs[-1][1]) > 1 else []  # some lexers end every text with a newline
    if "".join(t for _, t in runs) != text:  # never change the author's code
        runs = None
    return {"runs": runs, "lang": lexer.aliases[0] if lexer.aliases else lexer.name, "log": log}


def _kept(cache_dir: Path, classes: list[str], text: str) -> dict:
    """`highlighted()`, from the cache when the block was highlighted before."""
    from ..cache import pipeline_version, write_atomic

    key = hashlib.sha256(json.dumps([pipeline_version(), classes, text]).encode()).hexdigest()
    path = Path(cache_dir) / "highlight" / key[:2] / f"{key}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    result = highlighted(classes, text)
    try:
        write_atomic(path, json.dumps(result, ensure_ascii=False).encode())
    except OSError:
        pass  # a cache that cannot be written is only slower
    return result


def run(chapter, ctx) -> None:
    for pre in chapter.body.find_all("pre"):
        code = pre.find("code") or pre
        text = code.get_text()
        if not text.strip() or len(text) > MAX_CODE:
            continue
        classes = [c for c in code.get("class", []) or [] if c.startswith("language-")]
        result = _kept(ctx.cache_dir, classes, text)
        for rule, message in result["log"]:
            chapter.log("info", rule, message, code)
        if result["runs"] is None:
            continue
        code.clear()
        for piece in _spans(chapter.dom, result["runs"]):
            code.append(piece)
        pre["class"] = list(dict.fromkeys((pre.get("class") or []) + ["hl"]))
        if code is not pre:
            code["data-lang"] = result["lang"]
