"""Shared fixtures: books are built once per test session, and EPUBCheck runs once per book."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus"
sys.path.insert(0, str(ROOT / "tests"))


def pressroom(*args, cwd=None, env=None, timeout=600):
    """Run the real command line, as a user would."""
    return subprocess.run([sys.executable, "-m", "pipeline", *map(str, args)], cwd=cwd or ROOT,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


@pytest.fixture(scope="session")
def default_book(tmp_path_factory):
    """The default book in source/, built once: (out dir, BuildResult)."""
    from pipeline.build import build

    out = tmp_path_factory.mktemp("default-book")
    result = build(ROOT / "source", out, ("epub", "pdf"), jobs=1)
    return out, result


@pytest.fixture(scope="session")
def default_epubcheck(default_book):
    from pipeline.check.epub import run_epubcheck

    out, result = default_book
    return run_epubcheck(next(p for p in result.outputs if p.suffix == ".epub"))


def corpus_folder(name: str) -> Path:
    folders = {
        "tds-zh": CORPUS / "tds-zh" / "docs",
        "medium-zh-javarevisited": CORPUS / "medium-zh-javarevisited" / "docs",
        "tds-zh-2025": CORPUS / "tds-zh-2025" / "docs",
        "medium-html": CORPUS / "medium-html" / "precillieo",
        "medium-md-en": CORPUS / "medium-md-en" / "vincenttatan" / "content" / "blog",
    }
    folder = folders[name]
    if not folder.is_dir():
        pytest.skip(f"corpus folder {folder} is absent")
    return folder


def make_corpus_book(tmp: Path, name: str, limit: int | None = None) -> Path:
    """A book folder whose chapters are (copies of) a corpus folder's articles, with their images."""
    src = corpus_folder(name)
    book = tmp / name
    (book / "chapters").mkdir(parents=True)
    articles = sorted(p for p in src.iterdir() if p.suffix in (".md", ".html"))[:limit]
    for p in articles:
        shutil.copy(p, book / "chapters" / p.name)
    if (src / "img").is_dir():
        shutil.copytree(src / "img", book / "chapters" / "img")
    lang = "en" if name in ("medium-html", "medium-md-en") else "zh-CN"
    (book / "book.toml").write_text(
        f'title = "Corpus {name}"\nauthors = ["Pressroom tests"]\nlanguage = "{lang}"\n'
        f'chapters_glob = "chapters/*"\n\n[images]\noffline = true\n', encoding="utf-8")
    return book


@pytest.fixture(scope="session")
def corpus_epubs(tmp_path_factory):
    """Every corpus folder built to an EPUB once, and checked once: {name: (result, check)}."""
    from pipeline.build import build
    from pipeline.check.epub import run_epubcheck

    out = {}
    for name in ("tds-zh", "medium-zh-javarevisited", "tds-zh-2025", "medium-html", "medium-md-en"):
        try:
            book = make_corpus_book(tmp_path_factory.mktemp("corpus"), name)
        except pytest.skip.Exception:
            continue
        result = build(book, book / "build", ("epub",), jobs=2)
        out[name] = (result, run_epubcheck(result.outputs[0]))
    if not out:
        pytest.skip("../shared/corpus is absent")
    return out
