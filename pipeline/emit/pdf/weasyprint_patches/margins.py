"""Margin boxes only where a page has one: WeasyPrint 70 builds all sixteen margin boxes of every
page (`layout/page.py`, `make_margin_boxes`), each with its percentages resolved, and then keeps
only those with content. The parts of the book print no running heads or folios of their own (the
join stamps them, `pdf_stamps.py`), so every box of their pages is built to be thrown away: 5% of
a part's layout. `install()` asks the sixteen styles first and skips a page type none of whose
boxes has content; where one has, WeasyPrint's own code runs as before.
Written for WeasyPrint 70.0 (`engine_versions.SUPPORTED`): installed only there and while the
patches are on; otherwise WeasyPrint's own code runs.
"""
from __future__ import annotations

from . import _replace

PACKAGE = "weasyprint"
_state: dict = {"original": None}

AT_KEYWORDS = tuple(f"@{name}" for name in (
    "top-left-corner", "top-left", "top-center", "top-right", "top-right-corner",
    "bottom-left-corner", "bottom-left", "bottom-center", "bottom-right", "bottom-right-corner",
    "left-top", "left-middle", "left-bottom", "right-top", "right-middle", "right-bottom"))
EMPTY = ("normal", "inhibit", "none")  # the values of `content` for which WeasyPrint makes no box


def any_content(style_for, page_type) -> bool:
    """Whether a margin box of pages of `page_type` has content (a box WeasyPrint would keep)."""
    for keyword in AT_KEYWORDS:
        style = style_for(page_type, keyword)
        if style is not None and style["content"] not in EMPTY:
            return True
    return False  # no style: the page's anonymous style, whose content is `normal`


def _make_margin_boxes(context, page, state):
    if not any_content(context.style_for, page.page_type):
        return iter(())
    return _state["original"](context, page, state)


def install(cache_folder=None) -> bool:
    return _replace.replace(_state, "weasyprint.layout", "make_margin_boxes", _make_margin_boxes)


def uninstall() -> bool:
    """WeasyPrint's own margin boxes again (for a comparison); True if the patch was installed."""
    return _replace.restore(_state, "weasyprint.layout", "make_margin_boxes")
