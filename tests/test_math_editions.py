"""Formulas in both editions: a book with math passes EPUBCheck with its pages marked `mathml`;
the PDF draws a fraction as a fraction (by pixels), leaves no LaTeX in the text a reader sees (only
the formulas' invisible text layer, which search finds), and draws the
Chinese inside formulas from the CJK face (no box); every formula of the public corpus becomes
MathML. The book is built once for the module."""
from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from conftest import corpus_folder

CHAPTER = r"""# 公式

一个分数：

\[ \frac{a}{b} \]

需求率 \( \lambda \) 与 \( \text{需求} = \frac{1}{\lambda} \) 在同一行。价格是 $5 和 $10。
"""


@pytest.fixture(scope="module")
def math_book(tmp_path_factory):
    from pipeline.build import build

    book = tmp_path_factory.mktemp("math-book")
    (book / "chapters").mkdir()
    (book / "chapters" / "01.md").write_text(CHAPTER, encoding="utf-8")
    (book / "book.toml").write_text('title = "公式"\nlanguage = "zh-CN"\nauthors = ["A"]\n', encoding="utf-8")
    out = book / "out"
    result = build(book, out, ("epub", "pdf"), jobs=1)
    return {p.suffix: p for p in result.outputs}


def test_epub_with_math_passes_epubcheck_and_marks_its_pages(math_book):
    from pipeline.check.epub import run_epubcheck

    result = run_epubcheck(math_book[".epub"])
    assert result.ok and "0 errors, 0 warnings" in result.summary, result.problems
    with zipfile.ZipFile(math_book[".epub"]) as z:
        opf = z.read("EPUB/content.opf").decode()
        page = z.read("EPUB/ch001.xhtml").decode()
    assert re.search(r'href="ch001.xhtml"[^>]*properties="mathml"', opf)
    assert page.count("<math") == 3 and 'alttext="\\frac{a}{b}"' in page


ALTS = ["\\frac{a}{b}", "\\lambda", "\\text{需求} = \\frac{1}{\\lambda}"]  # the formulas' LaTeX, in order


def _squeezed(text: str) -> str:
    return "".join(text.split())


def _without_invisible_text(pdf_path: Path, target: Path) -> Path:
    """A copy of the PDF without the text it draws invisibly (fill alpha 0, or render mode 3):
    what a reader sees."""
    import pikepdf

    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            states = page.obj.Resources.get("/ExtGState", {})
            kept, state, saved = [], (0, 1.0), []
            for op in pikepdf.parse_content_stream(page):
                name = str(op.operator)
                if name == "q":
                    saved.append(state)
                elif name == "Q":
                    state = saved.pop() if saved else (0, 1.0)
                elif name == "Tr":
                    state = (int(op.operands[0]), state[1])
                elif name == "gs" and "/ca" in states.get(str(op.operands[0]), {}):
                    state = (state[0], float(states[str(op.operands[0])]["/ca"]))
                elif name in ("Tj", "TJ", "'", '"') and (state[0] == 3 or state[1] == 0):
                    continue
                kept.append(op)
            page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(kept))
        pdf.save(target)
    return target


def _pdftotext(pdf_path: Path) -> str:
    return subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_text_has_no_latex_but_the_formulas_invisible_layer_and_keeps_the_money(math_book, tmp_path):
    seen = _pdftotext(_without_invisible_text(math_book[".pdf"], tmp_path / "seen.pdf"))
    for raw in ("\\frac", "\\(", "\\[", "\\lambda", "\\text", "$$", "{"):
        assert raw not in seen
    assert "$5" in seen and "$10" in seen and "需求率" in seen
    everything = _squeezed(_pdftotext(math_book[".pdf"]))
    for alt in sorted(ALTS, key=len, reverse=True):  # each formula's invisible text layer, once
        assert _squeezed(alt) in everything, alt
        everything = everything.replace(_squeezed(alt), "", 1)
    assert "\\" not in everything  # no LaTeX besides the formulas' own


