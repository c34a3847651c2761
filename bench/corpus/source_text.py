"""The author's prose of a source article, read without the pipeline's loaders (an independent view).

Markdown: the text minus front matter, the source line (`> 原文：…`, `> [原文链接](…)`), image syntax,
link targets (the link text stays), Medium link cards but their title (`[## Title ### blurb site](url)`),
reference definitions, a code fence's language, the numbers of an ordered list (the EPUB's <ol>
numbers its items), HTML tags and comments, URLs, and TeX formulas (`$$…$$`, `\[…\]`, `\(…\)`,
`\begin{…}…\end{…}`: the math stage typesets them, and the latex column counts those left as text).
Medium's HTML export: the title and the body section, minus the repeated title (`graf--title`),
images, scripts, and the export footer. Code stays: it is the author's too and the EPUB keeps it; fenced code is read verbatim (a link or a
tag written in it is code), but for its language.
"""
from __future__ import annotations

import html
import re
from pathlib import Path

from bs4 import BeautifulSoup

FRONT_MATTER = re.compile(r"\A\ufeff?\s*(?:---\s*\n.*?\n---|\+\+\+\s*\n.*?\n\+\+\+)\s*(?:\n|\Z)", re.S)
SOURCE_LINE = re.compile(r"^\s*>\s*(?:原文\s*[：:]|\[原文(?:链接)?\]|原文链接|"
                         r"\[`?(?:https?://)?[\w-]+(?:\.[\w-]+)+/[^\]]*`?\]\([^)]*\)\s*$)", re.M)  # > [`url`](url)
REF_DEFINITION = re.compile(r"^ {0,3}\[[^\]\n]+\]:\s*\S+.*$", re.M)
IMAGE = re.compile(r"!\[[^\]\n]*\](?:\((?:[^()\n]|\([^()\n]*\))*\)|\[[^\]\n]*\])")
LINK_CARDS = [  # Medium's embeds: [## Title ### blurb site](url), [**Title**  \n_blurb…_site](url "url")
    re.compile(r"\[\s*#{1,6}\s*(?P<title>[^\n\]]*)[^\]]{0,600}?\]\([^)\s]*\)"),
    re.compile(r"\[\*\*(?P<title>[^\n*\]]+)\*\*[ \t]*\n[ \t]*_[^\]]{0,600}?\]\([^)]*\)"),
]
_INLINE = r"(?:(?!\n[ \t]*\n).){0,500}?"  # \(…\) never crosses a blank line (a lone \( in a regex stays text)
_DISPLAY = r".{0,4000}?"  # \[…\], $$…$$ and environments may hold blank lines
MATH = re.compile(rf"\$\${_DISPLAY}\$\$|\\\[{_DISPLAY}\\\]|\\\({_INLINE}\\\)|"
                  rf"\\begin\{{(\w+\*?)\}}{_DISPLAY}\\end\{{\1\}}", re.S)
LINK = re.compile(r"\[([^\]\n]*)\]\((?:[^()\n]|\([^()\n]*\))*\)")
HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
HTML_TAG = re.compile(
    r"</?(?:mdspan|span|div|p|br|a|img|strong|em|b|i|u|sup|sub|figure|figcaption|code|pre|table|tr|td|th|"
    r"thead|tbody|ul|ol|li|h[1-6]|blockquote|iframe|script|style|hr|section|article|header|footer|details|"
    r"summary|center|font|small|big|mark|del|ins|s|kbd|var|cite|q|abbr|dl|dt|dd|picture|source|video|audio|"
    r"svg|path|noscript|figure)\b[^>]*>", re.I)
FENCE_INFO = re.compile(r"^([ \t>]*(?:`{3,}|~{3,}))[^\n`]*$", re.M)  # ```py: the language is no prose
LIST_NUMBER = re.compile(r"^((?:[ \t]*>)*[ \t]*)\d{1,9}[.)](?=[ \t]+\S)", re.M)  # 1. item: <ol> numbers it
URL = re.compile(r"<?(?:https?|ftp)://[^\s<>)\]]+>?|\bwww\.[^\s<>)\]]+|"
                 r"\b(?:[\w-]+\.)+(?:com|org|net|io|ai|dev|co|me|app|edu|gov)/[^\s<>)\]`]*")


