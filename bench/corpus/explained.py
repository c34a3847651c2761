"""Which lost passages the build explained: `pressroom build --explain` read back, and each lost run
of the in-order comparison (kept.py) matched against the records of its article.

`parse_explain()` reads the report (`== file (chapter N: title)`, then per record
`file:line  rule  message` and, indented, `    | text`) into records per article file name.
`classify()` gives a lost run the rule whose record text holds its letters, or UNEXPLAINED.

A record explains a loss only when its text is text the build removed or changed: a rule whose
record shows text it KEEPS (the typography stage's before/after windows, a heading moved to h2, a
paragraph taken as a caption) explains nothing, and of a `before -> after` record only what is in
`before` and not in `after` counts. Letters are folded as kept.py folds them (letters and digits).
A run is explained piece by piece: each piece found in one record's text and PIECE letters long
(the run's last piece MIN_PIECE; a long English record must not explain a sentence four letters at
a time); a run shorter than MIN_PIECE is explained only with 2 or 3 letters of the source on one side
(one `在` lost from a sentence is not explained by any credit record that holds a `在`).
A run not explained whose letters stand elsewhere in the chapter as often as in the source is
MOVED: out of order, or the alignment slipped on repeated words; it is not lost.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .kept import MIN_LOST, Kept, Run, fold

UNEXPLAINED = "UNEXPLAINED"
MOVED = "MOVED"  # the run's letters are in the chapter, elsewhere: out of order or an alignment slip, not lost
# (rule prefix, words of its message): records whose text the build KEEPS in the chapter (re-punctuated,
# a heading re-levelled, a paragraph made a caption, the title and subtitle shown in the chapter's
# opener): they explain no loss. `title repeated in the body removed` is a removal and explains one.
KEEPS_TEXT = [
    ("typography.", ""), ("clean.outline", ""), ("images.caption", ""), ("highlight.", ""),
    ("accessibility.", ""), ("load.cjk-emphasis", ""),
    ("clean.title", "moved to metadata"), ("clean.title", "space added"),
    ("clean.markup", "kept as text"), ("clean.markup", "its text kept"),
]
MIN_PIECE = 4  # letters: a shorter run is looked up with its neighbours
PIECE = 10  # a run explained piece by piece: each piece this long, but the run's last or whole one
CONTEXT = 3  # source letters beside a short run that must be in the same record (tried first)
MIN_CONTEXT = 2  # ... or at least this many, on one side
HEADER = re.compile(r"^== (?P<file>.+?)(?: \(chapter [^)]*\).*| \[left out of the book\])?$")
RECORD = re.compile(r"^(?P<where>\S.*?)  (?P<rule>[a-z][\w.-]*)  (?P<message>.*)$")


@dataclass
class Record:
    rule: str
    where: str
    message: str
    text: str = ""

    @property
    def letters(self) -> str:
        """The letters this record says were removed or changed ('' for a rule that keeps its text)."""
        if not self.text or any(self.rule.startswith(rule) and words in self.message for rule, words in KEEPS_TEXT):
            return ""
        before, arrow, after = self.text.partition(" -> ")
        if arrow and _letters(after) and _letters(before) == _letters(after):
            return ""
        return _letters(before if arrow else self.text)


@dataclass
class Verdict:
    rule: str  # the rule that explains the run (the one covering most of it), or UNEXPLAINED
    explained: int  # letters of the run's loss explained
    unexplained: int
    rules: list[str] = field(default_factory=list)
    moved: int = 0  # letters found elsewhere in the chapter (MOVED): neither explained nor lost


def _letters(text: str) -> str:
    return "".join(fold(text).clauses)


def parse_explain(text: str) -> dict[str, list[Record]]:
    """Records per article (its path as the build names it, and its file name)."""
    out: dict[str, list[Record]] = {}
    current: list[Record] | None = None
    for line in text.splitlines():
        if line.startswith("== "):
            m = HEADER.match(line)
            current = out.setdefault(m.group("file") if m else line[3:], [])
            continue
        if current is None:
            continue
        if line.startswith("    | "):
            if current:
                current[-1].text = line[6:]
            continue
        if not line or line[0].isspace():
            continue  # the per-chapter counts, "nothing changed"
        m = RECORD.match(line)
        if m:
            current.append(Record(m.group("rule"), m.group("where"), m.group("message")))
    for name in list(out):
        short = name.rsplit("/", 1)[-1]
        out.setdefault(short, out[name])
    return out


def _longest(piece: str, texts: list[tuple[str, str]]) -> tuple[int, str]:
    """The longest prefix of `piece` found in one record text, and that record's rule."""
    best, rule = 0, ""
    for text, name in texts:
        lo, hi = best, len(piece)
        if not text or piece[:lo + 1] not in text:
            continue
        while lo < hi:  # a prefix found means every shorter one is found: bisect its length
            mid = (lo + hi + 1) // 2
            if piece[:mid] in text:
                lo = mid
            else:
                hi = mid - 1
        if lo > best:
            best, rule = lo, name
    return best, rule


