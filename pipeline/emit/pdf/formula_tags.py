"""Formulas tagged as formulas: WeasyPrint's tagged PDF makes every `<img>` a `Figure` with its
`alt` as `/Alt`, formulas too (`print_html._formulas()` draws each as an image whose `alt` is its
LaTeX). `finisher()` gives `write_pdf()` (its public `finisher` hook, called after the structure
tree is made and before the file is written) a function that renames those elements `Formula`,
the standard structure type a screen reader announces as math, with the same `/Alt`. Elements
are known by their `/Alt`: the LaTeX of the part's formulas, read from its HTML."""
from __future__ import annotations

from collections.abc import Callable, Iterable


def alternate_texts(html: str) -> frozenset[str]:
    """The `alt` of each drawn formula of a part's HTML (none read when it has no formula)."""
    if "formula-drawn" not in html:
        return frozenset()
    import lxml.html

    return frozenset(lxml.html.fromstring(html).xpath('//img[@class="formula-drawn"]/@alt'))


def finisher(alts: Iterable[str]) -> Callable | None:
    """A `write_pdf(finisher=...)` that makes the Figures whose `/Alt` is in `alts` Formulas; None
    when there are none."""
    alts = frozenset(alts)
    if not alts:
        return None

    def rename(document, pdf) -> None:
        import pydyf

        for obj in pdf.objects:
            if isinstance(obj, pydyf.Dictionary) and obj.get("S") == "/Figure":
                alt = obj.get("Alt")
                if isinstance(alt, pydyf.String) and alt.string in alts:
                    obj["S"] = "/Formula"

    return rename
