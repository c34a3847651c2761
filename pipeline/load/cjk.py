"""Markdown written in Chinese (and Japanese, Korean): emphasis next to full-width punctuation, and
line breaks between two ideographs, as a markdown-it-py plugin (`md.use(cjk_friendly)`).

- **Emphasis.** CommonMark's flanking rules refuse `**原因 1：**我们` (a closing `**` after
  punctuation and before a letter): the reader gets the asterisks. Here a delimiter run next to a
  CJK character is scanned again with the rule of the CommonMark "CJK-friendly" draft
  (https://github.com/tats-u/markdown-cjk-friendly), as `mdit-py-cjk-friendly` 0.3.0 (MIT,
  aiseed-dev) implements it: a CJK character counts as punctuation where punctuation makes a run
  flank, and as a letter where punctuation would stop it. Runs with no CJK character beside them
  get exactly CommonMark's answer, so English is unchanged. Code spans and blocks are not touched.
  The emphasis and strikethrough rules are the library's own, given a `scanDelims` with this rule
  for their call (the state's public method, on that one state object).
- **Soft line breaks** between two CJK characters become nothing instead of a space (`这是\\n一句`
  is one word run in Chinese).

Why not the package: every release of `mdit-py-cjk-friendly` (0.1.1, 0.2.0, 0.3.0) requires
`markdown-it-py<4`, so pinning it beside `markdown-it-py==4.3.0` makes the project uninstallable
(pip: ResolutionImpossible), and it replaces `StateInline.scanDelims` on the class for every parser
of the process. Its rule is 30 lines; it is written again here, through the rulers.

The number of delimiter runs this rule changed is left in `env["cjk_emphasis"]` (first line, count)
for the loader to report.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdown_it.rules_inline import emphasis, strikethrough

CJK = re.compile(
    "[\u3000-\u303f"  # CJK symbols and punctuation (、。「」)
    "\u3040-\u30ff"  # hiragana, katakana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\uff00-\uff60\uffe0-\uffe6"  # full-width forms (：，（）！)
    "\U00020000-\U0002a6df"  # ideographs, extension B
    "\uac00-\ud7af"  # hangul syllables
    "]")
DELIMITED_RULES = (("emphasis", emphasis.tokenize), ("strikethrough", strikethrough.tokenize))


def is_cjk(char: str) -> bool:
    return bool(char) and CJK.match(char) is not None


def _punct(ch: str) -> bool:
    return isMdAsciiPunct(ord(ch)) or isPunctChar(ch)


def _scan_cjk(state, original, start: int, can_split_word: bool):
    scanned = original(start, can_split_word)
    if scanned.can_open and scanned.can_close:
        return scanned
    marker, pos = state.src[start], start
    while pos < state.posMax and state.src[pos] == marker:
        pos += 1
    last = state.src[start - 1] if start > 0 else " "
    nxt = state.src[pos] if pos < state.posMax else " "
    if not (is_cjk(last) or is_cjk(nxt)):
        return scanned
    last_blocks = not is_cjk(last) and _punct(last)
    next_blocks = not is_cjk(nxt) and _punct(nxt)
    last_allows = is_cjk(last) or _punct(last)
    next_allows = is_cjk(nxt) or _punct(nxt)
    last_ws, next_ws = isWhiteSpace(ord(last)), isWhiteSpace(ord(nxt))
    left = not next_ws and (not next_blocks or last_ws or last_allows)
    right = not last_ws and (not last_blocks or next_ws or next_allows)
    if can_split_word:
        can_open, can_close = left, right
    else:
        can_open = left and (not right or last_allows)
        can_close = right and (not left or next_allows)
    result = type(scanned)(can_open, can_close, scanned.length)
    if result != scanned:
        first, count = state.env.get("cjk_emphasis", (state.env.get("pressroom_line"), 0))
        state.env["cjk_emphasis"] = (first, count + 1)
    return result


def _with_cjk_flanking(rule):
    def tokenize(state, silent: bool) -> bool:
        if state.src[state.pos] not in "*_~":
            return False
        original = state.scanDelims
        state.scanDelims = lambda start, can_split: _scan_cjk(state, original, start, can_split)
        try:
            return rule(state, silent)
        finally:
            del state.scanDelims  # the method of the class again
    return tokenize


def _join_cjk_lines(state) -> None:
    """Drop a soft line break between two CJK characters (it would print as a space)."""
    for tok in state.tokens:
        if tok.type != "inline" or not tok.children:
            continue
        kids = tok.children
        keep = []
        for i, child in enumerate(kids):
            if (child.type == "softbreak" and 0 < i < len(kids) - 1
                    and kids[i - 1].type == "text" and kids[i + 1].type == "text"
                    and is_cjk(kids[i - 1].content[-1:]) and is_cjk(kids[i + 1].content[:1])):
                continue
            keep.append(child)
        tok.children = keep


def cjk_friendly(md: MarkdownIt) -> None:
    for name, rule in DELIMITED_RULES:
        if name in md.inline.ruler.get_all_rules():
            md.inline.ruler.at(name, _with_cjk_flanking(rule))
    md.core.ruler.after("inline", "cjk_join_lines", _join_cjk_lines)
