"""Reproducible builds: the same sources give byte-identical EPUB and PDF files in another folder
and on another day. Time stamps come from SOURCE_DATE_EPOCH, else the last commit that touched the
book's folder, else the book's date (docs/reproducibility.md)."""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from conftest import ROOT, pressroom

EPOCH = "1700000000"  # 2023-11-14T22:13:20Z
COMMIT_TIME = "2024-02-29T12:34:56Z"


def _book(folder: Path) -> Path:
    """The default book plus a chapter with a PNG and an SVG figure, so images go through too."""
    shutil.copytree(ROOT / "source", folder)
    buf = io.BytesIO()
    Image.new("RGB", (320, 200), (30, 90, 160)).save(buf, "PNG")
    (folder / "img").mkdir(exist_ok=True)
    (folder / "img" / "blue.png").write_bytes(buf.getvalue())
    (folder / "img" / "shape.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="60" height="30">'
                                              '<rect width="60" height="30" fill="#c00"/></svg>')
    (folder / "chapters" / "02-figures.md").write_text(
        "# 图片\n\n一张图。\n\n![蓝色](../img/blue.png)\n\n图：蓝色的方块\n\n![形状](../img/shape.svg)\n", encoding="utf-8")
    toml = (folder / "book.toml").read_text(encoding="utf-8")
    (folder / "book.toml").write_text(toml.replace('  "chapters/01-untold-truths.md",\n',
                                                   '  "chapters/01-untold-truths.md",\n  "chapters/02-figures.md",\n'),
                                      encoding="utf-8")
    return folder


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _build(book: Path, out: Path, env: dict) -> dict[str, str]:
    proc = pressroom("build", "--source", book, "--out", out, "--force", env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr
    return {p.suffix: _sha(p) for p in sorted(out.glob("*.*")) if p.suffix in (".epub", ".pdf")}


def test_two_folders_same_epoch_give_identical_bytes(tmp_path):
    env = {"SOURCE_DATE_EPOCH": EPOCH}
    a = _build(_book(tmp_path / "one" / "source"), tmp_path / "one" / "build", env)
    b = _build(_book(tmp_path / "elsewhere" / "deeper" / "book"), tmp_path / "elsewhere" / "out", env)
    assert set(a) == {".epub", ".pdf"}
    assert a == b
    epub = next((tmp_path / "one" / "build").glob("*.epub"))
    with zipfile.ZipFile(epub) as z:
        infos = z.infolist()
        assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
        assert not infos[0].extra
        assert {i.date_time for i in infos} == {(2023, 11, 14, 22, 13, 20)}
        assert [i.filename for i in infos[2:]] == sorted(i.filename for i in infos[2:])
        opf = z.read("EPUB/content.opf").decode()
    assert "2023-11-14T22:13:20Z" in opf
    assert str(tmp_path) not in opf
    import pikepdf

    with pikepdf.open(next((tmp_path / "one" / "build").glob("*.pdf"))) as pdf:
        assert str(pdf.docinfo["/CreationDate"]).startswith("D:20231114221320")
        assert str(pdf.docinfo["/ModDate"]).startswith("D:20231114221320")
        everything = b"".join(o.read_bytes() if isinstance(o, pikepdf.Stream) else repr(o).encode()
                              for o in pdf.objects if o is not None)
    assert str(tmp_path).encode() not in everything  # no path of the build machine in the PDF


def _git(cwd: Path, *args: str, when: str = COMMIT_TIME) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "T",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_AUTHOR_DATE": when, "GIT_COMMITTER_DATE": when,
           "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True,
                          timeout=60).stdout


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_without_epoch_the_last_commit_sets_the_time(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q", "-b", "main")
    _book(repo / "source")
    (repo / "README.md").write_text("not part of the book\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "the book")
    clone = tmp_path / "clone"
    _git(tmp_path, "clone", "-q", str(repo), str(clone))
    env = {"SOURCE_DATE_EPOCH": ""}
    a = _build(repo / "source", tmp_path / "a", env)
    b = _build(clone / "source", tmp_path / "b", env)
    assert a == b  # another checkout, another day: the same bytes
    with zipfile.ZipFile(next((tmp_path / "a").glob("*.epub"))) as z:
        assert z.infolist()[0].date_time == (2024, 2, 29, 12, 34, 56)
        assert "2024-02-29T12:34:56Z" in z.read("EPUB/content.opf").decode()
    # a later commit outside the book's folder does not change the book
    (repo / "README.md").write_text("changed\n")
    _git(repo, "commit", "-q", "-am", "not the book", when="2025-01-01T00:00:00Z")
    assert _git(repo, "log", "-1", "--format=%cI").startswith("2025-01-01")
    assert _build(repo / "source", tmp_path / "c", env) == a


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_is_asked_once_until_a_commit_and_not_without_a_repository(tmp_path, monkeypatch):
    """build_time() runs `git log` once for the four times a build asks, again after a commit
    (`pressroom serve` builds again in the same process), and never for a book in no repository."""
    from pipeline import emit

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    runs = []
    real_run = subprocess.run
    monkeypatch.setattr(emit.subprocess, "run", lambda *a, **k: (a[0][:2] == ["git", "log"] and runs.append(a[0]))
                        or real_run(*a, **k))
    repo = tmp_path / "repo"
    (repo / "source").mkdir(parents=True)
    _git(repo, "init", "-q", "-b", "main")
    (repo / "source" / "a.md").write_text("# A\n")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "one")
    first = [emit.build_time(repo / "source") for _ in range(4)]
    assert first == [emit.dt.datetime(2024, 2, 29, 12, 34, 56, tzinfo=emit.dt.timezone.utc)] * 4 and len(runs) == 1
    (repo / "source" / "a.md").write_text("# A again\n")
    _git(repo, "commit", "-q", "-am", "two", when="2025-03-01T00:00:00Z")
    assert emit.build_time(repo / "source").year == 2025 and len(runs) == 2
    alone = tmp_path / "alone"
    alone.mkdir()
    assert emit.build_time(alone, "2023-05-06").date() == emit.dt.date(2023, 5, 6) and len(runs) == 2


def test_release_is_verifiable_and_refused_when_checks_fail(tmp_path):
    """`pressroom release`: SHA256SUMS that `sha256sum -c` accepts; a book that fails EPUBCheck is
    refused (exit 2) and the previous release stays as it was."""
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "book.toml").write_text('title = "Released"\nlanguage = "en"\nauthors = ["A"]\nversion = "2.1.0"\n'
                                    'output = "released"\n', encoding="utf-8")
    (book / "chapters" / "a.md").write_text("# One\n\nSome text to publish.\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = pressroom("release", "--source", book, "--out", out, env={"SOURCE_DATE_EPOCH": EPOCH}, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    release = out / "release"
    assert sorted(p.name for p in release.iterdir()) == ["SHA256SUMS", "build-report.json", "build-report.txt",
                                                         "released-2.1.0.epub", "released-2.1.0.pdf"]
    if shutil.which("sha256sum"):
        check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=release, capture_output=True, text=True,
                               timeout=60)
        assert check.returncode == 0 and check.stdout.count(": OK") == 2, check.stdout + check.stderr
    sums = (release / "SHA256SUMS").read_text()
    assert all(oct(p.stat().st_mode & 0o044) == oct(0o044) for p in release.iterdir())  # readable by others
    # a book EPUBCheck refuses: its own chapter template puts a block inside a paragraph
    (book / "templates").mkdir()
    chapter = (ROOT / "templates" / "chapter.xhtml.j2").read_text(encoding="utf-8")
    assert "</section>" in chapter
    (book / "templates" / "chapter.xhtml.j2").write_text(
        chapter.replace("</section>", "<p><div>a block in a paragraph</div></p></section>", 1), encoding="utf-8")
    proc = pressroom("release", "--source", book, "--out", out, env={"SOURCE_DATE_EPOCH": EPOCH}, timeout=600)
    assert proc.returncode == 2 and "release refused" in proc.stderr, proc.stdout + proc.stderr
    assert "FAIL" in proc.stdout and "Traceback" not in proc.stderr
    assert (release / "SHA256SUMS").read_text() == sums
    assert not [p for p in out.iterdir() if p.name.startswith(".release")]
