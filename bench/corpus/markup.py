"""Source markup the build left as text: raw Markdown, LaTeX, code blocks that ate prose, and
link-card or outro remains. Each finder takes a chapter body and returns the texts of its hits.

Text inside <pre>, <code>, <kbd>, <samp> and <math> is code or rendered math, never a hit of the
text finders (a `###` in a code block is the author's code). A raw link is `](` before a link target
(`p[0](⋅)` is notation); an outro is one of the last blocks that is a call to action (follow,
subscribe, clap, connect, newsletter…), not an author's conclusion that ends with one.
"""
from __future__ import annotations

import re

from .chapters import blocks, text_of

# `](` then what reads as a link's target: a URL, a path with `/`, a file or host name with a dot and a
# word after it, an `#anchor`; not an author's notation such as `p[0](⋅)`, `f[k](x)` or `t[0](0.5)`
LINK_TARGET = (r"\]\(\s*<?(?:(?:https?|ftp|mailto|file):|www\.|#[\w-]+\s*\)|\.{0,2}/|[\w%.~-]*/"
               r"|[\w%~-]+(?:\.[\w%~-]+)*\.[A-Za-z][\w-]{1,9}\s*(?:[)/?#]|\s+[\"']))")
# (what, pattern) over a block's text outside code; a block counts once per kind
MARKDOWN = [
    ("link", re.compile(LINK_TARGET)),
    ("image", re.compile(r"!\[")),
    ("fence", re.compile(r"```|~~~")),
    ("heading", re.compile(r"^[ \t]*(?:#{1,6}[ \t]|#{1,6}\d|#{2,6}\S)", re.M)),
    ("bold", re.compile(r"\*\*")),
    ("underscore", re.compile(r"(?<![\w_])__(?=[^\s_(])[^\n]*?(?<=[^\s_])__(?![\w_])")),  # a __pair__, not __name
]
DUNDER = re.compile(r"\b__\w+?__\b")  # __init__ named in prose is a name, not emphasis
LATEX = re.compile(r"\\(?:frac|dfrac|sum|prod|int|sqrt|text|mathbf|mathrm|mathcal|mathbb|left|right|cdot|times|"
                   r"alpha|beta|gamma|delta|theta|lambda|sigma|mu|pi|epsilon|hat|bar|partial|infty|leq|geq|"
                   r"approx|begin|end|log|exp)(?![A-Za-z])|\$\$|\\\(.*?\\\)|\\\[.*?\\\]", re.S)
CJK = re.compile(r"[\u3400-\u9fff]")
CJK_STOP = re.compile(r"[，。！？；：]")
CODE_LIKE = re.compile(r"[=;{}\"'<>|│┃]|^\s*(?:#|//|--|/\*|\*|%|>>>|\$ )")
MD_HEADING = re.compile(r"^#{1,6}\s+\S", re.M)  # in code, a heading counts beside prose only (`### step` is a comment)
MD_IN_CODE = re.compile(r"!\[[^\]]*\]\(|\[[^\]]+\]\((?:https?:|/|img/)|^\s*>\s*[\u3400-\u9fff]", re.M)
DOMAIN = r"(?:[\w-]+\.)+(?:com|org|net|io|ai|dev|co|me|app|blog|pub|xyz|so)"
LINK_CARD = [
    re.compile(rf"^(?:www\.)?{DOMAIN}$", re.I),  # medium.com alone (a card's footer; a URL is the author's link)
    re.compile(r"\[\s*#{1,6}"),  # [## Title
    re.compile(rf"^#{{1,6}}\s.*\s{DOMAIN}$", re.I),  # ## Title ### subtitle medium.com
]
# calls to action, one sentence each: follow, subscribe, clap, connect, newsletter, membership, tips
CALLS_TO_ACTION = [re.compile(p, re.I) for p in (
    r"before you go|在你走之前|在您走之前|在你离开之前|在您离开之前",
    r"\bfollow (?:me|us|\w+ on)\b|关注我|请关注|(?:在|on) (?:medium|twitter|linkedin)\s*上?关注|关注.{0,12}(?:medium|twitter|推特|领英|linkedin|公众号)",
    r"(?:^|[—–:]\s*|please\s+|and\s+|consider\s+)subscrib|\bsubscribe\s+to\s+(?:my|our)\b|newsletter|"
    r"(?:^|请|立即|今天|考虑)订阅|订阅(?:我|这个博客|本博客|我们的)|时事通讯|通讯(?=$|[，。！!])",  # not `subscribe the consumer`
    r"\bclaps?\b|👏|鼓掌|拍手|点赞",
    r"\bconnect with (?:me|us)\b|与我联系|和我联系",
    r"join medium|加入\s*medium|become a (?:medium )?member|成为.{0,6}会员|referral link|推荐链接",
    r"buy me a coffee|请我喝.{0,2}咖啡|patreon",
    r"\bcomment (?:below|down below)\b|在下面(?:的)?评论|(?:请|欢迎)(?:在下方)?留言",
)]
SENTENCE_END = re.compile(r"(?<=[。！？!?])\s*|(?<=[.])\s+")
OUTRO_TAIL = 8  # an outro is one of the last blocks of a chapter
MAX_OUTRO = 400


