"""Golden files: compare a stage's output with `tests/golden/<stage>/<case>/...`.
`PRESSROOM_REGEN=1` (or a golden that does not exist yet) writes the file instead: review the diff."""
from __future__ import annotations

import os
from pathlib import Path

REGEN = os.environ.get("PRESSROOM_REGEN") == "1"


def assert_golden(got: str, path: Path, *context) -> None:
    if REGEN or not path.exists():
        path.write_text(got, encoding="utf-8")
    assert got == path.read_text(encoding="utf-8"), context or path
