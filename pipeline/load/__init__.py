"""Load: an article file -> a `Chapter` whose DOM carries each block's source line.

Bytes are checked and decoded here (UTF-8, else a detected encoding, else a clear refusal), so
every loader gets text.
"""
from __future__ import annotations

from pathlib import Path

from ..model import Chapter, PressroomError
from .decode import read_text
from .html import load_html
from .markdown import load_markdown

MAX_ARTICLE_BYTES = 60_000_000


def load_chapter(path: Path, rel: str, number: int) -> Chapter:
    """Read one article (Markdown or HTML) into a Chapter."""
    if path.stat().st_size > MAX_ARTICLE_BYTES:
        raise PressroomError(f"article is larger than {MAX_ARTICLE_BYTES // 1_000_000} MB; split it into chapters", rel)
    text = read_text(path, rel)
    if path.suffix.lower() in (".html", ".htm", ".xhtml"):
        return load_html(text, path, rel, number)
    return load_markdown(text, path, rel, number)
