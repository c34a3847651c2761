"""Author-written MathML (from an HTML article), kept through an allowlist of presentation MathML.

The clean rules and the sanitizer (nh3) know no MathML, so the loader keeps each `<math>` aside
in `chapter.mathml` and leaves a `span.math-mathml` holding its index (`stash()`); the math stage
reads it back here: only presentation
elements and their layout attributes remain, text outside the token elements goes into an `mtext`; `semantics` keeps its first child, and a TeX
`annotation` becomes the formula's `alttext` (what the PDF draws it from).
"""
from __future__ import annotations

from bs4 import BeautifulSoup, Tag

NAMESPACE = "http://www.w3.org/1998/Math/MathML"
ELEMENTS = {
    "math", "mrow", "mi", "mn", "mo", "mtext", "mspace", "ms", "mfrac", "msqrt", "mroot", "mstyle", "merror",
    "mpadded", "mphantom", "mfenced", "menclose", "msub", "msup", "msubsup", "munder", "mover", "munderover",
    "mmultiscripts", "mprescripts", "none", "mtable", "mtr", "mlabeledtr", "mtd", "semantics",
}
ATTRIBUTES = {
    "display", "mathvariant", "mathsize", "displaystyle", "scriptlevel", "stretchy", "fence", "separator",
    "form", "lspace", "rspace", "largeop", "movablelimits", "accent", "accentunder", "linethickness",
    "columnalign", "rowalign", "columnspacing", "rowspacing", "columnlines", "rowlines", "frame",
    "columnspan", "rowspan", "width", "height", "depth", "notation", "open", "close", "separators",
    "alttext", "symmetric", "minsize", "maxsize", "bevelled", "numalign", "denomalign", "linebreak",
}
TEX_ENCODINGS = {"application/x-tex", "tex", "latex", "text/x-latex"}
TOKENS = {"mi", "mn", "mo", "mtext", "ms"}  # the elements that hold text; elsewhere text goes into an mtext


def stash(math: Tag, chapter) -> Tag:
    """A `<math>` of the article kept in `chapter.mathml`, and the `span.math-mathml` left in its place."""
    span = chapter.dom.new_tag("span", attrs={"class": "math-mathml"})
    if math.get("data-src-line"):
        span["data-src-line"] = math["data-src-line"]
    span.string = str(len(chapter.mathml))
    chapter.mathml.append(str(math))
    return span


def _tex_annotation(math: Tag) -> str:
    for note in math.find_all("annotation"):
        if (note.get("encoding") or "").lower() in TEX_ENCODINGS:
            return note.get_text().strip()
    return ""


def allowed_mathml(source: str) -> str | None:
    """The MathML with only the allowed elements and attributes, or None if there is no `<math>`."""
    soup = BeautifulSoup(source, "html.parser")
    math = soup.find("math")
    if math is None:
        return None
    tex = math.get("alttext") or _tex_annotation(math)
    for semantics in math.find_all("semantics"):
        first = next((c for c in semantics.children if isinstance(c, Tag)), None)
        for child in list(semantics.children):
            if child is not first:
                child.extract()
        semantics.unwrap()
    for tag in math.find_all(True):
        if tag.name not in ELEMENTS:
            tag.decompose() if tag.name in ("annotation", "annotation-xml", "script", "style") else tag.unwrap()
    for tag in [math, *math.find_all(True)]:
        for name in list(tag.attrs):
            if name not in ATTRIBUTES:
                del tag[name]
    for text in math.find_all(string=True):  # text where MathML allows none (`<math>x + 1</math>`)
        if text.parent.name not in TOKENS and text.strip():
            text.wrap(soup.new_tag("mtext"))
        elif text.parent.name not in TOKENS:
            text.extract()
    math["xmlns"] = NAMESPACE
    if tex:
        math["alttext"] = tex
    if not math.get_text(strip=True):
        return None
    return str(math)
