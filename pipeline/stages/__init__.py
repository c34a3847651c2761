"""The chapter stages, in order. This list is the table of contents of the pipeline.

Each stage is a module with `run(chapter, ctx) -> None`: a pure function of the chapter and the
configuration (it reads no other chapter and keeps no global state), so chapters can run in
parallel and be cached by content hash. Adding a stage is one module and one line here.
"""
from __future__ import annotations

from ..model import StageContext
from . import accessibility, clean, credits, highlight, images, math, structure, typography

__all__ = ["CHAPTER_STAGES", "StageContext"]


CHAPTER_STAGES = [
    ("clean", clean.run),  # provenance to metadata, cruft out, markup repaired and sanitized
    ("math", math.run),  # formulas (LaTeX, MathML) as MathML with their LaTeX as alttext
    ("images", images.run),  # every image found, checked by its bytes, made a figure or a placeholder
    ("credits", credits.run),  # credit lines parsed into structured credits on their figures
    ("typography", typography.run),  # spacing between Han and Latin text, punctuation
    ("structure", structure.run),  # title, heading ids and outline, footnotes as notes
    ("highlight", highlight.run),  # code blocks highlighted with Pygments
    ("accessibility", accessibility.run),  # alt text, link context, table headers, language of passages
]
