"""The template search path (the book's own folder, then Pressroom's `templates/`) and the book's
words from `strings.toml`, without Jinja: a chapter worker that needs the words (the note in a
missing image's frame) imports this, not the layout and Jinja with it (0.03-0.05 s)."""
from __future__ import annotations

import tomllib
from pathlib import Path

from .cache import TEMPLATES
from .model import Book, PressroomError


def search_path(book: Book) -> list[Path]:
    own = (book.source_dir / book.config.templates).resolve()
    return [p for p in (own, TEMPLATES) if p.is_dir()]


def inside(path: Path, folder: Path, book: Book) -> Path:
    """A template file, refused when it (or a link on its way) leads out of its folder."""
    if not path.resolve().is_relative_to(folder.resolve()):
        raise PressroomError("template leads out of its folder (a symbolic link?); replace it with a real file",
                             f"{book.config.templates}/{path.relative_to(folder).as_posix()}"
                             if folder != TEMPLATES else f"templates/{path.relative_to(folder).as_posix()}")
    return path


_TABLES: dict[tuple, dict] = {}  # strings.toml by path and modification, read once per process


def strings(book: Book) -> dict[str, str]:
    """The book's words in its language, from `strings.toml` (overridable like any template)."""
    lang = book.config.language.lower()
    for folder in search_path(book):
        f = folder / "strings.toml"
        if f.exists():
            inside(f, folder, book)
            stat = f.stat()
            seen = (str(f), stat.st_mtime_ns, stat.st_size)
            if seen not in _TABLES:
                try:
                    _TABLES[seen] = tomllib.loads(f.read_text(encoding="utf-8"))
                except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
                    raise PressroomError(f"invalid TOML ({e})", str(f)) from None
            table = _TABLES[seen]
            base = dict(table.get("en", {}))
            for key in (lang.split("-")[0], lang):
                base.update(table.get(key, {}))
            return base
    return {}
