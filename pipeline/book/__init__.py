"""Stages over the whole book, after the chapter stages: they may read every chapter.

BOOK_STAGES is run in order on the `Book`:
- contents: the table of contents (chapters and their sections) for the TOC page, nav and outline;
- credits: every figure's credit gathered for the credits page and `pressroom credits`;
- missing_images: one warning listing the images not found, in place of one per image.
"""
from __future__ import annotations

from . import contents, credits_list, missing_images

BOOK_STAGES = [
    ("contents", contents.run),
    ("credits", credits_list.run),
    ("missing_images", missing_images.run),
]
