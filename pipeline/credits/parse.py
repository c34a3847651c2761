"""A credit line (its text and its links) -> a structured `Credit`, or None.

`parse_line` reads a whole line as a credit. `split_fused` finds a credit at the end of a caption
(`…7 种统计分布。卢克·切瑟在 Unsplash 上拍摄的照片。`, `Caption (Source)`, `Caption – 图片由作者提供`)
and says where the caption ends. Neither fires on an ordinary sentence: a credit is short and all
of it must fit one family.
"""
from __future__ import annotations

import re
import unicodedata

from ..model import Credit
from . import links as L
from .families import ARTICLE_NOTES, AUTHOR_TOKENS, AUTHOR_WORDS, COMPILED, DATE, IN_SENTENCE

MAX_CREDIT = 140  # characters: longer is prose, not a credit line
_WRAP = re.compile(r"^[\s*_“”\"'「」]*[(（\[【]\s*(.*?)\s*[)）\]】][\s*_“”\"'。.．]*$")
_SENTENCE_STARTS = re.compile(r"^(我们|我|你|让我们|但是|因为|所以|现在|然后|如果|这里|这是|首先|接下来|we |i |you |let|this |it )",
                              re.I)
_DATE = re.compile(DATE)
_PERMISSION = re.compile(r"\s*[，,;；(（]\s*(?:经(?:过)?(?:其|作者|原作者)?(?:许可|授权|同意)(?:使用|转载)?|已获(?:得)?(?:许可|授权)(?:使用)?|"
                         r"(?:used|reproduced|shared)\s+with\s+(?:kind\s+)?permission)\s*[)）]?$", re.I)
# a tool's name after "Image by author, using": Excalidraw, Power BI, matplotlib
_LICENCE_TAIL = re.compile(r"\s*[，,;；(（]\s*(?:CC[\s-]*BY(?:[\s-]*(?:SA|NC|ND))*(?:[\s-]*\d\.\d)?|CC0(?:\s*1\.0)?|"
                           r"public\s+domain|公有领域|公共领域)\s*[)）]?$", re.I)
_TOOL_NAME = re.compile(r"[A-Z0-9][\w.+#-]*(?:\s+[A-Z0-9][\w.+#-]*){0,2}|[a-z][\w.+#-]*")
_AUTHOR_FIRST = re.compile(r"(?:the\s+)?(?:author|me|myself)\b", re.I)
_PROSE = re.compile(r"\b(?:we|i|you|they|our|us|was|were|did|asked|ran)\b", re.I)
_BARE_NOUN = re.compile(r"照片|图片|图像|相片|图|插图|影像|image|photo|picture|pic", re.I)
LICENCES = [
    (re.compile(r"公有领域|公共领域|public\s+domain", re.I), "public domain"),
    (re.compile(r"\bCC0\b[\s\d.]*", re.I), None),
    (re.compile(r"\bCC[\s-]*BY(?:[\s-]*(?:SA|NC|ND))*(?:[\s-]*\d\.\d)?", re.I), None),
    (re.compile(r"\bGFDL\b", re.I), "GFDL"),
    (re.compile(r"(?:^|[，,\s])CC$"), "CC"),
]


def normalize(text: str) -> str:
    """One line, NFKC (full-width punctuation to ASCII), no wrapping emphasis, parentheses or stop."""
    t = unicodedata.normalize("NFKC", text or "")
    t = re.sub(r"[\u200b-\u200f\ufeff]", "", t)
    t = re.sub(r"\s+", " ", t).strip()
    for _ in range(3):
        m = _WRAP.match(t)
        if m and "(" not in m.group(1) and ")" not in m.group(1):
            t = m.group(1)
        t = t.strip(" *_\"'“”").rstrip("。.．;；").strip()
    return t


def _link_for(name: str, links: list[tuple[str, str]]) -> str:
    n = normalize(name).lower()
    if not n:
        return ""
    for text, href in links:
        if normalize(text).lower() == n:
            return href
    for text, href in links:
        lt = normalize(text).lower()
        if lt and (lt in n or n in lt) and min(len(lt), len(n)) >= 2:
            return href
    return ""


