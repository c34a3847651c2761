"""Images (placeholder until the images work lands)."""
from __future__ import annotations


def run(chapter, ctx) -> None:
    return None
