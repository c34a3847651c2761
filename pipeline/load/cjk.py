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

The number of delimiter runs that open or close emphasis only by this rule is left in `env["cjk_emphasis"]` as (first line, count) for the loader to report.
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
    if result != scanned:  # what the CJK rule added: (where, may now open, may now close)
        state.cjk_changed = (start, can_open and not scanned.can_open, can_close and not scanned.can_close)
    return result


def _with_cjk_flanking(rule):
    def tokenize(state, silent: bool) -> bool:
        if state.src[state.pos] not in "*_~":
            return False
        original, first = state.scanDelims, len(state.tokens)
        state.scanDelims = lambda start, can_split: _scan_cjk(state, original, start, can_split)
        state.cjk_changed = None
        try:
            return rule(state, silent)
        finally:
            del state.scanDelims  # the method of the class again
            if state.cjk_changed is not None:
                start, opens, closes = state.cjk_changed
                line = state.env.get("pressroom_line")
                line = line and line + state.src.count("\n", 0, start)
                run = (range(first, len(state.tokens)), line, opens, closes)
                state.cjk_runs = [*getattr(state, "cjk_runs", []), run]
    return tokenize


def _count_cjk_pairs(state) -> None:
    """After the delimiters are paired: the runs the CJK rule let open or close a pair, counted
    in `env["cjk_emphasis"]` as (first line, count)."""
    runs = getattr(state, "cjk_runs", [])
    if not runs:
        return
    opened, closed = set(), set()
    for delimiters in [state.delimiters] + [m["delimiters"] for m in state.tokens_meta if m]:
        for d in delimiters:
            if d.end != -1:
                opened.add(d.token)
                closed.add(delimiters[d.end].token)
    for tokens, line, opens, closes in runs:
        if (opens and opened.intersection(tokens)) or (closes and closed.intersection(tokens)):
            first, count = state.env.get("cjk_emphasis", (line, 0))
            state.env["cjk_emphasis"] = (first, count + 1)


def _join_cjk_lines(state) -> None:
    """Drop a soft line break between two CJK characters (it would print as a space), looking
    through emphasis and link markup (`中文\n**粗体**`)."""
    for tok in state.tokens:
        if tok.type != "inline" or not tok.children:
            continue
        kids = tok.children
        tok.children = [child for i, child in enumerate(kids) if not (
            child.type == "softbreak" and is_cjk(_char(kids[i - 1::-1] if i else [], -1))
            and is_cjk(_char(kids[i + 1:], 0)))]


def _char(tokens, end: int) -> str:
    """The first (end=0) or last (end=-1) character of the text in `tokens`, through markup."""
    for tok in tokens:
        if tok.type in ("text", "code_inline") and tok.content:
            return tok.content[end]
        if tok.type not in ("text", "code_inline") and not tok.type.endswith(("_open", "_close")):
            return ""
    return ""


def cjk_friendly(md: MarkdownIt) -> None:
    for name, rule in DELIMITED_RULES:
        if name in md.inline.ruler.get_all_rules():
            md.inline.ruler.at(name, _with_cjk_flanking(rule))
    md.inline.ruler2.after("balance_pairs", "cjk_count_pairs", _count_cjk_pairs)
    md.core.ruler.after("inline", "cjk_join_lines", _join_cjk_lines)
