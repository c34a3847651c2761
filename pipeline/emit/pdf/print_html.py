"""Step 1, HTML for print: takes the Book; gives the HTML documents to lay out. The PDF's HTML: the front matter and each part of the main matter as documents of their own
(`part_documents()`), prepared for print where CSS cannot do it (`prepare_tree()`: code cut into
lines, a wrap mark only on lines that can wrap; in the print edition a link's URL as a footnote),
links between documents given stand-in targets, and the page furniture (running heads and folios)
as a document of empty pages (`furniture()`). `emit/pdf/__init__.py` lays them out and joins them.
"""
from __future__ import annotations

import hashlib
import json
import re
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from bs4 import BeautifulSoup, NavigableString
from markupsafe import Markup

from ... import layout
from ...model import Book
from .. import build_time
from ...page_geometry import geometry
from . import print_formulas


def code_columns(book: Book) -> int:
    """How many monospace cells a code line surely fits in: the text block less the block's padding
    and the line's hanging indent, at print.css's code size (0.75rem, cells 0.6 em wide), with a
    tenth to spare for a block inside a list or quotation."""
    g = geometry(book)
    width_pt = g.text_width * 72 - 2 - 0.75 * g.font_pt * (0.8 * 2 + 1.15)
    return int(width_pt / (0.6 * 0.75 * g.font_pt) * 0.9)


def named_classes(css: str) -> frozenset[str] | None:
    """Every class a selector of `css` names; None where a selector might style a span of code
    whatever its class: one whose subject (its last compound) is a `span`, or is neither of a
    type, nor of a class, nor of an id (`*`, an attribute or a pseudo-class alone). A
    highlighter's span whose classes are none of these is drawn exactly as its text alone
    (`_code_lines()` leaves it out)."""
    import tinycss2

    named: set[str] = set()

    def is_(token, kind: str, values: str = "") -> bool:
        return token is not None and token.type == kind and (not values or token.value in values.split())

    def note_classes(tokens) -> None:
        prev = None
        for token in tokens:
            if is_(token, "ident") and is_(prev, "literal", "."):
                named.add(token.value)
            if token.type == "function":
                note_classes(token.arguments)
            elif token.type in ("[] block", "() block"):
                note_classes(token.content)
            prev = token

    def split(tokens) -> list[list]:
        selectors: list[list] = [[]]
        for token in tokens:
            if is_(token, "literal", ","):
                selectors.append([])
            elif token.type != "comment":
                selectors[-1].append(token)
        return selectors

    def safe(selector: list) -> bool:
        """Whether the selector's subject can match no span of code but one of a named class."""
        while selector and selector[-1].type == "whitespace":
            selector = selector[:-1]
        subject: list = []
        for token in selector:
            if token.type == "whitespace" or is_(token, "literal", "> + ~"):
                subject = []
            else:
                subject.append(token)
        typed = marked = span = False
        prev = None
        for token in subject:
            if is_(token, "ident") and not is_(prev, "literal", ". : ::"):
                span |= token.value.lower() == "span"
                typed = True
            elif (is_(token, "ident") and is_(prev, "literal", ".")) or token.type == "hash":
                marked = True  # of a class (named) or an id: a highlighter's span left out has neither
            elif token.type == "function" and token.lower_name in ("is", "where", "matches", "any") \
                    and is_(prev, "literal", ":"):
                if not all(safe(s) for s in split(token.arguments)):
                    return False
                typed = True
            prev = token
        return marked or (typed and not span) or not subject

    def rules(items) -> bool:
        for rule in items:
            if rule.type == "qualified-rule":
                note_classes(rule.prelude)
                if not all(safe(s) for s in split(rule.prelude)):
                    return False
            elif rule.type == "at-rule" and rule.content and rule.lower_at_keyword in ("media", "supports", "layer"):
                if not rules(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)):
                    return False
        return True

    if not rules(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)):
        return None
    return frozenset(named)