def licence_in(text: str) -> str:
    for rx, name in LICENCES:
        m = rx.search(text or "")
        if m:
            return name or re.sub(r"\s+", " ", m.group(0)).strip().upper().replace("CC BY", "CC BY")
    return ""


def author_credit(t: str) -> Credit | None:
    """图片由作者提供, 作者截图, (来源:作者), 图由作者来自 wandb.ai, 由作者通过 DALL-E 生成的图像, ..."""
    if not any(w in t for w in AUTHOR_WORDS) or len(t) > 60:
        return None
    rest = re.sub(r"[\s:：,，。()（）–—|/]+", " ", t)
    name = ""
    m = re.match(r"^(?P<a>[^，,]{1,30}?)\s*[，,]\s*本文作者", t)
    if m:
        name = m.group("a").strip()
        rest = rest.replace(name, " ", 1)
    for tok in AUTHOR_TOKENS:
        rest = rest.replace(tok, " ")
    rest = re.sub(r"\s+", " ", _DATE.sub(" ", rest)).strip()  # 作者截图（2025 年 3 月）
    kind = "screenshot" if "截图" in t else "author"
    rest = rest.strip(" .-")
    if not rest:
        return Credit(kind=kind, creator=name)
    tool = L.tool_by_name(rest)
    if tool or L.looks_like_url(rest) or re.fullmatch(r"[A-Za-z][A-Za-z0-9.+-]{0,24}", rest):
        return Credit(kind=kind, creator=name, platform=tool or rest)  # 图由作者来自 wandb.ai
    return None


def _check_name(name: str, max_len: int = 40) -> bool:
    n = (name or "").strip()
    return bool(n) and len(n) <= max_len and not re.search(r"[。！？!?;；|:：]", n)


def _latinish(name: str) -> bool:
    return bool(re.fullmatch(r"[\w .·&'+@/-]{1,40}", name or "", re.ASCII | re.I)) or L.looks_like_url(name)


def _resolve_platform(cr: Credit, s: str, links) -> bool:
    """Fill platform and its link from the captured site name; False if it is not a site."""
    s = (s or "").strip()
    if not s:
        return True
    href = _link_for(s, links)
    known = L.platform_by_name(s) or (L.platform_of_url(href) if href else None) or \
        (L.platform_by_name(L.host(L.url_from_text(s))) if L.looks_like_url(s) else None)
    if not (known or href or _latinish(s)):
        return False
    cr.platform = known[0] if known else s
    cr.platform_url = L.clean_url(href) if href and not L.is_creator_url(href) else (known[1] if known else "")
    if L.looks_like_url(s) and not cr.platform_url:
        cr.platform_url = L.url_from_text(s)
    return True


def _resolve_creator(cr: Credit, a: str, links) -> None:
    a = (a or "").strip()
    if not a:
        return
    href = _link_for(a, links)
    known = L.platform_by_name(a)
    if known and not cr.platform:  # "picture by reddit.com": a site, not a person
        cr.platform, cr.platform_url = known[0], L.clean_url(href) or known[1]
        return
    cr.creator = a
    if href:
        cr.creator_url = L.clean_url(href)
    if L.looks_like_url(a) and not href:
        cr.creator_url = L.url_from_text(a)


