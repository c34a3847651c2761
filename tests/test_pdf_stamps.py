"""pdf_stamps: running heads and folios drawn from stamps print what the furniture laid out page
by page printed, pixel for pixel; a stylesheet the stamps cannot follow keeps the old way."""
from __future__ import annotations

import subprocess

import pikepdf
from PIL import Image, ImageChops

from pipeline.build import build
from pipeline.emit.pdf import stamps as pdf_stamps

HEADS = [("Book", "One"), ("Book", "Two")]


def _book(tmp_path, variant: str):
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "book.toml").write_text(f'title = "Stamps"\nlanguage = "en"\nauthors = ["A"]\n\n[pdf]\nvariant = "{variant}"\n')
    for c in range(3):  # enough pages for two-digit folios
        text = "".join(f"## Part {c}.{s}\n\n" + "Words to fill the lines of a page, and more. " * 60 + "\n\n"
                       for s in range(6))
        (book / "chapters" / f"{c}.md").write_text(f"# Chapter {c}\n\n{text}")
    return book


def _pixels(pdf, folder):
    folder.mkdir()
    subprocess.run(["pdftoppm", "-r", "72", "-gray", str(pdf), str(folder / "p")], check=True)
    return [Image.open(p) for p in sorted(folder.iterdir())]


def test_stamped_heads_and_folios_are_the_furniture_laid_out_page_by_page(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    for variant in ("print", "screen"):  # a screen edition's parts may open on a left-hand page
        book = _book(tmp_path / variant, variant)
        stamped = build(book, tmp_path / variant / "stamped", ("pdf",), jobs=1).outputs[0]
        pdf = pikepdf.open(stamped)
        names = {str(k) for page in pdf.pages for k in page.obj.Resources.get("/XObject", {}).keys()}
        assert any(n.startswith("/PressroomStamp") for n in names)
        assert len(pdf.pages) > 20
        with monkeypatch.context() as m:
            m.setattr(pdf_stamps, "plan", lambda heads, laid: None)
            paged = build(book, tmp_path / variant / "paged", ("pdf",), jobs=1).outputs[0]
        names = {str(k) for page in pikepdf.open(paged).pages for k in page.obj.Resources.get("/XObject", {}).keys()}
        assert not any(n.startswith("/PressroomStamp") for n in names)
        a, b = _pixels(stamped, tmp_path / variant / "a"), _pixels(paged, tmp_path / variant / "b")
        assert len(a) == len(b)
        assert [i for i, (x, y) in enumerate(zip(a, b)) if ImageChops.difference(x, y).getbbox()] == []


def _laid(folio_rows=None, check_width=59.2, head_rows=None):
    """margins() of a stamp document for HEADS: heads on top, folios at the foot, right-aligned on
    right-hand pages (ending at 300 px), left-aligned on left-hand ones (from 40 px)."""
    out = []
    for kind, side, what in pdf_stamps.pages(HEADS):
        if kind == "head":
            out.append(head_rows or [["@top-right" if side == "right" else "@top-left", True, [[what[1], 100, 50]]]])
            continue
        width = 5.92 * len(what) if kind == "digit" else check_width
        x = 300 - width if side == "right" else 40
        out.append(folio_rows or [["@bottom-right" if side == "right" else "@bottom-left", False, [[what, x, width]]]])
    return out


def test_a_folio_is_its_digits_side_by_side_where_the_number_would_be():
    sides = pdf_stamps.plan(HEADS, _laid())
    assert sides["right"]["align"][0] == "right" and sides["left"]["align"][0] == "left"
    right = pdf_stamps.stamps_for(sides, "right", ("Book", "Two"), "123")
    head, *digits = right
    assert head == (sides["right"]["heads"][("Book", "Two")], True, 0.0)  # the head's half: the top
    # "123" ends at 300 px: "1" starts at 300 - 3 * 5.92; its stamp (one digit) at 300 - 5.92
    assert [d[1] for d in digits] == [False] * 3
    assert [d[2] for d in digits] == [round(-2 * 5.92 * 0.75, 3), round(-5.92 * 0.75, 3), 0.0]
    left = pdf_stamps.stamps_for(sides, "left", ("Book", "One"), "40")
    assert [d[2] for d in left[1:]] == [0.0, round(5.92 * 0.75, 3)]


def test_furniture_the_stamps_cannot_follow_is_laid_out_page_by_page():
    kerned = _laid(check_width=59.0)  # the ten digits set as one are narrower than side by side
    assert pdf_stamps.plan(HEADS, kerned) is None
    shared = _laid(folio_rows=[["@bottom-right", False, [["7", 10, 5.92], ["Draft", 30, 20]]]])
    assert pdf_stamps.plan(HEADS, shared) is None  # the folio's half prints something else too
    same_half = _laid(head_rows=[["@bottom-left", False, [["Two", 100, 50]]]])
    assert pdf_stamps.plan(HEADS, same_half) is None  # a head in the folio's half
    assert pdf_stamps.plan(HEADS, _laid()[:-1]) is None


def test_a_running_head_guessed_from_the_template_output_is_the_one_found_in_the_prepared_tree():
    from bs4 import BeautifulSoup

    from pipeline.emit.pdf import print_html as pdf_html

    for html in ['<html><body><div class="mainmatter"><section><h1 class="chapter-title" data-running-head="Short">'
                 'A <em>long</em> title</h1></section></div></body></html>',
                 '<html><body><div class="mainmatter"><h1 id="credits"> Image <b>credits</b>\n and more </h1></div></body></html>',
                 '<html><body><h1>Not in the main matter</h1><div class="mainmatter"><p>Text <i>only</i></p></div></body></html>']:
        assert pdf_html.guess_running_head(html) == pdf_html.running_head(BeautifulSoup(html, "lxml"))


def test_stamps_laid_out_with_a_wrong_guess_are_laid_out_again_with_the_real_heads(tmp_path, monkeypatch):
    from pipeline.emit.pdf import print_html as pdf_html

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    book = _book(tmp_path, "print")
    right = build(book, tmp_path / "right", ("pdf",), jobs=2).outputs[0]
    assert not (tmp_path / "right" / ".cache" / "pdf" / "stamps").exists()  # guessed right: laid out once
    monkeypatch.setattr(pdf_html, "guess_running_head", lambda html: "Wrong")
    wrong = build(book, tmp_path / "wrong", ("pdf",), jobs=2).outputs[0]
    assert (tmp_path / "wrong" / ".cache" / "pdf" / "stamps").is_dir()
    assert right.read_bytes() == wrong.read_bytes()
