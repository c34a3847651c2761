"""Full-width punctuation in Chinese sentences, as a table of rules over one block's text.

Machine translation leaves ASCII punctuation in Chinese text (`说:机器`, `很难,但是`, `(来源:作者)`,
straight `"…"` quotes around Chinese words) and doubles end punctuation (`成功。).因此`, `赢了！。`).
clreq and the Chinese copywriting guide (中文文案排版指北) want full-width marks in a Chinese
sentence, and half-width ones in English text inside it. Each rule below says which ASCII mark
becomes which full-width one, and when: the mark must touch Chinese (a Han character or a
full-width mark) on the side the rule names, so `e.g.`, `3.14`, `U.S.`, `(see Fig. 2)`,
`Hello, world`, `12:30`, `http:` and `"quoted English"` keep their ASCII marks.

`punctuate(text, protected)` works on the text of one block (its inline elements joined, so a
mark after `<b>中文</b>` sees the Han before it); `protected` are the positions no rule may change
(code, kbd, samp, math put in as one stand-in character; web addresses are found here). It
returns the new characters, position by position ("" for a character dropped), the names of the
rules that fired, with their counts, and where each first fired, for `--explain`.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import NamedTuple

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CLOSING = "\u3002\uff01\uff1f\uff1b\uff1a\uff0c\u3001\uff09\u300d\u300f\u3011\u300b\u201d"  # 。！？；：，、）」』】》” (not ’: an apostrophe)
OPENING = "\uff08\u300c\u300e\u3010\u300a\u201c\u2018"  # （「『【《“‘
ENDS = "\u3002\uff01\uff1f"  # 。！？
CJK = HAN + CLOSING + OPENING
OBJECT = "\ufffc"  # stands for a code/kbd/samp/math element: neither Chinese nor punctuation
URL = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.|mailto:)[^\s\u3000-\u303f\uff01-\uff60\"<>]+", re.I)
EMOTICON = r"(?:-?[)(DPp3]|-?\])(?![A-Za-z0-9])"  # :-) :) :( :D

# (name, pattern, replacement, what it does). The pattern's group 1 is what is replaced, by a
# string or by a function of the match; the text around it is context only. Rules run in order,
# each over the text the rules before it left.
RULES = [
    ("colon", rf"(?<=[{HAN}{CLOSING}])([ ]*:[ ]*)(?!{EMOTICON})(?![:/\\])", "：",
     "ASCII colon after Chinese -> ："),
    ("colon-latin", rf"(?<=[A-Za-z%){OBJECT}])(:[ ]*)(?=[{HAN}{OPENING}])", "：",
     "ASCII colon between Latin and Chinese -> ："),
    ("comma", rf"(?<=[{HAN}{CLOSING}])([ ]*,[ ]*)(?![0-9])", "，", "ASCII comma after Chinese -> ，"),
    ("comma-latin", rf"(?<=[A-Za-z0-9%{OBJECT}])(,[ ]*)(?=[{HAN}{OPENING}])", "，", "ASCII comma before Chinese -> ，"),
    ("semicolon", rf"(?<=[{HAN}{CLOSING}])([ ]*;[ ]*)", "；", "ASCII semicolon after Chinese -> ；"),
    ("semicolon-latin", rf"(?<=[A-Za-z0-9%])(;[ ]*)(?=[{HAN}])", "；", "ASCII semicolon before Chinese -> ；"),
    ("exclamation", rf"(?<=[{HAN}{CLOSING}])([ ]*![ ]*)(?!=)", "！", "ASCII exclamation mark after Chinese -> ！"),
    ("question", rf"(?<=[{HAN}{CLOSING}])([ ]*\?[ ]*)(?![=&])", "？", "ASCII question mark after Chinese -> ？"),
    ("ellipsis", rf"(?<=[{HAN}{CLOSING}])([ ]*(?:\.\.\.|…)[ ]*)(?![.…])", "……", "ellipsis after Chinese -> ……"),
    ("dash", rf"(?<=[{HAN}{CLOSING}])([ ]*(?:--?|—)[ ]+)(?=[{HAN}{OPENING}])|"
             rf"(?<=[{HAN}])([ ]*(?:—|--)[ ]*)(?=[{HAN}])", "——", "dash between Chinese -> ——"),
]
# Doubled end punctuation left by translation: `成功。).因此` -> `成功。）因此`, `赢了！。` -> `赢了！`.
DOUBLED = [
    ("doubled-end", rf"(?<=[{ENDS}])([ ]*[.。])", "", "second end mark after 。！？ dropped"),
    ("doubled-end-paren", r"(?<=\u3002)([ ]*[)）][ ]*[.。])", "）", "end mark after 。） dropped"),
    ("closing-paren", rf"(?<=[{ENDS}])([ ]*\))", "）", "ASCII ) after a Chinese end mark -> ）"),
    ("period", rf"(?<=[{HAN}）」』”])([ ]*\.)(?![.A-Za-z0-9])(?=[ ]*(?:$|[{HAN}{OPENING}*_\"]))", "。",
     "ASCII full stop ending a Chinese sentence -> 。"),
]
DESCRIPTIONS = {name: what for name, _, _, what in RULES + DOUBLED}
DESCRIPTIONS.update({"parentheses": "ASCII ( ) around or inside Chinese -> （ ）",
                     "quotes": "straight quotes around Chinese -> “ ” / ‘ ’"})
_COMPILED = [(name, re.compile(pattern), repl) for name, pattern, repl, _ in RULES]
_COMPILED_DOUBLED = [(name, re.compile(pattern), repl) for name, pattern, repl, _ in DOUBLED]
_HAS_HAN = re.compile(f"[{HAN}]")
_LATIN_ASIDE = re.compile(rf"^[A-Za-z0-9\u00c0-\u024f{OBJECT}][A-Za-z0-9\u00c0-\u024f{OBJECT} .,&/'’+#%:-]*$")  # (ML), (JEP 361)
_CHINESE = re.compile(f"[{CJK}]")


class _Text:
    """The block's characters, each with its original position, so a rule's change can be put
    back into the text node it came from; dropped characters keep their place as ""."""

    def __init__(self, text: str, protected: set[int]):
        self.chars = list(text)
        self.live = list(range(len(text)))  # original positions of the characters still there
        self.protected = protected
        self.fired: Counter = Counter()
        self.where: dict[str, int] = {}  # each rule's first change, as an original position
        self._now: str | None = None  # string(), until replace() changes the text

    def string(self) -> str:
        """The text now; `self.at[i]` is the original position of its character i (a position
        may hold more than one character: … became ……). Made again only after a change: every
        rule reads it, and a change is rare (without this it was most of the typography stage)."""
        if self._now is None:
            self.at = [p for p in self.live for _ in self.chars[p]]
            self._now = "".join(self.chars[p] for p in self.live)
        return self._now

    def replace(self, start: int, end: int, new: str, rule: str) -> bool:
        """Replace the characters start..end of `string()` by `new` (put in the first one's
        position, the other positions dropped)."""
        self.string()
        positions = list(dict.fromkeys(self.at[start:end]))
        if not positions or any(p in self.protected for p in positions):
            return False
        for k, p in enumerate(positions):
            self.chars[p] = new if k == 0 else ""
        self.fired[rule] += 1
        self.where.setdefault(rule, positions[0])
        self.live = [p for p in self.live if self.chars[p] != ""]
        self._now = None
        return True


def _apply(t: _Text, rules) -> None:
    """The rules until none fires (a change can make the context of another: `。;:`)."""
    changed = True
    while changed:
        changed = False
        for name, pattern, repl in rules:
            while _apply_once(t, name, pattern, repl):  # one change at a time: positions move
                changed = True


def _apply_once(t: _Text, name: str, pattern, repl) -> bool:
    for m in pattern.finditer(t.string()):
        group = next(g for g in range(1, (pattern.groups or 0) + 1) if m.group(g) is not None)
        start, end = m.span(group)
        new = repl(m) if callable(repl) else repl
        if m.group(group) != new and t.replace(start, end, new, name):
            return True
    return False


def _pairs(t: _Text, opening: str, closing: str, same: bool = False):
    """Innermost pairs of a bracket (or of one straight quote) in the live text, as positions."""
    s = t.string()
    stack: list[int] = []
    for i, ch in enumerate(s):
        if same and ch == opening:
            if stack:
                yield stack.pop(), i
            else:
                stack.append(i)
        elif ch == opening:
            stack.append(i)
        elif ch == closing and stack:
            yield stack.pop(), i


def _in_chinese(s: str, start: int, end: int) -> bool:
    """A bracketed or quoted span that is Chinese: Chinese inside, or Chinese on both sides."""
    if _HAS_HAN.search(s[start + 1:end]):
        return True
    if not _LATIN_ASIDE.match(s[start + 1:end]):
        return False  # `()` written as characters (括号“()”之间), a pattern (r“(([\d-]+))”), a formula
    before = s[start - 1] if start else ""
    after = s[end + 1] if end + 1 < len(s) else ""
    return bool(before and _CHINESE.match(before)) and (not after or bool(_CHINESE.match(after)))


def _brackets(t: _Text) -> None:
    s = t.string()
    for start, end in list(_pairs(t, "(", ")")):
        if _in_chinese(s, start, end) and not {t.at[start], t.at[end]} & t.protected:
            t.replace(start, start + 1, "（", "parentheses")
            t.replace(end, end + 1, "）", "parentheses")


def _quotes(t: _Text) -> None:
    for mark, left, right in (('"', "“", "”"), ("'", "‘", "’")):
        s = t.string()
        for start, end in list(_pairs(t, mark, mark, same=True)):
            inside = s[start + 1:end]
            if mark == "'" and re.search(r"[A-Za-z]'|'[A-Za-z]", s[max(0, start - 1):end + 2]):
                continue  # an apostrophe (don't, it's) is not a quote
            if _HAS_HAN.search(inside) and len(inside) <= 120 and \
                    not {t.at[start], t.at[end]} & t.protected:
                t.replace(start, start + 1, left, "quotes")
                t.replace(end, end + 1, right, "quotes")


class Punctuated(NamedTuple):
    chars: list[str]  # one string per original position ("" when dropped)
    fired: Counter  # how often each rule fired
    where: dict[str, int]  # the original position of each rule's first change


def punctuate(text: str, protected: set[int] | None = None) -> Punctuated:
    """The block's characters after the rules, the rules that fired, and where."""
    protected = set(protected or ())
    for m in URL.finditer(text):
        protected.update(range(*m.span()))
    t = _Text(text, protected)
    if not _HAS_HAN.search(text):  # English text (with its curly quotes) is never touched
        return Punctuated(t.chars, t.fired, t.where)
    while True:  # until nothing changes: a change can make the context of another (。:(1))
        before = sum(t.fired.values())
        _brackets(t)  # before the colon and comma rules, so （来源:作者） sees its full-width bracket
        _quotes(t)
        _apply(t, _COMPILED + _COMPILED_DOUBLED)
        if sum(t.fired.values()) == before:
            return Punctuated(t.chars, t.fired, t.where)


def punctuate_text(text: str) -> str:
    """`punctuate` on a plain string (tests, bench)."""
    return "".join(punctuate(text).chars)
