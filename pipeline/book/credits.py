"""The book's image credits: collected from the figures, printed for `pressroom credits`.

`collect_credits(chapters)` gives one Credit per credited figure, in book order, with its chapter number
and figure label, and after each chapter's figures the notes that credit all its images
(`chapter.meta["credits"]`, from the credits stage), labelled with the article's name;
`credits_table(credits, fmt)` renders them as an aligned table, CSV or JSON.
"""
from __future__ import annotations

import csv
import dataclasses
import io
import json

from ..model import Credit

COLUMNS = ["figure_label", "chapter_number", "kind", "creator", "creator_url", "platform", "platform_url",
           "licence", "note", "figure_id", "line"]


def collect_credits(chapters) -> list[Credit]:
    out: list[Credit] = []
    for ch in chapters:
        if getattr(ch, "omitted", False):
            continue
        for fig in ch.figures:
            if fig.credit is None:
                continue
            cr = fig.credit
            cr.figure_id = cr.figure_id or fig.id
            cr.figure_label = cr.figure_label or fig.label
            cr.chapter_number = cr.chapter_number or ch.number
            out.append(cr)
        for cr in ch.meta.get("credits", ()):
            cr.figure_label = cr.figure_label or ch.title or ch.rel
            cr.chapter_number = cr.chapter_number or ch.number
            cr.chapter_id = cr.chapter_id or ch.id
            out.append(cr)
    return out


def credits_table(credits: list[Credit], fmt: str = "table") -> str:
    rows = [dataclasses.asdict(c) for c in credits]
    if fmt == "json":
        return json.dumps(rows, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=COLUMNS, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(r)
        return buf.getvalue()
    if fmt != "table":
        raise ValueError(f"unknown format {fmt!r} (table, csv or json)")
    cols = ["figure_label", "chapter_number", "kind", "creator", "platform", "licence"]
    head = ["figure", "ch", "kind", "creator", "platform", "licence"]
    data = [[str(r[c] if r[c] is not None else "") for c in cols] for r in rows]
    widths = [max([_width(h)] + [_width(d[i]) for d in data]) for i, h in enumerate(head)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(head, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(_pad(v, w) for v, w in zip(d, widths)).rstrip() for d in data]
    return "\n".join(lines) + "\n"


def _width(s: str) -> int:
    import unicodedata
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _width(s))
