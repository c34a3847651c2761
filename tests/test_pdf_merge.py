"""pdf_merge: the main matter joined first (while the front matter is laid out), the front matter
put before it; the book reads in order, and a main matter joined for the wrong side is joined
again, giving the bytes of a join done at once."""
from __future__ import annotations

import subprocess
import sys

import pikepdf
import pytest

from pipeline.emit.pdf import join as pdf_merge
from pipeline.emit.pdf import joiner

PAGE = "<style>@page { size: 300px 300px; margin: 30px }</style>"


def _pdf(folder, name: str, html: str):
    """A tagged PDF of `html` by WeasyPrint itself, in a process of its own: a build in this one
    may have patched WeasyPrint to leave the fonts to the join (pdf_fonts)."""
    path = folder / f"{name}.pdf"
    code = "import sys; from weasyprint import HTML; HTML(string=sys.argv[1]).write_pdf(sys.argv[2], pdf_tags=True)"
    subprocess.run([sys.executable, "-c", code, PAGE + html, str(path)], check=True)
    return path


@pytest.fixture(scope="module")
def pieces(tmp_path_factory):
    folder = tmp_path_factory.mktemp("merge")
    front = _pdf(folder, "front", "<h1 id='toc'>Contents</h1><p><a href='#b'>Part B</a></p>")
    a = _pdf(folder, "a", "<h1 id='a'>Part A</h1><p>first page of A</p>"
                          "<p style='break-before: page'>second page of A</p>")
    b = _pdf(folder, "b", "<h1 id='b'>Part B</h1><p>only page of B</p>")
    fonts = folder / "fonts"
    fonts.mkdir()
    # (pdf, start counted from the main matter's first page, shift, borrowed); B opens on a recto
    return folder, front, [(a, 0, 12.0, set()), (b, 2, 12.0, set())], fonts


def _outline(pdf: pikepdf.Pdf) -> list:
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    with pdf.open_outline() as outline:
        return [(str(item.title), pages[item.destination[0].objgen]) for item in outline.root]


def test_the_front_matter_put_before_the_main_matter_reads_in_order(pieces):
    folder, front, parts, fonts = pieces
    target = folder / "book.pdf"
    count = pdf_merge.join((front, set()), parts, 2, [], target, fonts)
    pdf = pikepdf.open(target)
    assert count == len(pdf.pages) == 5  # front, a blank verso, A's two pages, B
    assert _outline(pdf) == [("Contents", 0), ("Part A", 2), ("Part B", 4)]
    names = list(pdf.Root.Names.Dests.Names)
    pages = {p.objgen: i for i, p in enumerate(pdf.pages)}
    dests = {str(k): pages[v[0].objgen] for k, v in zip(names[0::2], names[1::2])}
    assert dests["toc"] == 0 and dests["a"] == 2 and dests["b"] == 4
    document = pdf.Root.StructTreeRoot.K[0]
    headings = [str(k.get("/S")) for k in document.K]
    assert headings[0] == "/H1" and len(headings) >= 5
    first = document.K[0]
    assert pages[first.Pg.objgen] == 0  # the structure tree starts with the front matter
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    assert text.index("Contents") < text.index("first page of A") < text.index("second page of A") \
        < text.index("only page of B")
    keys = [int(k) for k in list(pdf.Root.StructTreeRoot.ParentTree.Nums)[0::2]]
    assert keys == sorted(keys) and len(set(keys)) == len(keys)


def test_a_main_matter_joined_for_the_other_side_is_joined_again(pieces):
    """The front matter's length decides the side the screen edition's main matter opens on: a
    main matter joined early for the wrong side is joined again, and gives the bytes of a join
    done at once, its left-hand pages moved."""
    folder, front, parts, fonts = pieces
    at_once = folder / "at-once.pdf"
    pdf_merge.join((front, set()), parts, 1, [], at_once, fonts)
    joiner._joined["book"] = (pdf_merge.main_matter(parts, fonts, 0), (parts, fonts, 0))
    again = folder / "again.pdf"
    joiner._finish(((front, set()), 1, [], again, None))
    assert again.read_bytes() == at_once.read_bytes()
    pdf = pikepdf.open(again)
    assert len(pdf.pages) == 4  # the front matter's page, then A from a left-hand page, then B

    def drawn(page) -> bytes:
        return b"".join(c.read_bytes() for c in page.obj.Contents)

    assert drawn(pdf.pages[1]).startswith(b"q 1 0 0 1 12.000 0 cm")  # a left-hand page: moved out
    assert drawn(pdf.pages[2]).startswith(b"q 1 0 0 1 -12.000 0 cm")  # and back on the right
    right = pdf_merge.join((front, set()), parts, 2, [], folder / "right.pdf", fonts)
    assert right == 5