def _source_rest(rest: str, links, depth: int) -> Credit | None:
    rest = rest.strip()
    if re.fullmatch(r"(?:the\s+)?(?:author|作者|自制|原创|本人|own\s+work|me)", rest, re.I):
        return Credit(kind="author")
    inner = parse_line(rest, links, depth + 1) if depth < 1 else None
    if inner is not None and inner.kind != "source":
        return inner
    cr = Credit(kind="source")
    cr.licence = licence_in(rest)
    body = rest
    if cr.licence:
        body = re.sub(r"\s*[,，]\s*(CC[\w\s.-]*|公有领域|公共领域|public domain)\s*$", "", body, flags=re.I).strip()
    if L.looks_like_url(body) or re.match(r"https?://", body):
        href = _link_for(body, links) or (links[-1][1] if links else "")
        url = L.clean_url(href) if href else L.url_from_text(body)
        known = L.platform_of_url(url)
        cr.platform = known[0] if known else L.host(url)
        cr.platform_url = url
        return cr
    if not body or len(body) > 100 or re.search(r"[。！？!?;；]", body):
        return None
    if len(body.split()) >= 8 and _PROSE.search(body):
        return None  # "Source: the survey we ran for three months across …" opens a paragraph of text
    _resolve_creator(cr, body, links)
    if not cr.creator_url and links and not cr.platform_url:
        cr.creator_url = L.clean_url(links[-1][1])
    return cr


def parse_line(text: str, links: list[tuple[str, str]] | None = None, depth: int = 0) -> Credit | None:
    """The credit a whole line states, or None. `links` are the line's (text, href) pairs."""
    links = list(links or [])
    t = normalize(text)
    if not t or len(t) > MAX_CREDIT or "\n" in t:
        return None
    cr = None
    for tail in (_PERMISSION, _LICENCE_TAIL):  # 图片由 NASA 提供，经许可使用 / Photo by A via Flickr, CC BY 2.0
        m = tail.search(t)
        if m is None or m.start() == 0 or cr is not None:
            continue
        cr = parse_line(t[:m.start()], links, depth + 1)
        if cr is not None and not cr.licence:
            cr.licence = licence_in(m.group(0)) if tail is _LICENCE_TAIL else \
                "经许可使用" if re.search(r"[\u4e00-\u9fff]", m.group(0)) else "used with permission"
    if cr is None:
        cr = author_credit(t)
    if cr is None:
        cr = _match_families(t, links, depth)
    if cr is None:
        return None
    cr.note = t
    if not cr.licence:
        cr.licence = licence_in(t) if cr.kind in ("licence", "source", "photo") else ""
    return cr


