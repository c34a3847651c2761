"""The math stage: formulas in Markdown and HTML become MathML with their LaTeX as alttext; money
stays text; translation damage is mended and said; an unreadable or hostile formula is printed
as its source with a warning, refused before the converter runs; code is never math. Golden cases in
tests/golden/math/<case>/{in.md|in.html,out.html}; PRESSROOM_REGEN=1 rewrites them."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from pipeline.config import BookConfig
from pipeline.load import load_chapter
from pipeline.model import StageContext
from pipeline.stages import clean, math
from goldens import assert_golden

GOLDEN = Path(__file__).parent / "golden" / "math"
CASES = sorted(p.name for p in GOLDEN.iterdir() if any(p.glob("in.*")))


def staged(path: Path):
    chapter = load_chapter(path, path.name, 1)
    ctx = StageContext(BookConfig(title="t", language="zh-CN"), path.parent, Path("/nonexistent"))
    clean.run(chapter, ctx)
    math.run(chapter, ctx)
    return chapter


def case(name: str):
    return staged(next((GOLDEN / name).glob("in.*")))


@pytest.mark.parametrize("name", CASES)
def test_golden(name):
    chapter = case(name)
    got = chapter.body.decode_contents().strip() + "\n"
    notes = "".join(f"<!-- {d.level} {d.rule} line {d.line}: {d.message} -->\n"
                    for d in chapter.diagnostics if d.rule.startswith("math."))
    assert_golden(got + notes, GOLDEN / name / "out.html")


def test_every_formula_keeps_its_latex_and_no_delimiter_is_left():
    for name in CASES:
        body = case(name).body
        for m in body.find_all("math"):
            assert m.get("xmlns") == "http://www.w3.org/1998/Math/MathML"
            if name != "mathml-in-html" or m.get("display") != "block":
                assert m.get("alttext"), (name, str(m)[:80])
        text = "".join(s for s in body.find_all(string=True)
                       if not any(p.name in ("code", "pre", "math") for p in s.parents))
        for raw in ("\\(", "\\)", "\\[", "\\]", "$$", "\\frac", "\\begin"):
            assert raw not in text, (name, raw, text)


def test_money_is_never_math():
    body = case("inline-dollars-and-money").body
    text = body.get_text()
    assert "$5 and then $10, or US$3" in text and "$ 4 $" in text
    assert len(body.find_all("math")) == 3


def test_mends_are_said():
    rules = {d.message for d in case("translation-damage-dashes-superscripts-nested").diagnostics
             if d.rule == "math.mend"}
    assert any("dash" in r for r in rules) and any("superscript" in r for r in rules)
    alt = [m["alttext"] for m in case("translation-damage-dashes-superscripts-nested").body.find_all("math")]
    assert all("–" not in a and "²" not in a for a in alt) and "R^{2}" in alt[1]


def test_html_mathml_is_allowlisted():
    body = case("mathml-in-html").body
    assert not body.find("script") and not body.find(attrs={"onclick": True})
    assert body.find("math")["alttext"] == "\\frac{1}{\\lambda}" and not body.find("annotation")
    assert body.find("div", class_="formula").find("munderover")


@pytest.mark.parametrize("tex", [
    "x" * 10_000,
    "{" * 500 + "x" + "}" * 500,
    "\\def\\a{\\a\\a}\\a",
    "\\newcommand{\\x}{\\x}\\x",
    "\\left(" * 300 + "x" + "\\right)" * 300,
])
def test_hostile_formulas_are_refused_before_the_converter(tmp_path, tex):
    (tmp_path / "a.md").write_text(f"Before.\n\n$${tex}$$\n\nAfter.\n", encoding="utf-8")
    chapter = staged(tmp_path / "a.md")
    warnings = [d for d in chapter.diagnostics if d.rule == "math.unreadable"]
    assert len(warnings) == 1 and warnings[0].line == 3, chapter.diagnostics
    # refused by math/tex.refusal() before the converter sees it (a count of characters and of
    # nesting, or a macro's name: linear in the formula), not by the converter failing on it
    assert any(why in warnings[0].message for why in ("characters long", "macros", "nest")), warnings[0].message
    assert chapter.body.find("code", class_="math-source") and "After." in chapter.body.get_text()


def test_strict_makes_an_unreadable_formula_an_error(tmp_path):
    from conftest import pressroom

    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "book.toml").write_text('title = "T"\nlanguage = "en"\nauthors = ["A"]\n', encoding="utf-8")
    (book / "chapters" / "a.md").write_text("# A\n\nBad $\\frac{1}{$ here.\n", encoding="utf-8")
    run = pressroom("build", "--source", book, "--out", tmp_path / "out", "--format", "epub", "--strict")
    assert run.returncode == 2 and "chapters/a.md:3" in run.stderr and "formula" in run.stderr, run.stderr
    assert "Traceback" not in run.stderr


def test_no_dollar_of_the_corpus_becomes_math():
    """Every `$` of the corpus's Markdown (about 90: money, shell prompts, R's `df$col`, all
    outside math) stays text: read one by one, none is a formula."""
    from conftest import CORPUS
    from pipeline.load.markdown import MD

    files = sorted(CORPUS.glob("**/*.md")) if CORPUS.is_dir() else []
    if not files:
        pytest.skip("corpus absent")
    made = [(f.name, t.content) for f in files for block in MD.parse(f.read_text(encoding="utf-8", errors="replace"))
            for t in [block, *(block.children or [])]
            if t.type.startswith("math") and t.markup in ("$", "$$")]
    assert made == []


# shapes that reach what pipeline/math/ziamath_patch.py changes: fences in fences, fences under
# braces, in matrices, cases and roots, scripts on fences, deep groups, an `aligned` block as the corpus writes them
PATCH_CASES = [
    r"\left( \frac{\left[ a + \left( b \right) \right]}{c} \right)",
    r"\overbrace{\left( \frac{a}{b} \right) + c}^{n}",
    r"\underbrace{\left\{ a \right\}}_{k} + \left\langle x \right\rangle",
    r"\begin{pmatrix} \left( a \right) & b \\ c & \frac{d}{\left| e \right|} \end{pmatrix}",
    r"f(x) = \begin{cases} \left( x \right) & x > 0 \\ -x & \text{否则} \end{cases}",
    r"\sqrt{\frac{\left( a+b \right)^2}{\sum_{i=1}^{n} \left| x_i \right|}}",
    r"\left\| \frac{\partial L}{\partial w} \right\|_2 \left. \frac{d}{dx} \right|_{x=0}",
    r"{{{{{{a^{b_{c^{d}}}}}}}}} + \left( {{{\frac{1}{{{2}}}}}} \right)",
    r"\begin{aligned} \mathbb{E}[L(Q)] &= \int_0^Q (Q - d) f(d)\,dd + \int_Q^\infty \left( d - Q \right) f(d)\,dd"
    r" \\ \frac{\partial \mathbb{E}[L]}{\partial Q} &= F(Q) - \left( 1 - F(Q) \right) = 0 \end{aligned}",
    # rows whose only stretchy operator is deep in them (patch 5 skips the trial of rows with none)
    r"a^{\left( \frac{b}{c} \right)} + \frac{1}{x_{\left| y \right|}}",
    r"x \to y \rightarrow z \xrightarrow{f} w, \quad (a + b) [c] \{d\}",
    r"\| x \|_2 + |y| + \overline{ab} + \widehat{xyz} + \min_{x} \max_{y} f",
    # <mstyle> (patch 8 leaves a formula without one as it is)
    r"\displaystyle \frac{a}{b} + {\scriptstyle \left( x \right)} + \textstyle \sum_{i} x_i",
]


def _outlines(document: str) -> list:
    """Each element of a formula's SVG: a path as its commands with the points where they are
    drawn (its `transform`, `translate(x y)` and `scale(s)`, applied), anything else as it is."""
    import re
    import xml.etree.ElementTree as ET

    drawn = []
    for element in ET.fromstring(document).iter():
        if not element.tag.endswith("}path"):
            drawn.append((element.tag, sorted(element.attrib.items())))
            continue
        (x, y), scale = (0.0, 0.0), 1.0
        for name, args in re.findall(r"(translate|scale)\(([^)]*)\)", element.get("transform", "")):
            numbers = [float(n) for n in args.split()]
            if name == "translate":
                x, y = numbers
            else:
                scale = numbers[0]
        tokens = element.get("d").split()
        commands, numbers = [], []
        for token in tokens:
            if token.isalpha():
                commands.append(token)
            else:
                numbers.append(float(token) * scale + (x if len(numbers) % 2 == 0 else y))
        rest = sorted((k, v) for k, v in element.attrib.items() if k not in ("d", "transform"))
        drawn.append(("path", rest, commands, numbers))
    return drawn


def _drawn_both_ways(mathml: list[str], names: list[str]) -> int:
    """Each formula drawn with and without the ziamath patch gives the same elements, and each
    glyph's outline the same points to within the SVG's rounding (0.001 pt); the glyphs compared."""
    from pipeline.math import svg, ziamath_patch

    svg._ziamath()
    assert ziamath_patch.install(), "ziamath is not a version the patch was written for: see engine_versions.SUPPORTED"

    def drawn():
        svg.formula_svg.cache_clear()
        return [svg.formula_svg(m, True) for m in mathml]

    patched = drawn()
    assert ziamath_patch.uninstall()
    try:
        plain = drawn()
    finally:
        ziamath_patch.install()
    placed = 0
    for tex, (a, style_a), (b, style_b) in zip(names, patched, plain):
        assert style_a == style_b, tex
        mine, theirs = _outlines(a), _outlines(b)
        assert len(mine) == len(theirs), tex
        for one, other in zip(mine, theirs):
            if one[0] != "path":
                assert one == other, tex
                continue
            assert one[:3] == other[:3], tex
            assert max(abs(p - q) for p, q in zip(one[3], other[3])) < 0.002, tex
            placed += 1
        assert "transform=" in a and "transform=" not in b
    return placed


def test_the_ziamath_patch_draws_every_formula_as_ziamath_does():
    """The patch changes how long ziamath takes, never what it draws (the patch places one path a
    glyph where ziamath moves its points): the cases made to reach what it changes."""
    from pipeline.math.tex import mend, to_mathml

    mathml = [to_mathml(mend(tex, True)[0], display=True) for tex in PATCH_CASES]  # as the stage gives it
    assert _drawn_both_ways(mathml, PATCH_CASES) > 150


def test_the_ziamath_patch_draws_the_corpus_formulas_as_ziamath_does():
    """The same for every formula of the public corpus's articles, as the math stage gives them."""
    from conftest import corpus_folder

    mathml, names = [], []
    for path in sorted(corpus_folder("tds-zh-2025").glob("*.md")):
        if not any(mark in path.read_text(encoding="utf-8") for mark in ("\\(", "\\[", "$$")):
            continue
        for m in staged(path).body.find_all("math"):
            mathml.append(str(m))
            names.append(f"{path.name}: {m.get('alttext')}")
    assert len(mathml) >= 150
    assert _drawn_both_ways(mathml, names) > 1000


