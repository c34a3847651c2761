"""Layout: the Jinja environment and the book's parts, rendered from `templates/`.

Templates are looked up in the book's own folder first (`source/templates/`, the `templates` key),
then in Pressroom's `templates/`, as Sphinx's `templates_path` does: a book overrides any part or
stylesheet by putting a file of the same name there. Each part template renders one fragment
(`<section>`); the EPUB wraps each in its own XHTML page, the PDF puts them all in one document.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup
from pygments.formatters import HtmlFormatter

from .book import title_lines
from .model import Book, Chapter, PressroomError
from .template_files import inside, search_path, strings  # noqa: F401 - layout.strings(), layout.search_path()

FRONT_MATTER = ("cover", "titlepage", "copyright", "toc")


@dataclass
class Part:
    """One piece of the book in reading order: cover, title page, …, a chapter, credits."""

    id: str  # also the EPUB file stem
    template: str
    title: str
    epub_type: str  # epub:type of the section (cover, titlepage, chapter, …)
    landmark: str = ""  # nav landmark type, when the part is one
    chapter: Chapter | None = None
    linear: bool = True

    @property
    def file(self) -> str:
        return "nav.xhtml" if self.id == "toc" else f"{self.id}.xhtml"  # the EPUB's TOC is its nav


class _BookLoader(jinja2.FileSystemLoader):
    """The template search path, refusing files that lead out of their folder."""

    def __init__(self, book: Book):
        self.book = book
        self.folders = search_path(book)
        super().__init__([str(p) for p in self.folders])

    def get_source(self, environment, template):
        for folder in self.folders:
            candidate = folder / template
            if candidate.is_file():
                inside(candidate, folder, self.book)
                break
        return super().get_source(environment, template)


def environment(book: Book, cache_dir: Path | None = None) -> jinja2.Environment:
    """The templates' environment; with a `cache_dir`, compiled templates are kept in the user's
    cache (pipeline/user_cache.py: for all of a user's books), else in `cache_dir` (by each
    template's file name and source: Jinja checks both)."""
    bytecode = None
    if cache_dir is not None:
        from .user_cache import folder

        kept = folder("jinja") or Path(cache_dir) / "jinja"
        kept.mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(kept))
    env = jinja2.Environment(
        loader=_BookLoader(book),
        bytecode_cache=bytecode,
        autoescape=jinja2.select_autoescape(["html", "xhtml", "j2"], default_for_string=True, default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(book=book, config=book.config, t=strings(book), link_to=link_to_epub,
                       title_lines=lambda title, place="titlepage": title_lines.lines(title, place, book))
    return env


def stylesheet(book: Book, name: str) -> str:
    """A CSS file from the search path (`css/epub.css`, `css/print.css`)."""
    for folder in search_path(book):
        f = folder / name
        if f.exists():
            return inside(f, folder, book).read_text(encoding="utf-8")
    raise PressroomError(f"stylesheet not found: templates/{name}")


def local_css(css: str, book: Book, name: str) -> str:
    """A stylesheet for the EPUB, which ships one file and fetches nothing: `@import` rules and
    declarations with a `url()` that leaves the book are dropped, each with a warning."""
    import tinycss2

    from .model import Diagnostic

    def remote(tokens) -> bool:
        for tok in tokens:
            if tok.type == "url" or (tok.type == "function" and tok.lower_name == "url"):
                value = tok.value if tok.type == "url" else tinycss2.serialize(tok.arguments).strip("'\" ")
                if ":" in value.split("/")[0] or value.startswith("//") or value.startswith("/"):
                    return True
            if getattr(tok, "content", None) and remote(tok.content):
                return True
            if getattr(tok, "arguments", None) and remote(tok.arguments):
                return True
        return False

    def warn(what: str) -> None:
        book.diagnostics.append(Diagnostic("warning", "layout.css", f"{what} dropped from {name}: the EPUB fetches nothing",
                                           f"templates/{name}"))

    out = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "at-rule" and rule.lower_at_keyword == "import":
            warn("@import")
            continue
        if rule.type == "qualified-rule" or (rule.type == "at-rule" and rule.content is not None):
            if rule.type == "qualified-rule" and remote(rule.content):
                decls = tinycss2.parse_blocks_contents(rule.content) if hasattr(tinycss2, "parse_blocks_contents") \
                    else tinycss2.parse_declaration_list(rule.content)
                kept = []
                for d in decls:
                    if d.type == "declaration" and remote(d.value):
                        warn(f"url() in '{d.name}'")
                        continue
                    kept.append(d)
                out.append(tinycss2.serialize(rule.prelude) + "{" + ";".join(
                    k.serialize() if k.type != "declaration" else f"{k.name}:{tinycss2.serialize(k.value)}"
                    + (" !important" if k.important else "") for k in kept if k.type != "whitespace") + "}")
                continue
            if rule.type == "at-rule" and remote(rule.content):
                warn(f"@{rule.at_keyword} with a url()")
                continue
        out.append(rule.serialize())
    return "\n".join(out)


def pygments_css() -> str:
    from .colour import legible_style  # every token colour at 4.5:1 (WCAG AA)

    return HtmlFormatter(style=legible_style("friendly"), classprefix="").get_style_defs(".hl")


def chapter_label(book: Book, chapter: Chapter) -> str:
    if not chapter.number:
        return ""
    return strings(book).get("chapter_label", "Chapter {n}").format(n=chapter.number)


PART_TEMPLATES = ("cover.xhtml.j2", "titlepage.xhtml.j2", "copyright.xhtml.j2", "toc.xhtml.j2",
                  "chapter.xhtml.j2", "credits.xhtml.j2")  # those `parts()` names


def compile_templates(book: Book, cache_dir: Path, names: tuple[str, ...]) -> None:
    """The templates `names` compiled into the cache (`environment()`'s bytecode cache), while the
    chapters' stages run: the emitter then loads them compiled, instead of compiling them after
    the last chapter (0.05 s of a cold build's end). Nothing is raised here: a template that
    cannot be read or compiled is reported by the emitter, after the chapters' own mistakes."""
    try:
        env = environment(book, cache_dir)
        for name in names:
            env.get_template(name)
    except Exception:  # noqa: BLE001 - see above
        return


def parts(book: Book) -> list[Part]:
    """The book in reading order. Output variants differ only in templates and CSS."""
    t = strings(book)
    out = [
        Part("cover", PART_TEMPLATES[0], t.get("cover", "Cover"), "cover", "cover", linear=True),
        Part("titlepage", PART_TEMPLATES[1], book.config.title, "titlepage", "titlepage"),
        Part("copyright", PART_TEMPLATES[2], t.get("copyright", "Copyright"), "copyright-page"),
        Part("toc", PART_TEMPLATES[3], t.get("contents", "Contents"), "toc", "toc"),
    ]
    for i, ch in enumerate(book.chapters):
        out.append(Part(ch.id, PART_TEMPLATES[4], ch.title, "chapter", "bodymatter" if i == 0 else "",
                        chapter=ch))
    if book.credits or any(ch.meta.get("original_url") for ch in book.chapters):
        title = t.get("credits", "Image credits") if book.credits else t.get("sources", "Sources")
        out.append(Part("credits", PART_TEMPLATES[5], title, "backmatter",
                        "backmatter"))
    return out


def link_to_epub(part_id: str, fragment: str = "") -> str:
    """A link to an element of another part: its page in the EPUB, …"""
    return f"{part_id}.xhtml" + (f"#{fragment}" if fragment else "")


def link_to_pdf(part_id: str, fragment: str = "") -> str:
    """… and in the PDF's one document, just the element."""
    return f"#{fragment or part_id}"


def render_part(env: jinja2.Environment, part: Part, edition: str) -> str:
    template = env.get_template(part.template)
    chapter = part.chapter
    env.globals["link_to"] = link_to_epub if edition == "epub" else link_to_pdf
    return template.render(
        part=part,
        edition=edition,
        chapter=chapter,
        chapter_label=chapter_label(env.globals["book"], chapter) if chapter else "",
        body=Markup(chapter.body_html) if chapter else "",
        credits=env.globals["book"].credits,
    )
