"""`pressroom import medium`: the export as a zip, as a folder or as its posts/ folder; drafts and
replies skipped unless asked; chapters oldest first; book.toml written once, from the profile."""
from __future__ import annotations

import tomllib
import zipfile
from pathlib import Path

import pytest

from pipeline.config import load_config
from pipeline.load.medium_import import import_medium, is_reply
from pipeline.model import PressroomError

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus"


def post(title: str, date: str, body: str = "", titled: bool = True) -> str:
    head = (f'<h3 class="graf graf--h3 graf--leading graf--title">{title}</h3>' if titled else "")
    text = body or ("A paragraph of the story. " * 80)
    return (f'<!DOCTYPE html><html><head><title>{title}</title></head><body><article class="h-entry">'
            f'<header><h1 class="p-name">{title}</h1></header><section data-field="body" class="e-content">'
            f'<section class="section"><div class="section-content"><div class="section-inner">{head}'
            f'<p class="graf graf--p">{text}</p></div></div></section></section>'
            f'<footer><p>By <a class="p-author h-card" href="https://medium.com/@ada">Ada Lovelace</a> on '
            f'<time class="dt-published" datetime="{date}T10:00:00.000Z">{date}</time>.</p>'
            f'<p>Exported from <a href="https://medium.com">Medium</a> on May 1, 2021.</p></footer>'
            f'</article></body></html>')


PROFILE = ('<html><body><h3 class="p-name">Ada Lovelace</h3><p>@ada</p></body></html>')


def make_export(root: Path) -> Path:
    posts = root / "export" / "posts"
    posts.mkdir(parents=True)
    (posts / "2020-05-02_Second-story-bbb.html").write_text(post("Second story", "2020-05-02"), encoding="utf-8")
    (posts / "2019-01-10_First-story-aaa.html").write_text(post("First story", "2019-01-10"), encoding="utf-8")
    (posts / "draft_Unfinished-ccc.html").write_text(post("Unfinished", ""), encoding="utf-8")
    (posts / "2020-06-01_Great-point--ddd.html").write_text(
        post("Great point, thanks", "2020-06-01", body="Great point, thanks for writing this!", titled=False),
        encoding="utf-8")
    (root / "export" / "profile").mkdir()
    (root / "export" / "profile" / "profile.html").write_text(PROFILE, encoding="utf-8")
    return root / "export"


def test_folder_export_oldest_first_without_drafts_and_replies(tmp_path):
    export = make_export(tmp_path)
    dest = tmp_path / "source"
    written = import_medium(export, dest)
    assert [p.name for p in written] == ["2019-01-10_First-story-aaa.html", "2020-05-02_Second-story-bbb.html"]
    book = tomllib.loads((dest / "book.toml").read_text(encoding="utf-8"))
    assert book["authors"] == ["Ada Lovelace"]
    assert book["chapters"] == ["chapters/2019-01-10_First-story-aaa.html", "chapters/2020-05-02_Second-story-bbb.html"]
    assert book["language"] == "en"
    cfg, _ = load_config(dest)  # the written book.toml is valid configuration
    assert [p.name for p in cfg.chapter_files()] == [p.name for p in written]


def test_posts_folder_and_include_flags(tmp_path):
    export = make_export(tmp_path)
    written = import_medium(export / "posts", tmp_path / "s", include_drafts=True, include_replies=True)
    names = [p.name for p in written]
    assert names[-1] == "draft_Unfinished-ccc.html"  # drafts after the published stories
    assert "2020-06-01_Great-point--ddd.html" in names and len(names) == 4
    assert "Ada Lovelace" in (tmp_path / "s" / "book.toml").read_text(encoding="utf-8")  # profile found next to posts/


def test_zip_export_and_existing_book_toml_kept(tmp_path):
    export = make_export(tmp_path)
    archive = tmp_path / "medium-export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in export.rglob("*"):
            if f.is_file():
                z.write(f, "medium-export-abc/" + f.relative_to(export).as_posix())
        z.writestr("medium-export-abc/posts/../../evil.html", post("Evil", "2020-01-01"))
    dest = tmp_path / "book"
    dest.mkdir()
    (dest / "book.toml").write_text('title = "Mine"\n', encoding="utf-8")
    written = import_medium(archive, dest)
    assert all(p.parent == dest / "chapters" for p in written)
    assert not (tmp_path / "evil.html").exists()
    assert (dest / "book.toml").read_text(encoding="utf-8") == 'title = "Mine"\n'
    # a second import changes nothing and keeps the author's edits to a chapter
    written[0].write_text("edited", encoding="utf-8")
    again = import_medium(archive, dest)
    assert [p.name for p in again] == [p.name for p in written]
    assert written[0].read_text(encoding="utf-8") == "edited"


@pytest.mark.parametrize("make,message", [
    (lambda d: d / "missing.zip", "not found"),
    (lambda d: (d / "x.zip").write_bytes(b"not a zip") and d / "x.zip", "not a zip"),
    (lambda d: (d / "empty").mkdir() or d / "empty", "no posts found"),
])
def test_bad_input_is_one_clear_line(tmp_path, make, message):
    with pytest.raises(PressroomError, match=message) as e:
        import_medium(make(tmp_path), tmp_path / "out")
    assert "\n" not in str(e.value)


def test_only_drafts_is_refused(tmp_path):
    posts = tmp_path / "posts"
    posts.mkdir()
    (posts / "draft_x.html").write_text(post("X", ""), encoding="utf-8")
    with pytest.raises(PressroomError, match="draft or a reply"):
        import_medium(posts, tmp_path / "out")


def test_reply_detection():
    assert is_reply(post("Nice", "2020-01-01", body="Nice one!", titled=False))
    assert not is_reply(post("Story", "2020-01-01"))


@pytest.mark.skipif(not (CORPUS / "medium-html").is_dir(), reason="shared corpus not present")
def test_corpus_export_folder(tmp_path):
    folder = next(p for p in (CORPUS / "medium-html").iterdir() if p.is_dir())
    written = import_medium(folder, tmp_path / "src")
    assert written and not any(p.name.startswith("draft_") for p in written)
    assert [p.name for p in written] == sorted(p.name for p in written)
    book = tomllib.loads((tmp_path / "src" / "book.toml").read_text(encoding="utf-8"))
    assert book["authors"] == ["Kolawole Precious"]