FENCE_LINE = re.compile(r"^[ \t>]*(`{3,}|~{3,})")
HELD = "\ue000"  # a fenced block's place while the rest is read (a private-use character: no letter)


def hold_fenced_code(text: str) -> tuple[str, list[str]]:
    """Fenced code blocks out of the text (the EPUB keeps them verbatim, links and tags included)."""
    out, held, block, fence = [], [], [], ""
    for line in text.split("\n"):
        m = FENCE_LINE.match(line)
        if not fence:
            if m:
                fence = m.group(1)
                block = [line]
            else:
                out.append(line)
        else:
            rest = line[m.end():].strip(" \t`~") if m else ""
            closes = m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence)
            if closes and rest and not rest.startswith(("<", "![")):
                closes = False  # ```</details>: markup after the fence ends the code (pipeline load.fence-trailer)
            block.append(line[:m.end()] if closes else line)
            if closes:
                out.append(f"{HELD}{chr(0xE100 + len(held))}{HELD}" + (" " + rest if rest else ""))
                held.append("\n".join(block))
                fence = ""
    if fence:  # an unclosed fence runs to the end
        out.append(f"{HELD}{chr(0xE100 + len(held))}{HELD}")
        held.append("\n".join(block))
    return "\n".join(out), held


def markdown_prose(text: str) -> str:
    text = text.lstrip("\ufeff")
    m = FRONT_MATTER.match(text)
    if m:
        text = text[m.end():]
    text, held = hold_fenced_code(text)
    text = SOURCE_LINE.sub("", text)
    lines = [line for line in text.split("\n") if not SOURCE_LINE.match(line)]
    text = "\n".join(lines)
    text = REF_DEFINITION.sub("", text)
    text = FENCE_INFO.sub(r"\1", text)
    text = LIST_NUMBER.sub(r"\1", text)
    text = HTML_COMMENT.sub(" ", text)
    for card in LINK_CARDS:
        text = card.sub(lambda m: m.group("title"), text)  # the card's title stays, its blurb is no prose
    text = MATH.sub(" ", text)  # TeX is measured by the latex column, typeset or not
    for _ in range(2):  # [![](img)](url): the image first, then the link around it
        text = IMAGE.sub(" ", text)
        text = LINK.sub(r"\1", text)
    text = HTML_TAG.sub(" ", text)
    text = URL.sub(" ", text)
    text = html.unescape(text)
    for i, block in enumerate(held):
        text = text.replace(f"{HELD}{chr(0xE100 + i)}{HELD}", FENCE_INFO.sub(r"\1", block))
    return text


def html_prose(text: str) -> str:
    soup = BeautifulSoup(text, "lxml")
    for tag in soup.find_all(["head", "script", "style", "footer", "img", "noscript"]):
        tag.decompose()
    title = soup.find("h1")
    title_text = title.get_text(" ", strip=True) if title else ""
    body = soup.find("section", attrs={"data-field": "body"}) or soup.body or soup
    for dup in body.find_all(class_="graf--title"):
        if _letters(dup.get_text()) == _letters(title_text):
            dup.decompose()
    for br in body.find_all("br"):
        br.replace_with("\n")
    prose = "\n".join([title_text, body.get_text("\n")])
    return URL.sub(" ", prose)


def _letters(text: str) -> str:
    return "".join(c for c in text.casefold() if c.isalnum())


def article_prose(path: Path) -> str:
    """The author's prose of one source article."""
    raw = Path(path).read_bytes().decode("utf-8", "replace")
    if Path(path).suffix.lower() in (".html", ".htm", ".xhtml"):
        return html_prose(raw)
    return markdown_prose(raw)