def markdown_left(body) -> list[str]:
    hits = []
    for block in blocks(body):
        text = text_of(block)
        plain = DUNDER.sub("", text)
        kinds = [kind for kind, rx in MARKDOWN if rx.search(plain)]
        if kinds:
            hits.append(f"[{','.join(kinds)}] {text.strip()}")
    return hits


def latex_left(body) -> list[str]:
    return [text_of(b).strip() for b in blocks(body) if LATEX.search(text_of(b))]


def prose_line(line: str) -> bool:
    """A line of a code block that is a sentence of prose, Chinese or English."""
    s = line.strip()
    if not s or CODE_LIKE.search(s):
        return False
    cjk = len(CJK.findall(s))
    if cjk >= 8 and cjk * 2 >= len(s.replace(" ", "")) and CJK_STOP.search(s):
        return True
    words = s.split()
    return len(words) >= 10 and s[0].isupper() and s[-1] in ".!?:" and not re.search(r"[()\[\]]", s)


def swallowed(pre, chinese: bool = False) -> str:
    """Why a <pre> looks like it ate prose, or ''. In a Chinese chapter only Chinese sentences are
    the author's prose: English sentences in its code are the program's data (a sample text)."""
    text = pre.get_text()
    if MD_IN_CODE.search(text):
        return "markdown"
    lines = [ln for ln in text.split("\n") if ln.strip()]
    prose = [ln for ln in lines if prose_line(ln) and (not chinese or CJK.search(ln))]
    if prose and MD_HEADING.search(text):
        return "markdown"
    size = sum(len(ln.strip()) for ln in lines) or 1
    if len(prose) >= 5 or (len(prose) >= 2 and sum(len(ln.strip()) for ln in prose) * 2 >= size):
        return "prose"
    return ""


def code_swallowed_prose(body) -> list[str]:
    hits = []
    outside = "".join(t for t in body.find_all(string=True) if not t.find_parent("pre"))
    chinese = len(CJK.findall(outside)) * 3 >= len(outside.replace(" ", "")) > 0
    for pre in body.find_all("pre"):
        why = swallowed(pre, chinese)
        if why:
            lines = [ln for ln in pre.get_text().split("\n") if ln.strip()]
            first = next((ln for ln in lines if prose_line(ln) or MD_IN_CODE.search(ln)), lines[0] if lines else "")
            hits.append(f"[{why}] {first.strip()}")
    return hits


def _letters(text: str) -> int:
    return sum(1 for c in text if c.isalnum())


def call_to_action(text: str) -> bool:
    """A block that is a call to action: it opens with one, or its calls to action hold at least half
    its letters. An author's conclusion that ends with a `follow me` (`This brings us to the end of the
    article… do give some claps`) is the author's paragraph, not a remain."""
    sentences = [s for s in SENTENCE_END.split(text) if s.strip()]
    calls = [s for s in sentences if any(rx.search(s.strip()) for rx in CALLS_TO_ACTION)]
    if not calls:
        return False
    return calls[0] is sentences[0] or 2 * sum(map(_letters, calls)) >= sum(map(_letters, sentences))


def link_card_outro(body) -> list[str]:
    hits = []
    found = blocks(body)
    tail = set(map(id, found[-OUTRO_TAIL:]))
    for block in found:
        text = " ".join(text_of(block).split())
        if not text:
            continue
        if any(rx.search(text) for rx in LINK_CARD) or "mixtape" in " ".join(block.get("class") or []):
            hits.append(f"[card] {text}")
        elif id(block) in tail and len(text) <= MAX_OUTRO and call_to_action(text):
            hits.append(f"[outro] {text}")
    return hits


def images_missing(body) -> list[str]:
    return [el.get_text(" ", strip=True) for el in body.find_all(class_="image-missing")]
