"""Math: every formula the loader found becomes MathML, with its LaTeX kept as `alttext`.

The loader marks formulas as `span.math-tex` (inline; `span.math-tex.display` for a `\\[…\\]`
inside a line) and `div.math-tex.display`, their text the LaTeX source (`pipeline/load/
math_syntax.py`); MathML written in an HTML article arrives as `span.math-mathml`, its text the
index of the MathML the loader kept aside (`chapter.mathml`: no clean rule sees it). This stage:

- mends what translation did to a formula (`pipeline/math/tex.py`: dashes for minus signs,
  `²` for `^2`, `\\(` inside a display…), each mend logged as `math.mend` for `--explain`;
- converts it with latex2mathml into `<math>` (`display="block"` for display formulas), its
  LaTeX source in `alttext`; the PDF draws it from that source (`pipeline/math/svg.py`);
- keeps author-written MathML, through an allowlist of presentation MathML (`pipeline/math/mathml.py`);
- numbers a display formula the source numbers (`\\tag{…}`, `equation`, `align`: the block once,
  as chapter.n), the number at the right margin;
- prints a formula it cannot read, or refuses to read (too long, too deep, macros), as its
  source in the code face, with a warning naming the file and line (`--strict`: an error).

Code blocks are never touched: the loader never marks math inside them. Inline code is code,
but for a converter's leftover: a code span that holds only LaTeX math, written as math by its
author (`\\frac{\\partial L}{\\partial w}`, `$\\sum_{i=1}^{n} x_i$`: a math command, or a braced
sub- or superscript inside delimiters, and nothing of code) becomes a formula, logged as
`math.code` (`_code_written_as_math()`); `$x$`, `\\n`, `C:\\Users`, `\\section{…}` stay code.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from bs4 import BeautifulSoup, NavigableString, Tag

from ..math.mathml import allowed_mathml
from ..load.math_syntax import reads_as_tex
from ..math.tex import MENDS, MathSyntaxError, mend, numbering, refusal, to_mathml
from ..tree import ancestor, first_child, has_class, tags

WHAT = {name: what for name, what, _p, _r in MENDS}


ACCENTS = {"^": "\u02c6", "~": "\u02dc"}  # latex2mathml's ASCII hat and tilde: the accent characters


def _tag_of(dom, mathml: str):
    """The `<math>` element of latex2mathml's MathML as a tree of `dom`'s tags, built from
    ElementTree's reading of it: the tree BeautifulSoup's own parser makes of that text (the same
    names, attributes in their order, text), in a fifth of the time. The namespace, which
    ElementTree takes into the names, is the root's `xmlns` attribute again."""
    root = ET.fromstring(mathml)

    def made(element):
        name = element.tag.rpartition("}")[2].lower()  # as the HTML parser reads names
        attrs = {key.lower(): value for key, value in element.attrib.items()}
        if element is root and element.tag.startswith("{"):
            attrs = {"xmlns": element.tag[1:].partition("}")[0], **attrs}
        tag = dom.new_tag(name, attrs=attrs)
        if element.text:
            tag.append(NavigableString(element.text))
        for child in element:
            tag.append(made(child))
            if child.tail:
                tag.append(NavigableString(child.tail))
        return tag

    return made(root)


def _math_element(chapter, math, tex: str):
    for over in math.find_all("mover"):  # \hat, \widehat, \tilde: drawn as accents, not a caret above
        parts = [c for c in over.children if getattr(c, "name", None)]
        if len(parts) == 2 and parts[1].name == "mo" and parts[1].get_text() in ACCENTS:
            parts[1].string = ACCENTS[parts[1].get_text()]
    if tex:
        math["alttext"] = tex
    return math


def _display_block(chapter, node, math, number: str | None = None):
    """A display formula of its own as a block to centre and keep on one page, with its number
    at the right margin when the source numbers it."""
    block = chapter.dom.new_tag("div", attrs={"class": "formula numbered" if number else "formula"})
    if node.get("data-src-line"):
        block["data-src-line"] = node["data-src-line"]
    block.append(math)
    if number:
        label = chapter.dom.new_tag("span", attrs={"class": "formula-number"})
        label.string = f"({number})"
        block.append(label)
    return block


def _printed_as_source(chapter, node, tex: str, why: str) -> None:
    chapter.log("warning", "math.unreadable", f"formula printed as its source: {why}; check its LaTeX",
                node=node, text=tex[:200])
    code = chapter.dom.new_tag("code", attrs={"class": "math-source"})
    code.string = tex
    if node.name == "div":
        wrapper = chapter.dom.new_tag("p", attrs={"class": "math-source"})
        if node.get("data-src-line"):
            wrapper["data-src-line"] = node["data-src-line"]
        wrapper.append(code)
        node.replace_with(wrapper)
    else:
        node.replace_with(code)


