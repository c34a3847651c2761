"""Gather the figures' credits into `book.credits`, in book order."""
from __future__ import annotations


def run(book) -> None:
    try:
        from .credits import collect_credits
    except ImportError:  # the credits module lands with the images work
        collect_credits = None
    if collect_credits is not None:
        book.credits = collect_credits(book.chapters)
    else:
        book.credits = [f.credit for ch in book.chapters for f in ch.figures if f.credit]
