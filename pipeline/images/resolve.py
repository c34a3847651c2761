"""Where an image's bytes come from: a file in the book, a `data:` URI or a remote URL.

Local paths are tried relative to the chapter file, then `img/` at the book's root, then the
configured asset folders. Backslashes (Windows-written paths) are normalized, Markdown escapes and
percent-encoding undone. No path may leave the book's folder, through `..` or through a symlink.
"""
from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, unquote_to_bytes, urlsplit


class ImageNotFound(Exception):
    """The image cannot be read; the message says why, for the user."""


@dataclass(frozen=True)
class Source:
    kind: str  # "file", "data", "remote"
    path: Path | None = None
    url: str = ""
    data: bytes = b""


_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~])")


def normalize_src(src: str) -> str:
    """The src as the author meant it: trimmed, Markdown escapes removed in URLs."""
    src = (src or "").strip().strip("<>").strip()
    if re.match(r"(?i)https?://", src):
        src = _MD_ESCAPE.sub(r"\1", src)
    return src


def decode_data_uri(src: str) -> bytes:
    """The bytes of a `data:` URI (base64 or percent-encoded)."""
    head, sep, payload = src.partition(",")
    if not sep:
        raise ImageNotFound("malformed data: URI (no comma)")
    if head.lower().endswith(";base64"):
        try:
            return base64.b64decode(re.sub(r"\s+", "", unquote(payload)), validate=True)
        except (binascii.Error, ValueError):
            raise ImageNotFound("malformed data: URI (bad base64)") from None
    return unquote_to_bytes(payload)


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def resolve(src: str, chapter_file: Path, book_dir: Path, asset_dirs: list[str] | tuple = ()) -> Source:
    """Find the image `src` names; raise ImageNotFound with a reason when it cannot be used."""
    src = normalize_src(src)
    if not src:
        raise ImageNotFound("empty image source")
    low = src.lower()
    if low.startswith("data:"):
        return Source("data", data=decode_data_uri(src))
    if low.startswith(("http://", "https://")):
        return Source("remote", url=src)
    if low.startswith("//"):
        return Source("remote", url="https:" + src)
    scheme = urlsplit(src).scheme
    if scheme and len(scheme) > 1:  # file:, ftp:, javascript: ... (one letter is a drive: C:\)
        raise ImageNotFound(f"unsupported image URL scheme '{scheme}:'")
    rel = unquote(src.split("#", 1)[0].split("?", 1)[0]).replace("\\", "/")
    if re.match(r"^[A-Za-z]:/", rel) or rel.startswith("/"):
        rel = rel.lstrip("/")  # absolute paths are read as book-relative, never from the disk root
        if re.match(r"^[A-Za-z]:/", rel):
            raise ImageNotFound("absolute Windows path; use a path relative to the chapter")
    root = book_dir.resolve()
    bases = [chapter_file.parent, book_dir / "img"]
    bases += [book_dir / d for d in asset_dirs]
    refused = ""
    for base in bases:
        candidate = base / rel
        lexical = Path(_lexical(candidate))
        if not _inside(lexical, Path(_lexical(book_dir))) and not _inside(lexical, root):
            refused = "path leaves the book folder"
            continue
        try:
            real = candidate.resolve(strict=True)
        except (OSError, RuntimeError):
            continue
        if not _inside(real, root):
            refused = "path leaves the book folder (through a symbolic link)"
            continue
        if real.is_file():
            return Source("file", path=real)
    if refused:
        raise ImageNotFound(refused)
    raise ImageNotFound("no such file")


def _lexical(p: Path) -> str:
    """Collapse `.` and `..` without touching the disk (so a symlink is not followed here)."""
    parts: list[str] = []
    for part in p.absolute().parts:
        if part == "..":
            if len(parts) > 1:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return str(Path(*parts)) if parts else "/"