def test_the_ziamath_patch_unescapes_as_ziamath_does():
    """Patch 6 (ziamath's import without its pattern of 2,079 names): its `unescape` gives what
    ziamath's own gives, on every name and sign ziamath knows, side by side and apart, names it
    does not know, signs that overlap, and the formulas of the default book's appendix."""
    from pipeline.math import svg, ziamath_patch

    import subprocess
    import sys

    svg._ziamath()
    assert ziamath_patch.install(), "ziamath is not a version the patch was written for: see engine_versions.SUPPORTED"
    from ziamath import zmath

    assert zmath.unescape is ziamath_patch._unescape
    for entry in ("use_face('x', Path('.'))", "missing('<math><mi>x</mi></math>')",
                  "formula_svg('<math><mi>x</mi></math>', False)"):  # each way in a build reaches ziamath first
        compiled = subprocess.run([sys.executable, "-c", "import sys; from pathlib import Path; from pipeline.math import svg; "
                                   f"svg.{entry}; print(hasattr(sys.modules['ziamath.escapes'], 'regex'))"],
                                  capture_output=True, text=True, check=True, env={**os.environ, "PRESSROOM_ENGINE_PATCHES": ""})
        assert compiled.stdout.split() == ["False"], f"ziamath's pattern was compiled at import (a fresh process, svg.{entry})"
    theirs = ziamath_patch.original_unescape()
    names = list(ziamath_patch._escapes())
    assert len(names) > 2000
    texts = [" ".join(names), "".join(names), "x".join(names),
             "&amp; &lt; &gt; &foo; &Alpha &#x2212; &#8722; &; & alpha; !== \\*== :=:= ===",
             "<math><mn>2</mn><mo>-</mo><mi>&alpha;</mi><mo>&ne;</mo></math>"]
    texts += [str(m) for m in staged(Path(__file__).resolve().parents[1] / "source" / "chapters" / "02-formulas.md").body.find_all("math")]
    for text in texts:
        assert ziamath_patch._unescape(text) == theirs(text), text[:80]


