"""A document's list of page references made once, not once for each tag of its tagged PDF.

pydyf 0.13's `PDF.page_references` is a property that builds a new tuple of every page's
reference (`b"12 0 R"`) each time it is read, and WeasyPrint 70's tagged PDF reads it for each
structure element it makes, to name the element's page (`weasyprint/pdf/tags.py`: `'Pg':
pdf.page_references[page_number]`): a part of P pages and E elements formats P x E references.
A chapter of formulas (each a Formula element, its text layer and its image) spent 0.17 s of its
PDF's CPU there (4 formula articles, 32 pages the longest: 7,500 reads), the same book without
formulas 0.04 s. `install()` keeps the tuple a document last built with the number of entries of its
page tree it was built from: pydyf only ever appends pages (`add_page`), so the same count is the
same pages, and a page added makes it anew.
Written for pydyf 0.13.0 (`engine_versions.SUPPORTED`, pinned in pyproject.toml): installed only
there and while the patches are on; otherwise pydyf builds the tuple at each read.
"""
from __future__ import annotations

from ....engine_versions import written_for

PACKAGE = "pydyf"
_state: dict = {"original": None}
_KEPT = "_pressroom_page_references"  # (entries of the page tree, the references), on the document


def _page_references(pdf):
    kids = pdf.pages["Kids"]
    kept = pdf.__dict__.get(_KEPT)
    if kept is None or kept[0] != len(kids):
        kept = pdf.__dict__[_KEPT] = (len(kids), _state["original"].fget(pdf))
    return kept[1]


def install(cache_folder=None) -> bool:
    if not written_for(PACKAGE):
        return False
    import pydyf

    if _state["original"] is None:
        _state["original"] = pydyf.PDF.page_references
        pydyf.PDF.page_references = property(_page_references)
    return True


def uninstall() -> None:
    """pydyf's own property again: the tuple built at each read."""
    if _state["original"] is not None:
        import pydyf

        pydyf.PDF.page_references, _state["original"] = _state["original"], None
