"""Two of BeautifulSoup's imports deferred to their first use.

bs4 imports soupsieve (0.1 s: it compiles its CSS grammar) and charset_normalizer (0.02 s) when it
is itself imported, though only `.select()` uses the one and only a guess at the encoding of
bytes the other. The stages select nothing in a Markdown chapter and give bs4 text, not bytes;
every chapter worker and the build imported them for nothing, and a one-chapter rebuild waits for
its worker's imports. Each module is a stand-in in `sys.modules` until an attribute of it is read;
then the real module is imported and the stand-in takes its attributes.

A patch of a third-party internal, by the rules of `pipeline/emit/pdf/weasyprint_patches/`: it
replaces bs4's import-time `import soupsieve` / `import charset_normalizer` (bs4/css.py,
bs4/dammit.py) with a stand-in; it saves 0.12 s of every process that imports bs4 (measured with
`python -X importtime`); it was written for beautifulsoup4 4.12.3 and is used only where
`engine_versions.written_for("beautifulsoup4")` (`PACKAGE`); with any other version bs4 imports
them as it always does. `PRESSROOM_ENGINE_PATCHES=0` turns it off with the others.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types

from . import engine_versions

PACKAGE = "beautifulsoup4"


class _Deferred(types.ModuleType):
    def __getattr__(self, attr: str):
        if sys.modules.get(self.__name__) is self:
            del sys.modules[self.__name__]
        real = importlib.import_module(self.__name__)
        self.__dict__.update(real.__dict__)
        return getattr(real, attr)


def defer(*names: str) -> None:
    """Each of `names` (not yet imported) imported when first used, where bs4 is a version this
    was written for and the patches are not switched off."""
    if not engine_versions.written_for(PACKAGE) or not engine_versions.patches_on():
        return
    for name in names:
        if name not in sys.modules and importlib.util.find_spec(name) is not None:
            sys.modules[name] = _Deferred(name)
