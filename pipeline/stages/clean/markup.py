"""Markup repairs: tags the web or a converter left broken.

- unknown elements with real attributes (`<mdspan datatext=… class=…>`) are unwrapped: their text
  stays, the tag goes;
- pseudo-tags the author meant as text (`<pattern>`, `List<Integer>`, `<input your password>`)
  come back as the literal text the source had (read from the source line when available);
- runaway emphasis: empty or doubled `<strong>`/`<em>`, stray `****` left in the text, and `**`
  whose pair a translation lost (`以上是关于**学习 Servlet`, `例子**`; `2**3` stays);
- Markdown bold left inside code blocks (`**x**` in a `<pre>`) becomes `x`, and a link a converter
  wrote around an address there (`git clone [https://…](https://…)`) becomes the address;
- a drop-cap image followed by the same letter becomes that letter.

Pseudo-tags keep the case of their source block (`List<Integer>`, not `List<integer>`); a closer
the source writes in the middle of a block (`<item> … </item>`) comes back as text; the closers a
converter's HTML parser stacked at the very end of a block (`…。</number></integer>`, its repair of
what it took for unclosed elements) are dropped, and logged.
"""
from __future__ import annotations

import re

from bs4 import NavigableString, Tag

from ...model import source_line
from ...tree import ancestor, decomposed, strings, tags
from ._dom import HEADINGS, has_media, log, loose_text, source_lines, text

RULE = "markup"
HTML_ELEMENTS = set("""a abbr address area article aside audio b base bdi bdo blockquote body br button canvas
caption cite code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption
figure footer form h1 h2 h3 h4 h5 h6 head header hgroup hr html i iframe img input ins kbd label legend li link
main map mark math menu meta meter nav noscript object ol optgroup option output p param picture pre progress q
rp rt ruby s samp script search section select slot small source span strong style sub summary sup svg table
tbody td template textarea tfoot th thead time title tr track u ul var video wbr center font big strike tt
time""".split())
FORM_LIKE = {"input", "select", "option", "textarea", "button", "label", "form", "object", "embed", "param",
             "source", "track", "area", "map", "base", "link", "meta", "title"}
CODE = frozenset({"pre", "code", "kbd", "samp"})
PRE_CODE = frozenset({"pre", "code"})
EMPHASIS = frozenset({"strong", "em", "b", "i"})
MARKER_BLOCKS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "td"})
BOLD_IN_CODE = re.compile(r"(?<![\w*])\*\*(?=\S)([^*\n]*?\S)\*\*(?![\w*])")
STARS_RUN = re.compile(r"\*{4,}")
LINK_IN_CODE = re.compile(r"\[((?:https?|ftp)://[^\s\]]+)\]\(((?:https?|ftp)://[^\s)]+)\)")
STARS = re.compile(r"(?<![*\\])\*{2,3}(?!\*)")  # a run of two or three: a bold or bold-italic marker
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")
_ASCII_WORD = re.compile(r"[A-Za-z0-9_)\]]")
# spellings the loader already made text (load/type_names.py: <Integer>, </Data>): not this element's
TYPE_NAME_TAG = re.compile(r"</?[A-Z](?:[A-Za-z0-9_]*[a-z][A-Za-z0-9_]*)?\s*>")


def _unpaired_markers(s: str, cjk_block: bool) -> str:
    """`s` without the bold markers CommonMark left as text because their pair was lost (a
    translation moved or dropped it): in a Chinese block, any such run not between two ASCII
    word characters (`2**3` stays); elsewhere, a run at the text's start or end with space or
    nothing beside it (`a ** b` stays)."""
    def keep(m) -> bool:
        before, after = s[m.start() - 1:m.start()], s[m.end():m.end() + 1]
        if _ASCII_WORD.match(before) and _ASCII_WORD.match(after or " ") and after not in ")]":
            return True
        if cjk_block or _CJK.match(before) or _CJK.match(after):
            return False
        at_edge = m.start() == 0 or m.end() == len(s)
        return not (at_edge and (not before or before.isspace()) and (not after or after.isspace()))
    return STARS.sub(lambda m: m.group(0) if keep(m) else "", s)