def test_text_where_mathml_allows_none_goes_into_an_mtext():
    """`<math>x + 1</math>` (text outside mi/mn/mo/mtext/ms) is not MathML an EPUB may carry
    (EPUBCheck RSC-005): the text is kept, in an mtext; white space alone between elements goes."""
    from pipeline.math.mathml import allowed_mathml

    got = allowed_mathml("<math>ab &lt; c<mi>x</mi> <mrow> y </mrow></math>")
    assert got == ('<math xmlns="http://www.w3.org/1998/Math/MathML"><mtext>ab &lt; c</mtext><mi>x</mi>'
                   "<mrow><mtext> y </mtext></mrow></math>")


def test_a_formula_whose_characters_no_face_has_draws_without_a_fallback(tmp_path):
    """Characters neither the math font nor the CJK face has (a private-use one): no face is made
    (fontTools would give one with no cmap, which ziafont refuses), the formula is still drawn,
    and missing() names them."""
    from pipeline.math import svg
    from pipeline.math.cjk_face import face_for
    from pipeline.math.tex import to_mathml

    assert face_for("\U000f0001", tmp_path) is None
    mathml = to_mathml("x = \\text{\U000f0001}", True)
    svg.use_face(svg.text_of(mathml), tmp_path)
    assert svg.formula_svg(mathml, True)[0].startswith("<svg")
    assert svg.missing(mathml) == ["\U000f0001"]