def _match_families(t: str, links, depth: int) -> Credit | None:
    for fam, kind, rx in COMPILED:
        m = rx.match(t)
        if not m:
            continue
        g = {k: (v or "").strip() for k, v in m.groupdict().items()}
        if fam.startswith("source"):
            if fam == "source-alone":
                if not links:
                    continue
                href = L.clean_url(links[-1][1])
                known = L.platform_of_url(href)
                return Credit(kind="source", platform=known[0] if known else L.host(href), platform_url=href)
            cr = _source_rest(g["rest"], links, depth)
            if cr is None:
                continue
            return cr
        if fam == "url":
            href = _link_for(g["url"], links)
            url = L.clean_url(href) if href else L.url_from_text(g["url"])
            known = L.platform_of_url(url)
            return Credit(kind="source", platform=known[0] if known else L.host(url), platform_url=url)
        cr = Credit(kind=kind)
        if kind == "tool":
            tool = g.get("t", "")
            canon = L.tool_by_name(tool)
            if len(tool) > 30 or (not canon and fam == "zh-tool-bare"):
                continue
            if not canon and not (_latinish(tool) or fam == "zh-tool-by"):
                continue  # "由 plot_box_scatter 函数创建的图表" is a caption, not a credit
            href = _link_for(tool, links)
            cr.platform = canon or tool
            cr.platform_url = L.clean_url(href) if href else ""
            known = L.platform_by_name(tool)
            if known:
                cr.platform, cr.platform_url = known[0], cr.platform_url or known[1]
            if g.get("a"):
                if "作者" in g["a"]:
                    cr.kind = "tool"
                else:
                    _resolve_creator(cr, g["a"], links)
            if g.get("w") and re.search(r"迷因|表情包|梗图|meme", g.get("w", ""), re.I):
                cr.note = "meme"
            return cr
        if g.get("a") and (not _check_name(g["a"], 60) or _BARE_NOUN.fullmatch(g["a"])):
            continue
        if g.get("s") and not _resolve_platform(cr, g["s"], links):
            continue
        if fam in ("zh-a-on-s", "zh-by-on", "zh-a-from-s") and not cr.platform:
            continue
        if fam == "zh-platform" and not cr.platform:
            continue
        if fam == "en-from" and not (g.get("s") or links or L.looks_like_url(g["a"]) or L.platform_by_name(g["a"])
                                     or re.match(r"^(image|picture|photo|screenshot)", t, re.I)):
            continue  # "from the data" is not a credit; "Image from X" and "from dreamstime.com" are
        if g.get("a") and _SENTENCE_STARTS.match(g["a"]):
            continue
        if g.get("a") and kind != "author" and _AUTHOR_FIRST.match(g["a"]):
            continue  # "Diagram by the author, showing …": the author's own image, the caption going on
        _resolve_creator(cr, g.get("a", ""), links)
        if g.get("b") and not cr.creator:  # 网络图片: from the web
            cr.creator = g["b"]
        if g.get("data"):  # 作者根据世界银行数据绘制: the author's image, its data's source kept
            cr.platform = g["data"]
        if g.get("url"):
            if not L.looks_like_url(g["url"]):
                continue  # 图片由作者提供：左为原始数据 is a credit and a caption, not a link
            url = L.url_from_text(g["url"])
            known = L.platform_of_url(url)
            cr.platform = cr.platform or (known[0] if known else L.host(url))
            cr.platform_url = cr.platform_url or L.clean_url(url)
        if kind == "screenshot" and g.get("w"):
            cr.platform = g["w"]
        if g.get("lic"):
            cr.licence = licence_in(g["lic"]) or g["lic"]
        if kind == "author" and g.get("t"):
            if not (L.tool_by_name(g["t"]) or L.looks_like_url(g["t"]) or _TOOL_NAME.fullmatch(g["t"])):
                continue  # "Diagram by the author, showing the three stages": a caption goes on, not a tool
            cr.platform = L.tool_by_name(g["t"]) or g["t"]
        if kind == "author" and t.lower().startswith("screenshot"):
            cr.kind = "screenshot"
        if kind == "licence" and not cr.platform:
            cr.platform, cr.platform_url = "Wikimedia Commons", "https://commons.wikimedia.org"
        if not (cr.creator or cr.platform or cr.licence or kind in ("author", "screenshot")):
            continue
        return cr
    return None


_SEPARATORS = re.compile(r"(?:[。！？!?；;|]|\n|\.(?=\s|$)|\s[–—-]{1,2}\s|——|[–—]|[，,](?=\s*(?:图片|图像|照片|由|photo|image)))")
_SOURCE_LINK_WORDS = {"source", "sources", "来源", "src", "credit", "image source", "图片来源", "出处", "link"}


def split_fused(text: str, links: list[tuple[str, str]] | None = None) -> tuple[int, Credit] | None:
    """(end of the caption in `text`, the credit) for a caption with a credit at its end, else None."""
    links = list(links or [])
    raw = text.rstrip()
    stripped = raw.rstrip("。.．*_ ")
    # a trailing parenthetical: 图 1：事实核查管道（作者创建）, Feature map ([source](…))
    m = re.search(r"[(（]([^()（）]{1,80})[)）]\s*$", stripped)
    if m and m.start() > 0:
        inner = m.group(1)
        inner_links = [lk for lk in links if normalize(lk[0]) and normalize(lk[0]) in normalize(inner)]
        cr = parse_line(inner, inner_links)
        if cr is None and inner.strip().lower() in _SOURCE_LINK_WORDS and inner_links:
            cr = parse_line(inner, inner_links)
        if cr is not None:
            return m.start(), cr
    # a trailing link named "Source": Image augmentation [Source](…)
    if links and normalize(links[-1][0]).lower() in _SOURCE_LINK_WORDS:
        word = links[-1][0].strip()
        idx = stripped.rfind(word)
        if idx > 0 and not stripped[idx + len(word):].strip(" )）"):
            cr = parse_line(word, [links[-1]])
            if cr is not None:
                cut = idx
                while cut > 0 and raw[cut - 1] in " ([（–—-":
                    cut -= 1
                return cut, cr
    # a credit after a separator: the longest tail that is a whole credit wins
    for sep in _SEPARATORS.finditer(raw):
        tail = raw[sep.end():]
        if not normalize(tail):
            continue
        tail_links = [lk for lk in links if normalize(lk[0]) and normalize(lk[0]) in normalize(tail)]
        cr = parse_line(tail, tail_links)
        if cr is not None and normalize(raw[:sep.start()]):
            keep = sep.end() if raw[sep.start()] in "。！？!?.;；" else sep.start()
            return keep, cr
    return None


