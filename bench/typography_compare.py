"""Pressroom's typography stage against autocorrect-py on the real corpus, block by block.

Each chapter is loaded and cleaned; each block's text (inline elements joined, code as one
stand-in character) is set by Pressroom (cjk_punctuation + space_text) and by autocorrect-py's
`format()`. Counted: the blocks each changes, the punctuation marks each changes (spaces aside),
the spaces each adds; then the marks on which they disagree, grouped by (Pressroom's mark,
autocorrect's mark), with examples to read.
Usage: .venv/bin/python bench/typography_compare.py [corpus dir] [examples per kind]
"""
from __future__ import annotations

import difflib
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

try:
    import autocorrect_py  # the bench extra: pip install autocorrect-py==2.14.0
except ImportError:
    sys.exit("bench/typography_compare.py needs autocorrect-py (pyproject [bench] extra)")

from pipeline.config import BookConfig  # noqa: E402
from pipeline.load import load_chapter  # noqa: E402
from pipeline.stages import StageContext, clean  # noqa: E402
from pipeline.stages.cjk_punctuation import OBJECT, punctuate  # noqa: E402
from pipeline.stages.typography import _IS_HAN, _block_of, _text_nodes, space_text  # noqa: E402

FOLDERS = ["tds-zh/docs", "tds-zh-2025/docs", "medium-zh-javarevisited/docs"]
SPACES = " \u00a0\u3000"


def block_texts(ch):
    by_block: dict[int, list[str]] = defaultdict(list)
    for node, protected in _text_nodes(ch.body):
        by_block[id(_block_of(node))].append(OBJECT if protected else str(node))
    return ["".join(parts) for parts in by_block.values()]


def pressroom(text: str) -> str:
    chars = punctuate(text, {i for i, c in enumerate(text) if c == OBJECT}).chars
    return space_text("".join(chars))


def marks(before: str, after: str) -> list[tuple[str, str, str]]:
    """Punctuation changes (spaces aside): (old, new, context)."""
    a, b = [c for c in before if c not in SPACES], [c for c in after if c not in SPACES]
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op != "equal":
            out.append(("".join(a[i1:i2]), "".join(b[j1:j2]), "".join(a[max(0, i1 - 12):i2 + 12])))
    return out


def main(root: Path, per_kind: int) -> int:
    cfg = BookConfig(title="t", language="zh-CN")
    ctx = StageContext(cfg, Path("."), Path(tempfile.mkdtemp()))
    totals = Counter()
    disagree: dict[tuple[str, str], list[str]] = defaultdict(list)
    for d in [root / f for f in FOLDERS] + [Path(__file__).resolve().parents[1] / "source/chapters"]:
        if not d.is_dir():
            continue
        for i, path in enumerate(sorted(d.glob("*.md"))):
            ch = load_chapter(path, path.name, i + 1)
            clean.run(ch, ctx)
            if ch.body is None:
                continue
            for text in block_texts(ch):
                if not _IS_HAN.search(text):
                    continue
                totals["blocks"] += 1
                ours, theirs = pressroom(text), autocorrect_py.format(text)
                ours_marks, their_marks = marks(text, ours), marks(text, theirs)
                totals["pressroom blocks changed"] += ours != text
                totals["autocorrect blocks changed"] += theirs != text
                totals["pressroom marks changed"] += len(ours_marks)
                totals["autocorrect marks changed"] += len(their_marks)
                totals["pressroom spaces added"] += max(0, sum(ours.count(c) for c in SPACES) - sum(text.count(c) for c in SPACES))
                totals["autocorrect spaces added"] += max(0, sum(theirs.count(c) for c in SPACES) - sum(text.count(c) for c in SPACES))
                ours_bare = "".join(c for c in ours if c not in SPACES)
                theirs_bare = "".join(c for c in theirs if c not in SPACES)
                if ours_bare != theirs_bare:
                    totals["blocks where the marks differ"] += 1
                    for old, new, context in marks(theirs, ours):
                        disagree[(old, new)].append(f"{context!r}")
                elif ours != theirs:
                    totals["blocks where only spaces differ"] += 1
                    if len(disagree[("space", "space")]) < per_kind:
                        i = next(k for k, (x, y) in enumerate(zip(ours, theirs)) if x != y) if any(
                            x != y for x, y in zip(ours, theirs)) else min(len(ours), len(theirs))
                        disagree[("space", "space")].append(f"P {ours[max(0, i - 15):i + 15]!r} | A {theirs[max(0, i - 15):i + 15]!r}")
    for key, value in totals.items():
        print(f"{key:36} {value}")
    print("\nwhere they differ: autocorrect's mark -> Pressroom's (count), examples in autocorrect's text")
    for (old, new), examples in sorted(disagree.items(), key=lambda kv: -len(kv[1])):
        print(f"  {old!r:8} -> {new!r:8} {len(examples):4}   " + "  ".join(examples[:per_kind]))
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/work/shared/corpus"),
                  int(sys.argv[2]) if len(sys.argv) > 2 else 3))
