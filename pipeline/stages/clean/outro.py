"""Outros: the calls to action that close web articles ("follow me on Twitter", "subscribe",
"clap", "connect with me", "关注我", "如果你喜欢这篇文章，请分享…") leave the book.

The rule works from position and structure, in Chinese and English:
- only the last blocks of the article are looked at (its tail: the last `TAIL` text blocks);
- a block is an outro when every sentence in it is a call to action or a pleasantry
  ("thanks for reading", "happy coding") and at least one is a call to action; a paragraph
  that also says something else stays whole;
- a sentence of only emoji or punctuation counts as a pleasantry, the author's one-line bio ("I
  write about …", "我主要撰写关于…的文章") counts as one beside a call to action, and a line of
  links to social profiles and nothing else ("LinkedIn | GitHub | X") is a call to action;
- a closing section whose heading is an outro heading ("Before you go", "Before you leave",
  "在你走之前", "在您离开之前", "临走前", "与我联系", "订阅我们的通讯"; or a short paragraph, often
  bold, saying only that) goes with its content when that content is calls to action, images and
  their short credit lines, or alone when nothing follows it; when calls to action open it and the
  author's prose follows, the heading and the calls to action go and the prose stays;
- a heading left with nothing under it after that goes too;
- a paragraph of the tail that mixes the author's sentences with the platform's calls to action
  ("Thank you for reading to the end. Click on the clap icon below, … connect with me on Twitter.
  Happy Reading!") loses those sentences (links in them too) and keeps the rest; a call to share
  or comment written into the author's own sentences ("如果你喜欢这个做法，也可以分享给同事") stays.
A Twitter mention in the middle of the article is never looked at.
"""
from __future__ import annotations

import re

from bs4 import Tag
from bs4.element import Comment

from ...tree import first
from ._dom import HEADINGS, blocks, has_media, is_blank, is_footnotes, log, remove, split_sentences, squash, text

RULE = "outro"
TAIL = 8
CTA = re.compile(
    r"关注我|欢迎关注|关注(作者|本号|我们)|关注.{0,12}(medium|twitter|推特|领英|linkedin|公众号|专栏|博客|youtube|频道|账号|主页)|"
    r"订阅|鼓掌|拍手|点赞|👏|留言|请.{0,10}评论|在下面评论|下方评论|评论区|发表评论|留下.{0,6}评论|"
    r"分享给|分享.{0,10}(朋友|同事|他人)|(与|和|跟).{0,12}(朋友|同事).{0,8}分享|联系我|与我联系|连线|"
    r"联系.{0,10}(领英|linkedin|twitter|推特|邮件)|成为.{0,8}会员|加入.{0,12}(会员|邮件列表|通讯|社群|medium)|"
    r"时事通讯|新闻通讯|(每周|每月|我们的|电子)通讯|通讯.{0,4}订阅|电子报|快讯|报名参加|如果(你|您)(喜欢|觉得|认为).{0,16}(这篇|本文|文章|帖子|故事|内容)|"
    r"找到我|支持我|请我喝|"
    r"\bfollow (me|us|him|her|them|\w+ on)\b|\bfollow for more\b|\bsubscrib|\bclap|\bconnect with (me|us|him|her)\b|"
    r"\blet'?s (connect|stay in touch)\b|\breach (out )?to (me|us|him|her)\b|\breach out to \w+ (via|on|at)\b|"
    r"\bget in touch\b|\bbecome a (medium )?member\b|\bjoin (medium|my|our)\b|\bnewsletter\b|\bmailing list\b|"
    r"\bbuy me a coffee\b|\bshare (it|this|the article|this article|this post|this story)? ?with\b|"
    r"\bleave (a|your) (comment|response|reply)|\bcomments? (out )?below\b|\bin the comments\b|"
    r"\bfeel free to (reach|contact|connect|comment|ask)\b|\bcheck out my (other|previous|latest) "
    r"(articles|posts|stories|work)\b|\bfind me on\b|\bsupport (me|my (work|writing))\b|\bpatreon\b|\bko-fi\b|"
    r"\bif you (liked|enjoyed|found|like|enjoy) (this|the|my) (article|post|story|piece|read)\b|"
    r"\bstay tuned for (more|my next)\b", re.I)
PLEASANTRY = re.compile(
    r"^(thanks?( you)?( so much| very much)?( for (reading|your time|stopping by))?|happy (coding|learning|reading|"
    r"hacking)|cheers|stay (safe|tuned|curious)|until next time|see you.{0,20}|good luck|enjoy|regards|best|"
    r"hope (you|this|it).{0,60}|i hope (you|this|it).{0,60}|peace|ciao|"
    r"感谢(您|你)?(的)?(阅读|关注|支持|观看)?.{0,16}|谢谢(您|你)?(的)?(阅读|关注|支持)?.{0,10}|敬请期待.{0,6}|"
    r"祝.{0,12}|希望.{0,30}(喜欢|有用|有帮助|帮助|收获).{0,6}|干杯|下次见|回头见|编码快乐|快乐编码|问候|"
    r"保持学习.{0,10}|不断学习.{0,20})[\s!！.。~～:)）(（\-😊🙂😁🙏❤️]*$", re.I)
