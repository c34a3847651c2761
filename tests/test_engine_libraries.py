"""pipeline/emit/pdf/engine_libraries.py: WeasyPrint imported with its libraries opened by their
sonames: no `ldconfig`, `gcc` or `ld` run, and the same library files as WeasyPrint's own look-up."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LIBRARIES = ("libgobject-2.0", "libpango-1.0", "libharfbuzz", "libfontconfig", "libpangoft2-1.0")

REPORT = """
import ctypes.util, json, resource, sys
original = ctypes.util.find_library
import pipeline.emit.pdf  # what the build has imported before (Pillow's own libraries among them)
if sys.argv[1] == "sonames":
    import pipeline.emit.pdf.engine_libraries as libraries
    by_soname = libraries.BY_SONAME
else:
    by_soname = None
import weasyprint
from weasyprint.text import ffi
maps = {line.split()[-1] for line in open("/proc/self/maps") if ".so" in line.split()[-1]}
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"by_soname": by_soname, "maps": sorted(maps), "restored": ctypes.util.find_library is original,
                  "children": children.ru_utime + children.ru_stime,
                  "loaded": [ffi.gobject is not None, ffi.pango is not None, ffi.harfbuzz is not None,
                             ffi.fontconfig is not None, ffi.pangoft2 is not None]}))
"""


def _imported(way: str) -> dict:
    done = subprocess.run([sys.executable, "-c", REPORT, way], cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the sonames are Linux's")
def test_weasyprint_is_imported_without_a_library_search_and_opens_the_same_files():
    quick, plain = _imported("sonames"), _imported("plain")
    assert quick["by_soname"] is True
    assert quick["children"] == 0, "a process was started to look for a library"
    assert plain["children"] > 0, "WeasyPrint's own look-up started no process: this module has nothing to save"
    assert quick["restored"] and quick["loaded"] == [True] * 5

    def ours(maps):
        return sorted(m for m in maps if Path(m).name.startswith(LIBRARIES))

    assert ours(quick["maps"]) == ours(plain["maps"])
    assert len(ours(quick["maps"])) >= len(LIBRARIES)
