"""A formula's LaTeX made readable and turned into MathML (latex2mathml), or refused with a reason.

`mend()` undoes what translations and converters did to a formula, as one table of rules, each
named for `--explain`: an en or em dash where LaTeX has a minus, a superscript digit (`²`) where
it has `^2`, inline delimiters `\\(…\\)` left inside a display formula, environments latex2mathml
does not know spelled as ones it does (`aligned` inside a display is `align*`).

`refusal()` says why a formula is not converted at all, before the converter sees it: too long,
nested too deeply, or defining macros (`\\def` can loop for ever); each is decided in
microseconds, so a hostile formula costs nothing.

`to_mathml()` is the conversion, cached by source (the same formula repeats across a book).
"""
from __future__ import annotations

import functools
import re

MAX_CHARS = 4000  # the longest formula of the corpus is about 600
MAX_DEPTH = 40  # braces and \left…\right, nested
MACROS = re.compile(r"\\(?:def|gdef|edef|xdef|let|newcommand|renewcommand|providecommand|DeclareMathOperator|"
                    r"newenvironment|renewenvironment|csname|expandafter|input|include)(?![A-Za-z])")

_NESTING = re.compile(r"\\[{}]|\\left(?![A-Za-z])|\\right(?![A-Za-z])|[{}]")  # an escaped \{ is drawn, not a group

SUPERSCRIPTS = {"²": "2", "³": "3", "¹": "1", "⁰": "0", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8",
                "⁹": "9", "ⁿ": "n", "ᵢ": None}
_SUPERSCRIPT = re.compile("[" + "".join(k for k, v in SUPERSCRIPTS.items() if v) + "]+")

# a \text{…} group (kept as it is) or a run of Chinese outside one (wrapped in \text{})
_TEXT_OR_CJK = re.compile(r"(\\(?:text|mathrm|textrm|mbox|operatorname)\s*\{[^{}]*\})|"
                          r"[\u3400-\u9fff\uff00-\uffef](?:[\u3400-\u9fff\uff00-\uffef\s]*[\u3400-\u9fff\uff00-\uffef])?")

# (name, what it mends, pattern, replacement)
MENDS: list[tuple[str, str, re.Pattern, object]] = [
    ("dash-for-minus", "an en or em dash used as a minus sign", re.compile("[\u2013\u2014\u2212]"), "-"),
    ("superscript-digit", "a superscript character used for an exponent", _SUPERSCRIPT,
     lambda m: "^{" + "".join(SUPERSCRIPTS[c] for c in m.group(0)) + "}"),
    ("inline-delimiters-in-display", "inline math delimiters left inside a display formula",
     re.compile(r"\\[()]"), ""),
    ("ampersand-runs", "runs of alignment marks (&&, &&&) a translation left uneven between rows",
     re.compile(r"(?<!\\)&(?:\s*&)+"), "&"),
    ("aligned-as-align", "an aligned environment latex2mathml reads only as align*",
     re.compile(r"\\(begin|end)\{(aligned|alignedat|flalign\*?|eqnarray\*?)\}"), r"\\\1{align*}"),
    ("gathered-as-gather", "a gathered environment latex2mathml reads only as gather*",
     re.compile(r"\\(begin|end)\{gathered\}"), r"\\\1{gather*}"),
    ("chinese-outside-text", "Chinese words a translation put in a formula outside \\text{}", _TEXT_OR_CJK,
     lambda m: m.group(0) if m.group(1) else "\\text{" + m.group(0).strip() + "}"),
    ("blank-lines", "blank lines a converter put between a display formula's rows",
     re.compile(r"\n\s*\n+"), "\n"),
]


def mend(tex: str, display: bool) -> tuple[str, list[str]]:
    """The formula with the table's mends applied, and the names of those that changed it."""
    fired = []
    for name, _what, pattern, replacement in MENDS:
        if name == "inline-delimiters-in-display" and not display:
            continue
        if name == "ampersand-runs" and not re.search(r"\\begin\{aligned\}", tex):
            continue
        new = pattern.sub(replacement, tex)
        if new != tex:
            fired.append(name)
            tex = new
    return tex.strip(), fired


def refusal(tex: str) -> str | None:
    """Why the formula is not converted, or None."""
    if len(tex) > MAX_CHARS:
        return f"the formula is {len(tex)} characters long, more than {MAX_CHARS}"
    if MACROS.search(tex):
        return "it defines or expands macros (\\def, \\newcommand, …), which Pressroom does not run"
    depth = deepest = 0
    for token in _NESTING.findall(tex):
        if token in ("{", "\\left"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in ("}", "\\right"):
            depth -= 1
    if deepest > MAX_DEPTH:
        return f"its braces and \\left…\\right nest {deepest} deep, more than {MAX_DEPTH}"
    if depth != 0:
        return "its braces { } do not balance"
    return None


_TAG = re.compile(r"\\tag\*?\s*\{([^{}]*)\}")
_LABEL = re.compile(r"\\label\s*\{[^{}]*\}")
_NUMBERED = re.compile(r"^\\begin\{(equation|align|gather|multline)\}(.*)\\end\{\1\}$", re.S)
_UNNUMBERED = re.compile(r"^\\begin\{(equation|multline)\*\}(.*)\\end\{\1\*\}$", re.S)


def numbering(tex: str) -> tuple[str, str | None, bool]:
    """The formula without its numbering markup, the number its source gives (`\\tag{…}`), and
    whether the source asks for the next automatic number (`equation`, `align`…, not starred)."""
    tag = _TAG.search(tex)
    given = tag.group(1).strip() if tag else None
    tex = _LABEL.sub("", _TAG.sub("", tex)).strip()
    auto = False
    numbered = _NUMBERED.match(tex)
    if numbered:
        auto = given is None and "\\nonumber" not in tex and "\\notag" not in tex
        tex = numbered.group(2).strip() if numbered.group(1) == "equation" else \
            f"\\begin{{{numbered.group(1)}*}}{numbered.group(2)}\\end{{{numbered.group(1)}*}}"
    else:
        unnumbered = _UNNUMBERED.match(tex)
        if unnumbered:
            tex = unnumbered.group(2).strip()
    tex = tex.replace("\\nonumber", "").replace("\\notag", "")
    return tex, given, auto


class MathSyntaxError(ValueError):
    pass


@functools.lru_cache(maxsize=4096)
def to_mathml(tex: str, display: bool) -> str:
    """The MathML of a mended formula, `<math …>…</math>`; MathSyntaxError when it cannot be read."""
    from latex2mathml.converter import convert

    try:
        mathml = convert(tex, display="block" if display else "inline")
    except RecursionError:
        raise MathSyntaxError("it nests too deeply to read") from None
    except Exception as e:  # noqa: BLE001  latex2mathml raises many kinds for a malformed formula
        raise MathSyntaxError(f"latex2mathml could not read it ({type(e).__name__}: {e})".rstrip()) from None
    return mathml
