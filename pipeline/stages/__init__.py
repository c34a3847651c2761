"""The chapter stages, in order. This list is the table of contents of the pipeline.

Each stage is a module with `run(chapter, ctx) -> None`: a pure function of the chapter and the
configuration (it reads no other chapter and keeps no global state), so chapters can run in
parallel and be cached by content hash. Adding a stage is one module and one line here.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..config import BookConfig
from . import accessibility, clean, credits, highlight, images, structure, typography


@dataclass(frozen=True)
class StageContext:
    config: BookConfig
    source_dir: Path  # the book's folder; no input may leave it
    cache_dir: Path  # build/.cache: fetched images, stage outputs
    strict: bool = False  # warnings that lose content become errors
    offline: bool = False  # remote images only from the cache


CHAPTER_STAGES = [
    ("clean", clean.run),  # provenance to metadata, cruft out, markup repaired and sanitized
    ("images", images.run),  # every image found, checked by its bytes, made a figure or a placeholder
    ("credits", credits.run),  # credit lines parsed into structured credits on their figures
    ("typography", typography.run),  # spacing between Han and Latin text, punctuation
    ("structure", structure.run),  # title, heading ids and outline, footnotes as notes
    ("highlight", highlight.run),  # code blocks highlighted with Pygments
    ("accessibility", accessibility.run),  # alt text, link context, table headers, language of passages
]