OUTRO_HEADING = re.compile(
    r"^[\W_]*(before you (go|leave)|one last thing|(在|趁)?(你|您)?(走|离开)之?前|临走(之)?前|离开之前|"
    r"stay (connected|in touch)|let'?s (connect|stay in touch)|connect with me|get in touch( with me)?|"
    r"follow me|关注我|(与|和|跟)我联系|联系我|保持联系|support (me|my work)|want more\??|more from me|"
    r"(订阅|关注)(我们|我)的.{0,6}(通讯|简报|周刊|邮件列表|newsletter)|subscribe to (our|my|the) newsletter)[\W_]*$", re.I)
# the calls to action cut out of a paragraph that also holds the author's sentences: the platform's
# own (follow, clap, subscribe, connect, membership, tips), never "share it with your colleagues" or
# "comment below", which an author may write as part of the text
STRONG_CTA = re.compile(
    r"关注我|欢迎关注|关注.{0,12}(medium|twitter|推特|领英|linkedin|公众号|专栏|youtube|频道|账号|主页)|"
    r"(请|欢迎|记得|别忘了).{0,4}订阅|订阅(我|我们|本|这个)|鼓掌|拍手|点赞|👏|"
    r"联系.{0,10}(领英|linkedin|twitter|推特)|(领英|linkedin|twitter|推特|微信|公众号|medium).{0,8}(联系|关注|找到)(我|我们)|成为.{0,8}会员|加入.{0,12}(会员|邮件列表|通讯|medium)|请我喝|"
    r"\bfollow (me|us) (on|for)\b|\bfollow for more\b|\bsubscrib|\bclap|\bconnect with (me|us)\b|"
    r"\bbecome a (medium )?member\b|\bnewsletter\b|\bbuy me a coffee\b|\bpatreon\b|\bko-fi\b", re.I)
# a sentence of only emoji, symbols and punctuation ("😁", "👏👏") closes an outro like a pleasantry
_SYMBOLS_ONLY = re.compile(r"^[\W_\s]*$")
# the author's one-line bio that follows a call to action ("I write about Rust and Python.")
BIO = re.compile(r"^(i|we) (mainly |mostly |usually |often |typically |tend to )*(write|post|blog|tweet|publish)\b"
                 r".{0,80}\b(about|on|articles?|posts?|stories|newsletters?)\b|"
                 r"^(我|我们).{0,8}(撰写|写|发布|分享|更新).{0,40}(文章|内容|帖子|笔记|博客)", re.I)
# a line of social links: names of networks and sites, separators and emoji, nothing else
SOCIAL = re.compile(r"linkedin|领英|twitter|推特|x|github|medium|youtube|instagram|facebook|脸书|mastodon|bluesky|"
                    r"threads|substack|tiktok|website|网站|博客|blog|邮箱|email|e-mail|mail|个人主页|主页|homepage|"
                    r"newsletter|微信|weibo|微博|知乎|kaggle|discord|telegram|reddit", re.I)
HEADING_LIKE = 40  # a paragraph this short (often bold) that says "Before you go" acts as a heading


def _shape(block) -> str | list[str]:
    """What block_kind tells without reading the sentences: 'image', 'blank', 'heading' or 'text';
    else the block's sentences, for block_kind to read."""
    if not isinstance(block, Tag):
        return "blank" if is_blank(block) else "text"
    words = text(block)  # (is_blank and is_image_only, with the text read once)
    if not words and not has_media(block) or block.name == "hr":
        return "blank"
    if block.name == "img" or not words and first(block, ("img",)) is not None:
        return "image"
    if block.name in HEADINGS:
        return "heading"
    if block.name not in ("p", "blockquote", "ul", "ol", "div", "h6"):
        return "text"
    sentences = split_sentences(words)
    return sentences or "blank"


def block_kind(block) -> str:
    """'cta', 'pleasantry', 'image', 'blank', 'heading' or 'text'."""
    sentences = _shape(block)
    if isinstance(sentences, str):
        return sentences
    if _social_links(block):
        return "cta"
    kinds = ["cta" if CTA.search(s) else
             "pleasantry" if len(s) <= 60 and (PLEASANTRY.match(s) or _SYMBOLS_ONLY.match(s)) else
             "bio" if len(s) <= 100 and BIO.search(s) else "text"
             for s in sentences]
    if "text" in kinds or "bio" in kinds and "cta" not in kinds:
        return "text"
    return "cta" if "cta" in kinds else "pleasantry"


def _social_links(block) -> bool:
    """A block of links to the author's profiles and nothing else ("💼LinkedIn | 😺GitHub | 🕊️X")."""
    links = block.find_all("a") if isinstance(block, Tag) else []
    if not links:
        return False
    rest = SOCIAL.sub("", text(block))
    return bool(SOCIAL.search(text(block))) and not re.search(r"\w", rest)