LATEX_LATER = """
import sys
import latex2mathml.commands as commands
from latex2mathml.converter import convert
before, converted = commands.FUNCTIONS, convert(r"\\arg x")
from pipeline.math import svg
svg.formula_svg("<math><mi>x</mi></math>", False)
print(sys.modules["ziamath.tex"].__name__, commands.FUNCTIONS == before, convert(r"\\arg x") == converted)
import ziamath
drawn = ziamath.Latex(r"\\arg x + \\frac{a}{b}").svg()
print("<path" in drawn, r"\\arg" in commands.FUNCTIONS and len(commands.FUNCTIONS) > len(before))
"""


def test_drawing_a_formula_leaves_latex2mathml_as_it_was_and_ziamaths_latex_works():
    """Patch 9 (ziamath's LaTeX front end loaded when first called): in a fresh process, drawing
    a formula from its MathML does not load it, nor add ziamath's ten operators (`\\arg`...) to
    latex2mathml's functions, which the math stage of the same process would then use; ziamath's
    own `Latex` still works, and declares them then."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", LATEX_LATER], capture_output=True, text=True, check=True,
                         env={**os.environ, "PRESSROOM_ENGINE_PATCHES": ""}).stdout.split()
    assert out == ["ziamath.tex", "True", "True", "True", "True"]
