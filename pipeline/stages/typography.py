"""Typography: the space between Han characters and Latin letters or digits.

WeasyPrint has no `text-spacing`, and EPUB reading systems rarely apply it, so the stage puts the
space in the text itself, the same in both editions: a plain space (a quarter em in Noto CJK,
clreq's recommended gap, and a justification point), only where the author left none. Spaces an
author or a converter left beside full-width punctuation (`中文 ，` / `（ 注 ）` / `shell 。`) are removed:
the punctuation carries its own space (clreq 3.1.6). Code, kbd and samp are never touched.

Before the spacing, ASCII punctuation in Chinese sentences becomes full width and doubled end
punctuation is collapsed (`cjk_punctuation.py`, a table of rules run over each block's text with
its inline elements joined; `[typography] cjk_punctuation = false` turns it off). Every change is
logged: one `typography.punctuation` diagnostic per block and rule that fired, one
`typography.spacing` summary per chapter.
"""
from __future__ import annotations

import re

from bs4 import NavigableString
from bs4.element import Comment

from .cjk_punctuation import DESCRIPTIONS, OBJECT, punctuate

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
LATIN = r"A-Za-z0-9\u00c0-\u024f"
_HAN_LATIN = re.compile(rf"([{HAN}])([{LATIN}])")
_LATIN_HAN = re.compile(rf"([{LATIN}%])([{HAN}])")
FULLWIDTH_PUNCT = "\u3001\u3002\uff0c\uff0e\uff1a\uff1b\uff01\uff1f\u300c\u300d\u300e\u300f\uff08\uff09\u3010\u3011\u300a\u300b\u3008\u3009"
_OPENING = "\u300c\u300e\uff08\u3010\u300a\u3008"
_SPACE_BEFORE_PUNCT = re.compile(rf"(?<=[^\s\u00a0\u3000])[ \u00a0\u3000]+(?=[{FULLWIDTH_PUNCT}])")
_SPACE_AFTER_PUNCT = re.compile(rf"(?<=[{FULLWIDTH_PUNCT}])[ \u00a0]+(?=[^\s\u00a0\u3000])")
_SPACE_AFTER_OPENING = re.compile(rf"(?<=[{_OPENING}])[ \u00a0]+")
_SPACE_BY_QUOTE = re.compile(rf"(?<=[{HAN}])[ \u00a0]+(?=[\u201c\u201d\u2018\u2019])|(?<=[\u201c\u201d\u2018\u2019])[ \u00a0]+(?=[{HAN}])")
_IS_HAN = re.compile(rf"[{HAN}]")
_IS_LATIN = re.compile(rf"[{LATIN}]")
SKIP = {"pre", "code", "kbd", "samp", "script", "style", "math"}
BLOCKS = {"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "figcaption", "blockquote",
          "dd", "dt", "div", "section", "figure", "body", "aside", "summary"}


def space_text(text: str) -> str:
    """Put a space between Han and Latin letters or digits where there is none; take away the
    spaces beside full-width punctuation."""
    text = _SPACE_BEFORE_PUNCT.sub("", text)
    text = _SPACE_AFTER_PUNCT.sub("", text)
    text = _SPACE_AFTER_OPENING.sub("", text)
    text = _SPACE_BY_QUOTE.sub("", text)  # Chinese quotes are full width in a CJK face
    return _LATIN_HAN.sub(r"\1 \2", _HAN_LATIN.sub(r"\1 \2", text))


def _block_of(node):
    for parent in node.parents:
        if parent.name in BLOCKS:
            return parent
    return None


def _space_before(node) -> None:
    """A space before `node`, outside the inline elements it opens (`这是 <b>Python</b>`)."""
    target = node
    while (target.parent is not None and target.previous_sibling is None
           and target.parent.name not in BLOCKS and target.parent.name not in SKIP):
        target = target.parent
    before = target.previous_sibling
    if isinstance(before, NavigableString) and not isinstance(before, Comment):
        before.replace_with(NavigableString(str(before) + " "))
    else:
        target.insert_before(NavigableString(" "))


def _text_nodes(body):
    """(text node, protected) in document order; protected inside code, kbd, samp, math..."""
    for node in list(body.descendants):
        if isinstance(node, NavigableString) and not isinstance(node, Comment):
            yield node, any(p.name in SKIP for p in node.parents)


def punctuation(chapter) -> None:
    """Full-width punctuation in Chinese sentences, block by block (cjk_punctuation.RULES)."""
    by_block: dict[int, tuple] = {}
    for node, protected in _text_nodes(chapter.body):
        block = _block_of(node)
        by_block.setdefault(id(block), (block, []))[1].append((node, protected))
    for block, nodes in by_block.values():
        text, protect, spans = "", set(), []
        for node, protected in nodes:
            piece = OBJECT if protected else str(node)
            if protected:
                protect.add(len(text))
            spans.append((node, protected, len(text), len(text) + len(piece)))
            text += piece
        if not _IS_HAN.search(text):
            continue
        chars, fired, where = punctuate(text, protect)
        if not fired:
            continue
        for node, protected, start, end in spans:
            new = "".join(chars[start:end])
            if not protected and new != str(node):
                node.replace_with(NavigableString(new))
        for rule, count in sorted(fired.items()):
            chapter.log("info", "typography.punctuation", f"{DESCRIPTIONS[rule]} ({count}x)",
                        block, text=_excerpt(text, chars, where[rule]))


def _excerpt(before: str, chars: list[str], at: int, width: int = 24) -> str:
    """The text around a rule's first change, before and after: "老师说:学习 -> 老师说：学习"."""
    start = max(0, at - width // 2)
    after = "".join(chars[start:start + width])
    return f"{before[start:start + width].strip()} -> {after.strip()}"


def titles(chapter, ctx) -> None:
    """The same rules on the chapter's title and subtitle (`meta`), which left the body in clean:
    `推荐系统:机器学习最有价值的应用(上)` -> `推荐系统：机器学习最有价值的应用（上）`."""
    opts = ctx.config.typography
    for key in ("title", "subtitle"):
        old = chapter.meta.get(key)
        if not isinstance(old, str) or not _IS_HAN.search(old):
            continue
        new = "".join(punctuate(old).chars) if opts.cjk_punctuation else old
        new = space_text(new) if opts.cjk_latin_spacing else new
        if new != old:
            chapter.log("info", "typography.punctuation", f"chapter {key} set with Chinese punctuation and spacing",
                        text=f"{old} -> {new}")
            chapter.meta[key] = new


def run(chapter, ctx) -> None:
    titles(chapter, ctx)
    if ctx.config.typography.cjk_punctuation:
        punctuation(chapter)
    if not ctx.config.typography.cjk_latin_spacing:
        return
    prev_text, prev_block = "", None  # the text before, for spacing across inline tags
    changed = 0
    for node, protected in _text_nodes(chapter.body):
        if protected:
            prev_text, prev_block = "", None
            continue
        block = _block_of(node)
        text = str(node)
        new = space_text(text)
        if new != text:
            replacement = NavigableString(new)
            node.replace_with(replacement)
            node = replacement
            changed += 1
        if prev_block is block and new:
            before, after = prev_text[-1:], new[:1]
            if (_IS_HAN.match(before) and _IS_LATIN.match(after)) or \
                    (_IS_LATIN.match(before) and _IS_HAN.match(after)):
                _space_before(node)
                changed += 1
        if new.strip():
            prev_text, prev_block = new, block
    if changed:
        chapter.log("info", "typography.spacing",
                    f"{changed} text runs spaced between Han and Latin or unspaced beside full-width punctuation")
