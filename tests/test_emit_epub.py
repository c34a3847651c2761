"""The EPUB: EPUBCheck 0/0/0 (real EPUBCheck, once per book), metadata, lang on every page,
nav with landmarks, NCX, cover, reproducible bytes."""
from __future__ import annotations

import zipfile

import pytest
from lxml import etree

NS = {"opf": "http://www.idpf.org/2007/opf", "dc": "http://purl.org/dc/elements/1.1/",
      "x": "http://www.w3.org/1999/xhtml", "epub": "http://www.idpf.org/2007/ops"}


def _epub(default_book):
    out, result = default_book
    return next(p for p in result.outputs if p.suffix == ".epub")


def test_default_book_passes_epubcheck(default_epubcheck):
    assert default_epubcheck.ok, "\n".join(default_epubcheck.problems)
    assert "0 fatals, 0 errors, 0 warnings" in default_epubcheck.summary


def test_corpus_books_pass_epubcheck(corpus_epubs):
    failed = {name: check.problems[:5] for name, (result, check) in corpus_epubs.items() if not check.ok}
    assert not failed


def test_metadata_is_complete(default_book):
    with zipfile.ZipFile(_epub(default_book)) as z:
        opf = etree.fromstring(z.read("EPUB/content.opf"))
    meta = opf.find("opf:metadata", NS)
    for tag in ("title", "creator", "language", "identifier", "publisher", "rights", "date"):
        assert meta.find(f"dc:{tag}", NS) is not None and meta.find(f"dc:{tag}", NS).text, tag
    assert meta.find("dc:identifier", NS).text.startswith("urn:uuid:")
    props = {m.get("property") for m in meta.findall("opf:meta", NS)}
    assert {"dcterms:modified", "schema:accessMode", "schema:accessibilitySummary"} <= props


def test_every_page_has_lang_and_xml_lang(default_book):
    with zipfile.ZipFile(_epub(default_book)) as z:
        pages = [n for n in z.namelist() if n.endswith(".xhtml")]
        assert len(pages) >= 6
        for name in pages:
            root = etree.fromstring(z.read(name))
            assert root.get("lang") == "zh-CN", name
            assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-CN", name


def test_nav_has_toc_and_landmarks_and_ncx_exists(default_book):
    with zipfile.ZipFile(_epub(default_book)) as z:
        nav = etree.fromstring(z.read("EPUB/nav.xhtml"))
        names = z.namelist()
    types = {n.get("{http://www.idpf.org/2007/ops}type") for n in nav.iter("{http://www.w3.org/1999/xhtml}nav")}
    assert {"toc", "landmarks"} <= types
    landmarks = [a.get("{http://www.idpf.org/2007/ops}type") for a in nav.iter("{http://www.w3.org/1999/xhtml}a")
                 if a.get("{http://www.idpf.org/2007/ops}type")]
    assert {"cover", "toc", "bodymatter"} <= set(landmarks)
    assert "EPUB/toc.ncx" in names
    assert any(n.startswith("EPUB/images/cover.") for n in names)


def test_zip_layout_is_fixed(default_book):
    with zipfile.ZipFile(_epub(default_book)) as z:
        infos = z.infolist()
    assert infos[0].filename == "mimetype" and infos[0].compress_type == zipfile.ZIP_STORED
    assert len({i.date_time for i in infos}) == 1


def test_two_builds_are_byte_identical(tmp_path):
    from pipeline.build import build
    from conftest import ROOT

    a = build(ROOT / "source", tmp_path / "a", ("epub",), jobs=1).outputs[0].read_bytes()
    b = build(ROOT / "source", tmp_path / "b", ("epub",), jobs=2).outputs[0].read_bytes()
    assert a == b


def test_pages_parsed_once_then_known_by_digest(tmp_path):
    """A page that is not well-formed XHTML is an internal error; one that parsed is kept by its
    digest, and a later build takes it without parsing it again."""
    from pipeline.emit.epub import WellFormed
    from pipeline.model import PressroomError

    page = '<html xmlns="http://www.w3.org/1999/xhtml"><body><p>Text</p></body></html>'
    first = WellFormed(tmp_path)
    assert first(page, "a.xhtml") == page.encode()
    with pytest.raises(PressroomError, match="b.xhtml is not well-formed"):
        first("<html><body><p>Text</body></html>", "b.xhtml")
    first.save()
    again = WellFormed(tmp_path)
    assert len(again.known) == 1 and again(page, "a.xhtml") == page.encode()
    with pytest.raises(PressroomError):  # still checked: it never parsed
        again("<html><body><p>Text</body></html>", "b.xhtml")


def test_an_epub_alone_has_the_page_list_of_a_pdf_laid_out_before_or_says_why_not(default_book, tmp_path):
    """The EPUB's page list follows the PDF's printed pages (emit/page_list.py): `--format epub`
    alone gives the EPUB of `--format all` when a PDF of the same content was laid out in that
    folder before, and otherwise an EPUB without a page list, with a note that says why."""
    from conftest import ROOT, pressroom

    def built(out):
        return next(out.glob("*.epub"))

    def page_list(epub):
        with zipfile.ZipFile(epub) as z:
            return "doc-pagelist" in z.read(next(n for n in z.namelist() if n.endswith("nav.xhtml"))).decode()

    out = tmp_path / "out"
    cold = pressroom("build", "--source", ROOT / "source", "--out", out, "--format", "epub")
    assert cold.returncode == 0, cold.stderr
    assert "the EPUB has no page list" in cold.stderr and not page_list(built(out))
    both = next(p for p in default_book[1].outputs if p.suffix == ".epub")  # --format all
    assert page_list(both)
    for args in (("--format", "pdf"), ("--format", "epub", "--force")):
        done = pressroom("build", "--source", ROOT / "source", "--out", out, *args)
        assert done.returncode == 0, done.stderr
    assert "page list" not in done.stderr
    assert built(out).read_bytes() == both.read_bytes()
