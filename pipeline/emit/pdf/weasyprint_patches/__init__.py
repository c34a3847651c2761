"""Every replacement of a WeasyPrint (or pydyf) internal, one module each; the rest of Pressroom
meets no private name of WeasyPrint but through `page_box()` here.

Each patch module says in its docstring what it replaces, why, what it saved and the versions it
was written for, and has `PACKAGE` (what it patches), `install(cache_folder) -> bool` and
`uninstall()`. A patch installs only where the running version of its package is one of
`SUPPORTED` (the one table, `pipeline/engine_versions.py`) and the patches are on: `[pdf]
engine_patches = false` in book.toml or `PRESSROOM_ENGINE_PATCHES=0` (which wins) turns every one
off, and WeasyPrint's own code makes the book: the same text, pages and outline (tests/
test_engine_patches.py), more slowly. `PATCHES` lists them in the order a layout worker installs
them; `install_all()` installs them as a build does, `status()` says which are on and why not.
"""
from __future__ import annotations

import importlib
from pathlib import Path

from ....engine_versions import ENVIRONMENT, SUPPORTED, patches_named, patches_on, why_not, written_for

# name -> what it saves (see each module); the order in which a layout worker installs them
PATCHES = ("lxml_tree", "justify", "leaders", "margins", "relayout", "png_images", "svg_paths", "svg_glyphs", "face_data",
           "font_subsets", "streams", "page_references")
SAVES = {"lxml_tree": "HTML parsed by lxml", "justify": "Chinese justified between characters",
         "leaders": "dot leaders as one run", "margins": "no empty margin boxes",
         "relayout": "a part laid out again from its first changed page", "png_images": "PNGs embedded as they are",
         "svg_paths": "SVG paths read in one pass",
         "svg_glyphs": "formula glyphs drawn as one form each",
         "face_data": "font data copied once", "font_subsets": "one font subset for the book",
         "streams": "streams deflated at level 6",
         "page_references": "a document's page references listed once"}
_installed: set[str] = set()


def module(name: str):
    return importlib.import_module(f"{__name__}.{name}")


def package_of(name: str) -> str:
    return module(name).PACKAGE


def switched_off(config_on: bool = True) -> str | None:
    """Why every patch is off (the environment switch, then book.toml), or None."""
    if not patches_on():
        return f"{ENVIRONMENT}=0"
    if not config_on:
        return "[pdf] engine_patches = false"
    return None


def wanted(config_on: bool = True) -> tuple[str, ...]:
    """The patches a build installs: none where switched off, else those written for the running
    version of their package. Read from the versions installed, without importing WeasyPrint."""
    if switched_off(config_on):
        return ()
    named = patches_named()
    return tuple(name for name in PATCHES if written_for(package_of(name)) and (named is None or name in named))


def install(names, cache_folder: Path | None) -> list[str]:
    """`names` installed (and every other patch taken out: a process may lay out books with and
    without them); the names installed. `cache_folder`: the PDF's cache folder, where the PNG and
    font patches keep their files."""
    done = []
    for name in PATCHES:
        patch = module(name)
        if name in names and written_for(patch.PACKAGE) and patch.install(cache_folder):
            _installed.add(name)
            done.append(name)
        elif name in _installed or name not in names:
            patch.uninstall()
            _installed.discard(name)
    return done


def install_all(cache_folder: Path | None) -> list[str]:
    """Every patch installed exactly as a build's layout worker installs them (none where
    `PRESSROOM_ENGINE_PATCHES=0`, none of a package of another version); the names installed."""
    return install(wanted(), cache_folder)


def status(config_on: bool = True) -> dict[str, str]:
    """Each patch: "installed" (in this process), or why not."""
    off = switched_off(config_on)
    out = {}
    for name in PATCHES:
        if name in _installed:
            out[name] = "installed"
        else:
            named = patches_named()
            out[name] = f"off: {off}" if off else \
                f"off: {why_not(package_of(name))}" if why_not(package_of(name)) else \
                f"off: not named by {ENVIRONMENT}" if named is not None and name not in named else \
                "not installed in this process"
    return out


def summary(config_on: bool = True) -> str:
    """One line for `--timings` and `--explain`: which patches the layout installs, or why none."""
    names = wanted(config_on)
    if len(names) == len(PATCHES):
        return f"engine patches: all {len(PATCHES)} on ({', '.join(PATCHES)})"
    off = switched_off(config_on)
    if off:
        return f"engine patches: off ({off}); WeasyPrint's own code lays the book out, more slowly"
    left = [n for n in PATCHES if n not in names]
    reasons = sorted({why_not(package_of(n)) or f"not named by {ENVIRONMENT}" for n in left})
    return f"engine patches: {len(names)} of {len(PATCHES)} on; off: {', '.join(left)} ({'; '.join(reasons)})"


class EngineChanged(RuntimeError):
    """WeasyPrint no longer has an internal Pressroom reads."""


def page_box(page):
    """The page's box tree (WeasyPrint's private `Page._page_box`), read in one place: where a
    WeasyPrint has none, a clear error naming the version instead of an AttributeError deep in a
    layout. Pressroom reads the page box to place figures, find the contents' columns, read the
    margin boxes' text and where each page starts (pages.py, toc.py, stamps.py, page_list.py):
    that is not a patch, and a WeasyPrint of another version still has it or the build stops here."""
    try:
        return page._page_box
    except AttributeError:
        import weasyprint

        raise EngineChanged(f"WeasyPrint {weasyprint.__version__}'s pages have no _page_box: Pressroom "
                            f"reads it (weasyprint_patches.page_box), written for {sorted(SUPPORTED['weasyprint'])}") from None
