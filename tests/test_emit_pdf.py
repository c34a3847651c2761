"""The PDF: fonts embedded, text extractable and in order, one bookmark per chapter, TOC page
numbers equal to the pages the chapters start on, metadata."""
from __future__ import annotations

import re
import subprocess

import pikepdf
import pytest

from pipeline.check.pdf import run_pdf_checks


def _pdf(default_book):
    out, result = default_book
    return next(p for p in result.outputs if p.suffix == ".pdf")


def _pages_text(path):
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode()
    return text.split("\f")


def test_pdf_checks_pass(default_book):
    result = run_pdf_checks(_pdf(default_book))
    assert result.ok, result.problems


def test_chinese_text_round_trips(default_book):
    out, result = default_book
    pdf_text = re.sub(r"\s", "", "".join(_pages_text(_pdf(default_book))))
    book = result.book
    han = lambda s: re.sub(r"[^\u4e00-\u9fff]", "", s)
    body = "".join(han(ch.body.get_text()) for ch in book.chapters)
    assert len(body) > 1500
    # in order: walk the PDF's Han characters and count how many of the chapter text's are found
    pdf_han = han(pdf_text)
    i = found = 0
    for c in body:
        j = pdf_han.find(c, i)
        if j != -1 and j - i < 200:
            found += 1
            i = j + 1
    assert found / len(body) >= 0.995


def test_one_bookmark_per_chapter_and_toc_numbers_match(default_book):
    out, result = default_book
    path = _pdf(default_book)
    with pikepdf.open(path) as pdf:
        with pdf.open_outline() as outline:
            top = list(outline.root)
            page_of = {}
            for item in top:
                dest = item.destination or (item.action and item.action.get("/D"))
                page_obj = dest[0]
                page_of[item.title] = next(i for i, p in enumerate(pdf.pages) if p.obj.objgen == page_obj.objgen)
    titles = [ch.title for ch in result.book.chapters]
    for t in titles:
        assert t in page_of, (t, list(page_of))
    first = min(page_of[t] for t in titles)
    toc_page = next(p for p in _pages_text(path) if "目录" in p)
    for t in titles:
        line = next(line for line in toc_page.splitlines() if t[:8] in line)
        printed = int(re.search(r"(\d+)\s*$", line).group(1))
        assert printed == page_of[t] - first + 1, (t, printed, page_of[t])


def test_metadata(default_book):
    with pikepdf.open(_pdf(default_book)) as pdf:
        info = pdf.docinfo
        assert str(info["/Title"]) == "成为机器学习工程师的不为人知的真相"
        assert "Roman Orac" in str(info["/Author"])
        assert str(pdf.Root.Lang) == "zh-CN"
        assert "/CreationDate" in info and "/ModDate" in info


