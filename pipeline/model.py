"""The document model every stage reads and changes: plain dataclasses.

A `Chapter` carries its DOM (a BeautifulSoup document whose `<body>` holds the chapter's content;
block elements carry `data-src-line`, the 1-based line in the source file), its metadata, the
figures and credits found in it, the assets (images) it uses, and the diagnostics the stages
logged. Once its stages ran, a chapter is `freeze()`d: the body is kept as its published HTML
(`html`, without the source lines) and parsed again only when something reads `dom` or `body`;
an EPUB of cached chapters never parses them. A `Book` is the configuration plus the chapters,
after the chapter stages.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # a build with nothing to do never parses HTML: bs4 is imported where it is used
    from bs4 import BeautifulSoup


class PressroomError(Exception):
    """A user's mistake or a refused input: one line for the CLI, and an exit code."""

    exit_code = 2

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        self.message = message
        self.file = file
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file or ""
        if where and self.line:
            where += f":{self.line}"
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Diagnostic:
    """One thing a stage did or noticed: a removal, a guess, a warning or an error."""

    level: str  # "info" (a rule fired), "warning", "error"
    rule: str  # "clean.outro", "images.missing", ...
    message: str
    file: str = ""
    line: int | None = None
    text: str = ""  # the text a rule removed or changed, for --explain

    def __str__(self) -> str:
        where = self.file + (f":{self.line}" if self.line else "")
        return f"{where}: {self.message}" if where else self.message


@dataclass
class Asset:
    """An image a chapter uses, checked by its bytes and named by their hash."""

    key: str  # sha256 of the bytes, hex
    data: bytes
    media_type: str  # image/png, image/jpeg, image/gif, image/svg+xml, image/webp
    width: int = 0
    height: int = 0

    @property
    def extension(self) -> str:
        return {
            "image/png": "png",
            "image/jpeg": "jpg",
            "image/gif": "gif",
            "image/svg+xml": "svg",
            "image/webp": "webp",
        }.get(self.media_type, "bin")

    @property
    def file_name(self) -> str:
        return f"{self.key[:16]}.{self.extension}"


@dataclass
class Credit:
    """Who made an image and where it came from, parsed from a credit line."""

    kind: str  # photo, screenshot, author, tool, source, licence
    creator: str = ""
    creator_url: str = ""
    platform: str = ""
    platform_url: str = ""
    licence: str = ""
    note: str = ""  # the line as the author wrote it, cleaned
    figure_id: str = ""
    figure_label: str = ""  # "图 1.2" / "Figure 1.2"
    chapter_number: int = 0
    line: int | None = None
    chapter_id: str = ""  # the chapter's id (its EPUB file stem), for links to the figure


@dataclass
class Figure:
    id: str
    number: int
    label: str
    caption: str = ""
    src: str = ""  # what the source wrote
    asset_key: str = ""  # empty when missing
    missing: bool = False
    credit: Credit | None = None