def test_a_formula_is_found_by_search_in_poppler_and_pdfjs(math_book):
    """The LaTeX of each formula is in the PDF as invisible text over its drawing: what `pdftotext`
    (poppler, as in evince and okular) and pdf.js (Firefox's viewer) give their search."""
    poppler = _squeezed(_pdftotext(math_book[".pdf"]))
    assert all(_squeezed(alt) in poppler for alt in ALTS)
    root = Path(__file__).resolve().parents[1]
    pdfjs = root / ".tools" / "pdfjs"
    if not (pdfjs / "node_modules" / "pdfjs-dist").is_dir():
        pytest.skip("pdf.js is not installed (scripts/bootstrap-pdfjs.sh; make test runs it)")
    found = subprocess.run(["node", str(root / "tests" / "pdfjs_text.mjs"), str(pdfjs), str(math_book[".pdf"])],
                           capture_output=True, text=True, check=True).stdout
    assert all(_squeezed(alt) in _squeezed(found) for alt in ALTS), found


def _ink_bands(image: Image.Image) -> list[tuple[int, int]]:
    """The runs of rows that have ink, top to bottom: (first row, last row)."""
    grey = image.convert("L")
    width, height = grey.size
    pixels = grey.load()
    bands, start = [], None
    for y in range(height):
        ink = any(pixels[x, y] < 128 for x in range(width))
        if ink and start is None:
            start = y
        elif not ink and start is not None:
            bands.append((start, y - 1))
            start = None
    return bands


def test_a_display_fraction_is_drawn_stacked_not_as_text(math_book, tmp_path):
    pdf = math_book[".pdf"]
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True,
                                                             text=True).stdout).group(1))
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", str(pages), "-l", str(pages), str(pdf),
                    str(tmp_path / "p")], check=True)
    page = Image.open(next(tmp_path.glob("p*.png")))
    width, height = page.size
    # the fraction is the block centred between the first paragraph and the last: the middle third of
    # the text width, where no body text line is that short
    middle = page.crop((int(width * 0.42), 0, int(width * 0.58), height))
    bands = _ink_bands(middle)
    # numerator, rule, denominator: three bands, the middle one a thin rule, stacked within two lines
    stacked = [(a, b, c) for a, b, c in zip(bands, bands[1:], bands[2:])
               if b[1] - b[0] <= 3 and c[1] - a[0] < 90 and a[1] - a[0] > 5 and c[1] - c[0] > 5]
    assert stacked, bands


def test_chinese_in_formulas_is_drawn_from_the_cjk_face(tmp_path):
    from pipeline.math import svg
    from pipeline.math.tex import to_mathml

    mathml = to_mathml(r"\text{需求率（未知，待估计）} = \frac{1}{\lambda}", True)
    svg.use_face(svg.text_of(mathml), tmp_path)
    assert svg.missing(mathml) == []
    drawn, style = svg.formula_svg(mathml, True)
    assert drawn.count("<path") > 10 and "<symbol" not in drawn and " id=" not in drawn
    assert style.startswith("width: ") and "em; height: " in style


def test_every_formula_of_the_public_corpus_becomes_mathml():
    from pipeline.config import BookConfig
    from pipeline.load import load_chapter
    from pipeline.model import StageContext
    from pipeline.stages import clean, math
    from pipeline.math import svg

    folder = corpus_folder("tds-zh-2025")
    formulas = chinese = 0
    for path in sorted(folder.glob("*.md")):
        source = path.read_text(encoding="utf-8")
        if "\\(" not in source and "\\[" not in source and "$$" not in source:
            continue
        chapter = load_chapter(path, path.name, 1)
        ctx = StageContext(BookConfig(title="t", language="zh-CN"), folder, Path("/nonexistent"))
        clean.run(chapter, ctx)
        math.run(chapter, ctx)
        body = chapter.body
        assert not body.find(class_=["math-tex", "math-source"]), path.name
        text = "".join(s for s in body.find_all(string=True)
                       if not any(p.name in ("code", "pre", "math") for p in s.parents))
        for raw in ("\\frac", "\\(", "\\)", "\\[", "\\]", "$$", "\\sum", "\\text"):
            assert raw not in text, (path.name, raw)
        for m in body.find_all("math"):
            formulas += 1
            if re.search(r"[\u4e00-\u9fff]", m.get_text()):
                chinese += 1
                svg.use_face(m.get_text(), Path("/tmp/pressroom-test-fonts"))
                assert svg.missing(str(m)) == [], (path.name, m.get("alttext"))
    assert formulas >= 150 and chinese >= 10, (formulas, chinese)


