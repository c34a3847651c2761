"""`pressroom build --catalogue DIR` (pipeline/catalogue.py) on tests/fixtures/catalogue/: two good
books (one English, one Chinese) and one naming a chapter file that does not exist. The good two are
built and pass EPUBCheck, the broken one is reported with its book.toml and line and the run exits
2, and a second run builds nothing. Also the matrix the release workflow builds from."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, pressroom

FIXTURE = ROOT / "tests" / "fixtures" / "catalogue"
GOOD = {"chinese-essay": "chinese-essay", "english-notes": "english-notes"}  # folder: output stem


def _outputs(out):
    return sorted(p for book in GOOD for p in (out / book).glob(f"{GOOD[book]}.*"))


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    """The fixture catalogue built twice into one --out folder: (out, first run, outputs' mtimes
    after it, second run)."""
    out = tmp_path_factory.mktemp("catalogue") / "out"
    first = pressroom("build", "--catalogue", FIXTURE, "--out", out, env={"SOURCE_DATE_EPOCH": "1700000000"})
    stamps = {p: p.stat().st_mtime_ns for p in _outputs(out)}
    second = pressroom("build", "--catalogue", FIXTURE, "--out", out, env={"SOURCE_DATE_EPOCH": "1700000000"})
    return out, first, stamps, second


def _row(run, book: str) -> list[str]:
    """The summary table's row of `book`, split into its columns."""
    line = next(line for line in run.stdout.splitlines() if line.startswith(book + " "))
    return re.split(r"\s{2,}", line.strip())


def test_good_books_built_into_a_folder_each(catalogue):
    out, first, _, _ = catalogue
    for book, stem in GOOD.items():
        assert (out / book / f"{stem}.epub").is_file(), first.stdout + first.stderr
        assert (out / book / f"{stem}.pdf").is_file()
        assert (out / book / ".cache").is_dir()  # each book keeps its own cache
        name, status, pages, epub, pdf, seconds = _row(first, book)
        assert status == "built" and int(pages) >= 3, first.stdout
        assert epub.endswith("KB") and pdf.endswith("KB") and float(seconds) > 0
    assert not (out / "missing-chapter").exists() or not list((out / "missing-chapter").glob("*.epub"))


@pytest.mark.parametrize("book", sorted(GOOD))
def test_good_books_pass_epubcheck(catalogue, book):
    from pipeline.check.epub import run_epubcheck

    out, _, _, _ = catalogue
    result = run_epubcheck(out / book / f"{GOOD[book]}.epub")
    assert result.ok, result.problems


def test_broken_book_reported_with_its_file_and_the_run_fails(catalogue):
    _, first, _, _ = catalogue
    assert first.returncode == 2, first.stdout + first.stderr
    toml = (FIXTURE / "missing-chapter" / "book.toml").relative_to(ROOT)  # named from the working folder
    assert f"missing-chapter: error: {toml}:6: chapter file not found: chapters/02-missing.md" in first.stderr
    assert "Traceback" not in first.stderr
    assert _row(first, "missing-chapter")[1] == "failed"
    assert "3 books: 2 ok, 1 failed" in first.stdout
    assert "error: 1 of 3 books failed: missing-chapter" in first.stderr


def test_second_run_rebuilds_nothing(catalogue):
    out, _, stamps, second = catalogue
    assert second.returncode == 2  # the broken book is still broken
    for book in GOOD:
        assert _row(second, book)[1] == "up to date", second.stdout
    assert {p: p.stat().st_mtime_ns for p in _outputs(out)} == stamps  # not one output written again
    assert len(stamps) == 4


def test_without_out_each_book_builds_into_its_own_folder(tmp_path):
    shelf = tmp_path / "books"
    shutil.copytree(FIXTURE / "english-notes", shelf / "english-notes")
    run = pressroom("build", "--catalogue", shelf, "--format", "epub")
    assert run.returncode == 0, run.stderr
    assert (shelf / "english-notes" / "build" / "english-notes.epub").is_file()
    assert "1 books: 1 ok, 0 failed" in run.stdout
    assert _row(run, "english-notes")[2] == "-"  # no PDF, no pages


def test_not_a_catalogue(tmp_path):
    run = pressroom("build", "--catalogue", tmp_path)
    assert run.returncode == 2 and "Traceback" not in run.stderr
    assert run.stderr.strip() == f"error: {tmp_path}: no book in this catalogue: no subfolder holds a book.toml " \
                                 "(`pressroom new DIR/<book>` writes one)"
    run = pressroom("build", "--catalogue", FIXTURE, "--source", "source")
    assert run.returncode == 2 and "--source builds one book" in run.stderr


def _list(*folders, cwd=ROOT):
    """The release workflow's first step, as it runs it: `python -m pipeline.catalogue` in the checkout."""
    return subprocess.run([sys.executable, "-m", "pipeline.catalogue", "--list", *map(str, folders)],
                          cwd=cwd, capture_output=True, text=True, timeout=60)


def test_matrix_lists_every_book_the_broken_one_too():
    """The broken book is listed: its own job fails with its one-line error where the author sees
    it, rather than the book being left out of the release without a word."""
    run = _list("source", FIXTURE.relative_to(ROOT), "books-not-there")
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == {"include": [
        {"name": "source", "source": "source"},
        {"name": "chinese-essay", "source": "tests/fixtures/catalogue/chinese-essay"},
        {"name": "english-notes", "source": "tests/fixtures/catalogue/english-notes"},
        {"name": "missing-chapter", "source": "tests/fixtures/catalogue/missing-chapter"},
    ]}


def test_matrix_needs_no_third_party_package():
    """`-I -S`: no site-packages, so no jinja2, WeasyPrint or pikepdf: the workflow's listing job
    installs nothing."""
    run = subprocess.run([sys.executable, "-I", "-S", "-c",
                          "import sys; sys.path.insert(0, '.'); from pipeline.catalogue import main; "
                          "main(['--list', 'tests/fixtures/catalogue'])"],
                         cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert len(json.loads(run.stdout)["include"]) == 3


def test_matrix_refuses_two_books_of_one_name(tmp_path):
    for shelf in ("a", "b"):
        shutil.copytree(FIXTURE / "english-notes", tmp_path / shelf / "english-notes")
    run = _list(tmp_path / "a", tmp_path / "b")
    assert run.returncode == 2 and "two books named 'english-notes'" in run.stderr