@dataclass
class Chapter:
    source_path: Path  # absolute path of the article
    rel: str  # the path as the user sees it, relative to the book folder
    number: int  # the chapter's number as printed (0: unnumbered, such as a preface)
    dom: BeautifulSoup | None  # None while frozen: parsed from `html` when read (`body`)
    meta: dict[str, Any] = field(default_factory=dict)  # title, subtitle, original_url, author, date
    figures: list[Figure] = field(default_factory=list)
    assets: dict[str, Asset] = field(default_factory=dict)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    headings: list[dict[str, Any]] = field(default_factory=list)  # level, id, text
    lang: str = ""
    omitted: bool = False  # an empty article, left out of the book
    position: int = 0  # 1-based place in the book, numbered or not
    deps: dict[str, Any] = field(default_factory=dict)  # files read besides the article (cache checks)
    cacheable: bool = True  # False when the result depends on something not recorded (network)
    input_key: str = ""  # the hash of what the chapter stages read (build.run_chapters), "" when not cached
    html: str = ""  # the body's published HTML, set by freeze()
    problems: list[str] | None = None  # what the accessibility audit found, taken at freeze()
    mathml: list[str] = field(default_factory=list)  # the article's own MathML, kept by the loader for the math stage

    @property
    def body(self):
        if self.dom is None:
            from bs4 import BeautifulSoup

            self.dom = BeautifulSoup(f"<html><body>{self.html}</body></html>", "lxml")
        kept = self.__dict__.get("_body")  # (the tree, its body): `dom.body` is a search of the tree,
        if kept is None or kept[0] is not self.dom or kept[1].parent is None:  # read by every stage
            kept = self.__dict__["_body"] = (self.dom, self.dom.body)
        return kept[1]

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_body"}  # the tree is not pickled

    @property
    def body_html(self) -> str:
        """The body's contents as published: from the tree when it is parsed (and may have
        changed), else the frozen HTML."""
        return self.html if self.dom is None else self.body.decode_contents()

    def freeze(self, problems: list[str] | None = None) -> None:
        """After the chapter stages: the body becomes its HTML without the source lines (they
        served the diagnostics), which pickles fast and safely, and the tree is let go."""
        self.problems = problems
        self.html = self.body.decode_contents(formatter=_published())
        self.dom = None
        self.__dict__.pop("_body", None)

    @property
    def id(self) -> str:
        return f"ch{self.position or self.number:03d}"

    @property
    def title(self) -> str:
        return self.meta.get("title", "")

    def log(self, level: str, rule: str, message: str, node=None, text: str = "",
            line: int | None = None) -> Diagnostic:
        """Record a diagnostic; the line comes from the node's nearest `data-src-line`."""
        if line is None and node is not None:
            line = source_line(node)
        d = Diagnostic(level, rule, message, self.rel, line, text)
        self.diagnostics.append(d)
        return d


def source_line(node) -> int | None:
    """The source line of a node: its own `data-src-line`, an ancestor's or a previous block's."""
    cur = node
    while cur is not None:
        if getattr(cur, "attrs", None) and cur.attrs.get("data-src-line"):
            try:
                return int(cur.attrs["data-src-line"])
            except ValueError:
                return None
        prev = cur.find_previous(attrs={"data-src-line": True}) if hasattr(cur, "find_previous") else None
        if prev is not None and cur.parent is not None and cur.parent.name == "body":
            return int(prev["data-src-line"])
        cur = cur.parent
    return None


@dataclass
class Book:
    config: Any  # BookConfig
    source_dir: Path
    chapters: list[Chapter]
    diagnostics: list[Diagnostic] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    toc: list[dict[str, Any]] = field(default_factory=list)
    page_count: int = 0  # of the PDF, once laid out
    page_map: dict[str, Any] = field(default_factory=dict)  # print pages, for the EPUB's page list
    resolutions: list = field(default_factory=list)  # [src, ppi as printed] of the PDF's raster images

    @property
    def assets(self) -> dict[str, Asset]:
        out: dict[str, Asset] = {}
        for ch in self.chapters:
            out.update(ch.assets)
        return out


@dataclass(frozen=True)
class StageContext:
    """What every chapter stage may read besides its chapter (here, not in `pipeline.stages`, so
    that a build can make one before it imports the stages)."""
    config: Any  # BookConfig
    source_dir: Path  # the book's folder; no input may leave it
    cache_dir: Path  # build/.cache: fetched images, stage outputs
    strict: bool = False  # warnings that lose content become errors
    offline: bool = False  # remote images only from the cache


@functools.cache
def _published():
    """bs4's "minimal" formatter (what `decode_contents()` uses), leaving `data-src-line` out."""
    from bs4.formatter import EntitySubstitution, HTMLFormatter

    class Published(HTMLFormatter):
        def attributes(self, tag):
            return [(k, v) for k, v in super().attributes(tag) if k != "data-src-line"]

    return Published(entity_substitution=EntitySubstitution.substitute_xml)
