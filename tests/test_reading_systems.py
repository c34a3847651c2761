"""The EPUB opens in a real reading system: calibre's `ebook-convert` reads the default book whole
(Debian's `calibre`; the test skips when it is not installed: it is too large to install for tests)."""
from __future__ import annotations

import shutil
import subprocess

import pytest


@pytest.mark.skipif(shutil.which("ebook-convert") is None, reason="calibre (ebook-convert) is not installed")
def test_calibre_reads_the_default_book(default_book, tmp_path):
    out, result = default_book
    epub = next(p for p in result.outputs if p.suffix == ".epub")
    proc = subprocess.run(["ebook-convert", str(epub), str(tmp_path / "book.txt")], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    log = proc.stdout + proc.stderr
    assert "ERROR" not in log and "Traceback" not in log
    text = (tmp_path / "book.txt").read_text(encoding="utf-8")
    for chapter in result.book.chapters:
        assert chapter.title in text
    meta = subprocess.run(["ebook-meta", str(epub)], capture_output=True, text=True, timeout=120).stdout
    assert "Roman Orac" in meta and "Pressroom" in meta
