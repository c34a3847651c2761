"""The book's title set in balanced lines, on the title page and the printed cover.

WeasyPrint 70 has no `text-wrap: balance`, and a reading system may not have it either: a title one
line too long for the page ends with one or two characters alone on its last line ("成为机器学习
工程师的不为人知的 / 真相"). `lines(title, place, book)` gives what the template needs to set it as
a person would:
- `width`: a `max-width` in em (of the title's own size) that splits the title into as many lines
  as the PDF's measure needs, each about as long as the others (the least widest line over every
  way of breaking it there, from the advances of the title's face, found by fontconfig and
  measured by Pillow: a Han character is 1 em); None when the title fits one line. The EPUB uses the same
  width: on a narrower screen the title wraps sooner, as any text does;
- `head` and `tail`: the title cut before its last few characters (three of a Chinese title, two
  short words of a Latin one), which the template sets unbroken (`white-space: nowrap`), so that on
  any measure, the PDF's or a phone's, the last line holds more than one or two characters.
The sizes and the measures are print.css's (`.titlepage h1`, `.cover-title`, `.cover-art`).
"""
from __future__ import annotations

import functools
import re
import subprocess
import unicodedata

# where the title is set: (its font size in rem, the share of the page's width it may take, or
# None for the text block's width)
PLACES = {"titlepage": (2.1, None), "cover": (2.7, 0.76)}
TOKENS = re.compile(r"[^\s\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]+\s*|\s+|.", re.S)
SLACK = 0.3  # em: room for the estimate of a Latin word's width
TAIL_CJK = 3  # characters kept together at the end of a Chinese title
TAIL_LATIN = 20  # the last two words are kept together when they are no longer than this


FACE = "Noto Sans CJK SC:bold"  # print.css: the headings' face, the title's


@functools.lru_cache(maxsize=1)
def _face():
    """The title's face at 1000 units to the em (Pillow), or None where fontconfig cannot find it."""
    try:
        found = subprocess.run(["fc-match", "-f", "%{file}", FACE], capture_output=True, text=True, timeout=10)
        from PIL import ImageFont

        return ImageFont.truetype(found.stdout.strip(), 1000) if found.stdout.strip() else None
    except (OSError, subprocess.SubprocessError, ImportError):
        return None


def char_em(ch: str) -> float:
    """A character's advance estimated, where the face is not at hand."""
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    if ch.isspace():
        return 0.23
    return 0.65 if ch.isupper() or ch.isdigit() else 0.55


@functools.lru_cache(maxsize=4096)
def width(text: str) -> float:
    """The text's advance in em, in the title's face (a Han character: 1 em)."""
    face = _face()
    if face is not None:
        return face.getlength(text) / 1000
    return sum(char_em(c) for c in text)


def _fits(tokens: list[str], limit: float) -> int:
    """The lines a greedy break of `tokens` takes at `limit` em (a line's last space not counted)."""
    count, line = 1, 0.0
    for t in tokens:
        w, ink = width(t), width(t.rstrip())
        if line and line + ink > limit:
            count, line = count + 1, 0.0
            if not t.strip():
                continue
        line += w
    return count


def balanced_width(tokens: list[str], count: int) -> float:
    """The least width at which `tokens` break into `count` lines (bisection over the width)."""
    low, high = max(width(t.rstrip()) for t in tokens), width("".join(tokens))
    for _ in range(40):
        mid = (low + high) / 2
        if _fits(tokens, mid) <= count:
            high = mid
        else:
            low = mid
    return high


def measure_em(book, place: str) -> float:
    from ..page_geometry import geometry

    size, share = PLACES[place]
    g = geometry(book)
    inches = g.width * share if share else g.text_width
    return inches * 72 / (size * g.font_pt)


def split_tail(title: str) -> tuple[str, str]:
    """(head, tail): the end of the title to keep on one line, and what comes before it."""
    text = title.rstrip()
    if re.search(r"[\u2e80-\u9fff\uf900-\ufaff]", text):
        cut = len(text)
        kept = 0
        while cut > 0 and kept < TAIL_CJK:
            cut -= 1
            if not text[cut].isspace():
                kept += 1
        if len(text.replace(" ", "")) > TAIL_CJK + 2:
            return text[:cut], text[cut:]
        return text, ""
    words = text.split(" ")
    if len(words) >= 3 and len(" ".join(words[-2:])) <= TAIL_LATIN:
        return " ".join(words[:-2]) + " ", " ".join(words[-2:])
    return text, ""


def lines(title: str, place: str = "titlepage", book=None, measure: float | None = None) -> dict:
    """{"width": max-width in em or None, "head": str, "tail": str} for `title` set at `place`."""
    head, tail = split_tail(title)
    result = {"width": None, "head": head, "tail": tail}
    if measure is None:
        measure = measure_em(book, place)
    tokens = TOKENS.findall(title.strip())
    total = width(title.strip())
    if not tokens or total <= measure:
        return result
    count = _fits(tokens, measure)
    result["width"] = round(min(measure, balanced_width(tokens, count) + SLACK), 2)
    return result
