"""A part laid out again after its figures moved keeps the pages before the first one that changed.

`pages.place_figures()` moves a figure that left a page too empty past the paragraphs after it, or
scales it down, and the part is laid out again: 11% of a 50-article PDF's CPU time, for a third of
its parts, though nothing changed before the page the figure left too empty. WeasyPrint 70 lays a
document out page by page, each from a state it keeps for it (`context.page_maker`: where the page
starts in the box tree, which side it falls on, its counters). The tree of the new document is the
same as the old one up to the moved figure, which comes after the start of that page; so the new
layout takes the old pages before it as they were laid out, with their states, and lays out the
rest (`keep()`), as WeasyPrint itself does when it lays out again the pages a counter changed.

A document with footnotes is laid out in full (a page's footnotes may carry over to the next).
`tests/test_pdf_relayout.py` compares both ways on parts whose figures moved: the same bytes.
Written for WeasyPrint 70.0 (`engine_versions.SUPPORTED`): installed only there and while the
patches are on; otherwise every layout is a full one.
"""
from __future__ import annotations

import copy

from . import _replace

PACKAGE = "weasyprint"
_state: dict = {"original": None, "record": False, "made": None, "seed": None}


def _entry(entry: tuple) -> tuple:
    """A page's state in `context.page_maker`, copied, with nothing to remake."""
    resume_at, next_page, right_page, page_state, _ = entry
    return (copy.deepcopy(resume_at), dict(next_page), right_page, copy.deepcopy(page_state),
            {"content_changed": False, "pages_wanted": False, "anchors": [], "content_lookups": []})


def _make_all_pages(context, root_box, html, pages):
    """WeasyPrint's `make_all_pages()`, from the pages kept (`keep()`) on, where there are some;
    the pages it made, and their states, noted for the next layout."""
    seed, _state["seed"] = _state["seed"], None
    if seed is None or pages or context.footnotes:
        yield from _noted(_state["original"](context, root_box, html, pages), context)
        return
    from weasyprint.layout.page import remake_page

    kept, states, sizes = seed
    context.page_maker[:] = [_entry(e) for e in states]
    context.style_for.initial_page_sizes.update(sizes)  # set by the first page's layout: viewport units
    context.rendered_notes = []

    def rest():
        yield from (copy.copy(page) for page in kept)
        index = len(kept)
        while True:  # make_all_pages()'s loop, from `index` on (every page made: `pages` is empty)
            remake_page_state = context.page_maker[index][-1]
            remake_page_state.update(content_changed=False, pages_wanted=False, anchors=[], content_lookups=[])
            page, resume_at = remake_page(index, context, root_box, html)
            reported_footnotes = context.reported_footnotes
            yield page
            index += 1
            if resume_at is None and not reported_footnotes:
                context.page_maker = context.page_maker[:index + 1]
                context.broken_out_of_flow.clear()
                context.reported_footnotes.clear()
                return

    yield from _noted(rest(), context)


def _noted(pages, context):
    """The pages as they come, noted with their states when all are made, where asked (`record()`)."""
    made = []
    for page in pages:
        made.append(page)
        yield page
    if _state["record"]:
        _state["made"] = ([copy.copy(page) for page in made], [_entry(e) for e in context.page_maker],
                          dict(context.style_for.initial_page_sizes))


def record(on: bool) -> None:
    """Note the pages of each layout from now on (for `keep()`), or stop and let them go."""
    _state.update(record=on, made=None, seed=None)


def keep(pages: int) -> bool:
    """The next layout takes the first `pages` pages of the last one as they are, and lays out the
    rest; False where the last one was not noted or has fewer pages."""
    made = _state["made"]
    if made is None or not 0 < pages <= len(made[0]) or len(made[1]) <= pages:
        return False
    _state["seed"] = (made[0][:pages], made[1][:pages + 1], made[2])
    return True


def install(cache_folder=None) -> bool:
    return _replace.replace(_state, "weasyprint.layout", "make_all_pages", _make_all_pages)


def uninstall() -> bool:
    """WeasyPrint's own `make_all_pages()` again: every layout a full one."""
    record(False)
    return _replace.restore(_state, "weasyprint.layout", "make_all_pages")