def _cells(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _code_lines(pre, soup, columns: int, named: frozenset[str] | None = None) -> None:
    """One `span.line` per source line (the highlighter's spans cut and reopened at line ends), so
    print.css can mark the continuation of a wrapped line and keep short blocks whole. Only a line
    longer than `columns` cells can wrap: it alone gets the class `long` that draws the marks
    (drawing them costs WeasyPrint as much as the rest of the page). A highlighter's span of
    classes no rule names (`named_classes()`: Pygments' names and punctuation, two thirds of a
    listing's elements) is left out: its text is drawn the same in one run with its neighbours,
    and WeasyPrint lays a chapter of code out in three quarters of the time."""
    code = pre.find("code") or pre
    lines: list[list] = [[]]
    for node in list(code.descendants):
        if not isinstance(node, NavigableString):
            continue
        chain = []
        for parent in node.parents:
            if parent is code:
                break
            if named is not None and parent.name == "span" and list(parent.attrs) == ["class"] \
                    and not named.intersection(parent["class"]):
                continue
            chain.append((parent.name, dict(parent.attrs)))
        for i, piece in enumerate(str(node).split("\n")):
            if i:
                lines.append([])
            if piece:
                lines[-1].append((piece.expandtabs(4), chain))
    while lines and not lines[-1]:
        lines.pop()
    code.clear()
    for parts in lines:
        long = _cells("".join(text for text, _ in parts)) > columns
        line = soup.new_tag("span", attrs={"class": "line long" if long else "line"})
        for text, chain in parts:
            node = NavigableString(text)
            for name, attrs in chain:
                wrapper = soup.new_tag(name, attrs=attrs)
                wrapper.append(node)
                node = wrapper
            line.append(node)
        code.append(line)
    pre["class"] = list(dict.fromkeys((pre.get("class") or []) + ["lines"]))


def _same_url(text: str, href: str) -> bool:
    strip = lambda s: re.sub(r"^(https?://)?(www\.)?", "", s.strip().lower()).rstrip("/…")  # noqa: E731
    t, h = strip(text), strip(href)
    return not t or h.startswith(t) or t.startswith(h)


def _url_notes(soup) -> None:
    """Print variant: an external link's URL as a footnote, where the text does not show it."""
    for a in _inside(soup.find_all("a", href=True), "chapter-body"):
        href = a["href"]
        if not href.startswith(("http://", "https://")) or a.find_parent(["figcaption", "pre", "aside"]):
            continue
        if _same_url(a.get_text(), href):
            continue
        note = soup.new_tag("span", attrs={"class": "url-note"})
        note.string = href
        a.insert_after(note)


def _inside(tags, cls: str):
    """Those of `tags` inside an element of class `cls` (CSS `.cls tag`; soupsieve takes ten times
    as long on a chapter's tree)."""
    return (t for t in tags if t.find_parent(class_=cls) is not None)


def prepare_tree(html: str, book: Book, named: frozenset[str] | None = None,
                 fonts: Path | None = None, files: Path | None = None) -> BeautifulSoup:
    """`html` as a tree prepared for print; `named`: `named_classes()` of the print stylesheet;
    `fonts`: where the faces made for formulas are kept; `files`: the PDF's cache folder, where
    the formulas' drawings are kept as files the layout reads (without it, `data:` URLs)."""
    soup = BeautifulSoup(html, "lxml")
    book_chars = "".join(sorted({c for ch in book.chapters for c in ch.meta.get("formula_chars", "")}))
    print_formulas.draw(soup, fonts or Path(tempfile.gettempdir()) / "pressroom-fonts", book_chars, files)
    columns = code_columns(book)
    for pre in _inside(soup.find_all("pre"), "chapter-body"):
        _code_lines(pre, soup, columns, named)
    if book.config.pdf.variant == "print":
        _url_notes(soup)
    return soup


@dataclass
class Prepared:
    """A part's document as the layout takes it, and what the book needs of its tree."""
    html: str
    stand_ins: list[str]  # `stand_ins()`
    head: str  # its running head (`running_head()`)
    images: list[str]  # the sources of its images, sorted (not the formulas')
    formulas: list[str] = field(default_factory=list)  # the formulas' drawings it shows (`print_formulas.files_of()`)


def part_documents(book: Book, cover_file: str, cache_dir: Path | None = None):
    """The front matter as one HTML document, the ids of the main matter's parts in reading order,
    and those parts' own documents (the same template, `pdf/book.html.j2`, with one part in it) as
    `(index, Prepared)`, made one at a time as they are taken, the longest first (so the layout
    can start on them while the rest are made); a link to another document's element gets a
    stand-in target (`_stand_ins()`). A part's prepared document is kept in the cache
    (`pdf/documents/`) by the template's output and what its preparation reads, so a rebuild
    parses and prepares only the parts that changed."""
    env = layout.environment(book, cache_dir)
    env.globals["cover_file"] = cover_file
    when = build_time(book.source_dir, book.config.date).strftime("%Y-%m-%dT%H:%M:%SZ")
    book_html = env.get_template("pdf/book.html.j2")
    parts = layout.parts(book)
    named = named_classes(layout.stylesheet(book, "css/print.css") + "\n" + layout.pygments_css())
    kept = Path(cache_dir) / "pdf" / "documents" if cache_dir is not None else None
    from ...cache import pipeline_version, write_atomic

    # what a part's preparation reads besides its HTML: the key of each cached document starts with it
    reads = "\0".join([pipeline_version(), repr(sorted(named) if named is not None else None),
                       str(code_columns(book)), book.config.pdf.variant])

    def rendered(front, main) -> str:
        return book_html.render(front=[Markup(layout.render_part(env, p, "pdf")) for p in front],
                                main=[Markup(layout.render_part(env, p, "pdf")) for p in main],
                                created=when, modified=when)

    def document(html: str) -> BeautifulSoup:
        soup = prepare_tree(html, book, named, Path(cache_dir) / "fonts" if cache_dir is not None else None,
                            (Path(cache_dir) / "pdf").resolve() if cache_dir is not None else None)
        for empty in soup.body.find_all(class_=["frontmatter", "mainmatter"], recursive=False):
            if not empty.find(True):  # an empty div of another page type would make a page of its own
                empty.decompose()
        _stand_ins(soup)
        return soup

    def prepared(html: str) -> tuple[str, Prepared]:
        key = hashlib.sha256((reads + "\0" + html).encode()).hexdigest()
        path = kept / f"{key[:40]}.json" if kept is not None else None
        if path is not None and path.is_file():
            try:
                made = Prepared(**json.loads(path.read_text(encoding="utf-8")))
                if all((kept.parent / src).is_file() for src in made.formulas):
                    return path.name, made
            except (ValueError, TypeError):
                pass  # a damaged entry, or one whose formulas' files are gone: made again
        soup = document(html)
        formulas = print_formulas.files_of(soup)
        made = Prepared(str(soup), sorted(stand_ins(soup)), running_head(soup),
                        sorted({img.get("src", "") for img in soup.find_all("img")
                                if not img.get("src", "").startswith("data:")} - set(formulas)), formulas)
        if path is not None:
            write_atomic(path, json.dumps(made.__dict__, ensure_ascii=False).encode())
        return (path.name if path is not None else ""), made

    main = [p for p in parts if p.id not in layout.FRONT_MATTER]

    def size(i: int) -> int:
        chapter = main[i].chapter  # a frozen chapter's HTML; the credits, some 200 characters a line
        return len(chapter.html) if chapter is not None else 200 * len(book.credits)

    outputs: dict[int, str] = {}  # the template's output of the parts whose heads were guessed

    def documents():
        used = set()
        for i in sorted(range(len(main)), key=lambda i: (-size(i), i)):
            name, made = prepared(outputs.pop(i, None) or rendered([], [main[i]]))
            used.add(name)
            yield i, made
        if kept is not None and kept.is_dir():
            for old in kept.glob("*.json"):  # documents of earlier versions of the book
                if old.name not in used:
                    old.unlink(missing_ok=True)

    def heads() -> list[str]:
        """Each part's running head as `running_head()` would most likely find it, read from the
        template's output without preparing the part (lxml: a twentieth of the time)."""
        for i in range(len(main)):
            outputs.setdefault(i, rendered([], [main[i]]))
        return [guess_running_head(outputs[i]) for i in range(len(main))]

    return (document(rendered([p for p in parts if p.id in layout.FRONT_MATTER], [])), [p.id for p in main], documents(),
            heads)


def _stand_ins(soup: BeautifulSoup) -> None:
    """A link to another part keeps its `#id` (and so its style); WeasyPrint links it to a named
    destination, so an empty element of that id (`.xref-stand-in`, at the start of the part's first
    heading) lets WeasyPrint make the link, and join.py points the name at the real place."""
    own = {t["id"] for t in soup.find_all(id=True)}
    foreign = sorted({a["href"][1:] for a in soup.find_all("a", href=True)
                      if a["href"].startswith("#") and len(a["href"]) > 1 and a["href"][1:] not in own})
    host = soup.find(["h1", "h2"]) or soup.body.find(True)
    for name in reversed(foreign):
        host.insert(0, soup.new_tag("span", attrs={"class": "xref-stand-in", "id": name}))


def stand_ins(soup: BeautifulSoup) -> set[str]:
    return {t["id"] for t in soup.find_all(class_="xref-stand-in", id=True)}


def book_title(front: BeautifulSoup) -> str:
    """The book's title, as print.css sets it (`string-set`) for the running heads."""
    title = next(_inside(front.find_all("h1"), "titlepage"), None)
    return " ".join(title.get_text().split()) if title else ""  # its last characters are a span of their own


def running_head(part: BeautifulSoup) -> str:
    """The part's title, as print.css sets it (`string-set`) for the running heads."""
    head = part.find(class_="chapter-title", attrs={"data-running-head": True})
    return head["data-running-head"] if head else (next(_inside(part.find_all("h1"), "mainmatter"), None)
                                                   or part).get_text(" ", strip=True)


def guess_running_head(html: str) -> str:
    """`running_head()` of the document `html`, read by lxml; where the two differ, the stamps laid
    out with this one are laid out again (emit/pdf/__init__.py)."""
    import lxml.html

    root = lxml.html.fromstring(html)
    for el in root.iter():
        if isinstance(el.tag, str) and "chapter-title" in (el.get("class") or "").split() and el.get("data-running-head") is not None:
            return el.get("data-running-head")
    head = next((h for h in root.iter("h1") if any("mainmatter" in (a.get("class") or "").split() for a in h.iterancestors())),
                root.find("body") if root.find("body") is not None else root)
    return " ".join(t.strip() for t in head.itertext() if t.strip())


TOC_NUMBERS = """nav.toc a[data-page]::after { content: leader(dotted) " " attr(data-page); }"""
FURNITURE = """
@page :left { @bottom-left { content: string(folio); } }
@page :right { @bottom-right { content: string(folio); } }
@page bare { @top-left { content: none; } @top-right { content: none; }
             @bottom-left { content: none; } @bottom-right { content: none; } }
.furniture + .furniture { break-before: page; }
.furniture.bare { page: bare; }
"""


def _css_string(text: str) -> str:
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'


def furniture(book: Book, pages: list[tuple[str, str, str] | None]) -> str:
    """A document of empty pages that print only their running heads and folio (print.css's own
    margin boxes, fed by `string-set`): laid over the main matter's pages. None: a bare page."""
    soup = BeautifulSoup(f'<html lang="{book.config.language}"><body></body></html>', "lxml")
    for page in pages:
        div = soup.new_tag("div", attrs={"class": "furniture" if page else "furniture bare"})
        if page:
            div["style"] = "string-set: book-title {}, chapter-title {}, folio {}".format(*map(_css_string, page))
        soup.body.append(div)
    return str(soup)
