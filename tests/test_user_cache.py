"""The user's cache (pipeline/user_cache.py): a book's first build starts with the templates
compiled and the stylesheet checked for an earlier book, gives the same bytes, and a cache that
cannot be written only makes it slower."""
from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import jinja2

from pipeline import user_cache
from pipeline.build import build


def _book(root: Path, title: str) -> Path:
    (root / "chapters").mkdir(parents=True)
    (root / "book.toml").write_text(f'title = "{title}"\nlanguage = "en"\nauthors = ["A"]\n', encoding="utf-8")
    (root / "chapters" / "one.md").write_text("# One\n\nSome text, with `code`.\n", encoding="utf-8")
    return root


def _counting(monkeypatch) -> dict:
    """How often Jinja compiles a template and the EPUB's stylesheet is checked, from now on."""
    from pipeline.emit import epub

    counts = {"templates": 0, "stylesheet": 0}
    compile_template = jinja2.Environment.compile
    legible = epub.legible_css

    def compiled(self, *args, **kwargs):
        counts["templates"] += 1
        return compile_template(self, *args, **kwargs)

    def checked(css):
        counts["stylesheet"] += 1
        return legible(css)

    monkeypatch.setattr(jinja2.Environment, "compile", compiled)
    monkeypatch.setattr(epub, "legible_css", checked)
    return counts


def test_a_new_book_starts_with_what_an_earlier_book_compiled(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user-cache"))
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    counts = _counting(monkeypatch)
    build(_book(tmp_path / "a", "First"), tmp_path / "out-a", ("epub",), jobs=1)
    first = dict(counts)
    assert first["templates"] > 0 and first["stylesheet"] == 1  # a user's first book makes them
    assert any((tmp_path / "user-cache" / "pressroom" / "jinja").iterdir())

    counts.update(templates=0, stylesheet=0)
    result = build(_book(tmp_path / "b", "Second"), tmp_path / "out-b", ("epub",), jobs=1)
    assert counts == {"templates": 0, "stylesheet": 0}  # the next one, never built before, makes neither

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "elsewhere"))  # the same book with no user's cache
    again = build(_book(tmp_path / "c", "Second"), tmp_path / "out-c", ("epub",), jobs=1)
    assert counts["templates"] > 0 and counts["stylesheet"] == 1
    digest = [hashlib.sha256(p.read_bytes()).hexdigest() for r in (result, again) for p in r.outputs]
    assert digest[0] == digest[1]


def test_a_cache_that_cannot_be_made_is_only_slower(tmp_path, monkeypatch):
    blocked = tmp_path / "a-file"  # XDG_CACHE_HOME naming a file: no folder can be made in it
    blocked.write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    assert user_cache.folder("jinja") is None
    build(_book(tmp_path / "a", "Blocked"), tmp_path / "out", ("epub",), jobs=1)
    assert (tmp_path / "out" / "book.epub").is_file()


def test_entries_not_written_for_a_month_are_dropped(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(user_cache, "_pruned", set())
    folder = tmp_path / "pressroom" / "css"
    folder.mkdir(parents=True)
    old, new = folder / "old.json", folder / "new.json"
    old.write_text("{}")
    new.write_text("{}")
    then = time.time() - (user_cache.KEEP_DAYS + 1) * 86400
    os.utime(old, (then, then))
    assert user_cache.folder("css") == folder
    assert not old.exists() and new.exists()
