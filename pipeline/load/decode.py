"""Bytes -> text: UTF-8 (with or without BOM), else a detected encoding, else a clear refusal."""
from __future__ import annotations

import re
from pathlib import Path

from charset_normalizer import from_bytes

from ..model import PressroomError

# C0 controls other than tab, newline and carriage return; they are not allowed in XML.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def read_text(path: Path, rel: str) -> str:
    data = path.read_bytes()
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PressroomError("this is a binary file, not a Markdown or HTML article; remove it from the chapters", rel)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        if _mostly_utf8(data):
            raise PressroomError(f"invalid UTF-8 (byte 0x{data[e.start]:02x}); fix or remove it, "
                                 "or save the file as UTF-8", rel, line) from None
        best = from_bytes(data).best()
        if best is None or best.encoding in ("utf_8",) or (best.chaos or 0) > 0.2:
            raise PressroomError(
                "invalid UTF-8 and no other text encoding fits; save the file as UTF-8", rel, line) from None
        text = str(best)
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _mostly_utf8(data: bytes) -> bool:
    """True when the file has valid multi-byte UTF-8 characters: it is UTF-8 with damage in it,
    not text in another encoding."""
    text = data.decode("utf-8", "replace")
    good = sum(1 for c in text if ord(c) > 0x7F and c != "\ufffd")
    return good > 0 and good >= text.count("\ufffd")
