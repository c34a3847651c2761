"""Dot leaders drawn as one run of text: WeasyPrint 70 fills a `leader()` with one text box per
repetition of its string (`layout/leader.py`), and draws each box on its own, setting a Pango
layout up again every time. The contents page of a 50-article book has about 29,000 dots: 5 of its
8 seconds. `install()` joins each leader's boxes, side by side and of one width, into a single box
whose text is the string repeated: the same glyphs at the same places, drawn once.
A deliberate difference from WeasyPrint's own tests: `test_leader_content` (tests/test_text.py, its
four cases) reads the leader's first box and expects one repetition (`.`), and finds the whole run
(`....`). Pressroom's HTML uses only `leader(dotted)`, and the run covers the same span as the boxes
did (tests/test_emit_pdf.py::test_dot_leaders_are_one_run_of_dots_reaching_the_page_number).
Written for WeasyPrint 70.0 (`engine_versions.SUPPORTED`): installed only there and while the
patches are on; otherwise WeasyPrint's own code runs.
"""
from __future__ import annotations

import copy

from . import _replace

PACKAGE = "weasyprint"
_state: dict = {"original": None}


def _joined(leader_box) -> None:
    boxes = list(leader_box.children)
    if len(boxes) < 2:
        return
    boxes.sort(key=lambda b: b.position_x)
    first = boxes[0]
    layout = getattr(first, "pango_layout", None)
    if layout is None or any(b.text != first.text or b.pango_layout is not layout for b in boxes):
        return  # not what handle_leader makes: left alone
    run = first.copy()
    run.text = first.text * len(boxes)
    run.width = boxes[-1].position_x + boxes[-1].width - first.position_x
    run.pango_layout = copy.copy(layout)  # drawing lays its text out again (Layout.reactivate)
    run.pango_layout.text = run.text
    leader_box.children = (run,)


def _leader_box(line):
    from weasyprint.layout.leader import leader_index

    index, box = leader_index(line)
    return box if index is not None else None


def _handle_leader(context, line, containing_block):
    _state["original"](context, line, containing_block)
    box = _leader_box(line)
    if box is not None:
        _joined(box)


def install(cache_folder=None) -> bool:
    return _replace.replace(_state, "weasyprint.layout.inline", "handle_leader", _handle_leader)


def uninstall() -> bool:
    """WeasyPrint's own leaders again (for a comparison); True if the patch was installed."""
    return _replace.restore(_state, "weasyprint.layout.inline", "handle_leader")