def run(chapter, ctx) -> None:
    body = chapter.body
    shapes = [(b, _shape(b)) for b in blocks(body) if not is_footnotes(b)]  # the sentences' kinds
    texty = [b for b, shape in shapes if shape not in ("blank", "image")]  # matter in the tail only
    tail = texty[-min(TAIL, max(3, (len(texty) + 2) // 3)):]  # the end, never the middle
    if not tail:
        return
    # closing sections under an outro heading
    # (a section is judged by all its content, so its heading is looked for in the last TAIL
    # blocks even in a short article, where `tail` is its last third)
    for h in [b for b in texty[-TAIL:] if _outro_heading(b)]:
        section = []
        level = int(h.name[1]) if h.name in HEADINGS else 7  # a paragraph "Before you go": up to any heading
        for sib in h.find_next_siblings():
            if sib.name in HEADINGS and int(sib.name[1]) <= level or is_footnotes(sib):
                break
            section.append(sib)
        kinds = [block_kind(s) for s in section]
        ok = all(k in ("cta", "pleasantry", "image", "blank") or
                 (k == "text" and i and kinds[i - 1] == "image" and len(text(section[i])) <= 80)
                 for i, k in enumerate(kinds))
        if ok and ("cta" in kinds or not section):
            for s in section:
                remove(chapter, RULE, s, "outro section content removed")
            remove(chapter, RULE, h, "outro heading removed")
        elif kinds and kinds[0] == "cta":  # calls to action, then the author's prose: the prose stays
            lead = len(kinds) if "text" not in kinds else kinds.index("text")
            for s in section[:lead]:
                if kinds[section.index(s)] != "text":
                    remove(chapter, RULE, s, "outro section content removed (the prose after it kept)")
            remove(chapter, RULE, h, "outro heading removed")
    removed_any = False
    last = tail[-1]
    if last.parent is not None and last.name in HEADINGS and CTA.search(text(last)):
        remove(chapter, RULE, last, "call to action as the article's last heading removed")  # "Subscribe to …"
        removed_any = True
    for block in tail:
        if block.parent is None:
            continue
        kind = block_kind(block)
        if kind == "cta":
            remove(chapter, RULE, block, "call to action at the end of the article removed")
            removed_any = True
        elif kind == "text" and block.name == "p":
            _cut_calls_to_action(chapter, block)
    if removed_any:
        _dangling_headings(chapter, body)


def _outro_heading(block) -> bool:
    """An outro heading ("Before you go", "在你走之前"), or a short paragraph saying only that."""
    if not isinstance(block, Tag) or not OUTRO_HEADING.match(text(block)):
        return False
    return block.name in HEADINGS or block.name == "p" and len(text(block)) <= HEADING_LIKE


def _dangling_headings(chapter, body) -> None:
    """Headings at the very end that lost all their content to the outro rule, and a paragraph
    "Before you go" left there alone."""
    while True:
        last = [b for b in blocks(body) if not is_footnotes(b) and not is_blank(b)]
        if not last or not (last[-1].name in HEADINGS or _outro_heading(last[-1])):
            return
        remove(chapter, RULE, last[-1], "heading left without content after the outro removed")


_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=\.)\s+|\n+")
_TRIM = " \t\n-—–·•*_"


def _sentence_spans(raw: str) -> list[tuple[int, int]]:
    """Where each sentence of `raw` starts and ends (split as split_sentences splits a paragraph)."""
    spans, start = [], 0
    for m in list(_SENTENCE_END.finditer(raw)) + [None]:
        end = m.start() if m else len(raw)
        piece = raw[start:end]
        lead = len(piece) - len(piece.lstrip(_TRIM))
        if piece.strip(_TRIM):
            spans.append((start + lead, start + len(piece.rstrip(_TRIM))))
        start = m.end() if m else len(raw)
    return spans


def _cut_calls_to_action(chapter, p: Tag) -> None:
    """The calls to action of a paragraph that also holds the author's sentences cut out of it."""
    strings = [s for s in p.find_all(string=True) if not isinstance(s, Comment)]
    raw = "".join(strings)
    spans = _sentence_spans(raw)
    cuts = [(a, b) for a, b in spans if STRONG_CTA.search(raw[a:b])]
    if not cuts or len(cuts) == len(spans):
        return
    # each cut takes the spaces after it, so that the sentences either side meet with one
    cuts = [(a, b + len(raw[b:]) - len(raw[b:].lstrip())) for a, b in cuts]
    offset = 0
    for s in strings:
        lo, hi = offset, offset + len(s)
        offset = hi
        kept = "".join(ch for i, ch in enumerate(str(s), lo) if not any(a <= i < b for a, b in cuts))
        if kept != str(s):
            s.replace_with(kept) if kept else s.extract()
    for tag in p.find_all(True):  # a link or emphasis whose words were all cut
        if tag.parent is not None and not text(tag) and not has_media(tag):
            tag.decompose()
    log(chapter, RULE, "calls to action cut from the article's closing paragraph, the rest kept", p,
        " ".join(squash(raw[a:b]) for a, b in cuts))
