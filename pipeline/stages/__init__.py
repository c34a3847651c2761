"""The chapter stages, in order. This list is the table of contents of the pipeline.

Each stage is a module with `run(chapter, ctx) -> None`: a pure function of the chapter and the
configuration (it reads no other chapter and keeps no global state), so chapters can run in
parallel and be cached by content hash. Adding a stage is one module and one line here.

The modules are imported when `CHAPTER_STAGES` is first read (by the chapter workers), not with
this package: the build's own process imports `stages.accessibility_audit` for the EPUB and
never runs a stage when workers do, and importing every stage (their patterns of Chinese
characters are compiled at import) cost it 0.25 s of CPU.
"""
from __future__ import annotations

import importlib

from ..model import StageContext

__all__ = ["CHAPTER_STAGES", "StageContext"]


STAGES = [
    "clean",  # provenance to metadata, cruft out, markup repaired and sanitized
    "math",  # formulas (LaTeX, MathML) as MathML with their LaTeX as alttext
    "images",  # every image found, checked by its bytes, made a figure or a placeholder
    "credits",  # credit lines parsed into structured credits on their figures
    "typography",  # spacing between Han and Latin text, punctuation
    "structure",  # title, heading ids and outline, footnotes as notes
    "highlight",  # code blocks highlighted with Pygments
    "accessibility",  # alt text, link context, table headers, language of passages
]


def __getattr__(name: str):
    """`CHAPTER_STAGES`: [(name, run)] for each of STAGES, its module imported on first reading."""
    if name == "CHAPTER_STAGES":
        stages = [(stage, importlib.import_module(f"{__name__}.{stage}").run) for stage in STAGES]
        globals()["CHAPTER_STAGES"] = stages
        return stages
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
