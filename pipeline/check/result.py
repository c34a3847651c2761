"""`CheckResult`: what every check gives back (the file, passed or not, one summary line, and the
problems found). A leaf of the package: it imports nothing of Pressroom's."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class CheckResult:
    path: Path
    ok: bool
    summary: str
    problems: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"{'ok  ' if self.ok else 'FAIL'} {self.path}: {self.summary}"
