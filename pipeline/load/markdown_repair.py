"""Markdown that CommonMark would print raw, read as the author meant it: a markdown-it-py plugin
(`md.use(markdown_repairs)`), working on the block state and the token stream, never on HTML text.

Rules, each a row of `REPAIRS` (name -> what the reader gets), each logged as `load.<name>`:

- `fence-trailer` (block rule, before `fence`): a closing fence with more on its line
  (```` ```</details> ![](a.png) ````) is no closing fence for CommonMark, so the code block swallows
  the rest of the article. When an open fence meets, before any real closer, a line that starts with
  a run of its marker at least as long as the opener and goes on with markup or text (`<tag`, `![`,
  `[`, `*`, a Chinese character: never an info string), the code ends there and the parser goes on
  *on that same line* after the marker run (the line's start is moved in the block state), so the
  rest is read as HTML or Markdown and every later block keeps its source line. A block rule and
  not a pre-pass over the lines: it only ever sees lines inside an open fence (a longer opener, a
  tilde fence, a ```` ```python ```` after a real closer are left to the library's rule), and
  the line numbers do not move.
- `html-trailer` (core rule, after `block`): an HTML block followed on its line by Markdown
  (`<figure>…</figure>![](b.png)`, `<script …></script>[text](url)`, `</details> ![](a.png)`) is all
  raw HTML for CommonMark. Text outside every element of the block (found by the HTML tokenizer,
  not a pattern) that parses as inline Markdown (a link, image, emphasis, code) is cut off the
  block and parsed as Markdown blocks.
- `code-span-link` (core rule, after `inline`): a code span that holds one Markdown link or image and
  nothing else (`` `[JdbcTemplate](https://…)` ``) becomes that link (its text kept as code when it
  is one name, not prose) or image. A span with anything else in it (`` `foo([a](b))` ``) stays code.
- `broken-link` (inline rule, after `link`): `[text](http://Java Tutorial (FREE))`, an address with
  spaces (the translation turned the link text into the address): the text is kept, the address
  dropped; when only the path has spaces (`https://a.org/My File.pdf`) they are encoded instead.
- `punctuation-link` (core rule, after `inline`): a link whose text is only punctuation
  (`projects[.](https://bit.ly/x)`) keeps the punctuation as text; the link goes.

Notes for the chapter's diagnostics are left in `env["pressroom_repairs"]` as
(rule, message, line, text); `notes(env)` reads them.
"""
from __future__ import annotations

import unicodedata
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .cjk import is_cjk

REPAIRS = {
    "fence-trailer": "markup after a closing code fence, on its line: the code ends there, the rest is read",
    "html-trailer": "Markdown after an HTML block, on its line: read as Markdown",
    "code-span-link": "a Markdown link or image written inside a code span: made a link or image",
    "broken-link": "a link address with spaces (the link text turned into an address): text kept, address dropped",
    "broken-link-encoded": "spaces in a link's path: encoded as %20",
    "punctuation-link": "a link on punctuation only: the punctuation kept, the link dropped",
}
FENCE_TRAILER_STARTS = ("<", "![", "[", "*")  # after a marker run: markup or text, never an info string
VOID = frozenset("area base br col embed hr img input link meta param source track wbr".split())
MARKDOWN_INLINE = frozenset({"link_open", "image", "em_open", "strong_open", "s_open", "code_inline"})
NOTES = "pressroom_repairs"
MAX_ADDRESS = 2000  # a broken address is looked for this far on its line, no further


def note(env: dict, rule: str, line: int | None, text: str = "") -> None:
    env.setdefault(NOTES, []).append((rule, REPAIRS[rule], line, text))


def notes(env: dict) -> list[tuple[str, str, int | None, str]]:
    return env.get(NOTES, [])


# -- fence-trailer -------------------------------------------------------------------------------

