"""The parts' content streams deflated at zlib level 6 instead of pydyf 0.13's level 9: on a book's
text and drawing operators level 9 takes nearly three times as long for 2% less data (50 articles:
1.3 s against 0.5 s of the PDF's CPU, 3.62 MB against 3.69 MB). The join copies the parts'
streams as they are, so this is the book's compression too.
Written for pydyf 0.13.0 (`engine_versions.SUPPORTED`, pinned in pyproject.toml): installed only
there and while the patches are on; otherwise pydyf deflates at level 9.
"""
from __future__ import annotations

import zlib

from ....engine_versions import written_for

PACKAGE = "pydyf"
LEVEL = 6


class _Zlib:
    """The `zlib` pydyf sees: its `compressobj` at LEVEL, whatever level pydyf asks for."""

    def __getattr__(self, name: str):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(level: int = -1, *args, **kwargs):
        return zlib.compressobj(LEVEL, *args, **kwargs)


def install(cache_folder=None) -> bool:
    if not written_for(PACKAGE):
        return False
    import pydyf

    if pydyf.zlib is not zlib:
        return isinstance(pydyf.zlib, _Zlib)
    pydyf.zlib = _Zlib()
    return True


def uninstall() -> None:
    """pydyf's own `zlib` (level 9) again."""
    import sys

    pydyf = sys.modules.get("pydyf")
    if pydyf is not None and isinstance(pydyf.zlib, _Zlib):
        pydyf.zlib = zlib
