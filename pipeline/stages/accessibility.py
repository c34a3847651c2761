"""Accessibility: the last chapter stage. What it guarantees, for every chapter, is what the EPUB's
metadata may then declare (`pipeline/emit/accessibility.py` checks it again before it claims
EPUB Accessibility 1.1 / WCAG 2.2 AA):

- headings: below the chapter title (the template's h1), from h2, never skipping a level, quoted
  headings included;
- images: an informative image (in a figure, or with alt text) has non-empty alt text, from its
  alt, its caption or its credit; a generic alt ("图片", "image", a file name) counts as none.
  Any other image is decorative: `alt=""` and `role="presentation"`. A placeholder for a missing
  image (`role="img"`) keeps an `aria-label`;
- links: none without an accessible name (a link around a decorative image is named after its
  target); an ambiguous text ("click here", "这里", "link") gets an `aria-label` from the sentence
  it stands in, which contains the visible text (WCAG 2.5.3, label in name);
- tables: header cells are `<th scope>`; a first row that is clearly a header is promoted; a
  "Table 3: …" / "表 3：…" paragraph right before the table becomes its caption;
- code blocks: `role="figure"` with an `aria-label` naming the language ("Python code", "代码（Python）");
- language: a whole paragraph, list item, blockquote or heading in another language (English in a
  Chinese book, Chinese/Japanese/Korean in an English one) gets `lang` and `xml:lang`; only when
  the text is long enough to tell and unmixed.

Every change is logged (`accessibility.*`), so `pressroom build --explain` shows it.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

from bs4 import NavigableString, Tag

from ..tree import HEADINGS, ancestor, ancestor_with, first, squash, tags, with_attr

GENERIC_ALT = re.compile(
    r"^(?:图片?|圖片?|图像|照片|插图|截图|image|img|picture|pic|photo|figure|screenshot|untitled|"
    r"null|none|alt|\d+|[\w\-. ]+\.(?:png|jpe?g|gif|webp|svg))$", re.I)
AMBIGUOUS_LINK = re.compile(
    r"^(?:click\s+here|here|this|link|this\s+link|more|read\s+more|learn\s+more|see\s+more|go|"
    r"这里|此处|点击这里|点击此处|点这里|请点击这里|请点击|点击|链接|此链接|这个链接|更多|阅读更多|了解更多|查看更多)"
    r"[\s.!。！:：]*$", re.I)
TABLE_CAPTION = re.compile(r"^(?:表\s*\d+(?:[.\-]\d+)*|Table\s+\d+(?:[.\-]\d+)*)\s*[.:：、．]?\s*\S", re.I)
LANG_BLOCKS = frozenset({"p", "li", "blockquote", "h2", "h3", "h4", "h5", "h6", "figcaption", "dd", "dt", "td", "th"})
SENTENCE_BLOCKS = frozenset({"p", "li", "td", "th", "dd", "figcaption", "blockquote", "h2", "h3", "h4", "h5", "h6"})
PRE_CODE = frozenset({"pre", "code"})
PRE_TABLE = frozenset({"pre", "table"})
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
KANA = re.compile(r"[\u3040-\u30ff]")
HANGUL = re.compile(r"[\uac00-\ud7af]")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
ENGLISH_FUNCTION_WORDS = {
    "the", "a", "an", "and", "or", "of", "to", "in", "on", "is", "are", "was", "were", "be", "it", "that",
    "this", "for", "with", "as", "at", "by", "from", "not", "but", "you", "we", "i", "they", "he", "she",
    "have", "has", "will", "can", "your", "my", "our", "their", "its", "if", "so", "what", "who", "when",
}
CODE_NAMES = {"py": "Python", "python": "Python", "python3": "Python", "js": "JavaScript",
              "javascript": "JavaScript", "ts": "TypeScript", "sh": "Shell", "bash": "Bash",
              "shell": "Shell", "console": "Shell", "sql": "SQL", "java": "Java", "json": "JSON",
              "yaml": "YAML", "yml": "YAML", "html": "HTML", "xml": "XML", "css": "CSS", "r": "R",
              "go": "Go", "c": "C", "cpp": "C++", "c++": "C++", "csharp": "C#", "cs": "C#",
              "kotlin": "Kotlin", "scala": "Scala", "rust": "Rust", "ruby": "Ruby", "php": "PHP",
              "dockerfile": "Dockerfile", "docker": "Dockerfile", "toml": "TOML", "ini": "INI",
              "text": "", "plaintext": "", "none": ""}


def base_language(lang: str) -> str:
    return (lang or "").split("-")[0].lower()


def words(lang: str) -> dict[str, str]:
    if base_language(lang) == "zh":
        return {"code": "代码", "code_in": "代码（{name}）", "link": "链接：{target}", "sep": "：",
                "image_link": "链接到 {target}", "missing": "图片"}
    return {"code": "Code", "code_in": "{name} code", "link": "Link: {target}", "sep": ": ",
            "image_link": "Link to {target}", "missing": "Image"}


# ------------------------------------------------------------------ headings
def headings(chapter) -> None:
    """h2 at most for the first heading under the title; each next one at most one level deeper."""
    previous = 1
    for h in tags(chapter.body, HEADINGS):
        level = int(h.name[1])
        fixed = max(2, min(level, previous + 1))
        if fixed != level:
            chapter.log("info", "accessibility.heading", f"heading h{level} -> h{fixed} (no skipped level)", h,
                        squash(h.get_text(" ")))
            h.name = f"h{fixed}"
            for entry in chapter.headings:  # the TOC's outline follows
                if h.get("id") and entry.get("id") == h["id"]:
                    entry["level"] = fixed
        previous = fixed


# ------------------------------------------------------------------ images
def _alt_from_figure(figure: Tag) -> str:
    cap = figure.find("figcaption")
    if cap is None:
        return ""
    label = cap.find(class_="figure-label")
    credit = cap.find(class_="credit")
    parts = []
    for child in cap.children:
        if child is label or child is credit:
            continue
        parts.append(child.get_text(" ") if isinstance(child, Tag) else str(child))
    caption = squash("".join(parts)).strip(" ：:")
    if caption:
        return caption
    if credit is not None and squash(credit.get_text(" ")):
        return squash(credit.get_text(" "))
    return squash(label.get_text(" ")) if label is not None else ""


def images(chapter, lang: str) -> None:
    for img in tags(chapter.body, ("img",)):
        alt = squash(img.get("alt") or "")
        figure = ancestor(img, ("figure",))
        if alt and GENERIC_ALT.match(alt):
            alt = ""
        if not alt and figure is not None:
            alt = _alt_from_figure(figure)
            if alt:
                chapter.log("info", "accessibility.alt", "alt text from the figure's caption or credit", img, alt)
        if alt:
            if img.get("alt") != alt:
                img["alt"] = alt
            if img.get("role") in ("presentation", "none"):
                del img["role"]
        else:
            img["alt"] = ""
            img["role"] = "presentation"
    for node in with_attr(chapter.body, "role", "img"):
        if not squash(node.get("aria-label") or "") and not node.get("aria-labelledby"):
            figure = ancestor(node, ("figure",))
            node["aria-label"] = (squash(node.get_text(" ")) or (_alt_from_figure(figure) if figure else "")
                                  or words(lang)["missing"])


# ------------------------------------------------------------------ links
def accessible_name(node: Tag) -> str:
    if squash(node.get("aria-label") or ""):
        return squash(node["aria-label"])
    out = []
    for d in node.descendants:
        if isinstance(d, NavigableString):
            out.append(str(d))
        elif d.name == "img" and d.get("role") not in ("presentation", "none"):
            out.append(" " + (d.get("alt") or "") + " ")
        elif d.name and d.get("aria-label"):
            out.append(" " + d["aria-label"] + " ")
    return squash("".join(out))


def _target(href: str) -> str:
    parts = urlsplit(href)
    if parts.scheme in ("http", "https"):
        host = parts.netloc.removeprefix("www.")
        path = parts.path.rstrip("/")
        return host + (path if len(path) <= 40 else path[:39] + "…")
    if href.startswith("#"):
        return ""
    return href[:60]


SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|(?<=[.](?=\s))")


def _sentence_around(link: Tag) -> str:
    """The sentence of the link's block that holds the link, with the link's own text in it."""
    block = ancestor(link, SENTENCE_BLOCKS)
    if block is None:
        return ""
    marker = "\ue000"
    text = link.get_text()
    before, after = [], []
    seen = False
    for d in block.descendants:
        if d is link:
            seen = True
        if isinstance(d, NavigableString):
            if ancestor(d, ("a",)) is link:
                continue
            (after if seen else before).append(str(d))
    whole = "".join(before) + marker + "".join(after)
    pieces = SENTENCE_END.split(whole)
    at = next((i for i, p in enumerate(pieces) if marker in p), None)
    if at is None:
        return ""
    start = at  # a sentence that is little more than the link ("链接。") takes in the ones before it
    while start > 0 and len(re.findall(r"\w", "".join(pieces[start:at + 1]).replace(marker, ""))) < 8:
        start -= 1
    sentence = squash("".join(pieces[start:at + 1]).replace(marker, text))
    if len(sentence) > 150:
        i = sentence.find(squash(text))
        start = max(0, i - 70)
        sentence = ("…" if start else "") + sentence[start:start + 140] + "…"
    return sentence


def links(chapter, lang: str) -> None:
    w = words(lang)
    for a in tags(chapter.body, ("a",)):
        name = accessible_name(a)
        href = a.get("href") or ""
        if not name:
            if not href and not a.find(True):
                a.unwrap()  # an anchor with nothing in it and nowhere to go
                continue
            target = _target(href) or squash(a.get("id") or "")
            if a.find("img") is not None:
                a["aria-label"] = w["image_link"].format(target=target or href)
            else:
                a["aria-label"] = w["link"].format(target=target or href)
            chapter.log("info", "accessibility.link-name", "link without text named after its target", a,
                        a["aria-label"])
            continue
        if AMBIGUOUS_LINK.match(name) and not a.get("aria-label"):
            sentence = _sentence_around(a)
            visible = squash(a.get_text(" "))
            if sentence and visible in sentence and not AMBIGUOUS_LINK.match(sentence):
                label = sentence
            else:
                target = _target(href)
                label = f"{visible}{w['sep']}{target}" if target else ""
            if label:
                a["aria-label"] = label
                chapter.log("info", "accessibility.link-context", f"ambiguous link text '{visible}' named from "
                            "its context", a, label)


# ------------------------------------------------------------------ tables
def _cells(row: Tag) -> list[Tag]:
    return row.find_all(["td", "th"], recursive=False)


def _rows(table: Tag) -> list[Tag]:
    return [tr for tr in table.find_all("tr") if ancestor(tr, ("table",)) is table]


def _clearly_header(row: Tag, rest: list[Tag]) -> bool:
    """A first row of short, non-empty, non-numeric cells, bold or in a thead, over other rows."""
    cells = _cells(row)
    if len(cells) < 2 or not rest:
        return False
    texts = [squash(c.get_text(" ")) for c in cells]
    if not all(texts) or any(len(t) > 60 or re.fullmatch(r"[\d.,%$¥€+\-\s]+", t) for t in texts):
        return False
    if ancestor(row, ("thead",)) is not None:
        return True
    bold = all(c.find(["strong", "b"]) is not None and squash(c.find(["strong", "b"]).get_text(" ")) == t
               for c, t in zip(cells, texts))
    return bold


def tables(chapter) -> None:
    for table in tags(chapter.body, ("table",)):
        rows = _rows(table)
        if not rows:
            continue
        if table.find("th") is None and _clearly_header(rows[0], rows[1:]):
            for cell in _cells(rows[0]):
                cell.name = "th"
            chapter.log("info", "accessibility.table-header", "first row made the table's header cells", table)
        for i, row in enumerate(rows):
            cells = _cells(row)
            in_head = ancestor(row, ("thead",)) is not None or (i == 0 and all(c.name == "th" for c in cells))
            for j, cell in enumerate(cells):
                if cell.name == "th" and not cell.get("scope"):
                    cell["scope"] = "col" if in_head else ("row" if j == 0 else "col")
        if table.find("caption") is None:
            prev = table.find_previous_sibling()
            if prev is not None and prev.name == "p" and TABLE_CAPTION.match(squash(prev.get_text(" "))) \
                    and len(squash(prev.get_text(" "))) <= 200:
                caption = prev.extract()
                caption.name = "caption"
                caption.attrs = {k: v for k, v in caption.attrs.items() if k in ("id", "lang", "xml:lang")}
                table.insert(0, caption)
                chapter.log("info", "accessibility.table-caption", "table title made its caption", table,
                            squash(caption.get_text(" ")))


# ------------------------------------------------------------------ code
def code_blocks(chapter, lang: str) -> None:
    w = words(lang)
    for pre in tags(chapter.body, ("pre",)):
        if pre.get("aria-label") or pre.get("aria-labelledby"):
            continue
        code = pre.find("code")
        lang = ""
        for node in (code, pre):
            if node is None:
                continue
            lang = node.get("data-lang") or next(
                (c[len("language-"):] for c in node.get("class") or [] if c.startswith("language-")), "")
            if lang:
                break
        name = CODE_NAMES.get(lang.lower(), lang if re.fullmatch(r"[A-Za-z][\w+#.\-]{0,20}", lang or "") else "")
        pre["role"] = "figure"
        pre["aria-label"] = w["code_in"].format(name=name) if name else w["code"]


# ------------------------------------------------------------------ language of passages
def detect_passage(text: str, book_lang: str) -> str:
    """The language of a passage when it is surely not the book's, else ""."""
    base = base_language(book_lang)
    han = len(HAN.findall(text))
    kana = len(KANA.findall(text))
    hangul = len(HANGUL.findall(text))
    latin_words = LATIN_WORD.findall(text)
    latin = sum(len(wd) for wd in latin_words)
    if base in ("zh", "ja", "ko"):
        if han or kana or hangul or len(latin_words) < 8 or "\\" in text or "=" in text:
            return ""  # not prose: a formula, code
        letters = sum(1 for c in text if c.isalpha())
        if letters < 0.7 * len(re.sub(r"\s", "", text)):
            return ""
        function = [wd.lower() for wd in latin_words if len(wd) > 1 and wd.lower() in ENGLISH_FUNCTION_WORDS]
        return "en" if len(set(function)) >= 3 and len(function) / len(latin_words) >= 0.15 else ""
    cjk = han + kana + hangul
    if cjk < 6 or cjk < 2 * latin:
        return ""
    if hangul > (han + kana):
        return "ko"
    if kana >= 2:
        return "ja"
    return "zh"


def language(chapter, book_lang: str) -> None:
    own = chapter.lang or book_lang
    for node in tags(chapter.body, LANG_BLOCKS):
        if node.get("lang") or ancestor_with(node, "lang") is not None:
            continue
        if ancestor(node, PRE_CODE) is not None or first(node, PRE_TABLE) is not None:
            continue
        if node.name in ("li", "blockquote") and first(node, LANG_BLOCKS) is not None:
            continue  # judged by its own paragraphs
        lang = detect_passage(squash(node.get_text(" ")), own)
        if lang and base_language(lang) != base_language(own):
            node["lang"] = lang
            node["xml:lang"] = lang
            chapter.log("info", "accessibility.lang", f"passage marked as {lang}", node,
                        squash(node.get_text(" "))[:80])


def run(chapter, ctx) -> None:
    lang = chapter.lang or ctx.config.language
    headings(chapter)
    images(chapter, lang)
    links(chapter, lang)
    tables(chapter)
    code_blocks(chapter, lang)
    language(chapter, ctx.config.language)
