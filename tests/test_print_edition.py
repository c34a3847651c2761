"""The print edition (emit/print_edition.py, emit/pdf/wrap_cover.py, editions.py): the paperback
interior's page boxes, pages and fonts, the resolution check of its images, the inside margin and
the cover's spine from the print-on-demand table, and the cover sheet's geometry. The fixture book
is built once for the module."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from pipeline.emit.pdf import wrap_cover

TRIM = (5.5, 8.5)  # inches, the fixture's [editions.print] trim
BLEED = 9.0  # points: 0.125 in


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    from pipeline.build import build

    book = tmp_path_factory.mktemp("print-book")
    (book / "chapters").mkdir()
    Image.effect_mandelbrot((240, 160), (-2, -1.2, 1, 1.2), 40).convert("RGB").save(book / "chapters" / "small.png")
    para = "A paperback interior is laid out for print: bleed, an inside margin, chapters on the right. " * 6
    (book / "chapters" / "01.md").write_text("# The first chapter\n\n" + "\n\n".join([para] * 8)
                                             + "\n\n![A small chart](small.png)\n\nFigure: a small chart\n", encoding="utf-8")
    (book / "chapters" / "02.md").write_text("# The second chapter\n\n" + "\n\n".join([para] * 5), encoding="utf-8")
    (book / "book.toml").write_text('title = "Paperback"\nauthors = ["A. Writer"]\nlanguage = "en"\n'
                                    'description = "A book to hold."\npublisher = "Pressroom"\n\n'
                                    '[editions.print]\ntrim = "5.5in 8.5in"\npaper = "white"\n', encoding="utf-8")
    out = book / "out"
    result = build(book, out, ("all",), jobs=1)
    return {"book": book, "result": result, "interior": out / "book-print.pdf", "cover": out / "book-cover.pdf"}


def _boxes(path: Path) -> list[dict]:
    with pikepdf.open(path) as pdf:
        return [{k: [round(float(v), 2) for v in page.obj[k]] for k in ("/MediaBox", "/TrimBox", "/BleedBox")}
                for page in pdf.pages]


def _page_texts(path: Path) -> list[str]:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout.split("\f")


def test_a_book_with_only_a_print_edition_builds_the_interior_and_the_cover(printed):
    assert [p.name for p in printed["result"].outputs] == ["book-print.pdf", "book-cover.pdf"]


def test_the_interior_has_its_trim_and_bleed_on_every_page_and_no_cover(printed):
    boxes = _boxes(printed["interior"])
    w, h = TRIM[0] * 72, TRIM[1] * 72
    for box in boxes:
        assert box["/TrimBox"] == [0, 0, w, h]
        assert box["/BleedBox"] == [-BLEED, -BLEED, w + BLEED, h + BLEED]
    texts = _page_texts(printed["interior"])
    assert "Paperback" in texts[0] and "A. Writer" in texts[0]  # the title page first: no cover page


def test_chapters_open_on_right_hand_pages(printed):
    texts = _page_texts(printed["interior"])
    openings = [i + 1 for i, t in enumerate(texts) if re.search(r"^\s*(The first chapter|The second chapter)\s*$", t, re.M)
                and "Contents" not in t]
    assert len(openings) >= 2 and all(n % 2 == 1 for n in openings), openings


def test_every_font_is_embedded_in_the_interior_and_the_cover(printed):
    for path in (printed["interior"], printed["cover"]):
        rows = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
        assert rows and all(" yes " in row.split("Identity-H")[-1] or row.split()[-5] == "yes" for row in rows), rows
        problems = subprocess.run(["pdftotext", str(path), "/dev/null"], capture_output=True, text=True).stderr
        assert "Syntax Error" not in problems, problems


def test_a_low_resolution_figure_is_named_in_a_warning(printed):
    warned = [d for d in printed["result"].book.diagnostics if d.rule == "print.resolution"]
    assert len(warned) == 1 and "small.png" in warned[0].message and "ppi" in warned[0].message
    assert warned[0].file == "chapters/01.md"
    assert any(d.rule == "print.pages" for d in printed["result"].book.diagnostics)  # a few pages, under 24


def test_the_cover_spine_follows_the_page_count_and_the_paper(printed):
    with pikepdf.open(printed["interior"]) as pdf:
        pages = len(pdf.pages)
    spine = pages * 0.002252  # white paper, pipeline/data/print_on_demand.toml
    assert wrap_cover.spine_inches(pages, "white") == pytest.approx(spine, abs=1e-4)
    (box,) = _boxes(printed["cover"])
    assert box["/TrimBox"][2] == pytest.approx((2 * TRIM[0] + spine) * 72, abs=0.02)
    assert box["/TrimBox"][3] == pytest.approx(TRIM[1] * 72, abs=0.02)
    assert box["/BleedBox"] == [-BLEED, -BLEED, round(box["/TrimBox"][2] + BLEED, 2), TRIM[1] * 72 + BLEED]


def test_spine_text_only_where_the_spine_is_wide_enough(printed, tmp_path):
    from pipeline.emit.print_edition import as_print

    book = as_print(printed["result"].book)
    thin = wrap_cover.write(book, 40, tmp_path / "thin.pdf")
    thick = wrap_cover.write(book, 300, tmp_path / "thick.pdf")
    count = lambda p: subprocess.run(["pdftotext", str(p), "-"], capture_output=True, text=True).stdout.count("Paperback")  # noqa: E731
    assert count(thin) == 1 and count(thick) == 2  # the front, and the spine of the thick one
    assert _boxes(thick)[0]["/TrimBox"][2] - _boxes(thin)[0]["/TrimBox"][2] == pytest.approx(260 * 0.002252 * 72, abs=0.02)


def test_the_inside_margin_grows_with_the_page_count_as_the_table_asks():
    assert [wrap_cover.gutter_inches(n) for n in (24, 150, 151, 300, 301, 500, 501, 700, 828)] == \
        [0.375, 0.375, 0.5, 0.5, 0.625, 0.625, 0.75, 0.75, 0.875]
    assert wrap_cover.spine_inches(100, "cream") == 0.25
    assert "kdp.amazon.com" in wrap_cover.service()["source"]["gutter"]


def test_a_gutter_widens_the_inside_margin(printed):
    from pipeline.emit.print_edition import as_print
    from pipeline.page_geometry import geometry

    book = printed["result"].book
    assert geometry(as_print(book)).inner < 0.75 <= geometry(as_print(book, "0.75in")).inner


def test_editions_resolve_to_what_the_build_makes(printed, tmp_path):
    from pipeline.config import load_config
    from pipeline.editions import formats, targets
    from pipeline.model import PressroomError

    config, _ = load_config(printed["book"])
    assert formats(config, ("all",)) == ("print",) and formats(config, ("epub",)) == ("epub",)
    assert sorted(p.name for p in targets(config, tmp_path, ("epub", "pdf", "print")).values()) == \
        ["book-cover.pdf", "book-print.pdf", "book.epub", "book.pdf"]
    (tmp_path / "book.toml").write_text('title = "T"\n\n[editions.hardcover]\ntrim = "6in 9in"\n', encoding="utf-8")
    with pytest.raises(PressroomError, match="unknown key \\[editions\\] 'hardcover'") as error:
        load_config(tmp_path)
    assert error.value.line == 3


def test_the_pdf_checks_pass_the_interior_and_cover_and_catch_a_broken_font_and_trim(printed, tmp_path):
    from pipeline.check.pdf import run_pdf_checks

    for path in (printed["interior"], printed["cover"]):
        result = run_pdf_checks(path)
        assert result.ok, result.problems
    with pikepdf.open(printed["interior"]) as pdf:
        pdf.pages[1].obj.TrimBox = pikepdf.Array([0, 0, 400, 600])  # another size, and outside nothing
        for font in pdf.pages[0].obj.Resources.Font.values():
            descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
            desc = descendant.FontDescriptor
            key = next(k for k in ("/FontFile", "/FontFile2", "/FontFile3") if k in desc)
            desc[key].write(desc[key].read_bytes()[:200])  # a font cut short: poppler cannot read it
            break
        pdf.save(tmp_path / "broken.pdf")
    problems = run_pdf_checks(tmp_path / "broken.pdf").problems
    assert any("trimmed to 2 sizes" in p for p in problems), problems
    assert any("cannot be read" in p for p in problems), problems


def test_a_pdf_x_variant_is_refused_with_the_line(tmp_path):
    from pipeline.config import load_config
    from pipeline.model import PressroomError

    (tmp_path / "book.toml").write_text('title = "T"\n\n[editions.print]\npaper = "white"\npdf_variant = "pdf/x-4"\n',
                                        encoding="utf-8")
    with pytest.raises(PressroomError, match="output intent") as error:
        load_config(tmp_path)
    assert error.value.line == 5


def test_the_text_layer_of_formulas_takes_a_few_sizes():
    """A size a formula would crash WeasyPrint 70 laying a long book out as one document without
    Pressroom's font patches (svg.text_layer_size's docstring): the layer takes one of a few."""
    from pipeline.math import svg

    sizes = {svg.text_layer_size("\\frac{a}{b}" * n, w) for n in range(1, 30) for w in (0.5, 1.3, 4.0, 9.7)}
    assert sizes <= set(svg.LAYER_SIZES) and len(sizes) > 3
    assert svg.text_layer_size("\\lambda", 0.5) == 0.1 and svg.text_layer_size("x", 30) == 1.0


def test_a_small_books_print_edition_laid_out_beside_its_screen_pdf_is_the_same(printed, tmp_path):
    """With a screen PDF too, a small book's print edition is laid out in a process forked for it
    (build._build: workers.Forked) while the screen PDF is laid out here: the same files, and the
    same warnings in the same order, as one after the other (jobs=1)."""
    import os
    import shutil

    from pipeline.build import build

    book = tmp_path / "book"
    shutil.copytree(printed["book"], book, ignore=shutil.ignore_patterns("out"))
    with open(book / "book.toml", "a", encoding="utf-8") as f:
        f.write("\n[editions.screen]\n")
    os.environ["SOURCE_DATE_EPOCH"] = "1700000000"
    try:
        one = build(book, tmp_path / "one", ("all",), jobs=1)
        two = build(book, tmp_path / "two", ("all",), jobs=2)
    finally:
        del os.environ["SOURCE_DATE_EPOCH"]
    names = sorted(p.name for p in one.outputs)
    assert names == sorted(p.name for p in two.outputs) == ["book-cover.pdf", "book-print.pdf", "book.pdf"]
    for name in names:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), name
    said = lambda result: [(d.level, d.rule, d.message) for d in result.book.diagnostics]  # noqa: E731
    assert said(one) == said(two)
    assert any(rule == "print.edition" for _, rule, _ in said(two))


def test_a_forked_task_gives_its_result_its_error_and_is_stopped_on_an_error():
    from pipeline.workers import Forked

    with Forked(abs, -3) as forked:
        assert forked.result() == 3
    with Forked(int, "x") as forked:
        with pytest.raises(ValueError):
            forked.result()
    stopped = []
    with pytest.raises(KeyError):
        with Forked(__import__("time").sleep, 30, on_stop=stopped.append) as forked:
            raise KeyError("the build failed meanwhile")
    assert stopped == [forked.process.pid] and not forked.process.is_alive()


def test_a_print_edition_process_that_dies_is_one_line_naming_it(printed, tmp_path, monkeypatch):
    """The forked print edition killed (out of memory, a crash): the build says so in one error
    naming book.toml and what to do, and writes no print files."""
    import os
    import shutil

    import pipeline.build as build_module
    from pipeline.model import PressroomError

    book = tmp_path / "book"
    shutil.copytree(printed["book"], book, ignore=shutil.ignore_patterns("out"))
    with open(book / "book.toml", "a", encoding="utf-8") as f:
        f.write("\n[editions.screen]\n")
    monkeypatch.setattr(build_module, "_print_edition", lambda args, timings=None: os._exit(3))
    with pytest.raises(PressroomError) as error:
        build_module.build(book, tmp_path / "out", ("all",), jobs=2)
    assert "print edition stopped (exit code 3)" in str(error.value) and error.value.file == "book.toml"
    assert not list((tmp_path / "out").glob("*print*")) and not list((tmp_path / "out").glob("*cover*"))
