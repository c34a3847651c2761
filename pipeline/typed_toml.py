"""A TOML table read into a typed dataclass, for `config.py`: `build()` checks each key against the
dataclass's fields and type hints and names the file and the key's line in one-line errors
(`key_line()`: tomllib keeps no positions). Knows nothing of books."""
from __future__ import annotations

import dataclasses
import re
import types
import typing
from pathlib import Path
from typing import Literal

from .model import PressroomError


def rel(p: Path) -> str:
    """`p` as the user sees it: relative to the working folder where it is inside it."""
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


def key_line(path: Path, key: str, table: str = "") -> int | None:
    """The line where `key` is set in `table` of a TOML file (tomllib keeps no positions)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    current = ""
    for i, text in enumerate(lines, 1):
        s = text.strip()
        m = re.match(r"^\[\s*([^\]]+?)\s*\]", s)
        if m:
            current = m.group(1)
            if not key and current == table:
                return i
            continue
        if current == table and re.match(rf'^["\']?{re.escape(key)}["\']?\s*=', s):
            return i
    return None


def _check_type(value, hint) -> bool:
    if hint is type(None):
        return value is None
    origin = typing.get_origin(hint)
    if origin is Literal:
        return value in typing.get_args(hint)
    if origin is list:
        (item,) = typing.get_args(hint)
        return isinstance(value, list) and all(_check_type(v, item) for v in value)
    if origin in (typing.Union, types.UnionType):
        return any(_check_type(value, h) for h in typing.get_args(hint))
    if hint is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if hint is str:
        return isinstance(value, str)
    if hint is bool:
        return isinstance(value, bool)
    return True


def _type_name(hint) -> str:
    origin = typing.get_origin(hint)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in typing.get_args(hint))
    if origin is list:
        return "a list of " + {str: "strings", int: "integers", float: "numbers", bool: "booleans"}.get(
            typing.get_args(hint)[0], "values")
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_type_name(h) for h in typing.get_args(hint) if h is not type(None))
    return {str: "a string", int: "an integer", float: "a number", bool: "true or false"}.get(hint, str(hint))


def build(cls, data: dict, path: Path, table: str = ""):
    """`cls` (a dataclass) made of `data`, the table `table` of the TOML file `path`: each key known,
    of its field's type, free of control characters, a nested dataclass read from a nested table;
    else a PressroomError naming the file, the key's line and what is allowed."""
    hints = typing.get_type_hints(cls)
    allowed = [f.name for f in dataclasses.fields(cls) if f.name not in ("source_dir", "from_file")]
    kwargs = {}
    for key, value in data.items():
        where = f"[{table}] " if table else ""
        if key not in allowed:
            raise PressroomError(
                f"unknown key {where}'{key}'; allowed keys: {', '.join(allowed)}",
                rel(path), key_line(path, key, table) or key_line(path, "", f"{table}.{key}" if table else key))
        hint = hints[key]
        if dataclasses.is_dataclass(hint):
            if not isinstance(value, dict):
                raise PressroomError(f"'{key}' must be a table ([{key}])", rel(path), key_line(path, key, table))
            kwargs[key] = build(hint, value, path, f"{table}.{key}" if table else key)
            continue
        if not _check_type(value, hint):
            raise PressroomError(f"{where}'{key}' must be {_type_name(hint)}, not {value!r}",
                                 rel(path), key_line(path, key, table))
        for text in ([value] if isinstance(value, str) else value if isinstance(value, list) else []):
            bad = re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", text) if isinstance(text, str) else None
            if bad:
                raise PressroomError(f"{where}'{key}' contains a control character (U+{ord(bad.group()):04X}); remove it",
                                     rel(path), key_line(path, key, table))
        numeric = hint is float or (typing.get_origin(hint) in (typing.Union, types.UnionType)
                                    and float in typing.get_args(hint))
        kwargs[key] = float(value) if numeric and isinstance(value, int) else value
    return cls(**kwargs)