def _fence_closed_by_markup(state, start: int, end: int, silent: bool) -> bool:
    if silent or state.is_code_block(start):
        return False  # the library's fence rule answers for the opener
    pos, maximum = state.bMarks[start] + state.tShift[start], state.eMarks[start]
    if pos + 3 > maximum or state.src[pos] not in "`~":
        return False
    marker = state.src[pos]
    length = state.skipCharsStr(pos, marker) - pos
    info = state.src[pos + length:maximum]
    if length < 3 or (marker == "`" and "`" in info):
        return False
    line = start
    while True:
        line += 1
        if line >= end:
            return False
        pos, maximum = state.bMarks[line] + state.tShift[line], state.eMarks[line]
        if pos < maximum and state.sCount[line] < state.blkIndent:
            return False  # the fence ends with its list item: the library's rule
        if pos >= maximum or state.src[pos] != marker or state.is_code_block(line):
            continue
        after = state.skipCharsStr(pos, marker)
        if after - pos < length:
            continue
        rest = state.skipSpaces(after)
        if rest >= maximum:
            return False  # a real closing fence: the library's rule
        if state.src.startswith(FENCE_TRAILER_STARTS, rest) or is_cjk(state.src[rest]):
            break
    token = state.push("fence", "code", 0)
    token.info = info
    token.content = state.getLines(start + 1, line, state.sCount[start], True)
    token.markup = marker * length
    token.map = [start, line + 1]
    note(state.env, "fence-trailer", line + 1, state.src[rest:maximum])
    state.bMarks[line] = rest  # the line goes on after the marker run, at the same indentation
    state.tShift[line] = 0
    state.line = line
    return True


# -- html-trailer --------------------------------------------------------------------------------

class _OutsideText(HTMLParser):
    """The offset of the first non-blank text outside every element, after at least one tag."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=False)
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
        self.open: list[str] = []
        self.seen_tag = False
        self.found: int | None = None

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.starts[line - 1] + col

    def handle_starttag(self, tag, attrs):
        self.seen_tag = True
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.seen_tag = True

    def handle_endtag(self, tag):
        self.seen_tag = True
        if tag in self.open:
            del self.open[len(self.open) - 1 - self.open[::-1].index(tag):]

    def handle_comment(self, data):
        self.seen_tag = True

    def handle_data(self, data):
        if self.found is None and self.seen_tag and not self.open and data.strip():
            self.found = self._offset() + len(data) - len(data.lstrip())


def _is_markdown(md: MarkdownIt, text: str) -> bool:
    tokens = md.parseInline(text, {})
    return any(child.type in MARKDOWN_INLINE for tok in tokens for child in tok.children or [])


def _split_html_trailers(state) -> None:
    out: list[Token] = []
    for tok in state.tokens:
        cut = _trailer_offset(state.md, tok) if tok.type == "html_block" and tok.map else None
        if cut is None:
            out.append(tok)
            continue
        html, rest = tok.content[:cut], tok.content[cut:]
        first = tok.map[0] + html.count("\n")
        html_token = Token("html_block", "", 0, content=html.rstrip(" \t") + "\n", block=True,
                           map=[tok.map[0], first + 1], level=tok.level)
        out.append(html_token)
        parsed: list[Token] = []
        state.md.block.parse(rest, state.md, state.env, parsed)
        for new in parsed:
            if new.map:
                new.map = [new.map[0] + first, new.map[1] + first]
            new.level += tok.level
        out.extend(parsed)
        note(state.env, "html-trailer", first + 1, rest.strip()[:200])
    state.tokens[:] = out


def _trailer_offset(md: MarkdownIt, tok: Token) -> int | None:
    finder = _OutsideText(tok.content)
    try:
        finder.feed(tok.content)
        finder.close()
    except Exception:  # noqa: BLE001  malformed markup the tokenizer gives up on: leave the block
        return None
    if finder.found is None or not _is_markdown(md, tok.content[finder.found:]):
        return None
    return finder.found


# -- inline: the line of the block being parsed, broken links ------------------------------------

def _inline_with_lines(state) -> None:
    """The library's core `inline` rule, telling the inline rules which line they are on."""
    for token in state.tokens:
        if token.type == "inline":
            state.env["pressroom_line"] = token.map[0] + 1 if token.map else None
            if token.children is None:
                token.children = []
            state.md.inline.parse(token.content, state.md, state.env, token.children)
    state.env.pop("pressroom_line", None)


def _line(state) -> int | None:
    first = state.env.get("pressroom_line")
    return None if first is None else first + state.src.count("\n", 0, state.pos)


