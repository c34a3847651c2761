"""Formulas tagged as formulas: WeasyPrint's tagged PDF makes every `<img>` a `Figure` with its
`alt` as `/Alt`, and a `<span>` a `Span`. A formula in the PDF is a `span.formula-pdf` holding its
drawing (an `<img>` whose `alt` is its LaTeX) and its LaTeX as invisible text (`print_formulas.
draw()`). `finisher()` gives `write_pdf()` (its public `finisher` hook, called after the
structure tree is made and before the file is written) a function that makes each such Span a
`Formula`, the standard structure type a screen reader announces as math, with the LaTeX as its
`/Alt`: the alternate text stands for the element and all it holds, so the invisible text is not
read a second time. Elements are known by the `/Alt` of the Figure they hold: the LaTeX of the
part's formulas, read from its HTML."""
from __future__ import annotations

from collections.abc import Callable, Iterable


def alternate_texts(html: str) -> frozenset[str]:
    """The `alt` of each drawn formula of a part's HTML (none read when it has no formula)."""
    if "formula-drawn" not in html:
        return frozenset()
    import lxml.html

    return frozenset(lxml.html.fromstring(html).xpath('//img[@class="formula-drawn"]/@alt'))


def finisher(alts: Iterable[str]) -> Callable | None:
    """A `write_pdf(finisher=...)` that makes the Spans holding a Figure whose `/Alt` is in `alts`
    Formulas with that `/Alt`; None when there are none."""
    alts = frozenset(alts)
    if not alts:
        return None

    def rename(document, pdf) -> None:
        import pydyf

        elements = {obj.reference: obj for obj in pdf.objects
                    if isinstance(obj, pydyf.Dictionary) and obj.get("Type") == "/StructElem"}
        for span in elements.values():
            if span.get("S") != "/Span":
                continue
            for kid in span.get("K", ()):
                figure = elements.get(kid) if isinstance(kid, bytes) else None
                alt = figure.get("Alt") if figure is not None and figure.get("S") == "/Figure" else None
                if isinstance(alt, pydyf.String) and alt.string in alts:
                    span["S"], span["Alt"] = "/Formula", pydyf.String(alt.string)
                    break

    return rename
