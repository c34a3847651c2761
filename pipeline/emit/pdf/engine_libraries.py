"""WeasyPrint's C libraries loaded by their sonames, without a compiler run: 0.3 s of wall time and
CPU saved in each process that imports WeasyPrint (the build's and the layout workers' fork server).

WeasyPrint 70 loads GObject, Pango, HarfBuzz, fontconfig and PangoFT2 through cffi's `ffi.dlopen`
(`weasyprint/text/ffi.py: _dlopen`), trying for each the names it has on every platform in turn:
`libpango-1.0-0`, `pango-1.0-0`, `pango-1.0`, then `libpango-1.0.so.0`, the soname that Linux's
dynamic loader opens as it is. For each name the loader cannot open, cffi asks
`ctypes.util.find_library`, which on Linux runs `ldconfig -p`, then `gcc` (with `collect2` and
`ld`) and `ld` to look for it: 22 look-ups and 86 processes for one import (`strace -f`), all to find
nothing or the soname tried next (the optional HarfBuzz vector library, absent from Debian's
HarfBuzz 6, is six names that all fail).

Importing this module imports `weasyprint.text.ffi` with that look-up answering "not found" at
once, so each library is opened by its soname: the same file. Only on Linux, only during that
import; if a library cannot be opened that way, WeasyPrint is imported again as it would be
(with the look-up). Imported first where WeasyPrint is (`parts.WARM_IMPORTS`, `fetch.py`).
"""
from __future__ import annotations

import ctypes.util
import sys


def _not_found(name: str) -> None:
    return None


def load() -> bool:
    """WeasyPrint's libraries loaded (`weasyprint.text.ffi` imported); True if by their sonames alone."""
    if "weasyprint.text.ffi" in sys.modules or not sys.platform.startswith("linux"):
        return False
    original = ctypes.util.find_library
    ctypes.util.find_library = _not_found
    try:
        import weasyprint.text.ffi  # noqa: F401
        return True
    except OSError:  # a library its soname does not reach: WeasyPrint's own look-up, as without this module
        for name in [n for n in sys.modules if n == "weasyprint" or n.startswith("weasyprint.")]:
            del sys.modules[name]
        return False
    finally:
        ctypes.util.find_library = original


BY_SONAME = load()
