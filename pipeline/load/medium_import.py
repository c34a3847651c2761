"""`pressroom import medium EXPORT`: Medium's "Download your information" export (the zip, the
unpacked folder or its `posts/` folder) -> chapter files in `DEST/chapters/` and, when the folder
has none, a `book.toml` filled from the export (title and author from `profile/profile.html`,
language detected from the text, chapters oldest first).

Drafts (`draft_*.html`) and replies (responses to other stories: no `graf--title`, a few lines)
are skipped unless asked for. Existing chapter files are never overwritten with different
content; a re-import of the same export changes nothing.
"""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path, PurePosixPath

from bs4 import BeautifulSoup

from ..model import PressroomError

MAX_POST_BYTES = 60_000_000
MAX_POSTS = 5000
DATE_PREFIX = re.compile(r"^(\d{4}-\d{2}-\d{2})_")


def _read_export(export: Path) -> tuple[dict[str, bytes], bytes | None]:
    """{file name: bytes} of the posts, and the profile page's bytes (or None)."""
    if not export.exists():
        raise PressroomError(f"Medium export not found: {export} (pass the .zip or its posts/ folder)")
    posts: dict[str, bytes] = {}
    profile = None
    if export.is_file():
        if not zipfile.is_zipfile(export):
            raise PressroomError(f"{export} is not a zip file or a folder (pass Medium's export .zip or its posts/ folder)")
        try:
            with zipfile.ZipFile(export) as z:
                for info in z.infolist():
                    path = PurePosixPath(info.filename.replace("\\", "/"))
                    if info.is_dir() or len(path.parts) < 2:
                        continue
                    if path.parts[-2] == "posts" and path.suffix.lower() == ".html":
                        if info.file_size > MAX_POST_BYTES or len(posts) >= MAX_POSTS:
                            raise PressroomError(f"{export}: {path.name} is too large or the export has too many posts")
                        posts[path.name] = z.read(info)
                    elif path.parts[-2] == "profile" and path.name == "profile.html" and info.file_size < MAX_POST_BYTES:
                        profile = z.read(info)
        except (zipfile.BadZipFile, OSError) as e:
            raise PressroomError(f"{export}: unreadable zip ({e})") from None
    else:
        folder = export / "posts" if (export / "posts").is_dir() else export
        for p in sorted(folder.glob("*.html")):
            if p.stat().st_size > MAX_POST_BYTES:
                raise PressroomError(f"{p}: post is larger than {MAX_POST_BYTES // 1_000_000} MB")
            posts[p.name] = p.read_bytes()
        for cand in (export / "profile" / "profile.html", folder.parent / "profile" / "profile.html"):
            if cand.is_file():
                profile = cand.read_bytes()
                break
    if not posts:
        raise PressroomError(f"{export}: no posts found (expected posts/*.html from Medium's export)")
    return posts, profile


def is_reply(html: str) -> bool:
    """A response to someone else's story: no title paragraph, and only a few lines of text."""
    soup = BeautifulSoup(html, "html.parser")
    if soup.select_one(".graf--title") is not None:
        return False
    body = soup.select_one("section[data-field=body]") or soup.body or soup
    return len(body.get_text(" ", strip=True)) < 1500


def _published(name: str, html: str) -> str:
    m = DATE_PREFIX.match(name)
    if m:
        return m.group(1)
    t = BeautifulSoup(html, "html.parser").select_one("time.dt-published")
    return (t.get("datetime") or "")[:10] if t is not None else "9999"


def profile_author(data: bytes | None) -> str:
    if not data:
        return ""
    soup = BeautifulSoup(data.decode("utf-8", "replace"), "html.parser")
    for sel in (".p-name", "h3.p-name", "h1", "h3"):
        el = soup.select_one(sel)
        if el is not None and el.get_text(strip=True):
            return " ".join(el.get_text(" ", strip=True).split())
    return ""


def _post_author(posts: list[bytes]) -> str:
    """The author most posts name in their footer (`a.p-author`), when there is no profile page."""
    counts: dict[str, int] = {}
    for data in posts[:50]:
        a = BeautifulSoup(data.decode("utf-8", "replace"), "html.parser").select_one("footer .p-author")
        if a is not None and a.get_text(strip=True):
            name = " ".join(a.get_text(" ", strip=True).split())
            counts[name] = counts.get(name, 0) + 1
    return max(counts, key=counts.get) if counts else ""


def import_medium(export: Path, dest: Path, include_drafts: bool = False,
                  include_replies: bool = False) -> list[Path]:
    """Write the export's posts into `dest/chapters/` (oldest first) and a `book.toml` if missing.
    Returns the chapter files in book order."""
    export, dest = Path(export), Path(dest)
    posts, profile = _read_export(export)
    chosen = []
    for name, data in posts.items():
        if not re.fullmatch(r"[\w.()\[\]-]+\.html", name, re.ASCII) or name.startswith("."):
            name = re.sub(r"[^\w.-]+", "-", name, flags=re.ASCII).strip(".-") or "post.html"
        html = data.decode("utf-8", "replace")
        if name.startswith("draft_") and not include_drafts:
            continue
        if not include_replies and not name.startswith("draft_") and is_reply(html):
            continue
        chosen.append((name.startswith("draft_"), _published(name, html), name, data))
    if not chosen:
        raise PressroomError(f"{export}: every post is a draft or a reply (use --drafts or --replies to include them)")
    chosen.sort()
    chapters_dir = dest / "chapters"
    try:
        chapters_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise PressroomError(f"cannot create {chapters_dir} ({e.strerror})") from None
    written = []
    for _, _, name, data in chosen:
        target = chapters_dir / name
        if not target.exists():
            tmp = target.with_suffix(".html.part")
            tmp.write_bytes(data)
            tmp.replace(target)
        written.append(target)
    book = dest / "book.toml"
    if not book.exists():
        author = profile_author(profile) or _post_author([data for _, _, _, data in chosen])
        book.write_text(_book_toml(dest, written, author), encoding="utf-8")
    return written


def _book_toml(dest: Path, chapters: list[Path], author: str) -> str:
    from ..config import detect_language
    title = f"{author}: stories from Medium" if author else (dest.resolve().name.replace("-", " ") or "Medium stories")
    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731  a TOML basic string
    names = ",\n".join(f"  {q(p.relative_to(dest).as_posix())}" for p in chapters)
    authors = f"[{q(author)}]" if author else "[]"
    return ("# Written by 'pressroom import medium'; edit freely.\n"
            f"title = {q(title)}\n"
            f"authors = {authors}\n"
            f"language = {q(detect_language(chapters))}\n"
            f"chapters = [\n{names}\n]\n")
