"""Inter-character justification of Chinese and Japanese for WeasyPrint (clreq 3.8).

WeasyPrint 70 justifies a line by widening its spaces only, which tears a Chinese line apart at
its one or two spaces. `install()` lets it count each CJK character as an expansion opportunity
and apply the line's justification as Pango letter spacing on those characters when the line is
drawn. WeasyPrint's internals are patched (three functions, idempotently, by `install()` in the
process that lays out) only where `engine_versions.written_for("weasyprint")`; where the patches
are off (another version, `[pdf] engine_patches = false`, `PRESSROOM_ENGINE_PATCHES=0`) the page
rules set Chinese flush left (`print_css.page_css()`) instead of letting WeasyPrint justify it at its
few spaces. This is the one patch that changes what a reader sees, by design: tests/
test_engine_patches.py names it. Written for WeasyPrint 70.0 (`engine_versions.SUPPORTED`).

A line never adds more than `MAX_CJK_GAP` (an eighth of an em) per expansion opportunity: the
gap a reader sees between two characters, with the glyphs' own side bearings and the 1.5 times
wider gap Pango leaves next to a text box's first and last character, then stays under a quarter
em. When the next word cannot be broken (a Latin word such as "Pressroom", a web address, inline
code) and the line falls short by more than that, it is spread up to the cap and the rest is left
as a rag at its end, instead of tearing every character apart. Measured on tds-zh: 9 of 620
Chinese lines needed more (the preface's second line 0.159 em, the widest 0.36 em).
"""
from __future__ import annotations

import re

from ....engine_versions import written_for

PACKAGE = "weasyprint"

MAX_CJK_GAP = 0.125  # em: the most justification adds per CJK character (or space) on a line
CJK = re.compile("[\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3100-\u31ff\u3200-\u9fff\uac00-\ud7af"
                 "\uf900-\ufaff\ufe30-\ufe4f\uff01-\uff60\U00020000-\U0003134f]")


_state: dict = {"original": None}


def install(cache_folder=None) -> bool:
    """Let WeasyPrint justify a line by spacing its CJK characters as well as its spaces (clreq
    3.8, inter-character expansion): one more expansion opportunity per CJK character, applied as
    Pango letter spacing when the line is drawn, at most MAX_CJK_GAP each (the rest a rag). False
    (nothing patched) where WeasyPrint is not a version this was written for."""
    if not written_for(PACKAGE):
        return False
    from weasyprint.formatting_structure import boxes
    from weasyprint.layout import inline
    from weasyprint.text import line_break
    from weasyprint.text.ffi import TO_UNITS, ffi, pango

    if _state["original"] is not None:
        return True
    spaces = inline.count_expandable_spaces

    def count_expandable(box):
        if isinstance(box, boxes.TextBox):
            return spaces(box) + len(CJK.findall(box.text))
        if isinstance(box, (boxes.LineBox, boxes.InlineBox)):
            return sum(count_expandable(child) for child in box.children)
        return 0

    set_text = line_break.Layout.set_text

    def set_text_justified(self, text, justify=False):
        set_text(self, text, justify)
        if not (justify and self.justification_spacing and CJK.search(self.text)):
            return
        attrs = pango.pango_layout_get_attributes(self.layout)
        if attrs == ffi.NULL:
            attrs = ffi.gc(pango.pango_attr_list_new(), pango.pango_attr_list_unref)
        spacing = int(self.justification_spacing * TO_UNITS)
        end = len(self.text.encode())
        pos = 0
        for ch in self.text:
            size = len(ch.encode())
            if CJK.match(ch):  # Pango gives only half the spacing at a text's two ends
                attr = pango.pango_attr_letter_spacing_new(spacing * (1 + (pos == 0 or pos + size == end)))
                attr.start_index, attr.end_index = pos, pos + size
                pango.pango_attr_list_change(attrs, attr)
            pos += size
        pango.pango_layout_set_attributes(self.layout, attrs)

    justify_line = inline.justify_line

    def justify_line_capped(context, line, extra_width):
        """WeasyPrint's justify_line, with the space per opportunity capped on lines with CJK."""
        opportunities = count_expandable(line)
        if opportunities and extra_width > 0 and _has_cjk(line):
            extra_width = min(extra_width, MAX_CJK_GAP * line.style["font_size"] * opportunities)
        return justify_line(context, line, extra_width)

    def _has_cjk(box):
        if isinstance(box, boxes.TextBox):
            return CJK.search(box.text) is not None
        return isinstance(box, (boxes.LineBox, boxes.InlineBox)) and any(_has_cjk(c) for c in box.children)

    _state["original"] = (inline.count_expandable_spaces, inline.justify_line, line_break.Layout.set_text)
    inline.count_expandable_spaces = count_expandable
    inline.justify_line = justify_line_capped
    line_break.Layout.set_text = set_text_justified
    return True


def uninstall() -> None:
    """WeasyPrint's own justification again (at spaces only)."""
    if _state["original"] is not None:
        from weasyprint.layout import inline
        from weasyprint.text import line_break

        inline.count_expandable_spaces, inline.justify_line, line_break.Layout.set_text = _state["original"]
        _state["original"] = None


JUSTIFY_CJK = written_for(PACKAGE)  # whether the installed WeasyPrint is one install() patches (bench/, tests)