def test_tagged_pdf_makes_each_formula_a_formula_with_its_latex_as_alternate_text(math_book):
    """Each formula is a Formula element whose Alt is its LaTeX, holding the drawing (a Figure) and
    the invisible text, which the Alt stands for."""
    import pikepdf

    formulas = []

    def walk(node):
        if isinstance(node, pikepdf.Dictionary):
            if node.get("/S") == "/Formula":
                kids = node.K if isinstance(node.K, pikepdf.Array) else [node.K]
                formulas.append((str(node.get("/Alt")), [str(k.get("/S")) for k in kids if isinstance(k, pikepdf.Dictionary)]))
            if "/K" in node:
                walk(node["/K"])
        elif isinstance(node, pikepdf.Array):
            for child in node:
                walk(child)

    with pikepdf.open(math_book[".pdf"]) as pdf:
        walk(pdf.Root.StructTreeRoot)
    assert [alt for alt, _ in formulas] == ALTS
    assert all("/Figure" in kids for _, kids in formulas), formulas


def test_one_cjk_face_is_made_for_the_formulas_of_the_whole_book(tmp_path):
    """Two chapters whose formulas hold different Chinese: the PDF draws both from one face, made
    from the characters the math stage noted (`formula_chars`), not one face for each part."""
    from pipeline.build import build

    (tmp_path / "chapters").mkdir()
    for n, word in (("01", "需求"), ("02", "价格")):
        (tmp_path / "chapters" / f"{n}.md").write_text(f"# 第{n}章\n\n公式 \\( \\text{{{word}}} = \\frac{{1}}{{x}} \\) 在这里。\n",
                                                       encoding="utf-8")
    (tmp_path / "book.toml").write_text('title = "字"\nlanguage = "zh-CN"\nauthors = ["A"]\n', encoding="utf-8")
    out = tmp_path / "out"
    build(tmp_path, out, ("pdf",), jobs=1)
    faces = list((out / ".cache" / "fonts").glob("cjk-*.ttf"))
    assert len(faces) == 1, faces
    text = _squeezed(_pdftotext(out / next(p.name for p in out.glob("*.pdf"))))
    assert "\\text{需求}" in text and "\\text{价格}" in text


def test_formulas_reach_the_layout_as_files_of_the_cache_and_are_drawn_again_when_gone(math_book, tmp_path):
    """The prepared parts name each formula's drawing, a file of the PDF's cache (not a `data:`
    URL of its 15 KB of SVG in the part's HTML); a rebuild after those files are removed draws
    them again and writes the same PDF."""
    import shutil

    from pipeline.build import build

    book = math_book[".pdf"].parent.parent
    cache = book / "out" / ".cache" / "pdf"
    drawn = sorted((cache / "formulas").glob("*.svg"))
    assert len(drawn) == 3 and all(p.read_text(encoding="utf-8").startswith("<svg") for p in drawn)
    documents = "".join(p.read_text(encoding="utf-8") for p in (cache / "documents").glob("*.json"))
    assert "data:image/svg" not in documents and documents.count('class=\\"formula-drawn\\"') == 3
    for p in drawn:
        assert f"formulas/{p.name}" in documents
    out = tmp_path / "again"
    shutil.copytree(book / "out", out)
    shutil.rmtree(out / ".cache" / "pdf" / "formulas")
    shutil.rmtree(out / ".cache" / "pdf" / "parts")
    result = build(book, out, ("pdf",), jobs=1, force=True)
    again = next(p for p in result.outputs if p.suffix == ".pdf")
    assert sorted(p.name for p in (out / ".cache" / "pdf" / "formulas").glob("*.svg")) == [p.name for p in drawn]
    assert again.read_bytes() == math_book[".pdf"].read_bytes()