def run(chapter, ctx) -> None:
    body = chapter.body
    _unknown_tags(chapter, body)
    _emphasis(chapter, body)
    _bold_in_code(chapter, body)
    _drop_caps(chapter, body)


# ---------------------------------------------------------------- unknown and pseudo tags
def _is_pseudo(tag: Tag) -> bool:
    """A tag the author wrote as text: unknown (or a form element) with no attribute values."""
    if tag.name in HTML_ELEMENTS and tag.name not in FORM_LIKE:
        return False
    values = [v for k, v in tag.attrs.items() if k != "data-src-line"]
    return all(v in ("", []) for v in values)


def _window(tag: Tag, lines: list[str]) -> str:
    """The source lines of the block holding `tag`: from its line to the line before the next block."""
    line = source_line(tag)
    if not line or not lines:
        return ""
    nxt = tag.find_next(attrs={"data-src-line": True})
    end = int(nxt["data-src-line"]) - 1 if nxt is not None and nxt["data-src-line"].isdigit() else line + 40
    if end < line:  # on the same line (or out of order): the block's own line, at least
        end = line if end == line - 1 else line + 40
    return "\n".join(lines[line - 1: min(end, line + 40)])


def _nth(pattern: str, window: str, key, used: dict) -> str | None:
    """The next unused match of `pattern` in the block's source (the n-th call gets the n-th match)."""
    found = [m.group(0) for m in re.finditer(pattern, window, re.I) if not TYPE_NAME_TAG.fullmatch(m.group(0))]
    n = used.get(key, 0)
    used[key] = n + 1
    return found[n] if n < len(found) else None


def _original_spelling(tag: Tag, window: str, used: dict) -> str:
    """How the source wrote this tag ("<Your Python.exe Location>"), else a rebuilt "<name attrs>"."""
    rebuilt = "<" + " ".join([tag.name] + [k for k in tag.attrs if k != "data-src-line"]) + ">"
    if not window:
        return rebuilt
    key = (source_line(tag), tag.name)
    return _nth(r"<" + re.escape(tag.name) + r"(?:\s[^<>]*)?>", window, key, used) or rebuilt


def _closer(tag: Tag, window: str, used: dict) -> str | None:
    """The closing tag the source wrote for this pseudo-tag ("</Number>"), or None."""
    if not window:
        return None
    return _nth(r"</" + re.escape(tag.name) + r"\s*>", window, (source_line(tag), "/" + tag.name), used)


def _ends_block(tag: Tag) -> bool:
    """Nothing but white space follows `tag` up to the end of its block (through inline parents)."""
    node = tag
    while node is not None and node.name not in MARKER_BLOCKS and node.name not in ("body", "[document]"):
        for sib in node.next_siblings:
            if isinstance(sib, Tag) or str(sib).strip():
                return False
        node = node.parent
    return True


def _unknown_tags(chapter, body) -> None:
    lines: list[str] | None = None
    used: dict = {}
    stacked: dict = {}  # block -> the closers a converter stacked at its end, outermost first
    for tag in tags(body):
        if tag.parent is None or tag.name in HTML_ELEMENTS and tag.name not in FORM_LIKE:
            continue
        if ancestor(tag, PRE_CODE) is not None:
            tag.unwrap()
            continue
        if _is_pseudo(tag):
            if lines is None:
                lines = source_lines(chapter)
            window = _window(tag, lines)
            literal = _original_spelling(tag, window, used)
            closer = _closer(tag, window, used)
            log(chapter, RULE, f"pseudo-tag {literal} kept as text", tag, literal)
            tag.insert_before(NavigableString(literal))
            if closer and _ends_block(tag):
                block = ancestor(tag, MARKER_BLOCKS) or tag.parent
                stacked.setdefault(id(block), (block, []))[1].append(closer)
            elif closer:
                log(chapter, RULE, f"closing pseudo-tag {closer} kept as text", tag, closer)
                tag.append(NavigableString(closer))
            tag.unwrap()
        else:
            log(chapter, RULE, f"unknown tag <{tag.name}> unwrapped, its text kept", tag, loose_text(tag))
            tag.unwrap()
    for block, closers in stacked.values():
        written = "".join(reversed(closers))  # as the source has them: innermost first
        log(chapter, RULE, f"closing tags {written} a converter stacked at the end of the block removed (its "
            "repair of what it took for unclosed elements)", block, written)


