"""Clean (placeholder until the clean rules land): the first H1 becomes the chapter title."""
from __future__ import annotations


def run(chapter, ctx) -> None:
    h1 = chapter.body.find("h1")
    if h1 is not None:
        chapter.meta.setdefault("title", h1.get_text(" ", strip=True))
        h1.decompose()
