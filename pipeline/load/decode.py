"""Bytes -> text: UTF-8 (with or without BOM), else a detected encoding, else a clear refusal.
Characters XML cannot carry (C0 controls other than tab and newline, DEL, lone surrogates,
U+FFFE/U+FFFF) are taken out of the text and counted, so the loader can say where they were."""
from __future__ import annotations

import re
from pathlib import Path

from ..model import PressroomError

# C0 controls other than tab, newline and carriage return; they are not allowed in XML.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# A UTF-16 surrogate encoded as UTF-8 (CESU-8, or a lone half of an emoji): never valid UTF-8.
_SURROGATE_UTF8 = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")


def read_text(path: Path, rel: str) -> str:
    """The article's text, line ends normalized; XML-invalid characters removed."""
    return strip_controls(decode(path.read_bytes(), rel))[0]


def decode(data: bytes, rel: str) -> str:
    """The article's text with `\\n` line ends; characters not yet checked."""
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PressroomError("this is a binary file, not a Markdown or HTML article; remove it from the chapters", rel)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        m = _SURROGATE_UTF8.match(data, e.start)
        if m:
            code = m.group().decode("utf-8", "surrogatepass")
            raise PressroomError(f"invalid UTF-8: an unpaired surrogate (U+{ord(code):04X}) encoded as bytes; "
                                 "remove it or save the file as proper UTF-8", rel, line) from None
        if _mostly_utf8(data):
            raise PressroomError(f"invalid UTF-8 (byte 0x{data[e.start]:02x}); fix or remove it, "
                                 "or save the file as UTF-8", rel, line) from None
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None or best.encoding in ("utf_8",) or (best.chaos or 0) > 0.2:
            raise PressroomError(
                "invalid UTF-8 and no other text encoding fits; save the file as UTF-8", rel, line) from None
        text = str(best)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def strip_controls(text: str) -> tuple[str, int, int | None, str]:
    """(text without XML-invalid characters, how many were removed, the first one's line, its code)."""
    m = _CONTROL.search(text)
    if m is None:
        return text, 0, None, ""
    cleaned, count = _CONTROL.subn("", text)
    return cleaned, count, text.count("\n", 0, m.start()) + 1, f"U+{ord(m.group()):04X}"


def scrub(value: str) -> str:
    """A string without XML-invalid characters (for parsed text and attribute values)."""
    return _CONTROL.sub("", value)


def _mostly_utf8(data: bytes) -> bool:
    """True when the file has valid multi-byte UTF-8 characters: it is UTF-8 with damage in it,
    not text in another encoding."""
    text = data.decode("utf-8", "replace")
    good = sum(1 for c in text if ord(c) > 0x7F and c != "\ufffd")
    return good > 0 and good >= text.count("\ufffd")
