"""Accessibility (first rule): informative images keep a non-empty alt; decorative ones get
`alt=""` and `role="presentation"`. More rules land with the accessibility work."""
from __future__ import annotations


def run(chapter, ctx) -> None:
    for img in chapter.body.find_all("img"):
        if img.get("alt") is None:
            img["alt"] = ""
        if not img["alt"].strip() and img.find_parent("figure") is None:
            img["role"] = "presentation"