def _broken_link(state, silent: bool) -> bool:
    """`[text](http://words with spaces)`, which the link rule refused."""
    if state.src[state.pos] != "[":
        return False
    label_end = state.md.helpers.parseLinkLabel(state, state.pos, True)
    if label_end < 0 or not state.src.startswith("(", label_end + 1):
        return False
    depth, close = 0, label_end + 1
    limit = min(state.posMax, close + MAX_ADDRESS)
    while close < limit:
        ch = state.src[close]
        if ch == "\n":
            return False
        depth += (ch == "(") - (ch == ")")
        if depth == 0:
            break
        close += 1
    if close >= limit:
        return False
    address = state.src[label_end + 2:close].strip()
    if not address.lower().startswith(("http://", "https://")) or not any(c.isspace() for c in address) \
            or any(q in address for q in "\"'<>"):
        return False
    if silent:
        return True
    line = _line(state)
    host = urlsplit(address.split()[0]).netloc
    label = state.src[state.pos + 1:label_end]
    if "." in host and host == urlsplit(address).netloc:
        href = quote(address, safe=":/?#[]@!$&'()*+,;=%~")
        state.push("link_open", "a", 1).attrs = {"href": href}
        _inline_label(state, label_end)
        state.push("link_close", "a", -1)
        note(state.env, "broken-link-encoded", line, address)
    elif _punctuation(label):
        state.push("text", "", 0).content = label.strip()
        note(state.env, "broken-link", line, f"[{label}]({address})")
    else:
        _inline_label(state, label_end)
        note(state.env, "broken-link", line, address)
    state.pos = close + 1
    return True


def _inline_label(state, label_end: int) -> None:
    old_max, state.posMax = state.posMax, label_end
    state.pos += 1
    state.md.inline.tokenize(state)
    state.posMax = old_max


def _punctuation(text: str) -> bool:
    return bool(text.strip()) and all(unicodedata.category(c)[0] in "PZ" for c in text)


# -- after inline: code spans holding a link, links on punctuation -------------------------------

def _repair_inline(state) -> None:
    for tok in state.tokens:
        if tok.type != "inline" or not tok.children:
            continue
        line = tok.map[0] + 1 if tok.map else None
        kids: list[Token] = []
        for child in tok.children:
            made = _code_span_link(state.md, child) if child.type == "code_inline" else None
            if made:
                note(state.env, "code-span-link", line, child.content)
                kids.extend(made)
            else:
                kids.append(child)
        tok.children = _unlink_punctuation(state.env, kids, line)


def _code_span_link(md: MarkdownIt, span: Token) -> list[Token] | None:
    text = span.content.strip()
    if not text.startswith(("[", "![")) or not text.endswith(")"):
        return None
    parsed = md.parseInline(text, {})
    kids = parsed[0].children if parsed else []
    if not kids:
        return None
    if len(kids) == 1 and kids[0].type == "image":
        return kids
    if kids[0].type != "link_open" or kids[-1].type != "link_close" \
            or any(k.type == "link_open" for k in kids[1:]):
        return None
    inner = kids[1:-1]
    if len(inner) == 1 and inner[0].type == "text" and inner[0].content and not any(
            c.isspace() or is_cjk(c) for c in inner[0].content):  # a name (`JdbcTemplate`), not prose
        code = Token("code_inline", "code", 0, content=inner[0].content, markup="`")
        return [kids[0], code, kids[-1]]
    return kids


def _unlink_punctuation(env: dict, kids: list[Token], line: int | None) -> list[Token]:
    out: list[Token] = []
    i = 0
    while i < len(kids):
        k = kids[i]
        if (k.type == "link_open" and i + 2 < len(kids) and kids[i + 1].type == "text"
                and kids[i + 2].type == "link_close" and _punctuation(kids[i + 1].content)):
            note(env, "punctuation-link", line, f"[{kids[i + 1].content}]({k.attrGet('href')})")
            kids[i + 1].content = kids[i + 1].content.strip()
            out.append(kids[i + 1])
            i += 3
            continue
        out.append(k)
        i += 1
    return out


def markdown_repairs(md: MarkdownIt) -> None:
    md.block.ruler.before("fence", "fence_trailer", _fence_closed_by_markup)
    md.core.ruler.after("block", "html_trailer", _split_html_trailers)
    md.core.ruler.at("inline", _inline_with_lines)
    md.inline.ruler.after("link", "broken_link", _broken_link)
    md.core.ruler.after("inline", "repair_inline", _repair_inline)