def split_lead(text: str, links: list[tuple[str, str]] | None = None) -> tuple[int, Credit] | None:
    """(start of the caption in `text`, the credit) for a line that opens with a credit and goes on
    with a caption (`图片由作者提供：左为原始数据，右为处理后的数据`), else None."""
    links = list(links or [])
    raw = text.rstrip()
    for sep in _LEAD_SEPARATORS.finditer(raw):
        head, tail = raw[:sep.start()], raw[sep.end():]
        if not normalize(tail) or not normalize(head):
            continue
        head_links = [lk for lk in links if normalize(lk[0]) and normalize(lk[0]) in normalize(head)]
        cr = parse_line(head, head_links)
        if cr is not None and cr.kind != "source":
            return sep.end(), cr
    return None


_LEAD_SEPARATORS = re.compile(r"\n|[。！？!?；;|:：]|\.(?=\s)|\s[–—-]{1,2}\s|——|[–—]")
_IN_SENTENCE = [(fam, kind, re.compile(p, re.I)) for fam, kind, p in IN_SENTENCE]
_ARTICLE_NOTES = [(fam, kind, re.compile(p, re.I)) for fam, kind, p in ARTICLE_NOTES]
MAX_NOTE = 100  # characters: an article-wide credit note is one short sentence


def credit_in_sentence(text: str) -> Credit | None:
    """The author's credit stated inside a caption sentence (`由作者绘制的模型架构图`), or None.
    Only asked of a caption-like line in a figure's caption block; the sentence stays as the caption."""
    t = normalize(text)
    if not t or len(t) > MAX_CREDIT:
        return None
    for _fam, kind, rx in _IN_SENTENCE:
        if rx.search(t):
            return Credit(kind=kind, note=t)
    return None


def article_note(text: str) -> Credit | None:
    """A note that credits all the article's images (`除非另有说明，所有图片均由作者提供`), or None."""
    t = normalize(text)
    if not t or len(t) > MAX_NOTE or _SENTENCE_STARTS.match(t):
        return None
    for _fam, kind, rx in _ARTICLE_NOTES:
        m = rx.search(t)
        if m is None:
            continue
        if kind == "tool":  # 所有图片均由 Midjourney 生成: only a tool the table knows
            tool = L.tool_by_name((m.groupdict().get("t") or "").strip())
            if not tool:
                continue
            return Credit(kind=kind, platform=tool, note=t)
        return Credit(kind=kind, note=t)
    return None


_INNER_PAREN = re.compile(r"\s*[(（]([^()（）]{1,60})[)）]")


def split_inner(text: str, links: list[tuple[str, str]] | None = None) -> tuple[int, int, Credit] | None:
    """(start, end, the credit) for a parenthetical credit inside a caption sentence (`模型架构图（图片由作者
    提供），左侧是编码器`, `The encoder (image by author) on the left`): the caption is the text around it."""
    links = list(links or [])
    for m in _INNER_PAREN.finditer(text):
        if not normalize(text[:m.start()]) or not normalize(text[m.end():]):
            continue  # at an end: split_fused's (or a lead credit's) business
        inner = m.group(1)
        inner_links = [lk for lk in links if normalize(lk[0]) and normalize(lk[0]) in normalize(inner)]
        cr = parse_line(inner, inner_links)
        if cr is not None and (cr.kind != "source" or inner_links or re.match(r"\s*(?:来源|图片来源|source)", inner, re.I)):
            return m.start(), m.end(), cr
    return None
