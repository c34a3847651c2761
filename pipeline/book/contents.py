"""The table of contents: one entry per chapter, with its h2 sections (h3 for the PDF outline)."""
from __future__ import annotations


def run(book) -> None:
    book.toc = []
    for ch in book.chapters:
        book.toc.append({
            "id": ch.id,
            "number": ch.number,
            "title": ch.title,
            "file": f"{ch.id}.xhtml",
            "sections": [h for h in ch.headings if h["level"] == 2],
        })