def test_only_code_lines_that_can_wrap_carry_the_wrap_marks(default_book):
    from bs4 import BeautifulSoup

    from pipeline.emit.pdf.print_html import _code_lines, code_columns

    columns = code_columns(default_book[1].book)
    assert 40 < columns < 100
    soup = BeautifulSoup("<pre><code>short = 1\n" + "x" * (columns + 1) + "\n" + "注" * (columns // 2 + 1)
                         + "\n" + "注" * (columns // 2) + "</code></pre>", "lxml")
    _code_lines(soup.pre, soup, columns)
    assert [line["class"] for line in soup.select("span.line")] == [
        ["line"], ["line", "long"], ["line", "long"], ["line"]]


def test_code_spans_no_rule_styles_are_left_out_their_text_kept(default_book):
    """A highlighter's span of classes no selector names (Pygments' names and punctuation in the
    house style) is drawn as its text alone: left out of the printed tree, text and order kept;
    spans of styled classes stay, and none is left out where a rule might style any span."""
    from bs4 import BeautifulSoup

    from pipeline import layout
    from pipeline.emit.pdf.print_html import _code_lines, named_classes

    named = named_classes(layout.stylesheet(default_book[1].book, "css/print.css") + "\n" + layout.pygments_css())
    assert named is not None and {"k", "s2", "line", "lines"} <= named and not {"n", "p"} & named
    assert named_classes("pre span { color: red }") is None
    assert named_classes(".hl :not(.k) { color: red }") is None
    assert named_classes(":is(pre, span) { color: red }") is None
    assert named_classes("span.linenos, :is(p, li) code, pre.lines .line:first-child { color: red }") == {
        "linenos", "lines", "line"}
    html = ('<pre class="hl"><code><span class="k">def</span> <span class="nf">f</span><span class="p">(</span>'
            '<span class="n">x</span><span class="p">):</span>\n    <span class="k">return</span> '
            '<span class="n">x</span> <span class="n mark" id="m">y</span></code></pre>')
    for given, kept in ((named, ["k", "nf", "k", "n mark"]), (None, ["k", "nf", "p", "n", "p", "k", "n", "n mark"])):
        soup = BeautifulSoup(html, "lxml")
        _code_lines(soup.pre, soup, 60, given)
        lines = soup.select("span.line")
        assert [line.get_text() for line in lines] == ["def f(x):", "    return x y"]
        assert [" ".join(s["class"]) for s in soup.select("span.line span")] == kept


def test_screen_edition_after_an_odd_front_matter_keeps_sides_and_folios(tmp_path):
    """A screen edition runs on: after a five-page front matter its first chapter opens on a
    left-hand page. That part was laid out as a right-hand page first: its pages are moved to the
    other side's margins, and the running heads and folios printed over them follow the side."""
    from pipeline.build import build

    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "book.toml").write_text('title = "Sides"\nlanguage = "en"\nauthors = ["A"]\n'
                                    'chapters_glob = "chapters/*.md"\n\n[pdf]\nvariant = "screen"\n')
    for c in range(8):
        sections = "".join(f"## Section {c}.{s}\n\n" + "Words to fill a line of the page. " * 40 + "\n\n"
                           for s in range(7))
        (book / "chapters" / f"{c}.md").write_text(f"# Chapter {c}\n\n{sections}")
    result = build(book, tmp_path / "out", ("pdf",), jobs=2)
    out = subprocess.run(["pdftotext", "-bbox", str(result.outputs[0]), "-"], capture_output=True, text=True).stdout
    sides = []
    for i, page in enumerate(out.split("<page ")[1:]):
        width, height = (float(re.search(rf'{k}="([\d.]+)"', page).group(1)) for k in ("width", "height"))
        words = [(float(x0), float(y0), text) for x0, y0, text in
                 re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" [^>]*>([^<]*)<', page)]
        folio = [(x, t) for x, y, t in words if y > height * 0.9 and t.isdigit()]
        body = [x for x, y, t in words if height * 0.12 < y < height * 0.85]
        if folio and body:
            left = i % 2 == 1
            sides.append((left, folio[0][0] < width / 2, round(min(body))))
    assert len(sides) > 20
    assert all(left == folio_left for left, folio_left, _ in sides), sides
    margins = {left: {x for l2, _, x in sides if l2 == left} for left in (True, False)}
    assert len(margins[True]) == 1 and len(margins[False]) == 1 and margins[True] != margins[False], margins
    assert len(result.book.page_map["pages"]) > 20
    pdf = pikepdf.open(result.outputs[0])
    opener = next(p for p in pdf.open_outline().root if p.title == "Chapter 0").destination[0]
    index = next(i for i, page in enumerate(pdf.pages) if page.objgen == opener.objgen)
    assert index % 2 == 1  # the case this is about: the first chapter on a left-hand page


def _leader_boxes(page):
    found = []

    def walk(box):
        if getattr(box, "is_leader", False):
            found.append(box)
        for child in getattr(box, "children", ()):
            walk(child)

    walk(page._page_box)
    return found


def test_dot_leaders_are_one_run_of_dots_reaching_the_page_number():
    """pdf_leaders: WeasyPrint's one box per dot becomes one box of dots, filling the same gap."""
    from weasyprint import HTML

    from pipeline.emit.pdf.weasyprint_patches import leaders as pdf_leaders

    html = ("<style>a::after { content: leader(dotted) ' ' attr(data-page); }</style>"
            "<p style='width: 300px'><a data-page='17'>第一章 开始</a></p>"
            "<p style='width: 300px'><a data-page='3'>A title long enough to wrap onto a second line of the "
            "entry here</a></p>")
    was_installed = pdf_leaders.uninstall()  # a build in this process may have installed it
    before = [[(b.position_x, b.width, b.text) for b in box.children]
              for box in _leader_boxes(HTML(string=html).render().pages[0])]
    assert pdf_leaders.install()
    try:
        after = _leader_boxes(HTML(string=html).render().pages[0])
    finally:
        if not was_installed:
            pdf_leaders.uninstall()
    assert len(before) == len(after) == 2
    for dots, box in zip(before, after):
        assert len(dots) > 10 and len(box.children) == 1
        run = box.children[0]
        assert set(run.text) == {"."} and len(run.text) == len(dots)
        start = min(x for x, _, _ in dots)
        end = max(x + w for x, w, _ in dots)
        assert abs(run.position_x - start) < 0.01 and abs(run.position_x + run.width - end) < 0.01


def test_margin_boxes_are_skipped_only_where_no_box_of_the_page_has_content():
    """pdf_margins: a page whose sixteen margin boxes are all empty gets none built; a page with
    one gets what WeasyPrint itself makes, box for box."""
    from weasyprint import HTML

    from pipeline.emit.pdf.weasyprint_patches import margins as pdf_margins

    def margin_boxes(css: str) -> list:
        pages = HTML(string=f"<style>{css}</style><p>one</p><p style='break-before: page'>two</p>").render().pages
        return [[(b.at_keyword, b.position_x, b.position_y, b.width, b.height) for b in page._page_box.children
                 if type(b).__name__ == "MarginBox"] for page in pages]

    cases = ["@page { size: 300px 300px; margin: 50px }",
             "@page { size: 300px 300px; margin: 50px; @top-center { content: none } }",
             "@page { size: 300px 300px; margin: 50px; @bottom-right { content: counter(page) } }",
             "@page :left { size: 300px 300px; margin: 50px; @top-left { content: 'L' } }"
             "@page :right { size: 300px 300px; margin: 50px }"]
    was_installed = pdf_margins.uninstall()
    try:
        before = [margin_boxes(css) for css in cases]
        assert pdf_margins.install()
        after = [margin_boxes(css) for css in cases]
    finally:
        pdf_margins.uninstall()
        if was_installed:
            pdf_margins.install()
    assert after == before
    assert before[0] == before[1] == [[], []]
    assert [len(page) for page in before[2]] == [1, 1] and [len(page) for page in before[3]] == [0, 1]


def test_each_font_face_is_embedded_once_for_every_part(default_book):
    """font_subsets and shared_fonts: the parts' descriptors of one face point at one subset, a real
    font holding every glyph any part shows; no part's note is left in the book."""
    from pipeline.emit.pdf import weasyprint_patches

    if "font_subsets" not in weasyprint_patches.wanted():
        pytest.skip(weasyprint_patches.summary())  # each part keeps WeasyPrint's own subsets
    from io import BytesIO

    from fontTools.ttLib import TTFont

    from pipeline.emit.pdf.weasyprint_patches.font_subsets import MARK

    pdf = pikepdf.open(_pdf(default_book))
    files: dict[str, set] = {}
    used: dict[tuple, set] = {}
    for page in pdf.pages:
        for font in page.obj.Resources.get("/Font", {}).values():
            for sub in font.get("/DescendantFonts", []):
                desc = sub.FontDescriptor
                stream = desc.get("/FontFile3") or desc.get("/FontFile2")
                name = str(desc.FontName).split("+", 1)[1]
                files.setdefault(name, set()).add(stream.objgen)
                w = list(sub.get("/W", []))
                gids = used.setdefault(stream.objgen, set())
                for i in range(0, len(w), 2):
                    gids.update(range(int(w[i]), int(w[i]) + len(w[i + 1])))
    assert len(files) >= 4 and all(len(streams) == 1 for name, streams in files.items() if "Emoji" not in name), files
    parts_sharing = 0
    for objgen, gids in used.items():
        stream = pdf.get_object(objgen)
        data = stream.read_bytes()
        assert MARK not in data
        if stream.get("/Subtype") == "/CIDFontType0C":  # a bare CID-keyed CFF of the glyphs used (shared_fonts.compact_cff)
            from fontTools.cffLib import CFFFontSet

            cff = CFFFontSet()
            cff.decompile(BytesIO(data), None)
            names = set(cff[cff.fontNames[0]].charset)
            assert {f"cid{g:05d}" for g in gids if g} <= names
        else:
            font = TTFont(BytesIO(data))
            assert max(gids) < font["maxp"].numGlyphs
        parts_sharing += 1
    assert parts_sharing == sum(len(s) for s in files.values())


def test_png_data_a_pdf_can_hold_is_embedded_as_it_is_with_the_same_pixels(tmp_path):
    """pdf_images: a palette, grey or RGB PNG goes into the PDF with its own compressed data (no
    decoding, no encoding) and shows the same pixels; a PNG with transparency still gets its mask."""
    from io import BytesIO

    from PIL import Image
    from weasyprint import HTML

    from pipeline.emit.pdf.weasyprint_patches import png_images as pdf_images

    rgb = Image.effect_mandelbrot((61, 37), (-2, -1.2, 1, 1.2), 60).convert("RGB")
    rgb.putpixel((0, 0), (255, 0, 0))
    images = {"palette4.png": rgb.quantize(12).convert("P"), "palette8.png": rgb.quantize(200),
              "grey1.png": rgb.convert("1"), "grey.png": rgb.convert("L"), "rgb.png": rgb,
              "alpha.png": rgb.convert("RGBA")}
    for name, im in images.items():
        im.save(tmp_path / name, bits=4) if name == "palette4.png" else im.save(tmp_path / name)
    assert pdf_images.raw_png((tmp_path / "palette4.png").read_bytes())[0] == 4
    assert pdf_images.install(tmp_path / "streams")
    html = "".join(f'<img src="{n}" style="width: {im.width}px">' for n, im in images.items())
    pdf = pikepdf.open(BytesIO(HTML(string=html, base_url=str(tmp_path) + "/").write_pdf()))
    shown: dict[str, list] = {}
    for obj in pdf.pages[0].Resources.XObject.values():
        space = obj.ColorSpace[0] if isinstance(obj.ColorSpace, pikepdf.Array) else obj.ColorSpace
        shown.setdefault(str(space) + ("+mask" if "/SMask" in obj else ""), []).append(
            pikepdf.PdfImage(obj).as_pil_image())
    assert {k: len(v) for k, v in shown.items()} == {"/Indexed": 2, "/DeviceGray": 2, "/DeviceRGB": 1,
                                                     "/DeviceRGB+mask": 1}
    pixels = lambda im, mode: im.convert(mode).tobytes()  # noqa: E731
    assert sorted(pixels(im, "RGB") for im in shown["/Indexed"]) == sorted(
        pixels(images[n], "RGB") for n in ("palette4.png", "palette8.png"))
    assert sorted(pixels(im, "L") for im in shown["/DeviceGray"]) == sorted(
        pixels(images[n], "L") for n in ("grey1.png", "grey.png"))
    assert pixels(shown["/DeviceRGB"][0], "RGB") == pixels(shown["/DeviceRGB+mask"][0], "RGB") == pixels(rgb, "RGB")


def test_content_streams_are_deflated_at_level_6():
    import zlib

    import pydyf

    from pipeline.emit.pdf.weasyprint_patches import streams as pdf_streams

    assert pdf_streams.install(), f"pydyf {pydyf.__version__}: not a version in engine_versions.SUPPORTED (pinned?)"
    text = b"BT /F1 10 Tf 72 700 Td (some page content) Tj ET\n" * 200
    data = pydyf.Stream([text], compress=True).data
    packed = data.split(b"stream\n", 1)[1].rsplit(b"\nendstream", 1)[0]
    assert packed == zlib.compress(text, 6) and packed != zlib.compress(text, 9)
