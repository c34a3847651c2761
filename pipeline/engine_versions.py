"""The one table of third-party versions Pressroom's patches were written for, and the one check.

Pressroom replaces a few private internals of other packages to save time
(`pipeline/emit/pdf/weasyprint_patches/`: WeasyPrint and pydyf, its PDF writer;
`pipeline/deferred.py`: BeautifulSoup's imports; `pipeline/math/ziamath_patch.py`: ziamath's
layout of nested rows). Such code is right only for the versions it
was read against: each patch installs only where `written_for(package)`, and is otherwise left
off (the book is still made, by the package's own code). Upgrading a package is: pin the new
version in pyproject.toml, run the PDF tests and the engine tests with the patches on, read each
patch against the new source, then add the version here (README: "Upgrading WeasyPrint").
"""
from __future__ import annotations

import functools
import os
import sys

SUPPORTED: dict[str, frozenset[str]] = {
    "weasyprint": frozenset({"70.0"}),
    "pydyf": frozenset({"0.13.0"}),
    "beautifulsoup4": frozenset({"4.12.3"}),
    "ziamath": frozenset({"0.13"}),  # pipeline/math/ziamath_patch.py and svg.py's CJK fallback face
    "ziafont": frozenset({"0.11"}),  # ziamath_patch.py 3: a glyph placed (SimpleGlyph.place)
}


def installed(package: str) -> str | None:
    """The installed version of `package`, read from the name of its `.dist-info` folder: neither
    the package nor importlib.metadata (a third of a second) is imported, as `pipeline/__init__`
    asks before anything else."""
    return _dist_infos().get(package.replace("-", "_").lower())


@functools.cache
def _dist_infos() -> dict[str, str]:
    """{distribution name: version} of the `.dist-info` folders on sys.path, the first of each."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for name in names:
            if name.endswith(".dist-info") and "-" in name:
                dist, version = name[:-len(".dist-info")].split("-", 1)
                found.setdefault(dist.lower(), version)
    return found


def written_for(package: str) -> bool:
    """Whether the installed `package` is a version Pressroom's patches of it were written for."""
    return installed(package) in SUPPORTED.get(package, ())


def why_not(package: str) -> str | None:
    """None where `written_for(package)`, else why not, in a sentence's words."""
    if written_for(package):
        return None
    have = installed(package)
    wanted = ", ".join(sorted(SUPPORTED.get(package, ()))) or "no version"
    return f"{package} {have or 'is not installed'}{'' if have is None else ' installed'}; the patches were written for {wanted}"


ENVIRONMENT = "PRESSROOM_ENGINE_PATCHES"
OFF = ("0", "false", "no", "off")


def patches_on() -> bool:
    """False where the environment switch turns every patch off (`PRESSROOM_ENGINE_PATCHES=0`)."""
    return os.environ.get(ENVIRONMENT, "").strip().lower() not in OFF


def patches_named() -> set[str] | None:
    """The patches the environment switch names, where it names some (`PRESSROOM_ENGINE_PATCHES=
    leaders,margins`: those alone, to find which one changed a page), else None (all of them)."""
    value = os.environ.get(ENVIRONMENT, "").strip().lower()
    if value in OFF or value in ("", "1", "true", "yes", "on"):
        return None
    return {name.strip() for name in value.split(",") if name.strip()}