def _with_neighbours(start: int, end: int, source_letters: str, texts: list[tuple[str, str]]) -> str:
    """The rule of a record holding a few letters with 3 (or 2) of their neighbours on one side, or ''."""
    n = end - start
    for c in range(CONTEXT, MIN_CONTEXT - 1, -1):
        left = source_letters[max(0, start - c):end]
        right = source_letters[start:end + c]
        for text, rule in texts:
            if (len(left) == n + c and left in text) or (len(right) == n + c and right in text):
                return rule
    return ""


def classify(run: Run, source_letters: str, records: list[Record]) -> Verdict:
    """Which rule explains a lost run (its letters in the text of a record of its article)."""
    texts = [(r.letters, r.rule) for r in records if r.letters]
    piece = source_letters[run.start:run.end]
    if not piece:
        return Verdict(UNEXPLAINED, 0, run.lost)
    if len(piece) < MIN_PIECE:
        rule = _with_neighbours(run.start, run.end, source_letters, texts)
        return Verdict(rule, run.lost, 0, [rule]) if rule else Verdict(UNEXPLAINED, 0, run.lost)
    covered: dict[str, int] = {}
    i = uncovered = 0
    while i < len(piece):
        n, rule = _longest(piece[i:], texts)
        if n and (n >= PIECE or n == len(piece) - i >= MIN_PIECE or n == len(piece)):
            covered[rule] = covered.get(rule, 0) + n
            i += n
        elif len(piece) - i < MIN_PIECE and _with_neighbours(run.start + i, run.end, source_letters, texts):
            rule = _with_neighbours(run.start + i, run.end, source_letters, texts)  # the run's last letters
            covered[rule] = covered.get(rule, 0) + len(piece) - i
            i = len(piece)
        else:
            uncovered += 1
            i += 1
    if not covered:
        return Verdict(UNEXPLAINED, 0, run.lost)
    share = (len(piece) - uncovered) / len(piece)  # a multiset stretch: its loss explained in proportion
    explained = round(run.lost * share)
    rules = sorted(covered, key=covered.get, reverse=True)
    main = rules[0] if uncovered * 2 < len(piece) else UNEXPLAINED
    return Verdict(main, explained, run.lost - explained, rules)


def moved(run: Run, kept: Kept) -> bool:
    """The run's letters (MIN_LOST of them or more) stand in the output as often as in the source: the
    text is in the chapter, out of order (or the alignment slipped on repeated words), not lost."""
    piece = kept.letters[run.start:run.end]
    return (len(piece) >= MIN_LOST and run.lost == len(piece)
            and kept.output.count(piece) >= kept.letters.count(piece))


def classify_all(kept: Kept, records: list[Record]) -> list[tuple[Run, Verdict]]:
    out = []
    for run in kept.runs:
        verdict = classify(run, kept.letters, records)
        if verdict.unexplained and moved(run, kept):
            verdict = Verdict(MOVED, 0, 0, [], moved=run.lost)
        out.append((run, verdict))
    return out
