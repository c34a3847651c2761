"""Markdown -> Chapter, with markdown-it-py (CommonMark, tables, strikethrough, footnotes, front
matter). Every block element gets `data-src-line`, its first line in the file; so do the block
elements of raw HTML blocks, found by the HTML tokenizer (not by a pattern), so that what the
sanitizer removes from them is reported with its line. markdown-it stops at `MAX_NESTING` levels
and silently drops the rest of the file: such a file is refused, with the line. Markdown that
CommonMark would print raw (emphasis beside full-width punctuation, a fence closed on a line with
more markup, Markdown after an HTML block, links in code spans or broken by a translation) is
read as meant by the plugins of `cjk.py` and `markdown_repair.py`; what they changed is logged as
`load.<rule>`."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ..model import Chapter, PressroomError
from .type_names import type_names  # List<Integer>, Optional<Data>: text, not tags
from .cjk import cjk_friendly
from .decode import scrub
from .html import BLOCKS
from .markdown_repair import markdown_repairs, notes
from .math_syntax import math_plugin

MAX_NESTING = 60  # markdown-it's block nesting limit (CommonMark preset: 20, which real lists can reach)


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False,
                                   "maxNesting": MAX_NESTING})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(footnote_plugin).use(math_plugin).use(cjk_friendly).use(markdown_repairs)
    # markdown-it leaves `![x](file:///etc/passwd)` and `[x](javascript:…)` as literal text, silently;
    # as elements they reach the clean stage, which removes them and says so, with the line
    md.validateLink = lambda url: True
    md.use(type_names)
    return md


MD = _parser()


def _front_matter(tokens, rel: str) -> dict:
    for tok in tokens:
        if tok.type == "front_matter":
            import yaml  # only for an article with front matter (its import: 0.01 s in each worker)

            try:
                data = yaml.safe_load(tok.content) or {}
            except yaml.YAMLError as e:
                line = (tok.map[0] + 1 + getattr(getattr(e, "problem_mark", None), "line", 0)) if tok.map else None
                raise PressroomError("invalid front matter (YAML between the --- lines); fix or remove it",
                                     rel, line) from None
            return _scrubbed(data) if isinstance(data, dict) else {}
    return {}


def _scrubbed(value):
    """YAML escapes ("\\x01", "\\ud800") can make characters XML cannot carry: remove them."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {k: _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v) for v in value]
    return value


class _StartTags(HTMLParser):
    """Where the block elements of a raw HTML block start: [(line in the block, offset after the name)]."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.text = text
        self.starts = [0]
        for i, c in enumerate(text):
            if c == "\n":
                self.starts.append(i + 1)
        self.found: list[tuple[int, int]] = []

    def handle_starttag(self, tag, attrs):
        if tag in BLOCKS and not any(name == "data-src-line" for name, _ in attrs):
            line, col = self.getpos()
            self.found.append((line, self.starts[line - 1] + col + 1 + len(tag)))


def _mark_html_lines(content: str, first_line: int) -> str:
    """The raw HTML with `data-src-line` added to its block elements' start tags."""
    if "<" not in content:
        return content
    finder = _StartTags(content)
    try:
        finder.feed(content)
        finder.close()
    except Exception:  # noqa: BLE001  the HTML tokenizer gives up on some malformed markup: leave it
        return content
    for line, offset in reversed(finder.found):
        content = f'{content[:offset]} data-src-line="{first_line + line - 1}"{content[offset:]}'
    return content


def load_markdown(text: str, path: Path, rel: str, number: int) -> Chapter:
    env: dict = {}
    try:
        tokens = MD.parse(text, env)
    except RecursionError:
        raise PressroomError("markup is nested too deeply to read; simplify the nesting", rel) from None
    deepest = max(tokens, key=lambda t: t.level, default=None)
    if deepest is not None and deepest.level >= MAX_NESTING - 1:
        line = next((t.map[0] + 1 for t in reversed(tokens[: tokens.index(deepest) + 1]) if t.map), None)
        raise PressroomError(f"lists or quotes nested more than {MAX_NESTING - 2} levels deep; simplify the nesting "
                             "(the rest of the file would be lost)", rel, line)
    for tok in tokens:
        if tok.type == "html_block" and tok.map:
            tok.content = _mark_html_lines(tok.content, tok.map[0] + 1)
        if tok.map and tok.nesting >= 0 and tok.type not in ("front_matter", "html_block", "inline"):
            tok.attrSet("data-src-line", str(tok.map[0] + 1))
        elif tok.map and tok.nesting == 1:
            tok.attrSet("data-src-line", str(tok.map[0] + 1))
    html = MD.renderer.render(tokens, MD.options, env)
    dom = BeautifulSoup(f"<html><body>{html}</body></html>", "lxml")
    meta = {}
    fm = _front_matter(tokens, rel)
    for key in ("title", "subtitle", "description", "author", "date"):
        if fm.get(key):
            meta[key] = str(fm[key]).strip()
    if "subtitle" not in meta and meta.get("description"):
        meta["subtitle"] = meta["description"]
    chapter = Chapter(source_path=path, rel=rel, number=number, dom=dom, meta=meta)
    _log_repairs(chapter, env)
    return chapter


def _log_repairs(chapter: Chapter, env: dict) -> None:
    for rule, message, line, text in notes(env):
        chapter.log("info", f"load.{rule}", message, text=text, line=line)
    if env.get("cjk_emphasis"):
        line, count = env["cjk_emphasis"]
        chapter.log("info", "load.cjk-emphasis", f"{count} run(s) of emphasis markers beside Chinese text or "
                    "full-width punctuation read as emphasis (CommonMark would print them; the first here)", line=line)