# ---------------------------------------------------------------- emphasis
def _emphasis(chapter, body) -> None:
    for tag in tags(body, EMPHASIS):
        if tag.parent is None:
            continue
        if not text(tag) and not has_media(tag):
            log(chapter, RULE, f"empty <{tag.name}> removed", tag, str(tag.get_text()))
            tag.unwrap() if tag.contents else tag.decompose()
        elif tag.parent.name == tag.name and len([c for c in tag.parent.contents
                                                  if not (isinstance(c, NavigableString) and not c.strip())]) == 1:
            tag.unwrap()  # <strong><strong>x</strong></strong>: same text, one level
    for node in strings(body):
        if "*" not in node or node.parent is None or type(node) is not NavigableString:
            continue  # (a string without a star is never changed below)
        s = str(node)
        new = STARS_RUN.sub("", s)
        if re.fullmatch(r"[\s*]*\*\*[\s*]*", new):
            new = re.sub(r"\*", "", new)
        block = ancestor(node, MARKER_BLOCKS)
        if ancestor(node, CODE) is None and ancestor(node, frozenset({"math"})) is None:
            new = _unpaired_markers(new, block is not None and bool(_CJK.search(block.get_text())))
        if new != s and ancestor(node, CODE) is None:
            log(chapter, RULE, "stray Markdown emphasis markers removed", block or node.parent, s.strip())
            node.replace_with(new)
    for h in tags(body, HEADINGS):
        if not decomposed(h) and not text(h) and not has_media(h):  # decomposed: inside one removed before
            log(chapter, RULE, "heading made only of emphasis markers removed", h, "")
            h.decompose()


# ---------------------------------------------------------------- code
def _bold_in_code(chapter, body) -> None:
    for pre in body.find_all("pre"):
        found: list[str] = []
        links: list[str] = []
        for node in strings(pre):
            s = str(node)
            found += [m.group(0) for m in BOLD_IN_CODE.finditer(s)]
            new = BOLD_IN_CODE.sub(r"\1", s)
            links += [m.group(0) for m in LINK_IN_CODE.finditer(new) if _same_address(m)]
            new = LINK_IN_CODE.sub(lambda m: m.group(1) if _same_address(m) else m.group(0), new)
            if new != s:
                node.replace_with(new)
        if found:
            log(chapter, RULE, "Markdown bold markers inside a code block removed", pre, " ".join(found))
        if links:
            log(chapter, RULE, "Markdown links a converter wrote inside a code block made their address again",
                pre, " ".join(links))


def _same_address(m) -> bool:
    """`[https://x](https://x)`: a converter's link around an address, not code that means it."""
    return m.group(1).rstrip("/") == m.group(2).rstrip("/")


# ---------------------------------------------------------------- drop caps
def _drop_caps(chapter, body) -> None:
    for img in list(body.find_all("img")):
        alt = (img.get("alt") or "").strip()
        if len(alt) != 1 or not alt.isalpha():
            continue
        nxt = img.next_sibling
        while isinstance(nxt, NavigableString) and not nxt.strip():
            nxt = nxt.next_sibling
        following = nxt if isinstance(nxt, NavigableString) else None
        if following is None and isinstance(nxt, Tag):
            following = next((s for s in nxt.descendants if isinstance(s, NavigableString) and s.strip()), None)
        if following is None:
            continue
        if str(following).lstrip()[:1].lower() == alt.lower():
            log(chapter, RULE, f"drop-cap image of the letter {alt} removed (the letter stays)", img,
                img.get("src", ""))
            between = img.next_sibling
            while isinstance(between, NavigableString) and not between.strip() and between is not following:
                nb = between.next_sibling
                between.extract()
                between = nb
            img.decompose()
            following.replace_with(str(following).lstrip())