def _from_tex(chapter, node, counter: list[int]) -> Tag | None:
    source = node.get_text()
    display = "display" in (node.get("class") or [])
    tex, fired = mend(source, display)
    number = None
    if node.name == "div":
        tex, number, auto = numbering(tex)
        if auto:
            counter[0] += 1
            number = f"{chapter.number}.{counter[0]}" if chapter.number else str(counter[0])
    for name in fired:
        chapter.log("info", "math.mend", f"formula mended: {WHAT[name]}", node=node, text=source[:200])
    why = refusal(tex)
    if why is None:
        try:
            mathml = to_mathml(tex, display)
        except MathSyntaxError as e:
            why = str(e)
    if why is not None:
        _printed_as_source(chapter, node, source.strip(), why)
        return None
    math = _math_element(chapter, _tag_of(chapter.dom, mathml), tex)
    node.replace_with(_display_block(chapter, node, math, number) if node.name == "div" else math)
    return math


def _from_mathml(chapter, node) -> Tag | None:
    index = node.get_text().strip()
    source = chapter.mathml[int(index)] if index.isdigit() and int(index) < len(chapter.mathml) else ""
    math = allowed_mathml(source)
    if math is None:
        _printed_as_source(chapter, node, source.strip(), "its MathML could not be read")
        return None
    math = _math_element(chapter, BeautifulSoup(math, "html.parser").find("math"), "")
    if math.get("display") == "block" and node.parent is not None and node.parent.name in ("body", "div", "section"):
        node.replace_with(_display_block(chapter, node, math))
    else:
        node.replace_with(math)
    return math


# LaTeX's math commands (not \\n, \\t, \\section, a Windows path's \\Users): one makes inline code a formula
MATH_COMMAND = re.compile(
    r"\\(?:[dt]?frac|sum|prod|int|oint|sqrt|partial|nabla|infty|cdot|cdots|ldots|times|div|pm|mp|"
    r"[lg]eq?|neq|approx|equiv|sim|propto|in|notin|subset|subseteq|cup|cap|forall|exists|to|rightarrow|"
    r"Rightarrow|mapsto|mathbf|mathrm|mathcal|mathbb|boldsymbol|hat|bar|vec|tilde|dot|overline|underline|"
    r"left|right|log|ln|exp|sin|cos|tan|min|max|arg|lim|operatorname|text|"
    r"alpha|beta|gamma|delta|epsilon|varepsilon|zeta|eta|theta|vartheta|iota|kappa|lambda|mu|nu|xi|pi|rho|"
    r"sigma|tau|upsilon|phi|varphi|chi|psi|omega|Gamma|Delta|Theta|Lambda|Xi|Pi|Sigma|Phi|Psi|Omega)(?![A-Za-z])")
_DELIMITED = re.compile(r"^(\$\$|\\\[)(.+)(?:\$\$|\\\])$|^(\$(?=\S)|\\\()(.+?)(?:(?<=\S)\$|\\\))$", re.S)
_CODE_MARKS = re.compile(r"[;\"'`]|//|::|:\\|\b(?:def|return|import|print|printf)\b|\(\)")
_BRACED_SCRIPT = re.compile(r"[\^_]\{")


def _code_written_as_math(chapter, code):
    """Inline code that holds only LaTeX math as a `span.math-tex` in its place (see the module
    docstring); None for any other code."""
    if ancestor(code, ("pre",)) is not None or first_child(code) is not None:
        return None
    text = code.get_text().strip()
    if "\\" not in text and "$" not in text:
        return None
    found = _DELIMITED.match(text)
    display = bool(found and found.group(1))
    tex = (found.group(2) or found.group(4)) if found else text
    if _CODE_MARKS.search(tex) or (not found and "$" in tex) or not reads_as_tex(tex, display):
        return None
    if not (MATH_COMMAND.search(tex) or found and _BRACED_SCRIPT.search(tex)):
        return None
    span = chapter.dom.new_tag("span", attrs={"class": "math-tex display" if display else "math-tex"})
    span.string = tex.strip()
    chapter.log("info", "math.code", "inline code read as a formula: it holds only LaTeX math",
                node=code, text=text[:200])
    code.replace_with(span)
    return span


def run(chapter, ctx) -> None:
    body = chapter.body
    if body is None:
        return
    # one walk of the tree finds the three kinds of node the stage reads (in document order)
    codes, texs, mathmls = [], [], []
    for node in body.descendants:
        if isinstance(node, Tag):
            if node.name == "code":
                codes.append(node)
            if has_class(node, "math-tex"):
                texs.append(node)
            if has_class(node, "math-mathml"):
                mathmls.append(node)
    made = [span for span in (_code_written_as_math(chapter, code) for code in codes) if span is not None]
    if made:  # the code read as formulas, in their places among the others
        texs = [n for n in tags(body) if has_class(n, "math-tex")]
    counter = [0]  # equations numbered automatically, per chapter
    maths = [_from_tex(chapter, node, counter) for node in texs]
    maths += [_from_mathml(chapter, node) for node in mathmls]
    chapter.mathml = []
    # the characters the PDF's math font may lack (Chinese in \text{}): the PDF makes one face
    # for the whole book's formulas from them (emit/pdf/print_html.py), not one for each part
    wide = {c for m in maths if m is not None for c in m.get_text() if ord(c) > 0x2e7f}
    if wide:
        chapter.meta["formula_chars"] = "".join(sorted(wide))
