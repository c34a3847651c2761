"""How much of the author's text is found, in order, in a chapter: letters and digits only.

Both texts are NFKC-folded (full-width and ASCII punctuation alike), lower-cased, and stripped of
everything that is not a letter or a digit, so the typography stage's spaces and punctuation do not
count as losses. The letters are cut into clauses at the punctuation the source had, the clauses
aligned with difflib (in order), and inside each unequal stretch the characters aligned again (the
idea of /work/shared/tools/evaluate.py's "CJK in-order" figure, over every script). Text the build
adds (labels, credits) costs nothing; text it drops or moves out of order does.
"""
from __future__ import annotations

import difflib
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

MAX_CHAR_ALIGN = 4_000_000  # len(a) * len(b) above which an unequal stretch is counted as a multiset
MIN_LOST = 6  # a lost run shorter than this is noise (a changed word), not listed as a hit


def _kept_char(c: str) -> bool:
    return unicodedata.category(c)[0] in "LN"


@dataclass
class Folded:
    """Clauses of letters and digits, and where each of their characters came from in the text."""
    text: str
    clauses: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)  # offset of each clause in the joined letters
    origin: list[int] = field(default_factory=list)  # index in `text` of each kept letter

    @property
    def letters(self) -> int:
        return len(self.origin)

    def excerpt(self, start: int, end: int, width: int = 60) -> str:
        lo, hi = self.origin[start], self.origin[max(start, end - 1)] + 1
        return " ".join(self.text[lo:hi].split())[:width]


def fold(text: str) -> Folded:
    out = Folded(text)
    clause: list[str] = []
    for i, ch in enumerate(text):
        for c in unicodedata.normalize("NFKC", ch).casefold():
            if _kept_char(c):
                if not clause:
                    out.starts.append(len(out.origin))
                clause.append(c)
                out.origin.append(i)
            elif not c.isspace() and unicodedata.category(c) != "Cf" and clause:
                out.clauses.append("".join(clause))  # punctuation ends a clause; spaces do not
                clause = []
    if clause:
        out.clauses.append("".join(clause))
    return out


@dataclass
class Run:
    """One stretch of the source's letters not found in order in the output."""
    start: int  # offset in the source's joined letters
    end: int
    lost: int  # letters lost in it (fewer than end - start for a stretch counted as a multiset)
    excerpt: str


@dataclass
class Kept:
    total: int  # letters and digits of the source
    matched: int
    runs: list[Run] = field(default_factory=list)  # every lost stretch, short ones too, in source order
    letters: str = ""  # the source's letters (what Run.start/end index)
    output: str = ""  # the output's letters

    @property
    def pct(self) -> float | None:
        return 100.0 * self.matched / self.total if self.total else None

    @property
    def lost(self) -> list[str]:
        """Excerpts of the lost runs worth listing (MIN_LOST letters or more), in source order."""
        return [r.excerpt for r in self.runs if r.end - r.start >= MIN_LOST]


def kept_in_order(source: str, output: str) -> Kept:
    src, out = fold(source), fold(output)
    sm = difflib.SequenceMatcher(None, src.clauses, out.clauses, autojunk=False)
    matched, lost = 0, []
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        a = "".join(src.clauses[i1:i2])
        if op == "equal":
            matched += len(a)
            continue
        if op == "insert" or not a:
            continue
        base = src.starts[i1]
        b = "".join(out.clauses[j1:j2])
        if not b:
            lost.append((base, base + len(a), len(a)))
        elif len(a) * len(b) <= MAX_CHAR_ALIGN:
            sm2 = difflib.SequenceMatcher(None, a, b, autojunk=False)
            for op2, k1, k2, _, _ in sm2.get_opcodes():
                if op2 == "equal":
                    matched += k2 - k1
                elif op2 in ("replace", "delete"):
                    lost.append((base + k1, base + k2, k2 - k1))
        else:  # a huge stretch: count letters as a multiset
            cb = Counter(b)
            hit = sum(min(n, cb[c]) for c, n in Counter(a).items())
            matched += hit
            if hit < len(a):
                lost.append((base, base + len(a), len(a) - hit))
    runs = [Run(s, e, n, src.excerpt(s, e)) for s, e, n in lost]
    return Kept(src.letters, matched, runs, "".join(src.clauses), "".join(out.clauses))
