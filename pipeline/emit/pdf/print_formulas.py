"""Step 1 (with `print_html.py`): formulas for print. Takes a part's tree with its MathML; gives
the tree with each formula an image of its drawing (`draw()`: WeasyPrint has no MathML), and the
drawings' files that a prepared part names (`files_of()`).
"""
from __future__ import annotations

import base64
from pathlib import Path


def draw(soup, fonts: Path, book_chars: str = "", files: Path | None = None) -> None:
    """Each MathML formula drawn as an SVG image (WeasyPrint has no MathML), its LaTeX the image's
    `alt`, and that LaTeX as invisible text over it (`span.formula-text`, print.css): the tagged
    PDF makes the holder a Formula with the LaTeX as its Alt (`formula_tags.py`). `book_chars`: the wide characters of every formula of
    the book (the math stage's `formula_chars`), so that the first part with formulas makes the
    one CJK face all parts draw from (0.5-0.7 s each that a face made per part cost). The image is
    the file `svg.formula_file()` keeps in `files` (the PDF's cache folder, which the layout's
    fetcher reads: `formulas/<key>.svg`), or without one a `data:` URL (a formula's SVG is some
    15 KB of text: in a `data:` URL it was most of a chapter's prepared HTML, which is stored,
    sent to a layout worker and parsed again)."""
    maths = soup.find_all("math")
    if not maths:
        return
    from ...math import svg

    sources = [str(m) for m in maths]
    texts = [svg.text_of(s) for s in sources]
    svg.use_face("".join(texts) + book_chars, fonts)
    folder = files / FORMULAS if files is not None else fonts.parent / FORMULAS
    for math, source, text in zip(maths, sources, texts):
        display = math.get("display") == "block"
        label = math.get("alttext") or text
        try:
            path, document, style = svg.formula_file(source, display, label, folder)
        except Exception:  # noqa: BLE001  ziamath fails on some MathML it cannot lay out
            code = soup.new_tag("code", attrs={"class": "math-source"})
            code.string = label
            math.replace_with(code)
            continue
        src = f"{FORMULAS}/{path.name}" if files is not None else \
            "data:image/svg+xml;base64," + base64.b64encode(document.encode("utf-8")).decode("ascii")
        drawn = soup.new_tag("img", attrs={"class": "formula-drawn", "alt": label, "style": style, "src": src})
        holder = soup.new_tag("span", attrs={"class": "formula-pdf"})
        holder.append(drawn)
        # before it, its LaTeX as invisible text as wide as it: what search and pdftotext find
        source = " ".join(label.split())
        width = float(style.split("width: ", 1)[1].split("em", 1)[0])
        layer = soup.new_tag("span", attrs={"class": ["formula-text", svg.text_layer_class(source, width)],
                                            "aria-hidden": "true"})  # its size a class: no style of its own to parse
        layer.string = source
        drawn.insert_before(layer)
        math.replace_with(holder)


FORMULAS = "formulas"  # the folder of the formulas' drawings, in the PDF's cache folder


def files_of(soup) -> list[str]:
    """The `src` of each formula drawn from a file (`draw()`)."""
    return sorted({img["src"] for img in soup.find_all("img", class_="formula-drawn") if not img["src"].startswith("data:")})
