"""Markdown -> Chapter, with markdown-it-py (CommonMark, tables, strikethrough, footnotes, front
matter). Every block element gets `data-src-line`, its first line in the file."""
from __future__ import annotations

from pathlib import Path

import yaml
from bs4 import BeautifulSoup
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from ..model import Chapter, PressroomError


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(front_matter_plugin).use(footnote_plugin)
    return md


MD = _parser()


def _front_matter(tokens, rel: str) -> dict:
    for tok in tokens:
        if tok.type == "front_matter":
            try:
                data = yaml.safe_load(tok.content) or {}
            except yaml.YAMLError as e:
                line = (tok.map[0] + 1 + getattr(getattr(e, "problem_mark", None), "line", 0)) if tok.map else None
                raise PressroomError("invalid front matter (YAML between the --- lines); fix or remove it",
                                     rel, line) from None
            return data if isinstance(data, dict) else {}
    return {}


def load_markdown(text: str, path: Path, rel: str, number: int) -> Chapter:
    env: dict = {}
    try:
        tokens = MD.parse(text, env)
    except RecursionError:
        raise PressroomError("markup is nested too deeply to read; simplify the nesting", rel) from None
    for tok in tokens:
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
    return Chapter(source_path=path, rel=rel, number=number, dom=dom, meta=meta)
